//! Importer for OpenPES's own taxonomy bundle format (`docs/taxonomy-bundle.md`).
//!
//! A bundle may be split over several documents (the starter taxonomy is); they are merged
//! into one dataset and every reference is resolved across all of them. Errors name the
//! document and the JSON path of the offending value.

use crate::error::ImportError;
use crate::model::{
    ConceptKind, ConceptRecord, Dataset, LabelKind, RelationKind, RelationRecord, ReuseLevel,
    SkillType,
};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The value of the `format` field this importer reads.
pub const FORMAT: &str = "openpes-taxonomy-bundle/1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleFile {
    format: String,
    source: String,
    version: String,
    #[serde(default)]
    title: BTreeMap<String, String>,
    concepts: Vec<BundleConcept>,
    #[serde(default)]
    relations: Vec<BundleRelation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleConcept {
    id: String,
    uri: Option<String>,
    kind: ConceptKind,
    code: Option<String>,
    labels: BTreeMap<String, BundleLabels>,
    #[serde(default)]
    descriptions: BTreeMap<String, String>,
    #[serde(default)]
    codes: BTreeMap<String, String>,
    #[serde(default)]
    broader: Vec<String>,
    skill_type: Option<SkillType>,
    reuse_level: Option<ReuseLevel>,
    #[serde(default)]
    essential_skills: Vec<String>,
    #[serde(default)]
    optional_skills: Vec<String>,
    #[serde(default)]
    related_skills: Vec<RelatedSkill>,
    /// Occupations a person in this one can move to (career transitions).
    #[serde(default)]
    related_occupations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleLabels {
    preferred: String,
    #[serde(default)]
    alternative: Vec<String>,
    #[serde(default)]
    hidden: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RelatedSkill {
    id: String,
    #[serde(rename = "type")]
    kind: RelatedSkillKind,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RelatedSkillKind {
    Essential,
    Optional,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleRelation {
    from: String,
    to: String,
    #[serde(rename = "type")]
    kind: RelationKind,
    weight: Option<f64>,
}

/// Reads one bundle file.
pub fn import_bundle(path: &Path) -> Result<Dataset, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ImportError::open(path, source))?;
    parse_bundles(&[(path.to_path_buf(), text.as_str())])
}

/// Parses and merges bundle documents, given as (name for messages, JSON text).
pub fn parse_bundles(documents: &[(PathBuf, &str)]) -> Result<Dataset, ImportError> {
    let mut files = Vec::with_capacity(documents.len());
    for (path, text) in documents {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let file: BundleFile =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
                let json_path = e.path().to_string();
                let inner = e.into_inner();
                ImportError::invalid(
                    path,
                    Some(inner.line() as u64),
                    (json_path != ".").then_some(json_path.as_str()),
                    strip_position(&inner.to_string()),
                )
            })?;
        files.push((path.clone(), file));
    }
    let Some((first_path, first)) = files.first() else {
        return Err(ImportError::invalid(
            "<bundle>",
            None,
            None,
            "no documents given",
        ));
    };
    let (source, version) = (first.source.clone(), first.version.clone());
    if matches!(source.as_str(), "esco" | "onet") {
        return Err(ImportError::invalid(
            first_path,
            None,
            Some("source"),
            format!("'{source}' is reserved for the {source} importer; choose another key"),
        ));
    }
    if !is_source_key(&source) {
        return Err(ImportError::invalid(
            first_path,
            None,
            Some("source"),
            format!("'{source}' is not a valid source key (lowercase letters, digits and '-')"),
        ));
    }

    // Pass 1: ids → URIs over all documents.
    let mut uris: HashMap<&str, (String, ConceptKind)> = HashMap::new();
    let mut seen_uris: HashMap<String, String> = HashMap::new();
    for (path, file) in &files {
        if file.format != FORMAT {
            return Err(ImportError::invalid(
                path,
                None,
                Some("format"),
                format!("expected '{FORMAT}', found '{}'", file.format),
            ));
        }
        if file.source != source || file.version != version {
            return Err(ImportError::invalid(
                path,
                None,
                Some("source"),
                format!(
                    "all documents of a bundle must have the same source and version ({source} {version})"
                ),
            ));
        }
        for (i, concept) in file.concepts.iter().enumerate() {
            let at = format!("concepts[{i}].id");
            if concept.id.trim().is_empty() {
                return Err(ImportError::invalid(path, None, Some(&at), "id is empty"));
            }
            let uri = concept
                .uri
                .clone()
                .unwrap_or_else(|| format!("urn:openpes:{source}:{}", concept.id));
            if uris.contains_key(concept.id.as_str()) {
                return Err(ImportError::invalid(
                    path,
                    None,
                    Some(&at),
                    format!("duplicate id '{}'", concept.id),
                ));
            }
            if let Some(other) = seen_uris.insert(uri.clone(), concept.id.clone()) {
                return Err(ImportError::invalid(
                    path,
                    None,
                    Some(&format!("concepts[{i}].uri")),
                    format!("URI {uri} is also the URI of '{other}'"),
                ));
            }
            uris.insert(&concept.id, (uri, concept.kind));
        }
    }

    let mut dataset = Dataset::new(source, version);
    for (_, file) in &files {
        for (lang, title) in &file.title {
            dataset
                .title
                .entry(lang.clone())
                .or_insert_with(|| title.clone());
        }
    }
    for (path, file) in &files {
        let resolve = |reference: &str, at: String, expected: &[ConceptKind]| {
            resolve_reference(&uris, path, reference, at, expected)
        };
        for (i, c) in file.concepts.iter().enumerate() {
            let (uri, _) = &uris[c.id.as_str()];
            let mut record = ConceptRecord::new(uri.clone(), c.kind);
            record.code = Some(c.code.clone().unwrap_or_else(|| c.id.clone()));
            record.skill_type = c.skill_type;
            record.reuse_level = c.reuse_level;
            if c.kind != ConceptKind::Skill && (c.skill_type.is_some() || c.reuse_level.is_some()) {
                return Err(ImportError::invalid(
                    path,
                    None,
                    Some(&format!("concepts[{i}].skill_type")),
                    "skill_type and reuse_level apply to skills only",
                ));
            }
            if c.labels.is_empty() {
                return Err(ImportError::invalid(
                    path,
                    None,
                    Some(&format!("concepts[{i}].labels")),
                    "a concept needs a preferred label in at least one language",
                ));
            }
            for (lang, labels) in &c.labels {
                if labels.preferred.trim().is_empty() {
                    return Err(ImportError::invalid(
                        path,
                        None,
                        Some(&format!("concepts[{i}].labels.{lang}.preferred")),
                        "preferred label is empty",
                    ));
                }
                record.add_label(lang, LabelKind::Preferred, &labels.preferred);
                for label in &labels.alternative {
                    record.add_label(lang, LabelKind::Alternative, label);
                }
                for label in &labels.hidden {
                    record.add_label(lang, LabelKind::Hidden, label);
                }
            }
            for (lang, text) in &c.descriptions {
                record.add_description(lang, text);
            }
            for (system, code) in &c.codes {
                record.add_code(system, code);
            }
            dataset.concepts.push(record);

            for (j, broader) in c.broader.iter().enumerate() {
                let to = resolve(broader, format!("concepts[{i}].broader[{j}]"), &[])?;
                push(&mut dataset, uri, to, RelationKind::Broader, None);
            }
            let skill_lists = [
                (
                    &c.essential_skills,
                    "essential_skills",
                    RelationKind::Essential,
                ),
                (
                    &c.optional_skills,
                    "optional_skills",
                    RelationKind::Optional,
                ),
            ];
            for (list, field, kind) in skill_lists {
                if !list.is_empty() && c.kind != ConceptKind::Occupation {
                    return Err(ImportError::invalid(
                        path,
                        None,
                        Some(&format!("concepts[{i}].{field}")),
                        "only occupations have essential or optional skills",
                    ));
                }
                for (j, skill) in list.iter().enumerate() {
                    let to = resolve(
                        skill,
                        format!("concepts[{i}].{field}[{j}]"),
                        &[ConceptKind::Skill],
                    )?;
                    push(&mut dataset, uri, to, kind, None);
                }
            }
            for (j, related) in c.related_skills.iter().enumerate() {
                let at = format!("concepts[{i}].related_skills[{j}].id");
                if c.kind != ConceptKind::Skill {
                    return Err(ImportError::invalid(
                        path,
                        None,
                        Some(&at),
                        "only skills have related skills",
                    ));
                }
                let to = resolve(&related.id, at, &[ConceptKind::Skill])?;
                let kind = match related.kind {
                    RelatedSkillKind::Essential => RelationKind::SkillEssential,
                    RelatedSkillKind::Optional => RelationKind::SkillOptional,
                };
                push(&mut dataset, uri, to, kind, None);
            }
            for (j, related) in c.related_occupations.iter().enumerate() {
                let at = format!("concepts[{i}].related_occupations[{j}]");
                if c.kind != ConceptKind::Occupation {
                    return Err(ImportError::invalid(
                        path,
                        None,
                        Some(&at),
                        "only occupations have related occupations",
                    ));
                }
                let to = resolve(related, at, &[ConceptKind::Occupation])?;
                push(&mut dataset, uri, to, RelationKind::RelatedOccupation, None);
            }
        }
        for (i, r) in file.relations.iter().enumerate() {
            let from = resolve(&r.from, format!("relations[{i}].from"), &[])?;
            let to = resolve(&r.to, format!("relations[{i}].to"), &[])?;
            if let Some(w) = r.weight.filter(|w| !w.is_finite()) {
                return Err(ImportError::invalid(
                    path,
                    None,
                    Some(&format!("relations[{i}].weight")),
                    format!("weight {w} is not a finite number"),
                ));
            }
            push(&mut dataset, &from, to, r.kind, r.weight);
        }
    }
    Ok(dataset)
}

fn push(dataset: &mut Dataset, from: &str, to: String, kind: RelationKind, weight: Option<f64>) {
    dataset.relations.push(RelationRecord {
        from: from.to_string(),
        to,
        kind,
        weight,
    });
}

/// Resolves an id of the bundle (or an external URI) to a URI, checking its kind.
fn resolve_reference(
    uris: &HashMap<&str, (String, ConceptKind)>,
    path: &Path,
    reference: &str,
    at: String,
    expected: &[ConceptKind],
) -> Result<String, ImportError> {
    match uris.get(reference) {
        Some((uri, kind)) => {
            if !expected.is_empty() && !expected.contains(kind) {
                return Err(ImportError::invalid(
                    path,
                    None,
                    Some(&at),
                    format!("'{reference}' is a {kind}, expected a {}", expected[0]),
                ));
            }
            Ok(uri.clone())
        }
        // A URI reaches outside the bundle (resolved when the read model is built).
        None if reference.contains(':') => Ok(reference.to_string()),
        None => Err(ImportError::invalid(
            path,
            None,
            Some(&at),
            format!("unknown concept id '{reference}'"),
        )),
    }
}

fn is_source_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// serde_json appends " at line L column C"; the line is reported separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Dataset, ImportError> {
        parse_bundles(&[(PathBuf::from("b.json"), text)])
    }

    const MINIMAL: &str = r#"{
      "format": "openpes-taxonomy-bundle/1", "source": "demo", "version": "1",
      "concepts": [
        {"id": "o1", "kind": "occupation", "labels": {"en": {"preferred": "welder", "alternative": ["welding operator"]},
                                                    "zh-TW": {"preferred": "焊工"}},
         "codes": {"isco08": "7212"}, "essential_skills": ["s1"]},
        {"id": "s1", "kind": "skill", "skill_type": "skill", "labels": {"en": {"preferred": "weld metal"}}}
      ]
    }"#;

    #[test]
    fn reads_concepts_labels_and_relations() -> Result<(), ImportError> {
        let d = parse(MINIMAL)?;
        assert_eq!(d.source, "demo");
        assert_eq!(d.concepts.len(), 2);
        assert_eq!(d.concepts[0].uri, "urn:openpes:demo:o1");
        assert_eq!(d.concepts[0].labels.len(), 3);
        assert_eq!(d.relations.len(), 1);
        assert_eq!(d.relations[0].kind, RelationKind::Essential);
        assert_eq!(d.relations[0].to, "urn:openpes:demo:s1");
        Ok(())
    }

    /// The example in docs/taxonomy-bundle.md is a valid bundle.
    #[test]
    fn the_documented_example_imports() -> Result<(), Box<dyn std::error::Error>> {
        let doc = include_str!("../../../../docs/taxonomy-bundle.md");
        let example = doc
            .split("```json")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .ok_or("no json example in the doc")?
            .replace('…', "");
        let d = parse(&example)?;
        assert_eq!(d.source, "tw-occ");
        assert!(d
            .relations
            .iter()
            .any(|r| r.kind == RelationKind::Essential));
        Ok(())
    }

    #[test]
    fn unknown_reference_names_its_json_path() {
        let bad = MINIMAL.replace(r#"["s1"]"#, r#"["s2"]"#);
        let err = parse(&bad).unwrap_err().to_string();
        assert!(err.contains("b.json"), "{err}");
        assert!(err.contains("concepts[0].essential_skills[0]"), "{err}");
        assert!(err.contains("'s2'"), "{err}");
    }

    #[test]
    fn type_errors_name_line_and_path() {
        let bad = MINIMAL.replace(r#""kind": "skill""#, r#""kind": "talent""#);
        let err = parse(&bad).unwrap_err().to_string();
        assert!(err.contains("concepts[1].kind"), "{err}");
        assert!(err.contains("line 7"), "{err}");
    }

    #[test]
    fn rejects_wrong_kind_and_duplicates() {
        let bad = MINIMAL.replace(
            r#""essential_skills": ["s1"]"#,
            r#""essential_skills": ["o1"]"#,
        );
        assert!(parse(&bad)
            .unwrap_err()
            .to_string()
            .contains("expected a skill"));
        let dup = MINIMAL.replace(r#""id": "s1""#, r#""id": "o1""#);
        assert!(parse(&dup)
            .unwrap_err()
            .to_string()
            .contains("duplicate id"));
        let fmt = MINIMAL.replace("bundle/1", "bundle/9");
        assert!(parse(&fmt)
            .unwrap_err()
            .to_string()
            .contains("field 'format'"));
    }
}
