//! Fact adapters: our own registers (job-search registration, confirmed referrals), insurance
//! records imported from CSV, and external registers over HTTP.

use crate::error::AppError;
use crate::App;
use chrono::NaiveDate;
use openpes_rules::Decimal;
use openpes_rules::{Fact, FactSpec, FactValue, Facts, Period, Source, YearMonth};
use openpes_store::ClaimRecord;
use std::str::FromStr;
use std::sync::Arc;

fn known(value: FactValue, register: &str, record: String, at: Option<String>) -> Fact {
    Fact::Known {
        value: Arc::new(value),
        source: Arc::new(Source {
            register: register.to_string(),
            record,
            at,
        }),
    }
}

fn jurisdiction(program: &str) -> &str {
    program.split('/').next().unwrap_or(program)
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// How an offer appears in a fact's source record: what, when, who recorded it and who
/// confirmed it, e.g. `job:v-1 on 2026-03-02 (referral 7, recorded by u-1 caseworker,
/// confirmed by u-2 seeker)`.
fn offer_record(offer: &openpes_store::Referral) -> String {
    let who = |id: &Option<String>, role: &Option<String>| {
        format!(
            "{} {}",
            id.as_deref().unwrap_or("unknown"),
            role.as_deref().unwrap_or("unknown")
        )
    };
    format!(
        "{}:{} on {} (referral {}, recorded by {}, confirmed by {})",
        offer.kind,
        offer.reference,
        offer.offered_on,
        offer.id,
        who(&offer.recorded_by, &offer.recorded_role),
        who(&offer.confirmed_by, &offer.confirmed_role)
    )
}

/// Job-search registration date and whether a job or training was offered in the 14 days
/// after it (OpenPES's own registers): confirmed referrals only.
pub async fn own_registers(
    state: &App,
    claim: &ClaimRecord,
    as_of: NaiveDate,
) -> Result<Vec<(&'static str, Fact)>, AppError> {
    let mut facts = Vec::new();
    let Some(registered) = state
        .store()
        .job_search_registration(&claim.seeker_id)
        .await?
    else {
        return Ok(facts);
    };
    let Some(registered_on) = date(&registered) else {
        return Ok(facts);
    };
    facts.push((
        "registration_date",
        known(
            FactValue::Date(registered_on),
            "openpes.registrations",
            claim.seeker_id.clone(),
            None,
        ),
    ));
    if jurisdiction(&claim.program) == "tw" {
        let window_end = registered_on + chrono::Duration::days(14);
        // Offers are only knowable once the 14 days are over; until then the rules wait.
        if as_of >= window_end {
            // Only offers recorded by the service count: a caseworker's referral, or an
            // employer's offer the seeker or a caseworker confirmed. Contacts never do.
            let offers = state
                .store()
                .confirmed_referrals(&claim.seeker_id, &registered, &window_end.to_string())
                .await?;
            let record = if offers.is_empty() {
                format!("none {registered}..{window_end}")
            } else {
                offers
                    .iter()
                    .map(offer_record)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            facts.push((
                "offered_job_or_training",
                known(
                    FactValue::Bool(!offers.is_empty()),
                    "openpes.referrals",
                    record,
                    None,
                ),
            ));
        }
    }
    Ok(facts)
}

/// Facts from the insurance records imported for the claimant.
pub async fn insurance(
    state: &App,
    claim: &ClaimRecord,
) -> Result<Vec<(&'static str, Fact)>, AppError> {
    let jurisdiction = jurisdiction(&claim.program);
    let records = state
        .store()
        .insurance_records(&claim.seeker_id, jurisdiction)
        .await?;
    let mut facts = Vec::new();
    if records.is_empty() {
        return Ok(facts);
    }
    let at = records.iter().map(|r| r.imported_at.clone()).max();
    let register = "insurance_records";
    let ids = |kind: &str| {
        records
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.record_id.clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    let coverage: Vec<_> = records
        .iter()
        .filter(|r| r.kind == "coverage")
        .filter_map(|r| {
            Some((
                Period {
                    from: date(r.start_date.as_deref()?)?,
                    to: date(r.end_date.as_deref()?)?,
                },
                r,
            ))
        })
        .collect();
    let months = |kind: &str| -> Vec<openpes_rules::facts::MonthAmount> {
        let mut list: Vec<_> = records
            .iter()
            .filter(|r| r.kind == kind)
            .filter_map(|r| {
                Some(openpes_rules::facts::MonthAmount {
                    month: YearMonth::from_str(r.month.as_deref()?).ok()?,
                    amount: Decimal::from_str(r.amount.as_deref()?).ok()?,
                })
            })
            .collect();
        list.sort_by_key(|m| m.month);
        list.dedup_by_key(|m| m.month);
        list
    };
    if let Some((last, record)) = coverage.iter().max_by_key(|(p, _)| p.to) {
        facts.push((
            "separation_date",
            known(
                FactValue::Date(last.to),
                register,
                record.record_id.clone(),
                at.clone(),
            ),
        ));
        if let Some(reason) = &record.separation_reason {
            facts.push((
                "separation_reason",
                known(
                    FactValue::Code(reason.clone()),
                    register,
                    record.record_id.clone(),
                    at.clone(),
                ),
            ));
        }
    }
    match jurisdiction {
        "tw" => {
            if !coverage.is_empty() {
                let periods = coverage.iter().map(|(p, _)| *p).collect();
                facts.push((
                    "insurance_periods",
                    known(
                        FactValue::Periods(periods),
                        register,
                        ids("coverage"),
                        at.clone(),
                    ),
                ));
                let fixed: Vec<Period> = coverage
                    .iter()
                    .filter(|(_, r)| r.contract.as_deref() == Some("fixed_term"))
                    .map(|(p, _)| *p)
                    .collect();
                facts.push((
                    "fixed_term_contracts",
                    known(
                        FactValue::Periods(fixed),
                        register,
                        ids("coverage"),
                        at.clone(),
                    ),
                ));
            }
            let salaries = months("salary");
            if !salaries.is_empty() {
                facts.push((
                    "insured_salaries",
                    known(
                        FactValue::Monthly(salaries),
                        register,
                        ids("salary"),
                        at.clone(),
                    ),
                ));
            }
        }
        "ee" => {
            let contributions = months("contribution");
            if !contributions.is_empty() {
                let count = contributions
                    .iter()
                    .filter(|m| m.amount > Decimal::ZERO)
                    .count() as i64;
                facts.push((
                    "contributions",
                    known(
                        FactValue::Monthly(contributions),
                        register,
                        ids("contribution"),
                        at.clone(),
                    ),
                ));
                facts.push((
                    "insurance_record_months",
                    known(
                        FactValue::Integer(count),
                        register,
                        ids("contribution"),
                        at.clone(),
                    ),
                ));
            }
        }
        _ => {}
    }
    Ok(facts)
}

/// An external register reached over HTTP. OpenPES posts
/// `{"program", "person_id", "as_of", "facts": [names]}` and expects
/// `{"facts": {name: {"status": "known", "value": …, "source": {…}}}}` back; every fact must
/// carry its own source.
#[derive(Debug, Clone)]
pub struct HttpRegister {
    pub name: String,
    pub url: String,
    pub client: reqwest::Client,
}

impl HttpRegister {
    /// A register at `url` with a 10-second timeout.
    pub fn new(name: &str, url: &str) -> Result<Self, reqwest::Error> {
        Ok(Self {
            name: name.to_string(),
            url: url.to_string(),
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()?,
        })
    }

    /// The facts this register knows about the claimant.
    pub async fn fetch(
        &self,
        claim: &ClaimRecord,
        specs: &'static [FactSpec],
        as_of: NaiveDate,
    ) -> Result<Facts, String> {
        let request = serde_json::json!({
            "program": claim.program,
            "person_id": claim.seeker_id,
            "as_of": as_of.to_string(),
            "facts": specs.iter().map(|s| s.name).collect::<Vec<_>>(),
        });
        let response = self
            .client
            .post(&self.url)
            .json(&request)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let body: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
        let facts = body
            .get("facts")
            .cloned()
            .unwrap_or(serde_json::Value::Null);
        Facts::from_json(specs, &facts, None).map_err(|e| e.to_string())
    }
}
