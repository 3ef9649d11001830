//! Ranking concepts for text that need not name any label (paraphrase) with TF-IDF vectors of
//! stems compared by cosine similarity through an inverted index. Two shapes of document:
//!
//! - [`Granularity::Concept`]: one document per concept — its labels (counted twice), its
//!   description and the labels of its direct broader groups; for sentences that paraphrase.
//! - [`Granularity::Label`]: one document per label; a concept scores as its best label; for
//!   short texts such as job titles.
//! - [`Granularity::LabelTrigrams`]: as `Label`, with character trigrams instead of stems.
//!
//! With label documents, the labels of the same occupation or skill in another classification
//! linked by a crosswalk (an O*NET occupation's many alternate titles for the ESCO occupation
//! it maps to) are *borrowed*: they become documents of the concept too, counting less the
//! looser the mapping. A concept then scores the mean of its best own and its best borrowed
//! label, so that a title named alike in both classifications ranks first. Identical label
//! texts share one document, whichever concepts own or borrow them.
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

/// How much a label borrowed through a crosswalk mapping of this kind counts: fully for the
/// same concept, a little less for a close one, less again across a broader or narrower one.
pub fn borrowed_weight(kind: RelationKind) -> f32 {
    match kind {
        RelationKind::ExactMatch => 0.95,
        RelationKind::CloseMatch => 0.9,
        _ => 0.8,
    }
}

/// A concept that a document counts for, and how much.
#[derive(Debug, Clone, Copy)]
struct Owner {
    /// Index into [`Ranker::concepts`].
    concept: u32,
    /// 1 for the concept's own text, [`borrowed_weight`] for a borrowed label.
    weight: f32,
    /// For a borrowed label: the concept of the other classification it is a label of.
    lender: Option<ConceptId>,
}

/// A label document that counted for a ranked concept.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelHit {
    /// The label's text.
    pub text: String,
    /// Its cosine similarity to the text, times the borrowing weight for a borrowed label.
    pub score: f32,
    /// For a borrowed label: the concept of the linked classification it names.
    pub lender: Option<ConceptId>,
}

/// A ranked concept with the label documents that made its score (label indexes only).
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub concept: ConceptId,
    pub score: f32,
    /// Its best own label.
    pub own: Option<LabelHit>,
    /// Its best borrowed label.
    pub borrowed: Option<LabelHit>,
}

/// Per concept while ranking: the best own and borrowed scores and where they came from.
#[derive(Debug, Clone, Copy, Default)]
struct Best {
    own: f32,
    borrowed: f32,
    own_document: u32,
    /// Index into [`Ranker::owners`] of the borrowed owner entry.
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
    /// True when some document is borrowed (the taxonomy links classifications).
    borrows: bool,
    granularity: Granularity,
}

/// A document being built: its term frequencies and owners.
#[derive(Default)]
struct Draft {
    tf: HashMap<u32, f32>,
    owners: Vec<(ConceptId, f32, Option<ConceptId>)>,
    /// The label text of a label document.
    text: String,
}

impl Draft {
    /// Adds an owner, keeping the highest weight when the concept already owns the document
    /// in the same way (as its own text, weight 1, or borrowed, less): a label both its own and
    /// borrowed counts as both.
    fn own(&mut self, concept: ConceptId, weight: f32, lender: Option<ConceptId>) {
        let own = weight >= 1.0;
        match self
            .owners
            .iter_mut()
            .find(|(c, w, _)| *c == concept && (*w >= 1.0) == own)
        {
            Some((_, w, l)) => {
                if weight > *w {
                    *w = weight;
                    *l = lender;
                }
            }
            None => self.owners.push((concept, weight, lender)),
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

    /// Makes `concept` an owner of the document of label `text` (created on first use),
    /// borrowed from `lender` when given.
    fn label(&mut self, text: &str, concept: ConceptId, weight: f32, lender: Option<ConceptId>) {
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
        self.drafts[index].own(concept, weight, lender);
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
        let mut borrows = false;
        for concept in taxonomy.concepts() {
            if !kinds.contains(&concept.kind) {
                continue;
            }
            let labels = concept.labels.iter().filter(|l| l.lang == lang);
            match granularity {
                Granularity::Label | Granularity::LabelTrigrams => {
                    for label in labels {
                        builder.label(&label.text, concept.id, 1.0, None);
                    }
                    for edge in taxonomy.mappings(concept.id) {
                        let other = taxonomy.concept(edge.target);
                        if other.source == concept.source || !kinds.contains(&other.kind) {
                            continue;
                        }
                        let weight = borrowed_weight(edge.kind);
                        for label in other.labels.iter().filter(|l| l.lang == lang) {
                            builder.label(&label.text, concept.id, weight, Some(other.id));
                            borrows = true;
                        }
                    }
                }
                Granularity::Concept => {
                    let mut draft = Draft::default();
                    for label in labels {
                        builder.add(&label.text, 2.0, &mut draft.tf);
                    }
                    for d in concept.descriptions.iter().filter(|d| d.lang == lang) {
                        builder.add(&d.text, 1.0, &mut draft.tf);
                    }
                    for parent in taxonomy.broader(concept.id) {
                        builder.add(taxonomy.preferred_label(parent, lang), 0.5, &mut draft.tf);
                    }
                    draft.own(concept.id, 1.0, None);
                    builder.drafts.push(draft);
                }
            }
        }
        let Builder { terms, drafts, .. } = builder;
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
            .filter(|d| !d.tf.is_empty())
            .flat_map(|d| d.owners.iter().map(|(c, _, _)| *c))
            .collect();
        concepts.sort_unstable();
        concepts.dedup();
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms.len()];
        let mut owner_start = vec![0u32];
        let mut owners = Vec::new();
        let mut texts = Vec::new();
        for draft in drafts {
            let weights: Vec<(u32, f32)> = draft
                .tf
                .into_iter()
                .map(|(t, f)| (t, (1.0 + f.ln()) * idf[t as usize]))
                .collect();
            let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm == 0.0 {
                continue;
            }
            let document = (owner_start.len() - 1) as u32;
            for (t, w) in weights {
                postings[t as usize].push((document, w / norm));
            }
            for (concept, weight, lender) in draft.owners {
                if let Ok(index) = concepts.binary_search(&concept) {
                    owners.push(Owner {
                        concept: index as u32,
                        weight,
                        lender,
                    });
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

    /// The `limit` concepts most similar to `text`, with cosine scores in [0, 1], best first
    /// (ties by concept id). A concept with several documents scores as its best one; where
    /// labels are borrowed, as the mean of its best own and best borrowed (weighted) one.
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
        let query: Vec<(u32, f32)> = tf
            .into_iter()
            .map(|(t, f)| (t, (1.0 + f.ln()) * self.idf[t as usize]))
            .collect();
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
            let range = self.owner_start[doc as usize] as usize
                ..self.owner_start[doc as usize + 1] as usize;
            for (index, owner) in self.owners[range.clone()].iter().enumerate() {
                let slot = &mut best[owner.concept as usize];
                if slot.own == 0.0 && slot.borrowed == 0.0 {
                    reached.push(owner.concept);
                }
                if owner.weight >= 1.0 {
                    if score > slot.own {
                        slot.own = score;
                        slot.own_document = doc;
                    }
                } else if score * owner.weight > slot.borrowed {
                    slot.borrowed = score * owner.weight;
                    slot.borrowed_owner = (range.start + index) as u32;
                }
            }
        }
        let mut ranked: Vec<(u32, f32)> = reached
            .into_iter()
            .map(|c| {
                let slot = best[c as usize];
                let score = if self.borrows {
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
        ranked
            .into_iter()
            .map(|(c, score)| {
                let slot = best[c as usize];
                let own = (slot.own > 0.0).then(|| LabelHit {
                    text: self.texts[slot.own_document as usize].to_string(),
                    score: slot.own,
                    lender: None,
                });
                let borrowed = (slot.borrowed > 0.0).then(|| {
                    let owner = self.owners[slot.borrowed_owner as usize];
                    let document = self
                        .owner_start
                        .partition_point(|start| *start <= slot.borrowed_owner)
                        - 1;
                    LabelHit {
                        text: self.texts[document].to_string(),
                        score: slot.borrowed,
                        lender: owner.lender,
                    }
                });
                Ranked {
                    concept: concepts[c as usize],
                    score,
                    own,
                    borrowed,
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
    /// occupation titled "marketing staff", optionally mapped to our marketing assistant.
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
            &["marketing staff", "marketing assistant"],
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

    fn ranked_uris(taxonomy: &Taxonomy, ranker: &Ranker, text: &str) -> Vec<(String, f32)> {
        ranker
            .rank(text, 10)
            .into_iter()
            .map(|(c, s)| (taxonomy.concept(c).uri.clone(), s))
            .collect()
    }

    #[test]
    fn identical_label_texts_share_one_document() {
        let taxonomy = linked(None);
        let ranker = Ranker::build(
            &taxonomy,
            &[ConceptKind::Occupation],
            "en",
            Granularity::LabelTrigrams,
        );
        // Five labels, but "marketing assistant" is named by two occupations.
        assert_eq!(ranker.documents(), 4);
        let ranked = ranked_uris(&taxonomy, &ranker, "Marketing Assistant");
        assert!((ranked[0].1 - 1.0).abs() < 1e-4, "{ranked:?}");
        assert!((ranked[1].1 - 1.0).abs() < 1e-4, "{ranked:?}");
        let top: Vec<&str> = ranked[..2].iter().map(|(u, _)| u.as_str()).collect();
        assert!(top.contains(&"urn:ours:marketing") && top.contains(&"urn:theirs:marketing"));
    }

    #[test]
    fn a_crosswalk_lends_the_other_classifications_titles() {
        // Unlinked, "marketing staff" is nearer our sales staff (same head word) than our
        // marketing assistant.
        let taxonomy = linked(None);
        let ranker = Ranker::build(
            &taxonomy,
            &[ConceptKind::Occupation],
            "en",
            Granularity::LabelTrigrams,
        );
        let ours: Vec<(String, f32)> = ranked_uris(&taxonomy, &ranker, "marketing staff")
            .into_iter()
            .filter(|(u, _)| u.starts_with("urn:ours:"))
            .collect();
        let unlinked_marketing = ours
            .iter()
            .find(|(u, _)| u == "urn:ours:marketing")
            .map(|(_, s)| *s);

        let taxonomy = linked(Some(RelationKind::CloseMatch));
        let ranker = Ranker::build(
            &taxonomy,
            &[ConceptKind::Occupation],
            "en",
            Granularity::LabelTrigrams,
        );
        let ranked = ranked_uris(&taxonomy, &ranker, "marketing staff");
        let ours: Vec<&(String, f32)> = ranked
            .iter()
            .filter(|(u, _)| u.starts_with("urn:ours:"))
            .collect();
        assert_eq!(ours[0].0, "urn:ours:marketing", "{ranked:?}");
        // The mean of its best own label and the borrowed exact title at the close weight.
        let own = unlinked_marketing.unwrap_or(0.0);
        let expected = (own + borrowed_weight(RelationKind::CloseMatch)) / 2.0;
        assert!(
            (ours[0].1 - expected).abs() < 1e-3,
            "{} vs {expected}",
            ours[0].1
        );
        // The other classification's own occupation borrows from ours in turn.
        assert_eq!(ranked[0].0, "urn:theirs:marketing");
        assert!(ranked.iter().all(|(_, s)| (0.0..=1.0).contains(s)));

        // The explanation names the labels: our own closest one, and the borrowed title with
        // the occupation of the other classification it belongs to.
        let explained = ranker.rank_explained("marketing staff", 10);
        let Some(ours_marketing) = explained
            .iter()
            .find(|r| taxonomy.concept(r.concept).uri == "urn:ours:marketing")
        else {
            panic!("our marketing assistant is not ranked: {explained:?}");
        };
        let own = ours_marketing.own.as_ref().map(|h| h.text.as_str());
        assert_eq!(own, Some("marketing assistant"));
        let borrowed = ours_marketing
            .borrowed
            .as_ref()
            .map(|h| (h.text.as_str(), h.lender));
        assert_eq!(
            borrowed,
            Some(("marketing staff", taxonomy.by_uri("urn:theirs:marketing")))
        );

        // A label that is both a concept's own and borrowed counts on both sides.
        let both = ranked_uris(&taxonomy, &ranker, "marketing assistant");
        let expected = (1.0 + borrowed_weight(RelationKind::CloseMatch)) / 2.0;
        for (uri, score) in &both[..2] {
            assert!(
                (score - expected).abs() < 1e-3,
                "{uri}: {score} vs {expected}"
            );
        }
    }

    #[test]
    fn looser_mappings_lend_less() {
        let score = |kind: RelationKind| {
            let taxonomy = linked(Some(kind));
            let ranker = Ranker::build(
                &taxonomy,
                &[ConceptKind::Occupation],
                "en",
                Granularity::LabelTrigrams,
            );
            ranked_uris(&taxonomy, &ranker, "marketing staff")
                .into_iter()
                .find(|(u, _)| u == "urn:ours:marketing")
                .map_or(0.0, |(_, s)| s)
        };
        let exact = score(RelationKind::ExactMatch);
        let close = score(RelationKind::CloseMatch);
        let broad = score(RelationKind::BroadMatch);
        assert!(exact > close && close > broad, "{exact} {close} {broad}");
    }
}
