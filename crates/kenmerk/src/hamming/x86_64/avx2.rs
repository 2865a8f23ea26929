//! AVX2 kernel: four records per step, popcount by nibble lookup.
//!
//! Each record is one 256-bit register. After XOR with the query, the bit
//! count of every byte comes from two 16-entry table lookups (`vpshufb` on
//! the low and high nibbles), `vpsadbw` sums the bytes of each 64-bit word,
//! and 64-bit unpacks plus a 128-bit lane permute fold four records' words
//! into their four distances, in record order. Distances fit in a signed
//! 64-bit compare, whose sign bits form the hit mask.

use std::arch::x86_64::*;

use super::super::Record;
use super::super::scalar;

/// Calls `emit(index, distance)` for every record within `radius` of `query`.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(crate) unsafe fn scan(
    records: &[Record],
    query: &Record,
    radius: u32,
    emit: &mut impl FnMut(usize, u32),
) {
    let groups = records.len() / 4;
    // SAFETY: `query` is 32 readable bytes; unaligned loads are allowed.
    let q = unsafe { _mm256_loadu_si256(query.as_ptr().cast()) };
    let table = _mm256_setr_epi8(
        0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3,
        3, 4,
    );
    let nibble = _mm256_set1_epi8(0x0f);
    let zero = _mm256_setzero_si256();
    let limit = _mm256_set1_epi64x(i64::from(radius));
    let word_counts = |v: __m256i| {
        let x = _mm256_xor_si256(v, q);
        let low = _mm256_shuffle_epi8(table, _mm256_and_si256(x, nibble));
        let high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16::<4>(x), nibble));
        _mm256_sad_epu8(_mm256_add_epi8(low, high), zero)
    };
    let base = records.as_ptr().cast::<u8>();
    for g in 0..groups {
        // SAFETY: group `g` covers records 4g..4g+4, all below `records.len()`
        // since g < len / 4: bytes 128g .. 128g + 128 of the slice.
        let c = unsafe {
            let p = base.add(g * 128);
            [0, 1, 2, 3].map(|k| word_counts(_mm256_loadu_si256(p.add(k * 32).cast())))
        };
        let t0 = _mm256_add_epi64(
            _mm256_unpacklo_epi64(c[0], c[1]),
            _mm256_unpackhi_epi64(c[0], c[1]),
        );
        let t1 = _mm256_add_epi64(
            _mm256_unpacklo_epi64(c[2], c[3]),
            _mm256_unpackhi_epi64(c[2], c[3]),
        );
        let distances = _mm256_add_epi64(
            _mm256_permute2x128_si256::<0x20>(t0, t1),
            _mm256_permute2x128_si256::<0x31>(t0, t1),
        );
        let over = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(distances, limit)));
        let mut hits = !over & 0xf;
        if hits == 0 {
            continue;
        }
        let mut lanes = [0u64; 4];
        // SAFETY: `lanes` is 32 writable bytes.
        unsafe { _mm256_storeu_si256(lanes.as_mut_ptr().cast(), distances) };
        while hits != 0 {
            let lane = hits.trailing_zeros() as usize;
            hits &= hits - 1;
            emit(g * 4 + lane, lanes[lane] as u32);
        }
    }
    let tail = groups * 4;
    scalar::scan(&records[tail..], query, radius, &mut |i, d| {
        emit(tail + i, d)
    });
}
