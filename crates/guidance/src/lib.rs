//! Career guidance over the matching index: how far a job seeker is from an occupation or a
//! vacancy ([`gap`]), which occupations their skills reach ([`reachable`]), which courses close
//! the most important gaps ([`courses`]) and the steps of their action plan ([`plan`]).
//!
//! Everything here reads the same resolved records as matching (through the matching index's
//! read API), plus two things built from them: the occupation profiles of the taxonomy
//! ([`profiles`], built once per [`Guidance`]) and the labour-market demand of the vacancies
//! held (`openpes_labour_market::demand`). Nothing here does I/O or reads the clock: the day
//! is always a parameter. Every ranked
//! result is a documented weighted sum of parts, so it can be explained part by part.

pub mod courses;
pub mod demo;
pub mod formats;
pub mod gap;
pub mod plan;
pub mod profiles;
pub mod reachable;

pub use courses::{Course, CourseMode, CoursePick, CoursePlan, CourseQuery};
pub use gap::{GapAnalysis, GapItem, GapTarget};
pub use openpes_labour_market::{Demand, DemandCache, OccupationDemand, SalaryStats, Scope};
pub use openpes_matching::SeekerView;
pub use plan::{ActionStep, StepKind, StepStatus};
pub use reachable::{LevelFit, Qualification, Reachable, Transition};

use courses::Catalog;
use openpes_matching::MatchIndex;
use profiles::Profiles;
use std::sync::OnceLock;

/// Guidance over one taxonomy: the training catalog and the occupation profiles (built on
/// first use). Its questions read a [`MatchIndex`] over the same taxonomy; build a new
/// `Guidance` when the taxonomy changes.
#[derive(Default)]
pub struct Guidance {
    catalog: Catalog,
    profiles: OnceLock<Profiles>,
}

impl Guidance {
    /// Guidance with an empty catalog.
    pub fn new() -> Guidance {
        Guidance::default()
    }

    /// The occupation profiles of the index's taxonomy (built on first use).
    pub(crate) fn profiles(&self, index: &MatchIndex) -> &Profiles {
        self.profiles
            .get_or_init(|| Profiles::build(index.taxonomy(), index.knowledge()))
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
