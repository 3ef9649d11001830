//! Career guidance over the matching index: how far a job seeker is from an occupation or a
//! vacancy ([`gap`]), which occupations their skills reach ([`reachable`]), which courses close
//! the most important gaps ([`courses`]) and the steps of their action plan ([`plan`]).
//!
//! Everything here reads the same resolved records as matching, plus two things built from
//! them: the occupation profiles of the taxonomy ([`profiles`], built once per index) and the
//! labour-market demand of the vacancies held ([`demand`], a snapshot rebuilt when the day
//! changes or when more than 1 % of the vacancies changed since it was built). Every ranked
//! result is a documented weighted sum of parts, so it can be explained part by part.

pub mod courses;
pub mod demand;
pub mod gap;
pub mod plan;
pub(crate) mod profiles;
pub mod reachable;

pub use courses::{Course, CourseMode, CoursePick, CoursePlan, CourseQuery};
pub use demand::{Demand, OccupationDemand, SalaryStats};
pub use gap::{GapAnalysis, GapItem, GapTarget};
pub use plan::{ActionStep, StepKind, StepStatus};
pub use reachable::{LevelFit, Qualification, Reachable, Transition};

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

/// Why a guidance question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuidanceError {
    #[error("no vacancy with id '{0}'")]
    UnknownVacancy(String),
    #[error("'{0}' is not an occupation of the taxonomy")]
    NotAnOccupation(String),
}

/// One part of a guidance score: a value in [0, 1] times its weight.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GuidancePart {
    pub name: &'static str,
    pub weight: f32,
    pub value: f32,
    /// `weight × value`.
    pub points: f32,
}

impl GuidancePart {
    pub(crate) fn new(name: &'static str, weight: f32, value: f32) -> GuidancePart {
        let value = if value.is_finite() {
            value.clamp(0.0, 1.0)
        } else {
            0.0
        };
        GuidancePart {
            name,
            weight,
            value,
            points: weight * value,
        }
    }
}
