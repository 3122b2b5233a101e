//! Raising the package's exceptions, which are defined in Python
//! (`xuetong/_errors.py`) so that they can derive from two bases and pickle
//! with their problems.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyType};
use xuetong::problem::Problems;

use super::convert::problem_to_py;
use crate::guard::{Panicked, catch};

static XUETONG_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VALIDATION_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static BUNDLE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

const ERRORS_MODULE: &str = "xuetong._errors";

/// `ValidationError(problems, title)`.
pub(crate) fn validation_error(py: Python<'_>, problems: &Problems, title: &str) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let mut items = Vec::with_capacity(problems.len());
        for problem in problems.iter() {
            items.push(problem_to_py(py, problem)?);
        }
        let class = VALIDATION_ERROR.import(py, ERRORS_MODULE, "ValidationError")?;
        let error = class.call1((PyList::new(py, items)?, title))?;
        Ok(PyErr::from_value(error))
    };
    build().unwrap_or_else(|error| error)
}

/// `XuetongError(message)`, the root of the package's exceptions.
pub(crate) fn xuetong_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, &XUETONG_ERROR, "XuetongError", message)
}

/// `BundleError(message)`, for a bundle that could not be read at all.
pub(crate) fn bundle_error(py: Python<'_>, message: String) -> PyErr {
    raise(py, &BUNDLE_ERROR, "BundleError", message)
}

fn raise(py: Python<'_>, cell: &PyOnceLock<Py<PyType>>, name: &str, message: String) -> PyErr {
    match cell.import(py, ERRORS_MODULE, name) {
        Ok(class) => match class.call1((message,)) {
            Ok(error) => PyErr::from_value(error),
            Err(error) => error,
        },
        Err(error) => error,
    }
}

/// Runs `work` and raises `XuetongError` when it panics, so that no Rust
/// panic reaches Python.
pub(crate) fn guarded<T>(py: Python<'_>, work: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch(work) {
        Ok(result) => result,
        Err(panicked) => Err(internal_error(py, &panicked)),
    }
}

/// The `XuetongError` for a caught panic.
pub(crate) fn internal_error(py: Python<'_>, panicked: &Panicked) -> PyErr {
    xuetong_error(py, panicked.to_string())
}
