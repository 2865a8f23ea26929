//! `kenmerk eval`: measured error rates on a corpus (recall per
//! transformation, false positives between unrelated images, with
//! confidence bounds), written as `report.json`, `report.md` and plots.
//! The work is done by the `kenmerk-eval` crate; this is argument parsing,
//! the progress bar and atomic writing of the outputs.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use kenmerk::index::write_atomic;
use kenmerk_eval::{Algorithm, Config, DEFAULT_THRESHOLDS, Transform};

use crate::batch;

/// Arguments of `kenmerk eval`.
#[derive(clap::Args, Debug)]
pub(crate) struct EvalArgs {
    /// Directory of distinct images (searched recursively).
    #[arg(long)]
    corpus: PathBuf,
    /// Directory for report.json, report.md and the plots (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Comma-separated transformations (default: all; an unknown name lists the valid ones).
    #[arg(long)]
    transforms: Option<String>,
    /// Comma-separated PDQ thresholds to report (64-bit baselines use the same share of
    /// their bits) [default: 0,8,16,24,31,40,50,63,70,80,90].
    #[arg(long)]
    thresholds: Option<String>,
    /// Seed of the random noise transformation.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Comma-separated algorithms; must include pdq.
    #[arg(long, default_value = "pdq,phash,dhash,ahash")]
    algorithms: String,
    /// Tab-separated manifest with `file` and `scene_group` columns: pairs of photos of the
    /// same scene are reported apart, not as unrelated.
    #[arg(long)]
    scene_groups: Option<PathBuf>,
    /// Shrink each image so that its longer side is at most this many pixels before
    /// transforming it (0: keep full size).
    #[arg(long, default_value_t = 1024)]
    max_side: u32,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
}

fn parse_thresholds(list: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match item.parse::<u32>() {
            Ok(t) if t <= 256 => out.push(t),
            _ => {
                return Err(format!(
                    "bad threshold {item:?}: expected whole numbers from 0 to 256"
                ));
            }
        }
    }
    if out.is_empty() {
        return Err("--thresholds lists no threshold".into());
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn config(args: &EvalArgs) -> Result<Config, String> {
    let mut config = Config::new(&args.corpus);
    if let Some(list) = &args.transforms {
        config.transforms = Transform::parse_list(list).map_err(|e| e.to_string())?;
    }
    config.thresholds = match &args.thresholds {
        Some(list) => parse_thresholds(list)?,
        None => DEFAULT_THRESHOLDS.to_vec(),
    };
    config.algorithms = Algorithm::parse_list(&args.algorithms)?;
    config.seed = args.seed;
    config.max_side = args.max_side;
    config.scene_groups = args.scene_groups.clone();
    Ok(config)
}

/// The command line as typed, for the report.
fn command_line() -> String {
    let quote = |a: String| {
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+".contains(c))
        {
            a
        } else {
            format!("'{}'", a.replace('\'', r"'\''"))
        }
    };
    std::iter::once("kenmerk".to_string())
        .chain(std::env::args().skip(1).map(quote))
        .collect::<Vec<_>>()
        .join(" ")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    write_atomic(&dir.join(name), bytes).map_err(|e| e.to_string())
}

/// Runs the command; returns the process exit status.
pub(crate) fn run(args: EvalArgs) -> ExitCode {
    let config = match config(&args) {
        Ok(c) => c,
        Err(message) => {
            eprintln!("kenmerk eval: {message}");
            return ExitCode::from(2);
        }
    };
    let pool = match batch::pool(args.threads) {
        Ok(pool) => pool,
        Err(message) => {
            eprintln!("kenmerk eval: {message}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!(
            "kenmerk eval: {}: cannot create the output directory: {e}",
            args.out.display()
        );
        return ExitCode::FAILURE;
    }
    let bar = if io::stderr().is_terminal() {
        let bar = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} images, ETA {eta}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let evaluation = pool.install(|| {
        kenmerk_eval::evaluate(&config, &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        })
    });
    bar.finish_and_clear();
    let evaluation = match evaluation {
        Ok(e) => e,
        Err(e) => {
            eprintln!("kenmerk eval: {e}");
            return ExitCode::FAILURE;
        }
    };
    let elapsed = started.elapsed();
    for f in &evaluation.failures {
        eprintln!(
            "kenmerk eval: {}: skipped: {}",
            config.corpus.join(&f.file).display(),
            f.reason
        );
    }
    let plots = match kenmerk_eval::plots(&evaluation) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kenmerk eval: cannot draw the plots: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut outputs = vec![
        (
            "report.json".to_string(),
            kenmerk_eval::report_json(&evaluation).into_bytes(),
        ),
        (
            "report.md".to_string(),
            kenmerk_eval::report_markdown(&evaluation, Some(&command_line())).into_bytes(),
        ),
    ];
    for p in plots {
        outputs.push((format!("{}.svg", p.name), p.svg.into_bytes()));
        outputs.push((format!("{}.png", p.name), p.png));
    }
    for (name, bytes) in &outputs {
        if let Err(e) = write(&args.out, name, bytes) {
            eprintln!("kenmerk eval: {e}");
            return ExitCode::FAILURE;
        }
    }
    let pairs = evaluation
        .results
        .first()
        .map_or(0, |r| r.unrelated.total());
    eprintln!(
        "kenmerk eval: {} images ({} skipped), {} transformations, {} algorithms, {} unrelated pairs in {:.1} s; report in {}",
        evaluation.images.len(),
        evaluation.failures.len(),
        config.transforms.len(),
        evaluation.results.len(),
        pairs,
        elapsed.as_secs_f64(),
        args.out.display()
    );
    ExitCode::SUCCESS
}
