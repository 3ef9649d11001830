//! Saved vacancies and applications.
//!
//! A seeker (or their caseworker) keeps vacancies for later and applies for them with a
//! message. Applying shares the seeker's record with that one employer, whether or not the
//! seeker lets employers find them in searches. The employer moves the application through
//! `viewed`, `interview` and `offer` to `hired` or `rejected`; the seeker may withdraw it while it
//! is open. Every change names the version it is based on (a stale change is a conflict), is
//! kept in an append-only history, and tells the seeker through the outbox in their language.
//! Every read of an application by the employer is written to the audit log.

//!
//! The handlers read the request and call [`openpes_app::applications`], where the rules, the
//! use cases and their answers live.

use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::routes::matching::body;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use openpes_app::applications as use_case;
use serde::Deserialize;
use utoipa::IntoParams;

pub use openpes_app::applications::{
    is_open, stored_status, ApplicationList, ApplicationRequest, ApplicationStatus,
    ApplicationView, Party, SavedList, SavedVacancyView, StatusChangeView, StatusChoice,
    StatusUpdate, MAX_NOTE_CHARS,
};

/// Language of the answer.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParam {
    /// `zh-TW` or `en` (default: from `Accept-Language`).
    pub lang: Option<String>,
}

/// A seeker's saved vacancies, newest first, each with the application for it if any.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/saved", tag = "applications",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "The list", body = SavedList)))]
pub async fn saved(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SavedList>, ApiError> {
    Ok(Json(use_case::saved_list(&state, &caller, &id).await?))
}

/// Keeps a vacancy in a seeker's list (saving it twice is harmless).
#[utoipa::path(put, path = "/api/v1/seekers/{id}/saved/{vacancy}", tag = "applications",
    params(("id" = String, Path, description = "Seeker id"), ("vacancy" = String, Path, description = "Vacancy id")),
    responses((status = 204, description = "Saved"),
        (status = 404, description = "No such seeker or vacancy", body = crate::error::Problem)))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, vacancy)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    use_case::save_vacancy(&state, &caller, &id, &vacancy).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Drops a vacancy from a seeker's list.
#[utoipa::path(delete, path = "/api/v1/seekers/{id}/saved/{vacancy}", tag = "applications",
    params(("id" = String, Path, description = "Seeker id"), ("vacancy" = String, Path, description = "Vacancy id")),
    responses((status = 204, description = "Dropped"),
        (status = 404, description = "Not in the list", body = crate::error::Problem)))]
pub async fn unsave(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, vacancy)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    use_case::unsave_vacancy(&state, &caller, &id, &vacancy).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A seeker's applications, newest first.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/applications", tag = "applications",
    params(("id" = String, Path, description = "Seeker id"), LangParam),
    responses((status = 200, description = "The applications", body = ApplicationList)))]
pub async fn of_seeker(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParam>,
    headers: HeaderMap,
) -> Result<Json<ApplicationList>, ApiError> {
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let applications = use_case::seeker_applications(&state, &caller, &id, lang).await?;
    Ok(Json(ApplicationList { applications }))
}

/// Applies for a vacancy with a message to the employer. Applying shares the seeker's record
/// with that employer.
#[utoipa::path(post, path = "/api/v1/seekers/{id}/applications", tag = "applications",
    request_body = ApplicationRequest,
    params(("id" = String, Path, description = "Seeker id"), LangParam),
    responses((status = 201, description = "Sent", body = ApplicationView),
        (status = 404, description = "No such seeker or vacancy", body = crate::error::Problem),
        (status = 409, description = "Applied already, or the vacancy is closed", body = crate::error::Problem),
        (status = 422, description = "Invalid fields", body = crate::error::Problem)))]
pub async fn apply(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParam>,
    headers: HeaderMap,
    request: Result<Json<ApplicationRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    openpes_app::access::require_signed_in(&caller)?;
    let request = body(request)?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let view = use_case::submit(&state, &caller, &id, &request, lang).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One application with its history: for the applicant's side, or the employer.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id"), LangParam),
    responses((status = 200, description = "The application", body = ApplicationView),
        (status = 404, description = "No such application", body = crate::error::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParam>,
    headers: HeaderMap,
) -> Result<Json<ApplicationView>, ApiError> {
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        use_case::application(&state, &caller, &id, lang).await?,
    ))
}

/// Changes an application's status: the employer moves it on or rejects it, the applicant
/// withdraws it. Based on the version the editor read (409 if it changed since).
#[utoipa::path(put, path = "/api/v1/applications/{id}/status", tag = "applications",
    request_body = StatusUpdate,
    params(("id" = String, Path, description = "Application id"), LangParam),
    responses((status = 200, description = "Changed", body = ApplicationView),
        (status = 404, description = "No such application", body = crate::error::Problem),
        (status = 409, description = "Changed since it was read, or not a possible next status", body = crate::error::Problem)))]
pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParam>,
    headers: HeaderMap,
    update: Result<Json<StatusUpdate>, JsonRejection>,
) -> Result<Json<ApplicationView>, ApiError> {
    openpes_app::access::require_signed_in(&caller)?;
    let update = body(update)?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        use_case::change_status(&state, &caller, &id, &update, lang).await?,
    ))
}

/// The applications for a vacancy, oldest first: for its employer (each applicant's read is
/// logged) and administrators.
#[utoipa::path(get, path = "/api/v1/vacancies/{id}/applications", tag = "applications",
    params(("id" = String, Path, description = "Vacancy id"), LangParam),
    responses((status = 200, description = "The applications", body = ApplicationList),
        (status = 404, description = "No such vacancy", body = crate::error::Problem)))]
pub async fn of_vacancy(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<LangParam>,
    headers: HeaderMap,
) -> Result<Json<ApplicationList>, ApiError> {
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let applications = use_case::vacancy_applications(&state, &caller, &id, lang).await?;
    Ok(Json(ApplicationList { applications }))
}
