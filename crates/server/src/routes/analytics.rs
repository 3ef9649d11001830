//! Aggregate statistics for analysts: never an individual. Counts below
//! [`SMALL_CELL`] are suppressed (shown as absent), so that no small group can be singled out.

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiQuery};
use crate::i18n::UiLang;
use crate::routes::search::{search, SearchParams};
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

fn cell(label: String, count: usize) -> Cell {
    let published = openpes_labour_market::publish(count);
    Cell {
        label,
        count: published.count(),
        suppressed: published.is_suppressed(),
    }
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

pub(crate) async fn summary(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    lang: UiLang,
) -> Result<Summary, ApiError> {
    access::authorize_system(caller, Action::ReadAggregates)?;
    let (seekers, findable) = state.store().seeker_counts().await?;
    let params = SearchParams {
        lang: Some(lang.tag().to_string()),
        limit: Some(1),
        ..SearchParams::default()
    };
    let Json(page) = search(State(state.clone()), ApiQuery(params), HeaderMap::new()).await?;
    Ok(Summary {
        seekers: usize::try_from(seekers).unwrap_or(0),
        seekers_findable: usize::try_from(findable).unwrap_or(0),
        open_vacancies: page.total,
        vacancies_by_region: page
            .facets
            .regions
            .into_iter()
            .map(|f| cell(f.value.name, f.count))
            .collect(),
        vacancies_by_occupation_group: page
            .facets
            .occupation_groups
            .into_iter()
            .map(|f| cell(f.value.label, f.count))
            .collect(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed() {
        assert!(cell("a".into(), SMALL_CELL - 1).suppressed);
        assert_eq!(cell("a".into(), SMALL_CELL - 1).count, None);
        assert_eq!(cell("a".into(), SMALL_CELL).count, Some(SMALL_CELL));
    }
}
