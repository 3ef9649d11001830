//! Reading the audit log: a seeker sees who read or changed their record; administrators
//! search the whole log. Writing it is [`crate::access`]'s and [`crate::audit_writer`]'s.

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::{App, AppError};
use openpes_store::AuditFilter;
use serde::{Deserialize, Serialize};

/// One audit entry.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditView>,
    /// Pass as `before` for the next (older) page; absent on the last page.
    pub next: Option<i64>,
}

/// Which audit entries: every filter optional, newest first, a page at a time.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSearch {
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

/// A page of the audit log for a caller already authorized to read it.
pub async fn audit_page(state: &App, query: &AuditSearch) -> Result<AuditPage, AppError> {
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
pub async fn seeker_audit(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    search: &AuditSearch,
) -> Result<AuditPage, AppError> {
    access::authorize_seeker(
        state,
        caller,
        Action::ReadSeekerAudit,
        seeker_id,
        "read own audit",
    )
    .await?;
    let search = AuditSearch {
        seeker: Some(seeker_id.to_string()),
        actor: None,
        ..search.clone()
    };
    audit_page(state, &search).await
}

/// Searches the whole audit log (administrators).
pub async fn search_audit(
    state: &App,
    caller: &Caller,
    search: &AuditSearch,
) -> Result<AuditPage, AppError> {
    access::authorize_system(caller, Action::SearchAudit)?;
    audit_page(state, search).await
}
