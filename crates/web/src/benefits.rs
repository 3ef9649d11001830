//! Web pages for unemployment benefits: a seeker's claims with their letters and a claim form
//! (one field per fact the program reads, labelled in the reader's language; a blank field is
//! left to the registers), a claim's page with every decision, and for caseworkers the review
//! queue and a review form that settles facts and decides. Every form goes through the API's
//! handlers, so access, rules and the audit log are the same as for the API.

use super::{finish, see_other, Page};
use crate::PageError;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use minijinja::{context, Value};
use openpes_app::access::{self, Action};
use openpes_app::benefits::claims::{
    self as b, FactSpecView, NewClaim, ProgramView, ReviewRequest,
};
use openpes_http::error::ApiPath;
use openpes_http::i18n::UiLang;
use openpes_http::AppState;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as JsonValue};

/// A fact as a form field.
#[derive(Serialize)]
struct FactField {
    name: String,
    /// `bool`, `integer`, `amount`, `date` or `code`.
    kind: String,
    label: String,
    codes: Vec<String>,
    nullable: bool,
    /// The program still needs it (on the review form).
    needed: bool,
}

/// A program as a form.
#[derive(Serialize)]
struct ProgramForm {
    key: String,
    title: String,
    fields: Vec<FactField>,
}

fn localized(value: &JsonValue, lang: UiLang) -> String {
    value[lang.tag()]
        .as_str()
        .or(value["en"].as_str())
        .unwrap_or("")
        .to_string()
}

/// The facts a person can type in (periods and monthly series come from the registers).
fn fields(specs: &[FactSpecView], needed: &[String], lang: UiLang) -> Vec<FactField> {
    let mut fields: Vec<FactField> = specs
        .iter()
        .filter(|s| {
            matches!(
                s.kind.as_str(),
                "bool" | "integer" | "amount" | "date" | "code"
            )
        })
        .map(|s| FactField {
            name: s.name.clone(),
            kind: s.kind.clone(),
            label: localized(&s.title, lang),
            codes: s.codes.clone(),
            nullable: s.nullable,
            needed: needed.contains(&s.name),
        })
        .collect();
    // Needed facts first, otherwise in the program's order.
    fields.sort_by_key(|f| !f.needed);
    fields
}

async fn programs(state: &AppState) -> Result<Vec<ProgramView>, PageError> {
    Ok(b::programs(state)?)
}

/// The form's values as declared facts: blank fields are left out, `<name>__none` marks a
/// nullable fact as known to be absent, numbers are parsed (a bad one is a field error).
fn facts_of(form: &[(String, String)], specs: &[FactSpecView]) -> Result<JsonValue, PageError> {
    let mut facts = Map::new();
    let mut problems = Vec::new();
    for spec in specs {
        let none = form
            .iter()
            .any(|(k, v)| *k == format!("{}__none", spec.name) && v == "true");
        if none && spec.nullable {
            facts.insert(spec.name.clone(), JsonValue::Null);
            continue;
        }
        let Some(raw) = form
            .iter()
            .find(|(k, _)| *k == spec.name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
        else {
            continue;
        };
        let value = match spec.kind.as_str() {
            "bool" => match raw {
                "true" => Some(JsonValue::Bool(true)),
                "false" => Some(JsonValue::Bool(false)),
                _ => None,
            },
            "integer" => raw.parse::<i64>().ok().map(JsonValue::from),
            "amount" => raw
                .replace(',', "")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(JsonValue::Number),
            _ => Some(JsonValue::String(raw.to_string())),
        };
        match value {
            Some(value) => {
                facts.insert(spec.name.clone(), value);
            }
            None => problems.push((spec.name.clone(), format!("'{raw}' is not a {}", spec.kind))),
        }
    }
    if problems.is_empty() {
        Ok(JsonValue::Object(facts))
    } else {
        Err(b::invalid(problems).into())
    }
}

/// A decision as the page shows it.
#[derive(Serialize)]
struct DecisionRow {
    decided_at: String,
    kind: String,
    outcome: String,
    letter: String,
}

fn decision_rows(view: &b::ClaimView, lang: UiLang) -> Vec<DecisionRow> {
    view.decisions
        .iter()
        .rev()
        .map(|d| DecisionRow {
            decided_at: d
                .decided_at
                .get(..16)
                .unwrap_or(&d.decided_at)
                .replace('T', " "),
            kind: d.kind.clone(),
            outcome: d.outcome.clone(),
            letter: match lang {
                UiLang::En => d.letter.en.clone(),
                UiLang::ZhTw => d.letter.zh_tw.clone(),
            },
        })
        .collect()
}

fn program_title(programs: &[ProgramView], key: &str, lang: UiLang) -> String {
    programs
        .iter()
        .find(|p| p.key == key)
        .map_or_else(|| key.to_string(), |p| localized(&p.title, lang))
}

/// `GET /seekers/{id}/benefits`: the seeker's claims and the claim form.
pub(super) async fn seeker_benefits(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
) -> Response {
    let result = async {
        let claims = b::seeker_claims(&state, &page.caller, &id).await?;
        let programs = programs(&state).await?;
        let rows: Vec<_> = claims
            .iter()
            .map(|c| {
                context! {
                    id => c.id.clone(),
                    program => program_title(&programs, &c.program, page.lang),
                    status => c.status.clone(),
                    created_at => c.created_at.get(..10).unwrap_or(&c.created_at).to_string(),
                    latest => decision_rows(c, page.lang).into_iter().next().map(|d| Value::from_serialize(&d)),
                }
            })
            .collect();
        let forms: Vec<ProgramForm> = programs
            .iter()
            .map(|p| ProgramForm {
                key: p.key.clone(),
                title: localized(&p.title, page.lang),
                fields: fields(&p.facts, &[], page.lang),
            })
            .collect();
        Ok(page.ok(
            "benefits.html",
            context! { seeker_id => id, claims => rows, programs => Value::from_serialize(&forms) },
        ))
    }
    .await;
    finish(&page, result)
}

/// `POST /seekers/{id}/benefits`: files a claim and shows it.
pub(super) async fn file_claim(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let key = form
            .iter()
            .find(|(k, _)| k == "program")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let programs = programs(&state).await?;
        let specs = programs
            .iter()
            .find(|p| p.key == key)
            .map(|p| p.facts.as_slice())
            .unwrap_or_default();
        let declared = facts_of(&form, specs)?;
        let claim = NewClaim {
            program: key,
            seeker_id: id,
            declared,
        };
        access::require_signed_in(&page.caller)?;
        let view = b::file_claim(&state, &page.caller, claim, state.now().date_naive()).await?;
        Ok(see_other(&format!(
            "/benefits/claims/{}?done=saved",
            view.id
        )))
    }
    .await;
    finish(&page, result)
}

/// `GET /benefits/claims/{id}`: every decision with its letter; the review form for those who
/// may review.
pub(super) async fn claim_page(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
) -> Response {
    let result = async {
        let view = b::claim(&state, &page.caller, &id).await?;
        let programs = programs(&state).await?;
        let caseworker = state.store().caseworker_of(&view.seeker_id).await?;
        let may_review = view.status != "decided"
            && access::decide(
                &page.caller,
                Action::ReviewClaim,
                access::Target::Seeker {
                    id: &view.seeker_id,
                    caseworker: caseworker.as_deref(),
                },
            )
            .is_ok();
        let needed: Vec<String> = view
            .decisions
            .last()
            .and_then(|d| d.determination["needed"].as_array())
            .into_iter()
            .flatten()
            .filter_map(|n| n["name"].as_str().map(str::to_string))
            .collect();
        let offers = offer_rows(&state, &page, &view.seeker_id, caseworker.as_deref()).await?;
        let review_fields = match (may_review, programs.iter().find(|p| p.key == view.program)) {
            (true, Some(program)) => fields(&program.facts, &needed, page.lang),
            _ => Vec::new(),
        };
        Ok(page.ok(
            "claim.html",
            context! {
                claim => context! {
                    id => view.id.clone(),
                    version => view.version,
                    seeker_id => view.seeker_id.clone(),
                    status => view.status.clone(),
                    program => program_title(&programs, &view.program, page.lang),
                    created_at => view.created_at.get(..10).unwrap_or(&view.created_at).to_string(),
                },
                decisions => Value::from_serialize(decision_rows(&view, page.lang)),
                may_review,
                review_fields => Value::from_serialize(&review_fields),
                offers => Value::from_serialize(&offers),
            },
        ))
    }
    .await;
    finish(&page, result)
}

/// A job offer as the claim page lists it: what, when, who recorded and who confirmed it.
#[derive(Serialize)]
struct OfferRow {
    id: i64,
    kind: String,
    reference: String,
    offered_on: String,
    status: String,
    recorded_by: String,
    confirmed_by: Option<String>,
    confirmed_at: Option<String>,
    /// The reader may confirm or decline it (a proposed offer; the seeker or their caseworker).
    may_settle: bool,
}

/// "Name (role)" of a user id, or the id when the account is gone.
async fn who(state: &AppState, id: Option<&str>, role: Option<&str>) -> Result<String, PageError> {
    let Some(id) = id else {
        return Ok("?".into());
    };
    let name = state
        .store()
        .user(id)
        .await?
        .map_or_else(|| id.to_string(), |u| u.display_name);
    Ok(match role {
        Some(role) => format!("{name} ({role})"),
        None => name,
    })
}

/// The seeker's job offers (referrals) for the claim page; the claim's reader was authorized
/// (and audited) by `get_claim`.
async fn offer_rows(
    state: &AppState,
    page: &Page,
    seeker_id: &str,
    caseworker: Option<&str>,
) -> Result<Vec<OfferRow>, PageError> {
    let may_settle = access::decide(
        &page.caller,
        Action::SettleReferral,
        access::Target::Seeker {
            id: seeker_id,
            caseworker,
        },
    )
    .is_ok();
    let mut rows = Vec::new();
    for r in state.store().referrals_of_seeker(seeker_id).await? {
        rows.push(OfferRow {
            recorded_by: who(state, r.recorded_by.as_deref(), r.recorded_role.as_deref()).await?,
            confirmed_by: match &r.confirmed_by {
                Some(id) => Some(who(state, Some(id), r.confirmed_role.as_deref()).await?),
                None => None,
            },
            confirmed_at: r
                .confirmed_at
                .map(|at| at.get(..10).unwrap_or(&at).to_string()),
            may_settle: may_settle && r.status == "proposed",
            id: r.id,
            kind: r.kind,
            reference: r.reference,
            offered_on: r.offered_on,
            status: r.status,
        });
    }
    Ok(rows)
}

/// The confirm/decline form of an offer.
#[derive(Deserialize)]
pub(super) struct SettleForm {
    status: String,
    #[serde(default)]
    claim: Option<String>,
}

/// `POST /referrals/{id}/status`: confirms or declines an employer's offer, back to the claim.
pub(super) async fn settle_offer(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<i64>,
    Form(form): Form<SettleForm>,
) -> Response {
    let result = async {
        let settled = openpes_app::offers::settle(&state, &page.caller, id, &form.status).await?;
        Ok(match form.claim.filter(|c| !c.is_empty()) {
            Some(claim) => see_other(&format!(
                "/benefits/claims/{}?done=saved#offers-h",
                urlencoding_path(&claim)
            )),
            None => see_other(&format!("/seekers/{}/benefits?done=saved", settled.seeker)),
        })
    }
    .await;
    finish(&page, result)
}

/// Keeps a path segment to characters that need no escaping.
fn urlencoding_path(segment: &str) -> String {
    segment
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

/// `POST /benefits/claims/{id}/review`: the caseworker's facts, and a decision if asked.
pub(super) async fn review_claim(
    State(state): State<AppState>,
    page: Page,
    ApiPath(id): ApiPath<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let result = async {
        let claim = state
            .store()
            .claim(&id)
            .await?
            .ok_or_else(|| openpes_app::error::not_found("claim", &id))?;
        let programs = programs(&state).await?;
        let specs = programs
            .iter()
            .find(|p| p.key == claim.program)
            .map(|p| p.facts.as_slice())
            .unwrap_or_default();
        let request = ReviewRequest {
            facts: facts_of(&form, specs)?,
            decide: form.iter().any(|(k, v)| k == "decide" && v == "true"),
            version: form
                .iter()
                .find(|(k, _)| k == "version")
                .and_then(|(_, v)| v.parse().ok()),
        };
        let _reviewed = b::review_claim(&state, &page.caller, &id, Ok(request)).await?;
        Ok(see_other(&format!("/benefits/claims/{id}?done=saved")))
    }
    .await;
    finish(&page, result)
}

/// `GET /benefits/review`: claims waiting for a caseworker (their caseload; all for an
/// administrator).
pub(super) async fn review_queue(State(state): State<AppState>, page: Page) -> Response {
    let result = async {
        let queue = b::review_queue(&state, &page.caller).await?;
        let programs = programs(&state).await?;
        let mut rows = Vec::new();
        for entry in queue {
            let name = state
                .store()
                .user_of_seeker(&entry.seeker_id)
                .await?
                .map_or_else(|| entry.seeker_id.clone(), |u| u.display_name);
            rows.push(context! {
                id => entry.id,
                name,
                program => program_title(&programs, &entry.program, page.lang),
                created_at => entry.created_at.get(..10).unwrap_or(&entry.created_at).to_string(),
                outcome => entry.outcome,
                needed => entry.needed,
            });
        }
        Ok(page.ok("review.html", context! { queue => rows }))
    }
    .await;
    finish(&page, result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, kind: &str, nullable: bool) -> FactSpecView {
        FactSpecView {
            name: name.into(),
            kind: kind.into(),
            codes: vec![],
            nullable,
            title: serde_json::json!({"en": name, "zh-TW": name}),
        }
    }

    #[test]
    fn form_fields_become_typed_facts_and_blanks_are_left_out() {
        let specs = [
            spec("able", "bool", false),
            spec("dependants", "integer", false),
            spec("wage", "amount", false),
            spec("ended_on", "date", true),
            spec("reason", "code", false),
        ];
        let form: Vec<(String, String)> = [
            ("able", "true"),
            ("dependants", " 2 "),
            ("wage", "38,200"),
            ("ended_on", ""),
            ("ended_on__none", "true"),
            ("reason", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let facts = facts_of(&form, &specs).map_err(|e| format!("{:?}", e.message));
        assert_eq!(
            facts,
            Ok(
                serde_json::json!({"able": true, "dependants": 2, "wage": 38200.0, "ended_on": null})
            )
        );
        let bad = vec![("dependants".to_string(), "two".to_string())];
        assert!(facts_of(&bad, &specs).is_err());
    }
}
