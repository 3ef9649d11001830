//! Who is calling, over HTTP: the session cookie, API tokens in `Authorization: Bearer`, and
//! CSRF.
//!
//! The [`authenticate`] middleware runs once for every request. It asks the application layer
//! who the presented credentials belong to ([`openpes_app::auth::resolve`]), checks the CSRF
//! token of every cookie-authenticated change (header `X-CSRF-Token`, or the `csrf` field of a
//! form), and leaves a [`Caller`] in the request's extensions for handlers to take. Accounts,
//! roles, passwords and sessions themselves are [`openpes_app::auth`]'s.

use crate::error::ApiError;
use crate::i18n::Message;
use crate::AppState;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub use openpes_app::auth::{
    check_password_rules, digest, hash_password, login, new_secret, open_session, verify_password,
    Credential, NewSession, Principal, Role, Scope, User, PASSWORD_CHARS, SESSION_HOURS,
};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "openpes_session";

/// The caller of one request, as handlers take it (an extractor around the application
/// layer's [`openpes_app::auth::Caller`], which it dereferences to).
#[derive(Debug, Clone)]
pub struct Caller(pub openpes_app::auth::Caller);

impl std::ops::Deref for Caller {
    type Target = openpes_app::auth::Caller;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Caller(
            parts
                .extensions
                .get::<openpes_app::auth::Caller>()
                .cloned()
                .unwrap_or(openpes_app::auth::Caller {
                    principal: None,
                    request_id: request_id(parts.headers.get("x-request-id")),
                }),
        ))
    }
}

fn request_id(value: Option<&HeaderValue>) -> String {
    value
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// The `Set-Cookie` value that stores a session in the browser.
pub fn session_cookie(state: &AppState, value: &str) -> String {
    let secure = if state.security().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session cookie's value in a request, if any.
pub fn session_cookie_value(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
}

fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Largest form body read to find its `csrf` field.
const MAX_FORM_BYTES: usize = 1 << 20;

/// Middleware: resolves the caller, enforces CSRF on cookie-authenticated changes, and puts
/// the [`Caller`] into the request's extensions.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let request_id = request_id(request.headers().get("x-request-id"));
    let session = session_cookie_value(request.headers());
    let presented = openpes_app::auth::Presented {
        bearer: bearer(request.headers()),
        session: session.as_deref(),
    };
    let principal = match openpes_app::auth::resolve(&state, presented, state.now()).await {
        Ok(principal) => principal,
        Err(error) => return ApiError::from(error).into_response(),
    };
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let mut request = request;
    if let Some(Principal {
        credential: Credential::Session { csrf },
        ..
    }) = &principal
    {
        if unsafe_method {
            match csrf_of(request).await {
                Ok((given, rebuilt)) if given.as_deref() == Some(csrf.as_str()) => {
                    request = rebuilt
                }
                Ok(_) => {
                    return ApiError::new(StatusCode::FORBIDDEN, Message::CsrfMismatch)
                        .into_response()
                }
                Err(response) => return response,
            }
        }
    }
    request.extensions_mut().insert(openpes_app::auth::Caller {
        principal: principal.map(Arc::new),
        request_id,
    });
    let response = next.run(request).await;
    if unsafe_method {
        // Whatever it changed (a session, a token, an account), no remembered credential
        // outlives it on this node.
        state.credentials().invalidate();
    }
    response
}

/// The CSRF token a request carries, and the request rebuilt (its body may have been read).
async fn csrf_of(request: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(value) = request.headers().get("x-csrf-token") {
        let given = value.to_str().ok().map(str::to_string);
        return Ok((given, request));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let multipart = content_type.starts_with("multipart/form-data");
    if !content_type.starts_with("application/x-www-form-urlencoded") && !multipart {
        return Ok((None, request));
    }
    let limit = if multipart {
        crate::MAX_UPLOAD_BYTES
    } else {
        MAX_FORM_BYTES
    };
    let (parts, body) = request.into_parts();
    let too_large =
        || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, Message::PayloadTooLarge).into_response();
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| too_large())?;
    let given = if multipart {
        multipart_field(&content_type, bytes.clone(), "csrf").await
    } else {
        form_urlencoded_field(&bytes, "csrf")
    };
    Ok((given, Request::from_parts(parts, Body::from(bytes))))
}

/// The text of the first part named `name` of a multipart form (file uploads).
async fn multipart_field(
    content_type: &str,
    body: axum::body::Bytes,
    name: &str,
) -> Option<String> {
    use axum::extract::FromRequest;
    let probe = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .ok()?;
    let mut form = axum::extract::Multipart::from_request(probe, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) {
            return field.text().await.ok();
        }
    }
    None
}

/// The first value of `name` in a URL-encoded form body.
fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded_pairs(body)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_field_is_read_from_forms() {
        assert_eq!(
            form_urlencoded_field(b"a=1&csrf=abc%20d&b=2", "csrf").as_deref(),
            Some("abc d")
        );
        assert_eq!(form_urlencoded_field(b"a=1", "csrf"), None);
        assert_eq!(form_urlencoded_field(b"%%%", "csrf"), None);
    }

    #[test]
    fn session_cookie_is_found_among_others() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("lang=en; openpes_session=abc123; x=y"),
        );
        assert_eq!(session_cookie_value(&headers).as_deref(), Some("abc123"));
        headers.insert(header::COOKIE, HeaderValue::from_static("openpes_session="));
        assert_eq!(session_cookie_value(&headers), None);
    }
}
