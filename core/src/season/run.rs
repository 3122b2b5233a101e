//! The pipeline of a season run, from a bundle to the season's results.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::attendance::{
    AssessmentResult, AttendanceInput, AttendanceReport, EvaluationSettings, evaluate_attendance,
    with_given_outcomes,
};
use crate::bundle::{Bundle, RULES_FILE};
use crate::credit::codes as credit_codes;
use crate::credit::xapi::XapiOptions;
use crate::credit::{
    CreditContext, Ledger, RuleSet, Skipped, compute_credits, parse_rule_set, presets,
};
use crate::decimal::Credits;
use crate::id::LearnerId;
use crate::index::IndexResult;
use crate::model::{Outcome, Scan};
use crate::problem::{Path, PathSegment, Problem, Problems};
use crate::schedule::in_supported_years;
use crate::stats::{Period, SeasonOutcomes};

use super::clubs::{ClubEvaluation, evaluate_clubs, season_years};
use super::options::{SeasonOptions, default_time_zone};
use super::statistics::{ScopeStatistics, season_period, season_statistics};

crate::text_enum! {
    /// A step of a season run, reported to the observer of
    /// [`run_season_observed`] as it starts.
    pub enum SeasonStep {
        /// Judging scans into attendance records and course results.
        Attendance = "attendance",
        /// Turning attendance into learning outcomes.
        Outcomes = "outcomes",
        /// Applying the credit rules to the outcomes.
        Credits = "credits",
        /// Appending the credits to the ledger.
        Ledger = "ledger",
        /// Evaluating every club for every year of the season.
        Clubs = "clubs",
        /// Statistics by scope and the district learning index.
        Statistics = "statistics",
    }
}

/// Everything a season run produced, borrowing the bundle it ran on.
///
/// The deposit batch, the transcripts and the xAPI statements are not kept
/// here. The writers of [`crate::season`] derive them from the ledger and
/// the attendance report while writing, so a large season never keeps them
/// in memory.
#[derive(Debug)]
pub struct Season<'b> {
    /// The bundle the season ran on.
    pub bundle: &'b Bundle,
    /// The evaluation time.
    pub as_of: DateTime<Utc>,
    /// The zone of the recording date and of xAPI timestamps.
    pub time_zone: Tz,
    /// The date the run's ledger entries are recorded on: the local date of
    /// `as_of` in `time_zone`.
    pub recorded_on: NaiveDate,
    /// The credit rule set applied.
    pub rule_set: RuleSet,
    /// The platform, its home page and activity ids for xAPI; its home page
    /// is also the platform of the credit-bank deposits.
    pub xapi_options: XapiOptions,
    /// Whether xAPI statements are part of the output.
    pub xapi: bool,
    /// Attendance records, rejected and duplicate scans, course results.
    pub attendance: AttendanceReport,
    /// The outcomes the credit rules were applied to: those made from
    /// attendance and the bundle's own, ordered by learner, date, kind and
    /// id.
    pub outcomes: Vec<Outcome>,
    /// The outcomes that earned nothing, with the reasons.
    pub skipped: Vec<Skipped>,
    /// The ledger: the previous ledger with this run's entries appended.
    pub ledger: Ledger,
    /// How many entries this run appended (at the end of the ledger).
    pub appended: usize,
    /// The evaluation of each club for each year of the season.
    pub clubs: Vec<ClubEvaluation>,
    /// The period the statistics and the index cover: the one of the
    /// options, else from the first day a session or outcome of the bundle
    /// falls on to `recorded_on`.
    pub period: Period,
    /// The statistics of each scope over `period`, ordered by kind of
    /// scope, then name and id.
    pub statistics: Vec<ScopeStatistics>,
    /// The default learning index over the districts' statistics; `None`
    /// when the bundle has no district-tier venue.
    pub index: Option<IndexResult>,
    /// Counts over the run.
    pub summary: SeasonSummary,
}

/// Counts over a season run, for the closing line of the command line and
/// the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeasonSummary {
    /// Learners in the bundle.
    pub learners: u64,
    /// Courses in the bundle.
    pub courses: u64,
    /// Sessions in the bundle.
    pub sessions: u64,
    /// Sessions held: not cancelled and ended by the evaluation time.
    pub sessions_held: u64,
    /// Clubs in the bundle.
    pub clubs: u64,
    /// Scans evaluated.
    pub scans: u64,
    /// Scans accepted.
    pub scans_accepted: u64,
    /// Scans rejected, each with a reason.
    pub scans_rejected: u64,
    /// Scans that changed nothing.
    pub scans_duplicate: u64,
    /// Attendance records (one per learner and session).
    pub attendance_records: u64,
    /// Course results (one per learner and course).
    pub course_results: u64,
    /// Course results that are completions.
    pub completions: u64,
    /// Outcomes made from attendance.
    pub outcomes_from_attendance: u64,
    /// Outcomes given in the bundle.
    pub outcomes_given: u64,
    /// Outcome records (or sums of them) that earned nothing.
    pub outcomes_skipped: u64,
    /// Entries in the ledger after the run.
    pub ledger_entries: u64,
    /// Entries this run appended.
    pub entries_appended: u64,
    /// The sum of the amounts this run appended, reversals included.
    pub credits_appended: Credits,
    /// Learners with at least one appended entry.
    pub learners_credited: u64,
    /// Club evaluations made.
    pub club_evaluations: u64,
    /// Club evaluations that could not be made, each with its problems.
    pub club_evaluations_failed: u64,
    /// Scopes with statistics.
    pub statistics_scopes: u64,
    /// Units of the learning index (districts).
    pub index_units: u64,
}

/// Runs a season: attendance, outcomes, credits and the ledger, club
/// evaluations, statistics by scope and the district learning index.
///
/// The result depends only on the bundle and the options, never on the
/// order of the bundle's rows, so writing it twice gives the same bytes.
///
/// # Errors
///
/// Returns the problems of the options, with paths that start at the
/// option's name:
///
/// - `home_page`: not an absolute http or https URL (`invalid_iri`);
/// - `rules` (or `rules.json` for the bundle's own rules): rules that do not
///   parse or that name categories the bundle's taxonomy lacks;
/// - `rules` (or `rules.json`): a draft (`rule_set_not_published`), or a
///   version the previous ledger recorded with other rules
///   (`rule_set_changed`);
/// - `period.last_day`: a period that ends before it starts
///   (`ends_before_start`);
/// - `coverage`: learning-circle settings out of range (`out_of_range`),
///   or travel times naming venues the bundle lacks
///   (`reference_not_in_input`) or a pair twice (`duplicate_entry`).
///
/// The bundle itself causes one error only: `amount_overflow` (path at the
/// root, naming the learner) when a learner's credits do not fit in
/// [`Credits`], which only a mistaken credit value or number of minutes
/// gives. Bad scans become rejected scans, and a club whose history is
/// invalid gets its problems in its evaluation.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use xuetong::bundle::Bundle;
/// use xuetong::season::{SeasonOptions, run_season};
///
/// let bundle = Bundle::default();
/// let as_of = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
/// let season = run_season(&bundle, SeasonOptions::new(as_of, "https://learn.example.org"))?;
/// assert_eq!(season.rule_set.id, "community");
/// assert_eq!(season.summary.entries_appended, 0);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn run_season(bundle: &Bundle, options: SeasonOptions) -> Result<Season<'_>, Problems> {
    run_season_observed(bundle, options, &mut |_| {})
}

/// Runs a season as [`run_season`] does, calling `observe` as each step
/// starts, so that a caller can show progress.
///
/// # Errors
///
/// As [`run_season`].
pub fn run_season_observed<'b>(
    bundle: &'b Bundle,
    options: SeasonOptions,
    observe: &mut dyn FnMut(SeasonStep),
) -> Result<Season<'b>, Problems> {
    run_steps(bundle, Cow::Borrowed(&bundle.scans), options, observe)
}

/// Runs a season as [`run_season_observed`] does, on `scans` in place of
/// `bundle.scans`, and frees the scans as soon as attendance is evaluated.
///
/// No later step reads the scans, and they are the largest part of a
/// bundle. A caller that owns the bundle can move them out with
/// [`std::mem::take`] and pass them here, so that the outcomes and credits
/// steps allocate after they are freed. `bundle.scans` itself is not read.
///
/// # Errors
///
/// As [`run_season`].
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use xuetong::bundle::Bundle;
/// use xuetong::season::{SeasonOptions, run_season_with_scans};
///
/// let mut bundle = Bundle::default();
/// let scans = std::mem::take(&mut bundle.scans);
/// let as_of = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
/// let options = SeasonOptions::new(as_of, "https://learn.example.org");
/// let season = run_season_with_scans(&bundle, scans, options, &mut |_| {})?;
/// assert_eq!(season.summary.scans, 0);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn run_season_with_scans<'b>(
    bundle: &'b Bundle,
    scans: Vec<Scan>,
    options: SeasonOptions,
    observe: &mut dyn FnMut(SeasonStep),
) -> Result<Season<'b>, Problems> {
    run_steps(bundle, Cow::Owned(scans), options, observe)
}

/// Runs a season as [`run_season_with_scans`] does, and once attendance is
/// evaluated calls `alongside` with the attendance report and a function
/// that runs the later steps (outcomes, credits, the ledger, clubs and
/// statistics).
///
/// The attendance report is final once `alongside` is called, so the
/// caller can write the attendance tables (see
/// [`write_attendance_output`](super::write_attendance_output)) on a
/// thread of its own while the later steps run. `alongside` should call
/// the function once, on its own thread; the crate starts no thread
/// itself. When `alongside` returns without calling it, the later steps
/// run after it returns.
///
/// # Errors
///
/// As [`run_season`]. `alongside` is not called when the options are
/// invalid; a later step that fails still lets it finish first.
pub fn run_season_alongside<'b>(
    bundle: &'b Bundle,
    scans: Vec<Scan>,
    options: SeasonOptions,
    observe: &mut dyn FnMut(SeasonStep),
    alongside: &mut dyn FnMut(&AttendanceReport, &mut dyn FnMut()),
) -> Result<Season<'b>, Problems> {
    run_steps_alongside(bundle, Cow::Owned(scans), options, observe, alongside)
}

/// Runs every step of a season on `bundle` with `scans` in place of its
/// own, dropping `scans` after the attendance step.
fn run_steps<'b>(
    bundle: &'b Bundle,
    scans: Cow<'_, [Scan]>,
    options: SeasonOptions,
    observe: &mut dyn FnMut(SeasonStep),
) -> Result<Season<'b>, Problems> {
    run_steps_alongside(bundle, scans, options, observe, &mut |_, later| later())
}

/// The results of the steps after attendance.
struct LaterSteps {
    outcomes: Vec<Outcome>,
    from_attendance: usize,
    skipped: Vec<Skipped>,
    ledger: Ledger,
    before: usize,
    clubs: Vec<ClubEvaluation>,
    period: Period,
    statistics: Vec<ScopeStatistics>,
    index: Option<IndexResult>,
}

/// The settings of a run that the steps after attendance read.
struct LaterSettings<'r> {
    rule_set: &'r RuleSet,
    /// The path segment that problems of `rule_set` go under.
    rules_root: &'static str,
    recorded_on: NaiveDate,
    previous_ledger: Option<Ledger>,
    options: &'r SeasonOptions,
}

/// Writes `date` as YYYY-MM-DD with every digit of its year, such as
/// `10000-01-01`, where chrono's ISO 8601 form puts a sign before a year of
/// more than four digits (`+10000-01-01`).
fn plain_date(date: NaiveDate) -> String {
    let sign = if date.year() < 0 { "-" } else { "" };
    format!(
        "{sign}{:04}-{:02}-{:02}",
        date.year().unsigned_abs(),
        date.month(),
        date.day()
    )
}

/// Runs every step of a season as [`run_steps`] does, calling `alongside`
/// once attendance is evaluated, as [`run_season_alongside`] describes.
fn run_steps_alongside<'b>(
    bundle: &'b Bundle,
    scans: Cow<'_, [Scan]>,
    mut options: SeasonOptions,
    observe: &mut dyn FnMut(SeasonStep),
    alongside: &mut dyn FnMut(&AttendanceReport, &mut dyn FnMut()),
) -> Result<Season<'b>, Problems> {
    let time_zone = options
        .time_zone
        .unwrap_or_else(|| default_time_zone(bundle));
    let recorded_on = options.as_of.with_timezone(&time_zone).date_naive();
    let mut problems = Problems::new();
    // The ledger, the deposit batch and the report write the recorded date,
    // which must stay within the years that dates are written in.
    if !in_supported_years(recorded_on) {
        problems.push(
            Problem::new(credit_codes::AS_OF_OUT_OF_RANGE, Path::root().join("as_of"))
                .with("value", crate::field::format_instant(&options.as_of))
                .with("date", plain_date(recorded_on))
                .with("time_zone", time_zone.name()),
        );
    }
    let xapi_options = XapiOptions::new(&options.home_page, time_zone)
        .map_err(|found| problems.extend(found))
        .ok();
    let rules_root = if options.rules.is_none() && bundle.rules.is_some() {
        RULES_FILE
    } else {
        "rules"
    };
    let rule_set = choose_rules(bundle, options.rules.take(), &mut problems);
    let (Some(xapi_options), Some(rule_set), true) = (xapi_options, rule_set, problems.is_empty())
    else {
        return Err(problems);
    };

    observe(SeasonStep::Attendance);
    let learners: Vec<LearnerId> = bundle.learners.iter().map(|learner| learner.id).collect();
    let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
    let input = AttendanceInput {
        scans: &scans,
        ..AttendanceInput::from_bundle(bundle, &learners, &assessments)
    };
    let settings = EvaluationSettings {
        policy: &options.policy,
        as_of: options.as_of,
        token_key: options.token_key.as_ref(),
    };
    let attendance = evaluate_attendance(&input, &settings)?;
    free_scans(scans);

    let mut settings = LaterSettings {
        rule_set: &rule_set,
        rules_root,
        recorded_on,
        previous_ledger: options.previous_ledger.take(),
        options: &options,
    };
    let mut later = None;
    alongside(&attendance, &mut || {
        if later.is_none() {
            later = Some(later_steps(bundle, &attendance, &mut settings, observe));
        }
    });
    let later = match later {
        Some(later) => later,
        None => later_steps(bundle, &attendance, &mut settings, observe),
    }?;

    let mut summary = summarise(
        bundle,
        &attendance,
        later.from_attendance,
        &later.skipped,
        &later.ledger,
        later.before,
        &later.clubs,
    );
    summary.statistics_scopes = later.statistics.len() as u64;
    summary.index_units = later
        .index
        .as_ref()
        .map_or(0, |index| index.units.len() as u64);
    let appended = later.ledger.entries().len() - later.before;
    Ok(Season {
        bundle,
        as_of: options.as_of,
        time_zone,
        recorded_on,
        rule_set,
        xapi_options,
        xapi: options.xapi,
        attendance,
        outcomes: later.outcomes,
        skipped: later.skipped,
        ledger: later.ledger,
        appended,
        clubs: later.clubs,
        period: later.period,
        statistics: later.statistics,
        index: later.index,
        summary,
    })
}

/// Frees the scans once attendance is evaluated, before the later steps
/// allocate. With the `parallel` feature a pool thread frees owned scans
/// while the outcomes step starts, because freeing a season's scans and
/// their tokens one by one kept one core busy while the other waited.
fn free_scans(scans: Cow<'_, [Scan]>) {
    #[cfg(feature = "parallel")]
    if let Cow::Owned(scans) = scans {
        rayon::spawn(move || drop(scans));
        return;
    }
    drop(scans);
}

/// Runs the steps after attendance: outcomes, credits, the ledger, clubs
/// and statistics.
fn later_steps(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    settings: &mut LaterSettings<'_>,
    observe: &mut dyn FnMut(SeasonStep),
) -> Result<LaterSteps, Problems> {
    let options = settings.options;
    let recorded_on = settings.recorded_on;
    observe(SeasonStep::Outcomes);
    // NOTE: a province season (20 districts) peaked at 9.15 million KiB of
    // resident memory on an idle machine (BENCHMARKS.md, "After the
    // thirteenth round"), against a bar of 6 GB. The statistics and
    // credits steps held the most, 9.13 and 9.10 million KiB, in a run
    // that sampled each step ("Statistics and writing step memory").
    // These outcomes (one per attended record with the default grouping, plus a
    // copy of the bundle's own, 152 bytes each) live to the end of the run,
    // beside the attendance records and the bundle. Per district of 54,611
    // learners that is about 130 MB of outcomes and 157 MB of attendance
    // records before the credit engine allocates. Under heaptrack, a
    // district's heap peaks in this step, while a pool thread is still
    // freeing the scans (see `free_scans`). Meeting the bar needs a run
    // that does not hold them all at once, such as one that computes
    // credits, ledger entries and their rows per group of learners.
    // `OutcomeGrouping::PerCourse` makes far fewer outcomes, at the cost of
    // rules that round per session.
    // The bundle's outcomes come in file order; one canonical order, which
    // the attendance outcomes are made in, keeps `outcomes.csv` independent
    // of it.
    let outcomes = with_given_outcomes(
        attendance,
        &bundle.sessions,
        options.outcome_grouping,
        &bundle.outcomes,
    );
    let from_attendance = outcomes.len() - bundle.outcomes.len();

    observe(SeasonStep::Credits);
    let context = CreditContext::from_bundle(bundle).with_recorded_on(recorded_on);
    let computation = compute_credits(settings.rule_set, &context, &outcomes)?;
    drop(context);

    observe(SeasonStep::Ledger);
    let mut ledger = settings.previous_ledger.take().unwrap_or_default();
    let before = ledger.entries().len();
    // The ledger takes the accruals' outcome ids and texts into its
    // entries and frees the rest of the computation, before clubs and
    // statistics allocate. Only the skipped outcomes are kept.
    let skipped = ledger
        .record_owned(computation, recorded_on)
        .map_err(|found| under(settings.rules_root, found))?;

    observe(SeasonStep::Clubs);
    let years = season_years(bundle, recorded_on);
    let clubs = evaluate_clubs(bundle, attendance, &years);

    observe(SeasonStep::Statistics);
    let period = options
        .period
        .unwrap_or_else(|| season_period(bundle, recorded_on));
    let season_outcomes = SeasonOutcomes {
        outcomes: &outcomes,
        grouping: options.outcome_grouping,
    };
    let (statistics, index) = season_statistics(
        bundle,
        attendance,
        season_outcomes,
        &ledger,
        period,
        &options.statistics,
        &options.coverage,
    )?;
    Ok(LaterSteps {
        outcomes,
        from_attendance,
        skipped,
        ledger,
        before,
        clubs,
        period,
        statistics,
        index,
    })
}

/// Picks the rule set: the one given, else the bundle's `rules.json`, else
/// the built-in `community`, and adds the problems of the rules chosen to
/// `problems`.
fn choose_rules(
    bundle: &Bundle,
    given: Option<RuleSet>,
    problems: &mut Problems,
) -> Option<RuleSet> {
    season_rules(bundle, given)
        .map_err(|found| problems.extend(found))
        .ok()
}

/// Chooses the rule set a season of `bundle` credits with: `given`, else
/// the bundle's `rules.json`, else the built-in `community`.
///
/// Fails with the problems of the rules chosen, including categories that
/// the bundle's taxonomy lacks (`unknown_category`). A draft is returned
/// like any rule set, because the run stops on it only when it records
/// credits. A bundle whose `rules.json` could not be read has no rule set
/// here, so without `given` the reader's problem is reported again.
pub fn season_rules(bundle: &Bundle, given: Option<RuleSet>) -> Result<RuleSet, Problems> {
    let (rule_set, root) = match (given, &bundle.rules) {
        (Some(rule_set), _) => (rule_set, "rules"),
        (None, Some(text)) => match parse_rule_set(text) {
            Ok(rule_set) => (rule_set, RULES_FILE),
            Err(found) => return Err(under(RULES_FILE, found)),
        },
        (None, None) => {
            if let Some(problem) = &bundle.rules_problem {
                return Err(Problems(vec![problem.clone()]));
            }
            (presets::community(), "rules")
        }
    };
    let path = Path::root().join(root);
    let unknown = rule_set.check_categories(&bundle.taxonomy(), &path);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    Ok(rule_set)
}

/// Moves problems under the path segment `root`.
fn under(root: &'static str, problems: Problems) -> Problems {
    let moved = problems
        .into_iter()
        .map(|mut problem: Problem| {
            problem.path.0.insert(0, PathSegment::from(root));
            problem
        })
        .collect();
    Problems(moved)
}

fn summarise(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    from_attendance: usize,
    skipped: &[Skipped],
    ledger: &Ledger,
    before: usize,
    clubs: &[ClubEvaluation],
) -> SeasonSummary {
    let appended = ledger.entries().get(before..).unwrap_or_default();
    let mut credited: Vec<LearnerId> = appended.iter().map(|entry| entry.learner_id).collect();
    credited.sort_unstable();
    credited.dedup();
    let held = bundle
        .sessions
        .iter()
        .filter(|timed| !timed.session.is_cancelled() && timed.times.ends_at <= attendance.as_of)
        .count();
    let summary = &attendance.summary;
    SeasonSummary {
        learners: bundle.learners.len() as u64,
        courses: bundle.courses.len() as u64,
        sessions: bundle.sessions.len() as u64,
        sessions_held: held as u64,
        clubs: bundle.clubs.len() as u64,
        scans: summary.scans,
        scans_accepted: summary.accepted,
        scans_rejected: summary.rejected,
        scans_duplicate: summary.duplicates,
        attendance_records: attendance.records.len() as u64,
        course_results: attendance.course_results.len() as u64,
        completions: attendance
            .course_results
            .iter()
            .filter(|result| result.completed)
            .count() as u64,
        outcomes_from_attendance: from_attendance as u64,
        outcomes_given: bundle.outcomes.len() as u64,
        outcomes_skipped: skipped.len() as u64,
        ledger_entries: ledger.entries().len() as u64,
        entries_appended: appended.len() as u64,
        credits_appended: appended.iter().map(|entry| entry.amount).sum(),
        learners_credited: credited.len() as u64,
        club_evaluations: clubs.iter().filter(|club| club.result.is_ok()).count() as u64,
        club_evaluations_failed: clubs.iter().filter(|club| club.result.is_err()).count() as u64,
        ..SeasonSummary::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_date_writes_every_year_digit() {
        let cases = [
            ((10000, 1, 1), "10000-01-01"),
            ((9999, 12, 31), "9999-12-31"),
            ((0, 12, 31), "0000-12-31"),
            ((-1, 3, 5), "-0001-03-05"),
        ];
        for ((year, month, day), expected) in cases {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            assert_eq!(plain_date(date), expected, "{year}-{month}-{day}");
        }
    }
}
