//! Black-box API tests: a real server on a loopback port over a fresh database with the
//! starter taxonomy, spoken to over HTTP — on SQLite always and on PostgreSQL when
//! `OPENPES_TEST_DATABASE_URL` is set.

mod common;

use openpes_server::Limits;
use openpes_store::testing::{create_postgres_database, TEST_DATABASE_URL_VAR};
use openpes_store::Store;
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

struct Server {
    base: String,
    backend: &'static str,
    _dir: Option<tempfile::TempDir>,
}

async fn start(
    url: String,
    dir: Option<tempfile::TempDir>,
    backend: &'static str,
) -> Result<Server, Box<dyn std::error::Error>> {
    let limits = Limits {
        max_body_bytes: 64 * 1024,
        ..Limits::default()
    };
    start_with(url, dir, backend, limits).await
}

async fn start_with(
    url: String,
    dir: Option<tempfile::TempDir>,
    backend: &'static str,
    limits: Limits,
) -> Result<Server, Box<dyn std::error::Error>> {
    let server = common::start_with_limits(
        &url,
        openpes_server::Security::default(),
        openpes_server::ConnectionLimits::default(),
        limits,
    )
    .await?;
    Ok(Server {
        base: server.base,
        backend,
        _dir: dir,
    })
}

/// One server per configured backend.
async fn servers() -> Result<Vec<Server>, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut out = vec![start(Store::sqlite_url_in(dir.path()), Some(dir), "sqlite").await?];
    match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(base) if !base.is_empty() => {
            let url = create_postgres_database(&base).await?;
            out.push(start(url, None, "postgres").await?);
        }
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            return Err(format!("CI=true but {TEST_DATABASE_URL_VAR} is not set").into())
        }
        _ => eprintln!("PostgreSQL not configured ({TEST_DATABASE_URL_VAR}); testing SQLite only"),
    }
    Ok(out)
}

async fn get(url: &str) -> Result<(u16, String, Value), Box<dyn std::error::Error>> {
    let response = reqwest::get(url).await?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = response.text().await?;
    let json = serde_json::from_str(&body).unwrap_or(Value::Null);
    Ok((status, content_type, json))
}

fn labels(results: &Value) -> Vec<String> {
    results["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r["matched_label"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn health_and_readiness() -> TestResult {
    for s in servers().await? {
        let (status, _, body) = get(&format!("{}/healthz", s.base)).await?;
        assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
        let (status, _, body) = get(&format!("{}/readyz", s.base)).await?;
        assert_eq!(status, 200, "{}", s.backend);
        assert_eq!(body["database"].as_str(), Some(s.backend));
        assert!(body["concepts"].as_u64().unwrap_or(0) > 700);
    }
    Ok(())
}

#[tokio::test]
async fn typeahead_finds_nurses_in_chinese_and_english() -> TestResult {
    for s in servers().await? {
        let (status, _, zh) = get(&format!("{}/api/v1/taxonomy/search?q=護理", s.base)).await?;
        assert_eq!(status, 200);
        let zh_labels = labels(&zh);
        assert!(!zh_labels.is_empty(), "{zh}");
        assert!(zh_labels[0].contains("護理"), "{zh_labels:?}");
        assert_eq!(zh["results"][0]["matched_lang"].as_str(), Some("zh-TW"));
        let parts = &zh["results"][0]["score_parts"];
        assert!(parts["token_match"].as_f64().is_some() && parts["weights"].is_array());

        let (_, _, en) = get(&format!(
            "{}/api/v1/taxonomy/search?q=nurse&kind=occupation",
            s.base
        ))
        .await?;
        let first = &en["results"][0];
        assert_eq!(first["concept"]["kind"].as_str(), Some("occupation"));
        assert!(
            first["concept"]["label"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains("nurse"),
            "{en}"
        );

        // Typo tolerance and prefix search.
        let (_, _, typo) = get(&format!(
            "{}/api/v1/taxonomy/search?q=nurze%20&lang=en",
            s.base
        ))
        .await?;
        assert!(
            labels(&typo)
                .iter()
                .any(|l| l.to_lowercase().contains("nurse")),
            "{typo}"
        );
        let (_, _, prefix) =
            get(&format!("{}/api/v1/taxonomy/search?q=weld&lang=en", s.base)).await?;
        assert!(
            labels(&prefix)
                .iter()
                .any(|l| l.to_lowercase().contains("weld")),
            "{prefix}"
        );

        // Language filter: Chinese text in English labels finds nothing.
        let (_, _, none) =
            get(&format!("{}/api/v1/taxonomy/search?q=護理&lang=en", s.base)).await?;
        assert!(labels(&none).is_empty());
    }
    Ok(())
}

#[tokio::test]
async fn bad_parameters_are_problems_that_name_the_value() -> TestResult {
    for s in servers().await? {
        let (status, content_type, body) = get(&format!(
            "{}/api/v1/taxonomy/search?q=nurse&kind=jobz",
            s.base
        ))
        .await?;
        assert_eq!(status, 400);
        assert_eq!(content_type, "application/problem+json");
        assert_eq!(body["code"].as_str(), Some("unknown_value"));
        assert!(
            body["detail"].as_str().unwrap_or("").contains("jobz"),
            "{body}"
        );
        assert!(!body["request_id"].as_str().unwrap_or("").is_empty());

        let (status, _, body) = get(&format!(
            "{}/api/v1/taxonomy/search?q=nurse&lang=xx",
            s.base
        ))
        .await?;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("unknown_language"))
        );
        assert!(
            body["detail"].as_str().unwrap_or("").contains("zh-TW"),
            "{body}"
        );

        let long = "a".repeat(201);
        let (status, _, body) = get(&format!("{}/api/v1/taxonomy/search?q={long}", s.base)).await?;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("query_too_long"))
        );
        // Many words are fine: only the first sixteen are used.
        let many = vec!["rn"; 40].join("%20");
        let (status, _, _) = get(&format!("{}/api/v1/taxonomy/search?q={many}", s.base)).await?;
        assert_eq!(status, 200);

        let (status, _, body) = get(&format!("{}/api/v1/taxonomy/search?q=%20", s.base)).await?;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("query_required"))
        );
        let (status, _, body) = get(&format!("{}/api/v1/taxonomy/search", s.base)).await?;
        assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));

        let (status, _, body) =
            get(&format!("{}/api/v1/taxonomy/concepts/99999999", s.base)).await?;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("concept_not_found"))
        );
        let (status, _, body) = get(&format!("{}/api/v1/nothing-here", s.base)).await?;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));

        // Problem texts follow Accept-Language.
        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/taxonomy/concepts/abc", s.base))
            .header("accept-language", "zh-TW,zh;q=0.9")
            .send()
            .await?;
        assert!(response.headers().contains_key("x-request-id"));
        let body: Value = response.json().await?;
        assert_eq!(body["title"].as_str(), Some("找不到此概念"));

        // Bodies over the limit are refused.
        let response = reqwest::Client::new()
            .get(format!("{}/api/v1/taxonomy/stats", s.base))
            .body(vec![b'x'; 100 * 1024])
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 413);
        let body: Value = response.json().await?;
        assert_eq!(body["code"].as_str(), Some("payload_too_large"));
    }
    Ok(())
}

#[tokio::test]
async fn concepts_relations_and_hierarchy() -> TestResult {
    for s in servers().await? {
        let (_, _, found) = get(&format!(
            "{}/api/v1/taxonomy/search?q=nurse&kind=occupation&lang=en",
            s.base
        ))
        .await?;
        let id = found["results"][0]["concept"]["id"]
            .as_u64()
            .ok_or("no id")?;
        let uri = found["results"][0]["concept"]["uri"]
            .as_str()
            .ok_or("no uri")?
            .to_string();

        let (status, _, concept) = get(&format!(
            "{}/api/v1/taxonomy/concepts/{id}?lang=zh-TW",
            s.base
        ))
        .await?;
        assert_eq!(status, 200);
        assert_eq!(concept["uri"].as_str(), Some(uri.as_str()));
        assert_eq!(concept["source"].as_str(), Some("starter"));
        assert!(concept["labels"]["zh-TW"]["preferred"].is_string());
        assert_eq!(concept["label"], concept["labels"]["zh-TW"]["preferred"]);
        assert!(concept["codes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|k| k["system"] == "isco08")));
        assert_eq!(
            concept["broader"][0]["kind"].as_str(),
            Some("occupation_group")
        );

        let encoded: String = uri
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let (status, _, by_uri) = get(&format!(
            "{}/api/v1/taxonomy/concepts/by-uri?uri={encoded}",
            s.base
        ))
        .await?;
        assert_eq!((status, by_uri["id"].as_u64()), (200, Some(id)));

        let (status, _, skills) =
            get(&format!("{}/api/v1/taxonomy/concepts/{id}/skills", s.base)).await?;
        assert_eq!(status, 200);
        let essential = skills["essential"].as_array().ok_or("no essential")?;
        assert!(!essential.is_empty());
        assert_eq!(essential[0]["relation"].as_str(), Some("essential"));
        let skill_id = essential[0]["concept"]["id"]
            .as_u64()
            .ok_or("no skill id")?;

        let (status, _, occupations) = get(&format!(
            "{}/api/v1/taxonomy/concepts/{skill_id}/occupations?limit=1",
            s.base
        ))
        .await?;
        assert_eq!(status, 200);
        let items = occupations["items"].as_array().ok_or("no items")?;
        assert_eq!(items.len(), 1);
        if occupations["total"].as_u64().unwrap_or(0) > 1 {
            let cursor = occupations["next_cursor"].as_str().ok_or("no cursor")?;
            let (_, _, next) = get(&format!(
                "{}/api/v1/taxonomy/concepts/{skill_id}/occupations?limit=1&cursor={cursor}",
                s.base
            ))
            .await?;
            assert_ne!(next["items"][0], items[0]);
        }
        // Asking an occupation for "occupations needing it" is a clear 400.
        let (status, _, _) = get(&format!(
            "{}/api/v1/taxonomy/concepts/{id}/occupations",
            s.base
        ))
        .await?;
        assert_eq!(status, 400);

        let (_, _, related) = get(&format!(
            "{}/api/v1/taxonomy/concepts/{skill_id}/related",
            s.base
        ))
        .await?;
        assert!(related["items"].is_array());

        // Hierarchy: the ten ISCO-08 major groups at the top, then down and back up.
        let (status, _, roots) =
            get(&format!("{}/api/v1/taxonomy/hierarchy?lang=zh-TW", s.base)).await?;
        assert_eq!(status, 200);
        assert_eq!(roots["total_children"].as_u64(), Some(10), "{roots}");
        let health = roots["children"]
            .as_array()
            .and_then(|c| c.iter().find(|g| g["code"] == "2"))
            .ok_or("no major group 2")?;
        let group_id = health["id"].as_u64().ok_or("no id")?;
        let (_, _, node) = get(&format!(
            "{}/api/v1/taxonomy/concepts/{group_id}/hierarchy",
            s.base
        ))
        .await?;
        let child = node["children"][0]["id"].as_u64().ok_or("no child")?;
        let (_, _, below) = get(&format!(
            "{}/api/v1/taxonomy/concepts/{child}/hierarchy",
            s.base
        ))
        .await?;
        assert_eq!(below["ancestors"][0]["id"].as_u64(), Some(group_id));
    }
    Ok(())
}

#[tokio::test]
async fn stats_versions_and_openapi() -> TestResult {
    for s in servers().await? {
        let (_, _, stats) = get(&format!("{}/api/v1/taxonomy/stats", s.base)).await?;
        assert!(stats["occupations"].as_u64().unwrap_or(0) >= 120);
        assert!(stats["skills"].as_u64().unwrap_or(0) >= 600);
        assert_eq!(stats["languages"], serde_json::json!(["en", "zh-TW"]));

        let (_, _, versions) = get(&format!("{}/api/v1/taxonomy/versions", s.base)).await?;
        assert_eq!(versions["sources"][0]["source"].as_str(), Some("starter"));
        assert_eq!(versions["imports"][0]["outcome"].as_str(), Some("imported"));

        let (status, _, doc) = get(&format!("{}/api/v1/openapi.json", s.base)).await?;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3.1"));
        for path in [
            "/api/v1/taxonomy/search",
            "/api/v1/taxonomy/concepts/{id}/skills",
            "/readyz",
        ] {
            assert!(
                doc["paths"][path].is_object(),
                "{path} missing from OpenAPI"
            );
        }
        let page = reqwest::get(format!("{}/api/docs", s.base))
            .await?
            .text()
            .await?;
        assert!(page.contains("/api/v1/taxonomy/search"));
        assert!(page.contains("<html"));
    }
    Ok(())
}

#[tokio::test]
async fn clients_over_their_rate_are_told_when_to_retry() -> TestResult {
    let dir = tempfile::tempdir()?;
    let limits = Limits {
        requests_per_second: 1,
        burst: 3,
        ..Limits::default()
    };
    let s = start_with(
        Store::sqlite_url_in(dir.path()),
        Some(dir),
        "sqlite",
        limits,
    )
    .await?;
    let url = format!("{}/api/v1/taxonomy/stats", s.base);
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(reqwest::get(&url).await?.status().as_u16());
    }
    assert_eq!(statuses[..3], [200, 200, 200], "{statuses:?}");
    assert_eq!(statuses[4], 429, "{statuses:?}");
    let response = reqwest::get(&url).await?;
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or("no Retry-After")?;
    assert!((1..=2).contains(&retry_after));
    let body: Value = response.json().await?;
    assert_eq!(body["code"].as_str(), Some("too_many_requests"));
    // Probes are never limited.
    let (status, _, _) = get(&format!("{}/healthz", s.base)).await?;
    assert_eq!(status, 200);
    Ok(())
}

#[tokio::test]
async fn extract_explains_what_it_found() -> TestResult {
    for s in servers().await? {
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1/extract", s.base);
        let text = "徵求倉儲人員，需會堆高機操作，有急救證照者加分。";
        let response = client
            .post(&url)
            .json(&serde_json::json!({"text": text, "kind": "vacancy"}))
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 200);
        let body: Value = response.json().await?;
        assert_eq!(body["language"], "zh-TW");
        let skills = body["skills"].as_array().ok_or("skills")?;
        let forklift = skills
            .iter()
            .find(|k| k["concept"]["label"] == "堆高機操作")
            .ok_or("堆高機操作 missing")?;
        assert_eq!(forklift["requirement"], "essential");
        assert_eq!(forklift["evidence"], "exact_label");
        let span = &forklift["spans"][0];
        let (start, end) = (
            span["start"].as_u64().ok_or("start")? as usize,
            span["end"].as_u64().ok_or("end")? as usize,
        );
        assert_eq!(&text[start..end], "堆高機操作");
        assert!(skills
            .iter()
            .any(|k| k["concept"]["label"] == "急救" && k["requirement"] == "optional"));

        let english = client
            .post(&url)
            .json(&serde_json::json!({"text": "Forklift driver", "kind": "title"}))
            .send()
            .await?
            .json::<Value>()
            .await?;
        assert_eq!(
            english["occupations"][0]["concept"]["label"],
            "forklift driver"
        );
        // The one classification there is can be asked for by name.
        let starter = client
            .post(&url)
            .json(&serde_json::json!({"text": "Forklift driver", "kind": "title", "source": "starter"}))
            .send()
            .await?
            .json::<Value>()
            .await?;
        assert_eq!(starter["occupations"], english["occupations"]);

        for (body, code) in [
            (serde_json::json!({"text": "  "}), "empty_text"),
            (
                serde_json::json!({"text": "x", "kind": "poem"}),
                "unknown_value",
            ),
            (serde_json::json!({"txt": "x"}), "bad_request"),
            (
                serde_json::json!({"text": "Forklift driver", "source": "nope"}),
                "unknown_value",
            ),
        ] {
            let response = client.post(&url).json(&body).send().await?;
            assert_eq!(response.status().as_u16(), 400, "{body}");
            let problem: Value = response.json().await?;
            assert_eq!(problem["code"], code, "{problem}");
        }
        let huge = "word ".repeat(20_000);
        let response = client
            .post(&url)
            .json(&serde_json::json!({ "text": huge }))
            .send()
            .await?;
        assert_eq!(response.status().as_u16(), 413);
    }
    Ok(())
}
