//! Route handlers, one module per area of the API.

pub mod analytics;
pub mod applications;
pub mod benefits;
pub mod extract;
pub mod guidance;
pub mod health;
pub mod matching;
pub mod offers;
pub mod people;
pub mod search;
pub mod taxonomy;

use crate::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The API's routes over the bounded body limit, each registered from its handler's
/// `#[utoipa::path]` (so a path is written once, and the OpenAPI document lists exactly the
/// routes served), with the health probes.
pub fn bounded() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .routes(routes!(taxonomy::search))
        .routes(routes!(taxonomy::concept))
        .routes(routes!(taxonomy::concept_by_uri))
        .routes(routes!(taxonomy::occupation_skills))
        .routes(routes!(taxonomy::skill_occupations))
        .routes(routes!(taxonomy::related))
        .routes(routes!(taxonomy::hierarchy_roots))
        .routes(routes!(taxonomy::hierarchy_at))
        .routes(routes!(taxonomy::stats))
        .routes(routes!(taxonomy::versions))
        .routes(routes!(extract::extract))
        .routes(routes!(
            matching::put_seeker,
            matching::get_seeker,
            matching::delete_seeker
        ))
        .routes(routes!(matching::seeker_matches))
        .routes(routes!(matching::put_employer))
        .routes(routes!(
            matching::put_vacancy,
            matching::get_vacancy,
            matching::delete_vacancy
        ))
        .routes(routes!(matching::vacancy_candidates))
        .routes(routes!(matching::import_vacancies))
        .routes(routes!(matching::vacancy_changes))
        .routes(routes!(matching::decide_vacancy_suggestions))
        .routes(routes!(matching::decide_seeker_suggestions))
        .routes(routes!(search::search))
        .routes(routes!(search::snapshot))
        .routes(routes!(people::register_api))
        .routes(routes!(people::confirm_registration_api))
        .routes(routes!(people::login_api))
        .routes(routes!(people::logout_api))
        .routes(routes!(people::request_reset_api))
        .routes(routes!(people::confirm_reset_api))
        .routes(routes!(people::me))
        .routes(routes!(people::list_tokens_api, people::create_token_api))
        .routes(routes!(people::revoke_token_api))
        .routes(routes!(people::consent_api))
        .routes(routes!(people::seeker_audit_api))
        .routes(routes!(people::notes_api, people::add_note_api))
        .routes(routes!(people::caseload_api))
        .routes(routes!(people::audit_api))
        .routes(routes!(people::users_api, people::create_user_api))
        .routes(routes!(people::disable_user_api))
        .routes(routes!(people::assign_api))
        .routes(routes!(people::offices_api))
        .routes(routes!(people::put_office_api))
        .routes(routes!(people::outbox_api))
        .routes(routes!(analytics::summary_api))
        .routes(routes!(benefits::programs))
        .routes(routes!(benefits::parameters))
        .routes(routes!(benefits::calculate))
        .routes(routes!(benefits::create_claim))
        .routes(routes!(benefits::get_claim))
        .routes(routes!(benefits::seeker_claims))
        .routes(routes!(benefits::review_queue))
        .routes(routes!(benefits::review_claim))
        .routes(routes!(benefits::import_insurance))
        .routes(routes!(benefits::redetermine))
        .routes(routes!(guidance::gap))
        .routes(routes!(guidance::reachable))
        .routes(routes!(guidance::course_plan))
        .routes(routes!(guidance::get_plan, guidance::add_step))
        .routes(routes!(guidance::update_step))
        .routes(routes!(guidance::plan_history))
        .routes(routes!(guidance::list_courses))
        .routes(routes!(
            guidance::get_course,
            guidance::put_course,
            guidance::delete_course
        ))
        .routes(routes!(guidance::import_courses))
        .routes(routes!(applications::saved))
        .routes(routes!(applications::save, applications::unsave))
        .routes(routes!(applications::of_seeker, applications::apply))
        .routes(routes!(applications::get))
        .routes(routes!(applications::set_status))
        .routes(routes!(applications::of_vacancy))
        .routes(routes!(offers::contact_api))
        .routes(routes!(offers::contact_candidate_api))
        .routes(routes!(offers::record_referral_api, offers::referrals_api))
        .routes(routes!(offers::propose_offer_api))
        .routes(routes!(offers::settle_api))
        .routes(routes!(offers::employers_api))
        .routes(routes!(offers::verify_employer_api))
}

/// The API's upload routes (the larger body limit of [`crate::MAX_UPLOAD_BYTES`]).
pub fn uploads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(extract::extract_file))
}
