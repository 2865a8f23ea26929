//! The Centre's commands: `db build`, `db remove`, `db diff`, `db apply`,
//! `db issue`, `db records verify` and `keygen`. Each is a thin layer over
//! `kenmerk-build`; messages name the file and the reason.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use indicatif::ProgressBar;
use kenmerk::index::{self, IssueRequest};
use kenmerk::video::VideoLimits;
use kenmerk::{DecodeOptions, Limits};
use kenmerk_build::build::{self, BuildError, BuildOptions, Progress};
use kenmerk_build::records::Chain;
use kenmerk_build::{check, dates, delta, issue, keys::SecretKey};

/// Arguments of `kenmerk db build`.
#[derive(clap::Args, Debug)]
pub(crate) struct BuildArgs {
    /// Submissions manifest: CSV with header
    /// `submission_id,authority,member_state,decided_on,media_kind,path`, or JSON lines with
    /// those keys. Paths are relative to the manifest's folder. `media_kind` is `image` or
    /// `video` (vPDQ, one frame per second).
    #[arg(long)]
    submissions: PathBuf,
    /// The indicator file to write.
    #[arg(long)]
    out: PathBuf,
    /// The records (created if absent; appended to, hash-chained).
    #[arg(long)]
    records: PathBuf,
    /// The latest version, to add to (required once the records exist).
    #[arg(long)]
    base: Option<PathBuf>,
    /// Leave out the multi-index tables.
    #[arg(long)]
    no_mih: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// Refuse images with more pixels than this (checked before decoding).
    #[arg(long, default_value_t = Limits::default().max_pixels)]
    max_pixels: u64,
    /// Refuse videos declaring a longer duration, in seconds (checked before decoding).
    #[arg(long, default_value_t = VideoLimits::default().max_duration_secs)]
    max_duration: u64,
}

/// Arguments of `kenmerk db remove`.
#[derive(clap::Args, Debug)]
pub(crate) struct RemoveArgs {
    /// The latest version.
    #[arg(long)]
    db: PathBuf,
    /// Id of the indicator to remove.
    #[arg(long)]
    indicator: u64,
    /// Why (recorded).
    #[arg(long)]
    reason: String,
    /// The next version to write.
    #[arg(long)]
    out: PathBuf,
    /// The records.
    #[arg(long)]
    records: PathBuf,
}

/// Arguments of `kenmerk db diff`.
#[derive(clap::Args, Debug)]
pub(crate) struct DiffArgs {
    /// The version providers have.
    old: PathBuf,
    /// The version to bring them to.
    new: PathBuf,
    /// The delta file to write.
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `kenmerk db apply`.
#[derive(clap::Args, Debug)]
pub(crate) struct ApplyArgs {
    /// The version the delta was made from.
    #[arg(long)]
    db: PathBuf,
    /// The delta file.
    #[arg(long)]
    delta: PathBuf,
    /// The new version to write.
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `kenmerk db issue`.
#[derive(clap::Args, Debug)]
pub(crate) struct IssueArgs {
    /// The release to issue.
    #[arg(long)]
    db: PathBuf,
    /// The provider (and detection order) the copy is for.
    #[arg(long)]
    to: String,
    /// First day of validity (YYYY-MM-DD, from 00:00:00 UTC) or an RFC 3339 time.
    #[arg(long)]
    valid_from: String,
    /// Last day of validity (YYYY-MM-DD, to 23:59:59 UTC) or an RFC 3339 time.
    #[arg(long)]
    valid_until: String,
    /// The secret key (NAME.key from `kenmerk keygen`).
    #[arg(long)]
    key: PathBuf,
    /// The signed copy to write.
    #[arg(long)]
    out: PathBuf,
    /// The records, to record the issue in (recommended).
    #[arg(long)]
    records: Option<PathBuf>,
}

/// `kenmerk db records ...`.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum RecordsCommand {
    /// Check the hash chain of the records, and optionally a file against them.
    Verify {
        /// The records.
        #[arg(long)]
        records: PathBuf,
        /// An indicator file: check it holds exactly what the records say at its chain head.
        #[arg(long)]
        db: Option<PathBuf>,
    },
}

/// Arguments of `kenmerk keygen`.
#[derive(clap::Args, Debug)]
pub(crate) struct KeygenArgs {
    /// Writes NAME.key (readable by the owner only) and NAME.pub.
    #[arg(long)]
    out: PathBuf,
}

struct Bar(OnceLock<ProgressBar>);

impl Progress for Bar {
    fn start(&self, total: usize) {
        let _ = self.0.set(crate::batch::progress_bar(total));
    }
    fn hashed(&self) {
        if let Some(bar) = self.0.get() {
            bar.inc(1);
        }
    }
}

pub(crate) fn build(args: BuildArgs) -> Result<(), String> {
    let options = BuildOptions {
        decode: DecodeOptions {
            limits: Limits {
                max_pixels: args.max_pixels,
                ..Limits::default()
            },
            ..DecodeOptions::default()
        },
        video_limits: VideoLimits {
            max_duration_secs: args.max_duration,
            ..VideoLimits::default()
        },
        mih: !args.no_mih,
    };
    let pool = crate::batch::pool(args.threads)?;
    let bar = Bar(OnceLock::new());
    let result = pool.install(|| {
        build::build(
            &args.submissions,
            args.base.as_deref(),
            &args.out,
            &args.records,
            &options,
            &bar,
        )
    });
    if let Some(bar) = bar.0.get() {
        bar.finish_and_clear();
    }
    let outcome = result.map_err(|e| match e {
        BuildError::Rows(_) => format!("{}: {e}", args.submissions.display()),
        BuildError::Other(message) => message,
    })?;
    eprintln!(
        "kenmerk: wrote version {} to {}: {} indicators ({} new, {} duplicate submissions); \
         records in {}",
        outcome.db_version,
        args.out.display(),
        outcome.indicators,
        outcome.added,
        outcome.duplicates,
        args.records.display()
    );
    Ok(())
}

pub(crate) fn remove(args: RemoveArgs) -> Result<(), String> {
    let outcome = build::remove(
        &args.db,
        args.indicator,
        &args.reason,
        &args.out,
        &args.records,
    )?;
    eprintln!(
        "kenmerk: wrote version {} to {} without indicator {} ({} indicators); {} unchanged",
        outcome.db_version,
        args.out.display(),
        args.indicator,
        outcome.indicators,
        args.db.display()
    );
    Ok(())
}

pub(crate) fn diff(args: DiffArgs) -> Result<(), String> {
    let (bytes, summary) = delta::diff(&args.old, &args.new)?;
    index::write_atomic(&args.out, &bytes).map_err(|e| e.to_string())?;
    eprintln!(
        "kenmerk: wrote {} ({} bytes): version {} to {}, {} removed or changed, {} added",
        args.out.display(),
        bytes.len(),
        summary.base_version,
        summary.target_version,
        summary.removed,
        summary.added
    );
    Ok(())
}

pub(crate) fn apply(args: ApplyArgs) -> Result<(), String> {
    let delta_bytes = read_limited(&args.delta)?;
    let (bytes, summary) = delta::apply(&args.db, &delta_bytes)
        .map_err(|e| format!("{}: {e}", args.delta.display()))?;
    index::write_atomic(&args.out, &bytes).map_err(|e| e.to_string())?;
    eprintln!(
        "kenmerk: wrote version {} to {} (from version {})",
        summary.target_version,
        args.out.display(),
        summary.base_version
    );
    Ok(())
}

fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn issue(args: IssueArgs) -> Result<(), String> {
    let request = IssueRequest {
        issued_to: args.to.clone(),
        valid_from: dates::start_of(&args.valid_from).map_err(|e| format!("--valid-from: {e}"))?,
        valid_until: dates::end_of(&args.valid_until).map_err(|e| format!("--valid-until: {e}"))?,
        issued_at: index::unix_now(),
    };
    let key = SecretKey::read(&args.key)?;
    let issued = issue::issue(&args.db, &request, &key, &args.out, args.records.as_deref())?;
    eprintln!(
        "kenmerk: wrote {}: version {} ({} indicators) for {:?}, valid {} to {}",
        args.out.display(),
        issued.db_version,
        issued.indicators,
        args.to,
        index::issue::utc_date(request.valid_from),
        index::issue::utc_date(request.valid_until)
    );
    Ok(())
}

pub(crate) fn records(command: RecordsCommand) -> Result<(), String> {
    let RecordsCommand::Verify { records, db } = command;
    if !records.exists() {
        return Err(format!("{}: no such file", records.display()));
    }
    let chain = Chain::read(&records)?;
    let mut message = format!(
        "{}: ok ({} records, head {})",
        records.display(),
        chain.records().len(),
        kenmerk_build::records::hex(&chain.head())
    );
    if let Some(db) = db {
        let index = check::open_verified(&db)?;
        let position = check::file_against_records(&chain, &index.view())
            .map_err(|e| format!("{}: {e}", db.display()))?;
        message.push_str(&format!(
            "; {} matches the records (built at record {position})",
            db.display()
        ));
    }
    eprintln!("kenmerk: {message}");
    Ok(())
}

pub(crate) fn keygen(args: KeygenArgs) -> Result<(), String> {
    let key = SecretKey::generate()?;
    let (secret, public) = key.write_pair(&args.out)?;
    eprintln!(
        "kenmerk: wrote {} (keep it secret) and {}",
        secret.display(),
        public.display()
    );
    Ok(())
}
