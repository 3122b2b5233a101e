//! The attendance policy: every number the engine uses, with the defaults
//! of the module documentation, read from and written to one JSON document.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::decimal::Percent;
use crate::field::FieldValue;
use crate::model::ScanMethod;
use crate::problem::{Path, Problem, Problems, codes};
use crate::record::{check_known_fields, json_kind};

/// The `format` of a policy document.
pub const POLICY_FORMAT: &str = "xuetong.attendance-policy/1";

/// The largest number of minutes a window setting accepts: one day.
pub const MAX_POLICY_MINUTES: u32 = 24 * 60;
/// The longest token rotation interval, in seconds: one day.
pub const MAX_ROTATION_SECONDS: u32 = 86_400;
/// The longest grace margin after a token's window, in seconds: one hour.
pub const MAX_GRACE_SECONDS: u32 = 3_600;
/// The largest geofence radius, in metres.
pub const MAX_RADIUS_METRES: u32 = 100_000;
/// The largest number of counted sessions a warning may wait for.
pub const MAX_WARNING_SESSIONS: u32 = 10_000;

/// The settings by which the engine judges scans and records. Every number is a setting; the
/// defaults are those of [`AttendancePolicy::default`].
///
/// The JSON form is a document with `format` set to
/// `xuetong.attendance-policy/1` and one object per group; every field may
/// be left out to take its default.
///
/// ```json
/// {
///   "format": "xuetong.attendance-policy/1",
///   "check_in": {"opens_before_start_minutes": 30, "closes_after_end_minutes": 0,
///                "late_after_start_minutes": 10},
///   "check_out": {"required": false, "closes_after_end_minutes": 30,
///                 "early_before_end_minutes": 10},
///   "token": {"required_for": ["qr"], "rotation_seconds": 30, "grace_seconds": 5,
///             "static_allowed": false},
///   "geofence": {"radius_metres": null, "location_required": false},
///   "warning": {"below_percent": "70", "min_counted_sessions": 3}
/// }
/// ```
///
/// # Example
///
/// ```
/// use xuetong::attendance::AttendancePolicy;
/// use xuetong::problem::Path;
///
/// let input = serde_json::json!({"check_out": {"required": true}});
/// let policy = AttendancePolicy::from_json(&input, &Path::root())?;
/// assert!(policy.check_out.required);
/// assert_eq!(policy.check_in.late_after_start_minutes, 10);
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendancePolicy {
    /// When check-ins are accepted and when they are late.
    pub check_in: CheckInPolicy,
    /// Whether check-outs are needed and when they are accepted.
    pub check_out: CheckOutPolicy,
    /// The scans that need a token, and how tokens rotate.
    pub token: TokenPolicy,
    /// The optional distance check between a scan and the venue.
    pub geofence: GeofencePolicy,
    /// When a learner's attendance raises an early warning.
    pub warning: WarningPolicy,
}

/// When check-ins are accepted and when they are late.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckInPolicy {
    /// Check-ins are accepted from this many minutes before the start
    /// (default 30), the bound included.
    pub opens_before_start_minutes: u32,
    /// Check-ins are accepted until this many minutes after the end
    /// (default 0: until the end), the bound included.
    pub closes_after_end_minutes: u32,
    /// A first check-in later than the start plus this many minutes is late
    /// (default 10); one at exactly that instant is on time.
    pub late_after_start_minutes: u32,
}

/// Whether check-outs are needed and when they are accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckOutPolicy {
    /// Whether a record needs a check-out (default no). A record without one
    /// is then `incomplete` and credits nothing.
    pub required: bool,
    /// Check-outs are accepted until this many minutes after the end
    /// (default 30), the bound included.
    pub closes_after_end_minutes: u32,
    /// A last check-out earlier than the end minus this many minutes is
    /// leaving early (default 10); one at exactly that instant is not.
    pub early_before_end_minutes: u32,
}

/// The scans that need a token, and how rotating tokens are issued and
/// accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPolicy {
    /// The scan methods whose scans must carry a valid token (default: `qr`
    /// only). Tokens are checked only when a token key is supplied.
    pub required_for: Vec<ScanMethod>,
    /// The length of one token window in seconds (default 30).
    pub rotation_seconds: u32,
    /// How long after its window's end a token is still accepted, in
    /// seconds (default 5).
    pub grace_seconds: u32,
    /// Whether a static token (a printed code or a card) is accepted in
    /// place of a rotating one (default no).
    pub static_allowed: bool,
}

/// The optional distance check between a scan and the venue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeofencePolicy {
    /// Scans that carry a location farther than this from the venue are
    /// rejected; `None` (the default) turns the geofence off.
    pub radius_metres: Option<u32>,
    /// Whether, with the geofence on, a scan without a location is rejected
    /// (default no: such a scan is not checked).
    pub location_required: bool,
}

/// When a learner's attendance raises an early warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarningPolicy {
    /// Learners whose rate is below this percentage are warned (default 70).
    pub below_percent: Percent,
    /// A low rate raises a warning only once the learner has at least this
    /// many counted sessions (default 3).
    pub min_counted_sessions: u32,
}

impl Default for AttendancePolicy {
    fn default() -> Self {
        Self {
            check_in: CheckInPolicy {
                opens_before_start_minutes: 30,
                closes_after_end_minutes: 0,
                late_after_start_minutes: 10,
            },
            check_out: CheckOutPolicy {
                required: false,
                closes_after_end_minutes: 30,
                early_before_end_minutes: 10,
            },
            token: TokenPolicy {
                required_for: vec![ScanMethod::Qr],
                rotation_seconds: 30,
                grace_seconds: 5,
                static_allowed: false,
            },
            geofence: GeofencePolicy {
                radius_metres: None,
                location_required: false,
            },
            warning: WarningPolicy {
                below_percent: Percent::whole(70),
                min_counted_sessions: 3,
            },
        }
    }
}

impl TokenPolicy {
    /// Whether scans made by `method` must carry a token.
    pub fn is_required_for(&self, method: ScanMethod) -> bool {
        self.required_for.contains(&method)
    }
}

const GROUPS: &[&str] = &[
    "format",
    "check_in",
    "check_out",
    "token",
    "geofence",
    "warning",
];

impl AttendancePolicy {
    /// Reads a policy document, reporting every problem under `path`. Fields
    /// left out take their defaults; `format`, when present, must be
    /// `xuetong.attendance-policy/1`.
    ///
    /// # Errors
    ///
    /// Returns `unknown_field` for a field the policy does not have,
    /// `invalid_type`, `invalid_integer`, `invalid_boolean`,
    /// `invalid_decimal` or `invalid_choice` for a value of the wrong form,
    /// `out_of_range` for a number outside its bounds and
    /// `unsupported_format` for another `format`.
    pub fn from_json(value: &Value, path: &Path) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let mut policy = Self::default();
        let Some(root) = as_object(value, path, "policy", &mut problems) else {
            return Err(problems);
        };
        check_known_fields(root, GROUPS, path, &mut problems);
        match root.get("format") {
            None | Some(Value::Null) => {}
            Some(Value::String(format)) if format == POLICY_FORMAT => {}
            Some(other) => problems.push(
                Problem::new(codes::UNSUPPORTED_FORMAT, path.join("format"))
                    .with("expected", POLICY_FORMAT)
                    .with("value", shown(other)),
            ),
        }
        let mut reader = GroupReader {
            root,
            path,
            problems: &mut problems,
        };
        reader.check_in(&mut policy.check_in);
        reader.check_out(&mut policy.check_out);
        reader.token(&mut policy.token);
        reader.geofence(&mut policy.geofence);
        reader.warning(&mut policy.warning);
        problems.into_result(policy)
    }

    /// Writes the policy document with every field, defaults included.
    pub fn to_json(&self) -> Value {
        let methods: Vec<&str> = self
            .token
            .required_for
            .iter()
            .map(|method| method.as_str())
            .collect();
        json!({
            "format": POLICY_FORMAT,
            "check_in": {
                "opens_before_start_minutes": self.check_in.opens_before_start_minutes,
                "closes_after_end_minutes": self.check_in.closes_after_end_minutes,
                "late_after_start_minutes": self.check_in.late_after_start_minutes,
            },
            "check_out": {
                "required": self.check_out.required,
                "closes_after_end_minutes": self.check_out.closes_after_end_minutes,
                "early_before_end_minutes": self.check_out.early_before_end_minutes,
            },
            "token": {
                "required_for": methods,
                "rotation_seconds": self.token.rotation_seconds,
                "grace_seconds": self.token.grace_seconds,
                "static_allowed": self.token.static_allowed,
            },
            "geofence": {
                "radius_metres": self.geofence.radius_metres,
                "location_required": self.geofence.location_required,
            },
            "warning": {
                "below_percent": self.warning.below_percent.to_string(),
                "min_counted_sessions": self.warning.min_counted_sessions,
            },
        })
    }
}

impl Serialize for AttendancePolicy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for AttendancePolicy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value, &Path::root()).map_err(serde::de::Error::custom)
    }
}

/// Reads the groups of a policy document into a policy that starts from
/// the defaults.
struct GroupReader<'a> {
    root: &'a Map<String, Value>,
    path: &'a Path,
    problems: &'a mut Problems,
}

impl<'a> GroupReader<'a> {
    /// Returns the object of group `name` with its path, after checking its
    /// keys, or `None` when the group is absent or not an object.
    fn group(
        &mut self,
        name: &'static str,
        fields: &[&str],
    ) -> Option<(&'a Map<String, Value>, Path)> {
        let root = self.root;
        let value = root.get(name)?;
        if value.is_null() {
            return None;
        }
        let path = self.path.join(name);
        let object = as_object(value, &path, name, self.problems)?;
        check_known_fields(object, fields, &path, self.problems);
        Some((object, path))
    }

    fn check_in(&mut self, target: &mut CheckInPolicy) {
        let fields = &[
            "opens_before_start_minutes",
            "closes_after_end_minutes",
            "late_after_start_minutes",
        ];
        let Some((group, path)) = self.group("check_in", fields) else {
            return;
        };
        let problems = &mut *self.problems;
        let minutes = Bounds::new(0, MAX_POLICY_MINUTES);
        let read = |name, target: &mut u32, problems: &mut Problems| {
            read_number(group, &path, name, minutes, target, problems);
        };
        read(fields[0], &mut target.opens_before_start_minutes, problems);
        read(fields[1], &mut target.closes_after_end_minutes, problems);
        read(fields[2], &mut target.late_after_start_minutes, problems);
    }

    fn check_out(&mut self, target: &mut CheckOutPolicy) {
        let fields = &[
            "required",
            "closes_after_end_minutes",
            "early_before_end_minutes",
        ];
        let Some((group, path)) = self.group("check_out", fields) else {
            return;
        };
        let problems = &mut *self.problems;
        let minutes = Bounds::new(0, MAX_POLICY_MINUTES);
        read_value(group, &path, fields[0], &mut target.required, problems);
        read_number(
            group,
            &path,
            fields[1],
            minutes,
            &mut target.closes_after_end_minutes,
            problems,
        );
        read_number(
            group,
            &path,
            fields[2],
            minutes,
            &mut target.early_before_end_minutes,
            problems,
        );
    }

    fn token(&mut self, target: &mut TokenPolicy) {
        let fields = &[
            "required_for",
            "rotation_seconds",
            "grace_seconds",
            "static_allowed",
        ];
        let Some((group, path)) = self.group("token", fields) else {
            return;
        };
        let problems = &mut *self.problems;
        if read_list(group, &path, fields[0], &mut target.required_for, problems) {
            target.required_for.sort();
            target.required_for.dedup();
        }
        read_number(
            group,
            &path,
            fields[1],
            Bounds::new(1, MAX_ROTATION_SECONDS),
            &mut target.rotation_seconds,
            problems,
        );
        read_number(
            group,
            &path,
            fields[2],
            Bounds::new(0, MAX_GRACE_SECONDS),
            &mut target.grace_seconds,
            problems,
        );
        read_value(
            group,
            &path,
            fields[3],
            &mut target.static_allowed,
            problems,
        );
    }

    fn geofence(&mut self, target: &mut GeofencePolicy) {
        let fields = &["radius_metres", "location_required"];
        let Some((group, path)) = self.group("geofence", fields) else {
            return;
        };
        let problems = &mut *self.problems;
        if group.get(fields[0]).is_some_and(|value| !value.is_null()) {
            let mut radius = 0;
            if read_number(
                group,
                &path,
                fields[0],
                Bounds::new(1, MAX_RADIUS_METRES),
                &mut radius,
                problems,
            ) {
                target.radius_metres = Some(radius);
            }
        }
        read_value(
            group,
            &path,
            fields[1],
            &mut target.location_required,
            problems,
        );
    }

    fn warning(&mut self, target: &mut WarningPolicy) {
        let fields = &["below_percent", "min_counted_sessions"];
        let Some((group, path)) = self.group("warning", fields) else {
            return;
        };
        let problems = &mut *self.problems;
        let mut percent = target.below_percent;
        if read_value(group, &path, fields[0], &mut percent, problems) {
            if percent > Percent::HUNDRED {
                problems.push(
                    Problem::new(codes::OUT_OF_RANGE, path.join(fields[0]))
                        .with("field", fields[0])
                        .with("value", percent.to_string())
                        .with("min", "0")
                        .with("max", "100"),
                );
            } else {
                target.below_percent = percent;
            }
        }
        read_number(
            group,
            &path,
            fields[1],
            Bounds::new(0, MAX_WARNING_SESSIONS),
            &mut target.min_counted_sessions,
            problems,
        );
    }
}

/// The inclusive bounds of a number setting.
#[derive(Clone, Copy)]
struct Bounds {
    min: u32,
    max: u32,
}

impl Bounds {
    const fn new(min: u32, max: u32) -> Self {
        Self { min, max }
    }
}

/// `value` as an object, or `None` with `invalid_type` reported.
fn as_object<'a>(
    value: &'a Value,
    path: &Path,
    field: &str,
    problems: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(object) => Some(object),
        other => {
            problems.push(
                Problem::new(codes::INVALID_TYPE, path.clone())
                    .with("field", field)
                    .with("expected", "an object")
                    .with("value", json_kind(other)),
            );
            None
        }
    }
}

/// Reads field `name` into `target` when present; returns whether it did.
fn read_value<T: FieldValue>(
    object: &Map<String, Value>,
    path: &Path,
    name: &'static str,
    target: &mut T,
    problems: &mut Problems,
) -> bool {
    let Some(value) = object.get(name).filter(|value| !value.is_null()) else {
        return false;
    };
    match T::from_json(value) {
        Ok(read) => {
            *target = read;
            true
        }
        Err(invalid) => {
            let mut problem = Problem::new(invalid.code, path.join(name))
                .with("field", name)
                .with("value", shown(value));
            for (param, value) in invalid.params {
                problem = problem.with(param, value);
            }
            problems.push(problem);
            false
        }
    }
}

/// Reads a list like [`read_value`], but reports each bad item at its own
/// index, such as `token.required_for[1]`, with the item as the value.
/// Returns whether it read the list, which it does only when every item is
/// valid.
fn read_list<T: FieldValue>(
    object: &Map<String, Value>,
    path: &Path,
    name: &'static str,
    target: &mut Vec<T>,
    problems: &mut Problems,
) -> bool {
    let Some(Value::Array(items)) = object.get(name) else {
        return read_value(object, path, name, target, problems);
    };
    let list_path = path.join(name);
    let mut read = Vec::with_capacity(items.len());
    let mut all_valid = true;
    for (index, item) in items.iter().enumerate() {
        // Empty text items are skipped, as `Vec::from_json` skips them.
        if crate::field::is_empty_text(item) {
            continue;
        }
        match T::from_json(item) {
            Ok(value) => read.push(value),
            Err(invalid) => {
                all_valid = false;
                let mut problem = Problem::new(invalid.code, list_path.join(index))
                    .with("field", format!("{name}[{index}]"))
                    .with("value", shown(item));
                for (param, value) in invalid.params {
                    problem = problem.with(param, value);
                }
                problems.push(problem);
            }
        }
    }
    if all_valid {
        *target = read;
    }
    all_valid
}

/// Reads a whole number within `bounds`; returns whether it did.
fn read_number(
    object: &Map<String, Value>,
    path: &Path,
    name: &'static str,
    bounds: Bounds,
    target: &mut u32,
    problems: &mut Problems,
) -> bool {
    let Some(value) = object.get(name).filter(|value| !value.is_null()) else {
        return false;
    };
    // A number outside the setting's bounds, negative and huge ones
    // included, is reported with the setting's bounds rather than those of
    // the integer type that holds it.
    let in_bounds = match u32::from_json(value) {
        Ok(number) if (bounds.min..=bounds.max).contains(&number) => Some(number),
        Ok(_) => None,
        Err(invalid) if invalid.code == codes::OUT_OF_RANGE => None,
        Err(_) => return read_value(object, path, name, target, problems),
    };
    let Some(number) = in_bounds else {
        problems.push(
            Problem::new(codes::OUT_OF_RANGE, path.join(name))
                .with("field", name)
                .with("value", shown(value))
                .with("min", bounds.min)
                .with("max", bounds.max),
        );
        return false;
    };
    *target = number;
    true
}

/// Formats a value for a message: text as written, anything else as JSON.
fn shown(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_range_names_the_setting_bounds() {
        for value in [json!(-1), json!(1441), json!(5_000_000_000_u64)] {
            let document = json!({"check_in": {"opens_before_start_minutes": value}});
            let problems = AttendancePolicy::from_json(&document, &Path::root()).unwrap_err();
            let problem = problems.iter().next().unwrap();
            assert_eq!(problem.code, codes::OUT_OF_RANGE);
            assert_eq!(problem.params["min"], json!(0));
            assert_eq!(problem.params["max"], json!(MAX_POLICY_MINUTES));
            assert_eq!(problem.params["value"], json!(value.to_string()));
        }
    }

    fn codes_and_paths(problems: &Problems) -> Vec<(String, String)> {
        let mut found: Vec<(String, String)> = problems
            .iter()
            .map(|problem| (problem.code.to_string(), problem.path.to_string()))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn empty_document_gives_defaults() {
        let policy = AttendancePolicy::from_json(&json!({}), &Path::root()).unwrap();
        assert_eq!(policy, AttendancePolicy::default());
    }

    #[test]
    fn defaults_match_the_documented_numbers() {
        let policy = AttendancePolicy::default();
        assert_eq!(policy.check_in.opens_before_start_minutes, 30);
        assert_eq!(policy.check_in.closes_after_end_minutes, 0);
        assert_eq!(policy.check_in.late_after_start_minutes, 10);
        assert!(!policy.check_out.required);
        assert_eq!(policy.check_out.early_before_end_minutes, 10);
        assert_eq!(policy.token.rotation_seconds, 30);
        assert_eq!(policy.token.grace_seconds, 5);
        assert_eq!(policy.token.required_for, vec![ScanMethod::Qr]);
        assert!(!policy.token.static_allowed);
        assert_eq!(policy.geofence.radius_metres, None);
        assert_eq!(policy.warning.below_percent, Percent::whole(70));
        assert_eq!(policy.warning.min_counted_sessions, 3);
    }

    #[test]
    fn json_round_trip() {
        let mut policy = AttendancePolicy::default();
        policy.check_out.required = true;
        policy.geofence.radius_metres = Some(250);
        policy.token.required_for = vec![ScanMethod::Qr, ScanMethod::Card];
        policy.warning.below_percent = "72.5".parse().unwrap();
        let json = policy.to_json();
        assert_eq!(json["format"], POLICY_FORMAT);
        assert_eq!(json["warning"]["below_percent"], "72.5");
        let back = AttendancePolicy::from_json(&json, &Path::root()).unwrap();
        assert_eq!(back, policy);
        let through_serde: AttendancePolicy = serde_json::from_value(json).unwrap();
        assert_eq!(through_serde, policy);
    }

    #[test]
    fn bad_list_item_has_own_path() {
        let input = json!({
            "format": "xuetong.attendance-policy/1",
            "token": {"required_for": ["qr", "carrier_pigeon"]},
        });
        let problems = AttendancePolicy::from_json(&input, &crate::path!["policy"]).unwrap_err();
        let problem = problems.iter().next().unwrap();
        assert_eq!(problems.len(), 1);
        assert_eq!(problem.code.as_str(), "invalid_choice");
        assert_eq!(problem.path.to_string(), "policy.token.required_for[1]");
        assert_eq!(problem.params["value"], json!("carrier_pigeon"));
        assert!(
            problem
                .message
                .starts_with("required_for[1] must be one of "),
            "{}",
            problem.message
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let input = json!({
            "format": "xuetong.attendance-policy/2",
            "colour": "red",
            "check_in": {"opens_before_start_minutes": 2000, "late_after": 5},
            "check_out": {"required": "sometimes"},
            "token": {"rotation_seconds": 0, "required_for": ["qr", "fax"]},
            "geofence": {"radius_metres": -3},
            "warning": {"below_percent": "120", "min_counted_sessions": 1.5},
        });
        let problems = AttendancePolicy::from_json(&input, &crate::path!["policy"]).unwrap_err();
        assert_eq!(
            codes_and_paths(&problems),
            vec![
                ("invalid_boolean".into(), "policy.check_out.required".into()),
                (
                    "invalid_choice".into(),
                    "policy.token.required_for[1]".into()
                ),
                (
                    "invalid_integer".into(),
                    "policy.warning.min_counted_sessions".into()
                ),
                (
                    "out_of_range".into(),
                    "policy.check_in.opens_before_start_minutes".into()
                ),
                (
                    "out_of_range".into(),
                    "policy.geofence.radius_metres".into()
                ),
                (
                    "out_of_range".into(),
                    "policy.token.rotation_seconds".into()
                ),
                ("out_of_range".into(), "policy.warning.below_percent".into()),
                ("unknown_field".into(), "policy.check_in.late_after".into()),
                ("unknown_field".into(), "policy.colour".into()),
                ("unsupported_format".into(), "policy.format".into()),
            ]
        );
    }

    #[test]
    fn null_radius_turns_geofence_off() {
        let input = json!({"geofence": {"radius_metres": null}});
        let policy = AttendancePolicy::from_json(&input, &Path::root()).unwrap();
        assert_eq!(policy.geofence.radius_metres, None);
    }

    #[test]
    fn not_an_object_is_reported() {
        let problems = AttendancePolicy::from_json(&json!([1]), &Path::root()).unwrap_err();
        assert_eq!(problems.0[0].code, codes::INVALID_TYPE);
    }
}
