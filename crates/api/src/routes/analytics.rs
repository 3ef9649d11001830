//! Aggregate statistics for analysts: never an individual. Counts below
//! [`SMALL_CELL`] are suppressed (shown as absent), so that no small group can be singled out.

use crate::auth::Caller;
use crate::error::{ApiError, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;

pub use openpes_labour_market::SMALL_CELL;

pub use openpes_app::analytics::{CellView as Cell, SummaryView as Summary};

/// Summary query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SummaryQuery {
    /// Label language (`zh-TW` or `en`).
    pub lang: Option<String>,
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
    Ok(Json(
        openpes_app::analytics::summary_view(&state, &caller, lang).await?,
    ))
}
