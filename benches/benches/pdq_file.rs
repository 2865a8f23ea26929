//! End to end, single thread: read a real image file, decode it and hash it.
//! kenmerk (`kenmerk::hash_file`: `image` 0.25 decoders, full-resolution
//! PDQ) against the `pdqhash` crate 0.1.1 as its users call it (`image` 0.23
//! `load_from_memory`, then `generate_pdq_full_size`, the bit-compatible
//! entry point).
//!
//! The files are a fixed set from the shared reference data
//! ([`kenmerk_benches::FILES`]); without that data the bench prints that it
//! skipped and measures nothing. Throughput is in decoded pixels.
//!
//! `kenmerk-decode-only` times kenmerk's decoding of the same bytes from
//! memory, to show how the end-to-end time splits between decoding and
//! hashing.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use kenmerk::DecodeOptions;
use kenmerk_benches::{bench_files, shared_dir};

fn pdqhash_crate_file(path: &Path) -> Option<([u8; 32], f32)> {
    let bytes = std::fs::read(path).ok()?;
    let image = image023::load_from_memory(&bytes).ok()?;
    Some(pdqhash::generate_pdq_full_size(&image))
}

fn bench_files_end_to_end(c: &mut Criterion) {
    let Some(shared) = shared_dir() else {
        return;
    };
    let options = DecodeOptions::default();
    let mut group = c.benchmark_group("pdq_file");
    // Flat sampling: ten equal samples, so a slow peer on a 12-megapixel
    // JPEG needs ten calls, not the 55 of criterion's linear ramp.
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for file in bench_files(&shared) {
        let ours = match kenmerk::hash_file(&file.path, &options) {
            Ok(h) => h,
            Err(e) => {
                println!("skipped {}: kenmerk cannot hash it: {e}", file.label);
                continue;
            }
        };
        let pixels = image::image_dimensions(&file.path).map_or(0, |(w, h)| u64::from(w * h));
        group.throughput(Throughput::Elements(pixels));
        println!("{}: kenmerk {} q{}", file.label, ours.hash, ours.quality);

        group.bench_with_input(
            BenchmarkId::new("kenmerk", file.label),
            &file.path,
            |b, path| b.iter(|| kenmerk::hash_file(black_box(path), &options)),
        );
        // kenmerk's decoding alone, from bytes in memory: the rest of the
        // end-to-end time is reading the file and hashing.
        if let Ok(bytes) = std::fs::read(&file.path) {
            group.bench_with_input(
                BenchmarkId::new("kenmerk-decode-only", file.label),
                &bytes,
                |b, bytes| b.iter(|| kenmerk::decode::decode(black_box(bytes), &options)),
            );
        }
        if pdqhash_crate_file(&file.path).is_some() {
            group.bench_with_input(
                BenchmarkId::new("pdqhash-crate", file.label),
                &file.path,
                |b, path| b.iter(|| pdqhash_crate_file(black_box(path))),
            );
        } else {
            println!(
                "skipped pdqhash-crate/{}: image 0.23 cannot decode it",
                file.label
            );
        }
    }
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default()
        .nresamples(20_000)
        .configure_from_args();
    bench_files_end_to_end(&mut criterion);
    criterion.final_summary();
}
