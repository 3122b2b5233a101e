//! Previews of a single scan at a given time, for forms and screens that
//! show a learner or organiser the rules before any scan is made.

use chrono::{DateTime, Utc};

use crate::model::ScanDirection;
use crate::problem::{Code, Locale, Params, Path, Problem};
use crate::schedule::TimedSession;

use super::check::{Rejection, check_window};
use super::codes;
use super::policy::AttendancePolicy;
use super::status::{SessionWindows, StatusDecision, decide_status};

/// The outcome a scan would get under a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct ScanPreview {
    /// The session's windows under the policy.
    pub windows: SessionWindows,
    /// The status, punctuality and credited minutes the record would have,
    /// when the scan would be accepted. A previewed check-in assumes no
    /// check-out follows.
    pub decision: Option<StatusDecision>,
    /// The rejection code and its message values, when the scan would be
    /// rejected.
    pub rejection: Option<(Code, Params)>,
}

impl ScanPreview {
    /// Returns whether the scan would be accepted.
    pub fn is_accepted(&self) -> bool {
        self.rejection.is_none()
    }

    /// Renders the message of the rejection in `locale`, when there is one.
    pub fn message_in(&self, locale: Locale) -> Option<String> {
        let (code, params) = self.rejection.as_ref()?;
        let problem = Problem {
            code: *code,
            path: Path::root(),
            message: String::new(),
            params: params.clone(),
        };
        Some(problem.message_in(locale))
    }
}

/// Previews a scan of `session` received at `scanned_at`: whether the
/// session and the window accept it, and the status and credited minutes
/// the learner's record would get.
///
/// A check-out needs `checked_in_at`, the time of the learner's accepted
/// check-in; one outside the check-in window, or after the check-out,
/// could not have been accepted and leaves the check-out rejected with
/// `no_check_in`. The preview does not check tokens, the geofence, enrolment or
/// other scans, which need the platform's key and records.
///
/// # Example
///
/// ```
/// use chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
/// use xuetong::attendance::{AttendancePolicy, AttendanceStatus, preview_scan};
/// use xuetong::model::ScanDirection;
/// use xuetong::schedule::{SessionTimes, TimedSession};
/// # use xuetong::model::{AmbiguousTime, Session, SessionOwner, SessionStatus};
/// # use xuetong::id::{CourseId, SessionId, VenueId};
/// # let session = Session {
/// #     id: SessionId::derive("doc", "1"), source: None,
/// #     owner: SessionOwner::Course(CourseId::derive("doc", "c")),
/// #     venue_id: VenueId::derive("doc", "v"), instructor_ids: Vec::new(),
/// #     date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
/// #     start_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
/// #     end_time: NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
/// #     end_date: None, time_zone: Some(chrono_tz::Asia::Shanghai),
/// #     ambiguous_time: AmbiguousTime::Earlier, status: SessionStatus::Scheduled, activity_kind: None,
/// # };
/// let starts_at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap();
/// let times = SessionTimes { starts_at, ends_at: starts_at + Duration::minutes(90), time_zone: chrono_tz::Asia::Shanghai };
/// let timed = TimedSession { session, times };
///
/// let policy = AttendancePolicy::default();
/// let preview = preview_scan(&timed, &policy, ScanDirection::CheckIn, starts_at + Duration::minutes(12), None);
/// let decision = preview.decision.unwrap();
/// assert_eq!(decision.status, AttendanceStatus::Late);
/// assert_eq!(decision.credited_minutes, 78);
///
/// let too_early = preview_scan(&timed, &policy, ScanDirection::CheckIn, starts_at - Duration::minutes(31), None);
/// assert_eq!(too_early.rejection.unwrap().0.as_str(), "too_early");
/// ```
pub fn preview_scan(
    session: &TimedSession,
    policy: &AttendancePolicy,
    direction: ScanDirection,
    scanned_at: DateTime<Utc>,
    checked_in_at: Option<DateTime<Utc>>,
) -> ScanPreview {
    let windows = SessionWindows::new(&session.times, policy);
    let judged = judge(
        session,
        &windows,
        policy,
        direction,
        scanned_at,
        checked_in_at,
    );
    match judged {
        Ok(decision) => ScanPreview {
            windows,
            decision: Some(decision),
            rejection: None,
        },
        Err(rejection) => ScanPreview {
            windows,
            decision: None,
            rejection: Some((rejection.code, rejection.params)),
        },
    }
}

fn judge(
    session: &TimedSession,
    windows: &SessionWindows,
    policy: &AttendancePolicy,
    direction: ScanDirection,
    scanned_at: DateTime<Utc>,
    checked_in_at: Option<DateTime<Utc>>,
) -> Result<StatusDecision, Rejection> {
    if session.session.is_cancelled() {
        return Err(Rejection::new(codes::SESSION_CANCELLED)
            .with("session_id", session.session.id.to_string()));
    }
    check_window(windows, direction, scanned_at)?;
    match direction {
        ScanDirection::CheckIn => Ok(decide_status(
            windows,
            policy,
            Some(scanned_at),
            None,
            false,
        )),
        ScanDirection::CheckOut => {
            // A check-in outside its window would have been rejected, so
            // it leaves the check-out without one, as in the batch engine.
            let accepted = |at: &DateTime<Utc>| {
                *at <= scanned_at && check_window(windows, ScanDirection::CheckIn, *at).is_ok()
            };
            let Some(checked_in_at) = checked_in_at.filter(accepted) else {
                return Err(Rejection::new(codes::NO_CHECK_IN));
            };
            Ok(decide_status(
                windows,
                policy,
                Some(checked_in_at),
                Some(scanned_at),
                false,
            ))
        }
    }
}
