//! `xuetong demo`: generates a sample district, runs its season, writes the
//! outputs and the report, and prints counts that agree with what the
//! generator made.

use std::process::{Command, Stdio};

use xuetong::sample::{SampleParams, generate};
use xuetong_cli::output::{counted, grouped};

mod common;

use common::{BIN, Scratch};

#[test]
fn demo_runs_the_sample_season() {
    // A smaller district than the default keeps the test quick in a debug
    // build; the code path is the same.
    let learners = 3_000;
    let dir = Scratch::new("season");
    let out = dir.join("demo");
    let output = Command::new(BIN)
        .args(["demo", "--learners", "3000", "--out"])
        .arg(&out)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    for file in [
        "report.html",
        "attendance_records.csv",
        "rejected_scans.csv",
        "course_results.csv",
        "credit_ledger.csv",
        "transcripts.csv",
        "credit_bank_deposits.jsonl",
        "club_evaluations.csv",
        "bundle/scans.csv",
        "bundle/learners.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<svg"), "the report has no chart");
    let report_line = format!("report: {}", out.join("report.html").display());
    assert!(summary.contains(&report_line), "{summary}");

    // The counts the generator records for what it made.
    let sample = generate(&SampleParams {
        learners,
        ..SampleParams::default()
    })
    .unwrap();
    let expected = &sample.expected;
    let attendance = format!(
        "attendance: {} accepted, {} rejected, {};",
        counted(expected.accepted, "scan", "scans"),
        grouped(expected.rejected()),
        counted(expected.duplicates(), "duplicate", "duplicates")
    );
    assert!(summary.contains(&attendance), "{attendance}\n{summary}");
    let learners_line = format!(", {},", counted(u64::from(learners), "learner", "learners"));
    assert!(
        summary.contains(&learners_line),
        "{learners_line}\n{summary}"
    );
    let courses = counted(sample.bundle.courses.len() as u64, "course", "courses");
    assert!(summary.contains(&courses), "{courses}\n{summary}");
    assert!(
        summary.contains("rejected 0 rows"),
        "the generated bundle did not read back clean\n{summary}"
    );
}
