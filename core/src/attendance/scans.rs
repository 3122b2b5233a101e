//! Turning scans into records: ordering, grouping by session and learner,
//! and judging each scan in time order.
//!
//! The input is cut into spans of consecutive scans of one session, and a
//! counting sort groups the spans by session. Then, one session at a time,
//! the keys of its scans are built in a small buffer and sorted by learner,
//! receipt time, direction (check-ins first), id and content. Every later
//! step walks these sorted groups once, so the work is O(n log n) and the
//! result does not depend on the input order.
//!
//! The sort keys carry what the usual path needs: learner, id, time,
//! direction, method and whether there is a nonce. Judging a scan then reads
//! the scan itself only to check a token or a location, or to compare
//! nonces within a group, and those reads mostly find the scan still in the
//! cache from building its key.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;

use chrono::{DateTime, Utc};

use crate::field::format_instant;
use crate::id::{LearnerId, ScanId, SessionId};
use crate::model::{Scan, ScanDirection, ScanMethod, ShortText};

use super::check::{Rejection, check_geofence, check_token, check_window};
use super::codes;
use super::courses::{CourseTallies, RecordCount};
use super::engine::{EvaluationSettings, Index, Place, SessionEntry};
use super::report::{AttendanceRecord, DuplicateKind, DuplicateScan, RejectedScan};
use super::status::{AttendanceStatus, decide_status};
use super::token::SessionSecret;

/// The output of judging the scans.
#[derive(Debug, Default, PartialEq)]
pub(super) struct ScanResults {
    /// Records in output order: by session, then learner.
    pub records: Vec<AttendanceRecord>,
    /// How many of `records` have each status, indexed by the status.
    pub records_by_status: [u64; AttendanceStatus::ALL.len()],
    pub rejected: Vec<RejectedScan>,
    pub duplicates: Vec<DuplicateScan>,
    pub accepted: u64,
}

impl ScanResults {
    /// Adds `record` and counts its status, while it is at hand rather than
    /// in another pass over all records.
    fn push_record(&mut self, record: AttendanceRecord) {
        self.records_by_status[record.status as usize] += 1;
        self.records.push(record);
    }
}

/// The problem with a scan id that more than one scan uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SharedId {
    /// An exact copy of the scan that stands for the id.
    Repeat,
    /// Another scan with different content under the same id.
    Conflict,
}

/// The fields of a scan the judge needs, and its sort key within a session,
/// in 48 bytes so that sorting moves little memory.
#[derive(Clone, Copy, Debug)]
struct ScanKey {
    /// The learner's UUID read big-endian, which orders like the UUID.
    learner: u128,
    /// The scan's UUID read big-endian.
    id: u128,
    at: DateTime<Utc>,
    /// The scan's position in the input in the low 28 bits, then whether it
    /// has a nonce (1 bit), its direction (1 bit) and its method (2 bits).
    packed: u32,
}

impl ScanKey {
    const INDEX_BITS: u32 = 28;
    const NONCE_BIT: u32 = 1 << 28;
    const CHECK_OUT_BIT: u32 = 1 << 29;
    const METHOD_SHIFT: u32 = 30;

    fn new(scan: &Scan, index: u32) -> Self {
        let mut packed = index & ((1 << Self::INDEX_BITS) - 1);
        if scan.nonce.is_some() {
            packed |= Self::NONCE_BIT;
        }
        if scan.direction == ScanDirection::CheckOut {
            packed |= Self::CHECK_OUT_BIT;
        }
        let method = match scan.method {
            ScanMethod::Qr => 0,
            ScanMethod::Card => 1,
            ScanMethod::Manual => 2,
        };
        Self {
            learner: scan.learner_id.uuid().as_u128(),
            id: scan.id.uuid().as_u128(),
            at: scan.scanned_at,
            packed: packed | method << Self::METHOD_SHIFT,
        }
    }

    /// Returns the scan's position in the input.
    fn index(&self) -> u32 {
        self.packed & ((1 << Self::INDEX_BITS) - 1)
    }

    fn has_nonce(&self) -> bool {
        self.packed & Self::NONCE_BIT != 0
    }

    fn direction(&self) -> ScanDirection {
        if self.packed & Self::CHECK_OUT_BIT != 0 {
            ScanDirection::CheckOut
        } else {
            ScanDirection::CheckIn
        }
    }

    fn method(&self) -> ScanMethod {
        match self.packed >> Self::METHOD_SHIFT {
            0 => ScanMethod::Qr,
            1 => ScanMethod::Card,
            _ => ScanMethod::Manual,
        }
    }

    /// Compares two keys in the order of a session: learner, receipt time,
    /// check-in before check-out, id.
    fn order(&self, other: &Self) -> Ordering {
        self.learner
            .cmp(&other.learner)
            .then(self.at.cmp(&other.at))
            .then(self.direction().cmp(&other.direction()))
            .then(self.id.cmp(&other.id))
    }

    fn scan_id(&self) -> ScanId {
        ScanId(uuid::Uuid::from_u128(self.id))
    }

    fn learner_id(&self) -> LearnerId {
        LearnerId(uuid::Uuid::from_u128(self.learner))
    }

    /// Makes the rejected scan, for `session`.
    fn rejected(&self, rejection: Rejection, session: SessionId) -> RejectedScan {
        RejectedScan {
            scan_id: self.scan_id(),
            session_id: session,
            learner_id: self.learner_id(),
            scanned_at: self.at,
            direction: self.direction(),
            code: rejection.code,
            params: rejection.params,
        }
    }

    /// Makes the duplicate scan, for `session`, with the scan whose result
    /// is kept.
    fn duplicate(&self, session: SessionId, kind: DuplicateKind, kept: ScanId) -> DuplicateScan {
        DuplicateScan {
            scan_id: self.scan_id(),
            session_id: session,
            learner_id: self.learner_id(),
            scanned_at: self.at,
            kind,
            kept_scan_id: kept,
        }
    }
}

/// Orders two scans by everything they contain, so that ties are broken by
/// content and never by input position.
pub(super) fn content_order(a: &Scan, b: &Scan) -> Ordering {
    let location = |scan: &Scan| {
        scan.location()
            .map(|point| (point.latitude, point.longitude))
    };
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
                scan.source()
                    .map(|source| (source.system.clone(), source.key.clone()))
            };
            source(a).cmp(&source(b))
        })
}

/// Finds scan ids used more than once, given the 64-bit folds of all ids.
/// For each such id, the scan that sorts first by content keeps the id.
/// Each other scan is a conflict, unless it is an exact copy of a scan
/// already seen under the id (the one that keeps it, or a conflicting
/// one), which makes it a repeat: repeating any scan changes nothing.
fn shared_ids(scans: &[Scan], mut folds: Vec<u64>) -> HashMap<u32, SharedId> {
    // Most inputs have unique ids: sorting 64-bit folds of the ids finds
    // that quickly, and only a repeated fold needs the exact search below.
    // A pool of one thread uses the standard library's sort, ipnsort in
    // Rust 1.95, which is faster than the older pdqsort that rayon 1.12
    // copies. On one thread it took about two thirds of rayon's time for
    // 1.15 million random folds, and about half for slices of 2,000 folds,
    // which rayon sorts without splitting (2-core virtual AMD EPYC shared
    // with other jobs).
    #[cfg(feature = "parallel")]
    if rayon::current_num_threads() > 1 {
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut folds[..]);
    } else {
        folds.sort_unstable();
    }
    #[cfg(not(feature = "parallel"))]
    folds.sort_unstable();
    if !folds.windows(2).any(|pair| pair[0] == pair[1]) {
        return HashMap::new();
    }
    let mut ids: Vec<(ScanId, u32)> = scans
        .iter()
        .enumerate()
        .map(|(index, scan)| (scan.id, index as u32))
        .collect();
    ids.sort_unstable();
    let mut shared = HashMap::new();
    for run in ids.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        // Sorted by content, the first scan keeps the id and exact copies
        // lie next to each other.
        run.sort_by(|a, b| content_order(&scans[a.1 as usize], &scans[b.1 as usize]));
        for pair in run.windows(2) {
            let (previous, index) = (pair[0].1, pair[1].1);
            let same = content_order(&scans[index as usize], &scans[previous as usize]).is_eq();
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

/// The scans in order of session, as spans of consecutive scans of one
/// session in the input. Inputs usually come in long stretches of one
/// session, so a span stands for many scans and the spans take far less
/// memory than the scans' positions would.
struct Buckets {
    /// Spans of input positions, session after session (each session's in
    /// input order), then those whose session is not known.
    spans: Vec<Range<u32>>,
    /// The start in `spans` of each session's spans, then the start of the
    /// unknown ones, then the end.
    span_starts: Vec<usize>,
    /// The 64-bit folds of every scan id, in input order.
    folds: Vec<u64>,
}

impl Buckets {
    /// Returns the spans of the scans of the session at `position`, or of
    /// the unknown sessions for the number of sessions.
    fn spans_of(&self, position: usize) -> &[Range<u32>] {
        let start = self.span_starts.get(position).copied().unwrap_or(0);
        let end = self.span_starts.get(position + 1).copied().unwrap_or(start);
        &self.spans[start..end]
    }

    /// Returns the input positions of the scans of the session at
    /// `position`, in input order.
    fn scans_of(&self, position: usize) -> impl Iterator<Item = u32> + '_ {
        self.spans_of(position).iter().flat_map(Clone::clone)
    }

    /// Returns how many scans the sessions at `positions` have.
    #[cfg(feature = "parallel")]
    fn scan_count(&self, positions: Range<usize>) -> usize {
        let start = self.span_starts.get(positions.start).copied().unwrap_or(0);
        let end = self
            .span_starts
            .get(positions.end)
            .copied()
            .unwrap_or(start);
        let spans = self.spans.get(start..end).unwrap_or_default();
        spans.iter().map(ExactSizeIterator::len).sum()
    }
}

/// Finds the session of every scan in one pass over the scans, cutting the
/// input into spans of one session, then groups the spans by session with
/// a counting sort.
fn bucket_by_session(index: &Index<'_>, scans: &[Scan]) -> Buckets {
    let sessions = index.sessions.len();
    // (session position, span) in input order.
    let mut found: Vec<(u32, Range<u32>)> = Vec::new();
    let mut span_counts = vec![0usize; sessions + 1];
    let mut folds = Vec::with_capacity(scans.len());
    let mut close = |session: Option<(SessionId, usize)>, span: Range<u32>| {
        if let Some((_, position)) = session
            && !span.is_empty()
        {
            span_counts[position] += 1;
            found.push((position as u32, span));
        }
    };
    let mut last: Option<(SessionId, usize)> = None;
    let mut span_start = 0u32;
    for (scan_index, scan) in scans.iter().enumerate() {
        let scan_index = scan_index as u32;
        if last.is_none_or(|(session, _)| session != scan.session_id) {
            close(last, span_start..scan_index);
            let known = index.session_by_id.get(&scan.session_id).copied();
            last = Some((scan.session_id, known.unwrap_or(sessions)));
            span_start = scan_index;
        }
        let id = scan.id.uuid().as_u128();
        folds.push((id as u64) ^ ((id >> 64) as u64));
    }
    close(last, span_start..scans.len() as u32);

    let mut span_starts = Vec::with_capacity(sessions + 2);
    let mut start = 0;
    for count in span_counts {
        span_starts.push(start);
        start += count;
    }
    span_starts.push(start);
    let mut next = span_starts.clone();
    let mut spans = vec![0..0; found.len()];
    for (position, span) in found {
        let slot = &mut next[position as usize];
        spans[*slot] = span;
        *slot += 1;
    }
    Buckets {
        spans,
        span_starts,
        folds,
    }
}

/// Fills `keys` with the keys of the scans at `positions` in the input, in
/// the order of a session. Keys are ordered by [`ScanKey::order`], keys
/// equal in it by content, and exact copies by input position, so that the
/// copy that keeps the id comes first. With `by_session`, for scans whose
/// session is not known, the session id is compared first. `scratch` is
/// working space, kept between calls so that it stays in the cache.
fn sorted_keys(
    keys: &mut Vec<ScanKey>,
    scratch: &mut KeyScratch,
    scans: &[Scan],
    positions: impl IntoIterator<Item = u32>,
    by_session: bool,
) {
    let by_content = |a: &ScanKey, b: &ScanKey| {
        content_order(&scans[a.index() as usize], &scans[b.index() as usize])
            .then(a.index().cmp(&b.index()))
    };
    let build = |position: u32| ScanKey::new(&scans[position as usize], position);
    if by_session {
        keys.clear();
        keys.extend(positions.into_iter().map(build));
        let session = |key: &ScanKey| scans[key.index() as usize].session_id;
        keys.sort_unstable_by(|a, b| {
            session(a)
                .cmp(&session(b))
                .then_with(|| a.order(b))
                .then_with(|| by_content(a, b))
        });
        return;
    }
    scratch.built.clear();
    scratch.built.extend(positions.into_iter().map(build));
    let prefix_mask = sort_by_learner_prefix(keys, scratch);
    // The keys of one learner, and rarely of learners whose UUIDs share the
    // prefix, now lie together in any order.
    let prefix = |key: &ScanKey| (key.learner >> 64) as u64 & prefix_mask;
    for run in keys.chunk_by_mut(|a, b| prefix(a) == prefix(b)) {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| a.order(b).then_with(|| by_content(a, b)));
        }
    }
}

/// Working space of [`sorted_keys`].
#[derive(Default)]
struct KeyScratch {
    /// The keys in the order they were built.
    built: Vec<ScanKey>,
    /// The words sorted by [`sort_by_learner_prefix`].
    words: Vec<u64>,
}

/// Fills `keys` with the keys of `scratch.built`, ordered by a prefix of
/// the learner's UUID, and returns the mask that takes the prefix from the
/// UUID's first 64 bits.
///
/// Sorting 8-byte words moves far less memory than sorting the 48-byte
/// keys: each word contains the first bits of a key's learner and, in its low
/// bits, the key's position in `built`. The keys are then copied in the
/// order of their words. A learner's keys lie together, after those of
/// smaller prefixes, in no order of their own.
fn sort_by_learner_prefix(keys: &mut Vec<ScanKey>, scratch: &mut KeyScratch) -> u64 {
    let built = &scratch.built;
    // Enough low bits to number the keys: at most 28, by MAX_SCANS.
    let slot_bits = usize::BITS - built.len().saturating_sub(1).leading_zeros();
    let slot_mask = 1u64.checked_shl(slot_bits).map_or(u64::MAX, |bit| bit - 1);
    let words = &mut scratch.words;
    words.clear();
    words.extend(
        built
            .iter()
            .enumerate()
            .map(|(slot, key)| ((key.learner >> 64) as u64 & !slot_mask) | slot as u64),
    );
    words.sort_unstable();
    keys.clear();
    keys.extend(words.iter().map(|word| built[(word & slot_mask) as usize]));
    !slot_mask
}

/// The state shared while judging scans.
struct Judge<'a, 'i> {
    index: &'i Index<'a>,
    scans: &'i [Scan],
    shared: &'i HashMap<u32, SharedId>,
    as_of: DateTime<Utc>,
    out: ScanResults,
    /// The fields the course results take from each record written since
    /// this was last cleared, in the same order.
    counts: Vec<RecordCount>,
    /// The secret that checks the tokens of the session being judged, when
    /// a token key was supplied and the session has scans.
    secret: Option<SessionSecret>,
}

impl Judge<'_, '_> {
    /// Adds `record` to the output and copies the fields the course
    /// results need.
    fn push_record(&mut self, record: AttendanceRecord) {
        self.counts.push(RecordCount::of(&record));
        self.out.push_record(record);
    }
}

/// The nonces seen in one group of scans, each with the scan that first
/// carried it. Groups are small, so a list searched in order is fastest,
/// and a nonce is read only when another scan of the group has one too. A
/// large group moves to a map.
#[derive(Default)]
struct Nonces<'s> {
    /// (position of the first scan with a nonce in the input, its id).
    few: Vec<(u32, ScanId)>,
    many: HashMap<Option<&'s ShortText<14>>, ScanId>,
}

impl<'s> Nonces<'s> {
    const FEW: usize = 16;

    fn clear(&mut self) {
        self.few.clear();
        self.many.clear();
    }

    /// Returns the scan that first carried the nonce of `key`, or `None`
    /// after remembering `key` as the first.
    fn first_or_insert(&mut self, key: &ScanKey, scans: &'s [Scan]) -> Option<ScanId> {
        let nonce_of = |index: u32| scans[index as usize].nonce.as_ref();
        if self.many.is_empty() {
            if !self.few.is_empty() {
                let nonce = nonce_of(key.index());
                let seen = self.few.iter().find(|(first, _)| nonce_of(*first) == nonce);
                if let Some((_, first)) = seen {
                    return Some(*first);
                }
            }
            if self.few.len() < Self::FEW {
                self.few.push((key.index(), key.scan_id()));
                return None;
            }
            for (first, id) in self.few.drain(..) {
                self.many.insert(nonce_of(first), id);
            }
        }
        match self.many.entry(nonce_of(key.index())) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(key.scan_id());
                None
            }
        }
    }
}

/// Runs the first checks of any scan: a shared id, a time after the
/// evaluation time, and a nonce already seen. Returns `true` when one of
/// them settled the scan.
fn settle_early<'s>(
    judge: &mut Judge<'_, 's>,
    key: &ScanKey,
    session: SessionId,
    nonces: &mut Nonces<'s>,
    duplicate_count: &mut u32,
) -> bool {
    if !judge.shared.is_empty() {
        match judge.shared.get(&key.index()) {
            Some(SharedId::Conflict) => {
                let rejection = Rejection::new(codes::CONFLICTING_SCAN_ID)
                    .with("scan_id", key.scan_id().to_string());
                judge.out.rejected.push(key.rejected(rejection, session));
                return true;
            }
            Some(SharedId::Repeat) => {
                let repeat = key.duplicate(session, DuplicateKind::RepeatedScan, key.scan_id());
                judge.out.duplicates.push(repeat);
                *duplicate_count += 1;
                return true;
            }
            None => {}
        }
    }
    if key.at > judge.as_of {
        let rejection = Rejection::new(codes::SCAN_IN_FUTURE)
            .with("scanned_at", format_instant(&key.at))
            .with("as_of", format_instant(&judge.as_of));
        judge.out.rejected.push(key.rejected(rejection, session));
        return true;
    }
    if key.has_nonce()
        && let Some(original) = nonces.first_or_insert(key, judge.scans)
    {
        let retry = key.duplicate(session, DuplicateKind::Retry, original);
        judge.out.duplicates.push(retry);
        *duplicate_count += 1;
        return true;
    }
    false
}

/// Judges every scan, writes the records of every session and counts each
/// session in `tallies`. With the `parallel` feature and a thread pool of
/// more than one thread, the known sessions are judged on the pool in runs
/// of whole sessions. The runs' outputs are joined in session order, so
/// the results are the same as on one thread. A pool of one thread takes
/// the serial path, which joins nothing.
pub(super) fn evaluate_scans(
    index: &Index<'_>,
    scans: &[Scan],
    settings: &EvaluationSettings<'_>,
    tallies: &mut CourseTallies<'_>,
) -> ScanResults {
    #[cfg(feature = "parallel")]
    if rayon::current_num_threads() > 1 {
        let in_runs =
            |judge: &mut Judge<'_, '_>, buckets: &Buckets, tallies: &mut CourseTallies<'_>| {
                judge_in_runs(judge, buckets, tallies, RUN_WEIGHT, BATCH_RUNS);
            };
        return evaluate_with(index, scans, settings.as_of, tallies, in_runs);
    }
    evaluate_with(index, scans, settings.as_of, tallies, judge_serially)
}

/// Does what [`evaluate_scans`] does, judging the scans of known sessions
/// with `judge_known`.
fn evaluate_with(
    index: &Index<'_>,
    scans: &[Scan],
    as_of: DateTime<Utc>,
    tallies: &mut CourseTallies<'_>,
    judge_known: impl FnOnce(&mut Judge<'_, '_>, &Buckets, &mut CourseTallies<'_>),
) -> ScanResults {
    let mut buckets = bucket_by_session(index, scans);
    let folds = std::mem::take(&mut buckets.folds);
    let shared = shared_ids(scans, folds);
    let mut judge = Judge {
        index,
        scans,
        shared: &shared,
        as_of,
        out: ScanResults::default(),
        counts: Vec::new(),
        secret: None,
    };
    judge_known(&mut judge, &buckets, tallies);

    let unknown = buckets.scans_of(index.sessions.len());
    let mut buffers = Buffers::default();
    sorted_keys(
        &mut buffers.keys,
        &mut buffers.scratch,
        scans,
        unknown,
        true,
    );
    judge_unknown_sessions(&mut judge, &buffers.keys, &mut buffers.nonces);
    judge.out
}

/// Buffers reused from one session to the next: small ones that stay in
/// the cache, so the scans read to build the keys stay there too for the
/// checks that follow.
#[derive(Default)]
struct Buffers<'s> {
    keys: Vec<ScanKey>,
    scratch: KeyScratch,
    expected: Vec<u128>,
    nonces: Nonces<'s>,
}

/// Judges the scans of every known session on the calling thread, counting
/// each session in `tallies` right after writing its records.
fn judge_serially(judge: &mut Judge<'_, '_>, buckets: &Buckets, tallies: &mut CourseTallies<'_>) {
    let index = judge.index;
    // Records are at most one per scan plus the expected learners without
    // one; duplicates and rejections are usually a small share of scans.
    let scans = judge.scans.len();
    judge.out.records.reserve(scans);
    judge.out.duplicates.reserve(scans / 8);
    judge.out.rejected.reserve(scans / 16);
    let mut buffers = Buffers::default();
    for (position, entry) in index.sessions.iter().enumerate() {
        judge.counts.clear();
        judge_session(judge, position, entry, buckets, &mut buffers);
        tallies.count_session(index, position, &judge.counts);
    }
}

/// The work a run of sessions judged on the thread pool should hold: its
/// scans, plus the places of each session's course (the expected learners
/// are found among them), plus one per session. Large enough that a run's
/// overhead is small, small enough that the pool's threads share the work
/// evenly.
#[cfg(feature = "parallel")]
const RUN_WEIGHT: usize = 1 << 14;

/// Splits the known sessions into runs of consecutive sessions, each
/// closed once its work reaches `weight` (see [`RUN_WEIGHT`]).
#[cfg(feature = "parallel")]
fn session_runs(index: &Index<'_>, buckets: &Buckets, weight: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut work = 0;
    for (position, entry) in index.sessions.iter().enumerate() {
        let places = entry
            .course
            .and_then(|course| index.places.get(course))
            .map_or(0, Vec::len);
        work += buckets.scan_count(position..position + 1) + places + 1;
        if work >= weight {
            runs.push(start..position + 1);
            start = position + 1;
            work = 0;
        }
    }
    if start < index.sessions.len() {
        runs.push(start..index.sessions.len());
    }
    runs
}

/// Returns the max number of learners expected at the session at
/// `position`: its places in the course plus its excusals when it is held,
/// else 0. A learner with several places or an excusal counts more than once.
#[cfg(feature = "parallel")]
fn expected_count(index: &Index<'_>, position: usize) -> usize {
    let Some(entry) = index.sessions.get(position).filter(|entry| entry.held()) else {
        return 0;
    };
    let places = entry
        .course
        .and_then(|course| index.places.get(course))
        .map_or(0, Vec::len);
    places + index.excused_at(position).len()
}

/// Returns the capacity to reserve for the records of the sessions of
/// `run`: per session, the larger of its expected learners and half its
/// scans (a learner who checks in usually checks out too), plus an eighth
/// for walk-ins. A run with more records grows its vector. On the sample
/// district of 54,611 learners this reserves 1,089,138 records for 923,483
/// written, where one per scan and expected learner would be 2,107,798.
#[cfg(feature = "parallel")]
fn estimated_records(index: &Index<'_>, buckets: &Buckets, run: &Range<usize>) -> usize {
    let estimate: usize = run
        .clone()
        .map(|position| {
            let scans = buckets.scan_count(position..position + 1);
            expected_count(index, position).max(scans.div_ceil(2))
        })
        .sum();
    estimate + estimate / 8
}

/// The runs that [`judge_in_runs`] judges at a time before it joins their
/// records. A run's work is about [`RUN_WEIGHT`] scans and places, and its
/// records are at most one per scan, place or excusal, so a batch usually
/// contains at most about a million records (150 MB). Each batch ends with
/// a wait for its slowest run, so fewer runs per batch would leave threads
/// idle more often.
#[cfg(feature = "parallel")]
const BATCH_RUNS: usize = 64;

/// Returns the max number of records the session at `position` has: one
/// per scan for the learners with an accepted check-in, and one per
/// expected learner (places in the course and excusals) when it is held.
#[cfg(feature = "parallel")]
fn max_records(index: &Index<'_>, buckets: &Buckets, position: usize) -> usize {
    buckets.scan_count(position..position + 1) + expected_count(index, position)
}

/// Judges the scans of every known session on the rayon thread pool, in
/// runs of consecutive sessions (see [`session_runs`]), then joins the
/// runs' outputs in session order and counts every session in `tallies`.
/// The output is the one [`judge_serially`] gives, whatever the number of
/// threads or the order in which runs finish.
///
/// The runs are judged in batches of `batch_runs`, and the records of a
/// batch are copied to the joined vector before the next batch starts, so
/// that only one batch's records are held twice. The joined vector starts
/// with room for the sessions' [`estimated_records`]. A batch beyond that
/// room grows it to the [`max_records`] of every session (see
/// [`reserve_max`]), so the records are copied once more, or more often
/// only when the system refuses that room.
#[cfg(feature = "parallel")]
fn judge_in_runs(
    judge: &mut Judge<'_, '_>,
    buckets: &Buckets,
    tallies: &mut CourseTallies<'_>,
    weight: usize,
    batch_runs: usize,
) {
    use rayon::prelude::*;

    let (index, scans, shared, as_of) = (judge.index, judge.scans, judge.shared, judge.as_of);
    let runs = session_runs(index, buckets, weight);
    let out = &mut judge.out;
    // The estimate, not the max, which is 2.3 times the records written on
    // the sample district (see `estimated_records`). Room never written
    // takes no physical memory, but it takes address space for as long as
    // the records live, and a limit on address space (`ulimit -v`) or
    // strict overcommit counts it.
    let sessions = 0..index.sessions.len();
    out.records = Vec::with_capacity(estimated_records(index, buckets, &sessions));
    // Where each session's records start in the joined records, then the
    // end.
    let mut record_starts = Vec::with_capacity(index.sessions.len() + 1);
    record_starts.push(0);
    let mut end = 0;
    for batch in runs.chunks(batch_runs.max(1)) {
        // The records of each run get their capacity here, on the calling
        // thread. Memory that a pool thread allocates and the calling
        // thread frees stays in the pool thread's allocator arena (glibc's,
        // for one), and the next batch and the steps after this one would
        // not reuse it. A vector that outgrows its capacity is reallocated
        // on the pool thread: glibc's realloc keeps the block in the arena
        // it came from, but other allocators (mimalloc, which the command
        // line uses) may move it to the pool thread's memory. The estimate
        // keeps that rare.
        let parts: Vec<ScanResults> = batch
            .iter()
            .map(|run| ScanResults {
                records: Vec::with_capacity(estimated_records(index, buckets, run)),
                ..ScanResults::default()
            })
            .collect();
        let outputs: Vec<(ScanResults, Vec<usize>)> = batch
            .par_iter()
            .zip(parts)
            .map(|(run, out)| {
                let mut part = Judge {
                    index,
                    scans,
                    shared,
                    as_of,
                    out,
                    counts: Vec::new(),
                    secret: None,
                };
                let mut buffers = Buffers::default();
                let mut lengths = Vec::with_capacity(run.len());
                for position in run.clone() {
                    // The records are counted once joined.
                    part.counts.clear();
                    let before = part.out.records.len();
                    judge_session(
                        &mut part,
                        position,
                        &index.sessions[position],
                        buckets,
                        &mut buffers,
                    );
                    lengths.push(part.out.records.len() - before);
                }
                (part.out, lengths)
            })
            .collect();

        let mut part_records = Vec::with_capacity(outputs.len());
        for (mut part, lengths) in outputs {
            for length in lengths {
                end += length;
                record_starts.push(end);
            }
            part_records.push(std::mem::take(&mut part.records));
            out.rejected.append(&mut part.rejected);
            out.duplicates.append(&mut part.duplicates);
            out.accepted += part.accepted;
            for (count, part_count) in out.records_by_status.iter_mut().zip(part.records_by_status)
            {
                *count += part_count;
            }
        }
        let batch_records: usize = part_records.iter().map(Vec::len).sum();
        if out.records.capacity() - out.records.len() < batch_records {
            // Summed only here, because the estimate usually leaves enough
            // room and this is then never reached.
            let max_total: usize = (0..index.sessions.len())
                .map(|position| max_records(index, buckets, position))
                .sum();
            reserve_max(&mut out.records, max_total);
        }
        append_records(&mut out.records, &part_records);
    }
    tallies.count_sessions(index, &out.records, &record_starts);
}

/// Grows the room of `records` to `max` records, so that no later batch
/// copies them again. When the system refuses that much address space, as
/// strict overcommit or `ulimit -v` can, `records` is left as it was and
/// the append grows it as far as it needs.
#[cfg(feature = "parallel")]
fn reserve_max(records: &mut Vec<AttendanceRecord>, max: usize) {
    // A refused reservation is not an error: the append that follows
    // reserves only what it needs.
    let _ = records.try_reserve_exact(max.saturating_sub(records.len()));
}

/// Appends the records of `parts`, in order, to `records`. The copy runs on
/// the pool, because most of its cost is the page faults of `records`,
/// which both threads then share.
#[cfg(feature = "parallel")]
fn append_records(records: &mut Vec<AttendanceRecord>, parts: &[Vec<AttendanceRecord>]) {
    use rayon::prelude::*;

    let mut starts = Vec::with_capacity(parts.len());
    let mut length = 0;
    for part in parts {
        starts.push(length);
        length += part.len();
    }
    records.par_extend((0..length).into_par_iter().with_min_len(1 << 12).map(|at| {
        let part = starts.partition_point(|start| *start <= at) - 1;
        parts[part][at - starts[part]].clone()
    }));
}

/// Judges the scans of the known session at `position` and writes its
/// records: one for each learner with an accepted check-in, and one for
/// each expected learner without one, ordered by learner.
fn judge_session<'s>(
    judge: &mut Judge<'_, 's>,
    position: usize,
    entry: &SessionEntry,
    buckets: &Buckets,
    buffers: &mut Buffers<'s>,
) {
    let index = judge.index;
    expected_learners(index, position, entry, &mut buffers.expected);
    let mut pending = buffers.expected.iter().copied().peekable();
    let mut places = index.place_cursor(entry.course);
    sorted_keys(
        &mut buffers.keys,
        &mut buffers.scratch,
        judge.scans,
        buckets.scans_of(position),
        false,
    );
    judge.secret = index
        .token_key
        .filter(|_| !buffers.keys.is_empty())
        .map(|key| key.session_secret(entry.id));
    for group in buffers.keys.chunk_by(|a, b| a.learner == b.learner) {
        let Some(learner) = group.first().map(|key| key.learner) else {
            continue;
        };
        while let Some(absent) = pending.next_if(|expected| *expected < learner) {
            push_unattended(judge, position, entry, absent);
        }
        let was_expected = pending.next_if_eq(&learner).is_some();
        buffers.nonces.clear();
        let places = places.places_of(learner);
        match judge_group(judge, position, entry, group, places, &mut buffers.nonces) {
            Some(record) => judge.push_record(record),
            None if was_expected => push_unattended(judge, position, entry, learner),
            None => {}
        }
    }
    for absent in pending {
        push_unattended(judge, position, entry, absent);
    }
}

/// Judges the scans of one learner at one known session, in time order,
/// and returns the learner's record when a check-in was accepted.
fn judge_group<'s>(
    judge: &mut Judge<'_, 's>,
    position: usize,
    entry: &SessionEntry,
    group: &[ScanKey],
    places: &[Place],
    nonces: &mut Nonces<'s>,
) -> Option<AttendanceRecord> {
    let index = judge.index;
    let policy = index.policy;
    let session = entry.id;
    let learner = group.first()?.learner_id();
    // A learner with a place was looked up once, when the index was built.
    let known_learner = match places.first() {
        Some(place) => place.known,
        None => index.is_known_learner(learner),
    };
    let course = entry.course.map(|course| index.courses[course]);

    let mut duplicate_count = 0;
    let mut check_in: Option<&ScanKey> = None;
    let mut check_out: Option<&ScanKey> = None;
    let mut superseded: Vec<&ScanKey> = Vec::new();
    let mut walk_in = false;
    for key in group {
        if settle_early(judge, key, session, nonces, &mut duplicate_count) {
            continue;
        }
        if let Err(rejection) = check_scan(judge, entry, key, known_learner) {
            judge.out.rejected.push(key.rejected(rejection, session));
            continue;
        }
        match key.direction() {
            ScanDirection::CheckIn => {
                if let Some(first) = check_in {
                    let repeat =
                        key.duplicate(session, DuplicateKind::RepeatedCheckIn, first.scan_id());
                    judge.out.duplicates.push(repeat);
                    duplicate_count += 1;
                    continue;
                }
                // A place held at the scan or at the session's start counts:
                // a learner promoted from the waiting list during the
                // check-in window is expected at the session.
                let starts_at = entry.windows.starts_at;
                let enrolled = places
                    .iter()
                    .any(|place| place.covers(key.at) || place.covers(starts_at));
                if let Some(course) = course
                    && !enrolled
                {
                    if !course.walk_in {
                        let rejection = Rejection::new(codes::NOT_ENROLLED)
                            .with("learner_id", learner.to_string())
                            .with("course_id", course.id.to_string());
                        judge.out.rejected.push(key.rejected(rejection, session));
                        continue;
                    }
                    walk_in = true;
                }
                check_in = Some(key);
            }
            ScanDirection::CheckOut => {
                if check_in.is_none() {
                    let rejection = Rejection::new(codes::NO_CHECK_IN);
                    judge.out.rejected.push(key.rejected(rejection, session));
                    continue;
                }
                if let Some(previous) = check_out.replace(key) {
                    superseded.push(previous);
                }
            }
        }
    }
    if let Some(last) = check_out {
        for key in superseded {
            let replaced =
                key.duplicate(session, DuplicateKind::SupersededCheckOut, last.scan_id());
            judge.out.duplicates.push(replaced);
            duplicate_count += 1;
        }
    }

    let first = check_in?;
    judge.out.accepted += 1 + u64::from(check_out.is_some());
    let excused = index.is_excused(position, learner);
    let last_check_out = check_out.map(|key| key.at);
    let decision = decide_status(
        &entry.windows,
        policy,
        Some(first.at),
        last_check_out,
        excused,
    );
    Some(AttendanceRecord {
        session_id: session,
        learner_id: learner,
        owner: entry.owner,
        status: decision.status,
        punctuality: decision.punctuality,
        credited_minutes: decision.credited_minutes,
        scheduled_minutes: entry.windows.scheduled_minutes,
        first_check_in: Some(first.at),
        last_check_out,
        check_in_scan_id: Some(first.scan_id()),
        check_out_scan_id: check_out.map(ScanKey::scan_id),
        walk_in,
        excused,
        provisional: !entry.ended,
        duplicate_scans: duplicate_count,
    })
}

/// Runs the checks of one scan that do not depend on the learner's other
/// scans, in the order their codes take precedence. The scan itself is read
/// only when a token or a location must be checked.
fn check_scan(
    judge: &Judge<'_, '_>,
    entry: &SessionEntry,
    key: &ScanKey,
    known_learner: bool,
) -> Result<(), Rejection> {
    let policy = judge.index.policy;
    if !known_learner {
        return Err(
            Rejection::new(codes::UNKNOWN_LEARNER).with("learner_id", key.learner_id().to_string())
        );
    }
    if entry.cancelled {
        let session = entry.id;
        return Err(
            Rejection::new(codes::SESSION_CANCELLED).with("session_id", session.to_string())
        );
    }
    let secret = judge
        .secret
        .as_ref()
        .filter(|_| policy.token.is_required_for(key.method()));
    if secret.is_some() || policy.geofence.radius_metres.is_some() {
        let scan = &judge.scans[key.index() as usize];
        check_token(secret, scan, policy)?;
        check_geofence(entry.venue_location, scan.location(), policy)?;
    }
    check_window(&entry.windows, key.direction(), key.at)
}

/// Fills `expected` with the learners expected at a held session, ordered
/// like scan keys: those who held a place in the course at its start, and
/// those with an excusal for it.
fn expected_learners(
    index: &Index<'_>,
    position: usize,
    entry: &SessionEntry,
    expected: &mut Vec<u128>,
) {
    expected.clear();
    if !entry.held() {
        return;
    }
    if let Some(course) = entry.course {
        let starts_at = entry.windows.starts_at;
        expected.extend(
            index.places[course]
                .iter()
                .filter(|place| place.covers(starts_at))
                .map(|place| place.learner.uuid().as_u128()),
        );
    }
    let excused = index.excused_at(position);
    if !excused.is_empty() {
        expected.extend(excused.iter().map(|(_, learner)| learner.uuid().as_u128()));
        expected.sort_unstable();
    }
    expected.dedup();
}

/// Adds the absent or excused record of an expected learner without an
/// accepted check-in.
fn push_unattended(
    judge: &mut Judge<'_, '_>,
    position: usize,
    entry: &SessionEntry,
    learner: u128,
) {
    let index = judge.index;
    let learner = LearnerId(uuid::Uuid::from_u128(learner));
    let excused = index.is_excused(position, learner);
    let decision = decide_status(&entry.windows, index.policy, None, None, excused);
    judge.push_record(AttendanceRecord {
        session_id: entry.id,
        learner_id: learner,
        owner: entry.owner,
        status: decision.status,
        punctuality: None,
        credited_minutes: 0,
        scheduled_minutes: entry.windows.scheduled_minutes,
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

/// Judges scans whose session is not known: each is rejected with
/// `unknown_session`, after the checks every scan gets first.
fn judge_unknown_sessions<'s>(
    judge: &mut Judge<'_, 's>,
    unknown: &[ScanKey],
    nonces: &mut Nonces<'s>,
) {
    let scans = judge.scans;
    let session_of = |key: &ScanKey| scans[key.index() as usize].session_id;
    let groups = unknown.chunk_by(|a, b| session_of(a) == session_of(b) && a.learner == b.learner);
    for group in groups {
        nonces.clear();
        let mut duplicate_count = 0;
        for key in group {
            let session = session_of(key);
            if settle_early(judge, key, session, nonces, &mut duplicate_count) {
                continue;
            }
            let rejection =
                Rejection::new(codes::UNKNOWN_SESSION).with("session_id", session.to_string());
            judge.out.rejected.push(key.rejected(rejection, session));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;

    fn scan(direction: &str, method: &str, nonce: Option<&str>) -> Scan {
        let mut fields = serde_json::json!({
            "id": "70000000-0000-4000-8000-000000000001",
            "session_id": "50000000-0000-4000-8000-000000000001",
            "learner_id": "20000000-0000-4000-8000-000000000001",
            "scanned_at": "2026-03-02T08:50:00+08:00",
            "direction": direction,
            "method": method,
        });
        if let Some(nonce) = nonce {
            fields["nonce"] = nonce.into();
        }
        Scan::from_json(&fields, &crate::problem::Path::root()).unwrap()
    }

    #[test]
    fn key_packs_index_and_flags() {
        let last_index = (1 << ScanKey::INDEX_BITS) - 1;
        for direction in ScanDirection::ALL {
            for method in ScanMethod::ALL {
                for nonce in [None, Some("n-1")] {
                    let scan = scan(direction.as_str(), method.as_str(), nonce);
                    let key = ScanKey::new(&scan, last_index);
                    assert_eq!(key.index(), last_index);
                    assert_eq!(key.direction(), *direction);
                    assert_eq!(key.method(), *method);
                    assert_eq!(key.has_nonce(), nonce.is_some());
                }
            }
        }
        assert_eq!(std::mem::size_of::<ScanKey>(), 48);
    }

    /// Builds a check-in of `learner` (last digit) with `id` (last digit)
    /// at 08:50, or a check-out at 10:00.
    fn scan_of(learner: u8, id: u8, check_out: bool) -> Scan {
        let fields = serde_json::json!({
            "id": format!("70000000-0000-4000-8000-00000000000{id}"),
            "session_id": "50000000-0000-4000-8000-000000000001",
            "learner_id": format!("20000000-0000-4000-8000-00000000000{learner}"),
            "scanned_at": if check_out { "2026-03-02T10:00:00+08:00" } else { "2026-03-02T08:50:00+08:00" },
            "direction": if check_out { "check_out" } else { "check_in" },
        });
        Scan::from_json(&fields, &crate::problem::Path::root()).unwrap()
    }

    #[test]
    fn sorted_keys_order_learner_time_id_position() {
        let scans = [
            scan_of(2, 1, false),
            scan_of(1, 2, true),
            scan_of(1, 4, false),
            scan_of(1, 3, false),
            scan_of(1, 3, false),
        ];
        let mut keys = Vec::new();
        let mut scratch = KeyScratch::default();
        sorted_keys(&mut keys, &mut scratch, &scans, [4, 3, 2, 1, 0], false);
        let order: Vec<u32> = keys.iter().map(ScanKey::index).collect();
        // Learner 1 first: the check-ins at 08:50 by id (the exact copies
        // of id 3 by position), then the check-out; then learner 2.
        assert_eq!(order, [3, 4, 2, 1, 0]);
    }

    #[test]
    fn sorted_keys_split_shared_prefixes() {
        // With four keys the two low bits of the learner's first 64 bits
        // number the keys, so learners 1 and 2 below share a prefix and
        // are ordered by the full comparison.
        let with_learner = |mut scan: Scan, learner: u128| {
            scan.learner_id = LearnerId(uuid::Uuid::from_u128(learner));
            scan
        };
        let first = 1 << 64 | 9;
        let second = 2 << 64 | 1;
        let third = 0x100 << 64;
        let scans = [
            with_learner(scan_of(1, 1, false), third),
            with_learner(scan_of(1, 2, false), second),
            with_learner(scan_of(1, 3, true), first),
            with_learner(scan_of(1, 4, false), first),
        ];
        let mut keys = Vec::new();
        let mut scratch = KeyScratch::default();
        sorted_keys(&mut keys, &mut scratch, &scans, [0, 1, 2, 3], false);
        let order: Vec<u32> = keys.iter().map(ScanKey::index).collect();
        assert_eq!(order, [3, 2, 1, 0]);
    }

    /// Compares `sorted_keys` with one sort by the full order on sessions
    /// of 0 to 20,000 scans. The learners' UUIDs share their first 8 bytes,
    /// differ in the bits that number the keys or only in the last bytes,
    /// and scans repeat ids, times, directions and nonces.
    #[test]
    fn sorted_keys_match_full_sort() {
        let shared = 0x1122_3344_5566_7788_u128 << 64;
        let learners = [
            shared,
            shared | 1,
            shared | u128::from(u64::MAX),
            shared ^ 1 << 64,
            shared ^ 0x3fff << 64,
            shared ^ 1 << 79,
            shared ^ 1 << 127,
            0,
            u128::MAX,
        ];
        let base = scan("check_in", "qr", None);
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |bound: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % bound
        };
        for count in [0, 1, 2, 3, 5, 64, 1000, 20_000] {
            let scans: Vec<Scan> = (0..count)
                .map(|_| {
                    let mut scan = base.clone();
                    scan.learner_id = LearnerId(uuid::Uuid::from_u128(learners[next(9) as usize]));
                    scan.id = ScanId(uuid::Uuid::from_u128(u128::from(next(count / 2 + 1))));
                    scan.scanned_at += chrono::Duration::seconds(next(3) as i64);
                    if next(2) == 1 {
                        scan.direction = ScanDirection::CheckOut;
                    }
                    if next(3) == 0 {
                        scan.nonce = Some(format!("n-{}", next(2)).into());
                    }
                    scan
                })
                .collect();
            let mut positions: Vec<u32> = (0..count as u32).collect();
            positions.reverse();

            let mut keys = Vec::new();
            let mut scratch = KeyScratch::default();
            sorted_keys(
                &mut keys,
                &mut scratch,
                &scans,
                positions.iter().copied(),
                false,
            );
            let order: Vec<u32> = keys.iter().map(ScanKey::index).collect();

            let mut expected = positions.clone();
            expected.sort_by(|&a, &b| {
                let (scan_a, scan_b) = (&scans[a as usize], &scans[b as usize]);
                ScanKey::new(scan_a, a)
                    .order(&ScanKey::new(scan_b, b))
                    .then_with(|| content_order(scan_a, scan_b))
                    .then(a.cmp(&b))
            });
            assert_eq!(order, expected, "{count} scans");
        }
    }

    /// The parallel path beside the serial one: the same judgements and
    /// course results for runs of one session, of a few sessions, and of
    /// all sessions at once.
    #[cfg(feature = "parallel")]
    mod runs {
        use super::*;
        use crate::attendance::engine::AttendanceInput;
        use crate::attendance::policy::AttendancePolicy;
        use crate::attendance::rate::{AssessmentResult, CourseResult};
        use crate::attendance::token::TokenKey;
        use crate::bundle::Bundle;

        /// Builds the index of `bundle` with `scans` in place of its own, and
        /// returns what `evaluate` judges with the course results it counts.
        fn judged_with(
            bundle: &Bundle,
            scans: &[Scan],
            as_of: DateTime<Utc>,
            key: Option<&TokenKey>,
            evaluate: impl FnOnce(
                &Index<'_>,
                &EvaluationSettings<'_>,
                &mut CourseTallies<'_>,
            ) -> ScanResults,
        ) -> (ScanResults, Vec<CourseResult>) {
            with_index(bundle, scans, as_of, key, |index, settings| {
                let mut tallies = CourseTallies::new(index);
                let out = evaluate(index, settings, &mut tallies);
                (out, tallies.into_results(index))
            })
        }

        /// Builds the index of `bundle` with `scans` in place of its own,
        /// at `as_of` with the default policy, and passes it with its
        /// settings to `with`.
        fn with_index<R>(
            bundle: &Bundle,
            scans: &[Scan],
            as_of: DateTime<Utc>,
            key: Option<&TokenKey>,
            with: impl FnOnce(&Index<'_>, &EvaluationSettings<'_>) -> R,
        ) -> R {
            let learners: Vec<LearnerId> = bundle.learners.iter().map(|l| l.id).collect();
            let assessments = AssessmentResult::from_outcomes(&bundle.outcomes);
            let input = AttendanceInput {
                scans,
                ..AttendanceInput::from_bundle(bundle, &learners, &assessments)
            };
            let policy = AttendancePolicy::default();
            let settings = EvaluationSettings {
                policy: &policy,
                as_of,
                token_key: key,
            };
            let index = Index::build(&input, &settings).unwrap();
            with(&index, &settings)
        }

        /// Judges `scans` with `bundle`'s sessions serially, or in runs of
        /// the weight given on the thread pool, in batches of the number of
        /// runs given.
        fn judged(
            bundle: &Bundle,
            scans: &[Scan],
            as_of: DateTime<Utc>,
            key: Option<&TokenKey>,
            runs: Option<(usize, usize)>,
        ) -> (ScanResults, Vec<CourseResult>) {
            judged_with(bundle, scans, as_of, key, |index, _, tallies| match runs {
                None => evaluate_with(index, scans, as_of, tallies, judge_serially),
                Some((weight, batch)) => evaluate_with(index, scans, as_of, tallies, |j, b, t| {
                    judge_in_runs(j, b, t, weight, batch);
                }),
            })
        }

        /// Asserts that every weight of runs gives the serial output, and
        /// returns it.
        fn assert_runs_agree(
            bundle: &Bundle,
            scans: &[Scan],
            as_of: DateTime<Utc>,
            key: Option<&TokenKey>,
        ) -> (ScanResults, Vec<CourseResult>) {
            let serial = judged(bundle, scans, as_of, key, None);
            let runs = [
                (1, 1),
                (1, BATCH_RUNS),
                (2, 5),
                (7, BATCH_RUNS),
                (100, 2),
                (5000, BATCH_RUNS),
                (usize::MAX, BATCH_RUNS),
            ];
            for (weight, batch) in runs {
                let parallel = judged(bundle, scans, as_of, key, Some((weight, batch)));
                // Not assert_eq: the debug form of a district is too long.
                assert!(
                    parallel.0 == serial.0,
                    "scans judged in runs of {weight}, batches of {batch}"
                );
                assert!(
                    parallel.1 == serial.1,
                    "courses counted after runs of {weight}, batches of {batch}"
                );
            }
            serial
        }

        fn district(learners: u32) -> (Bundle, DateTime<Utc>) {
            let params = crate::sample::SampleParams {
                learners,
                ..crate::sample::SampleParams::default()
            };
            let sample = crate::sample::generate(&params).unwrap();
            let as_of = sample.as_of;
            (sample.into_bundle(), as_of)
        }

        #[test]
        fn generated_districts_judge_alike() {
            let key = crate::sample::sample_token_key();
            for learners in [60, 300, 1200] {
                let (bundle, season_end) = district(learners);
                // At the season's end, and mid-season with sessions still
                // to come and scans in the future.
                for as_of in [season_end, season_end - chrono::Duration::days(40)] {
                    for key in [Some(&key), None] {
                        let (out, results) = assert_runs_agree(&bundle, &bundle.scans, as_of, key);
                        assert!(out.records.len() > learners as usize, "{learners} learners");
                        assert!(!out.rejected.is_empty(), "{learners} learners");
                        assert!(!out.duplicates.is_empty(), "{learners} learners");
                        assert!(results.iter().any(|result| result.attended_sessions > 0));
                    }
                }
            }
        }

        /// Moves tokens between sessions: a scan that needs a token gets the
        /// token of the scan 1,000 places later among those with one, when
        /// that scan is of another session. A token's HMAC covers its own
        /// session, so every moved check-in must be rejected, and a session
        /// judged with another session's secret would accept some of them.
        #[test]
        fn tokens_of_other_sessions_are_invalid() {
            use std::collections::HashSet;

            let key = crate::sample::sample_token_key();
            let policy = AttendancePolicy::default();
            let (bundle, as_of) = district(300);
            let (own, _) = assert_runs_agree(&bundle, &bundle.scans, as_of, Some(&key));

            let mut scans = bundle.scans.clone();
            let with_token: Vec<usize> = (0..scans.len())
                .filter(|&at| scans[at].token.is_some())
                .collect();
            let mut moved = HashSet::new();
            for (from, &to) in with_token.iter().enumerate() {
                let other = &bundle.scans[with_token[(from + 1000) % with_token.len()]];
                let scan = &mut scans[to];
                if other.session_id != scan.session_id && policy.token.is_required_for(scan.method)
                {
                    scan.token.clone_from(&other.token);
                    moved.insert(scan.id);
                }
            }
            // Counts the check-ins made by one of the moved scans.
            let moved_check_ins = |results: &ScanResults| {
                results
                    .records
                    .iter()
                    .filter_map(|record| record.check_in_scan_id)
                    .filter(|id| moved.contains(id))
                    .count()
            };
            let accepted_before = moved_check_ins(&own);
            assert!(accepted_before > 100, "{accepted_before} check-ins");

            let (swapped, _) = assert_runs_agree(&bundle, &scans, as_of, Some(&key));
            assert_eq!(moved_check_ins(&swapped), 0);
            let invalid = swapped
                .rejected
                .iter()
                .filter(|rejected| rejected.code.as_str() == "invalid_token")
                .filter(|rejected| moved.contains(&rejected.scan_id))
                .count();
            assert!(invalid >= accepted_before, "{invalid} invalid tokens");
        }

        /// Cuts a district's records into runs of uneven lengths, empty ones
        /// among them, and appends them in groups of one run, of a few runs,
        /// and of all runs at once.
        #[test]
        fn appended_records_keep_run_order() {
            let (bundle, as_of) = district(300);
            let (serial, _) = judged(&bundle, &bundle.scans, as_of, None, None);
            let records = serial.records;
            assert!(records.len() > 1000);
            let mut parts = Vec::new();
            let mut rest = records.as_slice();
            for length in [0, 1, 0, 0, 37, 2, 500, 0, 3].into_iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (part, after) = rest.split_at(length.min(rest.len()));
                parts.push(part.to_vec());
                rest = after;
            }
            parts.push(Vec::new());
            for group in [1, 4, parts.len()] {
                let mut joined = Vec::new();
                pool(2).install(|| {
                    for parts in parts.chunks(group) {
                        append_records(&mut joined, parts);
                    }
                });
                assert_eq!(joined.len(), records.len(), "groups of {group} runs");
                assert!(joined == records, "groups of {group} runs");
            }
        }

        /// Returns a check-in at the start of every session for every
        /// learner.
        fn walk_ins_everywhere(bundle: &Bundle) -> Vec<Scan> {
            let mut scans = Vec::new();
            for timed in &bundle.sessions {
                for learner in &bundle.learners {
                    let key = format!("{}-{}", timed.session.id, learner.id);
                    scans.push(Scan {
                        id: ScanId::derive("test", &key),
                        session_id: timed.session.id,
                        learner_id: learner.id,
                        scanned_at: timed.times.starts_at,
                        direction: ScanDirection::CheckIn,
                        method: ScanMethod::Qr,
                        token: None,
                        nonce: None,
                        origin: None,
                    });
                }
            }
            scans
        }

        /// Returns the estimated and the max records of all sessions.
        fn room_bounds(bundle: &Bundle, scans: &[Scan], as_of: DateTime<Utc>) -> (usize, usize) {
            with_index(bundle, scans, as_of, None, |index, _| {
                let buckets = bucket_by_session(index, scans);
                let sessions = 0..index.sessions.len();
                let max: usize = sessions
                    .clone()
                    .map(|position| max_records(index, &buckets, position))
                    .sum();
                (estimated_records(index, &buckets, &sessions), max)
            })
        }

        /// A max too large for any vector is refused like one that strict
        /// overcommit refuses, and the room stays as it was.
        #[test]
        fn refused_max_keeps_room() {
            let mut records = Vec::with_capacity(10);
            reserve_max(&mut records, 1000);
            assert!(records.capacity() >= 1000, "max reserved");

            let mut records = Vec::with_capacity(10);
            reserve_max(&mut records, usize::MAX);
            assert!(records.capacity() >= 10, "room kept");
            assert!(records.capacity() < 1000, "room kept");
        }

        /// The joined records get the estimate's room when they fit in it,
        /// and the max's room when every learner walks in to every session.
        #[test]
        fn joined_room_is_estimate_or_max() {
            let (bundle, as_of) = district(300);
            let (estimate, max) = room_bounds(&bundle, &bundle.scans, as_of);
            let (out, _) = judged(&bundle, &bundle.scans, as_of, None, Some((100, 2)));
            assert!(out.records.len() <= estimate);
            assert_eq!(out.records.capacity(), estimate, "estimate's room");
            assert!(estimate < max);

            let (mut bundle, as_of) = district(300);
            for course in &mut bundle.courses {
                course.walk_in = true;
            }
            let scans = walk_ins_everywhere(&bundle);
            let (estimate, max) = room_bounds(&bundle, &scans, as_of);
            let (out, _) = judged(&bundle, &scans, as_of, None, Some((100, 2)));
            assert!(out.records.len() > estimate);
            assert_eq!(out.records.capacity(), max, "max's room");
        }

        #[test]
        fn sessions_of_one_scan_or_none_judge_alike() {
            let (bundle, as_of) = district(300);
            let mut seen = std::collections::HashSet::new();
            let firsts: Vec<Scan> = bundle
                .scans
                .iter()
                .filter(|scan| seen.insert(scan.session_id))
                .cloned()
                .collect();
            assert!(firsts.len() > 10);
            let (out, _) = assert_runs_agree(&bundle, &firsts, as_of, None);
            assert!(
                out.records
                    .iter()
                    .any(|record| record.check_in_scan_id.is_some())
            );

            let (out, results) = assert_runs_agree(&bundle, &[], as_of, None);
            assert!(out.rejected.is_empty());
            assert!(out.duplicates.is_empty());
            assert!(!out.records.is_empty());
            assert!(!results.is_empty());
        }

        /// Every known session gets an exact copy of its first scan (a
        /// repeated scan) and a scan after the evaluation time (rejected),
        /// so every run, first and last sessions included, has both.
        #[test]
        fn rejected_and_duplicates_in_every_run_judge_alike() {
            let (bundle, as_of) = district(300);
            let mut seen = std::collections::HashSet::new();
            let mut scans = bundle.scans.clone();
            for scan in &bundle.scans {
                if seen.insert(scan.session_id) {
                    let mut late = scan.clone();
                    late.id = ScanId::derive("test", &format!("late-{}", scan.id));
                    late.scanned_at = as_of + chrono::Duration::hours(1);
                    scans.push(late);
                    scans.push(scan.clone());
                }
            }
            let key = crate::sample::sample_token_key();
            let (out, _) = assert_runs_agree(&bundle, &scans, as_of, Some(&key));
            let future = out
                .rejected
                .iter()
                .filter(|rejected| rejected.code == codes::SCAN_IN_FUTURE)
                .count();
            assert!(future >= seen.len());
            let repeated = out
                .duplicates
                .iter()
                .filter(|duplicate| duplicate.kind == DuplicateKind::RepeatedScan)
                .count();
            assert!(repeated >= seen.len());
        }

        #[test]
        fn runs_cover_sessions_in_order() {
            let (bundle, as_of) = district(60);
            with_index(&bundle, &bundle.scans, as_of, None, |index, _| {
                let buckets = bucket_by_session(index, &bundle.scans);
                let sessions = index.sessions.len();
                assert!(sessions > 1);
                for weight in [1, 50, 5000, usize::MAX] {
                    let runs = session_runs(index, &buckets, weight);
                    let joined: Vec<usize> = runs.iter().flat_map(Clone::clone).collect();
                    assert_eq!(joined, (0..sessions).collect::<Vec<_>>(), "weight {weight}");
                    assert!(runs.iter().all(|run| !run.is_empty()));
                    match weight {
                        1 => assert_eq!(runs.len(), sessions),
                        usize::MAX => assert_eq!(runs.len(), 1),
                        _ => {}
                    }
                }

                // No session has more records than its max.
                let (out, _) = judged(&bundle, &bundle.scans, as_of, None, None);
                let mut judged_records = vec![0; sessions];
                for record in &out.records {
                    judged_records[index.session_by_id[&record.session_id]] += 1;
                }
                assert!(judged_records.iter().any(|count| *count > 0));
                for (position, count) in judged_records.into_iter().enumerate() {
                    let max = max_records(index, &buckets, position);
                    assert!(
                        count <= max,
                        "session {position}: {count} records, max {max}"
                    );
                }
            });
        }

        #[test]
        fn estimated_records_stay_within_bounds() {
            let (bundle, as_of) = district(300);
            with_index(&bundle, &bundle.scans, as_of, None, |index, _| {
                let buckets = bucket_by_session(index, &bundle.scans);
                let mut below_max = 0;
                for position in 0..index.sessions.len() {
                    let estimate = estimated_records(index, &buckets, &(position..position + 1));
                    let expected = expected_count(index, position);
                    let max = max_records(index, &buckets, position);
                    assert!(estimate >= expected, "session {position}");
                    assert!(estimate <= max + max / 8, "session {position}");
                    if estimate < max {
                        below_max += 1;
                    }
                }
                // Sessions with scans reserve less than their max.
                assert!(below_max > index.sessions.len() / 2);
            });
        }

        /// Every course takes walk-ins and every learner checks in at the
        /// start of every session without checking out, so a session writes
        /// one record per scan, where its estimate allows for about half
        /// the scans plus an eighth. The runs grow their vectors and still
        /// give the serial output, on pools of one, two and three threads,
        /// at the season's end and while some sessions are in progress.
        #[test]
        fn runs_beyond_estimate_judge_alike() {
            let (mut bundle, season_end) = district(300);
            for course in &mut bundle.courses {
                course.walk_in = true;
            }
            let scans = walk_ins_everywhere(&bundle);
            let mut starts: Vec<DateTime<Utc>> = bundle
                .sessions
                .iter()
                .map(|timed| timed.times.starts_at)
                .collect();
            starts.sort_unstable();
            let in_progress = starts[starts.len() / 2] + chrono::Duration::minutes(5);

            for as_of in [season_end, in_progress] {
                let (serial, _) = assert_runs_agree(&bundle, &scans, as_of, None);
                let (beyond, sessions) = with_index(&bundle, &scans, as_of, None, |index, _| {
                    let buckets = bucket_by_session(index, &scans);
                    let mut judged_records = vec![0; index.sessions.len()];
                    for record in &serial.records {
                        judged_records[index.session_by_id[&record.session_id]] += 1;
                    }
                    let beyond = judged_records
                        .iter()
                        .enumerate()
                        .filter(|(position, count)| {
                            **count
                                > estimated_records(index, &buckets, &(*position..*position + 1))
                        })
                        .count();
                    (beyond, index.sessions.len())
                });
                assert!(
                    beyond > sessions / 4,
                    "{beyond} of {sessions} sessions outgrew their estimate at {as_of}"
                );
                if as_of == in_progress {
                    let provisional = serial.records.iter().filter(|r| r.provisional).count();
                    assert!(provisional > 0, "no session in progress at {as_of}");
                }

                let evaluate = || {
                    judged_with(&bundle, &scans, as_of, None, |index, settings, tallies| {
                        evaluate_scans(index, &scans, settings, tallies)
                    })
                };
                let one = pool(1).install(evaluate);
                for threads in [2, 3] {
                    let other = pool(threads).install(evaluate);
                    // Not assert_eq: the debug form of a district is too long.
                    assert!(one.0 == other.0, "scans judged alike on {threads} threads");
                    assert!(
                        one.1 == other.1,
                        "courses counted alike on {threads} threads"
                    );
                }
                assert!(
                    one.0 == serial,
                    "pool of one thread gives the serial output"
                );
            }
        }

        use crate::test_pool::pool;

        /// Folds every scan id into 64 bits, as `bucket_by_session` does.
        fn folds_of(scans: &[Scan]) -> Vec<u64> {
            scans
                .iter()
                .map(|scan| {
                    let id = scan.id.uuid().as_u128();
                    (id as u64) ^ ((id >> 64) as u64)
                })
                .collect()
        }

        /// Finds the shared ids of `scans` on a pool of one thread, which
        /// sorts the folds with the standard library, and on a pool of
        /// three, which sorts them with rayon, and asserts that both agree.
        fn shared_ids_on_pools(scans: &[Scan]) -> HashMap<u32, SharedId> {
            let one = pool(1).install(|| shared_ids(scans, folds_of(scans)));
            let three = pool(3).install(|| shared_ids(scans, folds_of(scans)));
            assert_eq!(one, three);
            one
        }

        /// One id carries an 08:50 check-in and an 08:55 one, each given
        /// twice. The 08:50 content sorts first and keeps the id, the first
        /// 08:55 scan in input order conflicts with it, and both later
        /// copies are repeats.
        #[test]
        fn shared_ids_alike_on_any_pool() {
            let early = scan_of(1, 1, false);
            let mut late = early.clone();
            late.scanned_at += chrono::Duration::minutes(5);
            let scans = [
                late.clone(),
                early.clone(),
                scan_of(1, 2, false),
                late,
                early,
            ];
            let shared = shared_ids_on_pools(&scans);
            assert_eq!(shared.len(), 3);
            assert_eq!(shared.get(&0), Some(&SharedId::Conflict));
            assert_eq!(shared.get(&3), Some(&SharedId::Repeat));
            assert_eq!(shared.get(&4), Some(&SharedId::Repeat));

            assert!(shared_ids_on_pools(&[]).is_empty());
            assert!(shared_ids_on_pools(&scans[1..3]).is_empty());
        }

        /// 20,000 scans with distinct ids, enough for rayon's sort to split,
        /// then an exact copy of every 1000th scan and a copy one second
        /// later of every 1000th scan from the 501st on.
        #[test]
        fn shared_ids_found_among_many() {
            let count = 20_000;
            let base = scan_of(1, 1, false);
            let mut scans: Vec<Scan> = (0..count)
                .map(|position| {
                    let mut scan = base.clone();
                    let id = (position as u128 + 1)
                        .wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835);
                    scan.id = ScanId(uuid::Uuid::from_u128(id));
                    scan
                })
                .collect();
            for position in (0..count).step_by(1000) {
                scans.push(scans[position].clone());
            }
            for position in (501..count).step_by(1000) {
                let mut later = scans[position].clone();
                later.scanned_at += chrono::Duration::seconds(1);
                scans.push(later);
            }
            let shared = shared_ids_on_pools(&scans);
            assert_eq!(shared.len(), 40);
            for (offset, copy) in (count..count + 20).enumerate() {
                let copy = copy as u32;
                assert_eq!(shared.get(&copy), Some(&SharedId::Repeat), "copy {offset}");
            }
            for (offset, later) in (count + 20..count + 40).enumerate() {
                let later = later as u32;
                assert_eq!(
                    shared.get(&later),
                    Some(&SharedId::Conflict),
                    "later {offset}"
                );
            }
        }

        /// A district with an exact copy of every 50th scan of a known
        /// session and a copy one second later of every 50th from the 25th
        /// on: pools of one and of three threads judge it alike, with one
        /// repeated scan per copy and one conflict per later copy.
        #[test]
        fn repeated_ids_judge_alike_on_any_pool() {
            let (bundle, as_of) = district(300);
            let known: std::collections::HashSet<SessionId> = bundle
                .sessions
                .iter()
                .map(|timed| timed.session.id)
                .collect();
            let mut scans = bundle.scans.clone();
            let mut copies = 0;
            let mut conflicts = 0;
            for (position, scan) in bundle.scans.iter().enumerate() {
                if !known.contains(&scan.session_id) {
                    continue;
                }
                if position % 50 == 0 {
                    scans.push(scan.clone());
                    copies += 1;
                } else if position % 50 == 25 {
                    let mut later = scan.clone();
                    later.scanned_at += chrono::Duration::seconds(1);
                    scans.push(later);
                    conflicts += 1;
                }
            }
            assert!(copies > 10);
            assert!(conflicts > 10);

            let evaluate = || {
                judged_with(&bundle, &scans, as_of, None, |index, settings, tallies| {
                    evaluate_scans(index, &scans, settings, tallies)
                })
            };
            let one = pool(1).install(evaluate);
            let three = pool(3).install(evaluate);
            // Not assert_eq: the debug form of a district is too long.
            assert!(one.0 == three.0, "scans judged alike");
            assert!(one.1 == three.1, "courses counted alike");

            let repeated = one
                .0
                .duplicates
                .iter()
                .filter(|duplicate| duplicate.kind == DuplicateKind::RepeatedScan)
                .count();
            assert_eq!(repeated, copies);
            let conflicting = one
                .0
                .rejected
                .iter()
                .filter(|rejected| rejected.code == codes::CONFLICTING_SCAN_ID)
                .count();
            assert_eq!(conflicting, conflicts);
        }
    }

    #[test]
    fn key_orders_check_in_first() {
        let check_in = ScanKey::new(&scan("check_in", "qr", None), 1);
        let check_out = ScanKey::new(&scan("check_out", "qr", None), 0);
        assert_eq!(check_in.order(&check_out), Ordering::Less);
        assert_eq!(check_out.order(&check_in), Ordering::Greater);
    }
}
