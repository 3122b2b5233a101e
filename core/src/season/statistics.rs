//! The statistics of a season by scope, and the district learning index
//! computed from them.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use crate::attendance::AttendanceReport;
use crate::bundle::Bundle;
use crate::credit::Ledger;
use crate::index::{IndexConfig, IndexResult, compute};
use crate::model::{Category, VenueTier};
use crate::problem::Problems;
use crate::stats::{
    CoverageSettings, Period, Prepared, Scope, SeasonOutcomes, Statistics, StatisticsRequest,
    district_units,
};

crate::text_enum! {
    /// A kind of scope that a season run counts statistics for.
    /// [`ScopeKind::DEFAULT`] lists those counted by default.
    pub enum ScopeKind {
        /// The whole platform: every learner and venue.
        Platform = "platform",
        /// Each district-tier venue with the venues below it.
        District = "district",
        /// Each street-tier venue with the venues below it.
        Street = "street",
        /// Each venue on its own.
        Venue = "venue",
        /// Each category that a course has, and the categories above it.
        Category = "category",
        /// Each course.
        Course = "course",
        /// Each club.
        Club = "club",
    }
}

impl ScopeKind {
    /// The kinds counted by default: the platform, districts and streets,
    /// which are few in any season.
    pub const DEFAULT: &[ScopeKind] =
        &[ScopeKind::Platform, ScopeKind::District, ScopeKind::Street];
}

/// The statistics of one scope over the season's period.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeStatistics {
    /// The name of the scope: the venue's name, the course's title, the
    /// category's key, the club's name, or `platform`.
    pub name: String,
    /// The figures.
    pub statistics: Statistics,
}

/// Returns the period of a season: from the first day that a session or an outcome
/// of the bundle falls on to the recording date, both included. A bundle
/// with nothing before the recording date gets the recording date alone.
pub(super) fn season_period(bundle: &Bundle, recorded_on: NaiveDate) -> Period {
    let sessions = bundle.sessions.iter().map(|timed| timed.session.date);
    let outcomes = bundle.outcomes.iter().map(|outcome| outcome.occurred_on);
    let first_day = sessions
        .chain(outcomes)
        .min()
        .filter(|day| *day <= recorded_on)
        .unwrap_or(recorded_on);
    Period {
        first_day,
        last_day: recorded_on,
    }
}

/// Lists the scopes of `kinds` that the bundle has, each with its name, in the
/// order of [`ScopeKind`] and then by name and id.
fn scopes(bundle: &Bundle, kinds: &BTreeSet<ScopeKind>) -> Vec<(Scope, String)> {
    let mut scopes = Vec::new();
    let mut venues: Vec<_> = bundle.venues.iter().collect();
    venues.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    for kind in kinds {
        match kind {
            ScopeKind::Platform => scopes.push((Scope::Platform, "platform".to_owned())),
            ScopeKind::District | ScopeKind::Street => {
                let tier = if *kind == ScopeKind::District {
                    VenueTier::District
                } else {
                    VenueTier::Street
                };
                for venue in venues.iter().filter(|venue| venue.tier == tier) {
                    let scope = if tier == VenueTier::District {
                        Scope::District { venue_id: venue.id }
                    } else {
                        Scope::Street { venue_id: venue.id }
                    };
                    scopes.push((scope, venue.name.clone()));
                }
            }
            ScopeKind::Venue => {
                for venue in &venues {
                    scopes.push((Scope::Venue { venue_id: venue.id }, venue.name.clone()));
                }
            }
            ScopeKind::Category => {
                let taxonomy = bundle.taxonomy();
                let mut categories: BTreeSet<Category> = BTreeSet::new();
                for course in &bundle.courses {
                    let mut next = Some(course.category.clone());
                    // The taxonomy has no cycles; the set stops a walk that
                    // meets a category already added.
                    while let Some(category) = next {
                        next = taxonomy
                            .get(&category)
                            .and_then(|definition| definition.parent.clone());
                        if !categories.insert(category) {
                            break;
                        }
                    }
                }
                for category in categories {
                    let name = category.as_str().to_owned();
                    scopes.push((Scope::Category { category }, name));
                }
            }
            ScopeKind::Course => {
                let mut courses: Vec<_> = bundle.courses.iter().collect();
                courses.sort_by(|a, b| (&a.title, a.id).cmp(&(&b.title, b.id)));
                for course in courses {
                    scopes.push((
                        Scope::Course {
                            course_id: course.id,
                        },
                        course.title.clone(),
                    ));
                }
            }
            ScopeKind::Club => {
                let mut clubs: Vec<_> = bundle.clubs.iter().collect();
                clubs.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
                for club in clubs {
                    scopes.push((Scope::Club { club_id: club.id }, club.name.clone()));
                }
            }
        }
    }
    scopes
}

/// Computes the statistics of every scope of `kinds` over `period`, with
/// the credits of `ledger`, and the default district learning index over
/// the same period: one unit per district-tier venue, from the statistics
/// of [`district_index_inputs`](crate::stats::district_index_inputs). The
/// index is `None` when the bundle has no district.
///
/// `outcomes` are the season's outcomes, so that the attendance engine's
/// outcomes among them are read rather than made again. The season is
/// indexed once for all scopes, so a scope of a venue, course, category or
/// club costs time in proportion to its own sessions, records and
/// outcomes, and a district or street in proportion to its residents'
/// records, enrolments, outcomes and ledger entries and its venues'
/// sessions.
pub(super) fn season_statistics<'a>(
    bundle: &'a Bundle,
    attendance: &'a AttendanceReport,
    outcomes: SeasonOutcomes<'a>,
    ledger: &'a Ledger,
    period: Period,
    kinds: &BTreeSet<ScopeKind>,
    coverage: &CoverageSettings,
) -> Result<(Vec<ScopeStatistics>, Option<IndexResult>), Problems> {
    let scopes = scopes(bundle, kinds);
    let has_district = bundle
        .venues
        .iter()
        .any(|venue| venue.tier == VenueTier::District);
    if scopes.is_empty() && !has_district {
        return Ok((Vec::new(), None));
    }

    let prepared = Prepared::new(bundle, attendance, Some(ledger), Some(outcomes))?;
    let count_scope = |(scope, name): (Scope, String)| -> Result<ScopeStatistics, Problems> {
        let request = StatisticsRequest {
            scope,
            period,
            coverage: coverage.clone(),
        };
        let statistics = prepared.statistics(&request)?;
        Ok(ScopeStatistics { name, statistics })
    };
    let index = || -> Result<Option<IndexResult>, Problems> {
        if !has_district {
            return Ok(None);
        }
        let input = district_units(&prepared, period, coverage)?;
        Ok(Some(compute(&IndexConfig::district_default(), &input)?))
    };

    // Each scope reads the prepared season and writes nothing shared, so
    // the scopes and the index are counted on the rayon pool. The results
    // are collected in the order of `scopes`, so the first problem
    // reported is the same as in one pass.
    #[cfg(feature = "parallel")]
    let (counted, index): (Vec<Result<ScopeStatistics, Problems>>, _) = {
        use rayon::prelude::*;
        // Built here, before any scope is a job on the pool.
        if scopes.iter().any(|(scope, _)| !scope.is_area()) {
            prepared.build_scoped_index();
        }
        rayon::join(|| scopes.into_par_iter().map(count_scope).collect(), index)
    };
    #[cfg(not(feature = "parallel"))]
    let (counted, index): (Vec<Result<ScopeStatistics, Problems>>, _) =
        (scopes.into_iter().map(count_scope).collect(), index());

    let statistics = counted.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok((statistics, index?))
}
