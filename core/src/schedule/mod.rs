//! Sessions in time: local dates and times in an IANA zone turned into UTC
//! instants.
//!
//! A local time that does not exist (clocks jump forward) is an error with
//! its own code, `nonexistent_local_time`, and is never shifted. A local time
//! that occurs twice (clocks go back) means the earlier instant unless the
//! session asks for the later one ([`AmbiguousTime`]). Lengths are
//! differences of instants, so a session over a clock change lasts what the
//! clocks on the wall say it lasts.

mod local;

pub use local::{
    LocalTimeError, MAX_SESSION_MINUTES, SessionTimes, TimedSession, resolve_local, session_times,
};

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
    }
}
