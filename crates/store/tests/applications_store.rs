//! Saved vacancies and applications on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): saving is idempotent, a seeker applies once per
//! vacancy, a status changes only from the version the editor saw, and the history keeps every
//! status and refuses to be rewritten.

use chrono::{Duration, TimeZone, Utc};
use openpes_store::{NewApplication, StoreError};
mod common;

use common::fresh_stores;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[tokio::test]
async fn saved_vacancies_and_applications_keep_their_history() -> TestResult {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 8, 0, 0)
        .single()
        .ok_or("time")?;
    for (store, _dir) in fresh_stores().await? {
        assert!(store.save_vacancy("s-1", "v-1", now).await?);
        assert!(!store.save_vacancy("s-1", "v-1", now).await?, "saved once");
        assert!(
            store
                .save_vacancy("s-1", "v-2", now + Duration::minutes(1))
                .await?
        );
        let saved: Vec<_> = store
            .saved_vacancies("s-1")
            .await?
            .into_iter()
            .map(|s| s.vacancy_id)
            .collect();
        assert_eq!(saved, ["v-2", "v-1"], "newest first");
        assert!(store.saved_vacancies("s-2").await?.is_empty());
        assert!(store.is_saved("s-1", "v-1").await?);
        assert!(!store.is_saved("s-2", "v-1").await?);
        assert!(store.unsave_vacancy("s-1", "v-1").await?);
        assert!(!store.unsave_vacancy("s-1", "v-1").await?);

        let new = NewApplication {
            id: "a-1".into(),
            seeker_id: "s-1".into(),
            vacancy_id: "v-1".into(),
            employer_id: "e-1".into(),
            status: "applied".into(),
            note: "我有三年收銀經驗。".into(),
        };
        let stored = store.add_application(&new, "u-seeker", now).await?;
        assert_eq!(stored.version, 1);
        let again = store
            .add_application(
                &NewApplication {
                    id: "a-2".into(),
                    ..new.clone()
                },
                "u-seeker",
                now,
            )
            .await;
        assert!(
            matches!(again, Err(StoreError::Conflict(_))),
            "one application per vacancy: {again:?}"
        );
        assert!(store.application("a-2").await?.is_none(), "nothing stored");
        let later = now + Duration::hours(2);
        let viewed = store
            .set_application_status(
                "a-1",
                1,
                "interview",
                "週一上午十點面試",
                "u-employer",
                later,
            )
            .await?
            .ok_or("the application exists")?;
        assert_eq!((viewed.version, viewed.status.as_str()), (2, "interview"));
        let stale = store
            .set_application_status("a-1", 1, "rejected", "", "u-employer", later)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
        assert!(store
            .set_application_status("nope", 1, "rejected", "", "u", later)
            .await?
            .is_none());
        let stored = store.application("a-1").await?.ok_or("stored")?;
        assert_eq!(stored.status, "interview");
        assert_eq!(stored.note, new.note);
        assert_eq!(
            store.application_for("s-1", "v-1").await?.map(|a| a.id),
            Some("a-1".into())
        );
        assert_eq!(store.applications_of_seeker("s-1").await?.len(), 1);
        assert_eq!(store.applications_for_vacancy("v-1").await?.len(), 1);
        assert!(store.applications_for_vacancy("v-2").await?.is_empty());
        let history = store.application_history("a-1").await?;
        let statuses: Vec<_> = history
            .iter()
            .map(|h| (h.version, h.status.as_str(), h.changed_by.as_str()))
            .collect();
        assert_eq!(
            statuses,
            [(1, "applied", "u-seeker"), (2, "interview", "u-employer")]
        );
        assert_eq!(history[1].comment, "週一上午十點面試");
        let (update, delete) = store.try_rewrite_application_history("a-1").await;
        assert!(update.is_err() && delete.is_err(), "history is append-only");
        assert_eq!(store.application_history("a-1").await?.len(), 2);
    }
    Ok(())
}
