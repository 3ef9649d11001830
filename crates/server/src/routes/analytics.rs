//! Aggregate statistics for analysts: never an individual. Counts below
//! [`SMALL_CELL`] are suppressed (shown as absent), so that no small group can be singled out.

use crate::auth::Caller;
use crate::error::{ApiError, ApiQuery};
use crate::i18n::UiLang;
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use openpes_labour_market::SMALL_CELL;

/// One count, or its suppression.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cell {
    /// What is counted (a region or an occupation group), labelled.
    pub label: String,
    /// The count; absent when below the small-cell threshold.
    pub count: Option<usize>,
    pub suppressed: bool,
}

/// Aggregates over the whole service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Summary {
    pub seekers: usize,
    /// Seekers who consented to be found by employers.
    pub seekers_findable: usize,
    pub open_vacancies: usize,
    pub vacancies_by_region: Vec<Cell>,
    pub vacancies_by_occupation_group: Vec<Cell>,
    /// Counts below this are suppressed.
    pub small_cell_threshold: usize,
}

/// Summary query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// Label language (`zh-TW` or `en`).
    pub lang: Option<String>,
}

/// The summary as the API and the analyst page show it (the use case is the application's).
pub(crate) async fn summary(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    lang: UiLang,
) -> Result<Summary, ApiError> {
    let summary = openpes_app::analytics::summary(state, caller, lang).await?;
    let cells = |cells: Vec<openpes_app::analytics::Cell>| -> Vec<Cell> {
        cells
            .into_iter()
            .map(|c| Cell {
                label: c.label,
                count: c.count.count(),
                suppressed: c.count.is_suppressed(),
            })
            .collect()
    };
    Ok(Summary {
        seekers: summary.seekers,
        seekers_findable: summary.seekers_findable,
        open_vacancies: summary.open_vacancies,
        vacancies_by_region: cells(summary.vacancies_by_region),
        vacancies_by_occupation_group: cells(summary.vacancies_by_occupation_group),
        small_cell_threshold: SMALL_CELL,
    })
}

/// Seekers and open vacancies in aggregate (analysts, caseworkers, administrators).
#[utoipa::path(get, path = "/api/v1/analytics/summary", tag = "people", params(SummaryQuery),
    responses((status = 200, description = "Aggregates; small counts suppressed", body = Summary),
        (status = 403, description = "Role without aggregate access", body = crate::error::Problem)))]
pub async fn summary_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<SummaryQuery>,
    headers: HeaderMap,
) -> Result<Json<Summary>, ApiError> {
    let lang = crate::i18n::request_lang(query.lang.as_deref(), &headers);
    Ok(Json(summary(&state, &caller, lang).await?))
}
