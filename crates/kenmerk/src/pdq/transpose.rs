//! Matrix transposition of `f32` planes, the glue between row and column
//! passes of the downsampler.
//!
//! Both versions walk the matrix in 8x8 tiles. The portable one moves values
//! one at a time; the AVX one loads eight rows of a tile into registers,
//! interleaves them with the classic unpack / shuffle / lane-permute network
//! (24 shuffles per 64 values) and stores eight columns. Transposition only
//! moves values, so both are exact; the portable one is the test oracle.

/// A transposition routine: writes `src` (`rows` lines of `cols` values,
/// `src_pitch` apart) transposed into `dst` (line `c` at `c * dst_pitch`).
pub(crate) trait Transpose {
    fn transpose(
        src: &[f32],
        src_pitch: usize,
        rows: usize,
        cols: usize,
        dst: &mut [f32],
        dst_pitch: usize,
    );
}

/// Plain value-by-value transposition, for every target.
pub(crate) struct Portable;

impl Transpose for Portable {
    #[inline(always)]
    fn transpose(
        src: &[f32],
        src_pitch: usize,
        rows: usize,
        cols: usize,
        dst: &mut [f32],
        dst_pitch: usize,
    ) {
        edges(src, src_pitch, 0, rows, 0, cols, dst, dst_pitch);
    }
}

/// Transposes the sub-block rows `r0..r1`, columns `c0..c1` value by value.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn edges(
    src: &[f32],
    src_pitch: usize,
    r0: usize,
    r1: usize,
    c0: usize,
    c1: usize,
    dst: &mut [f32],
    dst_pitch: usize,
) {
    const T: usize = 8;
    for cb in (c0..c1).step_by(T) {
        let ce = (cb + T).min(c1);
        for r in r0..r1 {
            for c in cb..ce {
                dst[c * dst_pitch + r] = src[r * src_pitch + c];
            }
        }
    }
}

/// 8x8 tiles through AVX registers. Only instantiated inside functions
/// compiled with the `avx2` target feature (see `pdq::coefficients_avx2`).
#[cfg(target_arch = "x86_64")]
pub(crate) struct Avx;

#[cfg(target_arch = "x86_64")]
impl Transpose for Avx {
    #[inline(always)]
    fn transpose(
        src: &[f32],
        src_pitch: usize,
        rows: usize,
        cols: usize,
        dst: &mut [f32],
        dst_pitch: usize,
    ) {
        const T: usize = 8;
        let (full_rows, full_cols) = (rows - rows % T, cols - cols % T);
        for r0 in (0..full_rows).step_by(T) {
            for c0 in (0..full_cols).step_by(T) {
                // Bounds of the whole tile, checked once: the last value read
                // and the last value written.
                let last_read = (r0 + T - 1) * src_pitch + c0 + T;
                let last_written = (c0 + T - 1) * dst_pitch + r0 + T;
                assert!(last_read <= src.len() && last_written <= dst.len());
                // SAFETY: the assertion above bounds every access of the
                // tile: rows r0..r0+8 of src at c0..c0+8, lines c0..c0+8 of
                // dst at r0..r0+8. `Avx` is used only from functions compiled
                // with `avx2` enabled, which the dispatcher calls only after
                // detecting AVX2 at run time.
                unsafe {
                    tile_8x8(
                        src.as_ptr().add(r0 * src_pitch + c0),
                        src_pitch,
                        dst.as_mut_ptr().add(c0 * dst_pitch + r0),
                        dst_pitch,
                    );
                }
            }
            edges(src, src_pitch, r0, r0 + T, full_cols, cols, dst, dst_pitch);
        }
        edges(src, src_pitch, full_rows, rows, 0, cols, dst, dst_pitch);
    }
}

/// Transposes one 8x8 tile.
///
/// # Safety
/// `src + i * src_pitch .. + 8` must be readable and `dst + j * dst_pitch ..
/// + 8` writable for `i, j` in `0..8`, and the CPU must support AVX.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn tile_8x8(src: *const f32, src_pitch: usize, dst: *mut f32, dst_pitch: usize) {
    use std::arch::x86_64::*;
    // SAFETY: the caller guarantees the eight 8-value rows are readable, the
    // eight 8-value columns writable, and AVX support.
    unsafe {
        let r = |i: usize| _mm256_loadu_ps(src.add(i * src_pitch));
        let (r0, r1, r2, r3, r4, r5, r6, r7) = (r(0), r(1), r(2), r(3), r(4), r(5), r(6), r(7));
        // Pairs of rows interleaved: (a0 b0 a1 b1 | a4 b4 a5 b5) etc.
        let t0 = _mm256_unpacklo_ps(r0, r1);
        let t1 = _mm256_unpackhi_ps(r0, r1);
        let t2 = _mm256_unpacklo_ps(r2, r3);
        let t3 = _mm256_unpackhi_ps(r2, r3);
        let t4 = _mm256_unpacklo_ps(r4, r5);
        let t5 = _mm256_unpackhi_ps(r4, r5);
        let t6 = _mm256_unpacklo_ps(r6, r7);
        let t7 = _mm256_unpackhi_ps(r6, r7);
        // Quads: (a0 b0 c0 d0 | a4 b4 c4 d4) etc.
        let s0 = _mm256_shuffle_ps::<0x44>(t0, t2);
        let s1 = _mm256_shuffle_ps::<0xEE>(t0, t2);
        let s2 = _mm256_shuffle_ps::<0x44>(t1, t3);
        let s3 = _mm256_shuffle_ps::<0xEE>(t1, t3);
        let s4 = _mm256_shuffle_ps::<0x44>(t4, t6);
        let s5 = _mm256_shuffle_ps::<0xEE>(t4, t6);
        let s6 = _mm256_shuffle_ps::<0x44>(t5, t7);
        let s7 = _mm256_shuffle_ps::<0xEE>(t5, t7);
        // Columns: join the low halves (columns 0..4) and high halves (4..8).
        let w = |j: usize, v: __m256| _mm256_storeu_ps(dst.add(j * dst_pitch), v);
        w(0, _mm256_permute2f128_ps::<0x20>(s0, s4));
        w(1, _mm256_permute2f128_ps::<0x20>(s1, s5));
        w(2, _mm256_permute2f128_ps::<0x20>(s2, s6));
        w(3, _mm256_permute2f128_ps::<0x20>(s3, s7));
        w(4, _mm256_permute2f128_ps::<0x31>(s0, s4));
        w(5, _mm256_permute2f128_ps::<0x31>(s1, s5));
        w(6, _mm256_permute2f128_ps::<0x31>(s2, s6));
        w(7, _mm256_permute2f128_ps::<0x31>(s3, s7));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T: Transpose>(rows: usize, cols: usize, src_pitch: usize, dst_pitch: usize) {
        let src: Vec<f32> = (0..rows * src_pitch).map(|i| i as f32).collect();
        let mut expected = vec![-1.0; cols * dst_pitch];
        let mut got = expected.clone();
        Portable::transpose(&src, src_pitch, rows, cols, &mut expected, dst_pitch);
        T::transpose(&src, src_pitch, rows, cols, &mut got, dst_pitch);
        assert_eq!(
            got, expected,
            "{rows}x{cols} pitches {src_pitch},{dst_pitch}"
        );
        for r in 0..rows {
            for c in 0..cols {
                assert_eq!(expected[c * dst_pitch + r], src[r * src_pitch + c]);
            }
        }
    }

    #[test]
    fn portable_transposes() {
        check::<Portable>(3, 5, 5, 3);
        check::<Portable>(17, 9, 12, 20);
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx_equals_portable_on_edge_sizes() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            eprintln!("skipped: no AVX2 on this CPU");
            return;
        }
        for rows in [0, 1, 7, 8, 9, 15, 16, 17, 33] {
            for cols in [0, 1, 7, 8, 9, 16, 31, 64] {
                check::<Avx>(rows, cols, cols + 3, rows);
                check::<Avx>(rows, cols, cols, rows + 8);
            }
        }
    }
}
