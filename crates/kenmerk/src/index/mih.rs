//! Multi-index hashing: exact radius search in sublinear time.
//!
//! Split each 256-bit hash into 16 slots of 16 bits. If two hashes are within
//! distance `r`, then by the pigeonhole principle at least one slot differs
//! in at most `floor(r / 16)` bits. So for each slot, a table maps each
//! 16-bit value to the records having it there; a query probes, in every
//! slot, each value within `floor(r / 16)` bits of its own (17 values per
//! slot for r = 31) and verifies the full distance of each candidate. No
//! record within `r` can be missed; every reported distance is exact.
//!
//! Each table is stored as a counting sort: 65 537 bucket starts, then the
//! record numbers grouped by slot value (in record order within a bucket).

use super::corrupt;
use super::format::{MIH_SLOTS, MIH_STARTS};
use crate::error::Result;
use crate::hamming::{Record, distance, prefetch};

/// The 16-bit value of `slot` (0..16) of a record.
#[inline]
pub(crate) fn slot_key(record: &Record, slot: usize) -> u16 {
    u16::from_le_bytes([record[2 * slot], record[2 * slot + 1]])
}

/// Builds the table section for `hashes` (little-endian u32s).
pub(crate) fn build(hashes: &[Record]) -> Vec<u8> {
    let n = hashes.len();
    let mut out = Vec::with_capacity(MIH_SLOTS * (MIH_STARTS + n) * 4);
    let mut starts = vec![0u32; MIH_STARTS];
    let mut ids = vec![0u32; n];
    for slot in 0..MIH_SLOTS {
        starts.fill(0);
        for h in hashes {
            starts[usize::from(slot_key(h, slot)) + 1] += 1;
        }
        for i in 1..MIH_STARTS {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        for (id, h) in hashes.iter().enumerate() {
            let key = usize::from(slot_key(h, slot));
            ids[next[key] as usize] = id as u32;
            next[key] += 1;
        }
        out.extend(starts.iter().flat_map(|s| s.to_le_bytes()));
        out.extend(ids.iter().flat_map(|s| s.to_le_bytes()));
    }
    out
}

/// All 16-bit masks with at most `bits` bits set, fewest bits first.
pub(crate) fn probe_masks(bits: u32) -> Vec<u16> {
    let mut masks: Vec<u16> = (0..=u16::MAX).filter(|m| m.count_ones() <= bits).collect();
    masks.sort_by_key(|m| m.count_ones());
    masks
}

/// The tables of one file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tables<'a> {
    bytes: &'a [u8],
    count: usize,
}

impl<'a> Tables<'a> {
    /// `bytes` is the whole MIH section, already checked to be
    /// `16 * (65537 + count) * 4` bytes long.
    pub(crate) fn new(bytes: &'a [u8], count: usize) -> Self {
        Tables { bytes, count }
    }

    fn table(&self, slot: usize) -> (&'a [[u8; 4]], &'a [[u8; 4]]) {
        let words = self.bytes.as_chunks::<4>().0;
        let table = &words[slot * (MIH_STARTS + self.count)..][..MIH_STARTS + self.count];
        table.split_at(MIH_STARTS)
    }

    /// The record numbers whose `slot` holds `key`. A bucket whose bounds
    /// are out of order or out of range is reported as corrupt, never read.
    pub(crate) fn bucket(&self, slot: usize, key: u16) -> Result<&'a [[u8; 4]]> {
        let (starts, ids) = self.table(slot);
        let start = u32::from_le_bytes(starts[usize::from(key)]) as usize;
        let end = u32::from_le_bytes(starts[usize::from(key) + 1]) as usize;
        if start > end || end > ids.len() {
            return Err(corrupt(format!(
                "multi-index table {slot}: bucket {key} has invalid bounds"
            )));
        }
        Ok(&ids[start..end])
    }

    /// Checks every table against the hashes: bucket starts ascending from 0
    /// to n, and each record listed exactly once, under its own slot value.
    pub(crate) fn verify(&self, hashes: &[Record]) -> Result<()> {
        let mut seen = vec![false; self.count];
        for slot in 0..MIH_SLOTS {
            let (starts, _) = self.table(slot);
            let start = |k: usize| u32::from_le_bytes(starts[k]) as usize;
            if start(0) != 0 || start(MIH_STARTS - 1) != self.count {
                return Err(corrupt(format!(
                    "multi-index table {slot}: bucket starts do not span the records"
                )));
            }
            seen.fill(false);
            for key in 0..MIH_STARTS - 1 {
                let bucket = self.bucket(slot, key as u16)?;
                for id in bucket {
                    let id = u32::from_le_bytes(*id) as usize;
                    if id >= self.count || seen[id] || slot_key(&hashes[id], slot) != key as u16 {
                        return Err(corrupt(format!(
                            "multi-index table {slot}: bucket {key} lists record {id} wrongly"
                        )));
                    }
                    seen[id] = true;
                }
            }
        }
        Ok(())
    }

    /// Calls `hit(position, distance)` for every record within `radius` of
    /// `query` (a record may be reported more than once, from several slots).
    ///
    /// Candidates are gathered first (into `candidates`, reused between
    /// calls) and verified in a second, branch-light loop, so the CPU keeps
    /// many of the verifications' cache misses in flight at once.
    pub(crate) fn search(
        &self,
        hashes: &[Record],
        query: &Record,
        radius: u32,
        masks: &[u16],
        candidates: &mut Vec<u32>,
        hit: &mut impl FnMut(usize, u32),
    ) -> Result<()> {
        candidates.clear();
        for slot in 0..MIH_SLOTS {
            let key = slot_key(query, slot);
            for &mask in masks {
                let bucket = self.bucket(slot, key ^ mask)?;
                candidates.extend(bucket.iter().map(|id| u32::from_le_bytes(*id)));
            }
        }
        // Far enough ahead to cover a memory latency, near enough to stay in L1.
        const PREFETCH_AHEAD: usize = 16;
        for (i, &id) in candidates.iter().enumerate() {
            if let Some(ahead) = candidates
                .get(i + PREFETCH_AHEAD)
                .and_then(|&a| hashes.get(a as usize))
            {
                prefetch(ahead);
            }
            let Some(record) = hashes.get(id as usize) else {
                return Err(corrupt(format!(
                    "a multi-index table lists record {id}, beyond the file"
                )));
            };
            let d = distance(record, query);
            if d <= radius {
                hit(id as usize, d);
            }
        }
        Ok(())
    }
}
