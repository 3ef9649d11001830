//! Text → skills and occupations, with evidence spans, scores in [0, 1] and how each was found.
//!
//! Labels found in the text (see [`crate::dictionary`]) are the primary evidence. For vacancies,
//! sentences are read for cues: a negation before a mention drops it ("no experience with SAP
//! needed"); "nice to have", "a plus", 加分 … make a requirement optional; mentions under a
//! benefits or company heading are not requirements. Sentences that name no label are ranked
//! against the taxonomy's text ([`crate::ranker`]) so that paraphrases still find their skills.
//!
//! Titles and vacancies in the ranking language are also classified as a whole: a title by its
//! best single occupation label (character trigrams) plus a third of the profile similarity; a
//! vacancy's first line is its title, and the whole ad adds half. Every stage is bounded per text (ranked sentence
//! pieces, title length, typo and stemming word lengths, jieba chunks), so extraction is linear
//! in its input, and [`Extractor::extract_where_cancellable`] stops between stages when its
//! caller gives up.

use crate::dictionary::{Dictionary, LabelMatch, MatchKind, Scan, ScanToken};
use crate::ranker::{Granularity, LabelHit, Ranker};
use openpes_taxonomy::{ConceptId, ConceptKind, Taxonomy};
use openpes_text::{is_cjk, Segmenter};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// What kind of text is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Cv,
    Vacancy,
    Title,
    /// Decide from the text: one short line is a title, text with requirement words a
    /// vacancy, anything else a CV.
    Auto,
}

impl TextKind {
    /// The stable wire name: `cv`, `vacancy`, `title` or `auto`.
    pub fn as_str(self) -> &'static str {
        match self {
            TextKind::Cv => "cv",
            TextKind::Vacancy => "vacancy",
            TextKind::Title => "title",
            TextKind::Auto => "auto",
        }
    }
}

/// Whether a vacancy asks for a skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    Essential,
    Optional,
    /// Not a vacancy, or no cue either way.
    Unspecified,
}

impl Requirement {
    /// The stable wire name: `essential`, `optional` or `unspecified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Essential => "essential",
            Requirement::Optional => "optional",
            Requirement::Unspecified => "unspecified",
        }
    }
}

/// How a concept was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// One of its labels, word for word.
    ExactLabel,
    /// One of its labels, reordered, inflected differently or with words between.
    LabelVariant,
    /// One of its labels with a one-letter typo in a long word.
    LabelTypo,
    /// No label, but the sentence is similar to its description and labels.
    SimilarText,
}

impl Evidence {
    /// The stable wire name: `exact_label`, `label_variant` or `similar_text`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::ExactLabel => "exact_label",
            Evidence::LabelVariant => "label_variant",
            Evidence::LabelTypo => "label_typo",
            Evidence::SimilarText => "similar_text",
        }
    }
}

/// One extracted concept.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub concept: ConceptId,
    pub score: f32,
    pub evidence: Evidence,
    /// Index of the matched label; for an occupation ranked by its title, the label closest to
    /// the title.
    pub label: Option<usize>,
    /// For an occupation ranked by its title through a crosswalk: the occupation of the linked
    /// classification and the index of its label that was closest to the title.
    pub borrowed: Option<(ConceptId, usize)>,
    /// Byte ranges of the evidence in the input.
    pub spans: Vec<(usize, usize)>,
    pub requirement: Requirement,
}

/// An occupation ranked for a job title (or a whole ad), with the parts of its score.
#[derive(Debug, Clone, PartialEq)]
pub struct TitleMatch {
    pub concept: ConceptId,
    /// `label + profile / 3`, plus `ad_text / 2` for a whole ad.
    pub score: f32,
    /// Similarity of the title to the closest labels (own, and borrowed through a crosswalk;
    /// see [`crate::ranker`]), in [0, 1].
    pub label: f32,
    /// The occupation's closest own label.
    pub own: Option<LabelHit>,
    /// The closest label borrowed from a linked classification.
    pub borrowed: Option<LabelHit>,
    /// Similarity of the title to the occupation's whole profile, in [0, 1].
    pub profile: f32,
    /// Similarity of the whole ad to the profile (0 for a title alone).
    pub ad_text: f32,
}

impl TitleMatch {
    fn new(concept: ConceptId) -> TitleMatch {
        TitleMatch {
            concept,
            score: 0.0,
            label: 0.0,
            own: None,
            borrowed: None,
            profile: 0.0,
            ad_text: 0.0,
        }
    }
}

/// The result of an extraction.
#[derive(Debug, Clone, PartialEq)]
pub struct Extraction {
    pub language: String,
    pub kind: TextKind,
    pub skills: Vec<Found>,
    pub occupations: Vec<Found>,
}

/// Why text could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("the text is empty")]
    Empty,
    #[error("the text has {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    /// The caller gave up (see [`Extractor::extract_where_cancellable`]).
    #[error("the extraction was cancelled")]
    Cancelled,
}

/// Largest text accepted by default (bytes).
pub const DEFAULT_MAX_BYTES: usize = 1 << 20;

/// Longest piece of a sentence ranked by similarity at once (bytes): a longer sentence (a
/// text without punctuation) is ranked in pieces of at most this size, cut at spaces, so that
/// no one ranking grows with the text.
const MAX_RANKED_PIECE_BYTES: usize = 2048;
/// Most sentence pieces ranked by similarity per text. Each ranking costs about the same
/// whatever its length (the accumulators span the taxonomy), so this bounds what a text of
/// many short sentences costs; a real CV or vacancy has a few hundred sentences at most.
/// Labels are found in the whole text regardless.
const MAX_RANKED_PIECES: usize = 1000;
/// Longest title ranked (bytes): a job title is a line, and a longer one (a whole text sent
/// as a title, or an ad without line breaks) is ranked by its beginning.
const MAX_TITLE_BYTES: usize = 1024;

const OPTIONAL_CUES: &[&[&str]] = &[
    &["nice", "to", "have"],
    &["a", "plus"],
    &["is", "a", "plus"],
    &["plus"],
    &["preferred"],
    &["preferably"],
    &["desirable"],
    &["advantage"],
    &["advantageous"],
    &["bonus"],
    &["ideally"],
    &["optional"],
];
const CJK_OPTIONAL_CUES: &[&str] = &["加分", "尤佳", "為佳", "優先", "佳"];
const SECTION_SKIP_CUES: &[&str] = &[
    "benefits",
    "perks",
    "we offer",
    "what we offer",
    "about us",
    "about the company",
    "who we are",
    "our company",
    "福利",
    "公司簡介",
    "公司介紹",
    "我們提供",
    "關於我們",
];

/// The extraction engine over one taxonomy.
pub struct Extractor {
    dictionary: Dictionary,
    /// jieba with every Chinese label added, when the taxonomy has Chinese labels: a Chinese
    /// label counts only where it is a whole word of the text.
    chinese: Option<Segmenter>,
    skills: Ranker,
    occupations: Ranker,
    /// Occupation labels as character trigrams, for job titles.
    occupation_labels: Ranker,
    ranking_lang: String,
    max_bytes: usize,
}

impl Extractor {
    /// Builds the dictionary over all labels and the rankers over `ranking_lang` text.
    pub fn build(taxonomy: &Taxonomy, ranking_lang: &str) -> Extractor {
        // The dictionary and the rankers are independent: build them on two threads.
        let (dictionary, (skills, occupations, occupation_labels, chinese)) =
            std::thread::scope(|scope| {
                let dictionary = scope.spawn(|| {
                    (
                        Dictionary::build(taxonomy),
                        Ranker::build(
                            taxonomy,
                            &[ConceptKind::Occupation],
                            ranking_lang,
                            Granularity::LabelTrigrams,
                        ),
                    )
                });
                let rank = |kind: ConceptKind, granularity: Granularity| {
                    Ranker::build(taxonomy, &[kind], ranking_lang, granularity)
                };
                let skills = rank(ConceptKind::Skill, Granularity::Concept);
                let occupations = rank(ConceptKind::Occupation, Granularity::Concept);
                let chinese = chinese_segmenter(taxonomy);
                let (dictionary, labels) = match dictionary.join() {
                    Ok(built) => built,
                    Err(panic) => std::panic::resume_unwind(panic),
                };
                (dictionary, (skills, occupations, labels, chinese))
            });
        Extractor {
            dictionary,
            skills,
            occupations,
            occupation_labels,
            chinese,
            ranking_lang: ranking_lang.to_string(),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }

    /// Sets the largest accepted text.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// The longest text accepted, in bytes.
    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Number of label patterns in the dictionary.
    pub fn dictionary_len(&self) -> usize {
        self.dictionary.len()
    }

    fn check(&self, text: &str) -> Result<(), ExtractError> {
        if text.trim().is_empty() {
            return Err(ExtractError::Empty);
        }
        if text.len() > self.max_bytes {
            return Err(ExtractError::TooLarge {
                size: text.len(),
                limit: self.max_bytes,
            });
        }
        Ok(())
    }

    /// Extracts skills and occupations from `text`. `lang` overrides language detection.
    pub fn extract(
        &self,
        taxonomy: &Taxonomy,
        text: &str,
        kind: TextKind,
        lang: Option<&str>,
    ) -> Result<Extraction, ExtractError> {
        self.extract_where(taxonomy, text, kind, lang, &|_| true)
    }

    /// [`Extractor::extract`], finding only concepts that `keep` accepts (those of one
    /// classification, when the taxonomy holds several).
    pub fn extract_where(
        &self,
        taxonomy: &Taxonomy,
        text: &str,
        kind: TextKind,
        lang: Option<&str>,
        keep: &dyn Fn(ConceptId) -> bool,
    ) -> Result<Extraction, ExtractError> {
        let never = AtomicBool::new(false);
        self.extract_where_cancellable(taxonomy, text, kind, lang, keep, &never)
    }

    /// [`Extractor::extract_where`] that stops with [`ExtractError::Cancelled`] soon after
    /// `cancelled` is set (it is read between the stages and between ranked sentences), so
    /// that a server stops working on a request its client has abandoned.
    pub fn extract_where_cancellable(
        &self,
        taxonomy: &Taxonomy,
        text: &str,
        kind: TextKind,
        lang: Option<&str>,
        keep: &dyn Fn(ConceptId) -> bool,
        cancelled: &AtomicBool,
    ) -> Result<Extraction, ExtractError> {
        let stop = || match cancelled.load(Ordering::Relaxed) {
            true => Err(ExtractError::Cancelled),
            false => Ok(()),
        };
        self.check(text)?;
        // A detected language the taxonomy has no labels in (a short English text taken for
        // Norwegian) cannot match anything: the ranking language is read instead.
        let primary = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let language = lang
            .map(str::to_string)
            .or_else(|| {
                openpes_text::detect_language(text).filter(|detected| {
                    let detected = primary(detected);
                    taxonomy.languages().iter().any(|l| primary(l) == detected)
                })
            })
            .unwrap_or_else(|| self.ranking_lang.clone());
        let scan = self.dictionary.scan(text, &language);
        stop()?;
        let kind = match kind {
            TextKind::Auto => guess_kind(text, scan.tokens.len()),
            other => other,
        };
        let cues = SentenceCues::read(text);
        let kept = scan
            .matches
            .iter()
            .filter(|m| keep(m.concept))
            .cloned()
            .collect();
        let matches = drop_contained(self.whole_chinese_words(text, kept));
        stop()?;

        let mut skills: HashMap<ConceptId, Found> = HashMap::new();
        let mut occupations: HashMap<ConceptId, Found> = HashMap::new();
        let mut sentences_with_skills = vec![false; cues.optional.len()];
        // (Sentences naming an occupation are not ranked for skills either.)
        for m in matches {
            // A sentence that names a label, even negated, is not ranked by similarity.
            sentences_with_skills[m.sentence] = true;
            if negated(&scan.tokens, m.first_term) {
                continue;
            }
            let concept_kind = taxonomy.concept(m.concept).kind;
            if kind == TextKind::Vacancy
                && concept_kind == ConceptKind::Skill
                && cues.skipped[m.sentence]
            {
                continue;
            }
            let requirement = match kind {
                TextKind::Vacancy if cues.optional[m.sentence] => Requirement::Optional,
                TextKind::Vacancy => Requirement::Essential,
                _ => Requirement::Unspecified,
            };
            let evidence = match m.kind {
                MatchKind::Exact => Evidence::ExactLabel,
                MatchKind::Variant => Evidence::LabelVariant,
                MatchKind::Typo => Evidence::LabelTypo,
            };
            let target = match concept_kind {
                ConceptKind::Skill => &mut skills,
                // A title in the ranking language is ranked as a whole below (what the title
                // evaluation measures): a label inside it, or a word whose stem equals one
                // ("marketing" and "marketeer"), does not outrank that.
                _ if kind == TextKind::Title && language == self.ranking_lang => continue,
                _ => &mut occupations,
            };
            merge(target, &m, evidence, requirement);
        }

        // Sentences that name no skill: rank by similarity (not for titles), in pieces of
        // bounded length and at most so many per text.
        if kind != TextKind::Title && language == self.ranking_lang {
            let pieces = sentence_texts(text, &cues.bounds)
                .filter(|(sentence, _)| {
                    !sentences_with_skills[*sentence] && !cues.skipped[*sentence]
                })
                .flat_map(|(sentence, text_of)| {
                    pieces(text_of, MAX_RANKED_PIECE_BYTES).map(move |piece| (sentence, piece))
                })
                .filter(|(_, piece)| piece.split_whitespace().nth(3).is_some())
                .take(MAX_RANKED_PIECES);
            for (sentence, text_of) in pieces {
                stop()?;
                let ranked = self.skills.rank(text_of.trim(), 10);
                if let Some((concept, score)) = ranked.iter().find(|(c, _)| keep(*c)) {
                    if *score >= SIMILAR_TEXT_MIN {
                        let start = text_of.as_ptr() as usize - text.as_ptr() as usize;
                        let found = skills.entry(*concept).or_insert(Found {
                            concept: *concept,
                            score: *score,
                            evidence: Evidence::SimilarText,
                            label: None,
                            borrowed: None,
                            spans: Vec::new(),
                            requirement: if kind == TextKind::Vacancy {
                                if cues.optional[sentence] {
                                    Requirement::Optional
                                } else {
                                    Requirement::Essential
                                }
                            } else {
                                Requirement::Unspecified
                            },
                        });
                        found.spans.push((start, start + text_of.len()));
                    }
                }
            }
        }
        // Titles and vacancies are classified as a whole: the title line (with, for a
        // vacancy, the rest of the text at half weight) against every occupation.
        let classify = matches!(kind, TextKind::Title | TextKind::Vacancy);
        if classify && language == self.ranking_lang {
            stop()?;
            // The title is the first line with text in it (check() ensured there is one).
            let trimmed = text.trim_end();
            let title_start = trimmed.len() - trimmed.trim_start().len();
            let title_end = trimmed[title_start..]
                .find('\n')
                .map_or(trimmed.len(), |i| title_start + i);
            let title = &text[title_start..title_end];
            let (ranked, score_max) = if kind == TextKind::Title {
                (self.rank_title(text, 5, keep), TITLE_SCORE_MAX)
            } else {
                // The whole text was scanned above, in the ranking language: reuse it.
                (self.classify_ad(title, text, &scan, 3, keep), AD_SCORE_MAX)
            };
            for ranked in ranked {
                let label = ranked.own.as_ref().map(|hit| hit.label);
                let borrowed = ranked.borrowed.as_ref().map(|hit| (hit.owner, hit.label));
                // A title that is one of the occupation's labels (up to case and spacing).
                let exact = kind == TextKind::Title
                    && ranked
                        .own
                        .as_ref()
                        .is_some_and(|hit| hit.score >= EXACT_TITLE_MIN);
                occupations.entry(ranked.concept).or_insert(Found {
                    concept: ranked.concept,
                    score: (ranked.score / score_max).min(1.0),
                    evidence: if exact {
                        Evidence::ExactLabel
                    } else {
                        Evidence::SimilarText
                    },
                    label,
                    borrowed,
                    spans: vec![(title_start, title_end)],
                    requirement: Requirement::Unspecified,
                });
            }
        }
        Ok(Extraction {
            language,
            kind,
            skills: sorted(skills),
            occupations: sorted(occupations),
        })
    }

    /// Drops matches of Chinese labels that begin or end inside a word of the text, as jieba
    /// (with the labels added) segments it: 中文 in 高中文憑, 刀工 in 剪刀工具.
    fn whole_chinese_words(&self, text: &str, matches: Vec<LabelMatch>) -> Vec<LabelMatch> {
        let Some(segmenter) = &self.chinese else {
            return matches;
        };
        let starts_cjk = |m: &LabelMatch| text[m.start..].chars().next().is_some_and(is_cjk);
        if !matches.iter().any(starts_cjk) {
            return matches;
        }
        let mut boundaries: Vec<usize> = segmenter
            .segment(text)
            .iter()
            .flat_map(|w| [w.start, w.end])
            .collect();
        boundaries.sort_unstable();
        boundaries.dedup();
        let at_boundary = |i: usize| boundaries.binary_search(&i).is_ok();
        matches
            .into_iter()
            .filter(|m| !starts_cjk(m) || (at_boundary(m.start) && at_boundary(m.end)))
            .collect()
    }

    /// Dictionary pass only: every label found in `text` read as `lang` (no cues, no
    /// similarity). For benchmarks and for callers that want raw matches.
    pub fn find_labels(&self, text: &str, lang: &str) -> Vec<LabelMatch> {
        self.dictionary.scan(text, lang).matches
    }

    /// Skills ranked for one sentence: labels found in it first, then by similarity. For
    /// evaluation and for suggestions.
    pub fn rank_skills(&self, text: &str, limit: usize) -> Vec<(ConceptId, f32)> {
        self.rank_with(&self.skills, text, limit)
    }

    /// Occupations ranked for a whole job ad: the title counts fully, the profile similarity
    /// of title and description together adds half (ISCO-08 unit group follows from the
    /// occupation's code). Only occupations that `keep` accepts are ranked (`&|_| true` for
    /// all; a classification's only, when the taxonomy links several).
    pub fn rank_occupations_for_ad(
        &self,
        title: &str,
        description: &str,
        limit: usize,
        keep: &dyn Fn(ConceptId) -> bool,
    ) -> Vec<(ConceptId, f32)> {
        let full = format!("{title} {description}");
        let scan = self.dictionary.scan(&full, &self.ranking_lang);
        self.classify_ad(title, &full, &scan, limit, keep)
            .into_iter()
            .map(|m| (m.concept, m.score))
            .collect()
    }

    /// [`Extractor::rank_occupations_for_ad`] over a whole ad already scanned, with the parts
    /// of each score.
    fn classify_ad(
        &self,
        title: &str,
        full: &str,
        scan: &Scan,
        limit: usize,
        keep: &dyn Fn(ConceptId) -> bool,
    ) -> Vec<TitleMatch> {
        let pool = limit.max(10) * 5;
        let mut matches: HashMap<ConceptId, TitleMatch> = self
            .rank_title(title, pool, keep)
            .into_iter()
            .map(|m| (m.concept, m))
            .collect();
        // Character trigrams pay off on short titles only; the whole text is compared by stems.
        for (concept, score) in self.rank_scanned(&self.occupations, full, scan, pool) {
            if keep(concept) {
                matches
                    .entry(concept)
                    .or_insert_with(|| TitleMatch::new(concept))
                    .ad_text = score;
            }
        }
        let ranked: Vec<TitleMatch> = matches
            .into_values()
            .map(|mut m| {
                m.score += 0.5 * m.ad_text;
                m
            })
            .collect();
        best_first(ranked, limit)
    }

    /// Occupations ranked for a job title: the best-matching single label, compared by
    /// character trigrams, counts fully; the similarity of the whole profile (labels,
    /// description, group, and labels found word for word) adds a third.
    pub fn rank_occupations(&self, text: &str, limit: usize) -> Vec<(ConceptId, f32)> {
        self.rank_title(text, limit, &|_| true)
            .into_iter()
            .map(|m| (m.concept, m.score))
            .collect()
    }

    /// [`Extractor::rank_occupations`] with the parts of each score, over the occupations
    /// that `keep` accepts.
    pub fn rank_title(
        &self,
        text: &str,
        limit: usize,
        keep: &dyn Fn(ConceptId) -> bool,
    ) -> Vec<TitleMatch> {
        let text = clip(text, MAX_TITLE_BYTES);
        let pool = limit.max(1) * 5;
        let mut matches: HashMap<ConceptId, TitleMatch> = HashMap::new();
        for ranked in self.occupation_labels.rank_explained(text, pool) {
            if keep(ranked.concept) {
                matches.insert(
                    ranked.concept,
                    TitleMatch {
                        concept: ranked.concept,
                        label: ranked.score,
                        own: ranked.own,
                        borrowed: ranked.borrowed,
                        ..TitleMatch::new(ranked.concept)
                    },
                );
            }
        }
        for (concept, score) in self.rank_with(&self.occupations, text, pool) {
            if keep(concept) {
                matches
                    .entry(concept)
                    .or_insert_with(|| TitleMatch::new(concept))
                    .profile = score;
            }
        }
        let ranked: Vec<TitleMatch> = matches
            .into_values()
            .map(|mut m| {
                m.score = m.label + m.profile / 3.0;
                m
            })
            .collect();
        best_first(ranked, limit)
    }

    fn rank_with(&self, ranker: &Ranker, text: &str, limit: usize) -> Vec<(ConceptId, f32)> {
        let scan = self.dictionary.scan(text, &self.ranking_lang);
        self.rank_scanned(ranker, text, &scan, limit)
    }

    /// TF-IDF similarity plus, for each label found in the scan, its share of the text's words.
    fn rank_scanned(
        &self,
        ranker: &Ranker,
        text: &str,
        scan: &Scan,
        limit: usize,
    ) -> Vec<(ConceptId, f32)> {
        let mut scores: HashMap<ConceptId, f32> = HashMap::new();
        for (concept, score) in ranker.rank(text, limit.max(1) * 5) {
            scores.insert(concept, score);
        }
        // A label found in the text adds its share of the text's words to the similarity.
        let total = scan.tokens.len().max(1) as f32;
        for m in &scan.matches {
            // Tokens are in text order and a match starts at its first token.
            let covered = scan.tokens[m.first_term..]
                .iter()
                .take_while(|t| t.end() <= m.end)
                .count() as f32;
            let bonus = m.score * covered / total;
            if ranker.covers(m.concept) {
                let entry = scores.entry(m.concept).or_insert(0.0);
                *entry = entry.max(0.0) + bonus;
            }
        }
        let mut ranked: Vec<(ConceptId, f32)> = scores.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        ranked
    }
}

/// The `limit` best matches, best first (ties by concept id).
fn best_first(mut ranked: Vec<TitleMatch>, limit: usize) -> Vec<TitleMatch> {
    ranked.sort_unstable_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
    ranked.truncate(limit);
    ranked
}

/// Trigram similarity from which a title counts as naming the label itself.
const EXACT_TITLE_MIN: f32 = 0.999;
/// Highest raw title score a perfect match reaches (label 1 + profile 1/3): reported scores
/// are fractions of it, capped at 1. (An occupation that borrows titles through a crosswalk
/// reaches a label part of at most (1 + 0.95) / 2, see [`crate::ranker`].)
const TITLE_SCORE_MAX: f32 = 4.0 / 3.0;
/// Highest raw whole-ad score a perfect match reaches (title, plus half of the text's).
const AD_SCORE_MAX: f32 = TITLE_SCORE_MAX + 0.5;

/// jieba extended with the taxonomy's Chinese labels, or `None` when it has none.
fn chinese_segmenter(taxonomy: &Taxonomy) -> Option<Segmenter> {
    let mut labels = taxonomy
        .concepts()
        .iter()
        .filter(|c| matches!(c.kind, ConceptKind::Skill | ConceptKind::Occupation))
        .flat_map(|c| c.labels.iter())
        .filter(|l| l.lang.starts_with("zh"))
        .peekable();
    labels.peek()?;
    let mut segmenter = Segmenter::default();
    for label in labels {
        segmenter.add_word(&label.text);
    }
    Some(segmenter)
}

/// Minimum cosine similarity for a sentence's best skill to be reported without a label.
const SIMILAR_TEXT_MIN: f32 = 0.45;

fn merge(
    target: &mut HashMap<ConceptId, Found>,
    m: &LabelMatch,
    evidence: Evidence,
    requirement: Requirement,
) {
    let found = target.entry(m.concept).or_insert(Found {
        concept: m.concept,
        score: m.score,
        evidence,
        label: Some(m.label),
        borrowed: None,
        spans: Vec::new(),
        requirement,
    });
    if m.score > found.score {
        found.score = m.score;
        found.evidence = evidence;
        found.label = Some(m.label);
    }
    if requirement == Requirement::Essential {
        found.requirement = Requirement::Essential;
    }
    // (Repeated spans are dropped once, in `sorted`: looking for each one here cost the
    // square of a label's occurrences.)
    found.spans.push((m.start, m.end));
}

fn sorted(found: HashMap<ConceptId, Found>) -> Vec<Found> {
    let mut out: Vec<Found> = found.into_values().collect();
    for f in &mut out {
        f.spans.sort_unstable();
        f.spans.dedup();
    }
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
    out
}

/// Drops a match whose span lies inside a longer match ("management" inside "project
/// management"). The rest are returned longest first (then by start and concept).
///
/// A span inside a longer one is inside a longest one that is kept, so a match is dropped
/// exactly when some other span strictly contains its own: one sweep over the distinct spans
/// by start (and longest first among equal starts) finds those, where comparing each match
/// with every kept one cost the square of their number (a label repeated over a whole text).
fn drop_contained(mut matches: Vec<LabelMatch>) -> Vec<LabelMatch> {
    let mut spans: Vec<(usize, usize)> = matches.iter().map(|m| (m.start, m.end)).collect();
    spans.sort_unstable_by_key(|(start, end)| (*start, std::cmp::Reverse(*end)));
    spans.dedup();
    // Every span before one in this order starts at or before it and differs from it: one
    // that also ends at or after it contains it.
    let mut contained: Vec<(usize, usize)> = Vec::new();
    let mut furthest_end: Option<usize> = None;
    for (start, end) in spans {
        if furthest_end.is_some_and(|furthest| furthest >= end) {
            contained.push((start, end));
        }
        furthest_end = furthest_end.max(Some(end));
    }
    // `contained` is in the sorted order of spans already.
    let inside = |m: &LabelMatch| {
        contained
            .binary_search_by_key(&(m.start, std::cmp::Reverse(m.end)), |(s, e)| {
                (*s, std::cmp::Reverse(*e))
            })
            .is_ok()
    };
    matches.retain(|m| !inside(m));
    matches.sort_by_key(|m| (std::cmp::Reverse(m.end - m.start), m.start, m.concept));
    matches
}

/// The beginning of `text`, at most `max` bytes (cut at a character boundary).
fn clip(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `text` in consecutive pieces of at most `max` bytes, cut after a space where there is one
/// in a piece's second half (else at a character boundary); one piece when it is short enough.
fn pieces(text: &str, max: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let head = clip(rest, max);
        let cut = if head.len() == rest.len() {
            head.len()
        } else {
            let space = head.char_indices().rev().find(|(_, c)| c.is_whitespace());
            match space {
                Some((at, c)) if at >= head.len() / 2 => at + c.len_utf8(),
                // A character wider than `max` (max < 4) is still one piece.
                _ if head.is_empty() => rest.chars().next().map_or(rest.len(), char::len_utf8),
                _ => head.len(),
            }
        };
        let (piece, after) = rest.split_at(cut);
        rest = after;
        Some(piece)
    })
}

fn guess_kind(text: &str, words: usize) -> TextKind {
    if !text.trim().contains('\n') && words <= 8 {
        return TextKind::Title;
    }
    let lower = text.to_lowercase();
    let vacancy_words = [
        "requirements",
        "we are looking",
        "we're looking",
        "responsibilities",
        "apply",
        "qualifications",
        "job description",
        "徵",
        "應徵",
        "工作內容",
        "條件要求",
        "職缺",
    ];
    if vacancy_words.iter().any(|w| lower.contains(w)) {
        TextKind::Vacancy
    } else {
        TextKind::Cv
    }
}

/// Per-sentence cues of a text.
struct SentenceCues {
    bounds: Vec<usize>,
    optional: Vec<bool>,
    skipped: Vec<bool>,
}

impl SentenceCues {
    fn read(text: &str) -> SentenceCues {
        let bounds = crate::analyze::sentence_boundaries(text);
        let count = bounds.len() + 1;
        let mut optional = vec![false; count];
        let mut skipped = vec![false; count];
        let mut in_skipped_section = false;
        for (i, (_, sentence)) in sentence_texts(text, &bounds).enumerate() {
            let lower = sentence.to_lowercase();
            let words: Vec<&str> = lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            optional[i] = OPTIONAL_CUES
                .iter()
                .any(|cue| words.windows(cue.len()).any(|w| w == *cue))
                || CJK_OPTIONAL_CUES.iter().any(|cue| sentence.contains(cue));
            let heading = SECTION_SKIP_CUES.iter().any(|cue| lower.contains(cue));
            let looks_like_heading = sentence.trim_end().ends_with(':')
                || sentence.trim_end().ends_with('：')
                || words.len() <= 4;
            if heading && looks_like_heading {
                in_skipped_section = true;
            } else if looks_like_heading && sentence.trim_end().ends_with([':', '：']) {
                // Another heading ends the benefits or company section.
                in_skipped_section = false;
            }
            skipped[i] = in_skipped_section || heading;
        }
        SentenceCues {
            bounds,
            optional,
            skipped,
        }
    }
}

/// True when a negation word stands within three words before the token, in its sentence.
fn negated(tokens: &[ScanToken], first: usize) -> bool {
    let sentence = tokens[first].sentence();
    tokens[first.saturating_sub(3)..first]
        .iter()
        .any(|t| t.sentence() == sentence && t.is_negation())
}

/// (sentence index, text) for every sentence.
fn sentence_texts<'a>(
    text: &'a str,
    bounds: &'a [usize],
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    let mut starts = vec![0];
    starts.extend(bounds.iter().copied());
    let ends: Vec<usize> = bounds
        .iter()
        .copied()
        .chain(std::iter::once(text.len()))
        .collect();
    starts
        .into_iter()
        .zip(ends)
        .enumerate()
        .map(move |(i, (s, e))| (i, text.get(s..e).unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `drop_contained` as it was, comparing each match with every kept one: the reference.
    fn drop_contained_quadratic(mut matches: Vec<LabelMatch>) -> Vec<LabelMatch> {
        matches.sort_by_key(|m| (std::cmp::Reverse(m.end - m.start), m.start, m.concept));
        let mut kept: Vec<LabelMatch> = Vec::new();
        for m in matches {
            let inside = kept.iter().any(|k| {
                k.start <= m.start && m.end <= k.end && (k.end - k.start) > (m.end - m.start)
            });
            if !inside {
                kept.push(m);
            }
        }
        kept
    }

    fn label_match(concept: u32, start: usize, len: usize) -> LabelMatch {
        LabelMatch {
            concept: ConceptId(concept),
            label: 0,
            kind: MatchKind::Exact,
            start,
            end: start + len,
            first_term: 0,
            sentence: 0,
            score: 1.0,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 500,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0xd0_c0de),
            ..ProptestConfig::default()
        })]

        /// The sweep keeps exactly what comparing every pair kept, in the same order.
        #[test]
        fn dropping_contained_matches_agrees_with_comparing_every_pair(
            spans in prop::collection::vec((0u32..4, 0usize..30, 1usize..8), 0..40),
        ) {
            let matches: Vec<LabelMatch> = spans
                .iter()
                .map(|(concept, start, len)| label_match(*concept, *start, *len))
                .collect();
            prop_assert_eq!(drop_contained(matches.clone()), drop_contained_quadratic(matches));
        }

        /// Pieces put back together are the text; each is at most `max` bytes (or one
        /// character wider than that).
        #[test]
        fn pieces_cover_the_text_within_the_bound(text in "\\PC{0,200}", max in 1usize..40) {
            let all: Vec<&str> = pieces(&text, max).collect();
            prop_assert_eq!(all.concat(), text.clone());
            for piece in all {
                prop_assert!(!piece.is_empty());
                prop_assert!(piece.len() <= max || piece.chars().count() == 1, "{:?}", piece);
            }
        }
    }

    #[test]
    fn a_short_sentence_is_one_piece() {
        let sentence = "We need a forklift driver with three years of experience.";
        assert_eq!(
            pieces(sentence, MAX_RANKED_PIECE_BYTES).collect::<Vec<_>>(),
            [sentence]
        );
        assert_eq!(clip("護理師", 4), "護");
    }
}
