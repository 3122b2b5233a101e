//! The configuration of a learning index: indicators, normalisation,
//! weights, aggregation and the treatment of missing values.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::path;
use crate::problem::{Path, Problem, Problems};

use super::codes;
use super::number::{IndexNumber, MAX_MAGNITUDE, MIN_DIVISOR};

/// The `format` of an index configuration document.
pub const INDEX_FORMAT: &str = "xuetong.learning_index/1";

crate::text_enum! {
    /// Whether a higher value of an indicator is better or worse.
    pub enum Direction {
        /// Higher is better.
        Positive = "positive",
        /// Lower is better; normalisation flips the scale.
        Negative = "negative",
    }
}

#[expect(
    clippy::derivable_impls,
    reason = "text_enum! takes no #[default] attribute on a variant"
)]
impl Default for Direction {
    fn default() -> Self {
        Self::Positive
    }
}

crate::text_enum! {
    /// The standard deviation that a z-score divides by.
    pub enum Deviation {
        /// The sample standard deviation, dividing the sum of squares by
        /// `n - 1`.
        Sample = "sample",
        /// The population standard deviation, dividing by `n`.
        Population = "population",
    }
}

/// The method that turns an indicator's raw values into comparable scores,
/// where a higher score is always better.
///
/// Written as `{"method": "min_max"}`, or `{"method": "z_score", "deviation":
/// "sample"}` for z-scores, which must name the deviation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "NormalisationForm", into = "NormalisationForm")]
pub enum Normalisation {
    /// `100 × (x - min) / (max - min)` over the units with a value, onto
    /// [0, 100]; the default.
    #[default]
    MinMax,
    /// `(x - mean) / sd`, with the standard deviation named.
    ZScore {
        /// Sample or population standard deviation.
        deviation: Deviation,
    },
    /// `100 × (x - lower) / (upper - lower)` with the indicator's fixed
    /// `goalposts`, clamped to [0, 100].
    Goalposts,
    /// `100 × x / target` with the indicator's `target`. A negative
    /// indicator uses `100 × (2 - x / target)`, so that every step past the
    /// target costs as much as the same step short of it would earn.
    DistanceToTarget,
    /// The unit's average rank among the units with a value, as
    /// `100 × (rank - 1) / (n - 1)` counted from the worst (tied units share
    /// the mean of their ranks).
    Rank,
}

/// The `method` of a normalisation as written.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum NormalisationMethod {
    MinMax,
    ZScore,
    Goalposts,
    DistanceToTarget,
    Rank,
}

/// The written form of a [`Normalisation`].
#[derive(Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a normalisation object such as {\"method\": \"min_max\"}"
)]
struct NormalisationForm {
    method: NormalisationMethod,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    deviation: Option<Deviation>,
}

impl TryFrom<NormalisationForm> for Normalisation {
    type Error = String;

    fn try_from(form: NormalisationForm) -> Result<Self, Self::Error> {
        let normalisation = match (form.method, form.deviation) {
            (NormalisationMethod::ZScore, Some(deviation)) => Self::ZScore { deviation },
            (NormalisationMethod::ZScore, None) => {
                return Err("z_score needs deviation: \"sample\" or \"population\"".to_owned());
            }
            (method, Some(_)) => {
                return Err(format!(
                    "deviation applies only to z_score, not to {method:?}"
                ));
            }
            (NormalisationMethod::MinMax, None) => Self::MinMax,
            (NormalisationMethod::Goalposts, None) => Self::Goalposts,
            (NormalisationMethod::DistanceToTarget, None) => Self::DistanceToTarget,
            (NormalisationMethod::Rank, None) => Self::Rank,
        };
        Ok(normalisation)
    }
}

impl From<Normalisation> for NormalisationForm {
    fn from(normalisation: Normalisation) -> Self {
        let (method, deviation) = match normalisation {
            Normalisation::MinMax => (NormalisationMethod::MinMax, None),
            Normalisation::ZScore { deviation } => (NormalisationMethod::ZScore, Some(deviation)),
            Normalisation::Goalposts => (NormalisationMethod::Goalposts, None),
            Normalisation::DistanceToTarget => (NormalisationMethod::DistanceToTarget, None),
            Normalisation::Rank => (NormalisationMethod::Rank, None),
        };
        Self { method, deviation }
    }
}

/// The mean that combines a unit's normalised scores into one score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// The weighted arithmetic mean; the default.
    #[default]
    Arithmetic,
    /// The weighted geometric mean, of scores moved above zero first.
    Geometric,
    /// The weighted harmonic mean, of scores moved above zero first.
    Harmonic,
}

/// The population figure an indicator's value is divided by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Denominator {
    /// The name of the figure in each unit's `denominators`, such as
    /// `residents`.
    pub population: String,
    /// The scale: 1,000 gives a value per 1,000 of the population.
    #[serde(default = "one")]
    pub per: IndexNumber,
}

/// Fixed bounds for goalpost normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Goalposts {
    /// The value that scores 0 (100 for a negative indicator).
    pub lower: IndexNumber,
    /// The value that scores 100 (0 for a negative indicator).
    pub upper: IndexNumber,
}

/// One indicator of the index.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    /// The key under which units supply the value.
    pub key: String,
    /// The name of the statistic that supplies the value, such as
    /// `active_learners`. The computation does not use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistic: Option<String>,
    /// Whether higher is better.
    #[serde(default)]
    pub direction: Direction,
    /// The population the value is divided by; without one the value is
    /// used as supplied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Denominator>,
    /// The weight, at least 0; 1 by default.
    #[serde(default = "one")]
    pub weight: IndexNumber,
    /// The normalisation of this indicator, when it differs from the
    /// configuration's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalisation: Option<Normalisation>,
    /// The bounds for goalpost normalisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goalposts: Option<Goalposts>,
    /// The target for distance-to-target normalisation, greater than 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<IndexNumber>,
}

fn one() -> IndexNumber {
    IndexNumber(1.0)
}

fn default_min_available() -> IndexNumber {
    IndexNumber(0.75)
}

fn default_decimals() -> u32 {
    3
}

/// The largest number of decimals results may be rounded to.
pub const MAX_DECIMALS: u32 = 6;

/// A composite learning index over districts or any other set of units.
///
/// # Computation
///
/// 1. Each indicator's value is divided by its denominator and scaled by
///    `per`. A unit without the value, or with a missing or zero
///    denominator, misses the indicator.
/// 2. Each indicator is normalised over the units that have it.
/// 3. A unit that has less than `min_available` (a share from 0 to 1) of
///    the indicators gets no score. Otherwise each missing normalised score
///    is the unweighted mean of the unit's other normalised scores.
/// 4. The normalised scores are aggregated with the weights. A geometric
///    or harmonic mean needs scores above 0. So when the smallest normalised
///    score of any scored unit is 0 or less, every score is first raised by
///    the same `shift`, which makes the smallest equal to `shift_offset`,
///    and the shift is subtracted from the mean again.
/// 5. Scores are rounded to `decimals` decimals, and units are ranked on
///    the rounded scores: equal rounded scores share a rank and the next
///    rank skips.
///
/// The computation uses `f64`; every result crosses JSON as a decimal
/// string rounded to `decimals` decimals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// Always [`INDEX_FORMAT`].
    pub format: String,
    /// The indicators, each key once.
    pub indicators: Vec<IndicatorDef>,
    /// The normalisation of every indicator without its own.
    #[serde(default)]
    pub normalisation: Normalisation,
    /// The aggregation.
    #[serde(default)]
    pub aggregation: Aggregation,
    /// The share of indicators, from 0 to 1, that a unit needs for a score;
    /// 0.75 by default.
    #[serde(default = "default_min_available")]
    pub min_available: IndexNumber,
    /// The decimals of every result, from 0 to 6; 3 by default.
    #[serde(default = "default_decimals")]
    pub decimals: u32,
    /// The smallest score after the shift before a geometric or harmonic
    /// mean, from 0.000001 to 10^15, so that dividing by it stays finite; 1
    /// by default.
    #[serde(default = "one")]
    pub shift_offset: IndexNumber,
}

impl Default for IndexConfig {
    /// Returns the default district indicator set, see
    /// [`IndexConfig::district_default`].
    fn default() -> Self {
        Self::district_default()
    }
}

impl IndexConfig {
    /// Returns the default indicator set for ranking districts, with equal
    /// weights, min-max normalisation and the arithmetic mean. Every
    /// indicator is positive. Its value is the statistic named, divided by
    /// the population named:
    ///
    /// | key | statistic | denominator |
    /// |---|---|---|
    /// | `participation` | `active_learners` | per 100 `residents` |
    /// | `learning_hours_per_resident` | `credited_hours` | per 1 of `residents` |
    /// | `activities_per_10000_residents` | `activities_held` | per 10,000 `residents` |
    /// | `check_ins_per_enrolment` | `check_ins` | per 1 of `enrolments` |
    /// | `older_participation` | `active_learners_aged_60_or_more` | per 100 `older_residents` |
    /// | `clubs_per_10000_residents` | `clubs` | per 10,000 `residents` |
    /// | `outcomes_per_learner` | `learning_outcomes` | per 1 of `learners` (registered) |
    /// | `learning_circle_coverage` | `communities_covered` | per 100 `communities` |
    pub fn district_default() -> Self {
        let indicator = |key: &str, statistic: &str, population: &str, per: f64| IndicatorDef {
            key: key.to_owned(),
            statistic: Some(statistic.to_owned()),
            direction: Direction::Positive,
            denominator: Some(Denominator {
                population: population.to_owned(),
                per: IndexNumber(per),
            }),
            weight: one(),
            normalisation: None,
            goalposts: None,
            target: None,
        };
        Self {
            format: INDEX_FORMAT.to_owned(),
            indicators: vec![
                indicator("participation", "active_learners", "residents", 100.0),
                indicator(
                    "learning_hours_per_resident",
                    "credited_hours",
                    "residents",
                    1.0,
                ),
                indicator(
                    "activities_per_10000_residents",
                    "activities_held",
                    "residents",
                    10_000.0,
                ),
                indicator("check_ins_per_enrolment", "check_ins", "enrolments", 1.0),
                indicator(
                    "older_participation",
                    "active_learners_aged_60_or_more",
                    "older_residents",
                    100.0,
                ),
                indicator("clubs_per_10000_residents", "clubs", "residents", 10_000.0),
                indicator("outcomes_per_learner", "learning_outcomes", "learners", 1.0),
                indicator(
                    "learning_circle_coverage",
                    "communities_covered",
                    "communities",
                    100.0,
                ),
            ],
            normalisation: Normalisation::MinMax,
            aggregation: Aggregation::Arithmetic,
            min_available: default_min_available(),
            decimals: default_decimals(),
            shift_offset: one(),
        }
    }

    /// Returns the normalisation of an indicator: its own, or else the
    /// configuration's.
    pub fn normalisation_of(&self, indicator: &IndicatorDef) -> Normalisation {
        indicator.normalisation.unwrap_or(self.normalisation)
    }

    /// Checks the configuration and returns every problem, with paths inside
    /// the document.
    pub fn validate(&self) -> Problems {
        let mut problems = Problems::new();
        if self.format != INDEX_FORMAT {
            problems.push(
                Problem::new(crate::problem::codes::UNSUPPORTED_FORMAT, path!["format"])
                    .with("expected", INDEX_FORMAT)
                    .with("value", self.format.as_str()),
            );
        }

        let mut keys = HashSet::new();
        let mut total_weight = 0.0;
        for (position, indicator) in self.indicators.iter().enumerate() {
            let at = |field: &'static str| path!["indicators", position, field];
            if indicator.key.trim().is_empty() {
                problems.push(invalid(at("key"), "an indicator needs a key".to_owned()));
            } else if !keys.insert(indicator.key.as_str()) {
                problems.push(invalid(
                    at("key"),
                    format!("indicator \"{}\" is defined more than once", indicator.key),
                ));
            }
            let weight = indicator.weight.get();
            if !(0.0..=MAX_MAGNITUDE).contains(&weight) {
                problems.push(invalid(
                    at("weight"),
                    format!("a weight must be between 0 and {MAX_MAGNITUDE}, got {weight}"),
                ));
            } else {
                total_weight += weight;
            }
            if let Some(denominator) = &indicator.denominator {
                let per = denominator.per.get();
                if denominator.population.trim().is_empty() {
                    problems.push(invalid(
                        path!["indicators", position, "denominator", "population"],
                        "a denominator needs the name of a population figure".to_owned(),
                    ));
                }
                if !(per > 0.0 && per <= MAX_MAGNITUDE) {
                    problems.push(invalid(
                        path!["indicators", position, "denominator", "per"],
                        format!(
                            "per must be greater than 0 and at most {MAX_MAGNITUDE}, got {per}"
                        ),
                    ));
                }
            }
            self.validate_normalisation(position, indicator, &mut problems);
        }
        if total_weight <= 0.0 {
            problems.push(Problem::new(codes::INDEX_WEIGHTS_ZERO, path!["indicators"]));
        }

        let min_available = self.min_available.get();
        if !(0.0..=1.0).contains(&min_available) {
            problems.push(invalid(
                path!["min_available"],
                format!("min_available must be a share from 0 to 1, got {min_available}"),
            ));
        }
        if self.decimals > MAX_DECIMALS {
            problems.push(invalid(
                path!["decimals"],
                format!(
                    "decimals must be from 0 to {MAX_DECIMALS}, got {}",
                    self.decimals
                ),
            ));
        }
        let offset = self.shift_offset.get();
        if !(MIN_DIVISOR..=MAX_MAGNITUDE).contains(&offset) {
            problems.push(invalid(
                path!["shift_offset"],
                format!(
                    "shift_offset must be between {MIN_DIVISOR} and {MAX_MAGNITUDE}, got {offset}"
                ),
            ));
        }
        problems
    }

    fn validate_normalisation(
        &self,
        position: usize,
        indicator: &IndicatorDef,
        problems: &mut Problems,
    ) {
        let in_range = |value: f64| value.abs() <= MAX_MAGNITUDE;
        match self.normalisation_of(indicator) {
            Normalisation::Goalposts => match indicator.goalposts {
                None => problems.push(required(position, "goalposts", "goalposts normalisation")),
                Some(goalposts) => {
                    let (lower, upper) = (goalposts.lower.get(), goalposts.upper.get());
                    if !(lower < upper && in_range(lower) && in_range(upper)) {
                        problems.push(invalid(
                            path!["indicators", position, "goalposts"],
                            format!(
                                "goalposts need lower below upper, within {MAX_MAGNITUDE}, got {lower} and {upper}"
                            ),
                        ));
                    }
                }
            },
            Normalisation::DistanceToTarget => match indicator.target {
                None => problems.push(required(position, "target", "distance to target")),
                Some(target) if !(MIN_DIVISOR..=MAX_MAGNITUDE).contains(&target.get()) => {
                    problems.push(invalid(
                        path!["indicators", position, "target"],
                        format!(
                            "a target must be between {MIN_DIVISOR} and {MAX_MAGNITUDE}, got {target}"
                        ),
                    ));
                }
                Some(_) => {}
            },
            Normalisation::MinMax | Normalisation::ZScore { .. } | Normalisation::Rank => {}
        }
    }
}

fn invalid(path: Path, detail: String) -> Problem {
    Problem::new(codes::INVALID_INDEX_CONFIG, path).with("detail", detail)
}

fn required(position: usize, field: &'static str, kind: &'static str) -> Problem {
    Problem::new(
        crate::model::codes::REQUIRED_FOR_KIND,
        path!["indicators", position, field],
    )
    .with("field", field)
    .with("kind", kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn default_set_is_valid() {
        let config = IndexConfig::district_default();
        assert!(config.validate().is_empty());
        assert_eq!(config.indicators.len(), 8);
    }

    #[test]
    fn normalisation_is_tagged() {
        let parsed: Normalisation =
            serde_json::from_value(json!({"method": "z_score", "deviation": "sample"})).unwrap();
        assert_eq!(
            parsed,
            Normalisation::ZScore {
                deviation: Deviation::Sample
            }
        );
        assert!(serde_json::from_value::<Normalisation>(json!({"method": "z_score"})).is_err());
        let error = serde_json::from_value::<Normalisation>(json!("min_max")).unwrap_err();
        assert!(error.to_string().contains("{\"method\""), "{error}");
        assert!(
            serde_json::from_value::<Normalisation>(json!({"method": "rank", "extra": 1})).is_err()
        );
    }

    #[test]
    fn document_round_trip() {
        let config = IndexConfig::district_default();
        let json = serde_json::to_value(&config).unwrap();
        assert_eq!(json["indicators"][2]["denominator"]["per"], "10000");
        let back: IndexConfig = serde_json::from_value(json).unwrap();
        assert_eq!(back, config);
    }
}
