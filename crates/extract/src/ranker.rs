//! Ranking concepts for text that need not name any label (paraphrase) with TF-IDF vectors of
//! stems compared by cosine similarity through an inverted index. Two shapes of document:
//!
//! - [`Granularity::Concept`]: one document per concept — its labels (counted twice), its
//!   description and the labels of its direct broader groups; for sentences that paraphrase.
//! - [`Granularity::Label`]: one document per label; a concept scores as its best label; for
//!   short texts such as job titles.
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
            for term in analyzer.analyze(text) {
                let next = terms.len() as u32;
                let id = *terms.entry(term.text).or_insert(next);
                *tf.entry(id).or_insert(0.0) += weight;
            }
        };
        for concept in taxonomy.concepts() {
            if !kinds.contains(&concept.kind) {
                continue;
            }
            let labels = concept.labels.iter().filter(|l| l.lang == lang);
            match granularity {
                Granularity::Label => {
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
        for term in self.analyzer.analyze(text) {
            if let Some(id) = self.terms.get(&term.text) {
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
        let mut by_document: HashMap<u32, f32> = HashMap::new();
        for (t, w) in &query {
            for (doc, dw) in &self.postings[*t as usize] {
                *by_document.entry(*doc).or_insert(0.0) += w / norm * dw;
            }
        }
        let mut scores: HashMap<ConceptId, f32> = HashMap::new();
        for (doc, score) in by_document {
            let best = scores.entry(self.documents[doc as usize]).or_insert(0.0);
            *best = best.max(score);
        }
        let mut ranked: Vec<(ConceptId, f32)> = scores.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }
}
