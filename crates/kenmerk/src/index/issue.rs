//! Issued indicator files: one copy per detection order, for one recipient
//! and one period, signed by the Centre (Art. 46(2) and (8)).
//!
//! Issuing fills in the header's issuance block (recipient, validity period,
//! time of issue, signer's public key), then signs with ed25519 a message
//! made of a domain separator and the whole header with the header digest
//! and the signature zeroed. The header holds the body digest, so the
//! signature covers every byte of the file. The body is unchanged by
//! issuing, so hashes, metadata and tables stay where they were.
//!
//! A reader checks, in this order: the structure (O(1)), the validity period
//! against the clock (O(1), whenever the file is issued), and, given the
//! Centre's public key, the signature (O(1)) and the body digest (O(n), one
//! pass of blake3 over the file). Signing itself lives with the Centre's
//! builder; this module only verifies, so providers link no signing code.

use std::path::Path;

use ed25519_dalek::{Signature, VerifyingKey};

use super::format::{self, FLAG_ISSUED, HEADER_LEN, ISSUANCE_AT, ISSUED_TO_MAX, Layout};
use crate::error::{Error, ErrorKind, Result};

/// First word of a public key file.
const PUBLIC_KEY_TAG: &str = "kenmerk-ed25519-public-key";

/// An ed25519 public key of the Centre (or of whoever issues files).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PublicKey([u8; 32]);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", hex(&self.0))
    }
}

impl PublicKey {
    /// The key from its 32 bytes; fails if they are not a valid point.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<PublicKey> {
        VerifyingKey::from_bytes(&bytes).map_err(|_| {
            Error::new(
                ErrorKind::InvalidInput,
                "not a valid ed25519 public key".to_string(),
            )
        })?;
        Ok(PublicKey(bytes))
    }

    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The one-line text form written to `NAME.pub`:
    /// `kenmerk-ed25519-public-key <64 hex digits>`.
    pub fn to_text(&self) -> String {
        format!("{PUBLIC_KEY_TAG} {}\n", hex(&self.0))
    }

    /// Parses the text form of [`to_text`](Self::to_text).
    pub fn from_text(text: &str) -> Result<PublicKey> {
        let bad = || {
            Error::new(
                ErrorKind::InvalidInput,
                format!("not a public key file (expected `{PUBLIC_KEY_TAG} <64 hex digits>`)"),
            )
        };
        let mut words = text.split_whitespace();
        if words.next() != Some(PUBLIC_KEY_TAG) {
            return Err(bad());
        }
        let bytes = words.next().and_then(unhex32).ok_or_else(bad)?;
        if words.next().is_some() {
            return Err(bad());
        }
        PublicKey::from_bytes(bytes)
    }

    /// Reads a public key file.
    pub fn read(path: &Path) -> Result<PublicKey> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(e, path))?;
        if meta.len() > 4096 {
            return Err(
                Error::new(ErrorKind::InvalidInput, "not a public key file").with_path(path)
            );
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(e, path))?;
        PublicKey::from_text(&text).map_err(|e| e.with_path(path))
    }

    fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        VerifyingKey::from_bytes(&self.0)
            .and_then(|key| key.verify_strict(message, &Signature::from_bytes(signature)))
            .is_ok()
    }
}

/// The issuance block of an issued file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuance {
    /// Who the file was issued to (a provider, under one detection order).
    pub issued_to: String,
    /// Start of the validity period, seconds since the Unix epoch.
    pub valid_from: u64,
    /// End of the validity period (inclusive), seconds since the Unix epoch.
    pub valid_until: u64,
    /// When the file was issued, seconds since the Unix epoch.
    pub issued_at: u64,
    /// The key the file says it was signed with. Trust comes only from
    /// checking the signature against a key the reader already holds.
    pub public_key: [u8; 32],
}

/// What to fill in when issuing a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRequest {
    /// Recipient, 1 to 128 bytes of UTF-8.
    pub issued_to: String,
    /// Start of the validity period, seconds since the Unix epoch.
    pub valid_from: u64,
    /// End of the validity period (inclusive), seconds since the Unix epoch.
    pub valid_until: u64,
    /// Time of issue, seconds since the Unix epoch.
    pub issued_at: u64,
}

/// Makes an issued copy of the indicator file `file`: fills in the issuance
/// block, signs with `sign` (which receives the message and returns the
/// ed25519 signature made with the secret key of `public_key`), and
/// recomputes the header digest. The body is copied unchanged.
///
/// The source must be a valid, unissued file whose digests check out;
/// issuing a file that is already issued is refused, so that a signature is
/// never silently replaced.
pub fn issue(
    file: &[u8],
    request: &IssueRequest,
    public_key: &PublicKey,
    sign: impl FnOnce(&[u8]) -> [u8; 64],
) -> Result<Vec<u8>> {
    let view = super::IndexView::from_bytes(file)?;
    if view.layout.issuance.is_some() {
        return Err(Error::invalid_input(
            "the file is already issued; issue from the unissued release",
        ));
    }
    view.verify()?;
    let name = request.issued_to.as_bytes();
    if name.is_empty() || name.len() > ISSUED_TO_MAX || request.issued_to.contains('\0') {
        return Err(Error::invalid_input(format!(
            "the recipient must be 1 to {ISSUED_TO_MAX} bytes without NUL"
        )));
    }
    if request.valid_from > request.valid_until {
        return Err(Error::invalid_input(
            "the validity period ends before it starts",
        ));
    }
    let mut out = file.to_vec();
    let flags = u32::from_le_bytes([out[20], out[21], out[22], out[23]]) | FLAG_ISSUED;
    out[20..24].copy_from_slice(&flags.to_le_bytes());
    let at = ISSUANCE_AT;
    out[at..at + 8].copy_from_slice(&request.valid_from.to_le_bytes());
    out[at + 8..at + 16].copy_from_slice(&request.valid_until.to_le_bytes());
    out[at + 16..at + 24].copy_from_slice(&request.issued_at.to_le_bytes());
    out[at + 24] = name.len() as u8;
    out[at + 32..at + 32 + name.len()].copy_from_slice(name);
    out[672..704].copy_from_slice(public_key.as_bytes());
    let signature = sign(&format::signed_message(&out));
    if !public_key.verify(&format::signed_message(&out), &signature) {
        return Err(Error::invalid_input(
            "the signing key does not belong to the given public key",
        ));
    }
    out[format::SIGNATURE_AT..format::SIGNATURE_END].copy_from_slice(&signature);
    let digest = format::header_digest(&out);
    out[128..160].copy_from_slice(&digest);
    Layout::parse(&out)?;
    Ok(out)
}

/// The issuance block, if the file is issued.
pub(crate) fn issuance_of(layout: &Layout) -> Option<Issuance> {
    layout.issuance.as_ref().map(|f| Issuance {
        issued_to: f.issued_to().to_string(),
        valid_from: f.valid_from,
        valid_until: f.valid_until,
        issued_at: f.issued_at,
        public_key: f.public_key,
    })
}

/// Refuses an issued file outside its validity period at time `now`
/// (seconds since the Unix epoch). Unissued files have no period.
pub(crate) fn check_period(layout: &Layout, now: u64) -> Result<()> {
    let Some(f) = &layout.issuance else {
        return Ok(());
    };
    let period = format!(
        "issued to {:?} for {} to {}",
        f.issued_to(),
        utc_date(f.valid_from),
        utc_date(f.valid_until)
    );
    if now < f.valid_from {
        return Err(Error::new(
            ErrorKind::NotYetValid,
            format!(
                "the indicator file is not yet valid ({period}); it is {}",
                utc_date(now)
            ),
        ));
    }
    if now > f.valid_until {
        return Err(Error::new(
            ErrorKind::Expired,
            format!(
                "the indicator file has expired ({period}); it is {}",
                utc_date(now)
            ),
        ));
    }
    Ok(())
}

/// Checks that the file is issued, signed by `key`, and that its body is the
/// one signed (O(n)).
pub(crate) fn check_signature(bytes: &[u8], layout: &Layout, key: &PublicKey) -> Result<()> {
    let Some(f) = &layout.issuance else {
        return Err(Error::new(
            ErrorKind::Signature,
            "the indicator file is not signed (it was not issued), but a public key was given",
        ));
    };
    if f.public_key != *key.as_bytes() || !key.verify(&format::signed_message(bytes), &f.signature)
    {
        return Err(Error::new(
            ErrorKind::Signature,
            "the signature does not verify with the given public key: the file was signed \
             by another key or its header was altered",
        ));
    }
    if format::header_digest(bytes) != layout.header_digest {
        return Err(format::corrupt(
            "header digest mismatch: the header was altered",
        ));
    }
    let mut hasher = blake3::Hasher::new();
    hasher.update_rayon(&bytes[HEADER_LEN..]);
    if *hasher.finalize().as_bytes() != layout.body_digest {
        return Err(Error::new(
            ErrorKind::Signature,
            "the file's contents do not match what was signed (body digest mismatch): \
             the file was altered after issuing",
        ));
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM:SS UTC` of a Unix time (proleptic Gregorian calendar).
pub fn utc_date(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

fn hex(bytes: &[u8; 32]) -> String {
    crate::Hash256::from_bytes(*bytes).to_hex()
}

fn unhex32(text: &str) -> Option<[u8; 32]> {
    crate::Hash256::from_hex(text).ok().map(|h| *h.as_bytes())
}
