//! Eligibility: whether a learner may enrol in a course, measured on a
//! stated date.
//!
//! Ages are whole years on the measuring date, by calendar: a learner is N
//! on the Nth anniversary of the birth date. A learner born on 29 February
//! has the anniversary on 1 March in common years unless the rules say 28
//! February ([`LeapDayBirthday`]). A birth date known only to the year gives
//! two possible ages; a rule that one of them passes and the other fails is
//! not passed (the answer is conservative), and the verdict says the birth
//! year alone was known. The verdict depends only on the learner, the
//! course, the venues and the measuring date, never on when it is asked.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::codes;
use crate::id::{LearnerId, VenueId};
use crate::model::{Audience, BirthDate, Course, Learner, Session, Venue};
use crate::problem::{Code, Path, Problem, Problems};

/// The default age from which a learner counts as an older resident.
pub const DEFAULT_OLDER_MIN_AGE: u8 = 60;

/// The default oldest age at which a learner counts as a child.
pub const DEFAULT_CHILD_MAX_AGE: u8 = 17;

/// The deepest venue tree walked when checking residence.
const MAX_VENUE_DEPTH: usize = 32;

crate::text_enum! {
    /// When someone born on 29 February has a birthday in a common year.
    pub enum LeapDayBirthday {
        /// On 1 March, the day after 28 February; the default.
        March1 = "march_1",
        /// On 28 February.
        February28 = "february_28",
    }
}

/// The settings of the eligibility rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityRules {
    /// The age from which a learner counts as an older resident.
    pub older_min_age: u8,
    /// The oldest age at which a learner counts as a child.
    pub child_max_age: u8,
    /// When a 29 February birthday falls in a common year.
    pub leap_day_birthday: LeapDayBirthday,
}

impl Default for EligibilityRules {
    fn default() -> Self {
        Self {
            older_min_age: DEFAULT_OLDER_MIN_AGE,
            child_max_age: DEFAULT_CHILD_MAX_AGE,
            leap_day_birthday: LeapDayBirthday::March1,
        }
    }
}

/// The birthday of someone born on `birth` in `year`.
fn anniversary(birth: NaiveDate, year: i32, rule: LeapDayBirthday) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day()).or_else(|| match rule {
        LeapDayBirthday::March1 => NaiveDate::from_ymd_opt(year, 3, 1),
        LeapDayBirthday::February28 => NaiveDate::from_ymd_opt(year, 2, 28),
    })
}

/// The age in whole years on `on` of someone born on `birth`, or `None`
/// when `on` is before the birth.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use xuetong::enrolment::{LeapDayBirthday, age_on};
///
/// let birth = NaiveDate::from_ymd_opt(1964, 2, 29).unwrap();
/// let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
/// assert_eq!(age_on(birth, day(2, 28), LeapDayBirthday::March1), Some(60));
/// assert_eq!(age_on(birth, day(3, 1), LeapDayBirthday::March1), Some(61));
/// assert_eq!(age_on(birth, day(2, 28), LeapDayBirthday::February28), Some(61));
/// ```
pub fn age_on(birth: NaiveDate, on: NaiveDate, rule: LeapDayBirthday) -> Option<u32> {
    if on < birth {
        return None;
    }
    let years = on.year() - birth.year();
    let reached = anniversary(birth, on.year(), rule).is_some_and(|birthday| on >= birthday);
    u32::try_from(if reached { years } else { years - 1 }).ok()
}

/// A learner's age on the measuring date: exact, or the two possible ages
/// when only the birth year is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgeRange {
    /// The youngest possible age, or `None` when the learner may not be
    /// born yet on the measuring date (only the birth year is known, and it
    /// is the measuring date's year).
    pub min: Option<u32>,
    /// The oldest possible age.
    pub max: u32,
}

impl AgeRange {
    /// The possible ages on `on` of someone born on or in `birth`, or `None`
    /// when `on` is before any possible birth date.
    pub fn of(birth: BirthDate, on: NaiveDate, rule: LeapDayBirthday) -> Option<Self> {
        match birth {
            BirthDate::Date(date) => age_on(date, on, rule).map(|age| Self {
                min: Some(age),
                max: age,
            }),
            BirthDate::Year(year) => {
                let first = NaiveDate::from_ymd_opt(year, 1, 1)?;
                let last = NaiveDate::from_ymd_opt(year, 12, 31)?;
                let max = age_on(first, on, rule)?;
                // Born on 31 December at the latest, so someone whose birth
                // year is the measuring year may not be born yet.
                let min = age_on(last, on, rule);
                Some(Self { min, max })
            }
        }
    }

    /// Whether the age is known exactly.
    pub fn is_exact(self) -> bool {
        self.min == Some(self.max)
    }

    fn to_json(self) -> Value {
        if self.is_exact() {
            json!({"years": self.max})
        } else {
            json!({"min": self.min, "max": self.max})
        }
    }
}

/// The answer for one learner and one course.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The learner.
    pub learner_id: LearnerId,
    /// Whether the learner may enrol.
    pub eligible: bool,
    /// The date the ages were measured on.
    pub measured_on: NaiveDate,
    /// The learner's age on that date, when a birth date is known.
    pub age: Option<AgeRange>,
    /// Whether only the birth year was known, so age rules were decided
    /// conservatively.
    pub birth_year_only: bool,
    /// One problem per rule that failed; empty when eligible.
    pub failed: Problems,
}

impl Verdict {
    /// The codes of the failed rules.
    pub fn failed_codes(&self) -> Vec<Code> {
        self.failed.iter().map(|problem| problem.code).collect()
    }

    /// The JSON form of the verdict.
    pub fn to_json(&self) -> Value {
        json!({
            "learner_id": self.learner_id,
            "eligible": self.eligible,
            "measured_on": self.measured_on,
            "age": self.age.map(AgeRange::to_json),
            "birth_year_only": self.birth_year_only,
            "failed": self.failed,
        })
    }
}

/// Whether any rule of `course` needs the learner's age.
pub fn course_has_age_rules(course: &Course) -> bool {
    course.min_age.is_some() || course.max_age.is_some() || course.audience != Audience::AllAges
}

/// Whether `course` restricts who may enrol at all.
pub fn course_is_restricted(course: &Course) -> bool {
    course_has_age_rules(course) || course.residents_only
}

/// The default measuring date: the local date of the course's first
/// session that is not cancelled.
pub fn first_session_date(course: &Course, sessions: &[Session]) -> Option<NaiveDate> {
    sessions
        .iter()
        .filter(|session| session.course_id() == Some(course.id) && !session.is_cancelled())
        .map(|session| session.date)
        .min()
}

/// One age limit to check: its code, the limit, and whether it is a
/// minimum or a maximum.
struct AgeLimit {
    code: Code,
    rule: &'static str,
    limit: u32,
    minimum: bool,
}

/// Checks whether `learner` may enrol in `course`, measuring ages on `on`.
///
/// `venues` are the venues of the network, used to find whether the
/// learner's home venue lies within the area of the course's provider
/// venue (the provider itself or any venue below it). Failed rules are
/// reported with paths into the learner record.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use serde_json::json;
/// use xuetong::enrolment::{EligibilityRules, check_eligibility};
/// use xuetong::model::{Course, Learner};
/// use xuetong::problem::Path;
/// use xuetong::record::Record;
///
/// let course = Course::from_json(&json!({
///     "id": "40000000-0000-4000-8000-000000000001", "title": "Tai chi",
///     "category": "tai_chi", "provider_venue_id": "10000000-0000-4000-8000-000000000001",
///     "audience": "older_residents",
/// }), &Path::root())?;
/// let learner = Learner::from_json(&json!({
///     "id": "20000000-0000-4000-8000-000000000001", "display_name": "王秀英",
///     "birth_date": "1966-03-01",
/// }), &Path::root())?;
/// let on = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
/// let verdict = check_eligibility(&course, &learner, &[], on, &EligibilityRules::default());
/// assert!(!verdict.eligible);
/// assert_eq!(verdict.failed_codes()[0].as_str(), "not_older_resident");
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn check_eligibility(
    course: &Course,
    learner: &Learner,
    venues: &[Venue],
    on: NaiveDate,
    rules: &EligibilityRules,
) -> Verdict {
    let mut failed = Problems::new();
    let mut age = None;
    let birth_year_only = matches!(learner.birth_date, Some(BirthDate::Year(_)));
    if course_has_age_rules(course) {
        age = check_ages(course, learner, on, rules, &mut failed);
    } else if let Some(birth) = learner.birth_date {
        age = AgeRange::of(birth, on, rules.leap_day_birthday);
    }
    if course.residents_only {
        check_residence(course, learner, venues, &mut failed);
    }
    Verdict {
        learner_id: learner.id,
        eligible: failed.is_empty(),
        measured_on: on,
        age,
        birth_year_only,
        failed,
    }
}

fn check_ages(
    course: &Course,
    learner: &Learner,
    on: NaiveDate,
    rules: &EligibilityRules,
    failed: &mut Problems,
) -> Option<AgeRange> {
    let path = Path::root().join("birth_date");
    let Some(birth) = learner.birth_date else {
        failed.push(
            Problem::new(codes::BIRTH_DATE_MISSING, path)
                .with("learner_id", learner.id.to_string()),
        );
        return None;
    };
    let Some(range) = AgeRange::of(birth, on, rules.leap_day_birthday) else {
        failed.push(
            Problem::new(codes::BIRTH_AFTER_MEASURING_DATE, path)
                .with("value", birth.to_string())
                .with("measured_on", on.to_string()),
        );
        return None;
    };
    let mut limits = Vec::new();
    if let Some(min) = course.min_age {
        limits.push(AgeLimit {
            code: codes::BELOW_MIN_AGE,
            rule: "min_age",
            limit: u32::from(min),
            minimum: true,
        });
    }
    if let Some(max) = course.max_age {
        limits.push(AgeLimit {
            code: codes::ABOVE_MAX_AGE,
            rule: "max_age",
            limit: u32::from(max),
            minimum: false,
        });
    }
    match course.audience {
        Audience::AllAges => {}
        Audience::OlderResidents => limits.push(AgeLimit {
            code: codes::NOT_OLDER_RESIDENT,
            rule: "audience",
            limit: u32::from(rules.older_min_age),
            minimum: true,
        }),
        Audience::Children => limits.push(AgeLimit {
            code: codes::NOT_A_CHILD,
            rule: "audience",
            limit: u32::from(rules.child_max_age),
            minimum: false,
        }),
    }
    for limit in limits {
        let passes = |age: u32| {
            if limit.minimum {
                age >= limit.limit
            } else {
                age <= limit.limit
            }
        };
        // A learner who may not be born yet has no age to measure, so no
        // age rule is decided, whatever the oldest possible age is.
        let oldest = passes(range.max);
        let problem = match range.min {
            Some(youngest) if passes(youngest) && oldest => continue,
            Some(youngest) if !passes(youngest) && !oldest => {
                Problem::new(limit.code, path.clone())
                    .with("age", youngest)
                    .with("limit", limit.limit)
            }
            _ => Problem::new(codes::AGE_UNDETERMINED, path.clone())
                .with("year", birth.year())
                .with("min", range.min)
                .with("max", range.max)
                .with("rule", limit.rule),
        };
        failed.push(problem.with("measured_on", on.to_string()));
    }
    Some(range)
}

fn check_residence(course: &Course, learner: &Learner, venues: &[Venue], failed: &mut Problems) {
    let path = Path::root().join("home_venue_id");
    let Some(home) = learner.home_venue_id else {
        failed.push(
            Problem::new(codes::HOME_VENUE_MISSING, path)
                .with("learner_id", learner.id.to_string()),
        );
        return;
    };
    let provider = course.provider_venue_id;
    let parents: BTreeMap<VenueId, Option<VenueId>> = venues
        .iter()
        .map(|venue| (venue.id, venue.parent_id))
        .collect();
    let mut current = home;
    for _ in 0..MAX_VENUE_DEPTH {
        if current == provider {
            return;
        }
        match parents.get(&current) {
            Some(Some(parent)) => current = *parent,
            Some(None) => {
                failed.push(
                    Problem::new(codes::NOT_RESIDENT, path)
                        .with("home_venue_id", home.to_string())
                        .with("provider_venue_id", provider.to_string()),
                );
                return;
            }
            None => break,
        }
    }
    failed.push(
        Problem::new(codes::RESIDENCE_UNDETERMINED, path)
            .with("home_venue_id", home.to_string())
            .with("venue_id", current.to_string()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn course(extra: Value) -> Course {
        let mut base = json!({
            "id": "40000000-0000-4000-8000-000000000001",
            "title": "Tai chi",
            "category": "tai_chi",
            "provider_venue_id": "10000000-0000-4000-8000-000000000002",
        });
        if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
            base.extend(extra);
        }
        Course::from_json(&base, &Path::root()).unwrap()
    }

    fn learner(extra: Value) -> Learner {
        let mut base = json!({
            "id": "20000000-0000-4000-8000-000000000001",
            "display_name": "李明",
        });
        if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
            base.extend(extra);
        }
        Learner::from_json(&base, &Path::root()).unwrap()
    }

    fn codes_of(verdict: &Verdict) -> Vec<&'static str> {
        verdict
            .failed_codes()
            .into_iter()
            .map(Code::as_str)
            .collect()
    }

    #[test]
    fn age_around_the_birthday() {
        let birth = date("1966-03-02");
        assert_eq!(
            age_on(birth, date("2026-03-01"), LeapDayBirthday::March1),
            Some(59)
        );
        assert_eq!(
            age_on(birth, date("2026-03-02"), LeapDayBirthday::March1),
            Some(60)
        );
        assert_eq!(
            age_on(birth, date("1966-03-01"), LeapDayBirthday::March1),
            None
        );
        assert_eq!(age_on(birth, birth, LeapDayBirthday::March1), Some(0));
    }

    #[test]
    fn leap_day_birthdays() {
        let birth = date("1964-02-29");
        let rule = LeapDayBirthday::March1;
        assert_eq!(age_on(birth, date("2024-02-28"), rule), Some(59));
        assert_eq!(age_on(birth, date("2024-02-29"), rule), Some(60));
        assert_eq!(age_on(birth, date("2025-02-28"), rule), Some(60));
        assert_eq!(age_on(birth, date("2025-03-01"), rule), Some(61));
        let rule = LeapDayBirthday::February28;
        assert_eq!(age_on(birth, date("2025-02-27"), rule), Some(60));
        assert_eq!(age_on(birth, date("2025-02-28"), rule), Some(61));
    }

    #[test]
    fn year_only_gives_two_ages() {
        let range = AgeRange::of(
            BirthDate::Year(1966),
            date("2026-06-15"),
            LeapDayBirthday::March1,
        )
        .unwrap();
        assert_eq!(
            range,
            AgeRange {
                min: Some(59),
                max: 60
            }
        );
        let end_of_year = AgeRange::of(
            BirthDate::Year(1966),
            date("2026-12-31"),
            LeapDayBirthday::March1,
        )
        .unwrap();
        assert!(end_of_year.is_exact());
    }

    #[test]
    fn year_only_in_measuring_year_may_be_unborn() {
        let range = AgeRange::of(
            BirthDate::Year(2026),
            date("2026-06-15"),
            LeapDayBirthday::March1,
        )
        .unwrap();
        assert_eq!(range, AgeRange { min: None, max: 0 });
        assert!(!range.is_exact());
        // Born by 31 December at the latest, so on that day the age is 0.
        let last_day = AgeRange::of(
            BirthDate::Year(2026),
            date("2026-12-31"),
            LeapDayBirthday::March1,
        )
        .unwrap();
        assert!(last_day.is_exact());
        for extra in [
            json!({"max_age": 17}),
            json!({"min_age": 3}),
            json!({"audience": "children"}),
        ] {
            let verdict = check_eligibility(
                &course(extra.clone()),
                &learner(json!({"birth_date": "2026"})),
                &[],
                date("2026-06-15"),
                &EligibilityRules::default(),
            );
            assert!(!verdict.eligible, "{extra}");
            assert_eq!(codes_of(&verdict), ["age_undetermined"], "{extra}");
            assert_eq!(verdict.failed.0[0].params["min"], Value::Null);
            assert_eq!(verdict.to_json()["age"], json!({"min": null, "max": 0}));
        }
    }

    #[test]
    fn year_only_is_decided_conservatively() {
        let course = course(json!({"audience": "older_residents"}));
        let rules = EligibilityRules::default();
        let undecided = check_eligibility(
            &course,
            &learner(json!({"birth_date": "1966"})),
            &[],
            date("2026-06-15"),
            &rules,
        );
        assert!(!undecided.eligible);
        assert!(undecided.birth_year_only);
        assert_eq!(codes_of(&undecided), ["age_undetermined"]);
        let certain = check_eligibility(
            &course,
            &learner(json!({"birth_date": "1965"})),
            &[],
            date("2026-06-15"),
            &rules,
        );
        assert!(certain.eligible);
        assert!(certain.birth_year_only);
    }

    #[test]
    fn every_failed_rule_is_listed() {
        let course = course(json!({"min_age": 18, "max_age": 30, "residents_only": true}));
        let verdict = check_eligibility(
            &course,
            &learner(json!({"birth_date": "2015-05-01"})),
            &[],
            date("2026-03-01"),
            &EligibilityRules::default(),
        );
        assert_eq!(codes_of(&verdict), ["below_min_age", "home_venue_missing"]);
        assert_eq!(verdict.failed.0[0].params["age"], 10);
    }

    #[test]
    fn residence_walks_the_venue_tree() {
        let venue = |id: &str, parent: Option<&str>| {
            let mut value =
                json!({"id": id, "name": id, "tier": "community", "time_zone": "Asia/Shanghai"});
            if let Some(parent) = parent {
                value["parent_id"] = json!(parent);
            }
            Venue::from_json(&value, &Path::root()).unwrap()
        };
        let district = "10000000-0000-4000-8000-000000000001";
        let street = "10000000-0000-4000-8000-000000000002";
        let community = "10000000-0000-4000-8000-000000000003";
        let elsewhere = "10000000-0000-4000-8000-000000000004";
        let venues = [
            venue(district, None),
            venue(street, Some(district)),
            venue(community, Some(street)),
            venue(elsewhere, Some(district)),
        ];
        let course = course(json!({"residents_only": true}));
        let rules = EligibilityRules::default();
        let on = date("2026-03-01");
        let inside = check_eligibility(
            &course,
            &learner(json!({"home_venue_id": community})),
            &venues,
            on,
            &rules,
        );
        assert!(inside.eligible);
        let outside = check_eligibility(
            &course,
            &learner(json!({"home_venue_id": elsewhere})),
            &venues,
            on,
            &rules,
        );
        assert_eq!(codes_of(&outside), ["not_resident"]);
        let unknown = check_eligibility(
            &course,
            &learner(json!({"home_venue_id": "10000000-0000-4000-8000-000000000009"})),
            &venues,
            on,
            &rules,
        );
        assert_eq!(codes_of(&unknown), ["residence_undetermined"]);
    }

    #[test]
    fn verdict_does_not_change_later() {
        let course = course(json!({"max_age": 17}));
        let learner = learner(json!({"birth_date": "2008-09-01"}));
        let on = date("2026-08-31");
        let first = check_eligibility(&course, &learner, &[], on, &EligibilityRules::default());
        let again = check_eligibility(&course, &learner, &[], on, &EligibilityRules::default());
        assert!(first.eligible);
        assert_eq!(first, again);
    }
}
