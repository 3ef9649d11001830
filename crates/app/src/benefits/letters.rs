//! Decision letters in Traditional Chinese and English: whether the decision was automated,
//! the outcome and amounts, the reasons with the law applied, the data sources, and how to ask
//! for a review or appeal.

use crate::auth::User;
use crate::words::UiLang;
use openpes_rules::{Determination, Outcome, StepStatus};
use openpes_store::ClaimRecord;
use std::collections::BTreeSet;
use std::fmt::Write;

fn pick<'a>(lang: UiLang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        UiLang::ZhTw => zh,
        UiLang::En => en,
    }
}

/// How to ask for a review or appeal, by jurisdiction.
fn appeal(jurisdiction: &str, lang: UiLang) -> &'static str {
    match (jurisdiction, lang) {
        ("tw", UiLang::ZhTw) => "如不服本決定，得自收受之次日起三十日內，依訴願法第14條及第58條規定，繕具訴願書經由原處分機關提起訴願。您也可以先請承辦人員重新審查。",
        ("tw", UiLang::En) => "If you disagree with this decision you may file an administrative appeal within 30 days of the day after you receive it, through the agency that made it (Administrative Appeal Act, Arts. 14 and 58). You may also first ask a caseworker to look at it again.",
        ("ee", UiLang::ZhTw) => "如不服本決定，得於知悉之日起三十日內向失業保險基金提出異議（行政程序法第75條），或向行政法院提起訴訟。您也可以先請承辦人員重新審查。",
        ("ee", UiLang::En) => "If you disagree with this decision you may file a challenge with the Unemployment Insurance Fund within 30 days of learning of it (Administrative Procedure Act, § 75), or appeal to the administrative court. You may also first ask a caseworker to look at it again.",
        (_, UiLang::ZhTw) => "如不服本決定，請於三十日內向作成決定之機關申請重新審查或提起救濟。",
        (_, UiLang::En) => "If you disagree with this decision, ask the agency that made it for a review or appeal within 30 days.",
    }
}

/// The letter for one determination of `claim`; `kind` is the decision kind (`automated`,
/// `waiting`, `referred`, `caseworker`).
pub fn letter(
    claim: &ClaimRecord,
    determination: &Determination,
    kind: &str,
    by: Option<&User>,
    problems: &[String],
    lang: UiLang,
) -> String {
    let tag = lang.tag();
    let mut out = String::new();
    let _ = writeln!(out, "{}", determination.program_title.get(tag));
    let _ = writeln!(
        out,
        "{}: {}    {}: {}",
        pick(lang, "申請編號", "Claim"),
        claim.id,
        pick(lang, "決定日期", "Date"),
        determination.as_of
    );
    let _ = writeln!(out);
    let how = match (kind, by) {
        ("automated", _) => format!(
            "{} {}",
            pick(lang, "本決定由 OpenPES 依法規編碼之規則自動作成，未經人工處理。規則版本：", "This decision was made automatically by OpenPES from the rules encoded from the law, without a person handling it. Rules version:"),
            format_args!("{} ({})", determination.version.formula, determination.version.parameters)
        ),
        ("caseworker", Some(user)) => format!("{} {}", pick(lang, "本決定由承辦人員審核後作成：", "This decision was made by a caseworker after review:"), user.display_name),
        ("waiting", _) => pick(lang, "您的申請已受理，尚待法定期間經過；屆時系統將自動重新審查，無須再次申請。", "Your claim has been received. A period set by law has to pass first; the claim will then be examined again automatically, with no need to apply again.").to_string(),
        _ => pick(lang, "您的申請需由承辦人員審核，尚未作成決定。不利之決定不會由系統自動作成。", "Your claim needs a caseworker's review and has not been decided yet. An unfavourable decision is never made automatically.").to_string(),
    };
    let _ = writeln!(out, "{how}");
    let _ = writeln!(out);
    let outcome = match determination.outcome {
        Outcome::Eligible => pick(
            lang,
            "結果：符合請領資格。",
            "Outcome: you are entitled to the benefit.",
        ),
        Outcome::Ineligible => pick(
            lang,
            "結果：不符合請領資格。",
            "Outcome: you are not entitled to the benefit.",
        ),
        Outcome::Undetermined => pick(
            lang,
            "結果：尚無法決定。",
            "Outcome: this cannot be decided yet.",
        ),
    };
    let _ = writeln!(out, "{outcome}");
    if !determination.outputs.is_empty() && determination.outcome != Outcome::Ineligible {
        let _ = writeln!(out, "{}", pick(lang, "給付內容：", "What you receive:"));
        for output in &determination.outputs {
            let _ = writeln!(
                out,
                "  - {}: {} {}",
                output.title.get(tag),
                output.value,
                output.unit
            );
        }
    }
    if !determination.reasons.is_empty() {
        let _ = writeln!(out, "{}", pick(lang, "理由：", "Reasons:"));
        for reason in &determination.reasons {
            let _ = writeln!(
                out,
                "  - {}（{}）",
                reason.text.get(tag),
                reason.citation.get(tag)
            );
        }
    }
    if !determination.needed.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            pick(lang, "尚需補充或確認：", "Still needed or to be confirmed:")
        );
        for needed in &determination.needed {
            let _ = writeln!(out, "  - {}", needed.text.get(tag));
        }
    }
    for problem in problems {
        let _ = writeln!(
            out,
            "  - {} {problem}",
            pick(
                lang,
                "外部資料來源無法取得：",
                "An external register could not be reached:"
            )
        );
    }
    if !determination.review.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            pick(
                lang,
                "需人工確認之事項：",
                "Points a person has to confirm:"
            )
        );
        for point in &determination.review {
            let _ = writeln!(out, "  - {}", point.get(tag));
        }
    }
    let citations: BTreeSet<&str> = determination
        .trace
        .iter()
        .filter(|s| s.status != StepStatus::NotApplicable)
        .map(|s| s.citation.get(tag))
        .collect();
    let _ = writeln!(
        out,
        "{} {}",
        pick(lang, "適用法規：", "Law applied:"),
        citations
            .into_iter()
            .collect::<Vec<_>>()
            .join(pick(lang, "、", "; "))
    );
    let mut sources: BTreeSet<String> = BTreeSet::new();
    for step in &determination.trace {
        for fact in &step.facts {
            sources.insert(format!("{} ({})", fact.source.register, fact.name));
        }
    }
    let _ = writeln!(
        out,
        "{}",
        pick(lang, "資料來源：", "Data used and where it came from:")
    );
    for source in sources {
        let _ = writeln!(out, "  - {source}");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", appeal(determination.jurisdiction, lang));
    out
}
