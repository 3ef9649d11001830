//! The change log: one entry for every change to a record that a node holds in memory
//! (vacancies, seekers, employers, courses, taxonomy sources), appended in the same transaction
//! as the change itself, so that other nodes can follow and third parties can mirror.
//!
//! **It cannot skip.** A sequence number taken when a row is inserted is not commit order: a
//! reader that saw 7 may later find 5, committed by a transaction that was still in flight.
//! Here the numbers come from the single row of `change_log_head`, bumped as the *last*
//! statement before the commit. The bump takes that row's write lock (PostgreSQL) or the
//! database's single write lock (SQLite), held until the commit, so the next writer gets its
//! numbers only after this one's are visible: seq order is commit order, and a reader that has
//! seen N has seen everything below N. The lock is held only for the few inserts of the log
//! rows and the commit, never across the work of the transaction.
//!
//! Each entry names its `origin`, the node (one [`Store`] connection pool) that wrote it, so a
//! node can skip what it has already applied. On PostgreSQL the commit also sends a
//! `NOTIFY openpes_changes` so that followers wake at once; polling is the fallback.

use crate::{Backend, Store, StoreError};
use sqlx::Row;

/// The PostgreSQL notification channel a commit with changes signals on.
pub const CHANNEL: &str = "openpes_changes";

/// What kind of record changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Vacancy,
    Seeker,
    Employer,
    Course,
    /// A taxonomy source (`record_id` is the source name); nodes rebuild their taxonomy.
    Taxonomy,
}

impl RecordKind {
    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Vacancy => "vacancy",
            RecordKind::Seeker => "seeker",
            RecordKind::Employer => "employer",
            RecordKind::Course => "course",
            RecordKind::Taxonomy => "taxonomy",
        }
    }

    /// The kind a stored name stands for.
    pub fn parse(name: &str) -> Option<RecordKind> {
        Some(match name {
            "vacancy" => RecordKind::Vacancy,
            "seeker" => RecordKind::Seeker,
            "employer" => RecordKind::Employer,
            "course" => RecordKind::Course,
            "taxonomy" => RecordKind::Taxonomy,
            _ => return None,
        })
    }
}

/// One entry of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position in commit order (the cursor).
    pub seq: i64,
    pub kind: RecordKind,
    pub record_id: String,
    /// True when the record was deleted; false when it was added or replaced.
    pub deleted: bool,
    /// The node that wrote it ([`Store::node_id`]).
    pub origin: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// A change about to be appended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pending<'a> {
    pub kind: RecordKind,
    pub record_id: &'a str,
    pub deleted: bool,
}

impl<'a> Pending<'a> {
    pub(crate) fn upsert(kind: RecordKind, record_id: &'a str) -> Self {
        Pending {
            kind,
            record_id,
            deleted: false,
        }
    }

    pub(crate) fn delete(kind: RecordKind, record_id: &'a str) -> Self {
        Pending {
            kind,
            record_id,
            deleted: true,
        }
    }
}

/// Rows per insert statement (6 parameters each).
const ROWS_PER_INSERT: usize = 500;

/// Appends `changes` inside `tx`. Call it as the last write of the transaction, just before
/// the commit (see the module documentation for why).
pub(crate) async fn append(
    store: &Store,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    changes: &[Pending<'_>],
    at: &str,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(changes.len())
        .map_err(|_| StoreError::Invalid("too many changes in one transaction".into()))?;
    let head: i64 =
        sqlx::query("UPDATE change_log_head SET seq = seq + $1 WHERE id = 1 RETURNING seq")
            .bind(count)
            .fetch_one(&mut **tx)
            .await?
            .try_get("seq")?;
    let first = head - count + 1;
    for (chunk_index, chunk) in changes.chunks(ROWS_PER_INSERT).enumerate() {
        let mut sql = String::from(
            "INSERT INTO change_log (seq, kind, record_id, change, origin, at) VALUES ",
        );
        for i in 0..chunk.len() {
            let p = i * 6;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                p + 1,
                p + 2,
                p + 3,
                p + 4,
                p + 5,
                p + 6
            ));
        }
        let mut query = sqlx::query(&sql);
        for (i, change) in chunk.iter().enumerate() {
            let seq = first + (chunk_index * ROWS_PER_INSERT + i) as i64;
            query = query
                .bind(seq)
                .bind(change.kind.as_str())
                .bind(change.record_id.to_string())
                .bind(if change.deleted { "delete" } else { "upsert" })
                .bind(store.node_id().to_string())
                .bind(at.to_string());
        }
        query.execute(&mut **tx).await?;
    }
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(head.to_string())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn change_of(row: &sqlx::any::AnyRow) -> Result<Option<Change>, StoreError> {
    let kind: String = row.try_get("kind")?;
    let Some(kind) = RecordKind::parse(&kind) else {
        // A kind written by a newer version of OpenPES: not ours to apply.
        return Ok(None);
    };
    let change: String = row.try_get("change")?;
    Ok(Some(Change {
        seq: row.try_get("seq")?,
        kind,
        record_id: row.try_get("record_id")?,
        deleted: change == "delete",
        origin: row.try_get("origin")?,
        at: row.try_get("at")?,
    }))
}

impl Store {
    /// Up to `limit` changes after cursor `since` (0 for the beginning), in commit order.
    pub async fn changes_after(&self, since: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, kind, record_id, change, origin, at FROM change_log WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
        )
        .bind(since)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(change) = change_of(row)? {
                changes.push(change);
            }
        }
        Ok(changes)
    }

    /// Up to `limit` changes of one kind after cursor `since`, in commit order.
    pub async fn changes_of_kind_after(
        &self,
        kind: RecordKind,
        since: i64,
        limit: i64,
    ) -> Result<Vec<Change>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, kind, record_id, change, origin, at FROM change_log \
             WHERE kind = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(kind.as_str())
        .bind(since)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        let mut changes = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(change) = change_of(row)? {
                changes.push(change);
            }
        }
        Ok(changes)
    }

    /// The cursor of the latest committed change (0 when there is none).
    pub async fn latest_change(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT seq FROM change_log_head WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => Ok(row.try_get("seq")?),
            None => Ok(0),
        }
    }

    /// The cursor of the latest change of one kind (0 when there is none): for the taxonomy,
    /// the version of the taxonomy the database holds.
    pub async fn latest_change_of(&self, kind: RecordKind) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS latest FROM change_log WHERE kind = $1",
        )
        .bind(kind.as_str())
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("latest")?)
    }

    /// The stored vacancies among `ids` (a deleted one is simply absent).
    pub async fn vacancies_with_ids(
        &self,
        ids: &[&str],
    ) -> Result<Vec<openpes_matching::Vacancy>, StoreError> {
        self.documents_with_ids("vacancies", ids, "vacancy").await
    }

    /// The stored job seekers among `ids`.
    pub async fn seekers_with_ids(
        &self,
        ids: &[&str],
    ) -> Result<Vec<openpes_matching::Seeker>, StoreError> {
        self.documents_with_ids("seekers", ids, "seeker").await
    }

    /// The stored courses among `ids`.
    pub async fn courses_with_ids(
        &self,
        ids: &[&str],
    ) -> Result<Vec<openpes_guidance::Course>, StoreError> {
        self.documents_with_ids("courses", ids, "course").await
    }

    /// The JSON documents of `table` (one of ours, never input) whose id is among `ids`.
    async fn documents_with_ids<T: serde::de::DeserializeOwned>(
        &self,
        table: &'static str,
        ids: &[&str],
        what: &str,
    ) -> Result<Vec<T>, StoreError> {
        let mut records = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_INSERT) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT document FROM {table} WHERE id IN ({})",
                placeholders.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id.to_string());
            }
            for row in query.fetch_all(self.pool()).await? {
                let text: String = row.try_get("document")?;
                records.push(
                    serde_json::from_str(&text)
                        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))?,
                );
            }
        }
        Ok(records)
    }

    /// What identifies the taxonomy the database holds: each source with its version and the
    /// start of its content hash, by source name (`esco@1.2.0#3f9a…`). Equal fingerprints,
    /// equal taxonomies.
    pub async fn taxonomy_fingerprint(&self) -> Result<String, StoreError> {
        let rows = sqlx::query(
            "SELECT source, version, content_hash FROM taxonomy_sources ORDER BY source",
        )
        .fetch_all(self.pool())
        .await?;
        let mut parts = Vec::with_capacity(rows.len());
        for row in &rows {
            let source: String = row.try_get("source")?;
            let version: String = row.try_get("version")?;
            let hash: String = row.try_get("content_hash")?;
            let short: String = hash.chars().take(12).collect();
            parts.push(format!("{source}@{version}#{short}"));
        }
        Ok(parts.join(","))
    }

    /// Waits for a change notification from any node (PostgreSQL `LISTEN`): returns a
    /// listener to call [`ChangeListener::wait`] on, or `None` on SQLite (poll instead).
    pub async fn listen_for_changes(&self) -> Result<Option<ChangeListener>, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = sqlx::postgres::PgListener::connect(self.url()).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(ChangeListener { listener }))
    }
}

/// A PostgreSQL connection listening for change notifications.
pub struct ChangeListener {
    listener: sqlx::postgres::PgListener,
}

impl ChangeListener {
    /// Waits for the next notification (or a lost connection, which is re-established: the
    /// caller reads the log either way).
    pub async fn wait(&mut self) -> Result<(), StoreError> {
        self.listener.recv().await?;
        Ok(())
    }
}
