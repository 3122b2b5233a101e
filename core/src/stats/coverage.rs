//! Learning-circle coverage: the share of communities whose nearest venue
//! holding sessions is within a travel time.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use serde_json::Value;

use crate::id::VenueId;
use crate::model::{Venue, VenueTier};
use crate::problem::{Path, Problem, Problems, codes};
use crate::record::{
    Cells, FieldReader, FieldSpec, FieldWriter, Record, check_known_fields, json_kind,
    list_from_json,
};

use super::rate::Rate;

/// The default travel time of the learning circle: every resident within 30
/// minutes of a place to learn.
pub const DEFAULT_WITHIN_MINUTES: u32 = 30;

/// The default speed over straight-line distance, in metres per minute:
/// 0.8 m/s. A UK study of more than 3,000 people aged 65 or older (journal
/// Age and Ageing) found a mean normal walking speed of 0.9 m/s for men and
/// 0.8 m/s for women. The slower figure is taken because learning circles
/// are planned for older residents.
///
/// NOTE: straight-line distance is shorter than any route on foot, so
/// travel times from it are estimates that favour coverage. Supply a
/// travel-time table where one is known.
pub const DEFAULT_METRES_PER_MINUTE: u32 = 48;

/// The largest travel time a coverage may ask for: one day.
pub const MAX_WITHIN_MINUTES: u32 = 1440;

/// The largest speed accepted, in metres per minute (600 km/h).
pub const MAX_METRES_PER_MINUTE: u32 = 10_000;

/// The time to travel from one venue to another, from a supplied table.
/// Its JSON form is read as a record is, so ids and minutes are trimmed as
/// CSV cells are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TravelTime {
    /// The community or cultural hall where the trip starts.
    pub from_venue_id: VenueId,
    /// The venue the trip goes to.
    pub to_venue_id: VenueId,
    /// The travel time in whole minutes.
    pub minutes: u32,
}

/// How to measure the learning circle.
///
/// Written as `{"within_minutes": 30, "metres_per_minute": 48,
/// "travel_times": [{"from_venue_id", "to_venue_id", "minutes"}]}`, every
/// field optional, and read by [`CoverageSettings::from_json`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverageSettings {
    /// The largest travel time that still covers a community, in minutes
    /// ([`DEFAULT_WITHIN_MINUTES`] by default).
    pub within_minutes: u32,
    /// The speed over straight-line distance for pairs of venues that the
    /// table does not list ([`DEFAULT_METRES_PER_MINUTE`] by default).
    pub metres_per_minute: u32,
    /// Travel times from communities to venues. An entry holds for its
    /// direction only; the reverse trip is not assumed to take as long.
    pub travel_times: Vec<TravelTime>,
}

impl Record for TravelTime {
    const KIND: &'static str = "travel_time";

    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("from_venue_id"),
        FieldSpec::required("to_venue_id"),
        FieldSpec::required("minutes"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let from_venue_id = reader.required("from_venue_id");
        let to_venue_id = reader.required("to_venue_id");
        let minutes = reader.required("minutes");
        Some(Self {
            from_venue_id: from_venue_id?,
            to_venue_id: to_venue_id?,
            minutes: minutes?,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("from_venue_id", &self.from_venue_id);
        writer.put("to_venue_id", &self.to_venue_id);
        writer.put("minutes", &self.minutes);
    }
}

impl<'de> Deserialize<'de> for TravelTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value, &Path::root()).map_err(serde::de::Error::custom)
    }
}

impl<'de> Deserialize<'de> for CoverageSettings {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(&value, &Path::root()).map_err(serde::de::Error::custom)
    }
}

impl Default for CoverageSettings {
    fn default() -> Self {
        Self {
            within_minutes: DEFAULT_WITHIN_MINUTES,
            metres_per_minute: DEFAULT_METRES_PER_MINUTE,
            travel_times: Vec::new(),
        }
    }
}

impl CoverageSettings {
    /// Reads the settings from their JSON form, with problems under `path`.
    /// The numbers and the fields of each travel time are read as record
    /// fields are: trimmed, and whole numbers may be written as text.
    ///
    /// # Errors
    ///
    /// `invalid_type` when `value` is not an object, `unknown_field` for a
    /// field the settings do not have, and the problems of each invalid
    /// number or travel time. Ranges and venues are checked later, against
    /// the bundle.
    pub fn from_json(value: &Value, path: &Path) -> Result<Self, Problems> {
        let Value::Object(object) = value else {
            return Err(Problem::new(codes::INVALID_TYPE, path.clone())
                .with("field", "coverage")
                .with("expected", "an object")
                .with("value", json_kind(value))
                .into());
        };
        let mut problems = Problems::new();
        let known = ["within_minutes", "metres_per_minute", "travel_times"];
        check_known_fields(object, &known, path, &mut problems);
        let mut reader = FieldReader::new(Cells::Json(object), path.clone(), &mut problems);
        let within_minutes = reader.defaulted_in(
            "within_minutes",
            DEFAULT_WITHIN_MINUTES,
            0..=MAX_WITHIN_MINUTES,
        );
        let metres_per_minute = reader.defaulted_in(
            "metres_per_minute",
            DEFAULT_METRES_PER_MINUTE,
            1..=MAX_METRES_PER_MINUTE,
        );
        let travel_times = match object.get("travel_times") {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(list) => list_from_json(list, &path.join("travel_times"))
                .map_err(|found| problems.extend(found))
                .ok(),
        };
        match (within_minutes, metres_per_minute, travel_times) {
            (Some(within_minutes), Some(metres_per_minute), Some(travel_times)) => problems
                .into_result(Self {
                    within_minutes,
                    metres_per_minute,
                    travel_times,
                }),
            _ => Err(problems),
        }
    }

    /// Checks the settings against the bundle's venues and returns every
    /// problem, with paths under `path`.
    pub(super) fn validate(&self, venues: &HashMap<VenueId, &Venue>, path: &Path) -> Problems {
        let mut problems = Problems::new();
        if self.within_minutes > MAX_WITHIN_MINUTES {
            problems.push(out_of_range(
                path.join("within_minutes"),
                "within_minutes",
                self.within_minutes,
                0,
                MAX_WITHIN_MINUTES,
            ));
        }
        if !(1..=MAX_METRES_PER_MINUTE).contains(&self.metres_per_minute) {
            problems.push(out_of_range(
                path.join("metres_per_minute"),
                "metres_per_minute",
                self.metres_per_minute,
                1,
                MAX_METRES_PER_MINUTE,
            ));
        }
        let mut seen = BTreeSet::new();
        for (position, entry) in self.travel_times.iter().enumerate() {
            let at = path.join("travel_times").join(position);
            for (field, venue) in [
                ("from_venue_id", entry.from_venue_id),
                ("to_venue_id", entry.to_venue_id),
            ] {
                if !venues.contains_key(&venue) {
                    problems.push(
                        Problem::new(
                            crate::attendance::codes::REFERENCE_NOT_IN_INPUT,
                            at.join(field),
                        )
                        .with("field", field)
                        .with("value", venue.to_string())
                        .with("target", "venues"),
                    );
                }
            }
            if !seen.insert((entry.from_venue_id, entry.to_venue_id)) {
                problems.push(
                    Problem::new(crate::club::codes::DUPLICATE_ENTRY, at)
                        .with("field", "travel time")
                        .with(
                            "value",
                            format!("{} to {}", entry.from_venue_id, entry.to_venue_id),
                        ),
                );
            }
        }
        problems
    }
}

fn out_of_range(path: Path, field: &'static str, value: u32, min: u32, max: u32) -> Problem {
    Problem::new(crate::problem::codes::OUT_OF_RANGE, path)
        .with("field", field)
        .with("value", value)
        .with("min", min)
        .with("max", max)
}

crate::text_enum! {
    /// The source of the travel time to a community's nearest venue.
    pub enum TravelSource {
        /// The community has sessions itself, so the time is 0 minutes.
        OwnSessions = "own_sessions",
        /// The supplied travel-time table.
        TravelTimeTable = "travel_time_table",
        /// Straight-line distance at the configured speed, rounded up to
        /// whole minutes.
        StraightLine = "straight_line",
    }
}

crate::text_enum! {
    /// Whether a community lies in the learning circle.
    pub enum ReachStatus {
        /// A venue holding sessions is within the travel time.
        Covered = "covered",
        /// Every venue holding sessions is farther, or there is none.
        NotCovered = "not_covered",
        /// No venue is known to be within the travel time, but the travel
        /// time to some venue is unknown: the venue or the community has no
        /// location and the table has no entry for the pair.
        Undetermined = "undetermined",
    }
}

/// The nearest venue of one community and whether it is covered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommunityReach {
    /// The community or cultural hall.
    pub community_venue_id: VenueId,
    /// The nearest venue holding sessions, among those with a known travel
    /// time; the smallest id wins a tie.
    pub nearest_venue_id: Option<VenueId>,
    /// The travel time to it, in whole minutes.
    pub minutes: Option<u32>,
    /// The source of that travel time.
    pub source: Option<TravelSource>,
    /// Whether the community is covered.
    pub status: ReachStatus,
}

/// The learning-circle coverage of a scope.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Coverage {
    /// The travel time that covers a community, in minutes.
    pub within_minutes: u32,
    /// The speed used for straight-line distances, in metres per minute.
    pub metres_per_minute: u32,
    /// The venues holding sessions in the period that a community may go to.
    pub venues_holding_sessions: u64,
    /// The communities and cultural halls of the scope.
    pub communities: u64,
    /// Those within the travel time of a venue holding sessions.
    pub covered: u64,
    /// Those known to be farther.
    pub not_covered: u64,
    /// Those whose coverage cannot be decided.
    pub undetermined: u64,
    /// `covered / communities`; `None` without communities. Undetermined
    /// communities stay in the denominator, so the share never overstates.
    pub share: Option<Rate>,
    /// Every community, ordered by id.
    pub reaches: Vec<CommunityReach>,
}

/// Returns whether a venue is a community in the sense of the learning
/// circle: a village or residential community, or a cultural hall.
pub(super) fn is_community(venue: &Venue) -> bool {
    matches!(venue.tier, VenueTier::Community | VenueTier::CulturalHall)
}

/// Computes the coverage of `communities` by the venues in `holding`
/// (venues holding sessions in the period; online venues are left out).
pub(super) fn coverage(
    communities: &[&Venue],
    holding: &[&Venue],
    settings: &CoverageSettings,
) -> Coverage {
    let table: HashMap<(VenueId, VenueId), u32> = settings
        .travel_times
        .iter()
        .map(|entry| ((entry.from_venue_id, entry.to_venue_id), entry.minutes))
        .collect();
    let holding: Vec<&Venue> = holding
        .iter()
        .copied()
        .filter(|venue| venue.tier != VenueTier::Online)
        .collect();

    let mut ordered: Vec<&Venue> = communities.to_vec();
    ordered.sort_by_key(|venue| venue.id);
    ordered.dedup_by_key(|venue| venue.id);
    let reaches: Vec<CommunityReach> = ordered
        .iter()
        .map(|community| reach(community, &holding, &table, settings))
        .collect();

    let count = |status: ReachStatus| {
        reaches
            .iter()
            .filter(|reach| reach.status == status)
            .count() as u64
    };
    let covered = count(ReachStatus::Covered);
    Coverage {
        within_minutes: settings.within_minutes,
        metres_per_minute: settings.metres_per_minute,
        venues_holding_sessions: holding.len() as u64,
        communities: reaches.len() as u64,
        covered,
        not_covered: count(ReachStatus::NotCovered),
        undetermined: count(ReachStatus::Undetermined),
        share: Rate::share(covered, reaches.len() as u64),
        reaches,
    }
}

fn reach(
    community: &Venue,
    holding: &[&Venue],
    table: &HashMap<(VenueId, VenueId), u32>,
    settings: &CoverageSettings,
) -> CommunityReach {
    let mut nearest: Option<(u32, VenueId, TravelSource)> = None;
    let mut unknown = false;
    for venue in holding {
        let trip = travel_minutes(community, venue, table, settings);
        match trip {
            None => unknown = true,
            Some((minutes, source)) => {
                let candidate = (minutes, venue.id, source);
                if nearest.is_none_or(|best| (candidate.0, candidate.1) < (best.0, best.1)) {
                    nearest = Some(candidate);
                }
            }
        }
    }
    let status = match nearest {
        Some((minutes, ..)) if minutes <= settings.within_minutes => ReachStatus::Covered,
        _ if unknown => ReachStatus::Undetermined,
        _ => ReachStatus::NotCovered,
    };
    CommunityReach {
        community_venue_id: community.id,
        nearest_venue_id: nearest.map(|(_, venue, _)| venue),
        minutes: nearest.map(|(minutes, ..)| minutes),
        source: nearest.map(|(.., source)| source),
        status,
    }
}

/// Returns the travel time from `community` to `venue`: 0 to itself, else
/// the table's entry, else straight-line distance at the configured speed
/// rounded up to whole minutes. Returns `None` when none of these is known.
fn travel_minutes(
    community: &Venue,
    venue: &Venue,
    table: &HashMap<(VenueId, VenueId), u32>,
    settings: &CoverageSettings,
) -> Option<(u32, TravelSource)> {
    if community.id == venue.id {
        return Some((0, TravelSource::OwnSessions));
    }
    if let Some(minutes) = table.get(&(community.id, venue.id)) {
        return Some((*minutes, TravelSource::TravelTimeTable));
    }
    let (from, to) = (community.location?, venue.location?);
    let metres = from.distance_metres(to);
    let speed = f64::from(settings.metres_per_minute.max(1));
    // The float-to-integer cast saturates, and no distance on Earth comes
    // near u32::MAX minutes at 1 m/min.
    let minutes = (metres / speed).ceil() as u32;
    Some((minutes, TravelSource::StraightLine))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GeoPoint;
    use serde_json::json;

    fn venue(n: u32, tier: VenueTier, location: Option<(f64, f64)>) -> Venue {
        Venue {
            id: format!("10000000-0000-4000-8000-{n:012}").parse().unwrap(),
            source: None,
            name: format!("venue {n}"),
            tier,
            parent_id: None,
            time_zone: chrono_tz::Asia::Shanghai,
            location: location.map(|(latitude, longitude)| GeoPoint {
                latitude,
                longitude,
            }),
            seats: None,
            population: None,
            older_population: None,
        }
    }

    #[test]
    fn settings_round_trip_through_serde() {
        let settings = CoverageSettings {
            within_minutes: 45,
            metres_per_minute: 60,
            travel_times: vec![TravelTime {
                from_venue_id: venue(1, VenueTier::Community, None).id,
                to_venue_id: venue(2, VenueTier::Street, None).id,
                minutes: 20,
            }],
        };
        let text = serde_json::to_string(&settings).unwrap();
        assert_eq!(
            serde_json::from_str::<CoverageSettings>(&text).unwrap(),
            settings,
            "{text}"
        );
        let defaults = serde_json::from_str::<CoverageSettings>("{}").unwrap();
        assert_eq!(defaults, CoverageSettings::default());
    }

    #[test]
    fn negative_settings_name_their_own_range() {
        let read = |field: &str, value: Value| {
            let problems =
                CoverageSettings::from_json(&json!({ field: value }), &Path::root()).unwrap_err();
            let params = &problems.0[0].params;
            (
                problems.0[0].code,
                params["min"].clone(),
                params["max"].clone(),
            )
        };
        // Both are u32 fields: the type's range would be 0 to 4294967295.
        assert_eq!(
            read("within_minutes", json!(-1)),
            (codes::OUT_OF_RANGE, json!(0), json!(1440))
        );
        assert_eq!(
            read("metres_per_minute", json!("1e30")),
            (codes::OUT_OF_RANGE, json!(1), json!(10_000))
        );
    }

    #[test]
    fn straight_line_rounds_up() {
        // 0.01 degrees of latitude is about 1,112 m, 23.2 minutes at 48 m/min.
        let home = venue(1, VenueTier::Community, Some((30.0, 120.0)));
        let school = venue(2, VenueTier::Street, Some((30.01, 120.0)));
        let settings = CoverageSettings::default();
        let (minutes, source) = travel_minutes(&home, &school, &HashMap::new(), &settings).unwrap();
        assert_eq!(minutes, 24);
        assert_eq!(source, TravelSource::StraightLine);
    }

    #[test]
    fn table_wins_over_distance() {
        let home = venue(1, VenueTier::Community, Some((30.0, 120.0)));
        let school = venue(2, VenueTier::Street, Some((30.01, 120.0)));
        let table = HashMap::from([((home.id, school.id), 45)]);
        let settings = CoverageSettings::default();
        assert_eq!(
            travel_minutes(&home, &school, &table, &settings),
            Some((45, TravelSource::TravelTimeTable))
        );
        assert_eq!(
            travel_minutes(&school, &home, &table, &settings).map(|(_, source)| source),
            Some(TravelSource::StraightLine)
        );
    }

    #[test]
    fn unknown_trip_leaves_community_undetermined() {
        let home = venue(1, VenueTier::Community, None);
        let far = venue(2, VenueTier::Street, Some((31.0, 120.0)));
        let result = coverage(&[&home], &[&far], &CoverageSettings::default());
        assert_eq!(result.undetermined, 1);
        assert_eq!(result.share.unwrap().numerator(), 0);
    }

    #[test]
    fn online_venues_cover_nobody() {
        let home = venue(1, VenueTier::Community, Some((30.0, 120.0)));
        let online = venue(2, VenueTier::Online, Some((30.0, 120.0)));
        let result = coverage(&[&home], &[&online], &CoverageSettings::default());
        assert_eq!(result.venues_holding_sessions, 0);
        assert_eq!(result.not_covered, 1);
    }
}
