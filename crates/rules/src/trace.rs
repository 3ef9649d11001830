//! Traces: every step of a determination with its legal citation, the facts and parameter
//! values it used, the branch it took and the rounding it applied.

use crate::facts::{FactValue, Source};
use crate::params::DatedValue;
use crate::text::Text;
use serde::Serialize;
use std::sync::Arc;

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// A condition that holds.
    Met,
    /// A condition that fails: the claim is ineligible on this ground.
    NotMet,
    /// A condition or amount that cannot be settled with what is known.
    Unknown,
    /// An amount, date or duration computed.
    Computed,
    /// A step that does not apply to this case.
    NotApplicable,
}

/// A known fact as a step used it.
#[derive(Debug, Clone, Serialize)]
pub struct FactUse {
    pub name: &'static str,
    pub value: Arc<FactValue>,
    pub source: Arc<Source>,
}

/// A parameter value as a step used it, with the period it is in force and its reference.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterUse {
    /// The date for which the value was looked up.
    pub on: chrono::NaiveDate,
    #[serde(flatten)]
    pub value: Arc<DatedValue>,
}

/// One step of a determination.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: &'static str,
    pub title: Text,
    /// The provision applied.
    pub citation: Text,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub facts: Vec<FactUse>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<ParameterUse>,
    /// The branch taken and why, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<Text>,
    /// The value computed, as text with its unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// The rounding applied, e.g. `half_up to 1: 21779.5 → 21780`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounding: Option<String>,
    /// Where the law leaves something open and how this step settles it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_question: Option<Text>,
}

impl Step {
    /// A new step, not yet settled.
    pub fn new(id: &'static str, title: Text, citation: Text) -> Self {
        Self {
            id,
            title,
            citation,
            status: StepStatus::Unknown,
            facts: Vec::new(),
            parameters: Vec::new(),
            branch: None,
            result: None,
            rounding: None,
            open_question: None,
        }
    }
}
