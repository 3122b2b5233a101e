//! Enrolments with capacities, waiting lists, withdrawals and promotions,
//! and excusals.

use chrono::{DateTime, Duration, Utc};

use crate::id::{EnrolmentId, ExcusalId};
use crate::model::{Audience, Enrolment, EnrolmentStatus, Excusal};

use super::courses::CoursePlan;
use super::people::age_range;
use super::rng::{Rng, label_hash, mix64};
use super::{LearnerInfo, SampleFacts, World, add_days, local_instant};

/// Excusals per 10,000 (learner, session) pairs with a place.
pub(super) const EXCUSAL_PER_10K: u64 = 100;
/// Withdrawals per 10,000 confirmed places.
const WITHDRAWAL_PER_10K: u32 = 700;
/// Waitlisted learners who give up waiting, per 10,000.
const WAITLIST_GIVE_UP_PER_10K: u32 = 2_000;

const EXCUSAL_REASONS: &[&str] = &[
    "hospital appointment 医院复诊",
    "family matter 家中有事",
    "travelling 外出旅行",
    "caring for a grandchild 照看孙辈",
    "unwell 身体不适",
];

/// Builds every enrolment and excusal.
pub(super) fn build(world: &mut World) {
    let requests = collect_requests(world);
    for (course, mut requested) in requests.into_iter().enumerate() {
        requested.sort_unstable();
        let start = world.bundle.enrolments.len() as u32;
        settle_course(world, course, &requested);
        let end = world.bundle.enrolments.len() as u32;
        world.courses[course].enrolments = start..end;
    }
    build_excusals(world);
}

/// The number of courses a learner asks for, by age: weights of 0, 1, 2 and
/// 3 courses.
fn wanted_courses(rng: &mut Rng, age: i32) -> usize {
    let weights: &[u32] = match age {
        ..18 => &[2_000, 8_000],
        18..45 => &[4_500, 4_000, 1_500],
        45..60 => &[3_000, 4_200, 2_200, 600],
        _ => &[1_800, 4_000, 2_900, 1_300],
    };
    rng.weighted(weights)
}

/// Each learner's requests, by course: (request time in seconds, learner).
fn collect_requests(world: &World) -> Vec<Vec<(i64, u32)>> {
    let mut requests: Vec<Vec<(i64, u32)>> = vec![Vec::new(); world.courses.len()];
    let mut rng = Rng::stream(world.seed, "requests", 0);
    let mut chosen: Vec<u32> = Vec::with_capacity(4);
    for (position, info) in world.learners.iter().enumerate() {
        let age = age_range(info, world.season.start).0;
        let wanted = wanted_courses(&mut rng, age);
        let street = &world.streets[info.street as usize];
        let district = &world.districts[street.district as usize];
        chosen.clear();
        for _ in 0..60 {
            if chosen.len() >= wanted {
                break;
            }
            let pool = if rng.chance(8_500) || district.courses.is_empty() {
                &street.courses
            } else {
                &district.courses
            };
            let Some(&course) = rng.pick(pool) else {
                continue;
            };
            let plan = &world.courses[course as usize];
            let liked = rng.below(4) < u64::from(plan.template.popularity);
            let talk = plan.template.capacity.is_none();
            if !liked || talk && !rng.chance(1_500) || chosen.contains(&course) {
                continue;
            }
            if eligible(world, plan, course, info) {
                chosen.push(course);
            }
        }
        for &course in &chosen {
            let at = request_time(world, &world.courses[course as usize], course, &mut rng);
            requests[course as usize].push((at.timestamp(), position as u32));
        }
    }
    requests
}

/// Whether the learner passes the course's age, audience and residence
/// rules on the date of its first session, as the eligibility rules judge
/// them: an uncertain age (a birth year only) must pass both ways.
pub(super) fn eligible(world: &World, plan: &CoursePlan, course: u32, info: &LearnerInfo) -> bool {
    let record = &world.bundle.courses[course as usize];
    let Some(on) = plan.first_date else {
        return false;
    };
    let age_rules = record.min_age.is_some()
        || record.max_age.is_some()
        || record.audience != Audience::AllAges;
    if age_rules {
        if !info.birth_known {
            return false;
        }
        let (youngest, oldest) = age_range(info, on);
        if record.min_age.is_some_and(|min| youngest < i32::from(min))
            || record.max_age.is_some_and(|max| oldest > i32::from(max))
            || record.audience == Audience::OlderResidents && youngest < 60
            || record.audience == Audience::Children && oldest > 17
        {
            return false;
        }
    }
    if record.residents_only {
        let street = &world.streets[info.street as usize];
        let district = world.districts[street.district as usize].venue;
        let provider = plan.provider;
        if provider != info.home && provider != street.venue && provider != district {
            return false;
        }
    }
    true
}

/// When the learner asked for a place: in the enrolment window, most on
/// its first days, or a few days before the start for open talks.
fn request_time(world: &World, plan: &CoursePlan, course: u32, rng: &mut Rng) -> DateTime<Utc> {
    let record = &world.bundle.courses[course as usize];
    match (record.enrolment_opens_at, record.enrolment_closes_at) {
        (Some(opens), Some(closes)) => {
            let span = (closes - opens).num_seconds().max(1);
            let early = rng.between(0, span).min(rng.between(0, span));
            opens + Duration::seconds(early)
        }
        _ => {
            let day = plan.first_date.map_or(world.season.start, |first| {
                add_days(first, -rng.between(1, 10))
            });
            local_instant(day, 8, 0) + Duration::seconds(rng.between(0, 12 * 3600))
        }
    }
}

/// A learner on a course's list while its places are settled.
struct Entry {
    learner: u32,
    requested_at: DateTime<Utc>,
    confirmed_at: Option<DateTime<Utc>>,
    withdrawn_at: Option<DateTime<Utc>>,
}

/// Gives places in request order up to the capacity, then plays the
/// withdrawals in time order, each promoting the first learner still
/// waiting, and writes the enrolments.
fn settle_course(world: &mut World, course: usize, requested: &[(i64, u32)]) {
    let mut rng = Rng::stream(world.seed, "enrolments", course as u64);
    let plan = &world.courses[course];
    let capacity = world.bundle.courses[course].capacity;
    let first_session = plan.first_date.unwrap_or(world.season.start);
    let last_session = world
        .bundle
        .sessions
        .get(plan.sessions.end.saturating_sub(1) as usize)
        .map_or(world.season.end, |timed| timed.session.date);
    let span = (last_session - first_session).num_days().max(1);

    let mut entries: Vec<Entry> = requested
        .iter()
        .enumerate()
        .map(|(rank, &(at, learner))| {
            let requested_at = DateTime::from_timestamp(at, 0).unwrap_or_default();
            let has_place = capacity.is_none_or(|capacity| rank < capacity as usize);
            Entry {
                learner,
                requested_at,
                confirmed_at: has_place.then_some(requested_at),
                withdrawn_at: None,
            }
        })
        .collect();

    // Learners leave at 07:00 on a day between the first session and 70 %
    // of the course, before any session of that day opens for check-in.
    let mut withdrawals = Vec::new();
    for (index, entry) in entries.iter_mut().enumerate() {
        let leave_day = add_days(first_session, rng.between(1, span * 7 / 10));
        if entry.confirmed_at.is_some() {
            if rng.chance(WITHDRAWAL_PER_10K) {
                let at = local_instant(leave_day, 7, 0);
                entry.withdrawn_at = Some(at);
                withdrawals.push((at, index));
            }
        } else if rng.chance(WAITLIST_GIVE_UP_PER_10K) {
            let give_up = add_days(first_session, rng.between(-3, span / 2));
            let at = local_instant(give_up, 7, 0).max(entry.requested_at + Duration::hours(1));
            entry.withdrawn_at = Some(at);
        }
    }
    withdrawals.sort_unstable();

    // A freed place goes to the first learner still waiting, at 07:15 on
    // the next day, while two thirds of the course remain.
    let promote_until = local_instant(add_days(first_session, span / 3), 7, 0);
    for (withdrawn_at, _) in withdrawals {
        let promoted_at = local_instant(
            add_days(
                withdrawn_at.with_timezone(&super::TIME_ZONE).date_naive(),
                1,
            ),
            7,
            15,
        );
        if promoted_at > promote_until {
            continue;
        }
        let waiting = entries.iter_mut().find(|entry| {
            entry.confirmed_at.is_none()
                && entry
                    .withdrawn_at
                    .is_none_or(|gave_up| gave_up > promoted_at)
        });
        if let Some(entry) = waiting {
            entry.confirmed_at = Some(promoted_at);
            entry.withdrawn_at = None;
            world.promoted += 1;
        }
    }

    for entry in entries {
        let status = match (entry.confirmed_at, entry.withdrawn_at) {
            (_, Some(_)) => EnrolmentStatus::Withdrawn,
            (Some(_), None) => EnrolmentStatus::Confirmed,
            (None, None) => EnrolmentStatus::Waitlisted,
        };
        world.bundle.enrolments.push(Enrolment {
            id: EnrolmentId(rng.uuid()),
            source: None,
            learner_id: world.bundle.learners[entry.learner as usize].id,
            course_id: world.bundle.courses[course].id,
            requested_at: entry.requested_at,
            status,
            confirmed_at: entry.confirmed_at,
            withdrawn_at: entry.withdrawn_at,
            group: None,
        });
        world.enrolment_learner.push(entry.learner);
    }
}

/// Whether an enrolment gives a place at `at`: confirmed by then and not
/// yet withdrawn.
pub(super) fn holds_place(enrolment: &Enrolment, at: DateTime<Utc>) -> bool {
    enrolment.status != EnrolmentStatus::Waitlisted
        && enrolment
            .confirmed_at
            .is_some_and(|confirmed| confirmed <= at)
        && enrolment
            .withdrawn_at
            .is_none_or(|withdrawn| at < withdrawn)
}

/// A number in `0..10_000` fixed by the seed, a label and two positions,
/// so that a decision about a learner at a session comes out the same
/// wherever it is made.
pub(super) fn roll(seed: u64, label: &str, session: u32, learner: u32) -> u64 {
    let key = (u64::from(session) << 32) | u64::from(learner);
    mix64(seed ^ mix64(label_hash(label) ^ mix64(key))) % 10_000
}

/// Whether the learner is excused from the session.
pub(super) fn excused(seed: u64, session: u32, learner: u32) -> bool {
    roll(seed, "excusal", session, learner) < EXCUSAL_PER_10K
}

fn build_excusals(world: &mut World) {
    let mut rng = Rng::stream(world.seed, "excusals", 0);
    for plan in &world.courses {
        for session in plan.sessions.clone() {
            let timed = &world.bundle.sessions[session as usize];
            if timed.session.is_cancelled() {
                continue;
            }
            for enrolment in plan.enrolments.clone() {
                let record = &world.bundle.enrolments[enrolment as usize];
                let learner = world.enrolment_learner[enrolment as usize];
                if !holds_place(record, timed.times.starts_at)
                    || !excused(world.seed, session, learner)
                {
                    continue;
                }
                let hours_before = rng.between(2, 72);
                world.bundle.excusals.push(Excusal {
                    id: ExcusalId(rng.uuid()),
                    source: None,
                    learner_id: record.learner_id,
                    session_id: timed.session.id,
                    reason: rng.pick(EXCUSAL_REASONS).map(|reason| (*reason).to_owned()),
                    granted_at: Some(timed.times.starts_at - Duration::hours(hours_before)),
                });
            }
        }
    }
}

/// Adds the enrolment counts to `facts`.
pub(super) fn add_facts(world: &World, facts: &mut SampleFacts) {
    for enrolment in &world.bundle.enrolments {
        *facts
            .enrolments_by_status
            .entry(enrolment.status.as_str().to_owned())
            .or_default() += 1;
    }
    for plan in world.courses.iter().filter(|plan| plan.for_older()) {
        let Some(start) = world
            .bundle
            .sessions
            .get(plan.sessions.start as usize)
            .map(|timed| timed.times.starts_at)
        else {
            continue;
        };
        facts.older_course_places += plan
            .enrolments
            .clone()
            .filter(|&enrolment| holds_place(&world.bundle.enrolments[enrolment as usize], start))
            .count() as u32;
    }
}
