//! Matching through the HTTP API on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): records stored and indexed, explained matches in both
//! directions and both languages, consent, field-level rejection that stores nothing, the
//! all-or-nothing JSON-lines import, the change feed, and an index rebuilt from the database.

mod common;

use openpes_test_support::on_each_backend;

use openpes_server::{AppState, Limits};
use serde_json::{json, Value};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const FORKLIFT_DRIVER: &str = "urn:openpes:starter:occupation/forklift-driver";
const FORKLIFT: &str = "urn:openpes:starter:skill/forklift-operation";

async fn start(url: &str) -> Result<(String, AppState), Box<dyn std::error::Error>> {
    let server = common::start_with_limits(
        url,
        openpes_server::Security::default(),
        openpes_server::ConnectionLimits::default(),
        Limits::default(),
    )
    .await?;
    Ok((format!("{}/api/v1", server.base), server.state))
}

/// A client that sends an administrator's API token with every request.
async fn admin_client(state: &AppState) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    let token = openpes_app::people::provision_service_account(
        state,
        "admin@test.example",
        openpes_server::auth::Role::Admin,
        &openpes_server::auth::Scope::ALL,
    )
    .await
    .map_err(|e| format!("{:?}", e.message))?;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?,
    );
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .build()?)
}

use common::urls;

fn vacancy(id: &str, skills: &[&str]) -> Value {
    json!({
        "id": id, "employer": "e-1", "title": format!("Forklift driver {id}"),
        "occupation": FORKLIFT_DRIVER, "essential_skills": skills,
        "location": {"lat": 24.99, "lon": 121.30},
        "contract": "permanent", "working_time": "full_time",
        "salary_min": 32000, "salary_max": 40000, "posted": "2026-11-20"
    })
}

async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

/// The seeker consents to be found, in their own session (nobody else's copy of the record
/// carries consent): an administrator makes the seeker's account first.
async fn give_consent(
    admin: &reqwest::Client,
    base: &str,
    seeker: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let email = format!("{seeker}@consent.test");
    let password = "seeker-password";
    let (status, body) = send(
        admin,
        reqwest::Method::POST,
        &format!("{base}/admin/users"),
        Some(
            json!({"email": email, "password": password, "display_name": seeker,
            "role": "seeker", "seeker_id": seeker}),
        ),
    )
    .await?;
    assert_eq!(status, 201, "{body}");
    let own = reqwest::Client::builder().cookie_store(true).build()?;
    let (status, body) = send(
        &own,
        reqwest::Method::POST,
        &format!("{base}/auth/login"),
        Some(json!({"email": email, "password": password})),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let csrf = body["csrf_token"].as_str().ok_or("no CSRF token")?;
    let response = own
        .put(format!("{base}/seekers/{seeker}/consent"))
        .header("x-csrf-token", csrf)
        .json(&json!({"findable": true, "outreach": false}))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn seekers_and_vacancies_match_both_ways_with_explanations() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let (base, state) = start(&url).await?;
        let client = admin_client(&state).await?;
        let put = reqwest::Method::PUT;
        let get = reqwest::Method::GET;
        let (status, _) = send(
            &client,
            put.clone(),
            &format!("{base}/employers/e-1"),
            Some(json!({"id": "e-1", "name": "桃園物流"})),
        )
        .await?;
        assert_eq!(status, 204);
        for id in ["v-1", "v-2"] {
            let (status, body) = send(
                &client,
                put.clone(),
                &format!("{base}/vacancies/{id}"),
                Some(vacancy(id, &[FORKLIFT])),
            )
            .await?;
            assert_eq!(status, 204, "{body}");
        }
        let seeker = json!({
            "id": "s-1", "searchable": true,
            "skills": [{"concept": FORKLIFT}],
            "experience": [{"occupation": FORKLIFT_DRIVER, "years": 4}],
            "location": {"lat": 25.03, "lon": 121.56}
        });
        let (status, _) = send(
            &client,
            put.clone(),
            &format!("{base}/seekers/s-1"),
            Some(seeker),
        )
        .await?;
        assert_eq!(status, 204);
        give_consent(&client, &base, "s-1").await?;
        let hidden = json!({"id": "s-2", "searchable": false, "skills": [{"concept": FORKLIFT}]});
        let (status, _) = send(
            &client,
            put.clone(),
            &format!("{base}/seekers/s-2"),
            Some(hidden),
        )
        .await?;
        assert_eq!(status, 204);

        let (status, body) = send(
            &client,
            get.clone(),
            &format!("{base}/seekers/s-1/matches?lang=zh-TW"),
            None,
        )
        .await?;
        assert_eq!(status, 200, "{body}");
        let results = body["results"].as_array().ok_or("results")?;
        let ids: Vec<&str> = results.iter().filter_map(|r| r["id"].as_str()).collect();
        assert_eq!(ids, ["v-1", "v-2"], "equal scores are ordered by id");
        let first = &results[0];
        assert_eq!(
            first["summary"]
                .as_str()
                .map(|s| s.starts_with("符合 1/1 項必要技能")),
            Some(true),
            "{first}"
        );
        assert_eq!(first["occupation"]["relation"], "same");
        assert_eq!(first["essential_matched"][0]["label"], "堆高機操作");
        let points: f64 = first["parts"]
            .as_array()
            .ok_or("parts")?
            .iter()
            .filter_map(|p| p["points"].as_f64())
            .sum();
        let score = first["score"].as_f64().ok_or("score")?;
        assert!(
            (points - score).abs() < 1e-4,
            "parts add up: {points} vs {score}"
        );

        let (status, body) = send(
            &client,
            get.clone(),
            &format!("{base}/vacancies/v-1/candidates?lang=en"),
            None,
        )
        .await?;
        assert_eq!(status, 200);
        let ids: Vec<&str> = body["results"]
            .as_array()
            .ok_or("results")?
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(ids, ["s-1"], "only seekers who consented");
        assert_eq!(body["results"][0]["parts"][0]["label"], "Essential skills");

        // A bad record: every bad field named, nothing stored.
        let mut bad = vacancy("v-3", &["urn:nowhere"]);
        bad["positions"] = json!(0);
        let (status, body) = send(
            &client,
            put.clone(),
            &format!("{base}/vacancies/v-3"),
            Some(bad),
        )
        .await?;
        assert_eq!(status, 422);
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .ok_or("errors")?
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["positions"], "{body}");
        let (status, _) =
            send(&client, get.clone(), &format!("{base}/vacancies/v-3"), None).await?;
        assert_eq!(status, 404);

        // JSON lines: one bad line rejects the whole import.
        let lines = format!(
            "{}\n\n{}\n",
            vacancy("v-4", &[FORKLIFT]),
            vacancy("v-5", &["urn:nowhere"])
        );
        let response = client
            .post(format!("{base}/vacancies/import"))
            .header("content-type", "application/x-ndjson")
            .body(lines)
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 422);
        let body: Value = response.json().await?;
        assert_eq!(body["errors"][0]["field"], "line 3: essential_skills[0]");
        let (status, _) =
            send(&client, get.clone(), &format!("{base}/vacancies/v-4"), None).await?;
        assert_eq!(status, 404, "nothing of a rejected import is stored");
        let good = format!(
            "{}\n{}\n",
            vacancy("v-4", &[FORKLIFT]),
            vacancy("v-5", &[FORKLIFT])
        );
        let response = client
            .post(format!("{base}/vacancies/import"))
            .body(good)
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 200);

        // Change feed and deletion.
        let (status, _) = send(
            &client,
            reqwest::Method::DELETE,
            &format!("{base}/vacancies/v-2"),
            None,
        )
        .await?;
        assert_eq!(status, 204);
        let (_, feed) = send(
            &client,
            get.clone(),
            &format!("{base}/vacancies/changes?since=0"),
            None,
        )
        .await?;
        let changes: Vec<(String, String)> = feed["changes"]
            .as_array()
            .ok_or("changes")?
            .iter()
            .map(|c| {
                (
                    c["vacancy_id"].as_str().unwrap_or("").to_string(),
                    c["change"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(
            changes.last(),
            Some(&("v-2".to_string(), "delete".to_string()))
        );
        assert_eq!(changes.len(), 5);
        let next = feed["next"].as_i64().ok_or("next")?;
        let (_, rest) = send(
            &client,
            get.clone(),
            &format!("{base}/vacancies/changes?since={next}"),
            None,
        )
        .await?;
        assert_eq!(rest["changes"].as_array().map(Vec::len), Some(0));

        // A second server over the same database rebuilds the index from what is stored.
        let (again, _) = start(&url).await?;
        let (_, body) = send(
            &client,
            get.clone(),
            &format!("{again}/seekers/s-1/matches"),
            None,
        )
        .await?;
        let ids: Vec<&str> = body["results"]
            .as_array()
            .ok_or("results")?
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        assert_eq!(ids, ["v-1", "v-4", "v-5"]);
        let (status, _) = send(
            &client,
            get.clone(),
            &format!("{again}/seekers/nobody/matches"),
            None,
        )
        .await?;
        assert_eq!(status, 404);
    }
    Ok(())
}

const REGISTERED_NURSE: &str = "urn:openpes:starter:occupation/registered-nurse";

async fn get_json(
    client: &reqwest::Client,
    url: &str,
) -> Result<(u16, Value), Box<dyn std::error::Error>> {
    send(client, reqwest::Method::GET, url, None).await
}

fn ids(body: &Value, list: &str) -> Vec<String> {
    body[list]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn vacancy_search_filters_facets_pages_and_snapshot() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let (base, state) = start(&url).await?;
        let client = admin_client(&state).await?;
        let mut in_taipei = vacancy("v-tpe", &[FORKLIFT]);
        in_taipei["location"] = Value::Null;
        in_taipei["place"] = json!("台北市");
        in_taipei["posted"] = json!("2026-11-20");
        let mut in_taoyuan = vacancy("v-tao", &[FORKLIFT]);
        in_taoyuan["contract"] = json!("temporary");
        in_taoyuan["posted"] = json!("2026-11-22");
        let mut nurse = vacancy("v-rn", &[]);
        nurse["title"] = json!("Registered nurse, ward 7");
        nurse["occupation"] = json!(REGISTERED_NURSE);
        nurse["location"] = Value::Null;
        nurse["place"] = json!("TW-TPE-01");
        nurse["posted"] = json!("2026-11-21");
        for v in [&in_taipei, &in_taoyuan, &nurse] {
            let id = v["id"].as_str().unwrap_or_default();
            let (status, body) = send(
                &client,
                reqwest::Method::PUT,
                &format!("{base}/vacancies/{id}"),
                Some(v.clone()),
            )
            .await?;
            assert_eq!(status, 204, "{body}");
        }
        let mut nowhere = vacancy("v-x", &[FORKLIFT]);
        nowhere["place"] = json!("Atlantis");
        let (status, body) = send(
            &client,
            reqwest::Method::PUT,
            &format!("{base}/vacancies/v-x"),
            Some(nowhere),
        )
        .await?;
        assert_eq!(status, 422);
        assert_eq!(body["errors"][0]["field"], "place", "{body}");

        // Everything, newest first, with facets.
        let (status, all) = get_json(&client, &format!("{base}/vacancies/search")).await?;
        assert_eq!(status, 200, "{all}");
        assert_eq!(all["total"], 3);
        assert_eq!(ids(&all, "results"), ["v-tao", "v-rn", "v-tpe"]);
        let regions = &all["facets"]["regions"];
        assert_eq!(regions[0]["value"]["code"], "TW-TPE", "{regions}");
        assert_eq!(regions[0]["count"], 2);
        assert_eq!(regions[1]["value"]["code"], "TW-TAO");
        let contracts = &all["facets"]["contracts"];
        assert_eq!(contracts[0]["value"], "permanent");
        assert_eq!(contracts[0]["count"], 2);

        // Free text: an occupation and a place understood.
        let (status, found) = get_json(
            &client,
            &format!("{base}/vacancies/search?q=forklift%20driver%20in%20Taipei&lang=zh-TW"),
        )
        .await?;
        assert_eq!(status, 200, "{found}");
        assert_eq!(ids(&found, "results"), ["v-tpe"], "{found}");
        assert_eq!(found["interpreted"]["places"][0]["code"], "TW-TPE");
        assert_eq!(found["interpreted"]["places"][0]["name"], "臺北市");
        assert_eq!(
            found["interpreted"]["occupations"][0]["uri"],
            FORKLIFT_DRIVER
        );
        let hit = &found["results"][0];
        let parts_sum: f64 = hit["parts"]
            .as_array()
            .map(|p| p.iter().filter_map(|x| x["points"].as_f64()).sum())
            .unwrap_or(-1.0);
        let relevance = hit["relevance"].as_f64().unwrap_or(-2.0);
        assert!((parts_sum - relevance).abs() < 1e-4, "{hit}");
        assert_eq!(hit["place"]["name"], "臺北市");

        // Filters by code, label, enumeration and radius.
        for (query, want) in [
            ("occupation=2221", vec!["v-rn"]),
            (
                "occupation=%E5%A0%86%E9%AB%98%E6%A9%9F%E5%8F%B8%E6%A9%9F",
                vec!["v-tao", "v-tpe"],
            ),
            ("contract=temporary", vec!["v-tao"]),
            ("place=TW-TPE&sort=date", vec!["v-rn", "v-tpe"]),
            ("lat=24.99&lon=121.30&radius_km=10", vec!["v-tao"]),
            (
                "skill=forklift%20operation&posted_since=2026-11-21",
                vec!["v-tao"],
            ),
        ] {
            let (status, body) =
                get_json(&client, &format!("{base}/vacancies/search?{query}")).await?;
            assert_eq!(status, 200, "{query}: {body}");
            assert_eq!(ids(&body, "results"), want, "{query}");
        }
        // Unknown and ambiguous values are named.
        for (query, code, named) in [
            ("place=Atlantis", "unknown_filter_value", "Atlantis"),
            (
                "place=%E4%B8%AD%E6%AD%A3%E5%8D%80",
                "ambiguous_filter_value",
                "place",
            ),
            (
                "occupation=astronaut%20chef",
                "unknown_filter_value",
                "occupation",
            ),
            ("contract=forever", "unknown_value", "forever"),
            ("lat=25", "incomplete_parameters", "lat"),
            ("cursor=zzz", "bad_cursor", "zzz"),
        ] {
            let (status, body) =
                get_json(&client, &format!("{base}/vacancies/search?{query}")).await?;
            assert_eq!(status, 400, "{query}: {body}");
            assert_eq!(body["code"], code, "{query}: {body}");
            assert!(
                body["detail"].as_str().is_some_and(|d| d.contains(named)),
                "{body}"
            );
        }

        // Pages of one joined up are the one-page answer.
        let mut cursor: Option<String> = None;
        let mut paged = Vec::new();
        loop {
            let url = match &cursor {
                Some(c) => format!("{base}/vacancies/search?limit=1&cursor={c}"),
                None => format!("{base}/vacancies/search?limit=1"),
            };
            let (status, page) = get_json(&client, &url).await?;
            assert_eq!(status, 200, "{page}");
            assert_eq!(page["total"], 3);
            paged.extend(ids(&page, "results"));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
            assert!(paged.len() <= 3, "pagination does not end");
        }
        assert_eq!(paged, ["v-tao", "v-rn", "v-tpe"]);

        // The snapshot: every open vacancy by id, with the cursor to follow changes from.
        let (status, first) =
            get_json(&client, &format!("{base}/vacancies/snapshot?limit=2")).await?;
        assert_eq!(status, 200, "{first}");
        assert_eq!(ids(&first, "vacancies"), ["v-rn", "v-tao"]);
        let since = first["changes_since"].as_i64().unwrap_or(0);
        assert!(since >= 3, "{first}");
        let after = first["next_after"].as_str().ok_or("no next page")?;
        let (_, second) = get_json(
            &client,
            &format!("{base}/vacancies/snapshot?limit=2&after={after}"),
        )
        .await?;
        assert_eq!(ids(&second, "vacancies"), ["v-tpe"]);
        assert!(second["next_after"].is_null());
        let (_, changes) =
            get_json(&client, &format!("{base}/vacancies/changes?since={since}")).await?;
        assert_eq!(changes["changes"].as_array().map(Vec::len), Some(0));
    }
    Ok(())
}

/// Two schema.org postings written for this test: one with structured skills, a Taiwanese
/// address and a yearly salary; one remote, with skills only in its HTML description.
fn job_postings() -> Value {
    json!({
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "JobPosting",
                "identifier": {"@type": "PropertyValue", "name": "Taoyuan Logistics", "value": "TL-2026-17"},
                "title": "堆高機司機（夜班）",
                "description": "<p>倉儲夜班，負責<b>堆高機</b>作業。</p>",
                "datePosted": "2026-11-18T09:00:00+08:00",
                "validThrough": "2026-12-31",
                "employmentType": ["FULL_TIME", "TEMPORARY"],
                "hiringOrganization": {"@type": "Organization", "name": "桃園物流股份有限公司"},
                "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
                    "addressRegion": "桃園市", "addressLocality": "中壢區", "addressCountry": "TW"}},
                "baseSalary": {"@type": "MonetaryAmount", "currency": "TWD",
                    "value": {"@type": "QuantitativeValue", "minValue": 420000, "maxValue": 540000, "unitText": "YEAR"}},
                "occupationalCategory": "8344",
                "skills": ["forklift operation"],
                "totalJobOpenings": 2
            },
            {
                "@type": "JobPosting",
                "url": "https://jobs.example.org/postings/991",
                "title": "Registered nurse (telehealth)",
                "description": "<ul><li>You will provide patient care and administer medication.</li><li>Infection control experience is a plus.</li></ul>",
                "datePosted": "2026-11-19",
                "jobLocationType": "TELECOMMUTE",
                "hiringOrganization": {"@type": "Organization", "name": "Example Care", "identifier": "example-care"}
            }
        ]
    })
}

on_each_backend! {
    async fn json_ld_postings_import_with_suggestions_to_confirm(server: TestApp) -> TestResult {
        let (base, state) = (format!("{}/api/v1", server.base), server.state.clone());
        let client = admin_client(&state).await?;
        // A bad posting rejects the whole document, naming posting and property.
        let mut bad = job_postings();
        bad["@graph"][1]["datePosted"] = json!("yesterday");
        bad["@graph"][0]["baseSalary"]["value"]["unitText"] = json!("FORTNIGHT");
        let response = client
            .post(format!("{base}/vacancies/import"))
            .header("content-type", "application/ld+json")
            .body(bad.to_string())
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 422);
        let body: Value = response.json().await?;
        let fields: Vec<&str> = body["errors"]
            .as_array()
            .map(|e| e.iter().filter_map(|x| x["field"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(
            fields,
            ["[0].baseSalary.unitText", "[1].datePosted"],
            "{body}"
        );
        let (_, all) = get_json(&client, &format!("{base}/vacancies/search")).await?;
        assert_eq!(all["total"], 0, "nothing stored from a rejected import");

        let response = client
            .post(format!("{base}/vacancies/import"))
            .header("content-type", "application/ld+json")
            .body(job_postings().to_string())
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 200);
        let summary: Value = response.json().await?;
        assert_eq!(summary["stored"], 2);
        assert_eq!(summary["employers"], 2);
        // Ids are scoped by employer (derived from it and the posting's identifier or URL).
        let forklift_id = summary["ids"][0].as_str().ok_or("ids")?.to_string();
        let nurse_id = summary["ids"][1].as_str().ok_or("ids")?.to_string();
        assert!(forklift_id.starts_with("jp-") && nurse_id.starts_with("jp-"));
        assert_ne!(forklift_id, "TL-2026-17");

        let (status, forklift) =
            get_json(&client, &format!("{base}/vacancies/{forklift_id}")).await?;
        assert_eq!(status, 200, "{forklift}");
        assert_eq!(forklift["occupation"], FORKLIFT_DRIVER);
        assert_eq!(forklift["essential_skills"], json!([FORKLIFT]));
        assert_eq!(forklift["salary_min"], 35000);
        assert_eq!(forklift["salary_max"], 45000);
        assert_eq!(forklift["contract"], "temporary");
        assert_eq!(forklift["positions"], 2);
        assert_eq!(forklift["expires"], "2026-12-31");
        let place = forklift["place"].as_str().unwrap_or_default().to_string();
        assert!(place.starts_with("TW-TAO-"), "{forklift}");
        assert!(
            forklift["suggestions"].is_null(),
            "structured skills need no suggestions"
        );

        // The remote posting's skills are suggestions until someone confirms them.
        let (_, nurse) = get_json(&client, &format!("{base}/vacancies/{nurse_id}")).await?;
        assert_eq!(nurse["remote"], "remote");
        assert_eq!(nurse["essential_skills"], json!([]));
        let suggested: Vec<(String, bool)> = nurse["suggestions"]
            .as_array()
            .map(|s| {
                s.iter()
                    .filter(|x| x["kind"] == "skill")
                    .filter_map(|x| {
                        Some((
                            x["concept"].as_str()?.to_string(),
                            x["essential"].as_bool()?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let care = "urn:openpes:starter:skill/patient-care";
        let infection = "urn:openpes:starter:skill/infection-control";
        assert!(
            suggested.contains(&(care.to_string(), true)),
            "{suggested:?}"
        );
        assert!(
            suggested.contains(&(infection.to_string(), false)),
            "{suggested:?}"
        );

        // Suggestions do not count: no candidate search uses them until confirmed.
        let (status, confirmed) = send(
            &client,
            reqwest::Method::POST,
            &format!("{base}/vacancies/{nurse_id}/suggestions"),
            Some(json!({"accept": [care, infection]})),
        )
        .await?;
        assert_eq!(status, 200, "{confirmed}");
        assert_eq!(confirmed["essential_skills"], json!([care]));
        assert_eq!(confirmed["optional_skills"], json!([infection]));
        let left: Vec<&str> = confirmed["suggestions"]
            .as_array()
            .map(|s| s.iter().filter_map(|x| x["concept"].as_str()).collect())
            .unwrap_or_default();
        assert!(!left.contains(&care));
        let (status, body) = send(
            &client,
            reqwest::Method::POST,
            &format!("{base}/vacancies/{nurse_id}/suggestions"),
            Some(json!({"accept": [care]})),
        )
        .await?;
        assert_eq!(status, 422, "accepting twice: {body}");
        let (_, found) = get_json(
            &client,
            &format!("{base}/vacancies/search?skill=provide%20patient%20care"),
        )
        .await?;
        assert_eq!(ids(&found, "results"), [nurse_id.as_str()]);

        // A seeker's CV becomes suggestions too; accepted skills count as extracted.
        let (status, _) = send(
            &client,
            reqwest::Method::PUT,
            &format!("{base}/seekers/s-cv"),
            Some(json!({"id": "s-cv", "searchable": true,
                "cv_text": "Six years in a warehouse. I hold a licence for forklift operation."})),
        )
        .await?;
        assert_eq!(status, 204);
        let (_, seeker) = get_json(&client, &format!("{base}/seekers/s-cv")).await?;
        let has = seeker["suggestions"]
            .as_array()
            .is_some_and(|s| s.iter().any(|x| x["concept"] == FORKLIFT));
        assert!(has, "{seeker}");
        let (status, seeker) = send(
            &client,
            reqwest::Method::POST,
            &format!("{base}/seekers/s-cv/suggestions"),
            Some(json!({"accept": [FORKLIFT]})),
        )
        .await?;
        assert_eq!(status, 200, "{seeker}");
        assert_eq!(seeker["skills"][0]["source"], "extracted");
        let (_, matches) = get_json(&client, &format!("{base}/seekers/s-cv/matches")).await?;
        assert_eq!(
            ids(&matches, "results").first().map(String::as_str),
            Some(forklift_id.as_str())
        );
        Ok(())
    }
}
