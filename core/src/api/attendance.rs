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
//!
//! `preview_scan` and `validate_attendance_policy` are operations a front
//! end calls, so they are always compiled. The batch evaluation and token
//! issuing (in `batch`) need the `full-api` feature: a browser has no scans
//! of other learners to evaluate and must never hold a token key.

#[cfg(feature = "full-api")]
mod batch;

// The statistics operations read their inputs as the batch evaluation does.
#[cfg(feature = "full-api")]
pub(super) use batch::{
    read_list, read_token_key, required_option, required_whole_option, timed_sessions,
};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{Operation, Request, read_option};
use crate::attendance::{AttendancePolicy, SessionWindows, preview_scan};
use crate::field::{FieldValue, format_instant};
use crate::model::{ScanDirection, Session};
use crate::problem::{Path, Problem, Problems};
use crate::record::{Cells, FieldReader, Record, check_known_fields, json_kind};
use crate::schedule::{TimedSession, session_times};

pub(super) static OPERATIONS: &[Operation] = &[
    #[cfg(feature = "full-api")]
    Operation {
        name: "evaluate_attendance",
        summary: "Evaluates scans into one attendance record per learner and session, rejected and duplicate scans, and per learner and course rates, completion and warnings, as of options.as_of.",
        handler: batch::evaluate,
    },
    Operation {
        name: "preview_scan",
        summary: "Previews whether one scan of a session at a given time would be accepted, and the status and credited minutes the record would get.",
        handler: preview,
    },
    #[cfg(feature = "full-api")]
    Operation {
        name: "issue_check_in_token",
        summary: "Issues the rotating check-in token a session's screen shows at a given time, with options.token_key.",
        handler: batch::issue_token,
    },
    Operation {
        name: "validate_attendance_policy",
        summary: "Validates an attendance policy document and returns it with every default filled in.",
        handler: validate_policy,
    },
];

/// The fields of the `preview_scan` input.
const PREVIEW_FIELDS: &[&str] = &["session", "scanned_at", "direction", "checked_in_at"];

/// The options of `preview_scan`.
const PREVIEW_OPTIONS: &[&str] = &["policy", "venue_time_zone"];

fn preview(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    check_options(request, PREVIEW_OPTIONS, &mut problems);
    let policy = read_policy(request, &mut problems);
    let venue_zone = read_option::<Tz>(request, "venue_time_zone", &mut problems);
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

fn validate_policy(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    check_options(request, &[], &mut problems);
    match AttendancePolicy::from_json(request.input, &Path::root()) {
        Ok(policy) => problems.into_result(policy.to_json()),
        Err(found) => {
            problems.extend(found);
            Err(problems)
        }
    }
}

/// Reports every option not in `known`, so that a misspelt option (such
/// as `polcy`) is not silently ignored while the defaults apply.
pub(super) fn check_options(request: &Request<'_>, known: &[&str], problems: &mut Problems) {
    check_known_fields(
        request.options,
        known,
        &Path::root().join("options"),
        problems,
    );
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

fn path_of_option(name: &'static str) -> Path {
    Path::root().join("options").join(name)
}

fn required_problem(path: Path, field: &'static str) -> Problem {
    Problem::new(crate::problem::codes::REQUIRED, path).with("field", field)
}

/// Reads field `name` of the input object as a record field is read, so a
/// missing, `null`, empty or spaces-only value is absent.
fn read_field<T: FieldValue>(
    object: &Map<String, Value>,
    name: &'static str,
    required: bool,
    problems: &mut Problems,
) -> Option<T> {
    let mut reader = FieldReader::new(Cells::Json(object), Path::root(), problems);
    if required {
        reader.required(name)
    } else {
        reader.optional(name)
    }
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
    check_known_fields(object, known, &Path::root(), problems);
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
