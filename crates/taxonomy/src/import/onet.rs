//! Importer for the O*NET database in its official tab-separated text layout, and for the
//! official ESCO ↔ O*NET-SOC crosswalk.
//!
//! What becomes what:
//! - `Occupation Data.txt` → occupations (`urn:onet:occupation:<O*NET-SOC code>`), with
//!   `Alternate Titles.txt` (alternate and short titles) and `Sample of Reported Titles.txt` as
//!   alternative labels and `Job Zones.txt` as the code system `onet-job-zone`.
//! - `Skills.txt` and `Knowledge.txt` → skills of type skill / knowledge
//!   (`urn:onet:element:<element id>`), grouped under their content-model parents
//!   (`Content Model Reference.txt`); each importance rating (scale `IM`, 1–5) becomes an
//!   occupation → skill relation weighted by the importance: *essential* from
//!   [`ESSENTIAL_IMPORTANCE`] up, *optional* below. Suppressed ratings are skipped.
//! - `Technology Skills.txt` → one knowledge skill per technology example
//!   (`urn:onet:technology:<slug>`) under its commodity class as skill group; occupation →
//!   technology relations are optional, weighted 1.0 when in demand, 0.75 when a hot
//!   technology, 0.5 otherwise.
//! - `Related Occupations.txt` → related-occupation relations weighted by tier.
//!
//! Only `Occupation Data.txt` is required; the other files are read when present.

use super::table::Table;
use crate::error::ImportError;
use crate::model::{
    ConceptKind, ConceptRecord, Dataset, LabelKind, RelationKind, RelationRecord, SkillType,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The source key under which O*NET is stored.
pub const SOURCE: &str = "onet";

/// Importance (scale 1–5) from which an O*NET skill counts as essential to an occupation.
pub const ESSENTIAL_IMPORTANCE: f64 = 3.5;

const LANG: &str = "en";

/// The URI of an O*NET occupation.
pub fn occupation_uri(code: &str) -> String {
    format!("urn:onet:occupation:{code}")
}

fn element_uri(id: &str) -> String {
    format!("urn:onet:element:{id}")
}

/// Reads the O*NET text files in `dir`; when `crosswalk` is given, its ESCO ↔ O*NET mappings
/// are added as relations from O*NET occupations to ESCO concepts.
pub fn import_onet(
    dir: &Path,
    version: Option<&str>,
    crosswalk: Option<&Path>,
) -> Result<Dataset, ImportError> {
    let version = version
        .map(str::to_string)
        .or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| n.chars().next().is_some_and(|c| c.is_ascii_digit()))
        })
        .unwrap_or_else(|| "unknown".to_string());
    let mut builder = Builder {
        dataset: Dataset::new(SOURCE, version),
        ..Builder::default()
    };
    builder.dataset.title.insert(
        LANG.into(),
        "O*NET (Occupational Information Network)".into(),
    );

    builder.occupations(&dir.join("Occupation Data.txt"))?;
    let optional = |name: &str| Some(dir.join(name)).filter(|p| p.exists());
    if let Some(path) = optional("Alternate Titles.txt") {
        builder.titles(&path, &["Alternate Title", "Short Title"])?;
    }
    if let Some(path) = optional("Sample of Reported Titles.txt") {
        builder.titles(&path, &["Reported Job Title"])?;
    }
    if let Some(path) = optional("Job Zones.txt") {
        builder.job_zones(&path)?;
    }
    let elements = match optional("Content Model Reference.txt") {
        Some(path) => read_content_model(&path)?,
        None => BTreeMap::new(),
    };
    if let Some(path) = optional("Skills.txt") {
        builder.ratings(&path, SkillType::Skill, &elements)?;
    }
    if let Some(path) = optional("Knowledge.txt") {
        builder.ratings(&path, SkillType::Knowledge, &elements)?;
    }
    if let Some(path) = optional("Technology Skills.txt") {
        builder.technology(&path)?;
    }
    if let Some(path) = optional("Related Occupations.txt") {
        builder.related(&path)?;
    }
    if let Some(path) = crosswalk {
        builder.crosswalk(path)?;
    }
    Ok(builder.dataset)
}

#[derive(Default)]
struct Builder {
    dataset: Dataset,
    index: HashMap<String, usize>,
}

impl Builder {
    fn add(&mut self, concept: ConceptRecord) -> usize {
        if let Some(&i) = self.index.get(&concept.uri) {
            return i;
        }
        self.index
            .insert(concept.uri.clone(), self.dataset.concepts.len());
        self.dataset.concepts.push(concept);
        self.dataset.concepts.len() - 1
    }

    fn relate(&mut self, from: String, to: String, kind: RelationKind, weight: Option<f64>) {
        self.dataset.relations.push(RelationRecord {
            from,
            to,
            kind,
            weight,
        });
    }

    /// The position of a known occupation, or an error at the row.
    fn occupation(&self, row: &super::table::Row<'_>, column: &str) -> Result<usize, ImportError> {
        let code = row.required(column)?;
        self.index
            .get(&occupation_uri(code))
            .copied()
            .ok_or_else(|| row.error(column, format!("unknown O*NET-SOC code {code}")))
    }

    fn occupations(&mut self, path: &Path) -> Result<(), ImportError> {
        let mut table = Table::open(path, b'\t', None)?;
        table.require_columns(&["O*NET-SOC Code", "Title"])?;
        while let Some(row) = table.next_row()? {
            let code = row.required("O*NET-SOC Code")?;
            if !is_soc_code(code) {
                return Err(row.error(
                    "O*NET-SOC Code",
                    format!("'{code}' is not an O*NET-SOC code (NN-NNNN.NN)"),
                ));
            }
            let uri = occupation_uri(code);
            if self.index.contains_key(&uri) {
                return Err(row.error("O*NET-SOC Code", format!("duplicate occupation {code}")));
            }
            let mut concept = ConceptRecord::new(uri, ConceptKind::Occupation);
            concept.code = Some(code.to_string());
            concept.add_code("onet-soc", code);
            concept.add_label(LANG, LabelKind::Preferred, row.required("Title")?);
            concept.add_description(LANG, row.get("Description"));
            self.add(concept);
        }
        Ok(())
    }

    fn titles(&mut self, path: &Path, columns: &[&str]) -> Result<(), ImportError> {
        let mut table = Table::open(path, b'\t', None)?;
        table.require_columns(&["O*NET-SOC Code"])?;
        table.require_columns(&columns[..1])?;
        while let Some(row) = table.next_row()? {
            let i = self.occupation(&row, "O*NET-SOC Code")?;
            for column in columns {
                let title = row.get(column);
                self.dataset.concepts[i].add_label(LANG, LabelKind::Alternative, title);
            }
        }
        Ok(())
    }

    fn job_zones(&mut self, path: &Path) -> Result<(), ImportError> {
        let mut table = Table::open(path, b'\t', None)?;
        table.require_columns(&["O*NET-SOC Code", "Job Zone"])?;
        while let Some(row) = table.next_row()? {
            let i = self.occupation(&row, "O*NET-SOC Code")?;
            let zone = row.required("Job Zone")?;
            if !matches!(zone, "1" | "2" | "3" | "4" | "5") {
                return Err(row.error("Job Zone", format!("'{zone}' is not a job zone 1–5")));
            }
            self.dataset.concepts[i].add_code("onet-job-zone", zone);
        }
        Ok(())
    }

    /// Adds a skill element and its content-model ancestors as groups.
    fn element(
        &mut self,
        id: &str,
        name: &str,
        skill_type: SkillType,
        elements: &BTreeMap<String, (String, String)>,
    ) -> String {
        let uri = element_uri(id);
        if self.index.contains_key(&uri) {
            return uri;
        }
        let mut concept = ConceptRecord::new(&uri, ConceptKind::Skill);
        concept.code = Some(id.to_string());
        concept.skill_type = Some(skill_type);
        concept.add_code("onet-element", id);
        concept.add_label(LANG, LabelKind::Preferred, name);
        if let Some((_, description)) = elements.get(id) {
            concept.add_description(LANG, description);
        }
        self.add(concept);
        // Walk up the content model: 2.A.1.a → 2.A.1 → 2.A → 2 (the domain, "Worker
        // Requirements"), each a skill group.
        let mut child = uri.clone();
        let mut current = id;
        while let Some((parent, _)) = current.rsplit_once('.') {
            let Some((parent_name, parent_description)) = elements.get(parent) else {
                break;
            };
            let parent_uri = element_uri(parent);
            self.relate(child, parent_uri.clone(), RelationKind::Broader, None);
            if self.index.contains_key(&parent_uri) {
                break;
            }
            let mut group = ConceptRecord::new(&parent_uri, ConceptKind::SkillGroup);
            group.code = Some(parent.to_string());
            group.add_code("onet-element", parent);
            group.add_label(LANG, LabelKind::Preferred, parent_name);
            group.add_description(LANG, parent_description);
            self.add(group);
            child = parent_uri;
            current = parent;
        }
        uri
    }

    fn ratings(
        &mut self,
        path: &Path,
        skill_type: SkillType,
        elements: &BTreeMap<String, (String, String)>,
    ) -> Result<(), ImportError> {
        let mut table = Table::open(path, b'\t', None)?;
        table.require_columns(&[
            "O*NET-SOC Code",
            "Element ID",
            "Element Name",
            "Scale ID",
            "Data Value",
        ])?;
        while let Some(row) = table.next_row()? {
            if row.get("Scale ID") != "IM" || row.get("Recommend Suppress") == "Y" {
                continue;
            }
            let i = self.occupation(&row, "O*NET-SOC Code")?;
            let importance = row
                .number("Data Value")?
                .ok_or_else(|| row.error("Data Value", "value is empty"))?;
            if !(1.0..=5.0).contains(&importance) {
                return Err(row.error(
                    "Data Value",
                    format!("importance {importance} is outside 1–5"),
                ));
            }
            let skill = self.element(
                row.required("Element ID")?,
                row.required("Element Name")?,
                skill_type,
                elements,
            );
            let kind = if importance >= ESSENTIAL_IMPORTANCE {
                RelationKind::Essential
            } else {
                RelationKind::Optional
            };
            let occupation = self.dataset.concepts[i].uri.clone();
            self.relate(occupation, skill, kind, Some(importance));
        }
        Ok(())
    }

    fn technology(&mut self, path: &Path) -> Result<(), ImportError> {
        let mut table = Table::open(path, b'\t', None)?;
        table.require_columns(&[
            "O*NET-SOC Code",
            "Example",
            "Commodity Code",
            "Commodity Title",
        ])?;
        let mut seen_group_links: std::collections::HashSet<(String, String)> = Default::default();
        while let Some(row) = table.next_row()? {
            let i = self.occupation(&row, "O*NET-SOC Code")?;
            let example = row.required("Example")?;
            let commodity = row.required("Commodity Code")?;
            let group_uri = format!("urn:onet:commodity:{commodity}");
            if !self.index.contains_key(&group_uri) {
                let mut group = ConceptRecord::new(&group_uri, ConceptKind::SkillGroup);
                group.code = Some(commodity.to_string());
                group.add_code("unspsc", commodity);
                group.add_label(LANG, LabelKind::Preferred, row.required("Commodity Title")?);
                self.add(group);
            }
            let uri = format!("urn:onet:technology:{}", slug(example));
            if !self.index.contains_key(&uri) {
                let mut skill = ConceptRecord::new(&uri, ConceptKind::Skill);
                skill.skill_type = Some(SkillType::Knowledge);
                skill.add_label(LANG, LabelKind::Preferred, example);
                self.add(skill);
            }
            if seen_group_links.insert((uri.clone(), group_uri.clone())) {
                self.relate(uri.clone(), group_uri, RelationKind::Broader, None);
            }
            let weight = if row.get("In Demand") == "Y" {
                1.0
            } else if row.get("Hot Technology") == "Y" {
                0.75
            } else {
                0.5
            };
            let occupation = self.dataset.concepts[i].uri.clone();
            self.relate(occupation, uri, RelationKind::Optional, Some(weight));
        }
        Ok(())
    }

    fn related(&mut self, path: &Path) -> Result<(), ImportError> {
        let mut table = Table::open(path, b'\t', None)?;
        table.require_columns(&[
            "O*NET-SOC Code",
            "Related O*NET-SOC Code",
            "Relatedness Tier",
        ])?;
        while let Some(row) = table.next_row()? {
            let from = self.occupation(&row, "O*NET-SOC Code")?;
            let to = self.occupation(&row, "Related O*NET-SOC Code")?;
            let weight = match row.required("Relatedness Tier")? {
                "Primary-Short" => 1.0,
                "Primary-Long" => 0.75,
                "Supplemental" => 0.5,
                other => {
                    return Err(row.error("Relatedness Tier", format!("unknown tier '{other}'")))
                }
            };
            let (from, to) = (
                self.dataset.concepts[from].uri.clone(),
                self.dataset.concepts[to].uri.clone(),
            );
            self.relate(from, to, RelationKind::RelatedOccupation, Some(weight));
        }
        Ok(())
    }

    fn crosswalk(&mut self, path: &Path) -> Result<(), ImportError> {
        let mut table = Table::open(path, b',', Some("O*NET Id"))?;
        table.require_columns(&["O*NET Id", "ESCO or ISCO URI", "Type of Match"])?;
        while let Some(row) = table.next_row()? {
            let code = row.required("O*NET Id")?;
            let Some(&i) = self.index.get(&occupation_uri(code)) else {
                // The crosswalk is against O*NET-SOC 2019; a code absent from this release is
                // not an error of the file, it is simply not mapped.
                continue;
            };
            let target = row.required("ESCO or ISCO URI")?;
            let kind = match row.required("Type of Match")? {
                "exactMatch" | "exactISCO" => RelationKind::ExactMatch,
                "closeMatch" => RelationKind::CloseMatch,
                "broadMatch" => RelationKind::BroadMatch,
                "narrowMatch" => RelationKind::NarrowMatch,
                other => {
                    return Err(row.error("Type of Match", format!("unknown match type '{other}'")))
                }
            };
            let from = self.dataset.concepts[i].uri.clone();
            self.relate(from, target.to_string(), kind, None);
        }
        Ok(())
    }
}

/// Element id → (name, description) from the content model.
fn read_content_model(path: &Path) -> Result<BTreeMap<String, (String, String)>, ImportError> {
    let mut table = Table::open(path, b'\t', None)?;
    table.require_columns(&["Element ID", "Element Name"])?;
    let mut elements = BTreeMap::new();
    while let Some(row) = table.next_row()? {
        elements.insert(
            row.required("Element ID")?.to_string(),
            (
                row.required("Element Name")?.to_string(),
                row.get("Description").to_string(),
            ),
        );
    }
    Ok(elements)
}

fn is_soc_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 10
        && b[2] == b'-'
        && b[7] == b'.'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 7 || c.is_ascii_digit())
}

/// A stable URI fragment for a technology name: folded, runs of non-alphanumerics → `-`.
fn slug(name: &str) -> String {
    let folded = openpes_text::fold(name);
    let mut out = String::with_capacity(folded.len());
    for c in folded.chars() {
        if c.is_alphanumeric() || c == '+' || c == '#' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_soc_codes() {
        assert!(is_soc_code("11-1011.00"));
        assert!(!is_soc_code("11-1011"));
        assert!(!is_soc_code("1a-1011.00"));
    }

    #[test]
    fn slugs_are_stable_and_readable() {
        assert_eq!(slug("Microsoft Excel"), "microsoft-excel");
        assert_eq!(slug("C++"), "c++");
        assert_eq!(slug("  SAP  ERP / HCM "), "sap-erp-hcm");
    }
}
