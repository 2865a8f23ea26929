//! Options shared by the commands that search an indicator file.

use std::path::PathBuf;

use kenmerk::index::{Index, Method, PublicKey};

/// Search method given on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum MethodArg {
    /// Let the planner choose by file size and radius.
    Auto,
    /// Scan every indicator.
    Flat,
    /// Multi-index hashing (up to the radius the file's tables serve; `db info`
    /// shows it as `multi_index_tables.max_radius`).
    Mih,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::Auto => Method::Auto,
            MethodArg::Flat => Method::Flat,
            MethodArg::Mih => Method::Mih,
        }
    }
}

/// Where and how to search.
#[derive(clap::Args, Debug)]
pub(crate) struct SearchArgs {
    /// The indicator file.
    #[arg(long)]
    pub(crate) db: PathBuf,
    /// Largest Hamming distance that counts as a match (PDQ's usual threshold is 31).
    #[arg(long, default_value_t = 31, value_parser = clap::value_parser!(u32).range(0..=256))]
    pub(crate) radius: u32,
    /// Match the 8 rotations and mirrors too (a match is reported once, at the closest).
    #[arg(long)]
    pub(crate) dihedral: bool,
    /// Search method.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) method: MethodArg,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub(crate) threads: Option<usize>,
    /// The Centre's public key (NAME.pub): refuse the file unless it is signed with it, unaltered
    /// and within its validity period.
    #[arg(long)]
    pub(crate) pubkey: Option<PathBuf>,
}

impl SearchArgs {
    /// Opens the indicator file for matching. Without a key: O(1), the header is validated
    /// and an issued file's period checked. With a key: also the signature and one digest pass.
    pub(crate) fn open(&self) -> Result<Index, String> {
        match &self.pubkey {
            Some(key) => {
                let key = PublicKey::read(key).map_err(|e| e.to_string())?;
                Index::open_signed(&self.db, &key).map_err(|e| e.to_string())
            }
            None => Index::open(&self.db).map_err(|e| e.to_string()),
        }
    }

    /// A rayon pool of the requested size.
    pub(crate) fn pool(&self) -> Result<rayon::ThreadPool, String> {
        crate::batch::pool(self.threads)
    }
}
