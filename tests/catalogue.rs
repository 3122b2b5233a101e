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

#[test]
fn error_codes_doc_matches_catalogue() {
    let path = repo_root().join("docs").join("error-codes.md");
    let text = std::fs::read_to_string(&path).expect("docs/error-codes.md is readable");
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        panic!("docs/error-codes.md lacks the {BEGIN} and {END} markers");
    };
    let current = &text[begin..end + END.len()];
    let rendered = render_catalogue();
    if current != rendered {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            let updated = format!("{}{}{}", &text[..begin], rendered, &text[end + END.len()..]);
            std::fs::write(&path, updated).expect("docs/error-codes.md is writable");
            return;
        }
        panic!(
            "docs/error-codes.md is out of date with the catalogue; run \
             `UPDATE_DOCS=1 cargo test -p xuetong-tests --test catalogue` and review the diff"
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
