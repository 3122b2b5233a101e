//! Credits earned in a scope and period, read from a credit ledger.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::credit::{Entry, EntryKind, Ledger};
use crate::decimal::Credits;
use crate::id::OutcomeId;
use crate::model::Outcome;

use super::period::Period;

/// The credits earned under one rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleSetCredits {
    /// The rule set.
    pub rule_set_id: String,
    /// The sum of the entries counted.
    pub amount: Credits,
    /// The entries counted.
    pub entries: u64,
    /// Entries of the period whose outcomes lie only partly in the scope, or
    /// are partly unknown, and so are not counted (always 0 for area
    /// scopes, which count by learner).
    pub entries_partly_in_scope: u64,
}

/// Returns whether an entry counts towards credits earned: accruals,
/// adjustments and revocations of them. Expiries and their revocations are
/// left out, because they end or restore the validity of credits earned
/// before rather than change what was earned.
fn counts_as_earned(entry: &Entry, ledger: &Ledger) -> bool {
    match entry.kind {
        EntryKind::Accrue | EntryKind::Capped | EntryKind::Adjust => true,
        EntryKind::Expire => false,
        EntryKind::Revoke => entry
            .reverses
            .and_then(|target| ledger.entry(target))
            .is_some_and(|target| target.kind != EntryKind::Expire),
    }
}

/// Sums the credits earned in `period`, per rule set, ordered by rule set
/// id.
///
/// `in_scope_by_learner` decides an entry by its learner, for area scopes.
/// Otherwise `outcomes` maps the outcome ids of entries to outcomes and
/// `outcome_in_scope` decides each: an entry counts when every one of its
/// outcomes is known and in the scope.
pub(super) fn credits_earned(
    ledger: &Ledger,
    period: Period,
    in_scope_by_learner: Option<&dyn Fn(&Entry) -> bool>,
    outcomes: &HashMap<OutcomeId, &Outcome>,
    outcome_in_scope: &dyn Fn(&Outcome) -> bool,
) -> Vec<RuleSetCredits> {
    let mut sums: BTreeMap<&str, RuleSetCredits> = BTreeMap::new();
    for entry in ledger.entries() {
        if !period.contains(entry.occurred_on) || !counts_as_earned(entry, ledger) {
            continue;
        }
        let sum = sums
            .entry(entry.rule_set_id.as_str())
            .or_insert_with(|| RuleSetCredits {
                rule_set_id: entry.rule_set_id.clone(),
                amount: Credits::ZERO,
                entries: 0,
                entries_partly_in_scope: 0,
            });
        let counted = match in_scope_by_learner {
            Some(by_learner) => by_learner(entry),
            None => {
                let inside = entry
                    .outcome_ids
                    .iter()
                    .filter(|id| outcomes.get(id).is_some_and(|o| outcome_in_scope(o)))
                    .count();
                if inside > 0 && inside < entry.outcome_ids.len() {
                    sum.entries_partly_in_scope += 1;
                }
                inside > 0 && inside == entry.outcome_ids.len()
            }
        };
        if counted {
            sum.amount += entry.amount;
            sum.entries += 1;
        }
    }
    sums.into_values().collect()
}
