//! The `xuetong` command line.

mod folder;
mod import;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xuetong::bundle::read_bundle;
use xuetong::problem::Locale;

use folder::Folder;

/// Exit code when every input was valid.
const EXIT_OK: u8 = 0;
/// Exit code when the input had problems.
const EXIT_BAD_INPUT: u8 = 1;
/// Exit code when the program could not do its work (unreadable files).
const EXIT_FAILURE: u8 = 2;

/// Community and lifelong-learning platforms: validate and run season
/// bundles.
#[derive(Debug, Parser)]
#[command(name = "xuetong", version, about)]
struct Cli {
    /// Language of problem messages: en or zh-CN.
    #[arg(long, global = true, default_value = "en")]
    locale: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Reports every problem in a bundle folder without running it.
    Validate {
        /// The bundle folder.
        bundle: PathBuf,
    },
    /// Calls an operation of the JSON API with a request read from FILE (or
    /// standard input) and prints the response.
    Call {
        /// The operation name; `list_operations` lists them.
        operation: String,
        /// The request file; standard input when absent.
        file: Option<PathBuf>,
    },
    /// Imports a public dataset (oulad or toronto-dropin) as a bundle.
    Import(import::ImportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(locale) = Locale::parse(&cli.locale) else {
        eprintln!(
            "error: --locale must be en or zh-CN, got \"{}\"",
            cli.locale
        );
        return ExitCode::from(EXIT_FAILURE);
    };
    let code = match cli.command {
        Command::Validate { bundle } => validate(&bundle, locale),
        Command::Call { operation, file } => call(&operation, file.as_deref()),
        Command::Import(args) => import::run(&args, locale),
    };
    ExitCode::from(code)
}

fn validate(path: &std::path::Path, locale: Locale) -> u8 {
    let folder = Folder::new(path);
    let (_, report) = match read_bundle(&folder) {
        Ok(read) => read,
        Err(error) => {
            eprintln!("error: {error}");
            return EXIT_FAILURE;
        }
    };
    for notice in &report.notices {
        println!("notice: {}: {}", notice.path, notice.message_in(locale));
    }
    for problem in &report.problems {
        println!(
            "{}: {} [{}]",
            problem.path,
            problem.message_in(locale),
            problem.code
        );
    }
    for file in &report.files {
        println!(
            "{}: {} rows read, {} accepted, {} rejected",
            file.file, file.rows_read, file.rows_accepted, file.rows_rejected
        );
    }
    println!(
        "{}: {} rows read, {} accepted, {} rejected, {} problems",
        path.display(),
        report.rows_read(),
        report.rows_accepted(),
        report.rows_rejected(),
        report.problems.len()
    );
    if report.is_clean() {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    }
}

fn call(operation: &str, file: Option<&std::path::Path>) -> u8 {
    let mut request = String::new();
    let read = match file {
        Some(file) => std::fs::read_to_string(file).map(|text| request = text),
        None => std::io::stdin().read_to_string(&mut request).map(|_| ()),
    };
    if let Err(error) = read {
        let source = file.map_or("standard input".into(), |file| file.display().to_string());
        eprintln!("error: failed to read the request from {source}: {error}");
        return EXIT_FAILURE;
    }
    let response = xuetong::api::call(operation, &request);
    println!("{response}");
    if response.contains("\"ok\":true") {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    }
}
