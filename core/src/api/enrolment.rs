//! Enrolment operations: eligibility checks and the roster state machine.

use std::cell::RefCell;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

use super::{Operation, Request, field_option, read_option};
use crate::enrolment::{
    Command, EligibilityRules, Everyone, LeapDayBirthday, Overflow, Roster, check_eligibility,
    codes as enrolment_codes, course_has_age_rules, course_is_restricted, first_session_date,
};
use crate::field::{FieldValue, format_instant};
use crate::id::LearnerId;
use crate::model::{Course, Enrolment, GroupMode, Learner, Session, Venue};
use crate::problem::{Locale, Path, Problem, Problems, codes};
use crate::record::{Record, check_known_fields, json_kind, list_from_json};
use crate::stats::report_duplicates;

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "check_eligibility",
        summary: "Checks learners against a course's age, audience and residence rules on a stated date (the first session by default).",
        handler: check_eligibility_operation,
    },
    Operation {
        name: "enrolment_apply",
        summary: "Applies enrolments, group bookings, withdrawals and capacity changes to a course's enrolments, with a first-come first-served waiting list.",
        handler: enrolment_apply,
    },
];

fn input_object<'a>(request: &Request<'a>) -> Result<&'a Map<String, Value>, Problems> {
    request.input.as_object().ok_or_else(|| {
        Problem::new(codes::INVALID_TYPE, Path::root())
            .with("field", "input")
            .with("expected", "an object")
            .with("value", json_kind(request.input))
            .into()
    })
}

fn check_fields(object: &Map<String, Value>, allowed: &[&str]) -> Problems {
    let mut problems = Problems::new();
    check_known_fields(object, allowed, &Path::root(), &mut problems);
    problems
}

/// Collects the problems of several reads, so that one response lists
/// them all.
#[derive(Default)]
struct Collector {
    problems: Problems,
}

impl Collector {
    fn take<T: Default>(&mut self, result: Result<T, Problems>) -> T {
        result.unwrap_or_else(|problems| {
            self.problems.extend(problems);
            T::default()
        })
    }
}

fn records<T: Record>(object: &Map<String, Value>, name: &'static str) -> Result<Vec<T>, Problems> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => list_from_json(value, &Path::root().join(name)),
    }
}

fn course(object: &Map<String, Value>) -> Result<Course, Problems> {
    match object.get("course") {
        None | Some(Value::Null) => Err(Problem::new(codes::REQUIRED, Path::root().join("course"))
            .with("field", "course")
            .into()),
        Some(value) => Course::from_json(value, &Path::root().join("course")),
    }
}

/// Reads the eligibility settings from the options, reporting every
/// invalid one.
fn rules(request: &Request<'_>) -> Result<EligibilityRules, Problems> {
    let mut rules = EligibilityRules::default();
    let mut problems = Problems::new();
    if let Some(age) = read_option::<u8>(request, "older_min_age", &mut problems) {
        rules.older_min_age = age;
    }
    if let Some(age) = read_option::<u8>(request, "child_max_age", &mut problems) {
        rules.child_max_age = age;
    }
    if let Some(rule) = read_option::<LeapDayBirthday>(request, "leap_day_birthday", &mut problems)
    {
        rules.leap_day_birthday = rule;
    }
    problems.into_result(rules)
}

/// The date ages are measured on and where it came from: `options.on`
/// (already read as `stated`), or the course's first session.
fn measuring_date(
    stated: Option<NaiveDate>,
    course: &Course,
    sessions: &[Session],
) -> Option<(NaiveDate, &'static str)> {
    match stated {
        Some(on) => Some((on, "options.on")),
        None => first_session_date(course, sessions).map(|date| (date, "first_session")),
    }
}

fn measuring_date_unknown() -> Problems {
    Problem::new(
        enrolment_codes::MEASURING_DATE_UNKNOWN,
        Path::root().join("options").join("on"),
    )
    .into()
}

/// Reports a learner, venue or session id given to more than one record,
/// because a verdict or a roster entry could then describe either of them.
fn report_repeated_ids(
    learners: &[Learner],
    venues: &[Venue],
    sessions: &[Session],
    problems: &mut Problems,
) {
    let learner_ids = learners.iter().map(|learner| learner.id);
    report_duplicates("learners", "learner", learner_ids, problems);
    let venue_ids = venues.iter().map(|venue| venue.id);
    report_duplicates("venues", "venue", venue_ids, problems);
    let session_ids = sessions.iter().map(|session| session.id);
    report_duplicates("sessions", "session", session_ids, problems);
}

/// Prefixes every problem's path with `prefix` and renders it in `locale`.
fn placed(prefix: &Path, problems: &Problems, locale: Locale) -> Problems {
    Problems(
        problems
            .iter()
            .cloned()
            .map(|mut problem| {
                let mut segments = prefix.0.clone();
                segments.extend(problem.path.0);
                problem.path = Path(segments);
                problem.localize(locale);
                problem
            })
            .collect(),
    )
}

fn check_eligibility_operation(request: &Request<'_>) -> Result<Value, Problems> {
    let object = input_object(request)?;
    let mut collector = Collector {
        problems: check_fields(object, &["course", "learners", "venues", "sessions"]),
    };
    let course = collector.take(course(object).map(Some));
    let learners: Vec<Learner> = collector.take(records(object, "learners"));
    let venues: Vec<Venue> = collector.take(records(object, "venues"));
    let sessions: Vec<Session> = collector.take(records(object, "sessions"));
    let rules = collector.take(rules(request));
    let stated = collector.take(field_option::<NaiveDate>(request, "on"));
    report_repeated_ids(&learners, &venues, &sessions, &mut collector.problems);
    if !collector.problems.is_empty() {
        return Err(collector.problems);
    }
    let Some(course) = course else {
        return Err(collector.problems);
    };
    let measured = measuring_date(stated, &course, &sessions);
    if course_has_age_rules(&course) && measured.is_none() {
        return Err(measuring_date_unknown());
    }
    // Without age rules the date is never read, and none is reported.
    let on = measured.map_or(NaiveDate::MIN, |(on, _)| on);
    let verdicts: Vec<Value> = learners
        .iter()
        .enumerate()
        .map(|(index, learner)| {
            let mut verdict = check_eligibility(&course, learner, &venues, on, &rules);
            verdict.failed = placed(
                &Path::root().join("learners").join(index),
                &verdict.failed,
                request.locale,
            );
            let mut value = verdict.to_json();
            if measured.is_none() {
                value["measured_on"] = Value::Null;
                value["age"] = Value::Null;
            }
            value
        })
        .collect();
    Ok(json!({
        "measured_on": measured.map(|(on, _)| on),
        "measured_from": measured.map(|(_, source)| source),
        "verdicts": verdicts,
    }))
}

/// The eligibility check the roster uses in `enrolment_apply`.
///
/// The learners, venues and measuring date are fixed for the whole request,
/// so each learner's answer is worked out once and kept: a long waiting list
/// of learners who are no longer eligible is then checked once, not before
/// every operation.
struct CourseRules<'a> {
    course: &'a Course,
    learners: BTreeMap<LearnerId, &'a Learner>,
    venues: &'a [Venue],
    on: NaiveDate,
    rules: EligibilityRules,
    answers: RefCell<BTreeMap<LearnerId, Problems>>,
}

impl crate::enrolment::Eligibility for CourseRules<'_> {
    fn failed_rules(&self, learner: LearnerId) -> Problems {
        if let Some(answer) = self.answers.borrow().get(&learner) {
            return answer.clone();
        }
        let answer = match self.learners.get(&learner) {
            Some(found) => {
                check_eligibility(self.course, found, self.venues, self.on, &self.rules).failed
            }
            None => Problem::new(enrolment_codes::LEARNER_UNKNOWN, Path::root())
                .with("learner_id", learner.to_string())
                .into(),
        };
        self.answers.borrow_mut().insert(learner, answer.clone());
        answer
    }
}

/// Reads one entry of `operations`.
fn read_command(value: &Value, path: &Path) -> Result<(DateTime<Utc>, Command), Problems> {
    let Value::Object(object) = value else {
        return Err(Problem::new(codes::INVALID_TYPE, path.clone())
            .with("field", "operation")
            .with("expected", "an object")
            .with("value", json_kind(value))
            .into());
    };
    let mut problems = Problems::new();
    let field = |name: &'static str| object.get(name).filter(|value| !value.is_null());
    let required = |name: &'static str, problems: &mut Problems| {
        let found = field(name);
        if found.is_none() {
            problems.push(Problem::new(codes::REQUIRED, path.join(name)).with("field", name));
        }
        found
    };
    fn read<T: FieldValue>(
        value: &Value,
        path: Path,
        name: &'static str,
        problems: &mut Problems,
    ) -> Option<T> {
        T::from_json(value)
            .map_err(|invalid| {
                let mut problem = Problem::new(invalid.code, path)
                    .with("field", name)
                    .with("value", shown(value));
                for (param, value) in invalid.params {
                    problem = problem.with(param, value);
                }
                problems.push(problem);
            })
            .ok()
    }
    let op: Option<String> = required("op", &mut problems)
        .and_then(|value| read(value, path.join("op"), "op", &mut problems));
    let at: Option<DateTime<Utc>> = required("at", &mut problems)
        .and_then(|value| read(value, path.join("at"), "at", &mut problems));
    let allowed: &[&str] = match op.as_deref() {
        Some("enrol") => &["op", "at", "learner_id", "companions", "mode"],
        Some("withdraw") => &["op", "at", "learner_id"],
        Some("set_capacity") => &["op", "at", "capacity", "overflow"],
        Some("promote") => &["op", "at"],
        Some(other) => {
            problems.push(
                Problem::new(codes::INVALID_CHOICE, path.join("op"))
                    .with("field", "op")
                    .with("value", other)
                    .with("allowed", "enrol, withdraw, set_capacity, promote"),
            );
            return Err(problems);
        }
        None => return Err(problems),
    };
    check_known_fields(object, allowed, path, &mut problems);
    let learner = |problems: &mut Problems| -> Option<LearnerId> {
        required("learner_id", problems)
            .and_then(|value| read(value, path.join("learner_id"), "learner_id", problems))
    };
    let command = match op.as_deref() {
        Some("enrol") => {
            let learner_id = learner(&mut problems);
            let companions: Option<Vec<LearnerId>> = match field("companions") {
                None => Some(Vec::new()),
                Some(value) => read(value, path.join("companions"), "companions", &mut problems),
            };
            let mode: Option<GroupMode> = match field("mode") {
                None => Some(GroupMode::AllOrNothing),
                Some(value) => read(value, path.join("mode"), "mode", &mut problems),
            };
            match (learner_id, companions, mode) {
                (Some(learner_id), Some(companions), Some(mode)) => Some(Command::Enrol {
                    learner_id,
                    companions,
                    mode,
                }),
                _ => None,
            }
        }
        Some("withdraw") => {
            learner(&mut problems).map(|learner_id| Command::Withdraw { learner_id })
        }
        Some("set_capacity") => {
            let capacity: Option<Option<u32>> = match object.get("capacity") {
                None => {
                    problems.push(
                        Problem::new(codes::REQUIRED, path.join("capacity"))
                            .with("field", "capacity"),
                    );
                    None
                }
                Some(Value::Null) => Some(None),
                Some(value) => {
                    read(value, path.join("capacity"), "capacity", &mut problems).map(Some)
                }
            };
            let overflow: Option<Overflow> = match field("overflow") {
                None => Some(Overflow::Reject),
                Some(value) => read(value, path.join("overflow"), "overflow", &mut problems),
            };
            match (capacity, overflow) {
                (Some(capacity), Some(overflow)) => {
                    Some(Command::SetCapacity { capacity, overflow })
                }
                _ => None,
            }
        }
        _ => Some(Command::Promote),
    };
    match (at, command) {
        (Some(at), Some(command)) if problems.is_empty() => Ok((at, command)),
        _ => Err(problems),
    }
}

fn op_name(command: &Command) -> &'static str {
    match command {
        Command::Enrol { .. } => "enrol",
        Command::Withdraw { .. } => "withdraw",
        Command::SetCapacity { .. } => "set_capacity",
        Command::Promote => "promote",
    }
}

fn enrolment_apply(request: &Request<'_>) -> Result<Value, Problems> {
    let object = input_object(request)?;
    let mut collector = Collector {
        problems: check_fields(
            object,
            &[
                "course",
                "enrolments",
                "learners",
                "venues",
                "sessions",
                "operations",
            ],
        ),
    };
    let course = collector.take(course(object).map(Some));
    let enrolments: Vec<Enrolment> = collector.take(records(object, "enrolments"));
    let learners: Vec<Learner> = collector.take(records(object, "learners"));
    let venues: Vec<Venue> = collector.take(records(object, "venues"));
    let sessions: Vec<Session> = collector.take(records(object, "sessions"));
    let rules = collector.take(rules(request));
    let stated = collector.take(field_option::<NaiveDate>(request, "on"));
    let operations_path = Path::root().join("operations");
    let commands: Vec<(DateTime<Utc>, Command)> = match object.get("operations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| {
                read_command(item, &operations_path.join(index))
                    .map_err(|problems| collector.problems.extend(problems))
                    .ok()
            })
            .collect(),
        Some(other) => {
            collector.problems.push(
                Problem::new(codes::INVALID_TYPE, operations_path.clone())
                    .with("field", "operations")
                    .with("expected", "a list")
                    .with("value", json_kind(other)),
            );
            Vec::new()
        }
    };
    report_repeated_ids(&learners, &venues, &sessions, &mut collector.problems);
    if !collector.problems.is_empty() {
        return Err(collector.problems);
    }
    let Some(course) = course else {
        return Err(collector.problems);
    };
    let mut roster = Roster::new(&course, enrolments)?;

    let measured = measuring_date(stated, &course, &sessions);
    if course_has_age_rules(&course) && measured.is_none() {
        return Err(measuring_date_unknown());
    }
    let course_rules = CourseRules {
        course: &course,
        learners: learners
            .iter()
            .map(|learner| (learner.id, learner))
            .collect(),
        venues: &venues,
        // Without age rules the date is never read.
        on: measured.map_or(NaiveDate::MIN, |(on, _)| on),
        rules,
        answers: RefCell::new(BTreeMap::new()),
    };
    let eligibility: &dyn crate::enrolment::Eligibility = if course_is_restricted(&course) {
        &course_rules
    } else {
        &Everyone
    };

    let mut results = Vec::with_capacity(commands.len());
    for (index, (at, command)) in commands.iter().enumerate() {
        let head = json!({"op": op_name(command), "at": format_instant(at)});
        let mut result = head.as_object().cloned().unwrap_or_default();
        match roster.apply(command, *at, eligibility) {
            Ok(events) => {
                result.insert("ok".into(), true.into());
                result.insert(
                    "events".into(),
                    serde_json::to_value(events).unwrap_or(Value::Null),
                );
            }
            Err(problems) => {
                result.insert("ok".into(), false.into());
                let placed = placed(&operations_path.join(index), &problems, request.locale);
                result.insert(
                    "problems".into(),
                    serde_json::to_value(placed).unwrap_or(Value::Null),
                );
            }
        }
        results.push(Value::Object(result));
    }

    let history: Vec<Value> = roster
        .entries()
        .iter()
        .map(|entry| {
            json!({
                "enrolment_id": entry.enrolment.id,
                "learner_id": entry.enrolment.learner_id,
                "transitions": entry.history,
            })
        })
        .collect();
    Ok(json!({
        "results": results,
        "enrolments": roster.enrolments().iter().map(Record::to_json).collect::<Vec<_>>(),
        "history": history,
        "capacity": roster.capacity(),
        "confirmed": roster.confirmed(),
        "waiting_list": roster.waiting_list(),
    }))
}

/// A JSON value as a problem message shows it: a string as written, without
/// JSON quotes, and anything else as JSON.
fn shown(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}
