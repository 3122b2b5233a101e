//! Linking the rows of a bundle: duplicate ids, references between files,
//! the venue tree, categories and session times.

use std::hash::Hash;

use chrono_tz::Tz;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::field::FieldValue;
use crate::id::{ClubId, CourseId, InstructorId, LearnerId, SessionId, VenueId};
use crate::model::{CategoryDef, ClubMember, Taxonomy, Venue, VenueTier};
use crate::problem::Problem;
use crate::schedule::{TimedSession, session_times};

use super::read::{line_path, locate};
use super::{Bundle, FileReport, RawRows, ReadReport, Row, codes};

/// Links `rows` into `bundle`, rejecting rows whose ids repeat or whose
/// references do not resolve.
///
/// Scans refer to no row that linking may reject, so they are checked on
/// their own, and with `in_parallel` at the same time as the other files on
/// the rayon thread pool. Their problems come last either way.
pub(super) fn link(
    mut rows: RawRows,
    bundle: &mut Bundle,
    report: &mut ReadReport,
    in_parallel: bool,
) {
    let file = "scans.csv";
    let scans = std::mem::take(&mut rows.scans);
    // The scans get a report of their own, holding the counts of their
    // file, so that the two sides share nothing while they run.
    let mut scans_report = ReadReport::default();
    let scans_counts = report.files.iter().position(|counts| counts.file == file);
    if let Some(position) = scans_counts {
        let counts = std::mem::replace(&mut report.files[position], FileReport::new(file));
        scans_report.files.push(counts);
    }
    let link_scans = |scans_report: &mut ReadReport| {
        let mut linker = Linker {
            report: scans_report,
        };
        #[cfg(feature = "parallel")]
        if in_parallel {
            return records(linker.unique_parallel(file, scans, |scan| scan.id));
        }
        records(linker.unique(file, scans, |scan| scan.id))
    };

    #[cfg(feature = "parallel")]
    let linked_scans = if in_parallel {
        rayon::join(
            || link_scans(&mut scans_report),
            || link_others(rows, bundle, report),
        )
        .0
    } else {
        link_others(rows, bundle, report);
        link_scans(&mut scans_report)
    };
    #[cfg(not(feature = "parallel"))]
    let linked_scans = {
        let _ = in_parallel;
        link_others(rows, bundle, report);
        link_scans(&mut scans_report)
    };

    bundle.scans = linked_scans;
    report.problems.append(&mut scans_report.problems);
    if let (Some(position), Some(counts)) = (scans_counts, scans_report.files.pop()) {
        report.files[position] = counts;
    }
}

/// Links the rows of every file but the scans.
fn link_others(rows: RawRows, bundle: &mut Bundle, report: &mut ReadReport) {
    let mut linker = Linker { report };

    bundle.categories = records(linker.categories(rows.categories));
    let taxonomy = Taxonomy::extended(&bundle.categories).unwrap_or_default();

    bundle.venues = records(linker.venues(rows.venues));
    let venue_zones: FxHashMap<VenueId, Tz> = bundle
        .venues
        .iter()
        .map(|venue| (venue.id, venue.time_zone))
        .collect();

    let file = "learners.csv";
    let learners = linker.unique(file, rows.learners, |learner| learner.id);
    bundle.learners = records(linker.keep(file, learners, |learner, check| {
        check.optional(
            "home_venue_id",
            learner.home_venue_id,
            &venue_zones,
            "venues.csv",
        );
    }));
    let learner_ids: FxHashSet<LearnerId> =
        bundle.learners.iter().map(|learner| learner.id).collect();

    let file = "instructors.csv";
    let instructors = linker.unique(file, rows.instructors, |instructor| instructor.id);
    bundle.instructors = records(linker.keep(file, instructors, |instructor, check| {
        check.optional(
            "home_venue_id",
            instructor.home_venue_id,
            &venue_zones,
            "venues.csv",
        );
    }));
    let instructor_ids: FxHashSet<InstructorId> = bundle
        .instructors
        .iter()
        .map(|instructor| instructor.id)
        .collect();

    let file = "clubs.csv";
    let clubs = linker.unique(file, rows.clubs, |club| club.id);
    bundle.clubs = records(linker.keep(file, clubs, |club, check| {
        check.optional(
            "community_venue_id",
            club.community_venue_id,
            &venue_zones,
            "venues.csv",
        );
        check.optional(
            "guiding_venue_id",
            club.guiding_venue_id,
            &venue_zones,
            "venues.csv",
        );
    }));
    let club_ids: FxHashSet<ClubId> = bundle.clubs.iter().map(|club| club.id).collect();

    bundle.club_members = records(linker.club_members(rows.club_members, &club_ids, &learner_ids));

    let file = "courses.csv";
    let courses = linker.unique(file, rows.courses, |course| course.id);
    bundle.courses = records(linker.keep(file, courses, |course, check| {
        check.required(
            "provider_venue_id",
            course.provider_venue_id,
            &venue_zones,
            "venues.csv",
        );
        if !taxonomy.contains(&course.category) {
            check.problem(
                Problem::new(
                    crate::model::codes::UNKNOWN_CATEGORY,
                    check.path("category"),
                )
                .with("field", "category")
                .with("value", course.category.as_str()),
            );
        }
    }));
    let course_ids: FxHashSet<CourseId> = bundle.courses.iter().map(|course| course.id).collect();

    let file = "sessions.csv";
    let sessions = linker.unique(file, rows.sessions, |session| session.id);
    let sessions = linker.keep(file, sessions, |session, check| {
        check.optional("course_id", session.course_id(), &course_ids, "courses.csv");
        check.optional("club_id", session.club_id(), &club_ids, "clubs.csv");
        check.required("venue_id", session.venue_id, &venue_zones, "venues.csv");
        for instructor in &session.instructor_ids {
            check.required(
                "instructor_ids",
                *instructor,
                &instructor_ids,
                "instructors.csv",
            );
        }
    });
    bundle.sessions = linker.timed(file, sessions, &venue_zones);
    let session_ids: FxHashSet<SessionId> = bundle
        .sessions
        .iter()
        .map(|timed| timed.session.id)
        .collect();

    let file = "enrolments.csv";
    let enrolments = linker.unique(file, rows.enrolments, |enrolment| enrolment.id);
    bundle.enrolments = records(linker.keep(file, enrolments, |enrolment, check| {
        check.required(
            "learner_id",
            enrolment.learner_id,
            &learner_ids,
            "learners.csv",
        );
        check.required("course_id", enrolment.course_id, &course_ids, "courses.csv");
    }));

    let file = "excusals.csv";
    let excusals = linker.unique(file, rows.excusals, |excusal| excusal.id);
    bundle.excusals = records(linker.keep(file, excusals, |excusal, check| {
        check.required(
            "learner_id",
            excusal.learner_id,
            &learner_ids,
            "learners.csv",
        );
        check.required(
            "session_id",
            excusal.session_id,
            &session_ids,
            "sessions.csv",
        );
    }));

    let file = "outcomes.csv";
    let outcomes = linker.unique(file, rows.outcomes, |outcome| outcome.id);
    bundle.outcomes = records(linker.keep(file, outcomes, |outcome, check| {
        check.required(
            "learner_id",
            outcome.learner_id,
            &learner_ids,
            "learners.csv",
        );
        check.optional("course_id", outcome.course_id, &course_ids, "courses.csv");
        check.optional("club_id", outcome.club_id, &club_ids, "clubs.csv");
        check.optional(
            "session_id",
            outcome.session_id,
            &session_ids,
            "sessions.csv",
        );
        if let Some(category) = &outcome.details().category
            && !taxonomy.contains(category)
        {
            check.problem(
                Problem::new(
                    crate::model::codes::UNKNOWN_CATEGORY,
                    check.path("category"),
                )
                .with("field", "category")
                .with("value", category.as_str()),
            );
        }
    }));
}

/// Returns the problem of a row whose id an earlier row already has.
fn duplicate_key(file: &str, line: u64, id: &impl FieldValue, first_line: u64) -> Problem {
    let problem = Problem::new(codes::DUPLICATE_KEY, line_path(file, line).join("id"))
        .with("value", id.to_text())
        .with("first_line", first_line);
    locate(problem, file, line)
}

/// Finds the rows whose id an earlier row already has, and returns their
/// positions with the line of the first row of that id, in row order.
///
/// The ids are split into shards by their hash, so that all rows of one id
/// fall in one shard, and each shard keeps its own map of first lines on
/// its own rayon task. Every shard visits its rows in row order, so the
/// first row of an id is the one kept, as in [`Linker::unique`].
#[cfg(feature = "parallel")]
fn find_duplicates<T: Sync, Id: Eq + Hash + Send>(
    rows: &[Row<T>],
    id_of: &(impl Fn(&T) -> Id + Sync),
) -> Vec<(usize, u64)> {
    use std::collections::hash_map::Entry;
    use std::hash::BuildHasher;

    use rayon::prelude::*;

    const SHARDS: usize = 16;
    const CHUNK_ROWS: usize = 1 << 16;
    // The shard comes from the top bits of the hash multiplied again, so
    // that it does not repeat the bits the maps use to place their keys.
    let shard_of = |id: &Id| {
        let hash = rustc_hash::FxBuildHasher.hash_one(id);
        (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 60) as usize % SHARDS
    };
    // For each chunk of rows, the positions that fall in each shard.
    let positions: Vec<Vec<Vec<usize>>> = rows
        .par_chunks(CHUNK_ROWS)
        .enumerate()
        .map(|(chunk, chunk_rows)| {
            let mut shards = vec![Vec::new(); SHARDS];
            for (offset, row) in chunk_rows.iter().enumerate() {
                shards[shard_of(&id_of(&row.record))].push(chunk * CHUNK_ROWS + offset);
            }
            shards
        })
        .collect();
    let mut duplicates: Vec<(usize, u64)> = (0..SHARDS)
        .into_par_iter()
        .flat_map_iter(|shard| {
            let count = positions.iter().map(|shards| shards[shard].len()).sum();
            let mut first_lines: FxHashMap<Id, u64> =
                FxHashMap::with_capacity_and_hasher(count, Default::default());
            let mut found = Vec::new();
            for &position in positions.iter().flat_map(|shards| &shards[shard]) {
                let row = &rows[position];
                match first_lines.entry(id_of(&row.record)) {
                    Entry::Occupied(first) => found.push((position, *first.get())),
                    Entry::Vacant(slot) => {
                        slot.insert(row.line);
                    }
                }
            }
            found
        })
        .collect();
    duplicates.sort_unstable_by_key(|&(position, _)| position);
    duplicates
}

fn records<T>(rows: Vec<Row<T>>) -> Vec<T> {
    rows.into_iter().map(|row| row.record).collect()
}

/// A set of known ids, whatever it maps them to.
trait Known<Id> {
    fn knows(&self, id: &Id) -> bool;
}

impl<Id: Eq + Hash> Known<Id> for FxHashSet<Id> {
    fn knows(&self, id: &Id) -> bool {
        self.contains(id)
    }
}

impl<Id: Eq + Hash, V> Known<Id> for FxHashMap<Id, V> {
    fn knows(&self, id: &Id) -> bool {
        self.contains_key(id)
    }
}

/// Collects the problems of one row while its references are checked.
struct RowCheck<'a> {
    file: &'a str,
    line: u64,
    problems: Vec<Problem>,
}

impl RowCheck<'_> {
    fn path(&self, field: &'static str) -> crate::problem::Path {
        line_path(self.file, self.line).join(field)
    }

    fn problem(&mut self, problem: Problem) {
        self.problems.push(locate(problem, self.file, self.line));
    }

    fn required<Id: FieldValue>(
        &mut self,
        field: &'static str,
        id: Id,
        known: &impl Known<Id>,
        target: &str,
    ) {
        if !known.knows(&id) {
            let problem = Problem::new(codes::UNKNOWN_REFERENCE, self.path(field))
                .with("field", field)
                .with("value", id.to_text())
                .with("target", target);
            self.problem(problem);
        }
    }

    fn optional<Id: FieldValue>(
        &mut self,
        field: &'static str,
        id: Option<Id>,
        known: &impl Known<Id>,
        target: &str,
    ) {
        if let Some(id) = id {
            self.required(field, id, known, target);
        }
    }
}

struct Linker<'a> {
    report: &'a mut ReadReport,
}

impl Linker<'_> {
    /// Moves a row from accepted to rejected in the file's counts.
    fn reject(&mut self, file: &str, problems: impl IntoIterator<Item = Problem>) {
        self.report.problems.extend(problems);
        if let Some(counts) = self.report.file_mut(file) {
            counts.rows_accepted = counts.rows_accepted.saturating_sub(1);
            counts.rows_rejected += 1;
        }
    }

    /// Keeps the first row of each id and rejects the later ones.
    fn unique<T, Id: Eq + Hash + FieldValue>(
        &mut self,
        file: &str,
        rows: Vec<Row<T>>,
        id_of: impl Fn(&T) -> Id,
    ) -> Vec<Row<T>> {
        let mut first_lines: FxHashMap<Id, u64> =
            FxHashMap::with_capacity_and_hasher(rows.len(), Default::default());
        // Filtering in place moves no row unless an earlier one was
        // rejected, where a second vector would copy every row.
        let mut rows = rows;
        rows.retain(|row| {
            let id = id_of(&row.record);
            if let Some(first_line) = first_lines.get(&id) {
                self.reject(file, [duplicate_key(file, row.line, &id, *first_line)]);
                return false;
            }
            first_lines.insert(id, row.line);
            true
        });
        rows
    }

    /// Keeps the first row of each id and rejects the later ones, as
    /// [`Linker::unique`] does, with the ids compared on the rayon thread
    /// pool.
    #[cfg(feature = "parallel")]
    fn unique_parallel<T: Sync, Id: Eq + Hash + FieldValue + Send>(
        &mut self,
        file: &str,
        rows: Vec<Row<T>>,
        id_of: impl Fn(&T) -> Id + Sync,
    ) -> Vec<Row<T>> {
        let duplicates = find_duplicates(&rows, &id_of);
        if duplicates.is_empty() {
            return rows;
        }
        for &(position, first_line) in &duplicates {
            let row = &rows[position];
            let id = id_of(&row.record);
            self.reject(file, [duplicate_key(file, row.line, &id, first_line)]);
        }
        let mut rows = rows;
        let mut duplicates = duplicates.iter().map(|&(position, _)| position).peekable();
        let mut position = 0;
        rows.retain(|_| {
            let duplicate = duplicates.next_if_eq(&position).is_some();
            position += 1;
            !duplicate
        });
        rows
    }

    /// Keeps the rows that pass `check` and rejects the others.
    fn keep<T>(
        &mut self,
        file: &str,
        rows: Vec<Row<T>>,
        mut check: impl FnMut(&T, &mut RowCheck<'_>),
    ) -> Vec<Row<T>> {
        let mut rows = rows;
        rows.retain(|row| {
            let mut row_check = RowCheck {
                file,
                line: row.line,
                problems: Vec::new(),
            };
            check(&row.record, &mut row_check);
            if row_check.problems.is_empty() {
                true
            } else {
                self.reject(file, row_check.problems);
                false
            }
        });
        rows
    }

    fn categories(&mut self, rows: Vec<Row<CategoryDef>>) -> Vec<Row<CategoryDef>> {
        let file = "categories.csv";
        let rows = self.unique(file, rows, |definition| definition.key.clone());
        let built_in = Taxonomy::built_in();
        // A category whose parent was itself rejected is rejected too, so
        // passes repeat until none is; each pass keeps fewer rows or ends.
        let mut kept = rows;
        loop {
            let before = kept.len();
            let defined: FxHashSet<_> = kept.iter().map(|row| row.record.key.clone()).collect();
            kept = self.keep(file, kept, |definition, check| {
                if let Some(parent) = &definition.parent
                    && !defined.contains(parent)
                    && !built_in.contains(parent)
                {
                    check.problem(
                        Problem::new(crate::model::codes::UNKNOWN_CATEGORY, check.path("parent"))
                            .with("field", "parent")
                            .with("value", parent.as_str()),
                    );
                }
            });
            if kept.len() == before {
                return kept;
            }
        }
    }

    fn venues(&mut self, rows: Vec<Row<Venue>>) -> Vec<Row<Venue>> {
        let file = "venues.csv";
        let rows = self.unique(file, rows, |venue| venue.id);
        let tiers: FxHashMap<VenueId, VenueTier> = rows
            .iter()
            .map(|row| (row.record.id, row.record.tier))
            .collect();
        let kept = self.keep(file, rows, |venue, check| {
            let Some(parent) = venue.parent_id else {
                return;
            };
            match tiers.get(&parent) {
                None => check.required("parent_id", parent, &tiers, file),
                Some(parent_tier) if !parent_tier_allowed(venue.tier, *parent_tier) => {
                    check.problem(
                        Problem::new(codes::INVALID_PARENT_TIER, check.path("parent_id"))
                            .with("tier", venue.tier.as_str())
                            .with("parent_tier", parent_tier.as_str()),
                    );
                }
                Some(_) => {}
            }
        });
        // A venue whose parent was itself rejected is rejected too. Parents
        // are of a higher tier, so this takes at most one pass per tier.
        let mut kept = kept;
        loop {
            let before = kept.len();
            let ids: FxHashSet<VenueId> = kept.iter().map(|row| row.record.id).collect();
            kept = self.keep(file, kept, |venue, check| {
                check.optional("parent_id", venue.parent_id, &ids, file);
            });
            if kept.len() == before {
                return kept;
            }
        }
    }

    /// Keeps the memberships whose club and learner are known and that do
    /// not overlap an earlier kept row of the same learner and club.
    fn club_members(
        &mut self,
        rows: Vec<Row<ClubMember>>,
        club_ids: &FxHashSet<ClubId>,
        learner_ids: &FxHashSet<LearnerId>,
    ) -> Vec<Row<ClubMember>> {
        let file = "club_members.csv";
        let mut kept: Vec<Row<ClubMember>> = Vec::with_capacity(rows.len());
        let mut kept_by_person: FxHashMap<(ClubId, LearnerId), Vec<usize>> = FxHashMap::default();
        for row in rows {
            let member = &row.record;
            let mut check = RowCheck {
                file,
                line: row.line,
                problems: Vec::new(),
            };
            check.required("club_id", member.club_id, club_ids, "clubs.csv");
            check.required("learner_id", member.learner_id, learner_ids, "learners.csv");
            let person = (member.club_id, member.learner_id);
            let earlier = kept_by_person
                .get(&person)
                .into_iter()
                .flatten()
                .map(|&position| &kept[position])
                .find(|other| other.record.overlaps(member.joined_on, member.left_on));
            if let Some(earlier) = earlier {
                let problem = Problem::new(
                    crate::club::codes::MEMBERSHIP_OVERLAP,
                    check.path("joined_on"),
                )
                .with("learner", member.learner_id.to_text())
                .with("joined_on", earlier.record.joined_on.to_string())
                .with("other_line", earlier.line);
                check.problem(problem);
            }
            if check.problems.is_empty() {
                kept_by_person.entry(person).or_default().push(kept.len());
                kept.push(row);
            } else {
                self.reject(file, check.problems);
            }
        }
        kept
    }

    fn timed(
        &mut self,
        file: &str,
        sessions: Vec<Row<crate::model::Session>>,
        venue_zones: &FxHashMap<VenueId, Tz>,
    ) -> Vec<TimedSession> {
        let mut timed = Vec::with_capacity(sessions.len());
        for Row {
            line,
            record: session,
        } in sessions
        {
            match session_times(&session, venue_zones.get(&session.venue_id).copied()) {
                Ok(times) => timed.push(TimedSession { session, times }),
                Err(problems) => {
                    let located: Vec<Problem> = problems
                        .into_iter()
                        .map(|mut problem| {
                            let mut segments = vec![file.to_owned().into()];
                            segments.push(line.into());
                            segments.extend(problem.path.0);
                            problem.path = crate::problem::Path(segments);
                            locate(problem, file, line)
                        })
                        .collect();
                    self.reject(file, located);
                }
            }
        }
        timed
    }
}

/// Whether a venue of `tier` may belong to a venue of `parent_tier`: each
/// tier belongs to a higher one (district, street, community, cultural hall,
/// in that order), and an online venue may belong to any venue but an online
/// one. Because every step up the tree goes to a strictly higher tier, the
/// venue tree cannot contain a cycle.
fn parent_tier_allowed(tier: VenueTier, parent_tier: VenueTier) -> bool {
    let rank = |tier: VenueTier| match tier {
        VenueTier::District => 0,
        VenueTier::Street => 1,
        VenueTier::Community => 2,
        VenueTier::CulturalHall => 3,
        VenueTier::Online => 4,
    };
    tier == VenueTier::Online && parent_tier != VenueTier::Online || rank(parent_tier) < rank(tier)
}

#[cfg(all(test, feature = "parallel"))]
mod tests {
    use std::collections::BTreeSet;

    use uuid::Uuid;

    use super::*;
    use crate::id::ScanId;

    const FILE: &str = "scans.csv";
    const ROWS: u64 = 200_000;

    /// Returns the id key of row `n`. Every fifth row repeats the key of an
    /// earlier row, often one that is several chunks of rows away, and some
    /// keys come three times or more.
    fn key_of(n: u64) -> u64 {
        match n % 10 {
            0 => n / 2,
            5 => n / 3,
            _ => n,
        }
    }

    fn rows() -> Vec<Row<ScanId>> {
        (0..ROWS)
            .map(|n| Row {
                line: n + 2,
                record: ScanId::from(Uuid::from_u128(u128::from(key_of(n)))),
            })
            .collect()
    }

    /// Links the rows with `unique` or `unique_parallel` and returns the
    /// lines kept and the report.
    fn link_rows(parallel: bool) -> (Vec<u64>, ReadReport) {
        let mut report = ReadReport::default();
        let mut counts = FileReport::new(FILE);
        counts.rows_read = ROWS;
        counts.rows_accepted = ROWS;
        report.files.push(counts);
        let mut linker = Linker {
            report: &mut report,
        };
        let kept = if parallel {
            linker.unique_parallel(FILE, rows(), |id| *id)
        } else {
            linker.unique(FILE, rows(), |id| *id)
        };
        let lines = kept.iter().map(|row| row.line).collect();
        (lines, report)
    }

    #[test]
    fn unique_parallel_matches_unique() {
        let distinct: BTreeSet<u64> = (0..ROWS).map(key_of).collect();
        let duplicates = ROWS - distinct.len() as u64;
        assert!(duplicates > 10_000, "{duplicates} duplicates");

        let (expected_lines, expected_report) = link_rows(false);
        assert_eq!(expected_lines.len() as u64, distinct.len() as u64);
        assert_eq!(expected_report.problems.len() as u64, duplicates);
        assert_eq!(expected_report.files[0].rows_rejected, duplicates);

        for threads in [1, 3] {
            let pool = crate::test_pool::pool(threads);
            let (lines, report) = pool.install(|| link_rows(true));
            assert_eq!(lines, expected_lines, "{threads} threads");
            assert_eq!(report.files, expected_report.files, "{threads} threads");
            assert_eq!(
                report.problems, expected_report.problems,
                "{threads} threads"
            );
        }
    }

    /// Returns a generated bundle of 300 learners with rows rejected in
    /// several files: repeated scans and learners, and an enrolment of an
    /// unknown learner.
    fn bundle_with_rejected_rows() -> crate::bundle::MemoryBundle {
        let params = crate::sample::SampleParams {
            learners: 300,
            ..crate::sample::SampleParams::default()
        };
        let bundle = crate::sample::generate(&params).unwrap().into_bundle();
        let mut files = crate::bundle::MemoryBundle::new();
        crate::bundle::write_bundle(&bundle, &mut files).unwrap();
        for (file, repeated) in [("scans.csv", [1, 7, 7]), ("learners.csv", [2, 2, 5])] {
            let text = String::from_utf8(files.files[file].clone()).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
            for line in repeated {
                lines.push(lines[line].clone());
            }
            files.insert(file, lines.join("\n") + "\n");
        }
        let text = String::from_utf8(files.files["enrolments.csv"].clone()).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let learner = bundle.enrolments[0].learner_id.to_text();
        let unknown = Uuid::from_u128(7).to_string();
        lines[1] = lines[1].replace(&learner, &unknown);
        files.insert("enrolments.csv", lines.join("\n") + "\n");
        files
    }

    #[test]
    fn parallel_read_matches_on_pools() {
        let files = bundle_with_rejected_rows();
        let expected = crate::bundle::read_bundle(&files).unwrap();
        let duplicates = expected
            .1
            .problems
            .iter()
            .filter(|problem| problem.code == codes::DUPLICATE_KEY)
            .count();
        assert_eq!(duplicates, 6);
        let unknown = expected
            .1
            .problems
            .iter()
            .filter(|problem| problem.code == codes::UNKNOWN_REFERENCE)
            .count();
        assert!(unknown >= 1, "{unknown} unknown references");

        for threads in [1, 3] {
            let pool = crate::test_pool::pool(threads);
            let found = pool.install(|| crate::bundle::read_bundle_parallel(&files).unwrap());
            assert_eq!(found.1.files, expected.1.files, "{threads} threads");
            assert_eq!(found.1.problems, expected.1.problems, "{threads} threads");
            assert_eq!(found.0, expected.0, "{threads} threads");
        }
    }

    #[test]
    fn unique_parallel_without_duplicates() {
        let mut report = ReadReport::default();
        let mut linker = Linker {
            report: &mut report,
        };
        let rows: Vec<Row<ScanId>> = (0..1000u64)
            .map(|n| Row {
                line: n + 2,
                record: ScanId::from(Uuid::from_u128(u128::from(n))),
            })
            .collect();
        let kept = linker.unique_parallel(FILE, rows, |id| *id);
        assert_eq!(kept.len(), 1000);
        assert!(report.problems.is_empty());
    }
}
