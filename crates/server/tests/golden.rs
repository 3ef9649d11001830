//! Golden files of the explanations people read, per language, for policy staff to review:
//! a seeker's explained matches, their skills gap and reachable occupations, the analysts'
//! summary (with its small-cell rule checked), and the letter of an automated benefit
//! decision. Each is produced through the API on a fixed day from
//! generated (seeded) data, on SQLite and on PostgreSQL when configured, and compared with
//! `tests/golden/<name>`: both backends must give the same words.
//!
//! After an intended change of wording, refresh the files with
//! `UPDATE_GOLDEN=1 cargo test -p openpes-server --test golden` and review the diff.

mod common;

use common::{admin, start, urls, Session, TestResult};
use openpes_app::people::ensure_demo_accounts;
use openpes_server::benefits::demo::{ensure_demo_claims, COMPLETE, DISPUTED};
use openpes_server::FixedClock;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// Compares `actual` with the golden file `name` (or writes it under `UPDATE_GOLDEN=1`).
fn golden(name: &str, actual: &str) -> TestResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual)?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (write it with UPDATE_GOLDEN=1 and review it)",
            path.display()
        )
    })?;
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        return Err(format!(
            "{} differs from line {}:\n  expected: {:?}\n  actual:   {:?}\n\
             (if the change is intended, refresh with UPDATE_GOLDEN=1 and review the diff)",
            path.display(),
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        )
        .into());
    }
    Ok(())
}

/// The words of an API answer, one per line with where they stand: every label, summary and
/// explanation (ids, URIs, codes and numbers are left out: other tests check them).
fn words(value: &Value) -> String {
    fn walk(value: &Value, path: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if !matches!(key.as_str(), "id" | "uri" | "code" | "kind" | "seeker") {
                        walk(value, &format!("{path}.{key}"), out);
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), out);
                }
            }
            Value::String(text) => out.push(format!("{path}: {text}")),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out.join("\n") + "\n"
}

/// The fixed day every explanation here is produced on.
fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-30T02:00:00Z")
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

async fn seeded(url: &str) -> Result<(common::Server, Session, String, String), common::Error> {
    let server = start(url).await?;
    server.state.set_clock(Arc::new(FixedClock(fixed_now())));
    let taxonomy = server.state.taxonomy();
    let gazetteer = openpes_matching::Gazetteer::taiwan()?;
    let data = openpes_matching::demo::generate(
        &taxonomy,
        &gazetteer,
        openpes_matching::demo::DemoOptions {
            seekers: 12,
            vacancies: 150,
            seed: 20,
            today: fixed_now().date_naive(),
        },
    )?;
    let store = server.state.store();
    store
        .put_employers_and_vacancies(&data.employers, &data.vacancies, fixed_now())
        .await?;
    for seeker in &data.seekers {
        store.put_seeker(seeker, fixed_now()).await?;
    }
    server.state.load_matching().await?;
    let admin = admin(&server).await?;
    let seeker = data.seekers.first().ok_or("no seeker")?;
    let occupation = data.seeker_occupations.first().ok_or("no occupation")?;
    Ok((server, admin, seeker.id.clone(), occupation.clone()))
}

#[tokio::test]
async fn match_and_guidance_explanations_read_as_reviewed() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let (server, admin, seeker, occupation) = seeded(&url).await?;
        let base = &server.base;
        let occupation = urlencode(&occupation);
        for lang in ["zh-TW", "en"] {
            let asks = [
                (
                    "matches",
                    format!("{base}/api/v1/seekers/{seeker}/matches?limit=3&lang={lang}"),
                ),
                (
                    "gap",
                    format!(
                        "{base}/api/v1/seekers/{seeker}/gap?occupation={occupation}&lang={lang}"
                    ),
                ),
                (
                    "reachable",
                    format!("{base}/api/v1/seekers/{seeker}/reachable?limit=3&lang={lang}"),
                ),
            ];
            for (what, ask) in asks {
                let (status, body) = admin.send(Method::GET, &ask, None).await?;
                assert_eq!(status, StatusCode::OK, "{what} {lang}: {body}");
                golden(&format!("{what}.{lang}.txt"), &words(&body))?;
            }
            // Aggregates: no published count below the small-cell threshold, and the seeded
            // data has regions small enough to be withheld.
            let (status, summary) = admin
                .send(
                    Method::GET,
                    &format!("{base}/api/v1/analytics/summary?lang={lang}"),
                    None,
                )
                .await?;
            assert_eq!(status, StatusCode::OK, "{summary}");
            let cells = summary["vacancies_by_region"].as_array().ok_or("regions")?;
            assert!(cells
                .iter()
                .any(|c| c["suppressed"] == true && c["count"].is_null()));
            for cell in cells {
                if let Some(count) = cell["count"].as_u64() {
                    assert!(count >= 5 && cell["suppressed"] == false, "{cell}");
                }
            }
            golden(&format!("analytics.{lang}.txt"), &words(&summary))?;
        }
    }
    Ok(())
}

#[tokio::test]
async fn an_automated_decision_letter_reads_as_reviewed() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let server = start(&url).await?;
        server.state.set_clock(Arc::new(FixedClock(fixed_now())));
        for id in [COMPLETE, DISPUTED] {
            let record: openpes_matching::Seeker = serde_json::from_value(
                json!({"id": id, "skills": [], "place": "TW-TPE", "searchable": false}),
            )?;
            server
                .state
                .store()
                .put_seeker(&record, fixed_now())
                .await?;
        }
        ensure_demo_accounts(&server.state)
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        ensure_demo_claims(&server.state, fixed_now().date_naive())
            .await
            .map_err(|e| e.message.render(openpes_server::i18n::UiLang::En))?;
        let seeker =
            Session::login(&server.base, "seeker@demo.openpes.tw", "demo-seeker-pass").await?;
        let (status, claims) = seeker
            .send(
                Method::GET,
                &format!("{}/api/v1/seekers/{COMPLETE}/claims", server.base),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::OK, "{claims}");
        let claim_id = claims[0]["id"]
            .as_str()
            .ok_or_else(|| format!("no claim: {claims}"))?;
        for lang in ["zh-TW", "en"] {
            let letter = claims[0]["decisions"][0]["letter"][lang]
                .as_str()
                .ok_or("letter")?;
            // The claim's id is random; everything else is fixed by the day and the facts.
            let letter = letter.replace(claim_id, "<claim id>");
            golden(&format!("letter_eligible.{lang}.txt"), &(letter + "\n"))?;
        }
    }
    Ok(())
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
