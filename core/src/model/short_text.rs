//! Short free text kept inside its record: the check-in token and the nonce
//! of a scan.

use std::cmp::Ordering;
use std::fmt;
use std::hash::Hash;
use std::ops::Deref;

use crate::field::{FieldValue, Invalid, check_free_text};

/// The maximum number of characters in a packed text: 22 bytes at 6 bits each.
const MAX_PACKED_CHARS: usize = 29;

/// Free text that is stored inside its record when it is short, without a
/// heap allocation, and in a box otherwise.
///
/// `N` is the number of bytes kept inline, at most 22. On 64-bit targets
/// the value takes `N` plus 2 bytes, rounded up to 8, and 16 bytes at
/// least: 24 bytes for `ShortText<22>` and 16 bytes for `ShortText<14>`,
/// with or without an `Option` around it. It stores
///
/// - text of at most `N` bytes as it is;
/// - text of at most `N * 4 / 3` characters taken only from the base64url
///   alphabet (`A`–`Z`, `a`–`z`, `0`–`9`, `-` and `_`) packed at 6 bits a
///   character. A rotating check-in token (24 characters) fits in
///   `ShortText<22>`, and a nonce of 16 hexadecimal digits in
///   `ShortText<14>`;
/// - any other text in a box.
///
/// Each text has exactly one of these forms, so two values are equal when
/// their texts are. [`ShortText::text`] returns the text, and values order
/// as their texts do.
///
/// # Example
///
/// ```
/// use xuetong::model::ShortText;
///
/// let token = ShortText::<22>::new("AAADhZUnlM-Y4MGycScsKQFW");
/// assert_eq!(token.text(), "AAADhZUnlM-Y4MGycScsKQFW");
/// assert_eq!(token.text().len(), 24);
/// assert!(!token.is_boxed());
/// assert!(ShortText::<22>::new("a text of more than 29 characters").is_boxed());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ShortText<const N: usize>(Form<N>);

/// The three forms of a [`ShortText`]. Bytes past the length are zero, so
/// the derived equality compares texts.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Form<const N: usize> {
    /// The text's bytes, `len` of them.
    Inline { len: u8, bytes: [u8; N] },
    /// `chars` base64url characters at 6 bits each, the first character in
    /// the high bits of the first byte.
    Packed { chars: u8, bits: [u8; N] },
    /// Text that fits neither of the other two forms. The inner box keeps the pointer
    /// thin (8 bytes), which keeps `ShortText<14>` at 16 bytes.
    Boxed(Box<Box<str>>),
}

impl<const N: usize> ShortText<N> {
    /// Stores `text` in the first of the three forms that fits it.
    pub fn new(text: &str) -> Self {
        const { assert!(N <= 22, "a ShortText keeps at most 22 bytes inline") };
        if text.len() <= N {
            let mut bytes = [0; N];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            return Self(Form::Inline {
                len: text.len() as u8,
                bytes,
            });
        }
        if let Some(bits) = pack::<N>(text) {
            return Self(Form::Packed {
                chars: text.len() as u8,
                bits,
            });
        }
        Self(Form::Boxed(Box::new(text.into())))
    }

    /// Returns the text, borrowed or unpacked into the returned value.
    pub fn text(&self) -> ShortStr<'_> {
        match &self.0 {
            Form::Inline { len, bytes } => {
                ShortStr(View::Borrowed(inline_str(&bytes[..usize::from(*len)])))
            }
            Form::Packed { chars, bits } => ShortStr(View::Unpacked {
                len: *chars,
                bytes: unpack(bits, usize::from(*chars)),
            }),
            Form::Boxed(text) => ShortStr(View::Borrowed(text)),
        }
    }

    /// Returns whether the text is kept in a box on the heap.
    pub fn is_boxed(&self) -> bool {
        matches!(self.0, Form::Boxed(_))
    }
}

/// Reads the bytes of an inline text, which [`ShortText::new`] copied from
/// a `&str` whole.
fn inline_str(bytes: &[u8]) -> &str {
    // NOTE: the bytes were a whole `&str`, so this never falls back to "".
    std::str::from_utf8(bytes).unwrap_or_default()
}

/// The base64url alphabet, in the order of the 6-bit values.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 6-bit value of each byte in the base64url alphabet, and
/// [`NOT_BASE64URL`] for every other byte. Check-in tokens are decoded
/// with it too.
pub(crate) const SEXTETS: [u8; 256] = {
    let mut table = [NOT_BASE64URL; 256];
    let mut value = 0;
    while value < ALPHABET.len() {
        table[ALPHABET[value] as usize] = value as u8;
        value += 1;
    }
    table
};

/// The [`SEXTETS`] entry of a byte outside the base64url alphabet. Its
/// high bit is set, and no 6-bit value has it.
pub(crate) const NOT_BASE64URL: u8 = 0x80;

/// Packs `text` at 6 bits a character, or returns `None` when it has a
/// character outside the base64url alphabet or more than `N * 4 / 3`.
fn pack<const N: usize>(text: &str) -> Option<[u8; N]> {
    pack_bytes(text.as_bytes())
}

/// Packs the bytes four at a time into three bytes, the first one's 6-bit
/// value in the high bits. Bytes past the text's bits stay zero.
fn pack_bytes<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    if text.len() * 6 > N * 8 {
        return None;
    }
    let mut bits = [0; N];
    // The OR of every looked-up value: its high bit is set when some byte
    // is outside the alphabet, so one check at the end covers them all.
    let mut seen = 0;
    let groups = text.chunks_exact(4);
    let rest = groups.remainder();
    for (group, out) in groups.zip(bits.chunks_exact_mut(3)) {
        let values =
            [group[0], group[1], group[2], group[3]].map(|byte| SEXTETS[usize::from(byte)]);
        seen |= values[0] | values[1] | values[2] | values[3];
        let joined = u32::from(values[0]) << 18
            | u32::from(values[1]) << 12
            | u32::from(values[2]) << 6
            | u32::from(values[3]);
        out.copy_from_slice(&joined.to_be_bytes()[1..]);
    }
    if !rest.is_empty() {
        // One to three characters left, in the first 6, 12 or 18 of 24
        // bits. Only the bytes their bits reach are written, and they fit
        // within `N` because the length check above counted every bit.
        let mut joined = 0;
        for (index, &byte) in rest.iter().enumerate() {
            let value = SEXTETS[usize::from(byte)];
            seen |= value;
            joined |= u32::from(value) << (18 - 6 * index);
        }
        let start = text.len() / 4 * 3;
        let used = (rest.len() * 6).div_ceil(8);
        bits[start..start + used].copy_from_slice(&joined.to_be_bytes()[1..=used]);
    }
    if seen & NOT_BASE64URL != 0 {
        return None;
    }
    Some(bits)
}

/// Unpacks the first `chars` characters of packed bits, three bytes into
/// four characters at a time. Bytes past `chars` in the result are zero.
fn unpack<const N: usize>(bits: &[u8; N], chars: usize) -> [u8; MAX_PACKED_CHARS] {
    // Eight groups of three bytes cover the 22 bytes of the largest `N`,
    // with zeros after the bits, and unpack to 32 characters.
    let mut padded = [0; 24];
    padded[..N].copy_from_slice(bits);
    let mut unpacked = [0; 32];
    let groups = padded.chunks_exact(3).zip(unpacked.chunks_exact_mut(4));
    for (group, out) in groups.take(chars.div_ceil(4)) {
        let joined = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for (index, character) in out.iter_mut().enumerate() {
            *character = ALPHABET[(joined >> (18 - 6 * index)) as usize & 63];
        }
    }
    let mut bytes = [0; MAX_PACKED_CHARS];
    bytes[..chars].copy_from_slice(&unpacked[..chars]);
    bytes
}

impl<const N: usize> From<&str> for ShortText<N> {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl<const N: usize> From<String> for ShortText<N> {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl<const N: usize> PartialEq<str> for ShortText<N> {
    fn eq(&self, other: &str) -> bool {
        *self.text() == *other
    }
}

impl<const N: usize> PartialEq<&str> for ShortText<N> {
    fn eq(&self, other: &&str) -> bool {
        *self.text() == **other
    }
}

impl<const N: usize> PartialOrd for ShortText<N> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Orders as the texts do, byte by byte.
impl<const N: usize> Ord for ShortText<N> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.text().cmp(&other.text())
    }
}

impl<const N: usize> fmt::Debug for ShortText<N> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), formatter)
    }
}

impl<const N: usize> fmt::Display for ShortText<N> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.text())
    }
}

/// Free text as [`String`] reads it: at most
/// [`MAX_TEXT_CHARS`](crate::field::MAX_TEXT_CHARS) characters, no control
/// characters but tab, line feed and carriage return, and neither U+2028
/// nor U+2029.
impl<const N: usize> FieldValue for ShortText<N> {
    fn from_text(text: &str) -> Result<Self, Invalid> {
        check_free_text(text)?;
        Ok(Self::new(text))
    }

    fn to_text(&self) -> String {
        String::from(&*self.text())
    }

    fn write_text(&self, out: &mut String) {
        out.push_str(&self.text());
    }
}

/// The text of a [`ShortText`]: borrowed from it, or unpacked into this
/// value. It dereferences to `str`, and compares and prints as that text.
#[derive(Clone, Copy)]
pub struct ShortStr<'a>(View<'a>);

#[derive(Clone, Copy, Debug)]
enum View<'a> {
    Borrowed(&'a str),
    Unpacked {
        len: u8,
        bytes: [u8; MAX_PACKED_CHARS],
    },
}

impl Deref for ShortStr<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            View::Borrowed(text) => text,
            // The unpacked bytes are base64url characters, all ASCII.
            View::Unpacked { len, bytes } => inline_str(&bytes[..usize::from(*len)]),
        }
    }
}

impl fmt::Display for ShortStr<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self)
    }
}

/// Shows the text as a quoted string, as `str` does.
impl fmt::Debug for ShortStr<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, formatter)
    }
}

impl PartialEq for ShortStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for ShortStr<'_> {}

impl PartialEq<str> for ShortStr<'_> {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl PartialEq<&str> for ShortStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn sizes_with_and_without_option() {
        // The inline and packed forms take a tag, a length and 22 bytes:
        // 24. The boxed form takes the tag, padding to offset 8 and a thin
        // pointer of 8 bytes: 16. `Option` uses a spare tag value.
        assert_eq!(std::mem::size_of::<ShortText<22>>(), 24);
        assert_eq!(std::mem::size_of::<Option<ShortText<22>>>(), 24);
        // A tag, a length and 14 bytes: 16, as the boxed form.
        assert_eq!(std::mem::size_of::<ShortText<14>>(), 16);
        assert_eq!(std::mem::size_of::<Option<ShortText<14>>>(), 16);
    }

    #[test]
    fn forms_chosen_by_length_and_alphabet() {
        let inline = ShortText::<22>::new("token with spaces, 22b");
        assert!(matches!(inline.0, Form::Inline { len: 22, .. }));
        let packed = ShortText::<22>::new("AAADhZUnlM-Y4MGycScsKQFW");
        assert!(matches!(packed.0, Form::Packed { chars: 24, .. }));
        let longest = ShortText::<22>::new(&"_".repeat(29));
        assert!(matches!(longest.0, Form::Packed { chars: 29, .. }));
        assert!(ShortText::<22>::new(&"_".repeat(30)).is_boxed());
        assert!(ShortText::<22>::new("AAADhZUnlM+Y4MGycScsKQFW").is_boxed());
        assert!(ShortText::<22>::new("二维码签到令牌二维码签到令牌").is_boxed());

        let nonce = ShortText::<14>::new("e6f6e8cbefc9f66e");
        assert!(matches!(nonce.0, Form::Packed { chars: 16, .. }));
        assert!(ShortText::<14>::new(&"a".repeat(19)).is_boxed());
    }

    #[test]
    fn every_form_returns_its_text() {
        let alphabet = std::str::from_utf8(ALPHABET).unwrap();
        let texts = [
            "",
            "t-1",
            "AAADhZUnlM-Y4MGycScsKQFW",
            &alphabet[..29],
            &alphabet[35..],
            &alphabet[..23],
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "_____________________________",
            "a token with spaces that is long",
            "签到令牌",
        ];
        for text in texts {
            assert_eq!(&*ShortText::<22>::new(text).text(), text);
            assert_eq!(&*ShortText::<14>::new(text).text(), text);
        }
    }

    #[test]
    fn packing_keeps_each_character() {
        // Every character at every position of the longest packed text, so
        // each offset of a sextet within its bytes is covered.
        for position in 0..MAX_PACKED_CHARS {
            for &character in ALPHABET {
                let mut text = vec![b'A'; MAX_PACKED_CHARS];
                text[position] = character;
                let text = String::from_utf8(text).unwrap();
                let stored = ShortText::<22>::new(&text);
                assert!(!stored.is_boxed());
                assert_eq!(&*stored.text(), text);
            }
        }
    }

    #[test]
    fn equal_and_ordered_as_texts() {
        let texts = [
            "",
            "Zz",
            "a",
            "a-",
            "a_",
            "abc",
            "AAAAAAAAAAAAAAAAAAAAAAAAA",
            "é",
        ];
        for a in texts {
            for b in texts {
                let (short_a, short_b) = (ShortText::<14>::new(a), ShortText::<14>::new(b));
                assert_eq!(short_a.cmp(&short_b), a.cmp(b), "{a:?} against {b:?}");
                assert_eq!(short_a == short_b, a == b, "{a:?} against {b:?}");
            }
        }
    }

    #[test]
    fn field_value_checks_free_text() {
        let read = ShortText::<22>::from_text("AAADhZUnlM-Y4MGycScsKQFW").unwrap();
        assert_eq!(read, "AAADhZUnlM-Y4MGycScsKQFW");
        assert_eq!(read.to_text(), "AAADhZUnlM-Y4MGycScsKQFW");
        let mut out = String::from("x,");
        read.write_text(&mut out);
        assert_eq!(out, "x,AAADhZUnlM-Y4MGycScsKQFW");
        assert!(ShortText::<22>::from_text("bad\u{0}token").is_err());
        assert!(ShortText::<22>::from_text(&"x".repeat(501)).is_err());
    }

    #[test]
    fn field_value_errors_as_string() {
        let long_packable = "x".repeat(501);
        let long_chinese = "签".repeat(501);
        let bad = [
            "bad\u{0}token",
            "AAADhZUnlM-Y4MGy\u{1b}[0m",
            "token\u{2028}",
            "\u{2029}",
            "\u{85}",
            &long_packable,
            &long_chinese,
        ];
        for text in bad {
            let expected = String::from_text(text).unwrap_err();
            assert_eq!(ShortText::<22>::from_text(text).unwrap_err(), expected);
            assert_eq!(ShortText::<14>::from_text(text).unwrap_err(), expected);
        }
        let longest = "签".repeat(500);
        assert_eq!(ShortText::<22>::from_text(&longest).unwrap(), *longest);
    }

    /// The form `ShortText<N>` should choose for `text`, worked out from
    /// the rules of the type's documentation.
    fn expected_form(text: &str, n: usize) -> &'static str {
        let base64url = text
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        if text.len() <= n {
            "inline"
        } else if base64url && text.len() <= n * 4 / 3 {
            "packed"
        } else {
            "boxed"
        }
    }

    fn form_name<const N: usize>(stored: &ShortText<N>) -> &'static str {
        match stored.0 {
            Form::Inline { .. } => "inline",
            Form::Packed { .. } => "packed",
            Form::Boxed(_) => "boxed",
        }
    }

    /// Checks the form and the text of `text` stored in `ShortText<N>`.
    fn check_stored<const N: usize>(text: &str) {
        let stored = ShortText::<N>::new(text);
        assert_eq!(
            form_name(&stored),
            expected_form(text, N),
            "{text:?} in {N}"
        );
        assert_eq!(&*stored.text(), text, "{text:?} in {N}");
        assert_eq!(stored.to_string(), text);
        assert_eq!(format!("{stored:?}"), format!("{text:?}"));
    }

    #[test]
    fn forms_at_length_boundaries() {
        for n in [14, 22] {
            let packed_max = n * 4 / 3;
            let mut texts = vec![
                String::new(),
                "A".repeat(n),
                "A".repeat(n + 1),
                "_".repeat(packed_max),
                "_".repeat(packed_max + 1),
                // A character of two bytes ending at byte N, and at N + 1.
                format!("{}é", "a".repeat(n - 2)),
                format!("{}é", "a".repeat(n - 1)),
                format!("é{}", "a".repeat(n - 1)),
                // Three bytes at the end of exactly N bytes.
                format!("{}签", "a".repeat(n - 3)),
                // Spaces, which base64url lacks, are kept as they are.
                format!("{} ", "a".repeat(n - 1)),
            ];
            // Characters just outside the alphabet, at each end of a text
            // that would otherwise be packed.
            for outside in ['=', '+', '/', '.', '@', '[', '`', '{', '~', ' '] {
                texts.push(format!("{outside}{}", "a".repeat(n)));
                texts.push(format!("{}{outside}", "a".repeat(n)));
                texts.push(format!("{}{outside}", "a".repeat(packed_max - 1)));
            }
            for text in &texts {
                match n {
                    14 => check_stored::<14>(text),
                    _ => check_stored::<22>(text),
                }
            }
        }
        // Spot checks of the rule above, counted by hand.
        assert_eq!(expected_form(&"A".repeat(18), 14), "packed");
        assert_eq!(expected_form(&"A".repeat(19), 14), "boxed");
        assert_eq!(expected_form(&"A".repeat(29), 22), "packed");
        assert_eq!(expected_form(&"A".repeat(30), 22), "boxed");
        assert_eq!(expected_form("AAAAAAAAAAAAAA=", 14), "boxed");
    }

    /// Packs `text` one bit at a time, the first character's high bit
    /// first, as base64url decoding lays out its bytes.
    fn pack_bit_by_bit(text: &str, n: usize) -> Vec<u8> {
        let mut bits = Vec::new();
        for byte in text.bytes() {
            let value = ALPHABET.iter().position(|&c| c == byte).unwrap();
            bits.extend((0..6).rev().map(|bit| (value >> bit) & 1 == 1));
        }
        bits.resize(n * 8, false);
        bits.chunks(8)
            .map(|byte| byte.iter().fold(0, |acc, &bit| acc << 1 | u8::from(bit)))
            .collect()
    }

    #[test]
    fn packed_bits_as_base64url_decodes() {
        // "QUJD" is base64 for the bytes "ABC".
        let stored = ShortText::<14>::new("QUJDQUJDQUJDQUJD");
        let Form::Packed { bits, .. } = stored.0 else {
            panic!("not packed: {stored:?}");
        };
        assert_eq!(&bits[..12], b"ABCABCABCABC");
        assert_eq!(bits[12..], [0, 0]);
    }

    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        let characters = vec![
            'A', 'Z', 'a', 'z', '0', '9', '-', '_', '=', '+', '/', '.', ' ', 'é', '签', '\u{0}',
            '\u{7f}',
        ];
        proptest::collection::vec(proptest::sample::select(characters), 0..34)
            .prop_map(|characters| characters.into_iter().collect())
    }

    fn any_base64url() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(ALPHABET.to_vec()), 0..34)
            .prop_map(|bytes| String::from_utf8(bytes).unwrap())
    }

    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![any_text(), any_base64url()]
    }

    fn hash_of<T: Hash>(value: &T) -> u64 {
        use std::hash::{BuildHasher, RandomState};
        thread_local!(static STATE: RandomState = RandomState::new());
        STATE.with(|state| state.hash_one(value))
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #[test]
        fn any_text_stored_and_returned(text in any_text()) {
            check_stored::<14>(&text);
            check_stored::<22>(&text);
        }

        #[test]
        fn any_base64url_packed_bit_by_bit(text in any_base64url()) {
            check_stored::<14>(&text);
            check_stored::<22>(&text);
            if let Form::Packed { bits, .. } = ShortText::<22>::new(&text).0 {
                proptest::prop_assert_eq!(bits.to_vec(), pack_bit_by_bit(&text, 22));
            }
            if let Form::Packed { bits, .. } = ShortText::<14>::new(&text).0 {
                proptest::prop_assert_eq!(bits.to_vec(), pack_bit_by_bit(&text, 14));
            }
        }

        #[test]
        fn any_pair_compares_as_str(
            a in mixed_text(),
            b in mixed_text(),
        ) {
            let (a14, b14) = (ShortText::<14>::new(&a), ShortText::<14>::new(&b));
            let (a22, b22) = (ShortText::<22>::new(&a), ShortText::<22>::new(&b));
            proptest::prop_assert_eq!(a14.cmp(&b14), a.cmp(&b));
            proptest::prop_assert_eq!(a22.cmp(&b22), a.cmp(&b));
            proptest::prop_assert_eq!(a14.partial_cmp(&b14), a.partial_cmp(&b));
            proptest::prop_assert_eq!(a14 == b14, a == b);
            proptest::prop_assert_eq!(a22 == b22, a == b);
            proptest::prop_assert_eq!(a22 == *b.as_str(), a == b);
            if a == b {
                proptest::prop_assert_eq!(hash_of(&a14), hash_of(&b14));
                proptest::prop_assert_eq!(hash_of(&a22), hash_of(&b22));
            }
        }

        #[test]
        fn any_texts_sort_and_dedup_as_str(
            texts in proptest::collection::vec(mixed_text(), 0..40),
        ) {
            let mut expected: Vec<&str> = texts.iter().map(String::as_str).collect();
            expected.sort_unstable();
            expected.dedup();
            let mut stored: Vec<ShortText<14>> =
                texts.iter().map(|text| ShortText::new(text)).collect();
            stored.sort_unstable();
            stored.dedup();
            let found: Vec<String> = stored.iter().map(ToString::to_string).collect();
            proptest::prop_assert_eq!(&found, &expected);
            let distinct: std::collections::HashSet<ShortText<22>> =
                texts.iter().map(|text| ShortText::new(text)).collect();
            proptest::prop_assert_eq!(distinct.len(), expected.len());
        }
    }

    /// Returns the 6-bit value of a base64url character, from the ranges
    /// of the alphabet rather than from the table.
    fn sextet_of(byte: u8) -> Option<u8> {
        match byte {
            b'A'..=b'Z' => Some(byte - b'A'),
            b'a'..=b'z' => Some(byte - b'a' + 26),
            b'0'..=b'9' => Some(byte - b'0' + 52),
            b'-' => Some(62),
            b'_' => Some(63),
            _ => None,
        }
    }

    /// Packs one character at a time, each 6-bit value shifted into the
    /// one or two bytes it spans.
    fn pack_one_by_one<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
        if text.len() * 6 > N * 8 {
            return None;
        }
        let mut bits = [0; N];
        for (index, &byte) in text.iter().enumerate() {
            let value = u16::from(sextet_of(byte)?);
            let start = index * 6;
            let (at, shift) = (start / 8, start % 8);
            let spread = (value << 10) >> shift;
            bits[at] |= (spread >> 8) as u8;
            if shift > 2 {
                bits[at + 1] |= spread as u8;
            }
        }
        Some(bits)
    }

    /// Unpacks one character at a time from the one or two bytes it spans.
    fn unpack_one_by_one<const N: usize>(bits: &[u8; N], chars: usize) -> Vec<u8> {
        (0..chars)
            .map(|index| {
                let start = index * 6;
                let (at, shift) = (start / 8, start % 8);
                let high = u16::from(bits[at]) << 8;
                let low = bits.get(at + 1).map_or(0, |&byte| u16::from(byte));
                ALPHABET[usize::from(((high | low) << shift) >> 10)]
            })
            .collect()
    }

    #[test]
    fn sextet_table_matches_alphabet() {
        for byte in 0..=u8::MAX {
            let expected = sextet_of(byte).unwrap_or(NOT_BASE64URL);
            assert_eq!(SEXTETS[usize::from(byte)], expected, "byte {byte}");
        }
    }

    /// Checks the table-driven packer and unpacker against the ones above
    /// on base64url text of every length up to one past the packed
    /// maximum, and on that text with each byte outside the alphabet at
    /// each position.
    fn check_packers_agree<const N: usize>() {
        for len in 0..=N * 4 / 3 + 1 {
            // Start at a different place in the alphabet for each length,
            // so every character shows up at many positions.
            let text: Vec<u8> = (0..len)
                .map(|index| ALPHABET[(index * 7 + len) % 64])
                .collect();
            let packed = pack_bytes::<N>(&text);
            assert_eq!(packed, pack_one_by_one::<N>(&text), "length {len} in {N}");
            assert_eq!(packed.is_some(), len * 6 <= N * 8, "length {len} in {N}");
            if let Some(bits) = packed {
                let unpacked = unpack(&bits, len);
                assert_eq!(
                    unpacked[..len],
                    unpack_one_by_one(&bits, len),
                    "length {len} in {N}"
                );
                assert!(
                    unpacked[len..].iter().all(|&byte| byte == 0),
                    "length {len} in {N}"
                );
            }
            for position in 0..len {
                for outside in (0..=u8::MAX).filter(|&byte| sextet_of(byte).is_none()) {
                    let mut spoiled = text.clone();
                    spoiled[position] = outside;
                    assert_eq!(
                        pack_bytes::<N>(&spoiled),
                        None,
                        "byte {outside} at {position} of {len} in {N}"
                    );
                    assert_eq!(pack_one_by_one::<N>(&spoiled), None);
                }
            }
        }
    }

    #[test]
    fn table_packer_matches_one_by_one() {
        check_packers_agree::<14>();
        check_packers_agree::<22>();
        // Small sizes, whose longest packed texts have 1, 2, 4 and 6
        // characters: part of a group, one group, and a group and a part.
        check_packers_agree::<1>();
        check_packers_agree::<2>();
        check_packers_agree::<3>();
        check_packers_agree::<5>();
    }

    #[test]
    fn debug_and_display_show_text() {
        let nonce = ShortText::<14>::new("e6f6e8cbefc9f66e");
        assert_eq!(format!("{nonce:?}"), "\"e6f6e8cbefc9f66e\"");
        assert_eq!(nonce.to_string(), "e6f6e8cbefc9f66e");
        assert_eq!(format!("{:?}", nonce.text()), "\"e6f6e8cbefc9f66e\"");
        assert_eq!(nonce.text().to_string(), "e6f6e8cbefc9f66e");
    }

    #[test]
    fn short_str_compares_as_text() {
        let packed = ShortText::<14>::new("e6f6e8cbefc9f66e");
        let boxed = ShortText::<14>::new("e6f6e8cbefc9f66e.");
        assert_eq!(packed.text(), "e6f6e8cbefc9f66e");
        assert_eq!(packed.text(), *"e6f6e8cbefc9f66e");
        assert_ne!(packed.text(), boxed.text());
        assert_eq!(boxed.text(), "e6f6e8cbefc9f66e.");
        assert_eq!(
            packed.text(),
            ShortText::<22>::new("e6f6e8cbefc9f66e").text()
        );
    }
}
