//! `xuetong import` then `xuetong run` on the real datasets kept beside the
//! repository in `../shared/data` (the Open University Learning Analytics
//! Dataset and the City of Toronto drop-in schedule).
//!
//! A clone without `../shared/data` skips these tests with a message. When
//! the environment variable `CI` is set, as CI services set it, a missing
//! folder fails the tests instead, so that CI never skips them silently.
//!
//! The OULAD season runs with `examples/rules/oulad-modules.json`. It
//! credits 10.00 per module passed (once per module code) and 0.50 per
//! assessment result of a module run the learner passed, summed per learner
//! and run. Banked results, carried over from an earlier run, are not
//! credited again. The expected credits were worked out from the source files
//! without the library: `studentInfo.csv` (read as GB18030) for the final
//! results, `assessments.csv` for the run of each assessment, and
//! `studentAssessment.csv` for the results (a row without a score is not a
//! result: the importer rejects it).
//!
//! - Student 11391 passed AAA 2013J and has 5 results there (TMAs 1752 to
//!   1756, none banked): 10.00 + 5 × 0.50 = 12.50.
//! - Student 2596621 passed AAA 2014J (5 TMA results, 1758 to 1762) and FFF
//!   2013J with Distinction (5 TMA and 7 CMA results, 34873 to 34884):
//!   (10.00 + 2.50) + (10.00 + 6.00) = 28.50.
//! - Student 94961 withdrew from AAA 2013J, so the result of TMA 1752 there
//!   earns nothing, and passed AAA 2014J, where TMA 1758 is banked (74,
//!   carried over) and 1759 to 1762 are new: 10.00 + 4 × 0.50 = 12.00.
//! - Student 74372 failed AAA 2013J: the 4 results earn nothing, 0.00.
//! - Student 502717 passed BBB 2013B with 9 assessment rows, one without a
//!   score (TMA 14989): 10.00 + 8 × 0.50 = 14.00.
//!
//! Over the whole dataset, counted the same way: 15,385 passes by 14,581
//! students (no student passed one module twice), 131,673 results of passed
//! runs that are not banked, in 15,373 (student, run) pairs, and 644 banked
//! ones in 157 pairs. That makes 15,385 + 15,373 = 30,758 entries and
//! 10.00 × 15,385 + 0.50 × 131,673 = 219,686.50 credits. The other 41,422
//! results belong to runs the student did not pass.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use xuetong::id::LearnerId;

mod common;

use common::{Scratch, repo, xuetong};

/// Finds the folder of dataset `name` under `../shared/data`, or returns
/// `None` with a printed message when it is absent outside CI.
fn dataset(name: &str) -> Option<PathBuf> {
    let folder = repo().join("..").join("shared").join("data").join(name);
    if folder.is_dir() {
        return Some(folder);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{} is missing, and CI must run the real-data tests; place the datasets in ../shared/data beside the repository",
        folder.display()
    );
    eprintln!(
        "skipped: {} is absent (the datasets live beside the repository in ../shared/data, which a clone does not have)",
        folder.display()
    );
    None
}

fn printed(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Imports `source` as `format` into a bundle, runs the season on it with
/// `extra` options, and returns the scratch folder (outputs in its `out`
/// folder) with what the run printed.
fn import_and_run(format: &str, source: &Path, extra: &[&str]) -> (Scratch, String) {
    let dir = Scratch::new(format);
    let bundle = dir.join("bundle");
    let out = dir.join("out");
    let import = xuetong(&[
        "import",
        format,
        source.to_str().unwrap(),
        "--out",
        bundle.to_str().unwrap(),
    ]);
    // OULAD rows the importer rejects (147 registrations, 173 results)
    // make its exit code 1; the bundle is written all the same.
    assert!(
        matches!(import.status.code(), Some(0 | 1)),
        "import failed: {}",
        String::from_utf8_lossy(&import.stderr)
    );

    let mut args = vec![
        "run",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = xuetong(&args);
    assert_eq!(
        run.status.code(),
        Some(0),
        "the run fails: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary = printed(&run);
    (dir, summary)
}

/// Sums each learner's credits over the rows of `transcripts.csv`.
fn balances(out: &Path) -> BTreeMap<String, i64> {
    let mut reader =
        csv::Reader::from_path(out.join("transcripts.csv")).expect("transcripts.csv is written");
    let mut sums = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("a transcript row");
        let learner = record.get(0).expect("learner_id").to_owned();
        let credits = record.get(5).expect("credits");
        let (whole, cents) = credits.split_once('.').expect("two decimals");
        let hundredths = whole.parse::<i64>().expect("whole credits") * 100
            + cents.parse::<i64>().expect("hundredths");
        *sums.entry(learner).or_default() += hundredths;
    }
    sums
}

fn learner(student: &str) -> String {
    LearnerId::derive("oulad", student).to_string()
}

/// Counts the lines of a file.
fn lines(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("the file is written");
    text.lines().count()
}

/// Counts the data rows of a CSV file, its header not counted.
fn rows(path: &Path) -> usize {
    lines(path).saturating_sub(1)
}

#[test]
fn oulad_season_credits_match_the_source_files() {
    let Some(source) = dataset("oulad") else {
        return;
    };
    let rules = repo()
        .join("examples")
        .join("rules")
        .join("oulad-modules.json");
    let (dir, summary) = import_and_run("oulad", &source, &["--rules", rules.to_str().unwrap()]);
    let out = dir.join("out");

    assert!(summary.contains("28,785 learners, 22 courses"), "{summary}");
    assert!(
        summary
            .contains("credits: 30,758 entries appended (219686.50 credits) for 14,581 learners"),
        "{summary}"
    );

    let credits = balances(&out);
    let of = |student: &str| credits.get(&learner(student)).copied().unwrap_or(0);
    assert_eq!(of("11391"), 12_50);
    assert_eq!(of("2596621"), 28_50);
    assert_eq!(of("94961"), 12_00);
    assert_eq!(of("74372"), 0);
    assert_eq!(of("502717"), 14_00);

    let skipped = std::fs::read_to_string(out.join("credits_skipped.csv")).expect("written");
    let banked = skipped
        .lines()
        .filter(|line| line.contains(",banked,"))
        .count();
    let missing = skipped
        .lines()
        .filter(|line| line.contains(",completion_missing,"))
        .count();
    assert_eq!(banked, 157);
    assert_eq!(missing, 41_422);

    // Every registration the importer kept gives a place, so a course
    // result: 32,446 enrolments.
    assert_eq!(rows(&out.join("course_results.csv")), 32_446);
    assert_eq!(lines(&out.join("credit_bank_deposits.jsonl")), 30_758);
    assert!(out.join("report.html").is_file());
}

#[test]
fn toronto_season_runs_on_every_session() {
    let Some(source) = dataset("toronto-dropin") else {
        return;
    };
    let (dir, summary) = import_and_run("toronto-dropin", &source, &[]);
    let out = dir.join("out");
    // The drop-in schedule has 32,069 sessions at 227 venues, no learners
    // and no scans: every session has ended at the default evaluation time
    // (the end of the last one), and nothing is attended or credited.
    assert!(
        summary.contains("sessions: 32,069 held of 32,069 sessions; 0 learners, 6,159 courses"),
        "{summary}"
    );
    assert!(summary.contains("(America/Toronto)"), "{summary}");
    assert!(summary.contains("credits: 0 entries appended"), "{summary}");
    assert_eq!(rows(&out.join("attendance_records.csv")), 0);
    let report = std::fs::read_to_string(out.join("report.html")).expect("written");
    assert!(
        report.contains("32,069"),
        "the report shows the sessions held"
    );
}
