//! Writing sessions as an iCalendar file.

use std::collections::BTreeMap;

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::XPROP_VENUE_ID;
use super::text::{LineWriter, escape_text, format_local, format_utc, param_value};
use super::vtimezone::write_vtimezone;
use super::{PRODID, XPROP_ACTIVITY_KIND, XPROP_AMBIGUOUS_TIME, XPROP_CLUB_ID, XPROP_COURSE_ID};
use super::{XPROP_INSTRUCTOR_IDS, XPROP_SOURCE_KEY, XPROP_SOURCE_SYSTEM, XPROP_TIME_ZONE};
use crate::model::{AmbiguousTime, Club, Course, Session, SessionOwner, Venue};
use crate::problem::{Path, Problems};
use crate::schedule::{SessionTimes, session_times};

/// What an export needs besides the sessions: names for people to read, the
/// venues' zones, and the time written into `DTSTAMP`.
#[derive(Clone, Copy, Debug)]
pub struct ExportContext<'a> {
    /// The calendar's name, written as `X-WR-CALNAME`.
    pub name: Option<&'a str>,
    /// When the file is made; RFC 5545 requires it in every event.
    pub generated_at: DateTime<Utc>,
    /// Venues: their zones apply to sessions without one, and their names
    /// become `LOCATION`.
    pub venues: &'a [Venue],
    /// Courses: their titles become `SUMMARY`.
    pub courses: &'a [Course],
    /// Clubs: their names become `SUMMARY`.
    pub clubs: &'a [Club],
}

/// Writes `sessions` as an iCalendar (RFC 5545) file: CRLF line breaks,
/// lines folded at 75 octets, TEXT values escaped, every date and time
/// written with the `TZID` of its IANA zone, and one `VTIMEZONE` per zone
/// used, so that calendar applications place the sessions correctly.
///
/// Events are ordered by start, and each event's `UID` is the session id.
/// A cancelled session is written with `STATUS:CANCELLED`, so a calendar
/// that imported it earlier removes it. The session's ids, source and
/// settings travel in `X-XUETONG-*` properties, which
/// [`import_calendar`](super::import_calendar) reads back.
///
/// A local time that occurs twice means its first occurrence in iCalendar
/// (RFC 5545 section 3.3.5), so a session that means the later one is
/// written in UTC instead.
///
/// NOTE: with no sessions the file has no component, which the grammar of
/// RFC 5545 does not allow; calendar applications generally accept it.
///
/// # Errors
///
/// Returns problems under `["sessions", index]`: `time_zone_unknown` for a
/// session without a zone whose venue is not given, and the problems of
/// [`session_times`].
///
/// # Example
///
/// ```
/// use serde_json::json;
/// use xuetong::model::Session;
/// use xuetong::problem::Path;
/// use xuetong::record::Record;
/// use xuetong::schedule::ical::{ExportContext, export_calendar};
///
/// let session = Session::from_json(&json!({
///     "id": "50000000-0000-4000-8000-000000000001",
///     "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
///     "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
///     "date": "2026-03-02", "start_time": "22:00", "end_time": "01:00",
///     "time_zone": "Asia/Shanghai",
/// }), &Path::root())?;
/// let context = ExportContext {
///     name: Some("Tai chi"),
///     generated_at: "2026-03-01T00:00:00Z".parse().unwrap(),
///     venues: &[],
///     courses: &[],
///     clubs: &[],
/// };
/// let text = export_calendar(&[session], &context)?;
/// assert!(text.contains("DTSTART;TZID=Asia/Shanghai:20260302T220000\r\n"));
/// assert!(text.contains("DTEND;TZID=Asia/Shanghai:20260303T010000\r\n"));
/// assert!(text.contains("BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\n"));
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn export_calendar(
    sessions: &[Session],
    context: &ExportContext<'_>,
) -> Result<String, Problems> {
    let venues: BTreeMap<_, _> = context
        .venues
        .iter()
        .map(|venue| (venue.id, venue))
        .collect();
    let mut problems = Problems::new();
    let mut timed: Vec<(&Session, SessionTimes)> = Vec::with_capacity(sessions.len());
    for (index, session) in sessions.iter().enumerate() {
        let venue_zone = venues.get(&session.venue_id).map(|venue| venue.time_zone);
        match session_times(session, venue_zone) {
            Ok(times) => timed.push((session, times)),
            Err(found) => {
                for mut problem in found {
                    let mut segments = vec!["sessions".into(), index.into()];
                    segments.extend(problem.path.0);
                    problem.path = Path(segments);
                    problems.push(problem);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    timed.sort_by(|(a, a_times), (b, b_times)| {
        (a_times.starts_at, a.id).cmp(&(b_times.starts_at, b.id))
    });

    let mut zones: BTreeMap<&str, (Tz, Vec<DateTime<Utc>>)> = BTreeMap::new();
    for (_, times) in &timed {
        let entry = zones
            .entry(times.time_zone.name())
            .or_insert((times.time_zone, Vec::new()));
        entry.1.extend([times.starts_at, times.ends_at]);
    }

    let mut writer = LineWriter::new();
    writer.line("BEGIN:VCALENDAR");
    writer.line("VERSION:2.0");
    writer.line(&format!("PRODID:{PRODID}"));
    writer.line("CALSCALE:GREGORIAN");
    writer.line("METHOD:PUBLISH");
    if let Some(name) = context.name {
        writer.line(&format!("X-WR-CALNAME:{}", escape_text(name)));
    }
    if zones.len() == 1
        && let Some((zone, _)) = zones.values().next()
    {
        writer.line(&format!("X-WR-TIMEZONE:{}", zone.name()));
    }
    for (zone, instants) in zones.values() {
        write_vtimezone(&mut writer, *zone, instants);
    }
    let stamp = format_utc(context.generated_at);
    for (session, times) in &timed {
        write_event(&mut writer, session, times, &stamp, context, &venues);
    }
    writer.line("END:VCALENDAR");
    Ok(writer.finish())
}

fn write_event(
    writer: &mut LineWriter,
    session: &Session,
    times: &SessionTimes,
    stamp: &str,
    context: &ExportContext<'_>,
    venues: &BTreeMap<crate::id::VenueId, &Venue>,
) {
    let zone = times.time_zone;
    let local_start = NaiveDateTime::new(session.date, session.start_time);
    let local_end = NaiveDateTime::new(
        session.local_end_date().unwrap_or(session.date),
        session.end_time,
    );
    writer.line("BEGIN:VEVENT");
    writer.line(&format!("UID:{}", session.id));
    writer.line(&format!("DTSTAMP:{stamp}"));
    let start_zoned = write_time(writer, "DTSTART", local_start, times.starts_at, zone);
    let end_zoned = write_time(writer, "DTEND", local_end, times.ends_at, zone);
    if !start_zoned && !end_zoned {
        writer.line(&format!("{XPROP_TIME_ZONE}:{}", zone.name()));
    }
    if let Some(summary) = summary(session, context) {
        writer.line(&format!("SUMMARY:{}", escape_text(summary)));
    }
    if let Some(venue) = venues.get(&session.venue_id) {
        writer.line(&format!("LOCATION:{}", escape_text(&venue.name)));
    }
    let status = if session.is_cancelled() {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    writer.line(&format!("STATUS:{status}"));
    match session.owner {
        SessionOwner::Course(course) => writer.line(&format!("{XPROP_COURSE_ID}:{course}")),
        SessionOwner::Club(club) => writer.line(&format!("{XPROP_CLUB_ID}:{club}")),
    }
    writer.line(&format!("{XPROP_VENUE_ID}:{}", session.venue_id));
    if !session.instructor_ids.is_empty() {
        let ids: Vec<String> = session
            .instructor_ids
            .iter()
            .map(ToString::to_string)
            .collect();
        writer.line(&format!("{XPROP_INSTRUCTOR_IDS}:{}", ids.join("\\,")));
    }
    if let Some(source) = &session.source {
        writer.line(&format!(
            "{XPROP_SOURCE_SYSTEM}:{}",
            escape_text(&source.system)
        ));
        writer.line(&format!("{XPROP_SOURCE_KEY}:{}", escape_text(&source.key)));
    }
    if let Some(kind) = session.activity_kind {
        writer.line(&format!("{XPROP_ACTIVITY_KIND}:{kind}"));
    }
    if session.ambiguous_time == AmbiguousTime::Later {
        writer.line(&format!("{XPROP_AMBIGUOUS_TIME}:later"));
    }
    writer.line("END:VEVENT");
}

/// Writes `name` with a `TZID` when the local time means `instant` under
/// RFC 5545's reading (the first of a repeated time), otherwise in UTC.
/// Returns whether the `TZID` form was written.
fn write_time(
    writer: &mut LineWriter,
    name: &str,
    local: NaiveDateTime,
    instant: DateTime<Utc>,
    zone: Tz,
) -> bool {
    let first_reading = match zone.from_local_datetime(&local) {
        LocalResult::Single(value) | LocalResult::Ambiguous(value, _) => {
            Some(value.with_timezone(&Utc))
        }
        LocalResult::None => None,
    };
    if first_reading == Some(instant) {
        writer.line(&format!(
            "{name};TZID={}:{}",
            param_value(zone.name()),
            format_local(local)
        ));
        true
    } else {
        writer.line(&format!("{name}:{}", format_utc(instant)));
        false
    }
}

fn summary<'a>(session: &Session, context: &'a ExportContext<'_>) -> Option<&'a str> {
    match session.owner {
        SessionOwner::Course(id) => context
            .courses
            .iter()
            .find(|course| course.id == id)
            .map(|course| course.title.as_str()),
        SessionOwner::Club(id) => context
            .clubs
            .iter()
            .find(|club| club.id == id)
            .map(|club| club.name.as_str()),
    }
}
