//! Taiwan: unemployment benefit under the Employment Insurance Act (就業保險法).
//!
//! Eligibility (Art. 5, 11), amount (Art. 16, 19-1), duration (Art. 16), start date (Art. 20),
//! deduction of work income while claiming (Art. 17) and the early re-employment incentive
//! (Art. 18). Every step cites its article; parameters come from
//! `rules/tw/parameters/employment_insurance.yaml`.

use super::{add_days, add_months, age_on};
use crate::decision::{MonthlyPayment, OutputValue};
use crate::engine::{Context, Formula};
use crate::facts::{FactKind, FactSpec, FactValue, Period, YearMonth};
use crate::text::Text;
use crate::trace::Step;
use chrono::NaiveDate;
use rust_decimal::Decimal;

const MIN_AGE: &str = "tw.coverage.min_age";
const MAX_AGE: &str = "tw.coverage.max_age";
const WINDOW_YEARS: &str = "tw.unemployment_benefit.window_years";
const QUALIFYING_DAYS: &str = "tw.unemployment_benefit.qualifying_days";
const JOB_SEARCH_DAYS: &str = "tw.unemployment_benefit.job_search_days";
const FIXED_TERM_MONTHS: &str = "tw.unemployment_benefit.fixed_term_min_months";
const FIXED_TERM_IDLE: &str = "tw.unemployment_benefit.fixed_term_idle_months";
const SALARY_MONTHS: &str = "tw.unemployment_benefit.salary_months";
const RATE: &str = "tw.unemployment_benefit.rate";
const CEILING: &str = "tw.insured_salary.ceiling";
const DEPENDANT_RATE: &str = "tw.unemployment_benefit.dependant_rate";
const DEPENDANT_MAX: &str = "tw.unemployment_benefit.dependant_max";
const MONTHS: &str = "tw.unemployment_benefit.months";
const EXTENDED_MONTHS: &str = "tw.unemployment_benefit.extended_months";
const EXTENDED_AGE: &str = "tw.unemployment_benefit.extended_age";
const REPEAT_YEARS: &str = "tw.unemployment_benefit.repeat_window_years";
const REPEAT_RATIO: &str = "tw.unemployment_benefit.repeat_ratio";
const START_DAY: &str = "tw.unemployment_benefit.start_day";
const INCOME_SHARE: &str = "tw.unemployment_benefit.income_share";
const MINIMUM_WAGE: &str = "tw.minimum_wage.monthly";
const EARLY_RATIO: &str = "tw.early_reemployment.ratio";
const EARLY_MIN_MONTHS: &str = "tw.early_reemployment.min_insured_months";
const ROUNDING: &str = "tw.amount.rounding";

/// Separation reasons that are involuntary under Art. 11(3).
const INVOLUNTARY: &[&str] = &[
    "business_closure",
    "lsa_11",
    "lsa_13_proviso",
    "lsa_14",
    "lsa_20",
];

/// Every separation reason a case may give.
pub const SEPARATION_REASONS: &[&str] = &[
    "business_closure",
    "lsa_11",
    "lsa_13_proviso",
    "lsa_14",
    "lsa_20",
    "fixed_term_expiry",
    "resignation",
    "dismissal_for_cause",
    "mutual_agreement",
];

/// Nationality and residence situations of Art. 5(1).
pub const NATIONALITY: &[&str] = &["roc_national", "spouse_permitted_to_work", "not_covered"];

/// The facts the program reads.
pub static FACTS: &[FactSpec] = &[
    FactSpec {
        name: "birth_date",
        kind: FactKind::Date,
        nullable: false,
        title: Text::fixed("出生日期", "Date of birth"),
    },
    FactSpec {
        name: "nationality",
        kind: FactKind::Code(NATIONALITY),
        nullable: false,
        title: Text::fixed("國籍與居留身分", "Nationality and residence status"),
    },
    FactSpec {
        name: "old_age_benefit_received",
        kind: FactKind::Bool,
        nullable: false,
        title: Text::fixed(
            "是否已領取勞保老年給付或公保養老給付",
            "Whether a labour-insurance old-age or civil-service pension benefit was received",
        ),
    },
    FactSpec {
        name: "insurance_periods",
        kind: FactKind::Periods,
        nullable: false,
        title: Text::fixed("就業保險投保期間", "Employment-insurance coverage periods"),
    },
    FactSpec {
        name: "separation_date",
        kind: FactKind::Date,
        nullable: false,
        title: Text::fixed("離職退保日", "Date of leaving the job and the insurance"),
    },
    FactSpec {
        name: "separation_reason",
        kind: FactKind::Code(SEPARATION_REASONS),
        nullable: false,
        title: Text::fixed("離職原因", "Reason for leaving"),
    },
    FactSpec {
        name: "fixed_term_contracts",
        kind: FactKind::Periods,
        nullable: false,
        title: Text::fixed(
            "離職前一年內之定期契約期間",
            "Fixed-term contract periods in the year before leaving",
        ),
    },
    FactSpec {
        name: "registration_date",
        kind: FactKind::Date,
        nullable: false,
        title: Text::fixed("求職登記日", "Date of job-search registration"),
    },
    FactSpec {
        name: "offered_job_or_training",
        kind: FactKind::Bool,
        nullable: false,
        title: Text::fixed(
            "求職登記後十四日內是否推介就業或安排職業訓練",
            "Whether a suitable job or training was offered within 14 days of registration",
        ),
    },
    FactSpec {
        name: "able_and_willing_to_work",
        kind: FactKind::Bool,
        nullable: false,
        title: Text::fixed(
            "是否具有工作能力及繼續工作意願",
            "Whether able and willing to work",
        ),
    },
    FactSpec {
        name: "insured_salaries",
        kind: FactKind::Monthly,
        nullable: false,
        title: Text::fixed("各月投保薪資", "Monthly insured salaries"),
    },
    FactSpec {
        name: "dependants",
        kind: FactKind::Integer,
        nullable: false,
        title: Text::fixed(
            "受扶養之無工作收入配偶、未成年或身心障礙子女人數",
            "Number of dependants (spouse without work income, minor or disabled children)",
        ),
    },
    FactSpec {
        name: "disability_certificate",
        kind: FactKind::Bool,
        nullable: false,
        title: Text::fixed(
            "是否領有身心障礙證明",
            "Whether holding a disability certificate",
        ),
    },
    FactSpec {
        name: "previous_full_period_ended_on",
        kind: FactKind::Date,
        nullable: true,
        title: Text::fixed(
            "前次領滿失業給付期間之日（無則為 null）",
            "Day a previous full benefit period ended (null if none)",
        ),
    },
    FactSpec {
        name: "work_income",
        kind: FactKind::Monthly,
        nullable: false,
        title: Text::fixed(
            "請領期間各月工作收入",
            "Work income per month while claiming",
        ),
    },
    FactSpec {
        name: "reemployed_on",
        kind: FactKind::Date,
        nullable: true,
        title: Text::fixed(
            "再就業日（未再就業為 null）",
            "Day of re-employment (null if none)",
        ),
    },
    FactSpec {
        name: "new_job_insured_months",
        kind: FactKind::Integer,
        nullable: false,
        title: Text::fixed("再就業後參加本保險之月數", "Months insured in the new job"),
    },
    FactSpec {
        name: "months_paid",
        kind: FactKind::Amount,
        nullable: false,
        title: Text::fixed("已領失業給付月數", "Months of benefit already paid"),
    },
];

/// The formula, in force since the Act took effect.
pub const FORMULA: Formula = Formula {
    jurisdiction: "tw",
    program: "unemployment_benefit",
    title: Text::fixed(
        "就業保險失業給付",
        "Employment insurance unemployment benefit",
    ),
    valid_from: (2003, 1, 1),
    valid_to: None,
    facts: FACTS,
    parameters: &[
        MIN_AGE,
        MAX_AGE,
        WINDOW_YEARS,
        QUALIFYING_DAYS,
        JOB_SEARCH_DAYS,
        FIXED_TERM_MONTHS,
        FIXED_TERM_IDLE,
        SALARY_MONTHS,
        RATE,
        CEILING,
        DEPENDANT_RATE,
        DEPENDANT_MAX,
        MONTHS,
        EXTENDED_MONTHS,
        EXTENDED_AGE,
        REPEAT_YEARS,
        REPEAT_RATIO,
        START_DAY,
        INCOME_SHARE,
        MINIMUM_WAGE,
        EARLY_RATIO,
        EARLY_MIN_MONTHS,
        ROUNDING,
    ],
    apply,
};

fn cite(zh: &'static str, en: &'static str) -> Text {
    Text::fixed(zh, en)
}

fn verdict(ok: bool) -> (&'static str, &'static str) {
    if ok {
        ("符合", "met")
    } else {
        ("不符合", "not met")
    }
}

fn whole(value: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    value.trunc().to_i64().unwrap_or(0)
}

fn apply(cx: &mut Context) {
    let separation = coverage(cx);
    insured_period(cx);
    separation_reason(cx);
    let registration = job_search(cx);
    able_and_willing(cx);
    if cx.has_failed() {
        return;
    }
    let Some(base) = amount(cx, separation) else {
        duration_and_start(cx, separation, registration, None);
        return;
    };
    duration_and_start(cx, separation, registration, Some(base));
}

/// Age, nationality and the old-age-benefit exclusion (Art. 5). Returns the separation date.
fn coverage(cx: &mut Context) -> Option<NaiveDate> {
    let mut step = Step::new(
        "age_covered",
        Text::fixed("投保年齡", "Age of coverage"),
        cite(
            "就業保險法第5條第1項",
            "Employment Insurance Act, Art. 5(1)",
        ),
    );
    let birth = cx.date(&mut step, "birth_date");
    let separation = cx.date(&mut step, "separation_date");
    let on = separation.unwrap_or(cx.as_of);
    let min = cx.number(&mut step, MIN_AGE, on);
    let max = cx.number(&mut step, MAX_AGE, on);
    match (birth, separation, min, max) {
        (Some(birth), Some(separation), Some(min), Some(max)) => {
            let age = Decimal::from(age_on(birth, separation));
            let ok = age >= min && age <= max;
            let (zh, en) = verdict(ok);
            cx.condition(
                step,
                Some(ok),
                Text::owned(
                    format!("離職退保時 {age} 歲，承保年齡為 {min} 至 {max} 歲：{zh}"),
                    format!(
                        "aged {age} on leaving insurance; coverage is from {min} to {max}: {en}"
                    ),
                ),
            );
        }
        _ => cx.condition(
            step,
            None,
            Text::fixed("年齡無法確定", "age cannot be settled"),
        ),
    }

    let mut step = Step::new(
        "nationality_covered",
        Text::fixed("國籍與居留身分", "Nationality and residence"),
        cite(
            "就業保險法第5條第1項第1款、第2款",
            "Employment Insurance Act, Art. 5(1)(1)-(2)",
        ),
    );
    match cx.fact(&mut step, "nationality").as_deref() {
        Some(FactValue::Code(code)) => {
            let ok = code != "not_covered";
            let (zh, en) = verdict(ok);
            cx.condition(
                step,
                Some(ok),
                Text::owned(format!("身分 {code}：{zh}"), format!("status {code}: {en}")),
            );
        }
        _ => cx.condition(
            step,
            None,
            Text::fixed("身分無法確定", "status cannot be settled"),
        ),
    }

    let mut step = Step::new(
        "no_old_age_benefit",
        Text::fixed("未領取老年給付", "No old-age benefit received"),
        cite(
            "就業保險法第5條第2項第2款",
            "Employment Insurance Act, Art. 5(2)(2)",
        ),
    );
    match cx.flag(&mut step, "old_age_benefit_received") {
        Some(received) => cx.condition(
            step,
            Some(!received),
            if received {
                Text::fixed(
                    "已領取老年給付者不得參加本保險",
                    "a person who received an old-age benefit cannot be insured",
                )
            } else {
                Text::fixed("未領取老年給付：符合", "no old-age benefit received: met")
            },
        ),
        None => cx.condition(step, None, Text::fixed("無法確定", "cannot be settled")),
    }
    separation
}

/// Days covered by `periods` inside `window`, overlaps counted once.
fn covered_days(periods: &[Period], window: Period) -> i64 {
    let mut clipped: Vec<Period> = periods.iter().filter_map(|p| p.clip(window)).collect();
    clipped.sort_by_key(|p| p.from);
    let mut days = 0;
    let mut covered_to: Option<NaiveDate> = None;
    for period in clipped {
        let from = match covered_to {
            Some(to) if to >= period.from => match to.succ_opt() {
                Some(next) => next,
                None => continue,
            },
            _ => period.from,
        };
        if from <= period.to {
            days += (period.to - from).num_days() + 1;
        }
        covered_to = Some(covered_to.map_or(period.to, |to| to.max(period.to)));
    }
    days
}

/// Insured period of one year within the three years before leaving insurance (Art. 11(1)(1)).
fn insured_period(cx: &mut Context) {
    let mut step = Step::new(
        "insured_period",
        Text::fixed("保險年資", "Insured period"),
        cite(
            "就業保險法第11條第1項第1款",
            "Employment Insurance Act, Art. 11(1)(1)",
        ),
    );
    let separation = cx.date(&mut step, "separation_date");
    let periods = cx.fact(&mut step, "insurance_periods");
    let on = separation.unwrap_or(cx.as_of);
    let years = cx.number(&mut step, WINDOW_YEARS, on);
    let needed = cx.number(&mut step, QUALIFYING_DAYS, on);
    match (separation, periods.as_deref(), years, needed) {
        (Some(separation), Some(FactValue::Periods(periods)), Some(years), Some(needed)) => {
            let start = add_months(separation, -12 * whole(years));
            let days = covered_days(
                periods,
                Period {
                    from: start,
                    to: separation,
                },
            );
            let ok = Decimal::from(days) >= needed;
            let (zh, en) = verdict(ok);
            step.result = Some(format!("{days} days"));
            cx.condition(
                step,
                Some(ok),
                Text::owned(
                    format!("{start} 至 {separation} 投保 {days} 日，需滿 {needed} 日：{zh}"),
                    format!(
                        "insured {days} days from {start} to {separation}; {needed} needed: {en}"
                    ),
                ),
            );
        }
        _ => cx.condition(
            step,
            None,
            Text::fixed("保險年資無法確定", "insured period cannot be settled"),
        ),
    }
}

/// Whole months of a contract (calendar months, then leftover days), as (months, days).
fn contract_months(period: Period) -> (i64, i64) {
    let end = period.to.succ_opt().unwrap_or(period.to);
    let mut months = 0;
    while add_months(period.from, months + 1) <= end {
        months += 1;
    }
    let days = (end - add_months(period.from, months)).num_days();
    (months, days)
}

/// Involuntary separation, including the fixed-term contract case (Art. 11(2), 11(3)).
fn separation_reason(cx: &mut Context) {
    let mut step = Step::new(
        "involuntary_separation",
        Text::fixed("非自願離職", "Involuntary separation"),
        cite(
            "就業保險法第11條第3項",
            "Employment Insurance Act, Art. 11(3)",
        ),
    );
    let reason = cx.fact(&mut step, "separation_reason");
    let Some(FactValue::Code(reason)) = reason.as_deref() else {
        cx.condition(
            step,
            None,
            Text::fixed("離職原因無法確定", "reason for leaving cannot be settled"),
        );
        return;
    };
    if INVOLUNTARY.contains(&reason.as_str()) {
        cx.condition(
            step,
            Some(true),
            Text::owned(
                format!("離職原因 {reason} 屬非自願離職：符合"),
                format!("leaving for {reason} is involuntary: met"),
            ),
        );
        return;
    }
    if reason != "fixed_term_expiry" {
        cx.condition(
            step,
            Some(false),
            Text::owned(
                format!("離職原因 {reason} 非屬非自願離職"),
                format!("leaving for {reason} is not involuntary"),
            ),
        );
        return;
    }
    step.citation = cite(
        "就業保險法第11條第2項",
        "Employment Insurance Act, Art. 11(2)",
    );
    let separation = cx.date(&mut step, "separation_date");
    let contracts = cx.fact(&mut step, "fixed_term_contracts");
    let periods = cx.fact(&mut step, "insurance_periods");
    let on = separation.unwrap_or(cx.as_of);
    let min_months = cx.number(&mut step, FIXED_TERM_MONTHS, on);
    let idle_months = cx.number(&mut step, FIXED_TERM_IDLE, on);
    let (
        Some(separation),
        Some(FactValue::Periods(contracts)),
        Some(min_months),
        Some(idle_months),
    ) = (separation, contracts.as_deref(), min_months, idle_months)
    else {
        cx.condition(
            step,
            None,
            Text::fixed(
                "定期契約條件無法確定",
                "fixed-term conditions cannot be settled",
            ),
        );
        return;
    };
    let year = Period {
        from: add_days(add_months(separation, -12), 1),
        to: separation,
    };
    let (mut months, mut days) = (0, 0);
    for contract in contracts.iter().filter_map(|c| c.clip(year)) {
        let (m, d) = contract_months(contract);
        months += m;
        days += d;
    }
    months += days / 30;
    step.open_question = Some(Text::fixed(
        "契約月數按曆月計足月，剩餘日數合計每30日為一個月",
        "contract months are whole calendar months, leftover days counted at 30 per month",
    ));
    if Decimal::from(months) < min_months {
        cx.condition(step, Some(false), Text::owned(
            format!("離職前一年內定期契約合計 {months} 個月，未滿 {min_months} 個月"),
            format!("fixed-term contracts in the year before leaving total {months} months, fewer than {min_months}"),
        ));
        return;
    }
    let idle_until = add_months(separation, whole(idle_months));
    let Some(FactValue::Periods(periods)) = periods.as_deref() else {
        cx.condition(
            step,
            None,
            Text::fixed(
                "無法確定離職後是否就業",
                "work after leaving cannot be settled",
            ),
        );
        return;
    };
    let reemployed = periods
        .iter()
        .any(|p| p.from > separation && p.from <= idle_until);
    if reemployed {
        cx.condition(step, Some(false), Text::owned(
            format!("定期契約屆滿後 {idle_until} 前已再投保就業"),
            format!("insured in a new job before {idle_until}, within a month of the contract's end"),
        ));
    } else if cx.as_of <= idle_until {
        cx.wait("fixed_term_idle_month", Text::owned(
            format!("定期契約屆滿者須逾一個月未能就業，{idle_until} 後始能決定"),
            format!("after a fixed-term contract a month without work must pass; decidable after {idle_until}"),
        ));
        cx.condition(
            step,
            None,
            Text::fixed("尚未逾一個月", "a month has not passed yet"),
        );
    } else {
        cx.condition(step, Some(true), Text::owned(
            format!("定期契約合計 {months} 個月且逾一個月未能就業，視為非自願離職：符合"),
            format!("fixed-term contracts total {months} months and no work for over a month: treated as involuntary, met"),
        ));
    }
}

/// Registration for job seeking and no suitable offer within 14 days (Art. 11(1)(1)).
fn job_search(cx: &mut Context) -> Option<NaiveDate> {
    let mut step = Step::new(
        "job_search_registration",
        Text::fixed("求職登記", "Job-search registration"),
        cite(
            "就業保險法第11條第1項第1款",
            "Employment Insurance Act, Art. 11(1)(1)",
        ),
    );
    let registration = cx.date(&mut step, "registration_date");
    let on = registration.unwrap_or(cx.as_of);
    let days = cx.number(&mut step, JOB_SEARCH_DAYS, on);
    let (Some(registration), Some(days)) = (registration, days) else {
        cx.condition(
            step,
            None,
            Text::fixed("求職登記無法確定", "registration cannot be settled"),
        );
        return registration;
    };
    let decidable = add_days(registration, whole(days));
    if cx.as_of < decidable {
        cx.wait("job_search_days", Text::owned(
            format!("求職登記後須滿 {days} 日仍無法推介就業或安排訓練，{decidable} 起始能決定"),
            format!("{days} days must pass after registration without an offer; decidable from {decidable}"),
        ));
        cx.condition(
            step,
            None,
            Text::fixed("十四日尚未屆滿", "the 14 days have not passed"),
        );
        return Some(registration);
    }
    match cx.flag(&mut step, "offered_job_or_training") {
        Some(offered) => cx.condition(step, Some(!offered), if offered {
            Text::owned(format!("{registration} 登記後 {days} 日內已推介就業或安排職業訓練"), format!("a suitable job or training was offered within {days} days of registering on {registration}"))
        } else {
            Text::owned(format!("{registration} 登記後 {days} 日內無法推介就業或安排訓練：符合"), format!("no suitable job or training within {days} days of registering on {registration}: met"))
        }),
        None => cx.condition(step, None, Text::fixed("推介紀錄無法確定", "offers cannot be settled")),
    }
    Some(registration)
}

fn able_and_willing(cx: &mut Context) {
    let mut step = Step::new(
        "able_and_willing",
        Text::fixed("工作能力與意願", "Able and willing to work"),
        cite(
            "就業保險法第11條第1項第1款",
            "Employment Insurance Act, Art. 11(1)(1)",
        ),
    );
    match cx.flag(&mut step, "able_and_willing_to_work") {
        Some(ok) => cx.condition(
            step,
            Some(ok),
            if ok {
                Text::fixed(
                    "具有工作能力及繼續工作意願：符合",
                    "able and willing to work: met",
                )
            } else {
                Text::fixed(
                    "不具工作能力或繼續工作意願",
                    "not able or not willing to work",
                )
            },
        ),
        None => cx.condition(step, None, Text::fixed("無法確定", "cannot be settled")),
    }
}

/// Monthly benefit: 60 % of the capped average insured salary plus the dependants'
/// supplement (Art. 16(1), 19-1). Returns (benefit without supplement, total per month).
fn amount(cx: &mut Context, separation: Option<NaiveDate>) -> Option<(Decimal, Decimal)> {
    let mut step = Step::new(
        "average_insured_salary",
        Text::fixed("平均月投保薪資", "Average insured salary"),
        cite(
            "就業保險法第16條第1項",
            "Employment Insurance Act, Art. 16(1)",
        ),
    );
    let separation = separation.or_else(|| cx.date(&mut step, "separation_date"));
    let salaries = cx.fact(&mut step, "insured_salaries");
    let on = separation.unwrap_or(cx.as_of);
    let months = cx.number(&mut step, SALARY_MONTHS, on);
    let (Some(separation), Some(FactValue::Monthly(salaries)), Some(months)) =
        (separation, salaries.as_deref(), months)
    else {
        cx.computed(step, None, None);
        return None;
    };
    let last = YearMonth::of(separation);
    let count = whole(months);
    let mut total = Decimal::ZERO;
    let mut insured = 0;
    let mut capped_any = false;
    for back in (0..count).rev() {
        let month = last.plus(-(back as i32));
        let Some(entry) = salaries.iter().find(|m| m.month == month) else {
            continue;
        };
        let Some(first_day) = month.first_day() else {
            continue;
        };
        let ceiling = cx.number(&mut step, CEILING, first_day)?;
        if entry.amount > ceiling {
            capped_any = true;
        }
        total += entry.amount.min(ceiling);
        insured += 1;
    }
    if insured == 0 {
        cx.computed(
            step,
            None,
            Some(Text::owned(
                format!("{} 前 {count} 個月無投保薪資紀錄", last),
                format!("no insured salary in the {count} months to {last}"),
            )),
        );
        return None;
    }
    let average = total / Decimal::from(insured);
    if insured < count {
        step.open_question = Some(Text::owned(
            format!("{count} 個月中僅 {insured} 個月有投保薪資；以有投保之月份平均"),
            format!("only {insured} of the {count} months were insured; the insured months are averaged"),
        ));
        cx.review(Text::owned(
            format!("平均月投保薪資僅依 {insured} 個月計算，請人工確認"),
            format!("the average insured salary rests on {insured} months only; please confirm"),
        ));
    }
    let shown = average.round_dp(2);
    let capped_note = if capped_any {
        (
            "（超過上限之月份以上限計）",
            " (months above the ceiling counted at the ceiling)",
        )
    } else {
        ("", "")
    };
    cx.computed(
        step,
        Some(format!("{shown} TWD/month")),
        Some(Text::owned(
            format!(
                "{} 至 {last} 之 {insured} 個月平均{}",
                last.plus(1 - count as i32),
                capped_note.0
            ),
            format!(
                "average of {insured} months from {} to {last}{}",
                last.plus(1 - count as i32),
                capped_note.1
            ),
        )),
    );
    cx.output(
        "average_insured_salary",
        Text::fixed("平均月投保薪資", "Average insured salary"),
        OutputValue::Amount(shown),
        "TWD/month",
    );

    let mut step = Step::new(
        "monthly_benefit",
        Text::fixed("每月失業給付", "Monthly benefit"),
        cite(
            "就業保險法第16條第1項",
            "Employment Insurance Act, Art. 16(1)",
        ),
    );
    let rate = cx.number(&mut step, RATE, separation)?;
    let base = cx.round(&mut step, ROUNDING, separation, average * rate)?;
    cx.computed(
        step,
        Some(format!("{base} TWD/month")),
        Some(Text::owned(
            format!("{shown} × {rate}"),
            format!("{shown} × {rate}"),
        )),
    );
    cx.output(
        "monthly_benefit",
        Text::fixed("每月失業給付", "Monthly benefit"),
        OutputValue::Amount(base),
        "TWD/month",
    );

    let mut step = Step::new(
        "dependant_supplement",
        Text::fixed("眷屬加給", "Dependants' supplement"),
        cite(
            "就業保險法第19條之1第1項",
            "Employment Insurance Act, Art. 19-1(1)",
        ),
    );
    let dependants = cx.integer(&mut step, "dependants");
    let dependant_rate = cx.number(&mut step, DEPENDANT_RATE, separation);
    let dependant_max = cx.number(&mut step, DEPENDANT_MAX, separation);
    let (Some(dependants), Some(dependant_rate), Some(dependant_max)) =
        (dependants, dependant_rate, dependant_max)
    else {
        cx.computed(step, None, None);
        return None;
    };
    let counted = Decimal::from(dependants.max(0)).min(dependant_max);
    let supplement = cx.round(
        &mut step,
        ROUNDING,
        separation,
        average * dependant_rate * counted,
    )?;
    cx.computed(step, Some(format!("{supplement} TWD/month")), Some(Text::owned(
        format!("眷屬 {dependants} 人，最多計 {dependant_max} 人：{shown} × {dependant_rate} × {counted}"),
        format!("{dependants} dependants, at most {dependant_max} counted: {shown} × {dependant_rate} × {counted}"),
    )));
    cx.output(
        "dependant_supplement",
        Text::fixed("眷屬加給", "Dependants' supplement"),
        OutputValue::Amount(supplement),
        "TWD/month",
    );
    let total = base + supplement;
    cx.output(
        "monthly_total",
        Text::fixed("每月合計", "Total per month"),
        OutputValue::Amount(total),
        "TWD/month",
    );
    Some((base, total))
}

/// Benefit period (Art. 16(1), 16(5)), start date (Art. 20), work income (Art. 17) and the
/// early re-employment incentive (Art. 18).
fn duration_and_start(
    cx: &mut Context,
    separation: Option<NaiveDate>,
    registration: Option<NaiveDate>,
    amounts: Option<(Decimal, Decimal)>,
) {
    let mut step = Step::new(
        "benefit_period",
        Text::fixed("給付期間", "Benefit period"),
        cite(
            "就業保險法第16條第1項",
            "Employment Insurance Act, Art. 16(1)",
        ),
    );
    let birth = cx.date(&mut step, "birth_date");
    let on = separation.unwrap_or(cx.as_of);
    let months = cx.number(&mut step, MONTHS, on);
    let extended = cx.number(&mut step, EXTENDED_MONTHS, on);
    let extended_age = cx.number(&mut step, EXTENDED_AGE, on);
    let (Some(birth), Some(separation), Some(months), Some(extended), Some(extended_age)) =
        (birth, separation, months, extended, extended_age)
    else {
        cx.computed(step, None, None);
        return;
    };
    let age = Decimal::from(age_on(birth, separation));
    let (mut period, mut why) = if age >= extended_age {
        (
            extended,
            Text::owned(
                format!("離職退保時 {age} 歲，已滿 {extended_age} 歲：{extended} 個月"),
                format!("aged {age} on leaving, at least {extended_age}: {extended} months"),
            ),
        )
    } else {
        match cx.flag(&mut step, "disability_certificate") {
            Some(true) => (extended, Text::owned(format!("領有身心障礙證明：{extended} 個月"), format!("holds a disability certificate: {extended} months"))),
            Some(false) => (months, Text::owned(format!("離職退保時 {age} 歲，未滿 {extended_age} 歲且無身心障礙證明：{months} 個月"), format!("aged {age} on leaving, under {extended_age}, no disability certificate: {months} months"))),
            None => {
                cx.computed(step, None, None);
                return;
            }
        }
    };
    match (
        cx.fact(&mut step, "previous_full_period_ended_on")
            .as_deref(),
        registration,
    ) {
        (Some(FactValue::Date(ended)), Some(registration)) => {
            let years = cx.number(&mut step, REPEAT_YEARS, registration);
            let ratio = cx.number(&mut step, REPEAT_RATIO, registration);
            if let (Some(years), Some(ratio)) = (years, ratio) {
                let window_end = add_months(*ended, 12 * whole(years));
                if registration <= window_end {
                    step.citation = cite(
                        "就業保險法第16條第1項、第5項",
                        "Employment Insurance Act, Art. 16(1), 16(5)",
                    );
                    period *= ratio;
                    why = Text::owned(
                        format!("{}；前次於 {ended} 領滿，{window_end} 前再次請領，減為 {ratio} 倍：{} 個月", why.zh_tw, period.normalize()),
                        format!("{}; a previous full period ended on {ended} and this claim comes before {window_end}, so × {ratio}: {} months", why.en, period.normalize()),
                    );
                }
            }
        }
        (Some(FactValue::Nothing), _) => {}
        _ => {
            cx.computed(step, None, None);
            return;
        }
    }
    let period = period.normalize();
    cx.computed(step, Some(format!("{period} months")), Some(why));
    cx.output(
        "benefit_months",
        Text::fixed("給付月數", "Benefit months"),
        OutputValue::Amount(period),
        "months",
    );

    let mut step = Step::new(
        "start_date",
        Text::fixed("給付起算日", "First day of benefit"),
        cite(
            "就業保險法第20條第1項",
            "Employment Insurance Act, Art. 20(1)",
        ),
    );
    let Some(registration) = registration.or_else(|| cx.date(&mut step, "registration_date"))
    else {
        cx.computed(step, None, None);
        return;
    };
    let Some(start_day) = cx.number(&mut step, START_DAY, registration) else {
        cx.computed(step, None, None);
        return;
    };
    let start = add_days(registration, whole(start_day) - 1);
    cx.computed(
        step,
        Some(start.to_string()),
        Some(Text::owned(
            format!("{registration} 求職登記之第 {start_day} 日"),
            format!("day {start_day} from the registration on {registration}"),
        )),
    );
    cx.output(
        "start_date",
        Text::fixed("給付起算日", "First day of benefit"),
        OutputValue::Date(start),
        "date",
    );

    let Some((base, total)) = amounts else { return };
    if let Some(maximum) = cx.round_quiet(ROUNDING, separation, total * period) {
        cx.output(
            "maximum_total",
            Text::fixed("最高給付總額", "Most that can be paid in all"),
            OutputValue::Amount(maximum),
            "TWD",
        );
    }
    work_income(cx, total);
    early_reemployment(cx, start, period, base);
}

/// Deduction of work income while claiming (Art. 17(1)), month by month at the minimum wage
/// in force that month.
fn work_income(cx: &mut Context, total: Decimal) {
    let mut step = Step::new(
        "work_income",
        Text::fixed("請領期間工作收入", "Work income while claiming"),
        cite(
            "就業保險法第17條第1項",
            "Employment Insurance Act, Art. 17(1)",
        ),
    );
    let Some(income) = cx.optional_fact(&mut step, "work_income") else {
        cx.not_applicable(
            step,
            Text::fixed(
                "未申報工作收入；申報時逐月計算扣除",
                "no work income reported; deductions are computed when income is reported",
            ),
        );
        return;
    };
    let FactValue::Monthly(months) = income.as_ref() else {
        return;
    };
    for entry in months {
        let Some(first_day) = entry.month.first_day() else {
            continue;
        };
        let (Some(wage), Some(share)) = (
            cx.number(&mut step, MINIMUM_WAGE, first_day),
            cx.number(&mut step, INCOME_SHARE, first_day),
        ) else {
            continue;
        };
        let threshold = wage * share;
        let (payable, zh, en) = if entry.amount > wage {
            (
                Decimal::ZERO,
                format!(
                    "工作收入 {} 超過最低工資 {wage}，當月不得請領",
                    entry.amount
                ),
                format!(
                    "work income {} exceeds the minimum wage {wage}: nothing is payable",
                    entry.amount
                ),
            )
        } else if entry.amount + total > threshold {
            let deduction = entry.amount + total - threshold;
            let payable = (total - deduction).max(Decimal::ZERO);
            (payable, format!("工作收入 {} 加給付 {total} 超過最低工資 {wage} 之 {share} 倍（{threshold}），扣除 {deduction}", entry.amount), format!("work income {} plus benefit {total} exceeds {share} × minimum wage {wage} ({threshold}); {deduction} deducted", entry.amount))
        } else {
            (
                total,
                format!("工作收入 {} 加給付未超過 {threshold}，不扣除", entry.amount),
                format!(
                    "work income {} plus benefit stays within {threshold}; nothing deducted",
                    entry.amount
                ),
            )
        };
        let payable = cx
            .round_quiet(ROUNDING, first_day, payable)
            .unwrap_or(payable);
        cx.payment(MonthlyPayment {
            month: entry.month.to_string(),
            work_income: entry.amount,
            payable,
            explanation: Text::owned(zh, en),
        });
    }
    cx.computed(
        step,
        Some(format!("{} months", months.len())),
        Some(Text::fixed(
            "逐月依當月最低工資計算",
            "each month at that month's minimum wage",
        )),
    );
}

/// Early re-employment incentive (Art. 18): half the benefit not yet paid, once insured for
/// three months in the new job.
fn early_reemployment(cx: &mut Context, start: NaiveDate, period: Decimal, base: Decimal) {
    let mut step = Step::new(
        "early_reemployment",
        Text::fixed("提早就業獎助津貼", "Early re-employment incentive"),
        cite("就業保險法第18條", "Employment Insurance Act, Art. 18"),
    );
    let Some(FactValue::Date(reemployed)) = cx
        .optional_fact(&mut step, "reemployed_on")
        .as_deref()
        .cloned()
    else {
        cx.not_applicable(step, Text::fixed("未再就業", "not re-employed"));
        return;
    };
    let end = add_months(start, whole(period));
    if reemployed >= end {
        cx.not_applicable(
            step,
            Text::owned(
                format!("{reemployed} 再就業，已在給付期間屆滿（{end}）之後"),
                format!("re-employed on {reemployed}, after the benefit period ended ({end})"),
            ),
        );
        return;
    }
    let insured = cx.integer(&mut step, "new_job_insured_months");
    let paid = cx.fact(&mut step, "months_paid");
    let ratio = cx.number(&mut step, EARLY_RATIO, reemployed);
    let min_months = cx.number(&mut step, EARLY_MIN_MONTHS, reemployed);
    let (Some(insured), Some(FactValue::Amount(paid)), Some(ratio), Some(min_months)) =
        (insured, paid.as_deref(), ratio, min_months)
    else {
        cx.computed(step, None, None);
        return;
    };
    if Decimal::from(insured) < min_months {
        cx.not_applicable(
            step,
            Text::owned(
                format!("再就業後投保 {insured} 個月，未滿 {min_months} 個月，尚不得申請"),
                format!(
                    "insured {insured} months in the new job, fewer than {min_months}: not yet due"
                ),
            ),
        );
        return;
    }
    let remaining = (period - *paid).max(Decimal::ZERO);
    let Some(incentive) = cx.round(&mut step, ROUNDING, reemployed, base * remaining * ratio)
    else {
        cx.computed(step, None, None);
        return;
    };
    step.open_question = Some(Text::fixed(
        "是否含眷屬加給法未明定；本規則不含",
        "whether the dependants' supplement counts is open; it is left out",
    ));
    cx.computed(
        step,
        Some(format!("{incentive} TWD")),
        Some(Text::owned(
            format!("尚未請領 {remaining} 個月 × {base} × {ratio}"),
            format!("{remaining} unpaid months × {base} × {ratio}"),
        )),
    );
    cx.output(
        "early_reemployment_incentive",
        Text::fixed("提早就業獎助津貼", "Early re-employment incentive"),
        OutputValue::Amount(incentive),
        "TWD",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn overlapping_periods_are_counted_once() {
        let window = Period {
            from: d("2023-01-31"),
            to: d("2026-01-31"),
        };
        let periods = [
            Period {
                from: d("2025-01-01"),
                to: d("2025-06-30"),
            },
            Period {
                from: d("2025-06-01"),
                to: d("2025-12-31"),
            },
        ];
        assert_eq!(covered_days(&periods, window), 365);
        let outside = [Period {
            from: d("2019-01-01"),
            to: d("2023-02-01"),
        }];
        assert_eq!(covered_days(&outside, window), 2);
    }

    #[test]
    fn contract_months_count_whole_calendar_months() {
        assert_eq!(
            contract_months(Period {
                from: d("2025-08-01"),
                to: d("2026-01-31")
            }),
            (6, 0)
        );
        assert_eq!(
            contract_months(Period {
                from: d("2025-09-01"),
                to: d("2026-01-31")
            }),
            (5, 0)
        );
        assert_eq!(
            contract_months(Period {
                from: d("2025-08-15"),
                to: d("2026-01-31")
            }),
            (5, 17)
        );
    }
}
