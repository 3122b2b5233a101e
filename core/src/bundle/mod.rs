//! The season bundle: a season's records as a folder of CSV files plus an
//! optional rules file.
//!
//! | file | records | required |
//! |---|---|---|
//! | `venues.csv` | [`Venue`] | yes |
//! | `courses.csv` | [`Course`] | yes |
//! | `sessions.csv` | [`Session`] | yes |
//! | `learners.csv` | [`Learner`] | no |
//! | `instructors.csv` | [`Instructor`] | no |
//! | `categories.csv` | [`CategoryDef`], extending the built-in taxonomy | no |
//! | `clubs.csv` | [`Club`] | no |
//! | `club_members.csv` | [`ClubMember`], the membership history of the clubs | no |
//! | `enrolments.csv` | [`Enrolment`] | no |
//! | `scans.csv` | [`Scan`] | no |
//! | `excusals.csv` | [`Excusal`] | no |
//! | `outcomes.csv` | [`Outcome`] | no |
//! | `rules.json` | credit rules, read by the credit engine | no |
//!
//! Reading returns what it read *and* a [`ReadReport`] that accounts for
//! every row: each is accepted or rejected with at least one problem naming
//! the file, the line and the field. After each file is read on its own, rows
//! whose references do not resolve are rejected in dependency order (venues,
//! then learners, instructors and clubs, then club memberships, courses,
//! sessions, and what refers to them). A membership that overlaps an earlier
//! row of the same learner and club is rejected as well. Scans are the exception: a scan for an unknown session or
//! learner is kept, because the attendance engine reports it as a rejected
//! scan with its own reason.

pub(crate) mod encoding;
pub(crate) mod lines;
mod link;
#[cfg(feature = "parallel")]
mod pieces;
mod read;
mod report;
mod source;
mod write;

use std::io;

use thiserror::Error;

use crate::model::{
    CategoryDef, Club, ClubMember, Course, Enrolment, Excusal, Instructor, Learner, Outcome, Scan,
    Session, Taxonomy, Venue,
};
use crate::problem::Problem;
use crate::record::Record;
use crate::schedule::TimedSession;

pub use encoding::Encoding;
pub use read::Row;
pub use report::{FileReport, ReadReport};
pub use source::{BundleSink, BundleSource, MemoryBundle};
pub use write::write_records;

/// The name of the optional rules file.
pub const RULES_FILE: &str = "rules.json";

/// The CSV files of a bundle and whether each must be present, in reading
/// order.
pub const CSV_FILES: &[(&str, bool)] = &[
    ("categories.csv", false),
    ("venues.csv", true),
    ("learners.csv", false),
    ("instructors.csv", false),
    ("clubs.csv", false),
    ("club_members.csv", false),
    ("courses.csv", true),
    ("sessions.csv", true),
    ("enrolments.csv", false),
    ("excusals.csv", false),
    ("outcomes.csv", false),
    ("scans.csv", false),
];

/// A season's records, as read from a bundle.
///
/// Two bundles are equal when they hold equal records and
/// [`restricts_learners`](Bundle::restricts_learners) agrees. The value of
/// `learners_listed` is ignored while the learners are not empty.
#[derive(Clone, Debug, Default)]
pub struct Bundle {
    /// Categories that extend the built-in taxonomy.
    pub categories: Vec<CategoryDef>,
    /// Venues of the learning network.
    pub venues: Vec<Venue>,
    /// Learners.
    pub learners: Vec<Learner>,
    /// Whether `learners` is the full list of known learners even when it is
    /// empty. Reading sets it when the bundle has a `learners.csv`, so that
    /// after a file whose rows were all rejected no learner is known. While
    /// it is false, an empty `learners` accepts any learner id, as
    /// [`restricts_learners`](Bundle::restricts_learners) describes.
    pub learners_listed: bool,
    /// Instructors.
    pub instructors: Vec<Instructor>,
    /// Learning clubs.
    pub clubs: Vec<Club>,
    /// The membership history of the clubs.
    pub club_members: Vec<ClubMember>,
    /// Courses.
    pub courses: Vec<Course>,
    /// Sessions with their instants.
    pub sessions: Vec<TimedSession>,
    /// Enrolments.
    pub enrolments: Vec<Enrolment>,
    /// Excusals.
    pub excusals: Vec<Excusal>,
    /// Learning outcomes recorded outside attendance.
    pub outcomes: Vec<Outcome>,
    /// Check-in and check-out scans.
    pub scans: Vec<Scan>,
    /// The text of `rules.json`, when the bundle has one.
    pub rules: Option<String>,
    /// The problem that kept a `rules.json` that is not UTF-8 JSON out of
    /// `rules`. A season run without a rule set of its own reports it rather
    /// than credit with the built-in rules in place of the bundle's.
    pub rules_problem: Option<Problem>,
}

impl Bundle {
    /// The taxonomy of the bundle: the built-in categories extended by
    /// `categories.csv`.
    pub fn taxonomy(&self) -> Taxonomy {
        Taxonomy::extended(&self.categories).unwrap_or_default()
    }

    /// Returns whether only the bundle's learners are known: true when it
    /// has any learner or `learners_listed` is set. When true, the
    /// attendance engine rejects scans of other learner ids and the credit
    /// engine skips their outcomes. When false, any learner id is accepted.
    ///
    /// # Example
    ///
    /// ```
    /// use xuetong::bundle::Bundle;
    ///
    /// assert!(!Bundle::default().restricts_learners());
    /// let listed = Bundle {
    ///     learners_listed: true,
    ///     ..Bundle::default()
    /// };
    /// assert!(listed.restricts_learners());
    /// ```
    pub fn restricts_learners(&self) -> bool {
        self.learners_listed || !self.learners.is_empty()
    }
}

/// Compares the flag `learners_listed` only through
/// [`Bundle::restricts_learners`], because the flag changes nothing while
/// the bundle has learners. Writing such a bundle writes its
/// `learners.csv`, and reading that file sets the flag, so a bundle built
/// in code with learners and the flag unset equals the bundle read back.
impl PartialEq for Bundle {
    fn eq(&self, other: &Self) -> bool {
        // Naming every field makes a new field a compile error here until
        // it is compared.
        let Bundle {
            categories,
            venues,
            learners,
            learners_listed: _,
            instructors,
            clubs,
            club_members,
            courses,
            sessions,
            enrolments,
            excusals,
            outcomes,
            scans,
            rules,
            rules_problem,
        } = self;
        self.restricts_learners() == other.restricts_learners()
            && *categories == other.categories
            && *venues == other.venues
            && *learners == other.learners
            && *instructors == other.instructors
            && *clubs == other.clubs
            && *club_members == other.club_members
            && *courses == other.courses
            && *sessions == other.sessions
            && *enrolments == other.enrolments
            && *excusals == other.excusals
            && *outcomes == other.outcomes
            && *scans == other.scans
            && *rules == other.rules
            && *rules_problem == other.rules_problem
    }
}

/// A failure to read or write a bundle at all, as opposed to problems in its
/// rows (which go to the [`ReadReport`]).
#[derive(Debug, Error)]
pub enum BundleError {
    /// A file could not be listed, opened, read, written or removed.
    #[error("failed to {action} {file}: {source}; {}", io_advice(.action, .source))]
    Io {
        /// The failed action: `list`, `read`, `write` or `remove`.
        action: &'static str,
        /// The file (or the bundle, for listing).
        file: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// Returns what to check after `error`, met while doing `action` (`list`,
/// `read`, `write` or `remove`) on a file.
pub(crate) fn io_advice(action: &str, error: &std::io::Error) -> &'static str {
    if error.kind() == std::io::ErrorKind::IsADirectory {
        return "a file of this name is needed, not a folder: move the folder away";
    }
    match action {
        "write" => "check that its folder exists and is writable and that the disk has room",
        "remove" => "check that its folder is writable",
        _ => "check that it exists and is readable",
    }
}

/// Reads a bundle and reports every problem of every file and row.
///
/// # Errors
///
/// Returns [`BundleError::Io`] only when a file cannot be read at all.
/// Problems in the data are not errors: they are in the [`ReadReport`], and
/// the rows they concern are left out of the [`Bundle`].
///
/// # Example
///
/// ```
/// use xuetong::bundle::{MemoryBundle, read_bundle};
///
/// let mut files = MemoryBundle::new();
/// files.insert("venues.csv", "id,name,tier,time_zone\n\
///     9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c,Qiantang District College,district,Asia/Shanghai\n");
/// files.insert("courses.csv", "id,title,category,provider_venue_id\n");
/// files.insert("sessions.csv", "id,course_id,venue_id,date,start_time,end_time\n");
/// let (bundle, report) = read_bundle(&files)?;
/// assert_eq!(bundle.venues.len(), 1);
/// assert!(report.is_clean());
/// # Ok::<(), xuetong::bundle::BundleError>(())
/// ```
pub fn read_bundle(source: &dyn BundleSource) -> Result<(Bundle, ReadReport), BundleError> {
    read_bundle_with(source, Parsing::InOneGo, |files| {
        // Stops at the first file that cannot be read.
        files
            .iter()
            .map(|file| read_any(source, file, Parsing::InOneGo))
            .collect::<Result<Vec<_>, _>>()
    })
}

/// Reads a bundle as [`read_bundle`] does, with its CSV files parsed in
/// parallel on the rayon thread pool: one file per task, and a large file
/// without quotes cut into pieces of a few megabytes at line ends, each
/// parsed by its own task.
///
/// The bundle, the rows, the problems and their order are the same as
/// [`read_bundle`] returns. Every file is read even after one fails, and
/// the error returned is that of the first failing file in reading order.
///
/// # Errors
///
/// Returns [`BundleError::Io`] only when a file cannot be read at all.
///
/// # Example
///
/// ```
/// use xuetong::bundle::{MemoryBundle, read_bundle, read_bundle_parallel};
///
/// let mut files = MemoryBundle::new();
/// files.insert("venues.csv", "id,name,tier,time_zone\n\
///     9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c,Qiantang District College,district,Asia/Shanghai\n");
/// files.insert("courses.csv", "id,title,category,provider_venue_id\n");
/// let parallel = read_bundle_parallel(&files)?;
/// assert_eq!(parallel, read_bundle(&files)?);
/// assert_eq!(parallel.0.venues.len(), 1);
/// # Ok::<(), xuetong::bundle::BundleError>(())
/// ```
#[cfg(feature = "parallel")]
pub fn read_bundle_parallel(
    source: &(dyn BundleSource + Sync),
) -> Result<(Bundle, ReadReport), BundleError> {
    use rayon::prelude::*;

    read_bundle_with(source, Parsing::InPieces, |files| {
        let results: Vec<Result<FileRead, BundleError>> = files
            .par_iter()
            .map(|file| read_any(source, file, Parsing::InPieces))
            .collect();
        results.into_iter().collect()
    })
}

/// Reads a bundle, with `read_files` reading the CSV files named, and
/// returning their contents in the same order. With [`Parsing::InPieces`],
/// linking uses the rayon thread pool too.
fn read_bundle_with(
    source: &dyn BundleSource,
    parsing: Parsing,
    read_files: impl FnOnce(&[&'static str]) -> Result<Vec<FileRead>, BundleError>,
) -> Result<(Bundle, ReadReport), BundleError> {
    let mut report = ReadReport::default();
    let names = source.file_names().map_err(|source| BundleError::Io {
        action: "list",
        file: "the bundle".into(),
        source,
    })?;
    for name in &names {
        let known = name == RULES_FILE || CSV_FILES.iter().any(|(file, _)| file == name);
        // `Scans.CSV` is a data file too: it must be reported, not skipped.
        let lower = name.to_lowercase();
        let data_file = lower.ends_with(".csv") || lower.ends_with(".json");
        // `scans.xlsx` without a `scans.csv` contains scans saved in
        // another format, which would otherwise be lost without a word.
        let stem = lower
            .rsplit_once('.')
            .map_or(lower.as_str(), |(stem, _)| stem);
        let stands_in =
            bundle_file_named(stem).is_some_and(|file| !names.iter().any(|name| name == file));
        if (data_file || stands_in) && !known {
            report.problems.push(
                Problem::new(codes::UNKNOWN_FILE, read::file_path(name))
                    .with("file", name.as_str())
                    .with("allowed", known_files()),
            );
        }
    }
    let mut bundle = Bundle::default();
    let present: Vec<&'static str> = CSV_FILES
        .iter()
        .map(|&(file, _)| file)
        .filter(|file| names.iter().any(|name| name == file))
        .collect();
    bundle.learners_listed = present.contains(&"learners.csv");
    let mut contents = read_files(&present)?.into_iter();
    let mut rows = RawRows::default();
    for &(file, required) in CSV_FILES {
        if !present.contains(&file) {
            if required {
                report.problems.push(
                    Problem::new(codes::MISSING_FILE, read::file_path(file)).with("file", file),
                );
            }
            continue;
        }
        if let Some(content) = contents.next() {
            rows.store(content, &mut report);
        }
    }
    if names.iter().any(|name| name == RULES_FILE) {
        match read_rules(source)? {
            Ok(text) => bundle.rules = text,
            Err(problem) => {
                report.problems.push(problem.clone());
                bundle.rules_problem = Some(problem);
            }
        }
    }
    let in_parallel = match parsing {
        Parsing::InOneGo => false,
        #[cfg(feature = "parallel")]
        Parsing::InPieces => true,
    };
    link::link(rows, &mut bundle, &mut report, in_parallel);
    Ok((bundle, report))
}

/// Returns the bundle file whose name without its extension is `stem`,
/// such as `scans.csv` for `scans`.
fn bundle_file_named(stem: &str) -> Option<&'static str> {
    CSV_FILES
        .iter()
        .map(|&(file, _)| file)
        .chain([RULES_FILE])
        .find(|file| file.rsplit_once('.').is_some_and(|(name, _)| name == stem))
}

fn known_files() -> String {
    let mut names: Vec<&str> = CSV_FILES.iter().map(|(file, _)| *file).collect();
    names.push(RULES_FILE);
    names.join(", ")
}

/// Reads the text of `rules.json`: `None` without the file, and the problem
/// when it is not UTF-8 JSON or gives a key twice in one object.
fn read_rules(source: &dyn BundleSource) -> Result<Result<Option<String>, Problem>, BundleError> {
    let io_error = |source| BundleError::Io {
        action: "read",
        file: RULES_FILE.into(),
        source,
    };
    let Some(mut reader) = source.open(RULES_FILE).map_err(io_error)? else {
        return Ok(Ok(None));
    };
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(io_error)?;
    let text = String::from_utf8(bytes).map_err(|error| error.utf8_error());
    let text = match text {
        Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(error) => {
            return Ok(Err(Problem::new(
                codes::INVALID_ENCODING,
                read::file_path(RULES_FILE),
            )
            .with("file", RULES_FILE)
            .with("offset", error.valid_up_to())));
        }
    };
    if let Err(problem) = crate::api::parse_json_document(&text) {
        // The problem is reported at the file, as every problem of a
        // bundle file is, and its detail names the key and position.
        let detail = problem.params.get("detail").cloned().unwrap_or_default();
        return Ok(Err(Problem::new(
            crate::problem::codes::MALFORMED_JSON,
            read::file_path(RULES_FILE),
        )
        .with("file", RULES_FILE)
        .with("detail", detail)));
    }
    Ok(Ok(Some(text)))
}

/// The rows of every file, read but not yet linked.
#[derive(Default)]
struct RawRows {
    categories: Vec<Row<CategoryDef>>,
    venues: Vec<Row<Venue>>,
    learners: Vec<Row<Learner>>,
    instructors: Vec<Row<Instructor>>,
    clubs: Vec<Row<Club>>,
    club_members: Vec<Row<ClubMember>>,
    courses: Vec<Row<Course>>,
    sessions: Vec<Row<Session>>,
    enrolments: Vec<Row<Enrolment>>,
    excusals: Vec<Row<Excusal>>,
    outcomes: Vec<Row<Outcome>>,
    scans: Vec<Row<Scan>>,
}

/// The rows of one file, by the file's record type.
enum FileRows {
    Categories(Vec<Row<CategoryDef>>),
    Venues(Vec<Row<Venue>>),
    Learners(Vec<Row<Learner>>),
    Instructors(Vec<Row<Instructor>>),
    Clubs(Vec<Row<Club>>),
    ClubMembers(Vec<Row<ClubMember>>),
    Courses(Vec<Row<Course>>),
    Sessions(Vec<Row<Session>>),
    Enrolments(Vec<Row<Enrolment>>),
    Excusals(Vec<Row<Excusal>>),
    Outcomes(Vec<Row<Outcome>>),
    Scans(Vec<Row<Scan>>),
    /// A file that is not one of [`CSV_FILES`].
    None,
}

/// One CSV file as read on its own: its rows, and what is added to the
/// [`ReadReport`] for it.
struct FileRead {
    rows: FileRows,
    problems: Vec<Problem>,
    notices: Vec<Problem>,
    report: FileReport,
}

impl RawRows {
    /// Keeps the rows of one file and adds its problems, notices and counts
    /// to `report`.
    fn store(&mut self, content: FileRead, report: &mut ReadReport) {
        match content.rows {
            FileRows::Categories(rows) => self.categories = rows,
            FileRows::Venues(rows) => self.venues = rows,
            FileRows::Learners(rows) => self.learners = rows,
            FileRows::Instructors(rows) => self.instructors = rows,
            FileRows::Clubs(rows) => self.clubs = rows,
            FileRows::ClubMembers(rows) => self.club_members = rows,
            FileRows::Courses(rows) => self.courses = rows,
            FileRows::Sessions(rows) => self.sessions = rows,
            FileRows::Enrolments(rows) => self.enrolments = rows,
            FileRows::Excusals(rows) => self.excusals = rows,
            FileRows::Outcomes(rows) => self.outcomes = rows,
            FileRows::Scans(rows) => self.scans = rows,
            FileRows::None => return,
        }
        report.problems.extend(content.problems);
        report.notices.extend(content.notices);
        report.files.push(content.report);
    }
}

/// The way the text of a CSV file is parsed.
#[derive(Clone, Copy)]
enum Parsing {
    /// From start to end by one worker.
    InOneGo,
    /// In pieces on the rayon thread pool when the file allows it.
    #[cfg(feature = "parallel")]
    InPieces,
}

/// Reads the CSV file `file` of the bundle with the record type it holds.
fn read_any(
    source: &dyn BundleSource,
    file: &str,
    parsing: Parsing,
) -> Result<FileRead, BundleError> {
    let read = match file {
        "categories.csv" => read_one(source, file, FileRows::Categories, parsing),
        "venues.csv" => read_one(source, file, FileRows::Venues, parsing),
        "learners.csv" => read_one(source, file, FileRows::Learners, parsing),
        "instructors.csv" => read_one(source, file, FileRows::Instructors, parsing),
        "clubs.csv" => read_one(source, file, FileRows::Clubs, parsing),
        "club_members.csv" => read_one(source, file, FileRows::ClubMembers, parsing),
        "courses.csv" => read_one(source, file, FileRows::Courses, parsing),
        "sessions.csv" => read_one(source, file, FileRows::Sessions, parsing),
        "enrolments.csv" => read_one(source, file, FileRows::Enrolments, parsing),
        "excusals.csv" => read_one(source, file, FileRows::Excusals, parsing),
        "outcomes.csv" => read_one(source, file, FileRows::Outcomes, parsing),
        "scans.csv" => read_one(source, file, FileRows::Scans, parsing),
        _ => Ok(None),
    }?;
    Ok(read.unwrap_or(FileRead {
        rows: FileRows::None,
        problems: Vec::new(),
        notices: Vec::new(),
        report: FileReport::new(file),
    }))
}

/// Reads the records of `file`, or returns `None` when the source has no
/// such file after all.
fn read_one<T: Record + Send>(
    source: &dyn BundleSource,
    file: &str,
    wrap: fn(Vec<Row<T>>) -> FileRows,
    parsing: Parsing,
) -> Result<Option<FileRead>, BundleError> {
    let io_error = |source| BundleError::Io {
        action: "read",
        file: file.to_owned(),
        source,
    };
    let Some(reader) = source.open(file).map_err(io_error)? else {
        return Ok(None);
    };
    let mut problems = Vec::new();
    let mut notices = Vec::new();
    let (mut rows, mut file_report) = match parsing {
        Parsing::InOneGo => read::read_file::<T>(file, reader, &mut problems, &mut notices),
        #[cfg(feature = "parallel")]
        Parsing::InPieces => {
            let size = source.size(file);
            pieces::read_file::<T>(file, reader, size, &mut problems, &mut notices)
        }
    }
    .map_err(io_error)?;
    // The encoding is decided from the start of the file. When a later row
    // turns out not to be UTF-8, the file may be GB18030 after all: read it
    // again as GB18030 if the whole file decodes cleanly that way.
    let late_non_utf8 = file_report.encoding == Some(Encoding::Utf8)
        && problems
            .iter()
            .any(|problem| problem.code == codes::INVALID_ENCODING);
    if late_non_utf8
        && let Some(reader) = source.open(file).map_err(io_error)?
        && let Some(text) = encoding::decode_gb18030(reader).map_err(io_error)?
    {
        problems.clear();
        notices.clear();
        (rows, file_report) =
            read::read_gb18030::<T>(file, text, &mut problems, &mut notices).map_err(io_error)?;
    }
    Ok(Some(FileRead {
        rows: wrap(rows),
        problems,
        notices,
        report: file_report,
    }))
}

/// Writes every record of `bundle` as CSV files (and `rules.json` when the
/// bundle has rules) to `sink`. `learners.csv` is written only when the
/// bundle [restricts learners](Bundle::restricts_learners), and removed from
/// `sink` otherwise, so that reading the files back accepts the same learner
/// ids. Likewise `rules.json` is removed from `sink` when the bundle has no
/// rules, so that reading the files back finds no rules.
///
/// # Errors
///
/// Returns [`BundleError::Io`] when a file cannot be written or removed.
pub fn write_bundle(bundle: &Bundle, sink: &mut dyn BundleSink) -> Result<(), BundleError> {
    let sessions: Vec<&Session> = bundle.sessions.iter().map(|timed| &timed.session).collect();
    write_file(sink, "categories.csv", &bundle.categories)?;
    write_file(sink, "venues.csv", &bundle.venues)?;
    if bundle.restricts_learners() {
        write_file(sink, "learners.csv", &bundle.learners)?;
    } else {
        remove_file(sink, "learners.csv")?;
    }
    write_file(sink, "instructors.csv", &bundle.instructors)?;
    write_file(sink, "clubs.csv", &bundle.clubs)?;
    write_file(sink, "club_members.csv", &bundle.club_members)?;
    write_file(sink, "courses.csv", &bundle.courses)?;
    write_file(sink, "sessions.csv", sessions.iter().copied())?;
    write_file(sink, "enrolments.csv", &bundle.enrolments)?;
    write_file(sink, "excusals.csv", &bundle.excusals)?;
    write_file(sink, "outcomes.csv", &bundle.outcomes)?;
    write_file(sink, "scans.csv", &bundle.scans)?;
    if let Some(rules) = &bundle.rules {
        let io_error = |source| BundleError::Io {
            action: "write",
            file: RULES_FILE.into(),
            source,
        };
        let mut writer = sink.create(RULES_FILE).map_err(io_error)?;
        writer.write_all(rules.as_bytes()).map_err(io_error)?;
        writer.flush().map_err(io_error)?;
    } else {
        remove_file(sink, RULES_FILE)?;
    }
    Ok(())
}

fn remove_file(sink: &mut dyn BundleSink, file: &str) -> Result<(), BundleError> {
    sink.remove(file).map_err(|source| BundleError::Io {
        action: "remove",
        file: file.to_owned(),
        source,
    })
}

fn write_file<'a, T: Record + 'a>(
    sink: &mut dyn BundleSink,
    file: &str,
    records: impl IntoIterator<Item = &'a T>,
) -> Result<(), BundleError> {
    let io_error = |source| BundleError::Io {
        action: "write",
        file: file.to_owned(),
        source,
    };
    let writer = sink.create(file).map_err(io_error)?;
    write_records(records, writer).map_err(io_error)
}

/// Codes for bundle files and the links between their rows.
pub mod codes {
    crate::define_codes! {
        /// A required file of the bundle is missing.
        MISSING_FILE = "missing_file",
            en: "the bundle has no {file}, which is required",
            zh: "数据包缺少必需的文件 {file}";
        /// A CSV or JSON file not in the bundle format, or a missing bundle file's name with another extension.
        UNKNOWN_FILE = "unknown_file",
            en: "{file} is not a bundle file; the files are {allowed}; rename or remove it",
            zh: "{file} 不是数据包文件；数据包文件为 {allowed}；请重命名或删除";
        /// A file with no header row.
        EMPTY_FILE = "empty_file",
            en: "{file} is empty; it needs at least a header row",
            zh: "{file} 为空，至少需要表头行";
        /// A row with more or fewer cells than the header.
        WRONG_FIELD_COUNT = "wrong_field_count",
            en: "{file} line {line} has {found} cells but the header has {expected}",
            zh: "{file} 第 {line} 行有 {found} 个单元格，而表头有 {expected} 列";
        /// A required column is missing from the header.
        MISSING_COLUMN = "missing_column",
            en: "{file} has no column {column}, which is required",
            zh: "{file} 缺少必需的列 {column}";
        /// A header that lacks required columns and contains semicolons or tabs, so the file seems to use another separator.
        WRONG_SEPARATOR = "wrong_separator",
            en: "{file} seems to separate its columns with \"{separator}\" instead of commas; bundle files are comma-separated, so save it as CSV with commas",
            zh: "{file} 似乎用“{separator}”而非逗号分隔各列；数据包文件以逗号分隔，请另存为逗号分隔的 CSV";
        /// A header column that the file's records do not have.
        UNKNOWN_COLUMN = "unknown_column",
            en: "{file} has an unknown column \"{column}\"; the columns are {allowed}",
            zh: "{file} 含未知列“{column}”；可用的列为 {allowed}";
        /// A quoted cell whose closing quote is missing, so that it runs to the end of the file.
        UNCLOSED_QUOTE = "unclosed_quote",
            en: "{file} line {line}: the quote opened on line {quote_line} is never closed, so lines {quote_line} to {last_line} were read as one cell; add the closing quote",
            zh: "{file} 第 {line} 行：第 {quote_line} 行开始的引号没有闭合，第 {quote_line} 行到第 {last_line} 行被读成了一个单元格；请补上闭合的引号";
        /// A column named twice in the header.
        DUPLICATE_COLUMN = "duplicate_column",
            en: "{file} names column {column} twice, at positions {first_position} and {position}",
            zh: "{file} 的列 {column} 出现两次，分别在第 {first_position} 和第 {position} 列";
        /// Bytes that are neither UTF-8 nor GB18030, the first at byte `offset` of the file.
        INVALID_ENCODING = "invalid_encoding",
            en: "{file} is not valid UTF-8 or GB18030 text (first bad byte at offset {offset}); save it as CSV UTF-8",
            zh: "{file} 不是有效的 UTF-8 或 GB18030 文本（首个错误字节位于偏移 {offset}）；请另存为 CSV UTF-8";
        /// A text encoding that bundles do not accept.
        UNSUPPORTED_ENCODING = "unsupported_encoding",
            en: "{file} is saved as {encoding}; save it as CSV UTF-8",
            zh: "{file} 的编码为 {encoding}；请另存为 CSV UTF-8";
        /// A file read as GB18030 rather than UTF-8 (a notice, not an error).
        GB18030_DETECTED = "gb18030_detected",
            en: "{file} was read as GB18030 (Chinese spreadsheet encoding); saving it as CSV UTF-8 avoids guessing",
            zh: "{file} 按 GB18030（中文表格软件编码）读取；建议另存为 CSV UTF-8";
        /// A second record with an id already used in the same file.
        DUPLICATE_KEY = "duplicate_key",
            en: "{file} line {line}: id {value} is already used on line {first_line}",
            zh: "{file} 第 {line} 行：id {value} 已在第 {first_line} 行使用";
        /// A reference to a record that the bundle does not have (or rejected).
        UNKNOWN_REFERENCE = "unknown_reference",
            en: "{file} line {line}: {field} {value} is not in {target}",
            zh: "{file} 第 {line} 行：{field} {value} 不在 {target} 中";
        /// A venue whose parent is not of a higher tier.
        INVALID_PARENT_TIER = "invalid_parent_tier",
            en: "{file} line {line}: a {tier} venue cannot belong to a {parent_tier} venue",
            zh: "{file} 第 {line} 行：{tier} 级场所不能隶属于 {parent_tier} 级场所";
    }
}
