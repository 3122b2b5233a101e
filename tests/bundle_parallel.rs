//! Reading a bundle with its files parsed in parallel gives what reading
//! them one after the other gives: the same records, problems, notices and
//! counts, in the same order.

use std::io::{self, Read};

use xuetong::bundle::{BundleError, BundleSource, MemoryBundle, read_bundle, read_bundle_parallel};
use xuetong::sample::{SampleParams, generate};
use xuetong_tests::{load_folder, repo_root};

/// Reads `files` both ways and checks that the results agree.
fn assert_same_read(files: &MemoryBundle) {
    let sequential = read_bundle(files).expect("a memory bundle always reads");
    let parallel = read_bundle_parallel(files).expect("a memory bundle always reads");
    assert_eq!(parallel.1.files, sequential.1.files);
    assert_eq!(parallel.1.problems, sequential.1.problems);
    assert_eq!(parallel.1.notices, sequential.1.notices);
    assert_eq!(parallel.0, sequential.0);
}

#[test]
fn fixtures_read_the_same() {
    let root = repo_root();
    for folder in [
        root.join("tests/fixtures/broken-bundle"),
        root.join("tests/fixtures/stats-bundle"),
        root.join("examples/bundle"),
    ] {
        let files = load_folder(&folder);
        assert!(!files.files.is_empty(), "{} has files", folder.display());
        assert_same_read(&files);
    }
}

/// Generates a district of 400 learners with broken rows in several files,
/// a GB18030 file, an unknown file and no `sessions.csv`, so that problems
/// come from many files and their order across files is checked.
fn broken_sample() -> MemoryBundle {
    let params = SampleParams {
        learners: 400,
        ..SampleParams::default()
    };
    let sample = generate(&params).expect("the sample generates");
    let bundle = sample.into_bundle();
    let mut files = MemoryBundle::new();
    xuetong::bundle::write_bundle(&bundle, &mut files).expect("memory writes");

    let learners = String::from_utf8(files.files["learners.csv"].clone()).unwrap();
    let mut lines: Vec<String> = learners.lines().map(str::to_owned).collect();
    lines.insert(3, "not,enough".into());
    lines.push(lines[1].clone());
    files.insert("learners.csv", lines.join("\r") + "\r");

    let enrolments = String::from_utf8(files.files["enrolments.csv"].clone()).unwrap();
    let mut lines: Vec<String> = enrolments.lines().map(str::to_owned).collect();
    lines[5] = lines[5].replacen(',', ",x", 2);
    lines.push("a,\"never closed".into());
    files.insert("enrolments.csv", lines.join("\n") + "\n");

    let instructors = String::from_utf8(files.files["instructors.csv"].clone()).unwrap();
    let instructors = instructors + "讲师,\n";
    let (gb18030, _, _) = encoding_rs::GB18030.encode(&instructors);
    files.insert("instructors.csv", gb18030.into_owned());

    // Scans are linked apart from the other files and at the same time.
    // The rows added repeat a scan right away, one at the end, and one
    // that then comes three times.
    let scans = String::from_utf8(files.files["scans.csv"].clone()).unwrap();
    let mut lines: Vec<String> = scans.lines().map(str::to_owned).collect();
    assert!(lines.len() > 20, "the sample has scans");
    lines.insert(3, lines[2].clone());
    lines.push(lines[10].clone());
    lines.push(lines[10].clone());
    lines.push(lines[1].clone());
    files.insert("scans.csv", lines.join("\n") + "\n");

    files.files.remove("sessions.csv");
    files.insert("Extra.CSV", "a\n1\n");
    files
}

#[test]
fn broken_sample_reads_the_same() {
    let files = broken_sample();
    let (_, report) = read_bundle(&files).unwrap();
    let codes: Vec<&str> = report
        .problems
        .iter()
        .map(|problem| problem.code.as_str())
        .collect();
    for code in [
        "unknown_file",
        "missing_file",
        "wrong_field_count",
        "duplicate_key",
        "unclosed_quote",
    ] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    assert!(!report.notices.is_empty(), "the GB18030 notice");
    let scan_duplicates = report
        .problems
        .iter()
        .filter(|problem| problem.code.as_str() == "duplicate_key")
        .filter(|problem| problem.params.get("file") == Some(&"scans.csv".into()))
        .count();
    assert_eq!(scan_duplicates, 4);
    let scan_counts = report.file("scans.csv").expect("scans.csv is read");
    assert_eq!(scan_counts.rows_rejected, 4);
    assert_same_read(&files);
}

/// A source whose files `failing` cannot be read.
struct FailingSource {
    files: MemoryBundle,
    failing: &'static [&'static str],
}

impl BundleSource for FailingSource {
    fn file_names(&self) -> io::Result<Vec<String>> {
        self.files.file_names()
    }

    fn open(&self, name: &str) -> io::Result<Option<Box<dyn Read + '_>>> {
        if self.failing.contains(&name) {
            return Err(io::Error::other(format!("{name} is on a failed disk")));
        }
        self.files.open(name)
    }
}

fn failed_file(error: BundleError) -> String {
    match error {
        BundleError::Io { file, .. } => file,
    }
}

#[test]
fn first_failing_file_is_reported() {
    let source = FailingSource {
        files: load_folder(&repo_root().join("examples/bundle")),
        failing: &["scans.csv", "learners.csv"],
    };
    let sequential = read_bundle(&source).expect_err("learners.csv fails");
    let parallel = read_bundle_parallel(&source).expect_err("learners.csv fails");
    assert_eq!(failed_file(sequential), "learners.csv");
    assert_eq!(failed_file(parallel), "learners.csv");
}
