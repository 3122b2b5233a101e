//! Reading UUID text on the fast path of the scans reader.
//!
//! Nearly every id in a table is in the 36-character hyphenated form, which
//! [`decode_hyphenated`] reads with one table lookup a digit. Any other text
//! goes to the `uuid` crate, so the accepted texts and their values are
//! exactly those of [`Uuid::parse_str`], which the field readers use.

use uuid::Uuid;

/// Marks a byte that is not a hexadecimal digit in [`HEX_VALUES`].
const NOT_HEX: u8 = 0xFF;

/// The value of each byte as a hexadecimal digit, or [`NOT_HEX`].
const HEX_VALUES: [u8; 256] = {
    let mut values = [NOT_HEX; 256];
    let mut byte = 0;
    while byte < 256 {
        values[byte] = match byte as u8 {
            digit @ b'0'..=b'9' => digit - b'0',
            letter @ b'a'..=b'f' => letter - b'a' + 10,
            letter @ b'A'..=b'F' => letter - b'A' + 10,
            _ => NOT_HEX,
        };
        byte += 1;
    }
    values
};

/// The offset in a hyphenated UUID's text of each of its 16 bytes.
const BYTE_STARTS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/// The offsets of the four hyphens in a hyphenated UUID's text.
const HYPHENS: [usize; 4] = [8, 13, 18, 23];

/// Reads `text` as a UUID in any form [`Uuid::parse_str`] accepts.
pub(super) fn parse_uuid(text: &str) -> Option<Uuid> {
    decode_hyphenated(text).or_else(|| Uuid::parse_str(text).ok())
}

/// Reads the hyphenated form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with
/// digits of either case, and returns `None` for any other text.
fn decode_hyphenated(text: &str) -> Option<Uuid> {
    let text: &[u8; 36] = text.as_bytes().try_into().ok()?;
    if HYPHENS.iter().any(|&position| text[position] != b'-') {
        return None;
    }
    let mut bytes = [0_u8; 16];
    // Any byte that is not a digit sets the high bits of `seen`.
    let mut seen = 0_u8;
    for (byte, &start) in bytes.iter_mut().zip(&BYTE_STARTS) {
        let high = HEX_VALUES[usize::from(text[start])];
        let low = HEX_VALUES[usize::from(text[start + 1])];
        seen |= high | low;
        *byte = (high << 4) | (low & 0x0F);
    }
    (seen & 0xF0 == 0).then(|| Uuid::from_bytes(bytes))
}

/// The last UUID text read from one column and its value, so that a run of
/// rows with the same id (scans usually come grouped by session) reads it
/// once.
#[derive(Default)]
pub(super) struct LastUuid {
    text: String,
    value: Option<Uuid>,
}

impl LastUuid {
    /// Reads `text` as [`parse_uuid`] does, reusing the last value when the
    /// text is the same.
    pub(super) fn parse(&mut self, text: &str) -> Option<Uuid> {
        if self.text != text {
            self.value = parse_uuid(text);
            self.text.clear();
            self.text.push_str(text);
        }
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (SplitMix64), so that a failure can
    /// be replayed.
    struct Numbers(u64);

    impl Numbers {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut mixed = self.0;
            mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            mixed ^ (mixed >> 31)
        }

        fn below(&mut self, bound: usize) -> usize {
            (self.next() % bound as u64) as usize
        }
    }

    /// Returns a random UUID in the hyphenated form, each digit in a random case.
    fn hyphenated(numbers: &mut Numbers) -> String {
        let uuid = Uuid::from_u128(u128::from(numbers.next()) << 64 | u128::from(numbers.next()));
        uuid.hyphenated()
            .to_string()
            .chars()
            .map(|digit| {
                if numbers.below(2) == 0 {
                    digit.to_ascii_uppercase()
                } else {
                    digit
                }
            })
            .collect()
    }

    /// Returns `text` with one character replaced, inserted or removed, or
    /// written in another form that the `uuid` crate reads.
    fn malformed(numbers: &mut Numbers, text: &str) -> String {
        const ODD: [char; 12] = ['-', 'g', 'G', 'x', ' ', '{', '}', ':', '0', 'f', 'é', '中'];
        let mut chars: Vec<char> = text.chars().collect();
        let position = numbers.below(chars.len());
        let odd = ODD[numbers.below(ODD.len())];
        match numbers.below(7) {
            0 => chars[position] = odd,
            1 => chars.insert(position, odd),
            2 => {
                chars.remove(position);
            }
            3 => chars.retain(|&c| c != '-'),
            4 => return format!("{{{text}}}"),
            5 => return format!("urn:uuid:{text}"),
            _ => chars[position] = char::from(numbers.below(128) as u8),
        }
        chars.into_iter().collect()
    }

    #[test]
    fn decode_matches_uuid_crate() {
        let mut numbers = Numbers(2026);
        for _ in 0..20_000 {
            let good = hyphenated(&mut numbers);
            let bad = malformed(&mut numbers, &good);
            for text in [&good, &bad] {
                let expected = Uuid::parse_str(text).ok();
                let canonical = if text.len() == 36 { expected } else { None };
                assert_eq!(decode_hyphenated(text), canonical, "{text:?}");
                assert_eq!(parse_uuid(text), expected, "{text:?}");
            }
            assert!(decode_hyphenated(&good).is_some(), "{good:?}");
        }
    }

    #[test]
    fn decode_rejects_every_non_digit() {
        let good = "7a2c91e4-5b3d-4f60-8e17-c0ffee012345";
        for position in (0..36).filter(|position| !HYPHENS.contains(position)) {
            for byte in 0..128_u8 {
                let mut text = good.as_bytes().to_vec();
                text[position] = byte;
                let text = String::from_utf8(text).unwrap();
                assert_eq!(
                    decode_hyphenated(&text),
                    Uuid::parse_str(&text).ok(),
                    "{text:?}"
                );
            }
        }
        for position in HYPHENS {
            let mut text = good.as_bytes().to_vec();
            text[position] = b'0';
            assert_eq!(decode_hyphenated(std::str::from_utf8(&text).unwrap()), None);
        }
        assert_eq!(
            decode_hyphenated(good),
            Some(Uuid::from_u128(0x7a2c91e4_5b3d_4f60_8e17_c0ffee012345))
        );
    }

    #[test]
    fn last_uuid_reused_for_same_text() {
        let mut last = LastUuid::default();
        let first = "10000000-0000-4000-8000-000000000001";
        let upper = "ABCDEF00-0000-4000-8000-000000000002";
        assert_eq!(last.parse(first), Uuid::parse_str(first).ok());
        assert_eq!(last.parse(first), Uuid::parse_str(first).ok());
        assert_eq!(last.parse(upper), Uuid::parse_str(upper).ok());
        assert_eq!(last.parse("nobody"), None);
        assert_eq!(last.parse("nobody"), None);
        assert_eq!(last.parse(""), None);
        assert_eq!(last.parse(first), Uuid::parse_str(first).ok());
    }

    /// Reads the same id texts, alone and in runs, from each kind of text
    /// column split into batches of several sizes. The scans reader must
    /// return the records and report of the cell-by-cell reader.
    #[test]
    fn scans_reader_matches_cells_on_odd_ids() {
        use std::sync::Arc;

        use arrow_array::types::Int32Type;
        use arrow_array::{
            ArrayRef, DictionaryArray, LargeStringArray, RecordBatch, StringArray, StringViewArray,
            TimestampMicrosecondArray,
        };
        use xuetong::model::Scan;

        use super::super::read::{read_records, read_scans};
        use super::super::schemas::SCANS;

        let id = "50000000-0000-4000-8000-00000000000a";
        let simple = id.replace('-', "");
        let forms = [
            Some(id.to_owned()),
            Some(id.to_uppercase()),
            Some(format!("{{{id}}}")),
            Some(format!("urn:uuid:{id}")),
            Some(format!("URN:UUID:{id}")),
            Some(simple.clone()),
            Some(format!("{{{simple}}}")),
            Some(format!(" {id}\u{3000}")),
            Some(format!("{id}0")),
            Some(format!("{{{id}")),
            Some(id.replace('a', "\u{ff41}")),
            Some(id.replace('-', "_")),
            Some("5000000-00000-4000-8000-00000000000a".to_owned()),
            Some(String::new()),
            None,
        ];
        // Each form appears alone, then in a run of three, then between the
        // lower-case and upper-case texts of the canonical id.
        let mut texts: Vec<Option<String>> = forms.to_vec();
        for form in &forms {
            texts.extend([form.clone(), form.clone(), form.clone()]);
        }
        for form in &forms {
            texts.extend([Some(id.to_owned()), form.clone(), Some(id.to_uppercase())]);
        }
        let rows = texts.len();
        let learners: Vec<Option<String>> = texts.iter().rev().cloned().collect();
        let ids: Vec<Option<String>> = (0..rows)
            .map(|row| Some(format!("70000000-0000-4000-8000-{row:012x}")))
            .collect();

        fn borrowed(texts: &[Option<String>]) -> Vec<Option<&str>> {
            texts.iter().map(Option::as_deref).collect()
        }
        type Column = fn(&[Option<String>]) -> ArrayRef;
        let columns: [(&str, Column); 4] = [
            ("utf8", |texts| Arc::new(StringArray::from(borrowed(texts)))),
            ("large utf8", |texts| {
                Arc::new(LargeStringArray::from(borrowed(texts)))
            }),
            ("utf8 view", |texts| {
                Arc::new(StringViewArray::from(borrowed(texts)))
            }),
            ("dictionary", |texts| {
                let array: DictionaryArray<Int32Type> = borrowed(texts).into_iter().collect();
                Arc::new(array)
            }),
        ];
        for (kind, column) in columns {
            let at = TimestampMicrosecondArray::from(vec![1_772_412_730_000_000; rows]);
            let whole = RecordBatch::try_from_iter([
                ("id", column(&ids)),
                ("session_id", column(&texts)),
                ("learner_id", column(&learners)),
                ("scanned_at", Arc::new(at.with_timezone("UTC")) as ArrayRef),
            ])
            .unwrap();
            for size in [rows, 7, 2] {
                let batches: Vec<RecordBatch> = (0..rows)
                    .step_by(size)
                    .map(|start| whole.slice(start, size.min(rows - start)))
                    .collect();
                let fast = read_scans(&whole.schema(), &batches);
                let cells = read_records::<Scan>(&SCANS, &whole.schema(), &batches);
                assert!(!fast.records.is_empty(), "{kind}, batches of {size}");
                assert_eq!(fast.records, cells.records, "{kind}, batches of {size}");
                assert_eq!(fast.report, cells.report, "{kind}, batches of {size}");
            }
        }
    }
}
