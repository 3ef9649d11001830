//! Chinese word segmentation with jieba (`jieba-rs`), extended with the words a caller adds —
//! typically every Chinese label of the taxonomy — so that labels such as 護理師 or 堆高機操作
//! come out as whole words even where jieba's own dictionary (mostly Simplified) lacks them.

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
    /// Adds a word (for example a taxonomy label) to the dictionary.
    pub fn add_word(&mut self, word: &str) {
        let word = word.trim();
        if !word.is_empty() && !word.contains(char::is_whitespace) {
            self.jieba.add_word(word, Some(100_000), None);
        }
    }

    /// Splits `text` into words (whitespace-only pieces dropped), with byte offsets.
    pub fn segment(&self, text: &str) -> Vec<Word> {
        self.jieba
            .cut(text, true)
            .into_iter()
            .filter(|token| !token.word.trim().is_empty())
            .map(|token| Word {
                text: token.word.to_string(),
                start: token.byte_start,
                end: token.byte_end,
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
}
