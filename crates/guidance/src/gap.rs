//! The skills gap between a job seeker and an occupation or a vacancy: which of its essential
//! and optional skills the seeker holds, and which they lack, most important first —
//! essential before optional, then by how many open vacancies in the seeker's region ask for
//! the skill — each with the seeker's skills that partly cover it (a skill the taxonomy
//! relates to it, or one of the same skill group).
//!
//! Coverage is computed as matching computes its essential-skills part (see
//! [`openpes_matching::score`]): the share of the essential skills held, each weighted by how specific
//! it is, a partly covered skill counting half.

use crate::{Demand, Guidance, GuidanceError, Scope, SeekerView};
use openpes_matching::score::RELATED_CREDIT;
use openpes_matching::{MatchIndex, TaxonomyKnowledge};
use openpes_taxonomy::{ConceptId, ConceptKind};
use rustc_hash::FxHashSet;

/// What a gap is measured against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GapTarget {
    Occupation(ConceptId),
    /// A vacancy by id.
    Vacancy(String),
}

/// A skill the seeker lacks.
#[derive(Debug, Clone, PartialEq)]
pub struct GapItem {
    pub skill: ConceptId,
    /// Essential to the target (else optional).
    pub essential: bool,
    /// Open vacancies in the scope that ask for the skill.
    pub asked_by: u32,
    /// `asked_by` as a share of all open vacancies in the scope.
    pub share: f32,
    /// The seeker's skills that partly cover it (at most three).
    pub partly_covered_by: Vec<ConceptId>,
}

/// A seeker's gap to one target.
#[derive(Debug, Clone, PartialEq)]
pub struct GapAnalysis {
    /// The target's occupation (the vacancy's, if it names one).
    pub occupation: Option<ConceptId>,
    pub vacancy: Option<String>,
    pub essential_total: usize,
    pub optional_total: usize,
    pub essential_held: Vec<ConceptId>,
    pub optional_held: Vec<ConceptId>,
    /// Missing skills, most important first.
    pub missing: Vec<GapItem>,
    /// Specificity-weighted share of the essential skills covered, in [0, 1].
    pub coverage: f32,
    /// Where demand was counted: the seeker's region, or nationwide when it has no open
    /// vacancies or is unknown.
    pub scope: Scope,
    /// Open vacancies in the scope.
    pub open_vacancies: u32,
}

/// Most partly-covering skills listed per gap.
const MAX_PARTLY: usize = 3;

/// A seeker's skills, ready to tell which missing skills they partly cover.
pub(crate) struct Cover<'a> {
    pub seeker: &'a SeekerView,
    knowledge: &'a TaxonomyKnowledge,
    /// Every skill related to a held one.
    related: FxHashSet<ConceptId>,
    /// Skill groups of the held skills, sorted.
    groups: Vec<ConceptId>,
}

impl<'a> Cover<'a> {
    pub(crate) fn new(seeker: &'a SeekerView, knowledge: &'a TaxonomyKnowledge) -> Cover<'a> {
        let mut related = FxHashSet::default();
        let mut groups = Vec::new();
        for skill in &seeker.skills {
            related.extend(knowledge.related_skills(*skill).iter().copied());
            groups.extend(knowledge.groups(*skill).iter().copied());
        }
        groups.sort_unstable();
        groups.dedup();
        Cover {
            seeker,
            knowledge,
            related,
            groups,
        }
    }

    /// True when a held skill partly covers `want`.
    pub(crate) fn partly(&self, want: ConceptId) -> bool {
        self.related.contains(&want)
            || self
                .knowledge
                .groups(want)
                .iter()
                .any(|g| self.groups.binary_search(g).is_ok())
    }

    /// The held skills that partly cover `want` (at most three, in id order).
    pub(crate) fn covering(&self, want: ConceptId) -> Vec<ConceptId> {
        if !self.partly(want) {
            return Vec::new();
        }
        let want_groups = self.knowledge.groups(want);
        self.seeker
            .skills
            .iter()
            .copied()
            .filter(|have| {
                self.knowledge
                    .related_skills(want)
                    .binary_search(have)
                    .is_ok()
                    || self
                        .knowledge
                        .groups(*have)
                        .iter()
                        .any(|g| want_groups.binary_search(g).is_ok())
            })
            .take(MAX_PARTLY)
            .collect()
    }

    /// Specificity-weighted covered share of `essential` (1 when there is none), and how
    /// many are held and partly covered.
    pub(crate) fn coverage(&self, essential: &[(ConceptId, f32)]) -> (f32, usize, usize) {
        let (mut covered, mut total, mut held, mut partly) = (0f32, 0f32, 0, 0);
        for (skill, weight) in essential {
            total += weight;
            if self.seeker.has(*skill) {
                covered += weight;
                held += 1;
            } else if self.partly(*skill) {
                covered += weight * RELATED_CREDIT;
                partly += 1;
            }
        }
        let value = if total > 0.0 { covered / total } else { 1.0 };
        (value, held, partly)
    }
}

/// The missing skills of a requirement list, most important first (at most `limit`).
pub(crate) fn missing(
    cover: &Cover<'_>,
    essential: &[(ConceptId, f32)],
    optional: &[ConceptId],
    demand: &Demand,
    scope: Scope,
    limit: usize,
) -> Vec<GapItem> {
    let open = demand.open(scope).max(1) as f32;
    let mut items: Vec<(bool, u32, ConceptId)> = essential
        .iter()
        .map(|(s, _)| (true, *s))
        .chain(optional.iter().map(|s| (false, *s)))
        .filter(|(_, s)| !cover.seeker.has(*s))
        .map(|(essential, s)| (essential, demand.skill(s, scope), s))
        .collect();
    items.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    items.truncate(limit);
    items
        .into_iter()
        .map(|(essential, asked_by, skill)| GapItem {
            skill,
            essential,
            asked_by,
            share: asked_by as f32 / open,
            partly_covered_by: cover.covering(skill),
        })
        .collect()
}

impl Guidance {
    /// The seeker's gap to an occupation or a vacancy, with demand counted in the seeker's
    /// region (see [`Demand::scope_for`]).
    pub fn gap(
        &self,
        index: &MatchIndex,
        seeker: &SeekerView,
        target: &GapTarget,
        demand: &Demand,
    ) -> Result<GapAnalysis, GuidanceError> {
        let profiles = self.profiles(index);
        let (occupation, vacancy, essential, optional) = match target {
            GapTarget::Occupation(id) => {
                let is_occupation = index
                    .taxonomy()
                    .get(id.0)
                    .is_some_and(|c| c.kind == ConceptKind::Occupation);
                if !is_occupation {
                    let name = index
                        .taxonomy()
                        .get(id.0)
                        .map_or(id.0.to_string(), |c| c.uri.clone());
                    return Err(GuidanceError::NotAnOccupation(name));
                }
                let i = id.0 as usize;
                (
                    Some(*id),
                    None,
                    &profiles.essential[i][..],
                    &profiles.optional[i][..],
                )
            }
            GapTarget::Vacancy(vacancy) => {
                let profile = index
                    .vacancy_profile(vacancy)
                    .ok_or_else(|| GuidanceError::UnknownVacancy(vacancy.clone()))?;
                (
                    profile.occupation,
                    Some(vacancy.clone()),
                    &profile.essential[..],
                    &profile.optional[..],
                )
            }
        };
        let cover = Cover::new(seeker, index.knowledge());
        let scope = demand.scope_for(seeker.region);
        let (coverage, _, _) = cover.coverage(essential);
        Ok(GapAnalysis {
            occupation,
            vacancy,
            essential_total: essential.len(),
            optional_total: optional.len(),
            essential_held: essential
                .iter()
                .map(|(s, _)| *s)
                .filter(|s| seeker.has(*s))
                .collect(),
            optional_held: optional
                .iter()
                .copied()
                .filter(|s| seeker.has(*s))
                .collect(),
            missing: missing(&cover, essential, optional, demand, scope, usize::MAX),
            coverage,
            scope,
            open_vacancies: demand.open(scope),
        })
    }
}
