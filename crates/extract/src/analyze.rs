//! The analyser shared by labels and input text, so that both reduce to the same terms:
//! tokens are folded, English-style stop words are dropped, alphabetic words are stemmed with
//! the stemmer of the text's language, and CJK text is kept one character per term (matched
//! as contiguous sequences). Every term keeps its byte span and sentence number.

use openpes_text::{fold, words, LanguageStemmer, TokenKind, WordSpan};

/// Words that carry no meaning of their own in labels and sentences.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "or", "the", "of", "to", "in", "on", "for", "with", "at", "by", "from", "as",
    "is", "are", "be", "our", "your", "their", "its", "this", "that", "these", "those", "we",
    "you", "will", "can", "etc", "e", "g", "i", "ie",
];

/// One analysed term of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// Stem (alphabetic) or character (CJK).
    pub text: String,
    pub start: usize,
    pub end: usize,
    pub cjk: bool,
    /// Index of the sentence (or list item, or line) the term is in.
    pub sentence: usize,
    /// The folded word before stemming (for negation and requirement cues).
    pub word: String,
}

/// Negation words: a mention within three words after one is dropped.
pub const NEGATIONS: &[&str] = &[
    "no", "not", "without", "never", "non", "nor", "none", "不", "無", "免", "非", "毋",
];

/// Turns text into terms for one language's stemmer.
pub struct Analyzer {
    stemmer: LanguageStemmer,
}

impl Analyzer {
    pub fn new(lang: &str) -> Self {
        Analyzer {
            stemmer: LanguageStemmer::for_tag(lang),
        }
    }

    /// True for words that are dropped.
    pub fn is_stop_word(word: &str) -> bool {
        STOP_WORDS.contains(&word)
    }

    /// The term of one already folded word, or `None` for a stop word. CJK characters and
    /// numbers are their own terms; other words are stemmed.
    pub fn term_of(&self, folded: &str, kind: TokenKind) -> Option<String> {
        match kind {
            TokenKind::Cjk | TokenKind::Number => Some(folded.to_string()),
            TokenKind::Word if Self::is_stop_word(folded) => None,
            TokenKind::Word => Some(self.stemmer.stem(folded)),
        }
    }

    /// Analyses `text` into terms (stop words dropped).
    pub fn analyze(&self, text: &str) -> Vec<Term> {
        let boundaries = sentence_boundaries(text);
        let mut sentence = 0;
        let mut terms = Vec::new();
        for word in words(text) {
            while sentence < boundaries.len() && boundaries[sentence] <= word.start {
                sentence += 1;
            }
            let folded = fold_word(&text[word.start..word.end], word);
            let Some(stem) = self.term_of(&folded, word.kind) else {
                continue;
            };
            terms.push(Term {
                text: stem,
                start: word.start,
                end: word.end,
                cjk: word.kind == TokenKind::Cjk,
                sentence,
                word: folded,
            });
        }
        terms
    }
}

/// The folded form of one word (CJK characters are kept as they are).
pub fn fold_word(piece: &str, word: WordSpan) -> String {
    match (word.kind, word.ascii) {
        (TokenKind::Cjk, _) => piece.to_string(),
        (_, true) => piece.to_ascii_lowercase(),
        (_, false) => fold(piece),
    }
}

/// True when `c` ends a sentence, list item or line; `next` is the character after it.
pub fn ends_sentence(c: char, next: Option<char>) -> bool {
    match c {
        // The full-width comma separates clauses in Chinese job ads ("需會…，…者加分").
        '\n' | '\r' | '•' | '·' | '。' | '！' | '？' | '；' | ';' | '!' | '?' | '●' | '■'
        | '，' => true,
        // A full stop ends a sentence when followed by a space (not in "e.g" or "3.5").
        '.' => next.is_none_or(char::is_whitespace),
        _ => false,
    }
}

/// Byte offsets where a new sentence starts: after sentence punctuation, line breaks and
/// bullets, in Latin and CJK punctuation.
pub fn sentence_boundaries(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if ends_sentence(c, chars.peek().map(|(_, next)| *next)) {
            out.push(i + c.len_utf8());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_text_meet_in_stems() {
        let en = Analyzer::new("en");
        let label: Vec<String> = en
            .analyze("manage a team")
            .into_iter()
            .map(|t| t.text)
            .collect();
        let text: Vec<String> = en
            .analyze("Managing teams.")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(label, text);
    }

    #[test]
    fn sentences_are_numbered() {
        let en = Analyzer::new("en");
        let terms = en.analyze("Python required. Nice to have: SQL\n- Excel");
        let sentences: Vec<usize> = terms.iter().map(|t| t.sentence).collect();
        assert_eq!(sentences, [0, 0, 1, 1, 1, 2]);
    }

    #[test]
    fn chinese_is_kept_by_character_with_spans() {
        let zh = Analyzer::new("zh-TW");
        let text = "需具備護理師證照";
        for term in zh.analyze(text) {
            assert!(term.cjk);
            assert_eq!(&text[term.start..term.end], term.text);
        }
    }
}
