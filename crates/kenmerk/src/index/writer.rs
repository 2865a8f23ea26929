//! Writing indicator files: layout in memory, then an atomic replace.
//!
//! [`to_bytes`] lays out header, hashes, metadata and (optionally) the
//! multi-index tables, in the layout [`MihLayout::for_count`] chooses for the
//! number of indicators ([`to_bytes_with_layout`] takes another), and fills
//! in both digests. [`write_atomic`] writes to
//! a temporary file in the target's directory, flushes it to disk, renames
//! it over the target and flushes the directory, so a reader sees either the
//! old file or the new one, never a mix, even after a crash.

use std::path::Path;

use super::Indicator;
use super::format::*;
use super::mih::{self, MihLayout};
use crate::error::Result;
use crate::hash::Hash256;

/// Header fields of a file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// Database release number.
    pub db_version: u64,
    /// Creation time, seconds since the Unix epoch.
    pub created: u64,
    /// Head of the provenance chain the file was built from (zero if none).
    pub chain_head: [u8; 32],
    /// Include multi-index tables, in the layout [`MihLayout::for_count`]
    /// chooses: 16 tables of 16 bits (64 bytes per indicator plus 4 MiB) up
    /// to 65,536 indicators, 11 tables of 23–24 bits (44 bytes per indicator
    /// plus 448 MiB) at 10 million.
    pub mih: bool,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            db_version: 1,
            created: 0,
            chain_head: [0; 32],
            mih: true,
        }
    }
}

fn align(n: usize) -> usize {
    n.div_ceil(SECTION_ALIGN) * SECTION_ALIGN
}

/// Lays out a complete indicator file.
///
/// # Panics
/// If there are more than `u32::MAX` indicators.
pub fn to_bytes(indicators: &[(Hash256, Indicator)], options: &WriteOptions) -> Vec<u8> {
    let layout = options.mih.then(|| MihLayout::for_count(indicators.len()));
    lay_out(indicators, options, layout)
}

/// As [`to_bytes`], with multi-index tables in `layout` whatever
/// `options.mih` says: for tests and benchmarks, and for callers who know
/// that another layout suits their radius better.
///
/// # Panics
/// If there are more than `u32::MAX` indicators, or the tables would not fit
/// in memory.
pub fn to_bytes_with_layout(
    indicators: &[(Hash256, Indicator)],
    options: &WriteOptions,
    layout: &MihLayout,
) -> Vec<u8> {
    lay_out(indicators, options, Some(*layout))
}

fn lay_out(
    indicators: &[(Hash256, Indicator)],
    options: &WriteOptions,
    layout: Option<MihLayout>,
) -> Vec<u8> {
    let n = indicators.len();
    assert!(
        n <= u32::MAX as usize,
        "at most 2^32 - 1 indicators per file"
    );
    let hashes: Vec<[u8; 32]> = indicators.iter().map(|(h, _)| *h.as_bytes()).collect();
    let tables_len = layout.and_then(|l| l.section_len(n)).unwrap_or(0);
    let mut out = Vec::with_capacity(HEADER_LEN + n * (32 + METADATA_LEN) + tables_len + 192);
    out.resize(HEADER_LEN, 0);
    let mut table = Vec::new();
    let mut section =
        |out: &mut Vec<u8>, kind: SectionKind, write: &mut dyn FnMut(&mut Vec<u8>)| {
            out.resize(align(out.len()), 0);
            let offset = out.len();
            write(out);
            table.push((kind, offset, out.len() - offset));
        };
    section(&mut out, SectionKind::Hashes, &mut |out| {
        hashes.iter().for_each(|h| out.extend_from_slice(h))
    });
    section(&mut out, SectionKind::Metadata, &mut |out| {
        indicators
            .iter()
            .for_each(|(_, m)| out.extend_from_slice(&m.encode()))
    });
    if let Some(layout) = &layout {
        section(&mut out, SectionKind::Mih, &mut |out| {
            mih::build_into(&hashes, layout, out)
        });
    }
    let h = &mut out[..HEADER_LEN];
    h[0..8].copy_from_slice(&MAGIC);
    h[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h[12..16].copy_from_slice(&(HEADER_LEN as u32).to_le_bytes());
    h[16..20].copy_from_slice(&ALGORITHM_PDQ.to_le_bytes());
    let flags = if layout.is_some() { FLAG_MIH } else { 0 };
    h[20..24].copy_from_slice(&flags.to_le_bytes());
    if let Some(layout) = &layout {
        h[MIH_LAYOUT_AT..MIH_LAYOUT_AT + 32].copy_from_slice(&layout.encode());
    }
    h[24..32].copy_from_slice(&(n as u64).to_le_bytes());
    h[40..48].copy_from_slice(&options.db_version.to_le_bytes());
    h[48..56].copy_from_slice(&options.created.to_le_bytes());
    h[56..60].copy_from_slice(&(table.len() as u32).to_le_bytes());
    h[64..96].copy_from_slice(&options.chain_head);
    for (i, (kind, offset, len)) in table.iter().enumerate() {
        let at = SECTION_TABLE_AT + i * SECTION_ENTRY_LEN;
        h[at..at + 4].copy_from_slice(&(*kind as u32).to_le_bytes());
        h[at + 8..at + 16].copy_from_slice(&(*offset as u64).to_le_bytes());
        h[at + 16..at + 24].copy_from_slice(&(*len as u64).to_le_bytes());
    }
    let file_len = out.len() as u64;
    out[32..40].copy_from_slice(&file_len.to_le_bytes());
    let body = *blake3::hash(&out[HEADER_LEN..]).as_bytes();
    out[96..128].copy_from_slice(&body);
    let header = header_digest(&out);
    out[128..160].copy_from_slice(&header);
    out
}

/// Writes `bytes` to `path` atomically: a temporary file with a random
/// name in the same folder, fsync, rename over `path`, fsync of the folder
/// (see [`crate::files::Staged`]).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::files::write_atomic(path, bytes)
}
