//! Contacts with candidates and the verification of employers, as use cases. A **contact** is
//! an employer's message to a candidate about a vacancy; it is stored on its own and is never
//! a job offer. The seeker must be a candidate of the vacancy — found by matching among the
//! seekers who consented to be found, or an applicant — and is contacted about a vacancy
//! once; an employer sends at most [`CONTACTS_PER_EMPLOYER_PER_DAY`] contacts in 24 hours,
//! counted and added in one transaction. An employer organisation is unverified until staff
//! approve it; until then its users neither see candidates nor contact seekers.
//!
//! A **referral** is a caseworker's job or training referral (confirmed at once) or an
//! employer's job offer (proposed until the seeker or their caseworker confirms it); a
//! confirmed one counts as an offer for the benefit rules.

use crate::access::{self, Action};
use crate::auth::{Caller, Role};
use crate::error::{not_found, AppError, ErrorKind};
use crate::words::{Message, UiLang};
use crate::App;
use chrono::{Duration, NaiveDate};
use openpes_matching::{MatchQuery, Vacancy};
use openpes_store::{NewReferral, Referral};
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ContactView))]
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

// ---------------------------------------------------------------------------------------------
// Referrals and offers.

/// A referral as the API shows it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralView {
    pub id: i64,
    pub seeker: String,
    /// `job` or `training`.
    pub kind: String,
    /// The vacancy or course id.
    pub reference: String,
    pub employer: Option<String>,
    /// ISO date.
    pub offered_on: String,
    /// `proposed`, `confirmed` (counts for benefits) or `declined`.
    pub status: String,
    pub recorded_by: Option<String>,
    pub recorded_role: Option<String>,
    pub confirmed_by: Option<String>,
    pub confirmed_role: Option<String>,
    pub confirmed_at: Option<String>,
    pub created_at: String,
}

impl From<Referral> for ReferralView {
    fn from(r: Referral) -> Self {
        ReferralView {
            id: r.id,
            seeker: r.seeker_id,
            kind: r.kind,
            reference: r.reference,
            employer: r.employer_id,
            offered_on: r.offered_on,
            status: r.status,
            recorded_by: r.recorded_by,
            recorded_role: r.recorded_role,
            confirmed_by: r.confirmed_by,
            confirmed_role: r.confirmed_role,
            confirmed_at: r.confirmed_at,
            created_at: r.created_at,
        }
    }
}

/// A caseworker's referral.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    /// `job` (reference: a vacancy id) or `training` (reference: a course id).
    pub kind: String,
    pub reference: String,
    /// ISO date; today when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub offered_on: Option<NaiveDate>,
}

fn role_of(caller: &Caller) -> (String, String) {
    caller.user().map_or_else(
        || (String::new(), "anonymous".to_string()),
        |u| (u.id.clone(), u.role.as_str().to_string()),
    )
}

fn invalid_field(field: &str, message: &str) -> AppError {
    crate::people::invalid_field(field, message)
}

/// Records a job or training referral for a seeker (caseworker of their caseload, or an
/// administrator). It is confirmed at once and counts as an offer for benefits.
pub async fn record_referral(
    state: &App,
    caller: &Caller,
    id: &str,
    form: ReferralRequest,
) -> Result<ReferralView, AppError> {
    access::require_signed_in(caller)?;
    let purpose = format!("refer to {} {}", form.kind, form.reference);
    access::authorize_seeker(state, caller, Action::RecordReferral, id, &purpose).await?;
    if state.store().seeker(id).await?.is_none() {
        return Err(not_found("seeker", id));
    }
    let employer_id = match form.kind.as_str() {
        "job" => match state.store().vacancy(&form.reference).await? {
            Some(vacancy) => Some(vacancy.employer),
            None => return Err(invalid_field("reference", "names no vacancy")),
        },
        "training" => match state.store().course(&form.reference).await? {
            Some(_) => None,
            None => return Err(invalid_field("reference", "names no course")),
        },
        _ => return Err(invalid_field("kind", "is job or training")),
    };
    let (by, role) = role_of(caller);
    let now = state.now();
    let referral = NewReferral {
        seeker_id: id.to_string(),
        kind: form.kind,
        offered_on: form.offered_on.unwrap_or(now.date_naive()).to_string(),
        reference: form.reference,
        employer_id,
        status: "confirmed".into(),
        recorded_by: by,
        recorded_role: role,
    };
    let stored = state.store().add_referral(&referral, now).await?;
    Ok(stored.into())
}

/// A seeker's referrals and offers, newest first (an audited read).
pub async fn referrals(
    state: &App,
    caller: &Caller,
    id: &str,
) -> Result<Vec<ReferralView>, AppError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, id, "read referrals").await?;
    let referrals = state.store().referrals_of_seeker(id).await?;
    Ok(referrals.into_iter().map(Into::into).collect())
}

/// An employer's offer.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    pub seeker: String,
    /// ISO date; today when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub offered_on: Option<NaiveDate>,
}

/// Offers the vacancy to an applicant or a candidate (the vacancy's employer, verified). The
/// offer is `proposed`: it counts for benefits only once the seeker or their caseworker
/// confirms it; the seeker is told through the outbox in their language.
pub async fn propose_offer(
    state: &App,
    caller: &Caller,
    id: &str,
    form: OfferRequest,
) -> Result<ReferralView, AppError> {
    access::require_signed_in(caller)?;
    let vacancy = vacancy_of_verified_employer(state, caller, id).await?;
    if state.store().seeker(&form.seeker).await?.is_none() {
        return Err(not_found("seeker", &form.seeker));
    }
    require_candidate(state, caller, &vacancy, &form.seeker, "offer").await?;
    let (by, role) = role_of(caller);
    let now = state.now();
    let referral = NewReferral {
        seeker_id: form.seeker.clone(),
        kind: "job".into(),
        offered_on: form.offered_on.unwrap_or(now.date_naive()).to_string(),
        reference: vacancy.id.clone(),
        employer_id: Some(vacancy.employer.clone()),
        status: "proposed".into(),
        recorded_by: by,
        recorded_role: role,
    };
    let stored = state.store().add_referral(&referral, now).await?;
    if let Some(account) = state.store().user_of_seeker(&form.seeker).await? {
        let employer_name = state
            .store()
            .employer(&vacancy.employer)
            .await?
            .map_or_else(|| vacancy.employer.clone(), |e| e.name);
        let lang = UiLang::from_tag(&account.language).unwrap_or(UiLang::ZhTw);
        let (subject, body) =
            crate::words::mail::offer_mail(lang, &employer_name, &vacancy.title, stored.id);
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
    }
    access::record(
        state,
        caller,
        "offer",
        "seeker",
        &form.seeker,
        Some(&form.seeker),
        &format!("offer of vacancy {} (referral {})", vacancy.id, stored.id),
    )
    .await?;
    Ok(stored.into())
}

/// The answer to an employer's offer.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Settlement {
    /// `confirmed` (the offer was made; it counts for benefits) or `declined` (it was not).
    pub status: String,
}

/// Confirms or declines a proposed offer (the seeker, or their caseworker; shared with the web
/// pages).
pub async fn settle(
    state: &App,
    caller: &Caller,
    id: i64,
    status: &str,
) -> Result<ReferralView, AppError> {
    access::require_signed_in(caller)?;
    if !matches!(status, "confirmed" | "declined") {
        return Err(invalid_field("status", "is confirmed or declined"));
    }
    let referral = state
        .store()
        .referral(id)
        .await?
        .ok_or_else(|| not_found("referral", &id.to_string()))?;
    let purpose = format!("{status} offer {id} of {}", referral.reference);
    access::authorize_seeker(
        state,
        caller,
        Action::SettleReferral,
        &referral.seeker_id,
        &purpose,
    )
    .await?;
    let (by, role) = role_of(caller);
    if !state
        .store()
        .settle_referral(id, status, &by, &role, state.now())
        .await?
    {
        return Err(AppError::new(
            ErrorKind::Conflict,
            Message::ReferralSettled {
                status: referral.status,
            },
        ));
    }
    let settled = state
        .store()
        .referral(id)
        .await?
        .ok_or_else(|| not_found("referral", &id.to_string()))?;
    Ok(settled.into())
}

// ---------------------------------------------------------------------------------------------
// Verified employers.

/// An employer organisation as the approving staff member sees it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmployerReview {
    pub id: String,
    pub name: String,
    /// The business registration number (統一編號) the employer gave, if any.
    pub registration: Option<String>,
    /// Whether that number passes the checksum (evidence only, not an approval).
    pub registration_checksum_ok: Option<bool>,
    pub verified: bool,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

/// Every employer organisation with its verification (for the approving staff member).
pub async fn employer_reviews(
    state: &App,
    caller: &Caller,
) -> Result<Vec<EmployerReview>, AppError> {
    access::authorize_system(caller, Action::VerifyEmployer)?;
    let mut out = Vec::new();
    for employer in state.store().employers().await? {
        let verification = state.store().employer_verification(&employer.id).await?;
        out.push(EmployerReview {
            registration_checksum_ok: employer
                .registration
                .as_deref()
                .map(registration_number_valid),
            registration: employer.registration,
            verified: verification.as_ref().is_some_and(|v| v.verified),
            decided_by: verification.as_ref().map(|v| v.decided_by.clone()),
            decided_at: verification.map(|v| v.decided_at),
            id: employer.id,
            name: employer.name,
        });
    }
    Ok(out)
}

/// A verification decision.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub verified: bool,
}

/// Approves (or withdraws the approval of) an employer organisation; audited.
pub async fn set_verified(
    state: &App,
    caller: &Caller,
    employer_id: &str,
    verified: bool,
) -> Result<(), AppError> {
    let grant = access::authorize_system(caller, Action::VerifyEmployer)?;
    if state.store().employer(employer_id).await?.is_none() {
        return Err(not_found("employer", employer_id));
    }
    let (by, _) = role_of(caller);
    state
        .store()
        .set_employer_verified(employer_id, verified, &by, state.now())
        .await?;
    let action = if verified { "verify" } else { "unverify" };
    access::record(
        state,
        caller,
        action,
        "employer",
        employer_id,
        None,
        &format!("employer verification ({})", grant.basis()),
    )
    .await?;
    Ok(())
}
