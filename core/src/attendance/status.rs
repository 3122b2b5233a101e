//! The status of one learner at one session, and the minutes it credits.

use chrono::{DateTime, Duration, Utc};

use crate::schedule::SessionTimes;

use super::policy::AttendancePolicy;

crate::text_enum! {
    /// The status of a learner's attendance at one session.
    pub enum AttendanceStatus {
        /// Checked in on time and did not leave early.
        Present = "present",
        /// Checked in late and did not leave early.
        Late = "late",
        /// Checked in on time and checked out early.
        LeftEarly = "left_early",
        /// Checked in late and checked out early.
        LateAndLeftEarly = "late_and_left_early",
        /// Checked in but never checked out although the policy requires it;
        /// credits nothing.
        Incomplete = "incomplete",
        /// Excused, and did not check in.
        Excused = "excused",
        /// Expected and did not check in, without an excusal.
        Absent = "absent",
    }
}

impl AttendanceStatus {
    /// Returns whether the status counts as attended in rates: present,
    /// late, left early, or late and left early.
    pub fn is_attended(self) -> bool {
        matches!(
            self,
            Self::Present | Self::Late | Self::LeftEarly | Self::LateAndLeftEarly
        )
    }
}

crate::text_enum! {
    /// Whether the first accepted check-in was on time.
    pub enum Punctuality {
        /// At or before the start plus the late margin.
        OnTime = "on_time",
        /// After the start plus the late margin.
        Late = "late",
    }
}

/// The instants at which a policy's rules change for one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionWindows {
    /// When the session starts.
    pub starts_at: DateTime<Utc>,
    /// When the session ends.
    pub ends_at: DateTime<Utc>,
    /// The first instant a check-in is accepted.
    pub check_in_opens_at: DateTime<Utc>,
    /// The last instant a check-in is accepted.
    pub check_in_closes_at: DateTime<Utc>,
    /// The last instant a first check-in is on time.
    pub on_time_until: DateTime<Utc>,
    /// The last instant a check-out is accepted.
    pub check_out_closes_at: DateTime<Utc>,
    /// A last check-out before this instant is leaving early.
    pub left_early_before: DateTime<Utc>,
    /// The scheduled length in whole minutes, rounded down.
    pub scheduled_minutes: u32,
}

/// `instant` moved by `minutes`, held at the representable bounds.
fn shift(instant: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
    let moved = instant.checked_add_signed(Duration::minutes(minutes));
    moved.unwrap_or(if minutes < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

impl SessionWindows {
    /// Computes the windows of a session with `times` under `policy`.
    pub fn new(times: &SessionTimes, policy: &AttendancePolicy) -> Self {
        let start = times.starts_at;
        let end = times.ends_at;
        Self {
            starts_at: start,
            ends_at: end,
            check_in_opens_at: shift(
                start,
                -i64::from(policy.check_in.opens_before_start_minutes),
            ),
            check_in_closes_at: shift(end, i64::from(policy.check_in.closes_after_end_minutes)),
            on_time_until: shift(start, i64::from(policy.check_in.late_after_start_minutes)),
            check_out_closes_at: shift(end, i64::from(policy.check_out.closes_after_end_minutes)),
            left_early_before: shift(end, -i64::from(policy.check_out.early_before_end_minutes)),
            scheduled_minutes: whole_minutes(end - start),
        }
    }
}

/// Returns `to - from`. Within one UTC date chrono's difference is that of
/// the times of day, so the calendar arithmetic on the dates is skipped.
fn elapsed(from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    let (from, to) = (from.naive_utc(), to.naive_utc());
    if from.date() == to.date() {
        to.time() - from.time()
    } else {
        to - from
    }
}

/// Converts a duration to whole minutes, rounded down, and to zero when
/// negative.
fn whole_minutes(duration: Duration) -> u32 {
    u32::try_from(duration.num_minutes().max(0)).unwrap_or(u32::MAX)
}

/// The status of a record, its punctuality and the minutes it credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusDecision {
    /// The record's status.
    pub status: AttendanceStatus,
    /// Whether the first check-in was on time; `None` without one.
    pub punctuality: Option<Punctuality>,
    /// The minutes credited.
    pub credited_minutes: u32,
}

/// Decides the status and credited minutes of a record from its first
/// accepted check-in and last accepted check-out.
///
/// Credited minutes are the full scheduled length when the learner was on
/// time and did not leave early. Otherwise they are the overlap of
/// [check-in, check-out or end] with the session, in whole minutes rounded
/// down. An incomplete, excused or absent record credits nothing.
///
/// # Example
///
/// ```
/// use chrono::{Duration, TimeZone, Utc};
/// use chrono_tz::Asia::Shanghai;
/// use xuetong::attendance::{AttendancePolicy, AttendanceStatus, SessionWindows, decide_status};
/// use xuetong::schedule::SessionTimes;
///
/// let starts_at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
/// let times = SessionTimes { starts_at, ends_at: starts_at + Duration::minutes(90), time_zone: Shanghai };
/// let policy = AttendancePolicy::default();
/// let windows = SessionWindows::new(&times, &policy);
///
/// let late = decide_status(&windows, &policy, Some(starts_at + Duration::minutes(14)), None, false);
/// assert_eq!(late.status, AttendanceStatus::Late);
/// assert_eq!(late.credited_minutes, 76);
/// ```
pub fn decide_status(
    windows: &SessionWindows,
    policy: &AttendancePolicy,
    check_in: Option<DateTime<Utc>>,
    check_out: Option<DateTime<Utc>>,
    excused: bool,
) -> StatusDecision {
    let Some(check_in) = check_in else {
        let status = if excused {
            AttendanceStatus::Excused
        } else {
            AttendanceStatus::Absent
        };
        return StatusDecision {
            status,
            punctuality: None,
            credited_minutes: 0,
        };
    };
    let late = check_in > windows.on_time_until;
    let punctuality = Some(if late {
        Punctuality::Late
    } else {
        Punctuality::OnTime
    });
    if policy.check_out.required && check_out.is_none() {
        return StatusDecision {
            status: AttendanceStatus::Incomplete,
            punctuality,
            credited_minutes: 0,
        };
    }
    let left_early = check_out.is_some_and(|out| out < windows.left_early_before);
    let status = match (late, left_early) {
        (false, false) => AttendanceStatus::Present,
        (true, false) => AttendanceStatus::Late,
        (false, true) => AttendanceStatus::LeftEarly,
        (true, true) => AttendanceStatus::LateAndLeftEarly,
    };
    let credited_minutes = if status == AttendanceStatus::Present {
        windows.scheduled_minutes
    } else {
        let from = check_in.max(windows.starts_at);
        let to = check_out.unwrap_or(windows.ends_at).min(windows.ends_at);
        whole_minutes(elapsed(from, to))
    };
    StatusDecision {
        status,
        punctuality,
        credited_minutes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn windows(policy: &AttendancePolicy) -> SessionWindows {
        let starts_at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
        let times = SessionTimes {
            starts_at,
            ends_at: starts_at + Duration::minutes(90),
            time_zone: chrono_tz::Asia::Shanghai,
        };
        SessionWindows::new(&times, policy)
    }

    fn at(minutes: i64, seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()
            + Duration::minutes(minutes)
            + Duration::seconds(seconds)
    }

    #[test]
    fn windows_of_default_policy() {
        let policy = AttendancePolicy::default();
        let windows = windows(&policy);
        assert_eq!(windows.check_in_opens_at, at(-30, 0));
        assert_eq!(windows.check_in_closes_at, at(90, 0));
        assert_eq!(windows.on_time_until, at(10, 0));
        assert_eq!(windows.check_out_closes_at, at(120, 0));
        assert_eq!(windows.left_early_before, at(80, 0));
        assert_eq!(windows.scheduled_minutes, 90);
    }

    #[test]
    fn punctuality_bound_is_on_time() {
        let policy = AttendancePolicy::default();
        let windows = windows(&policy);
        let on_time = decide_status(&windows, &policy, Some(at(10, 0)), None, false);
        assert_eq!(on_time.status, AttendanceStatus::Present);
        assert_eq!(on_time.credited_minutes, 90);
        let late = decide_status(&windows, &policy, Some(at(10, 1)), None, false);
        assert_eq!(late.status, AttendanceStatus::Late);
        assert_eq!(late.punctuality, Some(Punctuality::Late));
        // 10:01 past the start to the end is 79 min 59 s: 79 whole minutes.
        assert_eq!(late.credited_minutes, 79);
    }

    #[test]
    fn leaving_early_bound() {
        let policy = AttendancePolicy::default();
        let windows = windows(&policy);
        let at_bound = decide_status(&windows, &policy, Some(at(-5, 0)), Some(at(80, 0)), false);
        assert_eq!(at_bound.status, AttendanceStatus::Present);
        assert_eq!(at_bound.credited_minutes, 90);
        let early = decide_status(&windows, &policy, Some(at(-5, 0)), Some(at(79, 30)), false);
        assert_eq!(early.status, AttendanceStatus::LeftEarly);
        assert_eq!(early.credited_minutes, 79);
        let both = decide_status(&windows, &policy, Some(at(20, 0)), Some(at(50, 0)), false);
        assert_eq!(both.status, AttendanceStatus::LateAndLeftEarly);
        assert_eq!(both.credited_minutes, 30);
    }

    #[test]
    fn check_out_before_start_credits_nothing() {
        let policy = AttendancePolicy::default();
        let windows = windows(&policy);
        let before_start =
            decide_status(&windows, &policy, Some(at(-20, 0)), Some(at(-10, 0)), false);
        assert_eq!(before_start.status, AttendanceStatus::LeftEarly);
        assert_eq!(before_start.credited_minutes, 0);
    }

    #[test]
    fn required_check_out_missing_is_incomplete() {
        let mut policy = AttendancePolicy::default();
        policy.check_out.required = true;
        let windows = windows(&policy);
        let decision = decide_status(&windows, &policy, Some(at(0, 0)), None, false);
        assert_eq!(decision.status, AttendanceStatus::Incomplete);
        assert_eq!(decision.credited_minutes, 0);
        assert_eq!(decision.punctuality, Some(Punctuality::OnTime));
    }

    #[test]
    fn elapsed_matches_chrono_difference() {
        let instant = |day: u32, hour: u32, minute: u32, second: u32, milli: u32| {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 3, day).unwrap();
            let time = chrono::NaiveTime::from_hms_milli_opt(hour, minute, second, milli).unwrap();
            Utc.from_utc_datetime(&date.and_time(time))
        };
        let instants = [
            instant(2, 0, 0, 0, 0),
            instant(2, 8, 59, 59, 999),
            instant(2, 9, 0, 30, 250),
            // A leap second, which chrono keeps as a fraction of 1,500 ms.
            instant(2, 23, 59, 59, 1500),
            instant(3, 0, 0, 0, 0),
            instant(3, 0, 14, 59, 0),
            instant(9, 12, 0, 0, 0),
        ];
        for from in instants {
            for to in instants {
                assert_eq!(elapsed(from, to), to - from, "{from} to {to}");
            }
        }
    }

    #[test]
    fn no_check_in_is_excused_or_absent() {
        let policy = AttendancePolicy::default();
        let windows = windows(&policy);
        let excused = decide_status(&windows, &policy, None, None, true);
        assert_eq!(excused.status, AttendanceStatus::Excused);
        let absent = decide_status(&windows, &policy, None, None, false);
        assert_eq!(absent.status, AttendanceStatus::Absent);
        assert!(!absent.status.is_attended());
        assert_eq!(absent.credited_minutes, 0);
    }
}
