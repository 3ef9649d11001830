//! The message catalogue lives in the application layer ([`openpes_app::words`]); this module
//! re-exports it and picks a request's language from its `lang` parameter and headers.

pub use openpes_app::words::*;

/// The language a request asks for: its `lang` parameter, else its `Accept-Language` header,
/// else English.
pub fn request_lang(param: Option<&str>, headers: &axum::http::HeaderMap) -> UiLang {
    UiLang::asked(
        param,
        headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}
