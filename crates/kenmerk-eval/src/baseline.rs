//! The 64-bit baselines as commonly defined (the definitions of the Python
//! `imagehash` package, which Thorn's `perception` benchmark also follows):
//!
//! - **aHash**: grey (Pillow `convert("L")`, ITU-R 601), resized to 8x8,
//!   one bit per pixel: brighter than the mean.
//! - **dHash**: grey, resized to 9 wide x 8 high, one bit per horizontally
//!   adjacent pair: the right pixel brighter than the left.
//! - **pHash**: grey, resized to 32x32, 2-D DCT-II, the 8x8 lowest
//!   frequencies (including the DC term), one bit per coefficient: above
//!   their median.
//!
//! Resizing uses the `image` crate's Lanczos3 filter (Pillow's ANTIALIAS).
//! They are written here rather than taken from the `image_hasher` crate,
//! whose "DCT" hash works on a 16x16 image and compares with the mean, which
//! is not the common pHash.
//!
//! The eight dihedral variants of a hash are computed from the small grey
//! image, not from a rotated full image: rotating or mirroring commutes with
//! a symmetric resampling filter, so this is the same hash up to rounding.

use image::{GrayImage, Luma, RgbImage, imageops};

use crate::ops::luma_601;

/// Pillow-style grey image.
fn grey(img: &RgbImage) -> GrayImage {
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        Luma([luma_601(img.get_pixel(x, y))])
    })
}

fn shrink(grey: &GrayImage, w: u32, h: u32) -> GrayImage {
    imageops::resize(grey, w, h, imageops::FilterType::Lanczos3)
}

/// The eight symmetries of the square in Meta's order (original, rotations
/// by 90, 180, 270 degrees, top-bottom flip, left-right flip, transpose,
/// anti-transpose), applied to a small grey image.
fn dihedral(img: &GrayImage, variant: usize) -> GrayImage {
    match variant {
        0 => img.clone(),
        1 => imageops::rotate90(img),
        2 => imageops::rotate180(img),
        3 => imageops::rotate270(img),
        4 => imageops::flip_vertical(img),
        5 => imageops::flip_horizontal(img),
        6 => imageops::flip_horizontal(&imageops::rotate90(img)),
        _ => imageops::flip_vertical(&imageops::rotate90(img)),
    }
}

/// Whether a variant swaps width and height.
fn transposes(variant: usize) -> bool {
    matches!(variant, 1 | 3 | 6 | 7)
}

/// Packs bits, first bit in the most significant position.
fn pack(bits: impl Iterator<Item = bool>) -> u64 {
    bits.fold(0u64, |acc, b| (acc << 1) | u64::from(b))
}

fn ahash_of(small: &GrayImage) -> u64 {
    let sum: u32 = small.pixels().map(|p| u32::from(p.0[0])).sum();
    let mean = f64::from(sum) / 64.0;
    pack(small.pixels().map(|p| f64::from(p.0[0]) > mean))
}

fn dhash_of(small: &GrayImage) -> u64 {
    pack(
        (0..8)
            .flat_map(|y| (0..8).map(move |x| (x, y)))
            .map(|(x, y)| small.get_pixel(x + 1, y).0[0] > small.get_pixel(x, y).0[0]),
    )
}

/// The first 8 outputs of the DCT-II of 32 samples, unnormalised (scipy's
/// default `dct` up to a factor of 2, which does not move the median
/// comparison).
fn dct_low8(input: &[f64; 32]) -> [f64; 8] {
    std::array::from_fn(|k| {
        input
            .iter()
            .enumerate()
            .map(|(n, &v)| {
                v * (std::f64::consts::PI * k as f64 * (2.0 * n as f64 + 1.0) / 64.0).cos()
            })
            .sum()
    })
}

fn phash_of(small: &GrayImage) -> u64 {
    // Along rows, then along columns: the 2-D DCT is separable, and the
    // order changes the result only by rounding.
    let mut rows = [[0.0f64; 8]; 32];
    for (y, row) in rows.iter_mut().enumerate() {
        let samples: [f64; 32] =
            std::array::from_fn(|x| f64::from(small.get_pixel(x as u32, y as u32).0[0]));
        *row = dct_low8(&samples);
    }
    let mut low = [[0.0f64; 8]; 8];
    for u in 0..8 {
        let column: [f64; 32] = std::array::from_fn(|y| rows[y][u]);
        let c = dct_low8(&column);
        for v in 0..8 {
            low[v][u] = c[v];
        }
    }
    let mut sorted: Vec<f64> = low.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let median = (sorted[31] + sorted[32]) / 2.0;
    pack(low.iter().flatten().map(|&c| c > median))
}

/// The plain hash and the eight dihedral variants of one baseline.
pub(crate) struct BaselineHashes {
    pub(crate) plain: u64,
    pub(crate) variants: [u64; 8],
}

/// Which baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Baseline {
    /// pHash.
    Dct,
    /// dHash.
    Difference,
    /// aHash.
    Average,
}

/// Hashes `img` with every requested baseline, sharing the grey conversion.
pub(crate) fn hash_all(img: &RgbImage, which: &[Baseline]) -> Vec<BaselineHashes> {
    let grey = grey(img);
    which
        .iter()
        .map(|b| match b {
            Baseline::Average => square(&shrink(&grey, 8, 8), ahash_of),
            Baseline::Dct => square(&shrink(&grey, 32, 32), phash_of),
            Baseline::Difference => {
                let wide = shrink(&grey, 9, 8);
                let tall = shrink(&grey, 8, 9);
                let variants = std::array::from_fn(|v| {
                    let base = if transposes(v) { &tall } else { &wide };
                    dhash_of(&dihedral(base, v))
                });
                BaselineHashes {
                    plain: variants[0],
                    variants,
                }
            }
        })
        .collect()
}

fn square(small: &GrayImage, hash: fn(&GrayImage) -> u64) -> BaselineHashes {
    let variants = std::array::from_fn(|v| hash(&dihedral(small, v)));
    BaselineHashes {
        plain: variants[0],
        variants,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// A smooth picture with detail at many scales (a sum of waves).
    fn scene(w: u32, h: u32, shift: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let (u, v) = ((x + shift) as f32 / w as f32, y as f32 / h as f32);
            let mut s = 0.0;
            for k in 1..=8 {
                let k = k as f32;
                s += (k * 2.1 * u + k * 1.3 * v * (k % 3.0 - 1.0) + k).sin() * 60.0 / k.sqrt();
            }
            let s = (128.0 + s).clamp(0.0, 255.0);
            Rgb([s as u8, (255.0 - s) as u8, (s * 0.5) as u8])
        })
    }

    #[test]
    fn hashes_survive_rescaling_and_separate_different_images() {
        let all = [Baseline::Dct, Baseline::Difference, Baseline::Average];
        let a = hash_all(&scene(300, 200, 0), &all);
        let a_small = hash_all(
            &imageops::resize(
                &scene(300, 200, 0),
                150,
                100,
                imageops::FilterType::Triangle,
            ),
            &all,
        );
        let other = hash_all(&imageops::rotate180(&scene(300, 200, 97)), &all);
        for ((x, y), z) in a.iter().zip(&a_small).zip(&other) {
            let (near, far) = (
                (x.plain ^ y.plain).count_ones(),
                (x.plain ^ z.plain).count_ones(),
            );
            assert!(near <= 4 && far >= 12, "{near} {far}");
        }
    }

    #[test]
    fn variants_equal_the_hash_of_the_turned_image() {
        let all = [Baseline::Dct, Baseline::Difference, Baseline::Average];
        let img = scene(240, 160, 5);
        let hashes = hash_all(&img, &all);
        let turned = hash_all(&imageops::rotate90(&img), &all);
        let mirrored = hash_all(&imageops::flip_horizontal(&img), &all);
        for ((h, t), m) in hashes.iter().zip(&turned).zip(&mirrored) {
            // Same hash up to resampling rounding.
            assert!((h.variants[1] ^ t.plain).count_ones() <= 3);
            assert!((h.variants[5] ^ m.plain).count_ones() <= 3);
        }
    }

    #[test]
    fn phash_has_half_its_bits_set() {
        let h = hash_all(&scene(64, 64, 3), &[Baseline::Dct]);
        assert_eq!(h[0].plain.count_ones(), 32);
    }
}
