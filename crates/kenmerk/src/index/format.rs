//! The `.kmk` indicator file layout, and its validation from untrusted bytes.
//!
//! All integers are little-endian. A file is a 1024-byte header followed by
//! sections, each starting on a 64-byte boundary:
//!
//! ```text
//! offset  size  field
//!      0     8  magic "KENMERK\x1a"
//!      8     4  format version (2)
//!     12     4  header length (1024)
//!     16     4  algorithm (1 = PDQ, 256-bit hashes)
//!     20     4  flags (bit 0: multi-index tables present; bit 1: issued)
//!     24     8  indicator count n
//!     32     8  total file length
//!     40     8  database version (release number)
//!     48     8  created, seconds since the Unix epoch
//!     56     4  section count s (at most 10)
//!     60     4  reserved, zero
//!     64    32  provenance chain head (blake3; zero if none)
//!     96    32  body digest: blake3 of bytes 1024..file length
//!    128    32  header digest: blake3 of bytes 0..1024 with bytes 96..160 zeroed
//!    160    32  multi-index table layout, all zero without tables:
//!    160     1    table count m, 1..=31
//!    161     m    width of each table in bits, 8..=32, summing to 256
//!  161+m  31-m    zero
//!    192  32*s  section table: kind u32, reserved u32, offset u64, length u64, reserved u64
//!    512   512  issuance block, all zero unless flag bit 1 is set:
//!    512     8    valid from, seconds since the Unix epoch
//!    520     8    valid until (inclusive), seconds since the Unix epoch
//!    528     8    issued at, seconds since the Unix epoch
//!    536     1    length of the recipient's name (at most 128), then 7 zero bytes
//!    544   128    recipient's name, UTF-8, zero padded
//!    672    32    signer's ed25519 public key
//!    704    64    ed25519 signature (see [`crate::index::issue`])
//!    768   256    reserved, zero
//! ```
//!
//! Version 1, with a 512-byte header and no issuance block, was never
//! released; this build refuses it like any other unknown version.
//!
//! Sections: `HASHES` (n x 32 bytes, the bytes Meta's hex spells),
//! `METADATA` (n x 24 bytes: id u64, video id u64, frame u32, media kind u8,
//! quality u8, reserved u16), and optionally `MIH` (the multi-index tables,
//! in the order of the layout at byte 160; table i covers the next `b_i`
//! bits of the hash and holds `2^b_i + 1` bucket starts u32, then n record
//! numbers u32; see [`crate::index::MihLayout`]).
//!
//! The table layout was added to version 2 before any file was released:
//! a version 2 file with tables written before it has zeros at byte 160 and
//! is refused with a reason ("the multi-index flag is set but no table
//! layout is recorded"); rebuild it with `kenmerk db import`.
//!
//! [`Layout::parse`] checks everything that can be checked in O(1): magic,
//! versions, header length, every section's bounds with checked arithmetic,
//! alignment, sizes against the count, the file length. It never trusts a
//! field before checking it, and it never reads past the slice. Digests are
//! O(n) and checked by `verify`.

use super::mih::MihLayout;
use crate::error::{Error, ErrorKind, Result};

/// File magic.
pub const MAGIC: [u8; 8] = *b"KENMERK\x1a";
/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 2;
/// Header length in bytes.
pub const HEADER_LEN: usize = 1024;
/// Section alignment in bytes.
pub const SECTION_ALIGN: usize = 64;
/// Algorithm id of PDQ (256-bit hashes).
pub const ALGORITHM_PDQ: u32 = 1;
/// Flag: multi-index tables present.
pub const FLAG_MIH: u32 = 1;
/// Flag: the file is issued to one recipient for one period, and signed.
pub const FLAG_ISSUED: u32 = 2;
/// Bytes per metadata record.
pub const METADATA_LEN: usize = 24;
/// Where the header records the multi-index table layout (32 bytes).
pub const MIH_LAYOUT_AT: usize = 160;

pub(crate) const SECTION_TABLE_AT: usize = 192;
pub(crate) const SECTION_ENTRY_LEN: usize = 32;
pub(crate) const ISSUANCE_AT: usize = 512;
pub(crate) const MAX_SECTIONS: usize = (ISSUANCE_AT - SECTION_TABLE_AT) / SECTION_ENTRY_LEN;
pub(crate) const ISSUED_TO_MAX: usize = 128;
pub(crate) const SIGNATURE_AT: usize = 704;
pub(crate) const SIGNATURE_END: usize = 768;
pub(crate) const DIGESTS_AT: usize = 96;
pub(crate) const DIGESTS_END: usize = 160;

/// Kinds of section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum SectionKind {
    Hashes = 1,
    Metadata = 2,
    Mih = 3,
}

/// Byte range of a section within the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) offset: usize,
    pub(crate) len: usize,
}

impl Span {
    pub(crate) fn end(&self) -> usize {
        self.offset + self.len
    }
}

/// The validated header of an indicator file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub(crate) count: usize,
    pub(crate) flags: u32,
    pub(crate) db_version: u64,
    pub(crate) created: u64,
    pub(crate) chain_head: [u8; 32],
    pub(crate) body_digest: [u8; 32],
    pub(crate) header_digest: [u8; 32],
    pub(crate) issuance: Option<IssuanceFields>,
    pub(crate) hashes: Span,
    pub(crate) metadata: Span,
    pub(crate) mih: Option<MihSection>,
}

/// Where the multi-index tables are, and their layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MihSection {
    pub(crate) span: Span,
    pub(crate) layout: MihLayout,
}

/// The issuance block of an issued file, as stored (validated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IssuanceFields {
    pub(crate) valid_from: u64,
    pub(crate) valid_until: u64,
    pub(crate) issued_at: u64,
    pub(crate) issued_to: [u8; ISSUED_TO_MAX],
    pub(crate) issued_to_len: usize,
    pub(crate) public_key: [u8; 32],
    pub(crate) signature: [u8; 64],
}

impl IssuanceFields {
    fn parse(h: &[u8]) -> Result<IssuanceFields> {
        let at = ISSUANCE_AT;
        let issued_to_len = h[at + 24] as usize;
        if issued_to_len == 0 || issued_to_len > ISSUED_TO_MAX {
            return Err(corrupt(format!(
                "recipient name length {issued_to_len} is not in 1..={ISSUED_TO_MAX}"
            )));
        }
        let mut issued_to = [0u8; ISSUED_TO_MAX];
        issued_to.copy_from_slice(&h[at + 32..at + 32 + ISSUED_TO_MAX]);
        if std::str::from_utf8(&issued_to[..issued_to_len]).is_err()
            || issued_to[issued_to_len..].iter().any(|&b| b != 0)
            || h[at + 25..at + 32].iter().any(|&b| b != 0)
            || h[SIGNATURE_END..HEADER_LEN].iter().any(|&b| b != 0)
        {
            return Err(corrupt(
                "the recipient name is not UTF-8, or reserved issuance bytes are not zero",
            ));
        }
        let fields = IssuanceFields {
            valid_from: u64_at(h, at),
            valid_until: u64_at(h, at + 8),
            issued_at: u64_at(h, at + 16),
            issued_to,
            issued_to_len,
            public_key: digest_at(h, 672),
            signature: {
                let mut s = [0u8; 64];
                s.copy_from_slice(&h[SIGNATURE_AT..SIGNATURE_END]);
                s
            },
        };
        if fields.valid_from > fields.valid_until {
            return Err(corrupt("the validity period ends before it starts"));
        }
        Ok(fields)
    }

    /// The recipient's name.
    pub(crate) fn issued_to(&self) -> &str {
        std::str::from_utf8(&self.issued_to[..self.issued_to_len]).unwrap_or_default()
    }
}

/// An error of kind `Corrupt` whose reason is `what`.
pub(crate) fn corrupt(what: impl Into<String>) -> Error {
    let what = what.into();
    Error::new(ErrorKind::Corrupt { what: what.clone() }, what)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

fn digest_at(b: &[u8], at: usize) -> [u8; 32] {
    let mut d = [0u8; 32];
    d.copy_from_slice(&b[at..at + 32]);
    d
}

impl Layout {
    /// Validates the header and section table of `bytes` (the whole file).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Layout> {
        if bytes.len() < 8 || bytes[..8] != MAGIC {
            return Err(corrupt("not a kenmerk indicator file (bad magic)"));
        }
        if bytes.len() < HEADER_LEN {
            return Err(corrupt(format!(
                "file is truncated: {} bytes, shorter than the {HEADER_LEN}-byte header",
                bytes.len()
            )));
        }
        let h = &bytes[..HEADER_LEN];
        let version = u32_at(h, 8);
        if version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::Version {
                    found: version,
                    supported: FORMAT_VERSION,
                },
                format!(
                    "indicator file format version {version}; this build reads version {FORMAT_VERSION}"
                ),
            ));
        }
        if u32_at(h, 12) as usize != HEADER_LEN {
            return Err(corrupt(format!(
                "header length {} is not {HEADER_LEN}",
                u32_at(h, 12)
            )));
        }
        let algorithm = u32_at(h, 16);
        if algorithm != ALGORITHM_PDQ {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("hash algorithm {algorithm} is not supported (1 = PDQ)"),
            ));
        }
        let flags = u32_at(h, 20);
        if flags & !(FLAG_MIH | FLAG_ISSUED) != 0 {
            return Err(corrupt(format!("unknown flags {flags:#x}")));
        }
        let count = usize::try_from(u64_at(h, 24))
            .ok()
            .filter(|&n| n <= u32::MAX as usize)
            .ok_or_else(|| corrupt(format!("indicator count {} is too large", u64_at(h, 24))))?;
        let file_len = u64_at(h, 32);
        if file_len != bytes.len() as u64 {
            return Err(corrupt(format!(
                "file is {} bytes but its header says {file_len} (truncated or extended)",
                bytes.len()
            )));
        }
        let sections = u32_at(h, 56) as usize;
        if sections > MAX_SECTIONS {
            return Err(corrupt(format!(
                "section count {sections} exceeds {MAX_SECTIONS}"
            )));
        }
        if u32_at(h, 60) != 0 {
            return Err(corrupt("reserved header bytes are not zero"));
        }
        let mih_layout = MihLayout::decode(&h[MIH_LAYOUT_AT..MIH_LAYOUT_AT + 32])
            .map_err(|why| corrupt(format!("invalid multi-index table layout: {why}")))?;
        if h[SECTION_TABLE_AT + sections * SECTION_ENTRY_LEN..ISSUANCE_AT]
            .iter()
            .any(|&b| b != 0)
        {
            return Err(corrupt("unused section table entries are not zero"));
        }

        let issuance = if flags & FLAG_ISSUED != 0 {
            Some(IssuanceFields::parse(h)?)
        } else {
            if h[ISSUANCE_AT..].iter().any(|&b| b != 0) {
                return Err(corrupt(
                    "the issuance block is filled in but the file is not marked as issued",
                ));
            }
            None
        };

        let mut hashes = None;
        let mut metadata = None;
        let mut mih_span = None;
        for i in 0..sections {
            let at = SECTION_TABLE_AT + i * SECTION_ENTRY_LEN;
            let (kind, reserved) = (u32_at(h, at), u32_at(h, at + 4) as u64 | u64_at(h, at + 24));
            let (offset, len) = (u64_at(h, at + 8), u64_at(h, at + 16));
            if reserved != 0 {
                return Err(corrupt(format!(
                    "section {i}: reserved fields are not zero"
                )));
            }
            let span = checked_span(offset, len, bytes.len()).ok_or_else(|| {
                corrupt(format!(
                    "section {i}: offset {offset} + length {len} is outside the file"
                ))
            })?;
            if span.offset < HEADER_LEN || span.offset % SECTION_ALIGN != 0 {
                return Err(corrupt(format!(
                    "section {i}: offset {offset} is not a {SECTION_ALIGN}-byte aligned offset after the header"
                )));
            }
            let slot = match kind {
                k if k == SectionKind::Hashes as u32 => &mut hashes,
                k if k == SectionKind::Metadata as u32 => &mut metadata,
                k if k == SectionKind::Mih as u32 => &mut mih_span,
                other => return Err(corrupt(format!("section {i}: unknown kind {other}"))),
            };
            if slot.replace(span).is_some() {
                return Err(corrupt(format!("section {i}: kind {kind} appears twice")));
            }
        }
        let hashes = hashes.ok_or_else(|| corrupt("the hash section is missing"))?;
        let metadata = metadata.ok_or_else(|| corrupt("the metadata section is missing"))?;
        expect_len("hash", hashes, count.checked_mul(32))?;
        expect_len("metadata", metadata, count.checked_mul(METADATA_LEN))?;
        if (flags & FLAG_MIH != 0) != mih_span.is_some() {
            return Err(corrupt("the multi-index flag does not match the sections"));
        }
        let mih = match (mih_span, mih_layout) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(corrupt(
                    "the multi-index flag is set but no table layout is recorded",
                ));
            }
            (None, Some(_)) => {
                return Err(corrupt(
                    "a multi-index table layout is recorded but the file has no tables",
                ));
            }
            (Some(span), Some(layout)) => {
                if layout.section_len(count) != Some(span.len) {
                    return Err(corrupt(format!(
                        "the multi-index section is {} bytes, which does not fit the indicator count and table layout",
                        span.len
                    )));
                }
                Some(MihSection { span, layout })
            }
        };
        let mut spans: Vec<Span> = [Some(hashes), Some(metadata), mih.map(|m| m.span)]
            .into_iter()
            .flatten()
            .collect();
        spans.sort_by_key(|s| s.offset);
        if spans.windows(2).any(|w| w[0].end() > w[1].offset) {
            return Err(corrupt("sections overlap"));
        }
        Ok(Layout {
            count,
            flags,
            db_version: u64_at(h, 40),
            created: u64_at(h, 48),
            chain_head: digest_at(h, 64),
            body_digest: digest_at(h, 96),
            header_digest: digest_at(h, 128),
            issuance,
            hashes,
            metadata,
            mih,
        })
    }
}

fn checked_span(offset: u64, len: u64, file_len: usize) -> Option<Span> {
    let offset = usize::try_from(offset).ok()?;
    let len = usize::try_from(len).ok()?;
    (offset.checked_add(len)? <= file_len).then_some(Span { offset, len })
}

fn expect_len(name: &str, span: Span, expected: Option<usize>) -> Result<()> {
    match expected {
        Some(n) if n == span.len => Ok(()),
        _ => Err(corrupt(format!(
            "the {name} section is {} bytes, which does not fit the indicator count",
            span.len
        ))),
    }
}

/// The message an issued file's signature covers: a domain separator, then
/// the header with the header digest and the signature zeroed. It includes
/// the body digest, so the signature binds every byte of the file.
pub(crate) fn signed_message(header: &[u8]) -> Vec<u8> {
    let mut message = SIGNATURE_DOMAIN.to_vec();
    let start = message.len();
    message.extend_from_slice(&header[..HEADER_LEN]);
    message[start + 128..start + 160].fill(0);
    message[start + SIGNATURE_AT..start + SIGNATURE_END].fill(0);
    message
}

/// Domain separator of issued-file signatures.
const SIGNATURE_DOMAIN: &[u8] = b"kenmerk issued indicator file, format 2\0";

/// blake3 of the header with the digest fields zeroed.
pub(crate) fn header_digest(header: &[u8]) -> [u8; 32] {
    let mut copy = [0u8; HEADER_LEN];
    copy.copy_from_slice(&header[..HEADER_LEN]);
    copy[DIGESTS_AT..DIGESTS_END].fill(0);
    *blake3::hash(&copy).as_bytes()
}
