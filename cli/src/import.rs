//! `xuetong import FORMAT SOURCE --out BUNDLE`: imports a public dataset as
//! a season bundle and reports what it read, imported and rejected.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use xuetong::bundle::write_bundle;
use xuetong::import::{Format, Import, ImportReport, import};
use xuetong::problem::{Code, Locale, Problem};

use xuetong_cli::folder::Folder;
use xuetong_cli::output::{counted, grouped};
use xuetong_cli::{complain, say};

use crate::out_folder::{out_folder_problem, report_bundle_write_error};
use crate::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK};

/// How many rejected rows are shown for each problem code.
const EXAMPLES_PER_CODE: usize = 3;

/// The arguments of `xuetong import`.
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The dataset format.
    format: FormatArg,
    /// The folder holding the dataset's CSV files.
    source: PathBuf,
    /// The bundle folder to write (created when missing; its bundle files
    /// are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Also write the full import report, every rejected row included, as
    /// JSON to this file.
    #[arg(long)]
    report: Option<PathBuf>,
}

/// The formats on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    /// The Open University Learning Analytics Dataset.
    Oulad,
    /// The City of Toronto drop-in programme schedule (drop-in.csv).
    TorontoDropin,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Oulad => Format::Oulad,
            FormatArg::TorontoDropin => Format::TorontoDropin,
        }
    }
}

/// Runs `xuetong import` and returns the exit code. It is success when every
/// row was imported, and failure when a file cannot be read or written. It
/// is bad input when rows were rejected (the bundle is still written), when
/// the source is not a dataset of the format, or when `--out` is a folder
/// that this user may not write into (nothing is written).
pub(crate) fn run(args: &ImportArgs, locale: Locale) -> u8 {
    if let Err(message) = check_folders(args) {
        complain!("error: {message}");
        return EXIT_BAD_INPUT;
    }
    let format = Format::from(args.format);
    let source = Folder::new(&args.source);
    let Import { bundle, report } = match import(format, &source) {
        Ok(imported) => imported,
        Err(error) => {
            complain!("error: {error}");
            return if error.is_bad_input() {
                EXIT_BAD_INPUT
            } else {
                EXIT_FAILURE
            };
        }
    };

    print_report(&report, locale);

    let mut sink = Folder::new(&args.out);
    if let Err(error) = write_bundle(&bundle, &mut sink) {
        return report_bundle_write_error(&args.out, error);
    }
    if let Some(path) = &args.report {
        let written = serde_json::to_string_pretty(&report)
            .map_err(std::io::Error::other)
            .and_then(|json| std::fs::write(path, json + "\n"));
        if let Err(error) = written {
            complain!(
                "error: failed to write the import report to {}: {error}; check that its folder exists and is writable",
                path.display()
            );
            return EXIT_FAILURE;
        }
    }
    say!(
        "wrote {}: {}, {}, {}, {}, {}, {}",
        args.out.display(),
        counted(bundle.venues.len() as u64, "venue", "venues"),
        counted(bundle.learners.len() as u64, "learner", "learners"),
        counted(bundle.courses.len() as u64, "course", "courses"),
        counted(bundle.sessions.len() as u64, "session", "sessions"),
        counted(bundle.enrolments.len() as u64, "enrolment", "enrolments"),
        counted(bundle.outcomes.len() as u64, "outcome", "outcomes")
    );
    say!(
        "{} read, {} imported, {} rejected",
        counted(report.rows_read(), "row", "rows"),
        grouped(report.rows_imported()),
        grouped(report.rows_rejected())
    );
    if report.is_clean() {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    }
}

/// Checks that SOURCE is a folder and that `--out` is another folder or
/// does not exist yet, so that the bundle never overwrites the dataset (the
/// OULAD and the bundle both have a `courses.csv`).
fn check_folders(args: &ImportArgs) -> Result<(), String> {
    if !args.source.is_dir() {
        return Err(format!(
            "the source folder {} does not exist or is not a folder; give the folder that holds the dataset's CSV files",
            args.source.display()
        ));
    }
    if let Some(message) = out_folder_problem(&args.out, "the bundle") {
        return Err(message);
    }
    let same = match (args.source.canonicalize(), args.out.canonicalize()) {
        (Ok(source), Ok(out)) => source == out,
        _ => false,
    };
    if same {
        return Err(format!(
            "--out {} is the source folder; give another folder so that the dataset's files are not overwritten",
            args.out.display()
        ));
    }
    Ok(())
}

/// Prints the counts per file, the notices and the rejected rows by code,
/// with the first few rows of each code.
fn print_report(report: &ImportReport, locale: Locale) {
    for file in &report.files {
        let encoding = file
            .encoding
            .map_or("unknown", |encoding| encoding.as_str());
        say!(
            "{}: {} read, {} imported, {} rejected ({encoding})",
            file.file,
            counted(file.rows_read, "row", "rows"),
            grouped(file.rows_imported),
            grouped(file.rows_rejected)
        );
    }
    print_by_code("notices", &report.notices, locale);
    print_by_code("rejected", &report.problems, locale);
}

fn print_by_code(heading: &str, problems: &[Problem], locale: Locale) {
    if problems.is_empty() {
        return;
    }
    let mut by_code: BTreeMap<Code, Vec<&Problem>> = BTreeMap::new();
    for problem in problems {
        by_code.entry(problem.code).or_default().push(problem);
    }
    say!("{heading}:");
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
