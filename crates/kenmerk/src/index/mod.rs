//! Indicator files: the `.kmk` format, a reader that never trusts the file,
//! the writer, and exact search.
//!
//! An indicator file holds only what matching needs (Art. 44(2)): the hashes,
//! an id per indicator, its media kind and quality, and for video
//! indicators the video and frame. Opening validates the header and every
//! section bound in O(1) (see [`format`]); [`IndexView::verify`] checks the
//! digests in O(n). Issued files (one recipient, one period, signed; see
//! [`issue`]) are refused outside their period, and, given the Centre's
//! public key, unless their signature and body check out. Search is exact: every indicator within the radius is
//! returned, whichever method runs.
//!
//! ```
//! use kenmerk::Hash256;
//! use kenmerk::index::{Indicator, IndexView, Method, WriteOptions, to_bytes};
//!
//! let hash: Hash256 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22".parse()?;
//! let bytes = to_bytes(&[(hash, Indicator::image(7, 100))], &WriteOptions::default());
//! let index = IndexView::from_bytes(&bytes)?;
//! let matches = index.search(&[hash], 31, Method::Auto)?;
//! assert_eq!((matches[0].indicator, matches[0].distance), (7, 0));
//! # Ok::<(), kenmerk::Error>(())
//! ```

pub mod format;
pub mod issue;
mod map;
mod mih;
mod search;
mod writer;

use std::path::Path;

use crate::error::{Error, ErrorKind, Result};
use crate::hamming::Record;

use format::{Layout, METADATA_LEN, corrupt};

pub use issue::{Issuance, IssueRequest, PublicKey};
pub use mih::{MIH_MAX_TABLE_RADIUS, MIH_MAX_TABLES, MIH_MAX_WIDTH, MIH_MIN_WIDTH, MihLayout};
pub use search::{Match, Method};
pub use writer::{WriteOptions, to_bytes, to_bytes_with_layout, write_atomic};

/// What kind of material an indicator was made from (Art. 44(2)(c)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MediaKind {
    /// A still image.
    Image = 1,
    /// A frame of a video.
    Video = 2,
    /// Anything else.
    Other = 3,
}

impl MediaKind {
    fn from_byte(b: u8) -> Option<MediaKind> {
        match b {
            1 => Some(MediaKind::Image),
            2 => Some(MediaKind::Video),
            3 => Some(MediaKind::Other),
            _ => None,
        }
    }

    /// Lower-case name: `image`, `video`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Other => "other",
        }
    }
}

/// Stored quality of an indicator imported from a list without qualities.
pub const QUALITY_UNKNOWN: u8 = 255;

/// Per-indicator metadata stored beside each hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Indicator {
    /// The indicator's id, as the Centre assigned it.
    pub id: u64,
    /// Image, video or other.
    pub kind: MediaKind,
    /// PDQ quality of the hash, 0..=100, or [`QUALITY_UNKNOWN`].
    pub quality: u8,
    /// For video indicators: which video (its indicator id) and frame.
    pub video_id: u64,
    /// Frame number within the video (0 for images).
    pub frame: u32,
}

impl Indicator {
    /// An image indicator.
    pub fn image(id: u64, quality: u8) -> Self {
        Indicator {
            id,
            kind: MediaKind::Image,
            quality,
            video_id: 0,
            frame: 0,
        }
    }

    /// The 24-byte metadata record of the file format.
    pub fn encode(&self) -> [u8; METADATA_LEN] {
        let mut b = [0u8; METADATA_LEN];
        b[0..8].copy_from_slice(&self.id.to_le_bytes());
        b[8..16].copy_from_slice(&self.video_id.to_le_bytes());
        b[16..20].copy_from_slice(&self.frame.to_le_bytes());
        b[20] = self.kind as u8;
        b[21] = self.quality;
        b
    }

    /// Parses a 24-byte metadata record; fails on an unknown kind, a quality
    /// above 100 (other than [`QUALITY_UNKNOWN`]) or non-zero reserved bytes.
    pub fn decode(b: &[u8; METADATA_LEN]) -> Result<Self> {
        let u64_at = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
        let kind = MediaKind::from_byte(b[20])
            .ok_or_else(|| corrupt(format!("unknown media kind {}", b[20])))?;
        if (b[21] > 100 && b[21] != QUALITY_UNKNOWN) || b[22] != 0 || b[23] != 0 {
            return Err(corrupt(
                "invalid quality or reserved bytes in indicator metadata",
            ));
        }
        Ok(Indicator {
            id: u64_at(0),
            video_id: u64_at(8),
            frame: u32::from_le_bytes([b[16], b[17], b[18], b[19]]),
            kind,
            quality: b[21],
        })
    }
}

/// A validated indicator file over borrowed bytes.
#[derive(Debug, Clone, Copy)]
pub struct IndexView<'a> {
    bytes: &'a [u8],
    layout: Layout,
    level: crate::hamming::Level,
}

/// Summary of an indicator file, for `db info`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// Format version.
    pub format_version: u32,
    /// Database release number.
    pub db_version: u64,
    /// Creation time, seconds since the Unix epoch.
    pub created: u64,
    /// Number of indicators.
    pub count: usize,
    /// Whether multi-index tables are present.
    pub has_mih: bool,
    /// File size in bytes.
    pub file_bytes: usize,
    /// Bytes of the hash section.
    pub hash_bytes: usize,
    /// Bytes of the multi-index section (0 if absent).
    pub mih_bytes: usize,
    /// Layout of the multi-index tables, if present.
    pub mih_layout: Option<MihLayout>,
    /// blake3 of the body, as stored.
    pub body_digest: [u8; 32],
    /// blake3 of the header, as stored.
    pub header_digest: [u8; 32],
    /// Head of the provenance record chain the file was built from.
    pub chain_head: [u8; 32],
    /// Recipient, period and signer of an issued file.
    pub issuance: Option<Issuance>,
}

impl<'a> IndexView<'a> {
    /// Hashes as a slice of 32-byte records.
    pub fn hashes(&self) -> &'a [Record] {
        let span = self.layout.hashes;
        self.bytes[span.offset..span.end()].as_chunks::<32>().0
    }

    /// Number of indicators.
    pub fn len(&self) -> usize {
        self.layout.count
    }

    /// Whether the file holds no indicator.
    pub fn is_empty(&self) -> bool {
        self.layout.count == 0
    }

    fn metadata_record(&self, position: usize) -> &'a [u8; METADATA_LEN] {
        let span = self.layout.metadata;
        &self.bytes[span.offset..span.end()]
            .as_chunks::<METADATA_LEN>()
            .0[position]
    }

    /// The id of the indicator at `position` (0..len).
    ///
    /// # Panics
    /// If `position >= len()`.
    pub fn id(&self, position: usize) -> u64 {
        let b = self.metadata_record(position);
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    /// All metadata of the indicator at `position` (0..len).
    ///
    /// # Panics
    /// If `position >= len()`.
    pub fn indicator(&self, position: usize) -> Result<Indicator> {
        Indicator::decode(self.metadata_record(position))
    }

    /// The summary shown by `db info`.
    pub fn info(&self) -> Info {
        Info {
            format_version: format::FORMAT_VERSION,
            db_version: self.layout.db_version,
            created: self.layout.created,
            count: self.layout.count,
            has_mih: self.layout.mih.is_some(),
            file_bytes: self.bytes.len(),
            hash_bytes: self.layout.hashes.len,
            mih_bytes: self.layout.mih.map_or(0, |m| m.span.len),
            mih_layout: self.layout.mih.map(|m| m.layout),
            body_digest: self.layout.body_digest,
            header_digest: self.layout.header_digest,
            chain_head: self.layout.chain_head,
            issuance: self.issuance(),
        }
    }

    /// The whole file.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The file's header (the first [`format::HEADER_LEN`] bytes).
    pub fn header_bytes(&self) -> &'a [u8] {
        &self.bytes[..format::HEADER_LEN]
    }

    /// Recipient, period and signer, if the file is issued.
    pub fn issuance(&self) -> Option<Issuance> {
        issue::issuance_of(&self.layout)
    }

    /// Refuses an issued file outside its validity period at `now` (seconds
    /// since the Unix epoch); unissued files pass.
    pub fn check_period(&self, now: u64) -> Result<()> {
        issue::check_period(&self.layout, now)
    }

    /// Checks that the file is issued and signed by `key`, and that its body
    /// is the one signed (one blake3 pass over the file).
    pub fn check_signature(&self, key: &PublicKey) -> Result<()> {
        issue::check_signature(self.bytes, &self.layout, key)
    }

    /// Checks everything `open` does not: both digests, every metadata
    /// record, and every multi-index table entry. O(n).
    pub fn verify(&self) -> Result<()> {
        if format::header_digest(self.bytes) != self.layout.header_digest {
            return Err(corrupt("header digest mismatch: the header was altered"));
        }
        if *blake3::hash(&self.bytes[format::HEADER_LEN..]).as_bytes() != self.layout.body_digest {
            return Err(corrupt(
                "body digest mismatch: the hashes, metadata or tables were altered",
            ));
        }
        for position in 0..self.len() {
            self.indicator(position).map_err(|e| {
                corrupt(format!("indicator at position {position}: {}", e.reason()))
            })?;
        }
        if let Some(tables) = self.mih() {
            tables.verify(self.hashes())?;
        }
        Ok(())
    }

    fn mih(&self) -> Option<mih::Tables<'a>> {
        self.layout.mih.map(|m| {
            mih::Tables::new(
                &self.bytes[m.span.offset..m.span.end()],
                self.layout.count,
                m.layout,
            )
        })
    }

    /// Validates `bytes` as an indicator file (O(1) checks; call
    /// [`verify`](Self::verify) for the digests) and returns a view of it.
    pub fn from_bytes(bytes: &'a [u8]) -> Result<IndexView<'a>> {
        Ok(IndexView {
            bytes,
            layout: Layout::parse(bytes)?,
            level: crate::hamming::Level::detect(),
        })
    }

    /// The same view, scanning with kernel `level` (for tests and
    /// benchmarks). Fails if the CPU lacks it.
    pub fn with_level(self, level: crate::hamming::Level) -> Result<Self> {
        if !level.is_supported() {
            return Err(Error::new(
                ErrorKind::Unsupported,
                format!("this CPU does not support the {} kernel", level.name()),
            ));
        }
        Ok(IndexView { level, ..self })
    }
}

/// Seconds since the Unix epoch, by the system clock.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Where an [`Index`]'s bytes live.
#[derive(Debug)]
enum Storage {
    Mapped(memmap2::Mmap),
    Owned(Vec<u8>),
}

/// An indicator file, memory-mapped or owned, validated on open. Safe to
/// share between threads (`&Index` is `Sync`).
#[derive(Debug)]
pub struct Index {
    storage: Storage,
    layout: Layout,
    level: crate::hamming::Level,
}

impl Index {
    /// Maps and validates the file at `path` for matching (O(1): reads the
    /// header only). An issued file is refused outside its validity period.
    ///
    /// The file must not be modified in place while the `Index` exists;
    /// replace it by renaming a new file over it, as kenmerk's writers do.
    pub fn open(path: &Path) -> Result<Index> {
        let index = Index::inspect(path)?;
        index
            .view()
            .check_period(unix_now())
            .map_err(|e| e.with_path(path))?;
        Ok(index)
    }

    /// As [`open`](Self::open), and also checks that the file was issued and
    /// signed by `key` and that no byte of it changed since (one blake3 pass
    /// over the file, multi-threaded).
    pub fn open_signed(path: &Path, key: &PublicKey) -> Result<Index> {
        let index = Index::inspect(path)?;
        let view = index.view();
        view.check_signature(key)
            .and_then(|()| view.check_period(unix_now()))
            .map_err(|e| e.with_path(path))?;
        Ok(index)
    }

    /// Maps and validates the structure only, whatever the validity period:
    /// for inspecting, verifying and deriving files, not for matching.
    pub fn inspect(path: &Path) -> Result<Index> {
        let mmap = map::map(path)?;
        let layout = Layout::parse(&mmap).map_err(|e| e.with_path(path))?;
        map::stream_hashes(&mmap, layout.hashes.offset, layout.hashes.len);
        map::prefer_huge_pages(&mmap, layout.hashes.offset);
        Ok(Index {
            storage: Storage::Mapped(mmap),
            layout,
            level: crate::hamming::Level::detect(),
        })
    }

    /// Validates an indicator file held in memory.
    pub fn from_vec(bytes: Vec<u8>) -> Result<Index> {
        let layout = Layout::parse(&bytes)?;
        Ok(Index {
            storage: Storage::Owned(bytes),
            layout,
            level: crate::hamming::Level::detect(),
        })
    }

    /// The searchable view.
    pub fn view(&self) -> IndexView<'_> {
        let bytes: &[u8] = match &self.storage {
            Storage::Mapped(m) => m,
            Storage::Owned(v) => v,
        };
        IndexView {
            bytes,
            layout: self.layout,
            level: self.level,
        }
    }
}

#[cfg(test)]
mod tests;
