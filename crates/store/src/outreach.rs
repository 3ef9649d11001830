//! Employers reaching seekers: contacts (an employer's message to a candidate about a vacancy,
//! which is never a job offer) and the staff approval that lets an employer organisation see
//! candidates and contact them.
//!
//! A seeker is contacted about a vacancy at most once (`UNIQUE (vacancy_id, seeker_id)`);
//! [`Store::add_contact_within`] counts an employer's recent contacts and adds one in the same
//! transaction, serialised per employer, so that contacts sent at the same moment (on one node
//! or several) cannot both pass the daily limit.

use crate::matching::timestamp;
use crate::{Backend, Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// An employer's contact with a candidate about a vacancy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecord {
    pub id: i64,
    pub employer_id: String,
    pub vacancy_id: String,
    pub seeker_id: String,
    /// The user who sent it.
    pub contacted_by: String,
    /// RFC 3339, UTC.
    pub contacted_at: String,
}

/// A staff decision on an employer organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployerVerification {
    pub employer_id: String,
    pub verified: bool,
    /// The staff member's user id (`system` for the demo set-up).
    pub decided_by: String,
    /// RFC 3339, UTC.
    pub decided_at: String,
}

/// What [`Store::add_contact_within`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactOutcome {
    /// Stored; the employer had sent this many contacts in the window before it.
    Added { sent_before: i64 },
    /// This seeker was contacted about this vacancy already; nothing stored.
    AlreadyContacted,
    /// The employer reached the limit in the window; nothing stored.
    LimitReached,
}

impl Store {
    /// Stores a contact unless the seeker was contacted about this vacancy already or the
    /// employer has sent `limit` contacts since `since`. The count and the insert are one
    /// transaction that holds the employer's turn (a transaction-scoped advisory lock on
    /// PostgreSQL; SQLite's single writer), so the limit holds under concurrent requests.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_contact_within(
        &self,
        employer_id: &str,
        vacancy_id: &str,
        seeker_id: &str,
        by: &str,
        now: DateTime<Utc>,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<ContactOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind(format!("contacts:{employer_id}"))
                .execute(&mut *tx)
                .await?;
        }
        let sent: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM contacts WHERE employer_id = $1 AND contacted_at >= $2",
        )
        .bind(employer_id.to_string())
        .bind(timestamp(since))
        .fetch_one(&mut *tx)
        .await?
        .try_get("n")?;
        if sent >= limit {
            return Ok(ContactOutcome::LimitReached);
        }
        let done = sqlx::query(
            "INSERT INTO contacts (employer_id, vacancy_id, seeker_id, contacted_by, \
             contacted_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (vacancy_id, seeker_id) DO NOTHING",
        )
        .bind(employer_id.to_string())
        .bind(vacancy_id.to_string())
        .bind(seeker_id.to_string())
        .bind(by.to_string())
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(ContactOutcome::AlreadyContacted);
        }
        tx.commit().await?;
        Ok(ContactOutcome::Added { sent_before: sent })
    }

    /// Stores a contact with no daily limit (staff tools and tests); returns false (storing
    /// nothing) when this seeker was contacted about this vacancy already.
    pub async fn add_contact(
        &self,
        employer_id: &str,
        vacancy_id: &str,
        seeker_id: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let outcome = self
            .add_contact_within(employer_id, vacancy_id, seeker_id, by, now, now, i64::MAX)
            .await?;
        Ok(matches!(outcome, ContactOutcome::Added { .. }))
    }

    /// Whether this seeker was contacted about this vacancy.
    pub async fn contacted(&self, vacancy_id: &str, seeker_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT id FROM contacts WHERE vacancy_id = $1 AND seeker_id = $2")
            .bind(vacancy_id.to_string())
            .bind(seeker_id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }

    /// How many contacts an employer sent at or after `since`.
    pub async fn contacts_since(
        &self,
        employer_id: &str,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM contacts WHERE employer_id = $1 AND contacted_at >= $2",
        )
        .bind(employer_id.to_string())
        .bind(timestamp(since))
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("n")?)
    }

    /// A seeker's contacts, newest first.
    pub async fn contacts_of_seeker(
        &self,
        seeker_id: &str,
    ) -> Result<Vec<ContactRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, employer_id, vacancy_id, seeker_id, contacted_by, contacted_at \
             FROM contacts WHERE seeker_id = $1 ORDER BY contacted_at DESC, id DESC",
        )
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ContactRecord {
                    id: r.try_get("id")?,
                    employer_id: r.try_get("employer_id")?,
                    vacancy_id: r.try_get("vacancy_id")?,
                    seeker_id: r.try_get("seeker_id")?,
                    contacted_by: r.try_get("contacted_by")?,
                    contacted_at: r.try_get("contacted_at")?,
                })
            })
            .collect()
    }

    /// Records a staff member's decision on an employer organisation (replacing an earlier one).
    pub async fn set_employer_verified(
        &self,
        employer_id: &str,
        verified: bool,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO employer_verifications (employer_id, verified, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (employer_id) DO UPDATE SET \
             verified = excluded.verified, decided_by = excluded.decided_by, \
             decided_at = excluded.decided_at",
        )
        .bind(employer_id.to_string())
        .bind(i64::from(verified))
        .bind(by.to_string())
        .bind(timestamp(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The staff decision on an employer organisation, if any.
    pub async fn employer_verification(
        &self,
        employer_id: &str,
    ) -> Result<Option<EmployerVerification>, StoreError> {
        let row = sqlx::query(
            "SELECT employer_id, verified, decided_by, decided_at FROM employer_verifications \
             WHERE employer_id = $1",
        )
        .bind(employer_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(EmployerVerification {
                employer_id: r.try_get("employer_id")?,
                verified: r.try_get::<i64, _>("verified")? != 0,
                decided_by: r.try_get("decided_by")?,
                decided_at: r.try_get("decided_at")?,
            })
        })
        .transpose()
    }

    /// Whether staff approved an employer organisation.
    pub async fn employer_verified(&self, employer_id: &str) -> Result<bool, StoreError> {
        Ok(self
            .employer_verification(employer_id)
            .await?
            .is_some_and(|v| v.verified))
    }
}
