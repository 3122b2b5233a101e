//! Splitting a computation into parts by learner, and joining the parts.
//!
//! Every step after the check for repeated outcome ids reads and writes the
//! outcomes of one learner at a time: daily limits, units, de-duplication
//! and caps are all kept per learner. So the learners can be split into
//! parts of consecutive ids, each part computed on its own (on the rayon
//! thread pool with the `parallel` feature), and the results joined in the
//! order one part covering every learner gives.

use std::ops::Range;

use crate::problem::Problem;

use super::super::pool;
use super::{Accrual, CreditContext, Item, Lookup, Part, RuleSet, Skipped, credit_part};

/// The number of parts per thread of the pool. More parts than threads let
/// a thread that finishes early take another part.
const PARTS_PER_THREAD: usize = 4;

/// The number of items above which a computation runs in more than one
/// part, even on one thread. A part's temporaries (its candidates, unit
/// keys and units) take a few hundred bytes per item and live until the
/// part ends, so a bound on the part bounds them at any input size.
const MAX_PART_ITEMS: usize = 1 << 16;

/// Runs every step after the check for repeated outcome ids on `items`, in
/// date order, in as many parts as [`part_count`] gives: on the rayon
/// thread pool when the `parallel` feature is on, else one after another.
pub(super) fn credit_all<'a>(
    rule_set: &RuleSet,
    context: &'a CreditContext,
    lookup: &Lookup<'a>,
    items: Vec<Item<'a>>,
) -> Result<Vec<Part>, Problem> {
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads();
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    let count = part_count(items.len(), threads);
    if count > 1 {
        return credit_in_parts(rule_set, context, lookup, items, count);
    }
    Ok(vec![credit_part(rule_set, context, lookup, &items)?])
}

/// Returns the number of parts for `items` items on `threads` threads:
/// enough to keep every thread busy, and enough for about
/// [`MAX_PART_ITEMS`] items or fewer in each. A part ends only between two
/// learners, so one learner's items can make a part a little larger.
fn part_count(items: usize, threads: usize) -> usize {
    let for_threads = if threads > 1 {
        threads * PARTS_PER_THREAD
    } else {
        1
    };
    items.div_ceil(MAX_PART_ITEMS).max(for_threads)
}

/// Splits `items` (in date order) into about `count` parts by learner and
/// computes each part.
///
/// When a part fails, the whole computation runs again as one part, so
/// that the error is the one that one part would report. A part stops at
/// its own first error, which is not always the first over every learner
/// and step. Errors only come from amounts too large for [`Credits`], so
/// runs without them never compute anything twice.
///
/// [`Credits`]: crate::decimal::Credits
fn credit_in_parts<'a>(
    rule_set: &RuleSet,
    context: &'a CreditContext,
    lookup: &Lookup<'a>,
    mut items: Vec<Item<'a>>,
    count: usize,
) -> Result<Vec<Part>, Problem> {
    // NOTE: with glibc's malloc each pool thread frees its part's
    // temporaries into its own arena, which kept 30 to 40 MB more resident
    // in a 1x district run (873 to 883 MB peak against 843 MB in one part,
    // 827 MB with MALLOC_ARENA_MAX=1).
    let ranges = split_by_learner(&mut items, count);
    let compute =
        |range: &Range<usize>| credit_part(rule_set, context, lookup, &items[range.clone()]);
    #[cfg(feature = "parallel")]
    let results: Vec<Result<Part, Problem>> = {
        use rayon::prelude::*;
        ranges.par_iter().map(compute).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let results: Vec<Result<Part, Problem>> = ranges.iter().map(compute).collect();
    match results.into_iter().collect() {
        Ok(parts) => Ok(parts),
        Err(_) => {
            // Positions are unique, so this restores the date order.
            items.sort_unstable_by_key(|item| item.position);
            Ok(vec![credit_part(rule_set, context, lookup, &items)?])
        }
    }
}

/// Orders `items` by learner and then by position, and returns about
/// `count` ranges of about equal size that each hold every item of
/// consecutive learners.
pub(super) fn split_by_learner(items: &mut [Item<'_>], count: usize) -> Vec<Range<usize>> {
    // Each item's learner is copied beside it, so that comparing two items
    // reads no outcome. The outcomes lie in another order, and reading them
    // took most of the sort's time. Positions are unique, so the order is
    // complete and an unstable sort gives the same order every time.
    // The learner is kept as a number, which orders ids as their bytes do
    // and compares without a call to `memcmp`.
    let mut keyed: Vec<(u128, Item<'_>)> = items
        .iter()
        .map(|item| (item.outcome.learner_id.uuid().as_u128(), *item))
        .collect();
    let key = |&(learner, item): &(u128, Item<'_>)| (learner, item.position);
    #[cfg(feature = "parallel")]
    rayon::slice::ParallelSliceMut::par_sort_unstable_by_key(&mut keyed[..], key);
    #[cfg(not(feature = "parallel"))]
    keyed.sort_unstable_by_key(key);
    for (slot, (_, item)) in items.iter_mut().zip(keyed) {
        *slot = item;
    }
    let size = items.len().div_ceil(count.max(1)).max(1);
    let mut ranges = Vec::with_capacity(count);
    let mut start = 0;
    for index in 1..items.len() {
        // A part ends only between two learners.
        let learner = items[index].outcome.learner_id;
        if index - start >= size && learner != items[index - 1].outcome.learner_id {
            ranges.push(start..index);
            start = index;
        }
    }
    if start < items.len() {
        ranges.push(start..items.len());
    }
    ranges
}

/// Joins the skipped copies of repeated outcome ids (with their positions
/// in date order) and the parts, in learner order, into the accruals and
/// skipped outcomes of the whole computation.
///
/// The skipped outcomes are listed step after step. The first two steps
/// (matching rules, then daily limits) list outcomes in date order, so
/// their lists are merged by position. The later steps list units in
/// learner order, so their lists are joined part after part, as are the
/// accruals.
pub(super) fn join(
    copies: Vec<(usize, Skipped)>,
    mut parts: Vec<Part>,
) -> (Vec<Accrual>, Vec<Skipped>) {
    // The two lists are independent, so they are joined at the same time.
    let accruals: Vec<Vec<Accrual>> = parts
        .iter_mut()
        .map(|part| std::mem::take(&mut part.accruals))
        .collect();
    let (skipped, accruals) =
        pool::join(|| join_skipped(copies, parts), || join_accruals(accruals));
    (accruals, skipped)
}

/// Joins the skipped outcomes of [`join`].
fn join_skipped(copies: Vec<(usize, Skipped)>, mut parts: Vec<Part>) -> Vec<Skipped> {
    // Every list goes into one vector of the final length, and each part's
    // list is freed as soon as it is moved, so the lists are never held
    // twice. The positions of the later steps are not read.
    let total = copies.len()
        + parts
            .iter()
            .map(|part| {
                part.matching.len()
                    + part.limited.len()
                    + part.rounded.len()
                    + part.duplicates.len()
                    + part.banked.len()
            })
            .sum::<usize>();
    let mut joined: Vec<(usize, Skipped)> = Vec::with_capacity(total);
    joined.extend(copies);
    for part in &mut parts {
        joined.extend(std::mem::take(&mut part.matching));
    }
    let matching_end = joined.len();
    for part in &mut parts {
        joined.extend(std::mem::take(&mut part.limited));
    }

    // These steps skip each outcome at most once (each skip ends the
    // outcome's pass through them), so positions are unique and the order
    // does not depend on the sort.
    let (matching, limited) = joined.split_at_mut(matching_end);
    pool::join(
        || matching.sort_unstable_by_key(|&(position, _)| position),
        || limited.sort_unstable_by_key(|&(position, _)| position),
    );

    for part in &mut parts {
        append_unsorted(&mut joined, &mut part.rounded);
    }
    for part in &mut parts {
        append_unsorted(&mut joined, &mut part.duplicates);
    }
    for part in &mut parts {
        append_unsorted(&mut joined, &mut part.banked);
    }
    without_positions(joined)
}

/// Drops the positions of `joined`, keeping its allocation.
fn without_positions(joined: Vec<(usize, Skipped)>) -> Vec<Skipped> {
    // The standard library (1.95) collects this in place, because a
    // `Skipped` is smaller than the pair and aligned alike. The test
    // `positions_dropped_in_place` fails if a later version does not.
    joined.into_iter().map(|(_, item)| item).collect()
}

/// Moves `items` to the end of `joined`, with a position that is not read,
/// and frees their allocation.
fn append_unsorted(joined: &mut Vec<(usize, Skipped)>, items: &mut Vec<Skipped>) {
    joined.extend(std::mem::take(items).into_iter().map(|item| (0, item)));
}

/// Joins the accruals of the parts, part after part.
fn join_accruals(parts: Vec<Vec<Accrual>>) -> Vec<Accrual> {
    let mut accruals = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for mut part in parts {
        accruals.append(&mut part);
    }
    accruals
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use chrono::{Days, NaiveDate};
    use serde_json::json;

    use super::super::{SkipReason, compute_credits, sort_outcomes, split_copies};
    use super::*;
    use crate::credit::{EntryKind, presets};
    use crate::model::{Course, Outcome, Taxonomy, Venue};
    use crate::problem::Path;
    use crate::record::Record;

    const VENUE: &str = "10000000-0000-4000-8000-000000000001";
    /// Two courses with one course code, so attempts of one are
    /// de-duplicated against the other.
    const COURSES: [&str; 2] = [
        "30000000-0000-4000-8000-000000000001",
        "30000000-0000-4000-8000-000000000002",
    ];
    const MISSING_COURSE: &str = "30000000-0000-4000-8000-0000000000ff";
    const CLUB: &str = "c0000000-0000-4000-8000-000000000001";
    const LEARNERS: u64 = 40;

    fn learner(index: u64) -> String {
        format!("20000000-0000-4000-8000-{index:012}")
    }

    fn context() -> CreditContext {
        let venue = Venue::from_json(
            &json!({"id": VENUE, "name": "District college", "tier": "district", "time_zone": "Asia/Shanghai"}),
            &Path::root(),
        )
        .unwrap();
        let courses = COURSES
            .iter()
            .map(|id| {
                Course::from_json(
                    &json!({"id": id, "title": "Tai chi", "code": "TC-1", "category": "tai_chi", "provider_venue_id": VENUE}),
                    &Path::root(),
                )
                .unwrap()
            })
            .collect();
        // The last two learners are left out, so their outcomes are skipped
        // as unknown.
        CreditContext::new(courses, vec![venue], Taxonomy::built_in())
            .with_learners(
                (0..LEARNERS - 2)
                    .map(|index| crate::id::LearnerId(learner(index).parse().unwrap())),
            )
            .with_recorded_on(NaiveDate::from_ymd_opt(2026, 6, 1).unwrap())
    }

    /// Outcomes of every kind the community rules credit, spread over
    /// learners and days by a fixed pseudo-random sequence, with repeated
    /// ids, banked results, unknown courses and dates after recording.
    fn outcomes(count: u64) -> Vec<Outcome> {
        let mut state: u64 = 0x2021;
        let mut next = move |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        let start = NaiveDate::from_ymd_opt(2025, 10, 1).unwrap();
        let mut outcomes = Vec::new();
        for index in 0..count {
            // Every 50th outcome repeats the id of an earlier one, for
            // another learner and day.
            let id = if index % 50 == 49 { index - 7 } else { index };
            let date = start + Days::new(next(260));
            let mut value = json!({
                "id": format!("90000000-0000-4000-8000-{id:012}"),
                "learner_id": learner(next(LEARNERS)),
                "occurred_on": date.to_string(),
                "banked": next(25) == 0,
            });
            let minutes = next(700);
            let fields = match next(7) {
                0 => json!({"kind": "volunteer_service", "minutes": minutes * 20}),
                1 => json!({"kind": "club_activity", "minutes": minutes, "club_id": CLUB}),
                2 => {
                    let course = match next(9) {
                        0 => MISSING_COURSE,
                        pick => COURSES[(pick % 2) as usize],
                    };
                    json!({"kind": "attendance", "minutes": minutes, "course_id": course})
                }
                3 => {
                    // Within eight days, so that one learner's videos often
                    // pass the daily minutes limit.
                    value["occurred_on"] = json!((start + Days::new(next(8))).to_string());
                    json!({"kind": "online_learning", "minutes": minutes / 4, "resource_id": format!("video-{}", next(2))})
                }
                4 => {
                    json!({"kind": "certificate", "certificate_code": format!("CERT-{}", next(3)), "certificate_level": next(5) + 1})
                }
                5 => json!({"kind": "teaching", "minutes": minutes, "role": "instructor"}),
                // No community rule credits an instructor's attendance.
                _ => {
                    json!({"kind": "attendance", "minutes": minutes, "course_id": COURSES[0], "role": "instructor"})
                }
            };
            for (key, field) in fields.as_object().unwrap() {
                value[key] = field.clone();
            }
            outcomes.push(Outcome::from_json(&value, &Path::root()).unwrap());
        }
        outcomes
    }

    #[test]
    fn parts_join_as_one_part() {
        let rules = presets::community();
        let context = context();
        let outcomes = outcomes(3000);
        let sorted = sort_outcomes(&outcomes);
        let lookup = Lookup::new(&context, &sorted);
        let (copies, items) = split_copies(&sorted);
        let one = credit_part(&rules, &context, &lookup, &items).unwrap();
        let (accruals, skipped) = join(copies.clone(), vec![one]);

        // The data must reach every step that skips or caps, or the
        // comparisons below would not test the joining of that step.
        let reasons: BTreeSet<SkipReason> = skipped.iter().map(|item| item.reason).collect();
        let count = |reason| skipped.iter().filter(|item| item.reason == reason).count();
        assert!(count(SkipReason::DailyLimitReached) > 10);
        assert!(count(SkipReason::DuplicateOutcome) > 10);
        for reason in [
            SkipReason::DuplicateOutcome,
            SkipReason::UnknownLearner,
            SkipReason::UnknownCourse,
            SkipReason::AfterRecordingDate,
            SkipReason::NoMatchingRule,
            SkipReason::DailyLimitReached,
            SkipReason::RoundedToZero,
            SkipReason::Duplicate,
            SkipReason::Banked,
        ] {
            assert!(
                reasons.contains(&reason),
                "no outcome skipped as {reason:?}"
            );
        }
        let capped = accruals
            .iter()
            .filter(|accrual| accrual.kind == EntryKind::Capped);
        assert!(capped.count() > 1);

        for count in [2, 3, 7, 64, 1000] {
            let parts = credit_in_parts(&rules, &context, &lookup, items.clone(), count).unwrap();
            assert!(parts.len() > 1, "{count} parts made only one");
            let (in_parts, skipped_in_parts) = join(copies.clone(), parts);
            assert_eq!(in_parts, accruals, "accruals in {count} parts");
            assert_eq!(
                skipped_in_parts, skipped,
                "skipped outcomes in {count} parts"
            );
        }
        // With the `parallel` feature and a pool of more than one thread,
        // this takes the path in parts.
        let computation = compute_credits(&rules, &context, &outcomes).unwrap();
        assert_eq!(computation.accruals, accruals);
        assert_eq!(computation.skipped, skipped);
    }

    #[cfg(feature = "parallel")]
    #[test]
    fn compute_same_on_pools_of_one_and_three() {
        let rules = presets::community();
        let context = context();
        let outcomes = outcomes(3000);
        let sorted = sort_outcomes(&outcomes);
        let lookup = Lookup::new(&context, &sorted);
        let (copies, items) = split_copies(&sorted);
        let one = credit_part(&rules, &context, &lookup, &items).unwrap();
        let (accruals, skipped) = join(copies, vec![one]);
        for threads in [1, 3] {
            let pool = crate::test_pool::pool(threads);
            let computation = pool
                .install(|| compute_credits(&rules, &context, &outcomes))
                .unwrap();
            assert_eq!(
                computation.accruals, accruals,
                "accruals on {threads} threads"
            );
            assert_eq!(computation.skipped, skipped, "skipped on {threads} threads");
        }
    }

    #[test]
    fn part_count_bounds_items_per_part() {
        assert_eq!(part_count(10, 1), 1);
        assert_eq!(part_count(MAX_PART_ITEMS, 1), 1);
        assert_eq!(part_count(MAX_PART_ITEMS + 1, 1), 2);
        assert_eq!(part_count(10 * MAX_PART_ITEMS, 1), 10);
        // Four parts per thread, unless more are needed for their size.
        assert_eq!(part_count(10, 2), 8);
        assert_eq!(part_count(10 * MAX_PART_ITEMS, 2), 10);
    }

    #[test]
    fn one_thread_splits_large_input() {
        // A tenth more outcomes than one part holds: after the copies of
        // repeated ids (one in fifty) leave, the items still need two parts.
        let rules = presets::community();
        let context = context();
        let outcomes = outcomes(MAX_PART_ITEMS as u64 * 11 / 10);
        let sorted = sort_outcomes(&outcomes);
        let lookup = Lookup::new(&context, &sorted);
        let (copies, items) = split_copies(&sorted);
        assert!(items.len() > MAX_PART_ITEMS);
        let one = credit_part(&rules, &context, &lookup, &items).unwrap();
        let (accruals, skipped) = join(copies.clone(), vec![one]);

        let in_parts = || credit_all(&rules, &context, &lookup, items.clone()).unwrap();
        #[cfg(feature = "parallel")]
        let parts = crate::test_pool::pool(1).install(in_parts);
        #[cfg(not(feature = "parallel"))]
        let parts = in_parts();
        assert_eq!(parts.len(), 2);
        let (accruals_in_parts, skipped_in_parts) = join(copies, parts);
        assert_eq!(accruals_in_parts, accruals);
        assert_eq!(skipped_in_parts, skipped);
    }

    #[test]
    fn positions_dropped_in_place() {
        let context = context();
        let outcomes = outcomes(3000);
        let sorted = sort_outcomes(&outcomes);
        let lookup = Lookup::new(&context, &sorted);
        let (copies, items) = split_copies(&sorted);
        let part = credit_part(&presets::community(), &context, &lookup, &items).unwrap();
        let (_, skipped) = join(copies, vec![part]);
        let joined: Vec<(usize, Skipped)> = skipped.iter().cloned().enumerate().collect();
        let allocation = joined.as_ptr().cast::<u8>();

        let stripped = without_positions(joined);
        // A new vector would start elsewhere, since `joined` was still
        // allocated while it was filled.
        assert_eq!(stripped.as_ptr().cast::<u8>(), allocation);
        assert_eq!(stripped, skipped);
    }

    #[test]
    fn parts_report_first_overflow() {
        // Two amounts of 60,000,000,000,000,000 credits overflow a
        // learner's total, or a unit when they are summed into one.
        // Learner 1 fails only at the check of totals, the last step.
        // Learner 2 fails when its unit is summed, an earlier step, so one
        // part reports learner 2 although learner 1 comes first.
        let rules = crate::credit::rule_set_from_json(
            &json!({
                "format": "xuetong.credit-rules/1",
                "id": "huge",
                "version": 1,
                "status": "published",
                "title": "Huge awards",
                "effective_from": "2020-01-01",
                "rules": [
                    {"id": "each", "match": {"kinds": ["volunteer_service"]},
                     "formula": {"type": "fixed", "credits": "60000000000000000.00"},
                     "rounding": {"mode": "down", "quantum": "0.01", "stage": "record"}},
                    {"id": "summed", "match": {"kinds": ["teaching"]},
                     "formula": {"type": "per_event", "credits": "60000000000000000.00"},
                     "rounding": {"mode": "down", "quantum": "0.01", "stage": "learner_course"}}
                ]
            }),
            &Path::root(),
        )
        .unwrap();
        let outcome = |id: u64, learner_index: u64, kind: &str| {
            let value = json!({
                "id": format!("90000000-0000-4000-8000-{id:012}"),
                "learner_id": learner(learner_index),
                "occurred_on": "2026-03-14",
                "kind": kind,
                "minutes": 60,
                "role": "instructor",
            });
            Outcome::from_json(&value, &Path::root()).unwrap()
        };
        let outcomes = [
            outcome(1, 1, "volunteer_service"),
            outcome(2, 1, "volunteer_service"),
            outcome(3, 2, "teaching"),
            outcome(4, 2, "teaching"),
        ];
        let context = CreditContext::default();
        let sorted = sort_outcomes(&outcomes);
        let lookup = Lookup::new(&context, &sorted);
        let (_, items) = split_copies(&sorted);

        let Err(one) = credit_part(&rules, &context, &lookup, &items) else {
            panic!("one part credited amounts that do not fit");
        };
        let Err(in_parts) = credit_in_parts(&rules, &context, &lookup, items.clone(), 2) else {
            panic!("two parts credited amounts that do not fit");
        };
        assert_eq!(one.params.get("learner_id"), Some(&json!(learner(2))));
        assert_eq!(in_parts, one);
    }
}
