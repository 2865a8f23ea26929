//! Round trips, exactness against brute force, and corrupt files.

use super::*;
use crate::hamming::{Level, distance};
use crate::hash::Hash256;

pub(super) fn random_hashes(n: usize, seed: u64) -> Vec<Hash256> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            Hash256::from_bytes(std::array::from_fn(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            }))
        })
        .collect()
}

pub(super) fn flipped(h: &Hash256, bits: &[usize]) -> Hash256 {
    let mut b = *h.as_bytes();
    for &k in bits {
        b[k / 8] ^= 1 << (k % 8);
    }
    Hash256::from_bytes(b)
}

/// Random indicators plus, for each query, planted copies at distances
/// 0..=40 with the flipped bits spread over all slots.
pub(super) fn planted(n: usize, queries: &[Hash256]) -> Vec<(Hash256, Indicator)> {
    let mut hashes = random_hashes(n, 11);
    for (qi, q) in queries.iter().enumerate() {
        for d in 0..=40usize {
            let bits: Vec<usize> = (0..d).map(|i| (i * 37 + qi * 5) % 256).collect();
            hashes[(qi * 41 + d) * 3 % n] = flipped(q, &bits);
        }
    }
    hashes
        .into_iter()
        .enumerate()
        .map(|(i, h)| (h, Indicator::image(1000 + i as u64, 90)))
        .collect()
}

pub(super) fn brute_force(
    indicators: &[(Hash256, Indicator)],
    queries: &[Hash256],
    radius: u32,
) -> Vec<Match> {
    let mut out = Vec::new();
    for (q, query) in queries.iter().enumerate() {
        for (position, (h, meta)) in indicators.iter().enumerate() {
            let d = distance(h.as_bytes(), query.as_bytes());
            if d <= radius {
                out.push(Match {
                    query: q,
                    indicator: meta.id,
                    position,
                    distance: d,
                });
            }
        }
    }
    out.sort_by_key(|m| (m.query, m.distance, m.indicator, m.position));
    out
}

#[test]
fn every_method_and_kernel_equals_brute_force() {
    let queries = random_hashes(5, 3);
    let indicators = planted(5000, &queries);
    let bytes = to_bytes(&indicators, &WriteOptions::default());
    let view = IndexView::from_bytes(&bytes).unwrap();
    view.verify().unwrap();
    for radius in [0, 1, 15, 16, 31, 32, 47, 63, 100] {
        let expected = brute_force(&indicators, &queries, radius);
        assert!(
            radius < 31 || expected.len() >= 5 * 32,
            "planted matches present"
        );
        for level in Level::ALL.into_iter().filter(|l| l.is_supported()) {
            let v = view.with_level(level).unwrap();
            assert_eq!(
                v.search(&queries, radius, Method::Flat).unwrap(),
                expected,
                "flat {level:?} r={radius}"
            );
        }
        let mih = view.search(&queries, radius, Method::Mih);
        if radius <= 79 {
            assert_eq!(mih.unwrap(), expected, "mih r={radius}");
        } else {
            assert_eq!(mih.unwrap_err().kind(), &crate::ErrorKind::Unsupported);
        }
        assert_eq!(
            view.search(&queries, radius, Method::Auto).unwrap(),
            expected,
            "auto r={radius}"
        );
    }
}

#[test]
fn top_k_equals_brute_force() {
    let queries = random_hashes(3, 5);
    let indicators = planted(3000, &queries);
    let bytes = to_bytes(
        &indicators,
        &WriteOptions {
            mih: false,
            ..Default::default()
        },
    );
    let view = IndexView::from_bytes(&bytes).unwrap();
    for (q, query) in queries.iter().enumerate() {
        for k in [0, 1, 5, 40, 3000, 5000] {
            let mut all = brute_force(&indicators, &[*query], 256);
            all.truncate(k);
            let got = view.top_k(query, k);
            assert_eq!(got, all, "query {q} k {k}");
        }
    }
}

#[test]
fn groups_match_once_at_the_closest_member() {
    let queries = random_hashes(2, 8);
    let indicators = planted(2000, &queries);
    let bytes = to_bytes(&indicators, &WriteOptions::default());
    let view = IndexView::from_bytes(&bytes).unwrap();
    // Group 0: a far variant then the exact query; group 1: unrelated.
    let far = flipped(&queries[0], &(0..20).collect::<Vec<_>>());
    let groups = vec![vec![far, queries[0]], random_hashes(2, 99)];
    let matches = view.search_groups(&groups, 31, Method::Auto).unwrap();
    let expected: Vec<Match> = brute_force(&indicators, &[queries[0]], 31);
    assert_eq!(matches, expected);
}

#[test]
fn metadata_round_trips() {
    let h = random_hashes(2, 1);
    let video = Indicator {
        id: u64::MAX,
        kind: MediaKind::Video,
        quality: 77,
        video_id: 42,
        frame: 9000,
    };
    let bytes = to_bytes(
        &[(h[0], Indicator::image(5, 100)), (h[1], video)],
        &WriteOptions::default(),
    );
    let view = IndexView::from_bytes(&bytes).unwrap();
    assert_eq!(view.len(), 2);
    assert_eq!(view.indicator(1).unwrap(), video);
    assert_eq!(view.id(0), 5);
    assert_eq!(view.hashes()[1], *h[1].as_bytes());
    let info = view.info();
    assert!(info.has_mih && info.count == 2 && info.file_bytes == bytes.len());
    assert_eq!(info.mih_layout, Some(MihLayout::equal(16)));
}

#[test]
fn empty_file_is_valid() {
    let bytes = to_bytes(&[], &WriteOptions::default());
    let view = IndexView::from_bytes(&bytes).unwrap();
    view.verify().unwrap();
    assert!(
        view.search(&random_hashes(1, 1), 31, Method::Auto)
            .unwrap()
            .is_empty()
    );
    assert!(view.top_k(&random_hashes(1, 1)[0], 3).is_empty());
}

#[test]
fn every_byte_flip_and_truncation_is_rejected() {
    let indicators = planted(200, &random_hashes(1, 4));
    let bytes = to_bytes(
        &indicators,
        &WriteOptions {
            mih: false,
            ..Default::default()
        },
    );
    for at in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[at] ^= 0x5a;
        let rejected = IndexView::from_bytes(&bad)
            .and_then(|v| v.verify())
            .is_err();
        assert!(rejected, "flip at byte {at} went unnoticed");
    }
    for len in 0..bytes.len() {
        assert!(
            IndexView::from_bytes(&bytes[..len]).is_err(),
            "truncation to {len}"
        );
    }
}

#[test]
fn byte_flips_in_tables_are_rejected_and_never_panic_a_search() {
    let queries = random_hashes(2, 6);
    let indicators = planted(300, &queries);
    let bytes = to_bytes(&indicators, &WriteOptions::default());
    let step = bytes.len() / 3000;
    for at in (0..bytes.len()).step_by(step.max(1)) {
        let mut bad = bytes.clone();
        bad[at] ^= 0xff;
        if let Ok(view) = IndexView::from_bytes(&bad) {
            assert!(view.verify().is_err(), "flip at byte {at} went unnoticed");
            // Searching an unverified, corrupt file may fail but must not panic.
            let _ = view.search(&queries, 31, Method::Mih);
            let _ = view.search(&queries, 31, Method::Flat);
        }
    }
}
