//! The files of a season run: CSV for tables, JSON Lines for the credit-bank
//! batch and xAPI statements, and the ledger as a JSON document that the
//! next run reads back. `docs/outputs.md` documents every column.
//!
//! Every writer streams: it writes one row at a time and keeps no copy of
//! the table, so a province season needs no more memory to write than to
//! run.

mod attendance;
mod clubs;
mod credit;
mod direct_table;
mod outcome_rows;
mod statistics;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::attendance::AttendanceReport;
use crate::bundle::{Bundle, BundleError, BundleSink, ReadReport};
use crate::problem::Locale;

use super::run::Season;

pub use clubs::write_rejected_rows;

/// The name of the file listing the rows that reading the bundle rejected
/// (written by [`write_rejected_rows`], beside the files of
/// [`OutputFile`]).
pub const REJECTED_ROWS_FILE: &str = "rejected_rows.csv";

crate::text_enum! {
    /// A file written from a season, named by its file name.
    pub enum OutputFile {
        /// One row per learner and session.
        AttendanceRecords = "attendance_records.csv",
        /// Every rejected scan with its reason.
        RejectedScans = "rejected_scans.csv",
        /// Every scan that changed nothing, with the scan kept instead.
        DuplicateScans = "duplicate_scans.csv",
        /// Rates and completion per learner and course.
        CourseResults = "course_results.csv",
        /// The outcomes the credit rules were applied to, as in a bundle's
        /// `outcomes.csv`.
        Outcomes = "outcomes.csv",
        /// Outcomes that earned nothing, with the reason.
        CreditsSkipped = "credits_skipped.csv",
        /// The ledger's entries as a table.
        CreditLedger = "credit_ledger.csv",
        /// The ledger as a document, for the next run's previous ledger.
        CreditLedgerDocument = "credit_ledger.json",
        /// Each learner's credits by rule set, year, kind and category.
        Transcripts = "transcripts.csv",
        /// The credit-bank deposit batch of the entries recorded on the
        /// run's date.
        CreditBankDeposits = "credit_bank_deposits.jsonl",
        /// xAPI statements of the season's learning trail.
        XapiStatements = "xapi_statements.jsonl",
        /// One row per club and year.
        ClubEvaluations = "club_evaluations.csv",
        /// One row per club, year and scorecard indicator.
        ClubIndicators = "club_indicators.csv",
        /// The figures of each scope over the season's period.
        Statistics = "statistics.csv",
        /// The district learning index: score and rank per district.
        LearningIndex = "learning_index.csv",
        /// Each district's value and normalised score per indicator of the
        /// learning index.
        LearningIndexIndicators = "learning_index_indicators.csv",
    }
}

impl Season<'_> {
    /// The files this season writes: every [`OutputFile`], except xAPI
    /// statements when they were not asked for and the learning index when
    /// the bundle has no district.
    pub fn output_files(&self) -> Vec<OutputFile> {
        OutputFile::ALL
            .iter()
            .copied()
            .filter(|file| match file {
                OutputFile::XapiStatements => self.xapi,
                OutputFile::LearningIndex | OutputFile::LearningIndexIndicators => {
                    self.index.is_some()
                }
                _ => true,
            })
            .collect()
    }
}

/// Writes one output file of `season` to `writer`, with messages in
/// `locale`, and returns the number of rows (or lines) written, headers
/// not counted.
///
/// # Errors
///
/// Returns the I/O error of the writer. Writing a file the season does not
/// produce (xAPI statements without `xapi`, the index without districts) writes
/// only its header, or nothing for JSON Lines.
pub fn write_output(
    season: &Season<'_>,
    file: OutputFile,
    writer: &mut dyn Write,
    locale: Locale,
) -> io::Result<u64> {
    match file {
        OutputFile::AttendanceRecords
        | OutputFile::RejectedScans
        | OutputFile::DuplicateScans
        | OutputFile::CourseResults => {
            write_attendance_output(season.bundle, &season.attendance, file, writer, locale)
        }
        OutputFile::Outcomes => credit::outcomes(season, writer),
        OutputFile::CreditsSkipped => credit::skipped(season, writer),
        OutputFile::CreditLedger => credit::ledger_table(season, writer),
        OutputFile::CreditLedgerDocument => credit::ledger_document(season, writer),
        OutputFile::Transcripts => credit::transcripts(season, writer),
        OutputFile::CreditBankDeposits => credit::deposits(season, writer),
        OutputFile::XapiStatements => credit::xapi(season, writer),
        OutputFile::ClubEvaluations => clubs::evaluations(season, writer, locale),
        OutputFile::ClubIndicators => clubs::indicators(season, writer),
        OutputFile::Statistics => statistics::statistics(season, writer),
        OutputFile::LearningIndex => clubs::learning_index(season, writer),
        OutputFile::LearningIndexIndicators => statistics::index_indicators(season, writer),
    }
}

impl OutputFile {
    /// The files written from the attendance report and the bundle alone,
    /// which are final once the attendance step of a season ends.
    pub const FROM_ATTENDANCE: &'static [OutputFile] = &[
        OutputFile::AttendanceRecords,
        OutputFile::RejectedScans,
        OutputFile::DuplicateScans,
        OutputFile::CourseResults,
    ];
}

/// Writes one file of [`OutputFile::FROM_ATTENDANCE`] from `attendance`
/// and the `bundle` it was evaluated on, as [`write_output`] writes it from
/// the season, and returns the number of rows written.
///
/// # Errors
///
/// Returns the I/O error of the writer, or an error of kind
/// [`io::ErrorKind::InvalidInput`] for a file that needs later steps of
/// the season.
pub fn write_attendance_output(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    file: OutputFile,
    writer: &mut dyn Write,
    locale: Locale,
) -> io::Result<u64> {
    match file {
        OutputFile::AttendanceRecords => attendance::records(bundle, attendance, writer),
        OutputFile::RejectedScans => attendance::rejected(attendance, writer, locale),
        OutputFile::DuplicateScans => attendance::duplicates(attendance, writer),
        OutputFile::CourseResults => attendance::course_results(attendance, writer),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{file} needs the steps after attendance; write it from the season"),
        )),
    }
}

/// Writes every file of [`Season::output_files`] to `sink`, one after the
/// other, and returns each with its row count.
///
/// # Errors
///
/// Returns [`BundleError::Io`] naming the file that could not be written.
pub fn write_outputs(
    season: &Season<'_>,
    sink: &mut dyn BundleSink,
    locale: Locale,
) -> Result<Vec<(OutputFile, u64)>, BundleError> {
    let mut written = Vec::new();
    for file in season.output_files() {
        let io_error = |source| BundleError::Io {
            action: "write",
            file: file.as_str().to_owned(),
            source,
        };
        let mut writer = sink.create(file.as_str()).map_err(io_error)?;
        let rows = write_output(season, file, &mut writer, locale).map_err(io_error)?;
        writer.flush().map_err(io_error)?;
        written.push((file, rows));
    }
    Ok(written)
}

/// Writes [`REJECTED_ROWS_FILE`] for `report` to `sink`.
///
/// # Errors
///
/// Returns [`BundleError::Io`] when the file cannot be written.
pub fn write_rejected_rows_file(
    report: &ReadReport,
    sink: &mut dyn BundleSink,
    locale: Locale,
) -> Result<u64, BundleError> {
    let io_error = |source| BundleError::Io {
        action: "write",
        file: REJECTED_ROWS_FILE.to_owned(),
        source,
    };
    let mut writer = sink.create(REJECTED_ROWS_FILE).map_err(io_error)?;
    let rows = write_rejected_rows(report, &mut writer, locale).map_err(io_error)?;
    writer.flush().map_err(io_error)?;
    Ok(rows)
}

/// A CSV table being written: a header, then rows, each counted.
struct Table<'w> {
    writer: csv::Writer<&'w mut dyn Write>,
    rows: u64,
}

impl<'w> Table<'w> {
    fn new(writer: &'w mut dyn Write, columns: &[&str]) -> io::Result<Self> {
        let mut writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(writer);
        writer.write_record(columns).map_err(io::Error::other)?;
        Ok(Self { writer, rows: 0 })
    }

    fn row<'c>(&mut self, cells: impl IntoIterator<Item = Cow<'c, str>>) -> io::Result<()> {
        for cell in cells {
            self.writer
                .write_field(cell.as_bytes())
                .map_err(io::Error::other)?;
        }
        self.writer
            .write_record(None::<&[u8]>)
            .map_err(io::Error::other)?;
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<u64> {
        self.writer.flush()?;
        Ok(self.rows)
    }
}

/// Text cells for [`Table::row`].
fn text(value: impl ToString) -> Cow<'static, str> {
    Cow::Owned(value.to_string())
}

/// An optional cell: empty when absent.
fn optional(value: Option<impl ToString>) -> Cow<'static, str> {
    value.map_or(Cow::Borrowed(""), text)
}

/// A list cell: the items joined by `;`.
fn list<T: ToString>(items: impl IntoIterator<Item = T>) -> Cow<'static, str> {
    let texts: Vec<String> = items.into_iter().map(|item| item.to_string()).collect();
    Cow::Owned(texts.join(";"))
}

/// A buffer in front of the writer of a JSON file. `serde_json` writes a
/// value in many small pieces (each key, quote and comma), and each piece
/// written straight to a `dyn Write` is a call through its vtable. The
/// buffer collects them and passes them on in blocks of
/// [`JSON_BUFFER_BYTES`]. Call `flush` at the end, because a buffer that
/// is only dropped cannot report a failed write.
type JsonBuffer<'w> = io::BufWriter<&'w mut dyn Write>;

/// The size of a [`JsonBuffer`]: 2 MiB. The buffer passes on a block when
/// the next piece does not fit, so each block is nearly 2 MiB. A
/// `BufWriter` of up to 1 MiB behind it, such as the command line's file
/// buffer, then passes the block straight on without copying it.
const JSON_BUFFER_BYTES: usize = 2 << 20;

/// Returns a [`JsonBuffer`] in front of `writer`.
fn json_buffer(writer: &mut dyn Write) -> JsonBuffer<'_> {
    io::BufWriter::with_capacity(JSON_BUFFER_BYTES, writer)
}

/// Writes `value` as one line of JSON Lines.
fn json_line(writer: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *writer, value).map_err(io::Error::other)?;
    writer.write_all(b"\n")
}
