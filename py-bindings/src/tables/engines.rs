//! The engines on tables: attendance from a scans table, credits from an
//! outcomes table, each returning its results as record batches.
//!
//! The rules are the core's ([`xuetong::attendance::evaluate_attendance`]
//! and [`xuetong::credit::compute_credits`]); this module only reads the
//! input tables into records and writes the results as tables with the
//! schemas of [`super::schemas`].

use std::collections::HashMap;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use serde_json::Value;
use xuetong::attendance::{
    AssessmentResult, AttendanceInput, AttendancePolicy, AttendanceReport, EvaluationSettings,
    TokenKey, evaluate_attendance,
};
use xuetong::bundle::Bundle;
use xuetong::credit::{CreditContext, Ledger, RuleSet, compute_credits};
use xuetong::id::{LearnerId, VenueId};
use xuetong::model::{
    CategoryDef, Course, Enrolment, Excusal, Learner, Outcome, Scan, Taxonomy, Venue,
};
use xuetong::problem::{Locale, Path, Problems};
use xuetong::record::Record;
use xuetong::schedule::{TimedSession, session_times};

use super::TableSchema;
use super::read::{TableReport, read_records, read_sessions};
use super::results::{write_course_results, write_duplicates, write_records, write_rejected};
use super::schemas::{
    CATEGORIES, COURSES, ENROLMENTS, EXCUSALS, LEARNERS, LEDGER_ENTRIES, OUTCOMES,
    SKIPPED_OUTCOMES, VENUES,
};
use super::write::{TableError, write_rows};

/// An input table: its schema and record batches.
pub type TableData = (SchemaRef, Vec<RecordBatch>);

/// A failure to run an engine on its input tables.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The reference tables (sessions, courses and so on) have rejected
    /// rows, or are inconsistent with each other, or an option is invalid.
    #[error("the input has {} problems", .0.len())]
    Problems(Problems),
    /// A result could not be written as a table.
    #[error(transparent)]
    Table(#[from] TableError),
}

impl From<Problems> for EngineError {
    fn from(problems: Problems) -> Self {
        Self::Problems(problems)
    }
}

/// Reads the records of an optional table, collecting row problems.
fn read_table<T: Record>(
    schema: &'static TableSchema,
    data: Option<&TableData>,
    problems: &mut Problems,
) -> Option<Vec<T>> {
    let (input, batches) = data?;
    let read = read_records::<T>(schema, input, batches);
    problems.extend(read.report.problems);
    Some(read.records)
}

/// Reads every record of a table and returns them with the report of
/// rejected rows.
pub fn read_all<T: Record>(
    schema: &'static TableSchema,
    data: &TableData,
) -> (Vec<T>, TableReport) {
    let read = read_records::<T>(schema, &data.0, &data.1);
    (read.records, read.report)
}

/// The reference tables of an attendance evaluation, each optional.
#[derive(Debug, Default)]
pub struct AttendanceSources {
    /// Sessions; a session without its own time zone takes its venue's.
    pub sessions: Option<TableData>,
    /// Courses of the course sessions.
    pub courses: Option<TableData>,
    /// Venues, for their time zones and locations.
    pub venues: Option<TableData>,
    /// Registered learners; without it any learner id is accepted.
    pub learners: Option<TableData>,
    /// Enrolments.
    pub enrolments: Option<TableData>,
    /// Excusals.
    pub excusals: Option<TableData>,
    /// Outcomes, whose assessments decide completion where a course
    /// requires one.
    pub outcomes: Option<TableData>,
}

/// Everything an attendance evaluation reads besides the scans.
#[derive(Clone, Debug, Default)]
pub struct AttendanceContext {
    sessions: Vec<TimedSession>,
    courses: Vec<Course>,
    venues: Vec<Venue>,
    learners: Option<Vec<LearnerId>>,
    enrolments: Vec<Enrolment>,
    excusals: Vec<Excusal>,
    assessments: Vec<AssessmentResult>,
}

impl AttendanceContext {
    /// Reads the context from tables.
    ///
    /// # Errors
    ///
    /// Returns the problems of every rejected row, at paths `[table, row,
    /// field]`, and `time_zone_unknown` for a session whose time zone is
    /// neither its own nor its venue's.
    pub fn from_tables(sources: &AttendanceSources) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let courses = read_table(&COURSES, sources.courses.as_ref(), &mut problems);
        let venues: Vec<Venue> =
            read_table(&VENUES, sources.venues.as_ref(), &mut problems).unwrap_or_default();
        let learners = read_table::<Learner>(&LEARNERS, sources.learners.as_ref(), &mut problems)
            .map(|learners| learners.iter().map(|learner| learner.id).collect());
        let enrolments = read_table(&ENROLMENTS, sources.enrolments.as_ref(), &mut problems);
        let excusals = read_table(&EXCUSALS, sources.excusals.as_ref(), &mut problems);
        let outcomes: Vec<Outcome> =
            read_table(&OUTCOMES, sources.outcomes.as_ref(), &mut problems).unwrap_or_default();
        let mut sessions = Vec::new();
        if let Some((input, batches)) = &sources.sessions {
            let read = read_sessions(input, batches);
            let zones: HashMap<VenueId, Tz> = venues
                .iter()
                .map(|venue| (venue.id, venue.time_zone))
                .collect();
            let mut rejected = read.report.rejected_rows.iter().copied().peekable();
            let mut row = 0_u64;
            for (session, times) in read.records {
                // The accepted records are the rows that were not rejected,
                // in order: skip the rejected positions to find this row.
                while rejected.next_if(|&position| position == row).is_some() {
                    row += 1;
                }
                let times = match times {
                    Some(times) => Ok(times),
                    None => session_times(&session, zones.get(&session.venue_id).copied()),
                };
                match times {
                    Ok(times) => sessions.push(TimedSession { session, times }),
                    Err(found) => {
                        for mut problem in found {
                            let mut segments = Path::root().join("sessions").join(row).0;
                            segments.extend(problem.path.0);
                            problem.path = Path(segments);
                            problems.push(problem.with("table", "sessions").with("row", row));
                        }
                    }
                }
                row += 1;
            }
            problems.extend(read.report.problems);
        }
        problems.into_result(())?;
        Ok(Self {
            sessions,
            courses: courses.unwrap_or_default(),
            venues,
            learners,
            enrolments: enrolments.unwrap_or_default(),
            excusals: excusals.unwrap_or_default(),
            assessments: AssessmentResult::from_outcomes(&outcomes),
        })
    }

    /// Returns the engine's input: this context with `scans`.
    pub fn input<'a>(&'a self, scans: &'a [Scan]) -> AttendanceInput<'a> {
        AttendanceInput {
            sessions: &self.sessions,
            courses: &self.courses,
            venues: &self.venues,
            learners: self.learners.as_deref(),
            enrolments: &self.enrolments,
            excusals: &self.excusals,
            assessments: &self.assessments,
            scans,
        }
    }

    /// Builds the context from a bundle's records. The learners are limited
    /// to the bundle's when it restricts learners, as one read with a
    /// `learners.csv` does even when every row of it was rejected.
    pub fn from_bundle(bundle: &Bundle) -> Self {
        Self {
            sessions: bundle.sessions.clone(),
            courses: bundle.courses.clone(),
            venues: bundle.venues.clone(),
            learners: bundle
                .restricts_learners()
                .then(|| bundle.learners.iter().map(|learner| learner.id).collect()),
            enrolments: bundle.enrolments.clone(),
            excusals: bundle.excusals.clone(),
            assessments: AssessmentResult::from_outcomes(&bundle.outcomes),
        }
    }
}

/// The settings of an attendance evaluation, owned.
#[derive(Clone, Debug)]
pub struct AttendanceOptions {
    /// The policy.
    pub policy: AttendancePolicy,
    /// The evaluation time.
    pub as_of: DateTime<Utc>,
    /// The platform key that check-in tokens are verified with; without it
    /// tokens are not checked.
    pub token_key: Option<TokenKey>,
    /// The language of the rejected scans' messages.
    pub locale: Locale,
}

/// The results of an attendance evaluation as tables.
#[derive(Debug)]
pub struct AttendanceTables {
    /// One row per learner and session ([`ATTENDANCE_RECORDS`]).
    pub records: RecordBatch,
    /// Rejected scans with their reasons ([`REJECTED_SCANS`]).
    pub rejected: RecordBatch,
    /// Scans that changed nothing ([`DUPLICATE_SCANS`]).
    pub duplicates: RecordBatch,
    /// One row per learner and course ([`COURSE_RESULTS`]).
    pub course_results: RecordBatch,
    /// The counts of the evaluation, as JSON.
    pub summary: Value,
}

/// Evaluates `scans` in `context` under `options` and writes the results as
/// tables.
///
/// # Errors
///
/// Returns [`EngineError::Problems`] when the context is inconsistent in
/// itself (see [`evaluate_attendance`]).
pub fn attendance_tables(
    context: &AttendanceContext,
    scans: &[Scan],
    options: &AttendanceOptions,
) -> Result<AttendanceTables, EngineError> {
    let input = context.input(scans);
    let settings = EvaluationSettings {
        policy: &options.policy,
        as_of: options.as_of,
        token_key: options.token_key.as_ref(),
    };
    let report = evaluate_attendance(&input, &settings)?;
    let tables = write_attendance(&report, options.locale);
    // The caller need not wait while the results are freed.
    rayon::spawn(move || drop(report));
    tables
}

/// Writes the results of an attendance evaluation as tables, with the
/// messages of the rejected scans in `locale`.
///
/// # Errors
///
/// Returns [`EngineError::Table`] when a result does not fit its table.
pub fn write_attendance(
    report: &AttendanceReport,
    locale: Locale,
) -> Result<AttendanceTables, EngineError> {
    // The four tables are written in parallel on the rayon thread pool.
    let ((records, rejected), (duplicates, course_results)) = rayon::join(
        || {
            rayon::join(
                || write_records(&report.records),
                || write_rejected(&report.rejected, locale),
            )
        },
        || {
            rayon::join(
                || write_duplicates(&report.duplicates),
                || write_course_results(&report.course_results),
            )
        },
    );
    let (records, rejected) = (records?, rejected?);
    let (duplicates, course_results) = (duplicates?, course_results?);
    let mut summary = row(&report.summary);
    if let Value::Object(object) = &mut summary {
        object.insert("tokens_verified".into(), report.tokens_verified.into());
    }
    Ok(AttendanceTables {
        records,
        rejected,
        duplicates,
        course_results,
        summary,
    })
}

/// Returns the JSON form of a result row. The core's results always have
/// one; a `Null` would fail in `write_rows` as missing values, not pass.
pub(super) fn row<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The reference tables of a credit computation, each optional.
#[derive(Debug, Default)]
pub struct CreditSources {
    /// Courses that outcomes refer to (category, credit value).
    pub courses: Option<TableData>,
    /// Venues, whose tiers rules may match.
    pub venues: Option<TableData>,
    /// Category definitions extending the built-in taxonomy.
    pub categories: Option<TableData>,
    /// Learners; when given, the outcomes of others are skipped.
    pub learners: Option<TableData>,
}

/// Reads a credit context from tables.
///
/// # Errors
///
/// Returns the problems of every rejected row, and those of category
/// definitions that do not extend the taxonomy.
pub fn credit_context(sources: &CreditSources) -> Result<CreditContext, Problems> {
    let mut problems = Problems::new();
    let courses = read_table(&COURSES, sources.courses.as_ref(), &mut problems);
    let venues = read_table(&VENUES, sources.venues.as_ref(), &mut problems);
    let categories: Vec<CategoryDef> =
        read_table(&CATEGORIES, sources.categories.as_ref(), &mut problems).unwrap_or_default();
    let learners = read_table::<Learner>(&LEARNERS, sources.learners.as_ref(), &mut problems);
    let taxonomy = match Taxonomy::extended(&categories) {
        Ok(taxonomy) => taxonomy,
        Err(found) => {
            problems.extend(found);
            Taxonomy::default()
        }
    };
    problems.into_result(())?;
    let context = CreditContext::new(
        courses.unwrap_or_default(),
        venues.unwrap_or_default(),
        taxonomy,
    );
    Ok(match learners {
        Some(learners) => context.with_learners(learners.iter().map(|learner| learner.id)),
        None => context,
    })
}

/// The results of a credit computation as tables.
#[derive(Debug)]
pub struct CreditTables {
    /// The entries a fresh ledger records ([`LEDGER_ENTRIES`]).
    pub entries: RecordBatch,
    /// Outcomes that earned no credit ([`SKIPPED_OUTCOMES`]).
    pub skipped: RecordBatch,
    /// The rule set's id, version and fingerprint, as JSON.
    pub rule_set: Value,
}

/// Computes the credits of `outcomes` under `rule_set` in `context`, records
/// them in a fresh ledger on `recorded_on`, and writes the entries and the
/// skipped outcomes as tables.
///
/// # Errors
///
/// Returns [`EngineError::Problems`] when the rule set uses categories the
/// taxonomy lacks, is a draft, or an amount overflows (see
/// [`compute_credits`] and [`Ledger::record`]).
pub fn credit_tables(
    rule_set: &RuleSet,
    context: CreditContext,
    outcomes: &[Outcome],
    recorded_on: NaiveDate,
) -> Result<CreditTables, EngineError> {
    rule_set
        .check_categories(context.taxonomy(), &Path::root().join("rule_set"))
        .into_result(())?;
    let context = context.with_recorded_on(recorded_on);
    let computation = compute_credits(rule_set, &context, outcomes)?;
    let mut ledger = Ledger::new();
    let entries = ledger.record(&computation, recorded_on)?;
    let entries = write_rows(&LEDGER_ENTRIES, entries.iter().map(row))?;
    let skipped = write_rows(&SKIPPED_OUTCOMES, computation.skipped.iter().map(row))?;
    Ok(CreditTables {
        entries,
        skipped,
        rule_set: row(&computation.rule_set),
    })
}

/// Reads the scans of a scans table, with the report of the rejected rows.
/// Rows of plain cells take the fast path of
/// [`read_scans`](super::read_scans); the others are read cell by cell,
/// which reports every problem.
pub fn read_scans(data: &TableData) -> (Vec<Scan>, TableReport) {
    let read = super::read_scans(&data.0, &data.1);
    (read.records, read.report)
}

/// Reads the outcomes of an outcomes table, with the report of the rejected
/// rows.
pub fn read_outcomes(data: &TableData) -> (Vec<Outcome>, TableReport) {
    read_all(&OUTCOMES, data)
}

/// Counts of values in a column of JSON rows, for tests.
#[cfg(test)]
fn count_by(batch: &RecordBatch, column: &str) -> std::collections::BTreeMap<String, usize> {
    use arrow_array::cast::AsArray;
    use std::collections::BTreeMap;
    let mut counts = BTreeMap::new();
    if let Some(array) = batch.column_by_name(column) {
        for value in array.as_string::<i32>().iter().flatten() {
            *counts.entry(value.to_owned()).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::tables::schemas::{
        ATTENDANCE_RECORDS, COURSE_RESULTS, DUPLICATE_SCANS, REJECTED_SCANS, SCANS,
    };
    use serde_json::json;
    use xuetong::problem::Path;

    fn session() -> Value {
        json!({
            "id": "50000000-0000-4000-8000-000000000001",
            "course_id": "30000000-0000-4000-8000-000000000001",
            "venue_id": "10000000-0000-4000-8000-000000000001",
            "date": "2026-03-02",
            "start_time": "09:00",
            "end_time": "10:30",
            "time_zone": "Asia/Shanghai",
        })
    }

    fn scan(key: &str, learner: u8, at: &str) -> Scan {
        Scan::from_json(
            &json!({
                "source_system": "gate",
                "source_key": key,
                "session_id": "50000000-0000-4000-8000-000000000001",
                "learner_id": format!("20000000-0000-4000-8000-{learner:012}"),
                "scanned_at": at,
            }),
            &Path::root(),
        )
        .unwrap()
    }

    /// Returns the session of [`session`] with its instants.
    fn timed_session() -> TimedSession {
        let session = xuetong::model::Session::from_json(&session(), &Path::root()).unwrap();
        let times = session_times(&session, None).unwrap();
        TimedSession { session, times }
    }

    /// Returns a walk-in tai chi course, with `threshold` as its completion
    /// threshold when given.
    fn tai_chi_course(threshold: Option<&str>) -> Course {
        let mut fields = json!({
            "id": "30000000-0000-4000-8000-000000000001",
            "title": "Tai chi",
            "category": "tai_chi",
            "provider_venue_id": "10000000-0000-4000-8000-000000000001",
            "walk_in": true,
        });
        if let Some(threshold) = threshold {
            fields["completion_threshold"] = json!(threshold);
        }
        Course::from_json(&fields, &Path::root()).unwrap()
    }

    #[test]
    fn attendance_writes_each_table() {
        let context = AttendanceContext {
            sessions: vec![timed_session()],
            courses: vec![tai_chi_course(None)],
            ..AttendanceContext::default()
        };
        // 09:05 local is on time; 09:20 is late; 11:30 is after the
        // check-in window closed at the end, 10:30.
        let scans = [
            scan("1", 1, "2026-03-02T09:05:00+08:00"),
            scan("2", 2, "2026-03-02T09:20:00+08:00"),
            scan("3", 3, "2026-03-02T11:30:00+08:00"),
            scan("4", 1, "2026-03-02T09:06:00+08:00"),
        ];
        let options = AttendanceOptions {
            policy: AttendancePolicy::default(),
            as_of: "2026-03-03T00:00:00Z".parse().unwrap(),
            token_key: None,
            locale: Locale::En,
        };
        let tables = attendance_tables(&context, &scans, &options).unwrap();
        assert_eq!(tables.records.num_rows(), 2);
        assert_eq!(tables.rejected.num_rows(), 1);
        assert_eq!(tables.duplicates.num_rows(), 1);
        assert_eq!(
            count_by(&tables.records, "punctuality"),
            BTreeMap::from([("late".to_owned(), 1), ("on_time".to_owned(), 1)])
        );
        assert_eq!(tables.summary["scans"], 4);
        assert_eq!(tables.summary["tokens_verified"], false);

        // The typed writer of the records gives what the JSON path gives.
        let report = evaluate_attendance(
            &context.input(&scans),
            &EvaluationSettings {
                policy: &options.policy,
                as_of: options.as_of,
                token_key: None,
            },
        )
        .unwrap();
        let through_json = write_rows(&ATTENDANCE_RECORDS, report.records.iter().map(row)).unwrap();
        assert_eq!(tables.records, through_json);
    }

    #[test]
    fn direct_writers_match_the_json_rows() {
        // Learner 4 is enrolled and never came: a record without scans and
        // a course result with unmet conditions.
        let enrolment = Enrolment::from_json(
            &json!({
                "id": "60000000-0000-4000-8000-000000000001",
                "learner_id": "20000000-0000-4000-8000-000000000004",
                "course_id": "30000000-0000-4000-8000-000000000001",
                "requested_at": "2026-02-01T00:00:00Z",
            }),
            &Path::root(),
        )
        .unwrap();
        let context = AttendanceContext {
            sessions: vec![timed_session()],
            courses: vec![tai_chi_course(Some("62.5"))],
            enrolments: vec![enrolment],
            ..AttendanceContext::default()
        };
        // A check-out with a fraction of a second, a duplicate check-in,
        // and a scan after the window that is rejected.
        let scans = [
            scan("1", 1, "2026-03-02T09:05:00+08:00"),
            scan("2", 2, "2026-03-02T09:20:00+08:00"),
            scan("3", 3, "2026-03-02T11:30:00+08:00"),
            scan("4", 1, "2026-03-02T09:06:00.123456789+08:00"),
        ];
        let report = evaluate_attendance(
            &context.input(&scans),
            &EvaluationSettings {
                policy: &AttendancePolicy::default(),
                as_of: "2026-03-03T00:00:00Z".parse().unwrap(),
                token_key: None,
            },
        )
        .unwrap();
        assert_eq!(report.records.len(), 3);
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(report.duplicates.len(), 1);
        assert!(
            report
                .course_results
                .iter()
                .any(|result| !result.unmet.is_empty())
        );
        for locale in [Locale::En, Locale::ZhCn] {
            let tables = write_attendance(&report, locale).unwrap();
            let rejected = report.rejected.iter().map(|scan| {
                let mut value = row(scan);
                value["message"] = Value::String(scan.message_in(locale));
                value
            });
            assert_eq!(
                tables.rejected,
                write_rows(&REJECTED_SCANS, rejected).unwrap()
            );
            assert_eq!(
                tables.records,
                write_rows(&ATTENDANCE_RECORDS, report.records.iter().map(row)).unwrap()
            );
            assert_eq!(
                tables.duplicates,
                write_rows(&DUPLICATE_SCANS, report.duplicates.iter().map(row)).unwrap()
            );
            assert_eq!(
                tables.course_results,
                write_rows(&COURSE_RESULTS, report.course_results.iter().map(row)).unwrap()
            );
        }
    }

    #[test]
    fn typed_scans_read_as_cells_do() {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, StringArray, TimestampMicrosecondArray};

        let texts = |values: &[&str]| -> ArrayRef { Arc::new(StringArray::from(values.to_vec())) };
        let batch = RecordBatch::try_from_iter([
            (
                "id",
                texts(&[
                    "70000000-0000-4000-8000-000000000001",
                    "70000000-0000-4000-8000-000000000002",
                ]),
            ),
            (
                "session_id",
                texts(&["50000000-0000-4000-8000-000000000001"; 2]),
            ),
            (
                "learner_id",
                texts(&["20000000-0000-4000-8000-000000000001"; 2]),
            ),
            (
                "scanned_at",
                Arc::new(
                    TimestampMicrosecondArray::from(vec![
                        1_772_412_720_000_000,
                        1_772_412_780_123_456,
                    ])
                    .with_timezone("UTC"),
                ) as ArrayRef,
            ),
            ("direction", texts(&["check_in", ""])),
            ("method", texts(&["manual", "qr"])),
        ])
        .unwrap();
        let data: TableData = (batch.schema(), vec![batch]);
        let typed = crate::tables::read_scans_typed(&data.0, &data.1).unwrap();
        let (cells, report) = read_all::<Scan>(&SCANS, &data);
        assert_eq!(typed.records, cells);
        assert_eq!(typed.report, report);
        assert_eq!(typed.records.len(), 2);

        // A cell that needs a problem reported leaves the fast path.
        let bad = RecordBatch::try_from_iter([
            ("id", texts(&["not a uuid"])),
            (
                "session_id",
                texts(&["50000000-0000-4000-8000-000000000001"]),
            ),
            (
                "learner_id",
                texts(&["20000000-0000-4000-8000-000000000001"]),
            ),
            (
                "scanned_at",
                Arc::new(TimestampMicrosecondArray::from(vec![0]).with_timezone("UTC")) as ArrayRef,
            ),
        ])
        .unwrap();
        assert!(crate::tables::read_scans_typed(&bad.schema(), &[bad]).is_none());
    }

    #[test]
    fn club_record_writers_agree() {
        use arrow_array::{Array, StringArray};
        use xuetong::attendance::{AttendanceRecord, AttendanceStatus};
        use xuetong::model::SessionOwner;

        let club = "c0000000-0000-4000-8000-000000000001";
        let record = AttendanceRecord {
            session_id: "50000000-0000-4000-8000-000000000002".parse().unwrap(),
            learner_id: "20000000-0000-4000-8000-000000000001".parse().unwrap(),
            owner: SessionOwner::Club(club.parse().unwrap()),
            status: AttendanceStatus::Present,
            punctuality: None,
            credited_minutes: 90,
            scheduled_minutes: 90,
            first_check_in: None,
            last_check_out: None,
            check_in_scan_id: None,
            check_out_scan_id: None,
            walk_in: false,
            excused: false,
            provisional: false,
            duplicate_scans: 0,
        };
        let records = [record];
        let typed = write_records(&records).unwrap();
        let through_json = write_rows(&ATTENDANCE_RECORDS, records.iter().map(row)).unwrap();
        assert_eq!(typed, through_json);

        let column = |name: &str| {
            let array = typed.column_by_name(name).unwrap();
            array
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        assert!(column("course_id").is_null(0));
        assert_eq!(column("club_id").value(0), club);
    }
}
