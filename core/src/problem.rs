//! Problems: the one contract for everything that can be wrong with an input.
//!
//! A [`Problem`] is data: a stable snake_case [`Code`] from the catalogue, a
//! [`Path`] to the offending field, a default English message, and `params`
//! with the values needed to explain or translate it. Validation returns every
//! problem it finds, never only the first.
//!
//! The catalogue of codes is public API. Every module that can report problems
//! declares its codes with [`define_codes!`](crate::define_codes), and
//! [`catalogue`] lists them all, each with an English and a Simplified Chinese
//! message template. A template names its parameters in braces (`{field}`),
//! and [`Problem::message_in`] fills them in.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A stable problem code from the catalogue, such as `invalid_date`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Code(&'static str);

impl Code {
    /// Makes a code. Only [`define_codes!`](crate::define_codes) should call
    /// this, so that every code has catalogue entry.
    #[doc(hidden)]
    pub const fn new_unchecked(code: &'static str) -> Self {
        Self(code)
    }

    /// The code as text.
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The catalogue entry of this code.
    pub fn info(self) -> Option<&'static CodeInfo> {
        lookup(self.0)
    }

    /// Finds the code written as `text` in the catalogue.
    pub fn parse(text: &str) -> Option<Self> {
        lookup(text).map(|info| info.code)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        Code::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown problem code \"{text}\"; see docs/error-codes.md for the catalogue"
            ))
        })
    }
}

/// One entry of the problem-code catalogue.
#[derive(Debug)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// What the code means, for the catalogue documentation.
    pub summary: &'static str,
    /// The English message template.
    pub en: &'static str,
    /// The Simplified Chinese message template.
    pub zh: &'static str,
}

/// Declares problem codes with their messages, as constants of type
/// [`Code`] plus a `CODES` slice for the catalogue.
///
/// ```ignore
/// define_codes! {
///     /// A date that is not a calendar date.
///     INVALID_DATE = "invalid_date",
///         en: "{field} must be a date written YYYY-MM-DD, got \"{value}\"",
///         zh: "{field} 应为 YYYY-MM-DD 格式的日期，实际为“{value}”";
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! define_codes {
    ($( #[doc = $summary:literal] $name:ident = $code:literal, en: $en:literal, zh: $zh:literal; )*) => {
        $(
            #[doc = $summary]
            pub const $name: $crate::problem::Code = $crate::problem::Code::new_unchecked($code);
        )*

        /// The catalogue entries declared in this module.
        pub static CODES: &[$crate::problem::CodeInfo] = &[
            $( $crate::problem::CodeInfo { code: $name, summary: $summary.trim_ascii(), en: $en, zh: $zh }, )*
        ];
    };
}

/// Every code of the catalogue.
pub fn catalogue() -> impl Iterator<Item = &'static CodeInfo> {
    crate::codes::ALL.iter().flat_map(|(_, codes)| codes.iter())
}

/// The catalogue in groups, each with the name of the area whose problems it
/// holds, in the order they are documented.
pub fn catalogue_groups() -> impl Iterator<Item = (&'static str, &'static [CodeInfo])> {
    crate::codes::ALL.iter().copied()
}

/// Finds the catalogue entry of `text` by a linear scan.
///
/// On WebAssembly the scan reads the catalogue through `black_box`, because
/// at opt-level 3 the optimizer otherwise unrolls it into one inlined string
/// comparison per code. Unrolled, it took 59 KB of code (8 KB gzipped) in
/// the main module of the npm package. Native builds keep the unrolled
/// scan, which found a code about six times faster in a micro-benchmark.
fn lookup(text: &str) -> Option<&'static CodeInfo> {
    #[cfg(target_family = "wasm")]
    let groups = std::hint::black_box(crate::codes::ALL);
    #[cfg(not(target_family = "wasm"))]
    let groups = crate::codes::ALL;
    groups
        .iter()
        .flat_map(|(_, codes)| codes.iter())
        .find(|info| info.code.0 == text)
}

/// The language of problem messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// English, the default.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    /// Parses a locale tag: `en` (or any `en-*`) and `zh-CN` (also `zh`,
    /// `zh-Hans`, `zh-Hans-CN`).
    pub fn parse(tag: &str) -> Option<Self> {
        let lower = tag.trim().to_ascii_lowercase();
        match lower.as_str() {
            "en" => Some(Self::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Some(Self::ZhCn),
            _ if lower.starts_with("en-") => Some(Self::En),
            _ => None,
        }
    }
}

/// One step of a [`Path`]: a field name or a position in a list.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PathSegment {
    /// A field name, or a file name in a bundle.
    Key(Cow<'static, str>),
    /// A zero-based index in a JSON list, or a one-based line number in a CSV
    /// file.
    Index(u64),
}

impl From<&'static str> for PathSegment {
    fn from(key: &'static str) -> Self {
        Self::Key(Cow::Borrowed(key))
    }
}

impl From<String> for PathSegment {
    fn from(key: String) -> Self {
        Self::Key(Cow::Owned(key))
    }
}

impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        Self::Index(index as u64)
    }
}

impl From<u64> for PathSegment {
    fn from(index: u64) -> Self {
        Self::Index(index)
    }
}

/// The location of a problem: the keys and indexes leading to the field,
/// written in JSON as a list such as `["sessions", 3, "start_time"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Path(pub Vec<PathSegment>);

impl Path {
    /// The empty path, which points at the whole input.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by one segment.
    pub fn join(&self, segment: impl Into<PathSegment>) -> Self {
        let mut segments = Vec::with_capacity(self.0.len() + 1);
        segments.extend_from_slice(&self.0);
        segments.push(segment.into());
        Self(segments)
    }

    /// The segments of the path.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(input)");
        }
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if position == 0 => f.write_str(key)?,
                PathSegment::Key(key) => write!(f, ".{key}")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// Builds a [`Path`] from segments: `path!["sessions", 3, "start_time"]`.
#[macro_export]
macro_rules! path {
    ($($segment:expr),* $(,)?) => {
        $crate::problem::Path(vec![$($crate::problem::PathSegment::from($segment)),*])
    };
}

/// The values a message refers to, by parameter name.
pub type Params = BTreeMap<String, Value>;

/// One thing wrong with an input.
///
/// # Example
///
/// ```
/// use xuetong::problem::{Locale, Problem, codes};
/// use xuetong::path;
///
/// let problem = Problem::new(codes::REQUIRED, path!["learner", "display_name"])
///     .with("field", "display_name");
/// assert_eq!(problem.code.as_str(), "required");
/// assert_eq!(problem.message, "display_name is required");
/// assert_eq!(problem.message_in(Locale::ZhCn), "缺少必填字段 display_name");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// The stable code.
    pub code: Code,
    /// Where the problem is.
    pub path: Path,
    /// The message in the locale the problem was rendered for (English unless
    /// [`Problem::localize`] changed it).
    pub message: String,
    /// The values the message refers to.
    #[serde(default)]
    pub params: Params,
}

impl Problem {
    /// Makes a problem with no parameters yet; add them with [`Problem::with`].
    pub fn new(code: Code, path: Path) -> Self {
        let mut problem = Self {
            code,
            path,
            message: String::new(),
            params: Params::new(),
        };
        problem.message = problem.message_in(Locale::En);
        problem
    }

    /// Adds a parameter and re-renders the English message.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.params.insert(name.to_owned(), value.into());
        self.message = self.message_in(Locale::En);
        self
    }

    /// Renders the message of this problem in `locale`.
    pub fn message_in(&self, locale: Locale) -> String {
        let Some(info) = self.code.info() else {
            return self.code.as_str().to_owned();
        };
        let (en, zh) = self.narrower_templates().unwrap_or((info.en, info.zh));
        let (template, expected_in_chinese) = match locale {
            Locale::En => (en, false),
            Locale::ZhCn => (zh, self.code == codes::INVALID_TYPE),
        };
        // The `field` of `duplicate_entry` names a kind of item in English
        // words, not a field path, so the Chinese message translates it.
        if matches!(locale, Locale::ZhCn)
            && self.code == crate::club::codes::DUPLICATE_ENTRY
            && let Some(item) = self.params.get("field").and_then(Value::as_str)
            && let Some(chinese) = duplicate_item_in_chinese(item)
        {
            let mut params = self.params.clone();
            params.insert("field".to_owned(), Value::from(chinese));
            return render(template, &params, expected_in_chinese);
        }
        render(template, &self.params, expected_in_chinese)
    }

    /// Returns the English and Chinese templates of a message narrower than
    /// the code's own, for parameters that the catalogue message describes
    /// badly, or `None`. The code stays the same, so callers that match on
    /// codes see no change.
    fn narrower_templates(&self) -> Option<(&'static str, &'static str)> {
        let param = |name: &str| self.params.get(name);
        if self.code == codes::INVALID_DATE
            && param("value")
                .and_then(Value::as_str)
                .is_some_and(names_no_day)
        {
            return Some(NO_SUCH_DAY);
        }
        if self.code == crate::bundle::codes::UNCLOSED_QUOTE
            && param("quote_line").is_some()
            && param("quote_line") == param("last_line")
        {
            return Some(ONE_LINE_CELL);
        }
        None
    }

    /// Replaces the message with the one for `locale`.
    pub fn localize(&mut self, locale: Locale) {
        self.message = self.message_in(locale);
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.path, self.message, self.code)
    }
}

/// The `invalid_date` message for text written `YYYY-MM-DD` that names no
/// calendar day, such as 2026-02-29 or 2026-13-01.
const NO_SUCH_DAY: (&str, &str) = (
    "{field} must be a calendar date, but \"{value}\" names a day that does not exist; check the month and day",
    "{field} 应为日历上存在的日期，但“{value}”这一天不存在；请检查月份和日期",
);

/// The `unclosed_quote` message when the unclosed cell starts on the last
/// line of the file.
const ONE_LINE_CELL: (&str, &str) = (
    "{file} line {line}: the quote opened on line {quote_line} is never closed, so the rest of line {quote_line} was read as one cell; add the closing quote",
    "{file} 第 {line} 行：第 {quote_line} 行开始的引号没有闭合，该行其余部分被读成了一个单元格；请补上闭合的引号",
);

/// Returns whether `text` has the shape `YYYY-MM-DD` (ten characters, ASCII
/// digits apart from the two hyphens) but names no calendar day. It returns
/// `false` for every day that exists, whatever problem the text came with.
fn names_no_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, &byte)| match index {
            4 | 7 => byte == b'-',
            _ => byte.is_ascii_digit(),
        })
        && crate::field::parse_date(text).is_none()
}

/// How many characters of a parameter a message shows. A longer value, such
/// as a document pasted into a name field, is cut there and marked so that
/// the message stays readable. `params` keep the whole value.
const SHOWN_CHARS: usize = 200;

/// Fills `{name}` placeholders of `template` from `params`; a placeholder
/// without a parameter is kept as written. With `expected_in_chinese` set,
/// the `expected` parameter is shown in Chinese when it is one of the
/// descriptions [`expected_in_chinese`] lists, and the `value` parameter when
/// it is one of the kinds [`value_kind_in_chinese`] lists. Any other `value`
/// gets a space before it.
fn render(template: &str, params: &Params, expected_in_chinese: bool) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.get(name) {
                    Some(value) => {
                        let text = match value {
                            Value::String(text) => Cow::Borrowed(text.as_str()),
                            other => Cow::Owned(other.to_string()),
                        };
                        let translated = match name {
                            "expected" if expected_in_chinese => self::expected_in_chinese(&text),
                            "value" if expected_in_chinese => {
                                let kind = value_kind_in_chinese(&text);
                                if kind.is_none() {
                                    out.push(' ');
                                }
                                kind
                            }
                            _ => None,
                        };
                        push_shown(&mut out, translated.unwrap_or(&text));
                    }
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The maximum number of characters a cut moves past to keep the character
/// before them whole. Unicode's stream-safe text format (UAX #15) allows
/// at most 30 combining marks in a row, and emoji sequences are about ten
/// characters long, so only a value built to defeat the cut is cut inside a
/// run.
const MAX_ATTACHED_CHARS: usize = 30;

/// Appends `text`, cut after [`SHOWN_CHARS`] characters with a note of how
/// many more there were. Characters that attach to the one before them
/// ([`attaches_to_previous`]) stay with it, up to [`MAX_ATTACHED_CHARS`],
/// so a letter keeps its combining accents and an emoji sequence stays
/// whole.
fn push_shown(out: &mut String, text: &str) {
    let Some((mut cut, _)) = text.char_indices().nth(SHOWN_CHARS) else {
        out.push_str(text);
        return;
    };
    let mut previous = text[..cut].chars().next_back();
    for next in text[cut..].chars().take(MAX_ATTACHED_CHARS) {
        if !attaches_to_previous(next) && previous != Some(ZERO_WIDTH_JOINER) {
            break;
        }
        cut += next.len_utf8();
        previous = Some(next);
    }
    out.push_str(&text[..cut]);
    let more = text[cut..].chars().count();
    if more > 0 {
        out.push_str("…(+");
        out.push_str(&more.to_string());
        out.push(')');
    }
}

/// The character that joins the characters on either side into one emoji,
/// such as a family or a profession.
const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Returns whether `c` is shown as part of the character before it: a combining
/// diacritical mark, a variation selector, an emoji skin-tone modifier, an
/// emoji tag or the zero-width joiner.
///
/// NOTE: the marks of scripts with their own blocks, such as Devanagari
/// vowel signs, and the second flag letter of a country flag are not
/// listed, so a cut can still separate them from the character before.
fn attaches_to_previous(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FE20}'..='\u{FE2F}'
            | ZERO_WIDTH_JOINER
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{E0020}'..='\u{E007F}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// The Chinese for the `expected` descriptions of `invalid_type`, which the
/// readers write in English. A description not listed is shown as it is.
/// A Latin word that follows the Chinese of the template gets a space.
const EXPECTED_IN_CHINESE: &[(&str, &str)] = &[
    ("text", "文本"),
    ("true or false", " true 或 false"),
    ("a whole number", "整数"),
    ("a number", "数字"),
    ("a finite number", "有限数字"),
    ("a list", "列表"),
    ("an object", "对象"),
    ("a UUID", " UUID"),
    ("a date written YYYY-MM-DD", " YYYY-MM-DD 格式的日期"),
    (
        "a date written YYYY-MM-DD, or a year",
        " YYYY-MM-DD 格式的日期或年份",
    ),
    ("a time written HH:MM", " HH:MM 格式的时刻"),
    ("a date and time with a UTC offset", "带时区偏移的日期时间"),
    ("an IANA time-zone name", " IANA 时区名称"),
    (
        "a decimal number written as text, such as \"2.50\"",
        "以文本书写的小数（例如 \"2.50\"）",
    ),
    (
        "a percentage written as text, such as \"80\"",
        "以文本书写的百分数（例如 \"80\"）",
    ),
    (
        "text without unpaired UTF-16 surrogates",
        "不含未配对 UTF-16 代理项的文本",
    ),
    // Only operations of the `full-api` feature use these, so the
    // WebAssembly main module, built without it, leaves them out.
    #[cfg(feature = "full-api")]
    ("a calendar id such as \"cn\"", "日历标识（例如 \"cn\"）"),
    #[cfg(feature = "full-api")]
    ("a year such as 2026", "年份（例如 2026）"),
    #[cfg(feature = "full-api")]
    ("the file's text", "文件的文本"),
    #[cfg(feature = "full-api")]
    (
        "an object from file name to the file's text",
        "从文件名到文件文本的对象",
    ),
    #[cfg(feature = "full-api")]
    (
        "the name of a built-in rule set (text) or a rule set document (an object)",
        "内置规则集的名称（文本）或规则集文档（对象）",
    ),
    // The column types of the Python package's Arrow tables.
    #[cfg(feature = "full-api")]
    ("a list of UUIDs", " UUID 列表"),
    #[cfg(feature = "full-api")]
    ("a list of texts", "文本列表"),
    #[cfg(feature = "full-api")]
    ("a date or a year", "日期或年份"),
    #[cfg(feature = "full-api")]
    ("a date", "日期"),
    #[cfg(feature = "full-api")]
    ("a time of day", "时刻"),
    #[cfg(feature = "full-api")]
    ("a date and time with a time zone", "带时区的日期时间"),
    #[cfg(feature = "full-api")]
    ("a decimal number (never a float)", "小数（不可为浮点数）"),
    #[cfg(feature = "full-api")]
    (
        "columns that convert to the table schema",
        "可转换为表结构的列",
    ),
    #[cfg(feature = "full-api")]
    ("the instants of a pickled session", "序列化课次的时刻"),
];

/// Looks up the Chinese of an `expected` description in
/// [`EXPECTED_IN_CHINESE`].
fn expected_in_chinese(english: &str) -> Option<&'static str> {
    EXPECTED_IN_CHINESE
        .iter()
        .find(|(listed, _)| *listed == english)
        .map(|(_, chinese)| *chinese)
}

/// Looks up the Chinese of the kinds of item that `duplicate_entry` names
/// in its `field` parameter.
fn duplicate_item_in_chinese(english: &str) -> Option<&'static str> {
    let chinese = match english {
        "session" => "课次",
        "outcome" => "学习成果",
        "travel time" => "路程时间",
        "make-up working day" => "调休上班日",
        _ => return None,
    };
    Some(chinese)
}

/// Looks up the Chinese of a JSON value's kind, as
/// [`crate::record::json_kind`] names it for the `value` of `invalid_type`.
fn value_kind_in_chinese(english: &str) -> Option<&'static str> {
    let chinese = match english {
        "null" => " null",
        "a boolean" => "布尔值",
        "a number" => "数字",
        "text" => "文本",
        "a list" => "列表",
        "an object" => "对象",
        _ => return None,
    };
    Some(chinese)
}

/// A list of problems, returned when an input is invalid.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// An empty list.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Appends a problem.
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The problems in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Problem> {
        self.0.iter()
    }

    /// Renders every message in `locale`.
    pub fn localize(&mut self, locale: Locale) {
        for problem in &mut self.0 {
            problem.localize(locale);
        }
    }

    /// `Ok(value)` when no problem was found, otherwise these problems.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, problem) in self.0.iter().enumerate() {
            if position > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl IntoIterator for Problems {
    type Item = Problem;
    type IntoIter = std::vec::IntoIter<Problem>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Self {
        Self(vec![problem])
    }
}

impl Extend<Problem> for Problems {
    fn extend<I: IntoIterator<Item = Problem>>(&mut self, iter: I) {
        self.0.extend(iter);
    }
}

/// Codes shared by every input: missing, unknown and malformed fields.
pub mod codes {
    crate::define_codes! {
        /// A required field is missing or empty.
        REQUIRED = "required",
            en: "{field} is required",
            zh: "缺少必填字段 {field}";
        /// A field that the record does not have.
        UNKNOWN_FIELD = "unknown_field",
            en: "unknown field {field}; remove it or check its spelling against the documented fields",
            zh: "未知字段 {field}；请删除或对照文档检查拼写";
        /// A JSON value of the wrong type, such as a number where text is expected.
        // `expected` and `value` are English; the Chinese message translates
        // the descriptions that `expected_in_chinese` and
        // `value_kind_in_chinese` list.
        INVALID_TYPE = "invalid_type",
            en: "{field} must be {expected}, got {value}",
            zh: "{field} 应为{expected}，实际为{value}";
        /// Text that is not a UUID.
        INVALID_UUID = "invalid_uuid",
            en: "{field} must be a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e, got \"{value}\"",
            zh: "{field} 应为 UUID（例如 0f8fad5b-d9cb-469f-a165-70867728950e），实际为“{value}”";
        /// Text that is not a calendar date written YYYY-MM-DD.
        INVALID_DATE = "invalid_date",
            en: "{field} must be a calendar date written YYYY-MM-DD, got \"{value}\"",
            zh: "{field} 应为 YYYY-MM-DD 格式的日期，实际为“{value}”";
        /// Text that is not a time of day written HH:MM or HH:MM:SS.
        INVALID_TIME = "invalid_time",
            en: "{field} must be a time of day written HH:MM or HH:MM:SS, got \"{value}\"",
            zh: "{field} 应为 HH:MM 或 HH:MM:SS 格式的时刻，实际为“{value}”";
        /// Text that is not an RFC 3339 instant with a UTC offset.
        INVALID_INSTANT = "invalid_instant",
            en: "{field} must be a date and time with a UTC offset, such as 2026-03-02T09:30:00+08:00, got \"{value}\"",
            zh: "{field} 应为带时区偏移的日期时间（例如 2026-03-02T09:30:00+08:00），实际为“{value}”";
        /// A second of 60 anywhere but at 23:59:60 UTC on the last day of a month.
        INVALID_LEAP_SECOND = "invalid_leap_second",
            en: "{field} has a second of 60, which is a leap second only at 23:59:60 UTC on the last day of a month, got \"{value}\"; write the second as 59",
            zh: "{field} 的秒数为 60，但闰秒只在某月最后一天的 UTC 23:59:60 出现，实际为“{value}”；请将秒数写为 59";
        /// A time-zone name that is not in the IANA time-zone database.
        INVALID_TIME_ZONE = "invalid_time_zone",
            en: "{field} must be an IANA time-zone name such as Asia/Shanghai, got \"{value}\"",
            zh: "{field} 应为 IANA 时区名（例如 Asia/Shanghai），实际为“{value}”";
        /// Text that is not a whole number.
        INVALID_INTEGER = "invalid_integer",
            en: "{field} must be a whole number, got \"{value}\"",
            zh: "{field} 应为整数，实际为“{value}”";
        /// A number outside the allowed range.
        OUT_OF_RANGE = "out_of_range",
            en: "{field} must be between {min} and {max}, got {value}",
            zh: "{field} 应在 {min} 与 {max} 之间，实际为 {value}";
        /// Text that is not a decimal number with at most the allowed decimals.
        INVALID_DECIMAL = "invalid_decimal",
            en: "{field} must be a decimal number with at most {decimals} decimals written as text, such as \"2.50\", got \"{value}\"",
            zh: "{field} 应为最多 {decimals} 位小数的十进制数文本（例如“2.50”），实际为“{value}”";
        /// Text that is not true or false.
        INVALID_BOOLEAN = "invalid_boolean",
            en: "{field} must be true or false, got \"{value}\"",
            zh: "{field} 应为 true 或 false，实际为“{value}”";
        /// A value that is not one of the allowed choices.
        INVALID_CHOICE = "invalid_choice",
            en: "{field} must be one of {allowed}, got \"{value}\"",
            zh: "{field} 应为以下之一：{allowed}，实际为“{value}”";
        /// Text longer than the allowed length.
        TOO_LONG = "too_long",
            en: "{field} must be at most {max} characters long, got {length}",
            zh: "{field} 最多 {max} 个字符，实际为 {length} 个";
        /// Text with a control character other than tab, line feed or carriage return, or U+2028 or U+2029.
        CONTROL_CHARACTER = "control_character",
            en: "{field} contains the control character {codepoint}; remove it",
            zh: "{field} 含控制字符 {codepoint}，请删除";
        /// Latitude or longitude outside the globe.
        INVALID_COORDINATE = "invalid_coordinate",
            en: "{field} must be a number between {min} and {max}, got \"{value}\"",
            zh: "{field} 应为 {min} 到 {max} 之间的数，实际为“{value}”";
        /// Only one of a latitude and longitude pair is given.
        INCOMPLETE_LOCATION = "incomplete_location",
            en: "give both latitude and longitude, or neither",
            zh: "纬度和经度须同时填写或同时留空";
        /// A field that holds personal data, which xuetong does not store.
        PERSONAL_DATA_FIELD = "personal_data_field",
            en: "{field} holds personal data, which xuetong does not store or export; remove it",
            zh: "{field} 含个人隐私数据，xuetong 不存储也不导出，请删除该字段";
        /// A document whose `format` field names another document type or version.
        UNSUPPORTED_FORMAT = "unsupported_format",
            en: "format must be \"{expected}\", got \"{value}\"",
            zh: "format 应为“{expected}”，实际为“{value}”";
        /// Text that is not valid JSON: a request, or a file such as `rules.json`. A request that repeats a key in one object is reported at that key.
        MALFORMED_JSON = "malformed_json",
            en: "the text is not valid JSON: {detail}",
            zh: "文本不是合法的 JSON：{detail}";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_entry_item_in_chinese() {
        let cases = [
            ("session", "课次 s1 重复出现；每项只能出现一次"),
            ("outcome", "学习成果 s1 重复出现；每项只能出现一次"),
            ("travel time", "路程时间 s1 重复出现；每项只能出现一次"),
            (
                "make-up working day",
                "调休上班日 s1 重复出现；每项只能出现一次",
            ),
        ];
        for (item, chinese) in cases {
            let problem = Problem::new(crate::club::codes::DUPLICATE_ENTRY, Path::root())
                .with("field", item)
                .with("value", "s1");
            assert_eq!(problem.message_in(Locale::ZhCn), chinese);
            // The parameter keeps the English item for programs.
            assert_eq!(problem.params["field"], Value::from(item));
        }
    }

    #[test]
    fn render_fills_known_and_keeps_unknown() {
        let mut params = Params::new();
        params.insert("field".into(), Value::from("age"));
        params.insert("max".into(), Value::from(120));
        assert_eq!(
            render("{field} at most {max} {nope}", &params, false),
            "age at most 120 {nope}"
        );
        assert_eq!(render("unclosed {field", &params, false), "unclosed {field");
    }

    #[test]
    fn chinese_invalid_type_translates_every_field_description() {
        use crate::field::FieldValue;
        let described = [
            String::EXPECTED,
            bool::EXPECTED,
            u32::EXPECTED,
            f64::EXPECTED,
            chrono::NaiveDate::EXPECTED,
            chrono::NaiveTime::EXPECTED,
            <chrono::DateTime<chrono::Utc>>::EXPECTED,
            chrono_tz::Tz::EXPECTED,
            crate::decimal::Credits::EXPECTED,
            crate::decimal::Percent::EXPECTED,
            <Vec<String>>::EXPECTED,
            crate::id::LearnerId::EXPECTED,
            crate::model::BirthDate::EXPECTED,
            crate::schedule::SeriesId::EXPECTED,
        ];
        for expected in described {
            let problem = Problem::new(codes::INVALID_TYPE, path!["x"])
                .with("field", "x")
                .with("expected", expected)
                .with("value", "y");
            let message = problem.message_in(Locale::ZhCn);
            assert!(
                !message.contains(expected),
                "{expected:?} is shown untranslated in {message:?}"
            );
        }
    }

    #[test]
    fn chinese_invalid_type_reads_as_chinese() {
        let problem = Problem::new(codes::INVALID_TYPE, path!["capacity"])
            .with("field", "capacity")
            .with("expected", "a whole number")
            .with("value", "a list");
        assert_eq!(
            problem.message,
            "capacity must be a whole number, got a list"
        );
        assert_eq!(
            problem.message_in(Locale::ZhCn),
            "capacity 应为整数，实际为列表"
        );
        let unlisted = problem.with("expected", "a shape");
        assert_eq!(
            unlisted.message_in(Locale::ZhCn),
            "capacity 应为a shape，实际为列表"
        );
        // A value that is not a JSON kind is shown as it is, after a space.
        let unlisted_value = unlisted.with("value", "NaN");
        assert_eq!(
            unlisted_value.message_in(Locale::ZhCn),
            "capacity 应为a shape，实际为 NaN"
        );
        let null = unlisted_value.with("value", "null");
        assert_eq!(
            null.message_in(Locale::ZhCn),
            "capacity 应为a shape，实际为 null"
        );
        // Only `invalid_type` translates its `expected`.
        let format = Problem::new(codes::UNSUPPORTED_FORMAT, Path::root())
            .with("expected", "text")
            .with("value", "x");
        assert_eq!(
            format.message_in(Locale::ZhCn),
            "format 应为“text”，实际为“x”"
        );
    }

    #[test]
    fn long_values_are_cut_in_messages_only() {
        // 205 characters, four of them outside ASCII: the cut counts
        // characters, never bytes.
        let value = format!("{}{}", "名".repeat(4), "a".repeat(201));
        let problem = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", value.as_str());
        let cut = format!("{}{}…(+5)", "名".repeat(4), "a".repeat(196));
        assert_eq!(
            problem.message,
            format!("date must be a calendar date written YYYY-MM-DD, got \"{cut}\"")
        );
        assert_eq!(problem.params["value"], Value::from(value.as_str()));
        let exact = "b".repeat(SHOWN_CHARS);
        let whole = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", exact.as_str());
        assert!(whole.message.ends_with(&format!("\"{exact}\"")));
    }

    #[test]
    fn cut_starts_one_past_limit() {
        let over = "c".repeat(SHOWN_CHARS + 1);
        let problem = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", over.as_str());

        let cut = format!("{}…(+1)", "c".repeat(SHOWN_CHARS));
        assert!(
            problem.message.ends_with(&format!("\"{cut}\"")),
            "{}",
            problem.message
        );
    }

    #[test]
    fn cut_keeps_accent_with_letter() {
        // "e" followed by a combining acute accent, as the 200th and 201st
        // characters: the accent stays with its letter.
        let value = format!("{}e\u{301}xyz", "a".repeat(SHOWN_CHARS - 1));
        let problem = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", value.as_str());

        let cut = format!("{}e\u{301}…(+3)", "a".repeat(SHOWN_CHARS - 1));
        assert!(
            problem.message.ends_with(&format!("\"{cut}\"")),
            "{}",
            problem.message
        );
    }

    #[test]
    fn cut_keeps_emoji_sequence_whole() {
        // Woman, skin tone, joiner, laptop: a woman technologist, four
        // characters from the 200th on. The sequence stays whole.
        let emoji = "\u{1F469}\u{1F3FD}\u{200D}\u{1F4BB}";
        let value = format!("{}{emoji}ab", "a".repeat(SHOWN_CHARS - 1));
        let problem = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", value.as_str());

        let cut = format!("{}{emoji}…(+2)", "a".repeat(SHOWN_CHARS - 1));
        assert!(
            problem.message.ends_with(&format!("\"{cut}\"")),
            "{}",
            problem.message
        );
    }

    #[test]
    fn cut_stops_in_long_attached_runs() {
        // Ten thousand accents on one letter, and a chain of letters joined
        // by zero-width joiners: each run is cut after the longest run that
        // a cut keeps whole.
        let accents = "\u{301}".repeat(10_000);
        let joined = "\u{200D}x".repeat(5_000);
        for (run, kept) in [
            (accents.as_str(), "\u{301}".repeat(MAX_ATTACHED_CHARS)),
            (joined.as_str(), "\u{200D}x".repeat(MAX_ATTACHED_CHARS / 2)),
        ] {
            let value = format!("{}e{run}", "a".repeat(SHOWN_CHARS - 1));
            let problem = Problem::new(codes::INVALID_DATE, path!["date"])
                .with("field", "date")
                .with("value", value.as_str());

            let more = 10_000 - MAX_ATTACHED_CHARS;
            let cut = format!("{}e{kept}…(+{more})", "a".repeat(SHOWN_CHARS - 1));
            assert!(
                problem.message.ends_with(&format!("\"{cut}\"")),
                "{}",
                problem.message
            );
        }
    }

    #[test]
    fn cut_to_end_shows_no_count() {
        // Only an accent is past the limit: the whole value is shown.
        let value = format!("{}e\u{301}", "a".repeat(SHOWN_CHARS - 1));
        let problem = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", value.as_str());

        assert!(
            problem.message.ends_with(&format!("\"{value}\"")),
            "{}",
            problem.message
        );
    }

    #[test]
    fn json_params_are_cut_as_text() {
        // A list of 150 ones is 301 characters of JSON: `[`, 150 digits,
        // 149 commas and `]`.
        let list = Value::Array(vec![Value::from(1); 150]);
        let problem = Problem::new(codes::OUT_OF_RANGE, path!["minutes"])
            .with("field", "minutes")
            .with("value", list.clone())
            .with("min", 0)
            .with("max", u64::MAX);

        let cut = format!("[{}1…(+101)", "1,".repeat(99));
        assert_eq!(
            problem.message,
            format!("minutes must be between 0 and 18446744073709551615, got {cut}")
        );
        assert_eq!(problem.params["value"], list);
    }

    #[test]
    fn date_with_no_such_day() {
        let problem = Problem::new(codes::INVALID_DATE, path!["date"])
            .with("field", "date")
            .with("value", "2026-02-29");
        assert_eq!(problem.code, codes::INVALID_DATE);
        assert_eq!(
            problem.message,
            "date must be a calendar date, but \"2026-02-29\" names a day that does not exist; check the month and day"
        );
        assert_eq!(
            problem.message_in(Locale::ZhCn),
            "date 应为日历上存在的日期，但“2026-02-29”这一天不存在；请检查月份和日期"
        );
    }

    #[test]
    fn other_dates_keep_the_format_message() {
        // 2026-02-28 exists, so the message must not say that it does not.
        for value in [
            "2026-2-28",
            "2026/02/28",
            "2026-02-2x",
            "二〇二六-02-28",
            "2026-02-28",
        ] {
            let problem = Problem::new(codes::INVALID_DATE, path!["date"])
                .with("field", "date")
                .with("value", value);
            assert_eq!(
                problem.message,
                format!("date must be a calendar date written YYYY-MM-DD, got \"{value}\""),
            );
            assert_eq!(
                problem.message_in(Locale::ZhCn),
                format!("date 应为 YYYY-MM-DD 格式的日期，实际为“{value}”"),
            );
        }
    }

    #[test]
    fn unclosed_quote_line_span() {
        let quote = |quote_line: u64, last_line: u64| {
            Problem::new(crate::bundle::codes::UNCLOSED_QUOTE, Path::root())
                .with("file", "learners.csv")
                .with("line", quote_line)
                .with("quote_line", quote_line)
                .with("last_line", last_line)
        };
        let one = quote(8, 8);
        assert_eq!(
            one.message,
            "learners.csv line 8: the quote opened on line 8 is never closed, so the rest of line 8 was read as one cell; add the closing quote"
        );
        assert_eq!(
            one.message_in(Locale::ZhCn),
            "learners.csv 第 8 行：第 8 行开始的引号没有闭合，该行其余部分被读成了一个单元格；请补上闭合的引号"
        );
        let several = quote(6, 8);
        assert!(
            several
                .message
                .contains("so lines 6 to 8 were read as one cell"),
            "{}",
            several.message
        );
    }

    #[test]
    fn problem_json_round_trip() {
        let problem = Problem::new(codes::INVALID_DATE, path!["sessions", 2usize, "date"])
            .with("field", "date")
            .with("value", "2026-02-30");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["path"], serde_json::json!(["sessions", 2, "date"]));
        assert_eq!(json["code"], "invalid_date");
        let back: Problem = serde_json::from_value(json).unwrap();
        assert_eq!(back, problem);
    }

    #[test]
    fn unknown_code_is_rejected_on_input() {
        let json = serde_json::json!({"code": "no_such_code", "path": [], "message": ""});
        assert!(serde_json::from_value::<Problem>(json).is_err());
    }

    #[test]
    fn path_displays_like_an_accessor() {
        let path = path!["sessions", 3usize, "start_time"];
        assert_eq!(path.to_string(), "sessions[3].start_time");
    }

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::parse("zh-Hans-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse("en-GB"), Some(Locale::En));
        assert_eq!(Locale::parse("fr"), None);
    }
}
