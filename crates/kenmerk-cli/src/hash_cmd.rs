//! `kenmerk hash`: PDQ hashes of many files, in parallel, in input order.
//!
//! Files are hashed in chunks on a rayon pool; each chunk's results are
//! printed in input order before the next chunk starts, so memory stays flat
//! on huge batches. A file that cannot be hashed gets one line on stderr
//! (path and reason) and the batch goes on; the exit status is 1 if any file
//! failed.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use kenmerk::{DecodeOptions, Limits, Orientation};
use rayon::prelude::*;

use crate::inputs::{self, Input};
use crate::output::{self, Format, Hashed};

/// Files hashed before their results are printed.
pub(crate) const CHUNK: usize = 1024;

/// Batches at least this large get a progress bar (on a terminal).
const PROGRESS_MIN_FILES: usize = 200;

/// Arguments of `kenmerk hash`.
#[derive(clap::Args, Debug)]
pub(crate) struct HashArgs {
    /// Image files, or directories to search recursively.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Add the hashes of the 8 rotations and mirrors (Meta's order: orig, rot90, rot180,
    /// rot270, flipx, flipy, flipplus1, flipminus1), joined by '|', as a fourth CSV field.
    #[arg(long)]
    dihedral: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Rotate or mirror as the EXIF orientation tag says before hashing (default: hash the
    /// stored pixels, as Meta's tools do).
    #[arg(long)]
    apply_exif: bool,
    /// In directories, try every file, not only those with an image extension.
    #[arg(long)]
    all_files: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Refuse images with more pixels than this (checked before decoding).
    #[arg(long, default_value_t = Limits::default().max_pixels)]
    max_pixels: u64,
    /// Refuse files larger than this many bytes (checked before reading).
    #[arg(long, default_value_t = Limits::default().max_file_bytes)]
    max_file_bytes: u64,
}

/// Runs the command; returns the process exit status.
pub(crate) fn run(args: HashArgs) -> ExitCode {
    let options = DecodeOptions {
        limits: Limits {
            max_pixels: args.max_pixels,
            max_file_bytes: args.max_file_bytes,
            ..Limits::default()
        },
        orientation: if args.apply_exif {
            Orientation::ApplyExif
        } else {
            Orientation::Stored
        },
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
    {
        Ok(pool) => pool,
        Err(err) => {
            eprintln!("kenmerk: cannot start worker threads: {err}");
            return ExitCode::from(2);
        }
    };
    let inputs = inputs::expand(&args.paths, args.all_files);
    let progress = progress_bar(inputs.len());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;

    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<_> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input| {
                    let result = hash_one(input, &options, args.dihedral);
                    progress.inc(1);
                    result
                })
                .collect()
        });
        for result in results {
            match result {
                Ok((path, hashed)) => {
                    if let Err(err) = output::write_record(&mut out, args.format, &path, &hashed) {
                        return stdout_failed(err);
                    }
                }
                Err(message) => {
                    failed += 1;
                    progress.suspend(|| eprintln!("kenmerk: {message}"));
                }
            }
        }
        if let Err(err) = out.flush() {
            return stdout_failed(err);
        }
    }
    progress.finish_and_clear();
    if failed > 0 {
        eprintln!(
            "kenmerk: {failed} of {} files could not be hashed",
            inputs.len()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Hashes one input; the error is a full "path: reason" message.
pub(crate) fn hash_one(
    input: &Input,
    options: &DecodeOptions,
    dihedral: bool,
) -> Result<(PathBuf, Hashed), String> {
    match input {
        Input::Unreadable { path, reason } => Err(format!("{}: {reason}", path.display())),
        Input::File(path) => {
            let hashed = if dihedral {
                kenmerk::hash_file_dihedral(path, options).map(|d| Hashed::Dihedral(Box::new(d)))
            } else {
                kenmerk::hash_file(path, options).map(Hashed::Plain)
            };
            hashed.map(|h| (path.clone(), h)).map_err(|e| e.to_string())
        }
    }
}

pub(crate) fn progress_bar(files: usize) -> ProgressBar {
    if files < PROGRESS_MIN_FILES || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(files as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files, {per_sec}, ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// Writing to stdout failed: a closed pipe (`kenmerk hash ... | head`) ends
/// the run quietly; anything else is an error.
pub(crate) fn stdout_failed(err: io::Error) -> ExitCode {
    if err.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    eprintln!("kenmerk: cannot write the output: {err}");
    ExitCode::from(1)
}
