//! The web interface: server-rendered pages in Traditional Chinese (default) and English for
//! job seekers, employers, caseworkers, analysts and administrators.
//!
//! Pages are plain HTML forms that work without JavaScript; `static/app.js` only adds a
//! typeahead. Every page calls the application layer's use cases (`openpes-app`), the same
//! ones the JSON API calls, so authorization and the audit log are the same for both; this
//! crate knows nothing of the API. Changes are POSTed with the session's CSRF token in a
//! hidden `csrf` field, checked by `openpes_http::auth`.
//!
//! The language comes from the `lang` query parameter, else the `lang` cookie (set by the
//! language switch), else the account's language, else zh-TW.

mod applications;
mod benefits;
pub mod i18n;
pub mod templates;

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use minijinja::{context, Value};
use openpes_app::access::{self, Action, Grant};
use openpes_app::applications as a;
use openpes_app::casework::Consent;
use openpes_app::guidance as g;
use openpes_app::matching::{ranked_matches, MatchResult, Side};
use openpes_app::people::NewAccount;
use openpes_app::records::{self, SuggestionDecision};
use openpes_app::registration::{self, Registration};
use openpes_http::auth::{self, Caller, Role, User};
use openpes_http::error::{ApiError, ApiPath};
use openpes_http::i18n::{Message, UiLang};
use openpes_http::AppState;
use openpes_matching::{
    ContractType, RemotePolicy, Seeker, SeekerSkill, SkillSource, Suggestion, SuggestionKind,
    Vacancy, VacancyStatus, WorkingTime,
};
use openpes_taxonomy::{ConceptKind, Taxonomy};
use serde::{Deserialize, Serialize};

/// The web pages' routes (merged into the application router).
pub fn routes(state: &AppState) -> Router<AppState> {
    pages().layer(axum::middleware::from_fn_with_state(
        state.clone(),
        guard_pages,
    ))
}

/// Every page's route.
fn pages() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/lang/{tag}", get(switch_language))
        .route("/login", get(login_page).post(login_submit))
        .route("/register", get(register_page).post(register_submit))
        .route(
            "/register/confirm",
            get(register_confirm_page).post(register_confirm_submit),
        )
        .route("/logout", post(logout_submit))
        .route("/reset", get(reset_page).post(reset_submit))
        .route(
            "/reset/confirm",
            get(reset_confirm_page).post(reset_confirm_submit),
        )
        .route("/seekers/{id}", get(seeker_page))
        .route("/seekers/{id}/cv", post(seeker_cv))
        .route("/seekers/{id}/suggestions", post(seeker_suggestions))
        .route("/seekers/{id}/skills", post(seeker_skills))
        .route("/seekers/{id}/consent", post(seeker_consent))
        .route("/seekers/{id}/notes", post(seeker_note))
        .route("/seekers/{id}/plan", post(seeker_plan_add))
        .route("/seekers/{id}/plan/{step}", post(seeker_plan_status))
        .route("/seekers/{id}/audit", get(seeker_audit))
        .route(
            "/seekers/{id}/benefits",
            get(benefits::seeker_benefits).post(benefits::file_claim),
        )
        .route("/benefits/claims/{id}", get(benefits::claim_page))
        .route("/benefits/claims/{id}/review", post(benefits::review_claim))
        .route("/benefits/review", get(benefits::review_queue))
        .route("/referrals/{id}/status", post(benefits::settle_offer))
        .route("/employer", get(employer_page))
        .route("/employer/vacancies", post(post_vacancy))
        .route("/vacancies/{id}", get(vacancy_page))
        .route("/vacancies/{id}/suggestions", post(vacancy_suggestions))
        .route("/vacancies/{id}/contact", post(contact_candidate))
        .route("/vacancies/{id}/saved", post(applications::save_vacancy))
        .route("/vacancies/{id}/apply", post(applications::apply))
        .route("/applications/{id}/status", post(applications::set_status))
        .route("/caseload", get(caseload_page))
        .route("/admin", get(admin_page))
        .route("/admin/users", post(admin_create_user))
        .route("/admin/users/{id}/disabled", post(admin_disable_user))
        .route(
            "/admin/employers/{id}/verified",
            post(admin_verify_employer),
        )
        .route("/admin/audit", get(admin_audit))
        .route("/analyst", get(analyst_page))
}

/// Everything a page needs about its request: the caller, the language and the path.
pub struct Page {
    caller: Caller,
    lang: UiLang,
    /// The page's path and query (without `lang` and `done`), for the language switch.
    path: String,
    notice: Option<&'static str>,
    /// Demo accounts with published passwords are enabled: every page says so.
    demo: bool,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let query: Vec<(String, String)> = parts
            .uri
            .query()
            .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
            .unwrap_or_default();
        let param = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let cookie_lang = parts
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(cookie::Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|c| c.name() == "lang")
            .map(|c| c.value().to_string());
        let lang = param("lang")
            .and_then(|l| UiLang::from_tag(&l))
            .or_else(|| cookie_lang.and_then(|l| UiLang::from_tag(&l)))
            .or_else(|| caller.user().and_then(|u| UiLang::from_tag(&u.language)))
            .unwrap_or(UiLang::ZhTw);
        let notice = match param("done").as_deref() {
            Some("saved") => Some("saved"),
            Some("contacted") => Some("contacted"),
            Some("applied") => Some("applied"),
            Some("reset") => Some("reset_done"),
            Some("sent") => Some("reset_sent"),
            _ => None,
        };
        // Where the language switch comes back to: this page with its query (a confirmation
        // link's token), but not the language it chose or a one-off notice.
        let kept: Vec<&(String, String)> = query
            .iter()
            .filter(|(k, _)| k != "lang" && k != "done")
            .collect();
        let path = match serde_urlencoded::to_string(&kept) {
            Ok(kept) if !kept.is_empty() => format!("{}?{kept}", parts.uri.path()),
            _ => parts.uri.path().to_string(),
        };
        Ok(Page {
            caller,
            lang,
            path,
            notice,
            demo: state.demo_accounts(),
        })
    }
}

/// The signed-in user as templates see them.
#[derive(Serialize)]
struct UserView<'a> {
    display_name: &'a str,
    role: &'a str,
    seeker_id: Option<&'a str>,
}

impl Page {
    fn base(&self) -> Value {
        let user = self.caller.user();
        context! {
            lang => self.lang.tag(),
            other_lang => match self.lang { UiLang::ZhTw => "en", UiLang::En => "zh-TW" },
            t => i18n::words(self.lang),
            path => self.path,
            csrf => self.caller.csrf().unwrap_or(""),
            user => user.map(|u| UserView {
                display_name: &u.display_name,
                role: u.role.as_str(),
                seeker_id: u.seeker_id.as_deref(),
            }),
            role_name => user.map(|u| role_name(self.lang, u.role)),
            notice => self.notice.map(|key| i18n::word(self.lang, key)),
            demo => self.demo,
        }
    }

    fn render(&self, template: &str, status: StatusCode, extra: Value) -> Response {
        let env = templates::environment();
        let rendered = env
            .get_template(template)
            .and_then(|t| t.render(context! { ..extra, ..self.base() }));
        match rendered {
            Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
            Err(e) => {
                tracing::error!(template, error = %e, "page did not render");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html(String::from("Internal error")),
                )
                    .into_response()
            }
        }
    }

    fn ok(&self, template: &str, extra: Value) -> Response {
        self.render(template, StatusCode::OK, extra)
    }

    /// An error as a page in the reader's language (not problem+json).
    fn fail(&self, error: ApiError) -> Response {
        if error.status == StatusCode::UNAUTHORIZED && self.caller.user().is_none() {
            return Redirect::to("/login").into_response();
        }
        let extra = context! {
            title => error.message.title(self.lang),
            detail => error.message.render(self.lang),
        };
        self.render("error.html", error.status, extra)
    }
}

fn role_name(lang: UiLang, role: Role) -> &'static str {
    i18n::word(
        lang,
        match role {
            Role::Seeker => "role_seeker",
            Role::Employer => "role_employer",
            Role::Caseworker => "role_caseworker",
            Role::Analyst => "role_analyst",
            Role::Admin => "role_admin",
        },
    )
}

/// An error shown above a form: the fields at fault, or the message.
fn form_error(error: &ApiError, lang: UiLang) -> String {
    match &error.message {
        Message::InvalidRecord(fields) => fields
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.render(lang),
    }
}

/// A form's decision on suggestions: the checked ones accepted, every other one dropped.
fn decision(pairs: &[(String, String)], suggestions: &[Suggestion]) -> SuggestionDecision {
    let accept = values(pairs, "accept");
    let reject = suggestions
        .iter()
        .map(|s| s.concept.clone())
        .filter(|c| !accept.contains(c))
        .collect();
    SuggestionDecision { accept, reject }
}

/// Where a user starts.
fn home_of(user: &User) -> String {
    match user.role {
        Role::Seeker => match &user.seeker_id {
            Some(id) => format!("/seekers/{id}"),
            None => "/".to_string(),
        },
        Role::Employer => "/employer".to_string(),
        Role::Caseworker => "/caseload".to_string(),
        Role::Analyst => "/analyst".to_string(),
        Role::Admin => "/admin".to_string(),
    }
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn signed_in(page: &Page) -> Result<&User, ApiError> {
    page.caller
        .user()
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, Message::SignInRequired))
}

/// Runs a page's work and renders its error page when it fails.
fn finish(page: &Page, result: Result<Response, ApiError>) -> Response {
    result.unwrap_or_else(|e| page.fail(e))
}

async fn home(page: Page) -> Response {
    match page.caller.user() {
        Some(user) => see_other(&home_of(user)),
        None => page.ok("home.html", context! {}),
    }
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.js"),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// `candidate` as a path on this site, or `None` when a browser would leave the site for it
/// (`//evil`, `/\\evil`, `/\t/evil` — browsers drop tabs and new lines —, `https:…`). The
/// path is resolved as a browser resolves it (WHATWG URL rules) against this origin, and only
/// a path that stays on it is given back, re-serialised.
pub(crate) fn local_path(candidate: &str) -> Option<String> {
    if !candidate.starts_with('/')
        || candidate.len() > 2048
        || candidate
            .chars()
            .any(|c| c.is_control() || c == '\\' || c.is_whitespace())
    {
        return None;
    }
    let origin = url::Url::parse("http://this-site.invalid/").ok()?;
    let resolved = origin.join(candidate).ok()?;
    if resolved.origin() != origin.origin() {
        return None;
    }
    let mut path = resolved.path().to_string();
    if path.starts_with("//") {
        return None;
    }
    if let Some(query) = resolved.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = resolved.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    Some(path)
}

async fn switch_language(ApiPath(tag): ApiPath<String>, Query(next): Query<Next>) -> Response {
    let lang = UiLang::from_tag(&tag).unwrap_or(UiLang::ZhTw);
    // Only a path on this site: never an open redirect.
    let to = next
        .next
        .as_deref()
        .and_then(local_path)
        .unwrap_or_else(|| "/".to_string());
    (
        [(
            header::SET_COOKIE,
            format!(
                "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
                lang.tag()
            ),
        )],
        Redirect::to(&to),
    )
        .into_response()
}

/// The sign-in form.
#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
}

/// The form that sets a new password with a reset link's token.
#[derive(Deserialize)]
struct ResetConfirmForm {
    token: String,
    password: String,
}

async fn login_page(page: Page) -> Response {
    page.ok("login.html", context! { email => "" })
}

async fn login_submit(
    State(state): State<AppState>,
    page: Page,
    client: openpes_http::rate_limit::ClientAddress,
    Form(form): Form<LoginForm>,
) -> Response {
    let source = openpes_app::lockout::Source::of(client.0);
    let session = openpes_app::people::login(
        &state,
        &page.caller.request_id,
        source,
        &form.email,
        &form.password,
    )
    .await
    .map_err(ApiError::from);
    match session {
        Ok(session) => {
            let cookie = auth::session_cookie(&state, &session.cookie_value);
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&home_of(&session.user)),
            )
                .into_response()
        }
        Err(error) => page.render(
            "login.html",
            error.status,
            context! { error => error.message.render(page.lang), email => form.email },
        ),
    }
}

async fn register_page(page: Page) -> Response {
    page.ok(
        "register.html",
        context! { form => RegisterFields::default() },
    )
}

#[derive(Deserialize)]
struct RegisterForm {
    role: Role,
    display_name: String,
    email: String,
    password: String,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    registration_number: Option<String>,
}

/// What the registration form shows again after a refusal (everything but the password).
#[derive(Serialize)]
struct RegisterFields {
    role: &'static str,
    display_name: String,
    email: String,
    organisation: String,
    registration_number: String,
}

impl Default for RegisterFields {
    fn default() -> Self {
        RegisterFields {
            role: Role::Seeker.as_str(),
            display_name: String::new(),
            email: String::new(),
            organisation: String::new(),
            registration_number: String::new(),
        }
    }
}

/// Registers (see [`p::register`]): the page that follows says a message was sent, the same
/// whether or not the address has an account. A demo server, which sends no mail, shows a free
/// address's confirmation link there too.
async fn register_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<RegisterForm>,
) -> Response {
    let fields = RegisterFields {
        role: form.role.as_str(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        organisation: form.organisation.clone().unwrap_or_default(),
        registration_number: form.registration_number.clone().unwrap_or_default(),
    };
    let registration = Registration {
        email: form.email,
        password: form.password,
        display_name: form.display_name,
        role: form.role,
        organisation: form.organisation.filter(|o| !o.trim().is_empty()),
        registration_number: form
            .registration_number
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty()),
        language: Some(page.lang.tag().to_string()),
    };
    match registration::register(&state, registration)
        .await
        .map_err(ApiError::from)
    {
        Ok(token) => {
            let demo_link = token
                .filter(|_| state.demo_accounts())
                .map(|token| format!("/register/confirm?token={token}&lang={}", page.lang.tag()));
            page.ok(
                "register.html",
                context! { sent => true, demo_link => demo_link },
            )
        }
        Err(error) => {
            let detail = form_error(&error, page.lang);
            page.render(
                "register.html",
                error.status,
                context! { error => detail, form => fields },
            )
        }
    }
}

/// A registration as its confirmation page shows it.
#[derive(Serialize)]
struct PendingView {
    email: String,
    display_name: String,
    role_name: &'static str,
    organisation: Option<String>,
}

/// The confirmation page: what the link would create, the password field and the button that
/// creates it, with `error` above them (a wrong password), or only the error when the link does
/// not work.
async fn render_confirmation(
    state: &AppState,
    page: &Page,
    token: &str,
    error: Option<ApiError>,
) -> Response {
    let status = error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let detail = error.map(|e| e.message.render(page.lang));
    match registration::pending_registration(state, token)
        .await
        .map_err(ApiError::from)
    {
        Ok(pending) => {
            let role = Role::parse(&pending.role).unwrap_or(Role::Seeker);
            let view = PendingView {
                email: pending.email,
                display_name: pending.display_name,
                role_name: role_name(page.lang, role),
                organisation: pending.organisation,
            };
            page.render(
                "register.html",
                status,
                context! { confirm => true, token => token, pending => view, error => detail },
            )
        }
        Err(gone) => page.render(
            "register.html",
            if detail.is_some() {
                status
            } else {
                gone.status
            },
            context! {
                confirm => true,
                error => detail.unwrap_or_else(|| gone.message.render(page.lang)),
            },
        ),
    }
}

/// The confirmation link's page: what the link would create, and the password chosen when
/// registering with a button that creates it (a GET creates nothing, so a mail scanner that
/// opens the link uses nothing up). The link carries the registration form's language.
async fn register_confirm_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<TokenQuery>,
) -> Response {
    let token = query.token.unwrap_or_default();
    render_confirmation(&state, &page, &token, None).await
}

#[derive(Deserialize)]
struct ConfirmForm {
    token: String,
    password: String,
}

/// Confirms a registration with the password chosen when registering (see
/// [`p::confirm_registration`]); a wrong one shows the page again with the error.
async fn register_confirm_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ConfirmForm>,
) -> Response {
    match registration::confirm_registration(&state, &form.token, &form.password)
        .await
        .map_err(ApiError::from)
    {
        Ok(session) => {
            let cookie = auth::session_cookie(&state, &session.cookie_value);
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to(&home_of(&session.user)),
            )
                .into_response()
        }
        Err(error) => render_confirmation(&state, &page, &form.token, Some(error)).await,
    }
}

async fn logout_submit(State(state): State<AppState>, page: Page, headers: HeaderMap) -> Response {
    let session = auth::session_cookie_value(&headers);
    if let Err(e) = openpes_app::people::logout(&state, session.as_deref()).await {
        return page.fail(e.into());
    }
    (
        [(header::SET_COOKIE, auth::cleared_session_cookie())],
        Redirect::to("/"),
    )
        .into_response()
}

async fn reset_page(page: Page) -> Response {
    page.ok("reset.html", context! { token => Value::from(()) })
}

#[derive(Deserialize)]
struct EmailForm {
    email: String,
}

async fn reset_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<EmailForm>,
) -> Response {
    finish(
        &page,
        async {
            registration::request_reset(&state, &form.email).await?;
            Ok(see_other("/reset?done=sent"))
        }
        .await,
    )
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn reset_confirm_page(page: Page, Query(query): Query<TokenQuery>) -> Response {
    page.ok(
        "reset.html",
        context! { token => query.token.unwrap_or_default() },
    )
}

async fn reset_confirm_submit(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<ResetConfirmForm>,
) -> Response {
    match registration::confirm_reset(&state, &form.token, &form.password)
        .await
        .map_err(ApiError::from)
    {
        Ok(()) => see_other("/login?done=reset"),
        Err(error) => page.render(
            "reset.html",
            error.status,
            context! { token => form.token, error => error.message.render(page.lang) },
        ),
    }
}

/// A concept as a page lists it.
#[derive(Serialize)]
struct Labelled {
    uri: String,
    label: String,
}

fn labelled(taxonomy: &Taxonomy, uri: &str, lang: UiLang) -> Labelled {
    let label = taxonomy.by_uri(uri).map_or_else(
        || uri.to_string(),
        |id| taxonomy.preferred_label(id, lang.tag()).to_string(),
    );
    Labelled {
        uri: uri.to_string(),
        label,
    }
}

#[derive(Serialize)]
struct SuggestionView {
    uri: String,
    label: String,
    kind_label: &'static str,
    evidence: String,
}

fn suggestion_views(
    taxonomy: &Taxonomy,
    suggestions: &[Suggestion],
    lang: UiLang,
) -> Vec<SuggestionView> {
    suggestions
        .iter()
        .map(|s| SuggestionView {
            label: labelled(taxonomy, &s.concept, lang).label,
            uri: s.concept.clone(),
            kind_label: match (s.kind, s.essential) {
                (SuggestionKind::Occupation, _) => i18n::word(lang, "occupation"),
                (SuggestionKind::Skill, true) => i18n::word(lang, "essential"),
                (SuggestionKind::Skill, false) => i18n::word(lang, "skills"),
            },
            evidence: s.evidence.clone(),
        })
        .collect()
}

async fn seeker_page(
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
async fn store_seeker(state: &AppState, page: &Page, seeker: Seeker) -> Result<(), ApiError> {
    let id = seeker.id.clone();
    records::put_seeker(state, &page.caller, &id, seeker).await?;
    Ok(())
}

/// The seeker record for a change: authorized first, so that nothing is read for a caller who
/// may not change it.
async fn seeker_for_change(
    state: &AppState,
    page: &Page,
    id: &str,
    purpose: &str,
) -> Result<Seeker, ApiError> {
    access::authorize_seeker(state, &page.caller, Action::UpdateSeeker, id, purpose).await?;
    Ok(state
        .store()
        .seeker(id)
        .await?
        .ok_or_else(|| openpes_app::error::not_found("seeker", id))?)
}

#[derive(Deserialize)]
struct CvForm {
    cv_text: String,
    #[serde(default)]
    place: String,
}

async fn seeker_cv(
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
async fn read_cv(
    state: &AppState,
    page: &Page,
    mut seeker: Seeker,
    cv_text: String,
) -> Result<Response, ApiError> {
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

/// Routes that take file uploads (a larger body limit than the rest).
pub fn upload_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/seekers/{id}/cv-file", post(seeker_cv_file))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard_pages,
        ))
}

/// Forms that work without a session (sign-in, registration and its confirmation, password
/// reset) carry no CSRF token, so a cross-site page could post them (signing the victim in to
/// the attacker's account): they are refused when the browser says the post comes from another
/// site.
const SESSIONLESS_FORMS: &[&str] = &[
    "/login",
    "/register",
    "/register/confirm",
    "/reset",
    "/reset/confirm",
];

/// Whether the browser says the request comes from another site (`Sec-Fetch-Site`, or an
/// `Origin` other than the `Host` it was sent to).
fn cross_site(headers: &HeaderMap) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if text(header::HeaderName::from_static("sec-fetch-site"))
        .is_some_and(|site| site.eq_ignore_ascii_case("cross-site"))
    {
        return true;
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin_host = origin
                .split_once("://")
                .map_or(origin, |(_, rest)| rest)
                .trim_end_matches('/');
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        _ => false,
    }
}

/// Around every page: refuses cross-site posts of the session-less forms, and turns the
/// framework's plain-text refusals (a form that cannot be read: 400, 415, 422; 500) into an
/// error page in the reader's language.
async fn guard_pages(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let page = Page::from_request_parts(&mut parts, &state).await;
    if parts.method == axum::http::Method::POST
        && SESSIONLESS_FORMS.contains(&parts.uri.path())
        && cross_site(&parts.headers)
    {
        if let Ok(page) = &page {
            return page.fail(ApiError::new(StatusCode::FORBIDDEN, Message::CrossSiteForm));
        }
        return StatusCode::FORBIDDEN.into_response();
    }
    let response = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    let status = response.status();
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    match page {
        Ok(page) if plain_text && (status.is_client_error() || status.is_server_error()) => {
            page.fail(ApiError::new(status, Message::FormUnreadable))
        }
        _ => response,
    }
}

/// A CV uploaded as PDF, DOCX or text: its text replaces the pasted CV.
async fn seeker_cv_file(
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
            .map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))?
        {
            if field.name() == Some("cv_file") {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::bad_request(Message::BadRequest(e.body_text())))?;
                file = Some(bytes);
            }
        }
        let file = file.ok_or_else(|| {
            ApiError::bad_request(Message::BadRequest("no file in the form (cv_file)".into()))
        })?;
        let (_, text) = openpes_app::documents::file_text(&state, file).await?;
        read_cv(&state, &page, seeker, text).await
    }
    .await;
    finish(&page, result)
}

fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

async fn seeker_suggestions(
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
fn find_skill(taxonomy: &Taxonomy, text: &str) -> Option<String> {
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
struct SkillForm {
    #[serde(default)]
    add: Option<String>,
    #[serde(default)]
    remove: Option<String>,
}

async fn seeker_skills(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<SkillForm>,
) -> Response {
    let result = async {
        let mut seeker = seeker_for_change(&state, &page, &id, "web skills").await?;
        if let Some(text) = form.add.as_deref().filter(|t| !t.trim().is_empty()) {
            let uri = find_skill(&state.taxonomy(), text).ok_or_else(|| {
                ApiError::bad_request(Message::UnknownFilterValue {
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
struct ConsentForm {
    #[serde(default)]
    findable: Option<String>,
    #[serde(default)]
    outreach: Option<String>,
}

async fn seeker_consent(
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
struct NoteForm {
    body: String,
}

async fn seeker_note(
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
struct PlanStepRow {
    id: String,
    version: i64,
    title: String,
    kind: &'static str,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
}

fn plan_row(step: openpes_store::PlanStep, lang: UiLang, today: chrono::NaiveDate) -> PlanStepRow {
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
struct PlanForm {
    kind: openpes_guidance::StepKind,
    title: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    due: String,
}

/// Adds a step through the API's handler (authorization, checks, history).
async fn seeker_plan_add(
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
                    ApiError::bad_request(Message::BadRequest(format!("'{text}' is not a date")))
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
struct StepStatusForm {
    version: i64,
    status: openpes_guidance::StepStatus,
}

/// Moves a step to another status, from the version the page showed.
async fn seeker_plan_status(
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
struct AuditCursor {
    before: Option<i64>,
}

async fn seeker_audit(
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

fn employer_of(page: &Page) -> Result<String, ApiError> {
    let user = signed_in(page)?;
    match (&user.role, &user.employer_id) {
        (Role::Employer, Some(id)) => Ok(id.clone()),
        _ => Err(ApiError::new(StatusCode::FORBIDDEN, Message::Forbidden)),
    }
}

async fn employer_page(State(state): State<AppState>, page: Page) -> Response {
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
struct VacancyForm {
    title: String,
    description: String,
    #[serde(default)]
    place: String,
}

async fn post_vacancy(
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
struct ApplicantRow {
    #[serde(flatten)]
    view: a::ApplicationView,
    name: Option<String>,
}

#[derive(Serialize)]
struct CandidateView {
    #[serde(flatten)]
    result: MatchResult,
    name: Option<String>,
    link: Option<String>,
}

async fn vacancy_page(
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
        Ok::<_, ApiError>(page.ok(
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

async fn vacancy_suggestions(
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
struct ContactForm {
    seeker: String,
}

/// Contacts a candidate through the API's operation: a message, stored as a contact and never
/// as a job offer (see [`crate::routes::offers`]).
async fn contact_candidate(
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

#[derive(Deserialize)]
struct CaseloadQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    pending: Option<String>,
}

async fn caseload_page(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<CaseloadQuery>,
) -> Response {
    let result = async {
        let entries = openpes_app::casework::caseload(&state, &page.caller).await?;
        let needle = query.q.trim().to_lowercase();
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|e| {
                needle.is_empty()
                    || e.name
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&needle)
                    || e.seeker_id.contains(&needle)
                    || e.place
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&needle)
            })
            .filter(|e| query.pending.is_none() || e.pending_suggestions > 0)
            .collect();
        Ok(page.ok(
            "caseload.html",
            context! { entries, q => query.q, pending => query.pending.is_some() },
        ))
    }
    .await;
    finish(&page, result)
}

async fn admin_context(state: &AppState, page: &Page) -> Result<Value, ApiError> {
    access::authorize_system(&page.caller, Action::Administer)?;
    let users: Vec<Value> = state
        .store()
        .users(None)
        .await?
        .into_iter()
        .map(|u| context! { email => u.email, display_name => u.display_name, role => u.role, id => u.id, disabled => u.disabled })
        .collect();
    let offices: Vec<Value> = state
        .store()
        .offices()
        .await?
        .into_iter()
        .map(|o| {
            let name = match page.lang {
                UiLang::ZhTw => o.name_zh,
                UiLang::En => o.name_en,
            };
            context! { id => o.id, name }
        })
        .collect();
    let versions: Vec<Value> = state
        .store()
        .sources()
        .await?
        .into_iter()
        .map(
            |s| context! { source => s.source, version => s.version, imported_at => s.imported_at },
        )
        .collect();
    let outbox: Vec<Value> = state
        .store()
        .outbox(20)
        .await?
        .into_iter()
        .map(|m| context! { created_at => m.created_at, recipient => m.recipient, subject => m.subject, body => m.body })
        .collect();
    access::record(
        state,
        &page.caller,
        "read",
        "outbox",
        "all",
        None,
        "administration",
    )
    .await?;
    let employers = openpes_app::offers::employer_reviews(state, &page.caller).await?;
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => role_name(page.lang, *r) })
        .collect();
    Ok(context! {
        users, offices, versions, outbox, roles,
        employers => Value::from_serialize(&employers),
        concepts => state.taxonomy().concepts().len(),
    })
}

async fn admin_page(State(state): State<AppState>, page: Page) -> Response {
    let result = async {
        let extra = admin_context(&state, &page).await?;
        Ok(page.ok("admin.html", extra))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
struct AdminUserForm {
    display_name: String,
    email: String,
    password: String,
    role: Role,
    #[serde(default)]
    office_id: String,
}

#[derive(Deserialize)]
struct DisableForm {
    disabled: bool,
}

/// Disables (ending its sessions) or enables an account through the API's handler.
async fn admin_disable_user(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<DisableForm>,
) -> Response {
    let result = async {
        openpes_app::people::set_user_disabled(&state, &page.caller, &id, form.disabled).await?;
        Ok(see_other("/admin?done=saved#users-h"))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
struct VerifiedForm {
    verified: bool,
}

/// Approves an employer organisation (or withdraws the approval) through the API's operation.
async fn admin_verify_employer(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<VerifiedForm>,
) -> Response {
    let result = async {
        openpes_app::offers::set_verified(&state, &page.caller, &id, form.verified).await?;
        Ok(see_other("/admin?done=saved#employers-h"))
    }
    .await;
    finish(&page, result)
}

async fn admin_create_user(
    State(state): State<AppState>,
    page: Page,
    Form(form): Form<AdminUserForm>,
) -> Response {
    let result = async {
        access::authorize_system(&page.caller, Action::Administer)?;
        let account = NewAccount {
            email: form.email,
            password: form.password,
            display_name: form.display_name,
            role: form.role,
            seeker_id: (form.role == Role::Seeker)
                .then(|| format!("s-{}", &uuid::Uuid::new_v4().simple().to_string()[..12])),
            employer_id: None,
            office_id: Some(form.office_id).filter(|o| !o.is_empty()),
            language: Some(page.lang.tag().to_string()),
        };
        match openpes_app::people::create_account(&state, &page.caller, account)
            .await
            .map_err(ApiError::from)
        {
            Ok(_) => Ok(see_other("/admin?done=saved")),
            Err(error) => {
                let detail = form_error(&error, page.lang);
                let extra = admin_context(&state, &page).await?;
                Ok(page.render(
                    "admin.html",
                    error.status,
                    context! { error => detail, ..extra },
                ))
            }
        }
    }
    .await;
    finish(&page, result)
}

async fn admin_audit(
    State(state): State<AppState>,
    page: Page,
    Query(query): Query<openpes_app::audit::AuditSearch>,
) -> Response {
    let result = async {
        let audit = openpes_app::audit::search_audit(&state, &page.caller, &query).await?;
        // The next (older) page keeps the search.
        let older = audit.next.map(|next| {
            context! {
                before => next,
                seeker => query.seeker,
                actor => query.actor,
                action => query.action,
                since => query.since,
                limit => query.limit,
            }
        });
        Ok(page.ok(
            "audit.html",
            context! {
                heading => i18n::word(page.lang, "audit"),
                entries => audit.entries,
                older,
                older_path => "/admin/audit",
                search => true,
                query => context! { seeker => query.seeker, actor => query.actor, action => query.action },
            },
        ))
    }
    .await;
    finish(&page, result)
}

async fn analyst_page(State(state): State<AppState>, page: Page) -> Response {
    let result = async {
        let summary = openpes_app::analytics::summary_view(&state, &page.caller, page.lang).await?;
        Ok(page.ok("analyst.html", context! { summary }))
    }
    .await;
    finish(&page, result)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_on_this_site_are_redirect_targets() {
        assert_eq!(local_path("/").as_deref(), Some("/"));
        assert_eq!(
            local_path("/seekers/s-1?tab=cv").as_deref(),
            Some("/seekers/s-1?tab=cv")
        );
        assert_eq!(local_path("/a/../b").as_deref(), Some("/b"));
        assert_eq!(
            local_path("/seekers/x#apps-h").as_deref(),
            Some("/seekers/x#apps-h")
        );
        // What browsers would follow off the site (a tab or new line is dropped by them).
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "",
            "evil",
            "/ /evil",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }
}
