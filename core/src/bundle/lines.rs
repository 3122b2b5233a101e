//! Line numbers and quoting of the raw CSV text, seen as it passes to the
//! CSV parser.
//!
//! The CSV parser counts lines by line feeds only, so a file saved with
//! carriage returns alone (as older Mac spreadsheet programs do) would put
//! every row on line 1. It also reads a quote that is never closed as one
//! cell running to the end of the file, without saying so. [`LineTracker`]
//! counts every line break (CR LF, LF or CR) and follows the quoting the
//! way the parser does, so that rows get their real lines and an unclosed
//! quote can be reported. It also notes the quotes the parser leaves out of
//! the cells, so that a byte of a cell can be traced back to its offset in
//! the text.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::io::{self, Read};

/// The position of the tracker within a CSV field, by the parser's rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field.
    FieldStart,
    /// In a field that did not start with a quote.
    Unquoted,
    /// In a quoted field.
    Quoted,
    /// Just after a quote in a quoted field: it either closes the field or,
    /// doubled, is one literal quote.
    QuoteInQuoted,
}

/// A run of consecutive line-break bytes (CR and LF). An empty line is part
/// of a run, so a file of many empty lines keeps one run for all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BreakRun {
    /// The offset of the run's first byte.
    start: u64,
    /// The offset just after the run's last byte.
    end: u64,
    /// The line breaks that the run's bytes end (one for each CR LF, lone
    /// CR and lone LF), plus those inside quoted fields between the run
    /// before and this one. No lookup falls between them and `end`.
    breaks: u64,
}

/// A reader that passes its bytes through unchanged and notes where lines
/// start and whether a quoted field is left open.
pub(crate) struct LineTracker<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Line breaks passed through so far.
    breaks: u64,
    /// Whether the last byte was a carriage return, so that a following
    /// line feed ends the same line.
    after_cr: bool,
    /// Whether the last byte was a carriage return or a line feed.
    after_break: bool,
    quoting: Quoting,
    /// The line on which the open quoted field started.
    quote_line: u64,
    /// Runs of line-break bytes outside quoted fields that no lookup has
    /// passed yet.
    break_runs: RefCell<VecDeque<BreakRun>>,
    /// Line breaks inside quoted fields since the last run started. No
    /// record starts inside a quoted field, and the break that ends the
    /// field's record starts a run, so that run counts them.
    quoted_breaks: u64,
    /// Line breaks in the runs that lookups have passed.
    counted: Cell<u64>,
    dropped_quotes: DroppedQuotes,
}

/// The offsets of the quotes that the parser leaves out of the cells: the
/// quote that opens a quoted field, the one that closes it, and the first
/// of each doubled quote inside it. Only those that no lookup has passed
/// are kept.
#[derive(Debug, Default)]
pub(crate) struct DroppedQuotes {
    offsets: RefCell<VecDeque<u64>>,
}

impl DroppedQuotes {
    /// Returns the offset in the text of byte `index` of the record whose
    /// text starts at `start`, where `index` counts the cells' bytes back to
    /// back plus one byte for each comma before the cell. Lookups must come
    /// in increasing order of `start`.
    pub(crate) fn text_offset(&self, start: u64, index: u64) -> u64 {
        self.forget_before(start);
        let mut offset = start + index;
        for &quote in self.offsets.borrow().iter() {
            if quote > offset {
                break;
            }
            offset += 1;
        }
        offset
    }

    /// Returns how many quotes are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.offsets.borrow().len()
    }

    fn forget_before(&self, offset: u64) {
        let mut offsets = self.offsets.borrow_mut();
        while offsets.front().is_some_and(|&quote| quote < offset) {
            offsets.pop_front();
        }
    }
}

impl<R: Read> LineTracker<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            breaks: 0,
            after_cr: false,
            after_break: false,
            quoting: Quoting::FieldStart,
            quote_line: 0,
            break_runs: RefCell::new(VecDeque::new()),
            quoted_breaks: 0,
            counted: Cell::new(0),
            dropped_quotes: DroppedQuotes::default(),
        }
    }

    /// Returns the one-based line of the byte at `offset`. Lookups must come in
    /// increasing order of offset, as the parser's records do, and `offset`
    /// must not be strictly inside a run of line breaks, which no offset that
    /// [`LineTracker::content_start`] returns is.
    pub(crate) fn line_at(&self, offset: u64) -> u64 {
        let mut runs = self.break_runs.borrow_mut();
        self.pass_runs(&mut runs, offset);
        debug_assert!(
            runs.front().is_none_or(|run| run.start >= offset),
            "line lookup at {offset} inside a run of line breaks"
        );
        self.counted.get() + 1
    }

    /// Drops the runs that end at or before `offset`, counting their breaks.
    fn pass_runs(&self, runs: &mut VecDeque<BreakRun>, offset: u64) {
        while let Some(run) = runs.front().filter(|run| run.end <= offset) {
            self.counted.set(self.counted.get() + run.breaks);
            runs.pop_front();
        }
    }

    /// Returns the offset of the first byte at or after `offset` that is not
    /// a line break. The parser's position of a record includes the empty
    /// lines it skipped before the record, and the LF of a CR LF that ended
    /// the row before, so this is where the record's text really starts.
    /// Lookups must come in increasing order of offset, and each drops the
    /// noted quotes before the record, so that they do not pile up.
    pub(crate) fn content_start(&self, offset: u64) -> u64 {
        let mut runs = self.break_runs.borrow_mut();
        self.pass_runs(&mut runs, offset);
        let start = match runs.front() {
            Some(run) if run.start <= offset => run.end,
            _ => offset,
        };
        self.dropped_quotes.forget_before(start);
        start
    }

    /// Returns the quotes the parser left out of the cells read so far.
    pub(crate) fn dropped_quotes(&self) -> &DroppedQuotes {
        &self.dropped_quotes
    }

    /// Returns the line of a quote that was opened and never closed, once
    /// the whole input has been read.
    pub(crate) fn unclosed_quote_line(&self) -> Option<u64> {
        (self.quoting == Quoting::Quoted).then_some(self.quote_line)
    }

    /// Returns the number of lines read, counting a last line that has no
    /// line break.
    pub(crate) fn last_line(&self) -> u64 {
        if self.offset == 0 || self.after_break {
            self.breaks
        } else {
            self.breaks + 1
        }
    }

    fn note(&mut self, byte: u8) {
        let at = self.offset;
        let break_byte = matches!(byte, b'\r' | b'\n');
        // CR LF, LF and CR each end a line. A line that ends in CR LF is
        // counted at the CR, which starts no record.
        let line_break = match byte {
            b'\r' => true,
            b'\n' => !self.after_cr,
            _ => false,
        };
        if break_byte {
            self.note_break_byte(line_break);
        }
        self.offset += 1;
        self.after_cr = byte == b'\r';
        self.after_break = break_byte;
        if line_break {
            self.breaks += 1;
        }
        self.quoting = match (self.quoting, byte) {
            (Quoting::FieldStart, b'"') => {
                self.quote_line = self.breaks + 1;
                self.dropped_quotes.offsets.get_mut().push_back(at);
                Quoting::Quoted
            }
            (Quoting::Quoted, b'"') => {
                self.dropped_quotes.offsets.get_mut().push_back(at);
                Quoting::QuoteInQuoted
            }
            (Quoting::Quoted, _) => Quoting::Quoted,
            (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
            (_, b',' | b'\r' | b'\n') => Quoting::FieldStart,
            _ => Quoting::Unquoted,
        };
    }

    /// Adds the CR or LF at the current offset to the run of line breaks
    /// it continues, or starts a run with it. A break inside a quoted field
    /// is only counted, so that a cell of many lines keeps no run per line.
    fn note_break_byte(&mut self, line_break: bool) {
        if self.quoting == Quoting::Quoted {
            self.quoted_breaks += u64::from(line_break);
            return;
        }
        let offset = self.offset;
        let runs = self.break_runs.get_mut();
        match runs.back_mut() {
            Some(run) if self.after_break && run.end == offset => run.end += 1,
            _ => runs.push_back(BreakRun {
                start: offset,
                end: offset + 1,
                breaks: std::mem::take(&mut self.quoted_breaks),
            }),
        }
        if line_break && let Some(run) = runs.back_mut() {
            run.breaks += 1;
        }
    }

    /// Notes `bytes`, jumping over the runs between quotes and line breaks
    /// instead of stepping through every byte.
    fn note_all(&mut self, bytes: &[u8]) {
        let mut start = 0;
        while start < bytes.len() {
            let special = memchr::memchr3(b'"', b'\r', b'\n', &bytes[start..])
                .map_or(bytes.len(), |found| start + found);
            if special > start {
                self.note_plain(&bytes[start..special]);
            }
            let Some(&byte) = bytes.get(special) else {
                break;
            };
            self.note(byte);
            start = special + 1;
        }
    }

    /// Notes a non-empty run of bytes without quotes or line breaks, with
    /// the same result as noting each byte in turn: a quoted field stays
    /// quoted, and otherwise the run's last byte decides whether the next
    /// byte starts a field.
    fn note_plain(&mut self, run: &[u8]) {
        self.offset += run.len() as u64;
        self.after_cr = false;
        self.after_break = false;
        if self.quoting != Quoting::Quoted {
            self.quoting = if run.last() == Some(&b',') {
                Quoting::FieldStart
            } else {
                Quoting::Unquoted
            };
        }
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.note_all(&buffer[..read]);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Notes `bytes` one byte at a time, the way the tracker did before it
    /// jumped over plain runs.
    fn byte_by_byte(bytes: &[u8]) -> LineTracker<&[u8]> {
        let mut tracker = LineTracker::new(&b""[..]);
        for &byte in bytes {
            tracker.note(byte);
        }
        tracker
    }

    /// Reads `bytes` through the tracker in chunks of `chunk` bytes.
    fn through_reader(bytes: &[u8], chunk: usize) -> LineTracker<&[u8]> {
        let mut tracker = LineTracker::new(bytes);
        let mut buffer = vec![0; chunk];
        while tracker.read(&mut buffer).unwrap() > 0 {}
        tracker
    }

    type State = (
        u64,
        u64,
        bool,
        bool,
        Quoting,
        u64,
        Vec<BreakRun>,
        u64,
        Vec<u64>,
    );

    fn state(tracker: &LineTracker<&[u8]>) -> State {
        (
            tracker.offset,
            tracker.breaks,
            tracker.after_cr,
            tracker.after_break,
            tracker.quoting,
            tracker.quote_line,
            tracker.break_runs.borrow().iter().copied().collect(),
            tracker.quoted_breaks,
            tracker
                .dropped_quotes
                .offsets
                .borrow()
                .iter()
                .copied()
                .collect(),
        )
    }

    #[test]
    fn runs_match_byte_steps() {
        let inputs: &[&[u8]] = &[
            b"",
            b"id,name\n1,a\n2,b",
            b"id,name\r\n1,\"a, b\"\r\n2,\"say \"\"hi\"\"\"\r\n",
            b"a,b\r1,2\r3,4\r",
            b"a,\"open\nstill open\nto the end",
            b"a,b\n1,x\"y\n2,\"\",z\n",
            b"a,b\n,\n,\"\n\"\n",
            "名称,备注\n图书馆,\"一、二\"\n".as_bytes(),
        ];
        for input in inputs {
            let expected = state(&byte_by_byte(input));
            for chunk in [1, 2, 3, 7, 64] {
                let found = state(&through_reader(input, chunk));
                assert_eq!(found, expected, "input {input:?} in chunks of {chunk}");
            }
        }
    }

    #[test]
    fn lines_of_mixed_breaks() {
        let tracker = through_reader(b"a\r\nb\nc\rd", 4);
        assert_eq!(tracker.line_at(0), 1);
        assert_eq!(tracker.line_at(3), 2);
        assert_eq!(tracker.line_at(5), 3);
        assert_eq!(tracker.line_at(7), 4);
        assert_eq!(tracker.last_line(), 4);
        assert_eq!(tracker.unclosed_quote_line(), None);
    }

    #[test]
    fn unclosed_quote_line() {
        let tracker = through_reader(b"a,b\n1,2\n3,\"x\ny\n", 5);
        assert_eq!(tracker.unclosed_quote_line(), Some(3));
        assert_eq!(tracker.last_line(), 4);
    }

    /// A reader that returns at most `chunk` bytes a call.
    struct Chunked<'a> {
        bytes: &'a [u8],
        chunk: usize,
    }

    impl Read for Chunked<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let length = self.chunk.min(buffer.len()).min(self.bytes.len());
            buffer[..length].copy_from_slice(&self.bytes[..length]);
            self.bytes = &self.bytes[length..];
            Ok(length)
        }
    }

    /// Checks that every byte of every cell the parser reads from `bytes`,
    /// handed over `chunk` bytes at a time, is found at its text offset.
    fn check_cell_offsets(bytes: &[u8], chunk: usize) {
        let chunked = Chunked { bytes, chunk };
        let mut reader = super::super::read::csv_reader(LineTracker::new(chunked));
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let tracker = reader.get_ref();
            let position = record.position().map_or(0, csv::Position::byte);
            let start = tracker.content_start(position);
            for column in 0..record.len() {
                let range = record.range(column).unwrap();
                for (at, &byte) in record[column].iter().enumerate() {
                    let index = (range.start + column + at) as u64;
                    let offset = tracker.dropped_quotes().text_offset(start, index);
                    assert_eq!(
                        bytes[offset as usize], byte,
                        "cell {column} byte {at} of {bytes:?} in chunks of {chunk}"
                    );
                }
            }
        }
    }

    #[test]
    fn cell_bytes_at_text_offsets() {
        let inputs: &[&[u8]] = &[
            b"id,name\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n",
            b"a,b\r\n\"x\",\"\"\r\n\r\n,\"\"\"q\"\n",
            b"a,b\n1,x\"y\n\"ab\"cd,\"\"\"\"\n",
            "名称,备注\n\"图书馆\",\"一、\"\"二\"\"\"\n".as_bytes(),
        ];
        for input in inputs {
            for chunk in [1, 2, 3, 7, 64] {
                check_cell_offsets(input, chunk);
            }
        }
    }

    /// Returns the one-based line of each record the parser reads from
    /// `bytes`, handed over `chunk` bytes at a time, as the bundle reader
    /// finds it.
    fn record_lines(bytes: &[u8], chunk: usize) -> Vec<u64> {
        let chunked = Chunked { bytes, chunk };
        let mut reader = super::super::read::csv_reader(LineTracker::new(chunked));
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let tracker = reader.get_ref();
            let position = record.position().map_or(0, csv::Position::byte);
            lines.push(tracker.line_at(tracker.content_start(position)));
        }
        lines
    }

    /// Returns the one-based line that starts at `offset` of `text`, counted
    /// by turning every CR LF and lone CR into an LF.
    fn line_by_count(text: &str, offset: usize) -> u64 {
        let unified = text[..offset].replace("\r\n", "\n").replace('\r', "\n");
        unified.matches('\n').count() as u64 + 1
    }

    /// Returns `rows` with the line breaks of `gaps[i]` before row `i`, and
    /// where each row starts.
    fn rows_between_breaks(rows: &[&str], gaps: &[Vec<&str>]) -> (String, Vec<usize>) {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (row, gap) in rows.iter().zip(gaps) {
            text.extend(gap.iter().copied());
            starts.push(text.len());
            text.push_str(row);
        }
        (text, starts)
    }

    #[test]
    fn empty_lines_keep_one_run() {
        // Every mix of CR LF, LF and CR, many times over.
        let breaks = ["\r\n", "\n", "\r", "\n\r", "\r\r\n", "\n\n", "\r\n\r"];
        let mut text = String::from("id,name\n");
        for round in 0..50_000 {
            text.push_str(breaks[round % breaks.len()]);
        }
        let row_start = text.len();
        text.push_str("1,bad\n");

        let tracker = through_reader(text.as_bytes(), 8192);
        let runs_kept = tracker.break_runs.borrow().len();
        assert_eq!(
            runs_kept, 2,
            "the header's break and the empty lines form one run"
        );

        let header_end = "id,name\n".len() as u64;
        let start = tracker.content_start(header_end);
        assert_eq!(start, row_start as u64);
        assert_eq!(tracker.line_at(start), line_by_count(&text, row_start));
        assert_eq!(tracker.break_runs.borrow().len(), 1);
    }

    #[test]
    fn quoted_lines_keep_no_runs() {
        // A cell of many lines, with every kind of line break, before a row.
        let mut text = String::from("id,name\r\n1,\"");
        for round in 0..30_000 {
            text.push_str(["a\r\n", "\n", "\r", "b\n\r", "\r\r\n"][round % 5]);
        }
        text.push_str("\"\r\n");
        let row_start = text.len();
        text.push_str("2,bad\n");

        let tracker = through_reader(text.as_bytes(), 8192);
        let runs_kept = tracker.break_runs.borrow().len();
        assert_eq!(runs_kept, 3, "only the breaks that end rows form runs");

        let expected = vec![1, 2, line_by_count(&text, row_start)];
        for chunk in [1, 3, 64, 8192] {
            assert_eq!(
                record_lines(text.as_bytes(), chunk),
                expected,
                "chunks of {chunk}"
            );
        }
    }

    #[test]
    fn rows_after_empty_lines_at_their_lines() {
        let rows = ["id,name\n", "1,a\r\n", "2,\"b\nc\"\r", "3,d", "4,e\n"];
        let gaps = [
            vec![],
            vec!["\n"; 10_000],
            vec!["\r\n", "\r", "\n", "\r\n"],
            vec!["\r"; 3],
            vec!["\n", "\r\n"],
        ];
        let (text, starts) = rows_between_breaks(&rows, &gaps);
        let expected: Vec<u64> = starts
            .iter()
            .map(|&start| line_by_count(&text, start))
            .collect();
        assert_eq!(expected[1], 10_002);
        for chunk in [1, 3, 64, 8192] {
            assert_eq!(
                record_lines(text.as_bytes(), chunk),
                expected,
                "chunks of {chunk}"
            );
        }
    }

    /// Returns a strategy of texts made of the bytes that change quoting and
    /// lines, and plain bytes.
    fn csv_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        proptest::collection::vec(
            proptest::sample::select(vec![b'a', b',', b'"', b'\r', b'\n', b' ']),
            0..200,
        )
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_cells_at_text_offsets(
            bytes in csv_bytes(),
            chunk in 1usize..40,
        ) {
            check_cell_offsets(&bytes, chunk);
        }

        #[test]
        fn any_empty_lines_keep_row_lines(
            gaps in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec!["\r\n", "\n", "\r"]),
                    0..30,
                ),
                4,
            ),
            chunk in 1usize..40,
        ) {
            let rows = ["a,b\n", "1,\"x\r\ny\"\n", "2,z\r", "3,w"];
            let (text, starts) = rows_between_breaks(&rows, &gaps);
            let expected: Vec<u64> =
                starts.iter().map(|&start| line_by_count(&text, start)).collect();
            proptest::prop_assert_eq!(record_lines(text.as_bytes(), chunk), expected);
        }

        #[test]
        fn any_bytes_match_byte_steps(
            bytes in csv_bytes(),
            chunk in 1usize..40,
        ) {
            let expected = state(&byte_by_byte(&bytes));
            let found = state(&through_reader(&bytes, chunk));
            proptest::prop_assert_eq!(found, expected);
        }
    }
}
