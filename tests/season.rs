//! The season run on the example bundle, checked against figures worked out
//! by hand from `examples/bundle`, and the output files against
//! `docs/outputs.md`.
//!
//! The example bundle, read with the default policy and without a token
//! key (every time below is Asia/Shanghai, UTC+8):
//!
//! - Tai chi (no credit value, 80 %, no walk-ins) meets on 2 March, 9 March,
//!   16 March (cancelled) and 23 March, 09:00–10:30 (90 min). Learner 1 holds
//!   a place throughout. Learner 2 has one from 3 February until 10 March
//!   08:00, and learner 4 from 20 February, excused on 9 March.
//!   - 2 March: learner 1 checks in 08:52:10 and out 10:31 (present, 90);
//!     learner 2 checks in 09:14:30, late (later than 09:10), no check-out,
//!     so 09:14:30–10:30 = 75 whole minutes; learner 4 checks in 08:40
//!     (present, 90).
//!   - 9 March: learner 1 checks in 09:05 (present, 90) and again at 09:06
//!     (a repeated check-in); learner 2 holds a place and does not come
//!     (absent); learner 4 is excused.
//!   - 23 March: learners 1 and 4 present (90 each); learner 2 has withdrawn.
//! - Smartphone skills (credit value 1.50, walk-ins, assessment required)
//!   meets 4 and 11 March, 14:00–15:00: learners 1 and 4 have places, 5
//!   walks in on 4 March; learner 4 checks in 14:11 on 11 March (late, 49
//!   minutes). No assessment result is given, so nobody completes it.
//! - Childcare (assessment required) meets 6 March 18:30–21:00: learner 3
//!   checks in 18:20 and out 20:30, before 20:50, so leaves early: 120
//!   minutes (18:30–20:30).
//! - The qigong club meets 7 March 22:00 to 01:00 (180 min): learners 4 and
//!   6 check in on time.
//!
//! That is 17 scans: 16 accepted, 1 duplicate and none rejected. There are
//! 16 records: 8 on tai chi (3, 3 and 2), 5 on smartphone skills (3 and 2),
//! 1 on childcare and 2 at the club. There are 6 course results (3 tai chi,
//! 2 smartphone, 1 childcare), and learners 1 and 4 complete tai chi (3/3,
//! and 2/2 after the excusal).
//!
//! With the built-in `community` rules: tai chi minutes earn 0.1 per full
//! hour summed per learner and course (learner 1: 270 min = 0.45, rounded
//! down to 0.40; learner 2: 75 min, 0.10; learner 4: 180 min, 0.30),
//! childcare 120 min 0.20, club activity 180 min 0.30 each for learners 4 and
//! 6, learner 6's 180 minutes of volunteer service 0.30, learner 3's level 4
//! certificate 4.00, and learner 4's provincial first prize 8.00. The
//! smartphone course declares a credit value, so its attendance matches no
//! rule (5 outcomes), and the tai chi completions match no rule either
//! (2), because tai chi declares none: 7 outcomes earn nothing. Nine entries,
//! 13.90 credits, for learners 1 (0.40), 2 (0.10), 3 (4.20), 4 (8.60) and
//! 6 (0.60).
//!
//! The club, evaluated for 2026 with the default scorecard: 1 activity in 12
//! months (1/12 of the target 2 a month, 20 × 1/24 = 5/6 points), 2
//! check-ins over 3 fixed members (2/3 of the target 0.8, 20 × 5/6 = 50/3),
//! all 3 fixed members retained (15), no outreach, awards or records: 5/6 +
//! 50/3 + 15 = 32.5, not qualified.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use xuetong::attendance::{AttendancePolicy, TokenKey};
use xuetong::bundle::{Bundle, MemoryBundle, read_bundle};
use xuetong::credit::Ledger;
use xuetong::decimal::Credits;
use xuetong::id::LearnerId;
use xuetong::problem::{Locale, Path};
use xuetong::season::{
    OutputFile, REJECTED_ROWS_FILE, ScopeKind, Season, SeasonOptions, SeasonStep, default_as_of,
    run_season, run_season_alongside, run_season_with_scans, write_attendance_output, write_output,
    write_rejected_rows,
};
use xuetong_tests::repo_root;

const HOME_PAGE: &str = "https://learn.example.org";
const EXAMPLE_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn example_files() -> MemoryBundle {
    let folder = repo_root().join("examples").join("bundle");
    let mut files = MemoryBundle::new();
    for entry in std::fs::read_dir(&folder).expect("examples/bundle is readable") {
        let entry = entry.expect("examples/bundle lists its files");
        let name = entry.file_name().to_string_lossy().into_owned();
        files.insert(
            name,
            std::fs::read(entry.path()).expect("a file is readable"),
        );
    }
    files
}

fn read(files: &MemoryBundle) -> Bundle {
    let (bundle, report) = read_bundle(files).expect("the bundle is readable");
    assert!(report.is_clean(), "{:?}", report.problems);
    bundle
}

fn example() -> Bundle {
    read(&example_files())
}

fn options(bundle: &Bundle) -> SeasonOptions {
    let as_of =
        default_as_of(bundle, &AttendancePolicy::default()).expect("the example has sessions");
    SeasonOptions::new(as_of, HOME_PAGE)
}

fn learner(number: u32) -> LearnerId {
    format!("20000000-0000-4000-8000-{number:012}")
        .parse()
        .expect("a learner id")
}

fn credits(text: &str) -> Credits {
    text.parse().expect("an amount")
}

/// Writes one output file to text.
fn output(season: &Season<'_>, file: OutputFile, locale: Locale) -> String {
    let mut bytes = Vec::new();
    write_output(season, file, &mut bytes, locale).expect("writing to memory works");
    String::from_utf8(bytes).expect("outputs are UTF-8")
}

/// Reads the rows of a CSV text as maps from column to cell.
fn rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    reader
        .records()
        .map(|record| {
            let record = record.expect("a CSV row");
            header
                .iter()
                .zip(record.iter())
                .map(|(column, cell)| (column.to_owned(), cell.to_owned()))
                .collect()
        })
        .collect()
}

#[test]
fn default_evaluation_time_is_the_last_session_end() {
    let bundle = example();
    // The tai chi session of 23 March ends at 10:30 in Shanghai; no scan,
    // enrolment, excusal or outcome day is later.
    assert_eq!(
        default_as_of(&bundle, &AttendancePolicy::default()),
        Some(Utc.with_ymd_and_hms(2026, 3, 23, 2, 30, 0).unwrap())
    );
}

#[test]
fn default_evaluation_time_skips_unacceptable_scans() {
    let mut bundle = example();
    let policy = AttendancePolicy::default();
    let last_end = Utc.with_ymd_and_hms(2026, 3, 23, 2, 30, 0).unwrap();
    let template = bundle.scans[0].clone();
    let session = bundle
        .sessions
        .iter()
        .find(|timed| timed.times.ends_at == last_end)
        .expect("the example has a session ending at 10:30 on 23 March")
        .session
        .id;

    // A scan received years after every session window closed.
    let mut far = template.clone();
    far.scanned_at = Utc.with_ymd_and_hms(9999, 12, 31, 15, 59, 59).unwrap();
    bundle.scans.push(far);
    // A scan that names no session of the bundle.
    let mut orphan = template.clone();
    orphan.session_id = "5fffffff-0000-4000-8000-000000000001".parse().unwrap();
    orphan.scanned_at = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    bundle.scans.push(orphan);
    assert_eq!(default_as_of(&bundle, &policy), Some(last_end));

    // The default check-out window closes 30 minutes after a session ends.
    // A check-out at that moment can still be accepted, so it counts.
    let mut check_out = template;
    check_out.session_id = session;
    check_out.scanned_at = last_end + chrono::Duration::minutes(30);
    bundle.scans.push(check_out);
    assert_eq!(
        default_as_of(&bundle, &policy),
        Some(last_end + chrono::Duration::minutes(30))
    );
}

#[test]
fn owned_scans_give_the_same_season() {
    let bundle = example();
    let borrowed = run_season(&bundle, options(&bundle)).expect("the season runs");

    let mut without_scans = bundle.clone();
    let scans = std::mem::take(&mut without_scans.scans);
    assert_eq!(scans.len(), 17);
    let owned = run_season_with_scans(&without_scans, scans, options(&bundle), &mut |_| {})
        .expect("the season runs");

    assert_eq!(owned.summary, borrowed.summary);
    assert_eq!(owned.output_files(), borrowed.output_files());
    for file in borrowed.output_files() {
        assert_eq!(
            output(&owned, file, Locale::En),
            output(&borrowed, file, Locale::En),
            "{}",
            file.as_str()
        );
    }
}

#[test]
fn attendance_tables_alongside_match_season() {
    let bundle = example();
    let whole = run_season(&bundle, options(&bundle)).expect("the season runs");

    let mut without_scans = bundle.clone();
    let scans = std::mem::take(&mut without_scans.scans);
    let steps = std::cell::RefCell::new(Vec::new());
    let mut tables = Vec::new();
    let mut steps_seen = Vec::new();
    let overlapped = run_season_alongside(
        &without_scans,
        scans,
        options(&bundle),
        &mut |step| steps.borrow_mut().push(step),
        &mut |attendance, later| {
            steps_seen.push(steps.borrow().len());
            for file in OutputFile::FROM_ATTENDANCE {
                let mut bytes = Vec::new();
                write_attendance_output(&without_scans, attendance, *file, &mut bytes, Locale::En)
                    .expect("writing to memory works");
                tables.push((*file, String::from_utf8(bytes).expect("outputs are UTF-8")));
            }
            later();
            steps_seen.push(steps.borrow().len());
            // A second call runs nothing again.
            later();
            steps_seen.push(steps.borrow().len());
        },
    )
    .expect("the season runs");

    // Only attendance had run when the tables were written; the five later
    // steps ran once, inside `later`.
    assert_eq!(steps_seen, [1, 6, 6]);
    let steps = steps.into_inner();
    assert_eq!(steps.first(), Some(&SeasonStep::Attendance));
    assert_eq!(steps.last(), Some(&SeasonStep::Statistics));
    assert_eq!(overlapped.summary, whole.summary);
    assert_eq!(tables.len(), 4);
    // The example has records and course results, but no rejected scans
    // without a token key.
    for (file, text) in &tables[..1] {
        assert!(text.lines().count() > 1, "{} has rows", file.as_str());
    }
    assert_eq!(tables[3].0, OutputFile::CourseResults);
    assert!(
        tables[3].1.lines().count() > 1,
        "course_results.csv has rows"
    );
    for (file, text) in &tables {
        assert_eq!(
            text,
            &output(&whole, *file, Locale::En),
            "{}",
            file.as_str()
        );
    }
    for file in whole.output_files() {
        assert_eq!(
            output(&overlapped, file, Locale::En),
            output(&whole, file, Locale::En),
            "{}",
            file.as_str()
        );
    }
}

#[test]
fn later_steps_run_when_not_started() {
    let bundle = example();
    let whole = run_season(&bundle, options(&bundle)).expect("the season runs");
    let mut without_scans = bundle.clone();
    let scans = std::mem::take(&mut without_scans.scans);
    let mut steps = Vec::new();
    let season = run_season_alongside(
        &without_scans,
        scans,
        options(&bundle),
        &mut |step| steps.push(step),
        &mut |_, _| {},
    )
    .expect("the season runs");
    assert_eq!(steps.len(), 6);
    assert_eq!(season.summary, whole.summary);
    assert!(season.summary.entries_appended > 0);
}

#[test]
fn attendance_output_rejects_later_files() {
    let bundle = example();
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    let mut bytes = Vec::new();
    let error = write_attendance_output(
        &bundle,
        &season.attendance,
        OutputFile::Outcomes,
        &mut bytes,
        Locale::En,
    )
    .expect_err("outcomes need the later steps");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(bytes.is_empty());
}

/// A writer that takes `limit` bytes and then fails every write, as a full
/// disk does.
struct FullDisk {
    limit: usize,
    written: usize,
}

impl std::io::Write for FullDisk {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.limit - self.written;
        if room == 0 {
            return Err(std::io::Error::other("no space left on device"));
        }
        let taken = room.min(buf.len());
        self.written += taken;
        Ok(taken)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn full_disk_fails_every_output() {
    let bundle = example();
    let mut options = options(&bundle);
    options.xapi = true;
    let season = run_season(&bundle, options).expect("the season runs");
    for file in season.output_files() {
        let length = output(&season, file, Locale::En).len();
        assert!(length > 0, "{file} is empty");
        for limit in [0, length / 2, length - 1] {
            let mut writer = FullDisk { limit, written: 0 };

            let result = write_output(&season, file, &mut writer, Locale::En);

            assert!(
                result.is_err(),
                "{file} cut at {limit} of {length} bytes was not reported"
            );
        }
    }
}

#[test]
fn example_attendance_matches_hand_figures() {
    let bundle = example();
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    let summary = &season.summary;
    assert_eq!(summary.scans, 17);
    assert_eq!(summary.scans_accepted, 16);
    assert_eq!(summary.scans_duplicate, 1);
    assert_eq!(summary.scans_rejected, 0);
    assert_eq!(summary.attendance_records, 16);
    assert_eq!(summary.sessions_held, 7);
    assert_eq!(summary.course_results, 6);
    assert_eq!(summary.completions, 2);

    let records = rows(&output(&season, OutputFile::AttendanceRecords, Locale::En));
    let find = |session: u32, learner: u32| {
        records
            .iter()
            .find(|row| {
                row["session_id"] == format!("50000000-0000-4000-8000-{session:012}")
                    && row["learner_id"] == format!("20000000-0000-4000-8000-{learner:012}")
            })
            .unwrap_or_else(|| panic!("no record of learner {learner} at session {session}"))
    };
    assert_eq!(find(1, 2)["status"], "late");
    assert_eq!(find(1, 2)["credited_minutes"], "75");
    assert_eq!(find(2, 2)["status"], "absent");
    assert_eq!(find(2, 4)["status"], "excused");
    assert_eq!(find(2, 1)["duplicate_scans"], "1");
    assert_eq!(find(5, 5)["walk_in"], "true");
    assert_eq!(find(6, 4)["credited_minutes"], "49");
    assert_eq!(find(7, 3)["status"], "left_early");
    assert_eq!(find(7, 3)["credited_minutes"], "120");
    assert_eq!(find(8, 6)["credited_minutes"], "180");
    assert_eq!(find(8, 6)["session_date"], "2026-03-07");

    let results = rows(&output(&season, OutputFile::CourseResults, Locale::En));
    let tai_chi = |learner: u32| {
        results
            .iter()
            .find(|row| {
                row["course_id"] == "40000000-0000-4000-8000-000000000001"
                    && row["learner_id"] == format!("20000000-0000-4000-8000-{learner:012}")
            })
            .expect("a tai chi result")
    };
    assert_eq!(tai_chi(1)["rate"], "3/3");
    assert_eq!(tai_chi(1)["completed"], "true");
    assert_eq!(tai_chi(2)["rate"], "1/2");
    assert_eq!(tai_chi(2)["unmet"], "withdrawn;below_threshold");
    assert_eq!(tai_chi(4)["rate"], "2/2");
    assert_eq!(tai_chi(4)["excused_sessions"], "1");
    let assessment_missing = results
        .iter()
        .filter(|row| row["unmet"] == "assessment_missing")
        .count();
    assert_eq!(assessment_missing, 3);
}

#[test]
fn example_credits_match_hand_figures() {
    let bundle = example();
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert_eq!(season.rule_set.id, "community");
    assert_eq!(season.recorded_on.to_string(), "2026-03-23");
    let summary = &season.summary;
    assert_eq!(summary.outcomes_from_attendance, 16);
    assert_eq!(summary.outcomes_given, 3);
    assert_eq!(summary.outcomes_skipped, 7);
    assert_eq!(summary.entries_appended, 9);
    assert_eq!(summary.credits_appended, credits("13.90"));
    assert_eq!(summary.learners_credited, 5);

    let balances: BTreeMap<LearnerId, Credits> = season
        .ledger
        .balances(None)
        .into_iter()
        .map(|balance| (balance.learner_id, balance.amount))
        .collect();
    assert_eq!(balances[&learner(1)], credits("0.40"));
    assert_eq!(balances[&learner(2)], credits("0.10"));
    assert_eq!(balances[&learner(3)], credits("4.20"));
    assert_eq!(balances[&learner(4)], credits("8.60"));
    assert_eq!(balances[&learner(6)], credits("0.60"));
    assert!(!balances.contains_key(&learner(5)));

    let skipped = rows(&output(&season, OutputFile::CreditsSkipped, Locale::En));
    assert_eq!(skipped.len(), 7);
    assert!(
        skipped
            .iter()
            .all(|row| row["reason"] == "no_matching_rule")
    );

    let transcripts = rows(&output(&season, OutputFile::Transcripts, Locale::En));
    let line = |learner: u32, year: &str, kind: &str| {
        transcripts
            .iter()
            .find(|row| {
                row["learner_id"] == format!("20000000-0000-4000-8000-{learner:012}")
                    && row["year"] == year
                    && row["outcome_kind"] == kind
            })
            .unwrap_or_else(|| panic!("no transcript line {learner} {year} {kind}"))
    };
    assert_eq!(transcripts.len(), 9);
    assert_eq!(line(4, "2025", "award")["credits"], "8.00");
    assert_eq!(line(4, "2026", "attendance")["category"], "tai_chi");
    assert_eq!(line(4, "2026", "attendance")["credits"], "0.30");
    assert_eq!(line(3, "2026", "certificate")["credits"], "4.00");
    assert_eq!(line(6, "2026", "volunteer_service")["credits"], "0.30");

    let deposits = output(&season, OutputFile::CreditBankDeposits, Locale::En);
    let lines: Vec<Value> = deposits
        .lines()
        .map(|line| serde_json::from_str(line).expect("a deposit is JSON"))
        .collect();
    assert_eq!(lines.len(), 9);
    assert!(lines.iter().all(|deposit| deposit["platform"] == HOME_PAGE));
    assert!(
        lines
            .iter()
            .all(|deposit| deposit["operation"] == "deposit")
    );
    let total: Credits = lines
        .iter()
        .map(|deposit| credits(deposit["amount"].as_str().expect("an amount")))
        .sum();
    assert_eq!(total, credits("13.90"));
}

#[test]
fn example_club_matches_hand_figures() {
    let bundle = example();
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert_eq!(season.clubs.len(), 1);
    let evaluation = season.clubs[0].result.as_ref().expect("the club is valid");
    assert_eq!(season.clubs[0].year, 2026);
    assert_eq!(evaluation.counts.activities, 1);
    assert_eq!(evaluation.counts.check_ins, 2);
    assert_eq!(evaluation.counts.fixed_member_places, 3);
    assert_eq!(evaluation.counts.fixed_members_retained, 3);
    assert_eq!(evaluation.score, "32.50");
    assert_eq!(evaluation.rating, "not_qualified");

    let indicators = rows(&output(&season, OutputFile::ClubIndicators, Locale::En));
    assert_eq!(indicators.len(), 6);
    assert_eq!(indicators[0]["contribution_exact"], "5/6");
    assert_eq!(indicators[1]["contribution_exact"], "50/3");
    assert_eq!(indicators[2]["contribution_exact"], "15");
}

#[test]
fn xapi_statements_follow_the_trail() {
    let bundle = example();
    let mut options = options(&bundle);
    options.xapi = true;
    let season = run_season(&bundle, options).expect("the season runs");
    let text = output(&season, OutputFile::XapiStatements, Locale::En);
    let statements: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("a statement is JSON"))
        .collect();
    let verb = |statement: &Value| {
        statement["verb"]["id"]
            .as_str()
            .and_then(|id| id.rsplit('/').next())
            .map(str::to_owned)
            .unwrap_or_default()
    };

    let mut verbs: BTreeMap<String, usize> = BTreeMap::new();
    for statement in &statements {
        *verbs.entry(verb(statement)).or_default() += 1;
    }
    // 14 attended records (16 less the absent and the excused one), 2
    // completions, no membership change between 2 and 23 March, 9 accruals.
    assert_eq!(verbs.get("attended"), Some(&14));
    assert_eq!(verbs.get("completed"), Some(&2));
    assert_eq!(verbs.get("earned"), Some(&9));
    assert_eq!(statements.len(), 25);

    let ids: BTreeSet<&str> = statements
        .iter()
        .map(|statement| statement["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids.len(), statements.len(), "statement ids are unique");
    for statement in &statements {
        assert_eq!(statement["actor"]["account"]["homePage"], HOME_PAGE);
        assert!(!text.contains("null"), "no statement holds a null");
        assert!(
            statement["timestamp"]
                .as_str()
                .is_some_and(|at| at.ends_with("+08:00")),
            "{statement}"
        );
    }

    let attended = statements
        .iter()
        .find(|statement| verb(statement) == "attended")
        .expect("an attended statement");
    assert_eq!(attended["timestamp"], "2026-03-02T09:00:00+08:00");
    assert_eq!(attended["result"]["duration"], "PT1H30M");
}

#[test]
fn without_xapi_no_statements_are_written() {
    let bundle = example();
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert!(!season.output_files().contains(&OutputFile::XapiStatements));
    assert_eq!(output(&season, OutputFile::XapiStatements, Locale::En), "");
}

#[test]
fn token_key_verifies_every_example_token() {
    let bundle = example();
    let mut options = options(&bundle);
    options.token_key = Some(TokenKey::from_hex(EXAMPLE_KEY).expect("the example key"));
    let season = run_season(&bundle, options).expect("the season runs");
    assert!(season.attendance.tokens_verified);
    assert_eq!(season.summary.scans_rejected, 0);
    assert_eq!(season.summary.entries_appended, 9);
}

/// Writes every output file of `season` as text.
fn all_outputs(season: &Season<'_>) -> BTreeMap<&'static str, String> {
    OutputFile::ALL
        .iter()
        .map(|file| (file.as_str(), output(season, *file, Locale::ZhCn)))
        .collect()
}

/// Returns the bundle with the data rows of every CSV file reversed.
fn reversed(files: &MemoryBundle) -> MemoryBundle {
    let mut reversed = MemoryBundle::new();
    for (name, bytes) in &files.files {
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        let mut lines: Vec<&str> = text.lines().collect();
        if lines.len() > 2 {
            lines[1..].reverse();
        }
        reversed.insert(name.clone(), lines.join("\n") + "\n");
    }
    reversed
}

#[test]
fn outputs_do_not_depend_on_row_order() {
    let files = example_files();
    let bundle = read(&files);
    let mut first = options(&bundle);
    first.xapi = true;
    let season = run_season(&bundle, first.clone()).expect("the season runs");
    let once = all_outputs(&season);
    let again = all_outputs(&run_season(&bundle, first.clone()).expect("the season runs"));
    assert_eq!(once, again);

    let shuffled = read(&reversed(&files));
    let other = all_outputs(&run_season(&shuffled, first).expect("the season runs"));
    for (file, text) in &once {
        assert_eq!(
            text, &other[file],
            "{file} differs when the rows are reversed"
        );
    }
}

#[test]
fn outcome_sharing_attendance_id_ignores_order() {
    // The bundle gives learner 3's childcare outcome of an earlier run
    // again, with the same id and source but 100 minutes instead of 120.
    // Outcomes with one id are ordered by their JSON text, where
    // `"minutes":100` comes before `"minutes":120`. So the given copy is
    // listed first and credited (one full hour, 0.10 instead of 0.20), and
    // the run's own outcome is a duplicate, wherever the copy is given.
    let bundle = example();
    let first = run_season(&bundle, options(&bundle)).expect("the season runs");
    let mut copy = first
        .outcomes
        .iter()
        .find(|outcome| outcome.learner_id == learner(3) && outcome.minutes == Some(120))
        .expect("learner 3 attended childcare for 120 minutes")
        .clone();
    drop(first);
    copy.minutes = Some(100);
    let id = copy.id.to_string();
    let mut given_last = bundle.clone();
    given_last.outcomes.push(copy.clone());
    let mut given_first = bundle;
    given_first.outcomes.insert(0, copy);

    let mut outputs = Vec::new();
    for bundle in [&given_last, &given_first] {
        let season = run_season(bundle, options(bundle)).expect("the season runs");
        let outcomes = rows(&output(&season, OutputFile::Outcomes, Locale::En));
        let minutes: Vec<&str> = outcomes
            .iter()
            .filter(|row| row["id"] == id)
            .map(|row| row["minutes"].as_str())
            .collect();
        assert_eq!(minutes, ["100", "120"]);
        assert_eq!(season.summary.credits_appended, credits("13.80"));
        let skipped = rows(&output(&season, OutputFile::CreditsSkipped, Locale::En));
        let duplicates: Vec<&str> = skipped
            .iter()
            .filter(|row| row["reason"] == "duplicate_outcome")
            .map(|row| row["outcome_ids"].as_str())
            .collect();
        assert_eq!(duplicates, [id.as_str()]);
        outputs.push(all_outputs(&season));
    }
    for (file, text) in &outputs[0] {
        assert_eq!(
            text, &outputs[1][file],
            "{file} differs with the given outcome first"
        );
    }
}

#[test]
fn previous_ledger_makes_a_rerun_append_nothing() {
    let bundle = example();
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    let document = output(&season, OutputFile::CreditLedgerDocument, Locale::En);
    let value: Value = serde_json::from_str(&document).expect("the ledger document is JSON");
    let ledger = Ledger::from_json(&value, &Path::root()).expect("the document reads back");
    assert_eq!(ledger, season.ledger);

    let mut rerun = options(&bundle);
    rerun.previous_ledger = Some(ledger);
    let second = run_season(&bundle, rerun).expect("the season runs again");
    assert_eq!(second.summary.entries_appended, 0);
    assert_eq!(second.summary.ledger_entries, 9);
    // The deposits of the day are the same, with the same keys.
    assert_eq!(
        output(&second, OutputFile::CreditBankDeposits, Locale::En),
        output(&season, OutputFile::CreditBankDeposits, Locale::En)
    );
}

/// Sums the rows of `credit_ledger.csv` into transcript rows, ordered by
/// learner, rule set, year, outcome kind and category.
fn transcripts_of_ledger(ledger_table: &str) -> Vec<Vec<String>> {
    let mut totals: BTreeMap<Vec<String>, (Credits, u64)> = BTreeMap::new();
    for row in rows(ledger_table) {
        let kind = match row["outcome_kind"].as_str() {
            "" => "adjustment".to_owned(),
            kind => kind.to_owned(),
        };
        let key = vec![
            row["learner_id"].clone(),
            row["rule_set_id"].clone(),
            row["occurred_on"][..4].to_owned(),
            kind,
            row["category"].clone(),
        ];
        let total = totals.entry(key).or_insert((Credits::ZERO, 0));
        total.0 += credits(&row["amount"]);
        total.1 += 1;
    }
    totals
        .into_iter()
        .map(|(mut row, (amount, entries))| {
            row.push(amount.to_string());
            row.push(entries.to_string());
            row
        })
        .collect()
}

#[test]
fn transcripts_sum_ledger_in_any_order() {
    // The cells of each row, in the order of the columns, which
    // `written_headers_match_the_documentation` checks.
    let transcript_rows = |season: &Season<'_>| -> Vec<Vec<String>> {
        let text = output(season, OutputFile::Transcripts, Locale::En);
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|record| {
                let record = record.expect("a CSV row");
                record.iter().map(str::to_owned).collect()
            })
            .collect()
    };
    let bundle = example();
    let learners_of = |season: &Season<'_>| -> Vec<LearnerId> {
        let entries = season.ledger.entries();
        entries.iter().map(|entry| entry.learner_id).collect()
    };
    // A first run appends its entries grouped by learner, so its rows are
    // summed one learner at a time.
    let first = run_season(&bundle, options(&bundle)).expect("the season runs");
    let learners = learners_of(&first);
    assert!(learners.is_sorted(), "{learners:?}");
    assert!(learners.first() != learners.last(), "{learners:?}");
    let ledger_rows = output(&first, OutputFile::CreditLedger, Locale::En);
    assert_eq!(transcript_rows(&first), transcripts_of_ledger(&ledger_rows));

    // A second rule set appends its entries after the first one's, so the
    // ledger is no longer grouped by learner.
    let mut second = options(&bundle);
    second.previous_ledger = Some(first.ledger.clone());
    second.rules = Some(xuetong::credit::presets::iacet_ceu());
    let second = run_season(&bundle, second).expect("the season runs again");
    let learners = learners_of(&second);
    assert!(!learners.is_sorted(), "{learners:?}");
    let ledger_rows = output(&second, OutputFile::CreditLedger, Locale::En);
    let expected = transcripts_of_ledger(&ledger_rows);
    assert!(expected.iter().any(|row| row[1] == "iacet_ceu"));
    assert_eq!(transcript_rows(&second), expected);
}

#[test]
fn rejected_scans_are_listed_with_reasons() {
    let mut files = example_files();
    let mut scans =
        String::from_utf8(files.files["scans.csv"].clone()).expect("scans.csv is UTF-8");
    // A scan for a session the bundle does not have, and one after the
    // evaluation time.
    scans.push_str(
        "70000000-0000-4000-8000-000000000101,5ffffff0-0000-4000-8000-000000000001,20000000-0000-4000-8000-000000000001,2026-03-02T08:55:00+08:00,check_in,qr,,\n\
         70000000-0000-4000-8000-000000000102,50000000-0000-4000-8000-000000000004,20000000-0000-4000-8000-000000000002,2026-03-23T11:00:00+08:00,check_in,qr,,\n",
    );
    files.insert("scans.csv", scans);
    let bundle = read(&files);
    let mut options = options(&bundle);
    options.as_of = Utc.with_ymd_and_hms(2026, 3, 23, 2, 30, 0).unwrap();
    let season = run_season(&bundle, options).expect("the season runs");
    assert_eq!(season.summary.scans, 19);
    assert_eq!(season.summary.scans_rejected, 2);

    let rejected = rows(&output(&season, OutputFile::RejectedScans, Locale::ZhCn));
    let codes: BTreeSet<&str> = rejected.iter().map(|row| row["code"].as_str()).collect();
    assert_eq!(codes, BTreeSet::from(["scan_in_future", "unknown_session"]));
    let future = rejected
        .iter()
        .find(|row| row["code"] == "scan_in_future")
        .expect("the late scan");
    assert!(future["message"].contains("晚于评估时间"), "{future:?}");
    let params: Value = serde_json::from_str(&future["params"]).expect("params are JSON");
    assert_eq!(params["as_of"], "2026-03-23T02:30:00Z");
}

#[test]
fn learners_file_with_only_bad_rows() {
    let mut files = example_files();
    // Neither id is a UUID, so the reader rejects both rows.
    files.insert(
        "learners.csv",
        "id,display_name\nlearner-1,王秀英\n20000000-0000-4000-8000-00000000000x,Zoë Lefèvre\n",
    );
    let (bundle, report) = read_bundle(&files).expect("the bundle is readable");
    let counts = report
        .files
        .iter()
        .find(|counts| counts.file == "learners.csv")
        .expect("learners.csv is counted");
    assert_eq!(counts.rows_read, 2);
    assert_eq!(counts.rows_rejected, 2);
    assert!(bundle.learners.is_empty());
    assert!(bundle.learners_listed);

    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert_eq!(season.summary.scans, 17);
    assert!(season.attendance.records.is_empty());
    let rejected = rows(&output(&season, OutputFile::RejectedScans, Locale::En));
    let codes: BTreeSet<&str> = rejected.iter().map(|row| row["code"].as_str()).collect();
    assert_eq!(codes, BTreeSet::from(["unknown_learner"]));
    assert_eq!(season.summary.scans_rejected, 17);

    // Without the file, the same scans are not rejected for their learner.
    files.files.remove("learners.csv");
    let (bundle, _) = read_bundle(&files).expect("the bundle is readable");
    assert!(!bundle.learners_listed);
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    let rejected = rows(&output(&season, OutputFile::RejectedScans, Locale::En));
    assert!(!rejected.iter().any(|row| row["code"] == "unknown_learner"));
    assert!(!season.attendance.records.is_empty());
}

#[test]
fn rejected_rows_name_file_line_and_value() {
    let mut files = example_files();
    let mut venues = String::from_utf8(files.files["venues.csv"].clone()).expect("UTF-8");
    venues
        .push_str("10000000-0000-4000-8000-000000000009,Broken venue,palace,,Asia/Shanghai,,,,,\n");
    files.insert("venues.csv", venues);
    let (bundle, report) = read_bundle(&files).expect("the bundle is readable");
    assert_eq!(report.rows_rejected(), 1);
    let mut bytes = Vec::new();
    let written = write_rejected_rows(&report, &mut bytes, Locale::En).expect("written");
    assert_eq!(written, 1);
    let table = rows(&String::from_utf8(bytes).expect("UTF-8"));
    assert_eq!(table[0]["file"], "venues.csv");
    assert_eq!(table[0]["line"], "7");
    assert_eq!(table[0]["field"], "tier");
    assert_eq!(table[0]["code"], "invalid_choice");
    assert_eq!(table[0]["value"], "palace");
    // The season still runs on the accepted rows.
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert_eq!(season.summary.entries_appended, 9);
}

#[test]
fn club_with_invalid_history_is_reported_not_fatal() {
    let mut files = example_files();
    // Without its founder's row the club has no founder.
    let members = String::from_utf8(files.files["club_members.csv"].clone()).expect("UTF-8");
    let without_founder: Vec<&str> = members
        .lines()
        .filter(|line| !line.contains(",founder,"))
        .collect();
    files.insert("club_members.csv", without_founder.join("\n") + "\n");
    let bundle = read(&files);
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert_eq!(season.summary.club_evaluations_failed, 1);
    let problems = season.clubs[0].result.as_ref().expect_err("no founder");
    assert!(
        problems
            .iter()
            .any(|problem| problem.code.as_str() == "founder_gap")
    );
    let table = rows(&output(&season, OutputFile::ClubEvaluations, Locale::En));
    assert_eq!(table[0]["score"], "");
    assert!(table[0]["problems"].contains("[founder_gap]"), "{table:?}");
}

#[test]
fn as_of_past_year_9999_locally_is_rejected() {
    let bundle = example();
    // 23:59:59 UTC on 31 December 9999 is already 1 January 10000 in
    // Shanghai, the date the ledger would record the credits on.
    let mut late = options(&bundle);
    late.as_of = Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap();
    let problems = run_season(&bundle, late).expect_err("a recorded date in year 10000");
    assert_eq!(problems.0.len(), 1);
    assert_eq!(problems.0[0].code.as_str(), "as_of_out_of_range");
    assert_eq!(problems.0[0].path, xuetong::path!["as_of"]);
    // The date is written as the user reads it, without the sign that
    // ISO 8601 puts before a year of five digits.
    assert_eq!(problems.0[0].params["date"], "10000-01-01");
    let message = problems.0[0].message_in(Locale::En);
    assert!(
        message.contains("falls on 10000-01-01 in Asia/Shanghai"),
        "{message}"
    );

    // Midnight of 1 January 0001 in UTC is still 31 December of year 0 in
    // Toronto.
    let mut early = options(&bundle);
    early.as_of = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    early.time_zone = Some(chrono_tz::America::Toronto);
    let problems = run_season(&bundle, early).expect_err("a recorded date in year 0");
    assert_eq!(problems.0[0].code.as_str(), "as_of_out_of_range");
    assert_eq!(problems.0[0].params["date"], "0000-12-31");

    let mut last = options(&bundle);
    last.as_of = Utc.with_ymd_and_hms(9999, 12, 31, 15, 59, 59).unwrap();
    let season = run_season(&bundle, last).expect("31 December 9999 in Shanghai");
    assert_eq!(season.recorded_on.to_string(), "9999-12-31");
}

#[test]
fn invalid_options_are_problems_under_their_name() {
    let bundle = example();
    let mut bad_home = options(&bundle);
    bad_home.home_page = "learn.example.org".into();
    let problems = run_season(&bundle, bad_home).expect_err("not a URL");
    assert_eq!(problems.0[0].code.as_str(), "invalid_iri");
    assert_eq!(problems.0[0].path, xuetong::path!["home_page"]);

    let mut draft = options(&bundle);
    let mut rules = xuetong::credit::presets::community();
    rules.status = xuetong::credit::RuleSetStatus::Draft;
    draft.rules = Some(rules);
    let problems = run_season(&bundle, draft).expect_err("a draft");
    assert_eq!(problems.0[0].code.as_str(), "rule_set_not_published");
    assert_eq!(problems.0[0].path, xuetong::path!["rules"]);
}

#[test]
fn bundle_rules_with_unknown_category_are_rejected() {
    let mut files = example_files();
    let mut rules = xuetong::credit::presets::community().to_json();
    rules["id"] = json!("district_2026");
    rules["rules"][1]["match"]["categories"] = json!(["basket_weaving"]);
    files.insert("rules.json", rules.to_string());
    let bundle = read(&files);
    let problems = run_season(&bundle, options(&bundle)).expect_err("unknown category");
    assert_eq!(problems.0[0].code.as_str(), "unknown_category");
    assert_eq!(
        problems.0[0].path.segments()[0],
        xuetong::problem::PathSegment::from("rules.json")
    );
}

#[test]
fn unreadable_bundle_rules_stop_the_season() {
    let mut files = example_files();
    files.insert("rules.json", "{");
    let (bundle, report) = read_bundle(&files).expect("the bundle is readable");
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(report.problems[0].code.as_str(), "malformed_json");

    // Without a rule set of its own the run would credit with community.
    let problems = run_season(&bundle, options(&bundle)).expect_err("rules.json is not JSON");
    assert_eq!(problems.0.len(), 1, "{problems:?}");
    assert_eq!(problems.0[0], report.problems[0]);

    let mut given = options(&bundle);
    given.rules = Some(xuetong::credit::presets::community());
    let season = run_season(&bundle, given).expect("given rules replace rules.json");
    assert_eq!(season.rule_set.id, "community");
}

#[test]
fn bundle_rules_apply_when_none_are_given() {
    let mut files = example_files();
    let mut rules = xuetong::credit::presets::cixi_points().to_json();
    rules["id"] = json!("district_points");
    files.insert("rules.json", rules.to_string());
    let bundle = read(&files);
    let season = run_season(&bundle, options(&bundle)).expect("the season runs");
    assert_eq!(season.rule_set.id, "district_points");
}

/// Reads the columns (or fields) that `docs/outputs.md` documents, by file
/// name. They are the first cells of the first table after a heading that
/// names a file.
fn documented_columns() -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(repo_root().join("docs").join("outputs.md"))
        .expect("docs/outputs.md is readable");
    let mut documented: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut in_table = false;
    for line in text.lines() {
        if let Some(heading) = line.strip_prefix("## `") {
            current = heading.strip_suffix('`').map(str::to_owned);
            in_table = false;
            continue;
        }
        let Some(file) = &current else {
            continue;
        };
        if line.starts_with("| `") {
            in_table = true;
            let name = line
                .trim_start_matches("| `")
                .split('`')
                .next()
                .unwrap_or_default();
            documented
                .entry(file.clone())
                .or_default()
                .push(name.to_owned());
        } else if in_table && !line.starts_with('|') {
            current = None;
        }
    }
    documented
}

#[test]
fn written_headers_match_the_documentation() {
    let bundle = example();
    let mut options = options(&bundle);
    options.xapi = true;
    let season = run_season(&bundle, options).expect("the season runs");
    let documented = documented_columns();
    let mut checked = Vec::new();
    for file in OutputFile::ALL {
        let name = file.as_str();
        let text = output(&season, *file, Locale::En);
        let expected = documented
            .get(name)
            .unwrap_or_else(|| panic!("docs/outputs.md has no section for {name}"));
        let written: Vec<String> = if name.ends_with(".csv") {
            text.lines()
                .next()
                .unwrap_or_default()
                .split(',')
                .map(str::to_owned)
                .collect()
        } else if name.ends_with(".jsonl") {
            let mut keys = BTreeSet::new();
            for line in text.lines() {
                let value: Value = serde_json::from_str(line).expect("a JSON line");
                keys.extend(value.as_object().expect("an object").keys().cloned());
            }
            let undocumented: Vec<&String> =
                keys.iter().filter(|key| !expected.contains(key)).collect();
            assert!(
                undocumented.is_empty(),
                "{name} writes fields that docs/outputs.md does not list: {undocumented:?}"
            );
            checked.push(name);
            continue;
        } else {
            let value: Value = serde_json::from_str(&text).expect("a JSON document");
            value
                .as_object()
                .expect("an object")
                .keys()
                .cloned()
                .collect()
        };
        let mut sorted_written = written.clone();
        let mut sorted_expected = expected.clone();
        if !name.ends_with(".csv") {
            sorted_written.sort();
            sorted_expected.sort();
        }
        assert_eq!(
            sorted_written, sorted_expected,
            "the columns of {name} differ from docs/outputs.md"
        );
        checked.push(name);
    }

    let mut bytes = Vec::new();
    write_rejected_rows(
        &xuetong::bundle::ReadReport::default(),
        &mut bytes,
        Locale::En,
    )
    .expect("written");
    let header: Vec<String> = String::from_utf8(bytes)
        .expect("UTF-8")
        .trim_end()
        .split(',')
        .map(str::to_owned)
        .collect();
    assert_eq!(&header, &documented[REJECTED_ROWS_FILE]);
    assert_eq!(checked.len(), OutputFile::ALL.len());
}

#[test]
fn run_season_operation_returns_every_file() {
    let files = example_files();
    let text: serde_json::Map<String, Value> = files
        .files
        .iter()
        .map(|(name, bytes)| {
            (
                name.clone(),
                Value::String(String::from_utf8(bytes.clone()).expect("UTF-8")),
            )
        })
        .collect();
    let request = json!({
        "locale": "zh-CN",
        "input": {"files": text},
        "options": {"home_page": HOME_PAGE, "xapi": true},
    });
    let response = xuetong::api::call_value("run_season", &request).into_json();
    assert_eq!(response["ok"], true, "{response}");
    let value = &response["value"];
    assert_eq!(value["as_of"], "2026-03-23T02:30:00Z");
    assert_eq!(value["summary"]["entries_appended"], 9);
    assert_eq!(value["summary"]["credits_appended"], "13.90");
    assert_eq!(value["rule_set"]["id"], "community");
    let outputs = value["files"].as_object().expect("files");
    assert!(outputs.contains_key("xapi_statements.jsonl"));
    assert!(outputs.contains_key(REJECTED_ROWS_FILE));
    assert_eq!(
        outputs["credit_bank_deposits.jsonl"]
            .as_str()
            .expect("text")
            .lines()
            .count(),
        9
    );

    let missing = json!({"input": {"files": text}});
    let response = xuetong::api::call_value("run_season", &missing).into_json();
    assert_eq!(response["ok"], false);
    assert_eq!(response["problems"][0]["code"], "required");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["options", "home_page"])
    );

    let bad_rules = json!({
        "input": {"files": text},
        "options": {"home_page": HOME_PAGE, "rules": "no_such_rules"},
    });
    let response = xuetong::api::call_value("run_season", &bad_rules).into_json();
    assert_eq!(response["problems"][0]["code"], "unknown_rule_set");
    assert_eq!(response["problems"][0]["path"], json!(["options", "rules"]));

    // A problem of the bundle's own rules.json is in input.files, not in
    // options.
    let mut broken = text.clone();
    broken.insert("rules.json".into(), Value::String(String::new()));
    let request = json!({"input": {"files": broken}, "options": {"home_page": HOME_PAGE}});
    let response = xuetong::api::call_value("run_season", &request).into_json();
    assert_eq!(response["problems"][0]["code"], "malformed_json");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["files", "rules.json"])
    );
    broken.insert("rules.json".into(), Value::String("{}".into()));
    let request = json!({"input": {"files": broken}, "options": {"home_page": HOME_PAGE}});
    let response = xuetong::api::call_value("run_season", &request).into_json();
    assert_eq!(response["problems"][0]["code"], "required");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["files", "rules.json", "format"])
    );

    // A rule set name is trimmed as a CSV cell is.
    let spaced_rules = json!({
        "input": {"files": text},
        "options": {"home_page": HOME_PAGE, "rules": " community@2\t"},
    });
    let response = xuetong::api::call_value("run_season", &spaced_rules).into_json();
    assert_eq!(response["ok"], true, "{response}");
    assert_eq!(response["value"]["rule_set"]["id"], "community");
    assert_eq!(response["value"]["rule_set"]["version"], 2);

    // The statistics kinds and the period days are read as CSV cells are.
    let spaced_statistics = json!({
        "input": {"files": text},
        "options": {
            "home_page": HOME_PAGE,
            "statistics": [" platform\t", ""],
            "period": {"first_day": " 2026-03-01", "last_day": "2026-03-31 "},
        },
    });
    let response = xuetong::api::call_value("run_season", &spaced_statistics).into_json();
    assert_eq!(response["ok"], true, "{response}");
    let statistics = response["value"]["files"]["statistics.csv"]
        .as_str()
        .expect("statistics.csv is text");
    assert_eq!(statistics.lines().count(), 2, "{statistics}");
    assert!(statistics.contains("2026-03-01"), "{statistics}");
    let loose_period = json!({
        "input": {"files": text},
        "options": {
            "home_page": HOME_PAGE,
            "period": {"first_day": "2026-3-1", "last_day": "2026-03-31"},
        },
    });
    let response = xuetong::api::call_value("run_season", &loose_period).into_json();
    assert_eq!(response["problems"][0]["code"], "invalid_date");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["options", "period", "first_day"])
    );

    // Empty options are left out, as empty record fields are: the season
    // runs with its defaults, and a required option is reported missing.
    let empty_options = json!({
        "input": {"files": text},
        "options": {
            "home_page": HOME_PAGE,
            "rules": " ",
            "as_of": "",
            "time_zone": "\t",
            "token_key": "",
            "outcome_grouping": " ",
            "xapi": "",
        },
    });
    let response = xuetong::api::call_value("run_season", &empty_options).into_json();
    assert_eq!(response["ok"], true, "{response}");
    assert_eq!(response["value"]["as_of"], "2026-03-23T02:30:00Z");
    assert_eq!(response["value"]["rule_set"]["id"], "community");
    let outputs = response["value"]["files"].as_object().expect("files");
    assert!(!outputs.contains_key("xapi_statements.jsonl"));
    let blank_home_page = json!({
        "input": {"files": text},
        "options": {"home_page": "  "},
    });
    let response = xuetong::api::call_value("run_season", &blank_home_page).into_json();
    assert_eq!(response["problems"][0]["code"], "required");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["options", "home_page"])
    );
}

// The statistics and the learning index of a season, on the bundle of
// `tests/fixtures/stats-bundle`, evaluated on 25 March 2026 at 00:00 in
// Shanghai. `docs/statistics.md` works out its figures over March by hand;
// the season's own period adds what lies between 10 February and 25 March.

fn stats_fixture() -> Bundle {
    let folder = repo_root()
        .join("tests")
        .join("fixtures")
        .join("stats-bundle");
    let mut files = MemoryBundle::new();
    for entry in std::fs::read_dir(folder).expect("the fixture is readable") {
        let entry = entry.expect("the fixture lists its files");
        let name = entry.file_name().to_string_lossy().into_owned();
        files.insert(
            name,
            std::fs::read(entry.path()).expect("a file is readable"),
        );
    }
    read(&files)
}

/// Returns the default options with the evaluation time `as_of`, an RFC
/// 3339 instant.
fn fixture_options(as_of: &str) -> SeasonOptions {
    let as_of = chrono::DateTime::parse_from_rfc3339(as_of)
        .expect("an instant")
        .with_timezone(&Utc);
    SeasonOptions::new(as_of, HOME_PAGE)
}

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().expect("a date")
}

/// Finds the row of `statistics.csv` of the scope named `name`.
fn scope_row(
    table: &[BTreeMap<String, String>],
    scope: &str,
    name: &str,
) -> BTreeMap<String, String> {
    table
        .iter()
        .find(|row| row["scope"] == scope && row["scope_name"] == name)
        .unwrap_or_else(|| panic!("statistics.csv has no {scope} {name}"))
        .clone()
}

fn assert_cells(row: &BTreeMap<String, String>, expected: &[(&str, &str)]) {
    for (column, value) in expected {
        assert_eq!(
            row[*column], *value,
            "{column} of {} {}",
            row["scope"], row["scope_name"]
        );
    }
}

#[test]
fn statistics_over_march_match_hand_figures() {
    let bundle = stats_fixture();
    let mut options = fixture_options("2026-03-25T00:00:00+08:00");
    options.period = Some(xuetong::stats::Period {
        first_day: day("2026-03-01"),
        last_day: day("2026-03-31"),
    });
    options.statistics = ScopeKind::ALL.iter().copied().collect();
    let season = run_season(&bundle, options).expect("the season runs");
    let table = rows(&output(&season, OutputFile::Statistics, Locale::En));

    let east = scope_row(&table, "district", "East District College");
    assert_cells(
        &east,
        &[
            ("scope_id", "10000000-0000-4000-8000-000000000001"),
            ("first_day", "2026-03-01"),
            ("last_day", "2026-03-31"),
            ("registered_learners", "7"),
            ("registered_aged_60_or_more", "3"),
            ("registered_under_60", "2"),
            ("registered_age_undetermined", "1"),
            ("registered_birth_date_missing", "1"),
            ("active_learners", "6"),
            ("enrolments", "4"),
            ("activities_held", "5"),
            ("activities_cancelled", "1"),
            ("activities_not_ended", "1"),
            ("check_ins", "10"),
            ("instructors_who_taught", "3"),
            ("credited_minutes", "685"),
            ("credited_hours", "11.41"),
            ("learning_outcomes", "12"),
            ("clubs", "2"),
            ("seats", "210"),
            ("population", "10000"),
            ("older_population", "2000"),
            ("participation_rate", "0.06%"),
            ("older_participation_rate", "0.10%"),
            ("seats_per_older_resident", "0.1050"),
            ("communities", "3"),
            ("communities_covered", "1"),
            ("communities_not_covered", "1"),
            ("communities_undetermined", "1"),
            ("learning_circle_share", "33.33%"),
        ],
    );
    let north = scope_row(&table, "street", "North Street School");
    assert_cells(
        &north,
        &[
            ("registered_learners", "5"),
            ("check_ins", "7"),
            ("credited_minutes", "475"),
        ],
    );
    let south = scope_row(&table, "street", "South Street School");
    assert_cells(
        &south,
        &[
            ("registered_learners", "2"),
            ("check_ins", "3"),
            ("credited_minutes", "210"),
        ],
    );

    // One row per scope: the platform, 2 districts, 2 streets, 8 venues, 5
    // categories (tai_chi and qigong under health, smartphone_skills under
    // digital), 3 courses and 4 clubs.
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for row in &table {
        *kinds.entry(row["scope"].as_str()).or_default() += 1;
    }
    let expected: BTreeMap<&str, usize> = [
        ("platform", 1),
        ("district", 2),
        ("street", 2),
        ("venue", 8),
        ("category", 5),
        ("course", 3),
        ("club", 4),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds, expected);
    assert_eq!(season.summary.statistics_scopes, 25);
}

#[test]
fn season_period_starts_at_first_record() {
    let bundle = stats_fixture();
    let season =
        run_season(&bundle, fixture_options("2026-03-25T00:00:00+08:00")).expect("the season runs");
    // Learner 4's volunteer service on 10 February is the earliest record;
    // the recording date is 25 March.
    assert_eq!(season.period.first_day, day("2026-02-10"));
    assert_eq!(season.period.last_day, day("2026-03-25"));

    let table = rows(&output(&season, OutputFile::Statistics, Locale::En));
    let east = scope_row(&table, "district", "East District College");
    // Over March plus 23 February, when learner 1 attends tai chi on time
    // (90 minutes), and 10 February, learner 4's volunteer service. On 25
    // March learner 2 (born 31 March 1966) is still 59, so the district
    // has 2 registered learners aged 60 or more and 3 under 60. The tai chi
    // meeting of 28 March lies after the period.
    assert_cells(
        &east,
        &[
            ("registered_learners", "7"),
            ("registered_aged_60_or_more", "2"),
            ("registered_under_60", "3"),
            ("active_learners", "6"),
            ("active_aged_60_or_more", "1"),
            ("activities_held", "6"),
            ("activities_not_ended", "0"),
            ("check_ins", "11"),
            ("credited_minutes", "775"),
            ("learning_outcomes", "14"),
            ("older_participation_rate", "0.05%"),
        ],
    );
    // The platform counts every credit the run appended.
    let platform = scope_row(&table, "platform", "platform");
    assert_eq!(
        credits(&platform["credits"]),
        season.summary.credits_appended
    );
    assert_eq!(
        platform["credit_entries"],
        season.summary.entries_appended.to_string()
    );
}

#[test]
fn learning_index_ranks_districts_by_hand() {
    let bundle = stats_fixture();
    let season =
        run_season(&bundle, fixture_options("2026-03-25T00:00:00+08:00")).expect("the season runs");
    // From 10 February to 25 March, East (10,000 residents) against West
    // (5,000): East is ahead on participation (6 against 1 learner, 6 and
    // 2 per 10,000), hours (775 against 60 minutes), activities (6 against
    // 1) and check-ins per enrolment (11/4 against 1/1). West is ahead on
    // older participation (1 of 1,000 against 1 of 2,000) and coverage (1
    // of 1 community against 1 of 3). Clubs (2 per 10,000 each) and
    // outcomes per learner (14/7 and 2/1) are equal, 50 each. East scores
    // (4 × 100 + 2 × 50) / 8 = 62.5 and West (2 × 100 + 2 × 50) / 8 = 37.5.
    let index = rows(&output(&season, OutputFile::LearningIndex, Locale::En));
    let ranked: Vec<(&str, &str, &str)> = index
        .iter()
        .map(|row| {
            (
                row["unit"].as_str(),
                row["rank"].as_str(),
                row["score"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        [
            ("East District College", "1", "62.500"),
            ("West District College", "2", "37.500"),
        ]
    );
    let indicators = rows(&output(
        &season,
        OutputFile::LearningIndexIndicators,
        Locale::En,
    ));
    let normalised = |unit: &str, indicator: &str| {
        indicators
            .iter()
            .find(|row| row["unit"].starts_with(unit) && row["indicator"] == indicator)
            .map(|row| row["normalised"].clone())
            .unwrap_or_else(|| panic!("no {indicator} for {unit}"))
    };
    assert_eq!(normalised("East", "participation"), "100.000");
    assert_eq!(normalised("West", "participation"), "0.000");
    assert_eq!(normalised("East", "older_participation"), "0.000");
    assert_eq!(normalised("West", "older_participation"), "100.000");
    assert_eq!(normalised("East", "clubs_per_10000_residents"), "50.000");
    assert_eq!(normalised("West", "outcomes_per_learner"), "50.000");
    assert_eq!(normalised("West", "learning_circle_coverage"), "100.000");
    assert_eq!(indicators.len(), 16);
    assert_eq!(season.summary.index_units, 2);
}

#[test]
fn statistics_can_be_narrowed_to_some_kinds() {
    let bundle = stats_fixture();
    let mut options = fixture_options("2026-03-25T00:00:00+08:00");
    options.statistics = [ScopeKind::Street].into_iter().collect();
    let season = run_season(&bundle, options).expect("the season runs");
    let table = rows(&output(&season, OutputFile::Statistics, Locale::En));
    let names: Vec<&str> = table.iter().map(|row| row["scope_name"].as_str()).collect();
    assert_eq!(names, ["North Street School", "South Street School"]);
    // The index does not depend on the kinds written.
    assert_eq!(season.summary.index_units, 2);

    // By default: the platform, then the districts and streets by name.
    let season =
        run_season(&bundle, fixture_options("2026-03-25T00:00:00+08:00")).expect("the season runs");
    let table = rows(&output(&season, OutputFile::Statistics, Locale::En));
    let scopes: Vec<(&str, &str)> = table
        .iter()
        .map(|row| (row["scope"].as_str(), row["scope_name"].as_str()))
        .collect();
    assert_eq!(
        scopes,
        [
            ("platform", "platform"),
            ("district", "East District College"),
            ("district", "West District College"),
            ("street", "North Street School"),
            ("street", "South Street School"),
        ]
    );

    // Without kinds or districts, nothing is counted.
    let mut options = fixture_options("2026-03-25T00:00:00+08:00");
    options.statistics = BTreeSet::new();
    let season = run_season(&bundle, options).expect("the season runs");
    assert!(season.statistics.is_empty());
    assert_eq!(season.summary.index_units, 2);
}

#[test]
fn reversed_period_is_a_problem_of_the_option() {
    let bundle = stats_fixture();
    let mut options = fixture_options("2026-03-25T00:00:00+08:00");
    options.period = Some(xuetong::stats::Period {
        first_day: day("2026-03-31"),
        last_day: day("2026-03-01"),
    });
    let problems = run_season(&bundle, options).expect_err("the period is reversed");
    assert!(
        problems
            .iter()
            .any(|problem| problem.code.as_str() == "ends_before_start"
                && problem.path.to_string() == "period.last_day"),
        "{problems:?}"
    );
}

#[test]
fn bundle_without_districts_has_no_index() {
    let mut files = MemoryBundle::new();
    files.insert(
        "venues.csv",
        "id,name,tier,time_zone\n\
         10000000-0000-4000-8000-000000000004,Willow Community,community,Asia/Shanghai\n",
    );
    files.insert("courses.csv", "id,title,category,provider_venue_id\n");
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n",
    );
    let bundle = read(&files);
    let season =
        run_season(&bundle, fixture_options("2026-03-25T00:00:00+08:00")).expect("the season runs");
    assert!(season.index.is_none());
    assert_eq!(season.summary.index_units, 0);
    assert!(!season.output_files().contains(&OutputFile::LearningIndex));
    assert!(season.output_files().contains(&OutputFile::Statistics));
}

#[test]
fn club_check_ins_agree_with_the_statistics_module() {
    let mut bundle = stats_fixture();
    // The choir's award of 21 March would lie after the recording date of
    // the first run.
    bundle
        .outcomes
        .retain(|outcome| outcome.occurred_on <= day("2026-03-20"));
    // The Willow Choir practises on 20 March from 19:00 to 20:30. At 19:45
    // its records are provisional and count as no check-ins; by 25 March
    // learners 1, 2 and 4 have checked in.
    for (as_of, willow_check_ins) in [
        ("2026-03-20T19:45:00+08:00", 0),
        ("2026-03-25T00:00:00+08:00", 3),
    ] {
        let season = run_season(&bundle, fixture_options(as_of)).expect("the season runs");
        for club in &season.clubs {
            let input = xuetong::stats::club_evaluation_input(
                &bundle,
                &season.attendance,
                club.club_id,
                club.year,
            )
            .expect("the club is in the bundle");
            let expected = xuetong::club::evaluate(&input, &xuetong::club::Scorecard::default());
            match (&club.result, &expected) {
                (Ok(found), Ok(expected)) => {
                    assert_eq!(found.counts, expected.counts, "{as_of}");
                    assert_eq!(found.score, expected.score, "{as_of}");
                }
                (found, expected) => assert_eq!(found.is_ok(), expected.is_ok(), "{as_of}"),
            }
        }
        let willow = season
            .clubs
            .iter()
            .find(|club| club.club_id.to_string() == "c0000000-0000-4000-8000-000000000001")
            .expect("the choir is evaluated");
        let counts = &willow.result.as_ref().expect("the choir evaluates").counts;
        assert_eq!(counts.check_ins, willow_check_ins, "{as_of}");
    }
}

#[test]
fn club_recorded_activities_agree_with_statistics() {
    let mut bundle = stats_fixture();
    bundle
        .outcomes
        .retain(|outcome| outcome.occurred_on <= day("2026-03-20"));
    // An outcome that names the Willow Choir's practice of 20 March makes
    // that activity recorded; it is the choir's only session.
    let practice = "50000000-0000-4000-8000-000000000031"
        .parse()
        .expect("a session id");
    let mut record = bundle.outcomes[0].clone();
    record.id = "90000000-0000-4000-8000-000000000099"
        .parse()
        .expect("an outcome id");
    record.occurred_on = day("2026-03-20");
    record.session_id = Some(practice);
    bundle.outcomes.push(record);

    let season =
        run_season(&bundle, fixture_options("2026-03-25T00:00:00+08:00")).expect("the season runs");
    let willow = season
        .clubs
        .iter()
        .find(|club| club.club_id.to_string() == "c0000000-0000-4000-8000-000000000001")
        .expect("the choir is evaluated");
    let found = willow.result.as_ref().expect("the choir evaluates");
    assert_eq!(found.counts.recorded_activities, 1);

    let input =
        xuetong::stats::club_evaluation_input(&bundle, &season.attendance, willow.club_id, 2026)
            .expect("the club is in the bundle");
    assert_eq!(input.recorded_session_ids, vec![practice]);
    let expected = xuetong::club::evaluate(&input, &xuetong::club::Scorecard::default())
        .expect("the choir evaluates");
    assert_eq!(expected.counts, found.counts);
    assert_eq!(expected.score, found.score);
}

#[test]
fn run_season_operation_takes_statistics_options() {
    let folder = repo_root()
        .join("tests")
        .join("fixtures")
        .join("stats-bundle");
    let mut files = serde_json::Map::new();
    for entry in std::fs::read_dir(folder).expect("the fixture is readable") {
        let entry = entry.expect("the fixture lists its files");
        let text = std::fs::read_to_string(entry.path()).expect("a file is UTF-8");
        files.insert(
            entry.file_name().to_string_lossy().into_owned(),
            Value::String(text),
        );
    }
    let request = |options: Value| json!({"input": {"files": files.clone()}, "options": options});

    let response = xuetong::api::call_value(
        "run_season",
        &request(json!({
            "home_page": HOME_PAGE,
            "as_of": "2026-03-25T00:00:00+08:00",
            "statistics": ["course"],
            "period": {"first_day": "2026-03-01", "last_day": "2026-03-31"},
        })),
    )
    .into_json();
    assert_eq!(response["ok"], true, "{response}");
    let table = rows(
        response["value"]["files"]["statistics.csv"]
            .as_str()
            .expect("statistics.csv"),
    );
    // The three courses, by title: qigong, smartphone skills, tai chi.
    let names: Vec<&str> = table.iter().map(|row| row["scope_name"].as_str()).collect();
    assert_eq!(names, ["Qigong", "Smartphone skills", "Tai chi"]);
    assert!(table.iter().all(|row| row["first_day"] == "2026-03-01"));

    let response = xuetong::api::call_value(
        "run_season",
        &request(json!({
            "home_page": HOME_PAGE,
            "as_of": "2026-03-25T00:00:00+08:00",
            "period": {"first_day": "2026-03-31", "last_day": "2026-03-01"},
        })),
    )
    .into_json();
    assert_eq!(response["ok"], false, "{response}");
    assert_eq!(response["problems"][0]["code"], "ends_before_start");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["options", "period", "last_day"])
    );

    let response = xuetong::api::call_value(
        "run_season",
        &request(json!({"home_page": HOME_PAGE, "statistics": ["town"]})),
    )
    .into_json();
    assert_eq!(response["ok"], false, "{response}");
    assert_eq!(response["problems"][0]["path"][1], "statistics");
}

#[test]
fn late_outcome_is_skipped() {
    // The choir's award is dated 21 March, so a run recorded on 20 March
    // cannot credit it yet. The run lists it as skipped instead of failing.
    let bundle = stats_fixture();
    let season = run_season(&bundle, fixture_options("2026-03-20T19:45:00+08:00"))
        .expect("an outcome dated after the recording date does not stop the run");
    let award = "90000000-0000-4000-8000-000000000002";
    let skipped: Vec<_> = season
        .skipped
        .iter()
        .filter(|skipped| skipped.outcome_ids.iter().any(|id| id.to_string() == award))
        .collect();
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].reason.as_str(), "after_recording_date");
    let csv = output(&season, OutputFile::CreditsSkipped, Locale::En);
    assert!(
        csv.contains(award) && csv.contains("after_recording_date"),
        "{csv}"
    );
}
