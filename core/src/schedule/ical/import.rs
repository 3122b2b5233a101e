//! Reading sessions from an iCalendar file.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::text::{
    ContentLine, TimeValue, line_path, parse_content_lines, parse_duration, parse_time_value,
    syntax, unescape_text,
};
use super::{
    XPROP_ACTIVITY_KIND, XPROP_AMBIGUOUS_TIME, XPROP_CLUB_ID, XPROP_COURSE_ID,
    XPROP_INSTRUCTOR_IDS, XPROP_SOURCE_KEY, XPROP_SOURCE_SYSTEM, XPROP_TIME_ZONE, XPROP_VENUE_ID,
};
use crate::field::FieldValue;
use crate::id::{ClubId, CourseId, InstructorId, SessionId, VenueId, derive_id};
use crate::model::{
    AmbiguousTime, ClubActivityKind, Session, SessionOwner, SessionStatus, SourceRef, Venue,
};
use crate::problem::{Path, Problem, Problems, codes as field_codes};
use crate::record::Record;
use crate::schedule::recurrence::{fit_local_times, set_local_end};
use crate::schedule::{
    CalendarSet, Expansion, Frequency, MAX_SERIES_SESSIONS, Series, SeriesEnd, SeriesId,
    SessionTimes, Weekday, codes, expand_series, pattern_dates, resolve_local,
};

/// The most sessions one import may produce, all events together.
pub const MAX_IMPORT_SESSIONS: usize = 100_000;

/// The longest file an import reads, in bytes: 128 MiB, room for an
/// exported file of [`MAX_IMPORT_SESSIONS`] sessions at about 1,300 bytes
/// each.
pub const MAX_IMPORT_BYTES: usize = 128 * 1024 * 1024;

/// What an import needs besides the file.
#[derive(Clone, Copy, Debug)]
pub struct ImportOptions<'a> {
    /// The course of the sessions, for events without `X-XUETONG-COURSE-ID`.
    pub course_id: Option<CourseId>,
    /// The club of the sessions, instead of a course.
    pub club_id: Option<ClubId>,
    /// The venue of the sessions, for events without `X-XUETONG-VENUE-ID`.
    pub venue_id: Option<VenueId>,
    /// The zone of times written without one (floating or UTC), ahead of
    /// the calendar's `X-WR-TIMEZONE`.
    pub time_zone: Option<Tz>,
    /// The last date of rules that have neither `COUNT` nor `UNTIL`.
    pub until: Option<NaiveDate>,
    /// The holiday calendar whose days off recurring events skip.
    pub holiday_calendar: Option<&'a str>,
    /// The calendars `holiday_calendar` is looked up in.
    pub calendars: &'a CalendarSet,
    /// Venues: a session whose zone is its venue's leaves `time_zone` empty.
    pub venues: &'a [Venue],
}

/// The sessions read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedCalendar {
    /// The sessions with their instants, ordered by start.
    pub sessions: Vec<(Session, SessionTimes)>,
    /// The number of `VEVENT` components read.
    pub events: usize,
}

/// One `VEVENT`: the line it begins on and its own properties (those of
/// nested components such as `VALARM` are left out).
struct Event {
    line: usize,
    properties: Vec<ContentLine>,
}

impl Event {
    fn get(&self, name: &str) -> Option<&ContentLine> {
        self.properties.iter().find(|line| line.name == name)
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ContentLine> + 'a {
        self.properties.iter().filter(move |line| line.name == name)
    }

    fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(|line| unescape_text(line.value.trim()))
    }
}

/// Reads the events of an iCalendar (RFC 5545) file as sessions.
///
/// A single event becomes one session, with the `UID` as its id when the
/// `UID` is a UUID (otherwise the id is derived from the `UID`). A
/// recurring event (`RRULE` with `FREQ=DAILY` or `WEEKLY`, `INTERVAL`,
/// `BYDAY`, `WKST`, `COUNT` or `UNTIL`, and `EXDATE`) becomes a
/// [`Series`] whose id is the `UID` (or derived from it), expanded with
/// [`expand_series`]. Imported rules keep their RFC 5545 meaning: `COUNT`
/// counts the dates of the rule, so `EXDATE` and skipped holidays make the
/// series shorter rather than longer. A `RECURRENCE-ID` event moves or
/// cancels one session of its series. `X-XUETONG-*` properties written by
/// [`export_calendar`](super::export_calendar) restore the session's ids and
/// settings, so exporting and importing gives the same sessions.
///
/// Times with a `TZID` are read in that IANA zone (a Mozilla-style prefix
/// such as `/mozilla.org/20050126_1/` and a few Windows zone names are
/// understood). A repeated local time means its first occurrence, as RFC
/// 5545 section 3.3.5 specifies. A time that does not exist is an error
/// here, where RFC 5545 would shift it, because a session is never moved
/// silently.
///
/// # Errors
///
/// Returns every problem found, each at `["text", line]` for the line it
/// concerns: syntax, missing properties, unsupported rule parts, unknown
/// zones, all-day events, times that do not exist, and the problems of
/// [`expand_series`]. A file longer than [`MAX_IMPORT_BYTES`] is
/// `ical_too_large` at `["text"]` and is not read. A `holiday_calendar`
/// that `calendars` lacks is `unknown_holiday_calendar` at
/// `["options", "holiday_calendar"]`, even in a file with no recurring
/// event. Events whose sessions together pass [`MAX_IMPORT_SESSIONS`] are
/// `ical_too_many_sessions` at the event that passed it, and the events
/// after it are not expanded.
pub fn import_calendar(
    text: &str,
    options: &ImportOptions<'_>,
) -> Result<ImportedCalendar, Problems> {
    import_with_limit(text, options, MAX_IMPORT_SESSIONS)
}

fn import_with_limit(
    text: &str,
    options: &ImportOptions<'_>,
    max_sessions: usize,
) -> Result<ImportedCalendar, Problems> {
    if text.len() > MAX_IMPORT_BYTES {
        return Err(
            Problem::new(codes::ICAL_TOO_LARGE, Path::root().join("text"))
                .with("size", text.len())
                .with("max", MAX_IMPORT_BYTES)
                .into(),
        );
    }
    // Checked before any event, not only when a recurring event applies
    // it, so that an unknown id is named at the option in every file.
    if let Some(id) = options.holiday_calendar
        && options.calendars.get(id).is_none()
    {
        let path = Path::root().join("options").join("holiday_calendar");
        return Err(options.calendars.unknown_id_problem(id, path).into());
    }
    let lines = parse_content_lines(text)?;
    let (events, calendar_zone) = split_events(&lines)?;
    let default_zone = options.time_zone.or(calendar_zone);

    let mut problems = Problems::new();
    let mut masters: BTreeMap<String, Vec<(Session, SessionTimes)>> = BTreeMap::new();
    // The lines of the events that gave each UID and session id, to report
    // a second event that gives the same one.
    let mut uid_lines: BTreeMap<String, usize> = BTreeMap::new();
    let mut id_lines: BTreeMap<SessionId, usize> = BTreeMap::new();
    let mut overrides = Vec::new();
    // Each event expands to at most MAX_SERIES_SESSIONS sessions, so
    // counting after every event keeps the work within one series of the
    // limit.
    let mut produced = 0usize;
    for event in &events {
        if event.get("RECURRENCE-ID").is_some() {
            overrides.push(event);
            continue;
        }
        match read_event(event, default_zone, options) {
            Ok((uid, sessions)) => {
                produced += sessions.len();
                if produced > max_sessions {
                    problems.push(
                        Problem::new(codes::ICAL_TOO_MANY_SESSIONS, line_path(event.line))
                            .with("max", max_sessions),
                    );
                    break;
                }
                let earlier = uid_lines.get(&uid).or_else(|| {
                    sessions
                        .iter()
                        .find_map(|(session, _)| id_lines.get(&session.id))
                });
                if let Some(earlier) = earlier {
                    problems.push(repeated_identity(event, &uid, *earlier));
                    continue;
                }
                uid_lines.insert(uid.clone(), event.line);
                for (session, _) in &sessions {
                    id_lines.insert(session.id, event.line);
                }
                masters.insert(uid, sessions);
            }
            Err(found) => problems.extend(found),
        }
    }
    // Overrides name an occurrence by its original date or start, which an
    // earlier override may have moved.
    let originals: BTreeMap<String, Vec<(NaiveDate, DateTime<Utc>)>> = masters
        .iter()
        .map(|(uid, sessions)| {
            let keys = sessions
                .iter()
                .map(|(session, times)| (session.date, times.starts_at))
                .collect();
            (uid.clone(), keys)
        })
        .collect();
    let mut overridden: BTreeMap<(String, usize), usize> = BTreeMap::new();
    for event in overrides {
        if let Err(problem) = apply_override(event, &mut masters, &originals, &mut overridden) {
            problems.push(problem);
        }
    }
    if !problems.is_empty() {
        // Every event without an owner reports the same missing option; one
        // report is enough.
        let mut seen = std::collections::BTreeSet::new();
        problems
            .0
            .retain(|problem| seen.insert((problem.code, problem.path.clone())));
        return Err(problems);
    }
    let mut sessions: Vec<(Session, SessionTimes)> = masters.into_values().flatten().collect();
    sessions.sort_by(|(a, a_times), (b, b_times)| {
        (a_times.starts_at, a.id).cmp(&(b_times.starts_at, b.id))
    });
    Ok(ImportedCalendar {
        sessions,
        events: events.len(),
    })
}

/// The problem of an event that repeats the `UID` of the event on line
/// `earlier` without `RECURRENCE-ID`, or gives a session the id of one of
/// its sessions (as two spellings of one UUID do). RFC 5545 makes a `UID`
/// unique, and two sessions with one id would overwrite each other.
fn repeated_identity(event: &Event, uid: &str, earlier: usize) -> Problem {
    syntax(
        event.line,
        format!(
            "the event with UID {uid} repeats the identity of the event on line {earlier}; give each event its own UID, and mark a changed occurrence with RECURRENCE-ID"
        ),
    )
}

/// Splits the content lines into events, and returns the calendar's
/// `X-WR-TIMEZONE` when it names a known zone.
fn split_events(lines: &[ContentLine]) -> Result<(Vec<Event>, Option<Tz>), Problems> {
    let mut problems = Problems::new();
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut events = Vec::new();
    let mut current: Option<Event> = None;
    let mut calendar_zone = None;
    let mut saw_calendar = false;
    for line in lines {
        match line.name.as_str() {
            "BEGIN" => {
                let component = line.value.trim().to_ascii_uppercase();
                if component == "VCALENDAR" {
                    saw_calendar = true;
                }
                if component == "VEVENT" && stack.len() == 1 {
                    current = Some(Event {
                        line: line.line,
                        properties: Vec::new(),
                    });
                }
                stack.push((component, line.line));
            }
            "END" => {
                let component = line.value.trim().to_ascii_uppercase();
                match stack.pop() {
                    Some((open, _)) if open == component => {
                        if component == "VEVENT"
                            && stack.len() == 1
                            && let Some(event) = current.take()
                        {
                            events.push(event);
                        }
                    }
                    Some((open, _)) => problems.push(syntax(
                        line.line,
                        format!("END:{component} closes BEGIN:{open}"),
                    )),
                    None => {
                        problems.push(syntax(line.line, format!("END:{component} has no BEGIN")))
                    }
                }
            }
            _ if stack.len() == 2 && stack[1].0 == "VEVENT" => {
                if let Some(event) = current.as_mut() {
                    event.properties.push(line.clone());
                }
            }
            "X-WR-TIMEZONE" if stack.len() == 1 => {
                calendar_zone = resolve_zone_name(line.value.trim());
            }
            _ => {}
        }
    }
    if let Some((open, line)) = stack.last() {
        problems.push(syntax(*line, format!("BEGIN:{open} is never closed")));
    }
    if !saw_calendar {
        problems.push(syntax(
            lines.first().map_or(1, |line| line.line),
            "the file has no BEGIN:VCALENDAR",
        ));
    }
    problems.into_result((events, calendar_zone))
}

/// Windows zone names that calendar programs write, with their IANA zones
/// (from the CLDR `windowsZones` table, territory 001).
const WINDOWS_ZONES: &[(&str, Tz)] = &[
    ("China Standard Time", chrono_tz::Asia::Shanghai),
    ("Taipei Standard Time", chrono_tz::Asia::Taipei),
    ("Tokyo Standard Time", chrono_tz::Asia::Tokyo),
    ("Singapore Standard Time", chrono_tz::Asia::Singapore),
    ("GMT Standard Time", chrono_tz::Europe::London),
    ("W. Europe Standard Time", chrono_tz::Europe::Berlin),
    ("Eastern Standard Time", chrono_tz::America::New_York),
    ("Pacific Standard Time", chrono_tz::America::Los_Angeles),
    ("UTC", chrono_tz::UTC),
];

/// Reads a `TZID`: an IANA name, an IANA name behind a prefix such as
/// `/mozilla.org/20050126_1/`, or a Windows zone name from
/// [`WINDOWS_ZONES`].
pub(crate) fn resolve_zone_name(name: &str) -> Option<Tz> {
    let name = name.trim();
    if let Ok(zone) = name.parse::<Tz>() {
        return Some(zone);
    }
    if let Some((_, zone)) = WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(name))
    {
        return Some(*zone);
    }
    name.char_indices()
        .filter(|(_, c)| *c == '/')
        .find_map(|(position, _)| name[position + 1..].parse::<Tz>().ok())
}

fn tzid_zone(line: &ContentLine) -> Result<Option<Tz>, Problem> {
    match line.param("TZID") {
        None => Ok(None),
        Some(name) => resolve_zone_name(name).map(Some).ok_or_else(|| {
            Problem::new(codes::ICAL_UNKNOWN_TIME_ZONE, line_path(line.line)).with("value", name)
        }),
    }
}

/// The zone an event's local times are written in.
fn event_zone(event: &Event, default_zone: Option<Tz>) -> Result<Tz, Problem> {
    for name in ["DTSTART", "DTEND"] {
        if let Some(line) = event.get(name)
            && let Some(zone) = tzid_zone(line)?
        {
            return Ok(zone);
        }
    }
    if let Some(line) = event.get(XPROP_TIME_ZONE) {
        return resolve_zone_name(line.value.trim()).ok_or_else(|| {
            Problem::new(codes::ICAL_UNKNOWN_TIME_ZONE, line_path(line.line))
                .with("value", line.value.trim())
        });
    }
    default_zone.ok_or_else(|| Problem::new(codes::ICAL_TIME_ZONE_MISSING, line_path(event.line)))
}

/// Reads a DATE-TIME property as an instant, reading a local time in its
/// `TZID` zone or else `zone`.
fn instant_of(line: &ContentLine, zone: Tz) -> Result<DateTime<Utc>, Problem> {
    let value = parse_time_value(&line.value).ok_or_else(|| invalid_time_value(line))?;
    match value {
        TimeValue::Utc(instant) => Ok(instant),
        TimeValue::Local(local) => {
            let zone = tzid_zone(line)?.unwrap_or(zone);
            first_reading(local, zone).ok_or_else(|| {
                Problem::new(codes::NONEXISTENT_LOCAL_TIME, line_path(line.line))
                    .with("field", line.name.clone())
                    .with("value", local.format("%Y-%m-%d %H:%M").to_string())
                    .with("time_zone", zone.name())
            })
        }
        TimeValue::Date(_) => Err(Problem::new(
            codes::ICAL_ALL_DAY_EVENT,
            line_path(line.line),
        )),
    }
}

/// The instant a local time means under RFC 5545: the first of a repeated
/// time, and nothing for a time in a gap.
fn first_reading(local: NaiveDateTime, zone: Tz) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(value) | LocalResult::Ambiguous(value, _) => {
            Some(value.with_timezone(&Utc))
        }
        LocalResult::None => None,
    }
}

fn invalid_time_value(line: &ContentLine) -> Problem {
    syntax(
        line.line,
        format!(
            "{} must be a date YYYYMMDD or a date and time YYYYMMDDTHHMMSS, got \"{}\"",
            line.name, line.value
        ),
    )
}

fn missing(event: &Event, property: &str) -> Problem {
    Problem::new(codes::ICAL_MISSING_PROPERTY, line_path(event.line)).with("property", property)
}

/// Reads a typed id from an `X-XUETONG-*` property.
fn xprop_id<T: FieldValue>(event: &Event, name: &str) -> Result<Option<T>, Problem> {
    let Some(line) = event.get(name) else {
        return Ok(None);
    };
    T::from_text(line.value.trim())
        .map(Some)
        .map_err(|invalid| {
            Problem::new(invalid.code, line_path(line.line))
                .with("field", name)
                .with("value", line.value.trim())
        })
}

/// The owner, venue and settings every session of an event shares.
struct Shared {
    owner: SessionOwner,
    venue_id: VenueId,
    instructor_ids: Vec<InstructorId>,
    activity_kind: Option<ClubActivityKind>,
    status: SessionStatus,
    prefers_later: bool,
}

fn read_shared(event: &Event, options: &ImportOptions<'_>) -> Result<Shared, Problems> {
    let mut problems = Problems::new();
    let course: Option<CourseId> = xprop_id(event, XPROP_COURSE_ID).unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    let club: Option<ClubId> = xprop_id(event, XPROP_CLUB_ID).unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    let venue: Option<VenueId> = xprop_id(event, XPROP_VENUE_ID).unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    let mut instructor_ids = Vec::new();
    if let Some(line) = event.get(XPROP_INSTRUCTOR_IDS) {
        for part in line.value.split(',') {
            let part = part.trim().trim_end_matches('\\');
            match part.parse::<InstructorId>() {
                Ok(id) => instructor_ids.push(id),
                Err(_) => problems.push(
                    Problem::new(field_codes::INVALID_UUID, line_path(line.line))
                        .with("field", XPROP_INSTRUCTOR_IDS)
                        .with("value", part),
                ),
            }
        }
    }
    let activity_kind = match event.get(XPROP_ACTIVITY_KIND) {
        None => None,
        Some(line) => match ClubActivityKind::parse(line.value.trim()) {
            Some(kind) => Some(kind),
            None => {
                problems.push(
                    Problem::new(field_codes::INVALID_CHOICE, line_path(line.line))
                        .with("field", XPROP_ACTIVITY_KIND)
                        .with("value", line.value.trim())
                        .with("allowed", ClubActivityKind::allowed()),
                );
                None
            }
        },
    };
    // The event's own owner comes first, then the import options.
    let owner = match (course, club, options.course_id, options.club_id) {
        (Some(course), _, _, _) => Some(SessionOwner::Course(course)),
        (None, Some(club), _, _) => Some(SessionOwner::Club(club)),
        (None, None, Some(course), _) => Some(SessionOwner::Course(course)),
        (None, None, None, Some(club)) => Some(SessionOwner::Club(club)),
        (None, None, None, None) => {
            problems.push(
                Problem::new(
                    field_codes::REQUIRED,
                    Path::root().join("options").join("course_id"),
                )
                .with("field", "course_id"),
            );
            None
        }
    };
    let venue_id = venue.or(options.venue_id);
    if venue_id.is_none() {
        problems.push(
            Problem::new(
                field_codes::REQUIRED,
                Path::root().join("options").join("venue_id"),
            )
            .with("field", "venue_id"),
        );
    }
    let status = match event.text("STATUS") {
        Some(status) if status.eq_ignore_ascii_case("CANCELLED") => SessionStatus::Cancelled,
        _ => SessionStatus::Scheduled,
    };
    let prefers_later = event
        .text(XPROP_AMBIGUOUS_TIME)
        .is_some_and(|value| value.eq_ignore_ascii_case("later"));
    match (owner, venue_id) {
        (Some(owner), Some(venue_id)) if problems.is_empty() => Ok(Shared {
            owner,
            venue_id,
            instructor_ids,
            activity_kind,
            status,
            prefers_later,
        }),
        _ => Err(problems),
    }
}

/// Reads one event without `RECURRENCE-ID`, returning its `UID` and
/// sessions.
fn read_event(
    event: &Event,
    default_zone: Option<Tz>,
    options: &ImportOptions<'_>,
) -> Result<(String, Vec<(Session, SessionTimes)>), Problems> {
    let uid = event.text("UID").ok_or_else(|| missing(event, "UID"))?;
    let start_line = event
        .get("DTSTART")
        .ok_or_else(|| missing(event, "DTSTART"))?;
    if event.get("RDATE").is_some() {
        return Err(unsupported(event.get("RDATE"), "RDATE").into());
    }
    // Reading only the first rule would drop the dates of the others, and
    // skipping EXRULE would keep dates it excludes.
    if let Some(second) = event.all("RRULE").nth(1) {
        return Err(unsupported(Some(second), "a second RRULE").into());
    }
    if let Some(exrule) = event.get("EXRULE") {
        return Err(unsupported(Some(exrule), "EXRULE").into());
    }
    if let Some(TimeValue::Date(_)) = parse_time_value(&start_line.value) {
        return Err(Problem::new(codes::ICAL_ALL_DAY_EVENT, line_path(start_line.line)).into());
    }
    let zone = event_zone(event, default_zone)?;
    let starts_at = instant_of(start_line, zone)?;
    let ends_at = end_instant(event, starts_at, zone)?;
    let shared = read_shared(event, options)?;
    let venue_zone = options
        .venues
        .iter()
        .find(|venue| venue.id == shared.venue_id)
        .map(|venue| venue.time_zone);
    let sessions = match event.get("RRULE") {
        None => {
            let session =
                single_session(event, &uid, &shared, starts_at, ends_at, zone, venue_zone)?;
            vec![session]
        }
        Some(rule) => recurring_sessions(
            event, rule, &uid, &shared, starts_at, ends_at, zone, venue_zone, options,
        )?,
    };
    Ok((uid, sessions))
}

fn unsupported(line: Option<&ContentLine>, part: &str) -> Problem {
    Problem::new(
        codes::ICAL_UNSUPPORTED,
        line_path(line.map_or(0, |line| line.line)),
    )
    .with("part", part)
}

/// The end of an event: `DTEND`, or `DTSTART` plus `DURATION`, whose days
/// and weeks move the local date (RFC 5545 section 3.3.6).
fn end_instant(
    event: &Event,
    starts_at: DateTime<Utc>,
    zone: Tz,
) -> Result<DateTime<Utc>, Problem> {
    if let Some(line) = event.get("DTEND") {
        return instant_of(line, zone);
    }
    let Some(line) = event.get("DURATION") else {
        return Err(missing(event, "DTEND"));
    };
    let duration = parse_duration(&line.value).ok_or_else(|| {
        syntax(
            line.line,
            format!(
                "DURATION must be written like PT1H30M, got \"{}\"",
                line.value
            ),
        )
    })?;
    let local = starts_at.with_timezone(&zone).naive_local();
    let moved = if duration.days >= 0 {
        local.checked_add_days(Days::new(duration.days.unsigned_abs()))
    } else {
        local.checked_sub_days(Days::new(duration.days.unsigned_abs()))
    };
    let nominal = moved
        .and_then(|moved| first_reading(moved, zone))
        .ok_or_else(|| {
            Problem::new(codes::NONEXISTENT_LOCAL_TIME, line_path(line.line))
                .with("field", "DURATION")
                .with("value", line.value.trim())
                .with("time_zone", zone.name())
        })?;
    Ok(nominal + duration.exact)
}

/// The session id and source of a single event with `uid`.
fn single_identity(event: &Event, uid: &str) -> (SessionId, Option<SourceRef>) {
    let source = match (
        event.text(XPROP_SOURCE_SYSTEM),
        event.text(XPROP_SOURCE_KEY),
    ) {
        (Some(system), Some(key)) => Some(SourceRef {
            system: system.into(),
            key,
        }),
        _ => None,
    };
    match uid.parse::<Uuid>() {
        Ok(uuid) => (SessionId(uuid), source),
        Err(_) => (
            SessionId::derive("ical", uid),
            source.or_else(|| {
                Some(SourceRef {
                    system: "ical".into(),
                    key: uid.to_owned(),
                })
            }),
        ),
    }
}

fn single_session(
    event: &Event,
    uid: &str,
    shared: &Shared,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    zone: Tz,
    venue_zone: Option<Tz>,
) -> Result<(Session, SessionTimes), Problems> {
    let (id, source) = single_identity(event, uid);
    let local_start = starts_at.with_timezone(&zone).naive_local();
    let mut session = Session {
        id,
        source,
        owner: shared.owner,
        venue_id: shared.venue_id,
        instructor_ids: shared.instructor_ids.clone(),
        date: local_start.date(),
        start_time: local_start.time(),
        end_time: local_start.time(),
        end_date: None,
        time_zone: (Some(zone) != venue_zone).then_some(zone),
        ambiguous_time: if shared.prefers_later {
            AmbiguousTime::Later
        } else {
            AmbiguousTime::Earlier
        },
        status: shared.status,
        activity_kind: shared.activity_kind,
    };
    set_local_end(&mut session, ends_at, zone);
    let times = fit_local_times(&mut session, starts_at, ends_at, zone)
        .map_err(|problem| at_line(problem, event.line))?;
    // Reading the record back applies the record's own rules, such as an
    // id that must match its source.
    Session::from_json(&session.to_json(), &Path::root())
        .map_err(|problems| at_line_all(problems, event.line))?;
    Ok((session, times))
}

fn at_line(mut problem: Problem, line: usize) -> Problem {
    problem.path = line_path(line);
    problem
}

fn at_line_all(problems: Problems, line: usize) -> Problems {
    Problems(
        problems
            .into_iter()
            .map(|problem| at_line(problem, line))
            .collect(),
    )
}

/// A parsed `RRULE`.
struct Rule {
    frequency: Frequency,
    interval: u32,
    weekdays: Vec<Weekday>,
    week_start: Weekday,
    count: Option<u32>,
    until: Option<TimeValue>,
}

fn parse_rule(line: &ContentLine) -> Result<Rule, Problem> {
    let mut rule = Rule {
        frequency: Frequency::Weekly,
        interval: 1,
        weekdays: Vec::new(),
        week_start: Weekday::Monday,
        count: None,
        until: None,
    };
    let mut frequency = None;
    for part in line.value.split(';').filter(|part| !part.trim().is_empty()) {
        let (key, value) = part
            .split_once('=')
            .ok_or_else(|| syntax(line.line, format!("rule part \"{part}\" has no '='")))?;
        let key = key.trim().to_ascii_uppercase();
        let value = value.trim();
        let number = |value: &str| {
            value.parse::<u32>().map_err(|_| {
                syntax(
                    line.line,
                    format!("{key} must be a whole number, got \"{value}\""),
                )
            })
        };
        match key.as_str() {
            "FREQ" => {
                frequency = Some(match value.to_ascii_uppercase().as_str() {
                    "DAILY" => Frequency::Daily,
                    "WEEKLY" => Frequency::Weekly,
                    other => return Err(unsupported(Some(line), &format!("FREQ={other}"))),
                });
            }
            "INTERVAL" => rule.interval = number(value)?,
            "COUNT" => {
                let count = number(value)?;
                if count == 0 {
                    return Err(syntax(line.line, "COUNT must be at least 1, got \"0\""));
                }
                rule.count = Some(count);
            }
            "UNTIL" => {
                rule.until = Some(parse_time_value(value).ok_or_else(|| {
                    syntax(
                        line.line,
                        format!("UNTIL value \"{value}\" is not a date or date and time"),
                    )
                })?);
            }
            "BYDAY" => {
                for day in value.split(',') {
                    let day = day.trim();
                    rule.weekdays.push(
                        Weekday::from_ical_name(day)
                            .ok_or_else(|| unsupported(Some(line), &format!("BYDAY={day}")))?,
                    );
                }
            }
            "WKST" => {
                rule.week_start = Weekday::from_ical_name(value).ok_or_else(|| {
                    syntax(line.line, format!("WKST \"{value}\" is not a weekday"))
                })?;
            }
            other => return Err(unsupported(Some(line), other)),
        }
    }
    rule.frequency = frequency.ok_or_else(|| syntax(line.line, "the rule has no FREQ"))?;
    if rule.count.is_some() && rule.until.is_some() {
        return Err(syntax(
            line.line,
            "a rule must not have both COUNT and UNTIL",
        ));
    }
    Ok(rule)
}

/// The local date of an `EXDATE` or `UNTIL` value in `zone`.
fn local_date(value: TimeValue, line: &ContentLine, zone: Tz) -> Result<NaiveDate, Problem> {
    Ok(match value {
        TimeValue::Date(date) => date,
        TimeValue::Utc(instant) => instant.with_timezone(&zone).date_naive(),
        TimeValue::Local(local) => match tzid_zone(line)? {
            Some(own) if own != zone => match first_reading(local, own) {
                Some(instant) => instant.with_timezone(&zone).date_naive(),
                None => local.date(),
            },
            _ => local.date(),
        },
    })
}

#[allow(
    clippy::too_many_arguments,
    reason = "the pieces of one event, read once by the caller"
)]
fn recurring_sessions(
    event: &Event,
    rule_line: &ContentLine,
    uid: &str,
    shared: &Shared,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    zone: Tz,
    venue_zone: Option<Tz>,
    options: &ImportOptions<'_>,
) -> Result<Vec<(Session, SessionTimes)>, Problems> {
    let rule = parse_rule(rule_line)?;
    let local_start = starts_at.with_timezone(&zone).naive_local();
    let seconds = (ends_at - starts_at).num_seconds();
    if seconds % 60 != 0 {
        return Err(unsupported(
            event.get("DTEND").or(event.get("DURATION")),
            "seconds in the length",
        )
        .into());
    }
    let later = resolve_local(
        local_start.date(),
        local_start.time(),
        zone,
        AmbiguousTime::Earlier,
    )
    .is_ok_and(|earlier| earlier != starts_at);
    let mut exclude_dates = Vec::new();
    for line in event.all("EXDATE") {
        for value in line.value.split(',') {
            let parsed = parse_time_value(value).ok_or_else(|| invalid_time_value(line))?;
            exclude_dates.push(local_date(parsed, line, zone)?);
        }
    }
    let id = match uid.parse::<Uuid>() {
        Ok(uuid) => SeriesId(uuid),
        Err(_) => SeriesId(derive_id("series", "ical", uid)),
    };
    let mut series = Series {
        id,
        owner: shared.owner,
        venue_id: shared.venue_id,
        instructor_ids: shared.instructor_ids.clone(),
        time_zone: Some(zone),
        frequency: rule.frequency,
        interval: rule.interval,
        weekdays: rule.weekdays.clone(),
        week_start: rule.week_start,
        start_date: local_start.date(),
        end: SeriesEnd::Count(1),
        start_time: local_start.time(),
        duration_minutes: u32::try_from(seconds / 60).unwrap_or(0),
        exclude_dates,
        holiday_calendar: options.holiday_calendar.map(str::to_owned),
        ambiguous_time: if later {
            AmbiguousTime::Later
        } else {
            AmbiguousTime::Earlier
        },
        activity_kind: shared.activity_kind,
    };
    if pattern_dates(&series).next() != Some(series.start_date) {
        return Err(
            Problem::new(codes::ICAL_DTSTART_NOT_IN_RULE, line_path(rule_line.line))
                .with("date", series.start_date.to_string())
                .into(),
        );
    }
    series.end = match (rule.count, rule.until) {
        (Some(count), _) => {
            if count > MAX_SERIES_SESSIONS {
                return Err(
                    Problem::new(codes::SERIES_TOO_LONG, line_path(rule_line.line))
                        .with("max", MAX_SERIES_SESSIONS)
                        .into(),
                );
            }
            let last = pattern_dates(&series)
                .take(count.max(1) as usize)
                .last()
                .unwrap_or(series.start_date);
            SeriesEnd::Until(last)
        }
        (None, Some(until)) => SeriesEnd::Until(until_date(until, rule_line, &series, zone)?),
        (None, None) => match options.until {
            Some(until) => SeriesEnd::Until(until),
            None => {
                return Err(
                    Problem::new(codes::ICAL_UNBOUNDED_RULE, line_path(rule_line.line)).into(),
                );
            }
        },
    };
    let problems = series.validate();
    if !problems.is_empty() {
        return Err(at_line_all(problems, rule_line.line));
    }
    let expansion = expand_series(&series, venue_zone, options.calendars)
        .map_err(|problems| at_line_all(problems, rule_line.line))?;
    if let Some(problem) = utc_start_mismatch(event, &rule, &expansion, starts_at, zone) {
        return Err(problem.into());
    }
    Ok(expansion
        .sessions
        .into_iter()
        .map(|numbered| {
            let mut session = numbered.session;
            session.status = shared.status;
            (session, numbered.times)
        })
        .collect())
}

/// The problem of a recurring event whose `DTSTART` is written in UTC when
/// the series, which repeats a local date and time, does not repeat what
/// RFC 5545 does: the UTC time, on UTC weekdays. The two agree while the
/// zone's offset stays the same, and for `BYDAY` only while the start has
/// the same date locally as in UTC.
fn utc_start_mismatch(
    event: &Event,
    rule: &Rule,
    expansion: &Expansion,
    starts_at: DateTime<Utc>,
    zone: Tz,
) -> Option<Problem> {
    let start_line = event.get("DTSTART");
    let written_in_utc = start_line
        .and_then(|line| parse_time_value(&line.value))
        .is_some_and(|value| matches!(value, TimeValue::Utc(_)));
    if !written_in_utc {
        return None;
    }
    let local_date = starts_at.with_timezone(&zone).date_naive();
    let part = if !rule.weekdays.is_empty() && local_date != starts_at.date_naive() {
        format!(
            "a DTSTART in UTC on {} that is {local_date} in {}, with BYDAY",
            starts_at.date_naive(),
            zone.name()
        )
    } else {
        let moved = expansion
            .sessions
            .iter()
            .find(|numbered| numbered.times.starts_at.time() != starts_at.time())?;
        format!(
            "a DTSTART in UTC whose rule crosses a change of UTC offset in {} (on {})",
            zone.name(),
            moved.session.date
        )
    };
    Some(unsupported(
        start_line,
        &format!("{part}; write DTSTART with a TZID"),
    ))
}

/// The last date whose occurrence starts no later than `UNTIL`.
fn until_date(
    until: TimeValue,
    line: &ContentLine,
    series: &Series,
    zone: Tz,
) -> Result<NaiveDate, Problem> {
    let instant = match until {
        TimeValue::Date(date) => return Ok(date),
        TimeValue::Utc(instant) => instant,
        TimeValue::Local(local) => first_reading(local, zone).unwrap_or_else(|| local.and_utc()),
    };
    let date = instant.with_timezone(&zone).date_naive();
    let starts = resolve_local(date, series.start_time, zone, series.ambiguous_time);
    match starts {
        Ok(start) if start <= instant => Ok(date),
        _ => date.pred_opt().ok_or_else(|| invalid_time_value(line)),
    }
}

/// Applies an event with `RECURRENCE-ID` to the session of its series that
/// it replaces: cancelled, or moved to its own `DTSTART` and end.
///
/// The occurrence is found by its original date or start (`originals`, in
/// the order of the series' sessions), and `overridden` records the line of
/// the event that replaced each occurrence, so that a second event for the
/// same occurrence is reported as such.
fn apply_override(
    event: &Event,
    masters: &mut BTreeMap<String, Vec<(Session, SessionTimes)>>,
    originals: &BTreeMap<String, Vec<(NaiveDate, DateTime<Utc>)>>,
    overridden: &mut BTreeMap<(String, usize), usize>,
) -> Result<(), Problem> {
    let uid = event.text("UID").ok_or_else(|| missing(event, "UID"))?;
    let recurrence_line = event
        .get("RECURRENCE-ID")
        .ok_or_else(|| missing(event, "RECURRENCE-ID"))?;
    let unmatched = || {
        Problem::new(codes::ICAL_UNMATCHED_OVERRIDE, line_path(event.line))
            .with("uid", uid.as_str())
            .with("value", recurrence_line.value.trim())
    };
    // RANGE=THISANDFUTURE changes every later occurrence too, which moving
    // one session would silently ignore.
    if let Some(range) = recurrence_line.param("RANGE") {
        return Err(unsupported(
            Some(recurrence_line),
            &format!("RECURRENCE-ID with RANGE={range}"),
        ));
    }
    let sessions = masters.get_mut(&uid).ok_or_else(unmatched)?;
    let keys = originals.get(&uid).ok_or_else(unmatched)?;
    let zone = match sessions.first() {
        Some((_, times)) => times.time_zone,
        None => return Err(unmatched()),
    };
    let original = parse_time_value(&recurrence_line.value)
        .ok_or_else(|| invalid_time_value(recurrence_line))?;
    let position = match original {
        TimeValue::Date(date) => keys.iter().position(|(key, _)| *key == date),
        _ => {
            let instant = instant_of(recurrence_line, zone)?;
            keys.iter().position(|(_, key)| *key == instant)
        }
    }
    .ok_or_else(unmatched)?;
    if let Some(earlier) = overridden.get(&(uid.clone(), position)) {
        return Err(
            Problem::new(codes::ICAL_REPEATED_OVERRIDE, line_path(event.line))
                .with("uid", uid.as_str())
                .with("value", recurrence_line.value.trim())
                .with("line", *earlier),
        );
    }
    overridden.insert((uid.clone(), position), event.line);
    let Some((session, times)) = sessions.get_mut(position) else {
        return Err(unmatched());
    };
    if event
        .text("STATUS")
        .is_some_and(|status| status.eq_ignore_ascii_case("CANCELLED"))
    {
        session.status = SessionStatus::Cancelled;
        return Ok(());
    }
    // Local times are written in the series' zone, whatever zone the
    // replacing event was written in.
    let start_line = event
        .get("DTSTART")
        .ok_or_else(|| missing(event, "DTSTART"))?;
    let starts_at = instant_of(start_line, zone)?;
    let ends_at = end_instant(event, starts_at, zone)?;
    let local_start = starts_at.with_timezone(&zone).naive_local();
    session.date = local_start.date();
    session.start_time = local_start.time();
    set_local_end(session, ends_at, zone);
    *times = fit_local_times(session, starts_at, ends_at, zone)
        .map_err(|problem| at_line(problem, event.line))?;
    Ok(())
}
