//! The credit engine and ledger through the Rust API: reruns give identical
//! ledgers, and the properties that must hold for any input (no cap is
//! exceeded, outcome order does not matter, revoking everything leaves
//! nothing).

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use serde_json::{Value, json};
use xuetong::bundle::{MemoryBundle, read_bundle};
use xuetong::credit::{
    Computation, CreditContext, EntryKind, Ledger, Limit, RuleSet, RuleSetStatus, compute_credits,
    parse_rule_set, presets, rule_set_from_json,
};
use xuetong::decimal::Credits;
use xuetong::id::OutcomeId;
use xuetong::model::{Category, Course, Outcome, Taxonomy, Venue};
use xuetong::problem::Path;
use xuetong::record::Record;

const LEARNERS: [&str; 3] = [
    "20000000-0000-4000-8000-000000000001",
    "20000000-0000-4000-8000-000000000002",
    "20000000-0000-4000-8000-000000000003",
];
const COURSE: &str = "30000000-0000-4000-8000-000000000001";
const CALLIGRAPHY: &str = "30000000-0000-4000-8000-000000000002";
const VENUE: &str = "10000000-0000-4000-8000-000000000001";
const CLUB: &str = "c0000000-0000-4000-8000-000000000001";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn context() -> CreditContext {
    let venue = Venue::from_json(
        &json!({"id": VENUE, "name": "Qiantang District College", "tier": "district", "time_zone": "Asia/Shanghai"}),
        &Path::root(),
    )
    .unwrap();
    let course = Course::from_json(
        &json!({"id": COURSE, "title": "Tai chi", "category": "tai_chi", "provider_venue_id": VENUE}),
        &Path::root(),
    )
    .unwrap();
    let calligraphy = Course::from_json(
        &json!({"id": CALLIGRAPHY, "title": "Calligraphy", "category": "calligraphy", "provider_venue_id": VENUE}),
        &Path::root(),
    )
    .unwrap();
    CreditContext::new(vec![course, calligraphy], vec![venue], Taxonomy::built_in())
}

/// One generated outcome: learner, kind, day offset from 2025-01-01,
/// minutes, and whether it was banked. The minutes also pick the category
/// of club activities and the course of attendance, so that units can mix
/// categories inside and outside `health`.
type Spec = (usize, usize, u64, u32, bool);

fn outcome(index: usize, (learner, kind, offset, minutes, banked): Spec) -> Outcome {
    let date = day("2025-01-01") + Days::new(offset);
    let mut value = json!({
        "id": format!("90000000-0000-4000-8000-{index:012}"),
        "learner_id": LEARNERS[learner % LEARNERS.len()],
        "occurred_on": date.to_string(),
        "banked": banked,
    });
    let object = value.as_object_mut().unwrap();
    let fields: Value = match kind % 6 {
        0 => json!({"kind": "volunteer_service", "minutes": minutes}),
        1 => match minutes % 4 {
            0 => json!({"kind": "club_activity", "minutes": minutes, "club_id": CLUB}),
            pick => {
                let category = ["tai_chi", "calligraphy", "qigong"][pick as usize - 1];
                json!({"kind": "club_activity", "minutes": minutes, "club_id": CLUB, "category": category})
            }
        },
        2 => json!({"kind": "teaching", "minutes": minutes}),
        3 => {
            let course = if minutes % 2 == 0 {
                COURSE
            } else {
                CALLIGRAPHY
            };
            json!({"kind": "attendance", "minutes": minutes, "course_id": course})
        }
        4 => {
            json!({"kind": "online_learning", "minutes": minutes, "resource_id": format!("video-{}", minutes % 3)})
        }
        _ => {
            json!({"kind": "certificate", "certificate_code": format!("CERT-{}", minutes % 5), "certificate_level": minutes / 5 % 5 + 1})
        }
    };
    for (key, field) in fields.as_object().unwrap() {
        object.insert(key.clone(), field.clone());
    }
    Outcome::from_json(&value, &Path::root()).unwrap()
}

fn outcomes(specs: &[Spec]) -> Vec<Outcome> {
    specs
        .iter()
        .enumerate()
        .map(|(index, spec)| outcome(index, *spec))
        .collect()
}

/// A rule set with a cap of every period kind, on amounts and on counts.
fn capped_rules() -> RuleSet {
    let document = json!({
        "format": "xuetong.credit-rules/1",
        "id": "many_caps",
        "version": 1,
        "status": "published",
        "title": "Every cap period",
        "effective_from": "2020-01-01",
        "rules": [
            {"id": "service", "match": {"kinds": ["volunteer_service"]},
             "formula": {"type": "per_time", "minutes": 60, "credits": "1.00"},
             "rounding": {"mode": "down", "quantum": "0.50", "stage": "record"}},
            {"id": "club", "match": {"kinds": ["club_activity"]},
             "formula": {"type": "per_time", "minutes": 60, "credits": "0.50"},
             "rounding": {"mode": "half_up", "quantum": "0.10", "stage": "period",
                          "period": {"type": "semester", "starts": ["03-01", "09-01"]}}},
            {"id": "teach", "match": {"kinds": ["teaching"]},
             "formula": {"type": "per_event", "credits": "0.70"},
             "rounding": {"mode": "down", "quantum": "0.01", "stage": "record"}},
            {"id": "hours", "match": {"kinds": ["attendance", "online_learning"]},
             "formula": {"type": "per_time", "minutes": 45, "credits": "0.25"},
             "rounding": {"mode": "up", "quantum": "0.05", "stage": "learner_course"}},
            {"id": "certificates", "match": {"kinds": ["certificate"]},
             "formula": {"type": "table", "key": "certificate_level",
                         "entries": {"1": "5.00", "2": "4.00", "3": "3.00", "4": "2.00", "5": "1.00"}},
             "rounding": {"mode": "down", "quantum": "0.01", "stage": "record"},
             "dedup": "certificate_code", "validity_years": 1}
        ],
        "caps": [
            {"id": "service_week", "scope": {"rules": ["service"]},
             "period": {"type": "rolling_days", "days": 7}, "limit": {"amount": "3.00"}},
            {"id": "club_semester", "scope": {"kinds": ["club_activity"]},
             "period": {"type": "semester", "starts": ["03-01", "09-01"]}, "limit": {"amount": "1.00"}},
            {"id": "teach_count", "scope": {"rules": ["teach"]},
             "period": {"type": "year_from", "start": "09-01"}, "limit": {"count": 4}},
            {"id": "health", "scope": {"categories": ["health"]},
             "period": {"type": "calendar_year"}, "limit": {"amount": "0.75"}},
            {"id": "certificate_count", "scope": {"kinds": ["certificate"]},
             "period": {"type": "lifetime"}, "limit": {"count": 2}},
            {"id": "everything", "period": {"type": "calendar_year"}, "limit": {"amount": "12.00"}}
        ]
    });
    rule_set_from_json(&document, &Path::root()).unwrap()
}

fn recorded(rules: &RuleSet, outcomes: &[Outcome], on: &str) -> (Computation, Ledger) {
    let context = context().with_recorded_on(day(on));
    let computation = compute_credits(rules, &context, outcomes).unwrap();
    let mut ledger = Ledger::new();
    ledger.record(&computation, day(on)).unwrap();
    (computation, ledger)
}

/// Checks whether `category` is `target` or lies below it in `taxonomy`.
fn falls_under(taxonomy: &Taxonomy, category: &Category, target: &Category) -> bool {
    let mut current = Some(category);
    while let Some(key) = current {
        if key == target {
            return true;
        }
        current = taxonomy
            .get(key)
            .and_then(|definition| definition.parent.as_ref());
    }
    false
}

/// Checks every cap of `rules` against the accrued entries of `ledger`: for
/// each entry in a cap's scope, the entries in the window that ends at its
/// date stay within the limit. Windows ending at entry dates are enough,
/// because any window holding entries lies inside the window that ends at
/// its last entry, for every period kind.
///
/// An entry is in a category scope when any of its outcomes is, judged from
/// the outcomes themselves and not from the entry's category, so that an
/// amount summed over several categories cannot slip past a category cap.
fn assert_caps_hold(
    rules: &RuleSet,
    ledger: &Ledger,
    context: &CreditContext,
    outcomes: &[Outcome],
) {
    let categories: HashMap<OutcomeId, Category> = outcomes
        .iter()
        .filter_map(|outcome| {
            let course = outcome.course_id.and_then(|id| context.course(id));
            let category = outcome
                .details()
                .category
                .clone()
                .or_else(|| course.map(|course| course.category.clone()))?;
            Some((outcome.id, category))
        })
        .collect();
    let taxonomy = context.taxonomy();
    let accrued: Vec<_> = ledger
        .entries()
        .iter()
        .filter(|entry| entry.kind == EntryKind::Accrue)
        .collect();
    for cap in &rules.caps {
        let in_scope = |entry: &&&xuetong::credit::Entry| {
            let scope = &cap.scope;
            let rule = entry.rule_id.clone().unwrap_or_default();
            let kind_ok = scope.kinds.is_empty()
                || entry
                    .outcome_kind
                    .is_some_and(|kind| scope.kinds.contains(&kind));
            let rule_ok = scope.rules.is_empty() || scope.rules.contains(&rule);
            let category_ok = scope.categories.is_empty()
                || entry.outcome_ids.iter().any(|id| {
                    categories.get(id).is_some_and(|category| {
                        scope
                            .categories
                            .iter()
                            .any(|target| falls_under(taxonomy, category, target))
                    })
                });
            kind_ok && rule_ok && category_ok
        };
        for end in accrued.iter().filter(in_scope) {
            let window = cap.period.window(end.occurred_on);
            let inside: Vec<_> = accrued
                .iter()
                .filter(in_scope)
                .filter(|entry| entry.learner_id == end.learner_id)
                .filter(|entry| window.contains(entry.occurred_on))
                .collect();
            match cap.limit {
                Limit::Amount(limit) => {
                    let sum: Credits = inside.iter().map(|entry| entry.amount).sum();
                    assert!(sum <= limit, "cap {} exceeded: {sum} > {limit}", cap.id);
                }
                Limit::Count(limit) => {
                    let count = inside
                        .iter()
                        .filter(|entry| !entry.amount.is_zero())
                        .count();
                    assert!(count <= limit as usize, "cap {} counted {count}", cap.id);
                }
            }
        }
    }
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0..3usize,
        0..6usize,
        0..900u64,
        0..700u32,
        proptest::bool::weighted(0.1),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_cap_is_exceeded(specs in proptest::collection::vec(spec(), 0..80)) {
        let outcomes = outcomes(&specs);
        for rules in [capped_rules(), presets::community(), presets::korea_acb()] {
            let (_, ledger) = recorded(&rules, &outcomes, "2028-01-01");
            assert_caps_hold(&rules, &ledger, &context(), &outcomes);
        }
    }

    #[test]
    fn outcome_order_does_not_matter(
        specs in proptest::collection::vec(spec(), 0..60),
        seed in any::<u64>(),
    ) {
        let outcomes = outcomes(&specs);
        let mut shuffled = outcomes.clone();
        let mut state = seed | 1;
        for index in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(index, (state % (index as u64 + 1)) as usize);
        }
        for rules in [capped_rules(), presets::community()] {
            let (_, first) = recorded(&rules, &outcomes, "2027-06-01");
            let (_, second) = recorded(&rules, &shuffled, "2027-06-01");
            prop_assert_eq!(first.to_json().to_string(), second.to_json().to_string());
        }
    }

    #[test]
    fn revoking_everything_zeroes_every_balance(specs in proptest::collection::vec(spec(), 0..60)) {
        let (_, mut ledger) = recorded(&capped_rules(), &outcomes(&specs), "2028-06-01");
        let ids: Vec<_> = ledger
            .entries()
            .iter()
            .filter(|entry| entry.kind != EntryKind::Revoke)
            .map(|entry| entry.id)
            .collect();
        for id in ids {
            if let Err(problems) = ledger.revoke(id, day("2028-07-01"), "entered twice".into()) {
                // Revoking an expired accrual revokes its expiry too.
                prop_assert_eq!(problems.iter().next().unwrap().code.as_str(), "already_revoked");
            }
        }
        for balance in ledger.balances(None) {
            prop_assert!(balance.amount.is_zero(), "{:?}", balance);
        }
        prop_assert!(ledger.check(&Path::root()).is_empty());
    }

    #[test]
    fn rerun_appends_nothing(specs in proptest::collection::vec(spec(), 0..60)) {
        let rules = capped_rules();
        let (computation, mut ledger) = recorded(&rules, &outcomes(&specs), "2028-01-01");
        let before = ledger.to_json();
        prop_assert!(ledger.record(&computation, day("2028-01-01")).unwrap().is_empty());
        prop_assert_eq!(before, ledger.to_json());
        // A later run only adds the expiries that fell due in between.
        for entry in ledger.record(&computation, day("2029-01-01")).unwrap() {
            prop_assert_eq!(entry.kind, EntryKind::Expire);
        }
    }

    #[test]
    fn edited_entry_breaks_the_chain(
        specs in proptest::collection::vec(spec(), 1..40),
        pick in any::<prop::sample::Index>(),
    ) {
        let (_, ledger) = recorded(&capped_rules(), &outcomes(&specs), "2028-01-01");
        prop_assume!(!ledger.entries().is_empty());
        let index = pick.index(ledger.entries().len());
        let mut json = ledger.to_json();
        json["entries"][index]["reason"] = json!("edited");
        let problems = Ledger::from_json(&json, &Path::root()).unwrap_err();
        let codes: Vec<&str> = problems.iter().map(|problem| problem.code.as_str()).collect();
        prop_assert_eq!(codes, ["ledger_tampered"]);
        let path = &problems.iter().next().unwrap().path;
        prop_assert_eq!(path, &xuetong::path!["entries", index]);
    }

    #[test]
    fn ledger_json_round_trips(specs in proptest::collection::vec(spec(), 0..40)) {
        let (_, ledger) = recorded(&capped_rules(), &outcomes(&specs), "2028-01-01");
        let back = Ledger::from_json(&ledger.to_json(), &Path::root()).unwrap();
        prop_assert_eq!(back, ledger);
    }
}

#[test]
fn two_runs_give_identical_ledgers() {
    let specs: Vec<Spec> = (0..40)
        .map(|index| {
            (
                index % 3,
                index % 6,
                (index * 37 % 700) as u64,
                (index * 53 % 400) as u32,
                false,
            )
        })
        .collect();
    let outcomes = outcomes(&specs);
    let (_, first) = recorded(&presets::community(), &outcomes, "2026-04-01");
    let (_, second) = recorded(&presets::community(), &outcomes, "2026-04-01");
    let first_text = serde_json::to_string(&first).unwrap();
    assert_eq!(first_text, serde_json::to_string(&second).unwrap());
    assert!(!first.entries().is_empty());
}

#[test]
fn changed_rules_under_a_published_version_are_rejected() {
    let outcomes = outcomes(&[(0, 0, 10, 120, false)]);
    let (_, mut ledger) = recorded(&presets::community(), &outcomes, "2026-04-01");
    let mut changed = presets::community();
    changed.caps.clear();
    let computation = compute_credits(&changed, &context(), &outcomes).unwrap();
    let problems = ledger.record(&computation, day("2026-05-01")).unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().code.as_str(),
        "rule_set_changed"
    );
    changed.version = 3;
    let computation = compute_credits(&changed, &context(), &outcomes).unwrap();
    let appended = ledger.record(&computation, day("2026-05-01")).unwrap();
    let kinds: Vec<EntryKind> = appended.iter().map(|entry| entry.kind).collect();
    assert_eq!(kinds, [EntryKind::Revoke, EntryKind::Accrue]);
    assert_eq!(appended[1].rule_set_version, 3);
}

#[test]
fn accrual_after_recording_date_is_rejected() {
    // 2025-04-11, one day after the recording date; the context does not
    // know the recording date, so the ledger has to catch it.
    let outcomes = outcomes(&[(0, 0, 100, 120, false)]);
    let computation = compute_credits(&presets::community(), &context(), &outcomes).unwrap();
    let problems = Ledger::new()
        .record(&computation, day("2025-04-10"))
        .unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().code.as_str(),
        "occurred_after_recording"
    );
}

#[test]
fn draft_rules_preview_but_do_not_record() {
    let mut draft = presets::community();
    draft.status = RuleSetStatus::Draft;
    let outcomes = outcomes(&[(0, 0, 10, 120, false)]);
    let computation = compute_credits(&draft, &context(), &outcomes).unwrap();
    assert_eq!(computation.accruals.len(), 1);
    let problems = Ledger::new()
        .record(&computation, day("2026-04-01"))
        .unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().code.as_str(),
        "rule_set_not_published"
    );
}

#[test]
fn bundle_rules_file_drives_the_engine() {
    let mut files = MemoryBundle::new();
    files.insert(
        "venues.csv",
        format!(
            "id,name,tier,time_zone\n{VENUE},Qiantang District College,district,Asia/Shanghai\n"
        ),
    );
    files.insert(
        "courses.csv",
        format!("id,title,category,provider_venue_id\n{COURSE},Tai chi,tai_chi,{VENUE}\n"),
    );
    files.insert(
        "sessions.csv",
        "id,course_id,venue_id,date,start_time,end_time\n",
    );
    files.insert(
        "learners.csv",
        format!("id,display_name\n{},王秀英\n", LEARNERS[0]),
    );
    files.insert(
        "outcomes.csv",
        format!(
            "id,learner_id,kind,occurred_on,minutes,course_id\n\
             90000000-0000-4000-8000-000000000001,{},attendance,2026-03-02,90,{COURSE}\n\
             90000000-0000-4000-8000-000000000002,{},attendance,2026-03-09,90,{COURSE}\n\
             90000000-0000-4000-8000-000000000003,{},attendance,2026-03-16,90,{COURSE}\n",
            LEARNERS[0], LEARNERS[0], LEARNERS[0]
        ),
    );
    let rules = json!({
        "format": "xuetong.credit-rules/1", "id": "cixi_by_year", "version": 1,
        "status": "published", "title": "Points per year", "effective_from": "2026-01-01",
        "rules": [{"id": "hours", "match": {"kinds": ["attendance"]},
                   "formula": {"type": "per_time", "minutes": 60, "credits": "1.00"},
                   "rounding": {"mode": "down", "quantum": "1.00", "stage": "period",
                                "period": {"type": "calendar_year"}}}]
    });
    files.insert("rules.json", rules.to_string());
    let (bundle, report) = read_bundle(&files).unwrap();
    assert!(report.is_clean(), "{report:?}");
    let rule_set = parse_rule_set(bundle.rules.as_deref().unwrap()).unwrap();
    let computation = compute_credits(
        &rule_set,
        &CreditContext::from_bundle(&bundle),
        &bundle.outcomes,
    )
    .unwrap();
    let amounts: Vec<String> = computation
        .accruals
        .iter()
        .map(|accrual| accrual.amount.to_string())
        .collect();
    // 270 minutes summed over the year are 4 full hours.
    assert_eq!(amounts, ["4.00"]);
}

#[test]
fn broken_rules_file_reports_malformed_json() {
    let problems = parse_rule_set("{\"format\": ").unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().code.as_str(),
        "malformed_json"
    );
}

#[test]
fn repeated_key_in_rules_is_malformed_json() {
    let text =
        r#"{"format": "xuetong.credit-rules/1", "rules": [{"id": "a"}, {"id": "a", "id": "b"}]}"#;
    let problems = parse_rule_set(text).unwrap_err();
    let found: Vec<(&str, String)> = problems
        .iter()
        .map(|problem| (problem.code.as_str(), problem.path.to_string()))
        .collect();
    assert_eq!(found, [("malformed_json", "rules[1].id".to_owned())]);
}

#[test]
fn rule_counts_name_their_own_range() {
    for version in [json!(-1), json!(0), json!(1e30), json!("-3")] {
        let text = json!({"format": "xuetong.credit-rules/1", "version": version}).to_string();
        let problems = parse_rule_set(&text).unwrap_err();
        let problem = problems
            .iter()
            .find(|problem| problem.path.to_string() == "version")
            .unwrap_or_else(|| panic!("no problem at version for {version}"));
        assert_eq!(problem.code.as_str(), "out_of_range", "{version}");
        assert_eq!(problem.params["min"], json!(1), "{version}");
        assert_eq!(problem.params["max"], json!(u32::MAX), "{version}");
    }
}

#[test]
fn expiry_and_revocation_of_expiry() {
    let rules = capped_rules();
    let certificate = outcomes(&[(0, 5, 10, 2, false)]);
    let (_, mut ledger) = recorded(&rules, &certificate, "2025-06-01");
    let accrued = ledger.entries()[0].clone();
    assert_eq!(accrued.expires_on, Some(day("2026-01-11")));
    assert!(
        ledger
            .expire(day("2026-01-10"), day("2026-01-10"))
            .unwrap()
            .is_empty()
    );
    let expired = ledger.expire(day("2026-01-11"), day("2026-01-11")).unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].amount, -accrued.amount);
    // A revoked expiry restores the credits and is not repeated.
    ledger
        .revoke(expired[0].id, day("2026-02-01"), "appeal granted".into())
        .unwrap();
    assert!(
        ledger
            .expire(day("2027-01-01"), day("2027-01-01"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(ledger.balances(None)[0].amount, accrued.amount);
}

#[test]
fn repeated_id_ignores_input_order() {
    let longer = outcome(0, (0, 0, 10, 600, false));
    let shorter = outcome(0, (0, 0, 10, 60, false));
    let banked = outcome(0, (0, 0, 10, 600, true));
    for (a, b) in [(&longer, &shorter), (&longer, &banked)] {
        let rules = presets::community();
        let (_, first) = recorded(&rules, &[a.clone(), b.clone()], "2026-04-01");
        let (_, second) = recorded(&rules, &[b.clone(), a.clone()], "2026-04-01");
        assert_eq!(first.to_json(), second.to_json());
    }
}

#[test]
fn banked_result_keeps_its_credits() {
    let rules = presets::community();
    let first_run = outcomes(&[(0, 0, 10, 600, false)]);
    let (_, mut ledger) = recorded(&rules, &first_run, "2025-02-01");
    let credited = ledger.balances(None)[0].amount;
    assert_eq!(credited.to_string(), "1.00");
    // The next run carries the first result over as banked and adds a new one.
    let mut second_run = outcomes(&[(0, 0, 10, 600, true), (0, 0, 40, 120, false)]);
    assert!(second_run[0].banked);
    second_run[1].id = "90000000-0000-4000-8000-000000000099".parse().unwrap();
    let computation = compute_credits(&rules, &context(), &second_run).unwrap();
    let appended = ledger.record(&computation, day("2025-03-01")).unwrap();
    let kinds: Vec<EntryKind> = appended.iter().map(|entry| entry.kind).collect();
    assert_eq!(kinds, [EntryKind::Accrue]);
    assert_eq!(ledger.balances(None)[0].amount.to_string(), "1.20");
}

#[test]
fn rule_set_of_another_type_names_both_forms() {
    let request = json!({"input": {"rule_set": 5}, "options": {"recorded_on": "2026-04-01"}});
    let response = xuetong::api::call_value("compute_credits", &request).to_json();
    let problem = &response["problems"][0];
    assert_eq!(problem["code"], "invalid_type");
    let message = problem["message"].as_str().unwrap();
    assert!(message.contains("name of a built-in rule set"), "{message}");
    assert!(message.contains("rule set document"), "{message}");
}

#[test]
fn invalid_date_option_names_missing_day() {
    let ledger = json!({"format": "xuetong.credit-ledger/1", "entries": []});
    let request = json!({"input": {"ledger": ledger}, "options": {"recorded_on": "2026-02-30"}});
    let response = xuetong::api::call_value("expire_credits", &request).to_json();
    let problem = &response["problems"][0];
    assert_eq!(problem["code"], "invalid_date");
    assert_eq!(problem["path"], json!(["options", "recorded_on"]));
    assert_eq!(problem["params"]["field"], "recorded_on");
    assert_eq!(problem["params"]["value"], "2026-02-30");
    let message = problem["message"].as_str().unwrap();
    assert!(
        message.contains("names a day that does not exist"),
        "{message}"
    );
    assert!(!message.contains("out of range"), "{message}");
}

#[test]
fn overflowing_amount_is_out_of_range() {
    let ledger = json!({"format": "xuetong.credit-ledger/1", "entries": []});
    let request = json!({
        "input": {
            "ledger": ledger, "learner_id": LEARNERS[0], "rule_set_id": "community",
            "rule_set_version": 2, "key": "k", "amount": "99999999999999999999",
            "reason": "typo", "occurred_on": "2026-03-01",
        },
        "options": {"recorded_on": "2026-04-01"},
    });
    let response = xuetong::api::call_value("adjust_credits", &request).to_json();
    let problem = &response["problems"][0];
    assert_eq!(problem["code"], "out_of_range");
    let message = problem["message"].as_str().unwrap();
    assert!(!message.contains("decimals"), "{message}");
    assert!(message.contains("92233720368547758.07"), "{message}");
}

#[test]
fn adjustment_beyond_largest_balance_is_rejected() {
    let mut ledger = Ledger::new();
    let adjustment = |key: &str, amount: Credits| xuetong::credit::Adjustment {
        learner_id: LEARNERS[0].parse().unwrap(),
        rule_set_id: "community".into(),
        rule_set_version: 2,
        key: key.into(),
        amount,
        reason: "imported balance".into(),
        occurred_on: day("2026-03-01"),
        recorded_on: day("2026-04-01"),
        category: None,
    };
    ledger.adjust(adjustment("first", Credits::MAX)).unwrap();
    let problems = ledger
        .adjust(adjustment("second", Credits::from_hundredths(1)))
        .unwrap_err();
    assert_eq!(
        problems.iter().next().unwrap().code.as_str(),
        "amount_overflow"
    );
    assert_eq!(ledger.entries().len(), 1);
    assert_eq!(ledger.balances(None)[0].amount, Credits::MAX);
}

#[test]
fn empty_input_fields_are_required() {
    // A field that is empty or only spaces is left out, as a record field
    // is, so it gets the same `required` problem as a missing one.
    let ledger = json!({"format": "xuetong.credit-ledger/1", "entries": []});
    let problems_of = |operation: &str, input: Value| {
        let request = json!({"input": input, "options": {"recorded_on": "2026-04-01"}});
        xuetong::api::call_value(operation, &request).to_json()["problems"].clone()
    };

    let missing = problems_of("transcript", json!({"ledger": ledger}));
    assert_eq!(missing.as_array().unwrap().len(), 1, "{missing}");
    assert_eq!(missing[0]["code"], "required");
    assert_eq!(missing[0]["path"], json!(["learner_id"]));
    for blank in ["", "  ", "\t\u{3000}"] {
        let found = problems_of("transcript", json!({"ledger": ledger, "learner_id": blank}));
        assert_eq!(found, missing, "learner_id {blank:?}");
    }

    // The ledger checks a blank key and reason, together with its other
    // checks, but runs only when the other fields were read.
    let paths_and_codes = |found: &Value| -> Vec<Value> {
        let problems = found.as_array().unwrap().iter();
        problems
            .map(|problem| json!([problem["path"], problem["code"]]))
            .collect()
    };
    let blanks = json!({
        "ledger": ledger, "learner_id": LEARNERS[0], "rule_set_id": "community",
        "rule_set_version": 2, "key": "  ", "amount": "1.00",
        "reason": "", "occurred_on": " ", "category": " ",
    });
    let found = problems_of("adjust_credits", blanks);
    assert_eq!(
        paths_and_codes(&found),
        [
            json!([["occurred_on"], "required"]),
            json!([["key"], "required"]),
            json!([["reason"], "required"]),
        ],
        "{found}"
    );

    let no_key = json!({
        "ledger": ledger, "learner_id": LEARNERS[0], "rule_set_id": "community",
        "rule_set_version": 0, "amount": "1.00", "reason": "typo",
        "occurred_on": "2026-03-01",
    });
    let found = problems_of("adjust_credits", no_key);
    assert_eq!(
        paths_and_codes(&found),
        [
            json!([["key"], "required"]),
            json!([["rule_set_version"], "out_of_range"]),
        ],
        "{found}"
    );
}

#[test]
fn revoked_entry_id_is_trimmed() {
    let mut ledger = Ledger::new();
    let entry = ledger
        .adjust(xuetong::credit::Adjustment {
            learner_id: LEARNERS[0].parse().unwrap(),
            rule_set_id: "community".into(),
            rule_set_version: 2,
            key: "opening".into(),
            amount: Credits::from_hundredths(150),
            reason: "imported balance".into(),
            occurred_on: day("2026-03-01"),
            recorded_on: day("2026-03-01"),
            category: None,
        })
        .unwrap();
    let request = json!({
        "input": {
            "ledger": ledger.to_json(),
            "entry_id": format!(" \t{}\u{3000}", entry.id),
            "reason": "typo",
        },
        "options": {"recorded_on": "2026-04-01"},
    });
    let response = xuetong::api::call_value("revoke_entry", &request).to_json();
    assert_eq!(response["ok"], true, "{response}");
    let appended = response["value"]["appended"].as_array().unwrap();
    assert_eq!(appended.len(), 1, "{response}");
}
