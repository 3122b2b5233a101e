use chrono::TimeDelta;
use serde_json::json;

use super::*;
use crate::enrolment::codes as enrolment_codes;

fn learner(n: u8) -> LearnerId {
    format!("20000000-0000-4000-8000-0000000000{n:02}")
        .parse()
        .unwrap()
}

fn at(minutes: i64) -> DateTime<Utc> {
    "2026-02-01T02:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::minutes(minutes)
}

fn course(capacity: u32) -> Course {
    Course::from_json(
        &json!({
            "id": "40000000-0000-4000-8000-000000000001",
            "title": "Calligraphy",
            "category": "calligraphy",
            "provider_venue_id": "10000000-0000-4000-8000-000000000001",
            "capacity": capacity,
            "enrolment_opens_at": "2026-02-01T02:00:00Z",
            "enrolment_closes_at": "2026-03-01T00:00:00Z",
        }),
        &Path::root(),
    )
    .unwrap()
}

fn enrol(n: u8) -> Command {
    Command::Enrol {
        learner_id: learner(n),
        companions: Vec::new(),
        mode: GroupMode::AllOrNothing,
    }
}

fn group(n: u8, companions: &[u8], mode: GroupMode) -> Command {
    Command::Enrol {
        learner_id: learner(n),
        companions: companions.iter().map(|c| learner(*c)).collect(),
        mode,
    }
}

fn status_of(roster: &Roster, n: u8) -> Option<EnrolmentStatus> {
    roster
        .entries()
        .iter()
        .rev()
        .find(|entry| entry.enrolment.learner_id == learner(n))
        .map(|entry| entry.enrolment.status)
}

fn promoted(events: &[Event]) -> Vec<LearnerId> {
    events
        .iter()
        .filter_map(|event| match event {
            Event::Promoted { learner_id, .. } => Some(*learner_id),
            _ => None,
        })
        .collect()
}

#[test]
fn places_then_waiting_list() {
    let mut roster = Roster::new(&course(2), Vec::new()).unwrap();
    for (minute, n) in [(1, 1), (2, 2), (3, 3)] {
        roster.apply(&enrol(n), at(minute), &Everyone).unwrap();
    }
    assert_eq!(status_of(&roster, 1), Some(EnrolmentStatus::Confirmed));
    assert_eq!(status_of(&roster, 2), Some(EnrolmentStatus::Confirmed));
    assert_eq!(status_of(&roster, 3), Some(EnrolmentStatus::Waitlisted));
    assert_eq!(roster.waiting_list().len(), 1);
}

#[test]
fn enrolling_twice_changes_nothing() {
    let mut roster = Roster::new(&course(2), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(1), &Everyone).unwrap();
    let before = roster.enrolments();
    let events = roster.apply(&enrol(1), at(2), &Everyone).unwrap();
    assert!(matches!(
        events.as_slice(),
        [Event::AlreadyEnrolled {
            status: EnrolmentStatus::Confirmed,
            ..
        }]
    ));
    assert_eq!(roster.enrolments(), before);
}

#[test]
fn withdrawal_promotes_the_first_waiting() {
    let mut roster = Roster::new(&course(1), Vec::new()).unwrap();
    for (minute, n) in [(1, 1), (2, 2), (3, 3)] {
        roster.apply(&enrol(n), at(minute), &Everyone).unwrap();
    }
    let events = roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            at(10),
            &Everyone,
        )
        .unwrap();
    assert_eq!(promoted(&events), [learner(2)]);
    let entry = roster
        .entries()
        .iter()
        .find(|entry| entry.enrolment.learner_id == learner(2))
        .unwrap();
    assert_eq!(entry.enrolment.confirmed_at, Some(at(10)));
    let reasons: Vec<TransitionReason> = entry.history.iter().map(|t| t.reason).collect();
    assert_eq!(
        reasons,
        [TransitionReason::Requested, TransitionReason::Promoted]
    );
    assert!(entry.enrolment.validate().is_empty());
}

#[test]
fn promotion_skips_stale_entries() {
    let course = course(1);
    let record = |id: u8, n: u8, status: &str, requested: &str, confirmed: Option<&str>| {
        let mut value = json!({
            "id": format!("60000000-0000-4000-8000-0000000000{id:02}"),
            "learner_id": learner(n).to_string(),
            "course_id": course.id.to_string(),
            "requested_at": requested,
            "status": status,
        });
        if let Some(confirmed) = confirmed {
            value["confirmed_at"] = json!(confirmed);
        }
        Enrolment::from_json(&value, &Path::root()).unwrap()
    };
    // Learner 1 holds the only place; learner 3 waits first but is no
    // longer eligible, so learner 4 gets the place.
    let records = vec![
        record(1, 1, "confirmed", "2026-02-01T02:01:00Z", None),
        record(2, 3, "waitlisted", "2026-02-01T02:02:00Z", None),
        record(3, 4, "waitlisted", "2026-02-01T02:03:00Z", None),
    ];
    let mut roster = Roster::new(&course, records).unwrap();
    let ineligible = |id: LearnerId| {
        if id == learner(3) {
            Problem::new(enrolment_codes::NOT_RESIDENT, Path::root()).into()
        } else {
            Problems::new()
        }
    };
    let events = roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            at(10),
            &ineligible,
        )
        .unwrap();
    assert_eq!(promoted(&events), [learner(4)]);
    assert!(events.iter().any(|event| matches!(
        event,
        Event::Skipped { reason: StaleReason::NotEligible, rules, .. } if rules == &[enrolment_codes::NOT_RESIDENT]
    )));
    assert_eq!(status_of(&roster, 3), Some(EnrolmentStatus::Waitlisted));
}

#[test]
fn duplicate_waiting_record_is_skipped() {
    let course = course(3);
    let records: Vec<Enrolment> = [
        (1, 1, "confirmed"),
        (2, 2, "waitlisted"),
        (3, 1, "waitlisted"),
    ]
    .iter()
    .enumerate()
    .map(|(minute, (id, n, status))| {
        Enrolment::from_json(
            &json!({
                "id": format!("60000000-0000-4000-8000-0000000000{id:02}"),
                "learner_id": learner(*n).to_string(),
                "course_id": course.id.to_string(),
                "requested_at": format!("2026-02-01T02:0{}:00Z", minute + 1),
                "status": status,
            }),
            &Path::root(),
        )
        .unwrap()
    })
    .collect();
    let mut roster = Roster::new(&course, records).unwrap();
    let events = roster.apply(&Command::Promote, at(10), &Everyone).unwrap();
    assert_eq!(promoted(&events), [learner(2)]);
    assert!(events.iter().any(|event| matches!(
        event,
        Event::Skipped { reason: StaleReason::AlreadyConfirmed, learner_id, .. } if *learner_id == learner(1)
    )));
}

#[test]
fn group_at_capacity_edge() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(1), &Everyone).unwrap();
    roster.apply(&enrol(2), at(2), &Everyone).unwrap();
    let events = roster
        .apply(&group(3, &[4], GroupMode::AllOrNothing), at(3), &Everyone)
        .unwrap();
    assert!(
        events
            .iter()
            .all(|event| matches!(event, Event::Waitlisted { .. }))
    );
    assert_eq!(roster.confirmed(), 2);
    let key = roster.entries()[2].enrolment.group.clone().unwrap();
    assert_eq!(roster.entries()[3].enrolment.group, Some(key));

    // One more place lets the pair in together.
    let events = roster
        .apply(
            &Command::SetCapacity {
                capacity: Some(4),
                overflow: Overflow::Reject,
            },
            at(4),
            &Everyone,
        )
        .unwrap();
    assert_eq!(promoted(&events), [learner(3), learner(4)]);
    assert_eq!(roster.confirmed(), 4);
}

#[test]
fn group_that_fits_exactly_is_confirmed() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(1), &Everyone).unwrap();
    roster
        .apply(&group(2, &[3], GroupMode::AllOrNothing), at(2), &Everyone)
        .unwrap();
    assert_eq!(roster.confirmed(), 3);
}

#[test]
fn partial_group_fills_what_is_free() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(1), &Everyone).unwrap();
    roster
        .apply(&group(2, &[3, 4], GroupMode::Partial), at(2), &Everyone)
        .unwrap();
    assert_eq!(status_of(&roster, 2), Some(EnrolmentStatus::Confirmed));
    assert_eq!(status_of(&roster, 3), Some(EnrolmentStatus::Confirmed));
    assert_eq!(status_of(&roster, 4), Some(EnrolmentStatus::Waitlisted));
    // A partial group's waiting member is promoted alone.
    let events = roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            at(3),
            &Everyone,
        )
        .unwrap();
    assert_eq!(promoted(&events), [learner(4)]);
}

#[test]
fn waiting_group_passed_over() {
    let mut roster = Roster::new(&course(2), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(1), &Everyone).unwrap();
    roster.apply(&enrol(2), at(2), &Everyone).unwrap();
    roster
        .apply(&group(3, &[4], GroupMode::AllOrNothing), at(3), &Everyone)
        .unwrap();
    roster.apply(&enrol(5), at(4), &Everyone).unwrap();
    let events = roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            at(5),
            &Everyone,
        )
        .unwrap();
    assert_eq!(promoted(&events), [learner(5)]);
    let passed: Vec<StaleReason> = events
        .iter()
        .filter_map(|event| match event {
            Event::Skipped { reason, .. } => Some(*reason),
            _ => None,
        })
        .collect();
    assert_eq!(
        passed,
        [StaleReason::GroupDoesNotFit, StaleReason::GroupDoesNotFit]
    );
    // When two places are free the group, still first in line, takes them.
    roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(2),
            },
            at(6),
            &Everyone,
        )
        .unwrap();
    let events = roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(5),
            },
            at(7),
            &Everyone,
        )
        .unwrap();
    assert_eq!(promoted(&events), [learner(3), learner(4)]);
}

#[test]
fn ineligible_member_rejects_the_booking() {
    let mut roster = Roster::new(&course(5), Vec::new()).unwrap();
    let check = |id: LearnerId| {
        if id == learner(2) {
            Problem::new(enrolment_codes::BELOW_MIN_AGE, Path::root()).into()
        } else {
            Problems::new()
        }
    };
    let problems = roster
        .apply(&group(1, &[2], GroupMode::Partial), at(1), &check)
        .unwrap_err();
    assert_eq!(problems.0[0].code, enrolment_codes::NOT_ELIGIBLE);
    assert_eq!(
        problems.0[0].path,
        Path::root().join("companions").join(0usize)
    );
    assert!(roster.entries().is_empty());
}

#[test]
fn capacity_drop_rejects_or_demotes() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    for (minute, n) in [(1, 1), (2, 2), (3, 3)] {
        roster.apply(&enrol(n), at(minute), &Everyone).unwrap();
    }
    let drop = |overflow| Command::SetCapacity {
        capacity: Some(2),
        overflow,
    };
    let problems = roster
        .apply(&drop(Overflow::Reject), at(4), &Everyone)
        .unwrap_err();
    assert_eq!(
        problems.0[0].code,
        enrolment_codes::CAPACITY_BELOW_CONFIRMED
    );
    assert_eq!(roster.capacity(), Some(3));
    let events = roster
        .apply(&drop(Overflow::DemoteLatest), at(5), &Everyone)
        .unwrap();
    assert!(matches!(events[0], Event::Demoted { learner_id, .. } if learner_id == learner(3)));
    assert_eq!(status_of(&roster, 3), Some(EnrolmentStatus::Waitlisted));
    assert_eq!(roster.confirmed(), 2);
    let demoted = roster
        .entries()
        .iter()
        .find(|e| e.enrolment.learner_id == learner(3))
        .unwrap();
    assert_eq!(demoted.enrolment.confirmed_at, None);
    assert!(demoted.enrolment.validate().is_empty());
}

#[test]
fn window_is_half_open() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    let early = roster.apply(&enrol(1), at(-1), &Everyone).unwrap_err();
    assert_eq!(early.0[0].code, enrolment_codes::ENROLMENT_NOT_OPEN);
    roster.apply(&enrol(1), at(0), &Everyone).unwrap();
    let closes: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().unwrap();
    let late = roster.apply(&enrol(2), closes, &Everyone).unwrap_err();
    assert_eq!(late.0[0].code, enrolment_codes::ENROLMENT_CLOSED);
    // Withdrawing is allowed after enrolment closes.
    roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            closes,
            &Everyone,
        )
        .unwrap();
}

#[test]
fn operations_go_forward_in_time() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(5), &Everyone).unwrap();
    let problems = roster.apply(&enrol(2), at(4), &Everyone).unwrap_err();
    assert_eq!(problems.0[0].code, enrolment_codes::OPERATION_OUT_OF_ORDER);
}

#[test]
fn re_enrolment_gets_new_id() {
    let mut roster = Roster::new(&course(3), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(1), &Everyone).unwrap();
    roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            at(2),
            &Everyone,
        )
        .unwrap();
    roster.apply(&enrol(1), at(3), &Everyone).unwrap();
    let ids: Vec<EnrolmentId> = roster.entries().iter().map(|e| e.enrolment.id).collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    let replay = {
        let mut again = Roster::new(&course(3), Vec::new()).unwrap();
        again.apply(&enrol(1), at(1), &Everyone).unwrap();
        again.entries()[0].enrolment.id
    };
    assert_eq!(replay, ids[0]);
}

#[test]
fn records_over_capacity_are_rejected() {
    let course = course(1);
    let records: Vec<Enrolment> = (1..=2u8)
        .map(|n| {
            Enrolment::from_json(
                &json!({
                    "id": format!("60000000-0000-4000-8000-0000000000{n:02}"),
                    "learner_id": learner(n).to_string(),
                    "course_id": course.id.to_string(),
                    "requested_at": "2026-02-01T02:00:00Z",
                }),
                &Path::root(),
            )
            .unwrap()
        })
        .collect();
    let problems = Roster::new(&course, records).unwrap_err();
    assert_eq!(problems.0[0].code, enrolment_codes::CAPACITY_EXCEEDED);
}

#[test]
fn second_confirmed_record_is_reported() {
    let record = |id: u8, n: u8, status: &str| {
        Enrolment::from_json(
            &json!({
                "id": format!("60000000-0000-4000-8000-0000000000{id:02}"),
                "learner_id": learner(n).to_string(),
                "course_id": "40000000-0000-4000-8000-000000000001",
                "requested_at": "2026-02-01T02:00:00Z",
                "status": status,
            }),
            &Path::root(),
        )
        .unwrap()
    };
    let problems = Roster::new(
        &course(5),
        vec![
            record(1, 1, "confirmed"),
            record(2, 1, "waitlisted"),
            record(3, 1, "confirmed"),
        ],
    )
    .unwrap_err();
    assert_eq!(problems.len(), 1);
    let problem = &problems.0[0];
    assert_eq!(problem.code, enrolment_codes::DUPLICATE_CONFIRMED_PLACE);
    assert_eq!(problem.path.to_string(), "enrolments[2].status");
    assert_eq!(
        problem.params["other_id"],
        "60000000-0000-4000-8000-000000000001"
    );
    // One confirmed and one waiting record of a learner are allowed: the
    // waiting one is passed over by promotion.
    assert!(
        Roster::new(
            &course(5),
            vec![record(1, 1, "confirmed"), record(2, 1, "waitlisted")]
        )
        .is_ok()
    );
}

#[test]
fn stale_entries_checked_once_per_operation() {
    let record = |id: u8, n: u8, status: &str| {
        Enrolment::from_json(
            &json!({
                "id": format!("60000000-0000-4000-8000-0000000000{id:02}"),
                "learner_id": learner(n).to_string(),
                "course_id": "40000000-0000-4000-8000-000000000001",
                "requested_at": format!("2026-02-01T02:0{id}:00Z"),
                "status": status,
            }),
            &Path::root(),
        )
        .unwrap()
    };
    let mut roster = Roster::new(
        &course(3),
        vec![
            record(1, 1, "confirmed"),
            record(2, 2, "waitlisted"),
            record(3, 3, "waitlisted"),
            record(4, 4, "waitlisted"),
        ],
    )
    .unwrap();
    let calls = std::cell::Cell::new(0);
    let nobody_waiting_is_eligible = |who: LearnerId| {
        calls.set(calls.get() + 1);
        if who == learner(1) {
            Problems::new()
        } else {
            Problem::new(enrolment_codes::BELOW_MIN_AGE, Path::root()).into()
        }
    };
    // Promotion runs before the withdrawal and again after it, over the
    // same three stale entries; each learner is asked about once.
    let events = roster
        .apply(
            &Command::Withdraw {
                learner_id: learner(1),
            },
            at(30),
            &nobody_waiting_is_eligible,
        )
        .unwrap();
    assert_eq!(calls.get(), 3);
    let skipped = events
        .iter()
        .filter(|event| matches!(event, Event::Skipped { .. }))
        .count();
    assert_eq!(skipped, 3);
    assert_eq!(roster.confirmed(), 0);
}

#[test]
fn failed_operation_undoes_catch_up_promotion() {
    let mut roster = Roster::new(&course(1), Vec::new()).unwrap();
    roster.apply(&enrol(1), at(0), &Everyone).unwrap();
    roster.apply(&enrol(2), at(1), &Everyone).unwrap();
    // A place freed outside any command, as a change of eligibility data
    // frees one, waits for the catch-up promotion of the next command.
    roster.capacity = Some(2);
    // That promotion gives learner 2 the place, then the withdrawal of a
    // learner who is not enrolled fails, and both are undone.
    let before = roster.clone();
    let failed = roster.apply(
        &Command::Withdraw {
            learner_id: learner(9),
        },
        at(3),
        &Everyone,
    );
    assert_eq!(failed.unwrap_err().0[0].code, enrolment_codes::NOT_ENROLLED);
    assert_eq!(roster, before);
    assert_eq!(status_of(&roster, 2), Some(EnrolmentStatus::Waitlisted));
    let events = roster.apply(&Command::Promote, at(4), &Everyone).unwrap();
    assert_eq!(promoted(&events), [learner(2)]);
}
