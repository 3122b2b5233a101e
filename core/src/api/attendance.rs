//! Attendance operations: evaluate a batch of scans, preview one scan, issue
//! a check-in token, and read a policy.
//!
//! Every operation reads its policy from `options.policy` (a policy
//! document; the defaults when absent). Instants are RFC 3339 text with an
//! offset.
//!
//! `evaluate_attendance` takes `input` with the lists `sessions`, `courses`,
//! `venues`, `learners`, `enrolments`, `excusals`, `outcomes` and
//! `scans`, each optional and each item in the JSON form of its record.
//! Outcomes of kind `assessment` decide assessments. Its `options` are
//! `as_of` (required), `policy`, `token_key` (hexadecimal) and
//! `outcome_grouping` (`per_session` or `per_course`), which adds the
//! learning outcomes to the result.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{Operation, Request, to_value};
use crate::attendance::{
    AssessmentResult, AttendanceInput, AttendancePolicy, EvaluationSettings, OutcomeGrouping,
    SessionWindows, TokenKey, attendance_outcomes, codes, evaluate_attendance, preview_scan,
};
use crate::field::{FieldValue, format_instant};
use crate::id::{LearnerId, SessionId, VenueId};
use crate::model::{
    Course, Enrolment, Excusal, Learner, Outcome, Scan, ScanDirection, Session, Venue,
};
use crate::problem::{Path, Problem, Problems};
use crate::record::{Record, json_kind, list_from_json, unknown_field_problem};
use crate::schedule::{TimedSession, session_times};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "evaluate_attendance",
        summary: "Evaluates scans into one attendance record per learner and session, rejected and duplicate scans, and per learner and course rates, completion and warnings, as of options.as_of.",
        handler: evaluate,
    },
    Operation {
        name: "preview_scan",
        summary: "Previews whether one scan of a session at a given time would be accepted, and the status and credited minutes the record would get.",
        handler: preview,
    },
    Operation {
        name: "issue_check_in_token",
        summary: "Issues the rotating check-in token a session's screen shows at a given time, with options.token_key.",
        handler: issue_token,
    },
    Operation {
        name: "validate_attendance_policy",
        summary: "Validates an attendance policy document and returns it with every default filled in.",
        handler: validate_policy,
    },
];

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

fn evaluate(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let policy = read_policy(request, &mut problems);
    let as_of = required_option::<DateTime<Utc>>(request, "as_of", &mut problems);
    let token_key = read_token_key(request, &mut problems);
    let grouping = optional_option::<OutcomeGrouping>(request, "outcome_grouping", &mut problems);

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
            Problem::new(super::codes::INVALID_REQUEST, Path::root()).with(
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

/// The fields of the `preview_scan` input.
const PREVIEW_FIELDS: &[&str] = &["session", "scanned_at", "direction", "checked_in_at"];

fn preview(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let policy = read_policy(request, &mut problems);
    let venue_zone = optional_option::<Tz>(request, "venue_time_zone", &mut problems);
    let Some(object) = input_object(request.input, &mut problems) else {
        return Err(problems);
    };
    check_fields(object, PREVIEW_FIELDS, &mut problems);
    let scanned_at = read_field::<DateTime<Utc>>(object, "scanned_at", true, &mut problems);
    let direction = read_field::<ScanDirection>(object, "direction", false, &mut problems);
    let checked_in_at = read_field::<DateTime<Utc>>(object, "checked_in_at", false, &mut problems);
    let session = match object.get("session") {
        None | Some(Value::Null) => {
            problems.push(required_problem(Path::root().join("session"), "session"));
            None
        }
        Some(value) => match Session::from_json(value, &Path::root().join("session")) {
            Ok(session) => timed_session(
                session,
                venue_zone,
                Path::root().join("session"),
                &mut problems,
            ),
            Err(found) => {
                problems.extend(found);
                None
            }
        },
    };
    let (Some(policy), Some(scanned_at), Some(session), true) =
        (policy, scanned_at, session, problems.is_empty())
    else {
        return Err(problems);
    };

    let direction = direction.unwrap_or(ScanDirection::CheckIn);
    let preview = preview_scan(&session, &policy, direction, scanned_at, checked_in_at);
    let decision = preview.decision;
    let code = preview.rejection.as_ref().map(|(code, _)| code.as_str());
    Ok(json!({
        "accepted": preview.is_accepted(),
        "code": code,
        "message": preview.message_in(request.locale),
        "status": decision.map(|decision| decision.status.as_str()),
        "punctuality": decision.and_then(|decision| decision.punctuality).map(|p| p.as_str()),
        "credited_minutes": decision.map(|decision| decision.credited_minutes),
        "scheduled_minutes": preview.windows.scheduled_minutes,
        "windows": windows_json(&preview.windows),
    }))
}

fn windows_json(windows: &SessionWindows) -> Value {
    json!({
        "starts_at": format_instant(&windows.starts_at),
        "ends_at": format_instant(&windows.ends_at),
        "check_in_opens_at": format_instant(&windows.check_in_opens_at),
        "check_in_closes_at": format_instant(&windows.check_in_closes_at),
        "on_time_until": format_instant(&windows.on_time_until),
        "check_out_closes_at": format_instant(&windows.check_out_closes_at),
        "left_early_before": format_instant(&windows.left_early_before),
    })
}

/// The fields of the `issue_check_in_token` input.
const ISSUE_FIELDS: &[&str] = &["session_id", "at"];

fn issue_token(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let policy = read_policy(request, &mut problems);
    let token_key = read_token_key(request, &mut problems);
    if token_key.is_none() && !request.options.contains_key("token_key") {
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

fn validate_policy(request: &Request<'_>) -> Result<Value, Problems> {
    AttendancePolicy::from_json(request.input, &Path::root()).map(|policy| policy.to_json())
}

/// Reads `options.policy`, or the default policy when it is absent.
pub(super) fn read_policy(
    request: &Request<'_>,
    problems: &mut Problems,
) -> Option<AttendancePolicy> {
    match request.options.get("policy") {
        None | Some(Value::Null) => Some(AttendancePolicy::default()),
        Some(value) => match AttendancePolicy::from_json(value, &path_of_option("policy")) {
            Ok(policy) => Some(policy),
            Err(found) => {
                problems.extend(found);
                None
            }
        },
    }
}

/// Reads `options.token_key`, written in hexadecimal.
pub(super) fn read_token_key(request: &Request<'_>, problems: &mut Problems) -> Option<TokenKey> {
    let text = optional_option::<String>(request, "token_key", problems)?;
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

fn path_of_option(name: &'static str) -> Path {
    Path::root().join("options").join(name)
}

fn required_problem(path: Path, field: &'static str) -> Problem {
    Problem::new(crate::problem::codes::REQUIRED, path).with("field", field)
}

/// Reads an option that must be present.
pub(super) fn required_option<T: FieldValue>(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    let value = optional_option(request, name, problems);
    if value.is_none() && !request.options.contains_key(name) {
        problems.push(required_problem(path_of_option(name), name));
    }
    value
}

/// Reads an option as a field value; `None` when absent or invalid (with a
/// problem reported).
fn optional_option<T: FieldValue>(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    read_value(
        request.options.get(name),
        path_of_option(name),
        name,
        problems,
    )
}

fn read_value<T: FieldValue>(
    value: Option<&Value>,
    path: Path,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    let value = value.filter(|value| !value.is_null())?;
    match T::from_json(value) {
        Ok(read) => Some(read),
        Err(invalid) => {
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            let mut problem = Problem::new(invalid.code, path)
                .with("field", name)
                .with("value", shown);
            for (param, value) in invalid.params {
                problem = problem.with(param, value);
            }
            problems.push(problem);
            None
        }
    }
}

/// Reads field `name` of the input object.
fn read_field<T: FieldValue>(
    object: &Map<String, Value>,
    name: &'static str,
    required: bool,
    problems: &mut Problems,
) -> Option<T> {
    let present = object.get(name).is_some_and(|value| !value.is_null());
    if required && !present {
        problems.push(required_problem(Path::root().join(name), name));
        return None;
    }
    read_value(object.get(name), Path::root().join(name), name, problems)
}

pub(super) fn input_object<'a>(
    input: &'a Value,
    problems: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    match input {
        Value::Object(object) => Some(object),
        other => {
            problems.push(
                Problem::new(crate::problem::codes::INVALID_TYPE, Path::root())
                    .with("field", "input")
                    .with("expected", "an object")
                    .with("value", json_kind(other)),
            );
            None
        }
    }
}

pub(super) fn check_fields(object: &Map<String, Value>, known: &[&str], problems: &mut Problems) {
    for key in object.keys() {
        if !known.contains(&key.as_str()) {
            problems.push(unknown_field_problem(key, Path::root().join(key.clone())));
        }
    }
}

/// Reads the list `name` of records; an absent list is empty.
pub(super) fn read_list<T: Record>(
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

/// Resolves the instants of every session, in its own zone or its venue's.
pub(super) fn timed_sessions(
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

/// Resolves the instants of one session, reporting problems under `path`.
fn timed_session(
    session: Session,
    venue_zone: Option<Tz>,
    path: Path,
    problems: &mut Problems,
) -> Option<TimedSession> {
    match session_times(&session, venue_zone) {
        Ok(times) => Some(TimedSession { session, times }),
        Err(found) => {
            for mut problem in found {
                let mut segments = path.0.clone();
                segments.extend(problem.path.0);
                problem.path = Path(segments);
                problems.push(problem);
            }
            None
        }
    }
}
