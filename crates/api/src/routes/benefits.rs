//! Benefits API: programs and parameters (public), a calculator (public, nothing stored),
//! claims with their decision log and letters, the caseworkers' review queue, and the import
//! of insurance records.

//!
//! The handlers read the request and call [`openpes_app::benefits::claims`], where the claim
//! workflow lives; the parameters and the calculator read the rules engine directly.

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::routes::matching::body;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use openpes_app::benefits::claims;
use openpes_rules::Source;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

pub use openpes_app::benefits::claims::{
    invalid, rules_error, ClaimView, DecisionView, FactSpecView, ImportSummary, LetterView,
    NewClaim, ProgramView, QueueEntry, ReviewRequest,
};

fn today(state: &AppState) -> NaiveDate {
    state.now().date_naive()
}

/// The encoded programs and the facts they read.
#[utoipa::path(get, path = "/api/v1/benefits/programs", tag = "benefits",
    responses((status = 200, description = "Programs", body = [ProgramView])))]
pub async fn programs(State(state): State<AppState>) -> Result<Json<Vec<ProgramView>>, ApiError> {
    Ok(Json(claims::programs(&state)?))
}

/// Which parameters to list.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ParametersQuery {
    /// Only the values in force on this date (YYYY-MM-DD); all history when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub at: Option<NaiveDate>,
    /// Only parameters whose path starts with this (e.g. `tw.`).
    pub prefix: Option<String>,
}

/// Parameters with their dated values, units, legal references and notes.
#[utoipa::path(get, path = "/api/v1/benefits/parameters", tag = "benefits", params(ParametersQuery),
    responses((status = 200, description = "Parameters and the hash of the parameter files", body = Object)))]
pub async fn parameters(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ParametersQuery>,
) -> Result<Json<Value>, ApiError> {
    let benefits = state.benefits()?;
    let params = benefits.engine.parameters();
    let listed: Vec<Value> = params
        .iter()
        .filter(|p| query.prefix.as_deref().is_none_or(|prefix| p.path.starts_with(prefix)))
        .map(|p| {
            let values: Vec<_> = match query.at {
                Some(date) => p.at(date).into_iter().cloned().collect(),
                None => p.values.clone(),
            };
            serde_json::json!({"path": p.path, "unit": p.unit, "description": p.description, "note": p.note, "values": values})
        })
        .collect();
    Ok(Json(
        serde_json::json!({"version": params.version(), "parameters": listed}),
    ))
}

/// A calculation: facts as of a date. Facts given as bare values count as the caller's own
/// declaration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalculateRequest {
    /// `tw/unemployment_benefit` or `ee/unemployment_insurance_benefit`.
    pub program: String,
    /// Decision date; today when absent.
    #[schema(value_type = Option<String>, format = Date)]
    pub as_of: Option<NaiveDate>,
    /// Facts keyed by name: bare values, or `{status: known|unknown|disputed, value, source}`.
    #[schema(value_type = Object)]
    pub facts: Value,
}

/// Determine eligibility and amounts for a case without storing anything; the answer carries
/// the outcome, reasons, needed facts, amounts and the full trace with legal citations.
#[utoipa::path(post, path = "/api/v1/benefits/calculate", tag = "benefits", request_body = CalculateRequest,
    responses((status = 200, description = "The determination with its trace", body = Object),
        (status = 422, description = "A fact is malformed or unknown", body = crate::error::Problem)))]
pub async fn calculate(
    State(state): State<AppState>,
    caller: Caller,
    request: Result<Json<CalculateRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let request = body(request)?;
    let benefits = state.benefits()?;
    let declaration = Source {
        register: "declaration".into(),
        record: caller.request_id.clone(),
        at: None,
    };
    let facts = benefits
        .engine
        .facts_from_json(&request.program, &request.facts, Some(&declaration))
        .map_err(rules_error)?;
    let determination = benefits
        .engine
        .determine(
            &request.program,
            &facts,
            request.as_of.unwrap_or_else(|| today(&state)),
        )
        .map_err(rules_error)?;
    Ok(Json(
        serde_json::to_value(&determination).map_err(|e| ApiError::internal(&e))?,
    ))
}

/// File a claim for a benefit. Facts are gathered from the registers; the claim is decided
/// automatically when everything is known and the claimant is entitled, waits when only a
/// period set by law has to pass, and goes to a caseworker's review queue otherwise.
#[utoipa::path(post, path = "/api/v1/benefits/claims", tag = "benefits", request_body = NewClaim,
    responses((status = 201, description = "The claim with its first decision and letter", body = ClaimView),
        (status = 403, description = "Not the caller's own record or caseload", body = crate::error::Problem),
        (status = 422, description = "A declared fact is malformed", body = crate::error::Problem)))]
pub async fn create_claim(
    State(state): State<AppState>,
    caller: Caller,
    claim: Result<Json<NewClaim>, JsonRejection>,
) -> Result<(StatusCode, Json<ClaimView>), ApiError> {
    access::require_signed_in(&caller)?;
    let claim = body(claim)?;
    Ok((
        StatusCode::CREATED,
        Json(claims::file_claim(&state, &caller, claim, today(&state)).await?),
    ))
}

/// A claim with every decision, its trace and letters (the claimant, their caseworker,
/// administrators).
#[utoipa::path(get, path = "/api/v1/benefits/claims/{id}", tag = "benefits",
    params(("id" = String, Path, description = "Claim id")),
    responses((status = 200, description = "The claim", body = ClaimView),
        (status = 403, description = "Not allowed", body = crate::error::Problem),
        (status = 404, description = "No such claim", body = crate::error::Problem)))]
pub async fn get_claim(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ClaimView>, ApiError> {
    Ok(Json(claims::claim(&state, &caller, &id).await?))
}

/// A seeker's claims, newest first.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/claims", tag = "benefits",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "Claims", body = [ClaimView]),
        (status = 403, description = "Not allowed", body = crate::error::Problem)))]
pub async fn seeker_claims(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<ClaimView>>, ApiError> {
    Ok(Json(claims::seeker_claims(&state, &caller, &id).await?))
}

/// Claims waiting for a caseworker: a caseworker sees those of their caseload, an
/// administrator all.
#[utoipa::path(get, path = "/api/v1/benefits/review-queue", tag = "benefits",
    responses((status = 200, description = "Claims to review, oldest first", body = [QueueEntry]),
        (status = 403, description = "Not a caseworker or administrator", body = crate::error::Problem)))]
pub async fn review_queue(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<QueueEntry>>, ApiError> {
    Ok(Json(claims::review_queue(&state, &caller).await?))
}

/// Review a claim: add facts, see the new determination, and decide it.
#[utoipa::path(post, path = "/api/v1/benefits/claims/{id}/review", tag = "benefits", request_body = ReviewRequest,
    params(("id" = String, Path, description = "Claim id")),
    responses((status = 200, description = "The claim after review", body = ClaimView),
        (status = 403, description = "Not in the caller's caseload", body = crate::error::Problem),
        (status = 409, description = "Still undetermined, already decided, or decided since the version sent", body = crate::error::Problem)))]
pub async fn review_claim(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    request: Result<Json<ReviewRequest>, JsonRejection>,
) -> Result<Json<ClaimView>, ApiError> {
    let request = request.map(|Json(r)| r).map_err(|e| {
        openpes_app::AppError::bad_request(openpes_app::words::Message::BadRequest(e.body_text()))
    });
    Ok(Json(
        claims::review_claim(&state, &caller, &id, request).await?,
    ))
}

pub use openpes_app::benefits::insurance_csv::parse_insurance_csv;

/// Import insurance records from CSV (`person_id,jurisdiction,kind,start_date,end_date,month,
/// amount,contract,separation_reason,record_id`; kind `coverage`, `salary` or `contribution`).
/// All or nothing: any bad row rejects the file, naming each line and field.
#[utoipa::path(post, path = "/api/v1/benefits/insurance-records", tag = "benefits",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Imported", body = ImportSummary),
        (status = 403, description = "Administrators only", body = crate::error::Problem),
        (status = 422, description = "Rows with errors; nothing was imported", body = crate::error::Problem)))]
pub async fn import_insurance(
    State(state): State<AppState>,
    caller: Caller,
    csv_body: Bytes,
) -> Result<Json<ImportSummary>, ApiError> {
    Ok(Json(
        claims::import_insurance(&state, &caller, &csv_body).await?,
    ))
}

/// Re-determine waiting claims now (they are also re-determined hourly by `serve`).
#[utoipa::path(post, path = "/api/v1/benefits/claims/redetermine", tag = "benefits",
    responses((status = 200, description = "How many waiting claims moved on", body = Object),
        (status = 403, description = "Administrators only", body = crate::error::Problem)))]
pub async fn redetermine(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Value>, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let moved = openpes_app::benefits::redetermine_waiting(&state, today(&state)).await?;
    Ok(Json(serde_json::json!({"moved": moved})))
}
