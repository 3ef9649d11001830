//! A fast word splitter for extraction: one pass over the bytes, ASCII handled without
//! decoding, no allocation. Labels and input text go through the same splitter, so they agree
//! on what a word is.
//!
//! A word is a run of letters, digits, combining marks and `_`; an apostrophe or full stop
//! between two letters or digits joins ("don't", "node.js", "3.5"). Each CJK character is a
//! word of its own (kind [`TokenKind::Cjk`]). Everything else separates words. This is close to
//! Unicode word boundaries (UAX #29) for the scripts job ads are written in, at a fraction of
//! the cost (see BENCHMARKS.md).

use crate::tokenize::{is_cjk, TokenKind};
use unicode_normalization::char::is_combining_mark;

/// One word of a text: its byte span and kind. The text is `&input[start..end]`, not folded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSpan {
    pub start: usize,
    pub end: usize,
    pub kind: TokenKind,
    /// True when the word is ASCII only (folding is then lower-casing).
    pub ascii: bool,
}

/// Iterator over the words of a text.
pub struct Words<'a> {
    text: &'a str,
    position: usize,
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Words<'_> {
    Words { text, position: 0 }
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|rest| rest.chars().next())
}

fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !is_cjk(c)) || c == '_' || is_combining_mark(c)
}

impl Words<'_> {
    /// End of the word that starts at `start` (a word character that is not CJK).
    fn word_end(&self, start: usize) -> (usize, bool) {
        let bytes = self.text.as_bytes();
        let mut j = start;
        let mut ascii = true;
        while j < bytes.len() {
            let b = bytes[j];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    j += 1;
                    continue;
                }
                let joins = (b == b'.' || b == b'\'')
                    && j > start
                    && bytes.get(j + 1).is_some_and(u8::is_ascii_alphanumeric);
                if joins {
                    j += 1;
                    continue;
                }
                break;
            }
            let Some(c) = char_at(self.text, j) else {
                break;
            };
            if is_word_char(c) {
                ascii = false;
                j += c.len_utf8();
                continue;
            }
            // A typographic apostrophe inside a word ("don’t").
            let joins = c == '\u{2019}'
                && char_at(self.text, j + c.len_utf8()).is_some_and(|n| n.is_alphanumeric());
            if joins {
                ascii = false;
                j += c.len_utf8();
                continue;
            }
            break;
        }
        (j, ascii)
    }
}

impl Iterator for Words<'_> {
    type Item = WordSpan;

    fn next(&mut self) -> Option<WordSpan> {
        let bytes = self.text.as_bytes();
        while self.position < bytes.len() {
            let i = self.position;
            let b = bytes[i];
            if b < 0x80 {
                if b.is_ascii_alphanumeric() || b == b'_' {
                    let (end, ascii) = self.word_end(i);
                    self.position = end;
                    return Some(span(self.text, i, end, ascii));
                }
                self.position += 1;
                continue;
            }
            let c = char_at(self.text, i)?;
            let width = c.len_utf8();
            if is_cjk(c) {
                self.position = i + width;
                return Some(WordSpan {
                    start: i,
                    end: i + width,
                    kind: TokenKind::Cjk,
                    ascii: false,
                });
            }
            if c.is_alphanumeric() {
                let (end, _) = self.word_end(i);
                self.position = end;
                return Some(span(self.text, i, end, false));
            }
            self.position = i + width;
        }
        None
    }
}

fn span(text: &str, start: usize, end: usize, ascii: bool) -> WordSpan {
    let digits = text.as_bytes()[start..end].iter().all(u8::is_ascii_digit);
    WordSpan {
        start,
        end,
        kind: if digits {
            TokenKind::Number
        } else {
            TokenKind::Word
        },
        ascii,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        words(text).map(|w| &text[w.start..w.end]).collect()
    }

    #[test]
    fn splits_on_punctuation_and_keeps_joined_words() {
        assert_eq!(
            pieces("Node.js, C++ and don't (night-shift) 3.5 e.g. done."),
            ["Node.js", "C", "and", "don't", "night", "shift", "3.5", "e.g", "done"]
        );
    }

    #[test]
    fn handles_accents_cjk_and_mixed_scripts() {
        assert_eq!(pieces("Café Ｊava"), ["Café", "Ｊava"]);
        assert_eq!(
            pieces("資深Java工程師"),
            ["資", "深", "Java", "工", "程", "師"]
        );
        assert_eq!(pieces("e\u{301}cole don’t"), ["e\u{301}cole", "don’t"]);
        let kinds: Vec<TokenKind> = words("護 12 ab").map(|w| w.kind).collect();
        assert_eq!(kinds, [TokenKind::Cjk, TokenKind::Number, TokenKind::Word]);
    }

    #[test]
    fn ascii_flag_is_exact() {
        let flags: Vec<bool> = words("plain Café").map(|w| w.ascii).collect();
        assert_eq!(flags, [true, false]);
    }

    #[test]
    fn spans_are_on_char_boundaries() {
        let text = "🙂a\u{301}b，中文…x.y'z 'q' .5";
        for w in words(text) {
            assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
            assert!(w.start < w.end);
        }
    }
}
