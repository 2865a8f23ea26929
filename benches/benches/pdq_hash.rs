//! Hashing an already-decoded RGB image, single thread: kenmerk on each
//! instruction-set level, kenmerk's dihedral hashes, kenmerk's plain
//! reference, and the Rust peers, all on the same pixels
//! ([`kenmerk_benches::smooth_rgb`]).
//!
//! Peers:
//! - `pdqhash` crate 0.1.1, `generate_pdq_full_size`: PDQ on the full image,
//!   as kenmerk does. Above 512 pixels a side also `generate_pdq`, which
//!   first shrinks the image to 512 (not Meta's output, but the crate's
//!   default entry point).
//! - `image_hasher` 3.1.1 with a 16x16 DCT mean hash (pHash-like): a
//!   different algorithm, measured as the nearest thing that crate offers.
//!
//! Converting pixels into each peer's image type happens outside the timed
//! loop. Throughput is in pixels (criterion's "elem/s").

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use kenmerk::pdq::{self, Backend, PdqHasher};
use kenmerk::{PixelBuffer, PixelFormat};
use kenmerk_benches::{SIZES, smooth_rgb};

const BACKENDS: [(Backend, &str); 3] = [
    (Backend::Portable, "portable"),
    (Backend::Avx2, "avx2"),
    (Backend::Avx512, "avx512"),
];

fn backend_name(backend: Backend) -> &'static str {
    BACKENDS
        .iter()
        .find(|(b, _)| *b == backend)
        .map_or("unknown", |(_, name)| name)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn bench_hash(c: &mut Criterion) {
    for (width, height) in SIZES {
        let pixels = smooth_rgb(width, height);
        let image = PixelBuffer::packed(&pixels, width, height, PixelFormat::Rgb8)
            .expect("generated buffer matches its size");
        let expected = pdq::reference::hash(&image);

        // Each peer's own image type, built once.
        let pdq_image = image023::DynamicImage::ImageRgb8(
            image023::RgbImage::from_raw(width as u32, height as u32, pixels.clone())
                .expect("generated buffer matches its size"),
        );
        let hasher_image = image::DynamicImage::ImageRgb8(
            image::RgbImage::from_raw(width as u32, height as u32, pixels.clone())
                .expect("generated buffer matches its size"),
        );

        // Not timed: does the pdqhash crate agree with Meta's bits here?
        let (peer_hash, peer_quality) = pdqhash::generate_pdq_full_size(&pdq_image);
        let distance = kenmerk::Hash256::from_hex(&hex(&peer_hash))
            .map(|h| h.distance(&expected.hash))
            .unwrap_or(256);
        println!(
            "{width}x{height}: kenmerk {} q{}; pdqhash crate differs in {distance} bits (its quality {peer_quality:.2} of 1)",
            expected.hash, expected.quality
        );

        let mut group = c.benchmark_group(format!("pdq_hash_{width}x{height}"));
        group
            .throughput(Throughput::Elements((width * height) as u64))
            .sample_size(20)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(2));

        for (backend, name) in BACKENDS {
            let Ok(mut hasher) = PdqHasher::with_backend(backend) else {
                println!("skipped kenmerk/{name}: this CPU does not support it");
                continue;
            };
            assert_eq!(
                hasher.hash(&image),
                expected,
                "kenmerk/{name} is not bit-exact"
            );
            group.bench_function(BenchmarkId::new("kenmerk", name), |b| {
                b.iter(|| hasher.hash(black_box(&image)));
            });
        }

        let mut hasher = PdqHasher::new();
        let best = backend_name(hasher.backend());
        group.bench_function(BenchmarkId::new("kenmerk-dihedral", best), |b| {
            b.iter(|| hasher.hash_dihedral(black_box(&image)));
        });

        group.bench_function(
            BenchmarkId::new("pdqhash-crate", "generate_pdq_full_size"),
            |b| b.iter(|| pdqhash::generate_pdq_full_size(black_box(&pdq_image))),
        );
        if width > 512 || height > 512 {
            group.bench_function(
                BenchmarkId::new("pdqhash-crate", "generate_pdq-shrinks-to-512"),
                |b| b.iter(|| pdqhash::generate_pdq(black_box(&pdq_image))),
            );
        }

        let mean_dct = image_hasher::HasherConfig::new()
            .hash_size(16, 16)
            .preproc_dct()
            .hash_alg(image_hasher::HashAlg::Mean)
            .to_hasher();
        group.bench_function(
            BenchmarkId::new("image_hasher", "dct-mean-16x16-not-pdq"),
            |b| b.iter(|| mean_dct.hash_image(black_box(&hasher_image))),
        );
        group.finish();

        // The plain oracle is slow: few samples, its own group.
        let mut group = c.benchmark_group(format!("pdq_hash_reference_{width}x{height}"));
        group
            .throughput(Throughput::Elements((width * height) as u64))
            .sample_size(10)
            .warm_up_time(Duration::from_millis(300))
            .measurement_time(Duration::from_secs(2));
        group.bench_function(BenchmarkId::new("kenmerk-reference", "plain"), |b| {
            b.iter(|| pdq::reference::hash(black_box(&image)));
        });
        group.finish();
    }
}

fn main() {
    let mut criterion = Criterion::default()
        .nresamples(20_000)
        .configure_from_args();
    bench_hash(&mut criterion);
    criterion.final_summary();
}
