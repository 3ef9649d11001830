//! Chinese word segmentation with jieba (`jieba-rs`), extended with the words a caller adds —
//! typically every Chinese label of the taxonomy — so that labels such as 護理師 or 堆高機操作
//! come out as whole words even where jieba's own dictionary (mostly Simplified) lacks them.
//!
//! jieba's dictionary is Simplified Chinese, so Traditional text (and added words) are converted
//! to Simplified character by character (`fast2s`) before cutting; offsets refer to the
//! original text.
//!
//! Long texts are cut in chunks of at most [`MAX_CHUNK_BYTES`], each after a character that
//! jieba itself splits at (a space or punctuation) where there is one, so that the memory one
//! cut takes stays small whatever the text; only a run of over 16 KiB of Chinese without
//! punctuation is cut inside.

use jieba_rs::Jieba;

/// Longest piece of text handed to jieba at once (bytes).
pub(crate) const MAX_CHUNK_BYTES: usize = 16 * 1024;

/// A segmenter: jieba's dictionary plus added words.
pub struct Segmenter {
    jieba: Jieba,
}

/// A segmented word with its byte range in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter {
            jieba: Jieba::new(),
        }
    }
}

impl Segmenter {
    /// Adds a word (for example a taxonomy label) to the dictionary, with the frequency jieba
    /// suggests for it to come out whole. Words jieba already knows keep their frequency, so
    /// a label such as 中文 does not override better readings (高中|文憑).
    pub fn add_word(&mut self, word: &str) {
        let simplified = fast2s::convert(word.trim());
        let word = simplified.as_str();
        if word.is_empty() || word.contains(char::is_whitespace) || self.jieba.has_word(word) {
            return;
        }
        let frequency = self.jieba.suggest_freq(word);
        self.jieba.add_word(word, Some(frequency), None);
    }

    /// Splits `text` into words (whitespace-only pieces dropped), with byte offsets.
    pub fn segment(&self, text: &str) -> Vec<Word> {
        let mut words = Vec::new();
        let mut from = 0;
        while from < text.len() {
            let to = chunk_end(text, from);
            words.extend(
                self.segment_chunk(&text[from..to])
                    .into_iter()
                    .map(|w| Word {
                        start: w.start + from,
                        end: w.end + from,
                        ..w
                    }),
            );
            from = to;
        }
        words
    }

    /// [`Segmenter::segment`] of a text of at most [`MAX_CHUNK_BYTES`].
    fn segment_chunk(&self, text: &str) -> Vec<Word> {
        let simplified = fast2s::convert(text);
        // Conversion is one character for one character; byte offsets are mapped back through
        // character positions when a character's length changed.
        let same_offsets = simplified.len() == text.len()
            && simplified
                .char_indices()
                .zip(text.char_indices())
                .all(|(a, b)| a.0 == b.0);
        let original: Vec<usize> = if same_offsets {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        let converted: Vec<usize> = if same_offsets {
            Vec::new()
        } else {
            simplified
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(simplified.len()))
                .collect()
        };
        let back = |offset: usize| -> Option<usize> {
            if same_offsets {
                return Some(offset);
            }
            let index = converted.binary_search(&offset).ok()?;
            original.get(index).copied()
        };
        self.jieba
            .cut(&simplified, true)
            .into_iter()
            .filter(|token| !token.word.trim().is_empty())
            .filter_map(|token| {
                let (start, end) = (back(token.byte_start)?, back(token.byte_end)?);
                Some(Word {
                    text: text.get(start..end)?.to_string(),
                    start,
                    end,
                })
            })
            .collect()
    }
}

/// Where the chunk of `text` that starts at `from` ends: the end of the text when it is near,
/// else after the last character in the chunk's second half that jieba does not join into
/// words (its `RE_HAN_DEFAULT`: CJK ideographs, ASCII letters and digits, `+#&._%-`), else
/// at the last character boundary within [`MAX_CHUNK_BYTES`].
fn chunk_end(text: &str, from: usize) -> usize {
    if text.len() - from <= MAX_CHUNK_BYTES {
        return text.len();
    }
    let mut limit = from + MAX_CHUNK_BYTES;
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let joined = |c: char| {
        crate::tokenize::is_cjk(c)
            || c.is_ascii_alphanumeric()
            || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
    };
    text[from..limit]
        .char_indices()
        .rev()
        .take_while(|(i, _)| *i >= MAX_CHUNK_BYTES / 2)
        .find(|(_, c)| !joined(*c))
        .map_or(limit, |(i, c)| from + i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_words_are_kept_whole_with_offsets() {
        let mut segmenter = Segmenter::default();
        segmenter.add_word("堆高機操作");
        segmenter.add_word("護理師");
        let text = "徵求護理師，需會堆高機操作";
        let words = segmenter.segment(text);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert!(texts.contains(&"護理師"), "{texts:?}");
        assert!(texts.contains(&"堆高機操作"), "{texts:?}");
        for w in &words {
            assert_eq!(&text[w.start..w.end], w.text);
        }
    }

    #[test]
    fn long_texts_are_cut_in_chunks_with_offsets() {
        let segmenter = Segmenter::default();
        // Sentences with punctuation are cut between them: as if segmented whole.
        let sentence = "徵求護理師，需會堆高機操作。";
        let text = sentence.repeat(3 * MAX_CHUNK_BYTES / sentence.len());
        let words = segmenter.segment(&text);
        let whole = segmenter.segment(sentence);
        assert_eq!(words.len(), whole.len() * (text.len() / sentence.len()));
        for w in &words {
            assert_eq!(&text[w.start..w.end], w.text);
        }
        // A run without punctuation is cut too, and its words still point into the text.
        let run = "護理師".repeat(MAX_CHUNK_BYTES / 3);
        let words = segmenter.segment(&run);
        assert!(words.last().is_some_and(|w| w.end == run.len()));
        for w in &words {
            assert_eq!(&run[w.start..w.end], w.text);
        }
    }

    #[test]
    fn traditional_text_is_cut_like_simplified() {
        let segmenter = Segmenter::default();
        let text = "需高中文憑";
        let words: Vec<String> = segmenter
            .segment(text)
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert!(words.contains(&"高中".to_string()), "{words:?}");
        assert!(words.contains(&"文憑".to_string()), "{words:?}");
    }
}
