use crate::id::{InstructorId, VenueId};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

/// Someone who teaches sessions (授课教师).
#[derive(Clone, Debug, PartialEq)]
pub struct Instructor {
    /// The instructor's id.
    pub id: InstructorId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// The name shown on schedules.
    pub display_name: String,
    /// The venue the instructor belongs to, if any.
    pub home_venue_id: Option<VenueId>,
}

impl Record for Instructor {
    const KIND: &'static str = "instructor";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("display_name"),
        FieldSpec::optional("home_venue_id"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let display_name = reader.required("display_name");
        let home_venue_id = reader.optional("home_venue_id");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            display_name: display_name?,
            home_venue_id,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("display_name", &self.display_name);
        writer.put_opt("home_venue_id", &self.home_venue_id);
    }
}
