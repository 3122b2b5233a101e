//! The `xuetong` command line.

mod demo;
mod generate;
mod import;
mod lock;
mod out_folder;
mod run;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xuetong::bundle::{RULES_FILE, read_bundle_parallel};
use xuetong::credit::{RuleSetStatus, codes};
use xuetong::problem::{Locale, Path, Problem};
use xuetong::season::season_rules;

use xuetong_cli::folder::Folder;
use xuetong_cli::output::{counted, grouped};
use xuetong_cli::{complain, say};

/// The allocator of the binary. A season run makes millions of short-lived
/// allocations on two threads, and with mimalloc it took about 15 % less
/// user time and a tenth of the page faults of glibc's allocator
/// (BENCHMARKS.md, "mimalloc in the command line").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit code when the command did its work and every input was valid.
const EXIT_OK: u8 = 0;
/// Exit code when the input had problems: rejected rows, an invalid request
/// or document, a missing file, an output folder that cannot be made or
/// written.
const EXIT_BAD_INPUT: u8 = 1;
/// Exit code when the command line itself is wrong (clap's usage errors).
const EXIT_USAGE: u8 = 2;
/// Exit code when the command could not do its work: a file that exists
/// could not be read, an output could not be written, or an internal
/// error (a bug, not a problem of the input) stopped it.
const EXIT_FAILURE: u8 = 3;
/// Exit code when another run is writing into the output folder.
const EXIT_BUSY: u8 = 4;

/// The exit codes, as `xuetong --help` lists them.
const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  bad input: rows were rejected (outputs are still written), or a request,
     document or file named on the command line (such as the file of
     --policy, --rules, --token-key or --previous-ledger) is invalid or
     missing, or a command-line value does not fit the bundle (an --as-of
     time already past the year 9999 where the bundle's venues are), or
     the --out folder cannot be made or written (nothing was written)
  2  usage: unknown command or option, or a value written on the command
     line that is invalid on its own, such as a --locale, --as-of,
     --time-zone or --home-page that is not a known locale, a time, an IANA
     zone or an http or https URL (nothing was read)
  3  failure: a file could not be read or written, or an internal error
  4  busy: another run or demo is writing into the --out folder (nothing
     was written)";

/// Community and lifelong-learning platforms: validate, import and run
/// season bundles.
#[derive(Debug, Parser)]
#[command(name = "xuetong", version, about, after_help = EXIT_CODES)]
struct Cli {
    /// Language of problem messages and of report.html: en or zh-CN
    /// [default: en]. For `call`, it applies when the request names no
    /// locale of its own.
    #[arg(long, global = true, value_parser = parse_locale)]
    locale: Option<Locale>,

    #[command(subcommand)]
    command: Command,
}

fn parse_locale(text: &str) -> Result<Locale, String> {
    Locale::parse(text).ok_or_else(|| "expected en or zh-CN".to_owned())
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
    /// Runs a season on a bundle folder and writes attendance, credits,
    /// transcripts, the credit-bank batch, club evaluations and report.html.
    Run(run::RunArgs),
    /// Writes a sample district bundle of any size.
    Generate(generate::GenerateArgs),
    /// Generates the sample district, runs its season and writes
    /// report.html.
    Demo(demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Help and version go to standard output and succeed; usage
            // errors go to standard error with their own exit code.
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_OK
            });
        }
    };
    let locale = cli.locale.unwrap_or_default();
    let code = match cli.command {
        Command::Validate { bundle } => validate(&bundle, locale),
        Command::Call { operation, file } => call(&operation, file.as_deref(), cli.locale),
        Command::Import(args) => import::run(&args, locale),
        Command::Run(args) => run::run(&args, locale),
        Command::Generate(args) => generate::run(&args),
        Command::Demo(args) => demo::demo(&args, locale),
    };
    ExitCode::from(code)
}

fn validate(path: &std::path::Path, locale: Locale) -> u8 {
    if !path.is_dir() {
        complain!(
            "error: the bundle folder {} does not exist or is not a folder",
            path.display()
        );
        return EXIT_BAD_INPUT;
    }
    let folder = Folder::new(path);
    let (bundle, mut report) = match read_bundle_parallel(&folder) {
        Ok(read) => read,
        Err(error) => {
            complain!("error: {}: {error}", path.display());
            return EXIT_FAILURE;
        }
    };
    // The reader has already reported a `rules.json` it could not read.
    if bundle.rules_problem.is_none() {
        match season_rules(&bundle, None) {
            Err(found) => report.problems.extend(found),
            // A run records credits, so it stops on a draft, but only after
            // evaluating attendance.
            Ok(rules) if bundle.rules.is_some() && rules.status != RuleSetStatus::Published => {
                report.problems.push(
                    Problem::new(codes::RULE_SET_NOT_PUBLISHED, Path::root().join(RULES_FILE))
                        .with("id", rules.id.as_str())
                        .with("version", rules.version),
                );
            }
            Ok(_) => {}
        }
    }
    for notice in &report.notices {
        say!("notice: {}: {}", notice.path, notice.message_in(locale));
    }
    for problem in &report.problems {
        say!(
            "{}: {} [{}]",
            problem.path,
            problem.message_in(locale),
            problem.code
        );
    }
    for file in &report.files {
        let counts = [file.rows_read, file.rows_accepted, file.rows_rejected];
        say!("{}", count_line(locale, &file.file, counts));
    }
    let counts = [
        report.rows_read(),
        report.rows_accepted(),
        report.rows_rejected(),
    ];
    let problem_count = report.problems.len() as u64;
    let problems = match locale {
        Locale::En => format!(", {}", counted(problem_count, "problem", "problems")),
        Locale::ZhCn => format!("，{} 个问题", grouped(problem_count)),
    };
    let subject = path.display().to_string();
    say!("{}{problems}", count_line(locale, &subject, counts));
    if report.is_clean() {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    }
}

/// Formats the rows read, accepted and rejected (`counts`, in that order)
/// of `subject`, a file or the whole bundle, in `locale`.
fn count_line(locale: Locale, subject: &str, counts: [u64; 3]) -> String {
    let [read, accepted, rejected] = counts;
    match locale {
        Locale::En => format!(
            "{subject}: {} read, {} accepted, {} rejected",
            counted(read, "row", "rows"),
            grouped(accepted),
            grouped(rejected)
        ),
        Locale::ZhCn => format!(
            "{subject}: 读取 {} 行，接受 {} 行，拒绝 {} 行",
            grouped(read),
            grouped(accepted),
            grouped(rejected)
        ),
    }
}

fn call(operation: &str, file: Option<&std::path::Path>, locale: Option<Locale>) -> u8 {
    let mut request = Vec::new();
    let read = match file {
        Some(file) => std::fs::read(file).map(|bytes| request = bytes),
        None => std::io::stdin().read_to_end(&mut request).map(|_| ()),
    };
    if let Err(error) = read {
        let source = file.map_or("standard input".into(), |file| file.display().to_string());
        if error.kind() == std::io::ErrorKind::NotFound {
            complain!("error: the request file {source} does not exist");
            return EXIT_BAD_INPUT;
        }
        complain!("error: failed to read the request from {source}: {error}");
        return EXIT_FAILURE;
    }
    let (response, code) = match std::str::from_utf8(&request) {
        Ok(request) => respond(operation, request, locale),
        Err(error) => not_utf8(error.valid_up_to(), locale),
    };
    say!("{response}");
    code
}

/// Returns the response to a request that is not UTF-8 text, whose first
/// invalid byte is at `offset`, with the exit code.
fn not_utf8(offset: usize, locale: Option<Locale>) -> (String, u8) {
    let mut problems = xuetong::problem::Problems::from(xuetong::api::not_utf8_problem(offset));
    problems.localize(locale.unwrap_or_default());
    let response = xuetong::api::Response::Problems(problems);
    (response.to_json().to_string(), EXIT_BAD_INPUT)
}

/// Runs `operation` on the request text and returns the response with the
/// exit code. `locale` is used when the request names none.
fn respond(operation: &str, request: &str, locale: Option<Locale>) -> (String, u8) {
    let response = match xuetong::api::parse_request(request) {
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

    #[test]
    fn repeated_input_is_malformed() {
        // Keeping the last input would report display_name as required.
        let twice = r#"{"input": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e",
            "display_name": "A"}, "input": {}}"#;
        let (response, code) = respond("validate_learner", twice, None);
        assert_eq!(code, EXIT_BAD_INPUT);
        let response: serde_json::Value = serde_json::from_str(&response).unwrap();
        assert_eq!(response["problems"][0]["code"], "malformed_json");
        assert_eq!(response["problems"][0]["path"], serde_json::json!([]));
        assert_eq!(response["problems"].as_array().map(Vec::len), Some(1));
    }
}
