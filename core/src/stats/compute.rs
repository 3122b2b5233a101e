//! Computing the statistics of one scope and period from a bundle, the
//! attendance report on it and optionally a credit ledger.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Serialize, Serializer};

use crate::attendance::{
    AttendanceRecord, AttendanceReport, OUTCOME_SOURCE_SYSTEM, OutcomeGrouping, attendance_outcomes,
};
use crate::bundle::Bundle;
use crate::credit::Ledger;
use crate::field::format_instant;
use crate::id::{ClubId, CourseId, InstructorId, LearnerId, OutcomeId, SessionId, VenueId};
use crate::model::{ClubStatus, Course, Enrolment, EnrolmentStatus, Learner, Outcome, Venue};
use crate::problem::{Path, Problem, Problems};
use crate::schedule::TimedSession;

use super::age::{AgeGroup, age_group};
use super::codes;
use super::coverage::{Coverage, CoverageSettings, coverage, is_community};
use super::credits::{RuleSetCredits, credits_earned};
use super::period::Period;
use super::rate::Rate;
use super::scope::{Resolved, Scope};

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
/// - `duplicate_input_id` (path `learners.<n>.id` or `clubs.<n>.id`) for a
///   learner or club id given twice, which would be counted twice.
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
    let prepared = Prepared::new(bundle, attendance, ledger)?;
    prepared.statistics(request)
}

/// The bundle and report arranged for lookups, shared by the statistics of
/// several scopes.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub bundle: &'a Bundle,
    report: &'a AttendanceReport,
    ledger: Option<&'a Ledger>,
    pub venues: HashMap<VenueId, &'a Venue>,
    courses: HashMap<CourseId, &'a Course>,
    learners: HashMap<LearnerId, &'a Learner>,
    sessions: HashMap<SessionId, &'a TimedSession>,
    /// The sessions of each course.
    course_sessions: HashMap<CourseId, Vec<&'a TimedSession>>,
    /// The outcomes counted: the bundle's, less those the attendance engine
    /// made earlier, and the engine's per-session outcomes, each id once.
    outcomes: Vec<Outcome>,
    /// The engine's per-course outcomes, which only a ledger may refer to.
    per_course_outcomes: Vec<Outcome>,
}

impl<'a> Prepared<'a> {
    pub fn new(
        bundle: &'a Bundle,
        report: &'a AttendanceReport,
        ledger: Option<&'a Ledger>,
    ) -> Result<Self, Problems> {
        let sessions: HashMap<SessionId, &TimedSession> = bundle
            .sessions
            .iter()
            .map(|timed| (timed.session.id, timed))
            .collect();
        let mut problems = Problems::new();
        for (position, record) in report.records.iter().enumerate() {
            if !sessions.contains_key(&record.session_id) {
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
        let learner_ids = bundle.learners.iter().map(|learner| learner.id.to_string());
        report_duplicates("learners", "learner", learner_ids, &mut problems);
        let club_ids = bundle.clubs.iter().map(|club| club.id.to_string());
        report_duplicates("clubs", "club", club_ids, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }

        let mut course_sessions: HashMap<CourseId, Vec<&TimedSession>> = HashMap::new();
        for timed in &bundle.sessions {
            if let Some(course) = timed.session.course_id() {
                course_sessions.entry(course).or_default().push(timed);
            }
        }

        let mut by_id: BTreeMap<OutcomeId, Outcome> = BTreeMap::new();
        let derived = attendance_outcomes(report, &bundle.sessions, OutcomeGrouping::PerSession);
        let recorded = bundle.outcomes.iter().filter(|outcome| {
            outcome
                .source
                .as_ref()
                .is_none_or(|source| source.system != OUTCOME_SOURCE_SYSTEM)
        });
        for outcome in recorded.cloned().chain(derived) {
            by_id.entry(outcome.id).or_insert(outcome);
        }
        let per_course_outcomes = if ledger.is_some() {
            attendance_outcomes(report, &bundle.sessions, OutcomeGrouping::PerCourse)
        } else {
            Vec::new()
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
            courses: bundle
                .courses
                .iter()
                .map(|course| (course.id, course))
                .collect(),
            learners: bundle
                .learners
                .iter()
                .map(|learner| (learner.id, learner))
                .collect(),
            sessions,
            course_sessions,
            outcomes: by_id.into_values().collect(),
            per_course_outcomes,
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
        // A district or street looks up each record's learner, so its
        // residents are gathered once: one lookup per record instead of two.
        let residents = match &scope {
            Resolved::Area { .. } => self
                .learners
                .values()
                .filter(|learner| scope.is_home(learner.home_venue_id))
                .map(|learner| learner.id)
                .collect(),
            _ => HashSet::new(),
        };
        Ok(Counter {
            prepared: self,
            scope: &scope,
            period: request.period,
            residents,
        }
        .count(request))
    }
}

/// The counting of one scope and period.
struct Counter<'p, 'a> {
    prepared: &'p Prepared<'a>,
    scope: &'p Resolved<'a>,
    period: Period,
    /// The learners living in a district or street scope; empty otherwise.
    residents: HashSet<LearnerId>,
}

impl<'a> Counter<'_, 'a> {
    fn count(&self, request: &StatisticsRequest) -> Statistics {
        let as_of = self.prepared.report.as_of;
        let activities = self.activities(as_of);
        let records = self.records();
        let (enrolments, enrolled) = self.enrolments(as_of);

        let mut members: BTreeSet<LearnerId> = BTreeSet::new();
        if !self.scope.is_area() {
            members.extend(records.members.iter().copied());
            members.extend(enrolled);
            if let Resolved::Club(club) = self.scope {
                members.extend(self.club_members(*club));
            }
        }
        let registered = self.registered(&members);
        let active = self.by_age(records.active.iter().copied());
        let outcomes = self.outcomes();
        let mut outcomes_by_kind: BTreeMap<String, u64> = BTreeMap::new();
        for outcome in &outcomes {
            *outcomes_by_kind
                .entry(outcome.kind.as_str().to_owned())
                .or_default() += 1;
        }

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
            activities_held: activities.held.len() as u64,
            activities_cancelled: activities.cancelled,
            activities_not_ended: activities.not_ended,
            check_ins: records.check_ins,
            instructors_who_taught: activities.instructors.len() as u64,
            learning_outcomes: outcomes.len() as u64,
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
            learning_circle: self.coverage(&request.coverage),
        }
    }

    /// Returns whether a session belongs to the scope's activities and to
    /// the period.
    fn is_scope_session(&self, timed: &TimedSession) -> bool {
        self.period.contains(timed.session.date)
            && self.scope.has_session(&timed.session, |course| {
                self.prepared.courses.get(&course).copied()
            })
    }

    fn activities(&self, as_of: DateTime<Utc>) -> Activities<'a> {
        let mut activities = Activities::default();
        for timed in &self.prepared.bundle.sessions {
            if !self.is_scope_session(timed) {
                continue;
            }
            let session = &timed.session;
            if session.is_cancelled() {
                activities.cancelled += 1;
            } else if timed.times.ends_at > as_of {
                activities.not_ended += 1;
            } else {
                activities.held.push(timed);
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

    /// Returns whether a record counts for the scope: its session lies in
    /// the period, and its learner lives in the area (area scopes) or its
    /// session is one of the scope's (other scopes).
    fn counts_record(&self, record: &AttendanceRecord) -> bool {
        let Some(timed) = self.prepared.sessions.get(&record.session_id) else {
            return false;
        };
        if self.scope.is_area() {
            self.period.contains(timed.session.date) && self.lives_in_area(record.learner_id)
        } else {
            self.is_scope_session(timed)
        }
    }

    fn lives_in_area(&self, learner: LearnerId) -> bool {
        match self.scope {
            Resolved::Platform => true,
            Resolved::Area { .. } => self.residents.contains(&learner),
            _ => false,
        }
    }

    fn records(&self) -> Records {
        let mut records = Records::default();
        for record in &self.prepared.report.records {
            if !self.counts_record(record) {
                continue;
            }
            records.members.insert(record.learner_id);
            if record.provisional {
                continue;
            }
            records.credited_minutes += u64::from(record.credited_minutes);
            if record.status.is_attended() {
                records.check_ins += 1;
                records.active.insert(record.learner_id);
            }
        }
        records
    }

    /// Counts the learner and course pairs whose place covered the start of
    /// a counted session, and returns the learners.
    fn enrolments(&self, as_of: DateTime<Utc>) -> (u64, BTreeSet<LearnerId>) {
        let mut pairs: BTreeSet<(LearnerId, CourseId)> = BTreeSet::new();
        for enrolment in &self.prepared.bundle.enrolments {
            if self.scope.is_area() && !self.lives_in_area(enrolment.learner_id) {
                continue;
            }
            let Some(sessions) = self.prepared.course_sessions.get(&enrolment.course_id) else {
                continue;
            };
            let covered = sessions.iter().any(|timed| {
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
                pairs.insert((enrolment.learner_id, enrolment.course_id));
            }
        }
        let learners = pairs.iter().map(|(learner, _)| *learner).collect();
        (pairs.len() as u64, learners)
    }

    fn club_members(&self, club: ClubId) -> impl Iterator<Item = LearnerId> + '_ {
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
            .map(|member| member.learner_id)
    }

    fn registered(&self, members: &BTreeSet<LearnerId>) -> LearnerCounts {
        if !self.scope.is_area() {
            return self.by_age(members.iter().copied());
        }
        let last_day = self.period.last_day;
        let mut counts = LearnerCounts::default();
        for learner in &self.prepared.bundle.learners {
            let registered = learner.registered_on.is_none_or(|day| day <= last_day);
            if registered && self.scope.is_home(learner.home_venue_id) {
                counts.add(age_group(learner.birth_date, last_day));
            }
        }
        counts
    }

    fn by_age(&self, learners: impl Iterator<Item = LearnerId>) -> LearnerCounts {
        let last_day = self.period.last_day;
        let mut counts = LearnerCounts::default();
        for learner in learners {
            let birth = self
                .prepared
                .learners
                .get(&learner)
                .and_then(|learner| learner.birth_date);
            counts.add(age_group(birth, last_day));
        }
        counts
    }

    /// Returns whether an outcome belongs to a scope other than an area: by
    /// its session, its course (or the course's category) or its club.
    fn has_outcome(&self, outcome: &Outcome) -> bool {
        let session = outcome
            .session_id
            .and_then(|id| self.prepared.sessions.get(&id))
            .map(|timed| &timed.session);
        match self.scope {
            Resolved::Platform | Resolved::Area { .. } => self.lives_in_area(outcome.learner_id),
            Resolved::Venue(venue) => session.is_some_and(|session| session.venue_id == venue.id),
            Resolved::Course(course) => {
                outcome.course_id == Some(*course)
                    || session.is_some_and(|session| session.course_id() == Some(*course))
            }
            Resolved::Category { .. } => {
                let course = outcome
                    .course_id
                    .or_else(|| session.and_then(|session| session.course_id()))
                    .and_then(|course| self.prepared.courses.get(&course));
                outcome
                    .category
                    .as_ref()
                    .or(course.map(|course| &course.category))
                    .is_some_and(|category| self.scope.has_category(category))
            }
            Resolved::Club(club) => {
                outcome.club_id == Some(*club)
                    || session.is_some_and(|session| session.club_id() == Some(*club))
            }
        }
    }

    fn outcomes(&self) -> Vec<&Outcome> {
        self.prepared
            .outcomes
            .iter()
            .filter(|outcome| self.period.contains(outcome.occurred_on))
            .filter(|outcome| self.has_outcome(outcome))
            .collect()
    }

    fn credits(&self) -> Option<Vec<RuleSetCredits>> {
        let ledger = self.prepared.ledger?;
        let by_learner = |entry: &crate::credit::Entry| self.lives_in_area(entry.learner_id);
        // An area scope counts entries by learner and never looks up their
        // outcomes, so it skips building the map of every outcome.
        let outcomes: HashMap<OutcomeId, &Outcome> = if self.scope.is_area() {
            HashMap::new()
        } else {
            self.prepared
                .outcomes
                .iter()
                .chain(&self.prepared.per_course_outcomes)
                .map(|outcome| (outcome.id, outcome))
                .collect()
        };
        let in_scope = |outcome: &Outcome| self.has_outcome(outcome);
        let area: Option<&dyn Fn(&crate::credit::Entry) -> bool> = if self.scope.is_area() {
            Some(&by_learner)
        } else {
            None
        };
        Some(credits_earned(
            ledger,
            self.period,
            area,
            &outcomes,
            &in_scope,
        ))
    }

    fn clubs(&self) -> Option<u64> {
        if !self.scope.is_place_scope() {
            return None;
        }
        let (first_day, last_day) = (self.period.first_day, self.period.last_day);
        let count = self
            .prepared
            .bundle
            .clubs
            .iter()
            .filter(|club| {
                let place = club.community_venue_id.or(club.guiding_venue_id);
                matches!(self.scope, Resolved::Platform)
                    || place.is_some_and(|venue| self.scope.is_place(venue))
            })
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

    fn coverage(&self, settings: &CoverageSettings) -> Coverage {
        let venues = &self.prepared.bundle.venues;
        let communities: Vec<&Venue> = match self.scope {
            Resolved::Platform | Resolved::Area { .. } | Resolved::Venue(_) => venues
                .iter()
                .filter(|venue| is_community(venue) && self.scope.is_place(venue.id))
                .collect(),
            _ => venues.iter().filter(|venue| is_community(venue)).collect(),
        };
        // A place scope's residents may go to any venue; a course, category
        // or club scope is reached only where its own sessions are held.
        let mut holding: BTreeSet<VenueId> = BTreeSet::new();
        for timed in &self.prepared.bundle.sessions {
            let session = &timed.session;
            let counted = if self.scope.is_place_scope() {
                self.period.contains(session.date)
            } else {
                self.is_scope_session(timed)
            };
            if counted && !session.is_cancelled() {
                holding.insert(session.venue_id);
            }
        }
        let holding: Vec<&Venue> = holding
            .iter()
            .filter_map(|id| self.prepared.venues.get(id).copied())
            .collect();
        coverage(&communities, &holding, settings)
    }
}

/// Reports each id of `list` that an earlier item has already used. A
/// bundle read from files has none, but one built in code or given as JSON
/// lists may, and each copy would be counted.
fn report_duplicates(
    list: &'static str,
    kind: &'static str,
    ids: impl Iterator<Item = String>,
    problems: &mut Problems,
) {
    let mut seen = HashSet::new();
    for (position, id) in ids.enumerate() {
        if seen.contains(&id) {
            problems.push(
                Problem::new(
                    crate::attendance::codes::DUPLICATE_INPUT_ID,
                    Path::root().join(list).join(position).join("id"),
                )
                .with("field", "id")
                .with("value", id)
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
struct Activities<'a> {
    held: Vec<&'a TimedSession>,
    cancelled: u64,
    not_ended: u64,
    instructors: HashSet<InstructorId>,
    clubs: HashSet<ClubId>,
}

#[derive(Default)]
struct Records {
    /// Learners with a counted record of any status.
    members: BTreeSet<LearnerId>,
    /// Learners with a final attended record.
    active: BTreeSet<LearnerId>,
    check_ins: u64,
    credited_minutes: u64,
}
