//! Casework as use cases: a seeker's consent (theirs alone to give), a caseworker's case notes
//! and caseload. Every read of a seeker's record here is an audited access.

use crate::access::{self, Action};
use crate::auth::{Caller, Role};
use crate::error::not_found;
use crate::people::{invalid_field, signed_in};
use crate::words::Message;
use crate::{App, AppError, ErrorKind};
use serde::{Deserialize, Serialize};

/// A seeker's consent.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Employers may find this seeker among candidates.
    pub findable: bool,
    /// The service may use this record to reach out with offers and programmes.
    pub outreach: bool,
}

/// Sets a seeker's consent (the seeker alone may).
pub async fn set_consent(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    consent: Consent,
) -> Result<Consent, AppError> {
    let purpose = format!(
        "consent findable={} outreach={}",
        consent.findable, consent.outreach
    );
    access::authorize_seeker(state, caller, Action::ChangeConsent, seeker_id, &purpose).await?;
    let mut seeker = state
        .store()
        .seeker(seeker_id)
        .await?
        .ok_or_else(|| not_found("seeker", seeker_id))?;
    seeker.searchable = consent.findable;
    seeker.outreach = consent.outreach;
    state.store().put_seeker(&seeker, state.now()).await?;
    state.index_seeker(&seeker).await?;
    Ok(consent)
}

/// A case note.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteView {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub created_at: String,
}

/// A note to add.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    pub body: String,
}

/// A seeker's case notes, newest first (their caseworker and administrators; audited).
pub async fn notes(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
) -> Result<Vec<NoteView>, AppError> {
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

/// Adds a case note (their caseworker and administrators); returns its id.
pub async fn add_note(
    state: &App,
    caller: &Caller,
    seeker_id: &str,
    text: &str,
) -> Result<i64, AppError> {
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
        return Err(not_found("seeker", seeker_id));
    }
    Ok(state
        .store()
        .add_case_note(seeker_id, &user.id, text, state.now())
        .await?)
}

/// One seeker of a caseload.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseloadEntry {
    pub seeker_id: String,
    pub name: Option<String>,
    pub place: Option<String>,
    pub skills: usize,
    pub findable: bool,
    pub pending_suggestions: usize,
}

/// The signed-in caseworker's caseload, each seeker's reading logged to the audit log.
pub async fn caseload(state: &App, caller: &Caller) -> Result<Vec<CaseloadEntry>, AppError> {
    let user = signed_in(caller)?;
    if user.role != Role::Caseworker {
        return Err(AppError::new(ErrorKind::Forbidden, Message::Forbidden));
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
