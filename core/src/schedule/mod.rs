//! Sessions in time: local dates and times in an IANA zone turned into UTC
//! instants, recurring series, holiday calendars and iCalendar files.
//!
//! A local time that does not exist (clocks jump forward) is an error with
//! its own code, `nonexistent_local_time`, and is never shifted. A local time
//! that occurs twice (clocks go back) means the earlier instant unless the
//! session asks for the later one ([`AmbiguousTime`]). Lengths are
//! differences of instants, so a session over a clock change lasts what the
//! clocks on the wall say it lasts.

//!
//! A recurring [`Series`] expands into sessions ([`expand_series`]) that
//! skip excluded dates and the days off of a [`HolidayCalendar`]; the
//! built-in calendar `cn` holds mainland China's official arrangements, and
//! a year it does not list is an error, never "no holidays". The [`ical`]
//! module reads recurring events from iCalendar files and writes sessions to
//! them.

mod holiday;
pub mod ical;
mod local;
mod recurrence;
mod weekday;

pub use holiday::{
    CALENDAR_FORMAT, CHINA, CalendarSet, Day, DayKind, Holiday, HolidayCalendar, HolidayError,
    HolidayYear, NoticeSource,
};
pub(crate) use local::in_supported_years;
pub use local::{
    FIRST_DATE, LAST_DATE, LocalTimeError, MAX_SESSION_MINUTES, SessionTimes, TimedSession,
    resolve_local, session_times,
};
pub use recurrence::{
    Expansion, Frequency, MAX_DURATION_MINUTES, MAX_INTERVAL, MAX_SERIES_SESSIONS, NumberedSession,
    Series, SeriesEnd, SeriesId, SkipReason, SkippedDate, expand_series, pattern_dates,
};
pub use weekday::Weekday;

pub use crate::model::AmbiguousTime;

/// Codes for sessions in time.
pub mod codes {
    crate::define_codes! {
        /// A local time skipped when clocks jump forward.
        NONEXISTENT_LOCAL_TIME = "nonexistent_local_time",
            en: "{field} {value} does not exist in {time_zone}: clocks jump forward then; choose a time outside the gap",
            zh: "{field} {value} 在 {time_zone} 不存在（此时钟表向前跳），请选择跳变之外的时间";
        /// A session that lasts no time or more than 24 hours.
        INVALID_SESSION_LENGTH = "invalid_session_length",
            en: "a session must last more than 0 and at most 24 hours, this one lasts {minutes} minutes",
            zh: "课次时长须大于 0 且不超过 24 小时，此课次为 {minutes} 分钟";
        /// A session whose local times have no zone: neither its own nor a venue's.
        TIME_ZONE_UNKNOWN = "time_zone_unknown",
            en: "the session has no time_zone and its venue {venue_id} is not known; give time_zone or the venue",
            zh: "课次未填写 time_zone，且其场所 {venue_id} 未知；请填写 time_zone 或提供场所";
        /// A session that starts before a repeated hour and ends inside it, on the other pass.
        AMBIGUOUS_END_TIME = "ambiguous_end_time",
            en: "the session on {date} ends at {value}, a local time that occurs twice in {time_zone}, on the other side of the clock change from its start; move the start time or change the length",
            zh: "{date} 的课次结束于 {value}，该本地时间在 {time_zone} 出现两次，且与开始时间分处时钟回拨两侧；请调整开始时间或时长";
        /// A date or instant outside the years 0001 to 9999.
        DATE_OUT_OF_RANGE = "date_out_of_range",
            en: "{field} {value} is outside the years 0001 to 9999 (a time with an offset is checked in UTC), which are the only years dates are written in; use a date within them",
            zh: "{field} {value} 超出 0001 至 9999 年（带时差的时间按 UTC 检查），日期只能写在这些年份内；请使用此范围内的日期";
        /// A series whose `count` would carry its sessions past the year 9999.
        COUNT_PAST_YEAR_9999 = "count_past_year_9999",
            en: "count {value} would carry the series to {date}, past 9999, the last year a date can be written in; lower count or start the series earlier",
            zh: "count {value} 会使系列延续到 {date}，超过日期可写的最后一年 9999 年；请减小 count 或提前开始日期";
        /// A series with both or neither of `until` and `count`.
        SERIES_END = "series_end",
            en: "a series ends either on a date or after a number of sessions: give until or count, not both",
            zh: "系列须以日期或课次数结束：until 与 count 只填其一";
        /// A series that would hold more sessions than allowed.
        SERIES_TOO_LONG = "series_too_long",
            en: "the series would hold more than {max} sessions; shorten it or split it into several series",
            zh: "该系列将超过 {max} 个课次；请缩短或拆分为多个系列";
        /// A daily series whose interval keeps it off every weekday it is limited to.
        WEEKDAYS_UNREACHABLE = "weekdays_unreachable",
            en: "a daily series every {interval} days from {start_date} falls only on {weekday}, never on {weekdays}; change the interval, the start date or the weekdays",
            zh: "每 {interval} 天重复、从 {start_date} 开始的每日系列只落在 {weekday}，不会落在 {weekdays}；请修改间隔、开始日期或星期";
        /// A holiday calendar id that is neither built in nor supplied.
        UNKNOWN_HOLIDAY_CALENDAR = "unknown_holiday_calendar",
            en: "holiday calendar \"{value}\" is not known; use one of {known} or supply it in options.calendars",
            zh: "未知的节假日日历“{value}”；请使用 {known} 之一，或在 options.calendars 中提供";
        /// A date in a year that the holiday calendar does not list.
        HOLIDAY_YEAR_UNKNOWN = "holiday_year_unknown",
            en: "holiday calendar \"{calendar}\" has no arrangement for {year}, so its holidays are unknown; supply a calendar that covers {year} or end the series earlier",
            zh: "节假日日历“{calendar}”没有 {year} 年的安排，该年节假日未知；请提供覆盖 {year} 年的日历或提前结束系列";
        /// A holiday calendar document that does not have the documented form.
        INVALID_HOLIDAY_CALENDAR = "invalid_holiday_calendar",
            en: "invalid holiday calendar: {detail}",
            zh: "节假日日历无效：{detail}";
        /// A notice address that is not an absolute http or https URL with a host, that has a port other than a number from 0 to 65535, or that has spaces or user info.
        INVALID_URL = "invalid_url",
            en: "{field} must be an absolute http or https URL with a host, a port from 0 to 65535 if it has one, and no spaces or user info, such as https://notices.example.org/view?id=3, got \"{value}\"",
            zh: "{field} 应为含主机名、端口（如有）在 0 到 65535 之间、不含空格和用户信息的绝对 http 或 https 网址（例如 https://notices.example.org/view?id=3），实际为“{value}”";
        /// A year listed twice in one holiday calendar.
        DUPLICATE_HOLIDAY_YEAR = "duplicate_holiday_year",
            en: "year {year} is listed twice; list each year once",
            zh: "{year} 年重复列出；每年只能列出一次";
        /// A holiday whose stated number of days does not match its first and last day.
        HOLIDAY_DAYS_MISMATCH = "holiday_days_mismatch",
            en: "days is {days} but {first} to {last} is {span} days",
            zh: "days 为 {days}，但 {first} 至 {last} 共 {span} 天";
        /// A holiday period far from the year it is listed under.
        HOLIDAY_OUTSIDE_YEAR = "holiday_outside_year",
            en: "a holiday listed under {year} starts on {first}; list it under its own year",
            zh: "列在 {year} 年下的假期从 {first} 开始；请列在其所属年份下";
        /// A make-up working day inside a holiday period or far from its year.
        INVALID_MAKE_UP_DAY = "invalid_make_up_day",
            en: "make-up working day {value} lies inside a holiday period or outside the years around {year}",
            zh: "调休上班日 {value} 位于放假期间内，或不在 {year} 年前后";
        /// iCalendar text that breaks the content-line or value syntax of RFC 5545.
        ICAL_SYNTAX = "ical_syntax",
            en: "invalid iCalendar text: {detail}",
            zh: "iCalendar 文本无效：{detail}";
        /// An event without a property that a session needs.
        ICAL_MISSING_PROPERTY = "ical_missing_property",
            en: "the event has no {property}; every event needs UID, DTSTART, and DTEND or DURATION",
            zh: "该事件缺少 {property}；每个事件都须有 UID、DTSTART，以及 DTEND 或 DURATION";
        /// An iCalendar feature that the import does not read.
        ICAL_UNSUPPORTED = "ical_unsupported",
            en: "{part} is not supported; recurring events may use FREQ=DAILY or WEEKLY, INTERVAL, BYDAY, WKST, COUNT, UNTIL and EXDATE",
            zh: "不支持 {part}；重复事件可使用 FREQ=DAILY 或 WEEKLY、INTERVAL、BYDAY、WKST、COUNT、UNTIL 与 EXDATE";
        /// A TZID that is not an IANA time-zone name.
        ICAL_UNKNOWN_TIME_ZONE = "ical_unknown_time_zone",
            en: "time zone \"{value}\" is not an IANA time-zone name such as Asia/Shanghai",
            zh: "时区“{value}”不是 IANA 时区名（例如 Asia/Shanghai）";
        /// An event whose times have no zone, and no default zone was given.
        ICAL_TIME_ZONE_MISSING = "ical_time_zone_missing",
            en: "the event's times have no TZID; give options.time_zone for times without one",
            zh: "该事件的时间没有 TZID；请在 options.time_zone 中指定默认时区";
        /// An event that lasts whole days, which is not a session.
        ICAL_ALL_DAY_EVENT = "ical_all_day_event",
            en: "all-day events are not sessions; give DTSTART a time of day",
            zh: "全天事件不是课次；请为 DTSTART 指定时刻";
        /// A rule with neither COUNT nor UNTIL, and no options.until.
        ICAL_UNBOUNDED_RULE = "ical_unbounded_rule",
            en: "the rule has neither COUNT nor UNTIL; give options.until to end it",
            zh: "该规则既无 COUNT 也无 UNTIL；请在 options.until 中指定结束日期";
        /// A rule whose DTSTART is not one of its own dates.
        ICAL_DTSTART_NOT_IN_RULE = "ical_dtstart_not_in_rule",
            en: "DTSTART {date} is not a date of the rule, which RFC 5545 leaves undefined; move DTSTART to the first date of the rule",
            zh: "DTSTART {date} 不在规则的日期中，RFC 5545 未定义此情形；请把 DTSTART 改为规则的第一个日期";
        /// An iCalendar file longer than an import reads.
        ICAL_TOO_LARGE = "ical_too_large",
            en: "the file is {size} bytes, more than the {max} bytes an import reads; split it into several files",
            zh: "文件为 {size} 字节，超过导入可读取的 {max} 字节；请拆分为多个文件";
        /// An iCalendar file whose events together give more sessions than one import may.
        ICAL_TOO_MANY_SESSIONS = "ical_too_many_sessions",
            en: "the events up to this one give more than {max} sessions, the most one import may produce; split the file or shorten its rules",
            zh: "截至此事件，各事件共产生超过 {max} 个课次，超出单次导入上限；请拆分文件或缩短重复规则";
        /// A second RECURRENCE-ID event for an occurrence that an earlier event already replaces.
        ICAL_REPEATED_OVERRIDE = "ical_repeated_override",
            en: "the event with UID {uid} and RECURRENCE-ID {value} replaces the same occurrence as the event on line {line}; keep one of the two events",
            zh: "UID 为 {uid}、RECURRENCE-ID 为 {value} 的事件与第 {line} 行的事件替换同一课次；请只保留其中一个事件";
        /// A RECURRENCE-ID event that matches no occurrence.
        ICAL_UNMATCHED_OVERRIDE = "ical_unmatched_override",
            en: "the event with UID {uid} and RECURRENCE-ID {value} replaces no occurrence of a series in the file",
            zh: "UID 为 {uid}、RECURRENCE-ID 为 {value} 的事件未对应文件中任何系列的课次";
    }
}
