//! The yearly evaluation of every club for every year of the season.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::attendance::AttendanceReport;
use crate::bundle::Bundle;
use crate::club::{ActivityCheckIns, Evaluation, EvaluationInput, Scorecard, evaluate};
use crate::id::{ClubId, SessionId};
use crate::model::{Club, ClubMember, ClubStatus, Outcome, OutcomeKind, Session};
use crate::problem::Problems;
use crate::schedule::TimedSession;

/// The evaluation of one club for one calendar year, or the problems that
/// prevented it (such as a membership history without a founder).
#[derive(Clone, Debug, PartialEq)]
pub struct ClubEvaluation {
    /// The club.
    pub club_id: ClubId,
    /// The year evaluated.
    pub year: i32,
    /// The evaluation, or why the club could not be evaluated that year.
    pub result: Result<Evaluation, Problems>,
}

/// The calendar years of a season: from the year of its first session to
/// the year of its last one, but no later than the year of `last_day`.
pub(super) fn season_years(bundle: &Bundle, last_day: NaiveDate) -> Vec<i32> {
    let years = bundle
        .sessions
        .iter()
        .map(|timed| timed.session.date.year());
    let (Some(first), Some(last)) = (years.clone().min(), years.max()) else {
        return Vec::new();
    };
    (first..=last.min(last_day.year())).collect()
}

/// What the evaluations of one club read, gathered from the bundle in one
/// pass so that each club sees only its own records.
#[derive(Default)]
struct ClubRecords<'b> {
    sessions: Vec<&'b TimedSession>,
    members: Vec<&'b ClubMember>,
    awards: Vec<&'b Outcome>,
    recorded: BTreeSet<SessionId>,
}

/// Evaluates every club of the bundle for each of `years` that it existed
/// in, with the default scorecard. The check-ins are those that
/// [`crate::stats::club_activity_check_ins`] counts: one entry for each
/// activity that is not cancelled and ended by the report's evaluation
/// time, with its final records that count as attended. An activity counts
/// as recorded when an outcome of the bundle names it in `session_id`,
/// because a bundle has no file of activity records.
///
/// Evaluations are ordered by club id and year.
pub(super) fn evaluate_clubs(
    bundle: &Bundle,
    attendance: &AttendanceReport,
    years: &[i32],
) -> Vec<ClubEvaluation> {
    let scorecard = Scorecard::default();
    let mut records: HashMap<ClubId, ClubRecords<'_>> = HashMap::new();
    for club in &bundle.clubs {
        records.insert(club.id, ClubRecords::default());
    }
    let mut club_of_session: HashMap<SessionId, ClubId> = HashMap::new();
    for timed in &bundle.sessions {
        if let Some(club) = timed.session.club_id()
            && let Some(found) = records.get_mut(&club)
        {
            found.sessions.push(timed);
            club_of_session.insert(timed.session.id, club);
        }
    }
    for member in &bundle.club_members {
        if let Some(found) = records.get_mut(&member.club_id) {
            found.members.push(member);
        }
    }
    for outcome in &bundle.outcomes {
        if outcome.kind == OutcomeKind::Award
            && let Some(club) = outcome.club_id
            && let Some(found) = records.get_mut(&club)
        {
            found.awards.push(outcome);
        }
        if let Some(session) = outcome.session_id
            && let Some(club) = club_of_session.get(&session)
            && let Some(found) = records.get_mut(club)
        {
            found.recorded.insert(session);
        }
    }
    let mut check_ins: HashMap<SessionId, u32> = HashMap::new();
    for record in &attendance.records {
        if record.club_id().is_some() && !record.provisional && record.status.is_attended() {
            let count = check_ins.entry(record.session_id).or_default();
            *count = count.saturating_add(1);
        }
    }

    let mut clubs: Vec<&Club> = bundle.clubs.iter().collect();
    clubs.sort_by_key(|club| club.id);
    let mut evaluations = Vec::new();
    for club in clubs {
        let Some(found) = records.get(&club.id) else {
            continue;
        };
        for &year in years {
            let founded_later = club.founded_on.is_some_and(|day| day.year() > year);
            let dissolved_before = club.status == ClubStatus::Dissolved
                && club.status_since.is_some_and(|day| day.year() < year);
            if founded_later || dissolved_before {
                continue;
            }
            let input = input_for_year(club, year, found, &check_ins, attendance.as_of);
            evaluations.push(ClubEvaluation {
                club_id: club.id,
                year,
                result: evaluate(&input, &scorecard),
            });
        }
    }
    evaluations
}

/// The evaluation input of one club and year: the club's activities of the
/// year held or cancelled by `as_of`, a check-in count for each held by `as_of` (zero when nobody
/// attended), its awards of the year and its whole membership history.
fn input_for_year(
    club: &Club,
    year: i32,
    records: &ClubRecords<'_>,
    check_ins: &HashMap<SessionId, u32>,
    as_of: DateTime<Utc>,
) -> EvaluationInput {
    // A session that had not ended by `as_of` was not held, so it is no
    // activity of the year yet. Cancelled ones the evaluation lists itself.
    let mut of_year: Vec<&TimedSession> = records
        .sessions
        .iter()
        .copied()
        .filter(|timed| timed.session.date.year() == year)
        .filter(|timed| timed.session.is_cancelled() || timed.times.ends_at <= as_of)
        .collect();
    of_year.sort_by_key(|timed| (timed.times.starts_at, timed.session.id));
    let counts = of_year
        .iter()
        .filter(|timed| !timed.session.is_cancelled())
        .map(|timed| ActivityCheckIns {
            session_id: timed.session.id,
            count: check_ins.get(&timed.session.id).copied().unwrap_or(0),
        })
        .collect();
    let activities: Vec<Session> = of_year.iter().map(|timed| timed.session.clone()).collect();
    let recorded_session_ids = activities
        .iter()
        .filter(|session| records.recorded.contains(&session.id))
        .map(|session| session.id)
        .collect();
    let outcomes = records
        .awards
        .iter()
        .filter(|award| award.occurred_on.year() == year)
        .map(|award| (*award).clone())
        .collect();
    EvaluationInput {
        club: club.clone(),
        year,
        members: records
            .members
            .iter()
            .map(|member| (*member).clone())
            .collect(),
        activities,
        check_ins: counts,
        recorded_session_ids,
        outcomes,
    }
}
