//! Credit-bank deposit batches: ledger entries as JSON Lines, one deposit a
//! line, each with an idempotency key so that a batch sent twice creates
//! nothing twice.
//!
//! The key of a deposit is a UUID version 5 over the platform and the entry
//! id, and entry ids are themselves deterministic, so re-exporting the same
//! ledger gives the same keys. Revocations and expiries are exported as
//! such, with the key of the deposit they reverse; nothing is exported as an
//! edit.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::decimal::Credits;
use crate::id::{LearnerId, NamespacedV5, OutcomeId, namespaced_v5};
use crate::model::{Category, OutcomeKind};
use crate::problem::{Path, Problem, Problems};

use super::ledger::{Entry, EntryKind, Ledger};
use super::xapi::check_iri;

/// The `format` of each deposit line.
pub const DEPOSIT_FORMAT: &str = "xuetong.credit-bank-deposit/1";

crate::text_enum! {
    /// What a deposit asks the credit bank to do.
    pub enum DepositOperation {
        /// Credit an amount.
        Deposit = "deposit",
        /// Record an amount withheld by a cap (zero value).
        Capped = "capped",
        /// Reverse an earlier deposit.
        Revoke = "revoke",
        /// End the validity of an earlier deposit.
        Expire = "expire",
        /// Apply a manual correction.
        Adjust = "adjust",
    }
}

/// Which entries go into a batch, and for which platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepositOptions {
    /// The platform's home page, an absolute http or https URL; it is part of
    /// every idempotency key, without any trailing slash.
    pub platform: String,
    /// The first recording date exported, if limited.
    pub recorded_from: Option<NaiveDate>,
    /// The last recording date exported, if limited.
    pub recorded_to: Option<NaiveDate>,
    /// Whether zero-value capped entries (and their reversals) are exported.
    pub include_zero: bool,
}

/// One line of a deposit batch.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deposit {
    /// Always [`DEPOSIT_FORMAT`].
    pub format: &'static str,
    /// The key the credit bank uses to ignore a repeated deposit.
    pub idempotency_key: Uuid,
    /// What the deposit does.
    pub operation: DepositOperation,
    /// The platform's home page.
    pub platform: String,
    /// Whose credits.
    pub learner_id: LearnerId,
    /// The ledger entry exported.
    pub entry_id: Uuid,
    /// The rule set.
    pub rule_set_id: String,
    /// The rule set's version.
    pub rule_set_version: u32,
    /// The rule, except for adjustments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    /// The outcome kind, except for adjustments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome_kind: Option<OutcomeKind>,
    /// The category, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The outcomes behind the amount.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outcome_ids: Vec<OutcomeId>,
    /// When the learning happened.
    pub occurred_on: NaiveDate,
    /// When the entry was recorded.
    pub recorded_on: NaiveDate,
    /// The amount, as a decimal string; negative for reversals.
    pub amount: Credits,
    /// The first day a deposit is no longer valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<NaiveDate>,
    /// The idempotency key of the deposit that a revocation or expiry
    /// reverses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverses_key: Option<Uuid>,
    /// Why a revocation or adjustment was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A batch of deposits.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DepositBatch {
    /// A UUID version 5 over the platform and every idempotency key, so the
    /// same batch always has the same id.
    pub batch_id: Uuid,
    /// The deposits, in ledger order.
    pub deposits: Vec<Deposit>,
}

impl DepositBatch {
    /// The batch as JSON Lines: one deposit per line, each line ending in a
    /// newline.
    pub fn to_json_lines(&self) -> String {
        let mut out = String::new();
        for deposit in &self.deposits {
            if let Ok(line) = serde_json::to_string(deposit) {
                out.push_str(&line);
                out.push('\n');
            }
        }
        out
    }
}

/// The idempotency key of the deposit of entry `entry` from `platform`.
fn deposit_key(platform: &str, entry: Uuid) -> Uuid {
    let mut buffer = Uuid::encode_buffer();
    let entry = entry.hyphenated().encode_lower(&mut buffer);
    namespaced_v5(&[
        b"credit_bank_deposit:",
        platform.as_bytes(),
        b":",
        entry.as_bytes(),
    ])
}

/// Writes the entries of `ledger` selected by `options` as a deposit batch.
///
/// # Errors
///
/// `invalid_iri` when the platform is not an absolute http or https URL,
/// and `ends_before_start` when `recorded_to` is earlier than
/// `recorded_from`, which would select nothing.
pub fn deposit_batch(ledger: &Ledger, options: &DepositOptions) -> Result<DepositBatch, Problems> {
    let platform = deposit_platform(options);
    let deposits: Vec<Deposit> = batch_deposits(ledger, options)?.collect();
    let mut name = format!("credit_bank_batch:{platform}");
    for deposit in &deposits {
        name.push(':');
        name.push_str(&deposit.idempotency_key.to_string());
    }
    Ok(DepositBatch {
        batch_id: namespaced_v5(&[name.as_bytes()]),
        deposits,
    })
}

/// The id and size of a deposit batch, without its deposits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DepositBatchSummary {
    /// The id that [`DepositBatch::batch_id`] has.
    pub batch_id: Uuid,
    /// The number of deposits in the batch.
    pub deposits: usize,
}

/// Computes the id and the number of deposits of the batch that
/// [`deposit_batch`] makes, from the idempotency keys of the selected
/// entries alone: no deposit is built, and a large batch is never held in
/// memory.
///
/// # Errors
///
/// As [`deposit_batch`].
///
/// # Example
///
/// ```
/// use xuetong::credit::{DepositOptions, Ledger, deposit_batch, deposit_batch_summary};
///
/// let options = DepositOptions {
///     platform: "https://learn.example.org".to_owned(),
///     recorded_from: None,
///     recorded_to: None,
///     include_zero: false,
/// };
/// let ledger = Ledger::default();
/// let summary = deposit_batch_summary(&ledger, &options)?;
/// assert_eq!(summary.deposits, 0);
/// assert_eq!(summary.batch_id, deposit_batch(&ledger, &options)?.batch_id);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn deposit_batch_summary(
    ledger: &Ledger,
    options: &DepositOptions,
) -> Result<DepositBatchSummary, Problems> {
    let platform = deposit_platform(options);
    let mut name = NamespacedV5::new();
    name.update(b"credit_bank_batch:");
    name.update(platform.as_bytes());
    let mut deposits = 0;
    let mut key = Uuid::encode_buffer();
    // Only the keys enter the id, so no deposit is built.
    for entry in selected_entries(ledger, options)? {
        let idempotency_key = deposit_key(platform, entry.id);
        name.update(b":");
        name.update(
            idempotency_key
                .hyphenated()
                .encode_lower(&mut key)
                .as_bytes(),
        );
        deposits += 1;
    }
    Ok(DepositBatchSummary {
        batch_id: name.finish(),
        deposits,
    })
}

/// Makes the deposits of [`deposit_batch`] one at a time, in ledger order.
/// A writer can stream a large batch this way instead of holding every
/// deposit at once. The batch id is not computed.
///
/// # Errors
///
/// As [`deposit_batch`].
pub fn batch_deposits<'l>(
    ledger: &'l Ledger,
    options: &'l DepositOptions,
) -> Result<impl Iterator<Item = Deposit> + 'l, Problems> {
    let platform = deposit_platform(options);
    Ok(selected_entries(ledger, options)?.map(move |entry| deposit(entry, platform)))
}

/// Checks the options and returns the entries of `ledger` that a batch
/// exports, in ledger order: those recorded in the chosen dates, and the
/// zero-value capped entries and their reversals only with `include_zero`.
fn selected_entries<'l>(
    ledger: &'l Ledger,
    options: &'l DepositOptions,
) -> Result<impl Iterator<Item = &'l Entry> + 'l, Problems> {
    // A trailing slash does not make another platform, so it does not change
    // the keys either (xAPI home pages are trimmed the same way).
    let platform = deposit_platform(options);
    let mut problems = Problems::new();
    problems.extend(check_iri(
        platform,
        "platform",
        Path::root().join("platform"),
    ));
    if let (Some(from), Some(to)) = (options.recorded_from, options.recorded_to)
        && to < from
    {
        problems.push(
            Problem::new(
                crate::model::codes::ENDS_BEFORE_START,
                Path::root().join("recorded_to"),
            )
            .with("field", "recorded_to")
            .with("value", to.to_string())
            .with("other_field", "recorded_from")
            .with("other_value", from.to_string()),
        );
    }
    problems.into_result(())?;
    let zero_entries: std::collections::HashSet<Uuid> = ledger
        .entries()
        .iter()
        .filter(|entry| entry.kind == EntryKind::Capped)
        .map(|entry| entry.id)
        .collect();
    let selected = ledger
        .entries()
        .iter()
        .filter(|entry| {
            options
                .recorded_from
                .is_none_or(|from| entry.recorded_on >= from)
                && options.recorded_to.is_none_or(|to| entry.recorded_on <= to)
        })
        .filter(move |entry| {
            options.include_zero
                || !(entry.kind == EntryKind::Capped
                    || entry
                        .reverses
                        .is_some_and(|target| zero_entries.contains(&target)))
        });
    Ok(selected)
}

/// Returns the platform of the deposits: the option without a trailing
/// slash.
fn deposit_platform(options: &DepositOptions) -> &str {
    options.platform.trim_end_matches('/')
}

fn deposit(entry: &Entry, platform: &str) -> Deposit {
    let operation = match entry.kind {
        EntryKind::Accrue => DepositOperation::Deposit,
        EntryKind::Capped => DepositOperation::Capped,
        EntryKind::Revoke => DepositOperation::Revoke,
        EntryKind::Expire => DepositOperation::Expire,
        EntryKind::Adjust => DepositOperation::Adjust,
    };
    Deposit {
        format: DEPOSIT_FORMAT,
        idempotency_key: deposit_key(platform, entry.id),
        operation,
        platform: platform.to_owned(),
        learner_id: entry.learner_id,
        entry_id: entry.id,
        rule_set_id: entry.rule_set_id.clone(),
        rule_set_version: entry.rule_set_version,
        rule_id: entry.rule_id.clone(),
        outcome_kind: entry.outcome_kind,
        category: entry.category.clone(),
        outcome_ids: entry.outcome_ids.clone(),
        occurred_on: entry.occurred_on,
        recorded_on: entry.recorded_on,
        amount: entry.amount,
        expires_on: entry.expires_on,
        reverses_key: entry.reverses.map(|target| deposit_key(platform, target)),
        reason: entry.reason.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::NAMESPACE;

    #[test]
    fn deposit_key_is_v5_of_name() {
        let entry = Uuid::from_u128(0x0f8f_ad5b_d9cb_469f_a165_7086_7728_950e);
        let name =
            "credit_bank_deposit:https://learn.example.org:0f8fad5b-d9cb-469f-a165-70867728950e";

        let key = deposit_key("https://learn.example.org", entry);

        assert_eq!(key, Uuid::new_v5(&NAMESPACE, name.as_bytes()));
    }
}
