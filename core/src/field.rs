//! Field values: how one field is read from CSV text or a JSON value, and
//! written back.
//!
//! Every input record is flat, and its JSON form and its CSV row have the same
//! field names, so one definition serves both. A field that fails to read
//! becomes a [`Problem`](crate::problem::Problem) with the field's path, and
//! reading goes on, so that a record reports all of its problems at once.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::decimal::{Credits, DecimalError, Percent};
use crate::problem::{Code, codes};
use crate::schedule::in_supported_years;

/// Why a field value could not be read: a code and the parameters its message
/// needs besides `field` and `value`, which the reader adds.
#[derive(Clone, Debug, PartialEq)]
pub struct Invalid {
    /// The problem code.
    pub code: Code,
    /// Extra message parameters.
    pub params: Vec<(&'static str, Value)>,
}

impl Invalid {
    /// An invalid value with the given code and no extra parameters.
    pub fn new(code: Code) -> Self {
        Self {
            code,
            params: Vec::new(),
        }
    }

    /// Adds a message parameter.
    pub fn with(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.params.push((name, value.into()));
        self
    }

    /// A JSON value of the wrong type; `expected` describes the right one.
    pub fn wrong_type(expected: &'static str) -> Self {
        Self::new(codes::INVALID_TYPE).with("expected", expected)
    }
}

/// A type that one field of a record can hold.
pub trait FieldValue: Sized {
    /// What the JSON value should be, for messages: "text", "a whole number".
    const EXPECTED: &'static str = "text";

    /// Reads the value from CSV text, already trimmed and not empty.
    fn from_text(text: &str) -> Result<Self, Invalid>;

    /// Reads the value from JSON. The default accepts a JSON string and reads
    /// it as text.
    fn from_json(value: &Value) -> Result<Self, Invalid> {
        match value {
            Value::String(text) => Self::from_text(trim_spaces(text)),
            _ => Err(Invalid::wrong_type(Self::EXPECTED)),
        }
    }

    /// Writes the value as CSV text.
    fn to_text(&self) -> String;

    /// Appends the CSV text of the value to `out`. The default appends
    /// [`FieldValue::to_text`]; types written for every row of large files
    /// append without the intermediate string.
    fn write_text(&self, out: &mut String) {
        out.push_str(&self.to_text());
    }

    /// Writes the value as JSON. The default writes the text as a string.
    fn to_json(&self) -> Value {
        Value::String(self.to_text())
    }
}

/// The longest text a free-text field accepts, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// Returns `text` without the whitespace around it, as [`str::trim`] does,
/// but keeps U+0085 (next line), U+2028 (line separator) and U+2029
/// (paragraph separator). Free text made only of those is then rejected
/// as a control character instead of being read as empty. CSV cells, JSON
/// values and the numbers, dates and ids inside them are all trimmed with
/// it, so that JSON and CSV trim a value alike. The command line trims
/// the dates, zones and kinds given as its arguments with it, too.
///
/// # Example
///
/// ```
/// use xuetong::field::trim_spaces;
///
/// assert_eq!(trim_spaces(" \t2026-03-01\u{3000}"), "2026-03-01");
/// assert_eq!(trim_spaces("2026-03-01\u{2028}"), "2026-03-01\u{2028}");
/// ```
pub fn trim_spaces(text: &str) -> &str {
    // A printable ASCII byte at both ends is neither whitespace nor part of
    // a longer character, so the text has nothing to trim. Most cells of a
    // bundle are such text.
    let bytes = text.as_bytes();
    if bytes.first().is_none_or(u8::is_ascii_graphic)
        && bytes.last().is_none_or(u8::is_ascii_graphic)
    {
        return text;
    }
    text.trim_matches(|c: char| {
        c.is_whitespace() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
    })
}

/// Returns whether `value` is a JSON string that is empty once trimmed.
pub(crate) fn is_empty_text(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|text| trim_spaces(text).is_empty())
}

impl FieldValue for String {
    /// Reads free text: at most [`MAX_TEXT_CHARS`] characters, and no control
    /// characters other than tab, line feed and carriage return (a NUL or an
    /// escape sequence in a name breaks databases and terminals downstream).
    /// The line and paragraph separators U+2028 and U+2029 are rejected as
    /// control characters too, because editors and JavaScript before
    /// ES2019 take them as line breaks.
    fn from_text(text: &str) -> Result<Self, Invalid> {
        check_free_text(text)?;
        Ok(text.to_owned())
    }

    fn to_text(&self) -> String {
        self.clone()
    }

    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// Checks that `text` is free text as [`String`] reads it: at most
/// [`MAX_TEXT_CHARS`] characters, no control characters other than tab,
/// line feed and carriage return, and neither U+2028 nor U+2029.
pub(crate) fn check_free_text(text: &str) -> Result<(), Invalid> {
    if let Some(control) = find_control(text) {
        return Err(Invalid::new(codes::CONTROL_CHARACTER)
            .with("codepoint", format!("U+{:04X}", u32::from(control))));
    }
    // A character takes at least one byte, so text of at most
    // MAX_TEXT_CHARS bytes needs no count.
    if text.len() <= MAX_TEXT_CHARS {
        return Ok(());
    }
    let length = text.chars().count();
    if length > MAX_TEXT_CHARS {
        return Err(Invalid::new(codes::TOO_LONG)
            .with("max", MAX_TEXT_CHARS)
            .with("length", length));
    }
    Ok(())
}

/// Returns the first control character of `text` that free text rejects:
/// any but tab, line feed and carriage return, and U+2028 and U+2029.
fn find_control(text: &str) -> Option<char> {
    // ASCII text, such as check-in tokens and most names, is checked byte
    // by byte: its control characters are the bytes below a space and DEL.
    if text.is_ascii() {
        return text
            .bytes()
            .find(|&byte| (byte < b' ' && !matches!(byte, b'\t' | b'\n' | b'\r')) || byte == 0x7f)
            .map(char::from);
    }
    text.chars().find(|&c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
    })
}

/// Free text as [`String`] reads it, kept without spare capacity.
impl FieldValue for Box<str> {
    fn from_text(text: &str) -> Result<Self, Invalid> {
        String::from_text(text).map(String::into_boxed_str)
    }

    fn to_text(&self) -> String {
        self.to_string()
    }

    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

/// Free text as [`String`] reads it, for values that are often one fixed
/// text, which [`Cow::Borrowed`] keeps without an allocation.
impl FieldValue for Cow<'static, str> {
    fn from_text(text: &str) -> Result<Self, Invalid> {
        String::from_text(text).map(Cow::Owned)
    }

    fn to_text(&self) -> String {
        self.to_string()
    }

    fn write_text(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl FieldValue for bool {
    const EXPECTED: &'static str = "true or false";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        match text.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(Invalid::new(codes::INVALID_BOOLEAN)),
        }
    }

    fn from_json(value: &Value) -> Result<Self, Invalid> {
        match value {
            Value::Bool(flag) => Ok(*flag),
            Value::String(text) => Self::from_text(trim_spaces(text)),
            _ => Err(Invalid::wrong_type(Self::EXPECTED)),
        }
    }

    fn to_text(&self) -> String {
        self.to_string()
    }

    fn write_text(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }

    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

/// 2^53, the first whole number a JSON float may not hold exactly: a
/// float of 2^53 or more may be a rounded form of the number written, as
/// 9007199254740993.0 reads as 2^53.
const EXACT_FLOAT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Builds an `out_of_range` problem that names the accepted range.
fn whole_out_of_range(min: u64, max: u64) -> Invalid {
    Invalid::new(codes::OUT_OF_RANGE)
        .with("min", min)
        .with("max", max)
}

/// Returns `whole` when it lies in `min..=max`.
fn whole_within(whole: u64, min: u64, max: u64) -> Result<u64, Invalid> {
    if (min..=max).contains(&whole) {
        Ok(whole)
    } else {
        Err(whole_out_of_range(min, max))
    }
}

/// Reads a whole number in `min..=max` from CSV text, already trimmed and
/// not empty. Text in the form of a JSON number, such as `-1`, `1e30` or
/// `2.0`, is read exactly from its digits, not through a float, so
/// `2.0000000000000001` has a fraction.
///
/// # Errors
///
/// `invalid_integer` for text that is not a number or a number with a
/// fraction, and `out_of_range` with `min` and `max` for a whole number
/// outside the range.
pub fn whole_from_text(text: &str, min: u64, max: u64) -> Result<u64, Invalid> {
    let Some(decimal) = DecimalText::parse(text) else {
        return Err(Invalid::new(codes::INVALID_INTEGER));
    };
    decimal.whole(min, max)
}

/// A number written in JSON's form, as its significant digits and the
/// power of ten they are multiplied by.
struct DecimalText<'a> {
    negative: bool,
    /// The digits before and after the decimal point, in order.
    integer: &'a str,
    fraction: &'a str,
    /// The exponent written after `e`, saturated far beyond any whole
    /// number that fits in u64.
    exponent: i64,
}

impl<'a> DecimalText<'a> {
    /// Splits `text` into its parts, or returns `None` when it is not a
    /// number in JSON's form (leading zeros allowed).
    fn parse(text: &'a str) -> Option<Self> {
        let is_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (integer, fraction) = match mantissa.split_once('.') {
            Some((integer, fraction)) => (integer, Some(fraction)),
            None => (mantissa, None),
        };
        if !is_digits(integer) || fraction.is_some_and(|fraction| !is_digits(fraction)) {
            return None;
        }
        let exponent = match exponent {
            None => 0,
            Some(written) => {
                let (sign, digits) = match written.as_bytes().first() {
                    Some(b'-') => (-1, &written[1..]),
                    Some(b'+') => (1, &written[1..]),
                    _ => (1, written),
                };
                if !is_digits(digits) {
                    return None;
                }
                // Past 10^6 every nonzero number is either above u64::MAX
                // or has a fraction, so larger exponents need no exact value.
                sign * digits.parse::<i64>().unwrap_or(i64::MAX).min(1_000_000)
            }
        };
        Some(Self {
            negative,
            integer,
            fraction: fraction.unwrap_or(""),
            exponent,
        })
    }

    /// Returns the number when it is whole and lies in `min..=max`.
    fn whole(&self, min: u64, max: u64) -> Result<u64, Invalid> {
        let digits = format!("{}{}", self.integer, self.fraction);
        let significant = digits.trim_start_matches('0');
        if significant.is_empty() {
            // Zero, however it is written, -0 and 0.0e5 included.
            return whole_within(0, min, max);
        }

        // The value is `significant` times ten to `scale`. The fraction's
        // length is at most the text's, so the subtraction cannot overflow.
        let mut scale = self.exponent - self.fraction.len() as i64;
        let trimmed = significant.trim_end_matches('0');
        scale += (significant.len() - trimmed.len()) as i64;
        if scale < 0 {
            return Err(Invalid::new(codes::INVALID_INTEGER));
        }
        if self.negative {
            return Err(whole_out_of_range(min, max));
        }

        // u64::MAX has 20 digits, so a longer number is out of range.
        if trimmed.len() as i64 + scale > 20 {
            return Err(whole_out_of_range(min, max));
        }
        let value = trimmed
            .parse::<u128>()
            .ok()
            .and_then(|value| value.checked_mul(10u128.checked_pow(scale as u32)?))
            .and_then(|value| u64::try_from(value).ok());
        match value {
            Some(whole) => whole_within(whole, min, max),
            None => Err(whole_out_of_range(min, max)),
        }
    }
}

/// Reads a whole number in `min..=max` from a JSON number, or from a JSON
/// string as [`whole_from_text`] does (form inputs arrive as text). A
/// number written with a fraction of zero or an exponent, such as `2.0` or
/// `1e3`, is whole.
///
/// # Errors
///
/// `invalid_type` for JSON that is neither a number nor a string,
/// `invalid_integer` for a number with a fraction, and `out_of_range`
/// with `min` and `max` for a whole number outside the range.
///
/// # Example
///
/// ```
/// use serde_json::json;
/// use xuetong::field::whole_from_json;
///
/// assert_eq!(whole_from_json(&json!(1e3), 0, 5000).unwrap(), 1000);
/// let invalid = whole_from_json(&json!(1e30), 1, 1000).unwrap_err();
/// assert_eq!(invalid.code.as_str(), "out_of_range");
/// ```
pub fn whole_from_json(value: &Value, min: u64, max: u64) -> Result<u64, Invalid> {
    match value {
        Value::Number(number) => whole_from_number(number, min, max),
        Value::String(text) => whole_from_text(trim_spaces(text), min, max),
        _ => Err(Invalid::wrong_type("a whole number")),
    }
}

fn whole_from_number(number: &serde_json::Number, min: u64, max: u64) -> Result<u64, Invalid> {
    if let Some(whole) = number.as_u64() {
        return whole_within(whole, min, max);
    }
    if number.is_i64() {
        // A negative whole number, below every range.
        return Err(whole_out_of_range(min, max));
    }
    let Some(float) = number.as_f64() else {
        return Err(Invalid::new(codes::INVALID_INTEGER));
    };
    // NOTE: serde_json has already rounded the number to a float, so a
    // fraction beyond its precision, as in 2.0000000000000001, is lost.
    if !float.is_finite() || float.fract() != 0.0 {
        return Err(Invalid::new(codes::INVALID_INTEGER));
    }
    // The bounds are compared as floats. A bound above 2^53 may round, but
    // a float of 2^53 or more is rejected below anyway.
    if float < min as f64 || float > max as f64 {
        return Err(whole_out_of_range(min, max));
    }
    if float >= EXACT_FLOAT_LIMIT {
        // NOTE: a float this large may be a rounded form of the number
        // written, so it is not taken as that number: digits are.
        return Err(Invalid::new(codes::INVALID_INTEGER));
    }
    // The float is whole, at least `min` (so not negative) and below
    // 2^53, so the cast keeps its value.
    Ok(float as u64)
}

/// Implements [`FieldValue`] for unsigned integers with the type's own
/// range. A field with a narrower range is read with
/// [`FieldReader::required_in`](crate::record::FieldReader::required_in)
/// and its kin, which name that range in their problems.
macro_rules! unsigned_field {
    ($($ty:ty),*) => {$(
        impl FieldValue for $ty {
            const EXPECTED: &'static str = "a whole number";

            fn from_text(text: &str) -> Result<Self, Invalid> {
                let whole = whole_from_text(text, 0, u64::from(<$ty>::MAX))?;
                <$ty>::try_from(whole).map_err(|_| whole_out_of_range(0, u64::from(<$ty>::MAX)))
            }

            fn from_json(value: &Value) -> Result<Self, Invalid> {
                let whole = whole_from_json(value, 0, u64::from(<$ty>::MAX))?;
                <$ty>::try_from(whole).map_err(|_| whole_out_of_range(0, u64::from(<$ty>::MAX)))
            }

            fn to_text(&self) -> String {
                self.to_string()
            }

            fn write_text(&self, out: &mut String) {
                push_decimal(out, u64::from(*self));
            }

            fn to_json(&self) -> Value {
                Value::from(*self)
            }
        }

        impl WholeNumber for $ty {}
    )*};
}

/// An unsigned integer type that a record field holds, whose own range
/// [`FieldReader::required_in`](crate::record::FieldReader::required_in)
/// names in its problems.
pub trait WholeNumber: FieldValue + Copy + Into<u64> {}

unsigned_field!(u8, u16, u32, u64);

/// Appends `value` in decimal, as `Display` writes it, without the
/// formatting machinery.
fn push_decimal(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

impl FieldValue for NaiveDate {
    const EXPECTED: &'static str = "a date written YYYY-MM-DD";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        let date = parse_date(text).ok_or_else(|| Invalid::new(codes::INVALID_DATE))?;
        if !in_supported_years(date) {
            return Err(Invalid::new(crate::schedule::codes::DATE_OUT_OF_RANGE));
        }
        Ok(date)
    }

    fn to_text(&self) -> String {
        let mut text = String::with_capacity(10);
        self.write_text(&mut text);
        text
    }

    fn write_text(&self, out: &mut String) {
        push_date(out, *self);
    }
}

/// Appends `value` in decimal, padded with zeros to `width` digits.
fn push_padded(out: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Appends `date` as `YYYY-MM-DD`, as `%Y-%m-%d` formats it.
fn push_date(out: &mut String, date: NaiveDate) {
    match u32::try_from(date.year()) {
        Ok(year) if year <= 9999 => {
            push_padded(out, year, 4);
            out.push('-');
            push_padded(out, date.month(), 2);
            out.push('-');
            push_padded(out, date.day(), 2);
        }
        // Years before 0 and after 9999 get a sign, which chrono writes.
        _ => {
            let _ = write!(out, "{}", date.format("%Y-%m-%d"));
        }
    }
}

/// Reads a date written strictly as `YYYY-MM-DD` with a four-digit year.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = text.get(range)?;
        if !part.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        part.parse().ok()
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

impl FieldValue for NaiveTime {
    const EXPECTED: &'static str = "a time written HH:MM";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        let parsed = match text.len() {
            5 => NaiveTime::parse_from_str(text, "%H:%M"),
            8 => NaiveTime::parse_from_str(text, "%H:%M:%S"),
            _ => return Err(Invalid::new(codes::INVALID_TIME)),
        };
        match parsed {
            // chrono reads a second of 60 as a leap second, which no clock
            // on a timetable shows.
            Ok(time) if time.nanosecond() < 1_000_000_000 => Ok(time),
            _ => Err(Invalid::new(codes::INVALID_TIME)),
        }
    }

    fn to_text(&self) -> String {
        self.format("%H:%M:%S").to_string()
    }
}

impl FieldValue for DateTime<Utc> {
    const EXPECTED: &'static str = "a date and time with a UTC offset";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        let instant = parse_instant(text)
            .map(|instant| instant.with_timezone(&Utc))
            .ok_or_else(|| Invalid::new(codes::INVALID_INSTANT))?;
        // chrono reads a second of 60 in any minute, but a leap second is
        // only ever 23:59:60 UTC on the last day of a month, so any other
        // second of 60 names no instant at all.
        if instant.nanosecond() >= 1_000_000_000 && !is_leap_second_slot(&instant) {
            return Err(Invalid::new(codes::INVALID_LEAP_SECOND));
        }
        // An offset can also push 9999-12-31 into year 10000, which RFC 3339
        // cannot write, so the instant could not be read back.
        if !in_supported_years(instant.date_naive()) {
            return Err(Invalid::new(crate::schedule::codes::DATE_OUT_OF_RANGE));
        }
        Ok(instant)
    }

    fn to_text(&self) -> String {
        format_instant(self)
    }

    fn write_text(&self, out: &mut String) {
        push_instant(out, self);
    }
}

/// Checks whether `instant` falls in 23:59 UTC on the last day of a month,
/// the only minute that can end with a leap second.
fn is_leap_second_slot(instant: &DateTime<Utc>) -> bool {
    let next_day = instant.date_naive().succ_opt();
    instant.hour() == 23 && instant.minute() == 59 && next_day.is_none_or(|day| day.day() == 1)
}

/// Reads an RFC 3339 instant. The offset (`Z` or `+08:00`) is required,
/// because a time without one could be in any zone.
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    utc_seconds_instant(text).or_else(|| DateTime::parse_from_rfc3339(text).ok())
}

/// Reads the form `YYYY-MM-DDTHH:MM:SSZ` that most instants of a bundle
/// take, as [`DateTime::parse_from_rfc3339`] reads it, and returns `None`
/// for any other text. A second of 60, which chrono reads as a leap
/// second, is left to chrono too.
fn utc_seconds_instant(text: &str) -> Option<DateTime<FixedOffset>> {
    let bytes = text.as_bytes();
    if bytes.len() != 20 || bytes[10] != b'T' || bytes[19] != b'Z' {
        return None;
    }
    let date = parse_date(text.get(..10)?)?;
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let number = |start: usize| -> Option<u32> {
        let (tens, ones) = (bytes[start], bytes[start + 1]);
        (tens.is_ascii_digit() && ones.is_ascii_digit())
            .then(|| u32::from(tens - b'0') * 10 + u32::from(ones - b'0'))
    };
    let time = NaiveTime::from_hms_opt(number(11)?, number(14)?, number(17)?)?;
    Some(date.and_time(time).and_utc().fixed_offset())
}

/// Writes an instant as RFC 3339 in UTC, with seconds and a `Z` suffix, and
/// fractional seconds only when there are any.
pub fn format_instant(instant: &DateTime<Utc>) -> String {
    let mut text = String::with_capacity(20);
    push_instant(&mut text, instant);
    text
}

/// Appends `instant` as [`format_instant`] writes it.
pub(crate) fn push_instant(out: &mut String, instant: &DateTime<Utc>) {
    // The UTC fields of the instant, read once: the getters of a
    // `DateTime<Utc>` each add its offset (zero) again.
    let utc = instant.naive_utc();
    let whole_seconds = utc.nanosecond() == 0;
    match u32::try_from(utc.year()) {
        // The common case, written without chrono's formatter: whole
        // seconds, no leap second, and a four-digit year.
        Ok(year) if year <= 9999 && whole_seconds => {
            push_date(out, utc.date());
            out.push('T');
            push_padded(out, utc.hour(), 2);
            out.push(':');
            push_padded(out, utc.minute(), 2);
            out.push(':');
            push_padded(out, utc.second(), 2);
            out.push('Z');
        }
        _ => out.push_str(&instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
    }
}

impl FieldValue for Tz {
    const EXPECTED: &'static str = "an IANA time-zone name";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        text.parse::<Tz>()
            .map_err(|_| Invalid::new(codes::INVALID_TIME_ZONE))
    }

    fn to_text(&self) -> String {
        self.name().to_owned()
    }

    fn write_text(&self, out: &mut String) {
        out.push_str(self.name());
    }
}

impl FieldValue for Credits {
    const EXPECTED: &'static str = "a decimal number written as text, such as \"2.50\"";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        text.parse().map_err(|error| {
            decimal_invalid(
                &error,
                Self::DECIMALS,
                Self::MIN.to_string(),
                Self::MAX.to_string(),
            )
        })
    }

    fn to_text(&self) -> String {
        self.to_string()
    }
}

impl FieldValue for Percent {
    const EXPECTED: &'static str = "a percentage written as text, such as \"80\"";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        let percent: Percent = text
            .parse()
            .map_err(|error| decimal_invalid(&error, Self::DECIMALS, "0".into(), "100".into()))?;
        if percent > Percent::HUNDRED {
            return Err(Invalid::new(codes::OUT_OF_RANGE)
                .with("min", 0)
                .with("max", 100));
        }
        Ok(percent)
    }

    fn to_text(&self) -> String {
        self.to_string()
    }
}

/// Builds the problem of a decimal text: `out_of_range` (between `min` and
/// `max`) when the number is too large to hold, otherwise `invalid_decimal`,
/// which names the number of decimals allowed.
fn decimal_invalid(error: &DecimalError, decimals: u32, min: String, max: String) -> Invalid {
    match error {
        DecimalError::Overflow { .. } => Invalid::new(codes::OUT_OF_RANGE)
            .with("min", min)
            .with("max", max),
        DecimalError::Malformed { .. } | DecimalError::TooPrecise { .. } => {
            Invalid::new(codes::INVALID_DECIMAL).with("decimals", decimals)
        }
    }
}

/// A coordinate in degrees. Latitude and longitude are the only floating-point
/// fields: positions are measurements, not amounts.
impl FieldValue for f64 {
    const EXPECTED: &'static str = "a number";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        match text.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(number),
            _ => Err(Invalid::new(codes::INVALID_COORDINATE)
                .with("min", -180)
                .with("max", 180)),
        }
    }

    fn from_json(value: &Value) -> Result<Self, Invalid> {
        match value {
            Value::Number(number) => number.as_f64().ok_or_else(|| {
                Invalid::new(codes::INVALID_COORDINATE)
                    .with("min", -180)
                    .with("max", 180)
            }),
            Value::String(text) => Self::from_text(trim_spaces(text)),
            _ => Err(Invalid::wrong_type(Self::EXPECTED)),
        }
    }

    fn to_text(&self) -> String {
        self.to_string()
    }

    fn to_json(&self) -> Value {
        serde_json::Number::from_f64(*self).map_or(Value::Null, Value::Number)
    }
}

/// A list: a JSON array, or in CSV the items separated by `;`. An empty
/// item (only whitespace, or nothing between two `;`) means no value and
/// is skipped in both forms, as an empty field is, so `a;;b` and
/// `["a", "", "b"]` read alike.
impl<T: FieldValue> FieldValue for Vec<T> {
    const EXPECTED: &'static str = "a list";

    fn from_text(text: &str) -> Result<Self, Invalid> {
        text.split(';')
            .map(trim_spaces)
            .filter(|item| !item.is_empty())
            .map(T::from_text)
            .collect()
    }

    fn from_json(value: &Value) -> Result<Self, Invalid> {
        match value {
            Value::Array(items) => items
                .iter()
                .filter(|item| !is_empty_text(item))
                .map(T::from_json)
                .collect(),
            _ => Err(Invalid::wrong_type(Self::EXPECTED)),
        }
    }

    fn to_text(&self) -> String {
        let mut text = String::new();
        self.write_text(&mut text);
        text
    }

    fn write_text(&self, out: &mut String) {
        for (index, item) in self.iter().enumerate() {
            if index > 0 {
                out.push(';');
            }
            item.write_text(out);
        }
    }

    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(T::to_json).collect())
    }
}

/// Implements [`FieldValue`] for the typed identifiers.
macro_rules! id_field {
    ($($ty:ty),*) => {$(
        impl FieldValue for $ty {
            const EXPECTED: &'static str = "a UUID";

            fn from_text(text: &str) -> Result<Self, Invalid> {
                text.parse().map_err(|_| Invalid::new(codes::INVALID_UUID))
            }

            fn to_text(&self) -> String {
                self.to_string()
            }

            fn write_text(&self, out: &mut String) {
                let mut buffer = uuid::Uuid::encode_buffer();
                out.push_str(self.uuid().hyphenated().encode_lower(&mut buffer));
            }
        }
    )*};
}

id_field!(
    crate::id::LearnerId,
    crate::id::VenueId,
    crate::id::InstructorId,
    crate::id::CourseId,
    crate::id::SessionId,
    crate::id::EnrolmentId,
    crate::id::ScanId,
    crate::id::ExcusalId,
    crate::id::OutcomeId,
    crate::id::ClubId
);

/// Defines an enumeration whose values are written as snake_case text, with
/// serde support and a [`FieldValue`] implementation that reports
/// `invalid_choice` with the allowed values.
#[macro_export]
#[doc(hidden)]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])* $variant:ident = $text:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The value as written in JSON and CSV.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Reads a value written as in JSON and CSV.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// The allowed values, separated by commas, for messages.
            pub fn allowed() -> String {
                let names: &[&str] = &[$($text),*];
                names.join(", ")
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $name::parse(&text).ok_or_else(|| {
                    ::serde::de::Error::custom(format!(
                        "expected one of {}, got \"{}\"", $name::allowed(), text
                    ))
                })
            }
        }

        impl $crate::field::FieldValue for $name {
            fn from_text(text: &str) -> Result<Self, $crate::field::Invalid> {
                $name::parse(text).ok_or_else(|| {
                    $crate::field::Invalid::new($crate::problem::codes::INVALID_CHOICE)
                        .with("allowed", $name::allowed())
                })
            }

            fn to_text(&self) -> String {
                self.as_str().to_owned()
            }

            fn write_text(&self, out: &mut String) {
                out.push_str(self.as_str());
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_length_counts_characters() {
        let ascii = "x".repeat(MAX_TEXT_CHARS);
        assert_eq!(String::from_text(&ascii).unwrap(), ascii);
        // 500 characters of three bytes each make 1,500 bytes, which is allowed.
        let chinese = "学".repeat(MAX_TEXT_CHARS);
        assert_eq!(String::from_text(&chinese).unwrap(), chinese);
        let too_long = String::from_text(&"学".repeat(MAX_TEXT_CHARS + 1)).unwrap_err();
        assert_eq!(too_long.code, codes::TOO_LONG);
        assert_eq!(
            too_long.params,
            vec![("max", json!(500)), ("length", json!(501))]
        );
        let control = String::from_text("a\u{7}b").unwrap_err();
        assert_eq!(control.code, codes::CONTROL_CHARACTER);
    }

    #[test]
    fn json_text_of_line_separators() {
        for (text, codepoint) in [
            ("\u{85}", "U+0085"),
            ("\u{2028}", "U+2028"),
            (" \u{2029} ", "U+2029"),
        ] {
            let invalid = String::from_json(&json!(text)).unwrap_err();
            assert_eq!(invalid.code, codes::CONTROL_CHARACTER, "{text:?}");
            assert_eq!(invalid.params, vec![("codepoint", json!(codepoint))]);
        }
        assert_eq!(trim_spaces(" \t\u{3000}Zoë\u{a0}\n"), "Zoë");
        assert_eq!(trim_spaces(" \u{2028} "), "\u{2028}");
    }

    #[test]
    fn trim_matches_str_trim_on_edges() {
        let texts = [
            "",
            "a",
            "ab",
            " a",
            "a ",
            "\ta\n",
            "é",
            "é ",
            " é",
            "a\u{3000}",
            "\u{a0}a",
            "~x~",
            "!",
            "a b",
            "学",
            "\u{85}a\u{85}",
            "\u{2028}",
        ];
        for text in texts {
            let expected = text.trim_matches(|c: char| {
                c.is_whitespace() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
            });
            assert_eq!(trim_spaces(text), expected, "{text:?}");
        }
        assert_eq!(trim_spaces(" a"), "a");
        assert_eq!(trim_spaces("a\u{3000}"), "a");
    }

    #[test]
    fn control_characters_found_in_ascii_alike() {
        let full_check = |text: &str| {
            text.chars().find(|&c| {
                (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    || matches!(c, '\u{2028}' | '\u{2029}')
            })
        };
        for byte in 0..=0x7f_u8 {
            let text = format!("a{}b", char::from(byte));
            assert_eq!(find_control(&text), full_check(&text), "byte {byte:#04x}");
        }
        for text in ["é\u{7f}", "学\u{85}", "x\u{2028}", "\u{9f}", "plain é", ""] {
            assert_eq!(find_control(text), full_check(text), "{text:?}");
        }
        assert_eq!(find_control("a\u{7f}"), Some('\u{7f}'));
        assert_eq!(find_control("tab\tok"), None);
    }

    #[test]
    fn utc_instants_read_as_chrono() {
        let texts = [
            "2026-03-07T09:30:05Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2024-02-29T12:00:00Z",
            "2023-02-29T12:00:00Z",
            "2026-03-07T24:00:00Z",
            "2026-03-07T23:60:00Z",
            "2026-03-07T23:59:60Z",
            "2026-03-07t09:30:05z",
            "2026-03-07 09:30:05Z",
            "2026-03-07T09:30:05+08:00",
            "2026-03-07T09:30:05.5Z",
            "2026-3-07T09:30:05Z",
            "2026-03-07T9:30:05Z",
            "2026-03-07T09:30:5Z",
            "2026-03-07T09-30-05Z",
            "2026-03-07T0a:30:05Z",
            "+2026-03-07T09:30:05Z",
            "",
        ];
        for text in texts {
            let expected = DateTime::parse_from_rfc3339(text).ok();
            assert_eq!(parse_instant(text), expected, "{text:?}");
        }
        assert!(utc_seconds_instant("2026-03-07T09:30:05Z").is_some());
        assert!(utc_seconds_instant("2026-03-07T23:59:60Z").is_none());
    }

    /// A small deterministic generator for the differential tests below.
    fn next_random(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn utc_instants_read_as_chrono_when_mutated() {
        // Each byte of a few valid instants is replaced by bytes and
        // characters near the accepted ones, one and two at a time. The
        // hand-written reader must agree with chrono on every text, and
        // on the offset too.
        let bases = [
            "2026-03-07T09:30:05Z",
            "2024-02-29T23:59:59Z",
            "2023-02-28T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2026-12-31T23:59:60Z",
            "2026-03-07T09:30:05+00:00",
        ];
        let pieces = [
            "0", "1", "2", "3", "4", "5", "6", "9", ":", "-", "T", "t", "Z", "z", " ", "+", ".",
            "", "00", "٣", "０", "é", "\u{a0}", "/", "a",
        ];
        let agree = |text: &str| {
            let ours = parse_instant(text).map(|at| (at, at.offset().local_minus_utc()));
            let chrono = DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|at| (at, at.offset().local_minus_utc()));
            assert_eq!(ours, chrono, "{text:?}");
        };
        let replace = |text: &str, index: usize, piece: &str| {
            let mut changed = text.as_bytes()[..index].to_vec();
            changed.extend_from_slice(piece.as_bytes());
            changed.extend_from_slice(&text.as_bytes()[index + 1..]);
            String::from_utf8(changed).unwrap()
        };

        let mut checked = 0;
        for base in bases {
            agree(base);
            for suffix in [" ", "\n", "Z", "0"] {
                agree(&format!("{base}{suffix}"));
                agree(&format!("{suffix}{base}"));
            }
            for index in 0..base.len() {
                for piece in pieces {
                    let once = replace(base, index, piece);
                    agree(&once);
                    checked += 1;
                    if once.len() == base.len() {
                        for second in (0..base.len()).step_by(3) {
                            if second != index {
                                for other in ["0", "9", "6", "3"] {
                                    agree(&replace(&once, second, other));
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }

        // Random digit strings in the shape the fast path reads.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200_000 {
            let mut text = String::from("2026-03-07T09:30:05Z");
            let digits = next_random(&mut state);
            let positions = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
            for (slot, position) in positions.into_iter().enumerate() {
                let digit = char::from(b'0' + ((digits >> (slot * 4)) % 10) as u8);
                text.replace_range(position..=position, digit.encode_utf8(&mut [0; 4]));
            }
            agree(&text);
            checked += 1;
        }
        assert!(checked > 200_000);
    }

    #[test]
    fn trim_and_control_checks_match_full_scan() {
        let alphabet = [
            "a", "Z", "~", "!", " ", "\t", "\n", "\r", "\u{7f}", "\u{1}", "\u{85}", "\u{a0}",
            "\u{2028}", "\u{2029}", "\u{3000}", "\u{feff}", "\u{9f}", "\u{80}", "é", "学",
            "\u{200b}", "\u{1680}",
        ];
        fn full_trim(text: &str) -> &str {
            text.trim_matches(|c: char| {
                c.is_whitespace() && !matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')
            })
        }
        let full_control = |text: &str| {
            text.chars().find(|&c| {
                (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    || matches!(c, '\u{2028}' | '\u{2029}')
            })
        };
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..100_000 {
            let random = next_random(&mut state);
            let length = (random % 6) as usize;
            let mut text = String::new();
            for slot in 0..length {
                let pick = ((random >> (8 + slot * 8)) % alphabet.len() as u64) as usize;
                text.push_str(alphabet[pick]);
            }
            assert_eq!(trim_spaces(&text), full_trim(&text), "{text:?}");
            assert_eq!(find_control(&text), full_control(&text), "{text:?}");
        }
    }

    #[test]
    fn unsigned_text_matches_display() {
        for value in [0, 1, 9, 10, 99, 100, 4_294_967_295, 4_294_967_296, u64::MAX] {
            let mut text = String::from("x");
            value.write_text(&mut text);
            assert_eq!(text, format!("x{value}"));
        }
        let mut text = String::new();
        7_u8.write_text(&mut text);
        65_535_u16.write_text(&mut text);
        assert_eq!(text, "765535");
    }

    #[test]
    fn instant_text_matches_rfc3339() {
        use chrono::TimeZone;
        let instants = [
            Utc.with_ymd_and_hms(2026, 3, 7, 9, 30, 5).unwrap(),
            Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
        ];
        for instant in instants {
            let expected = instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
            assert_eq!(format_instant(&instant), expected);
        }
        assert_eq!(format_instant(&instants[0]), "2026-03-07T09:30:05Z");
    }

    #[test]
    fn list_items_keep_line_separators() {
        let uuid = "10000000-0000-4000-8000-000000000001";
        let spaced = format!(" {uuid}\u{3000};\t{uuid} ");
        assert_eq!(
            Vec::<crate::id::VenueId>::from_text(&spaced).unwrap().len(),
            2
        );
        for separator in ['\u{85}', '\u{2028}', '\u{2029}'] {
            let text = format!("{uuid};{uuid}{separator}");
            let invalid = Vec::<crate::id::VenueId>::from_text(&text).unwrap_err();
            assert_eq!(invalid.code, codes::INVALID_UUID, "{separator:?}");
        }
    }

    #[test]
    fn dates_are_strict() {
        assert!(NaiveDate::from_text("2024-02-29").is_ok());
        assert!(NaiveDate::from_text("2023-02-29").is_err());
        assert!(NaiveDate::from_text("2024-2-9").is_err());
        assert!(NaiveDate::from_text("20240209").is_err());
        assert!(NaiveDate::from_text("2024/02/09").is_err());
        assert!(NaiveDate::from_text("+024-02-09").is_err());
    }

    #[test]
    fn times_accept_minutes_or_seconds() {
        assert_eq!(NaiveTime::from_text("09:30").unwrap().to_text(), "09:30:00");
        assert_eq!(
            NaiveTime::from_text("23:59:59").unwrap().to_text(),
            "23:59:59"
        );
        assert!(NaiveTime::from_text("24:00").is_err());
        assert!(NaiveTime::from_text("9:30").is_err());
        assert!(NaiveTime::from_text("23:59:60").is_err());
        assert!(NaiveTime::from_text("09:30:60").is_err());
    }

    #[test]
    fn instants_need_an_offset() {
        let instant = DateTime::<Utc>::from_text("2026-03-02T09:30:00+08:00").unwrap();
        assert_eq!(instant.to_text(), "2026-03-02T01:30:00Z");
        assert!(DateTime::<Utc>::from_text("2026-03-02T09:30:00").is_err());
        assert!(DateTime::<Utc>::from_text("2026-03-02").is_err());
        // Year 10000 in UTC could not be written back as RFC 3339.
        assert!(DateTime::<Utc>::from_text("9999-12-31T23:59:59-23:59").is_err());
        let last = DateTime::<Utc>::from_text("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(DateTime::<Utc>::from_text(&last.to_text()), Ok(last));
    }

    #[test]
    fn leap_second_only_at_end_of_month() {
        let leap = DateTime::<Utc>::from_text("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(leap.nanosecond(), 1_000_000_000);
        let eastern = DateTime::<Utc>::from_text("2017-01-01T07:59:60+08:00").unwrap();
        assert_eq!(eastern, leap);
        let rejected = [
            "2026-03-02T08:59:60+08:00",
            "2026-03-02T00:59:60Z",
            "2026-03-07T23:59:60Z",
            "2016-12-31T23:58:60Z",
        ];
        for text in rejected {
            let invalid = DateTime::<Utc>::from_text(text).unwrap_err();
            assert_eq!(invalid.code, codes::INVALID_LEAP_SECOND, "{text}");
        }
    }

    #[test]
    fn instant_out_of_range_names_utc() {
        // 23:30 one hour west of Greenwich is 00:30 UTC in year 10000, so
        // the message has to say that the UTC year is the one checked.
        let text = "9999-12-31T23:30:00-01:00";
        let invalid = DateTime::<Utc>::from_text(text).unwrap_err();
        assert_eq!(invalid.code, crate::schedule::codes::DATE_OUT_OF_RANGE);
        let problem = crate::problem::Problem::new(invalid.code, crate::problem::Path::root())
            .with("field", "scanned_at")
            .with("value", text);
        let english = problem.message_in(crate::problem::Locale::En);
        assert!(english.contains("in UTC"), "{english}");
        let chinese = problem.message_in(crate::problem::Locale::ZhCn);
        assert!(chinese.contains("UTC"), "{chinese}");
    }

    #[test]
    fn integers_from_numbers_and_digit_text() {
        assert_eq!(u32::from_json(&json!(12)).unwrap(), 12);
        assert_eq!(u32::from_json(&json!("12")).unwrap(), 12);
        assert_eq!(
            u32::from_json(&json!(-1)).unwrap_err().code,
            codes::OUT_OF_RANGE
        );
        assert_eq!(
            u32::from_json(&json!(1.5)).unwrap_err().code,
            codes::INVALID_INTEGER
        );
        assert_eq!(u8::from_text("300").unwrap_err().code, codes::OUT_OF_RANGE);
        assert_eq!(u32::from_text("1e3").unwrap(), 1000);
        assert_eq!(
            u32::from_text("1.5e0").unwrap_err().code,
            codes::INVALID_INTEGER
        );
        assert_eq!(
            u32::from_text("twelve").unwrap_err().code,
            codes::INVALID_INTEGER
        );
        assert_eq!(
            u32::from_json(&json!(true)).unwrap_err().code,
            codes::INVALID_TYPE
        );
    }

    #[test]
    fn whole_numbers_outside_range_name_it() {
        let cases = [
            (json!(-1), 1, 1000),
            (json!(0), 1, 1000),
            (json!(1001), 1, 1000),
            (json!(1e30), 1, 1000),
            (json!(-2.0), 0, 150),
            (json!("-1"), 1, 1000),
            (json!("1e30"), 1, 1000),
            (json!("99999999999999999999999"), 0, 150),
        ];
        for (value, min, max) in cases {
            let invalid = whole_from_json(&value, min, max).unwrap_err();
            assert_eq!(invalid.code, codes::OUT_OF_RANGE, "{value}");
            assert!(invalid.params.contains(&("min", min.into())), "{value}");
            assert!(invalid.params.contains(&("max", max.into())), "{value}");
        }
    }

    #[test]
    fn whole_numbers_in_any_json_form() {
        assert_eq!(whole_from_json(&json!(2.0), 0, 10).unwrap(), 2);
        assert_eq!(whole_from_json(&json!(1e3), 0, 1000).unwrap(), 1000);
        assert_eq!(whole_from_json(&json!(" 7 "), 0, 10).unwrap(), 7);
        assert_eq!(whole_from_text("0010", 0, 10).unwrap(), 10);
        let fraction = whole_from_json(&json!(2.5), 0, 10).unwrap_err();
        assert_eq!(fraction.code, codes::INVALID_INTEGER);
        // From 2^53 on, a float may be a rounded form of the number written
        // (9007199254740993.0 reads as 2^53), so none is trusted.
        let rounded = whole_from_json(&json!(9_007_199_254_740_994.0), 0, u64::MAX).unwrap_err();
        assert_eq!(rounded.code, codes::INVALID_INTEGER);
        let two_to_53 = whole_from_json(&json!(9_007_199_254_740_992.0), 0, u64::MAX).unwrap_err();
        assert_eq!(two_to_53.code, codes::INVALID_INTEGER);
        let below = whole_from_json(&json!(9_007_199_254_740_991.0), 0, u64::MAX).unwrap();
        assert_eq!(below, 9_007_199_254_740_991);
        let digits = whole_from_text("9007199254740993", 0, u64::MAX).unwrap();
        assert_eq!(digits, 9_007_199_254_740_993);
    }

    #[test]
    fn whole_text_read_exactly() {
        let read = |text: &str| whole_from_text(text, 0, u64::MAX);
        assert_eq!(read("2.50e1").unwrap(), 25);
        assert_eq!(read("-0.0").unwrap(), 0);
        assert_eq!(read("0e999999999999999999999").unwrap(), 0);
        // A float would round this to 2^53, text keeps the last digit.
        assert_eq!(read("9007199254740993.0").unwrap(), 9_007_199_254_740_993);
        assert_eq!(read("1.8446744073709551615e19").unwrap(), u64::MAX);
        // A float would round these fractions to 2 and to 1.
        for fraction in ["2.0000000000000001", "0.99999999999999999", "1e-400"] {
            let invalid = read(fraction).unwrap_err();
            assert_eq!(invalid.code, codes::INVALID_INTEGER, "{fraction}");
        }
        for huge in [
            "1.8446744073709551616e19",
            "1e400",
            "1e99999999999999999999",
        ] {
            let invalid = read(huge).unwrap_err();
            assert_eq!(invalid.code, codes::OUT_OF_RANGE, "{huge}");
        }
        for text in [
            "", "-", ".5", "5.", "1e", "e5", "1e+", "--1", "+1", "0x10", "1_000",
        ] {
            let invalid = read(text).unwrap_err();
            assert_eq!(invalid.code, codes::INVALID_INTEGER, "{text:?}");
        }
    }

    #[test]
    fn credits_too_large_are_out_of_range() {
        let invalid = Credits::from_text("99999999999999999999").unwrap_err();
        assert_eq!(invalid.code, codes::OUT_OF_RANGE);
        assert!(
            invalid
                .params
                .contains(&("max", "92233720368547758.07".into()))
        );
        let invalid = Credits::from_text("1.005").unwrap_err();
        assert_eq!(invalid.code, codes::INVALID_DECIMAL);
    }

    #[test]
    fn credits_reject_json_numbers() {
        assert_eq!(
            Credits::from_json(&json!(2.5)).unwrap_err().code,
            codes::INVALID_TYPE
        );
        assert_eq!(Credits::from_json(&json!("2.5")).unwrap().hundredths(), 250);
    }

    #[test]
    fn lists_split_on_semicolons() {
        let ids: Vec<u32> = Vec::from_text("1; 2;;3").unwrap();
        assert_eq!(ids, vec![1, 2, 3]);
        assert_eq!(ids.to_text(), "1;2;3");
    }

    #[test]
    fn lists_skip_empty_items_alike() {
        let uuid = "10000000-0000-4000-8000-000000000001";
        let from_csv =
            Vec::<crate::id::InstructorId>::from_text(&format!(";{uuid};; \t;")).unwrap();
        let from_json =
            Vec::<crate::id::InstructorId>::from_json(&json!(["", uuid, " \t", "\u{3000}"]))
                .unwrap();
        assert_eq!(from_csv.len(), 1);
        assert_eq!(from_json, from_csv);
        let separator = Vec::<crate::id::InstructorId>::from_json(&json!([uuid, "\u{2028}"]));
        assert_eq!(separator.unwrap_err().code, codes::INVALID_UUID);
        let null = Vec::<crate::id::InstructorId>::from_json(&json!([uuid, null]));
        assert_eq!(null.unwrap_err().code, codes::INVALID_TYPE);
    }

    #[test]
    fn time_zones_by_iana_name() {
        assert_eq!(
            Tz::from_text("Asia/Shanghai").unwrap(),
            chrono_tz::Asia::Shanghai
        );
        assert_eq!(
            Tz::from_text("CST").unwrap_err().code,
            codes::INVALID_TIME_ZONE
        );
    }
}
