//! Built-in rule sets: the default `community` rules (version 2, with
//! version 1 kept unchanged) and presets that reproduce published credit
//! schemes.
//!
//! Every built-in rule set is published and frozen: a change ships as a new
//! version beside the old one, so ledgers pinned to the old version stay
//! reproducible. `docs/credits.md` works through an example of each.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::decimal::Credits;
use crate::model::{OutcomeKind, Role};

use super::rule::{
    Cap, Dedup, Formula, Gates, Limit, Match, MonthDay, Period, Rounding, RoundingMode, Rule,
    RuleSet, RuleSetStatus, Scope, Stage, TableKey,
};

/// Every built-in rule set: the default `community` (version 2) first, then
/// its version 1, then the presets by id.
pub fn all() -> Vec<RuleSet> {
    vec![
        community(),
        community_v1(),
        cixi_points(),
        iacet_ceu(),
        korea_acb(),
        nasba_cpe(),
    ]
}

/// The built-in rule set `id` at `version`, or at its latest version when
/// `version` is `None`.
pub fn find(id: &str, version: Option<u32>) -> Option<RuleSet> {
    all()
        .into_iter()
        .filter(|rule_set| rule_set.id == id)
        .filter(|rule_set| version.is_none_or(|version| rule_set.version == version))
        .max_by_key(|rule_set| rule_set.version)
}

/// Finds the built-in rule set named `id` or `id@version`, such as
/// `community@1`, after trimming the name as a CSV cell is. Returns `None`
/// when no built-in rule set has that name or the version is not a whole
/// number.
pub fn find_by_name(name: &str) -> Option<RuleSet> {
    let name = crate::field::trim_spaces(name);
    match name.split_once('@') {
        Some((id, version)) => find(id, Some(version.parse().ok()?)),
        None => find(name, None),
    }
}

fn credits(hundredths: i64) -> Credits {
    Credits::from_hundredths(hundredths)
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

fn matching(kinds: &[OutcomeKind]) -> Match {
    Match {
        kinds: kinds.to_vec(),
        ..Match::default()
    }
}

fn rounding(mode: RoundingMode, quantum: i64, minimum: i64, stage: Stage) -> Rounding {
    Rounding {
        mode,
        quantum: credits(quantum),
        minimum: credits(minimum),
        stage,
    }
}

fn rule(id: &str, description: &str, matcher: Match, formula: Formula, rounding: Rounding) -> Rule {
    Rule {
        id: id.to_owned(),
        description: Some(description.to_owned()),
        matcher,
        gates: Gates::default(),
        daily_minutes_limit: None,
        formula,
        rounding,
        dedup: Dedup::Off,
        validity_years: None,
    }
}

fn per_hour(hundredths: i64) -> Formula {
    Formula::PerTime {
        minutes: 60,
        credits: credits(hundredths),
    }
}

fn cap(id: &str, rule: &str, period: Period, limit: Limit) -> Cap {
    Cap {
        id: id.to_owned(),
        scope: Scope {
            rules: vec![rule.to_owned()],
            ..Scope::default()
        },
        period,
        limit,
    }
}

fn table(key: TableKey, entries: &[(&str, i64)]) -> Formula {
    Formula::Table {
        key,
        entries: entries
            .iter()
            .map(|&(name, hundredths)| (name.to_owned(), credits(hundredths)))
            .collect::<BTreeMap<_, _>>(),
    }
}

/// The default rule set `community`, version 2: version 1 (see
/// [`community_v1`]) with `course_hours` crediting a course code once, at
/// the run with the most credited minutes, so a retaken course is not
/// credited twice.
pub fn community() -> RuleSet {
    let mut rule_set = community_v1();
    rule_set.version = 2;
    rule_set.description = Some(
        "Documented defaults for community and senior-university learning; no official \
         hours-to-credits ratio of the Zhejiang credit bank is public, so every number is \
         configurable. Version 2 credits the hours of a retaken course once."
            .into(),
    );
    for rule in &mut rule_set.rules {
        if rule.id == "course_hours" {
            rule.dedup = Dedup::Course;
            rule.description = Some(
                "0.1 per full 60 attended minutes, summed per learner and course, for courses \
                 without a declared credit value; one course code once, at the run with the \
                 most credited minutes."
                    .into(),
            );
        }
    }
    rule_set
}

/// The rule set `community`, version 1, published and kept unchanged so
/// that ledgers recorded under it stay reproducible. It credits the hours
/// of every run of a course, a retaken one included; version 2 fixes that.
///
/// No official hours-to-credits ratio of the Zhejiang credit bank is public,
/// so these are documented defaults:
///
/// | rule | credits |
/// |---|---|
/// | `course_completion` | the course's declared credit value, once per course code |
/// | `course_hours` | 0.1 per full 60 minutes, summed per learner and course, for courses without a declared credit value |
/// | `club_activity` | 0.1 per full hour, summed per learner and calendar year, at most 2.0 a year |
/// | `volunteer_service` | 0.1 per full hour of each record, at most 50.0 a year |
/// | `teaching` | 0.2 per full hour taught, at most 20.0 a year |
/// | `online_learning` | 0.1 per full 60 minutes per resource, counting at most 120 minutes a day |
/// | `certificate` | level 5: 2, 4: 4, 3: 6, 2: 8, 1: 10; one per certificate code, the highest level |
/// | `award` | national 12/10/8/6, provincial 10/8/6/4, city 8/6/4/2, district 4/3/2/1 for special, first, second and third prizes |
pub fn community_v1() -> RuleSet {
    let down = RoundingMode::Down;
    let mut completion = rule(
        "course_completion",
        "The declared credit value of a completed course, once per course code.",
        Match {
            declared_credit_value: Some(true),
            ..matching(&[OutcomeKind::CourseCompletion])
        },
        Formula::CourseCreditValue,
        rounding(down, 1, 0, Stage::Record),
    );
    completion.dedup = Dedup::Course;
    let hours = rule(
        "course_hours",
        "0.1 per full 60 attended minutes, summed per learner and course, for courses without a declared credit value.",
        Match {
            role: Some(Role::Learner),
            declared_credit_value: Some(false),
            ..matching(&[OutcomeKind::Attendance])
        },
        per_hour(10),
        rounding(down, 10, 0, Stage::LearnerCourse),
    );
    let club = rule(
        "club_activity",
        "0.1 per full hour of club activities, summed per learner and calendar year.",
        matching(&[OutcomeKind::ClubActivity]),
        per_hour(10),
        rounding(down, 10, 0, Stage::Period(Period::CalendarYear)),
    );
    let volunteer = rule(
        "volunteer_service",
        "0.1 per full hour of each volunteer service record.",
        matching(&[OutcomeKind::VolunteerService]),
        per_hour(10),
        rounding(down, 10, 0, Stage::Record),
    );
    let teaching = rule(
        "teaching",
        "0.2 per full hour taught.",
        Match {
            role: Some(Role::Instructor),
            ..matching(&[OutcomeKind::Teaching])
        },
        per_hour(20),
        rounding(down, 20, 0, Stage::Record),
    );
    let mut online = rule(
        "online_learning",
        "0.1 per full 60 minutes per online resource; one resource counts at most 120 minutes a day.",
        matching(&[OutcomeKind::OnlineLearning]),
        per_hour(10),
        rounding(down, 10, 0, Stage::LearnerCourse),
    );
    online.daily_minutes_limit = Some(120);
    let mut certificate = rule(
        "certificate",
        "Vocational qualification certificates by level, once per certificate code at the highest level.",
        matching(&[OutcomeKind::Certificate]),
        table(
            TableKey::CertificateLevel,
            &[("1", 1000), ("2", 800), ("3", 600), ("4", 400), ("5", 200)],
        ),
        rounding(down, 1, 0, Stage::Record),
    );
    certificate.dedup = Dedup::CertificateCode;
    let award = rule(
        "award",
        "Awards by scope and rank; every named member of a team award is credited.",
        matching(&[OutcomeKind::Award]),
        table(
            TableKey::Award,
            &[
                ("national.special", 1200),
                ("national.first", 1000),
                ("national.second", 800),
                ("national.third", 600),
                ("provincial.special", 1000),
                ("provincial.first", 800),
                ("provincial.second", 600),
                ("provincial.third", 400),
                ("city.special", 800),
                ("city.first", 600),
                ("city.second", 400),
                ("city.third", 200),
                ("district.special", 400),
                ("district.first", 300),
                ("district.second", 200),
                ("district.third", 100),
            ],
        ),
        rounding(down, 1, 0, Stage::Record),
    );
    RuleSet {
        id: "community".into(),
        version: 1,
        status: RuleSetStatus::Published,
        title: "Community learning credits".into(),
        description: Some(
            "Documented defaults for community and senior-university learning; no official \
             hours-to-credits ratio of the Zhejiang credit bank is public, so every number is \
             configurable."
                .into(),
        ),
        effective_from: date(2020, 1, 1),
        effective_to: None,
        rules: vec![
            completion,
            hours,
            club,
            volunteer,
            teaching,
            online,
            certificate,
            award,
        ],
        caps: vec![
            cap(
                "club_activity_year",
                "club_activity",
                Period::CalendarYear,
                Limit::Amount(credits(200)),
            ),
            cap(
                "volunteer_service_year",
                "volunteer_service",
                Period::CalendarYear,
                Limit::Amount(credits(5000)),
            ),
            cap(
                "teaching_year",
                "teaching",
                Period::CalendarYear,
                Limit::Amount(credits(2000)),
            ),
        ],
    }
}

/// IACET continuing education units, version 1: one CEU per ten contact
/// hours of one learning event (a course, or an online resource), rounded to
/// the nearest tenth, with a minimum of 0.1, so an event under 30 minutes
/// earns nothing.
pub fn iacet_ceu() -> RuleSet {
    let contact_hours = rule(
        "contact_hours",
        "1 CEU per 600 contact minutes of one event, rounded to the nearest 0.1, at least 0.1.",
        matching(&[OutcomeKind::Attendance, OutcomeKind::OnlineLearning]),
        Formula::PerTime {
            minutes: 600,
            credits: credits(100),
        },
        rounding(RoundingMode::HalfUp, 10, 10, Stage::LearnerCourse),
    );
    RuleSet {
        id: "iacet_ceu".into(),
        version: 1,
        status: RuleSetStatus::Published,
        title: "IACET continuing education units".into(),
        description: Some(
            "One CEU is ten contact hours of 60 minutes, summed per event, rounded to the \
             nearest tenth with a minimum of 0.1."
                .into(),
        ),
        effective_from: date(2000, 1, 1),
        effective_to: None,
        rules: vec![contact_hours],
        caps: Vec::new(),
    }
}

/// NASBA-style CPE credits, version 1: 50 minutes make one credit; the
/// segments of one programme (course) are summed first and rounded down to
/// fifths of a credit, and a programme earns nothing below one full credit.
pub fn nasba_cpe() -> RuleSet {
    let programme = rule(
        "programme",
        "1 credit per 50 minutes, summed per programme, rounded down to 0.2, at least 1.0.",
        matching(&[OutcomeKind::Attendance]),
        Formula::PerTime {
            minutes: 50,
            credits: credits(100),
        },
        rounding(RoundingMode::Down, 20, 100, Stage::LearnerCourse),
    );
    RuleSet {
        id: "nasba_cpe".into(),
        version: 1,
        status: RuleSetStatus::Published,
        title: "CPE credits in 50-minute hours (NASBA style)".into(),
        description: Some(
            "50 minutes are one credit; each programme's minutes are summed, then rounded down \
             to fifths of a credit; a programme under one credit earns nothing."
                .into(),
        ),
        effective_from: date(2000, 1, 1),
        effective_to: None,
        rules: vec![programme],
        caps: Vec::new(),
    }
}

/// Cixi citizen credit bank points, version 1: one point per full hour of
/// community learning, rounded per session, so three 90-minute sessions
/// earn 3 points (summed first they would earn 4).
pub fn cixi_points() -> RuleSet {
    let learning = rule(
        "community_learning",
        "1 point per full hour of each attended session or club activity.",
        matching(&[OutcomeKind::Attendance, OutcomeKind::ClubActivity]),
        per_hour(100),
        rounding(RoundingMode::Down, 100, 0, Stage::Record),
    );
    RuleSet {
        id: "cixi_points".into(),
        version: 1,
        status: RuleSetStatus::Published,
        title: "Cixi citizen learning points".into(),
        description: Some(
            "One point per full hour of community learning, rounded per session.".into(),
        ),
        effective_from: date(2000, 1, 1),
        effective_to: None,
        rules: vec![learning],
        caps: Vec::new(),
    }
}

/// Korea Academic Credit Bank limits, version 1: course credits at the
/// course's declared value, once per course code (the same course from two
/// providers is credited once), at most 42 a calendar year and 24 a
/// semester (semesters start on 1 March and 1 September), and at most three
/// certificates.
///
/// NOTE: the Academic Credit Bank credits each named certificate from its
/// own table; the per-level amounts here are placeholders, and only the caps
/// and de-duplication reproduce the scheme.
pub fn korea_acb() -> RuleSet {
    let mut courses = rule(
        "courses",
        "The declared credit value of a completed course, once per course code.",
        Match {
            declared_credit_value: Some(true),
            ..matching(&[OutcomeKind::CourseCompletion])
        },
        Formula::CourseCreditValue,
        rounding(RoundingMode::Down, 1, 0, Stage::Record),
    );
    courses.dedup = Dedup::Course;
    let mut certificates = rule(
        "certificates",
        "Certificates from a table by level, once per certificate code.",
        matching(&[OutcomeKind::Certificate]),
        table(
            TableKey::CertificateLevel,
            &[
                ("1", 2000),
                ("2", 1600),
                ("3", 1400),
                ("4", 1000),
                ("5", 600),
            ],
        ),
        rounding(RoundingMode::Down, 1, 0, Stage::Record),
    );
    certificates.dedup = Dedup::CertificateCode;
    let semesters = vec![MonthDay { month: 3, day: 1 }, MonthDay { month: 9, day: 1 }];
    RuleSet {
        id: "korea_acb".into(),
        version: 1,
        status: RuleSetStatus::Published,
        title: "Korea Academic Credit Bank limits".into(),
        description: Some(
            "At most 42 course credits a year and 24 a semester, at most three certificates, \
             one course credited once whoever provides it."
                .into(),
        ),
        effective_from: date(2000, 1, 1),
        effective_to: None,
        rules: vec![courses, certificates],
        caps: vec![
            cap(
                "course_credits_year",
                "courses",
                Period::CalendarYear,
                Limit::Amount(credits(4200)),
            ),
            cap(
                "course_credits_semester",
                "courses",
                Period::Semester(semesters),
                Limit::Amount(credits(2400)),
            ),
            cap(
                "certificates_total",
                "certificates",
                Period::Lifetime,
                Limit::Count(3),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::rule_set_from_json;
    use crate::problem::Path;

    #[test]
    fn presets_round_trip_through_json() {
        for rule_set in all() {
            let json = rule_set.to_json();
            let back = rule_set_from_json(&json, &Path::root())
                .unwrap_or_else(|problems| panic!("{}: {problems}", rule_set.id));
            assert_eq!(back, rule_set, "{}", rule_set.id);
        }
    }

    #[test]
    fn community_v2_differs_only_in_course_hours() {
        let mut latest = community();
        let first = community_v1();
        assert_eq!(latest.rule("course_hours").unwrap().dedup, Dedup::Course);
        assert_eq!(first.rule("course_hours").unwrap().dedup, Dedup::Off);
        latest.version = 1;
        latest.description.clone_from(&first.description);
        for (rule, original) in latest.rules.iter_mut().zip(&first.rules) {
            rule.dedup = original.dedup;
            rule.description.clone_from(&original.description);
        }
        assert_eq!(latest, first);
    }

    #[test]
    fn find_picks_latest_or_named_version() {
        assert_eq!(find("community", None).unwrap().version, 2);
        assert_eq!(find("community", Some(1)).unwrap(), community_v1());
        assert!(find("community", Some(3)).is_none());
        assert!(find("nope", None).is_none());
    }
}
