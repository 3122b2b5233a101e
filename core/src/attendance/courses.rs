//! Per learner and course results: counted sessions, rates, completion and
//! early warnings.

use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::id::LearnerId;

use super::engine::{Index, Place};
use super::rate::{AssessmentState, AttendanceWarning, CompletionGap, CourseResult, Ratio};
use super::report::AttendanceRecord;

/// Computes the result of every learner who had a place in a course,
/// ordered by course id and learner id.
///
/// Each course's sessions are taken one at a time, and the records of a
/// session (ordered by learner) are walked once beside the course's
/// learners, so records are read in the order they were written.
pub(super) fn course_results(
    index: &Index<'_>,
    records: &[AttendanceRecord],
    session_ranges: &[Range<usize>],
) -> Vec<CourseResult> {
    let mut results = Vec::with_capacity(index.places.iter().map(Vec::len).sum());
    let mut learners: Vec<CourseLearner<'_>> = Vec::new();
    for (course, places) in index.places.iter().enumerate() {
        learners.clear();
        learners.extend(
            places
                .chunk_by(|a, b| a.learner == b.learner)
                .filter_map(|places| {
                    let first = places.first()?;
                    Some(CourseLearner {
                        key: first.learner.uuid().as_u128(),
                        learner: first.learner,
                        places,
                        active: places.iter().any(Place::is_active),
                        tally: Tally::default(),
                    })
                }),
        );
        let schedule = tally_sessions(index, course, records, session_ranges, &mut learners);
        for learner in &learners {
            results.push(learner_result(index, course, learner, &schedule));
        }
    }
    results
}

/// A learner with a place in the course being computed, and their counts.
struct CourseLearner<'i> {
    /// The learner's UUID read big-endian, which orders like the UUID.
    key: u128,
    learner: LearnerId,
    /// The learner's places in the course.
    places: &'i [Place],
    /// Whether a place is still held at the evaluation time.
    active: bool,
    tally: Tally,
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

/// Counts the sessions of `course` for each of its `learners` (ordered
/// by key), and returns what the sessions have in common.
fn tally_sessions(
    index: &Index<'_>,
    course: usize,
    records: &[AttendanceRecord],
    session_ranges: &[Range<usize>],
    learners: &mut [CourseLearner<'_>],
) -> Schedule {
    let mut schedule = Schedule {
        scheduled: 0,
        held_sessions: 0,
        sessions_ended: true,
        last_end: None,
    };
    for &position in &index.course_sessions[course] {
        let entry = &index.sessions[position];
        if entry.cancelled {
            continue;
        }
        schedule.scheduled += 1;
        schedule.last_end = schedule.last_end.max(Some(entry.windows.ends_at));
        let starts_at = entry.windows.starts_at;
        if !entry.ended {
            schedule.sessions_ended = false;
            for learner in learners.iter_mut() {
                let expected =
                    learner.active || learner.places.iter().any(|place| place.covers(starts_at));
                if expected && !index.is_excused(position, learner.learner) {
                    learner.tally.remaining += 1;
                }
            }
            continue;
        }
        schedule.held_sessions += 1;

        let range = session_ranges.get(position).cloned().unwrap_or_default();
        let mut session_records = records.get(range).unwrap_or_default().iter().peekable();
        for learner in learners.iter_mut() {
            while session_records
                .next_if(|record| record.learner_id.uuid().as_u128() < learner.key)
                .is_some()
            {}
            let record = session_records.next_if(|record| record.learner_id == learner.learner);
            let covered = learner.places.iter().any(|place| place.covers(starts_at));
            count_held_session(&mut learner.tally, record, covered);
        }
    }
    schedule
}

/// Counts one held session for a learner, from their record there (if
/// any) and whether they held a place at its start.
fn count_held_session(tally: &mut Tally, record: Option<&AttendanceRecord>, covered: bool) {
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
    let active = learner.active;
    let learner = learner.learner;
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
