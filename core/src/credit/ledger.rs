//! The append-only credit ledger.
//!
//! A [`Ledger`] only grows: recording a computation, revoking, expiring and
//! adjusting all append entries, and no method edits or removes one. A
//! correction is a `revoke` entry that references the entry it reverses and
//! carries the opposite amount. A revocation cannot itself be revoked, and an
//! entry cannot be revoked twice. Balances are sums of entries, never stored.
//!
//! Entry ids are UUID version 5 names over what the entry says (learner,
//! source, rule set version, rule, amounts, outcomes), so recording the same
//! computation twice appends nothing, and two ledgers built from the same
//! input are equal byte for byte.
//!
//! Every entry carries a digest over its content and the digest of the
//! entry before it, so a stored ledger that was edited afterwards is
//! rejected when it is read ([`Ledger::from_json`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::decimal::Credits;
use crate::id::{LearnerId, OutcomeId, namespaced_v5, push_hyphenated};
use crate::model::{Category, OutcomeKind};
use crate::problem::{Path, Problem, Problems};
use crate::record::{check_known_fields, json_kind};

use super::codes;
use super::digest::{CHAIN_START, chained_digest_of_text, write_canonical, write_string};
use super::engine::{Accrual, Computation, SkipReason, Skipped};
use super::pool;
use super::rule::{Limit, RuleSetPin, RuleSetStatus};

/// The `format` of a ledger document.
pub const LEDGER_FORMAT: &str = "xuetong.credit-ledger/1";

crate::text_enum! {
    /// The kind of fact a ledger entry records.
    pub enum EntryKind {
        /// Credits earned under a rule.
        Accrue = "accrue",
        /// A zero-value record of an amount withheld by a cap.
        Capped = "capped",
        /// The reversal of another entry, with the opposite amount.
        Revoke = "revoke",
        /// The end of an accrual's validity, with the opposite amount.
        Expire = "expire",
        /// A manual correction with a reason.
        Adjust = "adjust",
    }
}

/// The computation behind an accrued amount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// The minutes credited, after any daily limit.
    pub minutes: u32,
    /// The minutes recorded.
    pub raw_minutes: u32,
    /// The number of outcome records summed.
    pub events: u32,
    /// The exact amount before rounding, in credits: a decimal, or a
    /// fraction such as `1/6` when no decimal is exact.
    pub unrounded: String,
    /// The amount after rounding, before banked results and caps.
    pub rounded: Credits,
    /// The amount an earlier, banked attempt of the same course or
    /// certificate already earned, deducted from `rounded`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_banked: Option<Credits>,
}

/// The cap behind a `capped` entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapNote {
    /// The cap's id in the rule set.
    pub id: String,
    /// The cap's limit.
    pub limit: Limit,
    /// The first day of the cap's window, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_start: Option<NaiveDate>,
    /// The last day of the cap's window, if bounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<NaiveDate>,
    /// The amount withheld.
    pub excess: Credits,
}

/// One ledger entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The entry's deterministic id.
    pub id: Uuid,
    /// The kind of fact the entry records.
    pub kind: EntryKind,
    /// Whose credits.
    pub learner_id: LearnerId,
    /// The rule set that produced the entry.
    pub rule_set_id: String,
    /// The rule set's version.
    pub rule_set_version: u32,
    /// The rule that produced the amount; none for adjustments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The outcome kind; none for adjustments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome_kind: Option<OutcomeKind>,
    /// The category, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The unit the amount was computed for (see
    /// [`Accrual::source`](super::Accrual::source)), or `adjustment:<key>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The outcomes behind the amount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcome_ids: Vec<OutcomeId>,
    /// When the credited learning happened; reversals copy it from the
    /// entry they reverse, so they count in the same year.
    pub occurred_on: NaiveDate,
    /// When the entry was appended.
    pub recorded_on: NaiveDate,
    /// The amount, negative for reversals.
    pub amount: Credits,
    /// The computation behind an accrued amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<Basis>,
    /// The first day the credits are no longer valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    /// The cap that withheld an amount, for `capped` entries. Boxed,
    /// because few entries have one and a season keeps every entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Box<CapNote>>,
    /// The entry a `revoke` or `expire` reverses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<Uuid>,
    /// The reason for a revocation or adjustment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The SHA-256 of the previous entry's digest and this entry's canonical
    /// JSON form, in lowercase hexadecimal, which chains every entry to the
    /// ones before it (see [`Ledger::check`]). The ledger sets it on
    /// appending.
    #[serde(default)]
    pub digest: String,
}

/// One learner's balance under one rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// The learner.
    pub learner_id: LearnerId,
    /// The rule set.
    pub rule_set_id: String,
    /// The sum of the learner's entries.
    pub amount: Credits,
    /// The number of entries summed.
    pub entries: usize,
}

/// An append-only ledger of credit entries.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use xuetong::credit::{CreditContext, Ledger, compute_credits, presets};
/// use xuetong::model::Outcome;
/// use xuetong::problem::Path;
/// use xuetong::record::Record;
///
/// let service = Outcome::from_json(&serde_json::json!({
///     "id": "0f8fad5b-d9cb-469f-a165-70867728950e",
///     "learner_id": "20000000-0000-4000-8000-000000000001",
///     "kind": "volunteer_service",
///     "occurred_on": "2026-03-14",
///     "minutes": 180,
/// }), &Path::root()).unwrap();
/// let computation = compute_credits(&presets::community(), &CreditContext::default(), &[service])?;
/// let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
///
/// let mut ledger = Ledger::new();
/// let appended = ledger.record(&computation, day)?;
/// assert_eq!(appended.len(), 1);
/// // The same computation again appends nothing.
/// assert!(ledger.record(&computation, day)?.is_empty());
///
/// let entry = appended[0].id;
/// ledger.revoke(entry, day, "entered twice".into())?;
/// assert!(ledger.revoke(entry, day, "entered twice".into()).is_err());
/// assert!(ledger.balances(None).iter().all(|balance| balance.amount.is_zero()));
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ledger {
    rule_sets: Vec<RuleSetPin>,
    entries: Vec<Entry>,
}

fn v5(name: &str) -> Uuid {
    namespaced_v5(&[name.as_bytes()])
}

/// The entries that recording a computation appends, decided before any
/// entry is made.
struct Decision {
    /// The number of entries before the recording.
    before: usize,
    /// The number of pinned rule sets before the recording.
    pins: usize,
    /// For each accrual, in order, the id of its fresh entry, or `None`
    /// when the ledger already records it or a person revoked it.
    fresh_ids: Vec<Option<Uuid>>,
    /// The reversals of stale entries, appended before the fresh entries.
    reversals: Vec<Entry>,
}

/// The decision that recording a computation makes for one accrual.
enum AccrualFate {
    /// The ledger lacks the accrual: append an entry with this id.
    Fresh(Uuid),
    /// The live entry with this id records the accrual.
    Kept(Uuid),
    /// A person revoked the accrual's entry, and the accrual comes out the
    /// same: append nothing.
    Held,
}

/// The id of an accrual recorded under `pin`; `generation` counts earlier,
/// revoked entries with the same content.
fn accrual_id(accrual: &Accrual, pin: &RuleSetPin, generation: usize) -> Uuid {
    // The name is written straight into one string. `fmt::Write` for
    // `String` never returns an error, so the results of `write!` are
    // ignored.
    let mut name = String::with_capacity(256 + 37 * accrual.outcome_ids.len());
    let _ = write!(
        name,
        "credit_entry:{}:{}:{}@{}:{}:{}:{}:{}:",
        accrual.kind.as_str(),
        accrual.learner_id,
        pin.id,
        pin.version,
        accrual.rule_id,
        accrual.source,
        accrual.occurred_on,
        accrual.amount,
    );
    match &accrual.cap {
        Some(cap) => {
            let _ = write!(name, "{}@{}", cap.excess, cap.id);
        }
        None => name.push('-'),
    }
    name.push(':');
    for (position, id) in accrual.outcome_ids.iter().enumerate() {
        if position > 0 {
            name.push(',');
        }
        let _ = write!(name, "{id}");
    }
    let _ = write!(name, ":{generation}");
    v5(&name)
}

impl Ledger {
    /// An empty ledger.
    pub fn new() -> Self {
        Self::default()
    }

    /// The entries, in the order they were appended.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The rule sets the ledger's computed entries were recorded under.
    pub fn rule_sets(&self) -> &[RuleSetPin] {
        &self.rule_sets
    }

    /// The entry with id `id`.
    pub fn entry(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|entry| entry.id == id)
    }

    /// Appends `entry` with its digest chained to the last entry's, and
    /// returns it as appended.
    fn append(&mut self, mut entry: Entry) -> Entry {
        entry.digest = self.next_digest(&entry);
        self.entries.push(entry.clone());
        entry
    }

    /// Appends `entries` in order, each with its digest chained to the
    /// digest of the entry before it, as [`Ledger::append`] does.
    ///
    /// Only the hashing has to go one entry after another. So while the
    /// digests of one step of entries are computed, the canonical forms of
    /// the next step are written on the pool.
    fn append_chained(&mut self, mut entries: Vec<Entry>) {
        /// Entries per step. Their canonical forms take under 1 MB in a
        /// run of the generated sample district.
        const STEP: usize = 1024;
        let mut digests: Vec<String> = Vec::with_capacity(entries.len());
        {
            let mut previous = self
                .entries
                .last()
                .map_or_else(|| CHAIN_START.to_owned(), |last| last.digest.clone());
            let mut steps = entries.chunks(STEP);
            let mut texts = steps.next().map(canonical_texts).unwrap_or_default();
            while !texts.is_empty() {
                let (chained, next) = pool::join(
                    || chain_digests(&previous, &texts),
                    || steps.next().map(canonical_texts).unwrap_or_default(),
                );
                if let Some(last) = chained.last() {
                    previous.clone_from(last);
                }
                digests.extend(chained);
                texts = next;
            }
        }
        for (entry, digest) in entries.iter_mut().zip(digests) {
            entry.digest = digest;
        }
        if self.entries.is_empty() {
            // Taking the vector saves copying every entry into a new one.
            self.entries = entries;
        } else {
            self.entries.append(&mut entries);
        }
    }

    /// Computes the digest of `entry` chained to the last entry's.
    fn next_digest(&self, entry: &Entry) -> String {
        let previous = self
            .entries
            .last()
            .map_or(CHAIN_START, |last| last.digest.as_str());
        chained_digest_of_text(previous, &canonical_entry(entry))
    }

    /// The revocation of each revoked entry, by the revoked entry's id.
    fn revocations(&self) -> HashMap<Uuid, Uuid> {
        self.entries
            .iter()
            .filter(|entry| entry.kind == EntryKind::Revoke)
            .filter_map(|entry| entry.reverses.map(|target| (target, entry.id)))
            .collect()
    }

    /// The expiry of each expired accrual, by the accrual's id.
    fn expiries(&self) -> HashMap<Uuid, Uuid> {
        self.entries
            .iter()
            .filter(|entry| entry.kind == EntryKind::Expire)
            .filter_map(|entry| entry.reverses.map(|target| (target, entry.id)))
            .collect()
    }

    /// Decides what recording does with `accrual`, given the ledger's
    /// revocations (by revoked entry) and the positions of its entries.
    ///
    /// Generation 0 is the accrual's first entry. A later generation is
    /// tried when the entry before it was revoked by a recording, or by a
    /// person while the accrual came out differently.
    fn accrual_fate(
        &self,
        accrual: &Accrual,
        pin: &RuleSetPin,
        revoked: &HashMap<Uuid, Uuid>,
        positions: &HashMap<Uuid, usize>,
    ) -> AccrualFate {
        for generation in 0..=self.entries.len() {
            let id = accrual_id(accrual, pin, generation);
            let Some(&position) = positions.get(&id) else {
                return AccrualFate::Fresh(id);
            };
            let Some(revocation) = revoked.get(&id) else {
                return AccrualFate::Kept(id);
            };
            // A person's revocation of this very accrual remains in force.
            // A changed source shows in the basis and is credited anew.
            let by_person = positions
                .get(revocation)
                .is_some_and(|&at| self.entries[at].reason.is_some());
            if by_person && self.entries[position].basis.as_ref() == Some(&accrual.basis) {
                return AccrualFate::Held;
            }
        }
        // Unreached: n entries cannot take all n + 1 ids tried above.
        AccrualFate::Held
    }

    /// Records a computation: appends the accruals the ledger lacks, revokes
    /// the live entries the computation no longer produces, and expires
    /// accruals whose validity ended by `recorded_on`. Returns the appended
    /// entries, revocations first.
    ///
    /// A computation is the whole truth for its rule set, its effective
    /// period and its learners, which are all learners unless the context
    /// named some. So a live entry of that rule set (any version) that is
    /// dated in that period and belongs to one of those learners is revoked
    /// when the computation does not reproduce it. Entries of other rule
    /// sets are left alone, and so are entries whose outcomes the
    /// computation skipped as banked: those were credited before, which is
    /// what banked means.
    ///
    /// An accrual whose entry a person revoked (a revocation with a reason,
    /// see [`Ledger::revoke`]) is not appended again under the same rule set
    /// version while it comes out the same, basis included. A changed source
    /// that changes the accrual or its basis is credited anew, under a new
    /// entry id. Revocations made here carry no reason.
    ///
    /// # Errors
    ///
    /// Nothing is appended when `recorded_on` is earlier than the latest
    /// recording date in the ledger (`recorded_before_ledger`), when an
    /// accrual is dated after `recorded_on` (`occurred_after_recording`: give
    /// the context the recording date with
    /// [`CreditContext::with_recorded_on`](super::CreditContext::with_recorded_on)),
    /// when the rule set is a draft
    /// (`rule_set_not_published`), or when the ledger already pinned the
    /// same rule set version with different rules, or a built-in rule set
    /// has that id and version with different rules (`rule_set_changed`),
    /// or when one learner's amounts would add up to more than an amount
    /// can hold (`amount_overflow`).
    pub fn record(
        &mut self,
        computation: &Computation,
        recorded_on: NaiveDate,
    ) -> Result<Vec<Entry>, Problems> {
        let before = self.entries.len();
        self.record_in_place(computation, recorded_on)?;
        Ok(self.entries.get(before..).unwrap_or_default().to_vec())
    }

    /// Records a computation as [`Ledger::record`] does, without returning
    /// copies of the appended entries, which are the entries after those the
    /// ledger had before.
    pub(crate) fn record_in_place(
        &mut self,
        computation: &Computation,
        recorded_on: NaiveDate,
    ) -> Result<(), Problems> {
        let mut decision = self.decide(computation, recorded_on)?;
        let fresh: Vec<(&Accrual, Uuid)> = computation
            .accruals
            .iter()
            .zip(std::mem::take(&mut decision.fresh_ids))
            .filter_map(|(accrual, id)| Some((accrual, id?)))
            .collect();
        let pin = &computation.rule_set;
        let fresh = pool::map_in_order(&fresh, |&(accrual, id)| {
            entry_from_accrual(accrual.clone(), pin, id, recorded_on)
        });
        self.finish_recording(decision, fresh, recorded_on)
    }

    /// Records a computation as [`Ledger::record_in_place`] does, moving
    /// each accrual's outcome ids and texts into its entry instead of
    /// copying them, and returns the computation's skipped outcomes.
    ///
    /// The accruals are freed as their entries are made, so the ledger step
    /// of a season never keeps the accruals and their entries in full
    /// twice.
    pub(crate) fn record_owned(
        &mut self,
        mut computation: Computation,
        recorded_on: NaiveDate,
    ) -> Result<Vec<Skipped>, Problems> {
        let mut decision = self.decide(&computation, recorded_on)?;
        let skipped = std::mem::take(&mut computation.skipped);
        let Computation {
            rule_set: pin,
            mut accruals,
            ..
        } = computation;
        // The accruals that get no entry are dropped first, so the entries
        // are made into one vector allocated for all of them. A filtering
        // map on the rayon pool collects its results in pieces and then
        // copies them into one vector, holding every entry twice for a
        // moment.
        let fresh_ids = std::mem::take(&mut decision.fresh_ids);
        let mut is_fresh = fresh_ids.iter().map(Option::is_some);
        accruals.retain(|_| is_fresh.next().unwrap_or(false));
        let ids: Vec<Uuid> = fresh_ids.into_iter().flatten().collect();
        let fresh = pool::map_owned_in_order(accruals, ids, |accrual, id| {
            entry_from_accrual(accrual, &pin, id, recorded_on)
        });
        self.finish_recording(decision, fresh, recorded_on)?;
        Ok(skipped)
    }

    /// Checks a computation against the ledger, pins its rule set, and
    /// decides which accruals get a fresh entry and which entries are
    /// reversed.
    fn decide(
        &mut self,
        computation: &Computation,
        recorded_on: NaiveDate,
    ) -> Result<Decision, Problems> {
        self.check_recording_date(recorded_on)?;
        let (before, pins) = (self.entries.len(), self.rule_sets.len());
        let pin = &computation.rule_set;
        if let Some(early) = computation
            .accruals
            .iter()
            .find(|accrual| accrual.occurred_on > recorded_on)
        {
            return Err(Problem::new(codes::OCCURRED_AFTER_RECORDING, Path::root())
                .with("field", "occurred_on")
                .with("value", early.occurred_on.to_string())
                .with("recorded_on", recorded_on.to_string())
                .into());
        }
        if computation.status != RuleSetStatus::Published {
            return Err(Problem::new(codes::RULE_SET_NOT_PUBLISHED, Path::root())
                .with("id", pin.id.as_str())
                .with("version", pin.version)
                .into());
        }
        let built_in = super::presets::find(&pin.id, Some(pin.version)).map(|rules| rules.pin());
        if built_in.is_some_and(|built_in| built_in.fingerprint != pin.fingerprint) {
            return Err(Problem::new(codes::RULE_SET_CHANGED, Path::root())
                .with("id", pin.id.as_str())
                .with("version", pin.version)
                .into());
        }
        if let Some(pinned) = self
            .rule_sets
            .iter()
            .find(|pinned| pinned.id == pin.id && pinned.version == pin.version)
        {
            if pinned.fingerprint != pin.fingerprint {
                return Err(Problem::new(codes::RULE_SET_CHANGED, Path::root())
                    .with("id", pin.id.as_str())
                    .with("version", pin.version)
                    .into());
            }
        } else {
            self.rule_sets.push(pin.clone());
        }

        let revoked = self.revocations();
        let positions: HashMap<Uuid, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(position, entry)| (entry.id, position))
            .collect();
        // Each accrual's fate reads only the entries from before this
        // recording, so the fates are decided on the pool, as are the
        // entries made from them.
        let (fates, banked) = pool::join(
            || {
                pool::map_in_order(&computation.accruals, |accrual| {
                    self.accrual_fate(accrual, pin, &revoked, &positions)
                })
            },
            || banked_outcomes(computation),
        );
        let kept: FxHashSet<Uuid> = fates
            .iter()
            .filter_map(|fate| match fate {
                AccrualFate::Kept(id) => Some(*id),
                _ => None,
            })
            .collect();
        let fresh_ids: Vec<Option<Uuid>> = fates
            .iter()
            .map(|fate| match fate {
                AccrualFate::Fresh(id) => Some(*id),
                _ => None,
            })
            .collect();
        drop(fates);

        let expiries = self.expiries();
        let reversals = pool::map_in_order(&self.entries, |entry| {
            let stale = matches!(entry.kind, EntryKind::Accrue | EntryKind::Capped)
                && entry.rule_set_id == pin.id
                && computation.effective.contains(entry.occurred_on)
                && computation
                    .learners
                    .as_ref()
                    .is_none_or(|learners| learners.contains(&entry.learner_id))
                && !revoked.contains_key(&entry.id)
                && !kept.contains(&entry.id)
                && !all_banked(entry, &banked);
            let mut reversals = Vec::new();
            if !stale {
                return reversals;
            }
            // The same steps as `revoke_unchecked`, with the maps built once.
            if let Some(expiry) = expiries.get(&entry.id)
                && !revoked.contains_key(expiry)
                && let Some(&position) = positions.get(expiry)
            {
                reversals.push(reversal(&self.entries[position], recorded_on, None));
            }
            reversals.push(reversal(entry, recorded_on, None));
            reversals
        });
        let reversals: Vec<Entry> = reversals.into_iter().flatten().collect();
        Ok(Decision {
            before,
            pins,
            fresh_ids,
            reversals,
        })
    }

    /// Appends the reversals of `decision`, then the `fresh` entries, then
    /// the expiries due on `recorded_on`, and undoes them all when an
    /// amount would overflow.
    fn finish_recording(
        &mut self,
        decision: Decision,
        fresh: Vec<Entry>,
        recorded_on: NaiveDate,
    ) -> Result<(), Problems> {
        self.append_chained(decision.reversals);
        self.append_chained(fresh);
        self.expire_due(recorded_on, recorded_on);
        self.keep_or_undo(decision.before, decision.pins)
    }

    /// Appends a revocation of entry `id` made by a person for `reason`, and
    /// first of its expiry when the entry is an expired accrual, so that the
    /// two reversals leave nothing. Returns the appended entries.
    ///
    /// A revocation with a reason sticks: recording a computation that
    /// produces the same accrual again appends nothing (see
    /// [`Ledger::record`]).
    ///
    /// # Errors
    ///
    /// `required` when `reason` is blank, `recorded_before_ledger` when
    /// `recorded_on` is earlier than the latest recording date in the
    /// ledger, `entry_not_found` when the ledger has no such entry,
    /// `revoke_of_revoke` when it is itself a revocation, and
    /// `already_revoked` when it was revoked before.
    pub fn revoke(
        &mut self,
        id: Uuid,
        recorded_on: NaiveDate,
        reason: String,
    ) -> Result<Vec<Entry>, Problems> {
        if reason.trim().is_empty() {
            return Err(
                Problem::new(crate::problem::codes::REQUIRED, Path::root().join("reason"))
                    .with("field", "reason")
                    .into(),
            );
        }
        self.check_recording_date(recorded_on)?;
        let Some(target) = self.entry(id) else {
            return Err(
                Problem::new(codes::ENTRY_NOT_FOUND, Path::root().join("entry_id"))
                    .with("entry_id", id.to_string())
                    .into(),
            );
        };
        if target.kind == EntryKind::Revoke {
            return Err(
                Problem::new(codes::REVOKE_OF_REVOKE, Path::root().join("entry_id"))
                    .with("entry_id", id.to_string())
                    .into(),
            );
        }
        if let Some(revocation) = self.revocations().get(&id) {
            return Err(
                Problem::new(codes::ALREADY_REVOKED, Path::root().join("entry_id"))
                    .with("entry_id", id.to_string())
                    .with("revoked_by", revocation.to_string())
                    .into(),
            );
        }
        let before = self.entries.len();
        let appended = self.revoke_unchecked(id, recorded_on, Some(reason));
        self.keep_or_undo(before, self.rule_sets.len())?;
        Ok(appended)
    }

    fn revoke_unchecked(
        &mut self,
        id: Uuid,
        recorded_on: NaiveDate,
        reason: Option<String>,
    ) -> Vec<Entry> {
        let mut appended = Vec::new();
        let revoked = self.revocations();
        if let Some(expiry) = self.expiries().get(&id)
            && !revoked.contains_key(expiry)
            && let Some(entry) = self
                .entry(*expiry)
                .map(|expiry| reversal(expiry, recorded_on, reason.clone()))
        {
            appended.push(self.append(entry));
        }
        if let Some(entry) = self
            .entry(id)
            .map(|target| reversal(target, recorded_on, reason))
        {
            appended.push(self.append(entry));
        }
        appended
    }

    /// Appends, recorded on `recorded_on`, an expiry for every live accrual
    /// whose validity ended on or before `as_of` and that has no expiry yet
    /// (a revoked expiry is not repeated: revoking an expiry restores the
    /// credits for good). Returns the appended entries.
    ///
    /// # Errors
    ///
    /// `expiry_after_recording` when `as_of` is later than `recorded_on`,
    /// because credits cannot expire as of a day that has not come, and
    /// `recorded_before_ledger` when `recorded_on` is earlier than the latest
    /// recording date in the ledger.
    pub fn expire(
        &mut self,
        as_of: NaiveDate,
        recorded_on: NaiveDate,
    ) -> Result<Vec<Entry>, Problems> {
        if as_of > recorded_on {
            return Err(
                Problem::new(codes::EXPIRY_AFTER_RECORDING, Path::root().join("as_of"))
                    .with("value", as_of.to_string())
                    .with("recorded_on", recorded_on.to_string())
                    .into(),
            );
        }
        self.check_recording_date(recorded_on)?;
        let before = self.entries.len();
        let appended = self.expire_due(as_of, recorded_on);
        self.keep_or_undo(before, self.rule_sets.len())?;
        Ok(appended)
    }

    /// Keeps what was appended since the ledger had `entries` entries and
    /// `pins` pinned rule sets, unless a learner's amounts no longer fit
    /// (see [`magnitude_problem`]): then removes it and reports
    /// `amount_overflow`.
    fn keep_or_undo(&mut self, entries: usize, pins: usize) -> Result<(), Problems> {
        match magnitude_problem(&self.entries) {
            Some((_, problem)) => {
                self.entries.truncate(entries);
                self.rule_sets.truncate(pins);
                Err(problem.into())
            }
            None => Ok(()),
        }
    }

    /// Reports `recorded_before_ledger` when `recorded_on` is earlier than
    /// the latest recording date of the ledger's entries.
    fn check_recording_date(&self, recorded_on: NaiveDate) -> Result<(), Problems> {
        let latest = self.entries.iter().map(|entry| entry.recorded_on).max();
        match latest {
            Some(latest) if recorded_on < latest => Err(Problem::new(
                codes::RECORDED_BEFORE_LEDGER,
                Path::root().join("recorded_on"),
            )
            .with("value", recorded_on.to_string())
            .with("latest", latest.to_string())
            .into()),
            _ => Ok(()),
        }
    }

    /// Appends the expiries of [`Ledger::expire`] without checking its dates.
    fn expire_due(&mut self, as_of: NaiveDate, recorded_on: NaiveDate) -> Vec<Entry> {
        let revoked = self.revocations();
        let expired = self.expiries();
        let due: Vec<Entry> = self
            .entries
            .iter()
            .filter(|entry| entry.kind == EntryKind::Accrue && !entry.amount.is_zero())
            .filter(|entry| entry.expires_on.is_some_and(|day| day <= as_of))
            .filter(|entry| !revoked.contains_key(&entry.id) && !expired.contains_key(&entry.id))
            .map(|entry| {
                let mut expiry = reversal(entry, recorded_on, None);
                expiry.kind = EntryKind::Expire;
                expiry.id = v5(&format!("credit_expire:{}", entry.id));
                expiry.expires_on = entry.expires_on;
                expiry
            })
            .collect();
        due.into_iter().map(|entry| self.append(entry)).collect()
    }

    /// Appends a manual adjustment of `amount` to a learner's balance under
    /// a rule set. `key` names the adjustment: the entry id derives from the
    /// learner, the rule set and the key, so repeating a request with the
    /// same key returns the existing entry and appends nothing.
    ///
    /// # Errors
    ///
    /// `zero_adjustment` when `amount` is zero, `required` when `key` or
    /// `reason` is blank, `out_of_range` when `rule_set_version` is 0,
    /// `occurred_after_recording` when `occurred_on` is later than
    /// `recorded_on`, and `recorded_before_ledger` when `recorded_on` is
    /// earlier than the latest recording date in the ledger, and
    /// `amount_overflow` when the learner's amounts would no longer fit. A
    /// repeated key returns the existing entry before the dates are
    /// checked.
    pub fn adjust(&mut self, adjustment: Adjustment) -> Result<Entry, Problems> {
        let mut problems = Problems::new();
        if adjustment.amount.is_zero() {
            problems.push(
                Problem::new(codes::ZERO_ADJUSTMENT, Path::root().join("amount"))
                    .with("field", "amount"),
            );
        }
        for (field, text) in [("key", &adjustment.key), ("reason", &adjustment.reason)] {
            if text.trim().is_empty() {
                problems.push(
                    Problem::new(crate::problem::codes::REQUIRED, Path::root().join(field))
                        .with("field", field),
                );
            }
        }
        if adjustment.rule_set_version == 0 {
            problems.push(
                Problem::new(
                    crate::problem::codes::OUT_OF_RANGE,
                    Path::root().join("rule_set_version"),
                )
                .with("field", "rule_set_version")
                .with("value", 0)
                .with("min", 1)
                .with("max", u32::MAX),
            );
        }
        problems.into_result(())?;
        let id = v5(&format!(
            "credit_adjust:{}:{}:{}",
            adjustment.learner_id, adjustment.rule_set_id, adjustment.key
        ));
        if let Some(existing) = self.entry(id) {
            return Ok(existing.clone());
        }
        if adjustment.occurred_on > adjustment.recorded_on {
            return Err(Problem::new(
                codes::OCCURRED_AFTER_RECORDING,
                Path::root().join("occurred_on"),
            )
            .with("field", "occurred_on")
            .with("value", adjustment.occurred_on.to_string())
            .with("recorded_on", adjustment.recorded_on.to_string())
            .into());
        }
        self.check_recording_date(adjustment.recorded_on)?;
        let entry = Entry {
            id,
            kind: EntryKind::Adjust,
            learner_id: adjustment.learner_id,
            rule_set_id: adjustment.rule_set_id,
            rule_set_version: adjustment.rule_set_version,
            rule_id: None,
            outcome_kind: None,
            category: adjustment.category,
            source: Some(format!("adjustment:{}", adjustment.key)),
            outcome_ids: Vec::new(),
            occurred_on: adjustment.occurred_on,
            recorded_on: adjustment.recorded_on,
            amount: adjustment.amount,
            basis: None,
            expires_on: None,
            cap: None,
            reverses: None,
            reason: Some(adjustment.reason),
            digest: String::new(),
        };
        let before = self.entries.len();
        let appended = self.append(entry);
        self.keep_or_undo(before, self.rule_sets.len())?;
        Ok(appended)
    }

    /// Every learner's balance per rule set, summing the entries recorded on
    /// or before `as_of` (all entries when `as_of` is `None`), ordered by
    /// learner and rule set.
    pub fn balances(&self, as_of: Option<NaiveDate>) -> Vec<Balance> {
        let mut sums: BTreeMap<(LearnerId, &str), (Credits, usize)> = BTreeMap::new();
        for entry in &self.entries {
            if as_of.is_some_and(|day| entry.recorded_on > day) {
                continue;
            }
            let sum = sums
                .entry((entry.learner_id, entry.rule_set_id.as_str()))
                .or_default();
            sum.0 += entry.amount;
            sum.1 += 1;
        }
        sums.into_iter()
            .map(|((learner_id, rule_set_id), (amount, entries))| Balance {
                learner_id,
                rule_set_id: rule_set_id.to_owned(),
                amount,
                entries,
            })
            .collect()
    }

    /// Writes the ledger's JSON form.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("format".into(), LEDGER_FORMAT.into());
        object.insert(
            "rule_sets".into(),
            serde_json::to_value(&self.rule_sets).unwrap_or(Value::Array(Vec::new())),
        );
        object.insert(
            "entries".into(),
            serde_json::to_value(&self.entries).unwrap_or(Value::Array(Vec::new())),
        );
        Value::Object(object)
    }

    /// Reads a ledger from its JSON form and checks that it is consistent,
    /// reporting problems under `path`.
    ///
    /// # Errors
    ///
    /// Every problem found: a wrong `format`, malformed entries
    /// (`invalid_ledger_entry`), the first entry without a digest
    /// (`required`) or whose digest does not match (`ledger_tampered`), and
    /// broken links between entries
    /// (`duplicate_entry_id`, `entry_not_found`, `reversal_mismatch`,
    /// `expiry_of_non_accrual`, `revoke_of_revoke`, `already_revoked`,
    /// `revoke_amount_mismatch`).
    pub fn from_json(value: &Value, path: &Path) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let Value::Object(object) = value else {
            return Err(
                Problem::new(crate::problem::codes::INVALID_TYPE, path.clone())
                    .with("field", "ledger")
                    .with("expected", "an object")
                    .with("value", json_kind(value))
                    .into(),
            );
        };
        check_known_fields(
            object,
            &["format", "rule_sets", "entries"],
            path,
            &mut problems,
        );
        match object.get("format") {
            Some(Value::String(format)) if format == LEDGER_FORMAT => {}
            None => problems.push(
                Problem::new(crate::problem::codes::REQUIRED, path.join("format"))
                    .with("field", "format"),
            ),
            Some(other) => problems.push(
                Problem::new(
                    crate::problem::codes::UNSUPPORTED_FORMAT,
                    path.join("format"),
                )
                .with("expected", LEDGER_FORMAT)
                .with(
                    "value",
                    other
                        .as_str()
                        .map_or_else(|| other.to_string(), str::to_owned),
                ),
            ),
        }
        let rule_sets = read_list::<RuleSetPin>(object, "rule_sets", path, &mut problems);
        let entries = read_list::<Entry>(object, "entries", path, &mut problems);
        let ledger = Self { rule_sets, entries };
        if problems.is_empty() {
            problems.extend(ledger.check(&path.join("entries")));
        }
        problems.into_result(ledger)
    }

    /// Checks the digest chain and returns a problem for the first entry
    /// whose digest is missing (`required`) or does not match its content
    /// and the digest before it (`ledger_tampered`), if any.
    fn check_chain(&self, path: &Path) -> Option<Problem> {
        let mut previous = CHAIN_START;
        for (index, entry) in self.entries.iter().enumerate() {
            if entry.digest.is_empty() {
                return Some(
                    Problem::new(
                        crate::problem::codes::REQUIRED,
                        path.join(index).join("digest"),
                    )
                    .with("field", "digest"),
                );
            }
            if chained_digest_of_text(previous, &canonical_entry(entry)) != entry.digest {
                return Some(
                    Problem::new(codes::LEDGER_TAMPERED, path.join(index))
                        .with("index", index)
                        .with("entry_id", entry.id.to_string()),
                );
            }
            previous = &entry.digest;
        }
        None
    }

    /// Checks the digest chain and the links between entries.
    ///
    /// The chain: every entry's `digest` must be the SHA-256 of the digest
    /// before it and the entry's canonical JSON form (see
    /// `docs/credits.md`). The first entry that fails is reported, as
    /// `required` when it has no digest and `ledger_tampered` otherwise, and
    /// then nothing else is checked.
    ///
    /// The links: unique ids; reversals that point at an earlier entry of
    /// the same learner, rule set, date, kind and category, with the
    /// opposite amount; expiries of accruals only; no revoked revocation;
    /// and no entry reversed twice (revoked twice, expired twice, expired
    /// after its revocation, or revoked while its expiry is unrevoked).
    ///
    /// Problems are reported under `path` with the entry's index.
    pub fn check(&self, path: &Path) -> Problems {
        // The links of an edited ledger prove nothing, so they go unchecked.
        if let Some(problem) = self.check_chain(path) {
            return problem.into();
        }
        let mut problems = Problems::new();
        if let Some((index, problem)) = magnitude_problem(&self.entries) {
            problems.push(Problem {
                path: path.join(index),
                ..problem
            });
        }
        let mut seen: HashMap<Uuid, usize> = HashMap::new();
        let mut revoked_by: HashMap<Uuid, Uuid> = HashMap::new();
        let mut expired_by: HashMap<Uuid, Uuid> = HashMap::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let at = path.join(index);
            if seen.contains_key(&entry.id) {
                problems.push(
                    Problem::new(codes::DUPLICATE_ENTRY_ID, at.join("id"))
                        .with("entry_id", entry.id.to_string()),
                );
                continue;
            }
            seen.insert(entry.id, index);
            if !matches!(entry.kind, EntryKind::Revoke | EntryKind::Expire) {
                continue;
            }
            let Some(target_id) = entry.reverses else {
                problems.push(
                    Problem::new(crate::problem::codes::REQUIRED, at.join("reverses"))
                        .with("field", "reverses"),
                );
                continue;
            };
            let Some(target) = seen
                .get(&target_id)
                .map(|&position| &self.entries[position])
            else {
                problems.push(
                    Problem::new(codes::ENTRY_NOT_FOUND, at.join("reverses"))
                        .with("entry_id", target_id.to_string()),
                );
                continue;
            };
            if entry.kind == EntryKind::Revoke && target.kind == EntryKind::Revoke {
                problems.push(
                    Problem::new(codes::REVOKE_OF_REVOKE, at.join("reverses"))
                        .with("entry_id", target_id.to_string()),
                );
                continue;
            }
            if let Some(field) = reversal_difference(entry, target) {
                problems.push(
                    Problem::new(codes::REVERSAL_MISMATCH, at.join(field))
                        .with("entry_id", entry.id.to_string())
                        .with("target_id", target_id.to_string())
                        .with("field", field),
                );
                continue;
            }
            let earlier = if entry.kind == EntryKind::Revoke {
                // An unrevoked expiry has reversed the accrual already.
                let live_expiry = expired_by
                    .get(&target_id)
                    .filter(|expiry| !revoked_by.contains_key(expiry))
                    .copied();
                let earlier = revoked_by.get(&target_id).copied().or(live_expiry);
                if earlier.is_none() {
                    revoked_by.insert(target_id, entry.id);
                }
                earlier
            } else {
                if target.kind != EntryKind::Accrue {
                    problems.push(
                        Problem::new(codes::EXPIRY_OF_NON_ACCRUAL, at.join("reverses"))
                            .with("entry_id", entry.id.to_string())
                            .with("target_id", target_id.to_string())
                            .with("kind", target.kind.as_str()),
                    );
                    continue;
                }
                let earlier = revoked_by
                    .get(&target_id)
                    .or_else(|| expired_by.get(&target_id))
                    .copied();
                if earlier.is_none() {
                    expired_by.insert(target_id, entry.id);
                }
                earlier
            };
            if let Some(first) = earlier {
                problems.push(
                    Problem::new(codes::ALREADY_REVOKED, at.join("reverses"))
                        .with("entry_id", target_id.to_string())
                        .with("revoked_by", first.to_string()),
                );
                continue;
            }
            if entry.amount != -target.amount {
                problems.push(
                    Problem::new(codes::REVOKE_AMOUNT_MISMATCH, at.join("amount"))
                        .with("entry_id", entry.id.to_string())
                        .with("value", entry.amount.to_string())
                        .with("expected", (-target.amount).to_string()),
                );
            }
        }
        problems
    }
}

/// Finds the first entry at which one learner's amounts, taken without their
/// signs, add up to more than [`Credits::MAX`], and returns its index and
/// problem.
///
/// A ledger keeps that sum within bounds, so any sum of one learner's
/// entries (a balance, a transcript total) fits in [`Credits`] and never
/// saturates.
fn magnitude_problem(entries: &[Entry]) -> Option<(usize, Problem)> {
    let mut sums: FxHashMap<LearnerId, i128> = FxHashMap::default();
    for (index, entry) in entries.iter().enumerate() {
        let sum = sums.entry(entry.learner_id).or_default();
        *sum += i128::from(entry.amount.hundredths()).abs();
        if *sum > i128::from(Credits::MAX.hundredths()) {
            let problem = super::engine::overflow(entry.learner_id, &entry.id.to_string());
            return Some((index, problem));
        }
    }
    None
}

/// The first field in which a reversal differs from the entry it reverses,
/// among those balances and transcripts group by.
fn reversal_difference(reversal: &Entry, target: &Entry) -> Option<&'static str> {
    if reversal.learner_id != target.learner_id {
        Some("learner_id")
    } else if reversal.rule_set_id != target.rule_set_id {
        Some("rule_set_id")
    } else if reversal.rule_set_version != target.rule_set_version {
        Some("rule_set_version")
    } else if reversal.occurred_on != target.occurred_on {
        Some("occurred_on")
    } else if reversal.outcome_kind != target.outcome_kind {
        Some("outcome_kind")
    } else if reversal.category != target.category {
        Some("category")
    } else {
        None
    }
}

/// A manual correction of a learner's balance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    /// Whose balance.
    pub learner_id: LearnerId,
    /// Under which rule set.
    pub rule_set_id: String,
    /// The rule set's version.
    pub rule_set_version: u32,
    /// A key unique per learner and rule set; repeating it is a no-op.
    pub key: String,
    /// The amount, positive or negative, not zero.
    pub amount: Credits,
    /// Why the adjustment is made.
    pub reason: String,
    /// The date the adjustment counts for.
    pub occurred_on: NaiveDate,
    /// The date it is recorded.
    pub recorded_on: NaiveDate,
    /// The category it counts under, if any.
    pub category: Option<Category>,
}

/// Whether every outcome behind `entry` is banked, which means that the
/// entry credited them and must stay.
fn all_banked(entry: &Entry, banked: &FxHashSet<OutcomeId>) -> bool {
    !entry.outcome_ids.is_empty() && entry.outcome_ids.iter().all(|id| banked.contains(id))
}

/// Collects the outcomes that `computation` skipped as banked.
fn banked_outcomes(computation: &Computation) -> FxHashSet<OutcomeId> {
    computation
        .skipped
        .iter()
        .filter(|skipped| skipped.reason == SkipReason::Banked)
        .flat_map(|skipped| skipped.outcome_ids.iter().copied())
        .collect()
}

/// Writes the canonical forms of `entries`, in order, on the pool.
fn canonical_texts(entries: &[Entry]) -> Vec<String> {
    pool::map_in_order(entries, canonical_entry)
}

/// Chains the digests of the entries whose canonical forms are `texts`,
/// the first to `previous`, and returns them in order.
fn chain_digests(previous: &str, texts: &[String]) -> Vec<String> {
    let mut digests: Vec<String> = Vec::with_capacity(texts.len());
    for text in texts {
        let digest = chained_digest_of_text(digests.last().map_or(previous, String::as_str), text);
        digests.push(digest);
    }
    digests
}

fn entry_from_accrual(
    accrual: Accrual,
    pin: &RuleSetPin,
    id: Uuid,
    recorded_on: NaiveDate,
) -> Entry {
    Entry {
        id,
        kind: accrual.kind,
        learner_id: accrual.learner_id,
        rule_set_id: pin.id.clone(),
        rule_set_version: pin.version,
        rule_id: Some(accrual.rule_id),
        outcome_kind: Some(accrual.outcome_kind),
        category: accrual.category,
        source: Some(accrual.source),
        outcome_ids: accrual.outcome_ids,
        occurred_on: accrual.occurred_on,
        recorded_on,
        amount: accrual.amount,
        basis: Some(accrual.basis),
        expires_on: accrual.expires_on,
        cap: accrual.cap,
        reverses: None,
        reason: None,
        digest: String::new(),
    }
}

/// The revocation of `target`: the same learner, rule, outcomes and dates,
/// the opposite amount.
fn reversal(target: &Entry, recorded_on: NaiveDate, reason: Option<String>) -> Entry {
    Entry {
        id: v5(&format!("credit_revoke:{}", target.id)),
        kind: EntryKind::Revoke,
        learner_id: target.learner_id,
        rule_set_id: target.rule_set_id.clone(),
        rule_set_version: target.rule_set_version,
        rule_id: target.rule_id.clone(),
        outcome_kind: target.outcome_kind,
        category: target.category.clone(),
        source: target.source.clone(),
        outcome_ids: target.outcome_ids.clone(),
        occurred_on: target.occurred_on,
        recorded_on,
        amount: -target.amount,
        basis: None,
        expires_on: None,
        cap: None,
        reverses: Some(target.id),
        reason,
        digest: String::new(),
    }
}

/// Returns the canonical JSON form of `entry` without its digest, which is
/// what the digest covers.
///
/// It is written straight from the fields rather than through a JSON value,
/// which is much faster for a large ledger. The keys are in code point
/// order, and absent optional fields and empty outcome lists are left out,
/// as the `Serialize` form of [`Entry`] leaves them out.
fn canonical_entry(entry: &Entry) -> String {
    let mut text = String::with_capacity(512 + 40 * entry.outcome_ids.len());
    let mut object = CanonicalObject::open(&mut text);
    object.shown("amount", entry.amount);
    if let Some(basis) = &entry.basis {
        let mut inner = object.nested("basis");
        if let Some(already_banked) = basis.already_banked {
            inner.shown("already_banked", already_banked);
        }
        inner.number("events", basis.events);
        inner.number("minutes", basis.minutes);
        inner.number("raw_minutes", basis.raw_minutes);
        inner.shown("rounded", basis.rounded);
        inner.text("unrounded", &basis.unrounded);
        inner.close();
    }
    if let Some(cap) = &entry.cap {
        // Capped entries are few, so their note takes the general path.
        object.key("cap");
        let value = serde_json::to_value(cap).unwrap_or(Value::Null);
        write_canonical(&value, object.out);
    }
    if let Some(category) = &entry.category {
        object.text("category", category.as_str());
    }
    if let Some(expires_on) = entry.expires_on {
        object.date("expires_on", expires_on);
    }

    object.uuid("id", entry.id);
    object.text("kind", entry.kind.as_str());
    object.uuid("learner_id", entry.learner_id.uuid());
    object.date("occurred_on", entry.occurred_on);
    if !entry.outcome_ids.is_empty() {
        object.key("outcome_ids");
        object.out.push('[');
        for (position, id) in entry.outcome_ids.iter().enumerate() {
            if position > 0 {
                object.out.push(',');
            }
            push_quoted(object.out, id.uuid());
        }
        object.out.push(']');
    }
    if let Some(kind) = entry.outcome_kind {
        object.text("outcome_kind", kind.as_str());
    }
    if let Some(reason) = &entry.reason {
        object.text("reason", reason);
    }

    object.date("recorded_on", entry.recorded_on);
    if let Some(reverses) = entry.reverses {
        object.uuid("reverses", reverses);
    }
    if let Some(rule_id) = &entry.rule_id {
        object.text("rule_id", rule_id);
    }
    object.text("rule_set_id", &entry.rule_set_id);
    object.number("rule_set_version", entry.rule_set_version);
    if let Some(source) = &entry.source {
        object.text("source", source);
    }
    object.close();
    text
}

/// Appends `id` in quotes. Entries hold most of a season's outcome ids,
/// and writing them through `Display` took a large part of the time spent
/// on canonical forms.
fn push_quoted(out: &mut String, id: Uuid) {
    out.push('"');
    push_hyphenated(out, id);
    out.push('"');
}

/// A JSON object being written in canonical form, its keys given in code
/// point order by the caller. `fmt::Write` for `String` never returns an
/// error, so the results of `write!` are ignored.
struct CanonicalObject<'o> {
    out: &'o mut String,
    empty: bool,
}

impl<'o> CanonicalObject<'o> {
    fn open(out: &'o mut String) -> Self {
        out.push('{');
        Self { out, empty: true }
    }

    /// Writes `key` and the colon; the value follows.
    fn key(&mut self, key: &str) {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        write_string(value, self.out);
    }

    /// Writes a value whose text needs no escapes (an amount) as
    /// a JSON string.
    fn shown(&mut self, key: &str, value: impl std::fmt::Display) {
        self.key(key);
        let _ = write!(self.out, "\"{value}\"");
    }

    /// Writes `id` as a JSON string, in the text its `Display` gives.
    fn uuid(&mut self, key: &str, id: Uuid) {
        self.key(key);
        push_quoted(self.out, id);
    }

    /// Writes a date as its `Serialize` form does, which uses its `Debug`
    /// text.
    fn date(&mut self, key: &str, value: NaiveDate) {
        self.key(key);
        let _ = write!(self.out, "\"{value:?}\"");
    }

    fn number(&mut self, key: &str, value: u32) {
        self.key(key);
        let _ = write!(self.out, "{value}");
    }

    fn nested(&mut self, key: &str) -> CanonicalObject<'_> {
        self.key(key);
        CanonicalObject::open(self.out)
    }

    fn close(self) {
        self.out.push('}');
    }
}

fn read_list<T: for<'de> Deserialize<'de>>(
    object: &Map<String, Value>,
    key: &'static str,
    path: &Path,
    problems: &mut Problems,
) -> Vec<T> {
    let Some(value) = object.get(key) else {
        return Vec::new();
    };
    let Value::Array(items) = value else {
        problems.push(
            Problem::new(crate::problem::codes::INVALID_TYPE, path.join(key))
                .with("field", key)
                .with("expected", "a list")
                .with("value", json_kind(value)),
        );
        return Vec::new();
    };
    let mut read = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match serde_json::from_value::<T>(item.clone()) {
            Ok(value) => read.push(value),
            Err(error) => problems.push(
                Problem::new(codes::INVALID_LEDGER_ENTRY, path.join(key).join(index))
                    .with("detail", error.to_string()),
            ),
        }
    }
    read
}

impl Serialize for Ledger {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ledger {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value, &Path::root()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::digest::chained_digest;

    #[test]
    fn entry_stays_small() {
        // A season keeps every entry of its ledger, about 100,000 for a
        // district, so the cap note that few entries have is boxed.
        // The 64-bit bound holds on 32-bit targets too (216 bytes on wasm32).
        assert!(
            std::mem::size_of::<Entry>() <= 320,
            "Entry is {} bytes; box fields that few entries set",
            std::mem::size_of::<Entry>()
        );
    }

    /// Writes the canonical form through a JSON value, which
    /// `canonical_entry` must reproduce.
    fn through_value(entry: &Entry) -> String {
        let mut text = String::new();
        write_canonical(&content_of(entry), &mut text);
        text
    }

    /// Returns the JSON form of `entry` without its digest.
    fn content_of(entry: &Entry) -> Value {
        let mut value = serde_json::to_value(entry).unwrap();
        value.as_object_mut().unwrap().remove("digest");
        value
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn accrual() -> Entry {
        Entry {
            id: Uuid::from_u128(0x0a),
            kind: EntryKind::Accrue,
            learner_id: LearnerId(Uuid::from_u128(0x0b)),
            rule_set_id: "community".to_owned(),
            rule_set_version: 2,
            rule_id: Some("course_hours".to_owned()),
            outcome_kind: Some(OutcomeKind::Attendance),
            category: Category::new("tai_chi"),
            source: Some("course:00000000-0000-0000-0000-00000000000c".to_owned()),
            outcome_ids: vec![OutcomeId(Uuid::from_u128(1)), OutcomeId(Uuid::from_u128(2))],
            occurred_on: day("2026-05-09"),
            recorded_on: day("2026-06-30"),
            amount: "0.90".parse().unwrap(),
            basis: Some(Basis {
                minutes: 540,
                raw_minutes: 600,
                events: 6,
                unrounded: "1/6".to_owned(),
                rounded: "0.90".parse().unwrap(),
                already_banked: Some("0.10".parse().unwrap()),
            }),
            expires_on: Some(day("2031-05-09")),
            cap: None,
            reverses: None,
            reason: None,
            digest: "left out".to_owned(),
        }
    }

    #[test]
    fn canonical_entry_matches_json_value_form() {
        let accrued = accrual();
        let mut capped = accrual();
        capped.kind = EntryKind::Capped;
        capped.amount = Credits::ZERO;
        capped.cap = Some(Box::new(CapNote {
            id: "club_activity_year".to_owned(),
            limit: Limit::Amount("2.00".parse().unwrap()),
            period_start: Some(day("2026-01-01")),
            period_end: Some(day("2026-12-31")),
            excess: "0.30".parse().unwrap(),
        }));
        let mut counted = capped.clone();
        counted.cap = Some(Box::new(CapNote {
            id: "count \"cap\"".to_owned(),
            limit: Limit::Count(3),
            period_start: None,
            period_end: None,
            excess: "1.00".parse().unwrap(),
        }));
        let mut revoked = accrual();
        revoked.kind = EntryKind::Revoke;
        revoked.amount = "-0.90".parse().unwrap();
        revoked.basis = None;
        revoked.expires_on = None;
        revoked.reverses = Some(Uuid::from_u128(0x0a));
        revoked.reason = Some("entered \"twice\"\n\t重复 \u{1}\\".to_owned());
        let adjusted = Entry {
            kind: EntryKind::Adjust,
            rule_id: None,
            outcome_kind: None,
            category: None,
            source: None,
            outcome_ids: Vec::new(),
            basis: None,
            expires_on: None,
            reason: Some("manual".to_owned()),
            ..accrual()
        };
        // Ids with every hex digit in every group, and the smallest and
        // largest ids, so that a digit written in the wrong place shows.
        let mut mixed_ids = revoked.clone();
        mixed_ids.id = Uuid::from_u128(0x0123_4567_89ab_cdef_fedc_ba98_7654_3210);
        mixed_ids.learner_id =
            LearnerId(Uuid::from_u128(0xfedc_ba98_7654_3210_0123_4567_89ab_cdef));
        mixed_ids.reverses = Some(Uuid::from_u128(u128::MAX));
        mixed_ids.outcome_ids = vec![
            OutcomeId(Uuid::from_u128(0)),
            OutcomeId(Uuid::from_u128(0x89ab_cdef_0123_4567_7654_3210_fedc_ba98)),
            OutcomeId(Uuid::from_u128(u128::MAX)),
        ];
        for entry in [accrued, capped, counted, revoked, adjusted, mixed_ids] {
            let direct = canonical_entry(&entry);
            assert_eq!(direct, through_value(&entry));
            assert_eq!(
                chained_digest_of_text(CHAIN_START, &direct),
                chained_digest(CHAIN_START, &content_of(&entry))
            );
        }
    }

    #[test]
    fn canonical_entry_of_accrual_by_hand() {
        let mut entry = accrual();
        entry.basis = None;
        entry.outcome_ids.truncate(1);
        entry.expires_on = None;
        assert_eq!(
            canonical_entry(&entry),
            concat!(
                r#"{"amount":"0.90","category":"tai_chi","#,
                r#""id":"00000000-0000-0000-0000-00000000000a","kind":"accrue","#,
                r#""learner_id":"00000000-0000-0000-0000-00000000000b","#,
                r#""occurred_on":"2026-05-09","#,
                r#""outcome_ids":["00000000-0000-0000-0000-000000000001"],"#,
                r#""outcome_kind":"attendance","recorded_on":"2026-06-30","#,
                r#""rule_id":"course_hours","rule_set_id":"community","rule_set_version":2,"#,
                r#""source":"course:00000000-0000-0000-0000-00000000000c"}"#
            )
        );
    }

    /// Recording on rayon pools of different sizes, against the digests a
    /// serial chain over each entry's JSON value gives.
    #[cfg(feature = "parallel")]
    mod on_pools {
        use super::*;
        use crate::credit::{CreditContext, compute_credits, presets};
        use crate::model::Outcome;
        use crate::record::Record;

        const LEARNERS: u128 = 30;

        use crate::test_pool::pool;

        /// Makes a volunteer service of `minutes` by learner `index % LEARNERS`,
        /// with outcome id `index`.
        fn service(index: u128, minutes: u32) -> Outcome {
            let value = serde_json::json!({
                "id": Uuid::from_u128(0x9000 + index).to_string(),
                "learner_id": Uuid::from_u128(0x2000 + index % LEARNERS).to_string(),
                "kind": "volunteer_service",
                "occurred_on": format!("2026-03-{:02}", index % 28 + 1),
                "minutes": minutes,
            });
            Outcome::from_json(&value, &Path::root()).unwrap()
        }

        /// The service whose entry is revoked by hand and comes out the
        /// same in the second run.
        const HELD: u128 = 500;
        /// The service whose entry is revoked by hand and comes out with
        /// another basis in the second run.
        const RENEWED: u128 = 600;

        /// Finds the first entry that credits service `index`.
        fn entry_of(ledger: &Ledger, index: u128) -> &Entry {
            let outcome = OutcomeId(Uuid::from_u128(0x9000 + index));
            ledger
                .entries()
                .iter()
                .find(|entry| entry.outcome_ids.contains(&outcome))
                .unwrap()
        }

        fn computation(outcomes: &[Outcome]) -> Computation {
            compute_credits(&presets::community(), &CreditContext::default(), outcomes).unwrap()
        }

        /// Records `computation` on `recorded_on` with `record_owned` when
        /// `owned` is set, else with `record_in_place`.
        fn record(
            ledger: &mut Ledger,
            computation: Computation,
            recorded_on: NaiveDate,
            owned: bool,
        ) {
            if owned {
                let expected = computation.skipped.clone();
                let skipped = ledger.record_owned(computation, recorded_on).unwrap();
                assert_eq!(skipped, expected);
            } else {
                ledger.record_in_place(&computation, recorded_on).unwrap();
            }
        }

        /// Records a first run of 3,000 services, revokes two of its entries
        /// by hand, and records a second run that drops 100 services, changes
        /// the amount of 100 and the basis only of one revoked entry.
        fn two_runs() -> (Ledger, usize) {
            two_runs_recorded(false)
        }

        /// Makes the two runs of [`two_runs`], recording each with
        /// `record_owned` when `owned` is set.
        fn two_runs_recorded(owned: bool) -> (Ledger, usize) {
            let first: Vec<Outcome> = (0..3000).map(|index| service(index, 180)).collect();
            let mut ledger = Ledger::new();
            record(&mut ledger, computation(&first), day("2026-04-01"), owned);
            for index in [HELD, RENEWED] {
                let id = entry_of(&ledger, index).id;
                ledger
                    .revoke(id, day("2026-04-02"), "entered twice".into())
                    .unwrap();
            }
            let before = ledger.entries().len();

            let mut second = first;
            second.truncate(2900);
            for outcome in &mut second[100..200] {
                outcome.minutes = Some(240);
            }
            // 190 minutes are still three full hours, so only the basis
            // changes.
            second[RENEWED as usize].minutes = Some(190);
            record(&mut ledger, computation(&second), day("2026-05-01"), owned);
            (ledger, before)
        }

        #[test]
        fn record_owned_same_as_in_place() {
            for threads in [1, 3] {
                let (copied, before) = pool(threads).install(|| two_runs_recorded(false));
                let (owned, owned_before) = pool(threads).install(|| two_runs_recorded(true));
                assert_eq!(before, owned_before);
                assert_eq!(copied.rule_sets(), owned.rule_sets());
                // The second run both reverses entries and appends fresh
                // ones, so both halves of a recording are compared.
                let second = &owned.entries()[before..];
                assert!(second.iter().any(|entry| entry.kind == EntryKind::Revoke));
                assert!(second.iter().any(|entry| entry.kind == EntryKind::Accrue));
                assert_eq!(copied.entries().len(), owned.entries().len());
                for (a, b) in copied.entries().iter().zip(owned.entries()) {
                    assert_eq!(a, b);
                }
            }
        }

        #[test]
        fn record_same_on_pools_of_one_and_three() {
            let (one, before) = pool(1).install(two_runs);
            let (three, before_three) = pool(3).install(two_runs);
            assert_eq!(before, before_three);
            assert_eq!(one.entries().len(), three.entries().len());
            for (a, b) in one.entries().iter().zip(three.entries()) {
                assert_eq!(a, b);
            }
        }

        #[test]
        fn record_chains_digests_in_order() {
            let (ledger, _) = pool(3).install(two_runs);
            let mut previous = CHAIN_START.to_owned();
            for entry in ledger.entries() {
                let expected = chained_digest(&previous, &content_of(entry));
                assert_eq!(entry.digest, expected, "digest of entry {}", entry.id);
                previous.clone_from(&entry.digest);
            }
        }

        /// Returns the codes of `problems`.
        fn codes(problems: &Problems) -> Vec<&'static str> {
            problems
                .iter()
                .map(|problem| problem.code.as_str())
                .collect()
        }

        #[test]
        fn record_errors_same_on_pools() {
            for threads in [1, 3] {
                pool(threads).install(|| {
                    let outcomes: Vec<Outcome> = (0..50).map(|index| service(index, 180)).collect();
                    let computation = computation(&outcomes);
                    let mut ledger = Ledger::new();
                    ledger
                        .record_in_place(&computation, day("2026-04-01"))
                        .unwrap();
                    let before = ledger.clone();

                    let early = ledger
                        .record_in_place(&computation, day("2026-03-31"))
                        .unwrap_err();
                    assert_eq!(codes(&early), ["recorded_before_ledger"]);
                    assert_eq!(ledger, before, "{threads} threads");

                    let mut changed = computation.clone();
                    changed.rule_set.fingerprint = Uuid::from_u128(0xc4a5);
                    let problems = ledger
                        .record_in_place(&changed, day("2026-05-01"))
                        .unwrap_err();
                    assert_eq!(codes(&problems), ["rule_set_changed"]);
                    assert_eq!(ledger, before, "{threads} threads");
                });
            }
        }

        #[test]
        fn record_appends_reversals_then_accruals() {
            let (ledger, before) = pool(3).install(two_runs);
            let appended = &ledger.entries()[before..];
            let kinds: Vec<EntryKind> = appended.iter().map(|entry| entry.kind).collect();
            let revokes = kinds
                .iter()
                .take_while(|&&kind| kind == EntryKind::Revoke)
                .count();
            // 100 dropped and 100 changed services are revoked, then the 100
            // changed ones and the renewed one are accrued.
            assert_eq!(revokes, 200);
            assert_eq!(kinds.len(), 301);
            assert!(
                kinds[revokes..]
                    .iter()
                    .all(|&kind| kind == EntryKind::Accrue)
            );

            // The entry revoked by hand whose accrual came out the same
            // stays revoked, and the one whose basis changed is accrued
            // again under a new id.
            let held = entry_of(&ledger, HELD);
            let renewed = entry_of(&ledger, RENEWED);
            let sources: Vec<&Option<String>> =
                appended.iter().map(|entry| &entry.source).collect();
            assert!(!sources.contains(&&held.source));
            let again: Vec<&Entry> = appended
                .iter()
                .filter(|entry| entry.source == renewed.source && entry.kind == EntryKind::Accrue)
                .collect();
            assert_eq!(again.len(), 1);
            assert_ne!(again[0].id, renewed.id);
            assert_eq!(again[0].basis.as_ref().unwrap().minutes, 190);
        }
    }

    /// Recording that revokes and accrues the same accruals again, over
    /// more entries than one digest step holds, with and without the
    /// `parallel` feature.
    mod generations {
        use super::*;
        use crate::credit::{CreditContext, compute_credits, presets};
        use crate::model::Outcome;
        use crate::record::Record;

        const SERVICES: u128 = 1500;
        /// The services that every run computes; the others come and go.
        const STAYING: usize = 500;

        /// Makes a volunteer service of three hours with outcome id
        /// `index`, each by its own learner so that no cap ties them.
        fn service(index: u128) -> Outcome {
            let value = serde_json::json!({
                "id": Uuid::from_u128(0x9000 + index).to_string(),
                "learner_id": Uuid::from_u128(0x20_0000 + index).to_string(),
                "kind": "volunteer_service",
                "occurred_on": format!("2026-03-{:02}", index % 28 + 1),
                "minutes": 180,
            });
            Outcome::from_json(&value, &Path::root()).unwrap()
        }

        fn computation(outcomes: &[Outcome]) -> Computation {
            compute_credits(&presets::community(), &CreditContext::default(), outcomes).unwrap()
        }

        /// Records all services, then only the staying ones, in turn, for
        /// five runs: the others are revoked twice by recordings and come
        /// back a third time.
        fn alternating_runs() -> (Ledger, Computation) {
            let services: Vec<Outcome> = (0..SERVICES).map(service).collect();
            let all = computation(&services);
            let staying = computation(&services[..STAYING]);
            let mut ledger = Ledger::new();
            for (run, computation) in [&all, &staying, &all, &staying, &all]
                .into_iter()
                .enumerate()
            {
                ledger
                    .record_in_place(computation, day(&format!("2026-04-0{}", run + 1)))
                    .unwrap();
            }
            (ledger, all)
        }

        #[test]
        fn record_accrues_generation_two() {
            let (ledger, all) = alternating_runs();
            let coming = SERVICES as usize - STAYING;
            // 1,500 accruals, then twice 1,000 revocations and 1,000
            // accruals again.
            assert_eq!(ledger.entries().len(), SERVICES as usize + 4 * coming);
            let revoked = ledger.revocations();
            let live: Vec<&Entry> = ledger
                .entries()
                .iter()
                .filter(|entry| entry.kind == EntryKind::Accrue)
                .filter(|entry| !revoked.contains_key(&entry.id))
                .collect();
            assert_eq!(live.len(), SERVICES as usize);
            for accrual in &all.accruals {
                let outcome = accrual.outcome_ids[0].0.as_u128() - 0x9000;
                let generation = if outcome < STAYING as u128 { 0 } else { 2 };
                let id = accrual_id(accrual, &all.rule_set, generation);
                let matching: Vec<&&Entry> = live.iter().filter(|entry| entry.id == id).collect();
                assert_eq!(matching.len(), 1, "live entry of service {outcome}");
            }
        }

        #[test]
        fn record_chains_digests_across_steps() {
            let (ledger, _) = alternating_runs();
            let mut previous = CHAIN_START.to_owned();
            for (position, entry) in ledger.entries().iter().enumerate() {
                let expected = chained_digest(&previous, &content_of(entry));
                assert_eq!(entry.digest, expected, "digest of entry {position}");
                previous.clone_from(&entry.digest);
            }
        }

        #[cfg(feature = "parallel")]
        #[test]
        fn record_same_on_pools_of_one_to_three() {
            let (expected, _) = alternating_runs();
            for threads in 1..=3 {
                let pool = crate::test_pool::pool(threads);
                let (ledger, _) = pool.install(alternating_runs);
                assert_eq!(ledger, expected, "{threads} threads");
            }
        }

        /// Sets two accruals of the first learner to amounts whose sum
        /// overflows an amount.
        fn overflowing(mut computation: Computation) -> Computation {
            let huge: Credits = "60000000000000000.00".parse().unwrap();
            let learner = computation.accruals[0].learner_id;
            computation.accruals[0].amount = huge;
            computation.accruals[1].learner_id = learner;
            computation.accruals[1].amount = huge;
            computation
        }

        #[test]
        fn record_overflow_leaves_empty_ledger() {
            let services: Vec<Outcome> = (0..SERVICES).map(service).collect();
            let mut ledger = Ledger::new();
            let problems = ledger
                .record_in_place(&overflowing(computation(&services)), day("2026-04-01"))
                .unwrap_err();
            assert_eq!(
                problems.iter().next().unwrap().code.as_str(),
                "amount_overflow"
            );
            assert_eq!(ledger, Ledger::new());
        }

        #[test]
        fn record_overflow_leaves_ledger_unchanged() {
            let (mut ledger, all) = alternating_runs();
            let before = ledger.clone();
            let problems = ledger
                .record_in_place(&overflowing(all), day("2026-04-09"))
                .unwrap_err();
            assert_eq!(
                problems.iter().next().unwrap().code.as_str(),
                "amount_overflow"
            );
            assert_eq!(ledger, before);
            // The ledger still records a computation after the error.
            let services: Vec<Outcome> = (0..SERVICES).map(service).collect();
            ledger
                .record_in_place(&computation(&services[..STAYING]), day("2026-04-09"))
                .unwrap();
            let revocations = SERVICES as usize - STAYING;
            assert_eq!(ledger.entries().len(), before.entries().len() + revocations);
        }
    }

    /// `record_owned` against `record` on one ledger through accruals,
    /// caps, expiries, reversals of expired entries, revocations by hand,
    /// two rule sets, a computation limited to some learners and every
    /// error, with and without the `parallel` feature.
    mod owned {
        use super::*;
        use crate::credit::{CreditContext, compute_credits, presets};
        use crate::model::Outcome;
        use crate::record::Record;

        const LEARNERS: u128 = 30;

        /// Makes a volunteer service of `minutes` by learner
        /// `index % LEARNERS`, with outcome id `index`, on `occurred_on`.
        fn service(index: u128, minutes: u32, occurred_on: &str) -> Outcome {
            let value = serde_json::json!({
                "id": Uuid::from_u128(0x9000 + index).to_string(),
                "learner_id": Uuid::from_u128(0x2000 + index % LEARNERS).to_string(),
                "kind": "volunteer_service",
                "occurred_on": occurred_on,
                "minutes": minutes,
            });
            Outcome::from_json(&value, &Path::root()).unwrap()
        }

        /// Makes services `indexes` of three hours in March 2026. Service 0
        /// is 1,000 hours, over the yearly cap, and service 1 lasts 10
        /// minutes, which credits nothing and is skipped.
        fn services(indexes: std::ops::Range<u128>, minutes: u32) -> Vec<Outcome> {
            indexes
                .map(|index| {
                    let minutes = match index {
                        0 => 60_000,
                        1 => 10,
                        _ => minutes,
                    };
                    service(index, minutes, &format!("2026-03-{:02}", index % 28 + 1))
                })
                .collect()
        }

        /// Makes services `indexes` under another id range, on days of
        /// 2025: those before April expire by April 2026 under a one-year
        /// validity.
        fn old_services(indexes: std::ops::Range<u128>) -> Vec<Outcome> {
            indexes
                .map(|index| {
                    let month = index % 12 + 1;
                    service(0x1000 + index, 240, &format!("2025-{month:02}-15"))
                })
                .collect()
        }

        /// Returns the community rules under another id, each valid for one
        /// year.
        fn expiring() -> crate::credit::RuleSet {
            let mut rule_set = presets::community();
            rule_set.id = "community_expiring".to_owned();
            rule_set.version = 1;
            for rule in &mut rule_set.rules {
                rule.validity_years = Some(1);
            }
            rule_set
        }

        fn community(outcomes: &[Outcome]) -> Computation {
            compute_credits(&presets::community(), &CreditContext::default(), outcomes).unwrap()
        }

        fn codes(problems: &Problems) -> Vec<&'static str> {
            problems
                .iter()
                .map(|problem| problem.code.as_str())
                .collect()
        }

        /// Records `computation` on a copy of `ledger` with `record` and on
        /// another with `record_owned`, checks that both give the same
        /// ledger, entries, skipped outcomes or error, and returns the
        /// ledger or the error codes.
        fn record_both(
            ledger: &Ledger,
            computation: &Computation,
            recorded_on: &str,
        ) -> Result<Ledger, Vec<&'static str>> {
            let recorded_on = day(recorded_on);
            let mut by_record = ledger.clone();
            let mut by_owned = ledger.clone();
            let recorded = by_record.record(computation, recorded_on);
            let owned = by_owned.record_owned(computation.clone(), recorded_on);
            assert_eq!(by_owned, by_record);
            match (recorded, owned) {
                (Ok(appended), Ok(skipped)) => {
                    assert_eq!(skipped, computation.skipped);
                    assert_eq!(&by_owned.entries()[ledger.entries().len()..], appended);
                    Ok(by_owned)
                }
                (Err(recorded), Err(owned)) => {
                    assert_eq!(owned, recorded);
                    assert_eq!(&by_owned, ledger);
                    Err(codes(&owned))
                }
                (recorded, owned) => panic!("record gave {recorded:?}, record_owned {owned:?}"),
            }
        }

        /// Returns the number of entries of `kind` after the first `from`.
        fn count(ledger: &Ledger, from: usize, kind: EntryKind) -> usize {
            ledger.entries()[from..]
                .iter()
                .filter(|entry| entry.kind == kind)
                .count()
        }

        fn scenario() {
            let first = community(&services(0..300, 180));
            let short = OutcomeId(Uuid::from_u128(0x9001));
            assert!(
                first
                    .skipped
                    .iter()
                    .any(|skipped| skipped.outcome_ids == [short])
            );
            let ledger = record_both(&Ledger::new(), &first, "2026-04-01").unwrap();
            assert!(count(&ledger, 0, EntryKind::Capped) > 0);

            let old = compute_credits(
                &expiring(),
                &CreditContext::default(),
                &old_services(0..120),
            )
            .unwrap();
            let before = ledger.entries().len();
            let mut ledger = record_both(&ledger, &old, "2026-04-01").unwrap();
            assert!(count(&ledger, before, EntryKind::Expire) > 0);

            for index in [50, 60] {
                let outcome = OutcomeId(Uuid::from_u128(0x9000 + index));
                let id = ledger
                    .entries()
                    .iter()
                    .find(|entry| entry.outcome_ids.contains(&outcome))
                    .unwrap()
                    .id;
                ledger
                    .revoke(id, day("2026-04-02"), "entered twice".to_owned())
                    .unwrap();
            }

            // The second run drops 20 services, lengthens 20 and changes the
            // basis only of the second entry revoked by hand.
            let mut second = services(20..300, 180);
            for outcome in &mut second[..20] {
                outcome.minutes = Some(300);
            }
            second[40].minutes = Some(190);
            let before = ledger.entries().len();
            let ledger = record_both(&ledger, &community(&second), "2026-05-01").unwrap();
            assert!(count(&ledger, before, EntryKind::Revoke) >= 40);
            assert!(count(&ledger, before, EntryKind::Accrue) >= 21);

            // Dropping expired accruals reverses their expiries too.
            let fewer =
                compute_credits(&expiring(), &CreditContext::default(), &old_services(0..60))
                    .unwrap();
            let before = ledger.entries().len();
            let ledger = record_both(&ledger, &fewer, "2026-05-01").unwrap();
            let reversed_expiries = ledger.entries()[before..]
                .iter()
                .filter(|entry| entry.kind == EntryKind::Revoke)
                .filter_map(|entry| entry.reverses)
                .filter(|id| {
                    ledger
                        .entries()
                        .iter()
                        .any(|entry| entry.id == *id && entry.kind == EntryKind::Expire)
                })
                .count();
            assert!(reversed_expiries > 0);

            let some = CreditContext::default().with_learners(
                (0..3).map(|index| crate::id::LearnerId(Uuid::from_u128(0x2000 + index))),
            );
            let limited =
                compute_credits(&presets::community(), &some, &services(100..200, 120)).unwrap();
            let ledger = record_both(&ledger, &limited, "2026-05-02").unwrap();

            let latest = community(&second);
            assert_eq!(
                record_both(&ledger, &latest, "2026-04-30").unwrap_err(),
                ["recorded_before_ledger"]
            );
            let late = community(&[service(7, 180, "2026-06-01")]);
            assert_eq!(
                record_both(&ledger, &late, "2026-05-03").unwrap_err(),
                ["occurred_after_recording"]
            );
            let mut draft = latest.clone();
            draft.status = RuleSetStatus::Draft;
            assert_eq!(
                record_both(&ledger, &draft, "2026-05-03").unwrap_err(),
                ["rule_set_not_published"]
            );
            let mut changed = latest.clone();
            changed.rule_set.fingerprint = Uuid::from_u128(0xc4a5);
            assert_eq!(
                record_both(&ledger, &changed, "2026-05-03").unwrap_err(),
                ["rule_set_changed"]
            );
            let mut overflowing = latest;
            let huge: Credits = "60000000000000000.00".parse().unwrap();
            let learner = overflowing.accruals[0].learner_id;
            overflowing.accruals[0].amount = huge;
            overflowing.accruals[1].learner_id = learner;
            overflowing.accruals[1].amount = huge;
            assert_eq!(
                record_both(&ledger, &overflowing, "2026-05-03").unwrap_err(),
                ["amount_overflow"]
            );
            // A new rule set pinned before the overflow is unpinned again.
            let mut renamed = overflowing;
            renamed.rule_set.id = "renamed".to_owned();
            assert_eq!(
                record_both(&ledger, &renamed, "2026-05-03").unwrap_err(),
                ["amount_overflow"]
            );
        }

        #[test]
        fn record_owned_same_as_record() {
            scenario();
        }

        #[cfg(feature = "parallel")]
        #[test]
        fn record_owned_same_as_record_on_pools() {
            for threads in [1, 3] {
                crate::test_pool::pool(threads).install(scenario);
            }
        }
    }
}
