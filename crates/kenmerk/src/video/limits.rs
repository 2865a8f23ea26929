//! Bounds on untrusted video files.
//!
//! The size, dimensions, duration and frame count a container declares are
//! checked before the first frame is decoded; because a container can lie,
//! the decoder is also capped (pixels per frame, frames, packets) while it
//! runs, so that no file can exhaust memory or keep the decoder busy
//! forever.

use crate::error::{Error, Result};

/// Upper bounds for one input video. The defaults admit 8K video up to
/// four hours and 16 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoLimits {
    /// Largest accepted frame width in pixels.
    pub max_width: u32,
    /// Largest accepted frame height in pixels.
    pub max_height: u32,
    /// Largest accepted width x height of a frame.
    pub max_pixels: u64,
    /// Largest accepted file size in bytes.
    pub max_file_bytes: u64,
    /// Longest accepted duration in seconds.
    pub max_duration_secs: u64,
    /// Most frames decoded from one file.
    pub max_frames: u64,
    /// Most packets read in a row without the decoder returning a frame
    /// (a stream of undecodable data is abandoned after this many).
    pub max_packets_without_frame: u64,
}

impl Default for VideoLimits {
    fn default() -> Self {
        VideoLimits {
            max_width: 8192,
            max_height: 8192,
            max_pixels: 8192 * 4320,
            max_file_bytes: 16 << 30,
            max_duration_secs: 4 * 3600,
            max_frames: 4 * 3600 * 120,
            max_packets_without_frame: 2048,
        }
    }
}

impl VideoLimits {
    /// Checks a file size.
    pub fn check_file_bytes(&self, bytes: u64) -> Result<()> {
        if bytes > self.max_file_bytes {
            return Err(Error::limits(format!(
                "video file is {bytes} bytes, over the limit of {} bytes",
                self.max_file_bytes
            )));
        }
        Ok(())
    }

    /// Checks frame dimensions.
    pub fn check_dimensions(&self, width: u32, height: u32) -> Result<()> {
        let pixels = u64::from(width) * u64::from(height);
        if width > self.max_width || height > self.max_height || pixels > self.max_pixels {
            return Err(Error::limits(format!(
                "video frames are {width}x{height}, over the limit of {}x{} and {} pixels",
                self.max_width, self.max_height, self.max_pixels
            )));
        }
        Ok(())
    }

    /// Checks a declared duration in seconds (non-finite: unknown, passes).
    pub fn check_duration(&self, seconds: f64) -> Result<()> {
        if seconds.is_finite() && seconds > self.max_duration_secs as f64 {
            return Err(Error::limits(format!(
                "video lasts {seconds:.1} s, over the limit of {} s",
                self.max_duration_secs
            )));
        }
        Ok(())
    }

    /// Checks a frame count (declared, or decoded so far).
    pub fn check_frames(&self, frames: u64) -> Result<()> {
        if frames > self.max_frames {
            return Err(Error::limits(format!(
                "video has {frames} frames or more, over the limit of {}",
                self.max_frames
            )));
        }
        Ok(())
    }
}
