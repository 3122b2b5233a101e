//! The enrolment state machine of one course: places, a waiting list,
//! group bookings and the history of every enrolment.
//!
//! A [`Roster`] is built from a course and its [`Enrolment`] records and
//! changed only by [`Roster::apply`], which takes a [`Command`], the time
//! it happens and an [`Eligibility`] check, and either changes the roster
//! and returns what happened ([`Event`]s) or changes nothing and returns
//! problems. Confirmed places never exceed the capacity.
//!
//! The waiting list is first come, first served: it is ordered by request
//! time, and before every command, and after a withdrawal or a change of
//! capacity, free places go to the waiting learners in that order.
//! Promotion skips a stale entry: one whose learner already holds a place,
//! one no longer waiting, and one whose learner is no longer eligible. A
//! waiting all-or-nothing group takes places only together; when it does
//! not fit it keeps its position and the learners behind it may take the
//! free places, so that places never stay empty while someone who fits is
//! waiting.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::codes;
use crate::field::format_instant;
use crate::id::{CourseId, EnrolmentId, LearnerId};
use crate::model::{Course, Enrolment, EnrolmentStatus, GroupBooking, GroupMode};
use crate::problem::{Code, Path, Problem, Problems};
use crate::record::Record;

/// Tells which eligibility rules a learner fails.
pub trait Eligibility {
    /// The failed rules of `learner`; empty when the learner is eligible.
    fn failed_rules(&self, learner: LearnerId) -> Problems;
}

/// Every learner is eligible.
#[derive(Clone, Copy, Debug, Default)]
pub struct Everyone;

impl Eligibility for Everyone {
    fn failed_rules(&self, _learner: LearnerId) -> Problems {
        Problems::new()
    }
}

impl<F: Fn(LearnerId) -> Problems> Eligibility for F {
    fn failed_rules(&self, learner: LearnerId) -> Problems {
        self(learner)
    }
}

crate::text_enum! {
    /// What happens when capacity drops below the confirmed places.
    pub enum Overflow {
        /// The change is rejected; the default.
        Reject = "reject",
        /// The most recently confirmed learners go back to the waiting list,
        /// where their request time puts them near its head.
        DemoteLatest = "demote_latest",
    }
}

crate::text_enum! {
    /// Why an enrolment changed state.
    pub enum TransitionReason {
        /// The learner asked for a place.
        Requested = "requested",
        /// A place freed up or capacity rose.
        Promoted = "promoted",
        /// The learner withdrew.
        Withdrew = "withdrew",
        /// Capacity dropped below the confirmed places.
        Demoted = "demoted",
    }
}

/// One change of an enrolment's state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// When it happened.
    #[serde(serialize_with = "serialize_instant")]
    pub at: DateTime<Utc>,
    /// The state before; none for the request itself.
    pub from: Option<EnrolmentStatus>,
    /// The state after.
    pub to: EnrolmentStatus,
    /// Why.
    pub reason: TransitionReason,
}

fn serialize_instant<S: serde::Serializer>(
    instant: &DateTime<Utc>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&format_instant(instant))
}

/// An enrolment with its history.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The record, kept in step with the history.
    pub enrolment: Enrolment,
    /// Every change of state, oldest first.
    pub history: Vec<Transition>,
}

impl Entry {
    /// The history of an imported record, rebuilt from its times: requested,
    /// then confirmed (at once, or later by promotion), then withdrawn.
    fn imported(enrolment: Enrolment) -> Self {
        let mut history = Vec::new();
        let requested = enrolment.requested_at;
        match enrolment.confirmed_at {
            Some(confirmed) if confirmed > requested => {
                history.push(transition(
                    requested,
                    None,
                    EnrolmentStatus::Waitlisted,
                    TransitionReason::Requested,
                ));
                history.push(transition(
                    confirmed,
                    Some(EnrolmentStatus::Waitlisted),
                    EnrolmentStatus::Confirmed,
                    TransitionReason::Promoted,
                ));
            }
            Some(_) => history.push(transition(
                requested,
                None,
                EnrolmentStatus::Confirmed,
                TransitionReason::Requested,
            )),
            None => history.push(transition(
                requested,
                None,
                EnrolmentStatus::Waitlisted,
                TransitionReason::Requested,
            )),
        }
        if let Some(withdrawn) = enrolment.withdrawn_at {
            let from = history.last().map(|last| last.to);
            history.push(transition(
                withdrawn,
                from,
                EnrolmentStatus::Withdrawn,
                TransitionReason::Withdrew,
            ));
        }
        Self { enrolment, history }
    }

    fn status(&self) -> EnrolmentStatus {
        self.enrolment.status
    }

    fn is_active(&self) -> bool {
        self.status() != EnrolmentStatus::Withdrawn
    }

    fn all_or_nothing_key(&self) -> Option<&str> {
        self.enrolment
            .group
            .as_ref()
            .filter(|group| group.mode == GroupMode::AllOrNothing)
            .map(|group| group.key.as_str())
    }

    fn change(&mut self, at: DateTime<Utc>, to: EnrolmentStatus, reason: TransitionReason) {
        let from = self.status();
        self.history.push(transition(at, Some(from), to, reason));
        self.enrolment.status = to;
        match to {
            EnrolmentStatus::Confirmed => self.enrolment.confirmed_at = Some(at),
            EnrolmentStatus::Waitlisted => self.enrolment.confirmed_at = None,
            EnrolmentStatus::Withdrawn => self.enrolment.withdrawn_at = Some(at),
        }
    }
}

fn transition(
    at: DateTime<Utc>,
    from: Option<EnrolmentStatus>,
    to: EnrolmentStatus,
    reason: TransitionReason,
) -> Transition {
    Transition {
        at,
        from,
        to,
        reason,
    }
}

/// A request to change the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A learner requests a place, alone or with companions (a group
    /// booking). Asking again while holding a place or waiting changes
    /// nothing.
    Enrol {
        /// The learner who books.
        learner_id: LearnerId,
        /// The companions booked with the learner.
        companions: Vec<LearnerId>,
        /// How a group takes places.
        mode: GroupMode,
    },
    /// A learner gives up a place or leaves the waiting list.
    Withdraw {
        /// The learner.
        learner_id: LearnerId,
    },
    /// The number of places changes; `None` removes the limit.
    SetCapacity {
        /// The new capacity.
        capacity: Option<u32>,
        /// What happens when it is below the confirmed places.
        overflow: Overflow,
    },
    /// Free places go to the waiting list, for example after eligibility
    /// data changed.
    Promote,
}

crate::text_enum! {
    /// Why promotion passed over a waiting entry.
    pub enum StaleReason {
        /// The learner already holds a place through another enrolment.
        AlreadyConfirmed = "already_confirmed",
        /// The learner is no longer eligible.
        NotEligible = "not_eligible",
        /// The entry's all-or-nothing group needs more places than are free.
        GroupDoesNotFit = "group_does_not_fit",
    }
}

/// What a command did.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A new enrolment got a place.
    Confirmed {
        /// The enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
    },
    /// A new enrolment joined the waiting list.
    Waitlisted {
        /// The enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
    },
    /// The learner already held a place or was waiting; nothing changed.
    AlreadyEnrolled {
        /// The existing enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
        /// Its state.
        status: EnrolmentStatus,
    },
    /// A learner withdrew.
    Withdrawn {
        /// The enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
        /// The state it left.
        from: EnrolmentStatus,
    },
    /// A waiting learner got a place.
    Promoted {
        /// The enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
    },
    /// A confirmed learner went back to the waiting list.
    Demoted {
        /// The enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
    },
    /// Promotion passed over a waiting entry.
    Skipped {
        /// The enrolment.
        enrolment_id: EnrolmentId,
        /// Its learner.
        learner_id: LearnerId,
        /// Why.
        reason: StaleReason,
        /// The failed eligibility rules, for `not_eligible`.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        rules: Vec<Code>,
    },
    /// The capacity changed.
    CapacityChanged {
        /// The capacity before.
        from: Option<u32>,
        /// The capacity after.
        to: Option<u32>,
    },
}

/// The enrolments of one course and the rules that govern them.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    course_id: CourseId,
    capacity: Option<u32>,
    opens_at: Option<DateTime<Utc>>,
    closes_at: Option<DateTime<Utc>>,
    entries: Vec<Entry>,
    last_change: Option<DateTime<Utc>>,
}

impl Roster {
    /// A roster of `course` holding `enrolments`, with histories rebuilt from
    /// their times. The order of `enrolments` breaks ties between equal
    /// request times.
    ///
    /// # Errors
    ///
    /// Returns problems under `["enrolments", index]`: the record's own
    /// problems, `enrolment_wrong_course`, `duplicate_enrolment_id`,
    /// `duplicate_confirmed_place` for a second confirmed record of one
    /// learner, and `capacity_exceeded` when the records confirm more places
    /// than the course has.
    pub fn new(course: &Course, enrolments: Vec<Enrolment>) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        let mut seen = BTreeSet::new();
        let mut confirmed_by: BTreeMap<LearnerId, EnrolmentId> = BTreeMap::new();
        let mut entries = Vec::with_capacity(enrolments.len());
        for (index, enrolment) in enrolments.into_iter().enumerate() {
            let path = Path::root().join("enrolments").join(index);
            let mut own = Problems::new();
            enrolment.check(&path, &mut own);
            problems.extend(own);
            if enrolment.course_id != course.id {
                problems.push(
                    Problem::new(codes::ENROLMENT_WRONG_COURSE, path.join("course_id"))
                        .with("value", enrolment.course_id.to_string())
                        .with("course_id", course.id.to_string()),
                );
            }
            if !seen.insert(enrolment.id) {
                problems.push(
                    Problem::new(codes::DUPLICATE_ENROLMENT_ID, path.join("id"))
                        .with("value", enrolment.id.to_string()),
                );
            }
            if enrolment.status == EnrolmentStatus::Confirmed {
                match confirmed_by.get(&enrolment.learner_id) {
                    Some(other) => problems.push(
                        Problem::new(codes::DUPLICATE_CONFIRMED_PLACE, path.join("status"))
                            .with("learner_id", enrolment.learner_id.to_string())
                            .with("value", enrolment.id.to_string())
                            .with("other_id", other.to_string()),
                    ),
                    None => {
                        confirmed_by.insert(enrolment.learner_id, enrolment.id);
                    }
                }
            }
            entries.push(Entry::imported(enrolment));
        }
        let roster = Self {
            course_id: course.id,
            capacity: course.capacity,
            opens_at: course.enrolment_opens_at,
            closes_at: course.enrolment_closes_at,
            last_change: entries
                .iter()
                .filter_map(|entry| entry.history.last().map(|last| last.at))
                .max(),
            entries,
        };
        if let Some(capacity) = roster.capacity
            && roster.confirmed() > capacity as usize
        {
            problems.push(
                Problem::new(codes::CAPACITY_EXCEEDED, Path::root().join("enrolments"))
                    .with("confirmed", roster.confirmed())
                    .with("capacity", capacity),
            );
        }
        problems.into_result(roster)
    }

    /// The course.
    pub fn course_id(&self) -> CourseId {
        self.course_id
    }

    /// The number of places; `None` means no limit.
    pub fn capacity(&self) -> Option<u32> {
        self.capacity
    }

    /// The enrolments with their histories, in the order they were added.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The enrolment records.
    pub fn enrolments(&self) -> Vec<Enrolment> {
        self.entries
            .iter()
            .map(|entry| entry.enrolment.clone())
            .collect()
    }

    /// The number of confirmed places.
    pub fn confirmed(&self) -> usize {
        self.entries
            .iter()
            .filter(|entry| entry.status() == EnrolmentStatus::Confirmed)
            .count()
    }

    /// The number of free places, or `None` without a limit.
    pub fn free(&self) -> Option<usize> {
        self.capacity
            .map(|capacity| (capacity as usize).saturating_sub(self.confirmed()))
    }

    /// The waiting enrolments in the order they are served.
    pub fn waiting_list(&self) -> Vec<EnrolmentId> {
        self.queue()
            .into_iter()
            .map(|index| self.entries[index].enrolment.id)
            .collect()
    }

    /// Indexes of the waiting entries, by request time and then by the order
    /// they were added.
    fn queue(&self) -> Vec<usize> {
        let mut waiting: Vec<usize> = (0..self.entries.len())
            .filter(|index| self.entries[*index].status() == EnrolmentStatus::Waitlisted)
            .collect();
        waiting.sort_by_key(|index| (self.entries[*index].enrolment.requested_at, *index));
        waiting
    }

    fn active_entry(&self, learner: LearnerId) -> Option<usize> {
        self.entries
            .iter()
            .position(|entry| entry.enrolment.learner_id == learner && entry.is_active())
    }

    /// Applies `command` at `now`. On success the roster has changed and the
    /// events say how; on failure it is unchanged, and that includes the
    /// places the catch-up promotion at the start of the command gave.
    ///
    /// # Errors
    ///
    /// Returns `operation_out_of_order` when `now` is before the roster's
    /// last change, and the command's own problems: `enrolment_not_open`,
    /// `enrolment_closed`, `duplicate_in_group` and `not_eligible` for
    /// enrolments, `not_enrolled` for withdrawals, and
    /// `capacity_below_confirmed` for a capacity change that would leave
    /// more confirmed places than capacity.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, Utc};
    /// use serde_json::json;
    /// use xuetong::enrolment::{Command, Event, Everyone, Roster};
    /// use xuetong::model::{Course, GroupMode};
    /// use xuetong::problem::Path;
    /// use xuetong::record::Record;
    ///
    /// let course = Course::from_json(&json!({
    ///     "id": "40000000-0000-4000-8000-000000000001", "title": "Choir",
    ///     "category": "choir", "provider_venue_id": "10000000-0000-4000-8000-000000000001",
    ///     "capacity": 1,
    /// }), &Path::root())?;
    /// let mut roster = Roster::new(&course, Vec::new())?;
    /// let enrol = |id: &str| Command::Enrol {
    ///     learner_id: id.parse().unwrap(),
    ///     companions: Vec::new(),
    ///     mode: GroupMode::AllOrNothing,
    /// };
    /// let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap();
    /// roster.apply(&enrol("20000000-0000-4000-8000-000000000001"), at("2026-02-01T01:00:00Z"), &Everyone)?;
    /// roster.apply(&enrol("20000000-0000-4000-8000-000000000002"), at("2026-02-01T01:05:00Z"), &Everyone)?;
    /// assert_eq!(roster.waiting_list().len(), 1);
    ///
    /// let withdraw = Command::Withdraw { learner_id: "20000000-0000-4000-8000-000000000001".parse().unwrap() };
    /// let events = roster.apply(&withdraw, at("2026-02-03T08:00:00Z"), &Everyone)?;
    /// assert!(matches!(events[1], Event::Promoted { .. }));
    /// assert_eq!(roster.confirmed(), 1);
    /// # Ok::<(), xuetong::problem::Problems>(())
    /// ```
    pub fn apply(
        &mut self,
        command: &Command,
        now: DateTime<Utc>,
        eligibility: &dyn Eligibility,
    ) -> Result<Vec<Event>, Problems> {
        if let Some(last) = self.last_change
            && now < last
        {
            return Err(
                Problem::new(codes::OPERATION_OUT_OF_ORDER, Path::root().join("at"))
                    .with("at", format_instant(&now))
                    .with("last", format_instant(&last))
                    .into(),
            );
        }
        let backup = self.clone();
        let eligibility = &Remembered {
            inner: eligibility,
            answers: RefCell::new(BTreeMap::new()),
        };
        // Places freed since the last command (by a change of eligibility)
        // go to the waiting list first. The entries this catch-up passes
        // over were reported when they were last passed over, so only an
        // explicit promote command reports them again.
        let mut events = self.promote(now, eligibility);
        if *command != Command::Promote {
            events.retain(|event| !matches!(event, Event::Skipped { .. }));
        }
        let result = match command {
            Command::Enrol {
                learner_id,
                companions,
                mode,
            } => self.enrol(*learner_id, companions, *mode, now, eligibility),
            Command::Withdraw { learner_id } => self.withdraw(*learner_id, now, eligibility),
            Command::SetCapacity { capacity, overflow } => {
                self.set_capacity(*capacity, *overflow, now, eligibility)
            }
            Command::Promote => Ok(Vec::new()),
        };
        match result {
            Ok(more) => {
                events.extend(more);
                self.last_change = Some(now);
                Ok(events)
            }
            Err(problems) => {
                *self = backup;
                Err(problems)
            }
        }
    }

    fn enrol(
        &mut self,
        learner: LearnerId,
        companions: &[LearnerId],
        mode: GroupMode,
        now: DateTime<Utc>,
        eligibility: &dyn Eligibility,
    ) -> Result<Vec<Event>, Problems> {
        let mut problems = Problems::new();
        if let Some(opens) = self.opens_at
            && now < opens
        {
            problems.push(
                Problem::new(codes::ENROLMENT_NOT_OPEN, Path::root().join("at"))
                    .with("at", format_instant(&now))
                    .with("opens_at", format_instant(&opens)),
            );
        }
        if let Some(closes) = self.closes_at
            && now >= closes
        {
            problems.push(
                Problem::new(codes::ENROLMENT_CLOSED, Path::root().join("at"))
                    .with("at", format_instant(&now))
                    .with("closes_at", format_instant(&closes)),
            );
        }
        let members: Vec<(Path, LearnerId)> =
            std::iter::once((Path::root().join("learner_id"), learner))
                .chain(
                    companions
                        .iter()
                        .enumerate()
                        .map(|(index, id)| (Path::root().join("companions").join(index), *id)),
                )
                .collect();
        let mut seen = BTreeSet::new();
        for (path, member) in &members {
            if !seen.insert(*member) {
                problems.push(
                    Problem::new(codes::DUPLICATE_IN_GROUP, path.clone())
                        .with("learner_id", member.to_string()),
                );
            }
        }
        for (path, member) in &members {
            if self.active_entry(*member).is_some() {
                continue;
            }
            let failed = eligibility.failed_rules(*member);
            if !failed.is_empty() {
                problems.push(not_eligible(path.clone(), *member, &failed));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let mut events = Vec::new();
        let mut new_members = Vec::new();
        for (_, member) in &members {
            match self.active_entry(*member) {
                Some(index) => {
                    let entry = &self.entries[index];
                    events.push(Event::AlreadyEnrolled {
                        enrolment_id: entry.enrolment.id,
                        learner_id: *member,
                        status: entry.status(),
                    });
                }
                None => new_members.push(*member),
            }
        }
        let Some(first) = new_members.first().copied() else {
            return Ok(events);
        };
        let group = (!companions.is_empty()).then(|| GroupBooking {
            key: self.next_id(first).to_string(),
            mode,
        });
        let confirm_count = match (self.free(), mode) {
            (None, _) => new_members.len(),
            (Some(free), GroupMode::AllOrNothing) if free >= new_members.len() => new_members.len(),
            (Some(_), GroupMode::AllOrNothing) => 0,
            (Some(free), GroupMode::Partial) => free.min(new_members.len()),
        };
        for (position, member) in new_members.into_iter().enumerate() {
            let status = if position < confirm_count {
                EnrolmentStatus::Confirmed
            } else {
                EnrolmentStatus::Waitlisted
            };
            let enrolment = Enrolment {
                id: self.next_id(member),
                source: None,
                learner_id: member,
                course_id: self.course_id,
                requested_at: now,
                status,
                confirmed_at: (status == EnrolmentStatus::Confirmed).then_some(now),
                withdrawn_at: None,
                group: group.clone(),
            };
            events.push(match status {
                EnrolmentStatus::Confirmed => Event::Confirmed {
                    enrolment_id: enrolment.id,
                    learner_id: member,
                },
                _ => Event::Waitlisted {
                    enrolment_id: enrolment.id,
                    learner_id: member,
                },
            });
            self.entries.push(Entry {
                enrolment,
                history: vec![transition(now, None, status, TransitionReason::Requested)],
            });
        }
        Ok(events)
    }

    /// The id of the next enrolment of `learner`: derived from the course,
    /// the learner and how many enrolments the learner had before, so that
    /// replaying the same commands gives the same ids.
    fn next_id(&self, learner: LearnerId) -> EnrolmentId {
        let earlier = self
            .entries
            .iter()
            .filter(|entry| entry.enrolment.learner_id == learner)
            .count();
        EnrolmentId::derive(
            &format!("roster:{}", self.course_id),
            &format!("{learner}/{}", earlier + 1),
        )
    }

    fn withdraw(
        &mut self,
        learner: LearnerId,
        now: DateTime<Utc>,
        eligibility: &dyn Eligibility,
    ) -> Result<Vec<Event>, Problems> {
        let Some(index) = self.active_entry(learner) else {
            return Err(
                Problem::new(codes::NOT_ENROLLED, Path::root().join("learner_id"))
                    .with("learner_id", learner.to_string())
                    .into(),
            );
        };
        let entry = &mut self.entries[index];
        let from = entry.status();
        entry.change(now, EnrolmentStatus::Withdrawn, TransitionReason::Withdrew);
        let mut events = vec![Event::Withdrawn {
            enrolment_id: entry.enrolment.id,
            learner_id: learner,
            from,
        }];
        events.extend(self.promote(now, eligibility));
        Ok(events)
    }

    fn set_capacity(
        &mut self,
        capacity: Option<u32>,
        overflow: Overflow,
        now: DateTime<Utc>,
        eligibility: &dyn Eligibility,
    ) -> Result<Vec<Event>, Problems> {
        let mut events = Vec::new();
        let confirmed = self.confirmed();
        if let Some(capacity) = capacity
            && confirmed > capacity as usize
        {
            if overflow == Overflow::Reject {
                return Err(Problem::new(
                    codes::CAPACITY_BELOW_CONFIRMED,
                    Path::root().join("capacity"),
                )
                .with("capacity", capacity)
                .with("confirmed", confirmed)
                .into());
            }
            let mut latest: Vec<usize> = (0..self.entries.len())
                .filter(|index| self.entries[*index].status() == EnrolmentStatus::Confirmed)
                .collect();
            latest.sort_by_key(|index| (self.entries[*index].enrolment.confirmed_at, *index));
            for index in latest.into_iter().rev().take(confirmed - capacity as usize) {
                let entry = &mut self.entries[index];
                entry.change(now, EnrolmentStatus::Waitlisted, TransitionReason::Demoted);
                events.push(Event::Demoted {
                    enrolment_id: entry.enrolment.id,
                    learner_id: entry.enrolment.learner_id,
                });
            }
        }
        events.push(Event::CapacityChanged {
            from: self.capacity,
            to: capacity,
        });
        self.capacity = capacity;
        events.extend(self.promote(now, eligibility));
        Ok(events)
    }

    /// Gives free places to the waiting list, first come first served.
    ///
    /// One pass over the waiting list: the confirmed count, the learners
    /// who hold a place and the members of each waiting all-or-nothing group
    /// are found once and kept up to date as places are given, so a long
    /// list of stale entries costs one look at each.
    fn promote(&mut self, now: DateTime<Utc>, eligibility: &dyn Eligibility) -> Vec<Event> {
        let mut events = Vec::new();
        let queue = self.queue();
        if queue.is_empty() {
            return events;
        }
        let capacity = self.capacity;
        let mut confirmed = self.confirmed();
        let mut holders: BTreeSet<LearnerId> = self
            .entries
            .iter()
            .filter(|entry| entry.status() == EnrolmentStatus::Confirmed)
            .map(|entry| entry.enrolment.learner_id)
            .collect();
        // The waiting members of each all-or-nothing group, in queue order.
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for index in &queue {
            if let Some(key) = self.entries[*index].all_or_nothing_key() {
                groups.entry(key.to_owned()).or_default().push(*index);
            }
        }
        for index in queue {
            let free = capacity.map(|capacity| (capacity as usize).saturating_sub(confirmed));
            if free == Some(0) {
                break;
            }
            if self.entries[index].status() != EnrolmentStatus::Waitlisted {
                continue;
            }
            let members: Vec<usize> = match self.entries[index].all_or_nothing_key() {
                // A group is looked at once, at its first waiting member.
                Some(key) => match groups.remove(key) {
                    Some(members) => members,
                    None => continue,
                },
                None => vec![index],
            };
            // Imported records may list one learner twice in a group; the
            // learner takes one place, through the first record.
            let mut learners = BTreeSet::new();
            let mut fit = Vec::new();
            for member in members {
                if !self.fresh(member, &holders, eligibility, &mut events) {
                    continue;
                }
                let enrolment = &self.entries[member].enrolment;
                if learners.insert(enrolment.learner_id) {
                    fit.push(member);
                } else {
                    events.push(Event::Skipped {
                        enrolment_id: enrolment.id,
                        learner_id: enrolment.learner_id,
                        reason: StaleReason::AlreadyConfirmed,
                        rules: Vec::new(),
                    });
                }
            }
            if fit.is_empty() {
                continue;
            }
            if free.is_some_and(|free| free < fit.len()) {
                for member in fit {
                    let enrolment = &self.entries[member].enrolment;
                    events.push(Event::Skipped {
                        enrolment_id: enrolment.id,
                        learner_id: enrolment.learner_id,
                        reason: StaleReason::GroupDoesNotFit,
                        rules: Vec::new(),
                    });
                }
                continue;
            }
            for member in fit {
                let entry = &mut self.entries[member];
                entry.change(now, EnrolmentStatus::Confirmed, TransitionReason::Promoted);
                holders.insert(entry.enrolment.learner_id);
                confirmed += 1;
                events.push(Event::Promoted {
                    enrolment_id: entry.enrolment.id,
                    learner_id: entry.enrolment.learner_id,
                });
            }
        }
        events
    }

    /// Whether the waiting entry at `index` may be promoted, given the
    /// learners who hold a place; records why not in `events`.
    fn fresh(
        &self,
        index: usize,
        holders: &BTreeSet<LearnerId>,
        eligibility: &dyn Eligibility,
        events: &mut Vec<Event>,
    ) -> bool {
        let enrolment = &self.entries[index].enrolment;
        if enrolment.status != EnrolmentStatus::Waitlisted {
            return false;
        }
        let skip = |reason, rules| Event::Skipped {
            enrolment_id: enrolment.id,
            learner_id: enrolment.learner_id,
            reason,
            rules,
        };
        if holders.contains(&enrolment.learner_id) {
            events.push(skip(StaleReason::AlreadyConfirmed, Vec::new()));
            return false;
        }
        let failed = eligibility.failed_rules(enrolment.learner_id);
        if !failed.is_empty() {
            let rules = failed.iter().map(|problem| problem.code).collect();
            events.push(skip(StaleReason::NotEligible, rules));
            return false;
        }
        true
    }
}

/// An eligibility check that asks each learner once: eligibility does not
/// change within one operation, and promotion may ask about the same
/// waiting learners before and after the operation.
struct Remembered<'a> {
    inner: &'a dyn Eligibility,
    answers: RefCell<BTreeMap<LearnerId, Problems>>,
}

impl Eligibility for Remembered<'_> {
    fn failed_rules(&self, learner: LearnerId) -> Problems {
        if let Some(answer) = self.answers.borrow().get(&learner) {
            return answer.clone();
        }
        let answer = self.inner.failed_rules(learner);
        self.answers.borrow_mut().insert(learner, answer.clone());
        answer
    }
}

/// The `not_eligible` problem of `learner` at `path`, naming the failed
/// rules.
fn not_eligible(path: Path, learner: LearnerId, failed: &Problems) -> Problem {
    let rules: Vec<&str> = failed.iter().map(|problem| problem.code.as_str()).collect();
    Problem::new(codes::NOT_ELIGIBLE, path)
        .with("learner_id", learner.to_string())
        .with("rules", rules.join(", "))
        .with(
            "failed",
            serde_json::to_value(failed).unwrap_or(serde_json::Value::Null),
        )
}

#[cfg(test)]
#[path = "roster_tests.rs"]
mod tests;
