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
//!
//! The handlers only read the request and call [`openpes_app::guidance`], where the use cases,
//! their answers and their wording live.

use crate::auth::Caller;
use crate::error::{ApiError, ApiPath, ApiQuery};
use crate::routes::matching::{body, same_id};
use crate::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use openpes_app::guidance::{self as use_case, CourseListing, CoursePlanOptions, TargetChoice};
use openpes_guidance::{ActionStep, Course};
use serde::Deserialize;
use utoipa::IntoParams;

pub use openpes_app::guidance::{
    CourseImportSummary, CoursePage, CoursePlanResponse, GapResponse, PlanHistory, PlanStepView,
    PlanView, ReachableResponse, StepUpdate,
};

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

impl GapParams {
    /// The target the parameters name.
    pub fn target(&self) -> TargetChoice {
        TargetChoice {
            occupation: self.occupation.clone(),
            vacancy: self.vacancy.clone(),
        }
    }
}

impl CoursePlanParams {
    /// The plan's options (everything but the language).
    pub fn options(&self) -> CoursePlanOptions {
        CoursePlanOptions {
            occupation: self.occupation.clone(),
            vacancy: self.vacancy.clone(),
            max_courses: self.max_courses,
            max_distance_km: self.max_distance_km,
            online: self.online,
            in_person: self.in_person,
            within_days: self.within_days,
            max_cost: self.max_cost,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers.

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
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        use_case::gap(&state, &caller, &id, &params.target(), lang).await?,
    ))
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
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        use_case::reachable(&state, &caller, &id, params.limit, lang).await?,
    ))
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
    let lang = crate::i18n::request_lang(params.lang.as_deref(), &headers);
    Ok(Json(
        use_case::course_plan(&state, &caller, &id, &params.options(), lang).await?,
    ))
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
    Ok(Json(use_case::plan(&state, &caller, &id).await?))
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
    openpes_app::access::require_signed_in(&caller)?;
    let step = body(step)?;
    let added = use_case::add_step(&state, &caller, &id, step).await?;
    Ok((StatusCode::CREATED, Json(added)))
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
    openpes_app::access::require_signed_in(&caller)?;
    let update = body(update)?;
    Ok(Json(
        use_case::update_step(&state, &caller, &id, &step_id, update).await?,
    ))
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
    Ok(Json(use_case::plan_history(&state, &caller, &id).await?))
}

/// Courses of the catalog by id, a page at a time; or the courses teaching one skill.
#[utoipa::path(get, path = "/api/v1/courses", tag = "guidance", params(CourseListParams),
    responses((status = 200, description = "A page of courses", body = CoursePage)))]
pub async fn list_courses(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CourseListParams>,
) -> Result<Json<CoursePage>, ApiError> {
    let listing = CourseListing {
        skill: params.skill,
        after: params.after,
        limit: params.limit,
    };
    Ok(Json(use_case::courses(&state, &listing).await?))
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
    Ok(Json(use_case::course(&state, &id).await?))
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
    openpes_app::access::require_signed_in(&caller)?;
    openpes_app::access::authorize_system(&caller, openpes_app::access::Action::ManageCourses)?;
    let course = body(course)?;
    same_id(&id, &course.id)?;
    Ok(Json(use_case::put_course(&state, &caller, course).await?))
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
    use_case::delete_course(&state, &caller, &id).await?;
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
    let csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    Ok(Json(
        use_case::import_courses(&state, &caller, &text, csv).await?,
    ))
}
