//! Saved vacancies and applications: where an application stands, who may move it where,
//! when a vacancy takes applications, and the use cases over them.
//!
//! A seeker (or their caseworker) keeps vacancies for later and applies for them with a
//! message. Applying shares the seeker's record with that one employer, whether or not the
//! seeker lets employers find them in searches. The employer moves the application through
//! `viewed`, `interview` and `offer` to `hired` or `rejected`; the seeker may withdraw it while
//! it is open. Every change names the version it is based on (a stale change is a conflict),
//! is kept in an append-only history, and tells the seeker through the outbox in their
//! language. Every read of an application by the employer is written to the audit log.

use crate::access::{self, Action, Denial, Target};
use crate::auth::Caller;
use crate::error::not_found;
use crate::people::now_text;
use crate::words::{Message, UiLang};
use crate::{App, AppError, ErrorKind};
use openpes_matching::{FieldError, InvalidRecord, Vacancy, VacancyStatus};
use openpes_store::{ApplicationRecord, NewApplication, OutboxMessage, StoreError};
use serde::{Deserialize, Serialize};

/// Longest message to an employer, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Sent; the employer has not looked yet.
    Applied,
    Viewed,
    Interview,
    Offer,
    Hired,
    Rejected,
    Withdrawn,
}

/// Who changes an application: the applicant's side or the employer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Applicant,
    Employer,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 7] = [
        ApplicationStatus::Applied,
        ApplicationStatus::Viewed,
        ApplicationStatus::Interview,
        ApplicationStatus::Offer,
        ApplicationStatus::Hired,
        ApplicationStatus::Rejected,
        ApplicationStatus::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ApplicationStatus::Applied => "applied",
            ApplicationStatus::Viewed => "viewed",
            ApplicationStatus::Interview => "interview",
            ApplicationStatus::Offer => "offer",
            ApplicationStatus::Hired => "hired",
            ApplicationStatus::Rejected => "rejected",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The status in words.
    pub fn label(self, lang: UiLang) -> &'static str {
        crate::words::applications::status(self).get(lang)
    }

    /// Hired, rejected and withdrawn applications do not change any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Hired | ApplicationStatus::Rejected | ApplicationStatus::Withdrawn
        )
    }

    /// Whether `party` may move an application from `self` to `to`. The applicant may only
    /// withdraw; the employer moves it forward (never back to `applied`, and `hired` only
    /// after an interview or offer) or rejects it. Nothing leaves a final status.
    pub fn may_become(self, to: ApplicationStatus, party: Party) -> bool {
        use ApplicationStatus as S;
        if self.is_final() || self == to {
            return false;
        }
        match party {
            Party::Applicant => to == S::Withdrawn,
            Party::Employer => match to {
                S::Viewed => self == S::Applied,
                S::Interview => matches!(self, S::Applied | S::Viewed | S::Offer),
                S::Offer => matches!(self, S::Applied | S::Viewed | S::Interview),
                S::Hired => matches!(self, S::Interview | S::Offer),
                S::Rejected => true,
                S::Applied | S::Withdrawn => false,
            },
        }
    }

    /// The party that makes this change.
    pub fn party_setting(to: ApplicationStatus) -> Party {
        if to == ApplicationStatus::Withdrawn {
            Party::Applicant
        } else {
            Party::Employer
        }
    }
}

/// A status name, in the stored form; an unknown stored value reads as `applied` and is logged.
pub fn stored_status(code: &str) -> ApplicationStatus {
    ApplicationStatus::parse(code).unwrap_or_else(|| {
        tracing::error!(status = code, "unknown application status in the database");
        ApplicationStatus::Applied
    })
}

/// Whether a vacancy takes applications on `today`: open and not expired.
pub fn is_open(vacancy: &Vacancy, today: chrono::NaiveDate) -> bool {
    vacancy.status == VacancyStatus::Open && vacancy.expires.is_none_or(|expires| expires >= today)
}

// ---------------------------------------------------------------------------------------------
// What the use cases answer with.

/// A vacancy in a seeker's list.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedList {
    pub seeker: String,
    pub saved: Vec<SavedVacancyView>,
}

/// One status in an application's history.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChangeView {
    pub version: i64,
    pub status: ApplicationStatus,
    pub status_label: String,
    pub comment: String,
    pub changed_by: String,
    pub changed_at: String,
}

/// A status the caller may set, with its label.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatusChoice {
    pub status: ApplicationStatus,
    pub label: String,
}

/// An application, as its applicant or its employer sees it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationView {
    pub id: String,
    pub seeker: String,
    pub vacancy: String,
    /// Absent when the vacancy has been deleted since.
    pub vacancy_title: Option<String>,
    pub employer: String,
    pub employer_name: Option<String>,
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationList {
    pub applications: Vec<ApplicationView>,
}

/// A new application.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    /// The vacancy's id.
    pub vacancy: String,
    /// A message to the employer (at most 4,000 characters).
    #[serde(default)]
    pub note: String,
}

/// A change of an application's status.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
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
    caller: &Caller,
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
pub async fn application_views_of(
    state: &App,
    caller: &Caller,
    record: ApplicationRecord,
    lang: UiLang,
) -> Result<ApplicationView, AppError> {
    view(state, caller, record, lang, true).await
}

async fn view(
    state: &App,
    caller: &Caller,
    record: ApplicationRecord,
    lang: UiLang,
    with_history: bool,
) -> Result<ApplicationView, AppError> {
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

fn too_long(field: &str, text: &str) -> Result<(), AppError> {
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(crate::error::invalid(InvalidRecord(vec![FieldError {
            field: field.into(),
            message: format!("at most {MAX_NOTE_CHARS} characters"),
        }])));
    }
    Ok(())
}

/// The saved list as `caller` may see it (logged to the audit log).
pub async fn saved_list(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
) -> Result<SavedList, AppError> {
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
pub async fn saved_views(state: &App, seeker_id: &str) -> Result<SavedList, AppError> {
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
pub async fn save_vacancy(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    vacancy_id: &str,
) -> Result<(), AppError> {
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
pub async fn unsave_vacancy(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    vacancy_id: &str,
) -> Result<(), AppError> {
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

/// A seeker's applications, newest first (an audited read).
pub async fn seeker_applications(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    lang: UiLang,
) -> Result<Vec<ApplicationView>, AppError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, seeker_id, "applications").await?;
    application_views(state, caller, seeker_id, lang).await
}

/// A seeker's applications, for a caller already authorized to read the seeker's record.
pub async fn application_views(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    lang: UiLang,
) -> Result<Vec<ApplicationView>, AppError> {
    let mut out = Vec::new();
    for record in state.store().applications_of_seeker(seeker_id).await? {
        out.push(view(state, caller, record, lang, false).await?);
    }
    Ok(out)
}

/// Applies for a vacancy with a message to the employer. Applying shares the seeker's record
/// with that employer.
pub async fn submit(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    request: &ApplicationRequest,
    lang: UiLang,
) -> Result<ApplicationView, AppError> {
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
        return Err(AppError::new(ErrorKind::Conflict, Message::VacancyClosed));
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
            return Err(AppError::new(ErrorKind::Conflict, Message::AlreadyApplied))
        }
        Err(e) => return Err(e.into()),
    };
    view(state, caller, stored, lang, true).await
}

/// One application with its history: for the applicant's side, or the employer.
pub async fn application(
    state: &App,
    caller: &Caller,
    id: &str,
    lang: UiLang,
) -> Result<ApplicationView, AppError> {
    access::require_signed_in(caller)?;
    let record = state
        .store()
        .application(id)
        .await?
        .ok_or_else(|| not_found("application", id))?;
    authorize_read(state, caller, &record).await?;
    view(state, caller, record, lang, true).await
}

/// Whether `caller` may read the application: its applicant's side, the employer it was sent
/// to, the caseworker of the applicant's caseload or an administrator (the access policy
/// decides; every attempt is in the applicant's audit trail).
async fn authorize_read(
    state: &App,
    caller: &Caller,
    record: &ApplicationRecord,
) -> Result<(), AppError> {
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
/// withdraws it. Based on the version the editor read (a conflict if it changed since).
pub async fn change_status(
    state: &App,
    caller: &Caller,
    id: &str,
    update: &StatusUpdate,
    lang: UiLang,
) -> Result<ApplicationView, AppError> {
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
        return Err(AppError::new(
            ErrorKind::Conflict,
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
            return Err(AppError::new(
                ErrorKind::Conflict,
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
    state: &App,
    record: &ApplicationRecord,
    update: &StatusUpdate,
) -> Result<(), AppError> {
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
        crate::words::mail::application_mail(lang, &title, update.status.label(lang));
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
pub async fn vacancy_applications(
    state: &App,
    caller: &Caller,
    vacancy_id: &str,
    lang: UiLang,
) -> Result<Vec<ApplicationView>, AppError> {
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
    .map_err(AppError::from)?;
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
    crate::audit_writer::append(state, entries).await?;
    let mut out = Vec::new();
    for record in records {
        out.push(view(state, caller, record, lang, false).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus as S;

    #[test]
    fn the_applicant_may_only_withdraw_an_open_application() {
        for from in S::ALL {
            for to in S::ALL {
                let allowed = from.may_become(to, Party::Applicant);
                assert_eq!(
                    allowed,
                    to == S::Withdrawn && !from.is_final(),
                    "{from:?} → {to:?}"
                );
            }
        }
    }

    #[test]
    fn the_employer_moves_forward_and_nothing_leaves_a_final_status() {
        assert!(S::Applied.may_become(S::Viewed, Party::Employer));
        assert!(S::Viewed.may_become(S::Interview, Party::Employer));
        assert!(S::Interview.may_become(S::Offer, Party::Employer));
        assert!(S::Offer.may_become(S::Hired, Party::Employer));
        assert!(
            !S::Applied.may_become(S::Hired, Party::Employer),
            "hired needs an interview or offer"
        );
        assert!(
            !S::Interview.may_become(S::Viewed, Party::Employer),
            "never back to viewed"
        );
        assert!(
            !S::Viewed.may_become(S::Withdrawn, Party::Employer),
            "only the applicant withdraws"
        );
        for from in S::ALL {
            assert!(!from.may_become(S::Applied, Party::Employer));
            if from.is_final() {
                for to in S::ALL {
                    assert!(!from.may_become(to, Party::Employer));
                    assert!(!from.may_become(to, Party::Applicant));
                }
            } else {
                assert!(from.may_become(S::Rejected, Party::Employer));
            }
        }
    }

    #[test]
    fn statuses_round_trip_and_have_both_labels() {
        for s in S::ALL {
            assert_eq!(S::parse(s.code()), Some(s));
            assert_ne!(s.label(UiLang::En), s.label(UiLang::ZhTw));
        }
        assert_eq!(S::parse("accepted"), None);
    }
}
