//! The statistics of a season run, which index the season once for all
//! scopes and read the engine's outcomes from the run, against
//! `compute_statistics`, which prepares the season for one scope and makes
//! the engine's outcomes itself.

use std::collections::BTreeSet;

use xuetong::attendance::{OUTCOME_SOURCE_SYSTEM, OutcomeGrouping};
use xuetong::bundle::Bundle;
use xuetong::sample::{SampleParams, generate, sample_token_key};
use xuetong::season::{ScopeKind, Season, SeasonOptions, run_season};
use xuetong::stats::{StatisticsRequest, compute_statistics};

fn sample(learners: u32) -> (Bundle, chrono::DateTime<chrono::Utc>) {
    let params = SampleParams {
        learners,
        seed: 7,
        ..SampleParams::default()
    };
    let sample = generate(&params).unwrap();
    let as_of = sample.as_of;
    (sample.into_bundle(), as_of)
}

fn run(
    bundle: &Bundle,
    as_of: chrono::DateTime<chrono::Utc>,
    grouping: OutcomeGrouping,
) -> Season<'_> {
    let mut options = SeasonOptions::new(as_of, "https://learn.example.org");
    options.token_key = Some(sample_token_key());
    options.statistics = ScopeKind::ALL.iter().copied().collect();
    options.outcome_grouping = grouping;
    run_season(bundle, options).unwrap()
}

/// Checks every scope of the season against `compute_statistics` on the
/// same bundle, report and ledger.
fn assert_scopes_match(season: &Season<'_>) {
    assert!(season.statistics.len() > 20, "{}", season.statistics.len());
    let kinds: BTreeSet<&str> = season
        .statistics
        .iter()
        .map(|scope| match scope.statistics.scope {
            xuetong::stats::Scope::Platform => "platform",
            xuetong::stats::Scope::District { .. } => "district",
            xuetong::stats::Scope::Street { .. } => "street",
            xuetong::stats::Scope::Venue { .. } => "venue",
            xuetong::stats::Scope::Course { .. } => "course",
            xuetong::stats::Scope::Category { .. } => "category",
            xuetong::stats::Scope::Club { .. } => "club",
        })
        .collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    for scope in &season.statistics {
        let figures = &scope.statistics;
        let request = StatisticsRequest {
            scope: figures.scope.clone(),
            period: season.period,
            coverage: Default::default(),
        };
        let alone = compute_statistics(
            season.bundle,
            &season.attendance,
            Some(&season.ledger),
            &request,
        )
        .unwrap();
        assert_eq!(figures, &alone, "scope {}", scope.name);
    }
}

#[test]
fn season_scopes_match_single_scope() {
    let (bundle, as_of) = sample(300);
    let season = run(&bundle, as_of, OutcomeGrouping::PerSession);
    assert_scopes_match(&season);
    let platform = &season.statistics[0].statistics;
    assert!(
        platform.learning_outcomes > 1000,
        "{}",
        platform.learning_outcomes
    );
    let credits = platform.credits.as_ref().unwrap();
    assert!(credits.iter().any(|sum| sum.entries > 0), "{credits:?}");
}

#[test]
fn per_course_season_matches_single_scope() {
    let (bundle, as_of) = sample(300);
    let season = run(&bundle, as_of, OutcomeGrouping::PerCourse);
    assert_scopes_match(&season);
}

#[test]
fn rerun_with_earlier_outcomes_matches_single_scope() {
    // The bundle carries the engine's outcomes of a first run, with the
    // same ids as those of the second run, so the second run's statistics
    // cannot tell the two apart by id and make the outcomes anew.
    let (mut bundle, as_of) = sample(300);
    let first = run(&bundle, as_of, OutcomeGrouping::PerSession);
    let earlier: Vec<_> = first
        .outcomes
        .iter()
        .filter(|outcome| {
            outcome
                .source
                .as_ref()
                .is_some_and(|source| source.system() == OUTCOME_SOURCE_SYSTEM)
        })
        .cloned()
        .collect();
    drop(first);
    assert!(!earlier.is_empty());
    bundle.outcomes.extend(earlier);
    let season = run(&bundle, as_of, OutcomeGrouping::PerSession);
    assert_scopes_match(&season);
}
