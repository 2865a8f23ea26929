//! Opens arbitrary bytes as a video file and hashes it with vPDQ: the
//! container (demuxer), packet and decoder path of `kenmerk::video`.
//!
//! FFmpeg reads files, not memory, so each input is written to one scratch
//! file (on `/dev/shm` when present) and hashed from there. Every input
//! must come back as `Ok` or an error of an input kind (`Decode`, `Limits`,
//! `Unsupported`) that names the file; a panic, an abort, a hang
//! (`-timeout`) or an allocation over libFuzzer's limit is a finding. The
//! first byte picks the sampling (every frame or one per second) and the
//! key-frame mode; the rest is the file.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use kenmerk::ErrorKind;
use kenmerk::video::{VideoLimits, VideoOptions, hash_video_file};
use libfuzzer_sys::fuzz_target;

/// Tight bounds so that one input stays within a few hundred megabytes
/// and a few seconds.
const LIMITS: VideoLimits = VideoLimits {
    max_width: 1024,
    max_height: 1024,
    max_pixels: 640 * 480,
    max_file_bytes: 1 << 20,
    max_duration_secs: 600,
    max_frames: 600,
    max_packets_without_frame: 256,
};

fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("kenmerk-fuzz-video-{}", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, file)) = data.split_first() else {
        return;
    };
    let path = scratch();
    std::fs::write(path, file).expect("write the scratch file");
    let options = VideoOptions {
        seconds_per_hash: if mode & 1 == 0 { 0.0 } else { 1.0 },
        keyframes_only: mode & 2 != 0,
        limits: LIMITS,
        threads: 1,
    };
    match hash_video_file(path, &options) {
        Ok(video) => {
            for frame in &video.frames {
                assert!(frame.quality <= 100);
            }
            assert!(video.frames_decoded <= LIMITS.max_frames);
        }
        Err(err) => {
            assert!(
                matches!(
                    err.kind(),
                    ErrorKind::Decode | ErrorKind::Limits | ErrorKind::Unsupported
                ),
                "unexpected error kind: {err}"
            );
            assert_eq!(err.path(), Some(path.as_path()), "{err}");
            assert!(!err.reason().is_empty());
        }
    }
});
