//! Reading a rule set document, with every problem reported at its path.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::api::parse_json_document;
use crate::decimal::Credits;
use crate::field::{FieldValue, Invalid, whole_from_json};
use crate::model::{AwardRank, AwardScope, Category, OutcomeKind, Role, Taxonomy, VenueTier};
use crate::problem::{Path, Problem, Problems, codes as field_codes};
use crate::record::{check_known_fields, json_kind};

use super::codes;
use super::rule::{
    Cap, Dedup, Formula, Gates, Limit, Match, MonthDay, Period, RULE_SET_FORMAT, Rounding,
    RoundingMode, Rule, RuleSet, RuleSetStatus, Scope, Stage, StageKind, TableKey,
};

/// Reads a rule set from the text of a rule file such as a bundle's
/// `rules.json`.
///
/// # Errors
///
/// `malformed_json` when the text is not JSON or gives a key twice in one
/// object (at that key), otherwise every problem of the document (see
/// [`rule_set_from_json`]).
///
/// # Example
///
/// ```
/// use xuetong::credit::parse_rule_set;
///
/// let problems = parse_rule_set(r#"{"format": "xuetong.credit-rules/1", "id": "Bad Id"}"#)
///     .unwrap_err();
/// let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
/// assert!(codes.contains(&"invalid_rule_id"));
/// assert!(codes.contains(&"required"));
/// ```
pub fn parse_rule_set(text: &str) -> Result<RuleSet, Problems> {
    let value = parse_json_document(text.trim_start_matches('\u{feff}'))?;
    rule_set_from_json(&value, &Path::root())
}

/// Reads a rule set from its JSON form, reporting problems under `path`.
///
/// # Errors
///
/// Every problem found: missing, unknown and malformed fields, duplicate
/// rule or cap ids, caps that name unknown rules, formulas that do not fit
/// the kinds a rule matches, and rounding stages without a fixed period.
pub fn rule_set_from_json(value: &Value, path: &Path) -> Result<RuleSet, Problems> {
    let mut problems = Problems::new();
    let rule_set = read_rule_set(value, path, &mut problems);
    match rule_set {
        Some(rule_set) if problems.is_empty() => Ok(rule_set),
        _ => Err(problems),
    }
}

/// Reads the fields of one JSON object, collecting problems.
struct Reader<'a> {
    object: &'a Map<String, Value>,
    path: Path,
    problems: &'a mut Problems,
    failed: bool,
}

impl<'a> Reader<'a> {
    /// A reader over `value`, which must be an object with only `allowed`
    /// keys; `None` (with a problem) when it is not an object.
    fn open(
        value: &'a Value,
        path: &Path,
        field: &str,
        allowed: &[&str],
        problems: &'a mut Problems,
    ) -> Option<Self> {
        let Value::Object(object) = value else {
            problems.push(
                Problem::new(field_codes::INVALID_TYPE, path.clone())
                    .with("field", field)
                    .with("expected", "an object")
                    .with("value", json_kind(value)),
            );
            return None;
        };
        let failed = check_known_fields(object, allowed, path, problems);
        Some(Self {
            object,
            path: path.clone(),
            problems,
            failed,
        })
    }

    fn raw(&self, key: &str) -> Option<&'a Value> {
        match self.object.get(key) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    fn report(&mut self, problem: Problem) {
        self.failed = true;
        self.problems.push(problem);
    }

    fn at(&self, key: &'static str) -> Path {
        self.path.join(key)
    }

    fn required_missing(&mut self, key: &'static str) {
        self.report(Problem::new(field_codes::REQUIRED, self.at(key)).with("field", key));
    }

    fn read_value<T: FieldValue>(&mut self, value: &Value, path: Path, field: &str) -> Option<T> {
        match T::from_json(value) {
            Ok(read) => Some(read),
            Err(invalid) => {
                self.report_invalid(invalid, value, path, field);
                None
            }
        }
    }

    /// Reports why `value` of `field` could not be read.
    fn report_invalid(&mut self, invalid: Invalid, value: &Value, path: Path, field: &str) {
        let shown = match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        let mut problem = Problem::new(invalid.code, path)
            .with("field", field)
            .with("value", shown);
        for (name, param) in invalid.params {
            problem = problem.with(name, param);
        }
        self.report(problem);
    }

    fn optional<T: FieldValue>(&mut self, key: &'static str) -> Option<T> {
        let value = self.raw(key)?;
        self.read_value(value, self.at(key), key)
    }

    fn required<T: FieldValue>(&mut self, key: &'static str) -> Option<T> {
        if self.raw(key).is_none() {
            self.required_missing(key);
            return None;
        }
        self.optional(key)
    }

    fn list<T: FieldValue>(&mut self, key: &'static str) -> Vec<T> {
        let Some(value) = self.raw(key) else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            let problem = Problem::new(field_codes::INVALID_TYPE, self.at(key))
                .with("field", key)
                .with("expected", "a list")
                .with("value", json_kind(value));
            self.report(problem);
            return Vec::new();
        };
        let mut read = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            if let Some(value) = self.read_value(item, self.at(key).join(index), key) {
                read.push(value);
            }
        }
        read
    }

    fn bool_or(&mut self, key: &'static str, default: bool) -> bool {
        self.optional(key).unwrap_or(default)
    }

    /// Reads a whole number from `min` to `u32::MAX`. A number outside that
    /// range, negative and huge ones included, is reported with it.
    fn count(&mut self, key: &'static str, min: u32, required: bool) -> Option<u32> {
        let Some(value) = self.raw(key) else {
            if required {
                self.required_missing(key);
            }
            return None;
        };
        match whole_from_json(value, u64::from(min), u64::from(u32::MAX)) {
            // The range ends at u32::MAX, so the number fits.
            Ok(number) => u32::try_from(number).ok(),
            Err(invalid) => {
                self.report_invalid(invalid, value, self.at(key), key);
                None
            }
        }
    }

    /// Reads an amount of credits that must be at least zero, or above zero
    /// when `positive`.
    fn credits(&mut self, key: &'static str, positive: bool, required: bool) -> Option<Credits> {
        let amount: Credits = if required {
            self.required(key)?
        } else {
            self.optional(key)?
        };
        let too_small = amount.is_negative() || (positive && amount.is_zero());
        if too_small {
            let min = if positive { "0.01" } else { "0.00" };
            let problem = Problem::new(field_codes::OUT_OF_RANGE, self.at(key))
                .with("field", key)
                .with("value", amount.to_string())
                .with("min", min)
                .with("max", "any amount");
            self.report(problem);
            return None;
        }
        Some(amount)
    }

    fn identifier(&mut self, key: &'static str) -> Option<String> {
        let text: String = self.required(key)?;
        if !is_identifier(&text) {
            let problem = Problem::new(codes::INVALID_RULE_ID, self.at(key))
                .with("field", key)
                .with("value", text);
            self.report(problem);
            return None;
        }
        Some(text)
    }

    fn child(&self, key: &'static str) -> Option<(&'a Value, Path)> {
        self.raw(key).map(|value| (value, self.at(key)))
    }
}

/// Checks whether `text` is an identifier: a lowercase letter, then lowercase
/// letters, digits and underscores, at most 64 bytes.
pub(crate) fn is_identifier(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes.next().is_some_and(|byte| byte.is_ascii_lowercase())
        && bytes.all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
        && text.len() <= 64
}

const RULE_SET_FIELDS: &[&str] = &[
    "format",
    "id",
    "version",
    "status",
    "title",
    "description",
    "effective_from",
    "effective_to",
    "rules",
    "caps",
];

fn read_rule_set(value: &Value, path: &Path, problems: &mut Problems) -> Option<RuleSet> {
    let mut reader = Reader::open(value, path, "rule_set", RULE_SET_FIELDS, problems)?;
    match reader.raw("format") {
        None => reader.required_missing("format"),
        Some(Value::String(format)) if format == RULE_SET_FORMAT => {}
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned);
            let problem = Problem::new(field_codes::UNSUPPORTED_FORMAT, reader.at("format"))
                .with("expected", RULE_SET_FORMAT)
                .with("value", shown);
            reader.report(problem);
        }
    }
    let id = reader.identifier("id");
    let version = reader.count("version", 1, true);
    let status: Option<RuleSetStatus> = reader.required("status");
    let mut title: Option<String> = reader.required("title");
    if title.as_deref().is_some_and(|text| text.trim().is_empty()) {
        reader.required_missing("title");
        title = None;
    }
    let description: Option<String> = reader.optional("description");
    let effective_from: Option<NaiveDate> = reader.required("effective_from");
    let effective_to: Option<NaiveDate> = reader.optional("effective_to");
    if let (Some(from), Some(to)) = (effective_from, effective_to)
        && to < from
    {
        let problem = Problem::new(
            crate::model::codes::ENDS_BEFORE_START,
            reader.at("effective_to"),
        )
        .with("field", "effective_to")
        .with("value", to.to_string())
        .with("other_field", "effective_from")
        .with("other_value", from.to_string());
        reader.report(problem);
    }

    // Rules and caps share one set of ids, so that an id in a ledger entry
    // (its rule or its cap) names one thing.
    let mut seen = BTreeSet::new();
    let rules = read_rules(&mut reader, &mut seen);
    let caps = read_caps(&mut reader, &rules, &mut seen);
    if reader.failed {
        return None;
    }
    Some(RuleSet {
        id: id?,
        version: version?,
        status: status?,
        title: title?,
        description,
        effective_from: effective_from?,
        effective_to,
        rules,
        caps,
    })
}

fn items<'a>(reader: &mut Reader<'a>, key: &'static str) -> Vec<(&'a Value, Path)> {
    let Some((value, path)) = reader.child(key) else {
        return Vec::new();
    };
    let Value::Array(items) = value else {
        let problem = Problem::new(field_codes::INVALID_TYPE, path)
            .with("field", key)
            .with("expected", "a list")
            .with("value", json_kind(value));
        reader.report(problem);
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| (item, path.join(index)))
        .collect()
}

fn read_rules(reader: &mut Reader<'_>, seen: &mut BTreeSet<String>) -> Vec<Rule> {
    if reader.raw("rules").is_none() {
        reader.required_missing("rules");
        return Vec::new();
    }
    let listed = items(reader, "rules");
    if matches!(reader.raw("rules"), Some(Value::Array(items)) if items.is_empty()) {
        let problem = Problem::new(codes::EMPTY_RULE_SET, reader.at("rules"));
        reader.report(problem);
    }
    let mut rules = Vec::new();
    for (value, path) in listed {
        let before = reader.problems.len();
        let rule = read_rule(value, &path, reader.problems);
        if reader.problems.len() > before {
            reader.failed = true;
        }
        report_repeated_id(reader, value, &path, seen);
        rules.extend(rule);
    }
    rules
}

/// Reports the `id` of a rule or cap that an earlier rule or cap already
/// used, whether or not either item is otherwise valid.
fn report_repeated_id(
    reader: &mut Reader<'_>,
    value: &Value,
    path: &Path,
    seen: &mut BTreeSet<String>,
) {
    let Some(id) = value.get("id").and_then(Value::as_str) else {
        return;
    };
    if !seen.insert(id.to_owned()) {
        reader.report(Problem::new(codes::DUPLICATE_RULE_ID, path.join("id")).with("value", id));
    }
}

const RULE_FIELDS: &[&str] = &[
    "id",
    "description",
    "match",
    "gates",
    "daily_minutes_limit",
    "formula",
    "rounding",
    "dedup",
    "validity_years",
];

fn read_rule(value: &Value, path: &Path, problems: &mut Problems) -> Option<Rule> {
    let mut reader = Reader::open(value, path, "rule", RULE_FIELDS, problems)?;
    let id = reader.identifier("id");
    let description: Option<String> = reader.optional("description");
    let matcher = match reader.child("match") {
        Some((value, path)) => read_match(value, &path, &mut reader),
        None => Some(Match::default()),
    };
    let gates = match reader.child("gates") {
        Some((value, path)) => read_gates(value, &path, &mut reader),
        None => Some(Gates::default()),
    };
    let daily_minutes_limit = reader.count("daily_minutes_limit", 1, false);
    let formula = match reader.child("formula") {
        Some((value, path)) => read_formula(value, &path, &mut reader),
        None => {
            reader.required_missing("formula");
            None
        }
    };
    let rounding = match reader.child("rounding") {
        Some((value, path)) => read_rounding(value, &path, &mut reader),
        None => {
            reader.required_missing("rounding");
            None
        }
    };
    let dedup: Dedup = reader.optional("dedup").unwrap_or(Dedup::Off);
    let validity_years = reader.count("validity_years", 1, false);
    if let (Some(matcher), Some(formula)) = (&matcher, &formula) {
        check_formula_fits(matcher, formula, &path.join("formula"), &mut reader);
    }
    if let (Some(matcher), Some(gates)) = (&matcher, &gates)
        && gates.passed_required
        && !matcher.kinds.is_empty()
        && !matcher.kinds.contains(&OutcomeKind::Assessment)
    {
        let problem = Problem::new(
            crate::model::codes::FIELD_NOT_APPLICABLE,
            path.join("gates").join("passed_required"),
        )
        .with("field", "passed_required")
        .with("kind", "a rule that matches no assessment outcomes");
        reader.report(problem);
    }
    if reader.failed {
        return None;
    }
    Some(Rule {
        id: id?,
        description,
        matcher: matcher?,
        gates: gates?,
        daily_minutes_limit,
        formula: formula?,
        rounding: rounding?,
        dedup,
        validity_years,
    })
}

/// Runs `read` over a nested object, marking the outer reader failed when
/// the nested one reports anything.
fn nested<T>(
    outer: &mut Reader<'_>,
    value: &Value,
    path: &Path,
    field: &str,
    allowed: &[&str],
    read: impl FnOnce(&mut Reader<'_>) -> Option<T>,
) -> Option<T> {
    let before = outer.problems.len();
    let result = {
        let mut inner = Reader::open(value, path, field, allowed, outer.problems)?;
        let result = read(&mut inner);
        if inner.failed { None } else { result }
    };
    if outer.problems.len() > before {
        outer.failed = true;
    }
    result
}

fn read_match(value: &Value, path: &Path, outer: &mut Reader<'_>) -> Option<Match> {
    let allowed = &[
        "kinds",
        "categories",
        "provider_tiers",
        "role",
        "declared_credit_value",
    ];
    nested(outer, value, path, "match", allowed, |reader| {
        let kinds: Vec<OutcomeKind> = reader.list("kinds");
        let categories: Vec<Category> = reader.list("categories");
        let provider_tiers: Vec<VenueTier> = reader.list("provider_tiers");
        let role: Option<Role> = reader.optional("role");
        let declared_credit_value: Option<bool> = reader.optional("declared_credit_value");
        Some(Match {
            kinds,
            categories,
            provider_tiers,
            role,
            declared_credit_value,
        })
    })
}

fn read_gates(value: &Value, path: &Path, outer: &mut Reader<'_>) -> Option<Gates> {
    let allowed = &[
        "min_minutes",
        "completion_required",
        "evidence_required",
        "passed_required",
    ];
    nested(outer, value, path, "gates", allowed, |reader| {
        Some(Gates {
            min_minutes: reader.count("min_minutes", 0, false),
            completion_required: reader.bool_or("completion_required", false),
            evidence_required: reader.bool_or("evidence_required", false),
            passed_required: reader.bool_or("passed_required", false),
        })
    })
}

fn read_formula(value: &Value, path: &Path, outer: &mut Reader<'_>) -> Option<Formula> {
    let allowed = &["type", "minutes", "credits", "key", "entries"];
    nested(outer, value, path, "formula", allowed, |reader| {
        let kind: String = reader.required("type")?;
        let used: &[&str] = match kind.as_str() {
            "per_time" => &["minutes", "credits"],
            "fixed" | "per_event" => &["credits"],
            "course_credit_value" => &[],
            "table" => &["key", "entries"],
            _ => {
                let problem = Problem::new(field_codes::INVALID_CHOICE, reader.at("type"))
                    .with("field", "type")
                    .with("value", kind.as_str())
                    .with(
                        "allowed",
                        "per_time, fixed, per_event, course_credit_value, table",
                    );
                reader.report(problem);
                return None;
            }
        };
        report_inapplicable(
            reader,
            &["minutes", "credits", "key", "entries"],
            used,
            &kind,
        );
        match kind.as_str() {
            "per_time" => {
                let minutes = reader.count("minutes", 1, true);
                let credits = reader.credits("credits", false, true);
                Some(Formula::PerTime {
                    minutes: minutes?,
                    credits: credits?,
                })
            }
            "fixed" => Some(Formula::Fixed {
                credits: reader.credits("credits", false, true)?,
            }),
            "per_event" => Some(Formula::PerEvent {
                credits: reader.credits("credits", false, true)?,
            }),
            "course_credit_value" => Some(Formula::CourseCreditValue),
            _ => read_table(reader),
        }
    })
}

/// Reports the fields of `all` that are present but not in `used`.
fn report_inapplicable(reader: &mut Reader<'_>, all: &[&'static str], used: &[&str], kind: &str) {
    for &field in all {
        if reader.raw(field).is_some() && !used.contains(&field) {
            let problem = Problem::new(crate::model::codes::FIELD_NOT_APPLICABLE, reader.at(field))
                .with("field", field)
                .with("kind", kind);
            reader.report(problem);
        }
    }
}

fn read_table(reader: &mut Reader<'_>) -> Option<Formula> {
    let key: TableKey = reader.required("key")?;
    let Some((value, path)) = reader.child("entries") else {
        reader.required_missing("entries");
        return None;
    };
    let Value::Object(object) = value else {
        let problem = Problem::new(field_codes::INVALID_TYPE, path)
            .with("field", "entries")
            .with("expected", "an object")
            .with("value", json_kind(value));
        reader.report(problem);
        return None;
    };
    let allowed = table_keys(key);
    let mut entries = BTreeMap::new();
    for (name, amount) in object {
        let at = path.join(name.clone());
        if !allowed.contains(name) {
            let problem = Problem::new(codes::INVALID_TABLE_KEY, at.clone())
                .with("value", name.as_str())
                .with("key", key.as_str())
                .with("allowed", allowed.join(", "));
            reader.report(problem);
            continue;
        }
        if let Some(credits) = reader.read_value::<Credits>(amount, at.clone(), "entries") {
            if credits.is_negative() {
                let problem = Problem::new(field_codes::OUT_OF_RANGE, at)
                    .with("field", "entries")
                    .with("value", credits.to_string())
                    .with("min", "0.00")
                    .with("max", "any amount");
                reader.report(problem);
                continue;
            }
            entries.insert(name.clone(), credits);
        }
    }
    Some(Formula::Table { key, entries })
}

/// Every key a table of `key` may have.
fn table_keys(key: TableKey) -> Vec<String> {
    match key {
        TableKey::CertificateLevel => (1..=5_u8).map(|level| level.to_string()).collect(),
        TableKey::Award => AwardScope::ALL
            .iter()
            .flat_map(|&scope| {
                AwardRank::ALL
                    .iter()
                    .map(move |&rank| super::engine::award_key(scope, rank))
            })
            .collect(),
    }
}

/// Outcome kinds whose records carry minutes.
const KINDS_WITH_MINUTES: &[OutcomeKind] = &[
    OutcomeKind::Attendance,
    OutcomeKind::VolunteerService,
    OutcomeKind::Teaching,
    OutcomeKind::OnlineLearning,
    OutcomeKind::ClubActivity,
];

/// Reports a formula that needs something the matched kinds lack.
fn check_formula_fits(matcher: &Match, formula: &Formula, path: &Path, reader: &mut Reader<'_>) {
    let (fits, needs): (fn(OutcomeKind) -> bool, &str) = match formula {
        Formula::PerTime { .. } => (|kind| KINDS_WITH_MINUTES.contains(&kind), "minutes"),
        Formula::CourseCreditValue => (
            |kind| {
                matches!(
                    kind,
                    OutcomeKind::Attendance | OutcomeKind::CourseCompletion
                )
            },
            "a course",
        ),
        Formula::Table {
            key: TableKey::CertificateLevel,
            ..
        } => (
            |kind| kind == OutcomeKind::Certificate,
            "a certificate level",
        ),
        Formula::Table {
            key: TableKey::Award,
            ..
        } => (|kind| kind == OutcomeKind::Award, "an award scope and rank"),
        Formula::Fixed { .. } | Formula::PerEvent { .. } => return,
    };
    for &kind in &matcher.kinds {
        if !fits(kind) {
            reader.report(
                Problem::new(codes::FORMULA_NOT_APPLICABLE, path.clone())
                    .with("formula", formula.type_name())
                    .with("needs", needs)
                    .with("kind", kind.as_str()),
            );
        }
    }
}

fn read_rounding(value: &Value, path: &Path, outer: &mut Reader<'_>) -> Option<Rounding> {
    let allowed = &["mode", "quantum", "minimum", "stage", "period"];
    nested(outer, value, path, "rounding", allowed, |reader| {
        let mode: Option<RoundingMode> = reader.required("mode");
        let quantum = reader.credits("quantum", true, true);
        let minimum = if reader.raw("minimum").is_some() {
            reader.credits("minimum", false, false)
        } else {
            Some(Credits::ZERO)
        };
        let stage_kind: Option<StageKind> = reader.required("stage");
        let period = match reader.child("period") {
            Some((value, path)) => read_period(value, &path, reader),
            None => None,
        };
        let stage = match stage_kind? {
            StageKind::Record => Stage::Record,
            StageKind::LearnerCourse => Stage::LearnerCourse,
            StageKind::Period => match period.clone() {
                Some(Period::RollingDays(_)) => {
                    let problem = Problem::new(codes::ROLLING_STAGE_PERIOD, reader.at("period"));
                    reader.report(problem);
                    return None;
                }
                Some(period) => Stage::Period(period),
                None if reader.raw("period").is_some() => return None,
                None => {
                    let problem =
                        Problem::new(crate::model::codes::REQUIRED_FOR_KIND, reader.at("period"))
                            .with("field", "period")
                            .with("kind", "the period stage");
                    reader.report(problem);
                    return None;
                }
            },
        };
        if stage.kind() != StageKind::Period && reader.raw("period").is_some() {
            let problem = Problem::new(
                crate::model::codes::FIELD_NOT_APPLICABLE,
                reader.at("period"),
            )
            .with("field", "period")
            .with("kind", format!("the {} stage", stage.kind().as_str()));
            reader.report(problem);
        }
        Some(Rounding {
            mode: mode?,
            quantum: quantum?,
            minimum: minimum?,
            stage,
        })
    })
}

fn read_period(value: &Value, path: &Path, outer: &mut Reader<'_>) -> Option<Period> {
    let allowed = &["type", "start", "starts", "days"];
    nested(outer, value, path, "period", allowed, |reader| {
        let kind: String = reader.required("type")?;
        let used: &[&str] = match kind.as_str() {
            "calendar_year" | "lifetime" => &[],
            "year_from" => &["start"],
            "semester" => &["starts"],
            "rolling_days" => &["days"],
            _ => {
                let problem = Problem::new(field_codes::INVALID_CHOICE, reader.at("type"))
                    .with("field", "type")
                    .with("value", kind.as_str())
                    .with(
                        "allowed",
                        "calendar_year, year_from, semester, rolling_days, lifetime",
                    );
                reader.report(problem);
                return None;
            }
        };
        report_inapplicable(reader, &["start", "starts", "days"], used, &kind);
        match kind.as_str() {
            "calendar_year" => Some(Period::CalendarYear),
            "lifetime" => Some(Period::Lifetime),
            "year_from" => {
                let text: String = reader.required("start")?;
                let at = reader.at("start");
                month_day(reader, &text, at, "start").map(Period::YearFrom)
            }
            "semester" => read_semester(reader),
            _ => reader.count("days", 1, true).map(Period::RollingDays),
        }
    })
}

fn month_day(reader: &mut Reader<'_>, text: &str, path: Path, field: &str) -> Option<MonthDay> {
    let parsed = MonthDay::parse(text);
    if parsed.is_none() {
        let problem = Problem::new(codes::INVALID_MONTH_DAY, path)
            .with("field", field)
            .with("value", text);
        reader.report(problem);
    }
    parsed
}

fn read_semester(reader: &mut Reader<'_>) -> Option<Period> {
    let texts: Vec<String> = reader.list("starts");
    let mut starts = Vec::new();
    for (index, text) in texts.iter().enumerate() {
        let at = reader.at("starts").join(index);
        if let Some(day) = month_day(reader, text, at, "starts") {
            starts.push(day);
        }
    }
    if reader.failed {
        return None;
    }
    starts.sort();
    let count = starts.len();
    starts.dedup();
    if starts.len() < 2 || starts.len() != count {
        let problem = Problem::new(codes::INVALID_SEMESTER_STARTS, reader.at("starts"))
            .with("value", texts.join(", "));
        reader.report(problem);
        return None;
    }
    Some(Period::Semester(starts))
}

fn read_caps(reader: &mut Reader<'_>, rules: &[Rule], seen: &mut BTreeSet<String>) -> Vec<Cap> {
    let listed = items(reader, "caps");
    let rule_ids: BTreeSet<&str> = rules.iter().map(|rule| rule.id.as_str()).collect();
    let mut caps = Vec::new();
    for (value, path) in listed {
        let before = reader.problems.len();
        let cap = read_cap(value, &path, &rule_ids, reader.problems);
        if reader.problems.len() > before {
            reader.failed = true;
        }
        report_repeated_id(reader, value, &path, seen);
        caps.extend(cap);
    }
    caps
}

fn read_cap(
    value: &Value,
    path: &Path,
    rule_ids: &BTreeSet<&str>,
    problems: &mut Problems,
) -> Option<Cap> {
    let mut reader = Reader::open(
        value,
        path,
        "cap",
        &["id", "scope", "period", "limit"],
        problems,
    )?;
    let id = reader.identifier("id");
    let scope = match reader.child("scope") {
        Some((value, path)) => read_scope(value, &path, rule_ids, &mut reader),
        None => Some(Scope::default()),
    };
    let period = match reader.child("period") {
        Some((value, path)) => read_period(value, &path, &mut reader),
        None => {
            reader.required_missing("period");
            None
        }
    };
    let limit = match reader.child("limit") {
        Some((value, path)) => read_limit(value, &path, &mut reader),
        None => {
            reader.required_missing("limit");
            None
        }
    };
    if reader.failed {
        return None;
    }
    Some(Cap {
        id: id?,
        scope: scope?,
        period: period?,
        limit: limit?,
    })
}

fn read_scope(
    value: &Value,
    path: &Path,
    rule_ids: &BTreeSet<&str>,
    outer: &mut Reader<'_>,
) -> Option<Scope> {
    let allowed = &["kinds", "categories", "rules"];
    nested(outer, value, path, "scope", allowed, |reader| {
        let kinds: Vec<OutcomeKind> = reader.list("kinds");
        let categories: Vec<Category> = reader.list("categories");
        let rules: Vec<String> = reader.list("rules");
        for (index, rule) in rules.iter().enumerate() {
            if !rule_ids.contains(rule.as_str()) {
                let problem = Problem::new(codes::UNKNOWN_RULE_ID, reader.at("rules").join(index))
                    .with("value", rule.as_str());
                reader.report(problem);
            }
        }
        Some(Scope {
            kinds,
            categories,
            rules,
        })
    })
}

fn read_limit(value: &Value, path: &Path, outer: &mut Reader<'_>) -> Option<Limit> {
    nested(
        outer,
        value,
        path,
        "limit",
        &["amount", "count"],
        |reader| {
            let has_amount = reader.raw("amount").is_some();
            let has_count = reader.raw("count").is_some();
            if has_amount == has_count {
                let problem = Problem::new(codes::INVALID_LIMIT, reader.path.clone());
                reader.report(problem);
                return None;
            }
            if has_amount {
                reader.credits("amount", false, true).map(Limit::Amount)
            } else {
                reader.count("count", 0, true).map(Limit::Count)
            }
        },
    )
}

impl RuleSet {
    /// Checks that every category the rule set names is in `taxonomy`,
    /// reporting `unknown_category` under `path`.
    pub fn check_categories(&self, taxonomy: &Taxonomy, path: &Path) -> Problems {
        let mut problems = Problems::new();
        let mut check = |categories: &[Category], at: Path| {
            for (index, category) in categories.iter().enumerate() {
                if !taxonomy.contains(category) {
                    problems.push(
                        Problem::new(crate::model::codes::UNKNOWN_CATEGORY, at.join(index))
                            .with("field", "categories")
                            .with("value", category.as_str()),
                    );
                }
            }
        };
        for (index, rule) in self.rules.iter().enumerate() {
            let at = path
                .join("rules")
                .join(index)
                .join("match")
                .join("categories");
            check(&rule.matcher.categories, at);
        }
        for (index, cap) in self.caps.iter().enumerate() {
            let at = path
                .join("caps")
                .join(index)
                .join("scope")
                .join("categories");
            check(&cap.scope.categories, at);
        }
        problems
    }
}
