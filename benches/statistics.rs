//! Statistics by scope on a generated district of 5,000 learners: a season
//! run counting no scope (only the district learning index) against one
//! counting every kind of scope (platform, districts, streets, venues,
//! categories, courses and clubs). The difference is the cost of the
//! scopes; generating the district is not timed.

use std::collections::BTreeSet;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use xuetong::sample::{SampleParams, generate, sample_token_key};
use xuetong::season::{ScopeKind, SeasonOptions, run_season};

const LEARNERS: u32 = 5_000;

fn bench_statistics(c: &mut Criterion) {
    let params = SampleParams {
        learners: LEARNERS,
        seed: 2021,
        ..SampleParams::default()
    };
    let sample = generate(&params).expect("the sample parameters are valid");
    let as_of = sample.as_of;
    let bundle = sample.into_bundle();
    let every_kind: BTreeSet<ScopeKind> = ScopeKind::ALL.iter().copied().collect();
    let options = |kinds: &BTreeSet<ScopeKind>| {
        let mut options = SeasonOptions::new(as_of, "https://learn.example.org");
        options.token_key = Some(sample_token_key());
        options.statistics = kinds.clone();
        options
    };

    let mut group = c.benchmark_group("season statistics, 5,000 learners");
    group.sample_size(10);
    group.bench_function("no scope", |b| {
        b.iter(|| run_season(black_box(&bundle), options(&BTreeSet::new())))
    });
    group.bench_function("every kind of scope", |b| {
        b.iter(|| run_season(black_box(&bundle), options(&every_kind)))
    });
    group.finish();
}

criterion_group!(benches, bench_statistics);
criterion_main!(benches);
