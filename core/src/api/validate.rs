//! Validation operations: one per input record.
//!
//! Each takes the record's JSON form as `input` and returns it normalized
//! (defaults filled in, instants in UTC) or every problem found.

use serde_json::Value;

use super::{Operation, Request, option};
use crate::model::{
    CategoryDef, Club, Course, Enrolment, Excusal, Instructor, Learner, Outcome, Scan, Session,
    Taxonomy, Venue,
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

fn validate_course(request: &Request<'_>) -> Result<Value, Problems> {
    let definitions: Vec<CategoryDef> = option(request, "categories")?.unwrap_or_default();
    // Without definitions only the built-in keys count, and checking them
    // directly saves building a taxonomy on every call (front ends validate
    // a course form on every keystroke).
    let taxonomy = if definitions.is_empty() {
        None
    } else {
        Some(extended_taxonomy(&definitions)?)
    };
    let course = Course::from_json(request.input, &Path::root())?;
    let known = match &taxonomy {
        Some(taxonomy) => taxonomy.contains(&course.category),
        None => Taxonomy::is_built_in(&course.category),
    };
    if !known {
        return Err(Problem::new(
            crate::model::codes::UNKNOWN_CATEGORY,
            Path::root().join("category"),
        )
        .with("field", "category")
        .with("value", course.category.as_str())
        .into());
    }
    Ok(course.to_json())
}

/// Extends the built-in taxonomy by `definitions`, reporting problems at
/// paths under `options.categories`.
fn extended_taxonomy(definitions: &[CategoryDef]) -> Result<Taxonomy, Problems> {
    Taxonomy::extended(definitions).map_err(|problems| {
        let mut prefixed = Problems::new();
        for mut problem in problems {
            let mut segments = vec!["options".into(), "categories".into()];
            segments.extend(problem.path.0);
            problem.path = Path(segments);
            prefixed.push(problem);
        }
        prefixed
    })
}

fn validate_session(request: &Request<'_>) -> Result<Value, Problems> {
    let venue_zone = option::<String>(request, "venue_time_zone")?;
    let venue_zone = match venue_zone {
        None => None,
        Some(name) => Some(name.parse::<chrono_tz::Tz>().map_err(|_| {
            Problems::from(
                Problem::new(
                    crate::problem::codes::INVALID_TIME_ZONE,
                    Path::root().join("options").join("venue_time_zone"),
                )
                .with("field", "venue_time_zone")
                .with("value", name),
            )
        })?),
    };
    let session = Session::from_json(request.input, &Path::root())?;
    if session.time_zone.is_some() || venue_zone.is_some() {
        session_times(&session, venue_zone)?;
    }
    Ok(session.to_json())
}
