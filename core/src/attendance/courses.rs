//! Per learner and course results: counted sessions, rates, completion and
//! early warnings.

use std::ops::Range;

use crate::id::LearnerId;

use super::engine::{Index, Place};
use super::rate::{AssessmentState, AttendanceWarning, CompletionGap, CourseResult, Ratio};
use super::report::AttendanceRecord;

/// Computes the result of every learner who had a place in a course,
/// ordered by course id and learner id.
pub(super) fn course_results(
    index: &Index<'_>,
    records: &[AttendanceRecord],
    session_ranges: &[Range<usize>],
) -> Vec<CourseResult> {
    let mut results = Vec::with_capacity(index.places.iter().map(Vec::len).sum());
    for (course, places) in index.places.iter().enumerate() {
        let mut lookup = RecordCursor::new(records, session_ranges, &index.course_sessions[course]);
        for learner_places in places.chunk_by(|a, b| a.learner == b.learner) {
            let Some(first) = learner_places.first() else {
                continue;
            };
            let result = learner_result(index, course, first.learner, learner_places, &mut lookup);
            results.push(result);
        }
    }
    results
}

/// Finds the records of a course's learners, taken in increasing order,
/// at the course's sessions. The records of each session are ordered by
/// learner, so one cursor per session walks them once.
struct RecordCursor<'r> {
    records: &'r [AttendanceRecord],
    /// The next record to look at, per session of the course.
    cursors: Vec<Range<usize>>,
}

impl<'r> RecordCursor<'r> {
    fn new(
        records: &'r [AttendanceRecord],
        session_ranges: &[Range<usize>],
        sessions: &[usize],
    ) -> Self {
        let cursors = sessions
            .iter()
            .map(|&session| session_ranges.get(session).cloned().unwrap_or_default())
            .collect();
        Self { records, cursors }
    }

    /// Finds the record of `learner` at the course's `nth` session. Learners
    /// must be looked up in increasing order.
    fn find(&mut self, nth: usize, learner: LearnerId) -> Option<&'r AttendanceRecord> {
        let cursor = self.cursors.get_mut(nth)?;
        let key = learner.uuid().as_u128();
        while cursor.start < cursor.end {
            let record = self.records.get(cursor.start)?;
            let found = record.learner_id.uuid().as_u128();
            if found > key {
                return None;
            }
            cursor.start += 1;
            if found == key {
                return Some(record);
            }
        }
        None
    }
}

/// Session counts of one learner in one course.
#[derive(Default)]
struct Tally {
    counted: u32,
    attended: u32,
    excused: u32,
    remaining: u32,
    held: u32,
    scheduled: u32,
    attended_held: u32,
    minutes: u64,
}

fn learner_result(
    index: &Index<'_>,
    course: usize,
    learner: LearnerId,
    places: &[Place],
    lookup: &mut RecordCursor<'_>,
) -> CourseResult {
    let active = places.iter().any(Place::is_active);
    let mut tally = Tally::default();
    let mut sessions_ended = true;
    let mut last_end = None;
    for (nth, &position) in index.course_sessions[course].iter().enumerate() {
        let entry = &index.sessions[position];
        let record = lookup.find(nth, learner);
        if entry.cancelled {
            continue;
        }
        tally.scheduled += 1;
        last_end = last_end.max(Some(entry.windows.ends_at));
        if !entry.ended {
            sessions_ended = false;
            let expected = active
                || places
                    .iter()
                    .any(|place| place.covers(entry.windows.starts_at));
            if expected && !index.is_excused(position, learner) {
                tally.remaining += 1;
            }
            continue;
        }
        tally.held += 1;
        let attended = record.is_some_and(|record| record.status.is_attended());
        if attended {
            tally.attended_held += 1;
        }
        tally.minutes += record.map_or(0, |record| u64::from(record.credited_minutes));
        let covered = places
            .iter()
            .any(|place| place.covers(entry.windows.starts_at));
        let attended_enrolled = attended && record.is_some_and(|record| !record.walk_in);
        if !covered && !attended_enrolled {
            continue;
        }
        // An excused learner who did not attend leaves the denominator,
        // whether they stayed away or checked in without the required
        // check-out (an incomplete record).
        if !attended && record.is_some_and(|record| record.excused) {
            tally.excused += 1;
            continue;
        }
        tally.counted += 1;
        if attended {
            tally.attended += 1;
        }
    }

    let details = index.courses[course];
    let course_ended = sessions_ended && tally.scheduled > 0;
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
        held_sessions: tally.held,
        scheduled_sessions: tally.scheduled,
        attended_held_sessions: tally.attended_held,
        rate,
        rate_over_held_sessions: Ratio::new(tally.attended_held, tally.held),
        rate_over_scheduled_sessions: Ratio::new(tally.attended_held, tally.scheduled),
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
