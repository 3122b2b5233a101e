//! Recurring schedules: a weekly or daily pattern expanded into sessions.
//!
//! A [`Series`] names the days (chosen weekdays every N weeks, or every N
//! days), the first date, and either an end date or a number of sessions,
//! with a local start time and a length in minutes. Expanding it skips
//! excluded dates and, when the series names a holiday calendar, the days
//! off of public holidays:
//!
//! - a series with a `count` still produces that many sessions, continuing
//!   past the skipped dates;
//! - a series with an `until` date never goes past it, so it holds fewer
//!   sessions when dates are skipped;
//! - session numbers ("session 6 of 8") count the sessions held, so a
//!   skipped date takes no number.
//!
//! Every session gets an id derived from the series id and its date
//! ([`Series::session_id`]), so expanding the same series again gives the
//! same ids. A session's end is its start instant plus the length, so a
//! session on the night clocks change lasts exactly its length.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use super::codes;
use super::holiday::{CalendarSet, DayKind};
use super::local::{
    SessionTimes, date_out_of_range, in_supported_years, resolve_local, session_times,
};
use super::weekday::Weekday;
use crate::field::{FieldValue, Invalid};
use crate::id::{ClubId, CourseId, InstructorId, SessionId, VenueId};
use crate::model::{
    AmbiguousTime, ClubActivityKind, Session, SessionOwner, SessionStatus, SourceRef,
};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

/// The most sessions one series may produce.
pub const MAX_SERIES_SESSIONS: u32 = 1000;

/// The longest interval, in weeks or days.
pub const MAX_INTERVAL: u32 = 366;

/// The longest session length, in minutes.
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;

/// Identifies a recurring series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SeriesId(pub Uuid);

impl fmt::Display for SeriesId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for SeriesId {
    type Err = uuid::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(text).map(Self)
    }
}

impl FieldValue for SeriesId {
    const EXPECTED: &'static str = "a UUID";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        text.parse()
            .map_err(|_| Invalid::new(crate::problem::codes::INVALID_UUID))
    }

    fn to_text(&self) -> String {
        self.to_string()
    }
}

crate::text_enum! {
    /// How often a series repeats.
    pub enum Frequency {
        /// Every N days, optionally only on chosen weekdays.
        Daily = "daily",
        /// On chosen weekdays every N weeks.
        Weekly = "weekly",
    }
}

/// How a series ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeriesEnd {
    /// On this date, inclusive; skipped dates do not extend the series.
    Until(NaiveDate),
    /// After this many held sessions; skipped dates extend the series.
    Count(u32),
}

/// A recurring schedule of sessions for one course or club.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// The series' id, from which session ids are derived.
    pub id: SeriesId,
    /// The course or club the sessions belong to.
    pub owner: SessionOwner,
    /// Where the sessions are held.
    pub venue_id: VenueId,
    /// Who teaches them.
    pub instructor_ids: Vec<InstructorId>,
    /// The zone of the local times, when it differs from the venue's.
    pub time_zone: Option<Tz>,
    /// Daily or weekly.
    pub frequency: Frequency,
    /// Every how many weeks (weekly) or days (daily).
    pub interval: u32,
    /// The weekdays of a weekly series (the start date's weekday when
    /// empty), or the weekdays a daily series is limited to.
    pub weekdays: Vec<Weekday>,
    /// The first day of a week, which decides which weeks "every N weeks"
    /// counts; Monday unless given.
    pub week_start: Weekday,
    /// The first date the series may fall on.
    pub start_date: NaiveDate,
    /// How the series ends.
    pub end: SeriesEnd,
    /// The local start time of every session.
    pub start_time: NaiveTime,
    /// The length of every session in minutes, measured between instants.
    pub duration_minutes: u32,
    /// Dates on which no session is held.
    pub exclude_dates: Vec<NaiveDate>,
    /// The holiday calendar whose days off are skipped, by id.
    pub holiday_calendar: Option<String>,
    /// Which instant a start time that occurs twice means.
    pub ambiguous_time: AmbiguousTime,
    /// What the sessions of a club series are for.
    pub activity_kind: Option<ClubActivityKind>,
}

impl Series {
    /// The source system of the sessions of this series: `series:{id}`.
    pub fn source_system(&self) -> String {
        format!("series:{}", self.id)
    }

    /// The id of the session on `date`: [`SessionId::derive`] with the
    /// source system `series:{id}` and the date written YYYY-MM-DD as key.
    pub fn session_id(&self, date: NaiveDate) -> SessionId {
        SessionId::derive(&self.source_system(), &date.to_string())
    }

    /// Returns whether a daily series never falls on the weekdays it is
    /// limited to.
    /// A step of a multiple of 7 days keeps every date on the start date's
    /// weekday, and any other step reaches all seven weekdays.
    pub fn misses_every_weekday(&self) -> bool {
        self.frequency == Frequency::Daily
            && self.interval.max(1).is_multiple_of(7)
            && !self.weekdays.is_empty()
            && !self
                .weekdays
                .contains(&Weekday::from(self.start_date.weekday()))
    }
}

impl Record for Series {
    const KIND: &'static str = "series";
    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("id"),
        FieldSpec::optional("course_id"),
        FieldSpec::optional("club_id"),
        FieldSpec::required("venue_id"),
        FieldSpec::optional("instructor_ids"),
        FieldSpec::optional("time_zone"),
        FieldSpec::optional("frequency"),
        FieldSpec::optional("interval"),
        FieldSpec::optional("weekdays"),
        FieldSpec::optional("week_start"),
        FieldSpec::required("start_date"),
        FieldSpec::optional("until"),
        FieldSpec::optional("count"),
        FieldSpec::required("start_time"),
        FieldSpec::required("duration_minutes"),
        FieldSpec::optional("exclude_dates"),
        FieldSpec::optional("holiday_calendar"),
        FieldSpec::optional("ambiguous_time"),
        FieldSpec::optional("activity_kind"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let id = reader.required("id");
        let course_id: Option<CourseId> = reader.optional("course_id");
        let club_id: Option<ClubId> = reader.optional("club_id");
        let venue_id = reader.required("venue_id");
        let instructor_ids = reader.defaulted("instructor_ids", Vec::new());
        let time_zone = reader.optional("time_zone");
        let frequency = reader.defaulted("frequency", Frequency::Weekly);
        let interval = reader.defaulted_in("interval", 1u32, 1..=MAX_INTERVAL);
        let weekdays = reader.defaulted("weekdays", Vec::new());
        let week_start = reader.defaulted("week_start", Weekday::Monday);
        let start_date = reader.required("start_date");
        let until = reader.optional("until");
        let count = reader.optional_in("count", 1..=MAX_SERIES_SESSIONS);
        let start_time = reader.required("start_time");
        let duration_minutes = reader.required_in("duration_minutes", 1..=MAX_DURATION_MINUTES);
        let exclude_dates = reader.defaulted("exclude_dates", Vec::new());
        let holiday_calendar = reader.optional("holiday_calendar");
        let ambiguous_time = reader.defaulted("ambiguous_time", AmbiguousTime::Earlier);
        let activity_kind = reader.optional("activity_kind");
        let owner = match (reader.has("course_id"), reader.has("club_id")) {
            (true, false) => course_id.map(SessionOwner::Course),
            (false, true) => club_id.map(SessionOwner::Club),
            (both, _) => {
                let field = if both { "club_id" } else { "course_id" };
                reader.report_field(crate::model::codes::SESSION_OWNER, field);
                None
            }
        };
        let end = match (reader.has("until"), reader.has("count")) {
            (true, false) => until.map(SeriesEnd::Until),
            (false, true) => count.map(SeriesEnd::Count),
            (both, _) => {
                let field = if both { "count" } else { "until" };
                reader.report_field(codes::SERIES_END, field);
                None
            }
        };
        if reader.failed() {
            return None;
        }
        Some(Self {
            id: id?,
            owner: owner?,
            venue_id: venue_id?,
            instructor_ids: instructor_ids?,
            time_zone,
            frequency: frequency?,
            interval: interval?,
            weekdays: weekdays?,
            week_start: week_start?,
            start_date: start_date?,
            end: end?,
            start_time: start_time?,
            duration_minutes: duration_minutes?,
            exclude_dates: exclude_dates?,
            holiday_calendar,
            ambiguous_time: ambiguous_time?,
            activity_kind,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("id", &self.id);
        match self.owner {
            SessionOwner::Course(course) => writer.put("course_id", &course),
            SessionOwner::Club(club) => writer.put("club_id", &club),
        }
        writer.put("venue_id", &self.venue_id);
        writer.put_list("instructor_ids", &self.instructor_ids);
        writer.put_opt("time_zone", &self.time_zone);
        writer.put("frequency", &self.frequency);
        writer.put("interval", &self.interval);
        writer.put_list("weekdays", &self.weekdays);
        writer.put("week_start", &self.week_start);
        writer.put("start_date", &self.start_date);
        match self.end {
            SeriesEnd::Until(until) => writer.put("until", &until),
            SeriesEnd::Count(count) => writer.put("count", &count),
        }
        writer.put("start_time", &self.start_time);
        writer.put("duration_minutes", &self.duration_minutes);
        writer.put_list("exclude_dates", &self.exclude_dates);
        writer.put_opt("holiday_calendar", &self.holiday_calendar);
        writer.put("ambiguous_time", &self.ambiguous_time);
        writer.put_opt("activity_kind", &self.activity_kind);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        let out_of_range = |field: &'static str, value: u32, min: u32, max: u32| {
            Problem::new(crate::problem::codes::OUT_OF_RANGE, path.join(field))
                .with("field", field)
                .with("value", value)
                .with("min", min)
                .with("max", max)
        };
        if !(1..=MAX_INTERVAL).contains(&self.interval) {
            problems.push(out_of_range("interval", self.interval, 1, MAX_INTERVAL));
        }
        if !(1..=MAX_DURATION_MINUTES).contains(&self.duration_minutes) {
            problems.push(out_of_range(
                "duration_minutes",
                self.duration_minutes,
                1,
                MAX_DURATION_MINUTES,
            ));
        }
        match self.end {
            SeriesEnd::Count(count) if !(1..=MAX_SERIES_SESSIONS).contains(&count) => {
                problems.push(out_of_range("count", count, 1, MAX_SERIES_SESSIONS));
            }
            SeriesEnd::Until(until) if until < self.start_date => {
                problems.push(
                    Problem::new(crate::model::codes::ENDS_BEFORE_START, path.join("until"))
                        .with("field", "until")
                        .with("value", until.to_string())
                        .with("other_field", "start_date")
                        .with("other_value", self.start_date.to_string()),
                );
            }
            _ => {}
        }
        if !in_supported_years(self.start_date) {
            problems.push(date_out_of_range(
                path.join("start_date"),
                "start_date",
                self.start_date.to_string(),
            ));
        }
        if let SeriesEnd::Until(until) = self.end
            && !in_supported_years(until)
        {
            problems.push(date_out_of_range(
                path.join("until"),
                "until",
                until.to_string(),
            ));
        }
        for (index, date) in self.exclude_dates.iter().enumerate() {
            if !in_supported_years(*date) {
                problems.push(date_out_of_range(
                    path.join("exclude_dates").join(index),
                    "exclude_dates",
                    date.to_string(),
                ));
            }
        }
        if self.misses_every_weekday() {
            let weekdays: Vec<&str> = self.weekdays.iter().map(|day| day.as_str()).collect();
            problems.push(
                Problem::new(codes::WEEKDAYS_UNREACHABLE, path.join("weekdays"))
                    .with("interval", self.interval)
                    .with("start_date", self.start_date.to_string())
                    .with("weekday", Weekday::from(self.start_date.weekday()).as_str())
                    .with("weekdays", weekdays.join(", ")),
            );
        }
        if self.activity_kind.is_some() && matches!(self.owner, SessionOwner::Course(_)) {
            problems.push(
                Problem::new(
                    crate::model::codes::FIELD_NOT_APPLICABLE,
                    path.join("activity_kind"),
                )
                .with("field", "activity_kind")
                .with("kind", "a course series"),
            );
        }
    }
}

crate::record_serde!(Series);

/// Why a date of the pattern holds no session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The date is one of the series' exclusion dates.
    Excluded,
    /// The date is a day off of a public holiday.
    Holiday,
}

/// A date of the pattern on which no session is held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedDate {
    /// The date.
    pub date: NaiveDate,
    /// Why it is skipped.
    pub reason: SkipReason,
    /// The holiday's name, for a holiday.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holiday: Option<String>,
}

/// One held session of a series with its number.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberedSession {
    /// The session's number among the held sessions, from 1.
    pub number: u32,
    /// The number of held sessions in the series.
    pub total: u32,
    /// The session record.
    pub session: Session,
    /// Its instants.
    pub times: SessionTimes,
}

impl NumberedSession {
    /// The JSON form: the session record with `number`, `total`,
    /// `starts_at`, `ends_at` and `minutes` added.
    pub fn to_json(&self) -> Value {
        let mut value = self.session.to_json();
        if let Value::Object(object) = &mut value {
            object.insert("number".into(), self.number.into());
            object.insert("total".into(), self.total.into());
            object.insert(
                "starts_at".into(),
                crate::field::format_instant(&self.times.starts_at).into(),
            );
            object.insert(
                "ends_at".into(),
                crate::field::format_instant(&self.times.ends_at).into(),
            );
            object.insert("minutes".into(), self.times.minutes().into());
        }
        value
    }
}

/// The result of expanding a series.
#[derive(Clone, Debug, PartialEq)]
pub struct Expansion {
    /// The held sessions, in order.
    pub sessions: Vec<NumberedSession>,
    /// The pattern's dates that hold no session, in order.
    pub skipped: Vec<SkippedDate>,
    /// Exclusion dates that the pattern never reached, which are likely
    /// mistakes.
    pub unmatched_exclusions: Vec<NaiveDate>,
}

impl Expansion {
    /// The JSON form of the expansion.
    pub fn to_json(&self) -> Value {
        json!({
            "sessions": self.sessions.iter().map(NumberedSession::to_json).collect::<Vec<_>>(),
            "skipped": self.skipped,
            "unmatched_exclusions": self.unmatched_exclusions,
        })
    }
}

/// The dates a series' pattern falls on, in order, from its start date to
/// its `until` date (or without end for a count), before any date is
/// skipped.
pub fn pattern_dates(series: &Series) -> impl Iterator<Item = NaiveDate> + '_ {
    let until = match series.end {
        SeriesEnd::Until(until) => Some(until),
        SeriesEnd::Count(_) => None,
    };
    let dates: Box<dyn Iterator<Item = NaiveDate>> = match series.frequency {
        Frequency::Weekly => Box::new(weekly_dates(series)),
        Frequency::Daily => Box::new(daily_dates(series)),
    };
    dates.take_while(move |date| until.is_none_or(|until| *date <= until))
}

fn weekly_dates(series: &Series) -> impl Iterator<Item = NaiveDate> + '_ {
    let start = series.start_date;
    let week_start = series.week_start.days_from_monday();
    let into_week = (start.weekday().num_days_from_monday() + 7 - week_start) % 7;
    let first_week = start.checked_sub_days(Days::new(u64::from(into_week)));
    let mut offsets: Vec<u64> = if series.weekdays.is_empty() {
        vec![u64::from(into_week)]
    } else {
        series
            .weekdays
            .iter()
            .map(|day| u64::from((day.days_from_monday() + 7 - week_start) % 7))
            .collect()
    };
    offsets.sort_unstable();
    offsets.dedup();
    let step = u64::from(series.interval.max(1)) * 7;
    (0u64..)
        .map_while(move |week| {
            let week_first = first_week?.checked_add_days(Days::new(week.checked_mul(step)?))?;
            Some(
                offsets
                    .clone()
                    .into_iter()
                    .filter_map(move |offset| week_first.checked_add_days(Days::new(offset))),
            )
        })
        .flatten()
        .filter(move |date| *date >= start)
}

fn daily_dates(series: &Series) -> impl Iterator<Item = NaiveDate> + '_ {
    let step = u64::from(series.interval.max(1));
    // A filter that no date can pass would otherwise walk to the end of the
    // calendar before the iterator ends.
    let steps = if series.misses_every_weekday() {
        0
    } else {
        u64::MAX
    };
    (0..steps)
        .map_while(move |index| {
            series
                .start_date
                .checked_add_days(Days::new(index.checked_mul(step)?))
        })
        .filter(|date| {
            series.weekdays.is_empty() || series.weekdays.contains(&Weekday::from(date.weekday()))
        })
}

/// The most pattern dates looked at while expanding one series: enough for
/// [`MAX_SERIES_SESSIONS`] sessions with many skipped dates, and a bound on
/// the work a count-based series can cause.
const MAX_PATTERN_DATES: usize = 20_000;

/// Builds the problem of a count that carries a series past 9999, naming
/// `last`, the date its last session would fall on.
fn count_past_year_9999(root: &Path, series: &Series, last: NaiveDate) -> Problem {
    let count = match series.end {
        SeriesEnd::Count(count) => Value::from(count),
        SeriesEnd::Until(_) => Value::Null,
    };
    // chrono writes a year past 9999 with a plus sign, as ISO 8601's
    // expanded years do; the message writes the plain number.
    let date = format!("{}-{:02}-{:02}", last.year(), last.month(), last.day());
    Problem::new(codes::COUNT_PAST_YEAR_9999, root.join("count"))
        .with("field", "count")
        .with("value", count)
        .with("date", date)
}

/// Expands `series` into its held sessions.
///
/// Local times are read in the series' zone, or else `venue_zone`; a
/// session's `time_zone` is left empty when it equals `venue_zone`. Holiday
/// calendars are looked up by id in `calendars`.
///
/// # Errors
///
/// Returns problems with paths into the series: `time_zone_unknown` without
/// a zone, `unknown_holiday_calendar` for a calendar id not in `calendars`,
/// `holiday_year_unknown` when a date of the pattern lies in a year the
/// calendar does not know, `count_past_year_9999` when a count carries the
/// series past 31 December 9999, `series_too_long` past [`MAX_SERIES_SESSIONS`],
/// `nonexistent_local_time` for every date whose start time falls in a
/// clock gap, and `ambiguous_end_time` when a session's end cannot be
/// written in local time.
///
/// # Example
///
/// ```
/// use serde_json::json;
/// use xuetong::problem::Path;
/// use xuetong::record::Record;
/// use xuetong::schedule::{CalendarSet, Series, expand_series};
///
/// let series = Series::from_json(&json!({
///     "id": "2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11",
///     "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
///     "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
///     "time_zone": "Asia/Shanghai",
///     "weekdays": ["wednesday"],
///     "start_date": "2025-09-24",
///     "count": 3,
///     "start_time": "09:00",
///     "duration_minutes": 90,
///     "holiday_calendar": "cn",
/// }), &Path::root())?;
/// let expansion = expand_series(&series, None, &CalendarSet::builtin())?;
/// let dates: Vec<String> = expansion.sessions.iter().map(|s| s.session.date.to_string()).collect();
/// // 1 and 8 October 2025 are days off of the National Day holiday, and
/// // the series still holds three sessions.
/// assert_eq!(dates, ["2025-09-24", "2025-10-15", "2025-10-22"]);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn expand_series(
    series: &Series,
    venue_zone: Option<Tz>,
    calendars: &CalendarSet,
) -> Result<Expansion, Problems> {
    let root = Path::root();
    let Some(zone) = series.time_zone.or(venue_zone) else {
        return Err(
            Problem::new(codes::TIME_ZONE_UNKNOWN, root.join("time_zone"))
                .with("venue_id", series.venue_id.to_string())
                .into(),
        );
    };
    let calendar = match &series.holiday_calendar {
        None => None,
        Some(id) => match calendars.get(id) {
            Some(calendar) => Some(calendar),
            None => {
                return Err(calendars
                    .unknown_id_problem(id, root.join("holiday_calendar"))
                    .into());
            }
        },
    };
    let excluded: BTreeSet<NaiveDate> = series.exclude_dates.iter().copied().collect();
    let mut matched_exclusions = BTreeSet::new();
    let mut held = Vec::new();
    let mut skipped = Vec::new();
    let wanted = match series.end {
        SeriesEnd::Count(count) => Some(count as usize),
        SeriesEnd::Until(_) => None,
    };
    let mut dates = pattern_dates(series).enumerate();
    while let Some((looked_at, date)) = dates.next() {
        if wanted.is_some_and(|wanted| held.len() >= wanted) {
            break;
        }
        if looked_at >= MAX_PATTERN_DATES || held.len() >= MAX_SERIES_SESSIONS as usize {
            return Err(too_long());
        }
        // Only a count can carry a series past 9999: `until` and the start
        // date are checked with the series. The message names the date of
        // the count's last session, counting every later pattern date as
        // held because no holiday calendar covers years past 9999.
        if !in_supported_years(date) {
            let remaining = wanted.map_or(1, |wanted| wanted - held.len());
            let last = std::iter::once(date)
                .chain(dates.map(|(_, later)| later))
                .nth(remaining - 1)
                .unwrap_or(date);
            return Err(count_past_year_9999(&root, series, last).into());
        }
        if excluded.contains(&date) {
            matched_exclusions.insert(date);
            skipped.push(SkippedDate {
                date,
                reason: SkipReason::Excluded,
                holiday: None,
            });
            continue;
        }
        if let Some(calendar) = calendar {
            let day = calendar
                .day(date)
                .map_err(|error| Problems::from(error.to_problem(root.join("holiday_calendar"))))?;
            if day.kind == DayKind::Holiday {
                skipped.push(SkippedDate {
                    date,
                    reason: SkipReason::Holiday,
                    holiday: day.holiday.map(|holiday| holiday.name.clone()),
                });
                continue;
            }
        }
        held.push(date);
    }
    if wanted.is_some_and(|wanted| held.len() < wanted) {
        return Err(too_long());
    }

    let total = u32::try_from(held.len()).unwrap_or(u32::MAX);
    let mut problems = Problems::new();
    let mut sessions = Vec::with_capacity(held.len());
    for (index, date) in held.into_iter().enumerate() {
        match occurrence(series, date, zone, venue_zone) {
            Ok((session, times)) => sessions.push(NumberedSession {
                number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                total,
                session,
                times,
            }),
            Err(problem) => problems.push(problem),
        }
    }
    let unmatched_exclusions = excluded.difference(&matched_exclusions).copied().collect();
    problems.into_result(Expansion {
        sessions,
        skipped,
        unmatched_exclusions,
    })
}

fn too_long() -> Problems {
    Problem::new(codes::SERIES_TOO_LONG, Path::root())
        .with("max", MAX_SERIES_SESSIONS)
        .into()
}

/// Builds the session of `series` on `date`.
fn occurrence(
    series: &Series,
    date: NaiveDate,
    zone: Tz,
    venue_zone: Option<Tz>,
) -> Result<(Session, SessionTimes), Problem> {
    let starts_at =
        resolve_local(date, series.start_time, zone, series.ambiguous_time).map_err(|_| {
            Problem::new(
                codes::NONEXISTENT_LOCAL_TIME,
                Path::root().join("start_time"),
            )
            .with("field", "start_time")
            .with(
                "value",
                format!("{date} {}", series.start_time.format("%H:%M")),
            )
            .with("time_zone", zone.name())
        })?;
    let ends_at = starts_at + TimeDelta::minutes(i64::from(series.duration_minutes));
    let mut session = Session {
        id: series.session_id(date),
        source: Some(SourceRef {
            system: series.source_system().into(),
            key: date.to_string(),
        }),
        owner: series.owner,
        venue_id: series.venue_id,
        instructor_ids: series.instructor_ids.clone(),
        date,
        start_time: series.start_time,
        end_time: series.start_time,
        end_date: None,
        time_zone: (Some(zone) != venue_zone).then_some(zone),
        ambiguous_time: series.ambiguous_time,
        status: SessionStatus::Scheduled,
        activity_kind: series.activity_kind,
    };
    set_local_end(&mut session, ends_at, zone);
    fit_local_times(&mut session, starts_at, ends_at, zone).map(|times| (session, times))
}

/// Writes the local end of `session` from the instant `ends_at`, leaving
/// `end_date` empty when the session's rule (same day, or the next day when
/// the end time is earlier than the start time) gives it.
pub(crate) fn set_local_end(session: &mut Session, ends_at: DateTime<Utc>, zone: Tz) {
    let local_end = ends_at.with_timezone(&zone).naive_local();
    session.end_time = local_end.time();
    session.end_date = None;
    if session.local_end_date() != Some(local_end.date()) {
        session.end_date = Some(local_end.date());
    }
}

/// Chooses the session's `ambiguous_time` so that its local times resolve to
/// `starts_at` and `ends_at`, and returns the resolved times.
///
/// One setting covers both ends, so a session that starts on one side of a
/// fold and ends at a repeated local time on the other side cannot be
/// written in local time: that is `ambiguous_end_time`.
pub(crate) fn fit_local_times(
    session: &mut Session,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    zone: Tz,
) -> Result<SessionTimes, Problem> {
    let seconds = (ends_at - starts_at).num_seconds();
    if seconds <= 0 || seconds > super::MAX_SESSION_MINUTES * 60 {
        return Err(
            Problem::new(codes::INVALID_SESSION_LENGTH, Path::root().join("end_time"))
                .with("minutes", (ends_at - starts_at).num_minutes()),
        );
    }
    let preferred = session.ambiguous_time;
    let other = match preferred {
        AmbiguousTime::Earlier => AmbiguousTime::Later,
        AmbiguousTime::Later => AmbiguousTime::Earlier,
    };
    for choice in [preferred, other] {
        session.ambiguous_time = choice;
        match session_times(session, Some(zone)) {
            Ok(times) if times.starts_at == starts_at && times.ends_at == ends_at => {
                return Ok(times);
            }
            // No setting helps a date that cannot be written.
            Err(problems) => {
                if let Some(problem) = problems
                    .iter()
                    .find(|problem| problem.code == codes::DATE_OUT_OF_RANGE)
                {
                    session.ambiguous_time = preferred;
                    return Err(problem.clone());
                }
            }
            Ok(_) => {}
        }
    }
    session.ambiguous_time = preferred;
    Err(
        Problem::new(codes::AMBIGUOUS_END_TIME, Path::root().join("end_time"))
            .with("date", session.date.to_string())
            .with("value", session.end_time.format("%H:%M").to_string())
            .with("time_zone", zone.name()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn series(extra: Value) -> Series {
        let mut base = json!({
            "id": "2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11",
            "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
            "time_zone": "Asia/Shanghai",
            "start_time": "09:00",
            "duration_minutes": 90,
        });
        if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
            base.extend(extra);
        }
        Series::from_json(&base, &Path::root()).unwrap()
    }

    fn dates(expansion: &Expansion) -> Vec<String> {
        expansion
            .sessions
            .iter()
            .map(|numbered| numbered.session.date.to_string())
            .collect()
    }

    #[test]
    fn count_past_9999_is_rejected() {
        // Mondays from 20 December 9999: the third would be 3 January 10000.
        let late = series(json!({"start_date": "9999-12-20", "count": 3}));
        let problems = expand_series(&late, None, &CalendarSet::builtin()).unwrap_err();
        assert_eq!(problems.0[0].code, codes::COUNT_PAST_YEAR_9999);
        assert_eq!(problems.0[0].path.to_string(), "count");
        assert_eq!(
            problems.0[0].message,
            "count 3 would carry the series to 10000-01-03, past 9999, the last year a date can be written in; lower count or start the series earlier"
        );
        // Ten Mondays from 20 December 9999 run to 21 February 10000.
        let ten = series(json!({"start_date": "9999-12-20", "count": 10}));
        let problems = expand_series(&ten, None, &CalendarSet::builtin()).unwrap_err();
        assert_eq!(problems.0[0].params["date"], json!("10000-02-21"));
        let two = series(json!({"start_date": "9999-12-20", "count": 2}));
        assert!(expand_series(&two, None, &CalendarSet::builtin()).is_ok());
    }

    #[test]
    fn year_zero_dates_are_rejected() {
        let mut input = json!({
            "id": "2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11",
            "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
            "time_zone": "Asia/Shanghai",
            "start_time": "09:00",
            "duration_minutes": 90,
            "start_date": "0000-01-03",
            "count": 2,
            "exclude_dates": ["0000-01-10"],
        });
        let problems = Series::from_json(&input, &Path::root()).unwrap_err();
        let found: Vec<_> = problems
            .iter()
            .map(|problem| (problem.code, problem.path.to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (codes::DATE_OUT_OF_RANGE, "start_date".to_owned()),
                // The list reader rejects the year, and it reports an item
                // at the list's path, as it does an invalid date.
                (codes::DATE_OUT_OF_RANGE, "exclude_dates".to_owned())
            ]
        );
        input["start_date"] = json!("0001-01-01");
        input["exclude_dates"] = json!([]);
        assert!(Series::from_json(&input, &Path::root()).is_ok());
    }

    #[test]
    fn weekly_every_other_week() {
        let series = series(json!({
            "weekdays": ["monday", "thursday"],
            "interval": 2,
            "start_date": "2026-03-05",
            "until": "2026-03-31",
        }));
        let expansion = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        // The week of Monday 2 March counts as the first week; Monday 2 March
        // is before the start date.
        assert_eq!(
            dates(&expansion),
            ["2026-03-05", "2026-03-16", "2026-03-19", "2026-03-30"]
        );
    }

    #[test]
    fn week_start_changes_which_weeks_count() {
        let series = series(json!({
            "weekdays": ["sunday", "monday"],
            "interval": 2,
            "week_start": "sunday",
            "start_date": "2026-03-01",
            "count": 4,
        }));
        let expansion = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        assert_eq!(
            dates(&expansion),
            ["2026-03-01", "2026-03-02", "2026-03-15", "2026-03-16"]
        );
    }

    #[test]
    fn weekly_over_national_day_2025() {
        let series = series(json!({
            "weekdays": ["wednesday"],
            "start_date": "2025-09-24",
            "count": 3,
            "holiday_calendar": "cn",
        }));
        let expansion = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        // 1 and 8 October 2025 are days off of the National Day holiday.
        assert_eq!(
            dates(&expansion),
            ["2025-09-24", "2025-10-15", "2025-10-22"]
        );
        assert_eq!(expansion.skipped.len(), 2);
        assert_eq!(expansion.skipped[1].reason, SkipReason::Holiday);
        assert_eq!(expansion.sessions[2].number, 3);
        assert_eq!(expansion.sessions[2].total, 3);
    }

    #[test]
    fn daily_with_weekday_filter() {
        let series = series(json!({
            "frequency": "daily",
            "interval": 1,
            "weekdays": ["saturday", "sunday"],
            "start_date": "2026-03-06",
            "until": "2026-03-15",
        }));
        let expansion = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        assert_eq!(
            dates(&expansion),
            ["2026-03-07", "2026-03-08", "2026-03-14", "2026-03-15"]
        );
    }

    #[test]
    fn ids_are_stable_and_derived() {
        let series = series(json!({"start_date": "2026-03-02", "count": 2}));
        let first = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        let again = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        assert_eq!(first, again);
        let session = &first.sessions[0].session;
        let expected = Uuid::new_v5(
            &crate::id::NAMESPACE,
            b"session:series:2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11:2026-03-02",
        );
        assert_eq!(session.id.uuid(), expected);
        let reread = Session::from_json(&session.to_json(), &Path::root()).unwrap();
        assert_eq!(&reread, session);
    }

    #[test]
    fn gap_start_is_reported_per_date() {
        let mut series = series(json!({
            "weekdays": ["sunday"],
            "start_date": "2026-03-22",
            "count": 3,
            "start_time": "02:30",
        }));
        series.time_zone = Some(chrono_tz::Europe::Berlin);
        let problems = expand_series(&series, None, &CalendarSet::builtin()).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems.0[0].code, codes::NONEXISTENT_LOCAL_TIME);
        assert_eq!(problems.0[0].params["value"], "2026-03-29 02:30");
    }

    #[test]
    fn end_in_fold_resolves_later() {
        // Toronto repeats 01:00-02:00 on 1 November 2026; a session from
        // 00:30 lasting 90 minutes ends at the second 01:00.
        let mut series = series(json!({
            "weekdays": ["sunday"],
            "start_date": "2026-11-01",
            "count": 1,
            "start_time": "00:30",
        }));
        series.time_zone = Some(chrono_tz::America::Toronto);
        let expansion = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        let numbered = &expansion.sessions[0];
        assert_eq!(numbered.times.minutes(), 90);
        assert_eq!(numbered.session.end_time.to_string(), "01:00:00");
        assert_eq!(numbered.session.ambiguous_time, AmbiguousTime::Later);
    }

    #[test]
    fn fold_between_start_and_end() {
        let mut series = series(json!({
            "weekdays": ["sunday"],
            "start_date": "2026-11-01",
            "count": 1,
            "start_time": "01:15",
            "duration_minutes": 60,
        }));
        series.time_zone = Some(chrono_tz::America::Toronto);
        let problems = expand_series(&series, None, &CalendarSet::builtin()).unwrap_err();
        assert_eq!(problems.0[0].code, codes::AMBIGUOUS_END_TIME);
    }

    #[test]
    fn day_long_session_end_date() {
        let series = series(json!({
            "start_date": "2026-03-02",
            "count": 1,
            "duration_minutes": 1440,
        }));
        let expansion = expand_series(&series, None, &CalendarSet::builtin()).unwrap();
        let session = &expansion.sessions[0].session;
        assert_eq!(session.end_date, "2026-03-03".parse().ok());
        assert_eq!(expansion.sessions[0].times.minutes(), 1440);
    }

    #[test]
    fn venue_zone_is_not_repeated() {
        let mut series = series(json!({"start_date": "2026-03-02", "count": 1}));
        series.time_zone = None;
        let expansion = expand_series(
            &series,
            Some(chrono_tz::Asia::Shanghai),
            &CalendarSet::builtin(),
        )
        .unwrap();
        assert_eq!(expansion.sessions[0].session.time_zone, None);
        let problems = expand_series(&series, None, &CalendarSet::builtin()).unwrap_err();
        assert_eq!(problems.0[0].code, codes::TIME_ZONE_UNKNOWN);
    }

    #[test]
    fn unknown_calendar_year_stops_expansion() {
        let series = series(json!({
            "weekdays": ["monday"],
            "start_date": "2026-12-14",
            "count": 5,
            "holiday_calendar": "cn",
        }));
        let problems = expand_series(&series, None, &CalendarSet::builtin()).unwrap_err();
        assert_eq!(problems.0[0].code, codes::HOLIDAY_YEAR_UNKNOWN);
        assert_eq!(problems.0[0].params["year"], 2027);
    }

    #[test]
    fn series_fields_are_checked() {
        let input = json!({
            "id": "2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11",
            "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
            "start_date": "2026-03-02",
            "until": "2026-03-01",
            "start_time": "09:00",
            "duration_minutes": 0,
            "interval": 0,
            "weekdays": ["funday"],
        });
        let problems = Series::from_json(&input, &Path::root()).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["invalid_choice"]);
        let mut fixed = input.clone();
        fixed["weekdays"] = json!(["monday"]);
        let problems = Series::from_json(&fixed, &Path::root()).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["out_of_range", "out_of_range", "ends_before_start"]);
    }
}
