//! People's accounts as use cases: creating accounts (by an administrator, the demo set-up,
//! or the command line), API tokens, and the first-run seeding of a demo database. Every
//! creation is audited; passwords are kept only as argon2id hashes.
//!
//! Demo mode is explicit: only a start with `--demo` calls [`ensure_demo_accounts`], and a
//! database with a real administrator is never given demo accounts (see the CLI's `serve`).

use crate::access::{self, Action};
use crate::auth::{self, Caller, Role, Scope, User};
use crate::error::{AppError, ErrorKind};
use crate::words::Message;
use crate::App;
use chrono::SecondsFormat;
use openpes_matching::{Employer, Seeker};
use openpes_store::{ApiTokenRecord, NewAuditEntry, Store, UserRecord};

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub seeker_id: Option<String>,
    pub employer_id: Option<String>,
    pub office_id: Option<String>,
    pub language: Option<String>,
}

/// An API token to create.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub name: String,
    pub scopes: Vec<Scope>,
}

/// Stores a new account; a taken e-mail address is a 409.
pub async fn store_user(state: &App, record: &UserRecord) -> Result<(), AppError> {
    state
        .store()
        .create_user(record)
        .await
        .map_err(|e| match e {
            openpes_store::StoreError::Conflict(_) => {
                AppError::new(ErrorKind::Conflict, Message::EmailTaken)
            }
            other => other.into(),
        })
}

pub fn now_text(state: &App) -> String {
    state.now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn short_id(prefix: &str) -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}-{}", &id[..12])
}

pub fn invalid_field(field: &str, message: &str) -> AppError {
    AppError::new(
        ErrorKind::Invalid,
        Message::InvalidRecord(vec![(field.to_string(), message.to_string())]),
    )
}

pub fn check_email(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(invalid_field("email", "is not an e-mail address"))
    }
}

pub fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(invalid_field("display_name", "needs 1 to 200 characters"));
    }
    Ok(name.to_string())
}

pub fn language_tag(language: Option<&str>) -> String {
    match language.and_then(crate::words::UiLang::from_tag) {
        Some(lang) => lang.tag().to_string(),
        None => "zh-TW".to_string(),
    }
}

/// A seeker record with nothing in it yet.
pub fn empty_seeker(id: String) -> Seeker {
    Seeker {
        id,
        skills: Vec::new(),
        experience: Vec::new(),
        desired_occupations: Vec::new(),
        education: None,
        languages: Vec::new(),
        licences: Vec::new(),
        location: None,
        place: None,
        cv_text: None,
        suggestions: Vec::new(),
        max_distance_km: None,
        willing_to_relocate: false,
        accepts_remote: true,
        contract_types: Vec::new(),
        working_time: Vec::new(),
        min_salary: None,
        available_from: None,
        searchable: false,
        outreach: false,
    }
}

pub fn signed_in(caller: &crate::auth::Caller) -> Result<&User, AppError> {
    caller
        .user()
        .ok_or_else(|| AppError::new(ErrorKind::Unauthenticated, Message::SignInRequired))
}

/// The scopes a role's tokens may carry.
pub fn scopes_of(role: Role) -> &'static [Scope] {
    match role {
        Role::Seeker => &[Scope::SeekersRead, Scope::SeekersWrite],
        Role::Employer => &[Scope::VacanciesWrite, Scope::CandidatesRead],
        Role::Caseworker => &[
            Scope::SeekersRead,
            Scope::SeekersWrite,
            Scope::CandidatesRead,
            Scope::AggregatesRead,
        ],
        Role::Analyst => &[Scope::AggregatesRead],
        Role::Admin => &Scope::ALL,
    }
}

/// Creates any account (administrators; also the demo set-up, with `caller` = the system).
pub async fn create_account(
    state: &App,
    caller: &crate::auth::Caller,
    form: NewAccount,
) -> Result<User, AppError> {
    let email = check_email(&form.email)?;
    let display_name = check_name(&form.display_name)?;
    auth::check_password_rules(&form.password)?;
    let required = match form.role {
        Role::Seeker => form.seeker_id.as_ref().map(|_| ()).ok_or("seeker_id"),
        Role::Employer => form.employer_id.as_ref().map(|_| ()).ok_or("employer_id"),
        Role::Caseworker => form.office_id.as_ref().map(|_| ()).ok_or("office_id"),
        Role::Analyst | Role::Admin => Ok(()),
    };
    if let Err(field) = required {
        return Err(invalid_field(field, "this role needs it"));
    }
    if let Some(seeker_id) = &form.seeker_id {
        if state.store().seeker(seeker_id).await?.is_none() {
            let seeker = empty_seeker(seeker_id.clone());
            state.store().put_seeker(&seeker, state.now()).await?;
            state.index_seeker(&seeker).await?;
        }
    }
    if let Some(office) = &form.office_id {
        if !state
            .store()
            .offices()
            .await?
            .iter()
            .any(|o| &o.id == office)
        {
            return Err(invalid_field("office_id", "names no office"));
        }
    }
    let password = form.password.clone();
    let hash = crate::error::blocking(move || auth::hash_password(&password)).await??;
    let record = UserRecord {
        id: short_id("u"),
        email,
        display_name,
        role: form.role.as_str().to_string(),
        password_hash: hash,
        seeker_id: form.seeker_id.filter(|_| form.role == Role::Seeker),
        employer_id: form.employer_id.filter(|_| form.role == Role::Employer),
        office_id: form.office_id.filter(|_| form.role == Role::Caseworker),
        language: language_tag(form.language.as_deref()),
        disabled: false,
        created_at: now_text(state),
    };
    store_user(state, &record).await?;
    access::record(
        state,
        caller,
        "create",
        "user",
        &record.id,
        record.seeker_id.as_deref(),
        "account created by administrator",
    )
    .await?;
    // An employer account made by staff (or the demo set-up) belongs to an approved
    // organisation; self-registered ones wait for approval (`routes::offers`).
    if let Some(employer) = &record.employer_id {
        if !state.store().employer_verified(employer).await? {
            let by = caller.user().map_or("system", |u| u.id.as_str());
            state
                .store()
                .set_employer_verified(employer, true, by, state.now())
                .await?;
        }
    }
    User::of_record(record).ok_or_else(|| AppError::internal(&"unknown role"))
}

/// Creates an API token for the signed-in user with scopes their role allows.
pub async fn create_token(
    state: &App,
    caller: &crate::auth::Caller,
    form: &NewToken,
) -> Result<(ApiTokenRecord, String), AppError> {
    access::authorize_system(caller, Action::ManageOwnTokens)?;
    let user = signed_in(caller)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(invalid_field("name", "needs 1 to 100 characters"));
    }
    if form.scopes.is_empty() {
        return Err(invalid_field("scopes", "name at least one scope"));
    }
    let allowed = scopes_of(user.role);
    if let Some(bad) = form.scopes.iter().find(|s| !allowed.contains(s)) {
        return Err(invalid_field(
            "scopes",
            &format!(
                "'{}' is beyond the role {}",
                bad.as_str(),
                user.role.as_str()
            ),
        ));
    }
    let secret = format!("opt_{}", auth::new_secret()?);
    let mut scopes: Vec<&str> = form.scopes.iter().map(|s| s.as_str()).collect();
    scopes.sort_unstable();
    scopes.dedup();
    let record = ApiTokenRecord {
        id: short_id("t"),
        user_id: user.id.clone(),
        name: name.to_string(),
        scopes: scopes.join(" "),
        created_at: now_text(state),
        revoked_at: None,
        expires_at: Some(
            (state.now() + state.security().api_token_lifetime)
                .to_rfc3339_opts(SecondsFormat::Millis, true),
        ),
    };
    state
        .store()
        .create_api_token(&record, &auth::digest(&secret))
        .await?;
    access::record(
        state,
        caller,
        "create",
        "token",
        &record.id,
        None,
        "API token",
    )
    .await?;
    Ok((record, secret))
}

/// The demo accounts, one per role (documented in the README): (e-mail, password, name, role).
pub const DEMO_ACCOUNTS: [(&str, &str, &str, Role); 5] = [
    (
        "seeker@demo.openpes.tw",
        "demo-seeker-pass",
        "陳怡君 Chen Yi-chun",
        Role::Seeker,
    ),
    (
        "employer@demo.openpes.tw",
        "demo-employer-pass",
        "林志明 Lin Chih-ming",
        Role::Employer,
    ),
    (
        "caseworker@demo.openpes.tw",
        "demo-caseworker-pass",
        "王美玲 Wang Mei-ling",
        Role::Caseworker,
    ),
    (
        "analyst@demo.openpes.tw",
        "demo-analyst-pass",
        "張家豪 Chang Chia-hao",
        Role::Analyst,
    ),
    (
        "admin@demo.openpes.tw",
        "demo-admin-pass",
        "系統管理員 Administrator",
        Role::Admin,
    ),
];

/// The demo seeker's record, the demo employer, and how many demo seekers the demo caseworker
/// holds (the generated demo data's first ones).
pub const DEMO_SEEKER: &str = "demo-seeker-0000000";

pub const DEMO_EMPLOYER: &str = "demo-employer-00000";

pub const DEMO_CASELOAD: usize = 12;

/// Creates the demo office and accounts when no account exists yet; returns whether it did.
pub async fn ensure_demo_accounts(state: &App) -> Result<bool, AppError> {
    if !state.store().users(None).await?.is_empty() {
        return Ok(false);
    }
    state
        .store()
        .put_office(&openpes_store::Office {
            id: "office-taipei".into(),
            name_zh: "臺北就業服務站".into(),
            name_en: "Taipei Employment Service Office".into(),
        })
        .await?;
    if state.store().employer(DEMO_EMPLOYER).await?.is_none() {
        let employer = Employer {
            id: DEMO_EMPLOYER.into(),
            name: "示範企業 Demo Company".into(),
            registration: None,
        };
        state.store().put_employer(&employer, state.now()).await?;
    }
    let system = crate::auth::Caller {
        principal: None,
        request_id: "demo-setup".into(),
    };
    let mut caseworker = None;
    for (email, password, name, role) in DEMO_ACCOUNTS {
        let account = NewAccount {
            email: email.into(),
            password: password.into(),
            display_name: name.into(),
            role,
            seeker_id: (role == Role::Seeker).then(|| DEMO_SEEKER.to_string()),
            employer_id: (role == Role::Employer).then(|| DEMO_EMPLOYER.to_string()),
            office_id: (role == Role::Caseworker).then(|| "office-taipei".to_string()),
            language: Some("zh-TW".into()),
        };
        let user = create_account(state, &system, account).await?;
        if role == Role::Caseworker {
            caseworker = Some(user.id);
        }
    }
    if let Some(caseworker) = caseworker {
        let now = state.now();
        for i in 0..DEMO_CASELOAD {
            let seeker = format!("demo-seeker-{i:07}");
            if state.store().seeker(&seeker).await?.is_some() {
                state
                    .store()
                    .assign_caseworker(&seeker, &caseworker, now)
                    .await?;
            }
        }
    }
    state.set_demo_accounts(true);
    Ok(true)
}

/// The domain of the demo accounts, whose passwords are published in the README.
pub const DEMO_DOMAIN: &str = "@demo.openpes.tw";

/// Whether any enabled account of the demo (published password) exists.
pub async fn demo_accounts_enabled(store: &Store) -> Result<bool, AppError> {
    Ok(store
        .users(None)
        .await?
        .iter()
        .any(|u| !u.disabled && u.email.ends_with(DEMO_DOMAIN)))
}

/// Whether the database has an administrator who is not a demo account: a production
/// database, which demo mode must not touch.
pub async fn real_administrator_exists(store: &Store) -> Result<bool, AppError> {
    Ok(store
        .users(Some(Role::Admin.as_str()))
        .await?
        .iter()
        .any(|u| !u.email.ends_with(DEMO_DOMAIN)))
}

/// Whether an enabled administrator exists.
pub async fn administrator_exists(store: &Store) -> Result<bool, AppError> {
    Ok(store
        .users(Some(Role::Admin.as_str()))
        .await?
        .iter()
        .any(|u| !u.disabled))
}

/// Creates an administrator from the command line (`openpes admin create`): the way the first
/// administrator of a production database comes to be. The password obeys the usual rules and
/// is stored only as its argon2id hash; the creation is audited.
pub async fn create_administrator(
    store: &Store,
    email: &str,
    display_name: &str,
    password: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<UserRecord, AppError> {
    let email = check_email(email)?;
    let display_name = check_name(display_name)?;
    auth::check_password_rules(password)?;
    if email.ends_with(DEMO_DOMAIN) {
        return Err(invalid_field("email", "is a demo address"));
    }
    let password = password.to_string();
    let hash = crate::error::blocking(move || auth::hash_password(&password)).await??;
    let record = UserRecord {
        id: short_id("u"),
        email,
        display_name,
        role: Role::Admin.as_str().to_string(),
        password_hash: hash,
        seeker_id: None,
        employer_id: None,
        office_id: None,
        language: "zh-TW".to_string(),
        disabled: false,
        created_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
    };
    store.create_user(&record).await.map_err(|e| match e {
        openpes_store::StoreError::Conflict(_) => {
            AppError::new(ErrorKind::Conflict, Message::EmailTaken)
        }
        other => other.into(),
    })?;
    let entry = NewAuditEntry {
        actor_id: None,
        actor_role: "system".into(),
        action: "create".into(),
        subject_kind: "user".into(),
        subject_id: record.id.clone(),
        seeker_id: None,
        purpose: "administrator created from the command line".into(),
        request_id: "admin-cli".into(),
    };
    store.append_audit(&[entry], now).await?;
    Ok(record)
}

/// Disables every demo account (`openpes admin disable-demo`); returns how many were enabled.
pub async fn disable_demo_accounts(store: &Store) -> Result<usize, AppError> {
    let mut disabled = 0;
    for user in store.users(None).await? {
        if !user.disabled && user.email.ends_with(DEMO_DOMAIN) {
            store.set_user_disabled(&user.id, true).await?;
            disabled += 1;
        }
    }
    Ok(disabled)
}

/// Creates an account with a random password and an API token for it, returning the token:
/// for machine clients set up from the command line, benchmarks and tests.
pub async fn provision_service_account(
    state: &App,
    email: &str,
    role: Role,
    scopes: &[Scope],
) -> Result<String, AppError> {
    let system = crate::auth::Caller {
        principal: None,
        request_id: "provisioning".into(),
    };
    let account = NewAccount {
        email: email.into(),
        password: auth::new_secret()?,
        display_name: format!("service account {email}"),
        role,
        seeker_id: None,
        employer_id: None,
        office_id: None,
        language: Some("en".into()),
    };
    let user = create_account(state, &system, account).await?;
    let caller = crate::auth::Caller {
        principal: Some(std::sync::Arc::new(auth::Principal {
            user,
            credential: auth::Credential::Session {
                csrf: String::new(),
            },
        })),
        request_id: "provisioning".into(),
    };
    let (_, secret) = create_token(
        state,
        &caller,
        &NewToken {
            name: "service".into(),
            scopes: scopes.to_vec(),
        },
    )
    .await?;
    Ok(secret)
}

// ---------------------------------------------------------------------------------------------
// Signing in and out, disabling accounts.

/// Signs in with e-mail and password from `source` (failures counted for the lockout); logs
/// the login to the audit log.
pub async fn login(
    state: &App,
    request_id: &str,
    source: crate::lockout::Source,
    email: &str,
    password: &str,
) -> Result<crate::auth::NewSession, AppError> {
    let session = match crate::auth::login(state, email, password, source).await {
        Ok(session) => session,
        Err(error) => {
            tracing::warn!("failed login");
            return Err(error);
        }
    };
    let caller = Caller {
        principal: Some(std::sync::Arc::new(crate::auth::Principal {
            user: session.user.clone(),
            credential: crate::auth::Credential::Session {
                csrf: session.csrf.clone(),
            },
        })),
        request_id: request_id.to_string(),
    };
    let user = &session.user;
    crate::access::record(
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

/// Ends the session whose cookie value is `session` (nothing without one).
pub async fn logout(state: &App, session: Option<&str>) -> Result<(), AppError> {
    if let Some(cookie) = session {
        state
            .store()
            .delete_session(&crate::auth::digest(cookie))
            .await?;
    }
    Ok(())
}

/// Disables (ending its sessions) or enables an account (administrators). The last enabled
/// administrator cannot be disabled: the service must keep someone who can administer it.
pub async fn set_user_disabled(
    state: &App,
    caller: &Caller,
    id: &str,
    disabled: bool,
) -> Result<(), AppError> {
    crate::access::authorize_system(caller, crate::access::Action::Administer)?;
    if disabled {
        let admins = state.store().users(Some(Role::Admin.as_str())).await?;
        let target_is_admin = admins.iter().any(|u| u.id == id && !u.disabled);
        let others = admins.iter().filter(|u| u.id != id && !u.disabled).count();
        if target_is_admin && others == 0 {
            return Err(AppError::new(
                ErrorKind::Conflict,
                Message::LastAdministrator,
            ));
        }
    }
    if !state.store().set_user_disabled(id, disabled).await? {
        return Err(AppError::not_found(Message::RecordNotFound {
            kind: "user",
            id: id.to_string(),
        }));
    }
    let action = if disabled { "disable" } else { "enable" };
    crate::access::record(state, caller, action, "user", id, None, "administration").await?;
    Ok(())
}
