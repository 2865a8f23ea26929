//! Command-line options for video files, shared by `hash` and `match`.

use kenmerk::video::{MatchParams, VideoLimits, VideoOptions};

/// Options of `hash` and `match` for video files.
#[derive(clap::Args, Debug)]
pub(crate) struct VideoArgs {
    /// Treat the inputs as video files (mp4, webm, mkv, avi, mov, ...): vPDQ, one PDQ hash
    /// per sampled frame, printed as Meta's `frame,quality,hash,timestamp` lines.
    #[arg(long)]
    pub(crate) video: bool,
    /// With --video: hash one frame every this many seconds (0: every frame).
    #[arg(long, default_value_t = 1.0, requires = "video")]
    pub(crate) seconds_per_hash: f64,
    /// With --video: hash only the key frames (faster; fewer frames).
    #[arg(long, requires = "video")]
    pub(crate) keyframes: bool,
    /// With --video: refuse videos declaring a longer duration, in seconds (checked before
    /// decoding).
    #[arg(long, default_value_t = VideoLimits::default().max_duration_secs)]
    pub(crate) max_duration: u64,
}

impl VideoArgs {
    /// The library options these arguments ask for.
    pub(crate) fn options(&self) -> Result<VideoOptions, String> {
        if !(self.seconds_per_hash.is_finite() && self.seconds_per_hash >= 0.0) {
            return Err(format!(
                "--seconds-per-hash must be 0 or more, not {}",
                self.seconds_per_hash
            ));
        }
        Ok(VideoOptions {
            seconds_per_hash: self.seconds_per_hash,
            keyframes_only: self.keyframes,
            limits: VideoLimits {
                max_duration_secs: self.max_duration,
                ..VideoLimits::default()
            },
            threads: 1,
        })
    }
}

/// Thresholds of the vPDQ matching rule, for `match --video`.
#[derive(clap::Args, Debug)]
pub(crate) struct VideoMatchArgs {
    /// With --video: smallest percentage of the query video's frames that must match.
    #[arg(long, default_value_t = 80.0, requires = "video")]
    pub(crate) query_threshold: f64,
    /// With --video: smallest percentage of the indicator video's frames that must match.
    #[arg(long, default_value_t = 80.0, requires = "video")]
    pub(crate) indicator_threshold: f64,
    /// For images: report matches with frames of video indicators too (default: image
    /// indicators only).
    #[arg(long, conflicts_with = "video")]
    pub(crate) image_matches_video_frames: bool,
}

impl VideoMatchArgs {
    /// The vPDQ rule with these thresholds and `radius` as frame distance.
    pub(crate) fn params(&self, radius: u32) -> MatchParams {
        MatchParams {
            distance: radius,
            query_threshold: self.query_threshold,
            indicator_threshold: self.indicator_threshold,
            ..MatchParams::default()
        }
    }
}
