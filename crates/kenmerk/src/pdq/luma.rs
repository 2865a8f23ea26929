//! Fast RGB to luma conversion.
//!
//! The value per pixel is the reference's `0.299 R + 0.587 G + 0.114 B` in
//! double precision rounded to `f32` (see [`super::reference`]); the loops are
//! written per channel layout so the compiler can vectorize them.

use super::reference::luma;
use crate::pixels::{PixelBuffer, PixelFormat};

/// Writes the row-major luma plane of `pixels` into `out`
/// (`width * height` values).
#[inline(always)]
pub(crate) fn fill_luma(pixels: &PixelBuffer<'_>, out: &mut [f32]) {
    let width = pixels.width();
    let rows = out.chunks_exact_mut(width.max(1)).take(pixels.height());
    match pixels.format() {
        PixelFormat::Rgb8 => rows_from::<3, 0, 2>(pixels, rows),
        PixelFormat::Rgba8 => rows_from::<4, 0, 2>(pixels, rows),
        PixelFormat::Bgr8 => rows_from::<3, 2, 0>(pixels, rows),
        PixelFormat::Bgra8 => rows_from::<4, 2, 0>(pixels, rows),
        PixelFormat::Luma8 => {
            let table = grey_table();
            for (y, out_row) in rows.enumerate() {
                for (o, &v) in out_row.iter_mut().zip(pixels.row(y)) {
                    *o = table[usize::from(v)];
                }
            }
        }
    }
}

#[inline(always)]
fn rows_from<'o, const BPP: usize, const R: usize, const B: usize>(
    pixels: &PixelBuffer<'_>,
    rows: impl Iterator<Item = &'o mut [f32]>,
) {
    for (y, out_row) in rows.enumerate() {
        for (o, px) in out_row.iter_mut().zip(pixels.row(y).chunks_exact(BPP)) {
            *o = luma(px[R], px[1], px[B]);
        }
    }
}

/// Luma of each grey level, computed as for an RGB pixel with R = G = B (the
/// reference pipeline replicates grey images into three channels).
fn grey_table() -> &'static [f32; 256] {
    static TABLE: std::sync::LazyLock<[f32; 256]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|v| luma(v as u8, v as u8, v as u8)));
    &TABLE
}
