//! The club lifecycle: dated transitions between statuses, and the
//! requirements of registration.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::codes as model_codes;
use crate::model::{ClubMember, ClubStatus};
use crate::path;
use crate::problem::{Problem, Problems};

use super::codes;
use super::roster::Roster;

crate::text_enum! {
    /// A change of a club's lifecycle status.
    pub enum Transition {
        /// From proposed to registered, once the registration requirements
        /// are met.
        Register = "register",
        /// From registered to active.
        Activate = "activate",
        /// From registered or active to suspended.
        Suspend = "suspend",
        /// From suspended back to active.
        Resume = "resume",
        /// From any status but dissolved to dissolved; every membership ends
        /// that day.
        Dissolve = "dissolve",
    }
}

impl Transition {
    /// Returns the statuses that this transition is allowed from.
    pub const fn allowed_from(self) -> &'static [ClubStatus] {
        match self {
            Self::Register => &[ClubStatus::Proposed],
            Self::Activate => &[ClubStatus::Registered],
            Self::Suspend => &[ClubStatus::Registered, ClubStatus::Active],
            Self::Resume => &[ClubStatus::Suspended],
            Self::Dissolve => &[
                ClubStatus::Proposed,
                ClubStatus::Registered,
                ClubStatus::Active,
                ClubStatus::Suspended,
            ],
        }
    }

    /// Returns the status that the club has after the transition.
    pub const fn target(self) -> ClubStatus {
        match self {
            Self::Register => ClubStatus::Registered,
            Self::Activate | Self::Resume => ClubStatus::Active,
            Self::Suspend => ClubStatus::Suspended,
            Self::Dissolve => ClubStatus::Dissolved,
        }
    }
}

/// The requirements for registering a club, each of which can be switched
/// off or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationRules {
    /// Whether the club needs a founder among its members on the day of
    /// registration; `true` by default.
    pub require_founder: bool,
    /// The minimum number of fixed members (the founder, core members and
    /// fixed members) on the day of registration; 5 by default.
    pub min_fixed_members: u32,
    /// Whether the club needs a supporting village or community
    /// (`community_venue_id`); `true` by default.
    pub require_community: bool,
    /// Whether the club needs a guiding street adult school
    /// (`guiding_venue_id`); `true` by default.
    pub require_guiding_school: bool,
}

impl Default for RegistrationRules {
    fn default() -> Self {
        Self {
            require_founder: true,
            min_fixed_members: 5,
            require_community: true,
            require_guiding_school: true,
        }
    }
}

/// The outcome of a lifecycle transition.
#[derive(Clone, Debug, PartialEq)]
pub struct TransitionResult {
    /// The club in its new status, with its memberships.
    pub roster: Roster,
    /// The memberships that the transition ended (only dissolution ends
    /// any), as they are after it.
    pub ended_memberships: Vec<ClubMember>,
}

impl Roster {
    /// Moves the club to the status of `transition` on `on`.
    ///
    /// # Errors
    ///
    /// Returns these problems:
    ///
    /// - `transition_not_allowed` when the current status does not allow the
    ///   transition;
    /// - `ends_before_start` when `on` is before the day the club entered its
    ///   status or was founded;
    /// - for registration, as `rules` require, `registration_needs_founder`,
    ///   `registration_needs_members`, and `required_for_kind` for a missing
    ///   `community_venue_id` or `guiding_venue_id`.
    pub fn transition(
        &self,
        transition: Transition,
        on: NaiveDate,
        rules: &RegistrationRules,
    ) -> Result<TransitionResult, Problems> {
        let club = self.club();
        let mut problems = Problems::new();
        let allowed = transition.allowed_from();
        let status_allows = allowed.contains(&club.status);
        if !status_allows {
            let allowed: Vec<&str> = allowed.iter().map(|status| status.as_str()).collect();
            problems.push(
                Problem::new(codes::TRANSITION_NOT_ALLOWED, path!["transition"])
                    .with("status", club.status.as_str())
                    .with("transition", transition.as_str())
                    .with("allowed", allowed.join(", ")),
            );
        }
        let earlier_dates = [
            ("status_since", club.status_since),
            ("founded_on", club.founded_on),
        ];
        for (field, date) in earlier_dates {
            if let Some(date) = date
                && on < date
            {
                problems.push(
                    Problem::new(model_codes::ENDS_BEFORE_START, path!["on"])
                        .with("field", "on")
                        .with("value", on.to_string())
                        .with("other_field", field)
                        .with("other_value", date.to_string()),
                );
            }
        }
        if transition == Transition::Register && status_allows {
            self.check_registration(on, rules, &mut problems);
        }
        if !problems.is_empty() {
            return Err(problems);
        }

        let mut club = club.clone();
        club.status = transition.target();
        club.status_since = Some(on);
        let mut members = self.members().to_vec();
        let mut ended = Vec::new();
        if transition == Transition::Dissolve {
            for member in &mut members {
                let open_after = member.left_on.is_none_or(|left_on| left_on > on);
                if open_after && member.joined_on <= on {
                    member.left_on = Some(on);
                    ended.push(member.clone());
                }
            }
        }
        let roster = self.with_club(club, members)?;
        Ok(TransitionResult {
            roster,
            ended_memberships: ended,
        })
    }

    fn check_registration(
        &self,
        on: NaiveDate,
        rules: &RegistrationRules,
        problems: &mut Problems,
    ) {
        let club = self.club();
        if rules.require_founder && self.founder_on(on).is_none() {
            problems.push(
                Problem::new(codes::REGISTRATION_NEEDS_FOUNDER, path!["members"])
                    .with("date", on.to_string()),
            );
        }
        let fixed = self.fixed_members_on(on);
        if (fixed as u64) < u64::from(rules.min_fixed_members) {
            problems.push(
                Problem::new(codes::REGISTRATION_NEEDS_MEMBERS, path!["members"])
                    .with("min", rules.min_fixed_members)
                    .with("found", fixed)
                    .with("date", on.to_string()),
            );
        }
        let venues = [
            (
                rules.require_community,
                "community_venue_id",
                club.community_venue_id,
            ),
            (
                rules.require_guiding_school,
                "guiding_venue_id",
                club.guiding_venue_id,
            ),
        ];
        for (required, field, venue) in venues {
            if required && venue.is_none() {
                problems.push(
                    Problem::new(model_codes::REQUIRED_FOR_KIND, path!["club", field])
                        .with("field", field)
                        .with("kind", "registration"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_has_an_edge() {
        for transition in Transition::ALL {
            assert!(!transition.allowed_from().is_empty());
            assert!(!transition.allowed_from().contains(&transition.target()));
        }
    }

    #[test]
    fn nothing_leaves_dissolved() {
        for transition in Transition::ALL {
            assert!(!transition.allowed_from().contains(&ClubStatus::Dissolved));
        }
    }
}
