//! Following the change log, so that several nodes over one database serve the same data.
//!
//! Every node keeps indexes in memory (the matching index of seekers, vacancies and courses;
//! the taxonomy and what is built on it). Every write to those records appends to the change
//! log in its own transaction ([`openpes_store::changes`]), in commit order. Each node runs
//! one follower task ([`spawn_follower`]) that reads the log after the position it has applied
//! and brings its indexes up to date:
//!
//! - a seeker, vacancy or course is read again from the database and replaced in the index
//!   (or removed when it is gone): the index converges on what the database holds now, whatever
//!   order local requests and the follower ran in. The node's own changes are applied too,
//!   which costs one read per record and closes the race between a request and the follower;
//! - a taxonomy change rebuilds the taxonomy when the database's taxonomy fingerprint differs
//!   from the loaded one (the node that imported it has already rebuilt).
//!
//! The follower wakes on PostgreSQL `NOTIFY` and polls as the fallback (and on SQLite).
//! A reload ([`App::reload_taxonomy`]) and a pass of the follower take the same lock, so they
//! never run at once.
//! `/readyz` reports the applied position, how far behind the node is, and the taxonomy
//! fingerprint, and is not ready while the loaded taxonomy is not the database's.

use crate::{App, LoadError};
use openpes_store::{Change, RecordKind, StoreError};
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Changes read per pass.
const BATCH: i64 = 1000;

/// Where a node is in the change log.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    /// Every change up to this position is in this node's indexes.
    applied: AtomicI64,
}

impl Progress {
    pub(crate) fn applied(&self) -> i64 {
        self.applied.load(Ordering::Acquire)
    }

    /// Moves the position forward (never back).
    pub(crate) fn advance(&self, to: i64) {
        self.applied.fetch_max(to, Ordering::AcqRel);
    }
}

/// How a node stands against the database, for `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowStatus {
    /// The change-log position this node has applied.
    pub applied: i64,
    /// The latest committed position.
    pub latest: i64,
    /// The taxonomy this node serves (`None` when it was not loaded through
    /// [`crate::load_versioned_taxonomy`]).
    pub taxonomy: Option<String>,
    /// The taxonomy the database holds.
    pub database_taxonomy: String,
}

impl FollowStatus {
    /// Changes committed that this node has not applied yet.
    pub fn behind(&self) -> i64 {
        (self.latest - self.applied).max(0)
    }

    /// True when the node serves another taxonomy than the database holds.
    pub fn stale_taxonomy(&self) -> bool {
        self.taxonomy
            .as_deref()
            .is_some_and(|t| t != self.database_taxonomy)
    }
}

impl App {
    /// The change-log position this node has applied.
    pub fn applied_change(&self) -> i64 {
        self.inner.progress.applied()
    }

    /// How this node stands against the database (position and taxonomy).
    pub async fn follow_status(&self) -> Result<FollowStatus, StoreError> {
        let latest = self.store().latest_change().await?;
        let database_taxonomy = self.store().taxonomy_fingerprint().await?;
        Ok(FollowStatus {
            applied: self.applied_change(),
            latest,
            taxonomy: self.taxonomy_fingerprint(),
            database_taxonomy,
        })
    }

    /// Applies the changes committed since the last pass (up to [`BATCH`]); returns how many
    /// log entries it read.
    pub async fn follow_once(&self) -> Result<usize, LoadError> {
        let _turn = self.inner.follow_lock.lock().await;
        let since = self.applied_change();
        let changes = self.store().changes_after(since, BATCH).await?;
        let Some(last) = changes.last().map(|c| c.seq) else {
            return Ok(0);
        };
        if changes.iter().any(|c| c.kind == RecordKind::Taxonomy) {
            let database = self.store().taxonomy_fingerprint().await?;
            if self.taxonomy_fingerprint().as_deref() != Some(database.as_str()) {
                // The reload reads every record again: it covers the rest of the batch.
                self.reload_taxonomy_locked().await?;
                self.inner.progress.advance(last);
                return Ok(changes.len());
            }
        }
        self.apply_records(&changes).await?;
        self.inner.progress.advance(last);
        Ok(changes.len())
    }

    /// Brings the matching index's copy of every record named in `changes` up to what the
    /// database holds now.
    async fn apply_records(&self, changes: &[Change]) -> Result<(), LoadError> {
        // The latest entry per record is enough: the database is read as it is now.
        let touched: HashSet<(RecordKind, &str)> = changes
            .iter()
            .map(|change| (change.kind, change.record_id.as_str()))
            .collect();
        let ids_of = |kind: RecordKind| -> Vec<&str> {
            touched
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, id)| *id)
                .collect()
        };
        let vacancy_ids = ids_of(RecordKind::Vacancy);
        let seeker_ids = ids_of(RecordKind::Seeker);
        let course_ids = ids_of(RecordKind::Course);
        let vacancies = self.store().vacancies_with_ids(&vacancy_ids).await?;
        let seekers = self.store().seekers_with_ids(&seeker_ids).await?;
        let courses = self.store().courses_with_ids(&course_ids).await?;
        let vacancy_ids: Vec<String> = vacancy_ids.into_iter().map(str::to_string).collect();
        let seeker_ids: Vec<String> = seeker_ids.into_iter().map(str::to_string).collect();
        let course_ids: Vec<String> = course_ids.into_iter().map(str::to_string).collect();
        let handles = self.guidance();
        tokio::task::spawn_blocking(move || {
            let mut index = handles.matching.write().unwrap_or_else(|p| p.into_inner());
            for id in &vacancy_ids {
                if !vacancies.iter().any(|v| &v.id == id) {
                    index.remove_vacancy(id);
                }
            }
            for vacancy in &vacancies {
                if index.upsert_vacancy(vacancy).is_err() {
                    // It no longer resolves against this taxonomy: not matchable here.
                    index.remove_vacancy(&vacancy.id);
                }
            }
            for id in &seeker_ids {
                if !seekers.iter().any(|s| &s.id == id) {
                    index.remove_seeker(id);
                }
            }
            for seeker in &seekers {
                if index.upsert_seeker(seeker).is_err() {
                    index.remove_seeker(&seeker.id);
                }
            }
            let mut guidance = handles.guidance.write().unwrap_or_else(|p| p.into_inner());
            for id in &course_ids {
                if !courses.iter().any(|c| &c.id == id) {
                    guidance.remove_course(id);
                }
            }
            for course in &courses {
                if guidance.upsert_course(&index, course).is_err() {
                    guidance.remove_course(&course.id);
                }
            }
        })
        .await
        .map_err(|e| LoadError::Store(StoreError::Corrupt(format!("index task failed: {e}"))))?;
        Ok(())
    }
}

/// Starts the follower: applies the change log whenever it grows (woken by PostgreSQL
/// `NOTIFY`, else every `poll`), until the process ends.
pub fn spawn_follower(state: App, poll: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut listener = match state.store().listen_for_changes().await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for change notifications; polling");
                None
            }
        };
        loop {
            let read = match state.follow_once().await {
                Ok(read) => read,
                Err(e) => {
                    tracing::warn!(error = %e, "applying the change log failed; retrying");
                    0
                }
            };
            if read as i64 >= BATCH {
                continue;
            }
            match listener.as_mut() {
                Some(l) => {
                    tokio::select! {
                        woken = l.wait() => {
                            if let Err(e) = woken {
                                tracing::warn!(error = %e, "change notifications lost; polling");
                                listener = None;
                            }
                        }
                        _ = tokio::time::sleep(poll) => {}
                    }
                }
                None => tokio::time::sleep(poll).await,
            }
        }
    })
}
