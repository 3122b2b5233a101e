//! Line numbers and quoting of the raw CSV text, seen as it passes to the
//! CSV parser.
//!
//! The CSV parser counts lines by line feeds only, so a file saved with
//! carriage returns alone (as older Mac spreadsheet programs do) would put
//! every row on line 1. It also reads a quote that is never closed as one
//! cell running to the end of the file, without saying so. [`LineTracker`]
//! counts every line break (CR LF, LF or CR) and follows the quoting the
//! way the parser does, so that rows get their real lines and an unclosed
//! quote can be reported.

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
    /// Offsets just after line breaks that no lookup has passed yet.
    pending: RefCell<VecDeque<u64>>,
    /// Line breaks before the offset of the last lookup.
    counted: Cell<u64>,
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
            pending: RefCell::new(VecDeque::new()),
            counted: Cell::new(0),
        }
    }

    /// Returns the one-based line of the byte at `offset`. Lookups must come in
    /// increasing order of offset, as the parser's records do.
    pub(crate) fn line_at(&self, offset: u64) -> u64 {
        let mut pending = self.pending.borrow_mut();
        while pending.front().is_some_and(|&start| start <= offset) {
            pending.pop_front();
            self.counted.set(self.counted.get() + 1);
        }
        self.counted.get() + 1
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
        self.offset += 1;
        // CR LF, LF and CR each end a line. A line that ends in CR LF is
        // counted at the CR, which starts no record.
        let line_break = match byte {
            b'\r' => true,
            b'\n' => !self.after_cr,
            _ => false,
        };
        self.after_cr = byte == b'\r';
        self.after_break = matches!(byte, b'\r' | b'\n');
        if line_break {
            self.breaks += 1;
            self.pending.get_mut().push_back(self.offset);
        }
        self.quoting = match (self.quoting, byte) {
            (Quoting::FieldStart, b'"') => {
                self.quote_line = self.breaks + 1;
                Quoting::Quoted
            }
            (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
            (Quoting::Quoted, _) => Quoting::Quoted,
            (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
            (_, b',' | b'\r' | b'\n') => Quoting::FieldStart,
            _ => Quoting::Unquoted,
        };
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        for &byte in &buffer[..read] {
            self.note(byte);
        }
        Ok(read)
    }
}
