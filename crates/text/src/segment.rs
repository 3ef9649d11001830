//! Chinese word segmentation with jieba (`jieba-rs`), extended with the words a caller adds —
//! typically every Chinese label of the taxonomy — so that labels such as 護理師 or 堆高機操作
//! come out as whole words even where jieba's own dictionary (mostly Simplified) lacks them.
//!
//! jieba's dictionary is Simplified Chinese, so Traditional text (and added words) are converted
//! to Simplified character by character (`fast2s`) before cutting; offsets refer to the
//! original text.

use jieba_rs::Jieba;

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
