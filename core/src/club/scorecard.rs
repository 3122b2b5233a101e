//! The evaluation scorecard: indicators with targets and weights, award
//! points and rating bands, as a configuration document.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::model::{AwardRank, AwardScope};
use crate::path;
use crate::problem::{Path, Problem, Problems};

use super::codes;
use super::ratio::Ratio;

/// The `format` of a scorecard document.
pub const SCORECARD_FORMAT: &str = "xuetong.club_scorecard/1";

crate::text_enum! {
    /// The quantity that a scorecard indicator measures over the evaluated
    /// year.
    pub enum Measure {
        /// Activities held per month of the year: held, not cancelled club
        /// sessions divided by the months evaluated.
        ActivitiesPerMonth = "activities_per_month",
        /// Check-ins per activity relative to the fixed members: all
        /// check-ins divided by the sum over the activities of the fixed
        /// members on each activity's day.
        CheckInsPerFixedMember = "check_ins_per_fixed_member",
        /// The share of the fixed members on the first day evaluated who are
        /// still fixed members on the last day.
        FixedMembersRetained = "fixed_members_retained",
        /// Activities of the kinds outreach and volunteer service.
        OutreachAndVolunteerEvents = "outreach_and_volunteer_events",
        /// Award points: each award counts its scope points times its rank
        /// points, and a team award counts once however many members have
        /// a record of it.
        AwardPoints = "award_points",
        /// Record keeping: half for written rules, plus half times the share
        /// of activities that have an activity record.
        RecordKeeping = "record_keeping",
    }
}

/// One indicator of a scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardIndicator {
    /// The measured quantity.
    pub measure: Measure,
    /// The value that earns the indicator's full weight, greater than zero.
    /// A lower value earns the share of the weight that it is of the
    /// target, and a higher value earns no more.
    pub target: Ratio,
    /// The indicator's weight; the score divides each weight by the sum of
    /// the weights.
    pub weight: Ratio,
}

/// Points per award scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopePoints {
    /// National awards.
    pub national: Ratio,
    /// Provincial awards.
    pub provincial: Ratio,
    /// City awards.
    pub city: Ratio,
    /// District awards.
    pub district: Ratio,
}

/// Points per award rank.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RankPoints {
    /// Special prize.
    pub special: Ratio,
    /// First prize.
    pub first: Ratio,
    /// Second prize.
    pub second: Ratio,
    /// Third prize.
    pub third: Ratio,
}

/// The points of an award: its scope points times its rank points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardPoints {
    /// Points by scope; by default national 4, provincial 3, city 2,
    /// district 1.
    pub scope: ScopePoints,
    /// Points by rank; by default special 4, first 3, second 2, third 1.
    pub rank: RankPoints,
}

impl Default for AwardPoints {
    fn default() -> Self {
        Self {
            scope: ScopePoints {
                national: Ratio::whole(4),
                provincial: Ratio::whole(3),
                city: Ratio::whole(2),
                district: Ratio::whole(1),
            },
            rank: RankPoints {
                special: Ratio::whole(4),
                first: Ratio::whole(3),
                second: Ratio::whole(2),
                third: Ratio::whole(1),
            },
        }
    }
}

impl AwardPoints {
    /// Returns the points of an award of `scope` and `rank`, or `None` when
    /// the product does not fit.
    pub fn points(&self, scope: AwardScope, rank: AwardRank) -> Option<Ratio> {
        let scope_points = match scope {
            AwardScope::National => self.scope.national,
            AwardScope::Provincial => self.scope.provincial,
            AwardScope::City => self.scope.city,
            AwardScope::District => self.scope.district,
        };
        let rank_points = match rank {
            AwardRank::Special => self.rank.special,
            AwardRank::First => self.rank.first,
            AwardRank::Second => self.rank.second,
            AwardRank::Third => self.rank.third,
        };
        scope_points.checked_mul(rank_points)
    }
}

/// A rating given to every score at or above `min_score`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingBand {
    /// The rating's name, such as `five_stars`.
    pub rating: String,
    /// The lowest score with this rating, from 0 to 100, with at most 2
    /// decimals.
    pub min_score: Ratio,
}

/// The yearly evaluation scorecard of learning clubs.
///
/// The score is `100 × Σ weight × min(value / target, 1) / Σ weight`, from 0
/// to 100, computed exactly. The rating is that of the band with the highest
/// `min_score` that the exact score reaches, or `below_bands` when it
/// reaches none.
///
/// [`Scorecard::default`] has these indicators:
///
/// | measure | target | weight |
/// |---|---|---|
/// | activities per month | 2 | 20 |
/// | check-ins per fixed member | 0.8 | 20 |
/// | fixed members retained | 0.8 | 15 |
/// | outreach and volunteer events | 4 a year | 15 |
/// | award points | 10 | 15 |
/// | record keeping | 1 | 15 |
///
/// Its bands are 90 five stars, 80 four stars, 70 three stars and 60
/// qualified. A score below 60 is not qualified.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    /// Always [`SCORECARD_FORMAT`].
    pub format: String,
    /// The indicators. [`Scorecard::validate`] rejects a measure given twice.
    pub indicators: Vec<ScorecardIndicator>,
    /// The points of awards by scope and rank.
    #[serde(default)]
    pub award_points: AwardPoints,
    /// The rating bands.
    #[serde(default = "default_bands")]
    pub bands: Vec<RatingBand>,
    /// The rating of a score below every band.
    #[serde(default = "default_below_bands")]
    pub below_bands: String,
}

fn default_bands() -> Vec<RatingBand> {
    [
        ("five_stars", 90),
        ("four_stars", 80),
        ("three_stars", 70),
        ("qualified", 60),
    ]
    .into_iter()
    .map(|(rating, min_score)| RatingBand {
        rating: rating.to_owned(),
        min_score: Ratio::whole(min_score),
    })
    .collect()
}

fn default_below_bands() -> String {
    "not_qualified".to_owned()
}

impl Default for Scorecard {
    fn default() -> Self {
        let indicator = |measure, target: Ratio, weight| ScorecardIndicator {
            measure,
            target,
            weight: Ratio::whole(weight),
        };
        let four_fifths = Ratio::new(4, 5).unwrap_or(Ratio::ONE);
        Self {
            format: SCORECARD_FORMAT.to_owned(),
            indicators: vec![
                indicator(Measure::ActivitiesPerMonth, Ratio::whole(2), 20),
                indicator(Measure::CheckInsPerFixedMember, four_fifths, 20),
                indicator(Measure::FixedMembersRetained, four_fifths, 15),
                indicator(Measure::OutreachAndVolunteerEvents, Ratio::whole(4), 15),
                indicator(Measure::AwardPoints, Ratio::whole(10), 15),
                indicator(Measure::RecordKeeping, Ratio::ONE, 15),
            ],
            award_points: AwardPoints::default(),
            bands: default_bands(),
            below_bands: default_below_bands(),
        }
    }
}

impl Scorecard {
    /// Checks the scorecard and returns every problem, with paths inside the
    /// document.
    pub fn validate(&self) -> Problems {
        let mut problems = Problems::new();
        if self.format != SCORECARD_FORMAT {
            problems.push(
                Problem::new(crate::problem::codes::UNSUPPORTED_FORMAT, path!["format"])
                    .with("expected", SCORECARD_FORMAT)
                    .with("value", self.format.as_str()),
            );
        }
        let mut measures = HashSet::new();
        for (position, indicator) in self.indicators.iter().enumerate() {
            if !measures.insert(indicator.measure) {
                problems.push(invalid(
                    path!["indicators", position, "measure"],
                    format!("measure {} appears more than once", indicator.measure),
                ));
            }
            if indicator.target.is_zero() {
                problems.push(invalid(
                    path!["indicators", position, "target"],
                    format!("the target of {} must be greater than 0", indicator.measure),
                ));
            }
        }
        match self.total_weight() {
            Some(total) if total.is_zero() => problems.push(Problem::new(
                codes::SCORECARD_WEIGHTS_ZERO,
                path!["indicators"],
            )),
            Some(_) => {}
            None => problems.push(invalid(
                path!["indicators"],
                "the weights are too large to add up exactly".to_owned(),
            )),
        }
        self.validate_bands(&mut problems);
        problems
    }

    fn validate_bands(&self, problems: &mut Problems) {
        let hundred = Ratio::whole(100);
        let mut ratings = HashSet::new();
        let mut scores = HashSet::new();
        for (position, band) in self.bands.iter().enumerate() {
            if band.rating.trim().is_empty() {
                problems.push(invalid(
                    path!["bands", position, "rating"],
                    "a rating needs a name".to_owned(),
                ));
            } else if !ratings.insert(band.rating.as_str()) || band.rating == self.below_bands {
                problems.push(invalid(
                    path!["bands", position, "rating"],
                    format!("rating \"{}\" is given more than once", band.rating),
                ));
            }
            if band.min_score.checked_cmp(hundred) == Some(Ordering::Greater) {
                problems.push(invalid(
                    path!["bands", position, "min_score"],
                    format!("min_score must be at most 100, got {}", band.min_score),
                ));
            } else if 100 % band.min_score.denominator() != 0 {
                // The shown score is rounded down to 2 decimals, so it reaches
                // a band limit of at most 2 decimals exactly when the exact
                // score does; a finer limit would break that.
                problems.push(invalid(
                    path!["bands", position, "min_score"],
                    format!(
                        "min_score must have at most 2 decimals, got {}",
                        band.min_score
                    ),
                ));
            } else if !scores.insert(band.min_score) {
                problems.push(invalid(
                    path!["bands", position, "min_score"],
                    format!("two bands start at {}", band.min_score),
                ));
            }
        }
        if self.below_bands.trim().is_empty() {
            problems.push(invalid(
                path!["below_bands"],
                "below_bands needs a rating name".to_owned(),
            ));
        }
    }

    /// Returns the sum of the weights, or `None` when it does not fit.
    pub fn total_weight(&self) -> Option<Ratio> {
        self.indicators
            .iter()
            .try_fold(Ratio::ZERO, |total, indicator| {
                total.checked_add(indicator.weight)
            })
    }

    /// Returns the rating of an exact score.
    pub fn rating(&self, score: Ratio) -> &str {
        self.bands
            .iter()
            .filter(|band| {
                matches!(
                    score.checked_cmp(band.min_score),
                    Some(Ordering::Greater | Ordering::Equal)
                )
            })
            .max_by(|a, b| {
                a.min_score
                    .checked_cmp(b.min_score)
                    .unwrap_or(Ordering::Equal)
            })
            .map_or(self.below_bands.as_str(), |band| band.rating.as_str())
    }
}

fn invalid(path: Path, detail: String) -> Problem {
    Problem::new(codes::INVALID_SCORECARD, path).with("detail", detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weights_add_to_hundred() {
        let scorecard = Scorecard::default();
        assert_eq!(scorecard.total_weight(), Some(Ratio::whole(100)));
        assert!(scorecard.validate().is_empty());
    }

    #[test]
    fn ratings_follow_the_bands() {
        let scorecard = Scorecard::default();
        assert_eq!(scorecard.rating(Ratio::whole(90)), "five_stars");
        let just_below = Ratio::new(8999, 100).unwrap();
        assert_eq!(scorecard.rating(just_below), "four_stars");
        assert_eq!(scorecard.rating(Ratio::whole(60)), "qualified");
        assert_eq!(
            scorecard.rating(Ratio::new(5999, 100).unwrap()),
            "not_qualified"
        );
    }

    #[test]
    fn document_round_trip() {
        let scorecard = Scorecard::default();
        let json = serde_json::to_value(&scorecard).unwrap();
        assert_eq!(json["format"], SCORECARD_FORMAT);
        assert_eq!(json["indicators"][1]["target"], "0.8");
        let back: Scorecard = serde_json::from_value(json).unwrap();
        assert_eq!(back, scorecard);
    }

    #[test]
    fn award_points_multiply() {
        let points = AwardPoints::default();
        assert_eq!(
            points.points(AwardScope::Provincial, AwardRank::First),
            Some(Ratio::whole(9))
        );
        assert_eq!(
            points.points(AwardScope::City, AwardRank::Special),
            Some(Ratio::whole(8))
        );
    }
}
