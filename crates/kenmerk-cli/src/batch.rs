//! Hashing many files for `hash` and `match`: the file arguments they share
//! and the driver that hashes in parallel and hands results on in order.
//!
//! Files are hashed in chunks on a rayon pool; each chunk's results are
//! handed to the command in input order before the next chunk starts, so
//! memory stays flat on huge batches. A file that cannot be hashed gets one
//! line on stderr (path and reason) and the batch goes on; the exit status
//! is 1 if any file failed.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};
use kenmerk::{DecodeOptions, Limits, Orientation};
use rayon::prelude::*;

use crate::inputs::{self, Input};
use crate::output::Hashed;

/// Files hashed before their results are handed on.
const CHUNK: usize = 1024;

/// Batches at least this large get a progress bar (on a terminal).
const PROGRESS_MIN_FILES: usize = 200;

/// The files to hash and how to decode them.
#[derive(clap::Args, Debug)]
pub(crate) struct FileArgs {
    /// Image files, or directories to search recursively.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Rotate or mirror as the EXIF orientation tag says before hashing (default: hash the
    /// stored pixels, as Meta's tools do).
    #[arg(long)]
    apply_exif: bool,
    /// In directories, try every file, not only those with an image extension.
    #[arg(long)]
    all_files: bool,
    /// Refuse images with more pixels than this (checked before decoding).
    #[arg(long, default_value_t = Limits::default().max_pixels)]
    max_pixels: u64,
    /// Refuse files larger than this many bytes (checked before reading).
    #[arg(long, default_value_t = Limits::default().max_file_bytes)]
    max_file_bytes: u64,
}

impl FileArgs {
    /// The paths as given on the command line.
    pub(crate) fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    /// Whether directories are searched for every file.
    pub(crate) fn all_files(&self) -> bool {
        self.all_files
    }

    fn decode_options(&self) -> DecodeOptions {
        DecodeOptions {
            limits: Limits {
                max_pixels: self.max_pixels,
                max_file_bytes: self.max_file_bytes,
                ..Limits::default()
            },
            orientation: if self.apply_exif {
                Orientation::ApplyExif
            } else {
                Orientation::Stored
            },
        }
    }

    /// Hashes every file on `pool` and calls `handle` with each chunk's
    /// successes, in input order. Returns the exit status.
    pub(crate) fn hash_all(
        &self,
        pool: &rayon::ThreadPool,
        dihedral: bool,
        mut handle: impl FnMut(Vec<(PathBuf, Hashed)>, &ProgressBar) -> io::Result<()>,
    ) -> ExitCode {
        let options = self.decode_options();
        let inputs = inputs::expand(&self.paths, self.all_files);
        let progress = progress_bar(inputs.len());
        let mut failed = 0usize;
        for chunk in inputs.chunks(CHUNK) {
            let results: Vec<_> = pool.install(|| {
                chunk
                    .par_iter()
                    .map(|input| {
                        let result = hash_one(input, &options, dihedral);
                        progress.inc(1);
                        result
                    })
                    .collect()
            });
            let mut hashed = Vec::with_capacity(results.len());
            for result in results {
                match result {
                    Ok(item) => hashed.push(item),
                    Err(message) => {
                        failed += 1;
                        progress.suspend(|| eprintln!("kenmerk: {message}"));
                    }
                }
            }
            if let Err(err) = handle(hashed, &progress) {
                progress.finish_and_clear();
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
}

/// Hashes one input; the error is a full "path: reason" message.
fn hash_one(
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

/// A rayon pool of `threads` workers (0: one per core).
pub(crate) fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool, String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))
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
