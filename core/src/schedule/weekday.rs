//! Days of the week, written in full in lowercase (`monday`).

crate::text_enum! {
    /// A day of the week.
    pub enum Weekday {
        /// Monday.
        Monday = "monday",
        /// Tuesday.
        Tuesday = "tuesday",
        /// Wednesday.
        Wednesday = "wednesday",
        /// Thursday.
        Thursday = "thursday",
        /// Friday.
        Friday = "friday",
        /// Saturday.
        Saturday = "saturday",
        /// Sunday.
        Sunday = "sunday",
    }
}

impl Weekday {
    /// The number of days from Monday: 0 for Monday, 6 for Sunday.
    pub fn days_from_monday(self) -> u32 {
        chrono::Weekday::from(self).num_days_from_monday()
    }

    /// The two-letter iCalendar name, such as `MO`.
    pub fn ical_name(self) -> &'static str {
        match self {
            Weekday::Monday => "MO",
            Weekday::Tuesday => "TU",
            Weekday::Wednesday => "WE",
            Weekday::Thursday => "TH",
            Weekday::Friday => "FR",
            Weekday::Saturday => "SA",
            Weekday::Sunday => "SU",
        }
    }

    /// Reads a two-letter iCalendar name, in any case.
    pub fn from_ical_name(text: &str) -> Option<Self> {
        Weekday::ALL
            .iter()
            .copied()
            .find(|day| day.ical_name().eq_ignore_ascii_case(text))
    }
}

impl From<chrono::Weekday> for Weekday {
    fn from(day: chrono::Weekday) -> Self {
        match day {
            chrono::Weekday::Mon => Weekday::Monday,
            chrono::Weekday::Tue => Weekday::Tuesday,
            chrono::Weekday::Wed => Weekday::Wednesday,
            chrono::Weekday::Thu => Weekday::Thursday,
            chrono::Weekday::Fri => Weekday::Friday,
            chrono::Weekday::Sat => Weekday::Saturday,
            chrono::Weekday::Sun => Weekday::Sunday,
        }
    }
}

impl From<Weekday> for chrono::Weekday {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Monday => chrono::Weekday::Mon,
            Weekday::Tuesday => chrono::Weekday::Tue,
            Weekday::Wednesday => chrono::Weekday::Wed,
            Weekday::Thursday => chrono::Weekday::Thu,
            Weekday::Friday => chrono::Weekday::Fri,
            Weekday::Saturday => chrono::Weekday::Sat,
            Weekday::Sunday => chrono::Weekday::Sun,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ical_names_round_trip() {
        for day in Weekday::ALL {
            assert_eq!(Weekday::from_ical_name(day.ical_name()), Some(*day));
        }
        assert_eq!(Weekday::from_ical_name("th"), Some(Weekday::Thursday));
        assert_eq!(Weekday::from_ical_name("XX"), None);
    }

    #[test]
    fn chrono_conversion_round_trips() {
        for day in Weekday::ALL {
            assert_eq!(Weekday::from(chrono::Weekday::from(*day)), *day);
        }
        assert_eq!(Weekday::Sunday.days_from_monday(), 6);
    }
}
