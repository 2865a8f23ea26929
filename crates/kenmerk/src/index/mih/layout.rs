//! How the 256 bits of a hash are cut into multi-index tables, and how a
//! search radius is shared among them.
//!
//! A layout is a list of m widths summing to 256: table i indexes the
//! contiguous bits `off_i .. off_i + b_i` of every hash, where `off_i` is the
//! sum of the widths before it and bit k is bit `k % 8` of byte `k / 8` (the
//! hash read as one little-endian 256-bit number).
//!
//! Pigeonhole, in the general form: give each table a threshold `t_i` such
//! that the sum of all `t_i + 1` is at least `r + 1`. If two hashes are
//! within `r` bits, some table i sees them differ in at most `t_i` bits
//! (otherwise the distance would be at least that sum, more than `r`). So
//! probing, in every table, each key within `t_i` bits of the query's own
//! finds every record within `r`. The split here hands out `r + 1` in equal
//! shares of `floor((r + 1) / m)` and gives the remainder, one each, to the
//! tables where an extra bit of threshold costs least; a table whose share
//! is 0 is not probed at all (radius 0 probes one table). No share exceeds
//! the textbook `floor(r / m) + 1`, so this never probes more than the
//! textbook rule and often less: at radius 31 with 11 tables, one table is
//! probed within 1 bit instead of 2.
//!
//! The writer's choice ([`MihLayout::for_count`]) follows the rule of thumb of
//! multi-index hashing (Norouzi, Punjani and Fleet): substrings of about
//! log2 N bits, so that a bucket holds about one record. Widths are kept in
//! 16..=24 bits: below 2^16 records the tables no longer shrink the search
//! (a flat scan of 65,536 records costs about as much as the probes), and a
//! 24-bit table's bucket starts already take 64 MiB.

use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Most tables a layout may have (the header has room for 31 widths).
pub const MIH_MAX_TABLES: usize = 31;
/// Narrowest table, in bits.
pub const MIH_MIN_WIDTH: u32 = 8;
/// Widest table, in bits (keys are 32-bit).
pub const MIH_MAX_WIDTH: u32 = 32;
/// Most bits in which a table is probed around the query's key. It bounds
/// the largest radius a layout serves ([`MihLayout::max_radius`]): beyond
/// it one table alone needs tens of thousands of probes, and a flat scan is
/// faster at every size this format holds.
pub const MIH_MAX_TABLE_RADIUS: u32 = 4;

/// Narrowest and widest table the writer chooses by itself.
const AUTO_WIDTHS: (f64, f64) = (16.0, 24.0);

/// The planner's cost model, in nanoseconds on one core (measured on the
/// 1M and 10M benchmark files, see BENCHMARKS.md: 17 ns per probe or
/// candidate at both sizes, 0.22 ns per record of a flat scan): one bucket
/// probe, one candidate verified (both random reads), one record of a flat
/// scan. Smaller files, whose tables stay in cache, probe faster than this,
/// so the planner errs towards the flat scan there.
pub(crate) const PROBE_NS: f64 = 17.0;
pub(crate) const CANDIDATE_NS: f64 = 17.0;
pub(crate) const FLAT_RECORD_NS: f64 = 0.22;

/// The widths of the multi-index tables of a file, in table order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MihLayout {
    tables: u8,
    widths: [u8; MIH_MAX_TABLES],
}

/// Per table: `Some(t)` to probe every key within `t` bits, `None` to skip.
pub(crate) type Thresholds = [Option<u32>; MIH_MAX_TABLES];

impl MihLayout {
    /// A layout of the given widths, in table order: 1 to
    /// [`MIH_MAX_TABLES`] tables, each [`MIH_MIN_WIDTH`]..=[`MIH_MAX_WIDTH`]
    /// bits, summing to 256.
    pub fn new(widths: &[u32]) -> Result<MihLayout> {
        Self::checked(widths.iter().copied()).map_err(Error::invalid_input)
    }

    fn checked(widths: impl ExactSizeIterator<Item = u32>) -> std::result::Result<Self, String> {
        let tables = widths.len();
        if tables == 0 || tables > MIH_MAX_TABLES {
            return Err(format!(
                "{tables} multi-index tables; a layout has 1..={MIH_MAX_TABLES}"
            ));
        }
        let mut layout = MihLayout {
            tables: tables as u8,
            widths: [0; MIH_MAX_TABLES],
        };
        let mut sum = 0u32;
        for (i, w) in widths.enumerate() {
            if !(MIH_MIN_WIDTH..=MIH_MAX_WIDTH).contains(&w) {
                return Err(format!(
                    "multi-index table {i} is {w} bits wide; widths are {MIH_MIN_WIDTH}..={MIH_MAX_WIDTH}"
                ));
            }
            layout.widths[i] = w as u8;
            sum += w;
        }
        if sum != 256 {
            return Err(format!(
                "multi-index table widths sum to {sum} bits, not 256"
            ));
        }
        Ok(layout)
    }

    /// `tables` tables of as equal widths as 256 allows (the wider ones last).
    ///
    /// # Panics
    /// If that is not a valid layout (`tables` outside 8..=31).
    pub fn equal(tables: usize) -> MihLayout {
        let (q, rem) = (256 / tables, 256 % tables);
        let widths: Vec<u32> = (0..tables)
            .map(|i| (q + usize::from(i >= tables - rem)) as u32)
            .collect();
        match MihLayout::new(&widths) {
            Ok(layout) => layout,
            Err(e) => panic!("{tables} equal tables: {e}"),
        }
    }

    /// The layout the writer chooses for `count` records: about log2 N bits
    /// per table, within 16..=24 (16 tables of 16 bits up to 2^16 records,
    /// 11 tables of 23 or 24 bits at 10 million).
    pub fn for_count(count: usize) -> MihLayout {
        let bits = (count.max(1) as f64)
            .log2()
            .clamp(AUTO_WIDTHS.0, AUTO_WIDTHS.1);
        MihLayout::equal((256.0 / bits).round() as usize)
    }

    /// Number of tables.
    pub fn tables(&self) -> usize {
        usize::from(self.tables)
    }

    /// Width of each table in bits, in table order.
    pub fn widths(&self) -> impl ExactSizeIterator<Item = u32> + '_ {
        self.widths[..self.tables()].iter().map(|&w| u32::from(w))
    }

    /// The largest radius these tables serve: every table probed within
    /// [`MIH_MAX_TABLE_RADIUS`] bits.
    pub fn max_radius(&self) -> u32 {
        (MIH_MAX_TABLE_RADIUS + 1) * self.tables as u32 - 1
    }

    /// Bytes of the table section for `count` records, if that fits in
    /// memory: per table, `2^b + 1` bucket starts and `count` record
    /// numbers, each a u32.
    pub fn section_len(&self, count: usize) -> Option<usize> {
        self.widths().try_fold(0usize, |total, w| {
            let words = 1usize.checked_shl(w)?.checked_add(1)?.checked_add(count)?;
            total.checked_add(words.checked_mul(4)?)
        })
    }

    /// The 32 header bytes that record the layout: the table count, then
    /// each width, then zeros.
    pub(crate) fn encode(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        b[0] = self.tables;
        b[1..].copy_from_slice(&self.widths);
        b
    }

    /// Reads [`encode`](Self::encode)'s bytes: `Ok(None)` if all are zero.
    pub(crate) fn decode(b: &[u8]) -> std::result::Result<Option<MihLayout>, String> {
        if b.iter().all(|&x| x == 0) {
            return Ok(None);
        }
        let tables = usize::from(b[0]);
        if tables > MIH_MAX_TABLES {
            return Err(format!(
                "{tables} multi-index tables; a layout has 1..={MIH_MAX_TABLES}"
            ));
        }
        let layout = Self::checked(b[1..1 + tables].iter().map(|&w| u32::from(w)))?;
        if b[1 + tables..].iter().any(|&x| x != 0) {
            return Err("bytes after the multi-index table widths are not zero".into());
        }
        Ok(Some(layout))
    }

    /// Bit offset and width of each table.
    pub(crate) fn ranges(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.widths().scan(0, |off, w| {
            let range = (*off, w);
            *off += w;
            Some(range)
        })
    }

    /// Shares `radius` among the tables (see the module docs), giving the
    /// remainder to the tables where it costs least for `count` records.
    /// `None` if the radius exceeds [`max_radius`](Self::max_radius).
    pub(crate) fn thresholds(&self, radius: u32, count: usize) -> Option<Thresholds> {
        if radius > self.max_radius() {
            return None;
        }
        let m = self.tables as u32;
        let (share, rem) = ((radius + 1) / m, (radius + 1) % m);
        // Tables ordered by the cost of one more bit of threshold.
        let mut order: Vec<usize> = (0..self.tables()).collect();
        let extra = |i: &usize| {
            let w = u32::from(self.widths[*i]);
            binomial(w, share) as f64 * table_cost_per_probe(w, count)
        };
        order.sort_by(|a, b| extra(a).total_cmp(&extra(b)).then(a.cmp(b)));
        let mut t = [None; MIH_MAX_TABLES];
        for (rank, &i) in order.iter().enumerate() {
            let bits = share + u32::from((rank as u32) < rem);
            t[i] = bits.checked_sub(1);
        }
        Some(t)
    }

    /// Expected bucket probes and candidates per query at `radius` over
    /// `count` uniformly random records, or `None` beyond the largest radius.
    pub(crate) fn estimate(&self, radius: u32, count: usize) -> Option<(f64, f64)> {
        let t = self.thresholds(radius, count)?;
        let (mut probes, mut candidates) = (0.0, 0.0);
        for (w, t) in self.widths().zip(t) {
            if let Some(t) = t {
                let p = probes_within(w, t) as f64;
                probes += p;
                candidates += p * count as f64 / (1u64 << w) as f64;
            }
        }
        Some((probes, candidates))
    }
}

/// Cost in ns of one probe of a `width`-bit table and its expected
/// candidates among `count` records.
fn table_cost_per_probe(width: u32, count: usize) -> f64 {
    PROBE_NS + CANDIDATE_NS * count as f64 / (1u64 << width) as f64
}

fn binomial(n: u32, k: u32) -> u64 {
    if k > n {
        return 0;
    }
    (0..u64::from(k)).fold(1, |acc, i| acc * (u64::from(n) - i) / (i + 1))
}

/// Keys within `bits` bits of a `width`-bit key.
pub(crate) fn probes_within(width: u32, bits: u32) -> u64 {
    (0..=bits).map(|i| binomial(width, i)).sum()
}

/// Every `width`-bit mask with at most `bits` bits set, in ascending order
/// (so that keys differing only in low bits, whose buckets share a cache
/// line, are probed one after the other). Built once per (width, bits) and
/// kept for the life of the process; at most 41,449 masks (32 bits, 4).
pub(crate) fn probe_masks(width: u32, bits: u32) -> &'static [u32] {
    const WIDTHS: usize = (MIH_MAX_WIDTH - MIH_MIN_WIDTH + 1) as usize;
    const DEPTHS: usize = MIH_MAX_TABLE_RADIUS as usize + 1;
    static CACHE: [[OnceLock<Vec<u32>>; DEPTHS]; WIDTHS] =
        [const { [const { OnceLock::new() }; DEPTHS] }; WIDTHS];
    let (w, b) = (
        width.clamp(MIH_MIN_WIDTH, MIH_MAX_WIDTH),
        bits.min(MIH_MAX_TABLE_RADIUS),
    );
    CACHE[(w - MIH_MIN_WIDTH) as usize][b as usize].get_or_init(|| {
        let mut all = vec![0u32];
        let mut last = vec![0u32];
        for _ in 0..b {
            let mut next = Vec::new();
            for &m in &last {
                let lowest_free = 32 - m.leading_zeros();
                next.extend((lowest_free..w).map(|bit| m | (1 << bit)));
            }
            all.extend_from_slice(&next);
            last = next;
        }
        all.sort_unstable();
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_layouts_by_size() {
        let widths = |n| MihLayout::for_count(n).widths().collect::<Vec<_>>();
        assert_eq!(widths(0), vec![16; 16]);
        assert_eq!(widths(65_536), vec![16; 16]);
        assert_eq!(widths(10_000_000), [vec![23; 8], vec![24; 3]].concat());
        assert_eq!(widths(usize::MAX), [vec![23; 8], vec![24; 3]].concat());
        for n in [1usize, 1000, 100_000, 1 << 20, 3_000_000, 50_000_000] {
            let layout = MihLayout::for_count(n);
            assert_eq!(layout.widths().sum::<u32>(), 256, "{n}");
            assert!(layout.widths().all(|w| (16..=24).contains(&w)), "{n}");
        }
    }

    #[test]
    fn layouts_round_trip_and_bad_ones_are_refused() {
        for tables in 8..=31 {
            let layout = MihLayout::equal(tables);
            assert_eq!(MihLayout::decode(&layout.encode()), Ok(Some(layout)));
        }
        assert_eq!(MihLayout::decode(&[0; 32]), Ok(None));
        assert!(MihLayout::new(&[]).is_err());
        assert!(MihLayout::new(&[128, 128]).is_err());
        assert!(MihLayout::new(&[32; 7]).is_err());
        assert!(MihLayout::new(&[7; 32]).is_err());
        let mut bytes = MihLayout::equal(16).encode();
        bytes[31] = 1;
        assert!(MihLayout::decode(&bytes).is_err());
        bytes = MihLayout::equal(16).encode();
        bytes[0] = 255;
        assert!(MihLayout::decode(&bytes).is_err());
    }

    #[test]
    fn thresholds_cover_the_radius_and_never_exceed_the_textbook_rule() {
        for layout in [
            MihLayout::equal(8),
            MihLayout::equal(11),
            MihLayout::equal(16),
            MihLayout::new(&[8, 24, 32, 32, 32, 32, 32, 32, 32]).unwrap(),
        ] {
            let m = layout.tables() as u32;
            for radius in 0..=layout.max_radius() {
                let t = layout.thresholds(radius, 1_000_000).unwrap();
                let total: u32 = t.iter().flatten().map(|t| t + 1).sum();
                assert_eq!(total, radius + 1, "{layout:?} r={radius}");
                assert!(t.iter().flatten().all(|&t| t <= radius / m));
                assert!(t[layout.tables()..].iter().all(Option::is_none));
            }
            assert!(layout.thresholds(layout.max_radius() + 1, 10).is_none());
        }
    }

    #[test]
    fn probe_masks_are_every_small_mask_once() {
        for (width, bits) in [(8, 0), (8, 3), (16, 1), (23, 2), (13, 4)] {
            let masks = probe_masks(width, bits);
            let brute: Vec<u32> = (0..1u32 << width)
                .filter(|m| m.count_ones() <= bits)
                .collect();
            assert_eq!(masks, brute, "{width} {bits}");
            assert_eq!(masks.len() as u64, probes_within(width, bits));
        }
        assert_eq!(probe_masks(32, 4).len(), 41_449);
    }
}
