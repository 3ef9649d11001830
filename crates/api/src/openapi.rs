//! The OpenAPI 3.1 description, generated from the handlers and DTOs with utoipa, and a
//! browsable HTML page rendered from it on the server (no JavaScript, no CDN: it works on an
//! air-gapped network).

use crate::{dto, error, routes};
use serde_json::Value;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

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

/// The OpenAPI document: the description above with every route the API serves, each taken
/// from its handler's `#[utoipa::path]` by the route table ([`crate::routes::bounded`],
/// [`crate::routes::uploads`]).
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, bounded) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::bounded())
        .merge(routes::uploads())
        .split_for_parts();
    bounded
}

/// The OpenAPI document as JSON (built once).
pub fn openapi_json() -> Value {
    static DOCUMENT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOCUMENT
        .get_or_init(|| serde_json::to_value(document()).unwrap_or(Value::Null))
        .clone()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Two response types of one name would share one schema in the document, and one of the
    /// endpoints would be described with the other's fields.
    #[test]
    fn every_schema_name_stands_for_one_type_and_every_route_is_documented() {
        let document = openapi_json();
        let schemas = document["components"]["schemas"]
            .as_object()
            .map_or(0, |s| s.len());
        for name in [
            "ConceptSearchResponse",
            "VacancySearchResponse",
            "ConceptSearchResult",
            "VacancySearchResult",
            "InsuranceImportSummary",
            "VacancyImportSummary",
        ] {
            assert!(
                document["components"]["schemas"].get(name).is_some(),
                "{name} missing among {schemas} schemas"
            );
        }
        let operations: usize = document["paths"].as_object().map_or(0, |p| {
            p.values()
                .filter_map(|v| v.as_object())
                .map(|v| v.len())
                .sum()
        });
        // Every operation of the route table; the table is the only list of routes.
        assert!(operations >= 91, "only {operations} operations documented");
        assert!(document["paths"]
            .get("/api/v1/vacancies/{id}/candidates/{seeker}/contact")
            .is_some());
    }
}
