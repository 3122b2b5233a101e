//! `xuetong demo [--out DIR]`: generates the sample district, runs its
//! season with `xuetong run`'s code and prints where the report is.

use std::path::PathBuf;

use clap::Args;
use xuetong::problem::Locale;
use xuetong::sample::{DISTRICT_LEARNERS, SampleParams, sample_token_key};
use xuetong_cli::output::{counted, grouped};
use xuetong_cli::say;

use crate::generate::{learner_count, write_sample};
use crate::run::{RunArgs, check_out_folder, lock_output, run_locked};

/// The folder the demo writes to when `--out` is not given.
const DEFAULT_OUT: &str = "xuetong-demo";

/// The folder inside the output folder that receives the sample bundle.
const BUNDLE_FOLDER: &str = "bundle";

/// The arguments of `xuetong demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The folder to write to, created when missing. The sample bundle goes
    /// to DIR/bundle and the season's outputs and report.html to DIR, and
    /// files of the same names are replaced. DIR is locked as `xuetong run`
    /// locks its output folder.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_OUT)]
    out: PathBuf,
    /// Registered learners of the sample, 1 to 5000000; the default is the
    /// district's.
    #[arg(long, default_value_t = DISTRICT_LEARNERS, value_parser = learner_count())]
    learners: u32,
    /// The seed of the sample.
    #[arg(long, default_value_t = SampleParams::default().seed)]
    seed: u64,
}

/// Runs `xuetong demo` and returns the exit code of the season run, or of
/// the generator when the sample could not be written. The output folder
/// is locked before the sample is written into it, as `xuetong run` locks
/// it.
pub(crate) fn demo(args: &DemoArgs, locale: Locale) -> u8 {
    let lock = match check_out_folder(&args.out).and_then(|()| lock_output(&args.out)) {
        Ok(lock) => lock,
        Err(stop) => return stop.report(),
    };
    let params = SampleParams {
        learners: args.learners,
        seed: args.seed,
        ..SampleParams::default()
    };
    let bundle = args.out.join(BUNDLE_FOLDER);
    let sample = match write_sample(&params, &bundle) {
        Ok(sample) => sample,
        Err(code) => {
            lock.release_after_failure();
            return code;
        }
    };

    let facts = &sample.facts;
    say!(
        "sample district (seed {}): {}, {}, {}, {}, {}",
        params.seed,
        counted(sample.bundle.venues.len() as u64, "venue", "venues"),
        counted(sample.bundle.learners.len() as u64, "learner", "learners"),
        counted(sample.bundle.courses.len() as u64, "course", "courses"),
        counted(
            u64::from(facts.course_sessions),
            "course session",
            "course sessions"
        ),
        counted(sample.expected.scans, "scan", "scans"),
    );
    say!(
        "generated {} late arrivals, {} rejected scans and {} duplicates on purpose; bundle in {}",
        grouped(sample.expected.late),
        grouped(sample.expected.rejected()),
        grouped(sample.expected.duplicates()),
        bundle.display()
    );
    let run_args = RunArgs::sample(bundle, args.out.clone(), sample.as_of, sample_token_key());
    // The sample is no longer needed: free it before the season is read.
    drop(sample);
    run_locked(&run_args, locale, lock)
}
