//! Attendance engine throughput: a synthetic season evaluated in memory,
//! with and without token verification.
//!
//! The season has courses of 20 weekly 90-minute sessions with 40 enrolled
//! learners each. Per session, 90 % of learners check in, spread from 30
//! minutes before to 20 minutes after the start. Of those, half check out,
//! 5 % check in again and 5 % retry with the same nonce, so that there are
//! about 1.25 scans per learner and session.
//!
//! A second group evaluates the generated sample district (`xuetong
//! generate` with its defaults) as `xuetong run` does: every learner
//! registered, the bundle's assessment outcomes, and tokens verified with
//! the sample key.
//!
//! The engine runs on one core: every evaluation runs inside a rayon pool
//! of one thread, so the parallel steps that this crate's `parallel`
//! feature turns on take their serial path or run on that same thread.
//! The time measured is that thread's CPU time (user and system, page
//! faults included), read from Linux's `/proc/thread-self/schedstat`,
//! because the machines that run it are shared and their wall times vary
//! with the load. Elsewhere it falls back to wall time.

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use xuetong::attendance::{
    AssessmentResult, AttendanceInput, AttendancePolicy, EvaluationSettings, TokenKey,
    evaluate_attendance,
};
use xuetong::decimal::Percent;
use xuetong::id::{CourseId, EnrolmentId, LearnerId, ScanId, SessionId, VenueId};
use xuetong::model::{
    AmbiguousTime, Audience, Category, Course, Enrolment, EnrolmentStatus, Scan, ScanDirection,
    ScanMethod, Session, SessionOwner, SessionStatus, ShortText,
};
use xuetong::schedule::{SessionTimes, TimedSession};

const SESSIONS_PER_COURSE: u32 = 20;
const LEARNERS_PER_COURSE: u32 = 40;

/// A small deterministic generator (SplitMix64), so that every run
/// evaluates the same season.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

struct Season {
    courses: Vec<Course>,
    sessions: Vec<TimedSession>,
    enrolments: Vec<Enrolment>,
    scans: Vec<Scan>,
}

fn uuid(random: &mut Random) -> uuid::Uuid {
    uuid::Uuid::from_u128(u128::from(random.next()) << 64 | u128::from(random.next()))
}

fn season(courses: u32, key: Option<&TokenKey>) -> Season {
    let mut random = Random(2026);
    let venue = VenueId::derive("bench", "venue");
    let policy = AttendancePolicy::default();
    let first_day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
    let mut season = Season {
        courses: Vec::new(),
        sessions: Vec::new(),
        enrolments: Vec::new(),
        scans: Vec::new(),
    };
    let category = Category::new("calligraphy").expect("calligraphy is a valid category key");
    for course_number in 0..courses {
        let course = CourseId(uuid(&mut random));
        season.courses.push(Course {
            id: course,
            source: None,
            code: None,
            title: format!("Course {course_number}"),
            category: category.clone(),
            provider_venue_id: venue,
            network_level: None,
            capacity: None,
            enrolment_opens_at: None,
            enrolment_closes_at: None,
            walk_in: false,
            min_age: None,
            max_age: None,
            audience: Audience::AllAges,
            residents_only: false,
            credit_value: None,
            completion_threshold: Percent::whole(80),
            assessment_required: false,
        });
        let learners: Vec<LearnerId> = (0..LEARNERS_PER_COURSE)
            .map(|_| LearnerId(uuid(&mut random)))
            .collect();
        for learner in &learners {
            season.enrolments.push(Enrolment {
                id: EnrolmentId(uuid(&mut random)),
                source: None,
                learner_id: *learner,
                course_id: course,
                requested_at: Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap(),
                status: EnrolmentStatus::Confirmed,
                confirmed_at: Some(Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap()),
                withdrawn_at: None,
                group: None,
            });
        }
        for week in 0..SESSIONS_PER_COURSE {
            let hour = 8 + (course_number % 10);
            let date = first_day + chrono::Days::new(u64::from(week * 7 + course_number % 5));
            let starts_at = Utc.from_utc_datetime(
                &date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default()),
            ) - Duration::hours(8);
            let session = Session {
                id: SessionId(uuid(&mut random)),
                source: None,
                owner: SessionOwner::Course(course),
                venue_id: venue,
                instructor_ids: Vec::new(),
                date,
                start_time: NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default(),
                end_time: NaiveTime::from_hms_opt(hour + 1, 30, 0).unwrap_or_default(),
                end_date: None,
                time_zone: Some(chrono_tz::Asia::Shanghai),
                ambiguous_time: AmbiguousTime::Earlier,
                status: SessionStatus::Scheduled,
                activity_kind: None,
            };
            let secret = key.map(|key| key.session_secret(session.id));
            for learner in &learners {
                add_scans(
                    &mut season.scans,
                    &mut random,
                    &session,
                    starts_at,
                    *learner,
                    secret.as_ref(),
                    &policy,
                );
            }
            let times = SessionTimes {
                starts_at,
                ends_at: starts_at + Duration::minutes(90),
                time_zone: chrono_tz::Asia::Shanghai,
            };
            season.sessions.push(TimedSession { session, times });
        }
    }
    season
}

fn add_scans(
    scans: &mut Vec<Scan>,
    random: &mut Random,
    session: &Session,
    starts_at: DateTime<Utc>,
    learner: LearnerId,
    secret: Option<&xuetong::attendance::SessionSecret>,
    policy: &AttendancePolicy,
) {
    if !random.chance(90) {
        return;
    }
    let make =
        |random: &mut Random, at: DateTime<Utc>, direction, nonce: Option<ShortText<14>>| Scan {
            id: ScanId(uuid(random)),
            session_id: session.id,
            learner_id: learner,
            scanned_at: at,
            direction,
            method: ScanMethod::Qr,
            token: secret
                .and_then(|secret| secret.issue_at(at, &policy.token))
                .map(|(token, _)| ShortText::from(token)),
            nonce,
            origin: None,
        };
    let arrival =
        starts_at + Duration::seconds((random.next() % 3000) as i64) - Duration::minutes(30);
    let nonce = ShortText::new(&format!("n{}", random.next() % 1_000_000));
    scans.push(make(
        random,
        arrival,
        ScanDirection::CheckIn,
        Some(nonce.clone()),
    ));
    if random.chance(5) {
        scans.push(make(
            random,
            arrival + Duration::seconds(20),
            ScanDirection::CheckIn,
            Some(nonce),
        ));
    }
    if random.chance(5) {
        scans.push(make(
            random,
            arrival + Duration::minutes(2),
            ScanDirection::CheckIn,
            None,
        ));
    }
    if random.chance(50) {
        let leaving =
            starts_at + Duration::minutes(75) + Duration::seconds((random.next() % 1800) as i64);
        scans.push(make(random, leaving, ScanDirection::CheckOut, None));
    }
}

/// Returns the CPU time the calling thread has used, or `None` where the
/// kernel does not report it.
fn thread_cpu_time() -> Option<std::time::Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(nanos))
}

fn bench_evaluate(c: &mut Criterion) {
    let key =
        TokenKey::from_bytes(&[7; 32]).unwrap_or_else(|_| unreachable!("a 32-byte key is valid"));
    let policy = AttendancePolicy::default();
    let as_of = Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap();
    let mut group = c.benchmark_group("evaluate_attendance");
    group.sample_size(10);
    let cases = [
        ("no key", 1_000u32, false),
        ("tokens verified", 1_000, true),
        ("no key", 4_000, false),
    ];
    for (label, courses, with_key) in cases {
        let season = season(courses, with_key.then_some(&key));
        let input = AttendanceInput {
            sessions: &season.sessions,
            courses: &season.courses,
            venues: &[],
            learners: None,
            enrolments: &season.enrolments,
            excusals: &[],
            assessments: &[],
            scans: &season.scans,
        };
        let settings = EvaluationSettings {
            policy: &policy,
            as_of,
            token_key: with_key.then_some(&key),
        };
        group.throughput(Throughput::Elements(season.scans.len() as u64));
        let id = BenchmarkId::new(label, season.scans.len());
        group.bench_with_input(id, &input, |b, input| {
            b.iter_custom(|iterations| {
                cpu_time_of(iterations, || {
                    let report = evaluate_attendance(black_box(input), &settings);
                    black_box(report.map(|report| report.records.len()).ok());
                })
            })
        });
    }
    group.finish();
}

/// Measures `routine` on a rayon pool of one thread, in that thread's CPU
/// time where the kernel reports it, else in wall time.
fn cpu_time_of(iterations: u64, mut routine: impl FnMut() + Send) -> std::time::Duration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a rayon pool of one thread starts");
    pool.install(|| {
        let wall = Instant::now();
        let cpu = thread_cpu_time();
        for _ in 0..iterations {
            routine();
        }
        match (cpu, thread_cpu_time()) {
            (Some(start), Some(end)) => end.saturating_sub(start),
            _ => wall.elapsed(),
        }
    })
}

fn bench_district(c: &mut Criterion) {
    let params = xuetong::sample::SampleParams::default();
    let sample = xuetong::sample::generate(&params).expect("the default sample generates");
    let as_of = sample.as_of;
    let bundle = sample.into_bundle();
    let key = xuetong::sample::sample_token_key();
    let policy = AttendancePolicy::default();
    let settings = EvaluationSettings {
        policy: &policy,
        as_of,
        token_key: Some(&key),
    };
    let mut group = c.benchmark_group("district_attendance");
    group.sample_size(10);
    group.throughput(Throughput::Elements(bundle.scans.len() as u64));
    let id = BenchmarkId::new("tokens verified", bundle.scans.len());
    group.bench_function(id, |b| {
        b.iter_custom(|iterations| {
            cpu_time_of(iterations, || {
                // As the attendance step of a season run.
                let learners: Vec<LearnerId> =
                    bundle.learners.iter().map(|learner| learner.id).collect();
                let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
                let input = AttendanceInput::from_bundle(&bundle, &learners, &assessments);
                let report = evaluate_attendance(black_box(&input), &settings);
                black_box(report.map(|report| report.records.len()).ok());
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench_evaluate, bench_district);
criterion_main!(benches);
