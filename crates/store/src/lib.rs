//! OpenPES storage: the only crate that knows SQL.
//!
//! One [`Store`] speaks to SQLite (a file, WAL mode — the zero-setup default) or PostgreSQL
//! (selected by a `postgres://` URL) through sqlx's `Any` driver, so that both run the same
//! queries. Migrations for the two are kept side by side under `migrations/sqlite` and
//! `migrations/postgres` and run at connect time.
//!
//! - [`taxonomy`]: persisting taxonomy datasets (each import one transaction) and loading them
//!   back for the read model.
//! - [`matching`]: employers, job seekers and vacancies, and the vacancy change feed.
//! - [`changes`]: the change log every node follows (commit-ordered; it cannot skip).
//! - [`coordination`]: what several nodes must agree on: leases, jobs that run once, and the
//!   sign-in failures behind the lockout.
//! - [`people`]: accounts, registrations waiting for their e-mail confirmation, sessions, API
//!   tokens, password resets and the outbox, offices,
//!   caseloads, case notes and the append-only audit log.
//! - [`benefits`]: benefit claims, decisions and register extracts.
//! - [`guidance`]: the training catalog and seekers' action plans.
//! - [`applications`]: seekers' saved vacancies and applications, with their status history.
//! - [`outreach`]: employers' contacts with candidates and the staff approval of employers.
//! - [`testing`]: creating throwaway databases for tests.

pub mod applications;
pub mod benefits;
pub mod changes;
pub mod coordination;
pub mod guidance;
pub mod matching;
pub mod outreach;
pub mod people;
pub mod taxonomy;
pub mod testing;
mod versioned;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

pub use applications::{ApplicationChange, ApplicationRecord, NewApplication, SavedVacancy};
pub use benefits::{ClaimRecord, DecisionRecord, InsuranceRecord, NewReferral, Referral};
pub use changes::{Change, ChangeListener, RecordKind};
pub use guidance::{PlanStep, StepChange};
pub use matching::VacancyChange;
pub use outreach::{ContactOutcome, ContactRecord, EmployerVerification};
pub use people::{
    ApiTokenRecord, AuditEntry, AuditFilter, CaseNote, NewAuditEntry, Office, OutboxMessage,
    PendingRegistration, UserRecord,
};
pub use taxonomy::{ImportOutcome, ImportRecord, StoredSource};

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// Another transaction held the records (SQLite still locked after the busy timeout, a
    /// PostgreSQL serialization failure or deadlock): nothing was written; try again.
    #[error("the database was busy with another change: {0}")]
    Busy(String),
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// Holds only the URL's scheme: a URL may carry a password.
    #[error("unsupported database URL scheme '{0}' (expected sqlite://… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("cannot create the data directory {path}: {source}")]
    DataDirectory {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Conflict(String),
    /// The record changed since it was read (another decision was made on the same version):
    /// nothing was written.
    #[error("changed meanwhile: {0}")]
    Stale(String),
    #[error("invalid record: {0}")]
    Invalid(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let busy = error.as_database_error().is_some_and(|db| {
            matches!(
                db.code().as_deref(),
                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_BUSY_SNAPSHOT; serialization failure,
                // deadlock.
                Some("5" | "6" | "517" | "40001" | "40P01")
            ) || db.message().contains("database is locked")
        });
        if busy {
            StoreError::Busy(error.to_string())
        } else {
            StoreError::Database(error)
        }
    }
}

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a URL selects.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::UnsupportedUrl(
                scheme.chars().take(32).collect(),
            ))
        }
    }

    /// Largest number of bind parameters one statement may carry.
    fn max_binds(self) -> usize {
        match self {
            Backend::Sqlite => 32_000,
            Backend::Postgres => 65_000,
        }
    }
}

/// A connection pool with its backend.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: std::sync::Arc<str>,
    /// Names this node in the change log and in leases.
    node: std::sync::Arc<str>,
}

static MIGRATOR_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATOR_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// The URL of the SQLite database file `openpes.db` in `data_dir`.
    pub fn sqlite_url_in(data_dir: &Path) -> String {
        format!(
            "sqlite://{}?mode=rwc",
            data_dir.join("openpes.db").display()
        )
    }

    /// Connects to `url`, creating the SQLite file (and its directory) when needed, and runs
    /// the migrations. A SQLite file URL without a `mode=` parameter opens with `mode=rwc`
    /// (read, write, create).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating(url),
            Backend::Postgres => url.to_string(),
        };
        let url = url.as_str();
        if backend == Backend::Sqlite {
            if let Some(parent) = sqlite_path(url).and_then(|p| p.parent().map(Path::to_path_buf)) {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(&parent).map_err(|source| {
                        StoreError::DataDirectory {
                            path: parent.display().to_string(),
                            source,
                        }
                    })?;
                }
            }
        }
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(url).await?;
        if backend == Backend::Sqlite {
            // Switching a new file to WAL needs a moment alone with it: another process
            // opening the same new file may hold it (its busy timeout does not cover this).
            let mut attempt = 0;
            loop {
                match pool.execute("PRAGMA journal_mode = WAL;").await {
                    Ok(_) => break,
                    Err(_) if attempt < 10 => {
                        attempt += 1;
                        tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        let store = Store {
            pool,
            backend,
            url: url.into(),
            node: new_node_id().into(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            // PostgreSQL: sqlx holds an advisory lock while it migrates, so nodes starting
            // together take turns.
            Backend::Postgres => MIGRATOR_POSTGRES.run(&self.pool).await?,
            // SQLite has no such lock: two processes opening a new file together both start
            // migration 1, and the one that waited finds the tables made. Each migration is one
            // transaction, so the loser changed nothing; it reads which migrations are now
            // applied and goes on.
            Backend::Sqlite => {
                let mut attempt = 0;
                loop {
                    match MIGRATOR_SQLITE.run(&self.pool).await {
                        Ok(()) => break,
                        Err(_) if attempt < 10 => {
                            attempt += 1;
                            tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
            }
        }
        Ok(())
    }

    /// This node's name: unique per connection pool (per process, or per store a test opens),
    /// written into the change log so that a node can skip its own changes.
    pub fn node_id(&self) -> &str {
        &self.node
    }

    /// The URL this store connected to (it may hold a password: never log it).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The backend of this store.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (for readiness probes).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let _: Option<AnyRow> = sqlx::query("SELECT 1").fetch_optional(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so that two writers queue on the busy timeout instead of one
    /// failing with "database is locked" when it upgrades a read lock.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }
}

/// A node name unlikely to repeat: the time in nanoseconds, the process id and a counter.
fn new_node_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static OPENED: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{}-{:x}-{}",
        std::process::id(),
        nanos,
        OPENED.fetch_add(1, Ordering::Relaxed)
    )
}

/// The file path of a `sqlite://` URL, without its query.
fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

/// `url` with `mode=rwc` added when it names a SQLite file and sets no `mode=` itself (sqlx
/// would otherwise refuse to open a file that does not exist yet).
fn sqlite_url_creating(url: &str) -> String {
    if sqlite_path(url).is_none() {
        return url.to_string();
    }
    match url.split_once('?') {
        None => format!("{url}?mode=rwc"),
        Some((_, query)) if query.split('&').any(|p| p.starts_with("mode=")) => url.to_string(),
        Some((_, "")) => format!("{url}mode=rwc"),
        Some(_) => format!("{url}&mode=rwc"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_backends_by_url() {
        assert_eq!(Backend::of_url("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgres://h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(Backend::of_url("mysql://h/db").is_err());
        // The error names the scheme, never the rest (it may hold a password).
        let error = Backend::of_url("mysql://user:secret@h/db")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            error.contains("'mysql'") && !error.contains("secret"),
            "{error}"
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/a/b.db?mode=rwc"),
            Some(Path::new("/tmp/a/b.db"))
        );
    }

    #[test]
    fn sqlite_file_urls_open_creating_unless_they_say_otherwise() {
        assert_eq!(
            sqlite_url_creating("sqlite:///d/f.db"),
            "sqlite:///d/f.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating("sqlite:///d/f.db?"),
            "sqlite:///d/f.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating("sqlite:///d/f.db?cache=shared"),
            "sqlite:///d/f.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating("sqlite:///d/f.db?mode=ro"),
            "sqlite:///d/f.db?mode=ro"
        );
        assert_eq!(
            sqlite_url_creating("sqlite:///d/f.db?cache=shared&mode=rw"),
            "sqlite:///d/f.db?cache=shared&mode=rw"
        );
        assert_eq!(sqlite_url_creating("sqlite::memory:"), "sqlite::memory:");
    }
}
