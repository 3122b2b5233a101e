//! The Open University Learning Analytics Dataset (OULAD): anonymised
//! records of students on runs ("presentations") of Open University modules
//! in 2013 and 2014 (Kuzilek, Hlosta and Zdrahal, "Open University Learning
//! Analytics dataset", Scientific Data 4, 170171, 2017; licence CC BY 4.0).
//!
//! | file | becomes |
//! |---|---|
//! | `courses.csv` | one [`Course`] per module run, with the module code as its `code` |
//! | `assessments.csv` | the run and type of each assessment, for the results |
//! | `studentInfo.csv` | [`Learner`]s, region venues, and a `course_completion` [`Outcome`] for each Pass or Distinction |
//! | `studentRegistration.csv` | one [`Enrolment`] per registration, withdrawn when the student unregistered |
//! | `studentAssessment.csv` | one `assessment` [`Outcome`] per result, `banked` when carried over from an earlier run |
//! | `vle.csv`, `studentVle.csv` | not imported, with a notice |
//!
//! Day offsets count from the start of the run. The files do not give the
//! start day, only its month: a run code ends in B for a February start and
//! in J for an October start. The importer anchors every run on the first
//! day of that month ([`run_start`]), so a date is exact relative to its
//! run and within a month in absolute terms.
//!
//! `docs/importers.md` lists every column and every reason a row is
//! rejected.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::bundle::codes as bundle_codes;
use crate::bundle::{Bundle, BundleSource};
use crate::id::{CourseId, EnrolmentId, LearnerId, OutcomeId, VenueId};
use crate::model::{
    Audience, Category, CategoryDef, Course, DEFAULT_COMPLETION_THRESHOLD, Enrolment,
    EnrolmentStatus, Learner, Outcome, OutcomeDetails, OutcomeKind, OutcomeSource, Role, SourceRef,
    Venue, VenueTier,
};
use crate::problem::codes;
use crate::schedule::{AmbiguousTime, in_supported_years, resolve_local};

use super::codes as import_codes;
use super::table::{Domain, Layout, Row, Table};
use super::{Format, Import, ImportError, ImportReport};

/// The source system of every record imported from OULAD, for
/// [`crate::id::derive_id`].
pub const SYSTEM: &str = "oulad";

/// The lowest assessment score that passes. The dataset's description
/// (Kuzilek, Hlosta and Zdrahal 2017, the `studentAssessment` table) reads a
/// score below 40 as a fail.
pub const PASS_MARK: u8 = 40;

/// The zone in which dates become instants: the Open University is in the
/// United Kingdom.
pub const TIME_ZONE: Tz = chrono_tz::Europe::London;

/// The category of every module run. The anonymised files do not say what a
/// module teaches, so all modules share one category, defined in the
/// bundle's `categories.csv`.
pub const CATEGORY: &str = "distance_module";

/// The largest day offset accepted, in either direction: about ten years,
/// far beyond any run, so that date arithmetic cannot overflow.
const MAX_DAY_OFFSET: i64 = 3660;

/// The largest student or assessment id accepted.
const MAX_ID: i64 = u32::MAX as i64;

static COURSES: Layout = Layout {
    file: "courses.csv",
    columns: &[
        "code_module",
        "code_presentation",
        "module_presentation_length",
    ],
    ignored: &[],
};

static ASSESSMENTS: Layout = Layout {
    file: "assessments.csv",
    columns: &[
        "code_module",
        "code_presentation",
        "id_assessment",
        "assessment_type",
    ],
    ignored: &[
        ("date", Domain::OptionalInteger),
        ("weight", Domain::Decimal),
    ],
};

static STUDENT_INFO: Layout = Layout {
    file: "studentInfo.csv",
    columns: &[
        "code_module",
        "code_presentation",
        "id_student",
        "region",
        "final_result",
    ],
    ignored: &[
        ("gender", Domain::Choices(&["M", "F"])),
        (
            "highest_education",
            Domain::Choices(&[
                "No Formal quals",
                "Lower Than A Level",
                "A Level or Equivalent",
                "HE Qualification",
                "Post Graduate Qualification",
            ]),
        ),
        (
            "imd_band",
            Domain::Choices(&[
                "", "0-10%", "10-20", "10-20%", "20-30%", "30-40%", "40-50%", "50-60%", "60-70%",
                "70-80%", "80-90%", "90-100%",
            ]),
        ),
        ("age_band", Domain::Choices(&["0-35", "35-55", "55<="])),
        ("num_of_prev_attempts", Domain::Integer),
        ("studied_credits", Domain::Integer),
        ("disability", Domain::Choices(&["Y", "N"])),
    ],
};

static REGISTRATIONS: Layout = Layout {
    file: "studentRegistration.csv",
    columns: &[
        "code_module",
        "code_presentation",
        "id_student",
        "date_registration",
        "date_unregistration",
    ],
    ignored: &[],
};

static RESULTS: Layout = Layout {
    file: "studentAssessment.csv",
    columns: &[
        "id_assessment",
        "id_student",
        "date_submitted",
        "is_banked",
        "score",
    ],
    ignored: &[],
};

/// The files read, in reading order.
const FILES: [&Layout; 5] = [
    &COURSES,
    &ASSESSMENTS,
    &STUDENT_INFO,
    &REGISTRATIONS,
    &RESULTS,
];

/// The assessment types of `assessments.csv`: tutor-marked, computer-marked
/// and the final exam.
const ASSESSMENT_TYPES: &[&str] = &["TMA", "CMA", "Exam"];

/// Imports the OULAD files in `source`.
///
/// # Errors
///
/// Returns [`ImportError`] when one of `courses.csv`, `assessments.csv`,
/// `studentInfo.csv`, `studentRegistration.csv` or `studentAssessment.csv`
/// is missing, lacks a column the importer reads, is not text, or cannot be
/// read.
///
/// # Example
///
/// ```
/// use xuetong::bundle::MemoryBundle;
/// use xuetong::import::oulad;
///
/// let mut source = MemoryBundle::new();
/// source.insert("courses.csv", "code_module,code_presentation,module_presentation_length\nAAA,2013J,268\n");
/// source.insert("assessments.csv", "code_module,code_presentation,id_assessment,assessment_type,date,weight\nAAA,2013J,1752,TMA,19,10\n");
/// source.insert("studentInfo.csv", "code_module,code_presentation,id_student,region,final_result\nAAA,2013J,11391,Scotland,Pass\n");
/// source.insert("studentRegistration.csv", "code_module,code_presentation,id_student,date_registration,date_unregistration\nAAA,2013J,11391,-159,\n");
/// source.insert("studentAssessment.csv", "id_assessment,id_student,date_submitted,is_banked,score\n1752,11391,18,0,78\n");
/// let imported = oulad::import(&source)?;
/// let bundle = &imported.bundle;
/// assert_eq!(bundle.courses[0].code.as_deref(), Some("AAA"));
/// // Day -159 of a run that starts on 1 October 2013.
/// assert_eq!(bundle.enrolments[0].requested_at.to_rfc3339(), "2013-04-24T23:00:00+00:00");
/// assert_eq!(bundle.outcomes.len(), 2);
/// assert!(imported.report.is_clean());
/// # Ok::<(), xuetong::import::ImportError>(())
/// ```
pub fn import(source: &dyn BundleSource) -> Result<Import, ImportError> {
    let expected = FILES.map(|layout| layout.file).join(", ");
    let mut report = ImportReport::default();
    let mut importer = Importer::new();

    let mut table = Table::open(
        Format::Oulad,
        source,
        &COURSES,
        &expected,
        &mut report.notices,
    )?;
    table.rows(&mut report.problems, &mut report.notices, |row| {
        importer.course(row);
    })?;
    report.files.push(table.finish());

    let mut table = Table::open(
        Format::Oulad,
        source,
        &ASSESSMENTS,
        &expected,
        &mut report.notices,
    )?;
    table.rows(&mut report.problems, &mut report.notices, |row| {
        importer.assessment(row);
    })?;
    report.files.push(table.finish());

    let mut table = Table::open(
        Format::Oulad,
        source,
        &STUDENT_INFO,
        &expected,
        &mut report.notices,
    )?;
    table.rows(&mut report.problems, &mut report.notices, |row| {
        importer.student(row);
    })?;
    report.files.push(table.finish());

    let mut table = Table::open(
        Format::Oulad,
        source,
        &REGISTRATIONS,
        &expected,
        &mut report.notices,
    )?;
    table.rows(&mut report.problems, &mut report.notices, |row| {
        importer.registration(row);
    })?;
    report.files.push(table.finish());

    let mut table = Table::open(
        Format::Oulad,
        source,
        &RESULTS,
        &expected,
        &mut report.notices,
    )?;
    table.rows(&mut report.problems, &mut report.notices, |row| {
        importer.result(row);
    })?;
    report.files.push(table.finish());

    note_other_files(source, &mut report)?;
    Ok(Import {
        bundle: importer.finish(),
        report,
    })
}

/// Adds a `file_not_imported` notice for every CSV file of `source` that the
/// importer did not read, such as the virtual learning environment's
/// `vle.csv` and `studentVle.csv`.
fn note_other_files(
    source: &dyn BundleSource,
    report: &mut ImportReport,
) -> Result<(), ImportError> {
    let names = source
        .file_names()
        .map_err(super::io_error("list", "the source"))?;
    for name in names {
        let read = FILES.iter().any(|layout| layout.file == name);
        if !read && name.to_ascii_lowercase().ends_with(".csv") {
            report.notices.push(
                crate::problem::Problem::new(
                    import_codes::FILE_NOT_IMPORTED,
                    crate::problem::Path::root().join(name.clone()),
                )
                .with("file", name),
            );
        }
    }
    Ok(())
}

/// Returns the first day of the run with the code `code` (such as `2013J`): the
/// first of February for a code ending in B, the first of October for one
/// ending in J. `None` when the code is not a four-digit year and B or J.
///
/// # Example
///
/// ```
/// use xuetong::import::oulad::run_start;
///
/// assert_eq!(run_start("2014B").unwrap().to_string(), "2014-02-01");
/// assert_eq!(run_start("2013J").unwrap().to_string(), "2013-10-01");
/// assert_eq!(run_start("2013K"), None);
/// ```
pub fn run_start(code: &str) -> Option<NaiveDate> {
    let (year, term) = code.split_at_checked(4)?;
    if !year.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let month = match term {
        "B" => 2,
        "J" => 10,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, 1)
}

/// A student's final result on a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FinalResult {
    Distinction,
    Pass,
    Fail,
    Withdrawn,
}

impl FinalResult {
    const ALLOWED: &'static str = "Distinction, Pass, Fail, Withdrawn";

    fn parse(text: &str) -> Option<Self> {
        match text {
            "Distinction" => Some(Self::Distinction),
            "Pass" => Some(Self::Pass),
            "Fail" => Some(Self::Fail),
            "Withdrawn" => Some(Self::Withdrawn),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Distinction => "Distinction",
            Self::Pass => "Pass",
            Self::Fail => "Fail",
            Self::Withdrawn => "Withdrawn",
        }
    }
}

/// A module run read from `courses.csv`.
struct Run {
    course_id: CourseId,
    start: NaiveDate,
    length_days: i64,
}

/// An assessment read from `assessments.csv`.
struct Assessment {
    run_key: String,
    kind: &'static str,
}

/// A student's row on a run, read from `studentInfo.csv`.
struct StudentRun {
    line: u64,
    result: FinalResult,
}

/// A learner already imported, with the row that gave their region.
struct KnownLearner {
    region: String,
    line: u64,
}

/// The state of one import: lookups built from earlier files and the
/// records made so far.
struct Importer {
    online_venue: VenueId,
    runs: HashMap<String, Run>,
    run_lines: HashMap<String, u64>,
    assessments: HashMap<i64, Assessment>,
    assessment_lines: HashMap<i64, u64>,
    student_runs: HashMap<(String, i64), StudentRun>,
    learners: HashMap<i64, KnownLearner>,
    regions: HashMap<String, VenueId>,
    registration_lines: HashMap<(String, i64), u64>,
    result_lines: HashMap<(i64, i64), u64>,
    bundle: Bundle,
}

impl Importer {
    fn new() -> Self {
        let online_venue = VenueId::derive(SYSTEM, "open-university");
        // The learners come from `studentInfo.csv`, which every import reads.
        let mut bundle = Bundle {
            learners_listed: true,
            ..Bundle::default()
        };
        bundle.venues.push(Venue {
            id: online_venue,
            source: source_ref("open-university"),
            name: "The Open University".to_owned(),
            tier: VenueTier::Online,
            parent_id: None,
            time_zone: TIME_ZONE,
            location: None,
            seats: None,
            population: None,
            older_population: None,
        });
        if let Some(key) = Category::new(CATEGORY) {
            bundle.categories.push(CategoryDef {
                key,
                name_en: "Distance-learning university module".to_owned(),
                name_zh: "远程教育大学课程".to_owned(),
                parent: None,
            });
        }
        Self {
            online_venue,
            runs: HashMap::new(),
            run_lines: HashMap::new(),
            assessments: HashMap::new(),
            assessment_lines: HashMap::new(),
            student_runs: HashMap::new(),
            learners: HashMap::new(),
            regions: HashMap::new(),
            registration_lines: HashMap::new(),
            result_lines: HashMap::new(),
            bundle,
        }
    }

    fn finish(self) -> Bundle {
        self.bundle
    }

    /// Imports a row of `courses.csv`: one module run.
    fn course(&mut self, row: &mut Row<'_>) {
        let module = row.required("code_module");
        let presentation = row.required("code_presentation");
        let length_days = row.integer("module_presentation_length", 1, MAX_DAY_OFFSET);
        let start = presentation.and_then(|code| run_start_or_reject(row, code));
        let (Some(module), Some(presentation), Some(length_days), Some(start)) =
            (module, presentation, length_days, start)
        else {
            return;
        };

        let run_key = run_key(module, presentation);
        if let Some(&first_line) = self.run_lines.get(&run_key) {
            row.reject(duplicate(
                row,
                "code_presentation",
                "code_module and code_presentation",
                &run_key,
                first_line,
            ));
            return;
        }

        let Some(category) = Category::new(CATEGORY) else {
            let problem = row
                .row_problem(crate::model::codes::INVALID_CATEGORY_KEY)
                .with("field", "category")
                .with("value", CATEGORY);
            row.reject(problem);
            return;
        };
        let course_id = CourseId::derive(SYSTEM, &run_key);
        let course = Course {
            id: course_id,
            source: source_ref(&run_key),
            code: Some(module.to_owned()),
            title: format!("Module {module}, presentation {presentation}"),
            category,
            provider_venue_id: self.online_venue,
            network_level: None,
            capacity: None,
            enrolment_opens_at: None,
            enrolment_closes_at: None,
            walk_in: false,
            min_age: None,
            max_age: None,
            audience: Audience::AllAges,
            residents_only: false,
            credit_value: None,
            completion_threshold: DEFAULT_COMPLETION_THRESHOLD,
            assessment_required: true,
        };
        row.check_record(&course);
        if row.is_rejected() {
            return;
        }

        self.run_lines.insert(run_key.clone(), row.line());
        self.runs.insert(
            run_key,
            Run {
                course_id,
                start,
                length_days,
            },
        );
        self.bundle.courses.push(course);
    }

    /// Reads a row of `assessments.csv`: the run and type of an assessment.
    fn assessment(&mut self, row: &mut Row<'_>) {
        let module = row.required("code_module");
        let presentation = row.required("code_presentation");
        let id = row.integer("id_assessment", 0, MAX_ID);
        let kind = row.required("assessment_type").and_then(|text| {
            let kind = ASSESSMENT_TYPES.iter().find(|kind| **kind == text);
            if kind.is_none() {
                let problem = row
                    .cell_problem(codes::INVALID_CHOICE, "assessment_type", text)
                    .with("allowed", ASSESSMENT_TYPES.join(", "));
                row.reject(problem);
            }
            kind.copied()
        });
        let (Some(module), Some(presentation), Some(id), Some(kind)) =
            (module, presentation, id, kind)
        else {
            return;
        };
        let run_key = run_key(module, presentation);
        if !self.runs.contains_key(&run_key) {
            row.reject(unknown_run(row, &run_key));
            return;
        }
        if let Some(&first_line) = self.assessment_lines.get(&id) {
            row.reject(duplicate(
                row,
                "id_assessment",
                "id_assessment",
                &id.to_string(),
                first_line,
            ));
            return;
        }
        self.assessment_lines.insert(id, row.line());
        self.assessments.insert(id, Assessment { run_key, kind });
    }

    /// Imports a row of `studentInfo.csv`: a student on a run, with their
    /// region and final result.
    fn student(&mut self, row: &mut Row<'_>) {
        let module = row.required("code_module");
        let presentation = row.required("code_presentation");
        let student = row.integer("id_student", 0, MAX_ID);
        let region = row.required("region");
        let result = row.required("final_result").and_then(|text| {
            let result = FinalResult::parse(text);
            if result.is_none() {
                let problem = row
                    .cell_problem(codes::INVALID_CHOICE, "final_result", text)
                    .with("allowed", FinalResult::ALLOWED);
                row.reject(problem);
            }
            result
        });
        let (Some(module), Some(presentation), Some(student), Some(region), Some(result)) =
            (module, presentation, student, region, result)
        else {
            return;
        };
        let run_key = run_key(module, presentation);
        let Some(run) = self.runs.get(&run_key) else {
            row.reject(unknown_run(row, &run_key));
            return;
        };
        let student_key = (run_key, student);
        if let Some(first) = self.student_runs.get(&student_key) {
            let value = format!("{} {student}", student_key.0);
            row.reject(duplicate(
                row,
                "id_student",
                "code_module, code_presentation and id_student",
                &value,
                first.line,
            ));
            return;
        }
        if let Some(known) = self.learners.get(&student)
            && known.region != region
        {
            let problem = row
                .cell_problem(import_codes::CONFLICTING_VALUE, "region", region)
                .with("other_value", known.region.as_str())
                .with("first_line", known.line)
                .with("key", format!("id_student {student}"));
            row.reject(problem);
            return;
        }

        let completion = match result {
            FinalResult::Pass | FinalResult::Distinction => {
                let Some(end) = day(row, run.start, run.length_days, "code_presentation") else {
                    return;
                };
                let key = format!("{}/{student}/final_result", student_key.0);
                Some(Outcome {
                    course_id: Some(run.course_id),
                    details: OutcomeDetails {
                        title: Some(result.as_str().to_owned()),
                        ..OutcomeDetails::EMPTY
                    }
                    .into_shared(),
                    ..outcome(&key, student, OutcomeKind::CourseCompletion, end)
                })
            }
            FinalResult::Fail | FinalResult::Withdrawn => None,
        };
        if let Some(completion) = &completion {
            row.check_record(completion);
        }
        if row.is_rejected() {
            return;
        }

        if !self.learners.contains_key(&student) {
            let home_venue_id = self.region_venue(region);
            let key = student.to_string();
            self.bundle.learners.push(Learner {
                id: LearnerId::derive(SYSTEM, &key),
                source: source_ref(&key),
                display_name: format!("Student {student}"),
                birth_date: None,
                home_venue_id: Some(home_venue_id),
                registered_on: None,
            });
            self.learners.insert(
                student,
                KnownLearner {
                    region: region.to_owned(),
                    line: row.line(),
                },
            );
        }
        self.bundle.outcomes.extend(completion);
        self.student_runs.insert(
            student_key,
            StudentRun {
                line: row.line(),
                result,
            },
        );
    }

    /// Returns the venue of `region`, made on first use.
    fn region_venue(&mut self, region: &str) -> VenueId {
        if let Some(id) = self.regions.get(region) {
            return *id;
        }
        let key = format!("region/{region}");
        let id = VenueId::derive(SYSTEM, &key);
        self.bundle.venues.push(Venue {
            id,
            source: source_ref(&key),
            name: region.to_owned(),
            tier: VenueTier::District,
            parent_id: None,
            time_zone: TIME_ZONE,
            location: None,
            seats: None,
            population: None,
            older_population: None,
        });
        self.regions.insert(region.to_owned(), id);
        id
    }

    /// Imports a row of `studentRegistration.csv`: a registration, and the
    /// unregistration of a student who withdrew.
    fn registration(&mut self, row: &mut Row<'_>) {
        let module = row.required("code_module");
        let presentation = row.required("code_presentation");
        let student = row.integer("id_student", 0, MAX_ID);
        let registered = row.integer("date_registration", -MAX_DAY_OFFSET, MAX_DAY_OFFSET);
        let unregistered: Option<Option<i64>> =
            row.optional_integer("date_unregistration", -MAX_DAY_OFFSET, MAX_DAY_OFFSET);
        let (Some(module), Some(presentation), Some(student)) = (module, presentation, student)
        else {
            return;
        };
        let run_key = run_key(module, presentation);
        let Some(run) = self.runs.get(&run_key) else {
            row.reject(unknown_run(row, &run_key));
            return;
        };
        let student_key = (run_key, student);
        let Some(student_run) = self.student_runs.get(&student_key) else {
            row.reject(unknown_student_run(row, &student_key));
            return;
        };
        if let Some(unregistered_day) = unregistered {
            let withdrawn = student_run.result == FinalResult::Withdrawn;
            if withdrawn != unregistered_day.is_some() {
                let value = unregistered_day
                    .map(|day| day.to_string())
                    .unwrap_or_default();
                let problem = row
                    .cell_problem(
                        import_codes::WITHDRAWAL_MISMATCH,
                        "date_unregistration",
                        &value,
                    )
                    .with("result", student_run.result.as_str())
                    .with("other_file", STUDENT_INFO.file)
                    .with("other_line", student_run.line);
                row.reject(problem);
            }
        }
        let (Some(registered), Some(unregistered)) = (registered, unregistered) else {
            return;
        };
        if let Some(unregistered) = unregistered
            && unregistered < registered
        {
            let problem = row
                .cell_problem(
                    crate::model::codes::ENDS_BEFORE_START,
                    "date_unregistration",
                    &unregistered.to_string(),
                )
                .with("other_field", "date_registration")
                .with("other_value", registered);
            row.reject(problem);
        }
        if let Some(&first_line) = self.registration_lines.get(&student_key) {
            let value = format!("{} {student}", student_key.0);
            row.reject(duplicate(
                row,
                "id_student",
                "code_module, code_presentation and id_student",
                &value,
                first_line,
            ));
        }
        if row.is_rejected() {
            return;
        }

        let requested_at = day(row, run.start, registered, "date_registration")
            .and_then(|date| instant(row, date, "date_registration"));
        let withdrawn_at = match unregistered {
            Some(offset) => day(row, run.start, offset, "date_unregistration")
                .and_then(|date| instant(row, date, "date_unregistration"))
                .map(Some),
            None => Some(None),
        };
        let (Some(requested_at), Some(withdrawn_at)) = (requested_at, withdrawn_at) else {
            return;
        };
        let key = format!("{}/{student}", student_key.0);
        let enrolment = Enrolment {
            id: EnrolmentId::derive(SYSTEM, &key),
            source: source_ref(&key),
            learner_id: LearnerId::derive(SYSTEM, &student.to_string()),
            course_id: run.course_id,
            requested_at,
            status: if withdrawn_at.is_some() {
                EnrolmentStatus::Withdrawn
            } else {
                EnrolmentStatus::Confirmed
            },
            confirmed_at: Some(requested_at),
            withdrawn_at,
            group: None,
        };
        row.check_record(&enrolment);
        if row.is_rejected() {
            return;
        }
        self.registration_lines.insert(student_key, row.line());
        self.bundle.enrolments.push(enrolment);
    }

    /// Imports a row of `studentAssessment.csv`: one student's result in one
    /// assessment.
    fn result(&mut self, row: &mut Row<'_>) {
        let assessment_id = row.integer("id_assessment", 0, MAX_ID);
        let student = row.integer("id_student", 0, MAX_ID);
        let submitted = row.integer("date_submitted", -MAX_DAY_OFFSET, MAX_DAY_OFFSET);
        let banked = row.required("is_banked").and_then(|text| match text {
            "0" => Some(false),
            "1" => Some(true),
            _ => {
                let problem = row
                    .cell_problem(codes::INVALID_CHOICE, "is_banked", text)
                    .with("allowed", "0, 1");
                row.reject(problem);
                None
            }
        });
        let score: Option<u8> = row.integer("score", 0, 100);
        let (Some(assessment_id), Some(student)) = (assessment_id, student) else {
            return;
        };

        let Some(assessment) = self.assessments.get(&assessment_id) else {
            let problem = row
                .cell_problem(
                    bundle_codes::UNKNOWN_REFERENCE,
                    "id_assessment",
                    &assessment_id.to_string(),
                )
                .with("target", ASSESSMENTS.file);
            row.reject(problem);
            return;
        };
        let student_key = (assessment.run_key.clone(), student);
        if !self.student_runs.contains_key(&student_key) {
            row.reject(unknown_student_run(row, &student_key));
            return;
        }
        if let Some(&first_line) = self.result_lines.get(&(assessment_id, student)) {
            let value = format!("{assessment_id} {student}");
            row.reject(duplicate(
                row,
                "id_student",
                "id_assessment and id_student",
                &value,
                first_line,
            ));
        }

        let Some(run) = self.runs.get(&assessment.run_key) else {
            row.reject(unknown_run(row, &assessment.run_key));
            return;
        };
        let (Some(submitted), Some(banked), Some(score)) = (submitted, banked, score) else {
            return;
        };
        if row.is_rejected() {
            return;
        }
        let Some(occurred_on) = day(row, run.start, submitted, "date_submitted") else {
            return;
        };
        let key = format!("{assessment_id}/{student}");
        let result = Outcome {
            course_id: Some(run.course_id),
            banked,
            details: OutcomeDetails {
                title: Some(format!("{} {assessment_id}", assessment.kind)),
                score: Some(score),
                passed: Some(score >= PASS_MARK),
                ..OutcomeDetails::EMPTY
            }
            .into_shared(),
            ..outcome(&key, student, OutcomeKind::Assessment, occurred_on)
        };
        row.check_record(&result);
        if row.is_rejected() {
            return;
        }

        self.result_lines
            .insert((assessment_id, student), row.line());
        self.bundle.outcomes.push(result);
    }
}

fn source_ref(key: &str) -> Option<SourceRef> {
    Some(SourceRef {
        system: SYSTEM.into(),
        key: key.to_owned(),
    })
}

fn run_key(module: &str, presentation: &str) -> String {
    format!("{module}/{presentation}")
}

/// Makes an outcome of `kind` for `student` on `occurred_on`, with no
/// optional field set.
fn outcome(key: &str, student: i64, kind: OutcomeKind, occurred_on: NaiveDate) -> Outcome {
    Outcome {
        id: OutcomeId::derive(SYSTEM, key),
        source: source_ref(key).map(OutcomeSource::from),
        learner_id: LearnerId::derive(SYSTEM, &student.to_string()),
        kind,
        occurred_on,
        recorded_on: None,
        role: Role::Learner,
        minutes: None,
        course_id: None,
        club_id: None,
        session_id: None,
        banked: false,
        details: None,
    }
}

fn run_start_or_reject(row: &mut Row<'_>, code: &str) -> Option<NaiveDate> {
    let Some(start) = run_start(code) else {
        let problem = row.cell_problem(import_codes::INVALID_RUN_CODE, "code_presentation", code);
        row.reject(problem);
        return None;
    };
    // A four-digit year of 0000 starts a run before the year 0001.
    if !in_supported_years(start) {
        let problem = row.cell_problem(
            crate::schedule::codes::DATE_OUT_OF_RANGE,
            "code_presentation",
            code,
        );
        row.reject(problem);
        return None;
    }
    Some(start)
}

/// Returns the date `offset` days after `start`, rejecting the row when
/// that date falls outside the years 0001 to 9999.
fn day(
    row: &mut Row<'_>,
    start: NaiveDate,
    offset: i64,
    column: &'static str,
) -> Option<NaiveDate> {
    let Some(date) = start.checked_add_signed(TimeDelta::days(offset)) else {
        let problem = row
            .cell_problem(codes::OUT_OF_RANGE, column, &offset.to_string())
            .with("min", -MAX_DAY_OFFSET)
            .with("max", MAX_DAY_OFFSET);
        row.reject(problem);
        return None;
    };
    if !in_supported_years(date) {
        // The value shown is the date the offset reaches, written without
        // the sign chrono puts on a year past 9999.
        let reached = format!("{}-{:02}-{:02}", date.year(), date.month(), date.day());
        let problem = row
            .cell_problem(crate::schedule::codes::DATE_OUT_OF_RANGE, column, &reached)
            .with("offset", offset);
        row.reject(problem);
        return None;
    }
    Some(date)
}

/// Returns the start of `date` in [`TIME_ZONE`] as an instant.
fn instant(row: &mut Row<'_>, date: NaiveDate, column: &'static str) -> Option<DateTime<Utc>> {
    match resolve_local(date, NaiveTime::MIN, TIME_ZONE, AmbiguousTime::Earlier) {
        Ok(instant) => Some(instant),
        Err(_) => {
            let problem = row
                .cell_problem(
                    crate::schedule::codes::NONEXISTENT_LOCAL_TIME,
                    column,
                    &format!("{date} 00:00"),
                )
                .with("time_zone", TIME_ZONE.name());
            row.reject(problem);
            None
        }
    }
}

fn duplicate(
    row: &Row<'_>,
    column: &'static str,
    key: &str,
    value: &str,
    first_line: u64,
) -> crate::problem::Problem {
    row.cell_problem(import_codes::DUPLICATE_ROW, column, value)
        .with("key", key)
        .with("first_line", first_line)
}

/// Makes the problem of a row whose run is not in `courses.csv`.
fn unknown_run(row: &Row<'_>, run_key: &str) -> crate::problem::Problem {
    row.cell_problem(
        bundle_codes::UNKNOWN_REFERENCE,
        "code_presentation",
        run_key,
    )
    .with("field", "code_module/code_presentation")
    .with("target", COURSES.file)
}

/// Makes the problem of a row whose student has no imported row for the
/// run in `studentInfo.csv`.
fn unknown_student_run(
    row: &Row<'_>,
    (run_key, student): &(String, i64),
) -> crate::problem::Problem {
    row.cell_problem(
        bundle_codes::UNKNOWN_REFERENCE,
        "id_student",
        &format!("{student} on {run_key}"),
    )
    .with("target", STUDENT_INFO.file)
}
