//! OpenPES over HTTP, what the JSON API (`openpes-api`) and the web pages (`openpes-web`)
//! share, so that neither depends on the other:
//!
//! - [`auth`]: the signed-in caller of a request (a session cookie or an API token, resolved
//!   by the application layer), the session cookie, and the CSRF check of cookie changes;
//! - [`error`]: an error as an HTTP answer — the status from the application's error kind in
//!   one table, rendered as RFC 9457 problem+json — and the path, query and body extractors
//!   whose rejections are problems too;
//! - [`rate_limit`]: the client's address (through trusted proxies only) and a per-client
//!   rate limit;
//! - [`i18n`]: the language a request asks for.
//!
//! The use cases themselves are the application layer's (`openpes-app`).

pub mod auth;
pub mod error;
pub mod i18n;
pub mod rate_limit;

/// The application's state, as the handlers of the API and the pages hold it.
pub use openpes_app::App as AppState;

/// Largest file upload (a CV as PDF or DOCX), in bytes; other requests have a smaller body
/// limit (the server's `Limits::max_body_bytes`).
pub const MAX_UPLOAD_BYTES: usize = 10 << 20;
