//! Training catalogs as providers send them: CSV with a header row, or JSON lines. Reading
//! is all or nothing: every bad line and field is reported with its line number, and nothing
//! is returned while any is wrong.

use crate::courses::{Course, CourseMode};
use chrono::NaiveDate;
use openpes_matching::model::{FieldError, InvalidRecord};

/// Courses from JSON lines, each with the prefix its errors carry (`line N: `).
pub fn read_course_lines(text: &str) -> Result<Vec<(String, Course)>, InvalidRecord> {
    let mut courses = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("line {}: ", i + 1);
        match serde_json::from_str::<Course>(line) {
            Ok(course) => courses.push((at, course)),
            Err(e) => errors.push(FieldError {
                field: format!("line {}", i + 1),
                message: e.to_string(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(courses)
    } else {
        Err(InvalidRecord(errors))
    }
}

/// Courses from CSV, each with the prefix its errors carry (`line N: `). A header row, then
/// one course per row. Columns `id`, `title`, `provider`, `mode` are required;
/// `description`, `skills` (URIs separated by `|`), `place`, `start_dates` (ISO dates
/// separated by `|`), `hours`, `cost`, `public_funding` (0–1), `language`, `url` are
/// optional. Every problem is reported, none stops the reading.
pub fn read_course_csv(text: &str) -> Result<Vec<(String, Course)>, InvalidRecord> {
    const KNOWN: [&str; 13] = [
        "id",
        "title",
        "provider",
        "description",
        "skills",
        "mode",
        "place",
        "start_dates",
        "hours",
        "cost",
        "public_funding",
        "language",
        "url",
    ];
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let problem = |field: String, message: String| FieldError { field, message };
    let headers = reader
        .headers()
        .map_err(|e| InvalidRecord(vec![problem("line 1".into(), e.to_string())]))?
        .clone();
    let mut errors = Vec::new();
    for h in headers.iter() {
        if !KNOWN.contains(&h.trim()) {
            errors.push(problem(
                format!("line 1: {h}"),
                format!("unknown column (expected: {})", KNOWN.join(", ")),
            ));
        }
    }
    for required in ["id", "title", "provider", "mode"] {
        if !headers.iter().any(|h| h.trim() == required) {
            errors.push(problem(
                format!("line 1: {required}"),
                "required column missing".into(),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(InvalidRecord(errors));
    }
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let mut courses = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                errors.push(problem(format!("line {line}"), e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let at = format!("line {line}: ");
        let get = |name: &str| -> Option<&str> {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let mut bad = |field: &str, message: String| {
            errors.push(problem(format!("{at}{field}"), message));
        };
        let mode = match get("mode").map(|m| (m, CourseMode::parse(m))) {
            Some((_, Some(mode))) => mode,
            Some((m, None)) => {
                bad("mode", format!("'{m}' is not online, in_person or blended"));
                continue;
            }
            None => {
                bad("mode", "required".into());
                continue;
            }
        };
        let split = |v: Option<&str>| -> Vec<String> {
            v.map(|v| {
                v.split(['|', ';'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
        };
        let mut start_dates = Vec::new();
        for d in split(get("start_dates")) {
            match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
                Ok(date) => start_dates.push(date),
                Err(_) => bad("start_dates", format!("'{d}' is not a date (YYYY-MM-DD)")),
            }
        }
        let mut number = |name: &str| -> Option<f64> {
            let v = get(name)?;
            match v.replace(',', "").parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 => Some(n),
                _ => {
                    errors.push(problem(
                        format!("{at}{name}"),
                        format!("'{v}' is not a non-negative number"),
                    ));
                    None
                }
            }
        };
        let hours = number("hours").map(|h| h as f32);
        let cost = number("cost").map(|c| c.min(f64::from(u32::MAX)).round() as u32);
        let public_funding = number("public_funding").unwrap_or(0.0) as f32;
        courses.push((
            at.clone(),
            Course {
                id: get("id").unwrap_or_default().to_string(),
                title: get("title").unwrap_or_default().to_string(),
                provider: get("provider").unwrap_or_default().to_string(),
                description: get("description").unwrap_or_default().to_string(),
                skills: split(get("skills")),
                skills_extracted: false,
                mode,
                place: get("place").map(str::to_string),
                location: None,
                start_dates,
                hours,
                cost,
                public_funding,
                language: get("language").map(str::to_string),
                url: get("url").map(str::to_string),
            },
        ));
    }
    if errors.is_empty() {
        Ok(courses)
    } else {
        Err(InvalidRecord(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: InvalidRecord) -> Vec<String> {
        error.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn csv_rows_become_courses_and_every_bad_field_is_named_by_line() {
        let good = "id,title,provider,mode,skills,start_dates,cost\n\
                    c1,Welding,Centre,in_person,s:a|s:b,2027-01-04|2027-03-01,\"12,000\"\n";
        let courses = read_course_csv(good).expect("valid CSV");
        assert_eq!(courses.len(), 1);
        let (at, course) = &courses[0];
        assert_eq!(at, "line 2: ");
        assert_eq!(course.skills, ["s:a", "s:b"]);
        assert_eq!(course.start_dates.len(), 2);
        assert_eq!(course.cost, Some(12_000));
        assert_eq!(course.mode, CourseMode::InPerson);

        let bad = "id,title,provider,mode,hours\nc1,T,P,by pigeon,\nc2,T,P,online,-3\n";
        let error = read_course_csv(bad).expect_err("invalid");
        assert_eq!(fields(error), ["line 2: mode", "line 3: hours"]);

        let unknown = "id,title,colour\n";
        let error = read_course_csv(unknown).expect_err("invalid header");
        assert_eq!(
            fields(error),
            ["line 1: colour", "line 1: provider", "line 1: mode"]
        );
    }

    #[test]
    fn json_lines_skip_blanks_and_name_the_bad_line() {
        let text =
            "{\"id\":\"c1\",\"title\":\"T\",\"provider\":\"P\",\"mode\":\"online\"}\n\n{oops\n";
        let error = read_course_lines(text).expect_err("invalid");
        assert_eq!(fields(error), ["line 3"]);
        let ok = read_course_lines(&text.replace("{oops", "")).expect("valid");
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].0, "line 1: ");
    }
}
