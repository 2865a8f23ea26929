//! vPDQ of whole video files, one thread: open, demux, decode every frame,
//! convert the sampled ones to RGB and PDQ-hash them
//! (`kenmerk::video::hash_video_file`).
//!
//! Per file three modes: one hash per second (vPDQ's usual setting; the
//! time is the whole file's), every frame (throughput in hashed frames per
//! second) and key frames only. The files come from the shared reference
//! data; without it the bench prints that it skipped. Meta's `vpdq` cannot
//! run inside criterion (it is a Python extension); its whole-process race
//! on the same files is `tools/video/bench.sh`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use kenmerk::video::{VideoOptions, hash_video_file};
use kenmerk_benches::shared_dir;

/// The benchmarked videos, relative to `../shared`.
const VIDEOS: &[&str] = &[
    "corpus/video/bikes.mp4",
    "testdata/threatexchange/tmk/sample-videos/chair-orig-22-sd-bar.mp4",
    "testdata/threatexchange/tmk/sample-videos/pattern-hd-no-bar.mp4",
];

fn bench_videos(c: &mut Criterion) {
    let Some(shared) = shared_dir() else {
        return;
    };
    let mut group = c.benchmark_group("video_file");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for rel in VIDEOS {
        let path = shared.join(rel);
        let label = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let modes = [
            ("1-per-second", VideoOptions::default()),
            (
                "every-frame",
                VideoOptions {
                    seconds_per_hash: 0.0,
                    ..VideoOptions::default()
                },
            ),
            (
                "keyframes",
                VideoOptions {
                    keyframes_only: true,
                    ..VideoOptions::default()
                },
            ),
        ];
        for (mode, options) in modes {
            let hashed = match hash_video_file(&path, &options) {
                Ok(h) => h,
                Err(e) => {
                    println!("skipped {label}: {e}");
                    break;
                }
            };
            group.throughput(Throughput::Elements(hashed.frames.len() as u64));
            group.bench_with_input(BenchmarkId::new(mode, &label), &path, |b, path| {
                b.iter(|| black_box(hash_video_file(path, &options).map(|h| h.frames.len())))
            });
        }
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_videos(&mut criterion);
    criterion.final_summary();
}
