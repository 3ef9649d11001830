//! Job seekers', employers' and vacancies' records as use cases: stored after every field and
//! every concept is checked against the taxonomy and the gazetteer, stored before the
//! in-memory index learns them, and rejected as a whole with every bad field named. Imports
//! are all or nothing; suggestions extracted from a record's text wait for a person to
//! confirm them; consent is only ever changed by the seeker. Every read and change of a
//! seeker's record goes through the access policy and the audit log.

use crate::access::{self, Action, Grant};
use crate::auth::{Caller, Role};
use crate::error::{invalid, not_found};
use crate::words::Message;
use crate::{blocking, read, App, AppError, ErrorKind};
use openpes_matching::index::MatchIndex;
use openpes_matching::{
    Employer, FieldError, InvalidRecord, Seeker, SeekerSkill, SkillSource, Suggestion,
    SuggestionKind, Vacancy,
};
use openpes_store::VacancyChange;
use serde::{Deserialize, Serialize};

/// The id in the path (or the page) must be the record's own.
pub fn same_id(path: &str, body: &str) -> Result<(), AppError> {
    if path == body {
        Ok(())
    } else {
        Err(AppError::bad_request(Message::IdMismatch {
            path: path.to_string(),
            body: body.to_string(),
        }))
    }
}

/// Checks a seeker against the taxonomy and the gazetteer (off the async workers).
async fn check_seeker(state: &App, seeker: &Seeker) -> Result<(), AppError> {
    let seeker = seeker.clone();
    state
        .with_index(move |index| index.check_seeker(&seeker))
        .await?
        .map_err(invalid)
}

/// Checks a vacancy against the taxonomy and the gazetteer (off the async workers).
async fn check_vacancy(state: &App, vacancy: &Vacancy) -> Result<(), AppError> {
    let vacancy = vacancy.clone();
    state
        .with_index(move |index| index.check_vacancy(&vacancy))
        .await?
        .map_err(invalid)
}

/// Puts stored vacancies into the matching index.
pub async fn index_vacancies(state: &App, vacancies: &[Vacancy]) -> Result<(), AppError> {
    let vacancies = vacancies.to_vec();
    state
        .with_index_mut(move |index| {
            vacancies
                .iter()
                .try_for_each(|vacancy| index.upsert_vacancy(vacancy))
        })
        .await?
        .map_err(invalid)
}

// ---------------------------------------------------------------------------------------------
// Job seekers.

/// Adds or replaces a job seeker's record (extraction suggestions from its CV text added).
pub async fn put_seeker(
    state: &App,
    caller: &Caller,
    id: &str,
    mut seeker: Seeker,
) -> Result<(), AppError> {
    access::require_signed_in(caller)?;
    same_id(id, &seeker.id)?;
    let grant =
        access::authorize_seeker(state, caller, Action::UpdateSeeker, id, "store record").await?;
    seeker.validate().map_err(invalid)?;
    keep_consent(state, grant, &mut seeker).await?;
    let seeker = {
        let (taxonomy, extractor) = state.extraction();
        blocking(move || {
            crate::suggest::suggest_for_seeker(&taxonomy, &extractor, &mut seeker);
            seeker
        })
        .await?
    };
    check_seeker(state, &seeker).await?;
    state.store().put_seeker(&seeker, state.now()).await?;
    state.index_seeker(&seeker).await?;
    Ok(())
}

/// Consent is the seeker's own decision: only the seeker's own record carries it. Anyone
/// else's write (a caseworker's, an administrator's, a machine client's) keeps the stored
/// consent silently (none for a new record); the seeker changes it on their record or through
/// the consent operation.
async fn keep_consent(state: &App, grant: Grant, seeker: &mut Seeker) -> Result<(), AppError> {
    if grant != Grant::OwnRecord {
        let stored = state.store().seeker(&seeker.id).await?;
        seeker.searchable = stored.as_ref().is_some_and(|s| s.searchable);
        seeker.outreach = stored.as_ref().is_some_and(|s| s.outreach);
    }
    Ok(())
}

/// A job seeker's record (an audited read).
pub async fn seeker(state: &App, caller: &Caller, id: &str) -> Result<Seeker, AppError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, id, "read record").await?;
    state
        .store()
        .seeker(id)
        .await?
        .ok_or_else(|| not_found("seeker", id))
}

/// Deletes a job seeker's record.
pub async fn delete_seeker(state: &App, caller: &Caller, id: &str) -> Result<(), AppError> {
    access::authorize_seeker(state, caller, Action::DeleteSeeker, id, "delete record").await?;
    if !state.store().delete_seeker(id, state.now()).await? {
        return Err(not_found("seeker", id));
    }
    let id = id.to_string();
    state
        .with_index_mut(move |index| index.remove_seeker(&id))
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Employers and vacancies.

/// Adds or replaces an employer's record (the employer itself, or an administrator).
pub async fn put_employer(
    state: &App,
    caller: &Caller,
    id: &str,
    employer: Employer,
) -> Result<(), AppError> {
    access::require_signed_in(caller)?;
    same_id(id, &employer.id)?;
    access::authorize_employer(caller, Action::ManageVacancies, id)?;
    if employer.name.trim().is_empty() {
        return Err(invalid(InvalidRecord(vec![FieldError {
            field: "name".into(),
            message: "must not be empty".into(),
        }])));
    }
    state.store().put_employer(&employer, state.now()).await?;
    Ok(())
}

/// Adds or replaces a vacancy (its employer's; extraction suggestions from its text added).
pub async fn put_vacancy(
    state: &App,
    caller: &Caller,
    id: &str,
    mut vacancy: Vacancy,
) -> Result<(), AppError> {
    access::require_signed_in(caller)?;
    same_id(id, &vacancy.id)?;
    authorize_vacancy_change(state, caller, &vacancy.employer, id).await?;
    vacancy.validate().map_err(invalid)?;
    let vacancy = {
        let (taxonomy, extractor) = state.extraction();
        blocking(move || {
            crate::suggest::suggest_for_vacancy(&taxonomy, &extractor, &mut vacancy);
            vacancy
        })
        .await?
    };
    check_vacancy(state, &vacancy).await?;
    state
        .store()
        .put_vacancies(std::slice::from_ref(&vacancy), state.now())
        .await?;
    index_vacancies(state, std::slice::from_ref(&vacancy)).await?;
    Ok(())
}

/// Changing a vacancy needs its employer. A stored vacancy keeps its owner: a write naming
/// another employer, or by an employer that is not its owner, is a 403 that names the vacancy
/// (for everyone, administrators included, so that no import or edit silently takes over
/// another's vacancy).
async fn authorize_vacancy_change(
    state: &App,
    caller: &Caller,
    employer: &str,
    vacancy_id: &str,
) -> Result<(), AppError> {
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
fn owned_by_another(kind: &'static str, id: &str) -> AppError {
    AppError::new(
        ErrorKind::Forbidden,
        Message::OwnedByAnother {
            kind,
            id: id.to_string(),
        },
    )
}

/// Authorizes `action` on a record of `employer`; an employer refused is told which record is
/// another employer's (other roles get the policy's answer).
fn authorize_owner(
    caller: &Caller,
    action: Action,
    kind: &'static str,
    id: &str,
    employer: &str,
) -> Result<Grant, AppError> {
    access::authorize_employer(caller, action, employer).map_err(|refused| {
        match caller.user().map(|u| u.role) {
            Some(Role::Employer) => owned_by_another(kind, id),
            _ => refused,
        }
    })
}

/// A vacancy's record (vacancies are public).
pub async fn vacancy(state: &App, id: &str) -> Result<Vacancy, AppError> {
    state
        .store()
        .vacancy(id)
        .await?
        .ok_or_else(|| not_found("vacancy", id))
}

/// Deletes a vacancy (recorded in the change feed).
pub async fn delete_vacancy(state: &App, caller: &Caller, id: &str) -> Result<(), AppError> {
    access::require_signed_in(caller)?;
    let stored = state
        .store()
        .vacancy(id)
        .await?
        .ok_or_else(|| not_found("vacancy", id))?;
    authorize_owner(
        caller,
        Action::ManageVacancies,
        "vacancy",
        id,
        &stored.employer,
    )?;
    if !state.store().delete_vacancy(id, state.now()).await? {
        return Err(not_found("vacancy", id));
    }
    let id = id.to_string();
    state
        .with_index_mut(move |index| index.remove_vacancy(&id))
        .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Imports.

/// What an import stored.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = VacancyImportSummary))]
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

/// Imports vacancies, all or nothing: any bad record rejects the whole import, with every bad
/// field named (`line 3: salary_max` for JSON lines, `[2].datePosted` for JSON-LD). JSON lines
/// carry OpenPES records; JSON-LD carries schema.org `JobPosting`s (one, an array, or an
/// `@graph`), each vacancy's id derived from its employer and the posting's identifier, and
/// hiring organisations not yet known added as employers (known ones are left unchanged).
///
/// An employer imports only for its own organisation. A vacancy that exists and belongs to
/// another employer refuses the whole import (naming it), for every caller. Vacancies that
/// name no skills get extraction suggestions from their text.
pub async fn import_vacancies(
    state: &App,
    caller: &Caller,
    text: String,
    json_ld: bool,
) -> Result<ImportSummary, AppError> {
    access::require_signed_in(caller)?;
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
        authorize_owner(caller, Action::ImportVacancies, "employer", owner, owner)?;
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
    index_vacancies(state, &vacancies).await?;
    Ok(ImportSummary {
        stored: vacancies.len(),
        employers,
        ids: vacancies.into_iter().map(|v| v.id).collect(),
    })
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

// ---------------------------------------------------------------------------------------------
// Suggestions.

/// Which suggestions to confirm and which to drop (by concept URI).
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
) -> Result<Vec<Suggestion>, AppError> {
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

/// Confirms or drops a vacancy's extraction suggestions. Accepted skills join the essential or
/// optional skills (as the text said); an accepted occupation becomes the vacancy's
/// occupation. Returns the updated record.
pub async fn decide_vacancy_suggestions(
    state: &App,
    caller: &Caller,
    id: &str,
    decision: &SuggestionDecision,
) -> Result<Vacancy, AppError> {
    access::require_signed_in(caller)?;
    let mut vacancy = state
        .store()
        .vacancy(id)
        .await?
        .ok_or_else(|| not_found("vacancy", id))?;
    authorize_owner(
        caller,
        Action::ManageVacancies,
        "vacancy",
        id,
        &vacancy.employer,
    )?;
    for suggestion in decide(&mut vacancy.suggestions, decision)? {
        match suggestion.kind {
            SuggestionKind::Occupation => vacancy.occupation = Some(suggestion.concept),
            SuggestionKind::Skill if suggestion.essential => {
                vacancy.essential_skills.push(suggestion.concept)
            }
            SuggestionKind::Skill => vacancy.optional_skills.push(suggestion.concept),
        }
    }
    check_vacancy(state, &vacancy).await?;
    state
        .store()
        .put_vacancies(std::slice::from_ref(&vacancy), state.now())
        .await?;
    index_vacancies(state, std::slice::from_ref(&vacancy)).await?;
    Ok(vacancy)
}

/// Confirms or drops a seeker's suggestions from their CV. Accepted skills join the profile
/// with source `extracted`; an accepted occupation becomes a desired occupation.
pub async fn decide_seeker_suggestions(
    state: &App,
    caller: &Caller,
    id: &str,
    decision: &SuggestionDecision,
) -> Result<Seeker, AppError> {
    access::require_signed_in(caller)?;
    access::authorize_seeker(
        state,
        caller,
        Action::UpdateSeeker,
        id,
        "decide suggestions",
    )
    .await?;
    let mut seeker = state
        .store()
        .seeker(id)
        .await?
        .ok_or_else(|| not_found("seeker", id))?;
    for suggestion in decide(&mut seeker.suggestions, decision)? {
        match suggestion.kind {
            SuggestionKind::Occupation => seeker.desired_occupations.push(suggestion.concept),
            SuggestionKind::Skill => seeker.skills.push(SeekerSkill {
                concept: suggestion.concept,
                source: SkillSource::Extracted,
                level: None,
            }),
        }
    }
    check_seeker(state, &seeker).await?;
    state.store().put_seeker(&seeker, state.now()).await?;
    state.index_seeker(&seeker).await?;
    Ok(seeker)
}

// ---------------------------------------------------------------------------------------------
// The change feed.

/// A page of the change feed.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangesPage {
    pub changes: Vec<ChangeEntry>,
    /// Pass as `since` for the next page (the same value when nothing new happened).
    pub next: i64,
}

/// One change.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEntry {
    pub seq: i64,
    pub vacancy_id: String,
    /// `upsert` or `delete`.
    pub change: String,
    pub at: String,
}

/// Vacancy changes after the cursor `since`, oldest first, at most `limit` (1 to 1,000).
pub async fn vacancy_changes(
    state: &App,
    since: Option<i64>,
    limit: Option<i64>,
) -> Result<ChangesPage, AppError> {
    let since = since.unwrap_or(0).max(0);
    let limit = limit.unwrap_or(100).clamp(1, 1000);
    let changes: Vec<VacancyChange> = state.store().vacancy_changes(since, limit).await?;
    let next = changes.last().map_or(since, |c| c.seq);
    Ok(ChangesPage {
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
    })
}
