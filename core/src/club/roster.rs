//! The membership history of a club and the changes to it.

use chrono::{Days, NaiveDate};

use crate::field::FieldValue;
use crate::id::LearnerId;
use crate::model::{Club, ClubMember, ClubStatus, CoreDuty, MemberRole};
use crate::path;
use crate::problem::{Path, Problem, Problems};
use crate::record::Record;

use super::codes;
use crate::model::codes as model_codes;

crate::text_enum! {
    /// The role of the former founder after a hand-over.
    pub enum FormerFounderRole {
        /// A core member, with a duty.
        Core = "core",
        /// A fixed member; the default.
        Fixed = "fixed",
        /// An occasional participant.
        Occasional = "occasional",
        /// No longer a member.
        Leaves = "leaves",
    }
}

/// A club with its whole membership history, checked against the rules of
/// the history (see the [module documentation](super)).
///
/// Every change returns a new roster, checked again, or the problems that
/// reject it. The roster it was called on stays as it was. Problem paths
/// name the fields of the change (`learner_id`, `on`, `role`, `duty`), or
/// `club` and `members` with the position of the membership.
///
/// # Example
///
/// ```
/// use xuetong::club::Roster;
/// use xuetong::id::{ClubId, LearnerId};
/// use xuetong::model::{Club, ClubStatus, MemberRole};
///
/// let club = Club {
///     id: ClubId::derive("example", "sewing"),
///     source: None,
///     name: "Sewing club".into(),
///     status: ClubStatus::Proposed,
///     status_since: None,
///     community_venue_id: None,
///     guiding_venue_id: None,
///     founded_on: None,
///     has_rules: false,
/// };
/// let on = "2025-03-01".parse()?;
/// let founder = LearnerId::derive("example", "founder");
/// let roster = Roster::new(club, Vec::new()).unwrap();
/// let roster = roster.join(founder, MemberRole::Founder, None, on).unwrap();
/// assert_eq!(roster.founder_on(on).map(|member| member.learner_id), Some(founder));
///
/// // The founder cannot simply leave.
/// let problems = roster.leave(founder, "2025-06-01".parse()?).unwrap_err();
/// assert_eq!(problems.0[0].code.as_str(), "founder_must_hand_over");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    club: Club,
    members: Vec<ClubMember>,
}

impl Roster {
    /// Checks a club's membership history and returns the roster.
    ///
    /// # Errors
    ///
    /// Returns every broken rule: memberships of another club
    /// (`member_of_other_club`), invalid periods, periods before the club's
    /// founding (`ends_before_start`), overlapping periods of one learner
    /// (`membership_overlap`), times without a founder (`founder_gap`) or
    /// with two (`founder_overlap`), a founder role not passed by hand-over
    /// (`hand_over_needs_core_member`, `former_founder_rejoin`), and
    /// memberships that go on after the club was dissolved
    /// (`member_after_dissolution`).
    pub fn new(club: Club, members: Vec<ClubMember>) -> Result<Self, Problems> {
        let problems = check_history(&club, &members);
        problems.into_result(Self { club, members })
    }

    /// Returns the club.
    pub fn club(&self) -> &Club {
        &self.club
    }

    /// Returns the membership periods, in the order they were given and
    /// added.
    pub fn members(&self) -> &[ClubMember] {
        &self.members
    }

    /// Returns the club and its membership periods.
    pub fn into_parts(self) -> (Club, Vec<ClubMember>) {
        (self.club, self.members)
    }

    /// Returns the founder's membership on `date`, if the club has a founder
    /// then.
    pub fn founder_on(&self, date: NaiveDate) -> Option<&ClubMember> {
        self.members
            .iter()
            .find(|member| member.role == MemberRole::Founder && member.covers(date))
    }

    /// Returns the memberships that cover `date`.
    pub fn members_on(&self, date: NaiveDate) -> impl Iterator<Item = &ClubMember> {
        self.members
            .iter()
            .filter(move |member| member.covers(date))
    }

    /// Counts the fixed members on `date`: the founder, core members and
    /// fixed members.
    pub fn fixed_members_on(&self, date: NaiveDate) -> usize {
        self.members_on(date)
            .filter(|member| member.role.counts_as_fixed())
            .count()
    }

    /// Returns the position of `learner`'s membership that covers `date`.
    fn position_on(&self, learner: LearnerId, date: NaiveDate) -> Option<usize> {
        self.members
            .iter()
            .position(|member| member.learner_id == learner && member.covers(date))
    }

    /// Adds a membership of `learner` in `role` from `on`.
    ///
    /// Joining as founder is allowed only for the club's first founder;
    /// afterwards the role passes by [`Roster::hand_over`].
    ///
    /// # Errors
    ///
    /// Returns `club_dissolved`, `ends_before_start` (before the founding),
    /// `membership_overlap`, `founder_by_hand_over`,
    /// `former_founder_rejoin`, or the duty problems of a membership.
    pub fn join(
        &self,
        learner: LearnerId,
        role: MemberRole,
        duty: Option<CoreDuty>,
        on: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        self.check_not_dissolved(&mut problems);
        if let Some(founded_on) = self.club.founded_on
            && on < founded_on
        {
            problems.push(before_problem(path!["on"], on, "founded_on", founded_on));
        }

        let row = ClubMember {
            club_id: self.club.id,
            learner_id: learner,
            role,
            duty,
            joined_on: on,
            left_on: None,
        };
        row.check(&Path::root(), &mut problems);

        let existing = self
            .members
            .iter()
            .find(|member| member.learner_id == learner && member.overlaps(on, None));
        if let Some(existing) = existing {
            problems.push(
                Problem::new(codes::MEMBERSHIP_OVERLAP, path!["learner_id"])
                    .with("learner", learner.to_text())
                    .with("joined_on", existing.joined_on.to_string()),
            );
        }

        if role == MemberRole::Founder {
            let former = self
                .members
                .iter()
                .filter(|member| member.learner_id == learner && member.role == MemberRole::Founder)
                .max_by_key(|member| member.joined_on);
            let any_founder = self
                .members
                .iter()
                .any(|member| member.role == MemberRole::Founder);
            if let Some(former) = former {
                problems.push(former_founder_problem(path!["role"], former));
            } else if any_founder {
                problems.push(Problem::new(codes::FOUNDER_BY_HAND_OVER, path!["role"]));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let mut members = self.members.clone();
        members.push(row);
        Self::new(self.club.clone(), members)
    }

    /// Ends `learner`'s membership on `on` (the learner leaves or is
    /// removed).
    ///
    /// # Errors
    ///
    /// Returns `club_dissolved`, `not_a_member`, `ends_before_start` (the
    /// membership starts after `on`), or `founder_must_hand_over` when the
    /// learner is the founder.
    pub fn leave(&self, learner: LearnerId, on: NaiveDate) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        self.check_not_dissolved(&mut problems);
        let position = self.current_position(learner, on, &mut problems);
        if let Some(position) = position
            && self.members[position].role == MemberRole::Founder
        {
            problems.push(
                Problem::new(codes::FOUNDER_MUST_HAND_OVER, path!["learner_id"])
                    .with("learner", learner.to_text()),
            );
        }
        let Some(position) = position.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        let mut members = self.members.clone();
        members[position].left_on = Some(on);
        Self::new(self.club.clone(), members)
    }

    /// Changes `learner`'s role from `on`: the current period ends on `on`
    /// and a period in the new role starts that day. Asking for the role and
    /// duty the learner already has changes nothing.
    ///
    /// # Errors
    ///
    /// Returns `club_dissolved`, `not_a_member`, `ends_before_start`,
    /// `founder_must_hand_over` (the founder's role changes only by
    /// hand-over), `founder_by_hand_over` (no one becomes founder this way),
    /// or the duty problems of a membership.
    pub fn change_role(
        &self,
        learner: LearnerId,
        role: MemberRole,
        duty: Option<CoreDuty>,
        on: NaiveDate,
    ) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        self.check_not_dissolved(&mut problems);
        let position = self.current_position(learner, on, &mut problems);
        if let Some(position) = position
            && self.members[position].role == MemberRole::Founder
        {
            problems.push(
                Problem::new(codes::FOUNDER_MUST_HAND_OVER, path!["learner_id"])
                    .with("learner", learner.to_text()),
            );
        }
        if role == MemberRole::Founder {
            problems.push(Problem::new(codes::FOUNDER_BY_HAND_OVER, path!["role"]));
        }

        let Some(position) = position else {
            return Err(problems);
        };
        let current = &self.members[position];
        let row = ClubMember {
            club_id: self.club.id,
            learner_id: learner,
            role,
            duty,
            joined_on: on,
            left_on: current.left_on,
        };
        row.check(&Path::root(), &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        if current.role == role && current.duty == duty {
            return Ok(self.clone());
        }

        let mut members = self.members.clone();
        members[position].left_on = Some(on);
        members.push(row);
        Self::new(self.club.clone(), members)
    }

    /// Hands the founder role over to `successor`, a current core member, on
    /// `on`. The founder's and the successor's periods end that day, the
    /// successor's period as founder starts, and the former founder goes on
    /// in `former_role` (with `former_duty` when that is core) or leaves.
    ///
    /// # Errors
    ///
    /// Returns `club_dissolved`, `founder_gap` (no founder on `on`),
    /// `hand_over_needs_core_member`, or the duty problems of the former
    /// founder's new period (at `former_founder_duty`).
    pub fn hand_over(
        &self,
        successor: LearnerId,
        on: NaiveDate,
        former_role: FormerFounderRole,
        former_duty: Option<CoreDuty>,
    ) -> Result<Self, Problems> {
        let mut problems = Problems::new();
        self.check_not_dissolved(&mut problems);
        let founder = self
            .members
            .iter()
            .position(|member| member.role == MemberRole::Founder && member.covers(on));
        let Some(founder) = founder else {
            problems
                .push(Problem::new(codes::FOUNDER_GAP, path!["on"]).with("from", on.to_string()));
            return Err(problems);
        };

        let successor_position = self.position_on(successor, on);
        let successor_role = successor_position.map(|position| self.members[position].role);
        if successor_role != Some(MemberRole::Core) {
            problems.push(
                Problem::new(codes::HAND_OVER_NEEDS_CORE_MEMBER, path!["learner_id"])
                    .with("learner", successor.to_text())
                    .with("role", role_text(successor_role))
                    .with("date", on.to_string()),
            );
        }

        let former_member_role = match former_role {
            FormerFounderRole::Core => Some(MemberRole::Core),
            FormerFounderRole::Fixed => Some(MemberRole::Fixed),
            FormerFounderRole::Occasional => Some(MemberRole::Occasional),
            FormerFounderRole::Leaves => None,
        };
        let former_row = former_member_role.map(|role| ClubMember {
            club_id: self.club.id,
            learner_id: self.members[founder].learner_id,
            role,
            duty: former_duty,
            joined_on: on,
            left_on: None,
        });
        match &former_row {
            Some(row) => {
                let mut duty_problems = Problems::new();
                row.check(&Path::root(), &mut duty_problems);
                for mut problem in duty_problems {
                    problem.path = path!["former_founder_duty"];
                    problem = problem.with("field", "former_founder_duty");
                    problems.push(problem);
                }
            }
            None if former_duty.is_some() => problems.push(
                Problem::new(
                    model_codes::FIELD_NOT_APPLICABLE,
                    path!["former_founder_duty"],
                )
                .with("field", "former_founder_duty")
                .with("kind", "a founder who leaves"),
            ),
            None => {}
        }
        let Some(successor_position) = successor_position.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };

        let mut members = self.members.clone();
        members[founder].left_on = Some(on);
        members[successor_position].left_on = Some(on);
        members.push(ClubMember {
            club_id: self.club.id,
            learner_id: successor,
            role: MemberRole::Founder,
            duty: None,
            joined_on: on,
            left_on: None,
        });
        members.extend(former_row);
        Self::new(self.club.clone(), members)
    }

    /// Replaces the club record, keeping the members, and checks again.
    pub(super) fn with_club(&self, club: Club, members: Vec<ClubMember>) -> Result<Self, Problems> {
        Self::new(club, members)
    }

    /// Reports `club_dissolved` when the club is dissolved.
    pub(super) fn check_not_dissolved(&self, problems: &mut Problems) {
        if self.club.status == ClubStatus::Dissolved {
            // An em dash stands for a dissolution day that was not recorded.
            let date = self
                .club
                .status_since
                .map_or_else(|| "—".to_owned(), |date| date.to_string());
            problems.push(
                Problem::new(codes::CLUB_DISSOLVED, path!["club", "status"]).with("date", date),
            );
        }
    }

    /// Returns the position of `learner`'s membership that covers `on`, or
    /// reports why there is none.
    fn current_position(
        &self,
        learner: LearnerId,
        on: NaiveDate,
        problems: &mut Problems,
    ) -> Option<usize> {
        if let Some(position) = self.position_on(learner, on) {
            return Some(position);
        }
        let later = self
            .members
            .iter()
            .find(|member| member.learner_id == learner && member.joined_on > on);
        match later {
            Some(later) => problems.push(before_problem(
                path!["on"],
                on,
                "joined_on",
                later.joined_on,
            )),
            None => problems.push(
                Problem::new(codes::NOT_A_MEMBER, path!["learner_id"])
                    .with("learner", learner.to_text())
                    .with("date", on.to_string()),
            ),
        }
        None
    }
}

/// Returns the role as shown in messages, or `not a member`.
fn role_text(role: Option<MemberRole>) -> &'static str {
    role.map_or("not a member", MemberRole::as_str)
}

/// `ends_before_start` for a date `value` before `other_field`.
fn before_problem(
    path: Path,
    value: NaiveDate,
    other_field: &'static str,
    other_value: NaiveDate,
) -> Problem {
    let field = path
        .segments()
        .last()
        .map_or_else(String::new, |segment| match segment {
            crate::problem::PathSegment::Key(key) => key.to_string(),
            crate::problem::PathSegment::Index(index) => index.to_string(),
        });
    Problem::new(model_codes::ENDS_BEFORE_START, path)
        .with("field", field)
        .with("value", value.to_string())
        .with("other_field", other_field)
        .with("other_value", other_value.to_string())
}

fn former_founder_problem(path: Path, former: &ClubMember) -> Problem {
    Problem::new(codes::FORMER_FOUNDER_REJOIN, path)
        .with("learner", former.learner_id.to_text())
        .with(
            "left_on",
            former
                .left_on
                .map_or_else(|| "—".to_owned(), |date| date.to_string()),
        )
}

/// Returns the path of a field of the membership at `position`.
fn member_path(position: usize, field: &'static str) -> Path {
    path!["members", position, field]
}

/// Checks the rules of a membership history and returns every problem.
fn check_history(club: &Club, members: &[ClubMember]) -> Problems {
    let mut problems = Problems::new();
    for (position, member) in members.iter().enumerate() {
        if member.club_id != club.id {
            problems.push(
                Problem::new(
                    codes::MEMBER_OF_OTHER_CLUB,
                    member_path(position, "club_id"),
                )
                .with("value", member.club_id.to_text())
                .with("club", club.id.to_text()),
            );
        }
        member.check(&path!["members", position], &mut problems);
        if let Some(founded_on) = club.founded_on
            && member.joined_on < founded_on
        {
            problems.push(before_problem(
                member_path(position, "joined_on"),
                member.joined_on,
                "founded_on",
                founded_on,
            ));
        }
    }
    check_overlaps(members, &mut problems);
    check_founders(club, members, &mut problems);
    check_dissolution(club, members, &mut problems);
    problems
}

/// Reports each period that overlaps an earlier period of the same learner.
fn check_overlaps(members: &[ClubMember], problems: &mut Problems) {
    let mut order: Vec<usize> = (0..members.len()).collect();
    order.sort_by_key(|&position| {
        let member = &members[position];
        (member.learner_id, member.joined_on, position)
    });
    // The earlier period of the same learner that ends last, which is the
    // one a later period can overlap.
    let mut furthest: Option<usize> = None;
    for position in order {
        let member = &members[position];
        let Some(earlier) =
            furthest.filter(|&earlier| members[earlier].learner_id == member.learner_id)
        else {
            furthest = Some(position);
            continue;
        };
        let earlier_member = &members[earlier];
        if earlier_member.overlaps(member.joined_on, member.left_on) {
            problems.push(
                Problem::new(
                    codes::MEMBERSHIP_OVERLAP,
                    member_path(position, "joined_on"),
                )
                .with("learner", member.learner_id.to_text())
                .with("joined_on", earlier_member.joined_on.to_string()),
            );
        }
        let ends_later = match (earlier_member.left_on, member.left_on) {
            (None, _) => false,
            (Some(_), None) => true,
            (Some(earlier_end), Some(end)) => end > earlier_end,
        };
        if ends_later {
            furthest = Some(position);
        }
    }
}

/// Returns whether the founder period at `position` was taken by hand-over,
/// which means that the same learner held a core period that ended the day
/// the founder period starts.
fn is_hand_over(members: &[ClubMember], position: usize) -> bool {
    let founder = &members[position];
    members.iter().any(|member| {
        member.learner_id == founder.learner_id
            && member.role == MemberRole::Core
            && member.joined_on <= founder.joined_on
            && member.left_on == Some(founder.joined_on)
    })
}

/// Checks that the club has exactly one founder from its founding until it
/// is dissolved, and that each later founder took the role by hand-over.
fn check_founders(club: &Club, members: &[ClubMember], problems: &mut Problems) {
    let Some(earliest) = members.iter().map(|member| member.joined_on).min() else {
        return;
    };
    let start = club.founded_on.unwrap_or(earliest);
    let mut founders: Vec<usize> = (0..members.len())
        .filter(|&position| members[position].role == MemberRole::Founder)
        .collect();
    founders.sort_by_key(|&position| (members[position].joined_on, position));
    let Some(&first) = founders.first() else {
        problems.push(
            Problem::new(codes::FOUNDER_GAP, path!["members"]).with("from", start.to_string()),
        );
        return;
    };
    if members[first].joined_on > start {
        problems.push(
            Problem::new(codes::FOUNDER_GAP, member_path(first, "joined_on"))
                .with("from", start.to_string()),
        );
    }
    for pair in founders.windows(2) {
        let (previous, position) = (&members[pair[0]], &members[pair[1]]);
        let path = member_path(pair[1], "joined_on");
        match previous.left_on {
            Some(end) if position.joined_on > end => {
                problems.push(
                    Problem::new(codes::FOUNDER_GAP, path.clone()).with("from", end.to_string()),
                );
            }
            Some(end) if position.joined_on == end => {}
            _ => problems.push(
                Problem::new(codes::FOUNDER_OVERLAP, path.clone())
                    .with("learner", previous.learner_id.to_text())
                    .with("other", position.learner_id.to_text())
                    .with("date", position.joined_on.to_string()),
            ),
        }
        if !is_hand_over(members, pair[1]) {
            problems.push(not_handed_over_problem(members, pair[1], path));
        }
    }
    let dissolved_on = match club.status {
        ClubStatus::Dissolved => club.status_since,
        _ => None,
    };
    let last = founders[founders.len() - 1];
    if let Some(end) = members[last].left_on {
        let gap = match (club.status, dissolved_on) {
            (ClubStatus::Dissolved, Some(dissolved_on)) => end < dissolved_on,
            (ClubStatus::Dissolved, None) => false,
            _ => true,
        };
        if gap {
            problems.push(
                Problem::new(codes::FOUNDER_GAP, member_path(last, "left_on"))
                    .with("from", end.to_string()),
            );
        }
    }
}

/// Returns the problem for a founder period at `position` that was not a
/// hand-over.
fn not_handed_over_problem(members: &[ClubMember], position: usize, path: Path) -> Problem {
    let founder = &members[position];
    let earlier_founder = members
        .iter()
        .filter(|member| {
            member.learner_id == founder.learner_id
                && member.role == MemberRole::Founder
                && member.joined_on < founder.joined_on
        })
        .max_by_key(|member| member.joined_on);
    if let Some(earlier_founder) = earlier_founder {
        return former_founder_problem(path, earlier_founder);
    }
    let day_before = founder.joined_on.checked_sub_days(Days::new(1));
    let role_before = day_before.and_then(|day| {
        members
            .iter()
            .find(|member| member.learner_id == founder.learner_id && member.covers(day))
            .map(|member| member.role)
    });
    Problem::new(codes::HAND_OVER_NEEDS_CORE_MEMBER, path)
        .with("learner", founder.learner_id.to_text())
        .with("role", role_text(role_before))
        .with("date", founder.joined_on.to_string())
}

/// Checks that no membership of a dissolved club goes on after the day it
/// was dissolved.
fn check_dissolution(club: &Club, members: &[ClubMember], problems: &mut Problems) {
    let (ClubStatus::Dissolved, Some(dissolved_on)) = (club.status, club.status_since) else {
        return;
    };
    for (position, member) in members.iter().enumerate() {
        let goes_on = member.left_on.is_none_or(|left_on| left_on > dissolved_on);
        if goes_on {
            problems.push(
                Problem::new(
                    codes::MEMBER_AFTER_DISSOLUTION,
                    member_path(position, "left_on"),
                )
                .with("learner", member.learner_id.to_text())
                .with("date", dissolved_on.to_string()),
            );
        }
    }
}
