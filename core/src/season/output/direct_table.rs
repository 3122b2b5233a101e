//! A CSV table written straight into one reused text buffer.

use std::fmt::{Display, Write as _};
use std::io::{self, Write};

use uuid::Uuid;

use crate::field::FieldValue;

use super::outcome_rows::{CHUNK_BYTES, needs_quotes, push_cell};

/// A CSV table with the API and the bytes of [`super::Table`], for tables
/// of a million rows. The `csv` writer runs each cell through its state
/// machine, while this one appends a cell to the buffer and scans it for
/// the bytes that need quoting with [`needs_quotes`].
pub(super) struct DirectTable<'w> {
    writer: &'w mut dyn Write,
    /// The rows not yet passed to `writer`.
    chunk: String,
    rows: u64,
    /// The cells of every row: the columns of the header.
    columns: usize,
    /// The cells of the current row so far.
    cells: usize,
    /// The position in `chunk` where the current row starts.
    row_start: usize,
}

impl<'w> DirectTable<'w> {
    /// Starts a table on `writer` with a header of `columns`.
    pub(super) fn new(writer: &'w mut dyn Write, columns: &[&str]) -> io::Result<Self> {
        let mut table = Self {
            writer,
            chunk: String::with_capacity(CHUNK_BYTES + 1024),
            rows: 0,
            columns: columns.len(),
            cells: 0,
            row_start: 0,
        };
        for column in columns {
            table.cell(column)?;
        }
        table.end_row()?;
        table.rows = 0;
        Ok(table)
    }

    /// Writes one cell of the current row. [`DirectTable::end_row`] ends
    /// the row.
    pub(super) fn cell(&mut self, text: &str) -> io::Result<()> {
        self.separate();
        push_cell(&mut self.chunk, text);
        Ok(())
    }

    /// Writes the CSV text of `value` as one cell.
    pub(super) fn value(&mut self, value: &impl FieldValue) -> io::Result<()> {
        self.separate();
        let start = self.chunk.len();
        value.write_text(&mut self.chunk);
        if needs_quotes(&self.chunk[start..]) {
            let text = self.chunk.split_off(start);
            push_cell(&mut self.chunk, &text);
        }
        Ok(())
    }

    /// Writes `value` as one cell, or an empty cell when it is absent.
    pub(super) fn optional_value(&mut self, value: Option<&impl FieldValue>) -> io::Result<()> {
        match value {
            Some(value) => self.value(value),
            None => self.cell(""),
        }
    }

    /// Writes the `Display` text of `value` as one cell, the bytes that
    /// `value.to_string()` passed to [`DirectTable::cell`] would write,
    /// without the string.
    pub(super) fn display(&mut self, value: &impl Display) -> io::Result<()> {
        self.separate();
        let start = self.chunk.len();
        // Writing to a `String` fails only when `value`'s `fmt` does.
        write!(self.chunk, "{value}").map_err(io::Error::other)?;
        if needs_quotes(&self.chunk[start..]) {
            let text = self.chunk.split_off(start);
            push_cell(&mut self.chunk, &text);
        }
        Ok(())
    }

    /// Writes `value` as [`DirectTable::display`] does, or an empty cell
    /// when it is absent.
    pub(super) fn optional_display(&mut self, value: Option<impl Display>) -> io::Result<()> {
        match value {
            Some(value) => self.display(&value),
            None => self.cell(""),
        }
    }

    /// Writes `items` joined by `;` as one cell.
    pub(super) fn list<'t>(&mut self, items: impl IntoIterator<Item = &'t str>) -> io::Result<()> {
        self.separate();
        let start = self.chunk.len();
        for (index, item) in items.into_iter().enumerate() {
            if index > 0 {
                self.chunk.push(';');
            }
            self.chunk.push_str(item);
        }
        if needs_quotes(&self.chunk[start..]) {
            let text = self.chunk.split_off(start);
            push_cell(&mut self.chunk, &text);
        }
        Ok(())
    }

    /// Writes `id` in its hyphenated lowercase form, which is its
    /// `Display` text and never needs quotes.
    pub(super) fn uuid(&mut self, id: Uuid) -> io::Result<()> {
        self.separate();
        let mut buffer = Uuid::encode_buffer();
        self.chunk
            .push_str(id.hyphenated().encode_lower(&mut buffer));
        Ok(())
    }

    /// Writes `id` as [`DirectTable::uuid`] does, or an empty cell when it
    /// is absent.
    pub(super) fn optional_uuid(&mut self, id: Option<Uuid>) -> io::Result<()> {
        match id {
            Some(id) => self.uuid(id),
            None => self.cell(""),
        }
    }

    /// Ends the current row, and passes the buffer to the writer once it
    /// contains [`CHUNK_BYTES`].
    ///
    /// # Errors
    ///
    /// Returns an error of kind [`io::ErrorKind::InvalidInput`] when the
    /// row has more or fewer cells than the header, which the `csv` writer
    /// rejects too, and the I/O error of the writer.
    pub(super) fn end_row(&mut self) -> io::Result<()> {
        if self.cells != self.columns {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a row has {} cells but the table has {} columns",
                    self.cells, self.columns
                ),
            ));
        }
        // The `csv` writer quotes a row that is one empty cell, so that it
        // is not read as a blank line.
        if self.cells == 1 && self.chunk.len() == self.row_start {
            self.chunk.push_str("\"\"");
        }
        self.chunk.push('\n');
        self.rows += 1;
        self.cells = 0;
        if self.chunk.len() >= CHUNK_BYTES {
            self.writer.write_all(self.chunk.as_bytes())?;
            self.chunk.clear();
        }
        self.row_start = self.chunk.len();
        Ok(())
    }

    /// Writes the rows still buffered, flushes the writer as the `csv`
    /// writer of [`super::Table`] does, and returns the number of rows,
    /// header not counted.
    ///
    /// # Errors
    ///
    /// Returns the I/O error of the writer, including one that only
    /// flushing reports, such as a full disk under a `BufWriter`.
    pub(super) fn finish(self) -> io::Result<u64> {
        self.writer.write_all(self.chunk.as_bytes())?;
        self.writer.flush()?;
        Ok(self.rows)
    }

    /// Appends the comma before every cell but the first of a row.
    fn separate(&mut self) {
        if self.cells > 0 {
            self.chunk.push(',');
        }
        self.cells += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use chrono::{TimeZone, Utc};

    use super::super::Table;
    use super::*;
    use crate::id::LearnerId;

    /// A cell of a test row: free text, or a value written with its
    /// `FieldValue` text.
    enum Cell {
        Text(&'static str),
        Number(Option<u32>),
        Learner(LearnerId),
        Flag(bool),
        Instant(chrono::DateTime<Utc>),
    }

    fn rows() -> Vec<Vec<Cell>> {
        let learner = LearnerId::derive("test", "1");
        let instant = Utc.with_ymd_and_hms(2026, 3, 7, 9, 30, 5).unwrap();
        vec![
            vec![
                Cell::Learner(learner),
                Cell::Text("attended"),
                Cell::Number(Some(90)),
                Cell::Number(None),
                Cell::Flag(true),
                Cell::Instant(instant),
            ],
            vec![
                Cell::Text("a,b"),
                Cell::Text("say \"hi\""),
                Cell::Text("one\ntwo"),
                Cell::Text("one\rtwo"),
                Cell::Text(""),
                Cell::Text(" spaced "),
            ],
            vec![
                Cell::Text(""),
                Cell::Text("\""),
                Cell::Text("书法 \t=1+2"),
                Cell::Number(None),
                Cell::Flag(false),
                Cell::Text("\r\n"),
            ],
        ]
    }

    /// Returns the text of `value` as `FieldValue` writes it.
    fn field_text(value: &impl FieldValue) -> String {
        let mut text = String::new();
        value.write_text(&mut text);
        text
    }

    /// Writes the test rows with the `csv` writer of [`Table`].
    fn with_table(columns: &[&str]) -> (String, u64) {
        let mut out = Vec::new();
        let mut table = Table::new(&mut out, columns).unwrap();
        for row in rows() {
            let texts = row.into_iter().map(|cell| match cell {
                Cell::Text(text) => Cow::Borrowed(text),
                Cell::Number(number) => {
                    Cow::Owned(number.map_or(String::new(), |n| field_text(&n)))
                }
                Cell::Learner(id) => Cow::Owned(field_text(&id)),
                Cell::Flag(flag) => Cow::Owned(field_text(&flag)),
                Cell::Instant(instant) => Cow::Owned(field_text(&instant)),
            });
            table.row(texts).unwrap();
        }
        let rows = table.finish().unwrap();
        (String::from_utf8(out).unwrap(), rows)
    }

    fn with_direct_table(columns: &[&str]) -> (String, u64) {
        let mut out = Vec::new();
        let mut table = DirectTable::new(&mut out, columns).unwrap();
        for row in rows() {
            for cell in row {
                match cell {
                    Cell::Text(text) => table.cell(text).unwrap(),
                    Cell::Number(number) => table.optional_value(number.as_ref()).unwrap(),
                    Cell::Learner(id) => table.value(&id).unwrap(),
                    Cell::Flag(flag) => table.value(&flag).unwrap(),
                    Cell::Instant(instant) => table.value(&instant).unwrap(),
                }
            }
            table.end_row().unwrap();
        }
        let rows = table.finish().unwrap();
        (String::from_utf8(out).unwrap(), rows)
    }

    #[test]
    fn rows_match_csv_table() {
        let columns = ["learner_id", "status, kind", "minutes", "", "walk_in", "at"];

        let (direct, direct_rows) = with_direct_table(&columns);
        let (expected, expected_rows) = with_table(&columns);

        assert_eq!(direct, expected);
        assert_eq!(direct_rows, expected_rows);
        assert_eq!(direct_rows, 3);
    }

    #[test]
    fn one_empty_cell_quoted() {
        let mut direct_out = Vec::new();
        let mut expected_out = Vec::new();
        let mut direct = DirectTable::new(&mut direct_out, &["note"]).unwrap();
        let mut expected = Table::new(&mut expected_out, &["note"]).unwrap();
        for text in ["", "x", ""] {
            direct.cell(text).unwrap();
            direct.end_row().unwrap();
            expected.row([Cow::Borrowed(text)]).unwrap();
        }

        direct.finish().unwrap();
        expected.finish().unwrap();

        assert_eq!(direct_out, b"note\n\"\"\nx\n\"\"\n");
        assert_eq!(direct_out, expected_out);
    }

    #[test]
    fn short_row_rejected() {
        let mut out = Vec::new();
        let mut table = DirectTable::new(&mut out, &["a", "b"]).unwrap();
        table.cell("only").unwrap();

        let error = table.end_row().unwrap_err();

        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn empty_table_writes_header() {
        let mut out = Vec::new();
        let table = DirectTable::new(&mut out, &["a", "b"]).unwrap();

        let rows = table.finish().unwrap();

        assert_eq!(out, b"a,b\n");
        assert_eq!(rows, 0);
    }

    #[test]
    fn odd_text_values_match_csv_table() {
        let texts = [
            " ",
            "  lead",
            "trail  ",
            "\t",
            "#note",
            "=1+2",
            "'",
            "\"\"",
            "a\"\"b",
            ",",
            "\n",
            "\r",
            "x\r\ny",
            "é,ü",
            "课程\n名",
            "\u{feff}",
            "\0",
        ];
        let columns = ["text", "list"];
        let mut direct_out = Vec::new();
        let mut expected_out = Vec::new();
        let mut direct = DirectTable::new(&mut direct_out, &columns).unwrap();
        let mut expected = Table::new(&mut expected_out, &columns).unwrap();
        for text in texts {
            let owned = text.to_owned();
            let list = vec![owned.clone(), "b".to_owned()];
            direct.value(&owned).unwrap();
            direct.value(&list).unwrap();
            direct.end_row().unwrap();
            expected
                .row([
                    Cow::Owned(field_text(&owned)),
                    Cow::Owned(field_text(&list)),
                ])
                .unwrap();
        }

        let direct_rows = direct.finish().unwrap();
        let expected_rows = expected.finish().unwrap();

        assert_eq!(
            String::from_utf8(direct_out).unwrap(),
            String::from_utf8(expected_out).unwrap()
        );
        assert_eq!(direct_rows, expected_rows);
    }

    #[test]
    fn display_list_uuid_match_csv_table() {
        let id = uuid::Uuid::from_u128(0x0f8f_ad5b_d9cb_469f_a165_7086_7728_950e);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        let columns = ["id", "shown", "absent", "list", "reverses"];
        let mut direct_out = Vec::new();
        let mut expected_out = Vec::new();
        let mut direct = DirectTable::new(&mut direct_out, &columns).unwrap();
        let mut expected = Table::new(&mut expected_out, &columns).unwrap();
        let displayed: [&dyn std::fmt::Display; 4] = [&day, &-7_i32, &"a,\"b\"", &"x\ny"];
        let lists: [&[&str]; 4] = [&[], &["one"], &["a", "b,c"], &["\"", ""]];
        for (value, list) in displayed.into_iter().zip(lists) {
            direct.uuid(id).unwrap();
            direct.display(&value).unwrap();
            direct.optional_display(None::<u32>).unwrap();
            direct.list(list.iter().copied()).unwrap();
            direct.optional_uuid(Some(id)).unwrap();
            direct.end_row().unwrap();
            expected
                .row([
                    Cow::Owned(id.to_string()),
                    Cow::Owned(value.to_string()),
                    Cow::Borrowed(""),
                    Cow::Owned(list.join(";")),
                    Cow::Owned(id.to_string()),
                ])
                .unwrap();
        }

        direct.finish().unwrap();
        expected.finish().unwrap();

        let direct_text = String::from_utf8(direct_out).unwrap();
        assert!(direct_text.contains("0f8fad5b-d9cb-469f-a165-70867728950e,2026-03-07,,,"));
        assert!(direct_text.contains(",\"a,\"\"b\"\"\",,\"a;b,c\","));
        assert_eq!(direct_text, String::from_utf8(expected_out).unwrap());
    }

    #[test]
    fn hostile_text_in_every_writer_reads_back() {
        // The texts a reason, name, category, token or source key could
        // carry, through each writer the credit and attendance tables use.
        let texts = [
            "",
            "a,b",
            "say \"hi\"",
            "\"",
            "\"\"",
            "one\ntwo",
            "one\rtwo",
            "one\r\ntwo",
            "\r\n",
            " lead",
            "trail ",
            " ",
            "\t",
            "=SUM(A1)",
            "#hash",
            "学习,\"课程\"",
            "\u{a0}x\u{2028}",
            "end\"",
            "\"start",
        ];
        let columns = ["cell", "display", "optional", "list", "value", "id"];
        let id = uuid::Uuid::from_u128(7);
        let mut direct_out = Vec::new();
        let mut expected_out = Vec::new();
        let mut direct = DirectTable::new(&mut direct_out, &columns).unwrap();
        let mut expected = Table::new(&mut expected_out, &columns).unwrap();
        let mut rows = Vec::new();
        for text in texts {
            let list = [text, "b", text];
            let owned = text.to_owned();
            direct.cell(text).unwrap();
            direct.display(&text).unwrap();
            direct.optional_display(Some(text)).unwrap();
            direct.list(list).unwrap();
            direct.value(&owned).unwrap();
            direct.uuid(id).unwrap();
            direct.end_row().unwrap();
            let row = [
                text.to_owned(),
                text.to_owned(),
                text.to_owned(),
                list.join(";"),
                owned.clone(),
                id.to_string(),
            ];
            expected.row(row.clone().map(Cow::Owned)).unwrap();
            rows.push(row);
        }
        direct.finish().unwrap();
        expected.finish().unwrap();

        assert_eq!(
            String::from_utf8(direct_out.clone()).unwrap(),
            String::from_utf8(expected_out).unwrap()
        );
        let mut reader = csv::Reader::from_reader(direct_out.as_slice());
        let read: Vec<Vec<String>> = reader
            .records()
            .map(|record| record.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let written: Vec<Vec<String>> = rows.iter().map(|row| row.to_vec()).collect();
        assert_eq!(read, written);
    }

    /// A writer that takes `limit` bytes and then fails every write.
    struct FailingWriter {
        limit: usize,
        written: usize,
    }

    impl Write for FailingWriter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let room = self.limit - self.written;
            if room == 0 {
                return Err(io::Error::other("no space left"));
            }
            let taken = room.min(buf.len());
            self.written += taken;
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Writes `rows` rows of one number and one text cell to `writer`,
    /// and returns the first error.
    fn write_rows(writer: &mut dyn Write, rows: u32) -> io::Result<u64> {
        let mut table = DirectTable::new(writer, &["id", "text"])?;
        for index in 0..rows {
            table.value(&index)?;
            table.cell("a, b")?;
            table.end_row()?;
        }
        table.finish()
    }

    #[test]
    fn failed_write_returned() {
        let mut full = Vec::new();
        write_rows(&mut full, 200_000).unwrap();
        assert!(full.len() > 2 * CHUNK_BYTES);

        for limit in [0, 3, CHUNK_BYTES - 1, CHUNK_BYTES + 10, full.len() - 1] {
            let mut writer = FailingWriter { limit, written: 0 };

            let result = write_rows(&mut writer, 200_000);

            assert!(result.is_err(), "a limit of {limit} bytes was not reported");
        }
    }

    #[test]
    fn rows_across_chunks_match() {
        let columns = ["id", "text"];
        let mut direct_out = Vec::new();
        let mut expected_out = Vec::new();
        let mut direct = DirectTable::new(&mut direct_out, &columns).unwrap();
        let mut expected = Table::new(&mut expected_out, &columns).unwrap();
        for index in 0..400_000u32 {
            let text = if index % 7 == 0 { "a,\"b\"" } else { "plain" };
            direct.value(&index).unwrap();
            direct.cell(text).unwrap();
            direct.end_row().unwrap();
            expected
                .row([Cow::Owned(field_text(&index)), Cow::Borrowed(text)])
                .unwrap();
        }

        let direct_rows = direct.finish().unwrap();
        let expected_rows = expected.finish().unwrap();

        assert!(direct_out.len() > 2 * CHUNK_BYTES);
        assert_eq!(direct_out, expected_out);
        assert_eq!(direct_rows, expected_rows);
    }

    #[test]
    fn finish_reports_failed_flush() {
        // The buffer takes the table, and only flushing it into the slice
        // with no room fails.
        let mut full: &mut [u8] = &mut [];
        let mut writer = io::BufWriter::new(&mut full);
        let mut table = DirectTable::new(&mut writer, &["a", "b"]).unwrap();
        table.cell("1").unwrap();
        table.cell("2").unwrap();
        table.end_row().unwrap();

        let error = table.finish().unwrap_err();

        assert_eq!(error.kind(), io::ErrorKind::WriteZero);
    }
}
