//! The operation API as a text interface: malformed requests, hostile input
//! and the catalogue operations.

use serde_json::{Value, json};
use xuetong::api::{call, operations};

fn parse(response: &str) -> Value {
    serde_json::from_str(response).expect("every response is JSON")
}

#[test]
fn malformed_json_is_a_problem() {
    let response = parse(&call("validate_learner", "{\"input\": "));
    assert_eq!(response["ok"], false);
    assert_eq!(response["problems"][0]["code"], "malformed_json");
    assert_eq!(response["problems"][0]["path"], json!([]));
    assert_eq!(response["format"], "xuetong.response/1");
}

#[test]
fn hostile_inputs_never_panic() {
    let inputs = [
        "",
        "null",
        "[]",
        "\"input\"",
        "{\"input\": null}",
        "{\"input\": {\"id\": {\"nested\": [1, 2, {\"deep\": null}]}}}",
        "{\"input\": {\"display_name\": \"\\u0000\\ud800\"}}",
        "{\"input\": {\"min_age\": 1e309}}",
        "{\"input\": {\"capacity\": -0}}",
        "{\"input\": {\"latitude\": \"NaN\", \"longitude\": \"inf\"}}",
        "{\"input\": {\"date\": \"99999-01-01\", \"start_time\": \"23:59:60\"}}",
        "{\"input\": {\"credit_value\": \"99999999999999999999.99\"}}",
        "{\"input\": {\"instructor_ids\": \"a;;b;\"}}",
    ];
    for operation in operations() {
        for input in inputs {
            let response = parse(&call(operation.name, input));
            assert!(
                response["ok"].is_boolean(),
                "{} on {input}: {response}",
                operation.name
            );
        }
    }
}

#[test]
fn list_operations_names_every_validation() {
    let response = parse(&call("list_operations", "{\"input\": null}"));
    let names: Vec<&str> = response["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|operation| operation["name"].as_str().unwrap())
        .collect();
    for expected in [
        "validate_learner",
        "validate_course",
        "validate_session",
        "validate_enrolment",
        "validate_scan",
        "validate_club",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} is missing from {names:?}"
        );
    }
}

#[test]
fn problem_codes_have_both_languages() {
    let response = parse(&call("list_problem_codes", "{\"input\": null}"));
    for entry in response["value"].as_array().unwrap() {
        assert!(!entry["en"].as_str().unwrap().is_empty(), "{entry}");
        assert!(!entry["zh"].as_str().unwrap().is_empty(), "{entry}");
    }
}
