//! vPDQ conformance with Meta's `vpdq`, on reference data read in place
//! from `../shared`:
//!
//! - `testdata/threatexchange/vpdq/sample-hashes/*.txt`: every frame of
//!   Meta's sample videos (`tmk/sample-videos/*.mp4`), full resolution;
//! - `corpus/video/*.vpdq-1s.txt`: one hash per second of the corpus videos,
//!   made with PyPI `vpdq`.
//!
//! For each video: the same frame numbers, per-frame distance mean ≤ 2 and
//! max ≤ 8 (decoders and swscale differ slightly between FFmpeg versions),
//! qualities within 10, timestamps equal; and between the sample videos
//! the same vPDQ match decisions as Meta's hashes give.

#![cfg(feature = "video")]

use std::path::{Path, PathBuf};

use kenmerk::video::{self, FrameHash, MatchParams, VideoOptions};

const SAMPLE_HASHES: &str = "testdata/threatexchange/vpdq/sample-hashes";
const SAMPLE_VIDEOS: &str = "testdata/threatexchange/tmk/sample-videos";
const CORPUS: &str = "corpus/video";

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KENMERK_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    if dir.join(SAMPLE_HASHES).is_dir() && dir.join(CORPUS).is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared not found (set KENMERK_SHARED to its path)");
        None
    }
}

fn read_hashes(path: &Path) -> Vec<FrameHash> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    video::parse_lines(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Distance statistics of one video against Meta's hashes.
#[derive(Debug)]
struct Comparison {
    name: String,
    frames: usize,
    mean: f64,
    max: u32,
}

/// Hashes `video` and compares it with `expected`, asserting the frame
/// numbers and the bounds.
fn compare(
    video: &Path,
    expected: &[FrameHash],
    seconds_per_hash: f64,
    with_timestamps: bool,
) -> Comparison {
    let options = VideoOptions {
        seconds_per_hash,
        ..VideoOptions::default()
    };
    let ours = video::hash_video_file(video, &options).unwrap_or_else(|e| panic!("{e}"));
    let name = video
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let our_numbers: Vec<u32> = ours.frames.iter().map(|f| f.frame).collect();
    let their_numbers: Vec<u32> = expected.iter().map(|f| f.frame).collect();
    assert_eq!(our_numbers, their_numbers, "{name}: frame numbers differ");
    let mut total = 0u64;
    let mut max = 0;
    for (a, b) in ours.frames.iter().zip(expected) {
        let d = a.hash.distance(&b.hash);
        total += u64::from(d);
        max = max.max(d);
        assert!(
            a.quality.abs_diff(b.quality) <= 10,
            "{name} frame {}: quality {} vs Meta's {}",
            a.frame,
            a.quality,
            b.quality
        );
        if with_timestamps {
            assert_eq!(
                format!("{:.3}", a.timestamp),
                format!("{:.3}", b.timestamp),
                "{name} frame {}: timestamp",
                a.frame
            );
        }
    }
    let comparison = Comparison {
        name,
        frames: expected.len(),
        mean: total as f64 / expected.len().max(1) as f64,
        max,
    };
    println!(
        "{}: {} frames, distance mean {:.3} max {}",
        comparison.name, comparison.frames, comparison.mean, comparison.max
    );
    assert!(
        comparison.mean <= 2.0 && comparison.max <= 8,
        "{comparison:?}"
    );
    comparison
}

/// Every frame of Meta's sample videos. Debug builds hash a subset to keep
/// the suite quick; `KENMERK_VIDEO_ALL=1` (or a release build) runs all.
#[test]
fn sample_videos_every_frame_match_meta() {
    let Some(shared) = shared_dir() else { return };
    let all = !cfg!(debug_assertions) || std::env::var_os("KENMERK_VIDEO_ALL").is_some();
    let mut names: Vec<String> = std::fs::read_dir(shared.join(SAMPLE_VIDEOS))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mp4"))
        .collect();
    names.sort();
    if !all {
        names.retain(|n| SUBSET.contains(&n.as_str()));
    }
    assert!(!names.is_empty());
    for name in &names {
        let stem = name.trim_end_matches(".mp4");
        let expected = read_hashes(&shared.join(SAMPLE_HASHES).join(format!("{stem}.txt")));
        compare(
            &shared.join(SAMPLE_VIDEOS).join(name),
            &expected,
            0.0,
            false,
        );
    }
}

/// The sample videos hashed in debug builds: one of each kind (SD with a
/// bar, HD portrait, HD landscape, padded dimensions).
const SUBSET: &[&str] = &[
    "chair-22-sd-grey-bar.mp4",
    "doorknob-hd-no-bar.mp4",
    "pattern-hd-no-bar.mp4",
    "test-padded-dimensions.mp4",
];

/// One hash per second of the corpus videos (other codecs and containers).
#[test]
fn corpus_videos_one_per_second_match_meta() {
    let Some(shared) = shared_dir() else { return };
    let dir = shared.join(CORPUS);
    let mut lists: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".vpdq-1s.txt"))
        .collect();
    lists.sort();
    assert!(lists.len() >= 5, "corpus lists: {lists:?}");
    for list in lists {
        let stem = list
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".vpdq-1s.txt", "");
        let video = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| {
                p.file_stem().is_some_and(|s| s.to_string_lossy() == stem)
                    && !p.to_string_lossy().ends_with(".txt")
            })
            .unwrap_or_else(|| panic!("no video for {}", list.display()));
        compare(&video, &read_hashes(&list), 1.0, true);
    }
}

/// Between the sample videos, the vPDQ rule gives the same decisions on
/// kenmerk's hashes as on Meta's (at 1 hash per second, which is how the
/// videos would be hashed in practice).
#[test]
fn sample_video_match_decisions_equal_meta() {
    let Some(shared) = shared_dir() else { return };
    let params = MatchParams::default();
    let mut names: Vec<String> = std::fs::read_dir(shared.join(SAMPLE_VIDEOS))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".mp4"))
        .collect();
    names.sort();
    let options = VideoOptions::default();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for name in &names {
        let stem = name.trim_end_matches(".mp4");
        let hashed =
            video::hash_video_file(&shared.join(SAMPLE_VIDEOS).join(name), &options).unwrap();
        let step = video::frame_step(1.0, hashed.fps);
        let expected: Vec<FrameHash> =
            read_hashes(&shared.join(SAMPLE_HASHES).join(format!("{stem}.txt")))
                .into_iter()
                .filter(|f| u64::from(f.frame) % step == 0)
                .collect();
        ours.push(hashed.frames);
        theirs.push(expected);
    }
    let mut matches = 0;
    for i in 0..names.len() {
        for j in 0..names.len() {
            let a = video::matching::match_pair(&ours[i], &ours[j], &params);
            let b = video::matching::match_pair(&theirs[i], &theirs[j], &params);
            assert_eq!(
                a.is_match, b.is_match,
                "{} vs {}: kenmerk {a:?}, Meta {b:?}",
                names[i], names[j]
            );
            matches += usize::from(a.is_match);
        }
    }
    // The diagonal always matches; some distinct pairs do too.
    assert!(matches > names.len(), "only {matches} matching pairs");
}

/// The workspace root (two levels above this crate's manifest).
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
