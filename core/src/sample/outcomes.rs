//! Learning outcomes recorded outside attendance: assessments and
//! certificates of the vocational courses, club and individual awards,
//! volunteer service, teaching by learners and online learning.

use chrono::NaiveDate;

use crate::id::{LearnerId, OutcomeId};
use crate::model::{AwardRank, AwardScope, ClubActivityKind, Outcome, OutcomeKind, Role};

use super::clubs::ClubKind;
use super::enrol::holds_place;
use super::people::age_range;
use super::rng::Rng;
use super::scans::club_attends;
use super::{SampleFacts, World, add_days};

/// Learners who study online, per 10,000 learners aged 14 or more.
const ONLINE_PER_10K: u32 = 3_500;
/// Learners who volunteer in their community, per 10,000 adults.
const VOLUNTEER_PER_10K: u32 = 300;
/// Smartphone courses co-taught by a learner, per 10,000.
const PEER_TUTOR_PER_10K: u32 = 3_000;

const VOLUNTEER_TITLES: &[&str] = &[
    "Community garden care 社区花园养护",
    "Guiding residents at the vaccination site 疫苗接种点引导",
    "Reading to children at the library 图书馆亲子阅读",
    "Visiting older neighbours living alone 探访独居老人",
];

/// Builds the outcomes.
pub(super) fn build(world: &mut World) {
    let mut rng = Rng::stream(world.seed, "outcomes", 0);
    let mut out = Vec::new();
    course_outcomes(world, &mut rng, &mut out);
    club_outcomes(world, &mut rng, &mut out);
    learner_outcomes(world, &mut rng, &mut out);
    world.bundle.outcomes = out;
}

/// An outcome of `kind` with every optional field empty.
fn blank(rng: &mut Rng, learner: LearnerId, kind: OutcomeKind, occurred_on: NaiveDate) -> Outcome {
    Outcome {
        id: OutcomeId(rng.uuid()),
        source: None,
        learner_id: learner,
        kind,
        occurred_on,
        recorded_on: None,
        role: if kind == OutcomeKind::Teaching {
            Role::Instructor
        } else {
            Role::Learner
        },
        minutes: None,
        course_id: None,
        club_id: None,
        session_id: None,
        banked: false,
        details: None,
    }
}

/// Assessments and certificates of the certificate courses, district
/// awards of the arts courses, and teaching by learners in smartphone
/// courses.
fn course_outcomes(world: &World, rng: &mut Rng, out: &mut Vec<Outcome>) {
    let season_end = world.season.end;
    for (position, plan) in world.courses.iter().enumerate() {
        let course = &world.bundle.courses[position];
        let Some(last) = plan
            .sessions
            .clone()
            .filter_map(|session| world.bundle.sessions.get(session as usize))
            .filter(|timed| !timed.session.is_cancelled())
            .max_by_key(|timed| timed.times.ends_at)
        else {
            continue;
        };
        let last_day = last.session.date;
        let members = plan.enrolments.clone().filter(|&enrolment| {
            holds_place(
                &world.bundle.enrolments[enrolment as usize],
                last.times.starts_at,
            )
        });
        let category = plan.template.category;
        for enrolment in members {
            let learner = world.bundle.enrolments[enrolment as usize].learner_id;
            if course.assessment_required {
                let passed = rng.chance(8_500);
                let mut assessment = blank(rng, learner, OutcomeKind::Assessment, last_day);
                assessment.course_id = Some(course.id);
                assessment.details_mut().passed = Some(passed);
                assessment.details_mut().score = Some(if passed {
                    rng.between(60, 98)
                } else {
                    rng.between(30, 59)
                } as u8);
                out.push(assessment);
                // Half of those who failed pass a retake a week later.
                let retake_day = add_days(last_day, 7);
                let retaken = !passed && retake_day <= season_end && rng.chance(5_000);
                if retaken {
                    let mut retake = blank(rng, learner, OutcomeKind::Assessment, retake_day);
                    retake.course_id = Some(course.id);
                    retake.details_mut().passed = Some(true);
                    retake.details_mut().score = Some(rng.between(60, 80) as u8);
                    out.push(retake);
                }
                if passed || retaken {
                    let level = if category == "beautician" { 5 } else { 4 };
                    let day =
                        add_days(if passed { last_day } else { retake_day }, 3).min(season_end);
                    let mut certificate = blank(rng, learner, OutcomeKind::Certificate, day);
                    certificate.details_mut().certificate_code =
                        Some(format!("{category}-level-{level}"));
                    certificate.details_mut().certificate_level = Some(level);
                    certificate.details_mut().title =
                        Some(format!("{}, level {level}", plan.template.title_en));
                    certificate.details_mut().evidence = Some(format!(
                        "ZJ-{}-{:07}",
                        day.format("%Y"),
                        rng.below(10_000_000)
                    ));
                    certificate.recorded_on = Some(add_days(day, rng.between(0, 5)));
                    out.push(certificate);
                }
            }
            let exhibits = matches!(
                category,
                "traditional_painting" | "calligraphy" | "photography"
            );
            if exhibits && rng.chance(150) {
                let mut award = blank(rng, learner, OutcomeKind::Award, last_day);
                award.details_mut().award_scope = Some(AwardScope::District);
                award.details_mut().award_rank = Some(
                    [AwardRank::First, AwardRank::Second, AwardRank::Third]
                        [rng.weighted(&[1, 3, 6])],
                );
                award.details_mut().title = Some(format!(
                    "District senior learners' exhibition: {}",
                    plan.template.title_en
                ));
                award.course_id = Some(course.id);
                out.push(award);
            }
        }
        if category == "smartphone_skills" && rng.chance(PEER_TUTOR_PER_10K) {
            peer_tutor(world, rng, plan, course.id, out);
        }
    }
}

/// A retired teacher among the street's learners co-teaches a smartphone
/// course: a teaching outcome for every session held.
fn peer_tutor(
    world: &World,
    rng: &mut Rng,
    plan: &super::courses::CoursePlan,
    course: crate::id::CourseId,
    out: &mut Vec<Outcome>,
) {
    let Some(street) = plan.street else {
        return;
    };
    let pool = &world.streets[street as usize].learners;
    let tutor = (0..20)
        .filter_map(|_| rng.pick(pool).copied())
        .find(|&learner| {
            let (youngest, oldest) =
                age_range(&world.learners[learner as usize], world.season.start);
            (55..=75).contains(&youngest) && oldest <= 75
        });
    let Some(tutor) = tutor else {
        return;
    };
    let learner = world.bundle.learners[tutor as usize].id;
    for session in plan.sessions.clone() {
        let timed = &world.bundle.sessions[session as usize];
        if timed.session.is_cancelled() {
            continue;
        }
        let mut teaching = blank(rng, learner, OutcomeKind::Teaching, timed.session.date);
        teaching.minutes = Some(timed.times.minutes() as u32);
        teaching.course_id = Some(course);
        teaching.session_id = Some(timed.session.id);
        out.push(teaching);
    }
}

/// Team awards of the qigong-dance club, and volunteer service at the
/// clubs' volunteer sessions.
fn club_outcomes(world: &World, rng: &mut Rng, out: &mut Vec<Outcome>) {
    for plan in &world.clubs {
        let club = &world.bundle.clubs[plan.club as usize];
        for session in plan.sessions.clone() {
            let timed = &world.bundle.sessions[session as usize];
            let date = timed.session.date;
            let regulars = plan
                .periods
                .iter()
                .filter(|period| period.covers(date) && !period.occasional);
            match timed.session.activity_kind {
                Some(ClubActivityKind::VolunteerService) => {
                    let title = if plan.kind == ClubKind::Sewing {
                        "Free repairs for neighbours 便民缝补"
                    } else {
                        "Night safety patrol 夜间平安巡逻"
                    };
                    for period in plan.periods.iter().filter(|period| period.covers(date)) {
                        if !club_attends(world.seed, session, period) {
                            continue;
                        }
                        let learner = world.bundle.learners[period.learner as usize].id;
                        let mut service = blank(rng, learner, OutcomeKind::VolunteerService, date);
                        service.minutes = Some(timed.times.minutes() as u32);
                        service.club_id = Some(club.id);
                        service.session_id = Some(timed.session.id);
                        service.details_mut().title = Some(title.to_owned());
                        out.push(service);
                    }
                }
                Some(ClubActivityKind::Competition) => {
                    for period in regulars {
                        let learner = world.bundle.learners[period.learner as usize].id;
                        let mut award = blank(rng, learner, OutcomeKind::Award, date);
                        award.details_mut().award_scope = Some(AwardScope::Provincial);
                        award.details_mut().award_rank = Some(AwardRank::First);
                        award.details_mut().team = true;
                        award.club_id = Some(club.id);
                        award.session_id = Some(timed.session.id);
                        award.details_mut().title = Some("Zhejiang community qigong dance competition, first prize (team) 浙江省社区健身气功舞比赛一等奖（团体）".to_owned());
                        out.push(award);
                    }
                }
                _ => {}
            }
        }
        if plan.kind == ClubKind::QigongDance {
            // The city special prize of the previous autumn, credited in
            // an earlier season.
            let date = add_days(world.season.start, -110);
            let periods = plan
                .periods
                .iter()
                .filter(|period| period.covers(date) && !period.occasional);
            for period in periods {
                let learner = world.bundle.learners[period.learner as usize].id;
                let mut award = blank(rng, learner, OutcomeKind::Award, date);
                award.details_mut().award_scope = Some(AwardScope::City);
                award.details_mut().award_rank = Some(AwardRank::Special);
                award.details_mut().team = true;
                award.club_id = Some(club.id);
                award.banked = true;
                award.details_mut().title = Some("Hangzhou community culture festival, qigong dance, special prize (team) 杭州市社区文化节气功舞特等奖（团体）".to_owned());
                out.push(award);
            }
        }
    }
}

/// Online learning on the platform and volunteer service in the community.
fn learner_outcomes(world: &World, rng: &mut Rng, out: &mut Vec<Outcome>) {
    let start = world.season.start;
    let days = (world.season.end - start).num_days();
    for (position, info) in world.learners.iter().enumerate() {
        let age = age_range(info, start).0;
        let learner = world.bundle.learners[position].id;
        if age >= 14 && rng.chance(ONLINE_PER_10K) {
            for _ in 0..rng.between(1, 6) {
                let day = add_days(start, rng.between(0, days));
                let mut online = blank(rng, learner, OutcomeKind::OnlineLearning, day);
                // One in ten sessions runs past the 120 minutes a day that
                // online-learning rules commonly count.
                let minutes = if rng.chance(1_000) {
                    rng.between(121, 200)
                } else {
                    rng.between(10, 90)
                };
                online.minutes = Some(minutes as u32);
                online.details_mut().resource_id =
                    Some(format!("HXT-R-{:06}", rng.between(1, 5_000)));
                out.push(online);
            }
        }
        if age >= 18 && rng.chance(VOLUNTEER_PER_10K) {
            for _ in 0..rng.between(1, 4) {
                let day = add_days(start, rng.between(0, days));
                let mut service = blank(rng, learner, OutcomeKind::VolunteerService, day);
                service.minutes = Some(rng.between(2, 8) as u32 * 30);
                if let Some(title) = rng.pick(VOLUNTEER_TITLES) {
                    service.details_mut().title = Some((*title).to_owned());
                }
                out.push(service);
            }
        }
    }
}

/// Adds the outcome counts to `facts`.
pub(super) fn add_facts(world: &World, facts: &mut SampleFacts) {
    for outcome in &world.bundle.outcomes {
        *facts
            .outcomes_by_kind
            .entry(outcome.kind.as_str().to_owned())
            .or_default() += 1;
    }
}
