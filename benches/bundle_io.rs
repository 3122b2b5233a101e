//! Reading a bundle and writing the two largest output files of a season,
//! on a sample district of 5,000 learners (about 106,000 scans) generated
//! in memory, so that disk speed does not count.
//!
//! - `read_bundle` and `read_bundle_parallel`: every CSV file of the bundle
//!   (about 23 MB), parsed, checked and linked.
//! - `outcomes.csv` and `attendance_records.csv`: the files written into
//!   memory from the season of that bundle.

use std::io;

use criterion::{Criterion, criterion_group, criterion_main};
use xuetong::bundle::{MemoryBundle, read_bundle, read_bundle_parallel};
use xuetong::problem::Locale;
use xuetong::sample::{SampleParams, generate, sample_token_key};
use xuetong::season::{OutputFile, SeasonOptions, run_season, write_output};

const LEARNERS: u32 = 5_000;

fn sample_bundle() -> (MemoryBundle, chrono::DateTime<chrono::Utc>) {
    let params = SampleParams {
        learners: LEARNERS,
        ..SampleParams::default()
    };
    let sample = generate(&params).expect("the sample parameters are valid");
    let mut files = MemoryBundle::new();
    sample
        .write(&mut files, &mut |_, _| {})
        .expect("a memory bundle accepts every file");
    (files, sample.as_of)
}

fn bench_bundle_io(c: &mut Criterion) {
    let (files, as_of) = sample_bundle();
    let mut group = c.benchmark_group("bundle_io");
    group.sample_size(10);
    group.bench_function("read_bundle", |b| {
        b.iter(|| read_bundle(&files).map(|(bundle, _)| bundle.scans.len()))
    });
    group.bench_function("read_bundle_parallel", |b| {
        b.iter(|| read_bundle_parallel(&files).map(|(bundle, _)| bundle.scans.len()))
    });

    let (bundle, report) = read_bundle(&files).expect("a memory bundle reads");
    assert!(report.is_clean(), "the sample bundle reads clean");
    let mut options = SeasonOptions::new(as_of, "https://learn.example.org");
    options.token_key = Some(sample_token_key());
    let season = run_season(&bundle, options).expect("the season options are valid");
    for file in [OutputFile::Outcomes, OutputFile::AttendanceRecords] {
        group.bench_function(file.as_str(), |b| {
            b.iter(|| write_output(&season, file, &mut io::sink(), Locale::En))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_bundle_io);
criterion_main!(benches);
