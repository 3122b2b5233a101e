//! The settings of a season run, and the defaults a caller can derive from
//! the bundle itself.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Days, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::attendance::{AttendancePolicy, OutcomeGrouping, TokenKey};
use crate::bundle::Bundle;
use crate::credit::{Ledger, RuleSet};
use crate::id::SessionId;
use crate::stats::{CoverageSettings, Period};

use super::statistics::ScopeKind;

/// Everything a season run needs besides the bundle. The library has no
/// clock, so the evaluation time is always given.
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use xuetong::season::SeasonOptions;
///
/// let as_of = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
/// let options = SeasonOptions::new(as_of, "https://learn.example.org");
/// assert!(options.rules.is_none());
/// assert!(!options.xapi);
/// ```
#[derive(Clone, Debug)]
pub struct SeasonOptions {
    /// The evaluation time: sessions that ended by then are held, and facts
    /// dated later are not yet known (see [`default_as_of`]).
    pub as_of: DateTime<Utc>,
    /// The credit rule set. `None` takes the bundle's `rules.json` when it
    /// has one, and otherwise the built-in `community` rule set.
    pub rules: Option<RuleSet>,
    /// The attendance policy.
    pub policy: AttendancePolicy,
    /// The platform key that check-in tokens are verified with; without it
    /// tokens are not checked.
    pub token_key: Option<TokenKey>,
    /// The ledger of earlier runs, which this run appends to; a new ledger
    /// when `None`.
    pub previous_ledger: Option<Ledger>,
    /// The platform's home page, an absolute http or https URL: the account
    /// home page of every xAPI actor and part of every credit-bank
    /// idempotency key.
    pub home_page: String,
    /// Whether to build xAPI statements.
    pub xapi: bool,
    /// The time zone of the run's recording date and of xAPI timestamps;
    /// `None` takes [`default_time_zone`].
    pub time_zone: Option<Tz>,
    /// How attended minutes become outcomes: one per learner and session
    /// (the default, which lets each rule round at its own stage) or one
    /// per learner and course.
    pub outcome_grouping: OutcomeGrouping,
    /// The kinds of scope to count statistics for; by default
    /// [`ScopeKind::DEFAULT`]: the platform, districts and streets. The
    /// district learning index is computed whatever the kinds.
    pub statistics: BTreeSet<ScopeKind>,
    /// The learning-circle settings of the statistics and the index.
    pub coverage: CoverageSettings,
    /// The period of the statistics and the index; `None` takes the
    /// season's: from the first day a session or outcome of the bundle
    /// falls on to the recording date.
    pub period: Option<Period>,
}

impl SeasonOptions {
    /// Options with the evaluation time and home page given and every other
    /// setting at its default: the bundle's rules or `community`, the
    /// default attendance policy, no token key, no previous ledger, no
    /// xAPI, the bundle's time zone, one outcome per session, statistics
    /// of the platform, districts and streets, and the default learning
    /// circle.
    pub fn new(as_of: DateTime<Utc>, home_page: impl Into<String>) -> Self {
        Self {
            as_of,
            rules: None,
            policy: AttendancePolicy::default(),
            token_key: None,
            previous_ledger: None,
            home_page: home_page.into(),
            xapi: false,
            time_zone: None,
            outcome_grouping: OutcomeGrouping::PerSession,
            statistics: ScopeKind::DEFAULT.iter().copied().collect(),
            coverage: CoverageSettings::default(),
            period: None,
        }
    }
}

/// The time zone of a bundle: the zone of its venues when they all share
/// one, and UTC otherwise (no venues, or venues in several zones).
pub fn default_time_zone(bundle: &Bundle) -> Tz {
    let mut zones = bundle.venues.iter().map(|venue| venue.time_zone);
    match zones.next() {
        Some(first) if zones.all(|zone| zone == first) => first,
        _ => Tz::UTC,
    }
}

/// The latest instant a bundle mentions, as a default evaluation time that
/// makes every session of the bundle held: the end of the last session, the
/// last scan, enrolment request, confirmation or withdrawal, or excusal,
/// and the end of the last day an outcome occurred or was recorded on (in
/// [`default_time_zone`]). `None` when the bundle mentions no time at all.
///
/// A scan counts only if it names a session of the bundle and was received
/// by the time that session's check-in and check-out windows under `policy`
/// have both closed. A later scan is rejected at any evaluation time, so a
/// mistyped far-future scan time cannot move the default.
///
/// NOTE: enrolment, excusal and outcome times are not limited that way,
/// so a mistyped far-future one does move the default. No rule rejects
/// them at every evaluation time: an excusal granted or an outcome
/// recorded after the last session is valid, and a bundle imported from
/// OULAD has outcomes and enrolments but no sessions to bound them by.
///
/// # Example
///
/// ```
/// use xuetong::attendance::AttendancePolicy;
/// use xuetong::bundle::Bundle;
/// use xuetong::season::default_as_of;
///
/// assert_eq!(default_as_of(&Bundle::default(), &AttendancePolicy::default()), None);
/// ```
pub fn default_as_of(bundle: &Bundle, policy: &AttendancePolicy) -> Option<DateTime<Utc>> {
    let zone = default_time_zone(bundle);
    let sessions = bundle.sessions.iter().map(|timed| timed.times.ends_at);
    let closing_minutes = policy
        .check_in
        .closes_after_end_minutes
        .max(policy.check_out.closes_after_end_minutes);
    let last_accepted: HashMap<SessionId, DateTime<Utc>> = bundle
        .sessions
        .iter()
        .map(|timed| {
            let closes = timed
                .times
                .ends_at
                .checked_add_signed(Duration::minutes(i64::from(closing_minutes)))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
            (timed.session.id, closes)
        })
        .collect();
    let scans = bundle.scans.iter().filter_map(|scan| {
        let closes = *last_accepted.get(&scan.session_id)?;
        (scan.scanned_at <= closes).then_some(scan.scanned_at)
    });
    let enrolments = bundle.enrolments.iter().flat_map(|enrolment| {
        [
            Some(enrolment.requested_at),
            enrolment.confirmed_at,
            enrolment.withdrawn_at,
        ]
        .into_iter()
        .flatten()
    });
    let excusals = bundle
        .excusals
        .iter()
        .filter_map(|excusal| excusal.granted_at);
    let outcomes = bundle.outcomes.iter().filter_map(|outcome| {
        let day = outcome.recorded_on.unwrap_or(outcome.occurred_on);
        end_of_day(day, zone)
    });
    sessions
        .chain(scans)
        .chain(enrolments)
        .chain(excusals)
        .chain(outcomes)
        .max()
}

/// The local midnight that ends `day` in `zone`, or the first instant after
/// it when that midnight falls in a daylight-saving gap.
fn end_of_day(day: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    start_of_day(day.checked_add_days(Days::new(1))?, zone)
}

/// The local midnight that starts `day` in `zone`, or the first instant
/// after it when that midnight falls in a daylight-saving gap.
pub(super) fn start_of_day(day: NaiveDate, zone: Tz) -> Option<DateTime<Utc>> {
    let midnight = day.and_hms_opt(0, 0, 0)?;
    (0..=4).find_map(|step: i64| {
        let local = midnight + chrono::Duration::minutes(30 * step);
        zone.from_local_datetime(&local)
            .earliest()
            .map(|instant| instant.with_timezone(&Utc))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_day_is_next_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 14).unwrap();
        let end = end_of_day(day, chrono_tz::Asia::Shanghai).unwrap();
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 3, 14, 16, 0, 0).unwrap());
    }

    #[test]
    fn end_of_day_skips_a_gap_at_midnight() {
        // Clocks in Santiago jumped from 00:00 to 01:00 on 2023-09-03.
        let day = NaiveDate::from_ymd_opt(2023, 9, 2).unwrap();
        let end = end_of_day(day, chrono_tz::America::Santiago).unwrap();
        assert_eq!(end, Utc.with_ymd_and_hms(2023, 9, 3, 4, 0, 0).unwrap());
    }
}
