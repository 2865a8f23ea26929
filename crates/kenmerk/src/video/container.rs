//! Detects truncated video files from their container's top-level sizes.
//!
//! A partly copied or downloaded file often still opens and decodes: the
//! demuxer just meets the end of the file early, and a hash of the first
//! part would be taken for the whole. The common containers state their
//! sizes up front, so the check is cheap and reads only a few headers:
//!
//! - ISO BMFF (MP4, MOV, 3GP): the top-level boxes (`ftyp`, `moov`, `mdat`,
//!   ...) each give their size; none may end past the end of the file.
//! - RIFF (AVI): the `RIFF` chunks (`AVI `, then `AVIX` for large files)
//!   each give their size; the same rule.
//! - Matroska and WebM: the `Segment` element gives its size, unless it is
//!   written as unknown (live recordings), which is accepted.
//!
//! Other containers are not checked here; the decoder still stops at their
//! end, and trailing bytes past the stated sizes are accepted.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::error::{Error, Result};

/// Most top-level boxes or chunks walked (real files have a handful).
const MAX_ELEMENTS: usize = 4096;

/// Checks that no top-level element of the file at `path` (of `len` bytes)
/// claims to end past its end.
pub(crate) fn check_complete(path: &Path, len: u64) -> Result<()> {
    let mut file = File::open(path).map_err(|e| Error::io(e, path))?;
    let mut head = [0u8; 12];
    if read_at(&mut file, 0, &mut head).is_err() {
        return Ok(()); // too short to tell; the demuxer will refuse it
    }
    let claimed = if &head[0..4] == b"RIFF" {
        walk(&mut file, len, riff_chunk)
    } else if matches!(
        &head[4..8],
        b"ftyp" | b"moov" | b"mdat" | b"free" | b"wide" | b"skip"
    ) {
        walk(&mut file, len, iso_box)
    } else if head[0..4] == [0x1A, 0x45, 0xDF, 0xA3] {
        matroska_segment_end(&mut file, len)
    } else {
        None
    };
    match claimed {
        Some(end) if end > len => Err(Error::decode(format!(
            "truncated: the container says the file has {end} bytes, it has {len}"
        ))),
        _ => Ok(()),
    }
}

fn read_at(file: &mut File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// Walks top-level elements with `element` (which gives the next offset
/// from the current one, or `None` where the structure ends or cannot be
/// read); returns the first end past `len`, or `None`.
fn walk(file: &mut File, len: u64, element: fn(&mut File, u64, u64) -> Option<u64>) -> Option<u64> {
    let mut offset = 0u64;
    for _ in 0..MAX_ELEMENTS {
        if offset >= len {
            return None;
        }
        let end = element(file, offset, len)?;
        if end > len {
            return Some(end);
        }
        if end <= offset {
            return None;
        }
        offset = end;
    }
    None
}

/// An ISO BMFF box: 32-bit big-endian size (1: a 64-bit size follows; 0:
/// to the end of the file) and a 4-byte type.
fn iso_box(file: &mut File, offset: u64, len: u64) -> Option<u64> {
    let mut header = [0u8; 16];
    let available = (len - offset).min(16) as usize;
    if available < 8 {
        return None;
    }
    read_at(file, offset, &mut header[..available]).ok()?;
    let size = u64::from(u32::from_be_bytes([
        header[0], header[1], header[2], header[3],
    ]));
    match size {
        0 => None,
        1 if available >= 16 => {
            let large = u64::from_be_bytes(header[8..16].try_into().ok()?);
            (large >= 16).then(|| offset.saturating_add(large))
        }
        1 => Some(offset.saturating_add(16)),
        s if s < 8 => None,
        s => Some(offset + s),
    }
}

/// A RIFF chunk: 4-byte id, 32-bit little-endian size, padded to even.
fn riff_chunk(file: &mut File, offset: u64, len: u64) -> Option<u64> {
    let mut header = [0u8; 8];
    if len - offset < 8 {
        return None;
    }
    read_at(file, offset, &mut header).ok()?;
    if &header[0..4] != b"RIFF" {
        return None; // trailing data after the RIFF chunks
    }
    let size = u64::from(u32::from_le_bytes([
        header[4], header[5], header[6], header[7],
    ]));
    Some(offset + 8 + size + (size & 1))
}

/// Reads an EBML variable-length integer at `offset`: its value (marker bit
/// removed, `None` value for "unknown size") and its length in bytes.
fn ebml_vint(file: &mut File, offset: u64, keep_marker: bool) -> Option<(Option<u64>, u64)> {
    let mut first = [0u8; 1];
    read_at(file, offset, &mut first).ok()?;
    let width = first[0].leading_zeros() as usize + 1;
    if width > 8 {
        return None;
    }
    let mut bytes = [0u8; 8];
    read_at(file, offset, &mut bytes[..width]).ok()?;
    let mut value = 0u64;
    for &b in &bytes[..width] {
        value = (value << 8) | u64::from(b);
    }
    let marker = 1u64 << (7 * width);
    let payload = value & (marker - 1);
    let unknown = payload == marker - 1;
    let value = if keep_marker {
        Some(value)
    } else if unknown {
        None
    } else {
        Some(payload)
    };
    Some((value, width as u64))
}

/// Where a Matroska file's `Segment` ends, if its size is known.
fn matroska_segment_end(file: &mut File, len: u64) -> Option<u64> {
    // The EBML header element, then the Segment (ID 0x18538067).
    let (_, id_len) = ebml_vint(file, 0, true)?;
    let (header_size, size_len) = ebml_vint(file, id_len, false)?;
    let segment = id_len + size_len + header_size?;
    if segment >= len {
        return None;
    }
    let (id, id_len) = ebml_vint(file, segment, true)?;
    if id != Some(0x1853_8067) {
        return None;
    }
    let (size, size_len) = ebml_vint(file, segment + id_len, false)?;
    Some(segment + id_len + size_len + size?)
}
