//! The score of one seeker for one vacancy: a weighted sum of parts, each a value in [0, 1],
//! so the score is in [0, 1] and every point of it can be traced to a part.
//!
//! | part | weight | value |
//! |---|---|---|
//! | essential skills | 0.45 | covered share of the essential skills, each weighted by how specific it is (1 / ln(e + number of occupations needing it)); a missing skill the seeker has a related skill for (taxonomy skill–skill relation or same skill group) counts half |
//! | optional skills | 0.10 | covered share of the optional skills |
//! | occupation | 0.20 | 1 for the same occupation (past, with experience, or desired); 0.8 × 0.6^k when the nearest shared group is k levels above the vacancy's occupation's parent |
//! | experience | 0.10 | years in the occupation (half for a neighbour in the same group) / years asked, capped at 1; 1 when none asked |
//! | education | 0.05 | 1 at or above the ISCED level asked, 0.5 one below or unknown, else 0 |
//! | distance | 0.05 | 1 − km / travel radius (default 50 km); 1 for remote work; 0.5 unknown |
//! | salary | 0.05 | 1 when the vacancy's top salary reaches the seeker's minimum, else the ratio; 0.5 unknown |
//!
//! Hard filters ([`Exclusion`]) come first: a vacancy that fails one is never ranked for the
//! seeker, whatever its score.

use crate::geo::Point;
use crate::model::{ContractType, RemotePolicy, WorkingTime};
use chrono::NaiveDate;
use openpes_taxonomy::ConceptId;
use serde::Serialize;

/// The names of the parts of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartName {
    EssentialSkills,
    OptionalSkills,
    Occupation,
    Experience,
    Education,
    Distance,
    Salary,
}

/// The weight of each part; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    pub essential_skills: f32,
    pub optional_skills: f32,
    pub occupation: f32,
    pub experience: f32,
    pub education: f32,
    pub distance: f32,
    pub salary: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            essential_skills: 0.45,
            optional_skills: 0.10,
            occupation: 0.20,
            experience: 0.10,
            education: 0.05,
            distance: 0.05,
            salary: 0.05,
        }
    }
}

/// One part of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub name: PartName,
    pub weight: f32,
    /// In [0, 1].
    pub value: f32,
    /// `weight × value`: what the part adds to the score.
    pub points: f32,
}

/// How the seeker's occupations relate to the vacancy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccupationRelation {
    /// The vacancy names no occupation, or the seeker has none.
    Unknown,
    Same {
        occupation: ConceptId,
    },
    /// Both lie in `group`, `levels_up` levels above the vacancy occupation's parent (0 =
    /// the same parent).
    SameGroup {
        occupation: ConceptId,
        group: ConceptId,
        levels_up: usize,
    },
    Unrelated,
}

/// A missing essential skill, and the seeker's skill that partly covers it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub skill: ConceptId,
    pub partly_covered_by: Option<ConceptId>,
}

/// Everything a person needs to see why a vacancy and a seeker match as they do.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Sum of the parts' points, in [0, 1].
    pub score: f32,
    pub parts: Vec<Part>,
    pub essential_total: usize,
    pub essential_matched: Vec<ConceptId>,
    /// Essential skills the seeker lacks (with partial cover where there is one).
    pub essential_missing: Vec<Gap>,
    pub optional_total: usize,
    pub optional_matched: Vec<ConceptId>,
    pub occupation: OccupationRelation,
    pub distance_km: Option<f64>,
    pub remote: bool,
}

/// Why a vacancy and a seeker are never matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Exclusion {
    VacancyNotOpen,
    TooFar { km: u32, limit_km: u32 },
    RemoteNotWanted,
    OnSiteNotPossible,
    Contract,
    WorkingTime,
    Licence { licence: String },
    Language { language: String, level: String },
    NotAvailableInTime,
}

/// A seeker resolved against the taxonomy.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeekerProfile {
    /// Sorted, deduplicated.
    pub skills: Vec<ConceptId>,
    /// (occupation, years of experience): past occupations, then desired ones with 0 years.
    pub occupations: Vec<(ConceptId, f32)>,
    pub education: Option<u8>,
    /// (primary language subtag, CEFR rank).
    pub languages: Vec<(String, u8)>,
    /// Upper case.
    pub licences: Vec<String>,
    pub location: Option<Point>,
    pub max_distance_km: Option<f64>,
    pub willing_to_relocate: bool,
    pub accepts_remote: bool,
    pub contract_types: Vec<ContractType>,
    pub working_time: Vec<WorkingTime>,
    pub min_salary: Option<u32>,
    pub available_from: Option<NaiveDate>,
}

/// A vacancy resolved against the taxonomy.
#[derive(Debug, Clone)]
pub struct VacancyProfile {
    /// (skill, specificity weight), sorted by skill.
    pub essential: Vec<(ConceptId, f32)>,
    /// Sum of the essential skills' weights.
    pub essential_total: f32,
    /// Sorted.
    pub optional: Vec<ConceptId>,
    pub occupation: Option<ConceptId>,
    pub education: Option<u8>,
    pub experience_years: Option<f32>,
    pub languages: Vec<(String, u8, String)>,
    pub licences: Vec<String>,
    pub location: Option<Point>,
    pub remote: RemotePolicy,
    pub contract: ContractType,
    pub working_time: WorkingTime,
    pub salary_min: Option<u32>,
    pub salary_max: Option<u32>,
    pub expires: Option<NaiveDate>,
    pub open: bool,
    // What search needs besides scoring:
    pub posted: NaiveDate,
    /// Interned employer id.
    pub employer: u32,
    /// Position of the place in the gazetteer, and of its outermost place (the region).
    pub place: Option<u16>,
    pub region: Option<u16>,
    /// Interned folded words of the title, sorted, deduplicated.
    pub title_words: Box<[u32]>,
}

/// What the taxonomy says about skills and occupations, as scoring needs it.
pub(crate) trait Knowledge {
    /// True when `have` partly covers `want`: related skills or the same skill group.
    fn related(&self, want: ConceptId, have: ConceptId) -> bool;
    /// The occupation's ancestors, nearest first (parent occupation or unit group first).
    fn ancestors(&self, occupation: ConceptId) -> &[ConceptId];
}

/// Default travel radius when a seeker gives none (for the distance part only; no filter).
const DEFAULT_RADIUS_KM: f64 = 50.0;
/// Credit for a missing essential skill covered by a related one.
pub const RELATED_CREDIT: f32 = 0.5;

/// The primary subtag of a language tag, lower case (`zh-TW` → `zh`).
pub(crate) fn primary_language(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The first hard filter the pair fails, if any.
pub(crate) fn exclusion(
    seeker: &SeekerProfile,
    vacancy: &VacancyProfile,
    today: NaiveDate,
) -> Option<Exclusion> {
    if !vacancy.open || vacancy.expires.is_some_and(|e| e < today) {
        return Some(Exclusion::VacancyNotOpen);
    }
    match vacancy.remote {
        RemotePolicy::Remote if !seeker.accepts_remote => return Some(Exclusion::RemoteNotWanted),
        RemotePolicy::Remote => {}
        RemotePolicy::OnSite | RemotePolicy::Hybrid => {
            if let (Some(a), Some(b), Some(limit)) =
                (seeker.location, vacancy.location, seeker.max_distance_km)
            {
                let km = a.distance_km(&b);
                if km > limit && !seeker.willing_to_relocate {
                    return Some(Exclusion::TooFar {
                        km: km.round() as u32,
                        limit_km: limit.round() as u32,
                    });
                }
            }
        }
    }
    if !seeker.contract_types.is_empty() && !seeker.contract_types.contains(&vacancy.contract) {
        return Some(Exclusion::Contract);
    }
    if !seeker.working_time.is_empty() && !seeker.working_time.contains(&vacancy.working_time) {
        return Some(Exclusion::WorkingTime);
    }
    if let Some(licence) = vacancy
        .licences
        .iter()
        .find(|l| !seeker.licences.contains(l))
    {
        return Some(Exclusion::Licence {
            licence: licence.clone(),
        });
    }
    for (language, rank, level) in &vacancy.languages {
        let held = seeker
            .languages
            .iter()
            .filter(|(l, _)| l == language)
            .map(|(_, r)| *r)
            .max()
            .unwrap_or(0);
        if held < *rank {
            return Some(Exclusion::Language {
                language: language.clone(),
                level: level.clone(),
            });
        }
    }
    if let (Some(from), Some(expires)) = (seeker.available_from, vacancy.expires) {
        if from > expires {
            return Some(Exclusion::NotAvailableInTime);
        }
    }
    None
}

/// The explained score of a seeker for a vacancy (hard filters are not checked here).
pub(crate) fn score(
    seeker: &SeekerProfile,
    vacancy: &VacancyProfile,
    knowledge: &impl Knowledge,
    weights: &Weights,
) -> Explanation {
    let has = |skill: ConceptId| seeker.skills.binary_search(&skill).is_ok();

    // Essential skills, weighted by specificity; related skills give partial credit.
    let mut essential_matched = Vec::new();
    let mut essential_missing = Vec::new();
    let (mut covered, mut total) = (0f32, 0f32);
    for (skill, weight) in &vacancy.essential {
        total += weight;
        if has(*skill) {
            covered += weight;
            essential_matched.push(*skill);
            continue;
        }
        let partly = seeker
            .skills
            .iter()
            .copied()
            .find(|have| knowledge.related(*skill, *have));
        if partly.is_some() {
            covered += weight * RELATED_CREDIT;
        }
        essential_missing.push(Gap {
            skill: *skill,
            partly_covered_by: partly,
        });
    }
    let essential_value = if total > 0.0 { covered / total } else { 1.0 };

    let optional_matched: Vec<ConceptId> = vacancy
        .optional
        .iter()
        .copied()
        .filter(|s| has(*s))
        .collect();
    let optional_value = if vacancy.optional.is_empty() {
        1.0
    } else {
        optional_matched.len() as f32 / vacancy.optional.len() as f32
    };

    // Occupation: the closest of the seeker's occupations.
    let (occupation, occupation_value) = occupation_fit(seeker, vacancy, knowledge);

    // Experience in the vacancy's occupation (half for one sharing its parent group).
    let experience_value = match (vacancy.experience_years, vacancy.occupation) {
        (Some(wanted), Some(target)) if wanted > 0.0 => {
            let parent = knowledge.ancestors(target).first().copied();
            let years: f32 = seeker
                .occupations
                .iter()
                .map(|(o, y)| {
                    if *o == target {
                        *y
                    } else if parent.is_some() && knowledge.ancestors(*o).first() == parent.as_ref()
                    {
                        y * 0.5
                    } else {
                        0.0
                    }
                })
                .sum();
            (years / wanted).min(1.0)
        }
        _ => 1.0,
    };

    let education_value = match (vacancy.education, seeker.education) {
        (None, _) => 1.0,
        (Some(_), None) => 0.5,
        (Some(want), Some(have)) if have >= want => 1.0,
        (Some(want), Some(have)) if have + 1 == want => 0.5,
        _ => 0.0,
    };

    let remote = vacancy.remote == RemotePolicy::Remote;
    let distance_km = match (seeker.location, vacancy.location) {
        (Some(a), Some(b)) => Some(a.distance_km(&b)),
        _ => None,
    };
    let distance_value = if remote {
        1.0
    } else {
        match distance_km {
            Some(km) => {
                let radius = seeker.max_distance_km.unwrap_or(DEFAULT_RADIUS_KM).max(1.0);
                (1.0 - km / radius).max(0.0) as f32
            }
            None => 0.5,
        }
    };

    let top_salary = vacancy.salary_max.or(vacancy.salary_min);
    let salary_value = match (seeker.min_salary, top_salary) {
        (Some(want), Some(offer)) if want > 0 => (offer as f32 / want as f32).min(1.0),
        (Some(_), Some(_)) => 1.0,
        _ => 0.5,
    };

    let parts: Vec<Part> = [
        (
            PartName::EssentialSkills,
            weights.essential_skills,
            essential_value,
        ),
        (
            PartName::OptionalSkills,
            weights.optional_skills,
            optional_value,
        ),
        (PartName::Occupation, weights.occupation, occupation_value),
        (PartName::Experience, weights.experience, experience_value),
        (PartName::Education, weights.education, education_value),
        (PartName::Distance, weights.distance, distance_value),
        (PartName::Salary, weights.salary, salary_value),
    ]
    .into_iter()
    .map(|(name, weight, value)| {
        let value = value.clamp(0.0, 1.0);
        Part {
            name,
            weight,
            value,
            points: weight * value,
        }
    })
    .collect();
    let score = parts.iter().map(|p| p.points).sum::<f32>().clamp(0.0, 1.0);
    Explanation {
        score,
        parts,
        essential_total: vacancy.essential.len(),
        essential_matched,
        essential_missing,
        optional_total: vacancy.optional.len(),
        optional_matched,
        occupation,
        distance_km,
        remote,
    }
}

fn occupation_fit(
    seeker: &SeekerProfile,
    vacancy: &VacancyProfile,
    knowledge: &impl Knowledge,
) -> (OccupationRelation, f32) {
    occupation_relation(&seeker.occupations, vacancy.occupation, knowledge)
}

/// How the closest of a seeker's occupations relates to a vacancy's occupation, and the
/// occupation part's value.
pub(crate) fn occupation_relation(
    occupations: &[(ConceptId, f32)],
    target: Option<ConceptId>,
    knowledge: &impl Knowledge,
) -> (OccupationRelation, f32) {
    let Some(target) = target else {
        return (OccupationRelation::Unknown, 0.0);
    };
    if occupations.is_empty() {
        return (OccupationRelation::Unknown, 0.0);
    }
    if let Some((o, _)) = occupations.iter().find(|(o, _)| *o == target) {
        return (OccupationRelation::Same { occupation: *o }, 1.0);
    }
    let target_ancestors = knowledge.ancestors(target);
    let mut best = (OccupationRelation::Unrelated, 0.0f32);
    for (o, _) in occupations {
        let theirs = knowledge.ancestors(*o);
        if let Some(levels_up) = target_ancestors.iter().position(|g| theirs.contains(g)) {
            let value = 0.8 * 0.6f32.powi(levels_up as i32);
            if value > best.1 {
                best = (
                    OccupationRelation::SameGroup {
                        occupation: *o,
                        group: target_ancestors[levels_up],
                        levels_up,
                    },
                    value,
                );
            }
        }
    }
    best
}
