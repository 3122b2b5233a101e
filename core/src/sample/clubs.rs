//! Learning clubs: the qigong-dance club and the sewing club of every
//! district, other interest clubs, their membership histories and their
//! activities (practice, outreach, volunteer service, a competition).

use std::ops::Range;

use chrono::{NaiveDate, NaiveTime};

use crate::id::{ClubId, SessionId};
use crate::model::{
    AmbiguousTime, Club, ClubActivityKind, ClubMember, ClubStatus, CoreDuty, MemberRole, Session,
    SessionOwner, SessionStatus,
};
use crate::schedule::{
    CHINA, CalendarSet, Frequency, HolidayCalendar, Series, SeriesEnd, SeriesId, Weekday,
};

use super::courses::{next_working, push_one_off, push_series};
use super::network::POINTS_PER_DISTRICT;
use super::people::age_range;
use super::rng::Rng;
use super::{SampleError, SampleFacts, World, add_days};

/// What kind of club it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ClubKind {
    /// The qigong-dance club founded in 2016: 36 fixed members, prizes,
    /// festival visits to nursing homes.
    QigongDance,
    /// The sewing club: a founder, 4 core members with duties, monthly
    /// free repairs for neighbours.
    Sewing,
    /// Another interest club, by its position in [`INTEREST_CLUBS`].
    Interest(usize),
}

/// Interest clubs: English and Chinese names.
const INTEREST_CLUBS: &[(&str, &str)] = &[
    ("Volunteer Patrol", "平安巡逻志愿队"),
    ("Choir", "合唱团"),
    ("Calligraphy Club", "书法社"),
    ("Square Dance Team", "广场舞队"),
    ("Photography Society", "摄影协会"),
    ("Reading Club", "读书会"),
    ("Yue Opera Club", "越剧社"),
    ("Tai Chi Team", "太极拳队"),
    ("Chess Club", "棋艺社"),
    ("Erhu Ensemble", "二胡队"),
];

/// A membership period, as the scan plan needs it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Period {
    pub learner: u32,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub occasional: bool,
}

impl Period {
    /// Whether the period covers `date` (the left day is not included).
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.joined_on <= date && self.left_on.is_none_or(|left| date < left)
    }
}

/// A club with what the later steps need.
#[derive(Clone, Debug)]
pub(super) struct ClubPlan {
    pub kind: ClubKind,
    pub club: u32,
    pub sessions: Range<u32>,
    pub periods: Vec<Period>,
}

/// Builds the clubs of every district.
pub(super) fn build(world: &mut World) -> Result<(), SampleError> {
    let calendars = CalendarSet::builtin();
    let mut rng = Rng::stream(world.seed, "clubs", 0);
    for district in 0..world.districts.len() {
        let points: usize = world.districts[district]
            .streets
            .iter()
            .map(|&street| world.streets[street as usize].points.len())
            .sum();
        let count = (points / 2).clamp(2, POINTS_PER_DISTRICT as usize);
        for index in 0..count {
            let kind = match index {
                0 => ClubKind::QigongDance,
                1 => ClubKind::Sewing,
                _ => ClubKind::Interest((index - 2) % INTEREST_CLUBS.len()),
            };
            let status = match index {
                5 => ClubStatus::Registered,
                6 => ClubStatus::Suspended,
                7 => ClubStatus::Dissolved,
                _ => ClubStatus::Active,
            };
            build_club(
                world,
                &mut rng,
                district as u32,
                kind,
                status,
                index,
                &calendars,
            )?;
        }
    }
    Ok(())
}

fn build_club(
    world: &mut World,
    rng: &mut Rng,
    district: u32,
    kind: ClubKind,
    status: ClubStatus,
    index: usize,
    calendars: &CalendarSet,
) -> Result<(), SampleError> {
    let streets = world.districts[district as usize].streets.clone();
    let street = streets[index % streets.len().max(1)];
    let street_info = &world.streets[street as usize];
    let community = *rng.pick(&street_info.points).unwrap_or(&street_info.venue);
    let guide = street_info.venue;
    let season_start = world.season.start;
    let founded_on = match (kind, status) {
        (ClubKind::QigongDance, _) => NaiveDate::from_ymd_opt(2016, 4, 10).unwrap_or_default(),
        (ClubKind::Sewing, _) => NaiveDate::from_ymd_opt(2018, 9, 15).unwrap_or_default(),
        (_, ClubStatus::Registered) => add_days(season_start, -rng.between(20, 60)),
        _ => add_days(season_start, -rng.between(500, 4_000)),
    };
    let status_since = match status {
        ClubStatus::Registered => Some(founded_on),
        ClubStatus::Suspended => Some(add_days(season_start, -rng.between(60, 200))),
        ClubStatus::Dissolved => Some(add_days(season_start, -rng.between(30, 300))),
        _ => Some(add_days(founded_on, rng.between(20, 90))),
    };
    let place = world.bundle.venues[community as usize]
        .name
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    let name = match kind {
        ClubKind::QigongDance => format!("{place} Qigong Dance Club 气功舞社团"),
        ClubKind::Sewing => format!("{place} Sewing Club 缝纫社"),
        ClubKind::Interest(which) => {
            let (en, zh) = INTEREST_CLUBS[which];
            format!("{place} {en} {zh}")
        }
    };
    let position = world.bundle.clubs.len() as u32;
    let club = Club {
        id: ClubId(rng.uuid()),
        source: None,
        name,
        status,
        status_since,
        community_venue_id: Some(world.bundle.venues[community as usize].id),
        guiding_venue_id: Some(world.bundle.venues[guide as usize].id),
        founded_on: Some(founded_on),
        has_rules: !matches!(status, ClubStatus::Registered) && rng.chance(8_500),
    };
    let club_id = club.id;
    world.bundle.clubs.push(club);

    let candidates = member_candidates(world, street, community);
    let dissolved_on = (status == ClubStatus::Dissolved)
        .then_some(status_since)
        .flatten();
    let periods = members(
        world,
        rng,
        kind,
        founded_on,
        dissolved_on,
        index,
        &candidates,
    );
    for period in &periods {
        world.bundle.club_members.push(ClubMember {
            club_id,
            learner_id: world.bundle.learners[period.0.learner as usize].id,
            role: period.1,
            duty: period.2,
            joined_on: period.0.joined_on,
            left_on: period.0.left_on,
        });
    }

    let first_session = world.bundle.sessions.len() as u32;
    if status == ClubStatus::Active {
        add_activities(world, rng, kind, club_id, community, index, calendars)?;
    }
    world.clubs.push(ClubPlan {
        kind,
        club: position,
        sessions: first_session..world.bundle.sessions.len() as u32,
        periods: periods.into_iter().map(|period| period.0).collect(),
    });
    Ok(())
}

/// Learners of the street aged 40 or more, those of the club's community
/// first.
fn member_candidates(world: &World, street: u32, community: u32) -> Vec<u32> {
    let start = world.season.start;
    let mut near = Vec::new();
    let mut far = Vec::new();
    for &learner in &world.streets[street as usize].learners {
        let info = &world.learners[learner as usize];
        if age_range(info, start).0 < 40 {
            continue;
        }
        if info.home == community {
            near.push(learner);
        } else {
            far.push(learner);
        }
    }
    near.extend(far);
    near
}

/// A membership period with its role and duty.
type Membership = (Period, MemberRole, Option<CoreDuty>);

/// Makes the membership history of a club.
fn members(
    world: &World,
    rng: &mut Rng,
    kind: ClubKind,
    founded_on: NaiveDate,
    dissolved_on: Option<NaiveDate>,
    index: usize,
    candidates: &[u32],
) -> Vec<Membership> {
    let season_start = world.season.start;
    let (core, fixed, occasional, former) = match kind {
        ClubKind::QigongDance => (0, 36, 2, 4),
        ClubKind::Sewing => (4, 10, 3, 2),
        ClubKind::Interest(_) => (
            rng.between(1, 3) as usize,
            rng.between(8, 30) as usize,
            rng.between(0, 5) as usize,
            rng.between(0, 4) as usize,
        ),
    };
    let wanted = 1 + core + fixed + occasional + former;
    // Candidates near the front live in the club's community.
    let pool = &candidates[..candidates.len().min(wanted * 2)];
    let mut chosen: Vec<u32> = Vec::with_capacity(wanted);
    for _ in 0..wanted * 4 {
        if chosen.len() >= wanted {
            break;
        }
        if let Some(&learner) = rng.pick(pool)
            && !chosen.contains(&learner)
        {
            chosen.push(learner);
        }
    }
    let end = dissolved_on;
    let latest_join = add_days(dissolved_on.unwrap_or(season_start), -1);
    let span = (latest_join - founded_on).num_days().max(0);
    let join = |rng: &mut Rng| add_days(founded_on, rng.between(0, span));
    let period = |learner, joined_on, left_on, occasional| Period {
        learner,
        joined_on,
        left_on,
        occasional,
    };
    let mut out: Vec<Membership> = Vec::new();
    let mut people = chosen.into_iter();
    let Some(founder) = people.next() else {
        return out;
    };
    let duties = [
        CoreDuty::PlanningWriting,
        CoreDuty::Training,
        CoreDuty::Publicity,
        CoreDuty::Logistics,
    ];
    let core_members: Vec<u32> = people.by_ref().take(core).collect();
    // The third interest club of a district changed founders: its first
    // core member took over, and the founder stayed on as a fixed member.
    let hand_over = matches!(kind, ClubKind::Interest(_))
        && index == 4
        && !core_members.is_empty()
        && span > 200;
    if hand_over {
        let on = add_days(founded_on, span / 2);
        out.push((
            period(founder, founded_on, Some(on), false),
            MemberRole::Founder,
            None,
        ));
        out.push((period(founder, on, end, false), MemberRole::Fixed, None));
        let successor = core_members[0];
        out.push((
            period(successor, founded_on, Some(on), false),
            MemberRole::Core,
            Some(duties[0]),
        ));
        out.push((period(successor, on, end, false), MemberRole::Founder, None));
    } else {
        out.push((
            period(founder, founded_on, end, false),
            MemberRole::Founder,
            None,
        ));
    }
    for (position, &learner) in core_members.iter().enumerate() {
        if hand_over && position == 0 {
            continue;
        }
        out.push((
            period(learner, founded_on, end, false),
            MemberRole::Core,
            Some(duties[position % duties.len()]),
        ));
    }
    for (position, learner) in people.by_ref().take(fixed).enumerate() {
        let joined_on = if matches!(kind, ClubKind::QigongDance) || position % 3 == 0 {
            founded_on
        } else {
            join(rng)
        };
        // Some fixed members stepped up to a core duty later.
        if matches!(kind, ClubKind::Interest(_)) && position == 1 && joined_on < latest_join {
            let on = add_days(joined_on, (latest_join - joined_on).num_days() / 2 + 1);
            out.push((
                period(learner, joined_on, Some(on), false),
                MemberRole::Fixed,
                None,
            ));
            out.push((
                period(learner, on, end, false),
                MemberRole::Core,
                Some(CoreDuty::Other),
            ));
        } else {
            out.push((
                period(learner, joined_on, end, false),
                MemberRole::Fixed,
                None,
            ));
        }
    }
    for learner in people.by_ref().take(occasional) {
        out.push((
            period(learner, join(rng), end, true),
            MemberRole::Occasional,
            None,
        ));
    }
    for learner in people.take(former) {
        let joined_on = join(rng);
        let stay = (latest_join - joined_on).num_days().max(1);
        let left_on = add_days(joined_on, rng.between(1, stay));
        out.push((
            period(learner, joined_on, Some(left_on), false),
            MemberRole::Fixed,
            None,
        ));
    }
    out
}

/// Adds the activities of an active club in the semester.
fn add_activities(
    world: &mut World,
    rng: &mut Rng,
    kind: ClubKind,
    club: ClubId,
    community: u32,
    index: usize,
    calendars: &CalendarSet,
) -> Result<(), SampleError> {
    let venue = world.bundle.venues[community as usize].id;
    let series =
        |rng: &mut Rng, weekdays: Vec<Weekday>, interval, time: (u32, u32), minutes, activity| {
            Series {
                id: SeriesId(rng.uuid()),
                owner: SessionOwner::Club(club),
                venue_id: venue,
                instructor_ids: Vec::new(),
                time_zone: None,
                frequency: Frequency::Weekly,
                interval,
                weekdays,
                week_start: Weekday::Monday,
                start_date: world.season.start,
                end: SeriesEnd::Until(world.season.end),
                start_time: NaiveTime::from_hms_opt(time.0, time.1, 0).unwrap_or_default(),
                duration_minutes: minutes,
                exclude_dates: Vec::new(),
                holiday_calendar: Some(CHINA.to_owned()),
                ambiguous_time: AmbiguousTime::Earlier,
                activity_kind: Some(activity),
            }
        };
    let mut all = Vec::new();
    match kind {
        ClubKind::QigongDance => {
            all.push(series(
                rng,
                vec![Weekday::Tuesday, Weekday::Friday],
                1,
                (6, 30),
                90,
                ClubActivityKind::Practice,
            ));
        }
        ClubKind::Sewing => {
            all.push(series(
                rng,
                vec![Weekday::Wednesday],
                1,
                (14, 0),
                120,
                ClubActivityKind::Practice,
            ));
            all.push(series(
                rng,
                vec![Weekday::Saturday],
                4,
                (9, 0),
                150,
                ClubActivityKind::VolunteerService,
            ));
        }
        ClubKind::Interest(_) => {
            let day = [
                Weekday::Monday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Saturday,
            ][rng.index(4)];
            let time = [(8, 30), (14, 0), (18, 30)][rng.index(3)];
            all.push(series(
                rng,
                vec![day],
                1,
                time,
                90,
                ClubActivityKind::Practice,
            ));
        }
    }
    for series in &all {
        world.holiday_skips += push_series(world, series, calendars)?;
    }
    let one_off =
        |rng: &mut Rng, date: NaiveDate, start: (u32, u32), end: (u32, u32), activity| Session {
            id: SessionId(rng.uuid()),
            source: None,
            owner: SessionOwner::Club(club),
            venue_id: venue,
            instructor_ids: Vec::new(),
            date,
            start_time: NaiveTime::from_hms_opt(start.0, start.1, 0).unwrap_or_default(),
            end_time: NaiveTime::from_hms_opt(end.0, end.1, 0).unwrap_or_default(),
            end_date: None,
            time_zone: None,
            ambiguous_time: AmbiguousTime::Earlier,
            status: SessionStatus::Scheduled,
            activity_kind: Some(activity),
        };
    match kind {
        ClubKind::QigongDance => {
            // Performances at nursing homes on the first day of each public
            // holiday of the semester, and the provincial competition.
            for date in festival_days(world) {
                push_one_off(
                    world,
                    one_off(rng, date, (9, 30), (11, 0), ClubActivityKind::Outreach),
                )?;
            }
            let competition = next_working(add_days(world.season.start, 7 * 10 + 2));
            push_one_off(
                world,
                one_off(
                    rng,
                    competition,
                    (13, 30),
                    (17, 0),
                    ClubActivityKind::Competition,
                ),
            )?;
        }
        ClubKind::Interest(0) if index == 2 => {
            // The volunteer patrol's night round: 21:00 to 01:00 the next day.
            let date = next_working(add_days(world.season.start, 7 * 5 + 3));
            push_one_off(
                world,
                one_off(
                    rng,
                    date,
                    (21, 0),
                    (1, 0),
                    ClubActivityKind::VolunteerService,
                ),
            )?;
        }
        _ => {}
    }
    Ok(())
}

/// The first day of every public holiday that begins in the semester.
pub(super) fn festival_days(world: &World) -> Vec<NaiveDate> {
    let calendar = HolidayCalendar::china();
    let (start, end) = (world.season.start, world.season.end);
    calendar
        .years
        .values()
        .flat_map(|year| year.holidays.iter())
        .map(|holiday| holiday.first)
        .filter(|first| start <= *first && *first <= end)
        .collect()
}

/// Adds the club counts to `facts`.
pub(super) fn add_facts(world: &World, facts: &mut SampleFacts) {
    for member in &world.bundle.club_members {
        *facts
            .club_members_by_role
            .entry(member.role.as_str().to_owned())
            .or_default() += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_excludes_left_day() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let period = Period {
            learner: 0,
            joined_on: day(2),
            left_on: Some(day(10)),
            occasional: false,
        };
        assert!(!period.covers(day(1)));
        assert!(period.covers(day(2)));
        assert!(period.covers(day(9)));
        assert!(!period.covers(day(10)));
    }
}
