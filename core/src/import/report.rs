//! The import report: counts per source file, rejected rows and notices.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bundle::Encoding;
use crate::problem::{Code, Problem};

/// Counts for one source file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceFileReport {
    /// The file name.
    pub file: String,
    /// The encoding the file was read in.
    pub encoding: Option<Encoding>,
    /// Data rows read (the header and blank rows not counted).
    pub rows_read: u64,
    /// Rows imported into the bundle.
    pub rows_imported: u64,
    /// Rows rejected, each with at least one problem in the report.
    pub rows_rejected: u64,
    /// Rows whose cells were all empty, skipped.
    pub blank_rows: u64,
}

impl SourceFileReport {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            encoding: None,
            rows_read: 0,
            rows_imported: 0,
            rows_rejected: 0,
            blank_rows: 0,
        }
    }
}

/// Everything an import reported.
///
/// For each file read, `rows_read == rows_imported + rows_rejected`, and
/// every rejected row has at least one problem in `problems`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// One entry per source file read, in reading order.
    pub files: Vec<SourceFileReport>,
    /// The problems of the rejected rows.
    pub problems: Vec<Problem>,
    /// Facts worth knowing that rejected nothing, such as a file read as
    /// GB18030 or a file that is not imported.
    pub notices: Vec<Problem>,
}

impl ImportReport {
    /// Returns whether no row was rejected.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// Counts the rows read over all files.
    pub fn rows_read(&self) -> u64 {
        self.files.iter().map(|file| file.rows_read).sum()
    }

    /// Counts the rows imported over all files.
    pub fn rows_imported(&self) -> u64 {
        self.files.iter().map(|file| file.rows_imported).sum()
    }

    /// Counts the rows rejected over all files.
    pub fn rows_rejected(&self) -> u64 {
        self.files.iter().map(|file| file.rows_rejected).sum()
    }

    /// Returns the report of `file`.
    pub fn file(&self, file: &str) -> Option<&SourceFileReport> {
        self.files.iter().find(|report| report.file == file)
    }

    /// Counts the problems with `code`.
    pub fn count(&self, code: Code) -> usize {
        self.problems
            .iter()
            .filter(|problem| problem.code == code)
            .count()
    }

    /// Counts the problems of each code, ordered by code.
    pub fn problem_counts(&self) -> BTreeMap<Code, usize> {
        count_by_code(&self.problems)
    }

    /// Counts the notices of each code, ordered by code.
    pub fn notice_counts(&self) -> BTreeMap<Code, usize> {
        count_by_code(&self.notices)
    }
}

fn count_by_code(problems: &[Problem]) -> BTreeMap<Code, usize> {
    let mut counts = BTreeMap::new();
    for problem in problems {
        *counts.entry(problem.code).or_insert(0) += 1;
    }
    counts
}
