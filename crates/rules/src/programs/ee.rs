//! Estonia: unemployment insurance benefit under the Unemployment Insurance Act
//! (Töötuskindlustuse seadus, TKS).
//!
//! Contribution period (12 of the last 36 months), excluded separations, average daily wage
//! (nine months before the last three, divided by 270), the 60 % / 40 % rates with cap and
//! floor, the benefit period by insurance record and the waiting period. Parameters come from
//! `rules/ee/parameters/unemployment_insurance.yaml`.

use super::add_days;
use crate::decision::OutputValue;
use crate::engine::{Context, Formula};
use crate::facts::{FactKind, FactSpec, FactValue, YearMonth};
use crate::text::Text;
use crate::trace::Step;
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const QUALIFYING: &str = "ee.uib.qualifying_months";
const WINDOW: &str = "ee.uib.window_months";
const SKIPPED: &str = "ee.uib.skipped_months";
const REFERENCE: &str = "ee.uib.reference_months";
const DIVISOR: &str = "ee.uib.reference_divisor";
const RATE_FIRST: &str = "ee.uib.rate_first_period";
const FIRST_DAYS: &str = "ee.uib.first_period_days";
const RATE_LATER: &str = "ee.uib.rate_later";
const CAP_MULTIPLE: &str = "ee.uib.cap_multiple";
const NATIONAL_WAGE: &str = "ee.national_average_daily_wage";
const FLOOR_SHARE: &str = "ee.uib.floor_share";
const FLOOR_DIVISOR: &str = "ee.uib.floor_day_divisor";
const MINIMUM_WAGE: &str = "ee.minimum_wage.monthly";
const DURATION: &str = "ee.uib.duration_days";
const WAITING: &str = "ee.uib.waiting_days";
const ROUNDING: &str = "ee.amount.rounding";

/// Separation grounds a case may give.
pub const SEPARATION_REASONS: &[&str] = &[
    "employer_redundancy",
    "employer_other_lawful",
    "fixed_term_expiry",
    "employee_for_employer_breach",
    "resignation",
    "mutual_agreement",
    "dismissal_breach_of_duties",
    "dismissal_loss_of_trust",
];

/// Grounds that exclude the benefit.
const EXCLUDED: &[&str] = &[
    "resignation",
    "mutual_agreement",
    "dismissal_breach_of_duties",
    "dismissal_loss_of_trust",
];

/// The facts the program reads.
pub static FACTS: &[FactSpec] = &[
    FactSpec {
        name: "registration_date",
        kind: FactKind::Date,
        nullable: false,
        title: Text::fixed("登記失業日", "Date of registration as unemployed"),
    },
    FactSpec {
        name: "receives_old_age_pension",
        kind: FactKind::Bool,
        nullable: false,
        title: Text::fixed("是否領取老年年金", "Whether receiving an old-age pension"),
    },
    FactSpec {
        name: "separation_reason",
        kind: FactKind::Code(SEPARATION_REASONS),
        nullable: false,
        title: Text::fixed("離職原因", "Ground of termination"),
    },
    FactSpec {
        name: "contributions",
        kind: FactKind::Monthly,
        nullable: false,
        title: Text::fixed(
            "各月繳納失業保險費之薪資",
            "Monthly wages with unemployment-insurance contributions",
        ),
    },
    FactSpec {
        name: "insurance_record_months",
        kind: FactKind::Integer,
        nullable: false,
        title: Text::fixed("失業保險總月數", "Months of unemployment-insurance record"),
    },
];

/// The formula, in force since the Act's benefits began.
pub const FORMULA: Formula = Formula {
    jurisdiction: "ee",
    program: "unemployment_insurance_benefit",
    title: Text::fixed(
        "愛沙尼亞失業保險給付",
        "Estonian unemployment insurance benefit",
    ),
    valid_from: (2002, 1, 1),
    valid_to: None,
    facts: FACTS,
    parameters: &[
        QUALIFYING,
        WINDOW,
        SKIPPED,
        REFERENCE,
        DIVISOR,
        RATE_FIRST,
        FIRST_DAYS,
        RATE_LATER,
        CAP_MULTIPLE,
        NATIONAL_WAGE,
        FLOOR_SHARE,
        FLOOR_DIVISOR,
        MINIMUM_WAGE,
        DURATION,
        WAITING,
        ROUNDING,
    ],
    apply,
};

fn count(value: Decimal) -> i32 {
    value.trunc().to_i32().unwrap_or(0)
}

fn apply(cx: &mut Context) {
    let mut step = Step::new(
        "not_pensioner",
        Text::fixed("未領老年年金", "Not an old-age pensioner"),
        Text::fixed("失業保險法第6條", "TKS § 6"),
    );
    match cx.flag(&mut step, "receives_old_age_pension") {
        Some(pensioner) => cx.condition(
            step,
            Some(!pensioner),
            if pensioner {
                Text::fixed(
                    "領取老年年金者不得請領",
                    "an old-age pensioner is not entitled",
                )
            } else {
                Text::fixed("未領老年年金：符合", "not an old-age pensioner: met")
            },
        ),
        None => cx.condition(step, None, Text::fixed("無法確定", "cannot be settled")),
    }

    let mut step = Step::new(
        "contribution_period",
        Text::fixed("保險期間", "Contribution period"),
        Text::fixed("失業保險法第6條第1項", "TKS § 6(1)"),
    );
    let registration = cx.date(&mut step, "registration_date");
    let contributions = cx.fact(&mut step, "contributions");
    let on = registration.unwrap_or(cx.as_of);
    let needed = cx.number(&mut step, QUALIFYING, on);
    let window = cx.number(&mut step, WINDOW, on);
    match (registration, contributions.as_deref(), needed, window) {
        (Some(registration), Some(FactValue::Monthly(months)), Some(needed), Some(window)) => {
            let month = YearMonth::of(registration);
            let first = month.plus(-count(window));
            let insured = months
                .iter()
                .filter(|m| m.month >= first && m.month < month && m.amount > Decimal::ZERO)
                .count();
            let ok = Decimal::from(insured) >= needed;
            let verdict = if ok {
                ("符合", "met")
            } else {
                ("不符合", "not met")
            };
            step.result = Some(format!("{insured} months"));
            cx.condition(step, Some(ok), Text::owned(
                format!("{first} 至 {} 有 {insured} 個月繳費，需 {needed} 個月：{}", month.plus(-1), verdict.0),
                format!("{insured} months with contributions from {first} to {}; {needed} needed: {}", month.plus(-1), verdict.1),
            ));
        }
        _ => cx.condition(
            step,
            None,
            Text::fixed("保險期間無法確定", "contribution period cannot be settled"),
        ),
    }

    let mut step = Step::new(
        "separation_not_excluded",
        Text::fixed("離職原因", "Ground of termination"),
        Text::fixed("失業保險法第6條", "TKS § 6"),
    );
    match cx.fact(&mut step, "separation_reason").as_deref() {
        Some(FactValue::Code(reason)) => {
            let excluded = EXCLUDED.contains(&reason.as_str());
            cx.condition(
                step,
                Some(!excluded),
                if excluded {
                    Text::owned(
                        format!("離職原因 {reason} 不得請領"),
                        format!("termination on the ground {reason} excludes the benefit"),
                    )
                } else {
                    Text::owned(
                        format!("離職原因 {reason}：符合"),
                        format!("ground {reason}: met"),
                    )
                },
            );
        }
        _ => cx.condition(
            step,
            None,
            Text::fixed(
                "離職原因無法確定",
                "ground of termination cannot be settled",
            ),
        ),
    }
    if cx.has_failed() {
        return;
    }
    let Some(registration) = registration else {
        return;
    };
    // The period is computed even when the amount cannot be, so a caseworker sees it.
    amount(cx, registration);
    period(cx, registration);
}

/// Average daily wage, cap, floor and the two daily rates (TKS § 9).
fn amount(cx: &mut Context, registration: NaiveDate) -> Option<()> {
    let mut step = Step::new(
        "average_daily_wage",
        Text::fixed("平均日薪", "Average daily wage"),
        Text::fixed("失業保險法第9條", "TKS § 9"),
    );
    let contributions = cx.fact(&mut step, "contributions");
    let skipped = cx.number(&mut step, SKIPPED, registration);
    let reference = cx.number(&mut step, REFERENCE, registration);
    let divisor = cx.number(&mut step, DIVISOR, registration);
    let (Some(FactValue::Monthly(months)), Some(skipped), Some(reference), Some(divisor)) =
        (contributions.as_deref(), skipped, reference, divisor)
    else {
        cx.computed(step, None, None);
        return None;
    };
    let month = YearMonth::of(registration);
    let mut paid: Vec<_> = months
        .iter()
        .filter(|m| m.month < month && m.amount > Decimal::ZERO)
        .collect();
    paid.sort_by_key(|m| std::cmp::Reverse(m.month));
    let used: Vec<_> = paid
        .iter()
        .skip(count(skipped) as usize)
        .take(count(reference) as usize)
        .collect();
    let (Some(newest), Some(oldest)) = (used.first(), used.last()) else {
        cx.computed(
            step,
            None,
            Some(Text::fixed("沒有可計算之月份", "no months to compute from")),
        );
        return None;
    };
    if Decimal::from(used.len() as i64) < reference {
        step.open_question = Some(Text::owned(
            format!("僅 {} 個月可計", used.len()),
            format!("only {} months available", used.len()),
        ));
        cx.review(Text::owned(
            format!("平均日薪僅依 {} 個月計算，請人工確認", used.len()),
            format!(
                "the average daily wage rests on {} months only; please confirm",
                used.len()
            ),
        ));
    }
    let sum: Decimal = used.iter().map(|m| m.amount).sum();
    let average = cx.round(&mut step, ROUNDING, registration, sum / divisor)?;
    cx.computed(step, Some(format!("{average} EUR/day")), Some(Text::owned(
        format!("{} 至 {} 共 {} 個月薪資 {sum} ÷ {divisor}（略去最近 {skipped} 個繳費月）", oldest.month, newest.month, used.len()),
        format!("wages of {} months from {} to {}, {sum}, ÷ {divisor} (the latest {skipped} months with contributions left out)", used.len(), oldest.month, newest.month),
    )));
    cx.output(
        "average_daily_wage",
        Text::fixed("平均日薪", "Average daily wage"),
        OutputValue::Amount(average),
        "EUR/day",
    );

    let mut step = Step::new(
        "wage_cap",
        Text::fixed("平均日薪上限", "Cap on the average daily wage"),
        Text::fixed("失業保險法第9條", "TKS § 9"),
    );
    let national = cx.number(&mut step, NATIONAL_WAGE, registration);
    let multiple = cx.number(&mut step, CAP_MULTIPLE, registration);
    let (Some(national), Some(multiple)) = (national, multiple) else {
        cx.computed(step, None, None);
        return None;
    };
    let cap = national * multiple;
    let base = average.min(cap);
    cx.computed(
        step,
        Some(format!("{base} EUR/day")),
        Some(if average > cap {
            Text::owned(
                format!("{average} 超過上限 {multiple} × {national} = {cap}，以上限計"),
                format!(
                    "{average} exceeds the cap {multiple} × {national} = {cap}; the cap applies"
                ),
            )
        } else {
            Text::owned(
                format!("{average} 未超過上限 {cap}"),
                format!("{average} is within the cap {cap}"),
            )
        }),
    );

    let mut step = Step::new(
        "floor",
        Text::fixed("每日給付下限", "Floor of the daily benefit"),
        Text::fixed("失業保險法第9條", "TKS § 9"),
    );
    let previous_year_end = NaiveDate::from_ymd_opt(registration.year() - 1, 12, 31)?;
    let wage = cx.number(&mut step, MINIMUM_WAGE, previous_year_end);
    let share = cx.number(&mut step, FLOOR_SHARE, registration);
    let days = cx.number(&mut step, FLOOR_DIVISOR, registration);
    let (Some(wage), Some(share), Some(days)) = (wage, share, days) else {
        cx.computed(step, None, None);
        return None;
    };
    let floor = cx.round(&mut step, ROUNDING, registration, wage / days * share)?;
    cx.computed(
        step,
        Some(format!("{floor} EUR/day")),
        Some(Text::owned(
            format!("前一年最低工資 {wage} ÷ {days} × {share}"),
            format!("previous year's minimum wage {wage} ÷ {days} × {share}"),
        )),
    );

    let mut step = Step::new(
        "daily_rates",
        Text::fixed("每日給付額", "Daily benefit"),
        Text::fixed("失業保險法第9條第4項", "TKS § 9(4)"),
    );
    let first = cx.number(&mut step, RATE_FIRST, registration);
    let later = cx.number(&mut step, RATE_LATER, registration);
    let first_days = cx.number(&mut step, FIRST_DAYS, registration);
    let (Some(first), Some(later), Some(first_days)) = (first, later, first_days) else {
        cx.computed(step, None, None);
        return None;
    };
    let first_rate = cx
        .round(&mut step, ROUNDING, registration, base * first)?
        .max(floor);
    let later_rate = cx
        .round(&mut step, ROUNDING, registration, base * later)?
        .max(floor);
    cx.computed(step, Some(format!("{first_rate} / {later_rate} EUR/day")), Some(Text::owned(
        format!("前 {first_days} 日 {base} × {first}，其後 {base} × {later}，均不低於 {floor}"),
        format!("first {first_days} days {base} × {first}, then {base} × {later}, neither below {floor}"),
    )));
    cx.output(
        "daily_rate_first_period",
        Text::fixed("前期每日給付", "Daily benefit, first period"),
        OutputValue::Amount(first_rate),
        "EUR/day",
    );
    cx.output(
        "first_period_days",
        Text::fixed("前期日數", "Days in the first period"),
        OutputValue::Count(first_days.trunc().to_i64().unwrap_or(0)),
        "days",
    );
    cx.output(
        "daily_rate_later",
        Text::fixed("後期每日給付", "Daily benefit after the first period"),
        OutputValue::Amount(later_rate),
        "EUR/day",
    );
    Some(())
}

/// Benefit period by insurance record (TKS § 8) and the waiting period.
fn period(cx: &mut Context, registration: NaiveDate) {
    let mut step = Step::new(
        "benefit_period",
        Text::fixed("給付期間", "Benefit period"),
        Text::fixed("失業保險法第8條", "TKS § 8"),
    );
    let record = cx.integer(&mut step, "insurance_record_months");
    let Some(record) = record else {
        cx.computed(step, None, None);
        return;
    };
    let Some(days) = cx.bracket(&mut step, DURATION, registration, Decimal::from(record)) else {
        cx.computed(step, None, None);
        return;
    };
    let days = days.trunc().to_i64().unwrap_or(0);
    cx.computed(
        step,
        Some(format!("{days} days")),
        Some(Text::owned(
            format!("保險紀錄 {record} 個月：{days} 日"),
            format!("insurance record of {record} months: {days} days"),
        )),
    );
    cx.output(
        "benefit_days",
        Text::fixed("給付日數", "Benefit days"),
        OutputValue::Count(days),
        "days",
    );

    let mut step = Step::new(
        "start_date",
        Text::fixed("給付起算日", "First day of benefit"),
        Text::fixed("失業保險法第9條", "TKS § 9"),
    );
    let Some(waiting) = cx.number(&mut step, WAITING, registration) else {
        cx.computed(step, None, None);
        return;
    };
    let waiting = waiting.trunc().to_i64().unwrap_or(0);
    let start = add_days(registration, waiting);
    cx.computed(
        step,
        Some(start.to_string()),
        Some(Text::owned(
            format!(
                "{registration} 登記後等待 {waiting} 日，自第 {} 日起給付",
                waiting + 1
            ),
            format!(
                "{waiting} waiting days after registering on {registration}; paid from day {}",
                waiting + 1
            ),
        )),
    );
    cx.output(
        "start_date",
        Text::fixed("給付起算日", "First day of benefit"),
        OutputValue::Date(start),
        "date",
    );
}
