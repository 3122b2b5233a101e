//! Reading a large CSV file in pieces on the rayon thread pool.
//!
//! In text without quotes every line break ends a record, so the text can
//! be cut after any line feed. The file is read in blocks of a few tens of
//! megabytes, and each block is cut into pieces. Each piece is parsed on its
//! own worker, which is given the line breaks and bytes before the piece,
//! and the pieces are joined in file order. The rows, problems and counts
//! are the same as reading the file in one go gives. From the first block
//! with a quote on, the rest of the file is read in one go, because a
//! quoted cell may contain a line break. The same holds from the first
//! block without a line feed (lone carriage returns as line ends, or a line
//! longer than a block), which cannot be cut.

use std::io::{self, Read};

use rayon::prelude::*;

use crate::problem::Problem;
use crate::record::Record;

use super::encoding::{SNIFF_BYTES, utf8_start};
use super::lines::LineTracker;
use super::read::{self, Row, Table, TextStart};
use super::report::FileReport;

/// How much of a file is held in memory at once, and how it is cut.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// The bytes read into memory before they are parsed.
    block: usize,
    /// The bytes of each piece parsed by one worker. Pieces of a few
    /// megabytes keep every worker busy and cost little to join.
    piece: usize,
}

const SIZES: Sizes = Sizes {
    block: 32 << 20,
    piece: 2 << 20,
};

/// Reads every record of one CSV file as [`read::read_file`] does, parsing
/// the text in pieces in parallel where it has no quotes. `file_bytes`, the
/// size of the file when known, only sizes the rows vector.
pub(crate) fn read_file<T: Record + Send>(
    file: &str,
    reader: Box<dyn Read + '_>,
    file_bytes: Option<u64>,
    problems: &mut Vec<Problem>,
    notices: &mut Vec<Problem>,
) -> io::Result<(Vec<Row<T>>, FileReport)> {
    read_file_with(file, reader, SIZES, file_bytes, problems, notices)
}

fn read_file_with<T: Record + Send>(
    file: &str,
    mut reader: Box<dyn Read + '_>,
    sizes: Sizes,
    file_bytes: Option<u64>,
    problems: &mut Vec<Problem>,
    notices: &mut Vec<Problem>,
) -> io::Result<(Vec<Row<T>>, FileReport)> {
    // The head contains at least the bytes that decide the encoding, so that
    // the decision is the one reading in one go makes. Its buffer is made
    // at full size once, rather than grown by copying as blocks are read.
    let head_bytes = sizes.block.max(SNIFF_BYTES);
    let mut head = Vec::with_capacity(head_bytes + sizes.piece);
    (&mut reader)
        .take(head_bytes as u64)
        .read_to_end(&mut head)?;
    let start = utf8_start(&head).map(|(encoding, text_start)| {
        let header = read_header::<T>(file, &head[text_start..]);
        (encoding, text_start, header)
    });
    let Some((encoding, text_start, Some((table, header_end)))) = start else {
        let whole = io::Cursor::new(head).chain(reader);
        return read::read_file(file, Box::new(whole), problems, notices);
    };

    let mut report = FileReport::new(file);
    report.encoding = Some(encoding);
    let mut rows = Vec::new();
    // The rows of the pieces of the block parsed last. They are moved to
    // `rows` on the thread pool while the next block is parsed, because
    // moving them between blocks left the other workers idle.
    let mut parsed: Vec<Vec<Row<T>>> = Vec::new();
    let mut start = TextStart {
        line_breaks: line_breaks(&head[text_start..text_start + header_end]),
        offset: (text_start + header_end) as u64,
    };
    let body_start = start.offset;
    // `pending` contains the text read and not yet parsed, from `begin` on.
    let mut pending = head;
    let mut begin = text_start + header_end;
    let mut at_end = read_more(&mut reader, &mut pending, begin, sizes)?;
    // The buffer that the text after the block is read into while the
    // block is parsed. The two buffers take turns.
    let mut next = Vec::with_capacity(pending.capacity());
    loop {
        let last_line_feed = memchr::memrchr(b'\n', &pending[begin..]);
        let quoted = memchr::memchr(b'"', &pending[begin..]).is_some();
        if quoted || (last_line_feed.is_none() && !at_end) {
            append_rows(&mut rows, std::mem::take(&mut parsed), Room::Exact);
            let mut rest = io::Cursor::new(pending);
            rest.set_position(begin as u64);
            read_rest(
                &table,
                rest.chain(reader),
                start,
                &mut rows,
                &mut report,
                problems,
            )?;
            break;
        }
        let end = match last_line_feed {
            Some(last_line_feed) if !at_end => begin + last_line_feed + 1,
            _ => pending.len(),
        };
        let block = &pending[begin..end];
        next.clear();
        next.extend_from_slice(&pending[end..]);
        let earlier = std::mem::take(&mut parsed);
        let room = match expected_rows(
            file_bytes,
            body_start,
            start.offset,
            rows.len() + count(&earlier),
        ) {
            Some(total) => Room::Total(total),
            None => Room::AsMany,
        };
        // The reader cannot move to another thread, so this thread reads
        // the next text while the pool parses the block. `in_place_scope`
        // returns only after the spawned parse has stored its result.
        let mut block_read = (Vec::new(), 0);
        let next_read = rayon::in_place_scope(|scope| {
            scope.spawn(|_| block_read = read_block(&table, block, start, sizes.piece));
            append_rows(&mut rows, earlier, room);
            if at_end {
                Ok(true)
            } else {
                read_more(&mut reader, &mut next, 0, sizes)
            }
        });
        let (pieces, block_breaks) = block_read;
        for piece in pieces {
            parsed.push(piece.rows);
            problems.extend(piece.problems);
            report.rows_read += piece.report.rows_read;
            report.rows_accepted += piece.report.rows_accepted;
            report.rows_rejected += piece.report.rows_rejected;
            report.blank_rows += piece.report.blank_rows;
        }
        start.line_breaks += block_breaks;
        start.offset += block.len() as u64;
        if at_end {
            break;
        }
        at_end = next_read?;
        std::mem::swap(&mut pending, &mut next);
        begin = 0;
    }
    append_rows(&mut rows, parsed, Room::Exact);
    Ok((rows, report))
}

/// The maximum of [`expected_rows`], as a multiple of the rows read. A
/// source may state a size far beyond the bytes it gives, and reserving
/// room for that many rows can fail to allocate and abort. A file of up to
/// about 60 blocks, 2 GB, is still sized from its first block.
const MAX_GROWTH: u128 = 64;

/// Estimates the rows of a file of `file_bytes` bytes whose body starts at
/// `body_start`, from the `rows_read` rows of its body up to `read_to`. It
/// adds a margin of about 3 % for rows that differ in length, and returns
/// at most [`MAX_GROWTH`] times `rows_read`. It returns `None` when the
/// estimate is not above `rows_read`, because the size is then wrong and
/// room made exactly from it would grow the rows by a block or two at a
/// time, copying them all each time.
fn expected_rows(
    file_bytes: Option<u64>,
    body_start: u64,
    read_to: u64,
    rows_read: usize,
) -> Option<usize> {
    let body_bytes = file_bytes?.checked_sub(body_start)?;
    let read_bytes = read_to.checked_sub(body_start).filter(|&read| read > 0)?;
    let read = u128::try_from(rows_read).ok()?;
    let rows = read * u128::from(body_bytes) / u128::from(read_bytes);
    usize::try_from((rows + rows / 32).min(read * MAX_GROWTH))
        .ok()
        .filter(|&rows| rows > rows_read)
}

/// Returns the rows of `chunks`.
fn count<T>(chunks: &[Vec<Row<T>>]) -> usize {
    chunks.iter().map(Vec::len).sum()
}

/// Reads up to a block of text after the `begin` bytes of `pending` that
/// are already parsed, and at least a piece. Returns whether the reader
/// reached the end.
fn read_more(
    reader: &mut Box<dyn Read + '_>,
    pending: &mut Vec<u8>,
    begin: usize,
    sizes: Sizes,
) -> io::Result<bool> {
    let unparsed = pending.len() - begin;
    let to_read = sizes.block.saturating_sub(unparsed).max(sizes.piece);
    let read = reader.take(to_read as u64).read_to_end(pending)?;
    Ok(read < to_read)
}

/// The room that [`append_rows`] makes in the rows vector when the rows
/// appended do not fit.
#[derive(Clone, Copy)]
enum Room {
    /// Room for the rows appended only.
    Exact,
    /// Room for as many rows again, so that the rows of a next block of the
    /// same size fit without moving every row to a larger vector.
    AsMany,
    /// Room for the rows the whole file is expected to hold, and at least
    /// as many rows again as are appended.
    Total(usize),
}

/// Moves the rows of `chunks`, in order, to the end of `rows`, and makes
/// the `room` requested when they do not fit.
fn append_rows<T>(rows: &mut Vec<Row<T>>, mut chunks: Vec<Vec<Row<T>>>, room: Room) {
    if rows.is_empty() && chunks.len() == 1 && matches!(room, Room::Exact) {
        *rows = chunks.pop().unwrap_or_default();
        return;
    }
    let added = count(&chunks);
    match room {
        Room::Exact => rows.reserve_exact(added),
        Room::AsMany => rows.reserve(2 * added),
        // Each move of the rows to a larger vector copies them and touches
        // new pages, so the vector is made at its expected size at once.
        Room::Total(total) if rows.len() + added > rows.capacity() => {
            let capacity = total.max(rows.len() + 2 * added);
            rows.reserve_exact(capacity - rows.len());
        }
        Room::Total(_) => {}
    }
    for chunk in chunks {
        rows.extend(chunk);
    }
}

/// Reads the header at the start of `text` and returns the table it
/// defines and the offset of the first byte after it. Returns `None` when
/// the header is rejected (reading in one go reports why) or does not end
/// with a line feed.
fn read_header<'a, T: Record>(file: &'a str, text: &[u8]) -> Option<(Table<'a>, usize)> {
    let mut csv_reader = read::csv_reader(text);
    let mut header = csv::ByteRecord::new();
    if !read::read_record(&mut csv_reader, &mut header).ok()? {
        return None;
    }
    let mut header_end = usize::try_from(csv_reader.position().byte()).ok()?;
    // The parser ends a record at the CR of a CR LF and leaves the LF to the
    // next record, where it is skipped as an empty line.
    if header_end > 0 && text[header_end - 1] == b'\r' && text.get(header_end) == Some(&b'\n') {
        header_end += 1;
    }
    if header_end == 0 || text.get(header_end - 1) != Some(&b'\n') {
        return None;
    }
    let mut header_problems = Vec::new();
    let columns = read::read_header::<T>(file, &header, &mut header_problems)?;
    let table = Table {
        file,
        columns,
        width: header.len(),
    };
    Some((table, header_end))
}

/// Reads the rest of a file from `start` on in one go, as a file with
/// quotes must be. The rest starts just after a line feed.
fn read_rest<T: Record>(
    table: &Table<'_>,
    rest: impl Read,
    start: TextStart,
    rows: &mut Vec<Row<T>>,
    report: &mut FileReport,
    problems: &mut Vec<Problem>,
) -> io::Result<()> {
    // The CSV parser drops a byte-order mark at the start of the first text
    // it reads, but here a mark would begin a row and is data. So the parser
    // starts one byte earlier, on the line feed that ends the line before,
    // and skips it as an empty line. The header ends with a line feed, so
    // `start` is past at least one line break and one byte.
    let rest = (&b"\n"[..]).chain(rest);
    let start = TextStart {
        line_breaks: start.line_breaks - 1,
        offset: start.offset - 1,
    };
    let mut csv_reader = read::csv_reader(LineTracker::new(rest));
    let last = read::read_body(table, &mut csv_reader, start, rows, report, problems)?;
    let tracker = csv_reader.get_ref();
    read::check_unclosed_quote(table.file, tracker, start, last, rows, report, problems);
    Ok(())
}

/// Parses a block of whole lines without quotes, cut into pieces of about
/// `piece_bytes`. Returns what each piece read, in order, and the line
/// breaks of the whole block. The pieces' counts add up to the block's,
/// because every piece after the first starts just after a line feed, so no
/// CR LF pair is split between two pieces.
fn read_block<T: Record + Send>(
    table: &Table<'_>,
    block: &[u8],
    start: TextStart,
    piece_bytes: usize,
) -> (Vec<PieceRead<T>>, u64) {
    let starts = piece_starts(block, piece_bytes);
    let pieces: Vec<&[u8]> = starts
        .iter()
        .zip(starts.iter().skip(1).chain([&block.len()]))
        .map(|(&from, &to)| &block[from..to])
        .collect();
    let breaks: Vec<u64> = pieces.par_iter().map(|piece| line_breaks(piece)).collect();
    let mut located = Vec::with_capacity(pieces.len());
    let mut line_breaks_before = start.line_breaks;
    for ((piece, from), piece_breaks) in pieces.into_iter().zip(starts).zip(breaks) {
        let piece_start = TextStart {
            line_breaks: line_breaks_before,
            offset: start.offset + from as u64,
        };
        located.push((piece, piece_start, piece_breaks));
        line_breaks_before += piece_breaks;
    }
    let pieces = located
        .into_par_iter()
        .map(|(piece, piece_start, piece_breaks)| {
            read_piece(table, piece, piece_start, piece_breaks)
        })
        .collect();
    (pieces, line_breaks_before - start.line_breaks)
}

/// Returns where each piece of `block` starts: at 0, then just after the
/// first line feed at least `piece_bytes` after the start of the piece
/// before.
fn piece_starts(block: &[u8], piece_bytes: usize) -> Vec<usize> {
    let mut starts = vec![0];
    let mut cut = piece_bytes.max(1);
    while cut < block.len() {
        let Some(found) = memchr::memchr(b'\n', &block[cut..]) else {
            break;
        };
        let start = cut + found + 1;
        if start >= block.len() {
            break;
        }
        starts.push(start);
        cut = start + piece_bytes.max(1);
    }
    starts
}

/// Counts the line breaks of `bytes` as [`LineTracker`] does: CR LF, LF and
/// CR each end a line. The byte before `bytes`, if any, must not be a CR.
fn line_breaks(bytes: &[u8]) -> u64 {
    let breaks = memchr::memchr2_iter(b'\r', b'\n', bytes).filter(|&at| {
        let after_cr = at
            .checked_sub(1)
            .and_then(|before| bytes.get(before))
            .is_some_and(|&byte| byte == b'\r');
        bytes.get(at) == Some(&b'\r') || !after_cr
    });
    breaks.count() as u64
}

/// The rows, problems and counts of one piece of a file.
struct PieceRead<T> {
    rows: Vec<Row<T>>,
    problems: Vec<Problem>,
    report: FileReport,
}

/// Parses one piece, which has `line_breaks` line breaks and so at most one
/// row more. Pieces contain no quote, so their rows are split without the CSV
/// parser.
fn read_piece<T: Record>(
    table: &Table<'_>,
    piece: &[u8],
    start: TextStart,
    line_breaks: u64,
) -> PieceRead<T> {
    let max_rows = usize::try_from(line_breaks).map_or(0, |breaks| breaks + 1);
    let mut read = PieceRead {
        rows: Vec::with_capacity(max_rows),
        problems: Vec::new(),
        report: FileReport::new(table.file),
    };
    read::read_unquoted_body(
        table,
        piece,
        start,
        &mut read.rows,
        &mut read.report,
        &mut read.problems,
    );
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scan;

    const HEADER: &str = "id,source_system,source_key,session_id,learner_id,scanned_at,direction,method,token,latitude,longitude,nonce";

    /// Returns a scan row with a distinct id and learner for each `n`.
    fn scan_row(n: usize) -> String {
        format!(
            "1c796483-413c-4925-b189-{n:012x},,,c34bd0bf-cc2c-5e12-a45a-36c27009a76a,\
             4ae8d0b3-714e-4e2c-9571-{n:012x},2026-03-04T00:19:47Z,check_in,qr,TOKEN{n},,,"
        )
    }

    /// Reads `bytes` in one go, as reading without pieces does.
    fn in_one_go(bytes: &[u8]) -> (Vec<Row<Scan>>, FileReport, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut notices = Vec::new();
        let (rows, report) =
            read::read_file::<Scan>("scans.csv", Box::new(bytes), &mut problems, &mut notices)
                .unwrap();
        (rows, report, problems)
    }

    /// Reads `bytes` in blocks and pieces of the sizes given, with
    /// `file_bytes` given as the size of the file.
    fn in_pieces_of_size(
        bytes: &[u8],
        block: usize,
        piece: usize,
        file_bytes: Option<u64>,
    ) -> (Vec<Row<Scan>>, FileReport, Vec<Problem>) {
        let mut problems = Vec::new();
        let mut notices = Vec::new();
        let sizes = Sizes { block, piece };
        let (rows, report) = read_file_with::<Scan>(
            "scans.csv",
            Box::new(bytes),
            sizes,
            file_bytes,
            &mut problems,
            &mut notices,
        )
        .unwrap();
        (rows, report, problems)
    }

    /// Reads `bytes` in blocks and pieces of the sizes given, and checks
    /// that the size of the file, unknown, right or wrong, changes nothing
    /// that is read.
    fn in_pieces(
        bytes: &[u8],
        block: usize,
        piece: usize,
    ) -> (Vec<Row<Scan>>, FileReport, Vec<Problem>) {
        let found = in_pieces_of_size(bytes, block, piece, None);
        let length = bytes.len() as u64;
        for file_bytes in [length, 0, length / 3, 10 * length + 7, 1 << 40, u64::MAX] {
            let sized = in_pieces_of_size(bytes, block, piece, Some(file_bytes));
            assert_eq!(
                sized, found,
                "sizes {block} and {piece}, told {file_bytes} bytes"
            );
        }
        found
    }

    /// Returns a file of 500 rows with `ending` after every line. It has an
    /// empty line, a blank row, rejected rows and, after the bytes that
    /// decide the encoding, a byte that is not UTF-8.
    fn mixed_file(ending: &str) -> Vec<u8> {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend(ending.as_bytes());
        for n in 0..500 {
            let line = match n {
                3 => String::new(),
                7 => format!("{},extra", scan_row(n)),
                11 => scan_row(n).replace("check_in", "sideways"),
                17 => ",,,,,,,,,,,".to_owned(),
                23 => "garbage".to_owned(),
                29 => scan_row(n).replace("2026", "20x6"),
                _ => scan_row(n),
            };
            let mut line = line.into_bytes();
            if n == 450 {
                let method = line.windows(4).position(|cells| cells == b",qr,").unwrap();
                line[method + 2] = 0xFF;
            }
            bytes.extend(line);
            bytes.extend(ending.as_bytes());
        }
        bytes
    }

    /// The sizes of blocks and pieces that the tests read files with:
    /// blocks shorter than a line, pieces of one line, and pieces and
    /// blocks of many lines.
    const SIZES_TRIED: &[(usize, usize)] = &[
        (50, 1),
        (1000, 1),
        (4000, 1500),
        (20_000, 4000),
        (200_000, 40_000),
    ];

    #[test]
    fn pieces_match_one_go() {
        for ending in ["\n", "\r\n", "\r"] {
            let bytes = mixed_file(ending);
            let expected = in_one_go(&bytes);
            assert_eq!(expected.1.rows_read, 498, "ending {ending:?}");
            assert_eq!(expected.2.len(), 5, "ending {ending:?}");
            for &(block, piece) in SIZES_TRIED {
                let found = in_pieces(&bytes, block, piece);
                assert_eq!(
                    found, expected,
                    "ending {ending:?}, sizes {block} and {piece}"
                );
            }
        }
    }

    #[test]
    fn pieces_match_one_go_on_pools() {
        let bytes = mixed_file("\n");
        let expected = in_one_go(&bytes);
        for threads in [1, 3] {
            let pool = crate::test_pool::pool(threads);
            for &(block, piece) in SIZES_TRIED {
                let found = pool.install(|| in_pieces(&bytes, block, piece));
                assert_eq!(
                    found, expected,
                    "{threads} threads, sizes {block} and {piece}"
                );
            }
        }
    }

    #[test]
    fn pieces_keep_lines_and_offsets() {
        let bytes = mixed_file("\n");
        let (rows, _, problems) = in_pieces(&bytes, 20_000, 1000);
        // Row 0 is on line 2, and rows 5 and 6 on lines 7 and 8.
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[4].line, 7);
        assert_eq!(rows[5].line, 8);
        let encoding = problems
            .iter()
            .find(|problem| problem.code == super::super::codes::INVALID_ENCODING)
            .unwrap();
        let start = bytes
            .windows(4)
            .position(|cells| cells == b",q\xFF,")
            .unwrap();
        assert_eq!(encoding.params["offset"], serde_json::json!(start + 2));
        assert_eq!(encoding.params["line"], serde_json::json!(452));
    }

    #[test]
    fn split_character_rejects_both_cells() {
        // Row 550 has the three bytes of one character split between its
        // method and token cells. The record's cells joined are valid UTF-8
        // but neither cell is, so both cells must be reported.
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.push(b'\n');
        for n in 0..600 {
            let mut line = scan_row(n).into_bytes();
            if n == 550 {
                let row = scan_row(n);
                let at = row.find(&format!(",TOKEN{n},")).unwrap();
                line.splice(at..at, [0xE5]);
                line.splice(at + 2..at + 2, [0xAD, 0xA6]);
            }
            bytes.extend(line);
            bytes.push(b'\n');
        }
        let first_bad_byte = bytes.windows(2).position(|pair| pair == b"\xE5,").unwrap();
        for (found, how) in [
            (in_one_go(&bytes), "in one go"),
            (in_pieces(&bytes, 20_000, 1000), "in pieces"),
        ] {
            let (rows, report, problems) = found;
            assert_eq!(rows.len(), 599, "{how}");
            assert_eq!(report.rows_rejected, 1, "{how}");
            let reported: Vec<(String, serde_json::Value, serde_json::Value)> = problems
                .iter()
                .map(|problem| {
                    assert_eq!(problem.code, super::super::codes::INVALID_ENCODING);
                    (
                        problem.path.to_string(),
                        problem.params["line"].clone(),
                        problem.params["offset"].clone(),
                    )
                })
                .collect();
            // Line 552: the header is line 1 and row 0 is line 2.
            assert_eq!(
                reported,
                vec![
                    (
                        "scans.csv[552].method".to_owned(),
                        serde_json::json!(552),
                        serde_json::json!(first_bad_byte)
                    ),
                    (
                        "scans.csv[552].token".to_owned(),
                        serde_json::json!(552),
                        serde_json::json!(first_bad_byte + 2)
                    ),
                ],
                "{how}"
            );
        }
    }

    #[test]
    fn byte_order_mark_is_skipped() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend(mixed_file("\n"));
        let expected = in_one_go(&bytes);
        for &(block, piece) in SIZES_TRIED {
            let found = in_pieces(&bytes, block, piece);
            assert_eq!(found, expected, "sizes {block} and {piece}");
        }
        assert_eq!(expected.1.encoding, Some(super::super::Encoding::Utf8Bom));
    }

    #[test]
    fn row_starting_with_byte_order_mark() {
        // A byte-order mark is data anywhere but at the start of the file,
        // also where a row that starts with one begins a piece.
        let mut bytes = HEADER.as_bytes().to_vec();
        for n in 0..20 {
            bytes.push(b'\n');
            if n % 3 == 1 {
                bytes.extend("\u{feff}".as_bytes());
            }
            bytes.extend(scan_row(n).as_bytes());
        }
        bytes.push(b'\n');
        let expected = in_one_go(&bytes);
        // The marked ids are invalid, so those rows are rejected.
        assert_eq!(expected.1.rows_rejected, 7);
        for (block, piece) in [(1, 1), (200, 1), (1000, 150)] {
            let found = in_pieces(&bytes, block, piece);
            assert_eq!(found, expected, "sizes {block} and {piece}");
        }
    }

    #[test]
    fn quoted_rest_starting_with_byte_order_mark() {
        // The file has a quote, so its rows are read in one go from the
        // first block on, which starts with a byte-order mark that is data.
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend(b"\n\xEF\xBB\xBF");
        bytes.extend(scan_row(0).as_bytes());
        bytes.push(b'\n');
        bytes.extend(scan_row(1).replace(",TOKEN1,", ",\"TOKEN1\",").as_bytes());
        bytes.push(b'\n');
        let expected = in_one_go(&bytes);
        assert_eq!(expected.1.rows_rejected, 1);
        assert_eq!(expected.0.len(), 1);
        for &(block, piece) in SIZES_TRIED {
            let found = in_pieces(&bytes, block, piece);
            assert_eq!(found, expected, "sizes {block} and {piece}");
        }
    }

    #[test]
    fn quotes_late_in_file() {
        // A quoted line break after many plain lines, then a quote that is
        // never closed.
        let mut bytes = mixed_file("\n");
        bytes.extend(
            scan_row(900)
                .replace(",TOKEN900,", ",\"TO\nKEN\",")
                .as_bytes(),
        );
        bytes.extend(b"\n");
        bytes.extend(scan_row(901).as_bytes());
        bytes.extend(b"\n");
        bytes.extend(scan_row(902).replace(",TOKEN902,", ",\"TOKEN,").as_bytes());
        bytes.extend(b"\n");
        bytes.extend(scan_row(903).as_bytes());
        bytes.extend(b"\n");
        let expected = in_one_go(&bytes);
        assert_eq!(expected.1.rows_accepted, 495);
        assert_eq!(
            expected.2.last().unwrap().code,
            super::super::codes::UNCLOSED_QUOTE
        );
        for &(block, piece) in SIZES_TRIED {
            let found = in_pieces(&bytes, block, piece);
            assert_eq!(found, expected, "sizes {block} and {piece}");
        }
    }

    #[test]
    fn other_files_match_one_go() {
        let mut empty_last_line = mixed_file("\n");
        empty_last_line.truncate(empty_last_line.len() - 1);
        let mut rejected_header = b"id,colour\n".to_vec();
        rejected_header.extend(mixed_file("\n"));
        let files = [
            ("carriage returns alone", mixed_file("\r")),
            ("no line break at the end", empty_last_line),
            ("rejected header", rejected_header),
            ("empty", Vec::new()),
            ("header only", HEADER.as_bytes().to_vec()),
        ];
        for (name, bytes) in files {
            let expected = in_one_go(&bytes);
            for &(block, piece) in SIZES_TRIED {
                let found = in_pieces(&bytes, block, piece);
                assert_eq!(found, expected, "{name}, sizes {block} and {piece}");
            }
        }
    }

    /// Returns one line of a generated file: a scan row, changed as `kind`
    /// selects, and a line ending (`None` joins it to the next line).
    fn generated_line(n: usize, kind: u8, ending: Option<&str>) -> Vec<u8> {
        let row = scan_row(n);
        let mut line = match kind {
            0 => Vec::new(),
            1 => format!("{row},extra").into_bytes(),
            2 => "a,b".into(),
            3 => ",,,,,,,,,,,".into(),
            4 => "   ".into(),
            5 => row.replace(",qr,", ",q?,").into_bytes(),
            6 => row.replace(",qr,", ",q\u{e9},").into_bytes(),
            7 => row
                .replace(&format!(",TOKEN{n},"), ",\"TO\nKEN\",")
                .into_bytes(),
            8 => row
                .replace(&format!(",TOKEN{n},"), ",\"TOKEN,")
                .into_bytes(),
            9 => row
                .replace(&format!(",TOKEN{n},"), ",TO\"KEN,")
                .into_bytes(),
            _ => row.into_bytes(),
        };
        if kind == 5 {
            let at = line.iter().position(|&byte| byte == b'?').unwrap();
            line[at] = 0xFF;
        }
        line.extend(ending.unwrap_or_default().as_bytes());
        line
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn generated_files_match_one_go(
            lines in proptest::collection::vec(
                (
                    proptest::prop_oneof![2 => proptest::prelude::Just(20u8), 1 => 0u8..7],
                    proptest::prop_oneof![
                        6 => proptest::prelude::Just(Some("\n")),
                        1 => proptest::sample::select(vec![Some("\r\n"), Some("\r"), None]),
                    ],
                ),
                0..1200,
            ),
            quoted in proptest::option::of((0usize..1200, 7u8..10)),
            header_ending in proptest::prop_oneof![
                3 => proptest::prelude::Just("\n"),
                1 => proptest::sample::select(vec!["\r\n", "\r", ""]),
            ],
            bom in proptest::prelude::any::<bool>(),
            block in 1usize..40_000,
            piece in 1usize..9_000,
        ) {
            let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
            bytes.extend(HEADER.as_bytes());
            bytes.extend(header_ending.as_bytes());
            for (n, (kind, ending)) in lines.into_iter().enumerate() {
                // A bad byte in the first 500 rows, about 75 KB, would be in
                // the bytes that decide the encoding and reject the file.
                let kind = match quoted {
                    Some((at, quote_kind)) if at == n => quote_kind,
                    _ if kind == 5 && n < 500 => 20,
                    _ => kind,
                };
                bytes.extend(generated_line(n, kind, ending));
            }
            let expected = in_one_go(&bytes);
            let found = in_pieces(&bytes, block, piece);
            proptest::prop_assert_eq!(found, expected);
        }
    }

    /// A reader of `bytes` that fails once `fail_at` bytes were read.
    struct FailingReader<'a> {
        bytes: &'a [u8],
        read: usize,
        fail_at: usize,
    }

    impl Read for FailingReader<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            if self.read >= self.fail_at {
                return Err(io::Error::other("disk failed"));
            }
            let end = self
                .bytes
                .len()
                .min(self.fail_at)
                .min(self.read + buffer.len());
            let count = end - self.read;
            buffer[..count].copy_from_slice(&self.bytes[self.read..end]);
            self.read = end;
            Ok(count)
        }
    }

    #[test]
    fn read_error_mid_file_is_returned() {
        let bytes = mixed_file("\n");
        for threads in [1, 3] {
            let pool = crate::test_pool::pool(threads);
            for &(block, piece) in SIZES_TRIED {
                for fail_at in (0..bytes.len()).step_by(997) {
                    let reader = FailingReader {
                        bytes: &bytes,
                        read: 0,
                        fail_at,
                    };
                    let mut problems = Vec::new();
                    let mut notices = Vec::new();
                    let sizes = Sizes { block, piece };
                    let found = pool.install(|| {
                        read_file_with::<Scan>(
                            "scans.csv",
                            Box::new(reader),
                            sizes,
                            Some(bytes.len() as u64),
                            &mut problems,
                            &mut notices,
                        )
                    });
                    let error = found.expect_err("the read fails");
                    assert_eq!(
                        error.to_string(),
                        "disk failed",
                        "{threads} threads, sizes {block} and {piece}, failing at {fail_at}"
                    );
                }
            }
        }
    }

    #[test]
    fn files_of_whole_blocks_match_one_go() {
        let bytes = mixed_file("\n");
        let expected = in_one_go(&bytes);
        let line_ends: Vec<usize> = memchr::memchr_iter(b'\n', &bytes)
            .map(|at| at + 1)
            .collect();
        for threads in [1, 2] {
            let pool = crate::test_pool::pool(threads);
            // Blocks of a whole, a half, a third and a seventh of the
            // file, and one byte longer, so that some reads stop exactly
            // at the end of the file and the next read finds nothing.
            for divisor in [1, 2, 3, 7] {
                for extra in [0, 1] {
                    let block = bytes.len() / divisor + extra;
                    for piece in [1, 100, block] {
                        let found = pool.install(|| in_pieces(&bytes, block, piece));
                        assert_eq!(
                            found, expected,
                            "{threads} threads, sizes {block} and {piece}"
                        );
                    }
                }
            }
            // Files cut after a line, each read as one block.
            for &end in line_ends.iter().step_by(53) {
                let found = pool.install(|| in_pieces(&bytes[..end], end, 4000));
                let expected_part = in_one_go(&bytes[..end]);
                assert_eq!(
                    found, expected_part,
                    "{threads} threads, file of {end} bytes"
                );
            }
        }
    }

    #[test]
    fn expected_rows_scales_rows_read() {
        // 100 rows in the first 250 of 1000 body bytes after a 40-byte
        // header: 400 rows, and 12 more for the margin.
        assert_eq!(expected_rows(Some(1040), 40, 290, 100), Some(412));
        assert_eq!(expected_rows(None, 40, 290, 100), None);
        assert_eq!(expected_rows(Some(1040), 40, 40, 0), None);
        assert_eq!(expected_rows(Some(30), 40, 290, 100), None);
        // A size below the bytes already read gives no estimate.
        assert_eq!(expected_rows(Some(140), 40, 290, 100), None);
        assert_eq!(expected_rows(Some(290), 40, 290, 100), Some(103));
        // A size far beyond the rows read is held to 64 times them.
        assert_eq!(expected_rows(Some(1 << 40), 40, 290, 100), Some(6400));
        assert_eq!(expected_rows(Some(u64::MAX), 40, 290, 100), Some(6400));
    }

    /// Returns a file of `count` scan rows, each ended by a line feed.
    fn scan_file(count: usize) -> Vec<u8> {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.push(b'\n');
        for n in 0..count {
            bytes.extend(scan_row(n).as_bytes());
            bytes.push(b'\n');
        }
        bytes
    }

    #[test]
    fn rows_room_bounded_when_size_lies() {
        let bytes = scan_file(3000);
        // Each row has at least 150 bytes. The first block, read with the
        // header, holds at most a piece more than the sniffed bytes, and
        // room is made for at most 64 times its rows.
        let first_rows = (SNIFF_BYTES.max(20_000) + 4000) / 150;
        let pool = crate::test_pool::pool(2);
        let (rows, _, _) = pool.install(|| in_pieces_of_size(&bytes, 20_000, 4000, Some(1 << 40)));
        assert_eq!(rows.len(), 3000);
        assert!(
            rows.capacity() <= 64 * first_rows,
            "capacity {}, first block at most {first_rows} rows",
            rows.capacity()
        );
    }

    #[test]
    fn rows_sized_once_from_file_size() {
        let bytes = scan_file(3000);
        let pool = crate::test_pool::pool(2);
        let (rows, _, _) =
            pool.install(|| in_pieces_of_size(&bytes, 20_000, 4000, Some(bytes.len() as u64)));
        assert_eq!(rows.len(), 3000);
        // Without the size the vector doubles from the first block on.
        assert!(
            rows.capacity() <= 3000 + 3000 / 16,
            "capacity {}",
            rows.capacity()
        );
    }

    #[test]
    fn line_breaks_of_mixed_endings() {
        assert_eq!(line_breaks(b""), 0);
        assert_eq!(line_breaks(b"a\r\nb\nc\rd"), 3);
        assert_eq!(line_breaks(b"\n\n\r\r\n"), 4);
    }

    #[test]
    fn header_ends_after_line_feed() {
        // A header ended by CR LF ends after the LF, so that the rows of a
        // file saved with CR LF are read in pieces too.
        for (ending, end) in [("\n", 1), ("\r\n", 2)] {
            let text = format!("{HEADER}{ending}{}{ending}", scan_row(0));
            let (table, header_end) = read_header::<Scan>("scans.csv", text.as_bytes())
                .unwrap_or_else(|| panic!("a header ended by {ending:?}"));
            assert_eq!(header_end, HEADER.len() + end, "ending {ending:?}");
            assert_eq!(table.width, 12, "ending {ending:?}");
        }
        // A lone CR cannot be cut after, so the file is read in one go.
        let text = format!("{HEADER}\r{}\r", scan_row(0));
        assert!(read_header::<Scan>("scans.csv", text.as_bytes()).is_none());
    }

    #[test]
    fn pieces_start_after_line_feeds() {
        let block = b"aaaa\nbb\ncccccc\nd\n";
        assert_eq!(piece_starts(block, 3), vec![0, 5, 15]);
        assert_eq!(piece_starts(block, 100), vec![0]);
    }

    #[test]
    fn piece_breaks_add_up_to_block() {
        let block = b"a\r\nbb\r\r\nc\rddd\n\r\n\ne\r\nf\rg\n";
        let expected = line_breaks(block);
        for piece_bytes in 1..=block.len() {
            let starts = piece_starts(block, piece_bytes);
            let ends = starts.iter().skip(1).copied().chain([block.len()]);
            let summed: u64 = starts
                .iter()
                .zip(ends)
                .map(|(&from, to)| line_breaks(&block[from..to]))
                .sum();
            assert_eq!(summed, expected, "pieces of {piece_bytes} bytes");
        }
    }
}
