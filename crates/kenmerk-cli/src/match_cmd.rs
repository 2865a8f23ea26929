//! `kenmerk match`: hash image files and match them against an indicator
//! file, the provider's whole job in one command.
//!
//! Prints CSV `path,indicator,distance,quality`, one line per match, files in
//! input order, matches by distance. Nothing is printed or kept for files
//! that match nothing (Art. 10(3)(b)): not their hashes, not their names.
//! Images whose quality is below 50 cannot be matched reliably; each is
//! named on stderr. A file that cannot be hashed is named on stderr with the
//! reason; the exit status is then 1.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use kenmerk::pdq::QUALITY_THRESHOLD;
use kenmerk::{DecodeOptions, Hash256, Limits, Orientation};
use rayon::prelude::*;

use crate::hash_cmd::{CHUNK, hash_one, progress_bar, stdout_failed};
use crate::inputs;
use crate::output::Hashed;
use crate::search_args::SearchArgs;

/// Arguments of `kenmerk match`.
#[derive(clap::Args, Debug)]
pub(crate) struct MatchArgs {
    #[command(flatten)]
    search: SearchArgs,
    /// Image files, or directories to search recursively.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Rotate or mirror as the EXIF orientation tag says before hashing.
    #[arg(long)]
    apply_exif: bool,
    /// In directories, try every file, not only those with an image extension.
    #[arg(long)]
    all_files: bool,
}

pub(crate) fn run(args: MatchArgs) -> ExitCode {
    let (index, pool) = match (args.search.open(), args.search.pool()) {
        (Ok(index), Ok(pool)) => (index, pool),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("kenmerk: {message}");
            return ExitCode::from(1);
        }
    };
    let view = index.view();
    let options = DecodeOptions {
        limits: Limits::default(),
        orientation: if args.apply_exif {
            Orientation::ApplyExif
        } else {
            Orientation::Stored
        },
    };
    let inputs = inputs::expand(&args.paths, args.all_files);
    let progress = progress_bar(inputs.len());
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if let Err(err) = writeln!(out, "path,indicator,distance,quality") {
        return stdout_failed(err);
    }
    let mut failed = 0usize;
    for chunk in inputs.chunks(CHUNK) {
        let hashed: Vec<_> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input| {
                    let r = hash_one(input, &options, args.search.dihedral);
                    progress.inc(1);
                    r
                })
                .collect()
        });
        // Matchable files of this chunk, with their query hashes.
        let mut files = Vec::new();
        let mut groups: Vec<Vec<Hash256>> = Vec::new();
        for result in hashed {
            match result {
                Err(message) => {
                    failed += 1;
                    progress.suspend(|| eprintln!("kenmerk: {message}"));
                }
                Ok((path, hashed)) => {
                    let (quality, group) = match &hashed {
                        Hashed::Plain(h) => (h.quality, vec![h.hash]),
                        Hashed::Dihedral(d) => (d.quality, d.hashes.to_vec()),
                    };
                    if quality < QUALITY_THRESHOLD {
                        progress.suspend(|| {
                            eprintln!(
                                "kenmerk: {}: quality {quality} is below {QUALITY_THRESHOLD}, not matched",
                                path.display()
                            )
                        });
                        continue;
                    }
                    files.push((path, quality));
                    groups.push(group);
                }
            }
        }
        let matches = match pool
            .install(|| view.search_groups(&groups, args.search.radius, args.search.method.into()))
        {
            Ok(m) => m,
            Err(err) => {
                eprintln!("kenmerk: {}: {err}", args.search.db.display());
                return ExitCode::from(1);
            }
        };
        for m in &matches {
            let (path, quality) = &files[m.query];
            if let Err(err) = writeln!(
                out,
                "{},{},{},{quality}",
                path.display(),
                m.indicator,
                m.distance
            ) {
                return stdout_failed(err);
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
