//! Importers of public datasets: each reads a dataset's files through a
//! [`BundleSource`] and returns a season [`Bundle`] with an [`ImportReport`]
//! that accounts for every source row.
//!
//! | format | dataset | module |
//! |---|---|---|
//! | `oulad` | Open University Learning Analytics Dataset | [`oulad`] |
//! | `toronto-dropin` | City of Toronto drop-in programme schedule | [`toronto`] |
//!
//! Every row of a file the importer reads is either imported or rejected,
//! and every rejected row has at least one problem with the path
//! `[file, line, column]` and the parameters `file`, `line`, `column` and
//! `value`. Nothing is guessed: a value the importer cannot read, or that
//! contradicts another file, rejects its row with a reason. Identifiers are
//! derived from the dataset's own keys ([`crate::id::derive_id`]), so
//! importing the same files twice gives the same bundle.
//!
//! `docs/importers.md` describes both formats column by column.
//!
//! # Example
//!
//! ```
//! use xuetong::bundle::MemoryBundle;
//! use xuetong::import::{Format, import};
//!
//! let mut source = MemoryBundle::new();
//! source.insert(
//!     "drop-in.csv",
//!     "_id,Location ID,Course_ID,Course Title,Section,Age Min,Age Max,Date Range,\
//!      Start Hour,Start Minute,End Hour,End Min,First Date,Last Date,DayOftheWeek\n\
//!      1,1063,100157,Chair Yoga,FitnessTO - Drop-In,60,None,2026-01-05 to 2026-01-05,\
//!      10,0,11,0,2026-01-05,2026-01-05,Monday\n",
//! );
//! let imported = import(Format::TorontoDropin, &source)?;
//! assert_eq!(imported.bundle.sessions.len(), 1);
//! assert_eq!(imported.bundle.courses[0].min_age, Some(60));
//! assert!(imported.report.is_clean());
//! # Ok::<(), xuetong::import::ImportError>(())
//! ```

pub mod oulad;
mod report;
mod table;
pub mod toronto;

use std::io;

use thiserror::Error;

use crate::bundle::{Bundle, BundleSource};

pub use report::{ImportReport, SourceFileReport};

crate::text_enum! {
    /// A dataset format that `xuetong` imports.
    pub enum Format {
        /// The Open University Learning Analytics Dataset.
        Oulad = "oulad",
        /// The City of Toronto drop-in programme schedule.
        TorontoDropin = "toronto-dropin",
    }
}

/// The result of an import: the bundle and the report on every source row.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The imported records.
    pub bundle: Bundle,
    /// Counts per source file, rejected rows with their problems, and
    /// notices.
    pub report: ImportReport,
}

/// A failure to import at all, as opposed to rejected rows (which go to the
/// [`ImportReport`]).
#[derive(Debug, Error)]
pub enum ImportError {
    /// A file could not be listed, opened or read.
    #[error("failed to {action} {file}: {source}; {}", crate::bundle::io_advice(.action, .source))]
    Io {
        /// The action that failed: `list` or `read`.
        action: &'static str,
        /// The file (or the source, for listing).
        file: String,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A file the format needs is not in the source.
    #[error(
        "the {format} source has no {file}; give the folder that holds the dataset's files ({expected})"
    )]
    MissingFile {
        /// The format being imported.
        format: Format,
        /// The missing file.
        file: &'static str,
        /// Every file the format needs, separated by commas.
        expected: String,
    },
    /// A file has no header row.
    #[error("{file} is empty; the {format} importer needs its header row and data rows")]
    EmptyFile {
        /// The format being imported.
        format: Format,
        /// The empty file.
        file: &'static str,
    },
    /// A column the importer reads is not in the file's header.
    #[error(
        "{file} has no column \"{column}\"; the {format} importer needs the columns {expected}"
    )]
    MissingColumn {
        /// The format being imported.
        format: Format,
        /// The file.
        file: &'static str,
        /// The missing column.
        column: &'static str,
        /// Every column the importer reads from this file, separated by commas.
        expected: String,
    },
    /// A column named twice in a file's header, so that the importer cannot
    /// tell which of the two contains the value.
    #[error(
        "{file} names column \"{column}\" twice, at positions {first_position} and {position}; remove or rename one of them"
    )]
    DuplicateColumn {
        /// The format being imported.
        format: Format,
        /// The file.
        file: &'static str,
        /// The column as the header spells it the second time.
        column: String,
        /// The position of its first occurrence, counting from 1.
        first_position: usize,
        /// The position of its second occurrence, counting from 1.
        position: usize,
    },
    /// A file that is neither UTF-8 nor GB18030 text.
    #[error(
        "{file} is not UTF-8 or GB18030 text (first bad byte at offset {offset}); save it as CSV UTF-8"
    )]
    InvalidEncoding {
        /// The file.
        file: &'static str,
        /// The offset of the first byte that is not UTF-8.
        offset: usize,
    },
    /// A file saved as UTF-16.
    #[error("{file} is saved as UTF-16; save it as CSV UTF-8")]
    Utf16 {
        /// The file.
        file: &'static str,
    },
}

impl ImportError {
    /// Returns whether the failure lies in the source's content (a missing
    /// file or column, an unreadable encoding) rather than in reading it.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, Self::Io { .. })
    }
}

/// Imports the dataset in `source` as `format`.
///
/// # Errors
///
/// Returns [`ImportError`] when a file the format needs is missing, lacks a
/// column, is not text, or cannot be read. Rows that cannot be imported are
/// not errors: they are in the report.
pub fn import(format: Format, source: &dyn BundleSource) -> Result<Import, ImportError> {
    match format {
        Format::Oulad => oulad::import(source),
        Format::TorontoDropin => toronto::import(source),
    }
}

/// Codes for rows of imported datasets.
pub mod codes {
    crate::define_codes! {
        /// A row whose key already appeared on an earlier row of the same file.
        DUPLICATE_ROW = "duplicate_row",
            en: "{file} line {line}: {key} {value} already appears on line {first_line}; the later row is not imported",
            zh: "{file} 第 {line} 行：{key} {value} 已在第 {first_line} 行出现，后出现的行不导入";
        /// A value that contradicts the value an earlier row gave for the same record.
        CONFLICTING_VALUE = "conflicting_value",
            en: "{file} line {line}: {column} \"{value}\" contradicts \"{other_value}\" on line {first_line} for the same {key}",
            zh: "{file} 第 {line} 行：{column}“{value}”与第 {first_line} 行同一 {key} 的“{other_value}”矛盾";
        /// An OULAD registration whose unregistration date and final result disagree.
        WITHDRAWAL_MISMATCH = "withdrawal_mismatch",
            en: "{file} line {line}: date_unregistration \"{value}\" does not agree with final_result {result} on {other_file} line {other_line}; a student has an unregistration date exactly when the result is Withdrawn",
            zh: "{file} 第 {line} 行：date_unregistration“{value}”与 {other_file} 第 {other_line} 行的 final_result {result} 不一致；当且仅当结果为 Withdrawn 时学生才有退课日期";
        /// An OULAD presentation code that is not a year followed by B or J.
        INVALID_RUN_CODE = "invalid_run_code",
            en: "{file} line {line}: {column} must be a year followed by B (February start) or J (October start), such as 2013J, got \"{value}\"",
            zh: "{file} 第 {line} 行：{column} 应为年份加 B（二月开课）或 J（十月开课），例如 2013J，实际为“{value}”";
        /// A source value that the importer has no mapping for.
        UNMAPPED_VALUE = "unmapped_value",
            en: "{file} line {line}: {column} \"{value}\" has no mapping in the importer; the mapped values begin with {allowed}",
            zh: "{file} 第 {line} 行：{column}“{value}”在导入程序中没有对应；可对应的值以下列开头：{allowed}";
        /// A Toronto date range that does not match the row's first and last dates.
        DATE_RANGE_MISMATCH = "date_range_mismatch",
            en: "{file} line {line}: {column} \"{value}\" does not match First Date {first_date} and Last Date {last_date}",
            zh: "{file} 第 {line} 行：{column}“{value}”与 First Date {first_date} 和 Last Date {last_date} 不符";
        /// A weekday that is not the weekday of the row's date.
        WEEKDAY_MISMATCH = "weekday_mismatch",
            en: "{file} line {line}: {column} is \"{value}\" but {date} is a {weekday}",
            zh: "{file} 第 {line} 行：{column} 为“{value}”，但 {date} 是 {weekday}";
        /// A last date that is neither the session's start date nor, for a session past midnight, the next day.
        END_DATE_MISMATCH = "end_date_mismatch",
            en: "{file} line {line}: {column} must be {expected} for a session from {start_time} to {end_time} starting on {date}, got {value}",
            zh: "{file} 第 {line} 行：{date} 开始、{start_time} 至 {end_time} 的课次，{column} 应为 {expected}，实际为 {value}";
        /// A value outside its documented set in a column that is not imported (a notice).
        UNEXPECTED_IGNORED_VALUE = "unexpected_ignored_value",
            en: "{file} line {line}: {column} \"{value}\" is not a value the dataset documents ({expected}); the column is not imported, so the row is kept",
            zh: "{file} 第 {line} 行：{column}“{value}”不是数据集文档列出的值（{expected}）；该列不导入，因此保留此行";
        /// A file of the dataset that has no counterpart in a bundle (a notice).
        FILE_NOT_IMPORTED = "file_not_imported",
            en: "{file} has no counterpart in a season bundle and is not imported",
            zh: "{file} 在数据包中没有对应内容，不导入";
    }
}

/// Maps an I/O error met while doing `action` on `file` to [`ImportError::Io`].
pub(crate) fn io_error(action: &'static str, file: &str) -> impl FnOnce(io::Error) -> ImportError {
    let file = file.to_owned();
    move |source| ImportError::Io {
        action,
        file,
        source,
    }
}
