//! Outcomes and credit-ledger entries indexed by what puts them in a scope,
//! so that each scope reads only its own instead of every outcome and entry
//! of the season.

use std::collections::{BTreeSet, HashMap};

use rustc_hash::FxHashMap;

use chrono::NaiveDate;

use crate::credit::{EntryKind, Ledger};
use crate::decimal::Credits;
use crate::id::{ClubId, CourseId, OutcomeId};
use crate::model::{Category, Course, Outcome};
use crate::schedule::TimedSession;

use super::credits::RuleSetCredits;
use super::lookup::{Groups, NO_VENUE, Tables};
use super::period::Period;

/// The positions of outcomes by the venue of their session, their course,
/// their category and their club: the keys that decide whether an outcome
/// belongs to a venue, course, category or club scope.
#[derive(Debug, Default)]
pub(super) struct OutcomeKeys {
    pub by_venue: Groups,
    pub by_course: FxHashMap<CourseId, Vec<u32>>,
    pub by_category: FxHashMap<Category, Vec<u32>>,
    pub by_club: FxHashMap<ClubId, Vec<u32>>,
}

impl OutcomeKeys {
    /// Indexes `outcomes`, whose positions are those of the iterator.
    ///
    /// An outcome belongs to:
    /// - the venue of its session;
    /// - its own course and its session's course, when either is present;
    /// - its own club and its session's club, likewise;
    /// - the category it names, or else the category of its own course
    ///   (its session's course when it names none).
    pub fn new<'o>(
        outcomes: impl Iterator<Item = &'o Outcome>,
        sessions: &[TimedSession],
        tables: &Tables,
        courses: &HashMap<CourseId, &Course>,
        venue_count: usize,
    ) -> Self {
        let mut venue_pairs = Vec::new();
        let mut keys = Self::default();
        for (position, outcome) in outcomes.enumerate() {
            let position = position as u32;
            let session_position = outcome
                .session_id
                .and_then(|id| tables.session_index.get(&id).copied());
            let session = session_position.map(|at| &sessions[at as usize].session);
            if let Some(at) = session_position {
                let venue = tables.session_venue[at as usize];
                if venue != NO_VENUE {
                    venue_pairs.push((venue, position));
                }
            }

            let session_course = session.and_then(|session| session.course_id());
            for course in distinct(outcome.course_id, session_course) {
                keys.by_course.entry(course).or_default().push(position);
            }
            let session_club = session.and_then(|session| session.club_id());
            for club in distinct(outcome.club_id, session_club) {
                keys.by_club.entry(club).or_default().push(position);
            }

            let course = outcome
                .course_id
                .or(session_course)
                .and_then(|course| courses.get(&course));
            let category = outcome
                .details()
                .category
                .as_ref()
                .or(course.map(|course| &course.category));
            if let Some(category) = category {
                keys.by_category
                    .entry(category.clone())
                    .or_default()
                    .push(position);
            }
        }
        keys.by_venue = Groups::new(venue_count, &venue_pairs);
        keys
    }
}

/// Returns `first` and `second`, each when present, and `second` only when
/// it differs from `first`.
fn distinct<T: PartialEq + Copy>(first: Option<T>, second: Option<T>) -> impl Iterator<Item = T> {
    let second = second.filter(|second| Some(*second) != first);
    first.into_iter().chain(second)
}

/// A ledger entry that counts towards credits earned.
#[derive(Debug)]
pub(super) struct Earning {
    /// The position of the rule set in [`CreditIndex::rule_sets`].
    pub rule_set: u32,
    pub occurred_on: NaiveDate,
    pub amount: Credits,
}

/// The entries of a ledger that count towards credits earned, in ledger
/// order.
#[derive(Debug)]
pub(super) struct CreditIndex {
    pub earnings: Vec<Earning>,
    /// The positions in `earnings` of the entries of the learners living at
    /// each venue (by dense index).
    pub by_home: Groups,
    /// The rule set ids, ordered.
    pub rule_sets: Vec<String>,
    /// The days of the earning entries of each rule set, ordered.
    days: Vec<Vec<NaiveDate>>,
}

/// Returns whether an entry counts towards credits earned: accruals,
/// adjustments and revocations of them. Expiries and their revocations are
/// left out, because they end or restore the validity of credits earned
/// before rather than change what was earned.
///
/// `kinds` maps entry ids to the kind of the first entry with that id.
fn counts_as_earned(
    kind: EntryKind,
    reverses: Option<uuid::Uuid>,
    kinds: &FxHashMap<uuid::Uuid, EntryKind>,
) -> bool {
    match kind {
        EntryKind::Accrue | EntryKind::Capped | EntryKind::Adjust => true,
        EntryKind::Expire => false,
        EntryKind::Revoke => reverses
            .and_then(|target| kinds.get(&target))
            .is_some_and(|target| *target != EntryKind::Expire),
    }
}

impl CreditIndex {
    /// Selects the earning entries of `ledger`. It returns the position in
    /// the ledger of each, too.
    pub fn new(ledger: &Ledger, tables: &Tables) -> (Self, Vec<u32>) {
        let mut kinds: FxHashMap<uuid::Uuid, EntryKind> = FxHashMap::default();
        for entry in ledger.entries() {
            kinds.entry(entry.id).or_insert(entry.kind);
        }
        let names: BTreeSet<&str> = ledger
            .entries()
            .iter()
            .map(|entry| entry.rule_set_id.as_str())
            .collect();
        let rule_sets: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let rule_set_of: FxHashMap<&str, u32> = names
            .iter()
            .enumerate()
            .map(|(position, name)| (*name, position as u32))
            .collect();

        let mut earnings = Vec::new();
        let mut homes = Vec::new();
        let mut positions = Vec::new();
        let mut days = vec![Vec::new(); rule_sets.len()];
        for (position, entry) in ledger.entries().iter().enumerate() {
            if !counts_as_earned(entry.kind, entry.reverses, &kinds) {
                continue;
            }
            let Some(&rule_set) = rule_set_of.get(entry.rule_set_id.as_str()) else {
                continue;
            };
            days[rule_set as usize].push(entry.occurred_on);
            earnings.push(Earning {
                rule_set,
                occurred_on: entry.occurred_on,
                amount: entry.amount,
            });
            homes.push(tables.home_of(&entry.learner_id));
            positions.push(position as u32);
        }
        for list in &mut days {
            list.sort_unstable();
        }
        let index = Self {
            earnings,
            by_home: Groups::by_key(tables.venue_count, &homes),
            rule_sets,
            days,
        };
        (index, positions)
    }

    /// Returns an empty sum for each rule set with an earning entry in
    /// `period`, by rule set position.
    pub fn empty_sums(&self, period: Period) -> Vec<Option<RuleSetCredits>> {
        self.days
            .iter()
            .zip(&self.rule_sets)
            .map(|(days, rule_set_id)| {
                let first = days.partition_point(|day| *day < period.first_day);
                let present = days.get(first).is_some_and(|day| *day <= period.last_day);
                present.then(|| RuleSetCredits {
                    rule_set_id: rule_set_id.clone(),
                    amount: Credits::ZERO,
                    entries: 0,
                    entries_partly_in_scope: 0,
                })
            })
            .collect()
    }
}

/// The links between earning entries and outcomes that scopes other than
/// areas need: an entry counts there when every one of its outcomes is
/// known and in the scope.
#[derive(Debug)]
pub(super) struct EntryOutcomes {
    /// The outcome position of each outcome id of each earning entry, or
    /// `u32::MAX` for an id that no outcome has.
    pub of_entry: Groups,
    /// The earning entries that name each outcome position.
    pub of_outcome: Groups,
}

impl EntryOutcomes {
    /// Links the earning entries at `positions` of `ledger` to the outcomes
    /// whose positions `outcome_at` gives by id.
    pub fn new(
        ledger: &Ledger,
        positions: &[u32],
        outcome_at: &FxHashMap<OutcomeId, u32>,
        outcome_count: usize,
    ) -> Self {
        let mut entry_pairs = Vec::new();
        let mut outcome_pairs = Vec::new();
        for (earning, position) in positions.iter().enumerate() {
            let earning = earning as u32;
            let entry = &ledger.entries()[*position as usize];
            for id in &entry.outcome_ids {
                let outcome = outcome_at.get(id).copied().unwrap_or(u32::MAX);
                entry_pairs.push((earning, outcome));
                if outcome != u32::MAX {
                    outcome_pairs.push((outcome, earning));
                }
            }
        }
        Self {
            of_entry: Groups::new(positions.len(), &entry_pairs),
            of_outcome: Groups::new(outcome_count, &outcome_pairs),
        }
    }
}
