//! The domain model: the records a season is made of.
//!
//! Every record here is an input: it has a flat JSON form and a CSV row with
//! the same field names (see [`crate::record`]), and `validate()` returns all
//! of its problems. Records refer to each other by typed UUIDs
//! ([`crate::id`]); whether a referenced record exists is checked where the
//! records meet, in a bundle ([`crate::bundle`]) or an operation.

mod category;
mod club;
mod common;
mod course;
mod enrolment;
mod excusal;
mod instructor;
mod learner;
mod outcome;
mod scan;
mod session;
pub(crate) mod short_text;
mod venue;

pub use category::{Category, CategoryDef, Taxonomy};
pub use club::{Club, ClubMember, ClubStatus, CoreDuty, MemberRole};
pub use common::{BirthDate, GeoPoint, SourceRef};
pub use course::{Audience, Course, DEFAULT_COMPLETION_THRESHOLD, MAX_AGE, NetworkLevel};
pub use enrolment::{Enrolment, EnrolmentStatus, GroupBooking, GroupMode};
pub use excusal::Excusal;
pub use instructor::Instructor;
pub use learner::Learner;
pub use outcome::{
    AwardRank, AwardScope, Outcome, OutcomeDetails, OutcomeKind, OutcomeSource, Role,
};
pub use scan::{Scan, ScanDirection, ScanMethod, ScanOrigin};
pub use session::{AmbiguousTime, ClubActivityKind, Session, SessionOwner, SessionStatus};
pub use short_text::{ShortStr, ShortText};
pub use venue::{Venue, VenueTier};

crate::record_serde!(
    Learner,
    Venue,
    Instructor,
    Course,
    Session,
    Enrolment,
    Scan,
    Excusal,
    Outcome,
    Club,
    ClubMember,
    CategoryDef
);

/// Codes for rules between the fields of one record.
pub mod codes {
    crate::define_codes! {
        /// Only one of `source_system` and `source_key` is given.
        INCOMPLETE_SOURCE = "incomplete_source",
            en: "{field} is required when the other source field is given; give source_system and source_key together",
            zh: "已填写另一来源字段时必须填写 {field}；source_system 与 source_key 须同时填写";
        /// The `id` is not the one derived from the record's source.
        ID_NOT_DERIVED = "id_not_derived",
            en: "id {value} does not match the id derived from source_system and source_key ({expected}); leave id empty to derive it",
            zh: "id {value} 与由 source_system 和 source_key 推导出的 id（{expected}）不一致；留空即可自动推导";
        /// A minimum greater than the matching maximum.
        RANGE_INVERTED = "range_inverted",
            en: "{field} ({value}) must not be greater than {other_field} ({other_value})",
            zh: "{field}（{value}）不能大于 {other_field}（{other_value}）";
        /// An interval that ends before it starts.
        ENDS_BEFORE_START = "ends_before_start",
            en: "{field} ({value}) must not be before {other_field} ({other_value})",
            zh: "{field}（{value}）不能早于 {other_field}（{other_value}）";
        /// A category key that is not snake_case.
        INVALID_CATEGORY_KEY = "invalid_category_key",
            en: "{field} must be a category key in lowercase letters, digits and underscores, such as tai_chi, got \"{value}\"",
            zh: "{field} 应为由小写字母、数字和下划线组成的类别代码（例如 tai_chi），实际为“{value}”";
        /// A category key that is neither built in nor defined by the input.
        UNKNOWN_CATEGORY = "unknown_category",
            en: "category \"{value}\" is not in the taxonomy; use a built-in category or define it in categories",
            zh: "类别“{value}”不在分类表中；请使用内置类别或在 categories 中定义";
        /// A session that names both a course and a club, or neither.
        SESSION_OWNER = "session_owner",
            en: "a session belongs to exactly one course or club: give course_id or club_id, not both",
            zh: "课次必须且只能属于一门课程或一个社团：course_id 与 club_id 只填其一";
        /// A field that the record's kind does not use.
        FIELD_NOT_APPLICABLE = "field_not_applicable",
            en: "{field} does not apply to {kind}; remove it",
            zh: "{field} 不适用于 {kind}，请删除";
        /// A field that the record's kind needs.
        REQUIRED_FOR_KIND = "required_for_kind",
            en: "{field} is required for {kind}",
            zh: "{kind} 必须填写 {field}";
        /// A venue that names itself as its parent.
        PARENT_IS_SELF = "parent_is_self",
            en: "parent_id must name another venue, not the venue itself",
            zh: "parent_id 须为另一场所，不能是场所本身";
        /// A status that needs a date or time that is missing, or has one it must not have.
        STATUS_MISMATCH = "status_mismatch",
            en: "{field} must be given exactly when status is {status}",
            zh: "当且仅当状态为 {status} 时须填写 {field}";
    }
}
