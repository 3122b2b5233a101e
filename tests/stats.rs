//! Platform statistics on the hand-computed bundle in
//! `tests/fixtures/stats-bundle`, their agreement with the attendance and
//! credit engines, the learning-index and club-evaluation inputs, and a
//! property of area scopes on random seasons.
//!
//! The fixture, evaluated as of 2026-03-25 00:00 (+08:00) over March 2026:
//!
//! - East District (population 10,000, 2,000 aged 60+) has North Street
//!   (Willow Community, Pine Cultural Hall) and South Street (Reed
//!   Community, without a location); West District has Maple Community.
//! - Tai chi at North Street: sessions on 23 Feb, 2 Mar, 9 Mar, 16 Mar
//!   (cancelled) and 28 Mar (not ended by the evaluation time).
//!   Smartphone skills (walk-ins allowed) meets on 5 Mar at Willow and 12
//!   Mar at South Street. The Willow Choir practises on 20 Mar at Willow,
//!   and qigong meets at Maple on 10 Mar.
//! - Learners 1 to 9; the final attended records of March are: 2 Mar
//!   learner 1 (90 min) and 3 (late, 70); 9 Mar learner 1 (left early, 60)
//!   and 2 (90); 5 Mar learner 4 (60) and 7 (walk-in, late, 45); 12 Mar
//!   learner 5 (walk-in, 60), learner 4 absent; 20 Mar learner 1 (90), 2
//!   (late and left early, 30) and 4 (90); 10 Mar learner 6 (60).
//!
//! Every expected figure below is worked out from those facts by hand.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use proptest::prelude::*;
use serde_json::json;
use xuetong::attendance::{
    AssessmentResult, AttendanceInput, AttendancePolicy, AttendanceReport, EvaluationSettings,
    OUTCOME_SOURCE_SYSTEM, OutcomeGrouping, attendance_outcomes, evaluate_attendance,
};
use xuetong::bundle::{Bundle, MemoryBundle, read_bundle};
use xuetong::club::{Scorecard, evaluate};
use xuetong::credit::{CreditContext, Ledger, compute_credits, presets};
use xuetong::decimal::Credits;
use xuetong::field::FieldValue;
use xuetong::id::{ClubId, CourseId, InstructorId, LearnerId, SessionId, VenueId};
use xuetong::index::{IndexConfig, compute};
use xuetong::model::{
    AmbiguousTime, BirthDate, Category, Course, Enrolment, EnrolmentStatus, Learner, Scan,
    ScanDirection, ScanMethod, Session, SessionOwner, SessionStatus, Venue, VenueTier,
};
use xuetong::problem::Path;
use xuetong::record::Record;
use xuetong::schedule::{TimedSession, session_times};
use xuetong::stats::{
    CoverageSettings, LearnerCounts, Period, ReachStatus, Scope, Statistics, StatisticsRequest,
    TravelSource, TravelTime, club_activity_check_ins, club_evaluation_input, compute_statistics,
    district_index_inputs,
};
use xuetong_tests::repo_root;

fn venue(n: u32) -> VenueId {
    format!("10000000-0000-4000-8000-{n:012}").parse().unwrap()
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

fn club(n: u32) -> ClubId {
    format!("c0000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

const EAST: u32 = 1;
const NORTH: u32 = 2;
const SOUTH: u32 = 3;
const WILLOW: u32 = 4;
const PINE: u32 = 5;
const REED: u32 = 6;
const WEST: u32 = 7;
const MAPLE: u32 = 8;

fn march() -> Period {
    Period {
        first_day: day("2026-03-01"),
        last_day: day("2026-03-31"),
    }
}

fn whole_year() -> Period {
    Period {
        first_day: day("2026-01-01"),
        last_day: day("2026-12-31"),
    }
}

fn fixture() -> Bundle {
    let folder = repo_root()
        .join("tests")
        .join("fixtures")
        .join("stats-bundle");
    let mut files = MemoryBundle::new();
    for entry in std::fs::read_dir(folder).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        files.insert(name, std::fs::read(entry.path()).unwrap());
    }
    let (bundle, report) = read_bundle(&files).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    bundle
}

fn evaluate_bundle(bundle: &Bundle, as_of: DateTime<Utc>) -> AttendanceReport {
    let learners: Vec<LearnerId> = bundle.learners.iter().map(|learner| learner.id).collect();
    let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
    let input = AttendanceInput::from_bundle(bundle, &learners, &assessments);
    let policy = AttendancePolicy::default();
    let settings = EvaluationSettings {
        policy: &policy,
        as_of,
        token_key: None,
    };
    evaluate_attendance(&input, &settings).expect("the bundle is consistent")
}

fn as_of() -> DateTime<Utc> {
    instant("2026-03-25T00:00:00+08:00")
}

/// The fixture, its attendance report, and the statistics of `scope`.
fn statistics_of(scope: Scope, period: Period) -> Statistics {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    compute_statistics(
        &bundle,
        &report,
        None,
        &StatisticsRequest::new(scope, period),
    )
    .unwrap()
}

fn counts(total: u64, older: u64, under: u64, undetermined: u64, missing: u64) -> LearnerCounts {
    LearnerCounts {
        total,
        aged_60_or_more: older,
        under_60: under,
        age_undetermined: undetermined,
        birth_date_missing: missing,
    }
}

fn kinds(pairs: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    pairs
        .iter()
        .map(|(kind, count)| ((*kind).to_owned(), *count))
        .collect()
}

/// Returns the rate as `(numerator, denominator, display)`.
fn rate(rate: Option<xuetong::stats::Rate>) -> Option<(u64, u64, String)> {
    rate.map(|rate| (rate.numerator(), rate.denominator(), rate.display()))
}

fn statuses(statistics: &Statistics) -> Vec<(VenueId, ReachStatus)> {
    statistics
        .learning_circle
        .reaches
        .iter()
        .map(|reach| (reach.community_venue_id, reach.status))
        .collect()
}

#[test]
fn platform_march_by_hand() {
    let stats = statistics_of(Scope::Platform, march());

    // Learners 1-8 registered by 31 March: learner 9 registers on 10 April,
    // and learner 7 has no registration day. 60+ are 1 (born 1950), 2
    // (turns 60 on 31 March), 6 (1955) and 8 (1940). Under 60 are 4 and 7
    // (turns 60 on 1 April). 3 has only the year 1966; 5 has no birth date.
    assert_eq!(stats.registered_learners, counts(8, 4, 2, 1, 1));

    // Learners 1-7 attended; 8 did not.
    assert_eq!(stats.active_learners, counts(7, 3, 2, 1, 1));

    // Places held at a March session: 1, 2 and 3 in tai chi, 4 in
    // smartphone skills, 6 in qigong. 5 waits; 7 is confirmed after the
    // evaluation time.
    assert_eq!(stats.enrolments, 5);

    // 2, 9 Mar tai chi, 5, 12 Mar smartphone, 20 Mar choir, 10 Mar qigong.
    assert_eq!(stats.activities_held, 6);
    assert_eq!(stats.activities_cancelled, 1);
    assert_eq!(stats.activities_not_ended, 1);

    // 2 + 2 + 2 + 1 + 3 + 1; the rejected and repeated scans count nothing.
    assert_eq!(stats.check_ins, 11);

    // Instructors 1 (tai chi), 2 and 3 (smartphone), 4 (qigong).
    assert_eq!(stats.instructors_who_taught, 4);

    // 160 + 150 + 105 + 60 + 210 + 60 minutes.
    assert_eq!(stats.credited_minutes, 745);
    assert_eq!(stats.credited_hours.display(), "12.41");

    // 11 records with minutes, learner 6's completion of qigong, and the
    // certificate and award of March; 23 Feb and the February volunteer
    // service fall outside the period.
    assert_eq!(stats.learning_outcomes, 14);
    assert_eq!(
        stats.outcomes_by_kind,
        kinds(&[
            ("attendance", 8),
            ("award", 1),
            ("certificate", 1),
            ("club_activity", 3),
            ("course_completion", 1),
        ])
    );

    // Willow Choir, Maple Qigong, and the sewing club dissolved on 15 March;
    // Pine Readers is only proposed.
    assert_eq!(stats.clubs, Some(3));
    assert_eq!(stats.clubs_with_activities, 1);
    assert_eq!(stats.population, None);
    assert_eq!(stats.participation_rate, None);
    assert_eq!(stats.seats, None);

    // Willow and Maple hold sessions; Pine is 163 minutes from Willow; Reed
    // has no location.
    let circle = &stats.learning_circle;
    assert_eq!(circle.communities, 4);
    assert_eq!(circle.covered, 2);
    assert_eq!(circle.not_covered, 1);
    assert_eq!(circle.undetermined, 1);
    assert_eq!(rate(circle.share), Some((2, 4, "50.00%".to_owned())));
    assert_eq!(circle.venues_holding_sessions, 4);
}

#[test]
fn east_district_by_hand() {
    let stats = statistics_of(
        Scope::District {
            venue_id: venue(EAST),
        },
        march(),
    );

    // Residents 1, 2, 3, 4, 5, 7, 8 (learner 9 registers in April, learner 6
    // lives in the west).
    assert_eq!(stats.registered_learners, counts(7, 3, 2, 1, 1));
    assert_eq!(stats.active_learners, counts(6, 2, 2, 1, 1));
    assert_eq!(stats.enrolments, 4);
    assert_eq!(stats.activities_held, 5);
    assert_eq!(stats.activities_cancelled, 1);
    assert_eq!(stats.activities_not_ended, 1);
    assert_eq!(stats.check_ins, 10);
    assert_eq!(stats.instructors_who_taught, 3);
    assert_eq!(stats.credited_minutes, 685);
    assert_eq!(stats.credited_hours.display(), "11.41");
    assert_eq!(stats.learning_outcomes, 12);
    assert_eq!(stats.clubs, Some(2));
    assert_eq!(stats.population, Some(10_000));
    assert_eq!(stats.older_population, Some(2_000));

    // 100 + 50 + 30 + 20 + 10 seats; Reed has none.
    assert_eq!(stats.seats, Some(210));
    assert_eq!(
        rate(stats.participation_rate),
        Some((6, 10_000, "0.06%".to_owned()))
    );
    assert_eq!(
        rate(stats.older_participation_rate),
        Some((2, 2_000, "0.10%".to_owned()))
    );
    assert_eq!(
        rate(stats.seats_per_older_resident),
        Some((210, 2_000, "0.1050".to_owned()))
    );
    assert_eq!(
        statuses(&stats),
        [
            (venue(WILLOW), ReachStatus::Covered),
            (venue(PINE), ReachStatus::NotCovered),
            (venue(REED), ReachStatus::Undetermined),
        ]
    );
    assert_eq!(
        rate(stats.learning_circle.share),
        Some((1, 3, "33.33%".to_owned()))
    );
}

#[test]
fn streets_by_hand() {
    let north = statistics_of(
        Scope::Street {
            venue_id: venue(NORTH),
        },
        march(),
    );
    assert_eq!(north.registered_learners, counts(5, 3, 1, 1, 0));
    assert_eq!(north.active_learners, counts(4, 2, 1, 1, 0));
    assert_eq!(north.enrolments, 3);
    assert_eq!(north.activities_held, 4);
    assert_eq!(north.check_ins, 7);
    assert_eq!(north.instructors_who_taught, 2);
    assert_eq!(north.credited_minutes, 475);
    assert_eq!(north.learning_outcomes, 9);
    assert_eq!(north.clubs, Some(1));
    assert_eq!(north.seats, Some(80));
    assert_eq!(
        rate(north.participation_rate),
        Some((4, 6_000, "0.06%".to_owned()))
    );
    assert_eq!(
        rate(north.seats_per_older_resident),
        Some((80, 1_200, "0.0666".to_owned()))
    );

    let south = statistics_of(
        Scope::Street {
            venue_id: venue(SOUTH),
        },
        march(),
    );
    assert_eq!(south.registered_learners, counts(2, 0, 1, 0, 1));
    assert_eq!(south.active_learners, counts(2, 0, 1, 0, 1));
    assert_eq!(south.enrolments, 1);
    assert_eq!(south.activities_held, 1);
    assert_eq!(south.activities_cancelled, 0);
    assert_eq!(south.check_ins, 3);
    assert_eq!(south.instructors_who_taught, 2);
    assert_eq!(south.credited_minutes, 210);
    assert_eq!(south.credited_hours.display(), "3.50");
    assert_eq!(south.learning_outcomes, 3);
    assert_eq!(south.clubs, Some(1));
    assert_eq!(south.clubs_with_activities, 0);
    assert_eq!(
        rate(south.older_participation_rate),
        Some((0, 800, "0.00%".to_owned()))
    );
    assert_eq!(
        rate(south.learning_circle.share),
        Some((0, 1, "0.00%".to_owned()))
    );
}

#[test]
fn club_without_community_counts_at_guiding_school() {
    // The Willow Choir loses its community at Willow (North Street) and is
    // guided by South Street School, so it moves to South Street and is
    // counted at the school's venue. The Reed Sewing Club stays at South.
    let mut bundle = fixture();
    let choir = bundle
        .clubs
        .iter_mut()
        .find(|row| row.id == club(1))
        .unwrap();
    choir.community_venue_id = None;
    choir.guiding_venue_id = Some(venue(SOUTH));
    let report = evaluate_bundle(&bundle, as_of());
    let clubs_of = |scope: Scope| {
        let request = StatisticsRequest::new(scope, march());
        let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
        stats.clubs
    };
    let street = |n: u32| Scope::Street { venue_id: venue(n) };
    let place = |n: u32| Scope::Venue { venue_id: venue(n) };

    assert_eq!(clubs_of(street(NORTH)), Some(0));
    assert_eq!(clubs_of(street(SOUTH)), Some(2));
    assert_eq!(
        clubs_of(Scope::District {
            venue_id: venue(EAST)
        }),
        Some(2)
    );
    assert_eq!(clubs_of(place(SOUTH)), Some(1));
    assert_eq!(clubs_of(place(WILLOW)), Some(0));
}

#[test]
fn west_district_by_hand() {
    let stats = statistics_of(
        Scope::District {
            venue_id: venue(WEST),
        },
        march(),
    );

    // Learner 6 at Maple attended qigong on 10 March and completed it.
    assert_eq!(stats.registered_learners, counts(1, 1, 0, 0, 0));
    assert_eq!(stats.active_learners, counts(1, 1, 0, 0, 0));
    assert_eq!(stats.enrolments, 1);
    assert_eq!(stats.activities_held, 1);
    assert_eq!(stats.check_ins, 1);
    assert_eq!(stats.credited_minutes, 60);
    assert_eq!(stats.learning_outcomes, 2);
    assert_eq!(stats.clubs, Some(1));
    assert_eq!(stats.seats, Some(55));
    assert_eq!(statuses(&stats), [(venue(MAPLE), ReachStatus::Covered)]);
}

#[test]
fn willow_venue_by_hand() {
    let stats = statistics_of(
        Scope::Venue {
            venue_id: venue(WILLOW),
        },
        march(),
    );

    // Smartphone skills on 5 Mar and the choir on 20 Mar are held here.
    assert_eq!(stats.activities_held, 2);
    assert_eq!(stats.instructors_who_taught, 1);

    // Learners 4 and 7 on 5 Mar, 1, 2 and 4 on 20 Mar.
    assert_eq!(stats.registered_learners, counts(4, 2, 2, 0, 0));
    assert_eq!(stats.active_learners, counts(4, 2, 2, 0, 0));
    assert_eq!(stats.enrolments, 1);
    assert_eq!(stats.check_ins, 5);
    assert_eq!(stats.credited_minutes, 315);
    assert_eq!(stats.learning_outcomes, 5);
    assert_eq!(stats.clubs, Some(1));
    assert_eq!(stats.seats, Some(20));
    assert_eq!(
        rate(stats.participation_rate),
        Some((4, 1_500, "0.26%".to_owned()))
    );
    assert_eq!(
        rate(stats.seats_per_older_resident),
        Some((20, 400, "0.0500".to_owned()))
    );
    assert_eq!(
        rate(stats.learning_circle.share),
        Some((1, 1, "100.00%".to_owned()))
    );
}

#[test]
fn tai_chi_course_by_hand() {
    let stats = statistics_of(
        Scope::Course {
            course_id: course(1),
        },
        march(),
    );
    assert_eq!(stats.activities_held, 2);
    assert_eq!(stats.activities_cancelled, 1);
    assert_eq!(stats.activities_not_ended, 1);
    assert_eq!(stats.instructors_who_taught, 1);
    assert_eq!(stats.registered_learners, counts(3, 2, 0, 1, 0));
    assert_eq!(stats.active_learners, counts(3, 2, 0, 1, 0));
    assert_eq!(stats.enrolments, 3);
    assert_eq!(stats.check_ins, 4);
    assert_eq!(stats.credited_minutes, 310);
    assert_eq!(stats.learning_outcomes, 4);
    assert_eq!(stats.clubs, None);
    assert_eq!(stats.population, None);

    // Only North Street holds tai chi: Willow is 24 minutes away, Pine 186,
    // Maple more than 100 km, and Reed has no location.
    let circle = &stats.learning_circle;
    assert_eq!(
        (circle.covered, circle.not_covered, circle.undetermined),
        (1, 2, 1)
    );
    let willow = &circle.reaches[0];
    assert_eq!(willow.nearest_venue_id, Some(venue(NORTH)));
    assert_eq!(willow.minutes, Some(24));
    assert_eq!(willow.source, Some(TravelSource::StraightLine));
}

#[test]
fn health_category_by_hand() {
    let health = Category::new("health").unwrap();
    let stats = statistics_of(Scope::Category { category: health }, march());

    // Tai chi and qigong are both health courses.
    assert_eq!(stats.activities_held, 3);
    assert_eq!(stats.instructors_who_taught, 2);
    assert_eq!(stats.registered_learners, counts(4, 3, 0, 1, 0));
    assert_eq!(stats.enrolments, 4);
    assert_eq!(stats.check_ins, 5);
    assert_eq!(stats.credited_minutes, 370);
    assert_eq!(stats.learning_outcomes, 6);
}

#[test]
fn choir_club_by_hand() {
    let stats = statistics_of(Scope::Club { club_id: club(1) }, march());
    assert_eq!(stats.activities_held, 1);
    assert_eq!(stats.instructors_who_taught, 0);

    // Learner 4 came without being a member; learner 7 left on 1 March.
    assert_eq!(stats.registered_learners, counts(3, 2, 1, 0, 0));
    assert_eq!(stats.active_learners, counts(3, 2, 1, 0, 0));
    assert_eq!(stats.enrolments, 0);
    assert_eq!(stats.check_ins, 3);
    assert_eq!(stats.credited_minutes, 210);
    assert_eq!(stats.learning_outcomes, 4);
    assert_eq!(
        stats.outcomes_by_kind,
        kinds(&[("award", 1), ("club_activity", 3)])
    );
}

#[test]
fn travel_table_covers_far_communities() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let mut request = StatisticsRequest::new(
        Scope::District {
            venue_id: venue(EAST),
        },
        march(),
    );
    request.coverage.travel_times = vec![
        TravelTime {
            from_venue_id: venue(PINE),
            to_venue_id: venue(NORTH),
            minutes: 25,
        },
        TravelTime {
            from_venue_id: venue(REED),
            to_venue_id: venue(SOUTH),
            minutes: 15,
        },
    ];
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    let circle = &stats.learning_circle;
    assert_eq!(circle.covered, 3);
    assert_eq!(circle.reaches[1].minutes, Some(25));
    assert_eq!(
        circle.reaches[1].source,
        Some(TravelSource::TravelTimeTable)
    );
    assert_eq!(circle.reaches[2].nearest_venue_id, Some(venue(SOUTH)));

    // Within 24 minutes Pine is no longer covered by its 25-minute trip.
    request.coverage.within_minutes = 24;
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    assert_eq!(stats.learning_circle.covered, 2);
}

#[test]
fn statistics_as_json() {
    let stats = statistics_of(
        Scope::Street {
            venue_id: venue(SOUTH),
        },
        march(),
    );
    let value = serde_json::to_value(&stats).unwrap();
    assert_eq!(
        value["scope"],
        json!({"kind": "street", "venue_id": venue(SOUTH).to_string()})
    );
    assert_eq!(value["as_of"], "2026-03-24T16:00:00Z");
    assert_eq!(
        value["credited_hours"],
        json!({"numerator": 210, "denominator": 60, "display": "3.50"})
    );
    assert_eq!(value["period"]["last_day"], "2026-03-31");
}

/// Counts the final attended records of the whole evaluation.
fn engine_check_ins(report: &AttendanceReport) -> u64 {
    report
        .records
        .iter()
        .filter(|record| !record.provisional && record.status.is_attended())
        .count() as u64
}

#[test]
fn counts_agree_with_attendance_engine() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let request = StatisticsRequest::new(Scope::Platform, whole_year());
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();

    assert_eq!(stats.check_ins, engine_check_ins(&report));
    let minutes: u64 = report
        .records
        .iter()
        .filter(|record| !record.provisional)
        .map(|record| u64::from(record.credited_minutes))
        .sum();
    assert_eq!(stats.credited_minutes, minutes);
    let active: std::collections::BTreeSet<LearnerId> = report
        .records
        .iter()
        .filter(|record| !record.provisional && record.status.is_attended())
        .map(|record| record.learner_id)
        .collect();
    assert_eq!(stats.active_learners.total, active.len() as u64);

    // The year adds 23 February: one more check-in of learner 1.
    assert_eq!(stats.check_ins, 12);

    // Check-ins per club activity are the engine's records too.
    let choir = club_activity_check_ins(&bundle.sessions, &report, club(1));
    assert_eq!(choir.len(), 1);
    assert_eq!(choir[0].session_id, session(31));
    assert_eq!(choir[0].count, 3);
}

#[test]
fn districts_leave_out_learners_without_home() {
    let mut bundle = fixture();
    let homeless = learner(1);
    for row in bundle.learners.iter_mut().filter(|row| row.id == homeless) {
        row.home_venue_id = None;
    }
    let report = evaluate_bundle(&bundle, as_of());
    let stats_of = |scope: Scope| {
        let request = StatisticsRequest::new(scope, whole_year());
        compute_statistics(&bundle, &report, None, &request).unwrap()
    };
    let homeless_check_ins = report
        .records
        .iter()
        .filter(|record| record.learner_id == homeless)
        .filter(|record| !record.provisional && record.status.is_attended())
        .count() as u64;
    assert!(homeless_check_ins > 0);

    // The platform counts every record, and each district only those of
    // its residents, so the homeless learner's check-ins are in neither.
    let platform = stats_of(Scope::Platform);
    let east = stats_of(Scope::District {
        venue_id: venue(EAST),
    });
    let west = stats_of(Scope::District {
        venue_id: venue(WEST),
    });
    assert_eq!(platform.check_ins, engine_check_ins(&report));
    assert_eq!(
        east.check_ins + west.check_ins + homeless_check_ins,
        platform.check_ins
    );
    // Learner 1 registered in 2025, so the platform counts one more
    // registered learner than the two districts together.
    assert_eq!(
        east.registered_learners.total + west.registered_learners.total + 1,
        platform.registered_learners.total
    );
}

/// Returns the outcomes given to the credit engine: the bundle's and the
/// attendance engine's per session, as the statistics count them.
fn credit_outcomes(bundle: &Bundle, report: &AttendanceReport) -> Vec<xuetong::model::Outcome> {
    let mut outcomes = bundle.outcomes.clone();
    outcomes.extend(attendance_outcomes(
        report,
        &bundle.sessions,
        OutcomeGrouping::PerSession,
    ));
    outcomes
}

fn ledger_of(bundle: &Bundle, report: &AttendanceReport) -> Ledger {
    let computation = compute_credits(
        &presets::community(),
        &CreditContext::from_bundle(bundle),
        &credit_outcomes(bundle, report),
    )
    .unwrap();
    let mut ledger = Ledger::new();
    ledger.record(&computation, day("2026-03-25")).unwrap();
    ledger
}

#[test]
fn outcomes_agree_with_credit_engine() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let computation = compute_credits(
        &presets::community(),
        &CreditContext::from_bundle(&bundle),
        &credit_outcomes(&bundle, &report),
    )
    .unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for accrual in &computation.accruals {
        seen.extend(accrual.outcome_ids.iter().copied());
    }
    for skipped in &computation.skipped {
        seen.extend(skipped.outcome_ids.iter().copied());
    }
    let request = StatisticsRequest::new(Scope::Platform, whole_year());
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    assert_eq!(stats.learning_outcomes, seen.len() as u64);

    // 14 of March, 23 February's attendance and the February volunteer
    // service.
    assert_eq!(stats.learning_outcomes, 16);
}

#[test]
fn outcomes_made_by_an_earlier_run_count_once() {
    let mut bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());

    // A bundle written after an earlier run carries the engine's outcomes,
    // grouped per course here; they are not counted again.
    let earlier = attendance_outcomes(&report, &bundle.sessions, OutcomeGrouping::PerCourse);
    assert!(
        earlier
            .iter()
            .all(|outcome| outcome.source.as_ref().unwrap().system() == OUTCOME_SOURCE_SYSTEM)
    );
    bundle.outcomes.extend(earlier);
    let request = StatisticsRequest::new(Scope::Platform, march());
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    assert_eq!(stats.learning_outcomes, 14);
}

/// Returns the credits of the one rule set in the statistics.
fn community_credits(stats: &Statistics) -> Credits {
    let credits = stats.credits.as_ref().expect("a ledger was given");
    assert_eq!(credits.len(), 1);
    assert_eq!(credits[0].rule_set_id, "community");
    credits[0].amount
}

fn credits(text: &str) -> Credits {
    text.parse().unwrap()
}

#[test]
fn credits_agree_with_ledger_balances() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let ledger = ledger_of(&bundle, &report);
    let stats_of = |scope: Scope, period: Period| {
        compute_statistics(
            &bundle,
            &report,
            Some(&ledger),
            &StatisticsRequest {
                scope,
                period,
                coverage: CoverageSettings::default(),
            },
        )
        .unwrap()
    };

    let balances = ledger.balances(None);
    let total: Credits = balances.iter().map(|balance| balance.amount).sum();
    let year = stats_of(Scope::Platform, whole_year());
    assert_eq!(community_credits(&year), total);

    // By hand, with the community rules. Course hours: 0.4 (learner 1: 90 +
    // 90 + 60 minutes) + 0.1 (learner 3: 70) + 0.1 (2: 90) + 0.1 (4: 60) +
    // 0.1 (5: 60) + 0.1 (6: 60), and learner 7's 45 minutes round to
    // nothing. Choir: 0.1 (learner 1: 90) + 0.1 (4: 90). Certificate of
    // level 4: 4.0. City first prize: 6.0. Volunteer service of 120
    // minutes: 0.2.
    assert_eq!(total, credits("11.30"));

    // March leaves out the February volunteer service; learner 1's tai chi
    // entry is dated 9 March, its last session, and counts in full.
    assert_eq!(
        community_credits(&stats_of(Scope::Platform, march())),
        credits("11.10")
    );

    let east = stats_of(
        Scope::District {
            venue_id: venue(EAST),
        },
        march(),
    );
    let east_residents: Credits = balances
        .iter()
        .filter(|balance| balance.learner_id != learner(6))
        .map(|balance| balance.amount)
        .sum();
    assert_eq!(community_credits(&east), east_residents - credits("0.20"));
    assert_eq!(community_credits(&east), credits("11.00"));

    let tai_chi = stats_of(
        Scope::Course {
            course_id: course(1),
        },
        march(),
    );
    assert_eq!(community_credits(&tai_chi), credits("0.60"));
    let choir = stats_of(Scope::Club { club_id: club(1) }, march());
    assert_eq!(community_credits(&choir), credits("6.20"));
}

/// The figures of an area scope that it reads through its residents and
/// its venues: enrolments, outcomes by kind, credits and sessions held.
#[derive(Debug, PartialEq)]
struct AreaFigures {
    enrolments: u64,
    outcomes_by_kind: std::collections::BTreeMap<String, u64>,
    credits: Credits,
    activities_held: u64,
}

fn area_figures(stats: &Statistics) -> AreaFigures {
    let credits = stats.credits.as_ref().expect("a ledger was given");
    AreaFigures {
        enrolments: stats.enrolments,
        outcomes_by_kind: stats.outcomes_by_kind.clone(),
        credits: credits.iter().map(|sum| sum.amount).sum(),
        activities_held: stats.activities_held,
    }
}

#[test]
fn area_figures_by_hand() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let ledger = ledger_of(&bundle, &report);
    let stats_of = |scope: Scope| {
        let request = StatisticsRequest::new(scope, march());
        compute_statistics(&bundle, &report, Some(&ledger), &request).unwrap()
    };
    let street = |n: u32| Scope::Street { venue_id: venue(n) };
    let district = |n: u32| Scope::District { venue_id: venue(n) };

    // North Street's residents are learners 1, 2, 7 and 9 at Willow and 3
    // and 8 at Pine. Places: 1, 2 and 3 in tai chi (3 withdrew after 2
    // March; 7 is confirmed after the evaluation time). Outcomes: the
    // attendance of 1 and 3 on 2 Mar, 1 and 2 on 9 Mar and 7 on 5 Mar, the
    // choir of 1 and 2, 3's certificate and 1's award. Credits: 1 has 0.4
    // for tai chi, 0.1 for the choir and 6.0 for the award, 2 has 0.1 for
    // tai chi (30 choir minutes earn nothing), 3 has 0.1 and 4.0, 7's 45
    // minutes earn nothing. Held: 2 and 9 Mar at North Street, 5 and 20
    // Mar at Willow.
    let north = AreaFigures {
        enrolments: 3,
        outcomes_by_kind: kinds(&[
            ("attendance", 5),
            ("award", 1),
            ("certificate", 1),
            ("club_activity", 2),
        ]),
        credits: credits("10.70"),
        activities_held: 4,
    };
    assert_eq!(area_figures(&stats_of(street(NORTH))), north);

    // South Street's residents are learner 4 at Reed and learner 5 at the
    // street school. Places: 4 in smartphone skills (5 waits). Outcomes:
    // the attendance of 4 on 5 Mar and 5 on 12 Mar and 4's choir; the
    // February volunteer service falls outside the period. Credits: 0.1
    // and 0.1 for learner 4, 0.1 for learner 5. Held: 12 Mar.
    let south = AreaFigures {
        enrolments: 1,
        outcomes_by_kind: kinds(&[("attendance", 2), ("club_activity", 1)]),
        credits: credits("0.30"),
        activities_held: 1,
    };
    assert_eq!(area_figures(&stats_of(street(SOUTH))), south);

    // East District is its two streets: no session is held at the district
    // venue and no learner lives there.
    let east = AreaFigures {
        enrolments: 4,
        outcomes_by_kind: kinds(&[
            ("attendance", 7),
            ("award", 1),
            ("certificate", 1),
            ("club_activity", 3),
        ]),
        credits: credits("11.00"),
        activities_held: 5,
    };
    assert_eq!(area_figures(&stats_of(district(EAST))), east);

    // West District: learner 6 at Maple, in qigong on 10 Mar.
    let west = AreaFigures {
        enrolments: 1,
        outcomes_by_kind: kinds(&[("attendance", 1), ("course_completion", 1)]),
        credits: credits("0.10"),
        activities_held: 1,
    };
    assert_eq!(area_figures(&stats_of(district(WEST))), west);
}

#[test]
fn revoked_and_expired_credits() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let mut ledger = ledger_of(&bundle, &report);
    let award = ledger
        .entries()
        .iter()
        .find(|entry| entry.amount == credits("6.00"))
        .unwrap()
        .id;
    ledger
        .revoke(award, day("2026-03-26"), "entered twice".into())
        .unwrap();
    let stats = compute_statistics(
        &bundle,
        &report,
        Some(&ledger),
        &StatisticsRequest::new(Scope::Platform, march()),
    )
    .unwrap();
    assert_eq!(community_credits(&stats), credits("5.10"));

    // Ten accruals of March and the revocation, which keeps the award's date.
    assert_eq!(stats.credits.as_ref().unwrap()[0].entries, 11);
}

#[test]
fn index_inputs_rank_districts() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let input =
        district_index_inputs(&bundle, &report, march(), &CoverageSettings::default()).unwrap();
    let names: Vec<&str> = input.units.iter().map(|unit| unit.unit.as_str()).collect();
    assert_eq!(names, ["East District College", "West District College"]);
    let east = &input.units[0];
    assert_eq!(east.values["participation"].unwrap().get(), 6.0);
    assert_eq!(
        east.values["learning_hours_per_resident"].unwrap().get(),
        685.0 / 60.0
    );
    assert_eq!(east.values["clubs_per_10000_residents"].unwrap().get(), 2.0);
    assert_eq!(east.denominators["residents"].get(), 10_000.0);
    assert_eq!(east.denominators["learners"].get(), 7.0);
    assert_eq!(east.denominators["communities"].get(), 3.0);

    // East is better on participation (0.06 against 0.02 per 100
    // residents), hours, activities (5 against 2 per 10,000) and check-ins
    // per enrolment (2.5 against 1). West is better on outcomes per learner
    // (2 against 12/7) and coverage (100 against 33.3 %). Older
    // participation (0.1 per 100) and clubs (2 per 10,000) are equal, so
    // both score 50 there. East: (4 × 100 + 2 × 50) / 8 = 62.5. West:
    // (2 × 50 + 2 × 100) / 8 = 37.5.
    let result = compute(&IndexConfig::district_default(), &input).unwrap();
    assert_eq!(result.units[0].unit, "East District College");
    assert_eq!(result.units[0].score.as_deref(), Some("62.500"));
    assert_eq!(result.units[0].rank, Some(1));
    assert_eq!(result.units[1].score.as_deref(), Some("37.500"));
    assert_eq!(result.notices.len(), 2);
}

#[test]
fn club_scorecard_runs_on_bundle() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let input = club_evaluation_input(&bundle, &report, club(1), 2026).unwrap();
    assert_eq!(input.members.len(), 3);
    assert_eq!(input.activities.len(), 1);
    assert_eq!(input.check_ins.len(), 1);
    assert_eq!(input.check_ins[0].count, 3);
    assert!(input.recorded_session_ids.is_empty());
    assert_eq!(input.outcomes.len(), 1);
    let evaluation = evaluate(&input, &Scorecard::default()).unwrap();
    assert_eq!(evaluation.counts.check_ins, 3);
    assert_eq!(evaluation.counts.activities, 1);

    // On 15 March the choir's practice of 20 March is still to come: it is
    // no activity held, and it adds no fixed-member places.
    let early = evaluate_bundle(&bundle, instant("2026-03-15T00:00:00+08:00"));
    let input = club_evaluation_input(&bundle, &early, club(1), 2026).unwrap();
    assert!(input.activities.is_empty(), "{:?}", input.activities);
    assert!(input.check_ins.is_empty());
    let evaluation = evaluate(&input, &Scorecard::default()).unwrap();
    assert_eq!(evaluation.counts.activities, 0);
    assert_eq!(evaluation.counts.fixed_member_places, 0);

    let missing = club_evaluation_input(&bundle, &report, club(9), 2026).unwrap_err();
    let codes: Vec<&str> = missing.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["scope_not_found"]);
}

#[test]
fn invalid_requests_are_reported() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let problems_of = |scope: Scope, period: Period| {
        let request = StatisticsRequest::new(scope, period);
        let problems = compute_statistics(&bundle, &report, None, &request).unwrap_err();
        problems
            .iter()
            .map(|problem| (problem.code.as_str().to_owned(), problem.path.to_string()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        problems_of(
            Scope::Street {
                venue_id: venue(EAST)
            },
            march()
        ),
        [(
            "scope_tier_mismatch".to_owned(),
            "scope.venue_id".to_owned()
        )]
    );
    assert_eq!(
        problems_of(
            Scope::Venue {
                venue_id: venue(99)
            },
            march()
        ),
        [("scope_not_found".to_owned(), "scope.venue_id".to_owned())]
    );
    let unknown_category = Category::new("astronomy").unwrap();
    assert_eq!(
        problems_of(
            Scope::Category {
                category: unknown_category
            },
            march()
        ),
        [("scope_not_found".to_owned(), "scope.category".to_owned())]
    );
    let inverted = Period {
        first_day: day("2026-03-31"),
        last_day: day("2026-03-01"),
    };
    assert_eq!(
        problems_of(Scope::Platform, inverted),
        [("ends_before_start".to_owned(), "period.last_day".to_owned())]
    );
}

#[test]
fn report_from_another_bundle_is_rejected() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let mut other = bundle.clone();
    other
        .sessions
        .retain(|timed| timed.session.id != session(11));
    let request = StatisticsRequest::new(Scope::Platform, march());
    let problems = compute_statistics(&other, &report, None, &request).unwrap_err();
    assert!(!problems.is_empty());
    assert!(
        problems
            .iter()
            .all(|problem| problem.code.as_str() == "attendance_not_from_bundle")
    );
}

#[test]
fn registered_after_period_is_not_a_club() {
    // The Willow Choir, registered on 1 April, was still proposed in March,
    // so East District has only the Reed Sewing Club, dissolved on 15 March.
    let mut bundle = fixture();
    let choir = bundle
        .clubs
        .iter_mut()
        .find(|candidate| candidate.id == club(1))
        .unwrap();
    choir.status = xuetong::model::ClubStatus::Registered;
    choir.status_since = Some(day("2026-04-01"));
    let report = evaluate_bundle(&bundle, as_of());
    let request = StatisticsRequest::new(
        Scope::District {
            venue_id: venue(EAST),
        },
        march(),
    );
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    assert_eq!(stats.clubs, Some(1));
}

#[test]
fn dissolved_before_period_is_not_a_club() {
    let bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let april = Period {
        first_day: day("2026-04-01"),
        last_day: day("2026-04-30"),
    };
    let request = StatisticsRequest::new(
        Scope::Street {
            venue_id: venue(SOUTH),
        },
        april,
    );
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    assert_eq!(stats.clubs, Some(0));

    // Learner 9 registers on 10 April.
    let request = StatisticsRequest::new(
        Scope::Street {
            venue_id: venue(NORTH),
        },
        april,
    );
    let stats = compute_statistics(&bundle, &report, None, &request).unwrap();
    assert_eq!(stats.registered_learners.total, 6);
    assert_eq!(stats.activities_held, 0);
    assert_eq!(stats.activities_not_ended, 0);
}

// Random seasons: a district with streets and communities, learners who
// each live in one street, and random sessions, places and check-ins.

const ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

#[derive(Clone, Debug)]
struct SessionSpec {
    course: usize,
    venue: usize,
    day: u32,
    cancelled: bool,
    instructor: u32,
}

#[derive(Clone, Debug)]
struct Season {
    streets: usize,
    homes: Vec<usize>,
    births: Vec<Option<u32>>,
    sessions: Vec<SessionSpec>,
    places: Vec<(usize, usize)>,
    scans: Vec<(usize, usize, i64)>,
}

/// Venue 0 is the district; streets are 1..=streets; each street `s` has
/// two communities, `streets + 2s - 1` and `streets + 2s`.
fn venue_count(streets: usize) -> usize {
    1 + 3 * streets
}

fn season() -> impl Strategy<Value = Season> {
    (1usize..=3).prop_flat_map(|streets| {
        let venues = venue_count(streets);
        (
            Just(streets),
            prop::collection::vec(1..venues, 1..10),
            prop::collection::vec(prop::option::of(0u32..4), 10),
            prop::collection::vec(
                (
                    0usize..2,
                    0..venues,
                    1u32..29,
                    prop::bool::weighted(0.2),
                    1u32..4,
                )
                    .prop_map(|(course, venue, day, cancelled, instructor)| {
                        SessionSpec {
                            course,
                            venue,
                            day,
                            cancelled,
                            instructor,
                        }
                    }),
                1..8,
            ),
            prop::collection::vec((0usize..10, 0usize..2), 0..10),
            prop::collection::vec((0usize..8, 0usize..10, -20i64..80), 0..30),
        )
            .prop_map(|(streets, homes, births, sessions, places, scans)| Season {
                streets,
                homes,
                births,
                sessions,
                places,
                scans,
            })
    })
}

fn random_bundle(season: &Season) -> Bundle {
    let streets = season.streets;
    let venues: Vec<Venue> = (0..venue_count(streets))
        .map(|n| {
            let (tier, parent) = match n {
                0 => (VenueTier::District, None),
                n if n <= streets => (VenueTier::Street, Some(venue(1000))),
                n => (
                    VenueTier::Community,
                    Some(venue(1000 + (n - streets).div_ceil(2) as u32)),
                ),
            };
            Venue {
                id: venue(1000 + n as u32),
                source: None,
                name: format!("venue {n}"),
                tier,
                parent_id: parent,
                time_zone: ZONE,
                location: None,
                seats: None,
                population: Some(1000),
                older_population: Some(200),
            }
        })
        .collect();
    let births = ["1950-06-01", "1966-03-31", "1970-01-01", "1966"];
    let learners: Vec<Learner> = season
        .homes
        .iter()
        .enumerate()
        .map(|(n, home)| Learner {
            id: learner(100 + n as u32),
            source: None,
            display_name: format!("learner {n}"),
            birth_date: season.births[n].map(|b| BirthDate::from_text(births[b as usize]).unwrap()),
            home_venue_id: Some(venue(1000 + *home as u32)),
            registered_on: None,
        })
        .collect();
    let courses: Vec<Course> = (0..2)
        .map(|n| {
            let fields = json!({
                "id": course(100 + n).to_string(),
                "title": format!("course {n}"),
                "category": "tai_chi",
                "provider_venue_id": venue(1000).to_string(),
                "walk_in": n == 1,
            });
            Course::from_json(&fields, &Path::root()).unwrap()
        })
        .collect();
    let sessions: Vec<TimedSession> = season
        .sessions
        .iter()
        .enumerate()
        .map(|(n, spec)| {
            let session = Session {
                id: session(100 + n as u32),
                source: None,
                owner: SessionOwner::Course(course(100 + spec.course as u32)),
                venue_id: venue(1000 + spec.venue as u32),
                instructor_ids: vec![InstructorId::derive("test", &spec.instructor.to_string())],
                date: NaiveDate::from_ymd_opt(2026, 3, spec.day).unwrap(),
                start_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                end_time: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
                end_date: None,
                time_zone: None,
                ambiguous_time: AmbiguousTime::Earlier,
                status: if spec.cancelled {
                    SessionStatus::Cancelled
                } else {
                    SessionStatus::Scheduled
                },
                activity_kind: None,
            };
            let times = session_times(&session, Some(ZONE)).unwrap();
            TimedSession { session, times }
        })
        .collect();
    let enrolments: Vec<Enrolment> = season
        .places
        .iter()
        .filter(|(learner_index, _)| *learner_index < learners.len())
        .enumerate()
        .map(|(n, (learner_index, course_index))| Enrolment {
            id: xuetong::id::EnrolmentId::derive("test", &n.to_string()),
            source: None,
            learner_id: learners[*learner_index].id,
            course_id: course(100 + *course_index as u32),
            requested_at: instant("2026-02-01T09:00:00+08:00"),
            status: EnrolmentStatus::Confirmed,
            confirmed_at: Some(instant("2026-02-01T09:00:00+08:00")),
            withdrawn_at: None,
            group: None,
        })
        .collect();
    let scans: Vec<Scan> = season
        .scans
        .iter()
        .filter(|(session_index, learner_index, _)| {
            *session_index < sessions.len() && *learner_index < learners.len()
        })
        .enumerate()
        .map(|(n, (session_index, learner_index, minutes))| {
            let timed = &sessions[*session_index];
            Scan {
                id: xuetong::id::ScanId::derive("test", &n.to_string()),
                session_id: timed.session.id,
                learner_id: learners[*learner_index].id,
                scanned_at: timed.times.starts_at + chrono::Duration::minutes(*minutes),
                direction: ScanDirection::CheckIn,
                method: ScanMethod::Card,
                token: None,
                nonce: None,
                origin: None,
            }
        })
        .collect();
    Bundle {
        venues,
        learners,
        courses,
        sessions,
        enrolments,
        scans,
        ..Bundle::default()
    }
}

/// Lists the figures that add up over the streets of a district when every
/// learner lives in exactly one street.
fn additive(stats: &Statistics) -> [u64; 11] {
    [
        stats.registered_learners.total,
        stats.registered_learners.aged_60_or_more,
        stats.registered_learners.age_undetermined,
        stats.active_learners.total,
        stats.active_learners.aged_60_or_more,
        stats.active_learners.birth_date_missing,
        stats.enrolments,
        stats.check_ins,
        stats.credited_minutes,
        stats.learning_outcomes,
        stats.learning_circle.communities,
    ]
}

fn add(mut sum: [u64; 11], figures: [u64; 11]) -> [u64; 11] {
    for (total, figure) in sum.iter_mut().zip(figures) {
        *total += figure;
    }
    sum
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn district_is_sum_of_its_streets(season in season()) {
        let bundle = random_bundle(&season);
        let report = evaluate_bundle(&bundle, instant("2026-03-15T00:00:00+08:00"));
        let stats_of = |scope: Scope| {
            compute_statistics(&bundle, &report, None, &StatisticsRequest::new(scope, march()))
                .unwrap()
        };
        let district = stats_of(Scope::District { venue_id: venue(1000) });
        let mut sum = [0u64; 11];
        let mut held = 0;
        let mut cancelled = 0;
        for street in 1..=season.streets {
            let stats = stats_of(Scope::Street { venue_id: venue(1000 + street as u32) });
            sum = add(sum, additive(&stats));
            held += stats.activities_held;
            cancelled += stats.activities_cancelled;
        }
        prop_assert_eq!(additive(&district), sum);
        // Sessions held at the district venue itself belong to no street.
        let own = stats_of(Scope::Venue { venue_id: venue(1000) });
        prop_assert_eq!(district.activities_held, held + own.activities_held);
        prop_assert_eq!(district.activities_cancelled, cancelled + own.activities_cancelled);
        // Every learner lives in the district, so the district and the
        // platform count the same.
        let platform = stats_of(Scope::Platform);
        prop_assert_eq!(additive(&district), additive(&platform));
        prop_assert_eq!(platform.check_ins, engine_check_ins(&report));
    }
}

/// Moves the last street of a random season with two or more streets under
/// a second district, venue 2000, and returns the districts.
fn add_second_district(bundle: &mut Bundle, streets: usize) -> Vec<VenueId> {
    if streets < 2 {
        return vec![venue(1000)];
    }
    let mut second = bundle.venues[0].clone();
    second.id = venue(2000);
    second.name = "second district".to_owned();
    let last_street = venue(1000 + streets as u32);
    for row in bundle.venues.iter_mut().filter(|row| row.id == last_street) {
        row.parent_id = Some(second.id);
    }
    bundle.venues.push(second);
    vec![venue(1000), venue(2000)]
}

/// Returns `root` and every venue whose chain of parents reaches it.
fn venues_under(bundle: &Bundle, root: VenueId) -> std::collections::BTreeSet<VenueId> {
    let parent_of: std::collections::BTreeMap<VenueId, Option<VenueId>> = bundle
        .venues
        .iter()
        .map(|row| (row.id, row.parent_id))
        .collect();
    let reaches_root = |mut current: VenueId| loop {
        if current == root {
            return true;
        }
        match parent_of.get(&current).copied().flatten() {
            Some(parent) => current = parent,
            None => return false,
        }
    };
    parent_of
        .keys()
        .copied()
        .filter(|id| reaches_root(*id))
        .collect()
}

/// Recounts an area's enrolments, outcomes by kind, credits and sessions
/// held over March by reading every row of the season, without the
/// statistics' indexes.
fn recount_area(
    bundle: &Bundle,
    report: &AttendanceReport,
    ledger: &Ledger,
    root: VenueId,
) -> AreaFigures {
    let places = venues_under(bundle, root);
    let residents: std::collections::BTreeSet<LearnerId> = bundle
        .learners
        .iter()
        .filter(|row| row.home_venue_id.is_some_and(|home| places.contains(&home)))
        .map(|row| row.id)
        .collect();
    let period = march();
    let counted = |timed: &TimedSession| {
        period.contains(timed.session.date) && timed.session.status != SessionStatus::Cancelled
    };

    let activities_held = bundle
        .sessions
        .iter()
        .filter(|timed| places.contains(&timed.session.venue_id))
        .filter(|timed| counted(timed) && timed.times.ends_at <= report.as_of)
        .count() as u64;

    // Every place of a random season is confirmed on 1 February and never
    // withdrawn, so it covers every session of its course in March.
    let mut pairs = std::collections::BTreeSet::new();
    for enrolment in &bundle.enrolments {
        let covered = bundle.sessions.iter().any(|timed| {
            timed.session.course_id() == Some(enrolment.course_id)
                && counted(timed)
                && enrolment.status == EnrolmentStatus::Confirmed
                && enrolment
                    .confirmed_at
                    .is_some_and(|at| at <= timed.times.starts_at)
        });
        if residents.contains(&enrolment.learner_id) && covered {
            pairs.insert((enrolment.learner_id, enrolment.course_id));
        }
    }

    let mut outcomes_by_kind = std::collections::BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    for outcome in credit_outcomes(bundle, report) {
        if residents.contains(&outcome.learner_id)
            && period.contains(outcome.occurred_on)
            && seen.insert(outcome.id)
        {
            *outcomes_by_kind
                .entry(outcome.kind.as_str().to_owned())
                .or_default() += 1;
        }
    }

    // A new ledger contains accruals only, and each counts.
    let credits = ledger
        .entries()
        .iter()
        .filter(|entry| residents.contains(&entry.learner_id))
        .filter(|entry| period.contains(entry.occurred_on))
        .map(|entry| entry.amount)
        .sum();

    AreaFigures {
        enrolments: pairs.len() as u64,
        outcomes_by_kind,
        credits,
        activities_held,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn area_figures_match_a_recount(season in season()) {
        let mut bundle = random_bundle(&season);
        let districts = add_second_district(&mut bundle, season.streets);
        let report = evaluate_bundle(&bundle, instant("2026-03-15T00:00:00+08:00"));
        let ledger = ledger_of(&bundle, &report);
        let stats_of = |scope: Scope| {
            let request = StatisticsRequest::new(scope, march());
            compute_statistics(&bundle, &report, Some(&ledger), &request).unwrap()
        };
        for district in districts {
            let stats = stats_of(Scope::District { venue_id: district });
            let expected = recount_area(&bundle, &report, &ledger, district);
            prop_assert_eq!(area_figures(&stats), expected, "district {}", district);
        }
        for street in 1..=season.streets {
            let street = venue(1000 + street as u32);
            let stats = stats_of(Scope::Street { venue_id: street });
            let expected = recount_area(&bundle, &report, &ledger, street);
            prop_assert_eq!(area_figures(&stats), expected, "street {}", street);
        }
    }
}

/// Returns the code and path of each problem.
fn code_paths(problems: &xuetong::problem::Problems) -> Vec<(&'static str, String)> {
    problems
        .iter()
        .map(|problem| (problem.code.as_str(), problem.path.to_string()))
        .collect()
}

/// Checks that `compute_statistics` in each of `scopes`, and
/// `district_index_inputs`, reject `bundle` with the `expected` codes and
/// paths.
fn assert_statistics_reject(
    bundle: &Bundle,
    report: &AttendanceReport,
    scopes: [Scope; 2],
    expected: &[(&str, String)],
) {
    for scope in scopes {
        let request = StatisticsRequest::new(scope.clone(), march());
        let problems = compute_statistics(bundle, report, None, &request).unwrap_err();
        assert_eq!(code_paths(&problems), expected, "{scope:?}");
    }
    let coverage = CoverageSettings::default();
    let problems = district_index_inputs(bundle, report, march(), &coverage).unwrap_err();
    assert_eq!(code_paths(&problems), expected, "district index inputs");
}

#[test]
fn duplicate_learner_and_club_rejected() {
    // Counted as they are, the copies would add a registered learner and a
    // club to the platform.
    let mut bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let learners = bundle.learners.len();
    let clubs = bundle.clubs.len();
    bundle.learners.push(bundle.learners[0].clone());
    bundle.clubs.push(bundle.clubs[1].clone());
    let request = StatisticsRequest::new(Scope::Platform, march());

    let problems = compute_statistics(&bundle, &report, None, &request).unwrap_err();

    let expected = vec![
        ("duplicate_input_id", format!("learners[{learners}].id")),
        ("duplicate_input_id", format!("clubs[{clubs}].id")),
    ];
    assert_eq!(code_paths(&problems), expected);
}

#[test]
fn duplicate_venue_rejected() {
    // A second row for a district with other population figures would
    // silently replace the first. The report is made before the copy is
    // added, so the attendance engine does not check it.
    let mut bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let venues = bundle.venues.len();
    let mut copy = bundle.venues[0].clone();
    copy.population = Some(20_000);
    let district = copy.id;
    bundle.venues.push(copy);
    let expected = vec![("duplicate_input_id", format!("venues[{venues}].id"))];
    let scopes = [Scope::Platform, Scope::District { venue_id: district }];
    assert_statistics_reject(&bundle, &report, scopes, &expected);

    // The operation API rejects the same copy with the same code and path.
    let mut list = Vec::new();
    for venue in &bundle.venues {
        list.push(venue.to_json());
    }
    let request = json!({
        "input": {"venues": list},
        "options": {
            "as_of": "2026-03-25T00:00:00+08:00",
            "period": {"first_day": "2026-03-01", "last_day": "2026-03-31"},
            "scope": {"kind": "platform"},
        },
    });
    let response = xuetong::api::call("compute_statistics", &request.to_string());
    let response: serde_json::Value = serde_json::from_str(&response).unwrap();
    assert_eq!(response["ok"], false, "{response}");
    assert_eq!(response["problems"][0]["code"], "duplicate_input_id");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["venues", venues, "id"])
    );
    assert_eq!(response["problems"].as_array().map(Vec::len), Some(1));
}

#[test]
fn duplicate_course_and_session_rejected() {
    // A second row for the tai chi course in another category would
    // replace the first in every course lookup, so the health category
    // would lose its tai chi sessions. A second row for a session would
    // likewise replace the first when records are matched to sessions.
    let mut bundle = fixture();
    let report = evaluate_bundle(&bundle, as_of());
    let courses = bundle.courses.len();
    let sessions = bundle.sessions.len();
    let tai_chi = bundle
        .courses
        .iter()
        .position(|found| found.id == course(1))
        .unwrap();
    let mut copy = bundle.courses[tai_chi].clone();
    copy.category = Category::new("music").unwrap();
    bundle.courses.push(copy);
    bundle.sessions.push(bundle.sessions[0].clone());
    let expected = vec![
        ("duplicate_input_id", format!("courses[{courses}].id")),
        ("duplicate_input_id", format!("sessions[{sessions}].id")),
    ];
    let health = Category::new("health").unwrap();
    let scopes = [Scope::Platform, Scope::Category { category: health }];
    assert_statistics_reject(&bundle, &report, scopes, &expected);
}

#[test]
fn statistics_with_empty_learner_list() {
    // One walk-in session on 2 March with one check-in. An empty `learners`
    // list contains no learner, so the check-in is rejected. Without the
    // list, any learner id is accepted.
    let mut input = json!({
        "venues": [{"id": "10000000-0000-4000-8000-000000000001", "name": "Willow Community",
                    "tier": "community", "time_zone": "Asia/Shanghai"}],
        "courses": [{"id": "40000000-0000-4000-8000-000000000001", "title": "Tai chi",
                     "category": "tai_chi",
                     "provider_venue_id": "10000000-0000-4000-8000-000000000001",
                     "walk_in": true}],
        "sessions": [{"id": "50000000-0000-4000-8000-000000000001",
                      "course_id": "40000000-0000-4000-8000-000000000001",
                      "venue_id": "10000000-0000-4000-8000-000000000001",
                      "date": "2026-03-02", "start_time": "09:00", "end_time": "10:30"}],
        "scans": [{"id": "70000000-0000-4000-8000-000000000001",
                   "session_id": "50000000-0000-4000-8000-000000000001",
                   "learner_id": "20000000-0000-4000-8000-000000000001",
                   "scanned_at": "2026-03-02T08:55:00+08:00", "direction": "check_in",
                   "method": "card"}],
    });
    let options = json!({
        "as_of": "2026-03-25T00:00:00+08:00",
        "period": {"first_day": "2026-03-01", "last_day": "2026-03-31"},
        "scope": {"kind": "platform"},
    });
    let check_ins = |input: &serde_json::Value| {
        let request = json!({"input": input, "options": options});
        let response = xuetong::api::call("compute_statistics", &request.to_string());
        let response: serde_json::Value = serde_json::from_str(&response).unwrap();
        assert_eq!(response["ok"], true, "{response}");
        response["value"]["check_ins"].clone()
    };

    assert_eq!(check_ins(&input), 1);
    input["learners"] = json!([]);
    assert_eq!(check_ins(&input), 0);
}
