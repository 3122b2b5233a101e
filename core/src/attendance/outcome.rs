//! Learning outcomes from attendance: the bridge to the credit rules, which
//! read [`Outcome`] records.

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::FxHashMap;
use uuid::Uuid;

use crate::id::{CourseId, HYPHENATED_LENGTH, LearnerId, OutcomeId, SessionId, push_hyphenated};
use crate::model::{Outcome, OutcomeKind, OutcomeSource, Role, SessionOwner};
use crate::record::Record;
use crate::schedule::TimedSession;

use super::report::{AttendanceRecord, AttendanceReport};

/// The `source_system` of outcomes made from attendance. Their ids derive
/// from it and the key of their source, so re-running an evaluation gives
/// the same ids.
pub const OUTCOME_SOURCE_SYSTEM: &str = "xuetong-attendance";

crate::text_enum! {
    /// The grouping of attended minutes into outcomes.
    pub enum OutcomeGrouping {
        /// One outcome per learner and session.
        PerSession = "per_session",
        /// One outcome per learner and course (or club), with the minutes of
        /// all its sessions. Its minutes grow as more sessions are held, and
        /// its id stays the same.
        PerCourse = "per_course",
    }
}

/// Makes the learning outcomes of an evaluation:
///
/// - `attendance` with the credited minutes of each final course record
///   (or their sum per learner and course), keyed
///   `attendance:{learner}:{session}` (or `attendance:{learner}:{course}`);
/// - `club_activity` likewise for club sessions, keyed
///   `club_activity:{learner}:{session}` (or `…:{club}`);
/// - `course_completion` for each completed course, keyed
///   `course_completion:{learner}:{course}`, on the local date the course's
///   last session ended.
///
/// Records that credit no minutes or whose session has not ended make no
/// outcome. An attendance outcome occurs on its session's local date (the
/// latest one for a sum). Outcomes are ordered by learner, date, kind and
/// id.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use xuetong::attendance::{
///     AttendanceInput, AttendancePolicy, EvaluationSettings, OutcomeGrouping,
///     attendance_outcomes, evaluate_attendance,
/// };
///
/// let policy = AttendancePolicy::default();
/// let settings = EvaluationSettings {
///     policy: &policy,
///     as_of: Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
///     token_key: None,
/// };
/// let report = evaluate_attendance(&AttendanceInput::default(), &settings)?;
/// assert!(attendance_outcomes(&report, &[], OutcomeGrouping::PerSession).is_empty());
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn attendance_outcomes(
    report: &AttendanceReport,
    sessions: &[TimedSession],
    grouping: OutcomeGrouping,
) -> Vec<Outcome> {
    with_given_outcomes(report, sessions, grouping, &[])
}

/// Makes the outcomes of [`attendance_outcomes`] and adds a copy of each of
/// `given`, all ordered by learner, date, kind and id, then by their JSON
/// form. Every outcome is made once, in a vector of exactly the size
/// needed, and only outcomes with equal learner, date and kind move after
/// they are made. With the `parallel` feature they are sorted and made on
/// the rayon thread pool.
pub(crate) fn with_given_outcomes(
    report: &AttendanceReport,
    sessions: &[TimedSession],
    grouping: OutcomeGrouping,
    given: &[Outcome],
) -> Vec<Outcome> {
    // Both maps are only looked up, so their hasher cannot change the
    // result; Fx hashes a 16-byte id in a few instructions.
    let by_id: FxHashMap<SessionId, &TimedSession> = sessions
        .iter()
        .map(|timed| (timed.session.id, timed))
        .collect();
    let mut pending = match grouping {
        OutcomeGrouping::PerSession => per_session(&report.records, &by_id),
        OutcomeGrouping::PerCourse => per_course(&report.records, &by_id),
    };

    let course_ends = course_end_dates(sessions);
    for result in report
        .course_results
        .iter()
        .filter(|result| result.completed)
    {
        let Some(&(_, ended_on)) = course_ends.get(&result.course_id) else {
            continue;
        };
        pending.push(Pending::new(
            result.learner_id,
            OutcomeKind::CourseCompletion,
            ended_on,
            Origin::Completion(result.course_id),
        ));
    }

    pending.reserve_exact(given.len());
    pending.extend(given.iter().map(Pending::given));
    make_sorted(pending)
}

/// Makes the outcomes of `pending` ordered by learner, date, kind and id,
/// then by their JSON form.
///
/// Outcomes are large, so the small pending ones are sorted by learner,
/// date and kind, and each outcome is then made in its place. The id is
/// derived from the source key when the outcome is made, so that the key
/// is formatted once, and the runs of outcomes with equal learner, date
/// and kind are sorted by id afterwards.
fn make_sorted(mut pending: Vec<Pending<'_>>) -> Vec<Outcome> {
    #[cfg(feature = "parallel")]
    rayon::slice::ParallelSliceMut::par_sort_unstable_by_key(&mut pending[..], Pending::order_key);
    #[cfg(not(feature = "parallel"))]
    pending.sort_unstable_by_key(Pending::order_key);
    let ties = tied_runs(&pending);
    let mut outcomes = make_all(pending);
    for run in ties {
        order_tied(&mut outcomes[run]);
    }
    outcomes
}

/// Makes every pending outcome, in order.
fn make_all(pending: Vec<Pending<'_>>) -> Vec<Outcome> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        pending.into_par_iter().map(Pending::make).collect()
    }
    #[cfg(not(feature = "parallel"))]
    make_serially(pending)
}

/// Does what [`make_all`] does, on the calling thread.
#[cfg_attr(
    all(feature = "parallel", not(test)),
    expect(dead_code, reason = "only tests run it beside the parallel path")
)]
fn make_serially(pending: Vec<Pending<'_>>) -> Vec<Outcome> {
    pending.into_iter().map(Pending::make).collect()
}

/// Finds the runs of two or more sorted pending outcomes with the same
/// learner, date and kind.
fn tied_runs(pending: &[Pending<'_>]) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for run in pending.chunk_by(|a, b| a.order_key() == b.order_key()) {
        if run.len() > 1 {
            runs.push(start..start + run.len());
        }
        start += run.len();
    }
    runs
}

/// Sorts outcomes with the same learner, date and kind by id, then by JSON
/// form. Outcomes with equal JSON forms are equal, so an unstable sort
/// gives the same result as a stable one.
fn order_tied(run: &mut [Outcome]) {
    run.sort_unstable_by(|a, b| {
        a.id.cmp(&b.id)
            .then_with(|| a.to_json().to_string().cmp(&b.to_json().to_string()))
    });
}

/// An outcome not made yet: what it is sorted by and what it is made of.
///
/// A pending outcome of attendance copies what it needs from its record,
/// so that making the outcomes in learner order reads no attendance
/// record. The records lie in session order, and reading them in learner
/// order missed the cache on almost every outcome.
#[derive(Clone, Copy)]
struct Pending<'r> {
    learner: LearnerId,
    occurred_on: NaiveDate,
    kind: OutcomeKind,
    origin: Origin<'r>,
}

/// The source data of a pending outcome.
#[derive(Clone, Copy)]
enum Origin<'r> {
    /// The credited minutes of one record of a session of a course or
    /// club.
    Session(SessionId, Owner, u32),
    /// The summed minutes of a learner in a course or club.
    Sum(Owner, u32),
    /// A completed course.
    Completion(CourseId),
    /// An outcome given in the bundle, copied as it is.
    Given(&'r Outcome),
}

impl<'r> Pending<'r> {
    fn new(
        learner: LearnerId,
        kind: OutcomeKind,
        occurred_on: NaiveDate,
        origin: Origin<'r>,
    ) -> Self {
        Self {
            learner,
            occurred_on,
            kind,
            origin,
        }
    }

    /// Wraps an outcome given in the bundle, which has its id already.
    fn given(outcome: &'r Outcome) -> Self {
        Self {
            learner: outcome.learner_id,
            occurred_on: outcome.occurred_on,
            kind: outcome.kind,
            origin: Origin::Given(outcome),
        }
    }

    /// Returns the key that orders outcomes first: learner, date and kind.
    /// The learner is a number, which orders UUIDs as their bytes do and
    /// is compared inline, without a call to `memcmp`.
    fn order_key(&self) -> (u128, NaiveDate, OutcomeKind) {
        (self.learner.uuid().as_u128(), self.occurred_on, self.kind)
    }

    /// Makes the outcome, with its source key and the id derived from it,
    /// or copies the outcome given in the bundle.
    fn make(self) -> Outcome {
        let subject = match self.origin {
            Origin::Session(session, _, _) => session.uuid(),
            Origin::Sum(Owner::Course(course), _) | Origin::Completion(course) => course.uuid(),
            Origin::Sum(Owner::Club(club), _) => club.uuid(),
            Origin::Given(outcome) => return outcome.clone(),
        };
        let source = OutcomeSource::Attendance { subject };
        let mut key = String::with_capacity(KEY_CAPACITY);
        push_source_key(&mut key, self.kind, self.learner, subject);
        let id = OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, &key);
        let mut made = outcome(id, source, self.learner, self.kind, self.occurred_on);
        match self.origin {
            Origin::Session(session, owner, minutes) => {
                match owner {
                    Owner::Course(course) => made.course_id = Some(course),
                    Owner::Club(club) => made.club_id = Some(club),
                }
                made.minutes = Some(minutes);
                made.session_id = Some(session);
            }
            Origin::Sum(Owner::Course(course), minutes) => {
                made.course_id = Some(course);
                made.minutes = Some(minutes);
            }
            Origin::Sum(Owner::Club(club), minutes) => {
                made.club_id = Some(club);
                made.minutes = Some(minutes);
            }
            Origin::Completion(course) => made.course_id = Some(course),
            Origin::Given(_) => {}
        }
        made
    }
}

/// Appends the source key `{kind}:{learner}:{subject}` to `out`. The
/// subject is the session of an outcome of one record, the course or club
/// of a sum, and the course of a completion.
pub(crate) fn push_source_key(
    out: &mut String,
    kind: OutcomeKind,
    learner: LearnerId,
    subject: Uuid,
) {
    out.push_str(kind.as_str());
    out.push(':');
    push_hyphenated(out, learner.uuid());
    out.push(':');
    push_hyphenated(out, subject);
}

/// The maximum length of a source key: the longest kind name and two UUIDs,
/// each after a colon. No kind name is longer than `course_completion`.
pub(crate) const KEY_CAPACITY: usize = "course_completion".len() + 2 * (1 + HYPHENATED_LENGTH);

/// Selects the records that make outcomes: final, with credited minutes,
/// and with a known session.
fn creditable<'r, 's>(
    records: &'r [AttendanceRecord],
    by_id: &'s FxHashMap<SessionId, &'s TimedSession>,
) -> impl Iterator<Item = (&'r AttendanceRecord, &'s TimedSession)> {
    records
        .iter()
        .filter(|record| !record.provisional && record.credited_minutes > 0)
        .filter_map(|record| by_id.get(&record.session_id).map(|timed| (record, *timed)))
}

fn per_session<'r>(
    records: &'r [AttendanceRecord],
    by_id: &FxHashMap<SessionId, &TimedSession>,
) -> Vec<Pending<'r>> {
    let mut pending = Vec::with_capacity(records.len());
    for (record, timed) in creditable(records, by_id) {
        let date = timed.session.date;
        let (kind, owner) = match record.owner {
            SessionOwner::Course(course) => (OutcomeKind::Attendance, Owner::Course(course)),
            SessionOwner::Club(club) => (OutcomeKind::ClubActivity, Owner::Club(club)),
        };
        let origin = Origin::Session(record.session_id, owner, record.credited_minutes);
        pending.push(Pending::new(record.learner_id, kind, date, origin));
    }
    pending
}

/// The course or club whose minutes a per-course outcome sums.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Owner {
    Course(CourseId),
    Club(crate::id::ClubId),
}

fn per_course<'r>(
    records: &[AttendanceRecord],
    by_id: &FxHashMap<SessionId, &TimedSession>,
) -> Vec<Pending<'r>> {
    let mut sums: BTreeMap<(LearnerId, Owner), (u32, NaiveDate)> = BTreeMap::new();
    for (record, timed) in creditable(records, by_id) {
        let owner = match record.owner {
            SessionOwner::Course(course) => Owner::Course(course),
            SessionOwner::Club(club) => Owner::Club(club),
        };
        let date = timed.session.date;
        let sum = sums.entry((record.learner_id, owner)).or_insert((0, date));
        sum.0 = sum.0.saturating_add(record.credited_minutes);
        sum.1 = sum.1.max(date);
    }
    sums.into_iter()
        .map(|((learner, owner), (minutes, date))| {
            let kind = match owner {
                Owner::Course(_) => OutcomeKind::Attendance,
                Owner::Club(_) => OutcomeKind::ClubActivity,
            };
            Pending::new(learner, kind, date, Origin::Sum(owner, minutes))
        })
        .collect()
}

/// Finds the end of each course's last session that is not cancelled: its
/// instant and its local end date.
fn course_end_dates(sessions: &[TimedSession]) -> FxHashMap<CourseId, (DateTime<Utc>, NaiveDate)> {
    let mut ends: FxHashMap<CourseId, (DateTime<Utc>, NaiveDate)> = FxHashMap::default();
    for timed in sessions
        .iter()
        .filter(|timed| !timed.session.is_cancelled())
    {
        let Some(course) = timed.session.course_id() else {
            continue;
        };
        let ended_on = timed.session.local_end_date().unwrap_or(timed.session.date);
        let candidate = (timed.times.ends_at, ended_on);
        ends.entry(course)
            .and_modify(|end| *end = (*end).max(candidate))
            .or_insert(candidate);
    }
    ends
}

/// Makes an outcome with the id `id`, derived from its source key, and
/// every optional field empty.
fn outcome(
    id: OutcomeId,
    source: OutcomeSource,
    learner: LearnerId,
    kind: OutcomeKind,
    occurred_on: NaiveDate,
) -> Outcome {
    Outcome {
        id,
        source: Some(source),
        learner_id: learner,
        kind,
        occurred_on,
        recorded_on: None,
        role: Role::Learner,
        minutes: None,
        course_id: None,
        club_id: None,
        session_id: None,
        banked: false,
        details: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 28).unwrap()
    }

    fn completions(count: u32) -> Vec<Pending<'static>> {
        (0..count)
            .map(|index| {
                let learner = LearnerId::derive("test", &index.to_string());
                let course = CourseId::derive("test", &(index % 7).to_string());
                Pending::new(
                    learner,
                    OutcomeKind::CourseCompletion,
                    date(),
                    Origin::Completion(course),
                )
            })
            .collect()
    }

    #[test]
    fn keys_name_kind_learner_subject() {
        let learner = LearnerId::derive("test", "1");
        let course = CourseId::derive("test", "c");
        let club = crate::id::ClubId::derive("test", "k");
        let pending = vec![
            Pending::new(
                learner,
                OutcomeKind::Attendance,
                date(),
                Origin::Sum(Owner::Course(course), 90),
            ),
            Pending::new(
                learner,
                OutcomeKind::ClubActivity,
                date(),
                Origin::Sum(Owner::Club(club), 60),
            ),
            Pending::new(
                learner,
                OutcomeKind::CourseCompletion,
                date(),
                Origin::Completion(course),
            ),
        ];

        let outcomes = make_all(pending);

        let keys: Vec<String> = outcomes
            .iter()
            .map(|outcome| outcome.source_key().unwrap().into_owned())
            .collect();
        assert_eq!(keys[0], format!("attendance:{learner}:{course}"));
        assert_eq!(keys[1], format!("club_activity:{learner}:{club}"));
        assert_eq!(keys[2], format!("course_completion:{learner}:{course}"));
        for (outcome, key) in outcomes.iter().zip(keys) {
            let expected = OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, &key);
            assert_eq!(outcome.id, expected, "key {key}");
        }
    }

    /// Ids that ledgers store, computed outside this crate with Python's
    /// `uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "xuetong"),
    /// "outcome:xuetong-attendance:" + key)`.
    #[test]
    fn outcome_ids_pinned() {
        let learner: LearnerId = "20000000-0000-4000-8000-000000000001".parse().unwrap();
        let course: CourseId = "40000000-0000-4000-8000-0000000000bc".parse().unwrap();
        let club: crate::id::ClubId = "50000000-0000-4000-8000-000000000def".parse().unwrap();
        let cases = [
            (
                OutcomeKind::Attendance,
                Origin::Sum(Owner::Course(course), 90),
                "18efb9ca-30a5-5da6-b3c0-9f131435b652",
            ),
            (
                OutcomeKind::ClubActivity,
                Origin::Sum(Owner::Club(club), 60),
                "999de332-6e67-582a-a20d-6affd4b630c2",
            ),
            (
                OutcomeKind::CourseCompletion,
                Origin::Completion(course),
                "3fb5c9c4-bbff-5bd8-a8ca-ad22545336f1",
            ),
        ];

        for (kind, origin, expected) in cases {
            let made = Pending::new(learner, kind, date(), origin).make();
            assert_eq!(made.id.to_string(), expected, "{kind:?}");
        }
    }

    #[test]
    fn tied_outcomes_ordered_by_id() {
        let learner = LearnerId::derive("test", "1");
        let other = LearnerId::derive("test", "2");
        let mut pending: Vec<Pending<'static>> = (0..40)
            .map(|index| {
                let course = CourseId::derive("test", &index.to_string());
                let holder = if index % 3 == 0 { other } else { learner };
                Pending::new(
                    holder,
                    OutcomeKind::CourseCompletion,
                    date(),
                    Origin::Completion(course),
                )
            })
            .collect();
        pending.push(Pending::new(
            learner,
            OutcomeKind::Attendance,
            date(),
            Origin::Sum(Owner::Course(CourseId::derive("test", "a")), 30),
        ));

        let outcomes = make_sorted(pending);

        assert_eq!(outcomes.len(), 41);
        for pair in outcomes.windows(2) {
            let first = (
                pair[0].learner_id,
                pair[0].occurred_on,
                pair[0].kind,
                pair[0].id,
            );
            let second = (
                pair[1].learner_id,
                pair[1].occurred_on,
                pair[1].kind,
                pair[1].id,
            );
            assert!(first < second, "{first:?} then {second:?}");
        }
    }

    #[test]
    fn learners_ordered_as_their_ids() {
        // Learners that differ only in their first byte or only in their
        // last, so a key that read the bytes in the wrong order would put
        // some of them out of place.
        let mut learners: Vec<LearnerId> = (0..64_u32)
            .map(|index| LearnerId::derive("test", &index.to_string()))
            .collect();
        for byte in [0x01_u8, 0x80, 0xff] {
            learners.push(LearnerId(Uuid::from_bytes([byte; 16])));
            let mut first = [0_u8; 16];
            first[0] = byte;
            learners.push(LearnerId(Uuid::from_bytes(first)));
            let mut last = [0_u8; 16];
            last[15] = byte;
            learners.push(LearnerId(Uuid::from_bytes(last)));
        }
        let course = CourseId::derive("test", "c");
        let mut pending: Vec<Pending<'static>> = learners
            .iter()
            .map(|&learner| {
                Pending::new(
                    learner,
                    OutcomeKind::CourseCompletion,
                    date(),
                    Origin::Completion(course),
                )
            })
            .collect();
        pending.reverse();

        let outcomes = make_sorted(pending);

        let mut expected = learners;
        expected.sort();
        let found: Vec<LearnerId> = outcomes.iter().map(|made| made.learner_id).collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn session_outcomes_name_their_course_or_club() {
        let learner = LearnerId::derive("test", "1");
        let session = SessionId::derive("test", "s");
        let course = CourseId::derive("test", "c");
        let club = crate::id::ClubId::derive("test", "k");
        let make = |kind, owner, minutes| {
            let origin = Origin::Session(session, owner, minutes);
            Pending::new(learner, kind, date(), origin).make()
        };

        let in_course = make(OutcomeKind::Attendance, Owner::Course(course), 75);
        let in_club = make(OutcomeKind::ClubActivity, Owner::Club(club), 40);

        assert_eq!(
            (in_course.course_id, in_course.club_id),
            (Some(course), None)
        );
        assert_eq!((in_club.course_id, in_club.club_id), (None, Some(club)));
        assert_eq!((in_course.minutes, in_club.minutes), (Some(75), Some(40)));
        assert_eq!(in_course.session_id, Some(session));
        assert_eq!(in_club.session_id, Some(session));
        let key = in_club.source_key().unwrap().into_owned();
        assert_eq!(key, format!("club_activity:{learner}:{session}"));
    }

    /// Sorts outcomes made one by one with the order the documentation
    /// states, to check the sort of learner, date and kind followed by the
    /// sort of ties against it.
    #[test]
    fn make_sorted_matches_one_full_sort() {
        let learners = [
            LearnerId::derive("test", "1"),
            LearnerId::derive("test", "2"),
        ];
        let days = [date(), date().succ_opt().unwrap()];
        let club = crate::id::ClubId::derive("test", "k");
        let generated: Vec<Pending<'static>> = (0..60_usize)
            .map(|index| {
                let learner = learners[index % 2];
                let day = days[(index / 2) % 2];
                let course = CourseId::derive("test", &(index % 13).to_string());
                match index % 3 {
                    0 => Pending::new(
                        learner,
                        OutcomeKind::CourseCompletion,
                        day,
                        Origin::Completion(course),
                    ),
                    1 => Pending::new(
                        learner,
                        OutcomeKind::Attendance,
                        day,
                        Origin::Sum(Owner::Course(course), 30),
                    ),
                    _ => Pending::new(
                        learner,
                        OutcomeKind::ClubActivity,
                        day,
                        Origin::Sum(Owner::Club(club), 45),
                    ),
                }
            })
            .collect();
        // Given outcomes with the id, learner, date and kind of a generated
        // one but other minutes, and exact copies of generated ones.
        let mut given: Vec<Outcome> = generated
            .iter()
            .step_by(4)
            .map(|item| {
                let mut copy = item.make();
                copy.minutes = Some(copy.minutes.unwrap_or(0) + 7);
                copy
            })
            .collect();
        given.extend(generated.iter().step_by(5).map(|item| item.make()));

        let mut pending = generated.clone();
        pending.extend(given.iter().map(Pending::given));
        pending.reverse();
        pending.rotate_left(17);
        let mut expected: Vec<Outcome> = pending.iter().map(|item| item.make()).collect();
        expected.sort_by(|a, b| {
            (a.learner_id, a.occurred_on, a.kind, a.id)
                .cmp(&(b.learner_id, b.occurred_on, b.kind, b.id))
                .then_with(|| a.to_json().to_string().cmp(&b.to_json().to_string()))
        });

        let outcomes = make_sorted(pending);

        assert_eq!(outcomes.len(), 60 + 15 + 12);
        assert_eq!(outcomes, expected);
    }

    #[test]
    fn serial_and_default_making_agree() {
        let pending = completions(5_000);
        let copies = pending.clone();

        let serial = make_serially(pending);
        let default = make_all(copies);

        assert_eq!(serial.len(), 5_000);
        assert_eq!(serial, default);
    }

    fn given(id: &str, learner: &str, occurred_on: &str, minutes: u32) -> Outcome {
        let value = serde_json::json!({
            "id": id,
            "learner_id": learner,
            "kind": "volunteer_service",
            "occurred_on": occurred_on,
            "minutes": minutes,
        });
        Outcome::from_json(&value, &crate::problem::Path::root()).unwrap()
    }

    /// Returns the attendance report of a season without sessions.
    fn empty_report() -> AttendanceReport {
        let policy = crate::attendance::AttendancePolicy::default();
        let settings = crate::attendance::EvaluationSettings {
            policy: &policy,
            as_of: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 4, 1, 0, 0, 0).unwrap(),
            token_key: None,
        };
        crate::attendance::evaluate_attendance(
            &crate::attendance::AttendanceInput::default(),
            &settings,
        )
        .unwrap()
    }

    #[test]
    fn given_outcomes_sorted_with_json_tiebreak() {
        let first_learner = "20000000-0000-4000-8000-000000000001";
        let second_learner = "20000000-0000-4000-8000-000000000002";
        let id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let given = vec![
            given(id, second_learner, "2026-03-01", 60),
            given(id, first_learner, "2026-03-14", 30),
            given(id, first_learner, "2026-03-14", 120),
            given(id, first_learner, "2026-03-02", 45),
        ];

        let outcomes =
            with_given_outcomes(&empty_report(), &[], OutcomeGrouping::PerSession, &given);

        // The first learner comes before the second, and earlier dates
        // first. Two records differ only in their minutes, and the JSON text
        // `"minutes":120` sorts before `"minutes":30`.
        let minutes: Vec<Option<u32>> = outcomes.iter().map(|outcome| outcome.minutes).collect();
        assert_eq!(minutes, [Some(45), Some(120), Some(30), Some(60)]);
    }

    #[test]
    fn given_outcomes_share_their_details() {
        let learner = "20000000-0000-4000-8000-000000000001";
        let mut award = given(
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            learner,
            "2026-03-01",
            60,
        );
        award.details_mut().title = Some("Calligraphy, first prize".to_owned());
        let plain = given(
            "1f8fad5b-d9cb-469f-a165-70867728950e",
            learner,
            "2026-03-02",
            30,
        );
        let outcomes = with_given_outcomes(
            &empty_report(),
            &[],
            OutcomeGrouping::PerSession,
            &[award.clone(), plain],
        );

        assert_eq!(outcomes.len(), 2);
        assert_eq!(outcomes[0], award);
        let copied = outcomes[0].details.as_ref().unwrap();
        let original = award.details.as_ref().unwrap();
        assert!(std::sync::Arc::ptr_eq(copied, original));
        assert!(outcomes[1].details.is_none());
    }
}
