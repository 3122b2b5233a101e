//! Exact decimal quantities: credits in hundredths and percentages in
//! hundredths of a percent.
//!
//! Both cross the JSON boundary as decimal strings (`"2.50"`, `"80"`) and are
//! never converted to floating point.

use std::fmt;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::field::trim_spaces;

/// Why a decimal text could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DecimalError {
    /// The text is not a plain decimal number.
    #[error("\"{text}\" is not a decimal number such as \"2.50\"")]
    Malformed {
        /// The text that was read.
        text: String,
    },
    /// The text has more decimals than the quantity keeps.
    #[error("\"{text}\" has more than {decimals} decimals")]
    TooPrecise {
        /// The text that was read.
        text: String,
        /// The number of decimals the quantity keeps.
        decimals: u32,
    },
    /// The number does not fit.
    #[error("\"{text}\" is too large; the largest allowed magnitude is {max}")]
    Overflow {
        /// The text that was read.
        text: String,
        /// The largest magnitude the quantity holds, as a decimal.
        max: String,
    },
}

/// Parses a decimal text into an integer count of `10^-decimals` units.
///
/// Accepts an optional sign, digits, and an optional point followed by at most
/// `decimals` digits. Exponents, thousands separators and a bare point are
/// rejected.
fn parse_fixed(text: &str, decimals: u32) -> Result<i64, DecimalError> {
    let malformed = || DecimalError::Malformed {
        text: text.to_owned(),
    };
    let trimmed = trim_spaces(text);
    let (negative, unsigned) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (unsigned, ""),
    };
    let all_digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return Err(malformed());
    }
    if unsigned.ends_with('.') {
        return Err(malformed());
    }
    let significant_fraction = fraction.trim_end_matches('0');
    if significant_fraction.len() > decimals as usize {
        return Err(DecimalError::TooPrecise {
            text: text.to_owned(),
            decimals,
        });
    }
    let overflow = || DecimalError::Overflow {
        text: text.to_owned(),
        max: fixed_text(i64::MAX, decimals),
    };
    let scale = 10_i64.pow(decimals);
    let whole_value: i64 = whole.parse().map_err(|_| overflow())?;
    let mut fraction_value: i64 = 0;
    for position in 0..decimals as usize {
        let digit = significant_fraction
            .as_bytes()
            .get(position)
            .map_or(0, |byte| i64::from(byte - b'0'));
        fraction_value = fraction_value * 10 + digit;
    }
    let magnitude = whole_value
        .checked_mul(scale)
        .and_then(|value| value.checked_add(fraction_value))
        .ok_or_else(overflow)?;
    Ok(if negative { -magnitude } else { magnitude })
}

/// Writes `units` of `10^-decimals` as text with exactly `decimals`
/// decimals.
fn fixed_text(units: i64, decimals: u32) -> String {
    struct Fixed(i64, u32);
    impl fmt::Display for Fixed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            format_fixed(self.0, self.1, f)
        }
    }
    Fixed(units, decimals).to_string()
}

/// Writes `units` of `10^-decimals` as a decimal with exactly `decimals`
/// decimals.
fn format_fixed(units: i64, decimals: u32, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let scale = 10_u64.pow(decimals);
    let sign = if units < 0 { "-" } else { "" };
    let magnitude = units.unsigned_abs();
    if decimals == 0 {
        return write!(f, "{sign}{magnitude}");
    }
    write!(
        f,
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = decimals as usize
    )
}

/// An amount of learning credits, kept exactly in hundredths of a credit.
///
/// Written as a decimal string with two decimals (`"2.50"`); reading accepts
/// fewer decimals (`"2.5"`, `"2"`) and rejects more than two significant ones.
///
/// # Example
///
/// ```
/// use xuetong::decimal::Credits;
///
/// let a: Credits = "0.1".parse()?;
/// let b: Credits = "0.2".parse()?;
/// assert_eq!((a + b).to_string(), "0.30");
/// assert_eq!(Credits::from_hundredths(250).to_string(), "2.50");
/// assert!("1.005".parse::<Credits>().is_err());
/// # Ok::<(), xuetong::decimal::DecimalError>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Credits(i64);

impl Credits {
    /// Zero credits.
    pub const ZERO: Self = Self(0);
    /// The largest amount, 92233720368547758.07 credits.
    pub const MAX: Self = Self(i64::MAX);
    /// The smallest amount, the opposite of [`Credits::MAX`].
    pub const MIN: Self = Self(-i64::MAX);
    /// The number of decimals kept.
    pub const DECIMALS: u32 = 2;

    /// The amount of `hundredths` hundredths of a credit.
    pub const fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    /// The amount in hundredths of a credit.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether the amount is below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The sum, or `None` on overflow.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        self.0.checked_add(other.0).map(Self)
    }

    /// The amount times a whole number, or `None` on overflow.
    pub fn checked_mul(self, factor: i64) -> Option<Self> {
        self.0.checked_mul(factor).map(Self)
    }

    /// The smaller of the two amounts.
    pub fn min(self, other: Self) -> Self {
        Ord::min(self, other)
    }
}

impl Add for Credits {
    type Output = Self;

    /// Adds two amounts, saturating at the bounds of `i64` hundredths (about
    /// 92 million million credits), far beyond any real balance.
    fn add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Credits {
    fn add_assign(&mut self, other: Self) {
        *self = *self + other;
    }
}

impl Sub for Credits {
    type Output = Self;

    fn sub(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }
}

impl SubAssign for Credits {
    fn sub_assign(&mut self, other: Self) {
        *self = *self - other;
    }
}

impl Neg for Credits {
    type Output = Self;

    fn neg(self) -> Self {
        Self(self.0.saturating_neg())
    }
}

impl std::iter::Sum for Credits {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

impl FromStr for Credits {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_fixed(text, Self::DECIMALS).map(Self)
    }
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_fixed(self.0, Self::DECIMALS, f)
    }
}

impl fmt::Debug for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credits({self})")
    }
}

impl Serialize for Credits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Credits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_decimal_string(deserializer)
    }
}

/// A percentage, kept exactly in hundredths of a percent (`80` is 8,000).
///
/// Written as a decimal string without trailing zeros (`"80"`, `"79.5"`).
///
/// # Example
///
/// ```
/// use xuetong::decimal::Percent;
///
/// let threshold: Percent = "80".parse()?;
/// assert!(threshold.is_met_by(4, 5));
/// assert!(!threshold.is_met_by(39, 49));
/// # Ok::<(), xuetong::decimal::DecimalError>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(u32);

impl Percent {
    /// The number of decimals kept.
    pub const DECIMALS: u32 = 2;
    /// 100 %.
    pub const HUNDRED: Self = Self(10_000);

    /// The percentage of `hundredths` hundredths of a percent.
    pub const fn from_hundredths(hundredths: u32) -> Self {
        Self(hundredths)
    }

    /// A whole percentage.
    pub const fn whole(percent: u32) -> Self {
        Self(percent * 100)
    }

    /// The percentage in hundredths of a percent.
    pub const fn hundredths(self) -> u32 {
        self.0
    }

    /// Whether `numerator / denominator` is at least this percentage, compared
    /// exactly. A zero denominator meets nothing.
    pub fn is_met_by(self, numerator: u64, denominator: u64) -> bool {
        if denominator == 0 {
            return false;
        }
        u128::from(numerator) * 10_000 >= u128::from(self.0) * u128::from(denominator)
    }
}

impl FromStr for Percent {
    type Err = DecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let units = parse_fixed(text, Self::DECIMALS)?;
        match u32::try_from(units) {
            Ok(units) => Ok(Self(units)),
            Err(_) if units > 0 => Err(DecimalError::Overflow {
                text: text.to_owned(),
                max: Self(u32::MAX).to_string(),
            }),
            Err(_) => Err(DecimalError::Malformed {
                text: text.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let fraction = self.0 % 100;
        if fraction == 0 {
            write!(f, "{whole}")
        } else if fraction.is_multiple_of(10) {
            write!(f, "{whole}.{}", fraction / 10)
        } else {
            write!(f, "{whole}.{fraction:02}")
        }
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Percent({self})")
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_decimal_string(deserializer)
    }
}

/// Reads a decimal string; JSON numbers are rejected because a binary float
/// may already have lost the exact value.
fn deserialize_decimal_string<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = DecimalError>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);

    impl<T: FromStr<Err = DecimalError>> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number written as a string, such as \"2.50\"")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            text.parse().map_err(E::custom)
        }
    }

    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn credits_parse_forms() {
        assert_eq!("2".parse::<Credits>().unwrap().hundredths(), 200);
        assert_eq!("2.5".parse::<Credits>().unwrap().hundredths(), 250);
        assert_eq!("-0.05".parse::<Credits>().unwrap().hundredths(), -5);
        assert_eq!("+1.10".parse::<Credits>().unwrap().hundredths(), 110);
        assert_eq!("1.500".parse::<Credits>().unwrap().hundredths(), 150);
        assert_eq!(
            " \t1.5\u{3000}".parse::<Credits>().unwrap().hundredths(),
            150
        );
    }

    #[test]
    fn credits_reject_malformed() {
        let separators = ["1.5\u{85}", "1.5\u{2028}", "\u{2029}1.5"];
        for text in ["", ".5", "1.", "1e3", "1,5", "1.2.3", "--1", "abc", " "]
            .into_iter()
            .chain(separators)
        {
            assert!(
                text.parse::<Credits>().is_err(),
                "{text:?} should be rejected"
            );
        }
        assert!(matches!(
            "0.001".parse::<Credits>(),
            Err(DecimalError::TooPrecise { decimals: 2, .. })
        ));
        let overflow = "99999999999999999999".parse::<Credits>().unwrap_err();
        assert_eq!(
            overflow.to_string(),
            "\"99999999999999999999\" is too large; the largest allowed magnitude is \
             92233720368547758.07"
        );
        assert!(matches!(
            "99999999999".parse::<Percent>(),
            Err(DecimalError::Overflow { .. })
        ));
    }

    #[test]
    fn credits_display_two_decimals() {
        assert_eq!(Credits::from_hundredths(0).to_string(), "0.00");
        assert_eq!(Credits::from_hundredths(-5).to_string(), "-0.05");
        assert_eq!(Credits::from_hundredths(1234).to_string(), "12.34");
    }

    #[test]
    fn credits_json_is_a_string() {
        let json = serde_json::to_string(&Credits::from_hundredths(250)).unwrap();
        assert_eq!(json, "\"2.50\"");
        assert!(serde_json::from_str::<Credits>("2.5").is_err());
        assert_eq!(
            serde_json::from_str::<Credits>("\"2.5\"")
                .unwrap()
                .hundredths(),
            250
        );
    }

    #[test]
    fn percent_display_trims_zeros() {
        assert_eq!(Percent::from_hundredths(8000).to_string(), "80");
        assert_eq!(Percent::from_hundredths(7950).to_string(), "79.5");
        assert_eq!(Percent::from_hundredths(7959).to_string(), "79.59");
        assert!("-1".parse::<Percent>().is_err());
    }

    #[test]
    fn percent_threshold_is_exact() {
        let eighty = Percent::whole(80);
        assert!(eighty.is_met_by(4, 5));
        assert!(!eighty.is_met_by(39, 49));
        assert!(eighty.is_met_by(40, 50));
        assert!(!eighty.is_met_by(0, 0));
    }

    proptest! {
        #[test]
        fn credits_text_round_trip(hundredths in -10_000_000_000i64..10_000_000_000) {
            let credits = Credits::from_hundredths(hundredths);
            prop_assert_eq!(credits.to_string().parse::<Credits>().unwrap(), credits);
        }

        #[test]
        fn percent_text_round_trip(hundredths in 0u32..1_000_000) {
            let percent = Percent::from_hundredths(hundredths);
            prop_assert_eq!(percent.to_string().parse::<Percent>().unwrap(), percent);
        }
    }
}
