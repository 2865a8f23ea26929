//! EXIF orientation: stored pixels by default (as Meta), rotated on request.
//!
//! `exif-rotn-6.jpg` in Meta's test data is stored landscape with orientation
//! 6 ("rotate 90 degrees clockwise to display"); `exif-rotn-1.jpg` is the
//! same scene with orientation 1 (nothing to do).

use std::path::PathBuf;

use kenmerk::pdq::Dihedral;
use kenmerk::{DecodeOptions, Orientation, hash_file, hash_file_dihedral};

fn exif_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("KENMERK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("testdata/threatexchange/pdq/data/reg-test-input/exif-rotn");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} not found", dir.display());
        None
    }
}

const APPLY: DecodeOptions = DecodeOptions {
    limits: kenmerk::Limits {
        max_width: 32_768,
        max_height: 32_768,
        max_pixels: 100_000_000,
        max_file_bytes: 64 << 20,
        max_decoder_alloc: 1 << 30,
    },
    orientation: Orientation::ApplyExif,
};

#[test]
fn applying_orientation_6_rotates_the_hash() {
    let Some(dir) = exif_dir() else { return };
    let file = dir.join("exif-rotn-6.jpg");
    let stored = hash_file_dihedral(&file, &DecodeOptions::default()).unwrap();
    let applied = hash_file(&file, &APPLY).unwrap();
    // Displaying rotates the stored image 90 degrees clockwise, which is
    // Meta's rot270 (its rotations are counter-clockwise).
    let d = applied.hash.distance(&stored.get(Dihedral::Rotate270));
    assert!(
        d <= 8,
        "applied hash is {d} bits from the stored image's rot270 variant"
    );
    assert!(applied.hash.distance(&stored.get(Dihedral::Original)) > 64);
}

#[test]
fn orientation_1_changes_nothing() {
    let Some(dir) = exif_dir() else { return };
    let file = dir.join("exif-rotn-1.jpg");
    let stored = hash_file(&file, &DecodeOptions::default()).unwrap();
    assert_eq!(hash_file(&file, &APPLY).unwrap(), stored);
}
