//! Writing rows (records or engine results in their JSON form) as an Arrow
//! record batch.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder, ListBuilder,
    StringBuilder, Time32SecondBuilder, TimestampMicrosecondBuilder, UInt8Builder, UInt32Builder,
};
use arrow_array::types::Date32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field};
use chrono::{DateTime, NaiveDate, NaiveTime, Timelike};
use serde_json::Value;
use thiserror::Error;
use xuetong::decimal::Credits;
use xuetong::model::Session;
use xuetong::record::Record;
use xuetong::schedule::SessionTimes;

use super::{Column, ColumnKind, TableSchema};

/// A failure to write rows as a table. Rows come from the core's records and
/// results, so either means the schema and the core disagree.
#[derive(Debug, Error)]
pub enum TableError {
    /// A value that the column's type cannot hold.
    #[error(
        "cannot write {value} to column {column} of the {table} table, which holds {expected}; \
         the table schema and the record disagree, please report this"
    )]
    InvalidValue {
        /// The table.
        table: &'static str,
        /// The column.
        column: &'static str,
        /// The value, as JSON.
        value: String,
        /// The value type of the column, for the message.
        expected: &'static str,
    },
    /// A file of the core's writers that could not be read back as a
    /// table.
    #[error(
        "cannot read the {table} table from the core's CSV: {detail}; the table schema and \
         the core's writer disagree, please report this"
    )]
    Csv {
        /// The table.
        table: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Arrow rejected the columns.
    #[error("failed to assemble the {table} table: {source}")]
    Arrow {
        /// The table.
        table: &'static str,
        /// Arrow's error.
        #[source]
        source: ArrowError,
    },
}

/// Writes `rows`, each a JSON object keyed by column name, as one record
/// batch with the schema's columns.
///
/// A key the schema lacks is ignored; a missing key or `null` is a null,
/// except in a non-nullable `Boolean` column (false) or `UuidList` column
/// (an empty list), whose JSON forms leave those values out.
///
/// # Errors
///
/// Returns [`TableError`] when a value does not fit its column.
pub fn write_rows(
    schema: &'static TableSchema,
    rows: impl IntoIterator<Item = Value>,
) -> Result<RecordBatch, TableError> {
    let mut builders: Vec<ColumnBuilder> = schema
        .columns
        .iter()
        .map(|column| ColumnBuilder::new(column.kind))
        .collect();
    for row in rows {
        for (column, builder) in schema.columns.iter().zip(&mut builders) {
            let value = row.get(column.name).unwrap_or(&Value::Null);
            builder
                .append(column, value)
                .map_err(|()| TableError::InvalidValue {
                    table: schema.name,
                    column: column.name,
                    value: value.to_string(),
                    expected: column.kind.expected(),
                })?;
        }
    }
    let columns: Vec<ArrayRef> = builders.into_iter().map(ColumnBuilder::finish).collect();
    RecordBatch::try_new(schema.arrow(), columns).map_err(|source| TableError::Arrow {
        table: schema.name,
        source,
    })
}

/// The row of a session in the sessions table: its JSON form plus
/// `starts_at`, `ends_at` and `minutes` when its instants are known.
pub fn session_row(session: &Session, times: Option<&SessionTimes>) -> Value {
    let mut row = session.to_json();
    if let (Some(times), Value::Object(object)) = (times, &mut row) {
        object.insert(
            "starts_at".into(),
            xuetong::field::format_instant(&times.starts_at).into(),
        );
        object.insert(
            "ends_at".into(),
            xuetong::field::format_instant(&times.ends_at).into(),
        );
        object.insert("minutes".into(), times.minutes().into());
    }
    row
}

/// Writes sessions with their instants, when known, as the sessions table.
///
/// # Errors
///
/// Returns [`TableError`] when a value does not fit its column.
pub fn write_sessions<'a>(
    sessions: impl IntoIterator<Item = (&'a Session, Option<&'a SessionTimes>)>,
) -> Result<RecordBatch, TableError> {
    let rows = sessions
        .into_iter()
        .map(|(session, times)| session_row(session, times));
    write_rows(&super::schemas::SESSIONS, rows)
}

enum ColumnBuilder {
    Text(StringBuilder),
    List(ListBuilder<StringBuilder>),
    Date(Date32Builder),
    Time(Time32SecondBuilder),
    Instant(TimestampMicrosecondBuilder),
    UInt8(UInt8Builder),
    UInt32(UInt32Builder),
    Int64(Int64Builder),
    Boolean(BooleanBuilder),
    Decimal(Decimal128Builder),
    Float64(Float64Builder),
}

impl ColumnBuilder {
    fn new(kind: ColumnKind) -> Self {
        match kind {
            ColumnKind::Text
            | ColumnKind::Uuid
            | ColumnKind::Choice
            | ColumnKind::TimeZone
            | ColumnKind::BirthDate
            | ColumnKind::Json => Self::Text(StringBuilder::new()),
            ColumnKind::UuidList | ColumnKind::TextList => Self::List(
                ListBuilder::new(StringBuilder::new())
                    .with_field(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            ),
            ColumnKind::Date => Self::Date(Date32Builder::new()),
            ColumnKind::Time => Self::Time(Time32SecondBuilder::new()),
            ColumnKind::Instant => {
                Self::Instant(TimestampMicrosecondBuilder::new().with_timezone("UTC"))
            }
            ColumnKind::UInt8 => Self::UInt8(UInt8Builder::new()),
            ColumnKind::UInt32 => Self::UInt32(UInt32Builder::new()),
            ColumnKind::Int64 => Self::Int64(Int64Builder::new()),
            ColumnKind::Boolean => Self::Boolean(BooleanBuilder::new()),
            ColumnKind::Credits | ColumnKind::Percent => {
                Self::Decimal(Decimal128Builder::new().with_data_type(kind.data_type()))
            }
            ColumnKind::Float64 => Self::Float64(Float64Builder::new()),
        }
    }

    /// Appends `value`; `Err(())` when the column cannot hold it.
    fn append(&mut self, column: &Column, value: &Value) -> Result<(), ()> {
        if value.is_null() {
            return self.append_absent(column);
        }
        match self {
            Self::Text(builder) => match (column.kind, value) {
                (ColumnKind::Json, value) => builder.append_value(value.to_string()),
                (_, Value::String(text)) => builder.append_value(text),
                (_, Value::Number(number)) => builder.append_value(number.to_string()),
                (_, Value::Bool(flag)) => builder.append_value(flag.to_string()),
                _ => return Err(()),
            },
            Self::List(builder) => {
                let Value::Array(items) = value else {
                    return Err(());
                };
                for item in items {
                    builder.values().append_value(item.as_str().ok_or(())?);
                }
                builder.append(true);
            }
            Self::Date(builder) => {
                let date = NaiveDate::parse_from_str(text(value)?, "%Y-%m-%d").map_err(drop)?;
                builder.append_value(Date32Type::from_naive_date(date));
            }
            Self::Time(builder) => {
                let time = NaiveTime::parse_from_str(text(value)?, "%H:%M:%S").map_err(drop)?;
                let seconds = i32::try_from(time.num_seconds_from_midnight()).map_err(drop)?;
                builder.append_value(seconds);
            }
            Self::Instant(builder) => {
                let instant = DateTime::parse_from_rfc3339(text(value)?).map_err(drop)?;
                builder.append_value(instant.timestamp_micros());
            }
            Self::UInt8(builder) => {
                let number = value.as_u64().ok_or(())?;
                builder.append_value(u8::try_from(number).map_err(drop)?);
            }
            Self::UInt32(builder) => {
                let number = value.as_u64().ok_or(())?;
                builder.append_value(u32::try_from(number).map_err(drop)?);
            }
            Self::Int64(builder) => builder.append_value(value.as_i64().ok_or(())?),
            Self::Boolean(builder) => builder.append_value(value.as_bool().ok_or(())?),
            Self::Decimal(builder) => {
                let credits: Credits = text(value)?.parse().map_err(drop)?;
                builder.append_value(i128::from(credits.hundredths()));
            }
            Self::Float64(builder) => builder.append_value(value.as_f64().ok_or(())?),
        }
        Ok(())
    }

    fn append_absent(&mut self, column: &Column) -> Result<(), ()> {
        match self {
            Self::Boolean(builder) if !column.nullable => builder.append_value(false),
            Self::List(builder) if !column.nullable => builder.append(true),
            _ if !column.nullable => return Err(()),
            Self::Text(builder) => builder.append_null(),
            Self::List(builder) => builder.append_null(),
            Self::Date(builder) => builder.append_null(),
            Self::Time(builder) => builder.append_null(),
            Self::Instant(builder) => builder.append_null(),
            Self::UInt8(builder) => builder.append_null(),
            Self::UInt32(builder) => builder.append_null(),
            Self::Int64(builder) => builder.append_null(),
            Self::Boolean(builder) => builder.append_null(),
            Self::Decimal(builder) => builder.append_null(),
            Self::Float64(builder) => builder.append_null(),
        }
        Ok(())
    }

    fn finish(self) -> ArrayRef {
        match self {
            Self::Text(mut builder) => Arc::new(builder.finish()),
            Self::List(mut builder) => Arc::new(builder.finish()),
            Self::Date(mut builder) => Arc::new(builder.finish()),
            Self::Time(mut builder) => Arc::new(builder.finish()),
            Self::Instant(mut builder) => Arc::new(builder.finish()),
            Self::UInt8(mut builder) => Arc::new(builder.finish()),
            Self::UInt32(mut builder) => Arc::new(builder.finish()),
            Self::Int64(mut builder) => Arc::new(builder.finish()),
            Self::Boolean(mut builder) => Arc::new(builder.finish()),
            Self::Decimal(mut builder) => Arc::new(builder.finish()),
            Self::Float64(mut builder) => Arc::new(builder.finish()),
        }
    }
}

fn text(value: &Value) -> Result<&str, ()> {
    value.as_str().ok_or(())
}

#[cfg(test)]
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Decimal128Type, TimestampMicrosecondType};
    use serde_json::json;
    use xuetong::model::{Course, Scan};

    use super::super::schemas::{COURSES, SCANS};
    use super::*;

    #[test]
    fn scans_become_typed_columns() {
        let scan = Scan::from_json(
            &json!({
                "id": "70000000-0000-4000-8000-000000000001",
                "session_id": "50000000-0000-4000-8000-000000000001",
                "learner_id": "20000000-0000-4000-8000-000000000001",
                "scanned_at": "2026-03-02T08:52:10+08:00",
            }),
            &xuetong::problem::Path::root(),
        )
        .unwrap();
        let batch = write_rows(&SCANS, [scan.to_json()]).unwrap();
        assert_eq!(batch.num_rows(), 1);
        let scanned_at = batch
            .column_by_name("scanned_at")
            .unwrap()
            .as_primitive::<TimestampMicrosecondType>();
        // 2026-03-02T00:52:10Z in microseconds since the epoch.
        assert_eq!(scanned_at.value(0), 1_772_412_730_000_000);
        let direction = batch
            .column_by_name("direction")
            .unwrap()
            .as_string::<i32>();
        assert_eq!(direction.value(0), "check_in");
        assert!(batch.column_by_name("nonce").unwrap().is_null(0));
    }

    #[test]
    fn credits_are_exact_decimals() {
        let course = Course::from_json(
            &json!({
                "id": "40000000-0000-4000-8000-000000000002",
                "title": "Smartphone skills",
                "category": "smartphone_skills",
                "provider_venue_id": "10000000-0000-4000-8000-000000000004",
                "credit_value": "1.5",
            }),
            &xuetong::problem::Path::root(),
        )
        .unwrap();
        let batch = write_rows(&COURSES, [course.to_json()]).unwrap();
        let credits = batch
            .column_by_name("credit_value")
            .unwrap()
            .as_primitive::<Decimal128Type>();
        assert_eq!(credits.value(0), 150);
        let threshold = batch
            .column_by_name("completion_threshold")
            .unwrap()
            .as_primitive::<Decimal128Type>();
        assert_eq!(threshold.value(0), 8000);
        let walk_in = batch.column_by_name("walk_in").unwrap().as_boolean();
        assert!(!walk_in.value(0));
    }

    #[test]
    fn missing_required_value_is_an_error() {
        let error = write_rows(&SCANS, [json!({"id": "x"})]).unwrap_err();
        assert!(error.to_string().contains("column session_id"), "{error}");
    }

    #[test]
    fn wrong_value_names_the_column() {
        let row = json!({
            "id": "70000000-0000-4000-8000-000000000001",
            "session_id": "50000000-0000-4000-8000-000000000001",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "scanned_at": "yesterday",
            "direction": "check_in",
            "method": "qr",
        });
        let error = write_rows(&SCANS, [row]).unwrap_err();
        assert!(error.to_string().contains("scanned_at"), "{error}");
    }
}
