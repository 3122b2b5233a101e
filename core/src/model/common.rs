//! Pieces shared by several records: identity, source references, positions
//! and birth dates.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::field::{FieldValue, Invalid, trim_spaces};
use crate::id::derive_id;
use crate::problem::{Problem, codes};
use crate::record::{FieldReader, FieldSpec, FieldWriter};

use super::codes as model_codes;

/// Where an imported record came from: the source system and its key there.
///
/// The system is a [`Cow`] so that records the crate makes can borrow a
/// fixed system name. The OULAD importer's records borrow `oulad`, and
/// [`Outcome::source_ref`] borrows [`OUTCOME_SOURCE_SYSTEM`] for
/// an outcome made from attendance. A `String` or a `&'static str`
/// converts to it with `into()`. Equality and hashing compare the text
/// only, so a borrowed and an owned system are equal.
///
/// NOTE: the serde implementations do not apply the checks that records
/// read from CSV, JSON or Arrow get (at most [`MAX_TEXT_CHARS`] characters,
/// no control characters other than tab, line feed and carriage return),
/// and they accept an empty system or key, which no record read from a
/// file holds.
///
/// [`OUTCOME_SOURCE_SYSTEM`]: crate::attendance::OUTCOME_SOURCE_SYSTEM
/// [`Outcome::source_ref`]: super::Outcome::source_ref
/// [`MAX_TEXT_CHARS`]: crate::field::MAX_TEXT_CHARS
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    /// The system the record was imported from, such as `oulad`.
    pub system: Cow<'static, str>,
    /// The record's key in that system.
    pub key: String,
}

/// The identity fields every record starts with.
pub(crate) const IDENTITY_FIELDS: [FieldSpec; 3] = [
    FieldSpec::optional("id"),
    FieldSpec::optional("source_system"),
    FieldSpec::optional("source_key"),
];

/// Reads `id`, `source_system` and `source_key`.
///
/// The id may be left out when the source is given: it is then derived from
/// the source (see [`crate::id::derive_id`]). When both are given they must
/// agree, so that a record cannot claim a source it was not derived from.
pub(crate) fn read_identity<Id>(reader: &mut FieldReader<'_>) -> Option<(Id, Option<SourceRef>)>
where
    Id: FieldValue + IdKind + Copy + From<uuid::Uuid> + Into<uuid::Uuid>,
{
    let id_given = reader.has("id");
    let id: Option<Id> = reader.optional("id");
    let system: Option<Cow<'static, str>> = reader.optional("source_system");
    let key: Option<String> = reader.optional("source_key");
    let source = match (reader.has("source_system"), reader.has("source_key")) {
        (false, false) => None,
        (true, true) => Some(SourceRef {
            system: system?,
            key: key?,
        }),
        (true, false) => {
            reader.report_field(model_codes::INCOMPLETE_SOURCE, "source_key");
            return None;
        }
        (false, true) => {
            reader.report_field(model_codes::INCOMPLETE_SOURCE, "source_system");
            return None;
        }
    };
    if id_given && id.is_none() {
        return None;
    }
    match (id, source) {
        (Some(id), None) => Some((id, None)),
        (None, Some(source)) => {
            let derived = Id::from(derive_id(Id::KIND, &source.system, &source.key));
            Some((derived, Some(source)))
        }
        (Some(id), Some(source)) => {
            let derived = derive_id(Id::KIND, &source.system, &source.key);
            if id.into() != derived {
                let problem = Problem::new(model_codes::ID_NOT_DERIVED, reader.path().join("id"))
                    .with("field", "id")
                    .with("value", id.to_text())
                    .with("expected", derived.to_string());
                reader.report(problem);
                return None;
            }
            Some((id, Some(source)))
        }
        (None, None) => {
            reader.report_field(codes::REQUIRED, "id");
            None
        }
    }
}

/// Writes `id`, `source_system` and `source_key`.
pub(crate) fn write_identity<Id: FieldValue>(
    writer: &mut FieldWriter,
    id: &Id,
    source: Option<&SourceRef>,
) {
    writer.put("id", id);
    if let Some(source) = source {
        writer.put("source_system", &source.system);
        writer.put("source_key", &source.key);
    }
}

/// The record kind a typed id derives from.
pub(crate) trait IdKind {
    const KIND: &'static str;
}

macro_rules! id_kind {
    ($($ty:ty),*) => {$(
        impl IdKind for $ty {
            const KIND: &'static str = <$ty>::KIND;
        }
    )*};
}

id_kind!(
    crate::id::LearnerId,
    crate::id::VenueId,
    crate::id::InstructorId,
    crate::id::CourseId,
    crate::id::SessionId,
    crate::id::EnrolmentId,
    crate::id::ScanId,
    crate::id::ExcusalId,
    crate::id::OutcomeId,
    crate::id::ClubId
);

/// A position on the globe in degrees (WGS 84).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeoPoint {
    /// Latitude, from -90 to 90.
    pub latitude: f64,
    /// Longitude, from -180 to 180.
    pub longitude: f64,
}

impl GeoPoint {
    /// Mean Earth radius in metres (IUGG).
    pub const EARTH_RADIUS_METRES: f64 = 6_371_008.8;

    /// The great-circle distance to `other` in metres, by the haversine
    /// formula on a sphere of [`GeoPoint::EARTH_RADIUS_METRES`].
    pub fn distance_metres(self, other: GeoPoint) -> f64 {
        let (lat1, lat2) = (self.latitude.to_radians(), other.latitude.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.longitude - self.longitude).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * Self::EARTH_RADIUS_METRES * a.sqrt().min(1.0).asin()
    }
}

/// The location fields of records that may carry a position.
pub(crate) const LOCATION_FIELDS: [FieldSpec; 2] = [
    FieldSpec::optional("latitude"),
    FieldSpec::optional("longitude"),
];

/// Reads `latitude` and `longitude`, which must come together and lie on the
/// globe. The outer `None` means a problem was reported.
pub(crate) fn read_location(reader: &mut FieldReader<'_>) -> Option<Option<GeoPoint>> {
    let latitude: Option<f64> = reader.optional("latitude");
    let longitude: Option<f64> = reader.optional("longitude");
    let mut ok = true;
    if let Some(value) = latitude.filter(|value| !(-90.0..=90.0).contains(value)) {
        reader.report(coordinate_problem(reader.path(), "latitude", value, 90));
        ok = false;
    }
    if let Some(value) = longitude.filter(|value| !(-180.0..=180.0).contains(value)) {
        reader.report(coordinate_problem(reader.path(), "longitude", value, 180));
        ok = false;
    }
    if reader.has("latitude") != reader.has("longitude") {
        let missing = if reader.has("latitude") {
            "longitude"
        } else {
            "latitude"
        };
        reader.report_field(codes::INCOMPLETE_LOCATION, missing);
        ok = false;
    }
    if !ok {
        return None;
    }
    Some(match (latitude, longitude) {
        (Some(latitude), Some(longitude)) => Some(GeoPoint {
            latitude,
            longitude,
        }),
        _ => None,
    })
}

/// The problem of a coordinate outside `-limit..=limit`, built with
/// [`Problem::with`] so that its message has every parameter filled in.
fn coordinate_problem(
    path: &crate::problem::Path,
    field: &'static str,
    value: f64,
    limit: i32,
) -> Problem {
    Problem::new(codes::INVALID_COORDINATE, path.join(field))
        .with("field", field)
        .with("value", value.to_string())
        .with("min", -limit)
        .with("max", limit)
}

/// Writes `latitude` and `longitude`.
pub(crate) fn write_location(writer: &mut FieldWriter, location: &Option<GeoPoint>) {
    if let Some(point) = location {
        writer.put("latitude", &point.latitude);
        writer.put("longitude", &point.longitude);
    }
}

/// A birth date, or only the birth year when that is all a source records.
///
/// Written `1950-03-01` or `1950`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BirthDate {
    /// The full date.
    Date(NaiveDate),
    /// Only the year.
    Year(i32),
}

impl BirthDate {
    /// The birth year.
    pub fn year(self) -> i32 {
        match self {
            Self::Date(date) => date.year(),
            Self::Year(year) => year,
        }
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            Self::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl FieldValue for BirthDate {
    const EXPECTED: &'static str = "a date written YYYY-MM-DD, or a year";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        if text.len() == 4 && text.bytes().all(|byte| byte.is_ascii_digit()) {
            let year: i32 = text
                .parse()
                .map_err(|_| Invalid::new(codes::INVALID_DATE))?;
            if year >= 1850 {
                return Ok(Self::Year(year));
            }
            return Err(Invalid::new(codes::INVALID_DATE));
        }
        NaiveDate::from_text(text).map(Self::Date)
    }

    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl Serialize for BirthDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BirthDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BirthDate::from_text(trim_spaces(&text)).map_err(|_| {
            serde::de::Error::custom(format!(
                "birth date must be YYYY-MM-DD or a year, got \"{text}\""
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_shanghai_to_hangzhou() {
        // People's Square, Shanghai, to West Lake, Hangzhou: about 165 km.
        let shanghai = GeoPoint {
            latitude: 31.2304,
            longitude: 121.4737,
        };
        let hangzhou = GeoPoint {
            latitude: 30.2590,
            longitude: 120.1300,
        };
        let km = shanghai.distance_metres(hangzhou) / 1000.0;
        assert!((160.0..170.0).contains(&km), "{km}");
    }

    #[test]
    fn coordinate_messages_name_the_range() {
        use crate::record::Record;
        let venue = serde_json::json!({
            "id": "10000000-0000-4000-8000-000000000001", "name": "Hall",
            "tier": "district", "time_zone": "Asia/Shanghai",
            "latitude": 91, "longitude": -180.5,
        });
        let problems =
            super::super::Venue::from_json(&venue, &crate::problem::Path::root()).unwrap_err();
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "latitude must be a number between -90 and 90, got \"91\"",
                "longitude must be a number between -180 and 180, got \"-180.5\"",
            ]
        );
    }

    #[test]
    fn birth_dates_full_or_year() {
        assert_eq!(BirthDate::from_text("1950").unwrap(), BirthDate::Year(1950));
        assert!(matches!(
            BirthDate::from_text("1952-02-29").unwrap(),
            BirthDate::Date(_)
        ));
        assert!(BirthDate::from_text("1951-02-29").is_err());
        assert!(BirthDate::from_text("0950").is_err());
    }

    #[test]
    fn birth_date_serde_keeps_line_separators() {
        let spaced: BirthDate = serde_json::from_str("\" 1950\\u3000\"").unwrap();
        assert_eq!(spaced, BirthDate::Year(1950));
        for separator in ["\\u0085", "\\u2028", "\\u2029"] {
            let json = format!("\"1950{separator}\"");
            assert!(serde_json::from_str::<BirthDate>(&json).is_err(), "{json}");
        }
    }

    fn source(system: Cow<'static, str>) -> SourceRef {
        SourceRef {
            system,
            key: "k-1".to_owned(),
        }
    }

    fn hash_of(source: &SourceRef) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault};
        BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(source)
    }

    #[test]
    fn source_ref_borrowed_equals_owned() {
        let borrowed = source(Cow::Borrowed("xuetong-attendance"));
        let owned = source(Cow::Owned("xuetong-attendance".to_owned()));
        assert_eq!(borrowed, owned);
        assert_eq!(hash_of(&borrowed), hash_of(&owned));
        assert_ne!(borrowed, source(Cow::Borrowed("xuetong-attendance ")));
    }

    #[test]
    fn source_ref_serde_round_trip() {
        let borrowed = source(Cow::Borrowed("xuetong-attendance"));
        let json = serde_json::to_string(&borrowed).unwrap();
        assert_eq!(json, r#"{"system":"xuetong-attendance","key":"k-1"}"#);
        let read: SourceRef = serde_json::from_str(&json).unwrap();
        assert!(matches!(read.system, Cow::Owned(_)));
        assert_eq!(read, borrowed);
        assert_eq!(hash_of(&read), hash_of(&borrowed));
    }

    #[test]
    fn source_ref_serde_odd_text() {
        let read: SourceRef =
            serde_json::from_str(r#"{"system":"a\"b\\c\u00e9\n","key":""}"#).unwrap();
        assert_eq!(read.system, "a\"b\\c\u{e9}\n");
        assert_eq!(read.key, "");

        let read: SourceRef = serde_json::from_str(r#"{"system":"","key":"k"}"#).unwrap();
        assert_eq!(read.system, "");

        let huge = "x".repeat(1 << 20);
        let json = serde_json::json!({ "system": huge, "key": "k" }).to_string();
        let read: SourceRef = serde_json::from_str(&json).unwrap();
        assert_eq!(read.system.len(), 1 << 20);
    }

    #[test]
    fn source_system_field_checks() {
        use crate::record::Record;
        let learner = |system: serde_json::Value| {
            let json = serde_json::json!({
                "display_name": "Li", "source_system": system, "source_key": "7",
            });
            super::super::Learner::from_json(&json, &crate::problem::Path::root())
        };
        let codes_of = |system: serde_json::Value| -> Vec<crate::problem::Code> {
            let problems = learner(system).unwrap_err();
            problems.iter().map(|problem| problem.code).collect()
        };

        let read = learner(serde_json::json!(" oulad ")).unwrap();
        let source = read.source.unwrap();
        assert_eq!(source.system, "oulad");
        assert_eq!(read.id, crate::id::LearnerId::derive("oulad", "7"));

        assert_eq!(codes_of(serde_json::json!(7)), [codes::INVALID_TYPE]);
        assert_eq!(
            codes_of(serde_json::json!(["oulad"])),
            [codes::INVALID_TYPE]
        );
        assert_eq!(
            codes_of(serde_json::json!("a\u{1b}b")),
            [codes::CONTROL_CHARACTER]
        );
        let too_long = "x".repeat(crate::field::MAX_TEXT_CHARS + 1);
        assert_eq!(codes_of(serde_json::json!(too_long)), [codes::TOO_LONG]);
        let longest = "x".repeat(crate::field::MAX_TEXT_CHARS);
        assert_eq!(
            learner(serde_json::json!(longest))
                .unwrap()
                .source
                .unwrap()
                .system
                .len(),
            crate::field::MAX_TEXT_CHARS
        );
    }

    #[test]
    fn source_ref_serde_rejects_bad_system() {
        for json in [
            r#"{"system":1,"key":"k"}"#,
            r#"{"system":null,"key":"k"}"#,
            r#"{"system":["a"],"key":"k"}"#,
            r#"{"system":{"a":1},"key":"k"}"#,
            r#"{"system":"\ud800","key":"k"}"#,
            r#"{"key":"k"}"#,
            r#"{"system":"a","key":"k","note":1}"#,
        ] {
            assert!(serde_json::from_str::<SourceRef>(json).is_err(), "{json}");
        }
    }
}
