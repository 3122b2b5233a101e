//! Round trips of the JSON forms: any valid record written as JSON reads
//! back equal, and so does its CSV row.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use proptest::prelude::*;
use xuetong::bundle::write_records;
use xuetong::decimal::{Credits, Percent};
use xuetong::id::{CourseId, LearnerId, ScanId, SessionId, VenueId};
use xuetong::model::{
    Audience, BirthDate, Category, Course, GeoPoint, Learner, Scan, ScanDirection, ScanMethod,
    ScanOrigin, ShortText, SourceRef,
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
        prop::option::of("[0-9a-f]{16}"),
        prop::option::of(("[a-z]{3,8}", "[A-Za-z0-9-]{1,12}")),
    )
        .prop_map(
            |(id, session, learner, seconds, out, token, location, nonce, source)| {
                let source = source.map(|(system, key)| SourceRef {
                    system: system.into(),
                    key,
                });
                let id = match &source {
                    Some(source) => ScanId::derive(&source.system, &source.key),
                    None => ScanId(id),
                };
                let location = location.map(|(latitude, longitude)| GeoPoint {
                    latitude,
                    longitude,
                });
                Scan {
                    id,
                    session_id: SessionId(session),
                    learner_id: LearnerId(learner),
                    scanned_at: Utc.timestamp_opt(seconds, 0).unwrap(),
                    direction: if out {
                        ScanDirection::CheckOut
                    } else {
                        ScanDirection::CheckIn
                    },
                    method: ScanMethod::Card,
                    token: token.map(ShortText::from),
                    nonce: nonce.map(ShortText::from),
                    origin: ScanOrigin::boxed(source, location),
                }
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

/// Scan JSON written by hand, with a token and a nonce in each form that
/// `ShortText` keeps: inline, packed at 6 bits and boxed.
#[test]
fn scan_tokens_in_json_by_hand() {
    let cases = [
        // A rotating token (24 base64url characters) and a generated nonce.
        ("AAADhZUnlM-Y4MGycScsKQFW", "e6f6e8cbefc9f66e"),
        // Short texts, kept inline.
        ("t-1", "retry-1"),
        // The longest packed texts, 29 and 18 characters.
        ("_____________________________", "abcdefghijklmnopqr"),
        // One character more each, and characters outside base64url.
        ("______________________________", "abcdefghijklmnopqrs"),
        ("AAADhZUnlM+Y4MGycScsKQF=", "abcdefghijklmnop/."),
        // Chinese text, 24 bytes and 12 bytes.
        ("签到令牌签到令牌", "签到令牌"),
    ];
    for (token, nonce) in cases {
        let json = format!(
            concat!(
                r#"{{"id":"70000000-0000-4000-8000-000000000001","#,
                r#""session_id":"50000000-0000-4000-8000-000000000001","#,
                r#""learner_id":"20000000-0000-4000-8000-000000000001","#,
                r#""scanned_at":"2026-03-02T00:50:00Z","direction":"check_out","#,
                r#""method":"card","token":"{}","nonce":"{}"}}"#,
            ),
            token, nonce
        );
        let scan: Scan = serde_json::from_str(&json).unwrap();
        assert_eq!(scan.token.as_ref().unwrap().to_string(), token);
        assert_eq!(scan.nonce.as_ref().unwrap().to_string(), nonce);
        assert_eq!(
            serde_json::to_value(&scan).unwrap(),
            serde_json::from_str::<serde_json::Value>(&json).unwrap(),
            "{json}"
        );

        let cells = scan.to_csv_cells();
        assert_eq!(cells.iter().filter(|cell| *cell == token).count(), 1);
        assert_eq!(cells.iter().filter(|cell| *cell == nonce).count(), 1);
        assert_eq!(csv_round_trip(&scan), cells);
    }
}

/// Candidate JSON values for a field, chosen by the field's name: valid
/// values of the field's type and a few invalid ones. Fields named alike
/// share a type across records (`*_id` is a UUID, `*_on` a date, and so on).
fn candidates(name: &str, choices: &[String]) -> Vec<serde_json::Value> {
    use serde_json::json;
    if !choices.is_empty() {
        let mut values: Vec<serde_json::Value> =
            choices.iter().map(|choice| json!(choice)).collect();
        values.push(json!("not_a_choice"));
        return values;
    }
    let uuids = || {
        vec![
            json!("0f8fad5b-d9cb-469f-a165-70867728950e"),
            json!("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        ]
    };
    match name {
        "id" => uuids(),
        _ if name.ends_with("_id") => uuids(),
        "instructor_ids" => vec![
            json!(["0f8fad5b-d9cb-469f-a165-70867728950e"]),
            json!([
                "0f8fad5b-d9cb-469f-a165-70867728950e",
                "7c9e6679-7425-40de-944b-e07fc1f90ae7"
            ]),
        ],
        "date" | "end_date" | "registered_on" | "occurred_on" | "recorded_on" | "founded_on"
        | "status_since" | "joined_on" | "left_on" => {
            vec![
                json!("2024-02-29"),
                json!("2026-03-02"),
                json!("2026-13-01"),
            ]
        }
        "birth_date" => vec![json!("1957"), json!("1960-02-29"), json!("1957-02-29")],
        "start_time" | "end_time" => vec![
            json!("09:00"),
            json!("22:00:30"),
            json!("01:00"),
            json!("9am"),
        ],
        _ if name.ends_with("_at") => vec![
            json!("2026-03-02T08:52:10+08:00"),
            json!("2026-03-02T00:00:00Z"),
            json!("2026-03-02T08:52:10.250+08:00"),
            json!("2026-03-02 08:52"),
        ],
        "time_zone" => vec![
            json!("Asia/Shanghai"),
            json!("America/Toronto"),
            json!("Beijing"),
        ],
        "seats" | "population" | "older_population" | "capacity" | "min_age" | "max_age"
        | "minutes" | "certificate_level" | "score" => {
            vec![json!(0), json!(5), json!("60"), json!(-1)]
        }
        "walk_in"
        | "residents_only"
        | "assessment_required"
        | "team"
        | "banked"
        | "passed"
        | "has_rules" => vec![json!(true), json!(false), json!("true"), json!("maybe")],
        "credit_value" => vec![json!("1.5"), json!("0"), json!("2.505")],
        "completion_threshold" => vec![json!("80"), json!("79.5"), json!("101")],
        "latitude" => vec![json!(30.25), json!("-45.5"), json!(91)],
        "longitude" => vec![json!(120.1), json!("-79.4")],
        "category" | "parent" | "key" => vec![
            json!("tai_chi"),
            json!("arts"),
            json!("pottery"),
            json!("Tai Chi"),
        ],
        _ => vec![
            json!("Seán O'Brien-Ní Dhuibhir"),
            json!("王秀英, \"秀\""),
            json!("two\nlines"),
            json!("x"),
        ],
    }
}

/// The allowed values of a choice field, read from the `allowed` parameter of
/// the problem reported for an invalid value, or none for other fields.
fn choices_of<T: Record>(name: &str) -> Vec<String> {
    let input = serde_json::json!({ name: "zzz_not_valid" });
    let Err(problems) = T::from_json(&input, &Path::root()) else {
        return Vec::new();
    };
    problems
        .iter()
        .find(|problem| {
            problem.code.as_str() == "invalid_choice" && problem.path.to_string() == name
        })
        .and_then(|problem| problem.params.get("allowed"))
        .and_then(|allowed| allowed.as_str())
        .map(|allowed| allowed.split(", ").map(str::to_owned).collect())
        .unwrap_or_default()
}

/// For random combinations of candidate values, every record that reads
/// from JSON reads back equal from its own JSON form and from its CSV row.
/// `presence` is the chance that each optional field is given.
fn round_trips<T: Record + PartialEq + std::fmt::Debug>(presence: f64) {
    use proptest::test_runner::{Config, TestRunner};
    use xuetong::problem::Problems;
    use xuetong::record::{Cells, FieldReader};

    let pools: Vec<(&'static str, Vec<serde_json::Value>)> = T::FIELDS
        .iter()
        .map(|spec| {
            (
                spec.name,
                candidates(spec.name, &choices_of::<T>(spec.name)),
            )
        })
        .collect();
    // Required fields, and the id that most records need unless a source
    // derives it, are always given, with a random candidate. Source fields
    // are left out, since with an id they must match it (the vectors cover
    // derived ids).
    let strategy = T::FIELDS
        .iter()
        .zip(&pools)
        .map(|(spec, (_, pool))| {
            let indexes = 0..pool.len();
            match spec.name {
                "source_system" | "source_key" => Just(None).boxed(),
                "id" => indexes.prop_map(Some).boxed(),
                _ if spec.required => indexes.prop_map(Some).boxed(),
                _ => prop::option::weighted(presence, indexes).boxed(),
            }
        })
        .collect::<Vec<_>>();
    let accepted = std::cell::Cell::new(0usize);
    let mut runner = TestRunner::deterministic();
    let config = Config {
        cases: 4_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(config, runner.new_rng());
    runner
        .run(&strategy, |picks| {
            let mut object = serde_json::Map::new();
            for ((name, pool), pick) in pools.iter().zip(&picks) {
                if let Some(index) = pick {
                    object.insert((*name).to_owned(), pool[*index].clone());
                }
            }
            let Ok(record) = T::from_json(&serde_json::Value::Object(object), &Path::root()) else {
                return Ok(());
            };
            accepted.set(accepted.get() + 1);
            let json = record.to_json();
            let back = T::from_json(&json, &Path::root()).expect("a written record reads back");
            prop_assert_eq!(&back, &record);
            prop_assert_eq!(back.to_json(), json);

            let cells = record.to_csv_cells();
            let mut problems = Problems::new();
            let from_csv = {
                let cells = Cells::Csv {
                    fields: T::FIELDS,
                    cells: cells.iter().map(|cell| Some(cell.as_str())).collect(),
                };
                let mut reader = FieldReader::new(cells, Path::root(), &mut problems);
                T::read_fields(&mut reader)
            };
            prop_assert!(problems.is_empty(), "{}: {problems}", T::KIND);
            prop_assert_eq!(from_csv.as_ref(), Some(&record));
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{}: {failure}", T::KIND));
    assert!(
        accepted.get() > 10,
        "{}: only {} random records were valid; the candidates need fixing",
        T::KIND,
        accepted.get()
    );
}

#[test]
fn every_record_type_round_trips() {
    use xuetong::model::{
        CategoryDef, Club, ClubMember, Enrolment, Excusal, Instructor, Outcome, Session, Venue,
    };
    round_trips::<Learner>(0.7);
    round_trips::<Venue>(0.7);
    round_trips::<Instructor>(0.7);
    round_trips::<CategoryDef>(0.7);
    round_trips::<Club>(0.7);
    round_trips::<ClubMember>(0.7);
    round_trips::<Course>(0.7);
    round_trips::<Session>(0.7);
    round_trips::<Enrolment>(0.7);
    round_trips::<Excusal>(0.7);
    round_trips::<Outcome>(0.12);
    round_trips::<Scan>(0.7);
}
