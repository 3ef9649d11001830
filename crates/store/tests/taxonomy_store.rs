//! Storage of taxonomy datasets on SQLite (always) and PostgreSQL (when
//! `OPENPES_TEST_DATABASE_URL` is set, as `.ci/run` does): round trips, idempotent
//! re-imports, all-or-nothing failures and source replacement.

use chrono::{TimeZone, Utc};
mod common;

use common::fresh_stores;
use openpes_store::{ImportOutcome, StoreError};
use openpes_taxonomy::{
    ConceptKind, ConceptRecord, Dataset, LabelKind, RelationKind, RelationRecord,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn dataset(source: &str, version: &str, welder_label: &str) -> Dataset {
    let mut d = Dataset::new(source, version);
    d.title.insert("en".into(), format!("{source} test"));
    let mut occupation =
        ConceptRecord::new(format!("urn:{source}:welder"), ConceptKind::Occupation);
    occupation.code = Some("7212.1".into());
    occupation.add_label("en", LabelKind::Preferred, welder_label);
    occupation.add_label("en", LabelKind::Alternative, "welding operator");
    occupation.add_label("zh-TW", LabelKind::Preferred, "焊工");
    occupation.add_description("en", "Joins metal parts.");
    occupation.add_code("isco08", "7212");
    let mut skill = ConceptRecord::new(format!("urn:{source}:weld"), ConceptKind::Skill);
    skill.skill_type = Some(openpes_taxonomy::SkillType::Skill);
    skill.reuse_level = Some(openpes_taxonomy::ReuseLevel::SectorSpecific);
    skill.add_label("en", LabelKind::Preferred, "weld metal");
    skill.add_label("zh-TW", LabelKind::Hidden, "電焊");
    d.concepts = vec![occupation, skill];
    d.relations = vec![
        RelationRecord {
            from: format!("urn:{source}:welder"),
            to: format!("urn:{source}:weld"),
            kind: RelationKind::Essential,
            weight: Some(4.25),
        },
        RelationRecord {
            from: format!("urn:{source}:welder"),
            to: "urn:elsewhere:thing".into(),
            kind: RelationKind::CloseMatch,
            weight: None,
        },
    ];
    d
}

fn at(second: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 10, 0, second)
        .single()
        .unwrap_or_default()
}

#[tokio::test]
async fn datasets_round_trip_exactly() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        assert!(!store.has_taxonomy().await?);
        let original = dataset("demo", "1", "welder");
        let outcome = store.save_dataset(&original, &[], at(0)).await?;
        assert_eq!(outcome, ImportOutcome::Imported { replaced: vec![] });
        assert!(store.has_taxonomy().await?);
        let loaded = store.load_datasets().await?;
        assert_eq!(loaded, vec![original.clone()], "{:?}", store.backend());
        let sources = store.sources().await?;
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].content_hash, original.content_hash());
        assert_eq!(sources[0].counts.occupations, 1);
        assert_eq!(sources[0].imported_at, "2026-11-26T10:00:00.000Z");
    }
    Ok(())
}

#[tokio::test]
async fn reimporting_the_same_content_changes_nothing() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        let d = dataset("demo", "1", "welder");
        store.save_dataset(&d, &[], at(0)).await?;
        let again = store.save_dataset(&d, &[], at(5)).await?;
        assert_eq!(again, ImportOutcome::Unchanged);
        let sources = store.sources().await?;
        assert_eq!(
            sources[0].imported_at, "2026-11-26T10:00:00.000Z",
            "not rewritten"
        );
        let history = store.import_history(10).await?;
        let outcomes: Vec<&str> = history.iter().map(|h| h.outcome.as_str()).collect();
        assert_eq!(outcomes, ["unchanged", "imported"]);

        // New content replaces the source's rows.
        let v2 = dataset("demo", "2", "metal welder");
        store.save_dataset(&v2, &[], at(9)).await?;
        assert_eq!(store.load_datasets().await?, vec![v2]);
    }
    Ok(())
}

#[tokio::test]
async fn a_failing_import_leaves_the_database_unchanged() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        let good = dataset("demo", "1", "welder");
        store.save_dataset(&good, &[], at(0)).await?;

        // The same URI twice: the insert fails half-way through the transaction.
        let mut bad = dataset("demo", "2", "broken");
        let duplicate = bad.concepts[0].clone();
        bad.concepts.push(duplicate);
        let err = store.save_dataset(&bad, &[], at(1)).await;
        assert!(err.is_err(), "{:?}", store.backend());
        assert_eq!(store.load_datasets().await?, vec![good.clone()]);
        assert_eq!(store.import_history(10).await?.len(), 1);

        // A URI owned by another source is refused before anything is written.
        let mut thief = dataset("other", "1", "x");
        thief.concepts[0].uri = "urn:demo:welder".into();
        match store.save_dataset(&thief, &[], at(2)).await {
            Err(StoreError::Conflict(message)) => {
                assert!(message.contains("urn:demo:welder"), "{message}");
                assert!(message.contains("'demo'"), "{message}");
            }
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(store.load_datasets().await?, vec![good]);
    }
    Ok(())
}

#[tokio::test]
async fn a_failing_real_import_keeps_the_starter() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        let starter = dataset("starter", "1", "welder");
        store.save_dataset(&starter, &[], at(0)).await?;
        let mut broken = dataset("esco", "1.1.1", "welder");
        let duplicate = broken.concepts[1].clone();
        broken.concepts.push(duplicate);
        assert!(store
            .save_dataset(&broken, &["starter"], at(1))
            .await
            .is_err());
        assert_eq!(
            store.load_datasets().await?,
            vec![starter],
            "{:?}",
            store.backend()
        );
    }
    Ok(())
}

#[tokio::test]
async fn importing_a_real_source_replaces_the_starter() -> TestResult {
    for (store, _dir) in fresh_stores().await? {
        store
            .save_dataset(&dataset("starter", "1", "welder"), &[], at(0))
            .await?;
        let esco = dataset("esco", "1.1.1", "welder");
        let outcome = store.save_dataset(&esco, &["starter"], at(1)).await?;
        assert_eq!(
            outcome,
            ImportOutcome::Imported {
                replaced: vec!["starter".into()]
            }
        );
        let loaded = store.load_datasets().await?;
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].source, "esco");
    }
    Ok(())
}
