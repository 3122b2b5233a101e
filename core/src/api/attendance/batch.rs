//! The batch attendance operations, `evaluate_attendance` and
//! `issue_check_in_token`, which only servers call.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{
    check_fields, check_options, input_object, path_of_option, read_field, read_policy,
    required_problem, timed_session,
};
use crate::api::{Request, read_option, to_value};
use crate::attendance::{
    AssessmentResult, AttendanceInput, EvaluationSettings, OutcomeGrouping, TokenKey,
    attendance_outcomes, codes, evaluate_attendance,
};
use crate::field::{FieldValue, format_instant};
use crate::id::{LearnerId, SessionId, VenueId};
use crate::model::{Course, Enrolment, Excusal, Learner, Outcome, Scan, Session, Venue};
use crate::problem::{Path, Problem, Problems};
use crate::record::{Record, json_kind, list_from_json};
use crate::schedule::TimedSession;

/// The fields of the `evaluate_attendance` input.
const EVALUATE_FIELDS: &[&str] = &[
    "sessions",
    "courses",
    "venues",
    "learners",
    "enrolments",
    "excusals",
    "outcomes",
    "scans",
];

/// The options of `evaluate_attendance`.
const EVALUATE_OPTIONS: &[&str] = &["as_of", "policy", "token_key", "outcome_grouping"];

pub(super) fn evaluate(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    check_options(request, EVALUATE_OPTIONS, &mut problems);
    let policy = read_policy(request, &mut problems);
    let as_of = required_option::<DateTime<Utc>>(request, "as_of", &mut problems);
    let token_key = read_token_key(request, &mut problems);
    let grouping = read_option::<OutcomeGrouping>(request, "outcome_grouping", &mut problems);

    let Some(object) = input_object(request.input, &mut problems) else {
        return Err(problems);
    };
    check_fields(object, EVALUATE_FIELDS, &mut problems);
    let courses: Vec<Course> = read_list(object, "courses", &mut problems);
    let venues: Vec<Venue> = read_list(object, "venues", &mut problems);
    let sessions: Vec<Session> = read_list(object, "sessions", &mut problems);
    let enrolments: Vec<Enrolment> = read_list(object, "enrolments", &mut problems);
    let excusals: Vec<Excusal> = read_list(object, "excusals", &mut problems);
    let outcomes: Vec<Outcome> = read_list(object, "outcomes", &mut problems);
    let assessments = AssessmentResult::from_outcomes(&outcomes);
    let scans: Vec<Scan> = read_list(object, "scans", &mut problems);
    let learners = read_learners(object, &mut problems);
    let timed = timed_sessions(sessions, &venues, &mut problems);
    let (Some(policy), Some(as_of), true) = (policy, as_of, problems.is_empty()) else {
        return Err(problems);
    };

    let input = AttendanceInput {
        sessions: &timed,
        courses: &courses,
        venues: &venues,
        learners: learners.as_deref(),
        enrolments: &enrolments,
        excusals: &excusals,
        assessments: &assessments,
        scans: &scans,
    };
    let settings = EvaluationSettings {
        policy: &policy,
        as_of,
        token_key: token_key.as_ref(),
    };
    let report = evaluate_attendance(&input, &settings)?;
    let mut value = report.to_json(request.locale).map_err(|error| {
        Problems::from(
            Problem::new(crate::api::codes::INVALID_REQUEST, Path::root()).with(
                "detail",
                format!("the result could not be written as JSON: {error}"),
            ),
        )
    })?;
    if let (Some(grouping), Value::Object(object)) = (grouping, &mut value) {
        let outcomes: Vec<Value> = attendance_outcomes(&report, &timed, grouping)
            .iter()
            .map(Record::to_json)
            .collect();
        object.insert("outcomes".into(), Value::Array(outcomes));
    }
    Ok(value)
}

/// The fields of the `issue_check_in_token` input.
const ISSUE_FIELDS: &[&str] = &["session_id", "at"];

/// The options of `issue_check_in_token`.
const ISSUE_OPTIONS: &[&str] = &["policy", "token_key"];

pub(super) fn issue_token(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    check_options(request, ISSUE_OPTIONS, &mut problems);
    let policy = read_policy(request, &mut problems);
    let token_key = read_token_key(request, &mut problems);
    if !has_option(request, "token_key") {
        problems.push(required_problem(path_of_option("token_key"), "token_key"));
    }
    let Some(object) = input_object(request.input, &mut problems) else {
        return Err(problems);
    };
    check_fields(object, ISSUE_FIELDS, &mut problems);
    let session_id = read_field::<SessionId>(object, "session_id", true, &mut problems);
    let at = read_field::<DateTime<Utc>>(object, "at", true, &mut problems);
    let (Some(policy), Some(key), Some(session_id), Some(at), true) =
        (policy, token_key, session_id, at, problems.is_empty())
    else {
        return Err(problems);
    };

    let secret = key.session_secret(session_id);
    let Some((token, window)) = secret.issue_at(at, &policy.token) else {
        return Err(
            Problem::new(crate::problem::codes::OUT_OF_RANGE, Path::root().join("at"))
                .with("field", "at")
                .with("value", format_instant(&at))
                .with("min", "1970-01-01T00:00:00Z")
                .with("max", "the year 262143")
                .into(),
        );
    };
    to_value(&json!({
        "token": token,
        "window": window.index,
        "valid_from": format_instant(&window.starts_at),
        "window_ends_at": format_instant(&window.ends_at),
        "valid_until": format_instant(&window.accepted_until),
        "static_token": secret.static_token(),
    }))
}

/// Reads `options.token_key`, written in hexadecimal.
pub(in crate::api) fn read_token_key(
    request: &Request<'_>,
    problems: &mut Problems,
) -> Option<TokenKey> {
    let text = read_option::<String>(request, "token_key", problems)?;
    match TokenKey::from_hex(&text) {
        Ok(key) => Some(key),
        Err(error) => {
            problems.push(
                Problem::new(codes::INVALID_TOKEN_KEY, path_of_option("token_key"))
                    .with("detail", error.to_string()),
            );
            None
        }
    }
}

/// Reads an option that must be present.
pub(in crate::api) fn required_option<T: FieldValue>(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    let value = read_option(request, name, problems);
    if !has_option(request, name) {
        problems.push(required_problem(path_of_option(name), name));
    }
    value
}

/// Reads a whole-number option that must be present, from `min` to `max`.
/// A number outside that range, including one that no integer type of the
/// library holds, is `out_of_range` with `min` and `max`.
pub(in crate::api) fn required_whole_option(
    request: &Request<'_>,
    name: &'static str,
    min: u64,
    max: u64,
    problems: &mut Problems,
) -> Option<u64> {
    let Some(value) = crate::api::option_value(request, name) else {
        problems.push(required_problem(path_of_option(name), name));
        return None;
    };
    match crate::field::whole_from_json(value, min, max) {
        Ok(whole) => Some(whole),
        Err(invalid) => {
            problems.push(crate::api::field_problem(
                path_of_option(name),
                name,
                value,
                invalid,
            ));
            None
        }
    }
}

/// Returns whether option `name` is given with a value. A `null` or empty
/// option counts as absent, so a required one is reported.
fn has_option(request: &Request<'_>, name: &str) -> bool {
    crate::api::option_value(request, name).is_some()
}

/// Reads the list `name` of records; an absent list is empty.
pub(in crate::api) fn read_list<T: Record>(
    object: &Map<String, Value>,
    name: &'static str,
    problems: &mut Problems,
) -> Vec<T> {
    match object.get(name) {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => list_from_json(value, &Path::root().join(name)).unwrap_or_else(|found| {
            problems.extend(found);
            Vec::new()
        }),
    }
}

/// Reads `learners`, the registered learners, given as learner ids or as
/// learner records (as in a bundle's `learners.csv`): `None` when absent,
/// which accepts any learner.
fn read_learners(object: &Map<String, Value>, problems: &mut Problems) -> Option<Vec<LearnerId>> {
    let value = object.get("learners").filter(|value| !value.is_null())?;
    let path = Path::root().join("learners");
    let Value::Array(items) = value else {
        problems.push(
            Problem::new(crate::problem::codes::INVALID_TYPE, path)
                .with("field", "learners")
                .with("expected", "a list")
                .with("value", json_kind(value)),
        );
        return None;
    };
    let mut learners = Vec::with_capacity(items.len());
    for (position, item) in items.iter().enumerate() {
        let at = path.join(position);
        if item.is_object() {
            match Learner::from_json(item, &at) {
                Ok(learner) => learners.push(learner.id),
                Err(found) => problems.extend(found),
            }
        } else if let Some(learner) = read_value(Some(item), at, "learners", problems) {
            learners.push(learner);
        }
    }
    Some(learners)
}

/// Reads one JSON value as a field value: `None` when it is `null`, and
/// `None` with a problem at `path` when it is invalid.
fn read_value<T: FieldValue>(
    value: Option<&Value>,
    path: Path,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    let value = value.filter(|value| !value.is_null())?;
    T::from_json(value)
        .map_err(|invalid| problems.push(crate::api::field_problem(path, name, value, invalid)))
        .ok()
}

/// Resolves the instants of every session, in its own zone or its venue's.
pub(in crate::api) fn timed_sessions(
    sessions: Vec<Session>,
    venues: &[Venue],
    problems: &mut Problems,
) -> Vec<TimedSession> {
    let zones: HashMap<VenueId, Tz> = venues
        .iter()
        .map(|venue| (venue.id, venue.time_zone))
        .collect();
    let mut timed = Vec::with_capacity(sessions.len());
    for (position, session) in sessions.into_iter().enumerate() {
        let zone = zones.get(&session.venue_id).copied();
        let path = Path::root().join("sessions").join(position);
        if let Some(resolved) = timed_session(session, zone, path, problems) {
            timed.push(resolved);
        }
    }
    timed
}
