//! Building a version of the indicator file from confirmed submissions, and
//! removing an indicator.
//!
//! A build reads the manifest, checks every row, hashes every file in
//! parallel, and refuses everything if any row or file is bad. Files with the
//! same blake3 become one indicator with all their submissions recorded; a
//! file already live in the base version joins that indicator. New
//! indicators get ids after every id ever used (ids are never reused, even
//! after removal). The records gain one `add` per submission, then the new
//! file is laid out with the chain head in its header, and a `release`
//! record names its digests. Both are published together (see
//! [`publish`](crate::publish)).
//!
//! A video submission becomes one indicator whose stored frames all carry
//! its id (the distinct frame hashes of quality 50 or more at one frame
//! per second); its `add` records list those frames. A file already
//! submitted as the other media kind is refused.
//!
//! Memory: one decoded image or video frame per worker thread at a time;
//! per submission only its digest and hashes are kept.

use std::collections::HashMap;
use std::path::Path;

use kenmerk::index::{self, Index, IndexView, Indicator, MediaKind, WriteOptions};
use kenmerk::video::VideoLimits;
use kenmerk::{DecodeOptions, Hash256};
use rayon::prelude::*;

use crate::hashing::{Hashed, hash_submission};
use crate::manifest::{self, RowError, Submission};
use crate::publish;
use crate::records::{Chain, Event, Record, hex};

/// Lowest PDQ quality accepted for an indicator (Meta's recommendation).
pub const MIN_QUALITY: u8 = 50;

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Limits and orientation for decoding submitted images.
    pub decode: DecodeOptions,
    /// Limits for submitted videos (checked before any frame is decoded).
    /// Videos are always sampled at vPDQ's default, one frame per second.
    pub video_limits: VideoLimits,
    /// Include multi-index tables in the file.
    pub mih: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            decode: DecodeOptions::default(),
            video_limits: VideoLimits::default(),
            mih: true,
        }
    }
}

/// Why a build was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// Bad manifest rows or files; nothing was written.
    Rows(Vec<RowError>),
    /// Anything else (records, base file, writing); nothing was written
    /// unless the message says otherwise.
    Other(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Rows(rows) => {
                write!(f, "{} bad row(s); nothing was written", rows.len())?;
                for row in rows {
                    write!(f, "\n  {row}")?;
                }
                Ok(())
            }
            BuildError::Other(message) => f.write_str(message),
        }
    }
}

impl From<String> for BuildError {
    fn from(message: String) -> Self {
        BuildError::Other(message)
    }
}

/// What a build or removal wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Version number of the new file.
    pub db_version: u64,
    /// Indicators in the new file.
    pub indicators: usize,
    /// Indicators new in this version.
    pub added: usize,
    /// Submissions that joined an existing indicator (same file).
    pub duplicates: usize,
}

/// Told how hashing goes (for a progress bar).
pub trait Progress: Sync {
    /// Hashing of `total` files begins.
    fn start(&self, total: usize);
    /// One more file is hashed.
    fn hashed(&self);
}

/// No progress reporting.
impl Progress for () {
    fn start(&self, _total: usize) {}
    fn hashed(&self) {}
}

/// The base version a change starts from: the latest file made from the
/// records, checked against them.
fn open_base(base: &Path, chain: &Chain) -> Result<Index, String> {
    let index = crate::check::open_verified(base)?;
    let info = index.view().info();
    if info.issuance.is_some() {
        return Err(format!(
            "{}: is an issued copy; changes start from the Centre's release",
            base.display()
        ));
    }
    if info.chain_head == [0; 32] {
        return Err(format!(
            "{}: was not built from records (an imported hash list?); only files made by \
             `kenmerk db build` can be changed",
            base.display()
        ));
    }
    crate::check::file_against_records(chain, &index.view())
        .map_err(|e| format!("{}: {e}", base.display()))?;
    let latest = chain.last_version();
    if latest != 0 && info.db_version != latest {
        return Err(format!(
            "{}: is version {}, but the records are at version {latest}; start from the latest",
            base.display(),
            info.db_version
        ));
    }
    Ok(index)
}

/// Each bad row with its reason.
fn row_errors(submissions: &[Submission], hashed: &[Result<Hashed, String>]) -> Vec<RowError> {
    submissions
        .iter()
        .zip(hashed)
        .filter_map(|(s, h)| {
            h.as_ref().err().map(|reason| RowError {
                line: s.line,
                submission_id: Some(s.submission_id.clone()),
                reason: reason.clone(),
            })
        })
        .collect()
}

/// Number of indicators among index records kept together by id (a video
/// indicator has one record per stored frame).
fn count_indicators(entries: &[(Hash256, Indicator)]) -> usize {
    entries
        .iter()
        .enumerate()
        .filter(|(i, (_, meta))| *i == 0 || entries[i - 1].1.id != meta.id)
        .count()
}

fn indicators_of(view: &IndexView<'_>) -> Result<Vec<(Hash256, Indicator)>, String> {
    (0..view.len())
        .map(|p| {
            let meta = view.indicator(p).map_err(|e| e.to_string())?;
            Ok((Hash256::from_bytes(view.hashes()[p]), meta))
        })
        .collect()
}

fn read_records(records: &Path) -> Result<(Chain, Option<Vec<u8>>), String> {
    let old = match std::fs::read(records) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("{}: {e}", records.display())),
    };
    let chain = Chain::read(records)?;
    Ok((chain, old))
}

/// Builds the next version from the submissions in `manifest`.
///
/// With no `base`, the records must be empty or absent and the result is
/// version 1. With a `base`, it must be the latest version made from the
/// records; the result holds its indicators and the new ones.
pub fn build(
    manifest: &Path,
    base: Option<&Path>,
    out: &Path,
    records: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Outcome, BuildError> {
    let (mut chain, old_records) = read_records(records)?;
    let base = match base {
        Some(path) => Some(open_base(path, &chain)?),
        None if !chain.records().is_empty() => {
            return Err(BuildError::Other(format!(
                "{}: holds {} records already; pass the latest version as the base to add to it",
                records.display(),
                chain.records().len()
            )));
        }
        None => None,
    };
    let submissions = manifest::read(manifest).map_err(BuildError::Rows)?;
    progress.start(submissions.len());
    let hashed: Vec<Result<Hashed, String>> = submissions
        .par_iter()
        .map(|s| {
            let result = hash_submission(s, &options.decode, &options.video_limits);
            progress.hashed();
            result
        })
        .collect();
    let bad = row_errors(&submissions, &hashed);
    if !bad.is_empty() {
        return Err(BuildError::Rows(bad));
    }
    let hashed: Vec<Hashed> = hashed.into_iter().flatten().collect();

    let state = chain.live(chain.records().len());
    let mut kinds: HashMap<u64, MediaKind> = HashMap::new();
    let mut indicators = match &base {
        Some(index) => indicators_of(&index.view())?,
        None => Vec::new(),
    };
    for (_, meta) in &indicators {
        kinds.insert(meta.id, meta.kind);
    }
    let mut next_id = state.next_id;
    let mut new_by_file: HashMap<[u8; 32], u64> = HashMap::new();
    let (mut added, mut duplicates) = (0, 0);
    let mut ids = Vec::with_capacity(hashed.len());
    let mut conflicts = Vec::new();
    for (s, h) in submissions.iter().zip(&hashed) {
        let known = state
            .by_file
            .get(&hex(&h.file_blake3))
            .or(new_by_file.get(&h.file_blake3));
        let id = match known {
            Some(&id) => {
                duplicates += 1;
                id
            }
            None => {
                let id = next_id;
                next_id += 1;
                new_by_file.insert(h.file_blake3, id);
                kinds.insert(id, h.kind());
                indicators.extend(h.entries(id));
                added += 1;
                id
            }
        };
        if kinds.get(&id) != Some(&h.kind()) {
            conflicts.push(RowError {
                line: s.line,
                submission_id: Some(s.submission_id.clone()),
                reason: format!(
                    "{}: the same file is indicator {id}, submitted as another media kind",
                    s.path.display()
                ),
            });
        }
        ids.push(id);
    }
    if !conflicts.is_empty() {
        return Err(BuildError::Rows(conflicts));
    }
    for ((s, h), id) in submissions.iter().zip(&hashed).zip(ids) {
        chain.append(h.describe(Record {
            indicator: Some(id),
            submission_id: Some(s.submission_id.clone()),
            authority: Some(s.authority.clone()),
            member_state: Some(s.member_state.clone()),
            decided_on: Some(s.decided_on.clone()),
            media_kind: Some(s.media_kind.name().to_string()),
            file_blake3: Some(hex(&h.file_blake3)),
            ..Record::new(Event::Add)
        }));
    }
    let db_version = chain.last_version() + 1;
    release(
        &mut chain,
        &indicators,
        db_version,
        options.mih,
        out,
        records,
        old_records,
    )?;
    Ok(Outcome {
        db_version,
        indicators: count_indicators(&indicators),
        added,
        duplicates,
    })
}

/// Lays out the file at the chain's head, appends the `release` record and
/// publishes both.
fn release(
    chain: &mut Chain,
    indicators: &[(Hash256, Indicator)],
    db_version: u64,
    mih: bool,
    out: &Path,
    records: &Path,
    old_records: Option<Vec<u8>>,
) -> Result<(), String> {
    let bytes = index::to_bytes(
        indicators,
        &WriteOptions {
            db_version,
            created: index::unix_now(),
            chain_head: chain.head(),
            mih,
        },
    );
    let info = IndexView::from_bytes(&bytes)
        .map_err(|e| e.to_string())?
        .info();
    chain.append(Record {
        db_version: Some(db_version),
        indicators: Some(count_indicators(indicators) as u64),
        body_blake3: Some(hex(&info.body_digest)),
        header_blake3: Some(hex(&info.header_digest)),
        ..Record::new(Event::Release)
    });
    publish::records_and_file(
        records,
        old_records.as_deref(),
        chain.to_text().as_bytes(),
        out,
        &bytes,
    )
}

/// Writes the next version of `db` without indicator `indicator`, and
/// records why.
pub fn remove(
    db: &Path,
    indicator: u64,
    reason: &str,
    out: &Path,
    records: &Path,
) -> Result<Outcome, String> {
    if reason.trim().is_empty() {
        return Err("a removal needs a reason".into());
    }
    let (mut chain, old_records) = read_records(records)?;
    let base = open_base(db, &chain)?;
    let view = base.view();
    let mut indicators = indicators_of(&view)?;
    let before = indicators.len();
    indicators.retain(|(_, meta)| meta.id != indicator);
    if indicators.len() == before {
        return Err(format!("{}: holds no indicator {indicator}", db.display()));
    }
    let db_version = view.info().db_version.max(chain.last_version()) + 1;
    chain.append(Record {
        indicator: Some(indicator),
        reason: Some(reason.trim().to_string()),
        db_version: Some(db_version),
        ..Record::new(Event::Remove)
    });
    let has_mih = view.info().has_mih;
    release(
        &mut chain,
        &indicators,
        db_version,
        has_mih,
        out,
        records,
        old_records,
    )?;
    Ok(Outcome {
        db_version,
        indicators: count_indicators(&indicators),
        added: 0,
        duplicates: 0,
    })
}
