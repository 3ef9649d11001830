//! The JSON-LD reader never panics: arbitrary JSON, and postings with arbitrary values in
//! every property it reads, come back as vacancies or as field errors (proptest, fixed seed).

use openpes_matching::jsonld::job_postings;
use openpes_matching::Gazetteer;
use openpes_taxonomy::{starter::starter_dataset, Taxonomy};
use proptest::prelude::*;
use serde_json::{json, Map, Value};
use std::sync::OnceLock;

fn setting() -> &'static (Taxonomy, Gazetteer) {
    static SETTING: OnceLock<(Taxonomy, Gazetteer)> = OnceLock::new();
    SETTING.get_or_init(|| {
        let dataset = starter_dataset().expect("the starter taxonomy parses");
        let taxonomy = Taxonomy::build(vec![dataset]).expect("it builds").0;
        (taxonomy, Gazetteer::taiwan().expect("the gazetteer loads"))
    })
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| json!(f)),
        any::<i64>().prop_map(|i| json!(i)),
        "\\PC{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("2026-11-20"),
            Just("TELECOMMUTE"),
            Just("FULL_TIME"),
            Just("YEAR"),
            Just("臺北市"),
            Just("JobPosting"),
            Just("<p>x</p>"),
            Just("-1")
        ]
        .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("\\PC{0,8}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const PROPERTIES: &[&str] = &[
    "identifier",
    "title",
    "description",
    "datePosted",
    "validThrough",
    "employmentType",
    "jobLocationType",
    "hiringOrganization",
    "jobLocation",
    "baseSalary",
    "occupationalCategory",
    "skills",
    "educationRequirements",
    "experienceRequirements",
    "totalJobOpenings",
    "@graph",
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x15_0a_d0),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_json_is_read_or_rejected_with_fields(document in any_json()) {
        let (taxonomy, gazetteer) = setting();
        if let Err(errors) = job_postings(&document, taxonomy, gazetteer) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| e.field.starts_with('[') || e.field == "document"));
        }
    }

    #[test]
    fn postings_with_odd_values_never_panic(
        values in prop::collection::vec(any_json(), PROPERTIES.len()),
        present in prop::collection::vec(any::<bool>(), PROPERTIES.len()),
    ) {
        let (taxonomy, gazetteer) = setting();
        let mut posting = Map::new();
        posting.insert("@type".into(), json!("JobPosting"));
        for ((name, value), keep) in PROPERTIES.iter().zip(values).zip(present) {
            if keep {
                posting.insert((*name).to_string(), value);
            }
        }
        match job_postings(&Value::Object(posting), taxonomy, gazetteer) {
            Ok(postings) => {
                for v in &postings.vacancies {
                    prop_assert!(!v.title.is_empty() && !v.employer.is_empty());
                    prop_assert!(v.positions >= 1);
                }
            }
            Err(errors) => prop_assert!(errors.iter().all(|e| e.field.starts_with('['))),
        }
    }
}
