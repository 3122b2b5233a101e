//! The attendance results written straight to Arrow builders.
//!
//! [`write_rows`](super::write_rows) reads each row from its JSON form,
//! which is simple and general but costs more than the engine itself on a
//! large season. These writers fill the columns from the result structs
//! directly. Each table's tests check that both writers give the same
//! table.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Int64Builder, ListBuilder, StringBuilder,
    TimestampMicrosecondBuilder, UInt32Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field};
use chrono::{DateTime, Utc};
use uuid::Uuid;
use xuetong::attendance::{AttendanceRecord, CourseResult, DuplicateScan, RejectedScan};
use xuetong::problem::Locale;

use super::TableSchema;
use super::schemas::{ATTENDANCE_RECORDS, COURSE_RESULTS, DUPLICATE_SCANS, REJECTED_SCANS};
use super::write::TableError;

/// A text column of UUIDs, written lowercase and hyphenated as their JSON
/// form is, without a string per value.
struct Uuids {
    builder: StringBuilder,
    buffer: [u8; uuid::fmt::Hyphenated::LENGTH],
}

impl Uuids {
    fn with_capacity(rows: usize) -> Self {
        Self {
            builder: StringBuilder::with_capacity(rows, rows * uuid::fmt::Hyphenated::LENGTH),
            buffer: [0; uuid::fmt::Hyphenated::LENGTH],
        }
    }

    fn append(&mut self, id: Uuid) {
        let text = id.hyphenated().encode_lower(&mut self.buffer);
        self.builder.append_value(text);
    }

    fn append_option(&mut self, id: Option<Uuid>) {
        match id {
            Some(id) => self.append(id),
            None => self.builder.append_null(),
        }
    }

    fn finish(mut self) -> ArrayRef {
        Arc::new(self.builder.finish())
    }
}

/// Returns a builder of instants in microseconds since the epoch, in UTC.
fn instants(rows: usize) -> TimestampMicrosecondBuilder {
    TimestampMicrosecondBuilder::with_capacity(rows).with_timezone("UTC")
}

/// Returns a builder of short choices such as `check_in`.
fn choices(rows: usize) -> StringBuilder {
    StringBuilder::with_capacity(rows, rows * 12)
}

/// Returns a builder of lists of choices, such as the warnings of a course
/// result.
fn choice_lists() -> ListBuilder<StringBuilder> {
    ListBuilder::new(StringBuilder::new())
        .with_field(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

fn finish(schema: &'static TableSchema, columns: Vec<ArrayRef>) -> Result<RecordBatch, TableError> {
    RecordBatch::try_new(schema.arrow(), columns).map_err(|source| TableError::Arrow {
        table: schema.name,
        source,
    })
}

/// Writes attendance records as the [`ATTENDANCE_RECORDS`] table.
///
/// The columns are built in parallel on the rayon thread pool, each UUID
/// column in a task of its own, because most of the time goes to the first
/// writes into fresh buffers of UUID text.
///
/// # Errors
///
/// Returns [`TableError::Arrow`] when Arrow rejects the columns, which
/// means the schema and this writer disagree.
pub fn write_records(records: &[AttendanceRecord]) -> Result<RecordBatch, TableError> {
    use rayon::prelude::*;

    let (ids, details) = rayon::join(
        || {
            RECORD_IDS
                .par_iter()
                .map(|id| uuid_column(records, *id))
                .collect::<Vec<_>>()
        },
        || record_details(records),
    );
    let mut ids = ids.into_iter();
    let mut details = details.into_iter();
    // The table's column order: four ids, six details, the two scan ids,
    // the remaining details.
    let mut columns: Vec<ArrayRef> = ids.by_ref().take(4).collect();
    columns.extend(details.by_ref().take(6));
    columns.extend(ids);
    columns.extend(details);
    finish(&ATTENDANCE_RECORDS, columns)
}

/// Reads one UUID column of an attendance record.
type RecordId = fn(&AttendanceRecord) -> Option<Uuid>;

/// The UUID columns of the records table, in table order: the session,
/// learner, course and club ids, then the check-in and check-out scan ids.
const RECORD_IDS: [RecordId; 6] = [
    |record| Some(record.session_id.uuid()),
    |record| Some(record.learner_id.uuid()),
    |record| record.course_id().map(|id| id.uuid()),
    |record| record.club_id().map(|id| id.uuid()),
    |record| record.check_in_scan_id.map(|id| id.uuid()),
    |record| record.check_out_scan_id.map(|id| id.uuid()),
];

/// Returns the UUID column that `id` reads from each record.
fn uuid_column(records: &[AttendanceRecord], id: RecordId) -> ArrayRef {
    let mut column = Uuids::with_capacity(records.len());
    for record in records {
        column.append_option(id(record));
    }
    column.finish()
}

/// Returns the columns of the records table other than the ids, in table
/// order.
fn record_details(records: &[AttendanceRecord]) -> Vec<ArrayRef> {
    let rows = records.len();
    let (mut status, mut punctuality) = (choices(rows), choices(rows));
    let mut credited = UInt32Builder::with_capacity(rows);
    let mut scheduled = UInt32Builder::with_capacity(rows);
    let (mut first_in, mut last_out) = (instants(rows), instants(rows));
    let mut walk_in = BooleanBuilder::with_capacity(rows);
    let mut excused = BooleanBuilder::with_capacity(rows);
    let mut provisional = BooleanBuilder::with_capacity(rows);
    let mut duplicates = UInt32Builder::with_capacity(rows);
    for record in records {
        status.append_value(record.status.as_str());
        punctuality.append_option(record.punctuality.map(|value| value.as_str()));
        credited.append_value(record.credited_minutes);
        scheduled.append_value(record.scheduled_minutes);
        first_in.append_option(record.first_check_in.map(micros));
        last_out.append_option(record.last_check_out.map(micros));
        walk_in.append_value(record.walk_in);
        excused.append_value(record.excused);
        provisional.append_value(record.provisional);
        duplicates.append_value(record.duplicate_scans);
    }
    vec![
        Arc::new(status.finish()),
        Arc::new(punctuality.finish()),
        Arc::new(credited.finish()),
        Arc::new(scheduled.finish()),
        Arc::new(first_in.finish()),
        Arc::new(last_out.finish()),
        Arc::new(walk_in.finish()),
        Arc::new(excused.finish()),
        Arc::new(provisional.finish()),
        Arc::new(duplicates.finish()),
    ]
}

/// Returns microseconds since the epoch. Finer digits are dropped, as they
/// are when the instant's text is read into a microsecond column.
fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

/// Writes duplicate scans as the [`DUPLICATE_SCANS`] table.
///
/// # Errors
///
/// Returns [`TableError::Arrow`] when Arrow rejects the columns.
pub fn write_duplicates(duplicates: &[DuplicateScan]) -> Result<RecordBatch, TableError> {
    let rows = duplicates.len();
    let (mut scan, mut session) = (Uuids::with_capacity(rows), Uuids::with_capacity(rows));
    let (mut learner, mut kept) = (Uuids::with_capacity(rows), Uuids::with_capacity(rows));
    let mut scanned_at = instants(rows);
    let mut kind = choices(rows);
    for duplicate in duplicates {
        scan.append(duplicate.scan_id.uuid());
        session.append(duplicate.session_id.uuid());
        learner.append(duplicate.learner_id.uuid());
        scanned_at.append_value(micros(duplicate.scanned_at));
        kind.append_value(duplicate.kind.as_str());
        kept.append(duplicate.kept_scan_id.uuid());
    }
    finish(
        &DUPLICATE_SCANS,
        vec![
            scan.finish(),
            session.finish(),
            learner.finish(),
            Arc::new(scanned_at.finish()),
            Arc::new(kind.finish()),
            kept.finish(),
        ],
    )
}

/// Writes rejected scans as the [`REJECTED_SCANS`] table, with their
/// messages in `locale`.
///
/// # Errors
///
/// Returns [`TableError::Arrow`] when Arrow rejects the columns.
pub fn write_rejected(
    rejected: &[RejectedScan],
    locale: Locale,
) -> Result<RecordBatch, TableError> {
    let rows = rejected.len();
    let (mut scan, mut session) = (Uuids::with_capacity(rows), Uuids::with_capacity(rows));
    let mut learner = Uuids::with_capacity(rows);
    let mut scanned_at = instants(rows);
    let (mut direction, mut code) = (choices(rows), choices(rows));
    let (mut message, mut params) = (StringBuilder::new(), StringBuilder::new());
    for row in rejected {
        scan.append(row.scan_id.uuid());
        session.append(row.session_id.uuid());
        learner.append(row.learner_id.uuid());
        scanned_at.append_value(micros(row.scanned_at));
        direction.append_value(row.direction.as_str());
        code.append_value(row.code.as_str());
        message.append_value(row.message_in(locale));
        params.append_value(serde_json::Value::from_iter(row.params.clone()).to_string());
    }
    finish(
        &REJECTED_SCANS,
        vec![
            scan.finish(),
            session.finish(),
            learner.finish(),
            Arc::new(scanned_at.finish()),
            Arc::new(direction.finish()),
            Arc::new(code.finish()),
            Arc::new(message.finish()),
            Arc::new(params.finish()),
        ],
    )
}

/// Writes course results as the [`COURSE_RESULTS`] table.
///
/// # Errors
///
/// Returns [`TableError::InvalidValue`] for credited minutes beyond the
/// `Int64` column, and [`TableError::Arrow`] when Arrow refuses the
/// columns.
pub fn write_course_results(results: &[CourseResult]) -> Result<RecordBatch, TableError> {
    let rows = results.len();
    let (mut learner, mut course) = (Uuids::with_capacity(rows), Uuids::with_capacity(rows));
    let mut counts: [UInt32Builder; 7] =
        std::array::from_fn(|_| UInt32Builder::with_capacity(rows));
    let mut credited = Int64Builder::with_capacity(rows);
    let mut ended = BooleanBuilder::with_capacity(rows);
    let mut threshold = Decimal128Builder::with_capacity(rows)
        .with_data_type(super::ColumnKind::Percent.data_type());
    let mut assessment = choices(rows);
    let mut completed = BooleanBuilder::with_capacity(rows);
    let (mut unmet, mut warnings) = (choice_lists(), choice_lists());
    for result in results {
        learner.append(result.learner_id.uuid());
        course.append(result.course_id.uuid());
        let values = [
            result.counted_sessions,
            result.attended_sessions,
            result.excused_sessions,
            result.remaining_sessions,
            result.held_sessions,
            result.scheduled_sessions,
            result.attended_held_sessions,
        ];
        for (builder, value) in counts.iter_mut().zip(values) {
            builder.append_value(value);
        }
        let minutes =
            i64::try_from(result.credited_minutes).map_err(|_| TableError::InvalidValue {
                table: COURSE_RESULTS.name,
                column: "credited_minutes",
                value: result.credited_minutes.to_string(),
                expected: super::ColumnKind::Int64.expected(),
            })?;
        credited.append_value(minutes);
        ended.append_value(result.course_ended);
        threshold.append_value(i128::from(result.completion_threshold.hundredths()));
        assessment.append_value(result.assessment.as_str());
        completed.append_value(result.completed);
        for gap in &result.unmet {
            unmet.values().append_value(gap.as_str());
        }
        unmet.append(true);
        for warning in &result.warnings {
            warnings.values().append_value(warning.as_str());
        }
        warnings.append(true);
    }
    let mut columns = vec![learner.finish(), course.finish()];
    columns.extend(
        counts
            .iter_mut()
            .map(|builder| Arc::new(builder.finish()) as ArrayRef),
    );
    columns.extend([
        Arc::new(credited.finish()) as ArrayRef,
        Arc::new(ended.finish()),
        Arc::new(threshold.finish()),
        Arc::new(assessment.finish()),
        Arc::new(completed.finish()),
        Arc::new(unmet.finish()),
        Arc::new(warnings.finish()),
    ]);
    finish(&COURSE_RESULTS, columns)
}
