//! Runs every shared JSON test vector under `tests/vectors` through
//! `xuetong::api` (the Python and JavaScript suites run the same files).

use xuetong_tests::{check_response, vector_cases};

#[test]
fn every_vector_passes() {
    let cases = vector_cases();
    assert!(!cases.is_empty(), "no vectors found under tests/vectors");
    let mut failures = Vec::new();
    for case in &cases {
        let response = match &case.request_text {
            Some(text) => serde_json::from_str(&xuetong::api::call(&case.operation, text))
                .expect("a response is JSON"),
            None => xuetong::api::call_value(&case.operation, &case.request).to_json(),
        };
        let differences = check_response(&case.expect, &response);
        if !differences.is_empty() {
            failures.push(format!(
                "{} / {}:\n  {}",
                case.file,
                case.name,
                differences.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn vector_names_are_unique_per_file() {
    let cases = vector_cases();
    let mut seen = std::collections::HashSet::new();
    for case in &cases {
        assert!(
            seen.insert((case.file.clone(), case.name.clone())),
            "{} repeats case {}",
            case.file,
            case.name
        );
    }
}
