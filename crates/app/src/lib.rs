//! The OpenPES application layer: the use cases, over the pure domain crates (taxonomy,
//! extraction, matching, guidance, labour-market statistics, rules) and the store. It is the
//! only crate that combines the two; it knows no HTTP, HTML or wire JSON. The HTTP API, the
//! web pages and the CLI call it.
//!
//! [`App`] holds the store and what is built from the taxonomy (extractor, matching index,
//! guidance catalog, demand snapshot), swapped whole on reload, and reads the time only
//! through its [`Clock`]. Its modules:
//!
//! - [`auth`]: accounts, roles, passwords, sessions and API tokens; [`access`]: the access
//!   policy and the audit log every access to personal data writes; [`analytics`]: aggregate
//!   statistics, small cells suppressed.
//! - [`benefits`]: the benefit-claim workflow (facts from registers behind adapters, the rules
//!   engine, decisions with their versions, letters).
//! - [`applications`]: application statuses and who may change them.
//! - [`registration`]: registering oneself, resetting a password.
//! - [`offers`]: contacts with candidates, verified employers.
//! - [`suggest`]: skills and occupations suggested from a record's text.
//! - [`follow`]: keeping this node's indexes current with the change log (several nodes).
//! - [`lockout`]: sign-in failures counted in the database; [`people`]: accounts, API tokens
//!   and the demo set-up.
//! - [`words`]: every user-facing message in zh-TW and English; [`error`]: what a use case
//!   can fail with.

pub mod access;
pub mod administration;
pub mod analytics;
pub mod applications;
pub mod audit;
pub mod audit_writer;
pub mod auth;
pub mod benefits;
pub mod casework;
pub mod clock;
pub mod documents;
pub mod error;
pub mod follow;
pub mod guidance;
pub mod lockout;
pub mod matching;
pub mod offers;
pub mod people;
pub mod records;
pub mod registration;
pub mod search;
pub mod suggest;
pub mod views;
pub mod words;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{blocking, AppError, ErrorKind};

use openpes_extract::Extractor;
use openpes_guidance::{DemandCache, Guidance};
use openpes_matching::MatchIndex;
use openpes_store::{Store, StoreError};
use openpes_taxonomy::{BuildReport, Taxonomy, TaxonomyError};
use std::sync::{Arc, RwLock};

/// Why the taxonomy could not be (re)loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Taxonomy(#[from] TaxonomyError),
}

/// The taxonomy and what is built on it (the extractor, the matching index, guidance with its
/// training catalog, the demand snapshot), swapped together.
struct Loaded {
    taxonomy: Arc<Taxonomy>,
    extractor: Arc<Extractor>,
    matching: Arc<RwLock<MatchIndex>>,
    /// Locked after `matching` when both are needed.
    guidance: Arc<RwLock<Guidance>>,
    demand: Arc<DemandCache>,
}

impl Loaded {
    fn new(taxonomy: Taxonomy) -> Loaded {
        let extractor = Extractor::build(&taxonomy, EXTRACTION_LANG);
        let taxonomy = Arc::new(taxonomy);
        Loaded {
            matching: Arc::new(RwLock::new(MatchIndex::new(Arc::clone(&taxonomy)))),
            guidance: Arc::new(RwLock::new(Guidance::new())),
            demand: Arc::new(DemandCache::default()),
            taxonomy,
            extractor: Arc::new(extractor),
        }
    }
}

/// The language whose descriptions the extractor's similarity ranking reads.
pub const EXTRACTION_LANG: &str = "en";

struct Inner {
    store: Store,
    loaded: RwLock<Arc<Loaded>>,
    security: Security,
    /// Failed sign-ins per e-mail address.
    lockout: lockout::LoginLockout,
    /// The rules engine and registers; the built-in rules until `set_benefits`.
    benefits: RwLock<Option<Arc<benefits::Benefits>>>,
    /// Whether enabled demo accounts (published passwords) exist: every page and `/readyz`
    /// say so.
    demo_accounts: std::sync::atomic::AtomicBool,
    /// How far this node has applied the change log.
    progress: follow::Progress,
    /// Credentials resolved in the last second (see [`auth::CredentialCache`]).
    credentials: auth::CredentialCache,
    /// The audit log's group-commit writer, started on first use.
    audit_writer: std::sync::OnceLock<audit_writer::AuditWriter>,
    /// Taken by a pass of the change-log follower and by a taxonomy reload, so that the two
    /// never fill the indexes at once (neither runs on a request's path).
    follow_lock: tokio::sync::Mutex<()>,
    /// Where the time comes from.
    clock: RwLock<Arc<dyn Clock>>,
    /// The fingerprint of the taxonomy loaded (see `Store::taxonomy_fingerprint`); `None`
    /// when the state was built from a taxonomy of unknown origin.
    taxonomy_fingerprint: RwLock<Option<String>>,
}

/// Security settings of a deployment.
#[derive(Debug, Clone, Copy)]
pub struct Security {
    /// Mark the session cookie `Secure` (set when the service is reached over HTTPS).
    pub secure_cookies: bool,
    /// When wrong passwords lock an account's sign-in.
    pub lockout: lockout::LockoutPolicy,
    /// How long an API token works after it is made.
    pub api_token_lifetime: chrono::Duration,
}

impl Default for Security {
    fn default() -> Self {
        Security {
            secure_cookies: false,
            lockout: lockout::LockoutPolicy::default(),
            api_token_lifetime: chrono::Duration::days(90),
        }
    }
}

/// Shared state of all handlers.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

impl App {
    /// State over `store` with an already built taxonomy (the extractor is built here).
    pub fn new(store: Store, taxonomy: Taxonomy) -> Self {
        App::with_security(store, taxonomy, Security::default())
    }

    /// The application over a store, as every start builds it (the server's and the tests'):
    /// the taxonomy the database holds (with its fingerprint, so that a later import by another
    /// node is noticed) and the records in the matching index. What a start adds on top (demo
    /// data, benefit rules, registers) is the caller's.
    pub async fn open(store: Store, security: Security) -> Result<(App, BuildReport), LoadError> {
        let (taxonomy, report, fingerprint) = load_versioned_taxonomy(&store).await?;
        let app = App::with_security(store, taxonomy, security);
        app.set_taxonomy_fingerprint(fingerprint);
        app.load_matching().await?;
        Ok((app, report))
    }

    /// State with explicit security settings.
    pub fn with_security(store: Store, taxonomy: Taxonomy, security: Security) -> Self {
        App {
            inner: Arc::new(Inner {
                store,
                loaded: RwLock::new(Arc::new(Loaded::new(taxonomy))),
                security,
                lockout: lockout::LoginLockout::new(security.lockout),
                benefits: RwLock::new(None),
                demo_accounts: std::sync::atomic::AtomicBool::new(false),
                progress: follow::Progress::default(),
                credentials: auth::CredentialCache::default(),
                audit_writer: std::sync::OnceLock::new(),
                follow_lock: tokio::sync::Mutex::new(()),
                taxonomy_fingerprint: RwLock::new(None),
                clock: RwLock::new(Arc::new(SystemClock)),
            }),
        }
    }

    /// Marks whether enabled demo accounts exist (see [`crate::people::demo_accounts_enabled`]).
    pub fn set_demo_accounts(&self, present: bool) {
        self.inner
            .demo_accounts
            .store(present, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether enabled demo accounts (with published passwords) exist.
    pub fn demo_accounts(&self) -> bool {
        self.inner
            .demo_accounts
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Replaces the clock (tests fix the time with [`FixedClock`]).
    pub fn set_clock(&self, clock: Arc<dyn Clock>) {
        let mut guard = match self.inner.clock.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = clock;
    }

    /// The current time, from the state's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        let clock = match self.inner.clock.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        clock.now()
    }

    /// Records which stored taxonomy the loaded one is (from [`load_versioned_taxonomy`]).
    pub fn set_taxonomy_fingerprint(&self, fingerprint: String) {
        let mut guard = match self.inner.taxonomy_fingerprint.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Some(fingerprint);
    }

    /// Which stored taxonomy this node serves, when known.
    pub fn taxonomy_fingerprint(&self) -> Option<String> {
        match self.inner.taxonomy_fingerprint.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The deployment's security settings.
    pub fn security(&self) -> Security {
        self.inner.security
    }

    /// Failed sign-ins per e-mail address.
    pub(crate) fn lockout(&self) -> &lockout::LoginLockout {
        &self.inner.lockout
    }

    /// The audit log's writer (started on first use).
    fn audit_writer(&self) -> &std::sync::OnceLock<audit_writer::AuditWriter> {
        &self.inner.audit_writer
    }

    /// Credentials resolved in the last second.
    pub fn credentials(&self) -> &auth::CredentialCache {
        &self.inner.credentials
    }

    /// Drops sign-in failure counts whose window and lock have passed (scheduled work).
    pub async fn purge_login_failures(&self) -> Result<u64, StoreError> {
        self.inner
            .lockout
            .purge(self.store(), self.now().into())
            .await
    }

    fn loaded(&self) -> Arc<Loaded> {
        match self.inner.loaded.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the rules engine and external registers (the built-in rules otherwise).
    pub fn set_benefits(&self, benefits: benefits::Benefits) {
        let mut guard = match self.inner.benefits.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Some(Arc::new(benefits));
    }

    /// The rules engine and external registers.
    pub fn benefits(&self) -> Result<Arc<benefits::Benefits>, error::AppError> {
        if let Some(current) = match self.inner.benefits.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        } {
            return Ok(current);
        }
        let built =
            Arc::new(benefits::Benefits::builtin().map_err(|e| error::AppError::internal(&e))?);
        let mut guard = match self.inner.benefits.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        Ok(guard.get_or_insert_with(|| built).clone())
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The current taxonomy (a cheap shared handle).
    pub fn taxonomy(&self) -> Arc<Taxonomy> {
        Arc::clone(&self.loaded().taxonomy)
    }

    /// The current taxonomy with the extractor built from it (always a matching pair).
    pub fn extraction(&self) -> (Arc<Taxonomy>, Arc<Extractor>) {
        let loaded = self.loaded();
        (Arc::clone(&loaded.taxonomy), Arc::clone(&loaded.extractor))
    }

    /// Runs `work` with the matching index locked for reading, on the blocking pool.
    pub async fn with_index<T: Send + 'static>(
        &self,
        work: impl FnOnce(&MatchIndex) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let index = self.matching();
        blocking(move || work(&read(&index))).await
    }

    /// Runs `work` with the matching index locked for writing, on the blocking pool. Slow work
    /// (extraction, validation) is done before: the lock is held only for the index change.
    pub async fn with_index_mut<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut MatchIndex) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let index = self.matching();
        blocking(move || work(&mut write(&index))).await
    }

    /// Puts a stored seeker into the matching index.
    pub async fn index_seeker(&self, seeker: &openpes_matching::Seeker) -> Result<(), AppError> {
        let seeker = seeker.clone();
        self.with_index_mut(move |index| index.upsert_seeker(&seeker))
            .await?
            .map_err(error::invalid)
    }

    /// The matching index over the current taxonomy.
    pub fn matching(&self) -> Arc<RwLock<MatchIndex>> {
        Arc::clone(&self.loaded().matching)
    }

    /// The matching index with guidance and the demand snapshot built on the same taxonomy
    /// (always a matching set; lock the index before guidance).
    pub fn guidance(&self) -> GuidanceHandles {
        let loaded = self.loaded();
        GuidanceHandles {
            matching: Arc::clone(&loaded.matching),
            guidance: Arc::clone(&loaded.guidance),
            demand: Arc::clone(&loaded.demand),
        }
    }

    /// Fills the matching index with every stored seeker, vacancy and course. Records whose concepts
    /// the current taxonomy lacks are skipped and counted (they stay stored).
    pub async fn load_matching(&self) -> Result<MatchingLoad, LoadError> {
        // Read first: every change up to here is in the records read below, and the follower
        // applies what comes after (again, if the records already had it: applying is
        // idempotent).
        let position = self.store().latest_change().await?;
        let seekers = self.store().seekers().await?;
        let vacancies = self.store().vacancies().await?;
        let courses = self.store().courses().await?;
        let handles = self.guidance();
        // Filling the index takes a while: on the blocking pool, never on an async worker.
        let load = tokio::task::spawn_blocking(move || {
            let mut index = handles.matching.write().unwrap_or_else(|p| p.into_inner());
            let mut guidance = handles.guidance.write().unwrap_or_else(|p| p.into_inner());
            let mut load = MatchingLoad::default();
            for seeker in &seekers {
                match index.upsert_seeker(seeker) {
                    Ok(()) => load.seekers += 1,
                    Err(_) => load.skipped += 1,
                }
            }
            for vacancy in &vacancies {
                match index.upsert_vacancy(vacancy) {
                    Ok(()) => load.vacancies += 1,
                    Err(_) => load.skipped += 1,
                }
            }
            for course in &courses {
                match guidance.upsert_course(&index, course) {
                    Ok(()) => load.courses += 1,
                    Err(_) => load.skipped += 1,
                }
            }
            load
        })
        .await
        .map_err(|e| LoadError::Store(StoreError::Corrupt(format!("index task failed: {e}"))))?;
        tracing::info!(
            seekers = load.seekers,
            vacancies = load.vacancies,
            courses = load.courses,
            skipped = load.skipped,
            "matching index loaded"
        );
        self.inner.progress.advance(position);
        Ok(load)
    }

    /// Rebuilds the taxonomy from the database and swaps it in, with a new matching index
    /// filled from the stored records.
    pub async fn reload_taxonomy(&self) -> Result<BuildReport, LoadError> {
        let _turn = self.inner.follow_lock.lock().await;
        self.reload_taxonomy_locked().await
    }

    /// [`App::reload_taxonomy`] for a caller that holds the follow lock.
    pub(crate) async fn reload_taxonomy_locked(&self) -> Result<BuildReport, LoadError> {
        let (taxonomy, report, fingerprint) = load_versioned_taxonomy(self.store()).await?;
        let loaded = tokio::task::spawn_blocking(move || Loaded::new(taxonomy))
            .await
            .map_err(|e| {
                LoadError::Store(StoreError::Corrupt(format!("build task failed: {e}")))
            })?;
        {
            let mut guard = match self.inner.loaded.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            *guard = Arc::new(loaded);
        }
        self.set_taxonomy_fingerprint(fingerprint);
        self.load_matching().await?;
        Ok(report)
    }
}

/// A read lock that outlives a panic of another holder (the index stays usable).
pub fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A write lock that outlives a panic of another holder.
pub fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The indexes guidance reads, from one taxonomy.
#[derive(Clone)]
pub struct GuidanceHandles {
    pub matching: Arc<RwLock<MatchIndex>>,
    pub guidance: Arc<RwLock<Guidance>>,
    pub demand: Arc<DemandCache>,
}

/// What [`App::load_matching`] put into the index.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchingLoad {
    pub seekers: usize,
    pub vacancies: usize,
    pub courses: usize,
    /// Records that no longer resolve against the taxonomy.
    pub skipped: usize,
}

/// Builds the read model from everything stored.
pub async fn load_taxonomy(store: &Store) -> Result<(Taxonomy, BuildReport), LoadError> {
    let (taxonomy, report, _) = load_versioned_taxonomy(store).await?;
    Ok((taxonomy, report))
}

/// Builds the read model from everything stored, with the fingerprint of what was read (taken
/// first: an import that lands while reading makes the node look behind, never current, and
/// the follower then reloads).
pub async fn load_versioned_taxonomy(
    store: &Store,
) -> Result<(Taxonomy, BuildReport, String), LoadError> {
    let fingerprint = store.taxonomy_fingerprint().await?;
    let started = std::time::Instant::now();
    let datasets = store.load_datasets().await?;
    let read = started.elapsed();
    let built = tokio::task::spawn_blocking(move || Taxonomy::build(datasets))
        .await
        .map_err(|e| LoadError::Store(StoreError::Corrupt(format!("build task failed: {e}"))))??;
    tracing::info!(
        read_millis = read.as_millis() as u64,
        build_millis = (started.elapsed() - read).as_millis() as u64,
        "taxonomy read from the database and built"
    );
    let (taxonomy, report) = built;
    Ok((taxonomy, report, fingerprint))
}
