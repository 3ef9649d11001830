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

//!
//! The handlers read the request and call [`openpes_app::offers`], where the use cases live.

use crate::auth::Caller;
use crate::error::{ApiError, ApiPath};
use crate::routes::matching::{body, not_found};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use openpes_app::access;
use openpes_app::offers as use_case;
use serde::Deserialize;
use utoipa::ToSchema;

pub use openpes_app::offers::{
    is_candidate, registration_number_valid, require_candidate, require_verified,
    vacancy_of_verified_employer, Contact as ContactView, EmployerReview, OfferRequest,
    ReferralRequest, ReferralView, Settlement, Verified, CONTACTS_PER_EMPLOYER_PER_DAY,
};

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
    let view = use_case::contact(&state, &caller, &id, &form.seeker).await?;
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
    let view = use_case::contact(&state, &caller, &id, &seeker).await?;
    Ok((StatusCode::CREATED, Json(view)))
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
    let view = use_case::record_referral(&state, &caller, &id, form).await?;
    Ok((StatusCode::CREATED, Json(view)))
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
    Ok(Json(use_case::referrals(&state, &caller, &id).await?))
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
    let view = use_case::propose_offer(&state, &caller, &id, form).await?;
    Ok((StatusCode::CREATED, Json(view)))
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
    Ok(Json(
        use_case::settle(&state, &caller, id, &form.status).await?,
    ))
}

/// Employer organisations and whether staff verified them (caseworkers, administrators).
#[utoipa::path(get, path = "/api/v1/admin/employers", tag = "offers",
    responses((status = 200, description = "Employers", body = [EmployerReview])))]
pub async fn employers_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<EmployerReview>>, ApiError> {
    Ok(Json(use_case::employer_reviews(&state, &caller).await?))
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
    use_case::set_verified(&state, &caller, &id, form.verified).await?;
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
