//! The learning trail of a season as xAPI statements, built one at a time
//! while they are written.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

use crate::credit::EntryKind;
use crate::credit::xapi::{LearningEvent, statement};
use crate::id::{ClubId, CourseId, LearnerId, SessionId};
use crate::model::{ClubMember, SessionOwner};
use crate::problem::Problem;
use crate::schedule::TimedSession;

use super::options::start_of_day;
use super::run::Season;

/// The lookups the statements of a season need, built once.
pub(super) struct Trail<'s, 'b> {
    season: &'s Season<'b>,
    sessions: HashMap<SessionId, &'b TimedSession>,
    course_titles: HashMap<CourseId, &'b str>,
    club_names: HashMap<ClubId, &'b str>,
    course_ends: HashMap<CourseId, DateTime<Utc>>,
    /// Ids of accrue entries with an amount: the entries whose `earned`
    /// statement a revocation voids.
    earned: HashSet<Uuid>,
    first_day: Option<NaiveDate>,
}

impl<'s, 'b> Trail<'s, 'b> {
    pub(super) fn new(season: &'s Season<'b>) -> Self {
        let bundle = season.bundle;
        let mut course_ends: HashMap<CourseId, DateTime<Utc>> = HashMap::new();
        for timed in bundle
            .sessions
            .iter()
            .filter(|timed| !timed.session.is_cancelled())
        {
            if let Some(course) = timed.session.course_id() {
                let end = course_ends.entry(course).or_insert(timed.times.ends_at);
                *end = (*end).max(timed.times.ends_at);
            }
        }
        Self {
            season,
            sessions: bundle
                .sessions
                .iter()
                .map(|timed| (timed.session.id, timed))
                .collect(),
            course_titles: bundle
                .courses
                .iter()
                .map(|course| (course.id, course.title.as_str()))
                .collect(),
            club_names: bundle
                .clubs
                .iter()
                .map(|club| (club.id, club.name.as_str()))
                .collect(),
            course_ends,
            earned: season
                .ledger
                .entries()
                .iter()
                .filter(|entry| entry.kind == EntryKind::Accrue && !entry.amount.is_zero())
                .map(|entry| entry.id)
                .collect(),
            first_day: bundle.sessions.iter().map(|timed| timed.session.date).min(),
        }
    }

    /// Builds the statements in this order:
    ///
    /// 1. attended sessions: final records that count as attended, in the
    ///    order of the attendance records;
    /// 2. completed courses;
    /// 3. club memberships that began or ended between the season's first
    ///    session day and its recording date (a change of role is neither);
    /// 4. credits earned or revoked by the entries recorded on the run's
    ///    recording date.
    ///
    /// A statement fails only when its timestamp falls outside the years
    /// 0000 to 9999 in the run's zone.
    pub(super) fn statements(&self) -> impl Iterator<Item = Result<Value, Problem>> + '_ {
        let options = &self.season.xapi_options;
        self.attended()
            .chain(self.completed())
            .chain(self.memberships())
            .chain(self.credits())
            .map(move |event| statement(&event, options))
    }

    fn attended(&self) -> impl Iterator<Item = LearningEvent> + '_ {
        self.season
            .attendance
            .records
            .iter()
            .filter(|record| record.status.is_attended() && !record.provisional)
            .filter_map(|record| {
                let timed = self.sessions.get(&record.session_id)?;
                let title = match record.owner {
                    SessionOwner::Course(course) => self.course_titles.get(&course),
                    SessionOwner::Club(club) => self.club_names.get(&club),
                };
                Some(LearningEvent::AttendedSession {
                    learner_id: record.learner_id,
                    session_id: record.session_id,
                    course_id: record.course_id(),
                    club_id: record.club_id(),
                    at: timed.times.starts_at,
                    minutes: record.credited_minutes,
                    title: title.map(|title| (*title).to_owned()),
                })
            })
    }

    fn completed(&self) -> impl Iterator<Item = LearningEvent> + '_ {
        self.season
            .attendance
            .course_results
            .iter()
            .filter(|result| result.completed)
            .filter_map(|result| {
                Some(LearningEvent::CompletedCourse {
                    learner_id: result.learner_id,
                    course_id: result.course_id,
                    at: *self.course_ends.get(&result.course_id)?,
                    title: self
                        .course_titles
                        .get(&result.course_id)
                        .map(|title| (*title).to_owned()),
                })
            })
    }

    fn memberships(&self) -> impl Iterator<Item = LearningEvent> + '_ {
        let members = &self.season.bundle.club_members;
        // A period that ends on the day another period of the same learner
        // and club starts is a change of role, not a departure.
        let starts: HashSet<(ClubId, LearnerId, NaiveDate)> = members
            .iter()
            .map(|member| (member.club_id, member.learner_id, member.joined_on))
            .collect();
        let ends: HashSet<(ClubId, LearnerId, NaiveDate)> = members
            .iter()
            .filter_map(|member| Some((member.club_id, member.learner_id, member.left_on?)))
            .collect();

        let mut sorted: Vec<&ClubMember> = members.iter().collect();
        sorted.sort_by_key(|member| (member.club_id, member.learner_id, member.joined_on));
        let window = self.first_day.map(|first| (first, self.season.recorded_on));
        let zone = self.season.time_zone;
        let mut events = Vec::new();
        for member in sorted {
            let Some((first, last)) = window else {
                break;
            };
            let key = (member.club_id, member.learner_id);
            let title = self
                .club_names
                .get(&member.club_id)
                .map(|name| (*name).to_owned());

            let joined = member.joined_on;
            if (first..=last).contains(&joined)
                && !ends.contains(&(key.0, key.1, joined))
                && let Some(at) = start_of_day(joined, zone)
            {
                events.push(LearningEvent::JoinedClub {
                    learner_id: member.learner_id,
                    club_id: member.club_id,
                    at,
                    title: title.clone(),
                });
            }
            if let Some(left) = member.left_on
                && (first..=last).contains(&left)
                && !starts.contains(&(key.0, key.1, left))
                && let Some(at) = start_of_day(left, zone)
            {
                events.push(LearningEvent::LeftClub {
                    learner_id: member.learner_id,
                    club_id: member.club_id,
                    at,
                    title,
                });
            }
        }
        events.into_iter()
    }

    fn credits(&self) -> impl Iterator<Item = LearningEvent> + '_ {
        let recorded_on = self.season.recorded_on;
        let zone = self.season.time_zone;
        self.season
            .ledger
            .entries()
            .iter()
            .filter(move |entry| entry.recorded_on == recorded_on)
            .filter_map(move |entry| match entry.kind {
                EntryKind::Accrue if self.earned.contains(&entry.id) => {
                    Some(LearningEvent::EarnedCredits {
                        learner_id: entry.learner_id,
                        entry_id: entry.id,
                        amount: entry.amount,
                        rule_set_id: entry.rule_set_id.clone(),
                        rule_set_version: entry.rule_set_version,
                        rule_id: entry.rule_id.clone(),
                        course_id: entry
                            .source
                            .as_deref()
                            .and_then(|source| source.strip_prefix("course:"))
                            .and_then(|id| id.parse().ok()),
                        at: start_of_day(entry.occurred_on, zone)?,
                    })
                }
                EntryKind::Revoke => {
                    let target = entry.reverses.filter(|id| self.earned.contains(id))?;
                    Some(LearningEvent::RevokedCredits {
                        learner_id: entry.learner_id,
                        entry_id: target,
                        at: start_of_day(entry.recorded_on, zone)?,
                    })
                }
                _ => None,
            })
    }
}
