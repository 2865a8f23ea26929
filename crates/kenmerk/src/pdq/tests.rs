//! The fast path against the reference, on every backend this CPU has.

use super::*;
use crate::pixels::PixelFormat;

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A smooth image with structure (gradients plus a little noise), closer to
/// a photo than pure noise, so medians and qualities vary.
fn smooth(width: usize, height: usize, seed: u64) -> Vec<u8> {
    let n = noise(width * height * 3, seed);
    let mut out = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            for c in 0..3 {
                let base = (x * (c + 1) * 255 / width.max(1) + y * 255 / height.max(1)) / 2;
                let v = base + usize::from(n[(y * width + x) * 3 + c] % 16);
                out.push(v.min(255) as u8);
            }
        }
    }
    out
}

fn backends() -> Vec<Backend> {
    [Backend::Portable, Backend::Avx2, Backend::Avx512]
        .into_iter()
        .filter(|b| b.is_supported())
        .collect()
}

const SIZES: &[(usize, usize)] = &[
    (5, 5),
    (5, 6),
    (7, 300),
    (300, 7),
    (33, 17),
    (63, 64),
    (64, 64),
    (65, 64),
    (127, 129),
    (128, 128),
    (200, 131),
    (257, 255),
    (512, 384),
    (1000, 8),
];

#[test]
fn fast_path_equals_reference_on_every_backend() {
    for backend in backends() {
        let mut hasher = PdqHasher::with_backend(backend).unwrap();
        for (i, &(w, h)) in SIZES.iter().enumerate() {
            for data in [noise(w * h * 3, i as u64), smooth(w, h, i as u64)] {
                let image = PixelBuffer::packed(&data, w, h, PixelFormat::Rgb8).unwrap();
                let expected = reference::hash(&image);
                assert_eq!(hasher.hash(&image), expected, "{backend:?} {w}x{h}");
                let (hashes, quality) = reference::hash_dihedral(&image);
                let got = hasher.hash_dihedral(&image);
                assert_eq!(
                    (got.hashes, got.quality),
                    (hashes, quality),
                    "{backend:?} {w}x{h}"
                );
            }
        }
    }
}

#[test]
fn reused_hasher_gives_the_same_results() {
    let mut hasher = PdqHasher::new();
    let big = smooth(400, 300, 1);
    let small = smooth(40, 30, 2);
    let big_img = PixelBuffer::packed(&big, 400, 300, PixelFormat::Rgb8).unwrap();
    let small_img = PixelBuffer::packed(&small, 40, 30, PixelFormat::Rgb8).unwrap();
    let first = hasher.hash(&small_img);
    hasher.hash(&big_img);
    assert_eq!(hasher.hash(&small_img), first);
    assert_eq!(first, reference::hash(&small_img));
}

#[test]
fn pixel_formats_agree() {
    let (w, h) = (97, 61);
    let rgb = smooth(w, h, 7);
    let expected = reference::hash(&PixelBuffer::packed(&rgb, w, h, PixelFormat::Rgb8).unwrap());
    let mut rgba = Vec::new();
    let mut bgr = Vec::new();
    let mut bgra = Vec::new();
    for px in rgb.chunks_exact(3) {
        rgba.extend_from_slice(&[px[0], px[1], px[2], 17]);
        bgr.extend_from_slice(&[px[2], px[1], px[0]]);
        bgra.extend_from_slice(&[px[2], px[1], px[0], 200]);
    }
    // Padded rows (stride larger than a row) must not change anything.
    let mut padded = Vec::new();
    for row in rgb.chunks_exact(w * 3) {
        padded.extend_from_slice(row);
        padded.extend_from_slice(&[9; 5]);
    }
    let mut hasher = PdqHasher::new();
    for image in [
        PixelBuffer::packed(&rgba, w, h, PixelFormat::Rgba8).unwrap(),
        PixelBuffer::packed(&bgr, w, h, PixelFormat::Bgr8).unwrap(),
        PixelBuffer::packed(&bgra, w, h, PixelFormat::Bgra8).unwrap(),
        PixelBuffer::new(&padded, w, h, w * 3 + 5, PixelFormat::Rgb8).unwrap(),
    ] {
        assert_eq!(hasher.hash(&image), expected, "{:?}", image.format());
        assert_eq!(reference::hash(&image), expected, "{:?}", image.format());
    }
}

#[test]
fn grey_equals_replicated_rgb() {
    let (w, h) = (70, 90);
    let grey = noise(w * h, 3);
    let rgb: Vec<u8> = grey.iter().flat_map(|&v| [v, v, v]).collect();
    let from_grey =
        PdqHasher::new().hash(&PixelBuffer::packed(&grey, w, h, PixelFormat::Luma8).unwrap());
    let from_rgb = reference::hash(&PixelBuffer::packed(&rgb, w, h, PixelFormat::Rgb8).unwrap());
    assert_eq!(from_grey, from_rgb);
}

#[test]
fn tiny_images_hash_to_zero() {
    let data = noise(4 * 100 * 3, 5);
    for (w, h) in [(4, 100), (100, 4), (0, 0), (1, 1)] {
        let image = PixelBuffer::packed(&data[..w * h * 3], w, h, PixelFormat::Rgb8).unwrap();
        assert_eq!(PdqHasher::new().hash(&image), PdqHash::EMPTY);
        assert_eq!(
            PdqHasher::new().hash_dihedral(&image).hashes,
            [Hash256::ZERO; 8]
        );
    }
}

#[test]
fn uniform_image_has_zero_quality() {
    let data = vec![128u8; 100 * 80 * 3];
    let image = PixelBuffer::packed(&data, 100, 80, PixelFormat::Rgb8).unwrap();
    let result = PdqHasher::new().hash(&image);
    assert_eq!(result.quality, 0);
    assert!(!result.is_matchable());
}

#[test]
fn dct_matrix_rows_are_orthonormal() {
    let d = dct_matrix();
    for i in 0..16 {
        for j in 0..16 {
            let dot: f64 = (0..64)
                .map(|k| f64::from(d[i][k]) * f64::from(d[j][k]))
                .sum();
            let expected = if i == j { 1.0 } else { 0.0 };
            assert!((dot - expected).abs() < 1e-5, "rows {i},{j}: {dot}");
        }
    }
}
