//! The engine: parameters plus the registry of formulas, and the [`Context`] a formula uses to
//! read facts and parameters while it writes its trace.
//!
//! A formula reads only through its `Context`, which records every fact and parameter value
//! read in the current trace step, and records as needed any fact that is unknown or disputed
//! and any parameter without a value on the date asked (a yearly figure ends with its year, so
//! a missing year makes the case `undetermined`, never a stale amount). An engine whose
//! formulas read a parameter that no file defines is refused when it is built.

use crate::decision::{
    Determination, MonthlyPayment, Needed, Outcome, Output, OutputValue, Reason, RulesVersion,
};
use crate::facts::{Fact, FactSpec, FactValue, Facts, Source};
use crate::params::{bracket, DatedValue, ParamValue, ParameterSet};
use crate::text::Text;
use crate::trace::{FactUse, ParameterUse, Step, StepStatus};
use crate::{programs, RulesError};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// A formula: the rules of one program of one jurisdiction for one validity period.
pub struct Formula {
    pub jurisdiction: &'static str,
    pub program: &'static str,
    pub title: Text,
    /// First day the formula applies (decision date).
    pub valid_from: (i32, u32, u32),
    /// Last day, if it has been replaced.
    pub valid_to: Option<(i32, u32, u32)>,
    pub facts: &'static [FactSpec],
    /// Every parameter path it reads; checked against the parameter files at load time.
    pub parameters: &'static [&'static str],
    pub apply: fn(&mut Context),
}

fn ymd(date: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap_or(NaiveDate::MIN)
}

impl Formula {
    /// `<jurisdiction>/<program>`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.jurisdiction, self.program)
    }

    /// Whether this is the formula of `program` (`<jurisdiction>/<program>`), without
    /// allocating (it is on the path of every determination).
    pub fn is(&self, program: &str) -> bool {
        program.split_once('/').is_some_and(|(jurisdiction, name)| {
            jurisdiction == self.jurisdiction && name == self.program
        })
    }

    /// First day in force.
    pub fn valid_from(&self) -> NaiveDate {
        ymd(self.valid_from)
    }

    fn in_force(&self, date: NaiveDate) -> bool {
        ymd(self.valid_from) <= date && self.valid_to.is_none_or(|to| date <= ymd(to))
    }
}

/// Parameters and formulas, validated together.
pub struct Engine {
    params: ParameterSet,
    formulas: &'static [Formula],
}

impl Engine {
    /// An engine over `params`; fails when a formula needs a parameter no file defines.
    pub fn new(params: ParameterSet) -> Result<Self, RulesError> {
        let formulas = programs::FORMULAS;
        for formula in formulas {
            for path in formula.parameters {
                if params.get(path).is_none() {
                    return Err(RulesError::MissingParameter {
                        program: formula.key(),
                        path: path.to_string(),
                    });
                }
            }
        }
        Ok(Self { params, formulas })
    }

    /// The engine over the parameter files built into the binary.
    pub fn builtin() -> Result<Self, RulesError> {
        Self::new(ParameterSet::from_sources(
            crate::builtin::PARAMETER_FILES.iter().copied(),
        )?)
    }

    /// The engine over `<dir>/<jurisdiction>/parameters/**/*.yaml`.
    pub fn load_dir(dir: &Path) -> Result<Self, RulesError> {
        let mut files = Vec::new();
        let jurisdictions = std::fs::read_dir(dir).map_err(|source| RulesError::Io {
            file: dir.display().to_string(),
            source,
        })?;
        for entry in jurisdictions.flatten() {
            let parameters = entry.path().join("parameters");
            if parameters.is_dir() {
                crate::suite::collect_yaml(&parameters, &mut files)?;
            }
        }
        let mut sources = Vec::with_capacity(files.len());
        for file in &files {
            let text = std::fs::read_to_string(file).map_err(|source| RulesError::Io {
                file: file.display().to_string(),
                source,
            })?;
            sources.push((file.display().to_string(), text));
        }
        Self::new(ParameterSet::from_sources(
            sources
                .iter()
                .map(|(name, text)| (name.as_str(), text.as_str())),
        )?)
    }

    /// The parameters.
    pub fn parameters(&self) -> &ParameterSet {
        &self.params
    }

    /// Every formula.
    pub fn formulas(&self) -> &'static [Formula] {
        self.formulas
    }

    /// The formula of `program` (`tw/unemployment_benefit`) in force on `date`.
    pub fn formula(&self, program: &str, date: NaiveDate) -> Result<&'static Formula, RulesError> {
        let mut known = false;
        for formula in self.formulas {
            if formula.is(program) {
                known = true;
                if formula.in_force(date) {
                    return Ok(formula);
                }
            }
        }
        if known {
            Err(RulesError::NoFormula {
                program: program.to_string(),
                date: date.to_string(),
            })
        } else {
            let mut keys: Vec<String> = self.formulas.iter().map(Formula::key).collect();
            keys.dedup();
            Err(RulesError::UnknownProgram(
                program.to_string(),
                keys.join(", "),
            ))
        }
    }

    /// The fact specs of `program`.
    pub fn fact_specs(&self, program: &str) -> Result<&'static [FactSpec], RulesError> {
        self.formulas
            .iter()
            .find(|f| f.is(program))
            .map(|f| f.facts)
            .ok_or_else(|| {
                let keys: Vec<String> = self.formulas.iter().map(Formula::key).collect();
                RulesError::UnknownProgram(program.to_string(), keys.join(", "))
            })
    }

    /// Reads the facts of a `program` case from JSON.
    pub fn facts_from_json(
        &self,
        program: &str,
        json: &serde_json::Value,
        default_source: Option<&Source>,
    ) -> Result<Facts, RulesError> {
        Facts::from_json(self.fact_specs(program)?, json, default_source)
    }

    /// Applies `program` to `facts` on `as_of`.
    pub fn determine(
        &self,
        program: &str,
        facts: &Facts,
        as_of: NaiveDate,
    ) -> Result<Determination, RulesError> {
        let formula = self.formula(program, as_of)?;
        if !std::ptr::eq(facts.specs(), formula.facts) {
            return Err(RulesError::Fact {
                name: "facts".into(),
                reason: format!("these facts were read for another program than {program}"),
            });
        }
        let mut context = Context::new(facts, &self.params, as_of);
        (formula.apply)(&mut context);
        Ok(context.finish(formula, self.params.version()))
    }
}

/// What a formula reads and writes while it runs.
pub struct Context<'a> {
    facts: &'a Facts,
    params: &'a ParameterSet,
    /// The decision date.
    pub as_of: NaiveDate,
    steps: Vec<Step>,
    reasons: Vec<Reason>,
    needed: Vec<Needed>,
    outputs: Vec<Output>,
    payments: Vec<MonthlyPayment>,
    review: Vec<Text>,
}

impl<'a> Context<'a> {
    fn new(facts: &'a Facts, params: &'a ParameterSet, as_of: NaiveDate) -> Self {
        Self {
            facts,
            params,
            as_of,
            steps: Vec::with_capacity(16),
            reasons: Vec::new(),
            needed: Vec::new(),
            outputs: Vec::with_capacity(8),
            payments: Vec::new(),
            review: Vec::new(),
        }
    }

    fn need(&mut self, name: String, state: &'static str, text: Text) {
        if !self.needed.iter().any(|n| n.name == name) {
            self.needed.push(Needed { name, state, text });
        }
    }

    /// The value of fact `name`, recorded in `step`; an unknown or disputed fact is recorded as
    /// needed and gives `None`.
    pub fn fact(&mut self, step: &mut Step, name: &'static str) -> Option<Arc<FactValue>> {
        self.read_fact(step, name, true)
    }

    /// Like [`Context::fact`], but an unknown fact is not needed (an optional input).
    pub fn optional_fact(&mut self, step: &mut Step, name: &'static str) -> Option<Arc<FactValue>> {
        self.read_fact(step, name, false)
    }

    fn read_fact(
        &mut self,
        step: &mut Step,
        name: &'static str,
        required: bool,
    ) -> Option<Arc<FactValue>> {
        let facts = self.facts;
        let Some((spec, fact)) = facts.get(name) else {
            self.need(
                name.to_string(),
                "unknown",
                Text::fixed(
                    "程式讀取未宣告的事實",
                    "the program reads an undeclared fact",
                ),
            );
            return None;
        };
        match fact {
            Fact::Known { value, source } => {
                step.facts.push(FactUse {
                    name: spec.name,
                    value: value.clone(),
                    source: source.clone(),
                });
                Some(value.clone())
            }
            Fact::Unknown => {
                if required {
                    self.need(name.to_string(), "unknown", spec.title.clone());
                }
                None
            }
            Fact::Disputed { note, .. } => {
                self.need(
                    name.to_string(),
                    "disputed",
                    Text::owned(
                        format!("{}（有爭議：{note}）", spec.title.zh_tw),
                        format!("{} (disputed: {note})", spec.title.en),
                    ),
                );
                None
            }
        }
    }

    /// Fact `name` as a date (`None` when unknown, disputed or known to be none).
    pub fn date(&mut self, step: &mut Step, name: &'static str) -> Option<NaiveDate> {
        match self.fact(step, name)?.as_ref() {
            FactValue::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// Fact `name` as a yes/no.
    pub fn flag(&mut self, step: &mut Step, name: &'static str) -> Option<bool> {
        match self.fact(step, name)?.as_ref() {
            FactValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Fact `name` as a whole number.
    pub fn integer(&mut self, step: &mut Step, name: &'static str) -> Option<i64> {
        match self.fact(step, name)?.as_ref() {
            FactValue::Integer(i) => Some(*i),
            _ => None,
        }
    }

    /// The value of parameter `path` in force on `on`, recorded in `step`; a missing value is
    /// recorded as needed.
    pub fn param(
        &mut self,
        step: &mut Step,
        path: &'static str,
        on: NaiveDate,
    ) -> Option<Arc<DatedValue>> {
        match self.params.at(path, on) {
            Some(value) => {
                if !step
                    .parameters
                    .iter()
                    .any(|used| Arc::ptr_eq(&used.value, value))
                {
                    step.parameters.push(ParameterUse {
                        on,
                        value: value.clone(),
                    });
                }
                Some(value.clone())
            }
            None => {
                self.need(
                    format!("parameter:{path}"),
                    "missing_parameter",
                    Text::owned(
                        format!("參數 {path} 在 {on} 沒有生效的值"),
                        format!("parameter {path} has no value in force on {on}"),
                    ),
                );
                None
            }
        }
    }

    /// Parameter `path` on `on` as a number.
    pub fn number(
        &mut self,
        step: &mut Step,
        path: &'static str,
        on: NaiveDate,
    ) -> Option<Decimal> {
        match &self.param(step, path, on)?.value {
            ParamValue::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The bracket of parameter `path` on `on` that `input` falls in.
    pub fn bracket(
        &mut self,
        step: &mut Step,
        path: &'static str,
        on: NaiveDate,
        input: Decimal,
    ) -> Option<Decimal> {
        match &self.param(step, path, on)?.value {
            ParamValue::Brackets(steps) => bracket(steps, input),
            _ => None,
        }
    }

    /// `value` rounded by the rounding rule `path` in force on `on`; the rounding is written
    /// to the step.
    pub fn round(
        &mut self,
        step: &mut Step,
        path: &'static str,
        on: NaiveDate,
        value: Decimal,
    ) -> Option<Decimal> {
        let rule = match &self.param(step, path, on)?.value {
            ParamValue::Rounding(rule) => *rule,
            _ => return None,
        };
        let rounded = rule.apply(value);
        let line = format!("{}: {} → {}", rule.describe(), value.normalize(), rounded);
        step.rounding = Some(match step.rounding.take() {
            Some(previous) => format!("{previous}; {line}"),
            None => line,
        });
        Some(rounded)
    }

    /// Whether a condition has failed already (amounts are then not computed).
    pub fn has_failed(&self) -> bool {
        !self.reasons.is_empty()
    }

    /// `value` rounded by the rule `path` on `on`, without writing to a step (for derived
    /// totals whose rounding the trace already shows).
    pub fn round_quiet(&self, path: &str, on: NaiveDate, value: Decimal) -> Option<Decimal> {
        match &self.params.at(path, on)?.value {
            ParamValue::Rounding(rule) => Some(rule.apply(value)),
            _ => None,
        }
    }

    /// Closes a condition step: met, not met (the claim fails on `reason`) or unknown.
    pub fn condition(&mut self, mut step: Step, met: Option<bool>, branch: Text) {
        step.status = match met {
            Some(true) => StepStatus::Met,
            Some(false) => {
                self.reasons.push(Reason {
                    id: step.id,
                    text: branch.clone(),
                    citation: step.citation.clone(),
                });
                StepStatus::NotMet
            }
            None => StepStatus::Unknown,
        };
        step.branch = Some(branch);
        self.steps.push(step);
    }

    /// Closes a computation step; `result` `None` means it could not be computed.
    pub fn computed(&mut self, mut step: Step, result: Option<String>, branch: Option<Text>) {
        step.status = if result.is_some() {
            StepStatus::Computed
        } else {
            StepStatus::Unknown
        };
        step.result = result;
        step.branch = branch;
        self.steps.push(step);
    }

    /// Closes a step that does not apply to this case.
    pub fn not_applicable(&mut self, mut step: Step, branch: Text) {
        step.status = StepStatus::NotApplicable;
        step.branch = Some(branch);
        self.steps.push(step);
    }

    /// Records that the decision has to wait (a period that has not passed yet).
    pub fn wait(&mut self, name: &str, text: Text) {
        self.need(format!("wait:{name}"), "not_yet", text);
    }

    /// Adds an output.
    pub fn output(
        &mut self,
        name: &'static str,
        title: Text,
        value: OutputValue,
        unit: &'static str,
    ) {
        self.outputs.push(Output {
            name,
            title,
            value,
            unit,
        });
    }

    /// Adds a monthly payment line.
    pub fn payment(&mut self, payment: MonthlyPayment) {
        self.payments.push(payment);
    }

    /// Flags the case for a person to look at.
    pub fn review(&mut self, why: Text) {
        self.review.push(why);
    }

    fn finish(self, formula: &Formula, parameters_version: &str) -> Determination {
        let outcome = if !self.reasons.is_empty() {
            Outcome::Ineligible
        } else if !self.needed.is_empty() {
            Outcome::Undetermined
        } else {
            Outcome::Eligible
        };
        Determination {
            jurisdiction: formula.jurisdiction,
            program: formula.program,
            program_title: formula.title.clone(),
            as_of: self.as_of,
            outcome,
            reasons: self.reasons,
            needed: self.needed,
            outputs: self.outputs,
            payments: self.payments,
            review: self.review,
            trace: self.steps,
            version: RulesVersion {
                engine: env!("CARGO_PKG_VERSION"),
                formula: format!(
                    "{}.{}@{}",
                    formula.jurisdiction,
                    formula.program,
                    formula.valid_from()
                ),
                parameters: parameters_version.to_string(),
            },
        }
    }
}
