use chrono::{Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::id::{ClubId, CourseId, InstructorId, SessionId, VenueId};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::codes;
use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

crate::text_enum! {
    /// Whether a session takes place.
    pub enum SessionStatus {
        /// Planned to take place.
        Scheduled = "scheduled",
        /// Called off; it is not held and counts for no one.
        Cancelled = "cancelled",
    }
}

crate::text_enum! {
    /// Which instant to take when a local time occurs twice because clocks
    /// go back.
    pub enum AmbiguousTime {
        /// The first occurrence (still on summer time); the default.
        Earlier = "earlier",
        /// The second occurrence (already on standard time).
        Later = "later",
    }
}

crate::text_enum! {
    /// What a club session is for.
    pub enum ClubActivityKind {
        /// Regular practice.
        Practice = "practice",
        /// A performance.
        Performance = "performance",
        /// Outreach, such as visiting a nursing home.
        Outreach = "outreach",
        /// Volunteer service for neighbours or the community.
        VolunteerService = "volunteer_service",
        /// A competition.
        Competition = "competition",
    }
}

/// What a session belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionOwner {
    /// A meeting of a course.
    Course(CourseId),
    /// An activity of a club.
    Club(ClubId),
}

impl SessionOwner {
    /// Returns the course, when the owner is one.
    pub fn course_id(self) -> Option<CourseId> {
        match self {
            SessionOwner::Course(course) => Some(course),
            SessionOwner::Club(_) => None,
        }
    }

    /// Returns the club, when the owner is one.
    pub fn club_id(self) -> Option<ClubId> {
        match self {
            SessionOwner::Club(club) => Some(club),
            SessionOwner::Course(_) => None,
        }
    }
}

/// One scheduled meeting of a course or activity of a club (课次), given in
/// local time.
///
/// The session starts on `date` at `start_time` and ends at `end_time` on
/// `end_date`. Without `end_date`, a session whose end time is earlier than
/// its start time ends on the next day (22:00 to 01:00), and still belongs to
/// its start date. Local times are read in `time_zone`, or the venue's zone
/// when it is absent; [`crate::schedule`] turns them into UTC instants.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The session's id.
    pub id: SessionId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// The course or club the session belongs to.
    pub owner: SessionOwner,
    /// Where the session is held.
    pub venue_id: VenueId,
    /// Who teaches it.
    pub instructor_ids: Vec<InstructorId>,
    /// The local date the session starts on.
    pub date: NaiveDate,
    /// The local start time.
    pub start_time: NaiveTime,
    /// The local end time.
    pub end_time: NaiveTime,
    /// The local date the session ends on, when it must be stated.
    pub end_date: Option<NaiveDate>,
    /// The zone of the local times, when it differs from the venue's.
    pub time_zone: Option<Tz>,
    /// Which instant a repeated local time means.
    pub ambiguous_time: AmbiguousTime,
    /// Whether the session takes place.
    pub status: SessionStatus,
    /// What a club session is for.
    pub activity_kind: Option<ClubActivityKind>,
}

impl Session {
    /// The course of the session, when it is a course meeting.
    pub fn course_id(&self) -> Option<CourseId> {
        self.owner.course_id()
    }

    /// The club of the session, when it is a club activity.
    pub fn club_id(&self) -> Option<ClubId> {
        self.owner.club_id()
    }

    /// The local date the session ends on: `end_date` when given, otherwise
    /// the start date, or the next day when the end time is earlier than the
    /// start time.
    pub fn local_end_date(&self) -> Option<NaiveDate> {
        match self.end_date {
            Some(end_date) => Some(end_date),
            None if self.end_time < self.start_time => self.date.checked_add_days(Days::new(1)),
            None => Some(self.date),
        }
    }

    /// Whether the session is cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.status == SessionStatus::Cancelled
    }
}

impl Record for Session {
    const KIND: &'static str = "session";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::optional("course_id"),
        FieldSpec::optional("club_id"),
        FieldSpec::required("venue_id"),
        FieldSpec::optional("instructor_ids"),
        FieldSpec::required("date"),
        FieldSpec::required("start_time"),
        FieldSpec::required("end_time"),
        FieldSpec::optional("end_date"),
        FieldSpec::optional("time_zone"),
        FieldSpec::optional("ambiguous_time"),
        FieldSpec::optional("status"),
        FieldSpec::optional("activity_kind"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let course_id = reader.optional("course_id");
        let club_id = reader.optional("club_id");
        let venue_id = reader.required("venue_id");
        let instructor_ids = reader.defaulted("instructor_ids", Vec::new());
        let date = reader.required("date");
        let start_time = reader.required("start_time");
        let end_time = reader.required("end_time");
        let end_date = reader.optional("end_date");
        let time_zone = reader.optional("time_zone");
        let ambiguous_time = reader.defaulted("ambiguous_time", AmbiguousTime::Earlier);
        let status = reader.defaulted("status", SessionStatus::Scheduled);
        let activity_kind = reader.optional("activity_kind");
        let owner = match (reader.has("course_id"), reader.has("club_id")) {
            (true, false) => course_id.map(SessionOwner::Course),
            (false, true) => club_id.map(SessionOwner::Club),
            (both, _) => {
                let field = if both { "club_id" } else { "course_id" };
                reader.report_field(codes::SESSION_OWNER, field);
                None
            }
        };
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            owner: owner?,
            venue_id: venue_id?,
            instructor_ids: instructor_ids?,
            date: date?,
            start_time: start_time?,
            end_time: end_time?,
            end_date,
            time_zone,
            ambiguous_time: ambiguous_time?,
            status: status?,
            activity_kind,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put_opt("course_id", &self.course_id());
        writer.put_opt("club_id", &self.club_id());
        writer.put("venue_id", &self.venue_id);
        writer.put_list("instructor_ids", &self.instructor_ids);
        writer.put("date", &self.date);
        writer.put("start_time", &self.start_time);
        writer.put("end_time", &self.end_time);
        writer.put_opt("end_date", &self.end_date);
        writer.put_opt("time_zone", &self.time_zone);
        writer.put("ambiguous_time", &self.ambiguous_time);
        writer.put("status", &self.status);
        writer.put_opt("activity_kind", &self.activity_kind);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        if let Some(end_date) = self.end_date
            && end_date < self.date
        {
            problems.push(
                Problem::new(codes::ENDS_BEFORE_START, path.join("end_date"))
                    .with("field", "end_date")
                    .with("value", end_date.to_string())
                    .with("other_field", "date")
                    .with("other_value", self.date.to_string()),
            );
        }
        if self.activity_kind.is_some() && self.club_id().is_none() {
            problems.push(
                Problem::new(codes::FIELD_NOT_APPLICABLE, path.join("activity_kind"))
                    .with("field", "activity_kind")
                    .with("kind", "a course session"),
            );
        }
    }
}
