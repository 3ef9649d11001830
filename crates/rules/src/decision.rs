//! Determinations: the outcome of a case, its reasons, the facts still needed, the amounts,
//! and the trace and versions that reproduce it.

use crate::text::Text;
use crate::trace::Step;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// The outcome of a determination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Eligible,
    Ineligible,
    Undetermined,
}

impl Outcome {
    /// `eligible`, `ineligible` or `undetermined`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Eligible => "eligible",
            Outcome::Ineligible => "ineligible",
            Outcome::Undetermined => "undetermined",
        }
    }
}

/// A condition that is not met.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// Stable id of the condition, e.g. `insured_period`.
    pub id: &'static str,
    pub text: Text,
    pub citation: Text,
}

/// A fact (or parameter, or passage of time) still needed to decide.
#[derive(Debug, Clone, Serialize)]
pub struct Needed {
    /// The fact name, or `parameter:<path>`, or `wait:<what>`.
    pub name: String,
    /// `unknown`, `disputed`, `missing_parameter` or `not_yet`.
    pub state: &'static str,
    pub text: Text,
}

/// A computed value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OutputValue {
    Amount(Decimal),
    Date(NaiveDate),
    Count(i64),
}

impl std::fmt::Display for OutputValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputValue::Amount(a) => write!(f, "{}", a.normalize()),
            OutputValue::Date(d) => write!(f, "{d}"),
            OutputValue::Count(c) => write!(f, "{c}"),
        }
    }
}

/// A named output of a determination (an amount, a date, a duration).
#[derive(Debug, Clone, Serialize)]
pub struct Output {
    pub name: &'static str,
    pub title: Text,
    pub value: OutputValue,
    pub unit: &'static str,
}

/// The amount payable for one month in which work income was reported.
#[derive(Debug, Clone, Serialize)]
pub struct MonthlyPayment {
    /// `YYYY-MM`.
    pub month: String,
    pub work_income: Decimal,
    pub payable: Decimal,
    pub explanation: Text,
}

/// The result of applying a program to a case on a date.
#[derive(Debug, Clone, Serialize)]
pub struct Determination {
    pub jurisdiction: &'static str,
    pub program: &'static str,
    pub program_title: Text,
    /// The decision date.
    pub as_of: NaiveDate,
    pub outcome: Outcome,
    /// Conditions not met (for `ineligible`).
    pub reasons: Vec<Reason>,
    /// What is still needed (for `undetermined`; may also list facts that did not matter).
    pub needed: Vec<Needed>,
    pub outputs: Vec<Output>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<MonthlyPayment>,
    /// Why a person should look at it even though it could be decided (open legal questions,
    /// unusual records).
    pub review: Vec<Text>,
    pub trace: Vec<Step>,
    /// Rules version: engine version, formula id and parameters hash. Same version and facts,
    /// same determination.
    pub version: RulesVersion,
}

impl Determination {
    /// The output named `name`.
    pub fn output(&self, name: &str) -> Option<&OutputValue> {
        self.outputs
            .iter()
            .find(|o| o.name == name)
            .map(|o| &o.value)
    }

    /// Whether it can be decided without a person: eligible and nothing flagged for review.
    pub fn automatable(&self) -> bool {
        self.outcome == Outcome::Eligible && self.review.is_empty()
    }
}

/// The versions a determination was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesVersion {
    pub engine: &'static str,
    /// `<jurisdiction>.<program>@<formula valid from>`.
    pub formula: String,
    /// Hash of the parameter files.
    pub parameters: String,
}
