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

/// The first date scheduling accepts: 1 January of the year 0001.
///
/// Dates are written with four-digit years (`YYYY-MM-DD`, and `YYYYMMDD` in
/// iCalendar files), so a date outside 0001 to 9999 could not be read back.
pub const FIRST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(date) => date,
    None => NaiveDate::MIN,
};

/// The last date scheduling accepts: 31 December 9999.
pub const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(date) => date,
    None => NaiveDate::MAX,
};

/// Whether `date` lies within [`FIRST_DATE`] and [`LAST_DATE`].
pub(crate) fn in_supported_years(date: NaiveDate) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&date)
}

/// The `date_out_of_range` problem of `field` at `path`.
pub(crate) fn date_out_of_range(path: Path, field: &str, value: impl Into<String>) -> Problem {
    Problem::new(codes::DATE_OUT_OF_RANGE, path)
        .with("field", field)
        .with("value", value.into())
}

/// Resolves the start and end of `session` to instants, reading its local
/// times in its own zone or else `venue_zone`.
///
/// # Errors
///
/// Returns `time_zone_unknown` when neither zone is given,
/// `nonexistent_local_time` for a start or end in a clock gap,
/// `invalid_session_length` unless the session lasts more than 0 and at most
/// 24 hours, and `date_out_of_range` when a local date or a UTC instant of
/// the session falls outside the years 0001 to 9999. Paths are relative to
/// the session.
pub fn session_times(session: &Session, venue_zone: Option<Tz>) -> Result<SessionTimes, Problems> {
    let path = Path::root();
    let Some(zone) = session.time_zone.or(venue_zone) else {
        return Err(
            Problem::new(codes::TIME_ZONE_UNKNOWN, path.join("time_zone"))
                .with("venue_id", session.venue_id.to_string())
                .into(),
        );
    };
    if !in_supported_years(session.date) {
        return Err(date_out_of_range(path.join("date"), "date", session.date.to_string()).into());
    }
    let Some(end_date) = session
        .local_end_date()
        .filter(|date| in_supported_years(*date))
    else {
        return Err(date_out_of_range(
            path.join("end_time"),
            "end_time",
            format!(
                "{} on the day after {}",
                session.end_time.format("%H:%M"),
                session.date
            ),
        )
        .into());
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
    let ends_at = resolve(end_date, session.end_time, "end_time");
    let (starts_at, ends_at) = match (starts_at, ends_at) {
        (Ok(starts_at), Ok(ends_at)) => (starts_at, ends_at),
        (starts_at, ends_at) => {
            problems.extend(starts_at.err());
            problems.extend(ends_at.err());
            return Err(problems);
        }
    };
    for (field, instant) in [("start_time", starts_at), ("end_time", ends_at)] {
        if !in_supported_years(instant.date_naive()) {
            problems.push(date_out_of_range(
                path.join(field),
                field,
                crate::field::format_instant(&instant),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
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
    fn dates_outside_four_digit_years() {
        let shanghai = Some(chrono_tz::Asia::Shanghai);
        let year_zero = session_times(&session("0000-06-01", "09:00", "10:00"), shanghai);
        let problem = &year_zero.unwrap_err().0[0];
        assert_eq!(problem.code, codes::DATE_OUT_OF_RANGE);
        assert_eq!(problem.path.to_string(), "date");
        // Ends on 1 January 10000.
        let past_9999 = session_times(&session("9999-12-31", "22:00", "01:00"), shanghai);
        let problem = &past_9999.unwrap_err().0[0];
        assert_eq!(problem.code, codes::DATE_OUT_OF_RANGE);
        assert_eq!(problem.path.to_string(), "end_time");
        // 20:00 on 31 December 9999 in Los Angeles is 04:00 UTC in 10000.
        let los_angeles = Some(chrono_tz::America::Los_Angeles);
        let utc_past_9999 = session_times(&session("9999-12-31", "20:00", "21:00"), los_angeles);
        let codes_found: Vec<_> = utc_past_9999
            .unwrap_err()
            .iter()
            .map(|problem| (problem.code, problem.path.to_string()))
            .collect();
        assert_eq!(
            codes_found,
            [
                (codes::DATE_OUT_OF_RANGE, "start_time".to_owned()),
                (codes::DATE_OUT_OF_RANGE, "end_time".to_owned())
            ]
        );
        assert!(session_times(&session("0001-01-01", "09:00", "10:00"), shanghai).is_ok());
    }

    #[test]
    fn no_zone_is_reported() {
        let problems = session_times(&session("2026-03-02", "09:00", "10:00"), None).unwrap_err();
        assert_eq!(problems.0[0].code, codes::TIME_ZONE_UNKNOWN);
    }
}
