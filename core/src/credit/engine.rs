//! The engine: outcomes and a rule set in, proposed ledger entries and the
//! reasons for everything not credited out.
//!
//! The steps, in order:
//!
//! 1. Outcomes are sorted by occurrence date, id and content, so the input
//!    order never matters. A repeated outcome id, an unknown learner or
//!    course, and a date outside the rule set's effective period are skipped
//!    with a reason.
//! 2. The first rule whose match fits an outcome applies; its gates (minimum
//!    minutes, completion, evidence) are checked per record.
//! 3. A daily minutes limit cuts the minutes that count, per learner, day and
//!    course, club or resource; the raw minutes stay in the entry's basis.
//! 4. Records are summed into units at the rule's rounding stage (each
//!    record, each learner and course, each period), records of different
//!    categories apart, the formula gives each unit an exact amount, and
//!    the amount is rounded once.
//! 5. De-duplication keeps the best attempt of one course or certificate.
//!    Banked results (credited in an earlier run) are never credited again,
//!    but they block worse attempts, reduce a better one to the difference,
//!    and take up room under caps.
//! 6. Caps are applied in order of occurrence date, then source. The part
//!    that fits is rounded down to the rule's quantum (nothing below the
//!    minimum award), and the rest becomes a zero-value `capped` entry
//!    recording the excess and the cap.
//!
//! Every step after the check for repeated outcome ids keeps its state per
//! learner. So with the `parallel` feature, those steps run on the rayon
//! thread pool in parts by learner, joined into the order one part gives.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::bundle::Bundle;
use crate::decimal::Credits;
use crate::id::{ClubId, CourseId, LearnerId, OutcomeId, VenueId};
use crate::model::{
    AwardRank, AwardScope, Category, Course, Outcome, OutcomeKind, Role, Taxonomy, Venue, VenueTier,
};
use crate::problem::{Path, Problem, Problems};
use crate::record::Record;

use super::exact::Exact;
use super::ledger::{Basis, CapNote, EntryKind};
use super::rule::{
    Cap, Dedup, Formula, Limit, Rule, RuleSet, RuleSetPin, RuleSetStatus, Stage, TableKey, Window,
};

mod parts;

/// What the engine needs besides outcomes: the courses and venues outcomes
/// refer to, the taxonomy, and optionally the learners whose credits are
/// computed.
#[derive(Clone, Debug, Default)]
pub struct CreditContext {
    courses: BTreeMap<CourseId, Course>,
    venues: BTreeMap<VenueId, Venue>,
    taxonomy: Taxonomy,
    learners: Option<BTreeSet<LearnerId>>,
    recorded_on: Option<NaiveDate>,
}

impl CreditContext {
    /// A context with these courses, venues and taxonomy, for any learner.
    pub fn new(courses: Vec<Course>, venues: Vec<Venue>, taxonomy: Taxonomy) -> Self {
        Self {
            courses: courses
                .into_iter()
                .map(|course| (course.id, course))
                .collect(),
            venues: venues.into_iter().map(|venue| (venue.id, venue)).collect(),
            taxonomy,
            learners: None,
            recorded_on: None,
        }
    }

    /// The context of a bundle: its courses, venues and taxonomy, and its
    /// learners when it [restricts learners](Bundle::restricts_learners).
    pub fn from_bundle(bundle: &Bundle) -> Self {
        let context = Self::new(
            bundle.courses.clone(),
            bundle.venues.clone(),
            bundle.taxonomy(),
        );
        if bundle.restricts_learners() {
            context.with_learners(bundle.learners.iter().map(|learner| learner.id))
        } else {
            context
        }
    }

    /// Limits the computation to these learners: outcomes of others are
    /// skipped, and a recomputation revokes only these learners' entries.
    pub fn with_learners(mut self, learners: impl IntoIterator<Item = LearnerId>) -> Self {
        self.learners = Some(learners.into_iter().collect());
        self
    }

    /// Sets the date the computation is recorded on: outcomes dated after it
    /// are skipped (`after_recording_date`), because credits are not granted
    /// before the learning happened.
    pub fn with_recorded_on(mut self, recorded_on: NaiveDate) -> Self {
        self.recorded_on = Some(recorded_on);
        self
    }

    /// The learners the computation is limited to, if any.
    pub fn learners(&self) -> Option<&BTreeSet<LearnerId>> {
        self.learners.as_ref()
    }

    /// The taxonomy.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// The course with id `id`.
    pub fn course(&self, id: CourseId) -> Option<&Course> {
        self.courses.get(&id)
    }

    fn provider_tier(&self, course: &Course) -> Option<VenueTier> {
        self.venues
            .get(&course.provider_venue_id)
            .map(|venue| venue.tier)
    }

    /// Whether `category` is `target` or one of its subcategories.
    fn falls_under(&self, category: &Category, target: &Category) -> bool {
        let mut current = Some(category);
        for _ in 0..16 {
            let Some(key) = current else {
                return false;
            };
            if key == target {
                return true;
            }
            current = self
                .taxonomy
                .get(key)
                .and_then(|definition| definition.parent.as_ref());
        }
        false
    }

    fn under_any(&self, category: Option<&Category>, targets: &[Category]) -> bool {
        targets.is_empty()
            || category.is_some_and(|category| {
                targets
                    .iter()
                    .any(|target| self.falls_under(category, target))
            })
    }
}

crate::text_enum! {
    /// Why an outcome earned no credit.
    pub enum SkipReason {
        /// Another record with the same outcome id counts instead: the one
        /// with the earliest date, then the first by content.
        DuplicateOutcome = "duplicate_outcome",
        /// The learner is not among the context's learners.
        UnknownLearner = "unknown_learner",
        /// The outcome names a course the context does not have.
        UnknownCourse = "unknown_course",
        /// The outcome is dated after the day the computation is recorded.
        AfterRecordingDate = "after_recording_date",
        /// The outcome happened outside the rule set's effective period.
        OutsideEffectivePeriod = "outside_effective_period",
        /// No rule of the rule set matches the outcome.
        NoMatchingRule = "no_matching_rule",
        /// The record has fewer minutes than the rule's gate.
        BelowMinMinutes = "below_min_minutes",
        /// The rule needs a completed course and the learner has not completed it.
        CompletionMissing = "completion_missing",
        /// The rule needs evidence and the record names none.
        EvidenceMissing = "evidence_missing",
        /// The rule needs a passed assessment and the record is not one.
        NotPassed = "not_passed",
        /// The learner's minutes for that day had already reached the daily limit.
        DailyLimitReached = "daily_limit_reached",
        /// The rule credits the course's declared credit value and the course declares none.
        MissingCreditValue = "missing_credit_value",
        /// The rule's table has no entry for the record's level or award.
        NoTableEntry = "no_table_entry",
        /// The amount rounded to zero.
        RoundedToZero = "rounded_to_zero",
        /// The rounded amount is below the rule's minimum award.
        BelowMinimum = "below_minimum",
        /// A better attempt of the same course or certificate is credited instead.
        Duplicate = "duplicate",
        /// The result was carried over from an earlier run and was credited then.
        Banked = "banked",
    }
}

/// An outcome, or a sum of outcomes, that earned no credit, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Skipped {
    /// Whose outcomes.
    pub learner_id: LearnerId,
    /// The outcomes concerned.
    pub outcome_ids: Vec<OutcomeId>,
    /// The rule that matched, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// Why nothing was credited.
    pub reason: SkipReason,
    /// The amount the outcomes would have earned, where one was computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Credits>,
    /// The source credited instead, for duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credited_instead: Option<String>,
}

/// A ledger entry proposed by the engine, before the ledger gives it an id
/// and a recording date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Accrual {
    /// `accrue`, or `capped` for the zero-value record of an excess.
    pub kind: EntryKind,
    /// Who earns the credits.
    pub learner_id: LearnerId,
    /// The rule that produced the amount.
    pub rule_id: String,
    /// The outcome kind.
    pub outcome_kind: OutcomeKind,
    /// The category of every outcome summed, if they have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The unit that was rounded: `outcome:<id>`, `course:<id>`,
    /// `club:<id>`, `resource:<id>`, `kind:<kind>` or `period:<start>/<end>`.
    pub source: String,
    /// The outcomes summed into the unit.
    pub outcome_ids: Vec<OutcomeId>,
    /// The date of the unit's last outcome.
    pub occurred_on: NaiveDate,
    /// The credits granted; zero for a `capped` entry.
    pub amount: Credits,
    /// How the amount was computed.
    pub basis: Basis,
    /// The first day the credits are no longer valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    /// The cap that withheld part of the amount, for a `capped` entry,
    /// boxed as in [`Entry::cap`](super::Entry::cap).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: Option<Box<CapNote>>,
}

/// What the engine computed for one rule set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Computation {
    /// The rule set, version and fingerprint.
    pub rule_set: RuleSetPin,
    /// Whether the rule set is published (only published rule sets may
    /// write to a ledger).
    pub status: RuleSetStatus,
    /// The rule set's effective period.
    #[serde(skip)]
    pub effective: Window,
    /// The learners the computation was limited to, if any.
    #[serde(skip)]
    pub learners: Option<BTreeSet<LearnerId>>,
    /// The proposed entries, ordered by learner, date and source.
    pub accruals: Vec<Accrual>,
    /// Everything not credited, with reasons.
    pub skipped: Vec<Skipped>,
}

impl Computation {
    /// The total proposed for `learner`.
    pub fn total_for(&self, learner: LearnerId) -> Credits {
        self.accruals
            .iter()
            .filter(|accrual| accrual.learner_id == learner)
            .map(|accrual| accrual.amount)
            .sum()
    }
}

/// One outcome that a rule matched and whose gates it passed.
struct Candidate<'a> {
    outcome: &'a Outcome,
    /// The outcome's position among all outcomes in date order.
    position: usize,
    rule: usize,
    category: Option<&'a Category>,
    course: Option<&'a Course>,
    raw_minutes: u32,
    minutes: u32,
    table_amount: Option<Credits>,
}

/// Records summed for rounding.
struct Unit<'a> {
    learner: LearnerId,
    rule: usize,
    kind: OutcomeKind,
    banked: bool,
    source: String,
    members: Vec<Candidate<'a>>,
    occurred_on: NaiveDate,
    category: Option<Category>,
    unrounded: Exact,
    amount: Credits,
    already_banked: Option<Credits>,
}

impl Unit<'_> {
    fn outcome_ids(&self) -> Vec<OutcomeId> {
        let mut ids: Vec<OutcomeId> = self.members.iter().map(|m| m.outcome.id).collect();
        ids.sort();
        ids
    }

    fn minutes(&self) -> u64 {
        self.members.iter().map(|m| u64::from(m.minutes)).sum()
    }

    fn raw_minutes(&self) -> u64 {
        self.members.iter().map(|m| u64::from(m.raw_minutes)).sum()
    }

    /// Builds the problem of an amount of this unit that does not fit.
    fn overflow(&self) -> Problem {
        overflow(self.learner, &self.source)
    }
}

/// Builds the problem of an amount of `learner`'s that does not fit,
/// computed for `at` (a unit's source, or an entry id).
pub(crate) fn overflow(learner: LearnerId, at: &str) -> Problem {
    Problem::new(super::codes::AMOUNT_OVERFLOW, Path::root())
        .with("learner_id", learner.to_string())
        .with("at", at)
        .with("max", Credits::MAX.to_string())
}

/// Computes what `outcomes` earn under `rule_set`.
///
/// The result does not depend on the order of `outcomes`. Nothing is lost:
/// every outcome either contributes to an accrual or appears in
/// [`Computation::skipped`] with a reason.
///
/// # Errors
///
/// `amount_overflow` when an amount, or the sum of one learner's amounts,
/// does not fit in [`Credits`] (more than 92233720368547758.07 credits),
/// which only a mistaken credit value, formula or number of minutes gives.
///
/// # Example
///
/// ```
/// use xuetong::credit::{CreditContext, compute_credits, presets};
/// use xuetong::model::Outcome;
/// use xuetong::record::Record;
/// use xuetong::problem::Path;
///
/// let service = Outcome::from_json(&serde_json::json!({
///     "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
///     "learner_id": "20000000-0000-4000-8000-000000000001",
///     "kind": "volunteer_service",
///     "occurred_on": "2026-03-14",
///     "minutes": 150,
/// }), &Path::root()).unwrap();
/// let rules = presets::community();
/// let computation = compute_credits(&rules, &CreditContext::default(), &[service])?;
/// // 150 minutes are two full hours: 0.1 credit each.
/// assert_eq!(computation.accruals[0].amount.to_string(), "0.20");
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn compute_credits(
    rule_set: &RuleSet,
    context: &CreditContext,
    outcomes: &[Outcome],
) -> Result<Computation, Problems> {
    let sorted = sort_outcomes(outcomes);
    let (accruals, skipped) = credit_sorted(rule_set, context, sorted)?;
    Ok(Computation {
        rule_set: rule_set.pin(),
        status: rule_set.status,
        effective: Window {
            start: Some(rule_set.effective_from),
            end: rule_set.effective_to,
        },
        learners: context.learners.clone(),
        accruals,
        skipped,
    })
}

/// Sorts outcomes by occurrence date, id and content.
fn sort_outcomes(outcomes: &[Outcome]) -> Vec<&Outcome> {
    // Every index fits in a `u32` unless there are more than 4 billion
    // outcomes (600 GB of them), which still sort, with larger keys.
    if u32::try_from(outcomes.len()).is_ok() {
        sort_by_index::<u32>(outcomes)
    } else {
        sort_by_index::<usize>(outcomes)
    }
}

/// The key of an outcome in [`sort_by_index`]: its date, its id as two
/// numbers (see [`id_key`]) and its index.
type SortKey<I> = (NaiveDate, (u64, u64), I);

/// Sorts outcomes as [`sort_outcomes`] does, keying each by its index as
/// an `I`, which must hold every index of `outcomes`.
fn sort_by_index<I>(outcomes: &[Outcome]) -> Vec<&Outcome>
where
    I: Copy + Ord + Send + TryFrom<usize> + TryInto<usize>,
{
    // The keys sit beside the indices, so the sort reads an outcome only
    // when two keys are equal. Copies of one outcome id are ordered by
    // their content, so the copy that counts does not depend on the input
    // order. Outcomes that compare equal have the same JSON form, so which
    // of them comes first changes nothing, and an unstable sort is enough.
    // With a `u32` index the key takes 24 bytes, where an id as a `u128`
    // would align it to 16 bytes and a reference would make it 32.
    let mut keyed: Vec<SortKey<I>> = outcomes
        .iter()
        .enumerate()
        .filter_map(|(index, outcome)| {
            let index = I::try_from(index).ok()?;
            Some((outcome.occurred_on, id_key(outcome.id), index))
        })
        .collect();
    let outcome = |index: I| index.try_into().ok().and_then(|index| outcomes.get(index));
    // The sort compares the keys only, which lets the comparison be inlined
    // into it, and the few runs of equal date and id (copies of one
    // outcome id) are then sorted by content.
    let key = |&(date, id, _): &SortKey<I>| (date, id);
    #[cfg(feature = "parallel")]
    rayon::slice::ParallelSliceMut::par_sort_unstable_by_key(&mut keyed[..], key);
    #[cfg(not(feature = "parallel"))]
    keyed.sort_unstable_by_key(key);
    for run in keyed.chunk_by_mut(|a, b| key(a) == key(b)) {
        if run.len() > 1 {
            run.sort_by_cached_key(|&(_, _, index)| {
                outcome(index).map(|outcome| outcome.to_json().to_string())
            });
        }
    }
    // A fresh vector a third the size of the keyed one (with `u32`
    // indices), which is freed here. Collecting in place would keep the
    // keyed allocation to the end.
    keyed
        .iter()
        .filter_map(|&(_, _, index)| outcome(index))
        .collect()
}

/// Returns `id` as two numbers that order ids as their bytes do. Sorts
/// compare them inline, where comparing the ids themselves calls `memcmp`.
fn id_key(id: OutcomeId) -> (u64, u64) {
    id.uuid().as_u64_pair()
}

/// The lookups that every part of a computation shares.
struct Lookup<'a> {
    learners: Option<FxHashSet<LearnerId>>,
    courses: FxHashMap<CourseId, &'a Course>,
    /// The learner and course of every course completion, including
    /// completions skipped later (as repeated copies, for example).
    completions: FxHashSet<(LearnerId, CourseId)>,
}

impl<'a> Lookup<'a> {
    fn new(context: &'a CreditContext, outcomes: &[&Outcome]) -> Self {
        // Hash lookups are faster than the context's ordered maps here.
        // Nothing iterates over these sets, so their order cannot change
        // the result.
        Self {
            learners: context
                .learners
                .as_ref()
                .map(|learners| learners.iter().copied().collect()),
            courses: context
                .courses
                .iter()
                .map(|(&id, course)| (id, course))
                .collect(),
            completions: outcomes
                .iter()
                .filter(|outcome| outcome.kind == OutcomeKind::CourseCompletion)
                .filter_map(|outcome| outcome.course_id.map(|course| (outcome.learner_id, course)))
                .collect(),
        }
    }
}

/// An outcome that is not a repeated copy of an earlier one, and its
/// position among all outcomes in date order.
#[derive(Clone, Copy)]
struct Item<'a> {
    position: usize,
    outcome: &'a Outcome,
}

/// The results of the steps after the check for repeated outcome ids for
/// a set of learners. Each list of skipped outcomes belongs to one step,
/// because [`Computation::skipped`] lists them step after step.
#[derive(Default)]
struct Part {
    /// Outcomes skipped before or by the rules' matches and gates, with
    /// their positions in date order.
    matching: Vec<(usize, Skipped)>,
    /// Outcomes past a daily minutes limit, with their positions in date
    /// order.
    limited: Vec<(usize, Skipped)>,
    /// Units rounded to zero or below the minimum award, in unit order
    /// (learner first).
    rounded: Vec<Skipped>,
    /// Units of worse attempts of a course or certificate, in learner
    /// order.
    duplicates: Vec<Skipped>,
    /// Banked units, in learner order.
    banked: Vec<Skipped>,
    /// The accruals, ordered by learner, date and source.
    accruals: Vec<Accrual>,
}

impl Part {
    fn shrink_to_fit(&mut self) {
        self.matching.shrink_to_fit();
        self.limited.shrink_to_fit();
        self.rounded.shrink_to_fit();
        self.duplicates.shrink_to_fit();
        self.banked.shrink_to_fit();
        self.accruals.shrink_to_fit();
    }
}

/// Credits outcomes sorted by [`sort_outcomes`], and returns the accruals
/// and the skipped outcomes in the order [`Computation`] lists them.
fn credit_sorted(
    rule_set: &RuleSet,
    context: &CreditContext,
    sorted: Vec<&Outcome>,
) -> Result<(Vec<Accrual>, Vec<Skipped>), Problem> {
    // Neither reads what the other makes, so they run at the same time.
    let (lookup, (copies, items)) =
        super::pool::join(|| Lookup::new(context, &sorted), || split_copies(&sorted));
    // The items refer to the outcomes themselves, so the sorted references
    // are freed before the parts allocate.
    drop(sorted);
    let parts = parts::credit_all(rule_set, context, &lookup, items)?;
    Ok(parts::join(copies, parts))
}

/// Skips every copy of an outcome id after the first in date order, and
/// returns those skips with their positions, and the other outcomes.
fn split_copies<'a>(sorted: &[&'a Outcome]) -> (Vec<(usize, Skipped)>, Vec<Item<'a>>) {
    // Only ids that occur more than once need remembering.
    let repeated = repeated_ids(sorted);
    let mut seen = FxHashSet::default();
    let mut copies = Vec::new();
    let mut items = Vec::with_capacity(sorted.len());
    for (position, &outcome) in sorted.iter().enumerate() {
        if repeated.contains(&outcome.id) && !seen.insert(outcome.id) {
            copies.push((position, skip(outcome, None, SkipReason::DuplicateOutcome)));
        } else {
            items.push(Item { position, outcome });
        }
    }
    (copies, items)
}

/// Runs every step after the check for repeated outcome ids on `items`,
/// which hold every outcome of their learners. Only the order of each
/// learner's items matters: it must be their order by date.
fn credit_part<'a>(
    rule_set: &RuleSet,
    context: &'a CreditContext,
    lookup: &Lookup<'a>,
    items: &[Item<'a>],
) -> Result<Part, Problem> {
    let mut part = Part::default();
    let mut candidates = match_outcomes(rule_set, context, lookup, items, &mut part.matching);
    apply_daily_limits(rule_set, &mut candidates, &mut part.limited);
    let mut units = build_units(rule_set, candidates)?;
    units.retain(|unit| rounded_enough(rule_set, unit, &mut part.rounded));
    let units = deduplicate(rule_set, units, &mut part.duplicates)?;
    let mut accruals = apply_caps(rule_set, context, units, &mut part.banked)?;
    check_totals(&accruals)?;
    sort_per_learner(
        &mut accruals,
        |accrual| accrual.learner_id,
        |accruals| {
            accruals.sort_by(|a, b| {
                (
                    a.learner_id,
                    a.occurred_on,
                    &a.source,
                    &a.category,
                    &a.rule_id,
                    a.kind,
                )
                    .cmp(&(
                        b.learner_id,
                        b.occurred_on,
                        &b.source,
                        &b.category,
                        &b.rule_id,
                        b.kind,
                    ))
            });
        },
    );
    part.accruals = accruals;
    // The parts' results wait for the last part to end, so their spare
    // capacity would add up over every part.
    part.shrink_to_fit();
    Ok(part)
}

/// Sorts `items` with `sort`, which must order them by `learner` first.
/// Items already in learner order are sorted one learner at a time, which
/// gives the same order with far fewer comparisons. The items of a part
/// come in learner order, because [`parts::credit_all`] splits the items
/// by learner.
fn sort_per_learner<T>(
    items: &mut [T],
    learner: impl Fn(&T) -> LearnerId,
    sort: impl Fn(&mut [T]),
) {
    if items.is_sorted_by_key(&learner) {
        for run in items.chunk_by_mut(|a, b| learner(a) == learner(b)) {
            sort(run);
        }
    } else {
        sort(items);
    }
}

/// Checks that every learner's accruals add up to an amount that fits, so
/// that [`Computation::total_for`] never overflows.
fn check_totals(accruals: &[Accrual]) -> Result<(), Problem> {
    let mut totals: BTreeMap<LearnerId, Credits> = BTreeMap::new();
    for accrual in accruals {
        let total = totals.entry(accrual.learner_id).or_default();
        *total = total
            .checked_add(accrual.amount)
            .ok_or_else(|| overflow(accrual.learner_id, &accrual.source))?;
    }
    Ok(())
}

fn skip(outcome: &Outcome, rule: Option<&Rule>, reason: SkipReason) -> Skipped {
    Skipped {
        learner_id: outcome.learner_id,
        outcome_ids: vec![outcome.id],
        rule_id: rule.map(|rule| rule.id.clone()),
        reason,
        amount: None,
        credited_instead: None,
    }
}

fn match_outcomes<'a>(
    rule_set: &RuleSet,
    context: &'a CreditContext,
    lookup: &Lookup<'a>,
    items: &[Item<'a>],
    skipped: &mut Vec<(usize, Skipped)>,
) -> Vec<Candidate<'a>> {
    let mut matched: FxHashMap<(OutcomeKind, Role, Option<CourseId>), Option<usize>> =
        FxHashMap::default();
    let mut candidates = Vec::with_capacity(items.len());
    for &Item { position, outcome } in items {
        if lookup
            .learners
            .as_ref()
            .is_some_and(|learners| !learners.contains(&outcome.learner_id))
        {
            skipped.push((position, skip(outcome, None, SkipReason::UnknownLearner)));
            continue;
        }
        let course = match outcome.course_id {
            Some(id) => match lookup.courses.get(&id).copied() {
                Some(course) => Some(course),
                None => {
                    skipped.push((position, skip(outcome, None, SkipReason::UnknownCourse)));
                    continue;
                }
            },
            None => None,
        };
        if context
            .recorded_on
            .is_some_and(|recorded_on| outcome.occurred_on > recorded_on)
        {
            skipped.push((
                position,
                skip(outcome, None, SkipReason::AfterRecordingDate),
            ));
            continue;
        }
        if !rule_set.is_effective_on(outcome.occurred_on) {
            skipped.push((
                position,
                skip(outcome, None, SkipReason::OutsideEffectivePeriod),
            ));
            continue;
        }
        let category = outcome
            .details()
            .category
            .as_ref()
            .or_else(|| course.map(|course| &course.category));
        let first_match = || {
            rule_set
                .rules
                .iter()
                .position(|rule| rule_matches(rule, context, outcome, course, category))
        };
        // Without a category of its own, an outcome's match depends only on
        // its kind, its role and its course, so it is looked up once for each
        // of them. Matching a category compares taxonomy keys as text.
        let found = if outcome.details().category.is_none() {
            *matched
                .entry((outcome.kind, outcome.role, outcome.course_id))
                .or_insert_with(first_match)
        } else {
            first_match()
        };
        let Some(index) = found else {
            skipped.push((position, skip(outcome, None, SkipReason::NoMatchingRule)));
            continue;
        };
        let rule = &rule_set.rules[index];
        let minutes = outcome.minutes.unwrap_or(0);
        let gate_failure = if rule.gates.min_minutes.is_some_and(|min| minutes < min) {
            Some(SkipReason::BelowMinMinutes)
        } else if rule.gates.completion_required
            && !outcome
                .course_id
                .is_some_and(|course| lookup.completions.contains(&(outcome.learner_id, course)))
        {
            Some(SkipReason::CompletionMissing)
        } else if rule.gates.evidence_required
            && outcome
                .details()
                .evidence
                .as_deref()
                .is_none_or(|text| text.trim().is_empty())
        {
            Some(SkipReason::EvidenceMissing)
        } else if rule.gates.passed_required && outcome.details().passed != Some(true) {
            Some(SkipReason::NotPassed)
        } else {
            None
        };
        if let Some(reason) = gate_failure {
            skipped.push((position, skip(outcome, Some(rule), reason)));
            continue;
        }
        let mut table_amount = None;
        match &rule.formula {
            Formula::CourseCreditValue
                if course.and_then(|course| course.credit_value).is_none() =>
            {
                skipped.push((
                    position,
                    skip(outcome, Some(rule), SkipReason::MissingCreditValue),
                ));
                continue;
            }
            Formula::Table { key, entries } => {
                match table_key(*key, outcome).and_then(|key| entries.get(&key)) {
                    Some(amount) => table_amount = Some(*amount),
                    None => {
                        skipped.push((
                            position,
                            skip(outcome, Some(rule), SkipReason::NoTableEntry),
                        ));
                        continue;
                    }
                }
            }
            _ => {}
        }
        candidates.push(Candidate {
            outcome,
            position,
            rule: index,
            category,
            course,
            raw_minutes: minutes,
            minutes,
            table_amount,
        });
    }
    candidates
}

/// Finds the ids that occur in more than one of `outcomes`.
fn repeated_ids(outcomes: &[&Outcome]) -> FxHashSet<OutcomeId> {
    let mut ids: Vec<(u64, u64)> = outcomes.iter().map(|outcome| id_key(outcome.id)).collect();
    #[cfg(feature = "parallel")]
    rayon::slice::ParallelSliceMut::par_sort_unstable(&mut ids[..]);
    #[cfg(not(feature = "parallel"))]
    ids.sort_unstable();
    ids.windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| OutcomeId(uuid::Uuid::from_u64_pair(pair[0].0, pair[0].1)))
        .collect()
}

fn rule_matches(
    rule: &Rule,
    context: &CreditContext,
    outcome: &Outcome,
    course: Option<&Course>,
    category: Option<&Category>,
) -> bool {
    let matcher = &rule.matcher;
    if !matcher.kinds.is_empty() && !matcher.kinds.contains(&outcome.kind) {
        return false;
    }
    if matcher.role.is_some_and(|role| role != outcome.role) {
        return false;
    }
    if !context.under_any(category, &matcher.categories) {
        return false;
    }
    if !matcher.provider_tiers.is_empty() {
        let tier = course.and_then(|course| context.provider_tier(course));
        if !tier.is_some_and(|tier| matcher.provider_tiers.contains(&tier)) {
            return false;
        }
    }
    if let Some(declared) = matcher.declared_credit_value {
        let has_value = course.is_some_and(|course| course.credit_value.is_some());
        if course.is_none() || has_value != declared {
            return false;
        }
    }
    true
}

/// The key a table formula looks up for `outcome`.
pub(crate) fn table_key(key: TableKey, outcome: &Outcome) -> Option<String> {
    match key {
        TableKey::CertificateLevel => outcome
            .details()
            .certificate_level
            .map(|level| level.to_string()),
        TableKey::Award => {
            let details = outcome.details();
            Some(award_key(details.award_scope?, details.award_rank?))
        }
    }
}

/// The table key of an award, such as `national.first`.
pub(crate) fn award_key(scope: AwardScope, rank: AwardRank) -> String {
    format!("{}.{}", scope.as_str(), rank.as_str())
}

/// The unit that a record's minutes or amount belong to, as the `source`
/// of an accrual names it.
///
/// Its order is the order of its text form: the variants are declared in
/// the order of their prefixes (`club:` < `course:` < `kind:` < `outcome:`
/// < `period:` < `resource:`, none a prefix of another), and ids order as
/// their hyphenated lowercase hexadecimal text does. So units keyed by it
/// come out as they would keyed by the text, without writing the text of
/// every record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Source<'a> {
    /// `club:<id>`.
    Club(ClubId),
    /// `course:<id>`.
    Course(CourseId),
    /// `kind:<kind>`.
    Kind(&'static str),
    /// `outcome:<id>`.
    Outcome(OutcomeId),
    /// `period:<start>/<end>` or `period:lifetime`, holding the text after
    /// `period:`.
    Period(String),
    /// `resource:<id>`.
    Resource(&'a str),
}

impl fmt::Display for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Club(id) => write!(f, "club:{id}"),
            Self::Course(id) => write!(f, "course:{id}"),
            Self::Kind(kind) => write!(f, "kind:{kind}"),
            Self::Outcome(id) => write!(f, "outcome:{id}"),
            Self::Period(window) => write!(f, "period:{window}"),
            Self::Resource(id) => write!(f, "resource:{id}"),
        }
    }
}

/// The course, club or resource an outcome's minutes belong to, for the
/// learner-and-course stage and the daily minutes limit.
fn subject(outcome: &Outcome) -> Source<'_> {
    if let Some(course) = outcome.course_id {
        Source::Course(course)
    } else if let Some(club) = outcome.club_id {
        Source::Club(club)
    } else if let Some(resource) = &outcome.details().resource_id {
        Source::Resource(resource)
    } else {
        Source::Kind(outcome.kind.as_str())
    }
}

fn apply_daily_limits<'a>(
    rule_set: &RuleSet,
    candidates: &mut Vec<Candidate<'a>>,
    skipped: &mut Vec<(usize, Skipped)>,
) {
    let mut used: BTreeMap<(LearnerId, usize, Source<'a>, NaiveDate), u32> = BTreeMap::new();
    // Candidates are cut and dropped in place, in order, so no second
    // vector of them is needed.
    candidates.retain_mut(|candidate| {
        let rule = &rule_set.rules[candidate.rule];
        let Some(limit) = rule.daily_minutes_limit else {
            return true;
        };
        let outcome = candidate.outcome;
        let key = (
            outcome.learner_id,
            candidate.rule,
            subject(outcome),
            outcome.occurred_on,
        );
        let so_far = used.entry(key).or_insert(0);
        let room = limit.saturating_sub(*so_far);
        candidate.minutes = candidate.raw_minutes.min(room);
        *so_far = so_far.saturating_add(candidate.minutes);
        if candidate.minutes == 0 && candidate.raw_minutes > 0 {
            let item = skip(outcome, Some(rule), SkipReason::DailyLimitReached);
            skipped.push((candidate.position, item));
            return false;
        }
        true
    });
}

fn unit_source<'a>(rule: &Rule, outcome: &'a Outcome) -> Source<'a> {
    match &rule.rounding.stage {
        Stage::Record => Source::Outcome(outcome.id),
        Stage::LearnerCourse => subject(outcome),
        Stage::Period(period) => {
            let window = period.window(outcome.occurred_on);
            match (window.start, window.end) {
                (None, None) => Source::Period("lifetime".to_owned()),
                (start, end) => Source::Period(format!(
                    "{}/{}",
                    start.map(super::rule::date_text).unwrap_or_default(),
                    end.map(super::rule::date_text).unwrap_or_default()
                )),
            }
        }
    }
}

fn build_units<'a>(
    rule_set: &RuleSet,
    candidates: Vec<Candidate<'a>>,
) -> Result<Vec<Unit<'a>>, Problem> {
    // The category is part of the key, so that every unit has exactly one
    // category and caps by category see every credited amount.
    type Key<'a> = (
        LearnerId,
        usize,
        OutcomeKind,
        bool,
        Source<'a>,
        Option<&'a Category>,
    );
    // Sorting the keys groups the records: units come out in the order of
    // their keys, and the members of a unit in the order of `candidates`,
    // because the position breaks ties.
    let mut keyed: Vec<(Key<'a>, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(position, candidate)| {
            let outcome = candidate.outcome;
            let key = (
                outcome.learner_id,
                candidate.rule,
                outcome.kind,
                outcome.banked,
                unit_source(&rule_set.rules[candidate.rule], outcome),
                candidate.category,
            );
            (key, position)
        })
        .collect();
    sort_per_learner(&mut keyed, |(key, _)| key.0, <[_]>::sort_unstable);
    // Each unit's members are a run of equal keys. Finding the runs first
    // gives the units and their members vectors of exactly the size
    // needed, with no spare capacity.
    let mut runs: Vec<usize> = Vec::new();
    for (index, pair) in keyed.windows(2).enumerate() {
        if pair[0].0 != pair[1].0 {
            runs.push(index + 1);
        }
    }
    if !keyed.is_empty() {
        runs.push(keyed.len());
    }
    let mut slots: Vec<Option<Candidate<'a>>> = candidates.into_iter().map(Some).collect();
    let mut units = Vec::with_capacity(runs.len());
    let mut keyed = keyed.into_iter();
    let mut start = 0;
    for end in runs {
        let len = end - start;
        start = end;
        let mut run = keyed.by_ref().take(len);
        let Some((key, position)) = run.next() else {
            continue;
        };
        let mut members: Vec<Candidate<'a>> = Vec::with_capacity(len);
        members.extend(slots[position].take());
        for (_, next) in run {
            members.extend(slots[next].take());
        }
        let (learner, rule_index, kind, banked, source, category) = key;
        let rule = &rule_set.rules[rule_index];
        let Some(occurred_on) = members.iter().map(|m| m.outcome.occurred_on).max() else {
            continue;
        };
        let mut unit = Unit {
            learner,
            rule: rule_index,
            kind,
            banked,
            source: source.to_string(),
            members,
            occurred_on,
            category: category.cloned(),
            unrounded: Exact::ZERO,
            amount: Credits::ZERO,
            already_banked: None,
        };
        let exact = unit_amount(rule, &unit);
        let rounded = exact.and_then(|exact| {
            exact
                .round(rule.rounding.mode, rule.rounding.quantum)
                .map(|amount| (exact, amount))
        });
        let Some((exact, amount)) = rounded else {
            return Err(unit.overflow());
        };
        unit.unrounded = exact;
        unit.amount = amount;
        units.push(unit);
    }
    Ok(units)
}

/// The exact amount of a unit, or `None` when it does not fit.
fn unit_amount(rule: &Rule, unit: &Unit<'_>) -> Option<Exact> {
    match &rule.formula {
        Formula::PerTime { minutes, credits } => Some(Exact::ratio(
            i128::from(unit.minutes()).checked_mul(i128::from(credits.hundredths()))?,
            i128::from(*minutes),
        )),
        Formula::Fixed { credits } => Some(Exact::credits(*credits)),
        Formula::PerEvent { credits } => {
            let events = i64::try_from(unit.members.len()).ok()?;
            Some(Exact::credits(credits.checked_mul(events)?))
        }
        Formula::CourseCreditValue => {
            let mut courses: BTreeMap<CourseId, Credits> = BTreeMap::new();
            for member in &unit.members {
                if let Some(course) = member.course
                    && let Some(value) = course.credit_value
                {
                    courses.insert(course.id, value);
                }
            }
            courses.values().try_fold(Exact::ZERO, |sum, value| {
                sum.checked_add(Exact::credits(*value))
            })
        }
        Formula::Table { .. } => unit
            .members
            .iter()
            .filter_map(|member| member.table_amount)
            .try_fold(Exact::ZERO, |sum, value| {
                sum.checked_add(Exact::credits(value))
            }),
    }
}

fn unit_skip(unit: &Unit<'_>, rule: &Rule, reason: SkipReason) -> Skipped {
    Skipped {
        learner_id: unit.learner,
        outcome_ids: unit.outcome_ids(),
        rule_id: Some(rule.id.clone()),
        reason,
        amount: Some(unit.amount),
        credited_instead: None,
    }
}

/// Whether a unit's rounded amount is worth crediting; reports it otherwise.
fn rounded_enough(rule_set: &RuleSet, unit: &Unit<'_>, skipped: &mut Vec<Skipped>) -> bool {
    let rule = &rule_set.rules[unit.rule];
    if unit.amount.is_zero() {
        skipped.push(unit_skip(unit, rule, SkipReason::RoundedToZero));
        return false;
    }
    if unit.amount < rule.rounding.minimum {
        skipped.push(unit_skip(unit, rule, SkipReason::BelowMinimum));
        return false;
    }
    true
}

/// The key under which a unit is credited once, if its rule de-duplicates.
fn dedup_key(rule: &Rule, unit: &Unit<'_>) -> Option<(Dedup, String)> {
    let first = unit.members.first()?;
    match rule.dedup {
        Dedup::Off => None,
        Dedup::Course => {
            let course = first.course?;
            let key = course.code.clone().unwrap_or_else(|| course.id.to_string());
            Some((Dedup::Course, key))
        }
        Dedup::CertificateCode => first
            .outcome
            .details()
            .certificate_code
            .clone()
            .map(|code| (Dedup::CertificateCode, code)),
    }
}

/// One attempt at a course or certificate: the units of one source, which
/// differ only in their category.
struct Attempt<'a> {
    banked: bool,
    source: String,
    units: Vec<Unit<'a>>,
    /// The sum of the units' amounts.
    amount: Credits,
}

impl Attempt<'_> {
    fn occurred_on(&self) -> Option<NaiveDate> {
        self.units.iter().map(|unit| unit.occurred_on).max()
    }

    fn minutes(&self) -> u64 {
        self.units.iter().map(|unit| unit.minutes()).sum()
    }
}

fn deduplicate<'a>(
    rule_set: &RuleSet,
    units: Vec<Unit<'a>>,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Unit<'a>>, Problem> {
    type Key = (LearnerId, Dedup, String);
    let mut kept: Vec<Unit<'a>> = Vec::with_capacity(units.len());
    let mut groups: BTreeMap<Key, BTreeMap<(bool, String), Vec<Unit<'a>>>> = BTreeMap::new();
    for unit in units {
        match dedup_key(&rule_set.rules[unit.rule], &unit) {
            Some((dedup, key)) => groups
                .entry((unit.learner, dedup, key))
                .or_default()
                .entry((unit.banked, unit.source.clone()))
                // Most attempts are one unit: a vector made by its first
                // push would hold room for four.
                .or_insert_with(|| Vec::with_capacity(1))
                .push(unit),
            None => kept.push(unit),
        }
    }
    for ((learner, _, _), by_source) in groups {
        let mut attempts: Vec<Attempt<'a>> = Vec::with_capacity(by_source.len());
        for ((banked, source), units) in by_source {
            let amount = units
                .iter()
                .try_fold(Credits::ZERO, |sum, unit| sum.checked_add(unit.amount))
                .ok_or_else(|| overflow(learner, &source))?;
            attempts.push(Attempt {
                banked,
                source,
                units,
                amount,
            });
        }
        // The best attempt: the highest amount, then the most credited
        // minutes, then the earliest.
        attempts.sort_by(|a, b| {
            b.amount
                .cmp(&a.amount)
                .then(b.minutes().cmp(&a.minutes()))
                .then(a.occurred_on().cmp(&b.occurred_on()))
                .then(a.source.cmp(&b.source))
        });
        let best_banked = attempts.iter().position(|attempt| attempt.banked);
        let best_new = attempts.iter().position(|attempt| !attempt.banked);
        let banked_amount = best_banked.map(|index| attempts[index].amount);
        let banked_source = best_banked.map(|index| attempts[index].source.clone());
        let new_wins = best_new
            .filter(|&new| banked_amount.is_none_or(|banked| banked < attempts[new].amount));
        let Some(credited) = new_wins.or(best_banked) else {
            continue;
        };
        let credited_source = attempts[credited].source.clone();
        for (position, attempt) in attempts.into_iter().enumerate() {
            if Some(position) == best_banked {
                kept.extend(attempt.units);
                continue;
            }
            if Some(position) == best_new && new_wins.is_some() {
                // The better attempt earns what the banked one did not: the
                // banked amount comes off its units in category order.
                let mut banked = banked_amount.unwrap_or(Credits::ZERO);
                for mut unit in attempt.units {
                    let deducted = banked.min(unit.amount);
                    banked -= deducted;
                    if !deducted.is_zero() {
                        unit.amount -= deducted;
                        unit.already_banked = Some(deducted);
                    }
                    if unit.amount.is_zero() {
                        let rule = &rule_set.rules[unit.rule];
                        let mut item = unit_skip(&unit, rule, SkipReason::Duplicate);
                        item.credited_instead = banked_source.clone();
                        skipped.push(item);
                    } else {
                        kept.push(unit);
                    }
                }
                continue;
            }
            for unit in attempt.units {
                let rule = &rule_set.rules[unit.rule];
                let mut item = unit_skip(&unit, rule, SkipReason::Duplicate);
                item.credited_instead = Some(credited_source.clone());
                skipped.push(item);
            }
        }
    }
    Ok(kept)
}

fn in_scope(cap: &Cap, context: &CreditContext, rule: &Rule, unit: &Unit<'_>) -> bool {
    let scope = &cap.scope;
    (scope.kinds.is_empty() || scope.kinds.contains(&unit.kind))
        && (scope.rules.is_empty() || scope.rules.contains(&rule.id))
        && context.under_any(unit.category.as_ref(), &scope.categories)
}

/// A granted amount, as a cap remembers it.
struct Granted {
    date: NaiveDate,
    amount: Credits,
    counted: bool,
    /// The course or certificate credited once, for de-duplicated rules:
    /// a banked attempt and the better attempt that tops it up count as one.
    key: Option<(Dedup, String)>,
}

/// The number of credited units among `granted`, counting the attempts of
/// one course or certificate once.
fn credited_count(granted: &[&Granted]) -> usize {
    let mut keys = BTreeSet::new();
    granted
        .iter()
        .filter(|g| g.counted)
        .filter(|g| g.key.as_ref().is_none_or(|key| keys.insert(key)))
        .count()
}

fn apply_caps(
    rule_set: &RuleSet,
    context: &CreditContext,
    mut units: Vec<Unit<'_>>,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Accrual>, Problem> {
    sort_per_learner(
        &mut units,
        |unit| unit.learner,
        |units| {
            units.sort_by(|a, b| {
                (
                    a.learner,
                    a.occurred_on,
                    &a.source,
                    &a.category,
                    &rule_set.rules[a.rule].id,
                )
                    .cmp(&(
                        b.learner,
                        b.occurred_on,
                        &b.source,
                        &b.category,
                        &rule_set.rules[b.rule].id,
                    ))
            });
        },
    );
    let mut history: BTreeMap<(LearnerId, usize), Vec<Granted>> = BTreeMap::new();
    // Each unit gives one accrual, or two when a cap cuts it.
    let mut accruals = Vec::with_capacity(units.len());
    for unit in units {
        let rule = &rule_set.rules[unit.rule];
        let key = dedup_key(rule, &unit);
        let mut granted = unit.amount;
        let mut binding: Option<(usize, Window)> = None;
        let mut scoped = Vec::new();
        for (index, cap) in rule_set.caps.iter().enumerate() {
            if !in_scope(cap, context, rule, &unit) {
                continue;
            }
            scoped.push(index);
            let window = cap.period.window(unit.occurred_on);
            let earlier = history.get(&(unit.learner, index));
            let counted = earlier
                .into_iter()
                .flatten()
                .filter(|g| window.contains(g.date));
            let room = match cap.limit {
                Limit::Amount(limit) => {
                    let used = counted
                        .map(|g| g.amount)
                        .try_fold(Credits::ZERO, Credits::checked_add)
                        .ok_or_else(|| unit.overflow())?;
                    (limit - used).max(Credits::ZERO)
                }
                Limit::Count(limit) => {
                    let counted: Vec<&Granted> = counted.collect();
                    // Another attempt of a course or certificate already
                    // counted takes no further place under the cap.
                    let same = key.is_some() && counted.iter().any(|g| g.counted && g.key == key);
                    if same || credited_count(&counted) < limit as usize {
                        unit.amount
                    } else {
                        Credits::ZERO
                    }
                }
            };
            if room < granted {
                granted = room;
                binding = Some((index, window));
            }
        }
        if binding.is_some() {
            granted = fit_to_rounding(granted, rule);
        }
        for index in scoped {
            history
                .entry((unit.learner, index))
                .or_default()
                .push(Granted {
                    date: unit.occurred_on,
                    amount: granted,
                    counted: !granted.is_zero(),
                    key: key.clone(),
                });
        }
        if unit.banked {
            let mut item = unit_skip(&unit, rule, SkipReason::Banked);
            item.amount = Some(granted);
            skipped.push(item);
            continue;
        }
        let basis = Basis {
            minutes: u32::try_from(unit.minutes()).map_err(|_| unit.overflow())?,
            raw_minutes: u32::try_from(unit.raw_minutes()).map_err(|_| unit.overflow())?,
            events: u32::try_from(unit.members.len()).unwrap_or(u32::MAX),
            unrounded: unit.unrounded.to_text(),
            rounded: unit.amount + unit.already_banked.unwrap_or(Credits::ZERO),
            already_banked: unit.already_banked,
        };
        let accrual = Accrual {
            kind: EntryKind::Accrue,
            learner_id: unit.learner,
            rule_id: rule.id.clone(),
            outcome_kind: unit.kind,
            category: unit.category.clone(),
            source: unit.source.clone(),
            outcome_ids: unit.outcome_ids(),
            occurred_on: unit.occurred_on,
            amount: granted,
            basis,
            expires_on: rule
                .validity_years
                .map(|years| expiry_date(unit.occurred_on, years)),
            cap: None,
        };
        if let Some((index, window)) = binding {
            let cap = &rule_set.caps[index];
            let mut capped = accrual.clone();
            capped.kind = EntryKind::Capped;
            capped.amount = Credits::ZERO;
            capped.expires_on = None;
            capped.cap = Some(Box::new(CapNote {
                id: cap.id.clone(),
                limit: cap.limit,
                period_start: window.start,
                period_end: window.end,
                excess: unit.amount - granted,
            }));
            if !granted.is_zero() {
                accruals.push(accrual);
            }
            accruals.push(capped);
        } else {
            accruals.push(accrual);
        }
    }
    Ok(accruals)
}

/// The part of `room` left under a cap that a rule may grant: rounded down
/// to the rule's quantum (rounding up would exceed the cap), and nothing
/// when that is below the rule's minimum award.
fn fit_to_rounding(room: Credits, rule: &Rule) -> Credits {
    let quantum = rule.rounding.quantum.hundredths().max(1);
    let fitted = Credits::from_hundredths(room.hundredths() / quantum * quantum);
    if fitted < rule.rounding.minimum {
        Credits::ZERO
    } else {
        fitted
    }
}

/// The first day on which credits earned on `date` are no longer valid:
/// `years` full years later. Credits earned on 29 February expire on
/// 1 March of a year without that day, because the last full year ends on
/// 28 February.
pub fn expiry_date(date: NaiveDate, years: u32) -> NaiveDate {
    let year = date
        .year()
        .saturating_add(i32::try_from(years).unwrap_or(i32::MAX));
    NaiveDate::from_ymd_opt(year, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    /// Ids that differ only in their first byte or only in their last, so
    /// that a key reading the bytes in the wrong order misplaces some.
    fn ids_differing_at_both_ends() -> Vec<Uuid> {
        let mut ids = Vec::new();
        for byte in [0x01_u8, 0x7f, 0x80, 0xff] {
            let mut first = [0_u8; 16];
            first[0] = byte;
            let mut last = [0_u8; 16];
            last[15] = byte;
            ids.extend([Uuid::from_bytes(first), Uuid::from_bytes(last)]);
        }
        ids
    }

    fn service_with(id: Uuid, learner: Uuid) -> Outcome {
        let value = serde_json::json!({
            "id": id.to_string(),
            "learner_id": learner.to_string(),
            "kind": "volunteer_service",
            "occurred_on": "2026-03-14",
            "minutes": 60,
        });
        Outcome::from_json(&value, &Path::root()).unwrap()
    }

    #[test]
    fn outcomes_sorted_and_repeats_found_by_id_bytes() {
        let ids = ids_differing_at_both_ends();
        let learner = Uuid::from_u128(7);
        let mut outcomes: Vec<Outcome> = ids.iter().map(|&id| service_with(id, learner)).collect();
        // The first and the last id once more.
        outcomes.push(service_with(ids[0], learner));
        outcomes.push(service_with(ids[7], learner));

        let sorted: Vec<OutcomeId> = sort_outcomes(&outcomes)
            .iter()
            .map(|outcome| outcome.id)
            .collect();
        let repeated = repeated_ids(&sort_outcomes(&outcomes));

        let mut expected: Vec<OutcomeId> = outcomes.iter().map(|outcome| outcome.id).collect();
        expected.sort();
        assert_eq!(sorted, expected);
        let expected_repeats: FxHashSet<OutcomeId> =
            [OutcomeId(ids[0]), OutcomeId(ids[7])].into_iter().collect();
        assert_eq!(repeated, expected_repeats);
    }

    #[test]
    fn sort_same_with_either_index() {
        let learner = Uuid::from_u128(7);
        let mut outcomes: Vec<Outcome> = ids_differing_at_both_ends()
            .into_iter()
            .map(|id| service_with(id, learner))
            .collect();
        // A copy of the last id with 120 minutes, which sorts before the one
        // with 60 by its JSON form.
        let mut copy = outcomes[7].clone();
        copy.minutes = Some(120);
        outcomes.push(copy);
        let order = |sorted: Vec<&Outcome>| -> Vec<(OutcomeId, Option<u32>)> {
            sorted
                .iter()
                .map(|outcome| (outcome.id, outcome.minutes))
                .collect()
        };
        let mut expected = order(outcomes.iter().collect());
        expected.sort_by_key(|&(id, minutes)| (id, minutes != Some(120)));

        assert_eq!(order(sort_by_index::<u32>(&outcomes)), expected);
        assert_eq!(order(sort_by_index::<usize>(&outcomes)), expected);
        assert_eq!(std::mem::size_of::<SortKey<u32>>(), 24);
    }

    #[test]
    fn copies_of_one_id_sorted_by_content() {
        let id = Uuid::from_u128(0x5eed);
        let learner = Uuid::from_u128(7);
        let mut longer = service_with(id, learner);
        longer.minutes = Some(120);
        let shorter = service_with(id, learner);
        // The JSON form with 120 minutes comes first: "1" sorts before "6".
        for outcomes in [
            vec![shorter.clone(), longer.clone()],
            vec![longer.clone(), shorter.clone()],
        ] {
            let minutes: Vec<Option<u32>> = sort_outcomes(&outcomes)
                .iter()
                .map(|outcome| outcome.minutes)
                .collect();
            assert_eq!(minutes, [Some(120), Some(60)]);
        }
    }

    #[test]
    fn parts_split_learners_in_id_order() {
        let learners = ids_differing_at_both_ends();
        let outcomes: Vec<Outcome> = learners
            .iter()
            .enumerate()
            .map(|(index, &learner)| service_with(Uuid::from_u128(index as u128 + 1), learner))
            .collect();
        let sorted = sort_outcomes(&outcomes);
        let (_, mut items) = split_copies(&sorted);

        let ranges = parts::split_by_learner(&mut items, 3);

        let found: Vec<LearnerId> = items.iter().map(|item| item.outcome.learner_id).collect();
        let mut expected: Vec<LearnerId> = learners.into_iter().map(LearnerId).collect();
        expected.sort();
        assert_eq!(found, expected);
        assert_eq!(ranges.last().map(|range| range.end), Some(items.len()));
    }

    #[test]
    fn source_order_is_text_order() {
        let low = Uuid::from_u128(0x09);
        let high = Uuid::from_u128(0x0a);
        let top = Uuid::from_u128(0xf000_0000_0000_0000_0000_0000_0000_0000);
        let sources = vec![
            Source::Resource("video-2"),
            Source::Period("lifetime".to_owned()),
            Source::Period("2026-01-01/2026-12-31".to_owned()),
            Source::Period("/2026-12-31".to_owned()),
            Source::Outcome(OutcomeId(top)),
            Source::Outcome(OutcomeId(low)),
            Source::Kind("volunteer_service"),
            Source::Kind("award"),
            Source::Course(CourseId(high)),
            Source::Course(CourseId(low)),
            Source::Club(ClubId(top)),
            Source::Resource("video-10"),
        ];
        let mut by_key = sources.clone();
        by_key.sort();
        let texts: Vec<String> = by_key.iter().map(ToString::to_string).collect();
        let mut by_text = texts.clone();
        by_text.sort();
        assert_eq!(texts, by_text);
        assert_eq!(texts[0], "club:f0000000-0000-0000-0000-000000000000");
        assert_eq!(texts[1], "course:00000000-0000-0000-0000-000000000009");
        assert_eq!(texts[2], "course:00000000-0000-0000-0000-00000000000a");
        assert_eq!(texts[7], "period:/2026-12-31");
        assert_eq!(texts[9], "period:lifetime");
        assert_eq!(texts[11], "resource:video-2");
    }

    proptest::proptest! {
        #[test]
        fn sort_per_learner_matches_stable_sort(
            pairs in proptest::collection::vec((0usize..4, 0u8..3), 0..60),
            grouped in proptest::bool::ANY,
        ) {
            let learners: Vec<LearnerId> = (0..4)
                .map(|n| LearnerId::derive("test", &n.to_string()))
                .collect();
            // Each item carries its input position, which the comparison
            // ignores, so the items with equal keys stay in input order only
            // when every run is sorted stably.
            let mut items: Vec<(LearnerId, u8, usize)> = pairs
                .iter()
                .enumerate()
                .map(|(position, &(learner, key))| (learners[learner], key, position))
                .collect();
            if grouped {
                items.sort_by_key(|item| item.0);
            }
            let compare = |a: &(LearnerId, u8, usize), b: &(LearnerId, u8, usize)| {
                (a.0, a.1).cmp(&(b.0, b.1))
            };
            let mut expected = items.clone();
            expected.sort_by(compare);
            let mut found = items;
            sort_per_learner(&mut found, |item| item.0, |run| run.sort_by(compare));
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn sort_per_learner_matches_one_sort() {
        let learners: Vec<LearnerId> = (0..5)
            .map(|n| LearnerId::derive("test", &n.to_string()))
            .collect();
        // Pairs of a learner and a value, with the values of each learner
        // out of order: first grouped by learner in learner order, then not.
        let mut grouped: Vec<(LearnerId, u32)> = Vec::new();
        let mut sorted_learners = learners.clone();
        sorted_learners.sort();
        for (index, learner) in sorted_learners.iter().enumerate() {
            for value in [7, 3, 9, 3, 1] {
                grouped.push((*learner, value * (index as u32 + 1)));
            }
        }
        let mut scattered: Vec<(LearnerId, u32)> = (0..25)
            .map(|n| (learners[n * 3 % 5], (n * 7 % 11) as u32))
            .collect();
        scattered.swap(0, 24);

        for items in [grouped, scattered] {
            let mut expected = items.clone();
            expected.sort_unstable();
            let mut found = items;
            sort_per_learner(&mut found, |&(learner, _)| learner, <[_]>::sort_unstable);
            assert_eq!(found, expected);
        }
    }

    #[test]
    fn repeated_ids_lists_each_once() {
        let make = |id: &str| {
            Outcome::from_json(
                &serde_json::json!({
                    "id": id,
                    "learner_id": "20000000-0000-4000-8000-000000000001",
                    "kind": "volunteer_service",
                    "occurred_on": "2026-03-14",
                    "minutes": 60,
                }),
                &Path::root(),
            )
            .unwrap()
        };
        let a = make("00000000-0000-4000-8000-00000000000a");
        let b = make("00000000-0000-4000-8000-00000000000b");
        let c = make("00000000-0000-4000-8000-00000000000c");
        let outcomes = [&c, &a, &b, &c, &a, &c];
        let repeated = repeated_ids(&outcomes);
        assert_eq!(repeated.len(), 2);
        assert!(repeated.contains(&a.id));
        assert!(repeated.contains(&c.id));
        assert!(!repeated.contains(&b.id));
    }

    #[test]
    fn expiry_of_leap_day() {
        let leap = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(
            expiry_date(leap, 1),
            NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()
        );
        assert_eq!(
            expiry_date(leap, 4),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
    }

    fn service(id: u128, category: Option<&str>) -> Outcome {
        let mut value = serde_json::json!({
            "id": Uuid::from_u128(id).to_string(),
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "kind": "volunteer_service",
            "occurred_on": "2026-03-14",
            "minutes": 120,
        });
        if let Some(category) = category {
            value["category"] = serde_json::json!(category);
        }
        Outcome::from_json(&value, &Path::root()).unwrap()
    }

    #[test]
    fn own_category_decides_rule_match() {
        let mut rules = super::super::presets::community();
        let volunteer = rules
            .rules
            .iter()
            .position(|rule| rule.id == "volunteer_service")
            .unwrap();
        let mut tai_chi = rules.rules[volunteer].clone();
        tai_chi.id = "volunteer_tai_chi".to_owned();
        tai_chi.matcher.categories = vec![Category::new("tai_chi").unwrap()];
        rules.rules.insert(0, tai_chi);
        // The outcomes have the same kind and role and no course, so only
        // their categories differ. Those with a category come before and
        // after one without.
        let outcomes = [
            service(1, Some("tai_chi")),
            service(2, None),
            service(3, Some("tai_chi")),
            service(4, None),
        ];

        let computation = compute_credits(&rules, &CreditContext::default(), &outcomes).unwrap();

        let rule_of = |id: u128| {
            let source = format!("outcome:{}", Uuid::from_u128(id));
            computation
                .accruals
                .iter()
                .find(|accrual| accrual.source == source)
                .map(|accrual| accrual.rule_id.as_str())
        };
        assert_eq!(rule_of(1), Some("volunteer_tai_chi"));
        assert_eq!(rule_of(2), Some("volunteer_service"));
        assert_eq!(rule_of(3), Some("volunteer_tai_chi"));
        assert_eq!(rule_of(4), Some("volunteer_service"));
    }
}
