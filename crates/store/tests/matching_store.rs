//! Storage of matching records on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set): round trips, replacement, consent kept, all-or-nothing
//! vacancy batches, and the change feed read from a cursor.

use chrono::{NaiveDate, TimeZone, Utc};
use openpes_matching::{
    ContractType, Employer, Point, RemotePolicy, Seeker, Vacancy, VacancyStatus, WorkingTime,
};
mod common;

use common::fresh_stores;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn vacancy(id: &str, title: &str) -> Vacancy {
    Vacancy {
        id: id.into(),
        employer: "e-1".into(),
        title: title.into(),
        description: "Load and unload trucks.".into(),
        occupation: Some("urn:openpes:starter:occupation/forklift-driver".into()),
        essential_skills: vec!["urn:openpes:starter:skill/forklift-operation".into()],
        optional_skills: vec![],
        education: Some(2),
        experience_years: Some(1.0),
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
        salary_min: Some(32_000),
        salary_max: None,
        positions: 2,
        posted: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default(),
        expires: None,
        status: VacancyStatus::Open,
        suggestions: vec![],
    }
}

#[tokio::test]
async fn records_round_trip_and_vacancy_batches_are_all_or_nothing() -> TestResult {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 8, 0, 0)
        .single()
        .ok_or("time")?;
    for (store, _dir) in fresh_stores().await? {
        assert!(!store.has_matching_records().await?);
        store
            .put_employer(
                &Employer {
                    id: "e-1".into(),
                    name: "Taoyuan Logistics".into(),
                    registration: None,
                },
                now,
            )
            .await?;
        assert_eq!(store.employers().await?.len(), 1);

        let mut seeker: Seeker = serde_json::from_str(r#"{"id": "s-1", "searchable": true}"#)?;
        store.put_seeker(&seeker, now).await?;
        seeker.searchable = false;
        store.put_seeker(&seeker, now).await?;
        let back = store.seeker("s-1").await?.ok_or("seeker missing")?;
        assert!(!back.searchable, "the latest consent is kept");
        assert_eq!(store.seekers().await?.len(), 1);
        assert!(store.has_matching_records().await?);

        store
            .put_vacancies(
                &[vacancy("v-1", "Forklift driver"), vacancy("v-2", "Driver")],
                now,
            )
            .await?;
        let mut bad = vacancy("v-4", "Bad");
        bad.positions = 0;
        let error = store
            .put_vacancies(&[vacancy("v-3", "Warehouse"), bad], now)
            .await
            .err()
            .ok_or("a bad batch was stored")?;
        assert!(
            error.to_string().contains("vacancies[1].positions"),
            "{error}"
        );
        let ids: Vec<String> = store.vacancies().await?.into_iter().map(|v| v.id).collect();
        assert_eq!(ids, ["v-1", "v-2"], "nothing of the bad batch is stored");
        assert_eq!(
            store.vacancy("v-1").await?,
            Some(vacancy("v-1", "Forklift driver"))
        );

        assert!(store.delete_vacancy("v-2", now).await?);
        assert!(!store.delete_vacancy("v-2", now).await?);
        let feed = store.vacancy_changes(0, 10).await?;
        let entries: Vec<(&str, &str)> = feed
            .iter()
            .map(|c| (c.vacancy_id.as_str(), c.change.as_str()))
            .collect();
        assert_eq!(
            entries,
            [("v-1", "upsert"), ("v-2", "upsert"), ("v-2", "delete")]
        );
        let after = store.vacancy_changes(feed[0].seq, 10).await?;
        assert_eq!(after.len(), 2, "the cursor skips what was read");
        assert!(store.delete_seeker("s-1", chrono::Utc::now()).await?);
        assert_eq!(store.seeker("s-1").await?, None);
    }
    Ok(())
}
