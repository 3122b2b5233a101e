//! The enrolment roster under random sequences of operations: confirmed
//! places never exceed capacity, a failed operation changes nothing, free
//! places never stay empty while a promotable learner waits, and replaying
//! the same operations gives the same roster.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, TimeDelta, Utc};
use proptest::prelude::*;
use serde_json::json;
use xuetong::enrolment::{Command, Eligibility, Overflow, Roster};
use xuetong::id::LearnerId;
use xuetong::model::{Course, EnrolmentStatus, GroupMode};
use xuetong::problem::{Path, Problem, Problems};
use xuetong::record::Record;

/// The learners the operations draw from.
const POOL: u8 = 10;

fn learner(n: u8) -> LearnerId {
    format!("20000000-0000-4000-8000-0000000000{n:02}")
        .parse()
        .expect("a valid UUID")
}

fn course(capacity: Option<u32>) -> Course {
    let mut value = json!({
        "id": "40000000-0000-4000-8000-000000000001",
        "title": "Choir",
        "category": "choir",
        "provider_venue_id": "10000000-0000-4000-8000-000000000001",
    });
    if let Some(capacity) = capacity {
        value["capacity"] = json!(capacity);
    }
    Course::from_json(&value, &Path::root()).expect("a valid course")
}

/// One step of a generated run: a roster command, or a change of who is
/// eligible (which only the test can make).
#[derive(Clone, Debug)]
enum Step {
    Command(Command),
    ToggleEligible(u8),
}

fn step() -> impl Strategy<Value = Step> {
    let learner_index = 0..POOL;
    let mode = prop_oneof![Just(GroupMode::AllOrNothing), Just(GroupMode::Partial)];
    let overflow = prop_oneof![Just(Overflow::Reject), Just(Overflow::DemoteLatest)];
    let capacity = prop_oneof![4 => (0u32..6).prop_map(Some), 1 => Just(None)];
    prop_oneof![
        5 => (learner_index.clone(), proptest::collection::vec(0..POOL, 0..3), mode).prop_map(
            |(n, companions, mode)| Step::Command(Command::Enrol {
                learner_id: learner(n),
                companions: companions.into_iter().map(learner).collect(),
                mode,
            })
        ),
        3 => learner_index.clone().prop_map(|n| Step::Command(Command::Withdraw { learner_id: learner(n) })),
        2 => (capacity, overflow).prop_map(|(capacity, overflow)| Step::Command(Command::SetCapacity { capacity, overflow })),
        1 => Just(Step::Command(Command::Promote)),
        2 => learner_index.prop_map(Step::ToggleEligible),
    ]
}

/// Eligibility that the test switches per learner.
struct Switches(RefCell<BTreeSet<LearnerId>>);

impl Eligibility for Switches {
    fn failed_rules(&self, learner: LearnerId) -> Problems {
        if self.0.borrow().contains(&learner) {
            Problem::new(xuetong::enrolment::codes::NOT_RESIDENT, Path::root()).into()
        } else {
            Problems::new()
        }
    }
}

fn at(step: usize) -> DateTime<Utc> {
    "2026-02-01T00:00:00Z"
        .parse::<DateTime<Utc>>()
        .expect("a valid instant")
        + TimeDelta::minutes(i64::try_from(step).expect("a small step"))
}

/// Checks the invariants that hold after every operation.
fn check_invariants(roster: &Roster, eligibility: &Switches) -> Result<(), TestCaseError> {
    if let Some(capacity) = roster.capacity() {
        prop_assert!(
            roster.confirmed() <= capacity as usize,
            "confirmed {} > capacity {capacity}",
            roster.confirmed()
        );
    }
    let mut active: BTreeMap<LearnerId, usize> = BTreeMap::new();
    for entry in roster.entries() {
        let enrolment = &entry.enrolment;
        if enrolment.status != EnrolmentStatus::Withdrawn {
            *active.entry(enrolment.learner_id).or_default() += 1;
        }
        prop_assert!(
            enrolment.validate().is_empty(),
            "invalid record {:?}",
            enrolment
        );
        prop_assert_eq!(
            entry.history.last().map(|last| last.to),
            Some(enrolment.status)
        );
        prop_assert!(
            entry
                .history
                .windows(2)
                .all(|pair| pair[0].at <= pair[1].at)
        );
    }
    prop_assert!(
        active.values().all(|count| *count == 1),
        "a learner holds two active enrolments"
    );
    let has_free = roster.free().is_none_or(|free| free > 0);
    if has_free {
        for entry in roster.entries() {
            let enrolment = &entry.enrolment;
            let single = enrolment
                .group
                .as_ref()
                .is_none_or(|group| group.mode == GroupMode::Partial);
            let promotable = enrolment.status == EnrolmentStatus::Waitlisted
                && single
                && eligibility.failed_rules(enrolment.learner_id).is_empty();
            prop_assert!(
                !promotable,
                "a place is free while {} waits",
                enrolment.learner_id
            );
        }
    }
    Ok(())
}

fn run(capacity: Option<u32>, steps: &[Step]) -> Result<Roster, TestCaseError> {
    let mut roster = Roster::new(&course(capacity), Vec::new())
        .map_err(|problems| TestCaseError::fail(problems.to_string()))?;
    let eligibility = Switches(RefCell::new(BTreeSet::new()));
    for (index, step) in steps.iter().enumerate() {
        match step {
            Step::ToggleEligible(n) => {
                let mut switched = eligibility.0.borrow_mut();
                if !switched.remove(&learner(*n)) {
                    switched.insert(learner(*n));
                }
            }
            Step::Command(command) => {
                let before = roster.clone();
                match roster.apply(command, at(index), &eligibility) {
                    Ok(_) => check_invariants(&roster, &eligibility)?,
                    Err(_) => {
                        prop_assert_eq!(&roster, &before, "a failed operation changed the roster")
                    }
                }
            }
        }
    }
    Ok(roster)
}

proptest! {
    #[test]
    fn capacity_is_never_exceeded(
        capacity in prop_oneof![4 => (0u32..5).prop_map(Some), 1 => Just(None)],
        steps in proptest::collection::vec(step(), 1..60),
    ) {
        run(capacity, &steps)?;
    }

    #[test]
    fn replay_gives_the_same_roster(
        capacity in (0u32..5).prop_map(Some),
        steps in proptest::collection::vec(step(), 1..40),
    ) {
        let first = run(capacity, &steps)?;
        let again = run(capacity, &steps)?;
        prop_assert_eq!(first, again);
    }
}

#[test]
fn promotion_follows_request_order() {
    let mut roster = Roster::new(&course(Some(1)), Vec::new()).expect("a valid roster");
    let everyone = xuetong::enrolment::Everyone;
    for n in 0..4 {
        let command = Command::Enrol {
            learner_id: learner(n),
            companions: Vec::new(),
            mode: GroupMode::AllOrNothing,
        };
        roster
            .apply(&command, at(usize::from(n)), &everyone)
            .expect("enrolment succeeds");
    }
    let order: Vec<LearnerId> = (1..4).map(learner).collect();
    for (step, expected) in order.iter().enumerate() {
        let holder = roster
            .entries()
            .iter()
            .find(|entry| entry.enrolment.status == EnrolmentStatus::Confirmed)
            .map(|entry| entry.enrolment.learner_id)
            .expect("someone holds the place");
        roster
            .apply(
                &Command::Withdraw { learner_id: holder },
                at(10 + step),
                &everyone,
            )
            .expect("withdrawal succeeds");
        let now_holding = roster
            .entries()
            .iter()
            .find(|entry| entry.enrolment.status == EnrolmentStatus::Confirmed)
            .map(|entry| entry.enrolment.learner_id);
        assert_eq!(now_holding, Some(*expected));
    }
}

/// The codes found anywhere in an `enrolment_apply` or `check_eligibility`
/// response: in operation results, in verdicts, and in `not_eligible`
/// problems' failed rules.
fn codes_in(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(object) => {
            if let (Some(code), Some(_)) = (object.get("code"), object.get("path"))
                && let Some(code) = code.as_str()
            {
                found.push(code.to_owned());
            }
            object.values().for_each(|inner| codes_in(inner, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|inner| codes_in(inner, found)),
        _ => {}
    }
}

fn api_codes(operation: &str, request: serde_json::Value) -> Vec<String> {
    let response = xuetong::api::call_value(operation, &request).to_json();
    let mut found = Vec::new();
    codes_in(&response, &mut found);
    found
}

#[test]
fn eligibility_rule_codes_reach_the_api() {
    let course = |rules: serde_json::Value| {
        let mut value = json!({
            "id": "40000000-0000-4000-8000-000000000001",
            "title": "Tai chi",
            "category": "tai_chi",
            "provider_venue_id": "10000000-0000-4000-8000-000000000002",
        });
        if let (serde_json::Value::Object(base), serde_json::Value::Object(more)) =
            (&mut value, rules)
        {
            base.extend(more);
        }
        value
    };
    let check = |rules: serde_json::Value, learner: serde_json::Value| {
        let mut learner_record =
            json!({"id": "20000000-0000-4000-8000-000000000001", "display_name": "李明"});
        if let (serde_json::Value::Object(base), serde_json::Value::Object(more)) =
            (&mut learner_record, learner)
        {
            base.extend(more);
        }
        api_codes(
            "check_eligibility",
            json!({"input": {"course": course(rules), "learners": [learner_record]}, "options": {"on": "2026-03-02"}}),
        )
    };
    let cases = [
        (
            json!({"min_age": 60}),
            json!({"birth_date": "1966-03-03"}),
            "below_min_age",
        ),
        (
            json!({"max_age": 70}),
            json!({"birth_date": "1955-03-02"}),
            "above_max_age",
        ),
        (
            json!({"audience": "older_residents"}),
            json!({"birth_date": "1970-01-01"}),
            "not_older_resident",
        ),
        (
            json!({"audience": "children"}),
            json!({"birth_date": "1970-01-01"}),
            "not_a_child",
        ),
        (
            json!({"min_age": 60}),
            json!({"birth_date": "1966"}),
            "age_undetermined",
        ),
        (json!({"min_age": 60}), json!({}), "birth_date_missing"),
        (
            json!({"min_age": 1}),
            json!({"birth_date": "2027-01-01"}),
            "birth_after_measuring_date",
        ),
        (
            json!({"residents_only": true}),
            json!({}),
            "home_venue_missing",
        ),
        (
            json!({"residents_only": true}),
            json!({"home_venue_id": "10000000-0000-4000-8000-000000000009"}),
            "residence_undetermined",
        ),
    ];
    for (rules, learner, expected) in cases {
        let found = check(rules, learner);
        assert_eq!(found, [expected]);
    }
    let venues = json!([
        {"id": "10000000-0000-4000-8000-000000000001", "name": "District", "tier": "district", "time_zone": "Asia/Shanghai"},
        {"id": "10000000-0000-4000-8000-000000000002", "name": "Street", "tier": "street", "parent_id": "10000000-0000-4000-8000-000000000001", "time_zone": "Asia/Shanghai"},
        {"id": "10000000-0000-4000-8000-000000000004", "name": "Other", "tier": "community", "parent_id": "10000000-0000-4000-8000-000000000001", "time_zone": "Asia/Shanghai"},
    ]);
    let found = api_codes(
        "check_eligibility",
        json!({"input": {
            "course": course(json!({"residents_only": true})),
            "venues": venues,
            "learners": [{"id": "20000000-0000-4000-8000-000000000001", "display_name": "李明", "home_venue_id": "10000000-0000-4000-8000-000000000004"}],
        }}),
    );
    assert_eq!(found, ["not_resident"]);
}

#[test]
fn roster_codes_reach_the_api() {
    let request = json!({"input": {
        "course": {
            "id": "40000000-0000-4000-8000-000000000001",
            "title": "Choir",
            "category": "choir",
            "provider_venue_id": "10000000-0000-4000-8000-000000000001",
            "capacity": 1,
            "residents_only": true,
            "enrolment_opens_at": "2026-02-01T00:00:00Z",
            "enrolment_closes_at": "2026-03-01T00:00:00Z",
        },
        "learners": [],
        "operations": [
            {"op": "enrol", "at": "2026-01-31T00:00:00Z", "learner_id": "20000000-0000-4000-8000-000000000001"},
            {"op": "enrol", "at": "2026-02-02T00:00:00Z", "learner_id": "20000000-0000-4000-8000-000000000001"},
            {"op": "enrol", "at": "2026-03-02T00:00:00Z", "learner_id": "20000000-0000-4000-8000-000000000001"},
            {"op": "withdraw", "at": "2026-03-03T00:00:00Z", "learner_id": "20000000-0000-4000-8000-000000000001"},
        ],
    }});
    let found = api_codes("enrolment_apply", request);
    let expected = [
        "enrolment_not_open",
        "not_eligible",
        "learner_unknown",
        "not_eligible",
        "learner_unknown",
        "enrolment_closed",
        "not_eligible",
        "learner_unknown",
        "not_enrolled",
    ];
    assert_eq!(found, expected);

    let learner = |n: u8| format!("20000000-0000-4000-8000-0000000000{n:02}");
    let request = json!({"input": {
        "course": {
            "id": "40000000-0000-4000-8000-000000000001",
            "title": "Choir",
            "category": "choir",
            "provider_venue_id": "10000000-0000-4000-8000-000000000001",
            "capacity": 2,
        },
        "operations": [
            {"op": "enrol", "at": "2026-02-02T00:00:00Z", "learner_id": learner(1), "companions": [learner(1)]},
            {"op": "enrol", "at": "2026-02-03T00:00:00Z", "learner_id": learner(1), "companions": [learner(2)]},
            {"op": "set_capacity", "at": "2026-02-04T00:00:00Z", "capacity": 1},
            {"op": "withdraw", "at": "2026-02-01T00:00:00Z", "learner_id": learner(2)},
        ],
    }});
    let found = api_codes("enrolment_apply", request);
    assert_eq!(
        found,
        [
            "duplicate_in_group",
            "capacity_below_confirmed",
            "operation_out_of_order",
        ]
    );
}
