//! The attendance tables: records, rejected and duplicate scans, course
//! results.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use crate::attendance::Ratio;
use crate::field::format_instant;
use crate::id::SessionId;
use crate::problem::Locale;

use super::direct_table::DirectTable;
use super::{Table, list, optional, text};
use crate::attendance::AttendanceReport;
use crate::bundle::Bundle;

/// The columns of `attendance_records.csv`.
const RECORD_COLUMNS: &[&str] = &[
    "session_id",
    "session_date",
    "learner_id",
    "course_id",
    "club_id",
    "status",
    "punctuality",
    "credited_minutes",
    "scheduled_minutes",
    "first_check_in",
    "last_check_out",
    "check_in_scan_id",
    "check_out_scan_id",
    "walk_in",
    "excused",
    "provisional",
    "duplicate_scans",
];

pub(super) fn records(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    writer: &mut dyn Write,
) -> io::Result<u64> {
    let dates: HashMap<SessionId, String> = bundle
        .sessions
        .iter()
        .map(|timed| (timed.session.id, timed.session.date.to_string()))
        .collect();
    // The largest table of a season: its cells are written one by one
    // into one buffer, without a string per cell.
    let mut table = DirectTable::new(writer, RECORD_COLUMNS)?;
    for record in &attendance.records {
        let date = dates.get(&record.session_id).map_or("", String::as_str);
        table.value(&record.session_id)?;
        table.cell(date)?;
        table.value(&record.learner_id)?;
        table.optional_value(record.course_id.as_ref())?;
        table.optional_value(record.club_id.as_ref())?;
        table.cell(record.status.as_str())?;
        table.cell(record.punctuality.map_or("", |p| p.as_str()))?;
        table.value(&record.credited_minutes)?;
        table.value(&record.scheduled_minutes)?;
        table.optional_value(record.first_check_in.as_ref())?;
        table.optional_value(record.last_check_out.as_ref())?;
        table.optional_value(record.check_in_scan_id.as_ref())?;
        table.optional_value(record.check_out_scan_id.as_ref())?;
        table.value(&record.walk_in)?;
        table.value(&record.excused)?;
        table.value(&record.provisional)?;
        table.value(&record.duplicate_scans)?;
        table.end_row()?;
    }
    table.finish()
}

/// The columns of `rejected_scans.csv`.
const REJECTED_COLUMNS: &[&str] = &[
    "scan_id",
    "session_id",
    "learner_id",
    "scanned_at",
    "direction",
    "code",
    "message",
    "params",
];

pub(super) fn rejected(
    attendance: &AttendanceReport,
    writer: &mut dyn Write,
    locale: Locale,
) -> io::Result<u64> {
    let mut table = Table::new(writer, REJECTED_COLUMNS)?;
    for scan in &attendance.rejected {
        let params = serde_json::to_string(&scan.params).map_err(io::Error::other)?;
        table.row([
            text(scan.scan_id),
            text(scan.session_id),
            text(scan.learner_id),
            text(format_instant(&scan.scanned_at)),
            Cow::Borrowed(scan.direction.as_str()),
            Cow::Borrowed(scan.code.as_str()),
            Cow::Owned(scan.message_in(locale)),
            Cow::Owned(params),
        ])?;
    }
    table.finish()
}

/// The columns of `duplicate_scans.csv`.
const DUPLICATE_COLUMNS: &[&str] = &[
    "scan_id",
    "session_id",
    "learner_id",
    "scanned_at",
    "kind",
    "kept_scan_id",
];

pub(super) fn duplicates(attendance: &AttendanceReport, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = Table::new(writer, DUPLICATE_COLUMNS)?;
    for scan in &attendance.duplicates {
        table.row([
            text(scan.scan_id),
            text(scan.session_id),
            text(scan.learner_id),
            text(format_instant(&scan.scanned_at)),
            Cow::Borrowed(scan.kind.as_str()),
            text(scan.kept_scan_id),
        ])?;
    }
    table.finish()
}

/// The columns of `course_results.csv`.
const COURSE_RESULT_COLUMNS: &[&str] = &[
    "course_id",
    "learner_id",
    "counted_sessions",
    "attended_sessions",
    "excused_sessions",
    "remaining_sessions",
    "held_sessions",
    "scheduled_sessions",
    "attended_held_sessions",
    "rate",
    "rate_percent",
    "rate_over_held_sessions",
    "rate_over_scheduled_sessions",
    "credited_minutes",
    "course_ended",
    "completion_threshold",
    "assessment",
    "completed",
    "unmet",
    "warnings",
];

/// A rate as an exact fraction such as `39/49`, or empty without a value.
fn fraction(rate: Option<Ratio>) -> Cow<'static, str> {
    optional(rate)
}

/// A rate as a percentage rounded down to one decimal, for display.
fn percent(rate: Option<Ratio>) -> Cow<'static, str> {
    optional(rate.map(Ratio::percent_text))
}

pub(super) fn course_results(
    attendance: &AttendanceReport,
    writer: &mut dyn Write,
) -> io::Result<u64> {
    let mut table = Table::new(writer, COURSE_RESULT_COLUMNS)?;
    for result in &attendance.course_results {
        table.row([
            text(result.course_id),
            text(result.learner_id),
            text(result.counted_sessions),
            text(result.attended_sessions),
            text(result.excused_sessions),
            text(result.remaining_sessions),
            text(result.held_sessions),
            text(result.scheduled_sessions),
            text(result.attended_held_sessions),
            fraction(result.rate),
            percent(result.rate),
            fraction(result.rate_over_held_sessions),
            fraction(result.rate_over_scheduled_sessions),
            text(result.credited_minutes),
            text(result.course_ended),
            text(result.completion_threshold),
            Cow::Borrowed(result.assessment.as_str()),
            text(result.completed),
            list(result.unmet.iter().map(|gap| gap.as_str())),
            list(result.warnings.iter().map(|warning| warning.as_str())),
        ])?;
    }
    table.finish()
}
