//! The season run as an operation: a bundle given as the text of its files
//! in, every output file of the run out.
//!
//! `run_season` takes `input.files`, an object from file name to the file's
//! text (the CSV files of a bundle and optionally `rules.json`). Its
//! `options`:
//!
//! | option | meaning |
//! |---|---|
//! | `home_page` | required: the platform's home page, for xAPI actors and deposit keys |
//! | `as_of` | the evaluation time; when absent, the latest instant the bundle mentions, counting only scans received before their session's windows closed under `policy` |
//! | `rules` | a built-in rule set name (`community`, `community@1`) or a rule set document; the bundle's `rules.json`, else `community`, when absent |
//! | `policy` | an attendance policy document |
//! | `token_key` | the platform key in hexadecimal, to verify check-in tokens |
//! | `previous_ledger` | the ledger document of earlier runs |
//! | `xapi` | `true` to write xAPI statements |
//! | `time_zone` | the zone of the recording date and xAPI timestamps |
//! | `outcome_grouping` | `per_session` (default) or `per_course` |
//! | `statistics` | the kinds of scope of `statistics.csv`, such as `["district", "course"]`; `["platform", "district", "street"]` when absent |
//! | `period` | `{"first_day", "last_day"}` of the statistics and the index; from the bundle's first session or outcome day to the recording date when absent |
//! | `coverage` | the learning-circle settings of `docs/statistics.md` |
//!
//! The value contains `summary` (the run's counts), `read_report` (what
//! reading the bundle accepted and rejected) and `files`, from output file
//! name to its text, as `xuetong run` writes them (without `report.html`).
//! Rows the bundle rejected are not an error: they are in `read_report` and
//! `rejected_rows.csv`, and the season runs on the rest.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};

use super::{Operation, Request, read_option, to_value};
use crate::attendance::{AttendancePolicy, OutcomeGrouping, TokenKey};
use crate::bundle::{MemoryBundle, RULES_FILE, read_bundle};
use crate::credit::{Ledger, RuleSet};
use crate::problem::{Path, PathSegment, Problem, Problems};
use crate::record::json_kind;
use crate::season::{
    REJECTED_ROWS_FILE, ScopeKind, SeasonOptions, default_as_of, run_season, write_output,
    write_rejected_rows,
};
use crate::stats::{CoverageSettings, Period};

pub(super) static OPERATIONS: &[Operation] = &[Operation {
    name: "run_season",
    summary: "Runs a whole season on a bundle given as the text of its files (input.files) and returns every output file of the run with the run's counts; options.home_page is required.",
    handler: run,
}];

fn run(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let files = read_files(request.input, &mut problems);
    let home_page = read_option::<String>(request, "home_page", &mut problems);
    if home_page.is_none() && !problems.iter().any(|p| p.path == option_path("home_page")) {
        problems.push(
            Problem::new(crate::problem::codes::REQUIRED, option_path("home_page"))
                .with("field", "home_page"),
        );
    }
    let as_of = read_option::<DateTime<Utc>>(request, "as_of", &mut problems);
    let rules = read_rules(request, &mut problems);
    let policy = read_policy(request, &mut problems);
    let token_key = read_token_key(request, &mut problems);
    let previous_ledger = read_ledger(request, &mut problems);
    let xapi = read_option::<bool>(request, "xapi", &mut problems).unwrap_or(false);
    let time_zone = read_option::<Tz>(request, "time_zone", &mut problems);
    let grouping = read_option::<OutcomeGrouping>(request, "outcome_grouping", &mut problems);
    let kinds = read_option::<Vec<ScopeKind>>(request, "statistics", &mut problems)
        .map(BTreeSet::from_iter);
    let period = super::record_option::<Period>(request, "period").unwrap_or_else(|found| {
        problems.extend(found);
        None
    });
    let coverage = request
        .options
        .get("coverage")
        .filter(|value| !value.is_null())
        .and_then(|value| {
            CoverageSettings::from_json(value, &option_path("coverage"))
                .map_err(|found| problems.extend(found))
                .ok()
        });
    let (Some(files), Some(home_page), Some(policy), true) =
        (files, home_page, policy, problems.is_empty())
    else {
        return Err(problems);
    };

    let (bundle, report) = read_bundle(&files).map_err(|error| {
        Problems::from(
            Problem::new(super::codes::INVALID_REQUEST, Path::root().join("files"))
                .with("detail", error.to_string()),
        )
    })?;
    let Some(as_of) = as_of.or_else(|| default_as_of(&bundle, &policy)) else {
        return Err(
            Problem::new(crate::problem::codes::REQUIRED, option_path("as_of"))
                .with("field", "as_of")
                .into(),
        );
    };
    let mut options = SeasonOptions::new(as_of, home_page);
    options.rules = rules;
    options.policy = policy;
    options.token_key = token_key;
    options.previous_ledger = previous_ledger;
    options.xapi = xapi;
    options.time_zone = time_zone;
    if let Some(grouping) = grouping {
        options.outcome_grouping = grouping;
    }
    if let Some(kinds) = kinds {
        options.statistics = kinds;
    }
    options.period = period;
    if let Some(coverage) = coverage {
        options.coverage = coverage;
    }
    let season = run_season(&bundle, options).map_err(under_options)?;

    let mut outputs = Map::new();
    for file in season.output_files() {
        let mut bytes = Vec::new();
        write_output(&season, file, &mut bytes, request.locale).map_err(write_failure)?;
        outputs.insert(file.as_str().into(), text_of(bytes));
    }
    let mut bytes = Vec::new();
    write_rejected_rows(&report, &mut bytes, request.locale).map_err(write_failure)?;
    outputs.insert(REJECTED_ROWS_FILE.into(), text_of(bytes));

    let mut read_report = to_value(&report)?;
    if let Value::Object(object) = &mut read_report {
        for key in ["problems", "notices"] {
            if let Some(Value::Array(items)) = object.get_mut(key) {
                localize(items, request.locale);
            }
        }
    }
    Ok(json!({
        "as_of": crate::field::format_instant(&season.as_of),
        "recorded_on": season.recorded_on.to_string(),
        "time_zone": season.time_zone.name(),
        "rule_set": season.rule_set.pin(),
        "summary": to_value(&season.summary)?,
        "read_report": read_report,
        "files": outputs,
    }))
}

fn option_path(name: &'static str) -> Path {
    Path::root().join("options").join(name)
}

/// Moves the problems of the season's options under `options`, and those of
/// the bundle's `rules.json` under `files`, where the request gave it.
fn under_options(problems: Problems) -> Problems {
    let rules_file = PathSegment::from(RULES_FILE);
    let moved = problems
        .into_iter()
        .map(|mut problem| {
            let parent = if problem.path.segments().first() == Some(&rules_file) {
                "files"
            } else {
                "options"
            };
            problem.path.0.insert(0, parent.into());
            problem
        })
        .collect();
    Problems(moved)
}

fn write_failure(error: std::io::Error) -> Problems {
    Problem::new(super::codes::INVALID_REQUEST, Path::root())
        .with("detail", format!("an output could not be written: {error}"))
        .into()
}

fn text_of(bytes: Vec<u8>) -> Value {
    Value::String(String::from_utf8_lossy(&bytes).into_owned())
}

/// Renders the messages of serialized problems in `locale`.
fn localize(items: &mut [Value], locale: crate::problem::Locale) {
    for item in items {
        if let Ok(mut problem) = serde_json::from_value::<Problem>(item.clone()) {
            problem.localize(locale);
            if let Ok(value) = serde_json::to_value(&problem) {
                *item = value;
            }
        }
    }
}

/// Reads `input.files`: an object from file name to text.
fn read_files(input: &Value, problems: &mut Problems) -> Option<MemoryBundle> {
    let path = Path::root().join("files");
    let Some(files) = input.get("files") else {
        problems.push(Problem::new(crate::problem::codes::REQUIRED, path).with("field", "files"));
        return None;
    };
    let Value::Object(files) = files else {
        problems.push(
            Problem::new(crate::problem::codes::INVALID_TYPE, path)
                .with("field", "files")
                .with("expected", "an object from file name to the file's text")
                .with("value", json_kind(files)),
        );
        return None;
    };
    if let Value::Object(object) = input {
        crate::record::check_known_fields(object, &["files"], &Path::root(), problems);
    }
    let mut bundle = MemoryBundle::new();
    let mut sorted: BTreeMap<&String, &Value> = BTreeMap::new();
    sorted.extend(files.iter());
    for (name, text) in sorted {
        match text {
            Value::String(text) => bundle.insert(name.clone(), text.as_bytes().to_vec()),
            other => problems.push(
                Problem::new(crate::problem::codes::INVALID_TYPE, path.join(name.clone()))
                    .with("field", name.as_str())
                    .with("expected", "the file's text")
                    .with("value", json_kind(other)),
            ),
        }
    }
    Some(bundle)
}

/// Reads `options.rules`: a built-in rule set name, optionally with
/// `@version`, or a rule set document.
fn read_rules(request: &Request<'_>, problems: &mut Problems) -> Option<RuleSet> {
    let value = super::option_value(request, "rules")?;
    super::credit::read_rule_set(value, option_path("rules"), problems)
}

fn read_policy(request: &Request<'_>, problems: &mut Problems) -> Option<AttendancePolicy> {
    match request.options.get("policy") {
        None | Some(Value::Null) => Some(AttendancePolicy::default()),
        Some(value) => AttendancePolicy::from_json(value, &option_path("policy"))
            .map_err(|found| problems.extend(found))
            .ok(),
    }
}

fn read_token_key(request: &Request<'_>, problems: &mut Problems) -> Option<TokenKey> {
    let text = read_option::<String>(request, "token_key", problems)?;
    TokenKey::from_hex(&text)
        .map_err(|error| {
            problems.push(
                Problem::new(
                    crate::attendance::codes::INVALID_TOKEN_KEY,
                    option_path("token_key"),
                )
                .with("detail", error.to_string()),
            );
        })
        .ok()
}

fn read_ledger(request: &Request<'_>, problems: &mut Problems) -> Option<Ledger> {
    let value = request
        .options
        .get("previous_ledger")
        .filter(|value| !value.is_null())?;
    super::credit::read_ledger_document(value, &option_path("previous_ledger"), problems)
}
