//! Reading one CSV file of a dataset: its encoding, its header, and its rows
//! with their line numbers, with cells turned into values or into the
//! problems that reject the row.

use std::io::{self, Read};

use chrono::NaiveDate;

use crate::bundle::BundleSource;
use crate::bundle::codes as bundle_codes;
use crate::bundle::encoding::{Decoded, Encoding, EncodingFailure, decode, utf8_text_offset};
use crate::bundle::lines::{DroppedQuotes, LineTracker};
use crate::field::{MAX_TEXT_CHARS, trim_spaces};
use crate::problem::{Code, Path, PathSegment, Problem, Problems, codes};
use crate::record::Record;

use super::codes as import_codes;
use super::{Format, ImportError, SourceFileReport, io_error};

/// The values a column that is not imported is documented to hold.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Domain {
    /// One of these texts; an empty cell only when `""` is listed.
    Choices(&'static [&'static str]),
    /// A whole number, possibly negative, or an empty cell.
    OptionalInteger,
    /// A whole number.
    Integer,
    /// A decimal number such as `12.5`.
    Decimal,
}

impl Domain {
    fn accepts(self, text: &str) -> bool {
        match self {
            Self::Choices(choices) => choices.contains(&text),
            Self::OptionalInteger => text.is_empty() || is_integer(text),
            Self::Integer => is_integer(text),
            Self::Decimal => is_decimal(text),
        }
    }

    fn describe(self) -> String {
        match self {
            Self::Choices(choices) => {
                let shown: Vec<&str> = choices
                    .iter()
                    .map(|choice| if choice.is_empty() { "empty" } else { choice })
                    .collect();
                shown.join(", ")
            }
            Self::OptionalInteger => "a whole number or empty".to_owned(),
            Self::Integer => "a whole number".to_owned(),
            Self::Decimal => "a number".to_owned(),
        }
    }
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit())
}

fn is_decimal(text: &str) -> bool {
    match text.split_once('.') {
        Some((whole, fraction)) => {
            is_integer(whole)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => is_integer(text),
    }
}

/// The columns of one source file: those the importer reads, and those it
/// checks against their documented values without importing them.
#[derive(Debug)]
pub(crate) struct Layout {
    /// The file name.
    pub file: &'static str,
    /// The columns read, all required in the header.
    pub columns: &'static [&'static str],
    /// The columns not imported, with their documented values; they may be
    /// absent from the header.
    pub ignored: &'static [(&'static str, Domain)],
}

/// An open source file, positioned after its header.
pub(crate) struct Table<'s> {
    layout: &'static Layout,
    reader: csv::Reader<LineTracker<Box<dyn Read + 's>>>,
    /// The offset in the file where the text starts, after any byte-order
    /// mark.
    text_offset: u64,
    /// For each of `layout.columns`, its position in the header.
    positions: Vec<usize>,
    /// The ignored columns present in the header, with their positions.
    ignored: Vec<(usize, &'static str, Domain)>,
    width: usize,
    report: SourceFileReport,
}

impl<'s> Table<'s> {
    /// Opens `layout.file` in `source`, detects its encoding and reads its
    /// header. A notice goes to `notices` when the file is read as GB18030
    /// or has columns the importer does not know.
    pub(crate) fn open(
        format: Format,
        source: &'s dyn BundleSource,
        layout: &'static Layout,
        expected_files: &str,
        notices: &mut Vec<Problem>,
    ) -> Result<Self, ImportError> {
        let file = layout.file;
        let reader = source
            .open(file)
            .map_err(io_error("read", file))?
            .ok_or_else(|| ImportError::MissingFile {
                format,
                file,
                expected: expected_files.to_owned(),
            })?;

        let mut report = SourceFileReport::new(file);
        let mut text_offset = 0;
        let text: Box<dyn Read + 's> = match decode(reader).map_err(io_error("read", file))? {
            Ok(Decoded::Utf8 { encoding, reader }) => {
                report.encoding = Some(encoding);
                text_offset = utf8_text_offset(encoding);
                reader
            }
            Ok(Decoded::Gb18030(text)) => {
                report.encoding = Some(Encoding::Gb18030);
                notices.push(
                    Problem::new(
                        bundle_codes::GB18030_DETECTED,
                        Path::root().join(file.to_owned()),
                    )
                    .with("file", file),
                );
                Box::new(io::Cursor::new(text.into_bytes()))
            }
            Err(EncodingFailure::Utf16) => return Err(ImportError::Utf16 { file }),
            Err(EncodingFailure::Unknown { offset }) => {
                return Err(ImportError::InvalidEncoding { file, offset });
            }
        };

        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineTracker::new(text));
        let mut header = csv::ByteRecord::new();
        if !read_record(&mut reader, &mut header, file)? {
            return Err(ImportError::EmptyFile { format, file });
        }

        let names: Vec<String> = header
            .iter()
            .map(|cell| String::from_utf8_lossy(cell).trim().to_owned())
            .collect();
        // Spreadsheets often leave several unnamed columns at the end, and
        // those hold nothing the importer reads. A map keeps the check linear
        // in a header of many thousands of columns.
        let mut seen = std::collections::HashMap::with_capacity(names.len());
        for (position, name) in names
            .iter()
            .enumerate()
            .filter(|(_, name)| !name.is_empty())
        {
            if let Some(first) = seen.insert(name.to_ascii_lowercase(), position) {
                return Err(ImportError::DuplicateColumn {
                    format,
                    file,
                    column: name.clone(),
                    first_position: first + 1,
                    position: position + 1,
                });
            }
        }
        let find = |column: &str| {
            names
                .iter()
                .position(|name| name.eq_ignore_ascii_case(column))
        };
        let mut positions = Vec::with_capacity(layout.columns.len());
        for &column in layout.columns {
            let position = find(column).ok_or_else(|| ImportError::MissingColumn {
                format,
                file,
                column,
                expected: layout.columns.join(", "),
            })?;
            positions.push(position);
        }

        let ignored = layout
            .ignored
            .iter()
            .filter_map(|&(column, domain)| find(column).map(|position| (position, column, domain)))
            .collect();
        for name in &names {
            let known = layout.columns.iter().any(|c| name.eq_ignore_ascii_case(c))
                || layout
                    .ignored
                    .iter()
                    .any(|(c, _)| name.eq_ignore_ascii_case(c));
            if !known {
                notices.push(
                    Problem::new(
                        bundle_codes::UNKNOWN_COLUMN,
                        Path::root().join(file.to_owned()).join(1u64),
                    )
                    .with("file", file)
                    .with("column", name.as_str())
                    .with("allowed", layout.columns.join(", ")),
                );
            }
        }
        Ok(Self {
            layout,
            reader,
            text_offset,
            positions,
            ignored,
            width: header.len(),
            report,
        })
    }

    /// Reads every row and hands it to `handle`, which reads its cells and
    /// reports problems on it. A row with no problem after `handle` counts as
    /// imported, any other as rejected; its problems go to `problems` and its
    /// notices to `notices`.
    pub(crate) fn rows(
        &mut self,
        problems: &mut Vec<Problem>,
        notices: &mut Vec<Problem>,
        mut handle: impl FnMut(&mut Row<'_>),
    ) -> Result<(), ImportError> {
        let file = self.layout.file;
        let mut record = csv::ByteRecord::new();
        while read_record(&mut self.reader, &mut record, file)? {
            // Each lookup drops the line breaks and quotes the tracker noted
            // before the record, so blank rows are looked up too, or those
            // of a long run of blank rows would pile up in memory.
            let tracker = self.reader.get_ref();
            let position = record.position().map_or(0, csv::Position::byte);
            let record_start = tracker.content_start(position);
            let line = tracker.line_at(record_start);
            if record
                .iter()
                .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
            {
                self.report.blank_rows += 1;
                continue;
            }
            self.report.rows_read += 1;
            let mut row = Row {
                file,
                line,
                text_offset: self.text_offset,
                record_start,
                dropped_quotes: tracker.dropped_quotes(),
                record: &record,
                positions: &self.positions,
                names: self.layout.columns,
                problems: Vec::new(),
                notices: Vec::new(),
            };
            if record.len() == self.width {
                row.check_ignored(&self.ignored);
                handle(&mut row);
            } else {
                let problem = row
                    .row_problem(bundle_codes::WRONG_FIELD_COUNT)
                    .with("expected", self.width)
                    .with("found", record.len());
                row.reject(problem);
            }
            notices.append(&mut row.notices);
            if row.problems.is_empty() {
                self.report.rows_imported += 1;
            } else {
                self.report.rows_rejected += 1;
                problems.append(&mut row.problems);
            }
        }
        Ok(())
    }

    /// Returns the counts of the file.
    pub(crate) fn finish(self) -> SourceFileReport {
        self.report
    }
}

fn read_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
    file: &str,
) -> Result<bool, ImportError> {
    reader.read_byte_record(record).map_err(|error| {
        // With flexible row lengths and byte records, the CSV parser fails
        // only on I/O.
        let source = match error.into_kind() {
            csv::ErrorKind::Io(error) => error,
            other => io::Error::other(format!("{other:?}")),
        };
        io_error("read", file)(source)
    })
}

/// One data row while it is read: its cells, and the problems and notices
/// found so far.
#[derive(Debug)]
pub(crate) struct Row<'r> {
    file: &'static str,
    line: u64,
    /// The offset in the file where the text starts.
    text_offset: u64,
    /// The offset of the row in the text.
    record_start: u64,
    dropped_quotes: &'r DroppedQuotes,
    record: &'r csv::ByteRecord,
    positions: &'r [usize],
    names: &'static [&'static str],
    problems: Vec<Problem>,
    notices: Vec<Problem>,
}

impl<'r> Row<'r> {
    /// Returns the one-based line the row starts on (the header is line 1).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// Returns whether a problem has rejected the row.
    pub(crate) fn is_rejected(&self) -> bool {
        !self.problems.is_empty()
    }

    /// Rejects the row with `problem`.
    pub(crate) fn reject(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// Adds a notice that does not reject the row.
    pub(crate) fn notice(&mut self, problem: Problem) {
        self.notices.push(problem);
    }

    /// Makes a problem at the whole row, with the `file` and `line`
    /// parameters.
    pub(crate) fn row_problem(&self, code: Code) -> Problem {
        let path = Path(vec![self.file.into(), self.line.into()]);
        Problem::new(code, path)
            .with("file", self.file)
            .with("line", self.line)
    }

    /// Makes a problem at one cell, with the `file`, `line`, `column`,
    /// `field` and `value` parameters. `field` repeats the column name for
    /// the messages shared with other inputs.
    pub(crate) fn cell_problem(&self, code: Code, column: &'static str, value: &str) -> Problem {
        let path = Path(vec![self.file.into(), self.line.into(), column.into()]);
        Problem::new(code, path)
            .with("file", self.file)
            .with("line", self.line)
            .with("column", column)
            .with("field", column)
            .with("value", value)
    }

    /// Reads the trimmed text of `column`, possibly empty. Returns `None`,
    /// and rejects the row, when the cell is not UTF-8.
    pub(crate) fn text(&mut self, column: &'static str) -> Option<&'r str> {
        let Some(index) = self.names.iter().position(|name| *name == column) else {
            // A column outside the layout is a mistake in the importer; the
            // row is rejected rather than read without it.
            let problem = self.cell_problem(codes::REQUIRED, column, "");
            self.reject(problem);
            return None;
        };
        let record = self.record;
        let position = self.positions[index];
        let bytes = record.get(position).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(trim_spaces(text)),
            Err(error) => {
                let shown = String::from_utf8_lossy(bytes).into_owned();
                // The record keeps its cells back to back without the commas
                // between them, which the index adds back.
                let cell_start = record.range(position).map_or(0, |range| range.start);
                let index = (cell_start + position + error.valid_up_to()) as u64;
                let offset =
                    self.text_offset + self.dropped_quotes.text_offset(self.record_start, index);
                let problem = self
                    .cell_problem(bundle_codes::INVALID_ENCODING, column, &shown)
                    .with("offset", offset);
                self.reject(problem);
                None
            }
        }
    }

    /// Reads the text of `column`, which must not be empty nor longer than a
    /// text field of a record may be.
    pub(crate) fn required(&mut self, column: &'static str) -> Option<&'r str> {
        let text = self.text(column)?;
        if text.is_empty() {
            let problem = self.cell_problem(codes::REQUIRED, column, text);
            self.reject(problem);
            return None;
        }
        let length = text.chars().count();
        if length > MAX_TEXT_CHARS {
            let problem = self
                .cell_problem(codes::TOO_LONG, column, text)
                .with("max", MAX_TEXT_CHARS)
                .with("length", length);
            self.reject(problem);
            return None;
        }
        Some(text)
    }

    /// Reads the whole number in `column`, which must lie in `min..=max`.
    pub(crate) fn integer<T: TryFrom<i64>>(
        &mut self,
        column: &'static str,
        min: i64,
        max: i64,
    ) -> Option<T> {
        let text = self.required(column)?;
        self.parse_integer(column, text, min, max)
    }

    /// Reads the whole number in `column` in `min..=max`, or `Some(None)`
    /// for an empty cell. Returns `None` when the cell is invalid.
    pub(crate) fn optional_integer<T: TryFrom<i64>>(
        &mut self,
        column: &'static str,
        min: i64,
        max: i64,
    ) -> Option<Option<T>> {
        let text = self.text(column)?;
        if text.is_empty() {
            return Some(None);
        }
        self.parse_integer(column, text, min, max).map(Some)
    }

    /// Reads `text` of `column` as a whole number in `min..=max`, of a type
    /// `T` that holds every number of that range.
    pub(crate) fn parse_integer<T: TryFrom<i64>>(
        &mut self,
        column: &'static str,
        text: &str,
        min: i64,
        max: i64,
    ) -> Option<T> {
        if !is_integer(text) {
            let problem = self.cell_problem(codes::INVALID_INTEGER, column, text);
            self.reject(problem);
            return None;
        }
        let number = text.parse::<i64>().ok().filter(|n| (min..=max).contains(n));
        match number.map(T::try_from) {
            Some(Ok(number)) => Some(number),
            _ => {
                let problem = self
                    .cell_problem(codes::OUT_OF_RANGE, column, text)
                    .with("min", min)
                    .with("max", max);
                self.reject(problem);
                None
            }
        }
    }

    /// Reads the date written `YYYY-MM-DD` in `column`, in the years 0001
    /// to 9999 (a four-digit year may still be 0000).
    pub(crate) fn date(&mut self, column: &'static str) -> Option<NaiveDate> {
        let text = self.required(column)?;
        match crate::field::parse_date(text) {
            Some(date) if crate::schedule::in_supported_years(date) => Some(date),
            Some(_) => {
                let problem =
                    self.cell_problem(crate::schedule::codes::DATE_OUT_OF_RANGE, column, text);
                self.reject(problem);
                None
            }
            None => {
                let problem = self.cell_problem(codes::INVALID_DATE, column, text);
                self.reject(problem);
                None
            }
        }
    }

    /// Rejects the row with every problem that `record` reports on itself,
    /// each with its path under the row's `[file, line]`.
    pub(crate) fn check_record<T: Record>(&mut self, record: &T) {
        self.reject_all(record.validate());
    }

    /// Rejects the row with `problems` whose paths are relative to the
    /// row's record, placing them under the row's `[file, line]`.
    pub(crate) fn reject_all(&mut self, problems: Problems) {
        for problem in problems {
            let mut segments: Vec<PathSegment> = vec![self.file.into(), self.line.into()];
            segments.extend(problem.path.0.iter().cloned());
            let mut located = problem.with("file", self.file).with("line", self.line);
            located.path = Path(segments);
            self.reject(located);
        }
    }

    /// Rejects the row with `problem` placed at `column`: its path becomes
    /// `[file, line, column]`, and it gets the cell's text as `value` when
    /// it has none.
    pub(crate) fn reject_at(&mut self, problem: Problem, column: &'static str) {
        let value = self.text(column).unwrap_or_default();
        let mut located = problem
            .with("file", self.file)
            .with("line", self.line)
            .with("column", column);
        if !located.params.contains_key("value") {
            located = located.with("value", value);
        }
        located.path = Path(vec![self.file.into(), self.line.into(), column.into()]);
        self.reject(located);
    }

    fn check_ignored(&mut self, ignored: &[(usize, &'static str, Domain)]) {
        for &(position, column, domain) in ignored {
            let bytes = self.record.get(position).unwrap_or_default();
            let text = String::from_utf8_lossy(bytes);
            let text = text.trim();
            if !domain.accepts(text) {
                let problem = self
                    .cell_problem(import_codes::UNEXPECTED_IGNORED_VALUE, column, text)
                    .with("expected", domain.describe());
                self.notice(problem);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_decimals() {
        assert!(is_integer("-12"));
        assert!(is_integer("0"));
        assert!(!is_integer("+3"));
        assert!(!is_integer("1.0"));
        assert!(!is_integer("-"));
        assert!(is_decimal("12.5"));
        assert!(is_decimal("7"));
        assert!(!is_decimal("7."));
        assert!(!is_decimal("1e3"));
    }

    #[test]
    fn blank_rows_leave_no_quotes_behind() {
        static LAYOUT: Layout = Layout {
            file: "table.csv",
            columns: &["a", "b"],
            ignored: &[],
        };
        let mut text = "a,b\n".to_owned();
        text.push_str(&"\"\",\" \"\n".repeat(1_000));
        text.push_str("1,2\n");
        text.push_str(&"\"\",\"\"\n".repeat(10));

        let mut source = crate::bundle::MemoryBundle::new();
        source.insert("table.csv", text);
        let mut notices = Vec::new();
        let mut table = Table::open(
            Format::TorontoDropin,
            &source,
            &LAYOUT,
            "table.csv",
            &mut notices,
        )
        .expect("the table opens");

        let mut lines = Vec::new();
        table
            .rows(&mut Vec::new(), &mut notices, |row| lines.push(row.line))
            .expect("the rows read");
        assert_eq!(lines, vec![1_002]);
        assert_eq!(table.report.blank_rows, 1_010);

        // The last blank row was looked up, so at most its own four quotes
        // are kept, not the 4,040 of every blank row.
        let quotes_kept = table.reader.get_ref().dropped_quotes().len();
        assert!(quotes_kept <= 4, "{quotes_kept} quotes kept");
    }

    #[test]
    fn domains_describe_empty_choices() {
        let domain = Domain::Choices(&["", "Y", "N"]);
        assert!(domain.accepts(""));
        assert!(!domain.accepts("y"));
        assert_eq!(domain.describe(), "empty, Y, N");
    }
}
