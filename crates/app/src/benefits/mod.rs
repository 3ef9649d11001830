//! Benefit claims: facts gathered from adapters, determined by `openpes-rules`, decided
//! automatically when complete and favourable, otherwise sent to a caseworker's review queue;
//! every determination is appended to the claim's decision log with a letter in zh-TW and en.
//!
//! Adapters, lowest priority first: the claimant's declaration; our own registers (job-search
//! registration and referrals); insurance records imported from CSV; external registers over
//! HTTP; facts a caseworker supplies in review. When two sources disagree about a fact it
//! becomes `disputed` (a caseworker's fact settles a dispute).
//!
//! Only an `eligible` determination with nothing flagged for review is decided automatically.
//! A claim that only waits for a period set by law is `waiting` and is determined again by the
//! hourly job ([`redetermine_when_due`], run once across nodes). A decision names the claim
//! version it was based on, and a version gets one decision: the second is a conflict
//! (`claim_changed`), which the job skips.

pub mod adapters;
pub mod claims;
pub mod demo;
pub mod insurance_csv;
pub mod letters;

use crate::auth::User;
use crate::error::{AppError, ErrorKind};
use crate::words::Message;
use crate::App;
use chrono::{DateTime, NaiveDate, Utc};
use openpes_rules::facts::Claimed;
use openpes_rules::{Determination, Engine, Fact, Facts, Outcome, Source};
use openpes_store::{ClaimRecord, DecisionRecord};

/// An external register reached over HTTP (see [`adapters::HttpRegister`]).
pub use adapters::HttpRegister;

/// The rules engine and the external registers of a deployment.
pub struct Benefits {
    pub engine: Engine,
    pub registers: Vec<HttpRegister>,
}

impl Benefits {
    /// The built-in rules and no external register.
    pub fn builtin() -> Result<Self, openpes_rules::RulesError> {
        Ok(Self {
            engine: Engine::builtin()?,
            registers: Vec::new(),
        })
    }
}

/// Facts with the problems adapters met while gathering them.
pub struct Gathered {
    pub facts: Facts,
    pub problems: Vec<String>,
}

/// Merges `fact` about `name` into `facts`. Agreeing sources keep the later (more
/// authoritative) one; disagreeing sources make the fact disputed, unless `settles` (a
/// caseworker's finding), which replaces whatever was there.
pub fn merge(facts: &mut Facts, name: &str, fact: Fact, settles: bool) {
    let Some((_, existing)) = facts.get(name) else {
        return;
    };
    let merged = match (existing.clone(), fact) {
        (_, Fact::Unknown) => return,
        (_, new) if settles => new,
        (Fact::Unknown, new) => new,
        (
            Fact::Known {
                value: old,
                source: old_source,
            },
            Fact::Known { value, source },
        ) => {
            if old == value {
                Fact::Known { value, source }
            } else {
                Fact::Disputed {
                    values: vec![
                        Claimed {
                            value: (*old).clone(),
                            source: (*old_source).clone(),
                        },
                        Claimed {
                            value: (*value).clone(),
                            source: (*source).clone(),
                        },
                    ],
                    note: format!("{} and {} disagree", old_source.register, source.register),
                }
            }
        }
        (Fact::Disputed { mut values, note }, Fact::Known { value, source }) => {
            values.push(Claimed {
                value: (*value).clone(),
                source: (*source).clone(),
            });
            Fact::Disputed { values, note }
        }
        (_, disputed @ Fact::Disputed { .. }) => disputed,
    };
    // The name was found above, so setting it cannot fail.
    let _ = facts.set(name, merged);
}

/// Gathers the facts of `claim` as of `as_of`.
pub async fn gather(
    state: &App,
    benefits: &Benefits,
    claim: &ClaimRecord,
    as_of: NaiveDate,
) -> Result<Gathered, AppError> {
    let specs = benefits
        .engine
        .fact_specs(&claim.program)
        .map_err(|e| AppError::internal(&e))?;
    let mut facts = Facts::empty(specs);
    let mut problems = Vec::new();
    let declared: serde_json::Value =
        serde_json::from_str(&claim.declared).map_err(|e| AppError::internal(&e))?;
    let declaration = Source {
        register: "claimant".into(),
        record: claim.id.clone(),
        at: Some(claim.created_at.clone()),
    };
    let declared = Facts::from_json(specs, &declared, Some(&declaration))
        .map_err(|e| AppError::internal(&e))?;
    for (spec, fact) in declared.iter() {
        merge(&mut facts, spec.name, fact.clone(), false);
    }
    for (name, fact) in adapters::own_registers(state, claim, as_of).await? {
        merge(&mut facts, name, fact, false);
    }
    for (name, fact) in adapters::insurance(state, claim).await? {
        merge(&mut facts, name, fact, false);
    }
    for register in &benefits.registers {
        match register.fetch(claim, specs, as_of).await {
            Ok(found) => {
                for (spec, fact) in found.iter() {
                    merge(&mut facts, spec.name, fact.clone(), false);
                }
            }
            Err(problem) => {
                tracing::warn!(register = %register.name, %problem, "external register failed");
                problems.push(format!("{}: {problem}", register.name));
            }
        }
    }
    let supplied: serde_json::Value =
        serde_json::from_str(&claim.supplied).map_err(|e| AppError::internal(&e))?;
    let supplied = Facts::from_json(specs, &supplied, None).map_err(|e| AppError::internal(&e))?;
    for (spec, fact) in supplied.iter() {
        merge(&mut facts, spec.name, fact.clone(), true);
    }
    Ok(Gathered { facts, problems })
}

/// How a determination moves a claim: (claim status, decision kind).
pub fn disposition(
    determination: &Determination,
    problems: &[String],
    by: Option<&User>,
) -> (&'static str, &'static str) {
    if by.is_some() {
        return ("decided", "caseworker");
    }
    if determination.automatable() && problems.is_empty() {
        return ("decided", "automated");
    }
    let only_waiting = determination.outcome == Outcome::Undetermined
        && !determination.needed.is_empty()
        && determination.needed.iter().all(|n| n.state == "not_yet");
    if only_waiting && problems.is_empty() {
        ("waiting", "waiting")
    } else {
        ("review", "referred")
    }
}

/// A determination of a claim, not yet recorded.
pub struct Evaluation {
    pub gathered: Gathered,
    pub determination: Determination,
    /// The claim's status after it.
    pub status: &'static str,
    /// The decision kind it would be recorded as.
    pub kind: &'static str,
}

/// Determines `claim` (with `supplied` as its caseworker facts, when given) as of `as_of`.
/// A caseworker (`by`) decides; otherwise the claim is decided automatically only when
/// eligible and complete, and waits or goes to review in every other case.
pub async fn evaluate(
    state: &App,
    claim: &ClaimRecord,
    as_of: NaiveDate,
    by: Option<&User>,
    supplied: Option<&str>,
) -> Result<Evaluation, AppError> {
    let benefits = state.benefits()?;
    let mut claim = claim.clone();
    if let Some(supplied) = supplied {
        claim.supplied = supplied.to_string();
    }
    let gathered = gather(state, &benefits, &claim, as_of).await?;
    let determination = benefits
        .engine
        .determine(&claim.program, &gathered.facts, as_of)
        .map_err(|e| AppError::internal(&e))?;
    if by.is_some() && determination.outcome == Outcome::Undetermined {
        return Err(AppError::new(
            ErrorKind::Conflict,
            Message::ClaimNotDecidable {
                needed: determination
                    .needed
                    .iter()
                    .map(|n| n.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        ));
    }
    let (status, kind) = disposition(&determination, &gathered.problems, by);
    Ok(Evaluation {
        gathered,
        determination,
        status,
        kind,
    })
}

/// Appends an evaluation of `claim` to its decision log, with its letters, and moves the
/// claim to the evaluation's status.
pub async fn record(
    state: &App,
    claim: &ClaimRecord,
    evaluation: &Evaluation,
    by: Option<&User>,
    supplied: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DecisionRecord, AppError> {
    let Evaluation {
        gathered,
        determination,
        status,
        kind,
    } = evaluation;
    let facts: serde_json::Map<String, serde_json::Value> = gathered
        .facts
        .iter()
        .map(|(spec, fact)| {
            (
                spec.name.to_string(),
                serde_json::to_value(fact).unwrap_or(serde_json::Value::Null),
            )
        })
        .collect();
    let letter_zh = letters::letter(
        claim,
        determination,
        kind,
        by,
        &gathered.problems,
        crate::words::UiLang::ZhTw,
    );
    let letter_en = letters::letter(
        claim,
        determination,
        kind,
        by,
        &gathered.problems,
        crate::words::UiLang::En,
    );
    let mut record = DecisionRecord {
        seq: 0,
        claim_id: claim.id.clone(),
        decided_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        kind: kind.to_string(),
        decided_by: by.map(|u| u.id.clone()),
        outcome: determination.outcome.as_str().to_string(),
        rules_version: format!(
            "{} {} params:{}",
            determination.version.engine,
            determination.version.formula,
            determination.version.parameters
        ),
        facts: serde_json::Value::Object(facts).to_string(),
        determination: serde_json::to_string(determination).map_err(|e| AppError::internal(&e))?,
        letter_zh,
        letter_en,
        claim_version: Some(claim.version),
    };
    record.seq = state
        .store()
        .record_decision(&record, status, supplied, now)
        .await?;
    Ok(record)
}

/// Evaluates `claim` and records the result (see [`evaluate`] and [`record`]).
pub async fn determine_and_record(
    state: &App,
    claim: &ClaimRecord,
    as_of: NaiveDate,
    by: Option<&User>,
    supplied: Option<&str>,
    now: DateTime<Utc>,
) -> Result<DecisionRecord, AppError> {
    let evaluation = evaluate(state, claim, as_of, by, supplied).await?;
    record(state, claim, &evaluation, by, supplied, now).await
}

/// Opens a claim filed on `as_of` (registering the claimant for job search unless they are
/// already) and makes its first determination. The caller has authorized it.
pub async fn open_claim(
    state: &App,
    program: &str,
    seeker_id: &str,
    declared: &serde_json::Value,
    as_of: NaiveDate,
) -> Result<ClaimRecord, AppError> {
    state
        .store()
        .register_job_search(seeker_id, &as_of.to_string(), state.now())
        .await?;
    let now = state
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let record = ClaimRecord {
        id: format!("claim-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]),
        seeker_id: seeker_id.to_string(),
        program: program.to_string(),
        status: "review".into(),
        declared: declared.to_string(),
        supplied: "{}".into(),
        created_at: now.clone(),
        updated_at: now,
        version: 0,
    };
    state.store().create_claim(&record).await?;
    determine_and_record(state, &record, as_of, None, None, state.now()).await?;
    Ok(state.store().claim(&record.id).await?.unwrap_or(record))
}

/// Re-determines every waiting claim as of `as_of`; returns how many moved on. A claim that
/// someone (a caseworker, or this job on another node) decided since it was read is left as it
/// is: its version moved on, so this decision would be a second one on the same version.
pub async fn redetermine_waiting(state: &App, as_of: NaiveDate) -> Result<usize, AppError> {
    let waiting = state.store().claims_by_status("waiting", 1000).await?;
    let mut moved = 0;
    for claim in waiting {
        let evaluation = evaluate(state, &claim, as_of, None, None).await?;
        // A claim that still waits gets no new log entry; the log records changes.
        if evaluation.kind != "waiting" {
            match record(state, &claim, &evaluation, None, None, state.now()).await {
                Ok(_) => moved += 1,
                Err(e) if e.message == crate::words::Message::ClaimChanged => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(moved)
}

/// The name under which the re-determination of waiting claims is scheduled.
pub const REDETERMINE_JOB: &str = "redetermine_waiting_claims";

/// Runs [`redetermine_waiting`] when its hourly run is due and no other node has claimed it
/// (see [`openpes_store::Store::claim_scheduled_run`]); `None` when it was not this node's
/// turn.
pub async fn redetermine_when_due(
    state: &App,
    as_of: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<usize>, AppError> {
    let due = state
        .store()
        .claim_scheduled_run(REDETERMINE_JOB, chrono::Duration::hours(1), now)
        .await?;
    if !due {
        return Ok(None);
    }
    redetermine_waiting(state, as_of).await.map(Some)
}
