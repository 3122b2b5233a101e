//! `VTIMEZONE` components written from the IANA database that `chrono-tz`
//! bundles.
//!
//! `chrono-tz` has no list of transitions, so they are found by sampling the
//! offset every few hours over the period the events need and narrowing each
//! change down to the second. The component describes that period only: one
//! observance in force at its start, then one per transition, grouped by
//! offset and name with `RDATE`s.

use chrono::{DateTime, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

use super::text::{LineWriter, format_local, param_value};
use crate::schedule::{FIRST_DATE, LAST_DATE};

/// How far apart the offset is sampled. Real zones never change twice
/// within this time.
const SAMPLE_STEP_HOURS: i64 = 6;

/// The offset of a zone at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Observance {
    /// Seconds east of UTC.
    offset: i32,
    /// Whether daylight saving time is in force.
    daylight: bool,
    /// The abbreviation, such as `CEST`.
    name: Option<String>,
}

fn observance_at(zone: Tz, instant: DateTime<Utc>) -> Observance {
    let offset = zone.offset_from_utc_datetime(&instant.naive_utc());
    Observance {
        offset: offset.fix().local_minus_utc(),
        daylight: !offset.dst_offset().is_zero(),
        name: offset.abbreviation().map(str::to_owned),
    }
}

/// A change of offset: the first instant of the new observance.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Transition {
    at: DateTime<Utc>,
    from: Observance,
    to: Observance,
}

/// Finds every change of observance in `zone` between `from` and `to`.
fn transitions(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<Transition> {
    let step = TimeDelta::hours(SAMPLE_STEP_HOURS);
    let mut found = Vec::new();
    let mut previous_at = from;
    let mut previous = observance_at(zone, from);
    while previous_at < to {
        let next_at = previous_at + step;
        let next = observance_at(zone, next_at);
        if next != previous {
            // The change lies in (previous_at, next_at]: narrow it to the second.
            let (mut low, mut high) = (previous_at, next_at);
            while (high - low).num_seconds() > 1 {
                let middle = low + TimeDelta::seconds((high - low).num_seconds() / 2);
                if observance_at(zone, middle) == previous {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            found.push(Transition {
                at: high,
                from: previous.clone(),
                to: next.clone(),
            });
        }
        previous_at = next_at;
        previous = next;
    }
    found
}

/// Writes an offset as `+HHMM`, or `+HHMMSS` when it has seconds.
fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let magnitude = seconds.unsigned_abs();
    let (hours, minutes, rest) = (magnitude / 3600, magnitude / 60 % 60, magnitude % 60);
    if rest == 0 {
        format!("{sign}{hours:02}{minutes:02}")
    } else {
        format!("{sign}{hours:02}{minutes:02}{rest:02}")
    }
}

/// The local time, in the offset before the change, at which an observance
/// starts (RFC 5545 section 3.6.5: DTSTART of an observance is local time in
/// TZOFFSETFROM).
///
/// The result is kept within the years 0001 to 9999, which an iCalendar
/// date-time can write: an onset near either end moves to the nearest
/// writable second. The sessions themselves lie within those years, so the
/// moved onset still comes before every session that follows it.
fn onset(at: DateTime<Utc>, from_offset: i32) -> NaiveDateTime {
    let local = at.naive_utc() + TimeDelta::seconds(i64::from(from_offset));
    let first = NaiveDateTime::from(FIRST_DATE);
    let last = NaiveDateTime::new(LAST_DATE, NaiveTime::MIN) + TimeDelta::seconds(86_399);
    local.clamp(first, last)
}

/// How far before and after each session the component describes the
/// zone.
const MARGIN_DAYS: i64 = 366;

/// The periods to describe: a year either side of each instant, merged
/// where they overlap, on whole seconds.
fn windows(instants: &[DateTime<Utc>]) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut sorted: Vec<DateTime<Utc>> = instants
        .iter()
        .map(|instant| {
            *instant - TimeDelta::nanoseconds(i64::from(instant.timestamp_subsec_nanos()))
        })
        .collect();
    sorted.sort_unstable();
    let margin = TimeDelta::days(MARGIN_DAYS);
    // The periods stay within the years 0001 to 9999, so that every onset
    // written can be read back.
    let earliest = NaiveDateTime::from(FIRST_DATE).and_utc();
    let latest = NaiveDateTime::from(LAST_DATE).and_utc();
    let mut merged: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for instant in sorted {
        let start = (instant - margin).max(earliest);
        let end = (instant + margin).min(latest).max(start);
        match merged.last_mut() {
            Some((_, last_end)) if start <= *last_end => *last_end = end.max(*last_end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Writes the `VTIMEZONE` of `zone` for sessions at `instants` (their starts
/// and ends).
///
/// The component describes the zone from a year before to a year after
/// each instant: the observance in force at the start of that period, then
/// every change within it. Sessions more than two years apart get separate
/// periods, and the observance in force at the start of a later period is
/// written as starting there, because the changes between periods are left
/// out.
pub fn write_vtimezone(writer: &mut LineWriter, zone: Tz, instants: &[DateTime<Utc>]) {
    let mut changes: Vec<Transition> = Vec::new();
    let mut initial: Option<(DateTime<Utc>, Observance)> = None;
    for (start, end) in windows(instants) {
        let at_start = observance_at(zone, start);
        match (&initial, changes.last()) {
            (None, _) => initial = Some((start, at_start.clone())),
            (Some((_, first)), last) => {
                let known = last.map_or(first, |change| &change.to);
                if *known != at_start {
                    changes.push(Transition {
                        at: start,
                        from: known.clone(),
                        to: at_start.clone(),
                    });
                }
            }
        }
        changes.extend(transitions(zone, start, end));
    }
    let Some((window_start, initial)) = initial else {
        return;
    };

    // Observances keyed by what they are, each with its onsets.
    let mut groups: Vec<(Observance, i32, Vec<NaiveDateTime>)> = Vec::new();
    groups.push((
        initial.clone(),
        initial.offset,
        vec![onset(window_start, initial.offset)],
    ));
    for change in &changes {
        let start = onset(change.at, change.from.offset);
        match groups
            .iter_mut()
            .find(|(observance, from, _)| *observance == change.to && *from == change.from.offset)
        {
            Some((_, _, onsets)) => onsets.push(start),
            None => groups.push((change.to.clone(), change.from.offset, vec![start])),
        }
    }

    writer.line("BEGIN:VTIMEZONE");
    writer.line(&format!("TZID:{}", param_value(zone.name())));
    for (observance, from_offset, onsets) in &groups {
        let kind = if observance.daylight {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        writer.line(&format!("BEGIN:{kind}"));
        if let Some((first_onset, more)) = onsets.split_first() {
            writer.line(&format!("DTSTART:{}", format_local(*first_onset)));
            for later in more {
                writer.line(&format!("RDATE:{}", format_local(*later)));
            }
        }
        writer.line(&format!("TZOFFSETFROM:{}", format_offset(*from_offset)));
        writer.line(&format!("TZOFFSETTO:{}", format_offset(observance.offset)));
        if let Some(name) = &observance.name {
            writer.line(&format!("TZNAME:{}", super::text::escape_text(name)));
        }
        writer.line(&format!("END:{kind}"));
    }
    writer.line("END:VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distant_sessions_get_separate_periods() {
        let found = windows(&[
            utc("2026-03-02T01:00:00Z"),
            utc("2026-03-09T01:00:00Z"),
            utc("2040-03-02T01:00:00Z"),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, utc("2025-03-01T01:00:00Z"));
        assert_eq!(found[0].1, utc("2027-03-10T01:00:00Z"));
        let mut writer = LineWriter::new();
        write_vtimezone(
            &mut writer,
            chrono_tz::Europe::Berlin,
            &[utc("2026-07-01T10:00:00Z"), utc("2040-07-01T10:00:00Z")],
        );
        let text = writer.finish();
        // Four changes a year apart around each session, none in between.
        assert_eq!(text.matches("RDATE:2032").count(), 0);
        assert!(text.contains("RDATE:20401028T030000"));
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn berlin_2026_transitions() {
        let found = transitions(
            chrono_tz::Europe::Berlin,
            utc("2026-01-01T00:00:00Z"),
            utc("2026-12-31T00:00:00Z"),
        );
        assert_eq!(found.len(), 2);
        // Clocks jump forward at 01:00 UTC on 29 March and back at 01:00 UTC
        // on 25 October 2026.
        assert_eq!(found[0].at, utc("2026-03-29T01:00:00Z"));
        assert_eq!(found[0].to.offset, 7200);
        assert!(found[0].to.daylight);
        assert_eq!(found[1].at, utc("2026-10-25T01:00:00Z"));
        assert_eq!(
            onset(found[0].at, found[0].from.offset).to_string(),
            "2026-03-29 02:00:00"
        );
        assert_eq!(
            onset(found[1].at, found[1].from.offset).to_string(),
            "2026-10-25 03:00:00"
        );
    }

    #[test]
    fn shanghai_has_no_transitions() {
        let found = transitions(
            chrono_tz::Asia::Shanghai,
            utc("2020-01-01T00:00:00Z"),
            utc("2027-01-01T00:00:00Z"),
        );
        assert!(found.is_empty());
    }

    #[test]
    fn onsets_stay_within_four_digit_years() {
        for (zone, instant) in [
            (chrono_tz::America::New_York, utc("0001-01-01T15:00:00Z")),
            (chrono_tz::Asia::Shanghai, utc("0001-01-01T02:00:00Z")),
            (chrono_tz::Asia::Shanghai, utc("9999-12-31T12:00:00Z")),
            (chrono_tz::America::New_York, utc("9999-12-31T20:00:00Z")),
        ] {
            let mut writer = LineWriter::new();
            write_vtimezone(&mut writer, zone, &[instant]);
            let text = writer.finish();
            let onsets: Vec<&str> = text
                .split("\r\n")
                .filter_map(|line| {
                    line.strip_prefix("DTSTART:")
                        .or_else(|| line.strip_prefix("RDATE:"))
                })
                .collect();
            assert!(!onsets.is_empty(), "{text}");
            for value in onsets {
                let parsed = super::super::text::parse_time_value(value);
                assert!(
                    matches!(parsed, Some(super::super::text::TimeValue::Local(local))
                        if (1..=9999).contains(&chrono::Datelike::year(&local))),
                    "{value} in {text}"
                );
            }
        }
    }

    #[test]
    fn offsets_are_written_with_sign() {
        assert_eq!(format_offset(28800), "+0800");
        assert_eq!(format_offset(-18000), "-0500");
        assert_eq!(format_offset(19800), "+0530");
        assert_eq!(format_offset(-1), "-000001");
    }

    #[test]
    fn shanghai_component() {
        let mut writer = LineWriter::new();
        write_vtimezone(
            &mut writer,
            chrono_tz::Asia::Shanghai,
            &[utc("2026-06-01T01:00:00Z"), utc("2026-03-02T01:00:00Z")],
        );
        let text = writer.finish();
        let expected = "BEGIN:VTIMEZONE\r\nTZID:Asia/Shanghai\r\nBEGIN:STANDARD\r\n\
            DTSTART:20250301T090000\r\nTZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\n\
            TZNAME:CST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";
        assert_eq!(text, expected);
    }
}
