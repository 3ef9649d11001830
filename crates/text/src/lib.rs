//! Text primitives shared by every part of OpenPES that reads human text: normalisation
//! (Unicode NFKC, case folding, removal of diacritics), tokenisation with byte offsets into the
//! original input, and a classification of scripts so that CJK text (which has no spaces) can be
//! indexed character by character.
//!
//! The crate is deliberately small and dependency-light; language-specific analysis (stemming,
//! Chinese word segmentation, language detection) builds on these primitives.

mod normalize;
mod tokenize;

pub use normalize::{fold, fold_char_into};
pub use tokenize::{is_cjk, tokenize, Token, TokenKind};
