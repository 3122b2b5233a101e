//! iCalendar (RFC 5545) files: recurring events read as sessions, and
//! sessions written for calendar applications.
//!
//! [`import_calendar`] reads `VEVENT`s, single or recurring (`RRULE` with
//! `FREQ=DAILY` or `WEEKLY`, `INTERVAL`, `BYDAY`, `WKST`, `COUNT`, `UNTIL`,
//! and `EXDATE`, with `RECURRENCE-ID` events that move or cancel one
//! occurrence). [`export_calendar`] writes sessions with `TZID`s and one
//! `VTIMEZONE` per zone, CRLF line breaks, lines folded at 75 octets and
//! escaped text, and carries the session's ids in `X-XUETONG-*` properties
//! so that an exported file imports as the same sessions.

mod export;
mod import;
mod text;
mod vtimezone;

pub use export::{ExportContext, export_calendar};
pub use import::{
    ImportOptions, ImportedCalendar, MAX_IMPORT_BYTES, MAX_IMPORT_SESSIONS, import_calendar,
};
pub use text::MAX_LINE_OCTETS;

/// The product identifier written into exported files.
pub const PRODID: &str = "-//xuetong//NONSGML xuetong//EN";

/// The course of a session.
pub const XPROP_COURSE_ID: &str = "X-XUETONG-COURSE-ID";
/// The club of a session.
pub const XPROP_CLUB_ID: &str = "X-XUETONG-CLUB-ID";
/// The venue of a session.
pub const XPROP_VENUE_ID: &str = "X-XUETONG-VENUE-ID";
/// The instructors of a session, separated by commas.
pub const XPROP_INSTRUCTOR_IDS: &str = "X-XUETONG-INSTRUCTOR-IDS";
/// The source system of a session.
pub const XPROP_SOURCE_SYSTEM: &str = "X-XUETONG-SOURCE-SYSTEM";
/// The source key of a session.
pub const XPROP_SOURCE_KEY: &str = "X-XUETONG-SOURCE-KEY";
/// What a club session is for.
pub const XPROP_ACTIVITY_KIND: &str = "X-XUETONG-ACTIVITY-KIND";
/// `later` when a session's repeated local times mean the later instant.
pub const XPROP_AMBIGUOUS_TIME: &str = "X-XUETONG-AMBIGUOUS-TIME";
/// The zone of a session whose start and end are both written in UTC.
pub const XPROP_TIME_ZONE: &str = "X-XUETONG-TIME-ZONE";
