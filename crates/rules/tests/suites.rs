//! Runs the built-in test suites (`rules/*/tests/*.yaml`) and checks that malformed rules
//! files are rejected with file, line and reason.

use openpes_rules::{suite, Engine, ParameterSet, RulesError};
use std::path::Path;

fn engine() -> Engine {
    match Engine::builtin() {
        Ok(engine) => engine,
        Err(error) => panic!("built-in rules must load: {error}"),
    }
}

#[test]
fn every_built_in_case_passes() {
    let engine = engine();
    let suites = suite::builtin(&engine).expect("built-in suites load");
    assert!(suites.len() >= 2, "both programs have suites");
    let mut failures = Vec::new();
    let mut total = 0;
    for suite in &suites {
        let report = suite.run(&engine);
        total += report.cases.len();
        for case in report.cases.iter().filter(|c| !c.passed) {
            failures.push(format!(
                "{}:{} {}: {}",
                report.file,
                case.line,
                case.name,
                case.failures.join("; ")
            ));
        }
    }
    assert!(
        total >= 40,
        "expected the boundary cases of both programs, found {total}"
    );
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_built_in_list_matches_the_rules_folder() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut on_disk = Vec::new();
    for jurisdiction in std::fs::read_dir(root.join("rules"))
        .expect("rules folder")
        .flatten()
    {
        for kind in ["parameters", "tests"] {
            let dir = jurisdiction.path().join(kind);
            if let Ok(entries) = std::fs::read_dir(&dir) {
                for entry in entries.flatten() {
                    let relative = format!(
                        "rules/{}/{kind}/{}",
                        jurisdiction.file_name().to_string_lossy(),
                        entry.file_name().to_string_lossy()
                    );
                    on_disk.push(relative);
                }
            }
        }
    }
    on_disk.sort();
    let mut built_in: Vec<String> = openpes_rules::builtin::PARAMETER_FILES
        .iter()
        .chain(openpes_rules::builtin::TEST_FILES)
        .map(|(path, _)| path.to_string())
        .collect();
    built_in.sort();
    assert_eq!(on_disk, built_in);
}

#[test]
fn the_rules_folder_loads_like_the_built_in_copy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let from_disk = Engine::load_dir(&root).expect("rules folder loads");
    let suites = suite::load_path(&from_disk, &root).expect("suites load from disk");
    let failed: usize = suites.iter().map(|s| s.run(&from_disk).failed()).sum();
    assert_eq!(failed, 0);
    assert!(from_disk
        .parameters()
        .get("tw.unemployment_benefit.rate")
        .is_some());
}

#[test]
fn a_parameter_a_program_needs_cannot_be_missing() {
    let (_, text) = openpes_rules::builtin::PARAMETER_FILES
        .iter()
        .find(|(path, _)| path.contains("tw/"))
        .copied()
        .expect("Taiwan parameters");
    let renamed = text.replace(
        "  unemployment_benefit.rate:",
        "  unemployment_benefit.rat:",
    );
    let others = openpes_rules::builtin::PARAMETER_FILES
        .iter()
        .filter(|(path, _)| !path.contains("tw/"))
        .copied();
    let set = ParameterSet::from_sources(others.chain([("tw.yaml", renamed.as_str())]))
        .expect("still valid YAML");
    match Engine::new(set) {
        Err(RulesError::MissingParameter { path, .. }) => {
            assert_eq!(path, "tw.unemployment_benefit.rate")
        }
        Err(other) => panic!("expected a missing parameter, got {other}"),
        Ok(_) => panic!("a renamed parameter must not load"),
    }
}

#[test]
fn a_malformed_test_file_names_file_line_and_reason() {
    let engine = engine();
    let bad_fact = "program: tw/unemployment_benefit\ndefaults:\n  as_of: 2026-03-20\ncases:\n  - name: ok\n    expect: { outcome: eligible }\n  - name: typo\n    facts: { separaton_date: 2026-01-31 }\n    expect: { outcome: eligible }\n";
    match suite::Suite::load(&engine, "bad.yaml", bad_fact) {
        Err(RulesError::File { file, line, reason }) => {
            assert_eq!(file, "bad.yaml");
            assert_eq!(line, 7, "{reason}");
            assert!(reason.contains("separaton_date"), "{reason}");
        }
        other => panic!("expected a file error, got {other:?}"),
    }
    let bad_date = "program: tw/unemployment_benefit\ncases:\n  - name: x\n    as_of: 2026-02-30\n    expect: { outcome: eligible }\n";
    match suite::Suite::load(&engine, "bad.yaml", bad_date) {
        Err(RulesError::File { line, .. }) => assert_eq!(line, 4),
        other => panic!("expected a file error, got {other:?}"),
    }
    let bad_program = "program: tw/unemployment_benefits\ncases: []\n";
    match suite::Suite::load(&engine, "bad.yaml", bad_program) {
        Err(RulesError::File { line, reason, .. }) => {
            assert_eq!(line, 1);
            assert!(reason.contains("unemployment_benefits"), "{reason}");
        }
        other => panic!("expected a file error, got {other:?}"),
    }
}

#[test]
fn a_wrong_expectation_is_reported_as_a_failure() {
    let engine = engine();
    let text = "program: ee/unemployment_insurance_benefit\ndefaults:\n  as_of: 2021-03-20\ncases:\n  - name: wrong\n    facts: { registration_date: 2021-03-01 }\n    expect: { outcome: eligible }\n";
    let suite = suite::Suite::load(&engine, "x.yaml", text).expect("loads");
    let report = suite.run(&engine);
    assert_eq!(report.failed(), 1);
    assert!(
        report.cases[0].failures[0].contains("undetermined"),
        "{:?}",
        report.cases[0].failures
    );
}
