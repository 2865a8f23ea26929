//! AVX-512 kernel: eight records per step with `vpopcntq`.
//!
//! Eight records (256 bytes) are four 512-bit registers, each holding two
//! records. XOR with the query (broadcast twice per register) and `vpopcntq`
//! give 32 per-word counts; two rounds of adds (64-bit unpack, then 128-bit
//! lane shuffle) fold them into the eight distances, in the record order
//! 0, 2, 1, 3, 4, 6, 5, 7. One unsigned compare against the radius yields a
//! mask of hits, which is rare, so hits are then handled one by one.

use std::arch::x86_64::*;

use super::super::Record;
use super::super::scalar;

/// Record index of each lane of the folded distances.
const LANE_RECORD: [usize; 8] = [0, 2, 1, 3, 4, 6, 5, 7];

/// Calls `emit(index, distance)` for every record within `radius` of `query`.
///
/// # Safety
/// The CPU must support AVX-512 F, BW and VPOPCNTDQ.
#[target_feature(enable = "avx512f,avx512bw,avx512vpopcntdq")]
pub(crate) unsafe fn scan(
    records: &[Record],
    query: &Record,
    radius: u32,
    emit: &mut impl FnMut(usize, u32),
) {
    let groups = records.len() / 8;
    // SAFETY: `query` is 32 readable bytes; unaligned loads are allowed.
    let q = unsafe { _mm512_broadcast_i64x4(_mm256_loadu_si256(query.as_ptr().cast())) };
    let limit = _mm512_set1_epi64(i64::from(radius));
    let base = records.as_ptr().cast::<u8>();
    for g in 0..groups {
        // SAFETY: group `g` covers records 8g..8g+8, all below `records.len()`
        // since g < len / 8: bytes 256g .. 256g + 256 of the slice.
        let counts = unsafe {
            let p = base.add(g * 256);
            let load = |k: usize| _mm512_loadu_si512(p.add(k * 64).cast());
            [load(0), load(1), load(2), load(3)]
                .map(|v| _mm512_popcnt_epi64(_mm512_xor_si512(v, q)))
        };
        let pairs_a = _mm512_add_epi64(
            _mm512_unpacklo_epi64(counts[0], counts[1]),
            _mm512_unpackhi_epi64(counts[0], counts[1]),
        );
        let pairs_b = _mm512_add_epi64(
            _mm512_unpacklo_epi64(counts[2], counts[3]),
            _mm512_unpackhi_epi64(counts[2], counts[3]),
        );
        let distances = _mm512_add_epi64(
            _mm512_shuffle_i64x2::<0x88>(pairs_a, pairs_b),
            _mm512_shuffle_i64x2::<0xDD>(pairs_a, pairs_b),
        );
        let mut mask = _mm512_cmple_epu64_mask(distances, limit);
        if mask == 0 {
            continue;
        }
        let mut lanes = [0u64; 8];
        // SAFETY: `lanes` is 64 writable bytes.
        unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), distances) };
        let mut found = [(0usize, 0u32); 8];
        let mut n = 0;
        while mask != 0 {
            let lane = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            found[n] = (g * 8 + LANE_RECORD[lane], lanes[lane] as u32);
            n += 1;
        }
        found[..n].sort_unstable();
        for &(index, distance) in &found[..n] {
            emit(index, distance);
        }
    }
    let tail = groups * 8;
    scalar::scan(&records[tail..], query, radius, &mut |i, d| {
        emit(tail + i, d)
    });
}

/// Eight records with their 64-bit words regrouped: word `j` of record `k`
/// at index `8 * j + k`, so each 512-bit load holds one word of all eight.
pub(crate) type Group = [u64; 32];

/// Regroups whole groups of eight records (a block's tail is left to the
/// caller): plain safe code, done once per block and shared by every query.
pub(crate) fn regroup(records: &[Record], groups: &mut [Group]) {
    for (group, eight) in groups.iter_mut().zip(records.chunks_exact(8)) {
        for (k, record) in eight.iter().enumerate() {
            for (j, word) in record.chunks_exact(8).enumerate() {
                let mut bytes = [0u8; 8];
                bytes.copy_from_slice(word);
                group[8 * j + k] = u64::from_ne_bytes(bytes);
            }
        }
    }
}

/// Calls `emit(index, distance)` for every record of `groups` within
/// `radius` of `query`. With the words regrouped, the eight distances are
/// four XOR + `vpopcntq` pairs and three adds, with no folding across lanes,
/// and come out in record order; a group is dropped after two words when
/// those already exceed the radius for all eight.
///
/// # Safety
/// The CPU must support AVX-512 F and VPOPCNTDQ.
#[target_feature(enable = "avx512f,avx512vpopcntdq")]
pub(crate) unsafe fn scan_groups(
    groups: &[Group],
    query: &Record,
    radius: u32,
    emit: &mut impl FnMut(usize, u32),
) {
    let word = |j: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&query[8 * j..8 * j + 8]);
        _mm512_set1_epi64(i64::from_ne_bytes(bytes))
    };
    let q = [word(0), word(1), word(2), word(3)];
    let limit = _mm512_set1_epi64(i64::from(radius));
    for (g, group) in groups.iter().enumerate() {
        let p = group.as_ptr();
        // SAFETY: each load reads 8 of the group's 32 words (offsets 0, 8,
        // 16, 24), inside the 256-byte array.
        let count = |j: usize| unsafe {
            _mm512_popcnt_epi64(_mm512_xor_si512(
                _mm512_loadu_si512(p.add(8 * j).cast()),
                q[j],
            ))
        };
        // Distances only grow as words are added: when the first two words
        // already put all eight records beyond the radius (nearly always,
        // for unrelated hashes), the other two need not be counted.
        let half = _mm512_add_epi64(count(0), count(1));
        if _mm512_cmple_epu64_mask(half, limit) == 0 {
            continue;
        }
        let d = _mm512_add_epi64(half, _mm512_add_epi64(count(2), count(3)));
        let mut mask = _mm512_cmple_epu64_mask(d, limit);
        if mask == 0 {
            continue;
        }
        let mut lanes = [0u64; 8];
        // SAFETY: `lanes` is 64 writable bytes.
        unsafe { _mm512_storeu_si512(lanes.as_mut_ptr().cast(), d) };
        while mask != 0 {
            let k = mask.trailing_zeros() as usize;
            mask &= mask - 1;
            emit(g * 8 + k, lanes[k] as u32);
        }
    }
}
