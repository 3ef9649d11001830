//! Errors of the use cases: what went wrong ([`ErrorKind`], no HTTP status) and the
//! catalogue [`Message`] that tells the user, in their language. The HTTP API maps each kind
//! to a status in one table; the web pages render the same message on an error page; the CLI
//! prints it. An internal error's cause is logged where it happens and never shown.

use crate::access::Denial;
use crate::words::Message;

/// What kind of failure an [`AppError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request is malformed (a missing or contradictory parameter).
    BadRequest,
    /// Nobody is signed in, or the credentials are wrong.
    Unauthenticated,
    /// The caller may not do this.
    Forbidden,
    /// The thing asked for does not exist (or is not the caller's to see).
    NotFound,
    /// The change meets the state of the record (taken, changed meanwhile, a duplicate).
    Conflict,
    /// It existed but is gone for good (a used or expired link).
    Gone,
    /// A record's fields are wrong; the message names each.
    Invalid,
    /// Too many attempts; try again later.
    TooManyAttempts,
    /// Something the service depends on is not there now.
    Unavailable,
    /// The input is larger than allowed.
    TooLarge,
    /// A file in a format that is not read (an old `.doc`, RTF, an image).
    UnsupportedFormat,
    /// A fault of the service, not of the caller.
    Internal,
}

/// An error of a use case.
#[derive(Debug)]
pub struct AppError {
    pub kind: ErrorKind,
    pub message: Message,
}

impl AppError {
    pub fn new(kind: ErrorKind, message: Message) -> Self {
        AppError { kind, message }
    }

    pub fn bad_request(message: Message) -> Self {
        AppError::new(ErrorKind::BadRequest, message)
    }

    pub fn not_found(message: Message) -> Self {
        AppError::new(ErrorKind::NotFound, message)
    }

    /// An internal error: the cause is logged here and never shown to the user.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        AppError::new(ErrorKind::Internal, Message::Internal)
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.render(crate::words::UiLang::En))
    }
}

impl std::error::Error for AppError {}

impl From<openpes_store::StoreError> for AppError {
    fn from(error: openpes_store::StoreError) -> Self {
        match error {
            // A write that met another at the same moment: the caller may try again.
            openpes_store::StoreError::Busy(_) => AppError::new(ErrorKind::Conflict, Message::Busy),
            // A decision on a claim version that another decision already used.
            openpes_store::StoreError::Stale(_) => {
                AppError::new(ErrorKind::Conflict, Message::ClaimChanged)
            }
            other => AppError::internal(&other),
        }
    }
}

impl From<Denial> for AppError {
    fn from(denial: Denial) -> AppError {
        match denial {
            Denial::SignInRequired => {
                AppError::new(ErrorKind::Unauthenticated, Message::SignInRequired)
            }
            Denial::Forbidden => AppError::new(ErrorKind::Forbidden, Message::Forbidden),
        }
    }
}

/// A record that does not exist (or is not the caller's to see).
pub fn not_found(kind: &'static str, id: &str) -> AppError {
    AppError::not_found(Message::RecordNotFound {
        kind,
        id: id.to_string(),
    })
}

/// A record whose fields are wrong, every field named.
pub fn invalid(errors: openpes_matching::InvalidRecord) -> AppError {
    AppError::new(
        ErrorKind::Invalid,
        Message::InvalidRecord(errors.0.into_iter().map(|e| (e.field, e.message)).collect()),
    )
}

/// Runs CPU-heavy work (extraction, scoring, password hashing) off the async workers.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(&e))
}
