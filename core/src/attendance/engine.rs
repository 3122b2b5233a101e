//! The batch engine: the input, its indexes, and the evaluation that turns
//! scans into records, rates and completion decisions.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{DateTime, Utc};
use rustc_hash::{FxHashMap, FxHashSet};

use crate::bundle::Bundle;
use crate::id::{CourseId, LearnerId, SessionId};
use crate::model::{
    Course, Enrolment, EnrolmentStatus, Excusal, GeoPoint, Scan, SessionOwner, Venue,
};
use crate::problem::{Path, Problem, Problems};
use crate::schedule::TimedSession;

use super::codes;
use super::courses::CourseTallies;
use super::policy::AttendancePolicy;
use super::rate::AssessmentResult;
use super::report::{AttendanceReport, AttendanceSummary, DuplicateKind};
use super::scans::evaluate_scans;
use super::status::AttendanceStatus;
use super::status::SessionWindows;
use super::token::TokenKey;

/// The most scans one evaluation takes: 2^28, about 268 million. The batch
/// path keeps a scan's position in 28 bits of its sort key; split larger
/// inputs by session.
pub const MAX_SCANS: usize = 1 << 28;

/// Everything the engine reads. Slices are borrowed, so a caller can
/// evaluate the records of a [`Bundle`](crate::bundle::Bundle) without
/// copying them.
#[derive(Clone, Copy, Debug, Default)]
pub struct AttendanceInput<'a> {
    /// Sessions with their instants.
    pub sessions: &'a [TimedSession],
    /// The courses of the course sessions (walk-ins, completion threshold,
    /// assessment).
    pub courses: &'a [Course],
    /// Venues, whose locations the geofence needs; may be empty while the
    /// geofence is off.
    pub venues: &'a [Venue],
    /// The registered learners; `None` accepts any learner id (the check is
    /// then left to the enrolment rules).
    pub learners: Option<&'a [LearnerId]>,
    /// Enrolments: which learner has a place in which course, and when.
    pub enrolments: &'a [Enrolment],
    /// Excusals granted for single sessions.
    pub excusals: &'a [Excusal],
    /// Assessment results, for courses that require an assessment; those of
    /// courses not in `courses` are ignored.
    ///
    /// NOTE: results are not filtered by the evaluation time, because an
    /// outcome has only a local date; pass those known at `as_of`.
    pub assessments: &'a [AssessmentResult],
    /// The scans to evaluate, in any order.
    pub scans: &'a [Scan],
}

impl<'a> AttendanceInput<'a> {
    /// Makes the input of a season run's attendance step on `bundle`: its
    /// sessions, courses, venues, enrolments, excusals and scans. The caller
    /// owns the two lists the bundle stores in another form: the learner
    /// ids in `learners`, and in `assessments` the results of
    /// [`AssessmentResult::from_outcomes`] on the bundle's outcomes. An
    /// empty `learners` accepts any learner id, unless the bundle's
    /// `learners_listed` is set. So when every row of a bundle's
    /// `learners.csv` was rejected, every scan is rejected.
    /// Struct update syntax replaces a part, such as the scans.
    ///
    /// # Example
    ///
    /// ```
    /// use xuetong::attendance::{AssessmentResult, AttendanceInput};
    /// use xuetong::bundle::Bundle;
    /// use xuetong::id::LearnerId;
    ///
    /// let bundle = Bundle::default();
    /// let learners: Vec<LearnerId> = bundle.learners.iter().map(|learner| learner.id).collect();
    /// let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
    /// let input = AttendanceInput::from_bundle(&bundle, &learners, &assessments);
    /// assert!(input.learners.is_none());
    /// ```
    pub fn from_bundle(
        bundle: &'a Bundle,
        learners: &'a [LearnerId],
        assessments: &'a [AssessmentResult],
    ) -> Self {
        Self {
            sessions: &bundle.sessions,
            courses: &bundle.courses,
            venues: &bundle.venues,
            learners: (bundle.learners_listed || !learners.is_empty()).then_some(learners),
            enrolments: &bundle.enrolments,
            excusals: &bundle.excusals,
            assessments,
            scans: &bundle.scans,
        }
    }
}

/// How to evaluate.
#[derive(Clone, Copy, Debug)]
pub struct EvaluationSettings<'a> {
    /// The policy.
    pub policy: &'a AttendancePolicy,
    /// The evaluation time: sessions that ended by then are held, and
    /// scans, enrolment changes and excusals after it are not yet known.
    pub as_of: DateTime<Utc>,
    /// The platform key that session secrets derive from. Without it tokens
    /// are not checked at all, and the report sets `tokens_verified` to
    /// false.
    pub token_key: Option<&'a TokenKey>,
}

/// Evaluates scans into attendance records, rejected and duplicate scans,
/// and per learner and course results.
///
/// The work is O(n log n) in the number of scans, plus the records it
/// writes (one per expected learner and held session). The result depends
/// only on the content of the input, never on the order of the scans.
///
/// # Errors
///
/// Returns problems for an input that is inconsistent in itself: a
/// session, course or venue id given twice (`duplicate_input_id`), or a
/// session, course or venue referred to by a session, enrolment or excusal
/// but not given (`reference_not_in_input`, for venues only while the
/// geofence is on). More than [`MAX_SCANS`] scans are `out_of_range`. Scans
/// never cause an error otherwise: a bad scan is a rejected scan.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use xuetong::attendance::{AttendanceInput, AttendancePolicy, EvaluationSettings, evaluate_attendance};
///
/// let policy = AttendancePolicy::default();
/// let settings = EvaluationSettings {
///     policy: &policy,
///     as_of: Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
///     token_key: None,
/// };
/// let report = evaluate_attendance(&AttendanceInput::default(), &settings)?;
/// assert!(report.records.is_empty());
/// assert!(!report.tokens_verified);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn evaluate_attendance(
    input: &AttendanceInput<'_>,
    settings: &EvaluationSettings<'_>,
) -> Result<AttendanceReport, Problems> {
    let index = Index::build(input, settings)?;
    let mut tallies = CourseTallies::new(&index);
    let scanned = evaluate_scans(&index, input.scans, settings, &mut tallies);
    let course_results = tallies.into_results(&index);

    let mut summary = AttendanceSummary {
        scans: input.scans.len() as u64,
        accepted: scanned.accepted,
        rejected: scanned.rejected.len() as u64,
        duplicates: scanned.duplicates.len() as u64,
        ..AttendanceSummary::default()
    };
    let mut by_code: HashMap<&'static str, u64> = HashMap::new();
    for rejected in &scanned.rejected {
        *by_code.entry(rejected.code.as_str()).or_default() += 1;
    }
    summary.rejected_by_code = by_code
        .into_iter()
        .map(|(code, count)| (code.to_owned(), count))
        .collect();
    let mut by_kind = [0u64; DuplicateKind::ALL.len()];
    for duplicate in &scanned.duplicates {
        by_kind[duplicate.kind as usize] += 1;
    }
    summary.duplicates_by_kind = counts(DuplicateKind::ALL, &by_kind, |kind| kind.as_str());
    summary.records_by_status = counts(
        AttendanceStatus::ALL,
        &scanned.records_by_status,
        |status| status.as_str(),
    );
    Ok(AttendanceReport {
        as_of: settings.as_of,
        tokens_verified: settings.token_key.is_some(),
        summary,
        records: scanned.records,
        rejected: scanned.rejected,
        duplicates: scanned.duplicates,
        course_results,
    })
}

/// Pairs each name with its count, leaving out zeros, for the summary.
fn counts<T: Copy>(
    values: &[T],
    counts: &[u64],
    name: impl Fn(T) -> &'static str,
) -> std::collections::BTreeMap<String, u64> {
    values
        .iter()
        .zip(counts)
        .filter(|(_, count)| **count > 0)
        .map(|(value, count)| (name(*value).to_owned(), *count))
        .collect()
}

/// A learner's place in a course, as known at the evaluation time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Place {
    pub learner: LearnerId,
    pub confirmed_at: DateTime<Utc>,
    /// When the learner withdrew, if that was by the evaluation time.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Whether the learner is registered (always, without a learner list),
    /// so that the scans of learners with a place need no lookup.
    pub known: bool,
}

impl Place {
    /// Returns whether the learner held this place at `instant`.
    pub fn covers(&self, instant: DateTime<Utc>) -> bool {
        self.confirmed_at <= instant
            && self
                .withdrawn_at
                .is_none_or(|withdrawn| instant < withdrawn)
    }

    /// Returns whether the place is still held at the evaluation time.
    pub fn is_active(&self) -> bool {
        self.withdrawn_at.is_none()
    }
}

/// A cursor that finds the places of learners, asked for in increasing
/// order of id, among one course's places (ordered by learner). Each place
/// is passed once, so a session costs one walk over the places rather than
/// a search per learner.
#[derive(Clone, Copy, Debug)]
pub(super) struct PlaceCursor<'i> {
    /// The places not passed yet.
    places: &'i [Place],
}

impl<'i> PlaceCursor<'i> {
    /// Returns the places of `learner` (the UUID read big-endian), passing
    /// those of learners before it. Learners must be asked for in
    /// increasing order; an earlier learner then finds no places.
    pub fn places_of(&mut self, learner: u128) -> &'i [Place] {
        let key = |place: &Place| place.learner.uuid().as_u128();
        let start = self
            .places
            .iter()
            .position(|place| key(place) >= learner)
            .unwrap_or(self.places.len());
        let rest = &self.places[start..];
        let length = rest
            .iter()
            .position(|place| key(place) != learner)
            .unwrap_or(rest.len());
        let (found, after) = rest.split_at(length);
        self.places = after;
        found
    }
}

/// One session with what the engine needs to judge its scans.
#[derive(Debug)]
pub(super) struct SessionEntry {
    /// The session's id and owner, copied from the [`TimedSession`]
    /// because every record and rejected scan needs them. The session lies
    /// elsewhere in memory, so reading them there would cost a cache miss.
    pub id: SessionId,
    pub owner: SessionOwner,
    pub windows: SessionWindows,
    /// The position of the session's course in [`Index::courses`].
    pub course: Option<usize>,
    pub venue_location: Option<GeoPoint>,
    pub cancelled: bool,
    /// Whether the session ended by the evaluation time.
    pub ended: bool,
}

impl SessionEntry {
    /// Returns whether the session is held: not cancelled and ended by the
    /// evaluation time.
    pub fn held(&self) -> bool {
        self.ended && !self.cancelled
    }
}

/// The input arranged for lookups.
#[derive(Debug)]
pub(super) struct Index<'a> {
    pub policy: &'a AttendancePolicy,
    /// The key that session secrets derive from, when tokens are checked.
    /// A session's secret, an HMAC state of 160 bytes on 64-bit targets, is
    /// derived while its scans are judged rather than kept for every session.
    pub token_key: Option<&'a TokenKey>,
    /// Sessions ordered by start, then id.
    pub sessions: Vec<SessionEntry>,
    pub session_by_id: FxHashMap<SessionId, usize>,
    /// Courses ordered by id.
    pub courses: Vec<&'a Course>,
    /// The sessions of each course (positions in `sessions`), in order.
    pub course_sessions: Vec<Vec<usize>>,
    /// The places of each course, ordered by learner and confirmation.
    pub places: Vec<Vec<Place>>,
    /// Excused (session position, learner) pairs, ordered.
    pub excusals: Vec<(usize, LearnerId)>,
    /// The start in `excusals` of each session's excusals, then the end.
    pub excusal_starts: Vec<usize>,
    /// (course position, learner, passed) triples, ordered.
    pub assessments: Vec<(usize, LearnerId, bool)>,
    /// The registered learners; `None` accepts any learner.
    pub learners: Option<FxHashSet<LearnerId>>,
}

impl<'a> Index<'a> {
    /// Arranges `input` for lookups, reporting an input that is
    /// inconsistent in itself (see [`evaluate_attendance`]).
    pub(super) fn build(
        input: &AttendanceInput<'a>,
        settings: &EvaluationSettings<'a>,
    ) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        if input.scans.len() > MAX_SCANS {
            problems.push(
                Problem::new(
                    crate::problem::codes::OUT_OF_RANGE,
                    Path::root().join("scans"),
                )
                .with("field", "scans")
                .with("value", input.scans.len())
                .with("min", 0)
                .with("max", MAX_SCANS),
            );
        }

        let mut courses: Vec<&Course> = input.courses.iter().collect();
        courses.sort_by_key(|course| course.id);
        let course_by_id = unique_ids(input.courses, "courses", "course", |c| c.id, &mut problems);
        let course_position: HashMap<CourseId, usize> = courses
            .iter()
            .enumerate()
            .map(|(position, course)| (course.id, position))
            .collect();
        let venue_by_id = unique_ids(input.venues, "venues", "venue", |v| v.id, &mut problems);
        unique_ids(
            input.sessions,
            "sessions",
            "session",
            |t| t.session.id,
            &mut problems,
        );

        let geofence = settings.policy.geofence.radius_metres.is_some();
        for (position, timed) in input.sessions.iter().enumerate() {
            let session = &timed.session;
            if let Some(course) = session.course_id()
                && !course_by_id.contains_key(&course)
            {
                problems.push(missing_reference(
                    path_of("sessions", position, "course_id"),
                    "course_id",
                    course.to_string(),
                    "courses",
                ));
            }
            if geofence && !venue_by_id.contains_key(&session.venue_id) {
                problems.push(missing_reference(
                    path_of("sessions", position, "venue_id"),
                    "venue_id",
                    session.venue_id.to_string(),
                    "venues",
                ));
            }
        }

        // Session ids are unique in an input without problems, so an
        // unstable sort gives the same order as a stable one, with the id
        // compared as one integer.
        let mut order: Vec<&TimedSession> = input.sessions.iter().collect();
        order.sort_unstable_by_key(|timed| {
            (timed.times.starts_at, timed.session.id.uuid().as_u128())
        });
        let session_by_id: FxHashMap<SessionId, usize> = order
            .iter()
            .enumerate()
            .map(|(position, timed)| (timed.session.id, position))
            .collect();
        let mut course_sessions = vec![Vec::new(); courses.len()];
        let sessions: Vec<SessionEntry> = order
            .iter()
            .enumerate()
            .map(|(position, timed)| {
                let course = timed
                    .session
                    .course_id()
                    .and_then(|id| course_position.get(&id).copied());
                if let Some(course) = course {
                    course_sessions[course].push(position);
                }
                let venue_location = venue_by_id
                    .get(&timed.session.venue_id)
                    .and_then(|venue| input.venues[*venue].location);
                let windows = SessionWindows::new(&timed.times, settings.policy);
                SessionEntry {
                    id: timed.session.id,
                    owner: timed.session.owner,
                    windows,
                    course,
                    venue_location,
                    cancelled: timed.session.is_cancelled(),
                    ended: timed.times.ends_at <= settings.as_of,
                }
            })
            .collect();

        let learners: Option<FxHashSet<LearnerId>> = input
            .learners
            .map(|learners| learners.iter().copied().collect());
        let mut places = vec![Vec::new(); courses.len()];
        for (position, enrolment) in input.enrolments.iter().enumerate() {
            let Some(&course) = course_position.get(&enrolment.course_id) else {
                problems.push(missing_reference(
                    path_of("enrolments", position, "course_id"),
                    "course_id",
                    enrolment.course_id.to_string(),
                    "courses",
                ));
                continue;
            };
            if let Some(mut place) = place_as_of(enrolment, settings.as_of) {
                place.known = learners
                    .as_ref()
                    .is_none_or(|learners| learners.contains(&place.learner));
                places[course].push(place);
            }
        }
        // Places equal in every field are interchangeable, so an unstable
        // sort gives the same order as `Place`'s own, with the learner's
        // UUID compared as one integer.
        for course_places in &mut places {
            course_places.sort_unstable_by_key(place_order_key);
        }

        let mut excusals = Vec::with_capacity(input.excusals.len());
        for (position, excusal) in input.excusals.iter().enumerate() {
            match session_by_id.get(&excusal.session_id) {
                None => problems.push(missing_reference(
                    path_of("excusals", position, "session_id"),
                    "session_id",
                    excusal.session_id.to_string(),
                    "sessions",
                )),
                Some(&session) => {
                    let known = excusal
                        .granted_at
                        .is_none_or(|granted| granted <= settings.as_of);
                    if known {
                        excusals.push((session, excusal.learner_id));
                    }
                }
            }
        }
        excusals.sort_unstable();
        excusals.dedup();
        let mut excusal_starts = Vec::with_capacity(sessions.len() + 1);
        let mut next = 0;
        for session in 0..=sessions.len() {
            next += excusals[next..].partition_point(|(at, _)| *at < session);
            excusal_starts.push(next);
        }

        let mut assessments: Vec<(usize, LearnerId, bool)> = input
            .assessments
            .iter()
            .filter_map(|result| {
                let course = course_position.get(&result.course_id)?;
                Some((*course, result.learner_id, result.passed))
            })
            .collect();
        assessments.sort_unstable();

        problems.into_result(Self {
            policy: settings.policy,
            token_key: settings.token_key,
            sessions,
            session_by_id,
            courses,
            course_sessions,
            places,
            excusals,
            excusal_starts,
            assessments,
            learners,
        })
    }

    /// Returns a cursor over the places of course `course`, or over none
    /// for `None`.
    pub fn place_cursor(&self, course: Option<usize>) -> PlaceCursor<'_> {
        let places = course
            .and_then(|course| self.places.get(course))
            .map_or(&[][..], Vec::as_slice);
        PlaceCursor { places }
    }

    /// Returns whether `learner` has an excusal for the session at `session`.
    pub fn is_excused(&self, session: usize, learner: LearnerId) -> bool {
        let excused = self.excused_at(session);
        !excused.is_empty()
            && excused
                .binary_search_by(|(_, excused)| excused.cmp(&learner))
                .is_ok()
    }

    /// Returns the excusals for the session at `session`, ordered by
    /// learner.
    pub fn excused_at(&self, session: usize) -> &[(usize, LearnerId)] {
        let start = self.excusal_starts.get(session).copied().unwrap_or(0);
        let end = self
            .excusal_starts
            .get(session + 1)
            .copied()
            .unwrap_or(start);
        self.excusals.get(start..end).unwrap_or_default()
    }

    /// Returns whether `learner` is registered (always, without a learner
    /// list).
    pub fn is_known_learner(&self, learner: LearnerId) -> bool {
        self.learners
            .as_ref()
            .is_none_or(|learners| learners.contains(&learner))
    }
}

/// Returns the key that orders places as `Place`'s own order does, with the
/// learner's UUID read big-endian as one integer.
fn place_order_key(place: &Place) -> (u128, DateTime<Utc>, Option<DateTime<Utc>>, bool) {
    (
        place.learner.uuid().as_u128(),
        place.confirmed_at,
        place.withdrawn_at,
        place.known,
    )
}

/// Converts an enrolment into the place it gives as known at `as_of`: none
/// while waitlisted or before confirmation, and without a withdrawal that
/// happens after `as_of`.
fn place_as_of(enrolment: &Enrolment, as_of: DateTime<Utc>) -> Option<Place> {
    let confirmed_at = enrolment.confirmed_at?;
    if confirmed_at > as_of || enrolment.status == EnrolmentStatus::Waitlisted {
        return None;
    }
    Some(Place {
        learner: enrolment.learner_id,
        confirmed_at,
        withdrawn_at: enrolment
            .withdrawn_at
            .filter(|withdrawn| *withdrawn <= as_of),
        known: true,
    })
}

/// Maps each id to the position of its first record, reporting every
/// later record with the same id.
fn unique_ids<T, Id: Copy + Eq + Hash + ToString>(
    records: &[T],
    list: &'static str,
    kind: &'static str,
    id: impl Fn(&T) -> Id,
    problems: &mut Problems,
) -> HashMap<Id, usize> {
    let mut seen = HashMap::with_capacity(records.len());
    for (position, record) in records.iter().enumerate() {
        let key = id(record);
        if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(key) {
            slot.insert(position);
        } else {
            problems.push(
                Problem::new(codes::DUPLICATE_INPUT_ID, path_of(list, position, "id"))
                    .with("field", "id")
                    .with("value", key.to_string())
                    .with("kind", kind),
            );
        }
    }
    seen
}

fn path_of(list: &'static str, position: usize, field: &'static str) -> Path {
    Path::root().join(list).join(position).join(field)
}

fn missing_reference(
    path: Path,
    field: &'static str,
    value: String,
    target: &'static str,
) -> Problem {
    Problem::new(codes::REFERENCE_NOT_IN_INPUT, path)
        .with("field", field)
        .with("value", value)
        .with("target", target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap()
    }

    #[test]
    fn place_covers_half_open_interval() {
        let place = Place {
            learner: LearnerId::derive("t", "1"),
            confirmed_at: at(2),
            withdrawn_at: Some(at(10)),
            known: true,
        };
        assert!(!place.covers(at(1)));
        assert!(place.covers(at(2)));
        assert!(place.covers(at(9)));
        assert!(!place.covers(at(10)));
        assert!(!place.is_active());
    }

    #[test]
    fn place_cursor_finds_learners_in_order() {
        let learner = |n: u128| LearnerId(uuid::Uuid::from_u128(n));
        let place = |n: u128, day: u32| Place {
            learner: learner(n),
            confirmed_at: at(day),
            withdrawn_at: None,
            known: true,
        };
        let places = [place(1, 1), place(1, 5), place(3, 2), place(5, 3)];
        let mut cursor = PlaceCursor { places: &places };
        assert!(cursor.places_of(0).is_empty());
        assert_eq!(cursor.places_of(1), &places[..2]);
        assert!(cursor.places_of(2).is_empty());
        assert_eq!(cursor.places_of(3), &places[2..3]);
        assert!(cursor.places_of(4).is_empty());
        assert_eq!(cursor.places_of(5), &places[3..]);
        assert!(cursor.places_of(6).is_empty());
    }

    #[test]
    fn later_facts_are_not_yet_known() {
        let enrolment = Enrolment {
            id: crate::id::EnrolmentId::derive("t", "1"),
            source: None,
            learner_id: LearnerId::derive("t", "1"),
            course_id: CourseId::derive("t", "1"),
            requested_at: at(1),
            status: EnrolmentStatus::Withdrawn,
            confirmed_at: Some(at(2)),
            withdrawn_at: Some(at(20)),
            group: None,
        };
        let place = place_as_of(&enrolment, at(10)).unwrap();
        assert_eq!(place.withdrawn_at, None);
        assert_eq!(place_as_of(&enrolment, at(1)), None);
        let waiting = Enrolment {
            status: EnrolmentStatus::Waitlisted,
            confirmed_at: None,
            withdrawn_at: None,
            ..enrolment
        };
        assert_eq!(place_as_of(&waiting, at(10)), None);
    }

    #[test]
    fn place_order_key_matches_place_order() {
        let learner = |n: u128| LearnerId(uuid::Uuid::from_u128(n));
        let place = |n: u128, day: u32, withdrawn: Option<u32>, known: bool| Place {
            learner: learner(n),
            confirmed_at: at(day),
            withdrawn_at: withdrawn.map(at),
            known,
        };
        let places = [
            place(2 << 64, 3, None, true),
            place(1 << 120, 1, Some(9), true),
            place(2 << 64, 1, Some(5), false),
            place(2 << 64, 1, Some(5), true),
            place(2 << 64, 1, None, true),
            place(1, 7, None, true),
            place(u128::MAX, 2, Some(4), true),
            place(2 << 64, 1, Some(4), true),
            place(1, 7, None, true),
        ];
        let mut by_key = places.to_vec();
        by_key.sort_unstable_by_key(place_order_key);
        let mut by_place = places.to_vec();
        by_place.sort();
        assert_eq!(by_key, by_place);
    }

    /// Evaluates a small generated district 40 days before its season ends,
    /// then counts its sessions again in reverse order: the course results
    /// must be the same.
    #[test]
    fn course_results_ignore_session_order() {
        use super::super::courses::{CourseTallies, RecordCount};
        use super::super::rate::AssessmentResult;

        let params = crate::sample::SampleParams {
            learners: 300,
            ..crate::sample::SampleParams::default()
        };
        let sample = crate::sample::generate(&params).unwrap();
        let as_of = sample.as_of - chrono::Duration::days(40);
        let bundle = sample.into_bundle();
        let learners: Vec<LearnerId> = bundle.learners.iter().map(|l| l.id).collect();
        let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
        let input = AttendanceInput::from_bundle(&bundle, &learners, &assessments);
        let policy = AttendancePolicy::default();
        let settings = EvaluationSettings {
            policy: &policy,
            as_of,
            token_key: None,
        };
        let index = Index::build(&input, &settings).unwrap();
        let mut tallies = CourseTallies::new(&index);
        let scanned =
            super::super::scans::evaluate_scans(&index, input.scans, &settings, &mut tallies);
        let forward = tallies.into_results(&index);
        assert!(forward.iter().any(|result| result.remaining_sessions > 0));
        assert!(forward.iter().any(|result| result.attended_sessions > 0));

        let records = &scanned.records;
        let mut reversed = CourseTallies::new(&index);
        for position in (0..index.sessions.len()).rev() {
            let session = index.sessions[position].id;
            let start = records
                .partition_point(|record| index.session_by_id[&record.session_id] < position);
            let length = records[start..]
                .iter()
                .take_while(|record| record.session_id == session)
                .count();
            let counts: Vec<RecordCount> = records[start..start + length]
                .iter()
                .map(RecordCount::of)
                .collect();
            reversed.count_session(&index, position, &counts);
        }
        assert_eq!(reversed.into_results(&index), forward);
    }
}
