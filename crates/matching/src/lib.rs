//! OpenPES matching: job seekers ↔ vacancies in both directions, every score a documented sum
//! of parts with its explanation.
//!
//! - [`model`]: the records (seekers, employers, vacancies) and their validation, with an
//!   error per field.
//! - [`demo`]: reproducible synthetic employers, vacancies and seekers for demos and benches.
//! - [`geo`]: distances and the gazetteer (Taiwan's counties, cities and districts built in).
//! - [`score`]: the score of one seeker for one vacancy, part by part, and the hard filters.
//! - [`jsonld`]: schema.org `JobPosting` JSON-LD read into vacancies and employers.
//! - [`search`]: vacancy search with filters, facets and cursor pages over the index.
//! - [`guidance`]: skills gaps, reachable occupations, the training catalog with course
//!   recommendation (weighted set cover) and action-plan steps.
//! - [`index`]: the in-memory index over all open vacancies and consenting seekers, resolved
//!   against the taxonomy, answering top-k in both directions.

pub mod demo;
pub mod geo;
pub mod guidance;
pub mod index;
pub mod jsonld;
pub mod model;
pub mod score;
pub mod search;

pub use geo::{Gazetteer, Place, Point};
pub use index::{MatchIndex, MatchQuery, Ranked};
pub use model::{
    ContractType, Employer, FieldError, InvalidRecord, LanguageSkill, PastOccupation, RemotePolicy,
    Seeker, SeekerSkill, SkillSource, Suggestion, SuggestionKind, Vacancy, VacancyStatus,
    WorkingTime,
};
pub use score::{Explanation, Part, PartName, Weights};
