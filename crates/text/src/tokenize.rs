//! Tokenisation with byte offsets into the original text.
//!
//! Words are found with Unicode word boundaries (UAX #29). Runs of CJK ideographs, which carry
//! no spaces, are split into one token per character; callers that need words rather than
//! characters (segmentation) combine adjacent characters. Every token keeps the byte range of
//! its source in the input, so that evidence can be highlighted exactly.

use crate::normalize::fold;
use unicode_segmentation::UnicodeSegmentation;

/// What a token is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Letters (and digits) of an alphabetic script.
    Word,
    /// A single CJK ideograph (or kana/hangul syllable).
    Cjk,
    /// Digits only.
    Number,
}

/// One token: its folded text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Folded form (see [`crate::fold`]).
    pub text: String,
    /// Byte offset of the first byte in the original input.
    pub start: usize,
    /// Byte offset one past the last byte in the original input.
    pub end: usize,
    pub kind: TokenKind,
}

/// True for characters of scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // hiragana, katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xAC00..=0xD7AF   // hangul syllables
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x20000..=0x2FA1F // CJK extensions B–F and compatibility supplement
    )
}

/// Splits `text` into tokens. Punctuation and whitespace are dropped.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (start, word) in text.split_word_bound_indices() {
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        if word.chars().any(is_cjk) {
            split_cjk_run(word, start, &mut tokens);
            continue;
        }
        let folded = fold(word);
        let kind = if folded.chars().all(|c| c.is_ascii_digit()) {
            TokenKind::Number
        } else {
            TokenKind::Word
        };
        tokens.push(Token {
            text: folded,
            start,
            end: start + word.len(),
            kind,
        });
    }
    tokens
}

/// Emits one token per CJK character and one per run of other alphanumerics inside `word`.
fn split_cjk_run(word: &str, base: usize, tokens: &mut Vec<Token>) {
    let mut run_start: Option<usize> = None;
    let flush = |from: usize, to: usize, tokens: &mut Vec<Token>| {
        let piece = &word[from..to];
        if piece.chars().any(char::is_alphanumeric) {
            tokens.push(Token {
                text: fold(piece),
                start: base + from,
                end: base + to,
                kind: TokenKind::Word,
            });
        }
    };
    for (i, c) in word.char_indices() {
        if is_cjk(c) {
            if let Some(s) = run_start.take() {
                flush(s, i, tokens);
            }
            tokens.push(Token {
                text: c.to_string(),
                start: base + i,
                end: base + i + c.len_utf8(),
                kind: TokenKind::Cjk,
            });
        } else if run_start.is_none() {
            run_start = Some(i);
        }
    }
    if let Some(s) = run_start {
        flush(s, word.len(), tokens);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_words_and_keeps_offsets() {
        let input = "Registered Nurse, ICU (night-shift)";
        let tokens = tokenize(input);
        let words: Vec<&str> = tokens.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(words, ["registered", "nurse", "icu", "night", "shift"]);
        for t in &tokens {
            assert_eq!(fold(&input[t.start..t.end]), t.text);
        }
    }

    #[test]
    fn splits_cjk_into_characters() {
        assert_eq!(texts("護理師 RN"), ["護", "理", "師", "rn"]);
        let tokens = tokenize("資深Java工程師");
        assert_eq!(
            tokens.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(),
            ["資", "深", "java", "工", "程", "師"]
        );
        assert_eq!(tokens[2].kind, TokenKind::Word);
        assert_eq!(&"資深Java工程師"[tokens[2].start..tokens[2].end], "Java");
    }

    #[test]
    fn classifies_numbers() {
        let tokens = tokenize("ISCO 2221");
        assert_eq!(tokens[1].kind, TokenKind::Number);
    }
}
