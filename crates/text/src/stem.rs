//! Stemming with the Snowball stemmers, by language tag, so that "nurses", "nursing" and
//! "nurse" meet. Languages without a Snowball stemmer (Chinese among them) are left unstemmed.
//! So are words longer than [`MAX_STEMMED_BYTES`]: what Snowball costs on a word grows faster
//! than its length (a random 512 KiB "word" took over a second), and no real word is that long.

use rust_stemmers::{Algorithm, Stemmer};

/// Longest word stemmed (bytes); longer words are their own stem.
pub(crate) const MAX_STEMMED_BYTES: usize = 128;

/// A stemmer for one language, or the identity where none exists.
pub struct LanguageStemmer {
    stemmer: Option<Stemmer>,
}

impl LanguageStemmer {
    /// The stemmer for a BCP 47 tag such as `en`, `en-GB`, `nl`, `sv`; identity for others.
    pub fn for_tag(tag: &str) -> Self {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let algorithm = match primary.as_str() {
            "ar" => Some(Algorithm::Arabic),
            "da" => Some(Algorithm::Danish),
            "nl" => Some(Algorithm::Dutch),
            "en" => Some(Algorithm::English),
            "fi" => Some(Algorithm::Finnish),
            "fr" => Some(Algorithm::French),
            "de" => Some(Algorithm::German),
            "el" => Some(Algorithm::Greek),
            "hu" => Some(Algorithm::Hungarian),
            "it" => Some(Algorithm::Italian),
            "no" | "nb" | "nn" => Some(Algorithm::Norwegian),
            "pt" => Some(Algorithm::Portuguese),
            "ro" => Some(Algorithm::Romanian),
            "ru" => Some(Algorithm::Russian),
            "es" => Some(Algorithm::Spanish),
            "sv" => Some(Algorithm::Swedish),
            "ta" => Some(Algorithm::Tamil),
            "tr" => Some(Algorithm::Turkish),
            _ => None,
        };
        LanguageStemmer {
            stemmer: algorithm.map(Stemmer::create),
        }
    }

    /// True when this language has a stemmer.
    pub fn stems(&self) -> bool {
        self.stemmer.is_some()
    }

    /// The stem of an already folded word (the word itself when over [`MAX_STEMMED_BYTES`]).
    pub fn stem(&self, word: &str) -> String {
        match &self.stemmer {
            Some(stemmer) if word.len() <= MAX_STEMMED_BYTES => stemmer.stem(word).into_owned(),
            _ => word.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_inflections_meet() {
        let en = LanguageStemmer::for_tag("en-GB");
        assert!(en.stems());
        assert_eq!(en.stem("nurses"), en.stem("nurse"));
        assert_eq!(en.stem("nursing"), en.stem("nurse"));
        assert_eq!(en.stem("managing"), en.stem("manage"));
    }

    #[test]
    fn very_long_words_are_their_own_stem() {
        let en = LanguageStemmer::for_tag("en");
        let long = "nursing".repeat(100);
        assert_eq!(en.stem(&long), long);
        assert_eq!(en.stem("nursing"), "nurs");
    }

    #[test]
    fn chinese_is_left_alone() {
        let zh = LanguageStemmer::for_tag("zh-TW");
        assert!(!zh.stems());
        assert_eq!(zh.stem("護理"), "護理");
    }
}
