//! Rules as code for public-employment-service benefits.
//!
//! The pieces, in the order a determination uses them:
//! - [`params`]: dated parameter values loaded from YAML (`rules/<jurisdiction>/parameters`),
//!   each with its unit, legal reference and validity period, validated at load time.
//! - [`facts`]: the inputs of a case, each known (with its source register, record and time),
//!   unknown or disputed. Nothing defaults to zero or false.
//! - [`programs`]: the formulas, ordinary Rust per case, keyed by jurisdiction, program and
//!   validity period.
//! - [`decision`] and [`trace`]: the outcome (`eligible`, `ineligible` with reasons,
//!   `undetermined` with the facts still needed) and every step that led to it, with its
//!   citation, the facts and parameter values used, the branch taken and the rounding.
//! - [`suite`]: test cases as YAML data, run by `openpes rules test` and by `cargo test`.
//!
//! The crate does no I/O beyond reading the files it is handed and never reads the clock:
//! the decision date is a parameter.

pub mod builtin;
pub mod decision;
pub mod engine;
pub mod facts;
pub mod params;
pub mod programs;
pub mod suite;
pub mod text;
pub mod trace;
mod yaml;

pub use decision::{Determination, MonthlyPayment, Needed, Outcome, Output, OutputValue, Reason};
pub use engine::Engine;
pub use facts::{Fact, FactKind, FactSpec, FactValue, Facts, Period, Source, YearMonth};
pub use params::{DatedValue, ParamValue, Parameter, ParameterSet, RoundMode, Rounding};
pub use rust_decimal::Decimal;
pub use suite::{CaseResult, Suite, SuiteReport};
pub use text::Text;
pub use trace::{FactUse, ParameterUse, Step, StepStatus};

/// Everything that can go wrong while loading rules or reading a case.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// A rules file is malformed: the file, the 1-based line and what is wrong.
    #[error("{file}:{line}: {reason}")]
    File {
        file: String,
        line: usize,
        reason: String,
    },
    /// A rules file or directory cannot be read.
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A program asks for a parameter that no parameter file defines.
    #[error("program {program} needs parameter `{path}`, which no parameter file defines")]
    MissingParameter { program: String, path: String },
    /// No program of that name is encoded.
    #[error("no program `{0}` is encoded (known: {1})")]
    UnknownProgram(String, String),
    /// No formula of the program is in force on the decision date.
    #[error("program {program} has no formula in force on {date}")]
    NoFormula { program: String, date: String },
    /// A fact in a case is malformed or not one the program knows.
    #[error("fact `{name}`: {reason}")]
    Fact { name: String, reason: String },
}
