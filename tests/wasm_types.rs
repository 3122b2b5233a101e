//! Keeps the generated TypeScript of the npm package in step with the
//! library: `wasm-bindings/ts/generated.ts` lists every problem code, every
//! operation name and the fields of every input record, and the package's
//! hand-written types are checked against it when the package is compiled.

use xuetong::api::operations;
use xuetong::model::{
    CategoryDef, Club, ClubMember, Course, Enrolment, Excusal, Instructor, Learner, Outcome, Scan,
    Session, Venue,
};
use xuetong::problem::catalogue;
use xuetong::record::{FieldSpec, Record};
use xuetong_tests::repo_root;

const HEADER: &str = "\
// Generated from the xuetong library by tests/wasm_types.rs: do not edit.
// Regenerate with `UPDATE_TYPES=1 cargo test -p xuetong-tests --test wasm_types`.
";

/// Lists the kind and fields of every record that an operation validates.
fn records() -> [(&'static str, &'static [FieldSpec]); 12] {
    [
        (Learner::KIND, Learner::FIELDS),
        (Venue::KIND, Venue::FIELDS),
        (Instructor::KIND, Instructor::FIELDS),
        (Course::KIND, Course::FIELDS),
        (Session::KIND, Session::FIELDS),
        (Enrolment::KIND, Enrolment::FIELDS),
        (Scan::KIND, Scan::FIELDS),
        (Excusal::KIND, Excusal::FIELDS),
        (Outcome::KIND, Outcome::FIELDS),
        (Club::KIND, Club::FIELDS),
        (CategoryDef::KIND, CategoryDef::FIELDS),
        (ClubMember::KIND, ClubMember::FIELDS),
    ]
}

/// Writes `names` as a TypeScript union of string literals, or `never`.
fn union<'a>(names: impl IntoIterator<Item = &'a str>, indent: &str) -> String {
    let lines: Vec<String> = names
        .into_iter()
        .map(|name| format!("\n{indent}| \"{name}\""))
        .collect();
    if lines.is_empty() {
        " never".to_owned()
    } else {
        lines.concat()
    }
}

/// Writes `names` as the items of a TypeScript array literal.
fn array<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|name| format!("  \"{name}\",\n"))
        .collect()
}

/// Renders the whole of `generated.ts`.
fn render() -> String {
    let codes: Vec<&str> = catalogue().map(|info| info.code.as_str()).collect();
    let names: Vec<&str> = operations().map(|operation| operation.name).collect();
    let mut out = String::from(HEADER);

    out.push_str("\n/** Every problem code of the catalogue (docs/error-codes.md). */\n");
    out.push_str(&format!(
        "export type ProblemCode ={};\n",
        union(codes.iter().copied(), "  ")
    ));
    out.push_str("\n/** Every problem code, in catalogue order. */\n");
    out.push_str("export const PROBLEM_CODES: readonly ProblemCode[] = [\n");
    out.push_str(&array(codes.iter().copied()));
    out.push_str("];\n");

    out.push_str("\n/** Every operation of the JSON operation API. */\n");
    out.push_str(&format!(
        "export type OperationName ={};\n",
        union(names.iter().copied(), "  ")
    ));
    out.push_str("\n/** Every operation name, in the order the API lists them. */\n");
    out.push_str("export const OPERATION_NAMES: readonly OperationName[] = [\n");
    out.push_str(&array(names.iter().copied()));
    out.push_str("];\n");

    out.push_str("\n/** The required and optional fields of each input record. */\n");
    out.push_str("export interface RecordFields {\n");
    for (kind, fields) in records() {
        let required = fields.iter().filter(|f| f.required).map(|f| f.name);
        let optional = fields.iter().filter(|f| !f.required).map(|f| f.name);
        out.push_str(&format!("  {kind}: {{\n"));
        out.push_str(&format!("    required:{};\n", union(required, "      ")));
        out.push_str(&format!("    optional:{};\n", union(optional, "      ")));
        out.push_str("  };\n");
    }
    out.push_str("}\n");
    out
}

#[test]
fn generated_typescript_matches_library() {
    let path = repo_root()
        .join("wasm-bindings")
        .join("ts")
        .join("generated.ts");
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    let rendered = render();
    if current == rendered {
        return;
    }
    if std::env::var_os("UPDATE_TYPES").is_some() {
        std::fs::write(&path, rendered).expect("wasm-bindings/ts/generated.ts is writable");
        return;
    }
    panic!(
        "wasm-bindings/ts/generated.ts is out of date with the problem codes, operations or \
         record fields; run `UPDATE_TYPES=1 cargo test -p xuetong-tests --test wasm_types` \
         and review the diff"
    );
}

#[test]
fn union_of_nothing_is_never() {
    assert_eq!(union([], "  "), " never");
    assert_eq!(union(["a", "b"], "  "), "\n  | \"a\"\n  | \"b\"");
}
