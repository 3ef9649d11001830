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
//! - [`view`]: a seeker resolved for readers above matching (guidance, statistics).
//! - [`index`]: the in-memory index over all open vacancies and consenting seekers, resolved
//!   against the taxonomy, answering top-k in both directions, with a narrow read API
//!   (resolved vacancies, what the taxonomy says per concept) for the crates built on it.
//!
//! Guidance (`openpes-guidance`) and labour-market statistics (`openpes-labour-market`) read
//! the index; nothing here knows about them.

pub mod demo;
pub mod geo;
pub mod index;
pub mod jsonld;
pub mod model;
pub mod score;
pub mod search;
pub mod view;

pub use geo::{Gazetteer, Place, Point};
pub use index::{MatchIndex, MatchQuery, Ranked, TaxonomyKnowledge};
pub use model::{
    ContractType, Employer, FieldError, InvalidRecord, LanguageSkill, PastOccupation, RemotePolicy,
    Seeker, SeekerSkill, SkillSource, Suggestion, SuggestionKind, Vacancy, VacancyStatus,
    WorkingTime,
};
pub use score::{Explanation, Part, PartName, VacancyProfile, Weights};
pub use view::SeekerView;
