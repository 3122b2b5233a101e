//! Learning index operations.
//!
//! `input` contains the units (`{"units": [{"unit", "values",
//! "denominators"}]}`). The configuration is an option, and the default
//! district indicator set when it is absent. Every number in a result is a
//! decimal string rounded to the configuration's `decimals`.

use serde_json::Value;

use super::club::read_document;
use super::{Operation, Request, codes as api_codes, to_value};
use crate::index::{IndexConfig, IndexInput, codes as index_codes, compute, rank_shift};
use crate::path;
use crate::problem::{Path, PathSegment, Problem, Problems};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "learning_index",
        summary: "Scores and ranks units (such as districts) by the learning index configured in options.config (the default district indicator set when absent).",
        handler: learning_index,
    },
    Operation {
        name: "learning_index_rank_shift",
        summary: "Returns the average absolute rank shift of the units between options.baseline (the default district set when absent) and options.alternative.",
        handler: learning_index_rank_shift,
    },
    Operation {
        name: "learning_index_default_config",
        summary: "Returns the default district learning index configuration.",
        handler: learning_index_default_config,
    },
];

fn read_input(request: &Request<'_>) -> Result<IndexInput, Problems> {
    read_document(request.input, Path::root(), api_codes::INVALID_REQUEST)
}

/// Reads the configuration in option `name`, or the default.
fn read_config(
    request: &Request<'_>,
    name: &'static str,
    required: bool,
) -> Result<IndexConfig, Problems> {
    match request.options.get(name).filter(|value| !value.is_null()) {
        Some(document) => read_document(
            document,
            path!["options", name],
            index_codes::INVALID_INDEX_CONFIG,
        ),
        None if required => Err(Problem::new(
            crate::problem::codes::REQUIRED,
            path!["options", name],
        )
        .with("field", name)
        .into()),
        None => Ok(IndexConfig::default()),
    }
}

/// Moves paths that start with `from` (the name the core uses for a
/// configuration) under `options`.
fn under_options(problems: Problems, from: &'static str) -> Problems {
    let key = PathSegment::from(from);
    let moved = problems
        .into_iter()
        .map(|mut problem| {
            if problem.path.0.first() == Some(&key) {
                problem.path.0.insert(0, PathSegment::from("options"));
            }
            problem
        })
        .collect();
    Problems(moved)
}

fn learning_index(request: &Request<'_>) -> Result<Value, Problems> {
    let config = read_config(request, "config", false);
    let input = read_input(request);
    let (config, input) = both(config, input)?;
    let mut result =
        compute(&config, &input).map_err(|problems| under_options(problems, "config"))?;
    let notices = std::mem::take(&mut result.notices);
    result.notices = under_options(Problems(notices), "config")
        .into_iter()
        .map(|mut notice| {
            notice.localize(request.locale);
            notice
        })
        .collect();
    to_value(&result)
}

fn learning_index_rank_shift(request: &Request<'_>) -> Result<Value, Problems> {
    let baseline = read_config(request, "baseline", false);
    let alternative = read_config(request, "alternative", true);
    let input = read_input(request);
    let (baseline, alternative) = both(baseline, alternative)?;
    let input = input?;
    let shift = rank_shift(&input, &baseline, &alternative)
        .map_err(|problems| under_options(under_options(problems, "baseline"), "alternative"))?;
    to_value(&shift)
}

fn learning_index_default_config(_: &Request<'_>) -> Result<Value, Problems> {
    to_value(&IndexConfig::default())
}

/// Both values, or the problems of either or both.
fn both<A, B>(a: Result<A, Problems>, b: Result<B, Problems>) -> Result<(A, B), Problems> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let mut problems = Problems::new();
            if let Err(found) = a {
                problems.extend(found);
            }
            if let Err(found) = b {
                problems.extend(found);
            }
            Err(problems)
        }
    }
}
