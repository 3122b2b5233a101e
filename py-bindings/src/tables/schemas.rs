//! The schema of every table.
//!
//! Record tables list the record's fields in the order of its CSV columns
//! (`tests` check them against `Record::FIELDS`). A column is non-nullable
//! when every written record has a value in it: the id (given or derived
//! from the source), required fields and fields with a default.

use super::ColumnKind::{
    BirthDate, Boolean, Choice, Credits, Date, Float64, Instant, Int64, Json, Percent, Text,
    TextList, Time, TimeZone, UInt8, UInt32, Uuid, UuidList,
};
use super::{Column, TableSchema};

const fn required(name: &'static str, kind: super::ColumnKind) -> Column {
    Column::required(name, kind)
}

const fn optional(name: &'static str, kind: super::ColumnKind) -> Column {
    Column::optional(name, kind)
}

/// Category definitions extending the built-in taxonomy.
pub const CATEGORIES: TableSchema = TableSchema {
    name: "categories",
    row: "a category definition",
    columns: &[
        required("key", Text),
        required("name_en", Text),
        required("name_zh", Text),
        optional("parent", Text),
    ],
};

/// Venues of the learning network.
pub const VENUES: TableSchema = TableSchema {
    name: "venues",
    row: "a venue",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("name", Text),
        required("tier", Choice),
        optional("parent_id", Uuid),
        required("time_zone", TimeZone),
        optional("latitude", Float64),
        optional("longitude", Float64),
        optional("seats", UInt32),
        optional("population", UInt32),
        optional("older_population", UInt32),
    ],
};

/// Learners.
pub const LEARNERS: TableSchema = TableSchema {
    name: "learners",
    row: "a learner",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("display_name", Text),
        optional("birth_date", BirthDate),
        optional("home_venue_id", Uuid),
        optional("registered_on", Date),
    ],
};

/// Instructors.
pub const INSTRUCTORS: TableSchema = TableSchema {
    name: "instructors",
    row: "an instructor",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("display_name", Text),
        optional("home_venue_id", Uuid),
    ],
};

/// Learning clubs.
pub const CLUBS: TableSchema = TableSchema {
    name: "clubs",
    row: "a club",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("name", Text),
        required("status", Choice),
        optional("status_since", Date),
        optional("community_venue_id", Uuid),
        optional("guiding_venue_id", Uuid),
        optional("founded_on", Date),
        required("has_rules", Boolean),
    ],
};

/// Club membership periods.
pub const CLUB_MEMBERS: TableSchema = TableSchema {
    name: "club_members",
    row: "a club membership period",
    columns: &[
        required("club_id", Uuid),
        required("learner_id", Uuid),
        required("role", Choice),
        optional("duty", Choice),
        required("joined_on", Date),
        optional("left_on", Date),
    ],
};

/// Courses.
pub const COURSES: TableSchema = TableSchema {
    name: "courses",
    row: "a course",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        optional("code", Text),
        required("title", Text),
        required("category", Text),
        required("provider_venue_id", Uuid),
        optional("network_level", Choice),
        optional("capacity", UInt32),
        optional("enrolment_opens_at", Instant),
        optional("enrolment_closes_at", Instant),
        required("walk_in", Boolean),
        optional("min_age", UInt8),
        optional("max_age", UInt8),
        required("audience", Choice),
        required("residents_only", Boolean),
        optional("credit_value", Credits),
        required("completion_threshold", Percent),
        required("assessment_required", Boolean),
    ],
};

/// Sessions, with their instants when their time zone is known.
pub const SESSIONS: TableSchema = TableSchema {
    name: "sessions",
    row: "a session",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        optional("course_id", Uuid),
        optional("club_id", Uuid),
        required("venue_id", Uuid),
        required("instructor_ids", UuidList),
        required("date", Date),
        required("start_time", Time),
        required("end_time", Time),
        optional("end_date", Date),
        optional("time_zone", TimeZone),
        required("ambiguous_time", Choice),
        required("status", Choice),
        optional("activity_kind", Choice),
        Column::derived("starts_at", Instant),
        Column::derived("ends_at", Instant),
        Column::derived("minutes", Int64),
    ],
};

/// Enrolments.
pub const ENROLMENTS: TableSchema = TableSchema {
    name: "enrolments",
    row: "an enrolment",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("learner_id", Uuid),
        required("course_id", Uuid),
        required("requested_at", Instant),
        required("status", Choice),
        optional("confirmed_at", Instant),
        optional("withdrawn_at", Instant),
        optional("group_key", Text),
        optional("group_mode", Choice),
    ],
};

/// Excusals.
pub const EXCUSALS: TableSchema = TableSchema {
    name: "excusals",
    row: "an excusal",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("learner_id", Uuid),
        required("session_id", Uuid),
        optional("reason", Text),
        optional("granted_at", Instant),
    ],
};

/// Learning outcomes.
pub const OUTCOMES: TableSchema = TableSchema {
    name: "outcomes",
    row: "a learning outcome",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("learner_id", Uuid),
        required("kind", Choice),
        required("occurred_on", Date),
        optional("recorded_on", Date),
        required("role", Choice),
        optional("minutes", UInt32),
        optional("course_id", Uuid),
        optional("club_id", Uuid),
        optional("session_id", Uuid),
        optional("category", Text),
        optional("title", Text),
        optional("certificate_code", Text),
        optional("certificate_level", UInt8),
        optional("award_scope", Choice),
        optional("award_rank", Choice),
        required("team", Boolean),
        optional("resource_id", Text),
        optional("evidence", Text),
        required("banked", Boolean),
        optional("score", UInt8),
        optional("passed", Boolean),
    ],
};

/// Check-in and check-out scans.
pub const SCANS: TableSchema = TableSchema {
    name: "scans",
    row: "a scan",
    columns: &[
        required("id", Uuid),
        optional("source_system", Text),
        optional("source_key", Text),
        required("session_id", Uuid),
        required("learner_id", Uuid),
        required("scanned_at", Instant),
        required("direction", Choice),
        required("method", Choice),
        optional("token", Text),
        optional("latitude", Float64),
        optional("longitude", Float64),
        optional("nonce", Text),
    ],
};

/// Problems found in a bundle or a table, one per row.
///
/// `source` is the first key of the path (the file or table), `index` its
/// first number (a one-based line in a file, a zero-based row in a table),
/// and `field` the last key after it.
pub const PROBLEMS: TableSchema = TableSchema {
    name: "problems",
    row: "a problem",
    columns: &[
        required("code", Text),
        required("path", Json),
        optional("source", Text),
        optional("index", Int64),
        optional("field", Text),
        required("message", Text),
        required("params", Json),
    ],
};

/// Attendance records: one per learner and session, as the attendance
/// engine writes them.
pub const ATTENDANCE_RECORDS: TableSchema = TableSchema {
    name: "attendance_records",
    row: "a learner's attendance at one session",
    columns: &[
        required("session_id", Uuid),
        required("learner_id", Uuid),
        optional("course_id", Uuid),
        optional("club_id", Uuid),
        required("status", Choice),
        optional("punctuality", Choice),
        required("credited_minutes", UInt32),
        required("scheduled_minutes", UInt32),
        optional("first_check_in", Instant),
        optional("last_check_out", Instant),
        optional("check_in_scan_id", Uuid),
        optional("check_out_scan_id", Uuid),
        required("walk_in", Boolean),
        required("excused", Boolean),
        required("provisional", Boolean),
        required("duplicate_scans", UInt32),
    ],
};

/// Scans the attendance engine rejected, each with its reason.
pub const REJECTED_SCANS: TableSchema = TableSchema {
    name: "rejected_scans",
    row: "a rejected scan",
    columns: &[
        required("scan_id", Uuid),
        required("session_id", Uuid),
        required("learner_id", Uuid),
        required("scanned_at", Instant),
        required("direction", Choice),
        required("code", Text),
        required("message", Text),
        required("params", Json),
    ],
};

/// Scans that changed nothing, with the scan whose result is kept.
pub const DUPLICATE_SCANS: TableSchema = TableSchema {
    name: "duplicate_scans",
    row: "a scan that changed nothing",
    columns: &[
        required("scan_id", Uuid),
        required("session_id", Uuid),
        required("learner_id", Uuid),
        required("scanned_at", Instant),
        required("kind", Choice),
        required("kept_scan_id", Uuid),
    ],
};

/// Course results: one per learner and course the learner holds or held a
/// place in. The attendance rate is `attended_sessions / counted_sessions`
/// (none when no session counts), kept as two whole numbers so that it
/// stays exact.
pub const COURSE_RESULTS: TableSchema = TableSchema {
    name: "course_results",
    row: "a learner's result in one course",
    columns: &[
        required("learner_id", Uuid),
        required("course_id", Uuid),
        required("counted_sessions", UInt32),
        required("attended_sessions", UInt32),
        required("excused_sessions", UInt32),
        required("remaining_sessions", UInt32),
        required("held_sessions", UInt32),
        required("scheduled_sessions", UInt32),
        required("attended_held_sessions", UInt32),
        required("credited_minutes", Int64),
        required("course_ended", Boolean),
        required("completion_threshold", Percent),
        required("assessment", Choice),
        required("completed", Boolean),
        required("unmet", TextList),
        required("warnings", TextList),
    ],
};

/// Credit ledger entries, as a fresh ledger records them.
///
/// The entries' chain digest is left out: it links each entry to the one
/// before it in one ledger, so it belongs to the ledger, not to a table of
/// entries that may be computed in parts.
pub const LEDGER_ENTRIES: TableSchema = TableSchema {
    name: "ledger_entries",
    row: "a ledger entry",
    columns: &[
        required("id", Uuid),
        required("kind", Choice),
        required("learner_id", Uuid),
        required("rule_set_id", Text),
        required("rule_set_version", UInt32),
        optional("rule_id", Text),
        optional("outcome_kind", Choice),
        optional("category", Text),
        optional("source", Text),
        required("outcome_ids", UuidList),
        required("occurred_on", Date),
        required("recorded_on", Date),
        required("amount", Credits),
        optional("basis", Json),
        optional("expires_on", Date),
        optional("cap", Json),
        optional("reverses", Uuid),
        optional("reason", Text),
    ],
};

/// Outcomes, or groups of them, that earned no credit, with the reason.
pub const SKIPPED_OUTCOMES: TableSchema = TableSchema {
    name: "skipped_outcomes",
    row: "outcomes that earned no credit",
    columns: &[
        required("learner_id", Uuid),
        required("outcome_ids", UuidList),
        optional("rule_id", Text),
        required("reason", Choice),
        optional("amount", Credits),
        optional("credited_instead", Text),
    ],
};

/// The figures of one scope (the platform, a district, a street and so on)
/// over a season's period, as `statistics.csv` of a season run writes them
/// (`docs/outputs.md` defines each column). Counts are whole numbers;
/// `credited_hours` and `credits` are exact decimals; the rates and the
/// learning-circle share are the display texts of the file, rounded down
/// (such as `0.06%`), whose exact numerator and denominator are count
/// columns of the same row.
pub const STATISTICS: TableSchema = TableSchema {
    name: "statistics",
    row: "the figures of one scope",
    columns: &[
        required("scope", Choice),
        optional("scope_id", Text),
        required("scope_name", Text),
        required("first_day", Date),
        required("last_day", Date),
        optional("registered_learners", Int64),
        optional("registered_aged_60_or_more", Int64),
        optional("registered_under_60", Int64),
        optional("registered_age_undetermined", Int64),
        optional("registered_birth_date_missing", Int64),
        optional("active_learners", Int64),
        optional("active_aged_60_or_more", Int64),
        optional("active_under_60", Int64),
        optional("active_age_undetermined", Int64),
        optional("active_birth_date_missing", Int64),
        optional("enrolments", Int64),
        optional("activities_held", Int64),
        optional("activities_cancelled", Int64),
        optional("activities_not_ended", Int64),
        optional("check_ins", Int64),
        optional("instructors_who_taught", Int64),
        optional("learning_outcomes", Int64),
        optional("outcomes_by_kind", TextList),
        optional("credited_minutes", Int64),
        optional("credited_hours", Credits),
        optional("credits", Credits),
        optional("credit_entries", Int64),
        optional("credit_entries_partly_in_scope", Int64),
        optional("clubs", Int64),
        optional("clubs_with_activities", Int64),
        optional("population", Int64),
        optional("older_population", Int64),
        optional("seats", Int64),
        optional("participation_rate", Text),
        optional("older_participation_rate", Text),
        optional("seats_per_older_resident", Text),
        optional("communities", Int64),
        optional("communities_covered", Int64),
        optional("communities_not_covered", Int64),
        optional("communities_undetermined", Int64),
        optional("learning_circle_share", Text),
    ],
};

/// One club and calendar year evaluated with the default scorecard, as
/// `club_evaluations.csv` of a season run writes it. A club that could not
/// be evaluated has only its id, name, year and `problems`.
pub const CLUB_EVALUATIONS: TableSchema = TableSchema {
    name: "club_evaluations",
    row: "a club's evaluation for one year",
    columns: &[
        required("club_id", Uuid),
        required("club_name", Text),
        required("year", Int64),
        optional("first_day", Date),
        optional("last_day", Date),
        optional("months", Int64),
        optional("score", Percent),
        optional("rating", Choice),
        optional("activities", Int64),
        optional("outreach_and_volunteer_events", Int64),
        optional("check_ins", Int64),
        optional("fixed_member_places", Int64),
        optional("fixed_members_at_start", Int64),
        optional("fixed_members_retained", Int64),
        optional("recorded_activities", Int64),
        optional("has_rules", Boolean),
        optional("activities_without_check_ins", Int64),
        optional("problems", Text),
    ],
};

/// The district learning index: one row per district, ranked districts
/// first, as `learning_index.csv` of a season run writes it. `score` is the
/// exact decimal text of the file (such as `62.500`); sort by `rank`.
pub const LEARNING_INDEX: TableSchema = TableSchema {
    name: "learning_index",
    row: "a district's learning index",
    columns: &[
        required("unit", Text),
        optional("rank", Int64),
        optional("score", Text),
        required("available", Int64),
        optional("imputed", TextList),
        optional("missing", TextList),
    ],
};

/// Every table schema, record tables in the order a bundle is read.
pub static SCHEMAS: &[&TableSchema] = &[
    &CATEGORIES,
    &VENUES,
    &LEARNERS,
    &INSTRUCTORS,
    &CLUBS,
    &CLUB_MEMBERS,
    &COURSES,
    &SESSIONS,
    &ENROLMENTS,
    &EXCUSALS,
    &OUTCOMES,
    &SCANS,
    &PROBLEMS,
    &ATTENDANCE_RECORDS,
    &REJECTED_SCANS,
    &DUPLICATE_SCANS,
    &COURSE_RESULTS,
    &LEDGER_ENTRIES,
    &SKIPPED_OUTCOMES,
    &STATISTICS,
    &CLUB_EVALUATIONS,
    &LEARNING_INDEX,
];

/// Returns the schema of the table named `name`.
pub fn schema(name: &str) -> Option<&'static TableSchema> {
    SCHEMAS.iter().copied().find(|schema| schema.name == name)
}

#[cfg(test)]
mod tests {
    use xuetong::model::{
        CategoryDef, Club, ClubMember, Course, Enrolment, Excusal, Instructor, Learner, Outcome,
        Scan, Session, Venue,
    };
    use xuetong::record::Record;

    use super::*;

    fn input_columns(schema: &TableSchema) -> Vec<&'static str> {
        schema
            .columns
            .iter()
            .filter(|column| !column.derived)
            .map(|column| column.name)
            .collect()
    }

    fn field_names<T: Record>() -> Vec<&'static str> {
        T::FIELDS.iter().map(|spec| spec.name).collect()
    }

    #[test]
    fn record_tables_follow_csv_columns() {
        assert_eq!(input_columns(&CATEGORIES), field_names::<CategoryDef>());
        assert_eq!(input_columns(&VENUES), field_names::<Venue>());
        assert_eq!(input_columns(&LEARNERS), field_names::<Learner>());
        assert_eq!(input_columns(&INSTRUCTORS), field_names::<Instructor>());
        assert_eq!(input_columns(&CLUBS), field_names::<Club>());
        assert_eq!(input_columns(&CLUB_MEMBERS), field_names::<ClubMember>());
        assert_eq!(input_columns(&COURSES), field_names::<Course>());
        assert_eq!(input_columns(&SESSIONS), field_names::<Session>());
        assert_eq!(input_columns(&ENROLMENTS), field_names::<Enrolment>());
        assert_eq!(input_columns(&EXCUSALS), field_names::<Excusal>());
        assert_eq!(input_columns(&OUTCOMES), field_names::<Outcome>());
        assert_eq!(input_columns(&SCANS), field_names::<Scan>());
    }

    #[test]
    fn record_tables_match_bundle_files() {
        for (file, _) in xuetong::bundle::CSV_FILES {
            let name = file.trim_end_matches(".csv");
            assert!(schema(name).is_some(), "no schema for {file}");
        }
    }

    #[test]
    fn arrow_schema_names_its_table() {
        let arrow = SCANS.arrow();
        assert_eq!(arrow.metadata()["xuetong.table"], "scans");
        assert_eq!(arrow.fields().len(), SCANS.columns.len());
        let scanned_at = arrow.field_with_name("scanned_at").unwrap();
        assert!(!scanned_at.is_nullable());
    }
}
