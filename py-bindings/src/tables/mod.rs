//! Arrow tables of records: the schemas, and the conversions between Arrow
//! record batches and the core's records and results.
//!
//! Every table has a [`TableSchema`]: its columns in order, each with a
//! [`ColumnKind`] that fixes its Arrow type. The record tables use the field
//! names of the bundle's CSV files, in the same order, so a table and a CSV
//! file of the same records have the same columns.
//!
//! - [`read_records`] turns Arrow batches into records. Each row goes through
//!   the same field readers and checks as a CSV row, so a table reports the
//!   same problems as the file would, at paths `[table, row, field]`.
//! - [`write_rows`] turns anything serializable to the records' JSON form
//!   (a record, or an engine's result row) into a record batch.

pub mod engines;
mod read;
pub mod results;
pub mod schemas;
pub mod season;
mod uuid_text;
mod write;

pub mod ipc;

use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

pub use read::{TableRead, TableReport, read_records, read_scans, read_scans_typed, read_sessions};
pub use schemas::{SCHEMAS, schema};
pub use write::{TableError, session_row, write_rows, write_sessions};

/// The value type of a column, which fixes its Arrow type and how its cells
/// are read and written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text: `Utf8`.
    Text,
    /// A UUID written as text: `Utf8`.
    Uuid,
    /// UUIDs: `List<Utf8>`; `;`-separated in CSV.
    UuidList,
    /// Snake_case choices, such as the warnings of a course result:
    /// `List<Utf8>`. Only engine results have such columns.
    TextList,
    /// A snake_case choice such as `check_in`: `Utf8`.
    Choice,
    /// An IANA time-zone name: `Utf8`.
    TimeZone,
    /// A birth date `YYYY-MM-DD` or only a year `YYYY`: `Utf8`.
    BirthDate,
    /// A calendar date: `Date32`.
    Date,
    /// A local time of day in whole seconds: `Time32(Second)`.
    Time,
    /// An instant: `Timestamp(Microsecond, "UTC")`.
    Instant,
    /// A small whole number: `UInt8`.
    UInt8,
    /// A whole number: `UInt32`.
    UInt32,
    /// A signed whole number: `Int64`.
    Int64,
    /// True or false: `Boolean`.
    Boolean,
    /// Credits in hundredths: `Decimal128(18, 2)`.
    Credits,
    /// A percentage in hundredths: `Decimal128(5, 2)`.
    Percent,
    /// A coordinate in degrees: `Float64`.
    Float64,
    /// A JSON document written as text: `Utf8`.
    Json,
}

impl ColumnKind {
    /// The Arrow type of the column.
    pub fn data_type(self) -> DataType {
        match self {
            Self::Text
            | Self::Uuid
            | Self::Choice
            | Self::TimeZone
            | Self::BirthDate
            | Self::Json => DataType::Utf8,
            Self::UuidList | Self::TextList => {
                DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
            }
            Self::Date => DataType::Date32,
            Self::Time => DataType::Time32(TimeUnit::Second),
            Self::Instant => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            Self::UInt8 => DataType::UInt8,
            Self::UInt32 => DataType::UInt32,
            Self::Int64 => DataType::Int64,
            Self::Boolean => DataType::Boolean,
            Self::Credits => DataType::Decimal128(18, 2),
            Self::Percent => DataType::Decimal128(5, 2),
            Self::Float64 => DataType::Float64,
        }
    }

    /// What a cell of this kind must be, for messages.
    pub fn expected(self) -> &'static str {
        match self {
            Self::Text | Self::Choice | Self::TimeZone | Self::Json => "text",
            Self::Uuid => "a UUID",
            Self::UuidList => "a list of UUIDs",
            Self::TextList => "a list of texts",
            Self::BirthDate => "a date or a year",
            Self::Date => "a date",
            Self::Time => "a time of day",
            Self::Instant => "a date and time with a time zone",
            Self::UInt8 | Self::UInt32 | Self::Int64 => "a whole number",
            Self::Boolean => "true or false",
            Self::Credits | Self::Percent => "a decimal number (never a float)",
            Self::Float64 => "a number",
        }
    }
}

/// One column of a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column name: the record's field name.
    pub name: &'static str,
    /// The value type.
    pub kind: ColumnKind,
    /// Whether a written table may have nulls in the column.
    pub nullable: bool,
    /// Whether the column is computed from the others: accepted on input and
    /// ignored, because it is computed again.
    pub derived: bool,
}

impl Column {
    /// A column that every written row has a value in.
    pub const fn required(name: &'static str, kind: ColumnKind) -> Self {
        Self {
            name,
            kind,
            nullable: false,
            derived: false,
        }
    }

    /// A column that may be null.
    pub const fn optional(name: &'static str, kind: ColumnKind) -> Self {
        Self {
            name,
            kind,
            nullable: true,
            derived: false,
        }
    }

    /// A column computed from the others; null when it cannot be computed.
    pub const fn derived(name: &'static str, kind: ColumnKind) -> Self {
        Self {
            name,
            kind,
            nullable: true,
            derived: true,
        }
    }

    /// The Arrow field of the column.
    pub fn field(&self) -> Field {
        Field::new(self.name, self.kind.data_type(), self.nullable)
    }
}

/// The columns of one table.
#[derive(Debug, PartialEq, Eq)]
pub struct TableSchema {
    /// The table name, such as `scans`: the bundle file's name without
    /// `.csv` for record tables.
    pub name: &'static str,
    /// What one row is, for documentation.
    pub row: &'static str,
    /// The columns in order.
    pub columns: &'static [Column],
}

impl TableSchema {
    /// The Arrow schema, with the table name in its metadata under
    /// `xuetong.table`.
    pub fn arrow(&self) -> SchemaRef {
        let fields: Vec<Field> = self.columns.iter().map(Column::field).collect();
        let metadata = [(TABLE_METADATA_KEY.to_owned(), self.name.to_owned())];
        Arc::new(Schema::new(fields).with_metadata(metadata.into_iter().collect()))
    }

    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|column| column.name == name)
    }
}

/// The schema metadata key that holds a table's name.
pub const TABLE_METADATA_KEY: &str = "xuetong.table";

/// Why a table could not be validated at all.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    /// The table name is not a record table.
    #[error(
        "unknown record table \"{name}\"; the record tables are categories, venues, learners, \
         instructors, clubs, club_members, courses, sessions, enrolments, excusals, outcomes and scans"
    )]
    UnknownTable {
        /// The name given.
        name: String,
    },
    /// The accepted records could not be written back as a table.
    #[error(transparent)]
    Write(#[from] TableError),
}

/// Validates the rows of the record table `name` and returns the accepted
/// records in the table's schema, with the report.
///
/// # Errors
///
/// Returns [`ValidateError::UnknownTable`] for a name that is not a record
/// table. Problems in the rows are not errors: they are in the report.
pub fn validate(
    name: &str,
    input: &arrow_schema::Schema,
    batches: &[arrow_array::RecordBatch],
) -> Result<(arrow_array::RecordBatch, TableReport), ValidateError> {
    use xuetong::model;

    fn records<T: xuetong::record::Record>(
        schema: &'static TableSchema,
        input: &arrow_schema::Schema,
        batches: &[arrow_array::RecordBatch],
    ) -> Result<(arrow_array::RecordBatch, TableReport), ValidateError> {
        let read = read_records::<T>(schema, input, batches);
        let batch = write_rows(schema, read.records.iter().map(|record| record.to_json()))?;
        Ok((batch, read.report))
    }

    match name {
        "categories" => records::<model::CategoryDef>(&schemas::CATEGORIES, input, batches),
        "venues" => records::<model::Venue>(&schemas::VENUES, input, batches),
        "learners" => records::<model::Learner>(&schemas::LEARNERS, input, batches),
        "instructors" => records::<model::Instructor>(&schemas::INSTRUCTORS, input, batches),
        "clubs" => records::<model::Club>(&schemas::CLUBS, input, batches),
        "club_members" => records::<model::ClubMember>(&schemas::CLUB_MEMBERS, input, batches),
        "courses" => records::<model::Course>(&schemas::COURSES, input, batches),
        "enrolments" => records::<model::Enrolment>(&schemas::ENROLMENTS, input, batches),
        "excusals" => records::<model::Excusal>(&schemas::EXCUSALS, input, batches),
        "outcomes" => records::<model::Outcome>(&schemas::OUTCOMES, input, batches),
        "scans" => records::<model::Scan>(&schemas::SCANS, input, batches),
        "sessions" => {
            let read = read_sessions(input, batches);
            let batch = write_sessions(
                read.records
                    .iter()
                    .map(|(session, times)| (session, times.as_ref())),
            )?;
            Ok((batch, read.report))
        }
        other => Err(ValidateError::UnknownTable {
            name: other.to_owned(),
        }),
    }
}

/// The row of a problem in the problems table.
pub fn problem_row(problem: &xuetong::problem::Problem) -> serde_json::Value {
    use xuetong::problem::PathSegment;

    let segments = problem.path.segments();
    let source = match segments.first() {
        Some(PathSegment::Key(key)) => Some(key.to_string()),
        _ => None,
    };
    let index_position = segments
        .iter()
        .position(|segment| matches!(segment, PathSegment::Index(_)));
    let index = index_position.and_then(|position| match segments[position] {
        PathSegment::Index(index) => Some(index),
        PathSegment::Key(_) => None,
    });
    let field = match index_position {
        Some(position) => segments[position + 1..]
            .iter()
            .rev()
            .find_map(|segment| match segment {
                PathSegment::Key(key) => Some(key.to_string()),
                PathSegment::Index(_) => None,
            }),
        None if segments.len() > 1 => match segments.last() {
            Some(PathSegment::Key(key)) => Some(key.to_string()),
            _ => None,
        },
        None => None,
    };
    serde_json::json!({
        "code": problem.code.as_str(),
        "path": problem.path,
        "source": source,
        "index": index,
        "field": field,
        "message": problem.message,
        "params": problem.params,
    })
}

#[cfg(test)]
mod tests {
    use xuetong::path;
    use xuetong::problem::{Locale, Problem, codes};

    use super::ColumnKind;

    #[test]
    fn chinese_messages_translate_every_column_type() {
        use ColumnKind::*;
        let kinds = [
            Text, Uuid, UuidList, TextList, Choice, TimeZone, BirthDate, Date, Time, Instant,
            UInt8, UInt32, Int64, Boolean, Credits, Percent, Float64,
        ];
        for kind in kinds {
            let problem = Problem::new(codes::INVALID_TYPE, path!["column"])
                .with("field", "column")
                .with("expected", kind.expected())
                .with("value", "a Int32 column");
            let message = problem.message_in(Locale::ZhCn);
            assert!(
                !message.contains(kind.expected()),
                "{kind:?}: {message:?} shows the English description"
            );
        }
    }
}
