//! The figures the report shows, computed from a season.

use std::collections::BTreeMap;

use chrono::{NaiveDate, Weekday};
use xuetong::decimal::Credits;
use xuetong::model::{Category, OutcomeKind};
use xuetong::season::Season;

/// The figures of the report that read every attendance record, course
/// result or ledger entry. They depend on the season alone, so a run
/// computes them while it writes the output files.
#[derive(Clone, Debug, PartialEq)]
pub struct Figures {
    /// Attendance records with a first check-in.
    pub(crate) check_ins: u64,
    /// [`check_ins_by_week`].
    pub(crate) weeks: Vec<(NaiveDate, u64)>,
    /// [`rate_distribution`].
    pub(crate) rates: ([u64; 11], u64),
    /// [`credits_by_kind`].
    pub(crate) credits: Vec<(Option<OutcomeKind>, Option<Category>, Credits)>,
    /// [`overall_rate`].
    pub(crate) overall_rate: (u64, u64),
}

impl Figures {
    /// Computes the figures of `season`.
    pub fn of(season: &Season<'_>) -> Self {
        Self {
            check_ins: season
                .attendance
                .records
                .iter()
                .filter(|record| record.first_check_in.is_some())
                .count() as u64,
            weeks: check_ins_by_week(season),
            rates: rate_distribution(season),
            credits: credits_by_kind(season),
            overall_rate: overall_rate(season),
        }
    }
}

/// Accepted check-ins per week, by the Monday that starts the week (in the
/// season's time zone), with every week between the first and the last,
/// empty weeks included.
pub fn check_ins_by_week(season: &Season<'_>) -> Vec<(NaiveDate, u64)> {
    let mut weeks: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for record in &season.attendance.records {
        let Some(at) = record.first_check_in else {
            continue;
        };
        let day = at.with_timezone(&season.time_zone).date_naive();
        *weeks.entry(day.week(Weekday::Mon).first_day()).or_default() += 1;
    }
    let (Some(&first), Some(&last)) = (weeks.keys().next(), weeks.keys().next_back()) else {
        return Vec::new();
    };
    let mut filled = Vec::new();
    let mut monday = first;
    while monday <= last {
        filled.push((monday, weeks.get(&monday).copied().unwrap_or(0)));
        let Some(next) = monday.checked_add_days(chrono::Days::new(7)) else {
            break;
        };
        monday = next;
    }
    filled
}

/// The number of learners per band of attendance rate: ten bands of ten
/// percentage points (0–9.9 % … 90–99.9 %) and a last band for exactly
/// 100 %, from the exact rates; and the number of course results without a
/// rate (nothing counted yet).
pub fn rate_distribution(season: &Season<'_>) -> ([u64; 11], u64) {
    let mut bands = [0u64; 11];
    let mut without = 0u64;
    for result in &season.attendance.course_results {
        match result.rate {
            Some(rate) => {
                let band = u64::from(rate.numerator()) * 10 / u64::from(rate.denominator());
                bands[usize::try_from(band).unwrap_or(10).min(10)] += 1;
            }
            None => without += 1,
        }
    }
    (bands, without)
}

/// The credits of the season's rule set in the whole ledger, by outcome
/// kind and category (reversals included, so each figure is a balance).
/// Kinds are in the order of [`OutcomeKind::ALL`] with adjustments last;
/// within a kind, categories by amount, largest first.
pub fn credits_by_kind(
    season: &Season<'_>,
) -> Vec<(Option<OutcomeKind>, Option<Category>, Credits)> {
    let mut sums: BTreeMap<(Option<OutcomeKind>, Option<Category>), Credits> = BTreeMap::new();
    for entry in season.ledger.entries() {
        if entry.rule_set_id != season.rule_set.id {
            continue;
        }
        *sums
            .entry((entry.outcome_kind, entry.category.clone()))
            .or_default() += entry.amount;
    }
    let mut rows: Vec<_> = sums
        .into_iter()
        .filter(|(_, amount)| !amount.is_zero())
        .map(|((kind, category), amount)| (kind, category, amount))
        .collect();
    rows.sort_by(|a, b| {
        let order =
            |kind: Option<OutcomeKind>| kind.map_or(OutcomeKind::ALL.len(), |kind| kind as usize);
        order(a.0)
            .cmp(&order(b.0))
            .then(b.2.cmp(&a.2))
            .then(a.1.cmp(&b.1))
    });
    rows
}

/// The ranked units of the learning index with their scores, best first;
/// empty without an index.
pub fn ranking(season: &Season<'_>) -> Vec<(u32, String, String)> {
    let Some(index) = &season.index else {
        return Vec::new();
    };
    let mut ranked: Vec<(u32, String, String)> = index
        .units
        .iter()
        .filter_map(|unit| Some((unit.rank?, unit.unit.clone(), unit.score.clone()?)))
        .collect();
    ranked.sort();
    ranked
}

/// Attended sessions over counted sessions, summed over every learner and
/// course: the district's overall attendance rate, as a numerator and a
/// denominator.
pub fn overall_rate(season: &Season<'_>) -> (u64, u64) {
    season
        .attendance
        .course_results
        .iter()
        .fold((0, 0), |(attended, counted), result| {
            (
                attended + u64::from(result.attended_sessions),
                counted + u64::from(result.counted_sessions),
            )
        })
}

/// Rejected scans by code, most frequent first.
pub fn rejections(season: &Season<'_>) -> Vec<(String, u64)> {
    let mut rows: Vec<(String, u64)> = season
        .attendance
        .summary
        .rejected_by_code
        .iter()
        .map(|(code, count)| (code.clone(), *count))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}
