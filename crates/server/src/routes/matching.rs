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

use crate::access::{self, Action, Grant};
use crate::auth::{Caller, Role};
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::Message;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use openpes_matching::index::MatchIndex;
use openpes_matching::{
    Employer, FieldError, InvalidRecord, Seeker, SeekerSkill, SkillSource, Suggestion,
    SuggestionKind, Vacancy,
};
use openpes_store::VacancyChange;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A record whose fields are wrong (422, every field named).
pub(crate) fn invalid(errors: InvalidRecord) -> ApiError {
    openpes_app::error::invalid(errors).into()
}

pub(crate) fn body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    body.map(|Json(t)| t)
        .map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))
}

pub(crate) fn same_id(path: &str, body: &str) -> Result<(), ApiError> {
    if path == body {
        Ok(())
    } else {
        Err(ApiError::bad_request(Message::IdMismatch {
            path: path.to_string(),
            body: body.to_string(),
        }))
    }
}

/// Runs CPU-heavy work (extraction, scoring) off the async workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    Ok(openpes_app::blocking(work).await?)
}

pub(crate) use openpes_app::read;

/// A record that does not exist (or is not the caller's to see).
pub(crate) fn not_found(kind: &'static str, id: &str) -> ApiError {
    openpes_app::error::not_found(kind, id).into()
}

/// Runs `work` with the matching index read, on the blocking pool: a writer may hold the
/// index, and an async worker never waits for a lock (so `/healthz` and every other request
/// keep answering while the index is busy).
pub(crate) async fn with_index<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&MatchIndex) -> T + Send + 'static,
) -> Result<T, ApiError> {
    Ok(state.with_index(work).await?)
}

/// Runs `work` with the matching index locked for writing, on the blocking pool. Slow work
/// (extraction, validation) is done before: the lock is held only for the index change.
pub(crate) async fn with_index_mut<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&mut MatchIndex) -> T + Send + 'static,
) -> Result<T, ApiError> {
    Ok(state.with_index_mut(work).await?)
}

/// Puts a stored seeker into the matching index.
pub(crate) async fn index_seeker(state: &AppState, seeker: &Seeker) -> Result<(), ApiError> {
    Ok(state.index_seeker(seeker).await?)
}

/// Checks a seeker against the taxonomy and the gazetteer (off the async workers).
async fn check_seeker(state: &AppState, seeker: &Seeker) -> Result<(), ApiError> {
    let seeker = seeker.clone();
    with_index(state, move |index| index.check_seeker(&seeker))
        .await?
        .map_err(invalid)
}

/// Checks a vacancy against the taxonomy and the gazetteer (off the async workers).
async fn check_vacancy(state: &AppState, vacancy: &Vacancy) -> Result<(), ApiError> {
    let vacancy = vacancy.clone();
    with_index(state, move |index| index.check_vacancy(&vacancy))
        .await?
        .map_err(invalid)
}

/// Puts stored vacancies into the matching index.
pub(crate) async fn index_vacancies(
    state: &AppState,
    vacancies: &[Vacancy],
) -> Result<(), ApiError> {
    let vacancies = vacancies.to_vec();
    with_index_mut(state, move |index| {
        vacancies
            .iter()
            .try_for_each(|vacancy| index.upsert_vacancy(vacancy))
    })
    .await?
    .map_err(invalid)
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
    let mut seeker = body(seeker)?;
    same_id(&id, &seeker.id)?;
    let grant =
        access::authorize_seeker(&state, &caller, Action::UpdateSeeker, &id, "store record")
            .await?;
    seeker.validate().map_err(invalid)?;
    keep_consent(&state, grant, &mut seeker).await?;
    let seeker = {
        let (taxonomy, extractor) = state.extraction();
        blocking(move || {
            crate::suggest::suggest_for_seeker(&taxonomy, &extractor, &mut seeker);
            seeker
        })
        .await?
    };
    check_seeker(&state, &seeker).await?;
    state.store().put_seeker(&seeker, state.now()).await?;
    index_seeker(&state, &seeker).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Consent is the seeker's own decision: only the seeker's own record carries it. Anyone
/// else's write (a caseworker's, an administrator's, a machine client's) keeps the stored
/// consent silently (none for a new record); the seeker changes it on their record or through
/// the consent operation.
async fn keep_consent(state: &AppState, grant: Grant, seeker: &mut Seeker) -> Result<(), ApiError> {
    if grant != Grant::OwnRecord {
        let stored = state.store().seeker(&seeker.id).await?;
        seeker.searchable = stored.as_ref().is_some_and(|s| s.searchable);
        seeker.outreach = stored.as_ref().is_some_and(|s| s.outreach);
    }
    Ok(())
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
    access::authorize_seeker(&state, &caller, Action::ReadSeeker, &id, "read record").await?;
    let seeker = state.store().seeker(&id).await?;
    seeker.map(Json).ok_or_else(|| not_found("seeker", &id))
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
    access::authorize_seeker(&state, &caller, Action::DeleteSeeker, &id, "delete record").await?;
    if !state.store().delete_seeker(&id, state.now()).await? {
        return Err(not_found("seeker", &id));
    }
    with_index_mut(&state, move |index| index.remove_seeker(&id)).await?;
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
    same_id(&id, &employer.id)?;
    access::authorize_employer(&caller, Action::ManageVacancies, &id)?;
    if employer.name.trim().is_empty() {
        return Err(invalid(InvalidRecord(vec![FieldError {
            field: "name".into(),
            message: "must not be empty".into(),
        }])));
    }
    state.store().put_employer(&employer, state.now()).await?;
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
    let mut vacancy = body(vacancy)?;
    same_id(&id, &vacancy.id)?;
    authorize_vacancy_change(&state, &caller, &vacancy.employer, &id).await?;
    vacancy.validate().map_err(invalid)?;
    let vacancy = {
        let (taxonomy, extractor) = state.extraction();
        blocking(move || {
            crate::suggest::suggest_for_vacancy(&taxonomy, &extractor, &mut vacancy);
            vacancy
        })
        .await?
    };
    check_vacancy(&state, &vacancy).await?;
    state
        .store()
        .put_vacancies(std::slice::from_ref(&vacancy), state.now())
        .await?;
    index_vacancies(&state, std::slice::from_ref(&vacancy)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changing a vacancy needs its employer. A stored vacancy keeps its owner: a write naming
/// another employer, or by an employer that is not its owner, is a 403 that names the vacancy
/// (for everyone, administrators included, so that no import or edit silently takes over
/// another's vacancy).
async fn authorize_vacancy_change(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    employer: &str,
    vacancy_id: &str,
) -> Result<(), ApiError> {
    if let Some(stored) = state.store().vacancy(vacancy_id).await? {
        if stored.employer != employer {
            return Err(owned_by_another("vacancy", vacancy_id));
        }
        authorize_owner(
            caller,
            Action::ManageVacancies,
            "vacancy",
            vacancy_id,
            employer,
        )?;
    }
    access::authorize_employer(caller, Action::ManageVacancies, employer)?;
    Ok(())
}

/// A 403 naming a record (`kind`, `id`) that belongs to another employer.
fn owned_by_another(kind: &'static str, id: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        Message::OwnedByAnother {
            kind,
            id: id.to_string(),
        },
    )
}

/// Authorizes `action` on a record of `employer`; an employer refused is told which record is
/// another employer's (other roles get the policy's answer).
fn authorize_owner(
    caller: &openpes_app::auth::Caller,
    action: Action,
    kind: &'static str,
    id: &str,
    employer: &str,
) -> Result<Grant, ApiError> {
    access::authorize_employer(caller, action, employer).map_err(|refused| {
        match caller.user().map(|u| u.role) {
            Some(Role::Employer) => owned_by_another(kind, id),
            _ => refused.into(),
        }
    })
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
    let vacancy = state.store().vacancy(&id).await?;
    vacancy.map(Json).ok_or_else(|| not_found("vacancy", &id))
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
    access::require_signed_in(&caller)?;
    let stored = state
        .store()
        .vacancy(&id)
        .await?
        .ok_or_else(|| not_found("vacancy", &id))?;
    authorize_owner(
        &caller,
        Action::ManageVacancies,
        "vacancy",
        &id,
        &stored.employer,
    )?;
    if !state.store().delete_vacancy(&id, state.now()).await? {
        return Err(not_found("vacancy", &id));
    }
    with_index_mut(&state, move |index| index.remove_vacancy(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = VacancyImportSummary)]
pub struct ImportSummary {
    /// Vacancies stored.
    pub stored: usize,
    /// Employers added (named by JSON-LD postings and not known before; an import never
    /// changes an existing employer's record).
    pub employers: usize,
    /// The vacancies' ids, in the order of the input (for JSON-LD derived from the employer
    /// and the posting's identifier).
    pub ids: Vec<String>,
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
    // Each employer is checked once the records are read.
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
    let index = state.matching();
    let (taxonomy, extractor) = state.extraction();
    let parsed = blocking(
        move || -> Result<(Vec<Employer>, Vec<Vacancy>), InvalidRecord> {
            // The index is read only to resolve and check records; extraction, the slow part,
            // runs without holding it.
            let (employers, mut vacancies, mut errors) = if json_ld {
                read_json_ld(&text, &read(&index))
            } else {
                read_json_lines(&text)
            };
            for (_, vacancy) in &mut vacancies {
                crate::suggest::suggest_for_vacancy(&taxonomy, &extractor, vacancy);
            }
            let guard = read(&index);
            for (at, vacancy) in &vacancies {
                if let Err(bad) = guard.check_vacancy(vacancy) {
                    errors.extend(bad.0.into_iter().map(|e| FieldError {
                        field: format!("{at}{}", e.field),
                        message: e.message,
                    }));
                }
            }
            if errors.is_empty() {
                Ok((employers, vacancies.into_iter().map(|(_, v)| v).collect()))
            } else {
                Err(InvalidRecord(errors))
            }
        },
    )
    .await?;
    let (employers, vacancies) = parsed.map_err(invalid)?;
    // All or nothing: every organisation must be the caller's to import for, and no vacancy
    // may be another employer's, before anything is stored.
    let mut owners: Vec<&str> = vacancies.iter().map(|v| v.employer.as_str()).collect();
    owners.extend(employers.iter().map(|e| e.id.as_str()));
    owners.sort_unstable();
    owners.dedup();
    for owner in owners {
        authorize_owner(&caller, Action::ImportVacancies, "employer", owner, owner)?;
    }
    for vacancy in &vacancies {
        if let Some(stored) = state.store().vacancy(&vacancy.id).await? {
            if stored.employer != vacancy.employer {
                return Err(owned_by_another("vacancy", &vacancy.id));
            }
        }
    }
    // An import only adds organisations; an existing employer's record is never changed.
    let mut new_employers = Vec::new();
    for employer in employers {
        if state.store().employer(&employer.id).await?.is_none() {
            new_employers.push(employer);
        }
    }
    let employers = state
        .store()
        .put_employers_and_vacancies(&new_employers, &vacancies, state.now())
        .await?;
    index_vacancies(&state, &vacancies).await?;
    Ok(Json(ImportSummary {
        stored: vacancies.len(),
        employers,
        ids: vacancies.into_iter().map(|v| v.id).collect(),
    }))
}

/// Vacancies read from an import, each with where it came from (`line 3: `, `[2].`).
type Located = Vec<(String, Vacancy)>;

/// JSON lines: the vacancies read, and every line that could not be read.
fn read_json_lines(text: &str) -> (Vec<Employer>, Located, Vec<FieldError>) {
    let mut vacancies = Vec::new();
    let mut errors = Vec::new();
    // Vacancy id → the line that named it first: one import names each vacancy once.
    let mut seen = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |field: &str| format!("line {}: {field}", i + 1);
        match serde_json::from_str::<Vacancy>(line) {
            Ok(vacancy) => match vacancy.validate() {
                Ok(()) => match seen.get(&vacancy.id) {
                    Some(first) => errors.push(FieldError {
                        field: at("id"),
                        message: format!("repeats the vacancy of line {first}"),
                    }),
                    None => {
                        seen.insert(vacancy.id.clone(), i + 1);
                        vacancies.push((at(""), vacancy));
                    }
                },
                Err(bad) => errors.extend(bad.0.into_iter().map(|e| FieldError {
                    field: at(&e.field),
                    message: e.message,
                })),
            },
            Err(e) => errors.push(FieldError {
                field: at("json"),
                message: e.to_string(),
            }),
        }
    }
    (Vec::new(), vacancies, errors)
}

/// schema.org JobPosting JSON-LD: the vacancies and employers read, or what is wrong.
fn read_json_ld(text: &str, index: &MatchIndex) -> (Vec<Employer>, Located, Vec<FieldError>) {
    let document: serde_json::Value = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => {
            return (
                Vec::new(),
                Vec::new(),
                vec![FieldError {
                    field: format!("line {}: json", e.line()),
                    message: e.to_string(),
                }],
            )
        }
    };
    match openpes_matching::jsonld::job_postings(&document, index.taxonomy(), index.gazetteer()) {
        Ok(postings) => (
            postings.employers,
            postings
                .vacancies
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("[{i}]."), v))
                .collect(),
            Vec::new(),
        ),
        Err(errors) => (Vec::new(), Vec::new(), errors),
    }
}

/// Which suggestions to confirm and which to drop (by concept URI).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionDecision {
    #[serde(default)]
    pub accept: Vec<String>,
    #[serde(default)]
    pub reject: Vec<String>,
}

/// Takes the accepted suggestions out of `suggestions` (to be applied by the caller) and
/// drops the rejected ones; an accepted URI that is not a suggestion is a 422.
fn decide(
    suggestions: &mut Vec<Suggestion>,
    decision: &SuggestionDecision,
) -> Result<Vec<Suggestion>, ApiError> {
    let mut accepted = Vec::new();
    for uri in &decision.accept {
        let position = suggestions
            .iter()
            .position(|s| &s.concept == uri)
            .ok_or_else(|| {
                invalid(InvalidRecord(vec![FieldError {
                    field: "accept".into(),
                    message: format!("'{uri}' is not among the record's suggestions"),
                }]))
            })?;
        accepted.push(suggestions.remove(position));
    }
    suggestions.retain(|s| !decision.reject.contains(&s.concept));
    Ok(accepted)
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
    let mut vacancy = state
        .store()
        .vacancy(&id)
        .await?
        .ok_or_else(|| not_found("vacancy", &id))?;
    authorize_owner(
        &caller,
        Action::ManageVacancies,
        "vacancy",
        &id,
        &vacancy.employer,
    )?;
    for suggestion in decide(&mut vacancy.suggestions, &decision)? {
        match suggestion.kind {
            SuggestionKind::Occupation => vacancy.occupation = Some(suggestion.concept),
            SuggestionKind::Skill if suggestion.essential => {
                vacancy.essential_skills.push(suggestion.concept)
            }
            SuggestionKind::Skill => vacancy.optional_skills.push(suggestion.concept),
        }
    }
    check_vacancy(&state, &vacancy).await?;
    state
        .store()
        .put_vacancies(std::slice::from_ref(&vacancy), state.now())
        .await?;
    index_vacancies(&state, std::slice::from_ref(&vacancy)).await?;
    Ok(Json(vacancy))
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
    access::authorize_seeker(
        &state,
        &caller,
        Action::UpdateSeeker,
        &id,
        "decide suggestions",
    )
    .await?;
    let mut seeker = state
        .store()
        .seeker(&id)
        .await?
        .ok_or_else(|| not_found("seeker", &id))?;
    for suggestion in decide(&mut seeker.suggestions, &decision)? {
        match suggestion.kind {
            SuggestionKind::Occupation => seeker.desired_occupations.push(suggestion.concept),
            SuggestionKind::Skill => seeker.skills.push(SeekerSkill {
                concept: suggestion.concept,
                source: SkillSource::Extracted,
                level: None,
            }),
        }
    }
    check_seeker(&state, &seeker).await?;
    state.store().put_seeker(&seeker, state.now()).await?;
    index_seeker(&state, &seeker).await?;
    Ok(Json(seeker))
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

/// A page of the change feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesPage {
    pub changes: Vec<ChangeEntry>,
    /// Pass as `since` for the next page (the same value when nothing new happened).
    pub next: i64,
}

/// One change.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeEntry {
    pub seq: i64,
    pub vacancy_id: String,
    /// `upsert` or `delete`.
    pub change: String,
    pub at: String,
}

/// Vacancy changes after a cursor, oldest first: mirror open vacancies by applying them.
#[utoipa::path(get, path = "/api/v1/vacancies/changes", tag = "matching", params(ChangesQuery),
    responses((status = 200, description = "Changes after the cursor", body = ChangesPage)))]
pub async fn vacancy_changes(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ChangesQuery>,
) -> Result<Json<ChangesPage>, ApiError> {
    let since = query.since.unwrap_or(0).max(0);
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let changes: Vec<VacancyChange> = state.store().vacancy_changes(since, limit).await?;
    let next = changes.last().map_or(since, |c| c.seq);
    Ok(Json(ChangesPage {
        changes: changes
            .into_iter()
            .map(|c| ChangeEntry {
                seq: c.seq,
                vacancy_id: c.vacancy_id,
                change: c.change,
                at: c.at,
            })
            .collect(),
        next,
    }))
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
