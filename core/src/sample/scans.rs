//! Check-in and check-out scans, generated session by session on demand.
//!
//! Every scan is decided together with what the attendance engine must make
//! of it under the default policy and the sample token key (a
//! [`Verdict`]). The same decisions drive both [`ScanPlan::expect`], which
//! only counts them, and [`ScanPlan::emit`], which builds the scans with
//! their tokens, because both walk the sessions in the same order with the
//! same generator streams.
//!
//! Faults are placed so that each one's verdict does not depend on the
//! others: a rejected scan comes before the learner's accepted check-in or
//! instead of it, a duplicate after it.

use std::ops::Range;

use chrono::{DateTime, Duration, Utc};

use crate::attendance::{AttendancePolicy, SessionSecret, TokenKey, TokenPolicy, TokenWindow};
use crate::bundle::Bundle;
use crate::id::{ScanId, SessionId};
use crate::model::{Scan, ScanDirection, ScanMethod, ShortText};

use super::clubs::Period;
use super::enrol::{excused, holds_place, roll};
use super::rng::{Rng, label_hash, mix64, uuid_from};
use super::{ExpectedScans, World, sample_token_key};

/// Scans of unknown sessions per district: residents scanning a code kept
/// from an earlier semester.
const UNKNOWN_SESSION_SCANS_PER_DISTRICT: u32 = 15;

/// The token a scan carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// None.
    Missing,
    /// The token of the window the scan falls in.
    Current,
    /// The token of a window this many windows away from the scan's.
    Shifted(i64),
    /// The printed static token of the session.
    Static,
    /// The current token of another session.
    Foreign(u32),
    /// 24 random characters.
    Garbled(u64),
}

/// The session a scan names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    /// A session of the bundle, by position.
    Known(u32),
    /// A session id that the bundle does not have.
    Unknown(u64, u64),
}

/// One scan before it is built.
#[derive(Clone, Copy, Debug)]
struct Spec {
    target: Target,
    learner: u32,
    at: DateTime<Utc>,
    direction: ScanDirection,
    method: ScanMethod,
    token: Token,
    nonce: Option<u64>,
}

/// The decided scans of one session, each with its verdict.
type SessionScans = [(Spec, Verdict)];

/// What the attendance engine makes of a scan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// The record's first check-in.
    CheckIn { walk_in: bool, late: bool },
    /// The record's last check-out.
    CheckOut { early: bool },
    /// Rejected with this code.
    Rejected(&'static str),
    /// A duplicate of this kind.
    Duplicate(&'static str),
}

/// The scans of one course.
#[derive(Clone, Debug)]
struct CourseScans {
    sessions: Range<u32>,
    enrolments: Range<u32>,
    walk_in: bool,
    /// The learners who may walk in: the street's, or the district's first
    /// street's for courses at the district college.
    pool: u32,
}

/// The scans of one club.
#[derive(Clone, Debug)]
struct ClubScans {
    sessions: Range<u32>,
    periods: Vec<Period>,
}

/// Per-learner habits.
#[derive(Clone, Copy, Debug)]
struct Habit {
    propensity: u32,
    card: bool,
}

/// Everything needed to produce the scans again from the bundle.
#[derive(Clone, Debug)]
pub(super) struct ScanPlan {
    seed: u64,
    key: TokenKey,
    policy: TokenPolicy,
    courses: Vec<CourseScans>,
    clubs: Vec<ClubScans>,
    habits: Vec<Habit>,
    enrolment_learner: Vec<u32>,
    pools: Vec<Vec<u32>>,
    districts: u32,
}

impl ScanPlan {
    pub fn new(world: &World) -> Self {
        let courses = world
            .courses
            .iter()
            .enumerate()
            .map(|(position, plan)| CourseScans {
                sessions: plan.sessions.clone(),
                enrolments: plan.enrolments.clone(),
                walk_in: world.bundle.courses[position].walk_in,
                pool: plan.street.unwrap_or_else(|| {
                    world.districts[plan.district as usize]
                        .streets
                        .first()
                        .copied()
                        .unwrap_or(0)
                }),
            })
            .collect();
        let clubs = world
            .clubs
            .iter()
            .map(|plan| ClubScans {
                sessions: plan.sessions.clone(),
                periods: plan.periods.clone(),
            })
            .collect();
        Self {
            seed: world.seed,
            key: sample_token_key(),
            policy: AttendancePolicy::default().token,
            courses,
            clubs,
            habits: world
                .learners
                .iter()
                .map(|info| Habit {
                    propensity: info.propensity,
                    card: info.card,
                })
                .collect(),
            enrolment_learner: world.enrolment_learner.clone(),
            pools: world
                .streets
                .iter()
                .map(|street| street.learners.clone())
                .collect(),
            districts: world.districts.len() as u32,
        }
    }

    /// Counts what the engine must make of every scan.
    pub fn expect(&self, bundle: &Bundle) -> ExpectedScans {
        let mut expected = ExpectedScans::default();
        self.walk(bundle, &mut |specs| {
            for (_, verdict) in specs {
                expected.scans += 1;
                match *verdict {
                    Verdict::CheckIn { walk_in, late } => {
                        expected.accepted += 1;
                        expected.walk_ins += u64::from(walk_in);
                        expected.late += u64::from(late);
                    }
                    Verdict::CheckOut { early } => {
                        expected.accepted += 1;
                        expected.left_early += u64::from(early);
                    }
                    Verdict::Rejected(code) => expected.reject(code),
                    Verdict::Duplicate(kind) => expected.duplicate(kind),
                }
            }
        });
        expected
    }

    /// Builds the scans and hands them to `each`, one session at a time.
    pub fn emit(&self, bundle: &Bundle, each: &mut dyn FnMut(&[Scan])) {
        let mut builder = Builder {
            plan: self,
            bundle,
            counter: 0,
            secret: None,
            chunk: Vec::new(),
        };
        self.walk(bundle, &mut |specs| {
            builder.chunk.clear();
            for (spec, _) in specs {
                let scan = builder.build(spec);
                builder.chunk.push(scan);
            }
            each(&builder.chunk);
        });
    }

    /// Decides the scans of every session in order and hands each
    /// session's to `each`.
    fn walk(&self, bundle: &Bundle, each: &mut dyn FnMut(&SessionScans)) {
        let mut specs = Vec::new();
        let mut members = Vec::new();
        for (position, course) in self.courses.iter().enumerate() {
            let mut rng = Rng::stream(self.seed, "course-scans", position as u64);
            members.clear();
            members.extend(
                course
                    .enrolments
                    .clone()
                    .map(|enrolment| self.enrolment_learner[enrolment as usize]),
            );
            members.sort_unstable();
            for (number, session) in course.sessions.clone().enumerate() {
                specs.clear();
                self.course_session(
                    bundle, course, &members, session, number, &mut rng, &mut specs,
                );
                each(&specs);
            }
        }
        for (position, club) in self.clubs.iter().enumerate() {
            let mut rng = Rng::stream(self.seed, "club-scans", position as u64);
            for session in club.sessions.clone() {
                specs.clear();
                self.club_session(bundle, club, session, &mut rng, &mut specs);
                each(&specs);
            }
        }
        specs.clear();
        self.unknown_sessions(bundle, &mut specs);
        each(&specs);
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the state of one walk over a course"
    )]
    fn course_session(
        &self,
        bundle: &Bundle,
        course: &CourseScans,
        members: &[u32],
        session: u32,
        number: usize,
        rng: &mut Rng,
        out: &mut Vec<(Spec, Verdict)>,
    ) {
        let Some(timed) = bundle.sessions.get(session as usize) else {
            return;
        };
        let times = &timed.times;
        let cancelled = timed.session.is_cancelled();
        for enrolment in course.enrolments.clone() {
            let record = &bundle.enrolments[enrolment as usize];
            let learner = self.enrolment_learner[enrolment as usize];
            let has_place = holds_place(record, times.starts_at);
            if cancelled {
                // Some learners did not hear of the cancellation.
                if has_place && rng.chance(2_500) {
                    let at = times.starts_at - Duration::seconds(rng.between(0, 1_200));
                    let spec = self.spec(session, learner, at, ScanDirection::CheckIn);
                    out.push((spec, Verdict::Rejected("session_cancelled")));
                }
                continue;
            }
            if has_place {
                if excused(self.seed, session, learner) && !rng.chance(500) {
                    continue;
                }
                let attends =
                    rng.below(10_000) < u64::from(self.habits[learner as usize].propensity);
                self.learner_at_session(session, learner, times, attends, false, rng, out);
                continue;
            }
            if course.walk_in {
                continue;
            }
            // Learners still waiting, and learners who left, sometimes come
            // to a session anyway.
            let waiting = record
                .confirmed_at
                .is_none_or(|confirmed| confirmed > times.starts_at)
                && record
                    .withdrawn_at
                    .is_none_or(|withdrawn| withdrawn > times.starts_at);
            let tries = if waiting && number < 2 {
                1_500
            } else if !waiting {
                300
            } else {
                0
            };
            if rng.chance(tries) {
                let at = times.starts_at - Duration::seconds(rng.between(0, 900));
                let spec = self.spec(session, learner, at, ScanDirection::CheckIn);
                out.push((spec, Verdict::Rejected("check_in_not_enrolled")));
            }
        }
        if course.walk_in && !cancelled {
            let pool = self
                .pools
                .get(course.pool as usize)
                .map_or(&[][..], Vec::as_slice);
            let wanted = rng.between(10, 40) as usize;
            let mut walked_in: Vec<u32> = Vec::with_capacity(wanted);
            for _ in 0..wanted * 2 {
                if walked_in.len() >= wanted {
                    break;
                }
                let Some(&learner) = rng.pick(pool) else {
                    break;
                };
                if members.binary_search(&learner).is_ok() || walked_in.contains(&learner) {
                    continue;
                }
                walked_in.push(learner);
                self.learner_at_session(session, learner, times, true, true, rng, out);
            }
        }
    }

    fn club_session(
        &self,
        bundle: &Bundle,
        club: &ClubScans,
        session: u32,
        rng: &mut Rng,
        out: &mut Vec<(Spec, Verdict)>,
    ) {
        let Some(timed) = bundle.sessions.get(session as usize) else {
            return;
        };
        let date = timed.session.date;
        for period in club.periods.iter().filter(|period| period.covers(date)) {
            let attends = club_attends(self.seed, session, period);
            self.learner_at_session(
                session,
                period.learner,
                &timed.times,
                attends,
                false,
                rng,
                out,
            );
        }
    }

    fn unknown_sessions(&self, bundle: &Bundle, out: &mut Vec<(Spec, Verdict)>) {
        let mut rng = Rng::stream(self.seed, "unknown-session-scans", 0);
        let learners = bundle.learners.len() as u64;
        let Some(first) = bundle
            .sessions
            .iter()
            .map(|timed| timed.times.starts_at)
            .min()
        else {
            return;
        };
        let last = bundle
            .sessions
            .iter()
            .map(|timed| timed.times.starts_at)
            .max()
            .unwrap_or(first);
        let span = (last - first).num_seconds().max(1);
        for _ in 0..UNKNOWN_SESSION_SCANS_PER_DISTRICT * self.districts {
            let target = Target::Unknown(rng.next_u64(), rng.next_u64());
            let spec = Spec {
                target,
                learner: rng.below(learners) as u32,
                at: first + Duration::seconds(rng.between(0, span)),
                direction: ScanDirection::CheckIn,
                method: ScanMethod::Qr,
                token: Token::Current,
                nonce: None,
            };
            out.push((spec, Verdict::Rejected("unknown_session")));
        }
    }

    /// A scan with the learner's usual method and a current token.
    fn spec(
        &self,
        session: u32,
        learner: u32,
        at: DateTime<Utc>,
        direction: ScanDirection,
    ) -> Spec {
        let method = if self.habits[learner as usize].card {
            ScanMethod::Card
        } else {
            ScanMethod::Qr
        };
        Spec {
            target: Target::Known(session),
            learner,
            at,
            direction,
            method,
            token: if method == ScanMethod::Qr {
                Token::Current
            } else {
                Token::Missing
            },
            nonce: None,
        }
    }

    /// Decides the scans of one learner expected at one session, with
    /// lateness, leaving early and the faults that happen on the way.
    #[expect(
        clippy::too_many_arguments,
        reason = "the learner, the session and the output"
    )]
    fn learner_at_session(
        &self,
        session: u32,
        learner: u32,
        times: &crate::schedule::SessionTimes,
        attends: bool,
        walk_in: bool,
        rng: &mut Rng,
        out: &mut Vec<(Spec, Verdict)>,
    ) {
        let (start, end) = (times.starts_at, times.ends_at);
        let base = self.spec(session, learner, start, ScanDirection::CheckIn);
        let qr = base.method == ScanMethod::Qr;
        let method = if qr && rng.chance(150) {
            ScanMethod::Manual
        } else {
            base.method
        };
        let with_token = method == ScanMethod::Qr;
        let plain = |at, direction| Spec {
            at,
            direction,
            method,
            token: if with_token {
                Token::Current
            } else {
                Token::Missing
            },
            ..base
        };

        if !attends {
            // A friend scans a photo of an old code; a learner who forgot to
            // check in checks out; a learner checks in after the end.
            if with_token && rng.chance(60) {
                let at = start + Duration::seconds(rng.between(-600, 900));
                let spec = Spec {
                    token: Token::Shifted(-rng.between(4, 40)),
                    ..plain(at, ScanDirection::CheckIn)
                };
                out.push((spec, Verdict::Rejected("expired_token")));
            } else if rng.chance(30) {
                let at = end + Duration::seconds(rng.between(-300, 900));
                out.push((
                    plain(at, ScanDirection::CheckOut),
                    Verdict::Rejected("no_check_in"),
                ));
            } else if rng.chance(30) {
                let at = end + Duration::seconds(rng.between(60, 1_500));
                out.push((
                    plain(at, ScanDirection::CheckIn),
                    Verdict::Rejected("too_late"),
                ));
            }
            return;
        }

        // Arrival, in seconds from the start: most come early or on time
        // (up to 10 minutes after the start), about 1 in 10 late.
        const ARRIVALS: [(i64, i64, u32); 6] = [
            (-1_790, -900, 1_800),
            (-900, -300, 3_500),
            (-300, 0, 2_200),
            (0, 600, 1_500),
            (601, 1_800, 800),
            (1_801, 3_000, 200),
        ];
        let length = (end - start).num_seconds();
        let band = ARRIVALS[rng.weighted(&ARRIVALS.map(|band| band.2))];
        let offset = rng.between(band.0, band.1).min(length - 120);
        let arrival = start + Duration::seconds(offset);
        let late = offset > 600;

        // At most one rejected scan before the accepted check-in.
        let fault = rng.below(10_000);
        let before = arrival - Duration::seconds(rng.between(5, 60));
        let rejected = if fault < 50 {
            let at = start - Duration::seconds(rng.between(1_860, 3_600));
            Some((plain(at, ScanDirection::CheckIn), "too_early"))
        } else if !with_token {
            None
        } else if fault < 90 {
            let token = Token::Shifted(-rng.between(2, 20));
            Some((
                Spec {
                    token,
                    ..plain(before, ScanDirection::CheckIn)
                },
                "expired_token",
            ))
        } else if fault < 110 {
            let token = if rng.chance(5_000) {
                Token::Garbled(rng.next_u64())
            } else {
                Token::Foreign(if session > 0 {
                    session - 1
                } else {
                    session + 1
                })
            };
            Some((
                Spec {
                    token,
                    ..plain(before, ScanDirection::CheckIn)
                },
                "invalid_token",
            ))
        } else if fault < 118 {
            let spec = Spec {
                token: Token::Static,
                ..plain(before, ScanDirection::CheckIn)
            };
            Some((spec, "static_token_not_allowed"))
        } else if fault < 126 {
            let spec = Spec {
                token: Token::Missing,
                ..plain(before, ScanDirection::CheckIn)
            };
            Some((spec, "missing_token"))
        } else if fault < 129 {
            let token = Token::Shifted(rng.between(1, 3));
            Some((
                Spec {
                    token,
                    ..plain(before, ScanDirection::CheckIn)
                },
                "token_not_yet_valid",
            ))
        } else {
            None
        };
        if let Some((spec, code)) = rejected {
            out.push((spec, Verdict::Rejected(code)));
        }

        let nonce = (with_token && rng.chance(6_000)).then(|| rng.next_u64());
        let check_in = Spec {
            nonce,
            ..plain(arrival, ScanDirection::CheckIn)
        };
        out.push((check_in, Verdict::CheckIn { walk_in, late }));
        let mut last = arrival;

        // A retry of the same scan by the app, with the same nonce.
        if nonce.is_some() && rng.chance(300) {
            let at = last + Duration::seconds(rng.between(1, 8));
            out.push((Spec { at, ..check_in }, Verdict::Duplicate("retry")));
            last = at;
        }
        // A second check-in, unsure whether the first one went through.
        if rng.chance(350) {
            let at = last + Duration::seconds(rng.between(20, 300));
            if at < end {
                let nonce = (with_token && rng.chance(6_000)).then(|| rng.next_u64());
                let spec = Spec {
                    nonce,
                    ..plain(at, ScanDirection::CheckIn)
                };
                out.push((spec, Verdict::Duplicate("repeated_check_in")));
                last = at;
            }
        }

        if !rng.chance(4_500) {
            return;
        }
        if rng.chance(40) {
            let at = end + Duration::seconds(rng.between(1_860, 5_400));
            out.push((
                plain(at, ScanDirection::CheckOut),
                Verdict::Rejected("too_late"),
            ));
            return;
        }
        let early_at = end - Duration::seconds(rng.between(660, 2_700));
        let normal_at = end + Duration::seconds(rng.between(-300, 1_500));
        let at = if rng.chance(700) && early_at > last + Duration::seconds(60) {
            early_at
        } else {
            normal_at.max(last + Duration::seconds(60))
        };
        if at > end + Duration::seconds(1_790) {
            return;
        }
        if rng.chance(150) {
            let earlier = at - Duration::seconds(rng.between(30, 600));
            if earlier > last {
                out.push((
                    plain(earlier, ScanDirection::CheckOut),
                    Verdict::Duplicate("superseded_check_out"),
                ));
            }
        }
        let early = at < end - Duration::seconds(600);
        out.push((
            plain(at, ScanDirection::CheckOut),
            Verdict::CheckOut { early },
        ));
    }
}

/// Whether a club member takes part in a club session: 7 in 10 regular
/// members, 1 in 4 occasional ones.
pub(super) fn club_attends(seed: u64, session: u32, period: &Period) -> bool {
    let chance = if period.occasional { 2_500 } else { 7_000 };
    roll(seed, "club-attendance", session, period.learner) < chance
}

/// Turns specs into scans, with ids, tokens and nonces.
struct Builder<'a> {
    plan: &'a ScanPlan,
    bundle: &'a Bundle,
    counter: u64,
    /// The secret of the last session scanned, which most scans share.
    secret: Option<SessionSecret>,
    chunk: Vec<Scan>,
}

impl Builder<'_> {
    fn build(&mut self, spec: &Spec) -> Scan {
        let seed = self.plan.seed;
        let count = self.counter;
        self.counter += 1;
        let high = mix64(seed ^ mix64(label_hash("scan-id") ^ count));
        let low = mix64(high ^ count.rotate_left(32));
        let session_id = match spec.target {
            Target::Known(session) => self.bundle.sessions[session as usize].session.id,
            Target::Unknown(high, low) => SessionId(uuid_from(high, low)),
        };
        let token = self.token(spec, session_id);
        Scan {
            id: ScanId(uuid_from(high, low)),
            session_id,
            learner_id: self.bundle.learners[spec.learner as usize].id,
            scanned_at: spec.at,
            direction: spec.direction,
            method: spec.method,
            token: token.map(ShortText::from),
            nonce: spec
                .nonce
                .map(|nonce| ShortText::new(&format!("{nonce:016x}"))),
            origin: None,
        }
    }

    fn secret_of(&mut self, session: SessionId) -> &SessionSecret {
        let stale = self
            .secret
            .as_ref()
            .is_none_or(|secret| secret.session_id() != session);
        if stale {
            self.secret = Some(self.plan.key.session_secret(session));
        }
        self.secret
            .get_or_insert_with(|| self.plan.key.session_secret(session))
    }

    fn token(&mut self, spec: &Spec, session: SessionId) -> Option<String> {
        let window =
            TokenWindow::containing(spec.at, &self.plan.policy).map_or(0, |window| window.index);
        match spec.token {
            Token::Missing => None,
            Token::Current => self.secret_of(session).issue(window),
            Token::Shifted(shift) => self
                .secret_of(session)
                .issue(window.saturating_add_signed(shift)),
            Token::Static => Some(self.secret_of(session).static_token()),
            Token::Foreign(other) => {
                let other = self
                    .bundle
                    .sessions
                    .get(other as usize)
                    .map_or(session, |timed| timed.session.id);
                let other = if other == session {
                    SessionId(uuid_from(window, !window))
                } else {
                    other
                };
                self.plan.key.session_secret(other).issue(window)
            }
            Token::Garbled(bits) => Some(garbled(bits)),
        }
    }
}

/// 24 characters of the token alphabet that decode to no valid token.
fn garbled(bits: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut state = bits;
    (0..24)
        .map(|_| {
            state = mix64(state.wrapping_add(0x9e37_79b9_7f4a_7c15));
            char::from(ALPHABET[(state % 64) as usize])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbled_tokens_are_never_valid() {
        let key = TokenKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap();
        let secret = key.session_secret(SessionId::derive("t", "1"));
        let policy = AttendancePolicy::default().token;
        let at = DateTime::from_timestamp(1_772_420_000, 0).unwrap();
        for bits in 0..50 {
            let token = garbled(bits);
            assert_eq!(token.len(), 24);
            assert!(secret.verify(&token, at, &policy).is_err());
        }
    }
}
