//! The `xuetong` command line.

mod generate;
mod import;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xuetong::bundle::read_bundle;
use xuetong::problem::Locale;

use xuetong_cli::folder::{self, Folder};

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
    /// Language of problem messages: en or zh-CN [default: en]. For `call`,
    /// it applies when the request names no locale of its own.
    #[arg(long, global = true)]
    locale: Option<String>,

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
    /// Writes a sample district bundle of any size.
    Generate(generate::GenerateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let locale = match cli.locale.as_deref().map(Locale::parse) {
        None => None,
        Some(Some(locale)) => Some(locale),
        Some(None) => {
            eprintln!(
                "error: --locale must be en or zh-CN, got \"{}\"",
                cli.locale.unwrap_or_default()
            );
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let code = match cli.command {
        Command::Validate { bundle } => validate(&bundle, locale.unwrap_or_default()),
        Command::Call { operation, file } => call(&operation, file.as_deref(), locale),
        Command::Import(args) => import::run(&args, locale.unwrap_or_default()),
        Command::Generate(args) => generate::run(&args),
    };
    ExitCode::from(code)
}

fn validate(path: &std::path::Path, locale: Locale) -> u8 {
    let folder = Folder::new(path);
    let (_, report) = match read_bundle(&folder) {
        Ok(read) => read,
        Err(error) => {
            eprintln!("error: {}: {error}", path.display());
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

fn call(operation: &str, file: Option<&std::path::Path>, locale: Option<Locale>) -> u8 {
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
    let (response, code) = respond(operation, &request, locale);
    println!("{response}");
    code
}

/// Runs `operation` on the request text and returns the response with the
/// exit code. `locale` is used when the request names none.
fn respond(operation: &str, request: &str, locale: Option<Locale>) -> (String, u8) {
    let response = match serde_json::from_str::<serde_json::Value>(request) {
        Ok(mut request) => {
            if let (Some(locale), serde_json::Value::Object(fields)) = (locale, &mut request) {
                let tag = match locale {
                    Locale::En => "en",
                    Locale::ZhCn => "zh-CN",
                };
                fields.entry("locale").or_insert(tag.into());
            }
            xuetong::api::call_value(operation, &request)
        }
        // The API reports the malformed request.
        Err(_) => {
            let text = xuetong::api::call(operation, request);
            return (text, EXIT_BAD_INPUT);
        }
    };
    let code = match response {
        xuetong::api::Response::Ok(_) => EXIT_OK,
        xuetong::api::Response::Problems(_) => EXIT_BAD_INPUT,
    };
    (response.to_json().to_string(), code)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_NAME: &str = r#"{"input": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e"}}"#;

    #[test]
    fn locale_flag_applies_when_the_request_names_none() {
        let (response, code) = respond("validate_learner", NO_NAME, Some(Locale::ZhCn));
        assert_eq!(code, EXIT_BAD_INPUT);
        assert!(response.contains("缺少必填字段 display_name"), "{response}");
        let own = r#"{"locale": "en", "input": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e"}}"#;
        let (response, _) = respond("validate_learner", own, Some(Locale::ZhCn));
        assert!(response.contains("display_name is required"), "{response}");
    }

    #[test]
    fn exit_code_follows_the_response() {
        let valid =
            r#"{"input": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": "A"}}"#;
        assert_eq!(respond("validate_learner", valid, None).1, EXIT_OK);
        assert_eq!(respond("validate_learner", NO_NAME, None).1, EXIT_BAD_INPUT);
        assert_eq!(respond("validate_learner", "{", None).1, EXIT_BAD_INPUT);
    }
}
