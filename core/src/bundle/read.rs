//! Reading one CSV file of records.

use std::collections::HashMap;
use std::io::{self, Read};

use serde_json::Value;

use crate::field::trim_spaces;
use crate::problem::{Path, PathSegment, Problem, Problems};
use crate::record::{Cells, FieldReader, Record, unknown_field_problem};

use super::codes;
use super::encoding::{Decoded, Encoding, EncodingFailure, decode, utf8_text_offset};
use super::lines::{DroppedQuotes, LineTracker};
use super::report::FileReport;

/// A record read from a file, with the line it started on.
#[derive(Clone, Debug, PartialEq)]
pub struct Row<T> {
    /// The one-based line of the file where the record starts (the header is
    /// line 1).
    pub line: u64,
    /// The record.
    pub record: T,
}

/// Reads every record of one CSV file. Rejected rows and file-level problems
/// go to `problems`, notices (such as a detected encoding) to `notices`.
pub(crate) fn read_file<T: Record>(
    file: &str,
    reader: Box<dyn Read + '_>,
    problems: &mut Vec<Problem>,
    notices: &mut Vec<Problem>,
) -> io::Result<(Vec<Row<T>>, FileReport)> {
    let mut report = FileReport::new(file);
    let decoded = match decode(reader)? {
        Ok(decoded) => decoded,
        Err(failure) => {
            let problem = match failure {
                EncodingFailure::Utf16 => {
                    Problem::new(codes::UNSUPPORTED_ENCODING, file_path(file))
                        .with("file", file)
                        .with("encoding", "UTF-16")
                }
                EncodingFailure::Unknown { offset } => {
                    Problem::new(codes::INVALID_ENCODING, file_path(file))
                        .with("file", file)
                        .with("offset", offset)
                }
            };
            problems.push(problem);
            report.rejected_file = true;
            return Ok((Vec::new(), report));
        }
    };
    let (text_reader, text_offset): (Box<dyn Read>, u64) = match decoded {
        Decoded::Utf8 { encoding, reader } => {
            report.encoding = Some(encoding);
            (reader, utf8_text_offset(encoding))
        }
        Decoded::Gb18030(text) => return read_gb18030(file, text, problems, notices),
    };
    let rows = read_rows::<T>(file, text_reader, text_offset, &mut report, problems)?;
    Ok((rows, report))
}

/// Reads every record of one CSV file already decoded from GB18030, with
/// the `gb18030_detected` notice.
pub(crate) fn read_gb18030<T: Record>(
    file: &str,
    text: String,
    problems: &mut Vec<Problem>,
    notices: &mut Vec<Problem>,
) -> io::Result<(Vec<Row<T>>, FileReport)> {
    let mut report = FileReport::new(file);
    report.encoding = Some(Encoding::Gb18030);
    notices.push(Problem::new(codes::GB18030_DETECTED, file_path(file)).with("file", file));
    let rows = read_rows::<T>(
        file,
        Box::new(io::Cursor::new(text.into_bytes())),
        0,
        &mut report,
        problems,
    )?;
    Ok((rows, report))
}

/// The path of a whole file. The name of a bundle file is borrowed from
/// [`CSV_FILES`](super::CSV_FILES), so that paths built for every row copy
/// no text.
pub(crate) fn file_path(file: &str) -> Path {
    let known = super::CSV_FILES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(name, _)| *name);
    match known {
        Some(name) => Path::root().join(name),
        None => Path::root().join(file.to_owned()),
    }
}

/// The path of a line of a file.
pub(crate) fn line_path(file: &str, line: u64) -> Path {
    file_path(file).join(line)
}

/// Adds the `file` and `line` parameters that every row problem carries.
pub(crate) fn locate(problem: Problem, file: &str, line: u64) -> Problem {
    problem.with("file", file).with("line", line)
}

/// Reads the header and the rows of a file's text, which starts at
/// `text_offset` in the file, after any byte-order mark.
fn read_rows<T: Record>(
    file: &str,
    reader: Box<dyn Read + '_>,
    text_offset: u64,
    report: &mut FileReport,
    problems: &mut Vec<Problem>,
) -> io::Result<Vec<Row<T>>> {
    let mut csv_reader = csv_reader(LineTracker::new(reader));
    let mut record = csv::ByteRecord::new();
    if !read_record(&mut csv_reader, &mut record)? {
        problems.push(Problem::new(codes::EMPTY_FILE, file_path(file)).with("file", file));
        report.rejected_file = true;
        return Ok(Vec::new());
    }
    let Some(columns) = read_header::<T>(file, &record, problems) else {
        report.rejected_file = true;
        count_rejected_rows(&mut csv_reader, &mut record, report);
        return Ok(Vec::new());
    };
    let table = Table {
        file,
        columns,
        width: record.len(),
    };
    let mut rows = Vec::new();
    let start = TextStart {
        line_breaks: 0,
        offset: text_offset,
    };
    let last = read_body(&table, &mut csv_reader, start, &mut rows, report, problems)?;
    check_unclosed_quote(
        file,
        csv_reader.get_ref(),
        start,
        last,
        &mut rows,
        report,
        problems,
    );
    Ok(rows)
}

/// Reports a quote that the text read by `tracker`, from `start` on, left
/// open, and rejects the last row, which swallowed every line after it.
/// `last` is the line of the last row and what became of it.
pub(super) fn check_unclosed_quote<R: Read, T>(
    file: &str,
    tracker: &LineTracker<R>,
    start: TextStart,
    last: Option<(u64, LastRow)>,
    rows: &mut Vec<Row<T>>,
    report: &mut FileReport,
    problems: &mut Vec<Problem>,
) {
    let (Some(quote_line), Some((line, outcome))) = (tracker.unclosed_quote_line(), last) else {
        return;
    };
    // Whatever the last row read as, it is not the row that was meant.
    match outcome {
        LastRow::Accepted => {
            rows.pop();
            report.rows_accepted -= 1;
            report.rows_rejected += 1;
        }
        LastRow::Blank => {
            report.blank_rows -= 1;
            report.rows_read += 1;
            report.rows_rejected += 1;
        }
        LastRow::Rejected => {}
    }
    let problem = Problem::new(codes::UNCLOSED_QUOTE, line_path(file, line))
        .with("quote_line", start.line_breaks + quote_line)
        .with("last_line", start.line_breaks + tracker.last_line());
    problems.push(locate(problem, file, line));
}

/// Returns a CSV parser of `reader` that reads every row as data and
/// accepts rows of any length.
pub(super) fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader)
}

/// A file's name and its header, as every data row is read against them.
pub(super) struct Table<'a> {
    pub(super) file: &'a str,
    /// For each field of the record, the column that contains it.
    pub(super) columns: Vec<Option<usize>>,
    /// The number of cells in the header.
    pub(super) width: usize,
}

/// The start of a piece of a file's text, in the file.
#[derive(Clone, Copy, Default)]
pub(super) struct TextStart {
    /// Line breaks before the piece.
    pub(super) line_breaks: u64,
    /// The byte offset of the piece in the file, counting any byte-order
    /// mark.
    pub(super) offset: u64,
}

/// Reads the data rows that follow the header, from a reader that starts at
/// `start` of the file's text. Accepted rows go to `rows`, and rejected rows
/// to `problems`. Returns the line of the last row and what became of it.
pub(super) fn read_body<T: Record, R: Read>(
    table: &Table<'_>,
    csv_reader: &mut csv::Reader<LineTracker<R>>,
    start: TextStart,
    rows: &mut Vec<Row<T>>,
    report: &mut FileReport,
    problems: &mut Vec<Problem>,
) -> io::Result<Option<(u64, LastRow)>> {
    let mut buffers = RowBuffers::new(file_path(table.file));
    let mut record = csv::ByteRecord::new();
    let mut last = None;
    while read_record(csv_reader, &mut record)? {
        let position = record.position().map_or(0, csv::Position::byte);
        let tracker = csv_reader.get_ref();
        let offset = tracker.content_start(position);
        let located = LocatedRecord {
            record: &record,
            line: start.line_breaks + tracker.line_at(offset),
            piece_offset: start.offset,
            record_start: offset,
            dropped_quotes: tracker.dropped_quotes(),
        };
        let outcome = take_row(table, &mut buffers, &located, rows, report, problems);
        last = Some((located.line, outcome));
    }
    Ok(last)
}

/// Reads the data rows of `text`, which starts at `start` of the file's
/// text and contains whole lines without a quote byte, as [`read_body`] reads
/// them. Without quotes every comma ends a cell and every line break ends a
/// row, so the rows are split directly, without the CSV parser's state
/// machine. Like the parser, it skips empty lines without counting them,
/// and it counts CR LF, LF and CR each as one line break.
#[cfg_attr(
    all(not(feature = "parallel"), not(test)),
    expect(dead_code, reason = "only reading in pieces, a parallel path, runs it")
)]
pub(super) fn read_unquoted_body<T: Record>(
    table: &Table<'_>,
    text: &[u8],
    start: TextStart,
    rows: &mut Vec<Row<T>>,
    report: &mut FileReport,
    problems: &mut Vec<Problem>,
) {
    debug_assert!(!text.contains(&b'"'), "a quote in text read without quotes");
    let mut buffers = RowBuffers::new(file_path(table.file));
    let mut record = csv::ByteRecord::new();
    let no_quotes = DroppedQuotes::default();
    let mut line_breaks = start.line_breaks;
    let mut at = 0;
    while at < text.len() {
        match text[at] {
            b'\r' => {
                line_breaks += 1;
                at += 1;
                if text.get(at) == Some(&b'\n') {
                    at += 1;
                }
                continue;
            }
            b'\n' => {
                line_breaks += 1;
                at += 1;
                continue;
            }
            _ => {}
        }
        let end = memchr::memchr2(b'\r', b'\n', &text[at..]).map_or(text.len(), |found| at + found);
        let row = &text[at..end];
        record.clear();
        let mut cell_start = 0;
        for comma in memchr::memchr_iter(b',', row) {
            record.push_field(&row[cell_start..comma]);
            cell_start = comma + 1;
        }
        record.push_field(&row[cell_start..]);
        let located = LocatedRecord {
            record: &record,
            line: line_breaks + 1,
            piece_offset: start.offset,
            record_start: at as u64,
            dropped_quotes: &no_quotes,
        };
        take_row(table, &mut buffers, &located, rows, report, problems);
        at = end;
    }
}

/// Checks one data row against the header and reads it: a blank row is
/// counted apart, a row of the wrong width or with an invalid cell is
/// rejected with its problems, and any other row goes to `rows`.
fn take_row<T: Record>(
    table: &Table<'_>,
    buffers: &mut RowBuffers,
    located: &LocatedRecord<'_>,
    rows: &mut Vec<Row<T>>,
    report: &mut FileReport,
    problems: &mut Vec<Problem>,
) -> LastRow {
    let file = table.file;
    let LocatedRecord { record, line, .. } = *located;
    if record
        .iter()
        .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
    {
        report.blank_rows += 1;
        return LastRow::Blank;
    }
    report.rows_read += 1;
    if record.len() != table.width {
        let problem = Problem::new(codes::WRONG_FIELD_COUNT, line_path(file, line))
            .with("expected", table.width)
            .with("found", record.len());
        problems.push(locate(problem, file, line));
        report.rows_rejected += 1;
        return LastRow::Rejected;
    }
    match read_row::<T>(file, buffers, located, &table.columns) {
        Ok(value) => {
            report.rows_accepted += 1;
            rows.push(Row {
                line,
                record: value,
            });
            LastRow::Accepted
        }
        Err(found) => {
            report.rows_rejected += 1;
            problems.extend(found.into_iter().map(|problem| locate(problem, file, line)));
            LastRow::Rejected
        }
    }
}

/// What became of the last row of a file.
#[derive(Clone, Copy)]
pub(super) enum LastRow {
    Accepted,
    Rejected,
    Blank,
}

/// Reads the next record.
pub(super) fn read_record<R: Read>(
    reader: &mut csv::Reader<R>,
    record: &mut csv::ByteRecord,
) -> io::Result<bool> {
    match reader.read_byte_record(record) {
        Ok(more) => Ok(more),
        Err(error) => {
            // Reading byte records with flexible row lengths fails only on
            // I/O: the CSV parser accepts any bytes.
            match error.into_kind() {
                csv::ErrorKind::Io(error) => Err(error),
                other => Err(io::Error::other(format!("{other:?}"))),
            }
        }
    }
}

fn count_rejected_rows<R: Read>(
    reader: &mut csv::Reader<LineTracker<R>>,
    record: &mut csv::ByteRecord,
    report: &mut FileReport,
) {
    while let Ok(true) = reader.read_byte_record(record) {
        // Looking the line up lets the tracker forget the lines before it.
        let tracker = reader.get_ref();
        let position = record.position().map_or(0, csv::Position::byte);
        tracker.line_at(tracker.content_start(position));
        report.rows_read += 1;
        report.rows_rejected += 1;
    }
}

/// Maps the header's columns to the record's fields: for each field, the
/// column that holds it. Reports unknown, duplicate and missing columns.
pub(super) fn read_header<T: Record>(
    file: &str,
    header: &csv::ByteRecord,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Option<usize>>> {
    let mut columns = vec![None; T::FIELDS.len()];
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut ok = true;
    for (index, cell) in header.iter().enumerate() {
        let Ok(raw) = std::str::from_utf8(cell) else {
            problems.push(locate(
                Problem::new(codes::INVALID_ENCODING, line_path(file, 1)).with("offset", 0),
                file,
                1,
            ));
            ok = false;
            continue;
        };
        let name = raw.trim().to_ascii_lowercase();
        let path = line_path(file, 1).join(name.clone());
        if let Some(first) = seen.insert(name.clone(), index) {
            let problem = Problem::new(codes::DUPLICATE_COLUMN, path)
                .with("column", name.as_str())
                .with("first_position", first + 1)
                .with("position", index + 1);
            problems.push(locate(problem, file, 1));
            ok = false;
            continue;
        }
        match T::FIELDS.iter().position(|spec| spec.name == name) {
            Some(field) => columns[field] = Some(index),
            None => {
                let problem = unknown_field_problem(raw.trim(), path);
                let code = if problem.code == crate::problem::codes::PERSONAL_DATA_FIELD {
                    problem.code
                } else {
                    codes::UNKNOWN_COLUMN
                };
                let problem = Problem::new(code, problem.path)
                    .with("field", raw.trim())
                    .with("column", raw.trim())
                    .with("allowed", allowed_columns::<T>());
                problems.push(locate(problem, file, 1));
                ok = false;
            }
        }
    }
    let first_missing = problems.len();
    for (field, spec) in T::FIELDS.iter().enumerate() {
        if spec.required && columns[field].is_none() {
            let problem = Problem::new(codes::MISSING_COLUMN, line_path(file, 1).join(spec.name))
                .with("column", spec.name);
            problems.push(locate(problem, file, 1));
            ok = false;
        }
    }
    if problems.len() > first_missing
        && let Some(separator) = other_separator(header)
    {
        let problem =
            Problem::new(codes::WRONG_SEPARATOR, line_path(file, 1)).with("separator", separator);
        problems.push(locate(problem, file, 1));
    }
    ok.then_some(columns)
}

/// Returns the semicolon or tab that a header cell contains, written as the
/// message shows it. A spreadsheet that separates columns with either
/// saves a header that a comma-separated reader takes as one cell.
fn other_separator(header: &csv::ByteRecord) -> Option<&'static str> {
    header.iter().find_map(|cell| {
        if cell.contains(&b';') {
            Some(";")
        } else if cell.contains(&b'\t') {
            Some("\\t")
        } else {
            None
        }
    })
}

fn allowed_columns<T: Record>() -> String {
    let names: Vec<&str> = T::FIELDS.iter().map(|spec| spec.name).collect();
    names.join(", ")
}

/// A record with the line it starts on and the byte offset of its start in
/// the file's text.
#[derive(Clone, Copy)]
struct LocatedRecord<'a> {
    record: &'a csv::ByteRecord,
    line: u64,
    /// The offset in the file of the text the parser reads.
    piece_offset: u64,
    /// The offset of the record in that text.
    record_start: u64,
    dropped_quotes: &'a DroppedQuotes,
}

/// The path and the cells vector of a row, kept from one row to the next,
/// so that reading a row allocates neither.
struct RowBuffers {
    /// The path of the file, then the line of the row last read.
    path: Path,
    /// The segments of the file's path.
    file_segments: usize,
    /// Empty, with room for the cells of a row.
    cells: Vec<Option<&'static str>>,
}

impl RowBuffers {
    fn new(file_path: Path) -> Self {
        Self {
            file_segments: file_path.0.len(),
            path: file_path,
            cells: Vec::new(),
        }
    }

    /// Takes the path, set to the row on `line`. The caller puts it back
    /// in `path` when done, so that the next row reuses it.
    fn row_path(&mut self, line: u64) -> Path {
        let mut path = std::mem::take(&mut self.path);
        path.0.truncate(self.file_segments);
        path.0.push(PathSegment::Index(line));
        path
    }
}

/// Returns `cells` emptied, with its allocation, for cells that borrow
/// another record. The standard library (Rust 1.95) collects a vector's
/// own iterator into the same allocation when the item types have the
/// same size and alignment, which `recycle_keeps_the_allocation` checks.
fn recycle<'b>(mut cells: Vec<Option<&str>>) -> Vec<Option<&'b str>> {
    cells.clear();
    cells.into_iter().map(|_| None).collect()
}

/// Reads one row with the path and cells vector of `buffers`.
fn read_row<'r, T: Record>(
    file: &str,
    buffers: &mut RowBuffers,
    located: &LocatedRecord<'r>,
    columns: &[Option<usize>],
) -> Result<T, Problems> {
    let LocatedRecord { record, line, .. } = *located;
    let mut problems = Problems::new();
    let mut cells: Vec<Option<&'r str>> = recycle(std::mem::take(&mut buffers.cells));
    cells.reserve(columns.len());
    // Checking the whole record at once is faster than checking each cell.
    // A cell is taken from the checked record only when its range starts and
    // ends on character boundaries. Otherwise it is checked on its own,
    // because the record keeps its cells back to back, and two invalid cells
    // can join into a valid character.
    let whole = std::str::from_utf8(record.as_slice()).ok();
    for (field, column) in columns.iter().enumerate() {
        let Some(column) = column else {
            cells.push(None);
            continue;
        };
        let checked = whole.and_then(|whole| whole.get(record.range(*column)?));
        if let Some(text) = checked {
            cells.push(Some(trim_spaces(text)));
            continue;
        }
        let bytes = record.get(*column).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(text) => cells.push(Some(trim_spaces(text))),
            Err(error) => {
                let name = T::FIELDS[field].name;
                // The record keeps its cells back to back without the commas
                // between them, which the index adds back.
                let cell_start = record.range(*column).map_or(0, |range| range.start);
                let index = (cell_start + column + error.valid_up_to()) as u64;
                let offset = located.piece_offset
                    + located
                        .dropped_quotes
                        .text_offset(located.record_start, index);
                problems.push(
                    Problem::new(codes::INVALID_ENCODING, line_path(file, line).join(name))
                        .with("file", file)
                        .with("offset", offset)
                        .with("field", name)
                        .with(
                            "value",
                            Value::String(String::from_utf8_lossy(bytes).into_owned()),
                        ),
                );
                cells.push(None);
            }
        }
    }
    if !problems.is_empty() {
        buffers.cells = recycle(cells);
        return Err(problems);
    }
    let (value, cells, path) = {
        let cells = Cells::Csv {
            fields: T::FIELDS,
            cells,
        };
        let mut reader = FieldReader::new(cells, buffers.row_path(line), &mut problems);
        let value = T::read_fields(&mut reader);
        let (cells, path) = reader.into_parts();
        (value, cells, path)
    };
    if let Cells::Csv { cells, .. } = cells {
        buffers.cells = recycle(cells);
    }
    let result = match value {
        Some(value) => {
            value.check(&path, &mut problems);
            problems.into_result(value)
        }
        None => Err(problems),
    };
    buffers.path = path;
    result
}

#[cfg(test)]
mod tests {
    use super::super::encoding::SNIFF_BYTES;
    use super::*;
    use crate::problem::{Code, Params};

    #[test]
    fn recycle_keeps_the_allocation() {
        let text = String::from("a,b");
        let mut cells: Vec<Option<&str>> = Vec::with_capacity(12);
        cells.extend([Some(&text[..1]), None, Some(&text[2..])]);
        let recycled: Vec<Option<&'static str>> = recycle(cells);
        assert!(recycled.is_empty());
        assert_eq!(recycled.capacity(), 12);
    }

    /// Reads `bytes` as `scans.csv` in one go.
    fn read_scans(bytes: &[u8]) -> (Vec<Row<crate::model::Scan>>, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut notices = Vec::new();
        let (rows, _) = read_file("scans.csv", Box::new(bytes), &mut problems, &mut notices)
            .expect("reading from memory does not fail");
        (rows, problems)
    }

    /// The header of the scan rows of [`scan_line`].
    const SCAN_HEADER: &str = "id,session_id,learner_id,scanned_at,direction,method,token";

    /// Returns a valid scan row with a distinct id and learner for each `n`.
    fn scan_line(n: u32) -> String {
        format!(
            "1c796483-413c-4925-b189-{n:012x},c34bd0bf-cc2c-5e12-a45a-36c27009a76a,\
             4ae8d0b3-714e-4e2c-9571-{n:012x},2026-03-04T00:19:47Z,check_in,qr,T{n}"
        )
    }

    #[test]
    fn rows_alone_match_rows_together() {
        let header = SCAN_HEADER;
        let good = |n: u32| scan_line(n).into_bytes();
        // Good rows fill the bytes that decide the encoding, because a byte
        // that is not UTF-8 among them rejects the whole file.
        let mut start = header.as_bytes().to_vec();
        let start_rows = SNIFF_BYTES / 100;
        for n in 0..start_rows {
            start.push(b'\n');
            start.extend(good(1000 + n as u32));
        }
        let mut invalid_utf8 = good(4);
        invalid_utf8.splice(0..2, *b"\xff\xfe");
        let mut quoted = b"\"1c796483-413c-4925-b189-000000000006\",".to_vec();
        quoted.extend(b"\"c34bd0bf-cc2c-5e12-a45a-36c27009a76a\",");
        quoted.extend(b"\"4ae8d0b3-714e-4e2c-9571-000000000006\",\"2026-03-04T00:19:47Z\",");
        quoted.extend(b"\"check_in\",\"qr\",\" T6 \"\"x\"\"\"");
        // Short and long rows, a row with bytes that are not UTF-8, a
        // quoted row and a row with invalid cells, between rows that are
        // read, so that a cell or path left by one row would change the
        // next.
        let rows: Vec<Vec<u8>> = vec![
            good(1),
            b"1c796483-413c-4925-b189-000000000002,,".to_vec(),
            good(3),
            invalid_utf8,
            good(5),
            quoted,
            b"x,c34bd0bf-cc2c-5e12-a45a-36c27009a76a,y,tomorrow,in,qr,T7,extra".to_vec(),
            b"x,c34bd0bf-cc2c-5e12-a45a-36c27009a76a,y,tomorrow,in,qr,T8".to_vec(),
            good(9),
        ];
        let mut together = start.clone();
        for row in &rows {
            together.push(b'\n');
            together.extend(row);
        }
        let (mut rows_together, problems_together) = read_scans(&together);
        rows_together.drain(..start_rows);

        let mut rows_alone = Vec::new();
        let mut problems_alone = Vec::new();
        for (index, row) in rows.iter().enumerate() {
            // Empty lines put the row on the line it has in the whole file.
            let mut alone = start.clone();
            alone.extend(std::iter::repeat_n(b'\n', index + 1));
            alone.extend(row);
            let (rows, problems) = read_scans(&alone);
            rows_alone.extend(rows.into_iter().skip(start_rows));
            problems_alone.extend(problems);
        }
        // The four good rows and the quoted row are read.
        assert_eq!(rows_together.len(), 5);
        assert_eq!(rows_together, rows_alone);
        let lines: std::collections::BTreeSet<u64> = problems_together
            .iter()
            .filter_map(|problem| match problem.path.0.get(1) {
                Some(PathSegment::Index(line)) => Some(*line),
                _ => None,
            })
            .collect();
        // The header and the good rows before these take the first lines.
        let first = start_rows as u64 + 2;
        assert_eq!(lines, [first + 1, first + 3, first + 6, first + 7].into());
        // The bad byte's offset differs, because empty lines are shorter
        // than the rows they stand for.
        let without_offset = |problems: Vec<Problem>| -> Vec<(Code, Path, Params)> {
            problems
                .into_iter()
                .map(|mut problem| {
                    problem.params.remove("offset");
                    (problem.code, problem.path, problem.params)
                })
                .collect()
        };
        assert_eq!(
            without_offset(problems_together),
            without_offset(problems_alone)
        );
    }

    #[test]
    fn row_path_replaces_the_line() {
        let mut buffers = RowBuffers::new(file_path("scans.csv"));
        let first = buffers.row_path(2);
        buffers.path = first;
        let second = buffers.row_path(7);
        assert_eq!(second, line_path("scans.csv", 7));
    }

    /// The rows, counts and problems of reading a body.
    type BodyRead = (Vec<Row<crate::model::Scan>>, FileReport, Vec<Problem>);

    /// Reads `body` as the data rows of `scans.csv` after `header`, from
    /// `line_breaks` line breaks and `offset` bytes into the file, once with
    /// the CSV parser and once split without it. The parser reads the header
    /// too, one line before the body, as in a file read in one go: it would
    /// drop a byte-order mark at the start of the first record it reads.
    fn read_body_both_ways(
        header: &str,
        body: &[u8],
        line_breaks: u64,
        offset: u64,
    ) -> (BodyRead, BodyRead) {
        let mut text = format!("{header}\n").into_bytes();
        let header_bytes = text.len() as u64;
        text.extend(body);
        let mut csv_reader = csv_reader(LineTracker::new(&text[..]));
        let mut header_record = csv::ByteRecord::new();
        assert!(read_record(&mut csv_reader, &mut header_record).unwrap());
        let mut header_problems = Vec::new();
        let columns =
            read_header::<crate::model::Scan>("scans.csv", &header_record, &mut header_problems)
                .expect("the header is valid");
        let table = Table {
            file: "scans.csv",
            columns,
            width: header_record.len(),
        };

        let mut parsed: BodyRead = (Vec::new(), FileReport::new("scans.csv"), Vec::new());
        let header_start = TextStart {
            line_breaks: line_breaks - 1,
            offset: offset - header_bytes,
        };
        read_body(
            &table,
            &mut csv_reader,
            header_start,
            &mut parsed.0,
            &mut parsed.1,
            &mut parsed.2,
        )
        .expect("reading from memory does not fail");

        let mut split: BodyRead = (Vec::new(), FileReport::new("scans.csv"), Vec::new());
        let start = TextStart {
            line_breaks,
            offset,
        };
        read_unquoted_body(
            &table,
            body,
            start,
            &mut split.0,
            &mut split.1,
            &mut split.2,
        );
        (parsed, split)
    }

    #[test]
    fn unquoted_rows_match_csv_parser() {
        let header = SCAN_HEADER;
        let good = scan_line;
        let mut cases: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("one row, no final break", good(1).into_bytes()),
            ("LF", format!("{}\n{}\n", good(1), good(2)).into_bytes()),
            (
                "CR LF",
                format!("{}\r\n{}\r\n", good(1), good(2)).into_bytes(),
            ),
            (
                "lone CR",
                format!("{}\r{}\r", good(1), good(2)).into_bytes(),
            ),
            (
                "LF CR",
                format!("{}\n\r{}\n\r", good(1), good(2)).into_bytes(),
            ),
            (
                "leading and empty lines",
                format!("\n\r\n\r\r{}\n\n\n{}", good(1), good(2)).into_bytes(),
            ),
            (
                "blank rows",
                format!("{}\n   \n\t\n , ,\n{}\n", good(1), good(2)).into_bytes(),
            ),
            ("only commas", ",,,,,,\n,\n".into()),
            (
                "empty fields",
                format!("{}\n,,,,,,\n", good(1)).into_bytes(),
            ),
            (
                "trailing comma",
                format!("{},\n{}\n", good(1), good(2)).into_bytes(),
            ),
            ("short row", "a,b\nonly\n".into()),
            (
                "byte-order mark inside",
                format!("\u{feff}{}\n{}\u{feff}\n", good(1), good(2)).into_bytes(),
            ),
            (
                "non-ASCII",
                format!(
                    "{}\n{}\n",
                    good(1),
                    good(2).replace(",qr,", ",q\u{e9}\u{4e2d},")
                )
                .into_bytes(),
            ),
            (
                "spaces around cells",
                format!(" {} \n", good(1).replace(',', " , ")).into_bytes(),
            ),
            (
                "invalid cells",
                "x,c34bd0bf-cc2c-5e12-a45a-36c27009a76a,y,tomorrow,in,qr,T7\n".into(),
            ),
        ];
        // A byte that is never UTF-8 late in the second row, and a lead
        // byte without its continuation in the first row's id.
        let mut invalid_utf8 = format!("{}\n{}\n", good(1), good(2)).into_bytes();
        let at = invalid_utf8.len() - 3;
        invalid_utf8[at] = 0xFF;
        invalid_utf8[2] = 0xC3;
        cases.push(("not UTF-8", invalid_utf8));

        for (name, body) in &cases {
            for (line_breaks, offset) in [(1, 100), (7, 1234)] {
                let (parsed, split) = read_body_both_ways(header, body, line_breaks, offset);
                assert_eq!(split.0, parsed.0, "{name}: rows");
                assert_eq!(split.1, parsed.1, "{name}: counts");
                assert_eq!(split.2, parsed.2, "{name}: problems");
            }
        }

        // The cases reach rows, blank rows, rejections and encoding errors.
        let body = |name: &str| &cases.iter().find(|case| case.0 == name).unwrap().1;
        let (parsed, _) = read_body_both_ways(header, body("blank rows"), 1, 100);
        assert_eq!(parsed.1.blank_rows, 3);
        assert_eq!(parsed.0.len(), 2);
        let (parsed, _) = read_body_both_ways(header, body("not UTF-8"), 1, 100);
        assert_eq!(parsed.1.rows_rejected, 2);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        #[test]
        fn unquoted_bytes_match_csv_parser(
            body in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'7', b',', b',', b'\r', b'\n', b'\n', b' ', b'\t', 0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF]),
                0..400,
            ),
            line_breaks in 1u64..4,
        ) {
            let (parsed, split) = read_body_both_ways(SCAN_HEADER, &body, line_breaks, 100);
            proptest::prop_assert_eq!(split, parsed);
        }
    }
}
