//! Exact Hamming-distance scans of 256-bit hashes, with SIMD kernels.
//!
//! The search core: given a block of indicator hashes (contiguous 32-byte
//! records) and a batch of query hashes, report every (query, record) pair
//! within that query's radius. Each kernel computes every distance exactly;
//! they differ only in how many they compute per instruction:
//!
//! - [`Level::Scalar`]: four 64-bit popcounts per pair; the oracle.
//! - [`Level::Avx2`]: nibble-lookup popcount (`vpshufb`) summed with `vpsadbw`.
//! - [`Level::Avx512`]: `vpopcntq` on eight records at a time; for query
//!   batches each block's words are first regrouped so that one register
//!   holds the same word of eight records.
//! - [`Level::Neon`]: `vcnt` per byte, summed with pairwise adds (aarch64).
//!
//! The level is detected once (see [`Level::detect`]) and stored by whoever
//! scans, like memchr's searchers. Records are scanned in cache-sized blocks
//! with the whole query batch applied to each block, so a batch reads the
//! indicator file once however many queries it has.

#[cfg(target_arch = "aarch64")]
mod aarch64;
mod scalar;
#[cfg(target_arch = "x86_64")]
mod x86_64;

/// One 256-bit hash as stored in an indicator file.
pub type Record = [u8; 32];

/// A pair within radius: query number, record number (both relative to the
/// slices scanned) and their distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hit {
    /// Index into the query slice.
    pub query: u32,
    /// Index into the record slice.
    pub record: u32,
    /// Hamming distance, 0..=256.
    pub distance: u32,
}

/// Records per cache block: 32 KiB, within L1 data cache on current cores.
pub const BLOCK_RECORDS: usize = 1024;

/// The instruction-set level of a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Level {
    /// Portable 64-bit popcounts.
    Scalar,
    /// x86-64 AVX2.
    Avx2,
    /// x86-64 AVX-512 F + BW + VPOPCNTDQ.
    Avx512,
    /// aarch64 NEON.
    Neon,
}

impl Level {
    /// Every level, fastest last.
    pub const ALL: [Level; 4] = [Level::Scalar, Level::Neon, Level::Avx2, Level::Avx512];

    /// The fastest level this CPU supports.
    pub fn detect() -> Level {
        Level::ALL
            .into_iter()
            .rev()
            .find(|l| l.is_supported())
            .unwrap_or(Level::Scalar)
    }

    /// Whether this CPU can run the level.
    pub fn is_supported(self) -> bool {
        match self {
            Level::Scalar => true,
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx512vpopcntdq")
            }
            #[cfg(target_arch = "aarch64")]
            Level::Neon => std::arch::is_aarch64_feature_detected!("neon"),
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// A short lower-case name (`scalar`, `avx2`, `avx512`, `neon`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Scalar => "scalar",
            Level::Avx2 => "avx2",
            Level::Avx512 => "avx512",
            Level::Neon => "neon",
        }
    }
}

/// Asks the CPU to start loading the cache line holding `value` (a hint with
/// no other effect), for lookups that visit memory in an order it cannot
/// predict: candidate records, multi-index buckets.
#[inline(always)]
pub fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 is part of SSE, which every x86-64 CPU has; it
    // never faults and changes no architectural state. The pointer comes
    // from a live reference.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            std::ptr::from_ref(value).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Hamming distance of two records (scalar).
#[inline]
pub fn distance(a: &Record, b: &Record) -> u32 {
    scalar::distance(a, b)
}

/// Appends to `hits` every pair of `queries[q]` and `records[r]` whose
/// distance is at most `radii[q]`, ordered by record block, then query, then
/// record. `radii` has one entry per query.
///
/// # Panics
/// If `level` is not supported by this CPU, or `radii` is shorter than
/// `queries`. (Both are caller bugs, not input errors.)
pub fn scan(
    level: Level,
    records: &[Record],
    queries: &[Record],
    radii: &[u32],
    hits: &mut Vec<Hit>,
) {
    assert!(
        level.is_supported(),
        "hamming level {level:?} is not supported by this CPU"
    );
    assert!(radii.len() >= queries.len(), "one radius per query");
    #[cfg(target_arch = "x86_64")]
    if level == Level::Avx512 && queries.len() >= REGROUP_MIN_QUERIES {
        scan_regrouped(records, queries, radii, hits);
        return;
    }
    for (block_index, block) in records.chunks(BLOCK_RECORDS).enumerate() {
        let base = (block_index * BLOCK_RECORDS) as u32;
        for (q, (query, &radius)) in queries.iter().zip(radii).enumerate() {
            scan_one(level, block, query, radius, q as u32, base, hits);
        }
    }
}

/// Batches of at least this many queries regroup each block's words once
/// (see `x86_64::avx512::scan_groups`); the regrouping costs about as much
/// as scanning the block for one query.
pub const REGROUP_MIN_QUERIES: usize = 4;

/// The AVX-512 scan for query batches: each block is regrouped once, then
/// scanned by every query; a block's last few records (under eight) go
/// through the scalar kernel.
#[cfg(target_arch = "x86_64")]
fn scan_regrouped(records: &[Record], queries: &[Record], radii: &[u32], hits: &mut Vec<Hit>) {
    use x86_64::avx512;
    let mut groups = vec![[0u64; 32]; BLOCK_RECORDS / 8];
    for (block_index, block) in records.chunks(BLOCK_RECORDS).enumerate() {
        let base = (block_index * BLOCK_RECORDS) as u32;
        let whole = block.len() / 8;
        avx512::regroup(block, &mut groups[..whole]);
        let tail = &block[whole * 8..];
        for (q, (query, &radius)) in queries.iter().zip(radii).enumerate() {
            let mut emit = |r: usize, distance: u32| {
                hits.push(Hit {
                    query: q as u32,
                    record: base + r as u32,
                    distance,
                })
            };
            // SAFETY: only reached when `scan` has asserted that the CPU
            // supports the Avx512 level (F, BW, VPOPCNTDQ).
            unsafe { avx512::scan_groups(&groups[..whole], query, radius, &mut emit) };
            scalar::scan(tail, query, radius, &mut |r, d| emit(whole * 8 + r, d));
        }
    }
}

/// One query against one block, dispatched to the level's kernel.
#[inline]
fn scan_one(
    level: Level,
    block: &[Record],
    query: &Record,
    radius: u32,
    q: u32,
    base: u32,
    hits: &mut Vec<Hit>,
) {
    let mut emit = |r: usize, distance: u32| {
        hits.push(Hit {
            query: q,
            record: base + r as u32,
            distance,
        })
    };
    match level {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `scan` asserted that the CPU supports AVX-512 F/BW/VPOPCNTDQ.
        Level::Avx512 => unsafe { x86_64::avx512::scan(block, query, radius, &mut emit) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `scan` asserted that the CPU supports AVX2.
        Level::Avx2 => unsafe { x86_64::avx2::scan(block, query, radius, &mut emit) },
        #[cfg(target_arch = "aarch64")]
        Level::Neon => aarch64::neon::scan(block, query, radius, &mut emit),
        _ => scalar::scan(block, query, radius, &mut emit),
    }
}

#[cfg(test)]
mod tests;
