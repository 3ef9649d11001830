//! The rules files built into the binary, so `openpes` runs without the repository's
//! `rules/` folder. A test checks that this list matches the folder.

/// Parameter files: `(path relative to the repository, contents)`.
pub const PARAMETER_FILES: &[(&str, &str)] = &[
    (
        "rules/ee/parameters/unemployment_insurance.yaml",
        include_str!("../../../rules/ee/parameters/unemployment_insurance.yaml"),
    ),
    (
        "rules/tw/parameters/employment_insurance.yaml",
        include_str!("../../../rules/tw/parameters/employment_insurance.yaml"),
    ),
];

/// Test suites: `(path relative to the repository, contents)`.
pub const TEST_FILES: &[(&str, &str)] = &[
    (
        "rules/ee/tests/unemployment_insurance_benefit.yaml",
        include_str!("../../../rules/ee/tests/unemployment_insurance_benefit.yaml"),
    ),
    (
        "rules/tw/tests/unemployment_benefit.yaml",
        include_str!("../../../rules/tw/tests/unemployment_benefit.yaml"),
    ),
];
