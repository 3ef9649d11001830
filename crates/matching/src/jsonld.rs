//! schema.org `JobPosting` JSON-LD → vacancies (and the employers they name). Accepts one
//! posting, an array of them, or a document with an `@graph`; every problem is reported with
//! the posting's position and the schema.org property (`[3].datePosted`), so an import can be
//! rejected as a whole and fixed.
//!
//! | schema.org | vacancy |
//! |---|---|
//! | `identifier` (text, a number or a `PropertyValue`'s `value`), else `@id`/`url`; hashed with the employer's id | `id` (`jp-` and 16 hex digits) |
//! | `hiringOrganization` (`identifier`, else its name hashed) | `employer` |
//! | `title`, `description` (HTML reduced to text), `qualifications`, `responsibilities` | `title`, `description` |
//! | `datePosted`, `validThrough` | `posted`, `expires` |
//! | `employmentType` (`FULL_TIME`, `PART_TIME`, `CONTRACTOR`, `TEMPORARY`, `INTERN`, `PER_DIEM`) | `working_time`, `contract` |
//! | `jobLocationType: TELECOMMUTE` | `remote` |
//! | `jobLocation.address` (region and locality, looked up in the gazetteer), `jobLocation.geo` | `place`, `location` |
//! | `baseSalary` (`MonetaryAmount`; per hour, day, week, month or year) | `salary_min`, `salary_max` per month |
//! | `occupationalCategory` (a URI, an ISCO-08 or O*NET-SOC code) | `occupation` |
//! | `skills` (URIs, `DefinedTerm`s or labels) | `essential_skills`; names the taxonomy does not know stay in the text for extraction |
//! | `educationRequirements.credentialCategory` | `education` (ISCED) |
//! | `experienceRequirements.monthsOfExperience` | `experience_years` |
//! | `totalJobOpenings` | `positions` |
//!
//! Salaries keep their currency's amounts (no conversion).
//!
//! Vacancy ids are scoped by their employer: the id is a SHA-256 of the employer's id and the
//! posting's `identifier` (or its `@id`/`url` when it has none), so two employers' postings
//! with the same identifier are two vacancies, and importing a posting again replaces the
//! same vacancy. A `PropertyValue` identifier counts by its `value` only (its `name` names the
//! issuer, the same for all of a company's postings); an `identifier` that is given but blank
//! is an error, as is a posting with no `identifier`, `@id` or `url`, and so is one document
//! naming the same vacancy twice.

use crate::geo::{Gazetteer, Point};
use crate::model::{
    ContractType, Employer, FieldError, RemotePolicy, Vacancy, VacancyStatus, WorkingTime,
};
use chrono::NaiveDate;
use openpes_taxonomy::{ConceptKind, Taxonomy};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The vacancies and employers of a JSON-LD document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Postings {
    pub vacancies: Vec<Vacancy>,
    /// Each employer once, in order of first appearance.
    pub employers: Vec<Employer>,
}

/// Hours in a working month (40 h × 52 weeks / 12), for hourly salaries.
const HOURS_PER_MONTH: f64 = 173.33;
/// Working days in a month, for daily salaries.
const DAYS_PER_MONTH: f64 = 21.75;

/// Reads every `JobPosting` of `document`; errors name the posting (`[i]`) and the property.
pub fn job_postings(
    document: &Value,
    taxonomy: &Taxonomy,
    gazetteer: &Gazetteer,
) -> Result<Postings, Vec<FieldError>> {
    let items: Vec<&Value> = match document {
        Value::Array(items) => items.iter().collect(),
        Value::Object(object) => match object.get("@graph") {
            Some(Value::Array(items)) => items.iter().collect(),
            _ => vec![document],
        },
        _ => {
            return Err(vec![FieldError {
                field: "document".into(),
                message: "must be a JobPosting, an array of them or an @graph".into(),
            }])
        }
    };
    let mut postings = Postings::default();
    let mut errors = Vec::new();
    // Vacancy id → the posting that named it first.
    let mut seen = std::collections::HashMap::new();
    for (i, item) in items.into_iter().enumerate() {
        let mut reader = Reader {
            at: i,
            errors: &mut errors,
        };
        if let Some((vacancy, employer)) = reader.posting(item, taxonomy, gazetteer) {
            if let Some(&first) = seen.get(&vacancy.id) {
                reader.error(
                    "identifier",
                    format!("names the same vacancy as posting [{first}] of the same employer"),
                );
                continue;
            }
            seen.insert(vacancy.id.clone(), i);
            if !postings.employers.iter().any(|e| e.id == employer.id) {
                postings.employers.push(employer);
            }
            postings.vacancies.push(vacancy);
        }
    }
    if errors.is_empty() {
        Ok(postings)
    } else {
        Err(errors)
    }
}

struct Reader<'a> {
    at: usize,
    errors: &'a mut Vec<FieldError>,
}

/// A value as text: a string, a number, or the `name`/`value`/`@value` of an object.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => ["@value", "value", "name"]
            .iter()
            .find_map(|k| o.get(*k).and_then(text)),
        Value::Array(a) => a.first().and_then(text),
        _ => None,
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace(',', "").parse().ok(),
        _ => None,
    }
    .filter(|v: &f64| v.is_finite())
}

/// One or many values as a list.
fn many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

fn short_hash(prefix: &str, text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("{prefix}-{}", hex::encode(&digest[..8]))
}

/// The id of the vacancy that posting `key` (its identifier or URL) of `employer` becomes:
/// scoped by the employer, so no employer's posting can name another's vacancy.
pub fn vacancy_id(employer: &str, key: &str) -> String {
    short_hash("jp", &format!("{employer}\n{key}"))
}

/// A posting's or organisation's own `identifier`: text, a number, or the `value` of a
/// `PropertyValue` (the first of several). Never the `PropertyValue`'s `name`, which names
/// the issuer. Blank is an error.
fn identifier(value: &Value) -> Result<String, &'static str> {
    match value {
        Value::String(s) if s.trim().is_empty() => Err("must not be empty"),
        Value::String(s) => Ok(s.trim().to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Object(o) => match o.get("value").or_else(|| o.get("@value")) {
            Some(inner @ (Value::String(_) | Value::Number(_))) => identifier(inner),
            Some(_) | None => Err("must have a value (a PropertyValue's name does not identify)"),
        },
        Value::Array(items) => match items.first() {
            Some(first) => identifier(first),
            None => Err("must not be empty"),
        },
        Value::Bool(_) | Value::Null => Err("must be text or a PropertyValue"),
    }
}

fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

/// A date from `2026-11-20` or `2026-11-20T09:00:00+08:00`.
fn date(text: &str) -> Option<NaiveDate> {
    text.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// HTML reduced to text: tags dropped (block ends become line breaks), common entities
/// decoded.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(
            tag.as_str(),
            "br" | "p" | "li" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "tr"
        ) {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = decoded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join("\n")
}

impl Reader<'_> {
    fn error(&mut self, property: &str, message: impl Into<String>) {
        self.errors.push(FieldError {
            field: format!("[{}].{property}", self.at),
            message: message.into(),
        });
    }

    fn posting(
        &mut self,
        item: &Value,
        taxonomy: &Taxonomy,
        gazetteer: &Gazetteer,
    ) -> Option<(Vacancy, Employer)> {
        let Value::Object(o) = item else {
            self.error("@type", "must be a JobPosting object");
            return None;
        };
        let types: Vec<String> = many(o.get("@type")).into_iter().filter_map(text).collect();
        if !types
            .iter()
            .any(|t| t == "JobPosting" || t.ends_with("/JobPosting"))
        {
            self.error("@type", "must be JobPosting");
            return None;
        }
        let before = self.errors.len();

        // What identifies the posting at its employer; the vacancy id is derived below.
        let key = match o.get("identifier") {
            None | Some(Value::Null) => {
                match o.get("@id").or_else(|| o.get("url")).and_then(text) {
                    Some(url) => format!("url\n{url}"),
                    None => {
                        self.error("identifier", "is required (or @id or url)");
                        String::new()
                    }
                }
            }
            Some(value) => match identifier(value) {
                Ok(id) => format!("identifier\n{id}"),
                Err(message) => {
                    self.error("identifier", message);
                    String::new()
                }
            },
        };

        let employer = match o.get("hiringOrganization") {
            Some(org) => {
                let name = text(org).unwrap_or_default();
                let id = match org.get("identifier") {
                    None | Some(Value::Null) if !name.is_empty() => short_hash("org", &name),
                    None | Some(Value::Null) => String::new(),
                    Some(value) => match identifier(value) {
                        Ok(id) if is_id(&id) => id,
                        Ok(id) => short_hash("org", &id),
                        Err(message) => {
                            self.error("hiringOrganization.identifier", message);
                            String::new()
                        }
                    },
                };
                if name.is_empty() || id.is_empty() {
                    self.error("hiringOrganization", "needs a name");
                }
                Employer {
                    id,
                    name,
                    registration: None,
                }
            }
            None => {
                self.error("hiringOrganization", "is required");
                Employer {
                    id: String::new(),
                    name: String::new(),
                    registration: None,
                }
            }
        };

        let title = o.get("title").and_then(text).unwrap_or_default();
        if title.is_empty() {
            self.error("title", "is required");
        }
        let mut description: Vec<String> = ["description", "responsibilities", "qualifications"]
            .iter()
            .filter_map(|k| o.get(*k).and_then(text))
            .map(|t| html_to_text(&t))
            .collect();

        let posted = match o.get("datePosted").and_then(text) {
            Some(t) => date(&t).or_else(|| {
                self.error("datePosted", format!("'{t}' is not a date (YYYY-MM-DD)"));
                None
            }),
            None => {
                self.error("datePosted", "is required");
                None
            }
        };
        let expires = match o.get("validThrough").and_then(text) {
            Some(t) => date(&t).or_else(|| {
                self.error("validThrough", format!("'{t}' is not a date"));
                None
            }),
            None => None,
        };

        let mut contract = ContractType::Permanent;
        let mut working_time = WorkingTime::FullTime;
        for kind in many(o.get("employmentType")).into_iter().filter_map(text) {
            match kind.to_ascii_uppercase().replace(['-', ' '], "_").as_str() {
                "FULL_TIME" => working_time = WorkingTime::FullTime,
                "PART_TIME" => working_time = WorkingTime::PartTime,
                "CONTRACTOR" => contract = ContractType::Freelance,
                "TEMPORARY" | "PER_DIEM" => contract = ContractType::Temporary,
                "INTERN" | "INTERNSHIP" => contract = ContractType::Internship,
                "OTHER" | "VOLUNTEER" => {}
                _ => self.error(
                    "employmentType",
                    format!("'{kind}' is not a schema.org employment type"),
                ),
            }
        }
        let remote = if many(o.get("jobLocationType"))
            .into_iter()
            .filter_map(text)
            .any(|t| t.eq_ignore_ascii_case("TELECOMMUTE"))
        {
            RemotePolicy::Remote
        } else {
            RemotePolicy::OnSite
        };

        let (place, location) = self.location(o.get("jobLocation"), gazetteer, remote);
        let (salary_min, salary_max) = self.salary(o.get("baseSalary"));

        let occupation = o.get("occupationalCategory").and_then(text).and_then(|c| {
            let known = |id: &openpes_taxonomy::ConceptId| {
                taxonomy.concept(*id).kind == ConceptKind::Occupation
            };
            if taxonomy.by_uri(&c).is_some() {
                return Some(c);
            }
            let by_code: Vec<_> = ["isco08", "onet-soc", "esco"]
                .iter()
                .flat_map(|system| taxonomy.by_code(system, &c).iter().copied())
                .filter(known)
                .collect();
            match by_code.as_slice() {
                [one] => Some(taxonomy.concept(*one).uri.clone()),
                // A category the taxonomy cannot place exactly is left to extraction.
                _ => {
                    description.push(c);
                    None
                }
            }
        });

        let mut essential_skills = Vec::new();
        for skill in many(o.get("skills")) {
            let names: Vec<String> = match skill {
                Value::String(s) if !s.contains("://") && !s.starts_with("urn:") => s
                    .split([',', ';', '\n'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                other => {
                    let uri = other
                        .get("@id")
                        .or_else(|| other.get("url"))
                        .and_then(text)
                        .or_else(|| text(other));
                    uri.into_iter().collect()
                }
            };
            for name in names {
                let found = taxonomy.by_uri(&name).or_else(|| {
                    match taxonomy
                        .by_label(&name)
                        .iter()
                        .filter(|id| taxonomy.concept(**id).kind == ConceptKind::Skill)
                        .collect::<Vec<_>>()
                        .as_slice()
                    {
                        [one] => Some(**one),
                        _ => None,
                    }
                });
                match found {
                    Some(id) if taxonomy.concept(id).kind == ConceptKind::Skill => {
                        let uri = taxonomy.concept(id).uri.clone();
                        if !essential_skills.contains(&uri) {
                            essential_skills.push(uri);
                        }
                    }
                    // Unknown to the taxonomy: extraction may still read it from the text.
                    _ => description.push(name),
                }
            }
        }

        let education = o.get("educationRequirements").and_then(|e| {
            let category = e
                .get("credentialCategory")
                .and_then(text)
                .or_else(|| text(e))?
                .to_ascii_lowercase();
            if category.contains("postgraduate") || category.contains("master") {
                Some(7)
            } else if category.contains("bachelor") {
                Some(6)
            } else if category.contains("associate") {
                Some(5)
            } else if category.contains("high school") || category.contains("secondary") {
                Some(3)
            } else {
                None
            }
        });
        let experience_years = o
            .get("experienceRequirements")
            .and_then(|e| e.get("monthsOfExperience"))
            .and_then(number)
            .map(|m| (m / 12.0) as f32);
        let positions = match o.get("totalJobOpenings").and_then(number) {
            Some(n) if n >= 1.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => n as u32,
            Some(n) => {
                self.error("totalJobOpenings", format!("{n} is not a whole number ≥ 1"));
                1
            }
            None => 1,
        };

        if self.errors.len() > before {
            return None;
        }
        let vacancy = Vacancy {
            id: vacancy_id(&employer.id, &key),
            employer: employer.id.clone(),
            title,
            description: description.join("\n"),
            occupation,
            essential_skills,
            optional_skills: Vec::new(),
            education,
            experience_years,
            languages: Vec::new(),
            licences: Vec::new(),
            location,
            place,
            remote,
            contract,
            working_time,
            salary_min,
            salary_max,
            positions,
            posted: posted?,
            expires,
            status: VacancyStatus::Open,
            suggestions: Vec::new(),
        };
        Some((vacancy, employer))
    }

    /// The gazetteer place and point of `jobLocation` (the first one when there are several).
    fn location(
        &mut self,
        value: Option<&Value>,
        gazetteer: &Gazetteer,
        remote: RemotePolicy,
    ) -> (Option<String>, Option<Point>) {
        let Some(location) = many(value).into_iter().next() else {
            if remote != RemotePolicy::Remote {
                self.error(
                    "jobLocation",
                    "is required unless jobLocationType is TELECOMMUTE",
                );
            }
            return (None, None);
        };
        let point = location.get("geo").and_then(|g| {
            let lat = g.get("latitude").and_then(number)?;
            let lon = g.get("longitude").and_then(number)?;
            ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
                .then_some(Point { lat, lon })
        });
        let address = location.get("address");
        let part = |key: &str| address.and_then(|a| a.get(key)).and_then(text);
        let (region, locality) = (part("addressRegion"), part("addressLocality"));
        let address_text = address.and_then(|a| a.as_str().map(str::to_string));
        let candidates: Vec<String> = [
            region
                .as_ref()
                .zip(locality.as_ref())
                .map(|(r, l)| format!("{r}{l}")),
            locality
                .as_ref()
                .zip(region.as_ref())
                .map(|(l, r)| format!("{l}, {r}")),
            locality.clone(),
            region.clone(),
            address_text.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let place = candidates
            .iter()
            .find_map(|c| gazetteer.resolve(c).ok())
            .or_else(|| {
                // A full address in one string: the longest place named in it.
                let text = address_text.as_deref()?;
                let found = gazetteer.find_in_text(text);
                let (position, _) = found.iter().max_by_key(|(_, r)| r.len())?;
                gazetteer.places().get(*position)
            })
            .map(|p| p.code.clone());
        if place.is_none() && point.is_none() && remote != RemotePolicy::Remote {
            let named = candidates.first().cloned().unwrap_or_default();
            self.error(
                "jobLocation",
                format!("'{named}' is not in the gazetteer and no geo coordinates are given"),
            );
        }
        (place, point)
    }

    /// `baseSalary` as a monthly range.
    fn salary(&mut self, value: Option<&Value>) -> (Option<u32>, Option<u32>) {
        let Some(salary) = value else {
            return (None, None);
        };
        let amount = salary.get("value").unwrap_or(salary);
        let unit = amount
            .get("unitText")
            .or_else(|| salary.get("unitText"))
            .and_then(text)
            .unwrap_or_else(|| "MONTH".into())
            .to_ascii_uppercase();
        let per_month = match unit.as_str() {
            "HOUR" => HOURS_PER_MONTH,
            "DAY" => DAYS_PER_MONTH,
            "WEEK" => 52.0 / 12.0,
            "MONTH" => 1.0,
            "YEAR" => 1.0 / 12.0,
            other => {
                self.error(
                    "baseSalary.unitText",
                    format!("'{other}' is not HOUR, DAY, WEEK, MONTH or YEAR"),
                );
                return (None, None);
            }
        };
        let read = |key: &str| amount.get(key).and_then(number);
        let single = match amount {
            Value::Number(_) | Value::String(_) => number(amount),
            _ => read("value"),
        };
        let (min, max) = (read("minValue").or(single), read("maxValue").or(single));
        let monthly = |v: f64| {
            let m = (v * per_month).round();
            (0.0..=u32::MAX as f64).contains(&m).then_some(m as u32)
        };
        let (min, max) = (min.and_then(monthly), max.and_then(monthly));
        if let (Some(a), Some(b)) = (min, max) {
            if a > b {
                self.error("baseSalary", "minValue is above maxValue");
            }
        }
        (min, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_becomes_lines_of_text() {
        let text = html_to_text("<p>Drive <b>forklifts</b> &amp; load trucks.</p><ul><li>Shifts</li><li>Licence</li></ul>");
        assert_eq!(text, "Drive forklifts & load trucks.\nShifts\nLicence");
        assert_eq!(html_to_text("a < b"), "a < b");
    }

    #[test]
    fn identifiers_are_values_never_issuer_names() {
        let property = |value: Value| serde_json::json!({"@type": "PropertyValue", "name": "Example Co", "value": value});
        assert_eq!(identifier(&property("TL-1".into())), Ok("TL-1".to_string()));
        assert_eq!(
            identifier(&property(1234567.into())),
            Ok("1234567".to_string())
        );
        assert!(identifier(&property("  ".into())).is_err(), "blank value");
        assert!(identifier(&serde_json::json!({"name": "Example Co"})).is_err());
        assert!(identifier(&Value::String(String::new())).is_err());
        assert!(identifier(&serde_json::json!([])).is_err());
        assert_eq!(
            identifier(&serde_json::json!([" a ", "b"])),
            Ok("a".to_string())
        );
    }

    #[test]
    fn vacancy_ids_are_scoped_by_employer() {
        let a = vacancy_id("employer-a", "identifier\n1234567");
        let b = vacancy_id("employer-b", "identifier\n1234567");
        assert_ne!(a, b);
        assert_eq!(a, vacancy_id("employer-a", "identifier\n1234567"));
        assert!(is_id(&a) && a.starts_with("jp-"), "{a}");
    }

    #[test]
    fn dates_accept_date_times() {
        assert_eq!(
            date("2026-11-20T09:00:00+08:00"),
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
        assert_eq!(date("20/11/2026"), None);
    }
}
