//! The yearly evaluation of a club against a scorecard.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::field::FieldValue;
use crate::id::{ClubId, SessionId};
use crate::model::{
    AwardRank, AwardScope, Club, ClubActivityKind, ClubMember, Outcome, OutcomeKind, Session,
};
use crate::path;
use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

use super::codes;
use super::ratio::Ratio;
use super::roster::Roster;
use super::scorecard::{Measure, Scorecard};

/// The check-ins counted at one club activity, as the attendance engine
/// reports them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityCheckIns {
    /// The activity (a session owned by the club).
    pub session_id: SessionId,
    /// The number of check-ins that counted.
    pub count: u32,
}

impl Record for ActivityCheckIns {
    const KIND: &'static str = "check_ins";
    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("session_id"),
        FieldSpec::required("count"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let session_id = reader.required("session_id");
        let count = reader.required("count");
        if reader.failed() {
            return None;
        }
        Some(Self {
            session_id: session_id?,
            count: count?,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("session_id", &self.session_id);
        writer.put("count", &self.count);
    }
}

/// Everything the evaluation of one club for one year reads.
///
/// The lists may contain more than the club's records for the year. The
/// evaluation leaves out sessions of other owners, cancelled sessions and
/// sessions outside the year. It also leaves out check-ins and records of
/// sessions that are not counted activities, and outcomes that are not the
/// club's awards of the year. [`Evaluation::ignored`] lists each item left
/// out with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct EvaluationInput {
    /// The club.
    pub club: Club,
    /// The calendar year evaluated.
    pub year: i32,
    /// The club's membership history.
    pub members: Vec<ClubMember>,
    /// The club's activities: sessions owned by the club.
    pub activities: Vec<Session>,
    /// The check-ins per activity. An activity without an entry counts no
    /// check-ins and is listed in [`Evaluation::activities_without_check_ins`].
    pub check_ins: Vec<ActivityCheckIns>,
    /// The activities that have an activity record (minutes, photos, a
    /// written summary).
    pub recorded_session_ids: Vec<SessionId>,
    /// Learning outcomes; the club's awards of the year count.
    pub outcomes: Vec<Outcome>,
}

/// One indicator of an evaluation, with how its contribution came about.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorResult {
    /// The measured quantity.
    pub measure: Measure,
    /// A description in words of what the numerator and denominator count.
    pub basis: &'static str,
    /// The numerator of the value.
    pub numerator: Ratio,
    /// The denominator of the value, when the value is a ratio.
    pub denominator: Option<Ratio>,
    /// The exact value, or `None` when the denominator is zero.
    pub value: Option<Ratio>,
    /// The value rounded down to four decimals.
    pub value_decimal: Option<String>,
    /// The reason for a missing value.
    pub note: Option<&'static str>,
    /// The scorecard's target.
    pub target: Ratio,
    /// The scorecard's weight.
    pub weight: Ratio,
    /// `min(value / target, 1)`, or 0 without a value.
    pub achievement: Ratio,
    /// The exact points the indicator adds to the score:
    /// `100 × weight × achievement / Σ weight`.
    pub contribution_exact: Ratio,
    /// The contribution rounded down to two decimals.
    pub contribution: String,
}

/// One award counted by the evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AwardSummary {
    /// The award's name.
    pub title: Option<String>,
    /// When it was won.
    pub occurred_on: NaiveDate,
    /// The level of the body that gave it.
    pub scope: AwardScope,
    /// Its rank.
    pub rank: AwardRank,
    /// Whether it went to the team.
    pub team: bool,
    /// How many outcome records describe it (one per named member of a
    /// team).
    pub records: u32,
    /// The points it counts.
    pub points: Ratio,
}

/// An input item that the evaluation left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IgnoredInput {
    /// The input list: `activities`, `check_ins`, `recorded_session_ids` or
    /// `outcomes`.
    pub input: &'static str,
    /// The position in that list.
    pub position: usize,
    /// Why it was left out: `other_owner`, `cancelled`, `outside_year`,
    /// `not_a_counted_activity`, `not_an_award` or `other_club`.
    pub reason: &'static str,
}

/// The counts behind an evaluation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EvaluationCounts {
    /// Activities counted.
    pub activities: u64,
    /// Activities of the kinds outreach and volunteer service.
    pub outreach_and_volunteer_events: u64,
    /// Check-ins at the counted activities.
    pub check_ins: u64,
    /// The sum over the activities of the fixed members on each activity's
    /// day.
    pub fixed_member_places: u64,
    /// Fixed members on the first day evaluated.
    pub fixed_members_at_start: u64,
    /// Of those, the ones still fixed members on the last day.
    pub fixed_members_retained: u64,
    /// Activities with an activity record.
    pub recorded_activities: u64,
    /// Whether the club has written rules.
    pub has_rules: bool,
}

/// The yearly evaluation of a club.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// The club.
    pub club_id: ClubId,
    /// The year evaluated.
    pub year: i32,
    /// The first day evaluated: 1 January, or the founding day when the club
    /// was founded during the year.
    pub first_day: NaiveDate,
    /// The last day evaluated, 31 December.
    pub last_day: NaiveDate,
    /// The months evaluated: from the month of `first_day` to December.
    pub months: u32,
    /// The score from 0 to 100, rounded down to two decimals, so that the
    /// shown score never reaches a band that the exact score does not.
    pub score: String,
    /// The exact score.
    pub score_exact: Ratio,
    /// The rating of the exact score.
    pub rating: String,
    /// Each indicator with its contribution.
    pub indicators: Vec<IndicatorResult>,
    /// The counts behind the indicators.
    pub counts: EvaluationCounts,
    /// The awards counted.
    pub awards: Vec<AwardSummary>,
    /// Counted activities that had no check-in entry, counted as none.
    pub activities_without_check_ins: Vec<SessionId>,
    /// Input items left out.
    pub ignored: Vec<IgnoredInput>,
}

/// Evaluates a club for one year with `scorecard`.
///
/// Problem paths name the fields of [`EvaluationInput`] (`year`,
/// `members`, `activities`, `check_ins`, `recorded_session_ids`).
///
/// # Errors
///
/// Returns these problems:
///
/// - the problems of the membership history (see [`Roster::new`]);
/// - `out_of_range` for a year outside 1 to 9999;
/// - `ends_before_start` for a year before the club was founded;
/// - `duplicate_entry` for an activity, check-in entry, record or outcome
///   given twice;
/// - `evaluation_overflow` when the exact arithmetic does not fit in 128
///   bits.
///
/// The scorecard is expected to be valid ([`Scorecard::validate`]).
pub fn evaluate(input: &EvaluationInput, scorecard: &Scorecard) -> Result<Evaluation, Problems> {
    let mut problems = Problems::new();
    let roster = Roster::new(input.club.clone(), input.members.clone());
    if let Err(found) = &roster {
        problems.extend(found.iter().cloned());
    }
    let period = period(input, &mut problems);
    check_duplicates(input, &mut problems);
    let (Ok(roster), Some((first_day, last_day))) = (roster, period) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut ignored = Vec::new();
    let activities = counted_activities(input, first_day, last_day, &mut ignored);
    let counted_ids: HashSet<SessionId> = activities.iter().map(|session| session.id).collect();
    let check_ins: HashMap<SessionId, u32> = input
        .check_ins
        .iter()
        .enumerate()
        .filter_map(|(position, entry)| {
            if counted_ids.contains(&entry.session_id) {
                Some((entry.session_id, entry.count))
            } else {
                ignored.push(IgnoredInput {
                    input: "check_ins",
                    position,
                    reason: "not_a_counted_activity",
                });
                None
            }
        })
        .collect();
    let mut recorded = 0u64;
    for (position, session_id) in input.recorded_session_ids.iter().enumerate() {
        if counted_ids.contains(session_id) {
            recorded += 1;
        } else {
            ignored.push(IgnoredInput {
                input: "recorded_session_ids",
                position,
                reason: "not_a_counted_activity",
            });
        }
    }

    let mut counts = EvaluationCounts {
        activities: activities.len() as u64,
        recorded_activities: recorded,
        has_rules: input.club.has_rules,
        ..EvaluationCounts::default()
    };
    let mut activities_without_check_ins = Vec::new();
    for session in &activities {
        match check_ins.get(&session.id) {
            Some(count) => counts.check_ins += u64::from(*count),
            None => activities_without_check_ins.push(session.id),
        }
        counts.fixed_member_places += roster.fixed_members_on(session.date) as u64;
        if matches!(
            session.activity_kind,
            Some(ClubActivityKind::Outreach | ClubActivityKind::VolunteerService)
        ) {
            counts.outreach_and_volunteer_events += 1;
        }
    }
    let at_start: HashSet<_> = roster
        .members_on(first_day)
        .filter(|member| member.role.counts_as_fixed())
        .map(|member| member.learner_id)
        .collect();
    let at_end: HashSet<_> = roster
        .members_on(last_day)
        .filter(|member| member.role.counts_as_fixed())
        .map(|member| member.learner_id)
        .collect();
    counts.fixed_members_at_start = at_start.len() as u64;
    counts.fixed_members_retained = at_start.intersection(&at_end).count() as u64;

    let awards = count_awards(input, scorecard, first_day, last_day, &mut ignored)?;
    let months = 13 - first_day.month();
    let facts = Facts {
        counts: &counts,
        months,
        awards: &awards,
    };
    let indicators = score_indicators(scorecard, &facts)?;
    let mut score = Ratio::ZERO;
    for indicator in &indicators {
        score = score
            .checked_add(indicator.contribution_exact)
            .ok_or_else(|| overflow(indicator.measure))?;
    }

    Ok(Evaluation {
        club_id: input.club.id,
        year: input.year,
        first_day,
        last_day,
        months,
        score: score.floor_decimal(2),
        score_exact: score,
        rating: scorecard.rating(score).to_owned(),
        indicators,
        counts,
        awards,
        activities_without_check_ins,
        ignored,
    })
}

/// Returns the first and last day evaluated, or reports why the year cannot
/// be evaluated.
fn period(input: &EvaluationInput, problems: &mut Problems) -> Option<(NaiveDate, NaiveDate)> {
    // Years are written with four digits, like every date of the library.
    let four_digits = (1..=9999).contains(&input.year);
    let start = NaiveDate::from_ymd_opt(input.year, 1, 1).filter(|_| four_digits);
    let end = NaiveDate::from_ymd_opt(input.year, 12, 31).filter(|_| four_digits);
    let (Some(start), Some(end)) = (start, end) else {
        problems.push(
            Problem::new(crate::problem::codes::OUT_OF_RANGE, path!["year"])
                .with("field", "year")
                .with("value", input.year)
                .with("min", 1)
                .with("max", 9999),
        );
        return None;
    };
    match input.club.founded_on {
        Some(founded_on) if founded_on > end => {
            problems.push(
                Problem::new(crate::model::codes::ENDS_BEFORE_START, path!["year"])
                    .with("field", "year")
                    .with("value", input.year)
                    .with("other_field", "founded_on")
                    .with("other_value", founded_on.to_string()),
            );
            None
        }
        Some(founded_on) if founded_on > start => Some((founded_on, end)),
        _ => Some((start, end)),
    }
}

/// Reports activities, check-in entries, records and outcomes given twice.
fn check_duplicates(input: &EvaluationInput, problems: &mut Problems) {
    let lists: [(&'static str, &'static str, Vec<SessionId>); 3] = [
        (
            "activities",
            "id",
            input.activities.iter().map(|session| session.id).collect(),
        ),
        (
            "check_ins",
            "session_id",
            input
                .check_ins
                .iter()
                .map(|entry| entry.session_id)
                .collect(),
        ),
        (
            "recorded_session_ids",
            "",
            input.recorded_session_ids.clone(),
        ),
    ];
    for (list, field, ids) in lists {
        let mut seen = HashSet::new();
        for (position, id) in ids.iter().enumerate() {
            if seen.insert(*id) {
                continue;
            }
            let path = if field.is_empty() {
                path![list, position]
            } else {
                path![list, position, field]
            };
            problems.push(
                Problem::new(codes::DUPLICATE_ENTRY, path)
                    .with("field", "session")
                    .with("value", id.to_text()),
            );
        }
    }
    // An outcome given twice would count its award twice.
    let mut seen = HashSet::new();
    for (position, outcome) in input.outcomes.iter().enumerate() {
        if !seen.insert(outcome.id) {
            problems.push(
                Problem::new(codes::DUPLICATE_ENTRY, path!["outcomes", position, "id"])
                    .with("field", "outcome")
                    .with("value", outcome.id.to_text()),
            );
        }
    }
}

/// Returns the club's held sessions within the period, and lists the others
/// in `ignored`.
fn counted_activities<'a>(
    input: &'a EvaluationInput,
    first_day: NaiveDate,
    last_day: NaiveDate,
    ignored: &mut Vec<IgnoredInput>,
) -> Vec<&'a Session> {
    let mut counted = Vec::new();
    for (position, session) in input.activities.iter().enumerate() {
        let reason = if session.club_id() != Some(input.club.id) {
            Some("other_owner")
        } else if session.is_cancelled() {
            Some("cancelled")
        } else if session.date < first_day || session.date > last_day {
            Some("outside_year")
        } else {
            None
        };
        match reason {
            Some(reason) => ignored.push(IgnoredInput {
                input: "activities",
                position,
                reason,
            }),
            None => counted.push(session),
        }
    }
    counted
}

/// Returns the club's awards within the period, with the records of one
/// team award merged.
fn count_awards(
    input: &EvaluationInput,
    scorecard: &Scorecard,
    first_day: NaiveDate,
    last_day: NaiveDate,
    ignored: &mut Vec<IgnoredInput>,
) -> Result<Vec<AwardSummary>, Problems> {
    let mut awards: Vec<AwardSummary> = Vec::new();
    for (position, outcome) in input.outcomes.iter().enumerate() {
        let details = outcome.details();
        let award = match (outcome.kind, details.award_scope, details.award_rank) {
            (OutcomeKind::Award, Some(scope), Some(rank)) => Some((scope, rank)),
            _ => None,
        };
        let reason = if award.is_none() {
            Some("not_an_award")
        } else if outcome.club_id != Some(input.club.id) {
            Some("other_club")
        } else if outcome.occurred_on < first_day || outcome.occurred_on > last_day {
            Some("outside_year")
        } else {
            None
        };
        let (Some((scope, rank)), None) = (award, reason) else {
            ignored.push(IgnoredInput {
                input: "outcomes",
                position,
                reason: reason.unwrap_or("not_an_award"),
            });
            continue;
        };
        let same_team_award = awards.iter_mut().find(|award| {
            details.team
                && award.team
                && award.title == details.title
                && award.occurred_on == outcome.occurred_on
                && award.scope == scope
                && award.rank == rank
        });
        if let Some(award) = same_team_award {
            award.records += 1;
            continue;
        }
        let points = scorecard
            .award_points
            .points(scope, rank)
            .ok_or_else(|| overflow(Measure::AwardPoints))?;
        awards.push(AwardSummary {
            title: details.title.clone(),
            occurred_on: outcome.occurred_on,
            scope,
            rank,
            team: details.team,
            records: 1,
            points,
        });
    }
    Ok(awards)
}

/// The counts and awards that the indicators are computed from.
struct Facts<'a> {
    counts: &'a EvaluationCounts,
    months: u32,
    awards: &'a [AwardSummary],
}

/// A measured value before it is scored.
struct Measured {
    basis: &'static str,
    numerator: Ratio,
    denominator: Option<Ratio>,
    note: Option<&'static str>,
}

fn measure(measure: Measure, facts: &Facts<'_>) -> Option<Measured> {
    let counts = facts.counts;
    let whole = Ratio::whole;
    let measured = match measure {
        Measure::ActivitiesPerMonth => Measured {
            basis: "activities held / months evaluated",
            numerator: whole(counts.activities),
            denominator: Some(whole(u64::from(facts.months))),
            note: None,
        },
        Measure::CheckInsPerFixedMember => Measured {
            basis: "check-ins / sum over the activities of the fixed members on the day",
            numerator: whole(counts.check_ins),
            denominator: Some(whole(counts.fixed_member_places)),
            note: (counts.fixed_member_places == 0).then_some(if counts.activities == 0 {
                "no_activities"
            } else {
                "no_fixed_members_on_activity_days"
            }),
        },
        Measure::FixedMembersRetained => Measured {
            basis: "fixed members on the first day still fixed members on the last day / fixed members on the first day",
            numerator: whole(counts.fixed_members_retained),
            denominator: Some(whole(counts.fixed_members_at_start)),
            note: (counts.fixed_members_at_start == 0).then_some("no_fixed_members_at_start"),
        },
        Measure::OutreachAndVolunteerEvents => Measured {
            basis: "outreach and volunteer service activities",
            numerator: whole(counts.outreach_and_volunteer_events),
            denominator: None,
            note: None,
        },
        Measure::AwardPoints => {
            let mut points = Ratio::ZERO;
            for award in facts.awards {
                points = points.checked_add(award.points)?;
            }
            Measured {
                basis: "sum over the awards of scope points times rank points",
                numerator: points,
                denominator: None,
                note: None,
            }
        }
        Measure::RecordKeeping => {
            let rules = if counts.has_rules { 1 } else { 0 };
            let (numerator, denominator) = if counts.activities == 0 {
                (rules, 2)
            } else {
                let rules_part = rules * counts.activities;
                (
                    rules_part.checked_add(counts.recorded_activities)?,
                    counts.activities.checked_mul(2)?,
                )
            };
            Measured {
                basis: "(activities if the club has written rules + activities with a record) / (2 × activities)",
                numerator: whole(numerator),
                denominator: Some(whole(denominator)),
                note: None,
            }
        }
    };
    Some(measured)
}

fn score_indicators(
    scorecard: &Scorecard,
    facts: &Facts<'_>,
) -> Result<Vec<IndicatorResult>, Problems> {
    let total_weight = scorecard
        .total_weight()
        .filter(|total| !total.is_zero())
        .ok_or_else(|| Problems::from(Problem::new(codes::SCORECARD_WEIGHTS_ZERO, Path::root())))?;
    let hundred = Ratio::whole(100);
    let mut results = Vec::with_capacity(scorecard.indicators.len());
    for indicator in &scorecard.indicators {
        let overflowed = || overflow(indicator.measure);
        let measured = measure(indicator.measure, facts).ok_or_else(overflowed)?;
        let value = match measured.denominator {
            None => Some(measured.numerator),
            Some(denominator) if denominator.is_zero() => None,
            Some(denominator) => Some(
                measured
                    .numerator
                    .checked_div(denominator)
                    .ok_or_else(overflowed)?,
            ),
        };
        let achievement = match value {
            None => Ratio::ZERO,
            Some(value) => value
                .checked_div(indicator.target)
                .and_then(|share| share.checked_min(Ratio::ONE))
                .ok_or_else(overflowed)?,
        };
        let contribution = hundred
            .checked_mul(indicator.weight)
            .and_then(|points| points.checked_mul(achievement))
            .and_then(|points| points.checked_div(total_weight))
            .ok_or_else(overflowed)?;
        results.push(IndicatorResult {
            measure: indicator.measure,
            basis: measured.basis,
            numerator: measured.numerator,
            denominator: measured.denominator,
            value,
            value_decimal: value.map(|value| value.floor_decimal(4)),
            note: measured.note,
            target: indicator.target,
            weight: indicator.weight,
            achievement,
            contribution_exact: contribution,
            contribution: contribution.floor_decimal(2),
        });
    }
    Ok(results)
}

fn overflow(measure: Measure) -> Problems {
    Problem::new(codes::EVALUATION_OVERFLOW, Path::root())
        .with("measure", measure.as_str())
        .into()
}
