//! The words of guidance's explanations: the label of each part of a reachable occupation's
//! score. (The sentences of gaps, reachable occupations and course plans are still built in
//! the HTTP layer's guidance module; they move here next.)

use super::Text;

/// The label of a part of a reachable occupation's score (see
/// `openpes_guidance::reachable`).
pub fn part_label(name: &str) -> Text {
    let (zh_tw, en) = match name {
        "essential_skills" => ("必要技能", "Essential skills"),
        "optional_skills" => ("加分技能", "Optional skills"),
        "transition" => ("職涯轉換", "Career move"),
        "demand" => ("職缺需求", "Open vacancies"),
        "trend" => ("需求趨勢", "Demand trend"),
        "salary" => ("薪資", "Salary"),
        "level" => ("技能等級", "Skill level"),
        _ => ("其他", "Other"),
    };
    Text { zh_tw, en }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_of_the_reachable_score_has_its_own_label() {
        let names = [
            "essential_skills",
            "optional_skills",
            "transition",
            "demand",
            "trend",
            "salary",
            "level",
        ];
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let label = part_label(name);
            assert_ne!(label.en, "Other", "{name}");
            assert!(seen.insert(label.zh_tw), "{name} shares its label");
        }
    }
}
