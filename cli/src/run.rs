//! `xuetong run BUNDLE --out DIR`: runs a season on a bundle folder and
//! writes every output file and `report.html`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use clap::Args;
use rayon::prelude::*;
use serde_json::Value;
use xuetong::attendance::AttendanceReport;
use xuetong::attendance::{AttendancePolicy, TokenKey};
use xuetong::bundle::{Bundle, RULES_FILE, ReadReport, read_bundle_parallel};
use xuetong::credit::xapi::XapiOptions;
use xuetong::credit::{Ledger, RuleSet, parse_rule_set};
use xuetong::field::{FieldValue, trim_spaces};
use xuetong::model::Scan;
use xuetong::problem::{Code, Locale, Path as ProblemPath, PathSegment, Problem};
use xuetong::schedule::codes::DATE_OUT_OF_RANGE;
use xuetong::season::{
    OutputFile, REJECTED_ROWS_FILE, ScopeKind, Season, SeasonOptions, SeasonStep, default_as_of,
    run_season_alongside, write_attendance_output, write_output, write_rejected_rows,
};
use xuetong::stats::Period;
use xuetong_cli::output::{counted, grouped};
use xuetong_cli::progress::{CountedFolder, Progress};
use xuetong_cli::report::{BatchSummary, Figures, REPORT_FILE, batch_summary, render};
use xuetong_cli::{complain, say};

use crate::lock::{LOCK_FILE, LockError, OutputLock};
use crate::out_folder::{out_error_fix, out_folder_problem};
use crate::{EXIT_BAD_INPUT, EXIT_BUSY, EXIT_FAILURE, EXIT_OK};

/// The home page used when `--home-page` is not given. The `.invalid` top
/// level domain never resolves, so deposits and statements made with it are
/// visibly not tied to a real platform.
const DEFAULT_HOME_PAGE: &str = "https://platform.invalid";

/// How many rejected rows are shown for each problem code.
const EXAMPLES_PER_CODE: usize = 3;

/// The arguments of `xuetong run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The bundle folder to run.
    bundle: PathBuf,
    /// The folder to write the outputs and report.html to (created when
    /// missing). A symbolic link to a folder is followed. Files of the same
    /// names are replaced, and hidden tables that a killed run left, such
    /// as .attendance_records.csv.partial, are removed. The run locks the
    /// folder with the file .xuetong.lock, and a run into a folder that
    /// another run has locked stops at once.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// A credit rule set document (JSON) [default: the bundle's rules.json,
    /// else the built-in community rules].
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The evaluation time, RFC 3339 with an offset, such as
    /// 2026-04-01T00:00:00+08:00 [default: the latest time the bundle
    /// mentions, counting only scans received before their session's
    /// windows closed].
    #[arg(long, value_name = "TIME", value_parser = parse_instant)]
    as_of: Option<DateTime<Utc>>,
    /// Also write xAPI statements (xapi_statements.jsonl), which are large.
    #[arg(long)]
    xapi: bool,
    /// A file holding the platform's check-in token key in hexadecimal;
    /// without it tokens are not verified.
    #[arg(long, value_name = "FILE")]
    token_key: Option<PathBuf>,
    /// The ledger document of an earlier run (its credit_ledger.json), which
    /// this run appends to.
    #[arg(long, value_name = "FILE")]
    previous_ledger: Option<PathBuf>,
    /// An attendance policy document (JSON) [default: the default policy].
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The platform's home page, for xAPI actors and credit-bank deposit
    /// keys.
    #[arg(long, value_name = "URL", default_value = DEFAULT_HOME_PAGE, value_parser = parse_home_page)]
    home_page: String,
    /// The IANA time zone of the recording date and xAPI timestamps, such as
    /// Asia/Shanghai [default: the zone of the bundle's venues, or UTC].
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    time_zone: Option<Tz>,
    /// The kinds of scope to write statistics for, separated by commas:
    /// platform, district, street, venue, category, course, club, or none.
    /// Venue, category, course and club add a scope for each venue,
    /// category, course or club, thousands of rows on a district
    /// [default: platform,district,street].
    #[arg(long, value_name = "KINDS", value_parser = parse_kinds)]
    statistics: Option<BTreeSet<ScopeKind>>,
    /// The period of the statistics and the learning index, as two dates
    /// such as 2026-03-01..2026-03-31, both included [default: from the
    /// first session or outcome of the bundle to the recording date].
    #[arg(long, value_name = "FIRST..LAST", value_parser = parse_period)]
    period: Option<Period>,
    /// Print how long each step took (reading, each step of the season,
    /// writing each file) to standard error at the end.
    #[arg(long)]
    timings: bool,
    /// The token key given in code rather than in a file, by `xuetong demo`.
    #[arg(skip)]
    key: Option<TokenKey>,
}

impl RunArgs {
    /// Returns the arguments of a run of the generated sample in `bundle`,
    /// writing to `out`, evaluated at the sample's `as_of` with its token
    /// key, and with every other option at its default.
    pub(crate) fn sample(
        bundle: PathBuf,
        out: PathBuf,
        as_of: DateTime<Utc>,
        key: TokenKey,
    ) -> Self {
        Self {
            bundle,
            out,
            rules: None,
            as_of: Some(as_of),
            xapi: false,
            token_key: None,
            previous_ledger: None,
            policy: None,
            home_page: DEFAULT_HOME_PAGE.to_owned(),
            time_zone: None,
            statistics: None,
            period: None,
            timings: false,
            key: Some(key),
        }
    }
}

fn parse_period(text: &str) -> Result<Period, String> {
    let expected = || "expected two dates such as 2026-03-01..2026-03-31".to_owned();
    // Read as a date cell is: trimmed without dropping the line separators
    // U+0085, U+2028 and U+2029, and a four-digit year with two-digit month
    // and day.
    let (first, last) = trim_spaces(text).split_once("..").ok_or_else(expected)?;
    let day = |text: &str| NaiveDate::from_text(trim_spaces(text)).map_err(|_| expected());
    let period = Period {
        first_day: day(first)?,
        last_day: day(last)?,
    };
    if period.last_day < period.first_day {
        return Err("the last day comes before the first; give the earlier date first".to_owned());
    }
    Ok(period)
}

fn parse_kinds(text: &str) -> Result<BTreeSet<ScopeKind>, String> {
    if trim_spaces(text) == "none" {
        return Ok(BTreeSet::new());
    }
    text.split(',')
        .map(|kind| {
            ScopeKind::parse(trim_spaces(kind)).ok_or_else(|| {
                format!(
                    "\"{}\" is not a kind of scope; expected platform, district, street, venue, category, course, club or none",
                    trim_spaces(kind)
                )
            })
        })
        .collect()
}

/// Reads `--as-of` as the bundle reader reads a scan's time, so that the
/// option rejects the same misplaced seconds of 60 and UTC years past 9999.
fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::<Utc>::from_text(trim_spaces(text)).map_err(|invalid| {
        let message = if invalid.code == xuetong::problem::codes::INVALID_LEAP_SECOND {
            "a second of 60 is a leap second only at 23:59:60 UTC on the last day of a month; write the second as 59"
        } else if invalid.code == DATE_OUT_OF_RANGE {
            "the time falls outside the years 0001 to 9999 in UTC; give a time within them"
        } else {
            "expected a date and time with a UTC offset, such as 2026-04-01T00:00:00+08:00"
        };
        message.to_owned()
    })
}

/// Checks a `--home-page` value as the season run checks it, so that a bad
/// URL is a usage error found before the bundle is read. The value is
/// returned as written, since the season run trims it itself.
fn parse_home_page(text: &str) -> Result<String, String> {
    match XapiOptions::new(text, Tz::UTC) {
        Ok(_) => Ok(text.to_owned()),
        Err(problems) => Err(problems
            .iter()
            .map(|problem| format!("{} [{}]", problem.message, problem.code))
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

fn parse_zone(text: &str) -> Result<Tz, String> {
    trim_spaces(text)
        .parse::<Tz>()
        .map_err(|_| "expected an IANA time-zone name such as Asia/Shanghai".to_owned())
}

/// Why the command stopped early: bad input, a busy output folder or a
/// failure, with the message.
pub(crate) enum Stop {
    BadInput(String),
    Busy(String),
    Failure(String),
}

impl Stop {
    /// Prints the message and returns the exit code.
    pub(crate) fn report(self) -> u8 {
        let (message, code) = match self {
            Stop::BadInput(message) => (message, EXIT_BAD_INPUT),
            Stop::Busy(message) => (message, EXIT_BUSY),
            Stop::Failure(message) => (message, EXIT_FAILURE),
        };
        complain!("error: {message}");
        code
    }
}

/// Runs `xuetong run` and returns the exit code. It is success when every
/// row of the bundle was read. It is bad input when rows were rejected (the
/// season still runs on the others and every file is written) or a file
/// named by an option is invalid (nothing is written). It is busy when
/// another run holds the lock on the output folder (nothing is written).
/// It is failure when a file cannot be read or written.
pub(crate) fn run(args: &RunArgs, locale: Locale) -> u8 {
    let lock = match check_folders(args).and_then(|()| lock_output(&args.out)) {
        Ok(lock) => lock,
        Err(stop) => return stop.report(),
    };
    run_locked(args, locale, lock)
}

/// Runs `xuetong run` as [`run`] does, with the output folder already
/// locked by the caller.
pub(crate) fn run_locked(args: &RunArgs, locale: Locale, lock: OutputLock) -> u8 {
    let result = run_steps(args, locale);
    if result.is_err() {
        lock.release_after_failure();
    }
    match result {
        Ok(code) => code,
        Err(stop) => stop.report(),
    }
}

/// Locks the output folder `out` for this run, creating it when missing.
/// On a file system that cannot lock files, it prints a warning and
/// returns an unlocked [`OutputLock`].
pub(crate) fn lock_output(out: &Path) -> Result<OutputLock, Stop> {
    let lock = OutputLock::acquire(out).map_err(|error| match error {
        LockError::Busy => Stop::Busy(format!(
            "another run is writing into {}; wait for it to end or give another --out folder",
            out.display()
        )),
        LockError::CreateFolder(error) => match out_error_fix(&error) {
            Some(fix) => Stop::BadInput(format!(
                "failed to create the folder {}: {error}; {fix}",
                out.display()
            )),
            None => Stop::Failure(format!(
                "failed to create the folder {}: {error}",
                out.display()
            )),
        },
        LockError::NotAFile(lock_file) => Stop::BadInput(format!(
            "{} is not a regular file, so it cannot lock the folder for this run; remove it or give another --out folder",
            lock_file.display()
        )),
        LockError::Failed(error) => match out_error_fix(&error) {
            Some(fix) => Stop::BadInput(format!(
                "failed to open the lock file {}: {error}; {fix}",
                out.join(LOCK_FILE).display()
            )),
            None => Stop::Failure(format!(
                "failed to lock the folder {} for this run: {error}; check that the folder is writable",
                out.display()
            )),
        },
        LockError::NotWritable(error) => match out_error_fix(&error) {
            Some(fix) => Stop::BadInput(format!(
                "failed to create a file in the folder {}: {error}; {fix}",
                out.display()
            )),
            None => Stop::Failure(format!(
                "failed to create a file in the folder {}: {error}; check that the folder is writable and the disk has room",
                out.display()
            )),
        },
    })?;
    if !lock.is_locked() {
        complain!(
            "warning: the file system of {} does not support file locks, so the folder is not locked; make sure that no other run writes into it at the same time",
            out.display()
        );
    }
    Ok(lock)
}

fn run_steps(args: &RunArgs, locale: Locale) -> Result<u8, Stop> {
    let progress = Progress::for_terminal();
    let timings = Timings::default();
    let mut options = read_options(args, locale)?;
    remove_leftovers(&args.out);

    let started = Instant::now();
    let bar = progress.bytes(CountedFolder::total_bytes(&args.bundle), "reading");
    let source = CountedFolder::new(&args.bundle, bar.clone());
    let read = read_bundle_parallel(&source);
    bar.finish_and_clear();
    let (mut bundle, report) =
        read.map_err(|error| Stop::Failure(format!("{}: {error}", args.bundle.display())))?;
    timings.add("reading", started.elapsed());
    print_rejected(&report, locale);
    // The season would report this too, but only after the as-of check
    // and without naming --rules.
    if args.rules.is_none() && bundle.rules_problem.is_some() {
        return Err(Stop::BadInput(format!(
            "{} could not be read, so the season would credit with the built-in rules \
             in place of the bundle's own; fix it, or give --rules FILE",
            args.bundle.join(RULES_FILE).display()
        )));
    }

    options.as_of = match args
        .as_of
        .or_else(|| default_as_of(&bundle, &options.policy))
    {
        Some(as_of) => as_of,
        None => {
            return Err(Stop::BadInput(format!(
                "{} mentions no date or time to evaluate the season at (scans count only when \
                 they name a session of the bundle and arrived before its windows closed); \
                 give --as-of",
                args.bundle.display()
            )));
        }
    };
    // The season frees the scans after the attendance step, before the
    // outcomes and credits allocate. `bundle.scans` stays empty.
    let scans = std::mem::take(&mut bundle.scans);
    let (season, early) =
        run_with_spinner(&bundle, scans, options, progress, args, locale, &timings)?;

    let started = Instant::now();
    let written = write_all(&season, early, &report, args, progress, locale, &timings)?;
    timings.add("writing (wall time)", started.elapsed());
    print_summary(&season, &report, &written, args);
    if args.timings {
        timings.print();
    }
    let code = if report.is_clean() {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    };
    // The process ends after the run, and its exit returns the memory at
    // once. Dropping the season and the bundle here freed millions of
    // allocations one by one on one thread after every output was written,
    // which took about 0.1 s of a 1x district run on a loaded machine.
    std::mem::forget(season);
    std::mem::forget(bundle);
    Ok(code)
}

/// Checks that BUNDLE is a folder and that `--out` is another folder or
/// does not exist yet: the outputs include an `outcomes.csv`, which would
/// replace the bundle's own.
fn check_folders(args: &RunArgs) -> Result<(), Stop> {
    if !args.bundle.is_dir() {
        return Err(Stop::BadInput(format!(
            "the bundle folder {} does not exist or is not a folder",
            args.bundle.display()
        )));
    }
    check_out_folder(&args.out)?;
    let same = match (args.bundle.canonicalize(), args.out.canonicalize()) {
        (Ok(bundle), Ok(out)) => bundle == out,
        _ => false,
    };
    if same {
        return Err(Stop::BadInput(format!(
            "--out {} is the bundle folder; give another folder so that the bundle's outcomes.csv is not replaced",
            args.out.display()
        )));
    }
    Ok(())
}

/// Checks that the output folder `out` is a folder, or does not exist yet
/// and can be made. A problem is bad input, reported before the folder is
/// locked, because locking would fail to create the folder.
pub(crate) fn check_out_folder(out: &Path) -> Result<(), Stop> {
    match out_folder_problem(out, "the outputs") {
        Some(message) => Err(Stop::BadInput(message)),
        None => Ok(()),
    }
}

/// Reads a file named on the command line: a missing file is bad input, any
/// other failure to read is a failure.
fn read_text(path: &Path, what: &str) -> Result<String, Stop> {
    std::fs::read_to_string(path).map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => {
            Stop::BadInput(format!("the {what} file {} does not exist", path.display()))
        }
        io::ErrorKind::InvalidData => Stop::BadInput(format!(
            "the {what} file {} is not UTF-8 text; save it as UTF-8",
            path.display()
        )),
        _ => Stop::Failure(format!(
            "failed to read the {what} file {}: {error}; check that it is readable",
            path.display()
        )),
    })
}

/// Reads a JSON document, reporting where it is malformed. A key given
/// twice in one object is malformed too, as in a rules file, rather than
/// read as its last value.
fn read_json(path: &Path, what: &str) -> Result<Value, Stop> {
    let text = read_text(path, what)?;
    let text = text.trim_start_matches('\u{feff}');
    xuetong::api::parse_json_document(text).map_err(|problem| {
        match serde_json::from_str::<Value>(text) {
            Err(error) => Stop::BadInput(format!(
                "{} line {} column {}: the {what} file is not valid JSON: {error}",
                path.display(),
                error.line(),
                error.column()
            )),
            // The text is JSON, so the problem is a repeated key, whose
            // detail gives its position.
            Ok(_) => Stop::BadInput(format!(
                "{}: the {what} file is not valid JSON at {}: {}",
                path.display(),
                problem.path,
                problem
                    .params
                    .get("detail")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
            )),
        }
    })
}

/// Prints the problems of a document named `source` and returns the stop
/// that reports them.
fn invalid(source: &str, problems: &[Problem], what: &str, locale: Locale) -> Stop {
    for problem in problems {
        complain!("{}", describe(source, problem, locale));
    }
    Stop::BadInput(format!(
        "{source}: the {what} has {}",
        counted(problems.len() as u64, "problem", "problems")
    ))
}

/// Writes a problem of a document as `SOURCE: PATH: MESSAGE [CODE]`.
fn describe(source: &str, problem: &Problem, locale: Locale) -> String {
    if problem.path.segments().is_empty() {
        format!(
            "{source}: {} [{}]",
            problem.message_in(locale),
            problem.code
        )
    } else {
        format!(
            "{source}: {}: {} [{}]",
            problem.path,
            problem.message_in(locale),
            problem.code
        )
    }
}

fn read_options(args: &RunArgs, locale: Locale) -> Result<SeasonOptions, Stop> {
    // The evaluation time is set once the bundle is read.
    let mut options = SeasonOptions::new(DateTime::<Utc>::UNIX_EPOCH, args.home_page.clone());
    options.xapi = args.xapi;
    options.time_zone = args.time_zone;
    options.period = args.period;
    if let Some(kinds) = &args.statistics {
        options.statistics = kinds.clone();
    }
    options.token_key = args.key.clone();
    if let Some(path) = &args.rules {
        let text = read_text(path, "rules")?;
        let rules: RuleSet = parse_rule_set(&text).map_err(|problems| {
            invalid(&path.display().to_string(), &problems.0, "rule set", locale)
        })?;
        options.rules = Some(rules);
    }
    if let Some(path) = &args.token_key {
        let text = read_text(path, "token key")?;
        let key = TokenKey::from_hex(text.trim()).map_err(|error| {
            Stop::BadInput(format!(
                "{}: the token key is not usable: {error}",
                path.display()
            ))
        })?;
        options.token_key = Some(key);
    }
    if let Some(path) = &args.previous_ledger {
        let value = read_json(path, "previous ledger")?;
        let ledger = Ledger::from_json(&value, &ProblemPath::root()).map_err(|problems| {
            invalid(&path.display().to_string(), &problems.0, "ledger", locale)
        })?;
        options.previous_ledger = Some(ledger);
    }
    if let Some(path) = &args.policy {
        let value = read_json(path, "policy")?;
        let policy =
            AttendancePolicy::from_json(&value, &ProblemPath::root()).map_err(|problems| {
                invalid(&path.display().to_string(), &problems.0, "policy", locale)
            })?;
        options.policy = policy;
    }
    Ok(options)
}

/// How long each step of a run took, in the order the steps ended, for
/// `--timings`. Files are written in parallel, so their times add up to
/// more than the wall time of writing; the attendance tables are written
/// on a thread of their own during the steps after attendance.
#[derive(Default)]
struct Timings(Mutex<Vec<(String, Duration)>>);

impl Timings {
    fn add(&self, step: &str, took: Duration) {
        if let Ok(mut steps) = self.0.lock() {
            steps.push((step.to_owned(), took));
        }
    }

    fn print(&self) {
        let Ok(steps) = self.0.lock() else {
            return;
        };
        complain!("timings:");
        complain!(
            "  ({} are written during the steps from outcomes to statistics)",
            OutputFile::FROM_ATTENDANCE
                .iter()
                .map(|file| file.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (step, took) in steps.iter() {
            complain!("  {step:<44} {:>9.3} s", took.as_secs_f64());
        }
    }
}

/// Returns the name of a step for the spinner.
fn step_name(step: SeasonStep) -> &'static str {
    match step {
        SeasonStep::Attendance => "evaluating attendance",
        SeasonStep::Outcomes => "making outcomes",
        SeasonStep::Credits => "computing credits",
        SeasonStep::Ledger => "recording the ledger",
        SeasonStep::Clubs => "evaluating clubs",
        SeasonStep::Statistics => "computing statistics",
    }
}

/// A written file with its rows, or why it could not be written.
type WrittenFile = Result<(String, u64), Stop>;

/// The attendance tables written during the later steps of the season,
/// under temporary names until the season has run.
#[derive(Default)]
struct Early {
    /// Each file with its temporary path and its rows, or why it could not
    /// be written.
    files: Vec<(OutputFile, PathBuf, WrittenFile)>,
}

impl Early {
    /// Removes the tables after a season that failed, so that the failed
    /// run leaves the output folder as it found it. The folders made for
    /// them are removed with the lock ([`OutputLock::release_after_failure`]).
    fn discard(self) {
        for (_, temporary, _) in &self.files {
            let _ = std::fs::remove_file(temporary);
        }
    }

    /// Moves each table written to its own name and returns it with its
    /// position in `files`.
    fn publish(self, out: &Path, files: &[OutputFile]) -> Vec<(usize, WrittenFile)> {
        self.files
            .into_iter()
            .filter_map(|(file, temporary, rows)| {
                let position = files.iter().position(|listed| *listed == file)?;
                let path = out.join(file.as_str());
                let rows = rows.and_then(|rows| {
                    std::fs::rename(&temporary, &path)
                        .map(|()| rows)
                        .map_err(|error| write_failure(&path, error))
                });
                if rows.is_err() {
                    let _ = std::fs::remove_file(&temporary);
                }
                Some((position, rows))
            })
            .collect()
    }
}

/// Returns the hidden name an attendance table is written under while the
/// season runs, before it is renamed into place.
// NOTE: a run that is killed before the season ends leaves these hidden
// files in the output folder. The next run into it removes them when it
// starts (`remove_leftovers`), and until then they stay.
fn temporary_name(file: OutputFile) -> String {
    format!(".{}.partial", file.as_str())
}

/// Removes the hidden tables that a killed run left in `out`: the file
/// [`temporary_name`] gives each of [`OutputFile::FROM_ATTENDANCE`], and
/// nothing else in the folder.
fn remove_leftovers(out: &Path) {
    for file in OutputFile::FROM_ATTENDANCE {
        let path = out.join(temporary_name(*file));
        match std::fs::remove_file(&path) {
            Ok(()) => say!(
                "notice: removed {}, left by an earlier run that was stopped",
                path.display()
            ),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => complain!(
                "warning: failed to remove {}, left by an earlier run that was stopped: {error}; remove it by hand",
                path.display()
            ),
        }
    }
}

fn run_with_spinner<'b>(
    bundle: &'b Bundle,
    scans: Vec<Scan>,
    options: SeasonOptions,
    progress: Progress,
    args: &RunArgs,
    locale: Locale,
    timings: &Timings,
) -> Result<(Season<'b>, Early), Stop> {
    let spinner = progress.spinner("running the season");
    let mut current: Option<(SeasonStep, Instant)> = None;
    let mut early = Early::default();
    let mut observe = |step| {
        if let Some((previous, started)) = current.replace((step, Instant::now())) {
            timings.add(previous.as_str(), started.elapsed());
        }
        spinner.set_message(step_name(step));
    };
    // The attendance tables are final once attendance is evaluated: one
    // thread writes them while the later steps run on this thread and the
    // pool.
    let mut alongside = |attendance: &AttendanceReport, later: &mut dyn FnMut()| {
        std::thread::scope(|scope| {
            let writer = scope.spawn(|| write_early(bundle, attendance, args, locale, timings));
            later();
            match writer.join() {
                Ok(written) => early = written,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
    };
    let result = run_season_alongside(bundle, scans, options, &mut observe, &mut alongside);
    if let Some((previous, started)) = current {
        timings.add(previous.as_str(), started.elapsed());
    }
    spinner.finish_and_clear();
    match result {
        Ok(season) => Ok((season, early)),
        Err(problems) => {
            // A run whose season fails writes nothing, so the tables
            // written meanwhile are removed, and the files of the same
            // names from an earlier run stay as they were.
            early.discard();
            for problem in problems.iter() {
                let (source, rest) = source_of(problem, args);
                complain!("{}", describe(&source, &rest, locale));
            }
            Err(Stop::BadInput(format!(
                "the season could not run: {}",
                counted(problems.len() as u64, "problem", "problems")
            )))
        }
    }
}

/// Writes the files of [`OutputFile::FROM_ATTENDANCE`] one after the other,
/// largest first, each under its [`temporary_name`], into the output
/// folder that [`OutputLock::acquire`] created.
fn write_early(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    args: &RunArgs,
    locale: Locale,
    timings: &Timings,
) -> Early {
    let mut files = OutputFile::FROM_ATTENDANCE.to_vec();
    files.sort_by_key(|file| size_rank(*file));
    let files = files
        .into_iter()
        .map(|file| {
            let started = Instant::now();
            let temporary = args.out.join(temporary_name(file));
            // A failure names the file the user asked for.
            let rows = write_file_named(&temporary, &args.out.join(file.as_str()), |writer| {
                write_attendance_output(bundle, attendance, file, writer, locale)
            });
            timings.add(
                &format!("{} (during later steps)", file.as_str()),
                started.elapsed(),
            );
            (
                file,
                temporary,
                rows.map(|rows| (file.as_str().to_owned(), rows)),
            )
        })
        .collect();
    Early { files }
}

/// Names where a problem of the season's options comes from (the file or
/// flag behind its first path segment) and returns the problem with the
/// rest of its path.
fn source_of(problem: &Problem, args: &RunArgs) -> (String, Problem) {
    let mut rest = problem.clone();
    let Some(PathSegment::Key(root)) = problem.path.segments().first() else {
        return (args.bundle.display().to_string(), rest);
    };
    let source = match root.as_ref() {
        "rules" => args.rules.as_ref().map_or_else(
            || "the built-in rules".to_owned(),
            |path| path.display().to_string(),
        ),
        RULES_FILE => args.bundle.join(RULES_FILE).display().to_string(),
        "home_page" => "--home-page".to_owned(),
        "as_of" => "--as-of".to_owned(),
        _ => return (args.bundle.display().to_string(), rest),
    };
    rest.path.0.remove(0);
    (source, rest)
}

/// Prints the rows reading rejected, by code, with the first few of each.
fn print_rejected(report: &ReadReport, locale: Locale) {
    for notice in &report.notices {
        say!("notice: {}: {}", notice.path, notice.message_in(locale));
    }
    if report.problems.is_empty() {
        return;
    }
    let mut by_code: BTreeMap<Code, Vec<&Problem>> = BTreeMap::new();
    for problem in &report.problems {
        by_code.entry(problem.code).or_default().push(problem);
    }
    say!(
        "rejected while reading ({}):",
        counted(report.problems.len() as u64, "problem", "problems")
    );
    for (code, found) in by_code {
        say!("  {code}: {}", found.len());
        for problem in found.iter().take(EXAMPLES_PER_CODE) {
            say!("    {}: {}", problem.path, problem.message_in(locale));
        }
        if found.len() > EXAMPLES_PER_CODE {
            say!("    ... and {} more", found.len() - EXAMPLES_PER_CODE);
        }
    }
}

/// Creates `path` and writes it with `write`, returning the rows written.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<u64>,
) -> Result<u64, Stop> {
    write_file_named(path, path, write)
}

/// Writes a file to `path` as [`write_file`] does, naming `named` when it
/// fails.
fn write_file_named(
    path: &Path,
    named: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<u64>,
) -> Result<u64, Stop> {
    let failure = |error: io::Error| write_failure(named, error);
    let file = File::create(path).map_err(failure)?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    let rows = write(&mut writer).map_err(failure)?;
    writer.flush().map_err(failure)?;
    Ok(rows)
}

/// Makes the failure to write the file at `path`.
fn write_failure(path: &Path, error: io::Error) -> Stop {
    Stop::Failure(format!(
        "failed to write {}: {error}; check that the folder is writable and the disk has room",
        path.display()
    ))
}

/// The output files from the largest to the smallest, as measured on
/// generated districts; files not listed are small and come last.
const LARGEST_FILES_FIRST: &[OutputFile] = &[
    OutputFile::XapiStatements,
    OutputFile::Outcomes,
    OutputFile::AttendanceRecords,
    OutputFile::CreditLedgerDocument,
    OutputFile::CreditBankDeposits,
    OutputFile::CreditLedger,
    OutputFile::CreditsSkipped,
    OutputFile::DuplicateScans,
    OutputFile::CourseResults,
    OutputFile::RejectedScans,
    OutputFile::Transcripts,
];

/// Returns the position of `file` in [`LARGEST_FILES_FIRST`].
fn size_rank(file: OutputFile) -> usize {
    LARGEST_FILES_FIRST
        .iter()
        .position(|large| *large == file)
        .unwrap_or(LARGEST_FILES_FIRST.len())
}

/// The outputs of a run as written: the files and the batch summary.
struct Written {
    /// The files written with their rows, in a fixed order.
    files: Vec<(String, u64)>,
    /// The summary of the credit-bank deposit batch, when it could be made.
    batch: Option<BatchSummary>,
}

/// Writes every output file that `early` does not hold, each on its own
/// worker, while the summary of the deposit batch and the figures of the
/// report are made, then `rejected_rows.csv` and the report.
fn write_all(
    season: &Season<'_>,
    early: Early,
    report: &ReadReport,
    args: &RunArgs,
    progress: Progress,
    locale: Locale,
    timings: &Timings,
) -> Result<Written, Stop> {
    let files = season.output_files();
    let bar = progress.items(files.len() as u64 + 2, "writing");
    // Each worker takes the next file when it is done with one, largest
    // first, so that a large file does not start last while the others
    // wait for it.
    let mut queue: Vec<(usize, OutputFile)> = files
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, file)| early.files.iter().all(|(written, _, _)| written != file))
        .collect();
    queue.sort_by_key(|(_, file)| size_rank(*file));
    bar.inc(early.files.len() as u64);
    let write_files = || {
        queue
            .into_iter()
            .par_bridge()
            .map(|(position, file)| {
                let started = Instant::now();
                let rows = write_file(&args.out.join(file.as_str()), |writer| {
                    write_output(season, file, writer, locale)
                });
                timings.add(file.as_str(), started.elapsed());
                bar.inc(1);
                (position, rows.map(|rows| (file.as_str().to_owned(), rows)))
            })
            .collect::<Vec<_>>()
    };
    // The report's figures are made here, beside the files, because made
    // after them they kept one core idle (0.86 s of a quiet 20x run).
    let summarize = || {
        let started = Instant::now();
        let batch = batch_summary(season);
        timings.add("deposit batch summary", started.elapsed());
        let started = Instant::now();
        let figures = Figures::of(season);
        timings.add("report figures", started.elapsed());
        (batch, figures)
    };
    let (mut written, (batch, figures)) = rayon::join(write_files, summarize);
    written.extend(early.publish(&args.out, &files));
    written.sort_by_key(|(position, _)| *position);
    let mut listed = written
        .into_iter()
        .map(|(_, file)| file)
        .collect::<Result<Vec<_>, Stop>>()?;

    let started = Instant::now();
    let rejected = write_file(&args.out.join(REJECTED_ROWS_FILE), |writer| {
        write_rejected_rows(report, writer, locale)
    })?;
    timings.add(REJECTED_ROWS_FILE, started.elapsed());
    listed.push((REJECTED_ROWS_FILE.to_owned(), rejected));
    bar.inc(1);

    let started = Instant::now();
    let page = render(season, report, &listed, batch.as_ref(), &figures, locale);
    write_file(&args.out.join(REPORT_FILE), |writer| {
        writer.write_all(page.as_bytes())?;
        Ok(0)
    })?;
    timings.add(REPORT_FILE, started.elapsed());
    bar.finish_and_clear();
    listed.push((REPORT_FILE.to_owned(), 0));
    Ok(Written {
        files: listed,
        batch,
    })
}

fn print_summary(season: &Season<'_>, report: &ReadReport, written: &Written, args: &RunArgs) {
    let summary = &season.summary;
    let pin = season.rule_set.pin();
    say!(
        "season as of {} ({}), rules {}@{}, credits recorded on {}",
        season
            .as_of
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        season.time_zone.name(),
        pin.id,
        pin.version,
        season.recorded_on
    );
    say!(
        "sessions: {} held of {}; {}, {}, {}",
        grouped(summary.sessions_held),
        counted(summary.sessions, "session", "sessions"),
        counted(summary.learners, "learner", "learners"),
        counted(summary.courses, "course", "courses"),
        counted(summary.clubs, "club", "clubs")
    );
    say!(
        "attendance: {} accepted, {} rejected, {}; {}, {}, {}",
        counted(summary.scans_accepted, "scan", "scans"),
        grouped(summary.scans_rejected),
        counted(summary.scans_duplicate, "duplicate", "duplicates"),
        counted(summary.attendance_records, "record", "records"),
        counted(summary.course_results, "course result", "course results"),
        counted(summary.completions, "completion", "completions")
    );
    say!(
        "credits: {} appended ({} credits) for {}; {} earned nothing",
        counted(summary.entries_appended, "entry", "entries"),
        summary.credits_appended,
        counted(summary.learners_credited, "learner", "learners"),
        counted(summary.outcomes_skipped, "outcome", "outcomes")
    );

    if let Some(batch) = &written.batch {
        say!(
            "credit bank: batch {} with {}",
            batch.batch_id,
            counted(batch.deposits as u64, "deposit", "deposits")
        );
    }
    say!(
        "clubs: {}, {} failed",
        counted(summary.club_evaluations, "evaluation", "evaluations"),
        grouped(summary.club_evaluations_failed)
    );
    say!(
        "statistics: {} from {} to {}",
        counted(summary.statistics_scopes, "scope", "scopes"),
        season.period.first_day,
        season.period.last_day
    );
    let first = season.index.as_ref().and_then(|index| index.units.first());
    // Units without a score are listed last, so a first one without a score
    // means that no district was ranked.
    match first {
        Some(unit) => match &unit.score {
            Some(score) => {
                let unranked = season.index.as_ref().map_or(0, |index| {
                    index
                        .units
                        .iter()
                        .filter(|unit| unit.score.is_none())
                        .count()
                });
                let unranked = match unranked {
                    0 => String::new(),
                    count => format!(
                        "; {} without a score (learning_index.csv lists what is missing)",
                        counted(count as u64, "district", "districts")
                    ),
                };
                say!(
                    "learning index: {}, first {} with {score}{unranked}",
                    counted(summary.index_units, "district", "districts"),
                    unit.unit
                );
            }
            None => say!(
                "learning index: {}, none ranked because each has data for too few indicators \
                 (learning_index.csv lists what is missing)",
                counted(summary.index_units, "district", "districts")
            ),
        },
        None => say!("learning index: the bundle has no district-tier venue, so none was computed"),
    }

    say!("report: {}", args.out.join(REPORT_FILE).display());
    let rows: u64 = written.files.iter().map(|(_, rows)| rows).sum();
    say!(
        "read {} from {}; rejected {} and {}; produced {} with {}",
        counted(report.rows_read(), "row", "rows"),
        counted(report.files.len() as u64, "file", "files"),
        counted(report.rows_rejected(), "row", "rows"),
        counted(summary.scans_rejected, "scan", "scans"),
        counted(written.files.len() as u64, "file", "files"),
        counted(rows, "row", "rows")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instant_with_offset_reads_as_utc() {
        let instant = parse_instant(" 2026-04-01T00:00:00+08:00 ").unwrap();
        assert_eq!(instant.to_rfc3339(), "2026-03-31T16:00:00+00:00");
    }

    #[test]
    fn instant_outside_four_digit_years() {
        for text in ["0000-06-01T00:00:00Z", "9999-12-31T23:00:00-05:00"] {
            let message = parse_instant(text).unwrap_err();
            assert!(message.contains("0001 to 9999"), "{text}: {message}");
        }
        assert!(parse_instant("9999-12-31T23:00:00+08:00").is_ok());
    }

    #[test]
    fn instant_without_offset_is_rejected() {
        let message = parse_instant("2026-04-01T00:00:00").unwrap_err();
        assert!(message.starts_with("expected a date and time"), "{message}");
    }
}
