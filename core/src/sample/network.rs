//! The venue network: per district one community college, up to 7 street
//! adult schools and 70 teaching points (communities and cultural
//! halls), with coordinates, populations and seats.

use crate::id::VenueId;
use crate::model::{GeoPoint, Venue, VenueTier};

use super::names;
use super::rng::Rng;
use super::{DISTRICT_LEARNERS, DistrictInfo, StreetInfo, TIME_ZONE, VenueInfo, World};

/// Teaching points of a district of [`DISTRICT_LEARNERS`] learners.
pub(super) const POINTS_PER_DISTRICT: u32 = 70;
/// Streets of a full district.
const STREETS_PER_DISTRICT: u32 = 7;
/// Residents of a full district.
const DISTRICT_POPULATION: u64 = 1_000_000;
/// Residents aged 60 or more in a full district.
const DISTRICT_OLDER_POPULATION: u64 = 82_000;
/// The centre of the first district, in micro-degrees.
const CENTRE: (i64, i64) = (30_290_000, 120_500_000);

/// Builds the venues of every district.
pub(super) fn build(world: &mut World) {
    let total = world.learner_target;
    let districts = district_count(total);
    let mut rng = Rng::stream(world.seed, "network", 0);
    for district in 0..districts {
        let learners = share(u64::from(total), districts, district) as u32;
        build_district(world, &mut rng, district, learners);
    }
}

/// One district per 54,611 learners, rounded, and at least one.
pub(super) fn district_count(learners: u32) -> u32 {
    let half = DISTRICT_LEARNERS / 2;
    ((learners + half) / DISTRICT_LEARNERS).max(1)
}

/// The `index`-th of `parts` near-equal shares of `total` (the first shares
/// take the remainder).
pub(super) fn share(total: u64, parts: u32, index: u32) -> u64 {
    let parts = u64::from(parts.max(1));
    let base = total / parts;
    base + u64::from(u64::from(index) < total % parts)
}

/// Splits `total` by `weights` with the largest-remainder method, so that
/// the parts add up to `total` exactly.
fn split(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights.iter().map(|weight| total * weight / sum).collect();
    let mut remainders: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(index, weight)| (total * weight % sum, index))
        .collect();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let assigned: u64 = parts.iter().sum();
    for (_, index) in remainders
        .iter()
        .take(usize::try_from(total - assigned).unwrap_or(0))
    {
        parts[*index] += 1;
    }
    parts
}

fn build_district(world: &mut World, rng: &mut Rng, district: u32, learners: u32) {
    let points = ((u64::from(POINTS_PER_DISTRICT) * u64::from(learners)
        + u64::from(DISTRICT_LEARNERS / 2))
        / u64::from(DISTRICT_LEARNERS))
    .max(1) as u32;
    let streets = points.min(STREETS_PER_DISTRICT);
    let population = (DISTRICT_POPULATION * u64::from(learners) / u64::from(DISTRICT_LEARNERS))
        .max(u64::from(learners) * 4);
    let older = DISTRICT_OLDER_POPULATION * population / DISTRICT_POPULATION;
    let centre = (
        CENTRE.0 + i64::from(district / 5) * 300_000,
        CENTRE.1 + i64::from(district % 5) * 350_000,
    );

    let (name_zh, name_en) = if district == 0 {
        (
            "钱塘区社区学院（区老年大学）".to_owned(),
            "Qiantang District Community College".to_owned(),
        )
    } else {
        let number = names::DISTRICT_NUMBERS
            .get(district as usize % names::DISTRICT_NUMBERS.len())
            .unwrap_or(&"一");
        (
            format!("第{number}示范区社区学院（区老年大学）"),
            format!("Sample District {} Community College", district + 1),
        )
    };
    let district_venue = push_venue(
        world,
        rng,
        VenueSpec {
            name: format!("{name_en} {name_zh}"),
            tier: VenueTier::District,
            parent: None,
            micro: centre,
            seats: 600,
            population,
            older,
        },
    );
    world.districts.push(DistrictInfo {
        venue: district_venue,
        learners,
        ..DistrictInfo::default()
    });

    let street_weights: Vec<u64> = (0..streets).map(|_| rng.between(70, 130) as u64).collect();
    let street_population = split(population, &street_weights);
    let street_older = split(older, &street_weights);
    let mut street_positions = Vec::new();
    for street in 0..streets {
        let (zh, en, micro) = street_name(district, street, centre, rng);
        let position = world.streets.len() as u32;
        let street_seats = rng.between(200, 300) as u32;
        let venue = push_venue(
            world,
            rng,
            VenueSpec {
                name: format!("{en} Street Adult School {zh}成人学校"),
                tier: VenueTier::Street,
                parent: Some(district_venue),
                micro,
                seats: street_seats,
                population: street_population[street as usize],
                older: street_older[street as usize],
            },
        );
        world.streets.push(StreetInfo {
            venue,
            district,
            ..StreetInfo::default()
        });
        street_positions.push(position);
    }
    if let Some(info) = world.districts.last_mut() {
        info.streets = street_positions.clone();
    }

    // Points go to streets in turn, and split each street's residents.
    for (street_index, &street) in street_positions.iter().enumerate() {
        let count = (points as usize + streets as usize - 1 - street_index) / streets as usize;
        let weights: Vec<u64> = (0..count).map(|_| rng.between(50, 150) as u64).collect();
        let street_venue = world.streets[street as usize].venue;
        let info = &world.venues[street_venue as usize];
        let street_micro = (info.micro_lat, info.micro_lon);
        let point_population = split(street_population[street_index], &weights);
        let point_older = split(street_older[street_index], &weights);
        for point in 0..count {
            // Every other point is a village cultural hall.
            let hall = (street_index + point) % 2 == 1;
            let place = names::place(rng);
            let (tier, name) = if hall {
                (
                    VenueTier::CulturalHall,
                    format!("{place}村文化礼堂 {place} Village Cultural Hall"),
                )
            } else {
                (
                    VenueTier::Community,
                    format!("{place}社区学习点 {place} Community Learning Point"),
                )
            };
            // Within about 3 km of the street school: a 30-minute learning
            // circle on foot or by bus.
            let micro = (
                street_micro.0 + rng.between(-25_000, 25_000),
                street_micro.1 + rng.between(-30_000, 30_000),
            );
            let point_seats = rng.between(80, 130) as u32;
            let venue = push_venue(
                world,
                rng,
                VenueSpec {
                    name,
                    tier,
                    parent: Some(street_venue),
                    micro,
                    seats: point_seats,
                    population: point_population[point],
                    older: point_older[point],
                },
            );
            world.streets[street as usize].points.push(venue);
        }
    }
}

fn street_name(
    district: u32,
    street: u32,
    centre: (i64, i64),
    rng: &mut Rng,
) -> (String, String, (i64, i64)) {
    if district == 0
        && let Some((zh, en, lat, lon)) = names::STREETS.get(street as usize)
    {
        let micro = ((lat * 1e6).round() as i64, (lon * 1e6).round() as i64);
        return ((*zh).to_owned(), (*en).to_owned(), micro);
    }
    let place = names::place(rng);
    let micro = (
        centre.0 + rng.between(-60_000, 60_000),
        centre.1 + i64::from(street) * 40_000 - 120_000,
    );
    (format!("{place}街道"), place, micro)
}

struct VenueSpec {
    name: String,
    tier: VenueTier,
    parent: Option<u32>,
    micro: (i64, i64),
    seats: u32,
    population: u64,
    older: u64,
}

fn push_venue(world: &mut World, rng: &mut Rng, spec: VenueSpec) -> u32 {
    let position = world.bundle.venues.len() as u32;
    let parent_id = spec
        .parent
        .and_then(|parent| world.bundle.venues.get(parent as usize))
        .map(|venue| venue.id);
    world.bundle.venues.push(Venue {
        id: VenueId(rng.uuid()),
        source: None,
        name: spec.name,
        tier: spec.tier,
        parent_id,
        time_zone: TIME_ZONE,
        location: Some(GeoPoint {
            latitude: micro_to_degrees(spec.micro.0),
            longitude: micro_to_degrees(spec.micro.1),
        }),
        seats: Some(spec.seats),
        population: Some(u32::try_from(spec.population).unwrap_or(u32::MAX)),
        older_population: Some(u32::try_from(spec.older).unwrap_or(u32::MAX)),
    });
    world.venues.push(VenueInfo {
        micro_lat: spec.micro.0,
        micro_lon: spec.micro.1,
    });
    position
}

/// Degrees from micro-degrees rounded to 4 decimals (about 11 m): the
/// division of two exact integers is correctly rounded, so the text is the
/// same on every platform.
fn micro_to_degrees(micro: i64) -> f64 {
    let tenth_milli = (micro + 50).div_euclid(100);
    tenth_milli as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_adds_up() {
        let parts = split(1_000_000, &[70, 130, 101, 99]);
        assert_eq!(parts.iter().sum::<u64>(), 1_000_000);
        assert_eq!(split(5, &[1, 1, 1]), [2, 2, 1]);
    }

    #[test]
    fn districts_scale_with_learners() {
        assert_eq!(district_count(1), 1);
        assert_eq!(district_count(54_611), 1);
        assert_eq!(district_count(1_100_000), 20);
        assert_eq!(
            (0..3).map(|index| share(10, 3, index)).collect::<Vec<_>>(),
            [4, 3, 3]
        );
    }

    #[test]
    fn degrees_are_rounded() {
        assert_eq!(micro_to_degrees(30_310_049).to_string(), "30.31");
        assert_eq!(micro_to_degrees(120_345_678).to_string(), "120.3457");
    }
}
