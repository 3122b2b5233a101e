//! Scheduling operations: session instants, recurring series, holiday
//! calendars and iCalendar files.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Operation, Request, field_option, to_value};
use crate::field::{FieldValue, format_instant, trim_spaces};
use crate::id::{ClubId, CourseId, LearnerId, VenueId};
use crate::model::{Club, Course, Enrolment, EnrolmentStatus, Session, SessionOwner, Venue};
use crate::problem::{Path, PathSegment, Problem, Problems, codes};
use crate::record::{Cells, FieldReader, Record, list_from_json, read_items};
use crate::schedule::ical::{ExportContext, ImportOptions, export_calendar, import_calendar};
use crate::schedule::{
    CHINA, CalendarSet, HolidayCalendar, HolidayError, Series, SessionTimes, expand_series,
    session_times,
};

/// The years `list_holidays` accepts: those of the library's four-digit dates.
const CALENDAR_YEARS: std::ops::RangeInclusive<u16> = 1..=9999;

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "resolve_session",
        summary: "Resolves a session's local times to UTC instants and its length, in its own zone or options.venue_time_zone.",
        handler: resolve_session,
    },
    Operation {
        name: "expand_schedule",
        summary: "Expands a recurring series into numbered sessions, skipping excluded dates and holidays.",
        handler: expand_schedule,
    },
    Operation {
        name: "list_holidays",
        summary: "Lists the holidays and make-up working days of one year of a holiday calendar.",
        handler: list_holidays,
    },
    Operation {
        name: "classify_dates",
        summary: "Tells for each date whether it is a holiday, a make-up working day, a weekend day or a working day.",
        handler: classify_dates,
    },
    Operation {
        name: "validate_holiday_calendar",
        summary: "Validates a holiday calendar in the xuetong.holidays/1 form.",
        handler: validate_holiday_calendar,
    },
    Operation {
        name: "import_ical",
        summary: "Reads the events of an iCalendar file, single or recurring, as sessions.",
        handler: import_ical,
    },
    Operation {
        name: "export_ical",
        summary: "Writes sessions (all, a course's or a learner's) as an iCalendar file with time zones.",
        handler: export_ical,
    },
];

/// Reads `options.calendars`: holiday calendars that add to or replace the
/// built-in ones. A `null` list is left out, as other options are.
fn calendar_set(request: &Request<'_>) -> Result<CalendarSet, Problems> {
    let mut set = CalendarSet::builtin();
    let Some(value) = request
        .options
        .get("calendars")
        .filter(|value| !value.is_null())
    else {
        return Ok(set);
    };
    let path = Path::root().join("options").join("calendars");
    let Value::Array(items) = value else {
        return Err(Problem::new(codes::INVALID_TYPE, path)
            .with("field", "calendars")
            .with("expected", "a list")
            .with("value", crate::record::json_kind(value))
            .into());
    };
    let mut problems = Problems::new();
    for (index, item) in items.iter().enumerate() {
        match HolidayCalendar::from_json(item, &path.join(index)) {
            Ok(calendar) => set = set.with(calendar),
            Err(found) => problems.extend(found),
        }
    }
    problems.into_result(set)
}

/// The session record with its instants.
fn timed_json(session: &Session, times: &SessionTimes) -> Value {
    let mut value = session.to_json();
    if let Value::Object(object) = &mut value {
        object.insert("starts_at".into(), format_instant(&times.starts_at).into());
        object.insert("ends_at".into(), format_instant(&times.ends_at).into());
        object.insert("minutes".into(), times.minutes().into());
        object.insert(
            "resolved_time_zone".into(),
            times.time_zone.name().to_owned().into(),
        );
    }
    value
}

fn resolve_session(request: &Request<'_>) -> Result<Value, Problems> {
    let venue_zone = field_option::<Tz>(request, "venue_time_zone")?;
    let session = Session::from_json(request.input, &Path::root())?;
    let times = session_times(&session, venue_zone)?;
    Ok(timed_json(&session, &times))
}

fn expand_schedule(request: &Request<'_>) -> Result<Value, Problems> {
    let venue_zone = field_option::<Tz>(request, "venue_time_zone")?;
    let calendars = calendar_set(request)?;
    let series = Series::from_json(request.input, &Path::root())?;
    let expansion = expand_series(&series, venue_zone, &calendars)?;
    Ok(expansion.to_json())
}

/// The object fields of `input`, or an `invalid_type` problem.
fn input_object<'a>(request: &Request<'a>) -> Result<&'a Map<String, Value>, Problems> {
    request.input.as_object().ok_or_else(|| {
        Problem::new(codes::INVALID_TYPE, Path::root())
            .with("field", "input")
            .with("expected", "an object")
            .with("value", crate::record::json_kind(request.input))
            .into()
    })
}

/// Reports fields of `object` that are not in `allowed`.
fn check_fields(object: &Map<String, Value>, allowed: &[&str]) -> Result<(), Problems> {
    let mut problems = Problems::new();
    crate::record::check_known_fields(object, allowed, &Path::root(), &mut problems);
    problems.into_result(())
}

/// Reads an optional field of an input object through its serde form,
/// reporting a wrong value as `invalid_type` at the field. As in a record,
/// `null` and a string that is empty once trimmed are no value.
fn field<T: for<'de> Deserialize<'de>>(
    object: &Map<String, Value>,
    name: &'static str,
    expected: &'static str,
) -> Result<Option<T>, Problems> {
    match object.get(name).filter(|value| !super::is_left_out(value)) {
        None => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|_| {
                Problem::new(codes::INVALID_TYPE, Path::root().join(name))
                    .with("field", name)
                    .with("expected", expected)
                    .with("value", shown(value))
                    .into()
            }),
    }
}

fn chosen_calendar<'a>(
    object: &Map<String, Value>,
    calendars: &'a CalendarSet,
) -> Result<&'a HolidayCalendar, Problems> {
    let stated: Option<String> = field(object, "calendar", "a calendar id such as \"cn\"")?;
    // The id is read as a cell is: trimmed, and the default when empty.
    let id = stated.as_deref().map_or(CHINA, trim_spaces);
    calendars.get(id).ok_or_else(|| {
        calendars
            .unknown_id_problem(id, Path::root().join("calendar"))
            .into()
    })
}

fn list_holidays(request: &Request<'_>) -> Result<Value, Problems> {
    let calendars = calendar_set(request)?;
    let object = input_object(request)?;
    check_fields(object, &["calendar", "year"])?;
    let calendar = chosen_calendar(object, &calendars)?;
    // The year is a whole-number field, so text of digits is accepted.
    let mut problems = Problems::new();
    let year = FieldReader::new(Cells::Json(object), Path::root(), &mut problems)
        .required_in::<u16>("year", CALENDAR_YEARS);
    let Some(year) = year else {
        return Err(problems);
    };
    if !CALENDAR_YEARS.contains(&year) {
        return Err(Problem::new(codes::OUT_OF_RANGE, Path::root().join("year"))
            .with("field", "year")
            .with("value", year.to_string())
            .with("min", *CALENDAR_YEARS.start())
            .with("max", *CALENDAR_YEARS.end())
            .into());
    }
    let arrangement = calendar
        .year(i32::from(year))
        .map_err(|error| Problems::from(error.to_problem(Path::root().join("year"))))?;
    Ok(json!({
        "calendar": calendar.id,
        "year": arrangement.year,
        "source": arrangement.source,
        "holidays": arrangement.holidays,
    }))
}

fn classify_dates(request: &Request<'_>) -> Result<Value, Problems> {
    let calendars = calendar_set(request)?;
    let object = input_object(request)?;
    check_fields(object, &["calendar", "dates"])?;
    let calendar = chosen_calendar(object, &calendars)?;
    let dates_path = Path::root().join("dates");
    let dates: Vec<NaiveDate> = match object
        .get("dates")
        .filter(|value| !super::is_left_out(value))
    {
        None => {
            return Err(Problem::new(codes::REQUIRED, dates_path)
                .with("field", "dates")
                .into());
        }
        Some(value) => read_dates(value, &dates_path)?,
    };
    let mut problems = Problems::new();
    let mut days = Vec::with_capacity(dates.len());
    for (index, date) in dates.iter().enumerate() {
        match calendar.day(*date) {
            Ok(day) => days.push(json!({
                "date": day.date,
                "kind": day.kind,
                "holiday": day.holiday.map(|holiday| holiday.name.clone()),
            })),
            Err(error @ HolidayError::YearUnknown { .. }) => {
                problems.push(error.to_problem(dates_path.join(index)));
            }
        }
    }
    problems.into_result(Value::Array(days))
}

fn validate_holiday_calendar(request: &Request<'_>) -> Result<Value, Problems> {
    HolidayCalendar::from_json(request.input, &Path::root()).map(|calendar| calendar.to_json())
}

fn records<T: Record>(object: &Map<String, Value>, name: &'static str) -> Result<Vec<T>, Problems> {
    match object.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => list_from_json(value, &Path::root().join(name)),
    }
}

fn option_records<T: Record>(
    request: &Request<'_>,
    name: &'static str,
) -> Result<Vec<T>, Problems> {
    match request.options.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => list_from_json(value, &Path::root().join("options").join(name)),
    }
}

fn import_ical(request: &Request<'_>) -> Result<Value, Problems> {
    let object = input_object(request)?;
    check_fields(object, &["text"])?;
    let text: String = field(object, "text", "the iCalendar file as text")?.ok_or_else(|| {
        Problems::from(
            Problem::new(codes::REQUIRED, Path::root().join("text")).with("field", "text"),
        )
    })?;
    let calendars = calendar_set(request)?;
    let venues: Vec<Venue> = option_records(request, "venues")?;
    let until = field_option::<NaiveDate>(request, "until")?;
    let holiday_calendar = field_option::<String>(request, "holiday_calendar")?;
    let options = ImportOptions {
        course_id: field_option::<CourseId>(request, "course_id")?,
        club_id: field_option::<ClubId>(request, "club_id")?,
        venue_id: field_option::<VenueId>(request, "venue_id")?,
        time_zone: field_option::<Tz>(request, "time_zone")?,
        until,
        holiday_calendar: holiday_calendar.as_deref(),
        calendars: &calendars,
        venues: &venues,
    };
    let imported = import_calendar(&text, &options)?;
    let sessions: Vec<Value> = imported
        .sessions
        .iter()
        .map(|(session, times)| timed_json(session, times))
        .collect();
    Ok(json!({"events": imported.events, "sessions": sessions}))
}

fn export_ical(request: &Request<'_>) -> Result<Value, Problems> {
    let object = input_object(request)?;
    check_fields(
        object,
        &[
            "generated_at",
            "sessions",
            "venues",
            "courses",
            "clubs",
            "enrolments",
        ],
    )?;
    let generated_at = object
        .get("generated_at")
        .filter(|value| !super::is_left_out(value));
    let generated_at: DateTime<Utc> = match generated_at {
        None => {
            return Err(
                Problem::new(codes::REQUIRED, Path::root().join("generated_at"))
                    .with("field", "generated_at")
                    .into(),
            );
        }
        Some(value) => DateTime::<Utc>::from_json(value).map_err(|invalid| {
            Problems::from(super::field_problem(
                Path::root().join("generated_at"),
                "generated_at",
                value,
                invalid,
            ))
        })?,
    };
    let mut problems = Problems::new();
    let mut read = |result: Result<(), Problems>| {
        if let Err(found) = result {
            problems.extend(found);
        }
    };
    let (mut sessions, mut venues, mut courses, mut clubs, mut enrolments) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    read(records::<Session>(object, "sessions").map(|found| sessions = found));
    read(records::<Venue>(object, "venues").map(|found| venues = found));
    read(records::<Course>(object, "courses").map(|found| courses = found));
    read(records::<Club>(object, "clubs").map(|found| clubs = found));
    read(records::<Enrolment>(object, "enrolments").map(|found| enrolments = found));
    let course_id = field_option::<CourseId>(request, "course_id");
    let learner_id = field_option::<LearnerId>(request, "learner_id");
    let name = field_option::<String>(request, "name");
    let (course_id, learner_id, name) = match (course_id, learner_id, name) {
        (Ok(course), Ok(learner), Ok(name)) if problems.is_empty() => (course, learner, name),
        (course, learner, name) => {
            problems.extend(course.err().into_iter().flatten());
            problems.extend(learner.err().into_iter().flatten());
            problems.extend(name.err().into_iter().flatten());
            return Err(problems);
        }
    };
    let (indexes, chosen): (Vec<usize>, Vec<Session>) =
        select_sessions(sessions, course_id, learner_id, &enrolments)
            .into_iter()
            .unzip();
    let context = ExportContext {
        name: name.as_deref(),
        generated_at,
        venues: &venues,
        courses: &courses,
        clubs: &clubs,
    };
    let text = export_calendar(&chosen, &context)
        .map_err(|problems| at_input_indexes(problems, &indexes))?;
    to_value(&json!({"events": chosen.len(), "text": text}))
}

/// Points problems at `["sessions", index]` of the chosen sessions back at
/// the same sessions in the input, whose indexes are `indexes`.
fn at_input_indexes(problems: Problems, indexes: &[usize]) -> Problems {
    Problems(
        problems
            .into_iter()
            .map(|mut problem| {
                if let Some(PathSegment::Index(chosen)) = problem.path.0.get(1)
                    && let Some(input) = usize::try_from(*chosen)
                        .ok()
                        .and_then(|chosen| indexes.get(chosen))
                {
                    problem.path.0[1] = PathSegment::from(*input);
                }
                problem
            })
            .collect(),
    )
}

/// The sessions an export covers, with their indexes in the input: those
/// of `course_id`, or those of the courses in which `learner_id` has a
/// confirmed place, or all.
fn select_sessions(
    sessions: Vec<Session>,
    course_id: Option<CourseId>,
    learner_id: Option<LearnerId>,
    enrolments: &[Enrolment],
) -> Vec<(usize, Session)> {
    let learner_courses: Option<Vec<CourseId>> = learner_id.map(|learner| {
        enrolments
            .iter()
            .filter(|enrolment| {
                enrolment.learner_id == learner && enrolment.status == EnrolmentStatus::Confirmed
            })
            .map(|enrolment| enrolment.course_id)
            .collect()
    });
    sessions
        .into_iter()
        .enumerate()
        .filter(|(_, session)| {
            let course = match session.owner {
                SessionOwner::Course(course) => Some(course),
                SessionOwner::Club(_) => None,
            };
            course_id.is_none_or(|wanted| course == Some(wanted))
                && learner_courses
                    .as_ref()
                    .is_none_or(|courses| course.is_some_and(|course| courses.contains(&course)))
        })
        .collect()
}

/// Reads the dates to classify. Unlike a list field, which skips empty
/// items, every item here must be a date, because each gets its own entry
/// in the result.
fn read_dates(value: &Value, path: &Path) -> Result<Vec<NaiveDate>, Problems> {
    let mut problems = Problems::new();
    let dates = read_items::<NaiveDate>(value, "dates", path, &mut problems)
        .into_iter()
        .map(|(_, date)| date)
        .collect();
    problems.into_result(dates)
}

/// A JSON value as a problem message shows it: a string as written, without
/// JSON quotes, and anything else as JSON.
fn shown(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}
