//! Fast RGB to luma conversion.
//!
//! The value per pixel is the reference's `0.299 R + 0.587 G + 0.114 B` in
//! double precision rounded to `f32` (see [`super::reference`]); the loops are
//! written per channel layout so the compiler can vectorize them.

use super::reference::luma;
use crate::pixels::{PixelBuffer, PixelFormat};

/// Writes the luma of row `y` of `pixels` into `out` (`width` values).
#[inline(always)]
pub(crate) fn luma_row(pixels: &PixelBuffer<'_>, y: usize, out: &mut [f32]) {
    let row = pixels.row(y);
    match pixels.format() {
        PixelFormat::Rgb8 => from_channels::<3, 0, 2>(row, out),
        PixelFormat::Rgba8 => from_channels::<4, 0, 2>(row, out),
        PixelFormat::Bgr8 => from_channels::<3, 2, 0>(row, out),
        PixelFormat::Bgra8 => from_channels::<4, 2, 0>(row, out),
        PixelFormat::Luma8 => {
            let table = grey_table();
            for (o, &v) in out.iter_mut().zip(row) {
                *o = table[usize::from(v)];
            }
        }
    }
}

#[inline(always)]
fn from_channels<const BPP: usize, const R: usize, const B: usize>(row: &[u8], out: &mut [f32]) {
    for (o, px) in out.iter_mut().zip(row.chunks_exact(BPP)) {
        *o = luma(px[R], px[1], px[B]);
    }
}

/// Luma of each grey level, computed as for an RGB pixel with R = G = B (the
/// reference pipeline replicates grey images into three channels).
fn grey_table() -> &'static [f32; 256] {
    static TABLE: std::sync::LazyLock<[f32; 256]> =
        std::sync::LazyLock::new(|| std::array::from_fn(|v| luma(v as u8, v as u8, v as u8)));
    &TABLE
}
