//! Keeps the problem-code catalogue, its documentation and its tests in step:
//! every code is documented in `docs/error-codes.md` (generated from the
//! catalogue) and exercised by a vector or an integration test.

use std::collections::BTreeSet;

use xuetong::problem::{catalogue, catalogue_groups};
use xuetong_tests::{repo_root, vector_cases};

const BEGIN: &str = "<!-- BEGIN GENERATED CATALOGUE -->";
const END: &str = "<!-- END GENERATED CATALOGUE -->";

/// Renders the catalogue as the generated part of `docs/error-codes.md`.
fn render_catalogue() -> String {
    let mut out = String::new();
    out.push_str(BEGIN);
    out.push('\n');
    for (group, codes) in catalogue_groups() {
        out.push_str(&format!("\n## {group}\n"));
        for info in codes {
            out.push_str(&format!(
                "\n### `{}`\n\n{}\n\n- en: {}\n- zh-CN: {}\n",
                info.code, info.summary, info.en, info.zh
            ));
        }
    }
    out.push('\n');
    out.push_str(END);
    out
}

/// Checks that the part of `docs/{file}` between `begin` and `end` equals
/// `rendered`, or rewrites it when `UPDATE_DOCS` is set.
fn check_generated(file: &str, begin_marker: &str, end_marker: &str, rendered: &str) {
    let path = repo_root().join("docs").join(file);
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("docs/{file}: {error}"));
    let (Some(begin), Some(end)) = (text.find(begin_marker), text.find(end_marker)) else {
        panic!("docs/{file} lacks the {begin_marker} and {end_marker} markers");
    };
    let current = &text[begin..end + end_marker.len()];
    if current != rendered {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!(
                "{}{}{}",
                &text[..begin],
                rendered,
                &text[end + end_marker.len()..]
            );
            std::fs::write(&path, updated).unwrap_or_else(|error| panic!("docs/{file}: {error}"));
            return;
        }
        panic!(
            "docs/{file} is out of date with the source; run \
             `UPDATE_DOCS=1 cargo test -p xuetong-tests --test catalogue` and review the diff"
        );
    }
}

#[test]
fn error_codes_doc_matches_catalogue() {
    check_generated("error-codes.md", BEGIN, END, &render_catalogue());
}

const OPERATIONS_BEGIN: &str = "<!-- BEGIN GENERATED OPERATIONS -->";
const OPERATIONS_END: &str = "<!-- END GENERATED OPERATIONS -->";

/// Renders the operation table as the generated part of `docs/api.md`.
fn render_operations() -> String {
    let mut out = String::new();
    out.push_str(OPERATIONS_BEGIN);
    out.push_str("\n\n| operation | what it does |\n|---|---|\n");
    for operation in xuetong::api::operations() {
        out.push_str(&format!(
            "| `{}` | {} |\n",
            operation.name, operation.summary
        ));
    }
    out.push('\n');
    out.push_str(OPERATIONS_END);
    out
}

#[test]
fn api_doc_lists_every_operation() {
    check_generated(
        "api.md",
        OPERATIONS_BEGIN,
        OPERATIONS_END,
        &render_operations(),
    );
}

#[test]
fn operation_names_are_unique() {
    let mut seen = BTreeSet::new();
    for operation in xuetong::api::operations() {
        assert!(
            seen.insert(operation.name),
            "operation {} is declared twice",
            operation.name
        );
    }
}

#[test]
fn codes_are_unique_snake_case() {
    let mut seen = BTreeSet::new();
    for info in catalogue() {
        let code = info.code.as_str();
        assert!(seen.insert(code), "code {code} is declared twice");
        assert!(
            code.starts_with(|c: char| c.is_ascii_lowercase())
                && code
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_'),
            "code {code} is not snake_case"
        );
        assert!(!info.summary.is_empty(), "code {code} has no summary");
    }
}

#[test]
fn every_code_has_a_test_case() {
    let mut tested: BTreeSet<String> = BTreeSet::new();
    for case in vector_cases() {
        if let Some(problems) = case.expect["problems"].as_array() {
            for problem in problems {
                if let Some(code) = problem["code"].as_str() {
                    tested.insert(code.to_owned());
                }
            }
        }
    }
    let root = repo_root().join("tests");
    let rust_tests: Vec<String> = std::fs::read_dir(&root)
        .expect("tests/ is readable")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
        .filter(|path| path.file_name().is_some_and(|name| name != "catalogue.rs"))
        .map(|path| std::fs::read_to_string(path).unwrap_or_default())
        .collect();
    let untested: Vec<&str> = catalogue()
        .map(|info| info.code.as_str())
        .filter(|code| !tested.contains(*code))
        .filter(|code| {
            let literal = format!("\"{code}\"");
            !rust_tests.iter().any(|source| source.contains(&literal))
        })
        .collect();
    assert!(
        untested.is_empty(),
        "these codes appear in no vector under tests/vectors and no integration test under tests/: {untested:?}"
    );
}

#[test]
fn placeholders_match_between_languages() {
    for info in catalogue() {
        let names = |template: &str| -> BTreeSet<String> {
            template
                .split('{')
                .skip(1)
                .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
                .collect()
        };
        assert_eq!(
            names(info.en),
            names(info.zh),
            "{}: placeholders differ between en and zh",
            info.code
        );
    }
}
