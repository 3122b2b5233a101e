//! The module `xuetong._core`: record classes, tables, bundles and the JSON
//! operation API. The package `xuetong` (in `python/xuetong/`) re-exports
//! it with the exceptions, reports and helpers written in Python.

mod bundle;
mod convert;
mod engines;
mod errors;
mod records;
mod season;
mod table;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use xuetong::problem::codes::{self, MALFORMED_JSON};
use xuetong::problem::{Locale, Path, Problem, Problems};

use errors::{guarded, internal_error, xuetong_error};

/// Runs `work` with the GIL released on the engine pool of this process,
/// which is built first if this process has none (see [`crate::pool`]).
/// Every call that may reach rayon goes through here, so that a process
/// forked from one that used the package gets a pool of its own.
///
/// Raises `XuetongError` when the pool's threads could not be started.
///
/// NOTE: `install` hands `work` to a pool thread and waits for it. That
/// made a small `call_json` about 6 to 10 µs slower (12 to 26 µs before,
/// under a load of 8 on 2 cores), and calls that never reach rayon pay it
/// too.
pub(crate) fn detach_on_pool<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> T + Send,
) -> PyResult<T> {
    let result: Result<T, rayon::ThreadPoolBuildError> = py.detach(|| {
        let pool = crate::pool::ENGINE_POOL.get()?;
        Ok(pool.install(work))
    });
    result.map_err(|error| xuetong_error(py, format!("failed to start the thread pool: {error}")))
}

/// Runs the operation `operation` on a request given as JSON text and
/// returns the response document as JSON text, releasing the GIL while the
/// core works.
#[pyfunction]
fn call_json(py: Python<'_>, operation: &str, request: &str) -> PyResult<String> {
    let result = detach_on_pool(py, || {
        crate::guard::catch(|| xuetong::api::call(operation, request))
    })?;
    result.map_err(|panicked| internal_error(py, &panicked))
}

/// Runs the operation `operation` on `request` and returns the response's
/// value as Python values, or raises `ValidationError` with its problems.
///
/// `request` is a dict (`{"input": ..., "options": ..., "locale": ...}`),
/// JSON text or bytes, or `None` for an operation without input. In a dict,
/// dates, aware datetimes, decimals, UUIDs and record objects are written
/// in their JSON forms. A naive datetime is a problem at its path (paths
/// start inside `input`, as the core's do), except a naive midnight. `call`
/// does not know the field kinds, so it sends a naive midnight as its date.
/// A date field reads it as that date, and a free-text field keeps the date
/// text. Any other field reports it, showing the datetime given. Dict keys
/// are `str`, or `int` written as its digits. A key of another type, or an
/// int too long for Python to write as text, is `invalid_type` at its path.
#[pyfunction]
#[pyo3(signature = (operation, request=None))]
fn call<'py>(
    py: Python<'py>,
    operation: &str,
    request: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let title = format!("{operation} rejected the request");
        let response = match request {
            None => {
                let request = serde_json::json!({"input": null});
                detach_on_pool(py, || {
                    xuetong::api::call_value(operation, &request).to_json()
                })?
            }
            Some(request)
                if request.is_instance_of::<PyString>() || request.is_instance_of::<PyBytes>() =>
            {
                let text: String = match request.cast::<PyBytes>() {
                    Ok(bytes) => match std::str::from_utf8(bytes.as_bytes()) {
                        Ok(text) => text.to_owned(),
                        Err(error) => {
                            let problem = xuetong::api::not_utf8_problem(error.valid_up_to());
                            return Err(errors::validation_error(py, &problem.into(), &title));
                        }
                    },
                    Err(_) => match request.cast::<PyString>()?.to_str() {
                        Ok(text) => text.to_owned(),
                        Err(_) => {
                            let problem = Problem::new(MALFORMED_JSON, Path::root()).with(
                                "detail",
                                "the text has a surrogate code point (U+D800 to U+DFFF), \
                                 which UTF-8 cannot encode; remove it",
                            );
                            return Err(errors::validation_error(py, &problem.into(), &title));
                        }
                    },
                };
                let response = detach_on_pool(py, || xuetong::api::call(operation, &text))?;
                serde_json::from_str(&response)
                    .map_err(|error| PyValueError::new_err(format!("invalid response: {error}")))?
            }
            Some(request) => {
                let (value, naive_midnights) =
                    request_json(&request).map_err(|problems| match problems {
                        RequestError::Python(error) => error,
                        RequestError::Problems(problems) => {
                            errors::validation_error(py, &problems, &title)
                        }
                    })?;
                let response =
                    detach_on_pool(py, || xuetong::api::call_value(operation, &value).to_json())?;
                if response["ok"] != serde_json::Value::Bool(true) {
                    let mut problems = response_problems(&response)?;
                    let locale = value
                        .get("locale")
                        .and_then(serde_json::Value::as_str)
                        .and_then(Locale::parse)
                        .unwrap_or_default();
                    restate_naive_midnights(&mut problems, &naive_midnights, locale);
                    return Err(errors::validation_error(py, &problems, &title));
                }
                response
            }
        };
        if response["ok"] == serde_json::Value::Bool(true) {
            return convert::json_to_py(py, &response["value"]);
        }
        let problems = response_problems(&response)?;
        Err(errors::validation_error(py, &problems, &title))
    })
}

fn response_problems(response: &serde_json::Value) -> PyResult<Problems> {
    serde_json::from_value(response["problems"].clone())
        .map_err(|error| PyValueError::new_err(format!("invalid response: {error}")))
}

/// Restates the problems the core found in the dates that naive midnight
/// `datetime`s were sent as, so that they show the datetime the caller gave.
/// A field that is an instant gets the problem of any naive `datetime`.
fn restate_naive_midnights(
    problems: &mut Problems,
    naive_midnights: &[(Path, String)],
    locale: Locale,
) {
    for problem in &mut problems.0 {
        let Some((path, text)) = naive_midnights
            .iter()
            .find(|(path, _)| *path == problem.path)
        else {
            continue;
        };
        if problem.code == codes::INVALID_INSTANT {
            *problem = convert::naive_instant(path, text);
        } else if problem.params.contains_key("value") {
            *problem = problem
                .clone()
                .with("value", format!("{text} (a naive datetime)"));
        }
        problem.localize(locale);
    }
}

enum RequestError {
    Python(PyErr),
    Problems(Problems),
}

/// The JSON of a request given as Python values, and the paths at which it
/// has naive midnight `datetime`s written as dates. Problem paths start
/// inside `input`; the other parts of the envelope keep their names.
fn request_json(
    request: &Bound<'_, PyAny>,
) -> Result<(serde_json::Value, Vec<(Path, String)>), RequestError> {
    let mut problems = Problems::new();
    let mut walk = convert::Walk::default();
    let mut envelope = serde_json::Map::new();
    let items = request
        .call_method0("items")
        .and_then(|items| items.try_iter())
        .map_err(|_| {
            RequestError::Python(pyo3::exceptions::PyTypeError::new_err(format!(
                "a request is a dict, JSON text or bytes, got {}",
                request
                    .get_type()
                    .name()
                    .map(|name| name.to_string())
                    .unwrap_or_default()
            )))
        })?;
    for item in items {
        let (key, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
            .and_then(|item| item.extract())
            .map_err(RequestError::Python)?;
        let key =
            convert::key_text(&key, &Path::root(), &mut problems).map_err(RequestError::Python)?;
        let Some(key) = key else {
            continue;
        };
        let path = if key == "input" {
            Path::root()
        } else {
            Path::root().join(key.clone())
        };
        let json = convert::convert(&value, None, &path, &mut problems, &mut walk)
            .map_err(RequestError::Python)?;
        envelope.insert(key, json.unwrap_or(serde_json::Value::Null));
    }
    if problems.is_empty() {
        Ok((serde_json::Value::Object(envelope), walk.naive_midnights))
    } else {
        Err(RequestError::Problems(problems))
    }
}

/// Restores a pickled record of `kind` from its state (JSON text).
#[pyfunction]
fn restore_record<'py>(py: Python<'py>, kind: &str, state: &str) -> PyResult<Bound<'py, PyAny>> {
    guarded(py, || {
        let state: serde_json::Value = serde_json::from_str(state)
            .map_err(|error| PyValueError::new_err(format!("invalid pickled record: {error}")))?;
        records::restore_record(py, kind, &state)
    })
}

/// Panics inside the guard that every entry point uses, to test that the
/// panic arrives as `XuetongError`.
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    guarded(py, || -> PyResult<()> {
        #[allow(clippy::panic, reason = "this function exists to test the panic guard")]
        {
            panic!("deliberate panic to test the guard")
        }
    })
}

#[pymodule]
fn _core(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_function(wrap_pyfunction!(call, module)?)?;
    module.add_function(wrap_pyfunction!(call_json, module)?)?;
    module.add_function(wrap_pyfunction!(restore_record, module)?)?;
    module.add_function(wrap_pyfunction!(_panic_for_test, module)?)?;
    records::register(module)?;
    table::register(module)?;
    bundle::register(module)?;
    engines::register(module)?;
    season::register(module)?;
    Ok(())
}
