use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use thiserror::Error;

use crate::model::{AmbiguousTime, Session};
use crate::problem::{Path, Problem, Problems};

use super::codes;

/// Why a local date and time could not be turned into an instant.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum LocalTimeError {
    /// The local time falls in a gap where clocks jump forward.
    #[error(
        "{date} {time} does not exist in {zone} because clocks jump forward then; choose a time outside the gap"
    )]
    Nonexistent {
        /// The local date.
        date: NaiveDate,
        /// The local time.
        time: NaiveTime,
        /// The zone.
        zone: Tz,
    },
}

/// Turns a local date and time in `zone` into a UTC instant.
///
/// # Errors
///
/// Returns [`LocalTimeError::Nonexistent`] for a time skipped when clocks
/// jump forward.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, NaiveTime};
/// use xuetong::schedule::{AmbiguousTime, resolve_local};
///
/// let date = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
/// let time = NaiveTime::from_hms_opt(1, 30, 0).unwrap();
/// let zone = chrono_tz::America::Toronto;
/// // 01:30 happens twice in Toronto on 1 November 2026.
/// let first = resolve_local(date, time, zone, AmbiguousTime::Earlier)?;
/// let second = resolve_local(date, time, zone, AmbiguousTime::Later)?;
/// assert_eq!(first.to_rfc3339(), "2026-11-01T05:30:00+00:00");
/// assert_eq!((second - first).num_minutes(), 60);
/// # Ok::<(), xuetong::schedule::LocalTimeError>(())
/// ```
pub fn resolve_local(
    date: NaiveDate,
    time: NaiveTime,
    zone: Tz,
    ambiguous: AmbiguousTime,
) -> Result<DateTime<Utc>, LocalTimeError> {
    let local = NaiveDateTime::new(date, time);
    match zone.from_local_datetime(&local) {
        LocalResult::Single(instant) => Ok(instant.with_timezone(&Utc)),
        LocalResult::Ambiguous(earlier, later) => Ok(match ambiguous {
            AmbiguousTime::Earlier => earlier.with_timezone(&Utc),
            AmbiguousTime::Later => later.with_timezone(&Utc),
        }),
        LocalResult::None => Err(LocalTimeError::Nonexistent { date, time, zone }),
    }
}

/// The instants of a session and the zone its local times were read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionTimes {
    /// When the session starts.
    pub starts_at: DateTime<Utc>,
    /// When the session ends.
    pub ends_at: DateTime<Utc>,
    /// The zone of the session's local times.
    pub time_zone: Tz,
}

impl SessionTimes {
    /// The session's length in whole minutes.
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }
}

/// A session together with its instants.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedSession {
    /// The session as given, in local time.
    pub session: Session,
    /// Its start and end as instants.
    pub times: SessionTimes,
}

/// The longest session, in minutes.
pub const MAX_SESSION_MINUTES: i64 = 24 * 60;

/// Resolves the start and end of `session` to instants, reading its local
/// times in its own zone or else `venue_zone`.
///
/// # Errors
///
/// Returns `time_zone_unknown` when neither zone is given,
/// `nonexistent_local_time` for a start or end in a clock gap, and
/// `invalid_session_length` unless the session lasts more than 0 and at most
/// 24 hours. Paths are relative to the session.
pub fn session_times(session: &Session, venue_zone: Option<Tz>) -> Result<SessionTimes, Problems> {
    let path = Path::root();
    let Some(zone) = session.time_zone.or(venue_zone) else {
        return Err(
            Problem::new(codes::TIME_ZONE_UNKNOWN, path.join("time_zone"))
                .with("venue_id", session.venue_id.to_string())
                .into(),
        );
    };
    let mut problems = Problems::new();
    let resolve = |date: NaiveDate, time: NaiveTime, field: &'static str| {
        resolve_local(date, time, zone, session.ambiguous_time).map_err(|_| {
            Problem::new(codes::NONEXISTENT_LOCAL_TIME, path.join(field))
                .with("field", field)
                .with("value", format!("{date} {}", time.format("%H:%M")))
                .with("time_zone", zone.name())
        })
    };
    let starts_at = resolve(session.date, session.start_time, "start_time");
    let end_date = session.local_end_date().unwrap_or(session.date);
    let ends_at = resolve(end_date, session.end_time, "end_time");
    let (starts_at, ends_at) = match (starts_at, ends_at) {
        (Ok(starts_at), Ok(ends_at)) => (starts_at, ends_at),
        (starts_at, ends_at) => {
            problems.extend(starts_at.err());
            problems.extend(ends_at.err());
            return Err(problems);
        }
    };
    let times = SessionTimes {
        starts_at,
        ends_at,
        time_zone: zone,
    };
    let minutes = (ends_at - starts_at).num_seconds();
    if minutes <= 0 || minutes > MAX_SESSION_MINUTES * 60 {
        problems.push(
            Problem::new(codes::INVALID_SESSION_LENGTH, path.join("end_time"))
                .with("minutes", times.minutes()),
        );
    }
    problems.into_result(times)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{CourseId, SessionId, VenueId};
    use crate::model::{SessionOwner, SessionStatus};

    fn session(date: &str, start: &str, end: &str) -> Session {
        Session {
            id: SessionId::derive("test", date),
            source: None,
            owner: SessionOwner::Course(CourseId::derive("test", "c")),
            venue_id: VenueId::derive("test", "v"),
            instructor_ids: Vec::new(),
            date: date.parse().unwrap(),
            start_time: NaiveTime::parse_from_str(start, "%H:%M").unwrap(),
            end_time: NaiveTime::parse_from_str(end, "%H:%M").unwrap(),
            end_date: None,
            time_zone: None,
            ambiguous_time: AmbiguousTime::Earlier,
            status: SessionStatus::Scheduled,
            activity_kind: None,
        }
    }

    #[test]
    fn across_midnight_ends_next_day() {
        let times = session_times(
            &session("2026-03-02", "22:00", "01:00"),
            Some(chrono_tz::Asia::Shanghai),
        )
        .unwrap();
        assert_eq!(times.starts_at.to_rfc3339(), "2026-03-02T14:00:00+00:00");
        assert_eq!(times.minutes(), 180);
    }

    #[test]
    fn spring_forward_gap_is_an_error() {
        // Berlin skips 02:00-03:00 on 29 March 2026.
        let problems = session_times(
            &session("2026-03-29", "02:30", "04:00"),
            Some(chrono_tz::Europe::Berlin),
        )
        .unwrap_err();
        assert_eq!(problems.0[0].code, codes::NONEXISTENT_LOCAL_TIME);
    }

    #[test]
    fn length_over_clock_change_is_from_instants() {
        // 00:00 to 04:00 local on the night Berlin clocks jump forward is 3 hours.
        let times = session_times(
            &session("2026-03-29", "00:00", "04:00"),
            Some(chrono_tz::Europe::Berlin),
        )
        .unwrap();
        assert_eq!(times.minutes(), 180);
    }

    #[test]
    fn equal_times_without_end_date_is_zero_length() {
        let problems = session_times(
            &session("2026-03-02", "09:00", "09:00"),
            Some(chrono_tz::Asia::Shanghai),
        )
        .unwrap_err();
        assert_eq!(problems.0[0].code, codes::INVALID_SESSION_LENGTH);
    }

    #[test]
    fn no_zone_is_reported() {
        let problems = session_times(&session("2026-03-02", "09:00", "10:00"), None).unwrap_err();
        assert_eq!(problems.0[0].code, codes::TIME_ZONE_UNKNOWN);
    }
}
