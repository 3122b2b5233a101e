//! Typed identifiers.
//!
//! Every record is identified by a UUID, wrapped in a type per record kind so
//! that a learner id cannot be passed where a session id is expected. Records
//! imported from another system keep their source key, and their UUID is
//! derived from it with [`derive_id`]: UUID version 5 (SHA-1, RFC 9562) over
//! [`NAMESPACE`] and the text `"{kind}:{system}:{key}"`. Importing the same data
//! twice therefore gives the same identifiers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use uuid::Uuid;

/// The UUID namespace of every identifier derived by `xuetong`.
///
/// It is itself the version 5 UUID of the name `xuetong` in the URL namespace
/// of RFC 9562, so anyone can recompute it.
pub const NAMESPACE: Uuid = Uuid::from_u128(0xcf14_dbdf_c247_5d7b_aeda_cb27_c3f6_885a);

/// Derives the identifier of a record of `kind` (such as `"learner"`) imported
/// from `system` (such as `"oulad"`) with the source key `key`.
///
/// The result depends only on the three texts, so re-importing a record gives
/// it the same UUID.
///
/// # Example
///
/// ```
/// use xuetong::id::derive_id;
///
/// let first = derive_id("learner", "oulad", "11391");
/// let again = derive_id("learner", "oulad", "11391");
/// assert_eq!(first, again);
/// assert_ne!(first, derive_id("learner", "oulad", "28400"));
/// assert_eq!(first.get_version_num(), 5);
/// ```
pub fn derive_id(kind: &str, system: &str, key: &str) -> Uuid {
    namespaced_v5(&[
        kind.as_bytes(),
        b":",
        system.as_bytes(),
        b":",
        key.as_bytes(),
    ])
}

/// Computes the UUID version 5 of a name in [`NAMESPACE`], as
/// `Uuid::new_v5` does, with the name given in parts hashed one after the
/// other, so that callers need not join them first.
///
/// The SHA-1 comes from the `sha1` crate, which uses the CPU's SHA
/// instructions where they exist. A season derives one id per attended
/// session and more per ledger entry, and the portable SHA-1 inside
/// `uuid` was most of that cost.
pub(crate) fn namespaced_v5(name_parts: &[&[u8]]) -> Uuid {
    let mut name = NamespacedV5::new();
    for part in name_parts {
        name.update(part);
    }
    name.finish()
}

/// A name hashed into a UUID version 5 in [`NAMESPACE`] part by part, as
/// [`namespaced_v5`] does, for a name too long to hold at once.
pub(crate) struct NamespacedV5(Sha1);

impl NamespacedV5 {
    /// Starts an empty name.
    pub(crate) fn new() -> Self {
        let mut hasher = Sha1::new();
        hasher.update(NAMESPACE.as_bytes());
        Self(hasher)
    }

    /// Appends `part` to the name.
    pub(crate) fn update(&mut self, part: &[u8]) {
        self.0.update(part);
    }

    /// Returns the UUID of the name.
    pub(crate) fn finish(self) -> Uuid {
        let digest = self.0.finalize();
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        uuid::Builder::from_sha1_bytes(bytes).into_uuid()
    }
}

/// Defines a typed identifier around a [`Uuid`].
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// The record kind used when deriving identifiers of this type.
            pub const KIND: &'static str = $kind;

            /// Derives the identifier of a record imported from `system` with
            /// the source key `key` (see [`derive_id`]).
            pub fn derive(system: &str, key: &str) -> Self {
                Self(derive_id($kind, system, key))
            }

            /// The underlying UUID.
            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

typed_id!(
    /// Identifies a learner.
    LearnerId,
    "learner"
);
typed_id!(
    /// Identifies a venue of the learning network.
    VenueId,
    "venue"
);
typed_id!(
    /// Identifies an instructor.
    InstructorId,
    "instructor"
);
typed_id!(
    /// Identifies a course or activity offered to learners.
    CourseId,
    "course"
);
typed_id!(
    /// Identifies one session: a course meeting or a club activity.
    SessionId,
    "session"
);
typed_id!(
    /// Identifies an enrolment of a learner in a course.
    EnrolmentId,
    "enrolment"
);
typed_id!(
    /// Identifies one scan (check-in or check-out).
    ScanId,
    "scan"
);
typed_id!(
    /// Identifies an excusal of a learner from a session.
    ExcusalId,
    "excusal"
);
typed_id!(
    /// Identifies a recorded learning outcome.
    OutcomeId,
    "outcome"
);
typed_id!(
    /// Identifies a learning club.
    ClubId,
    "club"
);

/// The length of a UUID in its hyphenated text form.
pub(crate) const HYPHENATED_LENGTH: usize = 36;

/// Appends `uuid` in its lowercase hyphenated form, as
/// `Uuid::hyphenated` writes it. The `uuid` crate (1.26) converts the 32
/// digits one nibble at a time, and this computes the 16 digits of each
/// half together in a `u128`.
pub(crate) fn push_hyphenated(out: &mut String, uuid: Uuid) {
    let value = uuid.as_u128();
    let mut text = [b'-'; HYPHENATED_LENGTH];
    let high = hex_digits((value >> 64) as u64);
    let low = hex_digits(value as u64);
    text[..8].copy_from_slice(&high[..8]);
    text[9..13].copy_from_slice(&high[8..12]);
    text[14..18].copy_from_slice(&high[12..]);
    text[19..23].copy_from_slice(&low[..4]);
    text[24..].copy_from_slice(&low[4..]);
    match std::str::from_utf8(&text) {
        Ok(text) => out.push_str(text),
        // NOTE: unreachable, because every byte is an ASCII hex digit or a
        // hyphen. The fallback keeps the text right without a panic.
        Err(_) => out.push_str(uuid.hyphenated().encode_lower(&mut Uuid::encode_buffer())),
    }
}

/// Returns the 16 lowercase hex digits of `value`, most significant first.
fn hex_digits(value: u64) -> [u8; 16] {
    // Spread the 16 nibbles into the 16 bytes of a u128, nibble `i` (from
    // the least significant) into byte `i`.
    let mut spread = u128::from(value);
    spread = (spread | (spread << 32)) & 0x0000_0000_ffff_ffff_0000_0000_ffff_ffff;
    spread = (spread | (spread << 16)) & 0x0000_ffff_0000_ffff_0000_ffff_0000_ffff;
    spread = (spread | (spread << 8)) & 0x00ff_00ff_00ff_00ff_00ff_00ff_00ff_00ff;
    spread = (spread | (spread << 4)) & 0x0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f_0f0f;
    // Each byte is now 0 to 15. Adding 0x76 sets its top bit exactly when
    // it is 10 or more, and no byte carries into the next. Digits 10 to 15
    // then get `'a' - '0' - 10` = 39 more than `'0' + digit`.
    let ones = 0x0101_0101_0101_0101_0101_0101_0101_0101_u128;
    let letters = ((spread + 0x76 * ones) >> 7) & ones;
    (spread + u128::from(b'0') * ones + 39 * letters).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_is_v5_of_xuetong_in_url_namespace() {
        let expected = Uuid::new_v5(&Uuid::NAMESPACE_URL, b"xuetong");
        assert_eq!(NAMESPACE, expected);
    }

    #[test]
    fn derived_ids_differ_by_kind() {
        let learner = LearnerId::derive("oulad", "1");
        let course = CourseId::derive("oulad", "1");
        assert_ne!(learner.uuid(), course.uuid());
    }

    #[test]
    fn derived_id_matches_independent_v5() {
        let expected = Uuid::new_v5(&NAMESPACE, b"learner:oulad:11391");
        assert_eq!(LearnerId::derive("oulad", "11391").uuid(), expected);
    }

    #[test]
    fn derived_ids_match_uuid_v5_at_block_edges() {
        // The namespace and the prefix are 43 bytes. SHA-1 blocks are 64
        // bytes, and padding takes at least 9, so keys of 12 and 13 bytes
        // fall on either side of a one-block message and 21 fill a block.
        for length in [0, 1, 12, 13, 20, 21, 22, 76, 77, 500] {
            let key = "k".repeat(length);
            let name = format!("outcome:xuetong-attendance:{key}");
            let expected = Uuid::new_v5(&NAMESPACE, name.as_bytes());
            let derived = derive_id("outcome", "xuetong-attendance", &key);
            assert_eq!(derived, expected, "key of {length} bytes");
            assert_eq!(derived.get_version_num(), 5, "key of {length} bytes");
        }
    }

    #[test]
    fn namespaced_v5_of_no_parts() {
        assert_eq!(namespaced_v5(&[]), Uuid::new_v5(&NAMESPACE, b""));
    }

    #[test]
    fn namespaced_v5_of_split_names() {
        // Names across the 64-byte SHA-1 block edges, split at every byte,
        // inside a UTF-8 character too, and fed one byte at a time.
        let names = ["", "a", &"名".repeat(21), &"x:".repeat(70)];
        for name in names {
            let bytes = name.as_bytes();
            let expected = Uuid::new_v5(&NAMESPACE, bytes);
            for at in 0..=bytes.len() {
                let (head, tail) = bytes.split_at(at);
                assert_eq!(namespaced_v5(&[head, tail]), expected, "{name:?} at {at}");
            }
            let mut streamed = NamespacedV5::new();
            for byte in bytes {
                streamed.update(std::slice::from_ref(byte));
            }
            assert_eq!(streamed.finish(), expected, "{name:?} by byte");
        }
    }

    #[test]
    fn typed_id_parses_and_prints() {
        let text = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let id: SessionId = text.parse().unwrap();
        assert_eq!(id.to_string(), text);
        assert!("not-a-uuid".parse::<SessionId>().is_err());
    }

    #[test]
    fn push_hyphenated_matches_uuid() {
        let mut values = vec![0, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210];
        values.extend((0..128).map(|bit| 1_u128 << bit));
        // A xorshift sequence adds values with every digit mixed.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..1_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values.push(u128::from(state) << 64 | u128::from(state.rotate_left(29)));
        }

        for value in values {
            let uuid = Uuid::from_u128(value);
            let mut text = "prefix:".to_owned();
            push_hyphenated(&mut text, uuid);
            assert_eq!(text, format!("prefix:{}", uuid.hyphenated()), "{value:#x}");
        }
    }

    #[test]
    fn hex_digits_every_nibble_in_every_place() {
        for place in 0..16 {
            for digit in 0..16_u64 {
                let value = digit << (4 * place);
                let text = hex_digits(value);
                assert_eq!(text, *format!("{value:016x}").as_bytes(), "{value:#x}");
                // The same digit beside its neighbours set to every other
                // value.
                for other in 0..16_u64 {
                    let mixed = (other * 0x1111_1111_1111_1111) & !(0xf << (4 * place)) | value;
                    let text = hex_digits(mixed);
                    assert_eq!(text, *format!("{mixed:016x}").as_bytes(), "{mixed:#x}");
                }
            }
        }
    }
}
