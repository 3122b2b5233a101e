//! The attendance tables: records, rejected and duplicate scans, course
//! results.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::attendance::Ratio;
use crate::id::SessionId;
use crate::problem::Locale;

use super::direct_table::DirectTable;
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
    // The records of one session come one after another, so the date of
    // the record before is looked up again only when the session changes.
    let mut last: Option<(SessionId, &str)> = None;
    for record in &attendance.records {
        let date = match last {
            Some((session_id, date)) if session_id == record.session_id => date,
            _ => {
                let date = dates.get(&record.session_id).map_or("", String::as_str);
                last = Some((record.session_id, date));
                date
            }
        };
        table.value(&record.session_id)?;
        table.cell(date)?;
        table.value(&record.learner_id)?;
        table.optional_value(record.course_id().as_ref())?;
        table.optional_value(record.club_id().as_ref())?;
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
    let mut table = DirectTable::new(writer, REJECTED_COLUMNS)?;
    for scan in &attendance.rejected {
        let params = serde_json::to_string(&scan.params).map_err(io::Error::other)?;
        table.value(&scan.scan_id)?;
        table.value(&scan.session_id)?;
        table.value(&scan.learner_id)?;
        table.value(&scan.scanned_at)?;
        table.cell(scan.direction.as_str())?;
        table.cell(scan.code.as_str())?;
        table.cell(&scan.message_in(locale))?;
        table.cell(&params)?;
        table.end_row()?;
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
    let mut table = DirectTable::new(writer, DUPLICATE_COLUMNS)?;
    for scan in &attendance.duplicates {
        table.value(&scan.scan_id)?;
        table.value(&scan.session_id)?;
        table.value(&scan.learner_id)?;
        table.value(&scan.scanned_at)?;
        table.cell(scan.kind.as_str())?;
        table.value(&scan.kept_scan_id)?;
        table.end_row()?;
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

pub(super) fn course_results(
    attendance: &AttendanceReport,
    writer: &mut dyn Write,
) -> io::Result<u64> {
    let mut table = DirectTable::new(writer, COURSE_RESULT_COLUMNS)?;
    for result in &attendance.course_results {
        table.value(&result.course_id)?;
        table.value(&result.learner_id)?;
        table.value(&result.counted_sessions)?;
        table.value(&result.attended_sessions)?;
        table.value(&result.excused_sessions)?;
        table.value(&result.remaining_sessions)?;
        table.value(&result.held_sessions)?;
        table.value(&result.scheduled_sessions)?;
        table.value(&result.attended_held_sessions)?;
        table.optional_display(result.rate)?;
        // The percentage is rounded down to one decimal, for display.
        table.cell(&result.rate.map_or(String::new(), Ratio::percent_text))?;
        table.optional_display(result.rate_over_held_sessions)?;
        table.optional_display(result.rate_over_scheduled_sessions)?;
        table.value(&result.credited_minutes)?;
        table.value(&result.course_ended)?;
        table.display(&result.completion_threshold)?;
        table.cell(result.assessment.as_str())?;
        table.value(&result.completed)?;
        table.list(result.unmet.iter().map(|gap| gap.as_str()))?;
        table.list(result.warnings.iter().map(|warning| warning.as_str()))?;
        table.end_row()?;
    }
    table.finish()
}
