//! The period statistics are counted over.

use chrono::NaiveDate;

use crate::problem::{Path, Problem, Problems};
use crate::record::{FieldReader, FieldSpec, FieldWriter, Record};

/// A range of local dates, both days included: `{"first_day": "2026-03-01",
/// "last_day": "2026-03-31"}` is the whole of March.
///
/// A session belongs to the period when its local start date (`date`) lies
/// in it, so a session from 22:00 to 01:00 counts on the day it starts. An
/// outcome belongs by `occurred_on`, and a ledger entry by `occurred_on`.
///
/// Its JSON form is read as a record is: the days are trimmed and written
/// strictly as `YYYY-MM-DD`, as in a CSV date cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Period {
    /// The first day counted.
    pub first_day: NaiveDate,
    /// The last day counted; ages are taken on this day.
    pub last_day: NaiveDate,
}

impl Period {
    /// Returns whether `day` lies in the period, both ends included.
    pub fn contains(self, day: NaiveDate) -> bool {
        self.first_day <= day && day <= self.last_day
    }

    /// Returns whether the period shares at least one day with the
    /// half-open range from `from` up to the day before `until`.
    pub fn overlaps_half_open(self, from: NaiveDate, until: Option<NaiveDate>) -> bool {
        from <= self.last_day && until.is_none_or(|until| until > self.first_day)
    }

    /// Checks that the period does not end before it starts, with paths
    /// under `path`.
    pub fn validate(&self, path: &Path) -> Problems {
        let mut problems = Problems::new();
        if self.last_day < self.first_day {
            problems.push(
                Problem::new(
                    crate::model::codes::ENDS_BEFORE_START,
                    path.join("last_day"),
                )
                .with("field", "last_day")
                .with("value", self.last_day.to_string())
                .with("other_field", "first_day")
                .with("other_value", self.first_day.to_string()),
            );
        }
        problems
    }
}

impl Record for Period {
    const KIND: &'static str = "period";

    const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::required("first_day"),
        FieldSpec::required("last_day"),
    ];

    fn read_fields(reader: &mut FieldReader<'_>) -> Option<Self> {
        let first_day = reader.required("first_day");
        let last_day = reader.required("last_day");
        Some(Self {
            first_day: first_day?,
            last_day: last_day?,
        })
    }

    fn write_fields(&self, writer: &mut FieldWriter) {
        writer.put("first_day", &self.first_day);
        writer.put("last_day", &self.last_day);
    }

    fn check(&self, path: &Path, problems: &mut Problems) {
        problems.extend(Period::validate(self, path));
    }
}

crate::record_serde!(Period);

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn both_ends_included() {
        let march = Period {
            first_day: day("2026-03-01"),
            last_day: day("2026-03-31"),
        };
        assert!(march.contains(day("2026-03-01")));
        assert!(march.contains(day("2026-03-31")));
        assert!(!march.contains(day("2026-02-28")));
        assert!(!march.contains(day("2026-04-01")));
    }

    #[test]
    fn half_open_overlap() {
        let march = Period {
            first_day: day("2026-03-01"),
            last_day: day("2026-03-31"),
        };
        assert!(march.overlaps_half_open(day("2026-01-01"), None));
        assert!(!march.overlaps_half_open(day("2026-01-01"), Some(day("2026-03-01"))));
        assert!(march.overlaps_half_open(day("2026-01-01"), Some(day("2026-03-02"))));
        assert!(march.overlaps_half_open(day("2026-03-31"), None));
        assert!(!march.overlaps_half_open(day("2026-04-01"), None));
    }

    #[test]
    fn json_days_read_as_date_cells() {
        let spaced = serde_json::json!({"first_day": " 2026-03-01\t", "last_day": "2026-03-31"});
        let period = Period::from_json(&spaced, &Path::root()).unwrap();
        assert_eq!(period.first_day, day("2026-03-01"));
        assert_eq!(period.last_day, day("2026-03-31"));

        let loose = serde_json::json!({"first_day": "2026-3-1", "last_day": "2026-03-31\u{2028}"});
        let problems = Period::from_json(&loose, &Path::root()).unwrap_err();
        let found: Vec<(&str, String)> = problems
            .iter()
            .map(|problem| (problem.code.as_str(), problem.path.to_string()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("invalid_date", "first_day".to_owned()),
                ("invalid_date", "last_day".to_owned())
            ]
        );
    }

    #[test]
    fn periods_round_trip_through_serde() {
        let march = Period {
            first_day: day("2026-03-01"),
            last_day: day("2026-03-31"),
        };
        let text = serde_json::to_string(&march).unwrap();
        assert_eq!(
            text,
            r#"{"first_day":"2026-03-01","last_day":"2026-03-31"}"#
        );
        assert_eq!(serde_json::from_str::<Period>(&text).unwrap(), march);
        // A reversed period is rejected as it is read, with both days named.
        let error = serde_json::from_str::<Period>(
            r#"{"first_day": "2026-03-31", "last_day": "2026-03-01"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("2026-03-01"), "{error}");
        assert!(error.contains("2026-03-31"), "{error}");
    }

    #[test]
    fn wrong_form_names_the_expected_object() {
        let error = serde_json::from_value::<Period>(serde_json::json!("march")).unwrap_err();
        assert!(error.to_string().contains("an object"), "{error}");
    }

    #[test]
    fn inverted_period_is_reported() {
        let inverted = Period {
            first_day: day("2026-03-31"),
            last_day: day("2026-03-01"),
        };
        let problems = inverted.validate(&Path::root().join("period"));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems.iter().next().unwrap().code.as_str(),
            "ends_before_start"
        );
    }
}
