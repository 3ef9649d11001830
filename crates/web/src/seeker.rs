//! A job seeker's record page, for the seeker and their caseworker: the CV (pasted or a
//! file) and the suggestions read from it, skills, consent (the seeker's alone), case notes,
//! the action plan, guidance, matches, and who looked at the record.

use super::*;

pub(super) async fn seeker_page(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
) -> Response {
    let result = async {
        let grant =
            access::authorize_seeker(&state, &page.caller, Action::ReadSeeker, &id, "web profile")
                .await?;
        let seeker = state
            .store()
            .seeker(&id)
            .await?
            .ok_or_else(|| openpes_app::error::not_found("seeker", &id))?;
        let person_name = state
            .store()
            .user_of_seeker(&id)
            .await?
            .map_or_else(|| id.clone(), |u| u.display_name);
        let taxonomy = state.taxonomy();
        let matches = ranked_matches(&state, Some(10), page.lang, Side::Seeker(id.clone())).await?;
        let notes = match page.caller.user().map(|u| u.role) {
            Some(Role::Caseworker | Role::Admin) => Some(openpes_app::casework::notes(&state, &page.caller, &id).await?),
            _ => None,
        };
        // Guidance is read with the page's access (already logged); a seeker whose record no
        // longer resolves still sees the rest of the page.
        let reachable = g::reachable_of(&state, id.clone(), seeker.clone(), Some(5), page.lang)
            .await
            .ok();
        let course_plan = g::build_course_plan(
            &state,
            id.clone(),
            seeker.clone(),
            &g::CoursePlanOptions::default(),
            page.lang,
        )
        .await
        .ok();
        let saved = a::saved_views(&state, &id).await?.saved;
        let applications = a::application_views(&state, &page.caller, &id, page.lang).await?;
        let plan: Vec<PlanStepRow> = state
            .store()
            .plan_steps(&id)
            .await?
            .into_iter()
            .map(|s| plan_row(s, page.lang, state.now().date_naive()))
            .collect();
        Ok(page.ok(
            "seeker.html",
            context! {
                person_name,
                suggestions => suggestion_views(&taxonomy, &seeker.suggestions, page.lang),
                skills => seeker.skills.iter().map(|s| labelled(&taxonomy, &s.concept, page.lang)).collect::<Vec<_>>(),
                occupations => seeker.desired_occupations.iter().map(|o| labelled(&taxonomy, o, page.lang).label).collect::<Vec<_>>(),
                can_consent => grant == Grant::OwnRecord,
                matches,
                notes => notes.map(|n| serde_json::to_value(n).unwrap_or_default()),
                reachable => reachable.map(|r| serde_json::to_value(r.results).unwrap_or_default()),
                course_plan => course_plan.map(|c| serde_json::to_value(c).unwrap_or_default()),
                plan,
                saved => Value::from_serialize(&saved),
                applications => Value::from_serialize(&applications),
                today => state.now().date_naive().to_string(),
                seeker => Value::from_serialize(&seeker),
            },
        ))
    }
    .await;
    finish(&page, result)
}

/// Stores a seeker through the use case (authorization, validation, index, audit).
pub(super) async fn store_seeker(
    state: &AppState,
    page: &Page,
    seeker: Seeker,
) -> Result<(), PageError> {
    let id = seeker.id.clone();
    records::put_seeker(state, &page.caller, &id, seeker).await?;
    Ok(())
}

/// The seeker record for a change: authorized first, so that nothing is read for a caller who
/// may not change it.
pub(super) async fn seeker_for_change(
    state: &AppState,
    page: &Page,
    id: &str,
    purpose: &str,
) -> Result<Seeker, PageError> {
    access::authorize_seeker(state, &page.caller, Action::UpdateSeeker, id, purpose).await?;
    Ok(state
        .store()
        .seeker(id)
        .await?
        .ok_or_else(|| openpes_app::error::not_found("seeker", id))?)
}

#[derive(Deserialize)]
pub(super) struct CvForm {
    cv_text: String,
    #[serde(default)]
    place: String,
}

pub(super) async fn seeker_cv(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<CvForm>,
) -> Response {
    let result = async {
        let mut seeker = seeker_for_change(&state, &page, &id, "web CV").await?;
        seeker.place = Some(form.place.trim().to_string()).filter(|p| !p.is_empty());
        seeker.location = None;
        read_cv(&state, &page, seeker, form.cv_text).await
    }
    .await;
    finish(&page, result)
}

/// Keeps a CV's text on the seeker's record, refreshes the suggestions read from it, and goes
/// to the suggestions to confirm.
pub(super) async fn read_cv(
    state: &AppState,
    page: &Page,
    mut seeker: Seeker,
    cv_text: String,
) -> Result<Response, PageError> {
    let id = seeker.id.clone();
    seeker.cv_text = Some(cv_text).filter(|t| !t.trim().is_empty());
    let (taxonomy, extractor) = state.extraction();
    let seeker = openpes_app::blocking(move || {
        openpes_app::suggest::refresh_seeker_suggestions(&taxonomy, &extractor, &mut seeker);
        seeker
    })
    .await?;
    store_seeker(state, page, seeker).await?;
    Ok(see_other(&format!("/seekers/{id}?done=saved#sugg-h")))
}

/// A CV uploaded as PDF, DOCX or text: its text replaces the pasted CV.
pub(super) async fn seeker_cv_file(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    mut form: axum::extract::Multipart,
) -> Response {
    let result = async {
        let seeker = seeker_for_change(&state, &page, &id, "web CV file").await?;
        let mut file = None;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| PageError::bad_request(Message::BadRequest(e.body_text())))?
        {
            if field.name() == Some("cv_file") {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| PageError::bad_request(Message::BadRequest(e.body_text())))?;
                file = Some(bytes);
            }
        }
        let file = file.ok_or_else(|| {
            PageError::bad_request(Message::BadRequest("no file in the form (cv_file)".into()))
        })?;
        let (_, text) = openpes_app::documents::file_text(&state, file).await?;
        read_cv(&state, &page, seeker, text).await
    }
    .await;
    finish(&page, result)
}

pub(super) async fn seeker_suggestions(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let seeker = seeker_for_change(&state, &page, &id, "web suggestions").await?;
        let decided = decision(&pairs, &seeker.suggestions);
        let _updated =
            records::decide_seeker_suggestions(&state, &page.caller, &id, &decided).await?;
        Ok(see_other(&format!("/seekers/{id}?done=saved")))
    }
    .await;
    finish(&page, result)
}

/// A skill named by URI or by a label in any language.
pub(super) fn find_skill(taxonomy: &Taxonomy, text: &str) -> Option<String> {
    let text = text.trim();
    if let Some(id) = taxonomy.by_uri(text) {
        return Some(taxonomy.concept(id).uri.clone());
    }
    taxonomy
        .by_label(text)
        .iter()
        .find(|id| taxonomy.concept(**id).kind == ConceptKind::Skill)
        .map(|id| taxonomy.concept(*id).uri.clone())
}

#[derive(Deserialize)]
pub(super) struct SkillForm {
    #[serde(default)]
    add: Option<String>,
    #[serde(default)]
    remove: Option<String>,
}

pub(super) async fn seeker_skills(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<SkillForm>,
) -> Response {
    let result = async {
        let mut seeker = seeker_for_change(&state, &page, &id, "web skills").await?;
        if let Some(text) = form.add.as_deref().filter(|t| !t.trim().is_empty()) {
            let uri = find_skill(&state.taxonomy(), text).ok_or_else(|| {
                PageError::bad_request(Message::UnknownFilterValue {
                    param: "skill".into(),
                    value: text.to_string(),
                })
            })?;
            if !seeker.skills.iter().any(|s| s.concept == uri) {
                seeker.skills.push(SeekerSkill {
                    concept: uri,
                    source: SkillSource::Declared,
                    level: None,
                });
            }
        }
        if let Some(uri) = &form.remove {
            seeker.skills.retain(|s| &s.concept != uri);
        }
        store_seeker(&state, &page, seeker).await?;
        Ok(see_other(&format!("/seekers/{id}?done=saved#skills-h")))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct ConsentForm {
    #[serde(default)]
    findable: Option<String>,
    #[serde(default)]
    outreach: Option<String>,
}

pub(super) async fn seeker_consent(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<ConsentForm>,
) -> Response {
    let consent = Consent {
        findable: form.findable.is_some(),
        outreach: form.outreach.is_some(),
    };
    let result = async {
        openpes_app::casework::set_consent(&state, &page.caller, &id, consent).await?;
        Ok(see_other(&format!("/seekers/{id}?done=saved")))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct NoteForm {
    body: String,
}

pub(super) async fn seeker_note(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    let result = async {
        openpes_app::casework::add_note(&state, &page.caller, &id, &form.body).await?;
        Ok(see_other(&format!("/seekers/{id}?done=saved#notes-h")))
    }
    .await;
    finish(&page, result)
}

/// One step of the action plan as the page shows it.
#[derive(Serialize)]
pub(super) struct PlanStepRow {
    id: String,
    version: i64,
    title: String,
    kind: &'static str,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
}

pub(super) fn plan_row(
    step: openpes_store::PlanStep,
    lang: UiLang,
    today: chrono::NaiveDate,
) -> PlanStepRow {
    use openpes_guidance::{StepKind as K, StepStatus as S};
    let overdue = step.step.due.is_some_and(|d| d < today)
        && !matches!(step.step.status, S::Done | S::Cancelled);
    PlanStepRow {
        id: step.id,
        version: step.version,
        title: step.step.title,
        kind: i18n::word(
            lang,
            match step.step.kind {
                K::Course => "kind_course",
                K::Application => "kind_application",
                K::Counselling => "kind_counselling",
                K::Document => "kind_document",
                K::Other => "kind_other",
            },
        ),
        status: match step.step.status {
            S::Planned => "planned",
            S::InProgress => "in_progress",
            S::Done => "done",
            S::Cancelled => "cancelled",
        },
        due: step.step.due.map(|d| d.to_string()),
        overdue,
    }
}

#[derive(Deserialize)]
pub(super) struct PlanForm {
    kind: openpes_guidance::StepKind,
    title: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    due: String,
}

/// Adds a step through the API's handler (authorization, checks, history).
pub(super) async fn seeker_plan_add(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<PlanForm>,
) -> Response {
    let result = async {
        let due = match form.due.trim() {
            "" => None,
            text => Some(
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                    PageError::bad_request(Message::BadRequest(format!("'{text}' is not a date")))
                })?,
            ),
        };
        let step = openpes_guidance::ActionStep {
            kind: form.kind,
            title: form.title,
            reference: Some(form.reference.trim().to_string()).filter(|r| !r.is_empty()),
            status: openpes_guidance::StepStatus::Planned,
            due,
            note: None,
        };
        let _added = g::add_step(&state, &page.caller, &id, step).await?;
        Ok(see_other(&format!("/seekers/{id}?done=saved#plan-h")))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct StepStatusForm {
    version: i64,
    status: openpes_guidance::StepStatus,
}

/// Moves a step to another status, from the version the page showed.
pub(super) async fn seeker_plan_status(
    State(state): State<AppState>,
    page: Page,
    ApiPath((id, step_id)): ApiPath<(String, String)>,
    Form(form): Form<StepStatusForm>,
) -> Response {
    let result = async {
        access::authorize_seeker(
            &state,
            &page.caller,
            Action::ManagePlan,
            &id,
            "change plan step",
        )
        .await?;
        let current = state
            .store()
            .plan_steps(&id)
            .await?
            .into_iter()
            .find(|s| s.id == step_id)
            .ok_or_else(|| openpes_app::error::not_found("plan step", &step_id))?;
        let mut step = current.step;
        step.status = form.status;
        let update = g::StepUpdate {
            version: form.version,
            step,
        };
        let _changed = g::update_step(&state, &page.caller, &id, &step_id, update).await?;
        Ok(see_other(&format!("/seekers/{id}?done=saved#plan-h")))
    }
    .await;
    finish(&page, result)
}

/// Which page of an audit trail (the API's cursor).
#[derive(Deserialize)]
pub(super) struct AuditCursor {
    before: Option<i64>,
}

pub(super) async fn seeker_audit(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Query(cursor): Query<AuditCursor>,
) -> Response {
    let result = async {
        access::authorize_seeker(
            &state,
            &page.caller,
            Action::ReadSeekerAudit,
            &id,
            "read own audit",
        )
        .await?;
        let query = openpes_app::audit::AuditSearch {
            seeker: Some(id.clone()),
            before: cursor.before,
            ..openpes_app::audit::AuditSearch::default()
        };
        let audit = openpes_app::audit::audit_page(&state, &query).await?;
        let older = audit.next.map(|next| context! { before => next });
        Ok(page.ok(
            "audit.html",
            context! {
                heading => i18n::word(page.lang, "audit_mine"),
                entries => audit.entries,
                search => false,
                older,
                older_path => format!("/seekers/{id}/audit"),
            },
        ))
    }
    .await;
    finish(&page, result)
}
