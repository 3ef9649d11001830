//! What the tests of the HTTP API and the web pages share (dev only): [`TestApp`], a server on
//! a fresh database with the starter taxonomy and the matching index loaded; the databases to
//! test against (SQLite always, PostgreSQL when `OPENPES_TEST_DATABASE_URL` names a server);
//! [`on_each_backend!`], which runs one test body on each of them as separate tests; typed
//! helpers (an administrator's token, registration through the mail as sent); and a
//! browser-like HTTP [`Session`].

use openpes_server::{router, AppState, Limits};
use openpes_store::testing::{create_postgres_database, TEST_DATABASE_URL_VAR};
use openpes_store::Store;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;
pub type Error = Box<dyn std::error::Error>;

/// A running server: its base URL and its state (to reach the store, the clock, the indexes).
pub struct Server {
    pub base: String,
    pub state: AppState,
    /// The SQLite database's directory, removed when the server is dropped.
    _dir: Option<tempfile::TempDir>,
}

/// The name the tests use for a running server.
pub type TestApp = Server;

/// A database the tests run against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Server {
    /// A server on a fresh database of `backend`, its clock frozen at the moment it starts
    /// (a test moves it with `state.set_clock`); `None` for PostgreSQL when no server is
    /// configured (the reason is printed; with `CI=true` that is an error, so CI never
    /// skips it).
    pub async fn spawn(backend: Backend) -> Result<Option<Server>, Error> {
        let (url, dir) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir()?;
                (Store::sqlite_url_in(dir.path()), Some(dir))
            }
            Backend::Postgres => match std::env::var(TEST_DATABASE_URL_VAR) {
                Ok(base) if !base.is_empty() => (create_postgres_database(&base).await?, None),
                _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
                    return Err(format!("CI=true but {TEST_DATABASE_URL_VAR} is not set").into())
                }
                _ => {
                    eprintln!("PostgreSQL not configured ({TEST_DATABASE_URL_VAR}); skipped");
                    return Ok(None);
                }
            },
        };
        let mut server = start(&url).await?;
        server
            .state
            .set_clock(std::sync::Arc::new(openpes_server::FixedClock(
                chrono::Utc::now(),
            )));
        server._dir = dir;
        Ok(Some(server))
    }
}

/// Runs one test body on SQLite and on PostgreSQL as two tests, `<name>::sqlite` and
/// `<name>::postgres`, each with its own fresh [`TestApp`] (see [`Server::spawn`]):
///
/// ```ignore
/// on_each_backend! {
///     async fn health_is_ok(app: TestApp) -> TestResult {
///         /* … */
///         Ok(())
///     }
/// }
/// ```
#[macro_export]
macro_rules! on_each_backend {
    ($(#[$meta:meta])* async fn $name:ident($app:ident: TestApp) -> TestResult $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) -> $crate::TestResult $body

            #[tokio::test]
            async fn sqlite() -> $crate::TestResult {
                match $crate::TestApp::spawn($crate::Backend::Sqlite).await? {
                    Some(app) => run(app).await,
                    None => Err("SQLite is always available".into()),
                }
            }

            #[tokio::test]
            async fn postgres() -> $crate::TestResult {
                match $crate::TestApp::spawn($crate::Backend::Postgres).await? {
                    Some(app) => run(app).await,
                    None => Ok(()),
                }
            }
        }
    };
}

pub async fn start(url: &str) -> Result<Server, Error> {
    start_with(
        url,
        openpes_server::Security::default(),
        openpes_server::ConnectionLimits::default(),
    )
    .await
}

/// A server on a fresh database with the starter taxonomy, the given security settings and
/// connection limits, and no rate limit.
pub async fn start_with(
    url: &str,
    security: openpes_server::Security,
    connections: openpes_server::ConnectionLimits,
) -> Result<Server, Error> {
    let limits = Limits {
        requests_per_second: 0,
        ..Limits::default()
    };
    start_with_limits(url, security, connections, limits).await
}

/// The one way the tests start a server: a database (fresh, or one another node already
/// uses) with the starter taxonomy, the matching index loaded, and the given settings.
pub async fn start_with_limits(
    url: &str,
    security: openpes_server::Security,
    connections: openpes_server::ConnectionLimits,
    limits: Limits,
) -> Result<Server, Error> {
    let store = Store::connect(url).await?;
    let starter = openpes_taxonomy::starter::starter_dataset()?;
    store
        .save_dataset(&starter, &[], chrono::Utc::now())
        .await?;
    let (state, _) = AppState::open(store, security).await?;
    let app = router(state.clone(), limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        let _ =
            openpes_server::serve_with(listener, app, connections, std::future::pending()).await;
    });
    Ok(Server {
        base,
        state,
        _dir: None,
    })
}

pub async fn urls() -> Result<(Vec<String>, tempfile::TempDir), Error> {
    let dir = tempfile::tempdir()?;
    let mut out = vec![Store::sqlite_url_in(dir.path())];
    match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(base) if !base.is_empty() => out.push(create_postgres_database(&base).await?),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            return Err(format!("CI=true but {TEST_DATABASE_URL_VAR} is not set").into())
        }
        _ => eprintln!("PostgreSQL not configured ({TEST_DATABASE_URL_VAR}); testing SQLite only"),
    }
    Ok((out, dir))
}

/// A session with an administrator's API token carrying every scope.
pub async fn admin(server: &Server) -> Result<Session, Error> {
    use openpes_server::auth::{Role, Scope};
    let token = openpes_app::people::provision_service_account(
        &server.state,
        "root@test.example",
        Role::Admin,
        &Scope::ALL,
    )
    .await
    .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
    Session::token(&token)
}

/// The confirmation link's secret in the newest message to `recipient` as the mail transport
/// sends it (the outbox people read leaves it out).
pub async fn confirmation_token(server: &Server, recipient: &str) -> Result<String, Error> {
    let recipient = recipient.trim().to_lowercase();
    let sent = server
        .state
        .store()
        .outbox_for_delivery(1_000)
        .await?
        .into_iter()
        .find(|m| m.recipient == recipient)
        .ok_or_else(|| format!("no message to {recipient}"))?;
    let token: String = sent
        .body
        .split("/register/confirm?token=")
        .nth(1)
        .ok_or_else(|| {
            format!(
                "no confirmation link in the message to {recipient}: {}",
                sent.body
            )
        })?
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    Ok(token)
}

/// Registers through the API as a person would: posts the registration (202), reads the
/// confirmation link from the mail as sent, and confirms it with the password chosen when
/// registering (201). Returns the signed-in session
/// (its CSRF token set) and the session's answer (`user`, `csrf_token`).
pub async fn register_and_confirm(
    server: &Server,
    registration: Value,
) -> Result<(Session, Value), Error> {
    let api = format!("{}/api/v1", server.base);
    let mut session = Session::anonymous()?;
    let (status, body) = session
        .send(
            Method::POST,
            &format!("{api}/auth/register"),
            Some(registration.clone()),
        )
        .await?;
    if status != StatusCode::ACCEPTED {
        return Err(format!("registration {status}: {body}").into());
    }
    let email = registration["email"].as_str().unwrap_or_default();
    let password = registration["password"].as_str().unwrap_or_default();
    let token = confirmation_token(server, email).await?;
    let (status, body) = session
        .send(
            Method::POST,
            &format!("{api}/auth/register/confirm"),
            Some(json!({ "token": token, "password": password })),
        )
        .await?;
    if status != StatusCode::CREATED {
        return Err(format!("confirmation {status}: {body}").into());
    }
    session.csrf = body["csrf_token"].as_str().map(str::to_string);
    Ok((session, body))
}

/// A browser-like client: keeps cookies, and sends the session's CSRF token once known.
pub struct Session {
    pub client: Client,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Session {
    pub fn anonymous() -> Result<Session, Error> {
        Ok(Session {
            client: Client::builder().cookie_store(true).build()?,
            csrf: None,
            bearer: None,
        })
    }

    pub fn token(token: &str) -> Result<Session, Error> {
        Ok(Session {
            client: Client::new(),
            csrf: None,
            bearer: Some(token.to_string()),
        })
    }

    pub async fn send(
        &self,
        method: Method,
        url: &str,
        body: Option<Value>,
    ) -> Result<(StatusCode, Value), Error> {
        let mut request = self.client.request(method, url);
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.bearer {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
    }

    /// Posts a web form with the session's CSRF token; returns the status and the page it
    /// leads to (redirects followed).
    pub async fn post_form(
        &self,
        url: &str,
        fields: &[(&str, &str)],
    ) -> Result<(StatusCode, String), Error> {
        let mut form: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        form.push(("csrf".into(), self.csrf.clone().unwrap_or_default()));
        let response = self.client.post(url).form(&form).send().await?;
        Ok((response.status(), response.text().await?))
    }

    pub async fn login(base: &str, email: &str, password: &str) -> Result<Session, Error> {
        let mut session = Session::anonymous()?;
        let (status, body) = session
            .send(
                Method::POST,
                &format!("{base}/api/v1/auth/login"),
                Some(json!({"email": email, "password": password})),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "login {email}: {body}");
        session.csrf = body["csrf_token"].as_str().map(str::to_string);
        assert!(session.csrf.is_some(), "a session gets a CSRF token");
        Ok(session)
    }
}
