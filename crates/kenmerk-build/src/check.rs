//! Checking an indicator file against the records it claims to come from.
//!
//! A file built by kenmerk names the head of the records in its header. The
//! check finds that record, replays the log up to it, and requires that the
//! file holds exactly the indicators live at that point, each exactly as its
//! `add` record gives it (an image's hash, quality and kind; every stored
//! frame of a video and no other), and that a later `release` or `issue`
//! record names the file's digest. So every indicator in the file
//! is backed by a recorded, confirmed submission (Art. 44(3), (4)).

use std::collections::BTreeSet;
use std::path::Path;

use kenmerk::Hash256;
use kenmerk::index::{Index, IndexView, Indicator, MediaKind};

use crate::records::{Chain, Event, Live, hex};

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

/// The index records an indicator's first `add` record describes, as the
/// builder writes them: one for an image; for a video one per stored
/// frame, in the recorded order, each under the video's id.
pub fn expected_entries(id: u64, live: &Live) -> Result<Vec<(Hash256, Indicator)>, String> {
    let hash = |text: &str| {
        Hash256::from_hex(text)
            .map_err(|_| format!("the `add` record of indicator {id} has no valid PDQ hash"))
    };
    match live.media_kind.as_str() {
        "image" => Ok(vec![(hash(&live.pdq)?, Indicator::image(id, live.quality))]),
        "video" if live.frames.is_empty() => Err(format!(
            "the `add` record of video indicator {id} lists no frames"
        )),
        "video" => live
            .frames
            .iter()
            .map(|f| {
                let meta = Indicator {
                    id,
                    kind: MediaKind::Video,
                    quality: f.quality,
                    video_id: id,
                    frame: f.frame,
                };
                Ok((hash(&f.pdq)?, meta))
            })
            .collect(),
        other => Err(format!(
            "the `add` record of indicator {id} has media kind {other:?}"
        )),
    }
}

/// How the records a file holds for one indicator differ from those its
/// `add` record describes, if they do.
fn difference(expected: &[(Hash256, Indicator)], found: &[(Hash256, Indicator)]) -> Option<String> {
    let video = expected.first()?.1.kind == MediaKind::Video;
    if expected.len() != found.len() {
        return Some(format!(
            "the file holds {} record(s) for it, its `add` record gives {}",
            found.len(),
            expected.len()
        ));
    }
    let i = expected.iter().zip(found).position(|(e, f)| e != f)?;
    Some(if video {
        format!(
            "the file's frame record {i} (frame {}) is not the recorded frame {} \
             (hash, quality, kind or frame number)",
            found[i].1.frame, expected[i].1.frame
        )
    } else {
        "hash, quality or kind".to_string()
    })
}

/// Checks `view` against `chain`. Returns the position of the record the
/// file was built from.
///
/// The file's records are taken indicator by indicator (the builder keeps
/// each indicator's records together, in id order): each indicator must be
/// live at the file's chain head, and its records must be exactly those its
/// `add` record describes ([`expected_entries`]): the one hash of an image,
/// every recorded frame of a video and no other.
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
    let mut ids = BTreeSet::new();
    let mut group: Vec<(Hash256, Indicator)> = Vec::new();
    let mut check_group = |group: &mut Vec<(Hash256, Indicator)>| -> Result<(), String> {
        let Some(&(_, Indicator { id, .. })) = group.first() else {
            return Ok(());
        };
        if !ids.insert(id) {
            return Err(format!(
                "the records of indicator {id} are not together in the file (not written by \
                 kenmerk's builder)"
            ));
        }
        let Some(live) = state.live.get(&id) else {
            return Err(format!(
                "indicator {id} is in the file but no live `add` record backs it"
            ));
        };
        if let Some(reason) = difference(&expected_entries(id, live)?, group) {
            return Err(format!(
                "indicator {id} differs from its `add` record: {reason}"
            ));
        }
        group.clear();
        Ok(())
    };
    for p in 0..view.len() {
        let meta = view.indicator(p).map_err(|e| e.to_string())?;
        if group.first().is_some_and(|(_, first)| first.id != meta.id) {
            check_group(&mut group)?;
        }
        group.push((Hash256::from_bytes(view.hashes()[p]), meta));
    }
    check_group(&mut group)?;
    if let Some(missing) = state.live.keys().find(|id| !ids.contains(id)) {
        return Err(format!(
            "indicator {missing} is live in the records at this point but missing from the \
             file ({} live, {} in the file)",
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
