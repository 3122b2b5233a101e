use chrono::{DateTime, Utc};

use crate::decimal::{Credits, Percent};
use crate::id::{CourseId, VenueId};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::category::Category;
use super::codes;
use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

crate::text_enum! {
    /// The level of the three-level course network that a course belongs to.
    pub enum NetworkLevel {
        /// Offered by the district.
        District = "district",
        /// Offered by a sub-district (street) school.
        Street = "street",
        /// Offered by a village or community teaching point.
        Village = "village",
    }
}

crate::text_enum! {
    /// Who a course is meant for.
    pub enum Audience {
        /// Anyone, within the course's age limits.
        AllAges = "all_ages",
        /// Older residents (by default 60 and over).
        OlderResidents = "older_residents",
        /// Children and young people (by default under 18).
        Children = "children",
    }
}

/// The default completion threshold: 80 % attendance.
pub const DEFAULT_COMPLETION_THRESHOLD: Percent = Percent::whole(80);

/// The oldest age that `min_age` and `max_age` accept, in whole years. It
/// lies above any human lifespan, so a real age limit always fits, while a
/// typing slip such as 200 is rejected.
pub const MAX_AGE: u8 = 150;

/// A course or activity offered to learners and held as sessions.
#[derive(Clone, Debug, PartialEq)]
pub struct Course {
    /// The course's id.
    pub id: CourseId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// A course code shared by runs of the same course; credits for one code
    /// are granted once.
    pub code: Option<String>,
    /// The course title.
    pub title: String,
    /// The course category.
    pub category: Category,
    /// The venue that provides the course.
    pub provider_venue_id: VenueId,
    /// The level of the three-level course network.
    pub network_level: Option<NetworkLevel>,
    /// The number of confirmed places; `None` means no limit.
    pub capacity: Option<u32>,
    /// When enrolment opens.
    pub enrolment_opens_at: Option<DateTime<Utc>>,
    /// When enrolment closes.
    pub enrolment_closes_at: Option<DateTime<Utc>>,
    /// Whether learners who are not enrolled may check in (and are then
    /// recorded as walk-ins).
    pub walk_in: bool,
    /// The minimum age in whole years, 0 to [`MAX_AGE`].
    pub min_age: Option<u8>,
    /// The maximum age in whole years, 0 to [`MAX_AGE`].
    pub max_age: Option<u8>,
    /// Who the course is meant for.
    pub audience: Audience,
    /// Whether only residents of the provider venue's area may enrol.
    pub residents_only: bool,
    /// Credits granted on completion; `None` when credits follow from hours.
    pub credit_value: Option<Credits>,
    /// The attendance rate needed to complete the course.
    pub completion_threshold: Percent,
    /// Whether an assessment must be passed to complete the course.
    pub assessment_required: bool,
}

impl Record for Course {
    const KIND: &'static str = "course";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::optional("code"),
        FieldSpec::required("title"),
        FieldSpec::required("category"),
        FieldSpec::required("provider_venue_id"),
        FieldSpec::optional("network_level"),
        FieldSpec::optional("capacity"),
        FieldSpec::optional("enrolment_opens_at"),
        FieldSpec::optional("enrolment_closes_at"),
        FieldSpec::optional("walk_in"),
        FieldSpec::optional("min_age"),
        FieldSpec::optional("max_age"),
        FieldSpec::optional("audience"),
        FieldSpec::optional("residents_only"),
        FieldSpec::optional("credit_value"),
        FieldSpec::optional("completion_threshold"),
        FieldSpec::optional("assessment_required"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let code = reader.optional("code");
        let title = reader.required("title");
        let category = reader.required("category");
        let provider_venue_id = reader.required("provider_venue_id");
        let network_level = reader.optional("network_level");
        let capacity = reader.optional("capacity");
        let enrolment_opens_at = reader.optional("enrolment_opens_at");
        let enrolment_closes_at = reader.optional("enrolment_closes_at");
        let walk_in = reader.defaulted("walk_in", false);
        let min_age = reader.optional_in("min_age", 0..=MAX_AGE);
        let max_age = reader.optional_in("max_age", 0..=MAX_AGE);
        let audience = reader.defaulted("audience", Audience::AllAges);
        let residents_only = reader.defaulted("residents_only", false);
        let credit_value = reader.optional("credit_value");
        let completion_threshold =
            reader.defaulted("completion_threshold", DEFAULT_COMPLETION_THRESHOLD);
        let assessment_required = reader.defaulted("assessment_required", false);
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            code,
            title: title?,
            category: category?,
            provider_venue_id: provider_venue_id?,
            network_level,
            capacity,
            enrolment_opens_at,
            enrolment_closes_at,
            walk_in: walk_in?,
            min_age,
            max_age,
            audience: audience?,
            residents_only: residents_only?,
            credit_value,
            completion_threshold: completion_threshold?,
            assessment_required: assessment_required?,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put_opt("code", &self.code);
        writer.put("title", &self.title);
        writer.put("category", &self.category);
        writer.put("provider_venue_id", &self.provider_venue_id);
        writer.put_opt("network_level", &self.network_level);
        writer.put_opt("capacity", &self.capacity);
        writer.put_opt("enrolment_opens_at", &self.enrolment_opens_at);
        writer.put_opt("enrolment_closes_at", &self.enrolment_closes_at);
        writer.put("walk_in", &self.walk_in);
        writer.put_opt("min_age", &self.min_age);
        writer.put_opt("max_age", &self.max_age);
        writer.put("audience", &self.audience);
        writer.put("residents_only", &self.residents_only);
        writer.put_opt("credit_value", &self.credit_value);
        writer.put("completion_threshold", &self.completion_threshold);
        writer.put("assessment_required", &self.assessment_required);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        for (field, age) in [("min_age", self.min_age), ("max_age", self.max_age)] {
            if let Some(age) = age
                && age > MAX_AGE
            {
                problems.push(
                    Problem::new(crate::problem::codes::OUT_OF_RANGE, path.join(field))
                        .with("field", field)
                        .with("value", age)
                        .with("min", 0)
                        .with("max", MAX_AGE),
                );
            }
        }
        if let (Some(min), Some(max)) = (self.min_age, self.max_age)
            && min > max
        {
            problems.push(
                Problem::new(codes::RANGE_INVERTED, path.join("min_age"))
                    .with("field", "min_age")
                    .with("value", min)
                    .with("other_field", "max_age")
                    .with("other_value", max),
            );
        }
        if let (Some(opens), Some(closes)) = (self.enrolment_opens_at, self.enrolment_closes_at)
            && closes < opens
        {
            problems.push(
                Problem::new(codes::ENDS_BEFORE_START, path.join("enrolment_closes_at"))
                    .with("field", "enrolment_closes_at")
                    .with("value", crate::field::format_instant(&closes))
                    .with("other_field", "enrolment_opens_at")
                    .with("other_value", crate::field::format_instant(&opens)),
            );
        }
        if self
            .credit_value
            .is_some_and(|credits| credits.is_negative())
        {
            problems.push(
                Problem::new(
                    crate::problem::codes::OUT_OF_RANGE,
                    path.join("credit_value"),
                )
                .with("field", "credit_value")
                .with("value", self.credit_value.map(|c| c.to_string()))
                .with("min", "0.00")
                .with("max", "any amount"),
            );
        }
    }
}
