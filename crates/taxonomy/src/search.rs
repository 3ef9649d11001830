//! Typeahead search over every label of every concept, in every language.
//!
//! The index holds one entry per (concept, label). Labels are tokenised with
//! [`openpes_text::tokenize`] (CJK text one character per token), tokens are interned into a
//! sorted vocabulary, and each token has a posting list of entries. A query token matches a
//! label token exactly, as a prefix (the last query token, while the user is still typing), or
//! with one typo (insertion, deletion, substitution or transposition; tokens of four or more
//! characters), found through an index of one-character deletions.
//!
//! Candidates come from the most selective query token; every query token must match some
//! token of the label. The score is an explained sum (see [`Score`]); results keep the best
//! label per concept and are ordered by score, then by concept id.

use crate::model::{ConceptKind, LabelKind};
use crate::readmodel::ConceptId;
use openpes_text::{fold, tokenize, TokenKind};
use std::collections::HashMap;

/// How one query token matched a label token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchHow {
    Exact,
    Prefix,
    Typo,
    /// The whole query equals the concept's short code or a crosswalk code.
    Code,
}

impl MatchHow {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchHow::Exact => "exact",
            MatchHow::Prefix => "prefix",
            MatchHow::Typo => "typo",
            MatchHow::Code => "code",
        }
    }
}

/// The parts of a search score, each in [0, 1], and their weighted sum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// Mean quality of the query-token matches (exact 1, prefix 0.6–0.95, typo 0.6).
    pub token_match: f32,
    /// Share of the label's tokens that the query covers.
    pub coverage: f32,
    /// 1 for a preferred label, 0.7 alternative, 0.3 hidden.
    pub label_weight: f32,
    /// 1 when the label contains the whole query as typed (after folding), else 0.
    pub phrase: f32,
    /// Weighted sum: 0.6 token_match + 0.15 coverage + 0.15 label_weight + 0.1 phrase.
    pub total: f32,
}

impl Score {
    pub const W_TOKEN_MATCH: f32 = 0.6;
    pub const W_COVERAGE: f32 = 0.15;
    pub const W_LABEL: f32 = 0.15;
    pub const W_PHRASE: f32 = 0.1;

    fn new(token_match: f32, coverage: f32, label_weight: f32, phrase: f32) -> Score {
        let total = Self::W_TOKEN_MATCH * token_match
            + Self::W_COVERAGE * coverage
            + Self::W_LABEL * label_weight
            + Self::W_PHRASE * phrase;
        Score {
            token_match,
            coverage,
            label_weight,
            phrase,
            total,
        }
    }
}

/// One query token's match in a hit.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenMatch {
    pub query_token: String,
    pub label_token: String,
    pub how: MatchHow,
}

/// One search result: the concept and the label that matched best.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub concept: ConceptId,
    /// Index into the concept's labels.
    pub label: usize,
    pub score: Score,
    pub matches: Vec<TokenMatch>,
}

/// Options of a search.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions<'a> {
    /// Only labels in this language (exact tag, e.g. `zh-TW`).
    pub lang: Option<&'a str>,
    /// Only concepts of these kinds (all when empty).
    pub kinds: &'a [ConceptKind],
    pub limit: usize,
}

struct Entry {
    concept: ConceptId,
    label: u32,
    lang: u16,
    kind: ConceptKind,
    label_kind: LabelKind,
    tokens: Box<[u32]>,
    folded: Box<str>,
}

/// The typeahead index (built by the read model).
pub struct SearchIndex {
    entries: Vec<Entry>,
    vocab: Vec<Box<str>>,
    postings: Vec<Box<[u32]>>,
    /// (hash of a token with one character deleted, token id), sorted.
    deletions: Vec<(u64, u32)>,
    langs: Vec<String>,
}

/// A label handed to the index builder.
pub struct LabelInput<'a> {
    pub concept: ConceptId,
    pub label: usize,
    pub lang: &'a str,
    pub kind: ConceptKind,
    pub label_kind: LabelKind,
    pub text: &'a str,
}

const MIN_TYPO_LEN: usize = 4;
/// Longer tokens are not expanded for typos (no label word is this long; bounds the work).
const MAX_TYPO_LEN: usize = 32;
/// Query words beyond this many are ignored.
pub const MAX_QUERY_TOKENS: usize = 16;

impl SearchIndex {
    /// Builds the index from all labels.
    pub fn build<'a>(labels: impl Iterator<Item = LabelInput<'a>>) -> SearchIndex {
        let mut token_ids: HashMap<String, u32> = HashMap::new();
        let mut lang_ids: HashMap<String, u16> = HashMap::new();
        let mut entries = Vec::new();
        for input in labels {
            let tokens: Box<[u32]> = tokenize(input.text)
                .into_iter()
                .map(|t| {
                    let next = token_ids.len() as u32;
                    *token_ids.entry(t.text).or_insert(next)
                })
                .collect();
            if tokens.is_empty() {
                continue;
            }
            let next_lang = lang_ids.len() as u16;
            let lang = *lang_ids.entry(input.lang.to_string()).or_insert(next_lang);
            entries.push(Entry {
                concept: input.concept,
                label: input.label as u32,
                lang,
                kind: input.kind,
                label_kind: input.label_kind,
                tokens,
                folded: fold(input.text).into_boxed_str(),
            });
        }
        // Sort the vocabulary so that prefixes are contiguous ranges; remap token ids.
        let mut vocab: Vec<(String, u32)> = token_ids.into_iter().collect();
        vocab.sort_unstable();
        let mut remap = vec![0u32; vocab.len()];
        for (new_id, (_, old_id)) in vocab.iter().enumerate() {
            remap[*old_id as usize] = new_id as u32;
        }
        let mut postings: Vec<Vec<u32>> = vec![Vec::new(); vocab.len()];
        for (entry_id, entry) in entries.iter_mut().enumerate() {
            for token in entry.tokens.iter_mut() {
                *token = remap[*token as usize];
                let list = &mut postings[*token as usize];
                if list.last() != Some(&(entry_id as u32)) {
                    list.push(entry_id as u32);
                }
            }
        }
        let vocab: Vec<Box<str>> = vocab.into_iter().map(|(t, _)| t.into_boxed_str()).collect();
        let mut deletions = Vec::new();
        for (id, token) in vocab.iter().enumerate() {
            if token.chars().count() >= MIN_TYPO_LEN && !token.chars().any(openpes_text::is_cjk) {
                for variant in one_deletions(token) {
                    deletions.push((hash(&variant), id as u32));
                }
            }
        }
        deletions.sort_unstable();
        deletions.dedup();
        let mut langs: Vec<(String, u16)> = lang_ids.into_iter().collect();
        langs.sort_by_key(|(_, id)| *id);
        SearchIndex {
            entries,
            vocab,
            postings: postings.into_iter().map(Vec::into_boxed_slice).collect(),
            deletions,
            langs: langs.into_iter().map(|(l, _)| l).collect(),
        }
    }

    /// Number of indexed labels.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of distinct tokens.
    pub fn vocabulary_len(&self) -> usize {
        self.vocab.len()
    }

    fn token_id(&self, token: &str) -> Option<u32> {
        self.vocab
            .binary_search_by(|t| t.as_ref().cmp(token))
            .ok()
            .map(|i| i as u32)
    }

    /// All ways a query token can match vocabulary tokens, with their quality.
    /// `prefix_base` is the quality of a prefix match before the length bonus; `None` when the
    /// token may not match as a prefix.
    fn expand(
        &self,
        token: &str,
        prefix_base: Option<f32>,
        cjk: bool,
    ) -> Vec<(u32, f32, MatchHow)> {
        let mut out: Vec<(u32, f32, MatchHow)> = Vec::new();
        if let Some(id) = self.token_id(token) {
            out.push((id, 1.0, MatchHow::Exact));
        }
        if cjk {
            return out;
        }
        let len = token.chars().count();
        if let Some(base) = prefix_base {
            let start = self.vocab.partition_point(|t| t.as_ref() < token);
            for (offset, candidate) in self.vocab[start..].iter().enumerate() {
                if !candidate.starts_with(token) {
                    break;
                }
                if candidate.as_ref() == token {
                    continue;
                }
                let ratio = len as f32 / candidate.chars().count() as f32;
                out.push((
                    (start + offset) as u32,
                    base + 0.25 * ratio,
                    MatchHow::Prefix,
                ));
            }
        }
        if (MIN_TYPO_LEN..=MAX_TYPO_LEN).contains(&len) {
            let mut typo_ids: Vec<u32> = Vec::new();
            // The query has one extra character: a deletion of it is a vocabulary token.
            // Same length (substitution, transposition): both share a deletion.
            for variant in one_deletions(token) {
                if let Some(id) = self.token_id(&variant) {
                    typo_ids.push(id);
                }
                typo_ids.extend(self.deletion_matches(hash(&variant)));
            }
            // The query misses one character: it is a deletion of a vocabulary token.
            typo_ids.extend(self.deletion_matches(hash(token)));
            typo_ids.sort_unstable();
            typo_ids.dedup();
            for id in typo_ids {
                let candidate = &self.vocab[id as usize];
                if out.iter().any(|(known, _, _)| *known == id) {
                    continue;
                }
                if within_one_edit(token, candidate) {
                    out.push((id, 0.6, MatchHow::Typo));
                }
            }
        }
        out
    }

    fn deletion_matches(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let start = self.deletions.partition_point(|(h, _)| *h < key);
        self.deletions[start..]
            .iter()
            .take_while(move |(h, _)| *h == key)
            .map(|(_, id)| *id)
    }

    /// Searches labels; see the module documentation for the rules.
    pub fn search(&self, query: &str, options: &SearchOptions<'_>) -> Vec<Hit> {
        let limit = options.limit.max(1);
        let mut query_tokens = tokenize(query);
        if query_tokens.is_empty() {
            return Vec::new();
        }
        // Bounded work whatever the input: at most MAX_QUERY_TOKENS words are used.
        query_tokens.truncate(MAX_QUERY_TOKENS);
        let still_typing = !query.ends_with(char::is_whitespace);
        let lang_filter = match options.lang {
            Some(lang) => match self.langs.iter().position(|l| l == lang) {
                Some(i) => Some(i as u16),
                None => return Vec::new(),
            },
            None => None,
        };
        // For each query token: token id → (quality, how), kept as a sorted vector.
        let expansions: Vec<Vec<(u32, f32, MatchHow)>> = query_tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                // The word being typed is a prefix from its first letter; earlier words may be
                // abbreviations from two letters on, and count a little less.
                let prefix_base = if i + 1 == query_tokens.len() {
                    still_typing.then_some(0.7)
                } else {
                    (t.text.chars().count() >= 2).then_some(0.6)
                };
                let mut e = self.expand(&t.text, prefix_base, t.kind == TokenKind::Cjk);
                e.sort_unstable_by_key(|(id, _, _)| *id);
                e
            })
            .collect();
        if expansions.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        // Drive candidate generation from the most selective query token.
        let driver = (0..expansions.len())
            .min_by_key(|&i| {
                expansions[i]
                    .iter()
                    .map(|(id, _, _)| self.postings[*id as usize].len())
                    .sum::<usize>()
            })
            .unwrap_or(0);
        // An entry may be reached twice (two of its tokens match the driver); the per-concept
        // maximum below makes that harmless, so no de-duplication pass is needed.
        let candidates = expansions[driver]
            .iter()
            .flat_map(|(id, _, _)| self.postings[*id as usize].iter().copied());

        let folded_query = fold(query.trim());
        let mut best: HashMap<ConceptId, (Score, u32)> = HashMap::new();
        for entry_id in candidates {
            let entry = &self.entries[entry_id as usize];
            if lang_filter.is_some_and(|l| l != entry.lang)
                || (!options.kinds.is_empty() && !options.kinds.contains(&entry.kind))
            {
                continue;
            }
            let Some(score) = self.score_entry(entry, &expansions, &folded_query, None) else {
                continue;
            };
            match best.get(&entry.concept) {
                Some((existing, _)) if existing.total >= score.total => {}
                _ => {
                    best.insert(entry.concept, (score, entry_id));
                }
            }
        }
        let mut ranked: Vec<(ConceptId, Score, u32)> =
            best.into_iter().map(|(c, (s, e))| (c, s, e)).collect();
        let order = |a: &(ConceptId, Score, u32), b: &(ConceptId, Score, u32)| {
            b.1.total.total_cmp(&a.1.total).then(a.0.cmp(&b.0))
        };
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        // Explain only what is returned.
        ranked
            .into_iter()
            .map(|(concept, score, entry_id)| {
                let entry = &self.entries[entry_id as usize];
                let mut matches = Vec::with_capacity(query_tokens.len());
                self.score_entry(entry, &expansions, &folded_query, Some(&mut matches));
                for (m, token) in matches.iter_mut().zip(&query_tokens) {
                    m.query_token = token.text.clone();
                }
                Hit {
                    concept,
                    label: entry.label as usize,
                    score,
                    matches,
                }
            })
            .collect()
    }

    /// Scores one label against the query; `None` when some query token matches none of its
    /// tokens. When `explain` is given, it receives how each query token matched.
    fn score_entry(
        &self,
        entry: &Entry,
        expansions: &[Vec<(u32, f32, MatchHow)>],
        folded_query: &str,
        mut explain: Option<&mut Vec<TokenMatch>>,
    ) -> Option<Score> {
        let mut quality_sum = 0.0;
        // Label tokens already matched (labels longer than 64 tokens: the rest never count).
        let mut covered: u64 = 0;
        let is_covered = |covered: u64, p: usize| p < 64 && covered & (1 << p) != 0;
        for expansion in expansions {
            let mut best: Option<(usize, f32, MatchHow)> = None;
            for (position, token) in entry.tokens.iter().enumerate() {
                if let Ok(i) = expansion.binary_search_by_key(token, |(id, _, _)| *id) {
                    let (_, quality, how) = expansion[i];
                    // Prefer an uncovered label token, then the better quality.
                    let rank = |p: usize, q: f32| (!is_covered(covered, p), q);
                    let better = match best {
                        None => true,
                        Some((p, q, _)) => rank(position, quality) > rank(p, q),
                    };
                    if better {
                        best = Some((position, quality, how));
                    }
                }
            }
            let (position, quality, how) = best?;
            if position < 64 {
                covered |= 1 << position;
            }
            quality_sum += quality;
            if let Some(out) = explain.as_deref_mut() {
                out.push(TokenMatch {
                    query_token: String::new(),
                    label_token: self.vocab[entry.tokens[position] as usize].to_string(),
                    how,
                });
            }
        }
        let token_match = quality_sum / expansions.len() as f32;
        let coverage = covered.count_ones() as f32 / entry.tokens.len() as f32;
        let label_weight = match entry.label_kind {
            LabelKind::Preferred => 1.0,
            LabelKind::Alternative => 0.7,
            LabelKind::Hidden => 0.3,
        };
        let phrase = if entry.folded.contains(folded_query) {
            1.0
        } else {
            0.0
        };
        Some(Score::new(token_match, coverage, label_weight, phrase))
    }
}

fn one_deletions(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut out: Vec<String> = (0..chars.len())
        .map(|skip| {
            chars
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, c)| *c)
                .collect()
        })
        .collect();
    out.dedup();
    out
}

fn hash(s: &str) -> u64 {
    // FNV-1a: stable across runs and platforms, fast for short strings.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// True when `a` and `b` differ by at most one insertion, deletion, substitution or
/// transposition of adjacent characters.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    match long.len() - short.len() {
        0 => {
            let diffs: Vec<usize> = (0..short.len()).filter(|&i| short[i] != long[i]).collect();
            match diffs.as_slice() {
                [] | [_] => true,
                [i, j] => *j == i + 1 && short[*i] == long[*j] && short[*j] == long[*i],
                _ => false,
            }
        }
        1 => {
            let first_diff = (0..short.len())
                .find(|&i| short[i] != long[i])
                .unwrap_or(short.len());
            short[first_diff..] == long[first_diff + 1..]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(labels: &[(u32, LabelKind, &str, &str)]) -> SearchIndex {
        SearchIndex::build(
            labels
                .iter()
                .enumerate()
                .map(|(i, (c, k, lang, text))| LabelInput {
                    concept: ConceptId(*c),
                    label: i,
                    lang,
                    kind: ConceptKind::Occupation,
                    label_kind: *k,
                    text,
                }),
        )
    }

    fn ids(hits: &[Hit]) -> Vec<u32> {
        hits.iter().map(|h| h.concept.0).collect()
    }

    fn opts() -> SearchOptions<'static> {
        SearchOptions {
            limit: 10,
            ..Default::default()
        }
    }

    #[test]
    fn edit_distance_of_one() {
        assert!(within_one_edit("nurse", "nurze"));
        assert!(within_one_edit("nurse", "nures"));
        assert!(within_one_edit("nurse", "nurses"));
        assert!(within_one_edit("nurse", "nuse"));
        assert!(!within_one_edit("nurse", "purge"));
        assert!(!within_one_edit("nurse", "nursery"));
    }

    #[test]
    fn finds_by_exact_prefix_and_typo() {
        let idx = index(&[
            (1, LabelKind::Preferred, "en", "registered nurse"),
            (2, LabelKind::Preferred, "en", "nursery teacher"),
            (3, LabelKind::Preferred, "en", "welder"),
        ]);
        assert_eq!(ids(&idx.search("nurse", &opts())), [1, 2]);
        assert_eq!(
            ids(&idx.search("nurse ", &opts())),
            [1],
            "a finished word is not a prefix"
        );
        assert_eq!(ids(&idx.search("nurze ", &opts())), [1], "one typo");
        assert_eq!(ids(&idx.search("weld", &opts())), [3]);
        assert!(idx.search("plumber", &opts()).is_empty());
        let hit = &idx.search("reg nurse", &opts())[0];
        assert_eq!(hit.matches[0].how, MatchHow::Prefix);
        assert_eq!(hit.matches[1].how, MatchHow::Exact);
    }

    #[test]
    fn ranks_full_coverage_and_preferred_labels_first() {
        let idx = index(&[
            (1, LabelKind::Alternative, "en", "nurse"),
            (2, LabelKind::Preferred, "en", "nurse"),
            (
                3,
                LabelKind::Preferred,
                "en",
                "nurse responsible for general care",
            ),
        ]);
        assert_eq!(ids(&idx.search("nurse", &opts())), [2, 1, 3]);
    }

    #[test]
    fn matches_chinese_by_characters_and_filters_language() {
        let idx = index(&[
            (1, LabelKind::Preferred, "zh-TW", "護理師"),
            (2, LabelKind::Preferred, "zh-TW", "理髮師"),
            (3, LabelKind::Preferred, "en", "nurse"),
        ]);
        assert_eq!(ids(&idx.search("護理", &opts())), [1]);
        let en_only = SearchOptions {
            lang: Some("en"),
            ..opts()
        };
        assert!(idx.search("護理", &en_only).is_empty());
        assert_eq!(ids(&idx.search("nurse", &en_only)), [3]);
    }

    #[test]
    fn ties_are_broken_by_concept_id() {
        let idx = index(&[
            (9, LabelKind::Preferred, "en", "cook"),
            (4, LabelKind::Preferred, "en", "cook"),
        ]);
        assert_eq!(ids(&idx.search("cook", &opts())), [4, 9]);
    }
}
