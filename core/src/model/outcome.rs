use chrono::NaiveDate;

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

/// A recorded learning outcome: what a learner did or achieved, which credit
/// rules turn into credits.
///
/// The record is flat: which of the optional fields are required depends on
/// `kind` (see [`Outcome::required_fields`]), and fields of other kinds are
/// rejected.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The outcome's id.
    pub id: OutcomeId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
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
    /// Whether the result was carried over from an earlier run and so has
    /// been credited before.
    pub banked: bool,
    /// An assessment's score, from 0 to 100.
    pub score: Option<u8>,
    /// Whether an assessment was passed.
    pub passed: Option<bool>,
}

impl Outcome {
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
        match field {
            "minutes" => self.minutes.is_some(),
            "course_id" => self.course_id.is_some(),
            "club_id" => self.club_id.is_some(),
            "certificate_code" => self.certificate_code.is_some(),
            "certificate_level" => self.certificate_level.is_some(),
            "award_scope" => self.award_scope.is_some(),
            "award_rank" => self.award_rank.is_some(),
            "team" => self.team,
            "resource_id" => self.resource_id.is_some(),
            "score" => self.score.is_some(),
            "passed" => self.passed.is_some(),
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
        let certificate_level = reader.optional("certificate_level");
        let award_scope = reader.optional("award_scope");
        let award_rank = reader.optional("award_rank");
        let team = reader.defaulted("team", false);
        let resource_id = reader.optional("resource_id");
        let evidence = reader.optional("evidence");
        let banked = reader.defaulted("banked", false);
        let score = reader.optional("score");
        let passed = reader.optional("passed");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            learner_id: learner_id?,
            kind: kind?,
            occurred_on: occurred_on?,
            recorded_on,
            role: role?,
            minutes,
            course_id,
            club_id,
            session_id,
            category,
            title,
            certificate_code,
            certificate_level,
            award_scope,
            award_rank,
            team: team?,
            resource_id,
            evidence,
            banked: banked?,
            score,
            passed,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("learner_id", &self.learner_id);
        writer.put("kind", &self.kind);
        writer.put("occurred_on", &self.occurred_on);
        writer.put_opt("recorded_on", &self.recorded_on);
        writer.put("role", &self.role);
        writer.put_opt("minutes", &self.minutes);
        writer.put_opt("course_id", &self.course_id);
        writer.put_opt("club_id", &self.club_id);
        writer.put_opt("session_id", &self.session_id);
        writer.put_opt("category", &self.category);
        writer.put_opt("title", &self.title);
        writer.put_opt("certificate_code", &self.certificate_code);
        writer.put_opt("certificate_level", &self.certificate_level);
        writer.put_opt("award_scope", &self.award_scope);
        writer.put_opt("award_rank", &self.award_rank);
        if self.team {
            writer.put("team", &self.team);
        }
        writer.put_opt("resource_id", &self.resource_id);
        writer.put_opt("evidence", &self.evidence);
        writer.put("banked", &self.banked);
        writer.put_opt("score", &self.score);
        writer.put_opt("passed", &self.passed);
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
        if let Some(level) = self.certificate_level
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
        if let Some(score) = self.score
            && score > 100
        {
            problems.push(
                Problem::new(crate::problem::codes::OUT_OF_RANGE, path.join("score"))
                    .with("field", "score")
                    .with("value", score)
                    .with("min", 0)
                    .with("max", 100),
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
