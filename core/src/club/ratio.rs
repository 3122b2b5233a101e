//! Exact non-negative rational numbers for the evaluation scorecard.
//!
//! Every operation is checked: `None` means the exact result does not fit in
//! 128 bits, which the evaluation reports as a problem instead of rounding.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::field::trim_spaces;

/// A non-negative fraction kept in lowest terms with a positive denominator.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: u128,
    denominator: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Ratio {
    /// Zero.
    pub const ZERO: Self = Self {
        numerator: 0,
        denominator: 1,
    };
    /// One.
    pub const ONE: Self = Self {
        numerator: 1,
        denominator: 1,
    };

    /// Returns the fraction `numerator / denominator` in lowest terms, or
    /// `None` when the denominator is zero.
    pub fn new(numerator: u128, denominator: u128) -> Option<Self> {
        if denominator == 0 {
            return None;
        }
        let divisor = gcd(numerator, denominator);
        Some(Self {
            numerator: numerator / divisor,
            denominator: denominator / divisor,
        })
    }

    /// Returns a whole number as a ratio.
    pub fn whole(value: u64) -> Self {
        Self {
            numerator: u128::from(value),
            denominator: 1,
        }
    }

    /// Returns the numerator in lowest terms.
    pub fn numerator(self) -> u128 {
        self.numerator
    }

    /// Returns the denominator in lowest terms.
    pub fn denominator(self) -> u128 {
        self.denominator
    }

    /// Returns whether the value is zero.
    pub fn is_zero(self) -> bool {
        self.numerator == 0
    }

    /// Returns the sum, or `None` when it does not fit.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let divisor = gcd(self.denominator, other.denominator);
        let left_scale = other.denominator / divisor;
        let right_scale = self.denominator / divisor;
        let numerator = self
            .numerator
            .checked_mul(left_scale)?
            .checked_add(other.numerator.checked_mul(right_scale)?)?;
        let denominator = self.denominator.checked_mul(left_scale)?;
        Self::new(numerator, denominator)
    }

    /// Returns the product, or `None` when it does not fit.
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        let first = gcd(self.numerator, other.denominator).max(1);
        let second = gcd(other.numerator, self.denominator).max(1);
        let numerator = (self.numerator / first).checked_mul(other.numerator / second)?;
        let denominator = (self.denominator / second).checked_mul(other.denominator / first)?;
        Self::new(numerator, denominator)
    }

    /// Returns the quotient, or `None` when `other` is zero or the result
    /// does not fit.
    pub fn checked_div(self, other: Self) -> Option<Self> {
        if other.is_zero() {
            return None;
        }
        self.checked_mul(Self {
            numerator: other.denominator,
            denominator: other.numerator,
        })
    }

    /// Compares two values exactly, or returns `None` when the cross products
    /// do not fit.
    pub fn checked_cmp(self, other: Self) -> Option<Ordering> {
        let left = self.numerator.checked_mul(other.denominator)?;
        let right = other.numerator.checked_mul(self.denominator)?;
        Some(left.cmp(&right))
    }

    /// Returns the smaller of the two values, or `None` when they cannot be
    /// compared.
    pub fn checked_min(self, other: Self) -> Option<Self> {
        Some(match self.checked_cmp(other)? {
            Ordering::Greater => other,
            Ordering::Less | Ordering::Equal => self,
        })
    }

    /// Writes the value rounded down to `decimals` decimals, with exactly
    /// that many decimals.
    pub fn floor_decimal(self, decimals: u32) -> String {
        let whole = self.numerator / self.denominator;
        let mut remainder = self.numerator % self.denominator;
        let mut text = whole.to_string();
        if decimals > 0 {
            text.push('.');
        }
        for _ in 0..decimals {
            // remainder < denominator, so remainder * 10 fits unless the
            // denominator is above u128::MAX / 10; long division by parts
            // keeps it exact in that case too.
            let (digit, next) = times_ten_divided(remainder, self.denominator);
            text.push(char::from(b'0' + digit));
            remainder = next;
        }
        text
    }

    /// Writes the value as a fraction (`"25/12"`) or a whole number (`"2"`).
    pub fn fraction_text(self) -> String {
        self.to_string()
    }
}

/// Returns the next decimal digit of `remainder / denominator` and the new
/// remainder, without overflow for any `remainder < denominator`.
fn times_ten_divided(remainder: u128, denominator: u128) -> (u8, u128) {
    let mut digit = 0u8;
    let mut current = 0u128;
    for _ in 0..10 {
        // current + remainder may exceed u128::MAX only when it is at least
        // the denominator, so subtract before adding.
        if current >= denominator - remainder {
            current -= denominator - remainder;
            digit += 1;
        } else {
            current += remainder;
        }
    }
    (digit, current)
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 1 {
            write!(f, "{}", self.numerator)
        } else {
            write!(f, "{}/{}", self.numerator, self.denominator)
        }
    }
}

impl fmt::Debug for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ratio({self})")
    }
}

/// The error of a decimal text that is not a non-negative decimal number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatioParseError;

impl fmt::Display for RatioParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expected a non-negative decimal number such as \"2\" or \"0.8\"")
    }
}

impl FromStr for Ratio {
    type Err = RatioParseError;

    /// Reads a non-negative decimal such as `"20"` or `"0.75"` exactly.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = trim_spaces(text);
        let text = text.strip_prefix('+').unwrap_or(text);
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || text.ends_with('.') {
            return Err(RatioParseError);
        }
        let mut numerator: u128 = 0;
        for byte in whole.bytes().chain(fraction.bytes()) {
            numerator = numerator
                .checked_mul(10)
                .and_then(|value| value.checked_add(u128::from(byte - b'0')))
                .ok_or(RatioParseError)?;
        }
        let exponent = u32::try_from(fraction.len()).map_err(|_| RatioParseError)?;
        let denominator = 10u128.checked_pow(exponent).ok_or(RatioParseError)?;
        Self::new(numerator, denominator).ok_or(RatioParseError)
    }
}

impl Serialize for Ratio {
    /// Writes the value as a decimal string when it has a finite decimal
    /// form of at most 12 decimals, and as a fraction string otherwise.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&DecimalText(*self))
    }
}

/// Writes a ratio as an exact decimal when it has one within 12 decimals.
struct DecimalText(Ratio);

impl fmt::Display for DecimalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ratio = self.0;
        for decimals in 0..=12u32 {
            let Some(scale) = 10u128.checked_pow(decimals) else {
                break;
            };
            if scale % ratio.denominator == 0 {
                let text = ratio.floor_decimal(decimals);
                return f.write_str(&text);
            }
        }
        write!(f, "{ratio}")
    }
}

impl<'de> Deserialize<'de> for Ratio {
    /// Reads a decimal string, or a whole JSON number. Fractional JSON
    /// numbers are rejected because a binary float may have lost the exact
    /// value.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = Ratio;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative decimal number written as a string, such as \"0.8\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Ratio, E> {
                text.parse()
                    .map_err(|_| E::custom(format!("\"{text}\": {RatioParseError}")))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Ratio, E> {
                Ok(Ratio::whole(value))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(text: &str) -> Ratio {
        text.parse().unwrap()
    }

    #[test]
    fn parse_reduces() {
        assert_eq!(ratio("0.50"), Ratio::new(1, 2).unwrap());
        assert_eq!(ratio("20"), Ratio::whole(20));
        assert!("-1".parse::<Ratio>().is_err());
        assert!("1.".parse::<Ratio>().is_err());
        assert!(".5".parse::<Ratio>().is_err());
        assert!("1e3".parse::<Ratio>().is_err());
    }

    #[test]
    fn parse_keeps_line_separators() {
        assert_eq!(ratio(" \t0.5\u{3000}"), Ratio::new(1, 2).unwrap());
        for separator in ['\u{85}', '\u{2028}', '\u{2029}'] {
            let text = format!("0.5{separator}");
            assert!(text.parse::<Ratio>().is_err(), "{separator:?}");
        }
    }

    #[test]
    fn arithmetic_is_exact() {
        let third = Ratio::new(1, 3).unwrap();
        let sum = third
            .checked_add(third)
            .unwrap()
            .checked_add(third)
            .unwrap();
        assert_eq!(sum, Ratio::ONE);
        let product = ratio("0.8")
            .checked_mul(Ratio::new(25, 12).unwrap())
            .unwrap();
        assert_eq!(product, Ratio::new(5, 3).unwrap());
        assert_eq!(Ratio::ONE.checked_div(Ratio::ZERO), None);
    }

    #[test]
    fn floor_decimal_truncates() {
        assert_eq!(Ratio::new(250, 3).unwrap().floor_decimal(2), "83.33");
        assert_eq!(Ratio::new(2, 3).unwrap().floor_decimal(4), "0.6666");
        assert_eq!(Ratio::new(8999, 100).unwrap().floor_decimal(0), "89");
        assert_eq!(Ratio::whole(90).floor_decimal(2), "90.00");
    }

    #[test]
    fn floor_decimal_with_huge_denominator() {
        let ratio = Ratio::new(u128::MAX - 1, u128::MAX).unwrap();
        assert_eq!(ratio.floor_decimal(3), "0.999");
    }

    #[test]
    fn serializes_as_decimal_or_fraction() {
        assert_eq!(serde_json::to_string(&ratio("0.80")).unwrap(), "\"0.8\"");
        assert_eq!(
            serde_json::to_string(&Ratio::new(25, 12).unwrap()).unwrap(),
            "\"25/12\""
        );
        assert_eq!(serde_json::to_string(&Ratio::whole(4)).unwrap(), "\"4\"");
    }

    #[test]
    fn overflow_is_none() {
        let huge = Ratio::new(u128::MAX, 1).unwrap();
        assert_eq!(huge.checked_add(Ratio::ONE), None);
        assert_eq!(huge.checked_mul(Ratio::whole(2)), None);
    }
}
