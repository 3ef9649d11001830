//! Storage of the training catalog and action plans on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): course batches are all or nothing, a plan step changes
//! only from the version the editor saw, and the history keeps every version and refuses to
//! be rewritten.

use chrono::{NaiveDate, TimeZone, Utc};
use openpes_guidance::{ActionStep, Course, CourseMode, StepKind, StepStatus};
use openpes_store::StoreError;
mod common;

use common::fresh_stores;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn course(id: &str) -> Course {
    Course {
        id: id.into(),
        title: "Forklift operation".into(),
        provider: "Taoyuan training centre".into(),
        description: "Safe forklift operation and loading.".into(),
        skills: vec!["urn:openpes:starter:skill/forklift-operation".into()],
        skills_extracted: false,
        mode: CourseMode::InPerson,
        place: Some("TW-TAO".into()),
        location: None,
        start_dates: vec![NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default()],
        hours: Some(36.0),
        cost: Some(8_000),
        public_funding: 0.8,
        language: Some("zh-TW".into()),
        url: None,
    }
}

fn step(status: StepStatus) -> ActionStep {
    ActionStep {
        kind: StepKind::Course,
        title: "Take the forklift course".into(),
        reference: Some("c-1".into()),
        status,
        due: NaiveDate::from_ymd_opt(2027, 1, 4),
        note: None,
    }
}

#[tokio::test]
async fn courses_round_trip_and_batches_are_all_or_nothing() -> TestResult {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 8, 0, 0)
        .single()
        .ok_or("time")?;
    for (store, _dir) in fresh_stores().await? {
        assert!(!store.has_courses().await?);
        store.put_courses(&[course("c-1")], now).await?;
        assert_eq!(store.course("c-1").await?, Some(course("c-1")));
        let mut bad = course("c-3");
        bad.title = String::new();
        let err = store
            .put_courses(&[course("c-2"), bad], now)
            .await
            .err()
            .ok_or("a bad course is refused")?;
        assert!(err.to_string().contains("courses[1].title"), "{err}");
        assert_eq!(
            store.courses().await?.len(),
            1,
            "nothing of the batch stored"
        );
        assert!(store.delete_course("c-1", chrono::Utc::now()).await?);
        assert!(!store.delete_course("c-1", chrono::Utc::now()).await?);
        assert!(!store.has_courses().await?);
    }
    Ok(())
}

#[tokio::test]
async fn plan_steps_change_from_the_seen_version_and_keep_their_history() -> TestResult {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 8, 0, 0)
        .single()
        .ok_or("time")?;
    for (store, _dir) in fresh_stores().await? {
        let added = store
            .add_plan_step("s-1", "step-1", &step(StepStatus::Planned), "u-seeker", now)
            .await?;
        assert_eq!(added.version, 1);
        let updated = store
            .update_plan_step(
                "s-1",
                "step-1",
                1,
                &step(StepStatus::InProgress),
                "u-case",
                now,
            )
            .await?
            .ok_or("the step exists")?;
        assert_eq!(
            (updated.version, updated.updated_by.as_str()),
            (2, "u-case")
        );
        // A stale edit is a conflict and changes nothing.
        let stale = store
            .update_plan_step("s-1", "step-1", 1, &step(StepStatus::Done), "u-seeker", now)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        // Another seeker's step is not found through this seeker.
        assert!(store
            .update_plan_step("s-2", "step-1", 2, &step(StepStatus::Done), "u", now)
            .await?
            .is_none());
        let steps = store.plan_steps("s-1").await?;
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].step.status, StepStatus::InProgress);
        let history = store.plan_history("s-1").await?;
        let versions: Vec<(i64, &str, &str)> = history
            .iter()
            .map(|h| (h.version, h.change.as_str(), h.changed_by.as_str()))
            .collect();
        assert_eq!(
            versions,
            [(1, "created", "u-seeker"), (2, "updated", "u-case")]
        );
        assert!(store.plan_history("s-2").await?.is_empty());
        // The history cannot be rewritten.
        let (rewrite, delete) = store.try_rewrite_plan_history("s-1").await;
        assert!(
            rewrite.is_err() && delete.is_err(),
            "history is append-only"
        );
        assert_eq!(store.plan_history("s-1").await?.len(), 2);
    }
    Ok(())
}
