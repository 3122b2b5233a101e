//! The `xuetong` binary: exit codes and output of every subcommand.
//!
//! Exit codes: 0 success, 1 bad input, 2 usage (clap), 3 failure, 4 busy.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

#[cfg(unix)]
use common::read_only_folder;
use common::{BIN, LOCK_FILE, Scratch, hold_lock, listing, repo, xuetong};

const EXAMPLE_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn example() -> PathBuf {
    repo().join("examples").join("bundle")
}

fn with_input(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes())
        .expect("the request is written");
    child.wait_with_output().expect("the binary ends")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("the binary exits with a code")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Checks that a command stopped with exit code 1 and a message on
/// standard error that contains each of `parts`.
fn assert_bad_input(output: &Output, parts: &[&str]) {
    assert_eq!(code(output), 1, "{}", stderr(output));
    for part in parts {
        assert!(stderr(output).contains(part), "{}", stderr(output));
    }
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn help_lists_the_exit_codes() {
    let output = xuetong(&["--help"]);
    assert_eq!(code(&output), 0);
    let help = stdout(&output);
    assert!(help.contains("Exit codes:"), "{help}");
    assert!(help.contains("1  bad input"), "{help}");
    assert!(help.contains("2  usage"), "{help}");
    assert!(help.contains("3  failure"), "{help}");
    assert!(help.contains("4  busy"), "{help}");
    assert_eq!(code(&xuetong(&["--version"])), 0);
}

#[test]
fn usage_errors_exit_with_two() {
    for args in [
        &[][..],
        &["no-such-command"][..],
        &["run", "examples/bundle"][..],
        &["--locale", "fr", "validate", "examples/bundle"][..],
        &[
            "run",
            "examples/bundle",
            "--out",
            "x",
            "--as-of",
            "yesterday",
        ][..],
        &[
            "run",
            "examples/bundle",
            "--out",
            "x",
            "--time-zone",
            "Mars/Olympus",
        ][..],
        &["import", "csv", "x", "--out", "y"][..],
        &[
            "run",
            "examples/bundle",
            "--out",
            "x",
            "--home-page",
            "learn.example.org",
        ][..],
        &[
            "run",
            "examples/bundle",
            "--out",
            "x",
            "--home-page",
            "javascript:x",
        ][..],
    ] {
        let output = xuetong(args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stderr(&output));
        assert!(
            !stderr(&output).is_empty(),
            "{args:?} explains the usage error"
        );
    }
}

#[test]
fn validate_counts_in_chinese() {
    let output = xuetong(&["--locale", "zh-CN", "validate", example().to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed.contains("clubs.csv: 读取 1 行，接受 1 行，拒绝 0 行\n"),
        "{printed}"
    );
    assert!(
        printed.contains("sessions.csv: 读取 8 行，接受 8 行，拒绝 0 行\n"),
        "{printed}"
    );
    assert!(
        printed.trim_end().ends_with("拒绝 0 行，0 个问题"),
        "{printed}"
    );
    assert!(!printed.contains(" read, "), "{printed}");
}

#[test]
fn validate_exit_codes() {
    let clean = xuetong(&["validate", example().to_str().unwrap()]);
    assert_eq!(code(&clean), 0, "{}", stderr(&clean));
    let printed = stdout(&clean);
    assert!(
        printed.contains("clubs.csv: 1 row read, 1 accepted, 0 rejected"),
        "{printed}"
    );
    assert!(printed.contains("sessions.csv: 8 rows read"), "{printed}");
    assert!(
        printed.trim_end().ends_with("0 rejected, 0 problems"),
        "{printed}"
    );

    let broken = repo().join("tests").join("fixtures").join("broken-bundle");
    let output = xuetong(&["validate", broken.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    assert!(stdout(&output).contains("[invalid_"), "{}", stdout(&output));

    let missing = xuetong(&["validate", "no/such/bundle"]);
    assert_eq!(code(&missing), 1);
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn call_exit_codes() {
    let output = with_input(&["call", "list_operations"], "{\"input\": null}");
    assert_eq!(code(&output), 0);
    let response: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("the response is JSON");
    assert_eq!(response["ok"], true);
    let names = response["value"].to_string();
    assert!(names.contains("run_season"), "{names}");

    let invalid = with_input(&["call", "validate_learner"], "{\"input\": {}}");
    assert_eq!(code(&invalid), 1);
    let malformed = with_input(&["call", "validate_learner"], "{");
    assert_eq!(code(&malformed), 1);

    let missing = xuetong(&["call", "list_operations", "no/such/request.json"]);
    assert_eq!(code(&missing), 1);
    assert!(stderr(&missing).contains("no/such/request.json"));

    let folder = Scratch::new("call-folder");
    let unreadable = xuetong(&["call", "list_operations", folder.to_str().unwrap()]);
    assert_eq!(code(&unreadable), 3, "{}", stderr(&unreadable));
}

#[test]
fn call_request_not_utf8() {
    // A name saved as Latin-1 by an old editor. The file is readable, but
    // the request in it is not text, so it is bad input.
    let folder = Scratch::new("call-latin1");
    let request = folder.join("request.json");
    std::fs::write(&request, b"{\"input\": {\"display_name\": \"Se\xe1n\"}}").unwrap();
    let output = xuetong(&["call", "validate_learner", request.to_str().unwrap()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let response: serde_json::Value =
        serde_json::from_str(&stdout(&output)).expect("the response is JSON");
    assert_eq!(response["problems"][0]["code"], "malformed_json");
    assert_eq!(
        response["problems"][0]["message"],
        "the text is not valid JSON: byte 30 is not UTF-8; save the request as UTF-8 text"
    );
}

#[test]
fn closed_pipe_ends_quietly() {
    // A bundle with thousands of rejected rows prints far more than a pipe
    // holds, so the writes after the reader has gone fail.
    let bundle = Scratch::new("closed-pipe");
    let mut venues = String::from("id,name,tier,time_zone\n");
    for row in 0..5000 {
        venues.push_str(&format!(
            "not-a-uuid-{row},Hall {row},palace,Asia/Shanghai\n"
        ));
    }
    std::fs::write(bundle.join("venues.csv"), venues).unwrap();
    std::fs::write(
        bundle.join("courses.csv"),
        "id,title,category,provider_venue_id\n",
    )
    .unwrap();
    std::fs::write(
        bundle.join("sessions.csv"),
        "id,course_id,venue_id,date,start_time,end_time\n",
    )
    .unwrap();

    let mut child = Command::new(BIN)
        .args(["validate", bundle.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut first = String::new();
    reader.read_line(&mut first).expect("a first line");
    assert!(first.contains("venues.csv"), "{first}");
    drop(reader);

    let output = child.wait_with_output().expect("the binary ends");
    let messages = stderr(&output);
    assert!(!messages.contains("panicked"), "{messages}");
    assert!(!messages.contains("Broken pipe"), "{messages}");
    assert_eq!(code(&output), 1, "the bundle still had problems");
}

#[test]
fn import_exit_codes() {
    let out = Scratch::new("import-out");
    let missing = xuetong(&[
        "import",
        "oulad",
        "no/such/folder",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&missing), 1);
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );

    let empty = Scratch::new("import-empty");
    let output = xuetong(&[
        "import",
        "toronto-dropin",
        empty.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("drop-in.csv"),
        "{}",
        stderr(&output)
    );

    let same = xuetong(&[
        "import",
        "oulad",
        empty.to_str().unwrap(),
        "--out",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(code(&same), 1);

    // A bundle folder cannot be made inside a file.
    let file = empty.join("notes.txt");
    std::fs::write(&file, "kept").unwrap();
    let inside = xuetong(&[
        "import",
        "toronto-dropin",
        empty.to_str().unwrap(),
        "--out",
        file.join("bundle").to_str().unwrap(),
    ]);
    assert_eq!(code(&inside), 1, "{}", stderr(&inside));
    let expected = format!(
        "error: --out {} cannot be made because {} is a file, not a folder;",
        file.join("bundle").display(),
        file.display()
    );
    assert!(stderr(&inside).contains(&expected), "{}", stderr(&inside));
}

#[cfg(unix)]
#[test]
fn import_into_a_read_only_folder() {
    let scratch = Scratch::new("import-read-only");
    let source = scratch.join("source");
    std::fs::create_dir(&source).unwrap();
    std::fs::write(
        source.join("drop-in.csv"),
        "_id,Location ID,Course_ID,Course Title,Section,Age Min,Age Max,Date Range,\
         Start Hour,Start Minute,End Hour,End Min,First Date,Last Date,DayOftheWeek\n\
         1,1063,100157,Chair Yoga,FitnessTO - Drop-In,60,None,2026-01-05 to 2026-01-05,\
         10,0,11,0,2026-01-05,2026-01-05,Monday\n",
    )
    .unwrap();
    let Some(folder) = read_only_folder(&scratch, &[]) else {
        return;
    };

    let output = xuetong(&[
        "import",
        "toronto-dropin",
        source.to_str().unwrap(),
        "--out",
        folder.to_str().unwrap(),
    ]);

    let expected = format!(
        "error: failed to write the bundle to {}: failed to write categories.csv: ",
        folder.display()
    );
    assert_bad_input(
        &output,
        &[&expected, "; give a folder that you may write to"],
    );
    assert!(
        listing(&folder).is_empty(),
        "the import wrote into the folder"
    );
}

fn run_example(out: &Path, extra: &[&str]) -> Output {
    run_bundle(&example(), out, extra)
}

/// Runs `xuetong run` on `bundle`, writing to `out`, with `extra` options.
fn run_bundle(bundle: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    xuetong(&args)
}

#[test]
fn run_writes_every_output_and_the_report() {
    let out = Scratch::new("run");
    let output = run_example(&out, &["--home-page", "https://learn.example.org"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    let last = printed.lines().last().unwrap_or_default();
    // The 92 rows of the season's own files, and 13 of statistics and the
    // index: 4 scopes (the platform, 1 district, 2 streets), 1 district
    // ranked and its 8 indicators.
    assert_eq!(
        last,
        "read 58 rows from 11 files; rejected 0 rows and 0 scans; produced 17 files with 105 rows"
    );
    assert!(printed.contains("statistics: 4 scopes from"), "{printed}");
    assert!(
        printed.contains("learning index: 1 district, first Qiantang District Community College"),
        "{printed}"
    );
    assert!(
        printed.contains("9 entries appended (13.90 credits) for 5 learners"),
        "{printed}"
    );
    assert!(printed.contains("1 evaluation, 0 failed"), "{printed}");
    assert!(printed.contains("with 9 deposits"), "{printed}");
    for file in [
        "attendance_records.csv",
        "rejected_scans.csv",
        "duplicate_scans.csv",
        "course_results.csv",
        "outcomes.csv",
        "credits_skipped.csv",
        "credit_ledger.csv",
        "credit_ledger.json",
        "transcripts.csv",
        "credit_bank_deposits.jsonl",
        "club_evaluations.csv",
        "club_indicators.csv",
        "statistics.csv",
        "learning_index.csv",
        "learning_index_indicators.csv",
        "rejected_rows.csv",
        "report.html",
    ] {
        assert!(out.join(file).is_file(), "{file} is written");
    }
    assert!(!out.join("xapi_statements.jsonl").exists());

    let report = text(&out.join("report.html"));
    assert!(report.starts_with("<!DOCTYPE html>"));
    assert!(report.contains("<html lang=\"en\">"));
    assert_eq!(
        report.matches("<svg").count(),
        4,
        "weeks, rates, credits and the index ranking"
    );
    assert!(!report.contains("<script"), "no scripts");
    assert!(!report.contains("src="), "no external resources");
    assert!(!report.contains("href="), "no links to load");
    assert!(
        report.contains("1. Qiantang District Community College"),
        "the report ranks the district"
    );
    // The example's 16 attendance records less 1 absent and 1 excused.
    assert!(
        report.contains("<b>14</b><span>Check-ins accepted</span>"),
        "the report counts 14 check-ins"
    );

    let deposits = text(&out.join("credit_bank_deposits.jsonl"));
    assert_eq!(deposits.lines().count(), 9);
    assert!(deposits.contains("\"platform\":\"https://learn.example.org\""));
}

#[test]
fn run_repeats_and_appends_ledger() {
    let first = Scratch::new("run-first");
    let second = Scratch::new("run-second");
    assert_eq!(code(&run_example(&first, &["--xapi"])), 0);
    assert_eq!(code(&run_example(&second, &["--xapi"])), 0);
    for file in [
        "attendance_records.csv",
        "credit_ledger.json",
        "xapi_statements.jsonl",
        "report.html",
    ] {
        assert_eq!(
            std::fs::read(first.join(file)).unwrap(),
            std::fs::read(second.join(file)).unwrap(),
            "{file} differs between two runs"
        );
    }
    assert_eq!(
        text(&first.join("xapi_statements.jsonl")).lines().count(),
        25
    );

    let third = Scratch::new("run-third");
    let ledger = first.join("credit_ledger.json");
    let output = run_example(&third, &["--previous-ledger", ledger.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("credits: 0 entries appended (0.00 credits) for 0 learners"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn run_timings_name_every_step() {
    let out = Scratch::new("run-timings");
    let quiet = run_example(&out, &[]);
    assert!(!stderr(&quiet).contains("timings:"), "{}", stderr(&quiet));

    let output = run_example(&out, &["--timings"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed = stderr(&output);
    let steps: Vec<&str> = printed
        .lines()
        .skip_while(|line| *line != "timings:")
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    for step in [
        "reading",
        "attendance",
        "outcomes",
        "credits",
        "ledger",
        "clubs",
        "statistics",
        "outcomes.csv",
        "rejected_rows.csv",
        "writing",
    ] {
        assert!(steps.contains(&step), "{step} is missing from\n{printed}");
    }
    // The season's steps run one after another and in this order.
    let position = |step: &str| steps.iter().position(|found| *found == step);
    assert!(position("reading") < position("attendance"));
    assert!(position("attendance") < position("statistics"));
    assert!(position("statistics") < position("outcomes.csv"));
    // The attendance tables are written during the later steps, and the
    // timings show it.
    let records = printed
        .lines()
        .find(|line| line.trim_start().starts_with("attendance_records.csv"))
        .unwrap_or_else(|| panic!("attendance_records.csv is missing from\n{printed}"));
    assert!(records.contains("(during later steps)"), "{records}");
    assert!(
        printed.contains("written during the steps from outcomes to statistics"),
        "{printed}"
    );
}

#[test]
fn run_reports_a_table_it_cannot_write() {
    let out = Scratch::new("run-unwritable");
    // A folder in the way of attendance_records.csv, which is written
    // while the later steps of the season run.
    std::fs::create_dir_all(out.join("attendance_records.csv")).unwrap();
    let output = run_example(&out, &[]);
    assert_eq!(code(&output), 3, "{}", stderr(&output));
    let printed = stderr(&output);
    assert!(
        printed.contains(&format!(
            "error: failed to write {}:",
            out.join("attendance_records.csv").display()
        )),
        "{printed}"
    );
    // The other files were still written.
    assert!(out.join("course_results.csv").is_file());
    assert!(out.join("outcomes.csv").is_file());
}

#[test]
fn run_report_in_chinese() {
    let out = Scratch::new("run-zh");
    let output = run_example(&out, &["--locale", "zh-CN"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = text(&out.join("report.html"));
    assert!(report.contains("<html lang=\"zh-CN\">"));
    assert!(report.contains("学期报告"));
    assert!(report.contains("每周签到"));
}

#[test]
fn run_with_the_example_token_key() {
    let dir = Scratch::new("run-key");
    let key = dir.join("key.hex");
    std::fs::write(&key, format!("{EXAMPLE_KEY}\n")).unwrap();
    let output = run_example(&dir.join("out"), &["--token-key", key.to_str().unwrap()]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stdout(&output).contains("rejected 0 rows and 0 scans"));

    std::fs::write(&key, "0001zz").unwrap();
    let output = run_example(&dir.join("out"), &["--token-key", key.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("key.hex: the token key is not usable"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn run_bad_input_names_file() {
    let dir = Scratch::new("run-bad");
    let rules = dir.join("rules.json");
    std::fs::write(
        &rules,
        "{\n  \"format\": \"xuetong.credit-rules/1\",\n  \"id\": \n}\n",
    )
    .unwrap();
    let output = run_example(&dir.join("out"), &["--rules", rules.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    let messages = stderr(&output);
    assert!(messages.contains("rules.json"), "{messages}");
    assert!(messages.contains("line 4"), "{messages}");

    std::fs::write(
        &rules,
        "{\"format\": \"xuetong.credit-rules/1\", \"id\": \"Bad Id\", \"version\": 1, \"status\": \"published\", \"title\": \"t\", \"effective_from\": \"2026-01-01\", \"rules\": []}",
    )
    .unwrap();
    let output = run_example(&dir.join("out"), &["--rules", rules.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    let messages = stderr(&output);
    assert!(messages.contains("\"Bad Id\""), "{messages}");
    assert!(messages.contains("[invalid_rule_id]"), "{messages}");
    assert!(
        !dir.join("out").exists(),
        "nothing is written for invalid rules"
    );

    // serde_json alone would keep the second id and run on it.
    std::fs::write(
        &rules,
        "{\"format\": \"xuetong.credit-rules/1\",\n \"id\": \"a\", \"id\": \"b\"}",
    )
    .unwrap();
    let output = run_example(&dir.join("out"), &["--rules", rules.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    let messages = stderr(&output);
    assert!(messages.contains("[malformed_json]"), "{messages}");
    assert!(
        messages.contains("key \"id\" is given twice in one object, the second time at line 2"),
        "{messages}"
    );

    // A policy file is read as strictly as a rules file.
    let policy = dir.join("policy.json");
    std::fs::write(&policy, "{\"warning\": {},\n \"warning\": {}}").unwrap();
    let output = run_example(&dir.join("out"), &["--policy", policy.to_str().unwrap()]);
    assert_eq!(code(&output), 1);
    let messages = stderr(&output);
    assert!(messages.contains("not valid JSON at warning"), "{messages}");
    assert!(
        messages
            .contains("key \"warning\" is given twice in one object, the second time at line 2"),
        "{messages}"
    );
    assert!(!dir.join("out").exists(), "nothing is written");

    let missing = run_example(&dir.join("out"), &["--rules", "no/such/rules.json"]);
    assert_eq!(code(&missing), 1);
    assert!(stderr(&missing).contains("no/such/rules.json"));

    // The example's venues are in Shanghai, where this instant is already
    // 1 January 10000, the date the ledger would record credits on.
    let late = run_example(&dir.join("out"), &["--as-of", "9999-12-31T23:59:59Z"]);
    assert_eq!(code(&late), 1);
    let messages = stderr(&late);
    assert!(messages.contains("--as-of: "), "{messages}");
    assert!(messages.contains("[as_of_out_of_range]"), "{messages}");
    assert!(
        !dir.join("out").exists(),
        "nothing is written for a late as_of"
    );
}

#[test]
fn run_broken_bundle_lists_rows() {
    let out = Scratch::new("run-broken");
    let broken = repo().join("tests").join("fixtures").join("broken-bundle");
    let output = xuetong(&[
        "run",
        broken.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-04-01T00:00:00+08:00",
    ]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stdout(&output).contains("rejected while reading"));
    let rejected = text(&out.join("rejected_rows.csv"));
    assert!(rejected.starts_with("file,line,field,code,message,value\n"));
    assert!(rejected.lines().count() > 1);
    assert!(out.join("report.html").is_file());
}

#[test]
fn run_output_folder_checks() {
    let output = run_example(&example(), &[]);
    assert_eq!(code(&output), 1);
    assert!(
        stderr(&output).contains("is the bundle folder"),
        "{}",
        stderr(&output)
    );

    let dir = Scratch::new("run-failure");
    let file = dir.join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let as_file = run_example(&file, &[]);
    assert_eq!(code(&as_file), 1);

    // A folder cannot be made inside a file.
    let inside = run_example(&file.join("out"), &[]);
    assert_eq!(code(&inside), 1, "{}", stderr(&inside));
    let expected = format!(
        "error: --out {} cannot be made because {} is a file, not a folder;",
        file.join("out").display(),
        file.display()
    );
    assert!(stderr(&inside).contains(&expected), "{}", stderr(&inside));
    assert_eq!(text(&file), "not a folder");

    let missing = xuetong(&[
        "run",
        "no/such/bundle",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(code(&missing), 1);
}

#[cfg(unix)]
#[test]
fn run_into_broken_links_is_bad_input() {
    use std::os::unix::fs::symlink;
    let scratch = Scratch::new("run-out-links");
    let missing = scratch.join("missing");
    let dangling = scratch.join("dangling");
    symlink(&missing, &dangling).unwrap();
    // A link to the dangling link: the message names the end of the chain.
    let chained = scratch.join("chained");
    symlink(&dangling, &chained).unwrap();
    let looped = scratch.join("loop-a");
    symlink(scratch.join("loop-b"), &looped).unwrap();
    symlink(&looped, scratch.join("loop-b")).unwrap();

    let dangling_message = format!(
        "is a symbolic link to {}, which does not exist; create that folder",
        missing.display()
    );
    let cases = [
        (
            dangling.clone(),
            format!("--out {} {dangling_message}", dangling.display()),
        ),
        (
            chained.clone(),
            format!("--out {} {dangling_message}", chained.display()),
        ),
        (
            dangling.join("out"),
            format!(
                "--out {} cannot be made because {} {dangling_message}",
                dangling.join("out").display(),
                dangling.display()
            ),
        ),
        (
            looped.clone(),
            format!(
                "--out {} is a symbolic link in a loop of links",
                looped.display()
            ),
        ),
        (
            looped.join("out"),
            format!(
                "--out {} cannot be made because {} is a symbolic link in a loop",
                looped.join("out").display(),
                looped.display()
            ),
        ),
    ];
    for (out, expected) in cases {
        let output = run_example(&out, &[]);

        assert_eq!(code(&output), 1, "{}: {}", out.display(), stderr(&output));
        assert!(
            stderr(&output).contains(&format!("error: {expected}")),
            "{}",
            stderr(&output)
        );
        assert_eq!(stdout(&output), "", "the run read the bundle");
    }
    assert!(!missing.exists(), "the run created the target of the link");
}

#[cfg(unix)]
#[test]
fn run_out_with_trailing_slash() {
    let scratch = Scratch::new("run-out-slash");
    let dangling = scratch.join("dangling");
    std::os::unix::fs::symlink(scratch.join("missing"), &dangling).unwrap();
    let file = scratch.join("notes.txt");
    std::fs::write(&file, "kept").unwrap();
    let folder = scratch.join("folder");
    std::fs::create_dir(&folder).unwrap();
    let linked = scratch.join("linked");
    std::os::unix::fs::symlink(&folder, &linked).unwrap();
    let slashed = |path: &Path| PathBuf::from(format!("{}/", path.display()));

    let to_dangling = run_example(&slashed(&dangling), &[]);
    let to_file = run_example(&slashed(&file), &[]);
    let to_linked = run_example(&slashed(&linked), &[]);

    assert_eq!(code(&to_dangling), 1, "{}", stderr(&to_dangling));
    let expected = format!(
        "error: --out {}/ is a symbolic link to {}, which does not exist;",
        dangling.display(),
        scratch.join("missing").display()
    );
    assert!(
        stderr(&to_dangling).contains(&expected),
        "{}",
        stderr(&to_dangling)
    );
    assert_eq!(code(&to_file), 1, "{}", stderr(&to_file));
    let expected = format!("error: --out {}/ is a file;", file.display());
    assert!(stderr(&to_file).contains(&expected), "{}", stderr(&to_file));
    assert_eq!(text(&file), "kept");
    assert_eq!(code(&to_linked), 0, "{}", stderr(&to_linked));
    assert!(folder.join("report.html").is_file());
}

#[test]
fn run_out_name_too_long() {
    let scratch = Scratch::new("run-out-long");
    // Longer than the 255 bytes that common file systems allow in a name.
    let out = scratch.join("b".repeat(300));

    let output = run_example(&out, &[]);

    let expected = format!("error: failed to create the folder {}: ", out.display());
    assert_bad_input(&output, &[&expected, "; give a shorter --out path"]);
    assert_eq!(stdout(&output), "", "the run read the bundle");
}

#[cfg(unix)]
#[test]
fn run_into_a_linked_folder() {
    let scratch = Scratch::new("run-out-linked");
    let target = scratch.join("target");
    std::fs::create_dir(&target).unwrap();
    let link = scratch.join("link");
    std::os::unix::fs::symlink(&target, &link).unwrap();

    let output = run_example(&link, &[]);

    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(target.join("report.html").is_file());
    assert!(target.join(LOCK_FILE).is_file());
    assert!(link.symlink_metadata().unwrap().is_symlink());
}

#[cfg(unix)]
#[test]
fn run_into_a_read_only_folder() {
    let scratch = Scratch::new("run-out-read-only");
    let Some(folder) = read_only_folder(&scratch, &[]) else {
        return;
    };

    let inside = run_example(&folder.join("out"), &[]);
    let lock_file = run_example(&folder, &[]);

    assert_eq!(code(&inside), 1, "{}", stderr(&inside));
    let expected = format!(
        "error: failed to create the folder {}: ",
        folder.join("out").display()
    );
    assert!(stderr(&inside).contains(&expected), "{}", stderr(&inside));
    assert_eq!(code(&lock_file), 1, "{}", stderr(&lock_file));
    let expected = format!(
        "error: failed to open the lock file {}: ",
        folder.join(LOCK_FILE).display()
    );
    assert!(
        stderr(&lock_file).contains(&expected),
        "{}",
        stderr(&lock_file)
    );
    assert!(
        stderr(&lock_file).contains("; give a folder that you may write to"),
        "{}",
        stderr(&lock_file)
    );
    assert!(listing(&folder).is_empty(), "the run wrote into the folder");
}

#[test]
fn out_folder_under_proc() {
    // Linux makes no folder under /proc, even for root: mkdir there fails
    // with "not found".
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        eprintln!("skipped: this system has no /proc file system");
        return;
    }
    let out = proc.join("xuetong-test").join("out");

    let run = run_example(&out, &[]);
    let generate = xuetong(&[
        "generate",
        "--learners",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);

    assert_eq!(code(&run), 1, "{}", stderr(&run));
    let expected = format!("error: failed to create the folder {}: ", out.display());
    assert!(stderr(&run).contains(&expected), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("; the system does not let a folder be made there"),
        "{}",
        stderr(&run)
    );
    assert_eq!(code(&generate), 1, "{}", stderr(&generate));
    assert!(
        stderr(&generate).contains("give another --out folder"),
        "{}",
        stderr(&generate)
    );
}

#[cfg(unix)]
#[test]
fn run_into_a_read_only_locked_folder() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new("run-out-read-only-locked");
    let Some(folder) = read_only_folder(&scratch, &[LOCK_FILE]) else {
        return;
    };

    let output = run_example(&folder, &[]);

    let expected = format!(
        "error: failed to create a file in the folder {}: ",
        folder.display()
    );
    assert_bad_input(
        &output,
        &[&expected, "; give a folder that you may write to"],
    );
    assert_eq!(stdout(&output), "", "the run read the bundle");
    assert_eq!(listing(&folder), [LOCK_FILE]);
    // A folder without write permission keeps its files from being removed.
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn run_removes_a_stale_probe_link() {
    let scratch = Scratch::new("run-probe-link");
    let out = scratch.join("out");
    std::fs::create_dir(&out).unwrap();
    let target = scratch.join("target");
    std::os::unix::fs::symlink(&target, out.join(".xuetong.probe")).unwrap();

    let output = run_example(&out, &[]);

    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!target.exists(), "the run followed the link");
    assert!(!listing(&out).contains(&".xuetong.probe".to_string()));
}

#[cfg(unix)]
#[test]
fn run_with_an_unreadable_lock_file() {
    use std::os::unix::fs::PermissionsExt;
    let folder = Scratch::new("run-lock-unreadable");
    let lock_file = folder.join(LOCK_FILE);
    std::fs::write(&lock_file, "").unwrap();
    std::fs::set_permissions(&lock_file, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Permissions do not apply to root, who may read anyway.
    if std::fs::File::open(&lock_file).is_ok() {
        eprintln!("skipped: this user may read an unreadable file, as root may");
        return;
    }

    let output = run_example(&folder, &[]);

    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let expected = format!(
        "error: failed to open the lock file {}: ",
        lock_file.display()
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    assert_eq!(
        listing(&folder),
        [LOCK_FILE],
        "the run wrote into the folder"
    );
}

#[test]
fn run_ranks_districts_in_the_report() {
    let out = Scratch::new("run-districts");
    let bundle = repo().join("tests").join("fixtures").join("stats-bundle");
    let output = xuetong(&[
        "run",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-03-25T00:00:00+08:00",
        "--statistics",
        "district,street",
        "--period",
        "2026-03-01..2026-03-31",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed.contains("statistics: 4 scopes from 2026-03-01 to 2026-03-31"),
        "{printed}"
    );
    // Worked by hand in docs/statistics.md: East 62.5, West 37.5.
    let report = text(&out.join("report.html"));
    assert!(
        report.contains("1. East District College: 62.500"),
        "{report}"
    );
    assert!(
        report.contains("2. West District College: 37.500"),
        "{report}"
    );
    let statistics = text(&out.join("statistics.csv"));
    assert_eq!(statistics.lines().count(), 5, "a header and 4 scopes");

    let wrong = xuetong(&[
        "run",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--statistics",
        "town",
    ]);
    assert_eq!(code(&wrong), 2);
    assert!(
        stderr(&wrong).contains("\"town\" is not a kind of scope"),
        "{}",
        stderr(&wrong)
    );
    let reversed = xuetong(&[
        "run",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period",
        "2026-03-31..2026-03-01",
    ]);
    assert_eq!(code(&reversed), 2);
    let loose = xuetong(&[
        "run",
        bundle.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--period",
        "2026-3-1..2026-03-31",
    ]);
    assert_eq!(code(&loose), 2, "{}", stderr(&loose));
    assert!(
        stderr(&loose).contains("2026-03-01..2026-03-31"),
        "{}",
        stderr(&loose)
    );
}

/// Copies the example bundle into a new scratch folder, to be edited.
fn example_copy(name: &str) -> Scratch {
    let bundle = Scratch::new(name);
    for entry in std::fs::read_dir(example()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, bundle.join(path.file_name().unwrap())).unwrap();
    }
    bundle
}

#[test]
fn run_with_unreadable_bundle_rules() {
    // Run on the built-in rules, the season would write a ledger and a
    // credit-bank batch that the bundle's rules never produced.
    let bundle = example_copy("run-broken-rules-bundle");
    std::fs::write(
        bundle.join("rules.json"),
        "{\"format\": \"xuetong.credit-rules/1\",",
    )
    .unwrap();
    let out = Scratch::new("run-broken-rules");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("rules.json could not be read, so the season would credit"),
        "{}",
        stderr(&output)
    );
    assert!(!out.join("credit_ledger.json").exists());
    assert!(!out.join("credit_bank_deposits.jsonl").exists());
}

#[test]
fn validate_rejects_unknown_rule_category() {
    let bundle = example_copy("validate-unknown-category");
    let rules = text(
        &repo()
            .join("examples")
            .join("rules")
            .join("oulad-modules.json"),
    );
    let edited = rules.replacen(
        r#"{"kinds": ["course_completion"]}"#,
        r#"{"kinds": ["course_completion"], "categories": ["no_such_category"]}"#,
        1,
    );
    assert_ne!(edited, rules, "the example's first rule changed");
    std::fs::write(bundle.join("rules.json"), edited).unwrap();

    let validated = xuetong(&["validate", bundle.to_str().unwrap()]);
    assert_eq!(code(&validated), 1, "{}", stdout(&validated));
    let found = stdout(&validated);
    let line = found
        .lines()
        .find(|line| line.ends_with("[unknown_category]"))
        .unwrap_or_else(|| panic!("no unknown_category in {found}"));
    let (path, message) = line.split_once(": ").unwrap();
    assert_eq!(path, "rules.json.rules[0].match.categories[0]");
    assert!(message.contains("\"no_such_category\""), "{message}");
    assert!(found.trim_end().ends_with("1 problem"), "{found}");

    // A run names the file by its place in the folder, then the same path
    // inside it, message and code.
    let out = Scratch::new("run-unknown-category");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let inside = format!("rules.json: rules[0].match.categories[0]: {message}");
    assert!(stderr(&output).contains(&inside), "{}", stderr(&output));
}

#[test]
fn draft_bundle_rules_named_in_place() {
    let bundle = example_copy("validate-draft-rules");
    let scratch = Scratch::new("draft-bundle-rules");
    std::fs::copy(draft_rules(&scratch), bundle.join("rules.json")).unwrap();

    let validated = xuetong(&["validate", bundle.to_str().unwrap()]);
    assert_eq!(code(&validated), 1, "{}", stdout(&validated));
    let found = stdout(&validated);
    let line = found
        .lines()
        .find(|line| line.ends_with("[rule_set_not_published]"))
        .unwrap_or_else(|| panic!("no rule_set_not_published in {found}"));
    assert!(line.starts_with("rules.json: "), "{line}");
    assert!(found.trim_end().ends_with("1 problem"), "{found}");

    // The run names the bundle's file, not the built-in rules.
    let out = Scratch::new("run-draft-bundle-rules");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let named = format!("{}: ", bundle.join("rules.json").display());
    let problem = stderr(&output)
        .lines()
        .find(|line| line.ends_with("[rule_set_not_published]"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no rule_set_not_published in {}", stderr(&output)));
    assert!(problem.starts_with(&named), "{problem}");
}

#[test]
fn folder_named_like_bundle_file_stops() {
    // Left out, the folder would let a run credit with the built-in rules
    // or without excusals. It stops both commands as an unreadable file of
    // that name does.
    for name in ["rules.json", "excusals.csv"] {
        let bundle = example_copy(&format!("folder-file-{name}"));
        let _ = std::fs::remove_file(bundle.join(name));
        std::fs::create_dir(bundle.join(name)).unwrap();
        let failed = format!("failed to read {name}");
        let advice = "a file of this name is needed, not a folder: move the folder away";

        let validated = xuetong(&["validate", bundle.to_str().unwrap()]);
        assert_eq!(code(&validated), 3, "{name}: {}", stdout(&validated));
        assert!(
            stderr(&validated).contains(&failed),
            "{}",
            stderr(&validated)
        );
        assert!(
            stderr(&validated).trim_end().ends_with(advice),
            "{}",
            stderr(&validated)
        );

        let out = Scratch::new(&format!("folder-file-out-{name}"));
        let output = run_bundle(&bundle, &out, &[]);
        assert_eq!(code(&output), 3, "{name}: {}", stderr(&output));
        assert!(stderr(&output).contains(&failed), "{}", stderr(&output));
        assert!(stderr(&output).contains(advice), "{}", stderr(&output));
        assert!(!out.join("credit_ledger.json").exists(), "{name}");
    }
}

#[test]
fn run_default_time_ignores_far_future_scan() {
    // The scan is rejected as too late for its session, so it must not
    // move the evaluation time, and with it the recording date, to 9999.
    let bundle = example_copy("run-far-scan-bundle");
    let scans = text(&bundle.join("scans.csv"));
    let edited = scans.replacen("2026-03-02T08:52:10+08:00", "9999-12-31T23:59:59+08:00", 1);
    assert_ne!(edited, scans, "the example's first scan time changed");
    std::fs::write(bundle.join("scans.csv"), edited).unwrap();

    let out = Scratch::new("run-far-scan");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("2026-03-23"),
        "{}",
        stdout(&output)
    );
    assert!(!stdout(&output).contains("9999"), "{}", stdout(&output));
    assert!(!text(&out.join("credit_ledger.json")).contains("9999-12-31"));
}

#[test]
fn run_without_countable_time_says_why() {
    // The scans name sessions of another bundle, so none of their times
    // counts toward the default evaluation time, and nothing else has one.
    let bundle = Scratch::new("run-only-scans-bundle");
    std::fs::copy(example().join("scans.csv"), bundle.join("scans.csv")).unwrap();
    let out = Scratch::new("run-only-scans");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("scans count only when they name a session of the bundle"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("give --as-of"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn run_with_no_district_ranked() {
    // Without populations most indicators have no denominator, so the one
    // district has too few of them for a score, and no rank.
    let bundle = example_copy("run-unranked-bundle");
    let venues = text(&bundle.join("venues.csv"));
    let mut lines = venues.lines();
    let mut blanked = format!("{}\n", lines.next().unwrap());
    for line in lines {
        // population and older_population are the last two columns.
        let cells: Vec<&str> = line.rsplitn(3, ',').collect();
        blanked.push_str(&format!("{},,\n", cells[2]));
    }
    std::fs::write(bundle.join("venues.csv"), blanked).unwrap();

    let out = Scratch::new("run-unranked");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed
            .contains("learning index: 1 district, none ranked because each has data for too few"),
        "{printed}"
    );
    let index = text(&out.join("learning_index.csv"));
    assert!(
        index.contains("\nQiantang District Community College,,,3,"),
        "{index}"
    );
    let report = text(&out.join("report.html"));
    assert!(
        report.contains("No district has a score, because each has data for too few"),
        "{report}"
    );
}

#[test]
fn run_with_one_district_of_two_ranked() {
    // The report drew a bar for each ranked district only, so a district
    // without a score was left out without a word.
    let bundle = example_copy("run-partly-ranked-bundle");
    let mut venues = text(&bundle.join("venues.csv"));
    venues.push_str(
        "10000000-0000-4000-8000-000000000099,Binjiang District College,district,,\
         Asia/Shanghai,30.2000,120.2100,300,,\n",
    );
    std::fs::write(bundle.join("venues.csv"), venues).unwrap();

    let out = Scratch::new("run-partly-ranked");
    let output = run_bundle(&bundle, &out, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let printed = stdout(&output);
    assert!(
        printed.contains(
            "learning index: 2 districts, first Qiantang District Community College with \
             50.000; 1 district without a score"
        ),
        "{printed}"
    );
    let report = text(&out.join("report.html"));
    assert!(
        report.contains(
            "Not ranked, because each has data for too few of the indicators \
             (learning_index.csv lists what is missing): Binjiang District College"
        ),
        "{report}"
    );

    let out = Scratch::new("run-partly-ranked-zh");
    let output = run_bundle(&bundle, &out, &["--locale", "zh-CN"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = text(&out.join("report.html"));
    assert!(
        report.contains("缺少的指标）：Binjiang District College"),
        "{report}"
    );
}

#[test]
fn run_period_trims_like_a_date_cell() {
    let out = Scratch::new("run-period-trim");
    let bundle = repo().join("tests").join("fixtures").join("stats-bundle");
    let run = |extra: &[&str]| run_bundle(&bundle, &out, extra);
    let run_period = |period: &str| {
        run(&[
            "--as-of",
            "2026-03-25T00:00:00+08:00",
            "--statistics",
            "platform",
            "--period",
            period,
        ])
    };

    // A date cell keeps U+0085, U+2028 and U+2029 and then fails to read,
    // so the period does too, and the error names the option and value.
    for separator in ['\u{85}', '\u{2028}', '\u{2029}'] {
        let period = format!("2026-03-01..2026-03-31{separator}");
        let output = run_period(&period);
        assert_eq!(code(&output), 2, "{period:?}: {}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains("--period"), "{message}");
        assert!(message.contains(&period), "{message}");
        let inner = format!("2026-03-01{separator}..2026-03-31");
        assert_eq!(code(&run_period(&inner)), 2, "{inner:?}");
    }

    // The other values of a run are trimmed as cells are, too.
    let others = [
        ("--statistics", "platform\u{2028}"),
        ("--as-of", "2026-03-25T00:00:00+08:00\u{2028}"),
        ("--time-zone", "Asia/Shanghai\u{2028}"),
    ];
    for (option, value) in others {
        let output = run(&[option, value]);
        assert_eq!(code(&output), 2, "{option} {value:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(option), "{}", stderr(&output));
    }

    // Spaces, tabs and the ideographic space around the dates are dropped.
    let spaced = run_period("\t2026-03-01 ..\u{3000}2026-03-31 ");
    assert_eq!(code(&spaced), 0, "{}", stderr(&spaced));
    assert!(
        stdout(&spaced).contains("from 2026-03-01 to 2026-03-31"),
        "{}",
        stdout(&spaced)
    );
}

#[test]
fn run_as_of_reads_like_a_scan_time() {
    let out = Scratch::new("run-as-of-instant");
    let run = |extra: &[&str]| run_example(&out, extra);
    // A second of 60 outside a leap second, and a UTC year past 9999, are
    // invalid values of --as-of as they are of a scan's time.
    let instants = [
        ("2026-03-02T08:59:60+08:00", "leap second"),
        ("9999-12-31T23:30:00-01:00", "0001 to 9999"),
    ];
    for (value, reason) in instants {
        let output = run(&["--as-of", value]);
        assert_eq!(code(&output), 2, "{value}: {}", stderr(&output));
        assert!(stderr(&output).contains(reason), "{}", stderr(&output));
    }
}

/// A credit rule set that the season refuses after attendance: a draft
/// cannot record credits.
fn draft_rules(folder: &Path) -> PathBuf {
    let published = std::fs::read_to_string(repo().join("examples/rules/oulad-modules.json"))
        .expect("the example rules are readable");
    let draft = published.replacen(r#""status": "published""#, r#""status": "draft""#, 1);
    assert_ne!(draft, published, "the example rules are published");
    let path = folder.join("draft.json");
    std::fs::write(&path, draft).unwrap();
    path
}

#[test]
fn run_failing_after_attendance_creates_no_folder() {
    let scratch = Scratch::new("run-fails-late-new");
    let rules = draft_rules(&scratch);
    let out = scratch.join("made").join("out");
    let output = run_example(&out, &["--rules", rules.to_str().unwrap()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("[rule_set_not_published]"),
        "{}",
        stderr(&output)
    );
    assert!(!scratch.join("made").exists(), "the failed run made --out");
}

#[test]
fn run_failing_after_attendance_keeps_earlier_outputs() {
    let scratch = Scratch::new("run-fails-late-old");
    let rules = draft_rules(&scratch);
    let out = scratch.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("attendance_records.csv"), "from an earlier run\n").unwrap();
    let output = run_example(&out, &["--rules", rules.to_str().unwrap()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(
        std::fs::read_to_string(out.join("attendance_records.csv")).unwrap(),
        "from an earlier run\n"
    );
    // The lock file stays, because the folder was there before the run.
    assert_eq!(listing(&out), [LOCK_FILE, "attendance_records.csv"]);
}

#[test]
fn run_into_a_locked_folder_is_busy() {
    let scratch = Scratch::new("run-busy");
    let out = scratch.join("out");
    let lock = hold_lock(&out);
    // A table that the run holding the lock is still writing.
    let writing = out.join(".attendance_records.csv.partial");
    std::fs::write(&writing, "being written\n").unwrap();

    let output = run_example(&out, &[]);

    assert_eq!(code(&output), 4, "{}", stderr(&output));
    let expected = format!("error: another run is writing into {};", out.display());
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    assert_eq!(stdout(&output), "", "the busy run read the bundle");
    assert_eq!(text(&writing), "being written\n");
    assert_eq!(
        listing(&out),
        [".attendance_records.csv.partial", LOCK_FILE]
    );

    // Once the lock is released, a run removes the table left behind and
    // writes every output, and the lock file stays.
    drop(lock);
    let output = run_example(&out, &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!writing.exists(), "the leftover table stays");
    assert!(out.join("report.html").is_file());
    assert!(out.join(LOCK_FILE).is_file());
    let last = stdout(&output)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned();
    assert!(last.ends_with("produced 17 files with 105 rows"), "{last}");
}

#[test]
fn run_with_a_folder_as_lock_file() {
    let out = Scratch::new("run-lock-folder");
    std::fs::create_dir(out.join(LOCK_FILE)).unwrap();

    let output = run_example(&out, &[]);

    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let expected = format!(
        "error: {} is not a regular file, so it cannot lock the folder for this run; remove it",
        out.join(LOCK_FILE).display()
    );
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    assert_eq!(listing(&out), [LOCK_FILE], "the run wrote outputs");
}

#[cfg(unix)]
#[test]
fn run_does_not_follow_a_linked_lock_file() {
    let scratch = Scratch::new("run-lock-link");
    let out = scratch.join("out");
    std::fs::create_dir(&out).unwrap();
    // A link to a file that does not exist yet, which opening the link for
    // writing would create, and a link to a file that exists.
    let missing = scratch.join("made-by-the-run");
    let existing = scratch.join("existing");
    std::fs::write(&existing, "kept\n").unwrap();

    for target in [&missing, &existing] {
        let link = out.join(LOCK_FILE);
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();

        let output = run_example(&out, &[]);

        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let expected = format!("error: {} is not a regular file", link.display());
        assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
        assert_eq!(listing(&out), [LOCK_FILE], "the run wrote outputs");
    }
    assert!(!missing.exists(), "the run created the target of the link");
    assert_eq!(text(&existing), "kept\n");
}

/// Makes an empty bundle folder and an empty output folder in a new
/// scratch folder.
fn empty_bundle_and_out(name: &str) -> (Scratch, PathBuf, PathBuf) {
    let scratch = Scratch::new(name);
    let bundle = scratch.join("empty-bundle");
    let out = scratch.join("out");
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    (scratch, bundle, out)
}

#[test]
fn run_removes_leftover_hidden_tables() {
    let (_scratch, bundle, out) = empty_bundle_and_out("run-leftovers");
    let leftovers = [
        ".attendance_records.csv.partial",
        ".rejected_scans.csv.partial",
        ".duplicate_scans.csv.partial",
        ".course_results.csv.partial",
    ];
    let look_alikes = [
        // Not hidden.
        "attendance_records.csv.partial",
        // Another ending.
        ".attendance_records.csv.partial.bak",
        ".attendance_records.csv",
        // Not a table that a run writes under a hidden name.
        ".notes.csv.partial",
        ".outcomes.csv.partial",
    ];
    for name in leftovers.iter().chain(&look_alikes) {
        std::fs::write(out.join(name), "planted\n").unwrap();
    }

    // An empty bundle mentions no time to evaluate at, so the run stops
    // before the season and writes no table that could replace a leftover.
    let output = run_bundle(&bundle, &out, &[]);

    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("give --as-of"),
        "{}",
        stderr(&output)
    );
    for name in leftovers {
        assert!(!out.join(name).exists(), "{name} was left in place");
        assert!(stdout(&output).contains(name), "{}", stdout(&output));
    }
    for name in look_alikes {
        assert_eq!(text(&out.join(name)), "planted\n", "{name} was changed");
    }
}

// Linux only: symbolic links need a Unix system, and the name differing
// in case is another file only on a case-sensitive file system.
#[cfg(target_os = "linux")]
#[test]
fn run_leftover_cleanup_spares_targets() {
    let (scratch, bundle, out) = empty_bundle_and_out("run-leftover-links");
    let outside = scratch.join("outside.csv");
    std::fs::write(&outside, "kept\n").unwrap();
    let link = out.join(".attendance_records.csv.partial");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let folder = out.join(".rejected_scans.csv.partial");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("inside.csv"), "kept\n").unwrap();
    let other_case = out.join(".Duplicate_scans.csv.partial");
    std::fs::write(&other_case, "kept\n").unwrap();

    let output = run_bundle(&bundle, &out, &[]);

    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        link.symlink_metadata().is_err(),
        "the link was left in place"
    );
    assert_eq!(text(&outside), "kept\n", "the link's target was changed");
    assert_eq!(text(&folder.join("inside.csv")), "kept\n");
    assert_eq!(text(&other_case), "kept\n");
    let warning = format!("warning: failed to remove {}", folder.display());
    assert!(stderr(&output).contains(&warning), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("; remove it by hand"),
        "{}",
        stderr(&output)
    );
}
