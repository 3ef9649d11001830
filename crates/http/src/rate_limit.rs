//! Per-client request rate limiting (GCRA token buckets keyed by the peer's IP address, from
//! the `governor` crate). A client over its budget gets `429 Too Many Requests` as
//! problem+json with a `Retry-After` header. Health probes are never limited.
//!
//! Behind a load balancer every request comes from the balancer's address: with
//! [`trust_proxies`], a request from a trusted proxy is taken to come from the client its
//! `X-Forwarded-For` names (the right-most address that is not itself a trusted proxy), for
//! the rate limit and the sign-in lockout alike. From anyone else the header is ignored: a
//! client cannot choose its own address.

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
/// `openpes_server::serve_with`).
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

/// Proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<Vec<ipnet::IpNet>>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.5`) and networks (`10.0.0.0/8`); names the one that is
    /// neither.
    pub fn parse(items: &[String]) -> Result<TrustedProxies, String> {
        let mut networks = Vec::with_capacity(items.len());
        for item in items {
            let item = item.trim();
            let network = match item.parse::<ipnet::IpNet>() {
                Ok(network) => network,
                Err(_) => match item.parse::<IpAddr>() {
                    Ok(ip) => ipnet::IpNet::from(ip),
                    Err(_) => {
                        return Err(format!(
                            "trusted proxy '{item}' is not an IP address or network"
                        ))
                    }
                },
            };
            networks.push(network);
        }
        Ok(TrustedProxies(Arc::new(networks)))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client of a request from `peer` that carried `forwarded` (X-Forwarded-For).
    pub fn client(&self, peer: IpAddr, forwarded: Option<&str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let Some(forwarded) = forwarded else {
            return peer;
        };
        let mut client = peer;
        // Right to left: each hop was added by the proxy before it; stop at the first
        // address no trusted proxy stands for (or at one that is not an address at all).
        for hop in forwarded.rsplit(',').take(32) {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// Middleware: a request from a trusted proxy gets its client's address as its peer.
async fn forwarded_client(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    if let Some(peer) = peer {
        let forwarded = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let forwarded = (!forwarded.is_empty()).then_some(forwarded.as_str());
        let client = proxies.client(peer.ip(), forwarded);
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(request).await
}

/// Wraps `router` so that requests from `proxies` count as their forwarded clients (outermost
/// layer: the rate limit and the lockout see the client). Without proxies, `router` as it is.
pub fn trust_proxies(router: axum::Router, proxies: TrustedProxies) -> axum::Router {
    if proxies.0.is_empty() {
        return router;
    }
    router.layer(axum::middleware::from_fn_with_state(
        proxies,
        forwarded_client,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse()
            .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
    }

    #[test]
    fn only_a_trusted_proxy_can_name_the_client() {
        let proxies =
            TrustedProxies::parse(&["10.0.0.0/8".into(), "192.0.2.7".into()]).unwrap_or_default();
        // From the balancer: the client it names.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), Some("203.0.113.9")),
            ip("203.0.113.9")
        );
        // A client's own claim before the balancer's is not believed: the right-most
        // untrusted address is.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), Some("198.51.100.1, 203.0.113.9, 192.0.2.7")),
            ip("203.0.113.9")
        );
        // From anyone else the header means nothing.
        assert_eq!(
            proxies.client(ip("203.0.113.50"), Some("198.51.100.1")),
            ip("203.0.113.50")
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), Some("not-an-ip")),
            ip("10.1.2.3")
        );
        assert!(TrustedProxies::parse(&["balancer.local".into()]).is_err());
    }
}
