//! Input records: one definition per record type gives its JSON form, its CSV
//! row and its validation.
//!
//! A [`Record`] lists its fields ([`FieldSpec`]), reads them through a
//! [`FieldReader`] from either a JSON object or a CSV row, writes them through
//! a [`FieldWriter`], and checks the rules that span several fields in
//! [`Record::check`]. Reading reports every problem of a record, not only the
//! first.

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use crate::field::{FieldValue, Invalid, WholeNumber, trim_spaces};
use crate::problem::{Code, Path, PathSegment, Problem, Problems, codes};

/// The description of one field, for documentation and for checking CSV
/// headers and JSON keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The field name, the same in JSON and CSV.
    pub name: &'static str,
    /// Whether the field must be present.
    pub required: bool,
}

impl FieldSpec {
    /// A required field.
    pub const fn required(name: &'static str) -> Self {
        Self {
            name,
            required: true,
        }
    }

    /// An optional field.
    pub const fn optional(name: &'static str) -> Self {
        Self {
            name,
            required: false,
        }
    }
}

/// Field names that hold personal data. `xuetong` stores none of them, and
/// rejects inputs that carry them rather than drop them unnoticed.
pub const PERSONAL_DATA_FIELDS: &[&str] = &[
    "phone",
    "phone_number",
    "mobile",
    "telephone",
    "email",
    "national_id",
    "id_card",
    "id_number",
    "passport",
    "address",
];

/// A flat input record with a JSON form and a CSV row.
pub trait Record: Sized {
    /// The record kind in singular, such as `learner`.
    const KIND: &'static str;

    /// The fields in the order of the CSV columns.
    const FIELDS: &'static [FieldSpec];

    /// Reads the fields and builds the record, or returns `None` when a
    /// required field is missing or a field is invalid (the reader then holds
    /// the problems).
    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self>;

    /// Writes the fields that have a value.
    fn write_fields(&self, writer: &mut FieldWriter);

    /// Checks the rules that span several fields, reporting problems at paths
    /// under `path`.
    fn check(&self, path: &Path, problems: &mut Problems) {
        let _ = (path, problems);
    }

    /// Validates the record and returns every problem found.
    fn validate(&self) -> Problems {
        let mut problems = Problems::new();
        self.check(&Path::root(), &mut problems);
        problems
    }

    /// Reads a record from its JSON form, reporting problems under `path`.
    ///
    /// # Errors
    ///
    /// Returns every problem found: fields that are missing, unknown or
    /// invalid, and broken rules between fields.
    fn from_json(value: &Value, path: &Path) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let Value::Object(object) = value else {
            problems.push(
                Problem::new(codes::INVALID_TYPE, path.clone())
                    .with("field", Self::KIND)
                    .with("expected", "an object")
                    .with("value", json_kind(value)),
            );
            return Err(problems);
        };
        for key in object.keys() {
            if Self::FIELDS.iter().any(|spec| spec.name == key) {
                continue;
            }
            problems.push(unknown_field_problem(key, path.join(key.clone())));
        }
        let record = {
            let mut reader = FieldReader::new(Cells::Json(object), path.clone(), &mut problems);
            Self::read_fields(&mut reader)
        };
        match record {
            Some(record) => {
                record.check(path, &mut problems);
                problems.into_result(record)
            }
            None => Err(problems),
        }
    }

    /// Writes the JSON form of the record.
    fn to_json(&self) -> Value {
        let mut writer = FieldWriter::with_forms(false, true);
        self.write_fields(&mut writer);
        let mut object = Map::new();
        for (name, value) in writer.names.into_iter().zip(writer.json) {
            object.insert(name.to_owned(), value);
        }
        Value::Object(object)
    }

    /// The CSV cells of the record, in the order of [`Record::FIELDS`]; a
    /// field without a value is an empty cell.
    fn to_csv_cells(&self) -> Vec<String> {
        let mut writer = FieldWriter::with_forms(true, false);
        self.write_fields(&mut writer);
        writer.csv_cells(Self::FIELDS).map(str::to_owned).collect()
    }
}

/// Reports every key of `object` that is not in `known`, at `path` joined
/// with the key, and returns whether there was one. Every reader of JSON
/// objects uses it, so that a misspelt field is never silently ignored.
pub(crate) fn check_known_fields(
    object: &Map<String, Value>,
    known: &[&str],
    path: &Path,
    problems: &mut Problems,
) -> bool {
    let before = problems.len();
    for key in object.keys() {
        if !known.contains(&key.as_str()) {
            problems.push(unknown_field_problem(key, path.join(key.clone())));
        }
    }
    problems.len() > before
}

/// The problem for a field the record does not have, or `personal_data_field`
/// when the name is one of [`PERSONAL_DATA_FIELDS`].
pub(crate) fn unknown_field_problem(name: &str, path: Path) -> Problem {
    let normalized = name.trim().to_ascii_lowercase();
    let code = if PERSONAL_DATA_FIELDS.contains(&normalized.as_str()) {
        codes::PERSONAL_DATA_FIELD
    } else {
        codes::UNKNOWN_FIELD
    };
    Problem::new(code, path).with("field", name)
}

/// Names the kind of a JSON value, for messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Where a reader finds the fields of one record.
#[derive(Debug)]
pub enum Cells<'a> {
    /// A JSON object.
    Json(&'a Map<String, Value>),
    /// A CSV row: the cell of each field of [`Record::FIELDS`], by position,
    /// `None` when the file has no such column.
    Csv {
        /// The field names, in the order of `cells`.
        fields: &'static [FieldSpec],
        /// The cells, trimmed.
        cells: Vec<Option<&'a str>>,
    },
}

/// Reads the fields of one record, collecting problems.
#[derive(Debug)]
pub struct FieldReader<'a> {
    cells: Cells<'a>,
    path: Path,
    problems: &'a mut Problems,
    failed: bool,
    next_field: std::cell::Cell<usize>,
}

/// One field as found in the input, before it is read.
#[derive(Clone, Copy)]
enum Raw<'a> {
    Absent,
    Text(&'a str),
    Json(&'a Value),
}

impl<'a> FieldReader<'a> {
    /// A reader over `cells` that reports problems under `path`.
    pub fn new(cells: Cells<'a>, path: Path, problems: &'a mut Problems) -> Self {
        Self {
            cells,
            path,
            problems,
            failed: false,
            next_field: std::cell::Cell::new(0),
        }
    }

    fn raw(&self, name: &str) -> Raw<'a> {
        match &self.cells {
            Cells::Json(object) => match object.get(name) {
                None | Some(Value::Null) => Raw::Absent,
                Some(Value::String(text)) if trim_spaces(text).is_empty() => Raw::Absent,
                Some(value) => Raw::Json(value),
            },
            Cells::Csv { fields, cells } => {
                // Records read their fields in declaration order, so the field
                // after the last one found is checked first.
                let hint = self.next_field.get();
                let position = match fields.get(hint) {
                    Some(spec) if same_name(spec.name, name) => Some(hint),
                    _ => fields.iter().position(|spec| same_name(spec.name, name)),
                };
                if let Some(position) = position {
                    self.next_field.set(position + 1);
                }
                match position.and_then(|position| cells.get(position).copied().flatten()) {
                    Some(text) if !text.is_empty() => Raw::Text(text),
                    _ => Raw::Absent,
                }
            }
        }
    }

    /// Whether the field has a non-empty value.
    pub fn has(&self, name: &str) -> bool {
        !matches!(self.raw(name), Raw::Absent)
    }

    /// Reads a required field; reports `required` when it is absent.
    pub fn required<T: FieldValue>(&mut self, name: &'static str) -> Option<T> {
        let raw = self.raw(name);
        if let Raw::Absent = raw {
            self.report(Problem::new(codes::REQUIRED, self.path.join(name)).with("field", name));
            return None;
        }
        self.read_raw(name, raw)
    }

    /// Reads an optional field: `None` when absent, and also `None` (with a
    /// problem reported) when invalid.
    pub fn optional<T: FieldValue>(&mut self, name: &'static str) -> Option<T> {
        let raw = self.raw(name);
        self.read_raw(name, raw)
    }

    /// Reads a required whole-number field whose valid values are `range`.
    /// A number the type cannot hold, such as `-1` or `1e30`, is reported
    /// as `out_of_range` with the field's own `min` and `max`, not the
    /// type's. A number the type can store is returned even outside `range`,
    /// and [`Record::check`] reports it with the same range: the record is
    /// then built, so the checks that span several fields run too.
    pub fn required_in<T: WholeNumber>(
        &mut self,
        name: &'static str,
        range: RangeInclusive<T>,
    ) -> Option<T> {
        let raw = self.raw(name);
        if let Raw::Absent = raw {
            self.report(Problem::new(codes::REQUIRED, self.path.join(name)).with("field", name));
            return None;
        }
        self.read_raw_in(name, raw, range)
    }

    /// Reads an optional whole-number field whose valid values are `range`,
    /// as [`FieldReader::required_in`] does.
    pub fn optional_in<T: WholeNumber>(
        &mut self,
        name: &'static str,
        range: RangeInclusive<T>,
    ) -> Option<T> {
        let raw = self.raw(name);
        self.read_raw_in(name, raw, range)
    }

    /// Reads a whole-number field whose valid values are `range`, as
    /// [`FieldReader::required_in`] does, with a default for when it is
    /// absent.
    pub fn defaulted_in<T: WholeNumber>(
        &mut self,
        name: &'static str,
        default: T,
        range: RangeInclusive<T>,
    ) -> Option<T> {
        match self.raw(name) {
            Raw::Absent => Some(default),
            raw => self.read_raw_in(name, raw, range),
        }
    }

    /// Reads the whole-number field `name` found as `raw`, naming `range`
    /// in an `out_of_range` problem.
    fn read_raw_in<T: WholeNumber>(
        &mut self,
        name: &'static str,
        raw: Raw<'a>,
        range: RangeInclusive<T>,
    ) -> Option<T> {
        let result = match raw {
            Raw::Absent => return None,
            Raw::Text(text) => T::from_text(text),
            Raw::Json(value) => T::from_json(value),
        };
        let result = result.map_err(|invalid| {
            if invalid.code == codes::OUT_OF_RANGE {
                let (min, max): (u64, u64) = ((*range.start()).into(), (*range.end()).into());
                Invalid::new(codes::OUT_OF_RANGE)
                    .with("min", min)
                    .with("max", max)
            } else {
                invalid
            }
        });
        self.settle(name, raw, result)
    }

    /// Reads the field `name` found as `raw`. Looking a field up once per
    /// read keeps the lookup on the fast path of fields read in order.
    fn read_raw<T: FieldValue>(&mut self, name: &'static str, raw: Raw<'a>) -> Option<T> {
        let result = match raw {
            Raw::Absent => return None,
            Raw::Text(text) => T::from_text(text),
            Raw::Json(value) => T::from_json(value),
        };
        self.settle(name, raw, result)
    }

    /// Returns the value read from `raw`, or reports why it could not be
    /// read and returns `None`.
    fn settle<T>(
        &mut self,
        name: &'static str,
        raw: Raw<'a>,
        result: Result<T, Invalid>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                let shown = match raw {
                    Raw::Text(text) => Value::from(text),
                    Raw::Json(value) => shown_value(value),
                    Raw::Absent => Value::Null,
                };
                let mut problem = Problem::new(invalid.code, self.path.join(name))
                    .with("field", name)
                    .with("value", shown);
                for (param, value) in invalid.params {
                    problem = problem.with(param, value);
                }
                self.report(problem);
                None
            }
        }
    }

    /// Reads an optional field with a default for when it is absent.
    pub fn defaulted<T: FieldValue>(&mut self, name: &'static str, default: T) -> Option<T> {
        match self.raw(name) {
            Raw::Absent => Some(default),
            raw => self.read_raw(name, raw),
        }
    }

    /// Reports a problem found while reading, which makes the record invalid.
    pub fn report(&mut self, problem: Problem) {
        self.failed = true;
        self.problems.push(problem);
    }

    /// Reports `code` on field `name` with the `field` parameter set. A
    /// problem that needs more parameters is built with [`Problem::with`]
    /// (which renders the message) and passed to [`FieldReader::report`].
    pub fn report_field(&mut self, code: Code, name: &'static str) {
        self.report(Problem::new(code, self.path.join(name)).with("field", name));
    }

    /// Whether any field of this record failed to read.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The path of the record.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Returns the cells and the path of the record, ending the reading.
    pub(crate) fn into_parts(self) -> (Cells<'a>, Path) {
        (self.cells, self.path)
    }
}

/// Returns whether two field names are equal. A name passed by
/// `read_fields` and the same name in [`Record::FIELDS`] are usually one
/// string constant, so equal addresses and lengths skip comparing bytes.
fn same_name(field: &str, name: &str) -> bool {
    (std::ptr::eq(field.as_ptr(), name.as_ptr()) && field.len() == name.len()) || field == name
}

/// The value shown in a message: strings as written, anything else as JSON.
pub(crate) fn shown_value(value: &Value) -> Value {
    match value {
        Value::String(text) => Value::String(text.clone()),
        other => Value::String(other.to_string()),
    }
}

/// Collects the fields of a record being written.
///
/// The text forms of the fields are kept back to back in one buffer, so
/// that a writer reused for many records (cleared between them)
/// allocates nothing per field.
#[derive(Debug)]
pub struct FieldWriter {
    /// The name of each field written, in the order written.
    names: Vec<&'static str>,
    /// The text forms of the fields, back to back.
    text: String,
    /// The end of each field's text in `text`.
    text_ends: Vec<usize>,
    /// The JSON form of each field, empty when only text is written.
    json: Vec<Value>,
    text_form: bool,
    json_form: bool,
}

impl Default for FieldWriter {
    fn default() -> Self {
        Self::with_forms(true, true)
    }
}

impl FieldWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes an empty writer for only the requested forms. The other form
    /// of each field stays empty, which saves converting every value twice.
    pub(crate) fn with_forms(text_form: bool, json_form: bool) -> Self {
        Self {
            names: Vec::new(),
            text: String::new(),
            text_ends: Vec::new(),
            json: Vec::new(),
            text_form,
            json_form,
        }
    }

    /// Forgets the fields written so far and keeps the buffers, for the
    /// next record.
    pub(crate) fn clear(&mut self) {
        self.names.clear();
        self.text.clear();
        self.text_ends.clear();
        self.json.clear();
    }

    /// Writes a field.
    pub fn put<T: FieldValue>(&mut self, name: &'static str, value: &T) {
        self.names.push(name);
        if self.text_form {
            value.write_text(&mut self.text);
        }
        self.text_ends.push(self.text.len());
        if self.json_form {
            self.json.push(value.to_json());
        }
    }

    /// Writes a field when it has a value.
    pub fn put_opt<T: FieldValue>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.put(name, value);
        }
    }

    /// Writes a list field when it is not empty.
    pub fn put_list<T: FieldValue>(&mut self, name: &'static str, values: &Vec<T>) {
        if !values.is_empty() {
            self.put(name, values);
        }
    }

    /// Returns the text of the field written at `index`.
    fn text_at(&self, index: usize) -> &str {
        let start = match index {
            0 => 0,
            _ => self.text_ends[index - 1],
        };
        &self.text[start..self.text_ends[index]]
    }

    /// Returns the CSV cell of each of `fields`, in their order: the text
    /// of the field written under that name, or an empty cell.
    ///
    /// Records write their fields in the order of [`Record::FIELDS`] and
    /// each at most once, so the field after the last one found is checked
    /// first. Fields written in another order are found by a search.
    pub(crate) fn csv_cells<'s>(
        &'s self,
        fields: &'static [FieldSpec],
    ) -> impl Iterator<Item = &'s str> + 's {
        let mut next = 0;
        fields.iter().map(move |spec| {
            let position = match self.names.get(next) {
                Some(&name) if name == spec.name => Some(next),
                _ => self.names.iter().position(|&name| name == spec.name),
            };
            match position {
                Some(position) => {
                    next = position + 1;
                    self.text_at(position)
                }
                None => "",
            }
        })
    }
}

/// Reads a JSON list of records, reporting problems under `path` with the
/// index of each item.
///
/// # Errors
///
/// Returns every problem of every item when any item is invalid.
pub fn list_from_json<T: Record>(value: &Value, path: &Path) -> Result<Vec<T>, Problems> {
    let Value::Array(items) = value else {
        return Err(Problem::new(codes::INVALID_TYPE, path.clone())
            .with("field", path_tail(path))
            .with("expected", "a list")
            .with("value", json_kind(value))
            .into());
    };
    let mut problems = Problems::new();
    let mut records = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match T::from_json(item, &path.join(index)) {
            Ok(record) => records.push(record),
            Err(found) => problems.extend(found),
        }
    }
    problems.into_result(records)
}

/// Reads every item of the JSON list `value` as a `T` and returns each item
/// read with its index in the list. An item that is not a `T` is reported
/// at its index under `path`, and a value that is not a list at `path`, each
/// naming `field`. Unlike a list field, which skips empty items, every item
/// must be a `T`.
pub(crate) fn read_items<T: FieldValue>(
    value: &Value,
    field: &str,
    path: &Path,
    problems: &mut Problems,
) -> Vec<(usize, T)> {
    let invalid_at = |invalid: Invalid, path: Path, value: &Value| {
        let mut problem = Problem::new(invalid.code, path)
            .with("field", field)
            .with("value", shown_value(value));
        for (name, value) in invalid.params {
            problem = problem.with(name, value);
        }
        problem
    };
    let Value::Array(items) = value else {
        let invalid = Invalid::wrong_type(Vec::<T>::EXPECTED);
        problems.push(invalid_at(invalid, path.clone(), value));
        return Vec::new();
    };
    let mut read = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match T::from_json(item) {
            Ok(item) => read.push((index, item)),
            Err(invalid) => problems.push(invalid_at(invalid, path.join(index), item)),
        }
    }
    read
}

/// The last key of a path, for the `field` parameter of messages.
pub(crate) fn path_tail(path: &Path) -> String {
    path.segments()
        .iter()
        .rev()
        .find_map(|segment| match segment {
            PathSegment::Key(key) => Some(key.to_string()),
            PathSegment::Index(_) => None,
        })
        .unwrap_or_else(|| "input".to_owned())
}

/// Implements serde's `Serialize` and `Deserialize` for a [`Record`] through
/// its JSON form, so that the serde form and the validated form are one.
#[macro_export]
#[doc(hidden)]
macro_rules! record_serde {
    ($($ty:ty),* $(,)?) => {$(
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::record::Record::to_json(self).serialize(serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = ::serde_json::Value::deserialize(deserializer)?;
                <$ty as $crate::record::Record>::from_json(&value, &$crate::problem::Path::root())
                    .map_err(::serde::de::Error::custom)
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;
    use serde_json::json;

    #[test]
    fn field_names_compared_by_text() {
        let copied = String::from("seats");
        assert!(same_name("seats", "seats"));
        assert!(same_name("seats", &copied));
        assert!(!same_name("seats", "seat"));
        // A name that starts where a field's does but is shorter.
        let field = "seats";
        assert!(!same_name(field, &field[..4]));
    }

    #[test]
    fn csv_fields_read_from_copied_names() {
        let name = String::from("name");
        let seats = String::from("seats");
        let fields: &'static [FieldSpec] = Sample::FIELDS;
        let mut problems = Problems::new();
        let cells = Cells::Csv {
            fields,
            cells: vec![Some("Ada"), Some("12")],
        };
        let reader = FieldReader::new(cells, path!["sample"], &mut problems);

        assert!(matches!(reader.raw(&seats), Raw::Text("12")));
        assert!(matches!(reader.raw(&name), Raw::Text("Ada")));
        assert!(matches!(reader.raw("missing"), Raw::Absent));
    }

    #[derive(Debug, PartialEq)]
    struct Sample {
        name: String,
        seats: Option<u32>,
    }

    impl Record for Sample {
        const KIND: &'static str = "sample";
        const FIELDS: &'static [FieldSpec] =
            &[FieldSpec::required("name"), FieldSpec::optional("seats")];

        fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
            let name = reader.required("name");
            let seats = reader.optional("seats");
            if reader.failed() {
                return None;
            }
            Some(Self { name: name?, seats })
        }

        fn write_fields(&self, writer: &mut FieldWriter) {
            writer.put("name", &self.name);
            writer.put_opt("seats", &self.seats);
        }
    }

    fn codes_and_paths(problems: &Problems) -> Vec<(String, String)> {
        problems
            .iter()
            .map(|problem| (problem.code.to_string(), problem.path.to_string()))
            .collect()
    }

    #[test]
    fn every_problem_is_reported() {
        let input = json!({"seats": "many", "phone": "13800000000", "colour": "red"});
        let problems = Sample::from_json(&input, &path!["rooms", 2usize]).unwrap_err();
        let found = codes_and_paths(&problems);
        assert!(found.contains(&("required".into(), "rooms[2].name".into())));
        assert!(found.contains(&("invalid_integer".into(), "rooms[2].seats".into())));
        assert!(found.contains(&("personal_data_field".into(), "rooms[2].phone".into())));
        assert!(found.contains(&("unknown_field".into(), "rooms[2].colour".into())));
        assert_eq!(found.len(), 4);
    }

    #[test]
    fn json_and_csv_agree() {
        let record = Sample {
            name: "Zoë O'Brien-张".into(),
            seats: Some(12),
        };
        assert_eq!(
            record.to_json(),
            json!({"name": "Zoë O'Brien-张", "seats": 12})
        );
        assert_eq!(
            record.to_csv_cells(),
            vec!["Zoë O'Brien-张".to_owned(), "12".into()]
        );
        let back = Sample::from_json(&record.to_json(), &Path::root()).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn null_and_blank_mean_absent() {
        let record = Sample::from_json(&json!({"name": "A", "seats": null}), &Path::root());
        assert_eq!(record.unwrap().seats, None);
        let blank = Sample::from_json(&json!({"name": "  "}), &Path::root()).unwrap_err();
        assert_eq!(blank.0[0].code, codes::REQUIRED);
    }
}
