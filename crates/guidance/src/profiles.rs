//! What guidance needs to know about every occupation of the taxonomy, precomputed once per
//! index: its essential skills with their specificity weights, its optional skills, the
//! occupations that need each skill, the occupation's ISCO-08 skill level and the career
//! transitions the taxonomy names (O*NET related occupations, or a bundle's
//! `related_occupations`).

use openpes_matching::TaxonomyKnowledge;
use openpes_taxonomy::{ConceptId, ConceptKind, RelationKind, Taxonomy};

/// Per concept (dense by [`ConceptId`]); empty for concepts that are not occupations (or, for
/// `needed_by`, not skills).
pub struct Profiles {
    /// Essential skills with their specificity weights, sorted by skill.
    pub essential: Vec<Box<[(ConceptId, f32)]>>,
    pub essential_total: Vec<f32>,
    /// Optional skills, sorted.
    pub optional: Vec<Box<[ConceptId]>>,
    /// Skill → the occupations needing it (essential or optional), sorted.
    pub needed_by: Vec<Box<[ConceptId]>>,
    /// ISCO-08 skill level 1–4, 0 when unknown.
    pub level: Vec<u8>,
    /// Occupations the taxonomy names as a transition from or to this one, sorted.
    pub transitions: Vec<Box<[ConceptId]>>,
    /// The occupation's parent (nearest broader concept).
    pub parent: Vec<Option<ConceptId>>,
}

/// The ISCO-08 skill level of a major group (the first digit of a code); for armed forces
/// occupations (major group 0) the sub-major group decides. The levels follow ILO's ISCO-08
/// structure: 1 elementary, 2 clerical, sales, trades and operators, 3 technicians and
/// associate professionals, 4 professionals and managers.
pub(crate) fn isco_skill_level(code: &str) -> u8 {
    let mut digits = code.chars().filter(char::is_ascii_digit);
    match (digits.next(), digits.next()) {
        (Some('1' | '2'), _) => 4,
        (Some('3'), _) => 3,
        (Some('4'..='8'), _) => 2,
        (Some('9'), _) => 1,
        (Some('0'), Some('1')) => 4,
        (Some('0'), Some('2')) => 2,
        (Some('0'), Some('3')) => 1,
        _ => 0,
    }
}

/// The ISCO-08 skill level an education reaches (ISCED 2011): primary → 1, lower and upper
/// secondary and post-secondary non-tertiary → 2, short-cycle tertiary → 3, bachelor and
/// above → 4.
pub(crate) fn education_skill_level(isced: u8) -> u8 {
    match isced {
        0 | 1 => 1,
        2..=4 => 2,
        5 => 3,
        _ => 4,
    }
}

fn isco_code(taxonomy: &Taxonomy, id: ConceptId) -> Option<&str> {
    taxonomy
        .concept(id)
        .codes
        .iter()
        .find(|c| c.system == "isco08")
        .map(|c| c.code.as_str())
}

impl Profiles {
    pub(crate) fn build(taxonomy: &Taxonomy, knowledge: &TaxonomyKnowledge) -> Profiles {
        let n = taxonomy.concepts().len();
        let mut profiles = Profiles {
            essential: vec![Box::default(); n],
            essential_total: vec![0.0; n],
            optional: vec![Box::default(); n],
            needed_by: vec![Box::default(); n],
            level: vec![0; n],
            transitions: vec![Box::default(); n],
            parent: vec![None; n],
        };
        let mut needed_by: Vec<Vec<ConceptId>> = vec![Vec::new(); n];
        for concept in taxonomy.concepts() {
            if concept.kind != ConceptKind::Occupation {
                continue;
            }
            let id = concept.id;
            let i = id.0 as usize;
            let mut essential = Vec::new();
            let mut optional = Vec::new();
            for edge in taxonomy.skills_of(id) {
                needed_by[edge.target.0 as usize].push(id);
                if edge.kind == RelationKind::Essential {
                    essential.push((edge.target, knowledge.specificity(edge.target)));
                } else {
                    optional.push(edge.target);
                }
            }
            essential.sort_by_key(|(c, _)| *c);
            essential.dedup_by_key(|(c, _)| *c);
            optional.sort_unstable();
            optional.dedup();
            optional.retain(|o| essential.binary_search_by_key(o, |(c, _)| *c).is_err());
            profiles.essential_total[i] = essential.iter().map(|(_, w)| *w).sum();
            profiles.essential[i] = essential.into_boxed_slice();
            profiles.optional[i] = optional.into_boxed_slice();

            let ancestors = knowledge.ancestors_of(concept.id);
            profiles.parent[i] = ancestors.first().copied();
            profiles.level[i] = std::iter::once(id)
                .chain(ancestors.iter().copied())
                .find_map(|c| isco_code(taxonomy, c))
                .map_or(0, isco_skill_level);

            let mut transitions: Vec<ConceptId> = taxonomy
                .outgoing(id, RelationKind::RelatedOccupation)
                .chain(taxonomy.incoming(id, RelationKind::RelatedOccupation))
                .map(|e| e.target)
                .filter(|t| *t != id && taxonomy.concept(*t).kind == ConceptKind::Occupation)
                .collect();
            transitions.sort_unstable();
            transitions.dedup();
            profiles.transitions[i] = transitions.into_boxed_slice();
        }
        for (i, mut list) in needed_by.into_iter().enumerate() {
            list.sort_unstable();
            list.dedup();
            profiles.needed_by[i] = list.into_boxed_slice();
        }
        profiles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skill_levels_follow_isco_major_groups() {
        assert_eq!(isco_skill_level("2221"), 4);
        assert_eq!(isco_skill_level("1120"), 4);
        assert_eq!(isco_skill_level("3221.1"), 3);
        assert_eq!(isco_skill_level("5131"), 2);
        assert_eq!(isco_skill_level("9112"), 1);
        assert_eq!(isco_skill_level("0110"), 4);
        assert_eq!(isco_skill_level("0210"), 2);
        assert_eq!(isco_skill_level("0310"), 1);
        assert_eq!(isco_skill_level(""), 0);
        assert_eq!(education_skill_level(1), 1);
        assert_eq!(education_skill_level(3), 2);
        assert_eq!(education_skill_level(5), 3);
        assert_eq!(education_skill_level(7), 4);
    }
}
