//! Entry digests: the hash chain that makes edits to a stored ledger show.
//!
//! The digest of an entry is the SHA-256 of the previous entry's digest (64
//! zeros before the first entry) followed by the entry's canonical JSON
//! form, written as 64 lowercase hexadecimal digits. The canonical form is
//! the entry's JSON form without `digest`, with object keys sorted by code
//! point and no whitespace, strings escaped as RFC 8785 (JSON
//! Canonicalization Scheme) escapes them. Entries hold no fractional
//! numbers, so for them this form is exactly RFC 8785's.

use std::fmt::Write as _;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The digest that the first entry of a ledger is chained to.
pub(crate) const CHAIN_START: &str =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// Computes the digest of an entry whose JSON form without `digest` is
/// `entry`, chained to `previous`. The ledger writes the canonical form of
/// its entries itself; tests check it against this one.
#[cfg(test)]
pub(crate) fn chained_digest(previous: &str, entry: &Value) -> String {
    let mut text = String::with_capacity(512);
    write_canonical(entry, &mut text);
    chained_digest_of_text(previous, &text)
}

/// Computes the digest of an entry whose canonical JSON form without
/// `digest` is `canonical`, chained to `previous`.
pub(crate) fn chained_digest_of_text(previous: &str, canonical: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(canonical.as_bytes());
    let hash = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in hash.iter() {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `value` in canonical JSON: sorted keys, no whitespace.
pub(crate) fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => {
            // `fmt::Write` for `String` never returns an error.
            let _ = write!(out, "{number}");
        }
        Value::String(text) => write_string(text, out),
        Value::Array(items) => {
            out.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            out.push('{');
            for (position, key) in keys.into_iter().enumerate() {
                if position > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                if let Some(item) = object.get(key) {
                    write_canonical(item, out);
                }
            }
            out.push('}');
        }
    }
}

/// Writes a JSON string: quotes, backslashes and control characters escaped
/// (the short escapes where JSON has them, `\u00xx` with lowercase digits
/// otherwise), every other character as itself.
pub(crate) fn write_string(text: &str, out: &mut String) {
    out.push('"');
    // Runs of characters that need no escape are copied whole. Every
    // escaped character is ASCII, so each run ends on a character boundary.
    let mut run_start = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x00..=0x1f => None,
            _ => continue,
        };
        out.push_str(text.get(run_start..at).unwrap_or_default());
        match escape {
            Some(escape) => out.push_str(escape),
            None => {
                let code = usize::from(byte);
                out.push_str("\\u00");
                out.push(char::from(HEX[code >> 4]));
                out.push(char::from(HEX[code & 0x0f]));
            }
        }
        run_start = at + 1;
    }
    out.push_str(text.get(run_start..).unwrap_or_default());
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canonical(value: &Value) -> String {
        let mut out = String::new();
        write_canonical(value, &mut out);
        out
    }

    #[test]
    fn canonical_form_sorts_keys_and_escapes() {
        let value =
            json!({"b": [1, "x"], "a": {"d": true, "c": null}, "é": "tab\there \"q\" \u{1}"});
        assert_eq!(
            canonical(&value),
            r#"{"a":{"c":null,"d":true},"b":[1,"x"],"é":"tab\there \"q\" \u0001"}"#
        );
    }

    #[test]
    fn escapes_at_ends_and_beside_wide_characters() {
        let value = json!(["\u{1f}中\"文\\", "\n", "\u{7f}é"]);
        assert_eq!(
            canonical(&value),
            "[\"\\u001f中\\\"文\\\\\",\"\\n\",\"\u{7f}é\"]"
        );
    }

    #[test]
    fn digest_of_known_text() {
        // SHA-256 of 64 zeros followed by `{}`, computed with `sha256sum`.
        let digest = chained_digest(CHAIN_START, &json!({}));
        assert_eq!(
            digest,
            "5508d2b710e64bc470079e1b211d9c58e21011e59d0559e422345dc19d659a75"
        );
    }
}
