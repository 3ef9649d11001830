//! Benefit claims as use cases: the encoded programs, filing a claim (facts gathered from the
//! registers, decided automatically only in the claimant's favour or when nothing is in
//! doubt), a claim with its append-only decision log and letters, the caseworkers' review
//! queue and review (the decision a person takes), and the import of insurance records.

use crate::access::{self, Action};
use crate::auth::{Caller, Role};
use crate::error::not_found;
use crate::words::Message;
use crate::{App, AppError, ErrorKind};
use chrono::NaiveDate;
use openpes_rules::{Fact, FactKind, Facts, Source};
use openpes_store::{ClaimRecord, DecisionRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

use super::Benefits;

/// A claim or a fact that is malformed, every field named.
pub fn invalid(errors: Vec<(String, String)>) -> AppError {
    AppError::new(ErrorKind::Invalid, Message::InvalidRecord(errors))
}

/// What the rules engine refused, in the catalogue's words.
pub fn rules_error(error: openpes_rules::RulesError) -> AppError {
    match error {
        openpes_rules::RulesError::Fact { name, reason } => invalid(vec![(name, reason)]),
        openpes_rules::RulesError::UnknownProgram(program, known) => {
            AppError::bad_request(Message::UnknownValue {
                field: "program".into(),
                value: program,
                expected: known,
            })
        }
        other => invalid(vec![("facts".into(), other.to_string())]),
    }
}

fn today(state: &App) -> NaiveDate {
    state.now().date_naive()
}

/// A fact a program reads.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactSpecView {
    pub name: String,
    /// `bool`, `integer`, `amount`, `date`, `code`, `periods` or `monthly`.
    pub kind: String,
    /// Allowed values of a `code` fact.
    pub codes: Vec<String>,
    /// Whether `null` is a meaningful known value ("none").
    pub nullable: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub title: Value,
}

/// An encoded program.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramView {
    /// `<jurisdiction>/<program>`, e.g. `tw/unemployment_benefit`.
    pub key: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub title: Value,
    pub valid_from: String,
    pub facts: Vec<FactSpecView>,
}

/// The encoded programs and the facts they read.
pub fn programs(state: &App) -> Result<Vec<ProgramView>, AppError> {
    let benefits = state.benefits()?;
    Ok(benefits
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
        .collect())
}

/// A claim for a benefit.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    pub program: String,
    pub seeker_id: String,
    /// The claimant's declaration: facts keyed by name (bare values). Register facts
    /// (insurance, registration) are gathered by OpenPES; where they disagree with the
    /// declaration the fact becomes disputed and a caseworker decides.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    #[serde(default)]
    pub declared: Value,
}

/// A claim's letter in both languages.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterView {
    #[serde(rename = "zh-TW")]
    pub zh_tw: String,
    pub en: String,
}

/// One entry of a claim's decision log.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    pub seq: i64,
    pub decided_at: String,
    /// `automated`, `waiting`, `referred` (to review) or `caseworker`.
    pub kind: String,
    pub decided_by: Option<String>,
    pub outcome: String,
    pub rules_version: String,
    /// The facts used, each with its source or state.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub facts: Value,
    /// Outcome, reasons, needed facts, amounts and the trace.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub determination: Value,
    pub letter: LetterView,
}

/// A claim with its decision log.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

async fn claim_view(state: &App, claim: ClaimRecord) -> Result<ClaimView, AppError> {
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
    state: &App,
    caller: &Caller,
    claim: NewClaim,
    as_of: NaiveDate,
) -> Result<ClaimView, AppError> {
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
        return Err(not_found("seeker", &claim.seeker_id));
    }
    let stored =
        super::open_claim(state, &claim.program, &claim.seeker_id, &declared, as_of).await?;
    claim_view(state, stored).await
}

async fn authorized_claim(
    state: &App,
    caller: &Caller,
    id: &str,
    action: Action,
    purpose: &str,
) -> Result<ClaimRecord, AppError> {
    access::require_signed_in(caller)?;
    let Some(claim) = state.store().claim(id).await? else {
        return Err(not_found("claim", id));
    };
    access::authorize_seeker(state, caller, action, &claim.seeker_id, purpose).await?;
    Ok(claim)
}

/// A claim with every decision, its trace and letters (the claimant, their caseworker,
/// administrators; an audited read).
pub async fn claim(state: &App, caller: &Caller, id: &str) -> Result<ClaimView, AppError> {
    let claim =
        authorized_claim(state, caller, id, Action::ReadSeeker, "read benefit claim").await?;
    claim_view(state, claim).await
}

/// A seeker's claims, newest first (an audited read).
pub async fn seeker_claims(
    state: &App,
    caller: &Caller,
    id: &str,
) -> Result<Vec<ClaimView>, AppError> {
    access::require_signed_in(caller)?;
    access::authorize_seeker(state, caller, Action::ReadSeeker, id, "read benefit claims").await?;
    let mut views = Vec::new();
    for claim in state.store().claims_of_seeker(id).await? {
        views.push(claim_view(state, claim).await?);
    }
    Ok(views)
}

/// One claim waiting for a caseworker.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
/// administrator all; oldest first.
pub async fn review_queue(state: &App, caller: &Caller) -> Result<Vec<QueueEntry>, AppError> {
    access::authorize_system(caller, Action::ReadReviewQueue)?;
    let user = caller
        .user()
        .ok_or_else(|| AppError::new(ErrorKind::Unauthenticated, Message::SignInRequired))?;
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
    Ok(entries)
}

/// A caseworker's review: facts they established, and whether to decide now.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// Facts the caseworker established (bare values; recorded with the caseworker as their
    /// source). They settle disputes.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
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

/// Reviews a claim: adds the facts a caseworker established, determines it again and, when
/// asked, decides it (recorded with the caseworker as the decider). Based on the version the
/// caseworker saw: a decision recorded meanwhile is a conflict. `request` is what the
/// caller sent, or why it could not be read.
pub async fn review_claim(
    state: &App,
    caller: &Caller,
    id: &str,
    request: Result<ReviewRequest, AppError>,
) -> Result<ClaimView, AppError> {
    let claim = authorized_claim(
        state,
        caller,
        id,
        Action::ReviewClaim,
        "review benefit claim",
    )
    .await?;
    // The claim is authorized before the request is read: a stranger learns nothing from a
    // malformed one.
    let request = request?;
    if request.version.is_some_and(|seen| seen != claim.version) {
        return Err(AppError::new(ErrorKind::Conflict, Message::ClaimChanged));
    }
    if claim.status == "decided" {
        return Err(AppError::new(
            ErrorKind::Conflict,
            Message::ClaimAlreadyDecided,
        ));
    }
    let user = caller
        .user()
        .ok_or_else(|| AppError::new(ErrorKind::Unauthenticated, Message::SignInRequired))?;
    let benefits = state.benefits()?;
    let supplied = merged_supplied(
        &benefits,
        &claim,
        &request.facts,
        &user.id,
        &crate::people::now_text(state),
    )?;
    let by = request.decide.then_some(user);
    super::determine_and_record(
        state,
        &claim,
        today(state),
        by,
        Some(&supplied),
        state.now(),
    )
    .await?;
    let stored = state.store().claim(&claim.id).await?.unwrap_or(claim);
    claim_view(state, stored).await
}

/// The claim's caseworker facts with `added` merged in, as stored JSON (each with its source).
fn merged_supplied(
    benefits: &Benefits,
    claim: &ClaimRecord,
    added: &Value,
    caseworker: &str,
    now: &str,
) -> Result<String, AppError> {
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
                    serde_json::to_value(fact).map_err(|e| AppError::internal(&e))?,
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = InsuranceImportSummary))]
pub struct ImportSummary {
    pub inserted: usize,
    /// Rows whose record id was already stored.
    pub skipped: usize,
}

/// Imports insurance records from CSV, all or nothing (administrators; audited).
pub async fn import_insurance(
    state: &App,
    caller: &Caller,
    csv: &[u8],
) -> Result<ImportSummary, AppError> {
    access::authorize_system(caller, Action::Administer)?;
    let text = std::str::from_utf8(csv)
        .map_err(|_| invalid(vec![("body".into(), "is not UTF-8 text".into())]))?;
    let import_id = format!(
        "import-{}",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    let records = super::insurance_csv::parse_insurance_csv(
        text,
        &import_id,
        &crate::people::now_text(state),
    )
    .map_err(invalid)?;
    let (inserted, skipped) = state.store().import_insurance_records(&records).await?;
    access::record(
        state,
        caller,
        "import",
        "insurance_records",
        &import_id,
        None,
        "insurance register import",
    )
    .await?;
    Ok(ImportSummary { inserted, skipped })
}
