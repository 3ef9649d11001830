//! Property tests (seeded): determinations never panic and respect the law's bounds for any
//! facts; the loaders never panic on arbitrary text.

use openpes_rules::{Decimal, Engine, Outcome, OutputValue, ParameterSet};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::json;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new_with_rng(
        Config {
            cases,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    )
}

fn amount(determination: &openpes_rules::Determination, name: &str) -> Option<Decimal> {
    match determination.output(name) {
        Some(OutputValue::Amount(a)) => Some(*a),
        _ => None,
    }
}

#[test]
fn taiwan_amounts_stay_within_the_act_for_any_case() {
    let engine = Engine::builtin().expect("built-in rules");
    let strategy = (
        0u32..90,                                   // age in years at separation
        0i64..2000,                                 // days insured before separation
        prop::collection::vec(0u32..120_000, 0..8), // monthly salaries
        0i64..6,                                    // dependants
        any::<bool>(),                              // disability
        0usize..9,                                  // separation reason index
        0i64..60,                                   // days from separation to registration
    );
    runner(400)
        .run(&strategy, |(age, insured_days, salaries, dependants, disability, reason, gap)| {
            let separation = chrono::NaiveDate::from_ymd_opt(2026, 1, 31).expect("date");
            let birth = openpes_rules::programs::add_months(separation, -12 * i64::from(age));
            let start = separation - chrono::Duration::days(insured_days);
            let registration = separation + chrono::Duration::days(gap);
            let months: Vec<_> = salaries
                .iter()
                .enumerate()
                .map(|(i, amount)| json!({"month": openpes_rules::YearMonth::of(separation).plus(-(i as i32)).to_string(), "amount": amount}))
                .collect();
            let facts = json!({
                "birth_date": birth.to_string(), "nationality": "roc_national", "old_age_benefit_received": false,
                "insurance_periods": [{"from": start.to_string(), "to": separation.to_string()}],
                "separation_date": separation.to_string(),
                "separation_reason": openpes_rules::programs::tw::SEPARATION_REASONS[reason],
                "fixed_term_contracts": [], "registration_date": registration.to_string(),
                "offered_job_or_training": false, "able_and_willing_to_work": true,
                "insured_salaries": months, "dependants": dependants, "disability_certificate": disability,
                "previous_full_period_ended_on": null,
            });
            let source = openpes_rules::Source { register: "p".into(), record: "p".into(), at: None };
            let facts = engine.facts_from_json("tw/unemployment_benefit", &facts, Some(&source)).expect("valid facts");
            let as_of = registration + chrono::Duration::days(20);
            let d = engine.determine("tw/unemployment_benefit", &facts, as_of).expect("determines");
            let ceiling = Decimal::from(45_800);
            if let Some(benefit) = amount(&d, "monthly_benefit") {
                prop_assert!(benefit >= Decimal::ZERO && benefit <= ceiling * Decimal::new(6, 1) + Decimal::ONE);
            }
            if let (Some(benefit), Some(total)) = (amount(&d, "monthly_benefit"), amount(&d, "monthly_total")) {
                prop_assert!(total >= benefit);
                prop_assert!(total <= ceiling * Decimal::new(8, 1) + Decimal::ONE, "supplement above 20 %: {total}");
            }
            if d.outcome == Outcome::Eligible {
                prop_assert!(d.reasons.is_empty() && d.needed.is_empty());
                prop_assert!(Decimal::from(insured_days + 1) >= Decimal::from(365), "eligible with {insured_days} days");
            }
            if d.outcome == Outcome::Ineligible {
                prop_assert!(!d.reasons.is_empty());
                prop_assert!(d.trace.iter().any(|s| s.status == openpes_rules::StepStatus::NotMet));
            }
            for step in &d.trace {
                prop_assert!(!step.citation.zh_tw.is_empty() && !step.citation.en.is_empty());
            }
            Ok(())
        })
        .expect("property holds");
}

#[test]
fn the_loaders_never_panic_on_arbitrary_text() {
    let engine = Engine::builtin().expect("built-in rules");
    let (_, sample) = openpes_rules::builtin::TEST_FILES[0];
    runner(300)
        .run(&(0usize..sample.len(), "[ -~\\n]{0,40}"), |(cut, noise)| {
            let mut cut = cut;
            while !sample.is_char_boundary(cut) {
                cut -= 1;
            }
            let mangled = format!("{}{noise}{}", &sample[..cut], &sample[cut..]);
            let _ = openpes_rules::suite::Suite::load(&engine, "fuzz.yaml", &mangled);
            let _ = ParameterSet::from_sources([("fuzz.yaml", mangled.as_str())]);
            Ok(())
        })
        .expect("no panic");
}
