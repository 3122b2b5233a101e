//! Computing the index for a set of units, ranking them, and comparing the
//! ranks of two configurations.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::path;
use crate::problem::{Problem, Problems};

use super::codes;
use super::config::{Aggregation, IndexConfig};
use super::normalise::{midpoint, normalise};
use super::number::{IndexNumber, MAX_MAGNITUDE, MIN_DIVISOR, round_text, rounded};

/// The units to score.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexInput {
    /// One entry per unit, each unit once.
    pub units: Vec<UnitInput>,
}

/// The supplied values of one unit, such as a district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// The unit's name or id.
    pub unit: String,
    /// The value of each indicator, by key; a missing key or `null` is a
    /// missing value.
    #[serde(default)]
    pub values: BTreeMap<String, Option<IndexNumber>>,
    /// Population figures by name, such as `residents`, for the indicators'
    /// denominators.
    #[serde(default)]
    pub denominators: BTreeMap<String, IndexNumber>,
}

/// An indicator that a unit misses, with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MissingValue {
    /// The indicator.
    pub indicator: String,
    /// `no_value`, `no_denominator` (the unit lacks the population figure)
    /// or `zero_denominator`.
    pub reason: &'static str,
}

/// The result of one unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnitScore {
    /// The unit.
    pub unit: String,
    /// The rank: 1 is best, equal rounded scores share a rank, and the next
    /// rank skips. `None` without a score.
    pub rank: Option<u32>,
    /// The score, rounded; `None` when the unit has too few indicators.
    pub score: Option<String>,
    /// How many indicators the unit has.
    pub available: u32,
    /// The value of each available indicator after its denominator, rounded.
    pub values: BTreeMap<String, String>,
    /// The normalised score of each indicator, rounded, including the
    /// imputed ones.
    pub normalised: BTreeMap<String, String>,
    /// The indicators whose normalised score is the mean of the others.
    pub imputed: Vec<String>,
    /// The indicators the unit misses, with the reason.
    pub missing: Vec<MissingValue>,
}

/// Statistics of one indicator over the units.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorSummary {
    /// The indicator.
    pub key: String,
    /// The units with a value.
    pub available: u32,
    /// The smallest value after the denominator, rounded.
    pub min: Option<String>,
    /// The largest value, rounded.
    pub max: Option<String>,
    /// The mean value, rounded.
    pub mean: Option<String>,
    /// The standard deviation, rounded, for z-scores.
    pub deviation: Option<String>,
    /// Whether the indicator could not tell the units apart.
    pub constant: bool,
}

/// The learning index of a set of units.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndexResult {
    /// The decimals of every rounded number.
    pub decimals: u32,
    /// The amount added to every normalised score before a geometric or
    /// harmonic mean and subtracted after it, rounded; `None` for the
    /// arithmetic mean.
    pub shift: Option<String>,
    /// The units, best first; units with equal rank keep their input order,
    /// and units without a score come last.
    pub units: Vec<UnitScore>,
    /// Each indicator over the units.
    pub indicators: Vec<IndicatorSummary>,
    /// Notices that changed no input, such as `constant_indicator`.
    pub notices: Vec<Problem>,
}

/// Checks `input` against `config` and returns every problem, with paths
/// inside the input.
fn validate_input(config: &IndexConfig, input: &IndexInput) -> Problems {
    let mut problems = Problems::new();
    let keys: HashSet<&str> = config
        .indicators
        .iter()
        .map(|def| def.key.as_str())
        .collect();
    let allowed: Vec<&str> = config
        .indicators
        .iter()
        .map(|def| def.key.as_str())
        .collect();
    let mut seen = HashSet::new();
    for (position, unit) in input.units.iter().enumerate() {
        if !seen.insert(unit.unit.as_str()) {
            problems.push(
                Problem::new(codes::DUPLICATE_UNIT, path!["units", position, "unit"])
                    .with("value", unit.unit.as_str()),
            );
        }
        for (key, value) in &unit.values {
            let at = path!["units", position, "values", key.clone()];
            if !keys.contains(key.as_str()) {
                problems.push(
                    Problem::new(codes::UNKNOWN_INDICATOR, at)
                        .with("value", key.as_str())
                        .with("allowed", allowed.join(", ")),
                );
            } else if let Some(value) = value
                && value.get().abs() > MAX_MAGNITUDE
            {
                problems.push(out_of_range(at, key, value.get(), -MAX_MAGNITUDE));
            }
        }
        for (name, value) in &unit.denominators {
            let at = path!["units", position, "denominators", name.clone()];
            let figure = value.get();
            if figure != 0.0 && !(MIN_DIVISOR..=MAX_MAGNITUDE).contains(&figure) {
                problems.push(out_of_range(at, name, figure, MIN_DIVISOR));
            }
        }
    }
    problems
}

fn out_of_range(path: crate::problem::Path, field: &str, value: f64, min: f64) -> Problem {
    Problem::new(crate::problem::codes::OUT_OF_RANGE, path)
        .with("field", field)
        .with("value", value.to_string())
        .with("min", min.to_string())
        .with("max", MAX_MAGNITUDE.to_string())
}

/// The value of each indicator (rows) for each unit (columns) after the
/// denominators, and the reasons of the missing ones.
type RawTable = (Vec<Vec<Option<f64>>>, Vec<Vec<MissingValue>>);

fn raw_values(config: &IndexConfig, input: &IndexInput) -> RawTable {
    let mut missing = vec![Vec::new(); input.units.len()];
    let table = config
        .indicators
        .iter()
        .map(|indicator| {
            input
                .units
                .iter()
                .enumerate()
                .map(|(position, unit)| {
                    let value = unit.values.get(&indicator.key).copied().flatten();
                    let result = match (value, &indicator.denominator) {
                        (None, _) => Err("no_value"),
                        (Some(value), None) => Ok(value.get()),
                        (Some(value), Some(denominator)) => {
                            match unit.denominators.get(&denominator.population) {
                                None => Err("no_denominator"),
                                Some(population) if population.get() == 0.0 => {
                                    Err("zero_denominator")
                                }
                                Some(population) => {
                                    Ok(value.get() / population.get() * denominator.per.get())
                                }
                            }
                        }
                    };
                    result
                        .map_err(|reason| {
                            missing[position].push(MissingValue {
                                indicator: indicator.key.clone(),
                                reason,
                            });
                        })
                        .ok()
                })
                .collect()
        })
        .collect();
    (table, missing)
}

/// Computes the index of `input` under `config`.
///
/// # Errors
///
/// Returns the problems of the configuration (paths under `config`) and of
/// the input (paths under `units`): `unsupported_format`,
/// `invalid_index_config`, `required_for_kind`, `index_weights_zero`,
/// `duplicate_unit`, `unknown_indicator` and `out_of_range`.
///
/// # Example
///
/// ```
/// use xuetong::index::{IndexConfig, IndexInput, compute};
///
/// let config: IndexConfig = serde_json::from_value(serde_json::json!({
///     "format": "xuetong.learning_index/1",
///     "indicators": [{"key": "x"}, {"key": "y"}],
/// }))?;
/// let input: IndexInput = serde_json::from_value(serde_json::json!({"units": [
///     {"unit": "A", "values": {"x": "10", "y": "0"}},
///     {"unit": "B", "values": {"x": "0", "y": "10"}},
///     {"unit": "C", "values": {"x": "5", "y": "0"}},
/// ]}))?;
/// let result = compute(&config, &input).unwrap();
/// assert_eq!(result.units[0].score.as_deref(), Some("50.000"));
/// assert_eq!(result.units[1].rank, Some(1));
/// assert_eq!(result.units[2].unit, "C");
/// assert_eq!(result.units[2].rank, Some(3));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn compute(config: &IndexConfig, input: &IndexInput) -> Result<IndexResult, Problems> {
    let mut problems = Problems::new();
    for mut problem in config.validate() {
        let mut segments = vec!["config".into()];
        segments.extend(problem.path.0);
        problem.path = crate::problem::Path(segments);
        problems.push(problem);
    }
    problems.extend(validate_input(config, input));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(compute_valid(config, input))
}

/// Computes the index of an input already checked against a valid
/// configuration.
fn compute_valid(config: &IndexConfig, input: &IndexInput) -> IndexResult {
    let decimals = config.decimals;
    let unit_count = input.units.len();
    let indicator_count = config.indicators.len();
    let (raw, mut missing) = raw_values(config, input);

    let mut normalised: Vec<Vec<Option<f64>>> = Vec::with_capacity(indicator_count);
    let mut summaries = Vec::with_capacity(indicator_count);
    let mut notices = Vec::new();
    for (indicator, values) in config.indicators.iter().zip(&raw) {
        let method = config.normalisation_of(indicator);
        let result = normalise(method, indicator, values);
        if result.constant {
            notices.push(
                Problem::new(codes::CONSTANT_INDICATOR, path!["config", "indicators"])
                    .with("indicator", indicator.key.as_str())
                    .with("midpoint", round_text(midpoint(method), decimals)),
            );
        }
        let text = |value: Option<f64>| value.map(|value| round_text(value, decimals));
        summaries.push(IndicatorSummary {
            key: indicator.key.clone(),
            available: result.available as u32,
            min: text(result.min),
            max: text(result.max),
            mean: text(result.mean),
            deviation: text(result.deviation),
            constant: result.constant,
        });
        normalised.push(result.values);
    }

    let weights: Vec<f64> = config
        .indicators
        .iter()
        .map(|def| def.weight.get())
        .collect();
    let min_available = config.min_available.get();
    let mut completed: Vec<Option<Vec<f64>>> = Vec::with_capacity(unit_count);
    let mut imputed: Vec<Vec<String>> = vec![Vec::new(); unit_count];
    for unit in 0..unit_count {
        let own: Vec<Option<f64>> = normalised.iter().map(|row| row[unit]).collect();
        let available: Vec<f64> = own.iter().flatten().copied().collect();
        let share = available.len() as f64 / indicator_count as f64;
        if available.is_empty() || share < min_available {
            completed.push(None);
            continue;
        }
        let mean = available.iter().sum::<f64>() / available.len() as f64;
        let filled = own
            .iter()
            .zip(&config.indicators)
            .map(|(value, def)| {
                value.unwrap_or_else(|| {
                    imputed[unit].push(def.key.clone());
                    mean
                })
            })
            .collect();
        completed.push(Some(filled));
    }

    let (shift, lift) = match config.aggregation {
        Aggregation::Arithmetic => (None, None),
        Aggregation::Geometric | Aggregation::Harmonic => {
            let smallest = completed
                .iter()
                .flatten()
                .flatten()
                .copied()
                .reduce(f64::min);
            let offset = config.shift_offset.get();
            match smallest {
                Some(smallest) if smallest <= 0.0 => {
                    (Some(offset - smallest), Some(Lift { smallest, offset }))
                }
                _ => (Some(0.0), None),
            }
        }
    };
    let scores: Vec<Option<f64>> = completed
        .iter()
        .map(|values| {
            values
                .as_ref()
                .map(|values| aggregate(config.aggregation, &weights, values, lift))
        })
        .collect();
    let ranks = rank(&scores, decimals);

    let mut units: Vec<(usize, UnitScore)> = input
        .units
        .iter()
        .enumerate()
        .map(|(position, unit)| {
            let values = config
                .indicators
                .iter()
                .zip(&raw)
                .filter_map(|(def, row)| {
                    row[position].map(|value| (def.key.clone(), round_text(value, decimals)))
                })
                .collect();
            let normalised_scores = match &completed[position] {
                Some(filled) => config
                    .indicators
                    .iter()
                    .zip(filled)
                    .map(|(def, value)| (def.key.clone(), round_text(*value, decimals)))
                    .collect(),
                None => config
                    .indicators
                    .iter()
                    .zip(&normalised)
                    .filter_map(|(def, row)| {
                        row[position].map(|value| (def.key.clone(), round_text(value, decimals)))
                    })
                    .collect(),
            };
            let available = (indicator_count - missing[position].len()) as u32;
            let score = UnitScore {
                unit: unit.unit.clone(),
                rank: ranks[position],
                score: scores[position].map(|score| round_text(score, decimals)),
                available,
                values,
                normalised: normalised_scores,
                imputed: std::mem::take(&mut imputed[position]),
                missing: std::mem::take(&mut missing[position]),
            };
            (position, score)
        })
        .collect();
    units.sort_by_key(|(position, unit)| (unit.rank.is_none(), unit.rank, *position));

    IndexResult {
        decimals,
        shift: shift.map(|shift| round_text(shift, decimals)),
        units: units.into_iter().map(|(_, unit)| unit).collect(),
        indicators: summaries,
        notices,
    }
}

/// The raise of every score above zero before a geometric or harmonic mean:
/// `offset - smallest`, added as `(score - smallest) + offset`, which no
/// rounding takes below `offset`.
#[derive(Clone, Copy, Debug)]
struct Lift {
    smallest: f64,
    offset: f64,
}

impl Lift {
    fn raise(lift: Option<Self>, score: f64) -> f64 {
        match lift {
            Some(lift) => (score - lift.smallest) + lift.offset,
            None => score,
        }
    }
}

/// Returns the weighted mean of `values`. For the geometric and harmonic
/// means, each value is raised by `lift` first and the mean lowered by the
/// same amount again.
///
/// With `top` the unit's largest score and `r` that score raised, the
/// geometric mean is computed as `top + r · expm1(Σ w·ln((s + shift) / r)
/// / Σ w)`, and the harmonic mean as `top + Σ (w·(s − top) / (s + shift)) /
/// Σ (w / (s + shift))`. These are the documented formulas rearranged so
/// that no score is raised by the shift and lowered again, which would
/// lose the digits of the scores when the shift is large. Indicators of
/// weight 0 take no part.
fn aggregate(method: Aggregation, weights: &[f64], values: &[f64], lift: Option<Lift>) -> f64 {
    let total: f64 = weights.iter().sum();
    let weighted = || {
        weights
            .iter()
            .zip(values)
            .filter(|(weight, _)| **weight > 0.0)
            .map(|(weight, value)| (*weight, *value))
    };
    let top = weighted().map(|(_, value)| value).fold(f64::MIN, f64::max);
    let top_raised = Lift::raise(lift, top);
    match method {
        Aggregation::Arithmetic => weighted().map(|(w, x)| w * x).sum::<f64>() / total,
        Aggregation::Geometric => {
            // ln(raised / top_raised) is ln_1p of the step from the top when
            // the two are close. Otherwise it is the log of the quotient,
            // which keeps its digits when a score lies far below the top.
            // Raised scores are at least `shift_offset`, so it is finite.
            let log_ratio = |x: f64| {
                let step = (x - top) / top_raised;
                if step > -0.5 {
                    step.ln_1p()
                } else {
                    (Lift::raise(lift, x) / top_raised).ln()
                }
            };
            let log_mean = weighted().map(|(w, x)| w * log_ratio(x)).sum::<f64>() / total;
            top + top_raised * log_mean.exp_m1()
        }
        Aggregation::Harmonic => {
            let step: f64 = weighted()
                .map(|(w, x)| w * (x - top) / Lift::raise(lift, x))
                .sum();
            let reciprocal: f64 = weighted().map(|(w, x)| w / Lift::raise(lift, x)).sum();
            top + step / reciprocal
        }
    }
}

/// Ranks the scores, best first, on their values rounded to `decimals`:
/// equal rounded scores share a rank, and the next rank skips ("1, 1, 3").
fn rank(scores: &[Option<f64>], decimals: u32) -> Vec<Option<u32>> {
    let keys: Vec<Option<f64>> = scores
        .iter()
        .map(|score| score.map(|score| rounded(score, decimals)))
        .collect();
    let mut descending: Vec<f64> = keys.iter().flatten().copied().collect();
    descending.sort_by(|a, b| b.total_cmp(a));
    keys.iter()
        .map(|key| {
            key.map(|key| {
                let better = descending.partition_point(|&other| other > key);
                better as u32 + 1
            })
        })
        .collect()
}

/// The rank of one unit under two configurations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RankChange {
    /// The unit.
    pub unit: String,
    /// Its rank under the baseline configuration.
    pub baseline_rank: Option<u32>,
    /// Its rank under the alternative configuration.
    pub alternative_rank: Option<u32>,
    /// The absolute difference, when the unit is ranked under both.
    pub shift: Option<u32>,
}

/// How much the ranking moves between two configurations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RankShift {
    /// The mean absolute rank shift over the units ranked under both
    /// configurations, rounded half up to three decimals. `None` when no
    /// unit is ranked under both.
    pub mean_absolute_shift: Option<String>,
    /// How many units are ranked under both.
    pub compared: u32,
    /// Each unit, in input order.
    pub units: Vec<RankChange>,
}

/// Computes the average absolute rank shift of the units between a
/// baseline and an alternative configuration, a measure of how robust the
/// ranking is to the choice of method.
///
/// # Errors
///
/// Returns the problems of either configuration (paths under `baseline` or
/// `alternative`) and of the input.
pub fn rank_shift(
    input: &IndexInput,
    baseline: &IndexConfig,
    alternative: &IndexConfig,
) -> Result<RankShift, Problems> {
    let mut problems = Problems::new();
    let mut results = Vec::new();
    for (name, config) in [("baseline", baseline), ("alternative", alternative)] {
        match compute(config, input) {
            Ok(result) => results.push(result),
            Err(found) => {
                for mut problem in found {
                    if let Some(first) = problem.path.0.first_mut()
                        && *first == "config".into()
                    {
                        *first = name.into();
                    }
                    if !problems.iter().any(|known| *known == problem) {
                        problems.push(problem);
                    }
                }
            }
        }
    }
    let [baseline, alternative] = match <[IndexResult; 2]>::try_from(results) {
        Ok(pair) if problems.is_empty() => pair,
        _ => return Err(problems),
    };
    let ranks_of = |result: &IndexResult| -> HashMap<String, Option<u32>> {
        result
            .units
            .iter()
            .map(|unit| (unit.unit.clone(), unit.rank))
            .collect()
    };
    let (first, second) = (ranks_of(&baseline), ranks_of(&alternative));
    let mut total: u64 = 0;
    let mut compared: u32 = 0;
    let units: Vec<RankChange> = input
        .units
        .iter()
        .map(|unit| {
            let baseline_rank = first.get(&unit.unit).copied().flatten();
            let alternative_rank = second.get(&unit.unit).copied().flatten();
            let shift = baseline_rank
                .zip(alternative_rank)
                .map(|(a, b)| a.abs_diff(b));
            if let Some(shift) = shift {
                total += u64::from(shift);
                compared += 1;
            }
            RankChange {
                unit: unit.unit.clone(),
                baseline_rank,
                alternative_rank,
                shift,
            }
        })
        .collect();
    Ok(RankShift {
        mean_absolute_shift: (compared > 0).then(|| mean_text(total, u64::from(compared))),
        compared,
        units,
    })
}

/// `total / count` rounded half up to three decimals, computed exactly.
fn mean_text(total: u64, count: u64) -> String {
    let thousandths = (u128::from(total) * 2000 + u128::from(count)) / (2 * u128::from(count));
    format!("{}.{:03}", thousandths / 1000, thousandths % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_skip_after_ties() {
        let scores = [Some(50.0), Some(49.999_999_999), Some(46.666), None];
        assert_eq!(rank(&scores, 3), [Some(1), Some(1), Some(3), None]);
    }

    #[test]
    fn mean_rounds_half_up() {
        assert_eq!(mean_text(5, 3), "1.667");
        assert_eq!(mean_text(1, 8), "0.125");
        assert_eq!(mean_text(1, 16), "0.063");
        assert_eq!(mean_text(0, 4), "0.000");
    }

    #[test]
    fn means_agree_on_equal_values() {
        let weights = [1.0, 3.0];
        let values = [40.0, 40.0];
        for method in [
            Aggregation::Arithmetic,
            Aggregation::Geometric,
            Aggregation::Harmonic,
        ] {
            let lift = Lift {
                smallest: 0.0,
                offset: 1.0,
            };
            let mean = aggregate(method, &weights, &values, Some(lift));
            assert!((mean - 40.0).abs() < 1e-9, "{method:?} gave {mean}");
        }
    }
}
