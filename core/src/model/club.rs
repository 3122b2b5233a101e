use chrono::NaiveDate;

use crate::id::{ClubId, VenueId};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

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
/// each year.
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
    /// The village or community that supports the club.
    pub community_venue_id: Option<VenueId>,
    /// The street adult school that guides the club.
    pub guiding_venue_id: Option<VenueId>,
    /// The day the club was founded.
    pub founded_on: Option<NaiveDate>,
}

impl Record for Club {
    const KIND: &'static str = "club";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("name"),
        FieldSpec::optional("status"),
        FieldSpec::optional("community_venue_id"),
        FieldSpec::optional("guiding_venue_id"),
        FieldSpec::optional("founded_on"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let name = reader.required("name");
        let status = reader.defaulted("status", ClubStatus::Proposed);
        let community_venue_id = reader.optional("community_venue_id");
        let guiding_venue_id = reader.optional("guiding_venue_id");
        let founded_on = reader.optional("founded_on");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            name: name?,
            status: status?,
            community_venue_id,
            guiding_venue_id,
            founded_on,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, &self.source);
        writer.put("name", &self.name);
        writer.put("status", &self.status);
        writer.put_opt("community_venue_id", &self.community_venue_id);
        writer.put_opt("guiding_venue_id", &self.guiding_venue_id);
        writer.put_opt("founded_on", &self.founded_on);
    }
}
