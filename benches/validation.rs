//! Validation throughput: one course form through the JSON API, and a scans
//! file through the bundle reader.

use std::fmt::Write as _;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::json;
use xuetong::bundle::{MemoryBundle, read_bundle};

fn course_request() -> serde_json::Value {
    json!({
        "locale": "zh-CN",
        "input": {
            "id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            "code": "QT-TAICHI-101",
            "title": "Tai chi for beginners 太极拳入门",
            "category": "tai_chi",
            "provider_venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
            "capacity": 20,
            "enrolment_opens_at": "2026-02-01T00:00:00+08:00",
            "enrolment_closes_at": "2026-03-01T23:59:59+08:00",
            "min_age": 50,
            "audience": "older_residents",
            "credit_value": "1.50",
            "completion_threshold": "80",
        }
    })
}

fn bench_course_form(c: &mut Criterion) {
    let request = course_request();
    c.bench_function("validate_course via api::call_value", |b| {
        b.iter(|| xuetong::api::call_value("validate_course", &request))
    });
}

/// A bundle with one venue, course and session and `scans` scans of
/// distinct learners.
fn scans_bundle(scans: usize) -> MemoryBundle {
    let mut files = MemoryBundle::new();
    files.insert(
        "venues.csv",
        "id,name,tier,time_zone\n10000000-0000-4000-8000-000000000001,College,district,Asia/Shanghai\n",
    );
    files.insert(
        "courses.csv",
        "id,title,category,provider_venue_id\n\
         40000000-0000-4000-8000-000000000001,Tai chi,tai_chi,10000000-0000-4000-8000-000000000001\n",
    );
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n\
         50000000-0000-4000-8000-000000000001,40000000-0000-4000-8000-000000000001,\
         10000000-0000-4000-8000-000000000001,2026-03-02,09:00,10:30\n",
    );
    let mut text = String::from("id,session_id,learner_id,scanned_at,direction,method,nonce\n");
    for index in 0..scans {
        let _ = writeln!(
            text,
            "70000000-0000-4000-8000-{index:012},50000000-0000-4000-8000-000000000001,\
             20000000-0000-4000-8000-{index:012},2026-03-02T08:{:02}:{:02}+08:00,check_in,qr,n-{index}",
            30 + index % 30,
            index % 60
        );
    }
    files.insert("scans.csv", text);
    files
}

fn bench_scans_file(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_bundle scans.csv");
    group.sample_size(10);
    for scans in [10_000usize, 100_000] {
        let files = scans_bundle(scans);
        group.throughput(Throughput::Elements(scans as u64));
        group.bench_with_input(BenchmarkId::from_parameter(scans), &files, |b, files| {
            b.iter(|| read_bundle(files).map(|(bundle, _)| bundle.scans.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_course_form, bench_scans_file);
criterion_main!(benches);
