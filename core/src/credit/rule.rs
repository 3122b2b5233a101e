//! The rule model: rule sets, rules, formulas, rounding, caps and periods.
//!
//! Every type here is plain data. Its JSON form is written by `to_json` and
//! read, with every problem reported, by [`super::parse_rule_set`]; serde's
//! `Serialize` and `Deserialize` go through the same two functions, so the
//! serde form and the validated form are one.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Days, NaiveDate};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::decimal::Credits;
use crate::id::NAMESPACE;
use crate::model::{Category, OutcomeKind, Role, VenueTier};

/// The `format` of a rule set document.
pub const RULE_SET_FORMAT: &str = "xuetong.credit-rules/1";

crate::text_enum! {
    /// Whether a rule set may still change.
    pub enum RuleSetStatus {
        /// Still being written: usable for previews, not for a ledger.
        Draft = "draft",
        /// Frozen: a change needs a new version.
        Published = "published",
    }
}

crate::text_enum! {
    /// The direction in which an exact amount is rounded to a multiple of
    /// the quantum.
    pub enum RoundingMode {
        /// Toward zero: 0.19 becomes 0.10 with a quantum of 0.10.
        Down = "down",
        /// To the nearest multiple, halves away from zero: 0.05 becomes 0.10.
        HalfUp = "half_up",
        /// Away from zero: 0.11 becomes 0.20 with a quantum of 0.10.
        Up = "up",
    }
}

crate::text_enum! {
    /// Where rounding happens, which decides what is summed before it.
    pub enum StageKind {
        /// Each outcome record is rounded on its own.
        Record = "record",
        /// Records are summed per learner and course (per club for club
        /// activities, per resource for online learning) and rounded once.
        LearnerCourse = "learner_course",
        /// Records are summed per learner and period and rounded once.
        /// Under both summing stages, each category is summed on its own.
        Period = "period",
    }
}

crate::text_enum! {
    /// The kind of outcome credited only once per learner.
    pub enum Dedup {
        /// Every outcome is credited.
        Off = "none",
        /// One course code (or course id, when the course has no code) is
        /// credited once, at the best attempt.
        Course = "course",
        /// One certificate code is credited once, at the best attempt.
        CertificateCode = "certificate_code",
    }
}

crate::text_enum! {
    /// The outcome field a table formula looks up.
    pub enum TableKey {
        /// The vocational qualification level, keys `1` to `5`.
        CertificateLevel = "certificate_level",
        /// The award scope and rank, keys such as `national.first`.
        Award = "award",
    }
}

/// A rule set: the rules that turn outcomes into credits, versioned and
/// frozen once published.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSet {
    /// The rule set's identifier, such as `community`.
    pub id: String,
    /// The version, from 1; a published version never changes.
    pub version: u32,
    /// Whether the rule set is a draft or published.
    pub status: RuleSetStatus,
    /// A short title.
    pub title: String,
    /// The rule set's purpose and the source of its numbers.
    pub description: Option<String>,
    /// The first occurrence date the rule set applies to.
    pub effective_from: NaiveDate,
    /// The last occurrence date the rule set applies to, if it ends.
    pub effective_to: Option<NaiveDate>,
    /// The rules, tried in order; the first that matches an outcome applies.
    pub rules: Vec<Rule>,
    /// The caps, applied to every credited amount in their scope.
    pub caps: Vec<Cap>,
}

/// One rule: which outcomes it matches and how they become credits.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule's identifier, unique in its rule set.
    pub id: String,
    /// A description of what the rule credits, for people.
    pub description: Option<String>,
    /// The outcomes the rule applies to.
    pub matcher: Match,
    /// Conditions an outcome must meet to be credited.
    pub gates: Gates,
    /// The maximum minutes one learner may count per day for one course,
    /// club or online resource. Minutes beyond it stay in the record but
    /// earn nothing.
    pub daily_minutes_limit: Option<u32>,
    /// The formula of the exact amount.
    pub formula: Formula,
    /// The rounding of the exact amount, and its stage.
    pub rounding: Rounding,
    /// Whether one course or certificate is credited once.
    pub dedup: Dedup,
    /// How many years credits stay valid; `None` means they never expire.
    pub validity_years: Option<u32>,
}

/// The outcomes a rule applies to. An empty list matches anything.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Match {
    /// Outcome kinds.
    pub kinds: Vec<OutcomeKind>,
    /// Categories; a category also matches its subcategories.
    pub categories: Vec<Category>,
    /// Tiers of the venue that provides the outcome's course.
    pub provider_tiers: Vec<VenueTier>,
    /// The capacity in which the outcome was earned.
    pub role: Option<Role>,
    /// Whether the outcome's course must declare a credit value (`true`) or
    /// must not (`false`).
    pub declared_credit_value: Option<bool>,
}

/// Conditions an outcome must meet to be credited.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gates {
    /// The minimum minutes of one record.
    pub min_minutes: Option<u32>,
    /// Whether the learner must have completed the record's course.
    pub completion_required: bool,
    /// Whether the record must name its evidence.
    pub evidence_required: bool,
    /// Whether the record must be an assessment marked passed, so that a
    /// rule matching assessments credits passed ones only.
    pub passed_required: bool,
}

/// The computation of a unit's exact amount before rounding. A unit is a
/// record, or the records the rounding stage sums.
#[derive(Clone, Debug, PartialEq)]
pub enum Formula {
    /// `credits` for every `minutes` minutes, in exact proportion: 90 minutes
    /// at 0.10 per 60 minutes is exactly 0.15 before rounding.
    PerTime {
        /// The length of time that earns `credits`.
        minutes: u32,
        /// The credits earned for `minutes` minutes.
        credits: Credits,
    },
    /// A fixed amount per unit, however many records it sums.
    Fixed {
        /// The amount.
        credits: Credits,
    },
    /// A fixed amount per record.
    PerEvent {
        /// The amount per record.
        credits: Credits,
    },
    /// The credit value declared by the course, once per course in the unit.
    CourseCreditValue,
    /// An amount looked up per record in a table.
    Table {
        /// The outcome field looked up.
        key: TableKey,
        /// The amount for each key.
        entries: BTreeMap<String, Credits>,
    },
}

impl Formula {
    /// The formula's `type` as written in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::PerTime { .. } => "per_time",
            Self::Fixed { .. } => "fixed",
            Self::PerEvent { .. } => "per_event",
            Self::CourseCreditValue => "course_credit_value",
            Self::Table { .. } => "table",
        }
    }
}

/// The stage at which rounding happens.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Each record on its own.
    Record,
    /// Per learner and course, club or online resource.
    LearnerCourse,
    /// Per learner and period.
    Period(Period),
}

impl Stage {
    /// The stage's kind.
    pub fn kind(&self) -> StageKind {
        match self {
            Self::Record => StageKind::Record,
            Self::LearnerCourse => StageKind::LearnerCourse,
            Self::Period(_) => StageKind::Period,
        }
    }
}

/// The rounding of an exact amount: direction, quantum, minimum and stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Rounding {
    /// The rounding direction.
    pub mode: RoundingMode,
    /// The amount is rounded to a multiple of this; above zero.
    pub quantum: Credits,
    /// Rounded amounts below this are not awarded.
    pub minimum: Credits,
    /// The stage at which rounding happens.
    pub stage: Stage,
}

/// A limit on what one learner is credited in a scope and period.
#[derive(Clone, Debug, PartialEq)]
pub struct Cap {
    /// The cap's identifier, unique in its rule set.
    pub id: String,
    /// The credited amounts that count toward the cap.
    pub scope: Scope,
    /// The windows of dates the cap counts in.
    pub period: Period,
    /// The limit.
    pub limit: Limit,
}

/// The credited amounts a cap counts. An empty list matches anything, so
/// the empty scope is every amount of the rule set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scope {
    /// Outcome kinds.
    pub kinds: Vec<OutcomeKind>,
    /// Categories, with their subcategories.
    pub categories: Vec<Category>,
    /// Rule ids.
    pub rules: Vec<String>,
}

/// A cap's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// At most this many credits.
    Amount(Credits),
    /// At most this many credited units (records or sums).
    Count(u32),
}

/// A day of the year, written `MM-DD`; 29 February is not allowed because
/// most years lack it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MonthDay {
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month.
    pub day: u32,
}

impl MonthDay {
    /// The day `month`-`day`, or `None` when it is not a day of every year.
    pub fn new(month: u32, day: u32) -> Option<Self> {
        let valid = NaiveDate::from_ymd_opt(2023, month, day).is_some();
        valid.then_some(Self { month, day })
    }

    /// Reads `MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 5 || bytes[2] != b'-' {
            return None;
        }
        let digits = |part: &str| -> Option<u32> {
            part.bytes()
                .all(|byte| byte.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        Self::new(digits(text.get(0..2)?)?, digits(text.get(3..5)?)?)
    }

    /// This day in `year`.
    fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// A way of dividing time into the windows that caps and period rounding
/// count in.
#[derive(Clone, Debug, PartialEq)]
pub enum Period {
    /// 1 January to 31 December.
    CalendarYear,
    /// A year that starts on the given day, such as an academic year from
    /// 1 September.
    YearFrom(MonthDay),
    /// Semesters that start on the given days each year, sorted; each runs
    /// to the day before the next start.
    Semester(Vec<MonthDay>),
    /// The given number of days ending on the date counted, inclusive.
    RollingDays(u32),
    /// All time.
    Lifetime,
}

/// The dates of one window, both inclusive; `None` means unbounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// The first day.
    pub start: Option<NaiveDate>,
    /// The last day.
    pub end: Option<NaiveDate>,
}

impl Window {
    /// Whether `date` lies in the window.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|start| start <= date) && self.end.is_none_or(|end| date <= end)
    }
}

impl Period {
    /// The period's `type` as written in JSON.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::CalendarYear => "calendar_year",
            Self::YearFrom(_) => "year_from",
            Self::Semester(_) => "semester",
            Self::RollingDays(_) => "rolling_days",
            Self::Lifetime => "lifetime",
        }
    }

    /// The window that `date` falls in. Dates too far from the common era
    /// for the calendar to compute get an unbounded side.
    pub fn window(&self, date: NaiveDate) -> Window {
        match self {
            Self::CalendarYear => Window {
                start: NaiveDate::from_ymd_opt(date.year(), 1, 1),
                end: NaiveDate::from_ymd_opt(date.year(), 12, 31),
            },
            Self::YearFrom(start) => starts_window(std::slice::from_ref(start), date),
            Self::Semester(starts) => starts_window(starts, date),
            Self::RollingDays(days) => Window {
                start: date.checked_sub_days(Days::new(u64::from(days.saturating_sub(1)))),
                end: Some(date),
            },
            Self::Lifetime => Window {
                start: None,
                end: None,
            },
        }
    }
}

/// The window between the latest start on or before `date` and the day
/// before the next start, for starts that repeat every year.
fn starts_window(starts: &[MonthDay], date: NaiveDate) -> Window {
    let year = date.year();
    let mut candidates: Vec<NaiveDate> = [year - 1, year, year + 1]
        .iter()
        .flat_map(|&y| starts.iter().filter_map(move |start| start.in_year(y)))
        .collect();
    candidates.sort();
    candidates.dedup();
    let start = candidates.iter().rev().find(|&&day| day <= date).copied();
    let next = candidates.iter().find(|&&day| day > date).copied();
    Window {
        start,
        end: next.and_then(|day| day.pred_opt()),
    }
}

/// The rule set, version and fingerprint a ledger entry was computed under.
#[derive(
    Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(deny_unknown_fields)]
pub struct RuleSetPin {
    /// The rule set's id.
    pub id: String,
    /// Its version.
    pub version: u32,
    /// A UUID version 5 over the rule set's JSON form, so that a changed
    /// rule set published under an old version is noticed.
    pub fingerprint: Uuid,
}

impl RuleSet {
    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// Whether `date` lies in the rule set's effective period.
    pub fn is_effective_on(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }

    /// The rule set's `id@version` label, such as `community@1`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// The pin that ledger entries computed under this rule set carry.
    pub fn pin(&self) -> RuleSetPin {
        let text = self.to_json().to_string();
        RuleSetPin {
            id: self.id.clone(),
            version: self.version,
            fingerprint: Uuid::new_v5(&NAMESPACE, format!("credit_rules:{text}").as_bytes()),
        }
    }

    /// Writes the rule set's JSON form.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("format".into(), RULE_SET_FORMAT.into());
        object.insert("id".into(), self.id.clone().into());
        object.insert("version".into(), self.version.into());
        object.insert("status".into(), self.status.as_str().into());
        object.insert("title".into(), self.title.clone().into());
        if let Some(description) = &self.description {
            object.insert("description".into(), description.clone().into());
        }
        object.insert(
            "effective_from".into(),
            date_text(self.effective_from).into(),
        );
        if let Some(to) = self.effective_to {
            object.insert("effective_to".into(), date_text(to).into());
        }
        object.insert(
            "rules".into(),
            Value::Array(self.rules.iter().map(Rule::to_json).collect()),
        );
        object.insert(
            "caps".into(),
            Value::Array(self.caps.iter().map(Cap::to_json).collect()),
        );
        Value::Object(object)
    }
}

pub(crate) fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn texts<T: fmt::Display>(items: &[T]) -> Value {
    Value::Array(items.iter().map(|item| item.to_string().into()).collect())
}

impl Rule {
    /// Writes the rule's JSON form.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("id".into(), self.id.clone().into());
        if let Some(description) = &self.description {
            object.insert("description".into(), description.clone().into());
        }
        object.insert("match".into(), self.matcher.to_json());
        object.insert("gates".into(), self.gates.to_json());
        if let Some(limit) = self.daily_minutes_limit {
            object.insert("daily_minutes_limit".into(), limit.into());
        }
        object.insert("formula".into(), self.formula.to_json());
        object.insert("rounding".into(), self.rounding.to_json());
        object.insert("dedup".into(), self.dedup.as_str().into());
        if let Some(years) = self.validity_years {
            object.insert("validity_years".into(), years.into());
        }
        Value::Object(object)
    }
}

impl Match {
    fn to_json(&self) -> Value {
        let mut object = Map::new();
        if !self.kinds.is_empty() {
            object.insert("kinds".into(), texts(&self.kinds));
        }
        if !self.categories.is_empty() {
            object.insert("categories".into(), texts(&self.categories));
        }
        if !self.provider_tiers.is_empty() {
            object.insert("provider_tiers".into(), texts(&self.provider_tiers));
        }
        if let Some(role) = self.role {
            object.insert("role".into(), role.as_str().into());
        }
        if let Some(declared) = self.declared_credit_value {
            object.insert("declared_credit_value".into(), declared.into());
        }
        Value::Object(object)
    }
}

impl Gates {
    fn to_json(&self) -> Value {
        let mut object = Map::new();
        if let Some(minutes) = self.min_minutes {
            object.insert("min_minutes".into(), minutes.into());
        }
        object.insert(
            "completion_required".into(),
            self.completion_required.into(),
        );
        object.insert("evidence_required".into(), self.evidence_required.into());
        // Written only when set, so that rule sets written before the gate
        // existed keep their JSON form and fingerprint.
        if self.passed_required {
            object.insert("passed_required".into(), true.into());
        }
        Value::Object(object)
    }
}

impl Formula {
    fn to_json(&self) -> Value {
        match self {
            Self::PerTime { minutes, credits } => json!({
                "type": "per_time", "minutes": minutes, "credits": credits.to_string()
            }),
            Self::Fixed { credits } => json!({"type": "fixed", "credits": credits.to_string()}),
            Self::PerEvent { credits } => {
                json!({"type": "per_event", "credits": credits.to_string()})
            }
            Self::CourseCreditValue => json!({"type": "course_credit_value"}),
            Self::Table { key, entries } => {
                let entries: Map<String, Value> = entries
                    .iter()
                    .map(|(key, credits)| (key.clone(), credits.to_string().into()))
                    .collect();
                json!({"type": "table", "key": key.as_str(), "entries": entries})
            }
        }
    }
}

impl Rounding {
    fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("mode".into(), self.mode.as_str().into());
        object.insert("quantum".into(), self.quantum.to_string().into());
        object.insert("minimum".into(), self.minimum.to_string().into());
        object.insert("stage".into(), self.stage.kind().as_str().into());
        if let Stage::Period(period) = &self.stage {
            object.insert("period".into(), period.to_json());
        }
        Value::Object(object)
    }
}

impl Period {
    /// Writes the period's JSON form.
    pub fn to_json(&self) -> Value {
        match self {
            Self::CalendarYear => json!({"type": "calendar_year"}),
            Self::YearFrom(start) => json!({"type": "year_from", "start": start.to_string()}),
            Self::Semester(starts) => json!({"type": "semester", "starts": texts(starts)}),
            Self::RollingDays(days) => json!({"type": "rolling_days", "days": days}),
            Self::Lifetime => json!({"type": "lifetime"}),
        }
    }
}

impl Cap {
    fn to_json(&self) -> Value {
        let mut scope = Map::new();
        if !self.scope.kinds.is_empty() {
            scope.insert("kinds".into(), texts(&self.scope.kinds));
        }
        if !self.scope.categories.is_empty() {
            scope.insert("categories".into(), texts(&self.scope.categories));
        }
        if !self.scope.rules.is_empty() {
            scope.insert("rules".into(), texts(&self.scope.rules));
        }
        json!({
            "id": self.id,
            "scope": scope,
            "period": self.period.to_json(),
            "limit": self.limit.to_json(),
        })
    }
}

impl Limit {
    /// Writes the limit's JSON form: `{"amount": "2.00"}` or `{"count": 3}`.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Amount(credits) => json!({"amount": credits.to_string()}),
            Self::Count(count) => json!({"count": count}),
        }
    }
}

impl serde::Serialize for Limit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Limit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Form {
            amount: Option<Credits>,
            count: Option<u32>,
        }
        match Form::deserialize(deserializer)? {
            Form {
                amount: Some(amount),
                count: None,
            } => Ok(Self::Amount(amount)),
            Form {
                amount: None,
                count: Some(count),
            } => Ok(Self::Count(count)),
            _ => Err(serde::de::Error::custom(
                "a limit has exactly one of amount and count",
            )),
        }
    }
}

impl serde::Serialize for RuleSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for RuleSet {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        super::parse::rule_set_from_json(&value, &crate::problem::Path::root())
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn month_day_rejects_leap_day() {
        assert!(MonthDay::parse("02-29").is_none());
        assert!(MonthDay::parse("13-01").is_none());
        assert!(MonthDay::parse("9-01").is_none());
        assert_eq!(MonthDay::parse("09-01"), MonthDay::new(9, 1));
    }

    #[test]
    fn year_from_window_spans_new_year() {
        let period = Period::YearFrom(MonthDay::new(9, 1).unwrap());
        let window = period.window(date("2026-03-15"));
        assert_eq!(window.start, Some(date("2025-09-01")));
        assert_eq!(window.end, Some(date("2026-08-31")));
        let window = period.window(date("2026-09-01"));
        assert_eq!(window.start, Some(date("2026-09-01")));
    }

    #[test]
    fn semester_windows() {
        let starts = vec![MonthDay::new(3, 1).unwrap(), MonthDay::new(9, 1).unwrap()];
        let period = Period::Semester(starts);
        let spring = period.window(date("2026-08-31"));
        assert_eq!(spring.start, Some(date("2026-03-01")));
        assert_eq!(spring.end, Some(date("2026-08-31")));
        let winter = period.window(date("2026-01-10"));
        assert_eq!(winter.start, Some(date("2025-09-01")));
        assert_eq!(winter.end, Some(date("2026-02-28")));
    }

    #[test]
    fn rolling_window_is_inclusive() {
        let window = Period::RollingDays(7).window(date("2026-03-10"));
        assert_eq!(window.start, Some(date("2026-03-04")));
        assert!(window.contains(date("2026-03-04")));
        assert!(!window.contains(date("2026-03-03")));
    }
}
