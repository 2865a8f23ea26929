//! The hash algorithms under test: PDQ (kenmerk's, bit-exact with Meta's)
//! and the 64-bit baselines pHash, dHash and aHash.
//!
//! Every algorithm gives a [`Fingerprint`] of an image: its hash and the
//! hashes of its eight dihedral variants (rotations by multiples of 90
//! degrees and mirrors), held in up to 256 bits so one distance function
//! serves all.

use std::fmt;

use image::RgbImage;
use kenmerk::pdq::PdqHasher;
use kenmerk::{PixelBuffer, PixelFormat};

use crate::baseline::{self, Baseline};

/// One hash algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Algorithm {
    /// Meta's PDQ, 256 bits.
    Pdq,
    /// DCT hash, 64 bits.
    PHash,
    /// Difference hash, 64 bits.
    DHash,
    /// Average hash, 64 bits.
    AHash,
}

impl Algorithm {
    /// All algorithms, PDQ first.
    pub const ALL: [Algorithm; 4] = [
        Algorithm::Pdq,
        Algorithm::PHash,
        Algorithm::DHash,
        Algorithm::AHash,
    ];

    /// The command-line and report name.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Pdq => "pdq",
            Algorithm::PHash => "phash",
            Algorithm::DHash => "dhash",
            Algorithm::AHash => "ahash",
        }
    }

    /// The name as readers know it.
    pub const fn label(self) -> &'static str {
        match self {
            Algorithm::Pdq => "PDQ",
            Algorithm::PHash => "pHash",
            Algorithm::DHash => "dHash",
            Algorithm::AHash => "aHash",
        }
    }

    /// Hash length in bits.
    pub const fn bits(self) -> u32 {
        match self {
            Algorithm::Pdq => 256,
            _ => 64,
        }
    }

    /// Parses a comma-separated list; PDQ must be in it (the report's top
    /// level describes PDQ). Order follows [`Algorithm::ALL`].
    pub fn parse_list(list: &str) -> Result<Vec<Algorithm>, String> {
        let mut chosen = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let Some(a) = Algorithm::ALL.into_iter().find(|a| a.name() == name) else {
                return Err(format!(
                    "unknown algorithm {name:?}; valid: pdq, phash, dhash, ahash"
                ));
            };
            chosen.push(a);
        }
        if !chosen.contains(&Algorithm::Pdq) {
            return Err(
                "the algorithms must include pdq (the report's top level describes PDQ)".into(),
            );
        }
        Ok(Algorithm::ALL
            .into_iter()
            .filter(|a| chosen.contains(a))
            .collect())
    }

    fn baseline(self) -> Option<Baseline> {
        match self {
            Algorithm::Pdq => None,
            Algorithm::PHash => Some(Baseline::Dct),
            Algorithm::DHash => Some(Baseline::Difference),
            Algorithm::AHash => Some(Baseline::Average),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Up to 256 hash bits; 64-bit hashes use the first word only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Bits(pub [u64; 4]);

impl Bits {
    /// Hamming distance.
    pub fn distance(&self, other: &Bits) -> u32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a ^ b).count_ones())
            .sum()
    }

    fn from_pdq(hash: &kenmerk::Hash256) -> Bits {
        let bytes = hash.as_bytes();
        Bits(std::array::from_fn(|i| {
            u64::from_be_bytes(
                bytes[8 * i..8 * i + 8]
                    .try_into()
                    .unwrap_or_else(|_| unreachable!("8-byte slice")),
            )
        }))
    }

    fn from_u64(v: u64) -> Bits {
        Bits([v, 0, 0, 0])
    }
}

/// An image's hash under one algorithm and the hashes of its eight dihedral
/// variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fingerprint {
    /// The hash of the image as it is.
    pub plain: Bits,
    /// The hashes of the eight dihedral variants (Meta's order).
    pub variants: [Bits; 8],
    /// PDQ's quality (0..=100); `None` for the baselines.
    pub quality: Option<u8>,
}

impl Fingerprint {
    /// Distance from this image to a known original's hash.
    pub fn distance_to(&self, original: &Fingerprint) -> u32 {
        self.plain.distance(&original.plain)
    }

    /// Smallest distance from any dihedral variant of this image (or the
    /// image itself) to a known original's hash, as when a query is matched
    /// with all eight variants.
    pub fn dihedral_distance_to(&self, original: &Fingerprint) -> u32 {
        self.variants
            .iter()
            .map(|v| v.distance(&original.plain))
            .fold(self.distance_to(original), u32::min)
    }
}

/// Hashes images with a fixed set of algorithms; one per thread.
pub struct Fingerprinter {
    algorithms: Vec<Algorithm>,
    baselines: Vec<Baseline>,
    pdq: PdqHasher,
}

impl Fingerprinter {
    /// A fingerprinter for `algorithms`.
    pub fn new(algorithms: &[Algorithm]) -> Self {
        Fingerprinter {
            algorithms: algorithms.to_vec(),
            baselines: algorithms.iter().filter_map(|a| a.baseline()).collect(),
            pdq: PdqHasher::new(),
        }
    }

    /// One fingerprint per algorithm, in the order given to [`new`](Self::new).
    pub fn fingerprints(&mut self, img: &RgbImage) -> Vec<Fingerprint> {
        let mut baselines = baseline::hash_all(img, &self.baselines).into_iter();
        let pdq = &mut self.pdq;
        self.algorithms
            .iter()
            .map(|a| match a {
                Algorithm::Pdq => pdq_fingerprint(pdq, img),
                _ => {
                    let b = baselines
                        .next()
                        .unwrap_or_else(|| unreachable!("one baseline hash per baseline"));
                    Fingerprint {
                        plain: Bits::from_u64(b.plain),
                        variants: b.variants.map(Bits::from_u64),
                        quality: None,
                    }
                }
            })
            .collect()
    }
}

fn pdq_fingerprint(pdq: &mut PdqHasher, img: &RgbImage) -> Fingerprint {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let pixels = PixelBuffer::packed(img.as_raw(), w, h, PixelFormat::Rgb8)
        .unwrap_or_else(|_| unreachable!("an RgbImage buffer matches its dimensions"));
    let plain = pdq.hash(&pixels);
    let all = pdq.hash_dihedral(&pixels);
    Fingerprint {
        plain: Bits::from_pdq(&plain.hash),
        variants: all.hashes.map(|h| Bits::from_pdq(&h)),
        quality: Some(plain.quality),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_lists_need_pdq_and_reject_unknown_names() {
        assert_eq!(
            Algorithm::parse_list("ahash,pdq").unwrap(),
            vec![Algorithm::Pdq, Algorithm::AHash]
        );
        assert!(Algorithm::parse_list("phash").unwrap_err().contains("pdq"));
        assert!(
            Algorithm::parse_list("pdq,md5")
                .unwrap_err()
                .contains("md5")
        );
    }

    #[test]
    fn pdq_fingerprint_matches_kenmerks_hash_and_distance() {
        let img = RgbImage::from_fn(90, 70, |x, y| {
            image::Rgb([(x * 3) as u8, (y * 4) as u8, ((x ^ y) * 2) as u8])
        });
        let fp = Fingerprinter::new(&[Algorithm::Pdq]).fingerprints(&img);
        let pixels = PixelBuffer::packed(img.as_raw(), 90, 70, PixelFormat::Rgb8).unwrap();
        let expected = kenmerk::hash_pixels(&pixels);
        assert_eq!(fp[0].plain, Bits::from_pdq(&expected.hash));
        assert_eq!(fp[0].quality, Some(expected.quality));
        let flipped = image::imageops::flip_horizontal(&img);
        let other = Fingerprinter::new(&[Algorithm::Pdq]).fingerprints(&flipped);
        let d = Bits::from_pdq(&expected.hash).distance(&Bits::from_pdq(
            &kenmerk::hash_pixels(
                &PixelBuffer::packed(flipped.as_raw(), 90, 70, PixelFormat::Rgb8).unwrap(),
            )
            .hash,
        ));
        assert_eq!(other[0].distance_to(&fp[0]), d);
        assert!(other[0].dihedral_distance_to(&fp[0]) <= 2);
    }
}
