//! Career guidance through the HTTP API, on SQLite (always) and PostgreSQL (when configured):
//! a cashier gets reachable occupations (the taxonomy's named career moves among them), a gap
//! list and a course plan, explained in zh-TW and en; the course catalog imports CSV all or
//! nothing and extracts skills from descriptions; the action plan is edited by the seeker and
//! their caseworker with version checks and history; and only entitled roles get in.

mod common;

use openpes_test_support::on_each_backend;

use chrono::{Days, Utc};
use common::{admin, Error, Session};
use openpes_app::people::ensure_demo_accounts;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const ME: &str = "demo-seeker-0000000";
const OTHER: &str = "demo-seeker-0000001";
const STARTER: &str = "urn:openpes:starter:";

fn uri(id: &str) -> String {
    format!("{STARTER}{id}")
}

fn cashier(id: &str) -> Value {
    let skills: Vec<Value> = [
        "pos-system",
        "cash-handling",
        "balance-cash-drawer",
        "process-electronic-payments",
        "invoicing",
        "customer-service",
        "attention-to-detail",
        "shift-work",
    ]
    .iter()
    .map(|s| json!({"concept": uri(&format!("skill/{s}"))}))
    .collect();
    json!({
        "id": id, "skills": skills, "place": "TW-TPE", "education": 3,
        "experience": [{"occupation": uri("occupation/cashier"), "years": 4.0}],
        "max_distance_km": 30.0, "searchable": true,
    })
}

fn vacancy(n: usize, occupation: &str, essential: &[&str]) -> Value {
    json!({
        "id": format!("v-{n}"), "employer": "e-1", "title": occupation,
        "occupation": uri(&format!("occupation/{occupation}")),
        "essential_skills": essential.iter().map(|s| uri(&format!("skill/{s}"))).collect::<Vec<_>>(),
        "place": "TW-TPE", "contract": "permanent", "working_time": "full_time",
        "salary_min": 30000, "salary_max": 34000,
        "posted": (Utc::now().date_naive() - Days::new(3)).to_string(),
    })
}

async fn setup(server: &common::Server) -> Result<Session, Error> {
    // The seekers exist before the demo accounts, as in `serve` (the caseload is built from the
    // seekers that exist).
    for id in [ME, OTHER] {
        let record: openpes_matching::Seeker = serde_json::from_value(cashier(id))?;
        server.state.store().put_seeker(&record, Utc::now()).await?;
    }
    server.state.load_matching().await?;
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
    let admin = admin(server).await?;
    let base = &server.base;
    let (status, body) = admin
        .send(
            Method::PUT,
            &format!("{base}/api/v1/employers/e-1"),
            Some(json!({"id": "e-1", "name": "Taipei Retail"})),
        )
        .await?;
    assert!(status.is_success(), "{status} {body}");
    let shop = [
        "visual-merchandising",
        "restock-shelves",
        "pos-system",
        "customer-service",
    ];
    let mut n = 0;
    for _ in 0..3 {
        n += 1;
        let (status, body) = admin
            .send(
                Method::PUT,
                &format!("{base}/api/v1/vacancies/v-{n}"),
                Some(vacancy(n, "shop-sales-assistant", &shop)),
            )
            .await?;
        assert!(status.is_success(), "{status} {body}");
    }
    Ok(admin)
}

async fn import_csv(
    session: &Session,
    base: &str,
    csv: &str,
) -> Result<(StatusCode, Value), Error> {
    let mut request = session
        .client
        .post(format!("{base}/api/v1/courses/import"))
        .header("content-type", "text/csv")
        .body(csv.to_string());
    if let Some(token) = &session.bearer {
        request = request.bearer_auth(token);
    }
    if let Some(csrf) = &session.csrf {
        request = request.header("x-csrf-token", csrf);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((
        status,
        serde_json::from_str(&response.text().await?).unwrap_or(Value::Null),
    ))
}

fn catalog() -> String {
    let soon = Utc::now().date_naive() + Days::new(20);
    format!(
        "id,title,provider,mode,place,skills,start_dates,hours,cost,public_funding,description\n\
         c-visual,Visual merchandising,Taipei centre,in_person,TW-TPE,{vm}|{rs},{soon},36,6000,0.8,\n\
         c-pos,POS basics,Online academy,online,,{pos},,12,0,0,\n\
         c-far,Visual merchandising south,Kaohsiung centre,in_person,TW-KHH,{vm},{soon},36,6000,0.8,\n\
         c-text,Retail selling,Online academy,online,,,{soon},24,1000,0,\"Learn sales techniques and visual merchandising for retail stores.\"\n",
        vm = uri("skill/visual-merchandising"),
        rs = uri("skill/restock-shelves"),
        pos = uri("skill/pos-system"),
    )
}

on_each_backend! {
    async fn a_seeker_gets_reachable_occupations_a_gap_and_a_course_plan_explained(server: TestApp) -> TestResult {
        let base = &server.base;
        let admin = setup(&server).await?;

        // A bad row rejects the whole file, naming its line and field.
        let bad = catalog().replace("online,,", "teleport,,");
        let (status, body) = import_csv(&admin, base, &bad).await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["errors"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["field"] == "line 3: mode")),
            "{body}"
        );
        let (_, page) = admin
            .send(Method::GET, &format!("{base}/api/v1/courses"), None)
            .await?;
        assert_eq!(
            page["courses"].as_array().map(Vec::len),
            Some(0),
            "nothing stored"
        );
        let (status, summary) = import_csv(&admin, base, &catalog()).await?;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(summary["stored"], 4);
        assert_eq!(
            summary["skills_extracted"], 1,
            "c-text names no skills: {summary}"
        );
        let (_, extracted) = admin
            .send(Method::GET, &format!("{base}/api/v1/courses/c-text"), None)
            .await?;
        assert!(
            extracted["skills"]
                .as_array()
                .is_some_and(|s| s.contains(&json!(uri("skill/visual-merchandising")))),
            "{extracted}"
        );

        let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        // Reachable: the shop assistant is a named career move from cashier.
        let (status, reach) = seeker
            .send(
                Method::GET,
                &format!("{base}/api/v1/seekers/{ME}/reachable?lang=en&limit=20"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{reach}");
        let results = reach["results"].as_array().cloned().unwrap_or_default();
        let shop = results
            .iter()
            .find(|r| r["occupation"]["uri"] == uri("occupation/shop-sales-assistant"))
            .ok_or("the shop assistant is reachable")?;
        assert_eq!(shop["transition"]["kind"], "named", "{shop}");
        assert_eq!(shop["transition"]["from"]["uri"], uri("occupation/cashier"));
        assert_eq!(shop["demand"]["open"], 3);
        assert!(shop["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("usual next step from cashier")));
        let points: f64 = shop["parts"]
            .as_array()
            .map(|p| p.iter().filter_map(|p| p["points"].as_f64()).sum())
            .unwrap_or(0.0);
        assert!((points - shop["score"].as_f64().unwrap_or(-1.0)).abs() < 1e-4);
        assert!(results
            .iter()
            .all(|r| r["occupation"]["uri"] != uri("occupation/cashier")));
        let (_, reach_zh) = seeker
            .send(
                Method::GET,
                &format!("{base}/api/v1/seekers/{ME}/reachable?lang=zh-TW"),
                None,
            )
            .await?;
        assert!(reach_zh["results"][0]["explanation"]
            .as_str()
            .is_some_and(|e| e.contains("必要技能")));
        assert_eq!(reach_zh["scope"]["name"], "臺北市");

        // The gap to the shop assistant: essential first, by demand.
        let (status, gap) = seeker
            .send(
                Method::GET,
                &format!(
                    "{base}/api/v1/seekers/{ME}/gap?occupation={}&lang=en",
                    uri("occupation/shop-sales-assistant")
                ),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{gap}");
        let missing = gap["missing"].as_array().cloned().unwrap_or_default();
        assert!(missing.len() >= 2, "{gap}");
        let first = &missing[0];
        assert_eq!(first["essential"], true);
        assert_eq!(first["asked_by"], 3, "asked by every open vacancy: {first}");
        let essential_then_optional = missing
            .windows(2)
            .all(|w| w[0]["essential"].as_bool() >= w[1]["essential"].as_bool());
        assert!(essential_then_optional, "{gap}");
        assert!(gap["summary"]
            .as_str()
            .is_some_and(|s| s.contains("essential")));

        // The course plan for it: the near course closing two gaps, never the one teaching a
        // held skill, never the far one.
        let (status, plan) = seeker
            .send(
                Method::GET,
                &format!(
                    "{base}/api/v1/seekers/{ME}/course-plan?occupation={}&lang=zh-TW",
                    uri("occupation/shop-sales-assistant")
                ),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{plan}");
        let chosen: Vec<&str> = plan["courses"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|c| c["course"]["id"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(chosen.first(), Some(&"c-visual"), "{plan}");
        assert!(
            !chosen.contains(&"c-pos") && !chosen.contains(&"c-far"),
            "{plan}"
        );
        for course in plan["courses"].as_array().cloned().unwrap_or_default() {
            assert!(course["closes"].as_array().is_some_and(|c| !c.is_empty()));
            assert!(course["explanation"]
                .as_str()
                .is_some_and(|e| e.contains("補足")));
        }

        // Another seeker's guidance is not theirs to read; nor an employer's or an analyst's.
        let (status, _) = seeker
            .send(
                Method::GET,
                &format!("{base}/api/v1/seekers/{OTHER}/reachable"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        for (email, password) in [
            ("employer@demo.openpes.tw", "demo-employer-pass"),
            ("analyst@demo.openpes.tw", "demo-analyst-pass"),
        ] {
            let other = Session::login(base, email, password).await?;
            let (status, _) = other
                .send(
                    Method::GET,
                    &format!("{base}/api/v1/seekers/{ME}/course-plan"),
                    None,
                )
                .await?;
            assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        }
        // Only an administrator changes the catalog.
        let (status, _) = import_csv(&seeker, base, &catalog()).await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Every guidance read is in the seeker's audit trail.
        let (_, audit) = seeker
            .send(
                Method::GET,
                &format!("{base}/api/v1/seekers/{ME}/audit"),
                None,
            )
            .await?;
        let text = audit.to_string();
        assert!(
            text.contains("reachable occupations") && text.contains("course plan"),
            "{text}"
        );
        Ok(())
    }
}

on_each_backend! {
    async fn the_action_plan_is_shared_with_the_caseworker_and_keeps_its_history(server: TestApp) -> TestResult {
        let base = &server.base;
        let admin = setup(&server).await?;
        let (status, body) = import_csv(&admin, base, &catalog()).await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let caseworker =
            Session::login(base, "caseworker@demo.openpes.tw", "demo-caseworker-pass").await?;
        let plan_url = format!("{base}/api/v1/seekers/{ME}/plan");

        // A step must name a course that exists.
        let (status, body) = seeker
            .send(
                Method::POST,
                &plan_url,
                Some(
                    json!({"kind": "course", "title": "Visual merchandising", "reference": "nope"}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, step) = seeker
            .send(
                Method::POST,
                &plan_url,
                Some(json!({"kind": "course", "title": "Visual merchandising",
                            "reference": "c-visual", "due": "2027-01-31"})),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{step}");
        assert_eq!(step["version"], 1);
        let step_url = format!("{plan_url}/{}", step["id"].as_str().unwrap_or(""));

        // The caseworker moves it on; the seeker's edit from the old version is refused.
        let (status, changed) = caseworker
            .send(
                Method::PUT,
                &step_url,
                Some(
                    json!({"version": 1, "step": {"kind": "course", "title": "Visual merchandising",
                            "reference": "c-visual", "status": "in_progress"}}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["version"], 2);
        let (status, stale) = seeker
            .send(
                Method::PUT,
                &step_url,
                Some(
                    json!({"version": 1, "step": {"kind": "course", "title": "x",
                            "reference": "c-visual", "status": "cancelled"}}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{stale}");
        assert_eq!(stale["code"], "step_changed");

        let (_, plan) = seeker.send(Method::GET, &plan_url, None).await?;
        assert_eq!(plan["steps"][0]["step"]["status"], "in_progress");
        let (_, history) = seeker
            .send(Method::GET, &format!("{plan_url}/history"), None)
            .await?;
        let changes = history["changes"].as_array().cloned().unwrap_or_default();
        assert_eq!(changes.len(), 2, "{history}");
        assert_eq!(changes[0]["change"], "created");
        assert_eq!(changes[1]["change"], "updated");
        assert_ne!(changes[0]["changed_by"], changes[1]["changed_by"]);

        // Nobody else edits or reads it.
        let employer =
            Session::login(base, "employer@demo.openpes.tw", "demo-employer-pass").await?;
        let (status, _) = employer.send(Method::GET, &plan_url, None).await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = seeker
            .send(
                Method::POST,
                &format!("{base}/api/v1/seekers/{OTHER}/plan"),
                Some(json!({"kind": "counselling", "title": "Meet"})),
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        Ok(())
    }
}
