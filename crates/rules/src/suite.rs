//! Test suites as data: YAML cases with facts, a decision date and the expected outcome.
//!
//! ```yaml
//! program: tw/unemployment_benefit
//! defaults:                 # merged into every case; a case's facts override these
//!   as_of: 2026-03-20
//!   facts: { birth_date: 1985-04-02, ... }
//! cases:
//!   - name: 365 days insured qualifies
//!     facts: { insurance_periods: [{from: 2025-02-01, to: 2026-01-31}] }
//!     expect:
//!       outcome: eligible          # eligible | ineligible | undetermined
//!       reasons: [insured_period]  # exact set of failed conditions (optional)
//!       needed: [dependants]       # exact set of needed facts (optional)
//!       outputs: { monthly_benefit: 27480, start_date: 2026-03-16 }
//!       payments: [{ month: 2026-01, payable: 18600 }]
//!       review: false
//! ```
//!
//! Facts in cases may be bare values (known, with the test case as their source) or the full
//! `{status: …}` form. Every error names the file and line.

use crate::decision::Determination;
use crate::engine::Engine;
use crate::facts::Source;
use crate::yaml::{line_of_item, line_of_key, parse_error};
use crate::RulesError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    program: String,
    #[serde(default)]
    defaults: RawDefaults,
    cases: Vec<RawCase>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    #[serde(default)]
    as_of: Option<NaiveDate>,
    #[serde(default)]
    facts: BTreeMap<String, serde_yaml_ng::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    #[serde(default)]
    as_of: Option<NaiveDate>,
    #[serde(default)]
    facts: BTreeMap<String, serde_yaml_ng::Value>,
    expect: Expect,
}

/// What a case expects.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub outcome: String,
    #[serde(default)]
    pub reasons: Option<Vec<String>>,
    #[serde(default)]
    pub needed: Option<Vec<String>>,
    #[serde(default)]
    pub outputs: BTreeMap<String, serde_yaml_ng::Value>,
    #[serde(default)]
    pub payments: Option<Vec<ExpectedPayment>>,
    #[serde(default)]
    pub review: Option<bool>,
}

/// An expected monthly payment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedPayment {
    pub month: String,
    pub payable: serde_yaml_ng::Value,
}

/// One case, ready to run.
#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub line: usize,
    pub as_of: NaiveDate,
    pub facts: crate::facts::Facts,
    pub expect: Expect,
}

/// A loaded suite.
#[derive(Debug)]
pub struct Suite {
    pub file: String,
    pub program: String,
    pub cases: Vec<Case>,
}

/// The result of one case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseResult {
    pub name: String,
    pub line: usize,
    pub passed: bool,
    pub failures: Vec<String>,
}

/// The results of one suite.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SuiteReport {
    pub file: String,
    pub program: String,
    pub cases: Vec<CaseResult>,
}

impl SuiteReport {
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.iter().filter(|c| !c.passed).count()
    }
}

fn to_json(value: &serde_yaml_ng::Value) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Suite {
    /// Parses and checks a suite against the engine's programs and fact specs.
    pub fn load(engine: &Engine, file: &str, text: &str) -> Result<Self, RulesError> {
        let raw: RawSuite = serde_yaml_ng::from_str(text).map_err(|e| parse_error(file, &e))?;
        let fail = |line: usize, reason: String| RulesError::File {
            file: file.to_string(),
            line,
            reason,
        };
        let specs = engine
            .fact_specs(&raw.program)
            .map_err(|e| fail(line_of_key(text, "program", 0), e.to_string()))?;
        let cases_line = line_of_key(text, "cases", 0);
        let mut cases = Vec::with_capacity(raw.cases.len());
        for (index, case) in raw.cases.into_iter().enumerate() {
            let line = line_of_item(text, cases_line + 1, index);
            let as_of = case.as_of.or(raw.defaults.as_of).ok_or_else(|| {
                fail(
                    line,
                    format!("case `{}` has no as_of date (and no default)", case.name),
                )
            })?;
            let mut merged = Map::new();
            for (name, value) in raw.defaults.facts.iter().chain(case.facts.iter()) {
                merged.insert(name.clone(), to_json(value));
            }
            let source = Source {
                register: "test".into(),
                record: format!("{file}#{}", case.name),
                at: None,
            };
            let facts =
                crate::facts::Facts::from_json(specs, &Value::Object(merged), Some(&source))
                    .map_err(|e| fail(line, format!("case `{}`: {e}", case.name)))?;
            if !["eligible", "ineligible", "undetermined"].contains(&case.expect.outcome.as_str()) {
                return Err(fail(
                    line,
                    format!(
                        "case `{}`: outcome must be eligible, ineligible or undetermined",
                        case.name
                    ),
                ));
            }
            cases.push(Case {
                name: case.name,
                line,
                as_of,
                facts,
                expect: case.expect,
            });
        }
        Ok(Suite {
            file: file.to_string(),
            program: raw.program,
            cases,
        })
    }

    /// Runs every case.
    pub fn run(&self, engine: &Engine) -> SuiteReport {
        let cases = self
            .cases
            .iter()
            .map(|case| {
                let failures = match engine.determine(&self.program, &case.facts, case.as_of) {
                    Ok(determination) => compare(&case.expect, &determination),
                    Err(error) => vec![error.to_string()],
                };
                CaseResult {
                    name: case.name.clone(),
                    line: case.line,
                    passed: failures.is_empty(),
                    failures,
                }
            })
            .collect();
        SuiteReport {
            file: self.file.clone(),
            program: self.program.clone(),
            cases,
        }
    }
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

fn same_value(expected: &serde_yaml_ng::Value, actual: &str) -> bool {
    let expected = match expected {
        serde_yaml_ng::Value::Number(n) => n.to_string(),
        serde_yaml_ng::Value::String(s) => s.clone(),
        other => format!("{other:?}"),
    };
    match (Decimal::from_str(&expected), Decimal::from_str(actual)) {
        (Ok(a), Ok(b)) => a == b,
        _ => expected == actual,
    }
}

/// The differences between what a case expects and what was determined.
pub fn compare(expect: &Expect, determination: &Determination) -> Vec<String> {
    let mut failures = Vec::new();
    let outcome = determination.outcome.as_str();
    if expect.outcome != outcome {
        let detail: Vec<String> = determination
            .reasons
            .iter()
            .map(|r| r.id.to_string())
            .chain(
                determination
                    .needed
                    .iter()
                    .map(|n| format!("needs {}", n.name)),
            )
            .collect();
        failures.push(format!(
            "outcome: expected {}, got {outcome} ({})",
            expect.outcome,
            detail.join(", ")
        ));
    }
    if let Some(reasons) = &expect.reasons {
        let got = sorted(
            determination
                .reasons
                .iter()
                .map(|r| r.id.to_string())
                .collect(),
        );
        if sorted(reasons.clone()) != got {
            failures.push(format!("reasons: expected {reasons:?}, got {got:?}"));
        }
    }
    if let Some(needed) = &expect.needed {
        let got = sorted(
            determination
                .needed
                .iter()
                .map(|n| n.name.clone())
                .collect(),
        );
        if sorted(needed.clone()) != got {
            failures.push(format!("needed: expected {needed:?}, got {got:?}"));
        }
    }
    for (name, expected) in &expect.outputs {
        match determination.output(name) {
            Some(actual) if same_value(expected, &actual.to_string()) => {}
            Some(actual) => failures.push(format!(
                "output {name}: expected {}, got {actual}",
                to_json(expected)
            )),
            None => failures.push(format!(
                "output {name}: expected {}, got none",
                to_json(expected)
            )),
        }
    }
    if let Some(payments) = &expect.payments {
        let got: Vec<(String, String)> = determination
            .payments
            .iter()
            .map(|p| (p.month.clone(), p.payable.normalize().to_string()))
            .collect();
        let matches = payments.len() == got.len()
            && payments
                .iter()
                .zip(&got)
                .all(|(e, (month, payable))| &e.month == month && same_value(&e.payable, payable));
        if !matches {
            failures.push(format!(
                "payments: expected {:?}, got {got:?}",
                payments
                    .iter()
                    .map(|p| (p.month.clone(), to_json(&p.payable)))
                    .collect::<Vec<_>>()
            ));
        }
    }
    if let Some(review) = expect.review {
        let flagged = !determination.review.is_empty();
        if review != flagged {
            failures.push(format!(
                "review: expected {review}, got {:?}",
                determination
                    .review
                    .iter()
                    .map(|r| r.en.to_string())
                    .collect::<Vec<_>>()
            ));
        }
    }
    failures
}

/// Every `.yaml`/`.yml` file under `dir`, sorted.
pub(crate) fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), RulesError> {
    let entries = std::fs::read_dir(dir).map_err(|source| RulesError::Io {
        file: dir.display().to_string(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// The suites at `path`: the file itself, or every YAML file below the folder that is not in a
/// `parameters` folder.
pub fn load_path(engine: &Engine, path: &Path) -> Result<Vec<Suite>, RulesError> {
    let files = if path.is_dir() {
        let mut all = Vec::new();
        collect_yaml(path, &mut all)?;
        all.retain(|file| !file.components().any(|c| c.as_os_str() == "parameters"));
        all
    } else {
        vec![path.to_path_buf()]
    };
    let mut suites = Vec::with_capacity(files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|source| RulesError::Io {
            file: file.display().to_string(),
            source,
        })?;
        suites.push(Suite::load(engine, &file.display().to_string(), &text)?);
    }
    Ok(suites)
}

/// The suites built into the binary.
pub fn builtin(engine: &Engine) -> Result<Vec<Suite>, RulesError> {
    crate::builtin::TEST_FILES
        .iter()
        .map(|(file, text)| Suite::load(engine, file, text))
        .collect()
}
