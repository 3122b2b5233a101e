//! Learners and instructors.

use chrono::{Datelike, NaiveDate};

use crate::id::{InstructorId, LearnerId};
use crate::model::{BirthDate, Instructor, Learner};

use super::rng::Rng;
use super::{LearnerInfo, World, add_days, names};

/// Age bands of registered learners: (youngest, oldest, share per 10,000).
/// Older residents are the largest group, as on the district's platform.
const AGE_BANDS: &[(i32, i32, u32)] = &[
    (6, 14, 800),
    (18, 44, 1_700),
    (45, 59, 2_000),
    (60, 69, 3_300),
    (70, 79, 1_800),
    (80, 90, 400),
];

/// Learners with only a birth year, per 10,000.
const YEAR_ONLY_PER_10K: u32 = 300;
/// Learners without a birth date, per 10,000.
const NO_BIRTH_DATE_PER_10K: u32 = 50;

/// Builds the learners of every district, spread over its teaching points
/// by population, and the instructors of every street and district.
pub(super) fn build(world: &mut World) {
    let mut rng = Rng::stream(world.seed, "learners", 0);
    let first_registration = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let last_registration = add_days(world.season.start, -25);
    for district in 0..world.districts.len() {
        let streets = world.districts[district].streets.clone();
        let points: Vec<(u32, u32)> = streets
            .iter()
            .flat_map(|&street| {
                world.streets[street as usize]
                    .points
                    .iter()
                    .map(move |&point| (street, point))
            })
            .collect();
        let weights: Vec<u32> = points
            .iter()
            .map(|&(_, point)| {
                world.bundle.venues[point as usize]
                    .population
                    .unwrap_or(1)
                    .max(1)
            })
            .collect();
        for _ in 0..world.districts[district].learners {
            let (street, home) = points[rng.weighted(&weights)];
            let position = world.learners.len() as u32;
            let (learner, info) = learner(
                &mut rng,
                world,
                street,
                home,
                (first_registration, last_registration),
            );
            world.bundle.learners.push(learner);
            world.learners.push(info);
            world.streets[street as usize].learners.push(position);
        }
    }
    build_instructors(world, &mut rng);
}

fn learner(
    rng: &mut Rng,
    world: &World,
    street: u32,
    home: u32,
    registration: (NaiveDate, NaiveDate),
) -> (Learner, LearnerInfo) {
    let band = AGE_BANDS[rng.weighted(&AGE_BANDS.iter().map(|band| band.2).collect::<Vec<_>>())];
    let age = rng.between(i64::from(band.0), i64::from(band.1)) as i32;
    let year = world.season.start.year() - age;
    let days_in_year = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    };
    let ordinal = rng.between(1, days_in_year) as u32;
    let date = NaiveDate::from_yo_opt(year, ordinal).unwrap_or_default();
    let kind = rng.below(10_000) as u32;
    let birth_date = if kind < NO_BIRTH_DATE_PER_10K {
        None
    } else if kind < NO_BIRTH_DATE_PER_10K + YEAR_ONLY_PER_10K {
        Some(BirthDate::Year(year))
    } else {
        Some(BirthDate::Date(date))
    };
    let older = age >= 60;
    let propensity = if older {
        rng.between(7_200, 9_800)
    } else {
        rng.between(5_500, 9_400)
    } as u32;
    let card = rng.chance(if age >= 75 { 3_000 } else { 300 });
    // Children were registered by their parents in the last year.
    let (first, last) = registration;
    let first = if age < 18 {
        add_days(last, -365)
    } else {
        first
    };
    let span = (last - first).num_days().max(0);
    let registered_on = add_days(first, rng.between(0, span));
    let learner = Learner {
        id: LearnerId(rng.uuid()),
        source: None,
        display_name: names::person(rng),
        birth_date,
        home_venue_id: Some(world.bundle.venues[home as usize].id),
        registered_on: Some(registered_on),
    };
    let info = LearnerInfo {
        street,
        home,
        birth_year: year,
        birth: match birth_date {
            Some(BirthDate::Date(date)) => Some(date),
            _ => None,
        },
        birth_known: birth_date.is_some(),
        propensity,
        card,
    };
    (learner, info)
}

/// The least and greatest age the learner may have on `on`: equal for a
/// full birth date, one year apart when only the year is known.
pub(super) fn age_range(info: &LearnerInfo, on: NaiveDate) -> (i32, i32) {
    match info.birth {
        Some(birth) => {
            let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
            let age = on.year() - birth.year() - i32::from(before_birthday);
            (age, age)
        }
        None => {
            let age = on.year() - info.birth_year;
            (age - 1, age)
        }
    }
}

fn build_instructors(world: &mut World, rng: &mut Rng) {
    for street in 0..world.streets.len() {
        let points = world.streets[street].points.len();
        let count = (points * 3).max(3);
        let venue = world.streets[street].venue;
        for _ in 0..count {
            let position = push_instructor(world, rng, venue);
            world.streets[street].instructors.push(position);
        }
    }
    for district in 0..world.districts.len() {
        let count = (world.districts[district].learners / 2_000).max(3);
        let venue = world.districts[district].venue;
        for _ in 0..count {
            let position = push_instructor(world, rng, venue);
            world.districts[district].instructors.push(position);
        }
    }
}

fn push_instructor(world: &mut World, rng: &mut Rng, venue: u32) -> u32 {
    let position = world.bundle.instructors.len() as u32;
    world.bundle.instructors.push(Instructor {
        id: InstructorId(rng.uuid()),
        source: None,
        display_name: format!("{}老师", names::person(rng)),
        home_venue_id: Some(world.bundle.venues[venue as usize].id),
    });
    position
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(birth: Option<NaiveDate>, year: i32) -> LearnerInfo {
        LearnerInfo {
            street: 0,
            home: 0,
            birth_year: year,
            birth,
            birth_known: true,
            propensity: 0,
            card: false,
        }
    }

    #[test]
    fn ages_by_the_calendar() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let born = NaiveDate::from_ymd_opt(1966, 3, 2).unwrap();
        assert_eq!(age_range(&info(Some(born), 1966), on), (60, 60));
        let later = NaiveDate::from_ymd_opt(1966, 3, 3).unwrap();
        assert_eq!(age_range(&info(Some(later), 1966), on), (59, 59));
        assert_eq!(age_range(&info(None, 1966), on), (59, 60));
    }

    #[test]
    fn leap_day_birthday_counts_from_march_first() {
        let born = NaiveDate::from_ymd_opt(1964, 2, 29).unwrap();
        let feb_28 = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let march_1 = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(age_range(&info(Some(born), 1964), feb_28).0, 61);
        assert_eq!(age_range(&info(Some(born), 1964), march_1).0, 62);
    }
}
