//! Holiday calendars: public holidays and make-up working days as data.
//!
//! A calendar lists, year by year, the holiday periods an authority
//! announced, each with the weekend days that become working days to make
//! up for it (调休上班). A year that the calendar does not list is unknown:
//! asking about a date in it is an error, never "no holidays", because
//! official arrangements are published one year at a time.
//!
//! The JSON form (`xuetong.holidays/1`) is documented in
//! `docs/scheduling.md`. The built-in calendar `cn` holds mainland China's
//! arrangements taken from the State Council General Office notices, one per
//! year; each year names its notice in its `source` field
//! (`calendars/cn.json` beside this file):
//!
//! | year | notice | document number |
//! |---|---|---|
//! | 2009 | 国务院办公厅关于2009年部分节假日安排的通知 | 国办发明电〔2008〕42号 |
//! | 2010 | 国务院办公厅关于2010年部分节假日安排的通知 | 国办发明电〔2009〕27号 |
//! | 2011 | 国务院办公厅关于2011年部分节假日安排的通知 | 国办发明电〔2010〕40号 |
//! | 2012 | 国务院办公厅关于2012年部分节假日安排的通知 | 国办发明电〔2011〕45号 |
//! | 2013 | 国务院办公厅关于2013年部分节假日安排的通知 | 国办发明电〔2012〕33号 |
//! | 2014 | 国务院办公厅关于2014年部分节假日安排的通知 | 国办发明电〔2013〕28号 |
//! | 2015 | 国务院办公厅关于2015年部分节假日安排的通知 | 国办发明电〔2014〕28号 |
//! | 2016 | 国务院办公厅关于2016年部分节假日安排的通知 | 国办发明电〔2015〕18号 |
//! | 2017 | 国务院办公厅关于2017年部分节假日安排的通知 | 国办发明电〔2016〕17号 |
//! | 2018 | 国务院办公厅关于2018年部分节假日安排的通知 | 国办发明电〔2017〕12号 |
//! | 2019 | 国务院办公厅关于2019年部分节假日安排的通知 | 国办发明电〔2018〕15号 |
//! | 2020 | 国务院办公厅关于2020年部分节假日安排的通知 | 国办发明电〔2019〕16号 |
//! | 2021 | 国务院办公厅关于2021年部分节假日安排的通知 | 国办发明电〔2020〕27号 |
//! | 2022 | 国务院办公厅关于2022年部分节假日安排的通知 | 国办发明电〔2021〕11号 |
//! | 2023 | 国务院办公厅关于2023年部分节假日安排的通知 | 国办发明电〔2022〕16号 |
//! | 2024 | 国务院办公厅关于2024年部分节假日安排的通知 | 国办发明电〔2023〕7号 |
//! | 2025 | 国务院办公厅关于2025年部分节假日安排的通知 | 国办发明电〔2024〕12号 |
//! | 2026 | 国务院办公厅关于2026年部分节假日安排的通知 | 国办发明电〔2025〕7号 |
//!
//! Three later notices changed a year's arrangement, and each is named in
//! the `note` of the period it changed: 2015 added a day off for the 70th
//! anniversary of victory in the War of Resistance (国发明电〔2015〕1号,
//! 2015-05-13), 2019 lengthened Labour Day to four days (国办发明电〔2019〕3号,
//! 2019-03-22), and 2020 extended the Spring Festival to 2 February
//! (国办发明电〔2020〕1号, 2020-01-26).
//!
//! NOTE: 2008 and earlier years are left out because no copy of the 2008
//! notice that could be found shows its document number; 2009 lacks the
//! issue date for the same reason, and 2027 is not yet published. Add a year
//! to `calendars/cn.json` only from its notice.

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::codes;
use super::weekday::Weekday;
use crate::credit::xapi::is_http_url;
use crate::problem::{Path, Problem, Problems};
use crate::record::{Cells, FieldReader, check_known_fields, read_items, shown_value};

/// The `format` of a holiday calendar document.
pub const CALENDAR_FORMAT: &str = "xuetong.holidays/1";

/// The id of the built-in mainland China calendar.
pub const CHINA: &str = "cn";

/// The first day of December that the next year's arrangement may change:
/// a date from 29 December on is unknown unless the calendar lists the next
/// year too.
const LAST_DAYS_FROM: u32 = 29;

/// The notice a year's arrangement was taken from.
///
/// Its serde form is its JSON form in a calendar, and reading it with serde
/// runs the checks that [`HolidayCalendar::from_json`] runs on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeSource {
    /// The notice's title.
    pub title: String,
    /// The document number, such as 国办发明电〔2024〕12号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The day the notice was issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued: Option<NaiveDate>,
    /// The address of the notice: an absolute http or https URL with a host,
    /// a port from 0 to 65535 when it gives one, and without user info. A
    /// query and a fragment are allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// One holiday period with the weekend days worked to make up for it.
///
/// Its serde form is its JSON form in a calendar. Reading it with serde runs
/// the checks of its fields that [`HolidayCalendar::from_json`] runs, and
/// the rules of the period alone: `last` is not before `first`, and `days`
/// matches them. The rules that need the period's year are checked only
/// when a year or a calendar is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The holiday's name as the notice gives it, such as 春节.
    pub name: String,
    /// The holiday's English name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// The first day off.
    pub first: NaiveDate,
    /// The last day off, inclusive.
    pub last: NaiveDate,
    /// The number of days off the notice states, checked against `first`
    /// and `last` when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// Weekend days that are working days because of this holiday.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub working_days: Vec<NaiveDate>,
    /// A remark, such as the notice's own wording for the period.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Holiday {
    /// Whether `date` is a day off of this holiday.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.first <= date && date <= self.last
    }

    /// The days off, from `first` to `last`.
    pub fn dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first.iter_days().take_while(|date| *date <= self.last)
    }
}

/// The arrangement of one year.
///
/// Its serde form is its JSON form in a calendar, and reading it with serde
/// runs the checks that [`HolidayCalendar::from_json`] runs on a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolidayYear {
    /// The year the arrangement is for.
    pub year: i32,
    /// The notice it was taken from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<NoticeSource>,
    /// The holiday periods. A period may start in the previous year, as the
    /// New Year's Day break from 31 December 2022 did.
    pub holidays: Vec<Holiday>,
}

/// A holiday calendar: known years and their holidays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HolidayCalendar {
    /// The calendar's id, by which series refer to it.
    pub id: String,
    /// A descriptive name.
    pub name: String,
    /// The days of the week that are rest days, unless a holiday arrangement
    /// makes them working days.
    pub weekend: Vec<Weekday>,
    /// The known years, by year.
    pub years: BTreeMap<i32, HolidayYear>,
}

/// The JSON form of a calendar, before its rules are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarDocument {
    #[serde(default)]
    format: Option<String>,
    /// Read from the document as a record's text field, in `from_json`.
    #[serde(default, rename = "id")]
    _id: serde::de::IgnoredAny,
    /// Read from the document as `id` is, in `from_json`.
    #[serde(default, rename = "name")]
    _name: serde::de::IgnoredAny,
    #[serde(default)]
    weekend: Option<Vec<Weekday>>,
    years: Vec<Value>,
}

/// The fields of a notice source.
const SOURCE_FIELDS: &[&str] = &["title", "document", "issued", "url"];

/// The fields of a holiday period.
const PERIOD_FIELDS: &[&str] = &[
    "name",
    "name_en",
    "first",
    "last",
    "days",
    "working_days",
    "note",
];

/// The fields of a year.
const YEAR_FIELDS: &[&str] = &["year", "source", "holidays"];

impl<'de> Deserialize<'de> for NoticeSource {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_checked(deserializer, read_source_value)
    }
}

impl<'de> Deserialize<'de> for Holiday {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_checked(deserializer, read_holiday_value)
    }
}

impl<'de> Deserialize<'de> for HolidayYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_checked(deserializer, read_year_value)
    }
}

/// Deserializes a part of a calendar as a JSON value and reads it with
/// `read`. The error lists every problem found, each with its path and
/// code, as [`Problems`] displays them. Reading a [`Value`] calls
/// `deserialize_any`, so only a self-describing format such as JSON can
/// read these parts.
fn deserialize_checked<'de, D, T>(
    deserializer: D,
    read: impl FnOnce(&Value, &Path) -> Result<T, Problems>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    read(&value, &Path::root()).map_err(serde::de::Error::custom)
}

/// What kind of day a date is in a calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off of a public holiday period.
    Holiday,
    /// A weekend day that is worked to make up for a holiday.
    MakeUpWorkingDay,
    /// An ordinary rest day.
    Weekend,
    /// An ordinary working day.
    WorkingDay,
}

/// A date classified by a calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Day<'a> {
    /// The date.
    pub date: NaiveDate,
    /// What kind of day it is.
    pub kind: DayKind,
    /// The holiday the day belongs to, for holidays and make-up working days.
    pub holiday: Option<&'a Holiday>,
}

/// The reason a calendar lookup failed.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum HolidayError {
    /// The calendar does not know the year.
    #[error(
        "calendar \"{calendar}\" has no holiday arrangement for {year}; supply a calendar that covers {year}"
    )]
    YearUnknown {
        /// The calendar's id.
        calendar: String,
        /// The year asked about.
        year: i32,
    },
}

impl HolidayError {
    /// The problem for this error, at `path`.
    pub fn to_problem(&self, path: Path) -> Problem {
        match self {
            HolidayError::YearUnknown { calendar, year } => {
                Problem::new(codes::HOLIDAY_YEAR_UNKNOWN, path)
                    .with("calendar", calendar.as_str())
                    .with("year", *year)
            }
        }
    }
}

impl HolidayCalendar {
    /// Reads a calendar from its JSON form, checking that every period ends
    /// on or after its start, matches its stated number of days, and lies
    /// near its year, that make-up working days fall outside the periods,
    /// and that no year is listed twice.
    ///
    /// # Errors
    ///
    /// Returns every problem found, with paths into the document.
    pub fn from_json(value: &Value, path: &Path) -> Result<Self, Problems> {
        if !value.is_object() {
            let mut problems = Problems::new();
            problems.push(not_an_object(path.clone(), "a holiday calendar"));
            return Err(problems);
        }
        let document: CalendarDocument = serde_json::from_value(value.clone())
            .map_err(|error| invalid_calendar(path.clone(), &error))?;
        let mut problems = Problems::new();
        if let Some(format) = &document.format
            && format != CALENDAR_FORMAT
        {
            problems.push(
                Problem::new(
                    crate::problem::codes::UNSUPPORTED_FORMAT,
                    path.join("format"),
                )
                .with("expected", CALENDAR_FORMAT)
                .with("value", format.as_str()),
            );
        }
        // The id and the name are read as a record's text fields: trimmed
        // as a CSV cell is, and left out when empty. A trimmed id lets a
        // trimmed option or cell name the calendar, and a name that is
        // left out defaults to the id.
        let (id, name) = match value.as_object() {
            Some(object) => {
                let mut reader = FieldReader::new(Cells::Json(object), path.clone(), &mut problems);
                (
                    reader.required::<String>("id"),
                    reader.optional::<String>("name"),
                )
            }
            None => (None, None),
        };
        let mut years = BTreeMap::new();
        for (index, item) in document.years.iter().enumerate() {
            let year_path = path.join("years").join(index);
            let Some(year) = read_year(item, &year_path, &mut problems) else {
                continue;
            };
            if years.contains_key(&year.year) {
                problems.push(
                    Problem::new(codes::DUPLICATE_HOLIDAY_YEAR, year_path.join("year"))
                        .with("year", year.year),
                );
                continue;
            }
            years.insert(year.year, year);
        }
        let id = id.unwrap_or_default();
        let calendar = HolidayCalendar {
            name: name.unwrap_or_else(|| id.clone()),
            id,
            weekend: document
                .weekend
                .unwrap_or_else(|| vec![Weekday::Saturday, Weekday::Sunday]),
            years,
        };
        problems.into_result(calendar)
    }

    /// The JSON form of the calendar.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "format": CALENDAR_FORMAT,
            "id": self.id,
            "name": self.name,
            "weekend": self.weekend,
            "years": self.years.values().collect::<Vec<_>>(),
        })
    }

    /// Whether the calendar lists the arrangement of `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The arrangement of `year`.
    ///
    /// # Errors
    ///
    /// Returns [`HolidayError::YearUnknown`] when the calendar does not list
    /// the year.
    pub fn year(&self, year: i32) -> Result<&HolidayYear, HolidayError> {
        self.years.get(&year).ok_or_else(|| self.unknown(year))
    }

    /// Classifies `date`. A date listed by a neighbouring year's arrangement
    /// (31 December 2022 in the 2023 notice) is known even when its own year
    /// is not. A date from 29 December on needs the next year's arrangement
    /// as well, because that arrangement decides whether the last days of
    /// the year are days off or make-up working days.
    ///
    /// # Errors
    ///
    /// Returns [`HolidayError::YearUnknown`] for an unlisted date in a year
    /// the calendar does not list, and for an unlisted date from 29 December
    /// on when the calendar does not list the next year (the error names the
    /// next year).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use xuetong::schedule::{DayKind, HolidayCalendar};
    ///
    /// let china = HolidayCalendar::china();
    /// let day = china.day(NaiveDate::from_ymd_opt(2025, 10, 8).unwrap())?;
    /// assert_eq!(day.kind, DayKind::Holiday);
    /// let make_up = china.day(NaiveDate::from_ymd_opt(2025, 10, 11).unwrap())?;
    /// assert_eq!(make_up.kind, DayKind::MakeUpWorkingDay);
    /// assert!(china.day(NaiveDate::from_ymd_opt(2008, 5, 1).unwrap()).is_err());
    /// # Ok::<(), xuetong::schedule::HolidayError>(())
    /// ```
    pub fn day(&self, date: NaiveDate) -> Result<Day<'_>, HolidayError> {
        // NOTE: each call scans the periods and make-up days of three
        // years, which is short for official calendars (under ten periods
        // a year) but linear in a supplied calendar's size. An index would
        // need a new field, and every field of this struct is public.
        let year = date.year();
        let neighbours = [year - 1, year, year + 1];
        let listed = neighbours
            .iter()
            .filter_map(|year| self.years.get(year))
            .flat_map(|arrangement| arrangement.holidays.iter());
        for holiday in listed {
            if holiday.contains(date) {
                return Ok(Day {
                    date,
                    kind: DayKind::Holiday,
                    holiday: Some(holiday),
                });
            }
            if holiday.working_days.contains(&date) {
                return Ok(Day {
                    date,
                    kind: DayKind::MakeUpWorkingDay,
                    holiday: Some(holiday),
                });
            }
        }
        if !self.covers(year) {
            return Err(self.unknown(year));
        }
        // The next year's notice sets the New Year's Day break and its
        // make-up days, which may reach back to 29 December. The 2019
        // notice made 29 December 2018 a working day, for example, so these
        // days stay unknown until the next year is listed.
        if date.month() == 12 && date.day() >= LAST_DAYS_FROM && !self.covers(year + 1) {
            return Err(self.unknown(year + 1));
        }
        let weekday = Weekday::from(date.weekday());
        let kind = if self.weekend.contains(&weekday) {
            DayKind::Weekend
        } else {
            DayKind::WorkingDay
        };
        Ok(Day {
            date,
            kind,
            holiday: None,
        })
    }

    /// The built-in mainland China calendar.
    pub fn china() -> &'static HolidayCalendar {
        static CHINA_CALENDAR: OnceLock<HolidayCalendar> = OnceLock::new();
        CHINA_CALENDAR.get_or_init(|| {
            let text = include_str!("calendars/cn.json");
            // The file is checked by the unit test `built_in_calendar_reads`, so
            // the empty fallback is never reached in a tested build.
            serde_json::from_str::<Value>(text)
                .ok()
                .and_then(|value| HolidayCalendar::from_json(&value, &Path::root()).ok())
                .unwrap_or_else(|| HolidayCalendar {
                    id: CHINA.to_owned(),
                    name: "mainland China (failed to load)".to_owned(),
                    weekend: vec![Weekday::Saturday, Weekday::Sunday],
                    years: BTreeMap::new(),
                })
        })
    }

    fn unknown(&self, year: i32) -> HolidayError {
        HolidayError::YearUnknown {
            calendar: self.id.clone(),
            year,
        }
    }
}

fn invalid_calendar(path: Path, error: &serde_json::Error) -> Problem {
    Problem::new(codes::INVALID_HOLIDAY_CALENDAR, path).with("detail", error.to_string())
}

/// The position of a period that was read in its document: its index in
/// the year's `holidays`, and the index in its `working_days` of each
/// make-up day it kept. A problem found later then names the item as
/// written, even when an item before it was left out.
struct PeriodPlace {
    index: usize,
    working_days: Vec<usize>,
}

/// Reads the year `item` of a calendar and checks its rules, reporting
/// problems under `path`. `year` is read as a whole-number field, and a
/// field not in [`YEAR_FIELDS`] is `unknown_field`. Returns `None` when the
/// year or a part of it is not a JSON object, or when `year` is missing or
/// invalid. Without a `year` the source and the periods are still read, and
/// each period is checked alone, because only the rules that need the year
/// cannot run. `year` is read before the other parts, so that a problem with
/// it is reported even when a period is not a JSON object.
fn read_year(item: &Value, path: &Path, problems: &mut Problems) -> Option<HolidayYear> {
    let object = item.as_object();
    let number = object.and_then(|object| {
        check_known_fields(object, YEAR_FIELDS, path, problems);
        FieldReader::new(Cells::Json(object), path.clone(), problems)
            .required::<u16>("year")
            .map(i32::from)
    });
    if !check_objects(item, path, problems) {
        return None;
    }
    let object = object?;
    let (year, places) = build_year(number.unwrap_or_default(), object, path, problems);
    check_year(number, &year.holidays, &places, path, problems);
    number.map(|_| year)
}

/// Builds the year `number` from its JSON form `object`, reading each
/// period and the source field by field, as a record's fields are read. A
/// period with an invalid `first` or `last` is left out, and so is a make-up
/// day that is not a date, so the year is returned with the place of each
/// period it kept. The source and the periods are JSON objects, as
/// [`check_objects`] checked.
fn build_year(
    number: i32,
    object: &serde_json::Map<String, Value>,
    path: &Path,
    problems: &mut Problems,
) -> (HolidayYear, Vec<PeriodPlace>) {
    let periods = object
        .get("holidays")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut holidays = Vec::with_capacity(periods.len());
    let mut places = Vec::with_capacity(periods.len());
    for (index, value) in periods.iter().enumerate() {
        let Some(object) = value.as_object() else {
            continue;
        };
        let fields = read_period_fields(object, path.join("holidays").join(index), problems);
        let Some((holiday, working_days)) = fields.into_holiday() else {
            continue;
        };
        places.push(PeriodPlace {
            index,
            working_days,
        });
        holidays.push(holiday);
    }
    let source = object
        .get("source")
        .and_then(Value::as_object)
        .map(|source| read_source(source, path.join("source"), problems));
    let year = HolidayYear {
        year: number,
        source,
        holidays,
    };
    (year, places)
}

/// Reads the notice source `object` as a record: `title`, `document` and
/// `url` as text fields and `issued` as a date. A field not in
/// [`SOURCE_FIELDS`] is `unknown_field`, or `personal_data_field` for a
/// name such as `email`. A missing `title` is
/// `required`, and a `url` that is not an absolute http or https URL with a
/// host is `invalid_url`. Unlike the platform's home page, which is
/// `invalid_iri` with a query or a fragment, the `url` may carry both,
/// because it is only read and never a base for ids.
fn read_source(
    object: &serde_json::Map<String, Value>,
    path: Path,
    problems: &mut Problems,
) -> NoticeSource {
    check_known_fields(object, SOURCE_FIELDS, &path, problems);
    let url_path = path.join("url");
    let mut reader = FieldReader::new(Cells::Json(object), path, problems);
    let title = reader.required::<String>("title").unwrap_or_default();
    let document = reader.optional::<String>("document");
    let issued = reader.optional::<NaiveDate>("issued");
    let url = reader.optional::<String>("url");
    if let Some(url) = url.as_deref().filter(|url| !is_http_url(url, true)) {
        reader.report(
            Problem::new(codes::INVALID_URL, url_path)
                .with("field", "url")
                .with("value", url),
        );
    }
    NoticeSource {
        title,
        document,
        issued,
        url,
    }
}

/// The fields of one holiday period, read as a record's fields. A date is
/// `None` when it is invalid, and the problem is reported.
struct PeriodFields {
    name: String,
    name_en: Option<String>,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
    days: Option<u32>,
    /// The make-up days that are dates, each with its index in the list.
    working_days: Vec<(usize, NaiveDate)>,
    note: Option<String>,
}

impl PeriodFields {
    /// Returns the period, with the index in `working_days` of each make-up
    /// day it kept, or `None` when `first` or `last` is invalid.
    fn into_holiday(self) -> Option<(Holiday, Vec<usize>)> {
        let (Some(first), Some(last)) = (self.first, self.last) else {
            return None;
        };
        let (indexes, working_days) = self.working_days.into_iter().unzip();
        let holiday = Holiday {
            name: self.name,
            name_en: self.name_en,
            first,
            last,
            days: self.days,
            working_days,
            note: self.note,
        };
        Some((holiday, indexes))
    }
}

/// Reads one period outside a year, as serde reads a [`Holiday`]: its fields
/// as a calendar's period, and the rules of [`check_period`].
fn read_holiday_value(value: &Value, path: &Path) -> Result<Holiday, Problems> {
    let object = object_of(value, path, "a holiday period")?;
    let mut problems = Problems::new();
    let fields = read_period_fields(object, path.clone(), &mut problems);
    let Some((holiday, _)) = fields.into_holiday() else {
        return Err(problems);
    };
    check_period(&holiday, path, &mut problems);
    problems.into_result(holiday)
}

/// Reads one year outside a calendar, as serde reads a [`HolidayYear`].
fn read_year_value(value: &Value, path: &Path) -> Result<HolidayYear, Problems> {
    let mut problems = Problems::new();
    match read_year(value, path, &mut problems) {
        Some(year) => problems.into_result(year),
        None => Err(problems),
    }
}

/// Reads one notice source outside a year, as serde reads a
/// [`NoticeSource`].
fn read_source_value(value: &Value, path: &Path) -> Result<NoticeSource, Problems> {
    let object = object_of(value, path, "a notice source")?;
    let mut problems = Problems::new();
    let source = read_source(object, path.clone(), &mut problems);
    problems.into_result(source)
}

/// Reads the fields of the period `object`: `name`, `name_en` and `note` as
/// a record's text fields, `first` and `last` as dates, `days` as a whole
/// number and `working_days` as a list of dates, each item on its own path.
/// A field not in [`PERIOD_FIELDS`] is `unknown_field`, or
/// `personal_data_field` for a name such as `email`.
fn read_period_fields(
    object: &serde_json::Map<String, Value>,
    path: Path,
    problems: &mut Problems,
) -> PeriodFields {
    check_known_fields(object, PERIOD_FIELDS, &path, problems);
    let working_days_path = path.join("working_days");
    let mut reader = FieldReader::new(Cells::Json(object), path, problems);
    let name = reader.required::<String>("name").unwrap_or_default();
    let name_en = reader.optional::<String>("name_en");
    let first = reader.required::<NaiveDate>("first");
    let last = reader.required::<NaiveDate>("last");
    let days = reader.optional::<u32>("days");
    let note = reader.optional::<String>("note");
    // Null means no make-up days, as it means an absent field elsewhere.
    let working_days = match object.get("working_days") {
        None | Some(Value::Null) => Vec::new(),
        Some(list) => read_items(list, "working_days", &working_days_path, problems),
    };
    PeriodFields {
        name,
        name_en,
        first,
        last,
        days,
        working_days,
        note,
    }
}

/// Reports each part of the year `item` that must be a JSON object and is
/// not: the year itself, its `source` and its periods. serde also reads a
/// struct from a JSON list, by field order, which would skip the checks of
/// the text fields that are read by name. Returns whether every part is an
/// object. When one is not, the text fields of the source and the periods
/// that are objects are still checked, because the year is not read further.
/// A `holidays` that is neither a list nor null is `invalid_type`, and the
/// year is read without periods.
fn check_objects(item: &Value, path: &Path, problems: &mut Problems) -> bool {
    let Some(year) = item.as_object() else {
        problems.push(not_an_object(path.clone(), "a year"));
        return false;
    };
    let mut objects = true;
    if let Some(source) = year.get("source")
        && !source.is_null()
        && !source.is_object()
    {
        problems.push(not_an_object(path.join("source"), "a notice source"));
        objects = false;
    }
    if let Some(holidays) = year.get("holidays")
        && !holidays.is_null()
        && !holidays.is_array()
    {
        problems.push(
            Problem::new(crate::problem::codes::INVALID_TYPE, path.join("holidays"))
                .with("field", "holidays")
                .with("expected", "a list")
                .with("value", shown_value(holidays)),
        );
    }
    let periods = year.get("holidays").and_then(Value::as_array);
    for (index, period) in periods.into_iter().flatten().enumerate() {
        if !period.is_object() {
            let holiday_path = path.join("holidays").join(index);
            problems.push(not_an_object(holiday_path, "a holiday period"));
            objects = false;
        }
    }
    if !objects {
        if let Some(source) = year.get("source").and_then(Value::as_object) {
            read_source(source, path.join("source"), problems);
        }
        for (index, period) in periods.into_iter().flatten().enumerate() {
            if let Some(object) = period.as_object() {
                let holiday_path = path.join("holidays").join(index);
                read_period_fields(object, holiday_path, problems);
            }
        }
    }
    objects
}

/// Returns `value` as a JSON object, or the problem of `part`, a part of a
/// calendar, when it is not one.
fn object_of<'v>(
    value: &'v Value,
    path: &Path,
    part: &str,
) -> Result<&'v serde_json::Map<String, Value>, Problems> {
    value
        .as_object()
        .ok_or_else(|| not_an_object(path.clone(), part).into())
}

/// Returns the problem of `part`, a part of a calendar such as "a year",
/// that is not a JSON object.
fn not_an_object(path: Path, part: &str) -> Problem {
    Problem::new(codes::INVALID_HOLIDAY_CALENDAR, path)
        .with("detail", format!("{part} must be a JSON object"))
}

/// Checks the rules of the periods `holidays` of the year `number`. `places`
/// gives, for each period, where it sits in the document, so that a problem
/// names the item as written. A make-up day listed earlier in the year,
/// under the same period or another, is `duplicate_entry`, also without a
/// valid `number` and in a period that ends before it starts. The rules that
/// compare dates with the year or with the periods need both.
///
/// For p periods and d make-up days the checks take O((p + d) log p) time:
/// each make-up day is looked up in the periods sorted by first day, and in
/// a hash set of the make-up days before it.
fn check_year(
    number: Option<i32>,
    holidays: &[Holiday],
    places: &[PeriodPlace],
    path: &Path,
    problems: &mut Problems,
) {
    let days_off = DaysOff::new(holidays);
    let mut make_up_days = HashSet::new();
    for (holiday, place) in holidays.iter().zip(places) {
        let holiday_path = path.join("holidays").join(place.index);
        // The year, when the period's dates can be compared with it.
        let valid = check_period(holiday, &holiday_path, problems);
        let year = number.filter(|_| valid);
        let near = |year: i32, date: NaiveDate| (year - 1..=year + 1).contains(&date.year());
        if let Some(year) = year
            && (!near(year, holiday.first) || !near(year, holiday.last))
        {
            problems.push(
                Problem::new(codes::HOLIDAY_OUTSIDE_YEAR, holiday_path.join("first"))
                    .with("year", year)
                    .with("first", holiday.first.to_string()),
            );
        }
        for (day, &position) in holiday.working_days.iter().zip(&place.working_days) {
            let day_path = holiday_path.join("working_days").join(position);
            if !make_up_days.insert(*day) {
                problems.push(
                    Problem::new(crate::club::codes::DUPLICATE_ENTRY, day_path)
                        .with("field", "make-up working day")
                        .with("value", day.to_string()),
                );
                continue;
            }
            if let Some(year) = year
                && (days_off.contains(*day) || !near(year, *day))
            {
                problems.push(
                    Problem::new(codes::INVALID_MAKE_UP_DAY, day_path)
                        .with("value", day.to_string())
                        .with("year", year),
                );
            }
        }
    }
}

/// The days off of a year's periods, indexed to tell in O(log p) time for
/// p periods whether a date is one of them. Periods may overlap.
struct DaysOff {
    /// The first day of each period, in order.
    firsts: Vec<NaiveDate>,
    /// For each entry of `firsts`, the latest last day among its period and
    /// the periods before it.
    reach: Vec<NaiveDate>,
}

impl DaysOff {
    /// Indexes `holidays`, leaving out a period that ends before it starts,
    /// because it contains no day.
    fn new(holidays: &[Holiday]) -> Self {
        let mut spans: Vec<(NaiveDate, NaiveDate)> = holidays
            .iter()
            .filter(|holiday| holiday.first <= holiday.last)
            .map(|holiday| (holiday.first, holiday.last))
            .collect();
        spans.sort_unstable();
        let mut latest = NaiveDate::MIN;
        let reach = spans
            .iter()
            .map(|&(_, last)| {
                latest = latest.max(last);
                latest
            })
            .collect();
        let firsts = spans.into_iter().map(|(first, _)| first).collect();
        Self { firsts, reach }
    }

    /// Returns whether `date` lies in one of the periods. Of the periods that
    /// start on or before `date`, one contains it exactly when the latest of
    /// their last days is not before it.
    fn contains(&self, date: NaiveDate) -> bool {
        let started = self.firsts.partition_point(|first| *first <= date);
        started > 0 && self.reach[started - 1] >= date
    }
}

/// Checks the rules of the period `holiday` alone, at `path`: `last` is not
/// before `first`, and `days`, when given, matches them. Returns false when
/// the period ends before it starts, because its other rules then mean
/// nothing.
fn check_period(holiday: &Holiday, path: &Path, problems: &mut Problems) -> bool {
    if holiday.last < holiday.first {
        problems.push(
            Problem::new(crate::model::codes::ENDS_BEFORE_START, path.join("last"))
                .with("field", "last")
                .with("value", holiday.last.to_string())
                .with("other_field", "first")
                .with("other_value", holiday.first.to_string()),
        );
        return false;
    }
    let span = (holiday.last - holiday.first).num_days() + 1;
    if let Some(days) = holiday.days
        && i64::from(days) != span
    {
        problems.push(
            Problem::new(codes::HOLIDAY_DAYS_MISMATCH, path.join("days"))
                .with("days", days)
                .with("first", holiday.first.to_string())
                .with("last", holiday.last.to_string())
                .with("span", span),
        );
    }
    true
}

/// Calendars by id: the built-in ones and those a caller supplies.
#[derive(Clone, Debug, Default)]
pub struct CalendarSet {
    supplied: Vec<HolidayCalendar>,
}

impl CalendarSet {
    /// The built-in calendars only.
    pub fn builtin() -> Self {
        Self::default()
    }

    /// Adds a calendar; it hides a built-in one with the same id.
    pub fn with(mut self, calendar: HolidayCalendar) -> Self {
        self.supplied.push(calendar);
        self
    }

    /// The calendar with `id`.
    pub fn get(&self, id: &str) -> Option<&HolidayCalendar> {
        self.supplied
            .iter()
            .rev()
            .find(|calendar| calendar.id == id)
            .or_else(|| (id == CHINA).then(HolidayCalendar::china))
    }

    /// The ids of every calendar in the set.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .supplied
            .iter()
            .map(|calendar| calendar.id.clone())
            .collect();
        ids.push(CHINA.to_owned());
        ids.sort();
        ids.dedup();
        ids
    }

    /// Returns the `unknown_holiday_calendar` problem of an `id` that the
    /// set lacks, at `path`, naming the ids it has.
    pub(crate) fn unknown_id_problem(&self, id: &str, path: Path) -> Problem {
        Problem::new(codes::UNKNOWN_HOLIDAY_CALENDAR, path)
            .with("value", id)
            .with("known", self.ids().join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn built_in_calendar_reads() {
        let text = include_str!("calendars/cn.json");
        let value: Value = serde_json::from_str(text).unwrap();
        let calendar = HolidayCalendar::from_json(&value, &Path::root()).unwrap();
        assert_eq!(calendar.id, CHINA);
        assert_eq!(
            calendar.years.keys().copied().collect::<Vec<_>>(),
            (2009..=2026).collect::<Vec<_>>()
        );
        assert_eq!(HolidayCalendar::china(), &calendar);
    }

    #[test]
    fn built_in_years_cite_notices() {
        for year in HolidayCalendar::china().years.values() {
            let source = year.source.as_ref().unwrap();
            assert!(source.title.contains(&format!("{}年", year.year)));
            assert!(source.document.as_ref().unwrap().starts_with("国办发明电"));
        }
    }

    #[test]
    fn make_up_days_are_weekend_days() {
        for year in HolidayCalendar::china().years.values() {
            for holiday in &year.holidays {
                for day in &holiday.working_days {
                    let weekday = Weekday::from(day.weekday());
                    assert!(
                        matches!(weekday, Weekday::Saturday | Weekday::Sunday),
                        "{day} of {} is a {weekday}",
                        holiday.name
                    );
                }
            }
        }
    }

    #[test]
    fn national_day_2025_is_eight_days() {
        let china = HolidayCalendar::china();
        let off: Vec<NaiveDate> = date("2025-09-27")
            .iter_days()
            .take(16)
            .filter(|day| china.day(*day).unwrap().kind == DayKind::Holiday)
            .collect();
        assert_eq!(off.first(), Some(&date("2025-10-01")));
        assert_eq!(off.last(), Some(&date("2025-10-08")));
        assert_eq!(off.len(), 8);
    }

    #[test]
    fn spring_festival_2020_was_extended() {
        let china = HolidayCalendar::china();
        // The 2020 notice made 1 February a working day; the extension of
        // 26 January 2020 made the days off run to 2 February.
        let off: Vec<NaiveDate> = date("2020-01-19")
            .iter_days()
            .take(16)
            .filter(|day| china.day(*day).unwrap().kind == DayKind::Holiday)
            .collect();
        assert_eq!(off.first(), Some(&date("2020-01-24")));
        assert_eq!(off.last(), Some(&date("2020-02-02")));
        assert_eq!(off.len(), 10);
        assert_eq!(
            china.day(date("2020-01-19")).unwrap().kind,
            DayKind::MakeUpWorkingDay
        );
        assert_eq!(
            china.day(date("2020-02-03")).unwrap().kind,
            DayKind::WorkingDay
        );
    }

    #[test]
    fn make_up_day_of_2019_lies_in_2018() {
        let china = HolidayCalendar::china();
        let day = china.day(date("2018-12-29")).unwrap();
        assert_eq!(day.kind, DayKind::MakeUpWorkingDay);
        assert_eq!(day.holiday.unwrap().name, "元旦");
        assert_eq!(
            china.day(date("2018-12-30")).unwrap().kind,
            DayKind::Holiday
        );
        assert!(china.day(date("2008-10-01")).is_err());
    }

    #[test]
    fn new_year_2023_starts_in_2022() {
        let day = HolidayCalendar::china().day(date("2022-12-31")).unwrap();
        assert_eq!(day.kind, DayKind::Holiday);
        assert_eq!(day.holiday.unwrap().name, "元旦");
    }

    #[test]
    fn unknown_year_is_an_error() {
        let error = HolidayCalendar::china()
            .day(date("2027-10-01"))
            .unwrap_err();
        assert_eq!(
            error,
            HolidayError::YearUnknown {
                calendar: "cn".into(),
                year: 2027
            }
        );
    }

    #[test]
    fn last_days_need_the_next_year() {
        let china = HolidayCalendar::china();
        let unknown = china.day(date("2026-12-29")).unwrap_err();
        assert_eq!(
            unknown,
            HolidayError::YearUnknown {
                calendar: "cn".into(),
                year: 2027
            }
        );
        assert!(china.day(date("2026-12-31")).is_err());
        assert_eq!(
            china.day(date("2026-12-28")).unwrap().kind,
            DayKind::WorkingDay
        );
    }

    #[test]
    fn next_year_decides_the_last_days() {
        let only_2018 = HolidayCalendar::from_json(
            &json!({"id": "own", "years": [{"year": 2018}]}),
            &Path::root(),
        )
        .unwrap();
        assert!(only_2018.day(date("2018-12-29")).is_err());
        assert_eq!(
            only_2018.day(date("2018-12-28")).unwrap().kind,
            DayKind::WorkingDay
        );
        let with_2019 = HolidayCalendar::from_json(
            &json!({"id": "own", "years": [
                {"year": 2018},
                {"year": 2019, "holidays": [
                    {"name": "元旦", "first": "2018-12-30", "last": "2019-01-01",
                     "working_days": ["2018-12-29"]}
                ]}
            ]}),
            &Path::root(),
        )
        .unwrap();
        assert_eq!(
            with_2019.day(date("2018-12-29")).unwrap().kind,
            DayKind::MakeUpWorkingDay
        );
        assert_eq!(
            with_2019.day(date("2018-12-31")).unwrap().kind,
            DayKind::Holiday
        );
    }

    #[test]
    fn ordinary_days_follow_the_weekend() {
        let china = HolidayCalendar::china();
        assert_eq!(
            china.day(date("2025-03-08")).unwrap().kind,
            DayKind::Weekend
        );
        assert_eq!(
            china.day(date("2025-03-10")).unwrap().kind,
            DayKind::WorkingDay
        );
    }

    #[test]
    fn supplied_calendar_rules_are_checked() {
        let input = json!({
            "id": "school",
            "weekend": ["friday", "saturday"],
            "years": [
                {"year": 2026, "holidays": [
                    {"name": "break", "first": "2026-04-10", "last": "2026-04-08"},
                    {"name": "term end", "first": "2026-07-01", "last": "2026-07-03", "days": 2,
                     "working_days": ["2026-07-02"]}
                ]},
                {"year": 2026, "holidays": []}
            ]
        });
        let problems = HolidayCalendar::from_json(&input, &Path::root()).unwrap_err();
        let found: Vec<(String, String)> = problems
            .iter()
            .map(|problem| (problem.code.to_string(), problem.path.to_string()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "ends_before_start".into(),
                    "years[0].holidays[0].last".into()
                ),
                (
                    "holiday_days_mismatch".into(),
                    "years[0].holidays[1].days".into()
                ),
                (
                    "invalid_make_up_day".into(),
                    "years[0].holidays[1].working_days[0]".into()
                ),
                ("duplicate_holiday_year".into(), "years[1].year".into()),
            ]
        );
    }

    #[test]
    fn year_reads_like_a_whole_number_field() {
        let text_year = json!({"id": "own", "years": [{"year": " 2026 "}]});
        let calendar = HolidayCalendar::from_json(&text_year, &Path::root()).unwrap();
        assert!(calendar.covers(2026));
        let input = json!({"id": "own", "years": [
            {"year": "20x6", "colour": "red", "email": "a@example.org", "holidays": [
                {"name": "break", "first": "2026-07-20", "last": "2026-07-19"}
            ]},
            {"holidays": []},
            {"year": -1}
        ]});
        let problems = HolidayCalendar::from_json(&input, &Path::root()).unwrap_err();
        assert_eq!(
            places(&problems),
            [
                "unknown_field at years[0].colour",
                "personal_data_field at years[0].email",
                "invalid_integer at years[0].year",
                "ends_before_start at years[0].holidays[0].last",
                "required at years[1].year",
                "out_of_range at years[2].year",
            ]
        );
    }

    #[test]
    fn year_problem_beside_non_object_period() {
        let input = json!({"id": "own", "years": [
            {"year": "20x6", "holidays": [5]},
            {"holidays": [{"name": "break", "first": "2026-07-20", "last": "2026-07-24"}, []]}
        ]});
        let problems = HolidayCalendar::from_json(&input, &Path::root()).unwrap_err();
        assert_eq!(
            places(&problems),
            [
                "invalid_integer at years[0].year",
                "invalid_holiday_calendar at years[0].holidays[0]",
                "required at years[1].year",
                "invalid_holiday_calendar at years[1].holidays[1]",
            ]
        );
    }

    #[test]
    fn repeated_make_up_days_are_duplicates() {
        let input = json!({"id": "own", "years": [
            {"year": 2026, "holidays": [
                {"name": "spring", "first": "2026-04-06", "last": "2026-04-10",
                 "working_days": ["2026-04-11", "2026-04-11"]},
                {"name": "summer", "first": "2026-07-20", "last": "2026-07-24",
                 "working_days": ["2026-07-25", "2026-04-11"]}
            ]},
            {"year": 2027, "holidays": [
                {"name": "spring", "first": "2027-04-05", "last": "2027-04-09",
                 "working_days": ["2026-04-11"]}
            ]}
        ]});
        let problems = HolidayCalendar::from_json(&input, &Path::root()).unwrap_err();
        assert_eq!(
            places(&problems),
            [
                "duplicate_entry at years[0].holidays[0].working_days[1]",
                "duplicate_entry at years[0].holidays[1].working_days[1]",
            ]
        );
        let message = &problems.iter().next().unwrap().message;
        assert_eq!(
            message,
            "make-up working day 2026-04-11 is given more than once; give each once"
        );
    }

    #[test]
    fn make_up_days_are_duplicates_without_a_year() {
        let input = json!({"id": "own", "years": [
            {"year": "20x6", "holidays": [
                {"name": "spring", "first": "2026-04-06", "last": "2026-04-10",
                 "working_days": ["2026-04-11"]},
                {"name": "summer", "first": "2026-07-24", "last": "2026-07-20",
                 "working_days": ["2026-07-25", "2026-04-11", "2026-07-25"]}
            ]},
            {"year": 2027, "holidays": [
                {"name": "summer", "first": "2027-07-24", "last": "2027-07-20",
                 "working_days": ["2027-07-25", "2027-07-25"]}
            ]}
        ]});
        let problems = HolidayCalendar::from_json(&input, &Path::root()).unwrap_err();
        assert_eq!(
            places(&problems),
            [
                "invalid_integer at years[0].year",
                "ends_before_start at years[0].holidays[1].last",
                "duplicate_entry at years[0].holidays[1].working_days[1]",
                "duplicate_entry at years[0].holidays[1].working_days[2]",
                "ends_before_start at years[1].holidays[0].last",
                "duplicate_entry at years[1].holidays[0].working_days[1]",
            ]
        );
    }

    #[test]
    fn days_off_index_matches_a_scan() {
        let period = |first: &str, last: &str| Holiday {
            name: "break".into(),
            name_en: None,
            first: date(first),
            last: date(last),
            days: None,
            working_days: Vec::new(),
            note: None,
        };
        // Overlapping, nested, reversed and one-day periods, out of order.
        let holidays = [
            period("2026-03-12", "2026-03-12"),
            period("2026-03-01", "2026-03-10"),
            period("2026-03-03", "2026-03-04"),
            period("2026-03-20", "2026-03-15"),
            period("2026-03-09", "2026-03-11"),
        ];
        let index = DaysOff::new(&holidays);
        for day in date("2026-02-27").iter_days().take(25) {
            let scanned = holidays.iter().any(|holiday| holiday.contains(day));
            assert_eq!(index.contains(day), scanned, "{day}");
        }
        assert!(!DaysOff::new(&[]).contains(date("2026-03-01")));
    }

    /// Formats the code and path of each of `problems` as "code at path".
    fn places(problems: &Problems) -> Vec<String> {
        problems
            .iter()
            .map(|problem| format!("{} at {}", problem.code, problem.path))
            .collect()
    }

    /// Reads `value` with serde as a `T`, checks that it fails with the
    /// problems that `read` finds, and returns the code and path of each.
    fn serde_problems<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        value: Value,
        read: fn(&Value, &Path) -> Result<T, Problems>,
    ) -> Vec<String> {
        let expected = read(&value, &Path::root()).unwrap_err();
        let error = serde_json::from_value::<T>(value).unwrap_err();
        assert_eq!(error.to_string(), expected.to_string());
        places(&expected)
    }

    #[test]
    fn serde_period_checks_text_fields() {
        let bad_text = json!({
            "name": "Summer\u{7}break", "name_en": "  ", "first": "2026-07-20",
            "last": "2026-08-02", "note": "x".repeat(501), "colour": "red"
        });
        assert_eq!(
            serde_problems(bad_text, read_holiday_value),
            [
                "unknown_field at colour",
                "control_character at name",
                "too_long at note"
            ]
        );
        let blank = json!({"name": " ", "first": "2026-07-20", "last": "2026-08-02"});
        assert_eq!(
            serde_problems(blank, read_holiday_value),
            ["required at name"]
        );
    }

    #[test]
    fn serde_period_trims_like_the_reader() {
        let holiday: Holiday = serde_json::from_value(json!({
            "name": " Summer break\u{3000}", "name_en": "", "first": " 2026-07-20",
            "last": "2026-08-02", "days": "14", "working_days": ["2026-08-08"]
        }))
        .unwrap();
        assert_eq!(holiday.name, "Summer break");
        assert_eq!(holiday.name_en, None);
        assert_eq!(holiday.first, date("2026-07-20"));
        assert_eq!(holiday.days, Some(14));
        assert_eq!(holiday.working_days, [date("2026-08-08")]);
    }

    #[test]
    fn serde_period_checks_its_rules() {
        let reversed = json!({"name": "break", "first": "2026-07-20", "last": "2026-07-19"});
        assert_eq!(
            serde_problems(reversed, read_holiday_value),
            ["ends_before_start at last"]
        );
        let mismatch = json!({
            "name": "break", "first": "2026-07-20", "last": "2026-07-22", "days": 2
        });
        assert_eq!(
            serde_problems(mismatch, read_holiday_value),
            ["holiday_days_mismatch at days"]
        );
        let list = json!(["break", "2026-07-20", "2026-07-22"]);
        assert_eq!(
            serde_problems(list, read_holiday_value),
            ["invalid_holiday_calendar at (input)"]
        );
    }

    #[test]
    fn serde_source_checks_fields() {
        let bad = json!({"title": "notice\u{2028}", "url": "ftp://notices.example.org/3"});
        assert_eq!(
            serde_problems(bad, read_source_value),
            ["control_character at title", "invalid_url at url"]
        );
        let list = json!(["notice"]);
        assert_eq!(
            serde_problems(list, read_source_value),
            ["invalid_holiday_calendar at (input)"]
        );
    }

    #[test]
    fn serde_year_checks_like_a_calendar() {
        let year = json!({
            "year": 2026,
            "source": {"title": " "},
            "holidays": [
                {"name": "break", "first": "2026-07-20", "last": "2026-07-24",
                 "working_days": ["2026-07-21", "2026-07-32"]},
                {"name": "far", "first": "2030-01-01", "last": "2030-01-01"}
            ]
        });
        assert_eq!(
            serde_problems(year, read_year_value),
            [
                "invalid_date at holidays[0].working_days[1]",
                "required at source.title",
                "invalid_make_up_day at holidays[0].working_days[0]",
                "holiday_outside_year at holidays[1].first",
            ]
        );
    }

    #[test]
    fn serde_round_trips_built_in_years() {
        for year in HolidayCalendar::china().years.values() {
            let value = serde_json::to_value(year).unwrap();
            let read: HolidayYear = serde_json::from_value(value).unwrap();
            assert_eq!(&read, year);
        }
    }

    #[test]
    fn supplied_calendar_hides_built_in() {
        let own = HolidayCalendar::from_json(
            &json!({"id": "cn", "years": [{"year": 2030}]}),
            &Path::root(),
        )
        .unwrap();
        let set = CalendarSet::builtin().with(own);
        assert!(set.get("cn").unwrap().covers(2030));
        assert!(!set.get("cn").unwrap().covers(2025));
        assert!(CalendarSet::builtin().get("cn").unwrap().covers(2025));
        assert!(set.get("nope").is_none());
    }
}
