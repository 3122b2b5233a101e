//! Parsing of request text and JSON documents. RFC 8259 leaves the meaning
//! of an object with a repeated key to each parser, and `serde_json` 1.0
//! keeps the last value, so a request that gives `input` twice would run
//! silently on the second one. This parser rejects a repeated key at its
//! path instead.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

use crate::problem::{Path, PathSegment, Problem, codes};

/// Parses request text into a JSON value. Text that is not JSON, or that
/// gives a key twice in one object, is a `malformed_json` problem. A repeated
/// key is reported at its own path, which starts inside `input` as every
/// problem path of a request does, and at the root for a repeated key of the
/// request object itself.
pub fn parse_request(text: &str) -> Result<Value, Problem> {
    parse_strict(text, request_path)
}

/// Parses the text of a JSON document, such as a rule file, into a JSON
/// value. Text that is not JSON, or that gives a key twice in one object,
/// is a `malformed_json` problem. A repeated key is reported at its path
/// from the document's root, and a syntax error at the root.
///
/// # Errors
///
/// A `malformed_json` problem whose `detail` gives the line and column.
///
/// # Example
///
/// ```
/// use xuetong::api::parse_json_document;
/// use xuetong::path;
///
/// let problem = parse_json_document(r#"{"rules": [{"id": "a", "id": "b"}]}"#).unwrap_err();
/// assert_eq!(problem.code.as_str(), "malformed_json");
/// assert_eq!(problem.path, path!["rules", 0_usize, "id"]);
/// ```
pub fn parse_json_document(text: &str) -> Result<Value, Problem> {
    parse_strict(text, Path)
}

/// Parses `text`, turning the path of a repeated key (its segments from
/// the root) into a problem path with `to_path`.
fn parse_strict(text: &str, to_path: fn(Vec<PathSegment>) -> Path) -> Result<Value, Problem> {
    let repeated = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = StrictValue {
        repeated: &repeated,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|error| {
        let Some(mut segments) = repeated.into_inner() else {
            return Problem::new(codes::MALFORMED_JSON, Path::root())
                .with("detail", error.to_string());
        };
        // serde_json ends its message with the position, so the detail is
        // written here to put the position before the advice.
        let key = match segments.first() {
            Some(PathSegment::Key(key)) => Value::String(key.to_string()).to_string(),
            _ => String::new(),
        };
        let detail = format!(
            "key {key} is given twice in one object, the second time at line {} column {}; keep one",
            error.line(),
            error.column()
        );
        segments.reverse();
        Problem::new(codes::MALFORMED_JSON, to_path(segments)).with("detail", detail)
    })
}

/// Turns the segments of a repeated key, from the root, into the problem
/// path of a request: the `input` prefix is dropped, and a key of the
/// request object itself points at the root.
fn request_path(mut segments: Vec<PathSegment>) -> Path {
    match segments.first() {
        Some(PathSegment::Key(key)) if segments.len() > 1 && key == "input" => {
            Path(segments.split_off(1))
        }
        _ if segments.len() == 1 => Path::root(),
        _ => Path(segments),
    }
}

/// A JSON value that rejects a repeated key. On that error, `repeated`
/// receives the repeated key and then, as the error passes up, the key or
/// index of each enclosing value, innermost first. A value that parses
/// costs no path bookkeeping.
struct StrictValue<'a> {
    repeated: &'a RefCell<Option<Vec<PathSegment>>>,
}

impl StrictValue<'_> {
    /// Adds an enclosing segment to the path of a repeated key, when the
    /// error being passed up is one.
    fn enclose(&self, segment: PathSegment) {
        if let Some(segments) = self.repeated.borrow_mut().as_mut() {
            segments.push(segment);
        }
    }
}

impl<'de> DeserializeSeed<'de> for StrictValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // The JSON grammar has no NaN or infinity, so this is never null.
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut list = Vec::with_capacity(items.size_hint().unwrap_or(0));
        loop {
            let seed = StrictValue {
                repeated: self.repeated,
            };
            match items.next_element_seed(seed) {
                Ok(Some(item)) => list.push(item),
                Ok(None) => return Ok(Value::Array(list)),
                Err(error) => {
                    self.enclose(PathSegment::from(list.len()));
                    return Err(error);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let slot = match object.entry(key) {
                Entry::Vacant(slot) => slot,
                Entry::Occupied(taken) => {
                    let key = taken.key().clone();
                    *self.repeated.borrow_mut() = Some(vec![PathSegment::from(key)]);
                    // parse_request writes the detail from the key.
                    return Err(de::Error::custom("repeated key"));
                }
            };
            let seed = StrictValue {
                repeated: self.repeated,
            };
            match entries.next_value_seed(seed) {
                Ok(value) => {
                    slot.insert(value);
                }
                Err(error) => {
                    self.enclose(PathSegment::from(slot.key().clone()));
                    return Err(error);
                }
            }
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::path;

    fn repeated_at(text: &str) -> Path {
        let problem = parse_request(text).expect_err("a repeated key");
        assert_eq!(problem.code, codes::MALFORMED_JSON);
        problem.path
    }

    #[test]
    fn parses_like_serde_json() {
        let text = r#"{"input": {"a": [1, -2, 2.5, 1e300, true, null, "x\u00e9"], "b": {}},
            "options": {"n": 18446744073709551615}}"#;
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(parse_request(text).unwrap(), expected);
        assert_eq!(parse_request("[]").unwrap(), json!([]));
    }

    #[test]
    fn repeated_key_paths() {
        assert_eq!(repeated_at(r#"{"input": 1, "input": 2}"#), Path::root());
        assert_eq!(
            repeated_at(r#"{"input": {"title": "a", "title": "b"}}"#),
            path!["title"]
        );
        assert_eq!(
            repeated_at(r#"{"input": {"sessions": [{}, {"id": 1, "id": 1}]}}"#),
            path!["sessions", 1_usize, "id"]
        );
        assert_eq!(
            repeated_at(r#"{"options": {"as_of": "x", "as_of": "y"}}"#),
            path!["options", "as_of"]
        );
    }

    #[test]
    fn repeated_key_detail_ends_with_the_advice() {
        let problem = parse_request("{\"input\": {\"a\": 1,\n \"\\u0061\\\"\": 2, \"a\\\"\": 3}}")
            .expect_err("a repeated key");
        assert_eq!(problem.path, path!["a\""]);
        assert_eq!(
            problem.params.get("detail"),
            Some(&json!(
                "key \"a\\\"\" is given twice in one object, the second time at line 2 column 21; keep one"
            ))
        );
    }

    #[test]
    fn document_keys_keep_full_path() {
        let repeated = |text: &str| parse_json_document(text).unwrap_err().path;
        assert_eq!(repeated(r#"{"id": 1, "id": 2}"#), path!["id"]);
        assert_eq!(
            repeated(r#"{"input": {"id": 1, "id": 2}}"#),
            path!["input", "id"]
        );
        assert_eq!(
            repeated(r#"{"rules": [{}, {"caps": {"a": 1, "a": 2}}]}"#),
            path!["rules", 1_usize, "caps", "a"]
        );
        let syntax = parse_json_document(r#"{"id": }"#).unwrap_err();
        assert_eq!(syntax.path, Path::root());
    }

    #[test]
    fn same_key_in_two_objects_is_fine() {
        let text = r#"{"input": [{"id": 1}, {"id": 2}], "options": {"id": 3}}"#;
        assert!(parse_request(text).is_ok());
    }

    #[test]
    fn syntax_error_is_at_root() {
        let problem = parse_request(r#"{"input": [1, 2}"#).unwrap_err();
        assert_eq!(problem.code, codes::MALFORMED_JSON);
        assert_eq!(problem.path, Path::root());
        let trailing = parse_request(r#"{} x"#).unwrap_err();
        assert_eq!(trailing.path, Path::root());
    }
}
