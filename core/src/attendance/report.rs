//! The output of an evaluation: records, rejected and duplicate scans,
//! course results and a summary.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::field::format_instant;
use crate::id::{ClubId, CourseId, LearnerId, ScanId, SessionId};
use crate::model::{ScanDirection, SessionOwner};
use crate::problem::{Code, Locale, Params, Path, Problem};

use super::rate::CourseResult;
use super::status::{AttendanceStatus, Punctuality};

/// Writes an instant as [`format_instant`] does.
fn serialize_instant<S: Serializer>(
    instant: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_instant(instant))
}

/// Writes an optional instant as [`format_instant`] does, or `null`.
fn serialize_optional_instant<S: Serializer>(
    instant: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match instant {
        Some(instant) => serializer.collect_str(&format_instant(instant)),
        None => serializer.serialize_none(),
    }
}

/// One learner's attendance at one session.
///
/// There is at most one record per learner and session. A learner gets one
/// when a check-in was accepted, or, once the session has ended, when they
/// held a place in the course at its start or had an excusal for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendanceRecord {
    /// The session.
    pub session_id: SessionId,
    /// The learner.
    pub learner_id: LearnerId,
    /// The course or club the session belongs to. The serialized record
    /// writes it as `course_id` and `club_id`, one of them `null`.
    pub owner: SessionOwner,
    /// The status.
    pub status: AttendanceStatus,
    /// Whether the first check-in was on time; `None` without a check-in.
    pub punctuality: Option<Punctuality>,
    /// The minutes credited; never more than `scheduled_minutes`.
    pub credited_minutes: u32,
    /// The session's scheduled length in whole minutes.
    pub scheduled_minutes: u32,
    /// When the first accepted check-in was received.
    pub first_check_in: Option<DateTime<Utc>>,
    /// When the last accepted check-out was received.
    pub last_check_out: Option<DateTime<Utc>>,
    /// The scan of the first accepted check-in.
    pub check_in_scan_id: Option<ScanId>,
    /// The scan of the last accepted check-out.
    pub check_out_scan_id: Option<ScanId>,
    /// Whether the learner checked in without holding a place, in a course
    /// that accepts walk-ins.
    pub walk_in: bool,
    /// Whether the learner has an excusal for the session (granted by the
    /// evaluation time); an excused learner who attended keeps the status
    /// of the attendance.
    pub excused: bool,
    /// Whether the session had not ended by the evaluation time, so that the
    /// status may still change.
    pub provisional: bool,
    /// How many further scans of this learner and session changed nothing.
    pub duplicate_scans: u32,
}

impl AttendanceRecord {
    /// Returns the session's course, when it is a course meeting.
    pub fn course_id(&self) -> Option<CourseId> {
        self.owner.course_id()
    }

    /// Returns the session's club, when it is a club activity.
    pub fn club_id(&self) -> Option<ClubId> {
        self.owner.club_id()
    }
}

/// An optional instant written as [`format_instant`] does, or `null`.
struct OptionalInstant(Option<DateTime<Utc>>);

impl Serialize for OptionalInstant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_optional_instant(&self.0, serializer)
    }
}

/// Writes the record as a flat struct in the order of its fields, with the
/// owner as `course_id` and `club_id` in its place, one of them `null`.
impl Serialize for AttendanceRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut record = serializer.serialize_struct("AttendanceRecord", 16)?;
        record.serialize_field("session_id", &self.session_id)?;
        record.serialize_field("learner_id", &self.learner_id)?;
        record.serialize_field("course_id", &self.course_id())?;
        record.serialize_field("club_id", &self.club_id())?;
        record.serialize_field("status", &self.status)?;
        record.serialize_field("punctuality", &self.punctuality)?;
        record.serialize_field("credited_minutes", &self.credited_minutes)?;
        record.serialize_field("scheduled_minutes", &self.scheduled_minutes)?;
        record.serialize_field("first_check_in", &OptionalInstant(self.first_check_in))?;
        record.serialize_field("last_check_out", &OptionalInstant(self.last_check_out))?;
        record.serialize_field("check_in_scan_id", &self.check_in_scan_id)?;
        record.serialize_field("check_out_scan_id", &self.check_out_scan_id)?;
        record.serialize_field("walk_in", &self.walk_in)?;
        record.serialize_field("excused", &self.excused)?;
        record.serialize_field("provisional", &self.provisional)?;
        record.serialize_field("duplicate_scans", &self.duplicate_scans)?;
        record.end()
    }
}

/// A scan that was not accepted, with the reason as a catalogue code.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RejectedScan {
    /// The scan.
    pub scan_id: ScanId,
    /// The session it named.
    pub session_id: SessionId,
    /// The learner it named.
    pub learner_id: LearnerId,
    /// When the server received it.
    #[serde(serialize_with = "serialize_instant")]
    pub scanned_at: DateTime<Utc>,
    /// Check-in or check-out.
    pub direction: ScanDirection,
    /// The reason for the rejection.
    pub code: Code,
    /// The values the message refers to.
    pub params: Params,
}

impl RejectedScan {
    /// Renders the message of the rejection in `locale`.
    pub fn message_in(&self, locale: Locale) -> String {
        let problem = Problem {
            code: self.code,
            path: Path::root(),
            message: String::new(),
            params: self.params.clone(),
        };
        problem.message_in(locale)
    }
}

crate::text_enum! {
    /// The reason a scan changed nothing.
    pub enum DuplicateKind {
        /// The same scan (same id and content) given more than once.
        RepeatedScan = "repeated_scan",
        /// A retry: an earlier scan of the same learner and session has the
        /// same nonce, and its result stands for this one.
        Retry = "retry",
        /// A further check-in after an accepted one.
        RepeatedCheckIn = "repeated_check_in",
        /// A check-out followed by a later accepted check-out, which counts
        /// instead.
        SupersededCheckOut = "superseded_check_out",
    }
}

/// A scan that changed nothing, with the scan whose result is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DuplicateScan {
    /// The scan.
    pub scan_id: ScanId,
    /// The session it named.
    pub session_id: SessionId,
    /// The learner it named.
    pub learner_id: LearnerId,
    /// When the server received it.
    #[serde(serialize_with = "serialize_instant")]
    pub scanned_at: DateTime<Utc>,
    /// Why it changed nothing.
    pub kind: DuplicateKind,
    /// The scan whose result is kept: the original of a retry or repeat, the
    /// accepted check-in, or the check-out that counts.
    pub kept_scan_id: ScanId,
}

/// Counts over an evaluation. Every scan is accepted, rejected or a
/// duplicate: `accepted + rejected + duplicates == scans`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct AttendanceSummary {
    /// Scans given.
    pub scans: u64,
    /// Scans that are a record's first check-in or last check-out.
    pub accepted: u64,
    /// Scans rejected.
    pub rejected: u64,
    /// Scans that changed nothing.
    pub duplicates: u64,
    /// Rejected scans by code.
    pub rejected_by_code: BTreeMap<String, u64>,
    /// Duplicate scans by kind.
    pub duplicates_by_kind: BTreeMap<String, u64>,
    /// Records by status.
    pub records_by_status: BTreeMap<String, u64>,
}

/// The result of evaluating attendance.
///
/// Records are ordered by session (start, then id) and learner id;
/// rejected and duplicate scans by session, learner and receipt time, with
/// scans for unknown sessions last; course results by course id and learner
/// id. The order depends only on the content of the input, never on the
/// order of the scans.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AttendanceReport {
    /// The evaluation time.
    #[serde(serialize_with = "serialize_instant")]
    pub as_of: DateTime<Utc>,
    /// Whether tokens were verified: `false` when no token key was supplied,
    /// in which case no token was checked at all.
    pub tokens_verified: bool,
    /// Counts.
    pub summary: AttendanceSummary,
    /// One record per learner and session.
    pub records: Vec<AttendanceRecord>,
    /// Scans not accepted, each with a code.
    pub rejected: Vec<RejectedScan>,
    /// Scans that changed nothing.
    pub duplicates: Vec<DuplicateScan>,
    /// Rates, completion and warnings per learner and course.
    pub course_results: Vec<CourseResult>,
}

impl AttendanceReport {
    /// The JSON form of the report, with the message of each rejected scan
    /// in `locale`.
    pub fn to_json(&self, locale: Locale) -> Result<Value, serde_json::Error> {
        let mut value = serde_json::to_value(self)?;
        if let Some(Value::Array(rejected)) = value.get_mut("rejected") {
            for (entry, scan) in rejected.iter_mut().zip(&self.rejected) {
                if let Value::Object(object) = entry {
                    object.insert("message".into(), Value::String(scan.message_in(locale)));
                }
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn club_record() -> AttendanceRecord {
        AttendanceRecord {
            session_id: "50000000-0000-4000-8000-000000000001".parse().unwrap(),
            learner_id: "20000000-0000-4000-8000-000000000001".parse().unwrap(),
            owner: SessionOwner::Club("c0000000-0000-4000-8000-000000000001".parse().unwrap()),
            status: AttendanceStatus::Present,
            punctuality: Some(Punctuality::OnTime),
            credited_minutes: 90,
            scheduled_minutes: 90,
            first_check_in: Some("2026-03-07T11:00:00Z".parse().unwrap()),
            last_check_out: None,
            check_in_scan_id: Some("60000000-0000-4000-8000-000000000001".parse().unwrap()),
            check_out_scan_id: None,
            walk_in: false,
            excused: false,
            provisional: false,
            duplicate_scans: 0,
        }
    }

    #[test]
    fn record_size_on_64_bit_targets() {
        // Two ids (16 bytes each), the owner (17), two optional instants (12
        // each), two optional scan ids (17 each), three counts (4 each) and
        // five one-byte fields make 124 bytes. The largest alignment is 4,
        // so there is no padding.
        assert_eq!(std::mem::size_of::<AttendanceRecord>(), 124);
    }

    #[test]
    fn record_json_writes_owner_as_two_fields() {
        let json = serde_json::to_string(&club_record()).unwrap();
        let expected = concat!(
            r#"{"session_id":"50000000-0000-4000-8000-000000000001","#,
            r#""learner_id":"20000000-0000-4000-8000-000000000001","#,
            r#""course_id":null,"#,
            r#""club_id":"c0000000-0000-4000-8000-000000000001","#,
            r#""status":"present","punctuality":"on_time","#,
            r#""credited_minutes":90,"scheduled_minutes":90,"#,
            r#""first_check_in":"2026-03-07T11:00:00Z","last_check_out":null,"#,
            r#""check_in_scan_id":"60000000-0000-4000-8000-000000000001","#,
            r#""check_out_scan_id":null,"#,
            r#""walk_in":false,"excused":false,"provisional":false,"#,
            r#""duplicate_scans":0}"#,
        );
        assert_eq!(json, expected);
    }

    #[test]
    fn record_owner_accessors() {
        let club = club_record();
        let course_id: CourseId = "40000000-0000-4000-8000-000000000001".parse().unwrap();
        let course = AttendanceRecord {
            owner: SessionOwner::Course(course_id),
            ..club_record()
        };
        let club_id: ClubId = "c0000000-0000-4000-8000-000000000001".parse().unwrap();
        assert_eq!(club.course_id(), None);
        assert_eq!(club.club_id(), Some(club_id));
        assert_eq!(course.course_id(), Some(course_id));
        assert_eq!(course.club_id(), None);
    }
}
