//! Detecting the text encoding of a CSV file.
//!
//! Files are read as UTF-8, with or without a byte-order mark. Spreadsheet
//! programs set to Chinese save CSV in GB18030 (or its subset GBK); such a
//! file is detected, decoded, and reported with a notice. UTF-16 files are
//! rejected with a message that says how to save as UTF-8.

use std::io::{self, Read};

use serde::Serialize;

/// How many bytes are inspected to decide the encoding.
pub(crate) const SNIFF_BYTES: usize = 64 * 1024;

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark, as Excel saves "CSV UTF-8".
    Utf8Bom,
    /// GB18030, as Chinese spreadsheet programs save CSV.
    Gb18030,
}

impl Encoding {
    /// The encoding's name as reported.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Utf8 => "utf-8",
            Self::Utf8Bom => "utf-8-bom",
            Self::Gb18030 => "gb18030",
        }
    }
}

/// A file's text, ready for the CSV reader.
pub(crate) enum Decoded<'a> {
    /// UTF-8 bytes: the start already read, then the rest of the reader.
    Utf8 {
        encoding: Encoding,
        reader: Box<dyn Read + 'a>,
    },
    /// GB18030 decoded in full to UTF-8.
    Gb18030(String),
}

/// Why a file's encoding was not accepted.
pub(crate) enum EncodingFailure {
    /// A UTF-16 byte-order mark.
    Utf16,
    /// Neither UTF-8 nor GB18030; the offset of the first byte that is not
    /// UTF-8.
    Unknown { offset: usize },
}

/// Decodes a whole file as GB18030, or returns `None` when it is not valid
/// GB18030.
pub(crate) fn decode_gb18030(mut reader: Box<dyn Read + '_>) -> io::Result<Option<String>> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes)?;
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
    Ok((!had_errors).then(|| text.into_owned()))
}

/// The byte-order mark that Excel writes at the start of "CSV UTF-8".
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Returns the offset in the file of the first byte of its UTF-8 text: the
/// length of the byte-order mark that `encoding` starts with.
pub(crate) fn utf8_text_offset(encoding: Encoding) -> u64 {
    match encoding {
        Encoding::Utf8Bom => UTF8_BOM.len() as u64,
        Encoding::Utf8 | Encoding::Gb18030 => 0,
    }
}

/// Returns the encoding of a file read as UTF-8 and the offset where its
/// text starts (after any byte-order mark), or `None` when the file is not
/// UTF-8. Only the first [`SNIFF_BYTES`] bytes of `bytes` decide.
pub(crate) fn utf8_start(bytes: &[u8]) -> Option<(Encoding, usize)> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let (encoding, body_start) = if head.starts_with(UTF8_BOM) {
        (Encoding::Utf8Bom, 3)
    } else {
        (Encoding::Utf8, 0)
    };
    let utf8_ok = match std::str::from_utf8(&head[body_start..]) {
        Ok(_) => true,
        // A sequence cut off at the end of the sniffed bytes is fine.
        Err(error) => error.error_len().is_none() && head.len() == SNIFF_BYTES,
    };
    utf8_ok.then_some((encoding, body_start))
}

/// Inspects the start of `reader` and returns a UTF-8 reader for the file.
pub(crate) fn decode<'a>(
    mut reader: Box<dyn Read + 'a>,
) -> io::Result<Result<Decoded<'a>, EncodingFailure>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut reader)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)?;
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Ok(Err(EncodingFailure::Utf16));
    }
    if let Some((encoding, body_start)) = utf8_start(&head) {
        let mut start = io::Cursor::new(head);
        start.set_position(body_start as u64);
        return Ok(Ok(Decoded::Utf8 {
            encoding,
            reader: Box::new(start.chain(reader)),
        }));
    }
    let body_start = if head.starts_with(UTF8_BOM) { 3 } else { 0 };
    let body = &head[body_start..];
    let offset = std::str::from_utf8(body)
        .err()
        .map_or(0, |error| error.valid_up_to() + body_start);
    let mut bytes = head;
    reader.read_to_end(&mut bytes)?;
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
    if had_errors {
        return Ok(Err(EncodingFailure::Unknown { offset }));
    }
    Ok(Ok(Decoded::Gb18030(text.into_owned())))
}
