//! A job seeker's record resolved against the taxonomy and the gazetteer, as guidance and
//! statistics read it ([`crate::MatchIndex::seeker_view`]).

use crate::geo::Point;
use chrono::NaiveDate;
use openpes_taxonomy::ConceptId;

/// A job seeker as guidance reads them: their record resolved against the taxonomy and the
/// gazetteer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeekerView {
    /// Skills held, sorted, deduplicated.
    pub skills: Vec<ConceptId>,
    /// Occupations worked in, with years.
    pub past: Vec<(ConceptId, f32)>,
    /// Occupations wanted.
    pub desired: Vec<ConceptId>,
    /// Highest education level, ISCED 2011.
    pub education: Option<u8>,
    /// Position of the seeker's county or city in the gazetteer.
    pub region: Option<u16>,
    pub location: Option<Point>,
    pub max_distance_km: Option<f64>,
    pub min_salary: Option<u32>,
    pub available_from: Option<NaiveDate>,
}

impl SeekerView {
    /// True when the seeker holds `skill`.
    pub fn has(&self, skill: ConceptId) -> bool {
        self.skills.binary_search(&skill).is_ok()
    }
}
