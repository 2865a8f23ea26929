//! End-to-end tests of `kenmerk hash --video`, `db import --vpdq` and
//! `match --video`, on the corpus videos in `../shared` and copies made
//! from them with the `ffmpeg` command (re-encoded and downscaled; a still
//! frame as PNG).

#![cfg(feature = "video")]

use std::path::{Path, PathBuf};

mod common;

use common::{ffmpeg, kenmerk, reencode_small, s, stderr, stdout};

fn corpus() -> Option<PathBuf> {
    common::corpus("video")
}

fn scratch() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("video_commands");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn hash_prints_meta_lines_with_a_header_per_file() {
    let Some(dir) = corpus() else { return };
    let one = kenmerk(&["hash", "--video", s(&dir.join("bikes.mp4"))]);
    assert!(one.status.success(), "{}", stderr(&one));
    let lines: Vec<String> = stdout(&one).lines().map(str::to_string).collect();
    let frames: Vec<&str> = lines.iter().map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(
        frames,
        [
            "0", "25", "50", "75", "100", "125", "150", "175", "200", "225"
        ]
    );
    assert!(lines[1].ends_with(",1.000"), "{}", lines[1]);
    assert_eq!(lines[0].split(',').nth(2).unwrap().len(), 64);

    let every = kenmerk(&[
        "hash",
        "--video",
        "--seconds-per-hash",
        "0",
        s(&dir.join("carphone_pristine.mp4")),
    ]);
    assert_eq!(stdout(&every).lines().count(), 120);

    let two = kenmerk(&[
        "hash",
        "--video",
        s(&dir.join("tree.avi")),
        s(&dir.join("bikes.mp4")),
    ]);
    let text = stdout(&two);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
    assert_eq!(headers.len(), 2, "{text}");
    assert!(headers[0].ends_with("tree.avi"));

    let json = kenmerk(&[
        "hash",
        "--video",
        "--format",
        "jsonl",
        s(&dir.join("carphone_pristine.mp4")),
    ]);
    let first: serde_json::Value =
        serde_json::from_str(stdout(&json).lines().nth(1).unwrap()).unwrap();
    assert_eq!(first["frame"], 29);
    assert_eq!(first["timestamp"], 0.968);

    let keyframes = kenmerk(&["hash", "--video", "--keyframes", s(&dir.join("bikes.mp4"))]);
    assert!(keyframes.status.success(), "{}", stderr(&keyframes));
    assert!(stdout(&keyframes).lines().count() >= 1);
    assert!(stdout(&keyframes).starts_with("0,"));
}

#[test]
fn bad_files_are_named_and_the_others_still_hashed() {
    let Some(dir) = corpus() else { return };
    let work = scratch();
    let bytes = std::fs::read(dir.join("bikes.mp4")).unwrap();
    let truncated = work.join("truncated.mp4");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let garbage = work.join("garbage.webm");
    std::fs::write(&garbage, vec![0x5a; 5000]).unwrap();
    let out = kenmerk(&[
        "hash",
        "--video",
        s(&truncated),
        s(&dir.join("carphone_pristine.mp4")),
        s(&garbage),
        s(&work.join("missing.mp4")),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    for name in ["truncated.mp4", "garbage.webm", "missing.mp4"] {
        assert!(err.contains(name), "{name} not named: {err}");
    }
    assert!(err.contains("3 of 4 videos could not be hashed"), "{err}");
    assert!(stdout(&out).contains("# "), "the good file is still hashed");
    assert_eq!(
        stdout(&out).lines().filter(|l| !l.starts_with('#')).count(),
        5
    );
}

/// Builds a video index of three corpus videos (ids 0, 1, 2).
fn video_index(dir: &Path, work: &Path) -> PathBuf {
    let mut lists = Vec::new();
    for (i, name) in ["bikes.mp4", "gradio_world.mp4", "Megamind_bugy.avi"]
        .iter()
        .enumerate()
    {
        let out = kenmerk(&["hash", "--video", s(&dir.join(name))]);
        assert!(out.status.success(), "{}", stderr(&out));
        let list = work.join(format!("{i}.vpdq"));
        std::fs::write(&list, out.stdout).unwrap();
        lists.push(list);
    }
    let db = work.join("videos.kmk");
    let mut args = vec!["db", "import", "--out", s(&db), "--vpdq"];
    args.extend(lists.iter().map(|p| s(p)));
    let out = kenmerk(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let info: serde_json::Value =
        serde_json::from_slice(&kenmerk(&["db", "info", s(&db)]).stdout).unwrap();
    assert_eq!(info["by_kind"]["image"], 0);
    assert!(info["by_kind"]["video"].as_u64().unwrap() >= 40, "{info}");
    db
}

#[test]
fn reencoded_downscaled_copy_matches_its_indicator_and_unrelated_videos_nothing() {
    let Some(dir) = corpus() else { return };
    let work = scratch().join("match");
    std::fs::create_dir_all(&work).unwrap();
    let db = video_index(&dir, &work);
    let small = work.join("bikes-small.webm");
    reencode_small(&dir.join("bikes.mp4"), &small);
    let gradio_small = work.join("gradio-small.mp4");
    ffmpeg(&[
        "-i",
        s(&dir.join("gradio_world.mp4")),
        "-vf",
        "scale=240:-2",
        "-c:v",
        "libx264",
        "-crf",
        "32",
        "-an",
        s(&gradio_small),
    ]);
    let out = kenmerk(&[
        "match",
        "--db",
        s(&db),
        "--video",
        s(&small),
        s(&gradio_small),
        s(&dir.join("carphone_pristine.mp4")),
        s(&dir.join("bigbuckbunny.mp4")),
        s(&dir.join("tree.avi")),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(
        text.lines().next(),
        Some("path,indicator,query_matched,indicator_matched")
    );
    assert_eq!(rows.len(), 2, "{text}");
    assert!(
        rows[0][0].ends_with("bikes-small.webm") && rows[0][1] == "0",
        "{text}"
    );
    assert!(
        rows[1][0].ends_with("gradio-small.mp4") && rows[1][1] == "1",
        "{text}"
    );
    for row in &rows {
        let q: f64 = row[2].parse().unwrap();
        let i: f64 = row[3].parse().unwrap();
        assert!(q >= 80.0 && i >= 80.0, "{text}");
    }
    // Thresholds are settable: at 100 % / 100 % the downscaled copies may fail, never others.
    let json = kenmerk(&[
        "match",
        "--db",
        s(&db),
        "--video",
        "--format",
        "jsonl",
        s(&small),
    ]);
    let record: serde_json::Value =
        serde_json::from_str(stdout(&json).lines().next().unwrap()).unwrap();
    assert_eq!(record["indicator"], 0);
    assert!(record["query_matched"].as_f64().unwrap() >= 80.0);
    let strict = kenmerk(&[
        "match",
        "--db",
        s(&db),
        "--video",
        "--query-threshold",
        "101",
        s(&small),
    ]);
    assert_eq!(stdout(&strict).lines().count(), 1, "only the header");
}

#[test]
fn images_match_video_frames_only_when_asked() {
    let Some(dir) = corpus() else { return };
    let work = scratch().join("image");
    std::fs::create_dir_all(&work).unwrap();
    let db = video_index(&dir, &work);
    let still = work.join("bikes-frame-50.png");
    ffmpeg(&[
        "-i",
        s(&dir.join("bikes.mp4")),
        "-vf",
        "select=eq(n\\,50)",
        "-frames:v",
        "1",
        s(&still),
    ]);
    let plain = kenmerk(&["match", "--db", s(&db), s(&still)]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert_eq!(
        stdout(&plain).lines().count(),
        1,
        "only the header: {}",
        stdout(&plain)
    );
    let asked = kenmerk(&[
        "match",
        "--db",
        s(&db),
        "--image-matches-video-frames",
        s(&still),
    ]);
    let text = stdout(&asked);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().contains(",0,"), "{text}");
}

#[test]
fn vpdq_import_names_bad_lists() {
    let work = scratch().join("import");
    std::fs::create_dir_all(&work).unwrap();
    let bad = work.join("bad.vpdq");
    std::fs::write(&bad, "0,100,zz,0.000\n").unwrap();
    let out = kenmerk(&[
        "db",
        "import",
        "--out",
        s(&work.join("x.kmk")),
        "--vpdq",
        s(&bad),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("bad.vpdq: line 1"),
        "{}",
        stderr(&out)
    );
    let dark = work.join("dark.vpdq");
    std::fs::write(
        &dark,
        "0,10,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\n",
    )
    .unwrap();
    let out = kenmerk(&[
        "db",
        "import",
        "--out",
        s(&work.join("x.kmk")),
        "--vpdq",
        s(&dark),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("dark.vpdq: no frame of quality 50"),
        "{}",
        stderr(&out)
    );
}
