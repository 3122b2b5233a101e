use chrono::NaiveDate;

use crate::id::{ClubId, LearnerId, VenueId};
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::codes;
use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

crate::text_enum! {
    /// The lifecycle state of a learning club.
    pub enum ClubStatus {
        /// Proposed by residents, not yet registered.
        Proposed = "proposed",
        /// Registered with its supporting community and guiding school.
        Registered = "registered",
        /// Holding activities.
        Active = "active",
        /// Paused.
        Suspended = "suspended",
        /// Closed for good.
        Dissolved = "dissolved",
    }
}

/// A resident-run learning club (社区学习型社团).
///
/// Residents initiate a club, a village or community supports it, a street
/// adult school guides it, and the district community college evaluates it
/// each year. The club's members are [`ClubMember`] records, and its
/// lifecycle changes through the operations of [`crate::club`].
#[derive(Clone, Debug, PartialEq)]
pub struct Club {
    /// The club's id.
    pub id: ClubId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// The club's name.
    pub name: String,
    /// The lifecycle state.
    pub status: ClubStatus,
    /// The day the club entered its current status; for a dissolved club,
    /// the day it was dissolved.
    pub status_since: Option<NaiveDate>,
    /// The village or community that supports the club.
    pub community_venue_id: Option<VenueId>,
    /// The street adult school that guides the club.
    pub guiding_venue_id: Option<VenueId>,
    /// The day the club was founded.
    pub founded_on: Option<NaiveDate>,
    /// Whether the club has written rules (a charter), which the yearly
    /// evaluation counts under record keeping.
    pub has_rules: bool,
}

impl Record for Club {
    const KIND: &'static str = "club";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("name"),
        FieldSpec::optional("status"),
        FieldSpec::optional("status_since"),
        FieldSpec::optional("community_venue_id"),
        FieldSpec::optional("guiding_venue_id"),
        FieldSpec::optional("founded_on"),
        FieldSpec::optional("has_rules"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let name = reader.required("name");
        let status = reader.defaulted("status", ClubStatus::Proposed);
        let status_since = reader.optional("status_since");
        let community_venue_id = reader.optional("community_venue_id");
        let guiding_venue_id = reader.optional("guiding_venue_id");
        let founded_on = reader.optional("founded_on");
        let has_rules = reader.defaulted("has_rules", false);
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            name: name?,
            status: status?,
            status_since,
            community_venue_id,
            guiding_venue_id,
            founded_on,
            has_rules: has_rules?,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("name", &self.name);
        writer.put("status", &self.status);
        writer.put_opt("status_since", &self.status_since);
        writer.put_opt("community_venue_id", &self.community_venue_id);
        writer.put_opt("guiding_venue_id", &self.guiding_venue_id);
        writer.put_opt("founded_on", &self.founded_on);
        if self.has_rules {
            writer.put("has_rules", &self.has_rules);
        }
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        if let (Some(founded_on), Some(status_since)) = (self.founded_on, self.status_since)
            && status_since < founded_on
        {
            problems.push(
                Problem::new(codes::ENDS_BEFORE_START, path.join("status_since"))
                    .with("field", "status_since")
                    .with("value", status_since.to_string())
                    .with("other_field", "founded_on")
                    .with("other_value", founded_on.to_string()),
            );
        }
    }
}

crate::text_enum! {
    /// The role of a member in a club.
    pub enum MemberRole {
        /// The resident who founded the club and is responsible for it; a
        /// club has exactly one at any time.
        Founder = "founder",
        /// A core member with a duty.
        Core = "core",
        /// A fixed (regular) member.
        Fixed = "fixed",
        /// An occasional participant.
        Occasional = "occasional",
    }
}

impl MemberRole {
    /// Returns whether a member in this role counts as a fixed member. The
    /// founder, core members and fixed members do, occasional participants
    /// do not.
    pub const fn counts_as_fixed(self) -> bool {
        !matches!(self, Self::Occasional)
    }
}

crate::text_enum! {
    /// The duty of a core member.
    pub enum CoreDuty {
        /// Planning activities and writing records (策划与文字).
        PlanningWriting = "planning_writing",
        /// Training members.
        Training = "training",
        /// Publicity.
        Publicity = "publicity",
        /// Logistics.
        Logistics = "logistics",
        /// Any other duty.
        Other = "other",
    }
}

/// One period of a learner's membership of a club, in one role.
///
/// The period is half-open: the learner is a member from `joined_on` up to
/// the day before `left_on`, and is no longer a member on `left_on`. A
/// change of role ends one period and starts the next on the same day, so
/// that a learner's periods in one club never overlap. A membership is
/// identified by its club, learner and `joined_on`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClubMember {
    /// The club.
    pub club_id: ClubId,
    /// The member.
    pub learner_id: LearnerId,
    /// The role held during the period.
    pub role: MemberRole,
    /// The duty of a core member; only core members have one.
    pub duty: Option<CoreDuty>,
    /// The first day of the period.
    pub joined_on: NaiveDate,
    /// The day the period ended, when it has ended.
    pub left_on: Option<NaiveDate>,
}

impl ClubMember {
    /// Returns whether the period covers `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.joined_on <= date && self.left_on.is_none_or(|left_on| date < left_on)
    }

    /// Returns whether the period has not ended.
    pub fn is_open(&self) -> bool {
        self.left_on.is_none()
    }

    /// Returns whether the period shares at least one day with the period
    /// from `joined_on` to `left_on` (half-open as well).
    pub fn overlaps(&self, joined_on: NaiveDate, left_on: Option<NaiveDate>) -> bool {
        let starts_before_other_ends = left_on.is_none_or(|end| self.joined_on < end);
        let other_starts_before_this_ends = self.left_on.is_none_or(|end| joined_on < end);
        starts_before_other_ends && other_starts_before_this_ends
    }
}

impl Record for ClubMember {
    const KIND: &'static str = "club_member";
    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("club_id"),
        FieldSpec::required("learner_id"),
        FieldSpec::required("role"),
        FieldSpec::optional("duty"),
        FieldSpec::required("joined_on"),
        FieldSpec::optional("left_on"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let club_id = reader.required("club_id");
        let learner_id = reader.required("learner_id");
        let role = reader.required("role");
        let duty = reader.optional("duty");
        let joined_on = reader.required("joined_on");
        let left_on = reader.optional("left_on");
        if reader.failed() {
            return None;
        }
        Some(Self {
            club_id: club_id?,
            learner_id: learner_id?,
            role: role?,
            duty,
            joined_on: joined_on?,
            left_on,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("club_id", &self.club_id);
        writer.put("learner_id", &self.learner_id);
        writer.put("role", &self.role);
        writer.put_opt("duty", &self.duty);
        writer.put("joined_on", &self.joined_on);
        writer.put_opt("left_on", &self.left_on);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        let role = self.role.as_str();
        match (self.role, self.duty) {
            (MemberRole::Core, None) => problems.push(
                Problem::new(codes::REQUIRED_FOR_KIND, path.join("duty"))
                    .with("field", "duty")
                    .with("kind", "a core member"),
            ),
            (MemberRole::Core, Some(_)) | (_, None) => {}
            (_, Some(_)) => problems.push(
                Problem::new(codes::FIELD_NOT_APPLICABLE, path.join("duty"))
                    .with("field", "duty")
                    .with("kind", format!("a {role} member")),
            ),
        }
        if let Some(left_on) = self.left_on
            && left_on < self.joined_on
        {
            problems.push(
                Problem::new(codes::ENDS_BEFORE_START, path.join("left_on"))
                    .with("field", "left_on")
                    .with("value", left_on.to_string())
                    .with("other_field", "joined_on")
                    .with("other_value", self.joined_on.to_string()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn member(joined_on: &str, left_on: Option<&str>) -> ClubMember {
        ClubMember {
            club_id: ClubId::derive("test", "club"),
            learner_id: LearnerId::derive("test", "learner"),
            role: MemberRole::Fixed,
            duty: None,
            joined_on: date(joined_on),
            left_on: left_on.map(date),
        }
    }

    #[test]
    fn period_is_half_open() {
        let period = member("2025-03-01", Some("2025-06-01"));
        assert!(!period.covers(date("2025-02-28")));
        assert!(period.covers(date("2025-03-01")));
        assert!(period.covers(date("2025-05-31")));
        assert!(!period.covers(date("2025-06-01")));
    }

    #[test]
    fn consecutive_periods_do_not_overlap() {
        let period = member("2025-03-01", Some("2025-06-01"));
        assert!(!period.overlaps(date("2025-06-01"), None));
        assert!(period.overlaps(date("2025-05-31"), None));
        assert!(period.overlaps(date("2025-01-01"), Some(date("2025-03-02"))));
        assert!(!period.overlaps(date("2025-01-01"), Some(date("2025-03-01"))));
        assert!(member("2025-03-01", None).overlaps(date("2030-01-01"), None));
    }

    #[test]
    fn core_member_needs_duty() {
        let input = json!({
            "club_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "role": "core",
            "joined_on": "2025-01-01",
            "left_on": "2024-12-31",
        });
        let problems = ClubMember::from_json(&input, &Path::root()).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["required_for_kind", "ends_before_start"]);
    }

    #[test]
    fn only_core_members_have_a_duty() {
        let input = json!({
            "club_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "role": "fixed",
            "duty": "training",
            "joined_on": "2025-01-01",
        });
        let problems = ClubMember::from_json(&input, &Path::root()).unwrap_err();
        assert_eq!(problems.0[0].code.as_str(), "field_not_applicable");
        assert_eq!(problems.0[0].path, crate::path!["duty"]);
    }
}
