//! Learning clubs beyond the shared vectors: the `club_members.csv` file of
//! the season bundle, messages in Chinese, and properties of membership
//! histories and evaluations under random changes.

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use serde_json::{Value, json};
use xuetong::bundle::{MemoryBundle, read_bundle, write_bundle};
use xuetong::club::{EvaluationInput, FormerFounderRole, Ratio, Roster, Scorecard, evaluate};
use xuetong::id::{ClubId, LearnerId, SessionId, VenueId};
use xuetong::model::{
    AmbiguousTime, ClubActivityKind, ClubStatus, CoreDuty, MemberRole, Session, SessionOwner,
    SessionStatus,
};

const CLUB: &str = "c0000000-0000-4000-8000-000000000001";

fn learner(n: u32) -> String {
    format!("20000000-0000-4000-8000-{n:012}")
}

/// Builds a bundle with a district, a street school, a community, learners 1
/// to 6 and one club.
fn club_bundle(members_csv: &str) -> MemoryBundle {
    let mut files = MemoryBundle::new();
    files.insert(
        "venues.csv",
        "id,name,tier,parent_id,time_zone\n\
         10000000-0000-4000-8000-000000000001,District,district,,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000003,Street school,street,10000000-0000-4000-8000-000000000001,Asia/Shanghai\n\
         10000000-0000-4000-8000-000000000005,Community,community,10000000-0000-4000-8000-000000000003,Asia/Shanghai\n",
    );
    let mut learners = String::from("id,display_name\n");
    for n in 1..=6 {
        learners.push_str(&format!("{},Learner {n}\n", learner(n)));
    }
    files.insert("learners.csv", learners);
    files.insert(
        "clubs.csv",
        format!(
            "id,name,status,status_since,community_venue_id,guiding_venue_id,founded_on,has_rules\n\
             {CLUB},Sewing club 缝纫社,active,2024-09-01,10000000-0000-4000-8000-000000000005,10000000-0000-4000-8000-000000000003,2024-06-01,true\n"
        ),
    );
    files.insert("courses.csv", "id,title,category,provider_venue_id\n");
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n",
    );
    files.insert("club_members.csv", members_csv.to_owned());
    files
}

#[test]
fn bundle_reads_club_members() {
    let members = format!(
        "club_id,learner_id,role,duty,joined_on,left_on\n\
         {CLUB},{},founder,,2024-06-01,\n\
         {CLUB},{},core,planning_writing,2024-06-01,\n\
         {CLUB},{},fixed,,2024-06-01,2025-01-01\n\
         {CLUB},{},occasional,,2025-01-01,\n",
        learner(1),
        learner(2),
        learner(3),
        learner(3),
    );
    let (bundle, report) = read_bundle(&club_bundle(&members)).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(bundle.club_members.len(), 4);
    assert_eq!(bundle.club_members[1].duty, Some(CoreDuty::PlanningWriting));
    assert!(bundle.clubs[0].has_rules);
    assert_eq!(report.file("club_members.csv").unwrap().rows_accepted, 4);

    let roster = Roster::new(bundle.clubs[0].clone(), bundle.club_members.clone());
    assert!(roster.is_ok(), "{roster:?}");
}

#[test]
fn bundle_rejects_bad_club_members() {
    let members = format!(
        "club_id,learner_id,role,duty,joined_on,left_on\n\
         {CLUB},{},founder,,2024-06-01,\n\
         c0000000-0000-4000-8000-000000000009,{},fixed,,2024-06-01,\n\
         {CLUB},20000000-0000-4000-8000-000000000099,fixed,,2024-06-01,\n\
         {CLUB},{},fixed,,2024-06-01,2025-01-01\n\
         {CLUB},{},core,,2024-12-01,\n\
         {CLUB},{},occasional,,2024-12-01,\n",
        learner(1),
        learner(2),
        learner(3),
        learner(4),
        learner(3),
    );
    let (bundle, report) = read_bundle(&club_bundle(&members)).unwrap();
    let found: Vec<(String, Value)> = report
        .problems
        .iter()
        .map(|problem| {
            (
                problem.code.to_string(),
                serde_json::to_value(&problem.path).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "required_for_kind".to_owned(),
                json!(["club_members.csv", 6, "duty"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["club_members.csv", 3, "club_id"])
            ),
            (
                "unknown_reference".to_owned(),
                json!(["club_members.csv", 4, "learner_id"])
            ),
            (
                "membership_overlap".to_owned(),
                json!(["club_members.csv", 7, "joined_on"])
            ),
        ]
    );
    let overlap = &report.problems[3];
    assert_eq!(overlap.params["line"], 7);
    assert_eq!(overlap.params["other_line"], 5);
    assert_eq!(bundle.club_members.len(), 2);
    let counts = report.file("club_members.csv").unwrap();
    assert_eq!(counts.rows_read, 6);
    assert_eq!(counts.rows_accepted, 2);
    assert_eq!(counts.rows_rejected, 4);
}

#[test]
fn bundle_round_trip_keeps_members() {
    let members = format!(
        "club_id,learner_id,role,duty,joined_on,left_on\n\
         {CLUB},{},founder,,2024-06-01,\n\
         {CLUB},{},fixed,,2024-06-01,2025-01-01\n",
        learner(1),
        learner(2),
    );
    let (bundle, _) = read_bundle(&club_bundle(&members)).unwrap();
    let mut written = MemoryBundle::new();
    write_bundle(&bundle, &mut written).unwrap();
    let (again, report) = read_bundle(&written).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(again, bundle);
    let text = String::from_utf8(written.files["club_members.csv"].clone()).unwrap();
    assert!(text.starts_with("club_id,learner_id,role,duty,joined_on,left_on\n"));
}

#[test]
fn club_messages_in_chinese() {
    let request = json!({
        "locale": "zh-CN",
        "input": {
            "club": {"id": CLUB, "name": "缝纫社", "status": "active", "founded_on": "2024-06-01"},
            "members": [
                {"club_id": CLUB, "learner_id": learner(1), "role": "founder", "joined_on": "2024-06-01"}
            ],
            "learner_id": learner(1),
            "on": "2025-03-01"
        }
    });
    let response = xuetong::api::call_value("club_leave", &request).to_json();
    assert_eq!(response["ok"], false);
    let problem = &response["problems"][0];
    assert_eq!(problem["code"], "founder_must_hand_over");
    let message = problem["message"].as_str().unwrap();
    assert!(message.contains("创始人"), "{message}");
    assert!(message.contains(&learner(1)), "{message}");
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn club_record() -> xuetong::model::Club {
    xuetong::model::Club {
        id: ClubId(CLUB.parse().unwrap()),
        source: None,
        name: "Sewing club".into(),
        status: ClubStatus::Active,
        status_since: None,
        community_venue_id: None,
        guiding_venue_id: None,
        founded_on: Some(date("2024-01-01")),
        has_rules: false,
    }
}

/// One operation on a roster, drawn at random.
#[derive(Clone, Debug)]
enum RosterOperation {
    Join(u32, MemberRole, u64),
    Leave(u32, u64),
    ChangeRole(u32, MemberRole, u64),
    HandOver(u32, FormerFounderRole, u64),
}

fn role() -> impl Strategy<Value = MemberRole> {
    prop::sample::select(MemberRole::ALL.to_vec())
}

fn change() -> impl Strategy<Value = RosterOperation> {
    let learner = 1u32..8;
    let day = 0u64..400;
    prop_oneof![
        (learner.clone(), role(), day.clone()).prop_map(|(l, r, d)| RosterOperation::Join(l, r, d)),
        (learner.clone(), day.clone()).prop_map(|(l, d)| RosterOperation::Leave(l, d)),
        (learner.clone(), role(), day.clone())
            .prop_map(|(l, r, d)| RosterOperation::ChangeRole(l, r, d)),
        (
            learner,
            prop::sample::select(FormerFounderRole::ALL.to_vec()),
            day
        )
            .prop_map(|(l, r, d)| RosterOperation::HandOver(l, r, d)),
    ]
}

fn learner_id(n: u32) -> LearnerId {
    LearnerId(learner(n).parse().unwrap())
}

fn duty_for(role: MemberRole) -> Option<CoreDuty> {
    (role == MemberRole::Core).then_some(CoreDuty::Training)
}

/// Applies an operation, and returns the roster unchanged when the
/// operation is rejected.
fn apply(roster: &Roster, change: &RosterOperation) -> Roster {
    let start = date("2024-01-01");
    let on = |days: u64| start.checked_add_days(Days::new(days)).unwrap();
    let result = match *change {
        RosterOperation::Join(l, role, d) => {
            roster.join(learner_id(l), role, duty_for(role), on(d))
        }
        RosterOperation::Leave(l, d) => roster.leave(learner_id(l), on(d)),
        RosterOperation::ChangeRole(l, role, d) => {
            roster.change_role(learner_id(l), role, duty_for(role), on(d))
        }
        RosterOperation::HandOver(l, former, d) => {
            let duty = (former == FormerFounderRole::Core).then_some(CoreDuty::Other);
            roster.hand_over(learner_id(l), on(d), former, duty)
        }
    };
    result.unwrap_or_else(|_| roster.clone())
}

proptest! {
    #[test]
    fn histories_keep_one_founder(changes in prop::collection::vec(change(), 1..40)) {
        let founder = learner_id(1);
        let mut roster = Roster::new(club_record(), Vec::new()).unwrap();
        roster = roster.join(founder, MemberRole::Founder, None, date("2024-01-01")).unwrap();
        for change in &changes {
            roster = apply(&roster, change);
        }
        for offset in (0..420).step_by(7) {
            let day = date("2024-01-01").checked_add_days(Days::new(offset)).unwrap();
            let founders = roster
                .members()
                .iter()
                .filter(|member| member.role == MemberRole::Founder && member.covers(day))
                .count();
            prop_assert_eq!(founders, 1, "day {}", day);
            for n in 1..8 {
                let periods = roster
                    .members()
                    .iter()
                    .filter(|member| member.learner_id == learner_id(n) && member.covers(day))
                    .count();
                prop_assert!(periods <= 1, "learner {} on {} has {} periods", n, day, periods);
            }
        }
        for member in roster.members() {
            if let Some(left_on) = member.left_on {
                prop_assert!(left_on >= member.joined_on);
            }
        }
    }

    #[test]
    fn score_stays_within_bounds(
        changes in prop::collection::vec(change(), 0..20),
        days in prop::collection::vec((0u64..400, 0u32..40, any::<bool>()), 0..30),
    ) {
        let mut roster = Roster::new(club_record(), Vec::new()).unwrap();
        roster = roster.join(learner_id(1), MemberRole::Founder, None, date("2024-01-01")).unwrap();
        for change in &changes {
            roster = apply(&roster, change);
        }
        let (club, members) = roster.into_parts();
        let mut activities = Vec::new();
        let mut check_ins = Vec::new();
        for (index, (day, count, outreach)) in days.iter().enumerate() {
            let id = SessionId::derive("test", &index.to_string());
            activities.push(Session {
                id,
                source: None,
                owner: SessionOwner::Club(club.id),
                venue_id: VenueId::derive("test", "hall"),
                instructor_ids: Vec::new(),
                date: date("2024-01-01").checked_add_days(Days::new(*day)).unwrap(),
                start_time: "14:00".parse().unwrap(),
                end_time: "16:00".parse().unwrap(),
                end_date: None,
                time_zone: None,
                ambiguous_time: AmbiguousTime::Earlier,
                status: SessionStatus::Scheduled,
                activity_kind: Some(if *outreach { ClubActivityKind::Outreach } else { ClubActivityKind::Practice }),
            });
            check_ins.push(xuetong::club::ActivityCheckIns { session_id: id, count: *count });
        }
        let input = EvaluationInput {
            club,
            year: 2024,
            members,
            activities,
            check_ins,
            recorded_session_ids: Vec::new(),
            outcomes: Vec::new(),
        };
        let scorecard = Scorecard::default();
        let evaluation = evaluate(&input, &scorecard).unwrap();
        let hundred = Ratio::whole(100);
        prop_assert_ne!(evaluation.score_exact.checked_cmp(hundred), Some(std::cmp::Ordering::Greater));
        let shown_score: Ratio = evaluation.score.parse().unwrap();
        prop_assert_eq!(scorecard.rating(shown_score), evaluation.rating.as_str());
        let mut total = Ratio::ZERO;
        for indicator in &evaluation.indicators {
            total = total.checked_add(indicator.contribution_exact).unwrap();
        }
        prop_assert_eq!(total, evaluation.score_exact);
    }
}
