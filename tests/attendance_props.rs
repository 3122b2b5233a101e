//! Properties of the attendance engine over random scans and policies:
//! the order of the scans never matters, repeating a scan changes nothing,
//! credited minutes never exceed the scheduled length, rates stay within
//! [0, 1], and every scan is accounted for.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use serde_json::json;
use xuetong::attendance::{
    AttendanceInput, AttendancePolicy, AttendanceRecord, AttendanceReport, EvaluationSettings,
    evaluate_attendance,
};
use xuetong::id::ScanId;
use xuetong::model::{Course, Enrolment, Excusal, Scan, ScanDirection, Session, Venue};
use xuetong::problem::Path;
use xuetong::record::Record;
use xuetong::schedule::{TimedSession, session_times};

const VENUE: &str = "10000000-0000-4000-8000-000000000001";
const COURSE: &str = "40000000-0000-4000-8000-000000000001";
const WALK_IN_COURSE: &str = "40000000-0000-4000-8000-000000000002";
const CLUB: &str = "c0000000-0000-4000-8000-000000000001";

fn id(prefix: &str, n: usize) -> String {
    format!("{prefix}-0000-4000-8000-{n:012}")
}

/// A season with sessions of two courses (one accepting walk-ins), one of
/// them across midnight and one cancelled, and a club session. Learners 1
/// to 3 are enrolled: learner 3 late, and learner 2 withdrew on 12 March.
/// Learner 1 is excused from session 2.
struct Season {
    venues: Vec<Venue>,
    courses: Vec<Course>,
    sessions: Vec<TimedSession>,
    enrolments: Vec<Enrolment>,
    excusals: Vec<Excusal>,
}

fn season() -> Season {
    let venue = Venue::from_json(
        &json!({"id": VENUE, "name": "Hall", "tier": "cultural_hall", "time_zone": "Asia/Shanghai"}),
        &Path::root(),
    )
    .unwrap();
    let course = |course_id: &str, walk_in: bool| {
        Course::from_json(
            &json!({
                "id": course_id, "title": "Course", "category": "tai_chi",
                "provider_venue_id": VENUE, "walk_in": walk_in,
            }),
            &Path::root(),
        )
        .unwrap()
    };
    let sessions = [
        json!({"course_id": COURSE, "date": "2026-03-02", "start_time": "09:00", "end_time": "10:30"}),
        json!({"course_id": COURSE, "date": "2026-03-09", "start_time": "22:00", "end_time": "01:00"}),
        json!({"course_id": COURSE, "date": "2026-03-16", "start_time": "09:00", "end_time": "10:30", "status": "cancelled"}),
        json!({"course_id": COURSE, "date": "2026-03-23", "start_time": "09:00", "end_time": "10:30"}),
        json!({"course_id": WALK_IN_COURSE, "date": "2026-03-04", "start_time": "14:00", "end_time": "15:00"}),
        json!({"club_id": CLUB, "date": "2026-03-07", "start_time": "19:00", "end_time": "21:00"}),
    ];
    let sessions = sessions
        .iter()
        .enumerate()
        .map(|(n, fields)| {
            let mut record = fields.clone();
            record["id"] = json!(id("50000000", n + 1));
            record["venue_id"] = json!(VENUE);
            let session = Session::from_json(&record, &Path::root()).unwrap();
            let times = session_times(&session, Some(venue.time_zone)).unwrap();
            TimedSession { session, times }
        })
        .collect();
    let enrolment =
        |n: usize, learner: usize, course_id: &str, confirmed: &str, withdrawn: Option<&str>| {
            let mut record = json!({
                "id": id("60000000", n), "learner_id": id("20000000", learner),
                "course_id": course_id, "requested_at": confirmed,
            });
            if let Some(withdrawn) = withdrawn {
                record["status"] = json!("withdrawn");
                record["confirmed_at"] = json!(confirmed);
                record["withdrawn_at"] = json!(withdrawn);
            }
            Enrolment::from_json(&record, &Path::root()).unwrap()
        };
    let enrolments = vec![
        enrolment(1, 1, COURSE, "2026-02-01T00:00:00Z", None),
        enrolment(
            2,
            2,
            COURSE,
            "2026-02-01T00:00:00Z",
            Some("2026-03-12T00:00:00Z"),
        ),
        enrolment(3, 3, COURSE, "2026-03-10T00:00:00Z", None),
        enrolment(4, 1, WALK_IN_COURSE, "2026-02-01T00:00:00Z", None),
    ];
    let excusal = Excusal::from_json(
        &json!({"id": id("80000000", 1), "learner_id": id("20000000", 1), "session_id": id("50000000", 2)}),
        &Path::root(),
    )
    .unwrap();
    Season {
        venues: vec![venue],
        courses: vec![course(COURSE, false), course(WALK_IN_COURSE, true)],
        sessions,
        enrolments,
        excusals: vec![excusal],
    }
}

/// One generated scan: session (7 is not in the season), learner (5 is
/// not enrolled anywhere), seconds from the session's start, direction and
/// nonce.
type ScanSpec = (usize, usize, i64, bool, Option<u8>);

fn scan_spec() -> impl Strategy<Value = ScanSpec> {
    (
        1usize..=7,
        1usize..=5,
        -2_400i64..=14_400,
        any::<bool>(),
        proptest::option::of(0u8..3),
    )
}

fn make_scans(season: &Season, specs: &[ScanSpec]) -> Vec<Scan> {
    specs
        .iter()
        .enumerate()
        .map(|(n, &(session, learner, seconds, check_out, nonce))| {
            let start = season
                .sessions
                .get(session - 1)
                .map_or(season.sessions[0].times.starts_at, |timed| {
                    timed.times.starts_at
                });
            let at: DateTime<Utc> = start + Duration::seconds(seconds);
            let mut record = json!({
                "id": id("70000000", n + 1),
                "session_id": id("50000000", session),
                "learner_id": id("20000000", learner),
                "scanned_at": at.to_rfc3339(),
                "direction": if check_out { "check_out" } else { "check_in" },
            });
            if let Some(nonce) = nonce {
                record["nonce"] = json!(format!("n{nonce}"));
            }
            Scan::from_json(&record, &Path::root()).unwrap()
        })
        .collect()
}

fn policy() -> impl Strategy<Value = AttendancePolicy> {
    (0u32..=60, 0u32..=30, 0u32..=30, any::<bool>(), 0u32..=60).prop_map(
        |(opens, late, early, required, closes)| {
            let mut policy = AttendancePolicy::default();
            policy.check_in.opens_before_start_minutes = opens;
            policy.check_in.late_after_start_minutes = late;
            policy.check_out.early_before_end_minutes = early;
            policy.check_out.required = required;
            policy.check_out.closes_after_end_minutes = closes;
            policy
        },
    )
}

fn evaluate(
    season: &Season,
    scans: &[Scan],
    policy: &AttendancePolicy,
    as_of: &str,
) -> AttendanceReport {
    let input = AttendanceInput {
        sessions: &season.sessions,
        courses: &season.courses,
        venues: &season.venues,
        learners: None,
        enrolments: &season.enrolments,
        excusals: &season.excusals,
        assessments: &[],
        scans,
    };
    let settings = EvaluationSettings {
        policy,
        as_of: DateTime::parse_from_rfc3339(as_of)
            .unwrap()
            .with_timezone(&Utc),
        token_key: None,
    };
    evaluate_attendance(&input, &settings).unwrap()
}

/// Picks the attendance facts of a record, leaving out which of several equal
/// scans it cites and how many duplicates it saw.
fn attendance(record: &AttendanceRecord) -> impl PartialEq + std::fmt::Debug {
    (
        record.session_id,
        record.learner_id,
        record.status,
        record.punctuality,
        record.credited_minutes,
        record.first_check_in,
        record.last_check_out,
        record.walk_in,
        record.excused,
        record.provisional,
    )
}

fn attendances(report: &AttendanceReport) -> Vec<impl PartialEq + std::fmt::Debug> {
    report.records.iter().map(attendance).collect()
}

/// Evaluation times: mid-season (some sessions not yet held) and after it.
const AS_OF: [&str; 2] = ["2026-03-10T00:00:00Z", "2026-04-30T00:00:00Z"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn shuffling_scans_changes_nothing(
        specs in prop::collection::vec(scan_spec(), 0..40),
        seed in any::<u64>(),
        policy in policy(),
        late in any::<bool>(),
    ) {
        let season = season();
        let scans = make_scans(&season, &specs);
        let mut shuffled = scans.clone();
        // A Fisher-Yates shuffle driven by the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let as_of = AS_OF[usize::from(late)];
        prop_assert_eq!(evaluate(&season, &scans, &policy, as_of), evaluate(&season, &shuffled, &policy, as_of));
    }

    #[test]
    fn repeating_a_scan_changes_nothing(
        specs in prop::collection::vec(scan_spec(), 1..40),
        pick in any::<prop::sample::Index>(),
        policy in policy(),
        late in any::<bool>(),
    ) {
        let season = season();
        let scans = make_scans(&season, &specs);
        let as_of = AS_OF[usize::from(late)];
        let before = evaluate(&season, &scans, &policy, as_of);
        let repeated = scans[pick.index(scans.len())].clone();

        // The same scan sent twice.
        let mut twice = scans.clone();
        twice.push(repeated.clone());
        let after = evaluate(&season, &twice, &policy, as_of);
        prop_assert_eq!(attendances(&after), attendances(&before));
        prop_assert_eq!(&after.rejected, &before.rejected);
        prop_assert_eq!(&after.course_results, &before.course_results);
        prop_assert_eq!(after.duplicates.len(), before.duplicates.len() + 1);

        // The same scan read twice, under a new id.
        let mut reread = repeated;
        reread.id = ScanId::derive("proptest", "re-read");
        let mut again = scans.clone();
        again.push(reread);
        let after = evaluate(&season, &again, &policy, as_of);
        prop_assert_eq!(attendances(&after), attendances(&before));
        prop_assert_eq!(&after.course_results, &before.course_results);
    }

    #[test]
    fn repeating_a_scan_that_shares_its_id_changes_nothing(
        specs in prop::collection::vec(scan_spec(), 2..30),
        pick in any::<prop::sample::Index>(),
        policy in policy(),
        late in any::<bool>(),
    ) {
        // Three ids for all the scans, so most ids stand for several
        // scans with different content: one keeps the id and the others
        // conflict, whatever the order. Repeating any of them, conflicting
        // or not, is a repeat.
        let season = season();
        let mut scans = make_scans(&season, &specs);
        for (n, scan) in scans.iter_mut().enumerate() {
            scan.id = ScanId::derive("proptest", &(n % 3).to_string());
        }
        let as_of = AS_OF[usize::from(late)];
        let before = evaluate(&season, &scans, &policy, as_of);
        let mut reversed = scans.clone();
        reversed.reverse();
        prop_assert_eq!(&evaluate(&season, &reversed, &policy, as_of), &before);
        let mut twice = scans.clone();
        twice.push(scans[pick.index(scans.len())].clone());
        let after = evaluate(&season, &twice, &policy, as_of);
        prop_assert_eq!(attendances(&after), attendances(&before));
        prop_assert_eq!(&after.rejected, &before.rejected);
        prop_assert_eq!(&after.course_results, &before.course_results);
        prop_assert_eq!(after.duplicates.len(), before.duplicates.len() + 1);
    }

    #[test]
    fn records_and_rates_stay_in_bounds(
        specs in prop::collection::vec(scan_spec(), 0..60),
        policy in policy(),
        late in any::<bool>(),
    ) {
        let season = season();
        let scans = make_scans(&season, &specs);
        let report = evaluate(&season, &scans, &policy, AS_OF[usize::from(late)]);

        let mut seen = BTreeSet::new();
        for record in &report.records {
            prop_assert!(record.credited_minutes <= record.scheduled_minutes, "{:?}", record);
            prop_assert!(seen.insert((record.session_id, record.learner_id)), "two records: {:?}", record);
        }
        for result in &report.course_results {
            prop_assert!(result.attended_sessions <= result.counted_sessions);
            let rates = [result.rate, result.rate_over_held_sessions, result.rate_over_scheduled_sessions];
            for rate in rates.into_iter().flatten() {
                prop_assert!(rate.numerator() <= rate.denominator(), "{:?}", result);
                prop_assert!(rate.denominator() > 0);
            }
            prop_assert_eq!(result.rate.is_none(), result.counted_sessions == 0);
        }
        let summary = &report.summary;
        prop_assert_eq!(summary.accepted + summary.rejected + summary.duplicates, summary.scans);
        prop_assert_eq!(summary.scans, scans.len() as u64);
    }
}

#[test]
fn direction_check_out_needs_check_in_first() {
    // A check-out and a check-in received at the same instant: the check-in
    // is judged first, so both are accepted.
    let season = season();
    let specs = [(1, 1, 0, true, None), (1, 1, 0, false, None)];
    let scans = make_scans(&season, &specs);
    assert_eq!(scans[0].direction, ScanDirection::CheckOut);
    let report = evaluate(&season, &scans, &AttendancePolicy::default(), AS_OF[1]);
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.summary.accepted, 2);
}
