//! Benefits: job-search registrations and referrals (our own registers), insurance records
//! imported from CSV, benefit claims, and the append-only log of their decisions.
//!
//! A referral is a job or training offer recorded by the service, with who recorded it: a
//! caseworker's referral is `confirmed` when stored; an employer's offer is `proposed` until the
//! seeker or a caseworker confirms (or declines) it. Only confirmed referrals are offers to the
//! benefit rules ([`Store::confirmed_referrals`]).
//!
//! Determinations, facts and letters are stored as the JSON and text the server made of them;
//! this crate does not interpret them. The decision log refuses updates and deletes at the
//! database level (triggers).

use crate::matching::timestamp;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// One row of an insurance register: a coverage period, an insured salary or a contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsuranceRecord {
    pub person_id: String,
    /// `tw`, `ee`, …
    pub jurisdiction: String,
    /// `coverage`, `salary` or `contribution`.
    pub kind: String,
    /// ISO dates of a coverage period.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    /// `YYYY-MM` of a salary or contribution.
    pub month: Option<String>,
    /// Exact decimal as text.
    pub amount: Option<String>,
    /// `open` or `fixed_term` (coverage).
    pub contract: Option<String>,
    pub separation_reason: Option<String>,
    /// The register's own id of the row.
    pub record_id: String,
    pub import_id: String,
    pub imported_at: String,
}

/// A job or training offered to a seeker through the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    pub id: i64,
    pub seeker_id: String,
    /// `job` or `training`.
    pub kind: String,
    /// ISO date.
    pub offered_on: String,
    /// The vacancy or course id.
    pub reference: String,
    /// The offering employer (job offers), when known.
    pub employer_id: Option<String>,
    /// `proposed`, `confirmed` or `declined`.
    pub status: String,
    /// The user who recorded it (None for rows stored before recorders were kept).
    pub recorded_by: Option<String>,
    /// Their role: `caseworker`, `admin` or `employer`.
    pub recorded_role: Option<String>,
    /// The user who confirmed or declined it, with their role and when.
    pub confirmed_by: Option<String>,
    pub confirmed_role: Option<String>,
    pub confirmed_at: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A referral to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReferral {
    pub seeker_id: String,
    /// `job` or `training`.
    pub kind: String,
    /// ISO date.
    pub offered_on: String,
    pub reference: String,
    pub employer_id: Option<String>,
    /// `proposed` or `confirmed`.
    pub status: String,
    pub recorded_by: String,
    pub recorded_role: String,
}

const REFERRAL_COLUMNS: &str = "id, seeker_id, kind, offered_on, reference, employer_id, \
     status, recorded_by, recorded_role, confirmed_by, confirmed_role, confirmed_at, created_at";

fn referral_of(r: &AnyRow) -> Result<Referral, StoreError> {
    Ok(Referral {
        id: r.try_get("id")?,
        seeker_id: r.try_get("seeker_id")?,
        kind: r.try_get("kind")?,
        offered_on: r.try_get("offered_on")?,
        reference: r.try_get("reference")?,
        employer_id: r.try_get("employer_id")?,
        status: r.try_get("status")?,
        recorded_by: r.try_get("recorded_by")?,
        recorded_role: r.try_get("recorded_role")?,
        confirmed_by: r.try_get("confirmed_by")?,
        confirmed_role: r.try_get("confirmed_role")?,
        confirmed_at: r.try_get("confirmed_at")?,
        created_at: r.try_get("created_at")?,
    })
}

/// A benefit claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    pub id: String,
    pub seeker_id: String,
    /// `tw/unemployment_benefit`, …
    pub program: String,
    /// `waiting`, `review` or `decided`.
    pub status: String,
    /// JSON object: the claimant's declared facts.
    pub declared: String,
    /// JSON object: facts added by caseworkers, each with its source.
    pub supplied: String,
    pub created_at: String,
    pub updated_at: String,
    /// How many decisions the claim has had: a decision names the version it was based on,
    /// and a version gets one decision (see [`Store::record_decision`]).
    pub version: i64,
}

/// One entry of a claim's decision log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecord {
    pub seq: i64,
    pub claim_id: String,
    pub decided_at: String,
    /// `automated`, `waiting`, `referred` or `caseworker`.
    pub kind: String,
    pub decided_by: Option<String>,
    pub outcome: String,
    pub rules_version: String,
    pub facts: String,
    pub determination: String,
    pub letter_zh: String,
    pub letter_en: String,
    /// The claim version this decision was based on (`None` for decisions recorded before
    /// versions existed).
    pub claim_version: Option<i64>,
}

fn claim_of(row: &AnyRow) -> Result<ClaimRecord, StoreError> {
    Ok(ClaimRecord {
        id: row.try_get("id")?,
        seeker_id: row.try_get("seeker_id")?,
        program: row.try_get("program")?,
        status: row.try_get("status")?,
        declared: row.try_get("declared")?,
        supplied: row.try_get("supplied")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
    })
}

fn decision_of(row: &AnyRow) -> Result<DecisionRecord, StoreError> {
    Ok(DecisionRecord {
        seq: row.try_get("seq")?,
        claim_id: row.try_get("claim_id")?,
        decided_at: row.try_get("decided_at")?,
        kind: row.try_get("kind")?,
        decided_by: row.try_get("decided_by")?,
        outcome: row.try_get("outcome")?,
        rules_version: row.try_get("rules_version")?,
        facts: row.try_get("facts")?,
        determination: row.try_get("determination")?,
        letter_zh: row.try_get("letter_zh")?,
        letter_en: row.try_get("letter_en")?,
        claim_version: row.try_get("claim_version")?,
    })
}

const CLAIM_COLUMNS: &str =
    "id, seeker_id, program, status, declared, supplied, created_at, updated_at, version";
const DECISION_COLUMNS: &str = "seq, claim_id, decided_at, kind, decided_by, outcome, \
     rules_version, facts, determination, letter_zh, letter_en, claim_version";

impl Store {
    /// Records that a seeker registered for job search on `on` (ISO date), unless they already
    /// have; returns the registration date in force.
    pub async fn register_job_search(
        &self,
        seeker_id: &str,
        on: &str,
        now: DateTime<Utc>,
    ) -> Result<String, StoreError> {
        if let Some(existing) = self.job_search_registration(seeker_id).await? {
            return Ok(existing);
        }
        sqlx::query(
            "INSERT INTO job_search_registrations (seeker_id, registered_on, recorded_at) \
             VALUES ($1, $2, $3) ON CONFLICT (seeker_id) DO NOTHING",
        )
        .bind(seeker_id.to_string())
        .bind(on.to_string())
        .bind(timestamp(now))
        .execute(self.pool())
        .await?;
        Ok(self
            .job_search_registration(seeker_id)
            .await?
            .unwrap_or_else(|| on.to_string()))
    }

    /// The date a seeker registered for job search.
    pub async fn job_search_registration(
        &self,
        seeker_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT registered_on FROM job_search_registrations WHERE seeker_id = $1")
                .bind(seeker_id.to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(match row {
            Some(row) => Some(row.try_get("registered_on")?),
            None => None,
        })
    }

    /// Records a job or training offered to a seeker; returns the referral. A `confirmed`
    /// referral is confirmed by its recorder.
    pub async fn add_referral(
        &self,
        referral: &NewReferral,
        now: DateTime<Utc>,
    ) -> Result<Referral, StoreError> {
        let confirmed = referral.status == "confirmed";
        let at = timestamp(now);
        let row = sqlx::query(
            "INSERT INTO referrals (seeker_id, kind, offered_on, reference, employer_id, status, \
             recorded_by, recorded_role, confirmed_by, confirmed_role, confirmed_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(referral.seeker_id.clone())
        .bind(referral.kind.clone())
        .bind(referral.offered_on.clone())
        .bind(referral.reference.clone())
        .bind(referral.employer_id.clone())
        .bind(referral.status.clone())
        .bind(referral.recorded_by.clone())
        .bind(referral.recorded_role.clone())
        .bind(confirmed.then(|| referral.recorded_by.clone()))
        .bind(confirmed.then(|| referral.recorded_role.clone()))
        .bind(confirmed.then(|| at.clone()))
        .bind(at)
        .fetch_one(self.pool())
        .await?;
        let id: i64 = row.try_get("id")?;
        self.referral(id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("referral {id} not stored")))
    }

    /// A referral by id.
    pub async fn referral(&self, id: i64) -> Result<Option<Referral>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(referral_of).transpose()
    }

    /// Settles a proposed referral: `confirmed` or `declined` by `by` (with their role). Returns
    /// false when it is not (or no longer) proposed.
    pub async fn settle_referral(
        &self,
        id: i64,
        status: &str,
        by: &str,
        role: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE referrals SET status = $1, confirmed_by = $2, confirmed_role = $3, \
             confirmed_at = $4 WHERE id = $5 AND status = 'proposed'",
        )
        .bind(status.to_string())
        .bind(by.to_string())
        .bind(role.to_string())
        .bind(timestamp(now))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A seeker's referrals in any status offered from `from` to `to` (ISO dates, inclusive),
    /// oldest first.
    pub async fn referrals(
        &self,
        seeker_id: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<Referral>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {REFERRAL_COLUMNS} FROM referrals \
             WHERE seeker_id = $1 AND offered_on >= $2 AND offered_on <= $3 ORDER BY id"
        ))
        .bind(seeker_id.to_string())
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(referral_of).collect()
    }

    /// A seeker's confirmed referrals offered from `from` to `to` (ISO dates, inclusive): the
    /// offers the benefit rules count.
    pub async fn confirmed_referrals(
        &self,
        seeker_id: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<Referral>, StoreError> {
        Ok(self
            .referrals(seeker_id, from, to)
            .await?
            .into_iter()
            .filter(|r| r.status == "confirmed")
            .collect())
    }

    /// All of a seeker's referrals, newest first.
    pub async fn referrals_of_seeker(&self, seeker_id: &str) -> Result<Vec<Referral>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {REFERRAL_COLUMNS} FROM referrals WHERE seeker_id = $1 \
             ORDER BY offered_on DESC, id DESC"
        ))
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(referral_of).collect()
    }

    /// Imports insurance records in one transaction: all or nothing. Rows whose
    /// `(jurisdiction, record_id)` is already stored are skipped; returns (inserted, skipped).
    pub async fn import_insurance_records(
        &self,
        records: &[InsuranceRecord],
    ) -> Result<(usize, usize), StoreError> {
        let mut tx = self.begin_write().await?;
        let mut inserted = 0;
        for record in records {
            let result = sqlx::query(
                "INSERT INTO insurance_records (import_id, person_id, jurisdiction, kind, \
                 start_date, end_date, month, amount, contract, separation_reason, record_id, \
                 imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (jurisdiction, record_id) DO NOTHING",
            )
            .bind(record.import_id.clone())
            .bind(record.person_id.clone())
            .bind(record.jurisdiction.clone())
            .bind(record.kind.clone())
            .bind(record.start_date.clone())
            .bind(record.end_date.clone())
            .bind(record.month.clone())
            .bind(record.amount.clone())
            .bind(record.contract.clone())
            .bind(record.separation_reason.clone())
            .bind(record.record_id.clone())
            .bind(record.imported_at.clone())
            .execute(&mut *tx)
            .await?;
            inserted += result.rows_affected() as usize;
        }
        tx.commit().await?;
        Ok((inserted, records.len() - inserted))
    }

    /// A person's insurance records in one jurisdiction, oldest first.
    pub async fn insurance_records(
        &self,
        person_id: &str,
        jurisdiction: &str,
    ) -> Result<Vec<InsuranceRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT import_id, person_id, jurisdiction, kind, start_date, end_date, month, \
             amount, contract, separation_reason, record_id, imported_at \
             FROM insurance_records WHERE person_id = $1 AND jurisdiction = $2 ORDER BY id",
        )
        .bind(person_id.to_string())
        .bind(jurisdiction.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(InsuranceRecord {
                    import_id: r.try_get("import_id")?,
                    person_id: r.try_get("person_id")?,
                    jurisdiction: r.try_get("jurisdiction")?,
                    kind: r.try_get("kind")?,
                    start_date: r.try_get("start_date")?,
                    end_date: r.try_get("end_date")?,
                    month: r.try_get("month")?,
                    amount: r.try_get("amount")?,
                    contract: r.try_get("contract")?,
                    separation_reason: r.try_get("separation_reason")?,
                    record_id: r.try_get("record_id")?,
                    imported_at: r.try_get("imported_at")?,
                })
            })
            .collect()
    }

    /// Stores a new claim.
    pub async fn create_claim(&self, claim: &ClaimRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO benefit_claims (id, seeker_id, program, status, declared, supplied, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(claim.id.clone())
        .bind(claim.seeker_id.clone())
        .bind(claim.program.clone())
        .bind(claim.status.clone())
        .bind(claim.declared.clone())
        .bind(claim.supplied.clone())
        .bind(claim.created_at.clone())
        .bind(claim.updated_at.clone())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A claim by id.
    pub async fn claim(&self, id: &str) -> Result<Option<ClaimRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {CLAIM_COLUMNS} FROM benefit_claims WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(claim_of).transpose()
    }

    /// A seeker's claims, newest first.
    pub async fn claims_of_seeker(&self, seeker_id: &str) -> Result<Vec<ClaimRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLAIM_COLUMNS} FROM benefit_claims WHERE seeker_id = $1 \
             ORDER BY created_at DESC, id"
        ))
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(claim_of).collect()
    }

    /// Claims in `status`, oldest first.
    pub async fn claims_by_status(
        &self,
        status: &str,
        limit: i64,
    ) -> Result<Vec<ClaimRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {CLAIM_COLUMNS} FROM benefit_claims WHERE status = $1 \
             ORDER BY created_at, id LIMIT $2"
        ))
        .bind(status.to_string())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(claim_of).collect()
    }

    /// Appends a decision based on claim version `decision.claim_version` and moves the claim
    /// to `status` (and its caseworker-supplied facts to `supplied` when given) and to the next
    /// version, in one transaction. Returns the decision's sequence number.
    ///
    /// The claim's row is moved first, on the condition that it is still at the version the
    /// decision was based on: of two decisions made on the same version (two caseworkers at
    /// once, or the scheduled re-determination on two nodes) exactly one is recorded and the
    /// other gets [`StoreError::Stale`] with nothing written. A unique index on
    /// `(claim_id, claim_version)` backs this up in the database.
    pub async fn record_decision(
        &self,
        decision: &DecisionRecord,
        status: &str,
        supplied: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let based_on = decision.claim_version.ok_or_else(|| {
            StoreError::Invalid("a decision names the claim version it is based on".into())
        })?;
        let mut tx = self.begin_write().await?;
        let updated = match supplied {
            Some(supplied) => {
                sqlx::query(
                    "UPDATE benefit_claims SET status = $1, supplied = $2, updated_at = $3, \
                 version = version + 1 WHERE id = $4 AND version = $5",
                )
                .bind(status.to_string())
                .bind(supplied.to_string())
                .bind(timestamp(now))
                .bind(decision.claim_id.clone())
                .bind(based_on)
                .execute(&mut *tx)
                .await?
            }
            None => sqlx::query(
                "UPDATE benefit_claims SET status = $1, updated_at = $2, version = version + 1 \
                 WHERE id = $3 AND version = $4",
            )
            .bind(status.to_string())
            .bind(timestamp(now))
            .bind(decision.claim_id.clone())
            .bind(based_on)
            .execute(&mut *tx)
            .await?,
        };
        if updated.rows_affected() != 1 {
            let exists = sqlx::query("SELECT id FROM benefit_claims WHERE id = $1")
                .bind(decision.claim_id.clone())
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            return Err(if exists {
                StoreError::Stale(format!(
                    "claim {} was decided since version {based_on}",
                    decision.claim_id
                ))
            } else {
                StoreError::Invalid(format!("no claim {}", decision.claim_id))
            });
        }
        let row = sqlx::query(
            "INSERT INTO benefit_decisions (claim_id, decided_at, kind, decided_by, outcome, \
             rules_version, facts, determination, letter_zh, letter_en, claim_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq",
        )
        .bind(decision.claim_id.clone())
        .bind(decision.decided_at.clone())
        .bind(decision.kind.clone())
        .bind(decision.decided_by.clone())
        .bind(decision.outcome.clone())
        .bind(decision.rules_version.clone())
        .bind(decision.facts.clone())
        .bind(decision.determination.clone())
        .bind(decision.letter_zh.clone())
        .bind(decision.letter_en.clone())
        .bind(based_on)
        .fetch_one(&mut *tx)
        .await?;
        let seq: i64 = row.try_get("seq")?;
        tx.commit().await?;
        Ok(seq)
    }

    /// A claim's decisions, oldest first.
    pub async fn decisions(&self, claim_id: &str) -> Result<Vec<DecisionRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DECISION_COLUMNS} FROM benefit_decisions WHERE claim_id = $1 ORDER BY seq"
        ))
        .bind(claim_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(decision_of).collect()
    }

    /// Tries to change a stored decision; the database must refuse (used by tests to prove
    /// the log is append-only).
    pub async fn try_rewrite_decision(&self, seq: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE benefit_decisions SET outcome = 'eligible' WHERE seq = $1")
            .bind(seq)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
