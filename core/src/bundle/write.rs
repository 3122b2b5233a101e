//! Writing records as UTF-8 CSV.

use std::io::{self, Write};

use crate::record::{FieldWriter, Record};

/// Writes `records` as CSV: a header row with every field of the record
/// type, then one row per record, in UTF-8 without a byte-order mark, with
/// fields quoted only when they must be (RFC 4180).
///
/// # Errors
///
/// Returns the I/O error of the writer.
///
/// # Example
///
/// ```
/// use xuetong::bundle::write_records;
/// use xuetong::model::Learner;
/// use xuetong::id::LearnerId;
///
/// let learner = Learner {
///     id: LearnerId::derive("example", "1"),
///     source: None,
///     display_name: "O'Brien, Zoë".into(),
///     birth_date: None,
///     home_venue_id: None,
///     registered_on: None,
/// };
/// let mut out = Vec::new();
/// write_records(&[learner], &mut out)?;
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.starts_with("id,source_system,source_key,display_name,"));
/// assert!(text.contains(",\"O'Brien, Zoë\","));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_records<'a, T, W>(
    records: impl IntoIterator<Item = &'a T>,
    writer: W,
) -> io::Result<()>
where
    T: Record + 'a,
    W: Write,
{
    let mut csv_writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(writer);
    csv_writer
        .write_record(T::FIELDS.iter().map(|spec| spec.name))
        .map_err(io::Error::other)?;
    // One field writer serves every row, so that a row allocates nothing.
    let mut fields = FieldWriter::with_forms(true, false);
    for record in records {
        fields.clear();
        record.write_fields(&mut fields);
        for cell in fields.csv_cells(T::FIELDS) {
            csv_writer.write_field(cell).map_err(io::Error::other)?;
        }
        csv_writer
            .write_record(None::<&[u8]>)
            .map_err(io::Error::other)?;
    }
    csv_writer.flush()
}
