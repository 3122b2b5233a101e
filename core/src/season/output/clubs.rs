//! The club evaluations, the learning index and the rows reading rejected.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::Value;

use crate::bundle::ReadReport;
use crate::club::Ratio;
use crate::id::ClubId;
use crate::problem::{Locale, PathSegment, Problem};

use super::{Table, list, optional, text};
use crate::season::run::Season;

/// The columns of `club_evaluations.csv`.
const EVALUATION_COLUMNS: &[&str] = &[
    "club_id",
    "club_name",
    "year",
    "first_day",
    "last_day",
    "months",
    "score",
    "rating",
    "activities",
    "outreach_and_volunteer_events",
    "check_ins",
    "fixed_member_places",
    "fixed_members_at_start",
    "fixed_members_retained",
    "recorded_activities",
    "has_rules",
    "activities_without_check_ins",
    "problems",
];

/// Writes a club ratio as an exact decimal, or as a fraction such as `55/6`
/// when no decimal of at most 12 places is exact.
fn ratio(value: Ratio) -> Cow<'static, str> {
    match serde_json::to_value(value) {
        Ok(Value::String(text)) => Cow::Owned(text),
        _ => text(value),
    }
}

/// Writes a problem as `path: message [code]`.
fn problem_text(problem: &Problem, locale: Locale) -> String {
    format!(
        "{}: {} [{}]",
        problem.path,
        problem.message_in(locale),
        problem.code
    )
}

pub(super) fn evaluations(
    season: &Season<'_>,
    writer: &mut dyn Write,
    locale: Locale,
) -> io::Result<u64> {
    let names: HashMap<ClubId, &str> = season
        .bundle
        .clubs
        .iter()
        .map(|club| (club.id, club.name.as_str()))
        .collect();
    let mut table = Table::new(writer, EVALUATION_COLUMNS)?;
    for club in &season.clubs {
        let name = Cow::Borrowed(names.get(&club.club_id).copied().unwrap_or(""));
        let cells: Vec<Cow<'_, str>> = match &club.result {
            Ok(evaluation) => {
                let counts = &evaluation.counts;
                vec![
                    text(club.club_id),
                    name,
                    text(club.year),
                    text(evaluation.first_day),
                    text(evaluation.last_day),
                    text(evaluation.months),
                    Cow::Borrowed(evaluation.score.as_str()),
                    Cow::Borrowed(evaluation.rating.as_str()),
                    text(counts.activities),
                    text(counts.outreach_and_volunteer_events),
                    text(counts.check_ins),
                    text(counts.fixed_member_places),
                    text(counts.fixed_members_at_start),
                    text(counts.fixed_members_retained),
                    text(counts.recorded_activities),
                    text(counts.has_rules),
                    list(&evaluation.activities_without_check_ins),
                    Cow::Borrowed(""),
                ]
            }
            Err(problems) => {
                let mut cells = vec![text(club.club_id), name, text(club.year)];
                cells.extend((0..14).map(|_| Cow::Borrowed("")));
                let described: Vec<String> = problems
                    .iter()
                    .map(|problem| problem_text(problem, locale))
                    .collect();
                cells.push(Cow::Owned(described.join("; ")));
                cells
            }
        };
        table.row(cells)?;
    }
    table.finish()
}

/// The columns of `club_indicators.csv`.
const INDICATOR_COLUMNS: &[&str] = &[
    "club_id",
    "year",
    "measure",
    "numerator",
    "denominator",
    "value",
    "value_decimal",
    "note",
    "target",
    "weight",
    "achievement",
    "contribution_exact",
    "contribution",
];

pub(super) fn indicators(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = Table::new(writer, INDICATOR_COLUMNS)?;
    for club in &season.clubs {
        let Ok(evaluation) = &club.result else {
            continue;
        };
        for indicator in &evaluation.indicators {
            table.row([
                text(club.club_id),
                text(club.year),
                Cow::Borrowed(indicator.measure.as_str()),
                ratio(indicator.numerator),
                indicator.denominator.map_or(Cow::Borrowed(""), ratio),
                indicator.value.map_or(Cow::Borrowed(""), ratio),
                optional(indicator.value_decimal.as_ref()),
                Cow::Borrowed(indicator.note.unwrap_or("")),
                ratio(indicator.target),
                ratio(indicator.weight),
                ratio(indicator.achievement),
                ratio(indicator.contribution_exact),
                Cow::Borrowed(indicator.contribution.as_str()),
            ])?;
        }
    }
    table.finish()
}

/// The columns of `learning_index.csv`.
const INDEX_COLUMNS: &[&str] = &["unit", "rank", "score", "available", "imputed", "missing"];

pub(super) fn learning_index(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = Table::new(writer, INDEX_COLUMNS)?;
    let Some(index) = &season.index else {
        return table.finish();
    };
    for unit in &index.units {
        table.row([
            Cow::Borrowed(unit.unit.as_str()),
            optional(unit.rank),
            optional(unit.score.as_ref()),
            text(unit.available),
            list(&unit.imputed),
            list(
                unit.missing
                    .iter()
                    .map(|missing| format!("{}:{}", missing.indicator, missing.reason)),
            ),
        ])?;
    }
    table.finish()
}

/// The columns of `rejected_rows.csv`.
const REJECTED_ROW_COLUMNS: &[&str] = &["file", "line", "field", "code", "message", "value"];

/// Writes every problem that rejected a row or a file while reading a
/// bundle: its file, line (empty for a problem with a whole file), field,
/// code, message in `locale` and the offending value. Returns the number of
/// problems written.
///
/// # Errors
///
/// Returns the I/O error of the writer.
pub fn write_rejected_rows(
    report: &ReadReport,
    writer: &mut dyn Write,
    locale: Locale,
) -> io::Result<u64> {
    let mut table = Table::new(writer, REJECTED_ROW_COLUMNS)?;
    for problem in &report.problems {
        let segments = problem.path.segments();
        let file = match segments.first() {
            Some(PathSegment::Key(file)) => Cow::Owned(file.to_string()),
            _ => Cow::Borrowed(""),
        };
        let line = match segments.get(1) {
            Some(PathSegment::Index(line)) => text(line),
            _ => Cow::Borrowed(""),
        };
        let field: Vec<String> = segments
            .iter()
            .skip(2)
            .map(|segment| match segment {
                PathSegment::Key(key) => key.to_string(),
                PathSegment::Index(index) => index.to_string(),
            })
            .collect();
        let value = match problem.params.get("value") {
            Some(Value::String(value)) => Cow::Owned(value.clone()),
            Some(value) => text(value),
            None => Cow::Borrowed(""),
        };
        table.row([
            file,
            line,
            Cow::Owned(field.join(".")),
            Cow::Borrowed(problem.code.as_str()),
            Cow::Owned(problem.message_in(locale)),
            value,
        ])?;
    }
    table.finish()
}
