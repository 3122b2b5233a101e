//! The engines on tables: `attendance_tables` and `credit_tables`, which
//! read Arrow tables, run the core's engines with the GIL released, and
//! return the results as `Table`s. The package wraps them as
//! `xuetong.evaluate_attendance` and `xuetong.compute_credits`.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use serde_json::Value;
use xuetong::attendance::{AttendancePolicy, TokenKey};
use xuetong::bundle::Bundle as CoreBundle;
use xuetong::credit::{CreditContext, RuleSet, presets, rule_set_from_json};
use xuetong::problem::{Locale, Path, Problem, Problems};

use super::bundle::Bundle;
use super::detach_on_pool;
use super::errors::{guarded, internal_error, validation_error};
use super::table::Table;
use crate::guard::catch;
use crate::tables::engines::{
    AttendanceContext, AttendanceOptions, AttendanceSources, CreditSources, EngineError, TableData,
    attendance_tables as run_attendance, credit_context, credit_tables as run_credits,
    read_outcomes, read_scans,
};

fn table_data(table: PyTable) -> TableData {
    let (batches, schema) = table.into_inner();
    (schema, batches)
}

fn data(table: Option<PyTable>) -> Option<TableData> {
    table.map(table_data)
}

fn json_text(text: &str, what: &str) -> PyResult<Value> {
    serde_json::from_str(text)
        .map_err(|error| PyValueError::new_err(format!("invalid {what}: {error}")))
}

pub(super) fn engine_error(py: Python<'_>, error: EngineError, title: &str) -> PyErr {
    match error {
        EngineError::Problems(problems) => validation_error(py, &problems, title),
        EngineError::Table(error) => PyValueError::new_err(error.to_string()),
    }
}

pub(super) fn read_locale(locale: &str) -> PyResult<Locale> {
    Locale::parse(locale).ok_or_else(|| {
        PyValueError::new_err(format!(
            "unknown locale \"{locale}\"; the locales are en and zh-CN"
        ))
    })
}

/// Returns the core bundle of an optional `Bundle` argument.
fn core_bundle(bundle: Option<&Bound<'_, Bundle>>) -> Option<Arc<CoreBundle>> {
    bundle.map(|bundle| bundle.get().core())
}

type AttendanceOutput = (Table, Table, Table, Table, String, String);

/// Evaluates a scans table; see `xuetong.evaluate_attendance`. Returns the
/// records, rejected scans, duplicate scans and course results tables, the
/// summary as JSON text and the report of the scans table as JSON text.
#[pyfunction]
#[pyo3(signature = (
    scans, *, as_of, sessions=None, courses=None, venues=None, learners=None,
    enrolments=None, excusals=None, outcomes=None, bundle=None, policy=None,
    token_key=None, locale="en"
))]
#[allow(
    clippy::too_many_arguments,
    reason = "each keyword is one input table or option"
)]
pub(crate) fn attendance_tables(
    py: Python<'_>,
    scans: PyTable,
    as_of: DateTime<Utc>,
    sessions: Option<PyTable>,
    courses: Option<PyTable>,
    venues: Option<PyTable>,
    learners: Option<PyTable>,
    enrolments: Option<PyTable>,
    excusals: Option<PyTable>,
    outcomes: Option<PyTable>,
    bundle: Option<Bound<'_, Bundle>>,
    policy: Option<&str>,
    token_key: Option<&str>,
    locale: &str,
) -> PyResult<AttendanceOutput> {
    guarded(py, || {
        let title = "evaluate_attendance rejected its input";
        let locale = read_locale(locale)?;
        let mut problems = Problems::new();
        let policy = match policy {
            None => Some(AttendancePolicy::default()),
            Some(text) => {
                let value = json_text(text, "policy")?;
                AttendancePolicy::from_json(&value, &Path::root().join("policy"))
                    .map_err(|found| problems.extend(found))
                    .ok()
            }
        };
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
        let (Some(policy), true) = (policy, problems.is_empty()) else {
            return Err(validation_error(py, &problems, title));
        };
        let options = AttendanceOptions {
            policy,
            as_of,
            token_key,
            locale,
        };
        let bundle = core_bundle(bundle.as_ref());
        let sources = AttendanceSources {
            sessions: data(sessions),
            courses: data(courses),
            venues: data(venues),
            learners: data(learners),
            enrolments: data(enrolments),
            excusals: data(excusals),
            outcomes: data(outcomes),
        };
        let scans = table_data(scans);
        let result = detach_on_pool(py, || {
            catch(|| {
                // The reference tables are read while the scans are, on the
                // engine pool.
                let (context, (scans, report)) = rayon::join(
                    || match &bundle {
                        Some(bundle) => Ok(AttendanceContext::from_bundle(bundle)),
                        None => AttendanceContext::from_tables(&sources),
                    },
                    || read_scans(&scans),
                );
                let context = context?;
                let tables = run_attendance(&context, &scans, &options)?;
                // Freeing a million scans takes tens of milliseconds, which
                // the caller need not wait for.
                rayon::spawn(move || drop((scans, context)));
                Ok::<_, EngineError>((tables, report))
            })
        })?;
        let (tables, report) = result
            .map_err(|panicked| internal_error(py, &panicked))?
            .map_err(|error| engine_error(py, error, title))?;
        let report = serde_json::to_string(&report)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok((
            Table::from_batch(tables.records),
            Table::from_batch(tables.rejected),
            Table::from_batch(tables.duplicates),
            Table::from_batch(tables.course_results),
            tables.summary.to_string(),
            report,
        ))
    })
}

/// Reads a rule set given as a built-in name (`community` or
/// `community@1`) or as a document in JSON text.
pub(super) fn read_rule_set(
    rule_set: &str,
    document: bool,
    name: &'static str,
    problems: &mut Problems,
) -> Option<RuleSet> {
    let path = Path::root().join(name);
    if document {
        let value: Value = match serde_json::from_str(rule_set) {
            Ok(value) => value,
            Err(error) => {
                problems.push(
                    Problem::new(xuetong::api::codes::INVALID_REQUEST, path)
                        .with("detail", format!("the rule set is not JSON: {error}")),
                );
                return None;
            }
        };
        return rule_set_from_json(&value, &path)
            .map_err(|found| problems.extend(found))
            .ok();
    }
    let (id, version) = match rule_set.split_once('@') {
        Some((id, version)) => (id, version.parse::<u32>().ok()),
        None => (rule_set, None),
    };
    let valid_version = !rule_set.contains('@') || version.is_some();
    let found = valid_version.then(|| presets::find(id, version)).flatten();
    if found.is_none() {
        problems.push(
            Problem::new(xuetong::credit::codes::UNKNOWN_RULE_SET, path).with("value", rule_set),
        );
    }
    found
}

type CreditOutput = (Table, Table, String, String);

/// Computes credits from an outcomes table; see `xuetong.compute_credits`.
/// Returns the ledger entries and skipped outcomes tables, the rule set's
/// pin as JSON text and the report of the outcomes table as JSON text.
#[pyfunction]
#[pyo3(signature = (
    outcomes, *, rule_set, recorded_on, rule_set_is_document=false, courses=None,
    venues=None, categories=None, learners=None, bundle=None
))]
#[allow(
    clippy::too_many_arguments,
    reason = "each keyword is one input table or option"
)]
pub(crate) fn credit_tables(
    py: Python<'_>,
    outcomes: PyTable,
    rule_set: &str,
    recorded_on: NaiveDate,
    rule_set_is_document: bool,
    courses: Option<PyTable>,
    venues: Option<PyTable>,
    categories: Option<PyTable>,
    learners: Option<PyTable>,
    bundle: Option<Bound<'_, Bundle>>,
) -> PyResult<CreditOutput> {
    guarded(py, || {
        let title = "compute_credits rejected its input";
        let mut problems = Problems::new();
        let rule_set = read_rule_set(rule_set, rule_set_is_document, "rule_set", &mut problems);
        let (Some(rule_set), true) = (rule_set, problems.is_empty()) else {
            return Err(validation_error(py, &problems, title));
        };
        let bundle = core_bundle(bundle.as_ref());
        let sources = CreditSources {
            courses: data(courses),
            venues: data(venues),
            categories: data(categories),
            learners: data(learners),
        };
        let outcomes = table_data(outcomes);
        let result = detach_on_pool(py, || {
            catch(|| {
                let context = match &bundle {
                    Some(bundle) => CreditContext::from_bundle(bundle),
                    None => credit_context(&sources)?,
                };
                let (outcomes, report) = read_outcomes(&outcomes);
                let tables = run_credits(&rule_set, context, &outcomes, recorded_on)?;
                Ok::<_, EngineError>((tables, report))
            })
        })?;
        let (tables, report) = result
            .map_err(|panicked| internal_error(py, &panicked))?
            .map_err(|error| engine_error(py, error, title))?;
        let report = serde_json::to_string(&report)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok((
            Table::from_batch(tables.entries),
            Table::from_batch(tables.skipped),
            tables.rule_set.to_string(),
            report,
        ))
    })
}

/// Adds the functions of this file to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_function(wrap_pyfunction!(attendance_tables, module)?)?;
    module.add_function(wrap_pyfunction!(credit_tables, module)?)?;
    Ok(())
}
