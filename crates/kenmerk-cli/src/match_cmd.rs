//! `kenmerk match`: hash image files and match them against an indicator
//! file, the provider's whole job in one command.
//!
//! Prints CSV `path,indicator,distance,quality` (or JSON lines with those
//! keys), one line per match, files in input order, matches by distance. Nothing is printed or kept for files
//! that match nothing (Art. 10(3)(b)): not their hashes, not their names.
//! Images whose quality is below 50 cannot be matched reliably; each is
//! named on stderr. A file that cannot be hashed is named on stderr with the
//! reason; the exit status is then 1.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use kenmerk::Hash256;
use kenmerk::index::MediaKind;
use kenmerk::pdq::QUALITY_THRESHOLD;

use crate::batch::{FileArgs, stdout_failed};
use crate::output::{Format, Hashed};
use crate::search_args::SearchArgs;
use crate::video_args::{VideoArgs, VideoMatchArgs};

/// Arguments of `kenmerk match`.
#[derive(clap::Args, Debug)]
pub(crate) struct MatchArgs {
    #[command(flatten)]
    search: SearchArgs,
    #[command(flatten)]
    files: FileArgs,
    /// Output format: CSV `path,indicator,distance,quality`, or one JSON object per match.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    #[command(flatten)]
    video: VideoArgs,
    #[command(flatten)]
    video_match: VideoMatchArgs,
}

pub(crate) fn run(args: MatchArgs) -> ExitCode {
    if args.video.video {
        let MatchArgs {
            search,
            files,
            format,
            video,
            video_match,
        } = &args;
        return crate::video_cmd::matching(files, video, video_match, search, *format);
    }
    let (index, pool) = match (args.search.open(), args.search.pool()) {
        (Ok(index), Ok(pool)) => (index, pool),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("kenmerk: {message}");
            return ExitCode::from(1);
        }
    };
    let view = index.view();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.format == Format::Csv
        && let Err(err) = writeln!(out, "path,indicator,distance,quality")
    {
        return stdout_failed(err);
    }
    let mut search_failed = None;
    let status = args
        .files
        .hash_all(&pool, args.search.dihedral, |hashed, progress| {
            // Matchable files of this chunk, with their query hashes.
            let mut files = Vec::new();
            let mut groups: Vec<Vec<Hash256>> = Vec::new();
            for (path, hashed) in hashed {
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
            let method = args.search.method.into();
            match pool.install(|| view.search_groups(&groups, args.search.radius, method)) {
                Ok(matches) => {
                    // Frames of video indicators count only when asked for.
                    let wanted = |position| {
                        args.video_match.image_matches_video_frames
                            || !view
                                .indicator(position)
                                .is_ok_and(|i| i.kind == MediaKind::Video)
                    };
                    for m in matches.iter().filter(|m| wanted(m.position)) {
                        let (path, quality) = &files[m.query];
                        match args.format {
                            Format::Csv => writeln!(
                                out,
                                "{},{},{},{quality}",
                                path.display(),
                                m.indicator,
                                m.distance
                            )?,
                            Format::Jsonl => {
                                let record = serde_json::json!({
                                    "path": path.to_string_lossy(),
                                    "indicator": m.indicator,
                                    "distance": m.distance,
                                    "quality": quality,
                                });
                                writeln!(out, "{record}")?;
                            }
                        }
                    }
                    out.flush()
                }
                Err(err) => {
                    search_failed = Some(format!("{}: {err}", args.search.db.display()));
                    Err(io::Error::other("search failed"))
                }
            }
        });
    if let Some(message) = search_failed {
        eprintln!("kenmerk: {message}");
        return ExitCode::from(1);
    }
    status
}
