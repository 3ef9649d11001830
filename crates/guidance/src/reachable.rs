//! Occupations a job seeker's skills and past occupations reach, ranked by a weighted sum of
//! parts, each a value in [0, 1]:
//!
//! | part | weight | value |
//! |---|---|---|
//! | essential skills | 0.45 | the seeker's coverage of the occupation's essential skills, weighted by specificity, a partly covered skill counting half (as in matching) |
//! | optional skills | 0.05 | share of the optional skills held |
//! | transition | 0.10 | 1 when the taxonomy names the occupation as a career move from one the seeker worked in (O*NET related occupations) or the seeker wants it; 0.5 when it shares its parent group with one they worked in; else 0 |
//! | demand | 0.15 | open vacancies in the seeker's region (nationwide when it has none): ln(1 + n) / ln(1 + the most any occupation has) |
//! | trend | 0.05 | (1 + trend) / 2, the trend being (last two weeks' postings − the two weeks' before) / their sum; 0.5 without postings |
//! | salary | 0.05 | median offered salary / the seeker's minimum (or the median of the occupations they worked in), at most 1; 0.5 when either is unknown |
//! | level | 0.15 | fit of the occupation's ISCO-08 skill level to the seeker's education: 1 equal; 0.6 one level over-qualified, 0.3 more; 0.5 one level under-qualified, 0.1 more; 0.5 unknown |
//!
//! Candidates are the occupations needing any of the seeker's skills, the transitions from
//! and siblings of their past occupations, and the occupations they want; the occupations
//! they already worked in are left out. Ties go to the lower concept id.

use crate::gap::{missing, Cover, GapItem};
use crate::profiles::education_skill_level;
use crate::{Demand, Guidance, GuidancePart, OccupationDemand, SalaryStats, Scope, SeekerView};
use openpes_matching::MatchIndex;
use openpes_taxonomy::ConceptId;
use rustc_hash::FxHashMap;
use serde::Serialize;

/// The parts' weights (they sum to 1).
pub const ESSENTIAL_WEIGHT: f32 = 0.45;
pub const OPTIONAL_WEIGHT: f32 = 0.05;
pub const TRANSITION_WEIGHT: f32 = 0.10;
pub const DEMAND_WEIGHT: f32 = 0.15;
pub const TREND_WEIGHT: f32 = 0.05;
pub const SALARY_WEIGHT: f32 = 0.05;
pub const LEVEL_WEIGHT: f32 = 0.15;

/// Gaps listed per reachable occupation.
const GAPS_PER_RESULT: usize = 8;

/// How the seeker gets to an occupation from where they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The taxonomy names it as a move from `from`, an occupation the seeker worked in.
    Named { from: ConceptId },
    /// The seeker wants this occupation.
    Desired,
    /// It shares its parent group with `from`, an occupation the seeker worked in.
    SameGroup { from: ConceptId },
    /// Only the skills lead there.
    Skills,
}

impl Transition {
    fn value(self) -> f32 {
        match self {
            Transition::Named { .. } | Transition::Desired => 1.0,
            Transition::SameGroup { .. } => 0.5,
            Transition::Skills => 0.0,
        }
    }
}

/// How the seeker's education fits the occupation's skill level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualification {
    Fits,
    OverQualified,
    UnderQualified,
    Unknown,
}

/// The occupation's ISCO-08 skill level against the one the seeker's education reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LevelFit {
    /// 1–4, `None` when the taxonomy does not place the occupation in ISCO-08.
    pub occupation_level: Option<u8>,
    pub seeker_level: Option<u8>,
    pub qualification: Qualification,
}

impl LevelFit {
    pub(crate) fn of(occupation_level: u8, education: Option<u8>) -> LevelFit {
        let occupation_level = Some(occupation_level).filter(|l| *l > 0);
        let seeker_level = education.map(education_skill_level);
        let qualification = match (occupation_level, seeker_level) {
            (Some(o), Some(s)) if s > o => Qualification::OverQualified,
            (Some(o), Some(s)) if s < o => Qualification::UnderQualified,
            (Some(_), Some(_)) => Qualification::Fits,
            _ => Qualification::Unknown,
        };
        LevelFit {
            occupation_level,
            seeker_level,
            qualification,
        }
    }

    fn value(&self) -> f32 {
        match (self.occupation_level, self.seeker_level) {
            (Some(o), Some(s)) => match i16::from(s) - i16::from(o) {
                0 => 1.0,
                1 => 0.6,
                -1 => 0.5,
                d if d > 1 => 0.3,
                _ => 0.1,
            },
            _ => 0.5,
        }
    }
}

/// One reachable occupation, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Reachable {
    pub occupation: ConceptId,
    /// Sum of the parts' points, in [0, 1].
    pub score: f32,
    pub parts: Vec<GuidancePart>,
    pub essential_total: usize,
    pub essential_held: usize,
    pub essential_partly: usize,
    pub optional_total: usize,
    pub optional_held: usize,
    pub transition: Transition,
    pub demand: OccupationDemand,
    pub scope: Scope,
    pub salary: Option<SalaryStats>,
    pub level: LevelFit,
    /// The most important missing skills.
    pub gaps: Vec<GapItem>,
}

impl Guidance {
    /// The `limit` occupations the seeker reaches best (see the module documentation).
    pub fn reachable(
        &self,
        index: &MatchIndex,
        seeker: &SeekerView,
        demand: &Demand,
        limit: usize,
    ) -> Vec<Reachable> {
        let profiles = self.profiles(index);
        let cover = Cover::new(seeker, index.knowledge());
        let scope = demand.scope_for(seeker.region);

        let mut candidates: FxHashMap<ConceptId, Transition> = FxHashMap::default();
        for skill in &seeker.skills {
            for occupation in profiles.needed_by[skill.0 as usize].iter() {
                candidates.entry(*occupation).or_insert(Transition::Skills);
            }
        }
        for (past, _) in &seeker.past {
            let parent = profiles.parent[past.0 as usize];
            if let Some(parent) = parent {
                for sibling in index.taxonomy().narrower(parent) {
                    let entry = candidates.entry(sibling).or_insert(Transition::Skills);
                    if *entry == Transition::Skills {
                        *entry = Transition::SameGroup { from: *past };
                    }
                }
            }
        }
        for (past, _) in &seeker.past {
            for next in profiles.transitions[past.0 as usize].iter() {
                let entry = candidates.entry(*next).or_insert(Transition::Skills);
                if !matches!(entry, Transition::Named { .. } | Transition::Desired) {
                    *entry = Transition::Named { from: *past };
                }
            }
        }
        for desired in &seeker.desired {
            candidates.insert(*desired, Transition::Desired);
        }
        for (past, _) in &seeker.past {
            if !seeker.desired.contains(past) {
                candidates.remove(past);
            }
        }

        let busiest = demand.busiest(scope);
        let salary_reference = seeker.min_salary.or_else(|| {
            seeker
                .past
                .iter()
                .filter_map(|(o, _)| demand.salary(*o).map(|s| s.median))
                .max()
        });
        type Scored = (f32, ConceptId, Transition, [GuidancePart; 7]);
        let mut scored: Vec<Scored> = candidates
            .into_iter()
            .filter(|(o, _)| {
                index
                    .taxonomy()
                    .get(o.0)
                    .is_some_and(|c| c.kind == openpes_taxonomy::ConceptKind::Occupation)
            })
            .map(|(occupation, transition)| {
                let parts = self.reachable_parts(
                    index,
                    &cover,
                    occupation,
                    transition,
                    demand,
                    scope,
                    busiest,
                    salary_reference,
                );
                let score = parts.iter().map(|p| p.points).sum::<f32>();
                (score, occupation, transition, parts)
            })
            .collect();
        let by_rank = |a: &Scored, b: &Scored| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if limit < scored.len() {
            scored.select_nth_unstable_by(limit, by_rank);
            scored.truncate(limit);
        }
        scored.sort_unstable_by(by_rank);

        scored
            .into_iter()
            .map(|(score, occupation, transition, parts)| {
                let i = occupation.0 as usize;
                let essential = &profiles.essential[i];
                let optional = &profiles.optional[i];
                let (_, held, partly) = cover.coverage(essential);
                Reachable {
                    occupation,
                    score,
                    parts: parts.to_vec(),
                    essential_total: essential.len(),
                    essential_held: held,
                    essential_partly: partly,
                    optional_total: optional.len(),
                    optional_held: optional.iter().filter(|s| seeker.has(**s)).count(),
                    transition,
                    demand: demand.occupation(occupation, scope),
                    scope,
                    salary: demand.salary(occupation),
                    level: LevelFit::of(profiles.level[i], seeker.education),
                    gaps: missing(&cover, essential, optional, demand, scope, GAPS_PER_RESULT),
                }
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn reachable_parts(
        &self,
        index: &MatchIndex,
        cover: &Cover<'_>,
        occupation: ConceptId,
        transition: Transition,
        demand: &Demand,
        scope: Scope,
        busiest: u32,
        salary_reference: Option<u32>,
    ) -> [GuidancePart; 7] {
        let profiles = self.profiles(index);
        let i = occupation.0 as usize;
        let (coverage, _, _) = cover.coverage(&profiles.essential[i]);
        let optional = &profiles.optional[i];
        let optional_value = if optional.is_empty() {
            1.0
        } else {
            optional.iter().filter(|s| cover.seeker.has(**s)).count() as f32 / optional.len() as f32
        };
        let counts = demand.occupation(occupation, scope);
        let demand_value = if busiest == 0 {
            0.0
        } else {
            (1.0 + counts.open as f32).ln() / (1.0 + busiest as f32).ln()
        };
        let trend_value = if counts.recent + counts.previous == 0 {
            0.5
        } else {
            (1.0 + counts.trend()) / 2.0
        };
        let salary_value = match (demand.salary(occupation), salary_reference) {
            (Some(s), Some(reference)) if reference > 0 => {
                (s.median as f32 / reference as f32).min(1.0)
            }
            _ => 0.5,
        };
        let level = LevelFit::of(profiles.level[i], cover.seeker.education);
        [
            GuidancePart::new("essential_skills", ESSENTIAL_WEIGHT, coverage),
            GuidancePart::new("optional_skills", OPTIONAL_WEIGHT, optional_value),
            GuidancePart::new("transition", TRANSITION_WEIGHT, transition.value()),
            GuidancePart::new("demand", DEMAND_WEIGHT, demand_value),
            GuidancePart::new("trend", TREND_WEIGHT, trend_value),
            GuidancePart::new("salary", SALARY_WEIGHT, salary_value),
            GuidancePart::new("level", LEVEL_WEIGHT, level.value()),
        ]
    }
}
