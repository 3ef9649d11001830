//! The OpenAPI 3.1 description, generated from the handlers and DTOs with utoipa, and a
//! browsable HTML page rendered from it on the server (no JavaScript, no CDN: it works on an
//! air-gapped network).

use crate::{dto, error, routes};
use serde_json::Value;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OpenPES API",
        description = "The API of OpenPES, an open-source platform for public employment services. \
                       Errors are RFC 9457 problem+json with a stable `code`; every response carries \
                       an `x-request-id` header. Labels are given in the `lang` asked for (falls back \
                       to English); problem texts follow `Accept-Language` (zh-TW or en).",
        license(name = "Apache-2.0")
    ),
    paths(
        routes::health::healthz,
        routes::health::readyz,
        routes::taxonomy::search,
        routes::taxonomy::concept,
        routes::taxonomy::concept_by_uri,
        routes::taxonomy::occupation_skills,
        routes::taxonomy::skill_occupations,
        routes::taxonomy::related,
        routes::taxonomy::hierarchy_roots,
        routes::taxonomy::hierarchy_at,
        routes::taxonomy::stats,
        routes::taxonomy::versions,
        routes::extract::extract,
        routes::matching::put_seeker,
        routes::matching::get_seeker,
        routes::matching::delete_seeker,
        routes::matching::seeker_matches,
        routes::matching::put_employer,
        routes::matching::put_vacancy,
        routes::matching::get_vacancy,
        routes::matching::delete_vacancy,
        routes::matching::vacancy_candidates,
        routes::matching::import_vacancies,
        routes::matching::vacancy_changes,
        routes::matching::decide_vacancy_suggestions,
        routes::matching::decide_seeker_suggestions,
        routes::search::search,
        routes::search::snapshot,
        routes::people::register_api,
        routes::people::confirm_registration_api,
        routes::people::login_api,
        routes::people::logout_api,
        routes::people::request_reset_api,
        routes::people::confirm_reset_api,
        routes::people::me,
        routes::people::list_tokens_api,
        routes::people::create_token_api,
        routes::people::revoke_token_api,
        routes::people::consent_api,
        routes::people::seeker_audit_api,
        routes::people::notes_api,
        routes::people::add_note_api,
        routes::people::caseload_api,
        routes::people::audit_api,
        routes::people::users_api,
        routes::people::create_user_api,
        routes::people::disable_user_api,
        routes::people::assign_api,
        routes::people::offices_api,
        routes::people::put_office_api,
        routes::people::outbox_api,
        routes::analytics::summary_api,
        routes::benefits::programs,
        routes::benefits::parameters,
        routes::benefits::calculate,
        routes::benefits::create_claim,
        routes::benefits::get_claim,
        routes::benefits::seeker_claims,
        routes::benefits::review_queue,
        routes::benefits::review_claim,
        routes::benefits::import_insurance,
        routes::benefits::redetermine,
        routes::guidance::gap,
        routes::guidance::reachable,
        routes::guidance::course_plan,
        routes::guidance::get_plan,
        routes::guidance::add_step,
        routes::guidance::update_step,
        routes::guidance::plan_history,
        routes::guidance::list_courses,
        routes::guidance::get_course,
        routes::guidance::put_course,
        routes::guidance::delete_course,
        routes::guidance::import_courses,
        routes::extract::extract_file,
        routes::applications::saved,
        routes::applications::save,
        routes::applications::unsave,
        routes::applications::of_seeker,
        routes::applications::apply,
        routes::applications::get,
        routes::applications::set_status,
        routes::applications::of_vacancy,
        routes::offers::contact_api,
        routes::offers::contact_candidate_api,
        routes::offers::record_referral_api,
        routes::offers::referrals_api,
        routes::offers::propose_offer_api,
        routes::offers::settle_api,
        routes::offers::employers_api,
        routes::offers::verify_employer_api,
    ),
    components(schemas(error::Problem, dto::ConceptRef, dto::ConceptDetail, dto::SearchResponse)),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "taxonomy", description = "Occupations, skills, hierarchies and relations"),
        (name = "extraction", description = "Text to taxonomy concepts, explained"),
        (name = "people", description = "Accounts, sessions, API tokens, consent, caseloads, audit and aggregates. \
            Sign in with a session cookie (changes then need the X-CSRF-Token header) or send \
            `Authorization: Bearer <token>`."),
        (name = "benefits", description = "Unemployment benefits as rules as code: programs, dated parameters with \
            legal references, a calculator, claims decided automatically when complete and favourable \
            (otherwise reviewed by a caseworker), decision logs with traces and letters in zh-TW and en."),
        (name = "guidance", description = "Career guidance: skills gaps, reachable occupations, the training \
            catalog with course plans (a weighted set cover) and action plans with their history; every \
            result explained in zh-TW and en."),
        (name = "applications", description = "Saved vacancies and applications: a seeker applies with a \
            message (which shares their record with that employer), the employer moves the application on \
            (viewed, interview, offer, hired) or rejects it, the seeker may withdraw it; every status is kept \
            in an append-only history and each change by the employer reaches the seeker's outbox."),
        (name = "offers", description = "Job offers that count for benefits (a caseworker's referral, or an \
            employer's offer once the seeker or their caseworker confirmed it), employers' contacts with \
            candidates (never offers; candidates only, once per vacancy, a daily limit) and the staff \
            verification of employers.")
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as JSON.
pub fn openapi_json() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The style of the API documentation page (served as `/static/api-docs.css`: the pages' CSP
/// allows no inline style).
pub const DOCS_CSS: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.5}
h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2.5rem}
.op{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:3.5rem;font-weight:700;color:#fff;background:#0b5394;border-radius:4px;text-align:center;margin-right:.5rem}
code{background:#f3f3f3;padding:0 .25rem;border-radius:3px}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;text-align:left;padding:.2rem .4rem;vertical-align:top}";

/// A self-contained HTML page listing every operation with its parameters and responses.
pub fn docs_html(doc: &Value) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>OpenPES API</title><link rel=\"stylesheet\" href=\"/static/api-docs.css\">\
         </head><body>",
    );
    let info = &doc["info"];
    html.push_str(&format!(
        "<h1>{} <small>{}</small></h1><p>{}</p><p>Machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a> (OpenAPI {}).</p>",
        escape(info["title"].as_str().unwrap_or("API")),
        escape(info["version"].as_str().unwrap_or("")),
        escape(info["description"].as_str().unwrap_or("")),
        escape(doc["openapi"].as_str().unwrap_or("")),
    ));
    let Some(paths) = doc["paths"].as_object() else {
        html.push_str("</body></html>");
        return html;
    };
    let mut by_tag: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            let tag = op["tags"][0].as_str().unwrap_or("other").to_string();
            let mut section = format!(
                "<div class=\"op\" id=\"{}\"><p><span class=\"m\">{}</span><code>{}</code></p><p>{}</p>",
                escape(op["operationId"].as_str().unwrap_or("")),
                escape(&method.to_uppercase()),
                escape(path),
                escape(op["description"].as_str().or(op["summary"].as_str()).unwrap_or("")),
            );
            if let Some(params) = op["parameters"].as_array() {
                section.push_str("<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>");
                for p in params {
                    section.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        escape(p["name"].as_str().unwrap_or("")),
                        escape(p["in"].as_str().unwrap_or("")),
                        if p["required"].as_bool().unwrap_or(false) {
                            "yes"
                        } else {
                            "no"
                        },
                        escape(p["description"].as_str().unwrap_or("")),
                    ));
                }
                section.push_str("</table>");
            }
            if let Some(responses) = op["responses"].as_object() {
                section.push_str("<p>Responses: ");
                let list: Vec<String> = responses
                    .iter()
                    .map(|(status, r)| {
                        format!(
                            "<code>{}</code> {}",
                            escape(status),
                            escape(r["description"].as_str().unwrap_or(""))
                        )
                    })
                    .collect();
                section.push_str(&list.join("; "));
                section.push_str("</p>");
            }
            section.push_str("</div>");
            by_tag.entry(tag).or_default().push(section);
        }
    }
    for (tag, sections) in by_tag {
        html.push_str(&format!("<h2>{}</h2>", escape(&tag)));
        for s in sections {
            html.push_str(&s);
        }
    }
    html.push_str("</body></html>");
    html
}
