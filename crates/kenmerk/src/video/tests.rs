use super::matching::{VideoCatalog, match_pair, search_videos, video_records};
use super::*;
use crate::index::{IndexView, Indicator, Method, WriteOptions, to_bytes};

fn frame(n: u32, quality: u8, hash: Hash256) -> FrameHash {
    FrameHash {
        frame: n,
        quality,
        hash,
        timestamp: timestamp(n, 30.0),
    }
}

/// A deterministic pseudo-random hash.
fn random_hash(seed: u64) -> Hash256 {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut bytes = [0u8; 32];
    for b in &mut bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *b = state as u8;
    }
    Hash256::from_bytes(bytes)
}

/// `hash` with its first `bits` bits flipped.
fn flip(hash: Hash256, bits: usize) -> Hash256 {
    let mut bytes = *hash.as_bytes();
    for k in 0..bits {
        bytes[k / 8] ^= 1 << (k % 8);
    }
    Hash256::from_bytes(bytes)
}

#[test]
fn frame_step_truncates_and_never_is_zero() {
    assert_eq!(frame_step(1.0, 25.0), 25);
    assert_eq!(frame_step(1.0, 30000.0 / 1001.0), 29);
    assert_eq!(frame_step(1.0, 1_000_000.0 / 66_667.0), 14);
    assert_eq!(frame_step(0.0, 30.0), 1);
    assert_eq!(frame_step(1.0, 0.5), 1);
    assert_eq!(frame_step(f64::NAN, 30.0), 1);
    assert_eq!(frame_step(2.5, 30.0), 75);
}

#[test]
fn timestamps_print_as_meta_prints_them() {
    let fps = 30000.0 / 1001.0;
    let line = |n| {
        format_line(&frame(n, 100, Hash256::ZERO))
            .rsplit(',')
            .next()
            .map(str::to_string)
    };
    assert_eq!(
        format!("{:.3}", timestamp(29, fps)),
        "0.968",
        "carphone's second hash"
    );
    assert_eq!(format!("{:.3}", timestamp(116, fps)), "3.871");
    assert_eq!(line(25).as_deref(), Some("0.833"));
}

#[test]
fn lines_round_trip_and_errors_name_the_line() {
    let text = "# a.mp4\n0,100,ccc9488c332333339b6ccccdccc94c899327932624dbcdcd4cd9c96d36b3d327,0.000\n\n25,87,3333aad8ab33a8cd33333237dccd16b5d29533334ccc352255da333294c9c9cd,1.000\n";
    let frames = parse_lines(text).unwrap();
    assert_eq!(frames.len(), 2);
    assert_eq!((frames[1].frame, frames[1].quality), (25, 87));
    let printed: Vec<String> = frames.iter().map(format_line).collect();
    assert_eq!(
        printed.join("\n") + "\n",
        text.lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    );
    // Meta's sample hashes have three fields.
    let three =
        parse_lines("3,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c")
            .unwrap();
    assert_eq!(three[0].timestamp, 0.0);
    let err = parse_lines("0,100,00,0.0\n").unwrap_err();
    assert!(err.reason().starts_with("line 1:"), "{err}");
    assert!(
        parse_lines("0,101,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0")
            .is_err()
    );
    assert!(
        parse_lines("x,1,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0")
            .is_err()
    );
    assert!(
        parse_lines("1,1,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,-1")
            .is_err()
    );
}

#[test]
fn pair_rule_counts_distinct_usable_frames_and_distance_31_inclusive() {
    let a: Vec<_> = (0..10)
        .map(|i| frame(i, 100, random_hash(i.into())))
        .collect();
    // Same video at distance 31 per frame: a match at 100 % / 100 %.
    let b: Vec<_> = a
        .iter()
        .map(|f| FrameHash {
            hash: flip(f.hash, 31),
            ..*f
        })
        .collect();
    let s = match_pair(&a, &b, &MatchParams::default());
    assert_eq!(
        (s.query_matched, s.indicator_matched, s.is_match),
        (100.0, 100.0, true)
    );
    // Distance 32: nothing.
    let c: Vec<_> = a
        .iter()
        .map(|f| FrameHash {
            hash: flip(f.hash, 32),
            ..*f
        })
        .collect();
    assert!(!match_pair(&a, &c, &MatchParams::default()).is_match);
    // The first half of `a` only: the query's share is 100 %, the other's 50 %.
    let half = match_pair(&a[..5], &a, &MatchParams::default());
    assert_eq!(
        (half.query_matched, half.indicator_matched, half.is_match),
        (100.0, 50.0, false)
    );
    let lenient = MatchParams {
        indicator_threshold: 50.0,
        ..MatchParams::default()
    };
    assert!(match_pair(&a[..5], &a, &lenient).is_match);
    // Repeated frames count once, low-quality frames not at all.
    let mut repeated = a.clone();
    repeated.extend(a.iter().map(|f| FrameHash {
        frame: f.frame + 100,
        ..*f
    }));
    repeated.push(frame(500, 10, random_hash(999)));
    let s = match_pair(&repeated, &a, &MatchParams::default());
    assert_eq!((s.query_matched, s.indicator_matched), (100.0, 100.0));
    // Nothing usable: no match.
    let dark = vec![frame(0, 0, Hash256::ZERO)];
    assert!(!match_pair(&dark, &dark, &MatchParams::default()).is_match);
}

#[test]
fn index_search_agrees_with_the_pair_rule() {
    // Three indicator videos of 20 frames; the query is video 1's frames
    // 0..17 at distance 20 plus 3 unrelated frames.
    let videos: Vec<Vec<FrameHash>> = (0..3u64)
        .map(|v| {
            (0..20)
                .map(|i| frame(i * 30, 90, random_hash(v * 1000 + u64::from(i))))
                .collect()
        })
        .collect();
    let mut records: Vec<(Hash256, Indicator)> = videos
        .iter()
        .enumerate()
        .flat_map(|(v, frames)| video_records(100 + v as u64, frames, 50))
        .collect();
    // An image indicator equal to a query frame must not count for videos.
    records.push((flip(videos[1][0].hash, 20), Indicator::image(7, 100)));
    let bytes = to_bytes(&records, &WriteOptions::default());
    let view = IndexView::from_bytes(&bytes).unwrap();
    let catalog = VideoCatalog::new(&view, 50).unwrap();
    assert_eq!((catalog.videos(), catalog.frames(101)), (3, 20));

    let mut query: Vec<FrameHash> = videos[1][..17]
        .iter()
        .map(|f| FrameHash {
            hash: flip(f.hash, 20),
            ..*f
        })
        .collect();
    query.extend((0..3).map(|i| frame(900 + i, 100, random_hash(77_000 + u64::from(i)))));
    for method in [Method::Flat, Method::Mih, Method::Auto] {
        let found =
            search_videos(&view, &catalog, &query, &MatchParams::default(), method).unwrap();
        assert_eq!(found.len(), 1, "{method:?}: {found:?}");
        let expected = match_pair(&query, &videos[1], &MatchParams::default());
        assert_eq!(found[0].indicator, 101);
        assert_eq!(found[0].shares, expected);
        assert_eq!(
            (expected.query_matched, expected.indicator_matched),
            (85.0, 85.0)
        );
        assert!(expected.is_match);
    }
    let unrelated: Vec<_> = (0..10)
        .map(|i| frame(i, 100, random_hash(5_000_000 + u64::from(i))))
        .collect();
    assert!(
        search_videos(
            &view,
            &catalog,
            &unrelated,
            &MatchParams::default(),
            Method::Auto
        )
        .unwrap()
        .is_empty()
    );
}
