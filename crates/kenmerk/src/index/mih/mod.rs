//! Multi-index hashing: exact radius search in sublinear time.
//!
//! The 256 bits of every hash are cut into m contiguous substrings, one
//! table each ([`MihLayout`]; which widths, and why the search below misses
//! nothing, is explained in [`layout`]). Each table is stored as a counting
//! sort: `2^b + 1` bucket starts (u32), then the n record numbers grouped by
//! their key in that table (in record order within a bucket). A query probes,
//! in each table, every key within that table's threshold of its own, and
//! verifies the full distance of every record found: the reported distances
//! are exact, and a record found in several tables is reported by each.
//!
//! At millions of records every probe and every candidate is a random read
//! from memory, so the search runs as a software pipeline in three passes,
//! each prefetching a fixed distance ahead of where it reads: the bucket
//! starts of every probed key, then the record numbers of the non-empty
//! buckets, then the candidate hashes. The CPU then has many cache misses in
//! flight at once instead of one.

mod build;
pub(crate) mod layout;

pub(crate) use build::build_into;
pub use layout::{MIH_MAX_TABLE_RADIUS, MIH_MAX_TABLES, MIH_MAX_WIDTH, MIH_MIN_WIDTH, MihLayout};
pub(crate) use layout::{Thresholds, probe_masks};

use super::corrupt;
use crate::error::{Error, Result};
use crate::hamming::{Record, distance, prefetch};

/// How far ahead each pass prefetches: enough to cover a memory latency,
/// few enough to stay within the CPU's outstanding-miss buffers.
const AHEAD: usize = 16;

/// The key of `record` in the table covering bits `bits_at..bits_at + width`.
#[inline]
pub(crate) fn key(record: &Record, bits_at: u32, width: u32) -> u32 {
    let first = (bits_at / 8) as usize;
    let mut word = [0u8; 8];
    let available = (record.len() - first).min(8);
    word[..available].copy_from_slice(&record[first..first + available]);
    let bits = u64::from_le_bytes(word) >> (bits_at % 8);
    (bits & ((1u64 << width) - 1)) as u32
}

/// One table's place in the section, in u32 words.
#[derive(Debug, Clone, Copy)]
struct Table {
    bits_at: u32,
    width: u32,
    starts: usize,
    ids: usize,
}

/// Reused buffers of one searching thread.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Non-empty buckets: first word of their record numbers, length.
    buckets: Vec<(usize, u32)>,
    candidates: Vec<u32>,
}

/// The tables of one file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tables<'a> {
    words: &'a [[u8; 4]],
    count: usize,
    layout: MihLayout,
}

impl<'a> Tables<'a> {
    /// `bytes` is the whole table section, already checked to be
    /// `layout.section_len(count)` bytes long.
    pub(crate) fn new(bytes: &'a [u8], count: usize, layout: MihLayout) -> Self {
        Tables {
            words: bytes.as_chunks::<4>().0,
            count,
            layout,
        }
    }

    fn tables(&self) -> impl Iterator<Item = Table> + '_ {
        let count = self.count;
        self.layout
            .ranges()
            .scan(0usize, move |at, (bits_at, width)| {
                let starts = *at;
                let ids = starts + (1usize << width) + 1;
                *at = ids + count;
                Some(Table {
                    bits_at,
                    width,
                    starts,
                    ids,
                })
            })
    }

    /// The record numbers filed under `key` in `table` (number `index`), as
    /// (first word, length). Bounds out of order or beyond the records are
    /// reported as corrupt, never read.
    #[inline]
    fn bucket(&self, index: usize, table: &Table, key: u32) -> Result<(usize, usize)> {
        let starts = &self.words[table.starts..table.ids];
        let start = u32::from_le_bytes(starts[key as usize]) as usize;
        let end = u32::from_le_bytes(starts[key as usize + 1]) as usize;
        if start > end || end > self.count {
            return Err(bad_bucket(index, key));
        }
        Ok((table.ids + start, end - start))
    }

    /// Checks every table against the hashes: bucket starts ascending from 0
    /// to n, and each record listed exactly once, under its own key.
    pub(crate) fn verify(&self, hashes: &[Record]) -> Result<()> {
        let mut seen = vec![false; self.count];
        for (index, table) in self.tables().enumerate() {
            let buckets = 1u64 << table.width;
            let first = u32::from_le_bytes(self.words[table.starts]) as usize;
            let last = u32::from_le_bytes(self.words[table.ids - 1]) as usize;
            if first != 0 || last != self.count {
                return Err(corrupt(format!(
                    "multi-index table {index}: bucket starts do not span the records"
                )));
            }
            seen.fill(false);
            for key in 0..buckets {
                let key = key as u32;
                let (at, len) = self.bucket(index, &table, key)?;
                for word in &self.words[at..at + len] {
                    let id = u32::from_le_bytes(*word) as usize;
                    if id >= self.count
                        || seen[id]
                        || self::key(&hashes[id], table.bits_at, table.width) != key
                    {
                        return Err(corrupt(format!(
                            "multi-index table {index}: bucket {key} lists record {id} wrongly"
                        )));
                    }
                    seen[id] = true;
                }
            }
        }
        Ok(())
    }

    /// Calls `hit(position, distance)` for every record within `radius` of
    /// `query`, probing each table within its threshold in `thresholds`
    /// (from [`MihLayout::thresholds`] for this radius). A record may be
    /// reported more than once, from several tables.
    pub(crate) fn search(
        &self,
        hashes: &[Record],
        query: &Record,
        radius: u32,
        thresholds: &Thresholds,
        scratch: &mut Scratch,
        hit: &mut impl FnMut(usize, u32),
    ) -> Result<()> {
        let Scratch {
            buckets,
            candidates,
        } = scratch;
        buckets.clear();
        candidates.clear();
        // Pass 1: the bucket bounds of every probed key.
        for (index, table) in self.tables().enumerate() {
            let Some(bits) = thresholds[index] else {
                continue;
            };
            let masks = probe_masks(table.width, bits);
            let own = key(query, table.bits_at, table.width);
            let starts = &self.words[table.starts..table.ids];
            for (i, &mask) in masks.iter().enumerate() {
                if let Some(&ahead) = masks.get(i + AHEAD) {
                    prefetch(&starts[(own ^ ahead) as usize]);
                }
                let (at, len) = self.bucket(index, &table, own ^ mask)?;
                if len > 0 {
                    buckets.push((at, len as u32));
                }
            }
        }
        // Pass 2: their record numbers.
        for (i, &(at, len)) in buckets.iter().enumerate() {
            if let Some(&(ahead, _)) = buckets.get(i + AHEAD) {
                prefetch(&self.words[ahead]);
            }
            let ids = &self.words[at..at + len as usize];
            candidates.extend(ids.iter().map(|w| u32::from_le_bytes(*w)));
        }
        // Pass 3: the candidates' distances.
        for (i, &id) in candidates.iter().enumerate() {
            if let Some(ahead) = candidates
                .get(i + AHEAD)
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

fn bad_bucket(table: usize, key: u32) -> Error {
    corrupt(format!(
        "multi-index table {table}: bucket {key} has invalid bounds"
    ))
}

#[cfg(test)]
mod tests;
