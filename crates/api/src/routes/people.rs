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
use crate::routes::matching::body;
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
pub use openpes_app::audit::{AuditPage, AuditView};
pub use openpes_app::casework::{CaseloadEntry, Consent, NewNote, NoteView};
use openpes_app::people as accounts;
use openpes_app::people::signed_in;
pub use openpes_app::people::{
    administrator_exists, create_administrator, demo_accounts_enabled, disable_demo_accounts,
    empty_seeker, ensure_demo_accounts, now_text, provision_service_account,
    real_administrator_exists, scopes_of, DEMO_ACCOUNTS, DEMO_DOMAIN,
};
use openpes_app::{administration, audit, casework};
use openpes_store::ApiTokenRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
    let credentials = body(credentials)?;
    let session = accounts::login(
        &state,
        &caller.request_id,
        crate::lockout::Source::of(client.0),
        &credentials.email,
        &credentials.password,
    )
    .await?;
    Ok(with_cookie(&state, session, StatusCode::OK))
}

/// Sign out (ends the session and clears the cookie).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "people",
    responses((status = 204, description = "Signed out")))]
pub async fn logout_api(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let session = auth::session_cookie_value(&headers);
    accounts::logout(&state, session.as_deref()).await?;
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
    let tokens = administration::own_tokens(&state, &caller).await?;
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
    administration::revoke_own_token(&state, &caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
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
        casework::set_consent(&state, &caller, &id, body(consent)?).await?,
    ))
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

impl AuditQuery {
    /// The search the parameters describe.
    pub fn search(&self) -> audit::AuditSearch {
        audit::AuditSearch {
            seeker: self.seeker.clone(),
            actor: self.actor.clone(),
            action: self.action.clone(),
            since: self.since.clone(),
            before: self.before,
            limit: self.limit,
        }
    }
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
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(
        audit::seeker_audit(&state, &caller, &id, &query.search()).await?,
    ))
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
    Ok(Json(
        audit::search_audit(&state, &caller, &query.search()).await?,
    ))
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
    Ok(Json(casework::notes(&state, &caller, &id).await?))
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
    casework::add_note(&state, &caller, &id, &body(note)?.body).await?;
    Ok(StatusCode::CREATED)
}

/// The signed-in caseworker's caseload.
#[utoipa::path(get, path = "/api/v1/caseload", tag = "people",
    responses((status = 200, description = "Seekers of the caseload", body = [CaseloadEntry]),
        (status = 403, description = "Not a caseworker", body = crate::error::Problem)))]
pub async fn caseload_api(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<CaseloadEntry>>, ApiError> {
    Ok(Json(casework::caseload(&state, &caller).await?))
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
    let users = administration::users(&state, &caller, query.role).await?;
    Ok(Json(users.iter().map(AccountView::from).collect()))
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
    accounts::set_user_disabled(&state, &caller, &id, form.disabled).await?;
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
    administration::assign_caseworker(&state, &caller, &seeker, &form.caseworker).await?;
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
    let offices = administration::offices(&state, &caller).await?;
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
    let office = openpes_store::Office {
        id: form.id,
        name_zh: form.name_zh,
        name_en: form.name_en,
    };
    administration::put_office(&state, &caller, office).await?;
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
    let messages = administration::outbox(&state, &caller, 100).await?;
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
