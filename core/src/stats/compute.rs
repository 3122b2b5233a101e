//! Computing the statistics of one scope and period from a bundle, the
//! attendance report on it and optionally a credit ledger.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Serialize, Serializer};

use crate::attendance::{AttendanceRecord, AttendanceReport, OutcomeGrouping};
use crate::bundle::Bundle;
use crate::credit::Ledger;
use crate::field::format_instant;
use crate::id::{ClubId, CourseId, InstructorId, OutcomeId, SessionId, VenueId};
use crate::model::{
    ClubStatus, Course, Enrolment, EnrolmentStatus, Learner, Outcome, OutcomeKind, Venue,
};
use crate::problem::{Path, Problem, Problems};
use crate::schedule::TimedSession;

use super::age::{AgeGroup, age_group};
use super::codes;
use super::coverage::{Coverage, CoverageSettings, coverage, is_community};
use super::credits::RuleSetCredits;
use super::engine_outcomes::{EngineOutcomes, SeasonOutcomes, is_from_engine};
use super::lookup::{Groups, NO_VENUE, Tables};
use super::outcome_index::{CreditIndex, Earning, EntryOutcomes, OutcomeKeys};
use super::period::Period;
use super::rate::Rate;
use super::scope::{Resolved, Scope, venue_children};

/// A statistics request: the scope, the period and the learning-circle
/// settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatisticsRequest {
    /// The scope.
    pub scope: Scope,
    /// The period, both days included.
    pub period: Period,
    /// The learning-circle settings.
    pub coverage: CoverageSettings,
}

impl StatisticsRequest {
    /// Returns a request for `scope` over `period` with the default learning
    /// circle (30 minutes, straight-line distance at 48 metres per minute).
    pub fn new(scope: Scope, period: Period) -> Self {
        Self {
            scope,
            period,
            coverage: CoverageSettings::default(),
        }
    }
}

/// Learners counted by their age on the last day of the period.
///
/// `total` is the sum of the other four figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LearnerCounts {
    /// Every learner counted.
    pub total: u64,
    /// Those certainly aged 60 or more.
    pub aged_60_or_more: u64,
    /// Those certainly under 60.
    pub under_60: u64,
    /// Those with only a birth year who turn 60 in the year of the last
    /// day, so that their age group is not known.
    pub age_undetermined: u64,
    /// Those without a birth date, including learners that appear in
    /// attendance but not in the bundle's learner list.
    pub birth_date_missing: u64,
}

impl LearnerCounts {
    fn add(&mut self, group: AgeGroup) {
        self.total += 1;
        match group {
            AgeGroup::SixtyOrMore => self.aged_60_or_more += 1,
            AgeGroup::Under60 => self.under_60 += 1,
            AgeGroup::Undetermined => self.age_undetermined += 1,
            AgeGroup::BirthDateMissing => self.birth_date_missing += 1,
        }
    }
}

fn serialize_instant<S: Serializer>(
    instant: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&format_instant(instant))
}

/// The statistics of one scope over one period.
///
/// `docs/statistics.md` defines each figure and how learners, sessions,
/// enrolments and outcomes belong to a scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statistics {
    /// The scope counted.
    pub scope: Scope,
    /// The period counted.
    pub period: Period,
    /// The evaluation time of the attendance report: sessions that ended by
    /// then are held.
    #[serde(serialize_with = "serialize_instant")]
    pub as_of: DateTime<Utc>,
    /// Registered learners. For area scopes these are the listed learners
    /// living in the area who registered by the last day, or whose
    /// registration day is not known. For the other scopes they are the
    /// learners enrolled in or attending the scope's sessions in the
    /// period, and for a club also its members.
    pub registered_learners: LearnerCounts,
    /// Active learners: those of the scope who attended at least once in the
    /// period.
    pub active_learners: LearnerCounts,
    /// Enrolments: learner and course pairs whose place covered the start of
    /// a counted session in the period.
    pub enrolments: u64,
    /// Activities held: sessions of the scope in the period, not cancelled,
    /// that ended by `as_of`.
    pub activities_held: u64,
    /// Sessions of the scope in the period that were cancelled.
    pub activities_cancelled: u64,
    /// Sessions of the scope in the period, not cancelled, that had not
    /// ended by `as_of`.
    pub activities_not_ended: u64,
    /// Actual check-ins: final attendance records whose status counts as
    /// attended (present, late, left early, or late and left early).
    pub check_ins: u64,
    /// Distinct instructors named on the activities held.
    pub instructors_who_taught: u64,
    /// Learning outcomes recorded in the period: the bundle's outcomes and
    /// the ones the attendance engine makes (per session), each id once.
    pub learning_outcomes: u64,
    /// `learning_outcomes` by outcome kind.
    pub outcomes_by_kind: BTreeMap<String, u64>,
    /// The attendance engine's credited minutes of the final records
    /// counted.
    pub credited_minutes: u64,
    /// `credited_minutes / 60`.
    pub credited_hours: Rate,
    /// Credits earned in the period per rule set, when a ledger was given.
    pub credits: Option<Vec<RuleSetCredits>>,
    /// Clubs of a place scope: registered, active or suspended clubs (or
    /// dissolved during or after the period) whose supporting community, or
    /// else guiding school, is a place of the scope. `None` for course,
    /// category and club scopes.
    pub clubs: Option<u64>,
    /// Distinct clubs with an activity held in the scope in the period.
    pub clubs_with_activities: u64,
    /// Residents of the scope's district, street or venue (`population`).
    pub population: Option<u32>,
    /// Residents aged 60 or more (`older_population`).
    pub older_population: Option<u32>,
    /// Seats of the venues of the scope: the venue's own for a venue scope,
    /// the sum over the subtree for a district or street.
    pub seats: Option<u64>,
    /// `active_learners.total / population`.
    pub participation_rate: Option<Rate>,
    /// `active_learners.aged_60_or_more / older_population`.
    pub older_participation_rate: Option<Rate>,
    /// `seats / older_population`.
    pub seats_per_older_resident: Option<Rate>,
    /// The learning circle.
    pub learning_circle: Coverage,
}

/// Computes the statistics of `request.scope` over `request.period`.
///
/// `attendance` must be the attendance engine's report on the same bundle.
/// A session held is one that is not cancelled and ended by the report's
/// `as_of`. Records of sessions that had not ended (provisional records)
/// count only towards who belongs to the scope, never as check-ins or
/// minutes. `ledger`, when given, adds the credits earned.
///
/// # Errors
///
/// Returns these problems:
///
/// - `scope_not_found` (path `scope.<field>`) for a scope that names a
///   venue, course, category or club the bundle does not have;
/// - `scope_tier_mismatch` for a district or street scope whose venue has
///   another tier;
/// - `ends_before_start` (path `period.last_day`);
/// - `out_of_range`, `reference_not_in_input` and `duplicate_entry` for
///   coverage settings (paths under `coverage`);
/// - `attendance_not_from_bundle` (path `attendance.records.<n>`) for a
///   record whose session the bundle does not have;
/// - `duplicate_input_id` (path `venues.<n>.id`, `courses.<n>.id`,
///   `sessions.<n>.id`, `learners.<n>.id` or `clubs.<n>.id`, where `<n>` is
///   the later record) for a venue, course, session, learner or club id
///   given twice. A venue, course or session would be read from one of its
///   records only, and a learner or club would be counted twice.
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, TimeZone, Utc};
/// use xuetong::attendance::{AttendanceInput, AttendancePolicy, EvaluationSettings, evaluate_attendance};
/// use xuetong::bundle::Bundle;
/// use xuetong::stats::{Period, Scope, StatisticsRequest, compute_statistics};
///
/// let bundle = Bundle::default();
/// let policy = AttendancePolicy::default();
/// let settings = EvaluationSettings {
///     policy: &policy,
///     as_of: Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
///     token_key: None,
/// };
/// let report = evaluate_attendance(&AttendanceInput::default(), &settings)?;
/// let period = Period {
///     first_day: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
///     last_day: NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
/// };
/// let request = StatisticsRequest::new(Scope::Platform, period);
/// let statistics = compute_statistics(&bundle, &report, None, &request)?;
/// assert_eq!(statistics.check_ins, 0);
/// assert_eq!(statistics.participation_rate, None);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn compute_statistics(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    ledger: Option<&Ledger>,
    request: &StatisticsRequest,
) -> Result<Statistics, Problems> {
    let prepared = Prepared::new(bundle, attendance, ledger, None)?;
    prepared.statistics(request)
}

/// The bundle and report arranged for lookups, shared by the statistics of
/// several scopes.
///
/// Building it reads the whole season once. Each scope then reads only its
/// own sessions, records, enrolments, outcomes and ledger entries through
/// dense tables. A district or street reads those of its residents and of
/// the venues of its subtree, grouped by venue, and the platform reads
/// every one once.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub bundle: &'a Bundle,
    report: &'a AttendanceReport,
    ledger: Option<&'a Ledger>,
    pub venues: HashMap<VenueId, &'a Venue>,
    /// The venues directly below each venue, from which area scopes find
    /// their subtree.
    children: HashMap<VenueId, Vec<VenueId>>,
    courses: HashMap<CourseId, &'a Course>,
    tables: Tables,
    /// The bundle's outcomes counted: those the attendance engine did not
    /// make, each id once.
    recorded: Vec<&'a Outcome>,
    /// The engine's per-session outcomes counted: those whose id no
    /// recorded outcome or earlier derived outcome has.
    derived: EngineOutcomes<'a>,
    /// The part of each counted outcome that area scopes read, in the
    /// order of `recorded` and then `derived`.
    facts: Vec<OutcomeFact>,
    /// The positions in `facts` of the outcomes of the learners living at
    /// each venue (by dense index).
    home_facts: Groups,
    /// The positions in the bundle of the clubs whose supporting community,
    /// or else guiding school, is each venue (by dense index).
    place_clubs: Groups,
    /// The positions in the bundle of the communities and cultural halls
    /// with the id of each venue (by dense index), in bundle order.
    communities: Groups,
    /// The venues holding sessions, by period, that place scopes reach.
    holding: Mutex<Vec<(Period, HoldingVenues<'a>)>>,
    /// The season run's outcomes, when given, which may hold the engine's
    /// per-course outcomes.
    season: Option<SeasonOutcomes<'a>>,
    /// The earning entries of the ledger, when one was given.
    credits: Option<CreditIndex>,
    /// The positions in the ledger of the earning entries.
    earning_positions: Vec<u32>,
    /// The index that scopes other than areas need, built when the first
    /// of them is counted. A lock rather than a cell, so that scopes can be
    /// counted on several threads.
    scoped: OnceLock<Scoped>,
}

/// The venues holding sessions in one period, ordered by id.
type HoldingVenues<'a> = Arc<[&'a Venue]>;

/// The fields of an outcome that area scopes read.
#[derive(Debug)]
struct OutcomeFact {
    occurred_on: NaiveDate,
    kind: OutcomeKind,
}

/// The attendance records, outcomes and credits of scopes other than
/// areas, grouped by what puts them in a scope.
///
/// Outcome positions count the counted outcomes first, then the engine's
/// per-course outcomes, which only a ledger may refer to.
#[derive(Debug)]
struct Scoped {
    keys: OutcomeKeys,
    entries: Option<EntryOutcomes>,
    /// The positions of the attendance records of each session. Records of
    /// sessions the bundle lacks are in no group.
    session_records: Groups,
}

impl<'a> Prepared<'a> {
    /// Prepares a bundle, the attendance report on it and optionally a
    /// ledger. `season`, the outcomes of a season run on the same report,
    /// saves making the engine's outcomes again.
    ///
    /// # Errors
    ///
    /// The problems of [`compute_statistics`] for a report from another
    /// bundle or a venue, course, session, learner or club id given twice.
    pub fn new(
        bundle: &'a Bundle,
        report: &'a AttendanceReport,
        ledger: Option<&'a Ledger>,
        season: Option<SeasonOutcomes<'a>>,
    ) -> Result<Self, Problems> {
        let tables = Tables::new(bundle, report);
        let mut problems = Problems::new();
        for (position, record) in report.records.iter().enumerate() {
            if tables.record_session[position] == u32::MAX {
                problems.push(
                    Problem::new(
                        codes::ATTENDANCE_NOT_FROM_BUNDLE,
                        Path::root()
                            .join("attendance")
                            .join("records")
                            .join(position)
                            .join("session_id"),
                    )
                    .with("value", record.session_id.to_string()),
                );
            }
        }
        let venue_ids = bundle.venues.iter().map(|venue| venue.id);
        report_duplicates("venues", "venue", venue_ids, &mut problems);
        let course_ids = bundle.courses.iter().map(|course| course.id);
        report_duplicates("courses", "course", course_ids, &mut problems);
        let session_ids = bundle.sessions.iter().map(|timed| timed.session.id);
        report_duplicates("sessions", "session", session_ids, &mut problems);
        let learner_ids = bundle.learners.iter().map(|learner| learner.id);
        report_duplicates("learners", "learner", learner_ids, &mut problems);
        let club_ids = bundle.clubs.iter().map(|club| club.id);
        report_duplicates("clubs", "club", club_ids, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }

        let (recorded, derived) = counted_outcomes(bundle, report, season);
        let count = recorded.len() + derived.len();
        let counted = || recorded.iter().copied().chain(derived.iter());
        // The homes are grouped and freed before the facts are made, so
        // that the two lists of one entry per outcome are never held at
        // once beside the groups.
        let mut fact_homes = Vec::with_capacity(count);
        fact_homes.extend(counted().map(|outcome| tables.home_of(&outcome.learner_id)));
        let home_facts = Groups::by_key(tables.venue_count, &fact_homes);
        drop(fact_homes);
        let mut facts = Vec::with_capacity(count);
        facts.extend(counted().map(|outcome| OutcomeFact {
            occurred_on: outcome.occurred_on,
            kind: outcome.kind,
        }));

        let venue_of = |id: Option<VenueId>| {
            id.and_then(|id| tables.venue_index.get(&id).copied())
                .unwrap_or(NO_VENUE)
        };
        let club_places: Vec<u32> = bundle
            .clubs
            .iter()
            .map(|club| venue_of(club.community_venue_id.or(club.guiding_venue_id)))
            .collect();
        let community_venues: Vec<u32> = bundle
            .venues
            .iter()
            .map(|venue| {
                if is_community(venue) {
                    venue_of(Some(venue.id))
                } else {
                    NO_VENUE
                }
            })
            .collect();

        let (credits, earning_positions) = match ledger {
            Some(ledger) => {
                let (index, positions) = CreditIndex::new(ledger, &tables);
                (Some(index), positions)
            }
            None => (None, Vec::new()),
        };

        Ok(Self {
            bundle,
            report,
            ledger,
            venues: bundle
                .venues
                .iter()
                .map(|venue| (venue.id, venue))
                .collect(),
            children: venue_children(&bundle.venues),
            courses: bundle
                .courses
                .iter()
                .map(|course| (course.id, course))
                .collect(),
            place_clubs: Groups::by_key(tables.venue_count, &club_places),
            communities: Groups::by_key(tables.venue_count, &community_venues),
            tables,
            recorded,
            derived,
            facts,
            home_facts,
            holding: Mutex::new(Vec::new()),
            season,
            credits,
            earning_positions,
            scoped: OnceLock::new(),
        })
    }

    /// Returns the number of outcomes counted.
    fn counted_outcomes(&self) -> usize {
        self.recorded.len() + self.derived.len()
    }

    /// Builds the index that scopes other than areas need, unless it is
    /// built already.
    ///
    /// Building it runs jobs on the rayon pool. A caller that counts scopes
    /// on the pool calls this first, because a worker that waits inside
    /// `OnceLock::get_or_init` for those jobs can steal the job of another
    /// scope and call `get_or_init` again, which deadlocks.
    #[cfg(feature = "parallel")]
    pub(crate) fn build_scoped_index(&self) {
        self.scoped();
    }

    /// Returns the index of scopes other than areas, building it on the
    /// first call.
    fn scoped(&self) -> &Scoped {
        self.scoped.get_or_init(|| {
            let per_course_outcomes = if self.ledger.is_some() {
                EngineOutcomes::new(
                    self.report,
                    &self.bundle.sessions,
                    &self.bundle.outcomes,
                    OutcomeGrouping::PerCourse,
                    self.season,
                )
            } else {
                EngineOutcomes::Made(Vec::new())
            };
            let all = || {
                self.recorded
                    .iter()
                    .copied()
                    .chain(self.derived.iter())
                    .chain(per_course_outcomes.iter())
            };
            let keys = OutcomeKeys::new(
                all(),
                &self.bundle.sessions,
                &self.tables,
                &self.courses,
                self.bundle.venues.len(),
            );
            let entries = self.ledger.map(|ledger| {
                // A later outcome with the same id takes the place of an
                // earlier one, as a map filled in order does.
                let mut outcome_at: FxHashMap<OutcomeId, u32> = FxHashMap::default();
                for (position, outcome) in all().enumerate() {
                    outcome_at.insert(outcome.id, position as u32);
                }
                let count = self.counted_outcomes() + per_course_outcomes.len();
                EntryOutcomes::new(ledger, &self.earning_positions, &outcome_at, count)
            });
            let session_records =
                Groups::by_key(self.bundle.sessions.len(), &self.tables.record_session);
            Scoped {
                keys,
                entries,
                session_records,
            }
        })
    }

    /// Computes the statistics of one request.
    pub fn statistics(&self, request: &StatisticsRequest) -> Result<Statistics, Problems> {
        let mut problems = request.period.validate(&Path::root().join("period"));
        problems.extend(
            request
                .coverage
                .validate(&self.venues, &Path::root().join("coverage")),
        );
        let scope = Resolved::new(
            &request.scope,
            self.bundle,
            &self.venues,
            &self.children,
            &Path::root().join("scope"),
        );
        let scope = match scope {
            Ok(scope) if problems.is_empty() => scope,
            Ok(_) => return Err(problems),
            Err(found) => {
                problems.extend(found);
                return Err(problems);
            }
        };
        let subtree_venues = match &scope {
            Resolved::Area { subtree, .. } => {
                let mut venues: Vec<u32> = subtree
                    .iter()
                    .filter_map(|id| self.tables.venue_index.get(id).copied())
                    .collect();
                venues.sort_unstable();
                venues
            }
            _ => Vec::new(),
        };
        let scoped = (!scope.is_area()).then(|| self.scoped());
        Ok(Counter {
            prepared: self,
            scope: &scope,
            period: request.period,
            subtree_venues,
            scoped,
        }
        .count(request))
    }

    /// Returns the venues, ordered by id, that hold a session in `period`
    /// that is not cancelled. Every place scope reaches the same venues, so
    /// the list is made once per period.
    fn venues_holding_sessions(&self, period: Period) -> HoldingVenues<'a> {
        let cached = |holding: &Vec<(Period, HoldingVenues<'a>)>| {
            holding
                .iter()
                .find(|(made_for, _)| *made_for == period)
                .map(|(_, venues)| Arc::clone(venues))
        };
        let lock = || self.holding.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(venues) = cached(&lock()) {
            return venues;
        }

        // Each venue's search stops at its first session that counts, so
        // that this seldom reads every session of the season.
        let tables = &self.tables;
        let mut holding: BTreeSet<VenueId> = BTreeSet::new();
        for (id, index) in &tables.venue_index {
            let holds_session = tables.venue_sessions.get(*index).iter().any(|position| {
                let session = &self.bundle.sessions[*position as usize].session;
                !session.is_cancelled() && period.contains(session.date)
            });
            if holds_session {
                holding.insert(*id);
            }
        }
        let venues: HoldingVenues<'a> = holding
            .iter()
            .filter_map(|id| self.venues.get(id).copied())
            .collect();

        // Another thread may have made the same list meanwhile; either copy
        // serves.
        let mut holding = lock();
        if cached(&holding).is_none() {
            holding.push((period, Arc::clone(&venues)));
        }
        venues
    }
}

/// The counting of one scope and period.
struct Counter<'p, 'a> {
    prepared: &'p Prepared<'a>,
    scope: &'p Resolved<'a>,
    period: Period,
    /// For a district or street, the dense indexes of the venues of its
    /// subtree, ordered; empty otherwise.
    subtree_venues: Vec<u32>,
    /// The index of scopes other than areas; `None` for areas.
    scoped: Option<&'p Scoped>,
}

impl<'a> Counter<'_, 'a> {
    // NOTE: a district or street reads only its residents' records,
    // enrolments, outcomes and earnings and the sessions of its venues. Its
    // learning circle still reads every venue holding sessions in the
    // period, once per community of the area and once more to leave out
    // online venues. So that part grows with the number of areas times the
    // number of venues, not with the season's records.
    fn count(&self, request: &StatisticsRequest) -> Statistics {
        let as_of = self.prepared.report.as_of;
        let sessions = self.scope_sessions();
        let activities = self.activities(&sessions, as_of);
        let records = self.records(&sessions);
        let (enrolments, enrolled) = self.enrolments(&sessions, as_of);

        let mut members: Vec<u32> = Vec::new();
        if !self.scope.is_area() {
            members.extend(records.members);
            members.extend(enrolled);
            if let Resolved::Club(club) = self.scope {
                members.extend(self.club_members(*club));
            }
        }
        let registered = self.registered(members);
        let active = self.by_age(records.active);
        let outcomes_by_kind = self.outcomes();
        let learning_outcomes = outcomes_by_kind.values().sum();

        let population_venue = self.scope.population_venue();
        let population = population_venue.and_then(|venue| venue.population);
        let older_population = population_venue.and_then(|venue| venue.older_population);
        let seats = self.seats();
        let rate_of = |numerator: u64, denominator: Option<u32>| {
            denominator.and_then(|denominator| Rate::share(numerator, u64::from(denominator)))
        };

        Statistics {
            scope: request.scope.clone(),
            period: self.period,
            as_of,
            registered_learners: registered,
            active_learners: active,
            enrolments,
            activities_held: activities.held,
            activities_cancelled: activities.cancelled,
            activities_not_ended: activities.not_ended,
            check_ins: records.check_ins,
            instructors_who_taught: activities.instructors.len() as u64,
            learning_outcomes,
            outcomes_by_kind,
            credited_minutes: records.credited_minutes,
            credited_hours: Rate::hours(records.credited_minutes),
            credits: self.credits(),
            clubs: self.clubs(),
            clubs_with_activities: activities.clubs.len() as u64,
            population,
            older_population,
            seats,
            participation_rate: rate_of(active.total, population),
            older_participation_rate: rate_of(active.aged_60_or_more, older_population),
            seats_per_older_resident: seats
                .zip(older_population)
                .and_then(|(seats, older)| Rate::ratio(seats, u64::from(older), 4)),
            learning_circle: self.coverage(&sessions, &request.coverage),
        }
    }

    fn session(&self, position: u32) -> &'a TimedSession {
        &self.prepared.bundle.sessions[position as usize]
    }

    /// Returns the items of `groups`, keyed by venue, of each venue of a
    /// district's or street's subtree: its residents' records, enrolments,
    /// outcomes or earnings, or the sessions held at its venues.
    fn subtree_items<'g>(&'g self, groups: &'g Groups) -> impl Iterator<Item = u32> + 'g {
        self.subtree_venues
            .iter()
            .flat_map(move |home| groups.get(*home).iter().copied())
    }

    /// Returns whether the session at `position` falls in the period.
    fn is_in_period(&self, position: u32) -> bool {
        let dates = &self.prepared.tables.session_date;
        dates
            .get(position as usize)
            .is_some_and(|date| self.period.contains(*date))
    }

    /// Returns the positions of the scope's own sessions in the period, of
    /// any status, in bundle order.
    fn scope_sessions(&self) -> Vec<u32> {
        let tables = &self.prepared.tables;
        let positions: Vec<u32> = match self.scope {
            Resolved::Platform => (0..tables.session_venue.len() as u32).collect(),
            Resolved::Area { .. } => {
                let mut positions: Vec<u32> = self.subtree_items(&tables.venue_sessions).collect();
                positions.sort_unstable();
                positions
            }
            Resolved::Venue(venue) => tables
                .venue_index
                .get(&venue.id)
                .map_or(&[] as &[u32], |index| tables.venue_sessions.get(*index))
                .to_vec(),
            Resolved::Course(course) => tables
                .course_index
                .get(course)
                .map_or(&[] as &[u32], |index| tables.course_sessions.get(*index))
                .to_vec(),
            Resolved::Category { .. } => {
                let mut positions = Vec::new();
                for (course, index) in &tables.course_index {
                    let in_category = self
                        .prepared
                        .courses
                        .get(course)
                        .is_some_and(|course| self.scope.has_category(&course.category));
                    if in_category {
                        positions.extend_from_slice(tables.course_sessions.get(*index));
                    }
                }
                positions.sort_unstable();
                positions
            }
            Resolved::Club(club) => tables.club_sessions.get(club).cloned().unwrap_or_default(),
        };
        positions
            .into_iter()
            .filter(|position| self.is_in_period(*position))
            .collect()
    }

    fn activities(&self, sessions: &[u32], as_of: DateTime<Utc>) -> Activities {
        let mut activities = Activities::default();
        for position in sessions {
            let timed = self.session(*position);
            let session = &timed.session;
            if session.is_cancelled() {
                activities.cancelled += 1;
            } else if timed.times.ends_at > as_of {
                activities.not_ended += 1;
            } else {
                activities.held += 1;
                activities
                    .instructors
                    .extend(session.instructor_ids.iter().copied());
                if let Some(club) = session.club_id() {
                    activities.clubs.insert(club);
                }
            }
        }
        activities
    }

    /// Counts the records of the scope. An area counts those of its
    /// residents at sessions in the period, wherever held, and another
    /// scope those of its own sessions in the period.
    fn records(&self, sessions: &[u32]) -> Records {
        let tables = &self.prepared.tables;
        let records = &self.prepared.report.records;
        let mut counted = if self.scope.is_area() {
            Records {
                active_seen: vec![false; tables.learners.len()],
                ..Records::default()
            }
        } else {
            Records {
                keeps_members: true,
                ..Records::default()
            }
        };
        if self.scope.is_area() {
            let mut add_if_in_period = |position: usize| {
                if self.is_in_period(tables.record_session[position]) {
                    counted.add(&records[position], tables.record_learner[position]);
                }
            };
            if let Resolved::Platform = self.scope {
                (0..records.len()).for_each(&mut add_if_in_period);
            } else {
                // A district or street reads the records of its residents
                // only, so that counting every area reads each record once
                // per tier rather than once per area.
                for position in self.subtree_items(&tables.home_records) {
                    add_if_in_period(position as usize);
                }
            }
        } else if let Some(scoped) = self.scoped {
            for session in sessions {
                for position in scoped.session_records.get(*session) {
                    let position = *position as usize;
                    counted.add(&records[position], tables.record_learner[position]);
                }
            }
        }
        counted
    }

    /// Counts the learner and course pairs whose place covered the start of
    /// a counted session, and returns the learners (by dense index).
    fn enrolments(&self, sessions: &[u32], as_of: DateTime<Utc>) -> (u64, Vec<u32>) {
        let tables = &self.prepared.tables;
        let enrolments = &self.prepared.bundle.enrolments;
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut add_if_covered = |position: u32, course: u32| {
            let enrolment = &enrolments[position as usize];
            let covered = tables.course_sessions.get(course).iter().any(|session| {
                let timed = self.session(*session);
                let counted = if self.scope.is_area() {
                    self.period.contains(timed.session.date)
                } else {
                    self.is_scope_session(timed)
                };
                counted
                    && !timed.session.is_cancelled()
                    && place_covers(enrolment, as_of, timed.times.starts_at)
            });
            if covered {
                pairs.push((tables.enrolment_learner[position as usize], course));
            }
        };

        match self.scope {
            Resolved::Platform => {
                for course in 0..tables.course_index.len() as u32 {
                    for position in tables.course_enrolments.get(course) {
                        add_if_covered(*position, course);
                    }
                }
            }
            // A district or street reads its residents' enrolments only.
            Resolved::Area { .. } => {
                for position in self.subtree_items(&tables.home_enrolments) {
                    add_if_covered(position, tables.enrolment_course[position as usize]);
                }
            }
            // Another scope reads the enrolments of the courses of its
            // sessions.
            _ => {
                let mut courses: Vec<u32> = sessions
                    .iter()
                    .filter_map(|position| self.session(*position).session.course_id())
                    .filter_map(|course| tables.course_index.get(&course).copied())
                    .collect();
                courses.sort_unstable();
                courses.dedup();
                for course in courses {
                    for position in tables.course_enrolments.get(course) {
                        add_if_covered(*position, course);
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let learners = pairs.iter().map(|(learner, _)| *learner).collect();
        (pairs.len() as u64, learners)
    }

    /// Returns whether a session belongs to the scope's activities and to
    /// the period.
    fn is_scope_session(&self, timed: &TimedSession) -> bool {
        self.period.contains(timed.session.date)
            && self.scope.has_session(&timed.session, |course| {
                self.prepared.courses.get(&course).copied()
            })
    }

    fn club_members(&self, club: ClubId) -> impl Iterator<Item = u32> + '_ {
        let tables = &self.prepared.tables;
        self.prepared
            .bundle
            .club_members
            .iter()
            .filter(move |member| {
                member.club_id == club
                    && self
                        .period
                        .overlaps_half_open(member.joined_on, member.left_on)
            })
            .filter_map(|member| tables.learner_index.get(&member.learner_id).copied())
    }

    fn registered(&self, members: Vec<u32>) -> LearnerCounts {
        if !self.scope.is_area() {
            return self.by_age(members);
        }
        let last_day = self.period.last_day;
        let learners = &self.prepared.bundle.learners;
        let mut counts = LearnerCounts::default();
        let mut add_if_registered = |learner: &Learner| {
            if learner.registered_on.is_none_or(|day| day <= last_day) {
                counts.add(age_group(learner.birth_date, last_day));
            }
        };
        if let Resolved::Platform = self.scope {
            learners.iter().for_each(&mut add_if_registered);
        } else {
            // As for records, a district or street reads its residents only.
            let residents = &self.prepared.tables.venue_residents;
            for position in self.subtree_items(residents) {
                add_if_registered(&learners[position as usize]);
            }
        }
        counts
    }

    /// Counts distinct learners, given by dense index, by age.
    fn by_age(&self, learners: Vec<u32>) -> LearnerCounts {
        let rows = &self.prepared.tables.learners;
        let last_day = self.period.last_day;
        let mut counts = LearnerCounts::default();
        for learner in distinct(learners, rows.len()) {
            counts.add(age_group(rows[learner as usize].birth_date, last_day));
        }
        counts
    }

    /// Counts the outcomes of the scope in the period by kind: for an area,
    /// those of its residents, otherwise those of its sessions, course (or
    /// the course's category) or club.
    fn outcomes(&self) -> BTreeMap<String, u64> {
        let mut by_kind: BTreeMap<&'static str, u64> = BTreeMap::new();
        let mut add = |fact: &OutcomeFact| {
            if self.period.contains(fact.occurred_on) {
                *by_kind.entry(fact.kind.as_str()).or_default() += 1;
            }
        };
        let facts = &self.prepared.facts;
        match (self.scoped, self.scope) {
            (None, Resolved::Platform) => facts.iter().for_each(add),
            (None, _) => {
                for position in self.subtree_items(&self.prepared.home_facts) {
                    add(&facts[position as usize]);
                }
            }
            (Some(scoped), _) => {
                for position in self.keyed_outcomes(scoped) {
                    // Positions past the counted outcomes are per-course
                    // outcomes, which only credits read.
                    if let Some(fact) = facts.get(position as usize) {
                        add(fact);
                    }
                }
            }
        }
        by_kind
            .into_iter()
            .map(|(kind, count)| (kind.to_owned(), count))
            .collect()
    }

    /// Returns the positions, ordered, of the outcomes (counted and
    /// per-course) that belong to a scope other than an area, in any
    /// period.
    fn keyed_outcomes(&self, scoped: &Scoped) -> Vec<u32> {
        let keys = &scoped.keys;
        let tables = &self.prepared.tables;
        let mut positions: Vec<u32> = match self.scope {
            Resolved::Platform | Resolved::Area { .. } => Vec::new(),
            Resolved::Venue(venue) => tables
                .venue_index
                .get(&venue.id)
                .map_or(&[] as &[u32], |index| keys.by_venue.get(*index))
                .to_vec(),
            Resolved::Course(course) => keys.by_course.get(course).cloned().unwrap_or_default(),
            Resolved::Category { .. } => keys
                .by_category
                .iter()
                .filter(|(category, _)| self.scope.has_category(category))
                .flat_map(|(_, positions)| positions.iter().copied())
                .collect(),
            Resolved::Club(club) => keys.by_club.get(club).cloned().unwrap_or_default(),
        };
        positions.sort_unstable();
        positions
    }

    fn credits(&self) -> Option<Vec<RuleSetCredits>> {
        let index = self.prepared.credits.as_ref()?;
        let mut sums = index.empty_sums(self.period);
        let mut add_if_in_period = |earning: &Earning| {
            if self.period.contains(earning.occurred_on) {
                add_earning(&mut sums, earning);
            }
        };
        match (self.scoped, self.scope) {
            (None, Resolved::Platform) => index.earnings.iter().for_each(add_if_in_period),
            (None, _) => {
                for position in self.subtree_items(&index.by_home) {
                    add_if_in_period(&index.earnings[position as usize]);
                }
            }
            (Some(scoped), _) => {
                let links = scoped.entries.as_ref()?;
                let in_scope = self.keyed_outcomes(scoped);
                let mut candidates: Vec<u32> = in_scope
                    .iter()
                    .flat_map(|position| links.of_outcome.get(*position).iter().copied())
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                for candidate in candidates {
                    let earning = &index.earnings[candidate as usize];
                    if !self.period.contains(earning.occurred_on) {
                        continue;
                    }
                    let outcomes = links.of_entry.get(candidate);
                    let inside = outcomes
                        .iter()
                        .filter(|position| in_scope.binary_search(position).is_ok())
                        .count();
                    if inside < outcomes.len() {
                        if let Some(sum) = sums[earning.rule_set as usize].as_mut() {
                            sum.entries_partly_in_scope += 1;
                        }
                    } else {
                        add_earning(&mut sums, earning);
                    }
                }
            }
        }
        Some(sums.into_iter().flatten().collect())
    }

    fn clubs(&self) -> Option<u64> {
        let prepared = self.prepared;
        let clubs = &prepared.bundle.clubs;
        let positions: Vec<u32> = match self.scope {
            Resolved::Platform => (0..clubs.len() as u32).collect(),
            Resolved::Area { .. } => self.subtree_items(&prepared.place_clubs).collect(),
            Resolved::Venue(venue) => prepared
                .tables
                .venue_index
                .get(&venue.id)
                .map_or(&[] as &[u32], |index| prepared.place_clubs.get(*index))
                .to_vec(),
            _ => return None,
        };
        let (first_day, last_day) = (self.period.first_day, self.period.last_day);
        let count = positions
            .iter()
            .map(|position| &clubs[*position as usize])
            .filter(|club| club.founded_on.is_none_or(|day| day <= last_day))
            .filter(|club| match club.status {
                ClubStatus::Proposed => false,
                // A club enters registered only from proposed, so one
                // registered after the period was still proposed in it.
                ClubStatus::Registered => club.status_since.is_none_or(|day| day <= last_day),
                ClubStatus::Active | ClubStatus::Suspended => true,
                ClubStatus::Dissolved => club.status_since.is_some_and(|day| day >= first_day),
            })
            .count();
        Some(count as u64)
    }

    fn seats(&self) -> Option<u64> {
        match self.scope {
            Resolved::Venue(venue) => venue.seats.map(u64::from),
            Resolved::Area { subtree, .. } => {
                let seats: Vec<u64> = subtree
                    .iter()
                    .filter_map(|id| self.prepared.venues.get(id))
                    .filter_map(|venue| venue.seats.map(u64::from))
                    .collect();
                (!seats.is_empty()).then(|| seats.iter().sum())
            }
            _ => None,
        }
    }

    fn coverage(&self, sessions: &[u32], settings: &CoverageSettings) -> Coverage {
        let prepared = self.prepared;
        let venues = &prepared.bundle.venues;
        let venue_at = |position: u32| &venues[position as usize];
        let communities: Vec<&Venue> = match self.scope {
            Resolved::Area { .. } => self
                .subtree_items(&prepared.communities)
                .map(venue_at)
                .collect(),
            Resolved::Venue(venue) => prepared
                .tables
                .venue_index
                .get(&venue.id)
                .map_or(&[] as &[u32], |index| prepared.communities.get(*index))
                .iter()
                .map(|position| venue_at(*position))
                .collect(),
            _ => venues.iter().filter(|venue| is_community(venue)).collect(),
        };

        // A place scope's residents may go to any venue; a course, category
        // or club scope is reached only where its own sessions are held.
        if self.scope.is_place_scope() {
            let holding = prepared.venues_holding_sessions(self.period);
            return coverage(&communities, &holding, settings);
        }
        let holding: BTreeSet<VenueId> = sessions
            .iter()
            .map(|position| &self.session(*position).session)
            .filter(|session| !session.is_cancelled())
            .map(|session| session.venue_id)
            .collect();
        let holding: Vec<&Venue> = holding
            .iter()
            .filter_map(|id| prepared.venues.get(id).copied())
            .collect();
        coverage(&communities, &holding, settings)
    }
}

/// Adds an earning entry to the sum of its rule set.
fn add_earning(sums: &mut [Option<RuleSetCredits>], earning: &Earning) {
    if let Some(sum) = sums
        .get_mut(earning.rule_set as usize)
        .and_then(Option::as_mut)
    {
        sum.amount += earning.amount;
        sum.entries += 1;
    }
}

/// Returns the distinct values of `items`, each below `universe`, in any
/// order. A list long against the universe is deduplicated with a bitmap,
/// a short one by sorting.
fn distinct(mut items: Vec<u32>, universe: usize) -> Vec<u32> {
    if items.len() > universe / 8 {
        let mut seen = vec![false; universe];
        items.retain(|item| !std::mem::replace(&mut seen[*item as usize], true));
    } else {
        items.sort_unstable();
        items.dedup();
    }
    items
}

/// Returns the outcomes counted: the bundle's, less those the attendance
/// engine made earlier, and the engine's per-session outcomes. Each id is
/// counted once, the bundle's first.
fn counted_outcomes<'a>(
    bundle: &'a Bundle,
    report: &AttendanceReport,
    season: Option<SeasonOutcomes<'a>>,
) -> (Vec<&'a Outcome>, EngineOutcomes<'a>) {
    let mut recorded_ids: FxHashSet<OutcomeId> = FxHashSet::default();
    let recorded: Vec<&Outcome> = bundle
        .outcomes
        .iter()
        .filter(|outcome| !is_from_engine(outcome.source.as_ref()))
        .filter(|outcome| recorded_ids.insert(outcome.id))
        .collect();
    let made = |season| {
        EngineOutcomes::new(
            report,
            &bundle.sessions,
            &bundle.outcomes,
            OutcomeGrouping::PerSession,
            season,
        )
    };
    let mut derived = made(season);

    // An engine outcome's id is a UUID v5 derived from its learner and
    // session (or course), so only a recorded id of version 5 can equal
    // one. Engine ids repeat only when the report repeats a learner and
    // session or course. Most seasons have neither, and then every engine
    // outcome counts.
    let recorded_v5 = recorded_ids
        .iter()
        .any(|id| id.uuid().get_version_num() == 5);
    if !recorded_v5 && engine_ids_are_unique(report) {
        return (recorded, derived);
    }
    let mut seen: FxHashSet<OutcomeId> =
        FxHashSet::with_capacity_and_hasher(derived.len(), Default::default());
    let mut repeated = false;
    derived.retain(|outcome| {
        if recorded_ids.contains(&outcome.id) {
            return false;
        }
        let first = seen.insert(outcome.id);
        repeated |= !first;
        first
    });
    // Which of two engine outcomes with one id comes first depends on the
    // order they were made in, so only outcomes made here decide it.
    if repeated && derived.is_taken() {
        derived = made(None);
        seen.clear();
        derived.retain(|outcome| !recorded_ids.contains(&outcome.id) && seen.insert(outcome.id));
    }
    (recorded, derived)
}

/// Returns whether the report has at most one record per learner and
/// session and one course result per learner and course, so that the
/// outcomes the engine makes from it have distinct ids.
///
/// The engine orders records by session and then learner, and course
/// results by course and then learner, so a repeat is next to its twin. A
/// report in another order returns false, which only costs the caller a
/// slower check.
fn engine_ids_are_unique(report: &AttendanceReport) -> bool {
    let mut sessions_seen: FxHashSet<SessionId> = FxHashSet::default();
    let mut previous: Option<&AttendanceRecord> = None;
    for record in &report.records {
        match previous {
            Some(last) if last.session_id == record.session_id => {
                if last.learner_id >= record.learner_id {
                    return false;
                }
            }
            _ => {
                if !sessions_seen.insert(record.session_id) {
                    return false;
                }
            }
        }
        previous = Some(record);
    }
    report.course_results.windows(2).all(|pair| {
        (pair[0].course_id, pair[0].learner_id) < (pair[1].course_id, pair[1].learner_id)
    })
}

/// Reports each id of `list` that an earlier item has already used. A
/// bundle read from files has none, but one built in code or given as JSON
/// lists may, and then each copy would be counted or only one of them read.
pub(crate) fn report_duplicates<Id: Eq + Hash + fmt::Display>(
    list: &'static str,
    kind: &'static str,
    ids: impl Iterator<Item = Id>,
    problems: &mut Problems,
) {
    let mut seen = HashSet::with_capacity(ids.size_hint().0);
    for (position, id) in ids.enumerate() {
        if seen.contains(&id) {
            problems.push(
                Problem::new(
                    crate::attendance::codes::DUPLICATE_INPUT_ID,
                    Path::root().join(list).join(position).join("id"),
                )
                .with("field", "id")
                .with("value", id.to_string())
                .with("kind", kind),
            );
        } else {
            seen.insert(id);
        }
    }
}

/// Returns whether `enrolment` gave a place at `instant`, as known at
/// `as_of`, by the attendance engine's rule: confirmed (not waitlisted) by
/// `as_of`, from `confirmed_at` up to a withdrawal made by `as_of`.
fn place_covers(enrolment: &Enrolment, as_of: DateTime<Utc>, instant: DateTime<Utc>) -> bool {
    let Some(confirmed_at) = enrolment.confirmed_at else {
        return false;
    };
    if enrolment.status == EnrolmentStatus::Waitlisted || confirmed_at > as_of {
        return false;
    }
    let withdrawn_at = enrolment
        .withdrawn_at
        .filter(|withdrawn| *withdrawn <= as_of);
    confirmed_at <= instant && withdrawn_at.is_none_or(|withdrawn| instant < withdrawn)
}

#[derive(Default)]
struct Activities {
    held: u64,
    cancelled: u64,
    not_ended: u64,
    instructors: HashSet<InstructorId>,
    clubs: HashSet<ClubId>,
}

#[derive(Default)]
struct Records {
    /// Whether `members` is kept. An area counts its registered residents
    /// in place of the learners with records, so for an area it is not.
    keeps_members: bool,
    /// Learners (by dense index, with repeats) with a counted record of any
    /// status, when `keeps_members` is set.
    members: Vec<u32>,
    /// Learners (by dense index) with a final attended record: each once
    /// when `active_seen` is not empty, else with repeats.
    active: Vec<u32>,
    /// For an area, whose records can be all of a season's, which learners
    /// `active` contains already; empty for other scopes.
    active_seen: Vec<bool>,
    check_ins: u64,
    credited_minutes: u64,
}

impl Records {
    /// Counts a record of the learner with dense index `learner`.
    /// Provisional records count only towards the members.
    fn add(&mut self, record: &AttendanceRecord, learner: u32) {
        if self.keeps_members {
            self.members.push(learner);
        }
        if record.provisional {
            return;
        }
        self.credited_minutes += u64::from(record.credited_minutes);
        if record.status.is_attended() {
            self.check_ins += 1;
            let seen = self
                .active_seen
                .get_mut(learner as usize)
                .is_some_and(|seen| std::mem::replace(seen, true));
            if !seen {
                self.active.push(learner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::attendance::AttendanceStatus;
    use crate::model::{SessionOwner, VenueTier};

    fn record(session: u32, learner: u32) -> AttendanceRecord {
        AttendanceRecord {
            session_id: format!("50000000-0000-4000-8000-{session:012}")
                .parse()
                .unwrap(),
            learner_id: format!("20000000-0000-4000-8000-{learner:012}")
                .parse()
                .unwrap(),
            owner: SessionOwner::Course(
                format!("30000000-0000-4000-8000-{session:012}")
                    .parse()
                    .unwrap(),
            ),
            status: AttendanceStatus::Present,
            punctuality: None,
            credited_minutes: 60,
            scheduled_minutes: 60,
            first_check_in: None,
            last_check_out: None,
            check_in_scan_id: None,
            check_out_scan_id: None,
            walk_in: false,
            excused: false,
            provisional: false,
            duplicate_scans: 0,
        }
    }

    fn report(records: Vec<AttendanceRecord>) -> AttendanceReport {
        AttendanceReport {
            as_of: Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap(),
            tokens_verified: false,
            summary: Default::default(),
            records,
            rejected: Vec::new(),
            duplicates: Vec::new(),
            course_results: Vec::new(),
        }
    }

    #[test]
    fn engine_ids_unique_in_engine_order() {
        let records = vec![record(1, 1), record(1, 2), record(2, 1)];
        assert!(engine_ids_are_unique(&report(records)));
    }

    #[test]
    fn repeated_learner_and_session_found() {
        let records = vec![record(1, 1), record(1, 1), record(2, 1)];
        assert!(!engine_ids_are_unique(&report(records)));
    }

    #[test]
    fn session_split_in_two_runs_found() {
        // Session 1's records resume after session 2's, so the repeated
        // record of learner 1 is not next to the first one.
        let records = vec![record(1, 1), record(2, 1), record(1, 2)];
        assert!(!engine_ids_are_unique(&report(records)));
    }

    #[test]
    fn venues_holding_sessions_kept_apart_by_period() {
        // A prepared season may count several periods in turn. Each period
        // must get its own venues, as a season prepared for it alone does.
        let params = crate::sample::SampleParams {
            learners: 3000,
            ..Default::default()
        };
        let sample = crate::sample::generate(&params).unwrap();
        let bundle = &sample.bundle;
        let report = report(Vec::new());
        let prepared = Prepared::new(bundle, &report, None, None).unwrap();
        let day = |month, day| NaiveDate::from_ymd_opt(2026, month, day).unwrap();
        let season = Period {
            first_day: day(3, 1),
            last_day: day(7, 31),
        };
        let empty = Period {
            first_day: day(1, 1),
            last_day: day(1, 31),
        };
        let held_in = |prepared: &Prepared<'_>, period: Period| {
            let request = StatisticsRequest::new(Scope::Platform, period);
            let statistics = prepared.statistics(&request).unwrap();
            statistics.learning_circle.venues_holding_sessions
        };

        let alone = |period| held_in(&Prepared::new(bundle, &report, None, None).unwrap(), period);
        let (in_season, in_january) = (alone(season), alone(empty));
        assert!(in_season > 0);
        assert_eq!(in_january, 0);
        for period in [empty, season, empty, season] {
            let expected = if period == season {
                in_season
            } else {
                in_january
            };
            assert_eq!(held_in(&prepared, period), expected, "{period:?}");
        }
    }

    /// Returns a sample bundle and records of its sessions and learners,
    /// with one record of a learner the bundle does not list.
    fn sample_with_records() -> (Bundle, AttendanceReport) {
        let params = crate::sample::SampleParams {
            learners: 3000,
            ..Default::default()
        };
        let bundle = crate::sample::generate(&params).unwrap().bundle;
        let mut records = Vec::new();
        for (n, timed) in bundle.sessions.iter().enumerate().take(500) {
            let learner = &bundle.learners[(n * 7) % bundle.learners.len()];
            records.push(AttendanceRecord {
                session_id: timed.session.id,
                learner_id: learner.id,
                owner: timed.session.owner,
                ..record(0, 0)
            });
        }
        records.push(AttendanceRecord {
            session_id: bundle.sessions[3].session.id,
            ..record(0, 999_999)
        });
        (bundle, report(records))
    }

    #[test]
    fn record_groups_list_each_record() {
        let (bundle, report) = sample_with_records();
        let venue_at = |id: VenueId| bundle.venues.iter().position(|venue| venue.id == id);
        let mut by_home = vec![Vec::new(); bundle.venues.len()];
        let mut by_session = vec![Vec::new(); bundle.sessions.len()];
        for (position, record) in report.records.iter().enumerate() {
            let home = bundle
                .learners
                .iter()
                .find(|learner| learner.id == record.learner_id)
                .and_then(|learner| learner.home_venue_id)
                .and_then(venue_at);
            if let Some(home) = home {
                by_home[home].push(position as u32);
            }
            let session = bundle
                .sessions
                .iter()
                .position(|timed| timed.session.id == record.session_id)
                .unwrap();
            by_session[session].push(position as u32);
        }
        let listed: usize = by_home.iter().map(Vec::len).sum();
        assert!(listed > 400, "{listed} records with a home");
        assert!(listed < report.records.len());

        let prepared = Prepared::new(&bundle, &report, None, None).unwrap();
        for (venue, expected) in by_home.iter().enumerate() {
            let found = prepared.tables.home_records.get(venue as u32);
            assert_eq!(found, expected.as_slice(), "venue {venue}");
        }
        let session_records = &prepared.scoped().session_records;
        for (session, expected) in by_session.iter().enumerate() {
            let found = session_records.get(session as u32);
            assert_eq!(found, expected.as_slice(), "session {session}");
        }
    }

    #[test]
    fn areas_leave_scoped_index_unbuilt() {
        let (bundle, report) = sample_with_records();
        let prepared = Prepared::new(&bundle, &report, None, None).unwrap();
        let district = bundle
            .venues
            .iter()
            .find(|venue| venue.tier == VenueTier::District)
            .unwrap();
        let period = Period {
            first_day: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        };
        let areas = [
            Scope::Platform,
            Scope::District {
                venue_id: district.id,
            },
        ];
        for scope in areas {
            let statistics = prepared.statistics(&StatisticsRequest::new(scope, period));
            assert!(statistics.unwrap().check_ins > 0);
        }
        assert!(prepared.scoped.get().is_none());

        let venue = Scope::Venue {
            venue_id: bundle.sessions[3].session.venue_id,
        };
        let statistics = prepared.statistics(&StatisticsRequest::new(venue, period));
        assert!(statistics.unwrap().check_ins > 0);
        assert!(prepared.scoped.get().is_some());
    }

    #[test]
    fn area_outcomes_follow_homes() {
        let params = crate::sample::SampleParams {
            learners: 3000,
            ..Default::default()
        };
        let bundle = crate::sample::generate(&params).unwrap().bundle;
        let report = report(Vec::new());
        let parents: HashMap<VenueId, Option<VenueId>> = bundle
            .venues
            .iter()
            .map(|venue| (venue.id, venue.parent_id))
            .collect();
        let homes: HashMap<_, _> = bundle
            .learners
            .iter()
            .map(|learner| (learner.id, learner.home_venue_id))
            .collect();
        let lives_in = |outcome: &Outcome, district: VenueId| {
            let mut venue = homes.get(&outcome.learner_id).copied().flatten();
            while let Some(at) = venue {
                if at == district {
                    return true;
                }
                venue = parents.get(&at).copied().flatten();
            }
            false
        };
        let period = Period {
            first_day: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        };
        let mut ids = HashSet::new();
        let counted: Vec<&Outcome> = bundle
            .outcomes
            .iter()
            .filter(|outcome| !is_from_engine(outcome.source.as_ref()))
            .filter(|outcome| ids.insert(outcome.id))
            .filter(|outcome| period.contains(outcome.occurred_on))
            .collect();

        let prepared = Prepared::new(&bundle, &report, None, None).unwrap();
        let mut areas = 0;
        let mut total = 0;
        for venue in &bundle.venues {
            let scope = match venue.tier {
                VenueTier::District => Scope::District { venue_id: venue.id },
                VenueTier::Street => Scope::Street { venue_id: venue.id },
                _ => continue,
            };
            let mut expected: BTreeMap<String, u64> = BTreeMap::new();
            for outcome in counted.iter().filter(|outcome| lives_in(outcome, venue.id)) {
                *expected
                    .entry(outcome.kind.as_str().to_owned())
                    .or_default() += 1;
            }
            let request = StatisticsRequest::new(scope, period);
            let statistics = prepared.statistics(&request).unwrap();
            assert_eq!(statistics.outcomes_by_kind, expected, "{}", venue.name);
            areas += 1;
            total += statistics.learning_outcomes;
        }
        assert!(areas > 2, "{areas} districts and streets");
        assert!(total > 100, "{total} outcomes in districts");
    }

    #[test]
    fn season_outcomes_give_same_statistics() {
        let (bundle, with_repeat) = sample_with_records();
        // The last record repeats a session after others, so the engine's
        // ids are checked for repeats and the outcomes taken are listed.
        let mut report = report(with_repeat.records.clone());
        report.records.pop();
        same_statistics_from_season(&bundle, &report, true);
        same_statistics_from_season(&bundle, &with_repeat, false);
    }

    fn same_statistics_from_season(bundle: &Bundle, report: &AttendanceReport, unlisted: bool) {
        let grouping = OutcomeGrouping::PerSession;
        let outcomes = crate::attendance::with_given_outcomes(
            report,
            &bundle.sessions,
            grouping,
            &bundle.outcomes,
        );
        let season = SeasonOutcomes {
            outcomes: &outcomes,
            grouping,
        };
        let taken = Prepared::new(bundle, report, None, Some(season)).unwrap();
        let made = Prepared::new(bundle, report, None, None).unwrap();
        let in_season = matches!(taken.derived, EngineOutcomes::InSeason(_));
        assert_eq!(in_season, unlisted);
        assert!(taken.derived.is_taken());
        assert!(matches!(made.derived, EngineOutcomes::Made(_)));
        assert!(made.derived.len() > 400, "{} made", made.derived.len());

        let period = Period {
            first_day: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            last_day: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        };
        let mut scopes = vec![Scope::Platform];
        for venue in &bundle.venues {
            scopes.push(Scope::Venue { venue_id: venue.id });
            match venue.tier {
                VenueTier::District => scopes.push(Scope::District { venue_id: venue.id }),
                VenueTier::Street => scopes.push(Scope::Street { venue_id: venue.id }),
                _ => {}
            }
        }
        let mut total = 0;
        for scope in scopes {
            let request = StatisticsRequest::new(scope, period);
            let expected = made.statistics(&request).unwrap();
            assert_eq!(taken.statistics(&request).unwrap(), expected);
            if let Scope::Venue { .. } = expected.scope {
                total += expected.learning_outcomes;
            }
        }
        assert!(total > 400, "{total} outcomes in venues");
    }

    #[test]
    fn learners_out_of_order_found() {
        let records = vec![record(1, 2), record(1, 1)];
        assert!(!engine_ids_are_unique(&report(records)));
    }
}
