//! Statistics operations: the statistics of one scope and period, the
//! learning-index units of every district, and the input of a club's
//! yearly evaluation, each computed from a bundle given as JSON lists.
//!
//! `input` contains the bundle's records as lists named like its files:
//! `categories`, `venues`, `learners`, `instructors`, `clubs`,
//! `club_members`, `courses`, `sessions`, `enrolments`, `excusals`,
//! `outcomes` and `scans`, each optional and each item in the JSON form of
//! its record. `compute_statistics` also takes `ledger`, a credit ledger
//! document. Every operation first evaluates attendance on the records with
//! the options `as_of` (required), `policy` and `token_key`, exactly as
//! `evaluate_attendance` does, so that the counts agree with it.

use serde_json::{Map, Value, json};

use super::attendance::{
    check_fields, input_object, read_list, read_policy, read_token_key, required_option,
    required_whole_option, timed_sessions,
};
use super::{Operation, Request, record_option, to_value};
use crate::attendance::{
    AssessmentResult, AttendanceInput, AttendanceReport, EvaluationSettings, evaluate_attendance,
};
use crate::bundle::Bundle;
use crate::credit::Ledger;
use crate::id::{ClubId, LearnerId};
use crate::model::Session;
use crate::problem::{Path, PathSegment, Problem, Problems};
use crate::record::Record;
use crate::stats::{
    CoverageSettings, Period, Scope, StatisticsRequest, club_evaluation_input, compute_statistics,
    district_index_inputs,
};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "compute_statistics",
        summary: "Counts learners, activities, check-ins, instructors, outcomes, credited hours, rates and learning-circle coverage of options.scope over options.period, from a bundle's records with attendance evaluated as of options.as_of.",
        handler: statistics,
    },
    Operation {
        name: "district_index_inputs",
        summary: "Computes the statistics of every district over options.period and returns them as the units of the default learning index, ready for learning_index.",
        handler: index_inputs,
    },
    Operation {
        name: "club_evaluation_input",
        summary: "Assembles the input of club_evaluate for options.club_id and options.year from a bundle's records, with check-ins per activity from attendance evaluated as of options.as_of.",
        handler: club_input,
    },
];

/// The lists of a bundle in the input, in reading order.
const BUNDLE_FIELDS: &[&str] = &[
    "categories",
    "venues",
    "learners",
    "instructors",
    "clubs",
    "club_members",
    "courses",
    "sessions",
    "enrolments",
    "excusals",
    "outcomes",
    "scans",
];

/// Reads the bundle lists of the input and reports unknown fields;
/// `extra` names further fields the operation accepts.
fn read_bundle_lists(
    object: &Map<String, Value>,
    extra: &[&str],
    problems: &mut Problems,
) -> Bundle {
    let known: Vec<&str> = BUNDLE_FIELDS.iter().chain(extra).copied().collect();
    check_fields(object, &known, problems);
    let venues = read_list(object, "venues", problems);
    let sessions: Vec<Session> = read_list(object, "sessions", problems);
    let sessions = timed_sessions(sessions, &venues, problems);
    Bundle {
        categories: read_list(object, "categories", problems),
        venues,
        learners: read_list(object, "learners", problems),
        // As in `evaluate_attendance`, a list that is given, even an empty
        // one, is the full list of known learners.
        learners_listed: object.get("learners").is_some_and(|value| !value.is_null()),
        instructors: read_list(object, "instructors", problems),
        clubs: read_list(object, "clubs", problems),
        club_members: read_list(object, "club_members", problems),
        courses: read_list(object, "courses", problems),
        sessions,
        enrolments: read_list(object, "enrolments", problems),
        excusals: read_list(object, "excusals", problems),
        outcomes: read_list(object, "outcomes", problems),
        scans: read_list(object, "scans", problems),
        rules: None,
        rules_problem: None,
    }
}

/// The bundle of the input and the attendance report on it.
struct Evaluated {
    bundle: Bundle,
    report: AttendanceReport,
}

/// Reads the bundle lists and the attendance options and evaluates
/// attendance on the bundle. Returns `None` without evaluating when
/// `problems` contains any problem, found here or before.
fn evaluate(
    request: &Request<'_>,
    object: &Map<String, Value>,
    extra: &[&str],
    problems: &mut Problems,
) -> Option<Evaluated> {
    let policy = read_policy(request, problems);
    let as_of = required_option(request, "as_of", problems);
    let token_key = read_token_key(request, problems);
    let bundle = read_bundle_lists(object, extra, problems);
    let (Some(policy), Some(as_of), true) = (policy, as_of, problems.is_empty()) else {
        return None;
    };

    let learners: Vec<LearnerId> = bundle.learners.iter().map(|learner| learner.id).collect();
    let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
    let input = AttendanceInput::from_bundle(&bundle, &learners, &assessments);
    let settings = EvaluationSettings {
        policy: &policy,
        as_of,
        token_key: token_key.as_ref(),
    };
    match evaluate_attendance(&input, &settings) {
        Ok(report) => Some(Evaluated { bundle, report }),
        Err(found) => {
            problems.extend(found);
            None
        }
    }
}

/// Reads a required option in the form of record `T`, reporting it
/// missing or invalid.
fn required_record<T: Record>(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    match record_option::<T>(request, name) {
        Ok(Some(value)) => Some(value),
        Ok(None) => {
            problems.push(
                Problem::new(
                    crate::problem::codes::REQUIRED,
                    Path::root().join("options").join(name),
                )
                .with("field", name),
            );
            None
        }
        Err(found) => {
            problems.extend(found);
            None
        }
    }
}

/// Reads `options.coverage`, the default learning circle when absent.
fn read_coverage(request: &Request<'_>, problems: &mut Problems) -> CoverageSettings {
    let path = Path::root().join("options").join("coverage");
    match request.options.get("coverage") {
        None | Some(Value::Null) => CoverageSettings::default(),
        Some(value) => CoverageSettings::from_json(value, &path).unwrap_or_else(|found| {
            problems.extend(found);
            CoverageSettings::default()
        }),
    }
}

/// Moves the paths of the core's `scope`, `period` and `coverage` problems
/// under `options`, where the request has them.
fn under_options(problems: Problems) -> Problems {
    let moved = problems
        .into_iter()
        .map(|mut problem| {
            let is_option = matches!(
                problem.path.0.first(),
                Some(PathSegment::Key(key)) if matches!(key.as_ref(), "scope" | "period" | "coverage")
            );
            if is_option {
                problem.path.0.insert(0, PathSegment::from("options"));
            }
            problem
        })
        .collect();
    Problems(moved)
}

fn statistics(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let object = input_object(request.input, &mut problems);
    let scope = required_record::<Scope>(request, "scope", &mut problems);
    let period = required_record::<Period>(request, "period", &mut problems);
    let coverage = read_coverage(request, &mut problems);
    let ledger = object
        .and_then(|object| object.get("ledger"))
        .filter(|value| !value.is_null())
        .and_then(
            |value| match Ledger::from_json(value, &Path::root().join("ledger")) {
                Ok(ledger) => Some(ledger),
                Err(found) => {
                    problems.extend(found);
                    None
                }
            },
        );
    let Some(object) = object else {
        return Err(problems);
    };
    let evaluated = evaluate(request, object, &["ledger"], &mut problems);
    let (Some(evaluated), Some(scope), Some(period)) = (evaluated, scope, period) else {
        return Err(problems);
    };

    let request = StatisticsRequest {
        scope,
        period,
        coverage,
    };
    let statistics = compute_statistics(
        &evaluated.bundle,
        &evaluated.report,
        ledger.as_ref(),
        &request,
    )
    .map_err(under_options)?;
    to_value(&statistics)
}

fn index_inputs(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let object = input_object(request.input, &mut problems);
    let period = required_record::<Period>(request, "period", &mut problems);
    let coverage = read_coverage(request, &mut problems);
    let Some(object) = object else {
        return Err(problems);
    };
    let evaluated = evaluate(request, object, &[], &mut problems);
    let (Some(evaluated), Some(period)) = (evaluated, period) else {
        return Err(problems);
    };
    let inputs = district_index_inputs(&evaluated.bundle, &evaluated.report, period, &coverage)
        .map_err(under_options)?;
    to_value(&inputs)
}

fn club_input(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let object = input_object(request.input, &mut problems);
    let club = required_option::<ClubId>(request, "club_id", &mut problems);
    // Years are evaluated from 1 to 9999, with four digits like every date
    // of the library.
    let year = required_whole_option(request, "year", 1, 9999, &mut problems)
        .and_then(|year| i32::try_from(year).ok());
    let Some(object) = object else {
        return Err(problems);
    };
    let evaluated = evaluate(request, object, &[], &mut problems);
    let (Some(evaluated), Some(club), Some(year)) = (evaluated, club, year) else {
        return Err(problems);
    };

    let input = club_evaluation_input(&evaluated.bundle, &evaluated.report, club, year).map_err(
        |problems| {
            let moved = problems
                .into_iter()
                .map(|mut problem| {
                    problem.path.0.insert(0, PathSegment::from("options"));
                    problem
                })
                .collect();
            Problems(moved)
        },
    )?;
    let records = |items: Vec<Value>| Value::Array(items);
    Ok(json!({
        "club": input.club.to_json(),
        "year": input.year,
        "members": records(input.members.iter().map(Record::to_json).collect()),
        "activities": records(input.activities.iter().map(Record::to_json).collect()),
        "check_ins": records(input.check_ins.iter().map(Record::to_json).collect()),
        "recorded_session_ids": input.recorded_session_ids,
        "outcomes": records(input.outcomes.iter().map(Record::to_json).collect()),
    }))
}
