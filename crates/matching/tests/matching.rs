//! Matching against the built-in starter taxonomy: vacancies built from occupations' skill
//! profiles, seekers with all, half or none of them. Ranking rules, consent, hard filters,
//! explanations that add up, determinism, and field-level rejection of bad records; property
//! tests (proptest, fixed seed) for the invariants.

use chrono::NaiveDate;
use openpes_matching::index::MatchError;
use openpes_matching::{
    ContractType, LanguageSkill, MatchIndex, MatchQuery, PastOccupation, Point, RemotePolicy,
    Seeker, SeekerSkill, SkillSource, Vacancy, VacancyStatus, WorkingTime,
};
use openpes_taxonomy::{starter::starter_dataset, ConceptKind, RelationKind, Taxonomy};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

const TAIPEI: Point = Point {
    lat: 25.0375,
    lon: 121.5637,
};
const TAOYUAN: Point = Point {
    lat: 24.9936,
    lon: 121.3010,
};
const KAOHSIUNG: Point = Point {
    lat: 22.6273,
    lon: 120.3014,
};

fn taxonomy() -> Arc<Taxonomy> {
    static TAXONOMY: OnceLock<Arc<Taxonomy>> = OnceLock::new();
    TAXONOMY
        .get_or_init(|| {
            let dataset = starter_dataset().expect("the starter taxonomy parses");
            Arc::new(Taxonomy::build(vec![dataset]).expect("it builds").0)
        })
        .clone()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap_or_default()
}

fn query() -> MatchQuery {
    MatchQuery {
        limit: 20,
        today: today(),
    }
}

/// Occupations with at least four essential skills: (uri, essential skill uris).
fn occupations_with_profiles() -> Vec<(String, Vec<String>)> {
    let t = taxonomy();
    t.concepts()
        .iter()
        .filter(|c| c.kind == ConceptKind::Occupation)
        .map(|c| {
            let skills: Vec<String> = t
                .skills_of(c.id)
                .iter()
                .filter(|e| e.kind == RelationKind::Essential)
                .map(|e| t.concept(e.target).uri.clone())
                .collect();
            (c.uri.clone(), skills)
        })
        .filter(|(_, skills)| skills.len() >= 4)
        .collect()
}

fn vacancy(id: &str, occupation: &str, essential: &[String]) -> Vacancy {
    Vacancy {
        id: id.into(),
        employer: "employer-1".into(),
        title: format!("Vacancy {id}"),
        description: String::new(),
        occupation: Some(occupation.into()),
        essential_skills: essential.to_vec(),
        optional_skills: vec![],
        education: None,
        experience_years: None,
        languages: vec![],
        licences: vec![],
        location: Some(TAIPEI),
        place: None,
        remote: RemotePolicy::OnSite,
        contract: ContractType::Permanent,
        working_time: WorkingTime::FullTime,
        salary_min: Some(32_000),
        salary_max: Some(45_000),
        positions: 1,
        posted: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
        expires: None,
        status: VacancyStatus::Open,
        suggestions: vec![],
    }
}

fn seeker(id: &str, skills: &[String]) -> Seeker {
    Seeker {
        id: id.into(),
        skills: skills
            .iter()
            .map(|s| SeekerSkill {
                concept: s.clone(),
                source: SkillSource::Declared,
                level: None,
            })
            .collect(),
        experience: vec![],
        desired_occupations: vec![],
        education: None,
        languages: vec![],
        licences: vec![],
        location: Some(TAOYUAN),
        place: None,
        cv_text: None,
        suggestions: vec![],
        max_distance_km: None,
        willing_to_relocate: false,
        accepts_remote: true,
        contract_types: vec![],
        working_time: vec![],
        min_salary: None,
        available_from: None,
        searchable: true,
        outreach: false,
    }
}

#[test]
fn a_seeker_with_every_essential_skill_ranks_above_one_with_half(
) -> Result<(), Box<dyn std::error::Error>> {
    let occupations = occupations_with_profiles();
    let (occupation, skills) = occupations.first().ok_or("no occupation with a profile")?;
    let mut index = MatchIndex::new(taxonomy());
    index.upsert_vacancy(&vacancy("v-1", occupation, skills))?;
    index.upsert_seeker(&seeker("s-all", skills))?;
    index.upsert_seeker(&seeker("s-half", &skills[..skills.len() / 2]))?;
    let mut hidden = seeker("s-hidden", skills);
    hidden.searchable = false;
    index.upsert_seeker(&hidden)?;

    let ranked = index.seekers_for("v-1", &query())?;
    let ids: Vec<&str> = ranked.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["s-all", "s-half"],
        "only consenting seekers, best first"
    );
    let all = &ranked[0].explanation;
    assert_eq!(all.essential_matched.len(), skills.len());
    assert!(all.essential_missing.is_empty());
    let half = &ranked[1].explanation;
    assert_eq!(half.essential_total, skills.len());
    assert_eq!(
        half.essential_matched.len() + half.essential_missing.len(),
        skills.len()
    );
    // The hidden seeker still sees the vacancy from their side.
    let theirs = index.vacancies_for("s-hidden", &query())?;
    assert_eq!(theirs.first().map(|r| r.id.as_str()), Some("v-1"));
    Ok(())
}

#[test]
fn hard_filters_exclude_whatever_the_score() -> Result<(), Box<dyn std::error::Error>> {
    let occupations = occupations_with_profiles();
    let (occupation, skills) = occupations.first().ok_or("no occupation")?;
    let mut index = MatchIndex::new(taxonomy());
    let mut far = vacancy("v-far", occupation, skills);
    far.location = Some(KAOHSIUNG);
    let mut licence = vacancy("v-licence", occupation, skills);
    licence.licences = vec!["C".into()];
    let mut language = vacancy("v-english", occupation, skills);
    language.languages = vec![LanguageSkill {
        language: "en".into(),
        level: "B2".into(),
    }];
    let mut expired = vacancy("v-expired", occupation, skills);
    expired.expires = NaiveDate::from_ymd_opt(2026, 11, 2);
    let mut part_time = vacancy("v-part-time", occupation, skills);
    part_time.working_time = WorkingTime::PartTime;
    let near = vacancy("v-near", occupation, skills);
    for v in [&far, &licence, &language, &expired, &part_time, &near] {
        index.upsert_vacancy(v)?;
    }
    let mut s = seeker("s-1", skills);
    s.max_distance_km = Some(60.0);
    s.licences = vec!["b".into()];
    s.languages = vec![LanguageSkill {
        language: "en-GB".into(),
        level: "B1".into(),
    }];
    s.working_time = vec![WorkingTime::FullTime];
    index.upsert_seeker(&s)?;
    let ids: Vec<String> = index
        .vacancies_for("s-1", &query())?
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["v-near"]);

    let (_, why) = index.explain("s-1", "v-far", today())?;
    assert!(matches!(
        why,
        Some(openpes_matching::score::Exclusion::TooFar { limit_km: 60, .. })
    ));
    // Willing to relocate: distance no longer excludes (it still costs points).
    s.willing_to_relocate = true;
    index.upsert_seeker(&s)?;
    let ids: Vec<String> = index
        .vacancies_for("s-1", &query())?
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, ["v-near", "v-far"]);
    Ok(())
}

#[test]
fn the_closer_occupation_scores_higher() -> Result<(), Box<dyn std::error::Error>> {
    let t = taxonomy();
    let occupations = occupations_with_profiles();
    let (occupation, skills) = occupations.first().ok_or("no occupation")?;
    let target = t.by_uri(occupation).ok_or("occupation")?;
    let parent = t
        .broader(target)
        .first()
        .copied()
        .ok_or("no parent group")?;
    let sibling = t
        .narrower(parent)
        .into_iter()
        .find(|o| *o != target && t.concept(*o).kind == ConceptKind::Occupation);
    let mut index = MatchIndex::new(t.clone());
    index.upsert_vacancy(&vacancy("v-1", occupation, skills))?;
    let mut same = seeker("s-same", &skills[..1]);
    same.experience = vec![PastOccupation {
        occupation: occupation.clone(),
        years: 3.0,
    }];
    index.upsert_seeker(&same)?;
    let mut none = seeker("s-none", &skills[..1]);
    none.experience = vec![];
    index.upsert_seeker(&none)?;
    if let Some(sibling) = sibling {
        let mut near = seeker("s-sibling", &skills[..1]);
        near.experience = vec![PastOccupation {
            occupation: t.concept(sibling).uri.clone(),
            years: 3.0,
        }];
        index.upsert_seeker(&near)?;
    }
    let ranked = index.seekers_for("v-1", &query())?;
    let ids: Vec<&str> = ranked.iter().map(|r| r.id.as_str()).collect();
    let expected: Vec<&str> = if sibling.is_some() {
        vec!["s-same", "s-sibling", "s-none"]
    } else {
        vec!["s-same", "s-none"]
    };
    assert_eq!(ids, expected);
    Ok(())
}

#[test]
fn bad_records_are_rejected_by_field_and_change_nothing() -> Result<(), Box<dyn std::error::Error>>
{
    let occupations = occupations_with_profiles();
    let (occupation, skills) = occupations.first().ok_or("no occupation")?;
    let mut index = MatchIndex::new(taxonomy());
    let mut bad = vacancy("v-bad", occupation, skills);
    bad.essential_skills.push("urn:nowhere:skill".into());
    bad.optional_skills.push(occupation.clone());
    let errors = index
        .upsert_vacancy(&bad)
        .err()
        .ok_or("a bad vacancy was accepted")?;
    let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
    let n = skills.len();
    assert_eq!(
        fields,
        [
            format!("essential_skills[{n}]"),
            "optional_skills[0]".to_string()
        ]
    );
    assert!(index.is_empty());
    assert_eq!(
        index.seekers_for("v-bad", &query()).err(),
        Some(MatchError::UnknownVacancy("v-bad".into()))
    );
    Ok(())
}

fn engine_with(vacancies: usize, seed: u64) -> (MatchIndex, Vec<(String, Vec<String>)>) {
    let occupations = occupations_with_profiles();
    let mut index = MatchIndex::new(taxonomy());
    let mut state = seed;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    for i in 0..vacancies {
        let (occupation, skills) = &occupations[next(occupations.len())];
        let take = 2 + next(skills.len() - 1);
        let mut v = vacancy(&format!("v-{i:03}"), occupation, &skills[..take]);
        v.location = Some([TAIPEI, TAOYUAN, KAOHSIUNG][next(3)]);
        v.licences = if next(4) == 0 {
            vec!["C".into()]
        } else {
            vec![]
        };
        v.remote = [RemotePolicy::OnSite, RemotePolicy::Remote][next(2)];
        index
            .upsert_vacancy(&v)
            .expect("generated vacancies are valid");
    }
    (index, occupations)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0a7c_4e5d),
        ..ProptestConfig::default()
    })]

    /// Results respect every hard filter, their parts add up to the score, scores are in
    /// [0, 1], order is by score then id, and the same query gives the same answer.
    #[test]
    fn results_are_filtered_explained_and_deterministic(
        seed in 0u64..1_000,
        picks in prop::collection::vec(0usize..1_000, 1..8),
        radius in prop::option::of(10.0f64..400.0),
        licence_b in any::<bool>(),
        remote_ok in any::<bool>(),
    ) {
        let (mut index, occupations) = engine_with(40, seed);
        let skills: Vec<String> = picks
            .iter()
            .map(|p| {
                let (_, s) = &occupations[p % occupations.len()];
                s[p % s.len()].clone()
            })
            .collect();
        let mut s = seeker("s-prop", &skills);
        s.max_distance_km = radius;
        s.licences = if licence_b { vec!["B".into()] } else { vec![] };
        s.accepts_remote = remote_ok;
        index.upsert_seeker(&s).expect("valid seeker");
        let first = index.vacancies_for("s-prop", &query()).expect("known seeker");
        let again = index.vacancies_for("s-prop", &query()).expect("known seeker");
        prop_assert_eq!(&first, &again);
        for pair in first.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            prop_assert!(
                a.explanation.score > b.explanation.score
                    || (a.explanation.score == b.explanation.score && a.id < b.id)
            );
        }
        for r in &first {
            let sum: f32 = r.explanation.parts.iter().map(|p| p.points).sum();
            prop_assert!((sum - r.explanation.score).abs() < 1e-5);
            prop_assert!((0.0..=1.0).contains(&r.explanation.score));
            let (_, excluded) = index.explain("s-prop", &r.id, today()).expect("both known");
            prop_assert_eq!(excluded, None);
            if !remote_ok {
                prop_assert!(!r.explanation.remote);
            }
            if let (Some(limit), Some(km), false) = (radius, r.explanation.distance_km, r.explanation.remote) {
                prop_assert!(km <= limit + 1e-9, "{} km > {} km", km, limit);
            }
        }
    }

    /// Adding to a vacancy an essential skill the seeker has never lowers their score.
    #[test]
    fn a_required_skill_the_seeker_has_never_lowers_the_score(
        which in 0usize..1_000,
        have in prop::collection::vec(0usize..1_000, 1..6),
    ) {
        let occupations = occupations_with_profiles();
        let (occupation, skills) = &occupations[which % occupations.len()];
        let all: Vec<String> = occupations.iter().flat_map(|(_, s)| s.clone()).collect();
        let held: Vec<String> = have.iter().map(|h| all[h % all.len()].clone()).collect();
        let mut index = MatchIndex::new(taxonomy());
        index.upsert_seeker(&seeker("s-1", &held)).expect("valid seeker");
        let base = vacancy("v-1", occupation, skills);
        index.upsert_vacancy(&base).expect("valid vacancy");
        let (before, _) = index.explain("s-1", "v-1", today()).expect("both known");
        let mut more = base.clone();
        more.essential_skills.push(held[0].clone());
        index.upsert_vacancy(&more).expect("valid vacancy");
        let (after, _) = index.explain("s-1", "v-1", today()).expect("both known");
        prop_assert!(after.score >= before.score - 1e-6, "{} < {}", after.score, before.score);
    }
}

#[test]
fn demo_data_is_valid_reproducible_and_matches_its_own_occupations(
) -> Result<(), Box<dyn std::error::Error>> {
    use openpes_matching::demo::{generate, DemoOptions};
    use openpes_matching::Gazetteer;
    let gazetteer = Gazetteer::taiwan()?;
    let options = DemoOptions {
        seekers: 60,
        vacancies: 300,
        seed: 42,
        today: today(),
    };
    let data = generate(&taxonomy(), &gazetteer, options)?;
    let again = generate(&taxonomy(), &gazetteer, options)?;
    assert_eq!(data.vacancies, again.vacancies, "same seed, same data");
    assert_eq!(data.seekers, again.seekers);
    let mut index = MatchIndex::new(taxonomy());
    for v in &data.vacancies {
        index.upsert_vacancy(v)?;
    }
    for s in &data.seekers {
        index.upsert_seeker(s)?;
    }
    // A seeker drawn from an occupation's profile mostly finds that occupation's vacancies
    // first (when there is one within reach).
    let occupation_of: std::collections::HashMap<&str, Option<&String>> = data
        .vacancies
        .iter()
        .map(|v| (v.id.as_str(), v.occupation.as_ref()))
        .collect();
    let (mut judged, mut right) = (0, 0);
    for (seeker, occupation) in data.seekers.iter().zip(&data.seeker_occupations) {
        let ranked = index.vacancies_for(&seeker.id, &query())?;
        let Some(first) = ranked.first() else {
            continue;
        };
        let reachable = ranked
            .iter()
            .any(|r| occupation_of.get(r.id.as_str()).copied().flatten() == Some(occupation));
        if reachable {
            judged += 1;
            right += usize::from(
                occupation_of.get(first.id.as_str()).copied().flatten() == Some(occupation),
            );
        }
    }
    assert!(
        judged >= 10,
        "only {judged} seekers had their occupation within reach"
    );
    assert!(
        right * 10 >= judged * 8,
        "{right}/{judged} seekers found their own occupation first"
    );
    // The same judgement as NDCG@10 (what `openpes eval match` reports).
    let report = openpes_matching::demo::evaluate_relevance(&index, &data, 10, 60, today());
    assert!(report.seekers >= 10, "{report:?}");
    assert!(report.ndcg >= 0.7 && report.ndcg <= 1.0, "{report:?}");
    assert!(report.top1_relevant >= 0.8, "{report:?}");
    Ok(())
}

/// The bounded search returns exactly what scoring every candidate would: for generated
/// seekers and vacancies, in both directions, the top 10 equal a brute-force ranking of every
/// pair that shares a skill or an occupation and passes the hard filters.
#[test]
fn pruned_rankings_equal_brute_force() -> Result<(), Box<dyn std::error::Error>> {
    use openpes_matching::demo::{generate, DemoOptions};
    use openpes_matching::score::OccupationRelation;
    use openpes_matching::Gazetteer;
    let gazetteer = Gazetteer::taiwan()?;
    let data = generate(
        &taxonomy(),
        &gazetteer,
        DemoOptions {
            seekers: 80,
            vacancies: 400,
            seed: 5,
            today: today(),
        },
    )?;
    let mut index = MatchIndex::new(taxonomy());
    for v in &data.vacancies {
        index.upsert_vacancy(v)?;
    }
    for s in &data.seekers {
        index.upsert_seeker(s)?;
    }
    let query = MatchQuery {
        limit: 10,
        today: today(),
    };
    let shares = |e: &openpes_matching::Explanation| {
        !e.essential_matched.is_empty()
            || !e.optional_matched.is_empty()
            || matches!(e.occupation, OccupationRelation::Same { .. })
    };
    let brute = |mut all: Vec<(f32, String)>| {
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        all.truncate(10);
        all
    };
    for s in &data.seekers {
        let mut all = Vec::new();
        for v in &data.vacancies {
            let (e, excluded) = index.explain(&s.id, &v.id, today())?;
            if excluded.is_none() && shares(&e) {
                all.push((e.score, v.id.clone()));
            }
        }
        let got: Vec<(f32, String)> = index
            .vacancies_for(&s.id, &query)?
            .into_iter()
            .map(|r| (r.explanation.score, r.id))
            .collect();
        assert_eq!(got, brute(all), "seeker {}", s.id);
    }
    for v in data.vacancies.iter().take(100) {
        let mut all = Vec::new();
        for s in data.seekers.iter().filter(|s| s.searchable) {
            let (e, excluded) = index.explain(&s.id, &v.id, today())?;
            if excluded.is_none() && shares(&e) {
                all.push((e.score, s.id.clone()));
            }
        }
        let got: Vec<(f32, String)> = index
            .seekers_for(&v.id, &query)?
            .into_iter()
            .map(|r| (r.explanation.score, r.id))
            .collect();
        assert_eq!(got, brute(all), "vacancy {}", v.id);
    }
    Ok(())
}
