//! Scheduling through the operation API: iCalendar files checked against
//! the rules of RFC 5545, the export-import round trip, and imports of
//! recurring events as calendar applications write them.

use serde_json::{Value, json};
use xuetong::api::call_value;

const COURSE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const OTHER_COURSE: &str = "7c9e6679-7425-40de-944b-e07fc1f90ae8";
const VENUE: &str = "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c";
const LEARNER: &str = "20000000-0000-4000-8000-000000000001";

fn ok(operation: &str, request: Value) -> Value {
    let response = call_value(operation, &request).to_json();
    assert_eq!(response["ok"], true, "{operation}: {response}");
    response["value"].clone()
}

fn problem_codes(operation: &str, request: Value) -> Vec<String> {
    let response = call_value(operation, &request).to_json();
    assert_eq!(response["ok"], false, "{operation}: {response}");
    response["problems"]
        .as_array()
        .expect("a problem list")
        .iter()
        .map(|problem| problem["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Sessions as records, without the fields the operations add.
fn records(sessions: &Value) -> Vec<Value> {
    sessions
        .as_array()
        .expect("a session list")
        .iter()
        .map(|session| {
            let mut session = session.clone();
            if let Value::Object(object) = &mut session {
                for added in [
                    "number",
                    "total",
                    "starts_at",
                    "ends_at",
                    "minutes",
                    "resolved_time_zone",
                ] {
                    object.remove(added);
                }
            }
            session
        })
        .collect()
}

fn venue() -> Value {
    json!({
        "id": VENUE,
        "name": "钱塘区老年大学, 下沙分校; 2楼",
        "tier": "district",
        "time_zone": "Asia/Shanghai",
    })
}

fn course(id: &str, title: &str) -> Value {
    json!({
        "id": id,
        "title": title,
        "category": "tai_chi",
        "provider_venue_id": VENUE,
    })
}

/// A season's sessions: a Berlin series over the autumn clock change, one
/// session meaning the later of a repeated hour, one across midnight, one
/// cancelled, and one of another course.
fn season_sessions() -> Vec<Value> {
    let series = json!({"input": {
        "id": "2b0c6b8e-1f7a-4f0e-9d57-6a3c9c0f7e11",
        "course_id": COURSE,
        "venue_id": VENUE,
        "time_zone": "Europe/Berlin",
        "weekdays": ["sunday"],
        "start_date": "2026-10-18",
        "count": 3,
        "start_time": "02:30",
        "duration_minutes": 45,
        "ambiguous_time": "later",
        "instructor_ids": ["0f8fad5b-d9cb-469f-a165-70867728950e"],
    }});
    let mut sessions = records(&ok("expand_schedule", series)["sessions"]);
    sessions.push(json!({
        "id": "50000000-0000-4000-8000-000000000001",
        "course_id": COURSE,
        "venue_id": VENUE,
        "date": "2026-03-02",
        "start_time": "22:00:00",
        "end_time": "01:00:00",
        "ambiguous_time": "earlier",
        "status": "scheduled",
    }));
    sessions.push(json!({
        "id": "50000000-0000-4000-8000-000000000002",
        "course_id": COURSE,
        "venue_id": VENUE,
        "date": "2026-03-09",
        "start_time": "09:00:00",
        "end_time": "10:30:00",
        "ambiguous_time": "earlier",
        "status": "cancelled",
    }));
    sessions.push(json!({
        "id": "50000000-0000-4000-8000-000000000003",
        "course_id": OTHER_COURSE,
        "venue_id": VENUE,
        "date": "2026-03-03",
        "start_time": "09:00:00",
        "end_time": "10:00:00",
        "ambiguous_time": "earlier",
        "status": "scheduled",
    }));
    sessions
}

fn export(sessions: &[Value], options: Value) -> String {
    let value = ok(
        "export_ical",
        json!({
            "input": {
                "generated_at": "2026-12-04T08:00:00Z",
                "sessions": sessions,
                "venues": [venue()],
                "courses": [
                    course(COURSE, "太极拳（初级）——二十四式简化太极拳，适合零基础的中老年学员，请穿宽松衣服"),
                    course(OTHER_COURSE, "Calligraphy"),
                ],
                "enrolments": [{
                    "id": "60000000-0000-4000-8000-000000000001",
                    "learner_id": LEARNER,
                    "course_id": OTHER_COURSE,
                    "requested_at": "2026-02-01T02:00:00Z",
                }],
            },
            "options": options,
        }),
    );
    value["text"].as_str().expect("the file text").to_owned()
}

fn sorted_by_id(mut sessions: Vec<Value>) -> Vec<Value> {
    sessions.sort_by_key(|session| session["id"].as_str().unwrap_or_default().to_owned());
    sessions
}

#[test]
fn export_import_round_trip() {
    let sessions = season_sessions();
    let text = export(&sessions, json!({"name": "太极拳"}));
    let imported = ok(
        "import_ical",
        json!({"input": {"text": text}, "options": {"venues": [venue()]}}),
    );
    assert_eq!(imported["events"], 6);
    let back = sorted_by_id(records(&imported["sessions"]));
    let original = sorted_by_id(sessions);
    assert_eq!(back.len(), original.len());
    for (expected, actual) in original.iter().zip(&back) {
        assert_eq!(actual, expected);
    }
}

#[test]
fn export_follows_rfc_5545_lines() {
    let text = export(&season_sessions(), json!({}));
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "bare line feed");
    assert!(
        !text.replace("\r\n", "").contains('\r'),
        "bare carriage return"
    );
    let physical: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
    for line in &physical {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    assert!(
        physical.iter().any(|line| line.starts_with(' ')),
        "the long title is folded"
    );
    // A fold must not split a UTF-8 character: every physical line is valid
    // UTF-8 on its own.
    for line in &physical {
        assert!(std::str::from_utf8(line.as_bytes()).is_ok());
    }
    assert_eq!(physical[0], "BEGIN:VCALENDAR");
    assert_eq!(physical[1], "VERSION:2.0");
    assert!(physical[2].starts_with("PRODID:"));
    assert_eq!(physical.last(), Some(&"END:VCALENDAR"));
}

/// Unfolds the text into content lines.
fn content_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in text.split("\r\n").filter(|line| !line.is_empty()) {
        match line.strip_prefix(' ') {
            Some(rest) => lines.last_mut().expect("a line to continue").push_str(rest),
            None => lines.push(line.to_owned()),
        }
    }
    lines
}

#[test]
fn export_vtimezone_per_zone() {
    let text = export(&season_sessions(), json!({}));
    let lines = content_lines(&text);
    let declared: Vec<&str> = lines
        .iter()
        .filter_map(|line| line.strip_prefix("TZID:"))
        .collect();
    assert_eq!(declared, ["Asia/Shanghai", "Europe/Berlin"]);
    for line in &lines {
        if let Some(rest) = line.split_once(";TZID=").map(|(_, rest)| rest) {
            let zone = rest.split(':').next().unwrap_or_default();
            assert!(declared.contains(&zone), "{line} names an undeclared zone");
        }
    }
    let depth = lines.iter().try_fold(0i32, |depth, line| {
        let next = if line.starts_with("BEGIN:") {
            depth + 1
        } else if line.starts_with("END:") {
            depth - 1
        } else {
            depth
        };
        (next >= 0).then_some(next)
    });
    assert_eq!(depth, Some(0), "BEGIN and END are balanced");
    // Berlin's component names both offsets of 2026.
    assert!(lines.iter().any(|line| line == "TZOFFSETTO:+0200"));
    assert!(lines.iter().any(|line| line == "TZOFFSETTO:+0100"));
}

#[test]
fn export_escaping_and_utc_times() {
    let lines = content_lines(&export(&season_sessions(), json!({})));
    assert!(lines.contains(&"LOCATION:钱塘区老年大学\\, 下沙分校\\; 2楼".to_owned()));
    assert!(lines.contains(&"STATUS:CANCELLED".to_owned()));
    // 02:30 on 25 October 2026 happens twice in Berlin; the session means
    // the second, which TZID form cannot say, so it is written in UTC.
    assert!(lines.contains(&"DTSTART:20261025T013000Z".to_owned()));
    assert!(lines.contains(&"DTSTART;TZID=Europe/Berlin:20261101T023000".to_owned()));
    assert!(lines.contains(&"DTEND;TZID=Asia/Shanghai:20260303T010000".to_owned()));
    for event in lines.split(|line| line == "BEGIN:VEVENT").skip(1) {
        for required in ["UID:", "DTSTAMP:", "DTSTART"] {
            assert!(
                event.iter().any(|line| line.starts_with(required)),
                "an event lacks {required}"
            );
        }
    }
}

#[test]
fn learner_export_holds_their_courses_only() {
    let text = export(&season_sessions(), json!({"learner_id": LEARNER}));
    let lines = content_lines(&text);
    let uids: Vec<&String> = lines
        .iter()
        .filter(|line| line.starts_with("UID:"))
        .collect();
    assert_eq!(uids, ["UID:50000000-0000-4000-8000-000000000003"]);
    assert!(lines.contains(&"SUMMARY:Calligraphy".to_owned()));
    assert!(lines.contains(&"X-WR-TIMEZONE:Asia/Shanghai".to_owned()));
}

/// A recurring class as a phone calendar writes it: a weekly rule with an
/// excluded date and one occurrence moved to another time.
const PHONE_CALENDAR: &str = "BEGIN:VCALENDAR\r\n\
VERSION:2.0\r\n\
PRODID:-//Example Phone//Calendar 1.0//EN\r\n\
BEGIN:VTIMEZONE\r\n\
TZID:/mozilla.org/20050126_1/Asia/Shanghai\r\n\
BEGIN:STANDARD\r\n\
DTSTART:19700101T000000\r\n\
TZOFFSETFROM:+0800\r\n\
TZOFFSETTO:+0800\r\n\
END:STANDARD\r\n\
END:VTIMEZONE\r\n\
BEGIN:VEVENT\r\n\
UID:calligraphy-2026@example.org\r\n\
DTSTAMP:20260101T000000Z\r\n\
DTSTART;TZID=/mozilla.org/20050126_1/Asia/Shanghai:20260302T140000\r\n\
DTEND;TZID=/mozilla.org/20050126_1/Asia/Shanghai:20260302T153000\r\n\
RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6\r\n\
EXDATE;TZID=/mozilla.org/20050126_1/Asia/Shanghai:20260305T140000\r\n\
SUMMARY:Calligraphy\r\n\
BEGIN:VALARM\r\n\
ACTION:DISPLAY\r\n\
TRIGGER:-PT15M\r\n\
DESCRIPTION:Reminder\r\n\
END:VALARM\r\n\
END:VEVENT\r\n\
BEGIN:VEVENT\r\n\
UID:calligraphy-2026@example.org\r\n\
DTSTAMP:20260101T000000Z\r\n\
RECURRENCE-ID;TZID=/mozilla.org/20050126_1/Asia/Shanghai:20260312T140000\r\n\
DTSTART;TZID=/mozilla.org/20050126_1/Asia/Shanghai:20260312T160000\r\n\
DURATION:PT1H30M\r\n\
SUMMARY:Calligraphy (moved)\r\n\
END:VEVENT\r\n\
END:VCALENDAR\r\n";

#[test]
fn phone_calendar_series_imports() {
    let imported = ok(
        "import_ical",
        json!({
            "input": {"text": PHONE_CALENDAR},
            "options": {"course_id": COURSE, "venue_id": VENUE},
        }),
    );
    let sessions = imported["sessions"].as_array().expect("sessions");
    let starts: Vec<(&str, &str)> = sessions
        .iter()
        .map(|session| {
            (
                session["date"].as_str().unwrap_or_default(),
                session["start_time"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    // COUNT=6 gives 2, 5, 9, 12, 16 and 19 March; EXDATE removes 5 March,
    // and the 12 March session moves to 16:00.
    assert_eq!(
        starts,
        [
            ("2026-03-02", "14:00:00"),
            ("2026-03-09", "14:00:00"),
            ("2026-03-12", "16:00:00"),
            ("2026-03-16", "14:00:00"),
            ("2026-03-19", "14:00:00"),
        ]
    );
    assert!(sessions.iter().all(|session| session["minutes"] == 90));
    assert!(
        sessions
            .iter()
            .all(|session| session["time_zone"] == "Asia/Shanghai")
    );
    let again = ok(
        "import_ical",
        json!({
            "input": {"text": PHONE_CALENDAR},
            "options": {"course_id": COURSE, "venue_id": VENUE},
        }),
    );
    assert_eq!(imported, again, "the same file gives the same session ids");
}

fn import_codes(event: &str, options: Value) -> Vec<String> {
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n{event}END:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let mut all_options = json!({"course_id": COURSE, "venue_id": VENUE});
    if let (Value::Object(all), Value::Object(more)) = (&mut all_options, options) {
        all.extend(more);
    }
    problem_codes(
        "import_ical",
        json!({"input": {"text": text}, "options": all_options}),
    )
}

#[test]
fn unsupported_and_broken_events_are_reported() {
    let start = "UID:a\r\nDTSTART;TZID=Asia/Shanghai:20260302T090000\r\nDTEND;TZID=Asia/Shanghai:20260302T100000\r\n";
    assert_eq!(
        import_codes(&format!("{start}RRULE:FREQ=MONTHLY;COUNT=3\r\n"), json!({})),
        ["ical_unsupported"]
    );
    assert_eq!(
        import_codes(&format!("{start}RRULE:FREQ=WEEKLY\r\n"), json!({})),
        ["ical_unbounded_rule"]
    );
    assert_eq!(
        import_codes(
            &format!("{start}RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=2\r\n"),
            json!({})
        ),
        ["ical_dtstart_not_in_rule"]
    );
    assert_eq!(
        import_codes(
            "UID:a\r\nDTSTART;TZID=Nowhere/City:20260302T090000\r\nDTEND;TZID=Nowhere/City:20260302T100000\r\n",
            json!({})
        ),
        ["ical_unknown_time_zone"]
    );
    assert_eq!(
        import_codes(
            "UID:a\r\nDTSTART:20260302T090000\r\nDTEND:20260302T100000\r\n",
            json!({})
        ),
        ["ical_time_zone_missing"]
    );
    assert_eq!(
        import_codes("UID:a\r\nDTSTART;VALUE=DATE:20260302\r\n", json!({})),
        ["ical_all_day_event"]
    );
    assert_eq!(
        import_codes("DTSTART;TZID=Asia/Shanghai:20260302T090000\r\n", json!({})),
        ["ical_missing_property"]
    );
    assert_eq!(
        import_codes(
            "UID:a\r\nDTSTART;TZID=Europe/Berlin:20260329T023000\r\nDURATION:PT1H\r\n",
            json!({})
        ),
        ["nonexistent_local_time"]
    );
    assert_eq!(
        import_codes(
            &format!("{start}RRULE:FREQ=WEEKLY;COUNT=2\r\nRDATE:20260310T090000\r\n"),
            json!({})
        ),
        ["ical_unsupported"]
    );
}

#[test]
fn rule_parts_never_dropped() {
    // Each of these would otherwise import without the dates that the
    // ignored part adds, excludes or moves.
    let start = "UID:a\r\nDTSTART;TZID=Asia/Shanghai:20260302T090000\r\nDTEND;TZID=Asia/Shanghai:20260302T100000\r\n";
    assert_eq!(
        import_codes(
            &format!("{start}RRULE:FREQ=WEEKLY;COUNT=2\r\nRRULE:FREQ=DAILY;COUNT=3\r\n"),
            json!({})
        ),
        ["ical_unsupported"]
    );
    assert_eq!(
        import_codes(
            &format!("{start}RRULE:FREQ=DAILY;COUNT=4\r\nEXRULE:FREQ=DAILY;INTERVAL=2;COUNT=2\r\n"),
            json!({})
        ),
        ["ical_unsupported"]
    );
    assert_eq!(
        import_codes(&format!("{start}RRULE:FREQ=WEEKLY;COUNT=0\r\n"), json!({})),
        ["ical_syntax"]
    );
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Asia/Shanghai:20260302T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Asia/Shanghai:20260303T090000\r\nDTSTART;TZID=Asia/Shanghai:20260303T140000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let codes = problem_codes(
        "import_ical",
        json!({"input": {"text": text}, "options": {"course_id": COURSE, "venue_id": VENUE}}),
    );
    assert_eq!(codes, ["ical_unsupported"]);
}

#[test]
fn repeated_uid_is_rejected() {
    let event = |uid: &str, day: &str| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=Asia/Shanghai:202603{day}T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
        )
    };
    let file = |events: &[String]| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{}END:VCALENDAR\r\n",
            events.concat()
        )
    };
    let import = |text: String| {
        let response = call_value(
            "import_ical",
            &json!({"input": {"text": text}, "options": {"course_id": COURSE, "venue_id": VENUE}}),
        )
        .to_json();
        assert_eq!(response["ok"], false, "{response}");
        let problems = response["problems"].as_array().expect("problems").clone();
        assert_eq!(problems.len(), 1, "{response}");
        (problems[0]["code"].clone(), problems[0]["path"].clone())
    };
    // The second event starts on line 9, after three header lines and the
    // first event's five.
    let same_uid = file(&[event("a@example.org", "02"), event("a@example.org", "03")]);
    assert_eq!(import(same_uid), (json!("ical_syntax"), json!(["text", 9])));
    // Two spellings of one UUID give one session id.
    let same_id = file(&[
        event("50000000-0000-4000-8000-00000000000a", "02"),
        event("50000000-0000-4000-8000-00000000000A", "03"),
    ]);
    assert_eq!(import(same_id), (json!("ical_syntax"), json!(["text", 9])));
}

#[test]
fn utc_start_over_clock_change() {
    // RFC 5545 repeats 17:00 UTC every week, which is 18:00 in Berlin until
    // 29 March 2026 and 19:00 after it. A series of local times cannot
    // follow that, so the file is rejected rather than moved by an hour.
    let event = |start: &str| {
        format!("UID:a\r\nDTSTART:{start}\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n")
    };
    assert_eq!(
        import_codes(
            &event("20260316T170000Z"),
            json!({"time_zone": "Europe/Berlin"})
        ),
        ["ical_unsupported"]
    );
    // 23:00 UTC on Monday 2 March is 07:00 on Tuesday in Shanghai, so
    // BYDAY=MO,TU means other days in UTC than in local time.
    assert_eq!(
        import_codes(
            "UID:a\r\nDTSTART:20260302T230000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU;COUNT=4\r\n",
            json!({"time_zone": "Asia/Shanghai"})
        ),
        ["ical_unsupported"]
    );
    // Without a change of offset the local times are the UTC times.
    let imported = ok(
        "import_ical",
        json!({
            "input": {"text": format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n{}END:VEVENT\r\nEND:VCALENDAR\r\n", event("20260302T010000Z"))},
            "options": {"course_id": COURSE, "venue_id": VENUE, "time_zone": "Asia/Shanghai"},
        }),
    );
    let starts: Vec<&str> = imported["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|session| session["starts_at"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-03-02T01:00:00Z",
            "2026-03-09T01:00:00Z",
            "2026-03-16T01:00:00Z"
        ]
    );
}

#[test]
fn invalid_text_shown_without_quotes() {
    let response = call_value(
        "export_ical",
        &json!({"input": {"generated_at": "yesterday", "sessions": []}}),
    )
    .to_json();
    let problem = &response["problems"][0];
    assert_eq!(problem["code"], "invalid_instant");
    assert_eq!(problem["params"]["value"], "yesterday");
}

#[test]
fn moved_occurrence_must_match_the_series() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Asia/Shanghai:20260302T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;TZID=Asia/Shanghai:20260310T090000\r\nDTSTART;TZID=Asia/Shanghai:20260310T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let codes = problem_codes(
        "import_ical",
        json!({"input": {"text": text}, "options": {"course_id": COURSE, "venue_id": VENUE}}),
    );
    assert_eq!(codes, ["ical_unmatched_override"]);
}

#[test]
fn broken_text_is_a_syntax_problem() {
    let codes = problem_codes(
        "import_ical",
        json!({"input": {"text": "BEGIN:VCALENDAR\r\nthis is not a content line\r\nEND:VCALENDAR\r\n"}}),
    );
    assert_eq!(codes, ["ical_syntax"]);
}

#[test]
fn imported_count_not_extended() {
    // Wednesdays from 24 September 2025, COUNT=4: 24 September, 1, 8 and 15
    // October. The National Day holiday takes 1 and 8 October, and an
    // imported COUNT keeps its RFC 5545 meaning, so two sessions remain.
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Asia/Shanghai:20250924T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
    let imported = ok(
        "import_ical",
        json!({
            "input": {"text": text},
            "options": {"course_id": COURSE, "venue_id": VENUE, "holiday_calendar": "cn"},
        }),
    );
    let dates: Vec<&str> = imported["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|session| session["date"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(dates, ["2025-09-24", "2025-10-15"]);
}

mod hostile_files {
    use proptest::prelude::*;
    use serde_json::json;

    use super::{COURSE, PHONE_CALENDAR, VENUE};

    /// Imports `text` and checks that the answer is a response, never a
    /// panic, and that every session it returns is a valid record.
    fn import_is_total(text: &str) -> Result<(), TestCaseError> {
        let request = json!({
            "input": {"text": text},
            "options": {"course_id": COURSE, "venue_id": VENUE, "until": "2026-12-31"},
        });
        let response = xuetong::api::call_value("import_ical", &request).to_json();
        prop_assert!(response["ok"].is_boolean());
        if response["ok"] == true {
            for session in response["value"]["sessions"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let mut record = session.clone();
                if let serde_json::Value::Object(object) = &mut record {
                    for added in ["starts_at", "ends_at", "minutes", "resolved_time_zone"] {
                        object.remove(added);
                    }
                }
                let checked =
                    xuetong::api::call_value("validate_session", &json!({"input": record}));
                prop_assert!(
                    matches!(checked, xuetong::api::Response::Ok(_)),
                    "imported session is invalid: {session}"
                );
            }
        }
        Ok(())
    }

    /// Ways to damage a valid file.
    #[derive(Clone, Debug)]
    enum Damage {
        DropLine(usize),
        RepeatLine(usize),
        CutAt(usize),
        Insert(usize, String),
    }

    fn damage() -> impl Strategy<Value = Damage> {
        prop_oneof![
            (0usize..40).prop_map(Damage::DropLine),
            (0usize..40).prop_map(Damage::RepeatLine),
            (0usize..2000).prop_map(Damage::CutAt),
            (0usize..2000, "[A-Z;:=,\\r\\n \\-T0-9\"]{0,12}")
                .prop_map(|(at, text)| Damage::Insert(at, text)),
        ]
    }

    fn apply(text: &str, damages: &[Damage]) -> String {
        let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
        for damage in damages {
            match damage {
                Damage::DropLine(index) if *index < lines.len() => {
                    lines.remove(*index);
                }
                Damage::RepeatLine(index) if *index < lines.len() => {
                    let line = lines[*index].clone();
                    lines.insert(*index, line);
                }
                Damage::CutAt(at) => {
                    let joined = lines.join("\r\n");
                    let cut = joined
                        .char_indices()
                        .map(|(position, _)| position)
                        .find(|position| position >= at);
                    lines = joined[..cut.unwrap_or(joined.len())]
                        .split("\r\n")
                        .map(str::to_owned)
                        .collect();
                }
                Damage::Insert(at, inserted) => {
                    let mut joined = lines.join("\r\n");
                    let position = joined
                        .char_indices()
                        .map(|(position, _)| position)
                        .find(|position| position >= at)
                        .unwrap_or(joined.len());
                    joined.insert_str(position, inserted);
                    lines = joined.split("\r\n").map(str::to_owned).collect();
                }
                _ => {}
            }
        }
        lines.join("\r\n")
    }

    proptest! {
        #[test]
        fn damaged_files_never_panic(damages in proptest::collection::vec(damage(), 1..6)) {
            import_is_total(&apply(PHONE_CALENDAR, &damages))?;
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            import_is_total(&text)?;
        }
    }
}

/// A file of `series` daily events of 1000 sessions each, then `singles`
/// one-off events.
fn many_events(series: usize, singles: usize) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
    for index in 0..series {
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:series-{index}\r\nDTSTART;TZID=Asia/Shanghai:20260302T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=1000\r\nEND:VEVENT\r\n"
        ));
    }
    for index in 0..singles {
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:single-{index}\r\nDTSTART;TZID=Asia/Shanghai:20260302T190000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

/// Import options for the test course and venue.
fn import_options<'a>(
    calendars: &'a xuetong::schedule::CalendarSet,
    holiday_calendar: Option<&'a str>,
) -> xuetong::schedule::ical::ImportOptions<'a> {
    xuetong::schedule::ical::ImportOptions {
        course_id: Some(COURSE.parse().expect("a course id")),
        club_id: None,
        venue_id: Some(VENUE.parse().expect("a venue id")),
        time_zone: None,
        until: None,
        holiday_calendar,
        calendars,
        venues: &[],
    }
}

fn import_text(text: &str) -> Result<usize, Vec<(String, String)>> {
    let calendars = xuetong::schedule::CalendarSet::builtin();
    let options = import_options(&calendars, None);
    xuetong::schedule::ical::import_calendar(text, &options)
        .map(|imported| imported.sessions.len())
        .map_err(|problems| {
            problems
                .iter()
                .map(|problem| (problem.code.to_string(), problem.path.to_string()))
                .collect()
        })
}

#[test]
fn import_session_limit_counts_all_events() {
    // 100 series of 1000 sessions reach the limit of 100,000 exactly.
    assert_eq!(import_text(&many_events(100, 0)), Ok(100_000));
    // One more session passes it. The header takes 3 lines and each
    // series 6, so the single event begins on line 3 + 600 + 1.
    assert_eq!(
        import_text(&many_events(100, 1)),
        Err(vec![(
            "ical_too_many_sessions".to_owned(),
            "text[604]".to_owned()
        )])
    );
}

#[test]
fn import_rejects_oversized_text() {
    let limit = xuetong::schedule::ical::MAX_IMPORT_BYTES;
    assert_eq!(limit, 128 * 1024 * 1024);
    let mut text = many_events(0, 1);
    text.push_str(&" ".repeat(limit + 1 - text.len()));
    assert_eq!(
        import_text(&text),
        Err(vec![("ical_too_large".to_owned(), "text".to_owned())])
    );
}

#[test]
fn year_zero_neither_exported_nor_imported() {
    let session = json!({
        "id": "50000000-0000-4000-8000-000000000001",
        "course_id": COURSE, "venue_id": VENUE,
        "date": "0000-06-01", "start_time": "09:00", "end_time": "10:00",
        "time_zone": "Asia/Shanghai",
    });
    let response = call_value(
        "export_ical",
        &json!({"input": {"generated_at": "2026-12-04T08:00:00Z", "sessions": [session]}}),
    )
    .to_json();
    assert_eq!(response["ok"], false, "{response}");
    assert_eq!(response["problems"][0]["code"], "date_out_of_range");
    assert_eq!(
        response["problems"][0]["path"],
        json!(["sessions", 0, "date"])
    );
    let codes = import_codes(
        "UID:a\r\nDTSTART;TZID=Asia/Shanghai:00000601T090000\r\nDURATION:PT1H\r\n",
        json!({}),
    );
    assert_eq!(codes, ["date_out_of_range"]);
    let codes = import_codes(
        "UID:a\r\nDTSTART;TZID=Asia/Shanghai:00000601T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2\r\n",
        json!({}),
    );
    assert_eq!(codes, ["date_out_of_range"]);
}

#[test]
fn first_year_exports_and_imports() {
    // The VTIMEZONE of a session early on 1 January 0001 would describe the
    // year before it, which an iCalendar date-time cannot write.
    let session = json!({
        "id": "50000000-0000-4000-8000-000000000001",
        "course_id": COURSE, "venue_id": VENUE,
        "date": "0001-01-01", "start_time": "09:00", "end_time": "10:00",
        "time_zone": "America/New_York",
    });
    let text = export(&[session], json!({}));
    assert!(text.contains("DTSTART:00010101T000000\r\n"), "{text}");
    assert!(!text.contains("DTSTART:0000"), "{text}");
    assert!(!text.contains("DTSTART:-"), "{text}");
    let imported = ok(
        "import_ical",
        json!({"input": {"text": text}, "options": {"venues": [venue()]}}),
    );
    assert_eq!(imported["sessions"][0]["date"], "0001-01-01");
}

#[test]
fn second_override_of_one_occurrence() {
    let series = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Asia/Shanghai:20260302T090000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n";
    let moved = "BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;TZID=Asia/Shanghai:20260303T090000\r\nDTSTART;TZID=Asia/Shanghai:20260304T090000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n";
    let again = "BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;TZID=Asia/Shanghai:20260303T090000\r\nDTSTART;TZID=Asia/Shanghai:20260303T110000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n";
    let cancelled = "BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID;TZID=Asia/Shanghai:20260304T090000\r\nDTSTART;TZID=Asia/Shanghai:20260304T090000\r\nDURATION:PT1H\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\n";
    let options = json!({"course_id": COURSE, "venue_id": VENUE});

    // The second event for the 3 March occurrence begins on line 16, after
    // 3 header lines, 6 of the series and 6 of the first override.
    let text = format!("{series}{moved}{again}END:VCALENDAR\r\n");
    let response = call_value(
        "import_ical",
        &json!({"input": {"text": text}, "options": options}),
    )
    .to_json();
    assert_eq!(response["ok"], false, "{response}");
    let problem = &response["problems"][0];
    assert_eq!(problem["code"], "ical_repeated_override");
    assert_eq!(problem["path"], json!(["text", 16]));
    assert_eq!(problem["params"]["line"], 10);

    // An override names its occurrence by the original start, even when an
    // earlier override moved another occurrence onto that start.
    let text = format!("{series}{moved}{cancelled}END:VCALENDAR\r\n");
    let imported = ok(
        "import_ical",
        json!({"input": {"text": text}, "options": options}),
    );
    let mut found: Vec<(String, String)> = imported["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|session| {
            (
                session["source_key"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                format!("{} {}", session["date"], session["status"]),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            (
                "2026-03-02".to_owned(),
                "\"2026-03-02\" \"scheduled\"".to_owned()
            ),
            (
                "2026-03-03".to_owned(),
                "\"2026-03-04\" \"scheduled\"".to_owned()
            ),
            (
                "2026-03-04".to_owned(),
                "\"2026-03-04\" \"cancelled\"".to_owned()
            ),
        ]
    );
}

#[test]
fn import_calendar_checks_holiday_option() {
    let calendars = xuetong::schedule::CalendarSet::builtin();
    let options = import_options(&calendars, Some("xx"));
    // The file has one event and no RRULE, so no series looks the
    // calendar up.
    let problems = xuetong::schedule::ical::import_calendar(&many_events(0, 1), &options)
        .expect_err("an unknown holiday calendar is rejected");
    let problem = problems.iter().next().expect("one problem");
    assert_eq!(problems.len(), 1);
    assert_eq!(problem.code.to_string(), "unknown_holiday_calendar");
    assert_eq!(problem.path.to_string(), "options.holiday_calendar");
}

#[test]
fn unknown_calendar_ids_are_reported_trimmed() {
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n";
    let requests = [
        (
            "list_holidays",
            json!({"input": {"calendar": " mars\t", "year": 2026}}),
        ),
        (
            "classify_dates",
            json!({"input": {"calendar": "\u{3000}mars ", "dates": ["2026-01-01"]}}),
        ),
        (
            "import_ical",
            json!({
                "input": {"text": calendar},
                "options": {
                    "course_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
                    "venue_id": "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
                    "holiday_calendar": " mars\t",
                },
            }),
        ),
    ];
    for (operation, request) in requests {
        let response = call_value(operation, &request).into_json();
        let problem = &response["problems"][0];
        assert_eq!(problem["code"], "unknown_holiday_calendar", "{response}");
        assert_eq!(problem["params"]["value"], "mars", "{operation}");
        assert_eq!(problem["params"]["known"], "cn", "{operation}");
    }
}

#[test]
fn empty_input_fields_are_required() {
    // An input field that is null, empty or only spaces is left out, as a
    // record field is, and gets the problem of a missing one.
    let cases = [
        ("list_holidays", json!({"calendar": "cn"}), "year"),
        ("classify_dates", json!({"calendar": "cn"}), "dates"),
        ("import_ical", json!({}), "text"),
        ("export_ical", json!({"sessions": []}), "generated_at"),
    ];
    for (operation, input, field) in cases {
        let missing = call_value(operation, &json!({"input": input})).into_json();
        let problems = missing["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{operation}: {missing}");
        assert_eq!(problems[0]["code"], "required", "{operation}");
        assert_eq!(problems[0]["path"], json!([field]), "{operation}");
        for blank in [json!(null), json!(""), json!(" \t\u{3000}")] {
            let mut given = input.clone();
            given[field] = blank.clone();
            let response = call_value(operation, &json!({"input": given})).into_json();
            assert_eq!(
                response["problems"], missing["problems"],
                "{operation} with {field} {blank}"
            );
        }
    }
}

#[test]
fn null_calendars_option_is_left_out() {
    let input = json!({"calendar": "cn", "year": 2026});
    let left_out = call_value("list_holidays", &json!({"input": input})).into_json();
    assert_eq!(left_out["ok"], true, "{left_out}");
    let request = json!({"input": input, "options": {"calendars": null}});
    let null = call_value("list_holidays", &request).into_json();
    assert_eq!(null, left_out);
}

#[test]
fn list_holidays_reads_year_as_whole_number() {
    let number = call_value("list_holidays", &json!({"input": {"year": 2026}})).into_json();
    assert_eq!(number["value"]["year"], 2026, "{number}");
    for text in ["2026", " 2026\t"] {
        let response = call_value("list_holidays", &json!({"input": {"year": text}})).into_json();
        assert_eq!(response, number, "year {text:?}");
    }
    let bad = call_value("list_holidays", &json!({"input": {"year": "20x6"}})).into_json();
    let problem = &bad["problems"][0];
    assert_eq!(problem["code"], "invalid_integer", "{bad}");
    assert_eq!(problem["path"], json!(["year"]));
    assert_eq!(
        problem["message"],
        "year must be a whole number, got \"20x6\""
    );
    let negative = call_value("list_holidays", &json!({"input": {"year": -1}})).into_json();
    assert_eq!(
        negative["problems"][0]["code"], "out_of_range",
        "{negative}"
    );
}
