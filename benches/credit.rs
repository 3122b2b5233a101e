//! The credit engine on a district-sized season: 20,000 outcomes of 2,000
//! learners under the default `community` rules, computed and recorded in an
//! empty ledger, then recomputed against that ledger (the rerun appends
//! nothing).

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use xuetong::credit::{CreditContext, Ledger, compute_credits, presets};
use xuetong::model::{Course, Outcome, Taxonomy, Venue};
use xuetong::problem::Path;
use xuetong::record::Record;

const VENUE: &str = "10000000-0000-4000-8000-000000000001";

fn course_id(index: usize) -> String {
    format!("30000000-0000-4000-8000-{index:012}")
}

fn season() -> (CreditContext, Vec<Outcome>) {
    let venue = Venue::from_json(
        &json!({"id": VENUE, "name": "District college", "tier": "district", "time_zone": "Asia/Shanghai"}),
        &Path::root(),
    )
    .unwrap();
    let courses: Vec<Course> = (0..50)
        .map(|index| {
            let mut course = json!({"id": course_id(index), "title": "Course", "category": "tai_chi",
                                    "provider_venue_id": VENUE, "code": format!("C-{}", index % 40)});
            if index % 5 == 0 {
                course["credit_value"] = json!("1.50");
            }
            Course::from_json(&course, &Path::root()).unwrap()
        })
        .collect();
    let outcomes = (0..20_000)
        .map(|index: usize| {
            let learner = format!("20000000-0000-4000-8000-{:012}", index % 2_000);
            let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                + chrono::Days::new((index * 7 % 365) as u64);
            let mut outcome = json!({
                "id": format!("90000000-0000-4000-8000-{index:012}"),
                "learner_id": learner,
                "occurred_on": date.to_string(),
            });
            let fields = match index % 5 {
                0 | 1 => json!({"kind": "attendance", "minutes": 90, "course_id": course_id(index % 50 / 5 * 5 + 1)}),
                2 => json!({"kind": "course_completion", "course_id": course_id(index % 10 * 5)}),
                3 => json!({"kind": "volunteer_service", "minutes": 60 + index % 600}),
                _ => json!({"kind": "club_activity", "minutes": 120, "club_id": "c0000000-0000-4000-8000-000000000001"}),
            };
            for (key, value) in fields.as_object().unwrap() {
                outcome[key] = value.clone();
            }
            Outcome::from_json(&outcome, &Path::root()).unwrap()
        })
        .collect();
    let context = CreditContext::new(courses, vec![venue], Taxonomy::built_in());
    (context, outcomes)
}

fn credit_engine(c: &mut Criterion) {
    let (context, outcomes) = season();
    let rules = presets::community();
    let day = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
    c.bench_function("compute 20k outcomes", |b| {
        b.iter(|| compute_credits(black_box(&rules), &context, black_box(&outcomes)).unwrap())
    });
    let computation = compute_credits(&rules, &context, &outcomes).unwrap();
    c.bench_function("record into an empty ledger", |b| {
        b.iter(|| {
            let mut ledger = Ledger::new();
            ledger.record(black_box(&computation), day).unwrap()
        })
    });
    let mut recorded = Ledger::new();
    recorded.record(&computation, day).unwrap();
    c.bench_function("rerun against the recorded ledger", |b| {
        b.iter(|| {
            let mut ledger = recorded.clone();
            ledger.record(black_box(&computation), day).unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = credit_engine
}
criterion_main!(benches);
