//! Video-to-video matching by vPDQ's rule.
//!
//! Both videos' frames are reduced to their distinct hashes of quality at
//! least 50. A frame of one video matches when some frame of the other is
//! within Hamming distance 31 (inclusive, as python-threatexchange's vPDQ
//! matcher counts). Two shares follow: the percentage of the query's frames
//! that match (`query_matched`) and the percentage of the indicator video's
//! frames that match (`indicator_matched`). The videos match when both
//! reach their thresholds, 80 % each by default.
//!
//! [`match_pair`] compares two frame lists directly (Meta's brute-force
//! matcher). [`search_videos`] does the same against every video indicator
//! of an indicator file: the query's frame hashes are scanned as one batch,
//! and each hit is credited to the video its record belongs to (the
//! record's `video_id`). [`VideoCatalog`] holds each video's frame count,
//! built once per file.

use std::collections::{HashMap, HashSet};

use super::FrameHash;
use crate::error::Result;
use crate::hash::Hash256;
use crate::index::{IndexView, MediaKind, Method, QUALITY_UNKNOWN};

/// The thresholds of the vPDQ rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MatchParams {
    /// Largest frame distance that counts as a frame match (inclusive).
    pub distance: u32,
    /// Frames below this quality are ignored.
    pub quality: u8,
    /// Smallest share (percent) of the query's frames that must match.
    pub query_threshold: f64,
    /// Smallest share (percent) of the indicator video's frames that must
    /// match.
    pub indicator_threshold: f64,
}

impl Default for MatchParams {
    fn default() -> Self {
        MatchParams {
            distance: 31,
            quality: crate::pdq::QUALITY_THRESHOLD,
            query_threshold: 80.0,
            indicator_threshold: 80.0,
        }
    }
}

impl MatchParams {
    fn decide(&self, query_matched: f64, indicator_matched: f64) -> Shares {
        Shares {
            query_matched,
            indicator_matched,
            is_match: query_matched >= self.query_threshold
                && indicator_matched >= self.indicator_threshold,
        }
    }
}

/// How much of two videos matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shares {
    /// Percentage of the query's usable frames with a match in the other.
    pub query_matched: f64,
    /// Percentage of the other video's usable frames with a match in the
    /// query.
    pub indicator_matched: f64,
    /// Whether both shares reach their thresholds.
    pub is_match: bool,
}

/// One video indicator that shares matching frames with the query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoMatch {
    /// The video indicator's id.
    pub indicator: u64,
    /// The two shares and the decision.
    pub shares: Shares,
}

/// The distinct hashes of usable frames, in first-seen order.
pub fn usable_hashes(frames: &[FrameHash], min_quality: u8) -> Vec<Hash256> {
    let mut seen = HashSet::new();
    frames
        .iter()
        .filter(|f| f.quality >= min_quality)
        .filter(|f| seen.insert(f.hash))
        .map(|f| f.hash)
        .collect()
}

/// Compares two videos' frame hashes directly (every pair).
pub fn match_pair(query: &[FrameHash], indicator: &[FrameHash], params: &MatchParams) -> Shares {
    let q = usable_hashes(query, params.quality);
    let t = usable_hashes(indicator, params.quality);
    if q.is_empty() || t.is_empty() {
        return params.decide(0.0, 0.0);
    }
    let matched_in = |a: &[Hash256], b: &[Hash256]| {
        a.iter()
            .filter(|x| b.iter().any(|y| x.distance(y) <= params.distance))
            .count()
    };
    params.decide(
        percent(matched_in(&q, &t), q.len()),
        percent(matched_in(&t, &q), t.len()),
    )
}

fn percent(part: usize, whole: usize) -> f64 {
    part as f64 * 100.0 / whole as f64
}

/// Whether a stored frame counts: quality unknown (imported without one) or
/// at least `min_quality`.
fn usable_quality(quality: u8, min_quality: u8) -> bool {
    quality == QUALITY_UNKNOWN || quality >= min_quality
}

/// The video indicators of an indicator file and their usable frame counts.
#[derive(Debug, Clone, Default)]
pub struct VideoCatalog {
    frames: HashMap<u64, usize>,
    min_quality: u8,
}

impl VideoCatalog {
    /// Reads every video record of `view` (O(n)); frames below
    /// `min_quality` are left out, and repeated hashes within a video are
    /// counted once.
    pub fn new(view: &IndexView<'_>, min_quality: u8) -> Result<Self> {
        let hashes = view.hashes();
        let mut distinct = HashSet::new();
        let mut frames = HashMap::new();
        for (position, hash) in hashes.iter().enumerate() {
            let indicator = view.indicator(position)?;
            if indicator.kind == MediaKind::Video
                && usable_quality(indicator.quality, min_quality)
                && distinct.insert((indicator.video_id, *hash))
            {
                *frames.entry(indicator.video_id).or_insert(0) += 1;
            }
        }
        Ok(VideoCatalog {
            frames,
            min_quality,
        })
    }

    /// Number of video indicators.
    pub fn videos(&self) -> usize {
        self.frames.len()
    }

    /// Usable frames of video indicator `id` (0 if unknown).
    pub fn frames(&self, id: u64) -> usize {
        self.frames.get(&id).copied().unwrap_or(0)
    }
}

/// Matches a query video against every video indicator of `view` by the
/// vPDQ rule, scanning its usable frame hashes as one batch. Returns every
/// video indicator with at least one matching frame, with both shares and
/// the decision, sorted by indicator id. `catalog` must have been built
/// from the same `view` with `params.quality`.
pub fn search_videos(
    view: &IndexView<'_>,
    catalog: &VideoCatalog,
    query: &[FrameHash],
    params: &MatchParams,
    method: Method,
) -> Result<Vec<VideoMatch>> {
    let queries = usable_hashes(query, params.quality.max(catalog.min_quality));
    if queries.is_empty() || catalog.videos() == 0 {
        return Ok(Vec::new());
    }
    let hashes = view.hashes();
    let mut query_hits: HashMap<u64, HashSet<usize>> = HashMap::new();
    let mut indicator_hits: HashMap<u64, HashSet<[u8; 32]>> = HashMap::new();
    for m in view.search(&queries, params.distance, method)? {
        let indicator = view.indicator(m.position)?;
        if indicator.kind != MediaKind::Video
            || !usable_quality(indicator.quality, catalog.min_quality)
        {
            continue;
        }
        query_hits
            .entry(indicator.video_id)
            .or_default()
            .insert(m.query);
        indicator_hits
            .entry(indicator.video_id)
            .or_default()
            .insert(hashes[m.position]);
    }
    let mut out: Vec<VideoMatch> = query_hits
        .into_iter()
        .map(|(video, hits)| {
            let frames = catalog.frames(video).max(1);
            let matched = indicator_hits.get(&video).map_or(0, HashSet::len);
            VideoMatch {
                indicator: video,
                shares: params.decide(percent(hits.len(), queries.len()), percent(matched, frames)),
            }
        })
        .collect();
    out.sort_by_key(|m| m.indicator);
    Ok(out)
}

/// Index records for a video indicator: its distinct usable frames, each
/// stored under the video's id (`id` and `video_id`) with its frame number
/// and quality.
pub fn video_records(
    id: u64,
    frames: &[FrameHash],
    min_quality: u8,
) -> Vec<(Hash256, crate::index::Indicator)> {
    let mut seen = HashSet::new();
    frames
        .iter()
        .filter(|f| f.quality >= min_quality && seen.insert(f.hash))
        .map(|f| {
            let indicator = crate::index::Indicator {
                id,
                kind: MediaKind::Video,
                quality: f.quality,
                video_id: id,
                frame: f.frame,
            };
            (f.hash, indicator)
        })
        .collect()
}
