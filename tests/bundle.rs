//! Reading and writing season bundles: the example bundle, a bundle with
//! deliberately broken files, and the byte-for-byte round trip of names.

use std::io;

use serde_json::{Value, json};
use xuetong::bundle::{
    Bundle, BundleSink, BundleSource, Encoding, MemoryBundle, ReadReport, read_bundle, write_bundle,
};
use xuetong::problem::Problem;
use xuetong_tests::{load_folder, repo_root};

fn read(files: &MemoryBundle) -> (Bundle, ReadReport) {
    read_bundle(files).expect("a memory bundle always reads")
}

/// The (code, path) of every problem, with the path as JSON.
fn code_paths(problems: &[Problem]) -> Vec<(String, Value)> {
    let mut found: Vec<(String, Value)> = problems
        .iter()
        .map(|problem| {
            (
                problem.code.to_string(),
                serde_json::to_value(&problem.path).unwrap(),
            )
        })
        .collect();
    found.sort_by_key(|a| (a.0.clone(), a.1.to_string()));
    found
}

fn example() -> MemoryBundle {
    load_folder(&repo_root().join("examples").join("bundle"))
}

#[test]
fn example_bundle_reads_clean() {
    let (bundle, report) = read(&example());
    assert!(
        report.is_clean(),
        "unexpected problems: {:#?}",
        report.problems
    );
    assert!(
        report.notices.is_empty(),
        "unexpected notices: {:#?}",
        report.notices
    );
    assert_eq!(bundle.venues.len(), 5);
    assert_eq!(bundle.learners.len(), 6);
    assert_eq!(bundle.instructors.len(), 2);
    assert_eq!(bundle.clubs.len(), 1);
    assert_eq!(bundle.club_members.len(), 5);
    assert_eq!(bundle.courses.len(), 3);
    assert_eq!(bundle.sessions.len(), 8);
    assert_eq!(bundle.enrolments.len(), 7);
    assert_eq!(bundle.excusals.len(), 1);
    assert_eq!(bundle.outcomes.len(), 3);
    assert_eq!(bundle.scans.len(), 17);
    assert_eq!(report.rows_read(), 58);
    assert_eq!(report.rows_accepted(), 58);
}

#[test]
fn example_session_across_midnight() {
    let (bundle, _) = read(&example());
    let club_session = bundle
        .sessions
        .iter()
        .find(|timed| timed.session.club_id().is_some())
        .expect("the example has a club session");
    // 22:00 to 01:00 in Shanghai (UTC+8) on 7 March 2026.
    assert_eq!(
        club_session.times.starts_at.to_rfc3339(),
        "2026-03-07T14:00:00+00:00"
    );
    assert_eq!(
        club_session.times.ends_at.to_rfc3339(),
        "2026-03-07T17:00:00+00:00"
    );
    assert_eq!(club_session.times.minutes(), 180);
}

#[test]
fn broken_bundle_reports_every_problem() {
    let files = load_folder(
        &repo_root()
            .join("tests")
            .join("fixtures")
            .join("broken-bundle"),
    );
    let (bundle, report) = read(&files);

    let expected = vec![
        (
            "duplicate_key".to_owned(),
            json!(["enrolments.csv", 3, "id"]),
        ),
        (
            "invalid_date".to_owned(),
            json!(["sessions.csv", 3, "date"]),
        ),
        (
            "invalid_date".to_owned(),
            json!(["sessions.csv", 4, "date"]),
        ),
        (
            "invalid_integer".to_owned(),
            json!(["courses.csv", 3, "capacity"]),
        ),
        (
            "missing_column".to_owned(),
            json!(["instructors.csv", 1, "display_name"]),
        ),
        (
            "personal_data_field".to_owned(),
            json!(["scans.csv", 1, "phone"]),
        ),
        ("wrong_field_count".to_owned(), json!(["sessions.csv", 5])),
    ];
    assert_eq!(code_paths(&report.problems), expected);
    assert_eq!(
        code_paths(&report.notices),
        vec![("gb18030_detected".to_owned(), json!(["learners.csv"]))]
    );

    let counts = |file: &str| {
        let found = report
            .file(file)
            .unwrap_or_else(|| panic!("{file} has a report"));
        (
            found.rows_read,
            found.rows_accepted,
            found.rows_rejected,
            found.rejected_file,
        )
    };
    assert_eq!(counts("venues.csv"), (2, 2, 0, false));
    assert_eq!(counts("learners.csv"), (3, 3, 0, false));
    assert_eq!(counts("instructors.csv"), (2, 0, 2, true));
    assert_eq!(counts("courses.csv"), (2, 1, 1, false));
    assert_eq!(counts("sessions.csv"), (5, 2, 3, false));
    assert_eq!(counts("enrolments.csv"), (3, 2, 1, false));
    assert_eq!(counts("scans.csv"), (1, 0, 1, true));
    assert_eq!(report.rows_read(), 18);
    assert_eq!(
        report.rows_accepted() + report.rows_rejected(),
        report.rows_read()
    );

    assert_eq!(
        report.file("venues.csv").unwrap().encoding,
        Some(Encoding::Utf8Bom)
    );
    assert_eq!(
        report.file("learners.csv").unwrap().encoding,
        Some(Encoding::Gb18030)
    );
    assert_eq!(
        report.file("courses.csv").unwrap().encoding,
        Some(Encoding::Utf8)
    );

    let names: Vec<&str> = bundle
        .learners
        .iter()
        .map(|learner| learner.display_name.as_str())
        .collect();
    assert_eq!(names, ["王秀英", "李建国", "欧阳·娜娜"]);
    assert_eq!(bundle.venues[0].name, "钱塘区社区学院");
    assert_eq!(
        bundle.venues[1].name,
        "Xiasha Street Adult School, Branch 2"
    );
}

#[test]
fn broken_bundle_problems_name_file_line_and_value() {
    let files = load_folder(
        &repo_root()
            .join("tests")
            .join("fixtures")
            .join("broken-bundle"),
    );
    let (_, report) = read(&files);
    let bad_date = report
        .problems
        .iter()
        .find(|problem| problem.code.as_str() == "invalid_date")
        .expect("a bad date is reported");
    assert_eq!(bad_date.params["file"], "sessions.csv");
    assert_eq!(bad_date.params["line"], 3);
    assert_eq!(bad_date.params["field"], "date");
    assert_eq!(bad_date.params["value"], "2026-02-30");
    let duplicate = report
        .problems
        .iter()
        .find(|problem| problem.code.as_str() == "duplicate_key")
        .expect("a duplicate id is reported");
    assert_eq!(duplicate.params["first_line"], 2);
}

#[test]
fn learners_file_written_only_when_listed() {
    // A bundle built in code without learners accepts any learner id, and
    // so must its files, because a header-only learners.csv lists none.
    let open = Bundle::default();
    let mut files = MemoryBundle::new();
    write_bundle(&open, &mut files).unwrap();
    assert!(!files.files.contains_key("learners.csv"));
    let (again, _) = read(&files);
    assert!(!again.learners_listed);
    assert!(!again.restricts_learners());
    assert_eq!(again, open);

    let listed = Bundle {
        learners_listed: true,
        ..Bundle::default()
    };
    let mut files = MemoryBundle::new();
    write_bundle(&listed, &mut files).unwrap();
    let header = String::from_utf8(files.files["learners.csv"].clone()).unwrap();
    assert_eq!(header.lines().count(), 1, "{header}");
    let (again, _) = read(&files);
    assert!(again.learners_listed);
    assert!(again.restricts_learners());
    assert_eq!(again, listed);
}

#[test]
fn bundle_with_learners_equal_whatever_the_flag() {
    // A bundle with learners restricts learner ids with the flag set or
    // not. Reading its learners.csv back sets the flag.
    let (mut built, _) = read(&example());
    assert!(!built.learners.is_empty());
    built.learners_listed = false;
    let mut files = MemoryBundle::new();
    write_bundle(&built, &mut files).unwrap();
    let (again, report) = read(&files);
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert!(again.learners_listed);
    assert_eq!(again, built);
    assert_eq!(built, again);

    // Other fields still count.
    let mut fewer = again.clone();
    fewer.learners.pop();
    assert_ne!(fewer, built);
    let mut other_rules = again.clone();
    other_rules.rules = Some("{}".to_owned());
    assert_ne!(other_rules, built);

    // Without learners the flag decides which ids are known, so it counts.
    let open = Bundle::default();
    let closed = Bundle {
        learners_listed: true,
        ..Bundle::default()
    };
    assert_ne!(open, closed);
}

#[test]
fn open_bundle_removes_earlier_learners_file() {
    // Writing over the files of a bundle with learners must not leave its
    // learners.csv behind, or reading them back would restrict the learner
    // ids again.
    let (listed, _) = read(&example());
    assert!(!listed.learners.is_empty());
    let mut files = MemoryBundle::new();
    write_bundle(&listed, &mut files).unwrap();
    assert!(files.files.contains_key("learners.csv"));

    let open = Bundle::default();
    write_bundle(&open, &mut files).unwrap();
    assert!(!files.files.contains_key("learners.csv"));
    let (again, _) = read(&files);
    assert!(again.learners.is_empty());
    assert!(!again.restricts_learners());
}

#[test]
fn bundle_without_rules_removes_rules_file() {
    // Writing over the files of a bundle with rules must not leave its
    // rules.json behind, or reading them back would find those rules.
    let with_rules = Bundle {
        rules: Some("{\"rules\": []}".to_owned()),
        ..Bundle::default()
    };
    let mut files = MemoryBundle::new();
    write_bundle(&with_rules, &mut files).unwrap();
    assert!(files.files.contains_key("rules.json"));
    let (again, _) = read(&files);
    assert_eq!(again.rules, with_rules.rules);

    let without_rules = Bundle::default();
    write_bundle(&without_rules, &mut files).unwrap();
    assert!(!files.files.contains_key("rules.json"));
    let (again, _) = read(&files);
    assert_eq!(again.rules, None);
}

/// A bundle store whose files can be listed but neither read nor
/// created, as on a full disk or a folder without permissions.
struct FailingStore;

impl BundleSource for FailingStore {
    fn file_names(&self) -> io::Result<Vec<String>> {
        Ok(vec!["venues.csv".to_owned()])
    }

    fn open(&self, _name: &str) -> io::Result<Option<Box<dyn io::Read + '_>>> {
        Err(io::Error::other("permission denied"))
    }
}

impl BundleSink for FailingStore {
    fn create(&mut self, _name: &str) -> io::Result<Box<dyn io::Write + '_>> {
        Err(io::Error::other("no space left on device"))
    }

    fn remove(&mut self, _name: &str) -> io::Result<()> {
        Err(io::Error::other("permission denied"))
    }
}

#[test]
fn io_errors_advise_by_action() {
    let read_error = read_bundle(&FailingStore).unwrap_err().to_string();
    assert!(
        read_error.starts_with("failed to read venues.csv"),
        "{read_error}"
    );
    assert!(
        read_error.ends_with("check that it exists and is readable"),
        "{read_error}"
    );

    let write_error = write_bundle(&Bundle::default(), &mut FailingStore)
        .unwrap_err()
        .to_string();
    assert!(
        write_error.starts_with("failed to write categories.csv"),
        "{write_error}"
    );
    assert!(
        write_error.contains("folder exists and is writable"),
        "{write_error}"
    );
    assert!(write_error.contains("the disk has room"), "{write_error}");
    assert!(!write_error.contains("readable"), "{write_error}");
}

#[test]
fn names_survive_write_and_read_byte_for_byte() {
    let (bundle, _) = read(&example());
    let mut first = MemoryBundle::new();
    write_bundle(&bundle, &mut first).unwrap();
    let (again, report) = read(&first);
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(again, bundle);
    let mut second = MemoryBundle::new();
    write_bundle(&again, &mut second).unwrap();
    assert_eq!(
        first, second,
        "writing the same bundle twice gives different bytes"
    );

    let names: Vec<&str> = again
        .learners
        .iter()
        .map(|learner| learner.display_name.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "王秀英",
            "Seán O'Brien-Ní Dhuibhir",
            "Zoë Lefèvre",
            "李 建国",
            "María-José Peña",
            "陈晓燕"
        ]
    );
    let written = String::from_utf8(first.files["learners.csv"].clone()).unwrap();
    assert!(written.contains(",Seán O'Brien-Ní Dhuibhir,"));
    assert!(
        !written.starts_with('\u{feff}'),
        "output has no byte-order mark"
    );
}

fn minimal() -> MemoryBundle {
    let mut files = MemoryBundle::new();
    files.insert(
        "venues.csv",
        "id,name,tier,parent_id,time_zone\n\
         10000000-0000-4000-8000-000000000001,District,district,,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000002,Street,street,10000000-0000-4000-8000-000000000001,Asia/Shanghai\n",
    );
    files.insert("courses.csv", "id,title,category,provider_venue_id\n");
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n",
    );
    files
}

fn codes(report: &ReadReport) -> Vec<String> {
    code_paths(&report.problems)
        .into_iter()
        .map(|(code, _)| code)
        .collect()
}

#[test]
fn missing_and_unknown_files() {
    let mut files = minimal();
    files.files.remove("sessions.csv");
    files.insert("scan.csv", "id\n");
    files.insert("excusals.CSV", "id\n");
    files.insert("Rules.JSON", "{}");
    files.insert("notes.txt", "ignored: not a data file");
    let (_, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            ("missing_file".to_owned(), json!(["sessions.csv"])),
            ("unknown_file".to_owned(), json!(["Rules.JSON"])),
            ("unknown_file".to_owned(), json!(["excusals.CSV"])),
            ("unknown_file".to_owned(), json!(["scan.csv"])),
        ]
    );
}

#[test]
fn bundle_file_in_another_format() {
    // Saved from a spreadsheet as a workbook, the scans were left out and
    // the bundle read as clean.
    let mut files = minimal();
    files.insert("Scans.xlsx", "PK");
    files.insert("outcomes", "id\n");
    files.insert("rules.yaml", "rules: []");
    // Beside the file it stands for, another format is only a copy.
    files.insert("venues.xlsx", "PK");
    files.insert("README.md", "ignored: not named like a bundle file");
    let (_, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            ("unknown_file".to_owned(), json!(["Scans.xlsx"])),
            ("unknown_file".to_owned(), json!(["outcomes"])),
            ("unknown_file".to_owned(), json!(["rules.yaml"])),
        ]
    );
}

#[test]
fn header_problems_reject_the_file() {
    let mut files = minimal();
    files.insert("learners.csv", "id,display_name,Display_Name,nickname\n");
    files.insert("excusals.csv", "");
    let (_, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            (
                "duplicate_column".to_owned(),
                json!(["learners.csv", 1, "display_name"])
            ),
            ("empty_file".to_owned(), json!(["excusals.csv"])),
            (
                "unknown_column".to_owned(),
                json!(["learners.csv", 1, "nickname"])
            ),
        ]
    );
}

#[test]
fn other_separator_gets_a_hint() {
    for (separator, shown) in [(";", ";"), ("\t", "\\t")] {
        let mut files = minimal();
        let header = ["id", "display_name", "birth_date"].join(separator);
        files.insert("learners.csv", format!("{header}\n"));
        let (_, report) = read(&files);
        let hint = report
            .problems
            .iter()
            .find(|problem| problem.code.as_str() == "wrong_separator")
            .unwrap_or_else(|| panic!("no wrong_separator for {shown}"));
        assert_eq!(hint.path.to_string(), "learners.csv[1]");
        assert_eq!(hint.params["separator"], json!(shown));
        assert!(hint.message.contains("comma-separated"), "{}", hint.message);
        // The column problems stay, so that the file is still rejected.
        let codes: Vec<&str> = report.problems.iter().map(|p| p.code.as_str()).collect();
        assert!(codes.contains(&"missing_column"), "{codes:?}");
        assert!(codes.contains(&"unknown_column"), "{codes:?}");
    }
}

#[test]
fn separator_in_known_header_is_not_hinted() {
    let mut files = minimal();
    // Every required column is there; the odd column is only unknown.
    files.insert("learners.csv", "id,display_name,\"a;b\"\n");
    let (_, report) = read(&files);
    let codes: Vec<&str> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["unknown_column"]);
}

#[test]
fn unreadable_encodings() {
    let mut files = minimal();
    // "Zoë" in Latin-1: neither UTF-8 nor GB18030.
    files.insert(
        "learners.csv",
        b"id,display_name\n20000000-0000-4000-8000-000000000001,Zo\xeb\n".to_vec(),
    );
    // UTF-16 little endian with its byte-order mark.
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "id,display_name\n".encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    files.insert("instructors.csv", utf16);
    let (_, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            ("invalid_encoding".to_owned(), json!(["learners.csv"])),
            (
                "unsupported_encoding".to_owned(),
                json!(["instructors.csv"])
            ),
        ]
    );
    assert_eq!(
        report
            .problems
            .iter()
            .find(|p| p.code.as_str() == "invalid_encoding")
            .unwrap()
            .params["offset"],
        55
    );
}

#[test]
fn references_and_tiers_are_checked() {
    let mut files = minimal();
    files.insert(
        "venues.csv",
        "id,name,tier,parent_id,time_zone\n\
         10000000-0000-4000-8000-000000000001,District,district,,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000002,Street,street,10000000-0000-4000-8000-000000000001,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000003,Upside down,district,10000000-0000-4000-8000-000000000002,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000004,Orphan,community,10000000-0000-4000-8000-000000000099,Asia/Shanghai\n",
    );
    files.insert(
        "courses.csv",
        "id,title,category,provider_venue_id\n\
         40000000-0000-4000-8000-000000000001,Pottery,pottery,10000000-0000-4000-8000-000000000002\n\
         40000000-0000-4000-8000-000000000002,Tai chi,tai_chi,10000000-0000-4000-8000-000000000003\n",
    );
    let (bundle, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            (
                "invalid_parent_tier".to_owned(),
                json!(["venues.csv", 4, "parent_id"])
            ),
            (
                "unknown_category".to_owned(),
                json!(["courses.csv", 2, "category"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["courses.csv", 3, "provider_venue_id"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["venues.csv", 5, "parent_id"])
            ),
        ]
    );
    assert_eq!(bundle.venues.len(), 2);
    assert!(bundle.courses.is_empty());
    assert_eq!(report.file("venues.csv").unwrap().rows_rejected, 2);
}

#[test]
fn children_of_rejected_parents_are_rejected() {
    let mut files = minimal();
    files.insert(
        "venues.csv",
        "id,name,tier,parent_id,time_zone\n\
         10000000-0000-4000-8000-000000000001,District,district,,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000002,Street,street,10000000-0000-4000-8000-000000000099,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000003,Community,community,10000000-0000-4000-8000-000000000002,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000004,Hall,cultural_hall,10000000-0000-4000-8000-000000000003,Asia/Shanghai\n",
    );
    files.insert(
        "categories.csv",
        "key,name_en,name_zh,parent\n\
         kiln,Kiln work,窑艺,pottery\n\
         pottery,Pottery,陶艺,crafts_we_lack\n",
    );
    let (bundle, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            (
                "unknown_category".to_owned(),
                json!(["categories.csv", 2, "parent"])
            ),
            (
                "unknown_category".to_owned(),
                json!(["categories.csv", 3, "parent"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["venues.csv", 3, "parent_id"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["venues.csv", 4, "parent_id"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["venues.csv", 5, "parent_id"])
            ),
        ]
    );
    assert_eq!(bundle.venues.len(), 1);
    assert!(bundle.categories.is_empty());
    let venues = report.file("venues.csv").unwrap();
    assert_eq!(
        (venues.rows_read, venues.rows_accepted, venues.rows_rejected),
        (4, 1, 3)
    );
}

#[test]
fn categories_file_extends_the_taxonomy() {
    let mut files = minimal();
    files.insert(
        "categories.csv",
        "key,name_en,name_zh,parent\npottery,Pottery,陶艺,arts\n",
    );
    files.insert(
        "courses.csv",
        "id,title,category,provider_venue_id\n\
         40000000-0000-4000-8000-000000000001,Pottery,pottery,10000000-0000-4000-8000-000000000002\n",
    );
    let (bundle, report) = read(&files);
    assert_eq!(codes(&report), Vec::<String>::new());
    assert_eq!(bundle.courses.len(), 1);
}

#[test]
fn session_in_clock_gap_is_rejected_with_its_line() {
    let mut files = minimal();
    files.insert(
        "venues.csv",
        "id,name,tier,time_zone\n10000000-0000-4000-8000-000000000001,Berlin,district,Europe/Berlin\n",
    );
    files.insert(
        "courses.csv",
        "id,title,category,provider_venue_id\n\
         40000000-0000-4000-8000-000000000001,Dance,dance,10000000-0000-4000-8000-000000000001\n",
    );
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n\
         50000000-0000-4000-8000-000000000001,40000000-0000-4000-8000-000000000001,10000000-0000-4000-8000-000000000001,2026-03-29,02:30,04:00\n\
         50000000-0000-4000-8000-000000000002,40000000-0000-4000-8000-000000000001,10000000-0000-4000-8000-000000000001,2026-03-29,09:00,09:00\n",
    );
    let (bundle, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            (
                "invalid_session_length".to_owned(),
                json!(["sessions.csv", 3, "end_time"])
            ),
            (
                "nonexistent_local_time".to_owned(),
                json!(["sessions.csv", 2, "start_time"])
            ),
        ]
    );
    assert!(bundle.sessions.is_empty());
}

#[test]
fn session_without_any_zone() {
    let json = json!({
        "id": "50000000-0000-4000-8000-000000000001",
        "course_id": "40000000-0000-4000-8000-000000000001",
        "venue_id": "10000000-0000-4000-8000-000000000001",
        "date": "2026-03-02", "start_time": "09:00", "end_time": "10:00",
    });
    let session: xuetong::model::Session = serde_json::from_value(json).unwrap();
    let problems = xuetong::schedule::session_times(&session, None).unwrap_err();
    assert_eq!(problems.0[0].code.as_str(), "time_zone_unknown");
}

/// The column names in the column table of `docs/bundle-format.md` under
/// the heading of `file`.
fn documented_columns(doc: &str, file: &str) -> Vec<String> {
    let heading = format!("### `{file}`");
    let start = doc
        .find(&heading)
        .unwrap_or_else(|| panic!("no section for {file}"));
    let section = &doc[start + heading.len()..];
    let section = &section[..section.find("\n### ").unwrap_or(section.len())];
    let table = section
        .find("| column |")
        .map_or("", |start| &section[start..]);
    table
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn bundle_format_doc_lists_every_column() {
    use xuetong::model::{
        CategoryDef, Club, ClubMember, Course, Enrolment, Excusal, Instructor, Learner, Outcome,
        Scan, Session, Venue,
    };
    use xuetong::record::{FieldSpec, Record};

    let doc = std::fs::read_to_string(repo_root().join("docs").join("bundle-format.md")).unwrap();
    let files: [(&str, &[FieldSpec]); 12] = [
        ("venues.csv", Venue::FIELDS),
        ("learners.csv", Learner::FIELDS),
        ("instructors.csv", Instructor::FIELDS),
        ("categories.csv", CategoryDef::FIELDS),
        ("clubs.csv", Club::FIELDS),
        ("club_members.csv", ClubMember::FIELDS),
        ("courses.csv", Course::FIELDS),
        ("sessions.csv", Session::FIELDS),
        ("enrolments.csv", Enrolment::FIELDS),
        ("excusals.csv", Excusal::FIELDS),
        ("outcomes.csv", Outcome::FIELDS),
        ("scans.csv", Scan::FIELDS),
    ];
    for (file, fields) in files {
        let documented = documented_columns(&doc, file);
        let expected: Vec<String> = fields.iter().map(|spec| spec.name.to_owned()).collect();
        assert_eq!(
            documented, expected,
            "{file}: the documented columns differ from the record's fields, in order"
        );
    }
    for (file, _) in xuetong::bundle::CSV_FILES {
        assert!(
            doc.contains(&format!("| `{file}` |")),
            "{file} is missing from the file table"
        );
    }
}

#[test]
fn broken_rules_file_is_named_as_a_file() {
    let mut files = minimal();
    files.insert("rules.json", "{\"rules\": [");
    let (bundle, report) = read(&files);
    assert!(bundle.rules.is_none());
    assert_eq!(
        code_paths(&report.problems),
        vec![("malformed_json".to_owned(), json!(["rules.json"]))]
    );
    let message = &report.problems[0].message;
    assert!(
        message.starts_with("the text is not valid JSON: "),
        "a rules file is not a request: {message}"
    );
}

#[test]
fn rules_file_with_repeated_key_is_malformed() {
    let mut files = minimal();
    files.insert(
        "rules.json",
        "{\"format\": \"xuetong.credit-rules/1\", \"rules\": [{\"id\": \"a\", \"id\": \"b\"}]}",
    );
    let (bundle, report) = read(&files);
    assert!(bundle.rules.is_none());
    assert_eq!(
        code_paths(&report.problems),
        vec![("malformed_json".to_owned(), json!(["rules.json"]))]
    );
    let detail = &report.problems[0].params["detail"];
    assert_eq!(
        detail,
        &json!(
            "key \"id\" is given twice in one object, the second time at line 1 column 63; keep one"
        )
    );
}

#[test]
fn lines_ending_in_cr_alone_are_counted() {
    let mut files = minimal();
    // Carriage returns alone end the lines, as older Mac spreadsheets save.
    files.insert(
        "learners.csv",
        "id,display_name,birth_date\r\
         20000000-0000-4000-8000-000000000001,Ann,1957-02-28\r\
         20000000-0000-4000-8000-000000000002,Bob,1957-02-30\r",
    );
    // A quoted cell over two lines, in a file with CR LF line ends.
    files.insert(
        "instructors.csv",
        "id,display_name\r\n\
         30000000-0000-4000-8000-000000000001,\"Zhou\r\nMing\"\r\n\
         30000000-0000-4000-8000-000000000002,\r\n",
    );
    let (_, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            (
                "invalid_date".to_owned(),
                json!(["learners.csv", 3, "birth_date"])
            ),
            (
                "required".to_owned(),
                json!(["instructors.csv", 4, "display_name"])
            ),
        ]
    );
}

#[test]
fn unclosed_quote_rejects_the_row() {
    let mut files = minimal();
    files.insert(
        "learners.csv",
        "id,display_name\n\
         20000000-0000-4000-8000-000000000001,\"Ann\n\
         20000000-0000-4000-8000-000000000002,Bob\n\
         20000000-0000-4000-8000-000000000003,Cai\n",
    );
    let (bundle, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![("unclosed_quote".to_owned(), json!(["learners.csv", 2]))]
    );
    let problem = &report.problems[0];
    assert_eq!(problem.params["quote_line"], 2);
    assert_eq!(problem.params["last_line"], 4);
    assert!(bundle.learners.is_empty());
    let learners = report.file("learners.csv").unwrap();
    assert_eq!(
        (
            learners.rows_read,
            learners.rows_accepted,
            learners.rows_rejected
        ),
        (1, 0, 1)
    );
}

#[test]
fn gb18030_found_after_the_first_64_kib() {
    let mut text = String::from("id,display_name\n");
    for index in 1..=1500 {
        text.push_str(&format!(
            "20000000-0000-4000-8000-{index:012},Learner {index}\n"
        ));
    }
    text.push_str("20000000-0000-4000-8000-000000009999,李建国\n");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&text);
    assert!(
        bytes.len() > 64 * 1024,
        "the test needs the Chinese name past the sniffed bytes"
    );
    let mut files = minimal();
    files.insert("learners.csv", bytes.into_owned());
    let (bundle, report) = read(&files);
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(
        code_paths(&report.notices),
        vec![("gb18030_detected".to_owned(), json!(["learners.csv"]))]
    );
    assert_eq!(bundle.learners.len(), 1501);
    assert_eq!(bundle.learners[1500].display_name, "李建国");
    assert_eq!(
        report.file("learners.csv").unwrap().encoding,
        Some(Encoding::Gb18030)
    );
}

#[test]
fn late_bytes_that_are_no_encoding_reject_their_row() {
    let mut bytes = b"id,display_name\n".to_vec();
    for index in 1..=1500 {
        bytes.extend_from_slice(
            format!("20000000-0000-4000-8000-{index:012},Learner {index}\n").as_bytes(),
        );
    }
    let bad_row_start = bytes.len();
    // "Zoë" in Latin-1 followed by a byte that GB18030 cannot pair with it.
    bytes.extend_from_slice(b"20000000-0000-4000-8000-000000009999,Zo\xeb\n");
    let mut files = minimal();
    files.insert("learners.csv", bytes);
    let (bundle, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![(
            "invalid_encoding".to_owned(),
            json!(["learners.csv", 1502, "display_name"])
        )]
    );
    // The row starts with a 36-byte id and a comma; then "Zo".
    assert_eq!(
        report.problems[0].params["offset"],
        bad_row_start + 36 + 1 + 2
    );
    assert_eq!(bundle.learners.len(), 1500);
    let counts = report.file("learners.csv").unwrap();
    assert_eq!(
        (counts.rows_read, counts.rows_accepted, counts.rows_rejected),
        (1501, 1500, 1)
    );
}

#[test]
fn cells_that_split_a_character_are_invalid() {
    let mut bytes = b"id,display_name,birth_date\n".to_vec();
    for index in 1..=1500 {
        bytes.extend_from_slice(
            format!("20000000-0000-4000-8000-{index:012},Learner {index},\n").as_bytes(),
        );
    }
    // A comma splits the two bytes of "é" (C3 A9). Each cell is then invalid
    // UTF-8, although the two cells joined without the comma are valid.
    bytes.extend_from_slice(b"20000000-0000-4000-8000-000000009999,Zo\xc3,\xa9\n");
    let mut files = minimal();
    files.insert("learners.csv", bytes);
    let (bundle, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![
            (
                "invalid_encoding".to_owned(),
                json!(["learners.csv", 1502, "birth_date"])
            ),
            (
                "invalid_encoding".to_owned(),
                json!(["learners.csv", 1502, "display_name"])
            ),
        ]
    );
    assert_eq!(bundle.learners.len(), 1500);
}

/// Returns the `line` of the `wrong_field_count` problem of `learners.csv`
/// read from `text`.
fn wrong_field_count_line(text: &str) -> Value {
    let mut files = minimal();
    files.insert("learners.csv", text);
    let (_, report) = read(&files);
    let problem = report
        .problems
        .iter()
        .find(|problem| problem.code.as_str() == "wrong_field_count")
        .expect("the short row is reported");
    problem.params["line"].clone()
}

#[test]
fn row_after_empty_lines_keeps_its_line() {
    // Header on line 1, a row on line 2, empty lines 3 and 4, and the
    // short row on line 5, whatever the line breaks.
    for line_break in ["\n", "\r\n", "\r"] {
        let text = [
            "id,display_name",
            "20000000-0000-4000-8000-000000000001,Wang",
            "",
            "",
            "20000000-0000-4000-8000-000000000002",
            "",
        ]
        .join(line_break);
        assert_eq!(
            wrong_field_count_line(&text),
            5,
            "line break {line_break:?}"
        );
    }
}

#[test]
fn bad_byte_offset_counts_crlf_rows() {
    // The encoding is decided on the first 64 KiB, so 2,000 rows of about
    // 60 bytes come before the row with the Latin-1 "ë" (byte 0xEB).
    let mut text = b"id,display_name\r\n".to_vec();
    for number in 1..=2_000 {
        text.extend_from_slice(
            format!("20000000-0000-4000-8000-{number:012},Learner {number}\r\n").as_bytes(),
        );
    }
    text.extend_from_slice(b"20000000-0000-4000-8000-999999999999,Zo\xeb\r\n");
    let expected = text.iter().position(|&byte| byte == 0xEB).unwrap();
    let mut files = minimal();
    files.insert("learners.csv", text);
    let (_, report) = read(&files);
    let problem = report
        .problems
        .iter()
        .find(|problem| problem.code.as_str() == "invalid_encoding")
        .expect("the bad byte is reported");
    assert_eq!(problem.params["offset"], expected);
    assert_eq!(problem.params["line"], 2_002);
}

/// Returns a learners.csv text that starts with `prefix` and has 2,000
/// UTF-8 rows, so that the encoding decided on the first 64 KiB is UTF-8.
fn learners_before_bad_row(prefix: &[u8]) -> Vec<u8> {
    let mut text = prefix.to_vec();
    text.extend_from_slice(b"id,display_name\n");
    for number in 1..=2_000 {
        text.extend_from_slice(
            format!("20000000-0000-4000-8000-{number:012},Learner {number}\n").as_bytes(),
        );
    }
    text
}

/// Reads a minimal bundle with `learners` as its learners.csv, once in order
/// and once in parallel pieces, and returns both reports, named.
fn read_both_ways(learners: Vec<u8>) -> [(&'static str, ReadReport); 2] {
    let mut files = minimal();
    files.insert("learners.csv", learners);
    let sequential = read(&files).1;
    let parallel = xuetong::bundle::read_bundle_parallel(&files)
        .expect("a memory bundle always reads")
        .1;
    [("sequential", sequential), ("parallel", parallel)]
}

#[test]
fn bad_byte_offset_counts_byte_order_mark() {
    // The offset of a bad byte after the first 64 KiB is counted from the
    // start of the file, byte-order mark included, as the offset of a bad
    // byte that rejects the whole file is.
    let mut text = learners_before_bad_row(b"\xEF\xBB\xBF");
    text.extend_from_slice(b"20000000-0000-4000-8000-999999999999,Zo\xeb\n");
    let expected = text.iter().position(|&byte| byte == 0xEB).unwrap();
    for (reading, report) in read_both_ways(text) {
        let problem = report
            .problems
            .iter()
            .find(|problem| problem.code.as_str() == "invalid_encoding")
            .expect("the bad byte is reported");
        assert_eq!(problem.params["offset"], expected, "{reading}");
        assert_eq!(problem.params["line"], 2_002, "{reading}");
    }
}

#[test]
fn bad_byte_offset_in_quoted_cells() {
    // Each case is the last row of a learners.csv whose first 2,000 rows
    // make it UTF-8. Byte 0xFF is neither UTF-8 nor GB18030, and the
    // offset must point at it whatever quotes come before it on the row.
    let cases: &[(&str, &[u8])] = &[
        ("unquoted, first byte", b"\xFFoe"),
        ("unquoted, middle", b"Zo\xFFe"),
        ("quoted, first byte", b"\"\xFFoe\""),
        ("quoted, middle", b"\"Zo\xFFe\""),
        ("quoted, after doubled quotes", b"\"Say \"\"hi\"\" \xFF\""),
        ("quoted, with a comma", b"\"Lefe, Zo\xFFe\""),
    ];
    for &(case, cell) in cases {
        for id in [
            &b"20000000-0000-4000-8000-999999999999"[..],
            b"\"20000000-0000-4000-8000-999999999999\"",
        ] {
            let mut text = learners_before_bad_row(b"");
            text.extend_from_slice(id);
            text.push(b',');
            text.extend_from_slice(cell);
            text.push(b'\n');
            let expected = text.iter().position(|&byte| byte == 0xFF).unwrap();
            let quoted_id = id.starts_with(b"\"");
            for (reading, report) in read_both_ways(text) {
                let problem = report
                    .problems
                    .iter()
                    .find(|problem| problem.code.as_str() == "invalid_encoding")
                    .expect("the bad byte is reported");
                assert_eq!(
                    problem.params["offset"], expected,
                    "{case}, quoted id {quoted_id}, {reading}"
                );
                assert_eq!(problem.params["field"], "display_name", "{case}");
                assert_eq!(problem.params["line"], 2_002, "{case}");
            }
        }
    }
}

#[test]
fn names_of_line_separators_are_control_characters() {
    // `str::trim` removes U+0085 and U+2028 as whitespace, which would turn
    // these names into empty, `required` ones.
    let cases = [
        ("\u{85}", "U+0085"),
        ("\u{2028}", "U+2028"),
        ("\u{2029}", "U+2029"),
        (" \u{2028}\u{85} ", "U+2028"),
        ("Zo\u{2028}e", "U+2028"),
    ];
    for (name, codepoint) in cases {
        let mut files = minimal();
        files.insert(
            "learners.csv",
            format!("id,display_name\n20000000-0000-4000-8000-000000000001,{name}\n"),
        );
        let (bundle, report) = read(&files);
        assert!(bundle.learners.is_empty(), "{name:?}");
        assert_eq!(
            code_paths(&report.problems),
            vec![(
                "control_character".to_owned(),
                json!(["learners.csv", 2, "display_name"])
            )],
            "{name:?}"
        );
        let problem = &report.problems[0];
        assert_eq!(problem.params["codepoint"], codepoint, "{name:?}");
        assert_eq!(problem.params["value"], name.trim_matches(' '), "{name:?}");
    }
}

#[test]
fn bad_row_after_many_empty_lines() {
    // The reader keeps empty lines as runs, and the line it reports must
    // match a count made by turning every CR LF and lone CR into an LF.
    let mut text = String::from("id,display_name\n");
    for round in 0..30_000 {
        text.push_str(["\r\n", "\n", "\r", "\n\r", "\r\r\n"][round % 5]);
    }
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let expected_line = unified.matches('\n').count() + 1;
    text.push_str("not-a-uuid,Zoë\n");

    let mut files = minimal();
    files.insert("learners.csv", text);
    let (_, report) = read(&files);
    assert_eq!(
        code_paths(&report.problems),
        vec![(
            "invalid_uuid".to_owned(),
            json!(["learners.csv", expected_line, "id"])
        )]
    );
    assert_eq!(report.problems[0].params["line"], expected_line);
}

#[test]
fn names_keep_ordinary_whitespace_trimming() {
    // Spaces, tabs, no-break and ideographic spaces around a name are
    // trimmed, and a name made only of them is missing.
    let mut files = minimal();
    files.insert(
        "learners.csv",
        "id,display_name\n\
         20000000-0000-4000-8000-000000000001,\t Zoë\u{a0}\u{3000}\n\
         20000000-0000-4000-8000-000000000002, \u{3000}\t\n",
    );
    let (bundle, report) = read(&files);
    assert_eq!(bundle.learners.len(), 1);
    assert_eq!(bundle.learners[0].display_name, "Zoë");
    assert_eq!(
        code_paths(&report.problems),
        vec![(
            "required".to_owned(),
            json!(["learners.csv", 3, "display_name"])
        )]
    );
}
