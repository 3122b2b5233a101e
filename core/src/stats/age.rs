//! Whether a learner is 60 or older on a given day, from a full birth date
//! or only a birth year.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::BirthDate;

/// The age from which a learner counts as an older learner.
pub const OLDER_AGE: i32 = 60;

/// The age group of a learner on one day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeGroup {
    /// Certainly 60 or older.
    SixtyOrMore,
    /// Certainly under 60.
    Under60,
    /// Only the birth year is known, and the learner turns 60 in the year
    /// of the day, so the birthday may or may not have passed.
    Undetermined,
    /// No birth date is known.
    BirthDateMissing,
}

/// Returns the age group of a learner born on `birth` on the day `on`.
///
/// The age is the exact calendar age: the difference of the years, less one
/// when the birthday has not yet come in the year of `on`. A learner born on
/// 29 February has the birthday on 1 March in common years, because 28
/// February comes before 29 February. A year-only birth date counts as
/// certain only when every day of that year gives the same result: 60 or
/// older from the year the learner turns 61, or on 31 December of the year
/// they turn 60; under 60 before the year they turn 60. In between the
/// group is [`AgeGroup::Undetermined`], never guessed.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use xuetong::model::BirthDate;
/// use xuetong::stats::{AgeGroup, age_group};
///
/// let day = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
/// let born = |text: &str| Some(BirthDate::Date(text.parse().unwrap()));
/// assert_eq!(age_group(born("1966-03-31"), day), AgeGroup::SixtyOrMore);
/// assert_eq!(age_group(born("1966-04-01"), day), AgeGroup::Under60);
/// assert_eq!(age_group(Some(BirthDate::Year(1966)), day), AgeGroup::Undetermined);
/// assert_eq!(age_group(Some(BirthDate::Year(1965)), day), AgeGroup::SixtyOrMore);
/// ```
pub fn age_group(birth: Option<BirthDate>, on: NaiveDate) -> AgeGroup {
    let older = |age: i32| {
        if age >= OLDER_AGE {
            AgeGroup::SixtyOrMore
        } else {
            AgeGroup::Under60
        }
    };
    match birth {
        None => AgeGroup::BirthDateMissing,
        Some(BirthDate::Date(born)) => {
            let birthday_passed = (on.month(), on.day()) >= (born.month(), born.day());
            let age = on.year() - born.year() - i32::from(!birthday_passed);
            older(age)
        }
        Some(BirthDate::Year(year)) => {
            let turns = on.year() - year;
            let last_day_of_year = on.month() == 12 && on.day() == 31;
            if turns == OLDER_AGE && !last_day_of_year {
                AgeGroup::Undetermined
            } else {
                older(turns)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn born(text: &str) -> Option<BirthDate> {
        Some(BirthDate::Date(day(text)))
    }

    #[test]
    fn exact_birthday_boundary() {
        assert_eq!(
            age_group(born("1966-03-31"), day("2026-03-31")),
            AgeGroup::SixtyOrMore
        );
        assert_eq!(
            age_group(born("1966-03-31"), day("2026-03-30")),
            AgeGroup::Under60
        );
        assert_eq!(
            age_group(born("1940-01-01"), day("2026-03-30")),
            AgeGroup::SixtyOrMore
        );
        assert_eq!(
            age_group(born("2030-01-01"), day("2026-03-30")),
            AgeGroup::Under60
        );
    }

    #[test]
    fn leap_day_birthday_comes_on_first_of_march() {
        let born_leap = born("1964-02-29");
        assert_eq!(age_group(born_leap, day("2024-02-28")), AgeGroup::Under60);
        assert_eq!(
            age_group(born_leap, day("2024-02-29")),
            AgeGroup::SixtyOrMore
        );
        // 1900 is a common year, so this 60th birthday falls on 1 March.
        let born_1840 = born("1840-02-29");
        assert_eq!(age_group(born_1840, day("1900-02-28")), AgeGroup::Under60);
        assert_eq!(
            age_group(born_1840, day("1900-03-01")),
            AgeGroup::SixtyOrMore
        );
    }

    #[test]
    fn year_only_is_conservative() {
        let year = Some(BirthDate::Year(1966));
        assert_eq!(age_group(year, day("2025-12-31")), AgeGroup::Under60);
        assert_eq!(age_group(year, day("2026-01-01")), AgeGroup::Undetermined);
        assert_eq!(age_group(year, day("2026-12-30")), AgeGroup::Undetermined);
        assert_eq!(age_group(year, day("2026-12-31")), AgeGroup::SixtyOrMore);
        assert_eq!(age_group(year, day("2027-01-01")), AgeGroup::SixtyOrMore);
    }

    #[test]
    fn missing_birth_date() {
        assert_eq!(
            age_group(None, day("2026-01-01")),
            AgeGroup::BirthDateMissing
        );
    }
}
