//! What several nodes over one database rely on, on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): a change log that cannot skip or reorder while
//! transactions overlap, decisions that cannot double, jobs that run once, leases.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use openpes_matching::{
    ContractType, Employer, Point, RemotePolicy, Vacancy, VacancyStatus, WorkingTime,
};
use openpes_store::{ClaimRecord, DecisionRecord, RecordKind, Store, StoreError};
use sqlx::{Connection, Executor};
mod common;

use common::fresh_stores;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn vacancy(id: &str) -> Vacancy {
    Vacancy {
        id: id.into(),
        employer: "e-1".into(),
        title: format!("Forklift driver {id}"),
        description: "Load and unload trucks.".into(),
        occupation: Some("urn:openpes:starter:occupation/forklift-driver".into()),
        essential_skills: vec![],
        optional_skills: vec![],
        education: None,
        experience_years: None,
        languages: vec![],
        licences: vec![],
        location: Some(Point {
            lat: 24.99,
            lon: 121.30,
        }),
        place: None,
        remote: RemotePolicy::OnSite,
        contract: ContractType::Permanent,
        working_time: WorkingTime::FullTime,
        salary_min: None,
        salary_max: None,
        positions: 1,
        posted: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
        expires: None,
        status: VacancyStatus::Open,
        suggestions: vec![],
    }
}

async fn with_employer(store: &Store) -> Result<(), StoreError> {
    store
        .put_employer(
            &Employer {
                id: "e-1".into(),
                name: "Taoyuan Logistics".into(),
                registration: None,
            },
            Utc::now(),
        )
        .await
}

/// A transaction appends a change the way the store does (bump the head, insert the entry)
/// and stays open; another writer must not become visible before it, or a reader that moved
/// past the later entry would never see the earlier one.
#[tokio::test]
async fn a_writer_cannot_commit_past_a_change_still_in_flight() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        with_employer(&store).await?;
        let before = store.latest_change().await?;
        let mut held = sqlx::AnyConnection::connect(store.url()).await?;
        held.execute(if store.backend() == openpes_store::Backend::Sqlite {
            "BEGIN IMMEDIATE"
        } else {
            "BEGIN"
        })
        .await?;
        let seq: i64 = sqlx::query_scalar(
            "UPDATE change_log_head SET seq = seq + 1 WHERE id = 1 RETURNING seq",
        )
        .fetch_one(&mut held)
        .await?;
        sqlx::query(
            "INSERT INTO change_log (seq, kind, record_id, change, origin, at) \
             VALUES ($1, 'vacancy', 'v-held', 'upsert', 'test', '2026-12-04T00:00:00.000Z')",
        )
        .bind(seq)
        .execute(&mut held)
        .await?;

        let writer = {
            let store = store.clone();
            tokio::spawn(
                async move { store.put_vacancies(&[vacancy("v-later")], Utc::now()).await },
            )
        };
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        assert!(
            !writer.is_finished(),
            "the later writer waits for the one in flight"
        );
        assert!(
            store.changes_after(before, 10).await?.is_empty(),
            "nothing is visible while the first change is in flight"
        );

        held.execute("COMMIT").await?;
        writer.await??;
        let feed = store.changes_after(before, 10).await?;
        let ids: Vec<&str> = feed.iter().map(|c| c.record_id.as_str()).collect();
        assert_eq!(ids, ["v-held", "v-later"], "commit order, nothing skipped");
        assert!(feed[0].seq < feed[1].seq);
        let vacancy_feed = store.vacancy_changes(before, 10).await?;
        assert_eq!(vacancy_feed.len(), 2);
        assert_eq!(store.latest_change().await?, feed[1].seq);
    }
    Ok(())
}

/// Writers overlap while a reader follows the log with its cursor: the reader sees every
/// change exactly once, in increasing order.
#[tokio::test]
async fn a_reader_following_overlapping_writers_misses_nothing() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        with_employer(&store).await?;
        let start = store.latest_change().await?;
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for i in 0..40 {
                        let batch: Vec<Vacancy> = (0..=(i % 3))
                            .map(|k| vacancy(&format!("v-{w}-{i}-{k}")))
                            .collect();
                        loop {
                            match store.put_vacancies(&batch, Utc::now()).await {
                                Ok(()) => break,
                                Err(StoreError::Busy(_)) => continue,
                                Err(e) => return Err(e),
                            }
                        }
                        if i % 10 == 9 {
                            store
                                .delete_vacancy(&format!("v-{w}-{i}-0"), Utc::now())
                                .await?;
                        }
                    }
                    Ok::<(), StoreError>(())
                })
            })
            .collect();
        let mut cursor = start;
        let mut seen = Vec::new();
        loop {
            let done = writers.iter().all(|w| w.is_finished());
            let page = store.changes_after(cursor, 50).await?;
            for change in &page {
                assert!(
                    change.seq > cursor,
                    "in order: {} after {cursor}",
                    change.seq
                );
                cursor = change.seq;
                seen.push(change.seq);
            }
            if done && page.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        for writer in writers {
            writer.await??;
        }
        let all: Vec<i64> = store
            .changes_after(start, 100_000)
            .await?
            .iter()
            .map(|c| c.seq)
            .collect();
        // 4 writers × (40 batches of 1–3 vacancies, 4 deletions).
        let expected = 4 * ((0..40).map(|i| i % 3 + 1).sum::<i64>() + 4);
        assert_eq!(all.len() as i64, expected);
        assert_eq!(seen, all, "the follower saw every committed change once");
        assert_eq!(
            store.latest_change_of(RecordKind::Vacancy).await?,
            *all.last().ok_or("no changes")?
        );
    }
    Ok(())
}

fn claim() -> ClaimRecord {
    ClaimRecord {
        id: "claim-1".into(),
        seeker_id: "s-1".into(),
        program: "tw/unemployment_benefit".into(),
        status: "waiting".into(),
        declared: "{}".into(),
        supplied: "{}".into(),
        created_at: "2026-12-01T00:00:00.000Z".into(),
        updated_at: "2026-12-01T00:00:00.000Z".into(),
        version: 0,
    }
}

fn decision(outcome: &str, based_on: i64) -> DecisionRecord {
    DecisionRecord {
        seq: 0,
        claim_id: "claim-1".into(),
        decided_at: "2026-12-04T00:00:00.000Z".into(),
        kind: "automated".into(),
        decided_by: None,
        outcome: outcome.into(),
        rules_version: "test".into(),
        facts: "{}".into(),
        determination: "{}".into(),
        letter_zh: String::new(),
        letter_en: String::new(),
        claim_version: Some(based_on),
    }
}

/// Two decisions on the same claim version (two nodes, or two caseworkers): one is recorded.
#[tokio::test]
async fn a_claim_version_gets_one_decision() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        store.create_claim(&claim()).await?;
        let other_node = Store::connect(store.url()).await?;
        let (first, second) = (decision("eligible", 0), decision("ineligible", 0));
        let (a, b) = tokio::join!(
            store.record_decision(&first, "decided", None, Utc::now()),
            other_node.record_decision(&second, "decided", None, Utc::now()),
        );
        let recorded = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(recorded, 1, "{a:?} {b:?}");
        let refused = if a.is_err() { a } else { b };
        assert!(
            matches!(
                refused,
                Err(StoreError::Stale(_)) | Err(StoreError::Busy(_))
            ),
            "{refused:?}"
        );
        assert_eq!(store.decisions("claim-1").await?.len(), 1);
        let claim = store.claim("claim-1").await?.ok_or("claim")?;
        assert_eq!(claim.version, 1);
        // The next decision is based on the new version.
        store
            .record_decision(&decision("eligible", 1), "decided", None, Utc::now())
            .await?;
        assert!(matches!(
            store
                .record_decision(&decision("eligible", 1), "decided", None, Utc::now())
                .await,
            Err(StoreError::Stale(_))
        ));
        assert_eq!(store.decisions("claim-1").await?.len(), 2);
        other_node.close().await;
    }
    Ok(())
}

#[tokio::test]
async fn a_scheduled_job_runs_once_per_period_across_nodes() -> TestResult {
    let t0 = Utc
        .with_ymd_and_hms(2026, 12, 4, 8, 0, 0)
        .single()
        .ok_or("time")?;
    for (store, _dir) in fresh_stores().await? {
        let other_node = Store::connect(store.url()).await?;
        let hour = Duration::hours(1);
        let (a, b) = tokio::join!(
            store.claim_scheduled_run("job", hour, t0),
            other_node.claim_scheduled_run("job", hour, t0)
        );
        assert_eq!([a?, b?].iter().filter(|run| **run).count(), 1);
        assert!(
            !store
                .claim_scheduled_run("job", hour, t0 + Duration::minutes(59))
                .await?
        );
        assert!(
            !other_node
                .claim_scheduled_run("job", hour, t0 + Duration::minutes(30))
                .await?
        );
        assert!(
            other_node
                .claim_scheduled_run("job", hour, t0 + Duration::minutes(61))
                .await?
        );
        assert!(
            !store
                .claim_scheduled_run("job", hour, t0 + Duration::minutes(62))
                .await?
        );

        // Leases: one holder; released or expired, another may take it.
        assert!(store.try_lease("seed", Duration::minutes(5), t0).await?);
        assert!(
            store.try_lease("seed", Duration::minutes(5), t0).await?,
            "held again"
        );
        assert!(
            !other_node
                .try_lease("seed", Duration::minutes(5), t0)
                .await?
        );
        store.release_lease("seed").await?;
        assert!(
            other_node
                .try_lease("seed", Duration::minutes(5), t0)
                .await?
        );
        assert!(
            !store
                .try_lease("seed", Duration::minutes(5), t0 + Duration::minutes(4))
                .await?
        );
        assert!(
            store
                .try_lease("seed", Duration::minutes(5), t0 + Duration::minutes(6))
                .await?
        );
        other_node.close().await;
    }
    Ok(())
}

/// Contacts sent at the same moment through two nodes cannot both pass the daily limit.
#[tokio::test]
async fn the_contact_limit_holds_for_simultaneous_contacts() -> TestResult {
    use openpes_store::ContactOutcome;
    let now = Utc::now();
    let since = now - Duration::hours(24);
    for (store, _dir) in fresh_stores().await? {
        let other_node = Store::connect(store.url()).await?;
        // One contact left before the limit of 3.
        for seeker in ["s-1", "s-2"] {
            let added = store
                .add_contact_within("e-1", "v-1", seeker, "u-1", now, since, 3)
                .await?;
            assert!(matches!(added, ContactOutcome::Added { .. }), "{added:?}");
        }
        let (a, b) = tokio::join!(
            store.add_contact_within("e-1", "v-1", "s-3", "u-1", now, since, 3),
            other_node.add_contact_within("e-1", "v-1", "s-4", "u-2", now, since, 3),
        );
        let outcomes = [a?, b?];
        assert_eq!(
            outcomes
                .iter()
                .filter(|o| matches!(o, ContactOutcome::Added { sent_before: 2 }))
                .count(),
            1,
            "{outcomes:?}"
        );
        assert!(
            outcomes.contains(&ContactOutcome::LimitReached),
            "{outcomes:?}"
        );
        assert_eq!(store.contacts_since("e-1", since).await?, 3);
        assert_eq!(
            store
                .add_contact_within("e-1", "v-1", "s-1", "u-1", now, since, 10)
                .await?,
            ContactOutcome::AlreadyContacted
        );
        other_node.close().await;
    }
    Ok(())
}
