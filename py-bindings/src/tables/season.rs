//! A season run as tables: the core's [`Season`] written as record batches.
//!
//! The attendance tables, the outcomes, the skipped outcomes and the ledger
//! come from the season's structs with the schemas that
//! `evaluate_attendance` and `compute_credits` already use. Statistics,
//! club evaluations and the learning index come from the core's own CSV
//! writers ([`write_output`]), read back into typed columns by
//! [`csv_batch`], so their values are exactly those of the files that
//! `xuetong run` writes. No rule is computed here.

use arrow_array::RecordBatch;
use serde_json::{Map, Value};
use xuetong::problem::Locale;
use xuetong::record::Record;
use xuetong::season::{OutputFile, Season, write_output};

use super::engines::{EngineError, row, write_attendance};
use super::schemas::{
    CLUB_EVALUATIONS, LEARNING_INDEX, LEDGER_ENTRIES, OUTCOMES, SKIPPED_OUTCOMES, STATISTICS,
};
use super::write::{TableError, write_rows};
use super::{ColumnKind, TableSchema};

/// The tables of a season run.
#[derive(Debug)]
pub struct SeasonTables {
    /// One row per learner and session (`ATTENDANCE_RECORDS`).
    pub attendance_records: RecordBatch,
    /// Scans the rules rejected, with the reason (`REJECTED_SCANS`).
    pub rejected_scans: RecordBatch,
    /// Scans that changed nothing (`DUPLICATE_SCANS`).
    pub duplicate_scans: RecordBatch,
    /// One row per learner and course (`COURSE_RESULTS`).
    pub course_results: RecordBatch,
    /// The outcomes the credit rules were applied to (`OUTCOMES`).
    pub outcomes: RecordBatch,
    /// Outcomes that earned nothing, with the reason (`SKIPPED_OUTCOMES`).
    pub credits_skipped: RecordBatch,
    /// Every entry of the ledger after the run, the previous ledger's
    /// first (`LEDGER_ENTRIES`).
    pub ledger: RecordBatch,
    /// The figures of each scope (`STATISTICS`).
    pub statistics: RecordBatch,
    /// One row per club and year (`CLUB_EVALUATIONS`).
    pub club_evaluations: RecordBatch,
    /// One row per district; no rows without a district (`LEARNING_INDEX`).
    pub learning_index: RecordBatch,
    /// The season's counts, with the rule set, the recording date and the
    /// period, as JSON.
    pub summary: Value,
}

/// Writes `season` as tables, with messages in `locale`.
///
/// # Errors
///
/// Returns [`EngineError::Table`] when a value does not fit its column,
/// which means that the schemas and the core disagree.
pub fn season_tables(season: &Season<'_>, locale: Locale) -> Result<SeasonTables, EngineError> {
    let attendance = write_attendance(&season.attendance, locale)?;
    let outcomes = write_rows(&OUTCOMES, season.outcomes.iter().map(Record::to_json))?;
    let credits_skipped = write_rows(&SKIPPED_OUTCOMES, season.skipped.iter().map(row))?;
    let ledger = write_rows(&LEDGER_ENTRIES, season.ledger.entries().iter().map(row))?;
    let statistics = output_batch(season, OutputFile::Statistics, &STATISTICS, locale)?;
    let club_evaluations = output_batch(
        season,
        OutputFile::ClubEvaluations,
        &CLUB_EVALUATIONS,
        locale,
    )?;
    let learning_index = output_batch(season, OutputFile::LearningIndex, &LEARNING_INDEX, locale)?;
    let mut summary = row(&season.summary);
    if let Value::Object(object) = &mut summary {
        object.insert("rule_set".into(), row(&season.rule_set.pin()));
        object.insert("recorded_on".into(), season.recorded_on.to_string().into());
        object.insert(
            "first_day".into(),
            season.period.first_day.to_string().into(),
        );
        object.insert("last_day".into(), season.period.last_day.to_string().into());
    }
    Ok(SeasonTables {
        attendance_records: attendance.records,
        rejected_scans: attendance.rejected,
        duplicate_scans: attendance.duplicates,
        course_results: attendance.course_results,
        outcomes,
        credits_skipped,
        ledger,
        statistics,
        club_evaluations,
        learning_index,
        summary,
    })
}

/// Writes one output file of `season` with the core's writer and reads it
/// back as a table of `schema`.
fn output_batch(
    season: &Season<'_>,
    file: OutputFile,
    schema: &'static TableSchema,
    locale: Locale,
) -> Result<RecordBatch, TableError> {
    let mut csv = Vec::new();
    write_output(season, file, &mut csv, locale).map_err(|error| TableError::Csv {
        table: schema.name,
        detail: error.to_string(),
    })?;
    csv_batch(schema, &csv)
}

/// Reads CSV text as written by the season's writers (a header row, empty
/// cells for absent values, lists separated by `;`) into a table of
/// `schema`. The header must name the schema's columns, in any order.
///
/// # Errors
///
/// Returns [`TableError::Csv`] for a malformed file or a column the header
/// lacks, and the errors of [`write_rows`] for a cell that does not fit its
/// column.
pub fn csv_batch(schema: &'static TableSchema, csv: &[u8]) -> Result<RecordBatch, TableError> {
    let csv_error = |detail: String| TableError::Csv {
        table: schema.name,
        detail,
    };
    let mut reader = csv::Reader::from_reader(csv);
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| csv_error(error.to_string()))?
        .iter()
        .map(str::to_owned)
        .collect();
    if let Some(column) = schema
        .columns
        .iter()
        .find(|column| !header.iter().any(|name| name == column.name))
    {
        return Err(csv_error(format!(
            "the header has no column {}",
            column.name
        )));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| csv_error(error.to_string()))?;
        let mut object = Map::new();
        for (name, cell) in header.iter().zip(record.iter()) {
            if let Some(column) = schema.column(name) {
                object.insert(name.clone(), cell_value(column.kind, cell));
            }
        }
        rows.push(Value::Object(object));
    }
    write_rows(schema, rows)
}

/// Returns the JSON form of a CSV cell for a column of `kind`, as [`write_rows`]
/// reads it. A cell that does not parse stays text, so that `write_rows`
/// reports it against its column.
fn cell_value(kind: ColumnKind, cell: &str) -> Value {
    if cell.is_empty() {
        return match kind {
            ColumnKind::UuidList | ColumnKind::TextList => Value::Array(Vec::new()),
            _ => Value::Null,
        };
    }
    let text = || Value::String(cell.to_owned());
    match kind {
        ColumnKind::UInt8 | ColumnKind::UInt32 | ColumnKind::Int64 => {
            cell.parse::<i64>().map_or_else(|_| text(), Value::from)
        }
        ColumnKind::Boolean => match cell {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => text(),
        },
        ColumnKind::Float64 => cell.parse::<f64>().map_or_else(|_| text(), Value::from),
        ColumnKind::UuidList | ColumnKind::TextList => Value::Array(
            cell.split(';')
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        ColumnKind::Json => serde_json::from_str(cell).unwrap_or_else(|_| text()),
        _ => text(),
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Decimal128Type, Int64Type};

    use super::*;

    #[test]
    fn csv_cells_become_typed_columns() {
        let csv = "unit,rank,score,available,imputed,missing\n\
                   East,1,62.500,8,,\n\
                   West,,,2,participation;hours,clubs:no_denominator\n";
        let batch = csv_batch(&LEARNING_INDEX, csv.as_bytes()).unwrap();
        assert_eq!(batch.num_rows(), 2);
        let rank = batch
            .column_by_name("rank")
            .unwrap()
            .as_primitive::<Int64Type>();
        assert_eq!(rank.value(0), 1);
        assert!(rank.is_null(1));
        let score = batch.column_by_name("score").unwrap().as_string::<i32>();
        assert_eq!(score.value(0), "62.500");
        let imputed = batch.column_by_name("imputed").unwrap().as_list::<i32>();
        assert_eq!(imputed.value(0).len(), 0);
        assert_eq!(imputed.value(1).len(), 2);
    }

    #[test]
    fn missing_column_is_rejected() {
        let csv = "club_id,club_name,year,score,has_rules\n\
                   60000000-0000-4000-8000-000000000001,Chess,2026,72.35,true\n";
        let batch = csv_batch(&CLUB_EVALUATIONS, csv.as_bytes()).unwrap_err();
        // The header lacks columns of the schema, so the file is rejected.
        assert!(batch.to_string().contains("first_day"), "{batch}");
    }

    #[test]
    fn bad_cell_names_its_column() {
        let csv = "unit,rank,score,available,imputed,missing\nEast,first,,8,,\n";
        let error = csv_batch(&LEARNING_INDEX, csv.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("rank"), "{error}");
    }

    #[test]
    fn club_score_is_a_decimal() {
        let csv = "club_id,club_name,year,first_day,last_day,months,score,rating,activities,\
                   outreach_and_volunteer_events,check_ins,fixed_member_places,\
                   fixed_members_at_start,fixed_members_retained,recorded_activities,has_rules,\
                   activities_without_check_ins,problems\n\
                   60000000-0000-4000-8000-000000000001,Chess,2026,2026-01-01,2026-12-31,12,\
                   72.35,three_stars,10,1,80,90,9,8,7,true,0,\n";
        let batch = csv_batch(&CLUB_EVALUATIONS, csv.as_bytes()).unwrap();
        let score = batch
            .column_by_name("score")
            .unwrap()
            .as_primitive::<Decimal128Type>();
        assert_eq!(score.value(0), 7235);
        assert!(
            batch
                .column_by_name("has_rules")
                .unwrap()
                .as_boolean()
                .value(0)
        );
        assert!(batch.column_by_name("problems").unwrap().is_null(0));
    }
}
