//! Every kernel against the scalar oracle.

use proptest::prelude::*;

use super::*;

fn random_records(n: usize, seed: u64) -> Vec<Record> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            std::array::from_fn(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
        })
        .collect()
}

/// `base` with the first `bits` bits flipped.
fn flipped(base: &Record, bits: usize) -> Record {
    let mut r = *base;
    for b in 0..bits {
        r[b / 8] ^= 1 << (b % 8);
    }
    r
}

fn supported() -> Vec<Level> {
    Level::ALL
        .into_iter()
        .filter(|l| l.is_supported())
        .collect()
}

fn run(level: Level, records: &[Record], queries: &[Record], radius: u32) -> Vec<Hit> {
    let mut hits = Vec::new();
    scan(
        level,
        records,
        queries,
        &vec![radius; queries.len()],
        &mut hits,
    );
    hits
}

#[test]
fn distance_counts_bits() {
    let a = [0u8; 32];
    assert_eq!(distance(&a, &a), 0);
    assert_eq!(distance(&a, &[0xff; 32]), 256);
    assert_eq!(distance(&a, &flipped(&a, 31)), 31);
}

#[test]
fn kernels_equal_scalar_on_edge_lengths() {
    // More queries than REGROUP_MIN_QUERIES, so both AVX-512 paths run.
    let queries = random_records(REGROUP_MIN_QUERIES + 1, 1);
    // Plant records at known distances from the first query.
    let mut pool = random_records(3000, 2);
    for (i, r) in pool.iter_mut().enumerate().step_by(7) {
        *r = flipped(&queries[0], i % 40);
    }
    for level in supported() {
        for len in [
            0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1023, 1024, 1025, 2049, 3000,
        ] {
            for radius in [0, 1, 31, 32, 128, 255, 256] {
                for batch in [&queries[..1], &queries[..]] {
                    let expected = run(Level::Scalar, &pool[..len], batch, radius);
                    let got = run(level, &pool[..len], batch, radius);
                    assert_eq!(
                        got,
                        expected,
                        "{level:?} len {len} radius {radius} queries {}",
                        batch.len()
                    );
                }
            }
        }
    }
}

#[test]
fn planted_matches_are_found_at_their_distance() {
    let query = random_records(1, 9)[0];
    let mut records = random_records(100, 10);
    for d in 0..=32 {
        records[d * 3] = flipped(&query, d);
    }
    for level in supported() {
        let hits = run(level, &records, &[query], 31);
        for d in 0..=31 {
            assert!(hits.contains(&Hit {
                query: 0,
                record: (d * 3) as u32,
                distance: d as u32
            }));
        }
        assert!(
            !hits.iter().any(|h| h.record == 96),
            "distance 32 is outside radius 31"
        );
    }
}

#[test]
fn detect_returns_a_supported_level() {
    assert!(Level::detect().is_supported());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn kernels_equal_scalar_on_random_input(
        len in 0usize..300,
        queries in 1usize..10,
        radius in 0u32..=256,
        seed in any::<u64>(),
    ) {
        let records = random_records(len, seed);
        let queries = random_records(queries, seed ^ 0xabcdef);
        let expected = run(Level::Scalar, &records, &queries, radius);
        for level in supported() {
            prop_assert_eq!(run(level, &records, &queries, radius), expected.clone());
        }
    }
}
