//! What reading a bundle found: counts per file, rejected rows and notices.

use serde::Serialize;

use crate::problem::{Code, Problem};

use super::encoding::Encoding;

/// Counts for one file of a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// The file name.
    pub file: String,
    /// The encoding the file was read in; `None` when it could not be read.
    pub encoding: Option<Encoding>,
    /// Data rows read (the header and blank rows not counted).
    pub rows_read: u64,
    /// Rows accepted into the bundle.
    pub rows_accepted: u64,
    /// Rows rejected, each with at least one problem in the report.
    pub rows_rejected: u64,
    /// Rows whose cells were all empty, skipped.
    pub blank_rows: u64,
    /// Whether the whole file was rejected (unreadable encoding, missing or
    /// unknown column); its rows then count as rejected.
    pub rejected_file: bool,
}

impl FileReport {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            encoding: None,
            rows_read: 0,
            rows_accepted: 0,
            rows_rejected: 0,
            blank_rows: 0,
            rejected_file: false,
        }
    }
}

/// Everything reading a bundle reported.
///
/// Every row that was read is either accepted or rejected, and every rejected
/// row has at least one problem here: `rows_read == rows_accepted +
/// rows_rejected` for each file.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReadReport {
    /// One entry per file read, in reading order.
    pub files: Vec<FileReport>,
    /// Problems that rejected rows or files, and bundle-level errors.
    pub problems: Vec<Problem>,
    /// Facts worth knowing that rejected nothing, such as a file read as
    /// GB18030.
    pub notices: Vec<Problem>,
}

impl ReadReport {
    /// Whether nothing was rejected.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The rows read over all files.
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|file| file.rows_read).sum()
    }

    /// The rows accepted over all files.
    pub fn rows_accepted(&self) -> u64 {
        self.files.iter().map(|file| file.rows_accepted).sum()
    }

    /// The rows rejected over all files.
    pub fn rows_rejected(&self) -> u64 {
        self.files.iter().map(|file| file.rows_rejected).sum()
    }

    /// The report of `file`.
    pub fn file(&self, file: &str) -> Option<&FileReport> {
        self.files.iter().find(|report| report.file == file)
    }

    /// How many problems have `code`.
    pub fn count(&self, code: Code) -> usize {
        self.problems
            .iter()
            .filter(|problem| problem.code == code)
            .count()
    }

    pub(crate) fn file_mut(&mut self, file: &str) -> Option<&mut FileReport> {
        self.files.iter_mut().find(|report| report.file == file)
    }
}
