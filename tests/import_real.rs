//! The importers on the real datasets kept beside the repository in
//! `../shared/data` (the Open University Learning Analytics Dataset and the
//! City of Toronto drop-in schedule), checked against figures counted from
//! the source files without the importer.
//!
//! A clone without `../shared/data` skips these tests with a message. When
//! the environment variable `CI` is set, as CI services set it, a missing
//! folder fails the tests instead, so that CI never skips them silently.
//!
//! The expected figures were counted once with Python's `csv` module over
//! the source files (`studentInfo.csv` decoded as GB18030, the others as
//! UTF-8), independently of the importer:
//!
//! - learners: distinct `id_student` in `studentInfo.csv`;
//! - completions: `studentInfo.csv` rows whose `final_result` is Pass or
//!   Distinction;
//! - rejected registrations: `studentRegistration.csv` rows with an empty
//!   `date_registration` (45), plus rows whose `date_unregistration` is
//!   empty exactly when the student's `final_result` for the run is
//!   Withdrawn (102: 93 withdrawn students without a date, 9 failed students
//!   with one); no row is in both groups;
//! - enrolments and withdrawals: the other registrations, and those of them
//!   with a `date_unregistration`;
//! - assessment results: `studentAssessment.csv` rows with a score (173 have
//!   none), of which `is_banked` is 1 for 1,908 and the score is 40 or more
//!   for 166,161;
//! - the spreadsheet defect: `imd_band` is "10月20日" on 3,516 rows of
//!   `studentInfo.csv`;
//! - Toronto: every row of `drop-in.csv` is one session; distinct
//!   `Location ID` and `Course_ID`; rows with `Age Min` of 60 or more; rows
//!   whose end hour and minute are earlier than the start's.

use std::path::PathBuf;
use std::sync::OnceLock;

use xuetong::bundle::{MemoryBundle, read_bundle, write_bundle};
use xuetong::import::{Format, Import, import};
use xuetong::model::{Audience, EnrolmentStatus, OutcomeKind, VenueTier};
use xuetong_tests::{load_folder, repo_root};

/// Finds the folder of dataset `name` under `../shared/data`, or returns
/// `None` with a printed message when it is absent outside CI.
fn dataset(name: &str) -> Option<PathBuf> {
    let folder = repo_root()
        .join("..")
        .join("shared")
        .join("data")
        .join(name);
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

/// Returns the source and one import of dataset `name`, shared by the tests
/// of this file so that each dataset is read once.
fn imported(
    cell: &'static OnceLock<Option<(MemoryBundle, Import)>>,
    name: &str,
    format: Format,
) -> Option<&'static (MemoryBundle, Import)> {
    cell.get_or_init(|| {
        let source = load_folder(&dataset(name)?);
        let imported = import(format, &source).expect("the dataset has every file and column");
        Some((source, imported))
    })
    .as_ref()
}

fn oulad() -> Option<&'static (MemoryBundle, Import)> {
    static OULAD: OnceLock<Option<(MemoryBundle, Import)>> = OnceLock::new();
    imported(&OULAD, "oulad", Format::Oulad)
}

fn toronto() -> Option<&'static (MemoryBundle, Import)> {
    static TORONTO: OnceLock<Option<(MemoryBundle, Import)>> = OnceLock::new();
    imported(&TORONTO, "toronto-dropin", Format::TorontoDropin)
}

#[test]
fn oulad_learners_and_venues() {
    let Some((_, Import { bundle, .. })) = oulad() else {
        return;
    };
    assert_eq!(bundle.learners.len(), 28_785);
    assert!(
        bundle
            .learners
            .iter()
            .all(|learner| learner.birth_date.is_none())
    );
    assert!(
        bundle
            .learners
            .iter()
            .all(|learner| learner.home_venue_id.is_some())
    );

    let regions = bundle
        .venues
        .iter()
        .filter(|venue| venue.tier == VenueTier::District)
        .count();
    assert_eq!(regions, 13);
    let online = bundle
        .venues
        .iter()
        .filter(|venue| venue.tier == VenueTier::Online)
        .count();
    assert_eq!(online, 1);

    assert_eq!(bundle.courses.len(), 22);
    let module_codes: std::collections::BTreeSet<&str> = bundle
        .courses
        .iter()
        .filter_map(|course| course.code.as_deref())
        .collect();
    assert_eq!(
        module_codes.into_iter().collect::<Vec<_>>(),
        ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG"]
    );
}

#[test]
fn oulad_enrolments_and_withdrawals() {
    let Some((_, Import { bundle, .. })) = oulad() else {
        return;
    };
    assert_eq!(bundle.enrolments.len(), 32_446);
    let withdrawn = bundle
        .enrolments
        .iter()
        .filter(|enrolment| enrolment.status == EnrolmentStatus::Withdrawn)
        .count();
    assert_eq!(withdrawn, 10_024);
    assert!(
        bundle
            .enrolments
            .iter()
            .all(|enrolment| (enrolment.status == EnrolmentStatus::Withdrawn)
                == enrolment.withdrawn_at.is_some())
    );

    // The first row: student 11391 registered on day -159 of AAA 2013J,
    // which starts on 1 October 2013, so on 25 April 2013 (midnight in
    // London, on summer time, is 23:00 UTC the day before).
    let first = &bundle.enrolments[0];
    assert_eq!(first.source.as_ref().unwrap().key, "AAA/2013J/11391");
    assert_eq!(first.requested_at.to_rfc3339(), "2013-04-24T23:00:00+00:00");
}

#[test]
fn oulad_completions_and_assessments() {
    let Some((_, Import { bundle, .. })) = oulad() else {
        return;
    };
    let count = |kind: OutcomeKind| {
        bundle
            .outcomes
            .iter()
            .filter(|outcome| outcome.kind == kind)
            .count()
    };
    assert_eq!(count(OutcomeKind::CourseCompletion), 15_385);
    let distinctions = bundle
        .outcomes
        .iter()
        .filter(|outcome| outcome.details().title.as_deref() == Some("Distinction"))
        .count();
    assert_eq!(distinctions, 3_024);

    assert_eq!(count(OutcomeKind::Assessment), 173_739);
    let banked = bundle
        .outcomes
        .iter()
        .filter(|outcome| outcome.banked)
        .count();
    assert_eq!(banked, 1_908);
    let passed = bundle
        .outcomes
        .iter()
        .filter(|outcome| outcome.details().passed == Some(true))
        .count();
    assert_eq!(passed, 166_161);
    assert_eq!(bundle.outcomes.len(), 15_385 + 173_739);
}

#[test]
fn oulad_rejected_rows_by_reason() {
    let Some((_, Import { report, .. })) = oulad() else {
        return;
    };
    let counts = |file: &str| {
        let found = report.file(file).unwrap();
        (found.rows_read, found.rows_imported, found.rows_rejected)
    };
    assert_eq!(counts("courses.csv"), (22, 22, 0));
    assert_eq!(counts("assessments.csv"), (206, 206, 0));
    assert_eq!(counts("studentInfo.csv"), (32_593, 32_593, 0));
    assert_eq!(counts("studentRegistration.csv"), (32_593, 32_446, 147));
    assert_eq!(counts("studentAssessment.csv"), (173_912, 173_739, 173));

    let problems: Vec<(&str, usize)> = report
        .problem_counts()
        .into_iter()
        .map(|(code, count)| (code.as_str(), count))
        .collect();
    assert_eq!(
        problems,
        [("required", 45 + 173), ("withdrawal_mismatch", 102)]
    );
    let missing_registration = report
        .problems
        .iter()
        .filter(|problem| {
            problem
                .params
                .get("column")
                .is_some_and(|column| column == "date_registration")
        })
        .count();
    assert_eq!(missing_registration, 45);
}

#[test]
fn oulad_spreadsheet_defects_are_noticed() {
    let Some((_, Import { report, .. })) = oulad() else {
        return;
    };
    let notices: Vec<(&str, usize)> = report
        .notice_counts()
        .into_iter()
        .map(|(code, count)| (code.as_str(), count))
        .collect();
    assert_eq!(
        notices,
        [
            ("file_not_imported", 1),
            ("gb18030_detected", 1),
            ("unexpected_ignored_value", 3_516)
        ]
    );
    assert!(
        report
            .notices
            .iter()
            .filter(|notice| notice.code.as_str() == "unexpected_ignored_value")
            .all(
                |notice| notice.params.get("value").is_some_and(|v| v == "10月20日")
                    && notice.params.get("column").is_some_and(|c| c == "imd_band")
            )
    );
}

#[test]
fn oulad_bundle_reads_back_and_repeats() {
    let Some((source, first)) = oulad() else {
        return;
    };
    let mut written = MemoryBundle::new();
    write_bundle(&first.bundle, &mut written).unwrap();
    let (read_back, report) = read_bundle(&written).unwrap();
    assert!(
        report.is_clean(),
        "{:#?}",
        &report.problems[..5.min(report.problems.len())]
    );
    assert!(read_back == first.bundle, "the bundle read back differs");

    let second = import(Format::Oulad, source).unwrap();
    let mut written_again = MemoryBundle::new();
    write_bundle(&second.bundle, &mut written_again).unwrap();
    assert!(
        written_again == written,
        "a second import writes other bytes"
    );
}

#[test]
fn toronto_sessions_venues_and_courses() {
    let Some((_, Import { bundle, report })) = toronto() else {
        return;
    };
    assert!(
        report.is_clean(),
        "{:#?}",
        &report.problems[..5.min(report.problems.len())]
    );
    assert!(report.notices.is_empty(), "{:#?}", report.notices);
    assert_eq!(report.rows_read(), 32_069);

    assert_eq!(bundle.sessions.len(), 32_069);
    let locations = bundle
        .venues
        .iter()
        .filter(|venue| venue.tier == VenueTier::Community)
        .count();
    assert_eq!(locations, 226);
    assert_eq!(bundle.venues.len(), 226 + 1);
    assert_eq!(bundle.courses.len(), 6_159);
    assert!(
        bundle
            .sessions
            .iter()
            .all(|timed| timed.times.time_zone.name() == "America/Toronto")
    );
}

#[test]
fn toronto_sessions_for_older_residents() {
    let Some((_, Import { bundle, .. })) = toronto() else {
        return;
    };
    let older_courses: std::collections::HashSet<_> = bundle
        .courses
        .iter()
        .filter(|course| course.min_age.is_some_and(|age| age >= 60))
        .map(|course| course.id)
        .collect();
    assert!(
        bundle
            .courses
            .iter()
            .filter(|course| older_courses.contains(&course.id))
            .all(|course| course.audience == Audience::OlderResidents)
    );
    let older_sessions = bundle
        .sessions
        .iter()
        .filter(|timed| {
            timed
                .session
                .course_id()
                .is_some_and(|course| older_courses.contains(&course))
        })
        .count();
    assert_eq!(older_sessions, 3_547);
}

#[test]
fn toronto_sessions_across_midnight() {
    let Some((_, Import { bundle, .. })) = toronto() else {
        return;
    };
    let late: Vec<String> = bundle
        .sessions
        .iter()
        .filter(|timed| timed.session.end_time < timed.session.start_time)
        .map(|timed| {
            format!(
                "{} {} {}",
                timed.session.source.as_ref().unwrap().key,
                timed.times.ends_at.to_rfc3339(),
                timed.times.minutes()
            )
        })
        .collect();
    // Course 92252 at location 861, 23:30 to 01:00 on two Sunday nights;
    // Toronto is five hours behind UTC in winter.
    assert_eq!(
        late,
        [
            "92252/2025-12-28T23:30 2025-12-29T06:00:00+00:00 90",
            "92252/2026-01-04T23:30 2026-01-05T06:00:00+00:00 90"
        ]
    );
}

#[test]
fn toronto_bundle_reads_back_and_repeats() {
    let Some((source, first)) = toronto() else {
        return;
    };
    let mut written = MemoryBundle::new();
    write_bundle(&first.bundle, &mut written).unwrap();
    let (read_back, report) = read_bundle(&written).unwrap();
    assert!(
        report.is_clean(),
        "{:#?}",
        &report.problems[..5.min(report.problems.len())]
    );
    assert!(read_back == first.bundle, "the bundle read back differs");

    let second = import(Format::TorontoDropin, source).unwrap();
    assert!(second == *first, "a second import gives another bundle");
}
