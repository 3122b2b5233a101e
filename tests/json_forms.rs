//! Round trips of the JSON forms: any valid record written as JSON reads
//! back equal, and so does its CSV row.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;
use xuetong::bundle::write_records;
use xuetong::decimal::{Credits, Percent};
use xuetong::id::{CourseId, LearnerId, ScanId, SessionId, VenueId};
use xuetong::model::{
    Audience, BirthDate, Category, Course, GeoPoint, Learner, Scan, ScanDirection, ScanMethod,
    SourceRef,
};
use xuetong::problem::Path;
use xuetong::record::Record;

fn text() -> impl Strategy<Value = String> {
    // Names from several scripts, with the characters that CSV must quote.
    prop::string::string_regex("[A-Za-zÀ-ÿ王李张秀英'\\-,\" ]{0,12}[A-Za-z王]")
        .expect("valid regex")
        .prop_map(|name| name.trim().to_owned())
        .prop_filter("not empty", |name| !name.is_empty())
}

fn uuid() -> impl Strategy<Value = uuid::Uuid> {
    any::<u128>().prop_map(uuid::Uuid::from_u128)
}

fn learner() -> impl Strategy<Value = Learner> {
    (
        uuid(),
        text(),
        prop::option::of(prop_oneof![
            (1900i32..2020).prop_map(BirthDate::Year),
            (0u32..40_000).prop_map(|days| BirthDate::Date(
                NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Days::new(u64::from(days))
            )),
        ]),
        prop::option::of(uuid()),
        prop::option::of((0u32..20_000).prop_map(|days| {
            NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(u64::from(days))
        })),
    )
        .prop_map(
            |(id, display_name, birth_date, home, registered_on)| Learner {
                id: LearnerId(id),
                source: None,
                display_name,
                birth_date,
                home_venue_id: home.map(VenueId),
                registered_on,
            },
        )
}

fn course() -> impl Strategy<Value = Course> {
    (
        uuid(),
        text(),
        prop::sample::select(vec!["tai_chi", "calligraphy", "smartphone_skills"]),
        prop::option::of(0u32..500),
        prop::option::of(0u8..60),
        prop::option::of(-1000i64..100_000),
        0u32..=10_000,
        any::<bool>(),
    )
        .prop_map(
            |(id, title, category, capacity, min_age, credits, threshold, walk_in)| Course {
                id: CourseId(id),
                source: Some(SourceRef {
                    system: "test".into(),
                    key: id.to_string(),
                }),
                code: None,
                title,
                category: Category::new(category).unwrap(),
                provider_venue_id: VenueId(id),
                network_level: None,
                capacity,
                enrolment_opens_at: None,
                enrolment_closes_at: None,
                walk_in,
                min_age,
                max_age: min_age.map(|age| age + 10),
                audience: Audience::AllAges,
                residents_only: false,
                credit_value: credits.map(|c| Credits::from_hundredths(c.abs())),
                completion_threshold: Percent::from_hundredths(threshold),
                assessment_required: walk_in,
            },
        )
        .prop_map(|mut course| {
            // The id of a course with a source is derived from it.
            let source = course.source.clone().unwrap();
            course.id = CourseId::derive(&source.system, &source.key);
            course
        })
}

fn scan() -> impl Strategy<Value = Scan> {
    (
        uuid(),
        uuid(),
        uuid(),
        0i64..2_000_000_000,
        any::<bool>(),
        prop::option::of("[A-Za-z0-9_-]{8,24}"),
        prop::option::of((-90.0f64..90.0, -180.0f64..180.0)),
    )
        .prop_map(
            |(id, session, learner, seconds, out, token, location)| Scan {
                id: ScanId(id),
                source: None,
                session_id: SessionId(session),
                learner_id: LearnerId(learner),
                scanned_at: Utc.timestamp_opt(seconds, 0).unwrap(),
                direction: if out {
                    ScanDirection::CheckOut
                } else {
                    ScanDirection::CheckIn
                },
                method: ScanMethod::Card,
                token,
                location: location.map(|(latitude, longitude)| GeoPoint {
                    latitude,
                    longitude,
                }),
                nonce: None,
            },
        )
}

/// Writes one record as a CSV file and reads it back through the JSON
/// reader of its cells, as the bundle reader does.
fn csv_round_trip<T: Record + Clone>(record: &T) -> Vec<String> {
    let mut bytes = Vec::new();
    write_records(std::slice::from_ref(record), &mut bytes).unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let row = reader.records().next().unwrap().unwrap();
    row.iter().map(str::to_owned).collect()
}

proptest! {
    #[test]
    fn learner_json_round_trip(learner in learner()) {
        let json = learner.to_json();
        let back = Learner::from_json(&json, &Path::root()).unwrap();
        prop_assert_eq!(back, learner);
    }

    #[test]
    fn learner_csv_round_trip(learner in learner()) {
        prop_assert_eq!(csv_round_trip(&learner), learner.to_csv_cells());
    }

    #[test]
    fn course_json_round_trip(course in course()) {
        let json = course.to_json();
        let back = Course::from_json(&json, &Path::root()).unwrap();
        prop_assert_eq!(back, course);
    }

    #[test]
    fn scan_json_round_trip(scan in scan()) {
        let json = serde_json::to_string(&scan).unwrap();
        let back: Scan = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, scan);
    }
}

#[test]
fn session_text_times_round_trip() {
    let json = serde_json::json!({
        "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
        "date": "2026-03-02",
        "start_time": "22:00",
        "end_time": "01:00",
    });
    let session = xuetong::model::Session::from_json(&json, &Path::root()).unwrap();
    assert_eq!(
        session.local_end_date(),
        NaiveDate::from_ymd_opt(2026, 3, 3)
    );
    assert_eq!(
        session.start_time,
        NaiveTime::from_hms_opt(22, 0, 0).unwrap()
    );
    let again = xuetong::model::Session::from_json(&session.to_json(), &Path::root()).unwrap();
    assert_eq!(again, session);
}
