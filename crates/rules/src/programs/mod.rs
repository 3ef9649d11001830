//! The encoded programs and the registry of their formulas, keyed by jurisdiction, program
//! and validity period; plus the date arithmetic they share.

pub mod ee;
pub mod tw;

use crate::engine::Formula;
use chrono::{Datelike, Months, NaiveDate};

/// Every formula the engine knows.
pub static FORMULAS: &[Formula] = &[tw::FORMULA, ee::FORMULA];

/// Age in whole years on `date` of a person born on `birth` (a birthday on 29 February is
/// reached on 1 March in other years).
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> i64 {
    let mut age = i64::from(date.year() - birth.year());
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// `date` moved by `months` calendar months (clamped to the month's last day).
pub fn add_months(date: NaiveDate, months: i64) -> NaiveDate {
    let result = if months >= 0 {
        date.checked_add_months(Months::new(months.unsigned_abs() as u32))
    } else {
        date.checked_sub_months(Months::new(months.unsigned_abs() as u32))
    };
    result.unwrap_or(date)
}

/// `date` moved by `days` days.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(chrono::Duration::days(days))
        .unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn age_changes_on_the_birthday() {
        assert_eq!(age_on(d("1981-01-31"), d("2026-01-30")), 44);
        assert_eq!(age_on(d("1981-01-31"), d("2026-01-31")), 45);
        assert_eq!(age_on(d("1980-02-29"), d("2025-02-28")), 44);
        assert_eq!(age_on(d("1980-02-29"), d("2025-03-01")), 45);
    }

    #[test]
    fn months_clamp_to_the_end_of_the_month() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2026-01-31"), -36), d("2023-01-31"));
    }
}
