//! Learner transcripts: a ledger's entries for one learner, summed by rule
//! set, year, kind and category, every total listing the entries behind it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use uuid::Uuid;

use crate::decimal::Credits;
use crate::id::LearnerId;
use crate::model::Category;

use super::ledger::Ledger;

/// A learner's credits, by rule set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Transcript {
    /// The learner.
    pub learner_id: LearnerId,
    /// The last recording date counted, if limited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// One part per rule set, ordered by rule set id; amounts of different
    /// rule sets are different units and are never added up.
    pub rule_sets: Vec<RuleSetTranscript>,
}

/// A learner's credits under one rule set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleSetTranscript {
    /// The rule set.
    pub rule_set_id: String,
    /// The balance.
    pub total: Credits,
    /// Totals by the year the learning happened, oldest first.
    pub years: Vec<YearTotal>,
}

/// The credits of one year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearTotal {
    /// The calendar year of the entries' occurrence date.
    pub year: i32,
    /// The year's total.
    pub total: Credits,
    /// Totals by outcome kind.
    pub kinds: Vec<KindTotal>,
}

/// The credits of one outcome kind in a year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KindTotal {
    /// The outcome kind, or `adjustment` for manual adjustments.
    pub kind: String,
    /// The kind's total.
    pub total: Credits,
    /// Totals by category.
    pub categories: Vec<CategoryTotal>,
}

/// The credits of one category, with the entries they come from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryTotal {
    /// The category; absent when the entries have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The category's total.
    pub total: Credits,
    /// Every entry summed, in ledger order, including zero-value capped
    /// entries and reversals.
    pub entry_ids: Vec<Uuid>,
}

type Tree = BTreeMap<
    String,
    BTreeMap<i32, BTreeMap<String, BTreeMap<Option<Category>, Vec<(Uuid, Credits)>>>>,
>;

/// The transcript of `learner` from `ledger`, counting entries recorded on
/// or before `as_of` (all entries when it is `None`).
///
/// Revocations and expiries carry the occurrence date, kind and category of
/// the entry they reverse, so they reduce the total they belong to.
pub fn transcript(ledger: &Ledger, learner: LearnerId, as_of: Option<NaiveDate>) -> Transcript {
    let mut tree: Tree = BTreeMap::new();
    for entry in ledger.entries() {
        if entry.learner_id != learner || as_of.is_some_and(|day| entry.recorded_on > day) {
            continue;
        }
        let kind = entry
            .outcome_kind
            .map_or_else(|| "adjustment".to_owned(), |kind| kind.as_str().to_owned());
        tree.entry(entry.rule_set_id.clone())
            .or_default()
            .entry(entry.occurred_on.year())
            .or_default()
            .entry(kind)
            .or_default()
            .entry(entry.category.clone())
            .or_default()
            .push((entry.id, entry.amount));
    }
    let rule_sets = tree
        .into_iter()
        .map(|(rule_set_id, years)| {
            let years: Vec<YearTotal> = years
                .into_iter()
                .map(|(year, kinds)| {
                    let kinds: Vec<KindTotal> = kinds
                        .into_iter()
                        .map(|(kind, categories)| {
                            let categories: Vec<CategoryTotal> = categories
                                .into_iter()
                                .map(|(category, entries)| CategoryTotal {
                                    category,
                                    total: entries.iter().map(|(_, amount)| *amount).sum(),
                                    entry_ids: entries.iter().map(|(id, _)| *id).collect(),
                                })
                                .collect();
                            KindTotal {
                                kind,
                                total: categories.iter().map(|c| c.total).sum(),
                                categories,
                            }
                        })
                        .collect();
                    YearTotal {
                        year,
                        total: kinds.iter().map(|k| k.total).sum(),
                        kinds,
                    }
                })
                .collect();
            RuleSetTranscript {
                rule_set_id,
                total: years.iter().map(|y| y.total).sum(),
                years,
            }
        })
        .collect();
    Transcript {
        learner_id: learner,
        as_of,
        rule_sets,
    }
}
