//! `Table` and `Schema`: Arrow data handed to Python through the Arrow
//! PyCapsule interface, with conversions to pyarrow, pandas and polars that
//! import those libraries only when called.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{Field, SchemaRef};
use arrow_select::concat::concat_batches;
use pyo3::exceptions::{PyImportError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict};
use pyo3_arrow::PyTable;
use pyo3_arrow::ffi::{ArrayIterator, to_schema_pycapsule, to_stream_pycapsule};
use xuetong::problem::Problem;

use super::errors::guarded;
use crate::pool::ProcessPool;
use crate::tables::{self, TABLE_METADATA_KEY, TableSchema, ipc};

/// An Arrow table: a schema and record batches.
///
/// Any library that reads the Arrow PyCapsule interface takes it as it is
/// (``pyarrow.table(t)``, ``polars.DataFrame(t)``, DuckDB). ``to_pyarrow``,
/// ``to_pandas`` and ``to_polars`` convert it; those libraries are optional
/// and imported only when called.
///
/// >>> import xuetong
/// >>> table = xuetong.schemas.SCANS.empty_table()
/// >>> table
/// Table('scans', rows=0, columns=12)
/// >>> table.column_names[:3]
/// ['id', 'source_system', 'source_key']
#[pyclass(module = "xuetong", frozen)]
#[derive(Debug)]
pub struct Table {
    pub(crate) schema: SchemaRef,
    pub(crate) batches: Vec<RecordBatch>,
}

impl Table {
    /// A table of one batch.
    pub(crate) fn from_batch(batch: RecordBatch) -> Self {
        Self {
            schema: batch.schema(),
            batches: vec![batch],
        }
    }

    fn name(&self) -> Option<&str> {
        self.schema
            .metadata()
            .get(TABLE_METADATA_KEY)
            .map(String::as_str)
    }

    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

/// Tables of at least this many bytes are freed on a thread of their own.
/// Smaller ones are freed in place, which saves a task per small table.
const FREE_IN_BACKGROUND_BYTES: usize = 1 << 20;

/// The rayon pool of one thread that frees large tables, built by the
/// first large drop in each process (see [`crate::pool`]).
///
/// It is not the engine pool, so that dropping a table neither starts the
/// engine's threads nor waits behind an engine call for a free thread.
static FREEING_POOL: ProcessPool = ProcessPool::new(|| {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "xuetong-free".to_owned())
});

/// Frees a large table's buffers on the freeing pool, so that the Python
/// thread that drops the table does not wait for the memory to be returned
/// to the system. When that pool's thread cannot be started, the table is
/// freed in place. Buffers that pyarrow or another library still shares
/// stay alive until that library releases them.
impl Drop for Table {
    fn drop(&mut self) {
        let bytes: usize = self
            .batches
            .iter()
            .map(RecordBatch::get_array_memory_size)
            .sum();
        if bytes < FREE_IN_BACKGROUND_BYTES {
            return;
        }
        if let Ok(pool) = FREEING_POOL.get() {
            let batches = std::mem::take(&mut self.batches);
            pool.spawn(move || drop(batches));
        }
    }
}

fn missing_library(error: PyErr, py: Python<'_>, what: &str, extra: &str) -> PyErr {
    if error.is_instance_of::<PyImportError>(py) {
        PyImportError::new_err(format!(
            "{what} needs an optional library that is not installed ({error}); \
             install it with: pip install 'xuetong[{extra}]'"
        ))
    } else {
        error
    }
}

#[pymethods]
impl Table {
    /// The table as an Arrow C stream (the Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyCapsule>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let fields = self.schema.fields().clone();
        let batches = self.batches.clone();
        let arrays = batches
            .into_iter()
            .map(|batch| Ok(Arc::new(StructArray::from(batch)) as ArrayRef));
        let field =
            Field::new_struct("", fields, false).with_metadata(self.schema.metadata().clone());
        let reader = Box::new(ArrayIterator::new(arrays, Arc::new(field)));
        Ok(to_stream_pycapsule(py, reader, requested_schema)?)
    }

    /// The table's schema as an Arrow C schema.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.schema.as_ref())?)
    }

    /// The table's name, such as ``"scans"``, or ``None``.
    #[getter(name)]
    fn table_name(&self) -> Option<String> {
        self.name().map(str::to_owned)
    }

    /// The table's schema.
    #[getter]
    fn schema(&self) -> Schema {
        Schema {
            schema: self.schema.clone(),
        }
    }

    /// The number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.rows()
    }

    /// The number of columns.
    #[getter]
    fn num_columns(&self) -> usize {
        self.schema.fields().len()
    }

    /// The column names in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|field| field.name().clone())
            .collect()
    }

    /// The table as a ``pyarrow.Table``.
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let pyarrow = py
            .import("pyarrow")
            .map_err(|error| missing_library(error, py, "to_pyarrow", "pyarrow"))?;
        pyarrow.call_method1("table", (slf,))
    }

    /// The table as a ``pandas.DataFrame``, through pyarrow. Keyword
    /// arguments go to ``pyarrow.Table.to_pandas``. Credits stay exact as
    /// ``decimal.Decimal`` objects.
    #[pyo3(signature = (**options))]
    fn to_pandas<'py>(
        slf: &Bound<'py, Self>,
        options: Option<Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        py.import("pandas")
            .map_err(|error| missing_library(error, py, "to_pandas", "pandas"))?;
        let table = Self::to_pyarrow(slf)?;
        table.call_method("to_pandas", (), options.as_ref())
    }

    /// The table as a ``polars.DataFrame``.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let polars = py
            .import("polars")
            .map_err(|error| missing_library(error, py, "to_polars", "polars"))?;
        polars.call_method1("DataFrame", (slf,))
    }

    fn __len__(&self) -> usize {
        self.rows()
    }

    fn __repr__(&self) -> String {
        let name = self
            .name()
            .map_or_else(|| "None".to_owned(), |name| format!("'{name}'"));
        format!(
            "Table({name}, rows={}, columns={})",
            self.rows(),
            self.schema.fields().len()
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        let Ok(other) = other.cast::<Table>() else {
            return false;
        };
        let other = other.get();
        if self.schema != other.schema || self.rows() != other.rows() {
            return false;
        }
        let left = concat_batches(&self.schema, &self.batches);
        let right = concat_batches(&other.schema, &other.batches);
        matches!((left, right), (Ok(left), Ok(right)) if left == right)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let bytes = ipc::to_bytes(&self.schema, &self.batches).map_err(|error| {
            PyValueError::new_err(format!("failed to pickle the table: {error}"))
        })?;
        let restore = py.import("xuetong._pickle")?.getattr("restore_table")?;
        Ok((restore, (PyBytes::new(py, &bytes),))
            .into_pyobject(py)?
            .into_any())
    }
}

/// The schema of a table: its columns and their Arrow types.
///
/// The record tables' schemas are the constants of ``xuetong.schemas``.
/// A schema exposes ``__arrow_c_schema__``, so ``pyarrow.schema(s)`` reads
/// it.
///
/// >>> import xuetong
/// >>> schema = xuetong.schemas.COURSES
/// >>> schema.name
/// 'courses'
/// >>> schema.types["credit_value"]
/// 'Decimal128(18, 2)'
#[pyclass(module = "xuetong", frozen, eq)]
#[derive(Debug, PartialEq)]
pub struct Schema {
    pub(crate) schema: SchemaRef,
}

impl Schema {
    pub(crate) fn of(table: &TableSchema) -> Self {
        Self {
            schema: table.arrow(),
        }
    }
}

#[pymethods]
impl Schema {
    /// The schema as an Arrow C schema (the Arrow PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        Ok(to_schema_pycapsule(py, self.schema.as_ref())?)
    }

    /// The table name, such as ``"scans"``, or ``None``.
    #[getter]
    fn name(&self) -> Option<String> {
        self.schema.metadata().get(TABLE_METADATA_KEY).cloned()
    }

    /// The column names in order.
    #[getter]
    fn names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|field| field.name().clone())
            .collect()
    }

    /// The Arrow type of each column, by name, as Arrow writes it.
    #[getter]
    fn types<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let types = PyDict::new(py);
        for field in self.schema.fields() {
            types.set_item(field.name(), field.data_type().to_string())?;
        }
        Ok(types)
    }

    /// The names of the columns that are never null.
    #[getter]
    fn required(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .filter(|field| !field.is_nullable())
            .map(|field| field.name().clone())
            .collect()
    }

    /// A table with this schema and no rows, for example as the ``meta`` of
    /// a Dask ``map_partitions`` call.
    fn empty_table(&self) -> Table {
        Table {
            schema: self.schema.clone(),
            batches: vec![RecordBatch::new_empty(self.schema.clone())],
        }
    }

    /// The schema as a ``pyarrow.Schema``.
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let pyarrow = py
            .import("pyarrow")
            .map_err(|error| missing_library(error, py, "to_pyarrow", "pyarrow"))?;
        pyarrow.call_method1("schema", (slf,))
    }

    fn __len__(&self) -> usize {
        self.schema.fields().len()
    }

    fn __repr__(&self) -> String {
        let name = self
            .name()
            .map_or_else(|| "None".to_owned(), |name| format!("'{name}'"));
        format!("Schema({name}, columns={:?})", self.names())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let Some(name) = self.name() else {
            return Err(PyValueError::new_err(
                "only the schemas of xuetong.schemas can be pickled",
            ));
        };
        let restore = py.import("xuetong._pickle")?.getattr("restore_schema")?;
        Ok((restore, (name,)).into_pyobject(py)?.into_any())
    }
}

/// The schema of the table `name`.
#[pyfunction]
pub(crate) fn schema(name: &str) -> PyResult<Schema> {
    tables::schema(name).map(Schema::of).ok_or_else(|| {
        let names: Vec<&str> = tables::SCHEMAS.iter().map(|schema| schema.name).collect();
        PyValueError::new_err(format!(
            "unknown table \"{name}\"; the tables are {}",
            names.join(", ")
        ))
    })
}

/// Validates the rows of the record table `name` and returns the accepted
/// rows as a `Table` with the report as JSON text.
#[pyfunction]
pub(crate) fn validate_table(
    py: Python<'_>,
    name: &str,
    data: &Bound<'_, PyAny>,
) -> PyResult<(Table, String)> {
    guarded(py, || {
        if tables::schema(name).is_none() || name == "problems" {
            return Err(PyValueError::new_err(
                tables::ValidateError::UnknownTable {
                    name: name.to_owned(),
                }
                .to_string(),
            ));
        }
        let input: PyTable = data.extract()?;
        let (batches, schema) = input.into_inner();
        let name = name.to_owned();
        let result = super::detach_on_pool(py, || {
            crate::guard::catch(|| tables::validate(&name, &schema, &batches))
        })?;
        let (batch, report) = result
            .map_err(|panicked| super::errors::internal_error(py, &panicked))?
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        let report = serde_json::to_string(&report)
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok((Table::from_batch(batch), report))
    })
}

/// The problems table of problems given as JSON text (a list of problems).
#[pyfunction]
pub(crate) fn problems_table(py: Python<'_>, problems: &str) -> PyResult<Table> {
    guarded(py, || {
        let problems: Vec<Problem> = serde_json::from_str(problems)
            .map_err(|error| PyValueError::new_err(format!("invalid problems: {error}")))?;
        let schema = tables::schema("problems")
            .ok_or_else(|| PyValueError::new_err("no problems schema"))?;
        let batch = tables::write_rows(schema, problems.iter().map(tables::problem_row))
            .map_err(|error| PyValueError::new_err(error.to_string()))?;
        Ok(Table::from_batch(batch))
    })
}

/// Restores a pickled table from Arrow IPC stream bytes.
#[pyfunction]
pub(crate) fn restore_table(py: Python<'_>, data: &[u8]) -> PyResult<Table> {
    guarded(py, || {
        let (schema, batches) = ipc::from_bytes(data)
            .map_err(|error| PyValueError::new_err(format!("invalid pickled table: {error}")))?;
        Ok(Table { schema, batches })
    })
}

/// Adds the classes and functions of this file to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Table>()?;
    module.add_class::<Schema>()?;
    module.add_function(wrap_pyfunction!(schema, module)?)?;
    module.add_function(wrap_pyfunction!(validate_table, module)?)?;
    module.add_function(wrap_pyfunction!(problems_table, module)?)?;
    module.add_function(wrap_pyfunction!(restore_table, module)?)?;
    Ok(())
}
