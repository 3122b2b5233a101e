//! The credit files: outcomes, skipped outcomes, the ledger as a table and
//! as a document, transcripts, the credit-bank batch and xAPI statements.

use std::collections::BTreeMap;
use std::io::{self, Write};

use chrono::Datelike;

use crate::credit::{DepositOptions, Entry, LEDGER_FORMAT, batch_deposits};
use crate::decimal::Credits;
use crate::id::LearnerId;
use crate::model::Category;

use super::direct_table::DirectTable;
use super::outcome_rows::write_outcome_rows;
use super::{json_buffer, json_line};
use crate::season::run::Season;
use crate::season::trail::Trail;

pub(super) fn outcomes(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    write_outcome_rows(&season.outcomes, writer)
}

/// The columns of `credits_skipped.csv`.
const SKIPPED_COLUMNS: &[&str] = &[
    "learner_id",
    "outcome_ids",
    "rule_id",
    "reason",
    "amount",
    "credited_instead",
];

pub(super) fn skipped(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = DirectTable::new(writer, SKIPPED_COLUMNS)?;
    for item in &season.skipped {
        table.value(&item.learner_id)?;
        table.value(&item.outcome_ids)?;
        table.cell(item.rule_id.as_deref().unwrap_or(""))?;
        table.cell(item.reason.as_str())?;
        table.optional_display(item.amount)?;
        table.cell(item.credited_instead.as_deref().unwrap_or(""))?;
        table.end_row()?;
    }
    table.finish()
}

/// The columns of `credit_ledger.csv`.
const LEDGER_COLUMNS: &[&str] = &[
    "entry_id",
    "kind",
    "learner_id",
    "rule_set_id",
    "rule_set_version",
    "rule_id",
    "outcome_kind",
    "category",
    "source",
    "outcome_ids",
    "occurred_on",
    "recorded_on",
    "amount",
    "minutes",
    "raw_minutes",
    "events",
    "unrounded",
    "rounded",
    "already_banked",
    "expires_on",
    "cap_id",
    "cap_excess",
    "reverses",
    "reason",
];

pub(super) fn ledger_table(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut table = DirectTable::new(writer, LEDGER_COLUMNS)?;
    for entry in season.ledger.entries() {
        let basis = entry.basis.as_ref();
        let cap = entry.cap.as_ref();
        table.uuid(entry.id)?;
        table.cell(entry.kind.as_str())?;
        table.value(&entry.learner_id)?;
        table.cell(&entry.rule_set_id)?;
        table.value(&entry.rule_set_version)?;
        table.cell(entry.rule_id.as_deref().unwrap_or(""))?;
        table.cell(entry.outcome_kind.map_or("", |kind| kind.as_str()))?;
        table.optional_display(entry.category.as_ref())?;
        table.cell(entry.source.as_deref().unwrap_or(""))?;
        table.value(&entry.outcome_ids)?;
        table.display(&entry.occurred_on)?;
        table.display(&entry.recorded_on)?;
        table.display(&entry.amount)?;
        table.optional_value(basis.map(|basis| &basis.minutes))?;
        table.optional_value(basis.map(|basis| &basis.raw_minutes))?;
        table.optional_value(basis.map(|basis| &basis.events))?;
        table.cell(basis.map_or("", |basis| basis.unrounded.as_str()))?;
        table.optional_display(basis.map(|basis| basis.rounded))?;
        table.optional_display(basis.and_then(|basis| basis.already_banked))?;
        table.optional_display(entry.expires_on)?;
        table.cell(cap.map_or("", |cap| cap.id.as_str()))?;
        table.optional_display(cap.map(|cap| cap.excess))?;
        table.optional_uuid(entry.reverses)?;
        table.cell(entry.reason.as_deref().unwrap_or(""))?;
        table.end_row()?;
    }
    table.finish()
}

/// Writes the ledger document (`xuetong.credit-ledger/1`) one entry a line,
/// without building it in memory first; `Ledger::from_json` reads it back.
pub(super) fn ledger_document(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let mut writer = json_buffer(writer);
    let writer = &mut writer;
    writer.write_all(b"{\"format\":")?;
    serde_json::to_writer(&mut *writer, LEDGER_FORMAT).map_err(io::Error::other)?;
    writer.write_all(b",\"rule_sets\":")?;
    serde_json::to_writer(&mut *writer, season.ledger.rule_sets()).map_err(io::Error::other)?;
    writer.write_all(b",\"entries\":[")?;
    let mut rows = 0u64;
    for entry in season.ledger.entries() {
        writer.write_all(if rows == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *writer, entry).map_err(io::Error::other)?;
        rows += 1;
    }
    writer.write_all(b"\n]}\n")?;
    writer.flush()?;
    Ok(rows)
}

/// The columns of `transcripts.csv`.
const TRANSCRIPT_COLUMNS: &[&str] = &[
    "learner_id",
    "rule_set_id",
    "year",
    "outcome_kind",
    "category",
    "credits",
    "entries",
];

/// The key of one transcript line: learner, rule set, year of occurrence,
/// outcome kind (`adjustment` for adjustments) and category.
type TranscriptKey<'l> = (LearnerId, &'l str, i32, &'static str, Option<&'l Category>);

/// Writes every learner's transcript in one pass over the ledger: the sums
/// of `xuetong::credit::transcript`, one row per learner, rule set, year,
/// kind and category, reversals counted where their entry is.
pub(super) fn transcripts(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let entries = season.ledger.entries();
    let mut table = DirectTable::new(writer, TRANSCRIPT_COLUMNS)?;
    // The rows are ordered by learner first. A run without a previous
    // ledger appends its entries grouped by learner, so each learner's
    // rows are summed and written in turn, and only one learner's totals
    // are held at a time.
    if entries.is_sorted_by_key(|entry| entry.learner_id) {
        for learner_entries in entries.chunk_by(|a, b| a.learner_id == b.learner_id) {
            write_transcript_rows(&mut table, learner_entries)?;
        }
    } else {
        write_transcript_rows(&mut table, entries)?;
    }
    table.finish()
}

/// Writes the transcript rows of `entries`, ordered by [`TranscriptKey`].
fn write_transcript_rows(table: &mut DirectTable<'_>, entries: &[Entry]) -> io::Result<()> {
    let mut totals: BTreeMap<TranscriptKey<'_>, (Credits, u64)> = BTreeMap::new();
    for entry in entries {
        let kind = entry
            .outcome_kind
            .map_or("adjustment", |kind| kind.as_str());
        let key = (
            entry.learner_id,
            entry.rule_set_id.as_str(),
            entry.occurred_on.year(),
            kind,
            entry.category.as_ref(),
        );
        let total = totals.entry(key).or_default();
        total.0 += entry.amount;
        total.1 += 1;
    }
    for ((learner, rule_set, year, kind, category), (credits, entries)) in totals {
        table.value(&learner)?;
        table.cell(rule_set)?;
        table.display(&year)?;
        table.cell(kind)?;
        table.optional_display(category)?;
        table.display(&credits)?;
        table.value(&entries)?;
        table.end_row()?;
    }
    Ok(())
}

impl Season<'_> {
    /// Returns the options of the season's credit-bank deposit batch. The
    /// platform is the home page, and the batch contains the entries
    /// recorded on the run's date without zero-value capped entries. Those
    /// are all of this run's entries and any that an earlier run recorded on
    /// the same date, which the bank's idempotency keys ignore.
    pub fn deposit_options(&self) -> DepositOptions {
        DepositOptions {
            platform: self.xapi_options.home_page.clone(),
            recorded_from: Some(self.recorded_on),
            recorded_to: Some(self.recorded_on),
            include_zero: false,
        }
    }
}

/// Writes the deposit batch one deposit a line, without holding the batch.
pub(super) fn deposits(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    let options = season.deposit_options();
    let deposits = batch_deposits(&season.ledger, &options)
        .map_err(|problems| io::Error::other(problems.to_string()))?;
    let mut writer = json_buffer(writer);
    let mut rows = 0u64;
    for deposit in deposits {
        json_line(&mut writer, &deposit)?;
        rows += 1;
    }
    writer.flush()?;
    Ok(rows)
}

pub(super) fn xapi(season: &Season<'_>, writer: &mut dyn Write) -> io::Result<u64> {
    if !season.xapi {
        return Ok(0);
    }
    let trail = Trail::new(season);
    let mut writer = json_buffer(writer);
    let mut rows = 0u64;
    for statement in trail.statements() {
        let statement = statement.map_err(|problem| io::Error::other(problem.to_string()))?;
        json_line(&mut writer, &statement)?;
        rows += 1;
    }
    writer.flush()?;
    Ok(rows)
}
