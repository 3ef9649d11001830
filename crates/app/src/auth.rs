//! Who is calling: accounts, roles, sessions and API tokens, as the use cases see them.
//!
//! The HTTP layer reads the credentials a request presents (an `Authorization: Bearer` API
//! token or the session cookie) and asks [`resolve`] who they belong to; it then hands every
//! use case a [`Caller`]. What the caller may do is decided in one place, [`crate::access`].
//!
//! Secrets (session cookies, API tokens, reset links) are 256 random bits shown once; the store
//! keeps only their SHA-256. Passwords are hashed with argon2id. An external identity provider
//! (OpenID Connect) would add a third way to resolve a [`Principal`] here and nothing else.

use crate::error::{AppError, ErrorKind};
use crate::words::Message;
use crate::App;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Utc};
use openpes_store::UserRecord;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Shortest and longest accepted password, in characters.
pub const PASSWORD_CHARS: (usize, usize) = (10, 200);

/// What a user is to the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Seeker,
    Employer,
    Caseworker,
    Analyst,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Seeker,
        Role::Employer,
        Role::Caseworker,
        Role::Analyst,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Seeker => "seeker",
            Role::Employer => "employer",
            Role::Caseworker => "caseworker",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// What an API token may be used for. A token never allows more than its user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    #[serde(rename = "seekers:read")]
    SeekersRead,
    #[serde(rename = "seekers:write")]
    SeekersWrite,
    #[serde(rename = "vacancies:write")]
    VacanciesWrite,
    #[serde(rename = "candidates:read")]
    CandidatesRead,
    #[serde(rename = "aggregates:read")]
    AggregatesRead,
    #[serde(rename = "audit:read")]
    AuditRead,
    #[serde(rename = "courses:write")]
    CoursesWrite,
    #[serde(rename = "admin")]
    Admin,
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Scope::SeekersRead,
        Scope::SeekersWrite,
        Scope::VacanciesWrite,
        Scope::CandidatesRead,
        Scope::AggregatesRead,
        Scope::AuditRead,
        Scope::CoursesWrite,
        Scope::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::SeekersRead => "seekers:read",
            Scope::SeekersWrite => "seekers:write",
            Scope::VacanciesWrite => "vacancies:write",
            Scope::CandidatesRead => "candidates:read",
            Scope::AggregatesRead => "aggregates:read",
            Scope::AuditRead => "audit:read",
            Scope::CoursesWrite => "courses:write",
            Scope::Admin => "admin",
        }
    }

    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// A signed-in account, as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub seeker_id: Option<String>,
    pub employer_id: Option<String>,
    pub office_id: Option<String>,
    pub language: String,
}

impl User {
    /// The account of a stored record; `None` for an unknown role (a corrupt row).
    pub fn of_record(record: UserRecord) -> Option<User> {
        Some(User {
            role: Role::parse(&record.role)?,
            id: record.id,
            email: record.email,
            display_name: record.display_name,
            seeker_id: record.seeker_id,
            employer_id: record.employer_id,
            office_id: record.office_id,
            language: record.language,
        })
    }
}

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A browser session; changes must carry this CSRF token.
    Session { csrf: String },
    /// An API token limited to these scopes.
    Token { id: String, scopes: Vec<Scope> },
}

/// A caller who proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: User,
    pub credential: Credential,
}

/// The caller of one request: who (if anyone) and the request id their actions are logged with.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Option<Arc<Principal>>,
    pub request_id: String,
}

impl Caller {
    /// The signed-in user, if any.
    pub fn user(&self) -> Option<&User> {
        self.principal.as_deref().map(|p| &p.user)
    }

    /// The session's CSRF token (for forms).
    pub fn csrf(&self) -> Option<&str> {
        match self.principal.as_deref().map(|p| &p.credential) {
            Some(Credential::Session { csrf }) => Some(csrf),
            _ => None,
        }
    }
}

/// A fresh 256-bit secret, hex-encoded.
pub fn new_secret() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal(&e))?;
    Ok(hex::encode(bytes))
}

/// The SHA-256 of a secret, as stored.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Checks a new password's length.
pub fn check_password_rules(password: &str) -> Result<(), AppError> {
    let chars = password.chars().count();
    let (min, max) = PASSWORD_CHARS;
    if chars < min || chars > max {
        return Err(AppError::new(
            ErrorKind::Invalid,
            Message::WeakPassword { min, max },
        ));
    }
    Ok(())
}

/// An argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AppError::internal(&e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::internal(&e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(&e))
}

/// Whether `password` matches a stored hash (false for a malformed hash).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A valid hash of no password anyone knows: verified against when the e-mail is unknown, so
/// that a wrong address takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        new_secret()
            .and_then(|s| hash_password(&s))
            .unwrap_or_default()
    })
}

/// A new session's cookie value and CSRF token.
pub struct NewSession {
    pub cookie_value: String,
    pub csrf: String,
    pub user: User,
}

/// Checks an e-mail address and password and opens a session. Argon2 runs on the blocking pool.
/// A locked address (see [`crate::lockout`]) is refused before its password is checked.
pub async fn login(
    state: &App,
    email: &str,
    password: &str,
    source: crate::lockout::Source,
) -> Result<NewSession, AppError> {
    if let Err(remaining) = state
        .lockout()
        .check(state.store(), email, source, state.now().into())
        .await?
    {
        return Err(account_locked(remaining));
    }
    let record = state.store().user_by_email(email).await?;
    let (hash, record) = match record {
        Some(r) if !r.disabled => (r.password_hash.clone(), Some(r)),
        _ => (decoy_hash().to_string(), None),
    };
    let password = password.to_string();
    let matches = crate::error::blocking(move || verify_password(&hash, &password)).await?;
    let user = match (matches, record) {
        (true, Some(record)) => User::of_record(record)
            .ok_or_else(|| AppError::internal(&"stored user has an unknown role"))?,
        _ => {
            if let Some(locked_for) = state
                .lockout()
                .failed(state.store(), email, source, state.now().into())
                .await?
            {
                tracing::warn!("sign-in locked after repeated wrong passwords");
                return Err(account_locked(locked_for));
            }
            return Err(AppError::new(
                ErrorKind::Unauthenticated,
                Message::BadCredentials,
            ));
        }
    };
    state
        .lockout()
        .succeeded(state.store(), email, source)
        .await?;
    open_session(state, user).await
}

/// 429 for a locked address, saying in whole minutes (rounded up) when to try again.
fn account_locked(remaining: std::time::Duration) -> AppError {
    let seconds = remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0);
    AppError::new(
        ErrorKind::TooManyAttempts,
        Message::AccountLocked {
            retry_after_secs: seconds.max(1),
        },
    )
}

/// Opens a session for a user who just proved who they are (login or registration).
pub async fn open_session(state: &App, user: User) -> Result<NewSession, AppError> {
    let cookie_value = new_secret()?;
    let csrf = new_secret()?;
    let now = state.now();
    state
        .store()
        .create_session(
            &digest(&cookie_value),
            &user.id,
            &csrf,
            now,
            now + Duration::hours(SESSION_HOURS),
        )
        .await?;
    Ok(NewSession {
        cookie_value,
        csrf,
        user,
    })
}

/// How long a resolved credential is reused without asking the database.
const CREDENTIAL_TTL: std::time::Duration = std::time::Duration::from_secs(1);
/// Most credentials remembered at once (the table is emptied when full).
const MAX_CACHED_CREDENTIALS: usize = 10_000;

/// Credentials resolved in the last second, so that a burst of requests with one token or
/// session reads the database once. Any change made through this node (every POST, PUT,
/// PATCH or DELETE: a sign-out, a revoked token, a disabled account, a reset password) empties
/// it at once; a change made through another node is seen within [`CREDENTIAL_TTL`].
#[derive(Default)]
pub struct CredentialCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, CachedCredential>>,
    /// Bumped by every change; an entry read before a change is not used after it.
    epoch: std::sync::atomic::AtomicU64,
}

struct CachedCredential {
    read_at: std::time::Instant,
    epoch: u64,
    principal: Principal,
}

impl CredentialCache {
    fn entries(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, CachedCredential>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::Acquire)
    }

    fn get(&self, key: &str) -> Option<Principal> {
        let epoch = self.epoch();
        self.entries()
            .get(key)
            .filter(|c| c.epoch == epoch && c.read_at.elapsed() < CREDENTIAL_TTL)
            .map(|c| c.principal.clone())
    }

    /// Remembers `principal`, read from the database when the epoch was `epoch`.
    fn put(&self, key: String, epoch: u64, principal: &Principal) {
        let mut entries = self.entries();
        if entries.len() >= MAX_CACHED_CREDENTIALS {
            entries.clear();
        }
        entries.insert(
            key,
            CachedCredential {
                read_at: std::time::Instant::now(),
                epoch,
                principal: principal.clone(),
            },
        );
    }

    /// Forgets every credential (something may have changed).
    pub fn invalidate(&self) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.entries().clear();
    }
}

/// The credentials a request presents.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    /// An API token (`Authorization: Bearer …`).
    pub bearer: Option<&'a str>,
    /// A session cookie's value.
    pub session: Option<&'a str>,
}

/// The caller behind presented credentials: from [`CredentialCache`] when they were resolved
/// in the last second, else from the database. A token that is not valid is an error; a
/// session that is not is no one.
pub async fn resolve(
    state: &App,
    presented: Presented<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, AppError> {
    let key = match (presented.bearer, presented.session) {
        (Some(token), _) => format!("t{}", digest(token)),
        (None, Some(cookie)) => format!("s{}", digest(cookie)),
        (None, None) => return Ok(None),
    };
    let cache = state.credentials();
    if let Some(principal) = cache.get(&key) {
        return Ok(Some(principal));
    }
    let epoch = cache.epoch();
    let principal = resolve_stored(state, presented, now).await?;
    if let Some(principal) = &principal {
        cache.put(key, epoch, principal);
    }
    Ok(principal)
}

async fn resolve_stored(
    state: &App,
    presented: Presented<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, AppError> {
    if let Some(token) = presented.bearer {
        let Some((record, token)) = state.store().api_token(&digest(token), state.now()).await?
        else {
            return Err(AppError::new(
                ErrorKind::Unauthenticated,
                Message::InvalidToken,
            ));
        };
        let user = User::of_record(record)
            .ok_or_else(|| AppError::internal(&"stored user has an unknown role"))?;
        let scopes = token
            .scopes
            .split_whitespace()
            .filter_map(Scope::parse)
            .collect();
        return Ok(Some(Principal {
            user,
            credential: Credential::Token {
                id: token.id,
                scopes,
            },
        }));
    }
    let Some(cookie) = presented.session else {
        return Ok(None);
    };
    let Some((record, csrf)) = state.store().session(&digest(cookie), now).await? else {
        return Ok(None);
    };
    Ok(User::of_record(record).map(|user| Principal {
        user,
        credential: Credential::Session { csrf },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").expect("hash");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "correct horse battery!"));
        assert!(!verify_password("not a hash", "correct horse battery"));
        let again = hash_password("correct horse battery").expect("hash");
        assert_ne!(hash, again, "every hash has its own salt");
    }

    #[test]
    fn secrets_are_random_and_digests_stable() {
        let a = new_secret().expect("secret");
        let b = new_secret().expect("secret");
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(digest(&a), digest(&a));
        assert_ne!(digest(&a), a);
    }

    #[test]
    fn roles_and_scopes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
