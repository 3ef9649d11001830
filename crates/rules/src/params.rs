//! Parameters as data: dated values with units, rounding and a legal reference on every value.
//!
//! A parameter file (`rules/<jurisdiction>/parameters/*.yaml`) looks like this:
//!
//! ```yaml
//! jurisdiction: tw
//! parameters:
//!   unemployment_benefit.rate:
//!     unit: ratio
//!     description: { zh-TW: 失業給付按平均月投保薪資計算之比率, en: Share of the average insured salary paid }
//!     values:
//!       - from: 2003-01-01
//!         value: 0.6
//!         reference: { zh-TW: 就業保險法第16條第1項, en: Employment Insurance Act, Art. 16(1) }
//! ```
//!
//! The full path of that parameter is `tw.unemployment_benefit.rate`. A value is in force from
//! `from` until the day before the next value's `from`, or until its own `to` (inclusive).
//! Values are numbers, brackets (`- {at_least: 56, value: 270}`: the value of the highest
//! threshold not above the input) or rounding rules (`{step: 0.01, mode: half_up}`).
//! Loading checks everything: unknown keys, malformed dates, overlapping or unsorted periods,
//! unknown units, missing references; every error names the file and line.

use crate::text::Text;
use crate::yaml::{line_of_item, line_of_key, parse_error};
use crate::RulesError;
use chrono::NaiveDate;
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Units a parameter may have.
pub const UNITS: &[&str] = &[
    "ratio",
    "count",
    "days",
    "months",
    "years",
    "TWD",
    "TWD/month",
    "EUR",
    "EUR/day",
    "EUR/month",
    "rounding",
];

/// How a rounding rule breaks ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundMode {
    /// Halves away from zero (四捨五入).
    HalfUp,
    /// Towards zero (無條件捨去).
    Down,
    /// Away from zero (無條件進位).
    Up,
}

/// A rounding rule: round to a multiple of `step` (1, 0.01, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    pub step: Decimal,
    pub mode: RoundMode,
}

impl Rounding {
    /// `value` rounded by this rule.
    pub fn apply(&self, value: Decimal) -> Decimal {
        let strategy = match self.mode {
            RoundMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundMode::Down => RoundingStrategy::ToZero,
            RoundMode::Up => RoundingStrategy::AwayFromZero,
        };
        if self.step.is_zero() {
            return value;
        }
        let units = (value / self.step).round_dp_with_strategy(0, strategy);
        // The result keeps the step's decimals: 67.30, not 67.3.
        units * self.step
    }

    /// How the rule reads in a trace, e.g. `half_up to 0.01`.
    pub fn describe(&self) -> String {
        let mode = match self.mode {
            RoundMode::HalfUp => "half_up",
            RoundMode::Down => "down",
            RoundMode::Up => "up",
        };
        format!("{mode} to {}", self.step.normalize())
    }
}

/// One step of a bracket table: inputs at least `at_least` get `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bracket {
    pub at_least: Decimal,
    pub value: Decimal,
}

/// The value of a parameter in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamValue {
    Number(Decimal),
    Brackets(Vec<Bracket>),
    Rounding(Rounding),
}

impl ParamValue {
    /// How the value reads in a trace.
    pub fn describe(&self) -> String {
        match self {
            ParamValue::Number(n) => n.normalize().to_string(),
            ParamValue::Brackets(steps) => steps
                .iter()
                .map(|b| format!("≥{}→{}", b.at_least.normalize(), b.value.normalize()))
                .collect::<Vec<_>>()
                .join(", "),
            ParamValue::Rounding(r) => r.describe(),
        }
    }
}

/// A value with its validity period and legal reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DatedValue {
    /// The full parameter path, e.g. `tw.unemployment_benefit.rate`.
    pub path: Arc<str>,
    pub unit: Arc<str>,
    pub from: NaiveDate,
    /// Last day in force (inclusive); `None` while no later value replaces it.
    pub to: Option<NaiveDate>,
    pub value: ParamValue,
    pub reference: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// What the law leaves open, or how the value was established.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

impl DatedValue {
    /// Whether the value is in force on `date`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

/// A parameter and its history.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub path: Arc<str>,
    pub unit: Arc<str>,
    pub description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// The file that defines it.
    pub file: String,
    /// Oldest first.
    pub values: Vec<Arc<DatedValue>>,
}

impl Parameter {
    /// The value in force on `date`.
    pub fn at(&self, date: NaiveDate) -> Option<&Arc<DatedValue>> {
        self.values.iter().rev().find(|v| v.in_force(date))
    }
}

/// One piece of a period split at parameter changes.
#[derive(Debug, Clone)]
pub struct Piece {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `None` where no value is in force.
    pub value: Option<Arc<DatedValue>>,
}

/// All parameters of all jurisdictions, by full path.
#[derive(Debug, Clone, Default)]
pub struct ParameterSet {
    parameters: BTreeMap<String, Parameter>,
    version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    jurisdiction: String,
    #[serde(default)]
    #[allow(dead_code)]
    law: Option<Text>,
    parameters: BTreeMap<String, RawParameter>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    unit: String,
    description: Text,
    #[serde(default)]
    note: Option<Text>,
    values: Vec<RawValue>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    from: NaiveDate,
    #[serde(default)]
    to: Option<NaiveDate>,
    value: serde_yaml_ng::Value,
    reference: Text,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    note: Option<Text>,
}

impl ParameterSet {
    /// Parses parameter files given as `(file name, contents)`; all or nothing.
    pub fn from_sources<'a>(
        sources: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, RulesError> {
        let mut sources: Vec<(&str, &str)> = sources.into_iter().collect();
        sources.sort_by(|a, b| a.0.cmp(b.0));
        let mut set = ParameterSet::default();
        let mut hasher = Sha256::new();
        for (file, text) in sources {
            hasher.update(file.as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
            hasher.update([0]);
            set.add_file(file, text)?;
        }
        set.version = hex::encode(&hasher.finalize()[..8]);
        Ok(set)
    }

    fn add_file(&mut self, file: &str, text: &str) -> Result<(), RulesError> {
        let raw: RawFile = serde_yaml_ng::from_str(text).map_err(|e| parse_error(file, &e))?;
        let fail = |line: usize, reason: String| RulesError::File {
            file: file.to_string(),
            line,
            reason,
        };
        if raw.jurisdiction.is_empty()
            || !raw
                .jurisdiction
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-')
        {
            return Err(fail(
                line_of_key(text, "jurisdiction", 0),
                format!(
                    "jurisdiction `{}` must be a lowercase code such as `tw`",
                    raw.jurisdiction
                ),
            ));
        }
        for (key, mut param) in raw.parameters {
            let key_line = line_of_key(text, &key, 0);
            if key.is_empty()
                || !key.split('.').all(|part| {
                    !part.is_empty()
                        && part
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
            {
                return Err(fail(
                    key_line,
                    format!("parameter name `{key}` must be dot-separated lowercase words"),
                ));
            }
            let path: Arc<str> = Arc::from(format!("{}.{key}", raw.jurisdiction));
            if self.parameters.contains_key(&*path) {
                return Err(fail(
                    key_line,
                    format!("parameter `{path}` is defined twice"),
                ));
            }
            if !UNITS.contains(&param.unit.as_str()) {
                return Err(fail(
                    line_of_key(text, "unit", key_line - 1),
                    format!(
                        "unknown unit `{}` (known: {})",
                        param.unit,
                        UNITS.join(", ")
                    ),
                ));
            }
            if param.values.is_empty() {
                return Err(fail(key_line, format!("parameter `{path}` has no values")));
            }
            let unit: Arc<str> = Arc::from(param.unit.as_str());
            let values_line = line_of_key(text, "values", key_line - 1);
            let mut values: Vec<Arc<DatedValue>> = Vec::with_capacity(param.values.len());
            for (index, raw_value) in std::mem::take(&mut param.values).into_iter().enumerate() {
                let line = line_of_item(text, values_line + 1, index);
                let value = parse_value(&raw_value.value, &unit)
                    .map_err(|reason| fail(line, format!("`{path}`: {reason}")))?;
                if raw_value.reference.zh_tw.trim().is_empty()
                    || raw_value.reference.en.trim().is_empty()
                {
                    return Err(fail(
                        line,
                        format!("`{path}`: every value needs a legal reference in zh-TW and en"),
                    ));
                }
                if let Some(to) = raw_value.to {
                    if to < raw_value.from {
                        return Err(fail(
                            line,
                            format!("`{path}`: `to` {to} is before `from` {}", raw_value.from),
                        ));
                    }
                }
                if let Some(previous) = values.last() {
                    if raw_value.from <= previous.from {
                        return Err(fail(
                            line,
                            format!(
                                "`{path}`: values must be in date order; {} does not follow {}",
                                raw_value.from, previous.from
                            ),
                        ));
                    }
                    if previous.to.is_some_and(|to| to >= raw_value.from) {
                        return Err(fail(
                            line,
                            format!(
                                "`{path}`: the period from {} overlaps the previous one",
                                raw_value.from
                            ),
                        ));
                    }
                }
                values.push(Arc::new(DatedValue {
                    path: path.clone(),
                    unit: unit.clone(),
                    from: raw_value.from,
                    to: raw_value.to,
                    value,
                    reference: raw_value.reference,
                    url: raw_value.url,
                    // A parameter's own note (what the law leaves open) travels with every value,
                    // so each trace that uses the value repeats it.
                    note: raw_value.note.or_else(|| param.note.clone()),
                }));
            }
            // A value without `to` ends the day before its successor starts.
            for index in 0..values.len().saturating_sub(1) {
                if values[index].to.is_none() {
                    let next_from = values[index + 1].from;
                    let mut closed = (*values[index]).clone();
                    closed.to = next_from.pred_opt();
                    values[index] = Arc::new(closed);
                }
            }
            self.parameters.insert(
                path.to_string(),
                Parameter {
                    path,
                    unit,
                    description: param.description,
                    note: param.note,
                    file: file.to_string(),
                    values,
                },
            );
        }
        Ok(())
    }

    /// A hash of every parameter file (names and contents): the parameters' version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The parameter at `path`.
    pub fn get(&self, path: &str) -> Option<&Parameter> {
        self.parameters.get(path)
    }

    /// All parameters, by path.
    pub fn iter(&self) -> impl Iterator<Item = &Parameter> {
        self.parameters.values()
    }

    /// The value of `path` in force on `date`.
    pub fn at(&self, path: &str, date: NaiveDate) -> Option<&Arc<DatedValue>> {
        self.parameters.get(path)?.at(date)
    }

    /// The period `from..=to` split wherever the value of `path` changes.
    pub fn split(&self, path: &str, from: NaiveDate, to: NaiveDate) -> Vec<Piece> {
        let mut pieces = Vec::new();
        let Some(parameter) = self.parameters.get(path) else {
            return vec![Piece {
                from,
                to,
                value: None,
            }];
        };
        let mut start = from;
        while start <= to {
            let current = parameter.at(start).cloned();
            let end = match &current {
                Some(value) => value.to.map_or(to, |t| t.min(to)),
                None => parameter
                    .values
                    .iter()
                    .find(|v| v.from > start)
                    .and_then(|v| v.from.pred_opt())
                    .map_or(to, |d| d.min(to)),
            };
            pieces.push(Piece {
                from: start,
                to: end,
                value: current,
            });
            match end.succ_opt() {
                Some(next) => start = next,
                None => break,
            }
        }
        pieces
    }
}

/// A decimal from a YAML number or numeric string, exactly as written.
pub(crate) fn decimal_of(value: &serde_yaml_ng::Value) -> Option<Decimal> {
    match value {
        serde_yaml_ng::Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        serde_yaml_ng::Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

fn parse_value(value: &serde_yaml_ng::Value, unit: &str) -> Result<ParamValue, String> {
    use serde_yaml_ng::Value;
    if unit == "rounding" {
        let rounding: Rounding = serde_yaml_ng::from_value(value.clone()).map_err(|e| {
            format!("a rounding value is {{step: 0.01, mode: half_up|down|up}}: {e}")
        })?;
        if rounding.step <= Decimal::ZERO {
            return Err("rounding step must be positive".into());
        }
        return Ok(ParamValue::Rounding(rounding));
    }
    match value {
        Value::Sequence(items) => {
            let mut brackets = Vec::with_capacity(items.len());
            for item in items {
                let at_least = item.get("at_least").and_then(decimal_of);
                let step_value = item.get("value").and_then(decimal_of);
                let (Some(at_least), Some(step_value)) = (at_least, step_value) else {
                    return Err("a bracket is {at_least: number, value: number}".into());
                };
                if brackets.last().is_some_and(|b: &Bracket| b.at_least >= at_least) {
                    return Err("bracket thresholds must increase".into());
                }
                brackets.push(Bracket { at_least, value: step_value });
            }
            if brackets.is_empty() {
                return Err("a bracket table needs at least one bracket".into());
            }
            Ok(ParamValue::Brackets(brackets))
        }
        other => decimal_of(other)
            .map(ParamValue::Number)
            .ok_or_else(|| format!("value must be a number, a bracket list or (for unit rounding) a rounding rule, not {other:?}")),
    }
}

/// The bracket value for `input`: the value of the highest threshold not above it.
pub fn bracket(brackets: &[Bracket], input: Decimal) -> Option<Decimal> {
    brackets
        .iter()
        .rev()
        .find(|b| b.at_least <= input)
        .map(|b| b.value)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "jurisdiction: xx
parameters:
  wage.minimum:
    unit: EUR/month
    description: { zh-TW: 最低工資, en: Minimum wage }
    values:
      - from: 2024-01-01
        value: 820
        reference: { zh-TW: 規則一, en: Rule 1 }
      - from: 2025-01-01
        value: 886.50
        reference: { zh-TW: 規則二, en: Rule 2 }
  round.cents:
    unit: rounding
    description: { zh-TW: 進位, en: Rounding }
    values:
      - from: 2000-01-01
        value: { step: 0.01, mode: half_up }
        reference: { zh-TW: 規則三, en: Rule 3 }
";

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn lookup_returns_the_value_in_force_that_day() {
        let set = ParameterSet::from_sources([("x.yaml", GOOD)]).expect("loads");
        let before = set.at("xx.wage.minimum", date("2023-12-31"));
        assert!(before.is_none());
        let first = set.at("xx.wage.minimum", date("2024-12-31")).expect("2024");
        assert_eq!(first.value, ParamValue::Number(Decimal::from(820)));
        assert_eq!(first.to, Some(date("2024-12-31")));
        let second = set.at("xx.wage.minimum", date("2025-01-01")).expect("2025");
        assert_eq!(
            second.value,
            ParamValue::Number(Decimal::from_str("886.50").expect("dec"))
        );
    }

    #[test]
    fn a_period_across_a_change_is_split() {
        let set = ParameterSet::from_sources([("x.yaml", GOOD)]).expect("loads");
        let pieces = set.split("xx.wage.minimum", date("2023-12-01"), date("2025-02-01"));
        let shape: Vec<(String, String, bool)> = pieces
            .iter()
            .map(|p| (p.from.to_string(), p.to.to_string(), p.value.is_some()))
            .collect();
        assert_eq!(
            shape,
            vec![
                ("2023-12-01".into(), "2023-12-31".into(), false),
                ("2024-01-01".into(), "2024-12-31".into(), true),
                ("2025-01-01".into(), "2025-02-01".into(), true),
            ]
        );
    }

    #[test]
    fn rounding_rules_round_as_named() {
        let half_up = Rounding {
            step: Decimal::from_str("0.01").expect("dec"),
            mode: RoundMode::HalfUp,
        };
        assert_eq!(
            half_up
                .apply(Decimal::from_str("9.735").expect("dec"))
                .to_string(),
            "9.74"
        );
        let down = Rounding {
            step: Decimal::ONE,
            mode: RoundMode::Down,
        };
        assert_eq!(
            down.apply(Decimal::from_str("27479.9").expect("dec"))
                .to_string(),
            "27479"
        );
        let whole = Rounding {
            step: Decimal::ONE,
            mode: RoundMode::HalfUp,
        };
        assert_eq!(
            whole
                .apply(Decimal::from_str("21779.5").expect("dec"))
                .to_string(),
            "21780"
        );
    }

    fn error_of(text: &str) -> (usize, String) {
        match ParameterSet::from_sources([("bad.yaml", text)]) {
            Err(RulesError::File { file, line, reason }) => {
                assert_eq!(file, "bad.yaml");
                (line, reason)
            }
            other => panic!("expected a file error, got {other:?}"),
        }
    }

    #[test]
    fn a_malformed_date_names_its_line() {
        let bad = GOOD.replace("from: 2025-01-01", "from: 2025-13-01");
        let (line, reason) = error_of(&bad);
        assert_eq!(line, 10, "{reason}");
        assert!(reason.contains("from"), "{reason}");
    }

    #[test]
    fn a_typo_in_a_key_is_rejected() {
        let bad = GOOD.replace("reference: { zh-TW: 規則二", "refrence: { zh-TW: 規則二");
        let (_, reason) = error_of(&bad);
        assert!(reason.contains("refrence"), "{reason}");
    }

    #[test]
    fn unsorted_values_unknown_units_and_missing_references_are_rejected() {
        let unsorted = GOOD.replace("from: 2025-01-01", "from: 2023-01-01");
        let (line, reason) = error_of(&unsorted);
        assert_eq!(line, 10);
        assert!(reason.contains("date order"), "{reason}");
        let unit = GOOD.replace("unit: EUR/month", "unit: EUR/mnth");
        let (line, reason) = error_of(&unit);
        assert_eq!(line, 4);
        assert!(reason.contains("EUR/mnth"), "{reason}");
        let empty_reference = GOOD.replace(
            "{ zh-TW: 規則一, en: Rule 1 }",
            "{ zh-TW: 規則一, en: \"\" }",
        );
        let (line, reason) = error_of(&empty_reference);
        assert_eq!(line, 7);
        assert!(reason.contains("reference"), "{reason}");
        let text_value = GOOD.replace("value: 820", "value: eight hundred");
        let (line, _) = error_of(&text_value);
        assert_eq!(line, 7);
    }
}
