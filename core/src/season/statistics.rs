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
    CoverageSettings, Period, Prepared, Scope, Statistics, StatisticsRequest, district_index_inputs,
};

crate::text_enum! {
    /// A kind of scope that a season run counts statistics for.
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

/// The statistics of one scope over the season's period.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeStatistics {
    /// The name of the scope: the venue's name, the course's title, the
    /// category's key, the club's name, or `platform`.
    pub name: String,
    /// The figures.
    pub statistics: Statistics,
}

/// The period of a season: from the first day that a session or an outcome
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

/// The scopes of `kinds` that the bundle has, each with its name, in the
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
/// the credits of `ledger`.
///
/// NOTE: each scope reads the season's records once, so the time grows
/// with the number of scopes times the number of records. A province
/// season with thousands of courses and venues is best run with the
/// district and street kinds only.
pub(super) fn season_statistics(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    ledger: &Ledger,
    period: Period,
    kinds: &BTreeSet<ScopeKind>,
    coverage: &CoverageSettings,
) -> Result<Vec<ScopeStatistics>, Problems> {
    let prepared = Prepared::new(bundle, attendance, Some(ledger))?;
    scopes(bundle, kinds)
        .into_iter()
        .map(|(scope, name)| {
            let request = StatisticsRequest {
                scope,
                period,
                coverage: coverage.clone(),
            };
            let statistics = prepared.statistics(&request)?;
            Ok(ScopeStatistics { name, statistics })
        })
        .collect()
}

/// Computes the default district learning index over `period`: one unit
/// per district-tier venue, from the statistics of
/// [`district_index_inputs`]. `None` when the bundle has no district.
pub(super) fn district_index(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    period: Period,
    coverage: &CoverageSettings,
) -> Result<Option<IndexResult>, Problems> {
    let input = district_index_inputs(bundle, attendance, period, coverage)?;
    if input.units.is_empty() {
        return Ok(None);
    }
    compute(&IndexConfig::district_default(), &input).map(Some)
}
