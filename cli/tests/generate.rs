//! `xuetong generate`: a small sample district written to a folder reads
//! back clean with `xuetong validate`, and the same seed writes the same
//! bytes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;

#[cfg(unix)]
use common::read_only_folder;
use common::{BIN, Scratch};

fn xuetong(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn generate(out: &Path, learners: &str, seed: &str) -> Output {
    xuetong(&[
        "generate",
        "--learners",
        learners,
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ])
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn generated_bundle_validates_clean() {
    let dir = Scratch::new("clean");
    let out = dir.join("sample");
    let output = generate(&out, "400", "7");
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let summary = stdout(&output);
    assert!(summary.contains(", 400 learners,"), "{summary}");
    for file in [
        "venues.csv",
        "learners.csv",
        "courses.csv",
        "sessions.csv",
        "enrolments.csv",
        "clubs.csv",
        "outcomes.csv",
        "scans.csv",
    ] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }

    let validated = xuetong(&["validate", out.to_str().unwrap()]);
    assert_eq!(validated.status.code(), Some(0), "{validated:?}");
    let report = stdout(&validated);
    assert!(report.contains(" 0 rejected, 0 problems"), "{report}");
    let learners = report
        .lines()
        .find(|line| line.starts_with("learners.csv:"))
        .unwrap();
    assert!(
        learners.contains("400 rows read, 400 accepted"),
        "{learners}"
    );
}

#[test]
fn same_seed_writes_same_bytes() {
    let dir = Scratch::new("seed");
    let (first, second, other) = (dir.join("a"), dir.join("b"), dir.join("c"));
    for (out, seed) in [(&first, "11"), (&second, "11"), (&other, "12")] {
        assert_eq!(generate(out, "250", seed).status.code(), Some(0));
    }
    let read = |folder: &Path| std::fs::read(folder.join("scans.csv")).unwrap();
    assert_eq!(read(&first), read(&second));
    assert_ne!(read(&first), read(&other));
}

#[test]
fn learners_out_of_range_is_usage_error() {
    let dir = Scratch::new("range");
    for learners in ["0", "5000001"] {
        let output = generate(&dir.join("none"), learners, "1");
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(
            message.contains(&format!("invalid value '{learners}' for '--learners")),
            "{message}"
        );
        assert!(message.contains("1..=5000000"), "{message}");
    }
    assert!(!dir.join("none").exists());
}

#[test]
fn weeks_out_of_range_is_usage_error() {
    let dir = Scratch::new("weeks");
    for weeks in ["3", "27"] {
        let output = xuetong(&[
            "generate",
            "--learners",
            "100",
            "--weeks",
            weeks,
            "--out",
            dir.join("none").to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        assert!(message.contains("4..=26"), "{message}");
    }
}

#[test]
fn season_start_without_holidays_is_usage_error() {
    let dir = Scratch::new("start");
    let output = xuetong(&[
        "generate",
        "--learners",
        "100",
        "--season-start",
        "1990-03-05",
        "--out",
        dir.join("none").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("the semester from 1990-03-05 reaches 1990"),
        "{message}"
    );
}

#[cfg(unix)]
#[test]
fn out_that_cannot_be_made_is_bad_input() {
    let dir = Scratch::new("out-broken");
    let missing = dir.join("missing");
    let dangling = dir.join("dangling");
    std::os::unix::fs::symlink(&missing, &dangling).unwrap();
    let file = dir.join("notes.txt");
    std::fs::write(&file, "kept").unwrap();

    let linked = generate(&dangling, "50", "1");
    let inside = generate(&file.join("bundle"), "50", "1");

    assert_eq!(linked.status.code(), Some(1), "{linked:?}");
    let message = String::from_utf8_lossy(&linked.stderr);
    let expected = format!(
        "error: --out {} is a symbolic link to {}, which does not exist;",
        dangling.display(),
        missing.display()
    );
    assert!(message.contains(&expected), "{message}");
    assert!(!missing.exists(), "generate created the target of the link");
    assert_eq!(inside.status.code(), Some(1), "{inside:?}");
    let message = String::from_utf8_lossy(&inside.stderr);
    let expected = format!(
        "error: --out {} cannot be made because {} is a file, not a folder;",
        file.join("bundle").display(),
        file.display()
    );
    assert!(message.contains(&expected), "{message}");
}

#[test]
fn out_name_too_long_is_bad_input() {
    let dir = Scratch::new("out-long");
    // Longer than the 255 bytes that common file systems allow in a name.
    let out = dir.join("b".repeat(300));

    let output = generate(&out, "50", "1");

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("; give a shorter --out path"), "{message}");
}

#[cfg(unix)]
#[test]
fn out_not_writable_is_bad_input() {
    let dir = Scratch::new("out-read-only");
    let Some(folder) = read_only_folder(&dir, &[]) else {
        return;
    };

    let output = generate(&folder, "50", "1");

    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let message = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "error: failed to write the bundle to {}: failed to write categories.csv: ",
        folder.display()
    );
    assert!(message.contains(&expected), "{message}");
    assert!(
        message.contains("; give a folder that you may write to"),
        "{message}"
    );
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0);
}
