//! Importer for the official ESCO CSV export (v1.1 and later).
//!
//! Concepts come from `occupations_<lang>.csv`, `skills_<lang>.csv`, `ISCOGroups_<lang>.csv`
//! and `skillGroups_<lang>.csv`; every language whose files are present contributes labels and
//! descriptions in that language (English first, when present, defines the concepts). Relations
//! come from `broaderRelationsOccPillar.csv`, `broaderRelationsSkillPillar.csv`,
//! `occupationSkillRelations.csv` and `skillSkillRelations.csv`.
//!
//! A relation whose end is not a URI, or is a concept of the wrong kind, is an error at its
//! line. A relation to a URI that the export does not define is kept as published (the
//! official v1.1.1 export has 75 such rows, for one occupation missing from its occupation
//! file): the read model leaves it out and counts it as dangling.

use super::table::{split_multi, Table};
use crate::error::ImportError;
use crate::model::{
    ConceptKind, ConceptRecord, Dataset, LabelKind, RelationKind, RelationRecord, ReuseLevel,
    SkillType,
};
use std::collections::HashMap;
use std::path::Path;

/// The source key under which ESCO is stored.
pub const SOURCE: &str = "esco";

/// The four concept files of one language.
const CONCEPT_FILES: [(&str, ConceptKind); 4] = [
    ("ISCOGroups", ConceptKind::OccupationGroup),
    ("occupations", ConceptKind::Occupation),
    ("skillGroups", ConceptKind::SkillGroup),
    ("skills", ConceptKind::Skill),
];

/// Reads an ESCO CSV export from `dir`. `version` overrides the version read from the
/// directory name (e.g. `v1.1.1-en` → `1.1.1`).
pub fn import_esco(dir: &Path, version: Option<&str>) -> Result<Dataset, ImportError> {
    let languages = detect_languages(dir)?;
    let version = version
        .map(str::to_string)
        .or_else(|| version_from_dir_name(dir))
        .unwrap_or_else(|| "unknown".to_string());
    let mut dataset = Dataset::new(SOURCE, version);
    dataset.title.insert(
        "en".into(),
        "ESCO (European Skills, Competences, Qualifications and Occupations)".into(),
    );

    let mut index: HashMap<String, usize> = HashMap::new();
    for (i, lang) in languages.iter().enumerate() {
        let defines = i == 0;
        for (stem, kind) in CONCEPT_FILES {
            let path = dir.join(format!("{stem}_{lang}.csv"));
            if !defines && !path.exists() {
                continue;
            }
            read_concepts(&path, kind, lang, defines, &mut dataset, &mut index)?;
        }
    }

    let kinds: HashMap<&str, ConceptKind> = dataset
        .concepts
        .iter()
        .map(|c| (c.uri.as_str(), c.kind))
        .collect();
    let mut relations = Vec::new();
    for name in [
        "broaderRelationsOccPillar.csv",
        "broaderRelationsSkillPillar.csv",
    ] {
        read_broader(&dir.join(name), &kinds, &mut relations)?;
    }
    read_essential_optional(dir, &OCCUPATION_SKILLS, &kinds, &mut relations)?;
    read_essential_optional(dir, &SKILL_SKILLS, &kinds, &mut relations)?;
    dataset.relations = relations;
    Ok(dataset)
}

/// The languages of the concept files present, English first.
fn detect_languages(dir: &Path) -> Result<Vec<String>, ImportError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ImportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut languages = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(lang) = name
            .strip_prefix("occupations_")
            .and_then(|rest| rest.strip_suffix(".csv"))
        {
            if !lang.is_empty() && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                languages.push(lang.to_string());
            }
        }
    }
    if languages.is_empty() {
        return Err(ImportError::MissingFile {
            path: dir.join("occupations_<lang>.csv"),
        });
    }
    languages.sort_by_key(|l| (l != "en", l.clone()));
    Ok(languages)
}

fn version_from_dir_name(dir: &Path) -> Option<String> {
    let name = dir.file_name()?.to_string_lossy().into_owned();
    let start = name.find(|c: char| c.is_ascii_digit())?;
    let version: String = name[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let version = version.trim_end_matches('.').to_string();
    (!version.is_empty()).then_some(version)
}

fn read_concepts(
    path: &Path,
    kind: ConceptKind,
    lang: &str,
    defines: bool,
    dataset: &mut Dataset,
    index: &mut HashMap<String, usize>,
) -> Result<(), ImportError> {
    let mut table = Table::open(path, b',', None)?;
    table.require_columns(&["conceptUri", "preferredLabel"])?;
    while let Some(row) = table.next_row()? {
        let uri = row.required("conceptUri")?;
        let position = match index.get(uri) {
            Some(&p) => {
                if defines {
                    return Err(row.error("conceptUri", format!("duplicate concept {uri}")));
                }
                p
            }
            None => {
                let mut concept = ConceptRecord::new(uri, kind);
                fill_structure(&row, kind, &mut concept)?;
                dataset.concepts.push(concept);
                index.insert(uri.to_string(), dataset.concepts.len() - 1);
                dataset.concepts.len() - 1
            }
        };
        let concept = &mut dataset.concepts[position];
        concept.add_label(lang, LabelKind::Preferred, row.required("preferredLabel")?);
        for label in split_multi(row.get("altLabels")) {
            concept.add_label(lang, LabelKind::Alternative, label);
        }
        for label in split_multi(row.get("hiddenLabels")) {
            concept.add_label(lang, LabelKind::Hidden, label);
        }
        let description = match row.get("description") {
            "" => row.get("definition"),
            d => d,
        };
        concept.add_description(lang, description);
    }
    Ok(())
}

/// Language-independent fields: codes, skill type, reuse level.
fn fill_structure(
    row: &super::table::Row<'_>,
    kind: ConceptKind,
    concept: &mut ConceptRecord,
) -> Result<(), ImportError> {
    let code = row.get("code");
    match kind {
        ConceptKind::Occupation => {
            let isco = row.get("iscoGroup");
            concept.add_code("isco08", isco);
            concept.add_code("esco", code);
            concept.code = non_empty(code).or_else(|| non_empty(isco));
        }
        ConceptKind::OccupationGroup => {
            concept.add_code("isco08", code);
            concept.code = non_empty(code);
        }
        ConceptKind::SkillGroup => {
            concept.add_code("esco", code);
            concept.code = non_empty(code);
        }
        ConceptKind::Skill => {
            concept.skill_type = match row.get("skillType") {
                "" => None,
                "skill/competence" => Some(SkillType::Skill),
                "knowledge" => Some(SkillType::Knowledge),
                other => {
                    return Err(row.error("skillType", format!("unknown skill type '{other}'")))
                }
            };
            concept.reuse_level = match row.get("reuseLevel") {
                "" => None,
                other => Some(
                    other
                        .parse::<ReuseLevel>()
                        .map_err(|e| row.error("reuseLevel", e.to_string()))?,
                ),
            };
        }
    }
    Ok(())
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn check_known(
    row: &super::table::Row<'_>,
    column: &str,
    uri: &str,
    kinds: &HashMap<&str, ConceptKind>,
    allowed: &[ConceptKind],
) -> Result<(), ImportError> {
    match kinds.get(uri) {
        None if uri.contains(':') && !uri.contains(char::is_whitespace) => Ok(()),
        None => Err(row.error(column, format!("'{uri}' is not a concept URI"))),
        Some(kind) if !allowed.contains(kind) => Err(row.error(
            column,
            format!("{uri} is a {kind}, expected {}", join_kinds(allowed)),
        )),
        Some(_) => Ok(()),
    }
}

fn join_kinds(kinds: &[ConceptKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}

fn read_broader(
    path: &Path,
    kinds: &HashMap<&str, ConceptKind>,
    out: &mut Vec<RelationRecord>,
) -> Result<(), ImportError> {
    let mut table = Table::open(path, b',', None)?;
    table.require_columns(&["conceptUri", "broaderUri"])?;
    while let Some(row) = table.next_row()? {
        let from = row.required("conceptUri")?;
        let to = row.required("broaderUri")?;
        check_known(&row, "conceptUri", from, kinds, ConceptKind::ALL)?;
        check_known(&row, "broaderUri", to, kinds, ConceptKind::ALL)?;
        out.push(RelationRecord {
            from: from.to_string(),
            to: to.to_string(),
            kind: RelationKind::Broader,
            weight: None,
        });
    }
    Ok(())
}

/// The columns and kinds of one essential/optional relation file.
struct RelationFile {
    name: &'static str,
    from_column: &'static str,
    from_kind: ConceptKind,
    to_column: &'static str,
    to_kind: ConceptKind,
    essential: RelationKind,
    optional: RelationKind,
}

const OCCUPATION_SKILLS: RelationFile = RelationFile {
    name: "occupationSkillRelations.csv",
    from_column: "occupationUri",
    from_kind: ConceptKind::Occupation,
    to_column: "skillUri",
    to_kind: ConceptKind::Skill,
    essential: RelationKind::Essential,
    optional: RelationKind::Optional,
};

const SKILL_SKILLS: RelationFile = RelationFile {
    name: "skillSkillRelations.csv",
    from_column: "originalSkillUri",
    from_kind: ConceptKind::Skill,
    to_column: "relatedSkillUri",
    to_kind: ConceptKind::Skill,
    essential: RelationKind::SkillEssential,
    optional: RelationKind::SkillOptional,
};

fn read_essential_optional(
    dir: &Path,
    file: &RelationFile,
    kinds: &HashMap<&str, ConceptKind>,
    out: &mut Vec<RelationRecord>,
) -> Result<(), ImportError> {
    let mut table = Table::open(&dir.join(file.name), b',', None)?;
    table.require_columns(&[file.from_column, "relationType", file.to_column])?;
    while let Some(row) = table.next_row()? {
        let from = row.required(file.from_column)?;
        let to = row.required(file.to_column)?;
        check_known(&row, file.from_column, from, kinds, &[file.from_kind])?;
        check_known(&row, file.to_column, to, kinds, &[file.to_kind])?;
        let kind = match row.required("relationType")? {
            "essential" => file.essential,
            "optional" => file.optional,
            other => {
                return Err(row.error(
                    "relationType",
                    format!("'{other}' is neither 'essential' nor 'optional'"),
                ))
            }
        };
        out.push(RelationRecord {
            from: from.to_string(),
            to: to.to_string(),
            kind,
            weight: None,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A two-language export: English defines the concepts, Chinese adds its labels.
    #[test]
    fn every_language_file_adds_labels() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text);
        let occupation_header = "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,hiddenLabels,description,code\n";
        write("occupations_en.csv", &format!("{occupation_header}Occupation,urn:o:1,2221,nurse,\"staff nurse\nward nurse\",,Cares.,2221.1\n"))?;
        write(
            "occupations_zh.csv",
            &format!("{occupation_header}Occupation,urn:o:1,2221,護理師,護士,,照護病人。,2221.1\n"),
        )?;
        let group_header = "conceptType,conceptUri,code,preferredLabel,altLabels,description\n";
        write(
            "ISCOGroups_en.csv",
            &format!("{group_header}ISCOGroup,urn:g:2221,2221,Nursing professionals,,\n"),
        )?;
        write(
            "skillGroups_en.csv",
            "conceptType,conceptUri,preferredLabel,code\n",
        )?;
        write("skills_en.csv", "conceptType,conceptUri,skillType,reuseLevel,preferredLabel\nKnowledgeSkillCompetence,urn:s:1,skill/competence,sector-specific,give injections\n")?;
        write("skills_zh.csv", "conceptType,conceptUri,skillType,reuseLevel,preferredLabel\nKnowledgeSkillCompetence,urn:s:1,skill/competence,sector-specific,注射\n")?;
        write("broaderRelationsOccPillar.csv", "conceptType,conceptUri,broaderType,broaderUri\nOccupation,urn:o:1,ISCOGroup,urn:g:2221\n")?;
        write(
            "broaderRelationsSkillPillar.csv",
            "conceptType,conceptUri,broaderType,broaderUri\n",
        )?;
        write("occupationSkillRelations.csv", "occupationUri,relationType,skillType,skillUri\nurn:o:1,essential,skill/competence,urn:s:1\n")?;
        write(
            "skillSkillRelations.csv",
            "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n",
        )?;

        let d = import_esco(dir.path(), Some("test"))?;
        assert_eq!(d.concepts.len(), 3);
        let nurse = d
            .concepts
            .iter()
            .find(|c| c.uri == "urn:o:1")
            .ok_or("nurse")?;
        let labels: Vec<(&str, LabelKind, &str)> = nurse
            .labels
            .iter()
            .map(|l| (l.lang.as_str(), l.kind, l.text.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                ("en", LabelKind::Preferred, "nurse"),
                ("en", LabelKind::Alternative, "staff nurse"),
                ("en", LabelKind::Alternative, "ward nurse"),
                ("zh", LabelKind::Preferred, "護理師"),
                ("zh", LabelKind::Alternative, "護士"),
            ]
        );
        assert_eq!(nurse.descriptions.len(), 2);
        assert_eq!(d.relations.len(), 2);
        let skill = d
            .concepts
            .iter()
            .find(|c| c.uri == "urn:s:1")
            .ok_or("skill")?;
        assert!(skill
            .labels
            .iter()
            .any(|l| l.lang == "zh" && l.text == "注射"));
        Ok(())
    }

    #[test]
    fn version_is_read_from_the_directory_name() {
        assert_eq!(
            version_from_dir_name(Path::new("/x/v1.1.1-en")).as_deref(),
            Some("1.1.1")
        );
        assert_eq!(version_from_dir_name(Path::new("/x/esco")), None);
    }
}
