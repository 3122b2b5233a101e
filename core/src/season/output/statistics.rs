//! The statistics by scope and the indicators of the learning index.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::decimal::Credits;
use crate::stats::{Rate, Scope};

use super::super::run::Season;
use super::{Table, list, optional, text};

/// The columns of `statistics.csv`.
const STATISTICS_COLUMNS: &[&str] = &[
    "scope",
    "scope_id",
    "scope_name",
    "first_day",
    "last_day",
    "registered_learners",
    "registered_aged_60_or_more",
    "registered_under_60",
    "registered_age_undetermined",
    "registered_birth_date_missing",
    "active_learners",
    "active_aged_60_or_more",
    "active_under_60",
    "active_age_undetermined",
    "active_birth_date_missing",
    "enrolments",
    "activities_held",
    "activities_cancelled",
    "activities_not_ended",
    "check_ins",
    "instructors_who_taught",
    "learning_outcomes",
    "outcomes_by_kind",
    "credited_minutes",
    "credited_hours",
    "credits",
    "credit_entries",
    "credit_entries_partly_in_scope",
    "clubs",
    "clubs_with_activities",
    "population",
    "older_population",
    "seats",
    "participation_rate",
    "older_participation_rate",
    "seats_per_older_resident",
    "communities",
    "communities_covered",
    "communities_not_covered",
    "communities_undetermined",
    "learning_circle_share",
];

/// Returns the kind and the id of a scope, as written.
fn scope_cells(scope: &Scope) -> (&'static str, String) {
    match scope {
        Scope::Platform => ("platform", String::new()),
        Scope::District { venue_id } => ("district", venue_id.to_string()),
        Scope::Street { venue_id } => ("street", venue_id.to_string()),
        Scope::Venue { venue_id } => ("venue", venue_id.to_string()),
        Scope::Course { course_id } => ("course", course_id.to_string()),
        Scope::Category { category } => ("category", category.as_str().to_owned()),
        Scope::Club { club_id } => ("club", club_id.to_string()),
    }
}

fn rate(value: Option<Rate>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), |rate| Cow::Owned(rate.display()))
}

pub(super) fn statistics(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = Table::new(writer, STATISTICS_COLUMNS)?;
    let rule_set = season.rule_set.id.as_str();
    for scope in &season.statistics {
        let figures = &scope.statistics;
        let (kind, id) = scope_cells(&figures.scope);
        let credits = figures.credits.as_ref().map(|credits| {
            credits
                .iter()
                .find(|credits| credits.rule_set_id == rule_set)
                .map_or((Credits::ZERO, 0, 0), |credits| {
                    (
                        credits.amount,
                        credits.entries,
                        credits.entries_partly_in_scope,
                    )
                })
        });
        let registered = &figures.registered_learners;
        let active = &figures.active_learners;
        let circle = &figures.learning_circle;
        table.row([
            Cow::Borrowed(kind),
            Cow::Owned(id),
            Cow::Borrowed(scope.name.as_str()),
            text(figures.period.first_day),
            text(figures.period.last_day),
            text(registered.total),
            text(registered.aged_60_or_more),
            text(registered.under_60),
            text(registered.age_undetermined),
            text(registered.birth_date_missing),
            text(active.total),
            text(active.aged_60_or_more),
            text(active.under_60),
            text(active.age_undetermined),
            text(active.birth_date_missing),
            text(figures.enrolments),
            text(figures.activities_held),
            text(figures.activities_cancelled),
            text(figures.activities_not_ended),
            text(figures.check_ins),
            text(figures.instructors_who_taught),
            text(figures.learning_outcomes),
            list(
                figures
                    .outcomes_by_kind
                    .iter()
                    .map(|(kind, count)| format!("{kind}={count}")),
            ),
            text(figures.credited_minutes),
            Cow::Owned(figures.credited_hours.display()),
            optional(credits.map(|(amount, _, _)| amount)),
            optional(credits.map(|(_, entries, _)| entries)),
            optional(credits.map(|(_, _, partly)| partly)),
            optional(figures.clubs),
            text(figures.clubs_with_activities),
            optional(figures.population),
            optional(figures.older_population),
            optional(figures.seats),
            rate(figures.participation_rate),
            rate(figures.older_participation_rate),
            rate(figures.seats_per_older_resident),
            text(circle.communities),
            text(circle.covered),
            text(circle.not_covered),
            text(circle.undetermined),
            rate(circle.share),
        ])?;
    }
    table.finish()
}

/// The columns of `learning_index_indicators.csv`.
const INDICATOR_COLUMNS: &[&str] = &[
    "unit",
    "indicator",
    "value",
    "normalised",
    "imputed",
    "missing",
];

pub(super) fn index_indicators(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = Table::new(writer, INDICATOR_COLUMNS)?;
    let Some(index) = &season.index else {
        return table.finish();
    };
    for unit in &index.units {
        for indicator in &index.indicators {
            let key = indicator.key.as_str();
            let missing = unit
                .missing
                .iter()
                .find(|missing| missing.indicator == key)
                .map(|missing| missing.reason);
            table.row([
                Cow::Borrowed(unit.unit.as_str()),
                Cow::Borrowed(key),
                optional(unit.values.get(key)),
                optional(unit.normalised.get(key)),
                text(unit.imputed.iter().any(|imputed| imputed == key)),
                optional(missing),
            ])?;
        }
    }
    table.finish()
}
