//! Text primitives shared by every part of OpenPES that reads human text: normalisation
//! (Unicode NFKC, case folding, removal of diacritics), tokenisation with byte offsets into the
//! original input, and a classification of scripts so that CJK text (which has no spaces) can be
//! indexed character by character.
//!
//! Language-specific analysis builds on these primitives: Snowball stemming ([`LanguageStemmer`]),
//! Chinese word segmentation with jieba ([`Segmenter`]) and language detection
//! ([`detect_language`]).

mod detect;
mod normalize;
mod segment;
mod stem;
mod tokenize;
mod words;

pub use detect::detect_language;
pub use normalize::{fold, fold_char_into};
pub use segment::{Segmenter, Word};
pub use stem::LanguageStemmer;
pub use tokenize::{is_cjk, tokenize, Token, TokenKind};
pub use words::{words, WordSpan, Words};
