//! Shapes the use cases answer with, shared by several of them: a concept named in the
//! reader's language and one part of an explained score. They are plain data (serialisable);
//! the HTTP API documents them in its OpenAPI schema through the optional `openapi` feature.

use openpes_taxonomy::{ConceptId, Taxonomy};
use serde::Serialize;

/// A short reference to a concept, labelled in the requested language.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConceptRef {
    /// Id in the current taxonomy (stable until the next import; use `uri` to store references).
    pub id: u32,
    /// Stable URI.
    pub uri: String,
    /// `occupation`, `skill`, `occupation_group` or `skill_group`.
    pub kind: String,
    pub code: Option<String>,
    /// Preferred label in the requested language (falls back to English).
    pub label: String,
}

impl ConceptRef {
    pub fn new(taxonomy: &Taxonomy, id: ConceptId, lang: &str) -> Self {
        let c = taxonomy.concept(id);
        ConceptRef {
            id: id.0,
            uri: c.uri.clone(),
            kind: c.kind.as_str().to_string(),
            code: c.code.clone(),
            label: taxonomy.preferred_label(id, lang).to_string(),
        }
    }
}

/// One part of a score.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScorePart {
    /// For a match: `essential_skills`, `optional_skills`, `occupation`, `experience`,
    /// `education`, `distance` or `salary`; for a reachable occupation: `essential_skills`,
    /// `optional_skills`, `transition`, `demand`, `trend`, `salary` or `level`.
    pub name: String,
    /// The part's name in the requested language.
    pub label: String,
    pub weight: f32,
    /// In [0, 1].
    pub value: f32,
    /// `weight × value`; the points of all parts add up to the score.
    pub points: f32,
}
