//! Per-client request rate limiting (GCRA token buckets keyed by the peer's IP address, from
//! the `governor` crate). A client over its budget gets `429 Too Many Requests` as
//! problem+json with a `Retry-After` header. Health probes are never limited.

use crate::error::ApiError;
use crate::i18n::Message;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A shared limiter: `per_second` sustained requests per client, bursts up to `burst`.
#[derive(Clone)]
pub struct ClientRateLimit {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    requests: Arc<AtomicU64>,
}

impl ClientRateLimit {
    /// `None` when `per_second` is 0 (limiting switched off).
    pub fn new(per_second: u32, burst: u32) -> Option<Self> {
        let per_second = NonZeroU32::new(per_second)?;
        let burst = NonZeroU32::new(burst).unwrap_or(per_second);
        Some(ClientRateLimit {
            limiter: Arc::new(RateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(burst),
            )),
            requests: Arc::new(AtomicU64::new(0)),
        })
    }
}

/// The peer address of a request, when the server knows it (it always does when served by
/// [`crate::serve_with`]).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}

/// Middleware: checks the caller's budget before the request goes on.
pub async fn limit_rate(
    State(limit): State<ClientRateLimit>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let probe = path == "/healthz" || path == "/readyz";
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let (Some(ip), false) = (peer, probe) {
        // Forget idle clients now and then so the table does not grow without bound.
        if limit.requests.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            limit.limiter.retain_recent();
        }
        if let Err(not_until) = limit.limiter.check_key(&ip) {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut response =
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, Message::TooManyRequests)
                    .into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            return response;
        }
    }
    next.run(request).await
}
