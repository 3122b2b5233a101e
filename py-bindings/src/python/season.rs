//! The season run on a bundle: `season_tables`, which runs the core's
//! [`xuetong::season::run_season`] with the GIL released and returns its
//! tables. The package wraps it as `xuetong.run_season`.

use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use xuetong::attendance::TokenKey;
use xuetong::problem::{Path, Problem, Problems};
use xuetong::season::{SeasonOptions, run_season};

use super::bundle::Bundle;
use super::detach_on_pool;
use super::engines::{engine_error, read_locale, read_rule_set};
use super::errors::{guarded, internal_error, validation_error};
use super::table::Table;
use crate::guard::catch;
use crate::tables::engines::EngineError;
use crate::tables::season::season_tables as write_tables;

type SeasonOutput = (
    Table,
    Table,
    Table,
    Table,
    Table,
    Table,
    Table,
    Table,
    Table,
    Table,
    String,
);

/// Runs a season on a bundle; see `xuetong.run_season`. Returns the
/// attendance records, rejected scans, duplicate scans, course results,
/// outcomes, skipped outcomes, ledger, statistics, club evaluations and
/// learning index tables, and the summary as JSON text.
#[pyfunction]
#[pyo3(signature = (
    bundle, *, as_of, home_page, rules=None, rules_is_document=false, token_key=None,
    locale="en"
))]
#[allow(
    clippy::too_many_arguments,
    reason = "each keyword is one option of the season"
)]
pub(crate) fn season_tables(
    py: Python<'_>,
    bundle: Bound<'_, Bundle>,
    as_of: DateTime<Utc>,
    home_page: String,
    rules: Option<&str>,
    rules_is_document: bool,
    token_key: Option<&str>,
    locale: &str,
) -> PyResult<SeasonOutput> {
    guarded(py, || {
        let title = "run_season rejected its input";
        let locale = read_locale(locale)?;
        let mut problems = Problems::new();
        let rules =
            rules.map(|text| read_rule_set(text, rules_is_document, "rules", &mut problems));
        let token_key = token_key.and_then(|text| {
            TokenKey::from_hex(text)
                .map_err(|error| {
                    problems.push(
                        Problem::new(
                            xuetong::attendance::codes::INVALID_TOKEN_KEY,
                            Path::root().join("token_key"),
                        )
                        .with("detail", error.to_string()),
                    );
                })
                .ok()
        });
        if !problems.is_empty() {
            return Err(validation_error(py, &problems, title));
        }
        let mut options = SeasonOptions::new(as_of, home_page);
        options.rules = rules.flatten();
        options.token_key = token_key;
        let bundle = bundle.get().core();
        let result = detach_on_pool(py, || {
            catch(|| {
                let season = run_season(&bundle, options)?;
                write_tables(&season, locale)
            })
        })?;
        let tables = result
            .map_err(|panicked| internal_error(py, &panicked))?
            .map_err(|error: EngineError| engine_error(py, error, title))?;
        let summary = serde_json::to_string(&tables.summary)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok((
            Table::from_batch(tables.attendance_records),
            Table::from_batch(tables.rejected_scans),
            Table::from_batch(tables.duplicate_scans),
            Table::from_batch(tables.course_results),
            Table::from_batch(tables.outcomes),
            Table::from_batch(tables.credits_skipped),
            Table::from_batch(tables.ledger),
            Table::from_batch(tables.statistics),
            Table::from_batch(tables.club_evaluations),
            Table::from_batch(tables.learning_index),
            summary,
        ))
    })
}

/// Adds the functions of this file to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(season_tables, module)?)?;
    Ok(())
}
