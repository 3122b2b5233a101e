//! The operation API as a text interface: malformed requests, hostile input
//! and the catalogue operations.

use serde_json::{Value, json};
use xuetong::api::{call, operations};
use xuetong::bundle::{MemoryBundle, read_bundle};

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

/// Returns the problems of a failed response as (code, path) pairs.
fn problems_of(response: &Value) -> Vec<(String, Value)> {
    response["problems"]
        .as_array()
        .map(|problems| {
            problems
                .iter()
                .map(|problem| {
                    let code = problem["code"].as_str().unwrap_or_default().to_owned();
                    (code, problem["path"].clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Builds a bundle whose `file` has `record` (all values text) as its one
/// row, beside a district venue and empty courses and sessions.
fn one_row_bundle(file: &str, record: &Value) -> MemoryBundle {
    let mut files = MemoryBundle::new();
    files.insert(
        "venues.csv",
        "id,name,tier,time_zone\n\
         10000000-0000-4000-8000-000000000001,District,district,Asia/Shanghai\n",
    );
    files.insert("courses.csv", "id,title,category,provider_venue_id\n");
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n",
    );
    let record = record.as_object().expect("a record is an object");
    let header: Vec<&str> = record.keys().map(String::as_str).collect();
    let row: Vec<&str> = record
        .values()
        .map(|value| value.as_str().expect("every value is text"))
        .collect();
    files.insert(file, format!("{}\n{}\n", header.join(","), row.join(",")));
    files
}

#[test]
fn json_and_csv_trim_values_alike() {
    // CSV cells keep U+0085, U+2028 and U+2029 when they are trimmed, so a
    // value ending in one is invalid, and JSON values must be read alike.
    let venue = json!({
        "id": "10000000-0000-4000-8000-000000000001",
        "name": "District",
        "tier": "district",
        "time_zone": "Asia/Shanghai",
        "longitude": "120.32",
    });
    let course = json!({
        "id": "40000000-0000-4000-8000-000000000001",
        "title": "Tai chi",
        "category": "tai_chi",
        "provider_venue_id": "10000000-0000-4000-8000-000000000001",
    });
    let learner = json!({
        "id": "20000000-0000-4000-8000-000000000001",
        "display_name": "Li Ming",
    });
    let cases = [
        (
            "validate_course",
            "courses.csv",
            &course,
            "walk_in",
            "true",
            "invalid_boolean",
        ),
        (
            "validate_course",
            "courses.csv",
            &course,
            "capacity",
            "20",
            "invalid_integer",
        ),
        (
            "validate_course",
            "courses.csv",
            &course,
            "credit_value",
            "1.5",
            "invalid_decimal",
        ),
        (
            "validate_venue",
            "venues.csv",
            &venue,
            "latitude",
            "30.29",
            "invalid_coordinate",
        ),
        (
            "validate_learner",
            "learners.csv",
            &learner,
            "registered_on",
            "2026-01-05",
            "invalid_date",
        ),
    ];
    for (operation, file, base, field, value, code) in cases {
        for separator in ['\u{85}', '\u{2028}', '\u{2029}'] {
            let mut record = base.clone();
            record[field] = json!(format!("{value}{separator}"));
            let case = format!("{field} {value:?} + {separator:?}");

            let response = parse(&call(operation, &json!({"input": record}).to_string()));
            assert_eq!(response["ok"], false, "{case}: {response}");
            assert_eq!(
                problems_of(&response),
                vec![(code.to_owned(), json!([field]))],
                "{case} from JSON"
            );

            let (_, report) = read_bundle(&one_row_bundle(file, &record)).unwrap();
            let from_csv: Vec<&str> = report
                .problems
                .iter()
                .filter(|problem| {
                    serde_json::to_value(&problem.path).unwrap() == json!([file, 2, field])
                })
                .map(|problem| problem.code.as_str())
                .collect();
            assert_eq!(from_csv, vec![code], "{case} from CSV");
        }

        let mut record = base.clone();
        record[field] = json!(format!(" \t{value}\u{a0}\u{3000}"));
        let case = format!("{field} {value:?} with spaces");
        let response = parse(&call(operation, &json!({"input": record}).to_string()));
        assert_eq!(response["ok"], true, "{case}: {response}");
        let (_, report) = read_bundle(&one_row_bundle(file, &record)).unwrap();
        assert!(report.problems.is_empty(), "{case}: {:#?}", report.problems);
    }
}

#[test]
fn json_options_trim_like_csv() {
    // Dates and ids given as options are trimmed like CSV cells, too.
    let course = json!({
        "id": "40000000-0000-4000-8000-000000000001",
        "title": "Tai chi",
        "category": "tai_chi",
        "provider_venue_id": "10000000-0000-4000-8000-000000000001",
    });
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
    let cases = [
        (
            "check_eligibility",
            json!({"course": course, "learners": []}),
            "on",
            "2026-03-02",
            "invalid_date",
        ),
        (
            "import_ical",
            json!({"text": calendar}),
            "until",
            "2026-03-02",
            "invalid_date",
        ),
        (
            "export_ical",
            json!({"generated_at": "2026-03-01T00:00:00Z"}),
            "course_id",
            "40000000-0000-4000-8000-000000000001",
            "invalid_uuid",
        ),
    ];
    for (operation, input, option, value, code) in cases {
        for separator in ['\u{85}', '\u{2028}', '\u{2029}'] {
            let request =
                json!({"input": input, "options": {option: format!("{value}{separator}")}});
            let response = parse(&call(operation, &request.to_string()));
            assert_eq!(
                problems_of(&response),
                vec![(code.to_owned(), json!(["options", option]))],
                "{option} {value:?} + {separator:?}: {response}"
            );
        }

        let spaced = format!(" \t{value}\u{3000}");
        let request = json!({"input": input, "options": {option: spaced}});
        let response = parse(&call(operation, &request.to_string()));
        assert_eq!(response["ok"], true, "{option} {spaced:?}: {response}");
    }
}
