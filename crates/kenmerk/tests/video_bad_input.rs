//! Bad video files: each is an error of the right kind naming the file,
//! never a panic or a hang, and limits are enforced before decoding.

#![cfg(feature = "video")]

use std::path::{Path, PathBuf};

use kenmerk::ErrorKind;
use kenmerk::video::{self, VideoLimits, VideoOptions};

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("KENMERK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"))
        .join("corpus/video");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/corpus/video not found");
        None
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("video_bad_input");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Hashes `path`, expecting an error of `kind` that names it.
fn expect_error(path: &Path, options: &VideoOptions, kind: ErrorKind) -> String {
    let err = video::hash_video_file(path, options)
        .err()
        .unwrap_or_else(|| panic!("{} was hashed", path.display()));
    assert_eq!(err.kind(), &kind, "{}: {err}", path.display());
    assert_eq!(err.path(), Some(path), "{err}");
    assert!(!err.reason().is_empty());
    err.to_string()
}

#[test]
fn missing_empty_garbage_and_text_files_are_errors() {
    let options = VideoOptions::default();
    expect_error(&scratch("does-not-exist.mp4"), &options, ErrorKind::Io);
    let empty = scratch("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    expect_error(&empty, &options, ErrorKind::Decode);
    let mut state = 0x1234_5678_u32;
    let garbage: Vec<u8> = (0..100_000)
        .map(|_| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (state >> 24) as u8
        })
        .collect();
    let garbage_path = scratch("garbage.avi");
    std::fs::write(&garbage_path, &garbage).unwrap();
    expect_error(&garbage_path, &options, ErrorKind::Decode);
    let text = scratch("text.mp4");
    std::fs::write(&text, "frame,quality,hash,timestamp\n".repeat(100)).unwrap();
    expect_error(&text, &options, ErrorKind::Decode);
    // An MP4 header claiming a huge box, then nothing.
    let mut boxes = Vec::new();
    boxes.extend_from_slice(&24u32.to_be_bytes());
    boxes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    boxes.extend_from_slice(&0x7fff_ffffu32.to_be_bytes());
    boxes.extend_from_slice(b"mdat");
    let claimed = scratch("claims-2gb.mp4");
    std::fs::write(&claimed, &boxes).unwrap();
    let message = expect_error(&claimed, &options, ErrorKind::Decode);
    assert!(message.contains("truncated"), "{message}");
}

#[test]
fn truncated_and_damaged_copies_are_errors() {
    let Some(dir) = corpus() else { return };
    let options = VideoOptions::default();
    for name in [
        "bikes.mp4",
        "gradio_world.mp4",
        "tree.avi",
        "Megamind_bugy.avi",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        for percent in [1, 30, 60, 95] {
            let cut = scratch(&format!("cut{percent}-{name}"));
            std::fs::write(&cut, &bytes[..bytes.len() * percent / 100]).unwrap();
            expect_error(&cut, &options, ErrorKind::Decode);
        }
        // Bytes flipped in the middle: an error or a hash, never a panic.
        let mut damaged = bytes.clone();
        let mid = damaged.len() / 2;
        for (k, b) in damaged[mid..mid + 4096].iter_mut().enumerate() {
            *b ^= (k as u8).wrapping_mul(37) | 1;
        }
        let path = scratch(&format!("damaged-{name}"));
        std::fs::write(&path, &damaged).unwrap();
        if let Err(err) = video::hash_video_file(&path, &options) {
            assert_eq!(err.path(), Some(path.as_path()), "{err}");
        }
    }
}

#[test]
fn limits_are_checked_before_decoding() {
    let Some(dir) = corpus() else { return };
    let bikes = dir.join("bikes.mp4"); // 640x272, 10 s, 250 frames
    let with = |limits: VideoLimits| VideoOptions {
        limits,
        ..VideoOptions::default()
    };
    let base = VideoLimits::default();
    for limits in [
        VideoLimits {
            max_width: 639,
            ..base
        },
        VideoLimits {
            max_height: 271,
            ..base
        },
        VideoLimits {
            max_pixels: 640 * 272 - 1,
            ..base
        },
        VideoLimits {
            max_duration_secs: 9,
            ..base
        },
        VideoLimits {
            max_frames: 249,
            ..base
        },
        VideoLimits {
            max_file_bytes: 1000,
            ..base
        },
    ] {
        let message = expect_error(&bikes, &with(limits), ErrorKind::Limits);
        assert!(message.contains("limit"), "{message}");
        // The same limits refuse the file when only probing it.
        let probed = video::probe_video_file(&bikes, &limits).unwrap_err();
        assert_eq!(probed.kind(), &ErrorKind::Limits);
    }
    let info = video::probe_video_file(&bikes, &base).unwrap();
    assert_eq!(
        (info.width, info.height, info.frames),
        (640, 272, Some(250))
    );
    assert_eq!(info.fps, 25.0);
}

/// The workspace root (two levels above this crate's manifest).
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
