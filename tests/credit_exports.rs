//! Credit exports checked against their contracts: every xAPI statement
//! against the rules of the xAPI 1.0.3 specification (Data, section 2.4),
//! and credit-bank batches as JSON Lines with stable idempotency keys.

use chrono::{DateTime, NaiveDate};
use proptest::prelude::*;
use serde_json::{Value, json};
use xuetong::credit::xapi::{
    LearningEvent, XapiOptions, events_from_ledger, statement, statements,
};
use xuetong::credit::{
    CreditContext, DepositOptions, Ledger, batch_deposits, compute_credits, deposit_batch,
    deposit_batch_summary, presets,
};
use xuetong::model::Outcome;
use xuetong::problem::Path;
use xuetong::record::Record;

const HOME: &str = "https://learn.example.org";
const LEARNER: &str = "20000000-0000-4000-8000-000000000001";

/// Checks whether `text` is an absolute IRI: a scheme, a colon, and no spaces.
fn is_iri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !text.chars().any(char::is_whitespace)
}

/// Checks whether `text` is a language tag of the RFC 5646 shape: a primary subtag
/// of 2 to 8 letters, then subtags of 1 to 8 letters or digits.
fn is_language_tag(text: &str) -> bool {
    let mut parts = text.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=8).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|part| {
            (1..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// Checks whether `text` is a UUID in the canonical hyphenated form with the RFC
/// 4122 variant.
fn is_uuid(text: &str) -> bool {
    let Ok(parsed) = uuid::Uuid::parse_str(text) else {
        return false;
    };
    text.len() == 36
        && parsed.hyphenated().to_string() == text.to_ascii_lowercase()
        && parsed.get_variant() == uuid::Variant::RFC4122
}

/// Checks whether `text` is an ISO 8601 duration of the forms xAPI uses
/// (`PnDTnHnMnS` with any part left out, or `PnW`).
fn is_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix('P') else {
        return false;
    };
    if rest.is_empty() {
        return false;
    }
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return false,
        None => (rest, None),
    };
    let units_ok = |part: &str, units: &str| {
        let mut digits = String::new();
        let mut last = 0;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                digits.push(c);
            } else if let Some(position) = units.find(c) {
                if digits.is_empty() || position < last {
                    return false;
                }
                last = position + 1;
                digits.clear();
            } else {
                return false;
            }
        }
        digits.is_empty()
    };
    units_ok(date, "YMWD") && time.is_none_or(|time| units_ok(time, "HMS"))
}

/// Checks whether `text` has the shape of an RFC 3339 timestamp as xAPI
/// stores it: a four-digit year, seconds from 00 to 59, optional fractions,
/// and `Z` or an offset `+hh:mm` in whole minutes.
fn has_timestamp_shape(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    let shape = bytes.len() >= 20
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
        && &text[17..19] < "60";
    if !shape {
        return false;
    }
    let mut rest = &text[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 {
            return false;
        }
        rest = &fraction[end..];
    }
    let offset = rest.as_bytes();
    rest == "Z"
        || (offset.len() == 6
            && matches!(offset[0], b'+' | b'-')
            && offset[1..3].iter().all(u8::is_ascii_digit)
            && offset[3] == b':'
            && offset[4..6].iter().all(u8::is_ascii_digit))
}

fn check_language_map(value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(map) = value.as_object() else {
        errors.push(format!("{at} is not a language map"));
        return;
    };
    for (tag, text) in map {
        if !is_language_tag(tag) {
            errors.push(format!("{at} has an invalid language tag {tag}"));
        }
        if !text.is_string() {
            errors.push(format!("{at}.{tag} is not a string"));
        }
    }
}

fn check_extensions(value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(map) = value.as_object() else {
        errors.push(format!("{at} is not an object"));
        return;
    };
    for key in map.keys() {
        if !is_iri(key) {
            errors.push(format!("{at} key {key} is not an IRI"));
        }
    }
}

/// Reports every `null` outside extensions.
fn check_no_nulls(value: &Value, at: &str, errors: &mut Vec<String>) {
    match value {
        Value::Null => errors.push(format!("{at} is null")),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                check_no_nulls(item, &format!("{at}[{index}]"), errors);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                if key != "extensions" {
                    check_no_nulls(item, &format!("{at}.{key}"), errors);
                }
            }
        }
        _ => {}
    }
}

fn check_activity(value: &Value, at: &str, errors: &mut Vec<String>) {
    if value
        .get("objectType")
        .is_some_and(|kind| kind != "Activity")
    {
        errors.push(format!("{at}.objectType is not Activity"));
    }
    if !value["id"].as_str().is_some_and(is_iri) {
        errors.push(format!("{at}.id is not an IRI"));
    }
    if let Some(definition) = value.get("definition") {
        if let Some(kind) = definition.get("type")
            && !kind.as_str().is_some_and(is_iri)
        {
            errors.push(format!("{at}.definition.type is not an IRI"));
        }
        if let Some(name) = definition.get("name") {
            check_language_map(name, &format!("{at}.definition.name"), errors);
        }
    }
}

/// Checks a statement against the xAPI 1.0.3 rules it must meet, plus this
/// project's rule that the actor is identified by an account only.
fn statement_errors(statement: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let Some(object) = statement.as_object() else {
        return vec!["statement is not an object".into()];
    };
    let allowed = [
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    ];
    for key in object.keys() {
        if !allowed.contains(&key.as_str()) {
            errors.push(format!("unknown property {key}"));
        }
    }
    check_no_nulls(statement, "statement", &mut errors);
    for required in ["actor", "verb", "object"] {
        if !object.contains_key(required) {
            errors.push(format!("{required} is missing"));
        }
    }
    if !statement["id"].as_str().is_some_and(is_uuid) {
        errors.push("id is not a UUID".into());
    }
    let actor = &statement["actor"];
    if actor.get("objectType").is_some_and(|kind| kind != "Agent") {
        errors.push("actor.objectType is not Agent".into());
    }
    let identifiers: Vec<&str> = ["mbox", "mbox_sha1sum", "openid", "account"]
        .into_iter()
        .filter(|key| actor.get(*key).is_some())
        .collect();
    if identifiers != ["account"] {
        errors.push(format!(
            "actor identifiers are {identifiers:?}, not exactly an account"
        ));
    }
    if actor.get("name").is_some() {
        errors.push("actor carries a personal name".into());
    }
    let account = &actor["account"];
    if !account["homePage"].as_str().is_some_and(is_iri) {
        errors.push("actor.account.homePage is not an IRI".into());
    }
    if account["name"].as_str().is_none_or(str::is_empty) {
        errors.push("actor.account.name is empty".into());
    }
    if account.as_object().is_some_and(|map| map.len() != 2) {
        errors.push("actor.account has properties besides homePage and name".into());
    }
    let verb = &statement["verb"];
    if !verb["id"].as_str().is_some_and(is_iri) {
        errors.push("verb.id is not an IRI".into());
    }
    if let Some(display) = verb.get("display") {
        check_language_map(display, "verb.display", &mut errors);
    }
    let target = &statement["object"];
    let is_reference = target["objectType"] == "StatementRef";
    if is_reference {
        if !target["id"].as_str().is_some_and(is_uuid) {
            errors.push("object.id of a StatementRef is not a UUID".into());
        }
        if verb["id"] != "http://adlnet.gov/expapi/verbs/voided" {
            errors.push("a StatementRef object is used with a verb other than voided".into());
        }
    } else {
        check_activity(target, "object", &mut errors);
    }
    if let Some(result) = statement.get("result") {
        if let Some(duration) = result.get("duration")
            && !duration.as_str().is_some_and(is_duration)
        {
            errors.push(format!(
                "result.duration {duration} is not an ISO 8601 duration"
            ));
        }
        if let Some(completion) = result.get("completion")
            && !completion.is_boolean()
        {
            errors.push("result.completion is not a boolean".into());
        }
        if let Some(extensions) = result.get("extensions") {
            check_extensions(extensions, "result.extensions", &mut errors);
        }
    }
    if let Some(context) = statement.get("context") {
        if context.get("platform").is_some() && is_reference {
            errors.push("context.platform is set on a statement about a statement".into());
        }
        if let Some(activities) = context.get("contextActivities") {
            for (key, list) in activities.as_object().into_iter().flatten() {
                if !matches!(key.as_str(), "parent" | "grouping" | "category" | "other") {
                    errors.push(format!("contextActivities.{key} is not a known kind"));
                }
                match list.as_array() {
                    Some(items) => {
                        for (index, item) in items.iter().enumerate() {
                            check_activity(item, &format!("context.{key}[{index}]"), &mut errors);
                        }
                    }
                    None => errors.push(format!("contextActivities.{key} is not a list")),
                }
            }
        }
        if let Some(extensions) = context.get("extensions") {
            check_extensions(extensions, "context.extensions", &mut errors);
        }
    }
    match statement["timestamp"].as_str() {
        Some(text) if text.ends_with("-00:00") => {
            errors.push("timestamp uses the offset -00:00, which xAPI forbids".into());
        }
        Some(text) if !has_timestamp_shape(text) => {
            errors.push(format!(
                "timestamp {text} is not YYYY-MM-DDThh:mm:ss with Z or an offset in whole minutes"
            ));
        }
        Some(text) if DateTime::parse_from_rfc3339(text).is_err() => {
            errors.push(format!("timestamp {text} is not ISO 8601 with an offset"));
        }
        Some(_) => {}
        None => errors.push("timestamp is missing".into()),
    }
    // Data 2.4.10: a record provider should not set the version, and when it
    // does, it must set 1.0.0, whatever 1.0.x patch it follows.
    if let Some(version) = statement.get("version")
        && version != "1.0.0"
    {
        errors.push(format!("version is {version}, not left out or 1.0.0"));
    }
    errors
}

fn options() -> XapiOptions {
    XapiOptions::new(HOME, chrono_tz::Asia::Shanghai).unwrap()
}

fn sample_events() -> Vec<LearningEvent> {
    serde_json::from_value(json!([
        {"event": "attended_session", "learner_id": LEARNER,
         "session_id": "50000000-0000-4000-8000-000000000001",
         "course_id": "30000000-0000-4000-8000-000000000001",
         "at": "2026-03-02T01:30:00Z", "minutes": 90, "title": "太极拳 第1课"},
        {"event": "attended_session", "learner_id": LEARNER,
         "session_id": "50000000-0000-4000-8000-000000000002",
         "club_id": "c0000000-0000-4000-8000-000000000001",
         "at": "2026-03-03T01:30:00Z", "minutes": 0},
        {"event": "completed_course", "learner_id": LEARNER,
         "course_id": "30000000-0000-4000-8000-000000000001", "at": "2026-06-30T02:00:00Z"},
        {"event": "joined_club", "learner_id": LEARNER,
         "club_id": "c0000000-0000-4000-8000-000000000001", "at": "2026-01-05T00:00:00Z"},
        {"event": "left_club", "learner_id": LEARNER,
         "club_id": "c0000000-0000-4000-8000-000000000001", "at": "2026-12-31T08:00:00Z",
         "title": "Sewing club"},
        {"event": "earned_credits", "learner_id": LEARNER,
         "entry_id": "57c6b051-60db-5cf1-b40b-f9e7ec99a2a0", "amount": "0.20",
         "rule_set_id": "community", "rule_set_version": 1, "at": "2026-03-13T16:00:00Z"},
        {"event": "revoked_credits", "learner_id": LEARNER,
         "entry_id": "57c6b051-60db-5cf1-b40b-f9e7ec99a2a0", "at": "2026-04-01T16:00:00Z"}
    ]))
    .unwrap()
}

#[test]
fn every_event_kind_gives_a_valid_statement() {
    let built = statements(&sample_events(), &options()).unwrap();
    assert_eq!(built.len(), 7);
    for statement in &built {
        let errors = statement_errors(statement);
        assert!(errors.is_empty(), "{errors:?} in {statement}");
    }
    let ids: std::collections::BTreeSet<&str> =
        built.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), built.len(), "statement ids repeat");
    assert_eq!(built[1]["result"]["duration"], "PT0S");
    // The voiding statement points at the earned statement.
    assert_eq!(built[6]["object"]["id"], built[5]["id"]);
}

#[test]
fn validator_rejects_broken_statements() {
    let good = statement(&sample_events()[0], &options()).unwrap();
    let mut with_mbox = good.clone();
    with_mbox["actor"]["mbox"] = json!("mailto:someone@example.org");
    let mut with_null = good.clone();
    with_null["result"]["score"] = Value::Null;
    let mut bad_time = good.clone();
    bad_time["timestamp"] = json!("2026-03-02T09:30:00");
    let mut offset_seconds = good.clone();
    offset_seconds["timestamp"] = json!("1900-06-01T08:05:43+08:05:43");
    let mut leap = good.clone();
    leap["timestamp"] = json!("2016-12-31T23:59:60Z");
    let mut bad_id = good.clone();
    bad_id["id"] = json!("12345");
    let mut no_verb = good.clone();
    no_verb.as_object_mut().unwrap().remove("verb");
    let mut patch_version = good.clone();
    patch_version["version"] = json!("1.0.3");
    for broken in [
        with_mbox,
        with_null,
        bad_time,
        offset_seconds,
        leap,
        bad_id,
        no_verb,
        patch_version,
    ] {
        assert!(!statement_errors(&broken).is_empty(), "{broken}");
    }
}

fn event_at(at: &str) -> LearningEvent {
    serde_json::from_value(json!({
        "event": "completed_course", "learner_id": LEARNER,
        "course_id": "30000000-0000-4000-8000-000000000001", "at": at,
    }))
    .unwrap()
}

#[test]
fn home_page_without_user_info_query_or_fragment() {
    for home_page in [
        "https://admin:secret@learn.example.org",
        "https://learn.example.org/?tenant=7",
        "https://learn.example.org/#top",
    ] {
        let problems = XapiOptions::new(home_page, chrono_tz::Asia::Shanghai).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["invalid_iri"], "{home_page}");
    }
    assert!(XapiOptions::new("https://learn.example.org/xuetong", chrono_tz::UTC).is_ok());
}

#[test]
fn timestamp_years_stay_in_four_digits() {
    // 9999-12-31T20:00:00Z is 10000-01-01T04:00:00+08:00 in Shanghai.
    let late = statement(&event_at("9999-12-31T20:00:00Z"), &options()).unwrap_err();
    assert_eq!(late.code.as_str(), "out_of_range");
    assert_eq!(late.path, xuetong::path!["at"]);
    // 0000-01-01T03:00:00Z is still year -1 five hours west of Greenwich.
    let west = XapiOptions::new(HOME, chrono_tz::Etc::GMTPlus5).unwrap();
    let early = statement(&event_at("0000-01-01T03:00:00Z"), &west).unwrap_err();
    assert_eq!(early.code.as_str(), "out_of_range");
    let fine = statement(&event_at("9999-12-31T15:59:59Z"), &options()).unwrap();
    assert_eq!(fine["timestamp"], "9999-12-31T23:59:59+08:00");
    let events = [
        event_at("2026-03-02T01:30:00Z"),
        event_at("9999-12-31T20:00:00Z"),
    ];
    let problems = statements(&events, &options()).unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().path,
        xuetong::path![1usize, "at"]
    );
}

#[test]
fn offset_with_seconds_is_written_in_utc() {
    // Shanghai kept local mean time, +08:05:43, until 1901.
    let old = statement(&event_at("1900-06-01T00:00:00Z"), &options()).unwrap();
    assert_eq!(old["timestamp"], "1900-06-01T00:00:00Z");
    let recent = statement(&event_at("1950-06-01T00:00:00Z"), &options()).unwrap();
    assert_eq!(recent["timestamp"], "1950-06-01T08:00:00+08:00");
    assert!(statement_errors(&old).is_empty());
}

#[test]
fn leap_second_is_written_as_the_second_before() {
    let leap = statement(&event_at("2016-12-31T23:59:60Z"), &options()).unwrap();
    assert_eq!(leap["timestamp"], "2017-01-01T07:59:59+08:00");
    assert!(statement_errors(&leap).is_empty());
}

#[test]
fn exporting_twice_gives_the_same_statements() {
    let first = statements(&sample_events(), &options()).unwrap();
    let second = statements(&sample_events(), &options()).unwrap();
    assert_eq!(first, second);
}

fn season_ledger() -> Ledger {
    let outcomes: Vec<Outcome> = [
        json!({"kind": "volunteer_service", "occurred_on": "2026-01-10", "minutes": 28800}),
        json!({"kind": "volunteer_service", "occurred_on": "2026-02-10", "minutes": 1800}),
        json!({"kind": "certificate", "occurred_on": "2026-03-20", "certificate_code": "C-1", "certificate_level": 4}),
        json!({"kind": "award", "occurred_on": "2026-05-01", "award_scope": "city", "award_rank": "first"}),
    ]
    .into_iter()
    .enumerate()
    .map(|(index, mut value)| {
        value["id"] = json!(format!("90000000-0000-4000-8000-{index:012}"));
        value["learner_id"] = json!(LEARNER);
        Outcome::from_json(&value, &Path::root()).unwrap()
    })
    .collect();
    let computation =
        compute_credits(&presets::community(), &CreditContext::default(), &outcomes).unwrap();
    let mut ledger = Ledger::new();
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    ledger.record(&computation, day).unwrap();
    let first = ledger.entries()[0].id;
    ledger
        .revoke(first, day, "duplicate record".into())
        .unwrap();
    ledger
}

#[test]
fn ledger_statements_are_valid() {
    let ledger = season_ledger();
    let events = events_from_ledger(&ledger, chrono_tz::Asia::Shanghai);
    // Four accruals with an amount and one revocation; the capped entry has none.
    assert_eq!(events.len(), 5);
    for statement in statements(&events, &options()).unwrap() {
        let errors = statement_errors(&statement);
        assert!(errors.is_empty(), "{errors:?} in {statement}");
    }
}

#[test]
fn deposit_batch_is_json_lines_with_stable_keys() {
    let ledger = season_ledger();
    let options = DepositOptions {
        platform: HOME.into(),
        recorded_from: None,
        recorded_to: None,
        include_zero: true,
    };
    let batch = deposit_batch(&ledger, &options).unwrap();
    let text = batch.to_json_lines();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), ledger.entries().len());
    assert!(text.ends_with('\n'));
    let mut keys = std::collections::BTreeSet::new();
    for (line, deposit) in lines.iter().zip(&batch.deposits) {
        let parsed: Value = serde_json::from_str(line).unwrap();
        assert_eq!(parsed, serde_json::to_value(deposit).unwrap());
        assert!(
            parsed["amount"].is_string(),
            "amounts are decimal strings: {line}"
        );
        assert!(keys.insert(parsed["idempotency_key"].as_str().unwrap().to_owned()));
    }
    let again = deposit_batch(&ledger, &options).unwrap();
    assert_eq!(again.to_json_lines(), text);
    assert_eq!(again.batch_id, batch.batch_id);
    let revocation: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let original: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(revocation["operation"], "revoke");
    assert_eq!(revocation["reverses_key"], original["idempotency_key"]);
}

/// Options of every entry for the home page written with a trailing slash,
/// which the deposits' keys leave out.
fn slashed_options(include_zero: bool) -> DepositOptions {
    DepositOptions {
        platform: format!("{HOME}/"),
        recorded_from: None,
        recorded_to: None,
        include_zero,
    }
}

/// Options whose platform is not an http or https URL.
fn ftp_options() -> DepositOptions {
    DepositOptions {
        platform: "ftp://files".into(),
        recorded_from: None,
        recorded_to: None,
        include_zero: false,
    }
}

#[test]
fn batch_summary_matches_the_batch() {
    let ledger = season_ledger();
    for include_zero in [false, true] {
        let options = slashed_options(include_zero);
        let batch = deposit_batch(&ledger, &options).unwrap();
        let summary = deposit_batch_summary(&ledger, &options).unwrap();
        assert!(!batch.deposits.is_empty());
        assert_eq!(
            summary.deposits,
            batch.deposits.len(),
            "include_zero {include_zero}"
        );
        assert_eq!(
            summary.batch_id, batch.batch_id,
            "include_zero {include_zero}"
        );

        // The id as the uuid crate derives it from the whole name: the
        // platform without its trailing slash, then each idempotency key.
        let mut name = format!("credit_bank_batch:{HOME}");
        for deposit in &batch.deposits {
            name.push(':');
            name.push_str(&deposit.idempotency_key.to_string());
        }
        let expected = uuid::Uuid::new_v5(&xuetong::id::NAMESPACE, name.as_bytes());
        assert_eq!(summary.batch_id, expected, "include_zero {include_zero}");
    }

    let invalid = ftp_options();
    let codes: Vec<String> = deposit_batch_summary(&ledger, &invalid)
        .unwrap_err()
        .iter()
        .map(|problem| problem.code.to_string())
        .collect();
    assert_eq!(codes, ["invalid_iri"]);
}

/// Derives the id of a batch with the uuid crate from the whole name, which
/// is the platform without its trailing slashes, then each idempotency key.
fn batch_id_by_uuid(platform: &str, batch: &xuetong::credit::DepositBatch) -> uuid::Uuid {
    let mut name = format!("credit_bank_batch:{}", platform.trim_end_matches('/'));
    for deposit in &batch.deposits {
        name.push(':');
        name.push_str(&deposit.idempotency_key.to_string());
    }
    uuid::Uuid::new_v5(&xuetong::id::NAMESPACE, name.as_bytes())
}

/// Returns the season's ledger with its zero-value capped entry revoked
/// the next day. A batch leaves that reversal of a zero entry out unless
/// it includes zero-value entries.
fn ledger_with_capped_revoked() -> Ledger {
    let mut ledger = season_ledger();
    let capped = ledger
        .entries()
        .iter()
        .find(|entry| entry.kind == xuetong::credit::EntryKind::Capped)
        .expect("the season caps an entry")
        .id;
    let next_day = NaiveDate::from_ymd_opt(2026, 6, 2).unwrap();
    ledger
        .revoke(capped, next_day, "recorded twice".into())
        .unwrap();
    ledger
}

#[test]
fn batch_summary_counts_zero_reversals() {
    let ledger = ledger_with_capped_revoked();
    let without_zero = deposit_batch_summary(&ledger, &slashed_options(false)).unwrap();
    let with_zero = deposit_batch_summary(&ledger, &slashed_options(true)).unwrap();
    // Every entry but the capped one and its revocation, then all of them.
    assert_eq!(without_zero.deposits, ledger.entries().len() - 2);
    assert_eq!(with_zero.deposits, ledger.entries().len());
    assert_ne!(without_zero.batch_id, with_zero.batch_id);
}

#[test]
fn batch_summary_matches_odd_options() {
    let day = |text: &str| Some(text.parse::<NaiveDate>().unwrap());
    let platforms = [
        HOME,
        "https://learn.example.org///",
        "https://学习.例子.中国/社区/",
        "https://learn.example.org/a?b=c&d=%20#e",
        "https://learn.example.org/a b",
        "ftp://files",
        "",
        "/",
    ];
    let ranges = [
        (None, None),
        (day("2026-06-01"), day("2026-06-01")),
        (day("2026-06-02"), None),
        (day("2026-06-02"), day("2026-06-01")),
    ];
    let ledgers = [Ledger::new(), season_ledger(), ledger_with_capped_revoked()];
    let mut checked = [0; 3];
    for (ledger, platform, (recorded_from, recorded_to), include_zero) in ledgers
        .iter()
        .flat_map(|ledger| platforms.iter().map(move |platform| (ledger, platform)))
        .flat_map(|(ledger, platform)| ranges.iter().map(move |range| (ledger, platform, range)))
        .flat_map(|(ledger, platform, range)| {
            [false, true].map(|zero| (ledger, platform, range, zero))
        })
    {
        let options = DepositOptions {
            platform: (*platform).to_owned(),
            recorded_from: *recorded_from,
            recorded_to: *recorded_to,
            include_zero,
        };
        let case = format!("{options:?} on {} entries", ledger.entries().len());
        match (
            deposit_batch(ledger, &options),
            deposit_batch_summary(ledger, &options),
        ) {
            (Ok(batch), Ok(summary)) => {
                assert_eq!(summary.deposits, batch.deposits.len(), "{case}");
                assert_eq!(summary.batch_id, batch.batch_id, "{case}");
                assert_eq!(
                    summary.batch_id,
                    batch_id_by_uuid(platform, &batch),
                    "{case}"
                );
                checked[usize::from(!batch.deposits.is_empty())] += 1;
            }
            (Err(batch), Err(summary)) => {
                assert_eq!(summary, batch, "{case}");
                checked[2] += 1;
            }
            (batch, summary) => panic!("{case}: batch {batch:?}, summary {summary:?}"),
        }
    }
    // Empty batches, batches with deposits and errors were all compared.
    assert!(checked.iter().all(|&cases| cases > 0), "{checked:?}");
}

#[test]
fn streamed_deposits_match_the_batch() {
    let ledger = season_ledger();
    for include_zero in [false, true] {
        let options = slashed_options(include_zero);
        let batch = deposit_batch(&ledger, &options).unwrap();
        let streamed: Vec<_> = batch_deposits(&ledger, &options).unwrap().collect();
        assert!(!streamed.is_empty());
        assert_eq!(streamed, batch.deposits, "include_zero {include_zero}");
    }

    let invalid = ftp_options();
    let codes: Vec<String> = batch_deposits(&ledger, &invalid)
        .err()
        .unwrap()
        .iter()
        .map(|problem| problem.code.to_string())
        .collect();
    assert_eq!(codes, ["invalid_iri"]);
}

#[test]
fn another_platform_gets_other_keys() {
    let ledger = season_ledger();
    let batch = |platform: &str| {
        deposit_batch(
            &ledger,
            &DepositOptions {
                platform: platform.into(),
                recorded_from: None,
                recorded_to: None,
                include_zero: false,
            },
        )
        .unwrap()
    };
    let here = batch(HOME);
    let slashed = batch(&format!("{HOME}/"));
    assert_eq!(slashed.batch_id, here.batch_id);
    assert_eq!(slashed.to_json_lines(), here.to_json_lines());
    let there = batch("https://other.example.org");
    assert_ne!(
        here.deposits[0].idempotency_key,
        there.deposits[0].idempotency_key
    );
    let codes: Vec<String> = deposit_batch(
        &ledger,
        &DepositOptions {
            platform: "ftp://files".into(),
            recorded_from: None,
            recorded_to: None,
            include_zero: false,
        },
    )
    .unwrap_err()
    .iter()
    .map(|problem| problem.code.to_string())
    .collect();
    assert_eq!(codes, ["invalid_iri"]);
}

fn event() -> impl Strategy<Value = Value> {
    let learner = (1..999u32).prop_map(|n| format!("20000000-0000-4000-8000-{n:012}"));
    let instant = (1_600_000_000i64..1_900_000_000)
        .prop_map(|seconds| DateTime::from_timestamp(seconds, 0).unwrap().to_rfc3339());
    let title = proptest::option::of("[a-zA-Z 太极拳'’-]{0,20}");
    (learner, instant, 0..5usize, 0..2000u32, title, 0..10_000i64).prop_map(
        |(learner, at, kind, minutes, title, cents)| {
            let mut event = match kind {
                0 => json!({"event": "attended_session", "session_id": "50000000-0000-4000-8000-000000000001", "minutes": minutes}),
                1 => json!({"event": "completed_course", "course_id": "30000000-0000-4000-8000-000000000001"}),
                2 => json!({"event": "joined_club", "club_id": "c0000000-0000-4000-8000-000000000001"}),
                3 => json!({"event": "left_club", "club_id": "c0000000-0000-4000-8000-000000000001"}),
                _ => json!({"event": "earned_credits", "entry_id": "57c6b051-60db-5cf1-b40b-f9e7ec99a2a0",
                            "amount": format!("{}.{:02}", cents / 100, cents % 100),
                            "rule_set_id": "community", "rule_set_version": 1}),
            };
            event["learner_id"] = json!(learner);
            event["at"] = json!(at);
            if let Some(title) = title
                && kind < 4
            {
                event["title"] = json!(title);
            }
            event
        },
    )
}

proptest! {
    #[test]
    fn generated_events_give_valid_statements(
        raw in proptest::collection::vec(event(), 1..20),
        zone in proptest::sample::select(vec!["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"]),
    ) {
        let events: Vec<LearningEvent> = serde_json::from_value(Value::Array(raw)).unwrap();
        let options = XapiOptions::new(HOME, zone.parse().unwrap()).unwrap();
        for statement in statements(&events, &options).unwrap() {
            let errors = statement_errors(&statement);
            prop_assert!(errors.is_empty(), "{:?} in {}", errors, statement);
        }
    }
}
