//! `kenmerk hash`: PDQ hashes of many files, in parallel, in input order,
//! as Meta's CSV or as JSON lines.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use crate::batch::{self, FileArgs};
use crate::output::{self, Format};
use crate::video_args::VideoArgs;

/// Arguments of `kenmerk hash`.
#[derive(clap::Args, Debug)]
pub(crate) struct HashArgs {
    #[command(flatten)]
    files: FileArgs,
    /// Add the hashes of the 8 rotations and mirrors (Meta's order: orig, rot90, rot180,
    /// rot270, flipx, flipy, flipplus1, flipminus1), joined by '|', as a fourth CSV field.
    #[arg(long, conflicts_with = "video")]
    dihedral: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    format: Format,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    #[command(flatten)]
    video: VideoArgs,
}

/// Runs the command; returns the process exit status.
pub(crate) fn run(args: HashArgs) -> ExitCode {
    let pool = match batch::pool(args.threads) {
        Ok(pool) => pool,
        Err(message) => {
            eprintln!("kenmerk: {message}");
            return ExitCode::from(2);
        }
    };
    if args.video.video {
        return crate::video_cmd::hash(&args.files, &args.video, args.format, &pool);
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    args.files.hash_all(&pool, args.dihedral, |hashed, _| {
        for (path, h) in &hashed {
            output::write_record(&mut out, args.format, path, h)?;
        }
        out.flush()
    })
}
