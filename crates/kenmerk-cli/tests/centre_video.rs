//! The Centre's workflow with video submissions, through the `kenmerk`
//! binary: a build from image and video rows, records an auditor can
//! recompute, a re-encoded and downscaled copy that matches its video
//! indicator while unrelated videos match nothing, removal, deltas, `--base`
//! builds, tampering with a recorded frame, and bad video rows that refuse
//! the build whole. Videos come from `../shared/corpus/video`; copies are
//! made with the `ffmpeg` command (tools/test.sh installs it).

#![cfg(feature = "video")]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

mod common;

use common::{corpus, ffmpeg, kenmerk, manifest, ok, photos, reencode_small, s, stderr};

fn photo(n: usize) -> PathBuf {
    photos().swap_remove(n)
}

fn row(id: &str, kind: &str, path: &Path) -> String {
    format!(
        "{id},Politie Nederland,NL,2026-03-01,{kind},{}",
        path.display()
    )
}

fn db_build(manifest: &Path, base: Option<&Path>, out: &Path, records: &Path) -> Output {
    let base: Vec<&str> = base.map_or(vec![], |b| vec!["--base", s(b)]);
    db_build_with(manifest, &base, out, records)
}

fn db_build_with(manifest: &Path, extra: &[&str], out: &Path, records: &Path) -> Output {
    let mut args = vec![
        "db",
        "build",
        "--submissions",
        s(manifest),
        "--out",
        s(out),
        "--records",
        s(records),
    ];
    args.extend_from_slice(extra);
    kenmerk(&args)
}

fn verify_records(records: &Path, db: &Path) -> Output {
    kenmerk(&[
        "db",
        "records",
        "verify",
        "--records",
        s(records),
        "--db",
        s(db),
    ])
}

/// `match --video --format jsonl` results as (file name, indicator) pairs.
fn video_matches(db: &Path, videos: &[&Path]) -> Vec<(String, u64)> {
    let mut args = vec!["match", "--db", s(db), "--video", "--format", "jsonl"];
    args.extend(videos.iter().map(|p| s(p)));
    let out = ok(kenmerk(&args));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let path = Path::new(v["path"].as_str().unwrap());
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, v["indicator"].as_u64().unwrap())
        })
        .collect()
}

fn records_json(records: &Path) -> Vec<Value> {
    std::fs::read_to_string(records)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn info(db: &Path) -> Value {
    serde_json::from_slice(&ok(kenmerk(&["db", "info", s(db)])).stdout).unwrap()
}

/// What an auditor recomputes from a submitted video: `kenmerk hash
/// --video`, then the distinct frame hashes of quality 50 or more, as
/// `[frame, pdq, quality]`.
fn recomputed_frames(video: &Path) -> Vec<Value> {
    let out = ok(kenmerk(&["hash", "--video", s(video)]));
    let mut seen = HashSet::new();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let quality: u64 = f[1].parse().unwrap();
            (quality >= 50 && seen.insert(f[2].to_string())).then(|| {
                serde_json::json!({"frame": f[0].parse::<u64>().unwrap(), "pdq": f[2], "quality": quality})
            })
        })
        .collect()
}

#[test]
fn video_submissions_become_indicators_that_match_copies_and_survive_every_change() {
    let Some(videos) = corpus("video") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let (bikes, carphone) = (
        videos.join("bikes.mp4"),
        videos.join("carphone_pristine.mp4"),
    );
    let bikes_again = work.join("bikes-resubmitted.mp4");
    std::fs::copy(&bikes, &bikes_again).unwrap();
    let m = manifest(
        work,
        "m1.csv",
        &[
            row("S0", "image", &photo(0)),
            row("V1", "video", &bikes),
            row("S1", "image", &photo(1)),
            row("V2", "video", &carphone),
            row("V3", "video", &bikes_again),
        ],
    );
    let (v1, records) = (work.join("v1.kmk"), work.join("RECORDS.jsonl"));
    let out = ok(db_build(&m, None, &v1, &records));
    assert!(
        stderr(&out).contains("4 indicators (4 new, 1 duplicate submissions)"),
        "{}",
        stderr(&out)
    );
    ok(verify_records(&records, &v1));

    // The add records of a video hold its stored frames, which an auditor
    // recomputes from the file; the byte-identical copy joined indicator 1.
    let log = records_json(&records);
    let adds: Vec<&Value> = log.iter().filter(|r| r["event"] == "add").collect();
    let ids: Vec<u64> = adds
        .iter()
        .map(|r| r["indicator"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [0, 1, 2, 3, 1]);
    let (bikes_add, carphone_add) = (adds[1], adds[3]);
    assert_eq!(bikes_add["media_kind"], "video");
    assert_eq!(bikes_add["algorithm"], "vpdq");
    assert!(bikes_add.get("pdq").is_none() && bikes_add.get("quality").is_none());
    let bikes_frames = bikes_add["frames"].as_array().unwrap();
    assert_eq!(*bikes_frames, recomputed_frames(&bikes));
    assert!(bikes_frames.len() >= 5, "{bikes_frames:?}");
    assert_eq!(adds[4]["frames"], bikes_add["frames"]);
    assert_eq!(adds[4]["file_blake3"], bikes_add["file_blake3"]);
    assert_eq!(
        bikes_add["file_blake3"],
        blake3::hash(&std::fs::read(&bikes).unwrap())
            .to_hex()
            .as_str()
    );
    let carphone_frames = carphone_add["frames"].as_array().unwrap().len() as u64;
    let v1_info = info(&v1);
    assert_eq!(v1_info["by_kind"]["image"], 2);
    assert_eq!(
        v1_info["by_kind"]["video"],
        bikes_frames.len() as u64 + carphone_frames
    );
    assert_eq!(log.last().unwrap()["indicators"], 4);

    // A re-encoded, downscaled copy matches its video indicator; unrelated
    // videos match nothing.
    let small = work.join("bikes-small.webm");
    reencode_small(&bikes, &small);
    let unrelated = [videos.join("tree.avi"), videos.join("bigbuckbunny.mp4")];
    assert_eq!(
        video_matches(&v1, &[&small, &unrelated[0], &unrelated[1]]),
        [("bikes-small.webm".to_string(), 1)]
    );

    // Removing the video removes all its frames, in the next version only.
    let v1_bytes = std::fs::read(&v1).unwrap();
    let v2 = work.join("v2.kmk");
    ok(kenmerk(&[
        "db",
        "remove",
        "--db",
        s(&v1),
        "--indicator",
        "1",
        "--reason",
        "decision withdrawn",
        "--out",
        s(&v2),
        "--records",
        s(&records),
    ]));
    assert_eq!(std::fs::read(&v1).unwrap(), v1_bytes);
    assert_eq!(info(&v2)["by_kind"]["video"], carphone_frames);
    assert_eq!(video_matches(&v2, &[&small]), []);
    for db in [&v1, &v2] {
        ok(verify_records(&records, db));
    }

    // A later build adds a video on top of v2.
    let megamind = videos.join("Megamind_bugy.avi");
    let m2 = manifest(work, "m2.csv", &[row("V4", "video", &megamind)]);
    let v3 = work.join("v3.kmk");
    ok(db_build(&m2, Some(&v2), &v3, &records));
    ok(verify_records(&records, &v3));
    assert_eq!(
        video_matches(&v3, &[&megamind]),
        [("Megamind_bugy.avi".into(), 4)]
    );

    // Deltas carry the removal and the video added, byte for byte.
    for (old, new) in [(&v1, &v2), (&v2, &v3)] {
        let delta = work.join("delta.kmkd");
        ok(kenmerk(&["db", "diff", s(old), s(new), "--out", s(&delta)]));
        let rebuilt = work.join("rebuilt.kmk");
        ok(kenmerk(&[
            "db",
            "apply",
            "--db",
            s(old),
            "--delta",
            s(&delta),
            "--out",
            s(&rebuilt),
        ]));
        assert_eq!(
            std::fs::read(&rebuilt).unwrap(),
            std::fs::read(new).unwrap()
        );
    }

    // Changing one recorded frame is detected at its record.
    let text = std::fs::read_to_string(&records).unwrap();
    let line = text.lines().position(|l| l.contains("\"frames\"")).unwrap();
    let frame = bikes_frames[2]["pdq"].as_str().unwrap();
    let flipped = format!(
        "{}{}",
        &frame[..63],
        if frame.ends_with('0') { "1" } else { "0" }
    );
    std::fs::write(&records, text.replacen(frame, &flipped, 1)).unwrap();
    let out = verify_records(&records, &v3);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("record on line {}", line + 1)),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_video_row_refuses_the_whole_build_and_writes_nothing() {
    let Some(videos) = corpus("video") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path();
    let bikes = videos.join("bikes.mp4");
    let bytes = std::fs::read(&bikes).unwrap();
    let truncated = work.join("truncated.mp4");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let garbage = work.join("garbage.webm");
    std::fs::write(&garbage, vec![0x5a; 5000]).unwrap();
    let flat = work.join("flat.mp4");
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "color=c=gray:s=64x64:d=2",
        "-c:v",
        "libx264",
        s(&flat),
    ]);
    let cases: [(&Path, &[&str], &str); 6] = [
        (&truncated, &[], "truncated"),
        (&garbage, &[], "not a readable video file"),
        (
            &flat,
            &[],
            "none of its 2 sampled frames has PDQ quality 50 or more",
        ),
        (&work.join("gone.mp4"), &[], "gone.mp4"),
        (&photo(2), &[], "not a readable video file"),
        (&bikes, &["--max-duration", "5"], "over the limit of 5 s"),
    ];
    for (video, extra, reason) in cases {
        let m = manifest(
            work,
            "m.csv",
            &[row("S0", "image", &photo(0)), row("B1", "video", video)],
        );
        let (db, records) = (work.join("out.kmk"), work.join("R.jsonl"));
        let out = db_build_with(&m, extra, &db, &records);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{reason}: {err}");
        let name = video.file_name().unwrap().to_string_lossy();
        assert!(
            err.contains("line 3 (submission \"B1\")") && err.contains(&*name),
            "{reason}: {err}"
        );
        assert!(err.contains(reason), "{reason}: {err}");
        assert!(err.contains("nothing was written"), "{err}");
        assert!(
            !db.exists() && !records.exists(),
            "{reason}: files were written"
        );
        let leftovers = std::fs::read_dir(work)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0, "{reason}");
    }
}
