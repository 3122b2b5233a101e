//! Attendance: QR check-in tokens, the attendance policy, one record per
//! learner and session, rates, completion and early warnings.
//!
//! A learner scans the session's rotating QR code on arrival (a check-in)
//! and may scan again on leaving (a check-out). [`evaluate_attendance`]
//! judges every scan under an [`AttendancePolicy`] at an explicit
//! evaluation time `as_of` (the library has no clock), and returns an
//! [`AttendanceReport`]:
//!
//! - one [`AttendanceRecord`] per learner and session, with its
//!   [`AttendanceStatus`], punctuality and credited minutes;
//! - every rejected scan with a catalogue code ([`codes`]) and every scan
//!   that changed nothing ([`DuplicateScan`]), so that no scan is lost;
//! - one [`CourseResult`] per learner and course: the exact attendance
//!   [`Ratio`] with its denominator named, the completion decision and the
//!   early warnings.
//!
//! [`preview_scan`] previews what one scan at a given time would get, and
//! [`attendance_outcomes`] turns records and results into learning
//! outcomes for the credit rules.
//!
//! # The rules, with the default policy
//!
//! - A check-in is accepted from 30 minutes before the start to the end of
//!   the session, both bounds included; a check-out until 30 minutes after
//!   the end.
//! - The first accepted check-in decides punctuality: at or before the
//!   start plus 10 minutes is on time, later is late. A last check-out
//!   earlier than the end minus 10 minutes is leaving early.
//! - Check-out is optional. When the policy requires it, a record without
//!   one is `incomplete` and credits nothing.
//! - Credited minutes are the full scheduled length when on time and not
//!   leaving early, and otherwise the overlap of [check-in, check-out or
//!   end] with the session, in whole minutes rounded down.
//! - Further check-ins are duplicates; a scan with a nonce already seen for
//!   the same learner and session is a retry whose original result stands;
//!   a check-out without an earlier accepted check-in is rejected.
//! - Scans are judged in order of receipt time (`scanned_at`, the server's
//!   clock), so the order of the input never matters.
//!
//! The check-in tokens, where their secrets come from and what rotation
//! cannot prevent are described on [`SessionSecret`]; `docs/attendance.md`
//! is the full guide.

mod check;
mod courses;
mod engine;
mod outcome;
mod policy;
mod preview;
mod rate;
mod report;
mod scans;
mod status;
mod token;

pub use engine::{AttendanceInput, EvaluationSettings, MAX_SCANS, evaluate_attendance};
pub(crate) use outcome::{KEY_CAPACITY, push_source_key, with_given_outcomes};
pub use outcome::{OUTCOME_SOURCE_SYSTEM, OutcomeGrouping, attendance_outcomes};
pub use policy::{
    AttendancePolicy, CheckInPolicy, CheckOutPolicy, GeofencePolicy, MAX_GRACE_SECONDS,
    MAX_POLICY_MINUTES, MAX_RADIUS_METRES, MAX_ROTATION_SECONDS, MAX_WARNING_SESSIONS,
    POLICY_FORMAT, TokenPolicy, WarningPolicy,
};
pub use preview::{ScanPreview, preview_scan};
pub use rate::{
    AssessmentResult, AssessmentState, AttendanceWarning, CompletionGap, CourseResult, Ratio,
};
pub use report::{
    AttendanceRecord, AttendanceReport, AttendanceSummary, DuplicateKind, DuplicateScan,
    RejectedScan,
};
pub use status::{AttendanceStatus, Punctuality, SessionWindows, StatusDecision, decide_status};
pub use token::{
    MAX_KEY_BYTES, MIN_KEY_BYTES, ROTATING_TOKEN_CHARS, STATIC_TOKEN_CHARS, SessionSecret,
    TAG_BYTES, TokenKey, TokenKeyError, TokenRejection, TokenWindow, VerifiedToken,
};

/// Codes of rejected scans, and of attendance inputs that are inconsistent
/// in themselves.
pub mod codes {
    crate::define_codes! {
        /// A scan received after the evaluation time.
        SCAN_IN_FUTURE = "scan_in_future",
            en: "the scan was received at {scanned_at}, after the evaluation time {as_of}; evaluate again later or correct the scan's time",
            zh: "扫码时间 {scanned_at} 晚于评估时间 {as_of}；请稍后重新评估或更正扫码时间";
        /// A scan for a session that is not known.
        UNKNOWN_SESSION = "unknown_session",
            en: "session {session_id} is not known; check the QR code and the list of sessions",
            zh: "课次 {session_id} 不存在；请检查二维码和课次列表";
        /// A scan by a learner who is not registered.
        UNKNOWN_LEARNER = "unknown_learner",
            en: "learner {learner_id} is not registered; register the learner first",
            zh: "学员 {learner_id} 未注册；请先注册";
        /// A scan for a cancelled session.
        SESSION_CANCELLED = "session_cancelled",
            en: "session {session_id} is cancelled, so no attendance is recorded for it",
            zh: "课次 {session_id} 已取消，不记录考勤";
        /// A scan without the token its method requires.
        MISSING_TOKEN = "missing_token",
            en: "a {method} scan needs a check-in token and this one has none; scan the code shown at the session",
            zh: "{method} 方式的扫码须带签到令牌，此次扫码没有；请扫描现场显示的签到码";
        /// A token that is malformed or not issued for this session.
        INVALID_TOKEN = "invalid_token",
            en: "the check-in token is not valid for this session; scan the code shown at the session",
            zh: "签到令牌对本课次无效；请扫描现场显示的签到码";
        /// A genuine rotating token scanned after its window and grace margin.
        EXPIRED_TOKEN = "expired_token",
            en: "the check-in token expired at {valid_until}; scan the code shown now",
            zh: "签到令牌已于 {valid_until} 过期；请扫描当前显示的签到码";
        /// A genuine rotating token scanned before its window starts.
        TOKEN_NOT_YET_VALID = "token_not_yet_valid",
            en: "the check-in token is valid only from {valid_from}; check the clock of the screen that shows the code",
            zh: "签到令牌自 {valid_from} 起才有效；请检查显示签到码的屏幕时钟";
        /// A genuine static token where the policy allows only rotating ones.
        STATIC_TOKEN_NOT_ALLOWED = "static_token_not_allowed",
            en: "a printed or card check-in code is not accepted; scan the rotating code shown at the session",
            zh: "不接受固定签到码（印刷或卡片）；请扫描现场显示的动态签到码";
        /// A scan without a location where the geofence requires one.
        MISSING_LOCATION = "missing_location",
            en: "the scan has no location, which the geofence requires; allow the app to share the device's location",
            zh: "电子围栏要求扫码带有位置，此次扫码没有；请允许应用获取设备位置";
        /// A scan made farther from the venue than the geofence allows.
        OUTSIDE_GEOFENCE = "outside_geofence",
            en: "the scan was made {distance_metres} m from the venue, farther than the allowed {radius_metres} m",
            zh: "扫码位置距场所 {distance_metres} 米，超出允许的 {radius_metres} 米";
        /// A scan received before its window opens.
        TOO_EARLY = "too_early",
            en: "the scan at {scanned_at} is before the window opens at {opens_at}",
            zh: "扫码时间 {scanned_at} 早于开放时间 {opens_at}";
        /// A scan received after its window closes.
        TOO_LATE = "too_late",
            en: "the scan at {scanned_at} is after the window closed at {closes_at}",
            zh: "扫码时间 {scanned_at} 晚于截止时间 {closes_at}";
        /// A check-in by a learner without a place, in a course without walk-ins.
        NOT_ENROLLED = "check_in_not_enrolled",
            en: "learner {learner_id} holds no place in course {course_id}, which does not accept walk-ins",
            zh: "学员 {learner_id} 在课程 {course_id} 中没有名额，且该课程不接受临时参加";
        /// A check-out without an earlier accepted check-in.
        NO_CHECK_IN = "no_check_in",
            en: "a check-out needs an earlier accepted check-in at the same session, and there is none",
            zh: "签退前须在同一课次有已接受的签到，但没有";
        /// A scan id used by another scan with different content.
        CONFLICTING_SCAN_ID = "conflicting_scan_id",
            en: "scan id {scan_id} is used by another scan with different content; give every scan its own id",
            zh: "扫码 id {scan_id} 已被另一条内容不同的扫码使用；每条扫码须有自己的 id";
        /// A token key that is not hexadecimal or has the wrong length.
        INVALID_TOKEN_KEY = "invalid_token_key",
            en: "the token key is not usable: {detail}",
            zh: "签到令牌密钥不可用：{detail}";
        /// An attendance input that refers to a record it does not contain.
        REFERENCE_NOT_IN_INPUT = "reference_not_in_input",
            en: "{field} {value} is not in {target}; add it to the input or correct the reference",
            zh: "{field} {value} 不在 {target} 中；请将其加入输入或更正引用";
        /// An attendance input that gives one id to two records.
        DUPLICATE_INPUT_ID = "duplicate_input_id",
            en: "{field} {value} is used by more than one {kind}; give each its own id",
            zh: "{field} {value} 被多个 {kind} 使用；每条记录须有自己的 id";
    }
}
