//! Dictionary extraction: finds taxonomy labels in text despite inflection (stems), word order
//! and small gaps ("manage a team" in "team managing"), hyphenation and plurals, and Chinese
//! labels as contiguous character sequences.
//!
//! Every label of every skill and occupation becomes a pattern of terms (see
//! [`crate::analyze`]). Each pattern is anchored on its rarest term; scanning the text, a term
//! that anchors patterns triggers a check of the pattern's other terms in a window of the same
//! sentence. A match in the label's own order without gaps is `exact`; otherwise `variant`.

use crate::analyze::{Analyzer, Term};
use openpes_taxonomy::{ConceptId, ConceptKind, LabelKind, Taxonomy};
use std::collections::HashMap;

/// How a label was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// All words, in the label's order, next to each other.
    Exact,
    /// All words, reordered or with up to two other words between them.
    Variant,
}

/// One label found in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMatch {
    pub concept: ConceptId,
    /// Index into the concept's labels.
    pub label: usize,
    pub kind: MatchKind,
    /// Byte range in the input covering the matched words.
    pub start: usize,
    pub end: usize,
    /// Index of the first matched term, and the sentence.
    pub first_term: usize,
    pub sentence: usize,
    /// Match quality in [0, 1]: label kind and match kind.
    pub score: f32,
}

struct Pattern {
    concept: ConceptId,
    label: u32,
    label_kind: LabelKind,
    terms: Box<[u32]>,
    cjk: bool,
}

/// The label dictionary of a taxonomy.
pub struct Dictionary {
    terms: HashMap<String, u32>,
    patterns: Vec<Pattern>,
    /// Anchor term → patterns anchored on it.
    anchors: HashMap<u32, Vec<u32>>,
}

/// Extra words allowed inside a reordered match.
const MAX_GAP: usize = 2;

impl Dictionary {
    /// Builds the dictionary from every label of skills and occupations. Labels are analysed
    /// with their own language's stemmer.
    pub fn build(taxonomy: &Taxonomy) -> Dictionary {
        let mut analyzers: HashMap<String, Analyzer> = HashMap::new();
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut patterns = Vec::new();
        for concept in taxonomy.concepts() {
            if !matches!(concept.kind, ConceptKind::Skill | ConceptKind::Occupation) {
                continue;
            }
            for (i, label) in concept.labels.iter().enumerate() {
                let analyzer = analyzers
                    .entry(label.lang.clone())
                    .or_insert_with(|| Analyzer::new(&label.lang));
                let analysed = analyzer.analyze(&label.text);
                if analysed.is_empty() || analysed.len() > 12 {
                    continue;
                }
                let cjk = analysed.iter().all(|t| t.cjk);
                // A single CJK character is too ambiguous to be a label on its own.
                if cjk && analysed.len() < 2 {
                    continue;
                }
                let ids: Box<[u32]> = analysed
                    .iter()
                    .map(|t| {
                        let next = terms.len() as u32;
                        *terms.entry(t.text.clone()).or_insert(next)
                    })
                    .collect();
                patterns.push(Pattern {
                    concept: concept.id,
                    label: i as u32,
                    label_kind: label.kind,
                    terms: ids,
                    cjk,
                });
            }
        }
        let mut frequency = vec![0u32; terms.len()];
        for p in &patterns {
            for t in p.terms.iter() {
                frequency[*t as usize] += 1;
            }
        }
        let mut anchors: HashMap<u32, Vec<u32>> = HashMap::new();
        for (i, p) in patterns.iter().enumerate() {
            let anchor = if p.cjk {
                p.terms[0]
            } else {
                *p.terms
                    .iter()
                    .min_by_key(|t| (frequency[**t as usize], **t))
                    .unwrap_or(&p.terms[0])
            };
            anchors.entry(anchor).or_default().push(i as u32);
        }
        Dictionary {
            terms,
            patterns,
            anchors,
        }
    }

    /// Number of label patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when the dictionary has no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Term ids of analysed text (`None` for terms no label uses).
    pub fn term_ids(&self, terms: &[Term]) -> Vec<Option<u32>> {
        terms
            .iter()
            .map(|t| self.terms.get(&t.text).copied())
            .collect()
    }

    /// Every label match in the analysed text.
    pub fn find(&self, terms: &[Term]) -> Vec<LabelMatch> {
        let ids = self.term_ids(terms);
        let mut out = Vec::new();
        for (position, id) in ids.iter().enumerate() {
            let Some(id) = id else { continue };
            let Some(anchored) = self.anchors.get(id) else {
                continue;
            };
            for &p in anchored {
                let pattern = &self.patterns[p as usize];
                let found = if pattern.cjk {
                    match_contiguous(pattern, &ids, position)
                } else {
                    match_window(pattern, &ids, terms, position)
                };
                if let Some((first, last, kind)) = found {
                    let label_weight = match pattern.label_kind {
                        LabelKind::Preferred => 1.0,
                        LabelKind::Alternative => 0.95,
                        LabelKind::Hidden => 0.8,
                    };
                    let kind_weight = if kind == MatchKind::Exact { 1.0 } else { 0.85 };
                    out.push(LabelMatch {
                        concept: pattern.concept,
                        label: pattern.label as usize,
                        kind,
                        start: terms[first].start,
                        end: terms[last].end,
                        first_term: first,
                        sentence: terms[first].sentence,
                        score: label_weight * kind_weight,
                    });
                }
            }
        }
        out
    }
}

/// A CJK pattern must appear as the same characters in a row, starting at `position`.
fn match_contiguous(
    pattern: &Pattern,
    ids: &[Option<u32>],
    position: usize,
) -> Option<(usize, usize, MatchKind)> {
    let end = position + pattern.terms.len();
    if end > ids.len() {
        return None;
    }
    let same = pattern
        .terms
        .iter()
        .zip(&ids[position..end])
        .all(|(want, got)| Some(*want) == *got);
    same.then_some((position, end - 1, MatchKind::Exact))
}

/// An alphabetic pattern's terms must all appear in a window around the anchor, in the same
/// sentence, each once.
fn match_window(
    pattern: &Pattern,
    ids: &[Option<u32>],
    terms: &[Term],
    anchor: usize,
) -> Option<(usize, usize, MatchKind)> {
    let n = pattern.terms.len();
    if n == 1 {
        return Some((anchor, anchor, MatchKind::Exact));
    }
    let width = n + MAX_GAP;
    let sentence = terms[anchor].sentence;
    let lo = anchor.saturating_sub(width - 1);
    let hi = (anchor + width).min(ids.len());
    let mut positions = Vec::with_capacity(n);
    for want in pattern.terms.iter() {
        let found = (lo..hi).find(|&i| {
            ids[i] == Some(*want) && terms[i].sentence == sentence && !positions.contains(&i)
        })?;
        positions.push(found);
    }
    let first = *positions.iter().min()?;
    let last = *positions.iter().max()?;
    if last - first + 1 > width {
        return None;
    }
    let in_order = positions.windows(2).all(|w| w[1] == w[0] + 1);
    let kind = if in_order {
        MatchKind::Exact
    } else {
        MatchKind::Variant
    };
    Some((first, last, kind))
}
