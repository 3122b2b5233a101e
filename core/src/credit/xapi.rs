//! xAPI 1.0.3 statements for the learning trail.
//!
//! A small, neutral [`LearningEvent`] type (attended a session, completed a
//! course, joined or left a club, earned credits, lost credits to a
//! revocation) is what other modules map onto; [`statement`] turns one event
//! into a statement:
//!
//! - the actor is an `account` agent: the platform's home page and the
//!   learner's opaque UUID, never a phone number, e-mail or name;
//! - the statement id is a UUID version 5 over the platform and the event,
//!   so exporting the same event twice gives the same statement, which a
//!   learning record store accepts once;
//! - timestamps carry the UTC offset of the platform's time zone in whole
//!   minutes (in UTC when the offset has seconds), leap seconds written as
//!   the second before, and years from 0000 to 9999 only;
//! - no property is ever `null`: absent values are left out, and so is the
//!   statement's `version`, which record providers should not set;
//! - verbs come from the ADL vocabulary (`attended`, `completed`, `voided`),
//!   Activity Streams 1.0 (`join`, `leave`) and the xAPI registry's
//!   `earned` (`http://id.tincanapi.com/verb/earned`);
//! - a revocation never edits a statement: it voids the `earned` statement
//!   of the revoked entry with an ADL `voided` statement.

use std::net::Ipv6Addr;

use chrono::{DateTime, Datelike, NaiveDate, Offset, SecondsFormat, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::decimal::Credits;
use crate::field::format_instant;
use crate::id::{ClubId, CourseId, LearnerId, NAMESPACE, SessionId};
use crate::problem::{Path, Problem, Problems};

use super::codes;
use super::ledger::{EntryKind, Ledger};

/// The xAPI version the statements follow, for the
/// `X-Experience-API-Version` header of requests that send them. The
/// statements themselves leave `version` out: the specification asks
/// record providers not to set it, and to set `1.0.0` if they do.
pub const XAPI_VERSION: &str = "1.0.3";

/// ADL's `attended`.
pub const VERB_ATTENDED: &str = "http://adlnet.gov/expapi/verbs/attended";
/// ADL's `completed`.
pub const VERB_COMPLETED: &str = "http://adlnet.gov/expapi/verbs/completed";
/// ADL's `voided`, reserved by xAPI for voiding statements.
pub const VERB_VOIDED: &str = "http://adlnet.gov/expapi/verbs/voided";
/// Activity Streams 1.0 `join`.
pub const VERB_JOIN: &str = "http://activitystrea.ms/schema/1.0/join";
/// Activity Streams 1.0 `leave`.
pub const VERB_LEAVE: &str = "http://activitystrea.ms/schema/1.0/leave";
/// `earned` from the xAPI (Tin Can) registry.
pub const VERB_EARNED: &str = "http://id.tincanapi.com/verb/earned";

/// ADL activity type of a meeting, used for sessions.
pub const TYPE_MEETING: &str = "http://adlnet.gov/expapi/activities/meeting";
/// ADL activity type of a course.
pub const TYPE_COURSE: &str = "http://adlnet.gov/expapi/activities/course";
/// Activity Streams 1.0 object type of a group, used for clubs.
pub const TYPE_GROUP: &str = "http://activitystrea.ms/schema/1.0/group";

/// Something that happened on a learner's learning trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum LearningEvent {
    /// The learner attended a session of a course or club.
    AttendedSession {
        /// Who.
        learner_id: LearnerId,
        /// Which session.
        session_id: SessionId,
        /// The session's course, if it belongs to one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        course_id: Option<CourseId>,
        /// The session's club, if it belongs to one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        club_id: Option<ClubId>,
        /// When the session started.
        at: DateTime<Utc>,
        /// The minutes attended.
        minutes: u32,
        /// The session's title, for the activity's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// The learner completed a course.
    CompletedCourse {
        /// Who.
        learner_id: LearnerId,
        /// Which course.
        course_id: CourseId,
        /// When completion was reached.
        at: DateTime<Utc>,
        /// The course's title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// The learner joined a club.
    JoinedClub {
        /// Who.
        learner_id: LearnerId,
        /// Which club.
        club_id: ClubId,
        /// When.
        at: DateTime<Utc>,
        /// The club's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// The learner left a club.
    LeftClub {
        /// Who.
        learner_id: LearnerId,
        /// Which club.
        club_id: ClubId,
        /// When.
        at: DateTime<Utc>,
        /// The club's name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// The learner earned credits: one accrue entry of a ledger.
    EarnedCredits {
        /// Who.
        learner_id: LearnerId,
        /// The ledger entry.
        entry_id: Uuid,
        /// The credits.
        amount: Credits,
        /// The rule set.
        rule_set_id: String,
        /// The rule set's version.
        rule_set_version: u32,
        /// The rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rule_id: Option<String>,
        /// The course the credits are for, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        course_id: Option<CourseId>,
        /// When the credited learning happened.
        at: DateTime<Utc>,
    },
    /// Credits earlier reported as earned were revoked.
    RevokedCredits {
        /// Whose.
        learner_id: LearnerId,
        /// The revoked ledger entry, whose `earned` statement is voided.
        entry_id: Uuid,
        /// When the revocation was recorded.
        at: DateTime<Utc>,
    },
}

impl LearningEvent {
    /// Whose event it is.
    pub fn learner_id(&self) -> LearnerId {
        match self {
            Self::AttendedSession { learner_id, .. }
            | Self::CompletedCourse { learner_id, .. }
            | Self::JoinedClub { learner_id, .. }
            | Self::LeftClub { learner_id, .. }
            | Self::EarnedCredits { learner_id, .. }
            | Self::RevokedCredits { learner_id, .. } => *learner_id,
        }
    }

    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Self::AttendedSession { at, .. }
            | Self::CompletedCourse { at, .. }
            | Self::JoinedClub { at, .. }
            | Self::LeftClub { at, .. }
            | Self::EarnedCredits { at, .. }
            | Self::RevokedCredits { at, .. } => *at,
        }
    }
}

/// The settings of statement building: platform, activity ids and time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XapiOptions {
    /// The platform's home page: the `homePage` of every actor's account.
    pub home_page: String,
    /// The IRI under which activity ids are made (`<base>/courses/<id>`).
    pub activity_base: String,
    /// The time zone whose offset timestamps carry.
    pub time_zone: Tz,
    /// The `context.platform` value.
    pub platform: String,
}

impl XapiOptions {
    /// Options for the platform at `home_page`, with activity ids under
    /// `<home_page>/xapi` and the platform name `xuetong`.
    ///
    /// # Errors
    ///
    /// `invalid_iri` when `home_page` is not an absolute http or https URL.
    pub fn new(home_page: &str, time_zone: Tz) -> Result<Self, Problems> {
        let home_page = home_page.trim_end_matches('/').to_owned();
        if let Some(problem) = check_iri(&home_page, "home_page", Path::root().join("home_page")) {
            return Err(problem.into());
        }
        Ok(Self {
            activity_base: format!("{home_page}/xapi"),
            home_page,
            time_zone,
            platform: "xuetong".to_owned(),
        })
    }

    /// These options with activity ids under `base`.
    ///
    /// # Errors
    ///
    /// `invalid_iri` when `base` is not an absolute http or https URL.
    pub fn with_activity_base(mut self, base: &str) -> Result<Self, Problems> {
        let base = base.trim_end_matches('/');
        if let Some(problem) = check_iri(base, "activity_base", Path::root().join("activity_base"))
        {
            return Err(problem.into());
        }
        self.activity_base = base.to_owned();
        Ok(self)
    }

    /// Writes `at` as an xAPI timestamp in the options' time zone, or in UTC
    /// (`Z`) when the zone's offset at that instant has seconds, as local
    /// mean time does (Shanghai before 1901 was +08:05:43), because
    /// timestamps write offsets in whole minutes. A leap second (23:59:60)
    /// is written as the second before it, 23:59:59. Fractions of a second
    /// are left out.
    ///
    /// Returns `None` when the written year lies outside 0000 to 9999, which
    /// an xAPI timestamp cannot write.
    fn timestamp(&self, at: DateTime<Utc>) -> Option<String> {
        let at = at.with_nanosecond(at.nanosecond() % 1_000_000_000)?;
        let local = at.with_timezone(&self.time_zone);
        let whole_minutes = local.offset().fix().local_minus_utc() % 60 == 0;
        let (year, text) = if whole_minutes {
            (
                local.year(),
                local.to_rfc3339_opts(SecondsFormat::Secs, false),
            )
        } else {
            (at.year(), at.to_rfc3339_opts(SecondsFormat::Secs, true))
        };
        (0..=9999).contains(&year).then_some(text)
    }

    fn activity(&self, path: &str, kind: &str, name: Option<&str>) -> Value {
        let mut definition = Map::new();
        definition.insert("type".into(), kind.into());
        if let Some(name) = name.filter(|name| !name.trim().is_empty()) {
            definition.insert("name".into(), json!({ "und": name }));
        }
        json!({
            "objectType": "Activity",
            "id": format!("{}/{path}", self.activity_base),
            "definition": definition,
        })
    }

    fn extension(&self, name: &str) -> String {
        format!("{}/extensions/{name}", self.activity_base)
    }

    fn statement_id(&self, key: &str) -> Uuid {
        Uuid::new_v5(
            &NAMESPACE,
            format!("xapi_statement:{}:{key}", self.home_page).as_bytes(),
        )
    }
}

/// Checks that `text` is an absolute http or https URL with a host, a port
/// from 0 to 65535 when it gives one, and no user info, query, fragment,
/// spaces or characters that IRIs exclude. The problem names `field`. A
/// base URL with a query or fragment would make every id built under it
/// wrong, and user info could carry a password.
pub(crate) fn check_iri(text: &str, field: &str, path: Path) -> Option<Problem> {
    (!is_http_url(text, false)).then(|| {
        Problem::new(codes::INVALID_IRI, path)
            .with("field", field)
            .with("value", text)
    })
}

/// Returns whether `text` is an absolute http or https URL with a host, a
/// port from 0 to 65535 when it gives one, and no user info, spaces or
/// characters that IRIs exclude. A query or a fragment is accepted only
/// when `query_allowed` is true.
pub(crate) fn is_http_url(text: &str, query_allowed: bool) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        is_host_and_port(authority)
    }) && (query_allowed || !text.contains(['?', '#']));
    let clean = !text.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}')
            || is_bidi_format(c)
    });
    host_ok && clean
}

/// Returns whether `authority` is a host that is not empty, without user
/// info, and with an optional port. An IPv6 host is an IPv6 address in
/// brackets, as in `[2001:db8::1]:8080`, without a zone such as `%25eth0`.
/// A host without brackets contains neither `[` nor `]`. A port is one or
/// more digits from 0 to 65535.
/// RFC 3986 (section 3.2.3) also allows an empty port after the colon, as in
/// `http://example.org:/`, but it is rejected here. The same address would
/// then have a second spelling, so ids built under a base written with the
/// colon would not match those built under the usual one.
// NOTE: other second spellings still pass: a port with leading zeros
// (`:0080`) and the scheme's default port (`:443` for https).
fn is_host_and_port(authority: &str) -> bool {
    if authority.contains('@') {
        return false;
    }
    let (host, port) = if authority.starts_with('[') {
        let Some(end) = authority.find(']') else {
            return false;
        };
        let (host, rest) = authority.split_at(end + 1);
        if host[1..end].parse::<Ipv6Addr>().is_err() {
            return false;
        }
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return false,
        }
    } else if authority.contains(['[', ']']) {
        return false;
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port_ok = port.is_none_or(|port| {
        !port.is_empty()
            && port.bytes().all(|byte| byte.is_ascii_digit())
            && port.parse::<u16>().is_ok()
    });
    !host.is_empty() && port_ok
}

/// Returns whether `c` is a bidirectional formatting character: the marks
/// ALM, LRM and RLM, the embeddings and overrides U+202A to U+202E and the
/// isolates U+2066 to U+2069. An address that contains one can display as
/// a different address.
fn is_bidi_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

fn verb(id: &str, en: &str, zh: &str) -> Value {
    json!({"id": id, "display": {"en-US": en, "zh-CN": zh}})
}

/// Writes an ISO 8601 duration of whole minutes, such as `PT1H30M`.
fn duration(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, 0) => "PT0S".to_owned(),
        (0, rest) => format!("PT{rest}M"),
        (hours, 0) => format!("PT{hours}H"),
        (hours, rest) => format!("PT{hours}H{rest}M"),
    }
}

/// The id of the `earned` statement of ledger entry `entry`.
pub fn earned_statement_id(entry: Uuid, options: &XapiOptions) -> Uuid {
    options.statement_id(&format!("earned:{entry}"))
}

/// Builds the xAPI 1.0.3 statement of one event.
///
/// # Errors
///
/// `out_of_range` (path `at`) when the event's timestamp would fall in a
/// year outside 0000 to 9999.
///
/// # Example
///
/// ```
/// use xuetong::credit::xapi::{LearningEvent, XapiOptions, statement};
///
/// let options = XapiOptions::new("https://learn.example.org", chrono_tz::Asia::Shanghai)?;
/// let event: LearningEvent = serde_json::from_value(serde_json::json!({
///     "event": "completed_course",
///     "learner_id": "20000000-0000-4000-8000-000000000001",
///     "course_id": "30000000-0000-4000-8000-000000000001",
///     "at": "2026-06-30T02:00:00Z",
/// })).unwrap();
/// let statement = statement(&event, &options)?;
/// assert_eq!(statement["verb"]["id"], "http://adlnet.gov/expapi/verbs/completed");
/// assert_eq!(statement["timestamp"], "2026-06-30T10:00:00+08:00");
/// assert_eq!(statement["actor"]["account"]["name"], "20000000-0000-4000-8000-000000000001");
/// # Ok::<(), xuetong::problem::Problems>(())
/// ```
pub fn statement(event: &LearningEvent, options: &XapiOptions) -> Result<Value, Problem> {
    let learner = event.learner_id();
    let mut object = Map::new();
    object.insert(
        "actor".into(),
        json!({
            "objectType": "Agent",
            "account": {"homePage": options.home_page, "name": learner.to_string()},
        }),
    );
    let Some(timestamp) = options.timestamp(event.at()) else {
        return Err(
            Problem::new(crate::problem::codes::OUT_OF_RANGE, Path::root().join("at"))
                .with("field", "at")
                .with("value", format_instant(&event.at()))
                .with("min", "0000-01-01T00:00:00")
                .with(
                    "max",
                    "9999-12-31T23:59:59 in the time zone of the statements",
                ),
        );
    };
    object.insert("timestamp".into(), timestamp.into());

    if let LearningEvent::RevokedCredits { entry_id, .. } = event {
        let key = format!("voided:{entry_id}");
        object.insert("id".into(), options.statement_id(&key).to_string().into());
        object.insert("verb".into(), verb(VERB_VOIDED, "voided", "作废了"));
        object.insert(
            "object".into(),
            json!({
                "objectType": "StatementRef",
                "id": earned_statement_id(*entry_id, options).to_string(),
            }),
        );
        return Ok(Value::Object(object));
    }

    let parts = statement_parts(event, options);
    object.insert(
        "id".into(),
        options.statement_id(&parts.key).to_string().into(),
    );
    object.insert("verb".into(), parts.verb);
    object.insert("object".into(), parts.object);
    if let Some(result) = parts.result {
        object.insert("result".into(), result);
    }
    let mut context = Map::new();
    context.insert("platform".into(), options.platform.clone().into());
    if !parts.parents.is_empty() {
        context.insert(
            "contextActivities".into(),
            json!({ "parent": parts.parents }),
        );
    }
    if let Some(extensions) = parts.extensions {
        context.insert("extensions".into(), Value::Object(extensions));
    }
    object.insert("context".into(), Value::Object(context));
    Ok(Value::Object(object))
}

/// The parts of a statement about an activity that differ by event.
struct StatementParts {
    /// The name the statement id derives from.
    key: String,
    verb: Value,
    object: Value,
    result: Option<Value>,
    parents: Vec<Value>,
    extensions: Option<Map<String, Value>>,
}

fn statement_parts(event: &LearningEvent, options: &XapiOptions) -> StatementParts {
    let learner = event.learner_id();
    let course = |id: &CourseId| options.activity(&format!("courses/{id}"), TYPE_COURSE, None);
    let club = |id: &ClubId, name: Option<&str>| {
        options.activity(&format!("clubs/{id}"), TYPE_GROUP, name)
    };
    match event {
        LearningEvent::AttendedSession {
            session_id,
            course_id,
            club_id,
            minutes,
            title,
            ..
        } => StatementParts {
            key: format!("attended:{learner}:{session_id}"),
            verb: verb(VERB_ATTENDED, "attended", "参加了"),
            object: options.activity(
                &format!("sessions/{session_id}"),
                TYPE_MEETING,
                title.as_deref(),
            ),
            result: Some(json!({"duration": duration(*minutes)})),
            parents: course_id
                .iter()
                .map(course)
                .chain(club_id.iter().map(|id| club(id, None)))
                .collect(),
            extensions: None,
        },
        LearningEvent::CompletedCourse {
            course_id, title, ..
        } => StatementParts {
            key: format!("completed:{learner}:{course_id}"),
            verb: verb(VERB_COMPLETED, "completed", "完成了"),
            object: options.activity(
                &format!("courses/{course_id}"),
                TYPE_COURSE,
                title.as_deref(),
            ),
            result: Some(json!({"completion": true})),
            parents: Vec::new(),
            extensions: None,
        },
        LearningEvent::JoinedClub {
            club_id, title, at, ..
        } => StatementParts {
            key: format!("joined:{learner}:{club_id}:{}", at.timestamp()),
            verb: verb(VERB_JOIN, "joined", "加入了"),
            object: club(club_id, title.as_deref()),
            result: None,
            parents: Vec::new(),
            extensions: None,
        },
        LearningEvent::LeftClub {
            club_id, title, at, ..
        } => StatementParts {
            key: format!("left:{learner}:{club_id}:{}", at.timestamp()),
            verb: verb(VERB_LEAVE, "left", "退出了"),
            object: club(club_id, title.as_deref()),
            result: None,
            parents: Vec::new(),
            extensions: None,
        },
        LearningEvent::EarnedCredits {
            entry_id,
            amount,
            rule_set_id,
            rule_set_version,
            rule_id,
            course_id,
            ..
        } => {
            let mut extensions = Map::new();
            extensions.insert(
                options.extension("rule-set"),
                format!("{rule_set_id}@{rule_set_version}").into(),
            );
            if let Some(rule) = rule_id {
                extensions.insert(options.extension("rule"), rule.clone().into());
            }
            let credit_type = format!("{}/activity-types/credit-award", options.activity_base);
            StatementParts {
                key: format!("earned:{entry_id}"),
                verb: verb(VERB_EARNED, "earned", "获得了"),
                object: options.activity(&format!("credit-entries/{entry_id}"), &credit_type, None),
                result: Some(
                    json!({"extensions": {options.extension("credits"): amount.to_string()}}),
                ),
                parents: course_id.iter().map(course).collect(),
                extensions: Some(extensions),
            }
        }
        // `statement` writes voiding statements itself, because they carry
        // no context; these parts only keep the match complete.
        LearningEvent::RevokedCredits { entry_id, .. } => StatementParts {
            key: format!("voided:{entry_id}"),
            verb: verb(VERB_VOIDED, "voided", "作废了"),
            object: json!({
                "objectType": "StatementRef",
                "id": earned_statement_id(*entry_id, options).to_string(),
            }),
            result: None,
            parents: Vec::new(),
            extensions: None,
        },
    }
}

/// Builds the statements of `events`, in order.
///
/// # Errors
///
/// The problem of every event whose statement cannot be built (see
/// [`statement`]), with the event's index in front of its path.
pub fn statements(events: &[LearningEvent], options: &XapiOptions) -> Result<Vec<Value>, Problems> {
    let mut built = Vec::with_capacity(events.len());
    let mut problems = Problems::new();
    for (index, event) in events.iter().enumerate() {
        match statement(event, options) {
            Ok(statement) => built.push(statement),
            Err(mut problem) => {
                let mut segments = vec![index.into()];
                segments.extend(problem.path.0);
                problem.path = Path(segments);
                problems.push(problem);
            }
        }
    }
    problems.into_result(built)
}

/// The local midnight starting `date` in `zone`, as an instant; when
/// midnight falls in a daylight-saving gap, the first instant of the day.
fn start_of_day(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    for minutes in [0_i64, 30, 60, 90, 120] {
        let local = midnight + chrono::Duration::minutes(minutes);
        if let Some(instant) = zone.from_local_datetime(&local).earliest() {
            return instant.with_timezone(&Utc);
        }
    }
    Utc.from_utc_datetime(&midnight)
}

/// Lists the credit events of a ledger. Every accrue entry with an amount
/// gives an `earned_credits` event at the start of its occurrence day in
/// `zone`. Every revocation of such an entry gives a `revoked_credits` event
/// at the start of its recording day.
pub fn events_from_ledger(ledger: &Ledger, zone: Tz) -> Vec<LearningEvent> {
    let earned: std::collections::HashSet<Uuid> = ledger
        .entries()
        .iter()
        .filter(|entry| entry.kind == EntryKind::Accrue && !entry.amount.is_zero())
        .map(|entry| entry.id)
        .collect();
    ledger
        .entries()
        .iter()
        .filter_map(|entry| match entry.kind {
            EntryKind::Accrue if earned.contains(&entry.id) => Some(LearningEvent::EarnedCredits {
                learner_id: entry.learner_id,
                entry_id: entry.id,
                amount: entry.amount,
                rule_set_id: entry.rule_set_id.clone(),
                rule_set_version: entry.rule_set_version,
                rule_id: entry.rule_id.clone(),
                course_id: entry
                    .source
                    .as_deref()
                    .and_then(|source| source.strip_prefix("course:"))
                    .and_then(|id| id.parse().ok()),
                at: start_of_day(entry.occurred_on, zone),
            }),
            EntryKind::Revoke => {
                entry
                    .reverses
                    .filter(|target| earned.contains(target))
                    .map(|target| LearningEvent::RevokedCredits {
                        learner_id: entry.learner_id,
                        entry_id: target,
                        at: start_of_day(entry.recorded_on, zone),
                    })
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_http_url;

    /// Asserts that every URL of `urls` is rejected, with a query allowed or
    /// not.
    fn assert_rejected(urls: &[&str]) {
        for url in urls {
            assert!(!is_http_url(url, false), "{url}");
            assert!(!is_http_url(url, true), "{url}");
        }
    }

    #[test]
    fn url_ports_are_numbers_to_65535() {
        for accepted in [
            "http://learn.example.org",
            "https://learn.example.org:8443/xapi",
            "http://learn.example.org:0/",
            "http://learn.example.org:65535/",
            "http://learn.example.org:0080/",
            "http://[2001:db8::1]:8080/",
            "http://[2001:db8::1]/",
        ] {
            assert!(is_http_url(accepted, false), "{accepted}");
        }
        assert_rejected(&[
            "http://learn.example.org:65536/",
            "http://learn.example.org:99999/",
            "http://learn.example.org:12ab/",
            "http://learn.example.org:+80/",
            "http://learn.example.org:-1/",
            "http://learn.example.org:/",
            "http://learn.example.org:",
            "http://learn.example.org:80:90/",
            "http://:8080/",
            "http://2001:db8::1/",
            "http://[2001:db8::1/",
            "http://[2001:db8::1]8080/",
        ]);
    }

    #[test]
    fn url_brackets_hold_an_ipv6_address() {
        assert!(is_http_url("http://[::ffff:192.0.2.1]:8080/", false));
        assert_rejected(&[
            "http://[]/",
            "http://[]:8080/",
            "http://[learn.example.org]/",
            "http://[fe80::1%25eth0]/",
            "http://[v1.fe80::1]/",
            "http://learn]example.org/",
            "http://learn[example.org/",
        ]);
    }

    #[test]
    fn url_port_checked_before_a_query() {
        assert!(is_http_url("https://learn.example.org:8443?id=3", true));
        assert!(!is_http_url("https://learn.example.org:99999?id=3", true));
        assert!(!is_http_url("https://learn.example.org:#top", true));
    }
}
