//! Exact amounts before rounding: fractions of a hundredth of a credit.
//!
//! A formula such as "0.10 per 60 minutes" gives 90 minutes exactly 15/100
//! of a credit but 100 minutes 1/6 of a credit, which no decimal can write. The
//! engine keeps such amounts as fractions and rounds each one exactly once,
//! at the rule's rounding stage.

use crate::decimal::Credits;

use super::rule::RoundingMode;

/// A non-negative amount of hundredths of a credit, as a fraction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Exact {
    numerator: i128,
    denominator: i128,
}

impl Exact {
    /// Nothing.
    pub(crate) const ZERO: Self = Self {
        numerator: 0,
        denominator: 1,
    };

    /// Exactly `credits`.
    pub(crate) fn credits(credits: Credits) -> Self {
        Self {
            numerator: i128::from(credits.hundredths()),
            denominator: 1,
        }
    }

    /// `hundredths / denominator` hundredths of a credit; a zero denominator
    /// gives zero.
    pub(crate) fn ratio(hundredths: i128, denominator: i128) -> Self {
        if denominator == 0 {
            return Self::ZERO;
        }
        Self {
            numerator: hundredths,
            denominator,
        }
        .reduced()
    }

    /// Adds two amounts, or returns `None` when the sum does not fit.
    pub(crate) fn checked_add(self, other: Self) -> Option<Self> {
        let numerator = self
            .numerator
            .checked_mul(other.denominator)?
            .checked_add(other.numerator.checked_mul(self.denominator)?)?;
        let denominator = self.denominator.checked_mul(other.denominator)?;
        Some(
            Self {
                numerator,
                denominator,
            }
            .reduced(),
        )
    }

    fn reduced(self) -> Self {
        let divisor = gcd(
            self.numerator.unsigned_abs(),
            self.denominator.unsigned_abs(),
        );
        if divisor <= 1 {
            return self;
        }
        let divisor = i128::try_from(divisor).unwrap_or(1);
        Self {
            numerator: self.numerator / divisor,
            denominator: self.denominator / divisor,
        }
    }

    /// Rounds to a multiple of `quantum` in the direction `mode`, or returns
    /// `None` when the result does not fit in an amount of credits. A
    /// quantum of zero or less leaves the amount truncated to whole
    /// hundredths.
    pub(crate) fn round(self, mode: RoundingMode, quantum: Credits) -> Option<Credits> {
        let step = i128::from(quantum.hundredths().max(1));
        let scaled = self.denominator.checked_mul(step)?;
        let numerator = self.numerator.max(0);
        let units = match mode {
            RoundingMode::Down => numerator / scaled,
            RoundingMode::HalfUp => {
                numerator.checked_mul(2)?.checked_add(scaled)? / scaled.checked_mul(2)?
            }
            RoundingMode::Up => numerator.checked_add(scaled - 1)? / scaled,
        };
        let hundredths = i64::try_from(units.checked_mul(step)?).ok()?;
        (hundredths <= Credits::MAX.hundredths()).then_some(Credits::from_hundredths(hundredths))
    }

    /// Writes the amount in credits: a decimal with at least two decimals
    /// when one is exact (`"0.15"`), otherwise a reduced fraction
    /// (`"1/6"`).
    pub(crate) fn to_text(self) -> String {
        let whole = Self {
            numerator: self.numerator,
            denominator: self.denominator.saturating_mul(100),
        }
        .reduced();
        let mut decimals = 2_u32;
        while decimals <= 18 && 10_i128.pow(decimals) % whole.denominator != 0 {
            decimals += 1;
        }
        if decimals > 18 {
            return format!("{}/{}", whole.numerator, whole.denominator);
        }
        let scale = 10_i128.pow(decimals);
        let value = whole.numerator.saturating_mul(scale / whole.denominator);
        format_decimal(value, scale, decimals as usize)
    }
}

fn format_decimal(value: i128, scale: i128, decimals: usize) -> String {
    let sign = if value < 0 { "-" } else { "" };
    let magnitude = value.unsigned_abs();
    let scale = scale.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = decimals
    )
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credits(text: &str) -> Credits {
        text.parse().unwrap()
    }

    #[test]
    fn rounding_modes() {
        let amount = Exact::ratio(90 * 10, 60);
        assert_eq!(
            amount.round(RoundingMode::Down, credits("0.10")),
            Some(credits("0.10"))
        );
        assert_eq!(
            amount.round(RoundingMode::HalfUp, credits("0.10")),
            Some(credits("0.20"))
        );
        assert_eq!(
            amount.round(RoundingMode::Up, credits("0.10")),
            Some(credits("0.20"))
        );
        let exact_multiple = Exact::credits(credits("0.40"));
        assert_eq!(
            exact_multiple.round(RoundingMode::Up, credits("0.20")),
            Some(credits("0.40"))
        );
        let below_half = Exact::ratio(29 * 100, 600);
        assert_eq!(
            below_half.round(RoundingMode::HalfUp, credits("0.10")),
            Some(Credits::ZERO)
        );
    }

    #[test]
    fn text_is_decimal_or_fraction() {
        assert_eq!(Exact::ratio(90 * 10, 60).to_text(), "0.15");
        assert_eq!(Exact::ratio(100 * 10, 60).to_text(), "1/6");
        assert_eq!(Exact::ratio(270 * 100, 600).to_text(), "0.45");
        assert_eq!(Exact::ratio(1, 8).to_text(), "0.00125");
        assert_eq!(Exact::credits(credits("2")).to_text(), "2.00");
        assert_eq!(Exact::ZERO.to_text(), "0.00");
    }

    #[test]
    fn sums_stay_exact() {
        let third = Exact::ratio(100, 3);
        let sum = third
            .checked_add(third)
            .unwrap()
            .checked_add(third)
            .unwrap();
        assert_eq!(sum, Exact::credits(credits("1")));
    }

    #[test]
    fn overflow_is_none() {
        let huge = Exact::credits(Credits::MAX);
        assert_eq!(
            huge.round(RoundingMode::Down, credits("0.01")),
            Some(Credits::MAX)
        );
        let twice = huge.checked_add(huge).unwrap();
        assert_eq!(twice.round(RoundingMode::Down, credits("0.01")), None);
        let big = Exact::ratio(i128::MAX, 1);
        assert_eq!(big.checked_add(big), None);
    }
}
