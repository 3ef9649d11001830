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

mod account;
mod admin;
mod analyst;
mod applications;
mod benefits;
mod caseworker;
mod employer;
pub mod i18n;
mod search;
mod seeker;
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

/// What a page fails with: an application error with its HTTP status (the shared table of
/// `openpes_http::error`), rendered by [`Page::fail`] as the error page in the reader's
/// language, never as JSON.
pub(crate) type PageError = ApiError;

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
        .route("/search", get(search::search_page))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/lang/{tag}", get(switch_language))
        .route(
            "/login",
            get(account::login_page).post(account::login_submit),
        )
        .route(
            "/register",
            get(account::register_page).post(account::register_submit),
        )
        .route(
            "/register/confirm",
            get(account::register_confirm_page).post(account::register_confirm_submit),
        )
        .route("/logout", post(account::logout_submit))
        .route(
            "/reset",
            get(account::reset_page).post(account::reset_submit),
        )
        .route(
            "/reset/confirm",
            get(account::reset_confirm_page).post(account::reset_confirm_submit),
        )
        .route("/seekers/{id}", get(seeker::seeker_page))
        .route("/seekers/{id}/cv", post(seeker::seeker_cv))
        .route(
            "/seekers/{id}/suggestions",
            post(seeker::seeker_suggestions),
        )
        .route("/seekers/{id}/skills", post(seeker::seeker_skills))
        .route("/seekers/{id}/consent", post(seeker::seeker_consent))
        .route("/seekers/{id}/notes", post(seeker::seeker_note))
        .route("/seekers/{id}/plan", post(seeker::seeker_plan_add))
        .route(
            "/seekers/{id}/plan/{step}",
            post(seeker::seeker_plan_status),
        )
        .route("/seekers/{id}/audit", get(seeker::seeker_audit))
        .route(
            "/seekers/{id}/benefits",
            get(benefits::seeker_benefits).post(benefits::file_claim),
        )
        .route("/benefits/claims/{id}", get(benefits::claim_page))
        .route("/benefits/claims/{id}/review", post(benefits::review_claim))
        .route("/benefits/review", get(benefits::review_queue))
        .route("/referrals/{id}/status", post(benefits::settle_offer))
        .route("/employer", get(employer::employer_page))
        .route("/employer/vacancies", post(employer::post_vacancy))
        .route("/vacancies/{id}", get(employer::vacancy_page))
        .route(
            "/vacancies/{id}/suggestions",
            post(employer::vacancy_suggestions),
        )
        .route("/vacancies/{id}/contact", post(employer::contact_candidate))
        .route("/vacancies/{id}/saved", post(applications::save_vacancy))
        .route("/vacancies/{id}/apply", post(applications::apply))
        .route("/applications/{id}/status", post(applications::set_status))
        .route("/caseload", get(caseworker::caseload_page))
        .route("/admin", get(admin::admin_page))
        .route("/admin/users", post(admin::admin_create_user))
        .route(
            "/admin/users/{id}/disabled",
            post(admin::admin_disable_user),
        )
        .route(
            "/admin/employers/{id}/verified",
            post(admin::admin_verify_employer),
        )
        .route("/admin/audit", get(admin::admin_audit))
        .route("/analyst", get(analyst::analyst_page))
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
    type Rejection = PageError;

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
    fn fail(&self, error: PageError) -> Response {
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
fn form_error(error: &PageError, lang: UiLang) -> String {
    match &error.message {
        Message::InvalidRecord(fields) => fields
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.render(lang),
    }
}

/// Every value a form gave for `name`.
fn values(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
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

fn signed_in(page: &Page) -> Result<&User, PageError> {
    page.caller
        .user()
        .ok_or_else(|| PageError::new(StatusCode::UNAUTHORIZED, Message::SignInRequired))
}

/// Runs a page's work and renders its error page when it fails.
fn finish(page: &Page, result: Result<Response, PageError>) -> Response {
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

/// Routes that take file uploads (a larger body limit than the rest).
pub fn upload_routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/seekers/{id}/cv-file", post(seeker::seeker_cv_file))
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
            return page.fail(PageError::new(
                StatusCode::FORBIDDEN,
                Message::CrossSiteForm,
            ));
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
            page.fail(PageError::new(status, Message::FormUnreadable))
        }
        _ => response,
    }
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
