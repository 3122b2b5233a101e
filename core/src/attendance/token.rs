//! Check-in tokens: rotating HMAC-SHA256 codes shown on a session's screen,
//! and static codes for printed posters and cards.
//!
//! The token format and its limits are documented on [`SessionSecret`].

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use thiserror::Error;

use crate::id::SessionId;
use crate::model::short_text::{NOT_BASE64URL, SEXTETS};

use super::policy::TokenPolicy;

type HmacSha256 = Hmac<Sha256>;

/// The length of SHA-256's input block, which is HMAC's key length.
const BLOCK_BYTES: usize = 64;
/// The bytes of the HMAC tag kept in a token.
pub const TAG_BYTES: usize = 12;
/// The bytes of the window number kept in a rotating token.
const WINDOW_BYTES: usize = 6;
/// The length of a rotating token in characters.
pub const ROTATING_TOKEN_CHARS: usize = 24;
/// The length of a static token in characters.
pub const STATIC_TOKEN_CHARS: usize = 16;
/// The shortest platform key, in bytes.
pub const MIN_KEY_BYTES: usize = 16;
/// The longest platform key, in bytes.
pub const MAX_KEY_BYTES: usize = 256;

const SECRET_LABEL: &[u8] = b"xuetong.session-secret/1";
const ROTATING_LABEL: &[u8] = b"xuetong.token/1";
const STATIC_LABEL: &[u8] = b"xuetong.static-token/1";

/// The reason a platform key could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TokenKeyError {
    /// The key is shorter than [`MIN_KEY_BYTES`] or longer than
    /// [`MAX_KEY_BYTES`].
    #[error(
        "the token key has {bytes} bytes but must have {MIN_KEY_BYTES} to {MAX_KEY_BYTES}; generate at least 32 random bytes"
    )]
    Length {
        /// The number of bytes given.
        bytes: usize,
    },
    /// The text is not hexadecimal.
    #[error(
        "the token key must be written as hexadecimal digits (two per byte), found \"{found}\" at position {position}"
    )]
    NotHex {
        /// The character that is not a hexadecimal digit.
        found: char,
        /// Its position in characters, counted from 0.
        position: usize,
    },
    /// The hexadecimal text has an odd number of digits.
    #[error("the token key has an odd number of hexadecimal digits ({digits}); write two per byte")]
    OddLength {
        /// The number of digits given.
        digits: usize,
    },
}

/// The platform's secret key, from which every session secret is derived.
///
/// Its `Debug` form never shows the key.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenKey(Vec<u8>);

impl TokenKey {
    /// Makes a key of `bytes`.
    ///
    /// # Errors
    ///
    /// Returns [`TokenKeyError::Length`] unless the key has 16 to 256 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TokenKeyError> {
        if !(MIN_KEY_BYTES..=MAX_KEY_BYTES).contains(&bytes.len()) {
            return Err(TokenKeyError::Length { bytes: bytes.len() });
        }
        Ok(Self(bytes.to_vec()))
    }

    /// Reads a key written as hexadecimal text, two digits per byte.
    ///
    /// # Errors
    ///
    /// Returns [`TokenKeyError`] for text that is not hexadecimal, has an
    /// odd number of digits, or gives too few or too many bytes.
    ///
    /// # Example
    ///
    /// ```
    /// use xuetong::attendance::TokenKey;
    ///
    /// assert!(TokenKey::from_hex("000102030405060708090a0b0c0d0e0f").is_ok());
    /// assert!(TokenKey::from_hex("0001").is_err());
    /// ```
    pub fn from_hex(text: &str) -> Result<Self, TokenKeyError> {
        let text = text.trim();
        if let Some((position, found)) = text
            .chars()
            .enumerate()
            .find(|(_, character)| !character.is_ascii_hexdigit())
        {
            return Err(TokenKeyError::NotHex { found, position });
        }
        if !text.len().is_multiple_of(2) {
            return Err(TokenKeyError::OddLength { digits: text.len() });
        }
        let bytes: Vec<u8> = text
            .as_bytes()
            .chunks(2)
            .map(|pair| hex_value(pair[0]) << 4 | hex_value(pair[1]))
            .collect();
        Self::from_bytes(&bytes)
    }

    /// Derives the secret of `session` from this key.
    pub fn session_secret(&self, session: SessionId) -> SessionSecret {
        let mut mac = keyed_mac(&self.0);
        mac.update(SECRET_LABEL);
        mac.update(session.uuid().as_bytes());
        let secret = mac.finalize().into_bytes();
        SessionSecret::from_secret_bytes(session, &secret)
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenKey({} bytes, hidden)", self.0.len())
    }
}

/// Returns the value of one ASCII hexadecimal digit (already checked).
fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

/// Makes an HMAC-SHA256 instance keyed with `key`, prepared as RFC 2104
/// specifies: a
/// key longer than the block is hashed first, and the key is padded with
/// zeros to the block length.
fn keyed_mac(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; BLOCK_BYTES];
    if key.len() > BLOCK_BYTES {
        let digest = Sha256::digest(key);
        block[..digest.len()].copy_from_slice(&digest);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    HmacSha256::new(&block.into())
}

/// The secret of one session: issues and verifies its tokens.
///
/// # Secrets
///
/// The platform keeps one [`TokenKey`]. The secret of a session is
/// HMAC-SHA256 keyed with the platform key over the text
/// `xuetong.session-secret/1` followed by the 16 bytes of the session's
/// UUID. A server that has the key can thus check the tokens of every
/// session without storing a secret per session. A platform that keeps its
/// own per-session secrets uses [`SessionSecret::from_secret_bytes`].
///
/// # Rotating tokens
///
/// Time is cut into windows of `rotation_seconds` counted from the Unix
/// epoch: window `k` runs from `k × rotation_seconds` (included) to
/// `(k + 1) × rotation_seconds`. The token of window `k` is the base64url
/// text (without padding) of 18 bytes: `k` as 6 bytes big-endian, then the
/// first 12 bytes of HMAC-SHA256 keyed with the session secret over
/// `xuetong.token/1`, the 16 bytes of the session UUID and `k` as 8 bytes
/// big-endian. That is 24 characters from `A-Z a-z 0-9 - _`, short enough
/// for a small QR code. Two consecutive tokens always differ, because the
/// window number is part of the token.
///
/// A token of window `k` is accepted for scans received from the start of
/// window `k` to its end plus `grace_seconds`, both bounds included, judged
/// by the server's receipt time whatever other screens show. Because the
/// token carries its window, the verifier needs no guessing: a forged or
/// damaged token is `invalid_token`, a genuine token scanned too late is
/// `expired_token`, and one scanned before its window is
/// `token_not_yet_valid`. The tag is compared in constant time.
///
/// # Static tokens
///
/// A static token is the base64url text of the first 12 bytes of
/// HMAC-SHA256 keyed with the session secret over `xuetong.static-token/1`
/// and the session UUID: 16 characters that never change. It is accepted
/// only when the policy allows static tokens.
///
/// # What rotation cannot prevent
///
/// Rotation stops a photo of the code from being reused later, but not a
/// token relayed live (a learner at the venue sends the current code to a
/// friend at home, who scans it within the same window). The geofence
/// narrows this by rejecting scans that report a position far from the
/// venue, but a position is reported by the learner's own device and can be
/// forged or left out.
///
/// Its `Debug` form never shows the secret.
#[derive(Clone)]
pub struct SessionSecret {
    session: SessionId,
    mac: HmacSha256,
}

/// The validity of one rotating token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenWindow {
    /// The window number: whole rotation intervals since the Unix epoch.
    pub index: u64,
    /// When the window starts (included).
    pub starts_at: DateTime<Utc>,
    /// When the window ends and the next one starts.
    pub ends_at: DateTime<Utc>,
    /// The last instant a token of this window is accepted: the end plus
    /// the grace margin (included).
    pub accepted_until: DateTime<Utc>,
}

impl TokenWindow {
    /// Returns window `index` under `policy`, or `None` when its instants
    /// are out of the representable range. A rotation of 0 seconds, which
    /// a policy document rejects, is taken as 1 second, as in
    /// [`TokenWindow::containing`].
    pub fn new(index: u64, policy: &TokenPolicy) -> Option<Self> {
        let rotation = i64::from(policy.rotation_seconds.max(1));
        let start = i64::try_from(index).ok()?.checked_mul(rotation)?;
        let end = start.checked_add(rotation)?;
        let accepted = end.checked_add(i64::from(policy.grace_seconds))?;
        Some(Self {
            index,
            starts_at: DateTime::from_timestamp(start, 0)?,
            ends_at: DateTime::from_timestamp(end, 0)?,
            accepted_until: DateTime::from_timestamp(accepted, 0)?,
        })
    }

    /// Returns the window that contains `at`, or `None` before the Unix
    /// epoch.
    pub fn containing(at: DateTime<Utc>, policy: &TokenPolicy) -> Option<Self> {
        let seconds = u64::try_from(at.timestamp()).ok()?;
        let index = seconds / u64::from(policy.rotation_seconds.max(1));
        Self::new(index, policy)
    }
}

/// A token that passed verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifiedToken {
    /// A rotating token of this window.
    Rotating(TokenWindow),
    /// A static token, which the policy allows.
    Static,
}

/// The reason a token was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenRejection {
    /// The text is not a token, or its tag does not match this session.
    Invalid,
    /// A genuine static token, which the policy does not allow.
    StaticNotAllowed,
    /// A genuine token scanned before its window starts.
    NotYetValid(TokenWindow),
    /// A genuine token scanned after its window's end plus the grace margin.
    Expired(TokenWindow),
}

impl SessionSecret {
    /// Makes the secret of `session` from bytes, for platforms that keep
    /// their own per-session secrets. Any length works, and 32 random bytes
    /// is usual.
    pub fn from_secret_bytes(session: SessionId, secret: &[u8]) -> Self {
        Self {
            session,
            mac: keyed_mac(secret),
        }
    }

    /// Returns the session this secret belongs to.
    pub fn session_id(&self) -> SessionId {
        self.session
    }

    /// Computes the full HMAC of `label`, the session UUID and `window`
    /// (when given).
    fn tag(&self, label: &[u8], window: Option<u64>) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(label);
        mac.update(self.session.uuid().as_bytes());
        if let Some(window) = window {
            mac.update(&window.to_be_bytes());
        }
        mac.finalize().into_bytes().into()
    }

    /// Issues the rotating token of window `index`, or `None` when the
    /// window number does not fit in the token's 6 bytes (past the year
    /// 8,000,000 at any rotation).
    pub fn issue(&self, index: u64) -> Option<String> {
        let window = index.to_be_bytes();
        let (high, low) = window.split_at(8 - WINDOW_BYTES);
        if high.iter().any(|byte| *byte != 0) {
            return None;
        }
        let tag = self.tag(ROTATING_LABEL, Some(index));
        let mut bytes = [0u8; WINDOW_BYTES + TAG_BYTES];
        bytes[..WINDOW_BYTES].copy_from_slice(low);
        bytes[WINDOW_BYTES..].copy_from_slice(&tag[..TAG_BYTES]);
        Some(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Issues the rotating token a screen shows at `at` under `policy`, with
    /// its window; `None` before the Unix epoch.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{Duration, TimeZone, Utc};
    /// use xuetong::attendance::{AttendancePolicy, TokenKey, VerifiedToken};
    /// use xuetong::id::SessionId;
    ///
    /// let key = TokenKey::from_hex("000102030405060708090a0b0c0d0e0f")?;
    /// let secret = key.session_secret(SessionId::derive("platform", "S-1"));
    /// let policy = AttendancePolicy::default().token;
    /// let shown_at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 10).unwrap();
    /// let (token, window) = secret.issue_at(shown_at, &policy).unwrap();
    /// assert_eq!(token.len(), 24);
    ///
    /// let last_accepted = window.ends_at + Duration::seconds(5);
    /// assert_eq!(secret.verify(&token, last_accepted, &policy), Ok(VerifiedToken::Rotating(window)));
    /// assert!(secret.verify(&token, last_accepted + Duration::seconds(1), &policy).is_err());
    /// # Ok::<(), xuetong::attendance::TokenKeyError>(())
    /// ```
    pub fn issue_at(
        &self,
        at: DateTime<Utc>,
        policy: &TokenPolicy,
    ) -> Option<(String, TokenWindow)> {
        let window = TokenWindow::containing(at, policy)?;
        Some((self.issue(window.index)?, window))
    }

    /// Issues the static token of the session, for a printed code or a card.
    pub fn static_token(&self) -> String {
        let tag = self.tag(STATIC_LABEL, None);
        URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES])
    }

    /// Checks `token` for a scan received at `at` under `policy`.
    ///
    /// # Errors
    ///
    /// Returns the [`TokenRejection`] that gives the reason the token is not
    /// accepted.
    pub fn verify(
        &self,
        token: &str,
        at: DateTime<Utc>,
        policy: &TokenPolicy,
    ) -> Result<VerifiedToken, TokenRejection> {
        match token.len() {
            ROTATING_TOKEN_CHARS => self.verify_rotating(token, at, policy),
            STATIC_TOKEN_CHARS => self.verify_static(token, policy),
            _ => Err(TokenRejection::Invalid),
        }
    }

    fn verify_rotating(
        &self,
        token: &str,
        at: DateTime<Utc>,
        policy: &TokenPolicy,
    ) -> Result<VerifiedToken, TokenRejection> {
        let mut bytes = [0u8; WINDOW_BYTES + TAG_BYTES];
        if decode_base64url(token.as_bytes(), &mut bytes).is_none() {
            return Err(TokenRejection::Invalid);
        }
        let mut window_bytes = [0u8; 8];
        window_bytes[8 - WINDOW_BYTES..].copy_from_slice(&bytes[..WINDOW_BYTES]);
        let index = u64::from_be_bytes(window_bytes);
        let mut mac = self.mac.clone();
        mac.update(ROTATING_LABEL);
        mac.update(self.session.uuid().as_bytes());
        mac.update(&index.to_be_bytes());
        if mac.verify_truncated_left(&bytes[WINDOW_BYTES..]).is_err() {
            return Err(TokenRejection::Invalid);
        }
        let Some(window) = TokenWindow::new(index, policy) else {
            return Err(TokenRejection::Invalid);
        };
        if at < window.starts_at {
            return Err(TokenRejection::NotYetValid(window));
        }
        if at > window.accepted_until {
            return Err(TokenRejection::Expired(window));
        }
        Ok(VerifiedToken::Rotating(window))
    }

    fn verify_static(
        &self,
        token: &str,
        policy: &TokenPolicy,
    ) -> Result<VerifiedToken, TokenRejection> {
        let mut bytes = [0u8; TAG_BYTES];
        if decode_base64url(token.as_bytes(), &mut bytes).is_none() {
            return Err(TokenRejection::Invalid);
        }
        let mut mac = self.mac.clone();
        mac.update(STATIC_LABEL);
        mac.update(self.session.uuid().as_bytes());
        if mac.verify_truncated_left(&bytes).is_err() {
            return Err(TokenRejection::Invalid);
        }
        if policy.static_allowed {
            Ok(VerifiedToken::Static)
        } else {
            Err(TokenRejection::StaticNotAllowed)
        }
    }
}

/// Decodes base64url text without padding (RFC 4648, section 5) into
/// `out`, three bytes for every four characters. Returns `None` when
/// `out.len()` is not a multiple of three, or unless the text has exactly
/// `out.len() / 3 * 4` characters, all from the alphabet.
///
/// For these lengths (multiples of four characters, so no partial group
/// and no padding) it accepts and returns exactly what the `base64` crate's
/// `URL_SAFE_NO_PAD` engine does. The crate's general decoder took about a
/// seventh of the time of evaluating the sample district's scans. A
/// decoder that branches on each character's class was slower still, so
/// characters are looked up in a table and checked once at the end.
fn decode_base64url(text: &[u8], out: &mut [u8]) -> Option<()> {
    if !out.len().is_multiple_of(3) || text.len() != out.len() / 3 * 4 {
        return None;
    }
    let mut seen = 0u8;
    for (group, bytes) in text.chunks_exact(4).zip(out.chunks_exact_mut(3)) {
        let mut bits = 0u32;
        for &character in group {
            let value = SEXTETS[usize::from(character)];
            seen |= value;
            bits = bits << 6 | u32::from(value & 0x3f);
        }
        bytes.copy_from_slice(&bits.to_be_bytes()[1..]);
    }
    (seen & NOT_BASE64URL == 0).then_some(())
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionSecret({}, hidden)", self.session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::AttendancePolicy;
    use chrono::{Duration, TimeZone};

    fn policy() -> TokenPolicy {
        AttendancePolicy::default().token
    }

    fn secret() -> SessionSecret {
        let key = TokenKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap();
        key.session_secret(SessionId::derive("test", "S-1"))
    }

    /// Decodes `text` with the `base64` crate, as the decoder's reference.
    fn crate_decode(text: &[u8], length: usize) -> Option<Vec<u8>> {
        let mut out = vec![0u8; length];
        match URL_SAFE_NO_PAD.decode_slice(text, &mut out) {
            Ok(decoded) if decoded == length => Some(out),
            _ => None,
        }
    }

    #[test]
    fn base64url_decoder_matches_crate() {
        let secret = secret();
        let rotating = secret.issue(59_000_000).unwrap();
        let fixed = secret.static_token();
        for token in [rotating.as_bytes(), fixed.as_bytes()] {
            let length = token.len() / 4 * 3;
            for position in 0..token.len() {
                for byte in 0..=u8::MAX {
                    let mut text = token.to_vec();
                    text[position] = byte;
                    let mut out = vec![0u8; length];
                    let decoded = decode_base64url(&text, &mut out).map(|()| out);
                    assert_eq!(decoded, crate_decode(&text, length), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn base64url_decoder_rejects_other_lengths() {
        let mut out = [0u8; 18];
        assert_eq!(decode_base64url(b"AAAAAAAAAAAAAAAAAAAAAAA", &mut out), None);
        assert_eq!(
            decode_base64url(b"AAAAAAAAAAAAAAAAAAAAAAAAA", &mut out),
            None
        );
        assert_eq!(
            decode_base64url(b"AAAAAAAAAAAAAAAAAAAAAA==", &mut out),
            None
        );
        assert_eq!(
            decode_base64url(b"AAAAAAAAAAAAAAAAAAAAAAAA", &mut out),
            Some(())
        );
        assert_eq!(decode_base64url(b"-_-_", &mut out[..3]), Some(()));
        assert_eq!(out[..3], [0xfb, 0xff, 0xbf]);
    }

    /// Compares the decoder with the `base64` crate on texts of every
    /// length from 0 to 40, for outputs of 0, 3, 12 and 18 bytes. Each text
    /// is also tried with a byte outside the alphabet put in or over every
    /// position: padding, `+` and `/`, whitespace, NUL, DEL and non-ASCII
    /// bytes. Trying every last character sets the trailing bits of the
    /// texts whose length is not a multiple of four.
    #[test]
    fn base64url_decoder_matches_crate_any_length() {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const OUTSIDE: &[u8] = b"=+/ \t\r\n\0\x7f.%\x80\xc3\xa9\xe4\xff";
        let mut checked = 0usize;
        let mut accepted = 0usize;
        for length in 0..=40usize {
            let base: Vec<u8> = (0..length).map(|i| ALPHABET[(i * 37 + 5) % 64]).collect();

            let mut texts = vec![base.clone()];
            for position in 0..=length {
                for &byte in OUTSIDE {
                    let mut inserted = base.clone();
                    inserted.insert(position, byte);
                    texts.push(inserted);
                    if position < length {
                        let mut replaced = base.clone();
                        replaced[position] = byte;
                        texts.push(replaced);
                    }
                }
            }
            if let Some(last) = length.checked_sub(1) {
                for &character in ALPHABET {
                    let mut text = base.clone();
                    text[last] = character;
                    texts.push(text.clone());
                    text.extend_from_slice(b"==");
                    texts.push(text);
                }
            }

            for text in &texts {
                for output in [0, 3, 12, 18] {
                    let mut out = vec![0u8; output];
                    let decoded = decode_base64url(text, &mut out).map(|()| out);
                    let expected = crate_decode(text, output);
                    accepted += usize::from(expected.is_some());
                    checked += 1;
                    assert_eq!(decoded, expected, "{text:?} into {output} bytes");
                }
            }
        }

        // Only the unchanged texts of 0, 4, 16 and 24 characters, and those
        // of 4, 16 and 24 characters with each of the 64 last characters,
        // decode into 0, 3, 12 and 18 bytes.
        assert_eq!(accepted, 1 + 3 * (1 + 64));
        assert!(checked > 100_000, "only {checked} cases checked");
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// RFC 4231 test cases 1, 2 and 6, checking that the key preparation
    /// (padding, hashing a long key) gives standard HMAC-SHA256.
    #[test]
    fn keyed_mac_matches_rfc_4231() {
        let cases: [(Vec<u8>, &[u8], &str); 3] = [
            (
                vec![0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, expected) in cases {
            let mut mac = keyed_mac(&key);
            mac.update(data);
            assert_eq!(mac.finalize().into_bytes().to_vec(), hex(expected));
        }
    }

    #[test]
    fn rotating_token_shape() {
        let token = secret().issue(59_012_345).unwrap();
        assert_eq!(token.len(), ROTATING_TOKEN_CHARS);
        assert!(
            token
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        );
    }

    #[test]
    fn consecutive_tokens_differ() {
        let secret = secret();
        for index in [0, 1, 59_012_345, (1 << 48) - 2] {
            assert_ne!(secret.issue(index), secret.issue(index + 1));
        }
        assert_eq!(secret.issue(1 << 48), None);
    }

    #[test]
    fn window_bounds_are_inclusive() {
        let secret = secret();
        let policy = policy();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 10).unwrap();
        let (token, window) = secret.issue_at(at, &policy).unwrap();
        assert_eq!(
            window.starts_at,
            Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap()
        );
        assert_eq!(window.ends_at, window.starts_at + Duration::seconds(30));
        let verify = |at| secret.verify(&token, at, &policy);
        assert!(verify(window.starts_at).is_ok());
        assert!(verify(window.accepted_until).is_ok());
        assert_eq!(
            verify(window.starts_at - Duration::milliseconds(1)),
            Err(TokenRejection::NotYetValid(window))
        );
        assert_eq!(
            verify(window.accepted_until + Duration::milliseconds(1)),
            Err(TokenRejection::Expired(window))
        );
    }

    #[test]
    fn another_session_or_damage_is_invalid() {
        let key = TokenKey::from_hex("000102030405060708090a0b0c0d0e0f").unwrap();
        let policy = policy();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 10).unwrap();
        let (token, _) = secret().issue_at(at, &policy).unwrap();
        let other = key.session_secret(SessionId::derive("test", "S-2"));
        assert_eq!(
            other.verify(&token, at, &policy),
            Err(TokenRejection::Invalid)
        );
        let mut damaged = token.clone().into_bytes();
        damaged[20] = if damaged[20] == b'A' { b'B' } else { b'A' };
        let damaged = String::from_utf8(damaged).unwrap();
        assert_eq!(
            secret().verify(&damaged, at, &policy),
            Err(TokenRejection::Invalid)
        );
        for text in ["", "short", "!!!!!!!!!!!!!!!!!!!!!!!!", "é"] {
            assert_eq!(
                secret().verify(text, at, &policy),
                Err(TokenRejection::Invalid)
            );
        }
    }

    #[test]
    fn static_token_needs_policy() {
        let secret = secret();
        let mut policy = policy();
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 10).unwrap();
        let token = secret.static_token();
        assert_eq!(token.len(), STATIC_TOKEN_CHARS);
        assert_eq!(
            secret.verify(&token, at, &policy),
            Err(TokenRejection::StaticNotAllowed)
        );
        policy.static_allowed = true;
        assert_eq!(
            secret.verify(&token, at, &policy),
            Ok(VerifiedToken::Static)
        );
    }

    #[test]
    fn keys_are_checked_and_hidden() {
        assert_eq!(
            TokenKey::from_bytes(&[0; 15]),
            Err(TokenKeyError::Length { bytes: 15 })
        );
        assert_eq!(
            TokenKey::from_hex("0g"),
            Err(TokenKeyError::NotHex {
                found: 'g',
                position: 1
            })
        );
        assert_eq!(
            TokenKey::from_hex("abc"),
            Err(TokenKeyError::OddLength { digits: 3 })
        );
        let key = TokenKey::from_bytes(&[7; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "TokenKey(32 bytes, hidden)");
        assert!(!format!("{:?}", secret()).contains("mac"));
    }

    #[test]
    fn zero_rotation_issues_tokens_that_verify() {
        let secret = secret();
        let mut policy = policy();
        policy.rotation_seconds = 0;
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 10).unwrap();
        let (token, window) = secret.issue_at(at, &policy).unwrap();
        assert_eq!(window.starts_at, at);
        assert_eq!(window.ends_at, at + Duration::seconds(1));
        assert_eq!(
            secret.verify(&token, at, &policy),
            Ok(VerifiedToken::Rotating(window))
        );
    }

    #[test]
    fn before_epoch_has_no_window() {
        let at = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(TokenWindow::containing(at, &policy()), None);
    }
}
