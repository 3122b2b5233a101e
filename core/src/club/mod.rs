//! Learning clubs: lifecycle, membership history and the yearly evaluation.
//!
//! A club ([`Club`](crate::model::Club)) goes through the states proposed,
//! registered, active, suspended and dissolved by explicit, dated
//! [`Transition`]s, and only along the allowed edges. Its members are
//! periods of membership ([`ClubMember`](crate::model::ClubMember)) with a
//! role and, for core members, a duty. A [`Roster`] is a club with its
//! membership history and checks the history's rules. Its changes (join,
//! leave, change of role, founder hand-over, lifecycle transitions) are pure
//! functions that return the new history or the problems that reject the
//! change.
//!
//! The rules of the history:
//!
//! - a learner's periods in one club never overlap, and no period ends
//!   before it starts;
//! - from its founding until it is dissolved, a club has exactly one
//!   founder at any time;
//! - the founder role passes only by hand-over, to a learner who is a core
//!   member at that moment, so the founder cannot leave or be removed first;
//! - a former founder who rejoins is an ordinary member.
//!
//! The district community college evaluates each club once a year with a
//! [`Scorecard`]: configurable indicators, targets, weights and rating bands.
//! [`evaluate`] explains each indicator's contribution to the score and
//! computes exactly, with [`Ratio`].

mod evaluation;
mod lifecycle;
mod ratio;
mod roster;
mod scorecard;

pub use evaluation::{
    ActivityCheckIns, AwardSummary, Evaluation, EvaluationInput, IgnoredInput, IndicatorResult,
    evaluate,
};
pub use lifecycle::{RegistrationRules, Transition, TransitionResult};
pub use ratio::Ratio;
pub use roster::{FormerFounderRole, Roster};
pub use scorecard::{
    AwardPoints, Measure, RankPoints, RatingBand, SCORECARD_FORMAT, ScopePoints, Scorecard,
    ScorecardIndicator,
};

/// Codes for club lifecycle, membership and evaluation problems.
pub mod codes {
    crate::define_codes! {
        /// A lifecycle transition that the club's current status does not allow.
        TRANSITION_NOT_ALLOWED = "transition_not_allowed",
            en: "a {status} club cannot {transition}; {transition} is allowed only from {allowed}",
            zh: "处于 {status} 状态的社团不能执行 {transition}；{transition} 仅允许从 {allowed} 状态执行";
        /// Registration without a founder among the members.
        REGISTRATION_NEEDS_FOUNDER = "registration_needs_founder",
            en: "registration needs a founder among the members on {date}; add the founder first",
            zh: "注册要求 {date} 当天成员中有创始人；请先添加创始人";
        /// Registration with too few fixed members.
        REGISTRATION_NEEDS_MEMBERS = "registration_needs_members",
            en: "registration needs at least {min} fixed members including the founder on {date}, found {found}",
            zh: "注册要求 {date} 当天至少有 {min} 名固定成员（含创始人），实际为 {found} 名";
        /// A membership period that overlaps another period of the same learner in the same club.
        MEMBERSHIP_OVERLAP = "membership_overlap",
            en: "learner {learner} is already a member of the club in the period that starts on {joined_on}; end that membership first",
            zh: "学员 {learner} 在自 {joined_on} 起的期间内已是该社团成员；请先结束该成员身份";
        /// A change for a learner who is not a member on the date.
        NOT_A_MEMBER = "not_a_member",
            en: "learner {learner} is not a member of the club on {date}",
            zh: "学员 {learner} 在 {date} 不是该社团成员";
        /// The founder leaving, being removed or changing role without a hand-over.
        FOUNDER_MUST_HAND_OVER = "founder_must_hand_over",
            en: "learner {learner} is the founder and cannot leave, be removed or change role before handing the founder role over to a current core member",
            zh: "学员 {learner} 是创始人，须先将创始人身份移交给一名现任核心成员，才能退出、被移除或变更角色";
        /// A hand-over to a learner who is not a current core member.
        HAND_OVER_NEEDS_CORE_MEMBER = "hand_over_needs_core_member",
            en: "the founder role passes only to a current core member; learner {learner} is {role} on {date}",
            zh: "创始人身份只能移交给现任核心成员；学员 {learner} 在 {date} 的身份为 {role}";
        /// A founder role taken other than at founding or by hand-over.
        FOUNDER_BY_HAND_OVER = "founder_by_hand_over",
            en: "the club already has a founder; the founder role passes only by hand-over from the current founder",
            zh: "该社团已有创始人；创始人身份只能由现任创始人移交";
        /// A former founder rejoining as founder.
        FORMER_FOUNDER_REJOIN = "former_founder_rejoin",
            en: "learner {learner} was a founder of the club until {left_on}; a former founder who rejoins is an ordinary member",
            zh: "学员 {learner} 曾任该社团创始人至 {left_on}；前任创始人重新加入时只能作为普通成员";
        /// A change to a dissolved club.
        CLUB_DISSOLVED = "club_dissolved",
            en: "the club was dissolved on {date}; a dissolved club takes no new members and no changes",
            zh: "该社团已于 {date} 解散；已解散的社团不再接收新成员或变更";
        /// A time while the club exists in which it has no founder.
        FOUNDER_GAP = "founder_gap",
            en: "the club has no founder from {from}; while it exists a club has exactly one founder",
            zh: "该社团自 {from} 起没有创始人；社团存续期间必须有且只有一名创始人";
        /// Two founders at the same time.
        FOUNDER_OVERLAP = "founder_overlap",
            en: "learners {learner} and {other} are both founders on {date}; a club has exactly one founder",
            zh: "学员 {learner} 与 {other} 在 {date} 同为创始人；一个社团只能有一名创始人";
        /// A membership that goes on after the club was dissolved.
        MEMBER_AFTER_DISSOLUTION = "member_after_dissolution",
            en: "the membership of learner {learner} goes on after the club was dissolved on {date}; end it on that day",
            zh: "学员 {learner} 的成员身份在社团于 {date} 解散后仍在持续；请在当天结束";
        /// A membership of another club given with this club.
        MEMBER_OF_OTHER_CLUB = "member_of_other_club",
            en: "this membership belongs to club {value}, not to club {club}",
            zh: "该成员记录属于社团 {value}，而非社团 {club}";
        /// The same item given twice where each must be unique.
        DUPLICATE_ENTRY = "duplicate_entry",
            en: "{field} {value} is given more than once; give each once",
            zh: "{field} {value} 重复出现；每项只能出现一次";
        /// A scorecard document that is not as documented.
        INVALID_SCORECARD = "invalid_scorecard",
            en: "invalid scorecard: {detail}",
            zh: "考评表无效：{detail}";
        /// Scorecard weights that add up to zero.
        SCORECARD_WEIGHTS_ZERO = "scorecard_weights_zero",
            en: "the scorecard weights add up to zero; give at least one indicator a positive weight",
            zh: "考评表权重之和为零；请至少为一个指标设置正权重";
        /// Numbers too large for the exact evaluation.
        EVALUATION_OVERFLOW = "evaluation_overflow",
            en: "the {measure} indicator cannot be computed exactly because its numbers are too large; check the counts, targets and weights",
            zh: "指标 {measure} 的数值过大，无法精确计算；请检查计数、目标值和权重";
    }
}
