//! Credit operations: rule sets, computing and previewing credits, the
//! ledger (revoke, adjust, expire, balances), transcripts and exports.
//!
//! A rule set is given as the name of a built-in one (`"community"`, or
//! `"community@1"` for a version) or as a rule set document. A ledger is
//! given and returned as a ledger document (format
//! `xuetong.credit-ledger/1`); the core keeps no state between calls.
//! Operations that append to a ledger need `options.recorded_on`, because
//! the library has no clock.

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{Operation, Request, field_option, option, to_value};
use crate::credit::xapi::{LearningEvent, XapiOptions, events_from_ledger, statements};
use crate::credit::{
    Adjustment, CreditContext, DepositOptions, Ledger, RuleSet, codes, compute_credits,
    deposit_batch, presets, rule_set_from_json, transcript,
};
use crate::decimal::Credits;
use crate::field::FieldValue;
use crate::id::LearnerId;
use crate::model::{Category, CategoryDef, Course, Learner, Outcome, Taxonomy, Venue};
use crate::problem::{Path, PathSegment, Problem, Problems, codes as field_codes};
use crate::record::{Record, check_known_fields, json_kind, list_from_json, path_tail};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "list_rule_sets",
        summary: "Lists the built-in credit rule sets with their full documents.",
        handler: list_rule_sets,
    },
    Operation {
        name: "validate_rule_set",
        summary: "Validates a credit rule set document and returns it normalized with its fingerprint.",
        handler: validate_rule_set,
    },
    Operation {
        name: "compute_credits",
        summary: "Computes credits for outcomes under a rule set and records them in a ledger (options.recorded_on required).",
        handler: compute,
    },
    Operation {
        name: "preview_credits",
        summary: "Shows what one learner's outcomes would earn under a rule set, drafts included, without a ledger.",
        handler: preview,
    },
    Operation {
        name: "revoke_entry",
        summary: "Appends a revocation of one ledger entry with a reason (options.recorded_on required).",
        handler: revoke,
    },
    Operation {
        name: "adjust_credits",
        summary: "Appends a manual adjustment with a reason to a ledger (options.recorded_on required).",
        handler: adjust,
    },
    Operation {
        name: "expire_credits",
        summary: "Appends expiries for accruals whose validity ended by options.as_of (by default options.recorded_on, which is required).",
        handler: expire,
    },
    Operation {
        name: "credit_balances",
        summary: "Derives every learner's balance per rule set from a ledger.",
        handler: balances,
    },
    Operation {
        name: "transcript",
        summary: "Sums one learner's ledger entries by rule set, year, kind and category, listing the entries behind each total.",
        handler: learner_transcript,
    },
    Operation {
        name: "export_credit_bank",
        summary: "Writes ledger entries as a credit-bank deposit batch in JSON Lines with idempotency keys.",
        handler: export_credit_bank,
    },
    Operation {
        name: "export_xapi",
        summary: "Builds xAPI 1.0.3 statements from learning events and a ledger's credit entries.",
        handler: export_xapi,
    },
];

/// Returns the fields of the operation's input object and reports unknown ones.
fn input_object<'a>(
    request: &Request<'a>,
    allowed: &[&str],
    problems: &mut Problems,
) -> Option<&'a Map<String, Value>> {
    let Value::Object(object) = request.input else {
        problems.push(
            Problem::new(field_codes::INVALID_TYPE, Path::root())
                .with("field", "input")
                .with("expected", "an object")
                .with("value", json_kind(request.input)),
        );
        return None;
    };
    check_known_fields(object, allowed, &Path::root(), problems);
    Some(object)
}

/// Returns field `key` of the input when it has a value. As with a record
/// field, a missing field, `null` and a string that is empty once trimmed
/// as CSV cells are all count as no value.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !super::is_left_out(value))
}

fn required<'a>(
    object: &'a Map<String, Value>,
    key: &'static str,
    problems: &mut Problems,
) -> Option<&'a Value> {
    let value = present(object, key);
    if value.is_none() {
        problems
            .push(Problem::new(field_codes::REQUIRED, Path::root().join(key)).with("field", key));
    }
    value
}

/// Reads a field value at the top of the input.
fn field<T: FieldValue>(value: &Value, key: &'static str, problems: &mut Problems) -> Option<T> {
    T::from_json(value)
        .map_err(|invalid| {
            problems.push(super::field_problem(
                Path::root().join(key),
                key,
                value,
                invalid,
            ));
        })
        .ok()
}

/// Reads text field `key` that the ledger checks for blanks itself: a
/// missing or blank one is empty text, and an invalid one is `None` with a
/// problem.
fn ledger_text(
    object: &Map<String, Value>,
    key: &'static str,
    problems: &mut Problems,
) -> Option<String> {
    match present(object, key) {
        None => Some(String::new()),
        Some(value) => field(value, key, problems),
    }
}

fn required_field<T: FieldValue>(
    object: &Map<String, Value>,
    key: &'static str,
    problems: &mut Problems,
) -> Option<T> {
    required(object, key, problems).and_then(|value| field(value, key, problems))
}

/// Reads a rule set given by built-in name or as a document at `path`.
/// Problems of the value itself name the field at the end of `path`.
pub(super) fn read_rule_set(value: &Value, path: Path, problems: &mut Problems) -> Option<RuleSet> {
    if let Value::String(name) = value {
        let found = presets::find_by_name(name);
        if found.is_none() {
            problems.push(
                Problem::new(codes::UNKNOWN_RULE_SET, path.clone())
                    .with("field", path_tail(&path))
                    .with("value", crate::field::trim_spaces(name)),
            );
        }
        return found;
    }
    if !value.is_object() {
        problems.push(
            Problem::new(field_codes::INVALID_TYPE, path.clone())
                .with("field", path_tail(&path))
                .with(
                    "expected",
                    "the name of a built-in rule set (text) or a rule set document (an object)",
                )
                .with("value", json_kind(value)),
        );
        return None;
    }
    match rule_set_from_json(value, &path) {
        Ok(rule_set) => Some(rule_set),
        Err(found) => {
            problems.extend(found);
            None
        }
    }
}

fn read_records<T: crate::record::Record>(
    object: &Map<String, Value>,
    key: &'static str,
    problems: &mut Problems,
) -> Vec<T> {
    match present(object, key) {
        None => Vec::new(),
        Some(value) => list_from_json(value, &Path::root().join(key)).unwrap_or_else(|found| {
            problems.extend(found);
            Vec::new()
        }),
    }
}

/// Reads the learners a computation is limited to: learner ids, or learner
/// records as in a bundle's `learners.csv`.
fn read_learner_ids(value: &Value, problems: &mut Problems) -> Vec<LearnerId> {
    let path = Path::root().join("learners");
    let Value::Array(items) = value else {
        problems.push(
            Problem::new(field_codes::INVALID_TYPE, path)
                .with("field", "learners")
                .with("expected", "a list")
                .with("value", json_kind(value)),
        );
        return Vec::new();
    };
    let mut ids = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let at = path.join(index);
        if item.is_object() {
            match Learner::from_json(item, &at) {
                Ok(learner) => ids.push(learner.id),
                Err(found) => problems.extend(found),
            }
            continue;
        }
        match LearnerId::from_json(item) {
            Ok(id) => ids.push(id),
            Err(invalid) => problems.push(
                Problem::new(invalid.code, at)
                    .with("field", "learners")
                    .with(
                        "value",
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned),
                    ),
            ),
        }
    }
    ids
}

fn read_ledger(value: Option<&Value>, problems: &mut Problems) -> Option<Ledger> {
    match value {
        None => Some(Ledger::new()),
        Some(value) => read_ledger_document(value, &Path::root().join("ledger"), problems),
    }
}

/// Reads a ledger document at `path`. A value that is not an object is
/// `invalid_type` naming the field at the end of `path`, as the request
/// wrote it.
pub(super) fn read_ledger_document(
    value: &Value,
    path: &Path,
    problems: &mut Problems,
) -> Option<Ledger> {
    if !value.is_object() {
        problems.push(
            Problem::new(field_codes::INVALID_TYPE, path.clone())
                .with("field", path_tail(path))
                .with("expected", "an object")
                .with("value", json_kind(value)),
        );
        return None;
    }
    Ledger::from_json(value, path)
        .map_err(|found| problems.extend(found))
        .ok()
}

fn required_date(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<NaiveDate> {
    match field_option::<NaiveDate>(request, name) {
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            problems.push(
                Problem::new(
                    field_codes::REQUIRED,
                    Path::root().join("options").join(name),
                )
                .with("field", name),
            );
            None
        }
        Err(found) => {
            problems.extend(found);
            None
        }
    }
}

fn optional_date(
    request: &Request<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<NaiveDate> {
    field_option::<NaiveDate>(request, name).unwrap_or_else(|found| {
        problems.extend(found);
        None
    })
}

/// Reads the context fields shared by `compute_credits` and
/// `preview_credits`.
fn read_context(object: &Map<String, Value>, problems: &mut Problems) -> CreditContext {
    let courses: Vec<Course> = read_records(object, "courses", problems);
    let venues: Vec<Venue> = read_records(object, "venues", problems);
    let categories: Vec<CategoryDef> = read_records(object, "categories", problems);
    let taxonomy = Taxonomy::extended(&categories).unwrap_or_else(|found| {
        for mut problem in found {
            let mut segments = vec!["categories".into()];
            segments.extend(problem.path.0);
            problem.path = Path(segments);
            problems.push(problem);
        }
        Taxonomy::built_in()
    });
    for (index, course) in courses.iter().enumerate() {
        if !taxonomy.contains(&course.category) {
            problems.push(
                Problem::new(
                    crate::model::codes::UNKNOWN_CATEGORY,
                    Path::root().join("courses").join(index).join("category"),
                )
                .with("field", "category")
                .with("value", course.category.as_str()),
            );
        }
    }
    CreditContext::new(courses, venues, taxonomy)
}

fn list_rule_sets(_: &Request<'_>) -> Result<Value, Problems> {
    let documents: Vec<Value> = presets::all()
        .iter()
        .map(|rule_set| {
            json!({
                "id": rule_set.id,
                "version": rule_set.version,
                "label": rule_set.label(),
                "fingerprint": rule_set.pin().fingerprint.to_string(),
                "document": rule_set.to_json(),
            })
        })
        .collect();
    Ok(Value::Array(documents))
}

fn validate_rule_set(request: &Request<'_>) -> Result<Value, Problems> {
    let rule_set = rule_set_from_json(request.input, &Path::root())?;
    let definitions: Vec<CategoryDef> = option(request, "categories")?.unwrap_or_default();
    let taxonomy = Taxonomy::extended(&definitions).unwrap_or_default();
    rule_set
        .check_categories(&taxonomy, &Path::root())
        .into_result(())?;
    Ok(json!({
        "document": rule_set.to_json(),
        "fingerprint": rule_set.pin().fingerprint.to_string(),
    }))
}

const COMPUTE_FIELDS: &[&str] = &[
    "rule_set",
    "outcomes",
    "courses",
    "venues",
    "categories",
    "learners",
    "ledger",
];

fn compute(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let recorded_on = required_date(request, "recorded_on", &mut problems);
    let Some(object) = input_object(request, COMPUTE_FIELDS, &mut problems) else {
        return Err(problems);
    };
    let rule_set = required(object, "rule_set", &mut problems)
        .and_then(|value| read_rule_set(value, Path::root().join("rule_set"), &mut problems));
    let outcomes: Vec<Outcome> = read_records(object, "outcomes", &mut problems);
    let learners = present(object, "learners").map(|value| read_learner_ids(value, &mut problems));
    let mut context = read_context(object, &mut problems);
    if let Some(learners) = learners {
        context = context.with_learners(learners);
    }
    let ledger = read_ledger(present(object, "ledger"), &mut problems);
    if let Some(rule_set) = &rule_set {
        problems
            .extend(rule_set.check_categories(context.taxonomy(), &Path::root().join("rule_set")));
    }
    let (Some(rule_set), Some(mut ledger), Some(recorded_on)) = (rule_set, ledger, recorded_on)
    else {
        return Err(problems);
    };
    problems.into_result(())?;
    let context = context.with_recorded_on(recorded_on);
    let computation = compute_credits(&rule_set, &context, &outcomes)?;
    let appended = ledger
        .record(&computation, recorded_on)
        .map_err(dates_at_options)?;
    Ok(json!({
        "rule_set": to_value(&computation.rule_set)?,
        "accruals": to_value(&computation.accruals)?,
        "skipped": to_value(&computation.skipped)?,
        "appended": to_value(&appended)?,
        "balances": to_value(&ledger.balances(None))?,
        "ledger": ledger.to_json(),
    }))
}

fn preview(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let allowed = &[
        "rule_set",
        "learner_id",
        "outcomes",
        "courses",
        "venues",
        "categories",
    ];
    let Some(object) = input_object(request, allowed, &mut problems) else {
        return Err(problems);
    };
    let rule_set = required(object, "rule_set", &mut problems)
        .and_then(|value| read_rule_set(value, Path::root().join("rule_set"), &mut problems));
    let learner: Option<LearnerId> = required_field(object, "learner_id", &mut problems);
    let outcomes: Vec<Outcome> = read_records(object, "outcomes", &mut problems);
    let context = read_context(object, &mut problems);
    if let Some(rule_set) = &rule_set {
        problems
            .extend(rule_set.check_categories(context.taxonomy(), &Path::root().join("rule_set")));
    }
    let (Some(rule_set), Some(learner)) = (rule_set, learner) else {
        return Err(problems);
    };
    problems.into_result(())?;
    let own: Vec<Outcome> = outcomes
        .into_iter()
        .filter(|outcome| outcome.learner_id == learner)
        .collect();
    let computation = compute_credits(&rule_set, &context.with_learners([learner]), &own)?;
    Ok(json!({
        "learner_id": learner.to_string(),
        "rule_set": to_value(&computation.rule_set)?,
        "status": rule_set.status.as_str(),
        "total": computation.total_for(learner).to_string(),
        "accruals": to_value(&computation.accruals)?,
        "skipped": to_value(&computation.skipped)?,
    }))
}

fn ledger_only(
    request: &Request<'_>,
    extra: &[&str],
    problems: &mut Problems,
) -> Option<(Ledger, Map<String, Value>)> {
    let mut allowed = vec!["ledger"];
    allowed.extend_from_slice(extra);
    let object = input_object(request, &allowed, problems)?;
    let ledger =
        required(object, "ledger", problems).and_then(|value| read_ledger(Some(value), problems));
    ledger.map(|ledger| (ledger, object.clone()))
}

fn revoke(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let recorded_on = required_date(request, "recorded_on", &mut problems);
    let read = ledger_only(request, &["entry_id", "reason"], &mut problems);
    let entry_id = read
        .as_ref()
        .and_then(|(_, object)| required(object, "entry_id", &mut problems).cloned());
    // Trimmed as an id field of a record is.
    let parse = |text: &str| Uuid::parse_str(crate::field::trim_spaces(text));
    let entry_id = entry_id.and_then(|value| match value.as_str().map(parse) {
        Some(Ok(id)) => Some(id),
        _ => {
            problems.push(
                Problem::new(field_codes::INVALID_UUID, Path::root().join("entry_id"))
                    .with("field", "entry_id")
                    .with(
                        "value",
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned),
                    ),
            );
            None
        }
    });
    let reason: Option<String> = read
        .as_ref()
        .and_then(|(_, object)| required(object, "reason", &mut problems).cloned())
        .and_then(|value| field(&value, "reason", &mut problems));
    let (Some((mut ledger, _)), Some(entry_id), Some(reason), Some(recorded_on)) =
        (read, entry_id, reason, recorded_on)
    else {
        return Err(problems);
    };
    problems.into_result(())?;
    let appended = ledger
        .revoke(entry_id, recorded_on, reason)
        .map_err(dates_at_options)?;
    Ok(json!({
        "appended": to_value(&appended)?,
        "balances": to_value(&ledger.balances(None))?,
        "ledger": ledger.to_json(),
    }))
}

fn adjust(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let recorded_on = required_date(request, "recorded_on", &mut problems);
    let fields = &[
        "learner_id",
        "rule_set_id",
        "rule_set_version",
        "key",
        "amount",
        "reason",
        "occurred_on",
        "category",
    ];
    let Some((mut ledger, object)) = ledger_only(request, fields, &mut problems) else {
        return Err(problems);
    };
    let learner_id: Option<LearnerId> = required_field(&object, "learner_id", &mut problems);
    let rule_set_id: Option<String> = required_field(&object, "rule_set_id", &mut problems);
    let rule_set_version: Option<u32> = required_field(&object, "rule_set_version", &mut problems);
    // The ledger reports a blank key or reason as `required` together with
    // its other checks of the adjustment, such as a zero amount, so a
    // missing or blank one is passed on as empty text.
    let key: Option<String> = ledger_text(&object, "key", &mut problems);
    let amount: Option<Credits> = required_field(&object, "amount", &mut problems);
    let reason: Option<String> = ledger_text(&object, "reason", &mut problems);
    let occurred_on: Option<NaiveDate> = required_field(&object, "occurred_on", &mut problems);
    let category: Option<Category> = present(&object, "category")
        .cloned()
        .and_then(|value| field(&value, "category", &mut problems));
    if let Some(id) = &rule_set_id
        && !crate::credit::is_identifier(id)
    {
        problems.push(
            Problem::new(codes::INVALID_RULE_ID, Path::root().join("rule_set_id"))
                .with("field", "rule_set_id")
                .with("value", id.as_str()),
        );
    }
    // Every field that was not read has a problem, and then the ledger
    // does not run, so a blank key or reason is reported here instead.
    if !problems.is_empty() {
        for (name, text) in [("key", &key), ("reason", &reason)] {
            if text.as_deref() == Some("") {
                problems.push(
                    Problem::new(field_codes::REQUIRED, Path::root().join(name))
                        .with("field", name),
                );
            }
        }
    }
    let (
        Some(learner_id),
        Some(rule_set_id),
        Some(rule_set_version),
        Some(key),
        Some(amount),
        Some(reason),
        Some(occurred_on),
        Some(recorded_on),
    ) = (
        learner_id,
        rule_set_id,
        rule_set_version,
        key,
        amount,
        reason,
        occurred_on,
        recorded_on,
    )
    else {
        return Err(problems);
    };
    problems.into_result(())?;
    let entry = ledger
        .adjust(Adjustment {
            learner_id,
            rule_set_id,
            rule_set_version,
            key,
            amount,
            reason,
            occurred_on,
            recorded_on,
            category,
        })
        .map_err(dates_at_options)?;
    Ok(json!({
        "entry": to_value(&entry)?,
        "balances": to_value(&ledger.balances(None))?,
        "ledger": ledger.to_json(),
    }))
}

fn expire(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let recorded_on = required_date(request, "recorded_on", &mut problems);
    let as_of = optional_date(request, "as_of", &mut problems);
    let read = ledger_only(request, &[], &mut problems);
    let (Some((mut ledger, _)), Some(recorded_on)) = (read, recorded_on) else {
        return Err(problems);
    };
    problems.into_result(())?;
    let appended = ledger
        .expire(as_of.unwrap_or(recorded_on), recorded_on)
        .map_err(dates_at_options)?;
    Ok(json!({
        "appended": to_value(&appended)?,
        "balances": to_value(&ledger.balances(None))?,
        "ledger": ledger.to_json(),
    }))
}

fn balances(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let as_of = optional_date(request, "as_of", &mut problems);
    let read = ledger_only(request, &[], &mut problems);
    let Some((ledger, _)) = read else {
        return Err(problems);
    };
    problems.into_result(())?;
    to_value(&ledger.balances(as_of))
}

fn learner_transcript(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let as_of = optional_date(request, "as_of", &mut problems);
    let read = ledger_only(request, &["learner_id"], &mut problems);
    let learner: Option<LearnerId> = read
        .as_ref()
        .and_then(|(_, object)| required_field(object, "learner_id", &mut problems));
    let (Some((ledger, _)), Some(learner)) = (read, learner) else {
        return Err(problems);
    };
    problems.into_result(())?;
    to_value(&transcript(&ledger, learner, as_of))
}

fn export_credit_bank(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let platform = match field_option::<String>(request, "platform") {
        Ok(Some(platform)) => Some(platform),
        Ok(None) => {
            problems.push(
                Problem::new(
                    field_codes::REQUIRED,
                    Path::root().join("options").join("platform"),
                )
                .with("field", "platform"),
            );
            None
        }
        Err(found) => {
            problems.extend(found);
            None
        }
    };
    let recorded_from = optional_date(request, "recorded_from", &mut problems);
    let recorded_to = optional_date(request, "recorded_to", &mut problems);
    let include_zero = field_option::<bool>(request, "include_zero").unwrap_or_else(|found| {
        problems.extend(found);
        None
    });
    let read = ledger_only(request, &[], &mut problems);
    let (Some((ledger, _)), Some(platform)) = (read, platform) else {
        return Err(problems);
    };
    problems.into_result(())?;
    let options = DepositOptions {
        platform,
        recorded_from,
        recorded_to,
        include_zero: include_zero.unwrap_or(false),
    };
    let batch = deposit_batch(&ledger, &options).map_err(at_options)?;
    Ok(json!({
        "batch_id": batch.batch_id.to_string(),
        "deposits": to_value(&batch.deposits)?,
        "json_lines": batch.to_json_lines(),
    }))
}

/// Moves the problems that the ledger reports about the dates it was
/// handed (`recorded_on`, `as_of`) under `["options", ...]`, where the
/// request gives them.
fn dates_at_options(problems: Problems) -> Problems {
    let mut moved = Problems::new();
    for mut problem in problems {
        let is_date_option = matches!(
            problem.path.segments().first(),
            Some(PathSegment::Key(key)) if key == "recorded_on" || key == "as_of"
        );
        if is_date_option {
            let mut segments = vec!["options".into()];
            segments.extend(problem.path.0);
            problem.path = Path(segments);
        }
        moved.push(problem);
    }
    moved
}

/// Puts `prefix` in front of the path of every problem.
fn under(problems: Problems, prefix: &[&'static str]) -> Problems {
    let mut moved = Problems::new();
    for mut problem in problems {
        let mut segments: Vec<PathSegment> = prefix.iter().map(|&key| key.into()).collect();
        segments.extend(problem.path.0);
        problem.path = Path(segments);
        moved.push(problem);
    }
    moved
}

/// Moves problems about options under `["options", ...]`.
fn at_options(problems: Problems) -> Problems {
    let mut moved = Problems::new();
    for mut problem in problems {
        let mut segments = vec!["options".into()];
        segments.extend(problem.path.0);
        problem.path = Path(segments);
        moved.push(problem);
    }
    moved
}

fn export_xapi(request: &Request<'_>) -> Result<Value, Problems> {
    let mut problems = Problems::new();
    let home_page = match field_option::<String>(request, "home_page") {
        Ok(Some(home_page)) => Some(home_page),
        Ok(None) => {
            problems.push(
                Problem::new(
                    field_codes::REQUIRED,
                    Path::root().join("options").join("home_page"),
                )
                .with("field", "home_page"),
            );
            None
        }
        Err(found) => {
            problems.extend(found);
            None
        }
    };
    let activity_base = field_option::<String>(request, "activity_base").unwrap_or_else(|found| {
        problems.extend(found);
        None
    });
    let zone = match field_option::<Tz>(request, "time_zone") {
        Ok(zone) => Some(zone.unwrap_or(chrono_tz::Asia::Shanghai)),
        Err(found) => {
            problems.extend(found);
            None
        }
    };
    let mut events = Vec::new();
    let mut ledger = None;
    if let Some(object) = input_object(request, &["events", "ledger"], &mut problems) {
        if let Some(value) = present(object, "events") {
            events = read_events(value, &mut problems);
        }
        if let Some(value) = present(object, "ledger") {
            ledger = read_ledger(Some(value), &mut problems);
        }
    }
    let built = home_page.map(|home_page| {
        let checked_zone = zone.unwrap_or(chrono_tz::UTC);
        XapiOptions::new(&home_page, checked_zone).and_then(|options| match &activity_base {
            Some(base) => options.with_activity_base(base),
            None => Ok(options),
        })
    });
    let options = match built {
        Some(Ok(options)) => Some(options),
        Some(Err(found)) => {
            problems.extend(at_options(found));
            None
        }
        None => None,
    };
    let (Some(options), Some(_)) = (options, zone) else {
        return Err(problems);
    };
    problems.into_result(())?;
    let mut built = statements(&events, &options).map_err(|found| under(found, &["events"]))?;
    if let Some(ledger) = &ledger {
        let credit_events = events_from_ledger(ledger, options.time_zone);
        built.extend(statements(&credit_events, &options).map_err(|found| {
            // Entries carry dates only, so only a date beyond the year 9999
            // ends up here; the ledger as a whole is named.
            let mut moved = Problems::new();
            for mut problem in found {
                problem.path = Path::root().join("ledger");
                moved.push(problem);
            }
            moved
        })?);
    }
    Ok(json!({ "statements": built }))
}

fn read_events(value: &Value, problems: &mut Problems) -> Vec<LearningEvent> {
    let path = Path::root().join("events");
    let Value::Array(items) = value else {
        problems.push(
            Problem::new(field_codes::INVALID_TYPE, path)
                .with("field", "events")
                .with("expected", "a list")
                .with("value", json_kind(value)),
        );
        return Vec::new();
    };
    let mut events = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match serde_json::from_value::<LearningEvent>(item.clone()) {
            Ok(event) => events.push(event),
            Err(error) => problems.push(
                Problem::new(super::codes::INVALID_REQUEST, path.join(index))
                    .with(
                        "detail",
                        format!(
                            "event {index}: {error}; instants need a UTC offset, such as \
                             2026-03-02T09:30:00+08:00, and docs/credits.md lists the fields of each event"
                        ),
                    ),
            ),
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::call_value;

    #[test]
    fn rule_set_type_message_in_chinese() {
        let request = json!({"locale": "zh-CN", "input": {"rule_set": 5, "outcomes": []}});

        let response = call_value("compute_credits", &request).to_json();

        let problems = response["problems"].as_array().unwrap();
        let problem = problems
            .iter()
            .find(|problem| problem["code"] == "invalid_type")
            .unwrap();
        assert_eq!(
            problem["message"],
            "rule_set 应为内置规则集的名称（文本）或规则集文档（对象），实际为数字"
        );
    }
}
