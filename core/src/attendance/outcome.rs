//! Learning outcomes from attendance: the bridge to the credit rules, which
//! read [`Outcome`] records.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::field::FieldValue;

use crate::id::{CourseId, LearnerId, OutcomeId, SessionId};
use crate::model::{Outcome, OutcomeKind, Role, SourceRef};
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
/// form. Every outcome is made once, in its final place in a vector of
/// exactly the size needed. With the `parallel` feature they are made on
/// the rayon thread pool.
pub(crate) fn with_given_outcomes(
    report: &AttendanceReport,
    sessions: &[TimedSession],
    grouping: OutcomeGrouping,
    given: &[Outcome],
) -> Vec<Outcome> {
    let by_id: HashMap<SessionId, &TimedSession> = sessions
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

    identify_all(&mut pending);
    pending.reserve_exact(given.len());
    pending.extend(given.iter().map(Pending::given));
    // Outcomes are large, so the small pending ones are sorted and each
    // outcome is then made in its place. The JSON form orders outcomes with
    // equal keys. Outcomes with equal JSON forms are equal, so an unstable
    // sort, which needs no buffer, gives the same result as a stable one.
    pending.sort_unstable_by(|a, b| {
        a.order_key()
            .cmp(&b.order_key())
            .then_with(|| a.json_text().cmp(&b.json_text()))
    });
    make_all(pending)
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

/// Derives the id of each pending outcome from its source key. The SHA-1
/// of UUID version 5 and the key's text were about a third of the cost of
/// making an outcome, so with the `parallel` feature they are computed on
/// the rayon thread pool.
///
/// The key is written into a buffer that each thread reuses, and written
/// again when the outcome is made. The keys are then allocated in the
/// order of the sorted outcomes, so that writers that read them in that
/// order read memory in sequence, and the sort moves no strings.
fn identify_all(pending: &mut [Pending<'_>]) {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        pending
            .par_iter_mut()
            .for_each_init(String::new, |key, item| item.identify(key));
    }
    #[cfg(not(feature = "parallel"))]
    identify_serially(pending);
}

/// Does what [`identify_all`] does, on the calling thread.
#[cfg_attr(
    all(feature = "parallel", not(test)),
    expect(dead_code, reason = "only tests run it beside the parallel path")
)]
fn identify_serially(pending: &mut [Pending<'_>]) {
    let mut key = String::new();
    for item in pending {
        item.identify(&mut key);
    }
}

/// An outcome not made yet: what it is sorted by and what it is made of.
#[derive(Clone, Copy)]
struct Pending<'r> {
    learner: LearnerId,
    occurred_on: NaiveDate,
    kind: OutcomeKind,
    /// The id derived from the source key, nil until
    /// [`Pending::identify`] runs.
    id: OutcomeId,
    origin: Origin<'r>,
}

/// The source data of a pending outcome.
#[derive(Clone, Copy)]
enum Origin<'r> {
    /// The credited minutes of one record.
    Record(&'r AttendanceRecord),
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
            id: OutcomeId(Uuid::nil()),
            origin,
        }
    }

    /// Wraps an outcome given in the bundle, which has its id already.
    fn given(outcome: &'r Outcome) -> Self {
        Self {
            learner: outcome.learner_id,
            occurred_on: outcome.occurred_on,
            kind: outcome.kind,
            id: outcome.id,
            origin: Origin::Given(outcome),
        }
    }

    /// Returns the key that orders outcomes first: learner, date, kind and
    /// id.
    fn order_key(&self) -> (LearnerId, NaiveDate, OutcomeKind, OutcomeId) {
        (self.learner, self.occurred_on, self.kind, self.id)
    }

    /// Writes the JSON form of the outcome that this pending entry makes,
    /// which orders outcomes with equal keys.
    fn json_text(&self) -> String {
        let made = match self.origin {
            Origin::Given(outcome) => outcome.to_json(),
            _ => self.make().to_json(),
        };
        made.to_string()
    }

    /// Replaces the contents of `key` with the source key,
    /// `{kind}:{learner}:{subject}` with the session (one record), the
    /// course or club (a sum), or the course (a completion) as the subject.
    /// Returns false, with `key` empty, for an outcome given in the bundle.
    fn write_key(&self, key: &mut String) -> bool {
        key.clear();
        if let Origin::Given(_) = self.origin {
            return false;
        }
        key.push_str(self.kind.as_str());
        key.push(':');
        self.learner.write_text(key);
        key.push(':');
        match &self.origin {
            Origin::Record(record) => record.session_id.write_text(key),
            Origin::Sum(Owner::Course(course), _) | Origin::Completion(course) => {
                course.write_text(key);
            }
            Origin::Sum(Owner::Club(club), _) => club.write_text(key),
            Origin::Given(_) => {}
        }
        true
    }

    /// Derives the id from the source key, which it writes into `key`.
    fn identify(&mut self, key: &mut String) {
        if self.write_key(key) {
            self.id = OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, key);
        }
    }

    fn make(self) -> Outcome {
        if let Origin::Given(outcome) = self.origin {
            return outcome.clone();
        }
        let mut key = String::with_capacity(self.kind.as_str().len() + 2 * 37);
        self.write_key(&mut key);
        let mut made = outcome(self.id, key, self.learner, self.kind, self.occurred_on);
        match self.origin {
            Origin::Record(record) => {
                if self.kind == OutcomeKind::ClubActivity {
                    made.club_id = record.club_id;
                } else {
                    made.course_id = record.course_id;
                }
                made.minutes = Some(record.credited_minutes);
                made.session_id = Some(record.session_id);
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

/// Selects the records that make outcomes: final, with credited minutes,
/// and with a known session.
fn creditable<'r, 's>(
    records: &'r [AttendanceRecord],
    by_id: &'s HashMap<SessionId, &'s TimedSession>,
) -> impl Iterator<Item = (&'r AttendanceRecord, &'s TimedSession)> {
    records
        .iter()
        .filter(|record| !record.provisional && record.credited_minutes > 0)
        .filter_map(|record| by_id.get(&record.session_id).map(|timed| (record, *timed)))
}

fn per_session<'r>(
    records: &'r [AttendanceRecord],
    by_id: &HashMap<SessionId, &TimedSession>,
) -> Vec<Pending<'r>> {
    let mut pending = Vec::with_capacity(records.len());
    for (record, timed) in creditable(records, by_id) {
        let date = timed.session.date;
        let kind = match (record.course_id, record.club_id) {
            (Some(_), _) => OutcomeKind::Attendance,
            (None, Some(_)) => OutcomeKind::ClubActivity,
            (None, None) => continue,
        };
        pending.push(Pending::new(
            record.learner_id,
            kind,
            date,
            Origin::Record(record),
        ));
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
    by_id: &HashMap<SessionId, &TimedSession>,
) -> Vec<Pending<'r>> {
    let mut sums: BTreeMap<(LearnerId, Owner), (u32, NaiveDate)> = BTreeMap::new();
    for (record, timed) in creditable(records, by_id) {
        let owner = match (record.course_id, record.club_id) {
            (Some(course), _) => Owner::Course(course),
            (None, Some(club)) => Owner::Club(club),
            (None, None) => continue,
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
fn course_end_dates(sessions: &[TimedSession]) -> HashMap<CourseId, (DateTime<Utc>, NaiveDate)> {
    let mut ends: HashMap<CourseId, (DateTime<Utc>, NaiveDate)> = HashMap::new();
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

/// Makes an outcome with the id `id` derived from `key`, the source `key`,
/// and every optional field empty.
fn outcome(
    id: OutcomeId,
    key: String,
    learner: LearnerId,
    kind: OutcomeKind,
    occurred_on: NaiveDate,
) -> Outcome {
    Outcome {
        id,
        source: Some(SourceRef {
            system: Cow::Borrowed(OUTCOME_SOURCE_SYSTEM),
            key,
        }),
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
        let mut pending = vec![
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

        identify_all(&mut pending);
        let outcomes = make_all(pending);

        let keys: Vec<&str> = outcomes
            .iter()
            .map(|outcome| outcome.source.as_ref().unwrap().key.as_str())
            .collect();
        assert_eq!(keys[0], format!("attendance:{learner}:{course}"));
        assert_eq!(keys[1], format!("club_activity:{learner}:{club}"));
        assert_eq!(keys[2], format!("course_completion:{learner}:{course}"));
        for (outcome, key) in outcomes.iter().zip(keys) {
            let expected = OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, key);
            assert_eq!(outcome.id, expected, "key {key}");
        }
    }

    #[test]
    fn write_key_replaces_buffer() {
        let learner = LearnerId::derive("test", "1");
        let course = CourseId::derive("test", "c");
        let item = Pending::new(
            learner,
            OutcomeKind::CourseCompletion,
            date(),
            Origin::Completion(course),
        );
        let mut key = "left from the last outcome".to_owned();

        assert!(item.write_key(&mut key));
        assert_eq!(key, format!("course_completion:{learner}:{course}"));

        let given = given(
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "20000000-0000-4000-8000-000000000001",
            "2026-03-01",
            60,
        );
        assert!(!Pending::given(&given).write_key(&mut key));
        assert!(key.is_empty());
    }

    #[test]
    fn serial_and_default_identities_agree() {
        let mut serial = completions(5_000);
        let mut default = completions(5_000);

        identify_serially(&mut serial);
        identify_all(&mut default);

        let serial_ids: Vec<OutcomeId> = serial.iter().map(|item| item.id).collect();
        let default_ids: Vec<OutcomeId> = default.iter().map(|item| item.id).collect();
        assert_eq!(serial_ids, default_ids);
        assert!(serial_ids.iter().all(|id| !id.0.is_nil()));
        let mut key = String::new();
        for item in &serial {
            item.write_key(&mut key);
            assert_eq!(item.id, OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, &key));
        }
    }

    #[test]
    fn serial_and_default_making_agree() {
        let mut pending = completions(5_000);
        identify_serially(&mut pending);
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

        let policy = crate::attendance::AttendancePolicy::default();
        let settings = crate::attendance::EvaluationSettings {
            policy: &policy,
            as_of: chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 4, 1, 0, 0, 0).unwrap(),
            token_key: None,
        };
        let report = crate::attendance::evaluate_attendance(
            &crate::attendance::AttendanceInput::default(),
            &settings,
        )
        .unwrap();
        let outcomes = with_given_outcomes(&report, &[], OutcomeGrouping::PerSession, &given);

        // The first learner comes before the second, and earlier dates
        // first. Two records differ only in their minutes, and the JSON text
        // `"minutes":120` sorts before `"minutes":30`.
        let minutes: Vec<Option<u32>> = outcomes.iter().map(|outcome| outcome.minutes).collect();
        assert_eq!(minutes, [Some(45), Some(120), Some(30), Some(60)]);
    }
}
