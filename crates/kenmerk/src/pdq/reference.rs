//! Plain PDQ: the slow, obviously correct oracle for the fast path.
//!
//! This is Meta's algorithm written out step by step, one full-resolution
//! buffer per stage, with no attempt at speed:
//!
//! 1. Luma `0.299 R + 0.587 G + 0.114 B`, evaluated in double precision and
//!    rounded to `f32` (what python-threatexchange/HMA feed Meta's C++ core).
//! 2. Two rounds of a box filter along each row then each column (Jarosz'
//!    tent approximation), window `ceil(dim / 128)`, running sums in `f32`
//!    exactly in the order of Meta's `box1DFloat`.
//! 3. Decimation to 64x64 by sampling at `floor((i + 0.5) * dim / 64)`.
//! 4. The quality metric from the 64x64 image's gradients.
//! 5. A 2-D DCT keeping frequencies 1..16 in each direction.
//! 6. One bit per coefficient: set when it is strictly above the median.
//!
//! Every floating-point operation happens in the same order as in Meta's
//! code, so results are bit-identical; the fast path must equal this.

// Index loops mirror the reference's indices one to one; that is the point.
#![allow(clippy::needless_range_loop)]

use super::{DIM_MIN, Dihedral, PdqHash, QUALITY_MAX, dct_matrix, window_size};
use crate::hash::Hash256;
use crate::pixels::PixelBuffer;

/// Luma of one pixel, as numpy computes it for Meta's pipeline.
pub(crate) fn luma(r: u8, g: u8, b: u8) -> f32 {
    (f64::from(r) * 0.299 + f64::from(g) * 0.587 + f64::from(b) * 0.114) as f32
}

/// Full-resolution luma, row-major.
pub fn luma_plane(pixels: &PixelBuffer<'_>) -> Vec<f32> {
    let [ro, go, bo] = pixels.format().rgb_offsets();
    let bpp = pixels.format().bytes_per_pixel();
    let mut out = Vec::with_capacity(pixels.width() * pixels.height());
    for y in 0..pixels.height() {
        for px in pixels.row(y).chunks_exact(bpp) {
            out.push(luma(px[ro], px[go], px[bo]));
        }
    }
    out
}

/// One box-filter pass over `len` values `stride` apart, as `box1DFloat`.
fn box_1d(
    input: &[f32],
    output: &mut [f32],
    start: usize,
    len: usize,
    stride: usize,
    window: usize,
) {
    let half = (window + 2) / 2;
    let at = |i: usize| start + i * stride;
    let (mut li, mut ri, mut oi) = (0, 0, 0);
    let mut sum = 0.0f32;
    let mut count = 0usize;
    for _ in 0..half - 1 {
        sum += input[at(ri)];
        count += 1;
        ri += 1;
    }
    for _ in 0..window - half + 1 {
        sum += input[at(ri)];
        count += 1;
        output[at(oi)] = sum / count as f32;
        ri += 1;
        oi += 1;
    }
    for _ in 0..len - window {
        sum += input[at(ri)];
        sum -= input[at(li)];
        output[at(oi)] = sum / count as f32;
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..half - 1 {
        sum -= input[at(li)];
        count -= 1;
        output[at(oi)] = sum / count as f32;
        li += 1;
        oi += 1;
    }
}

/// Blur (two row+column box rounds) and decimate to 64x64.
pub fn downsample(luma: &[f32], rows: usize, cols: usize) -> [[f32; 64]; 64] {
    let along_rows = window_size(cols);
    let along_cols = window_size(rows);
    let mut a = luma.to_vec();
    let mut b = vec![0.0f32; a.len()];
    for _ in 0..2 {
        for r in 0..rows {
            box_1d(&a, &mut b, r * cols, cols, 1, along_rows);
        }
        for c in 0..cols {
            box_1d(&b, &mut a, c, rows, cols, along_cols);
        }
    }
    let mut out = [[0.0f32; 64]; 64];
    for (i, row) in out.iter_mut().enumerate() {
        let ini = ((i as f64 + 0.5) * rows as f64 / 64.0) as usize;
        for (j, v) in row.iter_mut().enumerate() {
            let inj = ((j as f64 + 0.5) * cols as f64 / 64.0) as usize;
            *v = a[ini * cols + inj];
        }
    }
    out
}

/// Meta's image-domain quality metric of the 64x64 downsample.
pub fn quality(block: &[[f32; 64]; 64]) -> u8 {
    let step = |u: f32, v: f32| (((u - v) * 100.0) / 255.0) as i32;
    let mut sum: i32 = 0;
    for i in 0..63 {
        for j in 0..64 {
            sum += step(block[i][j], block[i + 1][j]).abs();
        }
    }
    for row in block {
        for j in 0..63 {
            sum += step(row[j], row[j + 1]).abs();
        }
    }
    (sum / 90).min(i32::from(QUALITY_MAX)) as u8
}

/// DCT of the 64x64 block keeping frequencies 1..16 on each axis.
pub fn dct16(block: &[[f32; 64]; 64]) -> [[f32; 16]; 16] {
    let d = dct_matrix();
    let mut t = [[0.0f32; 64]; 16];
    for i in 0..16 {
        for j in 0..64 {
            let mut sum = 0.0f32;
            for k in 0..64 {
                sum += d[i][k] * block[k][j];
            }
            t[i][j] = sum;
        }
    }
    let mut out = [[0.0f32; 16]; 16];
    for i in 0..16 {
        for j in 0..16 {
            let mut sum = 0.0f32;
            for k in 0..64 {
                sum += t[i][k] * d[j][k];
            }
            out[i][j] = sum;
        }
    }
    out
}

/// Bits of a 16x16 coefficient block: set where strictly above the median
/// (the 128th smallest of the 256 values).
pub fn bits(coefficients: &[[f32; 16]; 16]) -> Hash256 {
    let mut sorted: Vec<f32> = coefficients.iter().flatten().copied().collect();
    sorted.sort_by(f32::total_cmp);
    let median = sorted[127];
    let mut hash = Hash256::ZERO;
    for (i, row) in coefficients.iter().enumerate() {
        for (j, &v) in row.iter().enumerate() {
            if v > median {
                hash.set_bit(i * 16 + j);
            }
        }
    }
    hash
}

/// The coefficient block of the image transformed by `variant`, derived from
/// the original block: transposition and sign changes, as Meta's code does.
pub fn transform(a: &[[f32; 16]; 16], variant: Dihedral) -> [[f32; 16]; 16] {
    let mut b = [[0.0f32; 16]; 16];
    for i in 0..16 {
        for j in 0..16 {
            let v = a[i][j];
            let (odd_i, odd_j, odd_sum) = (i % 2 == 1, j % 2 == 1, (i + j) % 2 == 1);
            match variant {
                Dihedral::Original => b[i][j] = v,
                Dihedral::Rotate90 => b[j][i] = if odd_j { v } else { -v },
                Dihedral::Rotate180 => b[i][j] = if odd_sum { -v } else { v },
                Dihedral::Rotate270 => b[j][i] = if odd_i { v } else { -v },
                Dihedral::FlipX => b[i][j] = if odd_i { v } else { -v },
                Dihedral::FlipY => b[i][j] = if odd_j { v } else { -v },
                Dihedral::FlipPlus1 => b[j][i] = v,
                Dihedral::FlipMinus1 => b[j][i] = if odd_sum { -v } else { v },
            }
        }
    }
    b
}

/// The 16x16 coefficients and quality of an image, or `None` for images
/// under 5 pixels on a side (Meta returns the zero hash, quality 0).
///
/// `blur_64x64` says whether an image of exactly 64x64 pixels is blurred:
/// Meta's single-hash function takes such an image as already downsampled
/// and skips the blur; its dihedral function blurs it like any other.
pub fn coefficients(pixels: &PixelBuffer<'_>, blur_64x64: bool) -> Option<([[f32; 16]; 16], u8)> {
    let (rows, cols) = (pixels.height(), pixels.width());
    if rows < DIM_MIN || cols < DIM_MIN {
        return None;
    }
    let luma = luma_plane(pixels);
    let block = if rows == 64 && cols == 64 && !blur_64x64 {
        std::array::from_fn(|i| std::array::from_fn(|j| luma[i * 64 + j]))
    } else {
        downsample(&luma, rows, cols)
    };
    Some((dct16(&block), quality(&block)))
}

/// PDQ hash and quality of an image.
pub fn hash(pixels: &PixelBuffer<'_>) -> PdqHash {
    match coefficients(pixels, false) {
        Some((c, quality)) => PdqHash {
            hash: bits(&c),
            quality,
        },
        None => PdqHash::EMPTY,
    }
}

/// The eight dihedral PDQ hashes (Meta's order) and the quality.
pub fn hash_dihedral(pixels: &PixelBuffer<'_>) -> ([Hash256; 8], u8) {
    match coefficients(pixels, true) {
        Some((c, quality)) => (Dihedral::ALL.map(|v| bits(&transform(&c, v))), quality),
        None => ([Hash256::ZERO; 8], 0),
    }
}
