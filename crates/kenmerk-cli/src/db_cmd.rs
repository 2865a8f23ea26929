//! `kenmerk db import | info | verify`: make and inspect indicator files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use kenmerk::index::{self, Index, Indicator, MediaKind, QUALITY_UNKNOWN, WriteOptions};

use crate::hash_list;

/// Indicator file commands.
#[derive(clap::Subcommand, Debug)]
pub(crate) enum DbCommand {
    /// Make an indicator file from a hash list.
    Import(ImportArgs),
    /// Print a summary of an indicator file as JSON.
    Info {
        /// The indicator file.
        db: PathBuf,
    },
    /// Check an indicator file completely (digests, metadata, tables).
    Verify {
        /// The indicator file.
        db: PathBuf,
        /// Also check that the file is signed with this key (NAME.pub) and within its period.
        #[arg(long)]
        pubkey: Option<PathBuf>,
    },
    /// Build the next version from confirmed submissions (the Centre).
    Build(crate::centre_cmd::BuildArgs),
    /// Write the next version without one indicator, and record why.
    Remove(crate::centre_cmd::RemoveArgs),
    /// Make a delta file from one version to another.
    Diff(crate::centre_cmd::DiffArgs),
    /// Apply a delta file to the version it was made from.
    Apply(crate::centre_cmd::ApplyArgs),
    /// Write a signed copy for one provider and one period.
    Issue(crate::centre_cmd::IssueArgs),
    /// Check the Centre's records.
    #[command(subcommand)]
    Records(crate::centre_cmd::RecordsCommand),
}

/// Media kind given on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum KindArg {
    Image,
    Video,
    Other,
}

/// Arguments of `kenmerk db import`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["hashes", "raw", "vpdq"])))]
pub(crate) struct ImportArgs {
    /// Text list: one 64-hex hash per line, or Meta's CSV `hash,quality[,...]`; a header
    /// line is allowed. Indicator ids are the 0-based line numbers.
    #[arg(long)]
    hashes: Option<PathBuf>,
    /// Raw list: consecutive 32-byte records (the bytes each hex hash spells). Indicator
    /// ids are the 0-based record numbers.
    #[arg(long)]
    raw: Option<PathBuf>,
    /// vPDQ lists (`frame,quality,hash,timestamp` lines), one video indicator per file;
    /// indicator ids are the 0-based file positions. Stores each video's distinct frames of
    /// quality 50 or more as media kind video.
    #[arg(long, num_args = 1.., conflicts_with = "kind")]
    vpdq: Vec<PathBuf>,
    /// The indicator file to write (atomically).
    #[arg(long)]
    out: PathBuf,
    /// Media kind of every indicator.
    #[arg(long, value_enum, default_value = "image")]
    kind: KindArg,
    /// Leave out the multi-index tables (smaller file, flat search only).
    #[arg(long)]
    no_mih: bool,
    /// Database release number stored in the header.
    #[arg(long, default_value_t = 1)]
    db_version: u64,
}

pub(crate) fn run(command: DbCommand) -> ExitCode {
    let result = match command {
        DbCommand::Import(args) => import(args),
        DbCommand::Info { db } => info(&db),
        DbCommand::Verify { db, pubkey } => verify(&db, pubkey.as_deref()),
        DbCommand::Build(args) => crate::centre_cmd::build(args),
        DbCommand::Remove(args) => crate::centre_cmd::remove(args),
        DbCommand::Diff(args) => crate::centre_cmd::diff(args),
        DbCommand::Apply(args) => crate::centre_cmd::apply(args),
        DbCommand::Issue(args) => crate::centre_cmd::issue(args),
        DbCommand::Records(command) => crate::centre_cmd::records(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kenmerk: {message}");
            ExitCode::from(1)
        }
    }
}

fn import(args: ImportArgs) -> Result<(), String> {
    let entries = match (&args.hashes, &args.raw) {
        (Some(path), _) => hash_list::read_text(path)?,
        (_, Some(path)) => hash_list::read_raw(path)?,
        _ => Vec::new(), // --vpdq
    };
    let kind = match args.kind {
        KindArg::Image => MediaKind::Image,
        KindArg::Video => MediaKind::Video,
        KindArg::Other => MediaKind::Other,
    };
    let mut indicators: Vec<_> = entries
        .iter()
        .map(|e| {
            let meta = Indicator {
                id: e.line as u64,
                kind,
                quality: e.quality.unwrap_or(QUALITY_UNKNOWN),
                video_id: 0,
                frame: 0,
            };
            (e.hash, meta)
        })
        .collect();
    if !args.vpdq.is_empty() {
        indicators = crate::video_import::records(&args.vpdq)?;
    }
    let options = WriteOptions {
        db_version: args.db_version,
        created: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        chain_head: [0; 32],
        mih: !args.no_mih,
    };
    let bytes = index::to_bytes(&indicators, &options);
    index::write_atomic(&args.out, &bytes).map_err(|e| e.to_string())?;
    eprintln!(
        "kenmerk: wrote {} indicators to {} ({} bytes)",
        indicators.len(),
        args.out.display(),
        bytes.len()
    );
    Ok(())
}

fn hex(bytes: &[u8; 32]) -> String {
    kenmerk::Hash256::from_bytes(*bytes).to_string()
}

fn info(path: &Path) -> Result<(), String> {
    let index = Index::inspect(path).map_err(|e| e.to_string())?;
    let view = index.view();
    let info = view.info();
    let mut kinds = [0usize; 4];
    for position in 0..view.len() {
        match view.indicator(position).map(|i| i.kind) {
            Ok(MediaKind::Image) => kinds[0] += 1,
            Ok(MediaKind::Video) => kinds[1] += 1,
            Ok(MediaKind::Other) => kinds[2] += 1,
            Err(_) => kinds[3] += 1,
        }
    }
    let json = serde_json::json!({
        "path": path.to_string_lossy(),
        "format_version": info.format_version,
        "db_version": info.db_version,
        "created": info.created,
        "indicators": info.count,
        "by_kind": {"image": kinds[0], "video": kinds[1], "other": kinds[2], "invalid": kinds[3]},
        "multi_index": info.has_mih,
        "multi_index_tables": info.mih_layout.map(|l| serde_json::json!({
            "count": l.tables(),
            "widths": l.widths().collect::<Vec<u32>>(),
            "max_radius": l.max_radius(),
        })),
        "bytes": {"file": info.file_bytes, "hashes": info.hash_bytes, "multi_index": info.mih_bytes},
        "digests": {
            "algorithm": "blake3",
            "body": hex(&info.body_digest),
            "header": hex(&info.header_digest),
            "provenance_chain_head": hex(&info.chain_head),
        },
        "issued": info.issuance.as_ref().map(|i| serde_json::json!({
            "to": i.issued_to,
            "valid_from": index::issue::utc_date(i.valid_from),
            "valid_until": index::issue::utc_date(i.valid_until),
            "issued_at": index::issue::utc_date(i.issued_at),
            "signer": hex(&i.public_key),
        })),
    });
    println!(
        "{}",
        serde_json::to_string_pretty(&json).unwrap_or_default()
    );
    Ok(())
}

fn verify(path: &Path, pubkey: Option<&Path>) -> Result<(), String> {
    let index = Index::inspect(path).map_err(|e| e.to_string())?;
    index
        .view()
        .verify()
        .map_err(|e| format!("{}: {}", path.display(), e.reason()))?;
    if let Some(key) = pubkey {
        let key = kenmerk::index::PublicKey::read(key).map_err(|e| e.to_string())?;
        Index::open_signed(path, &key).map_err(|e| e.to_string())?;
    }
    // A video indicator has one hash per stored frame, so count hashes.
    eprintln!(
        "kenmerk: {}: ok ({} hashes)",
        path.display(),
        index.view().len()
    );
    Ok(())
}
