//! Web forms for saved vacancies and applications: a seeker saves a vacancy or applies for it
//! from the vacancy's page, and withdraws from their own page; the employer moves an
//! application on from the vacancy's page. Every form goes through the API's handlers, so the
//! rules, the version checks and the audit log are the same as for the API.

use super::{finish, see_other, signed_in, Page};
use crate::PageError;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use openpes_app::applications::{self as a, ApplicationRequest, ApplicationStatus, StatusUpdate};
use openpes_http::error::ApiPath;
use openpes_http::i18n::Message;
use openpes_http::AppState;
use serde::Deserialize;

/// Where to go after a form: a path on this site only (never an open redirect).
fn back_to(back: Option<&str>, fallback: &str) -> String {
    back.and_then(super::local_path)
        .unwrap_or_else(|| fallback.to_string())
}

/// The signed-in seeker's own record id.
fn own_seeker(page: &Page) -> Result<String, PageError> {
    signed_in(page)?
        .seeker_id
        .clone()
        .ok_or_else(|| PageError::new(StatusCode::FORBIDDEN, Message::Forbidden))
}

#[derive(Deserialize)]
pub(super) struct SaveForm {
    /// `save` or `unsave`.
    action: String,
    /// Whose list (default: the signed-in seeker's).
    #[serde(default)]
    seeker: Option<String>,
    #[serde(default)]
    back: Option<String>,
}

pub(super) async fn save_vacancy(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<SaveForm>,
) -> Response {
    let result = async {
        let seeker = match form.seeker.filter(|s| !s.is_empty()) {
            Some(seeker) => seeker,
            None => own_seeker(&page)?,
        };
        if form.action == "unsave" {
            a::unsave_vacancy(&state, &page.caller, &seeker, &id).await?;
        } else {
            a::save_vacancy(&state, &page.caller, &seeker, &id).await?;
        }
        let fallback = format!("/vacancies/{id}?done=saved");
        Ok(see_other(&back_to(form.back.as_deref(), &fallback)))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct ApplyForm {
    #[serde(default)]
    note: String,
}

pub(super) async fn apply(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<ApplyForm>,
) -> Response {
    let result = async {
        let seeker = own_seeker(&page)?;
        let request = ApplicationRequest {
            vacancy: id.clone(),
            note: form.note,
        };
        a::submit(&state, &page.caller, &seeker, &request, page.lang).await?;
        Ok(see_other(&format!("/vacancies/{id}?done=applied#apply-h")))
    }
    .await;
    finish(&page, result)
}

#[derive(Deserialize)]
pub(super) struct StatusForm {
    status: ApplicationStatus,
    version: i64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    back: Option<String>,
}

pub(super) async fn set_status(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let result = async {
        let update = StatusUpdate {
            status: form.status,
            version: form.version,
            comment: form.comment,
        };
        let changed = a::change_status(&state, &page.caller, &id, &update, page.lang).await?;
        let fallback = format!("/vacancies/{}?done=saved", changed.vacancy);
        Ok(see_other(&back_to(form.back.as_deref(), &fallback)))
    }
    .await;
    finish(&page, result)
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            back_to(Some("/seekers/x#apps-h"), "/f"),
            "/seekers/x#apps-h"
        );
        assert_eq!(back_to(Some("//evil.example/"), "/f"), "/f");
        assert_eq!(back_to(Some("https://evil.example/"), "/f"), "/f");
        assert_eq!(back_to(Some("/\\evil.example"), "/f"), "/f");
        assert_eq!(back_to(None, "/f"), "/f");
    }
}
