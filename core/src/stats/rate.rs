//! Exact rates: a numerator over a denominator, never a float, with a
//! display form rounded down.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// The display form of a rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// A percentage with two decimals, such as `"3.25%"`.
    Percent,
    /// A decimal number with this many decimals, such as `"0.1250"`.
    Decimal(u32),
}

/// An exact rate between two counts, such as 30 active learners over 1,000
/// residents.
///
/// The numerator and denominator are kept as counted, not reduced, so that
/// a reader sees the figures behind the rate. The display form is rounded
/// down and only for people; compare rates with [`Rate::cmp_exact`]. A rate
/// is written in JSON as `{"numerator": 30, "denominator": 1000,
/// "display": "3.00%"}`.
///
/// # Example
///
/// ```
/// use xuetong::stats::Rate;
///
/// let participation = Rate::share(2, 3).unwrap();
/// assert_eq!(participation.display(), "66.66%");
/// assert_eq!(Rate::ratio(95, 60, 2).unwrap().display(), "1.58");
/// assert_eq!(Rate::share(1, 0), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate {
    numerator: u64,
    denominator: u64,
    form: Form,
}

impl Rate {
    /// Makes a share shown as a percentage, or `None` when the denominator
    /// is zero (there is nothing to take a share of).
    pub fn share(numerator: u64, denominator: u64) -> Option<Self> {
        (denominator > 0).then_some(Self {
            numerator,
            denominator,
            form: Form::Percent,
        })
    }

    /// Makes a ratio shown as a decimal number with `decimals` decimals (at
    /// most 6), or `None` when the denominator is zero.
    pub fn ratio(numerator: u64, denominator: u64, decimals: u32) -> Option<Self> {
        (denominator > 0).then_some(Self {
            numerator,
            denominator,
            form: Form::Decimal(decimals.min(6)),
        })
    }

    /// Makes the number of hours in `minutes`, `minutes / 60`, shown with
    /// two decimals.
    pub fn hours(minutes: u64) -> Self {
        Self {
            numerator: minutes,
            denominator: 60,
            form: Form::Decimal(2),
        }
    }

    /// Returns the numerator.
    pub fn numerator(self) -> u64 {
        self.numerator
    }

    /// Returns the denominator, never zero.
    pub fn denominator(self) -> u64 {
        self.denominator
    }

    /// Compares the exact values of two rates, whatever their display form.
    pub fn cmp_exact(self, other: Self) -> std::cmp::Ordering {
        let left = u128::from(self.numerator) * u128::from(other.denominator);
        let right = u128::from(other.numerator) * u128::from(self.denominator);
        left.cmp(&right)
    }

    /// Formats the rate for display, rounded down: a percentage with two
    /// decimals (`"66.66%"` for 2 / 3) or a decimal number.
    pub fn display(self) -> String {
        // A percentage is the value times 100, so it needs two more digits.
        let (decimals, extra_digits, suffix) = match self.form {
            Form::Percent => (2, 2, "%"),
            Form::Decimal(decimals) => (decimals, 0, ""),
        };
        let scaled = u128::from(self.numerator) * 10u128.pow(decimals + extra_digits)
            / u128::from(self.denominator);
        let unit = 10u128.pow(decimals);
        let whole = scaled / unit;
        if decimals == 0 {
            return format!("{whole}{suffix}");
        }
        let fraction = scaled % unit;
        let width = decimals as usize;
        format!("{whole}.{fraction:0width$}{suffix}")
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Rate", 3)?;
        state.serialize_field("numerator", &self.numerator)?;
        state.serialize_field("denominator", &self.denominator)?;
        state.serialize_field("display", &self.display())?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_down() {
        assert_eq!(Rate::share(2, 3).unwrap().display(), "66.66%");
        assert_eq!(Rate::share(1, 1).unwrap().display(), "100.00%");
        assert_eq!(Rate::share(0, 7).unwrap().display(), "0.00%");
        assert_eq!(Rate::share(3, 2).unwrap().display(), "150.00%");
    }

    #[test]
    fn decimal_rounds_down() {
        assert_eq!(Rate::ratio(1, 8, 4).unwrap().display(), "0.1250");
        assert_eq!(Rate::ratio(95, 60, 2).unwrap().display(), "1.58");
        assert_eq!(Rate::ratio(7, 2, 0).unwrap().display(), "3");
    }

    #[test]
    fn zero_denominator_has_no_rate() {
        assert_eq!(Rate::share(0, 0), None);
        assert_eq!(Rate::ratio(5, 0, 2), None);
    }

    #[test]
    fn largest_counts_do_not_overflow() {
        let rate = Rate::share(u64::MAX, 1).unwrap();
        assert!(rate.display().ends_with(".00%"));
        let half = Rate::share(1, 2).unwrap();
        let also_half = Rate::ratio(500, 1000, 1).unwrap();
        assert_eq!(half.cmp_exact(also_half), std::cmp::Ordering::Equal);
    }

    #[test]
    fn json_form() {
        let json = serde_json::to_value(Rate::share(30, 1000).unwrap()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"numerator": 30, "denominator": 1000, "display": "3.00%"})
        );
    }
}
