//! The OpenPES server, the composition root: it joins the JSON API (`openpes-api`), the web
//! pages (`openpes-web`) and the HTTP layers they share (`openpes-http`) into one router over
//! the application (`openpes-app`), and serves it. It holds no use case and no page.
//!
//! [`AppState`] is the application layer's `App` (`openpes_app`), re-exported with the modules
//! that moved there (`access`, `benefits`, `follow`, `lockout`, `suggest`) so that their old
//! paths keep working. [`router`] assembles the API under `/api/v1`, the web pages, health
//! probes, the OpenAPI document and its browsable page, with request ids, structured request
//! logs, security headers, request body limits, a timeout, a per-client rate limit and
//! problem+json errors for everything that fails.

pub use openpes_api::{dto, openapi, routes};
pub use openpes_http::{auth, error, i18n, rate_limit, MAX_UPLOAD_BYTES};
pub use openpes_web as web;

pub use openpes_app::{access, benefits, follow, lockout, suggest};
pub use openpes_app::{
    load_taxonomy, load_versioned_taxonomy, App as AppState, Clock, FixedClock, GuidanceHandles,
    LoadError, MatchingLoad, Security, SystemClock, EXTRACTION_LANG,
};

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, Request};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Limits applied to every request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest time a request may take.
    pub request_timeout: Duration,
    /// Sustained requests per second allowed to one client IP (0: no limit).
    pub requests_per_second: u32,
    /// Requests one client may send at once above the sustained rate.
    pub burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1 << 20,
            request_timeout: Duration::from_secs(30),
            requests_per_second: 50,
            burst: 100,
        }
    }
}

/// The complete application router.
pub fn router(state: AppState, limits: Limits) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let (api, _) = routes::bounded().split_for_parts();
    let (upload_api, _) = routes::uploads().split_for_parts();
    let bounded = Router::new()
        .route("/api/docs", get(api_docs))
        .route("/api/v1/openapi.json", get(openapi_document))
        .route("/static/api-docs.css", get(api_docs_css))
        .merge(api)
        .merge(web::routes(&state))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            limits.max_body_bytes,
            reject_nul,
        ));
    let uploads = Router::new()
        .merge(upload_api)
        .merge(web::upload_routes(&state))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES));
    bounded
        .merge(uploads)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .with_state(state)
        // Innermost first: body limits (per route, above), timeouts, rate limits, then problem
        // rendering (so that the limits' own answers become problem+json), then request ids
        // and logs around everything.
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(match rate_limit::ClientRateLimit::new(limits.requests_per_second, limits.burst) {
            Some(limit) => tower::util::Either::Left(axum::middleware::from_fn_with_state(
                limit,
                rate_limit::limit_rate,
            )),
            None => tower::util::Either::Right(tower::layer::util::Identity::new()),
        })
        .layer(axum::middleware::from_fn(error::render_problems))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
            }),
        )
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// A NUL character is text no record may hold (PostgreSQL refuses it in text, and it hides
/// the rest of a string from C tools): a URL or body carrying one — raw, `%00` or JSON's
/// `\u0000` — is a 422 before any handler sees it. File uploads, which are binary, are read
/// by the document reader instead, which never passes one on.
async fn reject_nul(
    axum::extract::State(limit): axum::extract::State<usize>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let nul_error = |field: &str| {
        error::ApiError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            i18n::Message::InvalidRecord(vec![(
                field.to_string(),
                "contains a NUL character".to_string(),
            )]),
        )
        .into_response()
    };
    let url = request.uri().to_string();
    if url.contains('\0') || contains_ignore_case(url.as_bytes(), b"%00") {
        return nul_error("url");
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return error::ApiError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                i18n::Message::PayloadTooLarge,
            )
            .into_response()
        }
    };
    if bytes.contains(&0)
        || contains_ignore_case(&bytes, b"\\u0000")
        || contains_ignore_case(&bytes, b"%00")
    {
        return nul_error("body");
    }
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}

/// Whether `needle` (ASCII) occurs in `haystack`, ignoring ASCII case.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle))
}

/// The pages load nothing from elsewhere and run no inline script or style, so the policy is
/// strict; no page may be framed (clickjacking).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// Security headers on every answer. An answer that says nothing of caching is not cached
/// (personal data must not stay in shared or browser caches); the public static files and the
/// API docs say otherwise themselves.
async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::HeaderValue;
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn api_docs_css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        openapi::DOCS_CSS,
    )
}

async fn openapi_document() -> Json<serde_json::Value> {
    Json(openapi::openapi_json())
}

async fn api_docs() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-cache")],
        Html(openapi::docs_html(&openapi::openapi_json())),
    )
}

/// Limits on each connection, against clients that hold connections open without using them
/// (slowloris).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Longest time a client may take to send a request's headers.
    pub header_read_timeout: Duration,
    /// A connection on which nothing is read or written for this long is closed. Keep it
    /// longer than [`Limits::request_timeout`]: a request being worked on sends nothing.
    pub idle_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, with the default
/// [`ConnectionLimits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, ConnectionLimits::default(), shutdown).await
}

/// Serves `router` on `listener` until `shutdown` resolves: HTTP/1.1, each connection closed
/// when its headers take longer than `limits.header_read_timeout` or when it is idle for
/// `limits.idle_timeout`; on shutdown, connections finish their requests first.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Too many open files and the like: wait a little and go on accepting.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(remote));
                request
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let io = TokioIo::new(idle::IdleTimeout::new(stream, limits.idle_timeout));
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .serve_connection(io, service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %remote, "connection closed");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

mod idle {
    //! A stream that fails with `TimedOut` when nothing is read or written for a while.

    use std::future::Future;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
    use tokio::time::{Instant, Sleep};

    /// `inner` with an idle deadline that every successful read or write moves on.
    pub(crate) struct IdleTimeout<S> {
        inner: S,
        deadline: Pin<Box<Sleep>>,
        idle: Duration,
    }

    impl<S> IdleTimeout<S> {
        pub(crate) fn new(inner: S, idle: Duration) -> Self {
            IdleTimeout {
                inner,
                deadline: Box::pin(tokio::time::sleep(idle)),
                idle,
            }
        }

        /// Something moved: the deadline starts again.
        fn touched(&mut self) {
            let next = Instant::now() + self.idle;
            self.deadline.as_mut().reset(next);
        }

        /// `Err(TimedOut)` once the deadline has passed (a wake-up is registered for it
        /// otherwise).
        fn expired(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
            match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "connection idle for too long",
                )),
                Poll::Pending => Ok(()),
            }
        }

        /// The answer of an inner poll: the deadline moves on when it is ready, and a pending
        /// one fails once the connection has been idle too long.
        fn watch<T>(
            &mut self,
            cx: &mut Context<'_>,
            polled: Poll<io::Result<T>>,
        ) -> Poll<io::Result<T>> {
            match polled {
                Poll::Ready(result) => {
                    self.touched();
                    Poll::Ready(result)
                }
                Poll::Pending => match self.expired(cx) {
                    Ok(()) => Poll::Pending,
                    Err(e) => Poll::Ready(Err(e)),
                },
            }
        }
    }

    impl<S: AsyncRead + Unpin> AsyncRead for IdleTimeout<S> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
            this.watch(cx, polled)
        }
    }

    impl<S: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<S> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            let polled = Pin::new(&mut this.inner).poll_write(cx, buf);
            this.watch(cx, polled)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            let polled = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
            this.watch(cx, polled)
        }

        fn is_write_vectored(&self) -> bool {
            self.inner.is_write_vectored()
        }
    }
}
