//! Two nodes over one database (two `AppState`s with their own connection pools, each with
//! its change-log follower and its own HTTP listener), on SQLite always and PostgreSQL when
//! `OPENPES_TEST_DATABASE_URL` is set: what is written through one is served by the other,
//! a taxonomy import reaches both, and the sign-in lockout holds across them.

mod common;

use common::{admin, start, urls, Error, Server, Session, TestResult};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const FORKLIFT_DRIVER: &str = "urn:openpes:starter:occupation/forklift-driver";
const FORKLIFT: &str = "urn:openpes:starter:skill/forklift-operation";

/// Each node applies the log as a deployment does (polling here; PostgreSQL also wakes it).
async fn two_nodes(url: &str) -> Result<(Server, Server), Error> {
    let a = start(url).await?;
    let b = start(url).await?;
    assert_ne!(a.state.store().node_id(), b.state.store().node_id());
    for node in [&a, &b] {
        openpes_server::follow::spawn_follower(node.state.clone(), Duration::from_millis(100));
    }
    Ok((a, b))
}

fn vacancy(id: &str) -> Value {
    json!({
        "id": id, "employer": "e-1", "title": format!("Forklift driver {id}"),
        "occupation": FORKLIFT_DRIVER, "essential_skills": [FORKLIFT],
        "location": {"lat": 24.99, "lon": 121.30},
        "contract": "permanent", "working_time": "full_time",
        "salary_min": 32000, "salary_max": 40000, "posted": "2026-11-20"
    })
}

/// Retries `check` until it returns `Some` or 2 s pass; returns the value and how long it
/// took.
async fn within_two_seconds<F, Fut, T>(what: &str, mut check: F) -> Result<(T, Duration), Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, Error>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await? {
            return Ok((value, started.elapsed()));
        }
        if started.elapsed() > Duration::from_secs(2) {
            return Err(format!("not visible on the other node within 2 s: {what}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|r| r["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A seeker account that consents to be found, made and used through node A.
async fn consenting_seeker(a: &Server, admin: &Session, seeker: &str) -> TestResult {
    let api = format!("{}/api/v1", a.base);
    let email = format!("{seeker}@nodes.test");
    let (status, body) = admin
        .send(
            Method::POST,
            &format!("{api}/admin/users"),
            Some(
                json!({"email": email, "password": "seeker-password", "display_name": seeker,
                "role": "seeker", "seeker_id": seeker}),
            ),
        )
        .await?;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let own = Session::login(&a.base, &email, "seeker-password").await?;
    let (status, body) = own
        .send(
            Method::PUT,
            &format!("{api}/seekers/{seeker}/consent"),
            Some(json!({"findable": true, "outreach": false})),
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    Ok(())
}

#[tokio::test]
async fn writes_through_one_node_are_served_by_the_other_within_two_seconds() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let (a, b) = two_nodes(&url).await?;
        let admin = admin(&a).await?;
        let (on_a, on_b) = (format!("{}/api/v1", a.base), format!("{}/api/v1", b.base));
        let mut lags = Vec::new();

        // Create: an employer, two vacancies and a consenting seeker, all through A.
        let (status, _) = admin
            .send(
                Method::PUT,
                &format!("{on_a}/employers/e-1"),
                Some(json!({"id": "e-1", "name": "桃園物流"})),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        for id in ["v-1", "v-2"] {
            let (status, body) = admin
                .send(
                    Method::PUT,
                    &format!("{on_a}/vacancies/{id}"),
                    Some(vacancy(id)),
                )
                .await?;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        let seeker = json!({"id": "s-1", "searchable": true, "skills": [{"concept": FORKLIFT}],
            "location": {"lat": 25.03, "lon": 121.56}});
        let (status, _) = admin
            .send(Method::PUT, &format!("{on_a}/seekers/s-1"), Some(seeker))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        consenting_seeker(&a, &admin, "s-1").await?;

        let (_, lag) = within_two_seconds("new vacancies in search and matches", || async {
            let (_, search) = admin
                .send(Method::GET, &format!("{on_b}/vacancies/search"), None)
                .await?;
            let (_, matches) = admin
                .send(Method::GET, &format!("{on_b}/seekers/s-1/matches"), None)
                .await?;
            Ok((search["total"] == 2 && ids(&matches) == ["v-1", "v-2"]).then_some(()))
        })
        .await?;
        lags.push(lag);
        let (_, lag) = within_two_seconds("the new seeker among candidates", || async {
            let (status, candidates) = admin
                .send(
                    Method::GET,
                    &format!("{on_b}/vacancies/v-1/candidates"),
                    None,
                )
                .await?;
            Ok((status == StatusCode::OK && ids(&candidates) == ["s-1"]).then_some(()))
        })
        .await?;
        lags.push(lag);
        let (_, summary) = admin
            .send(Method::GET, &format!("{on_b}/analytics/summary"), None)
            .await?;
        assert_eq!(summary["open_vacancies"], 2, "{summary}");

        // Update: v-2 becomes a temporary contract; the facets on B follow.
        let mut changed = vacancy("v-2");
        changed["contract"] = json!("temporary");
        let (status, _) = admin
            .send(Method::PUT, &format!("{on_a}/vacancies/v-2"), Some(changed))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, lag) = within_two_seconds("an updated vacancy's facets", || async {
            let (_, search) = admin
                .send(
                    Method::GET,
                    &format!("{on_b}/vacancies/search?contract=temporary"),
                    None,
                )
                .await?;
            Ok((ids(&search) == ["v-2"]).then_some(()))
        })
        .await?;
        lags.push(lag);

        // Close: v-1 is filled; B stops offering it.
        let mut closed = vacancy("v-1");
        closed["status"] = json!("closed");
        let (status, _) = admin
            .send(Method::PUT, &format!("{on_a}/vacancies/v-1"), Some(closed))
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, lag) =
            within_two_seconds("a closed vacancy leaves search and analytics", || async {
                let (_, search) = admin
                    .send(Method::GET, &format!("{on_b}/vacancies/search"), None)
                    .await?;
                let (_, summary) = admin
                    .send(Method::GET, &format!("{on_b}/analytics/summary"), None)
                    .await?;
                let (_, matches) = admin
                    .send(Method::GET, &format!("{on_b}/seekers/s-1/matches"), None)
                    .await?;
                Ok((ids(&search) == ["v-2"]
                    && summary["open_vacancies"] == 1
                    && ids(&matches) == ["v-2"])
                .then_some(()))
            })
            .await?;
        lags.push(lag);

        // Delete: v-2 goes; its candidates are a 404 on B as on A.
        let (status, _) = admin
            .send(Method::DELETE, &format!("{on_a}/vacancies/v-2"), None)
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (_, lag) = within_two_seconds("a deleted vacancy", || async {
            let (status, _) = admin
                .send(
                    Method::GET,
                    &format!("{on_b}/vacancies/v-2/candidates"),
                    None,
                )
                .await?;
            let (_, search) = admin
                .send(Method::GET, &format!("{on_b}/vacancies/search"), None)
                .await?;
            Ok((status == StatusCode::NOT_FOUND && search["total"] == 0).then_some(()))
        })
        .await?;
        lags.push(lag);

        // A seeker deleted through A leaves B's candidates.
        let (status, _) = admin
            .send(
                Method::PUT,
                &format!("{on_a}/vacancies/v-3"),
                Some(vacancy("v-3")),
            )
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT);
        within_two_seconds("a new vacancy's candidates", || async {
            let (_, candidates) = admin
                .send(
                    Method::GET,
                    &format!("{on_b}/vacancies/v-3/candidates"),
                    None,
                )
                .await?;
            Ok((ids(&candidates) == ["s-1"]).then_some(()))
        })
        .await?;
        let (status, body) = admin
            .send(Method::DELETE, &format!("{on_a}/seekers/s-1"), None)
            .await?;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        let (_, lag) = within_two_seconds("a deleted seeker", || async {
            let (_, candidates) = admin
                .send(
                    Method::GET,
                    &format!("{on_b}/vacancies/v-3/candidates"),
                    None,
                )
                .await?;
            Ok(ids(&candidates).is_empty().then_some(()))
        })
        .await?;
        lags.push(lag);

        // Both nodes have applied everything, and say so.
        let latest = a.state.store().latest_change().await?;
        within_two_seconds("both nodes caught up", || async {
            Ok(
                (a.state.applied_change() == latest && b.state.applied_change() == latest)
                    .then_some(()),
            )
        })
        .await?;
        let (status, ready) = Session::anonymous()?
            .send(Method::GET, &format!("{}/readyz", b.base), None)
            .await?;
        assert_eq!(status, StatusCode::OK, "{ready}");
        assert_eq!(ready["changes_behind"], 0, "{ready}");
        assert_eq!(ready["applied_change"], latest, "{ready}");
        eprintln!(
            "{}: visible on the other node after {:?}",
            a.state.store().url().split(':').next().unwrap_or(""),
            lags
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_taxonomy_import_on_one_node_reaches_the_other() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let (a, b) = two_nodes(&url).await?;
        let anonymous = Session::anonymous()?;
        let concept = "urn:openpes:test:skill/drone-piloting";
        let (status, _) = anonymous
            .send(
                Method::GET,
                &format!("{}/api/v1/taxonomy/concepts/by-uri?uri={concept}", b.base),
                None,
            )
            .await?;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (_, before) = anonymous
            .send(Method::GET, &format!("{}/readyz", b.base), None)
            .await?;

        // An import through node A's store, then A reloads (as the import command does).
        let mut dataset = openpes_taxonomy::Dataset::new("test-skills", "1");
        let mut record =
            openpes_taxonomy::ConceptRecord::new(concept, openpes_taxonomy::ConceptKind::Skill);
        record.add_label(
            "en",
            openpes_taxonomy::LabelKind::Preferred,
            "drone piloting",
        );
        record.add_label(
            "zh-TW",
            openpes_taxonomy::LabelKind::Preferred,
            "無人機操作",
        );
        dataset.concepts.push(record);
        a.state
            .store()
            .save_dataset(&dataset, &[], chrono::Utc::now())
            .await?;
        a.state.reload_taxonomy().await?;

        let (ready, _) = within_two_seconds("the new taxonomy on the other node", || async {
            let (status, _) = anonymous
                .send(
                    Method::GET,
                    &format!("{}/api/v1/taxonomy/concepts/by-uri?uri={concept}", b.base),
                    None,
                )
                .await?;
            let (ready_status, ready) = anonymous
                .send(Method::GET, &format!("{}/readyz", b.base), None)
                .await?;
            Ok((status == StatusCode::OK && ready_status == StatusCode::OK).then_some(ready))
        })
        .await?;
        assert_ne!(ready["taxonomy"], before["taxonomy"], "{ready}");
        assert!(
            ready["taxonomy"]
                .as_str()
                .is_some_and(|t| t.contains("test-skills@1")),
            "{ready}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn wrong_passwords_spread_over_two_nodes_lock_the_sign_in() -> TestResult {
    let (urls, _dir) = urls().await?;
    for url in urls {
        let (a, b) = two_nodes(&url).await?;
        let admin = admin(&a).await?;
        let (status, body) = admin
            .send(
                Method::POST,
                &format!("{}/api/v1/admin/users", a.base),
                Some(
                    json!({"email": "cw@nodes.test", "password": "the-right-password",
                    "display_name": "AN", "role": "analyst"}),
                ),
            )
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let anonymous = Session::anonymous()?;
        // The default policy allows five wrong passwords: three on A, two on B.
        let mut last = StatusCode::OK;
        for node in [&a, &b, &a, &b, &a] {
            let (status, _) = anonymous
                .send(
                    Method::POST,
                    &format!("{}/api/v1/auth/login", node.base),
                    Some(json!({"email": "cw@nodes.test", "password": "a-wrong-password"})),
                )
                .await?;
            last = status;
        }
        assert_eq!(
            last,
            StatusCode::TOO_MANY_REQUESTS,
            "the fifth failure locks"
        );
        for node in [&a, &b] {
            let (status, _) = anonymous
                .send(
                    Method::POST,
                    &format!("{}/api/v1/auth/login", node.base),
                    Some(json!({"email": "cw@nodes.test", "password": "the-right-password"})),
                )
                .await?;
            assert_eq!(
                status,
                StatusCode::TOO_MANY_REQUESTS,
                "locked on every node"
            );
        }
    }
    Ok(())
}
