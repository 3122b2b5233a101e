//! The dataset importers on small hand-written sources that hold one of each
//! defect: every rejected row is checked by its problem code and path, and
//! the records made from the good rows are checked field by field.

use serde_json::{Value, json};
use xuetong::bundle::{Encoding, MemoryBundle, read_bundle, write_bundle};
use xuetong::import::{Format, Import, ImportError, import};
use xuetong::model::{Audience, EnrolmentStatus, OutcomeKind, VenueTier};
use xuetong::problem::Problem;

/// Lists the (code, path) of every problem, sorted, with the path as JSON.
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
    found.sort_by_key(|(code, path)| (code.clone(), path.to_string()));
    found
}

fn expected(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    let mut pairs: Vec<(String, Value)> = pairs
        .iter()
        .map(|(code, path)| ((*code).to_owned(), path.clone()))
        .collect();
    pairs.sort_by_key(|(code, path)| (code.clone(), path.to_string()));
    pairs
}

const STUDENT_INFO: &str = "\
code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,num_of_prev_attempts,studied_credits,disability,final_result
AAA,2013J,11391,M,East Anglian Region,HE Qualification,90-100%,55<=,0,240,N,Fail
AAA,2014J,11391,M,East Anglian Region,HE Qualification,10\u{6708}20\u{65e5},55<=,1,60,N,Pass
AAA,2013J,28400,F,Scotland,HE Qualification,20-30%,35-55,0,60,N,Withdrawn
AAA,2013J,30268,F,Wales,A Level or Equivalent,30-40%,35-55,0,60,Y,Distinction
AAA,2014J,28400,F,Wales,HE Qualification,,35-55,1,60,N,Pass
AAA,2013J,11391,M,East Anglian Region,HE Qualification,90-100%,55<=,0,240,N,Pass
AAA,2013J,99999,F,Wales,HE Qualification,0-10%,0-35,0,60,N,Excellent
BBB,2014B,30268,F,Wales,A Level or Equivalent,30-40%,35-55,0,60,Y,Withdrawn
AAA,2013J,40000,M,Scotland,Lower Than A Level,40-50%,0-35,0,30,N,Withdrawn
";

/// Builds an OULAD source with one of each defect. `studentInfo.csv` is saved in
/// GB18030, as a spreadsheet set to Chinese saves it, with the band
/// `10-20` turned into the date 10月20日 on line 3.
fn oulad_source() -> MemoryBundle {
    let mut source = MemoryBundle::new();
    source.insert(
        "courses.csv",
        "code_module,code_presentation,module_presentation_length\n\
         AAA,2013J,268\n\
         AAA,2014J,269\n\
         BBB,2014B,234\n\
         AAA,2013J,268\n\
         CCC,2013X,240\n\
         DDD,2014J,abc\n\
         EEE,2014J\n",
    );
    source.insert(
        "assessments.csv",
        "code_module,code_presentation,id_assessment,assessment_type,date,weight\n\
         AAA,2013J,1752,TMA,19,10\n\
         AAA,2014J,1763,Exam,,100\n\
         BBB,2014B,2001,CMA,30,12.5\n\
         ZZZ,2013J,9999,TMA,10,10\n\
         AAA,2013J,1753,Quiz,20,10\n",
    );
    let (info, _, had_errors) = encoding_rs::GB18030.encode(STUDENT_INFO);
    assert!(!had_errors);
    source.insert("studentInfo.csv", info.into_owned());
    source.insert(
        "studentRegistration.csv",
        "code_module,code_presentation,id_student,date_registration,date_unregistration,note\n\
         AAA,2013J,11391,-159,,\n\
         AAA,2014J,11391,-20,,\n\
         AAA,2013J,28400,-53,12,\n\
         AAA,2013J,30268,,,\n\
         BBB,2014B,30268,-10,,\n\
         AAA,2013J,11391,-100,,\n\
         AAA,2014J,28400,-5,,\n\
         AAA,2013J,40000,10,5,\n",
    );
    source.insert(
        "studentAssessment.csv",
        "id_assessment,id_student,date_submitted,is_banked,score\n\
         1752,11391,18,0,78\n\
         1752,28400,22,0,39\n\
         1763,11391,230,1,40\n\
         1752,30268,20,0,\n\
         1752,30268,21,2,50\n\
         1752,11391,19,0,80\n\
         9999,11391,5,0,50\n\
         1752,55555,5,0,50\n\
         1752,40000,5,0,101\n",
    );
    source.insert(
        "vle.csv",
        "id_site,code_module,code_presentation,activity_type\n",
    );
    source
}

fn import_oulad() -> Import {
    import(Format::Oulad, &oulad_source()).expect("the source has every file")
}

#[test]
fn oulad_rejects_each_defect() {
    let Import { report, .. } = import_oulad();
    let want = expected(&[
        (
            "duplicate_row",
            json!(["courses.csv", 5, "code_presentation"]),
        ),
        (
            "invalid_run_code",
            json!(["courses.csv", 6, "code_presentation"]),
        ),
        (
            "invalid_integer",
            json!(["courses.csv", 7, "module_presentation_length"]),
        ),
        ("wrong_field_count", json!(["courses.csv", 8])),
        (
            "unknown_reference",
            json!(["assessments.csv", 5, "code_presentation"]),
        ),
        (
            "invalid_choice",
            json!(["assessments.csv", 6, "assessment_type"]),
        ),
        ("conflicting_value", json!(["studentInfo.csv", 6, "region"])),
        ("duplicate_row", json!(["studentInfo.csv", 7, "id_student"])),
        (
            "invalid_choice",
            json!(["studentInfo.csv", 8, "final_result"]),
        ),
        (
            "required",
            json!(["studentRegistration.csv", 5, "date_registration"]),
        ),
        (
            "withdrawal_mismatch",
            json!(["studentRegistration.csv", 6, "date_unregistration"]),
        ),
        (
            "duplicate_row",
            json!(["studentRegistration.csv", 7, "id_student"]),
        ),
        (
            "unknown_reference",
            json!(["studentRegistration.csv", 8, "id_student"]),
        ),
        (
            "ends_before_start",
            json!(["studentRegistration.csv", 9, "date_unregistration"]),
        ),
        ("required", json!(["studentAssessment.csv", 5, "score"])),
        (
            "invalid_choice",
            json!(["studentAssessment.csv", 6, "is_banked"]),
        ),
        (
            "duplicate_row",
            json!(["studentAssessment.csv", 7, "id_student"]),
        ),
        (
            "unknown_reference",
            json!(["studentAssessment.csv", 8, "id_assessment"]),
        ),
        (
            "unknown_reference",
            json!(["studentAssessment.csv", 9, "id_student"]),
        ),
        (
            "out_of_range",
            json!(["studentAssessment.csv", 10, "score"]),
        ),
    ]);
    assert_eq!(code_paths(&report.problems), want);
}

#[test]
fn oulad_notices_keep_rows() {
    let Import { report, .. } = import_oulad();
    let want = expected(&[
        ("gb18030_detected", json!(["studentInfo.csv"])),
        (
            "unexpected_ignored_value",
            json!(["studentInfo.csv", 3, "imd_band"]),
        ),
        ("unknown_column", json!(["studentRegistration.csv", 1])),
        ("file_not_imported", json!(["vle.csv"])),
    ]);
    assert_eq!(code_paths(&report.notices), want);

    let mangled = report
        .notices
        .iter()
        .find(|notice| notice.code.as_str() == "unexpected_ignored_value")
        .unwrap();
    assert_eq!(mangled.params["value"], "10月20日");
    assert_eq!(mangled.params["line"], 3);
    assert_eq!(
        report.file("studentInfo.csv").unwrap().encoding,
        Some(Encoding::Gb18030)
    );
}

#[test]
fn oulad_counts_every_row() {
    let Import { report, .. } = import_oulad();
    let counts = |file: &str| {
        let found = report.file(file).unwrap();
        (found.rows_read, found.rows_imported, found.rows_rejected)
    };
    assert_eq!(counts("courses.csv"), (7, 3, 4));
    assert_eq!(counts("assessments.csv"), (5, 3, 2));
    assert_eq!(counts("studentInfo.csv"), (9, 6, 3));
    assert_eq!(counts("studentRegistration.csv"), (8, 3, 5));
    assert_eq!(counts("studentAssessment.csv"), (9, 3, 6));
    assert_eq!(report.rows_read(), 38);
    assert_eq!(report.rows_imported() + report.rows_rejected(), 38);
}

#[test]
fn oulad_records_from_good_rows() {
    let Import { bundle, .. } = import_oulad();

    let learners: Vec<&str> = bundle
        .learners
        .iter()
        .map(|learner| learner.display_name.as_str())
        .collect();
    assert_eq!(
        learners,
        [
            "Student 11391",
            "Student 28400",
            "Student 30268",
            "Student 40000"
        ]
    );
    assert!(
        bundle
            .learners
            .iter()
            .all(|learner| learner.birth_date.is_none())
    );

    let venues: Vec<(&str, VenueTier)> = bundle
        .venues
        .iter()
        .map(|venue| (venue.name.as_str(), venue.tier))
        .collect();
    assert_eq!(
        venues,
        [
            ("The Open University", VenueTier::Online),
            ("East Anglian Region", VenueTier::District),
            ("Scotland", VenueTier::District),
            ("Wales", VenueTier::District),
        ]
    );

    let codes: Vec<Option<&str>> = bundle.courses.iter().map(|c| c.code.as_deref()).collect();
    assert_eq!(codes, [Some("AAA"), Some("AAA"), Some("BBB")]);
    assert_eq!(bundle.categories.len(), 1);
    assert!(
        bundle
            .courses
            .iter()
            .all(|course| course.category.as_str() == "distance_module")
    );

    let statuses: Vec<EnrolmentStatus> = bundle.enrolments.iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        [
            EnrolmentStatus::Confirmed,
            EnrolmentStatus::Confirmed,
            EnrolmentStatus::Withdrawn
        ]
    );
    // Day -53 and day 12 of a run that starts on 1 October 2013, at
    // midnight in London (UTC+1 until 27 October 2013).
    let withdrawn = &bundle.enrolments[2];
    assert_eq!(
        withdrawn.requested_at.to_rfc3339(),
        "2013-08-08T23:00:00+00:00"
    );
    assert_eq!(
        withdrawn.withdrawn_at.unwrap().to_rfc3339(),
        "2013-10-12T23:00:00+00:00"
    );
}

#[test]
fn oulad_outcomes_pass_mark_and_banked() {
    let Import { bundle, .. } = import_oulad();
    let completions: Vec<(Option<&str>, String)> = bundle
        .outcomes
        .iter()
        .filter(|outcome| outcome.kind == OutcomeKind::CourseCompletion)
        .map(|outcome| {
            (
                outcome.details().title.as_deref(),
                outcome.occurred_on.to_string(),
            )
        })
        .collect();
    // AAA 2014J ends 269 days after 1 October 2014; AAA 2013J 268 days
    // after 1 October 2013.
    assert_eq!(
        completions,
        [
            (Some("Pass"), "2015-06-27".to_owned()),
            (Some("Distinction"), "2014-06-26".to_owned())
        ]
    );

    let results: Vec<(Option<u8>, Option<bool>, bool)> = bundle
        .outcomes
        .iter()
        .filter(|outcome| outcome.kind == OutcomeKind::Assessment)
        .map(|outcome| {
            (
                outcome.details().score,
                outcome.details().passed,
                outcome.banked,
            )
        })
        .collect();
    assert_eq!(
        results,
        [
            (Some(78), Some(true), false),
            (Some(39), Some(false), false),
            (Some(40), Some(true), true)
        ]
    );
    assert_eq!(xuetong::import::oulad::PASS_MARK, 40);
}

#[test]
fn oulad_import_is_deterministic() {
    let first = import_oulad();
    let second = import_oulad();
    assert_eq!(first, second);

    let mut written_first = MemoryBundle::new();
    write_bundle(&first.bundle, &mut written_first).unwrap();
    let mut written_second = MemoryBundle::new();
    write_bundle(&second.bundle, &mut written_second).unwrap();
    assert_eq!(written_first, written_second);
}

#[test]
fn oulad_bundle_reads_back() {
    let Import { bundle, .. } = import_oulad();
    let mut written = MemoryBundle::new();
    write_bundle(&bundle, &mut written).unwrap();
    let (read_back, report) = read_bundle(&written).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(read_back, bundle);
}

#[test]
fn oulad_missing_file_is_an_error() {
    let mut source = oulad_source();
    source.files.remove("studentAssessment.csv");
    let error = import(Format::Oulad, &source).unwrap_err();
    assert!(matches!(
        error,
        ImportError::MissingFile {
            file: "studentAssessment.csv",
            ..
        }
    ));
    assert!(error.is_bad_input());
    assert!(error.to_string().contains("studentAssessment.csv"));
}

#[test]
fn oulad_missing_column_is_an_error() {
    let mut source = oulad_source();
    source.insert("courses.csv", "code_module,code_presentation\nAAA,2013J\n");
    let error = import(Format::Oulad, &source).unwrap_err();
    assert!(matches!(
        error,
        ImportError::MissingColumn {
            column: "module_presentation_length",
            ..
        }
    ));
}

#[test]
fn a_column_named_twice_is_an_error() {
    let mut source = oulad_source();
    source.insert(
        "courses.csv",
        "code_module,code_presentation,module_presentation_length,Code_Presentation\n\
         AAA,2013J,268,2014B\n",
    );
    let error = import(Format::Oulad, &source).unwrap_err();
    assert!(matches!(
        error,
        ImportError::DuplicateColumn {
            file: "courses.csv",
            first_position: 2,
            position: 4,
            ..
        }
    ));
    assert!(error.is_bad_input());
    assert_eq!(
        error.to_string(),
        "courses.csv names column \"Code_Presentation\" twice, at positions 2 and 4; \
         remove or rename one of them"
    );

    // Unnamed columns at the end of a spreadsheet's export are no duplicates.
    let mut source = toronto_source();
    let text = source.files["drop-in.csv"].clone();
    let text = String::from_utf8(text).unwrap().replace('\n', ",,\n");
    source.insert("drop-in.csv", text);
    assert!(import(Format::TorontoDropin, &source).is_ok());
}

#[test]
fn utf16_and_empty_files_are_errors() {
    let mut source = oulad_source();
    source.insert("courses.csv", vec![0xFF, 0xFE, b'c', 0]);
    let error = import(Format::Oulad, &source).unwrap_err();
    assert!(matches!(
        error,
        ImportError::Utf16 {
            file: "courses.csv"
        }
    ));

    source.insert("courses.csv", "");
    let error = import(Format::Oulad, &source).unwrap_err();
    assert!(matches!(
        error,
        ImportError::EmptyFile {
            file: "courses.csv",
            ..
        }
    ));
}

/// A course's title, category, age limits, audience and walk-in flag.
type CourseSummary<'a> = (&'a str, &'a str, Option<u8>, Option<u8>, Audience, bool);

const TORONTO_HEADER: &str = "_id,Location ID,Course_ID,Course Title,Section,Age Min,Age Max,Date Range,Start Hour,Start Minute,End Hour,End Min,First Date,Last Date,DayOftheWeek";

/// Builds a drop-in schedule with four good rows (one past midnight, one with an
/// `_id` that is not a number) and one row for each defect.
fn toronto_source() -> MemoryBundle {
    let rows = [
        "1,1063,100157,Chair Yoga,FitnessTO - Drop-In,60,None,2026-01-05 to 2026-01-05,10,0,11,0,2026-01-05,2026-01-05,Monday",
        "2,1063,100157,Chair Yoga,FitnessTO - Drop-In,60,None,2026-01-06 to 2026-01-06,10,0,11,0,2026-01-06,2026-01-06,Tuesday",
        "3,861,92252,Shinny: Child with Caregiver,Skate - Drop-In,6,12,2025-12-28 to 2025-12-29,23,30,1,0,2025-12-28,2025-12-29,Sunday",
        "x,2000,300,Aquafit,Reserve a Spot - Aquatic Fitness,19,None,2026-01-07 to 2026-01-07,7,15,8,0,2026-01-07,2026-01-07,Wednesday",
        "5,861,92252,Shinny,Skate - Drop-In,6,12,2026-01-04 to 2026-01-05,23,30,1,0,2026-01-04,2026-01-05,Sunday",
        "6,1063,100157,Chair Yoga,FitnessTO - Drop-In,60,None,2026-01-05 to 2026-01-05,10,0,11,0,2026-01-05,2026-01-05,Monday",
        "7,1063,400,Curling,Curling - Drop-In,19,None,2026-01-05 to 2026-01-05,10,0,11,0,2026-01-05,2026-01-05,Monday",
        "8,1063,401,Badminton,Sports - Drop-In,19,None,2026-01-05 to 2026-01-06,10,0,11,0,2026-01-05,2026-01-05,Monday",
        "9,1063,402,Badminton,Sports - Drop-In,19,None,2026-01-05 to 2026-01-05,10,0,11,0,2026-01-05,2026-01-05,Friday",
        "10,1063,403,Late Swim,Swim - Drop-In,19,None,2026-01-05 to 2026-01-05,22,0,1,0,2026-01-05,2026-01-05,Monday",
        "11,1063,404,Youth Hockey,Skate - Drop-In,20,12,2026-01-05 to 2026-01-05,10,0,11,0,2026-01-05,2026-01-05,Monday",
        "12,1063,405,Night Skate,Skate - Drop-In,19,None,2026-01-05 to 2026-01-05,25,0,11,0,2026-01-05,2026-01-05,Monday",
        "13,1063,406,Skate,Skate - Drop-In,19,None,2026-02-30 to 2026-02-30,10,0,11,0,2026-02-30,2026-02-30,Monday",
        "14,1063,407,Zumba®,FitnessTO - Drop-In,19,None,2026-01-05 to 2026-01-05,10,0,10,0,2026-01-05,2026-01-05,Monday",
        "15,1063,408,Early Swim,Swim - Drop-In,19,None,2026-03-08 to 2026-03-08,2,30,3,30,2026-03-08,2026-03-08,Sunday",
    ];
    let mut text = String::from(TORONTO_HEADER);
    for row in rows {
        text.push('\n');
        text.push_str(row);
    }
    text.push('\n');
    let mut source = MemoryBundle::new();
    source.insert("drop-in.csv", text);
    source
}

fn import_toronto() -> Import {
    import(Format::TorontoDropin, &toronto_source()).expect("the source has drop-in.csv")
}

#[test]
fn toronto_rejects_each_defect() {
    let Import { report, .. } = import_toronto();
    let want = expected(&[
        (
            "conflicting_value",
            json!(["drop-in.csv", 6, "Course Title"]),
        ),
        ("duplicate_row", json!(["drop-in.csv", 7, "Course_ID"])),
        ("unmapped_value", json!(["drop-in.csv", 8, "Section"])),
        (
            "date_range_mismatch",
            json!(["drop-in.csv", 9, "Date Range"]),
        ),
        (
            "weekday_mismatch",
            json!(["drop-in.csv", 10, "DayOftheWeek"]),
        ),
        ("end_date_mismatch", json!(["drop-in.csv", 11, "Last Date"])),
        ("range_inverted", json!(["drop-in.csv", 12, "Age Min"])),
        ("out_of_range", json!(["drop-in.csv", 13, "Start Hour"])),
        ("invalid_date", json!(["drop-in.csv", 14, "First Date"])),
        ("invalid_date", json!(["drop-in.csv", 14, "Last Date"])),
        (
            "invalid_session_length",
            json!(["drop-in.csv", 15, "End Hour"]),
        ),
        (
            "nonexistent_local_time",
            json!(["drop-in.csv", 16, "Start Hour"]),
        ),
    ]);
    assert_eq!(code_paths(&report.problems), want);
    assert_eq!(
        code_paths(&report.notices),
        expected(&[("unexpected_ignored_value", json!(["drop-in.csv", 5, "_id"]))])
    );
    let file = report.file("drop-in.csv").unwrap();
    assert_eq!(
        (file.rows_read, file.rows_imported, file.rows_rejected),
        (15, 4, 11)
    );
}

#[test]
fn toronto_records_from_good_rows() {
    let Import { bundle, .. } = import_toronto();

    let venues: Vec<(&str, VenueTier)> = bundle
        .venues
        .iter()
        .map(|venue| (venue.name.as_str(), venue.tier))
        .collect();
    assert_eq!(
        venues,
        [
            ("City of Toronto", VenueTier::District),
            ("Toronto drop-in location 1063", VenueTier::Community),
            ("Toronto drop-in location 861", VenueTier::Community),
            ("Toronto drop-in location 2000", VenueTier::Community),
        ]
    );
    assert!(
        bundle
            .venues
            .iter()
            .all(|venue| venue.time_zone.name() == "America/Toronto")
    );

    let courses: Vec<CourseSummary<'_>> = bundle
        .courses
        .iter()
        .map(|course| {
            (
                course.title.as_str(),
                course.category.as_str(),
                course.min_age,
                course.max_age,
                course.audience,
                course.walk_in,
            )
        })
        .collect();
    assert_eq!(
        courses,
        [
            (
                "Chair Yoga",
                "fitness",
                Some(60),
                None,
                Audience::OlderResidents,
                true
            ),
            (
                "Shinny: Child with Caregiver",
                "skating",
                Some(6),
                Some(12),
                Audience::Children,
                true
            ),
            (
                "Aquafit",
                "swimming",
                Some(19),
                None,
                Audience::AllAges,
                false
            ),
        ]
    );

    assert_eq!(bundle.sessions.len(), 4);
    let late = &bundle.sessions[2];
    assert_eq!(late.session.date.to_string(), "2025-12-28");
    assert!(late.session.end_time < late.session.start_time);
    assert_eq!(
        late.session.local_end_date().unwrap().to_string(),
        "2025-12-29"
    );
    // 23:30 to 01:00 in Toronto, five hours behind UTC in December.
    assert_eq!(
        late.times.starts_at.to_rfc3339(),
        "2025-12-29T04:30:00+00:00"
    );
    assert_eq!(late.times.ends_at.to_rfc3339(), "2025-12-29T06:00:00+00:00");
    assert!(
        bundle
            .sessions
            .iter()
            .all(|timed| timed.times.time_zone.name() == "America/Toronto")
    );
}

#[test]
fn toronto_bundle_reads_back() {
    let first = import_toronto();
    assert_eq!(first, import_toronto());
    let mut written = MemoryBundle::new();
    write_bundle(&first.bundle, &mut written).unwrap();
    let (read_back, report) = read_bundle(&written).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(read_back, first.bundle);
}

#[test]
fn toronto_needs_its_file() {
    let error = import(Format::TorontoDropin, &MemoryBundle::new()).unwrap_err();
    assert!(matches!(
        error,
        ImportError::MissingFile {
            file: "drop-in.csv",
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "the toronto-dropin source has no drop-in.csv; give the folder that holds the dataset's files (drop-in.csv)"
    );
}

#[test]
fn bad_byte_offset_in_later_cell() {
    // The encoding is decided on the first 64 KiB, so 1,000 good rows of
    // about 130 bytes come before the row whose title has byte 0xFF, which
    // is neither UTF-8 nor GB18030. The offset is the bad byte's in the
    // file, byte-order mark and dropped quotes included.
    let titles: &[(&str, &[u8])] = &[
        ("unquoted, first byte", b"\xFFChair Yoga"),
        ("unquoted, middle", b"Chair \xFFYoga"),
        ("quoted, first byte", b"\"\xFFChair Yoga\""),
        ("quoted, middle", b"\"Chair, \"\"Easy\"\" \xFFYoga\""),
    ];
    for &(case, title) in titles {
        for location in [&b"1063"[..], b"\"1063\""] {
            let mut text = b"\xEF\xBB\xBF".to_vec();
            text.extend_from_slice(TORONTO_HEADER.as_bytes());
            text.extend_from_slice(b"\r\n");
            for number in 1..=1_000 {
                let row = format!(
                    "{number},1063,{},Chair Yoga,FitnessTO - Drop-In,60,None,\
                     2026-01-05 to 2026-01-05,10,0,11,0,2026-01-05,2026-01-05,Monday\r\n",
                    100_000 + number
                );
                text.extend_from_slice(row.as_bytes());
            }
            text.extend_from_slice(b"1001,");
            text.extend_from_slice(location);
            text.extend_from_slice(b",200000,");
            text.extend_from_slice(title);
            text.extend_from_slice(
                b",FitnessTO - Drop-In,60,None,2026-01-05 to 2026-01-05,\
                  10,0,11,0,2026-01-05,2026-01-05,Monday\r\n",
            );
            let expected = text.iter().position(|&byte| byte == 0xFF).unwrap();
            let mut source = MemoryBundle::new();
            source.insert("drop-in.csv", text);

            let Import { report, .. } =
                import(Format::TorontoDropin, &source).expect("the source has drop-in.csv");
            let quoted_location = location.starts_with(b"\"");
            let problem = report
                .problems
                .iter()
                .find(|problem| problem.code.as_str() == "invalid_encoding")
                .unwrap_or_else(|| panic!("{case}: the bad byte is not reported"));
            assert_eq!(
                problem.params["offset"], expected,
                "{case}, quoted location {quoted_location}"
            );
            assert_eq!(
                problem.path,
                xuetong::problem::Path(vec![
                    "drop-in.csv".into(),
                    1_002u64.into(),
                    "Course Title".into()
                ]),
                "{case}"
            );
        }
    }
}

#[test]
fn toronto_dates_outside_four_digit_years() {
    let row = "1,1063,100157,Chair Yoga,FitnessTO - Drop-In,60,None,0000-01-03 to 0000-01-03,10,0,11,0,0000-01-03,0000-01-03,Monday";
    let mut source = MemoryBundle::new();
    source.insert("drop-in.csv", format!("{TORONTO_HEADER}\n{row}\n"));
    let Import { report, .. } = import(Format::TorontoDropin, &source).unwrap();
    assert_eq!(
        code_paths(&report.problems),
        expected(&[
            ("date_out_of_range", json!(["drop-in.csv", 2, "First Date"])),
            ("date_out_of_range", json!(["drop-in.csv", 2, "Last Date"])),
        ])
    );
}

#[test]
fn oulad_dates_outside_four_digit_years() {
    let mut source = MemoryBundle::new();
    source.insert(
        "courses.csv",
        "code_module,code_presentation,module_presentation_length\n\
         AAA,9999J,268\n\
         BBB,0000B,100\n",
    );
    source.insert(
        "assessments.csv",
        "code_module,code_presentation,id_assessment,assessment_type,date,weight\n",
    );
    let header = STUDENT_INFO.lines().next().unwrap();
    source.insert(
        "studentInfo.csv",
        format!("{header}\nAAA,9999J,11391,M,Wales,HE Qualification,90-100%,55<=,0,60,N,Fail\n"),
    );
    source.insert(
        "studentRegistration.csv",
        "code_module,code_presentation,id_student,date_registration,date_unregistration\n\
         AAA,9999J,11391,300,\n",
    );
    source.insert(
        "studentAssessment.csv",
        "id_assessment,id_student,date_submitted,is_banked,score\n",
    );
    source.insert(
        "vle.csv",
        "id_site,code_module,code_presentation,activity_type\n",
    );
    let Import { report, .. } = import(Format::Oulad, &source).unwrap();
    assert_eq!(
        code_paths(&report.problems),
        expected(&[
            // February 0000 is before the year 0001.
            (
                "date_out_of_range",
                json!(["courses.csv", 3, "code_presentation"])
            ),
            // 300 days after 1 October 9999 is 27 July 10000.
            (
                "date_out_of_range",
                json!(["studentRegistration.csv", 2, "date_registration"])
            ),
        ])
    );
    let registration = report
        .problems
        .iter()
        .find(|problem| problem.path.to_string().contains("date_registration"))
        .unwrap();
    assert_eq!(registration.params["value"], json!("10000-07-27"));
}
