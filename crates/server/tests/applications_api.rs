//! Saved vacancies and applications through the HTTP API, on SQLite (always) and PostgreSQL
//! (when configured): a seeker saves and applies (once per open vacancy), the employer moves
//! the application on and the seeker hears of it through the outbox, stale and impossible
//! changes are refused, each side may only make its own changes, every employer read is in the
//! seeker's audit trail, and other roles are kept out.

mod common;

use openpes_test_support::on_each_backend;

use chrono::{Days, Utc};
use common::{admin, start, urls, Error, Session, TestResult};
use openpes_app::people::ensure_demo_accounts;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ME: &str = "demo-seeker-0000000";
const EMPLOYER: &str = "demo-employer-00000";
const STARTER: &str = "urn:openpes:starter:";

fn vacancy(id: &str, employer: &str, status: &str) -> Value {
    json!({
        "id": id, "employer": employer, "title": format!("收銀員 {id}"),
        "occupation": format!("{STARTER}occupation/cashier"),
        "essential_skills": [format!("{STARTER}skill/cash-handling")],
        "place": "TW-TPE", "contract": "permanent", "working_time": "full_time",
        "posted": (Utc::now().date_naive() - Days::new(3)).to_string(),
        "status": status,
    })
}

async fn setup(server: &common::Server) -> Result<Session, Error> {
    let seeker: openpes_matching::Seeker = serde_json::from_value(json!({
        "id": ME, "place": "TW-TPE", "searchable": false,
        "skills": [{"concept": format!("{STARTER}skill/cash-handling")}],
    }))?;
    server.state.store().put_seeker(&seeker, Utc::now()).await?;
    server.state.load_matching().await?;
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
    let admin = admin(server).await?;
    let base = &server.base;
    let (status, body) = admin
        .send(
            Method::PUT,
            &format!("{base}/api/v1/employers/e-2"),
            Some(json!({"id": "e-2", "name": "Other Company"})),
        )
        .await?;
    assert!(status.is_success(), "{status} {body}");
    for (id, employer, state) in [
        ("v-1", EMPLOYER, "open"),
        ("v-2", "e-2", "open"),
        ("v-closed", EMPLOYER, "closed"),
    ] {
        let (status, body) = admin
            .send(
                Method::PUT,
                &format!("{base}/api/v1/vacancies/{id}"),
                Some(vacancy(id, employer, state)),
            )
            .await?;
        assert!(status.is_success(), "{id}: {status} {body}");
    }
    Ok(admin)
}

fn statuses(view: &Value, field: &str) -> Vec<String> {
    view[field]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| {
                    s.as_str()
                        .or(s["status"].as_str())
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn apply(
    seeker: &Session,
    api: &str,
    vacancy: &str,
    note: String,
) -> Result<(StatusCode, Value), Error> {
    seeker
        .send(
            Method::POST,
            &format!("{api}/seekers/{ME}/applications?lang=en"),
            Some(json!({"vacancy": vacancy, "note": note})),
        )
        .await
}

async fn set(
    session: &Session,
    api: &str,
    id: &str,
    status: &str,
    version: i64,
    comment: &str,
) -> Result<(StatusCode, Value), Error> {
    let url = format!("{api}/applications/{id}/status?lang=en");
    let body = json!({"status": status, "version": version, "comment": comment});
    session.send(Method::PUT, &url, Some(body)).await
}

on_each_backend! {
    async fn a_seeker_applies_and_the_employer_answers(server: TestApp) -> TestResult {
        let root = setup(&server).await?;
        let base = &server.base;
        let api = format!("{base}/api/v1");
        let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let employer =
            Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;

        // Saving is idempotent and needs a real vacancy.
        for _ in 0..2 {
            let (status, body) = seeker
                .send(Method::PUT, &format!("{api}/seekers/{ME}/saved/v-1"), None)
                .await?;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        let (status, _) = seeker
            .send(Method::PUT, &format!("{api}/seekers/{ME}/saved/nope"), None)
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, saved) = seeker
            .send(Method::GET, &format!("{api}/seekers/{ME}/saved"), None)
            .await?;
        assert_eq!(saved["saved"].as_array().map(Vec::len), Some(1), "{saved}");
        assert_eq!(saved["saved"][0]["title"], "收銀員 v-1");
        assert_eq!(saved["saved"][0]["open"], true);
        assert!(saved["saved"][0]["application"].is_null());

        // Apply once, to an open vacancy, with a message of sensible length.
        let (status, application) =
            apply(&seeker, &api, "v-1", "三年收銀經驗，可輪班。".into()).await?;
        assert_eq!(status, StatusCode::CREATED, "{application}");
        assert_eq!(application["status"], "applied");
        assert_eq!(application["status_label"], "Applied");
        assert_eq!(statuses(&application, "next"), ["withdrawn"]);
        let id = application["id"].as_str().ok_or("an id")?.to_string();
        let (status, problem) = apply(&seeker, &api, "v-1", String::new()).await?;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(problem["code"], "already_applied");
        let (status, problem) = apply(&seeker, &api, "v-closed", String::new()).await?;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(problem["code"], "vacancy_closed");
        let (status, problem) = apply(&seeker, &api, "v-2", "x".repeat(4001)).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        let (_, saved) = seeker
            .send(Method::GET, &format!("{api}/seekers/{ME}/saved"), None)
            .await?;
        assert_eq!(saved["saved"][0]["application"], id.as_str());

        // The employer sees the applicant, even though the seeker is not searchable.
        let (status, list) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-1/applications"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{list}");
        let first = &list["applications"][0];
        assert_eq!(first["seeker"], ME);
        assert_eq!(first["note"], "三年收銀經驗，可輪班。");
        assert_eq!(
            statuses(first, "next"),
            ["viewed", "interview", "offer", "rejected"],
            "no hiring before an interview or offer, and only the applicant withdraws"
        );
        let (status, _) = employer
            .send(
                Method::GET,
                &format!("{api}/vacancies/v-2/applications"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "another employer's vacancy");

        let (status, changed) =
            set(&employer, &api, &id, "interview", 1, "週一上午十點面試").await?;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["version"], 2);
        let (status, problem) = set(&employer, &api, &id, "rejected", 1, "").await?;
        assert_eq!(status, StatusCode::CONFLICT, "stale version");
        assert_eq!(problem["code"], "application_changed");
        let (status, _) = set(&employer, &api, &id, "withdrawn", 2, "").await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the employer cannot withdraw"
        );
        let (status, _) = set(&seeker, &api, &id, "offer", 2, "").await?;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "the seeker cannot make offers"
        );
        let (status, withdrawn) = set(&seeker, &api, &id, "withdrawn", 2, "").await?;
        assert_eq!(status, StatusCode::OK, "{withdrawn}");
        assert!(statuses(&withdrawn, "next").is_empty(), "final");
        let (status, problem) = set(&employer, &api, &id, "offer", 3, "").await?;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(problem["code"], "status_not_allowed");

        // The history keeps every status; the seeker heard of the interview in zh-TW.
        let (_, one) = seeker
            .send(Method::GET, &format!("{api}/applications/{id}"), None)
            .await?;
        assert_eq!(
            statuses(&one, "history"),
            ["applied", "interview", "withdrawn"]
        );
        assert_eq!(one["history"][1]["comment"], "週一上午十點面試");
        let (_, outbox) = root
            .send(Method::GET, &format!("{api}/admin/outbox"), None)
            .await?;
        let mail = outbox
            .as_array()
            .or_else(|| outbox["messages"].as_array())
            .and_then(|m| {
                m.iter()
                    .find(|m| m["recipient"] == "seeker@demo.openpes.tw")
                    .cloned()
            })
            .ok_or(format!("a message to the seeker: {outbox}"))?;
        assert!(
            mail["subject"].as_str().unwrap_or("").contains("邀請面試"),
            "{mail}"
        );
        assert!(mail["body"]
            .as_str()
            .unwrap_or("")
            .contains("週一上午十點面試"));

        // Each employer read is in the seeker's own audit trail.
        let (_, audit) = seeker
            .send(Method::GET, &format!("{api}/seekers/{ME}/audit"), None)
            .await?;
        let text = audit.to_string();
        assert!(text.contains("applicant for vacancy v-1"), "{text}");

        // Who else may look: the caseworker (caseload) yes; analyst and employer not the list.
        let caseworker =
            Session::login(base, "caseworker@demo.openpes.tw", "demo-caseworker-pass").await?;
        let (status, list) = caseworker
            .send(
                Method::GET,
                &format!("{api}/seekers/{ME}/applications"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["applications"].as_array().map(Vec::len), Some(1));
        let analyst = Session::login(base, "analyst@demo.openpes.tw", "demo-analyst-pass").await?;
        for session in [&analyst, &employer] {
            let (status, _) = session
                .send(
                    Method::GET,
                    &format!("{api}/seekers/{ME}/applications"),
                    None,
                )
                .await?;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        let (status, _) = analyst
            .send(Method::GET, &format!("{api}/applications/{id}"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = Session::anonymous()?
            .send(Method::GET, &format!("{api}/applications/{id}"), None)
            .await?;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Unsaving.
        let (status, _) = seeker
            .send(
                Method::DELETE,
                &format!("{api}/seekers/{ME}/saved/v-1"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = seeker
            .send(
                Method::DELETE,
                &format!("{api}/seekers/{ME}/saved/v-1"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);
        Ok(())
    }
}

async fn page(session: &Session, url: &str) -> Result<String, Error> {
    Ok(session.client.get(url).send().await?.text().await?)
}

#[tokio::test]
async fn the_web_pages_save_apply_and_answer() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    setup(&server).await?;
    let base = &server.base;
    let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    let employer = Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;

    let vacancy_page = page(&seeker, &format!("{base}/vacancies/v-1?lang=en")).await?;
    assert!(
        vacancy_page.contains("id=\"apply-form\""),
        "an open vacancy offers the form"
    );
    let closed_page = page(&seeker, &format!("{base}/vacancies/v-closed?lang=en")).await?;
    assert!(!closed_page.contains("id=\"apply-form\""));
    assert!(closed_page.contains("no longer takes applications"));

    let (status, _) = seeker
        .post_form(
            &format!("{base}/vacancies/v-1/saved"),
            &[("action", "save")],
        )
        .await?;
    assert!(status.is_success(), "{status}");
    let (status, after) = seeker
        .post_form(
            &format!("{base}/vacancies/v-1/apply?lang=en"),
            &[("note", "可立即上班")],
        )
        .await?;
    assert!(status.is_success(), "{status}");
    assert!(after.contains("Your application was sent") || after.contains("已送出應徵"));
    assert!(
        after.contains("id=\"my-application\""),
        "the page shows the application"
    );

    let own = page(&seeker, &format!("{base}/seekers/{ME}?lang=en")).await?;
    assert!(
        own.contains("id=\"saved\"") && own.contains("收銀員 v-1"),
        "saved list"
    );
    assert!(own.contains("id=\"applications\""), "application list");
    assert!(own.contains(">Applied<"), "its status");

    // The employer sees the applicant and the message, and invites them.
    let owner_page = page(&employer, &format!("{base}/vacancies/v-1?lang=en")).await?;
    assert!(owner_page.contains("id=\"applications\""));
    assert!(owner_page.contains("可立即上班"));
    assert!(owner_page.contains("陳怡君"), "the applicant's name");
    let (_, list) = employer
        .send(
            Method::GET,
            &format!("{base}/api/v1/vacancies/v-1/applications"),
            None,
        )
        .await?;
    let id = list["applications"][0]["id"]
        .as_str()
        .ok_or("an application")?
        .to_string();
    let (status, _) = employer
        .post_form(
            &format!("{base}/applications/{id}/status"),
            &[
                ("status", "interview"),
                ("version", "1"),
                ("comment", "請帶履歷"),
            ],
        )
        .await?;
    assert!(status.is_success(), "{status}");
    let own = page(&seeker, &format!("{base}/seekers/{ME}?lang=en")).await?;
    assert!(own.contains("Invited to an interview"), "the new status");

    // The seeker withdraws from their page; a stale form is refused with a clear message.
    let (status, _) = seeker
        .post_form(
            &format!("{base}/applications/{id}/status?lang=en"),
            &[("status", "withdrawn"), ("version", "2")],
        )
        .await?;
    assert!(status.is_success(), "{status}");
    let (status, stale) = employer
        .post_form(
            &format!("{base}/applications/{id}/status?lang=en"),
            &[("status", "offer"), ("version", "2")],
        )
        .await?;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(stale.contains("changed after you read it"), "{stale}");
    // An off-site `back` is not followed.
    let (status, _) = seeker
        .post_form(
            &format!("{base}/vacancies/v-1/saved"),
            &[("action", "unsave"), ("back", "//evil.example/")],
        )
        .await?;
    assert!(status.is_success());
    Ok(())
}

on_each_backend! {
    async fn a_caseworker_reads_only_the_applications_of_their_caseload(server: TestApp) -> TestResult {
        let root = setup(&server).await?;
        let base = &server.base;
        let api = format!("{base}/api/v1");
        // A seeker outside the demo caseworker's caseload has applied.
        let (status, body) = root
            .send(
                Method::PUT,
                &format!("{api}/seekers/s-elsewhere"),
                Some(json!({"id": "s-elsewhere", "place": "TW-TPE"})),
            )
            .await?;
        assert!(status.is_success(), "{status} {body}");
        let other = "app-elsewhere".to_string();
        let application = openpes_store::NewApplication {
            id: other.clone(),
            seeker_id: "s-elsewhere".into(),
            vacancy_id: "v-1".into(),
            employer_id: EMPLOYER.into(),
            status: "applied".into(),
            note: "私人的求職信".into(),
        };
        server
            .state
            .store()
            .add_application(&application, "u-elsewhere", Utc::now())
            .await?;
        let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (status, mine) = apply(&seeker, &api, "v-1", "我的求職信".into()).await?;
        assert_eq!(status, StatusCode::CREATED, "{mine}");
        let mine = mine["id"].as_str().ok_or("an id")?.to_string();

        let caseworker =
            Session::login(base, "caseworker@demo.openpes.tw", "demo-caseworker-pass").await?;
        let (status, one) = caseworker
            .send(Method::GET, &format!("{api}/applications/{mine}"), None)
            .await?;
        assert_eq!(status, StatusCode::OK, "in the caseload: {one}");
        assert_eq!(one["note"], "我的求職信");
        let (status, problem) = caseworker
            .send(Method::GET, &format!("{api}/applications/{other}"), None)
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN, "outside the caseload");
        assert!(!problem.to_string().contains("私人的求職信"), "{problem}");

        // The employer it was sent to and administrators read both; the refusal is audited.
        let employer =
            Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;
        for session in [&employer, &root] {
            for id in [&mine, &other] {
                let (status, body) = session
                    .send(Method::GET, &format!("{api}/applications/{id}"), None)
                    .await?;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
        let (_, audit) = root
            .send(
                Method::GET,
                &format!("{api}/seekers/s-elsewhere/audit"),
                None,
            )
            .await?;
        let denied = audit["entries"].as_array().is_some_and(|entries| {
            entries
                .iter()
                .any(|e| e["action"] == "denied read" && e["subject_id"] == other.as_str())
        });
        assert!(denied, "{audit}");
        Ok(())
    }
}

/// The application's clock decides what "expired" means: with the clock fixed after a
/// vacancy's last day, it takes no applications; fixed on its last day, it does.
#[tokio::test]
async fn a_fixed_clock_decides_when_a_vacancy_has_expired() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let admin = setup(&server).await?;
    let api = format!("{}/api/v1", server.base);
    let mut expiring = vacancy("v-expiring", EMPLOYER, "open");
    expiring["expires"] = json!("2026-12-10");
    expiring["posted"] = json!("2026-12-01");
    let (status, body) = admin
        .send(
            Method::PUT,
            &format!("{api}/vacancies/v-expiring"),
            Some(expiring),
        )
        .await?;
    assert!(status.is_success(), "{status} {body}");
    let at = |day: u32| {
        chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, day, 12, 0, 0)
            .single()
            .ok_or("no such time")
    };
    server
        .state
        .set_clock(std::sync::Arc::new(openpes_server::FixedClock(at(11)?)));
    // Signed in on that day: the session's lifetime runs on the same clock.
    let seeker = Session::login(&server.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    let (status, body) = apply(&seeker, &api, "v-expiring", "late".into()).await?;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a day after its last day: {body}"
    );
    assert_eq!(body["code"], "vacancy_closed");
    server
        .state
        .set_clock(std::sync::Arc::new(openpes_server::FixedClock(at(10)?)));
    let (status, body) = apply(&seeker, &api, "v-expiring", "on time".into()).await?;
    assert_eq!(status, StatusCode::CREATED, "on its last day: {body}");
    Ok(())
}
