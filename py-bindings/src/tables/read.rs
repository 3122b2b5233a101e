//! Reading Arrow record batches as records.
//!
//! Each cell is turned into the text a CSV file would hold and read by the
//! record's own field readers, so a table is validated exactly like a file
//! of the bundle: the same codes, and paths `[table, row, field]` with a
//! zero-based row.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, BooleanArray, Float64Array, ListArray, PrimitiveArray};
use arrow_array::{RecordBatch, StringArray};
use arrow_cast::cast;
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use chrono::{DateTime, Timelike, Utc};
use serde::Serialize;
use xuetong::bundle::codes as bundle_codes;
use xuetong::field::{FieldValue, trim_spaces};
use xuetong::id::{LearnerId, ScanId, SessionId};
use xuetong::model::{
    GeoPoint, Scan, ScanDirection, ScanMethod, ScanOrigin, Session, ShortText, SourceRef,
};
use xuetong::problem::{Path, Problem, Problems, codes};
use xuetong::record::{Cells, FieldReader, PERSONAL_DATA_FIELDS, Record};
use xuetong::schedule::{SessionTimes, session_times};

use super::schemas::{SCANS, SESSIONS};
use super::uuid_text::{LastUuid, parse_uuid};
use super::{Column, ColumnKind, TableSchema};

/// What reading a table found: counts, rejected rows and their problems.
///
/// Every row is either accepted or rejected, and every rejected row has at
/// least one problem: `rows_read == rows_accepted + rows_rejected`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct TableReport {
    /// The table name, such as `scans`.
    pub table: String,
    /// Rows in the input.
    pub rows_read: u64,
    /// Rows accepted.
    pub rows_accepted: u64,
    /// Rows rejected.
    pub rows_rejected: u64,
    /// Whether the whole table was rejected because of its columns (a
    /// missing, unknown or duplicate column, or one of the wrong type); its
    /// rows then all count as rejected.
    pub rejected_table: bool,
    /// The problems of rejected rows and of the columns.
    pub problems: Vec<Problem>,
    /// The zero-based positions of the rejected rows.
    pub rejected_rows: Vec<u64>,
}

/// The records read from a table, with the report.
#[derive(Debug)]
pub struct TableRead<T> {
    /// The accepted records, in input order.
    pub records: Vec<T>,
    /// What reading found.
    pub report: TableReport,
}

/// Reads the records of a table with columns named after the record's
/// fields.
///
/// Column names are matched after trimming and lowercasing. A column may be
/// text (read exactly like a CSV cell) or of the field's own Arrow type, see
/// [`ColumnKind`]; derived columns (the session instants) are ignored.
pub fn read_records<T: Record>(
    schema: &'static TableSchema,
    input: &Schema,
    batches: &[RecordBatch],
) -> TableRead<T> {
    read_with(
        schema,
        input,
        batches,
        |_, _| None,
        |record: T, _, _| Some(record),
    )
}

/// Reads the sessions table. A session with its own `time_zone` also gets
/// its instants, and is rejected when a local time does not exist or its
/// length is out of range; the others have no instants, because their
/// venue's zone is not known here.
pub fn read_sessions(
    input: &Schema,
    batches: &[RecordBatch],
) -> TableRead<(Session, Option<SessionTimes>)> {
    read_with(
        &SESSIONS,
        input,
        batches,
        |_, _| None,
        |session: Session, path, problems| {
            if session.time_zone.is_none() {
                return Some((session, None));
            }
            match session_times(&session, None) {
                Ok(times) => Some((session, Some(times))),
                Err(found) => {
                    for mut problem in found {
                        let mut segments = path.0.clone();
                        segments.extend(problem.path.0);
                        problem.path = Path(segments);
                        problems.push(problem);
                    }
                    None
                }
            }
        },
    )
}

/// Reads a scans table. Rows of plain cells (valid ids and choices, a
/// zoned timestamp or instant text, text within its limits, coordinates in
/// range) are read straight from the arrays, in parallel on the rayon
/// thread pool. Any other row is read cell by cell as [`read_records`]
/// reads it, which reports its problems. Both give the same records and
/// report.
pub fn read_scans(input: &Schema, batches: &[RecordBatch]) -> TableRead<Scan> {
    let fields = ScanFields::new();
    let fast =
        |last: &mut LastIds, readers: &[Option<CellReader>], row| fields.read(last, readers, row);
    read_with(
        &SCANS,
        input,
        batches,
        |batches, readers| {
            Some(read_fast(
                batches,
                readers,
                LastIds::default,
                &fast,
                placeholder_scan,
            ))
        },
        |scan: Scan, _, _| Some(scan),
    )
}

/// Returns a placeholder scan for a row the fast reader could not read. The
/// cell-by-cell reader later replaces it or rejects the row.
fn placeholder_scan() -> Scan {
    Scan {
        id: ScanId(uuid::Uuid::nil()),
        session_id: SessionId(uuid::Uuid::nil()),
        learner_id: LearnerId(uuid::Uuid::nil()),
        scanned_at: DateTime::<Utc>::UNIX_EPOCH,
        direction: ScanDirection::CheckIn,
        method: ScanMethod::Qr,
        token: None,
        nonce: None,
        origin: None,
    }
}

/// Reads a scans table whose rows are all valid scans, or returns `None`
/// when any row is rejected. See [`read_scans`], which reads any table.
pub fn read_scans_typed(input: &Schema, batches: &[RecordBatch]) -> Option<TableRead<Scan>> {
    let read = read_scans(input, batches);
    (read.report.rows_rejected == 0).then_some(read)
}

/// The last session and learner ids that one task of the fast reader read.
#[derive(Default)]
struct LastIds {
    session: LastUuid,
    learner: LastUuid,
}

/// The positions of the scan's fields in [`Scan::FIELDS`], which index the
/// cell readers of a row.
struct ScanFields {
    id: usize,
    source_system: usize,
    source_key: usize,
    session_id: usize,
    learner_id: usize,
    scanned_at: usize,
    direction: usize,
    method: usize,
    token: usize,
    latitude: usize,
    longitude: usize,
    nonce: usize,
}

impl ScanFields {
    fn new() -> Self {
        let position = |name: &str| {
            Scan::FIELDS
                .iter()
                .position(|spec| spec.name == name)
                .unwrap_or(usize::MAX)
        };
        Self {
            id: position("id"),
            source_system: position("source_system"),
            source_key: position("source_key"),
            session_id: position("session_id"),
            learner_id: position("learner_id"),
            scanned_at: position("scanned_at"),
            direction: position("direction"),
            method: position("method"),
            token: position("token"),
            latitude: position("latitude"),
            longitude: position("longitude"),
            nonce: position("nonce"),
        }
    }

    /// Reads the scan of `row` when all its cells are plain, and returns
    /// `None` for a row that the cell-by-cell reader must read: one with a
    /// problem to report, or a cell this reader does not handle.
    fn read(&self, last: &mut LastIds, readers: &[Option<CellReader>], row: usize) -> Option<Scan> {
        let text = |field: usize| plain_text(readers.get(field)?.as_ref(), row);
        let free_text = |field: usize| -> Option<Option<String>> {
            match text(field)? {
                Some(value) => String::from_text(value).ok().map(Some),
                None => Some(None),
            }
        };

        let source = match (free_text(self.source_system)?, free_text(self.source_key)?) {
            (None, None) => None,
            (Some(system), Some(key)) => Some(SourceRef {
                system: system.into(),
                key,
            }),
            _ => return None,
        };
        let id = match (text(self.id)?, &source) {
            (Some(id), None) => ScanId(parse_uuid(id)?),
            (None, Some(source)) => ScanId::derive(&source.system, &source.key),
            (Some(id), Some(source)) => {
                let id = ScanId(parse_uuid(id)?);
                (id == ScanId::derive(&source.system, &source.key)).then_some(id)?
            }
            (None, None) => return None,
        };
        let session_id = SessionId(last.session.parse(text(self.session_id)??)?);
        let learner_id = LearnerId(last.learner.parse(text(self.learner_id)??)?);
        let scanned_at = match readers.get(self.scanned_at)?.as_ref()? {
            CellReader::Timestamp {
                values,
                unit,
                zoned: true,
            } => {
                let value = values.value(row);
                if values.is_null(row) || !within_years_0_to_9999(value, *unit) {
                    return None;
                }
                instant(value, *unit)?
            }
            reader => DateTime::<Utc>::from_text(plain_text(Some(reader), row)??).ok()?,
        };
        let direction = match text(self.direction)? {
            Some(value) => ScanDirection::from_text(value).ok()?,
            None => ScanDirection::CheckIn,
        };
        let method = match text(self.method)? {
            Some(value) => ScanMethod::from_text(value).ok()?,
            None => ScanMethod::Qr,
        };
        let latitude = coordinate(readers.get(self.latitude)?.as_ref(), row)?;
        let longitude = coordinate(readers.get(self.longitude)?.as_ref(), row)?;
        let location = match (latitude, longitude) {
            (None, None) => None,
            (Some(latitude), Some(longitude))
                if (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude) =>
            {
                Some(GeoPoint {
                    latitude,
                    longitude,
                })
            }
            _ => return None,
        };
        let scan = Scan {
            id,
            session_id,
            learner_id,
            scanned_at,
            direction,
            method,
            token: free_text(self.token)?.map(ShortText::from),
            nonce: free_text(self.nonce)?.map(ShortText::from),
            origin: ScanOrigin::boxed(source, location),
        };
        let mut problems = Problems::new();
        scan.check(&Path::root(), &mut problems);
        problems.is_empty().then_some(scan)
    }
}

/// Returns the text of a cell as the cell-by-cell reader sees it:
/// `Some(None)` when the column is missing or the cell null or empty, and
/// `None` for a column that is not text. Cells are trimmed as a bundle's
/// CSV cells are, so a line separator U+2028 at an end stays and is
/// rejected.
fn plain_text(reader: Option<&CellReader>, row: usize) -> Option<Option<&str>> {
    match reader {
        None | Some(CellReader::Null) => Some(None),
        Some(CellReader::Text(array)) => Some(
            array
                .is_valid(row)
                .then(|| trim_spaces(array.value(row)))
                .filter(|text| !text.is_empty()),
        ),
        Some(_) => None,
    }
}

/// Returns a coordinate cell: `Some(None)` when absent, and `None` for a
/// cell the cell-by-cell reader must read. A finite float is written by
/// that reader in the shortest form that reads back exactly, so it is
/// taken as it is.
fn coordinate(reader: Option<&CellReader>, row: usize) -> Option<Option<f64>> {
    match reader {
        Some(CellReader::Float(array)) => {
            if array.is_null(row) {
                return Some(None);
            }
            let value = array.value(row);
            value.is_finite().then_some(Some(value))
        }
        reader => match plain_text(reader, row)? {
            Some(text) => f64::from_text(text).ok().map(Some),
            None => Some(None),
        },
    }
}

/// A reader of whole rows that skips the cell-by-cell reader: it returns
/// the row's value, or `None` for a row that must be read cell by cell. It
/// may keep what it learnt from earlier rows of its task in a state `S`.
type FastRow<'a, S, U> = &'a (dyn Fn(&mut S, &[Option<CellReader>], usize) -> Option<U> + Sync);

/// Rows per task of the fast reader. Below this, splitting the work costs
/// more than it saves.
const FAST_ROWS_PER_TASK: usize = 16 * 1024;

/// The cell readers of each batch, or why a batch has none.
type BatchReaders = Result<Vec<Option<CellReader>>, ArrowError>;

/// Reads every row of a table. `fast` returns the rows it read (see
/// [`read_fast`]), or nothing when every row is to be read cell by cell.
/// Each row it did not read is then read with the record's field readers
/// and checks, and `finish`.
///
/// The cell-by-cell reader runs on the calling thread, in row order, so
/// that problems are reported in the same order whichever rows took the
/// fast path.
fn read_with<T: Record, U>(
    schema: &'static TableSchema,
    input: &Schema,
    batches: &[RecordBatch],
    fast: impl FnOnce(&[RecordBatch], &[BatchReaders]) -> Option<FastRows<U>>,
    finish: impl Fn(T, &Path, &mut Problems) -> Option<U>,
) -> TableRead<U> {
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut report = TableReport {
        table: schema.name.to_owned(),
        rows_read: total as u64,
        ..TableReport::default()
    };
    let Some(columns) = map_columns::<T>(schema, input, &mut report.problems) else {
        report.rejected_table = true;
        report.rows_rejected = total as u64;
        report.rejected_rows = (0..total as u64).collect();
        return TableRead {
            records: Vec::new(),
            report,
        };
    };
    let readers: Vec<BatchReaders> = batches
        .iter()
        .map(|batch| batch_readers(batch, &columns))
        .collect();
    let mut rows = RowReader {
        schema,
        batches,
        readers: &readers,
        finish,
        report,
        batch: 0,
        row: 0,
        offset: 0,
        buffers: vec![String::new(); T::FIELDS.len()],
        present: vec![false; T::FIELDS.len()],
        record: std::marker::PhantomData::<T>,
    };
    let records: Vec<U> = match fast(batches, &readers) {
        // Every row was read, so the values are the records as they are.
        Some(found) if found.read.iter().all(|&read| read) => {
            rows.report.rows_accepted = total as u64;
            found.values
        }
        // The values are collected into the records in place, without a
        // second allocation.
        Some(found) => found
            .values
            .into_iter()
            .zip(found.read)
            .filter_map(|(value, read)| rows.next(read.then_some(value)))
            .collect(),
        None => (0..total).filter_map(|_| rows.next(None)).collect(),
    };
    TableRead {
        records,
        report: rows.report,
    }
}

/// The values the fast reader found, one per row in row order. Only the
/// rows marked in `read` have a real value, and the others a placeholder.
struct FastRows<U> {
    values: Vec<U>,
    read: Vec<bool>,
}

/// Reads every row with `fast` on the rayon thread pool. Each task reads a
/// run of rows in order, with a fresh state from `state`. A row that `fast`
/// cannot read, or a row of a batch without readers, gets `placeholder`.
///
/// Values and marks are written straight into two vectors, so that a table
/// whose rows are all read needs no second pass over its values.
fn read_fast<S, U: Send>(
    batches: &[RecordBatch],
    readers: &[BatchReaders],
    state: impl Fn() -> S + Sync + Send,
    fast: FastRow<'_, S, U>,
    placeholder: impl Fn() -> U + Sync,
) -> FastRows<U> {
    use rayon::prelude::*;

    let starts: Vec<usize> = batches
        .iter()
        .scan(0, |start, batch| {
            let first = *start;
            *start += batch.num_rows();
            Some(first)
        })
        .collect();
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let (mut values, mut read) = (Vec::new(), Vec::new());
    (0..total)
        .into_par_iter()
        .with_min_len(FAST_ROWS_PER_TASK)
        .map_init(state, |state, position| {
            // The last batch that starts at or before the row contains it,
            // because an empty batch shares its start with the next one.
            let batch = starts
                .partition_point(|&start| start <= position)
                .saturating_sub(1);
            let found = match readers.get(batch) {
                Some(Ok(readers)) => fast(state, readers, position - starts[batch]),
                _ => None,
            };
            match found {
                Some(value) => (value, true),
                None => (placeholder(), false),
            }
        })
        .unzip_into_vecs(&mut values, &mut read);
    FastRows { values, read }
}

/// The cell-by-cell reader, fed the rows in order with what the fast
/// reader found for each.
struct RowReader<'a, T, F> {
    schema: &'static TableSchema,
    batches: &'a [RecordBatch],
    readers: &'a [BatchReaders],
    finish: F,
    report: TableReport,
    /// The batch of the next row, its row in that batch, and the position
    /// of the batch's first row in the table.
    batch: usize,
    row: usize,
    offset: u64,
    buffers: Vec<String>,
    present: Vec<bool>,
    record: std::marker::PhantomData<T>,
}

impl<T: Record, U, F: Fn(T, &Path, &mut Problems) -> Option<U>> RowReader<'_, T, F> {
    /// Accepts `found` for the next row, or reads the row cell by cell when
    /// the fast reader found nothing, and returns the accepted value.
    fn next(&mut self, found: Option<U>) -> Option<U> {
        while self
            .batches
            .get(self.batch)
            .is_some_and(|batch| self.row >= batch.num_rows())
        {
            self.offset += self.batches[self.batch].num_rows() as u64;
            self.batch += 1;
            self.row = 0;
        }
        let row = self.row;
        self.row += 1;
        let position = self.offset + row as u64;
        let readers = match self.readers.get(self.batch)? {
            Ok(readers) => readers,
            Err(error) => {
                if row == 0 {
                    let rows = self.batches[self.batch].num_rows();
                    reject_batch(&mut self.report, self.schema, self.offset, rows, error);
                }
                return None;
            }
        };
        if let Some(value) = found {
            self.report.rows_accepted += 1;
            return Some(value);
        }
        let accepted = self.read_cells(readers, row, position);
        if accepted.is_some() {
            self.report.rows_accepted += 1;
        }
        accepted
    }

    /// Reads one row through the record's field readers and checks, and
    /// reports its problems when it is rejected.
    fn read_cells(
        &mut self,
        readers: &[Option<CellReader>],
        row: usize,
        position: u64,
    ) -> Option<U> {
        let (buffers, present) = (&mut self.buffers, &mut self.present);
        for (field, reader) in readers.iter().enumerate() {
            present[field] = match reader {
                Some(reader) => reader.fill(row, &mut buffers[field]),
                None => false,
            };
        }
        let cells: Vec<Option<&str>> = readers
            .iter()
            .enumerate()
            .map(|(field, reader)| match reader {
                Some(CellReader::Text(array)) if array.is_valid(row) => {
                    Some(trim_spaces(array.value(row)))
                }
                Some(_) if present[field] => Some(trim_spaces(&buffers[field])),
                _ => None,
            })
            .collect();
        let path = Path::root().join(self.schema.name).join(position);
        let mut problems = Problems::new();
        let record = {
            let cells = Cells::Csv {
                fields: T::FIELDS,
                cells,
            };
            let mut reader = FieldReader::new(cells, path.clone(), &mut problems);
            T::read_fields(&mut reader)
        };
        let accepted = record.and_then(|record| {
            record.check(&path, &mut problems);
            if problems.is_empty() {
                (self.finish)(record, &path, &mut problems)
            } else {
                None
            }
        });
        if accepted.is_none() {
            self.report.rows_rejected += 1;
            self.report.rejected_rows.push(position);
            let table = self.schema.name;
            self.report.problems.extend(
                problems
                    .into_iter()
                    .map(|problem| locate(problem, table, position)),
            );
        }
        accepted
    }
}

/// Adds the `table` and `row` parameters that every row problem carries.
fn locate(problem: Problem, table: &str, row: u64) -> Problem {
    problem.with("table", table).with("row", row)
}

/// Rejects every row of a batch whose columns could not be converted; the
/// column checks make this unexpected, so the problem carries Arrow's error.
fn reject_batch(
    report: &mut TableReport,
    schema: &TableSchema,
    offset: u64,
    rows: usize,
    error: &ArrowError,
) {
    for row in offset..offset + rows as u64 {
        report.rows_rejected += 1;
        report.rejected_rows.push(row);
    }
    report.problems.push(
        Problem::new(codes::INVALID_TYPE, Path::root().join(schema.name))
            .with("field", schema.name)
            .with("expected", "columns that convert to the table schema")
            .with("value", format!("a batch that failed to convert: {error}"))
            .with("table", schema.name),
    );
}

/// The name a table goes by in the `file` parameter of column problems.
fn table_label(schema: &TableSchema) -> String {
    format!("the {} table", schema.name)
}

/// For each field of `T`, the input column that holds it and its kind.
/// Reports unknown, duplicate, missing and mistyped columns, and returns
/// `None` when there was any.
fn map_columns<T: Record>(
    schema: &TableSchema,
    input: &Schema,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Option<(usize, &'static Column)>>> {
    let table_path = Path::root().join(schema.name);
    let label = table_label(schema);
    let mut columns = vec![None; T::FIELDS.len()];
    let mut seen: HashMap<String, usize> = HashMap::new();
    let start = problems.len();
    for (index, field) in input.fields().iter().enumerate() {
        let name = field.name().trim().to_ascii_lowercase();
        let path = table_path.join(name.clone());
        let column_problem = |problem: Problem| {
            problem
                .with("file", label.as_str())
                .with("table", schema.name)
        };
        if let Some(first) = seen.insert(name.clone(), index) {
            problems.push(column_problem(
                Problem::new(bundle_codes::DUPLICATE_COLUMN, path)
                    .with("column", name.as_str())
                    .with("first_position", first + 1)
                    .with("position", index + 1),
            ));
            continue;
        }
        let column = schema.column(&name);
        if column.is_some_and(|column| column.derived) {
            continue;
        }
        let position = T::FIELDS.iter().position(|spec| spec.name == name);
        match (position, column) {
            (Some(position), Some(column)) => {
                if accepts(column, field.data_type()) {
                    columns[position] = Some((index, column));
                } else {
                    problems.push(column_problem(
                        Problem::new(codes::INVALID_TYPE, path)
                            .with("field", column.name)
                            .with("expected", column.kind.expected())
                            .with("value", format!("a {} column", field.data_type())),
                    ));
                }
            }
            _ => {
                let personal = PERSONAL_DATA_FIELDS.contains(&name.as_str());
                let code = if personal {
                    codes::PERSONAL_DATA_FIELD
                } else {
                    bundle_codes::UNKNOWN_COLUMN
                };
                problems.push(column_problem(
                    Problem::new(code, path)
                        .with("field", field.name().trim())
                        .with("column", field.name().trim())
                        .with("allowed", allowed_columns(schema)),
                ));
            }
        }
    }
    for (position, spec) in T::FIELDS.iter().enumerate() {
        if spec.required && columns[position].is_none() && !seen.contains_key(spec.name) {
            problems.push(
                Problem::new(bundle_codes::MISSING_COLUMN, table_path.join(spec.name))
                    .with("column", spec.name)
                    .with("file", label.as_str())
                    .with("table", schema.name),
            );
        }
    }
    (problems.len() == start).then_some(columns)
}

fn allowed_columns(schema: &TableSchema) -> String {
    let names: Vec<&str> = schema.columns.iter().map(|column| column.name).collect();
    names.join(", ")
}

fn is_text(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
    )
}

fn is_decimal(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Decimal32(..)
            | DataType::Decimal64(..)
            | DataType::Decimal128(..)
            | DataType::Decimal256(..)
    )
}

/// Whether a column of `data_type` can hold `column`'s values. Floats are
/// refused for text (a float key such as `11391.0` is not the key `11391`)
/// and for credits and percentages, which are exact decimals.
fn accepts(column: &Column, data_type: &DataType) -> bool {
    let data_type = match data_type {
        DataType::Dictionary(_, values) => values.as_ref(),
        other => other,
    };
    if matches!(data_type, DataType::Null) || is_text(data_type) {
        return true;
    }
    let integer = data_type.is_integer();
    match column.kind {
        ColumnKind::Text
        | ColumnKind::Uuid
        | ColumnKind::Choice
        | ColumnKind::TimeZone
        | ColumnKind::BirthDate
        | ColumnKind::Json => integer,
        ColumnKind::UuidList | ColumnKind::TextList => match data_type {
            DataType::List(item) | DataType::LargeList(item) => {
                is_text(item.data_type()) || matches!(item.data_type(), DataType::Null)
            }
            _ => false,
        },
        ColumnKind::Date => matches!(
            data_type,
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, None)
        ),
        ColumnKind::Time => matches!(data_type, DataType::Time32(_) | DataType::Time64(_)),
        ColumnKind::Instant => matches!(data_type, DataType::Timestamp(_, Some(_))),
        ColumnKind::UInt8 | ColumnKind::UInt32 | ColumnKind::Int64 => {
            integer
                || data_type.is_floating()
                || (column.name == "minutes" && matches!(data_type, DataType::Duration(_)))
        }
        ColumnKind::Boolean => matches!(data_type, DataType::Boolean),
        ColumnKind::Credits | ColumnKind::Percent => integer || is_decimal(data_type),
        ColumnKind::Float64 => integer || data_type.is_floating() || is_decimal(data_type),
    }
}

/// Turns the cells of one column into CSV text.
enum CellReader {
    /// Text, read as it is.
    Text(StringArray),
    /// Booleans, written `true` or `false`.
    Boolean(BooleanArray),
    /// Floats for a whole-number field: whole values without a fraction,
    /// others as written (and then rejected by the field reader).
    WholeFloat(Float64Array),
    /// Floats for a coordinate, in the shortest form that reads back exactly.
    Float(Float64Array),
    /// Timestamps as raw values in `unit`; `zoned` ones are instants and
    /// written in UTC, naive ones are dates when they fall on midnight.
    Timestamp {
        values: PrimitiveArray<Int64Type>,
        unit: TimeUnit,
        zoned: bool,
    },
    /// Durations as raw values in `unit`, written in whole minutes.
    Duration {
        values: PrimitiveArray<Int64Type>,
        unit: TimeUnit,
    },
    /// Lists of text, joined with `;` as in CSV.
    List(ListArray),
    /// A column of nulls.
    Null,
}

impl CellReader {
    fn new(array: &ArrayRef, column: &Column) -> Result<Self, ArrowError> {
        let array = match array.data_type() {
            DataType::Dictionary(_, values) => cast(array, values)?,
            _ => array.clone(),
        };
        let data_type = array.data_type().clone();
        Ok(match data_type {
            DataType::Null => Self::Null,
            DataType::Boolean => Self::Boolean(array.as_boolean().clone()),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                let floats = cast(&array, &DataType::Float64)?.as_primitive().clone();
                if column.kind == ColumnKind::Float64 {
                    Self::Float(floats)
                } else {
                    Self::WholeFloat(floats)
                }
            }
            DataType::Timestamp(unit, zone) => Self::Timestamp {
                values: cast(&array, &DataType::Int64)?.as_primitive().clone(),
                unit,
                zoned: zone.is_some(),
            },
            DataType::Duration(unit) => Self::Duration {
                values: cast(&array, &DataType::Int64)?.as_primitive().clone(),
                unit,
            },
            DataType::List(_) | DataType::LargeList(_) => {
                let item = Field::new_list_field(DataType::Utf8, true);
                let lists = cast(&array, &DataType::List(item.into()))?;
                Self::List(lists.as_list::<i32>().clone())
            }
            _ => Self::Text(cast(&array, &DataType::Utf8)?.as_string::<i32>().clone()),
        })
    }

    /// Writes the text of `row` to `buffer` for the readers that do not
    /// borrow their text; returns whether the cell has a value.
    fn fill(&self, row: usize, buffer: &mut String) -> bool {
        use std::fmt::Write;

        buffer.clear();
        match self {
            Self::Text(array) => array.is_valid(row),
            Self::Null => false,
            Self::Boolean(array) => {
                if array.is_null(row) {
                    return false;
                }
                buffer.push_str(if array.value(row) { "true" } else { "false" });
                true
            }
            Self::WholeFloat(array) => {
                if array.is_null(row) {
                    return false;
                }
                let value = array.value(row);
                // 2^53: every whole float below it is an exact integer.
                if value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
                    let _ = write!(buffer, "{}", value as i64);
                } else {
                    let _ = write!(buffer, "{value}");
                }
                true
            }
            Self::Float(array) => {
                if array.is_null(row) {
                    return false;
                }
                let _ = write!(buffer, "{}", array.value(row));
                true
            }
            Self::Timestamp {
                values,
                unit,
                zoned,
            } => {
                if values.is_null(row) {
                    return false;
                }
                let Some(instant) = instant(values.value(row), *unit) else {
                    let _ = write!(buffer, "{} {unit:?} since 1970", values.value(row));
                    return true;
                };
                if *zoned {
                    buffer.push_str(&xuetong::field::format_instant(&instant));
                } else if instant.num_seconds_from_midnight() == 0 && instant.nanosecond() == 0 {
                    let _ = write!(buffer, "{}", instant.format("%Y-%m-%d"));
                } else {
                    let _ = write!(buffer, "{}", instant.naive_utc());
                }
                true
            }
            Self::Duration { values, unit } => {
                if values.is_null(row) {
                    return false;
                }
                let value = values.value(row);
                let per_minute: i64 = match unit {
                    TimeUnit::Second => 60,
                    TimeUnit::Millisecond => 60_000,
                    TimeUnit::Microsecond => 60_000_000,
                    TimeUnit::Nanosecond => 60_000_000_000,
                };
                if value % per_minute == 0 {
                    let _ = write!(buffer, "{}", value / per_minute);
                } else {
                    let _ = write!(buffer, "{value} {unit:?}s");
                }
                true
            }
            Self::List(array) => {
                if array.is_null(row) {
                    return false;
                }
                let items = array.value(row);
                let items = items.as_string::<i32>();
                for (index, item) in items.iter().flatten().enumerate() {
                    if index > 0 {
                        buffer.push(';');
                    }
                    buffer.push_str(item);
                }
                true
            }
        }
    }
}

/// The instant `value` units after the Unix epoch, when it is representable.
fn instant(value: i64, unit: TimeUnit) -> Option<DateTime<Utc>> {
    match unit {
        TimeUnit::Second => DateTime::from_timestamp(value, 0),
        TimeUnit::Millisecond => DateTime::from_timestamp_millis(value),
        TimeUnit::Microsecond => DateTime::from_timestamp_micros(value),
        TimeUnit::Nanosecond => Some(DateTime::from_timestamp_nanos(value)),
    }
}

/// The start of the year 0 (UTC), in seconds since the Unix epoch.
const YEAR_0_STARTS: i128 = -62_167_219_200;

/// The start of the year 10000 (UTC), in seconds since the Unix epoch.
const YEAR_10000_STARTS: i128 = 253_402_300_800;

/// Returns whether the instant `value` units after the Unix epoch falls in
/// the years 0 to 9999 (UTC), the only instants the fast reader takes. It
/// compares the raw value, which is cheaper than taking the instant's year.
fn within_years_0_to_9999(value: i64, unit: TimeUnit) -> bool {
    let per_second: i128 = match unit {
        TimeUnit::Second => 1,
        TimeUnit::Millisecond => 1_000,
        TimeUnit::Microsecond => 1_000_000,
        TimeUnit::Nanosecond => 1_000_000_000,
    };
    (YEAR_0_STARTS * per_second..YEAR_10000_STARTS * per_second).contains(&i128::from(value))
}

/// The readers of one batch, by field of the record.
fn batch_readers(
    batch: &RecordBatch,
    columns: &[Option<(usize, &'static Column)>],
) -> Result<Vec<Option<CellReader>>, ArrowError> {
    columns
        .iter()
        .map(|mapped| {
            mapped
                .map(|(index, column)| CellReader::new(batch.column(index), column))
                .transpose()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{
        Date32Array, Decimal128Array, Float64Array, Int64Array, TimestampMicrosecondArray,
        TimestampMillisecondArray, TimestampNanosecondArray,
    };
    use xuetong::model::{Course, Outcome, Scan};

    use super::super::schemas::{COURSES, OUTCOMES, SCANS};
    use super::*;

    fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
        RecordBatch::try_from_iter(columns).unwrap()
    }

    fn text(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(values.to_vec()))
    }

    const SESSION: &str = "50000000-0000-4000-8000-000000000001";
    const LEARNER: &str = "20000000-0000-4000-8000-000000000001";

    fn codes_and_paths(report: &TableReport) -> Vec<(String, String)> {
        report
            .problems
            .iter()
            .map(|problem| (problem.code.to_string(), problem.path.to_string()))
            .collect()
    }

    #[test]
    fn text_scans_read_like_csv() {
        let input = batch(vec![
            ("session_id", text(&[Some(SESSION), Some(SESSION)])),
            ("learner_id", text(&[Some(LEARNER), Some("nobody")])),
            (
                "scanned_at",
                text(&[Some("2026-03-02T08:52:10+08:00"), Some("2026-03-02 08:52")]),
            ),
            ("source_system", text(&[Some("gate"), Some("gate")])),
            ("source_key", text(&[Some("1"), Some("2")])),
        ]);
        let read = read_records::<Scan>(&SCANS, &input.schema(), std::slice::from_ref(&input));
        assert_eq!(read.records.len(), 1);
        assert_eq!(read.report.rows_read, 2);
        assert_eq!(read.report.rows_rejected, 1);
        assert_eq!(read.report.rejected_rows, vec![1]);
        assert_eq!(
            codes_and_paths(&read.report),
            vec![
                ("invalid_uuid".into(), "scans[1].learner_id".into()),
                ("invalid_instant".into(), "scans[1].scanned_at".into()),
            ]
        );
        assert_eq!(read.report.problems[0].params["row"], 1);
        assert_eq!(read.records[0].id, xuetong::id::ScanId::derive("gate", "1"));
    }

    #[test]
    fn scans_fast_path_matches_cells() {
        let rows = 12;
        let mut ids: Vec<Option<String>> = (0..rows)
            .map(|row| Some(format!("70000000-0000-4000-8000-{row:012}")))
            .collect();
        let mut systems: Vec<Option<&str>> = vec![None; rows];
        let mut keys: Vec<Option<&str>> = vec![None; rows];
        let mut learners = vec![Some(LEARNER); rows];
        let mut at: Vec<Option<i64>> = (0..rows as i64)
            .map(|row| Some(1_772_412_730_000_000 + row * 1_000_123))
            .collect();
        let mut directions = vec![Some("check_in"); rows];
        let mut methods = vec![Some(" qr "); rows];
        let mut tokens: Vec<Option<&str>> = vec![None; rows];
        let mut latitudes: Vec<Option<f64>> = vec![Some(30.308); rows];
        let mut longitudes: Vec<Option<f64>> = vec![Some(120.352); rows];
        let mut nonces: Vec<Option<&str>> = vec![None; rows];
        // Rows 1 to 5 are plain. Rows 0 and 6 to 11 each have one bad cell.
        (ids[1], systems[1], keys[1]) = (None, Some("gate"), Some("1"));
        (systems[2], keys[2]) = (Some("gate"), Some("2"));
        ids[2] = Some(ScanId::derive("gate", "2").to_string());
        (directions[3], methods[3], tokens[3]) = (Some(""), None, Some("token"));
        (latitudes[4], longitudes[4], nonces[4]) = (None, None, Some("retry-1"));
        at[5] = Some(1_772_412_730_123_456);
        learners[6] = Some("nobody");
        learners[7] = None;
        directions[8] = Some("sideways");
        longitudes[9] = None;
        latitudes[10] = Some(91.0);
        (ids[11], systems[11]) = (None, Some("gate"));
        at[0] = None;
        let ids: Vec<Option<&str>> = ids.iter().map(Option::as_deref).collect();
        let input = batch(vec![
            ("id", text(&ids)),
            ("source_system", text(&systems)),
            ("source_key", text(&keys)),
            ("session_id", text(&vec![Some(SESSION); rows])),
            ("learner_id", text(&learners)),
            (
                "scanned_at",
                Arc::new(TimestampMicrosecondArray::from(at).with_timezone("UTC")),
            ),
            ("direction", text(&directions)),
            ("method", text(&methods)),
            ("token", text(&tokens)),
            ("latitude", Arc::new(Float64Array::from(latitudes))),
            ("longitude", Arc::new(Float64Array::from(longitudes))),
            ("nonce", text(&nonces)),
        ]);
        // Two batches, so that the second one's rows are numbered on.
        let batches = [input.slice(0, 5), input.slice(5, rows - 5)];
        let fast = read_scans(&input.schema(), &batches);
        let cells = read_records::<Scan>(&SCANS, &input.schema(), &batches);
        assert_eq!(fast.records, cells.records);
        assert_eq!(fast.report, cells.report);
        assert_eq!(fast.records.len(), 5);
        assert_eq!(fast.report.rejected_rows, vec![0, 6, 7, 8, 9, 10, 11]);
        assert_eq!(
            codes_and_paths(&fast.report),
            vec![
                ("required".into(), "scans[0].scanned_at".into()),
                ("invalid_uuid".into(), "scans[6].learner_id".into()),
                ("required".into(), "scans[7].learner_id".into()),
                ("invalid_choice".into(), "scans[8].direction".into()),
                ("incomplete_location".into(), "scans[9].longitude".into()),
                ("invalid_coordinate".into(), "scans[10].latitude".into()),
                ("incomplete_source".into(), "scans[11].source_key".into()),
            ]
        );
        assert_eq!(fast.report.problems[1].params["row"], 6);
    }

    #[test]
    fn scans_across_fast_tasks_match_cells() {
        // More rows than one task of the fast reader takes, in three batches
        // of which the second is empty, with bad rows at the edges of the
        // tasks and of the batches.
        let rows = 2 * FAST_ROWS_PER_TASK + 1000;
        let first_batch = FAST_ROWS_PER_TASK + 7;
        let bad = [
            0,
            FAST_ROWS_PER_TASK - 1,
            FAST_ROWS_PER_TASK,
            first_batch,
            rows - 1,
        ];
        let ids: Vec<String> = (0..rows)
            .map(|row| format!("70000000-0000-4000-8000-{row:012}"))
            .collect();
        let mut learners: Vec<Option<&str>> = vec![Some(LEARNER); rows];
        let mut at: Vec<Option<i64>> = (0..rows as i64)
            .map(|row| Some(1_772_412_730_000_000 + row * 1_000))
            .collect();
        let mut directions: Vec<Option<&str>> = (0..rows)
            .map(|row| {
                Some(if row % 2 == 0 {
                    "check_in"
                } else {
                    "check_out"
                })
            })
            .collect();
        let nonces: Vec<Option<String>> = (0..rows)
            .map(|row| (row % 3 == 0).then(|| format!("retry-{row}")))
            .collect();

        learners[bad[0]] = Some("nobody");
        at[bad[1]] = None;
        directions[bad[2]] = Some("sideways");
        learners[bad[3]] = None;
        at[bad[4]] = Some(i64::MAX);

        let ids: Vec<Option<&str>> = ids.iter().map(|id| Some(id.as_str())).collect();
        let nonces: Vec<Option<&str>> = nonces.iter().map(Option::as_deref).collect();
        let input = batch(vec![
            ("id", text(&ids)),
            ("session_id", text(&vec![Some(SESSION); rows])),
            ("learner_id", text(&learners)),
            (
                "scanned_at",
                Arc::new(TimestampMicrosecondArray::from(at).with_timezone("UTC")),
            ),
            ("direction", text(&directions)),
            ("nonce", text(&nonces)),
        ]);
        let batches = [
            input.slice(0, first_batch),
            input.slice(first_batch, 0),
            input.slice(first_batch, rows - first_batch),
        ];
        let fast = read_scans(&input.schema(), &batches);
        let cells = read_records::<Scan>(&SCANS, &input.schema(), &batches);
        assert_eq!(fast.records, cells.records);
        assert_eq!(fast.report, cells.report);

        assert_eq!(fast.records.len(), rows - bad.len());
        let expected: Vec<u64> = bad.iter().map(|&row| row as u64).collect();
        assert_eq!(fast.report.rejected_rows, expected);
        assert_eq!(
            codes_and_paths(&fast.report),
            vec![
                (
                    "invalid_uuid".into(),
                    format!("scans[{}].learner_id", bad[0])
                ),
                ("required".into(), format!("scans[{}].scanned_at", bad[1])),
                (
                    "invalid_choice".into(),
                    format!("scans[{}].direction", bad[2])
                ),
                ("required".into(), format!("scans[{}].learner_id", bad[3])),
                (
                    "invalid_instant".into(),
                    format!("scans[{}].scanned_at", bad[4])
                ),
            ]
        );
        assert_eq!(fast.records[1].nonce, None);
        assert_eq!(fast.records[2].nonce, Some("retry-3".into()));
    }

    #[test]
    fn scans_repeated_ids_match_cells() {
        // Runs of equal session and learner ids, the same id in other
        // forms, and a bad id twice in a row, so that an id read from the
        // row before is reused only for the same text.
        let sessions = [
            SESSION,
            SESSION,
            "50000000-0000-4000-8000-00000000000A",
            "50000000-0000-4000-8000-00000000000a",
            "{50000000-0000-4000-8000-00000000000a}",
            "5000000000004000800000000000000a",
            "no session",
            "no session",
            SESSION,
            "50000000-0000-4000-8000-00000000000g",
            "50000000-0000-4000-8000-00000000000a",
            "urn:uuid:50000000-0000-4000-8000-000000000001",
        ];
        let learners = [
            LEARNER,
            "nobody",
            "nobody",
            LEARNER,
            LEARNER,
            "20000000-0000-4000-8000-00000000000B",
            LEARNER,
            LEARNER,
            "20000000-0000-4000-8000-00000000000b",
            "20000000-0000-4000-8000-00000000000b",
            "20000000_0000-4000-8000-00000000000b",
            LEARNER,
        ];

        let rows = sessions.len();
        let ids: Vec<String> = (0..rows)
            .map(|row| format!("70000000-0000-4000-8000-{row:012X}"))
            .collect();
        let ids: Vec<Option<&str>> = ids.iter().map(|id| Some(id.as_str())).collect();
        let sessions: Vec<Option<&str>> = sessions.iter().copied().map(Some).collect();
        let learners: Vec<Option<&str>> = learners.iter().copied().map(Some).collect();
        let at: Vec<Option<i64>> = vec![Some(1_772_412_730_000_000); rows];
        let input = batch(vec![
            ("id", text(&ids)),
            ("session_id", text(&sessions)),
            ("learner_id", text(&learners)),
            (
                "scanned_at",
                Arc::new(TimestampMicrosecondArray::from(at).with_timezone("UTC")),
            ),
        ]);

        let fast = read_scans(&input.schema(), std::slice::from_ref(&input));
        let cells = read_records::<Scan>(&SCANS, &input.schema(), std::slice::from_ref(&input));
        assert_eq!(fast.records, cells.records);
        assert_eq!(fast.report, cells.report);
        assert_eq!(fast.report.rejected_rows, vec![1, 2, 6, 7, 9, 10]);

        let other = SessionId(uuid::Uuid::from_u128(
            0x50000000_0000_4000_8000_00000000000a,
        ));
        let read: Vec<SessionId> = fast.records.iter().map(|scan| scan.session_id).collect();
        let first = SessionId(uuid::Uuid::from_u128(
            0x50000000_0000_4000_8000_000000000001,
        ));
        assert_eq!(read, vec![first, other, other, other, first, first]);
        let other = LearnerId(uuid::Uuid::from_u128(
            0x20000000_0000_4000_8000_00000000000b,
        ));
        assert_eq!(fast.records[3].learner_id, other);
        assert_eq!(fast.records[4].learner_id, other);
    }

    #[test]
    fn year_range_matches_instant_year() {
        let units = [
            (TimeUnit::Second, 1),
            (TimeUnit::Millisecond, 1_000),
            (TimeUnit::Microsecond, 1_000_000),
            (TimeUnit::Nanosecond, 1_000_000_000),
        ];
        for (unit, per_second) in units {
            let mut values = vec![0, 1, -1, i64::MIN, i64::MAX];
            for edge in [YEAR_0_STARTS, YEAR_10000_STARTS] {
                let Ok(edge) = i64::try_from(edge * per_second) else {
                    continue;
                };
                values.extend([edge - 1, edge, edge + 1]);
            }
            for value in values {
                let expected = instant(value, unit)
                    .is_some_and(|at| (0..=9999).contains(&chrono::Datelike::year(&at)));
                assert_eq!(
                    within_years_0_to_9999(value, unit),
                    expected,
                    "{value} {unit:?}"
                );
            }
        }
    }

    #[test]
    fn scans_with_text_cells_match_cells() {
        let input = batch(vec![
            (
                "id",
                text(&[Some("70000000-0000-4000-8000-000000000001"), Some("x")]),
            ),
            ("session_id", text(&[Some(SESSION), Some(SESSION)])),
            ("learner_id", text(&[Some(LEARNER), Some(LEARNER)])),
            (
                "scanned_at",
                text(&[Some(" 2026-03-02T08:52:10+08:00 "), Some("2026-03-02")]),
            ),
            ("latitude", text(&[Some("30.5"), None])),
            ("longitude", text(&[Some("120"), None])),
        ]);
        let fast = read_scans(&input.schema(), std::slice::from_ref(&input));
        let cells = read_records::<Scan>(&SCANS, &input.schema(), std::slice::from_ref(&input));
        assert_eq!(fast.records, cells.records);
        assert_eq!(fast.report, cells.report);
        assert_eq!(fast.records.len(), 1);
        assert_eq!(fast.report.rows_rejected, 1);
    }

    #[test]
    fn typed_columns_convert_exactly() {
        // 2026-03-02T00:52:10.123456789Z: nanoseconds are kept.
        let nanos: ArrayRef = Arc::new(
            TimestampNanosecondArray::from(vec![1_772_412_730_123_456_789])
                .with_timezone("Asia/Shanghai"),
        );
        let input = batch(vec![
            ("session_id", text(&[Some(SESSION)])),
            ("learner_id", text(&[Some(LEARNER)])),
            ("scanned_at", nanos),
            ("id", text(&[Some("70000000-0000-4000-8000-000000000001")])),
            ("latitude", Arc::new(Float64Array::from(vec![30.308]))),
            ("longitude", Arc::new(Float64Array::from(vec![120.352]))),
        ]);
        let read = read_records::<Scan>(&SCANS, &input.schema(), std::slice::from_ref(&input));
        assert!(
            read.report.problems.is_empty(),
            "{:?}",
            read.report.problems
        );
        let scan = &read.records[0];
        assert_eq!(
            xuetong::field::format_instant(&scan.scanned_at),
            "2026-03-02T00:52:10.123456789Z"
        );
        assert_eq!(scan.location().unwrap().latitude, 30.308);
    }

    #[test]
    fn naive_timestamps_are_rejected_for_instants() {
        let naive: ArrayRef = Arc::new(TimestampMillisecondArray::from(vec![0_i64]));
        let input = batch(vec![
            ("session_id", text(&[Some(SESSION)])),
            ("learner_id", text(&[Some(LEARNER)])),
            ("scanned_at", naive),
            ("id", text(&[Some("70000000-0000-4000-8000-000000000001")])),
        ]);
        let read = read_records::<Scan>(&SCANS, &input.schema(), std::slice::from_ref(&input));
        assert!(read.report.rejected_table);
        assert_eq!(read.report.rows_rejected, 1);
        assert_eq!(
            codes_and_paths(&read.report),
            vec![("invalid_type".into(), "scans.scanned_at".into())]
        );
    }

    #[test]
    fn columns_are_checked_like_a_header() {
        let input = batch(vec![
            ("session_id", text(&[Some(SESSION)])),
            ("phone", text(&[Some("13800000000")])),
            ("colour", text(&[Some("red")])),
        ]);
        let read = read_records::<Scan>(&SCANS, &input.schema(), std::slice::from_ref(&input));
        assert!(read.report.rejected_table);
        assert_eq!(
            codes_and_paths(&read.report),
            vec![
                ("personal_data_field".into(), "scans.phone".into()),
                ("unknown_column".into(), "scans.colour".into()),
                ("missing_column".into(), "scans.learner_id".into()),
                ("missing_column".into(), "scans.scanned_at".into()),
            ]
        );
        assert!(read.report.problems[1].message.contains("the scans table"));
    }

    #[test]
    fn credits_refuse_floats_and_take_decimals() {
        let base = |credits: ArrayRef| {
            batch(vec![
                ("id", text(&[Some("40000000-0000-4000-8000-000000000002")])),
                ("title", text(&[Some("Smartphone skills")])),
                ("category", text(&[Some("smartphone_skills")])),
                (
                    "provider_venue_id",
                    text(&[Some("10000000-0000-4000-8000-000000000004")]),
                ),
                ("credit_value", credits),
            ])
        };
        let floats = base(Arc::new(Float64Array::from(vec![1.5])));
        let read =
            read_records::<Course>(&COURSES, &floats.schema(), std::slice::from_ref(&floats));
        assert!(read.report.rejected_table);
        let decimals = base(Arc::new(
            Decimal128Array::from(vec![150_i128])
                .with_precision_and_scale(10, 2)
                .unwrap(),
        ));
        let read = read_records::<Course>(
            &COURSES,
            &decimals.schema(),
            std::slice::from_ref(&decimals),
        );
        assert!(
            read.report.problems.is_empty(),
            "{:?}",
            read.report.problems
        );
        assert_eq!(read.records[0].credit_value.unwrap().hundredths(), 150);
    }

    #[test]
    fn pandas_style_columns_are_read() {
        // Whole floats for minutes (pandas turns integers with gaps into
        // floats), dates as naive midnight timestamps, a date column.
        let midnight_2026_03_20 = 1_773_964_800_000_i64;
        let input = batch(vec![
            ("learner_id", text(&[Some(LEARNER), Some(LEARNER)])),
            (
                "kind",
                text(&[Some("volunteer_service"), Some("volunteer_service")]),
            ),
            (
                "occurred_on",
                Arc::new(TimestampMillisecondArray::from(vec![
                    midnight_2026_03_20,
                    midnight_2026_03_20 + 1000,
                ])),
            ),
            (
                "recorded_on",
                Arc::new(Date32Array::from(vec![Some(20_532), None])),
            ),
            ("minutes", Arc::new(Float64Array::from(vec![90.0, 90.5]))),
            (
                "id",
                text(&[
                    Some("90000000-0000-4000-8000-000000000001"),
                    Some("90000000-0000-4000-8000-000000000002"),
                ]),
            ),
        ]);
        let read =
            read_records::<Outcome>(&OUTCOMES, &input.schema(), std::slice::from_ref(&input));
        assert_eq!(read.records.len(), 1);
        let outcome = &read.records[0];
        assert_eq!(outcome.minutes, Some(90));
        assert_eq!(outcome.occurred_on.to_string(), "2026-03-20");
        assert_eq!(outcome.recorded_on.unwrap().to_string(), "2026-03-20");
        assert_eq!(
            codes_and_paths(&read.report),
            vec![
                ("invalid_date".into(), "outcomes[1].occurred_on".into()),
                ("invalid_integer".into(), "outcomes[1].minutes".into()),
            ]
        );
    }

    #[test]
    fn instructor_lists_join_like_csv() {
        let mut lists = ListBuilder::new(StringBuilder::new());
        lists
            .values()
            .append_value("30000000-0000-4000-8000-000000000001");
        lists
            .values()
            .append_value("30000000-0000-4000-8000-000000000002");
        lists.append(true);
        let input = batch(vec![
            ("id", text(&[Some("50000000-0000-4000-8000-000000000001")])),
            (
                "course_id",
                text(&[Some("40000000-0000-4000-8000-000000000001")]),
            ),
            (
                "venue_id",
                text(&[Some("10000000-0000-4000-8000-000000000002")]),
            ),
            ("instructor_ids", Arc::new(lists.finish())),
            ("date", text(&[Some("2026-03-29")])),
            ("start_time", text(&[Some("01:30")])),
            ("end_time", text(&[Some("04:00")])),
            ("time_zone", text(&[Some("Europe/London")])),
            ("minutes", Arc::new(Int64Array::from(vec![5]))),
        ]);
        let read = read_sessions(&input.schema(), std::slice::from_ref(&input));
        // 01:00 to 02:00 does not exist in London on 2026-03-29.
        assert_eq!(
            codes_and_paths(&read.report),
            vec![(
                "nonexistent_local_time".into(),
                "sessions[0].start_time".into()
            )]
        );
        let fixed = batch(vec![
            ("id", text(&[Some("50000000-0000-4000-8000-000000000001")])),
            (
                "course_id",
                text(&[Some("40000000-0000-4000-8000-000000000001")]),
            ),
            (
                "venue_id",
                text(&[Some("10000000-0000-4000-8000-000000000002")]),
            ),
            (
                "instructor_ids",
                text(&[Some(
                    "30000000-0000-4000-8000-000000000001; 30000000-0000-4000-8000-000000000002",
                )]),
            ),
            ("date", text(&[Some("2026-03-29")])),
            ("start_time", text(&[Some("09:00")])),
            ("end_time", text(&[Some("10:30")])),
            ("time_zone", text(&[Some("Europe/London")])),
        ]);
        let read = read_sessions(&fixed.schema(), std::slice::from_ref(&fixed));
        assert!(
            read.report.problems.is_empty(),
            "{:?}",
            read.report.problems
        );
        let (session, times) = &read.records[0];
        assert_eq!(session.instructor_ids.len(), 2);
        assert_eq!(times.unwrap().minutes(), 90);
    }
}
