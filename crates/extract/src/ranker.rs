//! Ranking concepts for text that need not name any label (paraphrase) with TF-IDF vectors of
//! stems compared by cosine similarity through an inverted index. Two shapes of document:
//!
//! - [`Granularity::Concept`]: one document per concept — its labels (counted twice), its
//!   description and the labels of its direct broader groups; for sentences that paraphrase.
//! - [`Granularity::Label`]: one document per label; a concept scores as its best label; for
//!   short texts such as job titles.
//! - [`Granularity::LabelTrigrams`]: as `Label`, with character trigrams instead of stems.
//!
//! Learned from the taxonomy itself; an embedding model can take this module's place behind
//! the same `rank` signature later.

use crate::analyze::Analyzer;
use openpes_taxonomy::{ConceptId, ConceptKind, Taxonomy};
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

/// A TF-IDF index over the concepts of some kinds, in one language.
pub struct Ranker {
    analyzer: Analyzer,
    terms: HashMap<String, u32>,
    idf: Vec<f32>,
    /// term → (document, normalised weight)
    postings: Vec<Vec<(u32, f32)>>,
    /// document → concept
    documents: Vec<ConceptId>,
    /// Concepts with a document, sorted.
    concepts: Vec<ConceptId>,
    granularity: Granularity,
}

impl Ranker {
    /// Builds the index for concepts of `kinds`, from their text in `lang`.
    pub fn build(
        taxonomy: &Taxonomy,
        kinds: &[ConceptKind],
        lang: &str,
        granularity: Granularity,
    ) -> Ranker {
        let analyzer = Analyzer::new(lang);
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut documents: Vec<(ConceptId, HashMap<u32, f32>)> = Vec::new();
        let mut add = |text: &str, weight: f32, tf: &mut HashMap<u32, f32>| {
            for feature in features(&analyzer, text, granularity) {
                let next = terms.len() as u32;
                let id = *terms.entry(feature).or_insert(next);
                *tf.entry(id).or_insert(0.0) += weight;
            }
        };
        for concept in taxonomy.concepts() {
            if !kinds.contains(&concept.kind) {
                continue;
            }
            let labels = concept.labels.iter().filter(|l| l.lang == lang);
            match granularity {
                Granularity::Label | Granularity::LabelTrigrams => {
                    for label in labels {
                        let mut tf = HashMap::new();
                        add(&label.text, 1.0, &mut tf);
                        if !tf.is_empty() {
                            documents.push((concept.id, tf));
                        }
                    }
                }
                Granularity::Concept => {
                    let mut tf = HashMap::new();
                    for label in labels {
                        add(&label.text, 2.0, &mut tf);
                    }
                    for d in concept.descriptions.iter().filter(|d| d.lang == lang) {
                        add(&d.text, 1.0, &mut tf);
                    }
                    for parent in taxonomy.broader(concept.id) {
                        add(taxonomy.preferred_label(parent, lang), 0.5, &mut tf);
                    }
                    if !tf.is_empty() {
                        documents.push((concept.id, tf));
                    }
                }
            }
        }
        let analyzer = Analyzer::new(lang);
        let mut df = vec![0u32; terms.len()];
        for (_, tf) in &documents {
            for t in tf.keys() {
                df[*t as usize] += 1;
            }
        }
        let n = documents.len().max(1) as f32;
        let idf: Vec<f32> = df
            .iter()
            .map(|d| ((n + 1.0) / (*d as f32 + 1.0)).ln() + 1.0)
            .collect();
        let mut postings: Vec<Vec<(u32, f32)>> = vec![Vec::new(); terms.len()];
        let mut owners = Vec::with_capacity(documents.len());
        for (concept, tf) in documents {
            let weights: Vec<(u32, f32)> = tf
                .into_iter()
                .map(|(t, f)| (t, (1.0 + f.ln()) * idf[t as usize]))
                .collect();
            let norm = weights.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
            if norm == 0.0 {
                continue;
            }
            let doc = owners.len() as u32;
            owners.push(concept);
            for (t, w) in weights {
                postings[t as usize].push((doc, w / norm));
            }
        }
        let mut concepts = owners.clone();
        concepts.sort_unstable();
        concepts.dedup();
        Ranker {
            analyzer,
            terms,
            idf,
            postings,
            documents: owners,
            concepts,
            granularity,
        }
    }

    /// True when the concept has a document in this index.
    pub fn covers(&self, concept: ConceptId) -> bool {
        self.concepts.binary_search(&concept).is_ok()
    }

    /// The `limit` concepts most similar to `text`, with cosine scores in [0, 1], best first
    /// (ties by concept id). A concept with several documents scores as its best one.
    pub fn rank(&self, text: &str, limit: usize) -> Vec<(ConceptId, f32)> {
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
        if norm == 0.0 {
            return Vec::new();
        }
        // Dense accumulators: documents touched are remembered to read them back.
        let mut by_document = vec![0f32; self.documents.len()];
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
        let mut scores: HashMap<ConceptId, f32> = HashMap::new();
        for doc in touched {
            let score = by_document[doc as usize];
            let best = scores.entry(self.documents[doc as usize]).or_insert(0.0);
            *best = best.max(score);
        }
        let mut ranked: Vec<(ConceptId, f32)> = scores.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }
}
