//! `kenmerk hash --video` and `kenmerk match --video`.
//!
//! Videos are hashed one per worker thread (each decoded on one thread), in
//! chunks whose results are handed on in input order. `hash` prints Meta's
//! vPDQ lines, with a `# path` line before each file when several are
//! given, or one JSON object per frame. `match` scans each video's frame
//! hashes against the indicator file as one batch and prints
//! `path,indicator,query_matched,indicator_matched` for the video
//! indicators that match by the vPDQ rule; nothing is printed or kept for
//! videos that match nothing. A file that cannot be hashed is named on
//! stderr with the reason, the others are still processed, and the exit
//! status is then 1.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kenmerk::video::{self, VideoHash, VideoOptions};
use rayon::prelude::*;

use crate::batch::{FileArgs, stdout_failed};
use crate::inputs::{self, Input};
use crate::output::Format;
use crate::search_args::SearchArgs;
use crate::video_args::{VideoArgs, VideoMatchArgs};

/// Extensions of video files taken from directories.
const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "3gp", "3g2", "mkv", "webm", "avi", "flv", "ts", "mts", "m2ts", "mpg",
    "mpeg", "ogv", "wmv", "asf",
];

/// Videos hashed before their results are handed on.
const CHUNK: usize = 16;

/// `kenmerk hash --video`.
pub(crate) fn hash(
    files: &FileArgs,
    args: &VideoArgs,
    format: Format,
    pool: &rayon::ThreadPool,
) -> ExitCode {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let several = inputs::expand_with(files.paths(), files.all_files(), VIDEO_EXTENSIONS).len() > 1;
    for_each_video(files, args, pool, |path, hashed| {
        if several && format == Format::Csv {
            writeln!(out, "# {}", path.display())?;
        }
        for frame in &hashed.frames {
            match format {
                Format::Csv => writeln!(out, "{}", video::format_line(frame))?,
                Format::Jsonl => {
                    let record = serde_json::json!({
                        "path": path.to_string_lossy(),
                        "frame": frame.frame,
                        "quality": frame.quality,
                        "hash": frame.hash.to_string(),
                        "timestamp": (frame.timestamp * 1000.0).round() / 1000.0,
                    });
                    writeln!(out, "{record}")?;
                }
            }
        }
        out.flush()
    })
}

/// `kenmerk match --video`.
pub(crate) fn matching(
    files: &FileArgs,
    args: &VideoArgs,
    thresholds: &VideoMatchArgs,
    search: &SearchArgs,
    format: Format,
) -> ExitCode {
    let (index, pool) = match (search.open(), search.pool()) {
        (Ok(index), Ok(pool)) => (index, pool),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("kenmerk: {message}");
            return ExitCode::from(1);
        }
    };
    let view = index.view();
    let params = thresholds.params(search.radius);
    let catalog = match video::matching::VideoCatalog::new(&view, params.quality) {
        Ok(catalog) => catalog,
        Err(err) => {
            eprintln!("kenmerk: {}: {err}", search.db.display());
            return ExitCode::from(1);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if format == Format::Csv
        && let Err(err) = writeln!(out, "path,indicator,query_matched,indicator_matched")
    {
        return stdout_failed(err);
    }
    let method = search.method.into();
    let mut search_failed = None;
    let status = for_each_video(files, args, &pool, |path, hashed| {
        let found = match pool.install(|| {
            video::matching::search_videos(&view, &catalog, &hashed.frames, &params, method)
        }) {
            Ok(found) => found,
            Err(err) => {
                search_failed = Some(format!("{}: {err}", search.db.display()));
                return Err(io::Error::other("search failed"));
            }
        };
        if video::matching::usable_hashes(&hashed.frames, params.quality).is_empty() {
            eprintln!(
                "kenmerk: {}: no frame has quality {} or more, not matched",
                path.display(),
                params.quality
            );
        }
        for m in found.iter().filter(|m| m.shares.is_match) {
            let (q, i) = (m.shares.query_matched, m.shares.indicator_matched);
            match format {
                Format::Csv => writeln!(out, "{},{},{q:.2},{i:.2}", path.display(), m.indicator)?,
                Format::Jsonl => {
                    let record = serde_json::json!({
                        "path": path.to_string_lossy(),
                        "indicator": m.indicator,
                        "query_matched": q,
                        "indicator_matched": i,
                    });
                    writeln!(out, "{record}")?;
                }
            }
        }
        out.flush()
    });
    if let Some(message) = search_failed {
        eprintln!("kenmerk: {message}");
        return ExitCode::from(1);
    }
    status
}

/// Hashes every video on `pool` and calls `handle` with each success, in
/// input order. Returns the exit status.
fn for_each_video(
    files: &FileArgs,
    args: &VideoArgs,
    pool: &rayon::ThreadPool,
    mut handle: impl FnMut(&Path, &VideoHash) -> io::Result<()>,
) -> ExitCode {
    let options = match args.options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("kenmerk: {message}");
            return ExitCode::from(2);
        }
    };
    let inputs = inputs::expand_with(files.paths(), files.all_files(), VIDEO_EXTENSIONS);
    let mut failed = 0usize;
    for chunk in inputs.chunks(CHUNK) {
        let results: Vec<_> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input| hash_one(input, &options))
                .collect()
        });
        for result in results {
            match result {
                Ok((path, hashed)) => {
                    if let Err(err) = handle(&path, &hashed) {
                        return stdout_failed(err);
                    }
                }
                Err(message) => {
                    failed += 1;
                    eprintln!("kenmerk: {message}");
                }
            }
        }
    }
    if failed > 0 {
        eprintln!(
            "kenmerk: {failed} of {} videos could not be hashed",
            inputs.len()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Hashes one input; the error is a full "path: reason" message.
fn hash_one(input: &Input, options: &VideoOptions) -> Result<(PathBuf, VideoHash), String> {
    match input {
        Input::Unreadable { path, reason } => Err(format!("{}: {reason}", path.display())),
        Input::File(path) => hash_file(path, options).map(|h| (path.clone(), h)),
    }
}

#[cfg(feature = "video")]
fn hash_file(path: &Path, options: &VideoOptions) -> Result<VideoHash, String> {
    video::hash_video_file(path, options).map_err(|e| e.to_string())
}

#[cfg(not(feature = "video"))]
fn hash_file(path: &Path, _options: &VideoOptions) -> Result<VideoHash, String> {
    Err(format!(
        "{}: this kenmerk was built without video support (cargo feature `video`)",
        path.display()
    ))
}
