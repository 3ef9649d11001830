//! Normalisation: one canonical, comparable form for any label or query.
//!
//! `fold` applies NFKC (so full-width Latin letters and compatibility forms become ordinary
//! characters), lower-cases, and strips combining marks (so "café" and "cafe" compare equal).
//! Chinese characters pass through unchanged: Traditional and Simplified forms are distinct
//! characters and are not converted here.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Returns the folded (normalised, lower-cased, mark-free) form of `text`.
pub fn fold(text: &str) -> String {
    // ASCII is already in normal form and has no marks: lower-casing is all there is to do.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        fold_char_into(c, &mut out);
    }
    // NFKD followed by dropping marks and recomposition gives NFKC without diacritics.
    out.nfc().collect()
}

/// Appends the folded form of one already-decomposed character to `out`.
pub fn fold_char_into(c: char, out: &mut String) {
    if is_combining_mark(c) {
        return;
    }
    match c {
        // Typographic apostrophes and dashes fold to their ASCII forms.
        '\u{2018}' | '\u{2019}' | '\u{02BC}' => out.push('\''),
        '\u{2010}'..='\u{2015}' => out.push('-'),
        _ => out.extend(c.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_diacritics() {
        assert_eq!(fold("Café"), "cafe");
        assert_eq!(fold("ＡＢＣ　Nurse"), "abc nurse");
        assert_eq!(fold("Straße"), "straße");
        assert_eq!(fold("護理師"), "護理師");
        assert_eq!(fold("don’t"), "don't");
    }
}
