//! The immutable in-memory read model of the whole taxonomy.
//!
//! Built from the datasets stored in the database (the system of record) at start-up, it gives
//! every concept a dense integer id ([`ConceptId`]) and answers look-ups by URI and code, label
//! choice by language, hierarchy navigation, occupation ↔ skill relations, skill ↔ skill
//! relations, crosswalk mappings and typeahead search without touching the database.
//! Relations whose endpoints are not in the taxonomy (a crosswalk imported without its
//! counterpart) are kept out and counted in the [`BuildReport`].

use crate::error::TaxonomyError;
use crate::model::{
    CodeRecord, ConceptKind, Counts, Dataset, DescriptionRecord, LabelKind, LabelRecord,
    RelationKind, ReuseLevel, SkillType,
};
use crate::search::{Hit, LabelInput, SearchIndex, SearchOptions};
use std::collections::{BTreeMap, HashMap};

/// Dense id of a concept in one read model (not stable across rebuilds: use URIs outside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConceptId(pub u32);

/// A concept of the read model.
#[derive(Debug, Clone)]
pub struct Concept {
    pub id: ConceptId,
    pub uri: String,
    /// Index into [`Taxonomy::sources`].
    pub source: u16,
    pub kind: ConceptKind,
    pub code: Option<String>,
    pub skill_type: Option<SkillType>,
    pub reuse_level: Option<ReuseLevel>,
    pub labels: Vec<LabelRecord>,
    pub descriptions: Vec<DescriptionRecord>,
    pub codes: Vec<CodeRecord>,
}

/// A typed edge from one concept to another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub kind: RelationKind,
    pub target: ConceptId,
    pub weight: Option<f32>,
}

/// A source's version information, as held by the read model.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceInfo {
    pub source: String,
    pub version: String,
    pub title: BTreeMap<String, String>,
    pub counts: Counts,
}

/// What happened while building the read model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildReport {
    /// Relations dropped because one end is not in the taxonomy.
    pub dangling_relations: usize,
    /// A few examples of the missing URIs.
    pub dangling_examples: Vec<String>,
}

/// The read model. Cheap to share behind an `Arc`; rebuilt, never mutated.
pub struct Taxonomy {
    concepts: Vec<Concept>,
    by_uri: HashMap<String, ConceptId>,
    by_code: HashMap<(String, String), Vec<ConceptId>>,
    /// Short codes and crosswalk codes of every system, for exact code search.
    by_any_code: HashMap<String, Vec<ConceptId>>,
    /// Folded label text → concepts carrying it (any language, any label kind).
    by_label: HashMap<String, Vec<ConceptId>>,
    outgoing: Vec<Vec<Edge>>,
    incoming: Vec<Vec<Edge>>,
    sources: Vec<SourceInfo>,
    languages: Vec<String>,
    search: SearchIndex,
}

/// The language used when a label is missing in the requested one.
pub const FALLBACK_LANG: &str = "en";

impl Taxonomy {
    /// Builds the read model from datasets (one per source).
    pub fn build(datasets: Vec<Dataset>) -> Result<(Taxonomy, BuildReport), TaxonomyError> {
        let mut concepts = Vec::new();
        let mut by_uri: HashMap<String, ConceptId> = HashMap::new();
        let mut sources = Vec::new();
        let mut relations = Vec::new();
        for (source_index, dataset) in datasets.into_iter().enumerate() {
            sources.push(SourceInfo {
                source: dataset.source.clone(),
                version: dataset.version.clone(),
                title: dataset.title.clone(),
                counts: dataset.counts(),
            });
            for record in dataset.concepts {
                let id = ConceptId(concepts.len() as u32);
                if let Some(existing) = by_uri.insert(record.uri.clone(), id) {
                    let first = &concepts[existing.0 as usize];
                    let first: &Concept = first;
                    return Err(TaxonomyError::DuplicateConcept {
                        uri: record.uri,
                        first: sources[first.source as usize].source.clone(),
                        second: dataset.source,
                    });
                }
                concepts.push(Concept {
                    id,
                    uri: record.uri,
                    source: source_index as u16,
                    kind: record.kind,
                    code: record.code,
                    skill_type: record.skill_type,
                    reuse_level: record.reuse_level,
                    labels: record.labels,
                    descriptions: record.descriptions,
                    codes: record.codes,
                });
            }
            relations.extend(dataset.relations);
        }

        let mut report = BuildReport::default();
        let mut outgoing = vec![Vec::new(); concepts.len()];
        let mut incoming = vec![Vec::new(); concepts.len()];
        for relation in relations {
            let (Some(&from), Some(&to)) = (by_uri.get(&relation.from), by_uri.get(&relation.to))
            else {
                report.dangling_relations += 1;
                if report.dangling_examples.len() < 5 {
                    let missing = if by_uri.contains_key(&relation.from) {
                        relation.to
                    } else {
                        relation.from
                    };
                    report.dangling_examples.push(missing);
                }
                continue;
            };
            let weight = relation.weight.map(|w| w as f32);
            outgoing[from.0 as usize].push(Edge {
                kind: relation.kind,
                target: to,
                weight,
            });
            incoming[to.0 as usize].push(Edge {
                kind: relation.kind,
                target: from,
                weight,
            });
        }
        for edges in outgoing.iter_mut().chain(incoming.iter_mut()) {
            edges.sort_by_key(|e| (e.kind, e.target));
            edges.dedup_by_key(|e| (e.kind, e.target));
        }

        let mut by_code: HashMap<(String, String), Vec<ConceptId>> = HashMap::new();
        let mut by_any_code: HashMap<String, Vec<ConceptId>> = HashMap::new();
        for concept in &concepts {
            let codes = concept
                .code
                .iter()
                .chain(concept.codes.iter().map(|c| &c.code));
            for code in codes {
                let ids = by_any_code.entry(code.clone()).or_default();
                if ids.last() != Some(&concept.id) {
                    ids.push(concept.id);
                }
            }
            for code in &concept.codes {
                by_code
                    .entry((code.system.clone(), code.code.clone()))
                    .or_default()
                    .push(concept.id);
            }
        }

        let mut by_label: HashMap<String, Vec<ConceptId>> = HashMap::new();
        for concept in &concepts {
            for label in &concept.labels {
                let ids = by_label.entry(openpes_text::fold(&label.text)).or_default();
                if ids.last() != Some(&concept.id) {
                    ids.push(concept.id);
                }
            }
        }
        let mut languages: Vec<String> = concepts
            .iter()
            .flat_map(|c| c.labels.iter().map(|l| l.lang.as_str()))
            .collect::<std::collections::BTreeSet<&str>>()
            .into_iter()
            .map(str::to_string)
            .collect();
        languages.sort();
        let search = SearchIndex::build(concepts.iter().flat_map(|c| {
            c.labels.iter().enumerate().map(move |(i, l)| LabelInput {
                concept: c.id,
                label: i,
                lang: &l.lang,
                kind: c.kind,
                label_kind: l.kind,
                text: &l.text,
            })
        }));
        Ok((
            Taxonomy {
                concepts,
                by_uri,
                by_code,
                by_any_code,
                by_label,
                outgoing,
                incoming,
                sources,
                languages,
                search,
            },
            report,
        ))
    }

    /// All concepts, ordered by id.
    pub fn concepts(&self) -> &[Concept] {
        &self.concepts
    }

    /// The concept with this id. Ids come from this read model, so they are always valid.
    pub fn concept(&self, id: ConceptId) -> &Concept {
        &self.concepts[id.0 as usize]
    }

    /// The concept with this id, if the id is in range (for ids that came from outside).
    pub fn get(&self, id: u32) -> Option<&Concept> {
        self.concepts.get(id as usize)
    }

    /// Looks up a concept by its URI.
    pub fn by_uri(&self, uri: &str) -> Option<ConceptId> {
        self.by_uri.get(uri).copied()
    }

    /// Concepts that carry `code` in `system` (`isco08`, `esco`, `onet-soc`, …).
    pub fn by_code(&self, system: &str, code: &str) -> &[ConceptId] {
        self.by_code
            .get(&(system.to_string(), code.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Concepts with a label equal to `text` after folding (case, width and diacritics
    /// ignored), in any language and of any label kind, ordered by id.
    pub fn by_label(&self, text: &str) -> &[ConceptId] {
        self.by_label
            .get(&openpes_text::fold(text.trim()))
            .map_or(&[], Vec::as_slice)
    }

    /// The sources (datasets) in the taxonomy, with versions and counts.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.sources
    }

    /// The index (as in [`Concept::source`]) of the source with key `name` (`esco`, `onet`,
    /// `starter`, a bundle's source).
    pub fn source_index(&self, name: &str) -> Option<u16> {
        self.sources
            .iter()
            .position(|s| s.source == name)
            .map(|i| i as u16)
    }

    /// The languages that have at least one label.
    pub fn languages(&self) -> &[String] {
        &self.languages
    }

    /// Counts over all sources.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for c in &self.concepts {
            counts.add_concept(c.kind);
            counts.labels += c.labels.len();
            counts.descriptions += c.descriptions.len();
        }
        for edge in self.outgoing.iter().flatten() {
            counts.add_relation(edge.kind);
        }
        counts
    }

    /// The preferred label in `lang`, else in English, else any preferred label, else the URI.
    pub fn preferred_label(&self, id: ConceptId, lang: &str) -> &str {
        let concept = self.concept(id);
        let preferred = |want: &str| {
            concept
                .labels
                .iter()
                .find(|l| l.kind == LabelKind::Preferred && l.lang == want)
        };
        preferred(lang)
            .or_else(|| preferred(FALLBACK_LANG))
            .or_else(|| {
                concept
                    .labels
                    .iter()
                    .find(|l| l.kind == LabelKind::Preferred)
            })
            .map_or(concept.uri.as_str(), |l| l.text.as_str())
    }

    /// The description in `lang`, else in English, else none.
    pub fn description(&self, id: ConceptId, lang: &str) -> Option<&str> {
        let concept = self.concept(id);
        let find = |want: &str| concept.descriptions.iter().find(|d| d.lang == want);
        find(lang)
            .or_else(|| find(FALLBACK_LANG))
            .map(|d| d.text.as_str())
    }

    /// Outgoing edges of one kind.
    pub fn outgoing(&self, id: ConceptId, kind: RelationKind) -> impl Iterator<Item = &Edge> {
        self.outgoing[id.0 as usize]
            .iter()
            .filter(move |e| e.kind == kind)
    }

    /// Incoming edges of one kind (the edge's target is the other end).
    pub fn incoming(&self, id: ConceptId, kind: RelationKind) -> impl Iterator<Item = &Edge> {
        self.incoming[id.0 as usize]
            .iter()
            .filter(move |e| e.kind == kind)
    }

    /// All outgoing edges.
    pub fn all_outgoing(&self, id: ConceptId) -> &[Edge] {
        &self.outgoing[id.0 as usize]
    }

    /// All incoming edges.
    pub fn all_incoming(&self, id: ConceptId) -> &[Edge] {
        &self.incoming[id.0 as usize]
    }

    /// The direct broader concepts (parents in the hierarchy).
    pub fn broader(&self, id: ConceptId) -> Vec<ConceptId> {
        self.outgoing(id, RelationKind::Broader)
            .map(|e| e.target)
            .collect()
    }

    /// The direct narrower concepts (children), ordered by code then id.
    pub fn narrower(&self, id: ConceptId) -> Vec<ConceptId> {
        let mut children: Vec<ConceptId> = self
            .incoming(id, RelationKind::Broader)
            .map(|e| e.target)
            .collect();
        children.sort_by(|a, b| {
            self.concept(*a)
                .code
                .cmp(&self.concept(*b).code)
                .then(a.cmp(b))
        });
        children
    }

    /// Every ancestor, nearest first (breadth-first; each once, cycles are cut).
    pub fn ancestors(&self, id: ConceptId) -> Vec<ConceptId> {
        let mut seen = vec![id];
        let mut out = Vec::new();
        let mut frontier = vec![id];
        while !frontier.is_empty() {
            let mut next = Vec::new();
            for current in frontier {
                for parent in self.broader(current) {
                    if !seen.contains(&parent) {
                        seen.push(parent);
                        out.push(parent);
                        next.push(parent);
                    }
                }
            }
            frontier = next;
        }
        out
    }

    /// Concepts of `kind` with no broader concept of a group kind: the tops of a hierarchy.
    pub fn roots(&self, kind: ConceptKind) -> Vec<ConceptId> {
        let mut roots: Vec<ConceptId> = self
            .concepts
            .iter()
            .filter(|c| {
                c.kind == kind && self.outgoing(c.id, RelationKind::Broader).next().is_none()
            })
            .map(|c| c.id)
            .collect();
        roots.sort_by(|a, b| {
            self.concept(*a)
                .code
                .cmp(&self.concept(*b).code)
                .then(a.cmp(b))
        });
        roots
    }

    /// An occupation's skills: essential first, then optional; by weight, then id.
    pub fn skills_of(&self, occupation: ConceptId) -> Vec<Edge> {
        let mut edges: Vec<Edge> = self.outgoing[occupation.0 as usize]
            .iter()
            .filter(|e| matches!(e.kind, RelationKind::Essential | RelationKind::Optional))
            .copied()
            .collect();
        sort_edges(&mut edges);
        edges
    }

    /// The occupations that need a skill, essential first.
    pub fn occupations_needing(&self, skill: ConceptId) -> Vec<Edge> {
        let mut edges: Vec<Edge> = self.incoming[skill.0 as usize]
            .iter()
            .filter(|e| matches!(e.kind, RelationKind::Essential | RelationKind::Optional))
            .copied()
            .collect();
        sort_edges(&mut edges);
        edges
    }

    /// Skills related to a skill, in either direction.
    pub fn related_skills(&self, skill: ConceptId) -> Vec<Edge> {
        let is_related = |e: &&Edge| {
            matches!(
                e.kind,
                RelationKind::SkillEssential | RelationKind::SkillOptional
            )
        };
        let mut edges: Vec<Edge> = self.outgoing[skill.0 as usize]
            .iter()
            .filter(is_related)
            .chain(self.incoming[skill.0 as usize].iter().filter(is_related))
            .copied()
            .collect();
        // One entry per related skill: the essential relation wins over the optional one.
        edges.sort_by_key(|e| (e.target, e.kind));
        edges.dedup_by_key(|e| e.target);
        sort_edges(&mut edges);
        edges
    }

    /// Crosswalk mappings to and from other classifications.
    pub fn mappings(&self, id: ConceptId) -> Vec<Edge> {
        let mut edges: Vec<Edge> = self.outgoing[id.0 as usize]
            .iter()
            .chain(self.incoming[id.0 as usize].iter())
            .filter(|e| e.kind.is_mapping())
            .copied()
            .collect();
        sort_edges(&mut edges);
        edges
    }

    /// Typeahead search over all labels.
    pub fn search(&self, query: &str, options: &SearchOptions<'_>) -> Vec<Hit> {
        self.search.search(query, options)
    }

    /// Typeahead search, also matching a concept's short code or crosswalk code exactly.
    pub fn search_with_codes(&self, query: &str, options: &SearchOptions<'_>) -> Vec<Hit> {
        let mut hits = self.search(query, options);
        let code = query.trim();
        if code.is_empty() || code.contains(char::is_whitespace) {
            return hits;
        }
        let mut exact: Vec<ConceptId> = self.by_any_code.get(code).cloned().unwrap_or_default();
        exact.sort();
        exact.dedup();
        exact.retain(|id| {
            options.kinds.is_empty() || options.kinds.contains(&self.concept(*id).kind)
        });
        if exact.is_empty() {
            return hits;
        }
        hits.retain(|h| !exact.contains(&h.concept));
        let code_hits = exact.into_iter().filter_map(|id| {
            let concept = self.concept(id);
            let label = concept.labels.iter().position(|l| {
                l.kind == LabelKind::Preferred && options.lang.is_none_or(|lang| l.lang == lang)
            })?;
            Some(Hit {
                concept: id,
                label,
                score: crate::search::Score {
                    token_match: 1.0,
                    coverage: 1.0,
                    label_weight: 1.0,
                    phrase: 1.0,
                    total: 1.0,
                },
                matches: vec![crate::search::TokenMatch {
                    query_token: code.to_string(),
                    label_token: code.to_string(),
                    how: crate::search::MatchHow::Code,
                }],
            })
        });
        let mut merged: Vec<Hit> = code_hits.collect();
        merged.extend(hits);
        merged.truncate(options.limit.max(1));
        merged
    }

    /// Number of labels in the search index.
    pub fn indexed_labels(&self) -> usize {
        self.search.len()
    }
}

fn sort_edges(edges: &mut [Edge]) {
    edges.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.weight.unwrap_or(0.0).total_cmp(&a.weight.unwrap_or(0.0)))
            .then(a.target.cmp(&b.target))
    });
}
