//! Conversions between Python values and the JSON forms of the core.
//!
//! Python to JSON follows the records' field kinds. Aware `datetime`s become
//! RFC 3339 text, and naive ones are reported as `invalid_instant`, except
//! that a date field takes a naive midnight as its date. `date`,
//! `time`, `Decimal`, `UUID` and `ZoneInfo` become their text forms, and a
//! `timedelta` becomes whole minutes. Everything else passes as its natural JSON
//! value, and the core's field readers decide.
//!
//! JSON to Python gives `uuid.UUID`, `datetime.date`, `datetime.time`,
//! aware `datetime.datetime` in UTC, and `decimal.Decimal` for credits and
//! percentages, never `float`. A leap second, which `datetime` cannot hold,
//! stays its RFC 3339 text.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList, PyString, PyTime, PyTuple,
    PyType,
};
use serde_json::{Map, Number, Value};
use xuetong::api::codes::INVALID_REQUEST;
use xuetong::problem::{Path, PathSegment, Problem, Problems, codes};

use crate::tables::{Column, ColumnKind};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static UUID: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static ZONE_INFO: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The column used for values whose name no record field has: its value is
/// passed as it is, and the core reports the field as unknown.
static UNKNOWN: Column = Column::optional("unknown", ColumnKind::Text);

/// The maximum nesting of dicts and lists in a value given to the core,
/// counted from the part of the request it sits in. The core's JSON parser,
/// serde_json, rejects text nested 128 levels deep counted from the whole
/// request. Converting a deeper value would otherwise overflow the stack.
const MAX_NESTING: usize = 128;

/// The maximum number of values that dicts, lists, long texts and records
/// met again in one conversion may add, beyond eight for each value met for
/// the first time. JSON writes a list shared by two fields twice, as
/// `json.dumps` does, so a structure that shares lists level by level
/// doubles in size with each level: 40 levels of `[shared, shared]` would be
/// 2^40 values. A dict or list of up to eight values may appear any number
/// of times, such as one dict of tags in every row of a list.
const MAX_REPEATED_VALUES: usize = 1 << 20;

/// The bytes of text (of a `str`, a dict key, the text of an int or a
/// `Decimal`, or a record's JSON) that count as one value toward
/// [`MAX_REPEATED_VALUES`]. One text of a megabyte in a list 100,000 times
/// would otherwise write 100 GB while it counts as 100,000 values.
const TEXT_BYTES_PER_VALUE: usize = 64;

/// The length in bytes from which a text counts by its length, and is
/// looked up by address to find it met again. Shorter text counts as one
/// value, so that the many short texts of a request cost no lookup.
const LONG_TEXT_BYTES: usize = 128;

/// The state of one conversion, across the values it walks.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// The addresses of the dicts and lists that contain the current value,
    /// to find one that contains itself.
    open: Vec<usize>,
    /// The addresses of the dicts, lists, records, long texts and long keys
    /// converted so far. Every one of them is alive until the conversion
    /// ends, because the value being converted contains it, so no address
    /// is reused.
    seen: HashSet<usize>,
    /// How many dicts and lists met again contain the current value.
    repeats_open: usize,
    /// Values converted for the first time, counted as [`Walk::count`]
    /// counts them.
    first_values: usize,
    /// Values converted again, counted as [`Walk::count`] counts them.
    repeated_values: usize,
    /// Set when the repeated values ran over their limit, which ends the walk.
    stopped: bool,
    /// The paths at which a date field may have received a naive midnight
    /// `datetime` as its date, with the datetime's ISO text. Only a field
    /// whose kind is unknown (a request to `call`) is listed.
    pub(crate) naive_midnights: Vec<(Path, String)>,
}

impl Walk {
    /// Counts `values` more values. They count as met again when `repeated`
    /// is true or a dict or list met again contains them. Returns `false`,
    /// and reports the request as invalid at `path`, once the values met
    /// again run over their limit, which ends the walk.
    fn count(
        &mut self,
        values: usize,
        repeated: bool,
        path: &Path,
        problems: &mut Problems,
    ) -> bool {
        if self.stopped {
            return false;
        }
        if repeated || self.repeats_open > 0 {
            self.repeated_values = self.repeated_values.saturating_add(values);
        } else {
            self.first_values = self.first_values.saturating_add(values);
        }
        let limit = MAX_REPEATED_VALUES.saturating_add(self.first_values.saturating_mul(8));
        if self.repeated_values <= limit {
            return true;
        }
        self.stopped = true;
        problems.push(Problem::new(INVALID_REQUEST, path.clone()).with(
            "detail",
            format!(
                "dicts, lists, texts and records that appear more than once add more than \
                 {MAX_REPEATED_VALUES} values to the JSON of the request (each \
                 {TEXT_BYTES_PER_VALUE} bytes of text count as one value); pass each of them \
                 fewer times"
            ),
        ));
        false
    }

    /// Counts a text of `bytes` bytes written for the Python object at
    /// `address`, as [`Walk::count`] does. A long text counts one value for
    /// each [`TEXT_BYTES_PER_VALUE`] bytes, and as met again when the same
    /// object was converted before. A shorter text adds nothing, because the
    /// value it is part of was counted already.
    fn count_text(
        &mut self,
        address: usize,
        bytes: usize,
        path: &Path,
        problems: &mut Problems,
    ) -> bool {
        if bytes < LONG_TEXT_BYTES {
            return !self.stopped;
        }
        let repeat = !self.seen.insert(address);
        self.count(bytes / TEXT_BYTES_PER_VALUE, repeat, path, problems)
    }
}

/// Converts the Python value of field `column` to JSON, reporting a value
/// that cannot be converted under `path`. `Ok(None)` means no value.
pub(crate) fn to_json(
    value: &Bound<'_, PyAny>,
    column: Option<&Column>,
    path: &Path,
    problems: &mut Problems,
) -> PyResult<Option<Value>> {
    convert(value, column, path, problems, &mut Walk::default())
}

/// Converts as [`to_json`] does, with the state of a walk that may span
/// several values.
pub(crate) fn convert(
    value: &Bound<'_, PyAny>,
    column: Option<&Column>,
    path: &Path,
    problems: &mut Problems,
    walk: &mut Walk,
) -> PyResult<Option<Value>> {
    if !walk.count(1, false, path, problems) {
        return Ok(None);
    }
    let known_column = column.is_some_and(|column| !std::ptr::eq(column, &UNKNOWN));
    let column = column.unwrap_or(&UNKNOWN);
    let py = value.py();
    let field = path_tail(path);
    let invalid = |code, shown: String| {
        Problem::new(code, path.clone())
            .with("field", field.as_str())
            .with("value", shown)
    };
    if value.is_none() {
        return Ok(None);
    }
    if value.is_instance_of::<PyBool>() {
        return Ok(Some(Value::Bool(value.extract()?)));
    }
    if value.is_instance_of::<PyInt>() {
        let Some(json) = int_json(value, column.kind, path, problems)? else {
            return Ok(None);
        };
        return Ok(count_json_text(walk, value, json, path, problems));
    }
    if value.is_instance_of::<PyFloat>() {
        let number: f64 = value.extract()?;
        return Ok(match Number::from_f64(number) {
            Some(number) => Some(Value::Number(number)),
            None => {
                problems.push(
                    invalid(codes::INVALID_TYPE, number.to_string())
                        .with("expected", column.kind.expected()),
                );
                None
            }
        });
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(match text.to_str() {
            Ok(text) => walk
                .count_text(value.as_ptr() as usize, text.len(), path, problems)
                .then(|| Value::String(text.to_owned())),
            // A surrogate code point has no UTF-8 form, so the text cannot
            // reach the core as it is.
            Err(_) => {
                problems.push(
                    invalid(codes::INVALID_TYPE, escape_surrogates(text)?)
                        .with("expected", NO_SURROGATES),
                );
                None
            }
        });
    }
    if value.is_instance_of::<PyDateTime>() {
        let text: String = value.call_method0("isoformat")?.extract()?;
        // pandas writes a missing time as NaT, a datetime whose `utcoffset`
        // raises ValueError, and a table's column takes it as no value.
        if text == "NaT" {
            return Ok(None);
        }
        let naive = value.call_method0("utcoffset")?.is_none();
        if !known_column && naive {
            // A request to `call` has no field kinds here, so a naive
            // midnight goes as its date and the core decides. A date field
            // takes it, a text field takes it as text (as it takes an aware
            // datetime's ISO text), and `call` restates any problem at its
            // path.
            if let Some(date) = text.strip_suffix("T00:00:00") {
                walk.naive_midnights.push((path.clone(), text.clone()));
                return Ok(Some(Value::String(date.to_owned())));
            }
        }
        if matches!(column.kind, ColumnKind::Date | ColumnKind::BirthDate) {
            // A date field takes a naive midnight as its date, as a table's
            // date column does, because pandas stores dates that way. The
            // core reports any other datetime as not a date.
            let date = match text.strip_suffix("T00:00:00") {
                Some(date) if naive => date.to_owned(),
                _ => text,
            };
            return Ok(Some(Value::String(date)));
        }
        if naive {
            problems.push(naive_instant(path, &text));
            return Ok(None);
        }
        return Ok(Some(Value::String(text)));
    }
    if value.is_instance_of::<PyDate>() || value.is_instance_of::<PyTime>() {
        let text: String = value.call_method0("isoformat")?.extract()?;
        return Ok(Some(Value::String(text)));
    }
    if value.is_instance_of::<PyDelta>() {
        return duration_json(value, column, path, problems);
    }
    if value.is_instance(DECIMAL.import(py, "decimal", "Decimal")?)? {
        let text = decimal_text(value)?;
        return Ok(walk
            .count_text(value.as_ptr() as usize, text.len(), path, problems)
            .then_some(Value::String(text)));
    }
    if value.is_instance(UUID.import(py, "uuid", "UUID")?)? {
        return Ok(Some(Value::String(value.str()?.to_str()?.to_owned())));
    }
    if value.is_instance(ZONE_INFO.import(py, "zoneinfo", "ZoneInfo")?)? {
        let key: String = value.getattr("key")?.extract()?;
        return Ok(Some(Value::String(key)));
    }
    let nests = value.is_instance_of::<PyDict>()
        || value.is_instance_of::<PyList>()
        || value.is_instance_of::<PyTuple>();
    if nests {
        // Found by depth alone, a list that contains itself twice would be
        // walked 2^128 times.
        let address = value.as_ptr() as usize;
        if walk.open.contains(&address) {
            problems.push(Problem::new(INVALID_REQUEST, path.clone()).with(
                "detail",
                "this dict or list contains itself, which JSON cannot write; break the loop",
            ));
            return Ok(None);
        }
        if path.segments().len() >= MAX_NESTING {
            problems.push(Problem::new(INVALID_REQUEST, path.clone()).with(
                "detail",
                format!(
                    "dicts and lists nest more than {MAX_NESTING} levels deep here; JSON may \
                     nest at most {MAX_NESTING} levels"
                ),
            ));
            return Ok(None);
        }
        let repeat = !walk.seen.insert(address);
        walk.repeats_open += usize::from(repeat);
        walk.open.push(address);
        let converted = nested_json(value, column, path, problems, walk);
        walk.open.pop();
        walk.repeats_open -= usize::from(repeat);
        return converted;
    }
    if let Some(text) = record_text(value)? {
        if !walk.count_text(value.as_ptr() as usize, text.len(), path, problems) {
            return Ok(None);
        }
        return Ok(serde_json::from_str(&text).ok());
    }
    if value.hasattr("__index__")? {
        let index = value.call_method0("__index__")?;
        let Some(json) = int_json(&index, column.kind, path, problems)? else {
            return Ok(None);
        };
        return Ok(count_json_text(walk, value, json, path, problems));
    }
    let type_name = value.get_type().name()?.to_string();
    problems.push(
        invalid(codes::INVALID_TYPE, format!("a value of type {type_name}"))
            .with("expected", column.kind.expected()),
    );
    Ok(None)
}

/// Converts a dict, a list or a tuple, whose address is the last in
/// `walk.open`.
fn nested_json(
    value: &Bound<'_, PyAny>,
    column: &Column,
    path: &Path,
    problems: &mut Problems,
    walk: &mut Walk,
) -> PyResult<Option<Value>> {
    if let Ok(mapping) = value.cast::<PyDict>() {
        let mut object = Map::new();
        for (key, item) in mapping.iter() {
            let address = key.as_ptr() as usize;
            let Some(key) = key_text(&key, path, problems)? else {
                continue;
            };
            // JSON writes a key again in each dict that has it.
            if !walk.count_text(address, key.len(), path, problems) {
                return Ok(None);
            }
            let item_path = path.join(key.clone());
            let item = convert(&item, None, &item_path, problems, walk)?;
            object.insert(key, item.unwrap_or(Value::Null));
        }
        return Ok(Some(Value::Object(object)));
    }
    let mut items = Vec::new();
    for (index, item) in value.try_iter()?.enumerate() {
        let item_path = path.join(index);
        let item = convert(&item?, Some(column), &item_path, problems, walk)?;
        items.push(item.unwrap_or(Value::Null));
    }
    Ok(Some(Value::Array(items)))
}

/// The text the core can receive, for the `expected` of a problem.
const NO_SURROGATES: &str = "text without surrogate code points (U+D800 to U+DFFF)";

/// Returns the key of a dict item as JSON writes it: a `str` as it is, and
/// an `int` (not a `bool`) as its digits, as `json.dumps` writes it. Any
/// other key is reported as `invalid_type` at its own path, named by its
/// `repr()`, and gives `None`. So is a key with a surrogate code point,
/// shown escaped. An int key too long for Python to write as text is
/// reported at the dict's path.
pub(crate) fn key_text(
    key: &Bound<'_, PyAny>,
    path: &Path,
    problems: &mut Problems,
) -> PyResult<Option<String>> {
    if key.is_instance_of::<PyInt>() && !key.is_instance_of::<PyBool>() {
        if let Some(text) = int_text(key)? {
            return Ok(Some(text));
        }
        let description = long_int_description(key)?;
        problems.push(
            Problem::new(codes::INVALID_TYPE, path.clone())
                .with("field", path_tail(path))
                .with("expected", "a dict with text keys")
                .with("value", format!("a key that is {description}")),
        );
        return Ok(None);
    }
    let Ok(key) = key.cast::<PyString>() else {
        problems.push(key_not_text(key, path)?);
        return Ok(None);
    };
    if let Ok(text) = key.to_str() {
        return Ok(Some(text.to_owned()));
    }
    let shown = escape_surrogates(key)?;
    problems.push(
        Problem::new(codes::INVALID_TYPE, path.join(shown.clone()))
            .with("field", shown.as_str())
            .with("expected", format!("a key of {NO_SURROGATES}"))
            .with("value", shown),
    );
    Ok(None)
}

/// The only key type of a JSON object, for the `expected` of a problem.
const TEXT_KEY: &str = "a text key";

/// Makes the problem of a dict key that is not a `str`, at the path of the
/// key named by its `repr()`. A key whose `repr()` raises an exception, such
/// as a tuple holding an int too long for text, is named by its type.
pub(crate) fn key_not_text(key: &Bound<'_, PyAny>, path: &Path) -> PyResult<Problem> {
    let type_name = key.get_type().name()?.to_string();
    let key_repr = match key.repr() {
        Ok(key_repr) => match key_repr.to_str() {
            Ok(text) => text.to_owned(),
            Err(_) => escape_surrogates(&key_repr)?,
        },
        Err(error) if error.is_instance_of::<PyException>(key.py()) => {
            format!("<{type_name} key whose repr() failed>")
        }
        Err(error) => return Err(error),
    };
    let problem = Problem::new(codes::INVALID_TYPE, path.join(key_repr.clone()))
        .with("field", key_repr)
        .with("expected", TEXT_KEY)
        .with("value", format!("a key of type {type_name}"));
    Ok(problem)
}

/// Returns `text` with each surrogate code point written as an escape such
/// as `\udce1`, which UTF-8 can encode.
pub(crate) fn escape_surrogates(text: &Bound<'_, PyString>) -> PyResult<String> {
    let escaped = text.call_method1("encode", ("utf-8", "backslashreplace"))?;
    Ok(String::from_utf8_lossy(escaped.extract::<&[u8]>()?).into_owned())
}

/// Makes the problem of a naive `datetime` where an instant is expected.
pub(crate) fn naive_instant(path: &Path, text: &str) -> Problem {
    Problem::new(codes::INVALID_INSTANT, path.clone())
        .with("field", path_tail(path))
        .with("value", format!("{text} (a naive datetime)"))
        .with(
            "hint",
            "attach a time zone, such as dt.replace(tzinfo=ZoneInfo(\"Asia/Shanghai\"))",
        )
}

/// The maximum length of the fixed-point text, such as `1000.00`, that a
/// `Decimal` is written as. `Decimal("1e300000000")` is 300 MB in fixed
/// point, so a longer one is written in scientific form, such as
/// `1E+300000000`, which the core rejects as a decimal.
const MAX_FIXED_POINT_CHARS: usize = 1000;

/// Writes a `Decimal` in fixed point, or in scientific form when fixed point
/// would take more than [`MAX_FIXED_POINT_CHARS`] characters.
fn decimal_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let (_sign, digits, exponent): (Bound<'_, PyAny>, Bound<'_, PyTuple>, Bound<'_, PyAny>) =
        value.call_method0("as_tuple")?.extract()?;
    // The exponent of NaN and infinity is a letter, and their text is short.
    let fixed_chars = match exponent.extract::<i64>() {
        Ok(exponent) => (digits.len() as u64).saturating_add(exponent.unsigned_abs()),
        Err(_) => 0,
    };
    let text = if fixed_chars > MAX_FIXED_POINT_CHARS as u64 {
        value.str()?
    } else {
        value
            .py()
            .import("builtins")?
            .call_method1("format", (value, "f"))?
            .cast_into::<PyString>()?
    };
    Ok(text.to_str()?.to_owned())
}

/// Returns the JSON text of a record object of this package, such as a
/// `Learner` inside a request.
fn record_text(value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let class = value.get_type();
    let module: String = class.getattr("__module__")?.extract().unwrap_or_default();
    if module != "xuetong" || !value.hasattr("to_json")? || value.hasattr("__arrow_c_stream__")? {
        return Ok(None);
    }
    Ok(Some(value.call_method0("to_json")?.extract()?))
}

/// Returns `json`, the JSON of `value`, once [`Walk::count_text`] has
/// counted it when it is text.
fn count_json_text(
    walk: &mut Walk,
    value: &Bound<'_, PyAny>,
    json: Value,
    path: &Path,
    problems: &mut Problems,
) -> Option<Value> {
    let bytes = json.as_str().map_or(0, str::len);
    walk.count_text(value.as_ptr() as usize, bytes, path, problems)
        .then_some(json)
}

/// Converts an integer to JSON: a number, or text for the fields written as text
/// (credits, percentages, a birth year) and for numbers beyond 64 bits. An
/// int too long for Python to write as text is reported as `invalid_type` at
/// `path` and gives `None`.
fn int_json(
    value: &Bound<'_, PyAny>,
    kind: ColumnKind,
    path: &Path,
    problems: &mut Problems,
) -> PyResult<Option<Value>> {
    let text_kinds = matches!(
        kind,
        ColumnKind::Credits | ColumnKind::Percent | ColumnKind::BirthDate
    );
    if !text_kinds {
        if let Ok(number) = value.extract::<i64>() {
            return Ok(Some(Value::from(number)));
        }
        if let Ok(number) = value.extract::<u64>() {
            return Ok(Some(Value::from(number)));
        }
    }
    if let Some(text) = int_text(value)? {
        return Ok(Some(Value::String(text)));
    }
    let limit: i64 = value
        .py()
        .import("sys")?
        .call_method0("get_int_max_str_digits")?
        .extract()?;
    problems.push(
        Problem::new(codes::INVALID_TYPE, path.clone())
            .with("field", path_tail(path))
            .with(
                "expected",
                format!(
                    "an int of at most {limit} digits, the limit of Python's int-to-text \
                     conversion (set by sys.set_int_max_str_digits)"
                ),
            )
            .with("value", long_int_description(value)?),
    );
    Ok(None)
}

/// Returns the digits of an int, or `None` when it has more digits than
/// Python writes as text: 4,300 unless `sys.set_int_max_str_digits` changed
/// the limit, when `int.__repr__` raises `ValueError`. The digits come from
/// `int.__repr__` itself, because a subclass's own `str()` may be anything,
/// such as an IntEnum member's name before Python 3.11.
fn int_text(value: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    let int_repr = value.py().get_type::<PyInt>().getattr("__repr__")?;
    let text = match int_repr.call1((value,)) {
        Ok(text) => text,
        Err(error) if error.is_instance_of::<PyValueError>(value.py()) => return Ok(None),
        Err(error) => return Err(error),
    };
    Ok(Some(text.cast_into::<PyString>()?.to_str()?.to_owned()))
}

/// Describes an int by its number of digits, estimated from its bits
/// because Python cannot write it as text.
fn long_int_description(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let bit_length = value.py().get_type::<PyInt>().getattr("bit_length")?;
    let bits: u64 = bit_length.call1((value,))?.extract()?;
    // log10(2) is 0.30103 to five places, so this is within one of the
    // number of decimal digits.
    let digits = bits.saturating_mul(30_103) / 100_000 + 1;
    Ok(format!("an int of about {digits} digits"))
}

/// Converts a `timedelta` to whole minutes, for the `minutes` field.
fn duration_json(
    value: &Bound<'_, PyAny>,
    column: &Column,
    path: &Path,
    problems: &mut Problems,
) -> PyResult<Option<Value>> {
    let shown: String = value.str()?.extract()?;
    let field = path_tail(path);
    if !matches!(
        column.kind,
        ColumnKind::UInt32 | ColumnKind::UInt8 | ColumnKind::Int64
    ) || column.name != "minutes"
    {
        problems.push(
            Problem::new(codes::INVALID_TYPE, path.clone())
                .with("field", field.as_str())
                .with("expected", column.kind.expected())
                .with("value", format!("a timedelta ({shown})")),
        );
        return Ok(None);
    }
    let days: i64 = value.getattr("days")?.extract()?;
    let seconds: i64 = value.getattr("seconds")?.extract()?;
    let microseconds: i64 = value.getattr("microseconds")?.extract()?;
    let total_seconds = days * 86_400 + seconds;
    if microseconds != 0 || total_seconds % 60 != 0 {
        problems.push(
            Problem::new(codes::INVALID_INTEGER, path.clone())
                .with("field", field.as_str())
                .with("value", format!("{shown} (not whole minutes)")),
        );
        return Ok(None);
    }
    Ok(Some(Value::from(total_seconds / 60)))
}

fn path_tail(path: &Path) -> String {
    path.segments()
        .iter()
        .rev()
        .find_map(|segment| match segment {
            PathSegment::Key(key) => Some(key.to_string()),
            PathSegment::Index(_) => None,
        })
        .unwrap_or_else(|| "input".to_owned())
}

/// Converts the JSON value of a field of kind `kind` to Python.
pub(crate) fn from_json<'py>(
    py: Python<'py>,
    value: Option<&Value>,
    kind: ColumnKind,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return Ok(py.None().into_bound(py));
    };
    let text = value.as_str();
    let converted = match (kind, text) {
        (ColumnKind::Uuid, Some(text)) => uuid(py, text)?,
        (ColumnKind::UuidList, _) => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let mut converted = Vec::with_capacity(items.len());
            for item in items {
                converted.push(from_json(py, Some(item), ColumnKind::Uuid)?);
            }
            PyList::new(py, converted)?.into_any()
        }
        (ColumnKind::BirthDate, Some(text)) if text.len() == 4 => match text.parse::<i32>() {
            Ok(year) => year.into_pyobject(py)?.into_any(),
            Err(_) => json_to_py(py, value)?,
        },
        (ColumnKind::BirthDate | ColumnKind::Date, Some(text)) => {
            match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => date.into_pyobject(py)?.into_any(),
                Err(_) => json_to_py(py, value)?,
            }
        }
        (ColumnKind::Time, Some(text)) => match NaiveTime::parse_from_str(text, "%H:%M:%S") {
            Ok(time) => time.into_pyobject(py)?.into_any(),
            Err(_) => json_to_py(py, value)?,
        },
        (ColumnKind::Instant, Some(text)) => match DateTime::parse_from_rfc3339(text) {
            // `datetime` has no second 60, so a leap second stays its
            // RFC 3339 text, such as 2016-12-31T23:59:60Z, rather than
            // move by a second.
            Ok(instant) if instant.nanosecond() >= 1_000_000_000 => {
                PyString::new(py, text).into_any()
            }
            Ok(instant) => instant_to_py(py, instant.with_timezone(&Utc))?,
            Err(_) => json_to_py(py, value)?,
        },
        (ColumnKind::Credits | ColumnKind::Percent, Some(text)) => {
            DECIMAL.import(py, "decimal", "Decimal")?.call1((text,))?
        }
        _ => json_to_py(py, value)?,
    };
    Ok(converted)
}

/// An instant as an aware `datetime` in UTC.
///
/// NOTE: Python's `datetime` stores microseconds, so nanoseconds of an
/// instant are cut off here; tables keep microseconds too.
pub(crate) fn instant_to_py<'py>(
    py: Python<'py>,
    instant: DateTime<Utc>,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(instant.into_pyobject(py)?.into_any())
}

fn uuid<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    match text.parse::<uuid::Uuid>() {
        Ok(id) => Ok(id.into_pyobject(py)?.into_any()),
        Err(_) => Ok(PyString::new(py, text).into_any()),
    }
}

/// Converts any JSON value to the plain Python value: `dict`, `list`, `str`,
/// `int`, `float`, `bool` or `None`.
pub(crate) fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => {
            if let Some(whole) = number.as_i64() {
                whole.into_pyobject(py)?.into_any()
            } else if let Some(whole) = number.as_u64() {
                whole.into_pyobject(py)?.into_any()
            } else {
                number
                    .as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any()
            }
        }
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let mut converted = Vec::with_capacity(items.len());
            for item in items {
                converted.push(json_to_py(py, item)?);
            }
            PyList::new(py, converted)?.into_any()
        }
        Value::Object(object) => object_to_py(py, object)?.into_any(),
    })
}

fn object_to_py<'py>(py: Python<'py>, object: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in object {
        dict.set_item(key, json_to_py(py, value)?)?;
    }
    Ok(dict)
}

/// A problem as the dict that `ValidationError.errors()` returns: `code`,
/// `path` as a tuple, `message` and `params`.
pub(crate) fn problem_to_py<'py>(
    py: Python<'py>,
    problem: &Problem,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    dict.set_item("code", problem.code.as_str())?;
    let mut segments = Vec::with_capacity(problem.path.segments().len());
    for segment in problem.path.segments() {
        segments.push(match segment {
            PathSegment::Key(key) => PyString::new(py, key).into_any(),
            PathSegment::Index(index) => index.into_pyobject(py)?.into_any(),
        });
    }
    dict.set_item("path", PyTuple::new(py, segments)?)?;
    dict.set_item("message", &problem.message)?;
    let params = PyDict::new(py);
    for (name, value) in &problem.params {
        params.set_item(name, json_to_py(py, value)?)?;
    }
    dict.set_item("params", params)?;
    Ok(dict)
}
