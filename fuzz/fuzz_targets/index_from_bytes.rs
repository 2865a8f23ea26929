//! Opens arbitrary bytes as an indicator file and uses it as a provider
//! would: info, verify, radius search (flat and multi-index), top-k and
//! metadata, and for issued files the period and signature checks. Nothing
//! may panic, whatever the bytes; errors must be of a file kind (`Corrupt`,
//! `Version`, `Unsupported`) or, for the issuance checks, `Expired`,
//! `NotYetValid` or `Signature`.
//!
//! Two modes, chosen by the first byte:
//! - `b'M'`: the rest is a list of 5-byte patches (u32 offset, xor byte)
//!   applied to a valid file with multi-index tables (31 tables of 8 and 9
//!   bits, about 42 KiB, too large to fuzz as raw bytes), so corrupt tables
//!   and layouts are explored;
//! - anything else: the whole input is the file.

#![no_main]

use std::sync::LazyLock;

use kenmerk::index::{
    Indicator, IndexView, Method, MihLayout, PublicKey, WriteOptions, to_bytes_with_layout,
};
use kenmerk::{ErrorKind, Hash256};
use libfuzzer_sys::fuzz_target;

fn hashes(n: usize) -> Vec<Hash256> {
    (0..n)
        .map(|i| Hash256::from_bytes(std::array::from_fn(|b| (i * 31 + b * 7) as u8 ^ (b as u8).rotate_left(i as u32 % 8))))
        .collect()
}

static WITH_TABLES: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let indicators: Vec<_> = hashes(12)
        .into_iter()
        .enumerate()
        .map(|(i, h)| (h, Indicator::image(i as u64, 90)))
        .collect();
    to_bytes_with_layout(&indicators, &WriteOptions::default(), &MihLayout::equal(31))
});

fn is_file_kind(kind: &ErrorKind) -> bool {
    matches!(kind, ErrorKind::Corrupt { .. } | ErrorKind::Version { .. } | ErrorKind::Unsupported)
}

fn exercise(bytes: &[u8]) {
    let view = match IndexView::from_bytes(bytes) {
        Ok(view) => view,
        Err(err) => {
            assert!(is_file_kind(err.kind()), "{err:?}");
            return;
        }
    };
    let _ = view.info();
    let _ = view.issuance();
    for now in [0, 1_767_225_600, u64::MAX] {
        if let Err(err) = view.check_period(now) {
            assert!(matches!(err.kind(), ErrorKind::Expired | ErrorKind::NotYetValid), "{err:?}");
        }
    }
    if let Some(issuance) = view.issuance() {
        if let Ok(key) = PublicKey::from_bytes(issuance.public_key) {
            if let Err(err) = view.check_signature(&key) {
                assert!(is_file_kind(err.kind()) || *err.kind() == ErrorKind::Signature, "{err:?}");
            }
        }
    }
    if let Err(err) = view.verify() {
        assert!(is_file_kind(err.kind()), "{err:?}");
    }
    let queries = hashes(3);
    for method in [Method::Flat, Method::Mih, Method::Auto] {
        for radius in [0, 31, 64] {
            if let Ok(matches) = view.search(&queries, radius, method) {
                assert!(matches.iter().all(|m| m.distance <= radius && m.position < view.len()));
            }
        }
    }
    let top = view.top_k(&queries[0], 4);
    assert!(top.len() <= 4.min(view.len()));
    for position in [0, view.len() / 2, view.len().saturating_sub(1)] {
        if position < view.len() {
            let _ = view.id(position);
            let _ = view.indicator(position);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((b'M', patches)) => {
            let mut file = WITH_TABLES.clone();
            for patch in patches.chunks_exact(5) {
                let at = u32::from_le_bytes([patch[0], patch[1], patch[2], patch[3]]) as usize;
                let len = file.len();
                file[at % len] ^= patch[4];
            }
            exercise(&file);
        }
        _ => exercise(data),
    }
});
