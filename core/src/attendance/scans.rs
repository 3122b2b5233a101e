//! Turning scans into records: ordering, grouping by session and learner,
//! and judging each scan in time order.
//!
//! Scans are put in buckets per session by a counting sort, then each
//! bucket is sorted by learner, receipt time, direction (check-ins first),
//! id and content. Every later step walks these sorted groups once, so the
//! work is O(n log n) and the result does not depend on the input order.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::collections::btree_map::Entry;
use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::field::format_instant;
use crate::id::{LearnerId, ScanId};
use crate::model::{Scan, ScanDirection};

use super::check::{Rejection, check_geofence, check_token, check_window};
use super::codes;
use super::engine::{EvaluationSettings, Index, SessionEntry};
use super::policy::AttendancePolicy;
use super::report::{AttendanceRecord, DuplicateKind, DuplicateScan, RejectedScan};
use super::status::decide_status;

/// What the scans produce.
#[derive(Debug, Default)]
pub(super) struct ScanResults {
    /// Records in output order: by session, then learner.
    pub records: Vec<AttendanceRecord>,
    /// The records of each session (by position in the index).
    pub session_ranges: Vec<Range<usize>>,
    pub rejected: Vec<RejectedScan>,
    pub duplicates: Vec<DuplicateScan>,
    pub accepted: u64,
}

/// What is wrong with a scan id that more than one scan uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SharedId {
    /// An exact copy of the scan that stands for the id.
    Repeat,
    /// Another scan with different content under the same id.
    Conflict,
}

/// The sort key of a scan within a session.
#[derive(Clone, Copy, Debug)]
struct ScanKey {
    learner: LearnerId,
    seconds: i64,
    nanos: u32,
    /// 0 for check-in, 1 for check-out, so that a check-in sorts first.
    direction: u8,
    index: u32,
}

impl ScanKey {
    fn new(scan: &Scan, index: u32) -> Self {
        Self {
            learner: scan.learner_id,
            seconds: scan.scanned_at.timestamp(),
            nanos: scan.scanned_at.timestamp_subsec_nanos(),
            direction: match scan.direction {
                ScanDirection::CheckIn => 0,
                ScanDirection::CheckOut => 1,
            },
            index,
        }
    }
}

/// Orders two scans by everything they contain, so that ties are broken by
/// content and never by input position.
pub(super) fn content_order(a: &Scan, b: &Scan) -> Ordering {
    let location = |scan: &Scan| scan.location.map(|point| (point.latitude, point.longitude));
    let compare_location = |a: Option<(f64, f64)>, b: Option<(f64, f64)>| match (a, b) {
        (Some(a), Some(b)) => a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)),
        (a, b) => a.is_some().cmp(&b.is_some()),
    };
    a.id.cmp(&b.id)
        .then(a.session_id.cmp(&b.session_id))
        .then(a.learner_id.cmp(&b.learner_id))
        .then(a.scanned_at.cmp(&b.scanned_at))
        .then(a.direction.cmp(&b.direction))
        .then(a.method.cmp(&b.method))
        .then_with(|| a.token.cmp(&b.token))
        .then_with(|| a.nonce.cmp(&b.nonce))
        .then_with(|| compare_location(location(a), location(b)))
        .then_with(|| {
            let source = |scan: &Scan| {
                scan.source
                    .as_ref()
                    .map(|source| (source.system.clone(), source.key.clone()))
            };
            source(a).cmp(&source(b))
        })
}

/// Finds scan ids used more than once. For each, the scan that sorts first
/// by content stands for the id; exact copies of it are repeats, and scans
/// with other content are conflicts.
fn shared_ids(scans: &[Scan]) -> HashMap<u32, SharedId> {
    let mut ids: Vec<(ScanId, u32)> = scans
        .iter()
        .enumerate()
        .map(|(index, scan)| (scan.id, index as u32))
        .collect();
    ids.sort_unstable();
    let mut shared = HashMap::new();
    for run in ids.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        let Some(&(_, standing)) = run
            .iter()
            .min_by(|a, b| content_order(&scans[a.1 as usize], &scans[b.1 as usize]))
        else {
            continue;
        };
        let mut standing_seen = false;
        for &(_, index) in run {
            if index == standing && !standing_seen {
                standing_seen = true;
                continue;
            }
            let same = content_order(&scans[index as usize], &scans[standing as usize]).is_eq();
            shared.insert(
                index,
                if same {
                    SharedId::Repeat
                } else {
                    SharedId::Conflict
                },
            );
        }
    }
    shared
}

/// The scans sorted into per-session buckets.
struct Buckets {
    /// Keys of scans for known sessions, bucket after bucket.
    keys: Vec<ScanKey>,
    /// The range of `keys` of each session.
    ranges: Vec<Range<usize>>,
    /// Scans whose session is not known.
    unknown: Vec<u32>,
}

fn bucket_by_session(index: &Index<'_>, scans: &[Scan]) -> Buckets {
    let sessions = index.sessions.len();
    let mut counts = vec![0usize; sessions + 1];
    let positions: Vec<usize> = scans
        .iter()
        .map(|scan| {
            index
                .session_by_id
                .get(&scan.session_id)
                .copied()
                .unwrap_or(sessions)
        })
        .collect();
    for &position in &positions {
        counts[position] += 1;
    }
    let mut ranges = Vec::with_capacity(sessions);
    let mut next = Vec::with_capacity(sessions);
    let mut start = 0;
    for &count in &counts[..sessions] {
        ranges.push(start..start + count);
        next.push(start);
        start += count;
    }
    let placeholder = ScanKey {
        learner: LearnerId(uuid::Uuid::nil()),
        seconds: 0,
        nanos: 0,
        direction: 0,
        index: 0,
    };
    let mut keys = vec![placeholder; start];
    let mut unknown = Vec::with_capacity(counts[sessions]);
    for (scan_index, (scan, &position)) in scans.iter().zip(&positions).enumerate() {
        let scan_index = scan_index as u32;
        if position == sessions {
            unknown.push(scan_index);
        } else {
            keys[next[position]] = ScanKey::new(scan, scan_index);
            next[position] += 1;
        }
    }
    for range in &ranges {
        keys[range.clone()].sort_unstable_by(|a, b| {
            a.learner
                .cmp(&b.learner)
                .then(a.seconds.cmp(&b.seconds))
                .then(a.nanos.cmp(&b.nanos))
                .then(a.direction.cmp(&b.direction))
                .then_with(|| content_order(&scans[a.index as usize], &scans[b.index as usize]))
        });
    }
    unknown.sort_unstable_by(|&a, &b| {
        let (a, b) = (&scans[a as usize], &scans[b as usize]);
        a.session_id
            .cmp(&b.session_id)
            .then(a.learner_id.cmp(&b.learner_id))
            .then(a.scanned_at.cmp(&b.scanned_at))
            .then(a.direction.cmp(&b.direction))
            .then_with(|| content_order(a, b))
    });
    Buckets {
        keys,
        ranges,
        unknown,
    }
}

/// The state shared while judging scans.
struct Judge<'a, 'i> {
    index: &'i Index<'a>,
    scans: &'i [Scan],
    shared: HashMap<u32, SharedId>,
    as_of: DateTime<Utc>,
    out: ScanResults,
}

/// The common first steps for any scan: a shared id, a time after the
/// evaluation time, and a nonce already seen. Returns `true` when the scan
/// was settled by them.
fn settle_early<'s>(
    judge: &mut Judge<'_, '_>,
    scan: &'s Scan,
    index: u32,
    nonces: &mut BTreeMap<&'s str, ScanId>,
    duplicate_count: &mut u32,
) -> bool {
    match judge.shared.get(&index) {
        Some(SharedId::Conflict) => {
            let rejection =
                Rejection::new(codes::CONFLICTING_SCAN_ID).with("scan_id", scan.id.to_string());
            judge.out.rejected.push(rejection.of(scan));
            return true;
        }
        Some(SharedId::Repeat) => {
            judge
                .out
                .duplicates
                .push(duplicate(scan, DuplicateKind::RepeatedScan, scan.id));
            *duplicate_count += 1;
            return true;
        }
        None => {}
    }
    if scan.scanned_at > judge.as_of {
        let rejection = Rejection::new(codes::SCAN_IN_FUTURE)
            .with("scanned_at", format_instant(&scan.scanned_at))
            .with("as_of", format_instant(&judge.as_of));
        judge.out.rejected.push(rejection.of(scan));
        return true;
    }
    if let Some(nonce) = scan.nonce.as_deref() {
        match nonces.entry(nonce) {
            Entry::Occupied(original) => {
                judge
                    .out
                    .duplicates
                    .push(duplicate(scan, DuplicateKind::Retry, *original.get()));
                *duplicate_count += 1;
                return true;
            }
            Entry::Vacant(slot) => {
                slot.insert(scan.id);
            }
        }
    }
    false
}

fn duplicate(scan: &Scan, kind: DuplicateKind, kept: ScanId) -> DuplicateScan {
    DuplicateScan {
        scan_id: scan.id,
        session_id: scan.session_id,
        learner_id: scan.learner_id,
        scanned_at: scan.scanned_at,
        kind,
        kept_scan_id: kept,
    }
}

/// Judges every scan, and writes the records of every session.
pub(super) fn evaluate_scans(
    index: &Index<'_>,
    scans: &[Scan],
    settings: &EvaluationSettings<'_>,
) -> ScanResults {
    let buckets = bucket_by_session(index, scans);
    let mut judge = Judge {
        index,
        scans,
        shared: shared_ids(scans),
        as_of: settings.as_of,
        out: ScanResults::default(),
    };
    let mut session_records = Vec::new();
    for (position, entry) in index.sessions.iter().enumerate() {
        let keys = &buckets.keys[buckets.ranges[position].clone()];
        for group in keys.chunk_by(|a, b| a.learner == b.learner) {
            if let Some(record) = judge_group(&mut judge, position, entry, group) {
                session_records.push(record);
            }
        }
        let start = judge.out.records.len();
        add_expected_records(&mut judge, position, entry, &mut session_records);
        judge
            .out
            .session_ranges
            .push(start..judge.out.records.len());
    }
    judge_unknown_sessions(&mut judge, &buckets.unknown);
    judge.out
}

/// Judges the scans of one learner at one known session, in time order,
/// and returns the learner's record when a check-in was accepted.
fn judge_group(
    judge: &mut Judge<'_, '_>,
    position: usize,
    entry: &SessionEntry<'_>,
    group: &[ScanKey],
) -> Option<AttendanceRecord> {
    let index = judge.index;
    let scans = judge.scans;
    let policy = index.policy;
    let learner = group.first()?.learner;
    let known_learner = index.is_known_learner(learner);
    let places = entry
        .course
        .map_or(&[][..], |course| index.places_of(course, learner));
    let course = entry.course.map(|course| index.courses[course]);

    let mut nonces = BTreeMap::new();
    let mut duplicate_count = 0;
    let mut check_in: Option<&Scan> = None;
    let mut check_out: Option<&Scan> = None;
    let mut superseded: Vec<&Scan> = Vec::new();
    let mut walk_in = false;
    for key in group {
        let scan = &scans[key.index as usize];
        if settle_early(judge, scan, key.index, &mut nonces, &mut duplicate_count) {
            continue;
        }
        let checked = check_scan(entry, scan, known_learner, policy);
        if let Err(rejection) = checked {
            judge.out.rejected.push(rejection.of(scan));
            continue;
        }
        match scan.direction {
            ScanDirection::CheckIn => {
                if let Some(first) = check_in {
                    let repeat = duplicate(scan, DuplicateKind::RepeatedCheckIn, first.id);
                    judge.out.duplicates.push(repeat);
                    duplicate_count += 1;
                    continue;
                }
                let enrolled = places.iter().any(|place| place.covers(scan.scanned_at));
                if let Some(course) = course
                    && !enrolled
                {
                    if !course.walk_in {
                        let rejection = Rejection::new(codes::NOT_ENROLLED)
                            .with("learner_id", learner.to_string())
                            .with("course_id", course.id.to_string());
                        judge.out.rejected.push(rejection.of(scan));
                        continue;
                    }
                    walk_in = true;
                }
                check_in = Some(scan);
            }
            ScanDirection::CheckOut => {
                if check_in.is_none() {
                    judge
                        .out
                        .rejected
                        .push(Rejection::new(codes::NO_CHECK_IN).of(scan));
                    continue;
                }
                if let Some(previous) = check_out.replace(scan) {
                    superseded.push(previous);
                }
            }
        }
    }
    if let Some(last) = check_out {
        for scan in superseded {
            let replaced = duplicate(scan, DuplicateKind::SupersededCheckOut, last.id);
            judge.out.duplicates.push(replaced);
            duplicate_count += 1;
        }
    }

    let first = check_in?;
    judge.out.accepted += 1 + u64::from(check_out.is_some());
    let excused = index.is_excused(position, learner);
    let decision = decide_status(
        &entry.windows,
        policy,
        Some(first.scanned_at),
        check_out.map(|scan| scan.scanned_at),
        excused,
    );
    let session = &entry.timed.session;
    Some(AttendanceRecord {
        session_id: session.id,
        learner_id: learner,
        course_id: session.course_id(),
        club_id: session.club_id(),
        status: decision.status,
        punctuality: decision.punctuality,
        credited_minutes: decision.credited_minutes,
        scheduled_minutes: entry.windows.scheduled_minutes(),
        first_check_in: Some(first.scanned_at),
        last_check_out: check_out.map(|scan| scan.scanned_at),
        check_in_scan_id: Some(first.id),
        check_out_scan_id: check_out.map(|scan| scan.id),
        walk_in,
        excused,
        provisional: !entry.ended,
        duplicate_scans: duplicate_count,
    })
}

/// The checks of one scan that do not depend on the learner's other scans,
/// in the order their codes take precedence.
fn check_scan(
    entry: &SessionEntry<'_>,
    scan: &Scan,
    known_learner: bool,
    policy: &AttendancePolicy,
) -> Result<(), Rejection> {
    if !known_learner {
        return Err(
            Rejection::new(codes::UNKNOWN_LEARNER).with("learner_id", scan.learner_id.to_string())
        );
    }
    if entry.cancelled {
        return Err(Rejection::new(codes::SESSION_CANCELLED)
            .with("session_id", scan.session_id.to_string()));
    }
    check_token(entry.secret.as_ref(), scan, policy)?;
    check_geofence(entry.venue_location, scan.location, policy)?;
    check_window(&entry.windows, scan.direction, scan.scanned_at)
}

/// Moves the session's scan records to the output, adding an absent or
/// excused record for every expected learner without one: once a session
/// is held, learners who held a place at its start or have an excusal are
/// expected.
fn add_expected_records(
    judge: &mut Judge<'_, '_>,
    position: usize,
    entry: &SessionEntry<'_>,
    scanned: &mut Vec<AttendanceRecord>,
) {
    let index = judge.index;
    let mut expected: Vec<LearnerId> = Vec::new();
    if entry.held() {
        if let Some(course) = entry.course {
            let starts_at = entry.windows.starts_at;
            expected.extend(
                index.places[course]
                    .iter()
                    .filter(|place| place.covers(starts_at))
                    .map(|place| place.learner),
            );
        }
        let excused_start = index
            .excusals
            .partition_point(|(session, _)| *session < position);
        expected.extend(
            index.excusals[excused_start..]
                .iter()
                .take_while(|(session, _)| *session == position)
                .map(|(_, learner)| *learner),
        );
        expected.sort_unstable();
        expected.dedup();
    }

    let mut from_scans = scanned.drain(..).peekable();
    for learner in expected {
        while let Some(record) = from_scans.next_if(|record| record.learner_id < learner) {
            judge.out.records.push(record);
        }
        if from_scans
            .peek()
            .is_some_and(|record| record.learner_id == learner)
        {
            continue;
        }
        let excused = index.is_excused(position, learner);
        let decision = decide_status(&entry.windows, index.policy, None, None, excused);
        let session = &entry.timed.session;
        judge.out.records.push(AttendanceRecord {
            session_id: session.id,
            learner_id: learner,
            course_id: session.course_id(),
            club_id: session.club_id(),
            status: decision.status,
            punctuality: None,
            credited_minutes: 0,
            scheduled_minutes: entry.windows.scheduled_minutes(),
            first_check_in: None,
            last_check_out: None,
            check_in_scan_id: None,
            check_out_scan_id: None,
            walk_in: false,
            excused,
            provisional: false,
            duplicate_scans: 0,
        });
    }
    judge.out.records.extend(from_scans);
}

/// Judges scans whose session is not known: each is rejected with
/// `unknown_session`, after the checks every scan gets first.
fn judge_unknown_sessions(judge: &mut Judge<'_, '_>, unknown: &[u32]) {
    let scans = judge.scans;
    let groups = unknown.chunk_by(|&a, &b| {
        let (a, b) = (&scans[a as usize], &scans[b as usize]);
        a.session_id == b.session_id && a.learner_id == b.learner_id
    });
    for group in groups {
        let mut nonces = BTreeMap::new();
        let mut duplicate_count = 0;
        for &scan_index in group {
            let scan = &scans[scan_index as usize];
            if settle_early(judge, scan, scan_index, &mut nonces, &mut duplicate_count) {
                continue;
            }
            let rejection = Rejection::new(codes::UNKNOWN_SESSION)
                .with("session_id", scan.session_id.to_string());
            judge.out.rejected.push(rejection.of(scan));
        }
    }
}
