//! Job offers that count for benefits, contacts that do not, and the verification of employers.
//!
//! - A **referral** is a job or training offer recorded by the service, with the vacancy (or
//!   course), the date, who recorded it and who confirmed it. A caseworker refers a seeker of
//!   their caseload (`POST /seekers/{id}/referrals`, confirmed at once); an employer proposes an
//!   offer to an applicant or a candidate of its vacancy (`POST /vacancies/{id}/offers`), which
//!   counts only once the seeker or their caseworker confirms it (`PUT /referrals/{id}/status`).
//!   The benefit rules read confirmed referrals only (`benefits::adapters`).
//! - A **contact** is an employer's message to a candidate about a vacancy
//!   (`POST /vacancies/{id}/contacts`, and the web page's button). It is stored on its own and is
//!   never an offer. The seeker must be a candidate of the vacancy — found by matching among the
//!   seekers who consented to be found, or an applicant — and is contacted about a vacancy once;
//!   an employer sends at most [`CONTACTS_PER_EMPLOYER_PER_DAY`] contacts in 24 hours (429).
//!   Two contacts sent at the same instant may both pass the count; the limit is a brake, not a
//!   quota.
//! - An employer organisation is **unverified** until a caseworker or an administrator approves
//!   it (`PUT /admin/employers/{id}/verified`, or the administrator's page). Until then its
//!   users neither see candidates nor contact or make offers to seekers (403
//!   `employer_unverified`). The business registration number (統一編號) is checked with its
//!   checksum ([`registration_number_valid`]) and shown to the approving staff member as
//!   evidence; it approves nothing by itself. Accounts created by an administrator (and the demo
//!   accounts) belong to approved organisations.

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiPath};
use crate::i18n::{Message, UiLang};
use crate::routes::matching::{body, not_found};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use openpes_store::{NewReferral, Referral};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

fn invalid_field(field: &str, message: &str) -> ApiError {
    openpes_app::people::invalid_field(field, message).into()
}

pub use openpes_app::offers::{
    is_candidate, registration_number_valid, require_candidate, require_verified,
    vacancy_of_verified_employer, CONTACTS_PER_EMPLOYER_PER_DAY,
};

/// What a contact did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub vacancy: String,
    pub seeker: String,
    /// Contacts the employer may still send in the next 24 hours.
    pub remaining_today: i64,
}

/// Contacts a candidate about a vacancy (the use case is [`openpes_app::offers::contact`]).
pub(crate) async fn contact(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    vacancy_id: &str,
    seeker_id: &str,
) -> Result<ContactView, ApiError> {
    let done = openpes_app::offers::contact(state, caller, vacancy_id, seeker_id).await?;
    Ok(ContactView {
        vacancy: done.vacancy,
        seeker: done.seeker,
        remaining_today: done.remaining_today,
    })
}

/// The seeker an employer addresses.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeekerRef {
    pub seeker: String,
}

/// Contact a candidate about a vacancy (a message, not a job offer). The seeker must be a
/// candidate of the vacancy who consented to be found, or an applicant; once per seeker and
/// vacancy; at most `CONTACTS_PER_EMPLOYER_PER_DAY` a day per employer.
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/contacts", tag = "offers",
    request_body = SeekerRef,
    params(("id" = String, Path, description = "Vacancy id")),
    responses((status = 201, description = "Contacted", body = ContactView),
        (status = 403, description = "Not the employer, employer unverified, or not a candidate", body = crate::error::Problem),
        (status = 404, description = "No such vacancy or seeker", body = crate::error::Problem),
        (status = 409, description = "Contacted already", body = crate::error::Problem),
        (status = 429, description = "Daily contact limit reached", body = crate::error::Problem)))]
pub async fn contact_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<SeekerRef>, JsonRejection>,
) -> Result<(StatusCode, Json<ContactView>), ApiError> {
    access::require_signed_in(&caller)?;
    let form = body(form)?;
    let view = contact(&state, &caller, &id, &form.seeker).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Contact a candidate about a vacancy, the candidate named in the path (the same workflow
/// and rules as `POST /api/v1/vacancies/{id}/contacts`, and as the employer's web page).
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/candidates/{seeker}/contact", tag = "offers",
    params(("id" = String, Path, description = "Vacancy id"),
        ("seeker" = String, Path, description = "The candidate's seeker id")),
    responses((status = 201, description = "Contacted", body = ContactView),
        (status = 403, description = "Not the employer, employer unverified, or not a candidate", body = crate::error::Problem),
        (status = 404, description = "No such vacancy or seeker", body = crate::error::Problem),
        (status = 409, description = "Contacted already", body = crate::error::Problem),
        (status = 429, description = "Daily contact limit reached", body = crate::error::Problem)))]
pub async fn contact_candidate_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, seeker)): ApiPath<(String, String)>,
) -> Result<(StatusCode, Json<ContactView>), ApiError> {
    access::require_signed_in(&caller)?;
    let view = contact(&state, &caller, &id, &seeker).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// A referral as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
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
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    /// `job` (reference: a vacancy id) or `training` (reference: a course id).
    pub kind: String,
    pub reference: String,
    /// ISO date; today when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub offered_on: Option<NaiveDate>,
}

fn role_of(caller: &openpes_app::auth::Caller) -> (String, String) {
    caller.user().map_or_else(
        || (String::new(), "anonymous".to_string()),
        |u| (u.id.clone(), u.role.as_str().to_string()),
    )
}

/// Record a job or training referral for a seeker (caseworker of their caseload, or an
/// administrator). It is confirmed at once and counts as an offer for benefits.
#[utoipa::path(post, path = "/api/v1/seekers/{id}/referrals", tag = "offers",
    request_body = ReferralRequest,
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 201, description = "Recorded", body = ReferralView),
        (status = 403, description = "Not the seeker's caseworker", body = crate::error::Problem),
        (status = 404, description = "No such seeker", body = crate::error::Problem),
        (status = 422, description = "Unknown kind, vacancy or course", body = crate::error::Problem)))]
pub async fn record_referral_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<ReferralRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<ReferralView>), ApiError> {
    access::require_signed_in(&caller)?;
    let form = body(form)?;
    let purpose = format!("refer to {} {}", form.kind, form.reference);
    access::authorize_seeker(&state, &caller, Action::RecordReferral, &id, &purpose).await?;
    if state.store().seeker(&id).await?.is_none() {
        return Err(not_found("seeker", &id));
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
    let (by, role) = role_of(&caller);
    let now = state.now();
    let referral = NewReferral {
        seeker_id: id,
        kind: form.kind,
        offered_on: form.offered_on.unwrap_or(now.date_naive()).to_string(),
        reference: form.reference,
        employer_id,
        status: "confirmed".into(),
        recorded_by: by,
        recorded_role: role,
    };
    let stored = state.store().add_referral(&referral, now).await?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

/// A seeker's referrals and offers, newest first.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/referrals", tag = "offers",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "Referrals", body = [ReferralView])))]
pub async fn referrals_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<ReferralView>>, ApiError> {
    access::authorize_seeker(&state, &caller, Action::ReadSeeker, &id, "read referrals").await?;
    let referrals = state.store().referrals_of_seeker(&id).await?;
    Ok(Json(referrals.into_iter().map(Into::into).collect()))
}

/// An employer's offer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    pub seeker: String,
    /// ISO date; today when absent.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub offered_on: Option<NaiveDate>,
}

/// Offer the vacancy to an applicant or a candidate (the vacancy's employer, verified). The
/// offer is `proposed`: it counts for benefits only once the seeker or their caseworker
/// confirms it.
#[utoipa::path(post, path = "/api/v1/vacancies/{id}/offers", tag = "offers",
    request_body = OfferRequest,
    params(("id" = String, Path, description = "Vacancy id")),
    responses((status = 201, description = "Proposed", body = ReferralView),
        (status = 403, description = "Not the employer, employer unverified, or not a candidate", body = crate::error::Problem),
        (status = 404, description = "No such vacancy or seeker", body = crate::error::Problem)))]
pub async fn propose_offer_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<OfferRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<ReferralView>), ApiError> {
    access::require_signed_in(&caller)?;
    let form = body(form)?;
    let vacancy = vacancy_of_verified_employer(&state, &caller, &id).await?;
    if state.store().seeker(&form.seeker).await?.is_none() {
        return Err(not_found("seeker", &form.seeker));
    }
    require_candidate(&state, &caller, &vacancy, &form.seeker, "offer").await?;
    let (by, role) = role_of(&caller);
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
            crate::web::i18n::offer_mail(lang, &employer_name, &vacancy.title, stored.id);
        state
            .store()
            .push_outbox(&openpes_store::OutboxMessage {
                id: 0,
                recipient: account.email,
                subject,
                body,
                created_at: crate::routes::people::now_text(&state),
            })
            .await?;
    }
    access::record(
        &state,
        &caller,
        "offer",
        "seeker",
        &form.seeker,
        Some(&form.seeker),
        &format!("offer of vacancy {} (referral {})", vacancy.id, stored.id),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(stored.into())))
}

/// The answer to an employer's offer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settlement {
    /// `confirmed` (the offer was made; it counts for benefits) or `declined` (it was not).
    pub status: String,
}

/// Confirms or declines a proposed offer (the seeker, or their caseworker; shared with the web
/// pages).
pub(crate) async fn settle(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    id: i64,
    status: &str,
) -> Result<ReferralView, ApiError> {
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
        return Err(ApiError::new(
            StatusCode::CONFLICT,
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

/// Confirm or decline an employer's offer (the seeker, or their caseworker).
#[utoipa::path(put, path = "/api/v1/referrals/{id}/status", tag = "offers",
    request_body = Settlement,
    params(("id" = String, Path, description = "Referral id (a number)")),
    responses((status = 200, description = "Settled", body = ReferralView),
        (status = 403, description = "Neither the seeker nor their caseworker", body = crate::error::Problem),
        (status = 409, description = "Confirmed or declined already", body = crate::error::Problem)))]
pub async fn settle_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<Settlement>, JsonRejection>,
) -> Result<Json<ReferralView>, ApiError> {
    access::require_signed_in(&caller)?;
    let form = body(form)?;
    let id: i64 = id.parse().map_err(|_| not_found("referral", &id))?;
    Ok(Json(settle(&state, &caller, id, &form.status).await?))
}

/// An employer organisation as the approving staff member sees it.
#[derive(Debug, Serialize, ToSchema)]
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
pub(crate) async fn employer_reviews(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
) -> Result<Vec<EmployerReview>, ApiError> {
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

/// Employer organisations and whether staff verified them (caseworkers, administrators).
#[utoipa::path(get, path = "/api/v1/admin/employers", tag = "offers",
    responses((status = 200, description = "Employers", body = [EmployerReview])))]
pub async fn employers_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<EmployerReview>>, ApiError> {
    Ok(Json(employer_reviews(&state, &caller).await?))
}

/// A verification decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub verified: bool,
}

/// Approves (or withdraws the approval of) an employer organisation; audited.
pub(crate) async fn set_verified(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    employer_id: &str,
    verified: bool,
) -> Result<(), ApiError> {
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

/// Approve (`true`) or withdraw the approval of (`false`) an employer organisation
/// (caseworkers and administrators). Until approved, its users cannot see or contact
/// candidates.
#[utoipa::path(put, path = "/api/v1/admin/employers/{id}/verified", tag = "offers",
    request_body = Verified,
    params(("id" = String, Path, description = "Employer id")),
    responses((status = 204, description = "Stored"),
        (status = 403, description = "Not staff", body = crate::error::Problem),
        (status = 404, description = "No such employer", body = crate::error::Problem)))]
pub async fn verify_employer_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<Verified>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::require_signed_in(&caller)?;
    let form = body(form)?;
    set_verified(&state, &caller, &id, form.verified).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::registration_number_valid;

    #[test]
    fn business_registration_numbers_are_checked_by_checksum() {
        // Sum 40 (a multiple of 10 and of 5).
        assert!(registration_number_valid("04595257"));
        // Seventh digit 7: the sum or the sum plus one.
        assert!(registration_number_valid("10458575"));
        assert!(registration_number_valid("10458574"));
        // A multiple of 5 but not 10: valid since 2023.
        assert!(registration_number_valid("00000005"));
        for bad in [
            "04595258",
            "1234567",
            "123456789",
            "0459525a",
            "",
            "０４５９５２５７",
        ] {
            assert!(!registration_number_valid(bad), "{bad}");
        }
    }
}
