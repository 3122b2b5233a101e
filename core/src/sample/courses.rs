//! Courses of the three-level network and their sessions: a weekly
//! semester that skips public holidays, one cancelled session and one
//! session across midnight per district.

use std::ops::Range;

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::decimal::{Credits, Percent};
use crate::id::{CourseId, SessionId};
use crate::model::{
    AmbiguousTime, Audience, Category, Course, DEFAULT_COMPLETION_THRESHOLD, NetworkLevel, Session,
    SessionOwner, SessionStatus,
};
use crate::schedule::{
    CHINA, CalendarSet, DayKind, Frequency, HolidayCalendar, Series, SeriesEnd, SeriesId,
    SkipReason, TimedSession, Weekday, expand_series, session_times,
};

use super::catalogue::{For, Level, TEMPLATES, Template};
use super::rng::Rng;
use super::{SampleError, SampleFacts, TIME_ZONE, World, add_days, local_instant};

/// Courses per 1,000 learners.
const COURSES_PER_1000_LEARNERS: u64 = 42;

/// A course with what the later steps need.
#[derive(Clone, Debug)]
pub(super) struct CoursePlan {
    pub template: &'static Template,
    pub level: Level,
    pub district: u32,
    /// The street whose residents mostly enrol; `None` for courses at the
    /// district college, open to the whole district.
    pub street: Option<u32>,
    /// The venue where the sessions are held.
    pub host: u32,
    /// The provider venue.
    pub provider: u32,
    /// The course's sessions in the bundle.
    pub sessions: Range<u32>,
    /// The course's enrolments in the bundle.
    pub enrolments: Range<u32>,
    /// The session cancelled, if any.
    pub cancelled: Option<u32>,
    /// The date of the first session, on which ages are measured.
    pub first_date: Option<NaiveDate>,
}

impl CoursePlan {
    /// Whether the course is meant for older residents.
    pub fn for_older(&self) -> bool {
        self.template.audience == For::Older
    }
}

/// Per district: whether the cancelled session and the session across
/// midnight have been placed.
#[derive(Default)]
struct Specials {
    cancelled: bool,
    night: bool,
}

/// Builds every course and its sessions.
pub(super) fn build(world: &mut World) -> Result<(), SampleError> {
    let calendars = CalendarSet::builtin();
    let mut rng = Rng::stream(world.seed, "courses", 0);
    for district in 0..world.districts.len() {
        let learners = u64::from(world.districts[district].learners);
        let count = ((learners * COURSES_PER_1000_LEARNERS).div_ceil(1000)).max(4);
        let mut specials = Specials::default();
        for _ in 0..count {
            build_course(world, &mut rng, district as u32, &calendars, &mut specials)?;
        }
        if !specials.night
            && let Some(last) = world.courses.len().checked_sub(1)
        {
            add_night_session(world, &mut rng, last)?;
        }
    }
    Ok(())
}

fn build_course(
    world: &mut World,
    rng: &mut Rng,
    district: u32,
    calendars: &CalendarSet,
    specials: &mut Specials,
) -> Result<(), SampleError> {
    let level = [Level::District, Level::Street, Level::Village][rng.weighted(&[12, 35, 53])];
    let candidates: Vec<&'static Template> = TEMPLATES
        .iter()
        .filter(|template| template.levels.contains(&level))
        .collect();
    let shares: Vec<u32> = candidates.iter().map(|template| template.share).collect();
    let template = candidates[rng.weighted(&shares)];

    let info = &world.districts[district as usize];
    let district_venue = info.venue;
    let street = *rng.pick(&info.streets).unwrap_or(&0);
    let street_info = &world.streets[street as usize];
    let point = *rng.pick(&street_info.points).unwrap_or(&street_info.venue);
    let (provider, host, course_street) = match level {
        // The district college teaches at home, and in the cultural halls
        // and learning points of the three-level network.
        Level::District if rng.chance(6_000) => (district_venue, district_venue, None),
        Level::District => (district_venue, point, Some(street)),
        Level::Street if rng.chance(5_000) => (street_info.venue, street_info.venue, Some(street)),
        Level::Street => (street_info.venue, point, Some(street)),
        Level::Village => (point, point, Some(street)),
    };
    let instructors = match course_street {
        Some(street) if level != Level::District => &world.streets[street as usize].instructors,
        _ => &world.districts[district as usize].instructors,
    };
    let instructor = *rng.pick(instructors).unwrap_or(&0);

    let position = world.courses.len() as u32;
    let course = make_course(world, rng, template, level, provider, position)?;
    world.bundle.courses.push(course);

    let first_session = world.bundle.sessions.len() as u32;
    let skips = add_series(world, rng, template, position, host, instructor, calendars)?;
    world.holiday_skips += skips;
    let sessions = first_session..world.bundle.sessions.len() as u32;
    let first_date = world
        .bundle
        .sessions
        .get(first_session as usize)
        .map(|timed| timed.session.date);
    world.courses.push(CoursePlan {
        template,
        level,
        district,
        street: course_street,
        host,
        provider,
        sessions: sessions.clone(),
        enrolments: 0..0,
        cancelled: None,
        first_date,
    });
    match course_street {
        Some(street) => world.streets[street as usize].courses.push(position),
        None => world.districts[district as usize].courses.push(position),
    }

    // One session of an ordinary class for older residents is called off
    // (heavy rain), after enrolment has settled.
    if !specials.cancelled
        && template.audience == For::Older
        && template.capacity.is_some()
        && sessions.len() >= 8
    {
        let cancelled = sessions.start + 5;
        if let Some(timed) = world.bundle.sessions.get_mut(cancelled as usize) {
            timed.session.status = SessionStatus::Cancelled;
            world.courses[position as usize].cancelled = Some(cancelled);
            specials.cancelled = true;
        }
    }
    if !specials.night && template.category == "photography" {
        add_night_session(world, rng, position as usize)?;
        specials.night = true;
    }
    Ok(())
}

fn make_course(
    world: &World,
    rng: &mut Rng,
    template: &Template,
    level: Level,
    provider: u32,
    position: u32,
) -> Result<Course, SampleError> {
    let Some(category) = Category::new(template.category) else {
        return Err(SampleError::Internal {
            what: "course",
            detail: format!("category key \"{}\"", template.category),
        });
    };
    let capacity = template
        .capacity
        .map(|(low, high)| rng.between(i64::from(low), i64::from(high)) as u32);
    let (opens, closes) = if capacity.is_some() {
        let start = world.season.start;
        (
            Some(local_instant(add_days(start, -21), 9, 0)),
            Some(local_instant(add_days(start, -1), 23, 59)),
        )
    } else {
        (None, None)
    };
    let (audience, min_age, max_age) = match (template.audience, level) {
        (For::Older, Level::District) => (Audience::OlderResidents, None, None),
        (For::Older, _) => (Audience::AllAges, Some(50), None),
        (For::Adults, _) => (Audience::AllAges, Some(18), None),
        (For::Children, _) => (Audience::Children, Some(6), Some(14)),
        (For::Anyone, _) => (Audience::AllAges, None, None),
    };
    let residents_only = level == Level::Village && capacity.is_some() && rng.chance(3_000);
    let title = format!("{} {}", template.title_en, template.title_zh);
    Ok(Course {
        id: CourseId(rng.uuid()),
        source: None,
        code: Some(format!("QT-{}-{:05}", template.code, position + 1)),
        title,
        category,
        provider_venue_id: world.bundle.venues[provider as usize].id,
        network_level: Some(match level {
            Level::District => NetworkLevel::District,
            Level::Street => NetworkLevel::Street,
            Level::Village => NetworkLevel::Village,
        }),
        capacity,
        enrolment_opens_at: opens,
        enrolment_closes_at: closes,
        walk_in: template.walk_in,
        min_age,
        max_age,
        audience,
        residents_only,
        credit_value: template.credit_value.map(Credits::from_hundredths),
        completion_threshold: if template.assessment {
            Percent::whole(90)
        } else {
            DEFAULT_COMPLETION_THRESHOLD
        },
        assessment_required: template.assessment,
    })
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

/// Chooses the weekdays and start time of a course.
fn timetable(rng: &mut Rng, template: &Template) -> (Vec<Weekday>, NaiveTime) {
    let weekday = |rng: &mut Rng, from: usize, to: usize| {
        WEEKDAYS[rng.between(from as i64, to as i64) as usize]
    };
    let (days, hour, minute) = match template.audience {
        For::Children => (vec![weekday(rng, 5, 6)], [9, 14][rng.index(2)], 0),
        For::Adults => {
            if rng.chance(7_000) {
                (vec![weekday(rng, 0, 4)], 19, 0)
            } else {
                (vec![Weekday::Saturday], 9, 0)
            }
        }
        For::Older | For::Anyone => {
            let (hour, minute) = [(8, 30), (9, 0), (9, 30), (14, 0), (14, 30)][rng.index(5)];
            let first = rng.between(0, 2) as usize;
            if template.per_week == 2 {
                (vec![WEEKDAYS[first], WEEKDAYS[first + 3]], hour, minute)
            } else {
                (vec![weekday(rng, 0, 5)], hour, minute)
            }
        }
    };
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    (days, time)
}

/// Adds the weekly sessions of a course and returns the number of dates
/// skipped for public holidays.
fn add_series(
    world: &mut World,
    rng: &mut Rng,
    template: &Template,
    course: u32,
    host: u32,
    instructor: u32,
    calendars: &CalendarSet,
) -> Result<u32, SampleError> {
    let (weekdays, start_time) = timetable(rng, template);
    let series = Series {
        id: SeriesId(rng.uuid()),
        owner: SessionOwner::Course(world.bundle.courses[course as usize].id),
        venue_id: world.bundle.venues[host as usize].id,
        instructor_ids: vec![world.bundle.instructors[instructor as usize].id],
        time_zone: None,
        frequency: Frequency::Weekly,
        interval: if template.per_week == 0 { 4 } else { 1 },
        weekdays,
        week_start: Weekday::Monday,
        start_date: world.season.start,
        end: SeriesEnd::Until(world.season.end),
        start_time,
        duration_minutes: template.minutes,
        exclude_dates: Vec::new(),
        holiday_calendar: Some(CHINA.to_owned()),
        ambiguous_time: AmbiguousTime::Earlier,
        activity_kind: None,
    };
    push_series(world, &series, calendars)
}

/// Expands `series` into the bundle and returns the number of dates
/// skipped for public holidays.
pub(super) fn push_series(
    world: &mut World,
    series: &Series,
    calendars: &CalendarSet,
) -> Result<u32, SampleError> {
    let expansion = expand_series(series, Some(TIME_ZONE), calendars).map_err(|problems| {
        SampleError::Internal {
            what: "series",
            detail: problems
                .iter()
                .map(|problem| problem.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        }
    })?;
    let skips = expansion
        .skipped
        .iter()
        .filter(|skipped| skipped.reason == SkipReason::Holiday)
        .count() as u32;
    world
        .bundle
        .sessions
        .extend(expansion.sessions.into_iter().map(|numbered| TimedSession {
            session: numbered.session,
            times: numbered.times,
        }));
    Ok(skips)
}

/// Adds a one-off session to `course` that starts at 21:30 and ends at
/// 00:30 the next day: a night photography shoot on the Friday in the
/// middle of the semester, or the next working day when that Friday is a
/// public holiday.
fn add_night_session(world: &mut World, rng: &mut Rng, course: usize) -> Result<(), SampleError> {
    let plan = &world.courses[course];
    let middle = add_days(world.season.start, i64::from(world.weeks() / 2) * 7);
    let friday = next_working(add_days(
        middle,
        (12 - i64::from(middle.weekday().number_from_monday())) % 7,
    ));
    let session = Session {
        id: SessionId(rng.uuid()),
        source: None,
        owner: SessionOwner::Course(world.bundle.courses[course].id),
        venue_id: world.bundle.venues[plan.host as usize].id,
        instructor_ids: world
            .bundle
            .sessions
            .get(plan.sessions.start as usize)
            .map(|timed| timed.session.instructor_ids.clone())
            .unwrap_or_default(),
        date: friday,
        start_time: NaiveTime::from_hms_opt(21, 30, 0).unwrap_or_default(),
        end_time: NaiveTime::from_hms_opt(0, 30, 0).unwrap_or_default(),
        end_date: None,
        time_zone: None,
        ambiguous_time: AmbiguousTime::Earlier,
        status: SessionStatus::Scheduled,
        activity_kind: None,
    };
    push_one_off(world, session)?;
    let end = world.bundle.sessions.len() as u32;
    world.courses[course].sessions.end = end;
    Ok(())
}

/// Adds one session outside a series.
pub(super) fn push_one_off(world: &mut World, session: Session) -> Result<(), SampleError> {
    let times =
        session_times(&session, Some(TIME_ZONE)).map_err(|problems| SampleError::Internal {
            what: "session",
            detail: problems
                .iter()
                .map(|problem| problem.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
        })?;
    world.bundle.sessions.push(TimedSession { session, times });
    Ok(())
}

/// The first working day on or after `date` (Saturdays, Sundays and public
/// holidays are skipped; a date the calendar does not know is taken as is).
pub(super) fn next_working(date: NaiveDate) -> NaiveDate {
    let calendar = HolidayCalendar::china();
    let mut day = date;
    for _ in 0..14 {
        match calendar.day(day) {
            Ok(found) if found.kind == DayKind::WorkingDay => return day,
            Err(_) => return day,
            Ok(_) => day = add_days(day, 1),
        }
    }
    day
}

impl World {
    /// The number of weeks of the semester.
    pub(super) fn weeks(&self) -> u32 {
        ((self.season.end - self.season.start).num_days() as u32 + 1) / 7
    }
}

/// Adds the course counts to `facts`.
pub(super) fn add_facts(world: &World, facts: &mut SampleFacts) {
    for plan in &world.courses {
        let level = match plan.level {
            Level::District => "district",
            Level::Street => "street",
            Level::Village => "village",
        };
        *facts.courses_by_level.entry(level.to_owned()).or_default() += 1;
    }
    for timed in &world.bundle.sessions {
        let session = &timed.session;
        if session.course_id().is_some() {
            facts.course_sessions += 1;
        } else {
            facts.club_sessions += 1;
        }
        if session.is_cancelled() {
            facts.cancelled_sessions += 1;
        }
        if session.local_end_date() != Some(session.date) {
            facts.sessions_across_midnight += 1;
        }
    }
}
