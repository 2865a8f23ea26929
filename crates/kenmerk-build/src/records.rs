//! The Centre's records (Art. 44(4)): an append-only, hash-chained log of
//! every submission, removal, release and issue.
//!
//! RECORDS.jsonl holds one JSON object per line. Each record carries its
//! sequence number, the blake3 of the previous record (`prev`, all zeros for
//! the first) and its own blake3 (`hash`, over the record as serialized
//! without the `hash` key). A record is stored in exactly the form the
//! builder serializes it, so any edit changes its digest; removing or
//! reordering records breaks the sequence numbers and the `prev` links. The
//! head of the chain (the hash of its last record) is stored in the header
//! of every indicator file built from it, so a file names the exact state of
//! the records it came from, and truncating the log after a release is
//! caught by checking the log against that release.
//!
//! An `add` record describes its indicator completely, so that an auditor
//! can check the indicator file against it and recompute it from the
//! submitted file. For an image that is `pdq` and `quality`, with
//! `algorithm` `pdq`. For a video (`media_kind` `video`, `algorithm`
//! `vpdq`) it is `frames`: every frame record the indicator file holds for
//! the video, in frame order, each as `{"frame":N,"pdq":HEX,"quality":Q}`
//! ([`Frame`]). Those are the distinct frame hashes of quality 50 or more
//! among the frames vPDQ samples at its default of one per second, which
//! is what `kenmerk hash --video` prints and `kenmerk db import --vpdq`
//! keeps; `kenmerk::video::matching::video_records` makes the selection.
//!
//! The frames are written out in full rather than as a digest: the records
//! then hold every indicator on their own, as they do for images, the check
//! of a file against them can name the frame that differs, and an auditor
//! compares a re-hash line by line. The price is about 100 bytes per stored
//! frame (some 360 KB per hour of video) in each `add` record of a video.
//! The field is absent from every other record, so records written before
//! videos were accepted keep their exact bytes and digests.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What a record says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Event {
    /// A confirmed submission became (or joined) an indicator.
    Add,
    /// An indicator was removed, with a reason.
    Remove,
    /// A version of the indicator file was written.
    Release,
    /// A signed copy was issued to a provider for a period.
    Issue,
}

/// One line of RECORDS.jsonl. Fields that an event does not use are absent.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// 0-based position in the log.
    pub seq: u64,
    /// blake3 of the previous record (64 hex digits; zeros for the first).
    pub prev: String,
    /// When the record was written (RFC 3339, UTC).
    pub time: String,
    /// What happened.
    pub event: Option<Event>,
    /// The indicator concerned (add, remove).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<u64>,
    /// The coordinating authority's submission id (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submission_id: Option<String>,
    /// The authority that confirmed the material (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// Its member state, an EU-27 code (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_state: Option<String>,
    /// Date of the authority's decision, YYYY-MM-DD (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
    /// `image` or `video` (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_kind: Option<String>,
    /// blake3 of the submitted file's bytes (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_blake3: Option<String>,
    /// The indicator's PDQ hash, Meta's hex (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pdq: Option<String>,
    /// PDQ quality (add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<u8>,
    /// A video's stored frames, in frame order (add, video; see [`Frame`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frames: Option<Vec<Frame>>,
    /// Why an indicator was removed (remove).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Version of the indicator file written (release, issue) or made by
    /// this change (remove).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub db_version: Option<u64>,
    /// Number of indicators in the file (release).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<u64>,
    /// Body digest of the file written (release, issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_blake3: Option<String>,
    /// Header digest of the file written (release, issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_blake3: Option<String>,
    /// Recipient of an issued copy (issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_to: Option<String>,
    /// Start of an issued copy's validity (issue, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// End of an issued copy's validity (issue, RFC 3339, inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Public key that signed an issued copy (issue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Hash algorithm of the indicators: `pdq`, or `vpdq` for the `add`
    /// record of a video (PDQ of one frame per second, as Meta's vPDQ).
    pub algorithm: String,
    /// Tool and version that wrote the record.
    pub tool: String,
    /// blake3 of this record serialized without this key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// One stored frame of a video indicator, as its `add` record gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frame {
    /// Frame number: its index in decoding order, from 0.
    pub frame: u32,
    /// The frame's PDQ hash, Meta's hex.
    pub pdq: String,
    /// Its PDQ quality.
    pub quality: u8,
}

/// Name and version of the tool, as recorded.
pub fn tool_name() -> String {
    format!("kenmerk {}", env!("CARGO_PKG_VERSION"))
}

impl Record {
    /// A record of `event` with the algorithm, tool and time filled in.
    pub fn new(event: Event) -> Record {
        Record {
            event: Some(event),
            time: crate::dates::now_rfc3339(),
            algorithm: "pdq".to_string(),
            tool: tool_name(),
            ..Record::default()
        }
    }

    fn digest(&self) -> [u8; 32] {
        let unsealed = Record {
            hash: None,
            ..self.clone()
        };
        *blake3::hash(to_line(&unsealed).as_bytes()).as_bytes()
    }
}

fn to_line(record: &Record) -> String {
    serde_json::to_string(record).unwrap_or_default()
}

/// A record that breaks the chain: its 1-based line and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("record on line {line}: {reason}")]
pub struct ChainError {
    /// 1-based line number in the records file.
    pub line: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// A verified log, and records appended to it in memory.
#[derive(Debug, Clone, Default)]
pub struct Chain {
    records: Vec<Record>,
    digests: Vec<[u8; 32]>,
    committed: usize,
}

/// Lowercase hex of a digest or key.
pub fn hex(bytes: &[u8; 32]) -> String {
    kenmerk::Hash256::from_bytes(*bytes).to_hex()
}

impl Chain {
    /// Parses and verifies a whole log. Stops at the first bad record.
    pub fn parse(text: &str) -> Result<Chain, ChainError> {
        let mut chain = Chain::default();
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let line = i + 1;
            let bad = |reason: String| ChainError { line, reason };
            let Some(body) = raw.strip_suffix('\n') else {
                return Err(bad(
                    "the last record is cut off (no newline): the file was truncated".into(),
                ));
            };
            let record: Record =
                serde_json::from_str(body).map_err(|e| bad(format!("not a valid record: {e}")))?;
            if to_line(&record) != body {
                return Err(bad(
                    "not in the form the builder writes: the record was edited".into(),
                ));
            }
            let expected_seq = chain.records.len() as u64;
            if record.seq != expected_seq {
                return Err(bad(format!(
                    "sequence number {} where {expected_seq} was expected: records were \
                     removed, inserted or reordered",
                    record.seq
                )));
            }
            if record.prev != hex(&chain.head()) {
                return Err(bad(
                    "its `prev` is not the digest of the record before it: records were \
                     removed, inserted, reordered or altered"
                        .into(),
                ));
            }
            let digest = record.digest();
            if record.hash.as_deref() != Some(hex(&digest).as_str()) {
                return Err(bad(
                    "its digest does not match its contents: the record was altered".into(),
                ));
            }
            if record.event.is_none() {
                return Err(bad("the record names no event".into()));
            }
            chain.records.push(record);
            chain.digests.push(digest);
        }
        chain.committed = chain.records.len();
        Ok(chain)
    }

    /// Reads and verifies the log at `path`; a missing file is an empty log.
    pub fn read(path: &Path) -> Result<Chain, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Chain::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Chain::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// All records, verified or appended.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// Digest of the last record (zeros for an empty log).
    pub fn head(&self) -> [u8; 32] {
        self.digests.last().copied().unwrap_or([0; 32])
    }

    /// Position (seq) of the record whose digest is `head`.
    pub fn position_of(&self, head: &[u8; 32]) -> Option<usize> {
        self.digests.iter().position(|d| d == head)
    }

    /// Seals `record` (sequence number, link, digest) and appends it.
    pub fn append(&mut self, mut record: Record) -> &Record {
        record.seq = self.records.len() as u64;
        record.prev = hex(&self.head());
        record.hash = None;
        let digest = record.digest();
        record.hash = Some(hex(&digest));
        self.records.push(record);
        self.digests.push(digest);
        self.records.last().unwrap_or_else(|| unreachable!())
    }

    /// The whole log as it is to be written: every record, one per line.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for record in &self.records {
            out.push_str(&to_line(record));
            out.push('\n');
        }
        out
    }

    /// Records appended since the log was read.
    pub fn appended(&self) -> &[Record] {
        &self.records[self.committed..]
    }

    /// The indicators live after the first `upto` records: every added
    /// indicator not removed since, with the records that added it.
    pub fn live(&self, upto: usize) -> State {
        let mut state = State::default();
        for record in &self.records[..upto.min(self.records.len())] {
            let Some(id) = record.indicator else { continue };
            state.next_id = state.next_id.max(id + 1);
            match record.event {
                Some(Event::Add) => {
                    let entry = state.live.entry(id).or_insert_with(|| Live {
                        pdq: record.pdq.clone().unwrap_or_default(),
                        quality: record.quality.unwrap_or(0),
                        frames: record.frames.clone().unwrap_or_default(),
                        media_kind: record.media_kind.clone().unwrap_or_default(),
                        submissions: Vec::new(),
                    });
                    entry
                        .submissions
                        .push(record.submission_id.clone().unwrap_or_default());
                    if let Some(file) = &record.file_blake3 {
                        state.by_file.insert(file.clone(), id);
                    }
                }
                Some(Event::Remove) => {
                    state.live.remove(&id);
                    state.by_file.retain(|_, v| *v != id);
                }
                _ => {}
            }
        }
        state
    }

    /// Highest database version released or made so far (0 if none).
    pub fn last_version(&self) -> u64 {
        self.records
            .iter()
            .filter_map(|r| r.db_version)
            .max()
            .unwrap_or(0)
    }
}

/// An indicator as the records describe it (its first `add` record).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Live {
    /// PDQ hash, Meta's hex (images; empty for videos).
    pub pdq: String,
    /// PDQ quality (images; 0 for videos).
    pub quality: u8,
    /// The stored frames (videos; empty for images).
    pub frames: Vec<Frame>,
    /// `image` or `video`.
    pub media_kind: String,
    /// Submission ids that added it (duplicates share one indicator).
    pub submissions: Vec<String>,
}

/// The indicators live at one point of the log.
#[derive(Debug, Clone, Default)]
pub struct State {
    /// Live indicators by id.
    pub live: BTreeMap<u64, Live>,
    /// Live indicator of each submitted file's blake3.
    pub by_file: HashMap<String, u64>,
    /// The next unused indicator id (ids are never reused).
    pub next_id: u64,
}

/// Parses a 64-hex digest or key.
pub fn parse_digest(text: &str) -> Option<[u8; 32]> {
    kenmerk::Hash256::from_hex(text).ok().map(|h| *h.as_bytes())
}
