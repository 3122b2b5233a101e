//! The record classes: `Learner`, `Venue`, `Course`, `Session` and the
//! others, each a frozen wrapper around the core record it mirrors.
//!
//! Constructors take keyword arguments named after the record's fields and
//! convert them (see [`super::convert`]) to the record's JSON form. The
//! core's own reader then reads it, so a record object is always valid, and
//! an invalid one raises `ValidationError` with every problem at once.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::{Map, Value, json};
use xuetong::model;
use xuetong::problem::{Path, Problem, Problems, codes};
use xuetong::record::Record;
use xuetong::schedule::{SessionTimes, session_times};

use super::convert::{escape_surrogates, from_json, instant_to_py, key_not_text, to_json};
use super::errors::{guarded, validation_error};
use crate::tables::schemas::{
    CATEGORIES, CLUB_MEMBERS, CLUBS, COURSES, ENROLMENTS, EXCUSALS, INSTRUCTORS, LEARNERS,
    OUTCOMES, SCANS, SESSIONS, VENUES,
};
use crate::tables::{ColumnKind, TableSchema};

/// A core value that a record class wraps.
pub(crate) trait RecordValue: Clone + PartialEq + Send + Sync + Sized + 'static {
    /// The table whose columns are the record's fields.
    const SCHEMA: &'static TableSchema;
    /// The record kind in singular, such as `learner`.
    const KIND: &'static str;

    /// Reads the record from its JSON form.
    fn read_json(value: &Value) -> Result<Self, Problems>;

    /// Returns the record's JSON form.
    fn json(&self) -> Value;

    /// Returns what equal records share, for `__hash__`: the id, or the key.
    fn hash_key(&self) -> String;

    /// Everything the record holds, for pickling.
    fn state(&self) -> Value {
        self.json()
    }

    /// Restores a record from [`RecordValue::state`].
    fn from_state(state: &Value) -> Result<Self, Problems> {
        Self::read_json(state)
    }
}

macro_rules! plain_record {
    ($($ty:ty => $schema:ident, $key:ident;)*) => {$(
        impl RecordValue for $ty {
            const SCHEMA: &'static TableSchema = &$schema;
            const KIND: &'static str = <$ty as Record>::KIND;

            fn read_json(value: &Value) -> Result<Self, Problems> {
                <$ty as Record>::from_json(value, &Path::root())
            }

            fn json(&self) -> Value {
                Record::to_json(self)
            }

            fn hash_key(&self) -> String {
                self.$key.to_string()
            }
        }
    )*};
}

plain_record! {
    model::Learner => LEARNERS, id;
    model::Venue => VENUES, id;
    model::Instructor => INSTRUCTORS, id;
    model::CategoryDef => CATEGORIES, key;
    model::Club => CLUBS, id;
    model::Course => COURSES, id;
    model::Enrolment => ENROLMENTS, id;
    model::Excusal => EXCUSALS, id;
    model::Outcome => OUTCOMES, id;
    model::Scan => SCANS, id;
}

/// A club membership period has no id of its own: the club, the learner and
/// the day the period began identify it.
impl RecordValue for model::ClubMember {
    const SCHEMA: &'static TableSchema = &CLUB_MEMBERS;
    const KIND: &'static str = <model::ClubMember as Record>::KIND;

    fn read_json(value: &Value) -> Result<Self, Problems> {
        <model::ClubMember as Record>::from_json(value, &Path::root())
    }

    fn json(&self) -> Value {
        Record::to_json(self)
    }

    fn hash_key(&self) -> String {
        format!("{}:{}:{}", self.club_id, self.learner_id, self.joined_on)
    }
}

/// A session with its instants, when its time zone is known.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SessionValue {
    pub(crate) session: model::Session,
    pub(crate) times: Option<SessionTimes>,
}

impl RecordValue for SessionValue {
    const SCHEMA: &'static TableSchema = &SESSIONS;
    const KIND: &'static str = "session";

    /// Reads a session; with its own time zone, also resolves its instants
    /// and reports local times that do not exist and lengths out of range.
    fn read_json(value: &Value) -> Result<Self, Problems> {
        let session = model::Session::from_json(value, &Path::root())?;
        let times = match session.time_zone {
            Some(_) => Some(session_times(&session, None)?),
            None => None,
        };
        Ok(Self { session, times })
    }

    fn json(&self) -> Value {
        Record::to_json(&self.session)
    }

    fn hash_key(&self) -> String {
        self.session.id.to_string()
    }

    fn state(&self) -> Value {
        let times = self.times.map(|times| {
            json!({
                "starts_at": xuetong::field::format_instant(&times.starts_at),
                "ends_at": xuetong::field::format_instant(&times.ends_at),
                "time_zone": times.time_zone.name(),
            })
        });
        json!({"session": self.json(), "times": times})
    }

    fn from_state(state: &Value) -> Result<Self, Problems> {
        let session = model::Session::from_json(&state["session"], &Path::root())?;
        let times = match &state["times"] {
            Value::Null => None,
            times => {
                let instant = |name: &str| {
                    times[name]
                        .as_str()
                        .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
                        .map(|instant| instant.with_timezone(&chrono::Utc))
                };
                let zone = times["time_zone"]
                    .as_str()
                    .and_then(|name| name.parse::<chrono_tz::Tz>().ok());
                match (instant("starts_at"), instant("ends_at"), zone) {
                    (Some(starts_at), Some(ends_at), Some(time_zone)) => Some(SessionTimes {
                        starts_at,
                        ends_at,
                        time_zone,
                    }),
                    _ => {
                        return Err(
                            Problem::new(codes::INVALID_TYPE, Path::root().join("times"))
                                .with("field", "times")
                                .with("expected", "the instants of a pickled session")
                                .with("value", times.to_string())
                                .into(),
                        );
                    }
                }
            }
        };
        Ok(Self { session, times })
    }
}

/// Builds a record from `(field, value)` pairs, raising `ValidationError`
/// with every problem found, after the `problems` already found in the
/// fields given.
pub(crate) fn construct<V: RecordValue>(
    py: Python<'_>,
    fields: Vec<(String, Bound<'_, PyAny>)>,
    mut problems: Problems,
) -> PyResult<V> {
    let mut object = Map::new();
    let mut unconverted = Vec::new();
    for (name, value) in fields {
        let column = V::SCHEMA.column(&name).filter(|column| !column.derived);
        let path = Path::root().join(name.clone());
        let before = problems.len();
        match to_json(&value, column, &path, &mut problems)? {
            Some(json) => {
                object.insert(name, json);
            }
            None if problems.len() > before => unconverted.push(path),
            None => {}
        }
    }
    let record = V::read_json(&Value::Object(object));
    match record {
        Ok(record) if problems.is_empty() => Ok(record),
        Ok(_) => Err(validation_error(py, &problems, &title::<V>())),
        Err(found) => {
            // A field whose value could not be converted was left out, so
            // the core reports it again as missing; keep only the first.
            problems.extend(
                found
                    .into_iter()
                    .filter(|problem| !unconverted.contains(&problem.path)),
            );
            Err(validation_error(py, &problems, &title::<V>()))
        }
    }
}

fn title<V: RecordValue>() -> String {
    format!("invalid {}", V::KIND)
}

/// Returns the `(field, value)` pairs of a mapping, for `from_dict` and `replace`.
/// A key with a surrogate code point, which no field name has, is returned
/// escaped (such as `\udce1`), so that it is reported as an unknown field.
/// A key that is not a `str` is reported in `problems` as `invalid_type` and
/// left out.
pub(crate) fn mapping_fields<'py>(
    mapping: &Bound<'py, PyAny>,
    problems: &mut Problems,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let mut fields = Vec::new();
    for item in mapping.call_method0("items")?.try_iter()? {
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item?.extract()?;
        let Ok(key) = key.cast::<PyString>() else {
            problems.push(key_not_text(&key, &Path::root())?);
            continue;
        };
        let key = match key.to_str() {
            Ok(text) => text.to_owned(),
            Err(_) => escape_surrogates(key)?,
        };
        fields.push((key, value));
    }
    Ok(fields)
}

/// Reads a record from JSON text, raising `ValidationError` for text that is
/// not JSON or a record that is invalid.
pub(crate) fn parse<V: RecordValue>(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<V> {
    let text: String = match data.extract::<Vec<u8>>() {
        Ok(bytes) if !data.is_instance_of::<PyString>() => {
            String::from_utf8_lossy(&bytes).into_owned()
        }
        _ => data.extract()?,
    };
    let value: Value = serde_json::from_str(&text).map_err(|error| {
        let problem =
            Problem::new(codes::MALFORMED_JSON, Path::root()).with("detail", error.to_string());
        validation_error(py, &problem.into(), &title::<V>())
    })?;
    V::read_json(&value).map_err(|problems| validation_error(py, &problems, &title::<V>()))
}

/// Returns the Python value of field `name`.
pub(crate) fn field_value<'py, V: RecordValue>(
    py: Python<'py>,
    record: &V,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let json = record.json();
    field_from_json::<V>(py, &json, name)
}

fn field_from_json<'py, V: RecordValue>(
    py: Python<'py>,
    json: &Value,
    name: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let Some(column) = V::SCHEMA.column(name) else {
        return Ok(py.None().into_bound(py));
    };
    let value = json.get(name);
    if value.is_none() && !column.nullable {
        match column.kind {
            ColumnKind::Boolean => return Ok(false.into_pyobject(py)?.to_owned().into_any()),
            ColumnKind::UuidList => return Ok(pyo3::types::PyList::empty(py).into_any()),
            _ => {}
        }
    }
    from_json(py, value, column.kind)
}

/// Returns every field as a dict, `None` for fields without a value.
pub(crate) fn to_dict<'py, V: RecordValue>(
    py: Python<'py>,
    record: &V,
) -> PyResult<Bound<'py, PyDict>> {
    let json = record.json();
    let dict = PyDict::new(py);
    for column in V::SCHEMA.columns.iter().filter(|column| !column.derived) {
        dict.set_item(column.name, field_from_json::<V>(py, &json, column.name)?)?;
    }
    Ok(dict)
}

/// `ClassName(field=value, ...)` with the fields that have a value.
pub(crate) fn repr<V: RecordValue>(py: Python<'_>, record: &V, class: &str) -> PyResult<String> {
    let json = record.json();
    let mut parts = Vec::new();
    for column in V::SCHEMA.columns.iter().filter(|column| !column.derived) {
        if json.get(column.name).is_none_or(Value::is_null) {
            continue;
        }
        let value = field_from_json::<V>(py, &json, column.name)?;
        parts.push(format!("{}={}", column.name, value.repr()?));
    }
    Ok(format!("{class}({})", parts.join(", ")))
}

/// Hashes the record consistently with equality, because equal records have
/// equal ids.
pub(crate) fn hash<V: RecordValue>(record: &V) -> u64 {
    let mut hasher = DefaultHasher::new();
    V::KIND.hash(&mut hasher);
    record.hash_key().hash(&mut hasher);
    hasher.finish()
}

/// `(xuetong._pickle.restore_record, (kind, state))`.
pub(crate) fn reduce<'py, V: RecordValue>(
    py: Python<'py>,
    record: &V,
) -> PyResult<Bound<'py, PyAny>> {
    let restore = py.import("xuetong._pickle")?.getattr("restore_record")?;
    let arguments = (V::KIND, record.state().to_string());
    Ok((restore, arguments).into_pyobject(py)?.into_any())
}

/// Defines a record class over a [`RecordValue`], with a getter per field.
macro_rules! record_class {
    (
        $(#[doc = $doc:literal])*
        $name:ident($value:ty) { $($field:ident),* $(,)? }
        $({ $($extra:tt)* })?
    ) => {
        $(#[doc = $doc])*
        #[pyclass(module = "xuetong", frozen, eq)]
        #[derive(Clone, Debug, PartialEq)]
        pub struct $name {
            pub(crate) value: $value,
        }

        impl $name {
            pub(crate) fn restore<'py>(py: Python<'py>, state: &Value) -> PyResult<Bound<'py, PyAny>> {
                let value = <$value as RecordValue>::from_state(state).map_err(|problems| {
                    validation_error(py, &problems, "invalid pickled record")
                })?;
                Ok(Bound::new(py, Self { value })?.into_any())
            }
        }

        #[pymethods]
        impl $name {
            #[new]
            #[pyo3(signature = (*, $($field = None),*))]
            #[allow(
                clippy::too_many_arguments,
                reason = "one keyword argument per field of the record"
            )]
            fn new<'py>(py: Python<'py>, $($field: Option<Bound<'py, PyAny>>),*) -> PyResult<Self> {
                guarded(py, || {
                    let mut fields = Vec::new();
                    $(
                        if let Some(value) = $field {
                            fields.push((stringify!($field).to_owned(), value));
                        }
                    )*
                    Ok(Self { value: construct::<$value>(py, fields, Problems::new())? })
                })
            }

            /// Builds the record from a mapping of field names to values, as
            /// the constructor takes them.
            #[classmethod]
            fn from_dict<'py>(
                _class: &Bound<'py, pyo3::types::PyType>,
                py: Python<'py>,
                data: &Bound<'py, PyAny>,
            ) -> PyResult<Self> {
                guarded(py, || {
                    let mut problems = Problems::new();
                    let fields = mapping_fields(data, &mut problems)?;
                    Ok(Self { value: construct::<$value>(py, fields, problems)? })
                })
            }

            /// Reads the record from its JSON form, given as text or bytes.
            #[classmethod]
            fn from_json<'py>(
                _class: &Bound<'py, pyo3::types::PyType>,
                py: Python<'py>,
                data: &Bound<'py, PyAny>,
            ) -> PyResult<Self> {
                guarded(py, || Ok(Self { value: parse::<$value>(py, data)? }))
            }

            /// The record's JSON form as text: the form the JSON operation
            /// API and `from_json` read.
            fn to_json(&self) -> String {
                self.value.json().to_string()
            }

            /// Every field as a dict of Python values, `None` where a field
            /// has no value.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                guarded(py, || to_dict(py, &self.value))
            }

            /// A copy with the given fields changed, validated again.
            #[pyo3(signature = (**changes))]
            fn replace<'py>(
                &self,
                py: Python<'py>,
                changes: Option<Bound<'py, PyDict>>,
            ) -> PyResult<Self> {
                guarded(py, || {
                    let fields = to_dict(py, &self.value)?;
                    if let Some(changes) = changes {
                        fields.update(changes.as_mapping())?;
                    }
                    let mut problems = Problems::new();
                    let fields = mapping_fields(fields.as_any(), &mut problems)?;
                    Ok(Self { value: construct::<$value>(py, fields, problems)? })
                })
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                guarded(py, || repr(py, &self.value, stringify!($name)))
            }

            fn __hash__(&self) -> u64 {
                hash(&self.value)
            }

            fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                reduce(py, &self.value)
            }

            $(
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    guarded(py, || field_value(py, &self.value, stringify!($field)))
                }
            )*

            $($($extra)*)?
        }
    };
}

record_class! {
    /// A resident who registers to learn (学员).
    ///
    /// Holds no phone number, national ID or e-mail: a field such as
    /// ``phone`` raises ``ValidationError`` with ``personal_data_field``.
    /// The id may be left out when ``source_system`` and ``source_key`` are
    /// given: it is then derived from them, so importing the same data twice
    /// gives the same ids. ``birth_date`` is a ``date`` or only a year.
    ///
    /// >>> from xuetong import Learner
    /// >>> learner = Learner(
    /// ...     source_system="oulad", source_key="11391",
    /// ...     display_name="Student 11391", birth_date=1957,
    /// ... )
    /// >>> learner.birth_date
    /// 1957
    /// >>> learner.id == Learner.from_json(learner.to_json()).id
    /// True
    /// >>> learner.replace(display_name="王秀英").display_name
    /// '王秀英'
    Learner(model::Learner) {
        id, source_system, source_key, display_name, birth_date, home_venue_id, registered_on
    }
}

record_class! {
    /// A place where sessions are held, or an institution that provides
    /// courses: a district college, a street adult school, a community
    /// teaching point, a cultural hall or an online venue.
    ///
    /// >>> from xuetong import Venue
    /// >>> venue = Venue(
    /// ...     id="10000000-0000-4000-8000-000000000001",
    /// ...     name="Qiantang District Community College",
    /// ...     tier="district", time_zone="Asia/Shanghai",
    /// ...     population=1_000_000, older_population=80_000,
    /// ... )
    /// >>> venue.tier, venue.time_zone
    /// ('district', 'Asia/Shanghai')
    Venue(model::Venue) {
        id, source_system, source_key, name, tier, parent_id, time_zone, latitude, longitude,
        seats, population, older_population
    }
}

record_class! {
    /// Someone who teaches sessions (授课教师).
    ///
    /// >>> from xuetong import Instructor
    /// >>> Instructor(id="30000000-0000-4000-8000-000000000001", display_name="周老师")
    /// Instructor(id=UUID('30000000-0000-4000-8000-000000000001'), display_name='周老师')
    Instructor(model::Instructor) {
        id, source_system, source_key, display_name, home_venue_id
    }
}

record_class! {
    /// A category definition that extends the built-in taxonomy.
    ///
    /// >>> from xuetong import CategoryDef
    /// >>> CategoryDef(key="pottery", name_en="Pottery", name_zh="陶艺", parent="arts")
    /// CategoryDef(key='pottery', name_en='Pottery', name_zh='陶艺', parent='arts')
    CategoryDef(model::CategoryDef) {
        key, name_en, name_zh, parent
    }
}

record_class! {
    /// A resident-run learning club (社区学习型社团).
    ///
    /// >>> import datetime
    /// >>> from xuetong import Club
    /// >>> club = Club(
    /// ...     id="c0000000-0000-4000-8000-000000000001",
    /// ...     name="Qiaonan Qigong Dance Club", status="active",
    /// ...     founded_on=datetime.date(2016, 4, 10),
    /// ... )
    /// >>> club.founded_on
    /// datetime.date(2016, 4, 10)
    Club(model::Club) {
        id, source_system, source_key, name, status, status_since, community_venue_id,
        guiding_venue_id, founded_on, has_rules
    }
}

record_class! {
    /// One membership period of a learner in a club: a role (founder, core,
    /// fixed or occasional member), a duty for core members, and the days it
    /// began and ended. A period runs up to the day before ``left_on``.
    ///
    /// >>> import datetime
    /// >>> from xuetong import ClubMember
    /// >>> member = ClubMember(
    /// ...     club_id="c0000000-0000-4000-8000-000000000001",
    /// ...     learner_id="20000000-0000-4000-8000-000000000004",
    /// ...     role="core", duty="publicity", joined_on=datetime.date(2016, 4, 10),
    /// ... )
    /// >>> member.role, member.duty, member.left_on
    /// ('core', 'publicity', None)
    ClubMember(model::ClubMember) {
        club_id, learner_id, role, duty, joined_on, left_on
    }
}

record_class! {
    /// A course or activity offered to learners and held as sessions.
    ///
    /// Credits are ``decimal.Decimal``: give them as a ``Decimal``, text or
    /// a whole number; a ``float`` is rejected.
    ///
    /// >>> from decimal import Decimal
    /// >>> from xuetong import Course
    /// >>> course = Course(
    /// ...     id="40000000-0000-4000-8000-000000000002",
    /// ...     title="Smartphone skills: booking a hospital visit",
    /// ...     category="smartphone_skills",
    /// ...     provider_venue_id="10000000-0000-4000-8000-000000000004",
    /// ...     credit_value=Decimal("1.5"),
    /// ... )
    /// >>> course.credit_value, course.completion_threshold
    /// (Decimal('1.50'), Decimal('80'))
    Course(model::Course) {
        id, source_system, source_key, code, title, category, provider_venue_id, network_level,
        capacity, enrolment_opens_at, enrolment_closes_at, walk_in, min_age, max_age, audience,
        residents_only, credit_value, completion_threshold, assessment_required
    }
}

record_class! {
    /// One scheduled meeting of a course or activity of a club (课次), in
    /// local time.
    ///
    /// With a ``time_zone``, the session also has its instants:
    /// ``starts_at`` and ``ends_at`` (aware, in UTC) and ``duration``. A
    /// local time that does not exist because clocks jump forward raises
    /// ``ValidationError`` with ``nonexistent_local_time``. Without a zone
    /// (the venue's zone applies), the instants are ``None``. Two sessions
    /// are equal when their fields and their instants are.
    ///
    /// >>> import datetime
    /// >>> from xuetong import Session
    /// >>> session = Session(
    /// ...     id="50000000-0000-4000-8000-000000000001",
    /// ...     course_id="40000000-0000-4000-8000-000000000001",
    /// ...     venue_id="10000000-0000-4000-8000-000000000002",
    /// ...     date=datetime.date(2026, 3, 2),
    /// ...     start_time=datetime.time(22, 0), end_time=datetime.time(1, 0),
    /// ...     time_zone="Asia/Shanghai",
    /// ... )
    /// >>> session.starts_at
    /// datetime.datetime(2026, 3, 2, 14, 0, tzinfo=datetime.timezone.utc)
    /// >>> session.duration
    /// datetime.timedelta(seconds=10800)
    Session(SessionValue) {
        id, source_system, source_key, course_id, club_id, venue_id, instructor_ids, date,
        start_time, end_time, end_date, time_zone, ambiguous_time, status, activity_kind
    }
    {
        /// When the session starts, in UTC; ``None`` when its time zone is
        /// not known.
        #[getter]
        fn starts_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            match self.value.times {
                Some(times) => instant_to_py(py, times.starts_at),
                None => Ok(py.None().into_bound(py)),
            }
        }

        /// When the session ends, in UTC; ``None`` when its time zone is
        /// not known.
        #[getter]
        fn ends_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            match self.value.times {
                Some(times) => instant_to_py(py, times.ends_at),
                None => Ok(py.None().into_bound(py)),
            }
        }

        /// How long the session lasts as a ``timedelta``: the difference of
        /// its instants, so a session over a clock change lasts what the
        /// clocks on the wall say; ``None`` when its time zone is not known.
        #[getter]
        fn duration<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            match self.value.times {
                Some(times) => Ok((times.ends_at - times.starts_at).into_pyobject(py)?.into_any()),
                None => Ok(py.None().into_bound(py)),
            }
        }

        /// The local date the session ends on: ``end_date`` when given,
        /// otherwise the start date, or the next day when the end time is
        /// earlier than the start time.
        #[getter]
        fn local_end_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            match self.value.session.local_end_date() {
                Some(date) => Ok(date.into_pyobject(py)?.into_any()),
                None => Ok(py.None().into_bound(py)),
            }
        }
    }
}

record_class! {
    /// A learner's place, or request for a place, in a course (报名).
    ///
    /// Instants must be timezone-aware: a naive ``datetime`` raises
    /// ``ValidationError`` with ``invalid_instant``.
    ///
    /// >>> import datetime
    /// >>> from zoneinfo import ZoneInfo
    /// >>> from xuetong import Enrolment
    /// >>> enrolment = Enrolment(
    /// ...     id="60000000-0000-4000-8000-000000000001",
    /// ...     learner_id="20000000-0000-4000-8000-000000000001",
    /// ...     course_id="40000000-0000-4000-8000-000000000001",
    /// ...     requested_at=datetime.datetime(2026, 2, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
    /// ... )
    /// >>> enrolment.status, enrolment.confirmed_at
    /// ('confirmed', datetime.datetime(2026, 2, 3, 2, 0, tzinfo=datetime.timezone.utc))
    Enrolment(model::Enrolment) {
        id, source_system, source_key, learner_id, course_id, requested_at, status, confirmed_at,
        withdrawn_at, group_key, group_mode
    }
}

record_class! {
    /// Leave granted to a learner for one session (请假).
    ///
    /// >>> from xuetong import Excusal
    /// >>> excusal = Excusal(
    /// ...     id="80000000-0000-4000-8000-000000000001",
    /// ...     learner_id="20000000-0000-4000-8000-000000000004",
    /// ...     session_id="50000000-0000-4000-8000-000000000002",
    /// ...     reason="hospital appointment",
    /// ... )
    /// >>> excusal.reason
    /// 'hospital appointment'
    Excusal(model::Excusal) {
        id, source_system, source_key, learner_id, session_id, reason, granted_at
    }
}

record_class! {
    /// A recorded learning outcome (学习成果): attendance, a completed
    /// course, a certificate, an award, volunteer service, teaching, online
    /// learning, club activity or an assessment. Which fields are required depends on
    /// ``kind``. ``minutes`` also takes a ``timedelta`` of whole minutes.
    ///
    /// >>> import datetime
    /// >>> from xuetong import Outcome
    /// >>> outcome = Outcome(
    /// ...     id="90000000-0000-4000-8000-000000000003",
    /// ...     learner_id="20000000-0000-4000-8000-000000000003",
    /// ...     kind="volunteer_service", occurred_on=datetime.date(2026, 3, 20),
    /// ...     minutes=datetime.timedelta(hours=2),
    /// ... )
    /// >>> outcome.minutes, outcome.duration
    /// (120, datetime.timedelta(seconds=7200))
    Outcome(model::Outcome) {
        id, source_system, source_key, learner_id, kind, occurred_on, recorded_on, role, minutes,
        course_id, club_id, session_id, category, title, certificate_code, certificate_level,
        award_scope, award_rank, team, resource_id, evidence, banked, score, passed
    }
    {
        /// ``minutes`` as a ``timedelta``; ``None`` without minutes.
        #[getter]
        fn duration<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
            match self.value.minutes {
                Some(minutes) => Ok(chrono::TimeDelta::minutes(i64::from(minutes))
                    .into_pyobject(py)?
                    .into_any()),
                None => Ok(py.None().into_bound(py)),
            }
        }
    }
}

record_class! {
    /// One check-in or check-out, as received by the server.
    ///
    /// ``scanned_at`` is the server's receipt time and must be
    /// timezone-aware. A leap second (23:59:60 UTC on the last day of a
    /// month) comes back as its RFC 3339 text, such as
    /// ``'2016-12-31T23:59:60Z'``, because ``datetime`` cannot hold a
    /// second of 60.
    ///
    /// >>> import datetime
    /// >>> from xuetong import Scan, ValidationError
    /// >>> try:
    /// ...     Scan(
    /// ...         id="70000000-0000-4000-8000-000000000001",
    /// ...         session_id="50000000-0000-4000-8000-000000000001",
    /// ...         learner_id="20000000-0000-4000-8000-000000000001",
    /// ...         scanned_at=datetime.datetime(2026, 3, 2, 8, 52),
    /// ...     )
    /// ... except ValidationError as error:
    /// ...     print([(problem["code"], problem["path"]) for problem in error.errors()])
    /// [('invalid_instant', ('scanned_at',))]
    Scan(model::Scan) {
        id, source_system, source_key, session_id, learner_id, scanned_at, direction, method,
        token, latitude, longitude, nonce
    }
}

/// Restores a pickled record of `kind` from its state.
pub(crate) fn restore_record<'py>(
    py: Python<'py>,
    kind: &str,
    state: &Value,
) -> PyResult<Bound<'py, PyAny>> {
    match kind {
        "learner" => Learner::restore(py, state),
        "venue" => Venue::restore(py, state),
        "instructor" => Instructor::restore(py, state),
        "category" => CategoryDef::restore(py, state),
        "club" => Club::restore(py, state),
        "club_member" => ClubMember::restore(py, state),
        "course" => Course::restore(py, state),
        "session" => Session::restore(py, state),
        "enrolment" => Enrolment::restore(py, state),
        "excusal" => Excusal::restore(py, state),
        "outcome" => Outcome::restore(py, state),
        "scan" => Scan::restore(py, state),
        other => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "unknown record kind \"{other}\"; this pickle was not made by xuetong"
        ))),
    }
}

/// Adds the record classes to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<Learner>()?;
    module.add_class::<Venue>()?;
    module.add_class::<Instructor>()?;
    module.add_class::<CategoryDef>()?;
    module.add_class::<Club>()?;
    module.add_class::<ClubMember>()?;
    module.add_class::<Course>()?;
    module.add_class::<Session>()?;
    module.add_class::<Enrolment>()?;
    module.add_class::<Excusal>()?;
    module.add_class::<Outcome>()?;
    module.add_class::<Scan>()?;
    Ok(())
}
