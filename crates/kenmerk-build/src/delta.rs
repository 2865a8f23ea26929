//! Deltas between two versions of an indicator file, so that providers
//! update without downloading everything (Art. 46(7)).
//!
//! A delta names its base by digests and carries the target's header
//! verbatim, the ids removed (or changed) and the records added. Applying
//! it checks the base, rebuilds the target's body from the base's records
//! minus the removed ids plus the added ones, in id order, puts the target
//! header on it and verifies the result completely: the output is then the
//! target file byte for byte (signature included, for issued copies), or the
//! apply fails. Files made by kenmerk keep their records in id order, which
//! is what makes the rebuilt body identical.
//!
//! Layout (little-endian):
//!
//! ```text
//! "KMKDELTA"  u32 delta version (1)  u32 zero
//! u64 base db version  [32] base header digest  [32] base body digest
//! [1024] target header
//! u64 removed count r  u64 added count a
//! r x u64 removed ids (ascending)
//! a x (32-byte hash, 24-byte metadata), in id order
//! [32] blake3 of everything before it
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use kenmerk::Hash256;
use kenmerk::index::format::{HEADER_LEN, METADATA_LEN};
use kenmerk::index::{self, IndexView, Indicator, WriteOptions};

use crate::check::open_verified;

const MAGIC: &[u8; 8] = b"KMKDELTA";
const DELTA_VERSION: u32 = 1;
const FIXED: usize = 8 + 4 + 4 + 8 + 32 + 32 + HEADER_LEN + 8 + 8;
const ADDED_LEN: usize = 32 + METADATA_LEN;

type Entry = (Hash256, Indicator);

/// The file's records grouped by id, refusing files not in id order.
fn groups(view: &IndexView<'_>, path: &Path) -> Result<BTreeMap<u64, Vec<Entry>>, String> {
    let mut out: BTreeMap<u64, Vec<Entry>> = BTreeMap::new();
    let mut last = None;
    for p in 0..view.len() {
        let meta = view
            .indicator(p)
            .map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
        if last.is_some_and(|l| meta.id < l) {
            return Err(format!(
                "{}: records are not in id order (not written by kenmerk's builder)",
                path.display()
            ));
        }
        last = Some(meta.id);
        out.entry(meta.id)
            .or_default()
            .push((Hash256::from_bytes(view.hashes()[p]), meta));
    }
    Ok(out)
}

/// What a delta changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeltaSummary {
    /// Version it applies to.
    pub base_version: u64,
    /// Version it produces.
    pub target_version: u64,
    /// Indicator ids removed or changed.
    pub removed: usize,
    /// Records added.
    pub added: usize,
}

/// The delta that turns `old` into `new`.
pub fn diff(old: &Path, new: &Path) -> Result<(Vec<u8>, DeltaSummary), String> {
    let (old_index, new_index) = (open_verified(old)?, open_verified(new)?);
    let (old_view, new_view) = (old_index.view(), new_index.view());
    let (before, after) = (groups(&old_view, old)?, groups(&new_view, new)?);
    let removed: Vec<u64> = before
        .iter()
        .filter(|(id, group)| after.get(id) != Some(group))
        .map(|(id, _)| *id)
        .collect();
    let added: Vec<&Entry> = after
        .iter()
        .filter(|(id, group)| before.get(id) != Some(group))
        .flat_map(|(_, group)| group)
        .collect();
    let (old_info, new_info) = (old_view.info(), new_view.info());
    let mut out = Vec::with_capacity(FIXED + removed.len() * 8 + added.len() * ADDED_LEN + 32);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&DELTA_VERSION.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&old_info.db_version.to_le_bytes());
    out.extend_from_slice(&old_info.header_digest);
    out.extend_from_slice(&old_info.body_digest);
    out.extend_from_slice(new_view.header_bytes());
    out.extend_from_slice(&(removed.len() as u64).to_le_bytes());
    out.extend_from_slice(&(added.len() as u64).to_le_bytes());
    for id in &removed {
        out.extend_from_slice(&id.to_le_bytes());
    }
    for (hash, meta) in &added {
        out.extend_from_slice(hash.as_bytes());
        out.extend_from_slice(&meta.encode());
    }
    let trailer = *blake3::hash(&out).as_bytes();
    out.extend_from_slice(&trailer);
    let summary = DeltaSummary {
        base_version: old_info.db_version,
        target_version: new_info.db_version,
        removed: removed.len(),
        added: added.len(),
    };
    Ok((out, summary))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// Applies `delta` to the file at `old`; returns the target file's bytes.
pub fn apply(old: &Path, delta: &[u8]) -> Result<(Vec<u8>, DeltaSummary), String> {
    if delta.len() < FIXED + 32 || &delta[..8] != MAGIC {
        return Err("not a kenmerk delta file".into());
    }
    let (body, trailer) = delta.split_at(delta.len() - 32);
    if blake3::hash(body).as_bytes() != trailer {
        return Err("the delta file is damaged (digest mismatch)".into());
    }
    let version = u32::from_le_bytes([delta[8], delta[9], delta[10], delta[11]]);
    if version != DELTA_VERSION {
        return Err(format!(
            "delta format version {version}; this build reads version {DELTA_VERSION}"
        ));
    }
    let base_version = u64_at(delta, 16);
    let target_header = &delta[88..88 + HEADER_LEN];
    let counts_at = 88 + HEADER_LEN;
    let (removed_n, added_n) = (u64_at(delta, counts_at), u64_at(delta, counts_at + 8));
    let expected = usize::try_from(removed_n)
        .ok()
        .and_then(|r| r.checked_mul(8))
        .zip(
            usize::try_from(added_n)
                .ok()
                .and_then(|a| a.checked_mul(ADDED_LEN)),
        )
        .and_then(|(r, a)| r.checked_add(a)?.checked_add(FIXED));
    if expected != Some(body.len()) {
        return Err("the delta file's counts do not fit its length".into());
    }
    let (removed_n, added_n) = (removed_n as usize, added_n as usize);

    let old_index = open_verified(old)?;
    let old_view = old_index.view();
    let info = old_view.info();
    if info.header_digest[..] != delta[24..56] || info.body_digest[..] != delta[56..88] {
        return Err(format!(
            "{}: this delta updates version {base_version}, but the file is version {} \
             (or another copy of it): apply it to the version it was made from",
            old.display(),
            info.db_version
        ));
    }
    let mut groups = groups(&old_view, old)?;
    let removed_at = FIXED;
    for i in 0..removed_n {
        groups.remove(&u64_at(delta, removed_at + 8 * i));
    }
    let added_at = removed_at + 8 * removed_n;
    for i in 0..added_n {
        let at = added_at + i * ADDED_LEN;
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&delta[at..at + 32]);
        let mut meta = [0u8; METADATA_LEN];
        meta.copy_from_slice(&delta[at + 32..at + ADDED_LEN]);
        let meta = Indicator::decode(&meta).map_err(|e| format!("delta: {}", e.reason()))?;
        groups
            .entry(meta.id)
            .or_default()
            .push((Hash256::from_bytes(hash), meta));
    }
    let entries: Vec<Entry> = groups.into_values().flatten().collect();
    let has_mih = u32::from_le_bytes([
        target_header[20],
        target_header[21],
        target_header[22],
        target_header[23],
    ]) & index::format::FLAG_MIH
        != 0;
    let mut bytes = index::to_bytes(
        &entries,
        &WriteOptions {
            mih: has_mih,
            ..WriteOptions::default()
        },
    );
    bytes[..HEADER_LEN].copy_from_slice(target_header);
    let view = IndexView::from_bytes(&bytes)
        .and_then(|v| v.verify().map(|()| v))
        .map_err(|e| {
            format!(
                "the delta does not reproduce version {}: {}",
                u64_at(target_header, 40),
                e.reason()
            )
        })?;
    let summary = DeltaSummary {
        base_version,
        target_version: view.info().db_version,
        removed: removed_n,
        added: added_n,
    };
    Ok((bytes, summary))
}
