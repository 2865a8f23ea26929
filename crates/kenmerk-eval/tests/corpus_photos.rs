//! The harness on real photos from `../shared/corpus/photos`, read in place:
//! the figures for edits whose effect on PDQ is well known must come out
//! (re-encoding found, mirror found only with the dihedral variants, 20%
//! padding missed), and every unrelated pair must be counted.

use std::path::PathBuf;

use kenmerk_eval::{Algorithm, Config, Transform, evaluate};

/// `$KENMERK_SHARED`, or `../shared` beside the workspace; `None` (after
/// saying so) when absent. CI fails separately if it is missing.
fn photos() -> Option<PathBuf> {
    let shared = std::env::var_os("KENMERK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let dir = shared.join("corpus/photos");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: {} not found", dir.display());
        None
    }
}

#[test]
fn known_effects_of_edits_on_pdq() {
    let Some(photos) = photos() else { return };
    // A dozen photos, linked into a scratch corpus (read in place, not copied).
    let corpus = tempfile::tempdir().unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&photos)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in names.iter().step_by(names.len() / 12).take(12) {
        std::os::unix::fs::symlink(photos.join(name), corpus.path().join(name)).unwrap();
    }
    let mut config = Config::new(corpus.path());
    config.transforms = ["jpeg50", "mirror", "pad20"]
        .iter()
        .map(|n| Transform::parse(n).unwrap())
        .collect();
    config.algorithms = vec![Algorithm::Pdq];
    config.max_side = 512;
    let eval = evaluate(&config, &|_, _| {}).unwrap();
    assert_eq!(eval.images.len(), 12, "{:?}", eval.failures);
    let pdq = eval.result(Algorithm::Pdq).unwrap();
    assert_eq!(pdq.unrelated.total(), 66);
    // Unrelated photos are far apart (the corpus README: minimum 90).
    assert_eq!(pdq.unrelated.at_most(31), 0);
    let recall = |i: usize, dihedral: bool| {
        let t = &pdq.transforms[i];
        let h = if dihedral {
            &t.related_dihedral
        } else {
            &t.related
        };
        h.proportion_at_most(31).rate
    };
    assert!(
        recall(0, false) >= 11.0 / 12.0,
        "jpeg50 {}",
        recall(0, false)
    );
    assert_eq!(recall(1, false), 0.0, "mirror without dihedral");
    assert!(
        recall(1, true) >= 11.0 / 12.0,
        "mirror with dihedral {}",
        recall(1, true)
    );
    assert!(recall(2, false) <= 1.0 / 12.0, "pad20 {}", recall(2, false));
}
