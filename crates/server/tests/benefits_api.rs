//! Benefits through the HTTP API, on SQLite (always) and PostgreSQL (when configured): the
//! public calculator explains its determination with the law; the demo's complete claim is
//! decided automatically with a letter, the disputed one lands in the caseworker's queue and
//! is decided there; a waiting claim moves on once its period has passed; registers over HTTP
//! feed facts with their source; insurance CSV imports are all or nothing; the decision log is
//! append-only; and only entitled roles reach a claim.

mod common;

use openpes_test_support::on_each_backend;

use common::{admin, start, urls, Session, TestResult};
use openpes_app::people::ensure_demo_accounts;
use openpes_server::benefits::demo::{ensure_demo_claims, COMPLETE, DISPUTED};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn seeker(id: &str) -> Value {
    json!({"id": id, "skills": [], "place": "TW-TPE", "searchable": false})
}

async fn put_seekers(server: &common::Server, admin: &Session, ids: &[&str]) -> TestResult {
    for id in ids {
        let (status, body) = admin
            .send(
                Method::PUT,
                &format!("{}/api/v1/seekers/{id}", server.base),
                Some(seeker(id)),
            )
            .await?;
        assert!(status.is_success(), "put seeker {id}: {status} {body}");
    }
    Ok(())
}

#[tokio::test]
async fn the_calculator_explains_with_the_law_and_refuses_bad_facts() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let anonymous = Session::anonymous()?;
    let url = format!("{}/api/v1/benefits/calculate", server.base);
    let facts = json!({
        "registration_date": "2021-03-01", "receives_old_age_pension": false,
        "separation_reason": "employer_redundancy", "insurance_record_months": 40,
        "contributions": (3..=14).map(|m| json!({"month": format!("{}-{:02}", 2020 + (m - 1) / 12, (m - 1) % 12 + 1), "amount": 4000})).collect::<Vec<_>>()
    });
    let (status, body) = anonymous
        .send(Method::POST, &url, Some(json!({"program": "ee/unemployment_insurance_benefit", "as_of": "2021-03-20", "facts": facts})))
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "eligible");
    let first = body["outputs"]
        .as_array()
        .ok_or("outputs")?
        .iter()
        .find(|o| o["name"] == "daily_rate_first_period")
        .ok_or("rate")?;
    assert_eq!(first["value"], "67.30", "the 2021 cap: {first}");
    let trace = body["trace"].as_array().ok_or("trace")?;
    assert!(trace
        .iter()
        .any(|s| s["citation"]["en"] == "TKS § 9(4)"
            && s["citation"]["zh-TW"] == "失業保險法第9條第4項"));
    assert!(trace
        .iter()
        .flat_map(|s| s["parameters"].as_array().into_iter().flatten())
        .any(|p| p["path"] == "ee.national_average_daily_wage" && p["from"] == "2021-01-01"));

    let (status, problem) = anonymous
        .send(Method::POST, &url, Some(json!({"program": "tw/unemployment_benefit", "facts": {"separaton_date": "2026-01-31"}})))
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem.to_string().contains("separaton_date"), "{problem}");
    let (status, problem) = anonymous
        .send(
            Method::POST,
            &url,
            Some(json!({"program": "xx/none", "facts": {}})),
        )
        .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    let (status, programs) = anonymous
        .send(
            Method::GET,
            &format!("{}/api/v1/benefits/programs", server.base),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(programs.as_array().map(Vec::len), Some(2));
    let (status, params) = anonymous
        .send(
            Method::GET,
            &format!(
                "{}/api/v1/benefits/parameters?prefix=tw.minimum_wage&at=2026-01-01",
                server.base
            ),
            None,
        )
        .await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        params["parameters"][0]["values"][0]["value"]["number"],
        "29500"
    );
    Ok(())
}

on_each_backend! {
    async fn demo_claims_are_decided_or_reviewed_with_letters(server: TestApp) -> TestResult {
        let base = &server.base;
        // The demo seekers exist before the demo accounts, as in `serve` (the caseload is built
        // from the seekers that exist).
        for id in [COMPLETE, DISPUTED, "demo-seeker-0000002"] {
            let record: openpes_matching::Seeker = serde_json::from_value(seeker(id))?;
            server
                .state
                .store()
                .put_seeker(&record, chrono::Utc::now())
                .await?;
        }
        ensure_demo_accounts(&server.state)
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        let admin = admin(&server).await?;
        let today = chrono::Utc::now().date_naive();
        assert!(ensure_demo_claims(&server.state, today)
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?);
        assert!(
            !ensure_demo_claims(&server.state, today)
                .await
                .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?,
            "only once"
        );

        let seeker = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (status, claims) = seeker
            .send(
                Method::GET,
                &format!("{base}/api/v1/seekers/{COMPLETE}/claims"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{claims}");
        let claim = &claims[0];
        assert_eq!(claim["status"], "decided", "{claim}");
        let decision = &claim["decisions"][0];
        assert_eq!(decision["kind"], "automated");
        assert_eq!(decision["outcome"], "eligible");
        // 38200 × 60 % = 22920, one dependant adds 3820.
        let outputs = decision["determination"]["outputs"]
            .as_array()
            .ok_or("outputs")?;
        let value = |name: &str| {
            outputs
                .iter()
                .find(|o| o["name"] == name)
                .map(|o| o["value"].clone())
        };
        assert_eq!(value("monthly_benefit"), Some(json!("22920")));
        assert_eq!(value("monthly_total"), Some(json!("26740")));
        let zh = decision["letter"]["zh-TW"].as_str().ok_or("letter")?;
        let en = decision["letter"]["en"].as_str().ok_or("letter")?;
        assert!(
            zh.contains("自動作成") && zh.contains("就業保險法第16條第1項") && zh.contains("訴願"),
            "{zh}"
        );
        assert!(
            en.contains("automatically")
                && en.contains("Employment Insurance Act, Art. 16(1)")
                && en.contains("appeal"),
            "{en}"
        );
        assert!(
            en.contains("insurance_records") && en.contains("openpes.registrations"),
            "data sources: {en}"
        );
        let facts = &decision["facts"];
        assert_eq!(
            facts["insured_salaries"]["source"]["register"],
            "insurance_records"
        );
        assert_eq!(facts["dependants"]["source"]["register"], "claimant");

        // The seeker cannot see another seeker's claims.
        let (status, _) = seeker
            .send(
                Method::GET,
                &format!("{base}/api/v1/seekers/{DISPUTED}/claims"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let claim_id = claim["id"].as_str().ok_or("id")?;
        let analyst = Session::login(base, "analyst@demo.openpes.tw", "demo-analyst-pass").await?;
        let (status, _) = analyst
            .send(
                Method::GET,
                &format!("{base}/api/v1/benefits/claims/{claim_id}"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = analyst
            .send(
                Method::GET,
                &format!("{base}/api/v1/benefits/review-queue"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The disputed claim waits in the caseworker's queue.
        let caseworker =
            Session::login(base, "caseworker@demo.openpes.tw", "demo-caseworker-pass").await?;
        let (status, queue) = caseworker
            .send(
                Method::GET,
                &format!("{base}/api/v1/benefits/review-queue"),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{queue}");
        let entries = queue.as_array().ok_or("queue")?;
        assert_eq!(entries.len(), 1, "{queue}");
        assert_eq!(entries[0]["seeker_id"], DISPUTED);
        assert_eq!(entries[0]["needed"], json!(["separation_reason"]));
        let disputed_id = entries[0]["id"].as_str().ok_or("id")?.to_string();
        let (_, disputed) = caseworker
            .send(
                Method::GET,
                &format!("{base}/api/v1/benefits/claims/{disputed_id}"),
                None,
            )
            .await?;
        let letter = disputed["decisions"][0]["letter"]["en"]
            .as_str()
            .ok_or("letter")?;
        assert!(
            letter.contains("caseworker's review") && letter.contains("disputed"),
            "{letter}"
        );
        assert_eq!(
            disputed["decisions"][0]["facts"]["separation_reason"]["status"],
            "disputed"
        );

        // Deciding while still undetermined is refused; establishing the fact settles it.
        let review = format!("{base}/api/v1/benefits/claims/{disputed_id}/review");
        // A decision on a version the caseworker did not see (someone decided since) is
        // refused, and nothing is recorded.
        let seen = disputed["version"].as_i64().ok_or("version")?;
        let (status, problem) = caseworker
            .send(
                Method::POST,
                &review,
                Some(
                    json!({"facts": {"separation_reason": "lsa_11"}, "decide": true,
                    "version": seen + 1}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert_eq!(problem["code"], "claim_changed");
        let (status, problem) = caseworker
            .send(Method::POST, &review, Some(json!({"decide": true})))
            .await?;
        assert_eq!(status, StatusCode::CONFLICT, "{problem}");
        assert_eq!(problem["code"], "claim_not_decidable");
        let (status, reviewed) = caseworker
            .send(
                Method::POST,
                &review,
                Some(
                    json!({"facts": {"separation_reason": "lsa_11"}, "decide": true,
                    "version": seen}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{reviewed}");
        assert_eq!(reviewed["version"], seen + 1);
        assert_eq!(reviewed["status"], "decided");
        let last = reviewed["decisions"]
            .as_array()
            .and_then(|d| d.last())
            .ok_or("decision")?;
        assert_eq!(last["kind"], "caseworker");
        assert_eq!(last["outcome"], "eligible");
        assert_eq!(
            last["facts"]["separation_reason"]["source"]["register"],
            "caseworker"
        );
        assert!(last["letter"]["zh-TW"]
            .as_str()
            .unwrap_or("")
            .contains("承辦人員"));
        let (_, queue) = caseworker
            .send(
                Method::GET,
                &format!("{base}/api/v1/benefits/review-queue"),
                None,
            )
            .await?;
        assert_eq!(queue, json!([]));
        let (status, _) = caseworker
            .send(Method::POST, &review, Some(json!({"decide": true})))
            .await?;
        assert_eq!(
            status,
            StatusCode::CONFLICT,
            "a decided claim is not decided again"
        );

        // The decision log refuses rewrites; reads of claims are audited.
        let seq = last["seq"].as_i64().ok_or("seq")?;
        assert!(server
            .state
            .store()
            .try_rewrite_decision(seq)
            .await
            .is_err());
        let (_, audit) = admin
            .send(
                Method::GET,
                &format!("{base}/api/v1/audit?seeker={DISPUTED}"),
                None,
            )
            .await?;
        assert!(
            audit.to_string().contains("review benefit claim"),
            "{audit}"
        );
        Ok(())
    }
}

#[tokio::test]
async fn a_claim_waits_for_the_fourteen_days_then_moves_on() -> TestResult {
    let (urls, _dir) = urls().await?;
    // PostgreSQL when configured: two nodes re-determine at once there.
    let url = urls.last().ok_or("no database")?;
    let server = start(url).await?;
    let other_node = start(url).await?;
    let admin = admin(&server).await?;
    put_seekers(&server, &admin, &["s-wait"]).await?;
    let today = chrono::Utc::now().date_naive();
    let separation = today - chrono::Duration::days(3);
    let mut csv = String::from("person_id,jurisdiction,kind,start_date,end_date,month,amount,contract,separation_reason,record_id\n");
    csv.push_str(&format!(
        "s-wait,tw,coverage,{},{separation},,,open,business_closure,W-1\n",
        separation - chrono::Duration::days(800)
    ));
    let last = openpes_rules::YearMonth::of(separation);
    for back in 0..6 {
        csv.push_str(&format!(
            "s-wait,tw,salary,,,{},30000,,,W-S{back}\n",
            last.plus(-back)
        ));
    }
    let response = admin
        .client
        .post(format!("{}/api/v1/benefits/insurance-records", server.base))
        .bearer_auth(admin.bearer.as_deref().unwrap_or(""))
        .body(csv.clone())
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let summary: Value = response.json().await?;
    assert_eq!(summary, json!({"inserted": 7, "skipped": 0}));

    let declared = json!({"birth_date": "1990-01-01", "nationality": "roc_national", "old_age_benefit_received": false,
        "able_and_willing_to_work": true, "dependants": 0, "disability_certificate": false, "previous_full_period_ended_on": null});
    let (status, claim) = admin
        .send(Method::POST, &format!("{}/api/v1/benefits/claims", server.base), Some(json!({"program": "tw/unemployment_benefit", "seeker_id": "s-wait", "declared": declared})))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    assert_eq!(
        claim["status"], "waiting",
        "registered today, so the 14 days have not passed: {claim}"
    );
    assert!(claim["decisions"][0]["letter"]["en"]
        .as_str()
        .unwrap_or("")
        .contains("examined again automatically"));

    // A second claimant is offered a job through the service within the 14 days.
    put_seekers(&server, &admin, &["s-offered"]).await?;
    let offered_csv = csv.replace("s-wait", "s-offered").replace(",W-", ",O-");
    let response = admin
        .client
        .post(format!("{}/api/v1/benefits/insurance-records", server.base))
        .bearer_auth(admin.bearer.as_deref().unwrap_or(""))
        .body(offered_csv)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let (status, offered) = admin
        .send(Method::POST, &format!("{}/api/v1/benefits/claims", server.base), Some(json!({"program": "tw/unemployment_benefit", "seeker_id": "s-offered", "declared": declared})))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{offered}");
    // (A caseworker's referral: recorded by the service, so confirmed when stored.)
    let offered_on = (today + chrono::Duration::days(5)).to_string();
    server
        .state
        .store()
        .add_referral(
            &openpes_store::NewReferral {
                seeker_id: "s-offered".into(),
                kind: "job".into(),
                offered_on: offered_on.clone(),
                reference: "v-1".into(),
                employer_id: None,
                status: "confirmed".into(),
                recorded_by: "u-caseworker".into(),
                recorded_role: "caseworker".into(),
            },
            chrono::Utc::now(),
        )
        .await?;

    let moved = openpes_server::benefits::redetermine_waiting(
        &server.state,
        today + chrono::Duration::days(13),
    )
    .await
    .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
    assert_eq!(moved, 0, "day 13 is still inside the period");
    // Both nodes run the re-determination at once: each claim moves on once.
    let day_14 = today + chrono::Duration::days(14);
    let (here, there) = tokio::join!(
        openpes_server::benefits::redetermine_waiting(&server.state, day_14),
        openpes_server::benefits::redetermine_waiting(&other_node.state, day_14),
    );
    let render = |e: openpes_app::AppError| e.message.render(openpes_server::i18n::UiLang::En);
    let (here, there) = (here.map_err(render)?, there.map_err(render)?);
    assert_eq!(here + there, 2, "one decision per claim: {here} + {there}");
    // Scheduled, the job runs on one node per hour, whichever claims the run.
    let now = chrono::Utc::now();
    let (here, there) = tokio::join!(
        openpes_server::benefits::redetermine_when_due(&server.state, day_14, now),
        openpes_server::benefits::redetermine_when_due(&other_node.state, day_14, now),
    );
    let runs = [here.map_err(render)?, there.map_err(render)?];
    assert_eq!(runs.iter().filter(|r| r.is_some()).count(), 1, "{runs:?}");
    assert_eq!(
        runs.iter().flatten().sum::<usize>(),
        0,
        "nothing left to move"
    );
    let id = claim["id"].as_str().ok_or("id")?;
    let (_, claim) = admin
        .send(
            Method::GET,
            &format!("{}/api/v1/benefits/claims/{id}", server.base),
            None,
        )
        .await?;
    assert_eq!(claim["status"], "decided", "{claim}");
    assert_eq!(
        claim["decisions"].as_array().map(Vec::len),
        Some(2),
        "{claim}"
    );
    assert_eq!(claim["decisions"][1]["kind"], "automated");
    assert_eq!(
        claim["decisions"][1]["facts"]["offered_job_or_training"]["source"]["register"],
        "openpes.referrals"
    );
    let offered_id = offered["id"].as_str().ok_or("id")?;
    let (_, offered) = admin
        .send(
            Method::GET,
            &format!("{}/api/v1/benefits/claims/{offered_id}", server.base),
            None,
        )
        .await?;
    assert_eq!(
        offered["status"], "review",
        "an unfavourable outcome is never automated: {offered}"
    );
    assert_eq!(
        offered["decisions"].as_array().map(Vec::len),
        Some(2),
        "{offered}"
    );
    let last = offered["decisions"]
        .as_array()
        .and_then(|d| d.last())
        .ok_or("decision")?;
    assert_eq!(last["outcome"], "ineligible");
    assert_eq!(
        last["determination"]["reasons"][0]["id"],
        "job_search_registration"
    );
    let record = last["facts"]["offered_job_or_training"]["source"]["record"]
        .as_str()
        .unwrap_or("");
    assert!(
        record.starts_with(&format!("job:v-1 on {offered_on} (referral "))
            && record.contains("recorded by u-caseworker caseworker")
            && record.contains("confirmed by u-caseworker caseworker"),
        "the vacancy, the date and who recorded and confirmed it: {record}"
    );
    Ok(())
}

#[tokio::test]
async fn an_insurance_import_with_a_bad_row_imports_nothing() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let admin = admin(&server).await?;
    let url = format!("{}/api/v1/benefits/insurance-records", server.base);
    let csv = "person_id,jurisdiction,kind,start_date,end_date,month,amount,contract,separation_reason,record_id\n\
               p1,tw,salary,,,2025-01,30000,,,R1\n\
               p1,tw,salary,,,2025-13,30000,,,R2\n\
               p1,tw,coverage,2025-01-01,2024-01-01,,,open,quit,R3\n\
               p1,xx,salary,,,2025-01,-5,,,R1\n";
    let response = admin
        .client
        .post(&url)
        .bearer_auth(admin.bearer.as_deref().unwrap_or(""))
        .body(csv)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = response.json().await?;
    let text = problem.to_string();
    for expected in [
        "line 3, month",
        "line 4, end_date",
        "line 4, separation_reason",
        "line 5, jurisdiction",
        "line 5, amount",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(
        server
            .state
            .store()
            .insurance_records("p1", "tw")
            .await?
            .is_empty(),
        "nothing imported"
    );
    let anonymous = reqwest::Client::new().post(&url).body("x").send().await?;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}

#[tokio::test]
async fn an_external_register_supplies_facts_with_its_source() -> TestResult {
    use axum::routing::post;
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let register = axum::Router::new().route(
        "/facts",
        post(|axum::Json(request): axum::Json<Value>| async move {
            let person = request["person_id"].as_str().unwrap_or("").to_string();
            axum::Json(json!({"facts": {
                "birth_date": {"status": "known", "value": "1970-02-03", "source": {"register": "household", "record": person, "at": "2026-01-01"}},
                "nationality": {"status": "known", "value": "roc_national", "source": {"register": "household", "record": person}}
            }}))
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, register).await;
    });
    let benefits = openpes_server::benefits::Benefits {
        engine: openpes_rules::Engine::builtin()?,
        registers: vec![
            openpes_server::benefits::HttpRegister::new(
                "household",
                &format!("http://{address}/facts"),
            )?,
            openpes_server::benefits::HttpRegister::new("offline", "http://127.0.0.1:9/facts")?,
        ],
    };
    server.state.set_benefits(benefits);
    let admin = admin(&server).await?;
    put_seekers(&server, &admin, &["s-ext"]).await?;
    // The claimant says 1971; the household register says 1970: a dispute for a person.
    let (status, claim) = admin
        .send(Method::POST, &format!("{}/api/v1/benefits/claims", server.base), Some(json!({"program": "tw/unemployment_benefit", "seeker_id": "s-ext", "declared": {"birth_date": "1971-02-03"}})))
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{claim}");
    let facts = &claim["decisions"][0]["facts"];
    assert_eq!(facts["nationality"]["source"]["register"], "household");
    assert_eq!(facts["birth_date"]["status"], "disputed", "{facts}");
    assert_eq!(claim["status"], "review");
    let letter = claim["decisions"][0]["letter"]["en"].as_str().unwrap_or("");
    assert!(
        letter.contains("offline"),
        "an unreachable register is named: {letter}"
    );
    Ok(())
}

#[tokio::test]
async fn the_web_pages_file_review_and_decide_a_claim() -> TestResult {
    let (urls, _dir) = urls().await?;
    let server = start(&urls[0]).await?;
    let base = &server.base;
    for id in [COMPLETE, DISPUTED] {
        let record: openpes_matching::Seeker = serde_json::from_value(seeker(id))?;
        server
            .state
            .store()
            .put_seeker(&record, chrono::Utc::now())
            .await?;
    }
    ensure_demo_accounts(&server.state)
        .await
        .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
    let today = chrono::Utc::now().date_naive();
    ensure_demo_claims(&server.state, today)
        .await
        .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;

    // The seeker sees their decided claim with its letter, and a form per program.
    let me = Session::login(base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
    let page = me
        .client
        .get(format!("{base}/seekers/{COMPLETE}/benefits?lang=en"))
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("id=\"claims\""), "the claims list");
    assert!(page.contains("Decided"), "its status");
    assert!(
        page.contains("class=\"stack claim-form\""),
        "the claim form"
    );
    assert!(
        page.contains("name=\"separation_reason\""),
        "a field per fact"
    );
    // A bad number is refused with the field named; nothing is filed.
    let (status, refused) = me
        .post_form(
            &format!("{base}/seekers/{COMPLETE}/benefits?lang=en"),
            &[
                ("program", "tw/unemployment_benefit"),
                ("dependants", "two"),
            ],
        )
        .await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // Another seeker's benefits page is refused.
    let other = me
        .client
        .get(format!("{base}/seekers/{DISPUTED}/benefits"))
        .send()
        .await?;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);

    // The caseworker finds the disputed claim in the queue and decides it on its page.
    let caseworker =
        Session::login(base, "caseworker@demo.openpes.tw", "demo-caseworker-pass").await?;
    let queue = caseworker
        .client
        .get(format!("{base}/benefits/review?lang=en"))
        .send()
        .await?
        .text()
        .await?;
    let start = queue
        .find("/benefits/claims/")
        .ok_or("a claim in the queue")?;
    let claim_id: String = queue[start + "/benefits/claims/".len()..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let claim_url = format!("{base}/benefits/claims/{claim_id}?lang=en");
    let claim_page = caseworker
        .client
        .get(&claim_url)
        .send()
        .await?
        .text()
        .await?;
    assert!(claim_page.contains("id=\"review-form\""), "the review form");
    assert!(claim_page.contains("With a caseworker"));
    let (status, decided) = caseworker
        .post_form(
            &format!("{base}/benefits/claims/{claim_id}/review?lang=en"),
            &[("separation_reason", "lsa_11"), ("decide", "true")],
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{decided}");
    // The redirect shows the claim in the caseworker's own language (zh-TW).
    assert!(decided.contains("由就業服務員決定"), "the new decision");
    assert!(
        !decided.contains("id=\"review-form\""),
        "nothing left to review"
    );
    let queue = caseworker
        .client
        .get(format!("{base}/benefits/review?lang=en"))
        .send()
        .await?
        .text()
        .await?;
    assert!(queue.contains("No claims are waiting"));
    // The seeker may not review.
    let (status, _) = me
        .post_form(
            &format!("{base}/benefits/claims/{claim_id}/review"),
            &[("decide", "true")],
        )
        .await?;
    assert_eq!(status, StatusCode::FORBIDDEN);
    Ok(())
}
