//! Writing a sample as a bundle, with the scans streamed session by session.

use std::io::{self, Write};

use chrono::{Datelike, Timelike};

use crate::bundle::{BundleError, BundleSink, write_records};
use crate::model::{Scan, ShortStr, ShortText};
use crate::record::Record;

use super::Sample;

impl Sample {
    /// Writes the sample as a bundle to `sink`: the same files, byte for
    /// byte, that [`crate::bundle::write_bundle`] writes for
    /// [`Sample::into_bundle`]. The scans are produced and written a
    /// session at a time, so they are never all in memory; `progress` is
    /// called after each session's scans with the number of scans written
    /// and the total.
    ///
    /// # Errors
    ///
    /// Returns [`BundleError::Io`] when a file cannot be written.
    pub fn write(
        &self,
        sink: &mut dyn BundleSink,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), BundleError> {
        let bundle = &self.bundle;
        write_file(sink, "categories.csv", &bundle.categories)?;
        write_file(sink, "venues.csv", &bundle.venues)?;
        write_file(sink, "learners.csv", &bundle.learners)?;
        write_file(sink, "instructors.csv", &bundle.instructors)?;
        write_file(sink, "clubs.csv", &bundle.clubs)?;
        write_file(sink, "club_members.csv", &bundle.club_members)?;
        write_file(sink, "courses.csv", &bundle.courses)?;
        write_file(
            sink,
            "sessions.csv",
            bundle.sessions.iter().map(|timed| &timed.session),
        )?;
        write_file(sink, "enrolments.csv", &bundle.enrolments)?;
        write_file(sink, "excusals.csv", &bundle.excusals)?;
        write_file(sink, "outcomes.csv", &bundle.outcomes)?;
        self.write_scans(sink, progress)
    }

    fn write_scans(
        &self,
        sink: &mut dyn BundleSink,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), BundleError> {
        let io_error = |source| BundleError::Io {
            action: "write",
            file: "scans.csv".to_owned(),
            source,
        };
        let mut writer = sink.create("scans.csv").map_err(io_error)?;
        let mut rows = Vec::with_capacity(1 << 16);
        write_records::<Scan, _>([], &mut rows).map_err(io_error)?;
        let total = self.expected.scans;
        let mut written = 0;
        let mut failure: Option<io::Error> = None;
        self.for_each_scan_chunk(&mut |chunk| {
            if failure.is_some() {
                return;
            }
            for scan in chunk {
                if !append_plain_scan(&mut rows, scan)
                    && let Err(error) = write_csv_row(&mut rows, scan)
                {
                    failure = Some(error);
                    return;
                }
            }
            if rows.len() >= 1 << 16 {
                if let Err(error) = writer.write_all(&rows) {
                    failure = Some(error);
                    return;
                }
                rows.clear();
            }
            written += chunk.len() as u64;
            progress(written, total);
        });
        if let Some(error) = failure {
            return Err(io_error(error));
        }
        writer.write_all(&rows).map_err(io_error)?;
        writer.flush().map_err(io_error)
    }
}

/// Appends the CSV row of `scan` through the general record writer.
fn write_csv_row(rows: &mut Vec<u8>, scan: &Scan) -> io::Result<()> {
    let mut csv_writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Necessary)
        .has_headers(false)
        .from_writer(rows);
    csv_writer
        .write_record(scan.to_csv_cells())
        .map_err(io::Error::other)?;
    csv_writer.flush()
}

/// Appends the CSV row of a scan without source, location or fractions of
/// a second, whose token and nonce need no quoting, as the general record
/// writer would write it, and returns `true`; returns `false` (and appends
/// nothing) for any other scan. The generator's scans all take this path,
/// which is several times faster than building a cell list per scan.
fn append_plain_scan(rows: &mut Vec<u8>, scan: &Scan) -> bool {
    let plain_text = |text: Option<ShortStr<'_>>| {
        text.is_none_or(|text| {
            text.bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        })
    };
    let year = scan.scanned_at.year();
    let plain = scan.origin.is_none()
        && scan.scanned_at.nanosecond() == 0
        && (1000..=9999).contains(&year)
        && plain_text(scan.token.as_ref().map(ShortText::text))
        && plain_text(scan.nonce.as_ref().map(ShortText::text));
    if !plain {
        return false;
    }
    let mut uuid = uuid::Uuid::encode_buffer();
    rows.extend_from_slice(
        scan.id
            .uuid()
            .hyphenated()
            .encode_lower(&mut uuid)
            .as_bytes(),
    );
    rows.extend_from_slice(b",,,");
    rows.extend_from_slice(
        scan.session_id
            .uuid()
            .hyphenated()
            .encode_lower(&mut uuid)
            .as_bytes(),
    );
    rows.push(b',');
    rows.extend_from_slice(
        scan.learner_id
            .uuid()
            .hyphenated()
            .encode_lower(&mut uuid)
            .as_bytes(),
    );
    rows.push(b',');
    let at = scan.scanned_at;
    for (value, width, separator) in [
        (year as u32, 4, b'-'),
        (at.month(), 2, b'-'),
        (at.day(), 2, b'T'),
        (at.hour(), 2, b':'),
        (at.minute(), 2, b':'),
        (at.second(), 2, b'Z'),
    ] {
        push_digits(rows, value, width);
        rows.push(separator);
    }
    rows.push(b',');
    rows.extend_from_slice(scan.direction.as_str().as_bytes());
    rows.push(b',');
    rows.extend_from_slice(scan.method.as_str().as_bytes());
    rows.push(b',');
    if let Some(token) = &scan.token {
        rows.extend_from_slice(token.text().as_bytes());
    }
    rows.extend_from_slice(b",,,");
    if let Some(nonce) = &scan.nonce {
        rows.extend_from_slice(nonce.text().as_bytes());
    }
    rows.push(b'\n');
    true
}

/// Appends `value` in decimal, padded with zeros to `width` digits.
fn push_digits(rows: &mut Vec<u8>, value: u32, width: u32) {
    let mut divisor = 10u32.pow(width.saturating_sub(1));
    while divisor > 0 {
        rows.push(b'0' + (value / divisor % 10) as u8);
        divisor /= 10;
    }
}

fn write_file<'a, T: Record + 'a>(
    sink: &mut dyn BundleSink,
    file: &str,
    records: impl IntoIterator<Item = &'a T>,
) -> Result<(), BundleError> {
    let io_error = |source| BundleError::Io {
        action: "write",
        file: file.to_owned(),
        source,
    };
    let mut writer = sink.create(file).map_err(io_error)?;
    write_records(records, &mut writer).map_err(io_error)?;
    writer.flush().map_err(io_error)
}
