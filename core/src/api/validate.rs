//! Validation operations: one per input record.
//!
//! Each takes the record's JSON form as `input` and returns it normalized
//! (defaults filled in, instants in UTC) or every problem found.

use serde_json::Value;

use super::{Operation, Request, field_option, option};
use crate::field::FieldValue;
use crate::model::{
    Category, CategoryDef, Club, Course, Enrolment, Excusal, Instructor, Learner, Outcome, Scan,
    Session, Taxonomy, Venue,
};
use crate::problem::{Path, Problem, Problems};
use crate::record::Record;
use crate::schedule::session_times;

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "validate_learner",
        summary: "Validates a learner registration.",
        handler: validate_record::<Learner>,
    },
    Operation {
        name: "validate_venue",
        summary: "Validates a venue.",
        handler: validate_record::<Venue>,
    },
    Operation {
        name: "validate_instructor",
        summary: "Validates an instructor.",
        handler: validate_record::<Instructor>,
    },
    Operation {
        name: "validate_course",
        summary: "Validates a course, with its category checked against the built-in taxonomy and options.categories.",
        handler: validate_course,
    },
    Operation {
        name: "validate_session",
        summary: "Validates a session; with a time zone (its own or options.venue_time_zone) also its local times and length.",
        handler: validate_session,
    },
    Operation {
        name: "validate_enrolment",
        summary: "Validates an enrolment.",
        handler: validate_record::<Enrolment>,
    },
    Operation {
        name: "validate_scan",
        summary: "Validates a check-in or check-out scan.",
        handler: validate_record::<Scan>,
    },
    Operation {
        name: "validate_excusal",
        summary: "Validates an excusal.",
        handler: validate_record::<Excusal>,
    },
    Operation {
        name: "validate_outcome",
        summary: "Validates a learning outcome.",
        handler: validate_record::<Outcome>,
    },
    Operation {
        name: "validate_club",
        summary: "Validates a club.",
        handler: validate_record::<Club>,
    },
    Operation {
        name: "validate_category",
        summary: "Validates a category definition.",
        handler: validate_record::<CategoryDef>,
    },
];

fn validate_record<T: Record>(request: &Request<'_>) -> Result<Value, Problems> {
    T::from_json(request.input, &Path::root()).map(|record| record.to_json())
}

/// Validates a course and its category, reporting the problems of the
/// options, of the fields and of the category together.
fn validate_course(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    // The outer None means the taxonomy is unknown. The inner None means
    // only the built-in categories count: checking their keys directly saves
    // building a taxonomy on every call, and front ends validate a course
    // form on every keystroke.
    let taxonomy = match option::<Vec<CategoryDef>>(request, "categories") {
        Ok(None) => Some(None),
        Ok(Some(definitions)) if definitions.is_empty() => Some(None),
        Ok(Some(definitions)) => match Taxonomy::extended(&definitions) {
            Ok(taxonomy) => Some(Some(taxonomy)),
            Err(found) => {
                for mut problem in found {
                    let mut segments = vec!["options".into(), "categories".into()];
                    segments.extend(problem.path.0);
                    problem.path = Path(segments);
                    problems.push(problem);
                }
                None
            }
        },
        Err(found) => {
            problems.extend(found);
            None
        }
    };
    let course = match Course::from_json(request.input, &Path::root()) {
        Ok(course) => Some(course),
        Err(found) => {
            problems.extend(found);
            None
        }
    };
    // The category is checked even when another field is invalid, as long
    // as the category itself reads and the taxonomy is known.
    let category = match &course {
        Some(course) => Some(course.category.clone()),
        None => request
            .input
            .get("category")
            .and_then(|value| Category::from_json(value).ok()),
    };
    let known = |category: &Category| match &taxonomy {
        Some(Some(taxonomy)) => taxonomy.contains(category),
        _ => Taxonomy::is_built_in(category),
    };
    if let (Some(_), Some(category)) = (&taxonomy, category)
        && !known(&category)
    {
        problems.push(
            Problem::new(
                crate::model::codes::UNKNOWN_CATEGORY,
                Path::root().join("category"),
            )
            .with("field", "category")
            .with("value", category.as_str()),
        );
    }
    match course {
        Some(course) if problems.is_empty() => Ok(course.to_json()),
        _ => Err(problems),
    }
}

/// Validates a session, with its local times when a time zone is known,
/// reporting the problems of the options and of the fields together.
fn validate_session(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let mut zone_valid = true;
    let venue_zone = match field_option::<chrono_tz::Tz>(request, "venue_time_zone") {
        Ok(zone) => zone,
        Err(found) => {
            zone_valid = false;
            problems.extend(found);
            None
        }
    };
    let session = match Session::from_json(request.input, &Path::root()) {
        Ok(session) => session,
        Err(found) => {
            problems.extend(found);
            return Err(problems);
        }
    };
    if zone_valid
        && (session.time_zone.is_some() || venue_zone.is_some())
        && let Err(found) = session_times(&session, venue_zone)
    {
        problems.extend(found);
    }
    problems.into_result(session.to_json())
}
