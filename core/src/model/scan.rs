use chrono::{DateTime, Utc};

use crate::id::{LearnerId, ScanId, SessionId};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::common::{
    GeoPoint, IDENTITY_FIELDS, LOCATION_FIELDS, SourceRef, read_identity, read_location,
    write_identity, write_location,
};
use super::short_text::ShortText;

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
///
/// A season keeps every scan in memory, so the record is small (112 bytes on
/// 64-bit targets). The token and the nonce are [`ShortText`], which keeps a
/// rotating token or a nonce of 16 hexadecimal digits inside the scan
/// without a heap allocation. The source and location, which bulk data
/// rarely sets, share one box in `origin`, read through [`Scan::source`]
/// and [`Scan::location`].
#[derive(Clone, Debug)]
pub struct Scan {
    /// The scan's id.
    pub id: ScanId,
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
    pub token: Option<ShortText<22>>,
    /// A client-chosen key that makes retries idempotent.
    pub nonce: Option<ShortText<14>>,
    /// The import source and the device's position, or `None` when neither
    /// is known. Build it with [`ScanOrigin::boxed`].
    pub origin: Option<Box<ScanOrigin>>,
}

/// The rarely set parts of a [`Scan`]: its import source and the device's
/// position.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScanOrigin {
    /// The system and key the record was imported from.
    pub source: Option<SourceRef>,
    /// The device's position, when it reported one.
    pub location: Option<GeoPoint>,
}

impl ScanOrigin {
    /// Boxes `source` and `location` for [`Scan::origin`], or returns `None`
    /// when both are `None`, so that a scan without them allocates nothing.
    pub fn boxed(source: Option<SourceRef>, location: Option<GeoPoint>) -> Option<Box<Self>> {
        if source.is_none() && location.is_none() {
            return None;
        }
        Some(Box::new(Self { source, location }))
    }
}

impl Scan {
    /// Returns the system and key the record was imported from.
    pub fn source(&self) -> Option<&SourceRef> {
        self.origin.as_ref()?.source.as_ref()
    }

    /// Returns the device's position, when it reported one.
    pub fn location(&self) -> Option<GeoPoint> {
        self.origin.as_ref()?.location
    }

    /// Sets the import source, keeping the location.
    pub fn set_source(&mut self, source: Option<SourceRef>) {
        let location = self.location();
        self.origin = ScanOrigin::boxed(source, location);
    }

    /// Sets the device's position, keeping the source.
    pub fn set_location(&mut self, location: Option<GeoPoint>) {
        let source = self.origin.take().and_then(|origin| origin.source);
        self.origin = ScanOrigin::boxed(source, location);
    }
}

/// Compares every field, and treats an `origin` of neither source nor
/// location as equal to `None`.
impl PartialEq for Scan {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
            && self.session_id == other.session_id
            && self.learner_id == other.learner_id
            && self.scanned_at == other.scanned_at
            && self.direction == other.direction
            && self.method == other.method
            && self.token == other.token
            && self.nonce == other.nonce
            && self.source() == other.source()
            && self.location() == other.location()
    }
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
            session_id: session_id?,
            learner_id: learner_id?,
            scanned_at: scanned_at?,
            direction: direction?,
            method: method?,
            token,
            nonce,
            origin: ScanOrigin::boxed(source, location?),
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        write_identity(writer, &self.id, self.source());
        writer.put("session_id", &self.session_id);
        writer.put("learner_id", &self.learner_id);
        writer.put("scanned_at", &self.scanned_at);
        writer.put("direction", &self.direction);
        writer.put("method", &self.method);
        writer.put_opt("token", &self.token);
        write_location(writer, &self.location());
        writer.put_opt("nonce", &self.nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Path;

    fn scan(fields: serde_json::Value) -> Scan {
        let mut base = serde_json::json!({
            "id": "70000000-0000-4000-8000-000000000001",
            "session_id": "50000000-0000-4000-8000-000000000001",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "scanned_at": "2026-03-02T08:50:00+08:00",
        });
        for (name, value) in fields.as_object().unwrap() {
            base[name] = value.clone();
        }
        Scan::from_json(&base, &Path::root()).unwrap()
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn scan_is_112_bytes() {
        // Three ids of 16 bytes (48) and the instant (a date of 4 bytes and
        // a time of 8: 12). Direction and method take 1 byte each, the
        // token 24, the nonce 16 and the thin box of the origin 8. That is
        // 110 bytes, padded to 112 for the alignment of 8.
        assert_eq!(std::mem::size_of::<Scan>(), 112);
    }

    #[test]
    fn origin_absent_without_source_or_location() {
        let plain = scan(serde_json::json!({"token": "t-1", "nonce": "n-1"}));
        assert!(plain.origin.is_none());
        assert_eq!(plain.token.unwrap(), "t-1");
        assert_eq!(plain.nonce.unwrap(), "n-1");
    }

    #[test]
    fn origin_holds_source_and_location() {
        let read = scan(serde_json::json!({
            "id": null,
            "source_system": "app",
            "source_key": "k-7",
            "latitude": 30.25,
            "longitude": 120.5,
        }));
        let source = read.source().unwrap();
        assert_eq!(source.system, "app");
        assert_eq!(source.key, "k-7");
        assert_eq!(read.id, ScanId::derive("app", "k-7"));
        let location = read.location().unwrap();
        assert_eq!(location.latitude, 30.25);
        assert_eq!(location.longitude, 120.5);
    }

    #[test]
    fn setters_keep_the_other_part() {
        let mut edited = scan(serde_json::json!({}));
        let point = GeoPoint {
            latitude: 1.0,
            longitude: 2.0,
        };
        let source = SourceRef {
            system: "app".into(),
            key: "k".into(),
        };
        edited.set_location(Some(point));
        edited.set_source(Some(source.clone()));
        assert_eq!(edited.location(), Some(point));
        assert_eq!(edited.source(), Some(&source));

        edited.set_location(None);
        assert_eq!(edited.location(), None);
        assert_eq!(edited.source(), Some(&source));

        edited.set_source(None);
        assert!(edited.origin.is_none());
    }

    #[test]
    fn empty_origin_equals_none() {
        let plain = scan(serde_json::json!({}));
        let mut empty = plain.clone();
        empty.origin = Some(Box::default());
        assert_eq!(plain, empty);

        let mut located = plain.clone();
        located.set_location(Some(GeoPoint {
            latitude: 0.0,
            longitude: 0.0,
        }));
        assert_ne!(plain, located);
    }
}
