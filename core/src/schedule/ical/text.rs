//! The text layer of iCalendar (RFC 5545 section 3.1): content lines,
//! folding, parameters and the escaping of TEXT values.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

use crate::problem::{Path, Problem, Problems};
use crate::schedule::codes;

/// The longest content line in octets, without the line break.
pub const MAX_LINE_OCTETS: usize = 75;

/// One unfolded content line: `NAME;PARAM=value:VALUE`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentLine {
    /// The physical line (one-based) where the content line starts.
    pub line: usize,
    /// The property name, in uppercase.
    pub name: String,
    /// The parameters: uppercase names with their values, unquoted.
    pub params: Vec<(String, Vec<String>)>,
    /// The raw value, still escaped.
    pub value: String,
}

impl ContentLine {
    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(param, _)| param == name)
            .and_then(|(_, values)| values.first())
            .map(String::as_str)
    }
}

/// The path of a problem at physical line `line` of the input text.
pub fn line_path(line: usize) -> Path {
    Path::root().join("text").join(line)
}

/// A syntax problem at `line`.
pub fn syntax(line: usize, detail: impl Into<String>) -> Problem {
    Problem::new(codes::ICAL_SYNTAX, line_path(line)).with("detail", detail.into())
}

/// Unfolds `text` and splits it into content lines. Accepts CRLF or bare LF
/// line breaks and a leading byte-order mark; empty lines are ignored.
///
/// # Errors
///
/// Returns `ical_syntax` for every line that is not `NAME[;PARAMS]:VALUE`.
pub fn parse_content_lines(text: &str) -> Result<Vec<ContentLine>, Problems> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t']) {
            match logical.last_mut() {
                Some((_, current)) => current.push_str(rest),
                None => logical.push((index + 1, rest.to_owned())),
            }
        } else if !raw.is_empty() {
            logical.push((index + 1, raw.to_owned()));
        }
    }
    let mut problems = Problems::new();
    let mut lines = Vec::with_capacity(logical.len());
    for (line, content) in logical {
        match parse_line(line, &content) {
            Ok(parsed) => lines.push(parsed),
            Err(problem) => problems.push(problem),
        }
    }
    problems.into_result(lines)
}

fn parse_line(line: usize, content: &str) -> Result<ContentLine, Problem> {
    let name_end = content
        .find([';', ':'])
        .ok_or_else(|| syntax(line, "the line has no ':' between name and value"))?;
    let name = &content[..name_end];
    if name.is_empty()
        || !name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
    {
        return Err(syntax(line, format!("\"{name}\" is not a property name")));
    }
    let mut params = Vec::new();
    let mut rest = &content[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let equals = after
            .find('=')
            .ok_or_else(|| syntax(line, "a parameter has no '='"))?;
        let param_name = after[..equals].to_ascii_uppercase();
        let mut values = Vec::new();
        let mut cursor = &after[equals + 1..];
        loop {
            let (value, remaining) = if let Some(quoted) = cursor.strip_prefix('"') {
                let close = quoted
                    .find('"')
                    .ok_or_else(|| syntax(line, "a quoted parameter value is not closed"))?;
                (quoted[..close].to_owned(), &quoted[close + 1..])
            } else {
                let end = cursor.find([',', ';', ':']).unwrap_or(cursor.len());
                (cursor[..end].to_owned(), &cursor[end..])
            };
            values.push(value);
            match remaining.strip_prefix(',') {
                Some(next) => cursor = next,
                None => {
                    cursor = remaining;
                    break;
                }
            }
        }
        params.push((param_name, values));
        rest = cursor;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| syntax(line, "the line has no ':' between name and value"))?;
    Ok(ContentLine {
        line,
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
    })
}

/// Unescapes a TEXT value: `\\`, `\;`, `\,`, `\n` and `\N`.
pub fn unescape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            other if other.is_control() => {}
            other => out.push(other),
        }
    }
    out
}

/// Quotes a parameter value that contains `:`, `;` or `,`, and drops double
/// quotes and control characters, which a parameter value cannot contain.
pub fn param_value(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    if clean.contains([':', ';', ',']) {
        format!("\"{clean}\"")
    } else {
        clean
    }
}

/// Collects content lines and writes them folded, with CRLF line breaks.
#[derive(Debug, Default)]
pub struct LineWriter {
    out: String,
}

impl LineWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes one content line, folded so that no physical line exceeds
    /// [`MAX_LINE_OCTETS`] octets; a fold never splits a UTF-8 character,
    /// and each continuation line starts with one space.
    pub fn line(&mut self, content: &str) {
        let mut octets = 0;
        for c in content.chars() {
            let width = c.len_utf8();
            if octets + width > MAX_LINE_OCTETS {
                self.out.push_str("\r\n ");
                octets = 1;
            }
            self.out.push(c);
            octets += width;
        }
        self.out.push_str("\r\n");
    }

    /// The written text.
    pub fn finish(self) -> String {
        self.out
    }
}

/// A DATE or DATE-TIME value as written, before a zone is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeValue {
    /// A date (`VALUE=DATE`).
    Date(NaiveDate),
    /// A local date and time, floating or in the zone of a TZID parameter.
    Local(NaiveDateTime),
    /// A UTC date and time (written with `Z`).
    Utc(DateTime<Utc>),
}

/// Reads a DATE (`YYYYMMDD`) or DATE-TIME (`YYYYMMDDTHHMMSS[Z]`) value.
pub fn parse_time_value(text: &str) -> Option<TimeValue> {
    let text = text.trim();
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let date = |part: &str| -> Option<NaiveDate> {
        if part.len() != 8 || !digits(part) {
            return None;
        }
        NaiveDate::from_ymd_opt(
            part[..4].parse().ok()?,
            part[4..6].parse().ok()?,
            part[6..].parse().ok()?,
        )
    };
    match text.split_once(['T', 't']) {
        None => date(text).map(TimeValue::Date),
        Some((day, time)) => {
            let (time, utc) = match time.strip_suffix(['Z', 'z']) {
                Some(time) => (time, true),
                None => (time, false),
            };
            if time.len() != 6 || !digits(time) {
                return None;
            }
            let time = NaiveTime::from_hms_opt(
                time[..2].parse().ok()?,
                time[2..4].parse().ok()?,
                time[4..].parse().ok()?,
            )?;
            let local = NaiveDateTime::new(date(day)?, time);
            Some(if utc {
                TimeValue::Utc(local.and_utc())
            } else {
                TimeValue::Local(local)
            })
        }
    }
}

/// Writes a local date and time as `YYYYMMDDTHHMMSS`.
pub fn format_local(value: NaiveDateTime) -> String {
    value.format("%Y%m%dT%H%M%S").to_string()
}

/// Writes an instant as `YYYYMMDDTHHMMSSZ`.
pub fn format_utc(value: DateTime<Utc>) -> String {
    value.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A DURATION value (RFC 5545 section 3.3.6): weeks and days are nominal
/// (they move the local date), hours, minutes and seconds are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IcalDuration {
    /// Whole days, weeks counted as seven.
    pub days: i64,
    /// The exact part.
    pub exact: TimeDelta,
}

/// Reads a DURATION value such as `PT1H30M`, `P1D` or `P2W`.
pub fn parse_duration(text: &str) -> Option<IcalDuration> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let mut days = 0i64;
    let mut seconds = 0i64;
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'T' if !in_time && number.is_empty() => in_time = true,
            unit => {
                let value: i64 = number.parse().ok()?;
                number.clear();
                any = true;
                match (in_time, unit) {
                    (false, 'W') => days = days.checked_add(value.checked_mul(7)?)?,
                    (false, 'D') => days = days.checked_add(value)?,
                    (true, 'H') => seconds = seconds.checked_add(value.checked_mul(3600)?)?,
                    (true, 'M') => seconds = seconds.checked_add(value.checked_mul(60)?)?,
                    (true, 'S') => seconds = seconds.checked_add(value)?,
                    _ => return None,
                }
            }
        }
    }
    if !any || !number.is_empty() {
        return None;
    }
    let sign = if negative { -1 } else { 1 };
    Some(IcalDuration {
        days: sign * days,
        exact: TimeDelta::try_seconds(sign * seconds)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_splits_parameters() {
        let text = "BEGIN:VEVENT\r\nSUMMARY:Tai chi \r\n for beginners\r\nDTSTART;TZID=\"Asia/Shanghai\";X-A=1,2:20260302T090000\r\n";
        let lines = parse_content_lines(text).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1].value, "Tai chi for beginners");
        assert_eq!(lines[2].param("TZID"), Some("Asia/Shanghai"));
        assert_eq!(
            lines[2].params[1],
            ("X-A".to_owned(), vec!["1".to_owned(), "2".to_owned()])
        );
        assert_eq!(lines[2].line, 4);
    }

    #[test]
    fn line_without_colon_rejected() {
        let problems = parse_content_lines("BEGIN:VCALENDAR\nNOT A LINE\n").unwrap_err();
        assert_eq!(problems.0[0].code, codes::ICAL_SYNTAX);
        assert_eq!(problems.0[0].path, line_path(2));
    }

    #[test]
    fn text_escaping_round_trips() {
        let original = "Room 3; floor 2, east\\west\nbring water";
        let escaped = escape_text(original);
        assert_eq!(escaped, "Room 3\\; floor 2\\, east\\\\west\\nbring water");
        assert_eq!(unescape_text(&escaped), original);
    }

    #[test]
    fn folding_keeps_lines_within_75_octets() {
        let mut writer = LineWriter::new();
        let long = format!("SUMMARY:{}", "太极拳".repeat(20));
        writer.line(&long);
        let text = writer.finish();
        for line in text.split("\r\n").filter(|line| !line.is_empty()) {
            assert!(line.len() <= MAX_LINE_OCTETS, "{} octets", line.len());
        }
        let lines = parse_content_lines(&text).unwrap();
        assert_eq!(format!("SUMMARY:{}", lines[0].value), long);
    }

    #[test]
    fn time_values() {
        assert_eq!(
            parse_time_value("20260302"),
            Some(TimeValue::Date("2026-03-02".parse().unwrap()))
        );
        assert!(matches!(
            parse_time_value("20260302T090000Z"),
            Some(TimeValue::Utc(_))
        ));
        assert!(matches!(
            parse_time_value("20260302T090000"),
            Some(TimeValue::Local(_))
        ));
        assert_eq!(parse_time_value("20260230T090000"), None);
        assert_eq!(parse_time_value("20260302T0900"), None);
    }

    #[test]
    fn durations() {
        let duration = parse_duration("PT1H30M").unwrap();
        assert_eq!(duration.days, 0);
        assert_eq!(duration.exact.num_minutes(), 90);
        assert_eq!(parse_duration("P1W").unwrap().days, 7);
        assert_eq!(parse_duration("P1DT2H").unwrap().exact.num_hours(), 2);
        assert_eq!(parse_duration("PT"), None);
        assert_eq!(parse_duration("P1H"), None);
        assert_eq!(parse_duration("1H"), None);
    }
}
