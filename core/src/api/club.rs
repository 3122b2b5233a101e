//! Club operations: membership changes, lifecycle transitions and the
//! yearly evaluation.
//!
//! Every operation takes the club and its whole membership history as
//! `input.club` and `input.members`, checks the history, applies the change
//! and returns the club and history after it. Problem paths name the input
//! fields (`learner_id`, `on`, `role`, `duty`) or the position in
//! `members`.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use serde_path_to_error::Segment;

use super::{Operation, Request, option, to_value};
use crate::club::{
    ActivityCheckIns, EvaluationInput, FormerFounderRole, RegistrationRules, Roster, Scorecard,
    Transition, codes as club_codes, evaluate,
};
use crate::id::{LearnerId, SessionId};
use crate::model::{Club, ClubMember, CoreDuty, MemberRole, Outcome, Session};
use crate::path;
use crate::problem::{Code, Path, Problem, Problems};
use crate::record::{Cells, FieldReader, Record, check_known_fields, json_kind, list_from_json};

pub(super) static OPERATIONS: &[Operation] = &[
    Operation {
        name: "validate_club_member",
        summary: "Validates one membership period of a club.",
        handler: validate_club_member,
    },
    Operation {
        name: "club_check_history",
        summary: "Checks a club's membership history: no overlapping periods, exactly one founder while the club exists, hand-overs only to core members.",
        handler: club_check_history,
    },
    Operation {
        name: "club_transition",
        summary: "Moves a club to another lifecycle status on a date (register, activate, suspend, resume, dissolve), checking the registration requirements in options.registration.",
        handler: club_transition,
    },
    Operation {
        name: "club_join",
        summary: "Adds a membership of a learner in a role from a date.",
        handler: club_join,
    },
    Operation {
        name: "club_leave",
        summary: "Ends a learner's membership on a date; the founder must hand over first.",
        handler: club_leave,
    },
    Operation {
        name: "club_change_role",
        summary: "Changes a member's role (and duty) from a date.",
        handler: club_change_role,
    },
    Operation {
        name: "club_hand_over",
        summary: "Hands the founder role over to a current core member on a date.",
        handler: club_hand_over,
    },
    Operation {
        name: "club_evaluate",
        summary: "Evaluates a club for a year with the scorecard in options.scorecard (the default scorecard when absent).",
        handler: club_evaluate,
    },
    Operation {
        name: "club_default_scorecard",
        summary: "Returns the default club evaluation scorecard document.",
        handler: club_default_scorecard,
    },
];

/// The fields of an operation's input object, read with the record readers.
struct InputFields<'a> {
    object: &'a Map<String, Value>,
    problems: Problems,
}

impl<'a> InputFields<'a> {
    /// Reads `input` as an object with only the `allowed` fields.
    fn new(input: &'a Value, allowed: &[&str]) -> Result<Self, Problems> {
        let Value::Object(object) = input else {
            return Err(
                Problem::new(crate::problem::codes::INVALID_TYPE, Path::root())
                    .with("field", "input")
                    .with("expected", "an object")
                    .with("value", json_kind(input))
                    .into(),
            );
        };
        let mut problems = Problems::new();
        check_known_fields(object, allowed, &Path::root(), &mut problems);
        Ok(Self { object, problems })
    }

    /// Runs `read` with a field reader over the object.
    fn scalars<T>(&mut self, read: impl FnOnce(&mut FieldReader<'_>) -> T) -> T {
        let mut reader =
            FieldReader::new(Cells::Json(self.object), Path::root(), &mut self.problems);
        read(&mut reader)
    }

    /// Reads a required record field.
    fn record<T: Record>(&mut self, name: &'static str) -> Option<T> {
        let Some(value) = self.object.get(name).filter(|value| !value.is_null()) else {
            self.problems.push(
                Problem::new(crate::problem::codes::REQUIRED, path![name]).with("field", name),
            );
            return None;
        };
        match T::from_json(value, &path![name]) {
            Ok(record) => Some(record),
            Err(found) => {
                self.problems.extend(found);
                None
            }
        }
    }

    /// Reads an optional list of records; absent is empty.
    fn records<T: Record>(&mut self, name: &'static str) -> Vec<T> {
        let Some(value) = self.object.get(name).filter(|value| !value.is_null()) else {
            return Vec::new();
        };
        list_from_json(value, &path![name]).unwrap_or_else(|found| {
            self.problems.extend(found);
            Vec::new()
        })
    }

    /// Returns `value`, or the problems found when there are any.
    fn finish<T>(self, value: Option<T>) -> Result<T, Problems> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ => Err(self.problems),
        }
    }
}

/// Reads a serde document at `base`, reporting a failure with `code`, the
/// path of the offending value and serde's explanation.
pub(super) fn read_document<T: DeserializeOwned>(
    value: &Value,
    base: Path,
    code: Code,
) -> Result<T, Problems> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|error| {
        let mut path = base;
        for segment in error.path().iter() {
            path = match segment {
                Segment::Seq { index } => path.join(*index),
                Segment::Map { key } | Segment::Enum { variant: key } => path.join(key.clone()),
                Segment::Unknown => path,
            };
        }
        Problem::new(code, path)
            .with("detail", error.inner().to_string())
            .into()
    })
}

/// Moves every problem path under `prefix`.
pub(super) fn prefixed(problems: Problems, prefix: &Path) -> Problems {
    let moved = problems
        .into_iter()
        .map(|mut problem| {
            let mut segments = prefix.0.clone();
            segments.extend(problem.path.0);
            problem.path = Path(segments);
            problem
        })
        .collect();
    Problems(moved)
}

fn validate_club_member(request: &Request<'_>) -> Result<Value, Problems> {
    ClubMember::from_json(request.input, &Path::root()).map(|member| member.to_json())
}

/// Reads `club` and `members` plus the fields in `extra`, and builds the
/// roster.
fn read_roster<'a>(
    request: &'a Request<'_>,
    extra: &[&str],
) -> Result<(InputFields<'a>, Option<Roster>), Problems> {
    let mut allowed = vec!["club", "members"];
    allowed.extend_from_slice(extra);
    let mut fields = InputFields::new(request.input, &allowed)?;
    let club: Option<Club> = fields.record("club");
    let members: Vec<ClubMember> = fields.records("members");
    let roster = match club {
        Some(club) if fields.problems.is_empty() => match Roster::new(club, members) {
            Ok(roster) => Some(roster),
            Err(found) => {
                fields.problems.extend(found);
                None
            }
        },
        _ => None,
    };
    Ok((fields, roster))
}

fn roster_value(roster: &Roster) -> Value {
    let members: Vec<Value> = roster.members().iter().map(Record::to_json).collect();
    json!({"club": roster.club().to_json(), "members": members})
}

fn club_check_history(request: &Request<'_>) -> Result<Value, Problems> {
    let (fields, roster) = read_roster(request, &[])?;
    let roster = fields.finish(roster)?;
    let founders: Vec<Value> = roster
        .members()
        .iter()
        .filter(|member| member.role == MemberRole::Founder)
        .map(|member| {
            json!({
                "learner_id": member.learner_id,
                "from": member.joined_on,
                "until": member.left_on,
            })
        })
        .collect();
    let mut value = roster_value(&roster);
    value["founders"] = Value::Array(founders);
    Ok(value)
}

fn club_transition(request: &Request<'_>) -> Result<Value, Problems> {
    let rules: RegistrationRules = option(request, "registration")?.unwrap_or_default();
    let (mut fields, roster) = read_roster(request, &["transition", "on"])?;
    let (transition, on) = fields.scalars(|reader| {
        (
            reader.required::<Transition>("transition"),
            reader.required("on"),
        )
    });
    let (roster, transition, on) = fields.finish(zip3(roster, transition, on))?;
    let result = roster.transition(transition, on, &rules)?;
    let ended: Vec<Value> = result
        .ended_memberships
        .iter()
        .map(Record::to_json)
        .collect();
    let mut value = roster_value(&result.roster);
    value["ended_memberships"] = Value::Array(ended);
    Ok(value)
}

fn club_join(request: &Request<'_>) -> Result<Value, Problems> {
    let (mut fields, roster) = read_roster(request, &["learner_id", "role", "duty", "on"])?;
    let (learner, role, duty, on) = fields.scalars(|reader| {
        (
            reader.required::<LearnerId>("learner_id"),
            reader.required::<MemberRole>("role"),
            reader.optional::<CoreDuty>("duty"),
            reader.required("on"),
        )
    });
    let ((roster, learner, role), on) = fields.finish(zip3(roster, learner, role).zip(on))?;
    roster
        .join(learner, role, duty, on)
        .map(|roster| roster_value(&roster))
}

fn club_leave(request: &Request<'_>) -> Result<Value, Problems> {
    let (mut fields, roster) = read_roster(request, &["learner_id", "on"])?;
    let (learner, on) = fields.scalars(|reader| {
        (
            reader.required::<LearnerId>("learner_id"),
            reader.required("on"),
        )
    });
    let (roster, learner, on) = fields.finish(zip3(roster, learner, on))?;
    roster
        .leave(learner, on)
        .map(|roster| roster_value(&roster))
}

fn club_change_role(request: &Request<'_>) -> Result<Value, Problems> {
    let (mut fields, roster) = read_roster(request, &["learner_id", "role", "duty", "on"])?;
    let (learner, role, duty, on) = fields.scalars(|reader| {
        (
            reader.required::<LearnerId>("learner_id"),
            reader.required::<MemberRole>("role"),
            reader.optional::<CoreDuty>("duty"),
            reader.required("on"),
        )
    });
    let ((roster, learner, role), on) = fields.finish(zip3(roster, learner, role).zip(on))?;
    roster
        .change_role(learner, role, duty, on)
        .map(|roster| roster_value(&roster))
}

fn club_hand_over(request: &Request<'_>) -> Result<Value, Problems> {
    let extra = [
        "learner_id",
        "on",
        "former_founder_role",
        "former_founder_duty",
    ];
    let (mut fields, roster) = read_roster(request, &extra)?;
    let (successor, on, former_role, former_duty) = fields.scalars(|reader| {
        (
            reader.required::<LearnerId>("learner_id"),
            reader.required("on"),
            reader.defaulted("former_founder_role", FormerFounderRole::Fixed),
            reader.optional::<CoreDuty>("former_founder_duty"),
        )
    });
    let ((roster, successor, on), former_role) =
        fields.finish(zip3(roster, successor, on).zip(former_role))?;
    roster
        .hand_over(successor, on, former_role, former_duty)
        .map(|roster| roster_value(&roster))
}

fn club_evaluate(request: &Request<'_>) -> Result<Value, Problems> {
    let scorecard = read_scorecard(request);
    let allowed = [
        "club",
        "year",
        "members",
        "activities",
        "check_ins",
        "recorded_session_ids",
        "outcomes",
    ];

    let mut fields = InputFields::new(request.input, &allowed)?;
    let scorecard = scorecard
        .map_err(|problems| fields.problems.extend(problems))
        .ok();
    let club: Option<Club> = fields.record("club");
    let members: Vec<ClubMember> = fields.records("members");
    let activities: Vec<Session> = fields.records("activities");
    let check_ins: Vec<ActivityCheckIns> = fields.records("check_ins");
    let outcomes: Vec<Outcome> = fields.records("outcomes");
    let (year, recorded) = fields.scalars(|reader| {
        (
            reader.required_in::<u16>("year", 1..=9999),
            reader.defaulted::<Vec<SessionId>>("recorded_session_ids", Vec::new()),
        )
    });
    let ((club, year, recorded_session_ids), scorecard) =
        fields.finish(zip3(club, year, recorded).zip(scorecard))?;

    let input = EvaluationInput {
        club,
        year: i32::from(year),
        members,
        activities,
        check_ins,
        recorded_session_ids,
        outcomes,
    };
    let evaluation = evaluate(&input, &scorecard)?;
    to_value(&evaluation)
}

/// Reads `options.scorecard`, or the default scorecard.
fn read_scorecard(request: &Request<'_>) -> Result<Scorecard, Problems> {
    let Some(document) = request
        .options
        .get("scorecard")
        .filter(|value| !value.is_null())
    else {
        return Ok(Scorecard::default());
    };
    let base = path!["options", "scorecard"];
    let scorecard: Scorecard =
        read_document(document, base.clone(), club_codes::INVALID_SCORECARD)?;
    prefixed(scorecard.validate(), &base).into_result(scorecard)
}

fn club_default_scorecard(_: &Request<'_>) -> Result<Value, Problems> {
    to_value(&Scorecard::default())
}

/// Returns all three values, when all are present.
fn zip3<A, B, C>(a: Option<A>, b: Option<B>, c: Option<C>) -> Option<(A, B, C)> {
    Some((a?, b?, c?))
}
