//! Platform statistics by scope and period, learning-circle coverage, and
//! their link to the learning index and the club scorecard.
//!
//! [`compute_statistics`] counts what the platform reports for one
//! [`Scope`] (the whole platform, a district or street with its venue
//! subtree, one venue, a course, a category or a club) over one [`Period`]
//! of local dates, both days included. It reads a bundle, the attendance
//! engine's report on that bundle and, for credits, optionally a credit
//! ledger, so that every count agrees with the engines on the same data:
//!
//! - registered learners and active learners (attended at least once),
//!   each split by age on the last day of the period;
//! - enrolments, activities held, actual check-ins, instructors who taught;
//! - learning outcomes recorded, credited minutes and hours, credits earned;
//! - clubs, population figures, participation rates and seats per older
//!   resident, as exact [`Rate`]s;
//! - learning-circle coverage: the share of communities whose nearest venue
//!   holding sessions in the period is within N minutes ([`Coverage`]).
//!
//! [`district_index_inputs`] turns the statistics of every district into the
//! units of the default learning index ([`crate::index`]), and
//! [`club_evaluation_input`] turns the attendance report into the input of
//! the yearly club evaluation ([`crate::club::evaluate`]).
//!
//! `docs/statistics.md` defines every figure and how learners, sessions and
//! outcomes belong to a scope.

mod age;
mod compute;
#[cfg(feature = "full-api")]
pub(crate) use compute::report_duplicates;
mod coverage;
mod credits;
mod engine_outcomes;
mod inputs;
mod lookup;
mod outcome_index;
mod period;
mod rate;
mod scope;

pub use age::{AgeGroup, OLDER_AGE, age_group};
pub(crate) use compute::Prepared;
pub use compute::{LearnerCounts, Statistics, StatisticsRequest, compute_statistics};
pub use coverage::{
    CommunityReach, Coverage, CoverageSettings, DEFAULT_METRES_PER_MINUTE, DEFAULT_WITHIN_MINUTES,
    MAX_METRES_PER_MINUTE, MAX_WITHIN_MINUTES, ReachStatus, TravelSource, TravelTime,
};
pub use credits::RuleSetCredits;
pub(crate) use engine_outcomes::SeasonOutcomes;
pub(crate) use inputs::district_units;
pub use inputs::{club_activity_check_ins, club_evaluation_input, district_index_inputs};
pub use period::Period;
pub use rate::Rate;
pub use scope::Scope;

/// Codes for statistics requests and their inputs.
pub mod codes {
    crate::define_codes! {
        /// A scope that names a venue, course, category or club the bundle does not have.
        SCOPE_NOT_FOUND = "scope_not_found",
            en: "{kind} \"{value}\" of the scope is not in the bundle; name a {kind} that the bundle has",
            zh: "统计范围中的 {kind}“{value}”不在数据包中；请指定数据包中已有的 {kind}";
        /// A district or street scope whose venue is of another tier.
        SCOPE_TIER_MISMATCH = "scope_tier_mismatch",
            en: "venue {value} is a {tier} venue and cannot be a {kind} scope; name a {kind} venue, or use a venue scope for it",
            zh: "场所 {value} 的级别为 {tier}，不能作为 {kind} 统计范围；请指定 {kind} 级场所，或对该场所使用 venue 统计范围";
        /// An attendance report that refers to a session the bundle does not have.
        ATTENDANCE_NOT_FROM_BUNDLE = "attendance_not_from_bundle",
            en: "the attendance report names session {value}, which is not in the bundle; evaluate attendance on the same bundle",
            zh: "考勤结果中的课次 {value} 不在数据包中；请对同一数据包评估考勤";
    }
}
