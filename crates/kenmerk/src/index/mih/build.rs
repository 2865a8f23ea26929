//! Building the table section: one counting sort per table.
//!
//! For each table, count the records under every key, turn the counts into
//! bucket starts by a prefix sum, then drop each record number into its
//! bucket in record order. The starts array doubles as the write cursor: after
//! the placement, entry k holds the end of bucket k, i.e. the start of
//! bucket k + 1, so one shift by one place restores the starts.

use super::{MihLayout, key};
use crate::hamming::Record;

/// Appends the table section for `hashes` under `layout` to `out`
/// (little-endian u32s, `layout.section_len(hashes.len())` bytes).
///
/// # Panics
/// If there are more than `u32::MAX` records (the writer checks first).
pub(crate) fn build_into(hashes: &[Record], layout: &MihLayout, out: &mut Vec<u8>) {
    let n = hashes.len();
    assert!(u32::try_from(n).is_ok(), "at most 2^32 - 1 records");
    if let Some(len) = layout.section_len(n) {
        out.reserve(len);
    }
    let mut ids = vec![0u32; n];
    let mut keys = vec![0u32; n];
    for (bits_at, width) in layout.ranges() {
        let buckets = 1usize << width;
        let mut starts = vec![0u32; buckets + 1];
        for (k, h) in keys.iter_mut().zip(hashes) {
            *k = key(h, bits_at, width);
            starts[*k as usize + 1] += 1;
        }
        for i in 1..=buckets {
            starts[i] += starts[i - 1];
        }
        for (id, &k) in keys.iter().enumerate() {
            let cursor = &mut starts[k as usize];
            ids[*cursor as usize] = id as u32;
            *cursor += 1;
        }
        starts.copy_within(0..buckets, 1);
        starts[0] = 0;
        extend_le(out, &starts);
        extend_le(out, &ids);
    }
}

fn extend_le(out: &mut Vec<u8>, words: &[u32]) {
    for w in words {
        out.extend_from_slice(&w.to_le_bytes());
    }
}
