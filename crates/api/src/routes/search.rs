//! Vacancy search and the snapshot mirrors start from:
//!
//! - `GET /api/v1/vacancies/search`: free text understood through extraction (occupations
//!   and skills named in it) and the gazetteer (places named in it), structured filters that
//!   take ids, codes or unambiguous labels, facets, relevance or date order, cursor pages.
//! - `GET /api/v1/vacancies/snapshot`: every open vacancy, by id in pages, with the change-feed
//!   cursor to continue from once the snapshot is read.
//!
//! An unknown or ambiguous filter value is a 400 that names the parameter and the value.

use crate::error::{ApiError, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use chrono::NaiveDate;
use openpes_app::search::SearchRequest;
use openpes_matching::Vacancy;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use openpes_app::search::{
    ContractFacet, FacetsDto, GroupFacet, Interpretation, PlaceRef, RegionFacet, RelevancePartDto,
    SearchResponse, SearchResult,
};

/// Search parameters. List parameters take several values separated by commas.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Free text, e.g. "forklift driver Taoyuan" or "臺北市 護理師".
    pub q: Option<String>,
    /// Occupations or occupation groups: URI, ISCO-08 code or unambiguous label.
    pub occupation: Option<String>,
    /// Skills the vacancy must name (all of them): URI or unambiguous label.
    pub skill: Option<String>,
    /// Regions or municipalities: gazetteer code or name (臺北市, Taipei City, TW-TPE).
    pub place: Option<String>,
    /// Latitude of the centre of a radius search (with `lon`).
    pub lat: Option<f64>,
    /// Longitude of the centre of a radius search (with `lat`).
    pub lon: Option<f64>,
    /// Radius in km around `lat`/`lon` (default 25).
    pub radius_km: Option<f64>,
    /// `on_site`, `hybrid`, `remote`.
    pub remote: Option<String>,
    /// `permanent`, `fixed_term`, `temporary`, `apprenticeship`, `internship`, `freelance`.
    pub contract: Option<String>,
    /// `full_time`, `part_time`.
    pub working_time: Option<String>,
    /// The vacancy's top monthly salary reaches this.
    pub min_salary: Option<u32>,
    /// Posted on or after this day (YYYY-MM-DD).
    #[param(value_type = Option<String>, format = Date)]
    pub posted_since: Option<NaiveDate>,
    /// Employer ids.
    pub employer: Option<String>,
    /// `relevance` (default with `q`) or `date` (default without).
    pub sort: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Results per page (default 20, at most 100).
    pub limit: Option<usize>,
    /// Language of labels (`zh-TW` or `en`; default from `Accept-Language`).
    pub lang: Option<String>,
}

impl SearchParams {
    /// The search the parameters describe.
    pub fn request(&self) -> SearchRequest {
        SearchRequest {
            q: self.q.clone(),
            occupation: self.occupation.clone(),
            skill: self.skill.clone(),
            place: self.place.clone(),
            lat: self.lat,
            lon: self.lon,
            radius_km: self.radius_km,
            remote: self.remote.clone(),
            contract: self.contract.clone(),
            working_time: self.working_time.clone(),
            min_salary: self.min_salary,
            posted_since: self.posted_since,
            employer: self.employer.clone(),
            sort: self.sort.clone(),
            cursor: self.cursor.clone(),
            limit: self.limit,
            text_lang: self.lang.clone(),
        }
    }
}

/// Search open vacancies.
#[utoipa::path(get, path = "/api/v1/vacancies/search", tag = "matching", params(SearchParams),
    responses((status = 200, description = "One page of hits, with facets over all of them", body = SearchResponse),
        (status = 400, description = "Unknown or ambiguous filter value, bad cursor", body = crate::error::Problem)))]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
    headers: HeaderMap,
) -> Result<Json<SearchResponse>, ApiError> {
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        openpes_app::search::search(&state, &params.request(), lang).await?,
    ))
}

/// Snapshot page parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SnapshotParams {
    /// `next_after` of the previous page (absent for the first page).
    pub after: Option<String>,
    /// Vacancies per page (default 500, at most 5000).
    pub limit: Option<i64>,
}

/// One page of the snapshot of open vacancies.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotPage {
    #[schema(value_type = Vec<Object>)]
    pub vacancies: Vec<Vacancy>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next_after: Option<String>,
    /// The change-feed cursor when this page was read. Keep the one from the first page and,
    /// once every page is read, follow `/api/v1/vacancies/changes?since=` from it: changes
    /// made while paging are replayed (upserts and deletes are idempotent).
    pub changes_since: i64,
}

/// Every open vacancy (not expired), by id, in pages: the starting point of a mirror.
#[utoipa::path(get, path = "/api/v1/vacancies/snapshot", tag = "matching", params(SnapshotParams),
    responses((status = 200, description = "One page of open vacancies", body = SnapshotPage)))]
pub async fn snapshot(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SnapshotParams>,
) -> Result<Json<SnapshotPage>, ApiError> {
    let limit = params.limit.unwrap_or(500).clamp(1, 5000);
    let changes_since = state.store().latest_vacancy_change().await?;
    let after = params.after.unwrap_or_default();
    let page = state.store().open_vacancies_after(&after, limit).await?;
    let next_after = (page.len() as i64 == limit)
        .then(|| page.last().map(|v| v.id.clone()))
        .flatten();
    let today = state.now().date_naive();
    Ok(Json(SnapshotPage {
        vacancies: page.into_iter().filter(|v| v.is_open_on(today)).collect(),
        next_after,
        changes_since,
    }))
}
