//! Who is calling: accounts, roles, sessions, API tokens and CSRF.
//!
//! The [`authenticate`] middleware runs once for every request. It resolves the caller from an
//! `Authorization: Bearer` API token or from the session cookie, checks the CSRF token of every
//! cookie-authenticated change (header `X-CSRF-Token`, or the `csrf` field of a form), and
//! leaves a [`Caller`] in the request's extensions for handlers to take. What the caller may
//! then do is decided in one place, [`crate::access`].
//!
//! Secrets (session cookies, API tokens, reset links) are 256 random bits shown once; the store
//! keeps only their SHA-256. Passwords are hashed with argon2id. An external identity provider
//! (OpenID Connect) would add a third way to resolve a [`Principal`] here and nothing else.

use crate::error::ApiError;
use crate::i18n::Message;
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use openpes_store::UserRecord;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "openpes_session";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;
/// Shortest and longest accepted password, in characters.
pub const PASSWORD_CHARS: (usize, usize) = (10, 200);

/// What a user is to the service.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
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
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
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

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned().unwrap_or(Caller {
            principal: None,
            request_id: request_id(parts.headers.get("x-request-id")),
        }))
    }
}

fn request_id(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// A fresh 256-bit secret, hex-encoded.
pub fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::internal(&e))?;
    Ok(hex::encode(bytes))
}

/// The SHA-256 of a secret, as stored.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Checks a new password's length.
pub fn check_password_rules(password: &str) -> Result<(), ApiError> {
    let chars = password.chars().count();
    let (min, max) = PASSWORD_CHARS;
    if chars < min || chars > max {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            Message::WeakPassword { min, max },
        ));
    }
    Ok(())
}

/// An argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::internal(&e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::internal(&e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(&e))
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
    state: &AppState,
    email: &str,
    password: &str,
    source: crate::lockout::Source,
) -> Result<NewSession, ApiError> {
    if let Err(remaining) = state
        .lockout()
        .check(state.store(), email, source, std::time::SystemTime::now())
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
    let matches =
        crate::routes::matching::blocking(move || verify_password(&hash, &password)).await?;
    let user = match (matches, record) {
        (true, Some(record)) => User::of_record(record)
            .ok_or_else(|| ApiError::internal(&"stored user has an unknown role"))?,
        _ => {
            if let Some(locked_for) = state
                .lockout()
                .failed(state.store(), email, source, std::time::SystemTime::now())
                .await?
            {
                tracing::warn!("sign-in locked after repeated wrong passwords");
                return Err(account_locked(locked_for));
            }
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
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
fn account_locked(remaining: std::time::Duration) -> ApiError {
    let seconds = remaining.as_secs() + u64::from(remaining.subsec_nanos() > 0);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        Message::AccountLocked {
            retry_after_secs: seconds.max(1),
        },
    )
}

/// Opens a session for a user who just proved who they are (login or registration).
pub async fn open_session(state: &AppState, user: User) -> Result<NewSession, ApiError> {
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

/// The `Set-Cookie` value that stores a session in the browser.
pub fn session_cookie(state: &AppState, value: &str) -> String {
    let secure = if state.security().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session cookie's value in a request, if any.
pub fn session_cookie_value(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
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
pub(crate) struct CredentialCache {
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
    pub(crate) fn invalidate(&self) {
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        self.entries().clear();
    }
}

/// The caller behind a request's credentials: from [`CredentialCache`] when it was resolved
/// in the last second, else from the database.
async fn resolve(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, ApiError> {
    let key = match (bearer(headers), session_cookie_value(headers)) {
        (Some(token), _) => format!("t{}", digest(token)),
        (None, Some(cookie)) => format!("s{}", digest(&cookie)),
        (None, None) => return Ok(None),
    };
    let cache = state.credentials();
    if let Some(principal) = cache.get(&key) {
        return Ok(Some(principal));
    }
    let epoch = cache.epoch();
    let principal = resolve_stored(state, headers, now).await?;
    if let Some(principal) = &principal {
        cache.put(key, epoch, principal);
    }
    Ok(principal)
}

async fn resolve_stored(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    now: DateTime<Utc>,
) -> Result<Option<Principal>, ApiError> {
    if let Some(token) = bearer(headers) {
        let Some((record, token)) = state.store().api_token(&digest(token), state.now()).await?
        else {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                Message::InvalidToken,
            ));
        };
        let user = User::of_record(record)
            .ok_or_else(|| ApiError::internal(&"stored user has an unknown role"))?;
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
    let Some(cookie) = session_cookie_value(headers) else {
        return Ok(None);
    };
    let Some((record, csrf)) = state.store().session(&digest(&cookie), now).await? else {
        return Ok(None);
    };
    Ok(User::of_record(record).map(|user| Principal {
        user,
        credential: Credential::Session { csrf },
    }))
}

/// Largest form body read to find its `csrf` field.
const MAX_FORM_BYTES: usize = 1 << 20;

/// Middleware: resolves the caller, enforces CSRF on cookie-authenticated changes, and puts
/// the [`Caller`] into the request's extensions.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_id = request_id(request.headers().get("x-request-id"));
    let principal = match resolve(&state, request.headers(), state.now()).await {
        Ok(principal) => principal,
        Err(error) => return error.into_response(),
    };
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let mut request = request;
    if let Some(Principal {
        credential: Credential::Session { csrf },
        ..
    }) = &principal
    {
        if unsafe_method {
            match csrf_of(request).await {
                Ok((given, rebuilt)) if given.as_deref() == Some(csrf.as_str()) => {
                    request = rebuilt
                }
                Ok(_) => {
                    return ApiError::new(StatusCode::FORBIDDEN, Message::CsrfMismatch)
                        .into_response()
                }
                Err(response) => return response,
            }
        }
    }
    request.extensions_mut().insert(Caller {
        principal: principal.map(Arc::new),
        request_id,
    });
    let response = next.run(request).await;
    if unsafe_method {
        // Whatever it changed (a session, a token, an account), no remembered credential
        // outlives it on this node.
        state.credentials().invalidate();
    }
    response
}

/// The CSRF token a request carries, and the request rebuilt (its body may have been read).
async fn csrf_of(request: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(value) = request.headers().get("x-csrf-token") {
        let given = value.to_str().ok().map(str::to_string);
        return Ok((given, request));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    if !content_type.starts_with("application/x-www-form-urlencoded") && !multipart {
        return Ok((None, request));
    }
    let limit = if multipart {
        crate::MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (parts, body) = request.into_parts();
    let too_large =
        || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Message::PayloadTooLarge).into_response();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    let given = if multipart {
        multipart_field(&content_type, bytes.clone(), "csrf").await
    } else {
        form_urlencoded_field(&bytes, "csrf")
    };
    Ok((given, Request::from_parts(parts, Body::from(bytes))))
}

/// The text of the first part named `name` of a multipart form (file uploads).
async fn multipart_field(
    content_type: &str,
    body: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    use axum::extract::FromRequest;
    let probe = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .ok()?;
    let mut form = axum::extract::Multipart::from_request(probe, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// The first value of `name` in a URL-encoded form body.
fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
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
    fn csrf_field_is_read_from_forms() {
        assert_eq!(
            form_urlencoded_field(b"a=1&csrf=abc%20d&b=2", "csrf").as_deref(),
            Some("abc d")
        );
        assert_eq!(form_urlencoded_field(b"a=1", "csrf"), None);
        assert_eq!(form_urlencoded_field(b"%%%", "csrf"), None);
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; openpes_session=abc123; x=y"),
        );
        assert_eq!(session_cookie_value(&headers).as_deref(), Some("abc123"));
        headers.insert(header::COOKIE, HeaderValue::from_static("openpes_session="));
        assert_eq!(session_cookie_value(&headers), None);
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
