//! The attendance engine on the example bundle and on hand-built seasons:
//! statuses, rejection codes, tokens checked against an independent
//! implementation, rates, completion and outcomes.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use xuetong::attendance::{
    AssessmentResult, AttendanceInput, AttendancePolicy, AttendanceReport, AttendanceStatus,
    CompletionGap, DuplicateKind, EvaluationSettings, OUTCOME_SOURCE_SYSTEM, OutcomeGrouping,
    Ratio, TokenKey, attendance_outcomes, evaluate_attendance,
};
use xuetong::bundle::{Bundle, MemoryBundle, read_bundle};
use xuetong::decimal::Percent;
use xuetong::id::{CourseId, LearnerId, OutcomeId, ScanId, SessionId};
use xuetong::model::{Course, Enrolment, OutcomeKind, Scan, Session, ShortText, Venue};
use xuetong::problem::Path;
use xuetong::record::Record;
use xuetong::schedule::{TimedSession, session_times};
use xuetong_tests::repo_root;

/// The key the example bundle's tokens were issued with, 00 01 … 1f. It is
/// an example only: a platform generates its own random key.
const EXAMPLE_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test instants are RFC 3339")
        .with_timezone(&Utc)
}

fn learner(n: u32) -> LearnerId {
    format!("20000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn course(n: u32) -> CourseId {
    format!("40000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn session(n: u32) -> SessionId {
    format!("50000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn scan_id(n: u32) -> ScanId {
    format!("70000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn example() -> Bundle {
    let folder = repo_root().join("examples").join("bundle");
    let mut files = MemoryBundle::new();
    for entry in std::fs::read_dir(folder).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        files.insert(name, std::fs::read(entry.path()).unwrap());
    }
    let (bundle, report) = read_bundle(&files).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    bundle
}

fn evaluate_bundle(bundle: &Bundle, as_of: &str, key: Option<&TokenKey>) -> AttendanceReport {
    let learners: Vec<LearnerId> = bundle.learners.iter().map(|learner| learner.id).collect();
    let input = AttendanceInput::from_bundle(bundle, &learners, &[]);
    let policy = AttendancePolicy::default();
    let settings = EvaluationSettings {
        policy: &policy,
        as_of: instant(as_of),
        token_key: key,
    };
    evaluate_attendance(&input, &settings).expect("the example bundle is consistent")
}

/// (session, learner, status, credited minutes) of every record.
fn record_rows(report: &AttendanceReport) -> Vec<(SessionId, LearnerId, AttendanceStatus, u32)> {
    report
        .records
        .iter()
        .map(|record| {
            (
                record.session_id,
                record.learner_id,
                record.status,
                record.credited_minutes,
            )
        })
        .collect()
}

#[test]
fn tokens_match_independent_implementation() {
    // Computed with Python's hmac and hashlib from the documented format.
    let key = TokenKey::from_hex(EXAMPLE_KEY).unwrap();
    let secret = key.session_secret(session(1));
    assert_eq!(
        secret.issue(59_080_424).unwrap(),
        "AAADhX7oAMzgc4RqIet-giay"
    );
    assert_eq!(secret.static_token(), "YK3FwppWXeW76yux");
    let policy = AttendancePolicy::default().token;
    let (token, window) = secret
        .issue_at(instant("2026-03-02T08:52:10+08:00"), &policy)
        .unwrap();
    assert_eq!(window.index, 59_080_424);
    assert_eq!(token, "AAADhX7oAMzgc4RqIet-giay");
}

#[test]
fn example_bundle_records() {
    use AttendanceStatus::{Absent, Excused, Late, LeftEarly, Present};
    let bundle = example();
    let report = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", None);
    assert!(!report.tokens_verified);
    // Sessions in start order: 1 (2 Mar), 5 (4 Mar), 7 (6 Mar), 8 (7 Mar,
    // club, 22:00 to 01:00), 2 (9 Mar), 6 (11 Mar), 4 (23 Mar); session 3
    // is cancelled and has no records.
    let expected = vec![
        (session(1), learner(1), Present, 90),
        // Checked in at 09:14:30, four and a half minutes after the late
        // bound: 75 whole minutes to 10:30.
        (session(1), learner(2), Late, 75),
        (session(1), learner(4), Present, 90),
        (session(5), learner(1), Present, 60),
        (session(5), learner(4), Present, 60),
        // A walk-in: no place in the course, which accepts walk-ins.
        (session(5), learner(5), Present, 60),
        // Checked out at 20:30, before 20:50: 18:30 to 20:30.
        (session(7), learner(3), LeftEarly, 120),
        (session(8), learner(4), Present, 180),
        (session(8), learner(6), Present, 180),
        (session(2), learner(1), Present, 90),
        // Still held a place on 9 March (withdrew on the 10th).
        (session(2), learner(2), Absent, 0),
        (session(2), learner(4), Excused, 0),
        (session(6), learner(1), Present, 60),
        // 14:11 is after 14:10: 49 minutes to 15:00.
        (session(6), learner(4), Late, 49),
        (session(4), learner(1), Present, 90),
        (session(4), learner(4), Present, 90),
    ];
    assert_eq!(record_rows(&report), expected);

    let walk_in = &report.records[5];
    assert!(walk_in.walk_in);
    assert_eq!(report.duplicates.len(), 1);
    assert_eq!(report.duplicates[0].scan_id, scan_id(6));
    assert_eq!(report.duplicates[0].kind, DuplicateKind::RepeatedCheckIn);
    assert_eq!(report.duplicates[0].kept_scan_id, scan_id(5));
    assert!(report.rejected.is_empty(), "{:#?}", report.rejected);
    assert_eq!(report.summary.scans, 17);
    assert_eq!(report.summary.accepted, 16);
    assert_eq!(report.summary.duplicates, 1);
}

#[test]
fn example_bundle_course_results() {
    let bundle = example();
    let report = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", None);
    let rows: Vec<(CourseId, LearnerId, Option<Ratio>, bool)> = report
        .course_results
        .iter()
        .map(|result| {
            (
                result.course_id,
                result.learner_id,
                result.rate,
                result.completed,
            )
        })
        .collect();
    let ratio = |n, d| Ratio::new(n, d);
    assert_eq!(
        rows,
        vec![
            (course(1), learner(1), ratio(3, 3), true),
            // Sessions 1 and 2 count (held before withdrawal); attended 1.
            (course(1), learner(2), ratio(1, 2), false),
            // The excused session 2 leaves the denominator.
            (course(1), learner(4), ratio(2, 2), true),
            // Course 2 requires an assessment, and none is given.
            (course(2), learner(1), ratio(2, 2), false),
            (course(2), learner(4), ratio(2, 2), false),
            (course(3), learner(3), ratio(1, 1), false),
        ]
    );
    let withdrawn = &report.course_results[1];
    assert_eq!(
        withdrawn.unmet,
        vec![CompletionGap::Withdrawn, CompletionGap::BelowThreshold]
    );
    assert_eq!(withdrawn.rate.unwrap().percent_text(), "50.0");
    let excused = &report.course_results[2];
    assert_eq!(excused.excused_sessions, 1);
    assert_eq!(excused.rate_over_held_sessions, ratio(2, 3));
    assert_eq!(
        excused.rate_over_held_sessions.unwrap().percent_text(),
        "66.6"
    );
    assert_eq!(excused.rate_over_scheduled_sessions, ratio(2, 3));
    assert_eq!(
        report.course_results[3].unmet,
        vec![CompletionGap::AssessmentMissing]
    );
}

#[test]
fn example_tokens_verify_with_example_key() {
    let bundle = example();
    let key = TokenKey::from_hex(EXAMPLE_KEY).unwrap();
    let without = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", None);
    let with = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", Some(&key));
    assert!(with.tokens_verified);
    assert!(with.rejected.is_empty(), "{:#?}", with.rejected);
    assert_eq!(with.records, without.records);

    let other = TokenKey::from_hex("ff0102030405060708090a0b0c0d0e0f").unwrap();
    let wrong = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", Some(&other));
    // Every QR scan fails with another key; the one card scan needs no token.
    let codes: Vec<&str> = wrong.rejected.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes.len(), 16);
    assert!(
        codes.iter().all(|code| *code == "invalid_token"),
        "{codes:?}"
    );
}

#[test]
fn assessment_results_complete_courses() {
    let bundle = example();
    let learners: Vec<LearnerId> = bundle.learners.iter().map(|learner| learner.id).collect();
    let assessment = |id: u32, learner_number: u32, passed: bool| {
        xuetong::model::Outcome::from_json(
            &json!({
                "id": format!("90000000-0000-4000-8000-{id:012}"),
                "learner_id": learner(learner_number).to_string(),
                "kind": "assessment",
                "occurred_on": "2026-03-20",
                "course_id": course(2).to_string(),
                "passed": passed,
            }),
            &Path::root(),
        )
        .unwrap()
    };
    // Learner 1 failed and then passed a retake; learner 4 failed.
    let mut outcomes = bundle.outcomes.clone();
    outcomes.extend([
        assessment(11, 1, false),
        assessment(12, 1, true),
        assessment(13, 4, false),
    ]);
    let assessments = AssessmentResult::from_outcomes(&outcomes);
    assert_eq!(assessments.len(), 3);
    let input = AttendanceInput::from_bundle(&bundle, &learners, &assessments);
    let policy = AttendancePolicy::default();
    let settings = EvaluationSettings {
        policy: &policy,
        as_of: instant("2026-04-01T00:00:00+08:00"),
        token_key: None,
    };
    let report = evaluate_attendance(&input, &settings).unwrap();
    let retaken = &report.course_results[3];
    assert_eq!(retaken.learner_id, learner(1));
    assert!(retaken.completed);
    let failed = &report.course_results[4];
    assert_eq!(failed.unmet, vec![CompletionGap::AssessmentFailed]);
}

#[test]
fn example_outcomes_have_derived_ids() {
    let bundle = example();
    let report = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", None);
    let outcomes = attendance_outcomes(&report, &bundle.sessions, OutcomeGrouping::PerSession);
    // 12 course records and 2 club records credit minutes; 2 learners
    // completed course 1.
    let attendance = outcomes
        .iter()
        .filter(|o| o.kind == OutcomeKind::Attendance)
        .count();
    let club = outcomes
        .iter()
        .filter(|o| o.kind == OutcomeKind::ClubActivity)
        .count();
    let completions = outcomes
        .iter()
        .filter(|o| o.kind == OutcomeKind::CourseCompletion)
        .count();
    assert_eq!((attendance, club, completions), (12, 2, 2));
    for outcome in &outcomes {
        assert!(outcome.validate().is_empty(), "{outcome:?}");
        let back = xuetong::model::Outcome::from_json(&outcome.to_json(), &Path::root()).unwrap();
        assert_eq!(&back, outcome);
    }
    let first = outcomes
        .iter()
        .find(|o| {
            o.kind == OutcomeKind::Attendance
                && o.session_id == Some(session(1))
                && o.learner_id == learner(1)
        })
        .unwrap();
    let key = format!("attendance:{}:{}", learner(1), session(1));
    assert_eq!(first.id, OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, &key));
    assert_eq!(first.minutes, Some(90));
    assert_eq!(first.occurred_on.to_string(), "2026-03-02");
    let completion = outcomes
        .iter()
        .find(|o| o.kind == OutcomeKind::CourseCompletion && o.learner_id == learner(1))
        .unwrap();
    // Course 1's last session that is not cancelled is on 23 March.
    assert_eq!(completion.occurred_on.to_string(), "2026-03-23");

    let per_course = attendance_outcomes(&report, &bundle.sessions, OutcomeGrouping::PerCourse);
    let tai_chi = per_course
        .iter()
        .find(|o| {
            o.kind == OutcomeKind::Attendance
                && o.learner_id == learner(1)
                && o.course_id == Some(course(1))
        })
        .unwrap();
    assert_eq!(tai_chi.minutes, Some(270));
    assert_eq!(tai_chi.occurred_on.to_string(), "2026-03-23");
    assert_eq!(
        attendance_outcomes(&report, &bundle.sessions, OutcomeGrouping::PerSession),
        outcomes,
        "outcomes are the same on every run"
    );
}

#[test]
fn example_outcomes_are_ordered_and_filled() {
    let bundle = example();
    let report = evaluate_bundle(&bundle, "2026-04-01T00:00:00+08:00", None);
    for grouping in [OutcomeGrouping::PerSession, OutcomeGrouping::PerCourse] {
        let outcomes = attendance_outcomes(&report, &bundle.sessions, grouping);
        let keys: Vec<_> = outcomes
            .iter()
            .map(|o| (o.learner_id, o.occurred_on, o.kind, o.id))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{grouping:?}");
        for outcome in &outcomes {
            let per_session = grouping == OutcomeGrouping::PerSession;
            match outcome.kind {
                OutcomeKind::Attendance => {
                    assert!(outcome.course_id.is_some());
                    assert!(outcome.club_id.is_none());
                    assert!(outcome.minutes.is_some());
                    assert_eq!(outcome.session_id.is_some(), per_session);
                }
                OutcomeKind::ClubActivity => {
                    assert!(outcome.club_id.is_some());
                    assert!(outcome.course_id.is_none());
                    assert!(outcome.minutes.is_some());
                    assert_eq!(outcome.session_id.is_some(), per_session);
                }
                _ => {
                    assert_eq!(outcome.kind, OutcomeKind::CourseCompletion);
                    assert!(outcome.course_id.is_some());
                    assert!(outcome.minutes.is_none());
                    assert!(outcome.session_id.is_none());
                }
            }
        }
    }
}

/// A small season built in code: one venue, one course with `sessions`
/// weekly sessions from 2 March 2026 09:00 to 10:30 in Shanghai.
struct Season {
    venue: Venue,
    course: Course,
    sessions: Vec<TimedSession>,
    enrolments: Vec<Enrolment>,
}

impl Season {
    fn new(sessions: u32, threshold: &str) -> Self {
        let venue = Venue::from_json(
            &json!({
                "id": "10000000-0000-4000-8000-000000000001",
                "name": "Xiasha Street Adult School",
                "tier": "street",
                "time_zone": "Asia/Shanghai",
                "latitude": 30.3,
                "longitude": 120.33,
            }),
            &Path::root(),
        )
        .unwrap();
        let course = Course::from_json(
            &json!({
                "id": course(1).to_string(),
                "title": "Calligraphy",
                "category": "calligraphy",
                "provider_venue_id": venue.id.to_string(),
                "completion_threshold": threshold,
            }),
            &Path::root(),
        )
        .unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let sessions = (1..=sessions)
            .map(|n| {
                let date = start + chrono::Days::new(u64::from(n - 1) * 7);
                let session = Session::from_json(
                    &json!({
                        "id": session(n).to_string(),
                        "course_id": course.id.to_string(),
                        "venue_id": venue.id.to_string(),
                        "date": date.to_string(),
                        "start_time": "09:00",
                        "end_time": "10:30",
                    }),
                    &Path::root(),
                )
                .unwrap();
                let times = session_times(&session, Some(venue.time_zone)).unwrap();
                TimedSession { session, times }
            })
            .collect();
        Self {
            venue,
            course,
            sessions,
            enrolments: Vec::new(),
        }
    }

    fn enrol(&mut self, learner_number: u32, confirmed_at: &str) {
        let enrolment = Enrolment::from_json(
            &json!({
                "id": format!("60000000-0000-4000-8000-{:012}", self.enrolments.len() + 1),
                "learner_id": learner(learner_number).to_string(),
                "course_id": self.course.id.to_string(),
                "requested_at": confirmed_at,
            }),
            &Path::root(),
        )
        .unwrap();
        self.enrolments.push(enrolment);
    }

    /// Makes a check-in by `learner_number` at `minutes` after the start of
    /// session `n`.
    fn check_in(&self, id: u32, n: u32, learner_number: u32, minutes: i64) -> Scan {
        let at = self.sessions[n as usize - 1].times.starts_at + Duration::minutes(minutes);
        scan(id, session(n), learner(learner_number), at, "check_in")
    }

    fn evaluate(&self, scans: &[Scan], policy: &AttendancePolicy, as_of: &str) -> AttendanceReport {
        let venues = [self.venue.clone()];
        let courses = [self.course.clone()];
        let input = AttendanceInput {
            sessions: &self.sessions,
            courses: &courses,
            venues: &venues,
            learners: None,
            enrolments: &self.enrolments,
            excusals: &[],
            assessments: &[],
            scans,
        };
        let settings = EvaluationSettings {
            policy,
            as_of: instant(as_of),
            token_key: None,
        };
        evaluate_attendance(&input, &settings).unwrap()
    }
}

fn scan(
    id: u32,
    session: SessionId,
    learner: LearnerId,
    at: DateTime<Utc>,
    direction: &str,
) -> Scan {
    Scan::from_json(
        &json!({
            "id": scan_id(id).to_string(),
            "session_id": session.to_string(),
            "learner_id": learner.to_string(),
            "scanned_at": at.to_rfc3339(),
            "direction": direction,
        }),
        &Path::root(),
    )
    .unwrap()
}

#[test]
fn rate_39_of_49_below_80_percent() {
    let mut season = Season::new(49, "80");
    season.enrol(1, "2026-03-01T00:00:00+08:00");
    let scans: Vec<Scan> = (1..=39).map(|n| season.check_in(n, n, 1, 0)).collect();
    let report = season.evaluate(
        &scans,
        &AttendancePolicy::default(),
        "2027-03-01T00:00:00+08:00",
    );
    let result = &report.course_results[0];
    assert_eq!(result.rate, Ratio::new(39, 49));
    // 39 / 49 is 79.59 %: shown as 79.5 and below the 80 % threshold.
    assert_eq!(result.rate.unwrap().percent_text(), "79.5");
    assert!(!result.completed);
    assert_eq!(result.unmet, vec![CompletionGap::BelowThreshold]);
}

#[test]
fn rate_4_of_5_meets_80_percent() {
    let mut season = Season::new(5, "80");
    season.enrol(1, "2026-03-01T00:00:00+08:00");
    let scans: Vec<Scan> = (1..=4).map(|n| season.check_in(n, n, 1, 0)).collect();
    let report = season.evaluate(
        &scans,
        &AttendancePolicy::default(),
        "2026-05-01T00:00:00+08:00",
    );
    let result = &report.course_results[0];
    assert_eq!(result.rate, Ratio::new(4, 5));
    assert_eq!(result.completion_threshold, Percent::whole(80));
    assert!(result.completed);
}

#[test]
fn late_enrolment_counts_from_confirmation() {
    let mut season = Season::new(6, "80");
    // Confirmed on 20 March: sessions of 2, 9 and 16 March were held before.
    season.enrol(1, "2026-03-20T12:00:00+08:00");
    let scans: Vec<Scan> = (4..=6).map(|n| season.check_in(n, n, 1, 0)).collect();
    let report = season.evaluate(
        &scans,
        &AttendancePolicy::default(),
        "2026-05-01T00:00:00+08:00",
    );
    let result = &report.course_results[0];
    assert_eq!(result.counted_sessions, 3);
    assert_eq!(result.rate, Ratio::new(3, 3));
    assert_eq!(result.rate_over_held_sessions, Ratio::new(3, 6));
    assert!(result.completed);
    assert_eq!(
        report.records.len(),
        3,
        "no absent records before the place"
    );
}

#[test]
fn warnings_while_the_course_runs() {
    let mut season = Season::new(10, "80");
    season.enrol(1, "2026-03-01T00:00:00+08:00");
    season.enrol(2, "2026-03-01T00:00:00+08:00");
    // Learner 1 attends 1 of the first 3 sessions: 33 % after 3 counted, and
    // at most 8 of 10 is still possible (80 %), so only the low rate warns.
    // Learner 2 attends none of 3: at most 7 of 10, so it cannot complete.
    let scans = vec![season.check_in(1, 1, 1, 0)];
    let as_of = "2026-03-17T00:00:00+08:00";
    let report = season.evaluate(&scans, &AttendancePolicy::default(), as_of);
    use xuetong::attendance::AttendanceWarning::{CannotComplete, LowAttendance};
    let first = &report.course_results[0];
    assert_eq!(first.counted_sessions, 3);
    assert_eq!(first.remaining_sessions, 7);
    assert_eq!(first.warnings, vec![LowAttendance]);
    let second = &report.course_results[1];
    assert_eq!(second.warnings, vec![LowAttendance, CannotComplete]);
    assert_eq!(second.rate, Ratio::new(0, 3));
    assert_eq!(second.rate.unwrap().percent_text(), "0.0");
}

#[test]
fn no_counted_session_has_no_rate() {
    let mut season = Season::new(3, "80");
    season.enrol(1, "2026-03-01T00:00:00+08:00");
    let report = season.evaluate(
        &[],
        &AttendancePolicy::default(),
        "2026-03-01T12:00:00+08:00",
    );
    let result = &report.course_results[0];
    assert_eq!(result.rate, None);
    assert_eq!(result.remaining_sessions, 3);
    assert!(result.unmet.contains(&CompletionGap::NoCountedSessions));
    assert!(result.warnings.is_empty());
}

/// Every rejection code, reached through the Rust API. The vectors under
/// `tests/vectors/attendance` reach them through the JSON API.
#[test]
fn every_rejection_code() {
    let mut season = Season::new(2, "80");
    season.enrol(1, "2026-03-01T00:00:00+08:00");
    season.sessions[1].session.status = xuetong::model::SessionStatus::Cancelled;
    let start = season.sessions[0].times.starts_at;
    let key = TokenKey::from_hex(EXAMPLE_KEY).unwrap();
    let secret = key.session_secret(session(1));
    let mut policy = AttendancePolicy::default();
    policy.geofence.radius_metres = Some(200);
    policy.geofence.location_required = true;

    let located = |mut scan: Scan, latitude: f64| {
        scan.set_location(Some(xuetong::model::GeoPoint {
            latitude,
            longitude: 120.33,
        }));
        scan
    };
    let tokened = |mut scan: Scan, token: Option<String>| {
        scan.token = token.map(ShortText::from);
        scan
    };
    let fresh = |at: DateTime<Utc>| secret.issue_at(at, &policy.token).unwrap().0;
    let card = |mut scan: Scan| {
        scan.method = xuetong::model::ScanMethod::Card;
        scan
    };
    let scans = vec![
        // scan_in_future: received after the evaluation time.
        card(located(
            scan(
                1,
                session(1),
                learner(1),
                instant("2026-12-01T00:00:00Z"),
                "check_in",
            ),
            30.3,
        )),
        card(located(
            scan(2, session(99), learner(1), start, "check_in"),
            30.3,
        )),
        card(scan(
            3,
            session(2),
            learner(1),
            season.sessions[1].times.starts_at,
            "check_in",
        )),
        located(scan(4, session(1), learner(1), start, "check_in"), 30.3),
        tokened(
            located(scan(5, session(1), learner(1), start, "check_in"), 30.3),
            Some("not-a-token".into()),
        ),
        tokened(
            located(scan(6, session(1), learner(1), start, "check_in"), 30.3),
            Some(fresh(start - Duration::minutes(5))),
        ),
        tokened(
            located(scan(7, session(1), learner(1), start, "check_in"), 30.3),
            Some(fresh(start + Duration::minutes(5))),
        ),
        tokened(
            located(scan(8, session(1), learner(1), start, "check_in"), 30.3),
            Some(secret.static_token()),
        ),
        card(scan(9, session(1), learner(1), start, "check_in")),
        card(located(
            scan(10, session(1), learner(1), start, "check_in"),
            30.31,
        )),
        card(located(
            scan(
                11,
                session(1),
                learner(1),
                start - Duration::minutes(31),
                "check_in",
            ),
            30.3,
        )),
        card(located(
            scan(
                12,
                session(1),
                learner(1),
                start + Duration::minutes(91),
                "check_in",
            ),
            30.3,
        )),
        card(located(
            scan(13, session(1), learner(2), start, "check_in"),
            30.3,
        )),
        card(located(
            scan(
                14,
                session(1),
                learner(1),
                start - Duration::minutes(1),
                "check_out",
            ),
            30.3,
        )),
        card(located(
            scan(15, session(1), learner(1), start, "check_in"),
            30.3,
        )),
        card(located(
            scan(
                15,
                session(1),
                learner(1),
                start + Duration::minutes(1),
                "check_in",
            ),
            30.3,
        )),
    ];
    let venues = [season.venue.clone()];
    let courses = [season.course.clone()];
    let unknown = [learner(1), learner(2)];
    let input = AttendanceInput {
        sessions: &season.sessions,
        courses: &courses,
        venues: &venues,
        learners: Some(&unknown),
        enrolments: &season.enrolments,
        excusals: &[],
        assessments: &[],
        scans: &scans,
    };
    let settings = EvaluationSettings {
        policy: &policy,
        as_of: instant("2026-06-01T00:00:00Z"),
        token_key: Some(&key),
    };
    let report = evaluate_attendance(&input, &settings).unwrap();
    let mut codes: Vec<(ScanId, &str)> = report
        .rejected
        .iter()
        .map(|rejected| (rejected.scan_id, rejected.code.as_str()))
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        vec![
            (scan_id(1), "scan_in_future"),
            (scan_id(2), "unknown_session"),
            (scan_id(3), "session_cancelled"),
            (scan_id(4), "missing_token"),
            (scan_id(5), "invalid_token"),
            (scan_id(6), "expired_token"),
            (scan_id(7), "token_not_yet_valid"),
            (scan_id(8), "static_token_not_allowed"),
            (scan_id(9), "missing_location"),
            (scan_id(10), "outside_geofence"),
            (scan_id(11), "too_early"),
            (scan_id(12), "too_late"),
            (scan_id(13), "check_in_not_enrolled"),
            (scan_id(14), "no_check_in"),
            (scan_id(15), "conflicting_scan_id"),
        ]
    );
    // The earlier copy of scan 15 stands for its id and is accepted.
    assert_eq!(report.records.len(), 1);
    assert_eq!(report.records[0].check_in_scan_id, Some(scan_id(15)));

    let mut unknown_learner = scans[14].clone();
    unknown_learner.learner_id = learner(3);
    unknown_learner.id = scan_id(16);
    let scans = [unknown_learner];
    let report = evaluate_attendance(
        &AttendanceInput {
            scans: &scans,
            ..input
        },
        &settings,
    )
    .unwrap();
    assert_eq!(report.rejected[0].code.as_str(), "unknown_learner");
}

#[test]
fn inconsistent_input_is_reported() {
    let season = Season::new(1, "80");
    let mut sessions = season.sessions.clone();
    sessions.push(sessions[0].clone());
    let input = AttendanceInput {
        sessions: &sessions,
        ..AttendanceInput::default()
    };
    let mut policy = AttendancePolicy::default();
    policy.geofence.radius_metres = Some(100);
    let settings = EvaluationSettings {
        policy: &policy,
        as_of: instant("2026-06-01T00:00:00Z"),
        token_key: None,
    };
    let problems = evaluate_attendance(&input, &settings).unwrap_err();
    let found: Vec<(String, Value)> = problems
        .iter()
        .map(|problem| {
            (
                problem.code.to_string(),
                serde_json::to_value(&problem.path).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "duplicate_input_id".to_owned(),
                json!(["sessions", 1, "id"])
            ),
            (
                "reference_not_in_input".to_owned(),
                json!(["sessions", 0, "course_id"])
            ),
            (
                "reference_not_in_input".to_owned(),
                json!(["sessions", 0, "venue_id"])
            ),
            (
                "reference_not_in_input".to_owned(),
                json!(["sessions", 1, "course_id"])
            ),
            (
                "reference_not_in_input".to_owned(),
                json!(["sessions", 1, "venue_id"])
            ),
        ]
    );
}

#[test]
fn invalid_token_key_is_a_problem() {
    let response = xuetong::api::call_value(
        "issue_check_in_token",
        &json!({
            "input": {"session_id": session(1).to_string(), "at": "2026-03-02T09:00:00+08:00"},
            "options": {"token_key": "00ff"},
        }),
    )
    .to_json();
    assert_eq!(response["ok"], false);
    assert_eq!(response["problems"][0]["code"], "invalid_token_key");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["options", "token_key"])
    );
}
