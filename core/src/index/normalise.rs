//! Normalisation of one indicator's raw values over the units.

use super::config::{Deviation, Direction, IndicatorDef, Normalisation};

/// Returns the midpoint that every unit gets when an indicator cannot tell
/// the units apart: 50 on the [0, 100] scales, 0 for z-scores.
pub(crate) fn midpoint(method: Normalisation) -> f64 {
    match method {
        Normalisation::ZScore { .. } => 0.0,
        _ => 50.0,
    }
}

/// The normalised values of one indicator, with the statistics they came
/// from.
#[derive(Debug)]
pub(crate) struct Normalised {
    /// The normalised value of each unit, `None` where the raw value is
    /// missing.
    pub values: Vec<Option<f64>>,
    /// The units with a raw value.
    pub available: usize,
    /// The smallest raw value.
    pub min: Option<f64>,
    /// The largest raw value.
    pub max: Option<f64>,
    /// The mean raw value.
    pub mean: Option<f64>,
    /// The standard deviation, for z-scores.
    pub deviation: Option<f64>,
    /// Whether the indicator could not tell the units apart, so that every
    /// unit got [`midpoint`] (only for the methods that compare units).
    pub constant: bool,
}

/// Normalises `raw` (one value per unit) by `method`, so that a higher
/// result is always better.
pub(crate) fn normalise(
    method: Normalisation,
    indicator: &IndicatorDef,
    raw: &[Option<f64>],
) -> Normalised {
    // Sorted, so that the sums below do not depend on the order of the units.
    let mut present: Vec<f64> = raw.iter().flatten().copied().collect();
    present.sort_by(f64::total_cmp);
    let available = present.len();
    let min = present.iter().copied().reduce(f64::min);
    let max = present.iter().copied().reduce(f64::max);
    let mean = (available > 0).then(|| present.iter().sum::<f64>() / available as f64);
    let negative = indicator.direction == Direction::Negative;
    let mut normalised = Normalised {
        values: vec![None; raw.len()],
        available,
        min,
        max,
        mean,
        deviation: None,
        constant: false,
    };
    let (Some(min), Some(max), Some(mean)) = (min, max, mean) else {
        return normalised;
    };
    let scale: Box<dyn Fn(f64) -> f64> = match method {
        Normalisation::MinMax => {
            if max == min {
                normalised.constant = true;
                Box::new(move |_| 50.0)
            } else if negative {
                Box::new(move |x| 100.0 * (max - x) / (max - min))
            } else {
                Box::new(move |x| 100.0 * (x - min) / (max - min))
            }
        }
        Normalisation::ZScore { deviation } => {
            let divisor = match deviation {
                Deviation::Sample => available.saturating_sub(1),
                Deviation::Population => available,
            };
            let squares: f64 = present.iter().map(|x| (x - mean).powi(2)).sum();
            let sd = if divisor == 0 {
                0.0
            } else {
                (squares / divisor as f64).sqrt()
            };
            normalised.deviation = Some(sd);
            if sd == 0.0 {
                normalised.constant = true;
                Box::new(|_| 0.0)
            } else if negative {
                Box::new(move |x| (mean - x) / sd)
            } else {
                Box::new(move |x| (x - mean) / sd)
            }
        }
        Normalisation::Goalposts => {
            let (lower, upper) = indicator
                .goalposts
                .map_or((0.0, 1.0), |posts| (posts.lower.get(), posts.upper.get()));
            let width = upper - lower;
            if negative {
                Box::new(move |x| (100.0 * (upper - x) / width).clamp(0.0, 100.0))
            } else {
                Box::new(move |x| (100.0 * (x - lower) / width).clamp(0.0, 100.0))
            }
        }
        Normalisation::DistanceToTarget => {
            let target = indicator.target.map_or(1.0, |target| target.get());
            if negative {
                Box::new(move |x| 100.0 * (2.0 - x / target))
            } else {
                Box::new(move |x| 100.0 * x / target)
            }
        }
        Normalisation::Rank => {
            if available < 2 || max == min {
                normalised.constant = true;
                Box::new(|_| 50.0)
            } else {
                // `present` is sorted ascending, so the counts are binary searches.
                let values = present.clone();
                let last = (available - 1) as f64;
                Box::new(move |x| {
                    let below = values.partition_point(|&other| other < x);
                    let up_to = values.partition_point(|&other| other <= x);
                    let above = values.len() - up_to;
                    let worse = if negative { above } else { below } as f64;
                    let tied_others = (up_to - below) as f64 - 1.0;
                    100.0 * (worse + tied_others / 2.0) / last
                })
            }
        }
    };
    for (slot, value) in normalised.values.iter_mut().zip(raw) {
        *slot = value.map(&scale);
    }
    normalised
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::number::IndexNumber;

    fn indicator(direction: Direction) -> IndicatorDef {
        IndicatorDef {
            key: "x".into(),
            statistic: None,
            direction,
            denominator: None,
            weight: IndexNumber(1.0),
            normalisation: None,
            goalposts: None,
            target: None,
        }
    }

    fn values(normalised: &Normalised) -> Vec<Option<f64>> {
        normalised.values.clone()
    }

    #[test]
    fn min_max_both_directions() {
        let raw = [Some(120.0), Some(80.0), Some(40.0), None];
        let up = normalise(Normalisation::MinMax, &indicator(Direction::Positive), &raw);
        assert_eq!(values(&up), [Some(100.0), Some(50.0), Some(0.0), None]);
        let down = normalise(Normalisation::MinMax, &indicator(Direction::Negative), &raw);
        assert_eq!(values(&down), [Some(0.0), Some(50.0), Some(100.0), None]);
    }

    #[test]
    fn rank_shares_ties() {
        let raw = [Some(3.0), Some(3.0), Some(1.0)];
        let ranked = normalise(Normalisation::Rank, &indicator(Direction::Positive), &raw);
        assert_eq!(values(&ranked), [Some(75.0), Some(75.0), Some(0.0)]);
    }

    #[test]
    fn constant_gets_midpoint() {
        let raw = [Some(2.0), Some(2.0)];
        let flat = normalise(Normalisation::MinMax, &indicator(Direction::Positive), &raw);
        assert!(flat.constant);
        assert_eq!(values(&flat), [Some(50.0), Some(50.0)]);
    }
}
