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
pub mod guidance;
pub mod matching;
pub mod outreach;
pub mod people;
pub mod taxonomy;
pub mod testing;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

pub use applications::{ApplicationChange, ApplicationRecord, NewApplication, SavedVacancy};
pub use benefits::{ClaimRecord, DecisionRecord, InsuranceRecord, NewReferral, Referral};
pub use guidance::{PlanStep, StepChange};
pub use matching::VacancyChange;
pub use outreach::{ContactRecord, EmployerVerification};
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
    #[error("unsupported database URL '{0}' (expected sqlite://… or postgres://…)")]
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
            Err(StoreError::UnsupportedUrl(url.to_string()))
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
    /// the migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
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
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        let store = Store { pool, backend };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => MIGRATOR_SQLITE.run(&self.pool).await?,
            Backend::Postgres => MIGRATOR_POSTGRES.run(&self.pool).await?,
        }
        Ok(())
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

/// The file path of a `sqlite://` URL, without its query.
fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
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
        assert_eq!(
            sqlite_path("sqlite:///tmp/a/b.db?mode=rwc"),
            Some(Path::new("/tmp/a/b.db"))
        );
    }
}
