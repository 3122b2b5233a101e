//! Operations that describe the API itself.

use serde_json::{Value, json};

use super::{Operation, Request};
use crate::problem::{Problems, catalogue};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "list_operations",
        summary: "Lists every operation with a one-sentence summary.",
        handler: list_operations,
    },
    Operation {
        name: "list_problem_codes",
        summary: "Lists every problem code with its English and Chinese message templates.",
        handler: list_problem_codes,
    },
];

fn list_operations(_: &Request<'_>) -> Result<Value, Problems> {
    let operations: Vec<Value> = super::operations()
        .map(|operation| json!({"name": operation.name, "summary": operation.summary}))
        .collect();
    Ok(Value::Array(operations))
}

fn list_problem_codes(_: &Request<'_>) -> Result<Value, Problems> {
    let codes: Vec<Value> = catalogue()
        .map(|info| {
            json!({
                "code": info.code.as_str(),
                "summary": info.summary,
                "en": info.en,
                "zh": info.zh,
            })
        })
        .collect();
    Ok(Value::Array(codes))
}
