//! `xuetong generate --learners N --seed S --out BUNDLE`: writes a sample
//! district bundle of any size and prints what it holds.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::NaiveDate;
use clap::Args;
use clap::builder::RangedI64ValueParser;
use clap::value_parser;
use xuetong::sample::{
    DISTRICT_LEARNERS, MAX_LEARNERS, MAX_WEEKS, MIN_WEEKS, SAMPLE_TOKEN_KEY_HEX, Sample,
    SampleError, SampleParams, generate,
};

use xuetong_cli::folder::Folder;
use xuetong_cli::output::grouped;
use xuetong_cli::progress::Progress;
use xuetong_cli::{complain, say};

use crate::out_folder::{out_folder_problem, report_bundle_write_error};
use crate::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};

/// The arguments of `xuetong generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Registered learners, 1 to 5000000; venues, courses and clubs scale
    /// with them (one district per 54,611 learners).
    #[arg(long, default_value_t = DISTRICT_LEARNERS, value_parser = learner_count())]
    learners: u32,
    /// The seed: the same seed and options give the same bundle, byte for
    /// byte.
    #[arg(long, default_value_t = SampleParams::default().seed)]
    seed: u64,
    /// The bundle folder to write (created when missing; its bundle files
    /// are replaced).
    #[arg(long)]
    out: PathBuf,
    /// The first day of the semester, YYYY-MM-DD [default: 2026-03-02].
    #[arg(long)]
    season_start: Option<NaiveDate>,
    /// The length of the semester in weeks, 4 to 26.
    #[arg(
        long,
        default_value_t = SampleParams::default().weeks,
        value_parser = value_parser!(u32).range(i64::from(MIN_WEEKS)..=i64::from(MAX_WEEKS)),
    )]
    weeks: u32,
}

/// Builds the parser of a `--learners` value, which rejects a count outside
/// 1 to [`MAX_LEARNERS`] as an invalid option value.
pub(crate) fn learner_count() -> RangedI64ValueParser<u32> {
    value_parser!(u32).range(1..=i64::from(MAX_LEARNERS))
}

/// Runs `xuetong generate` and returns the exit code: usage for parameters
/// out of range, failure when the bundle cannot be written.
pub(crate) fn run(args: &GenerateArgs) -> u8 {
    let params = SampleParams {
        learners: args.learners,
        seed: args.seed,
        season_start: args
            .season_start
            .unwrap_or(SampleParams::default().season_start),
        weeks: args.weeks,
    };
    let started = Instant::now();
    match write_sample(&params, &args.out) {
        Ok(sample) => {
            print_summary(&args.out, &sample, started.elapsed().as_secs_f64());
            EXIT_OK
        }
        Err(code) => code,
    }
}

/// Generates the sample that `params` describe and writes it to the folder
/// `out`, with a progress bar on a terminal. On an error it prints the
/// error and returns the exit code. Parameters out of range are a usage
/// error. An `out` that cannot be made a folder, or that this user may not
/// write into, is bad input. Any other failure to write is a failure.
pub(crate) fn write_sample(params: &SampleParams, out: &Path) -> Result<Sample, u8> {
    if let Some(message) = out_folder_problem(out, "the bundle") {
        complain!("error: {message}");
        return Err(EXIT_BAD_INPUT);
    }
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    if terminal {
        eprint!(
            "generating {} learners…",
            grouped(u64::from(params.learners))
        );
    }
    let sample = match generate(params) {
        Ok(sample) => sample,
        Err(error) => {
            if terminal {
                eprintln!();
            }
            complain!("error: {error}");
            return Err(sample_error_exit_code(&error));
        }
    };
    if terminal {
        eprintln!(" done in {:.1} s", started.elapsed().as_secs_f64());
    }

    let bar = Progress::for_terminal().items(sample.expected.scans, "writing scans");
    let mut sink = Folder::new(out);
    let result = sample.write(&mut sink, &mut |done, _| bar.set_position(done));
    bar.finish_and_clear();
    if let Err(error) = result {
        return Err(report_bundle_write_error(out, error));
    }
    Ok(sample)
}

/// Returns the exit code for a sample that could not be generated. The
/// holiday calendar's years bound --season-start as the option parsers
/// bound --learners and --weeks, so those are usage errors. An internal
/// error is a bug of the generator, not a problem of the options.
fn sample_error_exit_code(error: &SampleError) -> u8 {
    match error {
        SampleError::Internal { .. } => EXIT_FAILURE,
        SampleError::Learners { .. }
        | SampleError::Weeks { .. }
        | SampleError::HolidaysUnknown { .. } => EXIT_USAGE,
    }
}

fn print_summary(out: &Path, sample: &Sample, seconds: f64) {
    let bundle = &sample.bundle;
    let facts = &sample.facts;
    let expected = &sample.expected;
    say!(
        "wrote {} in {seconds:.1} s: seed {}, semester {} to {}",
        out.display(),
        sample.params.seed,
        sample.season.start,
        sample.season.end
    );
    let tiers: Vec<String> = facts
        .venues_by_tier
        .iter()
        .map(|(tier, count)| format!("{count} {tier}"))
        .collect();
    say!(
        "{} venues ({}), {} learners, {} instructors",
        bundle.venues.len(),
        tiers.join(", "),
        grouped(bundle.learners.len() as u64),
        grouped(bundle.instructors.len() as u64)
    );
    say!(
        "{} courses, {} sessions ({} cancelled, {} across midnight, {} holiday dates skipped)",
        grouped(bundle.courses.len() as u64),
        grouped(bundle.sessions.len() as u64),
        facts.cancelled_sessions,
        facts.sessions_across_midnight,
        grouped(u64::from(facts.holiday_skips))
    );
    let statuses: Vec<String> = facts
        .enrolments_by_status
        .iter()
        .map(|(status, count)| format!("{} {status}", grouped(u64::from(*count))))
        .collect();
    say!(
        "{} enrolments ({}), {} excusals",
        grouped(bundle.enrolments.len() as u64),
        statuses.join(", "),
        grouped(bundle.excusals.len() as u64)
    );
    say!(
        "{} clubs with {} membership periods, {} outcomes",
        bundle.clubs.len(),
        grouped(bundle.club_members.len() as u64),
        grouped(bundle.outcomes.len() as u64)
    );
    say!(
        "{} scans: {} accepted, {} rejected, {} duplicates, {} walk-ins",
        grouped(expected.scans),
        grouped(expected.accepted),
        grouped(expected.rejected()),
        grouped(expected.duplicates()),
        grouped(expected.walk_ins)
    );
    let injected: Vec<String> = expected
        .rejected_by_code
        .iter()
        .chain(&expected.duplicates_by_kind)
        .map(|(name, count)| format!("{name} {}", grouped(*count)))
        .collect();
    say!("injected: {}", injected.join(", "));
    say!(
        "evaluate at {} with token key {SAMPLE_TOKEN_KEY_HEX}",
        sample
            .as_of
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_error_exits_as_failure() {
        let error = SampleError::Internal {
            what: "course",
            detail: "category key \"nope\"".to_owned(),
        };
        assert_eq!(sample_error_exit_code(&error), 3);
    }

    #[test]
    fn option_errors_exit_as_usage() {
        assert_eq!(
            sample_error_exit_code(&SampleError::Learners { learners: 0 }),
            2
        );
        assert_eq!(sample_error_exit_code(&SampleError::Weeks { weeks: 99 }), 2);
    }
}
