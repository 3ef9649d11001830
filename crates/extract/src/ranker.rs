//! Ranking concepts for text that need not name any label (paraphrase) with TF-IDF vectors
//! compared by cosine similarity through an inverted index. Three shapes of document:
//!
//! - [`Granularity::Concept`]: one document per concept — its labels (counted twice), its
//!   description and the labels of its direct broader groups, as stems; for sentences that
//!   paraphrase.
//! - [`Granularity::Label`]: one document per label text, as stems; a concept scores as its
//!   best label; for short texts such as job titles.
//! - [`Granularity::LabelTrigrams`]: as `Label`, with character trigrams instead of stems.
//!
//! With label documents, the labels of a concept of the same kind in another classification
//! linked by a crosswalk (an O*NET occupation's many alternate titles, for the ESCO occupation
//! it maps to, and ESCO's labels for the O*NET occupation) are *borrowed*: they become
//! documents of the concept too, counting less the looser the mapping. A concept that borrows
//! scores the mean of its best own and its best borrowed label, so that a title named alike
//! in both classifications ranks first; a concept that borrows nothing (no mapping) scores its
//! best own label. Identical label texts are one document, whichever concepts own or borrow
//! them.
//!
//! Learned from the taxonomy itself; an embedding model can take this module's place behind
//! the same `rank` signature later.

use crate::analyze::Analyzer;
use openpes_taxonomy::{ConceptId, ConceptKind, RelationKind, Taxonomy};
use std::collections::HashMap;

/// What one document of the index is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Concept,
    Label,
    /// One document per label, with character trigrams of its words instead of stems: robust
    /// to typos, compounds and unusual inflections in short texts.
    LabelTrigrams,
}

/// The features of a text: stems, or character trigrams of the folded words (each word
/// padded with spaces, so "nurse" gives " nu", "nur", "urs", "rse", "se ").
fn features(analyzer: &Analyzer, text: &str, granularity: Granularity) -> Vec<String> {
    let terms = analyzer.analyze(text);
    if granularity != Granularity::LabelTrigrams {
        return terms.into_iter().map(|t| t.text).collect();
    }
    let mut out = Vec::new();
    for term in terms {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(term.word.chars())
            .chain(std::iter::once(' '))
            .collect();
        for gram in padded.windows(3) {
            out.push(gram.iter().collect());
        }
    }
    out
}

/// How much a label borrowed through a crosswalk mapping of this kind counts, below an own
/// label's 1: 0.95 across an exact match, 0.9 across a close one, 0.8 across a broader or
/// narrower one.
pub fn borrowed_weight(kind: RelationKind) -> f32 {
    match kind {
        RelationKind::ExactMatch => 0.95,
        RelationKind::CloseMatch => 0.9,
        _ => 0.8,
    }
}

/// A concept that a document counts for, and how.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Owner {
    /// The concept the document counts for (index into [`Ranker::concepts`] once built).
    concept: u32,
    /// 1 for the concept's own label, [`borrowed_weight`] for a borrowed one.
    weight: f32,
    /// For a borrowed label: the concept of the other classification it is a label of.
    lender: Option<ConceptId>,
    /// Index of the label among the labels of the concept it belongs to (the lender's for a
    /// borrowed label).
    label: u32,
}

/// A label that counted for a ranked concept.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelHit {
    /// The label's text.
    pub text: String,
    /// The concept whose label it is: the ranked concept, or the lender for a borrowed label.
    pub owner: ConceptId,
    /// Index of the label among `owner`'s labels.
    pub label: usize,
    /// Its cosine similarity to the text, times the borrowing weight for a borrowed label.
    pub score: f32,
    /// True for a label borrowed from a linked classification.
    pub borrowed: bool,
}

/// A ranked concept with the labels that made its score (label documents only; `None` for
/// concept documents).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub concept: ConceptId,
    pub score: f32,
    /// Its best own label.
    pub own: Option<LabelHit>,
    /// Its best borrowed label.
    pub borrowed: Option<LabelHit>,
}

/// Per concept while ranking: the best own and borrowed scores and the owner entries
/// (indexes into [`Ranker::owners`]) they came from.
#[derive(Debug, Clone, Copy, Default)]
struct Best {
    own: f32,
    borrowed: f32,
    own_owner: u32,
    borrowed_owner: u32,
}

/// A TF-IDF index over the concepts of some kinds, in one language.
pub struct Ranker {
    analyzer: Analyzer,
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    /// term → (document, normalised weight)
    postings: Vec<Vec<(u32, f32)>>,
    /// document → its owners, `owners[owner_start[d]..owner_start[d + 1]]`
    owner_start: Vec<u32>,
    owners: Vec<Owner>,
    /// document → its label text (empty for concept documents).
    texts: Vec<Box<str>>,
    /// Concepts with a document, sorted.
    concepts: Vec<ConceptId>,
    /// Per concept (as in `concepts`): true when it borrows some label.
    borrows: Vec<bool>,
    granularity: Granularity,
}

/// A document being built: its term frequencies, owners (by concept id) and label text.
#[derive(Default)]
struct Draft {
    tf: HashMap<u32, f32>,
    owners: Vec<(ConceptId, Owner)>,
    text: String,
}

impl Draft {
    /// Adds an owner, keeping the highest weight when the concept already owns the document
    /// in the same way (as its own label, or borrowed): a label both its own and borrowed
    /// counts as both.
    fn own(&mut self, concept: ConceptId, owner: Owner) {
        let borrowed = owner.lender.is_some();
        match self
            .owners
            .iter_mut()
            .find(|(c, o)| *c == concept && o.lender.is_some() == borrowed)
        {
            Some((_, existing)) => {
                if owner.weight > existing.weight {
                    *existing = owner;
                }
            }
            None => self.owners.push((concept, owner)),
        }
    }
}

/// The vocabulary and documents while an index is built.
struct Builder {
    analyzer: Analyzer,
    granularity: Granularity,
    terms: HashMap<String, u32>,
    drafts: Vec<Draft>,
    /// Label documents by folded text, so that a label owned and borrowed is one document.
    by_text: HashMap<String, usize>,
}

impl Builder {
    /// Counts the features of `text`, each `weight` times, into `tf`.
    fn add(&mut self, text: &str, weight: f32, tf: &mut HashMap<u32, f32>) {
        for feature in features(&self.analyzer, text, self.granularity) {
            let next = self.terms.len() as u32;
            let id = *self.terms.entry(feature).or_insert(next);
            *tf.entry(id).or_insert(0.0) += weight;
        }
    }

    /// Makes `concept` an owner of the document of label `text` (created on first use).
    fn label(&mut self, text: &str, concept: ConceptId, owner: Owner) {
        let key = text.to_lowercase();
        let index = match self.by_text.get(&key) {
            Some(index) => *index,
            None => {
                let mut draft = Draft {
                    text: text.to_string(),
                    ..Draft::default()
                };
                self.add(text, 1.0, &mut draft.tf);
                self.drafts.push(draft);
                self.by_text.insert(key, self.drafts.len() - 1);
                self.drafts.len() - 1
            }
        };
        self.drafts[index].own(concept, owner);
    }
}

impl Ranker {
    /// Builds the index for concepts of `kinds`, from their text in `lang`.
    pub fn build(
        taxonomy: &Taxonomy,
        kinds: &[ConceptKind],
        lang: &str,
        granularity: Granularity,
    ) -> Ranker {
        let mut builder = Builder {
            analyzer: Analyzer::new(lang),
            granularity,
            terms: HashMap::new(),
            drafts: Vec::new(),
            by_text: HashMap::new(),
        };
        for concept in taxonomy.concepts() {
            if !kinds.contains(&concept.kind) {
                continue;
            }
            let labels = || {
                concept
                    .labels
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.lang == lang)
            };
            match granularity {
                Granularity::Label | Granularity::LabelTrigrams => {
                    for (index, label) in labels() {
                        let owner = Owner {
                            concept: 0,
                            weight: 1.0,
                            lender: None,
                            label: index as u32,
                        };
                        builder.label(&label.text, concept.id, owner);
                    }
                    for edge in taxonomy.mappings(concept.id) {
                        let other = taxonomy.concept(edge.target);
                        if other.source == concept.source || other.kind != concept.kind {
                            continue;
                        }
                        let weight = borrowed_weight(edge.kind);
                        for (index, label) in other.labels.iter().enumerate() {
                            if label.lang != lang {
                                continue;
                            }
                            let owner = Owner {
                                concept: 0,
                                weight,
                                lender: Some(other.id),
                                label: index as u32,
                            };
                            builder.label(&label.text, concept.id, owner);
                        }
                    }
                }
                Granularity::Concept => {
                    let mut draft = Draft::default();
                    for (_, label) in labels() {
                        builder.add(&label.text, 2.0, &mut draft.tf);
                    }
                    for d in concept.descriptions.iter().filter(|d| d.lang == lang) {
                        builder.add(&d.text, 1.0, &mut draft.tf);
                    }
                    for parent in taxonomy.broader(concept.id) {
                        builder.add(taxonomy.preferred_label(parent, lang), 0.5, &mut draft.tf);
                    }
                    let owner = Owner {
                        concept: 0,
                        weight: 1.0,
                        lender: None,
                        label: 0,
                    };
                    draft.own(concept.id, owner);
                    builder.drafts.push(draft);
                }
            }
        }
        let Builder { terms, drafts, .. } = builder;
        // Documents without features (a label of punctuation only) are left out.
        let drafts: Vec<Draft> = drafts.into_iter().filter(|d| !d.tf.is_empty()).collect();
        let analyzer = Analyzer::new(lang);
        let mut df = vec![0u32; terms.len()];
        for draft in &drafts {
            for t in draft.tf.keys() {
                df[*t as usize] += 1;
            }
        }
        let n = drafts.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|d| ((n + 1.0) / (*d as f32 + 1.0)).ln() + 1.0)
            .collect();
        let mut concepts: Vec<ConceptId> = drafts
            .iter()
            .flat_map(|d| d.owners.iter().map(|(c, _)| *c))
            .collect();
        concepts.sort_unstable();
        concepts.dedup();
        let mut borrows = vec![false; concepts.len()];
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms.len()];
        let mut owner_start = vec![0u32];
        let mut owners = Vec::new();
        let mut texts = Vec::new();
        for draft in drafts {
            let mut weights: Vec<(u32, f32)> = draft
                .tf
                .into_iter()
                .map(|(t, f)| (t, (1.0 + f.ln()) * idf[t as usize]))
                .collect();
            // A fixed order of summation (the hash map's differs from run to run): the same
            // taxonomy always gives the same norms, so the same scores and near-tie orders.
            weights.sort_unstable_by_key(|(t, _)| *t);
            let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm == 0.0 {
                continue;
            }
            let document = (owner_start.len() - 1) as u32;
            for (t, w) in weights {
                postings[t as usize].push((document, w / norm));
            }
            for (concept, mut owner) in draft.owners {
                if let Ok(index) = concepts.binary_search(&concept) {
                    owner.concept = index as u32;
                    borrows[index] |= owner.lender.is_some();
                    owners.push(owner);
                }
            }
            owner_start.push(owners.len() as u32);
            texts.push(draft.text.into_boxed_str());
        }
        Ranker {
            analyzer,
            terms,
            idf,
            postings,
            owner_start,
            owners,
            texts,
            concepts,
            borrows,
            granularity,
        }
    }

    /// True when the concept has a document in this index.
    pub fn covers(&self, concept: ConceptId) -> bool {
        self.concepts.binary_search(&concept).is_ok()
    }

    /// Number of documents (identical label texts count once).
    pub fn documents(&self) -> usize {
        self.owner_start.len() - 1
    }

    /// The `limit` concepts most similar to `text`, with scores in [0, 1], best first (ties
    /// by concept id). A concept scores its best document's cosine similarity; a concept that
    /// borrows labels, the mean of its best own and best borrowed (weighted) one.
    pub fn rank(&self, text: &str, limit: usize) -> Vec<(ConceptId, f32)> {
        self.rank_explained(text, limit)
            .into_iter()
            .map(|r| (r.concept, r.score))
            .collect()
    }

    /// [`Ranker::rank`], with the labels that made each score (for label documents).
    pub fn rank_explained(&self, text: &str, limit: usize) -> Vec<Ranked> {
        let mut tf: HashMap<u32, f32> = HashMap::new();
        for feature in features(&self.analyzer, text, self.granularity) {
            if let Some(id) = self.terms.get(&feature) {
                *tf.entry(*id).or_insert(0.0) += 1.0;
            }
        }
        let mut query: Vec<(u32, f32)> = tf
            .into_iter()
            .map(|(t, f)| (t, (1.0 + f.ln()) * self.idf[t as usize]))
            .collect();
        // A fixed order of summation: the same text always gets the same scores.
        query.sort_unstable_by_key(|(t, _)| *t);
        let norm = query.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm == 0.0 || limit == 0 {
            return Vec::new();
        }
        // Dense accumulators: documents and concepts touched are remembered to read them back.
        let mut by_document = vec![0f32; self.documents()];
        let mut touched: Vec<u32> = Vec::new();
        for (t, w) in &query {
            for (doc, dw) in &self.postings[*t as usize] {
                let slot = &mut by_document[*doc as usize];
                if *slot == 0.0 {
                    touched.push(*doc);
                }
                *slot += w / norm * dw;
            }
        }
        // Per concept: the best own and the best borrowed document.
        let mut best = vec![Best::default(); self.concepts.len()];
        let mut reached: Vec<u32> = Vec::new();
        for doc in touched {
            let score = by_document[doc as usize];
            let start = self.owner_start[doc as usize] as usize;
            let end = self.owner_start[doc as usize + 1] as usize;
            for (index, owner) in self.owners[start..end].iter().enumerate() {
                let slot = &mut best[owner.concept as usize];
                if slot.own == 0.0 && slot.borrowed == 0.0 {
                    reached.push(owner.concept);
                }
                let index = (start + index) as u32;
                if owner.lender.is_none() {
                    if score > slot.own {
                        slot.own = score;
                        slot.own_owner = index;
                    }
                } else if score * owner.weight > slot.borrowed {
                    slot.borrowed = score * owner.weight;
                    slot.borrowed_owner = index;
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = reached
            .into_iter()
            .map(|c| {
                let slot = best[c as usize];
                let score = if self.borrows[c as usize] {
                    (slot.own + slot.borrowed) / 2.0
                } else {
                    slot.own
                };
                (c, score)
            })
            .collect();
        let concepts = &self.concepts;
        let order = |a: &(u32, f32), b: &(u32, f32)| {
            b.1.total_cmp(&a.1)
                .then(concepts[a.0 as usize].cmp(&concepts[b.0 as usize]))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        let labelled = self.granularity != Granularity::Concept;
        ranked
            .into_iter()
            .map(|(c, score)| {
                let slot = best[c as usize];
                let concept = concepts[c as usize];
                let hit = |owner_index: u32, score: f32| {
                    let owner = self.owners[owner_index as usize];
                    // The document whose owner range holds this entry.
                    let document = self
                        .owner_start
                        .partition_point(|start| *start <= owner_index)
                        - 1;
                    LabelHit {
                        text: self.texts[document].to_string(),
                        owner: owner.lender.unwrap_or(concept),
                        label: owner.label as usize,
                        score,
                        borrowed: owner.lender.is_some(),
                    }
                };
                Ranked {
                    concept,
                    score,
                    own: (labelled && slot.own > 0.0).then(|| hit(slot.own_owner, slot.own)),
                    borrowed: (labelled && slot.borrowed > 0.0)
                        .then(|| hit(slot.borrowed_owner, slot.borrowed)),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openpes_taxonomy::{ConceptRecord, Dataset, LabelKind, RelationRecord};

    fn occupation(uri: &str, labels: &[&str]) -> ConceptRecord {
        let mut concept = ConceptRecord::new(uri, ConceptKind::Occupation);
        for (i, label) in labels.iter().enumerate() {
            let kind = if i == 0 {
                LabelKind::Preferred
            } else {
                LabelKind::Alternative
            };
            concept.add_label("en", kind, label);
        }
        concept
    }

    /// Two classifications: "ours" with a marketing and a sales assistant, "theirs" with one
    /// occupation titled "growth hacker" (a title ours does not know) and "marketing
    /// assistant", optionally mapped to our marketing assistant.
    fn linked(mapping: Option<RelationKind>) -> Taxonomy {
        let mut ours = Dataset::new("ours", "1");
        ours.concepts
            .push(occupation("urn:ours:marketing", &["marketing assistant"]));
        ours.concepts.push(occupation(
            "urn:ours:sales",
            &["sales assistant", "sales staff"],
        ));
        let mut theirs = Dataset::new("theirs", "1");
        theirs.concepts.push(occupation(
            "urn:theirs:marketing",
            &["growth hacker", "marketing assistant"],
        ));
        if let Some(kind) = mapping {
            theirs.relations.push(RelationRecord {
                from: "urn:theirs:marketing".into(),
                to: "urn:ours:marketing".into(),
                kind,
                weight: None,
            });
        }
        match Taxonomy::build(vec![ours, theirs]) {
            Ok((taxonomy, _)) => taxonomy,
            Err(e) => panic!("test taxonomy: {e}"),
        }
    }

    fn titles(taxonomy: &Taxonomy) -> Ranker {
        Ranker::build(
            taxonomy,
            &[ConceptKind::Occupation],
            "en",
            Granularity::LabelTrigrams,
        )
    }

    fn score_of(taxonomy: &Taxonomy, ranker: &Ranker, text: &str, uri: &str) -> Option<f32> {
        ranker
            .rank(text, 10)
            .into_iter()
            .find(|(c, _)| taxonomy.concept(*c).uri == uri)
            .map(|(_, s)| s)
    }

    #[test]
    fn identical_label_texts_share_one_document() {
        let taxonomy = linked(None);
        let ranker = titles(&taxonomy);
        // Five labels, but "marketing assistant" is named by two occupations.
        assert_eq!(ranker.documents(), 4);
        let ranked = ranker.rank("Marketing Assistant", 10);
        let perfect: Vec<&str> = ranked
            .iter()
            .filter(|(_, s)| (s - 1.0).abs() < 1e-4)
            .map(|(c, _)| taxonomy.concept(*c).uri.as_str())
            .collect();
        assert_eq!(perfect, ["urn:ours:marketing", "urn:theirs:marketing"]);
    }

    #[test]
    fn a_crosswalk_lends_the_other_classifications_titles() {
        // Unlinked, no occupation of ours resembles "growth hacker".
        let taxonomy = linked(None);
        let ranker = titles(&taxonomy);
        let ranked = ranker.rank("growth hacker", 10);
        assert!(
            ranked
                .iter()
                .all(|(c, _)| !taxonomy.concept(*c).uri.starts_with("urn:ours:")),
            "{ranked:?}"
        );

        let taxonomy = linked(Some(RelationKind::CloseMatch));
        let ranker = titles(&taxonomy);
        let close = borrowed_weight(RelationKind::CloseMatch);
        // Our marketing assistant borrows the title: no own label is similar, so it scores
        // half the weighted borrowed one.
        let ours = score_of(&taxonomy, &ranker, "growth hacker", "urn:ours:marketing");
        assert!(
            ours.is_some_and(|s| (s - close / 2.0).abs() < 1e-3),
            "{ours:?}"
        );
        // The other classification's occupation, whose own title it is, ranks first.
        let ranked = ranker.rank("growth hacker", 10);
        assert_eq!(taxonomy.concept(ranked[0].0).uri, "urn:theirs:marketing");
        assert!(ranked.iter().all(|(_, s)| (0.0..=1.0).contains(s)));

        // The explanation names the borrowed title, the occupation it belongs to and its index.
        let explained = ranker.rank_explained("growth hacker", 10);
        let Some(ours) = explained
            .iter()
            .find(|r| taxonomy.concept(r.concept).uri == "urn:ours:marketing")
        else {
            panic!("our marketing assistant is not ranked: {explained:?}");
        };
        assert_eq!(ours.own, None);
        let Some(borrowed) = &ours.borrowed else {
            panic!("no borrowed label: {ours:?}");
        };
        assert_eq!(borrowed.text, "growth hacker");
        assert!(borrowed.borrowed);
        assert_eq!(taxonomy.concept(borrowed.owner).uri, "urn:theirs:marketing");
        assert_eq!(
            taxonomy.concept(borrowed.owner).labels[borrowed.label].text,
            "growth hacker"
        );

        // A label that is both a concept's own and borrowed counts on both sides.
        for uri in ["urn:ours:marketing", "urn:theirs:marketing"] {
            let both = score_of(&taxonomy, &ranker, "marketing assistant", uri);
            let expected = (1.0 + close) / 2.0;
            assert!(
                both.is_some_and(|s| (s - expected).abs() < 1e-3),
                "{uri}: {both:?}"
            );
        }
        // An occupation that borrows nothing keeps its own label's full score.
        let sales = score_of(&taxonomy, &ranker, "sales assistant", "urn:ours:sales");
        assert!(sales.is_some_and(|s| (s - 1.0).abs() < 1e-4), "{sales:?}");
    }

    #[test]
    fn looser_mappings_lend_less() {
        let score = |kind: RelationKind| {
            let taxonomy = linked(Some(kind));
            let ranker = titles(&taxonomy);
            score_of(&taxonomy, &ranker, "growth hacker", "urn:ours:marketing").unwrap_or(0.0)
        };
        let exact = score(RelationKind::ExactMatch);
        let close = score(RelationKind::CloseMatch);
        let broad = score(RelationKind::BroadMatch);
        assert!(
            exact > close && close > broad && broad > 0.0,
            "{exact} {close} {broad}"
        );
    }

    #[test]
    fn concept_documents_name_no_label() {
        let taxonomy = linked(Some(RelationKind::ExactMatch));
        let ranker = Ranker::build(
            &taxonomy,
            &[ConceptKind::Occupation],
            "en",
            Granularity::Concept,
        );
        let explained = ranker.rank_explained("marketing assistant", 5);
        assert!(!explained.is_empty());
        assert!(explained
            .iter()
            .all(|r| r.own.is_none() && r.borrowed.is_none()));
    }
}
