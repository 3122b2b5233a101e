use chrono_tz::Tz;

use crate::id::VenueId;
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::codes;
use super::common::{
    GeoPoint, IDENTITY_FIELDS, LOCATION_FIELDS, SourceRef, read_identity, read_location,
    write_identity, write_location,
};

crate::text_enum! {
    /// The tier of a venue in the learning network.
    pub enum VenueTier {
        /// A district institution: the district senior university or community college.
        District = "district",
        /// A sub-district ("street", 街道) school, run by the street adult school.
        Street = "street",
        /// A village or residential community teaching point.
        Community = "community",
        /// A village cultural hall (文化礼堂).
        CulturalHall = "cultural_hall",
        /// An online venue without a physical place.
        Online = "online",
    }
}

/// A place where sessions are held, or an institution that provides courses.
///
/// Venues form a tree through `parent_id`: a district holds streets, a street
/// holds communities and cultural halls.
#[derive(Clone, Debug, PartialEq)]
pub struct Venue {
    /// The venue's id.
    pub id: VenueId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// The venue's name.
    pub name: String,
    /// The venue's tier.
    pub tier: VenueTier,
    /// The venue one tier up, if any.
    pub parent_id: Option<VenueId>,
    /// The IANA time zone of local times at this venue.
    pub time_zone: Tz,
    /// Where the venue is.
    pub location: Option<GeoPoint>,
    /// Seats available to learners.
    pub seats: Option<u32>,
    /// Residents of the area the venue serves, for participation rates.
    pub population: Option<u32>,
    /// Residents aged 60 or more in the area the venue serves.
    pub older_population: Option<u32>,
}

impl Record for Venue {
    const KIND: &'static str = "venue";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("name"),
        FieldSpec::required("tier"),
        FieldSpec::optional("parent_id"),
        FieldSpec::required("time_zone"),
        LOCATION_FIELDS[0],
        LOCATION_FIELDS[1],
        FieldSpec::optional("seats"),
        FieldSpec::optional("population"),
        FieldSpec::optional("older_population"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let name = reader.required("name");
        let tier = reader.required("tier");
        let parent_id = reader.optional("parent_id");
        let time_zone = reader.required("time_zone");
        let location = read_location(reader);
        let seats = reader.optional("seats");
        let population = reader.optional("population");
        let older_population = reader.optional("older_population");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            name: name?,
            tier: tier?,
            parent_id,
            time_zone: time_zone?,
            location: location?,
            seats,
            population,
            older_population,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("name", &self.name);
        writer.put("tier", &self.tier);
        writer.put_opt("parent_id", &self.parent_id);
        writer.put("time_zone", &self.time_zone);
        write_location(writer, &self.location);
        writer.put_opt("seats", &self.seats);
        writer.put_opt("population", &self.population);
        writer.put_opt("older_population", &self.older_population);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        if self.parent_id == Some(self.id) {
            problems.push(Problem::new(codes::PARENT_IS_SELF, path.join("parent_id")));
        }
        if let (Some(older), Some(all)) = (self.older_population, self.population)
            && older > all
        {
            problems.push(
                Problem::new(codes::RANGE_INVERTED, path.join("older_population"))
                    .with("field", "older_population")
                    .with("value", older)
                    .with("other_field", "population")
                    .with("other_value", all),
            );
        }
    }
}
