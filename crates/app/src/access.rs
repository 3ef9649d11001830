//! Who may do what: the one place where every route's authorization is decided, and where
//! every access to personal data is written to the audit log.
//!
//! [`decide`] is a pure function of the caller, the [`Action`] and the [`Target`] (the facts
//! about the record that matter: whose it is, whose caseload holds it). Handlers never check
//! roles themselves; they call [`authorize_seeker`], [`authorize_employer`] or
//! [`authorize_system`], which gather those facts, decide, and log to the audit log every
//! attempt on a job seeker's data — allowed or denied — with who, what, when and why.
//!
//! The rules:
//! - a job seeker reads and changes only their own record and action plan, and alone decides
//!   their consent;
//! - an employer manages only their organisation's vacancies and sees, as candidates, only
//!   seekers who consented to be found;
//! - a caseworker reads and updates the seekers of their caseload, writes their case notes and
//!   action plans, and sees candidates for a vacancy only from their caseload;
//! - job offers that count for benefits are recorded by the service: a caseworker refers a
//!   seeker of their caseload (`RecordReferral`); an employer's offer counts once the seeker or
//!   their caseworker confirms it (`SettleReferral`); caseworkers and administrators verify
//!   employer organisations (`VerifyEmployer`), and only a verified employer sees or contacts
//!   candidates (checked by the handlers, `routes::offers::require_verified`);
//! - consent and applying for work are the seeker's alone (`ChangeConsent`, `Apply`): nobody
//!   else applies in their name, and every other writer's copy of the record keeps the stored
//!   consent;
//! - an analyst sees aggregates only, never an individual;
//! - an application (the cover note, its history, the employer's comments) is read by its
//!   applicant, by the employer it was sent to, by the caseworker whose caseload holds the
//!   applicant, and by administrators — by nobody else;
//! - an administrator manages accounts, offices, the training catalog and the audit log, and
//!   may act on any record (a record they store carries the consent it was given elsewhere,
//!   for migrations), but never changes a seeker's consent through the consent operation;
//! - an API token allows no more than its user's role and, within it, only its scopes.
//!
//! Audit entries are bounded: ids (record, seeker, actor, request) are written only when they
//! have the shape of an id ([`audit_id`]: at most 128 bytes of letters, digits and `-_.:@`),
//! anything else as [`INVALID_ID`]; a purpose keeps only id-shaped words and is cut at
//! [`MAX_PURPOSE_BYTES`], so no caller's text reaches the log, which nobody can prune.

use crate::auth::{Caller, Credential, Role, Scope, User};
use crate::error::AppError;
use crate::App;
use openpes_store::NewAuditEntry;

/// Something a caller wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read a seeker's record or their matches.
    ReadSeeker,
    /// Create or change a seeker's record (not their consent).
    UpdateSeeker,
    DeleteSeeker,
    /// Change whether employers may find the seeker and whether outreach may use their data.
    ChangeConsent,
    /// Read who accessed a seeker's record.
    ReadSeekerAudit,
    /// Read and write a seeker's case notes.
    ManageCase,
    /// Create, change or delete a vacancy, or an employer's own record.
    ManageVacancies,
    /// Read ranked candidates for a vacancy.
    ReadCandidates,
    /// Import vacancies of many employers (a machine client or an administrator).
    ImportVacancies,
    /// Read aggregate statistics.
    ReadAggregates,
    /// Search the whole audit log.
    SearchAudit,
    /// Manage accounts, offices, caseloads; read the outbox.
    Administer,
    /// Create and revoke one's own API tokens.
    ManageOwnTokens,
    /// File a benefit claim for a seeker.
    ClaimBenefit,
    /// Review and decide a seeker's benefit claim.
    ReviewClaim,
    /// See the queue of claims waiting for review.
    ReadReviewQueue,
    /// Add or change steps of a seeker's action plan.
    ManagePlan,
    /// Add, change or remove courses of the training catalog.
    ManageCourses,
    /// Save vacancies for a seeker, withdraw applications.
    ManageApplications,
    /// Apply for a vacancy in a seeker's name: the seeker's own decision.
    Apply,
    /// Record a job or training referral for a seeker (an offer that counts for benefits).
    RecordReferral,
    /// Confirm or decline an employer's offer to a seeker.
    SettleReferral,
    /// Approve (or withdraw the approval of) an employer organisation.
    VerifyEmployer,
    /// Read one application: its cover note, history and the employer's comments.
    ReadApplication,
}

impl Action {
    /// The token scope this action needs.
    fn scope(self) -> Option<Scope> {
        Some(match self {
            Action::ReadSeeker | Action::ReadSeekerAudit | Action::ReadApplication => {
                Scope::SeekersRead
            }
            Action::UpdateSeeker
            | Action::DeleteSeeker
            | Action::ChangeConsent
            | Action::ManageCase
            | Action::ClaimBenefit
            | Action::ReviewClaim
            | Action::ManagePlan
            | Action::ManageApplications
            | Action::Apply
            | Action::RecordReferral
            | Action::SettleReferral => Scope::SeekersWrite,
            Action::ManageCourses => Scope::CoursesWrite,
            Action::ReadReviewQueue => Scope::SeekersRead,
            Action::ManageVacancies | Action::ImportVacancies => Scope::VacanciesWrite,
            Action::ReadCandidates => Scope::CandidatesRead,
            Action::ReadAggregates => Scope::AggregatesRead,
            Action::SearchAudit => Scope::AuditRead,
            Action::Administer | Action::VerifyEmployer => Scope::Admin,
            Action::ManageOwnTokens => return None,
        })
    }

    /// The verb recorded in the audit log.
    pub fn verb(self) -> &'static str {
        match self {
            Action::ReadSeeker
            | Action::ReadSeekerAudit
            | Action::ReadCandidates
            | Action::ReadApplication => "read",
            Action::UpdateSeeker | Action::ManageCase | Action::ManageVacancies => "update",
            Action::DeleteSeeker => "delete",
            Action::ChangeConsent => "consent",
            Action::ImportVacancies => "import",
            Action::ReadAggregates | Action::SearchAudit => "read",
            Action::Administer => "administer",
            Action::ManageOwnTokens => "tokens",
            Action::ClaimBenefit => "claim",
            Action::ReviewClaim => "review",
            Action::ReadReviewQueue => "read",
            Action::ManagePlan | Action::ManageCourses | Action::ManageApplications => "update",
            Action::Apply => "apply",
            Action::RecordReferral => "refer",
            Action::SettleReferral => "settle referral",
            Action::VerifyEmployer => "verify",
        }
    }
}

/// The facts about the record acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// A job seeker's record and the caseworker whose caseload holds it.
    Seeker {
        id: &'a str,
        caseworker: Option<&'a str>,
    },
    /// An employer organisation (its record, or the owner of a vacancy).
    Employer(&'a str),
    /// An application: the applicant, the caseworker whose caseload holds them, and the
    /// employer it was sent to.
    Application {
        seeker: &'a str,
        caseworker: Option<&'a str>,
        employer: &'a str,
    },
    /// The service as a whole (statistics, accounts, the audit log).
    System,
}

/// Why an action is allowed (recorded in the audit log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    OwnRecord,
    OwnOrganisation,
    Caseload,
    /// A caseworker acting on candidates: only their caseload is shown.
    CaseloadOnly,
    Administrator,
    Role,
}

impl Grant {
    pub fn basis(self) -> &'static str {
        match self {
            Grant::OwnRecord => "own record",
            Grant::OwnOrganisation => "own organisation",
            Grant::Caseload => "caseload",
            Grant::CaseloadOnly => "caseload only",
            Grant::Administrator => "administrator",
            Grant::Role => "role",
        }
    }
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// Nobody is signed in.
    SignInRequired,
    /// The role, the record's owner or the token's scopes do not allow it.
    Forbidden,
}

/// The authorization rules (see the module documentation).
pub fn decide(caller: &Caller, action: Action, target: Target<'_>) -> Result<Grant, Denial> {
    let Some(principal) = caller.principal.as_deref() else {
        return Err(Denial::SignInRequired);
    };
    let scope = match (action, principal.user.role) {
        // The employer reads applications as it reads candidates.
        (Action::ReadApplication, Role::Employer) => Some(Scope::CandidatesRead),
        _ => action.scope(),
    };
    match (&principal.credential, scope) {
        (Credential::Token { .. }, None) => return Err(Denial::Forbidden),
        (Credential::Token { scopes, .. }, Some(scope)) if !scopes.contains(&scope) => {
            return Err(Denial::Forbidden)
        }
        _ => {}
    }
    decide_for_role(&principal.user, action, target).ok_or(Denial::Forbidden)
}

fn decide_for_role(user: &User, action: Action, target: Target<'_>) -> Option<Grant> {
    use Action as A;
    if action == A::ManageOwnTokens {
        return Some(Grant::Role);
    }
    let (seeker, caseworker, employer) = match target {
        Target::Seeker { id, caseworker } => (Some(id), caseworker, None),
        Target::Employer(e) => (None, None, Some(e)),
        Target::Application {
            seeker,
            caseworker,
            employer,
        } => (Some(seeker), caseworker, Some(employer)),
        Target::System => (None, None, None),
    };
    let own_seeker = seeker.is_some() && user.seeker_id.as_deref() == seeker;
    let in_caseload = caseworker.is_some_and(|c| c == user.id);
    let own_employer = employer.is_some() && user.employer_id.as_deref() == employer;
    // Application targets are for ReadApplication only (and that for no other target).
    let application = matches!(target, Target::Application { .. });
    if application != (action == A::ReadApplication) {
        return match user.role {
            Role::Admin if !matches!(action, A::ChangeConsent | A::Apply) => {
                Some(Grant::Administrator)
            }
            _ => None,
        };
    }
    match user.role {
        Role::Seeker => match action {
            A::ReadSeeker
            | A::UpdateSeeker
            | A::DeleteSeeker
            | A::ChangeConsent
            | A::ReadSeekerAudit
            | A::ClaimBenefit
            | A::ManagePlan
            | A::ManageApplications
            | A::ReadApplication
            | A::Apply
            | A::SettleReferral
                if own_seeker =>
            {
                Some(Grant::OwnRecord)
            }
            _ => None,
        },
        Role::Employer => match action {
            A::ManageVacancies | A::ReadCandidates | A::ImportVacancies | A::ReadApplication
                if own_employer =>
            {
                Some(Grant::OwnOrganisation)
            }
            _ => None,
        },
        Role::Caseworker => match action {
            A::ReadSeeker
            | A::UpdateSeeker
            | A::ManageCase
            | A::ClaimBenefit
            | A::ReviewClaim
            | A::ManagePlan
            | A::ManageApplications
            | A::ReadApplication
            | A::RecordReferral
            | A::SettleReferral
                if in_caseload =>
            {
                Some(Grant::Caseload)
            }
            A::VerifyEmployer => Some(Grant::Role),
            A::ReadReviewQueue => Some(Grant::CaseloadOnly),
            A::ReadCandidates if matches!(target, Target::Employer(_)) => Some(Grant::CaseloadOnly),
            A::ReadAggregates => Some(Grant::Role),
            _ => None,
        },
        Role::Analyst => match action {
            A::ReadAggregates => Some(Grant::Role),
            _ => None,
        },
        Role::Admin => match action {
            // Consent, and applying for work, are the person's own decisions.
            A::ChangeConsent | A::Apply => None,
            _ => Some(Grant::Administrator),
        },
    }
}

/// Authorizes an action on a job seeker's record, logging the attempt (allowed or not) to the
/// audit log with `purpose`. The record need not exist yet.
pub async fn authorize_seeker(
    state: &App,
    caller: &Caller,
    action: Action,
    seeker_id: &str,
    purpose: &str,
) -> Result<Grant, AppError> {
    let caseworker = state.store().caseworker_of(seeker_id).await?;
    let decision = decide(
        caller,
        action,
        Target::Seeker {
            id: seeker_id,
            caseworker: caseworker.as_deref(),
        },
    );
    let verb = match decision {
        Ok(_) => action.verb().to_string(),
        Err(_) => format!("denied {}", action.verb()),
    };
    let basis = decision.map_or("refused", Grant::basis);
    record(
        state,
        caller,
        &verb,
        "seeker",
        seeker_id,
        Some(seeker_id),
        &format!("{purpose} ({basis})"),
    )
    .await?;
    Ok(decision?)
}

/// Authorizes reading one application (`application_id`, from `seeker` to `employer`),
/// logging the attempt (allowed or not) to the applicant's audit trail.
pub async fn authorize_application(
    state: &App,
    caller: &Caller,
    application_id: &str,
    seeker: &str,
    employer: &str,
) -> Result<Grant, AppError> {
    let caseworker = state.store().caseworker_of(seeker).await?;
    let decision = decide(
        caller,
        Action::ReadApplication,
        Target::Application {
            seeker,
            caseworker: caseworker.as_deref(),
            employer,
        },
    );
    let verb = match decision {
        Ok(_) => "read",
        Err(_) => "denied read",
    };
    let basis = decision.map_or("refused", Grant::basis);
    record(
        state,
        caller,
        verb,
        "application",
        application_id,
        Some(seeker),
        &format!("read application ({basis})"),
    )
    .await?;
    Ok(decision?)
}

/// Refuses anonymous callers before a handler reads its input (so that they learn nothing
/// from validation errors); the full decision follows once the target is known.
pub fn require_signed_in(caller: &Caller) -> Result<(), AppError> {
    match caller.principal {
        Some(_) => Ok(()),
        None => Err(Denial::SignInRequired.into()),
    }
}

/// Authorizes an action on an employer's vacancies or record.
pub fn authorize_employer(
    caller: &Caller,
    action: Action,
    employer_id: &str,
) -> Result<Grant, AppError> {
    Ok(decide(caller, action, Target::Employer(employer_id))?)
}

/// Authorizes an action on the service as a whole.
pub fn authorize_system(caller: &Caller, action: Action) -> Result<Grant, AppError> {
    Ok(decide(caller, action, Target::System)?)
}

/// Appends one entry to the audit log.
pub async fn record(
    state: &App,
    caller: &Caller,
    action: &str,
    subject_kind: &str,
    subject_id: &str,
    seeker_id: Option<&str>,
    purpose: &str,
) -> Result<(), AppError> {
    let entry = entry(caller, action, subject_kind, subject_id, seeker_id, purpose);
    crate::audit_writer::append(state, vec![entry]).await?;
    Ok(())
}

/// An audit entry by `caller`.
pub fn entry(
    caller: &Caller,
    action: &str,
    subject_kind: &str,
    subject_id: &str,
    seeker_id: Option<&str>,
    purpose: &str,
) -> NewAuditEntry {
    let user = caller.user();
    NewAuditEntry {
        actor_id: user.map(|u| audit_id(&u.id).to_string()),
        actor_role: user.map_or("anonymous", |u| u.role.as_str()).to_string(),
        action: audit_purpose(action),
        subject_kind: audit_id(subject_kind).to_string(),
        subject_id: audit_id(subject_id).to_string(),
        // An id that is no id is nobody's: it joins no seeker's trail.
        seeker_id: seeker_id.filter(|s| is_audit_id(s)).map(str::to_string),
        purpose: audit_purpose(purpose),
        request_id: audit_id(&caller.request_id).to_string(),
    }
}

/// Longest id written to the audit log, in bytes.
pub const MAX_AUDIT_ID_BYTES: usize = 128;
/// Longest purpose (or action) written to the audit log, in bytes.
pub const MAX_PURPOSE_BYTES: usize = 256;
/// What the audit log records instead of an id that has no id's shape (a caller's text). It
/// cannot be an id itself (space and parentheses).
pub const INVALID_ID: &str = "(invalid id)";

/// Whether `text` has the shape of an id: 1 to 128 bytes of ASCII letters, digits and `-_.:@`.
pub fn is_audit_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_AUDIT_ID_BYTES
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'@'))
}

/// `text` when it has the shape of an id, else [`INVALID_ID`].
pub fn audit_id(text: &str) -> &str {
    if is_audit_id(text) {
        text
    } else {
        INVALID_ID
    }
}

/// A purpose as the audit log keeps it: the words of the fixed text with every word that is
/// not id-shaped (bar the `(…)` basis and `key=value` flags made of id characters) replaced
/// by [`INVALID_ID`], cut at [`MAX_PURPOSE_BYTES`].
pub fn audit_purpose(purpose: &str) -> String {
    let mut out = String::new();
    for word in purpose.split(' ').filter(|w| !w.is_empty()) {
        let bare = word
            .trim_start_matches('(')
            .trim_end_matches(')')
            .trim_end_matches(':')
            .replace('=', "");
        let word = if bare.is_empty() || is_audit_id(&bare) {
            word
        } else {
            INVALID_ID
        };
        if out.len() + word.len() + 1 > MAX_PURPOSE_BYTES {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Principal;
    use std::sync::Arc;

    fn caller(role: Role, credential: Credential) -> Caller {
        Caller {
            principal: Some(Arc::new(Principal {
                user: User {
                    id: format!("u-{}", role.as_str()),
                    email: String::new(),
                    display_name: String::new(),
                    role,
                    seeker_id: (role == Role::Seeker).then(|| "s-1".to_string()),
                    employer_id: (role == Role::Employer).then(|| "e-1".to_string()),
                    office_id: None,
                    language: "en".into(),
                },
                credential,
            })),
            request_id: String::new(),
        }
    }

    fn session(role: Role) -> Caller {
        caller(role, Credential::Session { csrf: "x".into() })
    }

    const OWN: Target = Target::Seeker {
        id: "s-1",
        caseworker: Some("u-caseworker"),
    };
    const OTHER: Target = Target::Seeker {
        id: "s-2",
        caseworker: Some("u-someone-else"),
    };

    #[test]
    fn nobody_signed_in_is_asked_to_sign_in() {
        let anonymous = Caller {
            principal: None,
            request_id: String::new(),
        };
        assert_eq!(
            decide(&anonymous, Action::ReadSeeker, OWN),
            Err(Denial::SignInRequired)
        );
    }

    #[test]
    fn seekers_reach_only_their_own_record() {
        let seeker = session(Role::Seeker);
        assert_eq!(
            decide(&seeker, Action::ReadSeeker, OWN),
            Ok(Grant::OwnRecord)
        );
        assert_eq!(
            decide(&seeker, Action::ChangeConsent, OWN),
            Ok(Grant::OwnRecord)
        );
        assert_eq!(
            decide(&seeker, Action::ReadSeeker, OTHER),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&seeker, Action::ManageCase, OWN),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&seeker, Action::ReadCandidates, Target::Employer("e-1")),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn caseworkers_reach_their_caseload_but_never_consent() {
        let caseworker = session(Role::Caseworker);
        assert_eq!(
            decide(&caseworker, Action::ReadSeeker, OWN),
            Ok(Grant::Caseload)
        );
        assert_eq!(
            decide(&caseworker, Action::ManageCase, OWN),
            Ok(Grant::Caseload)
        );
        assert_eq!(
            decide(&caseworker, Action::ReadSeeker, OTHER),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&caseworker, Action::ChangeConsent, OWN),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&caseworker, Action::DeleteSeeker, OWN),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&caseworker, Action::Apply, OWN),
            Err(Denial::Forbidden),
            "applying is the seeker's decision"
        );
        assert_eq!(
            decide(&caseworker, Action::RecordReferral, OWN),
            Ok(Grant::Caseload)
        );
        assert_eq!(
            decide(&caseworker, Action::RecordReferral, OTHER),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn only_the_seeker_decides_consent_and_applies() {
        let admin = session(Role::Admin);
        for action in [Action::ChangeConsent, Action::Apply] {
            assert_eq!(decide(&admin, action, OWN), Err(Denial::Forbidden));
            assert_eq!(
                decide(&session(Role::Seeker), action, OWN),
                Ok(Grant::OwnRecord)
            );
        }
        let employer = session(Role::Employer);
        assert_eq!(
            decide(&employer, Action::RecordReferral, OWN),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&employer, Action::VerifyEmployer, Target::System),
            Err(Denial::Forbidden),
            "no employer approves itself"
        );
    }

    #[test]
    fn employers_reach_only_their_organisation() {
        let employer = session(Role::Employer);
        assert_eq!(
            decide(&employer, Action::ManageVacancies, Target::Employer("e-1")),
            Ok(Grant::OwnOrganisation)
        );
        assert_eq!(
            decide(&employer, Action::ManageVacancies, Target::Employer("e-2")),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&employer, Action::ReadSeeker, OWN),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn analysts_see_aggregates_only() {
        let analyst = session(Role::Analyst);
        assert_eq!(
            decide(&analyst, Action::ReadAggregates, Target::System),
            Ok(Grant::Role)
        );
        for action in [
            Action::ReadSeeker,
            Action::ReadSeekerAudit,
            Action::ManageCase,
        ] {
            assert_eq!(decide(&analyst, action, OWN), Err(Denial::Forbidden));
        }
        assert_eq!(
            decide(&analyst, Action::ReadCandidates, Target::Employer("e-1")),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn tokens_allow_no_more_than_their_scopes() {
        let token = caller(
            Role::Admin,
            Credential::Token {
                id: "t".into(),
                scopes: vec![Scope::VacanciesWrite],
            },
        );
        assert_eq!(
            decide(&token, Action::ImportVacancies, Target::System),
            Ok(Grant::Administrator)
        );
        assert_eq!(
            decide(&token, Action::ReadSeeker, OWN),
            Err(Denial::Forbidden)
        );
        assert_eq!(
            decide(&token, Action::ManageOwnTokens, Target::System),
            Err(Denial::Forbidden),
            "a token cannot mint tokens"
        );
    }

    #[test]
    fn applications_are_read_by_their_parties_only() {
        let application = |caseworker| Target::Application {
            seeker: "s-1",
            caseworker,
            employer: "e-1",
        };
        let mine = application(Some("u-caseworker"));
        let elsewhere = Target::Application {
            seeker: "s-2",
            caseworker: Some("u-someone-else"),
            employer: "e-2",
        };
        let read = Action::ReadApplication;
        assert_eq!(
            decide(&session(Role::Seeker), read, mine),
            Ok(Grant::OwnRecord)
        );
        assert_eq!(
            decide(&session(Role::Employer), read, mine),
            Ok(Grant::OwnOrganisation)
        );
        assert_eq!(
            decide(&session(Role::Caseworker), read, mine),
            Ok(Grant::Caseload)
        );
        assert_eq!(
            decide(&session(Role::Admin), read, elsewhere),
            Ok(Grant::Administrator)
        );
        for role in [
            Role::Seeker,
            Role::Employer,
            Role::Caseworker,
            Role::Analyst,
        ] {
            assert_eq!(
                decide(&session(role), read, elsewhere),
                Err(Denial::Forbidden),
                "{role:?}"
            );
        }
        assert_eq!(
            decide(&session(Role::Caseworker), read, application(None)),
            Err(Denial::Forbidden),
            "a seeker in nobody's caseload"
        );
        // An application target is for reading applications only.
        assert_eq!(
            decide(&session(Role::Employer), Action::ManageVacancies, mine),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn audit_entries_keep_ids_and_fixed_words_only() {
        assert_eq!(audit_id("demo-seeker-0000000"), "demo-seeker-0000000");
        assert_eq!(audit_id("a@b.example"), "a@b.example");
        assert_eq!(audit_id(&"x".repeat(129)), INVALID_ID);
        assert_eq!(audit_id("<script>"), INVALID_ID);
        assert_eq!(audit_id("名字"), INVALID_ID);
        assert_eq!(audit_id(""), INVALID_ID);
        assert!(!is_audit_id(INVALID_ID), "the marker is no id");
        assert_eq!(
            audit_purpose("consent findable=true outreach=false (own record)"),
            "consent findable=true outreach=false (own record)"
        );
        let long = format!("apply for vacancy {} (refused)", "x".repeat(1 << 20));
        assert_eq!(
            audit_purpose(&long),
            "apply for vacancy (invalid id) (refused)"
        );
        let many = "word ".repeat(1000);
        assert!(audit_purpose(&many).len() <= MAX_PURPOSE_BYTES);
        let entry = entry(
            &session(Role::Employer),
            "denied read",
            "seeker",
            &"s".repeat(5000),
            Some(&"s".repeat(5000)),
            "read record (refused)",
        );
        assert_eq!(entry.subject_id, INVALID_ID);
        assert_eq!(entry.seeker_id, None, "nobody's trail");
    }
}
