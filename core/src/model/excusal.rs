use chrono::{DateTime, Utc};

use crate::id::{ExcusalId, LearnerId, SessionId};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::common::{IDENTITY_FIELDS, SourceRef, read_identity, write_identity};

/// Leave granted to a learner for one session (请假). An excused session
/// leaves the learner's attendance denominator.
#[derive(Clone, Debug, PartialEq)]
pub struct Excusal {
    /// The excusal's id.
    pub id: ExcusalId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// Who is excused.
    pub learner_id: LearnerId,
    /// From which session.
    pub session_id: SessionId,
    /// Why, in free text.
    pub reason: Option<String>,
    /// When the excusal was granted.
    pub granted_at: Option<DateTime<Utc>>,
}

impl Record for Excusal {
    const KIND: &'static str = "excusal";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("learner_id"),
        FieldSpec::required("session_id"),
        FieldSpec::optional("reason"),
        FieldSpec::optional("granted_at"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let learner_id = reader.required("learner_id");
        let session_id = reader.required("session_id");
        let reason = reader.optional("reason");
        let granted_at = reader.optional("granted_at");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            learner_id: learner_id?,
            session_id: session_id?,
            reason,
            granted_at,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source.as_ref());
        writer.put("learner_id", &self.learner_id);
        writer.put("session_id", &self.session_id);
        writer.put_opt("reason", &self.reason);
        writer.put_opt("granted_at", &self.granted_at);
    }
}
