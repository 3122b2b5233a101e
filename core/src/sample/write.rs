//! Writing a sample as a bundle, with the scans streamed session by session.

use std::io::{self, Write};

use crate::bundle::{BundleError, BundleSink, write_records};
use crate::model::Scan;
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
        let writer = sink.create("scans.csv").map_err(io_error)?;
        let mut csv_writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(writer);
        csv_writer
            .write_record(Scan::FIELDS.iter().map(|spec| spec.name))
            .map_err(|error| io_error(io::Error::other(error)))?;
        let total = self.expected.scans;
        let mut written = 0;
        let mut failure: Option<csv::Error> = None;
        self.for_each_scan_chunk(&mut |chunk| {
            if failure.is_some() {
                return;
            }
            for scan in chunk {
                if let Err(error) = csv_writer.write_record(scan.to_csv_cells()) {
                    failure = Some(error);
                    return;
                }
            }
            written += chunk.len() as u64;
            progress(written, total);
        });
        if let Some(error) = failure {
            return Err(io_error(io::Error::other(error)));
        }
        csv_writer.flush().map_err(io_error)
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
