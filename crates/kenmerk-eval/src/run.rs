//! One evaluation run: decode every corpus image once, hash it and each of
//! its transformed copies with every algorithm, and count distances.
//!
//! Images are processed in parallel (rayon), each on one thread from decode
//! to distances; the per-image results are collected in corpus order and
//! only then added up, and every sum is of integers, so the result does not
//! depend on the number of threads or their timing.
//!
//! Related pairs: (transformed copy, original) for every image and
//! transformation; the copy is matched as it is and, for the dihedral
//! figures, with the best of its eight rotations and mirrors. Unrelated
//! pairs: every pair of distinct decoded images, except pairs in the same
//! scene group (counted apart); the dihedral figure takes the best variant
//! of the first image of the pair (in corpus order) against the second.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use kenmerk::{Error, Limits};
use rayon::prelude::*;

use crate::algorithm::{Algorithm, Fingerprint, Fingerprinter};
use crate::corpus;
use crate::metrics::Histogram;
use crate::transform::Transform;

/// PDQ thresholds reported when none are given.
pub const DEFAULT_THRESHOLDS: [u32; 11] = [0, 8, 16, 24, 31, 40, 50, 63, 70, 80, 90];

/// What to evaluate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory of corpus images (searched recursively).
    pub corpus: PathBuf,
    /// Transformations, in report order.
    pub transforms: Vec<Transform>,
    /// PDQ thresholds to report; 64-bit baselines use the same fraction of
    /// their bits (see [`crate::metrics::scale_threshold`]).
    pub thresholds: Vec<u32>,
    /// Algorithms; must include PDQ.
    pub algorithms: Vec<Algorithm>,
    /// Seed of the noise transformation.
    pub seed: u64,
    /// Longest side of an image after decoding (larger ones are shrunk
    /// first); 0 keeps every image at full size.
    pub max_side: u32,
    /// Optional manifest with scene groups (see [`corpus::scene_groups`]).
    pub scene_groups: Option<PathBuf>,
    /// Decoding limits.
    pub limits: Limits,
}

impl Config {
    /// Every transformation and algorithm, default thresholds, seed 0,
    /// images shrunk to at most 1024 pixels on the longer side.
    pub fn new(corpus: impl Into<PathBuf>) -> Config {
        Config {
            corpus: corpus.into(),
            transforms: Transform::ALL.to_vec(),
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
            algorithms: Algorithm::ALL.to_vec(),
            seed: 0,
            max_side: 1024,
            scene_groups: None,
            limits: Limits::default(),
        }
    }
}

/// A corpus file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Name relative to the corpus directory.
    pub file: String,
    /// The reason.
    pub reason: String,
}

/// Distances for one algorithm.
#[derive(Debug, Clone)]
pub struct AlgorithmResult {
    /// The algorithm.
    pub algorithm: Algorithm,
    /// Thresholds reported for it.
    pub thresholds: Vec<u32>,
    /// Distances between unrelated images.
    pub unrelated: Histogram,
    /// Best-variant distances between unrelated images.
    pub unrelated_dihedral: Histogram,
    /// Distances between unrelated images of the same scene group.
    pub same_scene: Histogram,
    /// Per transformation, in [`Config::transforms`] order.
    pub transforms: Vec<TransformResult>,
}

/// Distances between transformed copies and their originals.
#[derive(Debug, Clone)]
pub struct TransformResult {
    /// The transformation.
    pub transform: Transform,
    /// Copy as it is.
    pub related: Histogram,
    /// Best of the copy's dihedral variants.
    pub related_dihedral: Histogram,
}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// What was run.
    pub config: Config,
    /// Names of the images used, in corpus order.
    pub images: Vec<String>,
    /// Files that could not be used.
    pub failures: Vec<Failure>,
    /// Originals whose PDQ quality is below 50 (Meta's "do not match").
    pub low_quality_originals: Vec<String>,
    /// One entry per algorithm, PDQ first.
    pub results: Vec<AlgorithmResult>,
}

impl Evaluation {
    /// The result for `algorithm`, if it was run.
    pub fn result(&self, algorithm: Algorithm) -> Option<&AlgorithmResult> {
        self.results.iter().find(|r| r.algorithm == algorithm)
    }
}

/// Progress of a run: images done out of the total.
pub type ProgressFn<'a> = dyn Fn(usize, usize) + Sync + 'a;

/// Per image: fingerprints of the original, and per transformation the
/// distances (plain, dihedral) per algorithm.
struct ImageOutcome {
    original: Vec<Fingerprint>,
    distances: Vec<Vec<(u32, u32)>>,
}

/// The seed of the noise for one image.
fn noise_seed(seed: u64, name: &str, transform: &Transform) -> [u8; 32] {
    let mut h = blake3::Hasher::new_derive_key("kenmerk-eval noise v1");
    h.update(&seed.to_le_bytes());
    h.update(name.as_bytes());
    h.update(&[0]);
    h.update(transform.name().as_bytes());
    *h.finalize().as_bytes()
}

/// Runs the evaluation. Fails only if the corpus cannot be listed, the
/// scene-group manifest cannot be read or no image decodes; single bad
/// files are listed in [`Evaluation::failures`].
pub fn evaluate(config: &Config, progress: &ProgressFn<'_>) -> Result<Evaluation, Error> {
    let mut algorithms = config.algorithms.clone();
    algorithms.sort();
    algorithms.dedup();
    if algorithms.first() != Some(&Algorithm::Pdq) {
        return Err(Error::new(
            kenmerk::ErrorKind::InvalidInput,
            "the algorithms must include pdq",
        ));
    }
    let files = corpus::list(&config.corpus)?;
    let groups = match &config.scene_groups {
        Some(manifest) => corpus::scene_groups(manifest, &files)?,
        None => HashMap::new(),
    };
    let total = files.len();
    let done = AtomicUsize::new(0);
    let outcomes: Vec<Result<ImageOutcome, Error>> = files
        .par_iter()
        .map_init(
            || Fingerprinter::new(&algorithms),
            |fingerprinter, file| {
                let outcome = process(config, fingerprinter, file);
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                outcome
            },
        )
        .collect();

    let mut images = Vec::new();
    let mut failures = Vec::new();
    let mut kept = Vec::new();
    for (file, outcome) in files.iter().zip(outcomes) {
        match outcome {
            Ok(o) => {
                images.push(file.name.clone());
                kept.push(o);
            }
            Err(e) => failures.push(Failure {
                file: file.name.clone(),
                reason: e.reason().to_string(),
            }),
        }
    }
    if kept.is_empty() {
        return Err(Error::new(
            kenmerk::ErrorKind::InvalidInput,
            format!("no image in the corpus could be decoded ({total} files tried)"),
        )
        .with_path(&config.corpus));
    }
    let low_quality_originals = images
        .iter()
        .zip(&kept)
        .filter(|(_, o)| o.original[0].quality.is_some_and(|q| q < 50))
        .map(|(name, _)| name.clone())
        .collect();
    let scene: Vec<Option<&String>> = images.iter().map(|n| groups.get(n)).collect();
    let results = algorithms
        .iter()
        .enumerate()
        .map(|(a, &algorithm)| aggregate(config, algorithm, a, &kept, &scene))
        .collect();
    Ok(Evaluation {
        config: Config {
            algorithms,
            ..config.clone()
        },
        images,
        failures,
        low_quality_originals,
        results,
    })
}

fn process(
    config: &Config,
    fingerprinter: &mut Fingerprinter,
    file: &corpus::CorpusFile,
) -> Result<ImageOutcome, Error> {
    let image = corpus::load(&file.path, &config.limits, config.max_side)?;
    let original = fingerprinter.fingerprints(&image);
    let distances = config
        .transforms
        .iter()
        .map(|t| {
            let copy = t.apply(&image, noise_seed(config.seed, &file.name, t));
            fingerprinter
                .fingerprints(&copy)
                .iter()
                .zip(&original)
                .map(|(c, o)| (c.distance_to(o), c.dihedral_distance_to(o)))
                .collect()
        })
        .collect();
    Ok(ImageOutcome {
        original,
        distances,
    })
}

fn aggregate(
    config: &Config,
    algorithm: Algorithm,
    index: usize,
    kept: &[ImageOutcome],
    scene: &[Option<&String>],
) -> AlgorithmResult {
    let bits = algorithm.bits();
    let transforms = config
        .transforms
        .iter()
        .enumerate()
        .map(|(t, &transform)| {
            let mut related = Histogram::new(bits);
            let mut related_dihedral = Histogram::new(bits);
            for o in kept {
                let (plain, dihedral) = o.distances[t][index];
                related.add(plain);
                related_dihedral.add(dihedral);
            }
            TransformResult {
                transform,
                related,
                related_dihedral,
            }
        })
        .collect();
    let mut unrelated = Histogram::new(bits);
    let mut unrelated_dihedral = Histogram::new(bits);
    let mut same_scene = Histogram::new(bits);
    for (i, a) in kept.iter().enumerate() {
        for (j, b) in kept.iter().enumerate().skip(i + 1) {
            let (fa, fb) = (&a.original[index], &b.original[index]);
            if scene[i].is_some() && scene[i] == scene[j] {
                same_scene.add(fa.distance_to(fb));
                continue;
            }
            unrelated.add(fa.distance_to(fb));
            unrelated_dihedral.add(fa.dihedral_distance_to(fb));
        }
    }
    let mut thresholds: Vec<u32> = config
        .thresholds
        .iter()
        .map(|&t| crate::metrics::scale_threshold(t, bits).min(bits))
        .collect();
    thresholds.sort_unstable();
    thresholds.dedup();
    AlgorithmResult {
        algorithm,
        thresholds,
        unrelated,
        unrelated_dihedral,
        same_scene,
        transforms,
    }
}
