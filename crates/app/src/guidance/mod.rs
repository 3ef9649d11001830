//! Career guidance as use cases: a seeker's skills gap, the occupations their skills reach, the
//! courses that close their gaps, their action plan and the training catalog. Every result
//! is explained in the reader's language ([`speaker`]); every read of a seeker's record is an
//! audited access, and the plan is changed only by the seeker or their caseworker.
//!
//! Scores are sums of documented parts ([`openpes_guidance::reachable`]); the set cover is
//! documented in [`openpes_guidance::courses`].

mod speaker;

use crate::access::{self, Action};
use crate::auth::Caller;
use crate::error::{invalid, not_found};
use crate::views::{ConceptRef, ScorePart};
use crate::words::{Message, UiLang};
use crate::{blocking, read, write, App, AppError, ErrorKind};
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
use speaker::Speaker;
use std::sync::Arc;

/// Most reachable occupations in one answer.
pub const MAX_REACHABLE: usize = 50;
/// Most courses in one plan.
pub const MAX_COURSES: usize = 10;
/// Most courses listed on one page of the catalog.
pub const MAX_PAGE: usize = 200;
/// Targets a default course plan is built for (the best reachable occupations).
const DEFAULT_TARGETS: usize = 3;

// ---------------------------------------------------------------------------------------------
// What the use cases answer with.

/// Where demand was counted.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemandScope {
    /// `region` (the seeker's county or city) or `national`.
    pub kind: String,
    /// Gazetteer code of the region.
    pub code: Option<String>,
    /// Its name in the requested language ("Taiwan" / "全國" nationwide).
    pub name: String,
}

/// A skill the seeker lacks.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionView {
    /// `named` (the taxonomy names it as a move from `from`), `desired`, `same_group` (shares
    /// its group with `from`) or `skills`.
    pub kind: String,
    pub from: Option<ConceptRef>,
}

/// Demand for an occupation in the scope.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SalaryView {
    pub vacancies: u32,
    pub p25: u32,
    pub median: u32,
    pub p75: u32,
}

/// The occupation's ISCO-08 skill level against the seeker's education.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelView {
    pub occupation_level: Option<u8>,
    pub seeker_level: Option<u8>,
    /// `fits`, `over_qualified`, `under_qualified` or `unknown`.
    pub qualification: String,
    pub over_qualified: bool,
    pub label: String,
}

/// One reachable occupation, explained.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReachableResponse {
    pub seeker: String,
    pub scope: DemandScope,
    pub results: Vec<ReachableOccupation>,
}

/// A recommended course.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseChoice {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub course: Course,
    /// Gaps this course closes that no earlier choice closes.
    pub closes: Vec<ConceptRef>,
    /// Gaps it also teaches that an earlier choice closes.
    pub also_teaches: Vec<ConceptRef>,
    /// Summed weight of `closes`.
    pub weight: f32,
    /// First session inside the window (ISO date).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub start: NaiveDate,
    pub distance_km: Option<f64>,
    /// What the learner pays after public funding.
    pub cost_to_learner: Option<u32>,
    pub explanation: String,
}

/// A target a course plan closes gaps for.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanTarget {
    pub occupation: Option<ConceptRef>,
    pub vacancy: Option<String>,
}

/// Courses chosen to close the most important gaps.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanStepView {
    pub id: String,
    /// Pass it back when changing the step.
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub step: ActionStep,
    /// Due before today and neither done nor cancelled.
    pub overdue: bool,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// A seeker's action plan.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanView {
    pub seeker: String,
    pub steps: Vec<PlanStepView>,
}

/// A change of an action-plan step.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepUpdate {
    /// The version the change is based on.
    pub version: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub step: ActionStep,
}

/// One version of a step.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepVersion {
    pub seq: i64,
    pub step_id: String,
    pub version: i64,
    /// `created` or `updated`.
    pub change: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub step: ActionStep,
    pub changed_by: String,
    pub changed_at: String,
}

/// The history of a seeker's plan.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanHistory {
    pub seeker: String,
    pub changes: Vec<StepVersion>,
}

/// A page of the catalog.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoursePage {
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub courses: Vec<Course>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<String>,
}

/// What an import stored.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CourseImportSummary {
    pub stored: usize,
    /// Courses whose skills were extracted from their text.
    pub skills_extracted: usize,
}

// ---------------------------------------------------------------------------------------------
// What the caller asks for.

/// The target of a gap analysis or a course plan: at most one of an occupation (URI) and a
/// vacancy (id).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TargetChoice {
    pub occupation: Option<String>,
    pub vacancy: Option<String>,
}

/// What to plan courses for and the seeker's constraints. Without a target, the plan closes
/// the gaps of the occupations the seeker wants, or else of their three best reachable ones.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CoursePlanOptions {
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
}

/// Which page of the catalog.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CourseListing {
    /// Only courses teaching this skill (URI).
    pub skill: Option<String>,
    /// The `next_after` of the previous page.
    pub after: Option<String>,
    /// Courses per page, 1 to 200 (default 50).
    pub limit: Option<usize>,
}

// ---------------------------------------------------------------------------------------------
// Shared steps.

fn guidance_error(error: GuidanceError) -> AppError {
    match error {
        GuidanceError::UnknownVacancy(id) => not_found("vacancy", &id),
        GuidanceError::NotAnOccupation(uri) => {
            AppError::bad_request(Message::BadRequest(format!("'{uri}' is not an occupation")))
        }
    }
}

/// The seeker's record, after the access check (logged with `purpose`).
async fn seeker_for(
    state: &App,
    caller: &Caller,
    id: &str,
    action: Action,
    purpose: &str,
) -> Result<openpes_matching::Seeker, AppError> {
    access::authorize_seeker(state, caller, action, id, purpose).await?;
    state
        .store()
        .seeker(id)
        .await?
        .ok_or_else(|| not_found("seeker", id))
}

fn view_of(index: &MatchIndex, seeker: &openpes_matching::Seeker) -> Result<SeekerView, AppError> {
    index.seeker_view(seeker).map_err(invalid)
}

/// Exactly one target from `occupation` / `vacancy`, or none.
fn target_of(
    taxonomy: &Taxonomy,
    occupation: Option<&str>,
    vacancy: Option<&str>,
) -> Result<Option<GapTarget>, AppError> {
    match (occupation, vacancy) {
        (Some(_), Some(_)) => Err(AppError::bad_request(Message::BadRequest(
            "give either occupation or vacancy, not both".into(),
        ))),
        (Some(uri), None) => taxonomy
            .by_uri(uri)
            .map(|id| Some(GapTarget::Occupation(id)))
            .ok_or_else(|| AppError::not_found(Message::ConceptNotFound(uri.to_string()))),
        (None, Some(id)) => Ok(Some(GapTarget::Vacancy(id.to_string()))),
        (None, None) => Ok(None),
    }
}

fn today(state: &App) -> NaiveDate {
    state.now().date_naive()
}

// ---------------------------------------------------------------------------------------------
// Gap, reachable occupations, course plan.

/// A seeker's skills gap to an occupation or a vacancy, explained (an audited read).
pub async fn gap(
    state: &App,
    caller: &Caller,
    id: &str,
    target: &TargetChoice,
    lang: UiLang,
) -> Result<GapResponse, AppError> {
    let seeker = seeker_for(state, caller, id, Action::ReadSeeker, "skills gap").await?;
    gap_of(state, id.to_string(), seeker, target, lang).await
}

/// A seeker's gap, for a caller already authorized to read the record (the CLI, the pages).
pub async fn gap_of(
    state: &App,
    id: String,
    seeker: openpes_matching::Seeker,
    target: &TargetChoice,
    lang: UiLang,
) -> Result<GapResponse, AppError> {
    let handles = state.guidance();
    let (occupation, vacancy) = (target.occupation.clone(), target.vacancy.clone());
    let as_of = today(state);
    blocking(move || {
        let index = read(&handles.matching);
        let guidance = read(&handles.guidance);
        let taxonomy = Arc::clone(index.taxonomy());
        let target =
            target_of(&taxonomy, occupation.as_deref(), vacancy.as_deref())?.ok_or_else(|| {
                AppError::bad_request(Message::BadRequest(
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
/// its gaps (an audited read).
pub async fn reachable(
    state: &App,
    caller: &Caller,
    id: &str,
    limit: Option<usize>,
    lang: UiLang,
) -> Result<ReachableResponse, AppError> {
    let seeker = seeker_for(
        state,
        caller,
        id,
        Action::ReadSeeker,
        "reachable occupations",
    )
    .await?;
    reachable_of(state, id.to_string(), seeker, limit, lang).await
}

/// Reachable occupations, for a caller already authorized to read the record.
pub async fn reachable_of(
    state: &App,
    id: String,
    seeker: openpes_matching::Seeker,
    limit: Option<usize>,
    lang: UiLang,
) -> Result<ReachableResponse, AppError> {
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
/// place, mode, dates and cost), each with the gaps it closes (an audited read).
pub async fn course_plan(
    state: &App,
    caller: &Caller,
    id: &str,
    options: &CoursePlanOptions,
    lang: UiLang,
) -> Result<CoursePlanResponse, AppError> {
    let seeker = seeker_for(state, caller, id, Action::ReadSeeker, "course plan").await?;
    build_course_plan(state, id.to_string(), seeker, options, lang).await
}

/// The course plan, for a caller already authorized to read the record.
pub async fn build_course_plan(
    state: &App,
    id: String,
    seeker: openpes_matching::Seeker,
    params: &CoursePlanOptions,
    lang: UiLang,
) -> Result<CoursePlanResponse, AppError> {
    if params
        .max_distance_km
        .is_some_and(|d| !d.is_finite() || !(0.0..=20_000.0).contains(&d))
    {
        return Err(AppError::bad_request(Message::BadRequest(
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
    let (targets, plan) = blocking(move || -> Result<_, AppError> {
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
    state
        .with_index(move |index| {
            let taxonomy = Arc::clone(index.taxonomy());
            let speaker = Speaker {
                taxonomy: &taxonomy,
                index,
                lang,
            };
            speaker::plan_response(&speaker, id, &targets, &plan, courses)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// The action plan.

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
async fn check_reference(state: &App, step: &ActionStep) -> Result<(), AppError> {
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

/// A seeker's action plan, oldest step first (an audited read).
pub async fn plan(state: &App, caller: &Caller, id: &str) -> Result<PlanView, AppError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, id, "action plan").await?;
    let steps = state.store().plan_steps(id).await?;
    let as_of = today(state);
    Ok(PlanView {
        seeker: id.to_string(),
        steps: steps
            .into_iter()
            .map(|step| step_view(step, as_of))
            .collect(),
    })
}

/// Adds a step to a seeker's plan (the seeker, their caseworker or an administrator).
pub async fn add_step(
    state: &App,
    caller: &Caller,
    id: &str,
    step: ActionStep,
) -> Result<PlanStepView, AppError> {
    access::require_signed_in(caller)?;
    access::authorize_seeker(state, caller, Action::ManagePlan, id, "add plan step").await?;
    if state.store().seeker(id).await?.is_none() {
        return Err(not_found("seeker", id));
    }
    check_reference(state, &step).await?;
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    let step_id = format!("step-{}", uuid::Uuid::new_v4().simple());
    let stored = state
        .store()
        .add_plan_step(id, &step_id, &step, &by, state.now())
        .await?;
    Ok(step_view(stored, today(state)))
}

/// Changes a step, based on the version the editor read (a conflict if it changed since).
pub async fn update_step(
    state: &App,
    caller: &Caller,
    id: &str,
    step_id: &str,
    update: StepUpdate,
) -> Result<PlanStepView, AppError> {
    access::require_signed_in(caller)?;
    access::authorize_seeker(state, caller, Action::ManagePlan, id, "change plan step").await?;
    check_reference(state, &update.step).await?;
    let by = caller.user().map(|u| u.id.clone()).unwrap_or_default();
    match state
        .store()
        .update_plan_step(id, step_id, update.version, &update.step, &by, state.now())
        .await
    {
        Ok(Some(step)) => Ok(step_view(step, today(state))),
        Ok(None) => Err(not_found("plan step", step_id)),
        Err(StoreError::Conflict(_)) => {
            let current = state
                .store()
                .plan_steps(id)
                .await?
                .into_iter()
                .find(|s| s.id == step_id)
                .map_or(0, |s| s.version);
            Err(AppError::new(
                ErrorKind::Conflict,
                Message::StepChanged { current },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Every version of every step of a seeker's plan: who changed what, when (an audited read).
pub async fn plan_history(state: &App, caller: &Caller, id: &str) -> Result<PlanHistory, AppError> {
    access::authorize_seeker(state, caller, Action::ReadSeeker, id, "action plan history").await?;
    let changes = state.store().plan_history(id).await?;
    Ok(PlanHistory {
        seeker: id.to_string(),
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
    })
}

// ---------------------------------------------------------------------------------------------
// The catalog (reading is public; changing it needs an administrator or a `courses:write`
// token).

/// Courses of the catalog by id, a page at a time; or the courses teaching one skill.
pub async fn courses(state: &App, listing: &CourseListing) -> Result<CoursePage, AppError> {
    let limit = listing.limit.unwrap_or(50).clamp(1, MAX_PAGE);
    let ids: Option<Vec<String>> = match &listing.skill {
        Some(uri) => {
            let uri = uri.clone();
            let handles = state.guidance();
            let ids = blocking(move || {
                let index = read(&handles.matching);
                let skill = index
                    .taxonomy()
                    .by_uri(&uri)
                    .ok_or_else(|| AppError::not_found(Message::ConceptNotFound(uri.clone())))?;
                let mut ids: Vec<String> = read(&handles.guidance)
                    .courses_teaching(skill)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                ids.sort_unstable();
                Ok::<_, AppError>(ids)
            })
            .await??;
            Some(ids)
        }
        None => None,
    };
    let mut courses = match ids {
        Some(ids) => {
            let mut courses = Vec::new();
            let after = listing.after.as_deref().unwrap_or("");
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
                .courses_page(listing.after.as_deref(), limit + 1)
                .await?
        }
    };
    let next_after = if courses.len() > limit {
        courses.truncate(limit);
        courses.last().map(|c| c.id.clone())
    } else {
        None
    };
    Ok(CoursePage {
        courses,
        next_after,
    })
}

/// One course.
pub async fn course(state: &App, id: &str) -> Result<Course, AppError> {
    state
        .store()
        .course(id)
        .await?
        .ok_or_else(|| not_found("course", id))
}

/// Prepares courses for storing: skills extracted where none are given, then every course
/// checked against the taxonomy and the gazetteer. Errors carry `prefix(i)` before the field.
fn prepare(
    state: &App,
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

async fn store_courses(state: &App, courses: &[Course]) -> Result<(), AppError> {
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
pub async fn put_course(state: &App, caller: &Caller, course: Course) -> Result<Course, AppError> {
    access::require_signed_in(caller)?;
    access::authorize_system(caller, Action::ManageCourses)?;
    let ready = blocking(prepare(state, vec![(String::new(), course)]))
        .await?
        .map_err(invalid)?;
    store_courses(state, &ready).await?;
    ready
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal(&"no course prepared"))
}

/// Removes a course from the catalog.
pub async fn delete_course(state: &App, caller: &Caller, id: &str) -> Result<(), AppError> {
    access::require_signed_in(caller)?;
    access::authorize_system(caller, Action::ManageCourses)?;
    if !state.store().delete_course(id, state.now()).await? {
        return Err(not_found("course", id));
    }
    let guidance = state.guidance().guidance;
    let id = id.to_string();
    blocking(move || write(&guidance).remove_course(&id)).await?;
    Ok(())
}

/// Imports courses from CSV or JSON lines for an administrator or a `courses:write` token.
pub async fn import_courses(
    state: &App,
    caller: &Caller,
    text: &str,
    csv: bool,
) -> Result<CourseImportSummary, AppError> {
    access::require_signed_in(caller)?;
    access::authorize_system(caller, Action::ManageCourses)?;
    import_course_text(state, text, csv).await
}

/// Reads, prepares and stores courses from CSV or JSON lines, all or nothing, every error
/// naming its line and field (no access check here: the CLI runs as the operator).
pub async fn import_course_text(
    state: &App,
    text: &str,
    csv: bool,
) -> Result<CourseImportSummary, AppError> {
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
