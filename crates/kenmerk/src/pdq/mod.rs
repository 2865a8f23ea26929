//! PDQ image hashing, bit-for-bit as Meta's reference computes it.
//!
//! PDQ turns an image into 256 bits that survive re-encoding, resizing and
//! mild edits: luma, a tent-filter blur and decimation to 64x64, a 16x16 DCT
//! of the low frequencies, and one bit per coefficient above the median. The
//! quality (0..=100) measures how much detail the 64x64 image has; below
//! [`QUALITY_THRESHOLD`] a hash is too unreliable to match.
//!
//! [`PdqHasher`] is the fast path: reusable buffers, SIMD chosen once at
//! construction. [`reference`] is the plain implementation the fast path is
//! tested against. Both hash images at full resolution (no 512x512
//! pre-resize), as python-threatexchange and HMA do.
//!
//! ```
//! use kenmerk::{PixelBuffer, PixelFormat};
//! use kenmerk::pdq::PdqHasher;
//!
//! let pixels: Vec<u8> = (0..64 * 48 * 3).map(|i| (i * 7 % 251) as u8).collect();
//! let image = PixelBuffer::packed(&pixels, 64, 48, PixelFormat::Rgb8)?;
//! let mut hasher = PdqHasher::new();
//! let result = hasher.hash(&image);
//! println!("{},{}", result.hash, result.quality);
//! # Ok::<(), kenmerk::Error>(())
//! ```

mod dct;
mod downsample;
mod luma;
pub mod reference;
mod transpose;

use std::sync::LazyLock;

use crate::error::{Error, Result};
use crate::hash::Hash256;
use crate::pixels::PixelBuffer;

/// Images with fewer rows or columns than this hash to zero, quality 0.
pub const DIM_MIN: usize = 5;

/// Highest quality value.
pub const QUALITY_MAX: u8 = 100;

/// Hashes with a quality below this have too little detail to match
/// (Meta's and the vPDQ rule's threshold).
pub const QUALITY_THRESHOLD: u8 = 50;

/// A PDQ hash and its quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PdqHash {
    /// The 256-bit hash.
    pub hash: Hash256,
    /// Quality 0..=100; below [`QUALITY_THRESHOLD`] do not match on it.
    pub quality: u8,
}

impl PdqHash {
    /// What an image too small to hash gives: the zero hash, quality 0.
    pub const EMPTY: PdqHash = PdqHash {
        hash: Hash256::ZERO,
        quality: 0,
    };

    /// Whether the quality reaches [`QUALITY_THRESHOLD`].
    pub fn is_matchable(&self) -> bool {
        self.quality >= QUALITY_THRESHOLD
    }
}

/// The eight symmetries of the square (rotations and reflections), in the
/// order Meta's code returns their hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dihedral {
    /// The image as it is.
    Original,
    /// Rotated 90 degrees.
    Rotate90,
    /// Rotated 180 degrees.
    Rotate180,
    /// Rotated 270 degrees.
    Rotate270,
    /// Mirrored top to bottom (Meta's "flipx").
    FlipX,
    /// Mirrored left to right (Meta's "flipy").
    FlipY,
    /// Transposed about the main diagonal (Meta's "flipplus1").
    FlipPlus1,
    /// Transposed about the anti-diagonal (Meta's "flipminus1").
    FlipMinus1,
}

impl Dihedral {
    /// All eight, in Meta's order.
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// Meta's short name (`orig`, `rot90`, ..., `flipminus1`).
    pub const fn name(self) -> &'static str {
        match self {
            Dihedral::Original => "orig",
            Dihedral::Rotate90 => "rot90",
            Dihedral::Rotate180 => "rot180",
            Dihedral::Rotate270 => "rot270",
            Dihedral::FlipX => "flipx",
            Dihedral::FlipY => "flipy",
            Dihedral::FlipPlus1 => "flipplus1",
            Dihedral::FlipMinus1 => "flipminus1",
        }
    }
}

/// The hashes of all eight dihedral variants of an image and its quality
/// (the same for every variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PdqDihedral {
    /// Hashes in [`Dihedral::ALL`] order.
    pub hashes: [Hash256; 8],
    /// Quality 0..=100.
    pub quality: u8,
}

impl PdqDihedral {
    /// The hash of one variant.
    pub fn get(&self, variant: Dihedral) -> Hash256 {
        self.hashes[variant as usize]
    }

    /// The untransformed image's hash and quality.
    pub fn original(&self) -> PdqHash {
        PdqHash {
            hash: self.hashes[0],
            quality: self.quality,
        }
    }
}

/// Box-filter window for a dimension: `ceil(dim / 128)`, so that two passes
/// cover the `dim / 64` pixels that fold into one output pixel.
pub(crate) fn window_size(dim: usize) -> usize {
    dim.div_ceil(128)
}

/// Meta's 16x64 DCT matrix: `sqrt(2/64) cos(pi/128 (i+1)(2j+1))`, the scale
/// rounded to `f32` first and the product computed in double precision.
pub(crate) fn dct_matrix() -> &'static [[f32; 64]; 16] {
    static MATRIX: LazyLock<[[f32; 64]; 16]> = LazyLock::new(|| {
        let scale = f64::from((2.0f64 / 64.0).sqrt() as f32);
        std::array::from_fn(|i| {
            std::array::from_fn(|j| {
                let angle =
                    (std::f64::consts::PI / 2.0 / 64.0) * (i + 1) as f64 * (2 * j + 1) as f64;
                (scale * angle.cos()) as f32
            })
        })
    });
    &MATRIX
}

/// The transpose of [`dct_matrix`] (64x16).
pub(crate) fn dct_matrix_transposed() -> &'static [[f32; 16]; 64] {
    static MATRIX: LazyLock<[[f32; 16]; 64]> =
        LazyLock::new(|| std::array::from_fn(|k| std::array::from_fn(|j| dct_matrix()[j][k])));
    &MATRIX
}

/// The instruction-set level the fast path runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// The target's baseline instructions (SSE2 on x86-64, NEON on aarch64).
    Portable,
    /// x86-64 AVX2.
    Avx2,
    /// x86-64 AVX-512 (F, BW, VL).
    Avx512,
}

impl Backend {
    /// The best level this CPU supports.
    pub fn detect() -> Backend {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512bw")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                return Backend::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Backend::Avx2;
            }
        }
        Backend::Portable
    }

    /// Whether this CPU can run this level.
    pub fn is_supported(self) -> bool {
        match self {
            Backend::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Backend::Avx2 => std::arch::is_x86_feature_detected!("avx2"),
            #[cfg(target_arch = "x86_64")]
            Backend::Avx512 => {
                std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512bw")
                    && std::arch::is_x86_feature_detected!("avx512vl")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }
}

/// The fast PDQ hasher. Keeps its buffers between calls, so a warmed hasher
/// does not allocate; create one per thread.
#[derive(Debug)]
pub struct PdqHasher {
    backend: Backend,
    scratch: downsample::Scratch,
}

impl Default for PdqHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl PdqHasher {
    /// A hasher using the best instructions this CPU has.
    pub fn new() -> Self {
        PdqHasher {
            backend: Backend::detect(),
            scratch: downsample::Scratch::default(),
        }
    }

    /// A hasher forced to one instruction-set level (for tests and
    /// benchmarks). Fails if the CPU lacks it.
    pub fn with_backend(backend: Backend) -> Result<Self> {
        if !backend.is_supported() {
            return Err(Error::new(
                crate::ErrorKind::Unsupported,
                format!("this CPU does not support the {backend:?} backend"),
            ));
        }
        Ok(PdqHasher {
            backend,
            scratch: downsample::Scratch::default(),
        })
    }

    /// The level in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// PDQ hash and quality of an image.
    ///
    /// As in Meta's code, an image of exactly 64x64 pixels is taken as
    /// already downsampled and not blurred, so its hash can differ from
    /// the original of [`hash_dihedral`](Self::hash_dihedral), which blurs
    /// every image (only near-uniform images are affected in practice).
    pub fn hash(&mut self, pixels: &PixelBuffer<'_>) -> PdqHash {
        match self.coefficients(pixels, false) {
            Some((c, quality)) => PdqHash {
                hash: bits(&c),
                quality,
            },
            None => PdqHash::EMPTY,
        }
    }

    /// Hashes of the eight dihedral variants, from one pass over the pixels.
    pub fn hash_dihedral(&mut self, pixels: &PixelBuffer<'_>) -> PdqDihedral {
        match self.coefficients(pixels, true) {
            Some((c, quality)) => PdqDihedral {
                hashes: Dihedral::ALL.map(|v| bits(&reference::transform(&c, v))),
                quality,
            },
            None => PdqDihedral {
                hashes: [Hash256::ZERO; 8],
                quality: 0,
            },
        }
    }

    /// The 16x16 DCT block and quality, or `None` below [`DIM_MIN`]; see
    /// [`reference::coefficients`] for `blur_64x64`.
    fn coefficients(
        &mut self,
        pixels: &PixelBuffer<'_>,
        blur_64x64: bool,
    ) -> Option<([[f32; 16]; 16], u8)> {
        if pixels.width() < DIM_MIN || pixels.height() < DIM_MIN {
            return None;
        }
        if !blur_64x64 && pixels.width() == 64 && pixels.height() == 64 {
            return reference::coefficients(pixels, false);
        }
        let mut out = ([[0.0f32; 16]; 16], 0u8);
        match self.backend {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `with_backend` and `detect` only select AVX-512 when the
            // CPU reports avx512f, avx512bw and avx512vl.
            Backend::Avx512 => unsafe { coefficients_avx512(&mut self.scratch, pixels, &mut out) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `with_backend` and `detect` only select AVX2 when the
            // CPU reports avx2.
            Backend::Avx2 => unsafe { coefficients_avx2(&mut self.scratch, pixels, &mut out) },
            _ => coefficients_portable(&mut self.scratch, pixels, &mut out),
        }
        Some(out)
    }
}

/// The whole fast pipeline, inlined into one function per backend so the
/// compiler vectorizes every loop for that instruction set.
#[inline(always)]
fn coefficients_generic<T: transpose::Transpose>(
    scratch: &mut downsample::Scratch,
    pixels: &PixelBuffer<'_>,
    out: &mut ([[f32; 16]; 16], u8),
) {
    let mut block = [[0.0f32; 64]; 64];
    downsample::downsample::<T>(scratch, pixels, &mut block);
    out.1 = reference::quality(&block);
    dct::dct16(&block, &mut out.0);
}

fn coefficients_portable(
    scratch: &mut downsample::Scratch,
    pixels: &PixelBuffer<'_>,
    out: &mut ([[f32; 16]; 16], u8),
) {
    coefficients_generic::<transpose::Portable>(scratch, pixels, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn coefficients_avx2(
    scratch: &mut downsample::Scratch,
    pixels: &PixelBuffer<'_>,
    out: &mut ([[f32; 16]; 16], u8),
) {
    coefficients_generic::<transpose::Avx>(scratch, pixels, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512bw,avx512vl,avx2")]
fn coefficients_avx512(
    scratch: &mut downsample::Scratch,
    pixels: &PixelBuffer<'_>,
    out: &mut ([[f32; 16]; 16], u8),
) {
    coefficients_generic::<transpose::Avx>(scratch, pixels, out);
}

/// Bits of a coefficient block: set where strictly above the median (the
/// 128th smallest value), found by selection rather than a full sort.
fn bits(coefficients: &[[f32; 16]; 16]) -> Hash256 {
    let mut values = [0.0f32; 256];
    for (dst, src) in values.chunks_exact_mut(16).zip(coefficients) {
        dst.copy_from_slice(src);
    }
    let (_, &mut median, _) = values.select_nth_unstable_by(127, f32::total_cmp);
    let mut hash = Hash256::ZERO;
    for (k, &v) in coefficients.iter().flatten().enumerate() {
        if v > median {
            hash.set_bit(k);
        }
    }
    hash
}

#[cfg(test)]
mod tests;
