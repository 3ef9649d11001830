//! Administration as use cases: API tokens of one's own, accounts, caseloads, offices and the
//! outbox (which stands in for a mail server). Every change and every read of the outbox is
//! written to the audit log; all of it needs an administrator, except one's own tokens.

use crate::access::{self, Action};
use crate::auth::{Caller, Role, User};
use crate::error::not_found;
use crate::people::{invalid_field, signed_in};
use crate::words::Message;
use crate::{App, AppError};
use openpes_store::{ApiTokenRecord, Office, OutboxMessage, StoredSource, UserRecord};

/// The caller's API tokens, newest first.
pub async fn own_tokens(state: &App, caller: &Caller) -> Result<Vec<ApiTokenRecord>, AppError> {
    access::authorize_system(caller, Action::ManageOwnTokens)?;
    let user = signed_in(caller)?;
    Ok(state.store().api_tokens_of(&user.id).await?)
}

/// Revokes one of the caller's live API tokens (audited).
pub async fn revoke_own_token(state: &App, caller: &Caller, id: &str) -> Result<(), AppError> {
    access::authorize_system(caller, Action::ManageOwnTokens)?;
    let user = signed_in(caller)?;
    if !state
        .store()
        .revoke_api_token(&user.id, id, state.now())
        .await?
    {
        return Err(AppError::not_found(Message::RecordNotFound {
            kind: "token",
            id: id.to_string(),
        }));
    }
    access::record(state, caller, "delete", "token", id, None, "API token").await?;
    Ok(())
}

/// Every account as stored (with whether it is disabled), by e-mail, or those of one role.
pub async fn accounts(
    state: &App,
    caller: &Caller,
    role: Option<Role>,
) -> Result<Vec<UserRecord>, AppError> {
    access::authorize_system(caller, Action::Administer)?;
    Ok(state.store().users(role.map(Role::as_str)).await?)
}

/// Every account, by e-mail, or those of one role.
pub async fn users(
    state: &App,
    caller: &Caller,
    role: Option<Role>,
) -> Result<Vec<User>, AppError> {
    let records = accounts(state, caller, role).await?;
    Ok(records.into_iter().filter_map(User::of_record).collect())
}

/// The taxonomy sources the database holds, with their versions.
pub async fn taxonomy_sources(state: &App, caller: &Caller) -> Result<Vec<StoredSource>, AppError> {
    access::authorize_system(caller, Action::Administer)?;
    Ok(state.store().sources().await?)
}

/// Puts a seeker into a caseworker's caseload (audited).
pub async fn assign_caseworker(
    state: &App,
    caller: &Caller,
    seeker: &str,
    caseworker: &str,
) -> Result<(), AppError> {
    access::authorize_system(caller, Action::Administer)?;
    let is_caseworker = state
        .store()
        .user(caseworker)
        .await?
        .is_some_and(|u| u.role == Role::Caseworker.as_str());
    if !is_caseworker {
        return Err(invalid_field("caseworker", "names no caseworker"));
    }
    if state.store().seeker(seeker).await?.is_none() {
        return Err(not_found("seeker", seeker));
    }
    state
        .store()
        .assign_caseworker(seeker, caseworker, state.now())
        .await?;
    let purpose = format!("assigned to caseworker {caseworker}");
    access::record(
        state,
        caller,
        "update",
        "caseload",
        seeker,
        Some(seeker),
        &purpose,
    )
    .await?;
    Ok(())
}

/// Every office.
pub async fn offices(state: &App, caller: &Caller) -> Result<Vec<Office>, AppError> {
    access::authorize_system(caller, Action::Administer)?;
    Ok(state.store().offices().await?)
}

/// Adds or renames an office (both names are needed).
pub async fn put_office(state: &App, caller: &Caller, office: Office) -> Result<(), AppError> {
    access::authorize_system(caller, Action::Administer)?;
    if office.name_zh.trim().is_empty() || office.name_en.trim().is_empty() {
        return Err(invalid_field("name_zh", "both names are needed"));
    }
    state.store().put_office(&office).await?;
    Ok(())
}

/// The newest `limit` outbox messages (the read is audited: they carry links with secrets).
pub async fn outbox(
    state: &App,
    caller: &Caller,
    limit: i64,
) -> Result<Vec<OutboxMessage>, AppError> {
    access::authorize_system(caller, Action::Administer)?;
    let messages = state.store().outbox(limit).await?;
    access::record(
        state,
        caller,
        "read",
        "outbox",
        "all",
        None,
        "administration",
    )
    .await?;
    Ok(messages)
}
