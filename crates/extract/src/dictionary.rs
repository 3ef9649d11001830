//! Dictionary extraction: finds taxonomy labels in text despite inflection (stems), word order
//! and small gaps ("manage a team" in "team managing"), hyphenation, plurals, one-letter typos
//! in long words, and Chinese labels as contiguous character sequences.
//!
//! Every label of every skill and occupation becomes a pattern of terms (see
//! [`crate::analyze`]). Each pattern is anchored on its rarest term, and found through the
//! pair of its two rarest terms: scanning the text, a term that anchors patterns looks for its
//! partner terms in a window of the same sentence, and only the patterns of pairs present are
//! checked word by word. A match in the label's own order without gaps is `exact`; otherwise `variant`.
//!
//! Scanning is one pass over the bytes ([`openpes_text::words`]). What a word is — its term, or
//! that it is a stop word, a negation, a typo of a label word — is worked out once per distinct
//! word and remembered per thread and language, so stemming and typo search are paid once per
//! vocabulary word rather than once per occurrence.
//!
//! Rarity is counted over the taxonomy's labels and descriptions (its stand-in for job text),
//! so common words seldom anchor. A 256-bit signature of the window's terms (folded to 64 bits
//! for patterns) rejects most candidates without reading them; terms are numbered from the most
//! frequent, so the records of the words met most often stay in cache, and words are looked up
//! in a table whose slots are prefetched a few words ahead (`wordtable`).

use crate::analyze::{ends_sentence, fold_word, Analyzer, NEGATIONS};
use crate::wordtable::{prefetch, WordTable};
use openpes_taxonomy::{ConceptId, ConceptKind, LabelKind, Taxonomy};
use openpes_text::{words, LanguageStemmer, TokenKind, WordSpan};
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use thread_local::ThreadLocal;

/// How a label was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    /// All words, in the label's order, next to each other.
    Exact,
    /// All words, reordered or with up to two other words between them.
    Variant,
    /// As `Exact` or `Variant`, with a one-letter typo in at least one long word.
    Typo,
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
    /// Index of the first matched token (in [`Scan::tokens`]), and the sentence.
    pub first_term: usize,
    pub sentence: usize,
    /// Match quality in [0, 1]: label kind and match kind.
    pub score: f32,
}

/// A word of the scanned text that is not a stop word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanToken {
    start: u32,
    end: u32,
    sentence: u32,
    /// Dictionary term, or [`NO_TERM`] for words no label uses.
    pub term: u32,
    flags: u8,
}

impl ScanToken {
    /// Byte offset of the word in the input.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset one past the word.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// Sentence (or list item, or line) number, as [`crate::analyze::sentence_boundaries`].
    pub fn sentence(&self) -> usize {
        self.sentence as usize
    }

    /// True for a negation word ("no", "without", 不 …).
    pub fn is_negation(&self) -> bool {
        self.flags & NEGATION != 0
    }

    /// True when the word was read as a label word with a one-letter typo.
    pub fn is_typo(&self) -> bool {
        self.flags & TYPO != 0
    }
}

/// The result of scanning one text.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Words that are not stop words, in order.
    pub tokens: Vec<ScanToken>,
    /// Every label match (overlapping matches included).
    pub matches: Vec<LabelMatch>,
}

/// Term id of words that no label uses.
pub const NO_TERM: u32 = u32::MAX;

const STOP: u8 = 1;
const NEGATION: u8 = 2;
const TYPO: u8 = 4;

/// Extra words allowed inside a reordered match.
const MAX_GAP: usize = 2;
/// Longest label, in terms, that becomes a pattern.
const MAX_PATTERN_TERMS: usize = 12;
/// Shortest word (in characters) read as a typo of a label word.
const MIN_TYPO_CHARS: usize = 5;
/// Shortest label word (in characters) that typos are matched against.
const MIN_TYPO_TARGET_CHARS: usize = 6;
/// Longest word (in bytes) read as a typo, and longest label word typos are matched against.
/// Typo search builds every one-letter deletion of a word, which costs the square of its
/// length: without this bound one 400,000-letter word took half a minute. Real words are far
/// shorter.
const MAX_TYPO_BYTES: usize = 64;
/// Anchors with at most this many partners scan them all against a window signature; those
/// with more look each window term up by binary search.
const MAX_LINEAR_PARTNERS: usize = 128;
/// Words remembered per thread and language before the memory is cleared.
const MEMO_CAPACITY: usize = 200_000;
/// How many words ahead the scanner asks for a word's slot in the memo.
const PREFETCH_AHEAD: usize = 8;
/// Marks a typo variant shared by two label words (not used).
const AMBIGUOUS: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Pattern {
    concept: ConceptId,
    label: u32,
    label_kind: LabelKind,
    cjk: bool,
    /// Range in `Dictionary::pattern_terms`.
    terms_from: u32,
    terms_len: u32,
}

/// The patterns a term anchors.
#[derive(Clone, Copy, Default)]
struct Anchored {
    /// Single-term and CJK patterns anchored on the term: `patterns[single_from..][..single_len]`.
    single_from: u32,
    single_len: u32,
    /// Its partners: `partners[partners_from..][..partners_len]`.
    partners_from: u32,
    partners_len: u32,
    /// Longest other (multi-term, alphabetic) pattern anchored on the term, 0 for none.
    reach: u8,
}

#[derive(Clone, Copy)]
struct WordInfo {
    term: u32,
    flags: u8,
}

/// What one thread knows about the words of one language. Words of up to 16 bytes (nearly
/// all) are keyed by their bytes packed in a `u128`, compared without following a pointer.
struct Memo {
    lang: String,
    stemmer: LanguageStemmer,
    short: WordTable<WordInfo>,
    long: FxHashMap<Box<str>, WordInfo>,
}

impl Memo {
    fn get(&self, word: &str) -> Option<WordInfo> {
        match pack(word) {
            Some(key) => self.short.get(key),
            None => self.long.get(word).copied(),
        }
    }

    fn insert(&mut self, word: &str, info: WordInfo) {
        if self.short.len() + self.long.len() > MEMO_CAPACITY {
            self.short.clear();
            self.long.clear();
        }
        match pack(word) {
            Some(key) => self.short.insert(key, info),
            None => {
                self.long.insert(word.into(), info);
            }
        }
    }
}

/// The bytes of a word of up to 16 bytes as one number (words never contain NUL).
fn pack(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.len() > 16 {
        return None;
    }
    let mut packed = [0u8; 16];
    packed[..bytes.len()].copy_from_slice(bytes);
    Some(u128::from_le_bytes(packed))
}

/// [`pack`] of the lower-cased ASCII word `bytes[start..end]`, read straight from the text
/// (eight bytes at a time, lower-cased in the register); `None` for words over 16 bytes.
fn ascii_key(bytes: &[u8], start: usize, end: usize) -> Option<u128> {
    let len = end - start;
    if len > 16 {
        return None;
    }
    let raw = match bytes.get(start..start + 16) {
        Some(window) => {
            let mut buf = [0u8; 16];
            buf.copy_from_slice(window);
            u128::from_le_bytes(buf)
        }
        None => {
            let mut buf = [0u8; 16];
            buf[..len].copy_from_slice(&bytes[start..end]);
            u128::from_le_bytes(buf)
        }
    };
    let mask = if len == 16 {
        u128::MAX
    } else {
        (1u128 << (8 * len)) - 1
    };
    Some(ascii_lowercase(raw & mask))
}

/// Lower-cases the ASCII letters among 16 bytes (all below 0x80) at once: a byte is upper
/// case when adding `0x80 - 'A'` sets its top bit and adding `0x80 - 'Z' - 1` does not.
fn ascii_lowercase(x: u128) -> u128 {
    const ONES: u128 = u128::from_le_bytes([1; 16]);
    let at_least_a = x + ONES * (0x80 - b'A' as u128);
    let above_z = x + ONES * (0x80 - b'Z' as u128 - 1);
    let upper = at_least_a & !above_z & (ONES * 0x80);
    x | (upper >> 2)
}

/// The label dictionary of a taxonomy.
pub struct Dictionary {
    terms: FxHashMap<Box<str>, u32>,
    patterns: Vec<Pattern>,
    pattern_terms: Vec<u32>,
    /// What each term anchors, in one record so that a word costs one memory access.
    anchors: Vec<Anchored>,
    /// The second rarest terms ("partners") of the patterns anchored on each term, sorted
    /// per anchor (see [`Anchored`]); the patterns of each (anchor, partner) pair are the range
    /// `partner_patterns[i]` (start, length) of `patterns`. Only partners present near the
    /// anchor cost anything, so common anchors stay cheap.
    partners: Vec<u32>,
    partner_patterns: Vec<(u32, u32)>,
    /// Per pattern, the signature of its terms (see [`term_bit`]): a pattern with a term the
    /// window lacks is skipped without being read.
    signatures: Vec<u64>,
    /// Folded label words long enough for typo matching → their term.
    typo_targets: FxHashMap<Box<str>, u32>,
    /// One-deletion variants of those words → their term (or [`AMBIGUOUS`]).
    typo_variants: FxHashMap<Box<str>, u32>,
    /// Every folded word of the taxonomy's labels and descriptions: real words, never typos.
    vocabulary: FxHashSet<Box<str>>,
    memos: ThreadLocal<RefCell<Vec<Memo>>>,
}

impl Dictionary {
    /// Builds the dictionary from every label of skills and occupations. Labels are analysed
    /// with their own language's stemmer.
    pub fn build(taxonomy: &Taxonomy) -> Dictionary {
        let mut analyzers: FxHashMap<String, Analyzer> = FxHashMap::default();
        let mut terms: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut patterns = Vec::new();
        let mut pattern_terms: Vec<u32> = Vec::new();
        let mut typo_targets: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let mut vocabulary: FxHashSet<Box<str>> = FxHashSet::default();
        let mut ids: Vec<u32> = Vec::new();
        // How often each word occurs in the descriptions, per language and word kind: the
        // taxonomy's own stand-in for how common a word is in job text.
        let mut description_words: FxHashMap<(String, Box<str>, TokenKind), u32> =
            FxHashMap::default();
        for concept in taxonomy.concepts() {
            if !matches!(concept.kind, ConceptKind::Skill | ConceptKind::Occupation) {
                continue;
            }
            for description in &concept.descriptions {
                for word in words(&description.text) {
                    let folded = fold_word(&description.text[word.start..word.end], word);
                    vocabulary.insert(folded.as_str().into());
                    *description_words
                        .entry((description.lang.clone(), folded.into(), word.kind))
                        .or_insert(0) += 1;
                }
            }
            for (i, label) in concept.labels.iter().enumerate() {
                let analyzer = analyzers
                    .entry(label.lang.clone())
                    .or_insert_with(|| Analyzer::new(&label.lang));
                ids.clear();
                let mut cjk = true;
                for word in words(&label.text) {
                    let folded = fold_word(&label.text[word.start..word.end], word);
                    let Some(term) = analyzer.term_of(&folded, word.kind) else {
                        continue;
                    };
                    let next = terms.len() as u32;
                    let id = *terms.entry(term.into()).or_insert(next);
                    ids.push(id);
                    cjk &= word.kind == TokenKind::Cjk;
                    if word.kind == TokenKind::Word
                        && folded.len() <= MAX_TYPO_BYTES
                        && folded.chars().count() >= MIN_TYPO_TARGET_CHARS
                        && folded.chars().all(char::is_alphabetic)
                    {
                        typo_targets.insert(folded.as_str().into(), id);
                    }
                    vocabulary.insert(folded.into());
                }
                if ids.is_empty() || ids.len() > MAX_PATTERN_TERMS {
                    continue;
                }
                // A single CJK character is too ambiguous to be a label on its own.
                if cjk && ids.len() < 2 {
                    continue;
                }
                patterns.push(Pattern {
                    concept: concept.id,
                    label: i as u32,
                    label_kind: label.kind,
                    cjk,
                    terms_from: pattern_terms.len() as u32,
                    terms_len: ids.len() as u32,
                });
                pattern_terms.extend_from_slice(&ids);
            }
        }
        // A term's frequency: in the labels, and in the descriptions. Patterns are anchored on
        // their rarest terms, so words common in job text ("team", "work") seldom anchor and
        // cost little where they occur.
        let mut frequency = vec![0u32; terms.len()];
        for t in &pattern_terms {
            frequency[*t as usize] += 1;
        }
        for ((lang, folded, kind), count) in &description_words {
            let analyzer = analyzers
                .entry(lang.clone())
                .or_insert_with(|| Analyzer::new(lang));
            let Some(term) = analyzer.term_of(folded, *kind) else {
                continue;
            };
            if let Some(id) = terms.get(term.as_str()) {
                frequency[*id as usize] = frequency[*id as usize].saturating_add(*count);
            }
        }
        // Terms are numbered from the most frequent: the records of the words met most often
        // in text then sit together in memory and stay in cache.
        let mut order: Vec<u32> = (0..terms.len() as u32).collect();
        order.sort_by_key(|t| (std::cmp::Reverse(frequency[*t as usize]), *t));
        let mut renumbered = vec![0u32; terms.len()];
        for (new, old) in order.iter().enumerate() {
            renumbered[*old as usize] = new as u32;
        }
        for id in terms.values_mut().chain(typo_targets.values_mut()) {
            *id = renumbered[*id as usize];
        }
        for id in &mut pattern_terms {
            *id = renumbered[*id as usize];
        }
        let frequency: Vec<u32> = order.iter().map(|t| frequency[*t as usize]).collect();
        let rarest_two = |own: &[u32]| {
            let mut sorted = own.to_vec();
            sorted.sort_by_key(|t| (frequency[*t as usize], *t));
            (sorted[0], sorted[1])
        };
        // Single-term and CJK patterns hang off their anchor (CJK: the first character);
        // longer alphabetic patterns off the pair of their two rarest terms. Patterns are
        // stored in that order, so each anchor's and each pair's patterns are one range.
        let mut anchor_reach = vec![0u8; terms.len()];
        let mut keyed: Vec<(bool, u32, u32, usize)> = Vec::with_capacity(patterns.len());
        for (p, pattern) in patterns.iter().enumerate() {
            let own = &pattern_terms[pattern.terms_from as usize..][..pattern.terms_len as usize];
            if pattern.cjk || own.len() == 1 {
                keyed.push((false, own[0], 0, p));
                continue;
            }
            let (anchor, partner) = rarest_two(own);
            let reach = &mut anchor_reach[anchor as usize];
            *reach = (*reach).max(own.len() as u8);
            keyed.push((true, anchor, partner, p));
        }
        keyed.sort_unstable();
        let mut ordered = Vec::with_capacity(patterns.len());
        let mut ordered_terms = Vec::with_capacity(pattern_terms.len());
        for (_, _, _, p) in &keyed {
            let pattern = &patterns[*p];
            let own = &pattern_terms[pattern.terms_from as usize..][..pattern.terms_len as usize];
            ordered.push(Pattern {
                terms_from: ordered_terms.len() as u32,
                ..*pattern
            });
            ordered_terms.extend_from_slice(own);
        }
        let (patterns, pattern_terms) = (ordered, ordered_terms);
        let signatures = patterns
            .iter()
            .map(|p| {
                pattern_terms[p.terms_from as usize..][..p.terms_len as usize]
                    .iter()
                    .fold(0u64, |sig, t| sig | term_bit(*t))
            })
            .collect();
        // `keyed` is sorted: unpaired patterns first, then by anchor and partner.
        let mut anchors: Vec<Anchored> = anchor_reach
            .iter()
            .map(|reach| Anchored {
                reach: *reach,
                ..Anchored::default()
            })
            .collect();
        let mut partners = Vec::new();
        let mut partner_patterns: Vec<(u32, u32)> = Vec::new();
        for (index, (paired, anchor, partner, _)) in keyed.iter().enumerate() {
            let entry = &mut anchors[*anchor as usize];
            if !paired {
                if entry.single_len == 0 {
                    entry.single_from = index as u32;
                }
                entry.single_len += 1;
                continue;
            }
            match (partners.last(), partner_patterns.last_mut()) {
                (Some(last), Some(range)) if *last == *partner && keyed[index - 1].1 == *anchor => {
                    range.1 += 1;
                }
                _ => {
                    if entry.partners_len == 0 {
                        entry.partners_from = partners.len() as u32;
                    }
                    entry.partners_len += 1;
                    partners.push(*partner);
                    partner_patterns.push((index as u32, 1));
                }
            }
        }
        let mut typo_variants: FxHashMap<Box<str>, u32> = FxHashMap::default();
        for (word, term) in &typo_targets {
            for variant in deletions(word) {
                let slot = typo_variants.entry(variant.into()).or_insert(*term);
                if *slot != *term {
                    *slot = AMBIGUOUS;
                }
            }
        }
        Dictionary {
            terms,
            patterns,
            pattern_terms,
            anchors,
            partners,
            partner_patterns,
            signatures,
            typo_targets,
            typo_variants,
            vocabulary,
            memos: ThreadLocal::new(),
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

    /// Scans `text`, read as language `lang`: its tokens and every label match.
    ///
    /// Offsets are kept in 32 bits: text beyond 4 GiB is not read (callers limit input size
    /// long before that).
    pub fn scan(&self, text: &str, lang: &str) -> Scan {
        let mut limit = text.len().min(u32::MAX as usize);
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let text = &text[..limit];
        let cell = self.memos.get_or(|| RefCell::new(Vec::new()));
        let mut memos = cell.borrow_mut();
        let index = match memos.iter().position(|m| m.lang == lang) {
            Some(i) => i,
            None => {
                memos.push(Memo {
                    lang: lang.to_string(),
                    stemmer: LanguageStemmer::for_tag(lang),
                    short: WordTable::new(WordInfo {
                        term: NO_TERM,
                        flags: 0,
                    }),
                    long: FxHashMap::default(),
                });
                memos.len() - 1
            }
        };
        let memo = &mut memos[index];

        // First the words, their sentences and (for short ASCII words, nearly all) their keys;
        // then the look-ups, each asking for the slot of a word a few words ahead, so that the
        // memory fetches overlap.
        let mut pending: Vec<(WordSpan, u32, u128)> = Vec::with_capacity(text.len() / 5);
        let mut sentence = 0u32;
        let mut gap_from = 0usize;
        for word in words(text) {
            sentence += sentence_ends_in(text, gap_from, word.start) as u32;
            gap_from = word.end;
            let key = match word.ascii {
                true => ascii_key(text.as_bytes(), word.start, word.end).unwrap_or(0),
                false => 0,
            };
            pending.push((word, sentence, key));
        }
        let mut tokens = Vec::with_capacity(pending.len());
        let mut folded = String::new();
        for (i, (word, sentence, key)) in pending.iter().enumerate() {
            if let Some((_, _, ahead)) = pending.get(i + PREFETCH_AHEAD) {
                memo.short.prefetch(*ahead);
            }
            let (word, sentence) = (*word, *sentence);
            let info = match memo.short.get(*key) {
                Some(info) => info,
                None => {
                    let piece = &text[word.start..word.end];
                    if word.ascii {
                        folded.clear();
                        folded.push_str(piece);
                        folded.make_ascii_lowercase();
                    } else {
                        folded = fold_word(piece, word);
                    }
                    match memo.get(&folded) {
                        Some(info) => info,
                        None => {
                            let info = self.classify(&folded, word, &memo.stemmer);
                            memo.insert(&folded, info);
                            info
                        }
                    }
                }
            };
            if info.flags & STOP != 0 {
                continue;
            }
            tokens.push(ScanToken {
                start: word.start as u32,
                end: word.end as u32,
                sentence,
                term: info.term,
                flags: info.flags,
            });
        }
        drop(memos);
        let matches = self.find(&tokens);
        Scan { tokens, matches }
    }

    /// What a folded word is: its term, and whether it is a stop word, a negation or a typo.
    fn classify(&self, folded: &str, word: WordSpan, stemmer: &LanguageStemmer) -> WordInfo {
        let mut flags = 0;
        if NEGATIONS.contains(&folded) {
            flags |= NEGATION;
        }
        let term = match word.kind {
            TokenKind::Cjk | TokenKind::Number => self.term_id(folded),
            TokenKind::Word if Analyzer::is_stop_word(folded) => {
                return WordInfo {
                    term: NO_TERM,
                    flags: STOP,
                }
            }
            TokenKind::Word => {
                let term = self.term_id(&stemmer.stem(folded));
                if term == NO_TERM {
                    match self.typo_of(folded) {
                        Some(term) => {
                            flags |= TYPO;
                            term
                        }
                        None => NO_TERM,
                    }
                } else {
                    term
                }
            }
        };
        WordInfo { term, flags }
    }

    fn term_id(&self, term: &str) -> u32 {
        self.terms.get(term).copied().unwrap_or(NO_TERM)
    }

    /// The term of the one label word that `folded` is a one-letter typo of (an extra, missing,
    /// wrong or swapped letter), if exactly one; never for words the taxonomy itself uses.
    fn typo_of(&self, folded: &str) -> Option<u32> {
        // (The length in bytes first: it bounds the cost of everything after.)
        if folded.len() > MAX_TYPO_BYTES
            || folded.chars().count() < MIN_TYPO_CHARS
            || !folded.chars().all(char::is_alphabetic)
            || self.vocabulary.contains(folded)
        {
            return None;
        }
        let mut found: Option<u32> = None;
        let mut consider = |term: Option<&u32>| -> bool {
            match (term.copied(), found) {
                (None, _) => true,
                (Some(AMBIGUOUS), _) => false,
                (Some(t), None) => {
                    found = Some(t);
                    true
                }
                (Some(t), Some(f)) => t == f,
            }
        };
        // A missing letter: the word is a deletion variant of a label word.
        if !consider(self.typo_variants.get(folded)) {
            return None;
        }
        for variant in deletions(folded) {
            // An extra letter (the variant is a label word), or a wrong or swapped letter
            // (both share a deletion variant).
            if !consider(self.typo_targets.get(variant.as_str()))
                || !consider(self.typo_variants.get(variant.as_str()))
            {
                return None;
            }
        }
        found
    }

    /// Every label match among scanned tokens.
    fn find(&self, tokens: &[ScanToken]) -> Vec<LabelMatch> {
        let mut out = Vec::new();
        let mut seen: Vec<u32> = Vec::with_capacity(2 * (MAX_PATTERN_TERMS + MAX_GAP));
        // Tokens `sentence_from..sentence_to` are the current token's sentence.
        let (mut sentence_from, mut sentence_to) = (0usize, 0usize);
        for (position, token) in tokens.iter().enumerate() {
            // Ask for what the words a little ahead anchor, and for their partners and
            // single-term patterns, so that those fetches overlap with this word's work.
            if let Some(ahead) = tokens.get(position + PREFETCH_AHEAD) {
                if let Some(entry) = self.anchors.get(ahead.term as usize) {
                    prefetch((entry as *const Anchored).cast());
                }
            }
            if let Some(ahead) = tokens.get(position + PREFETCH_AHEAD / 2) {
                if let Some(entry) = self.anchors.get(ahead.term as usize) {
                    if let Some(partner) = self.partners.get(entry.partners_from as usize) {
                        prefetch((partner as *const u32).cast());
                    }
                    if let Some(pattern) = self.patterns.get(entry.single_from as usize) {
                        prefetch((pattern as *const Pattern).cast());
                    }
                }
            }
            if position == sentence_to {
                sentence_from = position;
                sentence_to = tokens[position..]
                    .iter()
                    .position(|t| t.sentence != token.sentence)
                    .map_or(tokens.len(), |n| position + n);
            }
            if token.term == NO_TERM {
                continue;
            }
            let anchored = self.anchors[token.term as usize];
            let singles = anchored.single_from as usize
                ..(anchored.single_from + anchored.single_len) as usize;
            for p in singles {
                self.check(p, tokens, position, &mut out);
            }
            if anchored.reach == 0 {
                continue;
            }
            // Patterns whose partner is in the window (within the sentence) are checked.
            let width = anchored.reach as usize + MAX_GAP;
            let lo = position.saturating_sub(width - 1).max(sentence_from);
            let hi = (position + width).min(sentence_to);
            let window = &tokens[lo..hi];
            let first = anchored.partners_from as usize;
            let partners = &self.partners[first..][..anchored.partners_len as usize];
            // The window's 256-bit signature rejects most partners, and its 64-bit fold most
            // patterns, without touching them (words without a term only add false alarms,
            // which the checks after remove).
            // (Four words in registers rather than an array: indexing an array in the loop
            // makes each step wait for the previous one's store.)
            let (mut q0, mut q1, mut q2, mut q3) = (0u64, 0u64, 0u64, 0u64);
            for o in window {
                let index = wide_term_index(o.term);
                let bit = 1u64 << (index & 63);
                let quarter = index >> 6;
                q0 |= if quarter == 0 { bit } else { 0 };
                q1 |= if quarter == 1 { bit } else { 0 };
                q2 |= if quarter == 2 { bit } else { 0 };
                q3 |= if quarter == 3 { bit } else { 0 };
            }
            let wide = [q0, q1, q2, q3];
            let signature = q0 | q1 | q2 | q3;
            let check_pair = |i: usize, out: &mut Vec<LabelMatch>| {
                let (from, len) = self.partner_patterns[first + i];
                for p in from as usize..(from + len) as usize {
                    if self.signatures[p] & !signature == 0 {
                        self.check(p, tokens, position, out);
                    }
                }
            };
            if partners.len() <= MAX_LINEAR_PARTNERS {
                for (i, partner) in partners.iter().enumerate() {
                    let index = wide_term_index(*partner);
                    if wide[(index >> 6) as usize] & (1 << (index & 63)) != 0
                        && window.iter().any(|o| o.term == *partner)
                    {
                        check_pair(i, &mut out);
                    }
                }
            } else {
                seen.clear();
                for other in window {
                    if other.term == NO_TERM || seen.contains(&other.term) {
                        continue;
                    }
                    seen.push(other.term);
                    if let Ok(i) = partners.binary_search(&other.term) {
                        check_pair(i, &mut out);
                    }
                }
            }
        }
        out
    }

    /// Checks pattern `p` around the anchor at `position`; pushes the match if found.
    fn check(&self, p: usize, tokens: &[ScanToken], position: usize, out: &mut Vec<LabelMatch>) {
        let pattern = &self.patterns[p];
        let want = &self.pattern_terms[pattern.terms_from as usize..][..pattern.terms_len as usize];
        let found = if pattern.cjk {
            match_contiguous(want, tokens, position)
        } else {
            match_window(want, tokens, position)
        };
        let Some((first, last, mut kind)) = found else {
            return;
        };
        if tokens[first..=last].iter().any(ScanToken::is_typo) {
            kind = MatchKind::Typo;
        }
        let label_weight = match pattern.label_kind {
            LabelKind::Preferred => 1.0,
            LabelKind::Alternative => 0.95,
            LabelKind::Hidden => 0.8,
        };
        let kind_weight = match kind {
            MatchKind::Exact => 1.0,
            MatchKind::Variant => 0.85,
            MatchKind::Typo => 0.75,
        };
        out.push(LabelMatch {
            concept: pattern.concept,
            label: pattern.label as usize,
            kind,
            start: tokens[first].start(),
            end: tokens[last].end(),
            first_term: first,
            sentence: tokens[first].sentence(),
            score: label_weight * kind_weight,
        });
    }
}

/// The bit of a term in a 64-bit signature: the low six bits of its 256-bit one, so that a
/// window's 64-bit signature is the fold of its 256-bit one.
fn term_bit(term: u32) -> u64 {
    1 << (wide_term_index(term) & 63)
}

/// The bit (0..256) of a term in a 256-bit signature: term ids are dense, so their low byte
/// spreads the few terms of a window well without hashing.
fn wide_term_index(term: u32) -> u8 {
    term as u8
}

/// Number of sentence ends in `text[from..to]` (the gap between two words).
fn sentence_ends_in(text: &str, from: usize, to: usize) -> usize {
    let gap = &text.as_bytes()[from..to];
    if gap.len() == 1 && gap[0] == b' ' {
        return 0;
    }
    let mut count = 0;
    let mut chars = text[from..to].chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().or_else(|| text[to..].chars().next());
        if ends_sentence(c, next) {
            count += 1;
        }
    }
    count
}

/// Every string made by deleting one character of `word`.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(i, c)| {
        let mut variant = String::with_capacity(word.len());
        variant.push_str(&word[..i]);
        variant.push_str(&word[i + c.len_utf8()..]);
        variant
    })
}

/// A CJK pattern must appear as the same characters in a row, in one sentence, starting at
/// `position`.
fn match_contiguous(
    want: &[u32],
    tokens: &[ScanToken],
    position: usize,
) -> Option<(usize, usize, MatchKind)> {
    let end = position + want.len();
    let got = tokens.get(position..end)?;
    let sentence = got[0].sentence;
    let same = want
        .iter()
        .zip(got)
        .all(|(w, g)| *w == g.term && g.sentence == sentence);
    same.then_some((position, end - 1, MatchKind::Exact))
}

/// An alphabetic pattern's terms must all appear in a window around the anchor, in the same
/// sentence, each once.
fn match_window(
    want: &[u32],
    tokens: &[ScanToken],
    anchor: usize,
) -> Option<(usize, usize, MatchKind)> {
    let n = want.len();
    if n == 1 {
        return Some((anchor, anchor, MatchKind::Exact));
    }
    let width = n + MAX_GAP;
    let sentence = tokens[anchor].sentence;
    let lo = anchor.saturating_sub(width - 1);
    let hi = (anchor + width).min(tokens.len());
    let mut positions = [0usize; MAX_PATTERN_TERMS];
    for (k, term) in want.iter().enumerate() {
        let found = (lo..hi).find(|&i| {
            tokens[i].term == *term
                && tokens[i].sentence == sentence
                && !positions[..k].contains(&i)
        })?;
        positions[k] = found;
    }
    let positions = &positions[..n];
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_words_differ_when_words_differ() {
        assert_ne!(pack("ab"), pack("ab0"));
        assert_ne!(pack("護理"), pack("護"));
        assert_eq!(pack("seventeen_letters"), None);
        assert!(pack("sixteen_letters_").is_some());
    }

    #[test]
    fn ascii_keys_equal_packed_lower_case_words() {
        let text = "Senior NODE.js dev_ops ZZ aZ@[`{ 0123456789abcdefX ABCDEFGHIJKLMNOP";
        for word in words(text) {
            let key = ascii_key(text.as_bytes(), word.start, word.end);
            let lower = text[word.start..word.end].to_ascii_lowercase();
            assert_eq!(key, pack(&lower), "{lower}");
        }
        // Every ASCII byte, at the end of the text (no 16 bytes to read past the word).
        for b in 1u8..0x80 {
            let text = [b'x', b];
            let key = ascii_key(&text, 0, 2);
            let lower = [b'x', b.to_ascii_lowercase()];
            assert_eq!(key, pack(std::str::from_utf8(&lower).unwrap_or("")), "{b}");
        }
    }

    #[test]
    fn deletions_cover_every_position() {
        let all: Vec<String> = deletions("abc").collect();
        assert_eq!(all, ["bc", "ac", "ab"]);
        assert_eq!(deletions("護理").count(), 2);
    }

    #[test]
    fn sentence_ends_are_counted_in_gaps() {
        let text = "one. two\n\nthree e.g four";
        assert_eq!(sentence_ends_in(text, 3, 5), 1);
        assert_eq!(sentence_ends_in(text, 8, 10), 2);
        assert_eq!(sentence_ends_in(text, 15, 16), 0);
    }
}
