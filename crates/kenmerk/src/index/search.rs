//! Exact radius and top-k search over an indicator file.
//!
//! Two methods, same results: a flat scan with the SIMD kernels of
//! [`crate::hamming`] (every record, cache-blocked, the whole query batch per
//! block), and multi-index hashing ([`super::mih`]), which touches only the
//! records that share a nearly equal substring with the query. `Auto`
//! picks by an estimate of the time each would take. Batches run in parallel
//! on rayon's pool: the flat scan splits the records, MIH the queries.

use rayon::prelude::*;

use super::IndexView;
use super::mih::{self, layout};
use crate::error::Result;
use crate::hamming::{self, Hit, Record};
use crate::hash::Hash256;

/// How to search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Let the planner choose.
    #[default]
    Auto,
    /// Scan every record.
    Flat,
    /// Multi-index hashing (needs the tables in the file, and a radius of
    /// at most their [`MihLayout::max_radius`](super::MihLayout::max_radius)).
    Mih,
}

/// One query matched one indicator: nothing else is returned (Art. 10(3)(b)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Match {
    /// Which query (index into the queries passed).
    pub query: usize,
    /// The indicator's id.
    pub indicator: u64,
    /// Its position in the file.
    pub position: usize,
    /// Hamming distance.
    pub distance: u32,
}

/// Records per parallel task of a flat scan.
const FLAT_TASK_RECORDS: usize = 64 * hamming::BLOCK_RECORDS;

impl IndexView<'_> {
    /// The method `Auto` resolves to for this file and radius: MIH when the
    /// file has tables that serve the radius and the expected bucket probes
    /// and candidates (for uniformly random hashes) take less time than
    /// scanning every record, by a cost model measured on the benchmark
    /// files (one probe or one candidate about 17 ns, one record of a flat
    /// scan 0.22 ns). Large radii therefore scan.
    pub fn plan(&self, radius: u32) -> Method {
        let Some(section) = self.layout.mih else {
            return Method::Flat;
        };
        let n = self.len();
        match section.layout.estimate(radius, n) {
            Some((probes, candidates))
                if layout::PROBE_NS * probes + layout::CANDIDATE_NS * candidates
                    < layout::FLAT_RECORD_NS * n as f64 =>
            {
                Method::Mih
            }
            _ => Method::Flat,
        }
    }

    /// Every (query, indicator) pair within `radius`, sorted by query, then
    /// distance, then indicator id. Runs on the current rayon pool.
    pub fn search(&self, queries: &[Hash256], radius: u32, method: Method) -> Result<Vec<Match>> {
        let queries: Vec<Record> = queries.iter().map(|q| *q.as_bytes()).collect();
        let method = match method {
            Method::Auto => self.plan(radius),
            Method::Mih if self.layout.mih.is_none() => {
                return Err(crate::Error::new(
                    crate::ErrorKind::Unsupported,
                    "this indicator file has no multi-index tables",
                ));
            }
            Method::Mih => match self.layout.mih {
                Some(section) if radius > section.layout.max_radius() => {
                    return Err(crate::Error::new(
                        crate::ErrorKind::Unsupported,
                        format!(
                            "radius {radius} exceeds {}, the largest this file's multi-index tables serve; search flat (or auto)",
                            section.layout.max_radius()
                        ),
                    ));
                }
                _ => Method::Mih,
            },
            m => m,
        };
        let mut hits = match method {
            Method::Mih => self.search_mih(&queries, radius)?,
            _ => self.search_flat(&queries, radius),
        };
        Ok(self.finish(&mut hits))
    }

    /// Like [`search`](Self::search) for groups of query hashes that stand
    /// for one item (e.g. the 8 dihedral variants of an image): a group
    /// matches an indicator once, at the smallest distance of its members.
    /// `Match::query` is the group number.
    pub fn search_groups(
        &self,
        groups: &[Vec<Hash256>],
        radius: u32,
        method: Method,
    ) -> Result<Vec<Match>> {
        let owner: Vec<usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(g, members)| std::iter::repeat_n(g, members.len()))
            .collect();
        let flat: Vec<Hash256> = groups.iter().flatten().copied().collect();
        let mut matches = self.search(&flat, radius, method)?;
        for m in &mut matches {
            m.query = owner[m.query];
        }
        // Keep the closest member per (group, indicator position).
        matches.sort_by_key(|m| (m.query, m.position, m.distance));
        matches.dedup_by_key(|m| (m.query, m.position));
        matches.sort_by_key(|m| (m.query, m.distance, m.indicator, m.position));
        Ok(matches)
    }

    /// The `k` indicators closest to `query` (ties broken by id), by a flat
    /// scan whose radius shrinks to the current k-th distance.
    pub fn top_k(&self, query: &Hash256, k: usize) -> Vec<Match> {
        let q = [*query.as_bytes()];
        let mut best: Vec<Hit> = Vec::new();
        let mut radius = 256u32;
        let mut hits = Vec::new();
        if k == 0 {
            return Vec::new();
        }
        for (block_index, block) in self.hashes().chunks(hamming::BLOCK_RECORDS).enumerate() {
            hits.clear();
            hamming::scan(self.level, block, &q, &[radius], &mut hits);
            for mut h in hits.drain(..) {
                h.record += (block_index * hamming::BLOCK_RECORDS) as u32;
                best.push(h);
            }
            if best.len() >= k {
                best.sort_by_key(|h| (h.distance, self.id(h.record as usize)));
                best.truncate(k);
                radius = best[k - 1].distance;
            }
        }
        self.finish(&mut best)
    }

    fn search_flat(&self, queries: &[Record], radius: u32) -> Vec<Hit> {
        let radii = vec![radius; queries.len()];
        let level = self.level;
        self.hashes()
            .par_chunks(FLAT_TASK_RECORDS)
            .enumerate()
            .flat_map_iter(|(task, records)| {
                let mut hits = Vec::new();
                hamming::scan(level, records, queries, &radii, &mut hits);
                let base = (task * FLAT_TASK_RECORDS) as u32;
                hits.into_iter().map(move |h| Hit {
                    record: h.record + base,
                    ..h
                })
            })
            .collect()
    }

    fn search_mih(&self, queries: &[Record], radius: u32) -> Result<Vec<Hit>> {
        let (Some(tables), Some(section)) = (self.mih(), self.layout.mih) else {
            return Ok(self.search_flat(queries, radius));
        };
        let Some(thresholds) = section.layout.thresholds(radius, self.len()) else {
            return Ok(self.search_flat(queries, radius));
        };
        let hashes = self.hashes();
        let per_query: Result<Vec<Vec<Hit>>> = queries
            .par_iter()
            .enumerate()
            .map_init(mih::Scratch::default, |scratch, (q, query)| {
                let mut hits = Vec::new();
                tables.search(
                    hashes,
                    query,
                    radius,
                    &thresholds,
                    scratch,
                    &mut |record, distance| {
                        hits.push(Hit {
                            query: q as u32,
                            record: record as u32,
                            distance,
                        })
                    },
                )?;
                hits.sort_unstable_by_key(|h| h.record);
                hits.dedup_by_key(|h| h.record);
                Ok(hits)
            })
            .collect();
        Ok(per_query?.into_iter().flatten().collect())
    }

    /// Turns kernel hits into matches sorted by query, distance, id.
    fn finish(&self, hits: &mut [Hit]) -> Vec<Match> {
        let mut matches: Vec<Match> = hits
            .iter()
            .map(|h| Match {
                query: h.query as usize,
                indicator: self.id(h.record as usize),
                position: h.record as usize,
                distance: h.distance,
            })
            .collect();
        matches.sort_unstable_by_key(|m| (m.query, m.distance, m.indicator, m.position));
        matches
    }
}
