//! The starter taxonomy: written by the OpenPES project, compiled into the binary, and loaded
//! when the database has no taxonomy yet, so that the platform is useful with zero setup.
//!
//! It covers all ten ISCO-08 major groups with occupations and their essential and optional
//! skills, labelled in English and Traditional Chinese (zh-TW) with alternative labels that
//! include common Taiwanese job-ad wording. It is written in the bundle format
//! (`docs/taxonomy-bundle.md`), split over several documents under `crates/taxonomy/starter/`.

use crate::error::ImportError;
use crate::import::bundle::parse_bundles;
use crate::model::Dataset;
use std::path::PathBuf;

/// The source key of the starter taxonomy.
pub const SOURCE: &str = "starter";

const DOCUMENTS: [(&str, &str); 4] = [
    (
        "starter/groups.json",
        include_str!("../starter/groups.json"),
    ),
    (
        "starter/skills-common.json",
        include_str!("../starter/skills-common.json"),
    ),
    (
        "starter/occupations-a.json",
        include_str!("../starter/occupations-a.json"),
    ),
    (
        "starter/occupations-b.json",
        include_str!("../starter/occupations-b.json"),
    ),
];

/// The starter taxonomy as a dataset.
pub fn starter_dataset() -> Result<Dataset, ImportError> {
    let documents: Vec<(PathBuf, &str)> = DOCUMENTS
        .iter()
        .map(|(name, text)| (PathBuf::from(name), *text))
        .collect();
    parse_bundles(&documents)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ConceptKind, LabelKind};
    use crate::readmodel::Taxonomy;
    use std::collections::BTreeSet;

    #[test]
    fn starter_meets_its_promises() -> Result<(), Box<dyn std::error::Error>> {
        let dataset = starter_dataset()?;
        let counts = dataset.counts();
        assert!(counts.occupations >= 120, "{counts:?}");
        assert!(counts.skills >= 600, "{counts:?}");
        assert!(counts.occupation_skill_relations >= counts.occupations * 5);

        // Every concept has a preferred label in both languages.
        for concept in &dataset.concepts {
            for lang in ["en", "zh-TW"] {
                assert!(
                    concept
                        .labels
                        .iter()
                        .any(|l| l.lang == lang && l.kind == LabelKind::Preferred),
                    "{} has no preferred {lang} label",
                    concept.uri
                );
            }
        }

        // All ten ISCO-08 major groups are reached by some occupation.
        let (taxonomy, report) = Taxonomy::build(vec![dataset])?;
        assert_eq!(report.dangling_relations, 0, "{report:?}");
        let mut majors = BTreeSet::new();
        for concept in taxonomy.concepts() {
            if concept.kind != ConceptKind::Occupation {
                continue;
            }
            let isco = concept
                .codes
                .iter()
                .find(|c| c.system == "isco08")
                .map(|c| c.code.clone())
                .unwrap_or_default();
            assert_eq!(isco.len(), 4, "{} has ISCO code '{isco}'", concept.uri);
            let top = taxonomy
                .ancestors(concept.id)
                .into_iter()
                .map(|a| taxonomy.concept(a))
                .find(|a| a.code.as_deref().is_some_and(|c| c.len() == 1));
            let top = top.and_then(|t| t.code.clone());
            assert_eq!(top.as_deref(), isco.get(..1), "{} hierarchy", concept.uri);
            majors.insert(isco[..1].to_string());
            assert!(
                !taxonomy.skills_of(concept.id).is_empty(),
                "{}",
                concept.uri
            );
        }
        assert_eq!(majors.len(), 10, "{majors:?}");

        // Alternative labels in zh-TW exist (Taiwanese job-ad wording).
        let zh_alternatives = taxonomy
            .concepts()
            .iter()
            .flat_map(|c| &c.labels)
            .filter(|l| l.lang == "zh-TW" && l.kind == LabelKind::Alternative)
            .count();
        assert!(zh_alternatives >= 200, "{zh_alternatives}");
        Ok(())
    }
}
