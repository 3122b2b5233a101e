//! The City of Toronto drop-in programme schedule (`drop-in.csv` from the
//! City's open data portal; Open Government Licence – Toronto v2.0).
//!
//! Each row of `drop-in.csv` is one session. Its `First Date` is the day it
//! starts and its `Last Date` the day it ends: the next day for a session
//! that ends after midnight (an end time before the start time), and the
//! same day otherwise. The importer checks that `Date Range`,
//! `DayOftheWeek` and `Last Date` agree with `First Date` and the times, and
//! rejects a row where they do not.
//!
//! | column | becomes |
//! |---|---|
//! | `Location ID` | a community-tier [`Venue`] in America/Toronto, under one district venue for the City of Toronto |
//! | `Course_ID`, `Course Title`, `Section`, `Age Min`, `Age Max` | a [`Course`] held at the location |
//! | `First Date`, the start and end hours and minutes | a [`Session`] in the venue's local time |
//!
//! `docs/importers.md` lists every column and every reason a row is
//! rejected.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::bundle::{Bundle, BundleSource};
use crate::id::{CourseId, SessionId, VenueId};
use crate::model::{
    AmbiguousTime, Audience, Category, CategoryDef, Course, DEFAULT_COMPLETION_THRESHOLD, Session,
    SessionOwner, SessionStatus, SourceRef, Venue, VenueTier,
};
use crate::problem::{PathSegment, Problem};
use crate::schedule::{TimedSession, session_times};

use super::codes as import_codes;
use super::table::{Domain, Layout, Row, Table};
use super::{Format, Import, ImportError, ImportReport};

/// The source system of every record imported from the schedule, for
/// [`crate::id::derive_id`].
pub const SYSTEM: &str = "toronto-dropin";

/// The zone of every venue and session.
pub const TIME_ZONE: Tz = chrono_tz::America::Toronto;

/// The age from which a course counts as one for older residents, matching
/// the platform's default for [`Audience::OlderResidents`].
pub const OLDER_AGE: u8 = 60;

/// The oldest age accepted in `Age Min` and `Age Max`; the schedule writes
/// no upper limit as `None`, not as a large number.
const MAX_AGE: i64 = 120;

static SCHEDULE: Layout = Layout {
    file: "drop-in.csv",
    columns: &[
        "Location ID",
        "Course_ID",
        "Course Title",
        "Section",
        "Age Min",
        "Age Max",
        "Date Range",
        "Start Hour",
        "Start Minute",
        "End Hour",
        "End Min",
        "First Date",
        "Last Date",
        "DayOftheWeek",
    ],
    ignored: &[("_id", Domain::Integer)],
};

/// Section prefixes and the category of their courses, checked in order:
/// the first prefix that a `Section` starts with decides.
const SECTION_CATEGORIES: &[(&str, &str)] = &[
    ("EYS - Sports", "fitness"),
    ("EYS - ", "youth_space"),
    ("Enhanced Youth Space", "youth_space"),
    ("Reserve a Spot - Aquatic", "swimming"),
    ("Reserve a Spot - Sports", "fitness"),
    ("Sports - ", "fitness"),
    ("FitnessTO - ", "fitness"),
    ("Skate - ", "skating"),
    ("Swim - ", "swimming"),
    ("Arts - Music", "music"),
    ("Arts - Dance", "dance"),
    ("Arts - ", "arts"),
    ("Hobbies and Interests - ", "hobbies"),
    ("Early Years", "early_years"),
];

/// The categories that the section mapping adds to the built-in taxonomy:
/// key, English name, Chinese name, parent.
const CATEGORIES: &[(&str, &str, &str, Option<&str>)] = &[
    ("skating", "Skating", "滑冰", Some("fitness")),
    (
        "swimming",
        "Swimming and aquatic fitness",
        "游泳与水中健身",
        Some("fitness"),
    ),
    ("hobbies", "Hobbies and interests", "兴趣爱好", None),
    ("early_years", "Early years play", "幼儿游戏", None),
    (
        "youth_space",
        "Youth space programmes",
        "青少年活动空间",
        None,
    ),
];

/// Sections that need a reserved spot; their courses do not take walk-ins.
const RESERVED_PREFIX: &str = "Reserve a Spot";

/// The key of the district venue that every location belongs to.
const CITY_KEY: &str = "city-of-toronto";

/// Imports the drop-in schedule in `source`, which must hold `drop-in.csv`.
///
/// # Errors
///
/// Returns [`ImportError`] when `drop-in.csv` is missing, lacks a column the
/// importer reads, is not text, or cannot be read.
///
/// # Example
///
/// ```
/// use xuetong::bundle::MemoryBundle;
/// use xuetong::import::toronto;
///
/// let mut source = MemoryBundle::new();
/// source.insert(
///     "drop-in.csv",
///     "_id,Location ID,Course_ID,Course Title,Section,Age Min,Age Max,Date Range,\
///      Start Hour,Start Minute,End Hour,End Min,First Date,Last Date,DayOftheWeek\n\
///      7,861,92252,Shinny,Skate - Drop-In,6,12,2025-12-28 to 2025-12-29,\
///      23,30,1,0,2025-12-28,2025-12-29,Sunday\n",
/// );
/// let imported = toronto::import(&source)?;
/// let session = &imported.bundle.sessions[0];
/// // 23:30 to 01:00 in Toronto, which is five hours behind UTC in December.
/// assert_eq!(session.times.starts_at.to_rfc3339(), "2025-12-29T04:30:00+00:00");
/// assert_eq!(session.times.minutes(), 90);
/// # Ok::<(), xuetong::import::ImportError>(())
/// ```
pub fn import(source: &dyn BundleSource) -> Result<Import, ImportError> {
    let mut report = ImportReport::default();
    let mut importer = Importer::new();
    let mut table = Table::open(
        Format::TorontoDropin,
        source,
        &SCHEDULE,
        SCHEDULE.file,
        &mut report.notices,
    )?;
    table.rows(&mut report.problems, &mut report.notices, |row| {
        importer.row(row);
    })?;
    report.files.push(table.finish());
    Ok(Import {
        bundle: importer.bundle,
        report,
    })
}

/// Returns the category of the courses of `section`, or `None` when no
/// prefix of [`SECTION_CATEGORIES`] matches.
fn section_category(section: &str) -> Option<&'static str> {
    SECTION_CATEGORIES
        .iter()
        .find(|(prefix, _)| section.starts_with(prefix))
        .map(|(_, category)| *category)
}

/// Returns who a course with these age limits is for: older residents from
/// [`OLDER_AGE`], children when the upper limit is under 18, everyone else
/// otherwise.
fn audience(min_age: u8, max_age: Option<u8>) -> Audience {
    if min_age >= OLDER_AGE {
        Audience::OlderResidents
    } else if max_age.is_some_and(|max| max < 18) {
        Audience::Children
    } else {
        Audience::AllAges
    }
}

/// The course attributes that every row of one `Course_ID` must repeat.
struct CourseRow {
    line: u64,
    location: String,
    title: String,
    section: String,
    min_age: u8,
    max_age: Option<u8>,
}

/// The cells of one row, read and checked one by one.
struct Cells<'r> {
    location: &'r str,
    course: &'r str,
    title: &'r str,
    section: &'r str,
    category: Category,
    min_age: u8,
    max_age: Option<u8>,
    start: NaiveTime,
    end: NaiveTime,
    first: NaiveDate,
    last: NaiveDate,
    range: &'r str,
    weekday: &'r str,
}

struct Importer {
    city: VenueId,
    locations: HashMap<String, VenueId>,
    courses: HashMap<String, CourseRow>,
    session_lines: HashMap<String, u64>,
    bundle: Bundle,
}

impl Importer {
    fn new() -> Self {
        let city = VenueId::derive(SYSTEM, CITY_KEY);
        let mut bundle = Bundle::default();
        bundle.venues.push(Venue {
            id: city,
            source: source_ref(CITY_KEY),
            name: "City of Toronto".to_owned(),
            tier: VenueTier::District,
            parent_id: None,
            time_zone: TIME_ZONE,
            location: None,
            seats: None,
            population: None,
            older_population: None,
        });
        for &(key, name_en, name_zh, parent) in CATEGORIES {
            if let Some(key) = Category::new(key) {
                bundle.categories.push(CategoryDef {
                    key,
                    name_en: name_en.to_owned(),
                    name_zh: name_zh.to_owned(),
                    parent: parent.and_then(Category::new),
                });
            }
        }
        Self {
            city,
            locations: HashMap::new(),
            courses: HashMap::new(),
            session_lines: HashMap::new(),
            bundle,
        }
    }

    /// Imports one row of `drop-in.csv`: one session, and the course and
    /// venue it belongs to when they are new.
    fn row(&mut self, row: &mut Row<'_>) {
        let Some(cells) = read_cells(row) else {
            return;
        };
        check_dates(row, &cells);
        self.check_course(row, &cells);
        let session_key = format!(
            "{}/{}T{}",
            cells.course,
            cells.first,
            cells.start.format("%H:%M")
        );
        if let Some(&first_line) = self.session_lines.get(&session_key) {
            let problem = row
                .cell_problem(import_codes::DUPLICATE_ROW, "Course_ID", &session_key)
                .with("key", "Course_ID, First Date and start time")
                .with("first_line", first_line);
            row.reject(problem);
        }
        if row.is_rejected() {
            return;
        }

        let venue_id = VenueId::derive(SYSTEM, cells.location);
        let course_id = CourseId::derive(SYSTEM, cells.course);
        let session = Session {
            id: SessionId::derive(SYSTEM, &session_key),
            source: source_ref(&session_key),
            owner: SessionOwner::Course(course_id),
            venue_id,
            instructor_ids: Vec::new(),
            date: cells.first,
            start_time: cells.start,
            end_time: cells.end,
            end_date: None,
            time_zone: None,
            ambiguous_time: AmbiguousTime::Earlier,
            status: SessionStatus::Scheduled,
            activity_kind: None,
        };
        row.check_record(&session);
        let times = match session_times(&session, Some(TIME_ZONE)) {
            Ok(times) => Some(times),
            Err(problems) => {
                for problem in problems {
                    let column = session_column(&problem);
                    row.reject_at(problem, column);
                }
                None
            }
        };
        let course = (!self.courses.contains_key(cells.course)).then(|| new_course(&cells));
        if let Some(course) = &course {
            row.check_record(course);
        }
        let Some(times) = times else {
            return;
        };
        if row.is_rejected() {
            return;
        }

        if !self.locations.contains_key(cells.location) {
            self.bundle.venues.push(Venue {
                id: venue_id,
                source: source_ref(cells.location),
                name: format!("Toronto drop-in location {}", cells.location),
                tier: VenueTier::Community,
                parent_id: Some(self.city),
                time_zone: TIME_ZONE,
                location: None,
                seats: None,
                population: None,
                older_population: None,
            });
            self.locations.insert(cells.location.to_owned(), venue_id);
        }
        if let Some(course) = course {
            self.bundle.courses.push(course);
            self.courses.insert(
                cells.course.to_owned(),
                CourseRow {
                    line: row.line(),
                    location: cells.location.to_owned(),
                    title: cells.title.to_owned(),
                    section: cells.section.to_owned(),
                    min_age: cells.min_age,
                    max_age: cells.max_age,
                },
            );
        }
        self.session_lines.insert(session_key, row.line());
        self.bundle.sessions.push(TimedSession { session, times });
    }

    /// Rejects the row when it gives its course other attributes than the
    /// course's first imported row did.
    fn check_course(&self, row: &mut Row<'_>, cells: &Cells<'_>) {
        let Some(first) = self.courses.get(cells.course) else {
            return;
        };
        let show_max = |max: Option<u8>| max.map_or("None".to_owned(), |max| max.to_string());
        let pairs: [(&'static str, String, String); 5] = [
            (
                "Location ID",
                cells.location.to_owned(),
                first.location.clone(),
            ),
            ("Course Title", cells.title.to_owned(), first.title.clone()),
            ("Section", cells.section.to_owned(), first.section.clone()),
            (
                "Age Min",
                cells.min_age.to_string(),
                first.min_age.to_string(),
            ),
            ("Age Max", show_max(cells.max_age), show_max(first.max_age)),
        ];
        for (column, value, other) in pairs {
            if value != other {
                let problem = row
                    .cell_problem(import_codes::CONFLICTING_VALUE, column, &value)
                    .with("other_value", other)
                    .with("first_line", first.line)
                    .with("key", format!("Course_ID {}", cells.course));
                row.reject(problem);
            }
        }
    }
}

/// Reads every cell the importer uses. Returns `None` when one is invalid,
/// and the row then has the problems.
fn read_cells<'r>(row: &mut Row<'r>) -> Option<Cells<'r>> {
    let location = row.required("Location ID");
    let course = row.required("Course_ID");
    let title = row.required("Course Title");
    let section = row.required("Section");
    let category = section.and_then(|section| {
        let category = section_category(section).and_then(Category::new);
        if category.is_none() {
            let prefixes: Vec<&str> = SECTION_CATEGORIES
                .iter()
                .map(|(prefix, _)| *prefix)
                .collect();
            let problem = row
                .cell_problem(import_codes::UNMAPPED_VALUE, "Section", section)
                .with("allowed", prefixes.join(", "));
            row.reject(problem);
        }
        category
    });

    let min_age: Option<u8> = row.integer("Age Min", 0, MAX_AGE);
    let max_age = row.required("Age Max").and_then(|text| {
        if text == "None" {
            Some(None)
        } else {
            row.parse_integer("Age Max", text, 0, MAX_AGE).map(Some)
        }
    });

    let start = time(row, "Start Hour", "Start Minute");
    let end = time(row, "End Hour", "End Min");
    let first = row.date("First Date");
    let last = row.date("Last Date");

    let range = row.required("Date Range");
    let weekday = row.required("DayOftheWeek");
    Some(Cells {
        location: location?,
        course: course?,
        title: title?,
        section: section?,
        category: category?,
        min_age: min_age?,
        max_age: max_age?,
        start: start?,
        end: end?,
        first: first?,
        last: last?,
        range: range?,
        weekday: weekday?,
    })
}

/// Reads the time of day in the columns `hour` (0 to 23) and `minute` (0
/// to 59), which `NaiveTime` accepts whenever they are in range.
fn time(row: &mut Row<'_>, hour: &'static str, minute: &'static str) -> Option<NaiveTime> {
    let hours: Option<u32> = row.integer(hour, 0, 23);
    let minutes: Option<u32> = row.integer(minute, 0, 59);
    NaiveTime::from_hms_opt(hours?, minutes?, 0)
}

/// Rejects the row when its date range, weekday, last date or age limits
/// contradict its first date, times and minimum age.
fn check_dates(row: &mut Row<'_>, cells: &Cells<'_>) {
    let expected_range = format!("{} to {}", cells.first, cells.last);
    if cells.range != expected_range {
        let problem = row
            .cell_problem(import_codes::DATE_RANGE_MISMATCH, "Date Range", cells.range)
            .with("first_date", cells.first.to_string())
            .with("last_date", cells.last.to_string());
        row.reject(problem);
    }

    let weekday = cells.first.format("%A").to_string();
    if cells.weekday != weekday {
        let problem = row
            .cell_problem(
                import_codes::WEEKDAY_MISMATCH,
                "DayOftheWeek",
                cells.weekday,
            )
            .with("date", cells.first.to_string())
            .with("weekday", weekday);
        row.reject(problem);
    }

    let crosses_midnight = cells.end < cells.start;
    let expected_last = if crosses_midnight {
        cells.first.checked_add_days(Days::new(1))
    } else {
        Some(cells.first)
    };
    if expected_last != Some(cells.last) {
        let expected = expected_last.map_or_else(String::new, |date| date.to_string());
        let problem = row
            .cell_problem(
                import_codes::END_DATE_MISMATCH,
                "Last Date",
                &cells.last.to_string(),
            )
            .with("expected", expected)
            .with("date", cells.first.to_string())
            .with("start_time", cells.start.format("%H:%M").to_string())
            .with("end_time", cells.end.format("%H:%M").to_string());
        row.reject(problem);
    }

    if let Some(max_age) = cells.max_age
        && cells.min_age > max_age
    {
        let problem = row
            .cell_problem(
                crate::model::codes::RANGE_INVERTED,
                "Age Min",
                &cells.min_age.to_string(),
            )
            .with("other_field", "Age Max")
            .with("other_value", max_age);
        row.reject(problem);
    }
}

/// Returns the source column of a problem that [`session_times`] reports
/// on a session field.
fn session_column(problem: &Problem) -> &'static str {
    match problem.path.segments().last() {
        Some(PathSegment::Key(field)) if field == "start_time" => "Start Hour",
        Some(PathSegment::Key(field)) if field == "end_time" => "End Hour",
        _ => "First Date",
    }
}

fn new_course(cells: &Cells<'_>) -> Course {
    Course {
        id: CourseId::derive(SYSTEM, cells.course),
        source: source_ref(cells.course),
        code: None,
        title: cells.title.to_owned(),
        category: cells.category.clone(),
        provider_venue_id: VenueId::derive(SYSTEM, cells.location),
        network_level: None,
        capacity: None,
        enrolment_opens_at: None,
        enrolment_closes_at: None,
        walk_in: !cells.section.starts_with(RESERVED_PREFIX),
        min_age: Some(cells.min_age),
        max_age: cells.max_age,
        audience: audience(cells.min_age, cells.max_age),
        residents_only: false,
        credit_value: None,
        completion_threshold: DEFAULT_COMPLETION_THRESHOLD,
        assessment_required: false,
    }
}

fn source_ref(key: &str) -> Option<SourceRef> {
    Some(SourceRef {
        system: SYSTEM.into(),
        key: key.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mapped_category_is_known() {
        let definitions: Vec<CategoryDef> = Importer::new().bundle.categories;
        let taxonomy = crate::model::Taxonomy::extended(&definitions).unwrap();
        for (prefix, key) in SECTION_CATEGORIES {
            let category = Category::new(key).unwrap();
            assert!(taxonomy.contains(&category), "{prefix} maps to {key}");
        }
    }

    #[test]
    fn sections_map_by_first_matching_prefix() {
        assert_eq!(section_category("EYS - Sports Drop-In"), Some("fitness"));
        assert_eq!(
            section_category("EYS - Arts, Hobbies and Interest Drop-In"),
            Some("youth_space")
        );
        assert_eq!(section_category("Arts - Music"), Some("music"));
        assert_eq!(section_category("Arts - Drop-In"), Some("arts"));
        assert_eq!(section_category("Curling - Drop-In"), None);
    }

    #[test]
    fn audience_from_age_limits() {
        assert_eq!(audience(60, None), Audience::OlderResidents);
        assert_eq!(audience(55, None), Audience::AllAges);
        assert_eq!(audience(6, Some(12)), Audience::Children);
        assert_eq!(audience(13, Some(18)), Audience::AllAges);
    }
}
