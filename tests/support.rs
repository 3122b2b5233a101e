//! Helpers shared by the integration tests: where the repository's files
//! are, and the runner of the shared JSON test vectors.

use std::path::{Path, PathBuf};

use serde_json::Value;
use xuetong::bundle::MemoryBundle;

/// The root of the repository.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Loads every file of `folder` (not its subfolders) into a memory bundle.
pub fn load_folder(folder: &Path) -> MemoryBundle {
    let mut files = MemoryBundle::new();
    let entries = std::fs::read_dir(folder).expect("the folder is readable");
    for entry in entries {
        let entry = entry.expect("the folder lists its files");
        if entry.path().is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.insert(
                name,
                std::fs::read(entry.path()).expect("the file is readable"),
            );
        }
    }
    files
}

/// Every `.json` file under `dir`, sorted, searched recursively.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "json") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The `format` of a vector file.
pub const VECTORS_FORMAT: &str = "xuetong.vectors/1";

/// One case of a vector file, with the file it came from.
#[derive(Debug)]
pub struct VectorCase {
    /// The file, relative to the repository root.
    pub file: String,
    /// The case's name.
    pub name: String,
    /// The operation to call.
    pub operation: String,
    /// The request to send, or null when the case gives `request_text`.
    pub request: Value,
    /// The request as JSON text, sent through the text entry points, for
    /// what a JSON value cannot hold, such as a key given twice.
    pub request_text: Option<String>,
    /// The expected response (see `tests/vectors/README.md`).
    pub expect: Value,
}

/// Reads every case of every vector file under `tests/vectors`.
///
/// # Panics
///
/// Panics on a file that is not a vector file, naming it.
pub fn vector_cases() -> Vec<VectorCase> {
    let root = repo_root();
    let mut cases = Vec::new();
    for path in json_files(&root.join("tests").join("vectors")) {
        let file = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{file}: {error}"));
        let document: Value =
            serde_json::from_str(&text).unwrap_or_else(|error| panic!("{file}: {error}"));
        assert_eq!(document["format"], VECTORS_FORMAT, "{file}: wrong format");
        let Some(items) = document["cases"].as_array() else {
            panic!("{file}: no cases list");
        };
        for item in items {
            let name = item["name"]
                .as_str()
                .unwrap_or_else(|| panic!("{file}: a case has no name"));
            let operation = item["operation"]
                .as_str()
                .unwrap_or_else(|| panic!("{file}: case {name} has no operation"));
            cases.push(VectorCase {
                file: file.clone(),
                name: name.to_owned(),
                operation: operation.to_owned(),
                request: item["request"].clone(),
                request_text: item["request_text"].as_str().map(str::to_owned),
                expect: item["expect"].clone(),
            });
        }
    }
    cases
}

/// Compares a response with a case's expectation and describes every
/// difference; an empty list means the case passed.
pub fn check_response(expect: &Value, response: &Value) -> Vec<String> {
    let mut differences = Vec::new();
    if response["ok"] != expect["ok"] {
        differences.push(format!(
            "ok is {} but {} was expected; response: {response}",
            response["ok"], expect["ok"]
        ));
        return differences;
    }
    if let Some(value) = expect.get("value")
        && &response["value"] != value
    {
        differences.push(format!(
            "value differs\n  expected: {value}\n  actual:   {}",
            response["value"]
        ));
    }
    if let Some(subset) = expect.get("value_subset") {
        let mut path = String::from("value");
        contains(&response["value"], subset, &mut path, &mut differences);
    }
    if let Some(problems) = expect.get("problems") {
        let mut expected = code_paths(problems);
        let mut actual = code_paths(&response["problems"]);
        expected.sort();
        actual.sort();
        if expected != actual {
            differences.push(format!(
                "problems differ\n  expected: {expected:?}\n  actual:   {actual:?}"
            ));
        }
        for problem in problems.as_array().into_iter().flatten() {
            if let Some(params) = problem.get("params") {
                check_params(problem, params, &response["problems"], &mut differences);
            }
        }
    }
    differences
}

/// Checks that some problem of `actual` with the code and path of
/// `expected` has every parameter listed in `params`, with equal values.
fn check_params(expected: &Value, params: &Value, actual: &Value, differences: &mut Vec<String>) {
    let same_place = |problem: &&Value| {
        problem["code"] == expected["code"] && problem["path"] == expected["path"]
    };
    let candidates: Vec<&Value> = actual
        .as_array()
        .map(|items| items.iter().filter(same_place).collect())
        .unwrap_or_default();
    let matches = |problem: &&Value| {
        let mut found = Vec::new();
        let mut path = String::from("params");
        contains(&problem["params"], params, &mut path, &mut found);
        found.is_empty()
    };
    if !candidates.iter().any(matches) {
        let found: Vec<&Value> = candidates
            .iter()
            .map(|problem| &problem["params"])
            .collect();
        differences.push(format!(
            "no {} problem at {} has params {params}; found {found:?}",
            expected["code"], expected["path"]
        ));
    }
}

/// The (code, path) pairs of a list of problems, the part of a problem that
/// vectors compare (messages are not compared).
fn code_paths(problems: &Value) -> Vec<(String, String)> {
    problems
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|problem| {
                    (
                        problem["code"].as_str().unwrap_or("").to_owned(),
                        problem["path"].to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks that `actual` holds everything in `expected`: objects may have
/// more keys, lists must have the same length, scalars must be equal.
fn contains(actual: &Value, expected: &Value, path: &mut String, differences: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(actual), Value::Object(expected)) => {
            for (key, expected) in expected {
                let length = path.len();
                path.push('.');
                path.push_str(key);
                match actual.get(key) {
                    Some(actual) => contains(actual, expected, path, differences),
                    None => differences.push(format!("{path} is missing")),
                }
                path.truncate(length);
            }
        }
        (Value::Array(actual), Value::Array(expected)) => {
            if actual.len() != expected.len() {
                differences.push(format!(
                    "{path} has {} items, expected {}",
                    actual.len(),
                    expected.len()
                ));
                return;
            }
            for (index, (actual, expected)) in actual.iter().zip(expected).enumerate() {
                let length = path.len();
                path.push_str(&format!("[{index}]"));
                contains(actual, expected, path, differences);
                path.truncate(length);
            }
        }
        _ if actual == expected => {}
        _ => differences.push(format!("{path} is {actual}, expected {expected}")),
    }
}
