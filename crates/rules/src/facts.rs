//! Facts with provenance: each input of a case is known (with its source), unknown or disputed.
//!
//! A program declares its facts as [`FactSpec`]s (name, kind, whether `null` is a meaningful
//! known value such as "no previous claim"). Cases arrive as JSON objects keyed by fact name:
//!
//! ```json
//! {"separation_date": {"status": "known", "value": "2026-01-31",
//!                      "source": {"register": "bli.insurance", "record": "A123", "at": "2026-02-01"}},
//!  "dependants": {"status": "unknown"},
//!  "separation_reason": {"status": "disputed", "note": "employer and claimant differ",
//!                        "values": [{"value": "lsa_11", "source": {...}}, {"value": "resignation", "source": {...}}]}}
//! ```
//!
//! A fact that is absent is unknown. A bare value is accepted only where the caller supplies a
//! default source (a claimant's own declaration, a test case). Unknown fact names are errors,
//! so a typo never turns into a silently unknown fact.

use crate::text::Text;
use crate::RulesError;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// Where a known fact comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The register or adapter, e.g. `bli.insurance`, `openpes.seekers`, `claimant`.
    pub register: String,
    /// The record id in that register.
    pub record: String,
    /// When the register said so (RFC 3339 time or date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    /// The month of `date`.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Self {
            year: index.div_euclid(12),
            month: index.rem_euclid(12) as u32 + 1,
        }
    }

    /// Its first day.
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (year, month) = s
            .split_once('-')
            .ok_or_else(|| format!("`{s}` is not a month like 2026-01"))?;
        let year: i32 = year
            .parse()
            .map_err(|_| format!("`{s}` is not a month like 2026-01"))?;
        let month: u32 = month
            .parse()
            .map_err(|_| format!("`{s}` is not a month like 2026-01"))?;
        if !(1..=12).contains(&month) || !(1900..=2200).contains(&year) {
            return Err(format!("`{s}` is not a month like 2026-01"));
        }
        Ok(Self { year, month })
    }
}

impl Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// Days in the period (both ends included).
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The part of the period inside `window`, if any.
    pub fn clip(&self, window: Period) -> Option<Period> {
        let from = self.from.max(window.from);
        let to = self.to.min(window.to);
        (from <= to).then_some(Period { from, to })
    }
}

/// An amount for one month (insured salary, wage, income).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthAmount {
    pub month: YearMonth,
    pub amount: Decimal,
}

/// The kinds of values a fact can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    Bool,
    Integer,
    Amount,
    Date,
    /// One of the listed codes.
    Code(&'static [&'static str]),
    /// A list of `{from, to}` periods.
    Periods,
    /// A list of `{month, amount}` entries.
    Monthly,
}

impl FactKind {
    fn describe(&self) -> String {
        match self {
            FactKind::Bool => "true or false".into(),
            FactKind::Integer => "a whole number".into(),
            FactKind::Amount => "a number".into(),
            FactKind::Date => "a date like 2026-01-31".into(),
            FactKind::Code(codes) => format!("one of {}", codes.join(", ")),
            FactKind::Periods => "a list of {from, to} dates".into(),
            FactKind::Monthly => "a list of {month, amount}".into(),
        }
    }
}

/// A fact a program reads.
#[derive(Debug, Clone)]
pub struct FactSpec {
    pub name: &'static str,
    pub kind: FactKind,
    /// Whether `null` is a meaningful known value ("none").
    pub nullable: bool,
    pub title: Text,
}

/// A known value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FactValue {
    Bool(bool),
    Integer(i64),
    Amount(Decimal),
    Date(NaiveDate),
    Code(String),
    Periods(Vec<Period>),
    Monthly(Vec<MonthAmount>),
    /// Known to be absent (only for nullable facts).
    Nothing,
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(b) => write!(f, "{b}"),
            FactValue::Integer(i) => write!(f, "{i}"),
            FactValue::Amount(a) => write!(f, "{}", a.normalize()),
            FactValue::Date(d) => write!(f, "{d}"),
            FactValue::Code(c) => write!(f, "{c}"),
            FactValue::Periods(periods) => {
                let parts: Vec<String> = periods
                    .iter()
                    .map(|p| format!("{}..{}", p.from, p.to))
                    .collect();
                write!(f, "{}", parts.join(", "))
            }
            FactValue::Monthly(months) => {
                let parts: Vec<String> = months
                    .iter()
                    .map(|m| format!("{} {}", m.month, m.amount.normalize()))
                    .collect();
                write!(f, "{}", parts.join(", "))
            }
            FactValue::Nothing => write!(f, "none"),
        }
    }
}

/// One source's value of a disputed fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claimed {
    pub value: FactValue,
    pub source: Source,
}

/// What is known about one fact.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Fact {
    Known {
        value: Arc<FactValue>,
        source: Arc<Source>,
    },
    Unknown,
    Disputed {
        values: Vec<Claimed>,
        note: String,
    },
}

/// The facts of one case, in the order of the program's specs.
#[derive(Debug, Clone)]
pub struct Facts {
    specs: &'static [FactSpec],
    values: Vec<Fact>,
}

impl Facts {
    /// No fact known yet.
    pub fn empty(specs: &'static [FactSpec]) -> Self {
        Self {
            specs,
            values: vec![Fact::Unknown; specs.len()],
        }
    }

    /// The specs these facts follow.
    pub fn specs(&self) -> &'static [FactSpec] {
        self.specs
    }

    /// The spec and state of fact `name`.
    pub fn get(&self, name: &str) -> Option<(&'static FactSpec, &Fact)> {
        let index = self.specs.iter().position(|s| s.name == name)?;
        Some((&self.specs[index], &self.values[index]))
    }

    /// Sets fact `name`.
    pub fn set(&mut self, name: &str, fact: Fact) -> Result<(), RulesError> {
        let index = self.index(name)?;
        self.values[index] = fact;
        Ok(())
    }

    /// Every fact with its spec.
    pub fn iter(&self) -> impl Iterator<Item = (&'static FactSpec, &Fact)> {
        self.specs.iter().zip(self.values.iter())
    }

    fn index(&self, name: &str) -> Result<usize, RulesError> {
        self.specs
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| RulesError::Fact {
                name: name.to_string(),
                reason: format!(
                    "not a fact of this program (known: {})",
                    self.specs
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// Reads facts from a JSON object; bare values take `default_source` when given.
    pub fn from_json(
        specs: &'static [FactSpec],
        json: &Value,
        default_source: Option<&Source>,
    ) -> Result<Self, RulesError> {
        let mut facts = Self::empty(specs);
        let Value::Object(map) = json else {
            return Err(RulesError::Fact {
                name: "facts".into(),
                reason: "facts must be an object keyed by fact name".into(),
            });
        };
        for (name, raw) in map {
            let index = facts.index(name)?;
            let spec = &specs[index];
            facts.values[index] = parse_fact(spec, raw, default_source)?;
        }
        Ok(facts)
    }

    /// Merges `other` into these facts: every fact `other` knows or disputes replaces ours.
    pub fn overlay(&mut self, other: &Facts) {
        for (index, fact) in other.values.iter().enumerate() {
            if index < self.values.len() && !matches!(fact, Fact::Unknown) {
                self.values[index] = fact.clone();
            }
        }
    }
}

fn fact_error(spec: &FactSpec, reason: impl Into<String>) -> RulesError {
    RulesError::Fact {
        name: spec.name.to_string(),
        reason: reason.into(),
    }
}

fn parse_source(spec: &FactSpec, raw: Option<&Value>) -> Result<Source, RulesError> {
    let raw = raw.ok_or_else(|| {
        fact_error(
            spec,
            "a known fact needs its `source` {register, record, at}",
        )
    })?;
    let source: Source = serde_json::from_value(raw.clone())
        .map_err(|e| fact_error(spec, format!("source: {e}")))?;
    if source.register.trim().is_empty() || source.record.trim().is_empty() {
        return Err(fact_error(spec, "source needs a register and a record id"));
    }
    Ok(source)
}

fn parse_fact(
    spec: &FactSpec,
    raw: &Value,
    default_source: Option<&Source>,
) -> Result<Fact, RulesError> {
    if let Some(status) = raw.as_object().and_then(|m| m.get("status")) {
        let map = raw.as_object().map(|m| m.to_owned()).unwrap_or_default();
        for key in map.keys() {
            if !["status", "value", "source", "values", "note"].contains(&key.as_str()) {
                return Err(fact_error(spec, format!("unexpected key `{key}`")));
            }
        }
        return match status.as_str() {
            Some("unknown") => Ok(Fact::Unknown),
            Some("known") => {
                let value = parse_value(spec, map.get("value").unwrap_or(&Value::Null))?;
                let source = match map.get("source") {
                    Some(raw) => parse_source(spec, Some(raw))?,
                    None => default_source
                        .cloned()
                        .ok_or_else(|| fact_error(spec, "a known fact needs its `source`"))?,
                };
                Ok(Fact::Known {
                    value: Arc::new(value),
                    source: Arc::new(source),
                })
            }
            Some("disputed") => {
                let mut values = Vec::new();
                if let Some(Value::Array(items)) = map.get("values") {
                    for item in items {
                        let value = parse_value(spec, item.get("value").unwrap_or(&Value::Null))?;
                        let source = parse_source(spec, item.get("source"))?;
                        values.push(Claimed { value, source });
                    }
                }
                let note = map
                    .get("note")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                if note.trim().is_empty() && values.len() < 2 {
                    return Err(fact_error(
                        spec,
                        "a disputed fact needs a `note` or at least two `values`",
                    ));
                }
                Ok(Fact::Disputed { values, note })
            }
            _ => Err(fact_error(
                spec,
                "status must be known, unknown or disputed",
            )),
        };
    }
    let source = default_source.ok_or_else(|| {
        fact_error(
            spec,
            "give {status: known, value, source: {register, record, at}}",
        )
    })?;
    Ok(Fact::Known {
        value: Arc::new(parse_value(spec, raw)?),
        source: Arc::new(source.clone()),
    })
}

fn decimal(raw: &Value) -> Option<Decimal> {
    match raw {
        Value::Number(n) => Decimal::from_str(&n.to_string())
            .or_else(|_| Decimal::from_scientific(&n.to_string()))
            .ok(),
        Value::String(s) => Decimal::from_str(s.trim()).ok(),
        _ => None,
    }
}

fn date(raw: &Value) -> Option<NaiveDate> {
    raw.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

fn parse_value(spec: &FactSpec, raw: &Value) -> Result<FactValue, RulesError> {
    let wrong = || {
        fact_error(
            spec,
            format!("expected {}, got {raw}", spec.kind.describe()),
        )
    };
    if raw.is_null() {
        return if spec.nullable {
            Ok(FactValue::Nothing)
        } else {
            Err(fact_error(
                spec,
                format!(
                    "cannot be null; expected {} (use status unknown when it is not known)",
                    spec.kind.describe()
                ),
            ))
        };
    }
    match spec.kind {
        FactKind::Bool => raw.as_bool().map(FactValue::Bool).ok_or_else(wrong),
        FactKind::Integer => raw.as_i64().map(FactValue::Integer).ok_or_else(wrong),
        FactKind::Amount => decimal(raw).map(FactValue::Amount).ok_or_else(wrong),
        FactKind::Date => date(raw).map(FactValue::Date).ok_or_else(wrong),
        FactKind::Code(codes) => match raw.as_str() {
            Some(code) if codes.contains(&code) => Ok(FactValue::Code(code.to_string())),
            _ => Err(wrong()),
        },
        FactKind::Periods => {
            let items = raw.as_array().ok_or_else(wrong)?;
            let mut periods = Vec::with_capacity(items.len());
            for item in items {
                let (Some(from), Some(to)) = (
                    item.get("from").and_then(date),
                    item.get("to").and_then(date),
                ) else {
                    return Err(wrong());
                };
                if to < from {
                    return Err(fact_error(
                        spec,
                        format!("period {from}..{to} ends before it starts"),
                    ));
                }
                periods.push(Period { from, to });
            }
            periods.sort_by_key(|p| p.from);
            Ok(FactValue::Periods(periods))
        }
        FactKind::Monthly => {
            let items = raw.as_array().ok_or_else(wrong)?;
            let mut months = Vec::with_capacity(items.len());
            for item in items {
                let month = item
                    .get("month")
                    .and_then(Value::as_str)
                    .ok_or_else(wrong)?
                    .parse::<YearMonth>()
                    .map_err(|e| fact_error(spec, e))?;
                let amount = item.get("amount").and_then(decimal).ok_or_else(wrong)?;
                if amount.is_sign_negative() {
                    return Err(fact_error(
                        spec,
                        format!("{month}: amount cannot be negative"),
                    ));
                }
                months.push(MonthAmount { month, amount });
            }
            months.sort_by_key(|m| m.month);
            if months.windows(2).any(|w| w[0].month == w[1].month) {
                return Err(fact_error(spec, "a month appears twice"));
            }
            Ok(FactValue::Monthly(months))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SPECS: &[FactSpec] = &[
        FactSpec {
            name: "born",
            kind: FactKind::Date,
            nullable: false,
            title: Text::fixed("出生日期", "Date of birth"),
        },
        FactSpec {
            name: "previous",
            kind: FactKind::Date,
            nullable: true,
            title: Text::fixed("前次", "Previous"),
        },
        FactSpec {
            name: "reason",
            kind: FactKind::Code(&["a", "b"]),
            nullable: false,
            title: Text::fixed("原因", "Reason"),
        },
    ];

    #[test]
    fn known_unknown_and_disputed_facts_are_read() {
        let facts = Facts::from_json(
            SPECS,
            &json!({
                "born": {"status": "known", "value": "1980-02-29", "source": {"register": "hh", "record": "1"}},
                "previous": {"status": "known", "value": null, "source": {"register": "bli", "record": "2"}},
                "reason": {"status": "disputed", "note": "employer says a, claimant says b"}
            }),
            None,
        )
        .expect("valid facts");
        assert!(
            matches!(facts.get("born"), Some((_, Fact::Known { value, .. })) if **value == FactValue::Date(NaiveDate::from_ymd_opt(1980, 2, 29).expect("date")))
        );
        assert!(
            matches!(facts.get("previous"), Some((_, Fact::Known { value, .. })) if **value == FactValue::Nothing)
        );
        assert!(matches!(
            facts.get("reason"),
            Some((_, Fact::Disputed { .. }))
        ));
    }

    #[test]
    fn bad_facts_are_refused_with_their_name() {
        let cases = [
            json!({"bron": {"status": "unknown"}}),
            json!({"born": {"status": "known", "value": "1980-02-30", "source": {"register": "hh", "record": "1"}}}),
            json!({"born": {"status": "known", "value": "1980-02-01"}}),
            json!({"born": {"status": "known", "value": null, "source": {"register": "hh", "record": "1"}}}),
            json!({"reason": {"status": "known", "value": "c", "source": {"register": "hh", "record": "1"}}}),
            json!({"born": "1980-01-01"}),
        ];
        for case in cases {
            let error = Facts::from_json(SPECS, &case, None).expect_err("must be refused");
            assert!(matches!(error, RulesError::Fact { .. }), "{case}: {error}");
        }
    }

    #[test]
    fn months_step_across_years() {
        let jan = YearMonth {
            year: 2026,
            month: 1,
        };
        assert_eq!(jan.plus(-1).to_string(), "2025-12");
        assert_eq!(jan.plus(-13).to_string(), "2024-12");
        assert_eq!(jan.plus(11).to_string(), "2026-12");
        assert_eq!(jan.plus(12).to_string(), "2027-01");
    }
}
