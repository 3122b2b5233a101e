//! `xuetong demo`: generates a sample district, runs its season, writes the
//! outputs and the report, and prints counts that agree with what the
//! generator made.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use xuetong::sample::{SampleParams, generate};
use xuetong_cli::output::{counted, grouped};

mod common;

use common::{BIN, LOCK_FILE, Scratch, hold_lock, listing};

/// Runs `xuetong demo` with 3,000 learners into `out`.
fn demo_of_3000(out: &Path) -> Output {
    Command::new(BIN)
        .args(["demo", "--learners", "3000", "--out"])
        .arg(out)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn demo_runs_the_sample_season() {
    // A smaller district than the default keeps the test quick in a debug
    // build; the code path is the same.
    let learners = 3_000;
    let dir = Scratch::new("season");
    let out = dir.join("demo");
    let output = demo_of_3000(&out);
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

#[test]
fn demo_into_a_locked_folder_is_busy() {
    let dir = Scratch::new("busy");
    let out = dir.join("demo");
    let _lock = hold_lock(&out);

    let output = demo_of_3000(&out);

    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let message = String::from_utf8_lossy(&output.stderr);
    let expected = format!("error: another run is writing into {};", out.display());
    assert!(message.contains(&expected), "{message}");
    assert_eq!(listing(&out), [LOCK_FILE], "the busy demo wrote its bundle");
}

#[test]
fn demo_into_a_file_is_bad_input() {
    let dir = Scratch::new("file");
    let out = dir.join("demo.txt");
    std::fs::write(&out, "kept").unwrap();

    let output = demo_of_3000(&out);

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let message = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "error: --out {} is a file; give a folder for the outputs",
        out.display()
    );
    assert!(message.contains(&expected), "{message}");
    let kept = std::fs::read_to_string(&out).unwrap();
    assert_eq!(kept, "kept", "the demo changed the file");
}

#[cfg(unix)]
#[test]
fn demo_into_a_dangling_link_is_bad_input() {
    let dir = Scratch::new("dangling");
    let missing = dir.join("missing");
    let out = dir.join("demo");
    std::os::unix::fs::symlink(&missing, &out).unwrap();

    let output = demo_of_3000(&out);

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let message = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "error: --out {} is a symbolic link to {}, which does not exist;",
        out.display(),
        missing.display()
    );
    assert!(message.contains(&expected), "{message}");
    assert!(!missing.exists(), "the demo created the target of the link");
}
