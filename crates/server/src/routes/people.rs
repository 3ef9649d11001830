//! People and access over the API: registration (finished through a confirmation link sent to
//! the address, so that registering never tells whether an address has an account), login and
//! logout, password reset through the outbox, one's own account and API tokens, a seeker's
//! consent and the audit of their record, caseloads and case notes, administration (users,
//! offices, caseloads, the audit log, the outbox) and aggregate statistics for analysts.
//!
//! The operations are `pub(crate)` functions so that the web pages call the very same code.

use crate::access::{self, Action};
use crate::auth::{self, Caller, NewSession, Role, Scope, User};
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::Message;
use crate::routes::matching::body;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use openpes_app::people as accounts;
use openpes_app::people::signed_in;
pub use openpes_app::people::{
    administrator_exists, create_administrator, demo_accounts_enabled, disable_demo_accounts,
    empty_seeker, ensure_demo_accounts, now_text, provision_service_account,
    real_administrator_exists, scopes_of, DEMO_ACCOUNTS, DEMO_DOMAIN,
};
use openpes_store::{ApiTokenRecord, AuditFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

fn invalid_field(field: &str, message: &str) -> ApiError {
    accounts::invalid_field(field, message).into()
}

/// An account as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[schema(value_type = crate::dto::schema::Role)]
    pub role: Role,
    pub seeker_id: Option<String>,
    pub employer_id: Option<String>,
    pub office_id: Option<String>,
    pub language: String,
}

impl From<&User> for AccountView {
    fn from(u: &User) -> Self {
        AccountView {
            id: u.id.clone(),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: u.role,
            seeker_id: u.seeker_id.clone(),
            employer_id: u.employer_id.clone(),
            office_id: u.office_id.clone(),
            language: u.language.clone(),
        }
    }
}

/// The signed-in account and, for a browser session, the CSRF token its changes must carry.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: AccountView,
    /// Send as `X-CSRF-Token` with every change made through the session cookie.
    pub csrf_token: Option<String>,
}

fn with_cookie(state: &AppState, session: NewSession, status: StatusCode) -> Response {
    let cookie = auth::session_cookie(state, &session.cookie_value);
    let view = SessionView {
        user: AccountView::from(&session.user),
        csrf_token: Some(session.csrf),
    };
    (status, [(header::SET_COOKIE, cookie)], Json(view)).into_response()
}

/// A new account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    /// `seeker` or `employer` (other roles are created by an administrator).
    #[schema(value_type = crate::dto::schema::Role)]
    pub role: Role,
    /// For an employer: the organisation's name.
    #[serde(default)]
    pub organisation: Option<String>,
    /// For an employer: its business registration number (統一編號), shown to the staff who
    /// verify the organisation (its checksum is evidence, not an approval).
    #[serde(default)]
    pub registration_number: Option<String>,
    /// `zh-TW` (default) or `en`.
    #[serde(default)]
    pub language: Option<String>,
}

pub use openpes_app::registration::{
    REGISTRATION_HOURS, REGISTRATION_PASSWORD_ATTEMPTS, RESET_HOURS,
};

impl From<Registration> for openpes_app::registration::Registration {
    fn from(form: Registration) -> Self {
        openpes_app::registration::Registration {
            email: form.email,
            password: form.password,
            display_name: form.display_name,
            role: form.role,
            organisation: form.organisation,
            registration_number: form.registration_number,
            language: form.language,
        }
    }
}

/// Starts a self-registration (see [`openpes_app::registration::register`]); returns the
/// confirmation link's secret for a demo server's page.
pub(crate) async fn register(
    state: &AppState,
    form: Registration,
) -> Result<Option<String>, ApiError> {
    Ok(openpes_app::registration::register(state, form.into()).await?)
}

/// What a confirmation link would create (read only), or 410.
pub(crate) async fn pending_registration(
    state: &AppState,
    token: &str,
) -> Result<openpes_store::PendingRegistration, ApiError> {
    Ok(openpes_app::registration::pending_registration(state, token).await?)
}

/// Finishes a registration with its link and the password chosen when registering.
pub(crate) async fn confirm_registration(
    state: &AppState,
    token: &str,
    password: &str,
) -> Result<NewSession, ApiError> {
    Ok(openpes_app::registration::confirm_registration(state, token, password).await?)
}

/// Sends a password-reset link when the address has an enabled account (nothing otherwise).
pub(crate) async fn request_reset(state: &AppState, email: &str) -> Result<(), ApiError> {
    Ok(openpes_app::registration::request_reset(state, email).await?)
}

/// Sets a new password with a reset link's token.
pub(crate) async fn confirm_reset(
    state: &AppState,
    form: &ResetConfirmation,
) -> Result<(), ApiError> {
    Ok(openpes_app::registration::confirm_reset(state, &form.token, &form.password).await?)
}

/// The answer to a registration: the same whether or not the address has an account.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationAccepted {
    /// Always `confirmation_sent`: a message went to the address (a confirmation link, or a
    /// notice when the address already has an account).
    pub status: String,
}

/// Register as a job seeker or an employer. A message goes to the address: a confirmation link
/// (valid 24 hours; `POST /api/v1/auth/register/confirm` finishes the registration), or, when the
/// address has an account, a notice to its owner. The answer is the same either way, so that it
/// does not tell whether an address has an account.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "people", request_body = Registration,
    responses((status = 202, description = "A message was sent to the address", body = RegistrationAccepted),
        (status = 422, description = "Invalid fields", body = crate::error::Problem)))]
pub async fn register_api(
    State(state): State<AppState>,
    form: Result<Json<Registration>, JsonRejection>,
) -> Result<Response, ApiError> {
    register(&state, body(form)?).await?;
    let accepted = RegistrationAccepted {
        status: "confirmation_sent".to_string(),
    };
    Ok((StatusCode::ACCEPTED, Json(accepted)).into_response())
}

/// The secret of a registration's confirmation link (its `token=` parameter) and the password
/// chosen when registering.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationConfirmation {
    pub token: String,
    pub password: String,
}

/// Finish a registration with the token of its confirmation link and the password chosen when
/// registering (once): creates the account and signs in (sets the session cookie). A wrong
/// password is refused and the link keeps working; after 5 wrong passwords the registration is
/// removed.
#[utoipa::path(post, path = "/api/v1/auth/register/confirm", tag = "people",
    request_body = RegistrationConfirmation,
    responses((status = 201, description = "Registered and signed in", body = SessionView),
        (status = 422, description = "Not the password chosen when registering (`wrong_registration_password`); the link still works",
            body = crate::error::Problem),
        (status = 410, description = "Unknown, used or expired link, too many wrong passwords (`registration_attempts_used`), or the address has an account meanwhile",
            body = crate::error::Problem)))]
pub async fn confirm_registration_api(
    State(state): State<AppState>,
    form: Result<Json<RegistrationConfirmation>, JsonRejection>,
) -> Result<Response, ApiError> {
    let form = body(form)?;
    let session = confirm_registration(&state, &form.token, &form.password).await?;
    Ok(with_cookie(&state, session, StatusCode::CREATED))
}

/// E-mail address and password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Signs in; logs the login to the audit log.
pub(crate) async fn login(
    state: &AppState,
    request_id: &str,
    client: crate::rate_limit::ClientAddress,
    credentials: &Credentials,
) -> Result<NewSession, ApiError> {
    let source = crate::lockout::Source::of(client.0);
    let session = auth::login(state, &credentials.email, &credentials.password, source).await;
    let session = match session {
        Ok(session) => session,
        Err(error) => {
            tracing::warn!("failed login");
            return Err(error.into());
        }
    };
    let caller = openpes_app::auth::Caller {
        principal: Some(std::sync::Arc::new(auth::Principal {
            user: session.user.clone(),
            credential: auth::Credential::Session {
                csrf: session.csrf.clone(),
            },
        })),
        request_id: request_id.to_string(),
    };
    let user = &session.user;
    access::record(
        state,
        &caller,
        "login",
        "user",
        &user.id,
        user.seeker_id.as_deref(),
        "sign in",
    )
    .await?;
    Ok(session)
}

/// Sign in with e-mail and password (sets the session cookie).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "people", request_body = Credentials,
    responses((status = 200, description = "Signed in", body = SessionView),
        (status = 401, description = "Wrong e-mail or password", body = crate::error::Problem)))]
pub async fn login_api(
    State(state): State<AppState>,
    caller: Caller,
    client: crate::rate_limit::ClientAddress,
    credentials: Result<Json<Credentials>, JsonRejection>,
) -> Result<Response, ApiError> {
    let session = login(&state, &caller.request_id, client, &body(credentials)?).await?;
    Ok(with_cookie(&state, session, StatusCode::OK))
}

/// Ends the session of a request (no-op without one).
pub(crate) async fn logout(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(cookie) = auth::session_cookie_value(headers) {
        state.store().delete_session(&auth::digest(&cookie)).await?;
    }
    Ok(())
}

/// Sign out (ends the session and clears the cookie).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "people",
    responses((status = 204, description = "Signed out")))]
pub async fn logout_api(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    logout(&state, &headers).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::cleared_session_cookie())],
    )
        .into_response())
}

/// Who to send a reset link to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub email: String,
}

/// Ask for a password-reset link (sent through the outbox). Always 202, so that the answer does
/// not tell whether an address has an account.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "people", request_body = ResetRequest,
    responses((status = 202, description = "A link was sent if the address has an account")))]
pub async fn request_reset_api(
    State(state): State<AppState>,
    form: Result<Json<ResetRequest>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    request_reset(&state, &body(form)?.email).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A reset link's token and the new password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirmation {
    pub token: String,
    pub password: String,
}

/// Set a new password with the token of a reset link.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "people",
    request_body = ResetConfirmation,
    responses((status = 204, description = "Password changed"),
        (status = 400, description = "Unknown, used or expired link", body = crate::error::Problem)))]
pub async fn confirm_reset_api(
    State(state): State<AppState>,
    form: Result<Json<ResetConfirmation>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    confirm_reset(&state, &body(form)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "people",
    responses((status = 200, description = "The account", body = SessionView),
        (status = 401, description = "Not signed in", body = crate::error::Problem)))]
pub async fn me(caller: Caller) -> Result<Json<SessionView>, ApiError> {
    let user = signed_in(&caller)?;
    Ok(Json(SessionView {
        user: AccountView::from(user),
        csrf_token: caller.csrf().map(str::to_string),
    }))
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    pub name: String,
    #[schema(value_type = Vec<crate::dto::schema::Scope>)]
    pub scopes: Vec<Scope>,
}

/// A token as listed (the secret is shown only once, at creation).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// When the token stops working (`[server] api_token_days` after it was made).
    pub expires_at: Option<String>,
    /// Only in the answer that created it: send as `Authorization: Bearer …`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl From<ApiTokenRecord> for TokenView {
    fn from(t: ApiTokenRecord) -> Self {
        TokenView {
            id: t.id,
            name: t.name,
            scopes: t.scopes.split_whitespace().map(str::to_string).collect(),
            created_at: t.created_at,
            revoked_at: t.revoked_at,
            expires_at: t.expires_at,
            token: None,
        }
    }
}

impl From<&NewToken> for accounts::NewToken {
    fn from(form: &NewToken) -> Self {
        accounts::NewToken {
            name: form.name.clone(),
            scopes: form.scopes.clone(),
        }
    }
}

/// Creates an API token for the signed-in user with scopes their role allows; the view
/// carries the secret this once.
pub(crate) async fn create_token(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    form: &NewToken,
) -> Result<TokenView, ApiError> {
    let (record, secret) = accounts::create_token(state, caller, &form.into()).await?;
    let mut view = TokenView::from(record);
    view.token = Some(secret);
    Ok(view)
}

/// Create an API token (session only; a token cannot mint tokens). The secret is in this
/// answer only.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "people", request_body = NewToken,
    responses((status = 201, description = "Created", body = TokenView),
        (status = 422, description = "Scopes beyond the role", body = crate::error::Problem)))]
pub async fn create_token_api(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Json<NewToken>, JsonRejection>,
) -> Result<(StatusCode, Json<TokenView>), ApiError> {
    access::require_signed_in(&caller)?;
    let view = create_token(&state, &caller, &body(form)?).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One's API tokens, newest first.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "people",
    responses((status = 200, description = "Tokens", body = [TokenView])))]
pub async fn list_tokens_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    access::authorize_system(&caller, Action::ManageOwnTokens)?;
    let user = signed_in(&caller)?;
    let tokens = state.store().api_tokens_of(&user.id).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Revoke one of one's API tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "people",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204, description = "Revoked"),
        (status = 404, description = "No such live token", body = crate::error::Problem)))]
pub async fn revoke_token_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    access::authorize_system(&caller, Action::ManageOwnTokens)?;
    let user = signed_in(&caller)?;
    if !state
        .store()
        .revoke_api_token(&user.id, &id, state.now())
        .await?
    {
        return Err(ApiError::not_found(Message::RecordNotFound {
            kind: "token",
            id,
        }));
    }
    access::record(&state, &caller, "delete", "token", &id, None, "API token").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A seeker's consent.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Employers may find this seeker among candidates.
    pub findable: bool,
    /// The service may use this record to reach out with offers and programmes.
    pub outreach: bool,
}

/// Sets a seeker's consent (the seeker alone may).
pub(crate) async fn set_consent(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    consent: Consent,
) -> Result<Consent, ApiError> {
    let purpose = format!(
        "consent findable={} outreach={}",
        consent.findable, consent.outreach
    );
    access::authorize_seeker(state, caller, Action::ChangeConsent, seeker_id, &purpose).await?;
    let mut seeker = state
        .store()
        .seeker(seeker_id)
        .await?
        .ok_or_else(|| crate::routes::matching::not_found("seeker", seeker_id))?;
    seeker.searchable = consent.findable;
    seeker.outreach = consent.outreach;
    state.store().put_seeker(&seeker, state.now()).await?;
    crate::routes::matching::index_seeker(state, &seeker).await?;
    Ok(consent)
}

/// Set whether employers may find the seeker and whether outreach may use their data. Only the
/// seeker may.
#[utoipa::path(put, path = "/api/v1/seekers/{id}/consent", tag = "people", request_body = Consent,
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "Stored", body = Consent),
        (status = 403, description = "Not the seeker", body = crate::error::Problem)))]
pub async fn consent_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    consent: Result<Json<Consent>, JsonRejection>,
) -> Result<Json<Consent>, ApiError> {
    access::require_signed_in(&caller)?;
    Ok(Json(
        set_consent(&state, &caller, &id, body(consent)?).await?,
    ))
}

/// One audit entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub seq: i64,
    pub at: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub seeker_id: Option<String>,
    pub purpose: String,
    pub request_id: String,
}

/// A page of the audit log, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditView>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<i64>,
}

/// Audit query.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries about this seeker.
    pub seeker: Option<String>,
    /// Only entries by this user.
    pub actor: Option<String>,
    /// Only this action (`read`, `update`, `login`, `denied read`, …).
    pub action: Option<String>,
    /// Only entries at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Cursor: entries older than this `seq`.
    pub before: Option<i64>,
    /// Page size (default 50, at most 200).
    pub limit: Option<i64>,
}

/// Audit entries on one page by default, and at most.
const AUDIT_PAGE: i64 = 50;
const MAX_AUDIT_PAGE: i64 = 200;

pub(crate) async fn audit_page(
    state: &AppState,
    query: &AuditQuery,
) -> Result<AuditPage, ApiError> {
    let limit = query.limit.unwrap_or(AUDIT_PAGE).clamp(1, MAX_AUDIT_PAGE);
    let filter = AuditFilter {
        seeker_id: query.seeker.clone().filter(|s| !s.is_empty()),
        actor_id: query.actor.clone().filter(|s| !s.is_empty()),
        action: query.action.clone().filter(|s| !s.is_empty()),
        since: query.since.clone().filter(|s| !s.is_empty()),
        before: query.before,
        limit: limit + 1,
    };
    let mut entries = state.store().audit(&filter).await?;
    let next = if entries.len() as i64 > limit {
        entries.truncate(limit as usize);
        entries.last().map(|e| e.seq)
    } else {
        None
    };
    Ok(AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditView {
                seq: e.seq,
                at: e.at,
                actor_id: e.entry.actor_id,
                actor_role: e.entry.actor_role,
                action: e.entry.action,
                subject_kind: e.entry.subject_kind,
                subject_id: e.entry.subject_id,
                seeker_id: e.entry.seeker_id,
                purpose: e.entry.purpose,
                request_id: e.entry.request_id,
            })
            .collect(),
        next,
    })
}

/// Who read or changed a seeker's record: for the seeker themself (and administrators).
#[utoipa::path(get, path = "/api/v1/seekers/{id}/audit", tag = "people",
    params(("id" = String, Path, description = "Seeker id"), AuditQuery),
    responses((status = 200, description = "Entries, newest first", body = AuditPage),
        (status = 403, description = "Not the seeker", body = crate::error::Problem)))]
pub async fn seeker_audit_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(mut query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    access::authorize_seeker(
        &state,
        &caller,
        Action::ReadSeekerAudit,
        &id,
        "read own audit",
    )
    .await?;
    query.seeker = Some(id);
    query.actor = None;
    Ok(Json(audit_page(&state, &query).await?))
}

/// Search the whole audit log (administrators).
#[utoipa::path(get, path = "/api/v1/audit", tag = "people", params(AuditQuery),
    responses((status = 200, description = "Entries, newest first", body = AuditPage),
        (status = 403, description = "Not an administrator", body = crate::error::Problem)))]
pub async fn audit_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    access::authorize_system(&caller, Action::SearchAudit)?;
    Ok(Json(audit_page(&state, &query).await?))
}

/// A case note.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

/// A note to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    pub body: String,
}

pub(crate) async fn notes(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
) -> Result<Vec<NoteView>, ApiError> {
    access::authorize_seeker(
        state,
        caller,
        Action::ManageCase,
        seeker_id,
        "read case notes",
    )
    .await?;
    Ok(state
        .store()
        .case_notes(seeker_id)
        .await?
        .into_iter()
        .map(|n| NoteView {
            id: n.id,
            author: n.author_name,
            body: n.body,
            created_at: n.created_at,
        })
        .collect())
}

pub(crate) async fn add_note(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    seeker_id: &str,
    text: &str,
) -> Result<i64, ApiError> {
    let text = text.trim();
    if text.is_empty() || text.len() > 10_000 {
        return Err(invalid_field("body", "needs 1 to 10000 bytes"));
    }
    access::authorize_seeker(
        state,
        caller,
        Action::ManageCase,
        seeker_id,
        "write case note",
    )
    .await?;
    let user = signed_in(caller)?;
    if state.store().seeker(seeker_id).await?.is_none() {
        return Err(crate::routes::matching::not_found("seeker", seeker_id));
    }
    Ok(state
        .store()
        .add_case_note(seeker_id, &user.id, text, state.now())
        .await?)
}

/// A seeker's case notes, newest first (their caseworker and administrators).
#[utoipa::path(get, path = "/api/v1/seekers/{id}/notes", tag = "people",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "Notes", body = [NoteView]),
        (status = 403, description = "Not in the caller's caseload", body = crate::error::Problem)))]
pub async fn notes_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<NoteView>>, ApiError> {
    Ok(Json(notes(&state, &caller, &id).await?))
}

/// Add a case note.
#[utoipa::path(post, path = "/api/v1/seekers/{id}/notes", tag = "people", request_body = NewNote,
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 201, description = "Added"),
        (status = 403, description = "Not in the caller's caseload", body = crate::error::Problem)))]
pub async fn add_note_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    note: Result<Json<NewNote>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::require_signed_in(&caller)?;
    add_note(&state, &caller, &id, &body(note)?.body).await?;
    Ok(StatusCode::CREATED)
}

/// One seeker of a caseload.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseloadEntry {
    pub seeker_id: String,
    pub name: Option<String>,
    pub place: Option<String>,
    pub skills: usize,
    pub findable: bool,
    pub pending_suggestions: usize,
}

/// The signed-in caseworker's caseload, each seeker's reading logged to the audit log.
pub(crate) async fn caseload(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
) -> Result<Vec<CaseloadEntry>, ApiError> {
    let user = signed_in(caller)?;
    if user.role != Role::Caseworker {
        return Err(ApiError::new(StatusCode::FORBIDDEN, Message::Forbidden));
    }
    let mut out = Vec::new();
    for seeker_id in state.store().caseload(&user.id).await? {
        access::authorize_seeker(
            state,
            caller,
            Action::ReadSeeker,
            &seeker_id,
            "caseload list",
        )
        .await?;
        let seeker = state.store().seeker(&seeker_id).await?;
        let account = state.store().user_of_seeker(&seeker_id).await?;
        out.push(CaseloadEntry {
            name: account.map(|a| a.display_name),
            place: seeker.as_ref().and_then(|s| s.place.clone()),
            skills: seeker.as_ref().map_or(0, |s| s.skills.len()),
            findable: seeker.as_ref().is_some_and(|s| s.searchable),
            pending_suggestions: seeker.as_ref().map_or(0, |s| s.suggestions.len()),
            seeker_id,
        });
    }
    Ok(out)
}

/// The signed-in caseworker's caseload.
#[utoipa::path(get, path = "/api/v1/caseload", tag = "people",
    responses((status = 200, description = "Seekers of the caseload", body = [CaseloadEntry]),
        (status = 403, description = "Not a caseworker", body = crate::error::Problem)))]
pub async fn caseload_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<CaseloadEntry>>, ApiError> {
    Ok(Json(caseload(&state, &caller).await?))
}

/// An account an administrator creates.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub display_name: String,
    #[schema(value_type = crate::dto::schema::Role)]
    pub role: Role,
    #[serde(default)]
    pub seeker_id: Option<String>,
    #[serde(default)]
    pub employer_id: Option<String>,
    #[serde(default)]
    pub office_id: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

impl From<NewAccount> for accounts::NewAccount {
    fn from(form: NewAccount) -> Self {
        accounts::NewAccount {
            email: form.email,
            password: form.password,
            display_name: form.display_name,
            role: form.role,
            seeker_id: form.seeker_id,
            employer_id: form.employer_id,
            office_id: form.office_id,
            language: form.language,
        }
    }
}

/// Creates any account (administrators; the checks and the audit are the application's).
pub(crate) async fn create_account(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    form: NewAccount,
) -> Result<User, ApiError> {
    Ok(accounts::create_account(state, caller, form.into()).await?)
}

/// Accounts query.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Only this role.
    #[param(value_type = Option<crate::dto::schema::Role>)]
    pub role: Option<Role>,
}

/// Every account, by e-mail (administrators).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "people", params(UsersQuery),
    responses((status = 200, description = "Accounts", body = [AccountView])))]
pub async fn users_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<Json<Vec<AccountView>>, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let users = state.store().users(query.role.map(Role::as_str)).await?;
    Ok(Json(
        users
            .into_iter()
            .filter_map(User::of_record)
            .map(|u| AccountView::from(&u))
            .collect(),
    ))
}

/// Create an account of any role (administrators).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "people", request_body = NewAccount,
    responses((status = 201, description = "Created", body = AccountView),
        (status = 409, description = "E-mail taken", body = crate::error::Problem)))]
pub async fn create_user_api(
    State(state): State<AppState>,
    caller: Caller,
    form: Result<Json<NewAccount>, JsonRejection>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let user = create_account(&state, &caller, body(form)?).await?;
    Ok((StatusCode::CREATED, Json(AccountView::from(&user))))
}

/// Whether an account is disabled.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Disabled {
    pub disabled: bool,
}

/// Disable (ending its sessions) or enable an account (administrators).
#[utoipa::path(put, path = "/api/v1/admin/users/{id}/disabled", tag = "people", request_body = Disabled,
    params(("id" = String, Path, description = "User id")),
    responses((status = 204, description = "Stored"),
        (status = 404, description = "No such user", body = crate::error::Problem)))]
pub async fn disable_user_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<Disabled>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let form = body(form)?;
    if form.disabled {
        // The service must keep someone who can administer it.
        let admins = state.store().users(Some(Role::Admin.as_str())).await?;
        let target_is_admin = admins.iter().any(|u| u.id == id && !u.disabled);
        let others = admins.iter().filter(|u| u.id != id && !u.disabled).count();
        if target_is_admin && others == 0 {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                Message::LastAdministrator,
            ));
        }
    }
    if !state.store().set_user_disabled(&id, form.disabled).await? {
        return Err(ApiError::not_found(Message::RecordNotFound {
            kind: "user",
            id,
        }));
    }
    let action = if form.disabled { "disable" } else { "enable" };
    access::record(&state, &caller, action, "user", &id, None, "administration").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caseworker to hold a seeker.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub caseworker: String,
}

/// Put a seeker into a caseworker's caseload (administrators).
#[utoipa::path(put, path = "/api/v1/admin/caseload/{seeker}", tag = "people", request_body = Assignment,
    params(("seeker" = String, Path, description = "Seeker id")),
    responses((status = 204, description = "Assigned"),
        (status = 422, description = "Not a caseworker or no such seeker", body = crate::error::Problem)))]
pub async fn assign_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(seeker): ApiPath<String>,
    form: Result<Json<Assignment>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let form = body(form)?;
    let is_caseworker = state
        .store()
        .user(&form.caseworker)
        .await?
        .is_some_and(|u| u.role == Role::Caseworker.as_str());
    if !is_caseworker {
        return Err(invalid_field("caseworker", "names no caseworker"));
    }
    if state.store().seeker(&seeker).await?.is_none() {
        return Err(crate::routes::matching::not_found("seeker", &seeker));
    }
    state
        .store()
        .assign_caseworker(&seeker, &form.caseworker, state.now())
        .await?;
    let purpose = format!("assigned to caseworker {}", form.caseworker);
    access::record(
        &state,
        &caller,
        "update",
        "caseload",
        &seeker,
        Some(&seeker),
        &purpose,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An office.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeView {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

/// Every office (administrators).
#[utoipa::path(get, path = "/api/v1/admin/offices", tag = "people",
    responses((status = 200, description = "Offices", body = [OfficeView])))]
pub async fn offices_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OfficeView>>, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let offices = state.store().offices().await?;
    Ok(Json(
        offices
            .into_iter()
            .map(|o| OfficeView {
                id: o.id,
                name_zh: o.name_zh,
                name_en: o.name_en,
            })
            .collect(),
    ))
}

/// Add or rename an office (administrators).
#[utoipa::path(put, path = "/api/v1/admin/offices/{id}", tag = "people", request_body = OfficeView,
    params(("id" = String, Path, description = "Office id")),
    responses((status = 204, description = "Stored")))]
pub async fn put_office_api(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    form: Result<Json<OfficeView>, JsonRejection>,
) -> Result<StatusCode, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let form = body(form)?;
    crate::routes::matching::same_id(&id, &form.id)?;
    if form.name_zh.trim().is_empty() || form.name_en.trim().is_empty() {
        return Err(invalid_field("name_zh", "both names are needed"));
    }
    state
        .store()
        .put_office(&openpes_store::Office {
            id: form.id,
            name_zh: form.name_zh,
            name_en: form.name_en,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An outbox message.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxView {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
}

/// The newest outbox messages (administrators; stands in for a mail server).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "people",
    responses((status = 200, description = "Messages, newest first", body = [OutboxView])))]
pub async fn outbox_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<OutboxView>>, ApiError> {
    access::authorize_system(&caller, Action::Administer)?;
    let messages = state.store().outbox(100).await?;
    access::record(
        &state,
        &caller,
        "read",
        "outbox",
        "all",
        None,
        "administration",
    )
    .await?;
    Ok(Json(
        messages
            .into_iter()
            .map(|m| OutboxView {
                id: m.id,
                recipient: m.recipient,
                subject: m.subject,
                body: m.body,
                created_at: m.created_at,
            })
            .collect(),
    ))
}
