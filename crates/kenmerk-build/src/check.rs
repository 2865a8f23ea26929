//! Checking an indicator file against the records it claims to come from.
//!
//! A file built by kenmerk names the head of the records in its header. The
//! check finds that record, replays the log up to it, and requires that the
//! file holds exactly the indicators live at that point, each with the hash,
//! quality and kind its `add` record gives, and that a later `release` or
//! `issue` record names the file's digest. So every indicator in the file
//! is backed by a recorded, confirmed submission (Art. 44(3), (4)).

use std::path::Path;

use kenmerk::Hash256;
use kenmerk::index::{Index, IndexView};

use crate::records::{Chain, Event, hex};

/// Opens the file at `path` whatever its validity period, and checks it
/// completely (digests, metadata, tables): the start of every change the
/// Centre makes and of every check against the records.
pub fn open_verified(path: &Path) -> Result<Index, String> {
    let index = Index::inspect(path).map_err(|e| e.to_string())?;
    index
        .view()
        .verify()
        .map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
    Ok(index)
}

/// Checks `view` against `chain`. Returns the position of the record the
/// file was built from.
pub fn file_against_records(chain: &Chain, view: &IndexView<'_>) -> Result<usize, String> {
    let info = view.info();
    if info.chain_head == [0; 32] {
        return Err("the file names no records (it was not made by `kenmerk db build`)".into());
    }
    let Some(position) = chain.position_of(&info.chain_head) else {
        return Err(
            "the records do not contain the record this file was built from: the records \
             were truncated, or the file was built from other records"
                .into(),
        );
    };
    let state = chain.live(position + 1);
    let mut ids = std::collections::BTreeSet::new();
    for p in 0..view.len() {
        let meta = view.indicator(p).map_err(|e| e.to_string())?;
        let hash = Hash256::from_bytes(view.hashes()[p]).to_string();
        let Some(live) = state.live.get(&meta.id) else {
            return Err(format!(
                "indicator {} is in the file but no live `add` record backs it",
                meta.id
            ));
        };
        if live.pdq != hash || live.quality != meta.quality || live.media_kind != meta.kind.name() {
            return Err(format!(
                "indicator {} differs from its `add` record (hash, quality or kind)",
                meta.id
            ));
        }
        ids.insert(meta.id);
    }
    if !ids.iter().eq(state.live.keys()) {
        return Err(format!(
            "the records have {} live indicators at this point but the file holds {} others",
            state.live.len(),
            ids.len()
        ));
    }
    let body = hex(&info.body_digest);
    let released = chain.records()[position + 1..].iter().any(|r| {
        matches!(r.event, Some(Event::Release | Event::Issue))
            && r.body_blake3.as_deref() == Some(body.as_str())
    });
    if !released {
        return Err("no `release` record names this file's digest".into());
    }
    Ok(position)
}
