//! Career guidance for job seekers and their caseworkers, every result explained in the
//! caller's language (zh-TW or en):
//!
//! - `GET /api/v1/seekers/{id}/gap?occupation=URI|vacancy=ID` — the skills gap;
//! - `GET /api/v1/seekers/{id}/reachable` — occupations the seeker's skills reach;
//! - `GET /api/v1/seekers/{id}/course-plan` — courses that close the most important gaps;
//! - `GET/POST /api/v1/seekers/{id}/plan`, `PUT /api/v1/seekers/{id}/plan/{step}`,
//!   `GET /api/v1/seekers/{id}/plan/history` — the action plan and its history;
//! - `GET /api/v1/courses`, `GET/PUT/DELETE /api/v1/courses/{id}`, `POST /api/v1/courses/import`
//!   — the training catalog (reading is public; changing it needs an administrator or a
//!   `courses:write` token).
//!
//! Reading guidance reads a seeker's record (logged as such); the plan is written by the
//! seeker or their caseworker. Scores are sums of documented parts
//! ([`openpes_guidance::reachable`]); the set cover is documented in
//! [`openpes_guidance::courses`].

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::dto::ConceptRef;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::i18n::{Message, UiLang};
use crate::routes::matching::{blocking, body, invalid, not_found, read, write, ScorePart};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::{Days, NaiveDate};
use openpes_guidance::courses::CourseQuery;
use openpes_guidance::{
    ActionStep, Course, CourseMode, CoursePlan, GapAnalysis, GapItem, GapTarget, GuidanceError,
    LevelFit, Qualification, Reachable, SalaryStats, SeekerView, StepKind, Transition,
};
use openpes_guidance::{Guidance, Scope};
use openpes_matching::{FieldError, InvalidRecord, MatchIndex};
use openpes_store::{PlanStep, StepChange, StoreError};
use openpes_taxonomy::{ConceptId, Taxonomy};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Most reachable occupations in one answer.
const MAX_REACHABLE: usize = 50;
/// Most courses in one plan.
const MAX_COURSES: usize = 10;
/// Most courses listed on one page of the catalog.
const MAX_PAGE: usize = 200;
/// Targets a default course plan is built for (the best reachable occupations).
const DEFAULT_TARGETS: usize = 3;

// ---------------------------------------------------------------------------------------------
// Wire types.

/// Where demand was counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandScope {
    /// `region` (the seeker's county or city) or `national`.
    pub kind: String,
    /// Gazetteer code of the region.
    pub code: Option<String>,
    /// Its name in the requested language ("Taiwan" / "全國" nationwide).
    pub name: String,
}

/// A skill the seeker lacks.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapSkill {
    pub skill: ConceptRef,
    /// Essential to the target (else optional).
    pub essential: bool,
    /// Open vacancies in the scope asking for it.
    pub asked_by: u32,
    /// `asked_by` as a share of the scope's open vacancies.
    pub share: f32,
    /// The seeker's skills that partly cover it.
    pub partly_covered_by: Vec<ConceptRef>,
    pub explanation: String,
}

/// A seeker's skills gap to an occupation or a vacancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct GapResponse {
    pub seeker: String,
    pub occupation: Option<ConceptRef>,
    pub vacancy: Option<String>,
    /// Specificity-weighted share of the essential skills covered (a partly covered skill
    /// counts half), in [0, 1].
    pub coverage: f32,
    pub essential_total: usize,
    pub optional_total: usize,
    pub essential_held: Vec<ConceptRef>,
    pub optional_held: Vec<ConceptRef>,
    /// Missing skills, essential first, then by demand in the scope.
    pub missing: Vec<GapSkill>,
    pub scope: DemandScope,
    pub open_vacancies: u32,
    pub summary: String,
}

/// How the seeker gets there.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionView {
    /// `named` (the taxonomy names it as a move from `from`), `desired`, `same_group` (shares
    /// its group with `from`) or `skills`.
    pub kind: String,
    pub from: Option<ConceptRef>,
}

/// Demand for an occupation in the scope.
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandView {
    pub open: u32,
    /// Postings in the last 14 days.
    pub recent: u32,
    /// Postings in the 14 days before.
    pub previous: u32,
    /// (recent − previous) / (recent + previous), in [-1, 1].
    pub trend: f32,
}

/// Offered monthly salaries (nationwide).
#[derive(Debug, Serialize, ToSchema)]
pub struct SalaryView {
    pub vacancies: u32,
    pub p25: u32,
    pub median: u32,
    pub p75: u32,
}

/// The occupation's ISCO-08 skill level against the seeker's education.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelView {
    pub occupation_level: Option<u8>,
    pub seeker_level: Option<u8>,
    /// `fits`, `over_qualified`, `under_qualified` or `unknown`.
    pub qualification: String,
    pub over_qualified: bool,
    pub label: String,
}

/// One reachable occupation, explained.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReachableOccupation {
    pub occupation: ConceptRef,
    pub score: f32,
    pub parts: Vec<ScorePart>,
    pub essential_total: usize,
    pub essential_held: usize,
    pub essential_partly: usize,
    pub optional_total: usize,
    pub optional_held: usize,
    pub transition: TransitionView,
    pub demand: DemandView,
    pub salary: Option<SalaryView>,
    pub level: LevelView,
    /// The most important missing skills.
    pub gaps: Vec<GapSkill>,
    pub explanation: String,
}

/// Reachable occupations, best first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReachableResponse {
    pub seeker: String,
    pub scope: DemandScope,
    pub results: Vec<ReachableOccupation>,
}

/// A recommended course.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseChoice {
    #[schema(value_type = Object)]
    pub course: Course,
    /// Gaps this course closes that no earlier choice closes.
    pub closes: Vec<ConceptRef>,
    /// Gaps it also teaches that an earlier choice closes.
    pub also_teaches: Vec<ConceptRef>,
    /// Summed weight of `closes`.
    pub weight: f32,
    /// First session inside the window (ISO date).
    #[schema(value_type = String, format = Date)]
    pub start: NaiveDate,
    pub distance_km: Option<f64>,
    /// What the learner pays after public funding.
    pub cost_to_learner: Option<u32>,
    pub explanation: String,
}

/// A target a course plan closes gaps for.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanTarget {
    pub occupation: Option<ConceptRef>,
    pub vacancy: Option<String>,
}

/// Courses chosen to close the most important gaps.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoursePlanResponse {
    pub seeker: String,
    pub targets: Vec<PlanTarget>,
    pub courses: Vec<CourseChoice>,
    /// Gaps no chosen course closes.
    pub open_gaps: Vec<ConceptRef>,
    pub closed_weight: f32,
    pub total_weight: f32,
    /// Courses teaching a gap that the seeker could take.
    pub eligible_courses: usize,
    pub summary: String,
}

/// One step of an action plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanStepView {
    pub id: String,
    /// Pass it back when changing the step.
    pub version: i64,
    #[schema(value_type = Object)]
    pub step: ActionStep,
    /// Due before today and neither done nor cancelled.
    pub overdue: bool,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// A seeker's action plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    pub seeker: String,
    pub steps: Vec<PlanStepView>,
}

/// A change of an action-plan step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepUpdate {
    /// The version the change is based on.
    pub version: i64,
    #[schema(value_type = Object)]
    pub step: ActionStep,
}

/// One version of a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepVersion {
    pub seq: i64,
    pub step_id: String,
    pub version: i64,
    /// `created` or `updated`.
    pub change: String,
    #[schema(value_type = Object)]
    pub step: ActionStep,
    pub changed_by: String,
    pub changed_at: String,
}

/// The history of a seeker's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanHistory {
    pub seeker: String,
    pub changes: Vec<StepVersion>,
}

/// A page of the catalog.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoursePage {
    #[schema(value_type = Vec<Object>)]
    pub courses: Vec<Course>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<String>,
}

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseImportSummary {
    pub stored: usize,
    /// Courses whose skills were extracted from their text.
    pub skills_extracted: usize,
}

// ---------------------------------------------------------------------------------------------
// Query parameters.

/// The target of a gap analysis: exactly one of `occupation` and `vacancy`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct GapParams {
    /// Occupation URI.
    pub occupation: Option<String>,
    /// Vacancy id.
    pub vacancy: Option<String>,
    /// `zh-TW` or `en` (else `Accept-Language`).
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReachableParams {
    /// Results, 1 to 50 (default 10).
    pub limit: Option<usize>,
    pub lang: Option<String>,
}

/// What to plan courses for and the seeker's constraints. Without a target, the plan closes
/// the gaps of the occupations the seeker wants, or else of their three best reachable ones.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct CoursePlanParams {
    pub occupation: Option<String>,
    pub vacancy: Option<String>,
    /// Courses, 1 to 10 (default 3).
    pub max_courses: Option<usize>,
    /// Travel radius for courses in person (default: the seeker's, else 50 km).
    pub max_distance_km: Option<f64>,
    /// Online courses allowed (default true).
    pub online: Option<bool>,
    /// Courses in person allowed (default true).
    pub in_person: Option<bool>,
    /// Latest start, in days from today (default 180).
    pub within_days: Option<u32>,
    /// Most the learner pays for one course after public funding.
    pub max_cost: Option<u32>,
    pub lang: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CourseListParams {
    /// Only courses teaching this skill (URI).
    pub skill: Option<String>,
    /// The `next_after` of the previous page.
    pub after: Option<String>,
    /// Courses per page, 1 to 200 (default 50).
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct LangParams {
    pub lang: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Words.

use openpes_app::words::{list, percent, thousands};

fn part_label(name: &str, lang: UiLang) -> &'static str {
    openpes_app::words::guidance::part_label(name).get(lang)
}

/// Everything needed to put concepts and places into words.
struct Speaker<'a> {
    taxonomy: &'a Taxonomy,
    index: &'a MatchIndex,
    lang: UiLang,
}

impl Speaker<'_> {
    fn concept(&self, id: ConceptId) -> ConceptRef {
        ConceptRef::new(self.taxonomy, id, self.lang.tag())
    }

    fn label(&self, id: ConceptId) -> String {
        self.taxonomy
            .preferred_label(id, self.lang.tag())
            .to_string()
    }

    fn scope(&self, scope: Scope) -> DemandScope {
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

    fn gap_item(&self, item: &GapItem, open: u32, scope: &DemandScope) -> GapSkill {
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

    fn gap(&self, seeker: &str, gap: &GapAnalysis) -> GapResponse {
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

    fn level(&self, level: &LevelFit) -> LevelView {
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

    fn reachable(&self, r: &Reachable, open: u32) -> ReachableOccupation {
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

    fn course_choice(&self, course: Course, pick: &openpes_guidance::CoursePick) -> CourseChoice {
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

fn salary_view(s: SalaryStats) -> SalaryView {
    SalaryView {
        vacancies: s.vacancies,
        p25: s.p25,
        median: s.median,
        p75: s.p75,
    }
}

// ---------------------------------------------------------------------------------------------
// Shared steps.

fn guidance_error(error: GuidanceError) -> ApiError {
    match error {
        GuidanceError::UnknownVacancy(id) => not_found("vacancy", &id),
        GuidanceError::NotAnOccupation(uri) => {
            ApiError::bad_request(Message::BadRequest(format!("'{uri}' is not an occupation")))
        }
    }
}

/// The seeker's record, after the access check (logged with `purpose`).
async fn seeker_for(
    state: &AppState,
    caller: &openpes_app::auth::Caller,
    id: &str,
    action: Action,
    purpose: &str,
) -> Result<openpes_matching::Seeker, ApiError> {
    access::authorize_seeker(state, caller, action, id, purpose).await?;
    state
        .store()
        .seeker(id)
        .await?
        .ok_or_else(|| not_found("seeker", id))
}

fn view_of(index: &MatchIndex, seeker: &openpes_matching::Seeker) -> Result<SeekerView, ApiError> {
    index.seeker_view(seeker).map_err(invalid)
}

/// Exactly one target from `occupation` / `vacancy`, or none.
fn target_of(
    taxonomy: &Taxonomy,
    occupation: Option<&str>,
    vacancy: Option<&str>,
) -> Result<Option<GapTarget>, ApiError> {
    match (occupation, vacancy) {
        (Some(_), Some(_)) => Err(ApiError::bad_request(Message::BadRequest(
            "give either occupation or vacancy, not both".into(),
        ))),
        (Some(uri), None) => taxonomy
            .by_uri(uri)
            .map(|id| Some(GapTarget::Occupation(id)))
            .ok_or_else(|| ApiError::not_found(Message::ConceptNotFound(uri.to_string()))),
        (None, Some(id)) => Ok(Some(GapTarget::Vacancy(id.to_string()))),
        (None, None) => Ok(None),
    }
}

fn today(state: &AppState) -> NaiveDate {
    state.now().date_naive()
}

// ---------------------------------------------------------------------------------------------
// Handlers: gap, reachable, course plan.

/// A seeker's skills gap to an occupation or a vacancy, explained.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/gap", tag = "guidance",
    params(("id" = String, Path, description = "Seeker id"), GapParams),
    responses((status = 200, description = "The gap", body = GapResponse),
        (status = 400, description = "No target, or both", body = crate::error::Problem),
        (status = 404, description = "No such seeker, occupation or vacancy", body = crate::error::Problem)))]
pub async fn gap(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<GapParams>,
    headers: HeaderMap,
) -> Result<Json<GapResponse>, ApiError> {
    let seeker = seeker_for(&state, &caller, &id, Action::ReadSeeker, "skills gap").await?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(gap_of(&state, id, seeker, &params, lang).await?))
}

/// A seeker's gap as the API, the web pages and the CLI show it (no access check here).
pub async fn gap_of(
    state: &AppState,
    id: String,
    seeker: openpes_matching::Seeker,
    params: &GapParams,
    lang: UiLang,
) -> Result<GapResponse, ApiError> {
    let handles = state.guidance();
    let (occupation, vacancy) = (params.occupation.clone(), params.vacancy.clone());
    let as_of = today(state);
    blocking(move || {
        let index = read(&handles.matching);
        let guidance = read(&handles.guidance);
        let taxonomy = Arc::clone(index.taxonomy());
        let target =
            target_of(&taxonomy, occupation.as_deref(), vacancy.as_deref())?.ok_or_else(|| {
                ApiError::bad_request(Message::BadRequest(
                    "give an occupation (URI) or a vacancy (id) to measure the gap to".into(),
                ))
            })?;
        let view = view_of(&index, &seeker)?;
        let demand = handles.demand.get(&index, as_of);
        let gap = guidance
            .gap(&index, &view, &target, &demand)
            .map_err(guidance_error)?;
        let speaker = Speaker {
            taxonomy: &taxonomy,
            index: &index,
            lang,
        };
        Ok(speaker.gap(&id, &gap))
    })
    .await?
}

/// Occupations a seeker's skills and past occupations reach, best first, each explained with
/// its gaps.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/reachable", tag = "guidance",
    params(("id" = String, Path, description = "Seeker id"), ReachableParams),
    responses((status = 200, description = "Reachable occupations", body = ReachableResponse),
        (status = 404, description = "No such seeker", body = crate::error::Problem)))]
pub async fn reachable(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ReachableParams>,
    headers: HeaderMap,
) -> Result<Json<ReachableResponse>, ApiError> {
    let seeker = seeker_for(
        &state,
        &caller,
        &id,
        Action::ReadSeeker,
        "reachable occupations",
    )
    .await?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        reachable_of(&state, id, seeker, params.limit, lang).await?,
    ))
}

/// Reachable occupations as the API, the web pages and the CLI show them (no access check
/// here).
pub async fn reachable_of(
    state: &AppState,
    id: String,
    seeker: openpes_matching::Seeker,
    limit: Option<usize>,
    lang: UiLang,
) -> Result<ReachableResponse, ApiError> {
    let limit = limit.unwrap_or(10).clamp(1, MAX_REACHABLE);
    let handles = state.guidance();
    let as_of = today(state);
    blocking(move || {
        let index = read(&handles.matching);
        let guidance = read(&handles.guidance);
        let view = view_of(&index, &seeker)?;
        let demand = handles.demand.get(&index, as_of);
        let found = guidance.reachable(&index, &view, &demand, limit);
        let taxonomy = Arc::clone(index.taxonomy());
        let speaker = Speaker {
            taxonomy: &taxonomy,
            index: &index,
            lang,
        };
        let scope = demand.scope_for(view.region);
        let open = demand.open(scope);
        Ok(ReachableResponse {
            seeker: id,
            scope: speaker.scope(scope),
            results: found.iter().map(|r| speaker.reachable(r, open)).collect(),
        })
    })
    .await?
}

/// Courses that close the seeker's most important gaps (a weighted set cover that respects
/// place, mode, dates and cost), each with the gaps it closes.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/course-plan", tag = "guidance",
    params(("id" = String, Path, description = "Seeker id"), CoursePlanParams),
    responses((status = 200, description = "Chosen courses", body = CoursePlanResponse),
        (status = 404, description = "No such seeker, occupation or vacancy", body = crate::error::Problem)))]
pub async fn course_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<CoursePlanParams>,
    headers: HeaderMap,
) -> Result<Json<CoursePlanResponse>, ApiError> {
    let seeker = seeker_for(&state, &caller, &id, Action::ReadSeeker, "course plan").await?;
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    let response = build_course_plan(&state, id, seeker, &params, lang).await?;
    Ok(Json(response))
}

/// The course plan as the API, the web pages and the CLI show it (no access check here).
pub async fn build_course_plan(
    state: &AppState,
    id: String,
    seeker: openpes_matching::Seeker,
    params: &CoursePlanParams,
    lang: UiLang,
) -> Result<CoursePlanResponse, ApiError> {
    if params
        .max_distance_km
        .is_some_and(|d| !d.is_finite() || !(0.0..=20_000.0).contains(&d))
    {
        return Err(ApiError::bad_request(Message::BadRequest(
            "max_distance_km must be 0 to 20000".into(),
        )));
    }
    let handles = state.guidance();
    let occupation = params.occupation.clone();
    let vacancy = params.vacancy.clone();
    let max_courses = params.max_courses.unwrap_or(3).clamp(1, MAX_COURSES);
    let online = params.online.unwrap_or(true);
    let in_person = params.in_person.unwrap_or(true);
    let within = u64::from(params.within_days.unwrap_or(180).min(3 * 365));
    let max_cost = params.max_cost;
    let radius = params.max_distance_km;
    let as_of = today(state);
    let (targets, plan) = blocking(move || -> Result<_, ApiError> {
        let index = read(&handles.matching);
        let guidance = read(&handles.guidance);
        let taxonomy = Arc::clone(index.taxonomy());
        let view = view_of(&index, &seeker)?;
        let demand = handles.demand.get(&index, as_of);
        let targets: Vec<GapTarget> =
            match target_of(&taxonomy, occupation.as_deref(), vacancy.as_deref())? {
                Some(target) => vec![target],
                None if !view.desired.is_empty() => view
                    .desired
                    .iter()
                    .map(|o| GapTarget::Occupation(*o))
                    .collect(),
                None => guidance
                    .reachable(&index, &view, &demand, DEFAULT_TARGETS)
                    .iter()
                    .map(|r| GapTarget::Occupation(r.occupation))
                    .collect(),
            };
        let mut gaps = Vec::new();
        for target in &targets {
            gaps.push(
                guidance
                    .gap(&index, &view, target, &demand)
                    .map_err(guidance_error)?,
            );
        }
        let lists: Vec<&[GapItem]> = gaps.iter().map(|g| g.missing.as_slice()).collect();
        let start = view.available_from.map_or(as_of, |d| d.max(as_of));
        let query = CourseQuery {
            gaps: CourseQuery::weights(&lists),
            earliest: start,
            latest: start.checked_add_days(Days::new(within)).unwrap_or(start),
            location: view.location,
            max_distance_km: radius.or(view.max_distance_km).unwrap_or(50.0),
            online,
            in_person,
            max_courses,
            max_cost,
        };
        Ok((targets, guidance.recommend_courses(&query)))
    })
    .await??;
    let mut courses = Vec::new();
    for pick in &plan.picks {
        courses.push(state.store().course(&pick.course).await?);
    }
    crate::routes::matching::with_index(state, move |index| {
        let taxonomy = Arc::clone(index.taxonomy());
        let speaker = Speaker {
            taxonomy: &taxonomy,
            index,
            lang,
        };
        plan_response(&speaker, id, &targets, &plan, courses)
    })
    .await
}

fn plan_response(
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

// ---------------------------------------------------------------------------------------------
// Handlers: the action plan.

fn step_view(step: PlanStep, as_of: NaiveDate) -> PlanStepView {
    let overdue = step.step.due.is_some_and(|d| d < as_of)
        && !matches!(
            step.step.status,
            openpes_guidance::StepStatus::Done | openpes_guidance::StepStatus::Cancelled
        );
    PlanStepView {
        id: step.id,
        version: step.version,
        step: step.step,
        overdue,
        created_at: step.created_at,
        updated_at: step.updated_at,
        updated_by: step.updated_by,
    }
}

/// A step's course or vacancy must exist.
async fn check_reference(state: &AppState, step: &ActionStep) -> Result<(), ApiError> {
    step.validate().map_err(invalid)?;
    let Some(reference) = &step.reference else {
        return Ok(());
    };
    let exists = match step.kind {
        StepKind::Course => state.store().course(reference).await?.is_some(),
        StepKind::Application => state.store().vacancy(reference).await?.is_some(),
        _ => true,
    };
    if exists {
        Ok(())
    } else {
        Err(invalid(InvalidRecord(vec![FieldError {
            field: "reference".into(),
            message: format!("no course or vacancy with id '{reference}'"),
        }])))
    }
}

/// A seeker's action plan (oldest step first).
#[utoipa::path(get, path = "/api/v1/seekers/{id}/plan", tag = "guidance",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "The plan", body = PlanView)))]
pub async fn get_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PlanView>, ApiError> {
    access::authorize_seeker(&state, &caller, Action::ReadSeeker, &id, "action plan").await?;
    let steps = state.store().plan_steps(&id).await?;
    let as_of = today(&state);
    Ok(Json(PlanView {
        seeker: id,
        steps: steps
            .into_iter()
            .map(|step| step_view(step, as_of))
            .collect(),
    }))
}

/// Adds a step to a seeker's plan (the seeker, their caseworker or an administrator).
#[utoipa::path(post, path = "/api/v1/seekers/{id}/plan", tag = "guidance", request_body = Object,
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 201, description = "Added", body = PlanStepView),
        (status = 422, description = "Invalid fields", body = crate::error::Problem)))]
pub async fn add_step(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    step: Result<Json<ActionStep>, JsonRejection>,
) -> Result<(StatusCode, Json<PlanStepView>), ApiError> {
    access::require_signed_in(&caller)?;
    let step = body(step)?;
    access::authorize_seeker(&state, &caller, Action::ManagePlan, &id, "add plan step").await?;
    if state.store().seeker(&id).await?.is_none() {
        return Err(not_found("seeker", &id));
    }
    check_reference(&state, &step).await?;
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    let step_id = format!("step-{}", uuid::Uuid::new_v4().simple());
    let stored = state
        .store()
        .add_plan_step(&id, &step_id, &step, &by, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(step_view(stored, today(&state)))))
}

/// Changes a step, based on the version the editor read (409 if it changed since).
#[utoipa::path(put, path = "/api/v1/seekers/{id}/plan/{step}", tag = "guidance",
    request_body = StepUpdate,
    params(("id" = String, Path, description = "Seeker id"), ("step" = String, Path, description = "Step id")),
    responses((status = 200, description = "Changed", body = PlanStepView),
        (status = 404, description = "No such step", body = crate::error::Problem),
        (status = 409, description = "Changed since it was read", body = crate::error::Problem)))]
pub async fn update_step(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, step_id)): ApiPath<(String, String)>,
    update: Result<Json<StepUpdate>, JsonRejection>,
) -> Result<Json<PlanStepView>, ApiError> {
    access::require_signed_in(&caller)?;
    let update = body(update)?;
    access::authorize_seeker(&state, &caller, Action::ManagePlan, &id, "change plan step").await?;
    check_reference(&state, &update.step).await?;
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    match state
        .store()
        .update_plan_step(
            &id,
            &step_id,
            update.version,
            &update.step,
            &by,
            state.now(),
        )
        .await
    {
        Ok(Some(step)) => Ok(Json(step_view(step, today(&state)))),
        Ok(None) => Err(not_found("plan step", &step_id)),
        Err(StoreError::Conflict(_)) => {
            let current = state
                .store()
                .plan_steps(&id)
                .await?
                .into_iter()
                .find(|s| s.id == step_id)
                .map_or(0, |s| s.version);
            Err(ApiError::new(
                StatusCode::CONFLICT,
                Message::StepChanged { current },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every version of every step of a seeker's plan: who changed what, when.
#[utoipa::path(get, path = "/api/v1/seekers/{id}/plan/history", tag = "guidance",
    params(("id" = String, Path, description = "Seeker id")),
    responses((status = 200, description = "The history, oldest first", body = PlanHistory)))]
pub async fn plan_history(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<PlanHistory>, ApiError> {
    access::authorize_seeker(
        &state,
        &caller,
        Action::ReadSeeker,
        &id,
        "action plan history",
    )
    .await?;
    let changes = state.store().plan_history(&id).await?;
    Ok(Json(PlanHistory {
        seeker: id,
        changes: changes
            .into_iter()
            .map(|c: StepChange| StepVersion {
                seq: c.seq,
                step_id: c.step_id,
                version: c.version,
                change: c.change,
                step: c.step,
                changed_by: c.changed_by,
                changed_at: c.changed_at,
            })
            .collect(),
    }))
}

// ---------------------------------------------------------------------------------------------
// Handlers: the catalog.

/// Courses of the catalog by id, a page at a time; or the courses teaching one skill.
#[utoipa::path(get, path = "/api/v1/courses", tag = "guidance", params(CourseListParams),
    responses((status = 200, description = "A page of courses", body = CoursePage)))]
pub async fn list_courses(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CourseListParams>,
) -> Result<Json<CoursePage>, ApiError> {
    let limit = params.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let ids: Option<Vec<String>> = match &params.skill {
        Some(uri) => {
            let uri = uri.clone();
            let handles = state.guidance();
            let ids = blocking(move || {
                let index = read(&handles.matching);
                let skill = index
                    .taxonomy()
                    .by_uri(&uri)
                    .ok_or_else(|| ApiError::not_found(Message::ConceptNotFound(uri.clone())))?;
                let mut ids: Vec<String> = read(&handles.guidance)
                    .courses_teaching(skill)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                ids.sort_unstable();
                Ok::<_, ApiError>(ids)
            })
            .await??;
            Some(ids)
        }
        None => None,
    };
    let page = match ids {
        Some(ids) => {
            let mut courses = Vec::new();
            let after = params.after.as_deref().unwrap_or("");
            for id in ids.iter().filter(|i| i.as_str() > after).take(limit + 1) {
                if let Some(c) = state.store().course(id).await? {
                    courses.push(c);
                }
            }
            courses
        }
        None => {
            state
                .store()
                .courses_page(params.after.as_deref(), limit + 1)
                .await?
        }
    };
    let mut courses = page;
    let next_after = if courses.len() > limit {
        courses.truncate(limit);
        courses.last().map(|c| c.id.clone())
    } else {
        None
    };
    Ok(Json(CoursePage {
        courses,
        next_after,
    }))
}

/// One course.
#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "guidance",
    params(("id" = String, Path, description = "Course id")),
    responses((status = 200, description = "The course", body = Object),
        (status = 404, description = "No such course", body = crate::error::Problem)))]
pub async fn get_course(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Course>, ApiError> {
    state
        .store()
        .course(&id)
        .await?
        .map(Json)
        .ok_or_else(|| not_found("course", &id))
}

/// Prepares courses for storing: skills extracted where none are given, then every course
/// checked against the taxonomy and the gazetteer. Errors carry `prefix(i)` before the field.
fn prepare(
    state: &AppState,
    courses: Vec<(String, Course)>,
) -> impl FnOnce() -> Result<Vec<Course>, InvalidRecord> + Send + 'static {
    let index = state.matching();
    let (taxonomy, extractor) = state.extraction();
    move || {
        // Extraction first, without the index; then the checks, holding it only to read.
        let courses: Vec<(String, Course)> = courses
            .into_iter()
            .map(|(at, mut course)| {
                crate::suggest::skills_for_course(&taxonomy, &extractor, &mut course);
                (at, course)
            })
            .collect();
        let index = read(&index);
        let mut errors = Vec::new();
        let mut ready = Vec::with_capacity(courses.len());
        for (at, course) in courses {
            if let Err(bad) = Guidance::check_course(&index, &course) {
                errors.extend(bad.0.into_iter().map(|e| FieldError {
                    field: format!("{at}{}", e.field),
                    message: e.message,
                }));
            }
            ready.push(course);
        }
        if errors.is_empty() {
            Ok(ready)
        } else {
            Err(InvalidRecord(errors))
        }
    }
}

async fn store_courses(state: &AppState, courses: &[Course]) -> Result<(), ApiError> {
    state.store().put_courses(courses, state.now()).await?;
    let courses = courses.to_vec();
    let handles = state.guidance();
    blocking(move || {
        let index = read(&handles.matching);
        let mut guidance = write(&handles.guidance);
        courses
            .iter()
            .try_for_each(|course| guidance.upsert_course(&index, course))
    })
    .await?
    .map_err(invalid)
}

/// Adds or replaces a course (skills are extracted from its text when none are given).
#[utoipa::path(put, path = "/api/v1/courses/{id}", tag = "guidance", request_body = Object,
    params(("id" = String, Path, description = "Course id")),
    responses((status = 200, description = "Stored (with any extracted skills)", body = Object),
        (status = 422, description = "Invalid fields", body = crate::error::Problem)))]
pub async fn put_course(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    course: Result<Json<Course>, JsonRejection>,
) -> Result<Json<Course>, ApiError> {
    access::require_signed_in(&caller)?;
    access::authorize_system(&caller, Action::ManageCourses)?;
    let course = body(course)?;
    crate::routes::matching::same_id(&id, &course.id)?;
    let ready = blocking(prepare(&state, vec![(String::new(), course)]))
        .await?
        .map_err(invalid)?;
    store_courses(&state, &ready).await?;
    ready
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(|| ApiError::internal(&"no course prepared"))
}

/// Removes a course from the catalog.
#[utoipa::path(delete, path = "/api/v1/courses/{id}", tag = "guidance",
    params(("id" = String, Path, description = "Course id")),
    responses((status = 204, description = "Removed"),
        (status = 404, description = "No such course", body = crate::error::Problem)))]
pub async fn delete_course(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    access::require_signed_in(&caller)?;
    access::authorize_system(&caller, Action::ManageCourses)?;
    if !state.store().delete_course(&id, state.now()).await? {
        return Err(not_found("course", &id));
    }
    let guidance = state.guidance().guidance;
    blocking(move || write(&guidance).remove_course(&id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Imports courses, all or nothing; every error names its line and field.
///
/// - `Content-Type: text/csv`: a header row, then one course per row. Columns `id`, `title`,
///   `provider`, `mode` are required; `description`, `skills` (URIs separated by `|`),
///   `place`, `start_dates` (ISO dates separated by `|`), `hours`, `cost`,
///   `public_funding` (0–1), `language`, `url` are optional.
/// - anything else: JSON lines, one course per line (blank lines skipped).
///
/// Courses naming no skills get the skills their title and description name.
#[utoipa::path(post, path = "/api/v1/courses/import", tag = "guidance",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "All stored", body = CourseImportSummary),
        (status = 422, description = "Bad records (listed in `errors`); nothing stored", body = crate::error::Problem)))]
pub async fn import_courses(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    text: String,
) -> Result<Json<CourseImportSummary>, ApiError> {
    access::require_signed_in(&caller)?;
    access::authorize_system(&caller, Action::ManageCourses)?;
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    Ok(Json(import_course_text(&state, &text, csv).await?))
}

/// Reads, prepares and stores courses from CSV or JSON lines, all or nothing (no access check
/// here).
pub async fn import_course_text(
    state: &AppState,
    text: &str,
    csv: bool,
) -> Result<CourseImportSummary, ApiError> {
    let parsed = if csv {
        openpes_guidance::formats::read_course_csv(text)
    } else {
        openpes_guidance::formats::read_course_lines(text)
    };
    let courses = parsed.map_err(invalid)?;
    let ready = blocking(prepare(state, courses)).await?.map_err(invalid)?;
    store_courses(state, &ready).await?;
    Ok(CourseImportSummary {
        stored: ready.len(),
        skills_extracted: ready.iter().filter(|c| c.skills_extracted).count(),
    })
}
