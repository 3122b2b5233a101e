use std::borrow::Cow;
use std::sync::Arc;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::attendance::{KEY_CAPACITY, OUTCOME_SOURCE_SYSTEM, push_source_key};
use crate::id::{ClubId, CourseId, LearnerId, OutcomeId, SessionId};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::category::Category;
use super::codes;
use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

crate::text_enum! {
    /// What kind of learning outcome a record is (学习成果).
    pub enum OutcomeKind {
        /// Minutes attended in a course.
        Attendance = "attendance",
        /// A course completed.
        CourseCompletion = "course_completion",
        /// A vocational or other certificate obtained.
        Certificate = "certificate",
        /// An award won, alone or as a team.
        Award = "award",
        /// Volunteer service given.
        VolunteerService = "volunteer_service",
        /// Minutes taught as an instructor.
        Teaching = "teaching",
        /// Minutes of online learning on one resource.
        OnlineLearning = "online_learning",
        /// Minutes taken part in club activities.
        ClubActivity = "club_activity",
        /// An assessment of a course taken, passed or not.
        Assessment = "assessment",
    }
}

crate::text_enum! {
    /// In which capacity the person earned the outcome.
    pub enum Role {
        /// As a learner.
        Learner = "learner",
        /// As an instructor.
        Instructor = "instructor",
    }
}

crate::text_enum! {
    /// The level of the body that gave an award.
    pub enum AwardScope {
        /// National.
        National = "national",
        /// Provincial.
        Provincial = "provincial",
        /// City.
        City = "city",
        /// District.
        District = "district",
    }
}

crate::text_enum! {
    /// The rank of an award.
    pub enum AwardRank {
        /// Special prize (特等奖).
        Special = "special",
        /// First prize.
        First = "first",
        /// Second prize.
        Second = "second",
        /// Third prize.
        Third = "third",
    }
}

/// The highest (least advanced) vocational qualification level; level 1 is
/// the most advanced.
pub const LOWEST_CERTIFICATE_LEVEL: u8 = 5;

/// The highest assessment score.
pub const MAX_SCORE: u8 = 100;

/// A recorded learning outcome: what a learner did or achieved, which credit
/// rules turn into credits.
///
/// The record is flat in every serialized form. Which of the optional fields
/// are required depends on `kind` (see [`Outcome::required_fields`]), and
/// fields of other kinds are rejected. In memory, the fields that only some
/// kinds use live in [`OutcomeDetails`] behind one pointer, so that the
/// common outcomes (attendance, completion, club activity) stay small.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The outcome's id.
    pub id: OutcomeId,
    /// The system and key the record was imported from, or, for an outcome
    /// made from attendance, the subject of a key written with this
    /// outcome's `kind` and `learner_id` (see [`Outcome::source_ref`]).
    pub source: Option<OutcomeSource>,
    /// Who earned the outcome.
    pub learner_id: LearnerId,
    /// What kind of outcome it is.
    pub kind: OutcomeKind,
    /// The local date on which it happened.
    pub occurred_on: NaiveDate,
    /// The date it was recorded, when later than `occurred_on`.
    pub recorded_on: Option<NaiveDate>,
    /// In which capacity; `instructor` for teaching, `learner` otherwise by
    /// default.
    pub role: Role,
    /// Minutes attended, served, taught or studied.
    pub minutes: Option<u32>,
    /// The course it concerns.
    pub course_id: Option<CourseId>,
    /// The club it concerns.
    pub club_id: Option<ClubId>,
    /// The session it concerns.
    pub session_id: Option<SessionId>,
    /// Whether the result was carried over from an earlier run and so has
    /// been credited before.
    pub banked: bool,
    /// The fields of certificates, awards, online learning and assessments,
    /// and the category and description. `None` reads as every one of them
    /// empty. Read them with [`Outcome::details`] and set them with
    /// [`Outcome::details_mut`]. Shared, because a season copies the
    /// bundle's own outcomes into its list, and the copies then point to the
    /// same details instead of holding their own.
    pub details: Option<Arc<OutcomeDetails>>,
}

/// The source of an [`Outcome`]: a [`SourceRef`] as records have, or the
/// subject that, with the outcome's kind and learner, makes the key of an
/// outcome made from attendance.
///
/// A season makes about one outcome per attendance record, and a key
/// written out as text takes 84 bytes of heap each, so the outcomes that
/// [`crate::attendance::attendance_outcomes`] makes keep only the subject
/// and write the key when it is read ([`Outcome::source_key`]). The kind
/// and learner of that key are the outcome's own fields, so the source does
/// not hold them a second time. A given source is boxed, because few
/// outcomes have one. Read an outcome's source as text with
/// [`Outcome::source_ref`], which is what every serialized form writes.
///
/// The type has no equality and no serde form of its own, because the key
/// of an `Attendance` source needs the outcome's kind and learner. Compare
/// outcomes, or the [`SourceRef`]s that [`Outcome::source_ref`] returns.
#[derive(Clone, Debug)]
pub enum OutcomeSource {
    /// A source given with the record, or set by the caller.
    Given(Box<SourceRef>),
    /// An outcome made from attendance: the system is
    /// [`OUTCOME_SOURCE_SYSTEM`] and the key is
    /// `{kind}:{learner_id}:{subject}`, with the outcome's kind and learner
    /// and the UUIDs in lowercase hyphenated form. Changing the outcome's
    /// `kind` or `learner_id` changes its key too, but not its `id`, which
    /// was derived from the key when the outcome was made.
    Attendance {
        /// The session of an outcome of one attendance record, the course
        /// or club of a sum over several, or the completed course.
        subject: Uuid,
    },
}

impl OutcomeSource {
    /// Returns the system the outcome came from.
    pub fn system(&self) -> &str {
        match self {
            Self::Given(source) => &source.system,
            Self::Attendance { .. } => OUTCOME_SOURCE_SYSTEM,
        }
    }
}

impl From<SourceRef> for OutcomeSource {
    fn from(source: SourceRef) -> Self {
        Self::Given(Box::new(source))
    }
}

/// The fields of an [`Outcome`] that most outcomes leave empty.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutcomeDetails {
    /// The category, when it is not the course's.
    pub category: Option<Category>,
    /// A short description, such as the name of an award.
    pub title: Option<String>,
    /// The certificate's code; one certificate code is credited once.
    pub certificate_code: Option<String>,
    /// The vocational qualification level, from 1 (highest) to 5.
    pub certificate_level: Option<u8>,
    /// The level of the body that gave the award.
    pub award_scope: Option<AwardScope>,
    /// The rank of the award.
    pub award_rank: Option<AwardRank>,
    /// Whether the award went to a team (each named member gets a record).
    pub team: bool,
    /// The online resource studied.
    pub resource_id: Option<String>,
    /// A reference to the evidence, such as a certificate number or file name.
    pub evidence: Option<String>,
    /// An assessment's score, from 0 to 100.
    pub score: Option<u8>,
    /// Whether an assessment was passed.
    pub passed: Option<bool>,
}

impl OutcomeDetails {
    /// Details with every field empty.
    pub const EMPTY: Self = Self {
        category: None,
        title: None,
        certificate_code: None,
        certificate_level: None,
        award_scope: None,
        award_rank: None,
        team: false,
        resource_id: None,
        evidence: None,
        score: None,
        passed: None,
    };

    /// Returns whether every field is empty.
    pub fn is_empty(&self) -> bool {
        *self == Self::EMPTY
    }

    /// Moves the details into an [`Arc`] for [`Outcome::details`], or
    /// returns `None` when every field is empty, which needs no allocation.
    pub fn into_shared(self) -> Option<Arc<Self>> {
        (!self.is_empty()).then(|| Arc::new(self))
    }
}

static EMPTY_DETAILS: OutcomeDetails = OutcomeDetails::EMPTY;

/// Two outcomes are equal when their fields are, whether empty details are
/// allocated or `None`, and with sources compared as system and key text.
impl PartialEq for Outcome {
    fn eq(&self, other: &Self) -> bool {
        let Self {
            id,
            source: _,
            learner_id,
            kind,
            occurred_on,
            recorded_on,
            role,
            minutes,
            course_id,
            club_id,
            session_id,
            banked,
            details: _,
        } = self;
        *id == other.id
            && self.same_source(other)
            && *learner_id == other.learner_id
            && *kind == other.kind
            && *occurred_on == other.occurred_on
            && *recorded_on == other.recorded_on
            && *role == other.role
            && *minutes == other.minutes
            && *course_id == other.course_id
            && *club_id == other.club_id
            && *session_id == other.session_id
            && *banked == other.banked
            && self.details() == other.details()
    }
}

impl Outcome {
    /// Returns the source as a [`SourceRef`], borrowed when it is one and
    /// written out for an outcome made from attendance.
    pub fn source_ref(&self) -> Option<Cow<'_, SourceRef>> {
        let source = self.source.as_ref()?;
        Some(match source {
            OutcomeSource::Given(given) => Cow::Borrowed(&**given),
            OutcomeSource::Attendance { .. } => Cow::Owned(SourceRef {
                system: Cow::Borrowed(OUTCOME_SOURCE_SYSTEM),
                key: self.source_key()?.into_owned(),
            }),
        })
    }

    /// Returns the key of the outcome's source in its system, written out
    /// for an outcome made from attendance, or `None` without a source.
    pub fn source_key(&self) -> Option<Cow<'_, str>> {
        match self.source.as_ref()? {
            OutcomeSource::Given(given) => Some(Cow::Borrowed(&given.key)),
            OutcomeSource::Attendance { .. } => {
                let mut key = String::with_capacity(KEY_CAPACITY);
                self.push_source_key(&mut key);
                Some(Cow::Owned(key))
            }
        }
    }

    /// Appends the key of [`Outcome::source_key`] to `out`, with no
    /// allocation of its own. Appends nothing without a source.
    pub fn push_source_key(&self, out: &mut String) {
        match &self.source {
            Some(OutcomeSource::Given(given)) => out.push_str(&given.key),
            Some(OutcomeSource::Attendance { subject }) => {
                push_source_key(out, self.kind, self.learner_id, *subject);
            }
            None => {}
        }
    }

    /// Compares the sources of two outcomes as system and key text, so
    /// that a source read back from a file equals the one it was written
    /// from.
    fn same_source(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (None, None) => true,
            (Some(OutcomeSource::Given(a)), Some(OutcomeSource::Given(b))) => a == b,
            // The kind names and the UUIDs have fixed forms, so equal kinds,
            // learners and subjects and equal keys go together.
            (
                Some(OutcomeSource::Attendance { subject }),
                Some(OutcomeSource::Attendance {
                    subject: other_subject,
                }),
            ) => {
                subject == other_subject
                    && self.kind == other.kind
                    && self.learner_id == other.learner_id
            }
            _ => self.source_ref() == other.source_ref(),
        }
    }

    /// Returns the fields that only some kinds use, all empty when none is
    /// set.
    pub fn details(&self) -> &OutcomeDetails {
        self.details.as_deref().unwrap_or(&EMPTY_DETAILS)
    }

    /// Returns the fields that only some kinds use, ready to change.
    /// Allocates empty details when there are none, and copies details that
    /// another outcome shares, so that a change affects this outcome only.
    pub fn details_mut(&mut self) -> &mut OutcomeDetails {
        Arc::make_mut(self.details.get_or_insert_with(Arc::default))
    }

    /// The fields that `kind` requires besides the common ones.
    pub fn required_fields(kind: OutcomeKind) -> &'static [&'static str] {
        match kind {
            OutcomeKind::Attendance => &["minutes", "course_id"],
            OutcomeKind::CourseCompletion => &["course_id"],
            OutcomeKind::Certificate => &["certificate_code", "certificate_level"],
            OutcomeKind::Award => &["award_scope", "award_rank"],
            OutcomeKind::VolunteerService => &["minutes"],
            OutcomeKind::Teaching => &["minutes"],
            OutcomeKind::OnlineLearning => &["minutes", "resource_id"],
            OutcomeKind::ClubActivity => &["minutes", "club_id"],
            OutcomeKind::Assessment => &["course_id", "passed"],
        }
    }

    /// The kind-specific fields that only some kinds use, with the kinds that
    /// use them.
    const KIND_FIELDS: &'static [(&'static str, &'static [OutcomeKind])] = &[
        ("certificate_code", &[OutcomeKind::Certificate]),
        ("certificate_level", &[OutcomeKind::Certificate]),
        ("award_scope", &[OutcomeKind::Award]),
        ("award_rank", &[OutcomeKind::Award]),
        ("team", &[OutcomeKind::Award]),
        ("resource_id", &[OutcomeKind::OnlineLearning]),
        ("score", &[OutcomeKind::Assessment]),
        ("passed", &[OutcomeKind::Assessment]),
    ];

    fn field_present(&self, field: &str) -> bool {
        let details = self.details();
        match field {
            "minutes" => self.minutes.is_some(),
            "course_id" => self.course_id.is_some(),
            "club_id" => self.club_id.is_some(),
            "certificate_code" => details.certificate_code.is_some(),
            "certificate_level" => details.certificate_level.is_some(),
            "award_scope" => details.award_scope.is_some(),
            "award_rank" => details.award_rank.is_some(),
            "team" => details.team,
            "resource_id" => details.resource_id.is_some(),
            "score" => details.score.is_some(),
            "passed" => details.passed.is_some(),
            _ => false,
        }
    }
}

impl Record for Outcome {
    const KIND: &'static str = "outcome";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("learner_id"),
        FieldSpec::required("kind"),
        FieldSpec::required("occurred_on"),
        FieldSpec::optional("recorded_on"),
        FieldSpec::optional("role"),
        FieldSpec::optional("minutes"),
        FieldSpec::optional("course_id"),
        FieldSpec::optional("club_id"),
        FieldSpec::optional("session_id"),
        FieldSpec::optional("category"),
        FieldSpec::optional("title"),
        FieldSpec::optional("certificate_code"),
        FieldSpec::optional("certificate_level"),
        FieldSpec::optional("award_scope"),
        FieldSpec::optional("award_rank"),
        FieldSpec::optional("team"),
        FieldSpec::optional("resource_id"),
        FieldSpec::optional("evidence"),
        FieldSpec::optional("banked"),
        FieldSpec::optional("score"),
        FieldSpec::optional("passed"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let learner_id = reader.required("learner_id");
        let kind: Option<OutcomeKind> = reader.required("kind");
        let occurred_on = reader.required("occurred_on");
        let recorded_on = reader.optional("recorded_on");
        let default_role = match kind {
            Some(OutcomeKind::Teaching) => Role::Instructor,
            _ => Role::Learner,
        };
        let role = reader.defaulted("role", default_role);
        let minutes = reader.optional("minutes");
        let course_id = reader.optional("course_id");
        let club_id = reader.optional("club_id");
        let session_id = reader.optional("session_id");
        let category = reader.optional("category");
        let title = reader.optional("title");
        let certificate_code = reader.optional("certificate_code");
        let certificate_level =
            reader.optional_in("certificate_level", 1..=LOWEST_CERTIFICATE_LEVEL);
        let award_scope = reader.optional("award_scope");
        let award_rank = reader.optional("award_rank");
        let team = reader.defaulted("team", false);
        let resource_id = reader.optional("resource_id");
        let evidence = reader.optional("evidence");
        let banked = reader.defaulted("banked", false);
        let score = reader.optional_in("score", 0..=MAX_SCORE);
        let passed = reader.optional("passed");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source: source.map(OutcomeSource::from),
            learner_id: learner_id?,
            kind: kind?,
            occurred_on: occurred_on?,
            recorded_on,
            role: role?,
            minutes,
            course_id,
            club_id,
            session_id,
            banked: banked?,
            details: OutcomeDetails {
                category,
                title,
                certificate_code,
                certificate_level,
                award_scope,
                award_rank,
                team: team?,
                resource_id,
                evidence,
                score,
                passed,
            }
            .into_shared(),
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        let source = self.source_ref();
        write_identity(writer, &self.id, source.as_deref());
        writer.put("learner_id", &self.learner_id);
        writer.put("kind", &self.kind);
        writer.put("occurred_on", &self.occurred_on);
        writer.put_opt("recorded_on", &self.recorded_on);
        writer.put("role", &self.role);
        writer.put_opt("minutes", &self.minutes);
        writer.put_opt("course_id", &self.course_id);
        writer.put_opt("club_id", &self.club_id);
        writer.put_opt("session_id", &self.session_id);
        let details = self.details();
        writer.put_opt("category", &details.category);
        writer.put_opt("title", &details.title);
        writer.put_opt("certificate_code", &details.certificate_code);
        writer.put_opt("certificate_level", &details.certificate_level);
        writer.put_opt("award_scope", &details.award_scope);
        writer.put_opt("award_rank", &details.award_rank);
        if details.team {
            writer.put("team", &details.team);
        }
        writer.put_opt("resource_id", &details.resource_id);
        writer.put_opt("evidence", &details.evidence);
        writer.put("banked", &self.banked);
        writer.put_opt("score", &details.score);
        writer.put_opt("passed", &details.passed);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        let kind = self.kind.as_str();
        for &field in Self::required_fields(self.kind) {
            if !self.field_present(field) {
                problems.push(
                    Problem::new(codes::REQUIRED_FOR_KIND, path.join(field))
                        .with("field", field)
                        .with("kind", kind),
                );
            }
        }
        for &(field, kinds) in Self::KIND_FIELDS {
            if self.field_present(field) && !kinds.contains(&self.kind) {
                problems.push(
                    Problem::new(codes::FIELD_NOT_APPLICABLE, path.join(field))
                        .with("field", field)
                        .with("kind", kind),
                );
            }
        }
        if let Some(level) = self.details().certificate_level
            && !(1..=LOWEST_CERTIFICATE_LEVEL).contains(&level)
        {
            problems.push(
                Problem::new(
                    crate::problem::codes::OUT_OF_RANGE,
                    path.join("certificate_level"),
                )
                .with("field", "certificate_level")
                .with("value", level)
                .with("min", 1)
                .with("max", LOWEST_CERTIFICATE_LEVEL),
            );
        }
        if let Some(score) = self.details().score
            && score > MAX_SCORE
        {
            problems.push(
                Problem::new(crate::problem::codes::OUT_OF_RANGE, path.join("score"))
                    .with("field", "score")
                    .with("value", score)
                    .with("min", 0)
                    .with("max", MAX_SCORE),
            );
        }
        if let Some(recorded_on) = self.recorded_on
            && recorded_on < self.occurred_on
        {
            problems.push(
                Problem::new(codes::ENDS_BEFORE_START, path.join("recorded_on"))
                    .with("field", "recorded_on")
                    .with("value", recorded_on.to_string())
                    .with("other_field", "occurred_on")
                    .with("other_value", self.occurred_on.to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(value: serde_json::Value) -> Outcome {
        Outcome::from_json(&value, &Path::root()).unwrap()
    }

    fn attendance() -> Outcome {
        read(json!({
            "id": "90000000-0000-4000-8000-000000000001",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "kind": "attendance", "occurred_on": "2026-03-20",
            "minutes": 90, "course_id": "40000000-0000-4000-8000-000000000001",
        }))
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn outcome_size_on_64_bit_targets() {
        // About 850,000 outcomes live together in a district's season run
        // and 17 million in a province's, so every byte here costs about
        // 0.85 MB and 17 MB of their peak memory. The source takes 24
        // bytes: a tag byte, then the boxed source at offset 8 or the
        // subject at offset 1. The outcome's and the learner's ids (16
        // bytes each), the source, the minutes (8), three optional ids (17
        // each), the details pointer (8), two dates (4 each, the optional
        // one in the date's niche) and three one-byte fields make 134
        // bytes. The alignment of 8 pads them to 136.
        assert_eq!(std::mem::size_of::<OutcomeSource>(), 24);
        assert_eq!(std::mem::size_of::<Option<OutcomeSource>>(), 24);
        assert_eq!(std::mem::size_of::<Outcome>(), 136);
    }

    const LEARNER: &str = "20000000-0000-4000-8000-000000000001";
    const SUBJECT: &str = "30000000-0000-4000-8000-00000000000a";
    const MADE_KEY: &str =
        "attendance:20000000-0000-4000-8000-000000000001:30000000-0000-4000-8000-00000000000a";

    /// Makes an attendance outcome of `LEARNER` as attendance makes it,
    /// whose source key is `MADE_KEY`.
    fn made() -> Outcome {
        let mut outcome = attendance();
        outcome.id = OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, MADE_KEY);
        outcome.source = Some(OutcomeSource::Attendance {
            subject: SUBJECT.parse().unwrap(),
        });
        outcome
    }

    /// Makes `made()` with a given source of `system` and `key` in place of
    /// the source made from attendance.
    fn with_given_source(system: &'static str, key: &str) -> Outcome {
        let mut outcome = made();
        outcome.source = Some(OutcomeSource::from(SourceRef {
            system: system.into(),
            key: key.to_owned(),
        }));
        outcome
    }

    #[test]
    fn made_source_key_written_out() {
        let outcome = made();

        assert_eq!(
            outcome.source.as_ref().map(OutcomeSource::system),
            Some(OUTCOME_SOURCE_SYSTEM)
        );
        assert_eq!(outcome.source_key().as_deref(), Some(MADE_KEY));
        let source = outcome.source_ref().unwrap();
        assert_eq!(source.system, OUTCOME_SOURCE_SYSTEM);
        assert_eq!(source.key, MADE_KEY);
        let mut pushed = String::from("key=");
        outcome.push_source_key(&mut pushed);
        assert_eq!(pushed, format!("key={MADE_KEY}"));
    }

    #[test]
    fn made_source_key_follows_kind_and_learner() {
        let mut outcome = made();
        outcome.kind = OutcomeKind::ClubActivity;
        outcome.learner_id = "20000000-0000-4000-8000-000000000002".parse().unwrap();

        let expected = "club_activity:20000000-0000-4000-8000-000000000002:\
                        30000000-0000-4000-8000-00000000000a";
        assert_eq!(outcome.source_key().as_deref(), Some(expected));
    }

    #[test]
    fn missing_source_has_no_key() {
        let outcome = attendance();
        let mut pushed = String::new();
        outcome.push_source_key(&mut pushed);

        assert_eq!(outcome.source_key(), None);
        assert_eq!(outcome.source_ref(), None);
        assert_eq!(pushed, "");
    }

    #[test]
    fn given_source_key_borrowed() {
        let outcome = with_given_source("oulad", "AAA-2013J-11391");

        assert!(matches!(
            outcome.source_key(),
            Some(Cow::Borrowed("AAA-2013J-11391"))
        ));
        assert!(matches!(outcome.source_ref(), Some(Cow::Borrowed(_))));
        assert_eq!(outcome.source_ref().unwrap().system, "oulad");
    }

    #[test]
    fn made_source_key_fits_capacity() {
        let mut longest = 0;
        for &kind in OutcomeKind::ALL {
            let mut outcome = made();
            outcome.kind = kind;
            let length = outcome.source_key().unwrap().len();
            assert!(
                length <= KEY_CAPACITY,
                "the {kind} key has {length} bytes, more than KEY_CAPACITY {KEY_CAPACITY}"
            );
            longest = longest.max(length);
        }
        assert_eq!(
            longest, KEY_CAPACITY,
            "KEY_CAPACITY is more than any key needs"
        );
    }

    #[test]
    fn made_source_compared_as_text() {
        let same = with_given_source("xuetong-attendance", MADE_KEY);
        let other_key = with_given_source("xuetong-attendance", &MADE_KEY.replace('a', "b"));
        let other_system = with_given_source("oulad", MADE_KEY);

        assert_eq!(made(), same);
        assert_eq!(same, made());
        assert_ne!(made(), other_key);
        assert_ne!(other_key, made());
        assert_ne!(made(), other_system);
    }

    #[test]
    fn made_sources_compared_by_subject() {
        let mut other_subject = made();
        other_subject.source = Some(OutcomeSource::Attendance {
            subject: "30000000-0000-4000-8000-00000000000b".parse().unwrap(),
        });
        let mut no_source = made();
        no_source.source = None;

        assert_eq!(made(), made());
        assert_ne!(made(), other_subject);
        assert_ne!(made(), no_source);
        assert_ne!(no_source, made());
    }

    #[test]
    fn made_source_written_as_text() {
        let expected = json!({
            "id": OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, MADE_KEY).to_string(),
            "source_system": "xuetong-attendance",
            "source_key": MADE_KEY,
            "learner_id": LEARNER,
            "kind": "attendance", "occurred_on": "2026-03-20", "role": "learner",
            "minutes": 90, "course_id": "40000000-0000-4000-8000-000000000001",
            "banked": false,
        });

        assert_eq!(made().to_json(), expected);
    }

    #[test]
    fn made_source_read_back_equal() {
        let outcome = made();

        let json = outcome.to_json();
        let reread = read(json.clone());

        assert_eq!(json["source_system"], OUTCOME_SOURCE_SYSTEM);
        assert_eq!(json["source_key"], MADE_KEY);
        assert!(matches!(reread.source, Some(OutcomeSource::Given(_))));
        assert_eq!(reread, outcome);
        assert_eq!(reread.to_json(), json);
    }

    #[test]
    fn empty_details_not_allocated() {
        let outcome = attendance();

        assert!(outcome.details.is_none());
        assert_eq!(outcome.details(), &OutcomeDetails::EMPTY);
    }

    #[test]
    fn details_read_and_written() {
        let award = json!({
            "id": "90000000-0000-4000-8000-000000000002",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "kind": "award", "occurred_on": "2026-03-20", "role": "learner",
            "title": "Calligraphy, first prize", "award_scope": "city",
            "award_rank": "first", "team": true, "banked": false,
        });

        let outcome = read(award.clone());

        let details = outcome.details.as_deref().unwrap();
        assert_eq!(details.title.as_deref(), Some("Calligraphy, first prize"));
        assert_eq!(details.award_scope, Some(AwardScope::City));
        assert_eq!(details.award_rank, Some(AwardRank::First));
        assert!(details.team);
        assert_eq!(outcome.to_json(), award);
    }

    fn award() -> Outcome {
        read(json!({
            "id": "90000000-0000-4000-8000-000000000002",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "kind": "award", "occurred_on": "2026-03-20",
            "title": "Calligraphy, first prize", "award_scope": "city",
            "award_rank": "first",
        }))
    }

    #[test]
    fn details_change_stays_with_one_copy() {
        let original = award();
        let mut copy = original.clone();
        let mut second_copy = original.clone();
        assert!(Arc::ptr_eq(
            original.details.as_ref().unwrap(),
            copy.details.as_ref().unwrap()
        ));

        copy.details_mut().title = Some("Calligraphy, second prize".to_owned());
        second_copy.details_mut().award_rank = Some(AwardRank::Second);

        assert_eq!(original, award());
        assert_eq!(
            original.details().title.as_deref(),
            Some("Calligraphy, first prize")
        );
        assert_eq!(original.details().award_rank, Some(AwardRank::First));
        assert_eq!(
            copy.details().title.as_deref(),
            Some("Calligraphy, second prize")
        );
        assert_eq!(copy.details().award_rank, Some(AwardRank::First));
        assert_eq!(
            second_copy.details().title.as_deref(),
            Some("Calligraphy, first prize")
        );
        assert_eq!(second_copy.details().award_rank, Some(AwardRank::Second));
    }

    #[test]
    fn unshared_details_changed_in_place() {
        let mut outcome = award();
        let before = Arc::as_ptr(outcome.details.as_ref().unwrap());

        outcome.details_mut().team = true;

        let after = Arc::as_ptr(outcome.details.as_ref().unwrap());
        assert_eq!(before, after);
        assert!(outcome.details().team);
    }

    #[test]
    fn allocated_empty_details_equal_none() {
        let mut allocated = attendance();
        allocated.details = Some(Arc::default());

        assert_eq!(allocated, attendance());
        allocated.details_mut().evidence = Some("scan-17.pdf".to_owned());
        assert_ne!(allocated, attendance());
    }

    #[test]
    fn allocated_empty_details_act_as_none() {
        let mut allocated = attendance();
        allocated.details = Some(Arc::default());
        let mut problems = Problems::new();

        allocated.check(&Path::root(), &mut problems);

        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(allocated.to_json(), attendance().to_json());
        assert_eq!(read(allocated.to_json()).details, None);
    }

    #[test]
    fn rejected_field_found_in_details() {
        let mut outcome = attendance();
        outcome.details_mut().certificate_level = Some(3);
        let mut problems = Problems::new();

        outcome.check(&Path::root(), &mut problems);

        let paths: Vec<String> = problems.iter().map(|p| p.path.to_string()).collect();
        assert_eq!(paths, ["certificate_level"]);
    }
}
