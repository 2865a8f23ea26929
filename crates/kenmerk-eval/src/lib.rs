//! kenmerk-eval: measured error rates of perceptual hashing, with honest
//! confidence bounds.
//!
//! Given a corpus of distinct images, a run decodes each image once,
//! applies every [`Transform`] in memory and hashes original and copy with
//! PDQ and the 64-bit baselines pHash, dHash and aHash. It reports, per
//! algorithm and threshold:
//!
//! - **recall** per transformation (how often an edited copy still matches
//!   its original), with and without matching the eight dihedral variants,
//!   with 95% Clopper–Pearson intervals;
//! - **false positives** over every unrelated pair of corpus images (count,
//!   rate, one-sided 95% upper bound, which for zero counts is about 3/N);
//! - the **equal-error threshold**, distance **histograms**, and a fitted
//!   **tail model** that extrapolates the false-positive rate below what the
//!   corpus can show (labelled as a model).
//!
//! Results are deterministic for a given corpus, options and seed:
//! [`report_json`] gives the same bytes on every run.
//!
//! ```no_run
//! use kenmerk_eval::{Config, evaluate, report_json};
//!
//! let config = Config::new("corpus/photos");
//! let evaluation = evaluate(&config, &|done, total| eprintln!("{done}/{total}"))?;
//! std::fs::write("report.json", report_json(&evaluation))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod algorithm;
mod baseline;
pub mod corpus;
pub mod markdown;
pub mod metrics;
mod ops;
pub mod plots;
pub mod report;
mod run;
pub mod stats;
mod transform;

pub use algorithm::{Algorithm, Bits, Fingerprint, Fingerprinter};
pub use markdown::report_markdown;
pub use plots::{Plot, plots};
pub use report::report_json;
pub use run::{
    AlgorithmResult, Config, DEFAULT_THRESHOLDS, Evaluation, Failure, ProgressFn, TransformResult,
    evaluate,
};
pub use transform::{NOISE_SIGMA, Transform, UnknownTransform};
