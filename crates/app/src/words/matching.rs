//! The words of a match explanation: the label of each part of the score and the one-line
//! summary ("符合 3/5 項必要技能 · 相同職業 · 距離 12 公里"). The numbers come from
//! [`openpes_matching::Explanation`]; only the words are here.

use super::{Text, UiLang};
use openpes_matching::score::OccupationRelation;
use openpes_matching::{Explanation, PartName};

/// The label of a part of the score.
pub fn part_label(name: PartName) -> Text {
    let (zh_tw, en) = match name {
        PartName::EssentialSkills => ("必要技能", "Essential skills"),
        PartName::OptionalSkills => ("加分技能", "Optional skills"),
        PartName::Occupation => ("職業相近程度", "Occupation"),
        PartName::Experience => ("工作經驗", "Experience"),
        PartName::Education => ("教育程度", "Education"),
        PartName::Distance => ("通勤距離", "Distance"),
        PartName::Salary => ("薪資", "Salary"),
    };
    Text { zh_tw, en }
}

/// How the two occupations relate, in a few words.
pub fn occupation_relation(relation: OccupationRelation) -> Text {
    let (zh_tw, en) = match relation {
        OccupationRelation::Same { .. } => ("相同職業", "same occupation"),
        OccupationRelation::SameGroup { .. } => ("相近職業", "related occupation"),
        OccupationRelation::Unrelated => ("不同職業", "other occupation"),
        OccupationRelation::Unknown => ("職業未知", "occupation unknown"),
    };
    Text { zh_tw, en }
}

/// The one-line summary of an explanation: essential skills matched, how the occupations
/// relate, and remote work or the distance.
pub fn summary(e: &Explanation, lang: UiLang) -> String {
    let matched = e.essential_matched.len();
    let mut pieces = vec![match lang {
        UiLang::En => format!("{matched}/{} essential skills", e.essential_total),
        UiLang::ZhTw => format!("符合 {matched}/{} 項必要技能", e.essential_total),
    }];
    pieces.push(occupation_relation(e.occupation).get(lang).to_string());
    if e.remote {
        pieces.push(
            Text {
                zh_tw: "遠端工作",
                en: "remote",
            }
            .get(lang)
            .to_string(),
        );
    } else if let Some(km) = e.distance_km {
        pieces.push(match lang {
            UiLang::En => format!("{km:.0} km"),
            UiLang::ZhTw => format!("距離 {km:.0} 公里"),
        });
    }
    pieces.join(" · ")
}
