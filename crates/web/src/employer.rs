//! The employer's pages: their vacancies, posting one, a vacancy with its suggestions,
//! candidates (once the organisation is verified) and applicants, and contacting a candidate.

use super::*;

pub(super) fn employer_of(page: &Page) -> Result<String, PageError> {
    let user = signed_in(page)?;
    match (&user.role, &user.employer_id) {
        (Role::Employer, Some(id)) => Ok(id.clone()),
        _ => Err(PageError::new(StatusCode::FORBIDDEN, Message::Forbidden)),
    }
}

pub(super) async fn employer_page(State(state): State<AppState>, page: Page) -> Response {
    let result = async {
        let employer_id = employer_of(&page)?;
        access::authorize_employer(&page.caller, Action::ManageVacancies, &employer_id)?;
        let organisation = state
            .store()
            .employer(&employer_id)
            .await?
            .map_or_else(|| employer_id.clone(), |e| e.name);
        let vacancies = state.store().vacancies_of_employer(&employer_id).await?;
        let vacancies: Vec<Value> = vacancies
            .iter()
            .map(|v| context! { id => v.id, title => v.title, posted => v.posted.to_string() })
            .collect();
        Ok(page.ok("employer.html", context! { organisation, vacancies }))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct VacancyForm {
    title: String,
    description: String,
    #[serde(default)]
    place: String,
}

pub(super) async fn post_vacancy(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<VacancyForm>,
) -> Response {
    let result = async {
        let employer = employer_of(&page)?;
        let id = format!("v-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let vacancy = Vacancy {
            id: id.clone(),
            employer,
            title: form.title.trim().to_string(),
            description: form.description,
            occupation: None,
            essential_skills: Vec::new(),
            optional_skills: Vec::new(),
            education: None,
            experience_years: None,
            languages: Vec::new(),
            licences: Vec::new(),
            location: None,
            place: Some(form.place.trim().to_string()).filter(|p| !p.is_empty()),
            remote: RemotePolicy::default(),
            contract: ContractType::Permanent,
            working_time: WorkingTime::FullTime,
            salary_min: None,
            salary_max: None,
            positions: 1,
            posted: state.now().date_naive(),
            expires: None,
            status: VacancyStatus::Open,
            suggestions: Vec::new(),
        };
        records::put_vacancy(&state, &page.caller, &id, vacancy).await?;
        Ok(see_other(&format!("/vacancies/{id}")))
    }
    .await;
    finish(&page, result)
}

/// A candidate as the vacancy page lists them.
/// An application as its employer sees it on the vacancy's page.
#[derive(Serialize)]
pub(super) struct ApplicantRow {
    #[serde(flatten)]
    view: a::ApplicationView,
    name: Option<String>,
}

#[derive(Serialize)]
pub(super) struct CandidateView {
    #[serde(flatten)]
    result: MatchResult,
    name: Option<String>,
    link: Option<String>,
}

pub(super) async fn vacancy_page(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
) -> Response {
    let result = async {
        let vacancy = state
            .store()
            .vacancy(&id)
            .await?
            .ok_or_else(|| openpes_app::error::not_found("vacancy", &id))?;
        let taxonomy = state.taxonomy();
        let owner =
            access::authorize_employer(&page.caller, Action::ManageVacancies, &vacancy.employer)
                .is_ok();
        let candidate_grant =
            access::authorize_employer(&page.caller, Action::ReadCandidates, &vacancy.employer);
        // An employer whose organisation awaits verification sees why instead of candidates.
        let mut candidates_notice = None;
        let candidates = match candidate_grant {
            Ok(grant) => {
                let results =
                    match openpes_app::matching::candidates(&state, &page.caller, &id, Some(10), page.lang).await {
                        Ok(results) => results,
                        Err(error) if error.message == Message::EmployerUnverified => {
                            candidates_notice = Some(error.message.render(page.lang));
                            Vec::new()
                        }
                        Err(error) => return Err(error.into()),
                    };
                let mut views = Vec::new();
                for result in results {
                    let name = state
                        .store()
                        .user_of_seeker(&result.id)
                        .await?
                        .map(|u| u.display_name);
                    let link = (grant != Grant::OwnOrganisation)
                        .then(|| format!("/seekers/{}", result.id));
                    views.push(CandidateView { result, name, link });
                }
                Some((grant, views))
            }
            Err(_) => None,
        };
        let employer_name = state
            .store()
            .employer(&vacancy.employer)
            .await?
            .map_or_else(|| vacancy.employer.clone(), |e| e.name);
        let applications = if owner {
            let mut rows = Vec::new();
            for view in a::vacancy_applications(&state, &page.caller, &id, page.lang).await? {
                let name = state
                    .store()
                    .user_of_seeker(&view.seeker)
                    .await?
                    .map(|u| u.display_name);
                rows.push(ApplicantRow { view, name });
            }
            Some(rows)
        } else {
            None
        };
        // The signed-in seeker's own save and application for this vacancy.
        let mine = match page.caller.user().and_then(|u| u.seeker_id.clone()) {
            Some(seeker) => {
                let saved = state.store().is_saved(&seeker, &id).await?;
                let application = match state.store().application_for(&seeker, &id).await? {
                    Some(record) => Some(a::application_views_of(&state, &page.caller, record, page.lang).await?),
                    None => None,
                };
                Some(context! { saved, application => application.map(|v| Value::from_serialize(&v)) })
            }
            None => None,
        };
        let label = |uri: &String| labelled(&taxonomy, uri, page.lang).label;
        let heading = match candidates.as_ref().map(|(g, _)| *g) {
            Some(Grant::CaseloadOnly) => i18n::word(page.lang, "candidates_caseload"),
            _ => i18n::word(page.lang, "candidates"),
        };
        Ok::<_, PageError>(page.ok(
            "vacancy.html",
            context! {
                vacancy => Value::from_serialize(&vacancy),
                employer_name,
                place => vacancy.place.clone(),
                occupation => vacancy.occupation.as_ref().map(label),
                essential => vacancy.essential_skills.iter().map(label).collect::<Vec<_>>(),
                optional => vacancy.optional_skills.iter().map(label).collect::<Vec<_>>(),
                owner,
                suggestions => suggestion_views(&taxonomy, &vacancy.suggestions, page.lang),
                candidates => candidates.map(|(_, v)| v),
                candidates_heading => heading,
                candidates_notice,
                applications => applications.map(|rows| Value::from_serialize(&rows)),
                mine,
                open => a::is_open(&vacancy, state.now().date_naive()),
            },
        ))
    }
    .await;
    finish(&page, result)
}

pub(super) async fn vacancy_suggestions(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let vacancy = state
            .store()
            .vacancy(&id)
            .await?
            .ok_or_else(|| openpes_app::error::not_found("vacancy", &id))?;
        access::authorize_employer(&page.caller, Action::ManageVacancies, &vacancy.employer)?;
        let decided = decision(&pairs, &vacancy.suggestions);
        let _updated =
            records::decide_vacancy_suggestions(&state, &page.caller, &id, &decided).await?;
        Ok(see_other(&format!("/vacancies/{id}?done=saved")))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct ContactForm {
    seeker: String,
}

/// Contacts a candidate through the API's operation: a message, stored as a contact and never
/// as a job offer (see [`crate::routes::offers`]).
pub(super) async fn contact_candidate(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<ContactForm>,
) -> Response {
    let result = async {
        openpes_app::offers::contact(&state, &page.caller, &id, &form.seeker).await?;
        Ok(see_other(&format!("/vacancies/{id}?done=contacted")))
    }
    .await;
    finish(&page, result)
}
