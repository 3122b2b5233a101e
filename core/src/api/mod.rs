//! The JSON operation API: every operation of the library, callable by name
//! with a JSON request and answering with a JSON response.
//!
//! The Python and WebAssembly bindings, the command line and the shared test
//! vectors all go through [`call`], so they see the same types and the same
//! problems.
//!
//! # Request
//!
//! ```json
//! {"format": "xuetong.request/1", "locale": "zh-CN", "input": {...}, "options": {...}}
//! ```
//!
//! `format` is optional; when present it must be `xuetong.request/1`.
//! `locale` (`en` by default, or `zh-CN`) picks the language of problem
//! messages. `input` is the operation's input, and problem paths start at it.
//! `options` holds operation settings and may be left out.
//!
//! # Response
//!
//! ```json
//! {"format": "xuetong.response/1", "ok": true, "value": {...}}
//! {"format": "xuetong.response/1", "ok": false, "problems": [{"code": ..., "path": [...], "message": ..., "params": {...}}]}
//! ```
//!
//! # Example
//!
//! ```
//! let response = xuetong::api::call(
//!     "validate_learner",
//!     r#"{"locale": "zh-CN", "input": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e"}}"#,
//! );
//! let response: serde_json::Value = serde_json::from_str(&response).unwrap();
//! assert_eq!(response["ok"], false);
//! assert_eq!(response["problems"][0]["code"], "required");
//! assert_eq!(response["problems"][0]["path"], serde_json::json!(["display_name"]));
//! assert_eq!(response["problems"][0]["message"], "缺少必填字段 display_name");
//! ```

mod attendance;
mod catalogue;
#[cfg(feature = "full-api")]
mod club;
#[cfg(feature = "full-api")]
mod credit;
#[cfg(feature = "full-api")]
mod enrolment;
#[cfg(feature = "full-api")]
mod index;
mod request_text;
#[cfg(feature = "full-api")]
mod schedule;
#[cfg(feature = "full-api")]
mod season;
#[cfg(feature = "full-api")]
mod stats;
mod validate;

pub use request_text::{parse_json_document, parse_request};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::problem::{Locale, Path, Problem, Problems};

/// The `format` of a request document.
pub const REQUEST_FORMAT: &str = "xuetong.request/1";
/// The `format` of a response document.
pub const RESPONSE_FORMAT: &str = "xuetong.response/1";

/// What an operation receives: its input and options, already separated
/// from the envelope.
#[derive(Debug)]
pub struct Request<'a> {
    /// The operation's input.
    pub input: &'a Value,
    /// The operation's options: an object, empty when the request has none.
    pub options: &'a Map<String, Value>,
    /// The language of problem messages.
    pub locale: Locale,
}

/// The function behind an operation.
pub type Handler = fn(&Request<'_>) -> Result<Value, Problems>;

/// One operation of the API.
#[derive(Debug)]
pub struct Operation {
    /// The name it is called by.
    pub name: &'static str,
    /// What it does, in one sentence.
    pub summary: &'static str,
    /// The function that runs it.
    pub handler: Handler,
}

/// Every module's operations. A module with operations adds its slice here.
static ALL: &[&[Operation]] = &[
    catalogue::OPERATIONS,
    validate::OPERATIONS,
    #[cfg(feature = "full-api")]
    club::OPERATIONS,
    #[cfg(feature = "full-api")]
    index::OPERATIONS,
    #[cfg(feature = "full-api")]
    stats::OPERATIONS,
    #[cfg(feature = "full-api")]
    credit::OPERATIONS,
    #[cfg(feature = "full-api")]
    schedule::OPERATIONS,
    #[cfg(feature = "full-api")]
    enrolment::OPERATIONS,
    attendance::OPERATIONS,
    #[cfg(feature = "full-api")]
    season::OPERATIONS,
];

/// Every operation, in the order they are documented.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    ALL.iter().flat_map(|operations| operations.iter())
}

/// The result of an operation.
#[derive(Clone, Debug, PartialEq)]
pub enum Response {
    /// The operation succeeded with this value.
    Ok(Value),
    /// The request or its input had these problems.
    Problems(Problems),
}

impl Response {
    /// The JSON form of the response.
    pub fn to_json(&self) -> Value {
        self.clone().into_json()
    }

    /// The JSON form of the response, moving the value instead of copying
    /// it.
    pub fn into_json(self) -> Value {
        let mut object = Map::new();
        object.insert("format".into(), RESPONSE_FORMAT.into());
        match self {
            Response::Ok(value) => {
                object.insert("ok".into(), true.into());
                object.insert("value".into(), value);
            }
            Response::Problems(problems) => {
                object.insert("ok".into(), false.into());
                object.insert(
                    "problems".into(),
                    serde_json::to_value(&problems).unwrap_or(Value::Array(Vec::new())),
                );
            }
        }
        Value::Object(object)
    }
}

/// Runs `operation` on a request given as JSON text and returns the
/// response as JSON text. Never panics on any input: every failure is a
/// response with problems.
pub fn call(operation: &str, request: &str) -> String {
    let response = match parse_request(request) {
        Ok(request) => call_value(operation, &request),
        Err(problem) => Response::Problems(problem.into()),
    };
    let json = response.into_json();
    serde_json::to_string(&json).unwrap_or_else(|_| json.to_string())
}

/// Returns the `malformed_json` problem of a request that is not UTF-8
/// text, whose first invalid byte is at `offset`. [`call`] takes text, so a
/// caller that reads bytes reports them with this instead of replacing
/// them with U+FFFD.
pub fn not_utf8_problem(offset: usize) -> Problem {
    Problem::new(crate::problem::codes::MALFORMED_JSON, Path::root()).with(
        "detail",
        format!("byte {offset} is not UTF-8; save the request as UTF-8 text"),
    )
}

/// Runs `operation` on a request given as a JSON value.
pub fn call_value(operation: &str, request: &Value) -> Response {
    let locale = request_locale(request);
    let result = run(operation, request);
    match result {
        Ok(value) => Response::Ok(value),
        Err(mut problems) => {
            problems.localize(locale.unwrap_or_default());
            Response::Problems(problems)
        }
    }
}

/// The locale a request asks for, when it names a valid one.
fn request_locale(request: &Value) -> Option<Locale> {
    request.get("locale")?.as_str().and_then(Locale::parse)
}

fn run(operation: &str, request: &Value) -> Result<Value, Problems> {
    let Some(found) = operations().find(|candidate| candidate.name == operation) else {
        return Err(Problem::new(codes::UNKNOWN_OPERATION, Path::root())
            .with("operation", operation)
            .into());
    };
    let empty = Map::new();
    let envelope = read_envelope(request, &empty)?;
    (found.handler)(&envelope)
}

/// Separates a request envelope into its parts, reporting every problem of
/// the envelope itself.
fn read_envelope<'a>(
    request: &'a Value,
    empty: &'a Map<String, Value>,
) -> Result<Request<'a>, Problems> {
    let invalid =
        |detail: String| Problem::new(codes::INVALID_REQUEST, Path::root()).with("detail", detail);
    let Value::Object(object) = request else {
        return Err(invalid("the request must be a JSON object with an input field".into()).into());
    };
    let mut problems = Problems::new();
    for key in object.keys() {
        if !matches!(key.as_str(), "format" | "locale" | "input" | "options") {
            problems.push(invalid(format!(
                "unknown request field \"{key}\"; a request has format, locale, input and options"
            )));
        }
    }
    match object.get("format") {
        None => {}
        Some(Value::String(format)) if format == REQUEST_FORMAT => {}
        Some(other) => problems.push(
            Problem::new(
                crate::problem::codes::UNSUPPORTED_FORMAT,
                Path::root().join("format"),
            )
            .with("expected", REQUEST_FORMAT)
            .with(
                "value",
                other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned),
            ),
        ),
    }
    let locale = match object.get("locale") {
        None => Locale::En,
        Some(Value::String(tag)) => Locale::parse(tag).unwrap_or_else(|| {
            problems.push(invalid(format!(
                "locale must be \"en\" or \"zh-CN\", got \"{tag}\""
            )));
            Locale::En
        }),
        Some(other) => {
            problems.push(invalid(format!(
                "locale must be \"en\" or \"zh-CN\", got {other}"
            )));
            Locale::En
        }
    };
    let options = match object.get("options") {
        None | Some(Value::Null) => empty,
        Some(Value::Object(options)) => options,
        Some(other) => {
            problems.push(invalid(format!("options must be an object, got {other}")));
            empty
        }
    };
    let input = match object.get("input") {
        Some(input) => input,
        None => {
            problems.push(invalid("the request has no input field".into()));
            &Value::Null
        }
    };
    problems.into_result(Request {
        input,
        options,
        locale,
    })
}

/// Reads an option of an operation, reporting an invalid one under the path
/// `["options", name]`.
///
/// # Errors
///
/// Returns `invalid_request` when the option does not have the expected form.
pub fn option<T: for<'de> Deserialize<'de>>(
    request: &Request<'_>,
    name: &'static str,
) -> Result<Option<T>, Problems> {
    match request.options.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|error| {
                Problem::new(
                    codes::INVALID_REQUEST,
                    Path::root().join("options").join(name),
                )
                .with("detail", format!("option {name}: {error}"))
                .into()
            }),
    }
}

/// Returns option `name` when it has a value. As with a record field, the
/// option counts as left out when it is missing, `null`, or a string that
/// is empty once trimmed as CSV cells are.
pub(crate) fn option_value<'a>(request: &Request<'a>, name: &str) -> Option<&'a Value> {
    request
        .options
        .get(name)
        .filter(|value| !is_left_out(value))
}

/// Returns whether a JSON value counts as no value, as it does in a record
/// field: `null`, or a string that is empty once trimmed as CSV cells are.
pub(crate) fn is_left_out(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => crate::field::trim_spaces(text).is_empty(),
        _ => false,
    }
}

/// Reads an option given as a JSON object in the form of record `T`, such
/// as a statistics period, with its problems under `["options", name]`.
#[cfg(feature = "full-api")]
fn record_option<T: crate::record::Record>(
    request: &Request<'_>,
    name: &'static str,
) -> Result<Option<T>, Problems> {
    match request.options.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::from_json(value, &Path::root().join("options").join(name)).map(Some),
    }
}

/// Reads option `name` as a record field of type `T` is read: a date, a
/// number, a flag, an id, a time zone, a choice or free text, trimmed as
/// CSV cells are. An empty string is the option left out.
///
/// # Errors
///
/// Returns the problem that a record field with the same value gets, with
/// the same code (such as `invalid_date`) and parameters, under the path
/// `["options", name]`.
pub fn field_option<T: crate::field::FieldValue>(
    request: &Request<'_>,
    name: &'static str,
) -> Result<Option<T>, Problems> {
    let Some(value) = option_value(request, name) else {
        return Ok(None);
    };
    T::from_json(value).map(Some).map_err(|invalid| {
        field_problem(
            Path::root().join("options").join(name),
            name,
            value,
            invalid,
        )
        .into()
    })
}

/// Returns the problem of field `name`, given as the JSON `value` at `path`,
/// that could not be read: the code and parameters of `invalid`, with the
/// field's name and value as a record field reports them.
fn field_problem(
    path: Path,
    name: &'static str,
    value: &Value,
    invalid: crate::field::Invalid,
) -> Problem {
    let value_text = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    let mut problem = Problem::new(invalid.code, path)
        .with("field", name)
        .with("value", value_text);
    for (param, param_value) in invalid.params {
        problem = problem.with(param, param_value);
    }
    problem
}

/// Reads option `name` as [`field_option`] does, but adds a problem to
/// `problems` and returns `None` for an invalid option.
fn read_option<T: crate::field::FieldValue>(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    field_option(request, name).unwrap_or_else(|found| {
        problems.extend(found);
        None
    })
}

/// Serializes an operation's result, reporting a failure (which would be a
/// bug) as a problem instead of panicking.
pub fn to_value<T: Serialize>(value: &T) -> Result<Value, Problems> {
    serde_json::to_value(value).map_err(|error| {
        Problem::new(codes::INVALID_REQUEST, Path::root())
            .with(
                "detail",
                format!("the result could not be written as JSON: {error}"),
            )
            .into()
    })
}

/// Codes of the request envelope.
pub mod codes {
    crate::define_codes! {
        /// An operation name that the API does not have.
        UNKNOWN_OPERATION = "unknown_operation",
            en: "unknown operation \"{operation}\"; call list_operations for the operations there are",
            zh: "未知操作“{operation}”；调用 list_operations 查看可用操作";
        /// A request envelope that is not as documented.
        INVALID_REQUEST = "invalid_request",
            en: "invalid request: {detail}",
            zh: "请求无效：{detail}";
    }
}
