//! Job seekers, employers and vacancies, and explained matching in both directions:
//!
//! - `PUT/GET/DELETE /api/v1/seekers/{id}`, `GET /api/v1/seekers/{id}/matches`
//! - `PUT /api/v1/employers/{id}`
//! - `PUT/GET/DELETE /api/v1/vacancies/{id}`, `GET /api/v1/vacancies/{id}/candidates`
//! - `POST /api/v1/vacancies/import` (JSON lines, all or nothing)
//! - `GET /api/v1/vacancies/changes?since=CURSOR` (the change feed)
//!
//! A record is checked (fields, and every concept against the taxonomy) before it is stored,
//! stored before the in-memory index learns it, and rejected as a whole with every bad field
//! named. Candidates are only seekers who consented to be found.
//!
//! Every handler asks [`crate::access`] first; reads and changes of a seeker's record are
//! written to the audit log there. Vacancies are public; changing them needs their employer
//! (or an administrator).

use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::Message;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use openpes_app::{access, records};
use openpes_matching::{Employer, Seeker, Vacancy};
use serde::Deserialize;
use utoipa::IntoParams;

pub use openpes_app::records::{ChangeEntry, ChangesPage, ImportSummary, SuggestionDecision};

/// The body of a JSON request, or a 400 naming what is wrong with it.
pub(crate) fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(t)| t)
        .map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))
}

/// The id in the path must be the record's own.
pub(crate) fn same_id(path: &str, body: &str) -> Result<(), ApiError> {
    Ok(records::same_id(path, body)?)
}

/// A record that does not exist (or is not the caller's to see).
pub(crate) fn not_found(kind: &'static str, id: &str) -> ApiError {
    openpes_app::error::not_found(kind, id).into()
}

/// Add or replace a job seeker.
#[utoipa::path(put, path = "/api/v1/seekers/{id}", tag = "matching", request_body = Object,
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 204, description = "Stored"),
        (status = 400, description = "Bad JSON or id mismatch", body = crate::error::Problem),
        (status = 422, description = "Invalid fields (listed in `errors`)", body = crate::error::Problem)))]
pub async fn put_seeker(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    seeker: Result<Json<Seeker>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::require_signed_in(&caller)?;
    let seeker = body(seeker)?;
    records::put_seeker(&state, &caller, &id, seeker).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A job seeker's record.
#[utoipa::path(get, path = "/api/v1/seekers/{id}", tag = "matching",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "The record", body = Object),
        (status = 404, description = "No such seeker", body = crate::error::Problem)))]
pub async fn get_seeker(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Seeker>, ApiError> {
    Ok(Json(records::seeker(&state, &caller, &id).await?))
}

/// Delete a job seeker.
#[utoipa::path(delete, path = "/api/v1/seekers/{id}", tag = "matching",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such seeker", body = crate::error::Problem)))]
pub async fn delete_seeker(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    records::delete_seeker(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add or replace an employer.
#[utoipa::path(put, path = "/api/v1/employers/{id}", tag = "matching", request_body = Object,
    params(("id" = String, Path, description = "Employer id")),
    responses((status = 204, description = "Stored"),
        (status = 400, description = "Bad JSON or id mismatch", body = crate::error::Problem)))]
pub async fn put_employer(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    employer: Result<Json<Employer>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::require_signed_in(&caller)?;
    let employer = body(employer)?;
    records::put_employer(&state, &caller, &id, employer).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add or replace a vacancy.
#[utoipa::path(put, path = "/api/v1/vacancies/{id}", tag = "matching", request_body = Object,
    params(("id" = String, Path, description = "Vacancy id")),
    responses((status = 204, description = "Stored"),
        (status = 400, description = "Bad JSON or id mismatch", body = crate::error::Problem),
        (status = 422, description = "Invalid fields (listed in `errors`)", body = crate::error::Problem)))]
pub async fn put_vacancy(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    vacancy: Result<Json<Vacancy>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::require_signed_in(&caller)?;
    let vacancy = body(vacancy)?;
    records::put_vacancy(&state, &caller, &id, vacancy).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A vacancy's record.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}", tag = "matching",
    params(("id" = String, Path, description = "Vacancy id")),
    responses((status = 200, description = "The record", body = Object),
        (status = 404, description = "No such vacancy", body = crate::error::Problem)))]
pub async fn get_vacancy(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vacancy>, ApiError> {
    Ok(Json(records::vacancy(&state, &id).await?))
}

/// Delete a vacancy (recorded in the change feed).
#[utoipa::path(delete, path = "/api/v1/vacancies/{id}", tag = "matching",
    params(("id" = String, Path, description = "Vacancy id")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "No such vacancy", body = crate::error::Problem)))]
pub async fn delete_vacancy(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    records::delete_vacancy(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Import vacancies, all or nothing: any bad record rejects the whole import, with every bad
/// field named (`line 3: salary_max` for JSON lines, `[2].datePosted` for JSON-LD).
///
/// - `Content-Type: application/x-ndjson` (or anything else): one vacancy per line in OpenPES
///   form; blank lines are skipped.
/// - `Content-Type: application/ld+json` or `application/json`: schema.org `JobPosting`s (one,
///   an array, or an `@graph`); each vacancy's id is derived from its employer and the
///   posting's identifier (see `openpes_matching::jsonld`); hiring organisations not yet known
///   are added as employers, known ones are left unchanged.
///
/// An employer imports only for its own organisation. A vacancy that exists and belongs to
/// another employer refuses the whole import (403 naming it), for every caller. Vacancies that
/// name no skills get extraction suggestions from their text.
#[utoipa::path(post, path = "/api/v1/vacancies/import", tag = "matching",
    request_body(content = String, content_type = "application/x-ndjson"),
    responses((status = 200, description = "All stored", body = ImportSummary),
        (status = 403, description = "Another employer's organisation or vacancy (named); nothing stored", body = crate::error::Problem),
        (status = 422, description = "Bad records (listed in `errors`); nothing stored", body = crate::error::Problem)))]
pub async fn import_vacancies(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    text: String,
) -> Result<Json<ImportSummary>, ApiError> {
    access::require_signed_in(&caller)?;
    let json_ld = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|v| v == "application/ld+json" || v == "application/json");
    Ok(Json(
        records::import_vacancies(&state, &caller, text, json_ld).await?,
    ))
}

/// Confirm or drop a vacancy's extraction suggestions. Accepted skills join the essential or
/// optional skills (as the text said); an accepted occupation becomes the vacancy's
/// occupation. Returns the updated record.
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/suggestions", tag = "matching",
    request_body = SuggestionDecision,
    params(("id" = String, Path, description = "Vacancy id")),
    responses((status = 200, description = "The updated record", body = Object),
        (status = 404, description = "No such vacancy", body = crate::error::Problem),
        (status = 422, description = "A URI that is not a suggestion", body = crate::error::Problem)))]
pub async fn decide_vacancy_suggestions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    decision: Result<Json<SuggestionDecision>, JsonRejection>,
) -> Result<Json<Vacancy>, ApiError> {
    access::require_signed_in(&caller)?;
    let decision = body(decision)?;
    Ok(Json(
        records::decide_vacancy_suggestions(&state, &caller, &id, &decision).await?,
    ))
}

/// Confirm or drop a seeker's suggestions from their CV. Accepted skills join the profile with
/// source `extracted`; an accepted occupation becomes a desired occupation.
#[utoipa::path(post, path = "/api/v1/seekers/{id}/suggestions", tag = "matching",
    request_body = SuggestionDecision,
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "The updated record", body = Object),
        (status = 404, description = "No such seeker", body = crate::error::Problem),
        (status = 422, description = "A URI that is not a suggestion", body = crate::error::Problem)))]
pub async fn decide_seeker_suggestions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    decision: Result<Json<SuggestionDecision>, JsonRejection>,
) -> Result<Json<Seeker>, ApiError> {
    access::require_signed_in(&caller)?;
    let decision = body(decision)?;
    Ok(Json(
        records::decide_seeker_suggestions(&state, &caller, &id, &decision).await?,
    ))
}

/// Change-feed query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    /// Cursor: the `seq` of the last change read (0 or absent: from the beginning).
    pub since: Option<i64>,
    /// At most this many changes (default 100, at most 1000).
    pub limit: Option<i64>,
}

/// Vacancy changes after a cursor, oldest first: mirror open vacancies by applying them.
#[utoipa::path(get, path = "/api/v1/vacancies/changes", tag = "matching", params(ChangesQuery),
    responses((status = 200, description = "Changes after the cursor", body = ChangesPage)))]
pub async fn vacancy_changes(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<ChangesPage>, ApiError> {
    Ok(Json(
        records::vacancy_changes(&state, query.since, query.limit).await?,
    ))
}

/// Match query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatchParams {
    /// Number of results (default 20, at most 100).
    pub limit: Option<usize>,
    /// Language of labels and explanations (`zh-TW` or `en`; default from `Accept-Language`).
    pub lang: Option<String>,
}

pub use openpes_app::views::ScorePart;

pub use openpes_app::matching::{
    describe, ranked_matches, MatchList, MatchResult, OccupationFit, Side, SkillGap,
};

/// The best open vacancies for a job seeker, each explained.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/matches", tag = "matching",
    params(("id" = String, Path, description = "Seeker id"), MatchParams),
    responses((status = 200, description = "Vacancies, best first", body = MatchList),
        (status = 404, description = "No such seeker", body = crate::error::Problem)))]
pub async fn seeker_matches(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<MatchParams>,
    headers: HeaderMap,
) -> Result<Json<MatchList>, ApiError> {
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let results =
        openpes_app::matching::seeker_matches(&state, &caller, &id, params.limit, lang).await?;
    Ok(Json(MatchList { results }))
}

/// The best candidates for a vacancy (only seekers who consented to be found), explained.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}/candidates", tag = "matching",
    params(("id" = String, Path, description = "Vacancy id"), MatchParams),
    responses((status = 200, description = "Seekers, best first", body = MatchList),
        (status = 404, description = "No such vacancy", body = crate::error::Problem)))]
pub async fn vacancy_candidates(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<MatchParams>,
    headers: HeaderMap,
) -> Result<Json<MatchList>, ApiError> {
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let results =
        openpes_app::matching::candidates(&state, &caller, &id, params.limit, lang).await?;
    Ok(Json(MatchList { results }))
}
