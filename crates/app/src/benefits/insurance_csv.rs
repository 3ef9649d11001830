//! Insurance-register records as a register exports them: CSV with a header row, one coverage
//! period, monthly insured salary or contribution per row. Reading is all or nothing: every
//! problem is reported with its line and field, and no record is returned while any is wrong.

use chrono::NaiveDate;
use openpes_store::InsuranceRecord;
use std::collections::HashSet;

const COLUMNS: &[&str] = &[
    "person_id",
    "jurisdiction",
    "kind",
    "start_date",
    "end_date",
    "month",
    "amount",
    "contract",
    "separation_reason",
    "record_id",
];

/// Parses an insurance-register CSV; every problem names its line and field.
pub fn parse_insurance_csv(
    text: &str,
    import_id: &str,
    imported_at: &str,
) -> Result<Vec<InsuranceRecord>, Vec<(String, String)>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![("line 1".into(), e.to_string())]),
    };
    let position = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<_> = ["person_id", "jurisdiction", "kind", "record_id"]
        .iter()
        .filter(|c| position(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(vec![(
            "line 1".into(),
            format!(
                "missing columns {missing:?}; expected {}",
                COLUMNS.join(",")
            ),
        )]);
    }
    let mut errors = Vec::new();
    let mut records = Vec::new();
    let mut seen = HashSet::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                errors.push((format!("line {line}"), e.to_string()));
                continue;
            }
        };
        let get = |name: &str| {
            position(name)
                .and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let mut fail =
            |field: &str, problem: String| errors.push((format!("line {line}, {field}"), problem));
        let jurisdiction = get("jurisdiction").unwrap_or_default();
        let codes: &[&str] = match jurisdiction.as_str() {
            "tw" => openpes_rules::programs::tw::SEPARATION_REASONS,
            "ee" => openpes_rules::programs::ee::SEPARATION_REASONS,
            other => {
                fail("jurisdiction", format!("`{other}` is not tw or ee"));
                &[]
            }
        };
        let kind = get("kind").unwrap_or_default();
        let date_ok = |v: &Option<String>| {
            v.as_deref()
                .is_some_and(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
        };
        match kind.as_str() {
            "coverage" => {
                let (start, end) = (get("start_date"), get("end_date"));
                if !date_ok(&start) {
                    fail("start_date", "needs a date like 2025-01-31".into());
                }
                if !date_ok(&end) {
                    fail("end_date", "needs a date like 2025-01-31".into());
                }
                if date_ok(&start) && date_ok(&end) && start > end {
                    fail("end_date", "is before start_date".into());
                }
                if let Some(contract) = get("contract") {
                    if contract != "open" && contract != "fixed_term" {
                        fail(
                            "contract",
                            format!("`{contract}` is not open or fixed_term"),
                        );
                    }
                }
                if let Some(reason) = get("separation_reason") {
                    if !codes.is_empty() && !codes.contains(&reason.as_str()) {
                        fail(
                            "separation_reason",
                            format!("`{reason}` is not one of {}", codes.join(", ")),
                        );
                    }
                }
            }
            "salary" | "contribution" => {
                if get("month")
                    .and_then(|m| m.parse::<openpes_rules::YearMonth>().ok())
                    .is_none()
                {
                    fail("month", "needs a month like 2025-01".into());
                }
                match get("amount").map(|a| a.parse::<openpes_rules::Decimal>()) {
                    Some(Ok(amount)) if !amount.is_sign_negative() => {}
                    _ => fail("amount", "needs a number of at least 0".into()),
                }
            }
            other => fail(
                "kind",
                format!("`{other}` is not coverage, salary or contribution"),
            ),
        }
        let Some(person) = get("person_id") else {
            fail("person_id", "is empty".into());
            continue;
        };
        let Some(record_id) = get("record_id") else {
            fail("record_id", "is empty".into());
            continue;
        };
        if !seen.insert((jurisdiction.clone(), record_id.clone())) {
            fail(
                "record_id",
                format!("`{record_id}` appears twice in the file"),
            );
        }
        records.push(InsuranceRecord {
            person_id: person,
            jurisdiction,
            kind,
            start_date: get("start_date"),
            end_date: get("end_date"),
            month: get("month"),
            amount: get("amount"),
            contract: get("contract"),
            separation_reason: get("separation_reason"),
            record_id,
            import_id: import_id.to_string(),
            imported_at: imported_at.to_string(),
        });
        if errors.len() >= 100 {
            break;
        }
    }
    if errors.is_empty() {
        Ok(records)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "person_id,jurisdiction,kind,start_date,end_date,month,amount,contract,separation_reason,record_id\n";

    #[test]
    fn rows_become_records_and_every_problem_names_its_line_and_field() {
        let good = format!(
            "{HEADER}A123456789,tw,coverage,2024-01-01,2024-12-31,,,open,lsa_11,r1\n\
             A123456789,tw,salary,,,2024-05,38200,,,r2\n"
        );
        let records =
            parse_insurance_csv(&good, "import-1", "2026-12-01T00:00:00Z").expect("valid rows");
        assert_eq!(records.len(), 2);

        let bad = format!(
            "{HEADER}A1,tw,salary,,,2024-13,-5,,,r3\n\
             A1,xx,coverage,2024-02-01,2024-01-01,,,forever,,r4\n\
             A1,tw,salary,,,2024-05,100,,,r3\n"
        );
        let errors = parse_insurance_csv(&bad, "import-2", "2026-12-01T00:00:00Z")
            .expect_err("invalid rows");
        let fields: Vec<&str> = errors.iter().map(|(at, _)| at.as_str()).collect();
        assert_eq!(
            fields,
            [
                "line 2, month",
                "line 2, amount",
                "line 3, jurisdiction",
                "line 3, end_date",
                "line 3, contract",
                "line 4, record_id",
            ]
        );
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_at_its_header() {
        let errors = parse_insurance_csv("person_id,kind\nA1,salary\n", "i", "t")
            .expect_err("missing columns");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "line 1");
    }
}
