//! Benefits API: programs and parameters (public), a calculator (public, nothing stored),
//! claims with their decision log and letters, the caseworkers' review queue, and the import
//! of insurance records.

use crate::access::{self, Action};
use crate::auth::{Caller, Role};
use crate::benefits::{self, Benefits};
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::Message;
use crate::routes::matching::body;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use openpes_rules::{Fact, FactKind, Facts, Source};
use openpes_store::{ClaimRecord, DecisionRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use utoipa::{IntoParams, ToSchema};

pub(crate) fn invalid(errors: Vec<(String, String)>) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        Message::InvalidRecord(errors),
    )
}

fn rules_error(error: openpes_rules::RulesError) -> ApiError {
    match error {
        openpes_rules::RulesError::Fact { name, reason } => invalid(vec![(name, reason)]),
        openpes_rules::RulesError::UnknownProgram(program, known) => {
            ApiError::bad_request(Message::UnknownValue {
                field: "program".into(),
                value: program,
                expected: known,
            })
        }
        other => invalid(vec![("facts".into(), other.to_string())]),
    }
}

fn today(state: &AppState) -> NaiveDate {
    state.now().date_naive()
}

/// A fact a program reads.
#[derive(Debug, Serialize, ToSchema)]
pub struct FactSpecView {
    pub name: String,
    /// `bool`, `integer`, `amount`, `date`, `code`, `periods` or `monthly`.
    pub kind: String,
    /// Allowed values of a `code` fact.
    pub codes: Vec<String>,
    /// Whether `null` is a meaningful known value ("none").
    pub nullable: bool,
    #[schema(value_type = Object)]
    pub title: Value,
}

/// An encoded program.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgramView {
    /// `<jurisdiction>/<program>`, e.g. `tw/unemployment_benefit`.
    pub key: String,
    #[schema(value_type = Object)]
    pub title: Value,
    pub valid_from: String,
    pub facts: Vec<FactSpecView>,
}

/// The encoded programs and the facts they read.
#[utoipa::path(get, path = "/api/v1/benefits/programs", tag = "benefits",
    responses((status = 200, description = "Programs", body = [ProgramView])))]
pub async fn programs(State(state): State<AppState>) -> Result<Json<Vec<ProgramView>>, ApiError> {
    let benefits = state.benefits()?;
    Ok(Json(
        benefits
            .engine
            .formulas()
            .iter()
            .map(|formula| ProgramView {
                key: formula.key(),
                title: serde_json::to_value(&formula.title).unwrap_or(Value::Null),
                valid_from: formula.valid_from().to_string(),
                facts: formula
                    .facts
                    .iter()
                    .map(|spec| {
                        let (kind, codes) = match spec.kind {
                            FactKind::Bool => ("bool", vec![]),
                            FactKind::Integer => ("integer", vec![]),
                            FactKind::Amount => ("amount", vec![]),
                            FactKind::Date => ("date", vec![]),
                            FactKind::Code(codes) => {
                                ("code", codes.iter().map(|c| c.to_string()).collect())
                            }
                            FactKind::Periods => ("periods", vec![]),
                            FactKind::Monthly => ("monthly", vec![]),
                        };
                        FactSpecView {
                            name: spec.name.to_string(),
                            kind: kind.to_string(),
                            codes,
                            nullable: spec.nullable,
                            title: serde_json::to_value(&spec.title).unwrap_or(Value::Null),
                        }
                    })
                    .collect(),
            })
            .collect(),
    ))
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

/// A claim for a benefit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    pub program: String,
    pub seeker_id: String,
    /// The claimant's declaration: facts keyed by name (bare values). Register facts
    /// (insurance, registration) are gathered by OpenPES; where they disagree with the
    /// declaration the fact becomes disputed and a caseworker decides.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub declared: Value,
}

/// A claim's letter in both languages.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterView {
    #[serde(rename = "zh-TW")]
    pub zh_tw: String,
    pub en: String,
}

/// One entry of a claim's decision log.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub seq: i64,
    pub decided_at: String,
    /// `automated`, `waiting`, `referred` (to review) or `caseworker`.
    pub kind: String,
    pub decided_by: Option<String>,
    pub outcome: String,
    pub rules_version: String,
    /// The facts used, each with its source or state.
    #[schema(value_type = Object)]
    pub facts: Value,
    /// Outcome, reasons, needed facts, amounts and the trace.
    #[schema(value_type = Object)]
    pub determination: Value,
    pub letter: LetterView,
}

/// A claim with its decision log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClaimView {
    pub id: String,
    pub seeker_id: String,
    pub program: String,
    /// `waiting`, `review` or `decided`.
    pub status: String,
    pub created_at: String,
    pub updated_at: String,
    /// Grows with every decision; send it back as `version` with a review so that a decision
    /// made on what you saw is refused (409) when someone decided meanwhile.
    pub version: i64,
    pub decisions: Vec<DecisionView>,
}

fn decision_view(record: DecisionRecord) -> DecisionView {
    DecisionView {
        seq: record.seq,
        decided_at: record.decided_at,
        kind: record.kind,
        decided_by: record.decided_by,
        outcome: record.outcome,
        rules_version: record.rules_version,
        facts: serde_json::from_str(&record.facts).unwrap_or(Value::Null),
        determination: serde_json::from_str(&record.determination).unwrap_or(Value::Null),
        letter: LetterView {
            zh_tw: record.letter_zh,
            en: record.letter_en,
        },
    }
}

async fn claim_view(state: &AppState, claim: ClaimRecord) -> Result<ClaimView, ApiError> {
    let decisions = state.store().decisions(&claim.id).await?;
    Ok(ClaimView {
        id: claim.id,
        seeker_id: claim.seeker_id,
        program: claim.program,
        status: claim.status,
        created_at: claim.created_at,
        updated_at: claim.updated_at,
        version: claim.version,
        decisions: decisions.into_iter().map(decision_view).collect(),
    })
}

/// Files a claim: `as_of` is the filing date (today from the API).
pub async fn file_claim(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    claim: NewClaim,
    as_of: NaiveDate,
) -> Result<ClaimView, ApiError> {
    access::authorize_seeker(
        state,
        caller,
        Action::ClaimBenefit,
        &claim.seeker_id,
        "benefit claim",
    )
    .await?;
    let benefits = state.benefits()?;
    let specs = benefits
        .engine
        .fact_specs(&claim.program)
        .map_err(rules_error)?;
    let declared = if claim.declared.is_null() {
        Value::Object(Default::default())
    } else {
        claim.declared
    };
    let probe = Source {
        register: "claimant".into(),
        record: "new".into(),
        at: None,
    };
    Facts::from_json(specs, &declared, Some(&probe)).map_err(rules_error)?;
    if state.store().seeker(&claim.seeker_id).await?.is_none() {
        return Err(crate::routes::matching::not_found(
            "seeker",
            &claim.seeker_id,
        ));
    }
    let stored =
        benefits::open_claim(state, &claim.program, &claim.seeker_id, &declared, as_of).await?;
    claim_view(state, stored).await
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
        Json(file_claim(&state, &caller, claim, today(&state)).await?),
    ))
}

async fn authorized_claim(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    id: &str,
    action: Action,
    purpose: &str,
) -> Result<ClaimRecord, ApiError> {
    access::require_signed_in(caller)?;
    let Some(claim) = state.store().claim(id).await? else {
        return Err(crate::routes::matching::not_found("claim", id));
    };
    access::authorize_seeker(state, caller, action, &claim.seeker_id, purpose).await?;
    Ok(claim)
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
    let claim = authorized_claim(
        &state,
        &caller,
        &id,
        Action::ReadSeeker,
        "read benefit claim",
    )
    .await?;
    Ok(Json(claim_view(&state, claim).await?))
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
    access::require_signed_in(&caller)?;
    access::authorize_seeker(
        &state,
        &caller,
        Action::ReadSeeker,
        &id,
        "read benefit claims",
    )
    .await?;
    let mut views = Vec::new();
    for claim in state.store().claims_of_seeker(&id).await? {
        views.push(claim_view(&state, claim).await?);
    }
    Ok(Json(views))
}

/// One claim waiting for a caseworker.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueEntry {
    pub id: String,
    pub seeker_id: String,
    pub program: String,
    pub created_at: String,
    /// The latest determination's outcome.
    pub outcome: String,
    /// What the latest determination still needs (fact names).
    pub needed: Vec<String>,
    /// Why it was sent to a person.
    pub reasons: Vec<String>,
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
    access::authorize_system(&caller, Action::ReadReviewQueue)?;
    let user = caller
        .user()
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, Message::SignInRequired))?;
    let caseload: Option<HashSet<String>> = match user.role {
        Role::Caseworker => Some(
            state
                .store()
                .caseload(&user.id)
                .await?
                .into_iter()
                .collect(),
        ),
        _ => None,
    };
    let mut entries = Vec::new();
    for claim in state.store().claims_by_status("review", 500).await? {
        if caseload
            .as_ref()
            .is_some_and(|own| !own.contains(&claim.seeker_id))
        {
            continue;
        }
        let latest = state.store().decisions(&claim.id).await?.pop();
        let determination: Value = latest
            .as_ref()
            .and_then(|d| serde_json::from_str(&d.determination).ok())
            .unwrap_or(Value::Null);
        let names = |key: &str, field: &str| -> Vec<String> {
            determination[key]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i[field].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut reasons = names("reasons", "id");
        reasons.extend(
            determination["review"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|r| r["en"].as_str().map(str::to_string)),
        );
        entries.push(QueueEntry {
            id: claim.id,
            seeker_id: claim.seeker_id,
            program: claim.program,
            created_at: claim.created_at,
            outcome: latest.map(|d| d.outcome).unwrap_or_default(),
            needed: names("needed", "name"),
            reasons,
        });
    }
    Ok(Json(entries))
}

/// A caseworker's review: facts they established, and whether to decide now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// Facts the caseworker established (bare values; recorded with the caseworker as their
    /// source). They settle disputes.
    #[schema(value_type = Object)]
    #[serde(default)]
    pub facts: Value,
    /// Decide the claim now (eligible or ineligible); a claim that is still undetermined
    /// cannot be decided (409).
    #[serde(default)]
    pub decide: bool,
    /// The claim version the caseworker saw (from the claim's `version`): when another
    /// decision was recorded since, nothing is recorded and the answer is 409.
    #[serde(default)]
    pub version: Option<i64>,
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
    let claim = authorized_claim(
        &state,
        &caller,
        &id,
        Action::ReviewClaim,
        "review benefit claim",
    )
    .await?;
    let request = body(request)?;
    if request.version.is_some_and(|seen| seen != claim.version) {
        return Err(ApiError::new(StatusCode::CONFLICT, Message::ClaimChanged));
    }
    if claim.status == "decided" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            Message::ClaimAlreadyDecided,
        ));
    }
    let user = caller
        .user()
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, Message::SignInRequired))?;
    let benefits = state.benefits()?;
    let supplied = merged_supplied(
        &benefits,
        &claim,
        &request.facts,
        &user.id,
        &crate::routes::people::now_text(&state),
    )?;
    let by = request.decide.then_some(user);
    benefits::determine_and_record(
        &state,
        &claim,
        today(&state),
        by,
        Some(&supplied),
        state.now(),
    )
    .await?;
    let stored = state.store().claim(&claim.id).await?.unwrap_or(claim);
    Ok(Json(claim_view(&state, stored).await?))
}

/// The claim's caseworker facts with `added` merged in, as stored JSON (each with its source).
fn merged_supplied(
    benefits: &Benefits,
    claim: &ClaimRecord,
    added: &Value,
    caseworker: &str,
    now: &str,
) -> Result<String, ApiError> {
    let specs = benefits
        .engine
        .fact_specs(&claim.program)
        .map_err(rules_error)?;
    let source = Source {
        register: "caseworker".into(),
        record: caseworker.to_string(),
        at: Some(now.to_string()),
    };
    let added = if added.is_null() {
        Value::Object(Default::default())
    } else {
        added.clone()
    };
    let added = Facts::from_json(specs, &added, Some(&source)).map_err(rules_error)?;
    let mut stored: serde_json::Map<String, Value> =
        serde_json::from_str(&claim.supplied).unwrap_or_default();
    for (spec, fact) in added.iter() {
        match fact {
            Fact::Known { .. } => {
                stored.insert(
                    spec.name.to_string(),
                    serde_json::to_value(fact).map_err(|e| ApiError::internal(&e))?,
                );
            }
            Fact::Disputed { .. } => {
                return Err(invalid(vec![(
                    spec.name.to_string(),
                    "a caseworker settles a fact; give its value".into(),
                )]))
            }
            Fact::Unknown => {}
        }
    }
    Ok(Value::Object(stored).to_string())
}

/// Import result.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = InsuranceImportSummary)]
pub struct ImportSummary {
    pub inserted: usize,
    /// Rows whose record id was already stored.
    pub skipped: usize,
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
    access::authorize_system(&caller, Action::Administer)?;
    let text = std::str::from_utf8(&csv_body)
        .map_err(|_| invalid(vec![("body".into(), "is not UTF-8 text".into())]))?;
    let import_id = format!(
        "import-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let records = parse_insurance_csv(text, &import_id, &crate::routes::people::now_text(&state))
        .map_err(invalid)?;
    let (inserted, skipped) = state.store().import_insurance_records(&records).await?;
    access::record(
        &state,
        &caller,
        "import",
        "insurance_records",
        &import_id,
        None,
        "insurance register import",
    )
    .await?;
    Ok(Json(ImportSummary { inserted, skipped }))
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
    let moved = benefits::redetermine_waiting(&state, today(&state)).await?;
    Ok(Json(serde_json::json!({"moved": moved})))
}
