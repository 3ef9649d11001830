//! Guidance put into words: concepts, places, gaps, reachable occupations and courses
//! described in the reader's language (zh-TW or English), with every explanation built from
//! the parts of its score.

use super::*;
use crate::words::{list, percent, thousands};

pub(super) fn part_label(name: &str, lang: UiLang) -> &'static str {
    crate::words::guidance::part_label(name).get(lang)
}

/// Everything needed to put concepts and places into words.
pub(super) struct Speaker<'a> {
    pub(super) taxonomy: &'a Taxonomy,
    pub(super) index: &'a MatchIndex,
    pub(super) lang: UiLang,
}

impl Speaker<'_> {
    pub(super) fn concept(&self, id: ConceptId) -> ConceptRef {
        ConceptRef::new(self.taxonomy, id, self.lang.tag())
    }

    pub(super) fn label(&self, id: ConceptId) -> String {
        self.taxonomy
            .preferred_label(id, self.lang.tag())
            .to_string()
    }

    pub(super) fn scope(&self, scope: Scope) -> DemandScope {
        match scope {
            Scope::Region(position) => {
                let place = self.index.gazetteer().places().get(usize::from(position));
                DemandScope {
                    kind: "region".into(),
                    code: place.map(|p| p.code.clone()),
                    name: place.map_or_else(String::new, |p| match self.lang {
                        UiLang::En => p.name_en.clone(),
                        UiLang::ZhTw => p.name_zh.clone(),
                    }),
                }
            }
            Scope::National => DemandScope {
                kind: "national".into(),
                code: None,
                name: match self.lang {
                    UiLang::En => "nationwide".into(),
                    UiLang::ZhTw => "全國".into(),
                },
            },
        }
    }

    pub(super) fn gap_item(&self, item: &GapItem, open: u32, scope: &DemandScope) -> GapSkill {
        let covering: Vec<String> = item
            .partly_covered_by
            .iter()
            .map(|c| self.label(*c))
            .collect();
        let mut text = match (self.lang, item.essential) {
            (UiLang::En, true) => "Essential".to_string(),
            (UiLang::En, false) => "Optional".to_string(),
            (UiLang::ZhTw, true) => "必要技能".to_string(),
            (UiLang::ZhTw, false) => "加分技能".to_string(),
        };
        text.push_str(&match self.lang {
            UiLang::En => format!(
                "; asked for by {} of {} open {} {} ({})",
                item.asked_by,
                open,
                if open == 1 { "vacancy" } else { "vacancies" },
                if scope.kind == "region" {
                    format!("in {}", scope.name)
                } else {
                    scope.name.clone()
                },
                percent(item.share)
            ),
            UiLang::ZhTw => format!(
                "；{}{} 筆開放職缺中有 {} 筆要求（{}）",
                scope.name,
                open,
                item.asked_by,
                percent(item.share)
            ),
        });
        if !covering.is_empty() {
            text.push_str(&match self.lang {
                UiLang::En => format!(
                    "; partly covered by skills you have: {}",
                    list(&covering, self.lang)
                ),
                UiLang::ZhTw => format!("；您的{}可部分補足", list(&covering, self.lang)),
            });
        }
        text.push_str(match self.lang {
            UiLang::En => ".",
            UiLang::ZhTw => "。",
        });
        GapSkill {
            skill: self.concept(item.skill),
            essential: item.essential,
            asked_by: item.asked_by,
            share: item.share,
            partly_covered_by: item
                .partly_covered_by
                .iter()
                .map(|c| self.concept(*c))
                .collect(),
            explanation: text,
        }
    }

    pub(super) fn gap(&self, seeker: &str, gap: &GapAnalysis) -> GapResponse {
        let scope = self.scope(gap.scope);
        let missing: Vec<GapSkill> = gap
            .missing
            .iter()
            .map(|item| self.gap_item(item, gap.open_vacancies, &scope))
            .collect();
        let first: Vec<String> = gap
            .missing
            .iter()
            .take(3)
            .map(|i| self.label(i.skill))
            .collect();
        let mut summary = match self.lang {
            UiLang::En => format!(
                "You hold {} of {} essential and {} of {} optional skills (coverage {}).",
                gap.essential_held.len(),
                gap.essential_total,
                gap.optional_held.len(),
                gap.optional_total,
                percent(gap.coverage)
            ),
            UiLang::ZhTw => format!(
                "您具備 {} 項必要技能中的 {} 項、{} 項加分技能中的 {} 項（涵蓋率 {}）。",
                gap.essential_total,
                gap.essential_held.len(),
                gap.optional_total,
                gap.optional_held.len(),
                percent(gap.coverage)
            ),
        };
        if !first.is_empty() {
            summary.push_str(&match self.lang {
                UiLang::En => format!(" Most worth adding: {}.", list(&first, self.lang)),
                UiLang::ZhTw => format!("最值得補強：{}。", list(&first, self.lang)),
            });
        }
        GapResponse {
            seeker: seeker.to_string(),
            occupation: gap.occupation.map(|o| self.concept(o)),
            vacancy: gap.vacancy.clone(),
            coverage: gap.coverage,
            essential_total: gap.essential_total,
            optional_total: gap.optional_total,
            essential_held: gap
                .essential_held
                .iter()
                .map(|c| self.concept(*c))
                .collect(),
            optional_held: gap.optional_held.iter().map(|c| self.concept(*c)).collect(),
            missing,
            scope,
            open_vacancies: gap.open_vacancies,
            summary,
        }
    }

    pub(super) fn level(&self, level: &LevelFit) -> LevelView {
        let qualification = match level.qualification {
            Qualification::Fits => "fits",
            Qualification::OverQualified => "over_qualified",
            Qualification::UnderQualified => "under_qualified",
            Qualification::Unknown => "unknown",
        };
        let label = match (level.qualification, self.lang) {
            (Qualification::Fits, UiLang::En) => "fits your education",
            (Qualification::Fits, UiLang::ZhTw) => "符合您的學歷",
            (Qualification::OverQualified, UiLang::En) => {
                "over-qualified: your education is above the occupation's skill level"
            }
            (Qualification::OverQualified, UiLang::ZhTw) => {
                "資歷過高：您的學歷高於此職業所需的技能等級"
            }
            (Qualification::UnderQualified, UiLang::En) => {
                "under-qualified: the occupation usually asks for more education"
            }
            (Qualification::UnderQualified, UiLang::ZhTw) => "資歷不足：此職業通常需要較高的學歷",
            (Qualification::Unknown, UiLang::En) => "education fit unknown",
            (Qualification::Unknown, UiLang::ZhTw) => "無法判斷學歷是否相符",
        };
        LevelView {
            occupation_level: level.occupation_level,
            seeker_level: level.seeker_level,
            qualification: qualification.into(),
            over_qualified: level.qualification == Qualification::OverQualified,
            label: label.into(),
        }
    }

    pub(super) fn reachable(&self, r: &Reachable, open: u32) -> ReachableOccupation {
        let scope = self.scope(r.scope);
        let (kind, from) = match r.transition {
            Transition::Named { from } => ("named", Some(from)),
            Transition::Desired => ("desired", None),
            Transition::SameGroup { from } => ("same_group", Some(from)),
            Transition::Skills => ("skills", None),
        };
        let level = self.level(&r.level);
        let trend = r.demand.trend();
        let mut pieces = vec![match self.lang {
            UiLang::En => {
                let mut s = format!(
                    "covers {} of {} essential skills",
                    r.essential_held, r.essential_total
                );
                if r.essential_partly > 0 {
                    s.push_str(&format!(" ({} more partly)", r.essential_partly));
                }
                s
            }
            UiLang::ZhTw => {
                let mut s = format!(
                    "具備 {} 項必要技能中的 {} 項",
                    r.essential_total, r.essential_held
                );
                if r.essential_partly > 0 {
                    s.push_str(&format!("（另 {} 項部分具備）", r.essential_partly));
                }
                s
            }
        }];
        let direction = |lang: UiLang| match (trend, lang) {
            (t, UiLang::En) if t > 0.1 => "rising",
            (t, UiLang::En) if t < -0.1 => "falling",
            (_, UiLang::En) => "steady",
            (t, UiLang::ZhTw) if t > 0.1 => "上升",
            (t, UiLang::ZhTw) if t < -0.1 => "下降",
            (_, UiLang::ZhTw) => "持平",
        };
        pieces.push(match self.lang {
            UiLang::En => format!(
                "{} open {} {} ({}: {} posted in the last two weeks, {} in the two before)",
                r.demand.open,
                if r.demand.open == 1 {
                    "vacancy"
                } else {
                    "vacancies"
                },
                if scope.kind == "region" {
                    format!("in {}", scope.name)
                } else {
                    scope.name.clone()
                },
                direction(self.lang),
                r.demand.recent,
                r.demand.previous
            ),
            UiLang::ZhTw => format!(
                "{}開放職缺 {} 筆（{}：近兩週刊登 {} 筆，前兩週 {} 筆）",
                scope.name,
                r.demand.open,
                direction(self.lang),
                r.demand.recent,
                r.demand.previous
            ),
        });
        if let Some(s) = r.salary {
            pieces.push(match self.lang {
                UiLang::En => format!("median offered salary {}", thousands(s.median)),
                UiLang::ZhTw => format!("職缺薪資中位數 {} 元", thousands(s.median)),
            });
        }
        pieces.push(level.label.clone());
        match (r.transition, self.lang) {
            (Transition::Named { from }, UiLang::En) => {
                pieces.push(format!("a usual next step from {}", self.label(from)))
            }
            (Transition::Named { from }, UiLang::ZhTw) => {
                pieces.push(format!("為「{}」常見的下一步", self.label(from)))
            }
            (Transition::SameGroup { from }, UiLang::En) => {
                pieces.push(format!("in the same group as {}", self.label(from)))
            }
            (Transition::SameGroup { from }, UiLang::ZhTw) => {
                pieces.push(format!("與「{}」同屬一類", self.label(from)))
            }
            (Transition::Desired, UiLang::En) => pieces.push("an occupation you want".into()),
            (Transition::Desired, UiLang::ZhTw) => pieces.push("您希望從事的職業".into()),
            (Transition::Skills, _) => {}
        }
        let explanation = match self.lang {
            UiLang::En => {
                let mut s = pieces.join("; ");
                if let Some(first) = s.get(..1) {
                    s = first.to_uppercase() + &s[1..];
                }
                s + "."
            }
            UiLang::ZhTw => pieces.join("；") + "。",
        };
        ReachableOccupation {
            occupation: self.concept(r.occupation),
            score: r.score,
            parts: r
                .parts
                .iter()
                .map(|p| ScorePart {
                    name: p.name.into(),
                    label: part_label(p.name, self.lang).into(),
                    weight: p.weight,
                    value: p.value,
                    points: p.points,
                })
                .collect(),
            essential_total: r.essential_total,
            essential_held: r.essential_held,
            essential_partly: r.essential_partly,
            optional_total: r.optional_total,
            optional_held: r.optional_held,
            transition: TransitionView {
                kind: kind.into(),
                from: from.map(|f| self.concept(f)),
            },
            demand: DemandView {
                open: r.demand.open,
                recent: r.demand.recent,
                previous: r.demand.previous,
                trend,
            },
            salary: r.salary.map(salary_view),
            level,
            gaps: r
                .gaps
                .iter()
                .map(|g| self.gap_item(g, open, &scope))
                .collect(),
            explanation,
        }
    }

    pub(super) fn course_choice(
        &self,
        course: Course,
        pick: &openpes_guidance::CoursePick,
    ) -> CourseChoice {
        let closes: Vec<String> = pick.closes.iter().map(|c| self.label(*c)).collect();
        let mut pieces = vec![match self.lang {
            UiLang::En => format!(
                "Closes {} gap{}: {}",
                closes.len(),
                if closes.len() == 1 { "" } else { "s" },
                list(&closes, self.lang)
            ),
            UiLang::ZhTw => format!("補足 {} 項缺口：{}", closes.len(), list(&closes, self.lang)),
        }];
        let mode = match (pick.mode, self.lang) {
            (CourseMode::Online, UiLang::En) => "online",
            (CourseMode::Online, UiLang::ZhTw) => "線上課程",
            (CourseMode::InPerson, UiLang::En) => "in person",
            (CourseMode::InPerson, UiLang::ZhTw) => "實體課程",
            (CourseMode::Blended, UiLang::En) => "blended",
            (CourseMode::Blended, UiLang::ZhTw) => "混成課程",
        };
        pieces.push(match (pick.distance_km, self.lang) {
            (Some(km), UiLang::En) => format!("starts {} ({mode}, {km:.0} km away)", pick.start),
            (Some(km), UiLang::ZhTw) => format!("{} 開課（{mode}，距離 {km:.0} 公里）", pick.start),
            (None, UiLang::En) => format!("starts {} ({mode})", pick.start),
            (None, UiLang::ZhTw) => format!("{} 開課（{mode}）", pick.start),
        });
        if let Some(hours) = pick.hours {
            pieces.push(match self.lang {
                UiLang::En => format!("{hours:.0} hours"),
                UiLang::ZhTw => format!("{hours:.0} 小時"),
            });
        }
        if let Some(pay) = pick.cost_to_learner {
            let funding = course.public_funding;
            pieces.push(match (self.lang, funding > 0.0) {
                (UiLang::En, true) => format!(
                    "you pay {} after {} public funding",
                    thousands(pay),
                    percent(funding)
                ),
                (UiLang::En, false) => format!("you pay {}", thousands(pay)),
                (UiLang::ZhTw, true) => {
                    format!("政府補助 {}，自付 {} 元", percent(funding), thousands(pay))
                }
                (UiLang::ZhTw, false) => format!("自付 {} 元", thousands(pay)),
            });
        }
        let explanation = match self.lang {
            UiLang::En => pieces.join("; ") + ".",
            UiLang::ZhTw => pieces.join("；") + "。",
        };
        CourseChoice {
            course,
            closes: pick.closes.iter().map(|c| self.concept(*c)).collect(),
            also_teaches: pick.also_teaches.iter().map(|c| self.concept(*c)).collect(),
            weight: pick.weight,
            start: pick.start,
            distance_km: pick.distance_km.map(|d| (d * 10.0).round() / 10.0),
            cost_to_learner: pick.cost_to_learner,
            explanation,
        }
    }
}

pub(super) fn salary_view(s: SalaryStats) -> SalaryView {
    SalaryView {
        vacancies: s.vacancies,
        p25: s.p25,
        median: s.median,
        p75: s.p75,
    }
}

/// The course plan put into words: the chosen courses and a summary of what they close.
pub(super) fn plan_response(
    speaker: &Speaker<'_>,
    seeker: String,
    targets: &[GapTarget],
    plan: &CoursePlan,
    courses: Vec<Option<Course>>,
) -> CoursePlanResponse {
    let choices: Vec<CourseChoice> = plan
        .picks
        .iter()
        .zip(courses)
        .filter_map(|(pick, course)| course.map(|c| speaker.course_choice(c, pick)))
        .collect();
    let closed: usize = plan.picks.iter().map(|p| p.closes.len()).sum();
    let total = closed + plan.open_gaps.len();
    let open: Vec<String> = plan
        .open_gaps
        .iter()
        .take(5)
        .map(|c| speaker.label(*c))
        .collect();
    let mut summary = match speaker.lang {
        UiLang::En => format!(
            "{} course{} close {closed} of {total} gaps ({} of the weight).",
            choices.len(),
            if choices.len() == 1 { "" } else { "s" },
            percent(if plan.total_weight > 0.0 {
                plan.closed_weight / plan.total_weight
            } else {
                0.0
            })
        ),
        UiLang::ZhTw => format!(
            "{} 門課程可補足 {total} 項缺口中的 {closed} 項（權重 {}）。",
            choices.len(),
            percent(if plan.total_weight > 0.0 {
                plan.closed_weight / plan.total_weight
            } else {
                0.0
            })
        ),
    };
    if !open.is_empty() {
        summary.push_str(&match speaker.lang {
            UiLang::En => format!(
                " No course you can take teaches: {}.",
                list(&open, speaker.lang)
            ),
            UiLang::ZhTw => format!(
                "目前沒有您可參加的課程教授：{}。",
                list(&open, speaker.lang)
            ),
        });
    }
    CoursePlanResponse {
        seeker,
        targets: targets
            .iter()
            .map(|t| match t {
                GapTarget::Occupation(o) => PlanTarget {
                    occupation: Some(speaker.concept(*o)),
                    vacancy: None,
                },
                GapTarget::Vacancy(v) => PlanTarget {
                    occupation: None,
                    vacancy: Some(v.clone()),
                },
            })
            .collect(),
        courses: choices,
        open_gaps: plan.open_gaps.iter().map(|c| speaker.concept(*c)).collect(),
        closed_weight: plan.closed_weight,
        total_weight: plan.total_weight,
        eligible_courses: plan.eligible,
        summary,
    }
}
