//! Enrolment: who may take a course, and who gets its places.
//!
//! [`check_eligibility`] measures a learner against a course's rules (age
//! limits on a stated date, audience, residence) and names every rule that
//! failed. A [`Roster`] is the state machine of one course's places: it
//! reads and writes [`Enrolment`](crate::model::Enrolment) records, applies
//! enrolments, group bookings, withdrawals and capacity changes at the
//! times they happen, keeps a first-come first-served waiting list, and
//! records the history of every enrolment. Confirmed places never exceed
//! the capacity.

mod eligibility;
mod roster;

pub use eligibility::{
    AgeRange, DEFAULT_CHILD_MAX_AGE, DEFAULT_OLDER_MIN_AGE, EligibilityRules, LeapDayBirthday,
    Verdict, age_on, check_eligibility, course_has_age_rules, course_is_restricted,
    first_session_date,
};
pub use roster::{
    Command, Eligibility, Entry, Event, Everyone, Overflow, Roster, StaleReason, Transition,
    TransitionReason,
};

/// Codes for eligibility rules and enrolment operations.
pub mod codes {
    crate::define_codes! {
        /// A learner younger than the course's minimum age on the measuring date.
        BELOW_MIN_AGE = "below_min_age",
            en: "the learner is {age} on {measured_on}, younger than the minimum age {limit}",
            zh: "学员在 {measured_on} 为 {age} 周岁，低于最低年龄 {limit} 周岁";
        /// A learner older than the course's maximum age on the measuring date.
        ABOVE_MAX_AGE = "above_max_age",
            en: "the learner is {age} on {measured_on}, older than the maximum age {limit}",
            zh: "学员在 {measured_on} 为 {age} 周岁，超过最高年龄 {limit} 周岁";
        /// A learner too young for a course for older residents.
        NOT_OLDER_RESIDENT = "not_older_resident",
            en: "the course is for older residents aged {limit} or more, and the learner is {age} on {measured_on}",
            zh: "该课程面向 {limit} 周岁及以上的老年居民，学员在 {measured_on} 为 {age} 周岁";
        /// A learner too old for a course for children.
        NOT_A_CHILD = "not_a_child",
            en: "the course is for children aged {limit} or less, and the learner is {age} on {measured_on}",
            zh: "该课程面向 {limit} 周岁及以下的儿童，学员在 {measured_on} 为 {age} 周岁";
        /// An age rule that a birth year alone cannot decide, counted as failed; `min` is null when the learner may not be born yet.
        AGE_UNDETERMINED = "age_undetermined",
            en: "only the birth year {year} is known, which does not decide the {rule} rule on {measured_on}; give the full birth date",
            zh: "仅知出生年份 {year}，无法判断学员在 {measured_on} 是否符合 {rule} 规则；请提供完整出生日期";
        /// A course with age rules and a learner without a birth date.
        BIRTH_DATE_MISSING = "birth_date_missing",
            en: "the course has age rules and learner {learner_id} has no birth_date; give the birth date",
            zh: "该课程有年龄限制，学员 {learner_id} 未填写 birth_date；请提供出生日期";
        /// A birth date after the date ages are measured on.
        BIRTH_AFTER_MEASURING_DATE = "birth_after_measuring_date",
            en: "birth date {value} is after the measuring date {measured_on}; check the birth date",
            zh: "出生日期 {value} 晚于年龄计算日 {measured_on}；请核对出生日期";
        /// A residents-only course and a learner without a home venue.
        HOME_VENUE_MISSING = "home_venue_missing",
            en: "the course is for residents only and learner {learner_id} has no home_venue_id; give the learner's home community",
            zh: "该课程仅限本区域居民，学员 {learner_id} 未填写 home_venue_id；请提供学员所在社区";
        /// A learner whose home venue lies outside the provider venue's area.
        NOT_RESIDENT = "not_resident",
            en: "home venue {home_venue_id} is not within the area of the course's provider venue {provider_venue_id}",
            zh: "居住地场所 {home_venue_id} 不在课程开设场所 {provider_venue_id} 的服务范围内";
        /// A home venue whose place in the venue tree is not known.
        RESIDENCE_UNDETERMINED = "residence_undetermined",
            en: "venue {venue_id} on the way up from home venue {home_venue_id} is not among the venues given, so residence cannot be checked; include the venues with their parents",
            zh: "从居住地场所 {home_venue_id} 向上查找时，场所 {venue_id} 不在所给场所中，无法判断居住地；请提供场所及其上级";
        /// No date to measure ages on: no stated date and no scheduled session.
        MEASURING_DATE_UNKNOWN = "measuring_date_unknown",
            en: "the course has no scheduled session to measure ages on; give options.on",
            zh: "课程没有已安排的课次可用于计算年龄；请在 options.on 中指定日期";
        /// A learner named by an operation but missing from the learners given.
        LEARNER_UNKNOWN = "learner_unknown",
            en: "learner {learner_id} is not among the learners given, so the course's rules cannot be checked; include the learner",
            zh: "学员 {learner_id} 不在所给学员中，无法核对课程要求；请提供该学员";
        /// An enrolment request before enrolment opens.
        ENROLMENT_NOT_OPEN = "enrolment_not_open",
            en: "enrolment opens at {opens_at}; the request at {at} is too early",
            zh: "报名于 {opens_at} 开始；{at} 的报名过早";
        /// An enrolment request at or after the time enrolment closes.
        ENROLMENT_CLOSED = "enrolment_closed",
            en: "enrolment closed at {closes_at}; the request at {at} is too late",
            zh: "报名已于 {closes_at} 截止；{at} 的报名过晚";
        /// A learner who fails the course's rules.
        NOT_ELIGIBLE = "not_eligible",
            en: "learner {learner_id} is not eligible: {rules}",
            zh: "学员 {learner_id} 不符合报名条件：{rules}";
        /// A learner listed twice in one group booking.
        DUPLICATE_IN_GROUP = "duplicate_in_group",
            en: "learner {learner_id} appears twice in the group booking; list each learner once",
            zh: "学员 {learner_id} 在同一团体报名中出现两次；每位学员只列一次";
        /// A withdrawal of a learner who holds no place and is not waiting.
        NOT_ENROLLED = "not_enrolled",
            en: "learner {learner_id} holds no place and is not waiting in this course",
            zh: "学员 {learner_id} 在本课程中既无名额也不在候补名单中";
        /// A capacity below the confirmed places, with overflow set to reject.
        CAPACITY_BELOW_CONFIRMED = "capacity_below_confirmed",
            en: "capacity {capacity} is below the {confirmed} confirmed places; withdraw learners first or set overflow to demote_latest",
            zh: "名额 {capacity} 少于已确认的 {confirmed} 个名额；请先办理退课，或将 overflow 设为 demote_latest";
        /// An operation dated before the roster's last change.
        OPERATION_OUT_OF_ORDER = "operation_out_of_order",
            en: "the operation at {at} is earlier than the last change at {last}; apply operations in time order",
            zh: "{at} 的操作早于最近一次变更 {last}；请按时间顺序执行操作";
        /// An enrolment record of another course.
        ENROLMENT_WRONG_COURSE = "enrolment_wrong_course",
            en: "the enrolment is for course {value}, not for course {course_id}",
            zh: "该报名属于课程 {value}，而非课程 {course_id}";
        /// Two enrolment records with one id.
        DUPLICATE_ENROLMENT_ID = "duplicate_enrolment_id",
            en: "enrolment id {value} is used twice",
            zh: "报名 id {value} 重复出现";
        /// A learner with two confirmed enrolment records in one course.
        DUPLICATE_CONFIRMED_PLACE = "duplicate_confirmed_place",
            en: "learner {learner_id} already holds a confirmed place through enrolment {other_id}, so enrolment {value} confirms a second one; withdraw one of the two records",
            zh: "学员 {learner_id} 已通过报名 {other_id} 获得确认名额，报名 {value} 又确认了第二个名额；请退掉其中一条记录";
        /// Records that confirm more places than the course has.
        CAPACITY_EXCEEDED = "capacity_exceeded",
            en: "the records confirm {confirmed} places but the course has {capacity}; raise the capacity or withdraw learners",
            zh: "记录中已确认 {confirmed} 个名额，但课程只有 {capacity} 个；请增加名额或办理退课";
    }
}
