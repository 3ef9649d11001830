//! What several nodes over one database must agree on, kept in the database so that it holds
//! across nodes:
//!
//! - **leases**: one holder at a time for a named piece of work (first-start seeding), until it
//!   lets go or the lease expires (a node killed mid-work does not block the others forever);
//! - **scheduled jobs**: a job runs at most once per period across all nodes: the node whose
//!   single conditional upsert moves `next_run_at` forward runs it, the others see zero rows;
//! - **sign-in failures**: the lockout's counts, one upsert per wrong password, so that five
//!   wrong passwords spread over two nodes lock as they would on one.

use crate::matching::timestamp;
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

/// A sign-in lock that this failure set, or that holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureCount {
    /// Failures counted in the current window (0 right after a lock was set).
    pub failures: i64,
    /// Until when (milliseconds since 1970) the key is locked, if it is.
    pub locked_until: Option<i64>,
}

/// How failures are counted: the limit, the window and the lock's length, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailurePolicy {
    pub limit: i64,
    pub window_ms: i64,
    pub lock_ms: i64,
}

impl Store {
    /// Takes lease `name` for `ttl` when it is free, expired or already this node's; true when
    /// this node holds it now.
    pub async fn try_lease(
        &self,
        name: &str,
        ttl: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
             expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at < $4",
        )
        .bind(name.to_string())
        .bind(self.node_id().to_string())
        .bind(timestamp(now + ttl))
        .bind(timestamp(now))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Lets go of lease `name` if this node holds it.
    pub async fn release_lease(&self, name: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name.to_string())
            .bind(self.node_id().to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Claims the run of `job` that is due at `now`: true (and the next run is set to
    /// `now + every`) for exactly one node; false when the job is not due or another node
    /// claimed this run.
    pub async fn claim_scheduled_run(
        &self,
        job: &str,
        every: Duration,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO scheduled_jobs (job, next_run_at, last_run_by) VALUES ($1, $2, $3) \
             ON CONFLICT (job) DO UPDATE SET next_run_at = excluded.next_run_at, \
             last_run_by = excluded.last_run_by WHERE scheduled_jobs.next_run_at <= $4",
        )
        .bind(job.to_string())
        .bind(timestamp(now + every))
        .bind(self.node_id().to_string())
        .bind(timestamp(now))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The latest lock among `keys` that still holds at `now_ms`, if any.
    pub async fn login_locked_until(
        &self,
        keys: &[&str],
        now_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let mut latest: Option<i64> = None;
        for key in keys {
            let row = sqlx::query(
                "SELECT locked_until FROM login_failures WHERE key = $1 AND locked_until > $2",
            )
            .bind(key.to_string())
            .bind(now_ms)
            .fetch_optional(self.pool())
            .await?;
            if let Some(row) = row {
                let until: Option<i64> = row.try_get("locked_until")?;
                latest = latest.max(until);
            }
        }
        Ok(latest)
    }

    /// Counts one failure under `key` in one statement. A count whose window has passed (and
    /// whose lock, if any, has ended) starts again at 1; the failure that reaches the limit
    /// locks the key until `now + lock` and starts a new count.
    pub async fn record_login_failure(
        &self,
        key: &str,
        policy: FailurePolicy,
        now_ms: i64,
    ) -> Result<FailureCount, StoreError> {
        let locks_at_once = policy.limit <= 1;
        let row = sqlx::query(
            "INSERT INTO login_failures (key, failures, window_start, locked_until) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key) DO UPDATE SET \
             failures = CASE WHEN (CASE WHEN (login_failures.locked_until IS NULL \
                 OR login_failures.locked_until <= $3) AND login_failures.window_start < $5 \
                 THEN 1 ELSE login_failures.failures + 1 END) >= $6 THEN 0 \
                 ELSE (CASE WHEN (login_failures.locked_until IS NULL \
                 OR login_failures.locked_until <= $3) AND login_failures.window_start < $5 \
                 THEN 1 ELSE login_failures.failures + 1 END) END, \
             window_start = CASE WHEN ((login_failures.locked_until IS NULL \
                 OR login_failures.locked_until <= $3) AND login_failures.window_start < $5) \
                 OR login_failures.failures + 1 >= $6 THEN $3 \
                 ELSE login_failures.window_start END, \
             locked_until = CASE WHEN (CASE WHEN (login_failures.locked_until IS NULL \
                 OR login_failures.locked_until <= $3) AND login_failures.window_start < $5 \
                 THEN 1 ELSE login_failures.failures + 1 END) >= $6 THEN $7 \
                 ELSE login_failures.locked_until END \
             RETURNING failures, locked_until",
        )
        .bind(key.to_string())
        .bind(if locks_at_once { 0_i64 } else { 1_i64 })
        .bind(now_ms)
        .bind(locks_at_once.then_some(now_ms + policy.lock_ms))
        .bind(now_ms - policy.window_ms)
        .bind(policy.limit)
        .bind(now_ms + policy.lock_ms)
        .fetch_one(self.pool())
        .await?;
        Ok(FailureCount {
            failures: row.try_get("failures")?,
            locked_until: row.try_get("locked_until")?,
        })
    }

    /// Forgets the failures under `key` (a correct password).
    pub async fn clear_login_failures(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Drops counts whose window started before `before_ms` and whose lock has ended: keeps
    /// the table as small as the recent failures.
    pub async fn purge_login_failures(
        &self,
        before_ms: i64,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM login_failures WHERE window_start < $1 \
             AND (locked_until IS NULL OR locked_until <= $2)",
        )
        .bind(before_ms)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}
