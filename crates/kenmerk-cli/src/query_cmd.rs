//! `kenmerk query`: match a hash list against an indicator file.
//!
//! Prints CSV `query,indicator,distance`, one line per match, sorted by
//! query (the 0-based line number in the list), distance, indicator. Hashes
//! whose quality is given and below 50 are not matched (PDQ's rule) and are
//! counted on stderr.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use kenmerk::Hash256;
use kenmerk::pdq::QUALITY_THRESHOLD;

use crate::hash_list;
use crate::search_args::SearchArgs;

/// Arguments of `kenmerk query`.
#[derive(clap::Args, Debug)]
pub(crate) struct QueryArgs {
    #[command(flatten)]
    search: SearchArgs,
    /// Query list: one hash per line, or `kenmerk hash` CSV (with `--dihedral`, the
    /// output of `kenmerk hash --dihedral`, whose fourth field holds the 8 variants).
    #[arg(long)]
    hashes: PathBuf,
}

pub(crate) fn run(args: QueryArgs) -> ExitCode {
    match query(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("kenmerk: {message}");
            ExitCode::from(1)
        }
    }
}

fn query(args: &QueryArgs) -> Result<ExitCode, String> {
    let entries = hash_list::read_text(&args.hashes)?;
    let (matchable, low): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|e| e.quality.is_none_or(|q| q >= QUALITY_THRESHOLD));
    if !low.is_empty() {
        eprintln!(
            "kenmerk: {} hashes with quality below {QUALITY_THRESHOLD} were not matched",
            low.len()
        );
    }
    let mut groups: Vec<Vec<Hash256>> = Vec::with_capacity(matchable.len());
    for e in &matchable {
        match (&e.dihedral, args.search.dihedral) {
            (Some(variants), true) => groups.push(variants.clone()),
            (None, true) => {
                return Err(format!(
                    "{}: line {} has no dihedral hashes (make the list with `kenmerk hash --dihedral`)",
                    args.hashes.display(),
                    e.line + 1
                ));
            }
            (_, false) => groups.push(vec![e.hash]),
        }
    }
    let index = args.search.open()?;
    let pool = args.search.pool()?;
    let view = index.view();
    let matches = pool
        .install(|| view.search_groups(&groups, args.search.radius, args.search.method.into()))
        .map_err(|e| format!("{}: {e}", args.search.db.display()))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = (|| {
        writeln!(out, "query,indicator,distance")?;
        for m in &matches {
            writeln!(
                out,
                "{},{},{}",
                matchable[m.query].line, m.indicator, m.distance
            )?;
        }
        out.flush()
    })();
    Ok(written.map_or_else(crate::batch::stdout_failed, |()| ExitCode::SUCCESS))
}
