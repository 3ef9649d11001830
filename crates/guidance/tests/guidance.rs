//! Career guidance on a small hand-made taxonomy where every number can be worked out: the
//! ranking rules of reachable occupations (full cover above half cover at equal demand,
//! over- and under-qualification marked, named transitions found), the order of a gap list,
//! demand counts, and the course set cover (never a course that closes no gap; place, mode,
//! dates and budget respected), with a property test (proptest, fixed seed) over random
//! catalogs.

use chrono::NaiveDate;
use openpes_guidance::courses::CourseQuery;
use openpes_guidance::{
    Course, CourseMode, DemandCache, GapTarget, Guidance, Qualification, Scope, SeekerView,
    Transition,
};
use openpes_matching::{
    ContractType, MatchIndex, PastOccupation, Point, Seeker, SeekerSkill, SkillSource, Vacancy,
    VacancyStatus, WorkingTime,
};
use openpes_taxonomy::import::bundle::parse_bundles;
use openpes_taxonomy::{ConceptId, Taxonomy};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 26) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
const TAIPEI: Point = Point {
    lat: 25.0375,
    lon: 121.5637,
};
const KAOHSIUNG: Point = Point {
    lat: 22.6273,
    lon: 120.3014,
};

fn occupation(
    id: &str,
    isco: &str,
    essential: &[&str],
    optional: &[&str],
    related: &[&str],
) -> serde_json::Value {
    serde_json::json!({
        "id": id, "kind": "occupation", "labels": {"en": {"preferred": id}},
        "codes": {"isco08": isco},
        "essential_skills": essential, "optional_skills": optional,
        "related_occupations": related,
    })
}

fn taxonomy() -> Arc<Taxonomy> {
    let mut concepts = vec![serde_json::json!({
        "id": "group/care", "kind": "skill_group", "labels": {"en": {"preferred": "care"}}
    })];
    for s in 1..=9 {
        let mut skill = serde_json::json!({
            "id": format!("s{s}"), "kind": "skill",
            "labels": {"en": {"preferred": format!("skill {s}")}},
        });
        // s3 is related to s2; s5 and s6 share a skill group.
        if s == 3 {
            skill["related_skills"] = serde_json::json!([{"id": "s2", "type": "optional"}]);
        }
        if s == 5 || s == 6 {
            skill["broader"] = serde_json::json!(["group/care"]);
        }
        concepts.push(skill);
    }
    concepts.extend([
        occupation("full", "3221", &["s1", "s2"], &[], &[]),
        occupation("half", "3222", &["s1", "s8"], &[], &[]),
        occupation("pro", "2221", &["s1", "s2"], &[], &[]),
        occupation("elementary", "9112", &["s1", "s2"], &[], &[]),
        occupation("past", "5321", &["s4"], &[], &["next"]),
        occupation("next", "5322", &["s7"], &[], &[]),
        occupation("target", "3223", &["s3", "s5"], &["s9"], &[]),
    ]);
    let bundle = serde_json::json!({
        "format": "openpes-taxonomy-bundle/1", "source": "test", "version": "1",
        "concepts": concepts,
    })
    .to_string();
    let dataset = parse_bundles(&[(PathBuf::from("test.json"), bundle.as_str())])
        .expect("the test bundle parses");
    Arc::new(Taxonomy::build(vec![dataset]).expect("it builds").0)
}

fn id(taxonomy: &Taxonomy, name: &str) -> ConceptId {
    taxonomy
        .by_uri(&format!("urn:openpes:test:{name}"))
        .expect("concept exists")
}

fn vacancy(
    n: usize,
    occupation: &str,
    essential: &[&str],
    optional: &[&str],
    posted: NaiveDate,
) -> Vacancy {
    let u = |s: &&str| format!("urn:openpes:test:{s}");
    Vacancy {
        id: format!("v{n}"),
        employer: "e1".into(),
        title: occupation.into(),
        description: String::new(),
        occupation: Some(u(&occupation)),
        essential_skills: essential.iter().map(u).collect(),
        optional_skills: optional.iter().map(u).collect(),
        education: None,
        experience_years: None,
        languages: vec![],
        licences: vec![],
        location: None,
        place: Some("TW-TPE".into()),
        remote: Default::default(),
        contract: ContractType::Permanent,
        working_time: WorkingTime::FullTime,
        salary_min: Some(40_000),
        salary_max: Some(44_000),
        positions: 1,
        posted,
        expires: None,
        status: VacancyStatus::Open,
        suggestions: vec![],
    }
}

fn seeker(skills: &[&str], past: &[&str], education: u8) -> Seeker {
    Seeker {
        id: "seeker".into(),
        skills: skills
            .iter()
            .map(|s| SeekerSkill {
                concept: format!("urn:openpes:test:{s}"),
                source: SkillSource::Declared,
                level: None,
            })
            .collect(),
        experience: past
            .iter()
            .map(|o| PastOccupation {
                occupation: format!("urn:openpes:test:{o}"),
                years: 3.0,
            })
            .collect(),
        desired_occupations: vec![],
        education: Some(education),
        languages: vec![],
        licences: vec![],
        location: None,
        place: Some("TW-TPE".into()),
        cv_text: None,
        suggestions: vec![],
        max_distance_km: Some(30.0),
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

/// An index with one vacancy for each of `full` and `half` (equal demand), and some for
/// `target`.
fn index() -> MatchIndex {
    let taxonomy = taxonomy();
    let mut index = MatchIndex::new(taxonomy);
    let day = TODAY.pred_opt().unwrap_or(TODAY);
    let vacancies = [
        vacancy(1, "full", &["s1", "s2"], &[], day),
        vacancy(2, "half", &["s1", "s8"], &[], day),
        vacancy(3, "target", &["s3", "s5"], &["s9"], day),
        vacancy(4, "target", &["s5"], &[], day),
        vacancy(5, "next", &["s5", "s7"], &[], day),
    ];
    for v in &vacancies {
        index.upsert_vacancy(v).expect("valid vacancy");
    }
    index
}

fn view(index: &MatchIndex, s: &Seeker) -> SeekerView {
    index.seeker_view(s).expect("valid seeker")
}

#[test]
fn a_fully_covered_occupation_ranks_above_a_half_covered_one_at_equal_demand() {
    let index = index();
    let t = Arc::clone(index.taxonomy());
    let cache = DemandCache::default();
    let demand = cache.get(&index, TODAY);
    let me = view(&index, &seeker(&["s1", "s2"], &[], 5));
    let found = Guidance::new().reachable(&index, &me, &demand, 10);
    let position = |name: &str| found.iter().position(|r| r.occupation == id(&t, name));
    let (full, half) = (position("full"), position("half"));
    assert!(full.is_some() && half.is_some(), "both reached: {found:?}");
    assert!(full < half, "full cover first: {found:?}");
    let full = &found[full.unwrap_or(0)];
    let half = &found[half.unwrap_or(0)];
    assert_eq!(full.demand, half.demand, "equal demand");
    assert_eq!((full.essential_held, full.essential_total), (2, 2));
    assert_eq!((half.essential_held, half.essential_total), (1, 2));
    // The half-covered one carries its gap.
    assert_eq!(half.gaps.first().map(|g| g.skill), Some(id(&t, "s8")));
    // Every score is the sum of its parts, and the parts' weights sum to 1.
    for r in &found {
        let sum: f32 = r.parts.iter().map(|p| p.points).sum();
        assert!((sum - r.score).abs() < 1e-5);
        let weights: f32 = r.parts.iter().map(|p| p.weight).sum();
        assert!((weights - 1.0).abs() < 1e-5);
    }
}

#[test]
fn over_and_under_qualification_are_marked() {
    let index = index();
    let t = Arc::clone(index.taxonomy());
    let cache = DemandCache::default();
    let demand = cache.get(&index, TODAY);
    // ISCED 5 (short-cycle tertiary) reaches ISCO skill level 3.
    let me = view(&index, &seeker(&["s1", "s2"], &[], 5));
    let found = Guidance::new().reachable(&index, &me, &demand, 10);
    let qualification = |name: &str| {
        found
            .iter()
            .find(|r| r.occupation == id(&t, name))
            .map(|r| r.level.qualification)
    };
    assert_eq!(qualification("full"), Some(Qualification::Fits));
    assert_eq!(
        qualification("elementary"),
        Some(Qualification::OverQualified)
    );
    assert_eq!(qualification("pro"), Some(Qualification::UnderQualified));
    let level = |name: &str| {
        found
            .iter()
            .find(|r| r.occupation == id(&t, name))
            .and_then(|r| r.parts.iter().find(|p| p.name == "level").map(|p| p.value))
    };
    assert!(level("full") > level("elementary"));
    // Without an education the fit is unknown, never a guess.
    let mut unknown = seeker(&["s1", "s2"], &[], 5);
    unknown.education = None;
    let found = Guidance::new().reachable(&index, &view(&index, &unknown), &demand, 10);
    assert!(found
        .iter()
        .all(|r| r.level.qualification == Qualification::Unknown));
}

#[test]
fn a_named_transition_is_reached_and_past_occupations_are_left_out() {
    let index = index();
    let t = Arc::clone(index.taxonomy());
    let cache = DemandCache::default();
    let demand = cache.get(&index, TODAY);
    let me = view(&index, &seeker(&["s4"], &["past"], 3));
    let found = Guidance::new().reachable(&index, &me, &demand, 10);
    let next = found.iter().find(|r| r.occupation == id(&t, "next"));
    let next = next.expect("the named transition is reached without a shared skill");
    assert_eq!(
        next.transition,
        Transition::Named {
            from: id(&t, "past")
        }
    );
    assert!(found.iter().all(|r| r.occupation != id(&t, "past")));
}

#[test]
fn a_gap_lists_essential_first_then_by_regional_demand_with_partial_cover() {
    let index = index();
    let t = Arc::clone(index.taxonomy());
    let cache = DemandCache::default();
    let demand = cache.get(&index, TODAY);
    let me = view(&index, &seeker(&["s2", "s6"], &[], 5));
    let gap = Guidance::new()
        .gap(
            &index,
            &me,
            &GapTarget::Occupation(id(&t, "target")),
            &demand,
        )
        .expect("an occupation");
    let order: Vec<ConceptId> = gap.missing.iter().map(|g| g.skill).collect();
    // s5 (asked by 3 open vacancies) before s3 (asked by 1), both essential; s9 optional last.
    assert_eq!(order, [id(&t, "s5"), id(&t, "s3"), id(&t, "s9")]);
    assert_eq!(gap.missing[0].asked_by, 3);
    assert!(gap.missing[0].essential && !gap.missing[2].essential);
    // s3 is related to s2; s5 shares a skill group with s6.
    assert_eq!(gap.missing[1].partly_covered_by, [id(&t, "s2")]);
    assert_eq!(gap.missing[0].partly_covered_by, [id(&t, "s6")]);
    assert!(matches!(gap.scope, Scope::Region(_)));
    assert_eq!(gap.open_vacancies, 5);
    // Both essential skills partly covered: half the weight.
    assert!((gap.coverage - 0.5).abs() < 1e-5, "{}", gap.coverage);

    let against_vacancy = Guidance::new()
        .gap(&index, &me, &GapTarget::Vacancy("v4".into()), &demand)
        .expect("a vacancy");
    assert_eq!(against_vacancy.essential_total, 1);
    assert!(Guidance::new()
        .gap(&index, &me, &GapTarget::Vacancy("nope".into()), &demand)
        .is_err());
    assert!(Guidance::new()
        .gap(&index, &me, &GapTarget::Occupation(id(&t, "s1")), &demand)
        .is_err());
}

#[test]
fn demand_counts_trend_and_follows_changes() {
    let mut index = index();
    let t = Arc::clone(index.taxonomy());
    let old = TODAY - chrono::Days::new(20);
    index
        .upsert_vacancy(&vacancy(6, "full", &["s1"], &[], old))
        .expect("valid");
    let cache = DemandCache::default();
    let demand = cache.get(&index, TODAY);
    let national = demand.occupation(id(&t, "full"), Scope::National);
    assert_eq!(
        (national.open, national.recent, national.previous),
        (2, 1, 1)
    );
    assert_eq!(national.trend(), 0.0);
    let salary = demand.salary(id(&t, "full")).expect("salaries given");
    assert_eq!(salary.median, 42_000);
    // A change is seen by the next snapshot (fewer than 100 vacancies: any change counts).
    index.remove_vacancy("v6");
    let after = cache.get(&index, TODAY);
    assert_eq!(after.occupation(id(&t, "full"), Scope::National).open, 1);
}

fn course(
    id: &str,
    skills: &[&str],
    mode: CourseMode,
    at: Option<Point>,
    start: NaiveDate,
) -> Course {
    Course {
        id: id.into(),
        title: id.into(),
        provider: "p".into(),
        description: String::new(),
        skills: skills
            .iter()
            .map(|s| format!("urn:openpes:test:{s}"))
            .collect(),
        skills_extracted: false,
        mode,
        place: None,
        location: at,
        start_dates: vec![start],
        hours: Some(40.0),
        cost: Some(10_000),
        public_funding: 0.0,
        language: None,
        url: None,
    }
}

fn query(t: &Taxonomy, gaps: &[(&str, f32)]) -> CourseQuery {
    CourseQuery {
        gaps: gaps.iter().map(|(s, w)| (id(t, s), *w)).collect(),
        earliest: TODAY,
        latest: TODAY + chrono::Days::new(90),
        location: Some(TAIPEI),
        max_distance_km: 50.0,
        online: true,
        in_person: true,
        max_courses: 3,
        max_cost: None,
    }
}

#[test]
fn the_set_cover_closes_the_heaviest_gaps_and_never_picks_a_useless_course() {
    let index = index();
    let mut guide = Guidance::new();
    let t = Arc::clone(index.taxonomy());
    let soon = TODAY + chrono::Days::new(10);
    for c in [
        course(
            "teaches-held-skill",
            &["s1"],
            CourseMode::Online,
            None,
            soon,
        ),
        course("closes-s3", &["s3"], CourseMode::Online, None, soon),
        course(
            "closes-s3-s5",
            &["s3", "s5", "s1"],
            CourseMode::InPerson,
            Some(TAIPEI),
            soon,
        ),
        course(
            "closes-s9",
            &["s9"],
            CourseMode::InPerson,
            Some(TAIPEI),
            soon,
        ),
    ] {
        guide.upsert_course(&index, &c).expect("valid course");
    }
    let plan = guide.recommend_courses(&query(&t, &[("s3", 1.5), ("s5", 1.2), ("s9", 0.4)]));
    let picked: Vec<&str> = plan.picks.iter().map(|p| p.course.as_str()).collect();
    assert_eq!(picked, ["closes-s3-s5", "closes-s9"]);
    assert_eq!(plan.picks[0].closes, [id(&t, "s3"), id(&t, "s5")]);
    assert!(plan.open_gaps.is_empty());
    assert!((plan.closed_weight - plan.total_weight).abs() < 1e-5);
    assert_eq!(
        plan.eligible, 3,
        "the course teaching a held skill is no candidate"
    );
}

#[test]
fn place_mode_dates_and_budget_are_respected() {
    let index = index();
    let mut guide = Guidance::new();
    let t = Arc::clone(index.taxonomy());
    let soon = TODAY + chrono::Days::new(10);
    let late = TODAY + chrono::Days::new(400);
    let mut expensive = course("expensive", &["s3"], CourseMode::Online, None, soon);
    expensive.cost = Some(90_000);
    expensive.public_funding = 0.5;
    for c in [
        course(
            "far-away",
            &["s3"],
            CourseMode::InPerson,
            Some(KAOHSIUNG),
            soon,
        ),
        course("too-late", &["s3"], CourseMode::Online, None, late),
        expensive,
    ] {
        guide.upsert_course(&index, &c).expect("valid course");
    }
    let mut q = query(&t, &[("s3", 1.0)]);
    q.max_cost = Some(40_000);
    let plan = guide.recommend_courses(&q);
    assert!(plan.picks.is_empty(), "{plan:?}");
    assert_eq!(plan.open_gaps, [id(&t, "s3")]);
    // Within budget after public funding (45,000 to pay), it is picked.
    q.max_cost = Some(45_000);
    assert_eq!(guide.recommend_courses(&q).picks.len(), 1);
    // Without online learning it is not.
    q.online = false;
    assert!(guide.recommend_courses(&q).picks.is_empty());
    // Willing to travel: the far course qualifies.
    q.max_distance_km = 400.0;
    assert_eq!(
        guide
            .recommend_courses(&q)
            .picks
            .first()
            .map(|p| p.course.as_str()),
        Some("far-away")
    );
}

#[test]
fn a_course_with_bad_fields_is_rejected_field_by_field() {
    let index = index();
    let mut bad = course(
        "bad id!",
        &["s1", "nope"],
        CourseMode::InPerson,
        None,
        TODAY,
    );
    bad.public_funding = 2.0;
    let fields: Vec<String> = Guidance::check_course(&index, &bad)
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["id", "place", "public_funding"]);
    let mut unknown = course("ok", &["s1", "nope"], CourseMode::Online, None, TODAY);
    let fields: Vec<String> = Guidance::check_course(&index, &unknown)
        .err()
        .map(|e| e.0.into_iter().map(|f| f.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, ["skills[1]"]);
    unknown.skills.pop();
    assert!(Guidance::check_course(&index, &unknown).is_ok());
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5e7_c0e7),
        ..ProptestConfig::default()
    })]

    #[test]
    fn greedy_picks_always_close_something_new(
        catalog in prop::collection::vec((prop::collection::vec(1usize..=9, 1..4), any::<bool>(), 0u64..120), 0..30),
        gaps in prop::collection::vec((1usize..=9, 0.1f32..3.0), 0..9),
        max_courses in 1usize..5,
    ) {
        let index = index();
        let mut guide = Guidance::new();
        let t = Arc::clone(index.taxonomy());
        for (i, (skills, online, days)) in catalog.iter().enumerate() {
            let names: Vec<String> = skills.iter().map(|s| format!("s{s}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let (mode, at) = if *online { (CourseMode::Online, None) } else { (CourseMode::InPerson, Some(TAIPEI)) };
            let c = course(&format!("c{i}"), &names, mode, at, TODAY + chrono::Days::new(*days));
            guide.upsert_course(&index, &c).expect("valid");
        }
        let mut seen = std::collections::HashSet::new();
        let gaps: Vec<(String, f32)> = gaps.into_iter().filter(|(s, _)| seen.insert(*s)).map(|(s, w)| (format!("s{s}"), w)).collect();
        let gaps: Vec<(&str, f32)> = gaps.iter().map(|(s, w)| (s.as_str(), *w)).collect();
        let mut q = query(&t, &gaps);
        q.max_courses = max_courses;
        let plan = guide.recommend_courses(&q);
        prop_assert!(plan.picks.len() <= max_courses);
        let mut closed = std::collections::HashSet::new();
        for pick in &plan.picks {
            prop_assert!(!pick.closes.is_empty(), "a pick closes a gap");
            for s in &pick.closes {
                prop_assert!(q.gaps.iter().any(|(g, _)| g == s));
                prop_assert!(closed.insert(*s), "closed once");
            }
            prop_assert!(pick.start >= q.earliest && pick.start <= q.latest);
        }
        let closed_weight: f32 = q.gaps.iter().filter(|(s, _)| closed.contains(s)).map(|(_, w)| *w).sum();
        prop_assert!((closed_weight - plan.closed_weight).abs() < 1e-3);
        // Greedy stops early only when no eligible course closes an open gap.
        if plan.picks.len() < max_courses {
            let more = plan.open_gaps.iter().any(|g| {
                catalog.iter().any(|(skills, _, days)| {
                    *days <= 90 && skills.iter().any(|s| id(&t, &format!("s{s}")) == *g)
                })
            });
            prop_assert!(!more, "an eligible course could still close a gap");
        }
    }
}
