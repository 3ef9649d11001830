//! OpenPES extraction: from CV, vacancy and job-title text to taxonomy concepts, each with
//! evidence spans (byte offsets into the input), a score in [0, 1] and how it was found.
//!
//! - [`analyze`]: the analyser shared by labels and text (fold, stop words, stems, CJK).
//! - [`dictionary`]: label matching despite inflection, word order and gaps.
//! - [`ranker`]: TF-IDF similarity for text that names no label.
//! - [`extractor`]: the combination, with vacancy cues (negation, optional, benefits).
//! - [`metrics`]: RP@K, accuracy@K and MRR for the evaluation commands.
//! - [`document`] and [`pdf_guard`]: uploaded files to text, within bounds.

pub mod analyze;
pub mod dictionary;
pub mod document;
pub mod extractor;
pub mod metrics;
pub mod pdf_guard;
pub mod ranker;
mod wordtable;

pub use extractor::{
    Evidence, ExtractError, Extraction, Extractor, Found, Requirement, TextKind, TitleMatch,
    DEFAULT_MAX_BYTES,
};
pub use ranker::LabelHit;
