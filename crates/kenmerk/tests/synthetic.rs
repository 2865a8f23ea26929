//! Synthetic images the project generates itself (`testdata/synthetic/`,
//! made by `tools/reference/make_synthetic.py` from a fixed seed), with the
//! hashes Meta's C++ (`pdqhash` 0.2.8) gives on their decoded pixels
//! (`testdata/pdq-expected.csv`). They cover every decoder kenmerk uses (PNG
//! in all colour types, GIF, BMP, TIFF, lossless WebP) and awkward sizes
//! (5x5, 4x9, 1000x7, 7x1000, odd sizes), all lossless, so every bit must
//! agree, through the file API, the fast hasher and the plain reference.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::{dihedral, hash, parse_csv, workspace_root};
use kenmerk::pdq::{PdqHasher, reference};
use kenmerk::{DecodeOptions, Hash256, PdqHash, hash_file, hash_file_dihedral, hash_pixels};

/// One row of `testdata/pdq-expected.csv`.
struct Expected {
    /// Relative to `testdata/`.
    path: String,
    file: PathBuf,
    /// Meta's `pdqHash256FromFloatLuma` (single hash).
    hash: Hash256,
    quality: u8,
    /// Meta's `pdqDihedralHash256esFromFloatLuma`, in Meta's order.
    dihedral: [Hash256; 8],
}

impl Expected {
    /// Meta's single-hash function skips the blur for input of exactly 64x64
    /// pixels, its dihedral function does not; on images whose coefficients
    /// are all near zero the two then differ.
    fn single_differs_from_dihedral(&self) -> bool {
        self.hash != self.dihedral[0]
    }
}

fn testdata() -> PathBuf {
    workspace_root().join("testdata")
}

fn expected() -> Vec<Expected> {
    let csv = testdata().join("pdq-expected.csv");
    let text = std::fs::read_to_string(&csv).unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
    let rows = parse_csv(&text);
    assert_eq!(rows[0], ["path", "hash", "quality", "dihedral"], "header");
    rows[1..]
        .iter()
        .map(|row| {
            assert_eq!(row.len(), 4, "{row:?}");
            Expected {
                file: testdata().join(&row[0]),
                hash: hash(&row[1], &row[0]),
                quality: row[2].parse().expect("quality is a number"),
                dihedral: dihedral(&row[3], &row[0]),
                path: row[0].clone(),
            }
        })
        .collect()
}

#[test]
fn table_lists_every_file_and_every_format() {
    let rows = expected();
    let listed: BTreeSet<String> = rows.iter().map(|r| r.path.clone()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(testdata().join("synthetic"))
        .expect("testdata/synthetic exists")
        .map(|e| {
            format!(
                "synthetic/{}",
                e.expect("readable entry").file_name().to_string_lossy()
            )
        })
        .collect();
    assert_eq!(
        listed, on_disk,
        "pdq-expected.csv and testdata/synthetic differ"
    );
    for ext in ["png", "gif", "bmp", "tiff", "webp"] {
        assert!(
            rows.iter().any(|r| r.path.ends_with(&format!(".{ext}"))),
            "no .{ext} file"
        );
    }
    // Too small to hash: Meta returns the zero hash with quality 0.
    for small in [
        "synthetic/png-rgb-noise-4x9.png",
        "synthetic/png-rgb-noise-9x4.png",
    ] {
        let row = rows.iter().find(|r| r.path == small).expect("listed");
        assert_eq!((row.hash, row.quality), (Hash256::ZERO, 0), "{small}");
        assert_eq!(row.dihedral, [Hash256::ZERO; 8], "{small}");
    }
}

#[test]
fn files_hash_as_meta() {
    let opts = DecodeOptions::default();
    let mut failures = Vec::new();
    let rows = expected();
    for row in &rows {
        let got =
            hash_file_dihedral(&row.file, &opts).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        if (got.hashes, got.quality) != (row.dihedral, row.quality) {
            failures.push(format!(
                "{}: dihedral distances {:?}, quality {} (expected {})",
                row.path,
                std::array::from_fn::<u32, 8, _>(|i| got.hashes[i].distance(&row.dihedral[i])),
                got.quality,
                row.quality
            ));
        }
        let single = hash_file(&row.file, &opts).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        if (single.hash, single.quality) != (row.hash, row.quality) {
            failures.push(format!(
                "{}: hash {} q{} (expected {} q{})",
                row.path, single.hash, single.quality, row.hash, row.quality
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    println!("{} synthetic files hash exactly as Meta's C++", rows.len());
}

/// The fast path (with every backend this CPU has) and the plain reference
/// agree with each other and with Meta on the same decoded pixels.
#[test]
fn fast_path_and_reference_agree_on_decoded_pixels() {
    let opts = DecodeOptions::default();
    for row in expected() {
        let bytes = std::fs::read(&row.file).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        let image =
            kenmerk::decode::decode(&bytes, &opts).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        let pixels = image.pixels();

        let (oracle_hashes, oracle_quality) = reference::hash_dihedral(&pixels);
        assert_eq!(
            (oracle_hashes, oracle_quality),
            (row.dihedral, row.quality),
            "{}: reference::hash_dihedral",
            row.path
        );
        // The single hash equals Meta's (which for 64x64 input skips the
        // blur and may then differ from the dihedral original).
        let oracle = reference::hash(&pixels);
        assert_eq!(
            (oracle.hash, oracle.quality),
            (row.hash, row.quality),
            "{}: reference::hash",
            row.path
        );

        let mut hasher = PdqHasher::new();
        let fast = hasher.hash_dihedral(&pixels);
        assert_eq!(
            (fast.hashes, fast.quality),
            (oracle_hashes, oracle_quality),
            "{}: PdqHasher::hash_dihedral ({:?})",
            row.path,
            hasher.backend()
        );
        let single: PdqHash = hasher.hash(&pixels);
        assert_eq!(single, oracle, "{}: PdqHasher::hash", row.path);
        assert_eq!(hash_pixels(&pixels), oracle, "{}: hash_pixels", row.path);
    }
}

/// Meta's `pdqHash256FromFloatLuma` (what python-threatexchange and HMA
/// call) copies a 64x64 luma plane straight into the 64x64 buffer, while
/// `pdqDihedralHash256esFromFloatLuma` and kenmerk always run the tent
/// filter, whose window there is 1 pixel: the same values up to float
/// rounding in the running sums. On natural images that rounding never
/// reaches a hash bit; on an image whose DCT coefficients are all near zero
/// (a smooth gradient) it decides half of them.
#[test]
fn single_hash_of_64x64_input_skips_the_blur() {
    let opts = DecodeOptions::default();
    let rows: Vec<Expected> = expected()
        .into_iter()
        .filter(Expected::single_differs_from_dihedral)
        .collect();
    assert!(!rows.is_empty());
    for row in rows {
        let single = hash_file(&row.file, &opts).unwrap_or_else(|e| panic!("{}: {e}", row.path));
        assert_eq!(
            (single.hash, single.quality),
            (row.hash, row.quality),
            "{}: {} bits off",
            row.path,
            single.hash.distance(&row.hash)
        );
    }
}
