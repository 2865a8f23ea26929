//! Multi-index search equals brute force for every layout and radius:
//! small in-memory files with forced layouts (narrow tables, so that they
//! stay small), planted near matches, radius 0, radii that are not
//! multiples of the table count, and each layout's largest radius.

use proptest::prelude::*;

use super::super::tests::{brute_force, flipped, planted, random_hashes};
use super::*;
use crate::ErrorKind;
use crate::hash::Hash256;
use crate::index::{IndexView, Indicator, Method, WriteOptions, to_bytes_with_layout};

/// Layouts of narrow tables: equal widths, and an irregular mix.
fn layouts() -> Vec<MihLayout> {
    vec![
        MihLayout::equal(16),
        MihLayout::equal(21),
        MihLayout::equal(31),
        MihLayout::new(&[
            8, 16, 11, 13, 9, 15, 10, 14, 12, 16, 16, 16, 16, 16, 16, 16, 16, 10, 10,
        ])
        .unwrap(),
    ]
}

fn check(
    indicators: &[(Hash256, Indicator)],
    queries: &[Hash256],
    layout: &MihLayout,
    radius: u32,
) {
    let bytes = to_bytes_with_layout(indicators, &WriteOptions::default(), layout);
    let view = IndexView::from_bytes(&bytes).unwrap();
    let expected = brute_force(indicators, queries, radius);
    let mih = view.search(queries, radius, Method::Mih).unwrap();
    assert_eq!(mih, expected, "{layout:?} r={radius}");
    assert_eq!(
        view.search(queries, radius, Method::Flat).unwrap(),
        expected
    );
}

#[test]
fn every_layout_and_radius_equals_brute_force() {
    let queries = random_hashes(4, 21);
    let indicators = planted(3000, &queries);
    for layout in layouts() {
        let bytes = to_bytes_with_layout(&indicators, &WriteOptions::default(), &layout);
        let view = IndexView::from_bytes(&bytes).unwrap();
        view.verify().unwrap();
        assert_eq!(view.info().mih_layout, Some(layout));
        let m = layout.tables() as u32;
        let max = layout.max_radius();
        for radius in [0, 1, 2, m - 1, m, m + 1, 2 * m + 3, 31, max - 1, max] {
            let expected = brute_force(&indicators, &queries, radius);
            assert!(radius < 31 || expected.len() >= 4 * 32, "planted");
            for method in [Method::Mih, Method::Auto] {
                let got = view.search(&queries, radius, method).unwrap();
                assert_eq!(got, expected, "{layout:?} {method:?} r={radius}");
            }
        }
        // Beyond the largest radius: MIH refuses, auto scans.
        let err = view.search(&queries, max + 1, Method::Mih).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Unsupported, "{err}");
        assert_eq!(view.plan(max + 1), Method::Flat);
        assert_eq!(
            view.search(&queries, max + 1, Method::Auto).unwrap(),
            brute_force(&indicators, &queries, max + 1)
        );
    }
}

#[test]
fn duplicates_and_tiny_files() {
    let q = random_hashes(1, 5)[0];
    // The same hash many times, and hashes that differ only within one table.
    let mut indicators: Vec<(Hash256, Indicator)> =
        (0..50).map(|i| (q, Indicator::image(i, 90))).collect();
    indicators.extend((0..40).map(|i| {
        (
            flipped(&q, &[i, i + 1]),
            Indicator::image(100 + i as u64, 90),
        )
    }));
    for layout in layouts() {
        for radius in [0, 2, 5, layout.max_radius()] {
            check(&indicators, &[q], &layout, radius);
            check(&indicators[..1], &[q], &layout, radius);
            check(&[], &[q], &layout, radius);
        }
    }
}

#[test]
fn table_keys_cover_every_bit_once() {
    for layout in layouts() {
        for bit in 0..256 {
            let one = flipped(&Hash256::from_bytes([0; 32]), &[bit]);
            let mut tables = 0;
            for (at, width) in layout.ranges() {
                let k = key(one.as_bytes(), at, width);
                if k != 0 {
                    assert_eq!(k, 1 << (bit as u32 - at), "{layout:?} bit {bit}");
                    tables += 1;
                }
            }
            assert_eq!(tables, 1, "{layout:?} bit {bit}");
        }
    }
}

/// A random layout of 22..=31 tables of 8..=12 bits.
fn small_layout() -> impl Strategy<Value = MihLayout> {
    (
        22usize..=31,
        proptest::collection::vec(any::<(u8, u8)>(), 0..40),
    )
        .prop_map(|(m, moves)| {
            let mut widths: Vec<u32> = MihLayout::equal(m).widths().collect();
            for (from, to) in moves {
                let (from, to) = (usize::from(from) % m, usize::from(to) % m);
                if widths[from] > 8 && widths[to] < 12 {
                    widths[from] -= 1;
                    widths[to] += 1;
                }
            }
            MihLayout::new(&widths).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mih_equals_brute_force(
        layout in small_layout(),
        n in 0usize..600,
        seed in any::<u64>(),
        flips in proptest::collection::vec(proptest::collection::vec(0usize..256, 0..60), 1..6),
        radius_pick in any::<u32>(),
    ) {
        let mut hashes = random_hashes(n, seed);
        let queries: Vec<Hash256> = flips
            .iter()
            .enumerate()
            .map(|(i, bits)| match hashes.get((seed as usize).wrapping_add(i * 7) % n.max(1)) {
                Some(h) => flipped(h, bits),
                None => flipped(&Hash256::from_bytes([0; 32]), bits),
            })
            .collect();
        if let (Some(first), Some(q)) = (hashes.first_mut(), queries.first()) {
            *first = *q;
        }
        let indicators: Vec<(Hash256, Indicator)> = hashes
            .into_iter()
            .enumerate()
            .map(|(i, h)| (h, Indicator::image(i as u64, 90)))
            .collect();
        let radius = radius_pick % (layout.max_radius() + 1);
        let bytes = to_bytes_with_layout(&indicators, &WriteOptions::default(), &layout);
        let view = IndexView::from_bytes(&bytes).unwrap();
        let expected = brute_force(&indicators, &queries, radius);
        prop_assert_eq!(view.search(&queries, radius, Method::Mih).unwrap(), expected.clone());
        prop_assert_eq!(view.search(&queries, radius, Method::Auto).unwrap(), expected);
    }
}
