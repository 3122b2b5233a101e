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

    /// The sum of two amounts.
    pub(crate) fn add(self, other: Self) -> Self {
        Self {
            numerator: self
                .numerator
                .saturating_mul(other.denominator)
                .saturating_add(other.numerator.saturating_mul(self.denominator)),
            denominator: self.denominator.saturating_mul(other.denominator),
        }
        .reduced()
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

    /// Rounds to a multiple of `quantum` in the direction `mode`. A quantum of
    /// zero or less leaves the amount truncated to whole hundredths.
    pub(crate) fn round(self, mode: RoundingMode, quantum: Credits) -> Credits {
        let step = i128::from(quantum.hundredths().max(1));
        let scaled = self.denominator.saturating_mul(step);
        let numerator = self.numerator.max(0);
        let units = match mode {
            RoundingMode::Down => numerator / scaled,
            RoundingMode::HalfUp => {
                numerator.saturating_mul(2).saturating_add(scaled) / scaled.saturating_mul(2)
            }
            RoundingMode::Up => numerator.saturating_add(scaled - 1) / scaled,
        };
        let hundredths = units.saturating_mul(step);
        Credits::from_hundredths(i64::try_from(hundredths).unwrap_or(i64::MAX))
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
            credits("0.10")
        );
        assert_eq!(
            amount.round(RoundingMode::HalfUp, credits("0.10")),
            credits("0.20")
        );
        assert_eq!(
            amount.round(RoundingMode::Up, credits("0.10")),
            credits("0.20")
        );
        let exact_multiple = Exact::credits(credits("0.40"));
        assert_eq!(
            exact_multiple.round(RoundingMode::Up, credits("0.20")),
            credits("0.40")
        );
        let below_half = Exact::ratio(29 * 100, 600);
        assert_eq!(
            below_half.round(RoundingMode::HalfUp, credits("0.10")),
            Credits::ZERO
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
        let sum = third.add(third).add(third);
        assert_eq!(sum, Exact::credits(credits("1")));
    }
}
