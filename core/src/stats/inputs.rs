//! The statistics as inputs of the learning index and of the club
//! evaluation.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::attendance::AttendanceReport;
use crate::bundle::Bundle;
use crate::club::{ActivityCheckIns, EvaluationInput};
use crate::id::{ClubId, SessionId};
use crate::index::{IndexInput, IndexNumber, UnitInput};
use crate::model::{Session, VenueTier};
use crate::problem::{Path, Problem, Problems};
use crate::schedule::TimedSession;

use super::codes;
use super::compute::{Prepared, Statistics, StatisticsRequest};
use super::coverage::CoverageSettings;
use super::period::Period;
use super::scope::Scope;

/// The indicator keys of the default district index and the figures that
/// supply them, as in `IndexConfig::district_default`.
pub(super) mod keys {
    pub const PARTICIPATION: &str = "participation";
    pub const LEARNING_HOURS: &str = "learning_hours_per_resident";
    pub const ACTIVITIES: &str = "activities_per_10000_residents";
    pub const CHECK_INS: &str = "check_ins_per_enrolment";
    pub const OLDER_PARTICIPATION: &str = "older_participation";
    pub const CLUBS: &str = "clubs_per_10000_residents";
    pub const OUTCOMES: &str = "outcomes_per_learner";
    pub const COVERAGE: &str = "learning_circle_coverage";

    pub const RESIDENTS: &str = "residents";
    pub const OLDER_RESIDENTS: &str = "older_residents";
    pub const ENROLMENTS: &str = "enrolments";
    pub const LEARNERS: &str = "learners";
    pub const COMMUNITIES: &str = "communities";
}

fn number(value: u64) -> Option<IndexNumber> {
    Some(IndexNumber(value as f64))
}

impl Statistics {
    /// Converts the statistics into a unit of the default learning index
    /// ([`IndexConfig::district_default`](crate::index::IndexConfig::district_default)),
    /// named `unit`.
    ///
    /// | indicator | value | denominator |
    /// |---|---|---|
    /// | `participation` | active learners | `residents`: population |
    /// | `learning_hours_per_resident` | credited minutes / 60 | `residents` |
    /// | `activities_per_10000_residents` | activities held | `residents` |
    /// | `check_ins_per_enrolment` | check-ins | `enrolments` |
    /// | `older_participation` | active learners certainly aged 60 or more | `older_residents`: older population |
    /// | `clubs_per_10000_residents` | clubs | `residents` |
    /// | `outcomes_per_learner` | learning outcomes | `learners`: registered learners |
    /// | `learning_circle_coverage` | communities covered | `communities` |
    ///
    /// A figure the scope does not have (clubs of a course, a population
    /// that is not given) is left out, so that the index reports it as a
    /// missing value or a missing denominator.
    pub fn to_index_unit(&self, unit: impl Into<String>) -> UnitInput {
        let mut values = BTreeMap::new();
        values.insert(
            keys::PARTICIPATION.to_owned(),
            number(self.active_learners.total),
        );
        values.insert(
            keys::LEARNING_HOURS.to_owned(),
            Some(IndexNumber(self.credited_minutes as f64 / 60.0)),
        );
        values.insert(keys::ACTIVITIES.to_owned(), number(self.activities_held));
        values.insert(keys::CHECK_INS.to_owned(), number(self.check_ins));
        values.insert(
            keys::OLDER_PARTICIPATION.to_owned(),
            number(self.active_learners.aged_60_or_more),
        );
        values.insert(keys::CLUBS.to_owned(), self.clubs.and_then(number));
        values.insert(keys::OUTCOMES.to_owned(), number(self.learning_outcomes));
        values.insert(
            keys::COVERAGE.to_owned(),
            number(self.learning_circle.covered),
        );

        let mut denominators = BTreeMap::new();
        let mut put = |name: &str, value: Option<u64>| {
            if let Some(value) = value {
                denominators.insert(name.to_owned(), IndexNumber(value as f64));
            }
        };
        put(keys::RESIDENTS, self.population.map(u64::from));
        put(keys::OLDER_RESIDENTS, self.older_population.map(u64::from));
        put(keys::ENROLMENTS, Some(self.enrolments));
        put(keys::LEARNERS, Some(self.registered_learners.total));
        put(keys::COMMUNITIES, Some(self.learning_circle.communities));

        UnitInput {
            unit: unit.into(),
            values,
            denominators,
        }
    }
}

/// Computes the statistics of every district-tier venue of the bundle over
/// `period` and returns them as the input of the default learning index,
/// one unit per district named after its venue. Districts are ordered by
/// name, and a name shared by several districts is followed by the venue
/// id in brackets.
///
/// The result goes to [`crate::index::compute`] with
/// [`IndexConfig::district_default`](crate::index::IndexConfig::district_default)
/// as it is.
///
/// # Errors
///
/// The problems of [`compute_statistics`](super::compute_statistics) for an
/// invalid period or coverage settings, a report from another bundle, or a
/// venue, course, session, learner or club id given twice.
pub fn district_index_inputs(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    period: Period,
    coverage: &CoverageSettings,
) -> Result<IndexInput, Problems> {
    let prepared = Prepared::new(bundle, attendance, None, None)?;
    district_units(&prepared, period, coverage)
}

/// Builds the units of [`district_index_inputs`] from a bundle and report
/// already prepared, so that a caller counting other scopes too prepares
/// them once.
pub(crate) fn district_units(
    prepared: &Prepared<'_>,
    period: Period,
    coverage: &CoverageSettings,
) -> Result<IndexInput, Problems> {
    let bundle = prepared.bundle;
    let mut districts: Vec<_> = bundle
        .venues
        .iter()
        .filter(|venue| venue.tier == VenueTier::District)
        .collect();
    districts.sort_by(|a, b| (&a.name, a.id).cmp(&(&b.name, b.id)));
    let mut name_counts: HashMap<&str, usize> = HashMap::new();
    for venue in &districts {
        *name_counts.entry(venue.name.as_str()).or_default() += 1;
    }

    let mut units = Vec::with_capacity(districts.len());
    for venue in districts {
        let request = StatisticsRequest {
            scope: Scope::District { venue_id: venue.id },
            period,
            coverage: coverage.clone(),
        };
        let statistics = prepared.statistics(&request)?;
        let name = if name_counts.get(venue.name.as_str()).copied() == Some(1) {
            venue.name.clone()
        } else {
            format!("{} ({})", venue.name, venue.id)
        };
        units.push(statistics.to_index_unit(name));
    }
    Ok(IndexInput { units })
}

/// Counts the check-ins at each activity of `club` held by the report's
/// evaluation time, as the club evaluation reads them: one entry per club
/// session that is not cancelled and had ended, with the number of final
/// records whose status counts as attended (0 when no learner attended). Entries
/// are ordered by the sessions' start, then id.
pub fn club_activity_check_ins(
    sessions: &[TimedSession],
    attendance: &AttendanceReport,
    club: ClubId,
) -> Vec<ActivityCheckIns> {
    let mut counts: HashMap<SessionId, u32> = HashMap::new();
    for record in &attendance.records {
        if record.club_id() == Some(club) && !record.provisional && record.status.is_attended() {
            let count = counts.entry(record.session_id).or_default();
            *count = count.saturating_add(1);
        }
    }
    let mut held: Vec<&TimedSession> = sessions
        .iter()
        .filter(|timed| timed.session.club_id() == Some(club))
        .filter(|timed| !timed.session.is_cancelled() && timed.times.ends_at <= attendance.as_of)
        .collect();
    held.sort_by_key(|timed| (timed.times.starts_at, timed.session.id));
    held.iter()
        .map(|timed| ActivityCheckIns {
            session_id: timed.session.id,
            count: counts.get(&timed.session.id).copied().unwrap_or(0),
        })
        .collect()
}

/// Assembles the input of the yearly evaluation of `club` for `year` from a
/// bundle and the attendance report on it. The input has the club, its
/// membership history, its sessions that had ended by the report's
/// `as_of` or were cancelled, the check-ins of
/// [`club_activity_check_ins`] and the bundle's outcomes that name the
/// club, among which the evaluation counts the club's awards.
///
/// A bundle has no file of activity records (minutes, photos, written
/// summaries), so an activity counts as recorded when an outcome of the
/// bundle names it in `session_id`, as in the season run's evaluations.
/// Add other recorded sessions to the returned input when they are known.
///
/// # Errors
///
/// `scope_not_found` (path `club_id`) when the bundle has no such club.
pub fn club_evaluation_input(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    club: ClubId,
    year: i32,
) -> Result<EvaluationInput, Problems> {
    let Some(record) = bundle.clubs.iter().find(|candidate| candidate.id == club) else {
        return Err(
            Problem::new(codes::SCOPE_NOT_FOUND, Path::root().join("club_id"))
                .with("kind", "club")
                .with("value", club.to_string())
                .into(),
        );
    };
    // A session that had not ended by the report's time was not held, so
    // it is no activity of the year yet (cancelled ones the evaluation
    // leaves out and lists itself).
    let activities: Vec<Session> = bundle
        .sessions
        .iter()
        .filter(|timed| timed.session.club_id() == Some(club))
        .filter(|timed| timed.session.is_cancelled() || timed.times.ends_at <= attendance.as_of)
        .map(|timed| timed.session.clone())
        .collect();
    let named_by_outcomes: HashSet<SessionId> = bundle
        .outcomes
        .iter()
        .filter_map(|outcome| outcome.session_id)
        .collect();
    let recorded_session_ids = activities
        .iter()
        .map(|session| session.id)
        .filter(|id| named_by_outcomes.contains(id))
        .collect();
    Ok(EvaluationInput {
        club: record.clone(),
        year,
        members: bundle
            .club_members
            .iter()
            .filter(|member| member.club_id == club)
            .cloned()
            .collect(),
        activities,
        check_ins: club_activity_check_ins(&bundle.sessions, attendance, club),
        recorded_session_ids,
        outcomes: bundle
            .outcomes
            .iter()
            .filter(|outcome| outcome.club_id == Some(club))
            .cloned()
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::IndexConfig;

    #[test]
    fn keys_match_the_default_index() {
        let config = IndexConfig::district_default();
        let expected: Vec<(&str, &str, &str)> = vec![
            (keys::PARTICIPATION, "active_learners", keys::RESIDENTS),
            (keys::LEARNING_HOURS, "credited_hours", keys::RESIDENTS),
            (keys::ACTIVITIES, "activities_held", keys::RESIDENTS),
            (keys::CHECK_INS, "check_ins", keys::ENROLMENTS),
            (
                keys::OLDER_PARTICIPATION,
                "active_learners_aged_60_or_more",
                keys::OLDER_RESIDENTS,
            ),
            (keys::CLUBS, "clubs", keys::RESIDENTS),
            (keys::OUTCOMES, "learning_outcomes", keys::LEARNERS),
            (keys::COVERAGE, "communities_covered", keys::COMMUNITIES),
        ];
        assert_eq!(config.indicators.len(), expected.len());
        for (indicator, (key, statistic, population)) in config.indicators.iter().zip(expected) {
            assert_eq!(indicator.key, key);
            assert_eq!(indicator.statistic.as_deref(), Some(statistic));
            assert_eq!(
                indicator
                    .denominator
                    .as_ref()
                    .map(|d| d.population.as_str()),
                Some(population)
            );
        }
    }
}
