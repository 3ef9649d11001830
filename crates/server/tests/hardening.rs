//! Hardening (issue 18), each finding reproduced: a busy matching index never stalls the async
//! workers (`/healthz` answers while a writer holds it), half-sent connections are closed, the
//! language switch is no open redirect, every answer carries the security headers, a NUL
//! character is a 422 and not a 500, concurrent SQLite writers wait instead of failing, API
//! tokens expire and die with a password reset, reset links are not readable in the outbox,
//! failing sign-ins from one source do not lock the owner out elsewhere, and registering does
//! not tell whether an address has an account (it finishes through a mailed link).

mod common;

use common::{urls, Error, Session, TestResult};
use openpes_app::people::ensure_demo_accounts;
use openpes_server::{ConnectionLimits, Security};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

/// A server on a fresh database with the demo accounts, short connection limits and the given
/// security settings.
async fn start_with(url: &str, security: Security) -> Result<common::Server, Error> {
    let connections = ConnectionLimits {
        header_read_timeout: Duration::from_secs(1),
        // Longer than any request here takes (as the configuration insists: longer than the
        // request timeout), since a request in progress sends nothing either.
        idle_timeout: Duration::from_secs(4),
    };
    let server = common::start_with(url, security, connections).await?;
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| format!("{:?}", e.message))?;
    Ok(server)
}

async fn start(url: &str) -> Result<common::Server, Error> {
    start_with(url, Security::default()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_the_matching_index_is_held() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let base = server.base.clone();
    let seeker = Session::login(&base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    // A slow writer holds the index (as a long import or reload would) for two seconds.
    let index = server.state.matching();
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let guard = index.write().unwrap_or_else(|p| p.into_inner());
        let _ = held_tx.send(());
        std::thread::sleep(Duration::from_secs(2));
        drop(guard);
    });
    held_rx.recv()?;
    // Requests that need the index pile up (more than there are async workers): searches,
    // matches, a profile saved...
    let mut waiting = Vec::new();
    for i in 0..6 {
        let client = seeker.client.clone();
        let url = match i % 2 {
            0 => format!("{base}/api/v1/vacancies/search?q=nurse"),
            _ => format!("{base}/api/v1/courses?skill=urn:openpes:starter:skill/first-aid"),
        };
        waiting.push(tokio::spawn(async move { client.get(url).send().await }));
    }
    let (_, record) = seeker
        .send(
            Method::GET,
            &format!("{base}/api/v1/seekers/demo-seeker-0000000"),
            None,
        )
        .await?;
    let saver = {
        let client = seeker.client.clone();
        let csrf = seeker.csrf.clone().unwrap_or_default();
        let url = format!("{base}/api/v1/seekers/demo-seeker-0000000");
        tokio::spawn(async move {
            client
                .put(url)
                .header("x-csrf-token", csrf)
                .json(&record)
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    // ...and the liveness probe still answers at once.
    let started = Instant::now();
    let health = reqwest::get(format!("{base}/healthz")).await?;
    let took = started.elapsed();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(
        took < Duration::from_millis(100),
        "/healthz took {took:?} while the index was held"
    );
    for request in waiting {
        let status = request.await??.status();
        assert!(
            status.is_success() || status == StatusCode::NOT_FOUND,
            "{status}"
        );
    }
    assert!(saver.await??.status().is_success());
    holder.join().map_err(|_| "holder panicked")?;
    Ok(())
}

#[tokio::test]
async fn half_sent_and_idle_connections_are_closed() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let address = server.base.trim_start_matches("http://").to_string();
    let closed_within = |mut stream: std::net::TcpStream| -> std::io::Result<Duration> {
        let started = Instant::now();
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        let mut rest = Vec::new();
        // The server closes the connection (EOF or reset) instead of waiting forever.
        let _ = stream.read_to_end(&mut rest);
        Ok(started.elapsed())
    };
    // Slowloris: headers that never end.
    let address_copy = address.clone();
    let took = tokio::task::spawn_blocking(move || -> std::io::Result<Duration> {
        let mut stream = std::net::TcpStream::connect(&address_copy)?;
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")?;
        closed_within(stream)
    })
    .await??;
    assert!(
        took < Duration::from_secs(5),
        "half-sent headers held {took:?}"
    );
    // A connection that never sends anything.
    let took = tokio::task::spawn_blocking(move || -> std::io::Result<Duration> {
        closed_within(std::net::TcpStream::connect(&address)?)
    })
    .await??;
    assert!(
        took < Duration::from_secs(8),
        "an idle connection held {took:?}"
    );
    Ok(())
}

#[tokio::test]
async fn the_language_switch_never_leaves_the_site() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    for (next, expected) in [
        ("/%09/evil.example", "/"),
        ("//evil.example", "/"),
        ("/%5Cevil.example", "/"),
        ("https://evil.example", "/"),
        ("/employer?tab=1", "/employer?tab=1"),
    ] {
        let response = client
            .get(format!("{}/lang/en?next={next}", server.base))
            .send()
            .await?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert_eq!(location, expected, "next={next}");
    }
    Ok(())
}

#[tokio::test]
async fn answers_carry_the_security_headers() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let seeker = Session::login(&server.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    for path in [
        "/",
        "/api/docs",
        "/api/v1/seekers/demo-seeker-0000000",
        "/api/v1/nothing-here",
    ] {
        let response = seeker
            .client
            .get(format!("{}{path}", server.base))
            .send()
            .await?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let csp = header("content-security-policy");
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        if path.starts_with("/api/v1/") {
            assert_eq!(header("cache-control"), "no-store", "{path}");
        }
    }
    // The docs page holds no inline style: its style is a file of its own.
    let docs = reqwest::get(format!("{}/api/docs", server.base))
        .await?
        .text()
        .await?;
    assert!(!docs.contains("<style") && docs.contains("/static/api-docs.css"));
    let css = reqwest::get(format!("{}/static/api-docs.css", server.base)).await?;
    assert_eq!(css.status(), StatusCode::OK);
    Ok(())
}

#[tokio::test]
async fn a_nul_character_is_refused_as_422_on_every_backend() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let server = start(&url).await?;
        let api = format!("{}/api/v1", server.base);
        let anonymous = Session::anonymous()?;
        let (status, problem) = anonymous
            .send(
                Method::POST,
                &format!("{api}/extract"),
                Some(json!({"text": "nurse\u{0}", "kind": "cv"})),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {problem}");
        let response = reqwest::get(format!("{api}/taxonomy/search?q=nurse%00")).await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        let (status, _) = anonymous
            .send(
                Method::POST,
                &format!("{api}/auth/register"),
                Some(
                    json!({"email": "a\u{0}@x.tw", "password": "long enough pass",
                            "display_name": "A", "role": "seeker"}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        // A signed-in write too: the seeker's own record with a NUL in a field.
        let seeker =
            Session::login(&server.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (_, mut record) = seeker
            .send(
                Method::GET,
                &format!("{api}/seekers/demo-seeker-0000000"),
                None,
            )
            .await?;
        record["cv_text"] = json!("I drive forklifts\u{0}");
        let (status, _) = seeker
            .send(
                Method::PUT,
                &format!("{api}/seekers/demo-seeker-0000000"),
                Some(record),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_wait_or_conflict_but_never_fail() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let server = start(&url).await?;
        let api = format!("{}/api/v1", server.base);
        let admin = common::admin(&server).await?;
        let seeker =
            Session::login(&server.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        // Unrelated writers: 25 seekers stored at once.
        let mut writes = Vec::new();
        for i in 0..25 {
            let client = admin.client.clone();
            let token = admin.bearer.clone().unwrap_or_default();
            let url = format!("{api}/seekers/race-{i:03}");
            writes.push(tokio::spawn(async move {
                client
                    .put(url)
                    .bearer_auth(token)
                    .json(&json!({"id": format!("race-{i:03}"), "skills": []}))
                    .send()
                    .await
                    .map(|r| r.status())
            }));
        }
        for write in writes {
            let status = write.await??;
            assert!(
                status.is_success(),
                "{url}: an unrelated write got {status}"
            );
        }
        // Writers of one plan step: each either wins or is told of the other's change.
        let plan_url = format!("{api}/seekers/demo-seeker-0000000/plan");
        let (status, step) = seeker
            .send(
                Method::POST,
                &plan_url,
                Some(json!({"kind": "counselling", "title": "Talk to a counsellor"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{step}");
        let step_url = format!("{plan_url}/{}", step["id"].as_str().unwrap_or(""));
        let mut races = Vec::new();
        for i in 0..25 {
            let client = seeker.client.clone();
            let csrf = seeker.csrf.clone().unwrap_or_default();
            let step_url = step_url.clone();
            races.push(tokio::spawn(async move {
                client
                    .put(step_url)
                    .header("x-csrf-token", csrf)
                    .json(&json!({"version": 1, "step": {"kind": "counselling",
                        "title": format!("Talk, take {i}"), "status": "in_progress"}}))
                    .send()
                    .await
                    .map(|r| r.status())
            }));
        }
        let mut won = 0;
        for race in races {
            let status = race.await??;
            assert!(
                status == StatusCode::OK || status == StatusCode::CONFLICT,
                "{url}: a racing write got {status}"
            );
            won += usize::from(status == StatusCode::OK);
        }
        assert_eq!(won, 1, "{url}: exactly one writer of version 1 wins");
    }
    Ok(())
}

#[tokio::test]
async fn api_tokens_expire_and_die_with_a_password_reset() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        // A token that expires at once is refused.
        let expired = start_with(
            &url,
            Security {
                api_token_lifetime: chrono::Duration::zero(),
                ..Security::default()
            },
        )
        .await?;
        let seeker =
            Session::login(&expired.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (status, token) = seeker
            .send(
                Method::POST,
                &format!("{}/api/v1/me/tokens", expired.base),
                Some(json!({"name": "cli", "scopes": ["seekers:read"]})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{token}");
        assert!(token["expires_at"].is_string(), "{token}");
        let bearer = Session::token(token["token"].as_str().unwrap_or(""))?;
        let (status, _) = bearer
            .send(Method::GET, &format!("{}/api/v1/me", expired.base), None)
            .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "an expired token");

        // A live token (90 days) works until its owner's password is reset.
        let server = start(&url).await?;
        let api = format!("{}/api/v1", server.base);
        let seeker =
            Session::login(&server.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (_, token) = seeker
            .send(
                Method::POST,
                &format!("{api}/me/tokens"),
                Some(json!({"name": "cli", "scopes": ["seekers:read"]})),
            )
            .await?;
        let expires = token["expires_at"].as_str().unwrap_or("");
        let in_89_days = (chrono::Utc::now() + chrono::Duration::days(89)).to_rfc3339();
        assert!(expires > in_89_days.as_str(), "{token}");
        let bearer = Session::token(token["token"].as_str().unwrap_or(""))?;
        let (status, _) = bearer.send(Method::GET, &format!("{api}/me"), None).await?;
        assert_eq!(status, StatusCode::OK);
        let anonymous = Session::anonymous()?;
        anonymous
            .send(
                Method::POST,
                &format!("{api}/auth/password-reset"),
                Some(json!({"email": "seeker@demo.openpes.tw"})),
            )
            .await?;
        // The reset link is not readable by the administrator...
        let admin =
            Session::login(&server.base, "admin@demo.openpes.tw", "demo-admin-pass").await?;
        let (_, outbox) = admin
            .send(Method::GET, &format!("{api}/admin/outbox"), None)
            .await?;
        let delivered = server
            .state
            .store()
            .outbox_for_delivery(10)
            .await?
            .into_iter()
            .find(|m| m.recipient == "seeker@demo.openpes.tw")
            .ok_or("no reset mail")?;
        let reset_token: String = delivered
            .body
            .split("token=")
            .nth(1)
            .ok_or("no link in the mail as sent")?
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(reset_token.len() >= 20, "{}", delivered.body);
        assert!(
            !outbox.to_string().contains(&reset_token),
            "the outbox shows the reset link: {outbox}"
        );
        // ...and using it revokes the tokens made with the old password.
        let (status, _) = anonymous
            .send(
                Method::POST,
                &format!("{api}/auth/password-reset/confirm"),
                Some(json!({"token": reset_token, "password": "a brand new password"})),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = bearer.send(Method::GET, &format!("{api}/me"), None).await?;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{url}: token outlived the reset"
        );
    }
    Ok(())
}

/// A client whose connections come from `source` (an address of the loopback network).
fn client_from(source: [u8; 4]) -> Result<reqwest::Client, Error> {
    Ok(reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(source))
        .build()?)
}

#[tokio::test]
async fn failing_sign_ins_from_one_source_do_not_lock_the_owner_out_elsewhere() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let login_url = format!("{}/api/v1/auth/login", server.base);
    let attacker = client_from([127, 0, 0, 2])?;
    let owner = client_from([127, 0, 0, 3])?;
    let attempt = |client: &reqwest::Client, password: &str| {
        client
            .post(&login_url)
            .json(&json!({"email": "caseworker@demo.openpes.tw", "password": password}))
            .send()
    };
    for _ in 0..5 {
        attempt(&attacker, "not the password").await?;
    }
    let locked = attempt(&attacker, "demo-caseworker-pass").await?;
    assert_eq!(
        locked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the failing source is locked"
    );
    let signed_in = attempt(&owner, "demo-caseworker-pass").await?;
    assert_eq!(
        signed_in.status(),
        StatusCode::OK,
        "the owner, from elsewhere, signs in"
    );
    Ok(())
}

#[tokio::test]
async fn the_last_administrator_cannot_be_disabled() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let api = format!("{}/api/v1", server.base);
    let admin = Session::login(&server.base, "admin@demo.openpes.tw", "demo-admin-pass").await?;
    let (_, me) = admin.send(Method::GET, &format!("{api}/me"), None).await?;
    let my_id = me["user"]["id"]
        .as_str()
        .ok_or(format!("no id: {me}"))?
        .to_string();
    let (status, problem) = admin
        .send(
            Method::PUT,
            &format!("{api}/admin/users/{my_id}/disabled"),
            Some(json!({"disabled": true})),
        )
        .await?;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["code"], "last_administrator");
    // With a second administrator, the first may go.
    let (status, _) = admin
        .send(
            Method::POST,
            &format!("{api}/admin/users"),
            Some(
                json!({"email": "second@agency.example", "password": "a long enough secret",
                        "display_name": "Second", "role": "admin"}),
            ),
        )
        .await?;
    assert!(status.is_success(), "{status}");
    let (status, _) = admin
        .send(
            Method::PUT,
            &format!("{api}/admin/users/{my_id}/disabled"),
            Some(json!({"disabled": true})),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    Ok(())
}

#[tokio::test]
async fn unreadable_forms_and_cross_site_sign_ins_get_pages() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    // A sign-in form without its fields: a page in Chinese, not the framework's plain text.
    let response = client
        .post(format!("{}/login", server.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("nothing=here")
        .send()
        .await?;
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(response.status().is_client_error());
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await?;
    assert!(page.contains("無法讀取表單"), "{page}");
    // A sign-in posted from another site is refused (login CSRF).
    let response = client
        .post(format!("{}/login", server.base))
        .header("origin", "https://evil.example")
        .form(&[
            ("email", "seeker@demo.openpes.tw"),
            ("password", "demo-seeker-pass"),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get("set-cookie").is_none());
    // The same form from this site signs in.
    let host = server.base.clone();
    let response = client
        .post(format!("{}/login", server.base))
        .header("origin", host)
        .form(&[
            ("email", "seeker@demo.openpes.tw"),
            ("password", "demo-seeker-pass"),
        ])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    Ok(())
}

/// A registration's raw answer: status, content type and body.
async fn register_raw(
    client: &reqwest::Client,
    api: &str,
    email: &str,
) -> Result<(StatusCode, String, String), Error> {
    let response = client
        .post(format!("{api}/auth/register"))
        .json(
            &json!({"email": email, "password": "a long enough password",
                      "display_name": "Someone", "role": "seeker", "language": "en"}),
        )
        .send()
        .await?;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    Ok((status, content_type, response.text().await?))
}

#[tokio::test]
async fn registering_does_not_tell_whether_an_address_has_an_account() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let server = start(&url).await?;
        let api = format!("{}/api/v1", server.base);
        let client = reqwest::Client::new();
        // A free address and one with an account get the very same answer.
        let free = register_raw(&client, &api, "new.person@test.example").await?;
        let taken = register_raw(&client, &api, "Seeker@demo.openpes.tw").await?;
        assert_eq!(free.0, StatusCode::ACCEPTED, "{url}: {}", free.2);
        assert_eq!(free, taken, "{url}: the answers differ");
        let answer: serde_json::Value = serde_json::from_str(&free.2)?;
        assert_eq!(answer, json!({"status": "confirmation_sent"}));

        // Only the free address got a confirmation link; the owner of the taken one a notice.
        let sent = server.state.store().outbox_for_delivery(50).await?;
        let notice = sent
            .iter()
            .find(|m| m.recipient == "seeker@demo.openpes.tw")
            .ok_or("no notice to the owner of the taken address")?;
        assert!(
            !notice.body.contains("token="),
            "a taken address gets no link: {}",
            notice.body
        );
        assert!(
            notice.body.contains("/reset"),
            "the notice says how to get back in: {}",
            notice.body
        );
        let token = common::confirmation_token(&server, "new.person@test.example").await?;
        assert!(token.len() >= 32, "{token}");
        assert!(
            server
                .state
                .store()
                .pending_registration(&openpes_server::auth::digest(&token), chrono::Utc::now())
                .await?
                .is_some(),
            "the free address's registration waits for its link"
        );

        // Nobody reads the link in the outbox people see (API or store).
        let admin =
            Session::login(&server.base, "admin@demo.openpes.tw", "demo-admin-pass").await?;
        let (status, outbox) = admin
            .send(Method::GET, &format!("{api}/admin/outbox"), None)
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert!(
            outbox.to_string().contains("new.person@test.example"),
            "{outbox}"
        );
        assert!(!outbox.to_string().contains(&token), "{outbox}");
        for message in server.state.store().outbox(50).await? {
            assert!(!message.body.contains(&token), "{}", message.body);
        }
        // No account before the link is used, so the password does not sign in yet.
        let (status, _) = Session::anonymous()?
            .send(
                Method::POST,
                &format!("{api}/auth/login"),
                Some(json!({"email": "new.person@test.example",
                            "password": "a long enough password"})),
            )
            .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // The link opens its page in the registration form's language (English here), asks
        // for the password chosen when registering, and says why a stranger can ignore it.
        let link = confirmation_link(&server, "new.person@test.example").await?;
        assert!(link.contains("lang=en"), "{link}");
        let web = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let page = web.get(format!("{}{link}", server.base)).send().await?;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await?;
        assert!(page.contains("<html lang=\"en\""), "{page}");
        assert!(
            page.contains("Password chosen when registering")
                && page.contains("nobody can use it without the password"),
            "{page}"
        );
        assert!(!page.contains("註冊時設定的密碼"), "{page}");
        // Its language switch comes back to the same link (without its `lang=`).
        let switch = page
            .split("<a href=\"/lang/zh-TW?next=")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .ok_or("no language switch")?;
        assert!(
            switch.ends_with(&format!("confirm%3Ftoken%3D{token}")),
            "{switch}"
        );

        // A wrong password creates nothing and leaves the link working.
        let confirm_api = |password: &'static str| {
            let token = token.clone();
            let api = api.clone();
            async move {
                Session::anonymous()?
                    .send(
                        Method::POST,
                        &format!("{api}/auth/register/confirm"),
                        Some(json!({"token": token, "password": password})),
                    )
                    .await
            }
        };
        let (status, problem) = confirm_api("not the password at all").await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {problem}");
        assert_eq!(problem["code"], "wrong_registration_password");
        let (status, problem) = Session::anonymous()?
            .send(
                Method::POST,
                &format!("{api}/auth/register/confirm"),
                Some(json!({"token": token})),
            )
            .await?;
        assert!(
            status.is_client_error() && status != StatusCode::GONE,
            "a confirmation without a password: {status} {problem}"
        );
        assert!(server
            .state
            .store()
            .user_by_email("new.person@test.example")
            .await?
            .is_none());

        // The right password creates the account and signs in, once.
        let mut person = Session::anonymous()?;
        let (status, session) = person
            .send(
                Method::POST,
                &format!("{api}/auth/register/confirm"),
                Some(json!({"token": token, "password": "a long enough password"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{url}: {session}");
        assert_eq!(session["user"]["email"], "new.person@test.example");
        assert_eq!(session["user"]["role"], "seeker");
        let seeker_id = session["user"]["seeker_id"]
            .as_str()
            .ok_or("no seeker record")?
            .to_string();
        person.csrf = session["csrf_token"].as_str().map(str::to_string);
        let (status, me) = person.send(Method::GET, &format!("{api}/me"), None).await?;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["user"]["seeker_id"], seeker_id.as_str());
        let (status, _) = person
            .send(Method::GET, &format!("{api}/seekers/{seeker_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::OK, "the new seeker reads their record");
        let (status, problem) = confirm_api("a long enough password").await?;
        assert_eq!(status, StatusCode::GONE, "a link works once");
        assert_eq!(problem["code"], "invalid_registration_link");
        Session::login(
            &server.base,
            "new.person@test.example",
            "a long enough password",
        )
        .await?;

        // Someone who registers another person's address cannot guess on: after five wrong
        // passwords the registration is gone, and the right one no longer creates it.
        register_raw(&client, &api, "target.person@test.example").await?;
        let target = common::confirmation_token(&server, "target.person@test.example").await?;
        let confirm_target = |password: &'static str| {
            let target = target.clone();
            let api = api.clone();
            async move {
                Session::anonymous()?
                    .send(
                        Method::POST,
                        &format!("{api}/auth/register/confirm"),
                        Some(json!({"token": target, "password": password})),
                    )
                    .await
            }
        };
        for left in (1..=4).rev() {
            let (status, problem) = confirm_target("a wrong guess, again").await?;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
            assert!(
                problem["detail"].to_string().contains(&left.to_string()),
                "says how many are left: {problem}"
            );
        }
        let (status, problem) = confirm_target("a wrong guess, again").await?;
        assert_eq!(status, StatusCode::GONE, "{problem}");
        assert_eq!(problem["code"], "registration_attempts_used");
        assert!(server
            .state
            .store()
            .pending_registration(&openpes_server::auth::digest(&target), chrono::Utc::now())
            .await?
            .is_none());
        let (status, problem) = confirm_target("a long enough password").await?;
        assert_eq!(status, StatusCode::GONE, "{problem}");
        assert_eq!(problem["code"], "invalid_registration_link");

        // The web form: the same page for a free and a taken address on a production server,
        // with no link on it...
        server.state.set_demo_accounts(false);
        let register_page = |email: &'static str| {
            web.post(format!("{}/register", server.base))
                .form(&[
                    ("role", "seeker"),
                    ("display_name", "Someone"),
                    ("email", email),
                    ("password", "a long enough password"),
                ])
                .send()
        };
        let free = register_page("web.person@test.example").await?;
        let free = (free.status(), free.text().await?);
        let taken = register_page("employer@demo.openpes.tw").await?;
        let taken = (taken.status(), taken.text().await?);
        assert_eq!(free.0, StatusCode::OK);
        assert!(free.1.contains("請查看您的電子郵件"), "{}", free.1);
        assert_eq!(free, taken, "{url}: the pages differ");
        assert!(!free.1.contains("token="), "{}", free.1);
        // ...while a demo server, which sends no mail, shows a free address's link.
        server.state.set_demo_accounts(true);
        let demo = register_page("demo.person@test.example")
            .await?
            .text()
            .await?;
        let token = common::confirmation_token(&server, "demo.person@test.example").await?;
        assert!(
            demo.contains("id=\"demo-link\"") && demo.contains(&token),
            "{demo}"
        );
        // Opening the link creates nothing; its page (in the form's language, Chinese here)
        // asks for the password and has the button that creates.
        let link = confirmation_link(&server, "demo.person@test.example").await?;
        assert!(link.contains("lang=zh-TW"), "{link}");
        assert!(demo.contains("lang=zh-TW"), "{demo}");
        let page = web.get(format!("{}{link}", server.base)).send().await?;
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await?;
        assert!(page.contains("demo.person@test.example") && page.contains("confirm-registration"));
        assert!(
            page.contains("註冊時設定的密碼") && page.contains("若您沒有申請註冊"),
            "{page}"
        );
        let confirm = |origin: String, password: &'static str| {
            web.post(format!("{}/register/confirm?lang=zh-TW", server.base))
                .header("origin", origin)
                .form(&[("token", token.as_str()), ("password", password)])
                .send()
        };
        let refused = confirm("https://evil.example".to_string(), "a long enough password").await?;
        assert_eq!(
            refused.status(),
            StatusCode::FORBIDDEN,
            "a cross-site confirmation"
        );
        // A wrong password shows the page again with the error, and the link still works.
        let wrong = confirm(server.base.clone(), "not the password at all").await?;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.headers().get("set-cookie").is_none());
        let wrong = wrong.text().await?;
        assert!(
            wrong.contains("id=\"form-error\"")
                && wrong.contains("密碼與註冊時設定的不符")
                && wrong.contains("confirm-password")
                && wrong.contains(&token),
            "{wrong}"
        );
        let done = confirm(server.base.clone(), "a long enough password").await?;
        assert_eq!(done.status(), StatusCode::SEE_OTHER);
        assert!(done.headers().get("set-cookie").is_some(), "signed in");
        let again = web.get(format!("{}{link}", server.base)).send().await?;
        assert_eq!(again.status(), StatusCode::GONE);
    }
    Ok(())
}

/// The confirmation link (path and query) in the newest message to `recipient` as the mail
/// transport sends it.
async fn confirmation_link(server: &common::Server, recipient: &str) -> Result<String, Error> {
    let token = common::confirmation_token(server, recipient).await?;
    let sent = server.state.store().outbox_for_delivery(1_000).await?;
    let body = sent
        .iter()
        .find(|m| m.recipient == recipient && m.body.contains(&token))
        .map(|m| m.body.clone())
        .ok_or("no message")?;
    let from = body.find("/register/confirm?").ok_or("no link")?;
    Ok(body[from..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/?=&-".contains(*c))
        .collect())
}
