//! Corrupt indicator files, each with the exact error it must produce, and
//! issued (signed, time-limited) files: period, key, tampering.

use ed25519_dalek::{Signer, SigningKey};
use kenmerk::index::{
    Index, IndexView, Indicator, IssueRequest, Method, PublicKey, WriteOptions, issue, to_bytes,
};
use kenmerk::{ErrorKind, Hash256};

fn sample() -> Vec<u8> {
    let indicators: Vec<(Hash256, Indicator)> = (0..40u64)
        .map(|i| {
            let bytes = std::array::from_fn(|k| (i as u8).wrapping_mul(31) ^ (k as u8 * 7));
            (Hash256::from_bytes(bytes), Indicator::image(i, 90))
        })
        .collect();
    to_bytes(&indicators, &WriteOptions::default())
}

fn reason(bytes: &[u8]) -> (ErrorKind, String) {
    let err = IndexView::from_bytes(bytes)
        .and_then(|v| v.verify())
        .expect_err("must be rejected");
    (err.kind().clone(), err.reason().to_string())
}

fn corrupt(what: &str) -> ErrorKind {
    ErrorKind::Corrupt {
        what: what.to_string(),
    }
}

#[test]
fn bad_magic() {
    let mut b = sample();
    b[0] = b'X';
    let (kind, _) = reason(&b);
    assert_eq!(kind, corrupt("not a kenmerk indicator file (bad magic)"));
}

#[test]
fn unsupported_versions() {
    for found in [1u32, 3, u32::MAX] {
        let mut b = sample();
        b[8..12].copy_from_slice(&found.to_le_bytes());
        let (kind, message) = reason(&b);
        assert_eq!(
            kind,
            ErrorKind::Version {
                found,
                supported: 2
            }
        );
        assert!(message.contains(&format!("version {found}")), "{message}");
    }
}

#[test]
fn truncation() {
    let b = sample();
    let (kind, _) = reason(&b[..b.len() - 1]);
    assert_eq!(
        kind,
        corrupt(&format!(
            "file is {} bytes but its header says {} (truncated or extended)",
            b.len() - 1,
            b.len()
        ))
    );
    let (kind, _) = reason(&b[..100]);
    assert_eq!(
        kind,
        corrupt("file is truncated: 100 bytes, shorter than the 1024-byte header")
    );
}

#[test]
fn section_offset_overflow() {
    let mut b = sample();
    // First section table entry: offset at 192 + 8.
    b[200..208].copy_from_slice(&u64::MAX.to_le_bytes());
    let (kind, _) = reason(&b);
    assert_eq!(
        kind,
        corrupt(&format!(
            "section 0: offset {} + length {} is outside the file",
            u64::MAX,
            40 * 32
        ))
    );
}

#[test]
fn digest_mismatches() {
    let mut b = sample();
    let last = b.len() - 1;
    b[last] ^= 1;
    assert_eq!(
        reason(&b).0,
        corrupt("body digest mismatch: the hashes, metadata or tables were altered")
    );
    let mut b = sample();
    b[40] ^= 1; // database version
    assert_eq!(
        reason(&b).0,
        corrupt("header digest mismatch: the header was altered")
    );
}

#[test]
fn bad_table_layouts() {
    // The sample (40 indicators) has 16 tables of 16 bits: byte 160 holds
    // the table count, bytes 161.. the widths.
    let mut b = sample();
    assert_eq!((b[160..177].to_vec(), b[177]), (vec![16u8; 17], 0));
    b[161] = 17;
    assert_eq!(
        reason(&b).0,
        corrupt(
            "invalid multi-index table layout: multi-index table widths sum to 257 bits, not 256"
        )
    );
    b[161] = 40;
    assert_eq!(
        reason(&b).0,
        corrupt(
            "invalid multi-index table layout: multi-index table 0 is 40 bits wide; widths are 8..=32"
        )
    );
    let mut b = sample();
    b[160] = 32;
    assert_eq!(
        reason(&b).0,
        corrupt("invalid multi-index table layout: 32 multi-index tables; a layout has 1..=31")
    );
    // Valid widths that do not fit the section's length.
    let mut b = sample();
    (b[161], b[162]) = (15, 17);
    let tables = 16 * (65_537 + 40) * 4;
    assert_eq!(
        reason(&b).0,
        corrupt(&format!(
            "the multi-index section is {tables} bytes, which does not fit the indicator count and table layout"
        ))
    );
    // Tables without a layout (as written before layouts were recorded).
    let mut b = sample();
    b[160..192].fill(0);
    assert_eq!(
        reason(&b).0,
        corrupt("the multi-index flag is set but no table layout is recorded")
    );
    // A layout without tables.
    let indicators = [(Hash256::from_bytes([1; 32]), Indicator::image(1, 90))];
    let mut b = to_bytes(
        &indicators,
        &WriteOptions {
            mih: false,
            ..WriteOptions::default()
        },
    );
    b[160] = 16;
    b[161..177].fill(16);
    assert_eq!(
        reason(&b).0,
        corrupt("a multi-index table layout is recorded but the file has no tables")
    );
}

#[test]
fn issuance_block_in_an_unissued_file() {
    let mut b = sample();
    b[600] = 1;
    assert_eq!(
        reason(&b).0,
        corrupt("the issuance block is filled in but the file is not marked as issued")
    );
}

fn key(seed: u8) -> (SigningKey, PublicKey) {
    let signing = SigningKey::from_bytes(&[seed; 32]);
    let public = PublicKey::from_bytes(signing.verifying_key().to_bytes()).unwrap();
    (signing, public)
}

fn issued(valid_from: u64, valid_until: u64, signer: &SigningKey, public: &PublicKey) -> Vec<u8> {
    let request = IssueRequest {
        issued_to: "Example Provider B.V.".to_string(),
        valid_from,
        valid_until,
        issued_at: valid_from,
    };
    issue::issue(&sample(), &request, public, |m| signer.sign(m).to_bytes()).unwrap()
}

const JAN_2026: u64 = 1_767_225_600;
const DAY: u64 = 86_400;

#[test]
fn issued_file_checks_period_and_signature() {
    let (signer, public) = key(7);
    let b = issued(JAN_2026, JAN_2026 + 30 * DAY, &signer, &public);
    let view = IndexView::from_bytes(&b).unwrap();
    view.verify().unwrap();
    let info = view.issuance().unwrap();
    assert_eq!(info.issued_to, "Example Provider B.V.");
    assert_eq!(info.public_key, *public.as_bytes());
    view.check_signature(&public).unwrap();
    view.check_period(JAN_2026).unwrap();
    view.check_period(JAN_2026 + 30 * DAY).unwrap();

    let early = view.check_period(JAN_2026 - 1).unwrap_err();
    assert_eq!(early.kind(), &ErrorKind::NotYetValid);
    assert!(early.reason().contains("not yet valid"), "{early}");
    let late = view.check_period(JAN_2026 + 30 * DAY + 1).unwrap_err();
    assert_eq!(late.kind(), &ErrorKind::Expired);
    assert!(
        late.reason().contains("has expired") && late.reason().contains("2026-01-31"),
        "{late}"
    );

    // Same file, another key.
    let (_, other) = key(8);
    assert_eq!(
        view.check_signature(&other).unwrap_err().kind(),
        &ErrorKind::Signature
    );
    // Search is unchanged by issuing.
    let plain = IndexView::from_bytes(&b).unwrap();
    let q = plain.hashes()[3];
    let found = plain
        .search(&[Hash256::from_bytes(q)], 0, Method::Flat)
        .unwrap();
    assert_eq!(found[0].indicator, 3);
}

#[test]
fn tampering_with_a_signed_file_is_detected() {
    let (signer, public) = key(7);
    let good = issued(JAN_2026, JAN_2026 + DAY, &signer, &public);
    let header_len = 1024;
    // The period, the recipient, one hash: each change breaks the signature,
    // even when the attacker recomputes the digests.
    for at in [520, 544, header_len + 5] {
        let mut b = good.clone();
        b[at] ^= 1;
        let body = *blake3::hash(&b[header_len..]).as_bytes();
        b[96..128].copy_from_slice(&body);
        let mut copy = b[..header_len].to_vec();
        copy[96..160].fill(0);
        let header = *blake3::hash(&copy).as_bytes();
        b[128..160].copy_from_slice(&header);
        let err = IndexView::from_bytes(&b)
            .and_then(|v| v.check_signature(&public))
            .unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Signature, "byte {at}: {err}");
    }
    // A body change without recomputing the digest.
    let mut b = good.clone();
    let last = b.len() - 1;
    b[last] ^= 1;
    let err = IndexView::from_bytes(&b)
        .and_then(|v| v.check_signature(&public))
        .unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Signature);
    assert!(err.reason().contains("altered after issuing"), "{err}");
}

#[test]
fn unsigned_file_with_a_key_and_reissue_are_refused() {
    let (signer, public) = key(7);
    let view_bytes = sample();
    let view = IndexView::from_bytes(&view_bytes).unwrap();
    let err = view.check_signature(&public).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Signature);
    assert!(err.reason().contains("not signed"), "{err}");

    let b = issued(JAN_2026, JAN_2026 + DAY, &signer, &public);
    let again = issue::issue(
        &b,
        &IssueRequest {
            issued_to: "x".into(),
            valid_from: 0,
            valid_until: 1,
            issued_at: 0,
        },
        &public,
        |m| signer.sign(m).to_bytes(),
    )
    .unwrap_err();
    assert_eq!(again.kind(), &ErrorKind::InvalidInput);

    // Signing with a key that is not the named public key is refused.
    let (wrong, _) = key(9);
    let err = issue::issue(
        &sample(),
        &IssueRequest {
            issued_to: "x".into(),
            valid_from: 0,
            valid_until: 1,
            issued_at: 0,
        },
        &public,
        |m| wrong.sign(m).to_bytes(),
    )
    .unwrap_err();
    assert!(err.reason().contains("does not belong"), "{err}");
}

#[test]
fn open_enforces_the_period_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (signer, public) = key(3);
    let expired = dir.path().join("expired.kmk");
    std::fs::write(
        &expired,
        issued(JAN_2026 - 60 * DAY, JAN_2026 - 30 * DAY, &signer, &public),
    )
    .unwrap();
    let err = Index::open(&expired).unwrap_err();
    assert_eq!(err.kind(), &ErrorKind::Expired);
    assert!(err.to_string().contains("expired.kmk"), "{err}");
    // Inspection ignores the period.
    Index::inspect(&expired).unwrap();

    let current = dir.path().join("current.kmk");
    std::fs::write(&current, issued(JAN_2026, u64::MAX, &signer, &public)).unwrap();
    Index::open_signed(&current, &public).unwrap();
    let (_, other) = key(4);
    assert_eq!(
        Index::open_signed(&current, &other).unwrap_err().kind(),
        &ErrorKind::Signature
    );
}

#[test]
fn public_key_text_round_trips_and_rejects_junk() {
    let (_, public) = key(5);
    assert_eq!(PublicKey::from_text(&public.to_text()).unwrap(), public);
    for junk in [
        "",
        "kenmerk-ed25519-public-key",
        "kenmerk-ed25519-public-key zz",
        "ssh-ed25519 AAAA",
    ] {
        assert!(PublicKey::from_text(junk).is_err(), "{junk:?}");
    }
}
