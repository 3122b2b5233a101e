//! `outcomes.csv` written straight from each [`Outcome`]'s fields.
//!
//! A season has about 15 outcomes per learner, and the generic record
//! writer spends most of its time looking up field names and scanning
//! cells that are UUIDs, dates and numbers for characters that need
//! quoting. This writer writes the columns in their fixed order and scans
//! only free text.
//! The bytes are those of [`crate::bundle::write_records`], which a test
//! checks.

use std::io::{self, Write};

use crate::field::FieldValue;
use crate::model::{Outcome, OutcomeSource};
use crate::record::Record;

/// The size at which the buffered rows go to the writer: 1 MiB. A
/// `BufWriter` passes a block at least as large as its buffer straight to
/// the writer behind it, so blocks of this size cross the 1 MiB file buffer
/// of the command line without being copied into it.
pub(super) const CHUNK_BYTES: usize = 1 << 20;

/// Writes `outcomes` as CSV with a header of [`Outcome::FIELDS`], flushes
/// the writer, and returns the number of rows written, header not counted.
pub(super) fn write_outcome_rows(outcomes: &[Outcome], writer: &mut dyn Write) -> io::Result<u64> {
    let mut chunk = String::with_capacity(CHUNK_BYTES + 1024);
    for (index, spec) in Outcome::FIELDS.iter().enumerate() {
        if index > 0 {
            chunk.push(',');
        }
        push_cell(&mut chunk, spec.name);
    }
    chunk.push('\n');

    for outcome in outcomes {
        push_row(&mut chunk, outcome);
        if chunk.len() >= CHUNK_BYTES {
            writer.write_all(chunk.as_bytes())?;
            chunk.clear();
        }
    }
    writer.write_all(chunk.as_bytes())?;
    writer.flush()?;
    Ok(outcomes.len() as u64)
}

/// Appends the row of `outcome`: the cells of `Outcome::write_fields`, in
/// the order of [`Outcome::FIELDS`], empty where a field is not written.
fn push_row(out: &mut String, outcome: &Outcome) {
    outcome.id.write_text(out);
    out.push(',');
    if let Some(source) = &outcome.source {
        push_cell(out, source.system());
        out.push(',');
        push_key_cell(out, outcome, source);
    } else {
        out.push(',');
    }
    out.push(',');

    outcome.learner_id.write_text(out);
    out.push(',');
    out.push_str(outcome.kind.as_str());
    out.push(',');
    outcome.occurred_on.write_text(out);
    out.push(',');
    push_optional(out, outcome.recorded_on.as_ref());
    out.push_str(outcome.role.as_str());
    out.push(',');

    push_optional(out, outcome.minutes.as_ref());
    push_optional(out, outcome.course_id.as_ref());
    push_optional(out, outcome.club_id.as_ref());
    push_optional(out, outcome.session_id.as_ref());
    let details = outcome.details();
    push_optional_text(
        out,
        details.category.as_ref().map(|category| category.as_str()),
    );

    push_optional_text(out, details.title.as_deref());
    push_optional_text(out, details.certificate_code.as_deref());
    push_optional(out, details.certificate_level.as_ref());
    push_optional_text(out, details.award_scope.map(|scope| scope.as_str()));
    push_optional_text(out, details.award_rank.map(|rank| rank.as_str()));

    // `write_fields` writes `team` only when it is set.
    if details.team {
        out.push_str("true");
    }
    out.push(',');

    push_optional_text(out, details.resource_id.as_deref());
    push_optional_text(out, details.evidence.as_deref());
    out.push_str(if outcome.banked { "true" } else { "false" });
    out.push(',');
    push_optional(out, details.score.as_ref());
    if let Some(passed) = details.passed {
        passed.write_text(out);
    }
    out.push('\n');
}

/// Appends the text of a value that never needs quoting (ids, dates,
/// numbers, booleans), or nothing, then the comma after it.
fn push_optional(out: &mut String, value: Option<&impl FieldValue>) {
    if let Some(value) = value {
        value.write_text(out);
    }
    out.push(',');
}

/// Appends free text as a cell, or nothing, then the comma after it.
fn push_optional_text(out: &mut String, text: Option<&str>) {
    if let Some(text) = text {
        push_cell(out, text);
    }
    out.push(',');
}

/// Appends the key of `outcome`'s `source` as one CSV cell. A key made
/// from attendance is a snake_case kind and two UUIDs, which never need
/// quotes, so it is written straight into `out`.
fn push_key_cell(out: &mut String, outcome: &Outcome, source: &OutcomeSource) {
    match source {
        OutcomeSource::Given(source) => push_cell(out, &source.key),
        OutcomeSource::Attendance { .. } => outcome.push_source_key(out),
    }
}

/// Appends `text` as one CSV cell. When [`needs_quotes`] returns true, the
/// cell is quoted and each quote inside it doubled.
pub(super) fn push_cell(out: &mut String, text: &str) {
    if !needs_quotes(text) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for (index, part) in text.split('"').enumerate() {
        if index > 0 {
            out.push_str("\"\"");
        }
        out.push_str(part);
    }
    out.push('"');
}

/// Checks whether `text` contains a comma, a double quote, a carriage
/// return or a line feed: the bytes that the `csv` crate's writer (1.x)
/// with `QuoteStyle::Necessary` and its default settings quotes.
///
/// All four are below `-`, and source keys of UUIDs and snake_case words
/// have no byte that low. A scan for low bytes without early exit, which
/// the compiler can vectorise, rules such cells out before the exact check.
pub(super) fn needs_quotes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let has_low_byte = bytes
        .iter()
        .fold(false, |found, &byte| found | (byte < b'-'));
    has_low_byte
        && bytes
            .iter()
            .any(|&byte| matches!(byte, b',' | b'"' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::attendance::{OUTCOME_SOURCE_SYSTEM, push_source_key};
    use crate::bundle::write_records;
    use crate::id::{ClubId, CourseId, LearnerId, OutcomeId, SessionId};
    use crate::model::{
        AwardRank, AwardScope, Category, OutcomeDetails, OutcomeKind, Role, SourceRef,
    };

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    /// Makes an outcome as attendance makes it: a source, minutes, a course and a
    /// session, every other optional field empty.
    fn attended(learner: &str, session: &str, minutes: u32) -> Outcome {
        let learner_id = LearnerId::derive("test", learner);
        let session_id = SessionId::derive("test", session);
        let subject = session_id.uuid();
        let mut key = String::new();
        push_source_key(&mut key, OutcomeKind::Attendance, learner_id, subject);
        Outcome {
            id: OutcomeId::derive(OUTCOME_SOURCE_SYSTEM, &key),
            source: Some(OutcomeSource::Attendance { subject }),
            learner_id,
            kind: OutcomeKind::Attendance,
            occurred_on: date(2026, 3, 7),
            recorded_on: None,
            role: Role::Learner,
            minutes: Some(minutes),
            course_id: Some(CourseId::derive("test", "course")),
            club_id: None,
            session_id: Some(session_id),
            banked: false,
            details: None,
        }
    }

    /// Makes an outcome with every field set and free text that needs quoting.
    fn filled() -> Outcome {
        Outcome {
            id: OutcomeId::derive("test", "filled"),
            source: Some(OutcomeSource::from(SourceRef {
                system: "registry, \"old\"".into(),
                key: "line one\nline two".to_owned(),
            })),
            learner_id: LearnerId::derive("test", "9"),
            kind: OutcomeKind::Award,
            occurred_on: date(2026, 5, 20),
            recorded_on: Some(date(2026, 6, 1)),
            role: Role::Instructor,
            minutes: Some(4_294_967_295),
            course_id: Some(CourseId::derive("test", "c")),
            club_id: Some(ClubId::derive("test", "k")),
            session_id: Some(SessionId::derive("test", "s")),
            banked: true,
            details: Some(std::sync::Arc::new(OutcomeDetails {
                category: Some(Category::new("tai_chi").unwrap()),
                title: Some("Calligraphy, \"seal script\" 书法".to_owned()),
                certificate_code: Some("CERT\r42".to_owned()),
                certificate_level: Some(3),
                award_scope: Some(AwardScope::Provincial),
                award_rank: Some(AwardRank::First),
                team: true,
                resource_id: Some("\"".to_owned()),
                evidence: Some("scan-17.pdf".to_owned()),
                score: Some(100),
                passed: Some(false),
            })),
        }
    }

    fn generic_csv(outcomes: &[Outcome]) -> String {
        let mut out = Vec::new();
        write_records(outcomes, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn direct_csv(outcomes: &[Outcome]) -> (String, u64) {
        let mut out = Vec::new();
        let rows = write_outcome_rows(outcomes, &mut out).unwrap();
        (String::from_utf8(out).unwrap(), rows)
    }

    #[test]
    fn rows_match_generic_writer() {
        let mut sparse = filled();
        sparse.source = None;
        sparse.recorded_on = None;
        sparse.details_mut().title = Some(String::new());
        sparse.details_mut().team = false;
        sparse.details_mut().passed = Some(true);
        sparse.occurred_on = date(10_000, 1, 1);
        let outcomes = vec![attended("1", "a", 90), filled(), sparse];

        let (direct, rows) = direct_csv(&outcomes);

        assert_eq!(direct, generic_csv(&outcomes));
        assert_eq!(rows, 3);
    }

    #[test]
    fn allocated_empty_details_written_as_none() {
        let mut allocated = attended("1", "a", 90);
        allocated.details = Some(std::sync::Arc::default());
        let mut cleared = filled();
        *cleared.details_mut() = OutcomeDetails::EMPTY;
        let mut bare = filled();
        bare.details = None;

        let (direct, _) = direct_csv(&[allocated, cleared]);

        let (expected, _) = direct_csv(&[attended("1", "a", 90), bare]);
        assert_eq!(direct, expected);
        // After the session id: nine empty cells from category to
        // evidence, then banked, score and passed.
        let first = direct.lines().nth(1).unwrap();
        assert!(first.ends_with(",,,,,,,,,,false,,"), "{first}");
    }

    #[test]
    fn quoted_cells_double_quotes() {
        let (direct, _) = direct_csv(&[filled()]);

        assert!(direct.contains(",\"registry, \"\"old\"\"\",\"line one\nline two\","));
        assert!(direct.contains(",\"Calligraphy, \"\"seal script\"\" 书法\","));
        assert!(direct.contains(",\"CERT\r42\","));
        assert!(direct.contains(",\"\"\"\",scan-17.pdf,"));
    }

    #[test]
    fn needs_quotes_finds_each_special_byte() {
        for text in ["a,b", "say \"hi\"", "one\ntwo", "one\rtwo", ","] {
            assert!(needs_quotes(text), "{text:?}");
        }
        for text in [
            "",
            "plain words",
            "attendance:0f8fad5b-d9cb-469f",
            "a;b\tc",
            "书法",
        ] {
            assert!(!needs_quotes(text), "{text:?}");
        }
    }

    #[test]
    fn hostile_text_matches_generic_writer() {
        // Cells the csv crate leaves unquoted (tabs, spaces at either end,
        // leading formula signs, low control bytes, non-ASCII) and cells it
        // quotes (CRLF, a lone quote, only a separator), in every text field.
        let texts = [
            "\ttab\t",
            "  both ends  ",
            "=1+2",
            "+cmd",
            "-3",
            "@SUM(A1)",
            "\u{1}\u{1f}",
            "e\u{301} 😀 \u{2028} \u{feff}",
            "line\r\nnext",
            "\"",
            "\"\"",
            ",",
            "\r\n",
            " ",
        ];
        let mut outcomes = Vec::new();
        for (index, text) in texts.iter().enumerate() {
            let mut outcome = filled();
            outcome.id = OutcomeId::derive("test", &index.to_string());
            outcome.source = Some(OutcomeSource::from(SourceRef {
                system: (*text).to_owned().into(),
                key: format!("{text}{index}"),
            }));
            outcome.details_mut().title = Some((*text).to_owned());
            outcome.details_mut().certificate_code = Some((*text).to_owned());
            outcome.details_mut().resource_id = Some((*text).to_owned());
            outcome.details_mut().evidence = Some((*text).to_owned());
            outcomes.push(outcome);
        }
        // Quoted text that runs past a chunk on its own.
        let mut long = filled();
        long.details_mut().title = Some("a,\"\n".repeat(CHUNK_BYTES / 2));
        outcomes.push(long);

        let (direct, rows) = direct_csv(&outcomes);

        assert_eq!(direct, generic_csv(&outcomes));
        assert_eq!(rows, texts.len() as u64 + 1);
    }

    #[test]
    fn no_outcomes_writes_header() {
        let (direct, rows) = direct_csv(&[]);

        assert_eq!(direct, generic_csv(&[]));
        assert_eq!(rows, 0);
    }

    #[test]
    fn rows_across_chunks_match() {
        let outcomes: Vec<Outcome> = (0..12_000)
            .map(|index| attended(&index.to_string(), &format!("s{index}"), index))
            .collect();

        let (direct, rows) = direct_csv(&outcomes);

        assert!(direct.len() > 2 * CHUNK_BYTES);
        assert_eq!(direct, generic_csv(&outcomes));
        assert_eq!(rows, 12_000);
    }

    #[test]
    fn failed_flush_is_reported() {
        // The buffer takes the rows, and only flushing them into the slice
        // with no room fails.
        let mut full: &mut [u8] = &mut [];
        let mut writer = io::BufWriter::new(&mut full);

        let error = write_outcome_rows(&[attended("1", "s1", 90)], &mut writer).unwrap_err();

        assert_eq!(error.kind(), io::ErrorKind::WriteZero);
    }
}
