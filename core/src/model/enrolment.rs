use chrono::{DateTime, Utc};

use crate::field::format_instant;
use crate::id::{CourseId, EnrolmentId, LearnerId};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::codes;
use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

crate::text_enum! {
    /// The state of an enrolment.
    pub enum EnrolmentStatus {
        /// The learner holds a place.
        Confirmed = "confirmed",
        /// The learner waits for a place.
        Waitlisted = "waitlisted",
        /// The learner withdrew, from a place or from the waiting list.
        Withdrawn = "withdrawn",
    }
}

crate::text_enum! {
    /// How a group booking takes places.
    pub enum GroupMode {
        /// Every member gets a place, or every member waits; the default.
        AllOrNothing = "all_or_nothing",
        /// Members take the free places in booking order, and the rest wait
        /// and are promoted one by one.
        Partial = "partial",
    }
}

/// The group booking an enrolment belongs to: a learner who enrolled with
/// companions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupBooking {
    /// The key shared by every enrolment of the booking.
    pub key: String,
    /// How the booking takes places.
    pub mode: GroupMode,
}

/// A learner's place, or request for a place, in a course (报名).
///
/// `confirmed_at` is when the learner got a place (absent while waitlisted;
/// taken as `requested_at` when a confirmed enrolment leaves it out), and
/// `withdrawn_at` is when the learner left. Sessions held between the two
/// count towards the learner's attendance rate.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrolment {
    /// The enrolment's id.
    pub id: EnrolmentId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// Who enrolled.
    pub learner_id: LearnerId,
    /// In what.
    pub course_id: CourseId,
    /// When the learner asked for a place.
    pub requested_at: DateTime<Utc>,
    /// The current state.
    pub status: EnrolmentStatus,
    /// When the learner got a place.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When the learner withdrew.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The group booking the enrolment belongs to (fields `group_key` and
    /// `group_mode`, which defaults to `all_or_nothing`).
    pub group: Option<GroupBooking>,
}

impl Record for Enrolment {
    const KIND: &'static str = "enrolment";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("learner_id"),
        FieldSpec::required("course_id"),
        FieldSpec::required("requested_at"),
        FieldSpec::optional("status"),
        FieldSpec::optional("confirmed_at"),
        FieldSpec::optional("withdrawn_at"),
        FieldSpec::optional("group_key"),
        FieldSpec::optional("group_mode"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let learner_id = reader.required("learner_id");
        let course_id = reader.required("course_id");
        let requested_at: Option<DateTime<Utc>> = reader.required("requested_at");
        let status = reader.defaulted("status", EnrolmentStatus::Confirmed);
        let confirmed_at = reader.optional("confirmed_at");
        let withdrawn_at = reader.optional("withdrawn_at");
        let group_key: Option<String> = reader.optional("group_key");
        let group_mode = reader.defaulted("group_mode", GroupMode::AllOrNothing);
        if reader.has("group_mode") && !reader.has("group_key") {
            let problem = Problem::new(
                codes::FIELD_NOT_APPLICABLE,
                reader.path().join("group_mode"),
            )
            .with("field", "group_mode")
            .with("kind", "an enrolment without group_key");
            reader.report(problem);
        }
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        let status = status?;
        let requested_at = requested_at?;
        let confirmed_at = match status {
            EnrolmentStatus::Confirmed => confirmed_at.or(Some(requested_at)),
            _ => confirmed_at,
        };
        Some(Self {
            id,
            source,
            learner_id: learner_id?,
            course_id: course_id?,
            requested_at,
            status,
            confirmed_at,
            withdrawn_at,
            group: match (group_key, group_mode) {
                (Some(key), Some(mode)) => Some(GroupBooking { key, mode }),
                _ => None,
            },
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("learner_id", &self.learner_id);
        writer.put("course_id", &self.course_id);
        writer.put("requested_at", &self.requested_at);
        writer.put("status", &self.status);
        writer.put_opt("confirmed_at", &self.confirmed_at);
        writer.put_opt("withdrawn_at", &self.withdrawn_at);
        if let Some(group) = &self.group {
            writer.put("group_key", &group.key);
            writer.put("group_mode", &group.mode);
        }
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        let mismatch = |field: &'static str, status: EnrolmentStatus| {
            Problem::new(codes::STATUS_MISMATCH, path.join(field))
                .with("field", field)
                .with("status", status.as_str())
        };
        match self.status {
            EnrolmentStatus::Withdrawn if self.withdrawn_at.is_none() => {
                problems.push(mismatch("withdrawn_at", EnrolmentStatus::Withdrawn));
            }
            EnrolmentStatus::Confirmed | EnrolmentStatus::Waitlisted
                if self.withdrawn_at.is_some() =>
            {
                problems.push(mismatch("withdrawn_at", EnrolmentStatus::Withdrawn));
            }
            EnrolmentStatus::Waitlisted if self.confirmed_at.is_some() => {
                problems.push(mismatch("confirmed_at", EnrolmentStatus::Confirmed));
            }
            _ => {}
        }
        let ordered = [
            ("requested_at", Some(self.requested_at)),
            ("confirmed_at", self.confirmed_at),
            ("withdrawn_at", self.withdrawn_at),
        ];
        for (later_index, (later_field, later)) in ordered.iter().enumerate().skip(1) {
            let Some(later) = later else { continue };
            let earlier = ordered[..later_index]
                .iter()
                .rev()
                .find_map(|(field, value)| value.map(|value| (*field, value)));
            if let Some((earlier_field, earlier)) = earlier
                && *later < earlier
            {
                problems.push(
                    Problem::new(codes::ENDS_BEFORE_START, path.join(*later_field))
                        .with("field", *later_field)
                        .with("value", format_instant(later))
                        .with("other_field", earlier_field)
                        .with("other_value", format_instant(&earlier)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_mode_without_group_key_names_the_record() {
        let enrolment = serde_json::json!({
            "id": "60000000-0000-4000-8000-000000000001",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "course_id": "40000000-0000-4000-8000-000000000001",
            "requested_at": "2026-02-03T10:00:00+08:00",
            "group_mode": "partial",
        });
        let problems = Enrolment::from_json(&enrolment, &Path::root()).unwrap_err();
        assert_eq!(
            problems.0[0].message,
            "group_mode does not apply to an enrolment without group_key; remove it"
        );
    }
}
