//! The OpenPES taxonomy — the common language every other part speaks: occupations, skills
//! and knowledge, their hierarchies (ISCO-08, skill groups, national classifications),
//! occupation → skill relations (essential / optional), skill ↔ skill relations, multilingual
//! labels (preferred, alternative, hidden), stable URIs, short codes, crosswalk codes and
//! versions.
//!
//! - [`model`]: the records importers produce and the store persists ([`Dataset`]).
//! - [`import`]: ESCO CSV, O*NET text and OpenPES bundle importers (no I/O beyond the paths
//!   they are handed).
//! - [`starter`]: the built-in starter taxonomy.
//! - [`readmodel`]: the immutable in-memory [`Taxonomy`] with interned ids, built from datasets.
//! - [`search`]: typeahead search over labels in every language.

pub mod error;
pub mod import;
pub mod model;
pub mod readmodel;
pub mod search;
pub mod starter;

pub use error::{ImportError, TaxonomyError};
pub use model::{
    CodeRecord, ConceptKind, ConceptRecord, Counts, Dataset, DescriptionRecord, LabelKind,
    LabelRecord, RelationKind, RelationRecord, ReuseLevel, SkillType,
};
pub use readmodel::{BuildReport, Concept, ConceptId, Edge, SourceInfo, Taxonomy};
pub use search::{Hit, MatchHow, Score, SearchOptions};
