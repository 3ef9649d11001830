//! Saved vacancies and applications.
//!
//! A seeker (or their caseworker) keeps vacancies for later and applies for them with a
//! message. Applying shares the seeker's record with that one employer, whether or not the
//! seeker lets employers find them in searches. The employer moves the application through
//! `viewed`, `interview` and `offer` to `hired` or `rejected`; the seeker may withdraw it while it
//! is open. Every change names the version it is based on (a stale change is a conflict), is
//! kept in an append-only history, and tells the seeker through the outbox in their language.
//! Every read of an application by the employer is written to the audit log.

use crate::access::{self, Action, Denial, Target};
use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::{Message, UiLang};
use crate::routes::matching::{body, not_found};
use crate::routes::people::now_text;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use openpes_matching::{FieldError, InvalidRecord};
use openpes_store::{ApplicationRecord, NewApplication, OutboxMessage, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

pub use openpes_app::applications::{
    is_open, stored_status, ApplicationStatus, Party, MAX_NOTE_CHARS,
};

// ---------------------------------------------------------------------------------------------
// Wire types.

/// Language of the answer.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangParam {
    /// `zh-TW` or `en` (default: from `Accept-Language`).
    pub lang: Option<String>,
}

/// A vacancy in a seeker's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedVacancyView {
    pub vacancy: String,
    /// Absent when the vacancy has been deleted since.
    pub title: Option<String>,
    pub employer: Option<String>,
    pub place: Option<String>,
    /// Still taking applications.
    pub open: bool,
    pub saved_at: String,
    /// The seeker's application for it, if any.
    pub application: Option<String>,
}

/// A seeker's saved vacancies, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SavedList {
    pub seeker: String,
    pub saved: Vec<SavedVacancyView>,
}

/// One status in an application's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChangeView {
    pub version: i64,
    #[schema(value_type = crate::dto::schema::ApplicationStatus)]
    pub status: ApplicationStatus,
    pub status_label: String,
    pub comment: String,
    pub changed_by: String,
    pub changed_at: String,
}

/// A status the caller may set, with its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChoice {
    #[schema(value_type = crate::dto::schema::ApplicationStatus)]
    pub status: ApplicationStatus,
    pub label: String,
}

/// An application, as its applicant or its employer sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    pub id: String,
    pub seeker: String,
    pub vacancy: String,
    /// Absent when the vacancy has been deleted since.
    pub vacancy_title: Option<String>,
    pub employer: String,
    pub employer_name: Option<String>,
    #[schema(value_type = crate::dto::schema::ApplicationStatus)]
    pub status: ApplicationStatus,
    pub status_label: String,
    /// The seeker's message to the employer.
    pub note: String,
    /// Pass it back when changing the status.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// The statuses the caller may set now.
    pub next: Vec<StatusChoice>,
    /// Every status so far, oldest first (filled for a single application).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusChangeView>,
}

/// Applications, newest first for a seeker, oldest first for a vacancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    pub applications: Vec<ApplicationView>,
}

/// A new application.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    /// The vacancy's id.
    pub vacancy: String,
    /// A message to the employer (at most 4,000 characters).
    #[serde(default)]
    pub note: String,
}

/// A change of an application's status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    #[schema(value_type = crate::dto::schema::ApplicationStatus)]
    pub status: ApplicationStatus,
    /// The version the change is based on.
    pub version: i64,
    /// Why (shown to the seeker; at most 4,000 characters).
    #[serde(default)]
    pub comment: String,
}

// ---------------------------------------------------------------------------------------------
// Building views.

/// The statuses `caller` may set on `record` now.
fn next_statuses(
    caller: &openpes_app::auth::Caller,
    record: &ApplicationRecord,
    caseworker: Option<&str>,
    lang: UiLang,
) -> Vec<StatusChoice> {
    let current = stored_status(&record.status);
    let applicant = access::decide(
        caller,
        Action::ManageApplications,
        Target::Seeker {
            id: &record.seeker_id,
            caseworker,
        },
    )
    .is_ok();
    let employer = access::decide(
        caller,
        Action::ManageVacancies,
        Target::Employer(&record.employer_id),
    )
    .is_ok();
    ApplicationStatus::ALL
        .into_iter()
        .filter(|&to| {
            (applicant && current.may_become(to, Party::Applicant))
                || (employer && current.may_become(to, Party::Employer))
        })
        .map(|status| StatusChoice {
            status,
            label: status.label(lang).to_string(),
        })
        .collect()
}

/// One application's view with its history, for a caller already authorized to read it.
pub(crate) async fn application_views_of(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    record: ApplicationRecord,
    lang: UiLang,
) -> Result<ApplicationView, ApiError> {
    view(state, caller, record, lang, true).await
}

async fn view(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    record: ApplicationRecord,
    lang: UiLang,
    with_history: bool,
) -> Result<ApplicationView, ApiError> {
    let vacancy = state.store().vacancy(&record.vacancy_id).await?;
    let employer_name = state
        .store()
        .employer(&record.employer_id)
        .await?
        .map(|e| e.name);
    let caseworker = state.store().caseworker_of(&record.seeker_id).await?;
    let next = next_statuses(caller, &record, caseworker.as_deref(), lang);
    let history = if with_history {
        state
            .store()
            .application_history(&record.id)
            .await?
            .into_iter()
            .map(|c| {
                let status = stored_status(&c.status);
                StatusChangeView {
                    version: c.version,
                    status,
                    status_label: status.label(lang).to_string(),
                    comment: c.comment,
                    changed_by: c.changed_by,
                    changed_at: c.changed_at,
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let status = stored_status(&record.status);
    Ok(ApplicationView {
        id: record.id,
        seeker: record.seeker_id,
        vacancy: record.vacancy_id,
        vacancy_title: vacancy.map(|v| v.title),
        employer: record.employer_id,
        employer_name,
        status,
        status_label: status.label(lang).to_string(),
        note: record.note,
        version: record.version,
        created_at: record.created_at,
        updated_at: record.updated_at,
        next,
        history,
    })
}

fn too_long(field: &str, text: &str) -> Result<(), ApiError> {
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(crate::routes::matching::invalid(InvalidRecord(vec![
            FieldError {
                field: field.into(),
                message: format!("at most {MAX_NOTE_CHARS} characters"),
            },
        ])));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Handlers: saved vacancies.

/// A seeker's saved vacancies, newest first, each with the application for it if any.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/saved", tag = "applications",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "The list", body = SavedList)))]
pub async fn saved(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<SavedList>, ApiError> {
    Ok(Json(saved_list(&state, &caller, &id).await?))
}

/// The saved list as `caller` may see it (logged to the audit log).
pub(crate) async fn saved_list(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
) -> Result<SavedList, ApiError> {
    access::authorize_seeker(
        state,
        caller,
        Action::ReadSeeker,
        seeker_id,
        "saved vacancies",
    )
    .await?;
    saved_views(state, seeker_id).await
}

/// A seeker's saved list, for a caller already authorized to read the seeker's record.
pub(crate) async fn saved_views(state: &AppState, seeker_id: &str) -> Result<SavedList, ApiError> {
    let mut out = Vec::new();
    for saved in state.store().saved_vacancies(seeker_id).await? {
        let vacancy = state.store().vacancy(&saved.vacancy_id).await?;
        let employer = match &vacancy {
            Some(v) => state.store().employer(&v.employer).await?.map(|e| e.name),
            None => None,
        };
        let application = state
            .store()
            .application_for(seeker_id, &saved.vacancy_id)
            .await?
            .map(|a| a.id);
        out.push(SavedVacancyView {
            open: vacancy
                .as_ref()
                .is_some_and(|v| is_open(v, state.now().date_naive())),
            title: vacancy.as_ref().map(|v| v.title.clone()),
            place: vacancy.and_then(|v| v.place),
            employer,
            vacancy: saved.vacancy_id,
            saved_at: saved.saved_at,
            application,
        });
    }
    Ok(SavedList {
        seeker: seeker_id.to_string(),
        saved: out,
    })
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
    save_vacancy(&state, &caller, &id, &vacancy).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn save_vacancy(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    vacancy_id: &str,
) -> Result<(), ApiError> {
    access::authorize_seeker(
        state,
        caller,
        Action::ManageApplications,
        seeker_id,
        "save vacancy",
    )
    .await?;
    if state.store().seeker(seeker_id).await?.is_none() {
        return Err(not_found("seeker", seeker_id));
    }
    if state.store().vacancy(vacancy_id).await?.is_none() {
        return Err(not_found("vacancy", vacancy_id));
    }
    state
        .store()
        .save_vacancy(seeker_id, vacancy_id, state.now())
        .await?;
    Ok(())
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
    unsave_vacancy(&state, &caller, &id, &vacancy).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn unsave_vacancy(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    vacancy_id: &str,
) -> Result<(), ApiError> {
    access::authorize_seeker(
        state,
        caller,
        Action::ManageApplications,
        seeker_id,
        "drop saved vacancy",
    )
    .await?;
    if state.store().unsave_vacancy(seeker_id, vacancy_id).await? {
        Ok(())
    } else {
        Err(not_found("saved vacancy", vacancy_id))
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers: applications.

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
    let applications = seeker_applications(&state, &caller, &id, lang).await?;
    Ok(Json(ApplicationList { applications }))
}

pub(crate) async fn seeker_applications(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    lang: UiLang,
) -> Result<Vec<ApplicationView>, ApiError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, seeker_id, "applications").await?;
    application_views(state, caller, seeker_id, lang).await
}

/// A seeker's applications, for a caller already authorized to read the seeker's record.
pub(crate) async fn application_views(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    lang: UiLang,
) -> Result<Vec<ApplicationView>, ApiError> {
    let mut out = Vec::new();
    for record in state.store().applications_of_seeker(seeker_id).await? {
        out.push(view(state, caller, record, lang, false).await?);
    }
    Ok(out)
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
    access::require_signed_in(&caller)?;
    let request = body(request)?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let view = submit(&state, &caller, &id, &request, lang).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub(crate) async fn submit(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    request: &ApplicationRequest,
    lang: UiLang,
) -> Result<ApplicationView, ApiError> {
    // Applying shares the record with an employer: the seeker's own decision, never staff's
    // (a caseworker adds an action-plan step instead).
    access::authorize_seeker(
        state,
        caller,
        Action::Apply,
        seeker_id,
        &format!("apply for vacancy {}", request.vacancy),
    )
    .await?;
    too_long("note", &request.note)?;
    if state.store().seeker(seeker_id).await?.is_none() {
        return Err(not_found("seeker", seeker_id));
    }
    let vacancy = state
        .store()
        .vacancy(&request.vacancy)
        .await?
        .ok_or_else(|| not_found("vacancy", &request.vacancy))?;
    if !is_open(&vacancy, state.now().date_naive()) {
        return Err(ApiError::new(StatusCode::CONFLICT, Message::VacancyClosed));
    }
    let new = NewApplication {
        id: format!("app-{}", uuid::Uuid::new_v4().simple()),
        seeker_id: seeker_id.to_string(),
        vacancy_id: vacancy.id.clone(),
        employer_id: vacancy.employer.clone(),
        status: ApplicationStatus::Applied.code().to_string(),
        note: request.note.trim().to_string(),
    };
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    let stored = match state.store().add_application(&new, &by, state.now()).await {
        Ok(stored) => stored,
        Err(StoreError::Conflict(_)) => {
            return Err(ApiError::new(StatusCode::CONFLICT, Message::AlreadyApplied))
        }
        Err(e) => return Err(e.into()),
    };
    view(state, caller, stored, lang, true).await
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
    access::require_signed_in(&caller)?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let record = state
        .store()
        .application(&id)
        .await?
        .ok_or_else(|| not_found("application", &id))?;
    authorize_read(&state, &caller, &record).await?;
    Ok(Json(view(&state, &caller, record, lang, true).await?))
}

/// Whether `caller` may read the application: its applicant's side, the employer it was sent
/// to, the caseworker of the applicant's caseload or an administrator (the access policy
/// decides; every attempt is in the applicant's audit trail).
async fn authorize_read(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    record: &ApplicationRecord,
) -> Result<(), ApiError> {
    access::authorize_application(
        state,
        caller,
        &record.id,
        &record.seeker_id,
        &record.employer_id,
    )
    .await?;
    Ok(())
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
    access::require_signed_in(&caller)?;
    let update = body(update)?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        change_status(&state, &caller, &id, &update, lang).await?,
    ))
}

pub(crate) async fn change_status(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    id: &str,
    update: &StatusUpdate,
    lang: UiLang,
) -> Result<ApplicationView, ApiError> {
    let record = state
        .store()
        .application(id)
        .await?
        .ok_or_else(|| not_found("application", id))?;
    let party = ApplicationStatus::party_setting(update.status);
    let purpose = format!("application {id}: {}", update.status.code());
    match party {
        Party::Applicant => {
            access::authorize_seeker(
                state,
                caller,
                Action::ManageApplications,
                &record.seeker_id,
                &purpose,
            )
            .await?;
        }
        Party::Employer => {
            access::authorize_employer(caller, Action::ManageVacancies, &record.employer_id)?;
            access::record(
                state,
                caller,
                "update",
                "seeker",
                &record.seeker_id,
                Some(&record.seeker_id),
                &format!("{purpose} (employer)"),
            )
            .await?;
        }
    }
    too_long("comment", &update.comment)?;
    let current = stored_status(&record.status);
    if record.version == update.version && !current.may_become(update.status, party) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Message::StatusNotAllowed {
                from: current.label(lang).to_string(),
                to: update.status.label(lang).to_string(),
            },
        ));
    }
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    let changed = match state
        .store()
        .set_application_status(
            id,
            update.version,
            update.status.code(),
            update.comment.trim(),
            &by,
            state.now(),
        )
        .await
    {
        Ok(Some(changed)) => changed,
        Ok(None) => return Err(not_found("application", id)),
        Err(StoreError::Conflict(_)) => {
            let current = state
                .store()
                .application(id)
                .await?
                .map_or(0, |a| a.version);
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                Message::ApplicationChanged { current },
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if party == Party::Employer {
        tell_applicant(state, &changed, update).await?;
    }
    view(state, caller, changed, lang, true).await
}

/// Writes the employer's change to the applicant's outbox, in the applicant's language.
async fn tell_applicant(
    state: &AppState,
    record: &ApplicationRecord,
    update: &StatusUpdate,
) -> Result<(), ApiError> {
    let Some(account) = state.store().user_of_seeker(&record.seeker_id).await? else {
        return Ok(());
    };
    let lang = UiLang::from_tag(&account.language).unwrap_or(UiLang::ZhTw);
    let title = state
        .store()
        .vacancy(&record.vacancy_id)
        .await?
        .map_or_else(|| record.vacancy_id.clone(), |v| v.title);
    let (subject, mut body) =
        crate::web::i18n::application_mail(lang, &title, update.status.label(lang));
    if !update.comment.trim().is_empty() {
        body.push_str("\n\n");
        body.push_str(update.comment.trim());
    }
    state
        .store()
        .push_outbox(&OutboxMessage {
            id: 0,
            recipient: account.email,
            subject,
            body,
            created_at: now_text(state),
        })
        .await?;
    Ok(())
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
    let applications = vacancy_applications(&state, &caller, &id, lang).await?;
    Ok(Json(ApplicationList { applications }))
}

pub(crate) async fn vacancy_applications(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    vacancy_id: &str,
    lang: UiLang,
) -> Result<Vec<ApplicationView>, ApiError> {
    access::require_signed_in(caller)?;
    let vacancy = state
        .store()
        .vacancy(vacancy_id)
        .await?
        .ok_or_else(|| not_found("vacancy", vacancy_id))?;
    let grant = access::decide(
        caller,
        Action::ReadCandidates,
        Target::Employer(&vacancy.employer),
    )
    .map_err(ApiError::from)?;
    if grant == access::Grant::CaseloadOnly {
        // A caseworker's candidate view is limited to their caseload; applications are the
        // employer's business.
        return Err(Denial::Forbidden.into());
    }
    let records = state.store().applications_for_vacancy(vacancy_id).await?;
    let purpose = format!("applicant for vacancy {vacancy_id} ({})", grant.basis());
    let entries: Vec<_> = records
        .iter()
        .map(|r| {
            access::entry(
                caller,
                "read",
                "seeker",
                &r.seeker_id,
                Some(&r.seeker_id),
                &purpose,
            )
        })
        .collect();
    openpes_app::audit_writer::append(state, entries).await?;
    let mut out = Vec::new();
    for record in records {
        out.push(view(state, caller, record, lang, false).await?);
    }
    Ok(out)
}
