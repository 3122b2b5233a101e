//! Numbers of the learning index: read from decimal strings or JSON
//! numbers, computed in `f64`, and written as rounded decimal strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::field::trim_spaces;

/// The largest magnitude accepted for any input number of the index, so that
/// every intermediate result stays finite.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// The smallest population figure other than 0, and the smallest target,
/// accepted, so that dividing by them stays finite.
pub const MIN_DIVISOR: f64 = 1e-6;

/// A finite number of the index configuration or input.
///
/// Reads a decimal string (`"0.5"`, `"-3"`, `"1000000"`) or a JSON number,
/// and writes the shortest decimal string that reads back as the same
/// number. Decimal strings with an exponent, `NaN` and infinities are
/// rejected. A JSON number is read as JSON defines it, exponent included.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct IndexNumber(pub f64);

impl IndexNumber {
    /// Returns the number as `f64`.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Reads a plain decimal: an optional sign, digits, and an optional point
/// followed by digits.
pub(crate) fn parse_decimal(text: &str) -> Option<f64> {
    let trimmed = trim_spaces(text);
    let unsigned = trimmed
        .strip_prefix('-')
        .or_else(|| trimmed.strip_prefix('+'))
        .unwrap_or(trimmed);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || unsigned.ends_with('.') {
        return None;
    }
    trimmed
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
}

impl fmt::Display for IndexNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for IndexNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IndexNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = IndexNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or a decimal number written as a string such as \"0.5\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<IndexNumber, E> {
                parse_decimal(text).map(IndexNumber).ok_or_else(|| {
                    E::custom(format!(
                        "\"{text}\" is not a decimal number such as \"0.5\" (no exponents)"
                    ))
                })
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<IndexNumber, E> {
                if value.is_finite() {
                    Ok(IndexNumber(value))
                } else {
                    Err(E::custom("the number is not finite"))
                }
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<IndexNumber, E> {
                Ok(IndexNumber(value as f64))
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<IndexNumber, E> {
                Ok(IndexNumber(value as f64))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

/// Writes `value` rounded to `decimals` decimals: the decimal nearest to the
/// binary value, with an exact binary tie going to the even digit (Rust's
/// formatting). Negative zero is written without a sign.
pub(crate) fn round_text(value: f64, decimals: u32) -> String {
    let text = format!("{:.*}", decimals as usize, value);
    match text.strip_prefix('-') {
        Some(unsigned) if unsigned.bytes().all(|byte| byte == b'0' || byte == b'.') => {
            unsigned.to_owned()
        }
        _ => text,
    }
}

/// Returns the value of [`round_text`] as a number, which ties and ranks
/// compare.
pub(crate) fn rounded(value: f64, decimals: u32) -> f64 {
    round_text(value, decimals).parse().unwrap_or(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_only() {
        assert_eq!(parse_decimal("0.5"), Some(0.5));
        assert_eq!(parse_decimal("-3"), Some(-3.0));
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal("inf"), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("5."), None);
    }

    #[test]
    fn decimals_keep_line_separators() {
        assert_eq!(parse_decimal(" \t0.5\u{3000}"), Some(0.5));
        for separator in ['\u{85}', '\u{2028}', '\u{2029}'] {
            assert_eq!(
                parse_decimal(&format!("0.5{separator}")),
                None,
                "{separator:?}"
            );
        }
    }

    #[test]
    fn rounding_is_stated() {
        assert_eq!(round_text(140.0 / 3.0, 3), "46.667");
        assert_eq!(round_text(50.0, 3), "50.000");
        assert_eq!(round_text(-0.0001, 3), "0.000");
        assert_eq!(round_text(-1.5, 0), "-2");
        assert_eq!(rounded(49.999_999_999_9, 3), 50.0);
    }

    #[test]
    fn json_forms() {
        let number: IndexNumber = serde_json::from_str("\"120\"").unwrap();
        assert_eq!(number.get(), 120.0);
        let number: IndexNumber = serde_json::from_str("0.25").unwrap();
        assert_eq!(number.get(), 0.25);
        assert!(serde_json::from_str::<IndexNumber>("\"1e3\"").is_err());
        let number: IndexNumber = serde_json::from_str("1e3").unwrap();
        assert_eq!(number.get(), 1000.0);
        assert_eq!(
            serde_json::to_string(&IndexNumber(10000.0)).unwrap(),
            "\"10000\""
        );
    }
}
