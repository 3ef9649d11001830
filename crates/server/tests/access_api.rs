//! People and access through the HTTP API, on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): every protected operation refuses anonymous callers;
//! each role is allowed what it may and refused what it may not (seeker, employer, caseworker,
//! analyst, administrator, scoped tokens); sessions need their CSRF token for changes; consent
//! is the seeker's; password reset goes through the outbox; every access to a seeker's data is
//! in the append-only audit log, which the seeker can read.

mod common;

use openpes_test_support::on_each_backend;

use common::{register_and_confirm, start, urls, Session, TestResult};
use openpes_app::people::{ensure_demo_accounts, provision_service_account};
use openpes_server::auth::{Role, Scope};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const FORKLIFT_DRIVER: &str = "urn:openpes:starter:occupation/forklift-driver";
const FORKLIFT: &str = "urn:openpes:starter:skill/forklift-operation";

fn vacancy(id: &str, employer: &str) -> Value {
    json!({
        "id": id, "employer": employer, "title": format!("Forklift driver {id}"),
        "occupation": FORKLIFT_DRIVER, "essential_skills": [FORKLIFT],
        "place": "TW-TAO", "contract": "permanent", "working_time": "full_time",
        "posted": "2026-11-20"
    })
}

fn seeker(id: &str) -> Value {
    json!({
        "id": id, "skills": [{"concept": FORKLIFT}],
        "experience": [{"occupation": FORKLIFT_DRIVER, "years": 3}],
        "place": "TW-TAO", "searchable": true
    })
}

#[tokio::test]
async fn every_protected_operation_refuses_anonymous_callers() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let anonymous = Session::anonymous()?;
    // Public: health, the taxonomy, extraction (of text and files), published vacancies and their feeds, the ways
    // in (register, login, logout, password reset), the benefit rules and calculator (the law
    // is public; the calculator stores nothing), and reading the training catalog.
    let public = |path: &str, method: &str| {
        path.starts_with("/healthz")
            || path.starts_with("/readyz")
            || path.starts_with("/api/v1/taxonomy")
            || path == "/api/v1/extract"
            || path == "/api/v1/extract/file"
            || path.starts_with("/api/v1/auth/")
            || path == "/api/v1/vacancies/search"
            || path == "/api/v1/vacancies/snapshot"
            || path == "/api/v1/vacancies/changes"
            || (path == "/api/v1/vacancies/{id}" && method == "get")
            || path == "/api/v1/benefits/programs"
            || path == "/api/v1/benefits/parameters"
            || path == "/api/v1/benefits/calculate"
            || (path == "/api/v1/courses" && method == "get")
            || (path == "/api/v1/courses/{id}" && method == "get")
    };
    let (_, doc) = anonymous
        .send(
            Method::GET,
            &format!("{}/api/v1/openapi.json", server.base),
            None,
        )
        .await?;
    let paths = doc["paths"].as_object().ok_or("no paths")?;
    let mut checked = 0;
    for (path, operations) in paths {
        for method in operations.as_object().ok_or("no operations")?.keys() {
            if public(path, method) {
                continue;
            }
            let concrete = path
                .replace("{id}", "s-nobody")
                .replace("{seeker}", "s-nobody");
            let method = Method::from_bytes(method.to_uppercase().as_bytes())?;
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            let (status, problem) = anonymous
                .send(method.clone(), &format!("{}{concrete}", server.base), body)
                .await?;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} must need a signed-in caller: {problem}"
            );
            assert_eq!(problem["code"], "sign_in_required", "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} protected operations found");
    Ok(())
}

on_each_backend! {
    async fn each_role_is_allowed_its_own_and_refused_the_rest(server: TestApp) -> TestResult {
        let base = &server.base;
        let api = format!("{base}/api/v1");
        let admin_token =
            provision_service_account(&server.state, "root@test.example", Role::Admin, &Scope::ALL)
                .await
                .map_err(|e| format!("{:?}", e.message))?;
        let admin = Session::token(&admin_token)?;
        let (status, _) = admin
            .send(
                Method::PUT,
                &format!("{api}/admin/offices/o-1"),
                Some(
                    json!({"id": "o-1", "name_zh": "桃園就業服務站", "name_en": "Taoyuan office"}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);

        // Two seekers register themselves; an employer registers with an organisation.
        let register = |email: &str, role: &str| {
            json!({"email": email, "password": "correct horse battery", "display_name": email,
                   "role": role, "organisation": "Forklift Co", "language": "en"})
        };
        let (seeker_a, body) =
            register_and_confirm(&server, register("a@test.example", "seeker")).await?;
        let a_id = body["user"]["seeker_id"]
            .as_str()
            .ok_or("no seeker id")?
            .to_string();
        // The same address in another case: the same answer, but no second account (the
        // owner is told instead).
        let (status, body) = Session::anonymous()?
            .send(
                Method::POST,
                &format!("{api}/auth/register"),
                Some(register("A@test.example", "seeker")),
            )
            .await?;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        assert!(
            common::confirmation_token(&server, "a@test.example")
                .await
                .is_err(),
            "e-mail addresses are unique, in any case: no confirmation link for a taken one"
        );
        let (status, _) = Session::anonymous()?
            .send(
                Method::POST,
                &format!("{api}/auth/register"),
                Some(register("x@test.example", "admin")),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "nobody registers as administrator"
        );
        let (_, body) = register_and_confirm(&server, register("b@test.example", "seeker")).await?;
        let b_id = body["user"]["seeker_id"]
            .as_str()
            .ok_or("no seeker id")?
            .to_string();
        let (employer, body) =
            register_and_confirm(&server, register("boss@test.example", "employer")).await?;
        let employer_id = body["user"]["employer_id"]
            .as_str()
            .ok_or("no employer")?
            .to_string();

        // Seeker: own record yes (with CSRF), another's no; no CSRF token, no change.
        let mut own = seeker(&a_id);
        own["searchable"] = json!(false);
        let (status, _) = seeker_a
            .send(Method::PUT, &format!("{api}/seekers/{a_id}"), Some(own))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let no_csrf = Session {
            client: seeker_a.client.clone(),
            csrf: None,
            bearer: None,
        };
        let (status, problem) = no_csrf
            .send(
                Method::PUT,
                &format!("{api}/seekers/{a_id}"),
                Some(seeker(&a_id)),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(problem["code"], "csrf_mismatch");
        for path in [
            format!("{api}/seekers/{b_id}"),
            format!("{api}/seekers/{b_id}/matches"),
        ] {
            let (status, problem) = seeker_a.send(Method::GET, &path, None).await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
            assert_eq!(problem["code"], "forbidden");
        }
        let (status, _) = seeker_a
            .send(
                Method::PUT,
                &format!("{api}/seekers/{b_id}"),
                Some(seeker(&b_id)),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = seeker_a
            .send(Method::GET, &format!("{api}/seekers/{a_id}/matches"), None)
            .await?;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = seeker_a
            .send(Method::GET, &format!("{api}/admin/users"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Employer: own vacancies yes, another organisation's no; candidates only consented.
        let (status, _) = employer
            .send(
                Method::PUT,
                &format!("{api}/vacancies/v-1"),
                Some(vacancy("v-1", &employer_id)),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = employer
            .send(
                Method::PUT,
                &format!("{api}/vacancies/v-2"),
                Some(vacancy("v-2", "someone-else")),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = admin
            .send(
                Method::PUT,
                &format!("{api}/vacancies/v-3"),
                Some(vacancy("v-3", "other-co")),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = employer
            .send(
                Method::PUT,
                &format!("{api}/vacancies/v-3"),
                Some(vacancy("v-3", &employer_id)),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "naming oneself does not take over a vacancy"
        );
        let (status, _) = employer
            .send(Method::DELETE, &format!("{api}/vacancies/v-3"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = employer
            .send(Method::GET, &format!("{api}/seekers/{a_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // A self-registered employer sees no candidates until staff approve its organisation.
        let (status, problem) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-1/candidates"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
        assert_eq!(problem["code"], "employer_unverified");
        let (status, _) = admin
            .send(
                Method::PUT,
                &format!("{api}/admin/employers/{employer_id}/verified"),
                Some(json!({"verified": true})),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        // Seeker A has not agreed to be found yet: no candidates until they consent.
        let (_, list) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-1/candidates"),
                None,
            )
            .await?;
        assert_eq!(list["results"].as_array().map(Vec::len), Some(0), "{list}");
        let (status, _) = seeker_a
            .send(
                Method::PUT,
                &format!("{api}/seekers/{a_id}/consent"),
                Some(json!({"findable": true, "outreach": false})),
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        let (status, list) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-1/candidates"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<&str> = list["results"]
            .as_array()
            .ok_or("no results")?
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(ids, vec![a_id.as_str()]);
        let (status, _) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-3/candidates"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Caseworker: the caseload yes (read, notes), others no; never consent.
        let (status, body) = admin
            .send(
                Method::POST,
                &format!("{api}/admin/users"),
                Some(json!({
                "email": "cw@test.example", "password": "caseworker-pass", "display_name": "CW",
                "role": "caseworker", "office_id": "o-1"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let cw_id = body["id"].as_str().ok_or("no id")?.to_string();
        let (status, _) = admin
            .send(
                Method::PUT,
                &format!("{api}/admin/caseload/{b_id}"),
                Some(json!({"caseworker": cw_id})),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let caseworker = Session::login(base, "cw@test.example", "caseworker-pass").await?;
        let (status, _) = caseworker
            .send(Method::GET, &format!("{api}/seekers/{b_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = caseworker
            .send(
                Method::POST,
                &format!("{api}/seekers/{b_id}/notes"),
                Some(json!({"body": "Wants forklift work"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let (_, notes) = caseworker
            .send(Method::GET, &format!("{api}/seekers/{b_id}/notes"), None)
            .await?;
        assert_eq!(notes[0]["body"], "Wants forklift work");
        let (status, _) = caseworker
            .send(Method::GET, &format!("{api}/seekers/{a_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "not in the caseload");
        let (status, _) = caseworker
            .send(
                Method::PUT,
                &format!("{api}/seekers/{b_id}/consent"),
                Some(json!({"findable": true, "outreach": true})),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "consent is the seeker's");
        let (_, caseload) = caseworker
            .send(Method::GET, &format!("{api}/caseload"), None)
            .await?;
        assert_eq!(caseload[0]["seeker_id"], b_id.as_str());
        // A caseworker's update keeps the seeker's own consent.
        let mut changed = seeker(&b_id);
        changed["searchable"] = json!(true);
        let (status, _) = caseworker
            .send(Method::PUT, &format!("{api}/seekers/{b_id}"), Some(changed))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, stored) = caseworker
            .send(Method::GET, &format!("{api}/seekers/{b_id}"), None)
            .await?;
        assert_eq!(stored["searchable"], false);

        // Analyst: aggregates yes, any individual no.
        let (status, _) = admin
            .send(Method::POST, &format!("{api}/admin/users"), Some(json!({
                "email": "an@test.example", "password": "analyst-pass", "display_name": "AN", "role": "analyst"})))
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let analyst = Session::login(base, "an@test.example", "analyst-pass").await?;
        let (status, summary) = analyst
            .send(Method::GET, &format!("{api}/analytics/summary"), None)
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(summary["seekers"], 2);
        assert_eq!(summary["small_cell_threshold"], 5);
        for path in [
            format!("{api}/seekers/{a_id}"),
            format!("{api}/vacancies/v-1/candidates"),
            format!("{api}/caseload"),
            format!("{api}/audit"),
        ] {
            let (status, _) = analyst.send(Method::GET, &path, None).await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "analyst: {path}");
        }
        let (status, _) = seeker_a
            .send(Method::GET, &format!("{api}/analytics/summary"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Tokens: within the role only, scoped, revocable; a token cannot mint tokens.
        let (status, _) = seeker_a
            .send(
                Method::POST,
                &format!("{api}/me/tokens"),
                Some(json!({"name": "x", "scopes": ["admin"]})),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, token) = seeker_a
            .send(
                Method::POST,
                &format!("{api}/me/tokens"),
                Some(json!({"name": "phone", "scopes": ["seekers:read"]})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED);
        let read_only = Session::token(token["token"].as_str().ok_or("no secret")?)?;
        let (status, _) = read_only
            .send(Method::GET, &format!("{api}/seekers/{a_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = read_only
            .send(
                Method::PUT,
                &format!("{api}/seekers/{a_id}"),
                Some(seeker(&a_id)),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the token lacks seekers:write"
        );
        let (status, _) = read_only
            .send(
                Method::POST,
                &format!("{api}/me/tokens"),
                Some(json!({"name": "y", "scopes": ["seekers:read"]})),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let token_id = token["id"].as_str().ok_or("no id")?;
        let (status, _) = seeker_a
            .send(Method::DELETE, &format!("{api}/me/tokens/{token_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, problem) = read_only
            .send(Method::GET, &format!("{api}/seekers/{a_id}"), None)
            .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(problem["code"], "invalid_token");

        // Audit: the seeker sees who read their record, including the employer's candidate
        // read and the denied attempt; the administrator searches everything.
        let (status, audit) = seeker_a
            .send(
                Method::GET,
                &format!("{api}/seekers/{a_id}/audit?limit=500"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        let entries = audit["entries"].as_array().ok_or("no entries")?;
        let has = |role: &str, action: &str, purpose: &str| {
            entries.iter().any(|e| {
                e["actor_role"] == role
                    && e["action"] == action
                    && e["purpose"].as_str().is_some_and(|p| p.contains(purpose))
            })
        };
        assert!(
            has("employer", "read", "candidate for vacancy v-1"),
            "{audit}"
        );
        assert!(has("employer", "denied read", "read record"), "{audit}");
        assert!(has("caseworker", "denied read", "read record"), "{audit}");
        assert!(has("seeker", "consent", "findable=true"), "{audit}");
        assert!(entries.iter().all(|e| e["seeker_id"] == a_id.as_str()));
        let (status, _) = seeker_a
            .send(Method::GET, &format!("{api}/seekers/{b_id}/audit"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, all) = admin
            .send(
                Method::GET,
                &format!("{api}/audit?seeker={b_id}&action=update"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert!(
            all["entries"].as_array().is_some_and(|e| !e.is_empty()),
            "{all}"
        );
        assert!(
            server.state.store().try_rewrite_audit().await.is_err(),
            "the audit log is append-only"
        );
        let (_, after) = admin
            .send(Method::GET, &format!("{api}/audit?limit=1"), None)
            .await?;
        assert_ne!(after["entries"][0]["purpose"], "rewritten");

        // Logout ends the session.
        let (status, _) = seeker_a
            .send(Method::POST, &format!("{api}/auth/logout"), None)
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = seeker_a
            .send(Method::GET, &format!("{api}/me"), None)
            .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        Ok(())
    }
}

#[tokio::test]
async fn password_reset_goes_through_the_outbox_once() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    assert!(ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| format!("{:?}", e.message))?);
    assert!(!ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| format!("{:?}", e.message))?);
    let api = format!("{}/api/v1", server.base);
    let anonymous = Session::anonymous()?;
    let (status, _) = anonymous
        .send(
            Method::POST,
            &format!("{api}/auth/login"),
            Some(json!({"email": "seeker@demo.openpes.tw", "password": "wrong password"})),
        )
        .await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for email in ["seeker@demo.openpes.tw", "nobody@demo.openpes.tw"] {
        let (status, _) = anonymous
            .send(
                Method::POST,
                &format!("{api}/auth/password-reset"),
                Some(json!({"email": email})),
            )
            .await?;
        assert_eq!(
            status,
            StatusCode::ACCEPTED,
            "the answer does not tell whether {email} exists"
        );
    }
    let admin = Session::login(&server.base, "admin@demo.openpes.tw", "demo-admin-pass").await?;
    let (_, outbox) = admin
        .send(Method::GET, &format!("{api}/admin/outbox"), None)
        .await?;
    let messages = outbox.as_array().ok_or("no outbox")?;
    assert_eq!(messages.len(), 1, "only the existing account got a message");
    // The link itself only reaches the mail transport, never a person's screen.
    let delivered = server.state.store().outbox_for_delivery(10).await?;
    let body = delivered
        .first()
        .map(|m| m.body.clone())
        .ok_or("no mail to deliver")?;
    let token: String = body
        .split("token=")
        .nth(1)
        .ok_or("no link")?
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let confirm = |password: &str| json!({"token": token, "password": password});
    let (status, _) = anonymous
        .send(
            Method::POST,
            &format!("{api}/auth/password-reset/confirm"),
            Some(confirm("short")),
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = anonymous
        .send(
            Method::POST,
            &format!("{api}/auth/password-reset/confirm"),
            Some(confirm("a brand new password")),
        )
        .await?;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, problem) = anonymous
        .send(
            Method::POST,
            &format!("{api}/auth/password-reset/confirm"),
            Some(confirm("another new password")),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a link works once");
    assert_eq!(problem["code"], "invalid_reset_link");
    Session::login(
        &server.base,
        "seeker@demo.openpes.tw",
        "a brand new password",
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn an_administrator_disables_and_enables_an_account_on_the_admin_page() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| format!("{:?}", e.message))?;
    let base = &server.base;
    let admin = Session::login(base, "admin@demo.openpes.tw", "demo-admin-pass").await?;
    let (_, users) = admin
        .send(Method::GET, &format!("{base}/api/v1/admin/users"), None)
        .await?;
    let analyst = users
        .as_array()
        .or_else(|| users["users"].as_array())
        .and_then(|u| u.iter().find(|u| u["email"] == "analyst@demo.openpes.tw"))
        .and_then(|u| u["id"].as_str())
        .ok_or("the analyst account is listed")?
        .to_string();
    let page = admin
        .client
        .get(format!("{base}/admin?lang=en"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        page.contains(&format!("/admin/users/{analyst}/disabled")),
        "the page has the button"
    );
    let post = |disabled: &'static str| {
        admin
            .client
            .post(format!("{base}/admin/users/{analyst}/disabled"))
            .form(&[
                ("csrf", admin.csrf.clone().unwrap_or_default()),
                ("disabled", disabled.to_string()),
            ])
            .send()
    };
    let answer = post("true").await?;
    assert!(answer.status().is_success() || answer.status().is_redirection());
    let anonymous = Session::anonymous()?;
    let (status, _) = anonymous
        .send(
            Method::POST,
            &format!("{base}/api/v1/auth/login"),
            Some(json!({"email": "analyst@demo.openpes.tw", "password": "demo-analyst-pass"})),
        )
        .await?;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
    post("false").await?;
    Session::login(base, "analyst@demo.openpes.tw", "demo-analyst-pass").await?;
    // Nobody else may do it.
    let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    let refused = seeker
        .client
        .post(format!("{base}/admin/users/{analyst}/disabled"))
        .form(&[
            ("csrf", seeker.csrf.clone().unwrap_or_default()),
            ("disabled", "true".to_string()),
        ])
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_that_address_only() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| format!("{:?}", e.message))?;
    let base = &server.base;
    let anonymous = Session::anonymous()?;
    let login_url = format!("{base}/api/v1/auth/login");
    let attempt = |email: &'static str, password: &'static str| {
        anonymous.send(
            Method::POST,
            &login_url,
            Some(json!({"email": email, "password": password})),
        )
    };
    for _ in 0..4 {
        let (status, problem) = attempt("seeker@demo.openpes.tw", "wrong password").await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(problem["code"], "bad_credentials");
    }
    // The fifth wrong password locks the address ...
    let (status, problem) = attempt("Seeker@demo.openpes.tw", "wrong password").await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(problem["code"], "account_locked");
    // ... so that even the right password is refused, with a time to wait.
    let response = anonymous
        .client
        .post(format!("{base}/api/v1/auth/login"))
        .header("accept-language", "zh-TW")
        .json(&json!({"email": "seeker@demo.openpes.tw", "password": "demo-seeker-pass"}))
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or("a Retry-After header")?;
    assert!(retry_after > 60 && retry_after <= 15 * 60, "{retry_after}");
    let problem: serde_json::Value = response.json().await?;
    assert!(
        problem["detail"].as_str().unwrap_or("").contains("15 分鐘"),
        "{problem}"
    );
    // An unknown address is counted the same way (no hint which addresses exist).
    for _ in 0..4 {
        let (status, _) = attempt("nobody@demo.openpes.tw", "guess").await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = attempt("nobody@demo.openpes.tw", "guess").await?;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not affected.
    Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;
    // The web form says so too.
    let page = anonymous
        .client
        .post(format!("{base}/login?lang=en"))
        .form(&[
            ("email", "seeker@demo.openpes.tw"),
            ("password", "demo-seeker-pass"),
        ])
        .send()
        .await?;
    assert_eq!(page.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(page.text().await?.contains("sign-in is locked"));
    Ok(())
}
