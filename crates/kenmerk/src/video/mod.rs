//! vPDQ: video hashing and matching compatible with Meta's vPDQ.
//!
//! vPDQ hashes a video as a list of frames, each with a PDQ hash: one
//! frame every `seconds_per_hash` seconds (a frame-index step of
//! `int(seconds_per_hash × fps)`; 0 hashes every frame), decoded at full
//! resolution and converted to RGB exactly as Meta's `vpdq` does (FFmpeg's
//! swscale, area filter). Each [`FrameHash`] carries the frame number, the
//! PDQ quality, the hash and the timestamp; [`format_line`] and
//! [`parse_lines`] read and write Meta's `frame,quality,hash,timestamp`
//! lines.
//!
//! Two videos match by vPDQ's rule ([`matching`]): duplicate and
//! low-quality frames are dropped, a frame matches when some frame of the
//! other video is within distance 31, and the share of each video's frames
//! that match must reach a threshold (80 % / 80 % by default).
//! [`matching::search_videos`] applies the rule to every video indicator of
//! an indicator file in one batched scan.
//!
//! Decoding files needs FFmpeg's libraries and is behind the cargo feature
//! `video` ([`hash_video_file`]); parsing, formatting and matching are
//! always available.
//!
//! ```
//! use kenmerk::video::{self, MatchParams};
//!
//! let query = video::parse_lines(
//!     "0,100,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,0.000\n",
//! )?;
//! let shares = video::matching::match_pair(&query, &query, &MatchParams::default());
//! assert!(shares.is_match);
//! # Ok::<(), kenmerk::Error>(())
//! ```

#[cfg(feature = "video")]
mod container;
#[cfg(feature = "video")]
mod decode;
mod limits;
mod lines;
pub mod matching;
mod sampling;

pub use limits::VideoLimits;
pub use lines::{format_line, parse_lines};
pub use matching::{MatchParams, Shares, VideoMatch};
pub use sampling::{frame_step, timestamp};

#[cfg(feature = "video")]
pub use decode::{VideoInfo, hash_video_file, probe_video_file};

use crate::hash::Hash256;

/// The default sampling interval: one hash per second, as Meta's tools use.
pub const DEFAULT_SECONDS_PER_HASH: f64 = 1.0;

/// The PDQ hash of one video frame, as a line of Meta's vPDQ output.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameHash {
    /// Frame number: the index of the frame in decoding output order,
    /// counted from 0 over every frame the decoder returns.
    pub frame: u32,
    /// PDQ quality 0..=100.
    pub quality: u8,
    /// The PDQ hash of the frame.
    pub hash: Hash256,
    /// Seconds from the start, as vPDQ computes it (frame / fps in single
    /// precision).
    pub timestamp: f64,
}

/// Which frames to hash and within which bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoOptions {
    /// Hash one frame per this many seconds (0: every frame).
    pub seconds_per_hash: f64,
    /// Hash only the stream's key frames instead (faster, fewer frames).
    pub keyframes_only: bool,
    /// Bounds checked on the stream's metadata before decoding, and while
    /// decoding.
    pub limits: VideoLimits,
    /// Decoder threads (1: decode on the calling thread only).
    pub threads: usize,
}

impl Default for VideoOptions {
    fn default() -> Self {
        VideoOptions {
            seconds_per_hash: DEFAULT_SECONDS_PER_HASH,
            keyframes_only: false,
            limits: VideoLimits::default(),
            threads: 1,
        }
    }
}

/// The vPDQ hash of a video: its sampled frames in frame order, and what
/// the stream declared.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoHash {
    /// Hashed frames, in increasing frame order.
    pub frames: Vec<FrameHash>,
    /// The frame rate the sampling used (average rate, else the base rate).
    pub fps: f64,
    /// Width of the hashed frames.
    pub width: u32,
    /// Height of the hashed frames.
    pub height: u32,
    /// Frames the decoder returned (all of them, hashed or not).
    pub frames_decoded: u64,
}

#[cfg(test)]
mod tests;
