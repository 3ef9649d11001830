//! Contacts with candidates and the verification of employers, as use cases. A **contact** is
//! an employer's message to a candidate about a vacancy; it is stored on its own and is never
//! a job offer. The seeker must be a candidate of the vacancy — found by matching among the
//! seekers who consented to be found, or an applicant — and is contacted about a vacancy
//! once; an employer sends at most [`CONTACTS_PER_EMPLOYER_PER_DAY`] contacts in 24 hours,
//! counted and added in one transaction. An employer organisation is unverified until staff
//! approve it; until then its users neither see candidates nor contact seekers.

use crate::access::{self, Action};
use crate::auth::{Caller, Role};
use crate::error::{not_found, AppError, ErrorKind};
use crate::words::{Message, UiLang};
use crate::App;
use chrono::Duration;
use openpes_matching::{MatchQuery, Vacancy};

/// How many seekers one employer may contact in 24 hours.
pub const CONTACTS_PER_EMPLOYER_PER_DAY: i64 = 20;

/// How many of a vacancy's best candidates count as its candidates for a contact or an offer
/// (the most the candidates API lists).
pub const CANDIDATES_CONSIDERED: usize = 100;

/// Checks the checksum of a Taiwanese business registration number (統一編號): eight digits,
/// weighted 1,2,1,2,1,2,4,1, the digits of each product summed; valid when the sum is a
/// multiple of 5 (the rule since 2023; before, of 10), or — when the seventh digit is 7 — when
/// the sum plus one is.
pub fn registration_number_valid(number: &str) -> bool {
    let digits: Vec<u32> = number.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 8 || number.chars().count() != 8 {
        return false;
    }
    const WEIGHTS: [u32; 8] = [1, 2, 1, 2, 1, 2, 4, 1];
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| {
            let product = d * w;
            product / 10 + product % 10
        })
        .sum();
    sum.is_multiple_of(5) || (digits[6] == 7 && (sum + 1).is_multiple_of(5))
}

/// Refuses an employer's user whose organisation staff have not verified (403
/// `employer_unverified`); everyone else passes (their role decides elsewhere).
pub async fn require_verified(
    state: &App,
    caller: &Caller,
    employer_id: &str,
) -> Result<(), AppError> {
    match caller.user() {
        Some(user) if user.role == Role::Employer => {
            if state.store().employer_verified(employer_id).await? {
                Ok(())
            } else {
                Err(AppError::new(
                    ErrorKind::Forbidden,
                    Message::EmployerUnverified,
                ))
            }
        }
        _ => Ok(()),
    }
}

/// Whether a seeker is a candidate of a vacancy: an applicant (not withdrawn), or among the
/// vacancy's best candidates found by matching (only seekers who consented to be found).
pub async fn is_candidate(
    state: &App,
    vacancy: &Vacancy,
    seeker_id: &str,
) -> Result<bool, AppError> {
    if let Some(application) = state
        .store()
        .application_for(seeker_id, &vacancy.id)
        .await?
    {
        if application.status != "withdrawn" {
            return Ok(true);
        }
    }
    let consented = state
        .store()
        .seeker(seeker_id)
        .await?
        .is_some_and(|s| s.searchable);
    if !consented {
        return Ok(false);
    }
    let query = MatchQuery {
        limit: CANDIDATES_CONSIDERED,
        today: state.now().date_naive(),
    };
    let vacancy_id = vacancy.id.clone();
    let found = state
        .with_index(move |index| index.seekers_for(&vacancy_id, &query))
        .await?
        .map_err(|_| not_found("vacancy", &vacancy.id))?;
    Ok(found.iter().any(|r| r.id == seeker_id))
}

/// The vacancy, once the caller may act for its employer (and that employer is verified).
pub async fn vacancy_of_verified_employer(
    state: &App,
    caller: &Caller,
    vacancy_id: &str,
) -> Result<Vacancy, AppError> {
    access::require_signed_in(caller)?;
    let vacancy = state
        .store()
        .vacancy(vacancy_id)
        .await?
        .ok_or_else(|| not_found("vacancy", vacancy_id))?;
    access::authorize_employer(caller, Action::ManageVacancies, &vacancy.employer)?;
    require_verified(state, caller, &vacancy.employer).await?;
    Ok(vacancy)
}

/// Refuses (and audits the refusal) when the seeker is not a candidate of the vacancy.
pub async fn require_candidate(
    state: &App,
    caller: &Caller,
    vacancy: &Vacancy,
    seeker_id: &str,
    what: &str,
) -> Result<(), AppError> {
    if is_candidate(state, vacancy, seeker_id).await? {
        return Ok(());
    }
    access::record(
        state,
        caller,
        &format!("denied {what}"),
        "seeker",
        seeker_id,
        Some(seeker_id),
        &format!("{what} about vacancy {} (not a candidate)", vacancy.id),
    )
    .await?;
    Err(AppError::new(ErrorKind::Forbidden, Message::NotACandidate))
}

/// What a contact did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub vacancy: String,
    pub seeker: String,
    /// Contacts the employer may still send in the next 24 hours.
    pub remaining_today: i64,
}

/// Contacts a candidate about a vacancy: a message to the seeker, stored as a contact (never
/// as a job offer), audited. Shared by the API and the web page.
pub async fn contact(
    state: &App,
    caller: &Caller,
    vacancy_id: &str,
    seeker_id: &str,
) -> Result<Contact, AppError> {
    let vacancy = vacancy_of_verified_employer(state, caller, vacancy_id).await?;
    let account = state.store().user_of_seeker(seeker_id).await?;
    let (Some(_), Some(account)) = (state.store().seeker(seeker_id).await?, account) else {
        return Err(not_found("seeker", seeker_id));
    };
    require_candidate(state, caller, &vacancy, seeker_id, "contact").await?;
    if state.store().contacted(&vacancy.id, seeker_id).await? {
        return Err(AppError::new(
            ErrorKind::Conflict,
            Message::AlreadyContacted,
        ));
    }
    let now = state.now();
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    let outcome = state
        .store()
        .add_contact_within(
            &vacancy.employer,
            &vacancy.id,
            seeker_id,
            &by,
            now,
            now - Duration::hours(24),
            CONTACTS_PER_EMPLOYER_PER_DAY,
        )
        .await?;
    let sent = match outcome {
        openpes_store::ContactOutcome::Added { sent_before } => sent_before,
        openpes_store::ContactOutcome::AlreadyContacted => {
            return Err(AppError::new(
                ErrorKind::Conflict,
                Message::AlreadyContacted,
            ))
        }
        openpes_store::ContactOutcome::LimitReached => {
            return Err(AppError::new(
                ErrorKind::TooManyAttempts,
                Message::ContactLimit {
                    per_day: CONTACTS_PER_EMPLOYER_PER_DAY,
                },
            ))
        }
    };
    let employer_name = state
        .store()
        .employer(&vacancy.employer)
        .await?
        .map_or_else(|| vacancy.employer.clone(), |e| e.name);
    let lang = UiLang::from_tag(&account.language).unwrap_or(UiLang::ZhTw);
    let (subject, body) = crate::words::mail::contact(lang, &employer_name, &vacancy.title);
    state
        .store()
        .push_outbox(&openpes_store::OutboxMessage {
            id: 0,
            recipient: account.email,
            subject,
            body,
            created_at: crate::people::now_text(state),
        })
        .await?;
    access::record(
        state,
        caller,
        "contact",
        "seeker",
        seeker_id,
        Some(seeker_id),
        &format!("contact about vacancy {}", vacancy.id),
    )
    .await?;
    Ok(Contact {
        vacancy: vacancy.id,
        seeker: seeker_id.to_string(),
        remaining_today: CONTACTS_PER_EMPLOYER_PER_DAY - sent - 1,
    })
}
