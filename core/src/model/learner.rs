use chrono::NaiveDate;

use crate::id::{LearnerId, VenueId};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::common::{BirthDate, IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

/// A resident who registers to learn (学员).
///
/// Holds no phone number, national ID or e-mail: inputs that carry them are
/// rejected with `personal_data_field`.
#[derive(Clone, Debug, PartialEq)]
pub struct Learner {
    /// The learner's id.
    pub id: LearnerId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// The name shown on rosters.
    pub display_name: String,
    /// Birth date, or only the year; needed for age limits and for counting
    /// older learners.
    pub birth_date: Option<BirthDate>,
    /// The community or village venue the learner lives in.
    pub home_venue_id: Option<VenueId>,
    /// The day the learner registered on the platform.
    pub registered_on: Option<NaiveDate>,
}

impl Record for Learner {
    const KIND: &'static str = "learner";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("display_name"),
        FieldSpec::optional("birth_date"),
        FieldSpec::optional("home_venue_id"),
        FieldSpec::optional("registered_on"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let display_name = reader.required("display_name");
        let birth_date = reader.optional("birth_date");
        let home_venue_id = reader.optional("home_venue_id");
        let registered_on = reader.optional("registered_on");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            display_name: display_name?,
            birth_date,
            home_venue_id,
            registered_on,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("display_name", &self.display_name);
        writer.put_opt("birth_date", &self.birth_date);
        writer.put_opt("home_venue_id", &self.home_venue_id);
        writer.put_opt("registered_on", &self.registered_on);
    }
}
