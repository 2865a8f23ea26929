//! Video indicators in the records, in the check of a file against them and
//! in deltas, without decoding any video: the records and files are made
//! here as the builder makes them. Records written before videos were
//! accepted still verify byte for byte.

use kenmerk::Hash256;
use kenmerk::index::{self, IndexView, Indicator, MediaKind, WriteOptions};
use kenmerk_build::check::{expected_entries, file_against_records};
use kenmerk_build::delta;
use kenmerk_build::records::{Chain, Event, Frame, Record, hex, parse_digest};

/// Three records written by kenmerk before video rows were accepted (two
/// image `add`s and a `release`), as that version's `db build` wrote them.
const IMAGE_RECORDS: &str = concat!(
    r#"{"seq":0,"prev":"0000000000000000000000000000000000000000000000000000000000000000","time":"2026-11-22T17:40:48Z","event":"add","indicator":0,"submission_id":"G1","authority":"Politie Nederland","member_state":"NL","decided_on":"2026-03-01","media_kind":"image","file_blake3":"2cac4e3d1d36473550e7d8f12add0e36c83f90d778305ba6d3a3b79cd465d954","pdq":"5e387e38cbc1a4532b733c0a7c558236f69159ecf4c1833cd4d5d38c5a36b44e","quality":100,"algorithm":"pdq","tool":"kenmerk 0.1.0","hash":"300f756108943685f7cb554466edea47eeb87894fb202cf4efb2f06f4aa28236"}"#,
    "\n",
    r#"{"seq":1,"prev":"300f756108943685f7cb554466edea47eeb87894fb202cf4efb2f06f4aa28236","time":"2026-11-22T17:40:48Z","event":"add","indicator":1,"submission_id":"G2","authority":"Politie Nederland","member_state":"NL","decided_on":"2026-03-01","media_kind":"image","file_blake3":"bbc4815e7750d61b6c17b045225ac521f3ba90dcc7063ecec963df628d142bae","pdq":"8feb79a5a395d5c0a11bc9247b9e23c2c46cde623caeb149a611e9deafc0292c","quality":100,"algorithm":"pdq","tool":"kenmerk 0.1.0","hash":"dc0acc70d8ded78b089e6f05c813a654b2875b15448e2ab9ed36bd8096a6672f"}"#,
    "\n",
    r#"{"seq":2,"prev":"dc0acc70d8ded78b089e6f05c813a654b2875b15448e2ab9ed36bd8096a6672f","time":"2026-11-22T17:40:48Z","event":"release","db_version":1,"indicators":2,"body_blake3":"04c92143a3c9d72220e11ed2559e64e1651c6bcdd38e7ef513fb2cb92f3c2a21","header_blake3":"adb33b70e7f35fd7bc5ec9c3db4e27ddb8073483f5931b70cbda76f9970e9dd5","algorithm":"pdq","tool":"kenmerk 0.1.0","hash":"eb5acd5d288de87596ef18d1ea0d5674c23de053445e8995a1433d6e603d6f97"}"#,
    "\n",
);

type Entry = (Hash256, Indicator);

fn hash(seed: u8) -> Hash256 {
    Hash256::from_bytes(*blake3::hash(&[seed]).as_bytes())
}

fn video_frame(id: u64, frame: u32, quality: u8, seed: u8) -> Entry {
    let meta = Indicator {
        id,
        kind: MediaKind::Video,
        quality,
        video_id: id,
        frame,
    };
    (hash(seed), meta)
}

fn frames(entries: &[Entry]) -> Vec<Frame> {
    entries
        .iter()
        .map(|(h, m)| Frame {
            frame: m.frame,
            pdq: h.to_string(),
            quality: m.quality,
        })
        .collect()
}

fn add(id: u64, submission: &str) -> Record {
    Record {
        indicator: Some(id),
        submission_id: Some(submission.into()),
        authority: Some("Landeskriminalamt".into()),
        member_state: Some("DE".into()),
        decided_on: Some("2026-02-03".into()),
        file_blake3: Some(hex(&[id as u8; 32])),
        ..Record::new(Event::Add)
    }
}

fn add_image(id: u64, submission: &str, seed: u8) -> Record {
    Record {
        media_kind: Some("image".into()),
        pdq: Some(hash(seed).to_string()),
        quality: Some(90),
        ..add(id, submission)
    }
}

fn add_video(id: u64, submission: &str, entries: &[Entry]) -> Record {
    Record {
        media_kind: Some("video".into()),
        frames: Some(frames(entries)),
        algorithm: "vpdq".into(),
        ..add(id, submission)
    }
}

/// A file of `entries`, version `version`, built from the records up to
/// the one whose digest is `head`.
fn file(entries: &[Entry], head: [u8; 32], version: u64) -> Vec<u8> {
    index::to_bytes(
        entries,
        &WriteOptions {
            db_version: version,
            chain_head: head,
            mih: false,
            ..WriteOptions::default()
        },
    )
}

/// The digest of record `seq` of `chain`.
fn digest_of(chain: &Chain, seq: usize) -> [u8; 32] {
    parse_digest(chain.records()[seq].hash.as_deref().unwrap()).unwrap()
}

/// A file of `entries` built from `chain` as it stands, and the chain with
/// its `release` record.
fn release(chain: &mut Chain, entries: &[Entry], version: u64) -> Vec<u8> {
    let bytes = file(entries, chain.head(), version);
    let info = IndexView::from_bytes(&bytes).unwrap().info();
    chain.append(Record {
        db_version: Some(version),
        body_blake3: Some(hex(&info.body_digest)),
        header_blake3: Some(hex(&info.header_digest)),
        ..Record::new(Event::Release)
    });
    bytes
}

fn check(chain: &Chain, bytes: &[u8]) -> Result<usize, String> {
    file_against_records(chain, &IndexView::from_bytes(bytes).unwrap())
}

#[test]
fn records_written_before_videos_were_accepted_keep_their_bytes() {
    let mut chain = Chain::parse(IMAGE_RECORDS).expect("old records verify");
    assert_eq!(chain.to_text(), IMAGE_RECORDS);
    let state = chain.live(2);
    let entries: Vec<Entry> = state
        .live
        .iter()
        .flat_map(|(id, live)| expected_entries(*id, live).unwrap())
        .collect();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        entries[0],
        (
            Hash256::from_hex("5e387e38cbc1a4532b733c0a7c558236f69159ecf4c1833cd4d5d38c5a36b44e")
                .unwrap(),
            Indicator::image(0, 100)
        )
    );
    // A file of those indicators, built at the second record, checks out
    // once a release names it.
    let bytes = file(&entries, digest_of(&chain, 1), 1);
    let info = IndexView::from_bytes(&bytes).unwrap().info();
    chain.append(Record {
        db_version: Some(1),
        body_blake3: Some(hex(&info.body_digest)),
        ..Record::new(Event::Release)
    });
    assert_eq!(check(&chain, &bytes), Ok(1));
}

#[test]
fn a_video_record_round_trips_and_any_change_to_its_frames_is_caught() {
    let video = [video_frame(1, 0, 100, 10), video_frame(1, 25, 64, 11)];
    let mut chain = Chain::default();
    chain.append(add_video(1, "V1", &video));
    let text = chain.to_text();
    assert!(
        text.contains(&format!(
            r#""media_kind":"video","file_blake3":"{}","frames":[{{"frame":0,"pdq":"{}","quality":100}},{{"frame":25,"#,
            hex(&[1; 32]),
            hash(10)
        )),
        "{text}"
    );
    assert!(text.contains(r#""algorithm":"vpdq""#), "{text}");
    assert_eq!(Chain::parse(&text).unwrap().to_text(), text);
    for (from, to) in [
        (r#""frame":25"#, r#""frame":26"#),
        (r#""quality":64"#, r#""quality":65"#),
        (r#""quality":64}"#, r#""quality":64,"extra":1}"#),
    ] {
        let altered = text.replacen(from, to, 1);
        let err = Chain::parse(&altered).unwrap_err();
        assert_eq!(err.line, 1, "{to}: {err}");
    }
}

#[test]
fn a_file_must_hold_exactly_the_frames_the_add_record_gives() {
    let image = (hash(1), Indicator::image(0, 90));
    let video = vec![
        video_frame(1, 0, 100, 10),
        video_frame(1, 25, 80, 11),
        video_frame(1, 75, 64, 12),
    ];
    let mut chain = Chain::default();
    chain.append(add_image(0, "I0", 1));
    chain.append(add_video(1, "V1", &video));
    // A byte-identical resubmission joins the indicator with its own record.
    chain.append(add_video(1, "V1-again", &video));
    let mut good = vec![image];
    good.extend(video.iter().copied());
    let bytes = release(&mut chain, &good, 1);
    assert_eq!(check(&chain, &bytes), Ok(2));
    let live = &chain.live(3).live[&1];
    assert_eq!(live.submissions, ["V1", "V1-again"]);
    assert_eq!(expected_entries(1, live).unwrap(), video);

    let with = |change: &dyn Fn(&mut Vec<Entry>)| {
        let mut entries = good.clone();
        change(&mut entries);
        check(&chain, &file(&entries, digest_of(&chain, 2), 1)).unwrap_err()
    };
    let missing = with(&|e| {
        e.pop();
    });
    assert!(
        missing.contains("indicator 1 differs") && missing.contains("holds 2 record(s) for it"),
        "{missing}"
    );
    let extra = with(&|e| e.push(video_frame(1, 100, 70, 13)));
    assert!(extra.contains("holds 4 record(s)"), "{extra}");
    let renumbered = with(&|e| e[2].1.frame = 50);
    assert!(
        renumbered.contains("frame record 1 (frame 50) is not the recorded frame 25"),
        "{renumbered}"
    );
    let requality = with(&|e| e[3].1.quality = 99);
    assert!(requality.contains("frame record 2"), "{requality}");
    let rehashed = with(&|e| e[1].0 = hash(99));
    assert!(rehashed.contains("frame record 0"), "{rehashed}");
    let reordered = with(&|e| e.swap(1, 2));
    assert!(reordered.contains("frame record 0"), "{reordered}");
    let as_image = with(&|e| e[1].1.kind = MediaKind::Image);
    assert!(as_image.contains("frame record 0"), "{as_image}");
    let other_video = with(&|e| e[2].1.video_id = 7);
    assert!(other_video.contains("frame record 1"), "{other_video}");
    // The video's frames once before the image and once after it.
    let repeated = with(&|e| {
        let frames = e.split_off(1);
        e.splice(0..0, frames.iter().copied());
        e.extend(frames);
    });
    assert!(repeated.contains("not together"), "{repeated}");
    let image_dropped = with(&|e| {
        e.remove(0);
    });
    assert!(
        image_dropped.contains("indicator 0 is live in the records at this point but missing"),
        "{image_dropped}"
    );
}

#[test]
fn removing_a_video_removes_all_its_frames_and_deltas_carry_them() {
    let dir = tempfile::tempdir().unwrap();
    let image = (hash(1), Indicator::image(0, 90));
    let video = vec![video_frame(1, 0, 100, 10), video_frame(1, 25, 80, 11)];
    let later = vec![
        video_frame(2, 0, 70, 20),
        video_frame(2, 25, 71, 21),
        video_frame(2, 50, 72, 22),
    ];
    let mut chain = Chain::default();
    chain.append(add_image(0, "I0", 1));
    chain.append(add_video(1, "V1", &video));
    let mut v1_entries = vec![image];
    v1_entries.extend(video.iter().copied());
    let v1 = release(&mut chain, &v1_entries, 1);

    chain.append(Record {
        indicator: Some(1),
        reason: Some("withdrawn".into()),
        db_version: Some(2),
        ..Record::new(Event::Remove)
    });
    assert!(!chain.live(chain.records().len()).live.contains_key(&1));
    // A file still holding any frame of the removed video does not check out.
    let mut stale = vec![image, video[1]];
    let stale_bytes = release(&mut chain.clone(), &stale, 2);
    assert!(
        check(&chain, &stale_bytes)
            .unwrap_err()
            .contains("no live `add` record")
    );
    stale.truncate(1);
    let v2 = release(&mut chain, &stale, 2);
    assert_eq!(check(&chain, &v2), Ok(3));

    chain.append(add_video(2, "V2", &later));
    let mut v3_entries = stale.clone();
    v3_entries.extend(later.iter().copied());
    let v3 = release(&mut chain, &v3_entries, 3);
    assert_eq!(check(&chain, &v3), Ok(5));
    for (i, bytes) in [&v1, &v2, &v3].iter().enumerate() {
        std::fs::write(dir.path().join(format!("v{}.kmk", i + 1)), bytes).unwrap();
    }
    let path = |n: u32| dir.path().join(format!("v{n}.kmk"));
    for (from, to, target, removed, added) in [(1, 2, &v2, 1, 0), (2, 3, &v3, 0, 3)] {
        let (delta, summary) = delta::diff(&path(from), &path(to)).unwrap();
        assert_eq!((summary.removed, summary.added), (removed, added));
        let (rebuilt, _) = delta::apply(&path(from), &delta).unwrap();
        assert_eq!(&rebuilt, target, "v{from} -> v{to}");
    }
}
