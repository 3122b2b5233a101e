//! The outcomes that the attendance engine makes from a report, made here or
//! taken from a season run that has made them already.

use rustc_hash::FxHashMap;

use crate::attendance::{
    AttendanceReport, OUTCOME_SOURCE_SYSTEM, OutcomeGrouping, attendance_outcomes,
};
use crate::id::OutcomeId;
use crate::model::{Outcome, OutcomeSource};
use crate::schedule::TimedSession;

/// The outcomes of a season run: the engine's outcomes of `grouping`
/// together with a copy of every outcome of the bundle, in any order.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SeasonOutcomes<'a> {
    pub outcomes: &'a [Outcome],
    pub grouping: OutcomeGrouping,
}

/// The attendance engine's outcomes of one grouping.
#[derive(Debug)]
pub(super) enum EngineOutcomes<'a> {
    /// Made from the report.
    Made(Vec<Outcome>),
    /// Taken from a season run's outcomes and listed.
    Taken(Vec<&'a Outcome>),
    /// Taken from a season run's outcomes without a list: each one is read
    /// from the season when the outcomes are iterated, which saves a
    /// reference per outcome while they are kept.
    InSeason(InSeason<'a>),
}

/// The outcomes of a season run that its engine made: those with the
/// engine's source system whose id no outcome of the bundle has.
#[derive(Debug)]
pub(super) struct InSeason<'a> {
    season: &'a [Outcome],
    /// One bit per outcome of `season`, set for those the engine made, so
    /// that iterating reads no source (one bit where a reference took 64).
    made: Vec<u64>,
    len: usize,
}

impl<'a> InSeason<'a> {
    fn iter(&self) -> impl Iterator<Item = &'a Outcome> + '_ {
        self.season
            .iter()
            .enumerate()
            .filter(|(index, _)| self.made[index / 64] & (1 << (index % 64)) != 0)
            .map(|(_, outcome)| outcome)
    }
}

impl<'a> EngineOutcomes<'a> {
    /// Returns the engine's outcomes of `grouping` on `report`: those of
    /// `season` when it has them and they can be distinguished from the
    /// bundle's own, else made anew.
    pub fn new(
        report: &AttendanceReport,
        sessions: &[TimedSession],
        bundle_outcomes: &[Outcome],
        grouping: OutcomeGrouping,
        season: Option<SeasonOutcomes<'a>>,
    ) -> Self {
        season
            .filter(|season| season.grouping == grouping)
            .and_then(|season| made_by_engine(season.outcomes, bundle_outcomes))
            .map_or_else(
                || Self::Made(attendance_outcomes(report, sessions, grouping)),
                Self::InSeason,
            )
    }

    /// Checks whether the outcomes are taken from a season run.
    pub fn is_taken(&self) -> bool {
        !matches!(self, Self::Made(_))
    }

    pub fn len(&self) -> usize {
        match self {
            Self::Made(outcomes) => outcomes.len(),
            Self::Taken(outcomes) => outcomes.len(),
            Self::InSeason(taken) => taken.len,
        }
    }

    pub fn iter(&self) -> Box<dyn Iterator<Item = &Outcome> + '_> {
        match self {
            Self::Made(outcomes) => Box::new(outcomes.iter()),
            Self::Taken(outcomes) => Box::new(outcomes.iter().copied()),
            Self::InSeason(taken) => Box::new(taken.iter()),
        }
    }

    /// Keeps the outcomes for which `keep` returns true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Outcome) -> bool) {
        if let Self::InSeason(taken) = self {
            let kept = taken.iter().filter(|outcome| keep(outcome)).collect();
            *self = Self::Taken(kept);
            return;
        }
        match self {
            Self::Made(outcomes) => outcomes.retain(|outcome| keep(outcome)),
            Self::Taken(outcomes) => outcomes.retain(|outcome| keep(outcome)),
            Self::InSeason(_) => {}
        }
    }
}

/// Checks whether an outcome with `source` was made by the attendance
/// engine rather than given in the bundle.
pub(super) fn is_from_engine(source: Option<&OutcomeSource>) -> bool {
    source.is_some_and(|source| source.system() == OUTCOME_SOURCE_SYSTEM)
}

/// Returns the outcomes of `season` that the engine made in this run, given
/// that `season` contains them and a copy of each of `bundle_outcomes`:
/// those with the engine's source system whose id no outcome of the bundle
/// has, each read from `season` as they are iterated.
///
/// The engine's outcomes are those with its source system. An outcome of
/// the bundle may have that source too, made by an earlier run. Returns
/// `None`, so that the caller makes the outcomes anew, when such an outcome
/// shares its id with one of this run (the two cannot be distinguished),
/// or when the counts show that `season` contains other outcomes.
fn made_by_engine<'a>(season: &'a [Outcome], bundle_outcomes: &[Outcome]) -> Option<InSeason<'a>> {
    let expected = season.len().checked_sub(bundle_outcomes.len())?;
    let mut earlier: FxHashMap<OutcomeId, usize> = FxHashMap::default();
    for outcome in bundle_outcomes {
        if is_from_engine(outcome.source.as_ref()) {
            *earlier.entry(outcome.id).or_default() += 1;
        }
    }
    let mut made = vec![0u64; season.len().div_ceil(64)];
    let mut made_count = 0;
    for (index, outcome) in season.iter().enumerate() {
        if !is_from_engine(outcome.source.as_ref()) {
            continue;
        }
        match earlier.get_mut(&outcome.id) {
            Some(0) => return None,
            Some(count) => *count -= 1,
            None => {
                made[index / 64] |= 1 << (index % 64);
                made_count += 1;
            }
        }
    }
    (made_count == expected).then_some(InSeason {
        season,
        made,
        len: made_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceRef;
    use crate::problem::Path;
    use crate::record::Record;
    use serde_json::json;

    fn outcome(id: u32, system: Option<&str>) -> Outcome {
        let value = json!({
            "id": format!("90000000-0000-4000-8000-{id:012}"),
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "kind": "volunteer_service",
            "minutes": 60,
            "occurred_on": "2026-03-02",
        });
        let mut outcome = Outcome::from_json(&value, &Path::root()).unwrap();
        outcome.source = system.map(|system| {
            OutcomeSource::from(SourceRef {
                system: system.to_owned().into(),
                key: format!("key {id}"),
            })
        });
        outcome
    }

    fn ids(outcomes: &[&Outcome]) -> Vec<OutcomeId> {
        outcomes.iter().map(|outcome| outcome.id).collect()
    }

    #[test]
    fn engine_outcomes_told_from_bundle() {
        let bundle = [outcome(1, None), outcome(2, Some(OUTCOME_SOURCE_SYSTEM))];
        let season = [
            outcome(3, Some(OUTCOME_SOURCE_SYSTEM)),
            bundle[1].clone(),
            outcome(4, Some(OUTCOME_SOURCE_SYSTEM)),
            bundle[0].clone(),
        ];
        let made = made_by_engine(&season, &bundle).unwrap();
        let listed: Vec<&Outcome> = made.iter().collect();
        assert_eq!(ids(&listed), vec![season[0].id, season[2].id]);
        assert_eq!(made.len, 2);
    }

    #[test]
    fn engine_outcome_reusing_bundle_id_is_ambiguous() {
        let bundle = [outcome(2, Some(OUTCOME_SOURCE_SYSTEM))];
        let season = [bundle[0].clone(), outcome(2, Some(OUTCOME_SOURCE_SYSTEM))];
        assert!(made_by_engine(&season, &bundle).is_none());
    }

    #[test]
    fn season_missing_bundle_outcomes_is_rejected() {
        let bundle = [outcome(1, None), outcome(2, None)];
        let season = [outcome(3, Some(OUTCOME_SOURCE_SYSTEM)), bundle[0].clone()];
        assert!(made_by_engine(&season, &bundle).is_none());
    }
}
