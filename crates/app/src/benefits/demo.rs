//! Demo benefit claims: insurance records for two demo job seekers, one complete claim that is
//! decided automatically and one whose reason for leaving is disputed (the insurance register
//! says resignation, the claimant says dismissal), which goes to the caseworker's queue.

use crate::error::AppError;
use crate::App;
use chrono::{Datelike, NaiveDate};
use openpes_rules::programs::add_months;
use openpes_rules::YearMonth;
use openpes_store::InsuranceRecord;
use serde_json::json;

/// The demo seeker whose claim is complete.
pub const COMPLETE: &str = "demo-seeker-0000000";
/// The demo seeker whose claim needs review.
pub const DISPUTED: &str = "demo-seeker-0000001";

fn records(person: &str, separation: NaiveDate, reason: &str, salary: u32) -> Vec<InsuranceRecord> {
    let imported_at = format!("{separation}T12:00:00.000Z");
    let mut rows = vec![InsuranceRecord {
        person_id: person.to_string(),
        jurisdiction: "tw".into(),
        kind: "coverage".into(),
        start_date: Some(add_months(separation, -48).to_string()),
        end_date: Some(separation.to_string()),
        month: None,
        amount: None,
        contract: Some("open".into()),
        separation_reason: Some(reason.to_string()),
        record_id: format!("demo-{person}-coverage"),
        import_id: "demo".into(),
        imported_at: imported_at.clone(),
    }];
    let last = YearMonth::of(separation);
    for back in 0..6 {
        let month = last.plus(-back);
        rows.push(InsuranceRecord {
            person_id: person.to_string(),
            jurisdiction: "tw".into(),
            kind: "salary".into(),
            start_date: None,
            end_date: None,
            month: Some(month.to_string()),
            amount: Some(salary.to_string()),
            contract: None,
            separation_reason: None,
            record_id: format!("demo-{person}-salary-{month}"),
            import_id: "demo".into(),
            imported_at: imported_at.clone(),
        });
    }
    rows
}

/// Creates the demo claims on first start (when the demo seekers exist and have no claim);
/// returns whether it did. Dates are relative to `today`, so the claims are always current.
pub async fn ensure_demo_claims(state: &App, today: NaiveDate) -> Result<bool, AppError> {
    let store = state.store();
    if store.seeker(COMPLETE).await?.is_none() || store.seeker(DISPUTED).await?.is_none() {
        return Ok(false);
    }
    if !store.claims_of_seeker(COMPLETE).await?.is_empty() {
        return Ok(false);
    }
    let separation = today - chrono::Duration::days(25);
    let registered = today - chrono::Duration::days(20);
    let mut rows = records(COMPLETE, separation, "lsa_11", 38_200);
    rows.extend(records(DISPUTED, separation, "resignation", 33_300));
    store.import_insurance_records(&rows).await?;
    let birth_year = today.year() - 41;
    for (seeker, dependants) in [(COMPLETE, 1), (DISPUTED, 0)] {
        store
            .register_job_search(seeker, &registered.to_string(), state.now())
            .await?;
        let declared = json!({
            "birth_date": format!("{birth_year}-05-12"),
            "nationality": "roc_national",
            "old_age_benefit_received": false,
            "able_and_willing_to_work": true,
            "dependants": dependants,
            "disability_certificate": false,
            "previous_full_period_ended_on": null,
            "separation_reason": "lsa_11",
        });
        super::open_claim(state, "tw/unemployment_benefit", seeker, &declared, today).await?;
    }
    Ok(true)
}
