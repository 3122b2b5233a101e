//! `xuetong generate --learners N --seed S --out BUNDLE`: writes a sample
//! district bundle of any size and prints what it holds.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use clap::Args;
use xuetong::sample::{DISTRICT_LEARNERS, SAMPLE_TOKEN_KEY_HEX, Sample, SampleParams, generate};

use crate::folder::Folder;
use crate::{EXIT_BAD_INPUT, EXIT_FAILURE, EXIT_OK};

/// The arguments of `xuetong generate`.
#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Registered learners; venues, courses and clubs scale with them (one
    /// district per 54,611 learners).
    #[arg(long, default_value_t = DISTRICT_LEARNERS)]
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
    #[arg(long, default_value_t = SampleParams::default().weeks)]
    weeks: u32,
}

/// Runs `xuetong generate` and returns the exit code: bad input for
/// parameters out of range, failure when the bundle cannot be written.
pub(crate) fn run(args: &GenerateArgs) -> u8 {
    if args.out.exists() && !args.out.is_dir() {
        eprintln!(
            "error: --out {} is a file; give a folder for the bundle",
            args.out.display()
        );
        return EXIT_BAD_INPUT;
    }
    let params = SampleParams {
        learners: args.learners,
        seed: args.seed,
        season_start: args
            .season_start
            .unwrap_or(SampleParams::default().season_start),
        weeks: args.weeks,
    };
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    if terminal {
        eprint!(
            "generating {} learners…",
            thousands(u64::from(params.learners))
        );
    }
    let sample = match generate(&params) {
        Ok(sample) => sample,
        Err(error) => {
            if terminal {
                eprintln!();
            }
            eprintln!("error: {error}");
            return EXIT_BAD_INPUT;
        }
    };
    if terminal {
        eprintln!(" done in {:.1} s", started.elapsed().as_secs_f64());
    }

    let mut bar = ProgressBar::new(terminal);
    let mut sink = Folder::new(&args.out);
    let result = sample.write(&mut sink, &mut |done, total| bar.show(done, total));
    bar.finish();
    if let Err(error) = result {
        eprintln!("error: {error}");
        return EXIT_FAILURE;
    }
    print_summary(args, &sample, started.elapsed().as_secs_f64());
    EXIT_OK
}

fn print_summary(args: &GenerateArgs, sample: &Sample, seconds: f64) {
    let bundle = &sample.bundle;
    let facts = &sample.facts;
    let expected = &sample.expected;
    println!(
        "wrote {} in {seconds:.1} s: seed {}, semester {} to {}",
        args.out.display(),
        sample.params.seed,
        sample.season.start,
        sample.season.end
    );
    let tiers: Vec<String> = facts
        .venues_by_tier
        .iter()
        .map(|(tier, count)| format!("{count} {tier}"))
        .collect();
    println!(
        "{} venues ({}), {} learners, {} instructors",
        bundle.venues.len(),
        tiers.join(", "),
        thousands(bundle.learners.len() as u64),
        thousands(bundle.instructors.len() as u64)
    );
    println!(
        "{} courses, {} sessions ({} cancelled, {} across midnight, {} holiday dates skipped)",
        thousands(bundle.courses.len() as u64),
        thousands(bundle.sessions.len() as u64),
        facts.cancelled_sessions,
        facts.sessions_across_midnight,
        thousands(u64::from(facts.holiday_skips))
    );
    let statuses: Vec<String> = facts
        .enrolments_by_status
        .iter()
        .map(|(status, count)| format!("{} {status}", thousands(u64::from(*count))))
        .collect();
    println!(
        "{} enrolments ({}), {} excusals",
        thousands(bundle.enrolments.len() as u64),
        statuses.join(", "),
        thousands(bundle.excusals.len() as u64)
    );
    println!(
        "{} clubs with {} membership periods, {} outcomes",
        bundle.clubs.len(),
        thousands(bundle.club_members.len() as u64),
        thousands(bundle.outcomes.len() as u64)
    );
    println!(
        "{} scans: {} accepted, {} rejected, {} duplicates, {} walk-ins",
        thousands(expected.scans),
        thousands(expected.accepted),
        thousands(expected.rejected()),
        thousands(expected.duplicates()),
        thousands(expected.walk_ins)
    );
    let injected: Vec<String> = expected
        .rejected_by_code
        .iter()
        .chain(&expected.duplicates_by_kind)
        .map(|(name, count)| format!("{name} {}", thousands(*count)))
        .collect();
    println!("injected: {}", injected.join(", "));
    println!(
        "evaluate at {} with token key {SAMPLE_TOKEN_KEY_HEX}",
        sample
            .as_of
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
}

/// Writes `1234567` as `1,234,567`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (position, digit) in digits.chars().enumerate() {
        if position > 0 && (digits.len() - position).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A one-line progress bar on standard error, drawn only on a terminal.
struct ProgressBar {
    terminal: bool,
    drawn_percent: Option<u64>,
}

impl ProgressBar {
    const WIDTH: u64 = 30;

    fn new(terminal: bool) -> Self {
        Self {
            terminal,
            drawn_percent: None,
        }
    }

    fn show(&mut self, done: u64, total: u64) {
        if !self.terminal {
            return;
        }
        let percent = (done * 100).checked_div(total).unwrap_or(100).min(100);
        if self.drawn_percent == Some(percent) {
            return;
        }
        self.drawn_percent = Some(percent);
        let filled = (percent * Self::WIDTH / 100) as usize;
        let bar = format!(
            "{}{}",
            "#".repeat(filled),
            "-".repeat(Self::WIDTH as usize - filled)
        );
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "\rwriting scans [{bar}] {percent:>3}% {}/{}",
            thousands(done),
            thousands(total)
        );
        let _ = stderr.flush();
    }

    fn finish(&mut self) {
        if self.terminal && self.drawn_percent.is_some() {
            eprintln!();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(54_611), "54,611");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
