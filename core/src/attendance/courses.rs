//! Per learner and course results: counted sessions, rates, completion and
//! early warnings.

use chrono::{DateTime, Utc};

use crate::id::LearnerId;

use super::engine::{Index, Place};
use super::rate::{AssessmentState, AttendanceWarning, CompletionGap, CourseResult, Ratio};
use super::report::AttendanceRecord;
use super::status::AttendanceStatus;

/// The fields of a learner's record that counting a held session reads.
/// The judge copies them while the record is at hand, so that counting
/// does not read the records again from the large vector they were
/// written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct RecordCount {
    /// The learner's UUID read big-endian, which orders like the UUID.
    learner: u128,
    status: AttendanceStatus,
    credited_minutes: u32,
    walk_in: bool,
    excused: bool,
}

impl RecordCount {
    /// Copies what counting needs from `record`.
    pub fn of(record: &AttendanceRecord) -> Self {
        Self {
            learner: record.learner_id.uuid().as_u128(),
            status: record.status,
            credited_minutes: record.credited_minutes,
            walk_in: record.walk_in,
            excused: record.excused,
        }
    }
}

/// The session counts of every learner who had a place in a course,
/// filled one session at a time while the scans are judged.
///
/// Counting a held session walks its records (ordered by learner) once
/// beside the course's learners, right after the records are written, so
/// they are read while still in the cache. The counts are sums, so the
/// order in which sessions are counted does not change the results.
pub(super) struct CourseTallies<'i> {
    /// The learners of every course, course after course, each course's
    /// ordered by key.
    learners: Vec<CourseLearner<'i>>,
    /// The start in `learners` of each course's learners, then the end.
    starts: Vec<usize>,
}

impl<'i> CourseTallies<'i> {
    /// Lists the learners with a place in each course of `index`, with
    /// nothing counted yet.
    pub fn new(index: &'i Index<'_>) -> Self {
        let places: usize = index.places.iter().map(Vec::len).sum();
        let mut learners = Vec::with_capacity(places);
        let mut starts = Vec::with_capacity(index.places.len() + 1);
        for places in &index.places {
            starts.push(learners.len());
            learners.extend(
                places
                    .chunk_by(|a, b| a.learner == b.learner)
                    .filter_map(|places| {
                        let first = places.first()?;
                        Some(CourseLearner {
                            key: first.learner.uuid().as_u128(),
                            places,
                            tally: Tally::default(),
                        })
                    }),
            );
        }
        starts.push(learners.len());
        Self { learners, starts }
    }

    /// Counts the session at `position` for the learners of its course:
    /// from `records`, the counted fields of the session's records ordered
    /// by learner, once it is held, and as a remaining session before it
    /// ends. Sessions without a course and cancelled sessions are not
    /// counted.
    pub fn count_session(&mut self, index: &Index<'_>, position: usize, records: &[RecordCount]) {
        let Some(course) = index.sessions.get(position).and_then(|entry| entry.course) else {
            return;
        };
        let (Some(&start), Some(&end)) = (self.starts.get(course), self.starts.get(course + 1))
        else {
            return;
        };
        count_for_learners(
            &mut self.learners[start..end],
            index,
            position,
            records.iter().copied(),
        );
    }

    /// Counts every session of a course as [`Self::count_session`] does,
    /// one course per task on the rayon thread pool. `records` has the
    /// records of every session, and `record_starts` where each session's
    /// records start in it, then the end. Each course's learners are
    /// counted by one task, and counts are sums, so the results do not
    /// depend on the number of threads.
    #[cfg(feature = "parallel")]
    pub fn count_sessions(
        &mut self,
        index: &Index<'_>,
        records: &[AttendanceRecord],
        record_starts: &[usize],
    ) {
        use rayon::prelude::*;

        let mut courses = Vec::with_capacity(self.starts.len());
        let mut rest = self.learners.as_mut_slice();
        for bounds in self.starts.windows(2) {
            let Some((learners, after)) = rest.split_at_mut_checked(bounds[1] - bounds[0]) else {
                break;
            };
            courses.push(learners);
            rest = after;
        }
        courses
            .into_par_iter()
            .enumerate()
            .for_each(|(course, learners)| {
                let positions = index
                    .course_sessions
                    .get(course)
                    .map_or(&[][..], Vec::as_slice);
                for &position in positions {
                    let start = record_starts.get(position).copied().unwrap_or(0);
                    let end = record_starts.get(position + 1).copied().unwrap_or(start);
                    let session_records = records.get(start..end).unwrap_or_default();
                    let counts = session_records.iter().map(RecordCount::of);
                    count_for_learners(learners, index, position, counts);
                }
            });
    }

    /// Computes the result of every learner who had a place in a course,
    /// ordered by course id and learner id, from the sessions counted.
    pub fn into_results(self, index: &Index<'_>) -> Vec<CourseResult> {
        let mut results = Vec::with_capacity(self.learners.len());
        for (course, bounds) in self.starts.windows(2).enumerate() {
            let schedule = course_schedule(index, course);
            for learner in &self.learners[bounds[0]..bounds[1]] {
                results.push(learner_result(index, course, learner, &schedule));
            }
        }
        results
    }
}

/// A learner with a place in a course, and their counts.
///
/// Counting a session reads every learner of its course, and courses take
/// turns in session order, so these are mostly not in the cache. Each one
/// fills exactly one 64-byte cache line: the learner's id and whether a
/// place is still held are derived from `key` and `places` when needed
/// rather than stored.
#[repr(align(64))]
struct CourseLearner<'i> {
    /// The learner's UUID read big-endian, which orders like the UUID.
    key: u128,
    /// The learner's places in the course.
    places: &'i [Place],
    tally: Tally,
}

impl CourseLearner<'_> {
    fn learner_id(&self) -> LearnerId {
        LearnerId(uuid::Uuid::from_u128(self.key))
    }

    /// Returns whether a place is still held at the evaluation time.
    fn is_active(&self) -> bool {
        self.places.iter().any(Place::is_active)
    }
}

/// The counts of a course's sessions that are the same for all its learners.
struct Schedule {
    /// Sessions not cancelled.
    scheduled: u32,
    /// Sessions not cancelled that ended by the evaluation time.
    held_sessions: u32,
    /// Whether every session not cancelled has ended.
    sessions_ended: bool,
    /// The latest end of a session not cancelled.
    last_end: Option<DateTime<Utc>>,
}

/// Session counts of one learner in one course.
#[derive(Default)]
struct Tally {
    counted: u32,
    attended: u32,
    excused: u32,
    remaining: u32,
    attended_held: u32,
    minutes: u64,
}

/// Counts the sessions of `course` that are the same for all its learners.
fn course_schedule(index: &Index<'_>, course: usize) -> Schedule {
    let mut schedule = Schedule {
        scheduled: 0,
        held_sessions: 0,
        sessions_ended: true,
        last_end: None,
    };
    let positions = index
        .course_sessions
        .get(course)
        .map_or(&[][..], Vec::as_slice);
    for &position in positions {
        let entry = &index.sessions[position];
        if entry.cancelled {
            continue;
        }
        schedule.scheduled += 1;
        schedule.last_end = schedule.last_end.max(Some(entry.windows.ends_at));
        if entry.ended {
            schedule.held_sessions += 1;
        } else {
            schedule.sessions_ended = false;
        }
    }
    schedule
}

/// Counts the session at `position` for `learners`, the learners of its
/// course, from `records`, the session's records ordered by learner. A
/// cancelled session counts for no learner.
fn count_for_learners(
    learners: &mut [CourseLearner<'_>],
    index: &Index<'_>,
    position: usize,
    records: impl Iterator<Item = RecordCount>,
) {
    let Some(entry) = index.sessions.get(position) else {
        return;
    };
    if entry.cancelled {
        return;
    }
    let starts_at = entry.windows.starts_at;
    if !entry.ended {
        for learner in learners.iter_mut() {
            let expected = learner
                .places
                .iter()
                .any(|place| place.is_active() || place.covers(starts_at));
            if expected && !index.is_excused(position, learner.learner_id()) {
                learner.tally.remaining += 1;
            }
        }
        return;
    }

    let mut session_records = records.peekable();
    for learner in learners.iter_mut() {
        while session_records
            .next_if(|record| record.learner < learner.key)
            .is_some()
        {}
        let record = session_records.next_if(|record| record.learner == learner.key);
        let covered = learner.places.iter().any(|place| place.covers(starts_at));
        count_held_session(&mut learner.tally, record, covered);
    }
}

/// Counts one held session for a learner, from their record there (if
/// any) and whether they held a place at its start.
fn count_held_session(tally: &mut Tally, record: Option<RecordCount>, covered: bool) {
    let attended = record.is_some_and(|record| record.status.is_attended());
    if attended {
        tally.attended_held += 1;
    }
    tally.minutes += record.map_or(0, |record| u64::from(record.credited_minutes));
    let attended_enrolled = attended && record.is_some_and(|record| !record.walk_in);
    if !covered && !attended_enrolled {
        return;
    }
    // An excused learner who did not attend leaves the denominator,
    // whether they stayed away or checked in without the required
    // check-out (an incomplete record).
    if !attended && record.is_some_and(|record| record.excused) {
        tally.excused += 1;
        return;
    }
    tally.counted += 1;
    if attended {
        tally.attended += 1;
    }
}

/// Makes the result of one learner from their counts.
fn learner_result(
    index: &Index<'_>,
    course: usize,
    learner: &CourseLearner<'_>,
    schedule: &Schedule,
) -> CourseResult {
    let tally = &learner.tally;
    let places = learner.places;
    let active = learner.is_active();
    let learner = learner.learner_id();
    let sessions_ended = schedule.sessions_ended;
    let last_end = schedule.last_end;

    let details = index.courses[course];
    let course_ended = sessions_ended && schedule.scheduled > 0;
    let rate = Ratio::new(tally.attended, tally.counted);
    let threshold = details.completion_threshold;
    let assessment = assessment_state(index, course, learner, details.assessment_required);

    let mut unmet = Vec::new();
    if !course_ended {
        unmet.push(CompletionGap::CourseNotEnded);
    }
    let kept_to_end = last_end.is_some_and(|end| {
        places
            .iter()
            .any(|place| place.withdrawn_at.is_none_or(|withdrawn| withdrawn >= end))
    });
    if !kept_to_end && !active {
        unmet.push(CompletionGap::Withdrawn);
    }
    match rate {
        None => unmet.push(CompletionGap::NoCountedSessions),
        Some(rate) if !rate.meets(threshold) => unmet.push(CompletionGap::BelowThreshold),
        Some(_) => {}
    }
    match assessment {
        AssessmentState::Missing => unmet.push(CompletionGap::AssessmentMissing),
        AssessmentState::Failed => unmet.push(CompletionGap::AssessmentFailed),
        AssessmentState::Passed | AssessmentState::NotRequired => {}
    }

    let mut warnings = Vec::new();
    if !course_ended && active {
        let policy = &index.policy.warning;
        if tally.counted > 0
            && tally.counted >= policy.min_counted_sessions
            && !policy
                .below_percent
                .is_met_by(u64::from(tally.attended), u64::from(tally.counted))
        {
            warnings.push(AttendanceWarning::LowAttendance);
        }
        let max_attended = u64::from(tally.attended) + u64::from(tally.remaining);
        let max_counted = u64::from(tally.counted) + u64::from(tally.remaining);
        if max_counted > 0 && !threshold.is_met_by(max_attended, max_counted) {
            warnings.push(AttendanceWarning::CannotComplete);
        }
    }

    CourseResult {
        learner_id: learner,
        course_id: details.id,
        counted_sessions: tally.counted,
        attended_sessions: tally.attended,
        excused_sessions: tally.excused,
        remaining_sessions: tally.remaining,
        held_sessions: schedule.held_sessions,
        scheduled_sessions: schedule.scheduled,
        attended_held_sessions: tally.attended_held,
        rate,
        rate_over_held_sessions: Ratio::new(tally.attended_held, schedule.held_sessions),
        rate_over_scheduled_sessions: Ratio::new(tally.attended_held, schedule.scheduled),
        credited_minutes: tally.minutes,
        course_ended,
        completion_threshold: threshold,
        assessment,
        completed: unmet.is_empty(),
        unmet,
        warnings,
    }
}

/// Decides the assessment state of `learner` in `course`: passed when any
/// result is a pass, failed when results exist and none is.
fn assessment_state(
    index: &Index<'_>,
    course: usize,
    learner: LearnerId,
    required: bool,
) -> AssessmentState {
    if !required {
        return AssessmentState::NotRequired;
    }
    let start = index
        .assessments
        .partition_point(|(c, l, _)| (*c, *l) < (course, learner));
    let mut results = index.assessments[start..]
        .iter()
        .take_while(|(c, l, _)| (*c, *l) == (course, learner))
        .peekable();
    if results.peek().is_none() {
        return AssessmentState::Missing;
    }
    if results.any(|(_, _, passed)| *passed) {
        AssessmentState::Passed
    } else {
        AssessmentState::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn course_learner_fills_one_cache_line() {
        assert_eq!(std::mem::size_of::<CourseLearner<'_>>(), 64);
        assert_eq!(std::mem::align_of::<CourseLearner<'_>>(), 64);
    }
}
