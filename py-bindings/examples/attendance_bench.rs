//! Times the attendance engine on a season written as Arrow IPC files by
//! `py-bindings/bench/attendance.py`, which runs this program: once on
//! records in memory (the engine alone) and once through the table path
//! (Arrow tables in, result tables out) without Python, with the time of
//! each part.
//!
//! Usage: `attendance_bench FOLDER AS_OF RUNS`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use arrow_array::{RecordBatch, new_null_array};
use arrow_schema::{DataType, Field, Schema};

use chrono::{DateTime, Utc};
use xuetong::attendance::{AttendancePolicy, EvaluationSettings, evaluate_attendance};
use xuetong::model::Scan;
use xuetong::problem::Locale;
use xuetong_py::tables::engines::{
    AttendanceContext, AttendanceOptions, AttendanceSources, TableData, attendance_tables,
    read_scans, write_attendance,
};
use xuetong_py::tables::schemas::SCANS;
use xuetong_py::tables::{ipc, read_records};

fn read(folder: &str, name: &str) -> Result<TableData, String> {
    let path = format!("{folder}/{name}.arrow");
    let bytes = std::fs::read(&path).map_err(|error| format!("failed to read {path}: {error}"))?;
    ipc::from_bytes(&bytes).map_err(|error| format!("failed to decode {path}: {error}"))
}

/// Returns `data` with null `token`, `latitude`, `longitude` and `nonce`
/// columns added.
fn with_optional_columns(data: &TableData) -> Result<TableData, String> {
    let fields = [
        ("token", DataType::Utf8),
        ("latitude", DataType::Float64),
        ("longitude", DataType::Float64),
        ("nonce", DataType::Utf8),
    ];
    let mut schema_fields: Vec<Field> =
        data.0.fields().iter().map(|f| f.as_ref().clone()).collect();
    schema_fields.extend(
        fields
            .iter()
            .map(|(name, kind)| Field::new(*name, kind.clone(), true)),
    );
    let schema = Arc::new(Schema::new(schema_fields));
    let batches = data
        .1
        .iter()
        .map(|batch| {
            let mut columns = batch.columns().to_vec();
            columns.extend(
                fields
                    .iter()
                    .map(|(_, kind)| new_null_array(kind, batch.num_rows())),
            );
            RecordBatch::try_new(schema.clone(), columns)
                .map_err(|error| format!("failed to add the optional columns: {error}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

fn median(mut work: impl FnMut(), runs: usize) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), String> {
    let arguments: Vec<String> = std::env::args().collect();
    let [_, folder, as_of, runs] = arguments.as_slice() else {
        return Err("usage: attendance_bench FOLDER AS_OF RUNS".into());
    };
    let as_of: DateTime<Utc> = DateTime::parse_from_rfc3339(as_of)
        .map_err(|error| format!("invalid AS_OF \"{as_of}\": {error}"))?
        .into();
    let runs: usize = runs
        .parse()
        .map_err(|error| format!("invalid RUNS \"{runs}\": {error}"))?;
    let sources = AttendanceSources {
        sessions: Some(read(folder, "sessions")?),
        courses: Some(read(folder, "courses")?),
        venues: Some(read(folder, "venues")?),
        enrolments: Some(read(folder, "enrolments")?),
        ..AttendanceSources::default()
    };
    let scans_table = read(folder, "scans")?;
    let context = AttendanceContext::from_tables(&sources)
        .map_err(|problems| format!("the reference tables have {} problems", problems.len()))?;
    let context_time = median(
        || {
            let read = AttendanceContext::from_tables(&sources);
            assert!(read.is_ok(), "the reference tables were rejected");
        },
        runs,
    );
    let (scans, report) = read_scans(&scans_table);
    if report.rows_rejected > 0 {
        return Err(format!("{} scan rows were rejected", report.rows_rejected));
    }

    let policy = AttendancePolicy::default();
    let settings = EvaluationSettings {
        policy: &policy,
        as_of,
        token_key: None,
    };
    let input = context.input(&scans);
    let engine = median(
        || {
            let report = evaluate_attendance(&input, &settings);
            assert!(report.is_ok(), "the engine rejected the season");
        },
        runs,
    );
    let report = evaluate_attendance(&input, &settings)
        .map_err(|problems| format!("the engine found {} problems", problems.len()))?;
    let writing = median(
        || {
            let tables = write_attendance(&report, Locale::En);
            assert!(tables.is_ok(), "the results could not be written");
        },
        runs,
    );

    let options = AttendanceOptions {
        policy: policy.clone(),
        as_of,
        token_key: None,
        locale: Locale::En,
    };
    let mut reading = Duration::ZERO;
    let table_path = median(
        || {
            let started = Instant::now();
            let context = AttendanceContext::from_tables(&sources);
            let (scans, _) = read_scans(&scans_table);
            reading = started.elapsed();
            let tables = context.map(|context| attendance_tables(&context, &scans, &options));
            assert!(
                matches!(tables, Ok(Ok(_))),
                "the table path rejected the season"
            );
        },
        runs,
    );
    let scans_time = median(
        || {
            let (_, report) = read_scans(&scans_table);
            assert_eq!(report.rows_rejected, 0, "scan rows were rejected");
        },
        runs,
    );
    // The same scans with the optional columns a device may send, all
    // null: before rows were read one by one, such a table took the
    // cell-by-cell reader, which `read_records` still is.
    let optional = with_optional_columns(&scans_table)?;
    let optional_fast = median(
        || {
            let (_, report) = read_scans(&optional);
            assert_eq!(report.rows_rejected, 0, "scan rows were rejected");
        },
        runs,
    );
    let optional_cells = median(
        || {
            let read = read_records::<Scan>(&SCANS, &optional.0, &optional.1);
            assert_eq!(read.report.rows_rejected, 0, "scan rows were rejected");
        },
        runs,
    );
    println!("{} scans", scans.len());
    println!("engine: {} ms", engine.as_millis());
    println!(
        "rust table path (read tables, evaluate, write tables): {} ms, of which reading the \
         tables {} ms in the last run",
        table_path.as_millis(),
        reading.as_millis()
    );
    println!(
        "reading the reference tables alone: {} ms",
        context_time.as_millis()
    );
    println!("reading the scans alone: {} ms", scans_time.as_millis());
    println!("writing the result tables: {} ms", writing.as_millis());
    println!(
        "reading the scans with null token, latitude, longitude and nonce columns: {} ms, \
         cell by cell {} ms",
        optional_fast.as_millis(),
        optional_cells.as_millis()
    );
    Ok(())
}
