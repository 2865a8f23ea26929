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
