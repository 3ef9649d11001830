//! Synthetic but realistic demo and benchmark data: employers, vacancies and job seekers drawn
//! from the taxonomy's occupation profiles (essential and optional skills) and the gazetteer's
//! districts, reproducible from a seed (ChaCha8, stable across platforms and versions).
//!
//! A vacancy asks for most of its occupation's essential skills and a few optional ones; a
//! seeker holds most of the essential skills of the occupation they worked in, some of its
//! optional skills and a few unrelated ones, so that generated seekers have a known best
//! occupation for relevance checks. Nothing here is a real person or company.

use crate::geo::{Gazetteer, Place, Point};
use crate::model::{
    ContractType, Employer, LanguageSkill, PastOccupation, RemotePolicy, Seeker, SeekerSkill,
    SkillSource, Vacancy, VacancyStatus, WorkingTime,
};
use chrono::{Days, NaiveDate};
use openpes_taxonomy::{ConceptId, ConceptKind, RelationKind, Taxonomy};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub seekers: usize,
    pub vacancies: usize,
    pub seed: u64,
    /// Vacancies are posted in the 30 days before this day.
    pub today: NaiveDate,
}

/// Generated records.
#[derive(Debug, Clone, Default)]
pub struct DemoData {
    pub employers: Vec<Employer>,
    pub vacancies: Vec<Vacancy>,
    pub seekers: Vec<Seeker>,
    /// For each seeker, the occupation their profile was drawn from (for relevance checks).
    pub seeker_occupations: Vec<String>,
}

/// Why demo data cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DemoError {
    #[error("the taxonomy has no occupation with at least three essential skills")]
    NoOccupations,
    #[error("the gazetteer has no places")]
    NoPlaces,
}

/// An occupation as demo data draws from it.
pub struct Profile {
    pub uri: String,
    pub title: String,
    /// URIs of its essential skills.
    pub essential: Vec<String>,
    /// URIs of its optional skills.
    pub optional: Vec<String>,
    /// ISCO major group digit (1–9, 0 for armed forces), for salary and education.
    pub major: u8,
}

/// Every occupation of the taxonomy with at least one skill.
pub fn profiles(taxonomy: &Taxonomy) -> Vec<Profile> {
    let uri = |id: ConceptId| taxonomy.concept(id).uri.clone();
    taxonomy
        .concepts()
        .iter()
        .filter(|c| c.kind == ConceptKind::Occupation)
        .filter_map(|c| {
            let edges = taxonomy.skills_of(c.id);
            let essential: Vec<String> = edges
                .iter()
                .filter(|e| e.kind == RelationKind::Essential)
                .map(|e| uri(e.target))
                .collect();
            if essential.len() < 3 {
                return None;
            }
            let optional = edges
                .iter()
                .filter(|e| e.kind == RelationKind::Optional)
                .map(|e| uri(e.target))
                .collect();
            // In Traditional Chinese where the taxonomy has it (else its English label).
            let title = taxonomy.preferred_label(c.id, "zh-TW").to_string();
            let major = c
                .code
                .as_deref()
                .and_then(|code| code.chars().next())
                .and_then(|d| d.to_digit(10))
                .unwrap_or(5) as u8;
            Some(Profile {
                uri: c.uri.clone(),
                title,
                essential,
                optional,
                major,
            })
        })
        .collect()
}

/// Typical monthly salary (TWD) by ISCO major group: managers and professionals earn most.
fn base_salary(major: u8) -> u32 {
    match major {
        1 => 75_000,
        2 => 60_000,
        3 => 45_000,
        4 => 35_000,
        5 => 31_000,
        6 => 30_000,
        7 => 36_000,
        8 => 34_000,
        9 => 29_000,
        _ => 40_000,
    }
}

/// Typical ISCED level by ISCO major group.
fn typical_education(major: u8) -> u8 {
    match major {
        1 | 2 => 6,
        3 => 5,
        4 | 5 => 3,
        _ => 2,
    }
}

/// A random share of `from`, at least one (when any) and at most `most`.
pub fn pick_some<'a>(
    rng: &mut ChaCha8Rng,
    from: &'a [String],
    share: f64,
    most: usize,
) -> Vec<&'a String> {
    let mut shuffled: Vec<&String> = from.iter().collect();
    shuffled.shuffle(rng);
    let take = ((from.len() as f64 * share).ceil() as usize).clamp(1.min(from.len()), most);
    shuffled.truncate(take);
    shuffled
}

/// A point a little way (up to about 2 km) from `point`.
pub fn near(rng: &mut ChaCha8Rng, point: Point) -> Point {
    Point {
        lat: point.lat + rng.random_range(-0.02..0.02),
        lon: point.lon + rng.random_range(-0.02..0.02),
    }
}

/// Generates demo data; the same options give the same records.
pub fn generate(
    taxonomy: &Taxonomy,
    gazetteer: &Gazetteer,
    options: DemoOptions,
) -> Result<DemoData, DemoError> {
    let profiles = profiles(taxonomy);
    if profiles.is_empty() {
        return Err(DemoError::NoOccupations);
    }
    let places: Vec<&Place> = gazetteer
        .places()
        .iter()
        .filter(|p| p.level == "district")
        .collect();
    let places = if places.is_empty() {
        gazetteer.places().iter().collect()
    } else {
        places
    };
    if places.is_empty() {
        return Err(DemoError::NoPlaces);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let mut data = DemoData::default();

    let employers = (options.vacancies / 5).max(1);
    for i in 0..employers {
        data.employers.push(Employer {
            id: format!("demo-employer-{i:05}"),
            name: format!("示範企業 {} (Demo Company {})", i + 1, i + 1),
            registration: None,
        });
    }

    let contracts = [
        (ContractType::Permanent, 70),
        (ContractType::FixedTerm, 15),
        (ContractType::Temporary, 8),
        (ContractType::Internship, 4),
        (ContractType::Apprenticeship, 3),
    ];
    for i in 0..options.vacancies {
        let profile = profiles.choose(&mut rng).ok_or(DemoError::NoOccupations)?;
        let essential = pick_some(&mut rng, &profile.essential, 0.8, 8);
        let optional = pick_some(&mut rng, &profile.optional, 0.3, 3);
        let base = base_salary(profile.major);
        let salary_min = base + rng.random_range(0..8) * 1_000;
        let posted = options
            .today
            .checked_sub_days(Days::new(rng.random_range(0..30)))
            .unwrap_or(options.today);
        let remote = if rng.random_bool(0.05) {
            RemotePolicy::Remote
        } else if rng.random_bool(0.1) {
            RemotePolicy::Hybrid
        } else {
            RemotePolicy::OnSite
        };
        let contract = contracts
            .choose_weighted(&mut rng, |(_, w)| *w)
            .map(|(c, _)| *c)
            .unwrap_or(ContractType::Permanent);
        let place = *places.choose(&mut rng).ok_or(DemoError::NoPlaces)?;
        data.vacancies.push(Vacancy {
            id: format!("demo-vacancy-{i:07}"),
            employer: data.employers[i % employers].id.clone(),
            title: profile.title.clone(),
            description: String::new(),
            occupation: Some(profile.uri.clone()),
            essential_skills: essential.into_iter().cloned().collect(),
            optional_skills: optional.into_iter().cloned().collect(),
            education: rng
                .random_bool(0.6)
                .then(|| typical_education(profile.major)),
            experience_years: rng.random_bool(0.5).then(|| rng.random_range(1..6) as f32),
            languages: if rng.random_bool(0.15) {
                vec![LanguageSkill {
                    language: "en".into(),
                    level: ["B1", "B2"].choose(&mut rng).unwrap_or(&"B1").to_string(),
                }]
            } else {
                vec![]
            },
            licences: if rng.random_bool(0.1) {
                vec!["B".into()]
            } else {
                vec![]
            },
            location: Some(near(&mut rng, place.point)),
            place: Some(place.code.clone()),
            remote,
            contract,
            working_time: if rng.random_bool(0.85) {
                WorkingTime::FullTime
            } else {
                WorkingTime::PartTime
            },
            salary_min: Some(salary_min),
            salary_max: Some(salary_min + rng.random_range(2..15) * 1_000),
            positions: rng.random_range(1..4),
            posted,
            expires: posted.checked_add_days(Days::new(60)),
            status: VacancyStatus::Open,
            suggestions: Vec::new(),
        });
    }

    let all_skills: Vec<&String> = profiles.iter().flat_map(|p| &p.essential).collect();
    for i in 0..options.seekers {
        let profile = profiles.choose(&mut rng).ok_or(DemoError::NoOccupations)?;
        let mut skills: Vec<String> = pick_some(&mut rng, &profile.essential, 0.75, 12)
            .into_iter()
            .chain(pick_some(&mut rng, &profile.optional, 0.3, 4))
            .cloned()
            .collect();
        for _ in 0..rng.random_range(0..3) {
            if let Some(extra) = all_skills.choose(&mut rng) {
                skills.push((*extra).clone());
            }
        }
        skills.sort();
        skills.dedup();
        let place = *places.choose(&mut rng).ok_or(DemoError::NoPlaces)?;
        let years = rng.random_range(0..15) as f32;
        data.seekers.push(Seeker {
            id: format!("demo-seeker-{i:07}"),
            skills: skills
                .into_iter()
                .map(|concept| SeekerSkill {
                    concept,
                    source: if rng.random_bool(0.7) {
                        SkillSource::Declared
                    } else {
                        SkillSource::Extracted
                    },
                    level: None,
                })
                .collect(),
            experience: if years > 0.0 {
                vec![PastOccupation {
                    occupation: profile.uri.clone(),
                    years,
                }]
            } else {
                vec![]
            },
            desired_occupations: vec![profile.uri.clone()],
            education: Some(
                (typical_education(profile.major) as i32 + rng.random_range(-1..=1)).clamp(1, 8)
                    as u8,
            ),
            languages: vec![
                LanguageSkill {
                    language: "zh-TW".into(),
                    level: "C2".into(),
                },
                LanguageSkill {
                    language: "en".into(),
                    level: ["A2", "B1", "B2", "C1"]
                        .choose(&mut rng)
                        .unwrap_or(&"A2")
                        .to_string(),
                },
            ],
            licences: if rng.random_bool(0.5) {
                vec!["B".into()]
            } else {
                vec![]
            },
            location: Some(near(&mut rng, place.point)),
            place: Some(place.code.clone()),
            cv_text: None,
            suggestions: Vec::new(),
            max_distance_km: Some(rng.random_range(10..60) as f64),
            willing_to_relocate: rng.random_bool(0.1),
            accepts_remote: true,
            contract_types: vec![],
            working_time: vec![],
            min_salary: Some(base_salary(profile.major) - 3_000),
            available_from: Some(options.today),
            searchable: rng.random_bool(0.8),
            // Not drawn from `rng`, so that adding it left every other generated value as it was.
            outreach: i % 5 < 3,
        });
        data.seeker_occupations.push(profile.uri.clone());
    }
    Ok(data)
}

/// Ranking quality on generated data: each seeker's vacancies are ranked and judged by how
/// their occupation relates to the occupation the seeker was drawn from.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RelevanceReport {
    /// Seekers evaluated (those with at least one relevant vacancy they may apply for).
    pub seekers: usize,
    /// Seekers left out: no relevant vacancy passes their hard filters.
    pub skipped: usize,
    /// Mean NDCG@k; gain 1 for the seeker's own occupation, 0.5 for one in the same unit
    /// group, else 0; the ideal ranking is over every vacancy the seeker may apply for.
    pub ndcg: f64,
    /// Share of seekers whose first result is of their own occupation or its unit group.
    pub top1_relevant: f64,
    pub k: usize,
}

/// NDCG@k of [`crate::MatchIndex::vacancies_for`] for the first `max_seekers` generated
/// seekers (the index must hold `data`).
pub fn evaluate_relevance(
    index: &crate::MatchIndex,
    data: &DemoData,
    k: usize,
    max_seekers: usize,
    today: NaiveDate,
) -> RelevanceReport {
    let taxonomy = index.taxonomy();
    let parent = |uri: &str| {
        taxonomy
            .by_uri(uri)
            .and_then(|id| taxonomy.ancestors(id).first().copied())
    };
    let occupation_of: std::collections::HashMap<&str, &str> = data
        .vacancies
        .iter()
        .filter_map(|v| Some((v.id.as_str(), v.occupation.as_deref()?)))
        .collect();
    let gain = |wanted: &str, vacancy: &str| -> f64 {
        match occupation_of.get(vacancy) {
            Some(o) if *o == wanted => 1.0,
            Some(o) if parent(o).is_some() && parent(o) == parent(wanted) => 0.5,
            _ => 0.0,
        }
    };
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let query = crate::MatchQuery {
        limit: usize::MAX,
        today,
    };
    let (mut total, mut top1, mut seekers, mut skipped) = (0.0, 0usize, 0usize, 0usize);
    for (seeker, wanted) in data
        .seekers
        .iter()
        .zip(&data.seeker_occupations)
        .take(max_seekers)
    {
        let Ok(ranked) = index.vacancies_for(&seeker.id, &query) else {
            continue;
        };
        let gains: Vec<f64> = ranked.iter().map(|r| gain(wanted, &r.id)).collect();
        let mut ideal = gains.clone();
        ideal.sort_by(|a, b| b.total_cmp(a));
        let ideal_dcg: f64 = ideal
            .iter()
            .take(k)
            .enumerate()
            .map(|(i, g)| g * discount(i))
            .sum();
        if ideal_dcg <= 0.0 {
            skipped += 1;
            continue;
        }
        let dcg: f64 = gains
            .iter()
            .take(k)
            .enumerate()
            .map(|(i, g)| g * discount(i))
            .sum();
        total += dcg / ideal_dcg;
        if gains.first().is_some_and(|g| *g > 0.0) {
            top1 += 1;
        }
        seekers += 1;
    }
    let mean = |x: f64| {
        if seekers == 0 {
            0.0
        } else {
            x / seekers as f64
        }
    };
    RelevanceReport {
        seekers,
        skipped,
        ndcg: mean(total),
        top1_relevant: mean(top1 as f64),
        k,
    }
}
