//! Dense tables of a bundle and its attendance report, built once and shared
//! by the statistics of every scope.
//!
//! Venues, learners, sessions and courses get a dense `u32` index each, so
//! that a scope reads only its own sessions, records and enrolments through
//! [`Groups`] instead of scanning the whole season. A district or street
//! reads them through the groups of the venues of its subtree: by the
//! venue a session is held at, and by the home venue of the learner of a
//! record or an enrolment.
//!
//! Maps keyed by id use FxHash (`rustc_hash`), which is several times
//! faster than the default SipHash on 16-byte UUIDs and is looked up about
//! once per record and outcome. It gives no protection against keys chosen
//! to collide, which costs only time on a bundle built to do so.

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::attendance::AttendanceReport;
use crate::bundle::Bundle;
use crate::id::{ClubId, CourseId, LearnerId, SessionId, VenueId};
use crate::model::BirthDate;

/// The index that stands for "no venue of the bundle": a learner without a
/// home venue, or a home or session venue that the bundle does not list.
pub(super) const NO_VENUE: u32 = u32::MAX;

/// The course index of an enrolment whose course has no session in the
/// bundle.
pub(super) const NO_COURSE: u32 = u32::MAX;

/// Items grouped by a dense key, stored as one list of items and the start
/// of each group in it.
#[derive(Debug, Default)]
pub(super) struct Groups {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Groups {
    /// Groups the `(group, item)` pairs into `group_count` groups. Each group
    /// keeps its items in the order of `pairs`.
    pub fn new(group_count: usize, pairs: &[(u32, u32)]) -> Self {
        Self::from_pairs(group_count, pairs.iter().copied())
    }

    /// Groups the positions of `keys` by key into `group_count` groups,
    /// each in increasing order. A position whose key is `group_count` or
    /// more, such as [`NO_VENUE`], is in no group.
    pub fn by_key(group_count: usize, keys: &[u32]) -> Self {
        Self::by_keys(group_count, keys.iter().copied())
    }

    /// Groups positions as [`Groups::by_key`] does, with the keys from an
    /// iterator that is run twice, so that no list of keys or pairs is
    /// held beside the groups.
    pub fn by_keys(group_count: usize, keys: impl Iterator<Item = u32> + Clone) -> Self {
        let pairs = keys
            .enumerate()
            .filter(move |(_, key)| (*key as usize) < group_count)
            .map(|(position, key)| (key, position as u32));
        Self::from_pairs(group_count, pairs)
    }

    /// Groups the pairs, read twice: once to size the groups and once to
    /// fill them, so that no copy of the pairs is made.
    fn from_pairs(group_count: usize, pairs: impl Iterator<Item = (u32, u32)> + Clone) -> Self {
        let mut starts = vec![0u32; group_count + 1];
        for (group, _) in pairs.clone() {
            starts[group as usize + 1] += 1;
        }
        for index in 1..starts.len() {
            starts[index] += starts[index - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; starts[group_count] as usize];
        for (group, item) in pairs {
            let slot = &mut next[group as usize];
            items[*slot as usize] = item;
            *slot += 1;
        }
        Self { starts, items }
    }

    /// Returns the items of `group`, or none for a group out of range.
    pub fn get(&self, group: u32) -> &[u32] {
        let group = group as usize;
        match (self.starts.get(group), self.starts.get(group + 1)) {
            (Some(&start), Some(&end)) => &self.items[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// A learner known to the statistics: listed in the bundle, or only named
/// by an attendance record, an enrolment or a club membership.
#[derive(Debug)]
pub(super) struct LearnerRow {
    pub birth_date: Option<BirthDate>,
    /// The dense index of the home venue, or [`NO_VENUE`].
    pub home: u32,
}

/// The dense tables.
#[derive(Debug)]
pub(super) struct Tables {
    /// The number of venues of the bundle. A venue's dense index is its
    /// position in the bundle (the last one, for an id listed twice).
    pub venue_count: usize,
    pub venue_index: FxHashMap<VenueId, u32>,
    pub learner_index: FxHashMap<LearnerId, u32>,
    pub learners: Vec<LearnerRow>,
    pub session_index: FxHashMap<SessionId, u32>,
    /// The dense venue index of each session of the bundle, or [`NO_VENUE`].
    pub session_venue: Vec<u32>,
    /// The date of each session of the bundle.
    pub session_date: Vec<NaiveDate>,
    /// The positions of the sessions held at each venue.
    pub venue_sessions: Groups,
    /// The dense index of each course that has sessions.
    pub course_index: FxHashMap<CourseId, u32>,
    /// The positions of the sessions of each course, by dense course index.
    pub course_sessions: Groups,
    /// The positions of the sessions of each club.
    pub club_sessions: FxHashMap<ClubId, Vec<u32>>,
    /// The session position of each attendance record.
    pub record_session: Vec<u32>,
    /// The learner index of each attendance record.
    pub record_learner: Vec<u32>,
    /// The positions in the bundle of the learners living at each venue
    /// (by dense index). Learners without a home are in no group.
    pub venue_residents: Groups,
    /// The positions of the records of the learners living at each venue
    /// (by dense index), so that a district or street reads only its own
    /// residents' records. Records of learners without a home are in no
    /// group.
    pub home_records: Groups,
    /// The learner index of each enrolment.
    pub enrolment_learner: Vec<u32>,
    /// The dense course index of each enrolment, or [`NO_COURSE`].
    pub enrolment_course: Vec<u32>,
    /// The positions of the enrolments of each course that has sessions.
    pub course_enrolments: Groups,
    /// The positions of the enrolments, in courses that have sessions, of
    /// the learners living at each venue (by dense index).
    pub home_enrolments: Groups,
}

impl Tables {
    /// Builds the tables. Every record's session must be in the bundle:
    /// a record of another session gets `u32::MAX` in `record_session`.
    pub fn new(bundle: &Bundle, report: &AttendanceReport) -> Self {
        let mut venue_index =
            FxHashMap::with_capacity_and_hasher(bundle.venues.len(), Default::default());
        for (position, venue) in bundle.venues.iter().enumerate() {
            venue_index.insert(venue.id, position as u32);
        }
        let venue_of = |id: &VenueId| venue_index.get(id).copied().unwrap_or(NO_VENUE);

        let mut learners = Learners::default();
        let mut resident_pairs = Vec::with_capacity(bundle.learners.len());
        for (position, learner) in bundle.learners.iter().enumerate() {
            let home = learner.home_venue_id.as_ref().map_or(NO_VENUE, venue_of);
            learners.insert(learner.id, learner.birth_date, home);
            if home != NO_VENUE {
                resident_pairs.push((home, position as u32));
            }
        }

        let mut session_index =
            FxHashMap::with_capacity_and_hasher(bundle.sessions.len(), Default::default());
        let mut session_venue = Vec::with_capacity(bundle.sessions.len());
        let mut session_date = Vec::with_capacity(bundle.sessions.len());
        let mut venue_pairs = Vec::with_capacity(bundle.sessions.len());
        let mut course_index: FxHashMap<CourseId, u32> = FxHashMap::default();
        let mut course_pairs = Vec::new();
        let mut club_sessions: FxHashMap<ClubId, Vec<u32>> = FxHashMap::default();
        for (position, timed) in bundle.sessions.iter().enumerate() {
            let session = &timed.session;
            let position = position as u32;
            session_index.insert(session.id, position);
            let venue = venue_of(&session.venue_id);
            session_venue.push(venue);
            session_date.push(session.date);
            if venue != NO_VENUE {
                venue_pairs.push((venue, position));
            }
            if let Some(course) = session.course_id() {
                let next = course_index.len() as u32;
                let course = *course_index.entry(course).or_insert(next);
                course_pairs.push((course, position));
            }
            if let Some(club) = session.club_id() {
                club_sessions.entry(club).or_default().push(position);
            }
        }

        let mut record_session = Vec::with_capacity(report.records.len());
        let mut record_learner = Vec::with_capacity(report.records.len());
        for record in &report.records {
            let session = session_index
                .get(&record.session_id)
                .copied()
                .unwrap_or(u32::MAX);
            record_session.push(session);
            let learner = learners.index_or_insert(record.learner_id);
            record_learner.push(learner);
        }

        let mut enrolment_learner = Vec::with_capacity(bundle.enrolments.len());
        let mut enrolment_course = Vec::with_capacity(bundle.enrolments.len());
        let mut enrolment_pairs = Vec::with_capacity(bundle.enrolments.len());
        let mut enrolment_homes = Vec::with_capacity(bundle.enrolments.len());
        for (position, enrolment) in bundle.enrolments.iter().enumerate() {
            let learner = learners.index_or_insert(enrolment.learner_id);
            enrolment_learner.push(learner);
            let course = course_index.get(&enrolment.course_id).copied();
            enrolment_course.push(course.unwrap_or(NO_COURSE));
            if let Some(course) = course {
                enrolment_pairs.push((course, position as u32));
            }
            let home = learners.rows[learner as usize].home;
            enrolment_homes.push(if course.is_some() { home } else { NO_VENUE });
        }
        for member in &bundle.club_members {
            learners.index_or_insert(member.learner_id);
        }

        // The records of a season are the most numerous rows here, so their
        // groups are built from the record tables without a list of pairs.
        // The records of each session are grouped by `Prepared` only for
        // scopes that read them, which the default scopes do not.
        let rows = &learners.rows;
        let record_homes = record_learner
            .iter()
            .map(|learner| rows[*learner as usize].home);
        Self {
            venue_sessions: Groups::new(bundle.venues.len(), &venue_pairs),
            course_sessions: Groups::new(course_index.len(), &course_pairs),
            course_enrolments: Groups::new(course_index.len(), &enrolment_pairs),
            venue_residents: Groups::new(bundle.venues.len(), &resident_pairs),
            home_records: Groups::by_keys(bundle.venues.len(), record_homes),
            home_enrolments: Groups::by_key(bundle.venues.len(), &enrolment_homes),
            venue_count: bundle.venues.len(),
            venue_index,
            learner_index: learners.index,
            learners: learners.rows,
            session_index,
            session_venue,
            session_date,
            course_index,
            club_sessions,
            record_session,
            record_learner,
            enrolment_learner,
            enrolment_course,
        }
    }

    /// Returns the dense venue index of a learner's home, or [`NO_VENUE`]
    /// for a learner the tables do not have.
    pub fn home_of(&self, learner: &LearnerId) -> u32 {
        self.learner_index
            .get(learner)
            .map_or(NO_VENUE, |index| self.learners[*index as usize].home)
    }
}

/// The learner table while it is built.
#[derive(Default)]
struct Learners {
    index: FxHashMap<LearnerId, u32>,
    rows: Vec<LearnerRow>,
}

impl Learners {
    fn insert(&mut self, id: LearnerId, birth_date: Option<BirthDate>, home: u32) -> u32 {
        let next = self.rows.len() as u32;
        let index = *self.index.entry(id).or_insert(next);
        if index == next {
            self.rows.push(LearnerRow { birth_date, home });
        }
        index
    }

    /// Returns the index of a learner, adding one the bundle does not list
    /// with no birth date and no home.
    fn index_or_insert(&mut self, id: LearnerId) -> u32 {
        match self.index.get(&id) {
            Some(index) => *index,
            None => self.insert(id, None, NO_VENUE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_keep_pair_order() {
        let groups = Groups::new(3, &[(2, 10), (0, 11), (2, 12), (0, 13)]);
        assert_eq!(groups.get(0), &[11, 13]);
        assert_eq!(groups.get(1), &[] as &[u32]);
        assert_eq!(groups.get(2), &[10, 12]);
        assert_eq!(groups.get(3), &[] as &[u32]);
    }

    #[test]
    fn groups_by_key_leave_out_keys_past_range() {
        let groups = Groups::by_key(2, &[1, NO_VENUE, 0, 1, 2]);
        assert_eq!(groups.get(0), &[2]);
        assert_eq!(groups.get(1), &[0, 3]);
        assert_eq!(groups.get(2), &[] as &[u32]);
    }
}
