//! People and access: user accounts, registrations waiting for their e-mail confirmation, login
//! sessions, API tokens, password resets and the mail outbox, offices, caseloads, case notes,
//! and the append-only audit log.
//!
//! Secrets are never stored: sessions, API tokens, reset and confirmation links are kept as
//! SHA-256 hashes computed by the caller, passwords as argon2 hashes. The audit log refuses updates and
//! deletes at the database level (triggers), so not even a bug in this crate can rewrite it.

use crate::matching::timestamp;
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A user account as stored. `role` is one of `seeker`, `employer`, `caseworker`, `analyst`,
/// `admin` (the server gives it meaning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: String,
    /// Lower-cased.
    pub email: String,
    pub display_name: String,
    pub role: String,
    /// Argon2id in PHC string form.
    pub password_hash: String,
    /// The seeker record of a job seeker.
    pub seeker_id: Option<String>,
    /// The organisation of an employer user.
    pub employer_id: Option<String>,
    /// The office of a caseworker.
    pub office_id: Option<String>,
    /// Preferred interface language (`zh-TW` or `en`).
    pub language: String,
    pub disabled: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// An office of the employment service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Office {
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
}

/// A machine client's token (the secret itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: String,
    pub user_id: String,
    pub name: String,
    /// Space-separated scopes.
    pub scopes: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// When it stops working (RFC 3339, UTC).
    pub expires_at: Option<String>,
}

/// A message waiting in the outbox (password-reset links and notices), readable by an
/// administrator where no mail server is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
}

/// A self-registration waiting for the confirmation link mailed to its address: the account is
/// created from it when the link is used (once, before `expires_at`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRegistration {
    /// SHA-256 (hex) of the link's secret; the secret itself is never stored.
    pub token_digest: String,
    /// Lower-cased.
    pub email: String,
    pub display_name: String,
    /// `seeker` or `employer`.
    pub role: String,
    /// Argon2id in PHC string form.
    pub password_hash: String,
    /// An employer's organisation name.
    pub organisation: Option<String>,
    /// An employer's business registration number.
    pub registration_number: Option<String>,
    /// Preferred interface language (`zh-TW` or `en`).
    pub language: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

const PENDING_COLUMNS: &str = "token_digest, email, display_name, role, password_hash, \
     organisation, registration_number, language, created_at, expires_at";

fn pending_of(row: &AnyRow) -> Result<PendingRegistration, StoreError> {
    Ok(PendingRegistration {
        token_digest: row.try_get("token_digest")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: row.try_get("role")?,
        password_hash: row.try_get("password_hash")?,
        organisation: row.try_get("organisation")?,
        registration_number: row.try_get("registration_number")?,
        language: row.try_get("language")?,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

/// A caseworker's note on a job seeker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    pub id: i64,
    pub seeker_id: String,
    pub author_id: String,
    pub author_name: String,
    pub body: String,
    pub created_at: String,
}

/// One entry of the audit log to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// `None` when nobody is signed in.
    pub actor_id: Option<String>,
    pub actor_role: String,
    /// `read`, `create`, `update`, `delete`, `login`, …
    pub action: String,
    /// `seeker`, `user`, `note`, `token`, …
    pub subject_kind: String,
    pub subject_id: String,
    /// Whose personal data it was, when a job seeker's.
    pub seeker_id: Option<String>,
    /// Why: the operation or a stated reason.
    pub purpose: String,
    pub request_id: String,
}

/// One stored entry of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the log (the cursor).
    pub seq: i64,
    pub at: String,
    pub entry: NewAuditEntry,
}

/// Which audit entries to read: all conditions given must hold. Newest first, before `before`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub seeker_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
    /// Only entries at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Only entries with a smaller `seq` (the next page's cursor).
    pub before: Option<i64>,
    pub limit: i64,
}

/// Rows of one audit insert (9 binds each, well under both backends' limits).
const AUDIT_ROWS_PER_STATEMENT: usize = 100;

/// Longest id-like audit field (actor, role, subject kind and id, seeker, request id), in
/// bytes; migration 0008 holds the database to the same bounds.
pub const MAX_AUDIT_ID_BYTES: usize = 128;
/// Longest action or purpose of an audit entry, in bytes.
pub const MAX_AUDIT_TEXT_BYTES: usize = 256;

/// `text` cut to at most `max` bytes, at a character boundary.
fn bounded(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.password_hash, u.seeker_id, \
     u.employer_id, u.office_id, u.language, u.disabled, u.created_at";

fn user_of(row: &AnyRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: row.try_get("role")?,
        password_hash: row.try_get("password_hash")?,
        seeker_id: row.try_get("seeker_id")?,
        employer_id: row.try_get("employer_id")?,
        office_id: row.try_get("office_id")?,
        language: row.try_get("language")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

fn token_of(row: &AnyRow) -> Result<ApiTokenRecord, StoreError> {
    Ok(ApiTokenRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        scopes: row.try_get("scopes")?,
        created_at: row.try_get("created_at")?,
        revoked_at: row.try_get("revoked_at")?,
        expires_at: row.try_get("expires_at")?,
    })
}

fn unique_violation(error: sqlx::Error, what: String) -> StoreError {
    match error.as_database_error() {
        Some(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::from(error),
    }
}

impl Store {
    /// Adds a user; a [`StoreError::Conflict`] when the e-mail address or the seeker record is
    /// already taken.
    pub async fn create_user(&self, user: &UserRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, role, password_hash, seeker_id, \
             employer_id, office_id, language, disabled, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(user.id.clone())
        .bind(user.email.to_lowercase())
        .bind(user.display_name.clone())
        .bind(user.role.clone())
        .bind(user.password_hash.clone())
        .bind(user.seeker_id.clone())
        .bind(user.employer_id.clone())
        .bind(user.office_id.clone())
        .bind(user.language.clone())
        .bind(i64::from(user.disabled))
        .bind(user.created_at.clone())
        .execute(self.pool())
        .await
        .map_err(|e| unique_violation(e, format!("a user with e-mail {} exists", user.email)))?;
        Ok(())
    }

    /// The user with this e-mail address (any case).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
        ))
        .bind(email.trim().to_lowercase())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_of).transpose()
    }

    /// The user with this id.
    pub async fn user(&self, id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_of).transpose()
    }

    /// The account that owns a seeker record.
    pub async fn user_of_seeker(&self, seeker_id: &str) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE u.seeker_id = $1"
        ))
        .bind(seeker_id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(user_of).transpose()
    }

    /// Users, by e-mail address, optionally of one role.
    pub async fn users(&self, role: Option<&str>) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE $1 = '' OR u.role = $1 ORDER BY u.email"
        ))
        .bind(role.unwrap_or("").to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(user_of).collect()
    }

    /// Replaces a user's password hash and ends all their sessions.
    pub async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_string())
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Enables or disables an account (disabling ends its sessions); false when there is none.
    pub async fn set_user_disabled(
        &self,
        user_id: &str,
        disabled: bool,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id.to_string())
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Starts a login session.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        csrf: &str,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash.to_string())
        .bind(user_id.to_string())
        .bind(csrf.to_string())
        .bind(timestamp(now))
        .bind(timestamp(expires))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The enabled user of a live session, with the session's CSRF token.
    pub async fn session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserRecord, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        ))
        .bind(token_hash.to_string())
        .bind(timestamp(now))
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some(row) => Ok(Some((user_of(&row)?, row.try_get("csrf")?))),
            None => Ok(None),
        }
    }

    /// Ends a session (logout).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Stores a new API token.
    pub async fn create_api_token(
        &self,
        token: &ApiTokenRecord,
        token_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, token_hash, user_id, name, scopes, created_at, \
             expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(token.id.clone())
        .bind(token_hash.to_string())
        .bind(token.user_id.clone())
        .bind(token.name.clone())
        .bind(token.scopes.clone())
        .bind(token.created_at.clone())
        .bind(token.expires_at.clone())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The enabled user and the token of an unrevoked API token that has not expired at `now`.
    pub async fn api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserRecord, ApiTokenRecord)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, t.id AS token_id, t.user_id, t.name, t.scopes, \
             t.created_at AS token_created_at, t.revoked_at, t.expires_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0 \
             AND t.expires_at > $2"
        ))
        .bind(token_hash.to_string())
        .bind(timestamp(now))
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token = ApiTokenRecord {
            id: row.try_get("token_id")?,
            user_id: row.try_get("user_id")?,
            name: row.try_get("name")?,
            scopes: row.try_get("scopes")?,
            created_at: row.try_get("token_created_at")?,
            revoked_at: row.try_get("revoked_at")?,
            expires_at: row.try_get("expires_at")?,
        };
        Ok(Some((user_of(&row)?, token)))
    }

    /// A user's API tokens, newest first.
    pub async fn api_tokens_of(&self, user_id: &str) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, user_id, name, scopes, created_at, revoked_at, expires_at \
             FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(user_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(token_of).collect()
    }

    /// Revokes one of a user's tokens; false when the user has no such live token.
    pub async fn revoke_api_token(
        &self,
        user_id: &str,
        token_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 \
             WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(token_id.to_string())
        .bind(user_id.to_string())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records a password-reset link and puts its message in the outbox, in one transaction:
    /// `message` as people may read it (without the link), `delivery_body` as the mail
    /// transport sends it (with the link; never shown by [`Store::outbox`]).
    pub async fn create_password_reset(
        &self,
        token_hash: &str,
        user_id: &str,
        expires: DateTime<Utc>,
        message: &OutboxMessage,
        delivery_body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash.to_string())
        .bind(user_id.to_string())
        .bind(timestamp(expires))
        .execute(&mut *tx)
        .await?;
        insert_outbox(&mut tx, message, Some(delivery_body)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Uses a reset link once: sets the new password hash, ends the user's sessions and revokes
    /// their API tokens (whoever knew the old password may have made some).
    /// Returns the user id, or `None` when the link is unknown, used or expired.
    pub async fn reset_password(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE password_resets SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(timestamp(now))
        .bind(token_hash.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let user_id: String = row.try_get("user_id")?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_string())
            .bind(user_id.clone())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id.clone())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(user_id.clone())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(user_id))
    }

    /// Records a registration waiting for its confirmation link and puts the link's message in
    /// the outbox, in one transaction (`message` as people may read it, without the link;
    /// `delivery_body` as the mail transport sends it). Registrations expired by `now` are
    /// purged on the way.
    pub async fn create_pending_registration(
        &self,
        pending: &PendingRegistration,
        now: DateTime<Utc>,
        message: &OutboxMessage,
        delivery_body: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM pending_registrations WHERE expires_at <= $1")
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?;
        sqlx::query(&format!(
            "INSERT INTO pending_registrations ({PENDING_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(pending.token_digest.clone())
        .bind(pending.email.to_lowercase())
        .bind(pending.display_name.clone())
        .bind(pending.role.clone())
        .bind(pending.password_hash.clone())
        .bind(pending.organisation.clone())
        .bind(pending.registration_number.clone())
        .bind(pending.language.clone())
        .bind(pending.created_at.clone())
        .bind(pending.expires_at.clone())
        .execute(&mut *tx)
        .await?;
        insert_outbox(&mut tx, message, Some(delivery_body)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The registration waiting for the link whose secret hashes to `token_digest`, unless it
    /// expired by `now` (read only: the confirmation page shows what the link would create).
    pub async fn pending_registration(
        &self,
        token_digest: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingRegistration>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {PENDING_COLUMNS} FROM pending_registrations \
             WHERE token_digest = $1 AND expires_at > $2"
        ))
        .bind(token_digest.to_string())
        .bind(timestamp(now))
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(pending_of).transpose()
    }

    /// Counts one password attempt at a registration's confirmation, before the password is
    /// checked (one UPDATE), so that however many attempts arrive at once, at most
    /// `max_attempts` are ever checked. Returns the registration and how many attempts it has
    /// had with this one, or `None` when the link is unknown, used, expired by `now`, or has had
    /// its `max_attempts` already.
    pub async fn count_registration_attempt(
        &self,
        token_digest: &str,
        now: DateTime<Utc>,
        max_attempts: i64,
    ) -> Result<Option<(PendingRegistration, i64)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "UPDATE pending_registrations SET password_attempts = password_attempts + 1 \
             WHERE token_digest = $1 AND expires_at > $2 AND password_attempts < $3 \
             RETURNING {PENDING_COLUMNS}, password_attempts"
        ))
        .bind(token_digest.to_string())
        .bind(timestamp(now))
        .bind(max_attempts)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|row| Ok((pending_of(&row)?, row.try_get("password_attempts")?)))
            .transpose()
    }

    /// Removes a waiting registration (its link stops working); whether there was one.
    pub async fn remove_pending_registration(
        &self,
        token_digest: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM pending_registrations WHERE token_digest = $1")
            .bind(token_digest.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Uses a confirmation link once: removes its waiting registration and returns it, or
    /// `None` when the link is unknown, used or expired by `now` (an expired one is removed
    /// too).
    pub async fn take_pending_registration(
        &self,
        token_digest: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingRegistration>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "DELETE FROM pending_registrations WHERE token_digest = $1 \
             RETURNING {PENDING_COLUMNS}"
        ))
        .bind(token_digest.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        let pending = row.as_ref().map(pending_of).transpose()?;
        Ok(pending.filter(|p| p.expires_at.as_str() > timestamp(now).as_str()))
    }

    /// Removes the registrations whose links expired by `now`; returns how many.
    pub async fn purge_expired_registrations(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM pending_registrations WHERE expires_at <= $1")
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    /// Puts a message in the outbox.
    pub async fn push_outbox(&self, message: &OutboxMessage) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_outbox(&mut tx, message, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest `limit` outbox messages as the mail transport sends them (with the secrets
    /// that [`Store::outbox`] leaves out), newest first. Only for delivering mail: no person
    /// reads these through the service.
    pub async fn outbox_for_delivery(&self, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
        self.outbox_with("COALESCE(delivery_body, body)", limit)
            .await
    }

    /// The newest `limit` outbox messages, newest first, as people may read them.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
        self.outbox_with("body", limit).await
    }

    /// The newest `limit` outbox messages with `body` read from the SQL expression `body`
    /// (one of the two above, never input).
    async fn outbox_with(
        &self,
        body: &'static str,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT id, recipient, subject, {body} AS body, created_at FROM outbox \
             ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    recipient: r.try_get("recipient")?,
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Adds or renames an office.
    pub async fn put_office(&self, office: &Office) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO offices (id, name_zh, name_en) VALUES ($1, $2, $3) ON CONFLICT (id) \
             DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en",
        )
        .bind(office.id.clone())
        .bind(office.name_zh.clone())
        .bind(office.name_en.clone())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every office, by id.
    pub async fn offices(&self) -> Result<Vec<Office>, StoreError> {
        let rows = sqlx::query("SELECT id, name_zh, name_en FROM offices ORDER BY id")
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Office {
                    id: r.try_get("id")?,
                    name_zh: r.try_get("name_zh")?,
                    name_en: r.try_get("name_en")?,
                })
            })
            .collect()
    }

    /// Puts a seeker in a caseworker's caseload (moving them from any other).
    pub async fn assign_caseworker(
        &self,
        seeker_id: &str,
        caseworker_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO caseload (seeker_id, caseworker_id, assigned_at) VALUES ($1, $2, $3) \
             ON CONFLICT (seeker_id) DO UPDATE SET caseworker_id = excluded.caseworker_id, \
             assigned_at = excluded.assigned_at",
        )
        .bind(seeker_id.to_string())
        .bind(caseworker_id.to_string())
        .bind(timestamp(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The caseworker whose caseload holds a seeker.
    pub async fn caseworker_of(&self, seeker_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT caseworker_id FROM caseload WHERE seeker_id = $1")
            .bind(seeker_id.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(|r| r.try_get("caseworker_id")).transpose()?)
    }

    /// The seekers in a caseworker's caseload, by id.
    pub async fn caseload(&self, caseworker_id: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT seeker_id FROM caseload WHERE caseworker_id = $1 ORDER BY seeker_id",
        )
        .bind(caseworker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| Ok(r.try_get("seeker_id")?)).collect()
    }

    /// Adds a case note; returns its id.
    pub async fn add_case_note(
        &self,
        seeker_id: &str,
        author_id: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "INSERT INTO case_notes (seeker_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(seeker_id.to_string())
        .bind(author_id.to_string())
        .bind(body.to_string())
        .bind(timestamp(now))
        .fetch_one(self.pool())
        .await?;
        Ok(row.try_get("id")?)
    }

    /// A seeker's case notes, newest first.
    pub async fn case_notes(&self, seeker_id: &str) -> Result<Vec<CaseNote>, StoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.seeker_id, n.author_id, u.display_name, n.body, n.created_at \
             FROM case_notes n JOIN users u ON u.id = n.author_id \
             WHERE n.seeker_id = $1 ORDER BY n.id DESC",
        )
        .bind(seeker_id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseNote {
                    id: r.try_get("id")?,
                    seeker_id: r.try_get("seeker_id")?,
                    author_id: r.try_get("author_id")?,
                    author_name: r.try_get("display_name")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Appends entries to the audit log (up to a hundred in one statement).
    pub async fn append_audit(
        &self,
        entries: &[NewAuditEntry],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let at = timestamp(now);
        // One multi-row statement per chunk: a page of candidates logs twenty reads at once.
        for chunk in entries.chunks(AUDIT_ROWS_PER_STATEMENT) {
            let mut sql = String::from(
                "INSERT INTO audit_log (at, actor_id, actor_role, action, subject_kind, \
                 subject_id, seeker_id, purpose, request_id) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 9;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8,
                    b + 9
                ));
            }
            let mut query = sqlx::query(&sql);
            // A hard cap on every field, whatever the caller checked: the log cannot be pruned.
            let id = |text: &str| bounded(text, MAX_AUDIT_ID_BYTES);
            let words = |text: &str| bounded(text, MAX_AUDIT_TEXT_BYTES);
            for entry in chunk {
                query = query
                    .bind(at.clone())
                    .bind(entry.actor_id.as_deref().map(id))
                    .bind(id(&entry.actor_role))
                    .bind(words(&entry.action))
                    .bind(id(&entry.subject_kind))
                    .bind(id(&entry.subject_id))
                    .bind(entry.seeker_id.as_deref().map(id))
                    .bind(words(&entry.purpose))
                    .bind(id(&entry.request_id));
            }
            query.execute(self.pool()).await?;
        }
        Ok(())
    }

    /// Audit entries matching `filter`, newest first.
    pub async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, at, actor_id, actor_role, action, subject_kind, subject_id, seeker_id, \
             purpose, request_id FROM audit_log \
             WHERE ($1 = '' OR seeker_id = $1) AND ($2 = '' OR actor_id = $2) \
             AND ($3 = '' OR action = $3) AND ($4 = '' OR at >= $4) AND seq < $5 \
             ORDER BY seq DESC LIMIT $6",
        )
        .bind(filter.seeker_id.clone().unwrap_or_default())
        .bind(filter.actor_id.clone().unwrap_or_default())
        .bind(filter.action.clone().unwrap_or_default())
        .bind(filter.since.clone().unwrap_or_default())
        .bind(filter.before.unwrap_or(i64::MAX))
        .bind(filter.limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.try_get("seq")?,
                    at: r.try_get("at")?,
                    entry: NewAuditEntry {
                        actor_id: r.try_get("actor_id")?,
                        actor_role: r.try_get("actor_role")?,
                        action: r.try_get("action")?,
                        subject_kind: r.try_get("subject_kind")?,
                        subject_id: r.try_get("subject_id")?,
                        seeker_id: r.try_get("seeker_id")?,
                        purpose: r.try_get("purpose")?,
                        request_id: r.try_get("request_id")?,
                    },
                })
            })
            .collect()
    }

    /// How many entries the audit log holds and how many bytes their fields take (for tests of
    /// its bounds, and for monitoring).
    pub async fn audit_size(&self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS entries, CAST(COALESCE(SUM(OCTET_LENGTH(at) \
             + OCTET_LENGTH(COALESCE(actor_id, '')) + OCTET_LENGTH(actor_role) \
             + OCTET_LENGTH(action) + OCTET_LENGTH(subject_kind) + OCTET_LENGTH(subject_id) \
             + OCTET_LENGTH(COALESCE(seeker_id, '')) + OCTET_LENGTH(purpose) \
             + OCTET_LENGTH(request_id)), 0) AS BIGINT) AS bytes FROM audit_log",
        )
        .fetch_one(self.pool())
        .await?;
        Ok((row.try_get("entries")?, row.try_get("bytes")?))
    }

    /// Tries to rewrite the audit log (for tests of its append-only guard): always an error
    /// when the guard works.
    pub async fn try_rewrite_audit(&self) -> Result<(), StoreError> {
        sqlx::query("UPDATE audit_log SET purpose = 'rewritten'")
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM audit_log")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

async fn insert_outbox(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    message: &OutboxMessage,
    delivery_body: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body, created_at, delivery_body) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(message.recipient.clone())
    .bind(message.subject.clone())
    .bind(message.body.clone())
    .bind(message.created_at.clone())
    .bind(delivery_body.map(str::to_string))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
