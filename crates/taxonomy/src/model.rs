//! The taxonomy's records: what importers produce, what the store persists and what the
//! in-memory read model is built from.
//!
//! A [`Dataset`] is the unit of import: everything one source (ESCO, O*NET, a national bundle,
//! the starter taxonomy) contributes, at one version. Concepts are identified by stable URIs;
//! relations refer to URIs and may point into other datasets (a crosswalk), so they are
//! resolved only when the read model is built.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// All values, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable wire and database name of this value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        what: stringify!($name),
                        value: s.to_string(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }
    };
}

/// A string that is not one of the names of an enumeration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{value}' (expected one of: {})", expected.join(", "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static [&'static str],
}

string_enum!(
    /// What a concept is.
    ConceptKind {
        Occupation => "occupation",
        Skill => "skill",
        OccupationGroup => "occupation_group",
        SkillGroup => "skill_group",
    }
);

string_enum!(
    /// The nature of a skill concept.
    SkillType {
        Skill => "skill",
        Knowledge => "knowledge",
        Language => "language",
        Attitude => "attitude",
    }
);

string_enum!(
    /// How widely a skill applies (ESCO's reuse level).
    ReuseLevel {
        Transversal => "transversal",
        CrossSector => "cross-sector",
        SectorSpecific => "sector-specific",
        OccupationSpecific => "occupation-specific",
    }
);

string_enum!(
    /// The role of a label (SKOS preferred, alternative or hidden label).
    LabelKind {
        Preferred => "preferred",
        Alternative => "alternative",
        Hidden => "hidden",
    }
);

string_enum!(
    /// A typed, directed relation between two concepts.
    RelationKind {
        /// occupation → skill it cannot do without.
        Essential => "essential",
        /// occupation → skill that is useful.
        Optional => "optional",
        /// skill → skill that it essentially needs.
        SkillEssential => "skill_essential",
        /// skill → skill that is optionally related.
        SkillOptional => "skill_optional",
        /// occupation → similar occupation (a career transition).
        RelatedOccupation => "related_occupation",
        /// narrower → broader (hierarchy).
        Broader => "broader",
        /// crosswalk: same meaning in another classification.
        ExactMatch => "exact_match",
        /// crosswalk: close in meaning.
        CloseMatch => "close_match",
        /// crosswalk: the target is broader.
        BroadMatch => "broad_match",
        /// crosswalk: the target is narrower.
        NarrowMatch => "narrow_match",
    }
);

impl RelationKind {
    /// True for the crosswalk relations between classifications.
    pub fn is_mapping(self) -> bool {
        matches!(
            self,
            RelationKind::ExactMatch
                | RelationKind::CloseMatch
                | RelationKind::BroadMatch
                | RelationKind::NarrowMatch
        )
    }
}

/// A label of a concept in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelRecord {
    pub lang: String,
    pub kind: LabelKind,
    pub text: String,
}

/// A description of a concept in one language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DescriptionRecord {
    pub lang: String,
    pub text: String,
}

/// A code of a concept in some classification system (`isco08`, `onet-soc`, `esco`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    pub system: String,
    pub code: String,
}

/// One concept as imported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConceptRecord {
    pub uri: String,
    pub kind: ConceptKind,
    /// Short code shown to people (ESCO code, ISCO code, O*NET-SOC code, bundle id).
    pub code: Option<String>,
    pub skill_type: Option<SkillType>,
    pub reuse_level: Option<ReuseLevel>,
    pub labels: Vec<LabelRecord>,
    pub descriptions: Vec<DescriptionRecord>,
    pub codes: Vec<CodeRecord>,
}

impl ConceptRecord {
    /// A concept with no labels, descriptions or codes yet.
    pub fn new(uri: impl Into<String>, kind: ConceptKind) -> Self {
        ConceptRecord {
            uri: uri.into(),
            kind,
            code: None,
            skill_type: None,
            reuse_level: None,
            labels: Vec::new(),
            descriptions: Vec::new(),
            codes: Vec::new(),
        }
    }

    /// Adds a label unless it is blank or already present with the same language and kind.
    pub fn add_label(&mut self, lang: &str, kind: LabelKind, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let exists = self
            .labels
            .iter()
            .any(|l| l.lang == lang && l.kind == kind && l.text == text);
        if !exists {
            self.labels.push(LabelRecord {
                lang: lang.to_string(),
                kind,
                text: text.to_string(),
            });
        }
    }

    /// Adds a description unless it is blank.
    pub fn add_description(&mut self, lang: &str, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.descriptions.push(DescriptionRecord {
                lang: lang.to_string(),
                text: text.to_string(),
            });
        }
    }

    /// Adds a crosswalk code unless it is blank or already present.
    pub fn add_code(&mut self, system: &str, code: &str) {
        let code = code.trim();
        if code.is_empty()
            || self
                .codes
                .iter()
                .any(|c| c.system == system && c.code == code)
        {
            return;
        }
        self.codes.push(CodeRecord {
            system: system.to_string(),
            code: code.to_string(),
        });
    }
}

/// A directed relation between two concepts, by URI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationRecord {
    pub from: String,
    pub to: String,
    pub kind: RelationKind,
    /// Strength where the source gives one (O*NET importance, relatedness), else `None`.
    pub weight: Option<f64>,
}

/// Everything one source contributes to the taxonomy, at one version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    /// Short key of the source (`esco`, `onet`, `starter`, a bundle's `source`).
    pub source: String,
    pub version: String,
    /// Title per language.
    pub title: BTreeMap<String, String>,
    pub concepts: Vec<ConceptRecord>,
    pub relations: Vec<RelationRecord>,
}

/// Counts of what a dataset (or the whole taxonomy) holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub occupations: usize,
    pub skills: usize,
    pub occupation_groups: usize,
    pub skill_groups: usize,
    pub labels: usize,
    pub descriptions: usize,
    pub occupation_skill_relations: usize,
    pub skill_skill_relations: usize,
    pub hierarchy_relations: usize,
    pub related_occupation_relations: usize,
    pub mapping_relations: usize,
}

impl Counts {
    /// Adds another set of counts to these.
    pub fn merge(&mut self, other: &Counts) {
        self.occupations += other.occupations;
        self.skills += other.skills;
        self.occupation_groups += other.occupation_groups;
        self.skill_groups += other.skill_groups;
        self.labels += other.labels;
        self.descriptions += other.descriptions;
        self.occupation_skill_relations += other.occupation_skill_relations;
        self.skill_skill_relations += other.skill_skill_relations;
        self.hierarchy_relations += other.hierarchy_relations;
        self.related_occupation_relations += other.related_occupation_relations;
        self.mapping_relations += other.mapping_relations;
    }

    /// Adds one concept's kind to the counts.
    pub fn add_concept(&mut self, kind: ConceptKind) {
        match kind {
            ConceptKind::Occupation => self.occupations += 1,
            ConceptKind::Skill => self.skills += 1,
            ConceptKind::OccupationGroup => self.occupation_groups += 1,
            ConceptKind::SkillGroup => self.skill_groups += 1,
        }
    }

    /// Adds one relation's kind to the counts.
    pub fn add_relation(&mut self, kind: RelationKind) {
        match kind {
            RelationKind::Essential | RelationKind::Optional => {
                self.occupation_skill_relations += 1
            }
            RelationKind::SkillEssential | RelationKind::SkillOptional => {
                self.skill_skill_relations += 1
            }
            RelationKind::Broader => self.hierarchy_relations += 1,
            RelationKind::RelatedOccupation => self.related_occupation_relations += 1,
            RelationKind::ExactMatch
            | RelationKind::CloseMatch
            | RelationKind::BroadMatch
            | RelationKind::NarrowMatch => self.mapping_relations += 1,
        }
    }
}

impl Dataset {
    /// An empty dataset of `source` at `version`.
    pub fn new(source: impl Into<String>, version: impl Into<String>) -> Self {
        Dataset {
            source: source.into(),
            version: version.into(),
            title: BTreeMap::new(),
            concepts: Vec::new(),
            relations: Vec::new(),
        }
    }

    /// What this dataset holds.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for concept in &self.concepts {
            counts.add_concept(concept.kind);
            counts.labels += concept.labels.len();
            counts.descriptions += concept.descriptions.len();
        }
        for relation in &self.relations {
            counts.add_relation(relation.kind);
        }
        counts
    }

    /// A SHA-256 digest of the whole content: equal datasets have equal digests, so a
    /// re-import of unchanged content can be recognised and skipped.
    pub fn content_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let mut feed = |s: &str| {
            hasher.update((s.len() as u64).to_le_bytes());
            hasher.update(s.as_bytes());
        };
        feed(&self.source);
        feed(&self.version);
        for (lang, title) in &self.title {
            feed(lang);
            feed(title);
        }
        for c in &self.concepts {
            feed(&c.uri);
            feed(c.kind.as_str());
            feed(c.code.as_deref().unwrap_or("\u{0}"));
            feed(c.skill_type.map_or("\u{0}", SkillType::as_str));
            feed(c.reuse_level.map_or("\u{0}", ReuseLevel::as_str));
            for l in &c.labels {
                feed(&l.lang);
                feed(l.kind.as_str());
                feed(&l.text);
            }
            feed("\u{1}");
            for d in &c.descriptions {
                feed(&d.lang);
                feed(&d.text);
            }
            feed("\u{1}");
            for code in &c.codes {
                feed(&code.system);
                feed(&code.code);
            }
            feed("\u{1}");
        }
        for r in &self.relations {
            feed(&r.from);
            feed(&r.to);
            feed(r.kind.as_str());
            feed(&r.weight.map_or_else(String::new, |w| w.to_string()));
        }
        hex::encode(hasher.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_names() {
        for kind in RelationKind::ALL {
            assert_eq!(kind.as_str().parse::<RelationKind>(), Ok(*kind));
        }
        let err = "job".parse::<ConceptKind>().unwrap_err();
        assert!(err.to_string().contains("'job'"), "{err}");
        assert!(err.to_string().contains("occupation"), "{err}");
    }

    #[test]
    fn content_hash_changes_with_content() {
        let mut a = Dataset::new("x", "1");
        let mut c = ConceptRecord::new("urn:x:1", ConceptKind::Skill);
        c.add_label("en", LabelKind::Preferred, "weld metal");
        a.concepts.push(c);
        let b = a.clone();
        assert_eq!(a.content_hash(), b.content_hash());
        let mut changed = a.clone();
        changed.concepts[0].labels[0].text = "weld metals".into();
        assert_ne!(a.content_hash(), changed.content_hash());
    }

    #[test]
    fn labels_are_deduplicated_and_trimmed() {
        let mut c = ConceptRecord::new("urn:x:1", ConceptKind::Skill);
        c.add_label("en", LabelKind::Alternative, " weld ");
        c.add_label("en", LabelKind::Alternative, "weld");
        c.add_label("en", LabelKind::Alternative, "  ");
        assert_eq!(c.labels.len(), 1);
        assert_eq!(c.labels[0].text, "weld");
    }
}
