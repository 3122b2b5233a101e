use chrono::{DateTime, Utc};

use crate::id::{LearnerId, ScanId, SessionId};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::common::{
    GeoPoint, IDENTITY_FIELDS, LOCATION_FIELDS, SourceRef, read_identity, read_location,
    write_identity, write_location,
};

crate::text_enum! {
    /// Whether a scan records arriving or leaving.
    pub enum ScanDirection {
        /// Arriving (签到).
        CheckIn = "check_in",
        /// Leaving (签退).
        CheckOut = "check_out",
    }
}

crate::text_enum! {
    /// How a scan was made.
    pub enum ScanMethod {
        /// The learner scanned the session's QR code.
        Qr = "qr",
        /// The learner tapped a card on a reader.
        Card = "card",
        /// Staff entered the attendance by hand.
        Manual = "manual",
    }
}

/// One check-in or check-out, as received by the server.
///
/// `scanned_at` is the server's receipt time, which decides windows and token
/// validity whatever the scanning device's clock says. A client that retries
/// a scan sends the same `nonce`, and the retry then changes nothing.
#[derive(Clone, Debug, PartialEq)]
pub struct Scan {
    /// The scan's id.
    pub id: ScanId,
    /// Where the record was imported from.
    pub source: Option<SourceRef>,
    /// The session scanned into.
    pub session_id: SessionId,
    /// Who scanned.
    pub learner_id: LearnerId,
    /// When the server received the scan.
    pub scanned_at: DateTime<Utc>,
    /// Arriving or leaving.
    pub direction: ScanDirection,
    /// How the scan was made.
    pub method: ScanMethod,
    /// The check-in token read from the QR code or card.
    pub token: Option<String>,
    /// Where the device was, when it reported a position.
    pub location: Option<GeoPoint>,
    /// A client-chosen key that makes retries idempotent.
    pub nonce: Option<String>,
}

impl Record for Scan {
    const KIND: &'static str = "scan";
    const FIELDS: &'static [FieldSpec] = &[
        IDENTITY_FIELDS[0],
        IDENTITY_FIELDS[1],
        IDENTITY_FIELDS[2],
        FieldSpec::required("session_id"),
        FieldSpec::required("learner_id"),
        FieldSpec::required("scanned_at"),
        FieldSpec::optional("direction"),
        FieldSpec::optional("method"),
        FieldSpec::optional("token"),
        LOCATION_FIELDS[0],
        LOCATION_FIELDS[1],
        FieldSpec::optional("nonce"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let identity = read_identity(reader);
        let session_id = reader.required("session_id");
        let learner_id = reader.required("learner_id");
        let scanned_at = reader.required("scanned_at");
        let direction = reader.defaulted("direction", ScanDirection::CheckIn);
        let method = reader.defaulted("method", ScanMethod::Qr);
        let token = reader.optional("token");
        let location = read_location(reader);
        let nonce = reader.optional("nonce");
        if reader.failed() {
            return None;
        }
        let (id, source) = identity?;
        Some(Self {
            id,
            source,
            session_id: session_id?,
            learner_id: learner_id?,
            scanned_at: scanned_at?,
            direction: direction?,
            method: method?,
            token,
            location: location?,
            nonce,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, &self.source);
        writer.put("session_id", &self.session_id);
        writer.put("learner_id", &self.learner_id);
        writer.put("scanned_at", &self.scanned_at);
        writer.put("direction", &self.direction);
        writer.put("method", &self.method);
        writer.put_opt("token", &self.token);
        write_location(writer, &self.location);
        writer.put_opt("nonce", &self.nonce);
    }
}
