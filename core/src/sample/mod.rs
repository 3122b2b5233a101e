//! A deterministic sample district: a complete season [`Bundle`] of any
//! size, calibrated to Qiantang District, Hangzhou, in 2021.
//!
//! [`generate`] builds venues (a district community college, 7 street adult
//! schools and 70 community teaching points and cultural halls per
//! district), learners with an age structure in which older residents fill
//! the senior-university courses, instructors, courses of the built-in
//! taxonomy with capacities, enrolment windows, age limits and credit
//! values, a spring semester of weekly sessions that skip mainland China's
//! public holidays, enrolments with waiting lists and withdrawals,
//! excusals, learning clubs with their membership histories and
//! activities, learning outcomes, and QR check-in scans.
//!
//! The scans carry rotating tokens issued with [`SAMPLE_TOKEN_KEY_HEX`] and
//! include faults on purpose: lateness, leaving early, repeated check-ins,
//! retries with the same nonce, expired, forged, static and missing tokens,
//! scans outside the window, check-ins by learners without a place, scans of
//! a cancelled session and of unknown sessions. [`ExpectedScans`] records
//! what the attendance engine must make of them, and tests hold the engine
//! to it.
//!
//! # Determinism
//!
//! A seed and the parameters give the same bundle, byte for byte, on every
//! platform: the generator uses its own SplitMix64 generator on integers,
//! never the standard library's hash order or floating-point functions
//! other than exact decimal conversion.
//!
//! # Size
//!
//! Everything but the scans is held in memory ([`Sample::bundle`]). Scans
//! are produced course by course, on demand: [`Sample::write`] streams them
//! to `scans.csv` without holding them all, so a province of 1.1 million
//! learners and about 24 million scans needs memory for the other records
//! only. [`Sample::into_bundle`] materializes every scan, for in-memory use
//! at district size.
//!
//! # Example
//!
//! ```
//! use xuetong::bundle::{MemoryBundle, read_bundle};
//! use xuetong::sample::{SampleParams, generate};
//!
//! let params = SampleParams { learners: 300, ..SampleParams::default() };
//! let sample = generate(&params)?;
//! let mut files = MemoryBundle::new();
//! sample.write(&mut files, &mut |_, _| {})?;
//! let (bundle, report) = read_bundle(&files)?;
//! assert!(report.is_clean());
//! assert_eq!(bundle.learners.len(), 300);
//! assert_eq!(bundle.scans.len() as u64, sample.expected.scans);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod catalogue;
mod clubs;
mod courses;
mod enrol;
mod names;
mod network;
mod outcomes;
mod people;
mod rng;
mod scans;
mod write;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use thiserror::Error;

use crate::attendance::TokenKey;
use crate::bundle::Bundle;
use crate::model::{Scan, VenueTier};
use crate::schedule::HolidayCalendar;

/// The platform token key of the sample district, in hexadecimal: the
/// ASCII bytes of `xuetong-sample-district-key-2021`. Every QR scan of a
/// generated bundle carries a token issued with it. It is published, so it
/// must never protect a real platform.
pub const SAMPLE_TOKEN_KEY_HEX: &str =
    "787565746f6e672d73616d706c652d64697374726963742d6b65792d32303231";

/// The number of registered learners in Qiantang District in October 2021,
/// the default size of the sample.
pub const DISTRICT_LEARNERS: u32 = 54_611;

/// The most learners a sample may have.
pub const MAX_LEARNERS: u32 = 5_000_000;

/// The minimum length of a sample's semester, in weeks.
pub const MIN_WEEKS: u32 = 4;

/// The maximum length of a sample's semester, in weeks.
pub const MAX_WEEKS: u32 = 26;

/// The time zone of every venue.
pub const TIME_ZONE: Tz = chrono_tz::Asia::Shanghai;

/// Returns the sample token key.
pub fn sample_token_key() -> TokenKey {
    match TokenKey::from_bytes(SAMPLE_TOKEN_KEY) {
        Ok(key) => key,
        // 32 bytes lie within the accepted 16 to 256.
        Err(_) => unreachable!("the 32-byte sample token key was rejected"),
    }
}

/// The bytes of [`SAMPLE_TOKEN_KEY_HEX`].
const SAMPLE_TOKEN_KEY: &[u8] = b"xuetong-sample-district-key-2021";

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SampleParams {
    /// The number of registered learners; venues, courses and clubs scale
    /// with it (one district per 54,611 learners, rounded).
    pub learners: u32,
    /// The seed: the same seed and parameters give the same bundle.
    pub seed: u64,
    /// The first day of the semester (its Monday is the first week).
    pub season_start: NaiveDate,
    /// The length of the semester in weeks, 4 to 26.
    pub weeks: u32,
}

impl Default for SampleParams {
    /// The Qiantang district: 54,611 learners, seed 2021, a spring semester
    /// of 17 weeks from Monday 2 March 2026.
    fn default() -> Self {
        Self {
            learners: DISTRICT_LEARNERS,
            seed: 2021,
            season_start: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            weeks: 17,
        }
    }
}

/// Why a sample cannot be generated.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SampleError {
    /// The number of learners is 0 or above [`MAX_LEARNERS`].
    #[error("the number of learners must be 1 to {MAX_LEARNERS}, got {learners}")]
    Learners {
        /// The number given.
        learners: u32,
    },
    /// The number of weeks is outside [`MIN_WEEKS`] to [`MAX_WEEKS`].
    #[error("the semester must last {MIN_WEEKS} to {MAX_WEEKS} weeks, got {weeks}")]
    Weeks {
        /// The number given.
        weeks: u32,
    },
    /// The semester lies in a year the holiday calendar does not list, so
    /// its public holidays are unknown.
    #[error(
        "the semester from {season_start} reaches {year}, for which the mainland China holiday calendar has no arrangement; choose a start date in {first_year} to {last_year}"
    )]
    HolidaysUnknown {
        /// The start date given.
        season_start: NaiveDate,
        /// The first year not covered.
        year: i32,
        /// The first year the calendar covers.
        first_year: i32,
        /// The last year the calendar covers.
        last_year: i32,
    },
    /// A generated record failed the library's own rules; this is a bug of
    /// the generator.
    #[error("the generator made an invalid {what}: {detail}; please report it with the parameters")]
    Internal {
        /// What was being made.
        what: &'static str,
        /// The problem.
        detail: String,
    },
}

/// The semester's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Season {
    /// The first day.
    pub start: NaiveDate,
    /// The last day.
    pub end: NaiveDate,
}

/// What the attendance engine must make of the scans, evaluated with the
/// default attendance policy, the sample token key and the sample's
/// [`Sample::as_of`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ExpectedScans {
    /// Every scan.
    pub scans: u64,
    /// Scans that are a record's first check-in or last check-out.
    pub accepted: u64,
    /// Rejected scans, by code.
    pub rejected_by_code: BTreeMap<String, u64>,
    /// Scans that change nothing, by kind.
    pub duplicates_by_kind: BTreeMap<String, u64>,
    /// Records of learners who checked in without a place, in courses that
    /// accept walk-ins.
    pub walk_ins: u64,
    /// Check-ins of learners who arrived more than 10 minutes after the
    /// start (records `late` or `late_and_left_early`).
    pub late: u64,
    /// Records whose last check-out is more than 10 minutes before the end.
    pub left_early: u64,
}

impl ExpectedScans {
    /// The number of rejected scans.
    pub fn rejected(&self) -> u64 {
        self.rejected_by_code.values().sum()
    }

    /// The number of duplicate scans.
    pub fn duplicates(&self) -> u64 {
        self.duplicates_by_kind.values().sum()
    }

    fn reject(&mut self, code: &str) {
        *self.rejected_by_code.entry(code.to_owned()).or_default() += 1;
    }

    fn duplicate(&mut self, kind: &str) {
        *self.duplicates_by_kind.entry(kind.to_owned()).or_default() += 1;
    }
}

/// Counts of what was generated, for the summary and the documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SampleFacts {
    /// Districts.
    pub districts: u32,
    /// Venues by tier.
    pub venues_by_tier: BTreeMap<String, u32>,
    /// Residents of the districts.
    pub population: u64,
    /// Residents aged 60 or more.
    pub older_population: u64,
    /// Seats at the venues.
    pub seats: u64,
    /// Learners aged 60 or more at the start of the semester (by the
    /// earliest possible birthday when only the year is known).
    pub older_learners: u32,
    /// Learners with only a birth year.
    pub birth_year_only: u32,
    /// Learners without a birth date.
    pub birth_date_missing: u32,
    /// Courses by network level (`district`, `street`, `village`).
    pub courses_by_level: BTreeMap<String, u32>,
    /// Confirmed places in courses for older residents (minimum age 50 or
    /// audience `older_residents`) at the start of the semester.
    pub older_course_places: u32,
    /// Course sessions (not club activities).
    pub course_sessions: u32,
    /// Club sessions.
    pub club_sessions: u32,
    /// Dates of weekly series skipped for a public holiday.
    pub holiday_skips: u32,
    /// Sessions that end after midnight.
    pub sessions_across_midnight: u32,
    /// Cancelled sessions.
    pub cancelled_sessions: u32,
    /// Enrolments by status.
    pub enrolments_by_status: BTreeMap<String, u32>,
    /// Waitlisted learners who got a place after someone withdrew.
    pub promoted_from_waiting_list: u32,
    /// Club members by role, over the whole history.
    pub club_members_by_role: BTreeMap<String, u32>,
    /// Outcomes by kind.
    pub outcomes_by_kind: BTreeMap<String, u32>,
}

/// A generated sample: every record but the scans, and the plan that
/// produces the scans.
#[derive(Debug)]
pub struct Sample {
    /// The parameters it was generated with.
    pub params: SampleParams,
    /// The semester.
    pub season: Season,
    /// The evaluation time that suits the season: midnight in the
    /// district's time zone at the start of the second day after the last
    /// session ended, when every session has ended and every scan has been
    /// received.
    pub as_of: DateTime<Utc>,
    /// Every record except the scans (`bundle.scans` is empty).
    pub bundle: Bundle,
    /// What the attendance engine must make of the scans.
    pub expected: ExpectedScans,
    /// Counts of what was generated.
    pub facts: SampleFacts,
    plan: scans::ScanPlan,
}

/// Generates the sample described by `params`.
///
/// # Errors
///
/// Returns [`SampleError`] for parameters out of range or a semester in a
/// year without a known holiday arrangement.
pub fn generate(params: &SampleParams) -> Result<Sample, SampleError> {
    let season = check_params(params)?;
    let mut world = World::new(params, season);
    network::build(&mut world);
    people::build(&mut world);
    courses::build(&mut world)?;
    enrol::build(&mut world);
    clubs::build(&mut world)?;
    outcomes::build(&mut world);
    let plan = scans::ScanPlan::new(&world);
    let expected = plan.expect(&world.bundle);
    let as_of = world.as_of();
    let facts = world.facts();
    Ok(Sample {
        params: params.clone(),
        season,
        as_of,
        bundle: world.bundle,
        expected,
        facts,
        plan,
    })
}

impl Sample {
    /// Produces the scans in chunks (a session's scans at a time), in the
    /// order they are written, and calls `each` with every chunk.
    pub fn for_each_scan_chunk(&self, each: &mut dyn FnMut(&[Scan])) {
        self.plan.emit(&self.bundle, each);
    }

    /// Moves every scan into the bundle and returns it.
    pub fn into_bundle(self) -> Bundle {
        let mut scans = Vec::with_capacity(usize::try_from(self.expected.scans).unwrap_or(0));
        self.plan
            .emit(&self.bundle, &mut |chunk| scans.extend_from_slice(chunk));
        let mut bundle = self.bundle;
        bundle.scans = scans;
        bundle
    }
}

/// Checks the parameters and returns the semester.
fn check_params(params: &SampleParams) -> Result<Season, SampleError> {
    if params.learners == 0 || params.learners > MAX_LEARNERS {
        return Err(SampleError::Learners {
            learners: params.learners,
        });
    }
    if !(MIN_WEEKS..=MAX_WEEKS).contains(&params.weeks) {
        return Err(SampleError::Weeks {
            weeks: params.weeks,
        });
    }
    let calendar = HolidayCalendar::china();
    let first_year = calendar.years.keys().next().copied().unwrap_or(0);
    let last_year = calendar.years.keys().next_back().copied().unwrap_or(0);
    let unknown = |year| SampleError::HolidaysUnknown {
        season_start: params.season_start,
        year,
        first_year,
        last_year,
    };
    let start = params.season_start;
    // Enrolment opens three weeks before the start, and the end is at most
    // 26 weeks after it, so both years must be known.
    let end = start
        .checked_add_days(chrono::Days::new(u64::from(params.weeks) * 7 - 1))
        .ok_or_else(|| unknown(start.year()))?;
    for year in [start.year(), end.year()] {
        if !calendar.covers(year) {
            return Err(unknown(year));
        }
    }
    Ok(Season { start, end })
}

/// Per-venue facts the generator keeps beside the records.
#[derive(Clone, Debug)]
struct VenueInfo {
    /// Micro-degrees (millionths of a degree) of latitude and longitude.
    pub micro_lat: i64,
    pub micro_lon: i64,
}

/// A street: its venue, its teaching points and its instructors.
#[derive(Clone, Debug, Default)]
struct StreetInfo {
    pub venue: u32,
    pub district: u32,
    pub points: Vec<u32>,
    pub instructors: Vec<u32>,
    pub learners: Vec<u32>,
    pub courses: Vec<u32>,
}

/// A district: its college and streets.
#[derive(Clone, Debug, Default)]
struct DistrictInfo {
    pub venue: u32,
    pub learners: u32,
    pub streets: Vec<u32>,
    pub instructors: Vec<u32>,
    /// Courses held at the district college.
    pub courses: Vec<u32>,
}

/// Per-learner facts the generator keeps beside the records.
#[derive(Clone, Copy, Debug)]
struct LearnerInfo {
    pub street: u32,
    pub home: u32,
    /// The birth year, and the full date when known.
    pub birth_year: i32,
    pub birth: Option<NaiveDate>,
    /// Whether the learner's record has any birth date.
    pub birth_known: bool,
    /// How likely the learner attends a session, per 10,000.
    pub propensity: u32,
    /// Whether the learner checks in with a card rather than the app.
    pub card: bool,
}

/// Everything built so far.
#[derive(Debug)]
struct World {
    pub seed: u64,
    pub season: Season,
    pub bundle: Bundle,
    pub venues: Vec<VenueInfo>,
    pub districts: Vec<DistrictInfo>,
    pub streets: Vec<StreetInfo>,
    pub learners: Vec<LearnerInfo>,
    pub courses: Vec<courses::CoursePlan>,
    pub clubs: Vec<clubs::ClubPlan>,
    /// The learner position of each enrolment.
    pub enrolment_learner: Vec<u32>,
    pub holiday_skips: u32,
    pub promoted: u32,
    pub learner_target: u32,
}

impl World {
    fn new(params: &SampleParams, season: Season) -> Self {
        Self {
            seed: params.seed,
            season,
            bundle: Bundle {
                learners_listed: true,
                ..Bundle::default()
            },
            venues: Vec::new(),
            districts: Vec::new(),
            streets: Vec::new(),
            learners: Vec::new(),
            courses: Vec::new(),
            clubs: Vec::new(),
            enrolment_learner: Vec::new(),
            holiday_skips: 0,
            promoted: 0,
            learner_target: params.learners,
        }
    }

    /// Local midnight at the start of the second day after the last
    /// session ends.
    fn as_of(&self) -> DateTime<Utc> {
        let last_end = self
            .bundle
            .sessions
            .iter()
            .map(|timed| timed.times.ends_at)
            .max();
        let last_day = last_end
            .map(|end| end.with_timezone(&TIME_ZONE).date_naive())
            .unwrap_or(self.season.end);
        let day = last_day
            .checked_add_days(chrono::Days::new(2))
            .unwrap_or(last_day);
        local_instant(day, 0, 0)
    }

    fn facts(&self) -> SampleFacts {
        let mut facts = SampleFacts {
            districts: self.districts.len() as u32,
            holiday_skips: self.holiday_skips,
            promoted_from_waiting_list: self.promoted,
            ..SampleFacts::default()
        };
        for venue in &self.bundle.venues {
            *facts
                .venues_by_tier
                .entry(venue.tier.as_str().to_owned())
                .or_default() += 1;
            facts.seats += u64::from(venue.seats.unwrap_or(0));
            if venue.tier == VenueTier::District {
                facts.population += u64::from(venue.population.unwrap_or(0));
                facts.older_population += u64::from(venue.older_population.unwrap_or(0));
            }
        }
        for (learner, info) in self.bundle.learners.iter().zip(&self.learners) {
            match learner.birth_date {
                None => facts.birth_date_missing += 1,
                Some(crate::model::BirthDate::Year(_)) => facts.birth_year_only += 1,
                Some(crate::model::BirthDate::Date(_)) => {}
            }
            if learner.birth_date.is_some() && people::age_range(info, self.season.start).0 >= 60 {
                facts.older_learners += 1;
            }
        }
        courses::add_facts(self, &mut facts);
        enrol::add_facts(self, &mut facts);
        clubs::add_facts(self, &mut facts);
        outcomes::add_facts(self, &mut facts);
        facts
    }
}

/// The instant of a local time in the district's zone, which has had no
/// clock changes since 1991, so every local time exists exactly once.
fn local_instant(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let time = chrono::NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    crate::schedule::resolve_local(date, time, TIME_ZONE, crate::model::AmbiguousTime::Earlier)
        .unwrap_or_else(|_| date.and_time(time).and_utc())
}

/// Adds `days` to `date`, staying at `date` past the end of the calendar
/// (never reached for the dates the parameters allow).
fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let shifted = if days >= 0 {
        date.checked_add_days(chrono::Days::new(days.unsigned_abs()))
    } else {
        date.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
    };
    shifted.unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_key_is_valid() {
        assert_eq!(
            TokenKey::from_hex(SAMPLE_TOKEN_KEY_HEX).unwrap(),
            sample_token_key()
        );
        let text: Vec<u8> = (0..SAMPLE_TOKEN_KEY_HEX.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&SAMPLE_TOKEN_KEY_HEX[at..at + 2], 16).unwrap())
            .collect();
        assert_eq!(text, b"xuetong-sample-district-key-2021");
    }

    #[test]
    fn parameters_out_of_range() {
        let zero = SampleParams {
            learners: 0,
            ..SampleParams::default()
        };
        assert!(matches!(generate(&zero), Err(SampleError::Learners { .. })));
        let long = SampleParams {
            weeks: 40,
            ..SampleParams::default()
        };
        assert!(matches!(generate(&long), Err(SampleError::Weeks { .. })));
        let future = SampleParams {
            season_start: NaiveDate::from_ymd_opt(2031, 3, 3).unwrap(),
            ..SampleParams::default()
        };
        assert!(matches!(
            generate(&future),
            Err(SampleError::HolidaysUnknown { year: 2031, .. })
        ));
    }
}
