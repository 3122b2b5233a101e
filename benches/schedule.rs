//! Scheduling and enrolment throughput: a year of daily sessions expanded
//! over the holiday calendar and written as an iCalendar file, and a
//! course's enrolments driven through the roster, also past a long waiting
//! list of learners who are no longer eligible.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};

const COURSE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const VENUE: &str = "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c";

fn year_series() -> Value {
    json!({"input": {
        "id": "2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11",
        "course_id": COURSE,
        "venue_id": VENUE,
        "time_zone": "Asia/Shanghai",
        "frequency": "daily",
        "start_date": "2025-01-01",
        "until": "2025-12-31",
        "start_time": "09:00",
        "duration_minutes": 90,
        "holiday_calendar": "cn",
    }})
}

fn bench_expand(c: &mut Criterion) {
    let request = year_series();
    c.bench_function("expand_schedule: daily for 2025 over cn", |b| {
        b.iter(|| xuetong::api::call_value("expand_schedule", &request))
    });
}

fn bench_export(c: &mut Criterion) {
    let expanded = xuetong::api::call_value("expand_schedule", &year_series()).to_json();
    let sessions: Vec<Value> = expanded["value"]["sessions"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut session| {
            if let Value::Object(object) = &mut session {
                for added in ["number", "total", "starts_at", "ends_at", "minutes"] {
                    object.remove(added);
                }
            }
            session
        })
        .collect();
    let request = json!({"input": {"generated_at": "2026-01-01T00:00:00Z", "sessions": sessions}});
    c.bench_function("export_ical: a year of sessions", |b| {
        b.iter(|| xuetong::api::call_value("export_ical", &request))
    });
}

fn bench_roster(c: &mut Criterion) {
    let learner = |n: usize| format!("20000000-0000-4000-8000-{n:012}");
    let mut operations: Vec<Value> = (0..200)
        .map(|n| {
            json!({"op": "enrol", "at": format!("2026-02-01T{:02}:{:02}:00Z", n / 60, n % 60), "learner_id": learner(n)})
        })
        .collect();
    operations.extend((0..50).map(|n| {
        json!({"op": "withdraw", "at": format!("2026-02-02T{:02}:{:02}:00Z", n / 60, n % 60), "learner_id": learner(n * 3)})
    }));
    let request = json!({"input": {
        "course": {
            "id": COURSE,
            "title": "Tai chi",
            "category": "tai_chi",
            "provider_venue_id": VENUE,
            "capacity": 60,
        },
        "operations": operations,
    }});
    c.bench_function("enrolment_apply: 200 enrolments, 50 withdrawals", |b| {
        b.iter(|| xuetong::api::call_value("enrolment_apply", &request))
    });
}

fn bench_stale_waiting_list(c: &mut Criterion) {
    // 1,500 waiting records of learners too young for the course, 100 free
    // places, and 50 enrolments of learners who are old enough: promotion
    // passes over every stale entry before each enrolment.
    let learner = |n: usize| format!("20000000-0000-4000-8000-{n:012}");
    let young = 1500;
    let mut learners: Vec<Value> = (0..young)
        .map(|n| json!({"id": learner(n), "display_name": "young", "birth_date": "2000-01-01"}))
        .collect();
    learners.extend(
        (young..young + 50).map(
            |n| json!({"id": learner(n), "display_name": "older", "birth_date": "1950-01-01"}),
        ),
    );
    let enrolments: Vec<Value> = (0..young)
        .map(|n| {
            json!({
                "id": format!("60000000-0000-4000-8000-{n:012}"),
                "learner_id": learner(n),
                "course_id": COURSE,
                "requested_at": "2026-01-15T00:00:00Z",
                "status": "waitlisted",
            })
        })
        .collect();
    let operations: Vec<Value> = (young..young + 50)
        .map(|n| {
            json!({"op": "enrol", "at": format!("2026-02-01T00:{:02}:00Z", n - young), "learner_id": learner(n)})
        })
        .collect();
    let request = json!({
        "input": {
            "course": {
                "id": COURSE,
                "title": "Tai chi",
                "category": "tai_chi",
                "provider_venue_id": VENUE,
                "capacity": 100,
                "min_age": 60,
            },
            "enrolments": enrolments,
            "learners": learners,
            "operations": operations,
        },
        "options": {"on": "2026-03-02"},
    });
    c.bench_function(
        "enrolment_apply: 50 enrolments past 1,500 ineligible waiting records",
        |b| b.iter(|| xuetong::api::call_value("enrolment_apply", &request)),
    );
}

criterion_group!(
    benches,
    bench_expand,
    bench_export,
    bench_roster,
    bench_stale_waiting_list
);
criterion_main!(benches);
