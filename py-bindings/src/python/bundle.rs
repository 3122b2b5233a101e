//! `read_bundle` and the `Bundle` it returns.

use std::path::PathBuf;
use std::sync::Arc;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use xuetong::bundle::{
    Bundle as CoreBundle, MemoryBundle, read_bundle as core_read_bundle, read_bundle_parallel,
};
use xuetong::record::Record;

use super::convert::json_to_py;
use super::detach_on_pool;
use super::errors::{bundle_error, guarded, internal_error};
use super::records::{
    CategoryDef, Club, ClubMember, Course, Enrolment, Excusal, Instructor, Learner, Outcome, Scan,
    Session, SessionValue, Venue,
};
use super::table::Table;
use crate::guard::catch;
use crate::tables::{self, schemas, write_rows, write_sessions};
use xuetong_cli::folder::Folder;

/// A season's records as read from a bundle folder, with the report of what
/// reading found.
///
/// The records are lists of record objects (``bundle.sessions``), or Arrow
/// tables (``bundle.table("scans")``) for analysis at scale. Rows that were
/// rejected are not in either: they are in ``bundle.report`` with their
/// problems.
///
/// >>> import xuetong
/// >>> bundle = xuetong.read_bundle("examples/bundle")
/// >>> bundle.report.is_clean
/// True
/// >>> bundle.courses[0].title
/// 'Tai chi for beginners 太极拳入门'
/// >>> bundle.table("sessions").num_rows == len(bundle.sessions)
/// True
#[pyclass(module = "xuetong", frozen)]
#[derive(Debug)]
pub struct Bundle {
    bundle: Arc<CoreBundle>,
    report: Py<PyAny>,
}

fn wrap<T, V>(records: &[T], make: impl Fn(&T) -> V) -> Vec<V> {
    records.iter().map(make).collect()
}

impl Bundle {
    /// The bundle's records, shared.
    pub(crate) fn core(&self) -> Arc<CoreBundle> {
        Arc::clone(&self.bundle)
    }

    /// Writes the records of the table `name` while the GIL is released.
    fn tables_json(&self, py: Python<'_>, name: &str) -> PyResult<Table> {
        let bundle = Arc::clone(&self.bundle);
        let batch = detach_on_pool(py, || catch(|| record_batch(&bundle, name)))?
            .map_err(|panicked| internal_error(py, &panicked))?;
        batch.map(Table::from_batch)
    }
}

/// Writes the records of the table `name` of `bundle` as one record batch.
fn record_batch(bundle: &CoreBundle, name: &str) -> PyResult<arrow_array::RecordBatch> {
    let batch = match name {
        "categories" => rows(&schemas::CATEGORIES, &bundle.categories),
        "venues" => rows(&schemas::VENUES, &bundle.venues),
        "learners" => rows(&schemas::LEARNERS, &bundle.learners),
        "instructors" => rows(&schemas::INSTRUCTORS, &bundle.instructors),
        "clubs" => rows(&schemas::CLUBS, &bundle.clubs),
        "club_members" => rows(&schemas::CLUB_MEMBERS, &bundle.club_members),
        "courses" => rows(&schemas::COURSES, &bundle.courses),
        "sessions" => write_sessions(
            bundle
                .sessions
                .iter()
                .map(|timed| (&timed.session, Some(&timed.times))),
        ),
        "enrolments" => rows(&schemas::ENROLMENTS, &bundle.enrolments),
        "excusals" => rows(&schemas::EXCUSALS, &bundle.excusals),
        "outcomes" => rows(&schemas::OUTCOMES, &bundle.outcomes),
        "scans" => rows(&schemas::SCANS, &bundle.scans),
        other => {
            return Err(PyValueError::new_err(
                tables::ValidateError::UnknownTable {
                    name: other.to_owned(),
                }
                .to_string(),
            ));
        }
    };
    batch.map_err(|error| PyValueError::new_err(error.to_string()))
}

fn rows<T: Record>(
    schema: &'static tables::TableSchema,
    records: &[T],
) -> Result<arrow_array::RecordBatch, tables::TableError> {
    write_rows(schema, records.iter().map(Record::to_json))
}

/// The record tables of a bundle, in reading order.
const TABLE_NAMES: &[&str] = &[
    "categories",
    "venues",
    "learners",
    "instructors",
    "clubs",
    "club_members",
    "courses",
    "sessions",
    "enrolments",
    "excusals",
    "outcomes",
    "scans",
];

#[pymethods]
impl Bundle {
    /// Category definitions extending the built-in taxonomy.
    #[getter]
    fn categories(&self) -> Vec<CategoryDef> {
        wrap(&self.bundle.categories, |value| CategoryDef {
            value: value.clone(),
        })
    }

    /// Venues of the learning network.
    #[getter]
    fn venues(&self) -> Vec<Venue> {
        wrap(&self.bundle.venues, |value| Venue {
            value: value.clone(),
        })
    }

    /// Learners.
    #[getter]
    fn learners(&self) -> Vec<Learner> {
        wrap(&self.bundle.learners, |value| Learner {
            value: value.clone(),
        })
    }

    /// Instructors.
    #[getter]
    fn instructors(&self) -> Vec<Instructor> {
        wrap(&self.bundle.instructors, |value| Instructor {
            value: value.clone(),
        })
    }

    /// Learning clubs.
    #[getter]
    fn clubs(&self) -> Vec<Club> {
        wrap(&self.bundle.clubs, |value| Club {
            value: value.clone(),
        })
    }

    /// Club membership periods.
    #[getter]
    fn club_members(&self) -> Vec<ClubMember> {
        wrap(&self.bundle.club_members, |value| ClubMember {
            value: value.clone(),
        })
    }

    /// Courses.
    #[getter]
    fn courses(&self) -> Vec<Course> {
        wrap(&self.bundle.courses, |value| Course {
            value: value.clone(),
        })
    }

    /// Sessions, each with its instants in its venue's time zone.
    #[getter]
    fn sessions(&self) -> Vec<Session> {
        wrap(&self.bundle.sessions, |timed| Session {
            value: SessionValue {
                session: timed.session.clone(),
                times: Some(timed.times),
            },
        })
    }

    /// Enrolments.
    #[getter]
    fn enrolments(&self) -> Vec<Enrolment> {
        wrap(&self.bundle.enrolments, |value| Enrolment {
            value: value.clone(),
        })
    }

    /// Excusals.
    #[getter]
    fn excusals(&self) -> Vec<Excusal> {
        wrap(&self.bundle.excusals, |value| Excusal {
            value: value.clone(),
        })
    }

    /// Learning outcomes recorded outside attendance.
    #[getter]
    fn outcomes(&self) -> Vec<Outcome> {
        wrap(&self.bundle.outcomes, |value| Outcome {
            value: value.clone(),
        })
    }

    /// Check-in and check-out scans.
    #[getter]
    fn scans(&self) -> Vec<Scan> {
        wrap(&self.bundle.scans, |value| Scan {
            value: value.clone(),
        })
    }

    /// The text of ``rules.json``, when the bundle has one.
    #[getter]
    fn rules(&self) -> Option<String> {
        self.bundle.rules.clone()
    }

    /// What reading found: counts per file, rejected rows and notices.
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> Bound<'py, PyAny> {
        self.report.bind(py).clone()
    }

    /// Return the records of the table ``name`` (such as ``"scans"``) as an Arrow
    /// table with the schema ``xuetong.schemas.SCHEMAS[name]``.
    fn table(&self, py: Python<'_>, name: &str) -> PyResult<Table> {
        guarded(py, || self.tables_json(py, name))
    }

    /// Return every record table by name, in reading order.
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guarded(py, || {
            let tables = PyDict::new(py);
            for name in TABLE_NAMES {
                tables.set_item(name, self.tables_json(py, name)?)?;
            }
            Ok(tables)
        })
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let bundle = &self.bundle;
        let counts = [
            ("venues", bundle.venues.len()),
            ("learners", bundle.learners.len()),
            ("courses", bundle.courses.len()),
            ("sessions", bundle.sessions.len()),
            ("enrolments", bundle.enrolments.len()),
            ("scans", bundle.scans.len()),
            ("outcomes", bundle.outcomes.len()),
        ];
        let parts: Vec<String> = counts
            .iter()
            .map(|(name, count)| format!("{name}={count}"))
            .collect();
        let rejected: u64 = self.report.bind(py).getattr("rows_rejected")?.extract()?;
        Ok(format!(
            "Bundle({}, rows_rejected={rejected})",
            parts.join(", ")
        ))
    }

    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<Bundle>() else {
            return Ok(false);
        };
        let other = other.get();
        if self.bundle != other.bundle {
            return Ok(false);
        }
        self.report.bind(py).eq(other.report.bind(py))
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut files = MemoryBundle::new();
        xuetong::bundle::write_bundle(&self.bundle, &mut files)
            .map_err(|error| bundle_error(py, error.to_string()))?;
        let state = PyDict::new(py);
        for (name, bytes) in &files.files {
            state.set_item(name, PyBytes::new(py, bytes))?;
        }
        let restore = py.import("xuetong._pickle")?.getattr("restore_bundle")?;
        Ok((restore, (state, self.report.bind(py)))
            .into_pyobject(py)?
            .into_any())
    }
}

fn report_object(py: Python<'_>, report: &xuetong::bundle::ReadReport) -> PyResult<Py<PyAny>> {
    let json = serde_json::to_value(report)
        .map_err(|error| PyValueError::new_err(format!("failed to write the report: {error}")))?;
    let class = py.import("xuetong._reports")?.getattr("ReadReport")?;
    Ok(class
        .call_method1("from_dict", (json_to_py(py, &json)?,))?
        .unbind())
}

/// Reads the bundle in the folder `path`, releasing the GIL while it reads.
/// Returns the bundle; rejected rows are in its report, not raised.
#[pyfunction]
pub(crate) fn read_bundle(py: Python<'_>, path: PathBuf) -> PyResult<Bundle> {
    guarded(py, || {
        let result = detach_on_pool(py, || catch(|| read_bundle_parallel(&Folder::new(path))))?;
        let (bundle, report) = result
            .map_err(|panicked| internal_error(py, &panicked))?
            .map_err(|error| bundle_error(py, error.to_string()))?;
        Ok(Bundle {
            report: report_object(py, &report)?,
            bundle: Arc::new(bundle),
        })
    })
}

/// Restores a pickled bundle from its files and its report.
#[pyfunction]
pub(crate) fn restore_bundle(
    py: Python<'_>,
    files: std::collections::BTreeMap<String, Vec<u8>>,
    report: Py<PyAny>,
) -> PyResult<Bundle> {
    guarded(py, || {
        let memory = MemoryBundle { files };
        let (bundle, _) =
            core_read_bundle(&memory).map_err(|error| bundle_error(py, error.to_string()))?;
        Ok(Bundle {
            bundle: Arc::new(bundle),
            report,
        })
    })
}

/// Adds the class and functions of this file to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Bundle>()?;
    module.add_function(wrap_pyfunction!(read_bundle, module)?)?;
    module.add_function(wrap_pyfunction!(restore_bundle, module)?)?;
    Ok(())
}
