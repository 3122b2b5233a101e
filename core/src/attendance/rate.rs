//! Attendance rates as exact ratios, course results, completion and early
//! warnings.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::decimal::Percent;
use crate::id::{CourseId, LearnerId};
use crate::model::{Outcome, OutcomeKind};

/// An exact ratio of sessions, such as 4 attended of 5 counted.
///
/// Decisions compare the exact ratio; [`Ratio::percent_text`] rounds only
/// for display. Written in JSON as
/// `{"numerator": 4, "denominator": 5, "percent": "80.0"}`.
///
/// # Example
///
/// ```
/// use xuetong::attendance::Ratio;
/// use xuetong::decimal::Percent;
///
/// let rate = Ratio::new(39, 49).unwrap();
/// assert_eq!(rate.percent_text(), "79.5");
/// assert!(!rate.meets(Percent::whole(80)));
/// assert!(Ratio::new(4, 5).unwrap().meets(Percent::whole(80)));
/// assert_eq!(Ratio::new(0, 0), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: u32,
    denominator: u32,
}

impl Ratio {
    /// Makes the ratio `numerator / denominator`, or returns `None` when the
    /// denominator is zero (nothing counts) or the numerator exceeds it.
    pub fn new(numerator: u32, denominator: u32) -> Option<Self> {
        (denominator > 0 && numerator <= denominator).then_some(Self {
            numerator,
            denominator,
        })
    }

    /// Returns the numerator.
    pub fn numerator(self) -> u32 {
        self.numerator
    }

    /// Returns the denominator, never zero.
    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// Returns whether the ratio is at least `threshold`, compared exactly.
    pub fn meets(self, threshold: Percent) -> bool {
        threshold.is_met_by(u64::from(self.numerator), u64::from(self.denominator))
    }

    /// Formats the percentage rounded down to one decimal, such as `"79.5"`
    /// for 39 / 49 (79.59 %), for display only.
    pub fn percent_text(self) -> String {
        let tenths = u64::from(self.numerator) * 1000 / u64::from(self.denominator);
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Ratio", 3)?;
        state.serialize_field("numerator", &self.numerator)?;
        state.serialize_field("denominator", &self.denominator)?;
        state.serialize_field("percent", &self.percent_text())?;
        state.end()
    }
}

/// The result of a learner's assessment in a course, given to the engine as
/// input (the engine does not grade assessments).
///
/// A learner with several results for one course (a retake) has passed when
/// any of them passed. Bundles and the operation API give assessments as
/// learning outcomes of kind `assessment`; [`AssessmentResult::from_outcomes`]
/// picks them out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AssessmentResult {
    /// The learner assessed.
    pub learner_id: LearnerId,
    /// The course.
    pub course_id: CourseId,
    /// Whether the learner passed.
    pub passed: bool,
}

impl AssessmentResult {
    /// Picks the assessment results among `outcomes`: every outcome of kind
    /// `assessment` with a course and a pass or fail.
    ///
    /// # Example
    ///
    /// ```
    /// use xuetong::attendance::AssessmentResult;
    /// use xuetong::model::Outcome;
    /// use xuetong::problem::Path;
    /// use xuetong::record::Record;
    ///
    /// let outcome = Outcome::from_json(&serde_json::json!({
    ///     "id": "90000000-0000-4000-8000-000000000009",
    ///     "learner_id": "20000000-0000-4000-8000-000000000001",
    ///     "kind": "assessment",
    ///     "occurred_on": "2026-03-30",
    ///     "course_id": "40000000-0000-4000-8000-000000000002",
    ///     "passed": true,
    /// }), &Path::root()).unwrap();
    /// let results = AssessmentResult::from_outcomes(&[outcome]);
    /// assert!(results[0].passed);
    /// ```
    pub fn from_outcomes(outcomes: &[Outcome]) -> Vec<Self> {
        outcomes
            .iter()
            .filter(|outcome| outcome.kind == OutcomeKind::Assessment)
            .filter_map(|outcome| {
                Some(Self {
                    learner_id: outcome.learner_id,
                    course_id: outcome.course_id?,
                    passed: outcome.details().passed?,
                })
            })
            .collect()
    }
}

crate::text_enum! {
    /// The state of a learner's assessment in a course.
    pub enum AssessmentState {
        /// The course requires no assessment.
        NotRequired = "not_required",
        /// At least one result is a pass.
        Passed = "passed",
        /// Every result given is a fail.
        Failed = "failed",
        /// The course requires an assessment and no result is given.
        Missing = "missing",
    }
}

crate::text_enum! {
    /// A condition of completion that a learner does not meet.
    pub enum CompletionGap {
        /// The course has sessions that have not ended, or none at all.
        CourseNotEnded = "course_not_ended",
        /// The learner withdrew before the course's last session ended.
        Withdrawn = "withdrawn",
        /// No session counts for the learner, so there is no rate.
        NoCountedSessions = "no_counted_sessions",
        /// The rate is below the course's completion threshold.
        BelowThreshold = "below_threshold",
        /// The course requires an assessment and no result is given.
        AssessmentMissing = "assessment_missing",
        /// The course requires an assessment and the learner did not pass.
        AssessmentFailed = "assessment_failed",
    }
}

crate::text_enum! {
    /// An early warning about a learner's attendance in a course that has
    /// not ended.
    pub enum AttendanceWarning {
        /// The rate is below the policy's warning percentage after the
        /// policy's minimum number of counted sessions.
        LowAttendance = "low_attendance",
        /// Attending every remaining session would still leave the rate
        /// below the completion threshold.
        CannotComplete = "cannot_complete",
    }
}

/// One learner's attendance in one course they hold or held a place in.
///
/// Counted sessions are those held (not cancelled, ended by the evaluation
/// time) while the learner had a place, from `confirmed_at` until
/// `withdrawn_at`. Sessions the learner attended as an enrolled learner
/// count too, and sessions the learner was excused from and did not attend
/// do not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CourseResult {
    /// The learner.
    pub learner_id: LearnerId,
    /// The course.
    pub course_id: CourseId,
    /// Sessions that count for the learner's rate.
    pub counted_sessions: u32,
    /// Counted sessions the learner attended.
    pub attended_sessions: u32,
    /// Held sessions the learner held a place at and was excused from
    /// without attending; they leave the denominator.
    pub excused_sessions: u32,
    /// Sessions not yet ended that the learner is expected at: the most
    /// that can still be attended.
    pub remaining_sessions: u32,
    /// Sessions of the course held by the evaluation time.
    pub held_sessions: u32,
    /// Sessions of the course that are not cancelled, held or not.
    pub scheduled_sessions: u32,
    /// Held sessions of the course the learner attended, whether or not
    /// they count (a walk-in before enrolling, for example).
    pub attended_held_sessions: u32,
    /// The attendance rate: attended / counted sessions; `None` when no
    /// session counts. Completion and warnings use this rate.
    pub rate: Option<Ratio>,
    /// Attended held sessions / all held sessions of the course, counted
    /// from the course's first session whenever the learner enrolled.
    pub rate_over_held_sessions: Option<Ratio>,
    /// Attended held sessions / all sessions of the course that are not
    /// cancelled, including those not yet held.
    pub rate_over_scheduled_sessions: Option<Ratio>,
    /// The minutes credited by the learner's final records in the course.
    pub credited_minutes: u64,
    /// Whether every session of the course that is not cancelled has ended
    /// (and there is at least one).
    pub course_ended: bool,
    /// The completion threshold of the course.
    pub completion_threshold: Percent,
    /// The state of the learner's assessment in the course.
    pub assessment: AssessmentState,
    /// Whether the learner completed the course.
    pub completed: bool,
    /// The conditions of completion not met; empty when completed.
    pub unmet: Vec<CompletionGap>,
    /// Early warnings, only while the course runs and the learner has a
    /// place.
    pub warnings: Vec<AttendanceWarning>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_rounds_down() {
        assert_eq!(Ratio::new(2, 3).unwrap().percent_text(), "66.6");
        assert_eq!(Ratio::new(1, 1).unwrap().percent_text(), "100.0");
        assert_eq!(Ratio::new(0, 7).unwrap().percent_text(), "0.0");
        assert_eq!(Ratio::new(799, 1000).unwrap().percent_text(), "79.9");
        assert_eq!(Ratio::new(7999, 10000).unwrap().percent_text(), "79.9");
    }

    #[test]
    fn decisions_use_exact_ratio() {
        let threshold = Percent::whole(80);
        let just_below = Ratio::new(7999, 10000).unwrap();
        assert!(!just_below.meets(threshold));
        assert!(Ratio::new(8, 10).unwrap().meets(threshold));
        assert!(!Ratio::new(39, 49).unwrap().meets(threshold));
    }

    #[test]
    fn ratio_never_above_one() {
        assert_eq!(Ratio::new(6, 5), None);
        assert_eq!(Ratio::new(1, 0), None);
    }

    #[test]
    fn ratio_json_names_its_parts() {
        let json = serde_json::to_value(Ratio::new(4, 5).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"numerator": 4, "denominator": 5, "percent": "80.0"})
        );
    }
}
