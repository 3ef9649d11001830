//! Hardening of records and the audit log (issue #18), on SQLite (always) and PostgreSQL (when
//! configured): imports never touch another employer's vacancies or an existing employer's
//! record, vacancy ids are scoped by employer, writes to another's vacancy are 403s naming
//! it; refused requests add only small, bounded entries to the audit log, which pages; and
//! deleting a seeker deletes their applications, history and saved vacancies.

mod common;

use openpes_test_support::on_each_backend;

use chrono::{Days, Utc};
use common::{admin, start, urls, Error, Session, TestResult};
use openpes_app::people::ensure_demo_accounts;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ME: &str = "demo-seeker-0000000";
const DEMO_EMPLOYER: &str = "demo-employer-00000";
const STARTER: &str = "urn:openpes:starter:";

fn posting(identifier: Value, organisation: Value, title: &str) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "identifier": identifier,
        "title": title,
        "description": "收銀與顧客服務。",
        "datePosted": (Utc::now().date_naive() - Days::new(2)).to_string(),
        "hiringOrganization": organisation,
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
            "addressRegion": "臺北市", "addressCountry": "TW"}},
    })
}

fn vacancy(id: &str, employer: &str) -> Value {
    json!({
        "id": id, "employer": employer, "title": format!("收銀員 {id}"),
        "occupation": format!("{STARTER}occupation/cashier"),
        "essential_skills": [format!("{STARTER}skill/cash-handling")],
        "place": "TW-TPE", "contract": "permanent", "working_time": "full_time",
        "posted": (Utc::now().date_naive() - Days::new(3)).to_string(),
    })
}

/// Posts an import with `content_type`, as `session`.
async fn import(
    session: &Session,
    base: &str,
    content_type: &str,
    body: String,
) -> Result<(StatusCode, Value), Error> {
    let mut request = session
        .client
        .post(format!("{base}/api/v1/vacancies/import"))
        .header("content-type", content_type)
        .body(body);
    if let Some(csrf) = &session.csrf {
        request = request.header("x-csrf-token", csrf);
    }
    if let Some(token) = &session.bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

fn forbidden_naming(status: StatusCode, problem: &Value, id: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "owned_by_another", "{problem}");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(detail.contains(id), "names {id}: {problem}");
}

on_each_backend! {
    async fn imports_and_writes_never_touch_another_employers_records(server: TestApp) -> TestResult {
        ensure_demo_accounts(&server.state)
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        let root = admin(&server).await?;
        let base = &server.base;
        let api = format!("{base}/api/v1");
        for (id, name, registration) in [
            ("e-a", "Company A", "11111111"),
            ("e-b", "Company B", "22222222"),
            (DEMO_EMPLOYER, "示範企業 Demo Company", "12345678"),
        ] {
            let (status, body) = root
                .send(
                    Method::PUT,
                    &format!("{api}/employers/{id}"),
                    Some(json!({"id": id, "name": name, "registration": registration})),
                )
                .await?;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        let ld = "application/ld+json";

        // The same identifier at two employers is two vacancies.
        let a = posting(
            json!("1234567"),
            json!({"@type": "Organization", "identifier": "e-a", "name": "Company A"}),
            "Cashier at A",
        );
        let (status, summary) = import(&root, base, ld, a.to_string()).await?;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(summary["employers"], 0, "e-a existed");
        let id_a = summary["ids"][0].as_str().ok_or("an id")?.to_string();
        let b = posting(
            json!({"@type": "PropertyValue", "name": "Company B", "value": 1234567}),
            json!({"@type": "Organization", "identifier": "e-b", "name": "Company B"}),
            "Cashier at B",
        );
        let (status, summary) = import(&root, base, ld, b.to_string()).await?;
        assert_eq!(status, StatusCode::OK, "{summary}");
        let id_b = summary["ids"][0].as_str().ok_or("an id")?.to_string();
        assert_ne!(id_a, id_b);
        let (_, stored_a) = root
            .send(Method::GET, &format!("{api}/vacancies/{id_a}"), None)
            .await?;
        assert_eq!(stored_a["employer"], "e-a");
        assert_eq!(
            stored_a["title"], "Cashier at A",
            "B's import left A's vacancy"
        );
        // Importing the same posting again replaces the same vacancy.
        let (_, again) = import(&root, base, ld, a.to_string()).await?;
        assert_eq!(again["ids"][0], id_a.as_str());

        // A blank identifier (or a PropertyValue with only the issuer's name) is an error.
        for identifier in [
            json!(""),
            json!("   "),
            json!({"@type": "PropertyValue", "name": "Company A", "value": ""}),
            json!({"@type": "PropertyValue", "name": "Company A"}),
        ] {
            let bad = posting(
                identifier.clone(),
                json!({"identifier": "e-a", "name": "Company A"}),
                "Blank",
            );
            let (status, problem) = import(&root, base, ld, json!([bad]).to_string()).await?;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{identifier}");
            assert_eq!(problem["errors"][0]["field"], "[0].identifier", "{problem}");
        }
        // Two postings naming the same vacancy in one document.
        let twice = json!([a.clone(), a.clone()]);
        let (status, problem) = import(&root, base, ld, twice.to_string()).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "[1].identifier");

        // An employer imports for its own organisation only, and never changes its record.
        let employer =
            Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;
        let (status, problem) = import(&employer, base, ld, a.to_string()).await?;
        forbidden_naming(status, &problem, "e-a");
        let own = posting(
            json!("1234567"),
            json!({"@type": "Organization", "identifier": DEMO_EMPLOYER, "name": "Renamed Co"}),
            "Cashier at Demo",
        );
        let (status, summary) = import(&employer, base, ld, own.to_string()).await?;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(summary["employers"], 0);
        let id_own = summary["ids"][0].as_str().ok_or("an id")?.to_string();
        assert!(id_own != id_a && id_own != id_b);
        let record = server
            .state
            .store()
            .employer(DEMO_EMPLOYER)
            .await?
            .ok_or("the demo employer")?;
        assert_eq!(record.name, "示範企業 Demo Company");
        assert_eq!(record.registration.as_deref(), Some("12345678"));
        // An organisation a JSON-LD import names for the first time is added.
        let new_org = posting(
            json!("N-1"),
            json!({"identifier": "e-new", "name": "New Company"}),
            "Cashier at New",
        );
        let (status, summary) = import(&root, base, ld, new_org.to_string()).await?;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(summary["employers"], 1);

        // JSON lines: one line on another's vacancy refuses the whole import.
        let lines = [
            vacancy("v-new", DEMO_EMPLOYER),
            vacancy(&id_a, DEMO_EMPLOYER),
        ]
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
        for session in [&employer, &root] {
            let (status, problem) =
                import(session, base, "application/x-ndjson", lines.clone()).await?;
            forbidden_naming(status, &problem, &id_a);
        }
        let (status, _) = root
            .send(Method::GET, &format!("{api}/vacancies/v-new"), None)
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "nothing of a refused import");
        let repeated = format!(
            "{}\n{}",
            vacancy("v-twice", DEMO_EMPLOYER),
            vacancy("v-twice", DEMO_EMPLOYER)
        );
        let (status, problem) = import(&employer, base, "application/x-ndjson", repeated).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "line 2: id");

        // PUT and DELETE on another's vacancy: 403 naming it (administrators cannot move a
        // vacancy to another employer either).
        let (status, problem) = employer
            .send(
                Method::PUT,
                &format!("{api}/vacancies/{id_a}"),
                Some(vacancy(&id_a, DEMO_EMPLOYER)),
            )
            .await?;
        forbidden_naming(status, &problem, &id_a);
        let (status, problem) = employer
            .send(
                Method::PUT,
                &format!("{api}/vacancies/{id_a}"),
                Some(vacancy(&id_a, "e-a")),
            )
            .await?;
        forbidden_naming(status, &problem, &id_a);
        let (status, problem) = root
            .send(
                Method::PUT,
                &format!("{api}/vacancies/{id_a}"),
                Some(vacancy(&id_a, "e-b")),
            )
            .await?;
        forbidden_naming(status, &problem, &id_a);
        let (status, problem) = employer
            .send(Method::DELETE, &format!("{api}/vacancies/{id_a}"), None)
            .await?;
        forbidden_naming(status, &problem, &id_a);
        let (status, problem) = employer
            .send(
                Method::POST,
                &format!("{api}/vacancies/{id_a}/suggestions"),
                Some(json!({"accept": [], "reject": []})),
            )
            .await?;
        forbidden_naming(status, &problem, &id_a);
        let (_, stored_a) = root
            .send(Method::GET, &format!("{api}/vacancies/{id_a}"), None)
            .await?;
        assert_eq!(stored_a["employer"], "e-a");
        assert_eq!(stored_a["title"], "Cashier at A");
        // The owner still changes its own vacancy.
        let (status, body) = employer
            .send(
                Method::PUT,
                &format!("{api}/vacancies/{id_own}"),
                Some(vacancy(&id_own, DEMO_EMPLOYER)),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

        // An employer changes only its own employer record.
        let (status, _) = employer
            .send(
                Method::PUT,
                &format!("{api}/employers/e-a"),
                Some(json!({"id": "e-a", "name": "Taken over"})),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let record = server.state.store().employer("e-a").await?;
        assert_eq!(record.map(|e| e.name).as_deref(), Some("Company A"));
        Ok(())
    }
}

/// Sends `method` to `url` as `session` with a raw body and an `x-request-id`.
async fn raw(
    session: &Session,
    method: Method,
    url: &str,
    body: String,
    request_id: &str,
) -> Result<StatusCode, Error> {
    let mut request = session
        .client
        .request(method, url)
        .header("content-type", "application/json")
        .header("x-request-id", request_id)
        .body(body);
    if let Some(csrf) = &session.csrf {
        request = request.header("x-csrf-token", csrf);
    }
    Ok(request.send().await?.status())
}

#[tokio::test]
async fn refused_requests_add_bounded_entries_and_the_audit_log_pages() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in &urls {
        let server = start(url).await?;
        ensure_demo_accounts(&server.state)
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        let root = admin(&server).await?;
        let base = &server.base;
        let api = format!("{base}/api/v1");
        let attacker =
            Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;
        let store = server.state.store();
        let (entries_before, bytes_before) = store.audit_size().await?;

        // 20 refused applications in the victim's name, each with a 1 MB vacancy "id" and a
        // long request id; 20 refused reads of ids that are no ids.
        let long_request_id = "r".repeat(4000);
        let huge = json!({"vacancy": "x".repeat(1_000_000), "note": "n".repeat(3000)}).to_string();
        for _ in 0..20 {
            let status = raw(
                &attacker,
                Method::POST,
                &format!("{api}/seekers/{ME}/applications"),
                huge.clone(),
                &long_request_id,
            )
            .await?;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let long_id = "s".repeat(4000);
        for odd in [long_id.as_str(), "<script>alert(1)</script>", "名字"] {
            for _ in 0..7 {
                let status = raw(
                    &attacker,
                    Method::GET,
                    &format!("{api}/seekers/{}", urlencode(odd)),
                    String::new(),
                    "ok-id",
                )
                .await?;
                assert!(status.is_client_error(), "{status}");
            }
        }
        let (entries_after, bytes_after) = store.audit_size().await?;
        let added = bytes_after - bytes_before;
        assert!(
            entries_after - entries_before <= 41,
            "one entry per request"
        );
        assert!(
            added <= 41 * 400,
            "41 refused requests added {added} bytes to the audit log"
        );
        // The victim's trail names the refusals, not the caller's text.
        let (_, trail) = root
            .send(Method::GET, &format!("{api}/seekers/{ME}/audit"), None)
            .await?;
        let first = trail["entries"]
            .as_array()
            .and_then(|entries| {
                entries.iter().find(|e| {
                    e["action"]
                        .as_str()
                        .is_some_and(|a| a.starts_with("denied"))
                })
            })
            .ok_or(format!("a refusal in {trail}"))?;
        let purpose = first["purpose"].as_str().unwrap_or_default();
        assert!(
            purpose.contains("(invalid id)") && !purpose.contains("xxx"),
            "{first}"
        );
        assert_eq!(first["request_id"], "(invalid id)");
        let (_, odd) = root
            .send(
                Method::GET,
                &format!("{api}/audit?actor=&action=denied%20read&limit=3"),
                None,
            )
            .await?;
        assert_eq!(odd["entries"][0]["subject_id"], "(invalid id)", "{odd}");
        assert!(odd["entries"][0]["seeker_id"].is_null(), "nobody's trail");

        // Paging: 50 by default, at most 200, a cursor to the next (older) page.
        let filler: Vec<_> = (0..230)
            .map(|i| openpes_store::NewAuditEntry {
                actor_id: None,
                actor_role: "anonymous".into(),
                action: "read".into(),
                subject_kind: "seeker".into(),
                subject_id: format!("s-{i}"),
                // 60 of them in the demo seeker's trail.
                seeker_id: Some(if i < 60 {
                    ME.to_string()
                } else {
                    format!("s-{i}")
                }),
                purpose: "x".repeat(10_000),
                request_id: "filler".into(),
            })
            .collect();
        store.append_audit(&filler, Utc::now()).await?;
        let (total, bytes) = store.audit_size().await?;
        assert!(
            bytes - bytes_after <= 230 * 400,
            "the store caps every field: {}",
            bytes - bytes_after
        );
        let (_, page) = root
            .send(Method::GET, &format!("{api}/audit"), None)
            .await?;
        assert_eq!(page["entries"].as_array().map(Vec::len), Some(50));
        let (_, page) = root
            .send(Method::GET, &format!("{api}/audit?limit=100000"), None)
            .await?;
        assert_eq!(page["entries"].as_array().map(Vec::len), Some(200));
        let mut seen = std::collections::BTreeSet::new();
        let mut url = format!("{api}/audit?limit=77");
        loop {
            let (status, page) = root.send(Method::GET, &url, None).await?;
            assert_eq!(status, StatusCode::OK, "{page}");
            for entry in page["entries"].as_array().ok_or("entries")? {
                assert!(seen.insert(entry["seq"].as_i64().ok_or("seq")?), "once");
            }
            match page["next"].as_i64() {
                Some(next) => url = format!("{api}/audit?limit=77&before={next}"),
                None => break,
            }
        }
        // Reading pages audits nothing new on this endpoint; every entry was seen once.
        assert_eq!(seen.len() as i64, total);

        // The web pages page too, keeping the search.
        let web_admin = Session::login(base, "admin@demo.openpes.tw", "demo-admin-pass").await?;
        let html = web_admin
            .client
            .get(format!("{base}/admin/audit?action=read"))
            .send()
            .await?
            .text()
            .await?;
        let older = html
            .split("id=\"audit-older\"")
            .next()
            .and_then(|head| head.rsplit("href=\"").next())
            .and_then(|href| href.split('"').next())
            .ok_or("a link to older entries")?
            .replace("&amp;", "&")
            .replace("&#x2f;", "/");
        assert!(older.starts_with("/admin/audit?"), "{older}");
        assert!(older.contains("action=read"), "{older}");
        let response = web_admin
            .client
            .get(format!("{base}{older}"))
            .send()
            .await?;
        assert_eq!(response.status(), StatusCode::OK);
        let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let html = seeker
            .client
            .get(format!("{base}/seekers/{ME}/audit"))
            .send()
            .await?
            .text()
            .await?;
        assert_eq!(html.matches("<tr><td>").count(), 50, "one page");
        assert!(html.contains("id=\"audit-older\""));
    }
    Ok(())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

on_each_backend! {
    async fn deleting_a_seeker_deletes_their_applications(server: TestApp) -> TestResult {
        let seeker: openpes_matching::Seeker = serde_json::from_value(json!({
            "id": ME, "place": "TW-TPE",
            "skills": [{"concept": format!("{STARTER}skill/cash-handling")}],
        }))?;
        server.state.store().put_seeker(&seeker, Utc::now()).await?;
        server.state.load_matching().await?;
        ensure_demo_accounts(&server.state)
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        let root = admin(&server).await?;
        let base = &server.base;
        let api = format!("{base}/api/v1");
        let other = openpes_store::NewApplication {
            id: "app-other".into(),
            seeker_id: "s-other".into(),
            vacancy_id: "v-1".into(),
            employer_id: DEMO_EMPLOYER.into(),
            status: "applied".into(),
            note: "another seeker's".into(),
        };
        server
            .state
            .store()
            .add_application(&other, "u-other", Utc::now())
            .await?;
        for id in ["v-1", "v-2"] {
            let (status, body) = root
                .send(
                    Method::PUT,
                    &format!("{api}/vacancies/{id}"),
                    Some(vacancy(id, DEMO_EMPLOYER)),
                )
                .await?;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        let me = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (status, _) = me
            .send(Method::PUT, &format!("{api}/seekers/{ME}/saved/v-2"), None)
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, application) = me
            .send(
                Method::POST,
                &format!("{api}/seekers/{ME}/applications"),
                Some(json!({"vacancy": "v-1", "note": "我的求職信與電話 0912-345-678"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{application}");
        let id = application["id"].as_str().ok_or("an id")?.to_string();
        let employer =
            Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;
        let (status, body) = employer
            .send(
                Method::PUT,
                &format!("{api}/applications/{id}/status"),
                Some(json!({"status": "interview", "version": 1, "comment": "週一面試"})),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{body}");

        let (status, body) = root
            .send(Method::DELETE, &format!("{api}/seekers/{ME}"), None)
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (status, _) = employer
            .send(Method::GET, &format!("{api}/applications/{id}"), None)
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "the cover note is gone");
        let (_, list) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-1/applications"),
                None,
            )
            .await?;
        let seekers: Vec<&str> = list["applications"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x["seeker"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(seekers, ["s-other"], "{list}");
        let store = server.state.store();
        assert!(store.application_history(&id).await?.is_empty());
        assert!(store.saved_vacancies(ME).await?.is_empty());
        assert!(store.applications_of_seeker(ME).await?.is_empty());
        // Others' application history is still append-only.
        let (update, delete) = store.try_rewrite_application_history("app-other").await;
        assert!(update.is_err() && delete.is_err());
        assert_eq!(store.application_history("app-other").await?.len(), 1);
        Ok(())
    }
}
