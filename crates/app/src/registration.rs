//! Registering oneself and resetting a password: the two ways in that start from an e-mail
//! address. Neither answer tells whether an address has an account: a registration with a
//! taken address sends its owner a notice, a reset for an unknown address sends nothing, and
//! both answer alike. Links are 256-bit secrets kept only as digests; the outbox people read
//! shows them blanked.

use crate::access;
use crate::auth::{self, NewSession, Role, User};
use crate::error::{AppError, ErrorKind};
use crate::people::{
    check_email, check_name, empty_seeker, invalid_field, language_tag, now_text, short_id,
};
use crate::words::{Message, UiLang};
use crate::App;
use chrono::{Duration, SecondsFormat};
use openpes_matching::Employer;
use openpes_store::{OutboxMessage, PendingRegistration, UserRecord};

/// A self-registration as the person gave it.
#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    /// Seeker or employer (other roles are created by an administrator).
    pub role: Role,
    /// For an employer: the organisation's name.
    pub organisation: Option<String>,
    /// For an employer: its business registration number (統一編號).
    pub registration_number: Option<String>,
    /// `zh-TW` (default) or `en`.
    pub language: Option<String>,
}

/// How long a registration's confirmation link works (the register page says 24 hours too).
pub const REGISTRATION_HOURS: i64 = 24;

/// Passwords a registration's confirmation may try; after as many wrong ones the registration
/// is removed and its link stops working.
pub const REGISTRATION_PASSWORD_ATTEMPTS: i64 = 5;

/// A registration whose fields passed the checks.
pub struct CheckedRegistration {
    email: String,
    display_name: String,
    role: Role,
    organisation: Option<String>,
    registration_number: Option<String>,
    language: String,
}

/// Checks every field of a registration (422 naming the field), before anything depends on
/// whether the address has an account.
pub fn check_registration(form: &Registration) -> Result<CheckedRegistration, AppError> {
    let email = check_email(&form.email)?;
    let display_name = check_name(&form.display_name)?;
    auth::check_password_rules(&form.password)?;
    let trimmed = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (organisation, registration_number) = match form.role {
        Role::Seeker => (None, None),
        Role::Employer => {
            let name = trimmed(&form.organisation).ok_or_else(|| {
                invalid_field("organisation", "an employer names its organisation")
            })?;
            (Some(name), trimmed(&form.registration_number))
        }
        _ => {
            return Err(invalid_field(
                "role",
                "only seeker or employer may register",
            ))
        }
    };
    Ok(CheckedRegistration {
        email,
        display_name,
        role: form.role,
        organisation,
        registration_number,
        language: language_tag(form.language.as_deref()),
    })
}

/// Starts a self-registration as a job seeker or an employer. The answer is the same whether
/// the address is free or has an account, and costs the same (the password is hashed either
/// way): a free address gets a confirmation link (the registration waits in the store until it
/// is used, [`REGISTRATION_HOURS`] at most), an address with an account gets a notice that
/// someone tried to register with it. Both go through the outbox.
///
/// Returns the confirmation link's secret when one was made, for a demo server's page to show
/// (a demo server has no mail transport); the API never shows it.
pub async fn register(state: &App, form: Registration) -> Result<Option<String>, AppError> {
    let checked = check_registration(&form)?;
    let password = form.password;
    let password_hash = crate::error::blocking(move || auth::hash_password(&password)).await??;
    let now = state.now();
    if let Some(user) = state.store().user_by_email(&checked.email).await? {
        let lang = UiLang::from_tag(&user.language).unwrap_or(UiLang::ZhTw);
        let (subject, text) = crate::words::mail::registration_taken(lang);
        let notice = OutboxMessage {
            id: 0,
            recipient: user.email,
            subject,
            body: text,
            created_at: now_text(state),
        };
        state.store().push_outbox(&notice).await?;
        return Ok(None);
    }
    let token = auth::new_secret()?;
    let lang = UiLang::from_tag(&checked.language).unwrap_or(UiLang::ZhTw);
    let (message, text) = link_mail(state, &checked.email, &token, |secret| {
        crate::words::mail::registration(lang, secret, REGISTRATION_HOURS)
    });
    let pending = PendingRegistration {
        token_digest: auth::digest(&token),
        email: checked.email,
        display_name: checked.display_name,
        role: checked.role.as_str().to_string(),
        password_hash,
        organisation: checked.organisation,
        registration_number: checked.registration_number,
        language: checked.language,
        created_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
        expires_at: (now + Duration::hours(REGISTRATION_HOURS))
            .to_rfc3339_opts(SecondsFormat::Millis, true),
    };
    state
        .store()
        .create_pending_registration(&pending, now, &message, &text)
        .await?;
    Ok(Some(token))
}

/// What a confirmation link would create, or 410 when it is unknown, used or expired (read
/// only: the web page shows it with a button, so that a mail scanner opening the link creates
/// nothing).
pub async fn pending_registration(
    state: &App,
    token: &str,
) -> Result<PendingRegistration, AppError> {
    state
        .store()
        .pending_registration(&auth::digest(token.trim()), state.now())
        .await?
        .ok_or_else(|| AppError::new(ErrorKind::Gone, Message::InvalidRegistrationLink))
}

/// Finishes a registration with its confirmation link (once) and the password chosen when
/// registering: creates the account (with an empty seeker record or a new employer
/// organisation), audits it and signs in.
///
/// The password is what makes the link useless to anyone but the registrant: someone who
/// registers another person's address cannot finish without that person opening the link, and
/// that person, who does not know the password, creates nothing by opening it. The attempt is
/// counted before the password is checked (argon2, on the blocking pool); a wrong password is a
/// 422 and leaves the link working, until [`REGISTRATION_PASSWORD_ATTEMPTS`] attempts, when the
/// registration is removed (410). 410 too when the link is unknown, used or expired, or when the
/// address got an account meanwhile.
pub async fn confirm_registration(
    state: &App,
    token: &str,
    password: &str,
) -> Result<NewSession, AppError> {
    let now = state.now();
    let digest = auth::digest(token.trim());
    let gone = || AppError::new(ErrorKind::Gone, Message::InvalidRegistrationLink);
    let Some((pending, attempts)) = state
        .store()
        .count_registration_attempt(&digest, now, REGISTRATION_PASSWORD_ATTEMPTS)
        .await?
    else {
        return Err(gone());
    };
    let hash = pending.password_hash;
    let password = password.to_string();
    let right = crate::error::blocking(move || auth::verify_password(&hash, &password)).await?;
    if !right {
        tracing::warn!("wrong password at a registration's confirmation");
        let attempts_left = REGISTRATION_PASSWORD_ATTEMPTS - attempts;
        if attempts_left <= 0 {
            state.store().remove_pending_registration(&digest).await?;
            return Err(AppError::new(
                ErrorKind::Gone,
                Message::RegistrationAttemptsUsed,
            ));
        }
        return Err(AppError::new(
            ErrorKind::Invalid,
            Message::WrongRegistrationPassword { attempts_left },
        ));
    }
    let Some(pending) = state
        .store()
        .take_pending_registration(&digest, now)
        .await?
    else {
        return Err(gone());
    };
    let taken = || AppError::new(ErrorKind::Gone, Message::EmailTaken);
    if state.store().user_by_email(&pending.email).await?.is_some() {
        return Err(taken());
    }
    let role = Role::parse(&pending.role)
        .filter(|r| matches!(r, Role::Seeker | Role::Employer))
        .ok_or_else(|| AppError::internal(&"a pending registration with another role"))?;
    let mut record = UserRecord {
        id: short_id("u"),
        email: pending.email,
        display_name: pending.display_name,
        role: role.as_str().to_string(),
        password_hash: pending.password_hash,
        seeker_id: None,
        employer_id: None,
        office_id: None,
        language: pending.language,
        disabled: false,
        created_at: now_text(state),
    };
    if role == Role::Seeker {
        let seeker = empty_seeker(short_id("s"));
        state.store().put_seeker(&seeker, now).await?;
        state.index_seeker(&seeker).await?;
        record.seeker_id = Some(seeker.id);
    } else {
        let name = pending
            .organisation
            .ok_or_else(|| AppError::internal(&"a pending employer without organisation"))?;
        let employer = Employer {
            id: short_id("e"),
            name,
            registration: pending.registration_number,
        };
        state.store().put_employer(&employer, now).await?;
        record.employer_id = Some(employer.id);
    }
    state
        .store()
        .create_user(&record)
        .await
        .map_err(|e| match e {
            openpes_store::StoreError::Conflict(_) => taken(),
            other => other.into(),
        })?;
    let user = User::of_record(record).ok_or_else(|| AppError::internal(&"unknown role"))?;
    let caller = crate::auth::Caller {
        principal: None,
        request_id: String::new(),
    };
    access::record(
        state,
        &caller,
        "create",
        "user",
        &user.id,
        user.seeker_id.as_deref(),
        "registration",
    )
    .await?;
    auth::open_session(state, user).await
}

/// How long a reset link works.
pub const RESET_HOURS: i64 = 2;

/// Puts a reset link into the outbox when the address has an account; says nothing either way.
pub async fn request_reset(state: &App, email: &str) -> Result<(), AppError> {
    let Some(user) = state.store().user_by_email(email).await? else {
        return Ok(());
    };
    if user.disabled {
        return Ok(());
    }
    let token = auth::new_secret()?;
    let lang = UiLang::from_tag(&user.language).unwrap_or(UiLang::ZhTw);
    let (message, text) = link_mail(state, &user.email, &token, |secret| {
        crate::words::mail::reset(lang, secret, RESET_HOURS)
    });
    let expires = state.now() + Duration::hours(RESET_HOURS);
    state
        .store()
        .create_password_reset(&auth::digest(&token), &user.id, expires, &message, &text)
        .await?;
    Ok(())
}

/// Sets a new password through a reset link (once); ends the user's sessions.
pub async fn confirm_reset(state: &App, token: &str, password: &str) -> Result<(), AppError> {
    auth::check_password_rules(password)?;
    let password = password.to_string();
    let hash = crate::error::blocking(move || auth::hash_password(&password)).await??;
    let done = state
        .store()
        .reset_password(&auth::digest(token.trim()), &hash, state.now())
        .await?;
    let Some(user_id) = done else {
        return Err(AppError::bad_request(Message::InvalidResetLink));
    };
    let caller = crate::auth::Caller {
        principal: None,
        request_id: String::new(),
    };
    access::record(
        state,
        &caller,
        "update",
        "user",
        &user_id,
        None,
        "password reset",
    )
    .await?;
    Ok(())
}

/// A mail carrying a secret link: the message as the outbox keeps it, with the link blanked
/// (administrators read the outbox; only the recipient may use the link), and the full text
/// the mail transport sends. `write` words the mail around the secret it is given.
fn link_mail(
    state: &App,
    recipient: &str,
    secret: &str,
    write: impl Fn(&str) -> (String, String),
) -> (OutboxMessage, String) {
    let (subject, text) = write(secret);
    let (_, shown) = write("••••••");
    let message = OutboxMessage {
        id: 0,
        recipient: recipient.to_string(),
        subject,
        body: shown,
        created_at: now_text(state),
    };
    (message, text)
}
