//! Errors as RFC 9457 problem details (`application/problem+json`).
//!
//! Handlers return [`ApiError`] — an HTTP status and a catalogue [`Message`]; an application
//! error ([`AppError`]) becomes one through [`status_of`], the one table from error kind to
//! status. The response
//! carries the message as an extension; the [`render_problems`] middleware then writes the body
//! in the caller's language with the request id, so that every error (including those produced
//! by layers, such as a body over the size limit, and unknown routes) has the same shape.
//! Internal details are logged, never returned.

use crate::i18n::{Message, UiLang};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use openpes_app::{AppError, ErrorKind};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answer of the API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: Message,
}

impl ApiError {
    pub fn new(status: StatusCode, message: Message) -> Self {
        ApiError { status, message }
    }

    pub fn bad_request(message: Message) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn not_found(message: Message) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }

    /// An internal error: the cause is logged here and never sent to the client.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Message::Internal)
    }
}

/// The one table from what went wrong in a use case to the HTTP status that says it.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Gone => StatusCode::GONE,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedFormat => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError::new(status_of(error.kind), error.message)
    }
}

impl From<openpes_store::StoreError> for ApiError {
    fn from(error: openpes_store::StoreError) -> Self {
        ApiError::from(AppError::from(error))
    }
}

impl From<openpes_app::access::Denial> for ApiError {
    fn from(denial: openpes_app::access::Denial) -> Self {
        ApiError::from(AppError::from(denial))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Message::AccountLocked { retry_after_secs } = &self.message {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response.extensions_mut().insert(self.message);
        response
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI identifying the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short, human-readable summary of the problem type (in the caller's language).
    pub title: String,
    pub status: u16,
    /// Explanation of this occurrence (in the caller's language).
    pub detail: String,
    /// Stable machine-readable code (e.g. `unknown_value`).
    pub code: String,
    /// The request path.
    pub instance: String,
    /// The request id, also in the `x-request-id` header and the logs.
    pub request_id: String,
    /// For invalid records: every field that is wrong, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One invalid field of a record.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// Path of the field, e.g. `essential_skills[2]` or `line 7: title`.
    pub field: String,
    pub message: String,
}

/// Middleware that renders [`ApiError`]s — and bare error statuses from layers and the router —
/// as problem+json in the caller's language.
pub async fn render_problems(request: Request, next: Next) -> Response {
    let lang = request_language(&request);
    let path = request.uri().path().to_string();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let mut response = next.run(request).await;
    let status = response.status();
    let message = match response.extensions_mut().remove::<Message>() {
        Some(message) => message,
        None if status == StatusCode::PAYLOAD_TOO_LARGE => Message::PayloadTooLarge,
        None if status == StatusCode::REQUEST_TIMEOUT => Message::Timeout,
        None if status == StatusCode::NOT_FOUND && is_empty(&response) => Message::NotFound,
        None if status == StatusCode::METHOD_NOT_ALLOWED => Message::MethodNotAllowed,
        None => return response,
    };
    let problem = Problem {
        problem_type: format!("urn:openpes:problem:{}", message.code()),
        title: message.title(lang).to_string(),
        status: status.as_u16(),
        detail: message.render(lang),
        code: message.code().to_string(),
        instance: path,
        request_id,
        errors: match &message {
            Message::InvalidRecord(errors) => errors
                .iter()
                .map(|(field, message)| FieldProblem {
                    field: field.clone(),
                    message: message.clone(),
                })
                .collect(),
            _ => Vec::new(),
        },
    };
    let mut out = (status, axum::Json(problem)).into_response();
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

fn is_empty(response: &Response) -> bool {
    use axum::body::HttpBody;
    response.body().size_hint().exact() == Some(0)
}

/// The caller's language: `ui_lang` query parameter, else `Accept-Language`, else English.
pub fn request_language<B>(request: &axum::http::Request<B>) -> UiLang {
    if let Some(query) = request.uri().query() {
        for pair in query.split('&') {
            if let Some(value) = pair.strip_prefix("ui_lang=") {
                if let Some(lang) = UiLang::from_tag(value) {
                    return lang;
                }
            }
        }
    }
    request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(UiLang::En, UiLang::from_accept_language)
}

/// `Query<T>` whose rejections are problem+json 400s.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| ApiQuery(q.0))
            .map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))
    }
}

/// `Path<T>` whose rejections are problem+json 400s.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))
    }
}
