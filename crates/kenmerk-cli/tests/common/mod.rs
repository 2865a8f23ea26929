//! Helpers shared by the command's integration tests: running the binary
//! and the `ffmpeg` command, reading their output, finding the shared
//! corpus and writing submissions manifests.

// Each test file uses a part of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `kenmerk` binary built for these tests.
pub(crate) fn kenmerk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenmerk"))
        .args(args)
        .output()
        .expect("the kenmerk binary runs")
}

/// A path as a command-line argument.
pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A command's standard output as text.
pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A command's standard error as text.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `out`, after checking that the command succeeded.
pub(crate) fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// Runs the `ffmpeg` command quietly (tools/test.sh installs it).
pub(crate) fn ffmpeg(args: &[&str]) {
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .status()
        .expect("the ffmpeg command is needed (apt-get install ffmpeg; tools/test.sh does)");
    assert!(status.success(), "ffmpeg {args:?}");
}

/// Writes a copy of `video` re-encoded with VP8 at 300 kbit/s and scaled
/// to 320 pixels wide: a copy as it might circulate.
pub(crate) fn reencode_small(video: &Path, out: &Path) {
    ffmpeg(&[
        "-i",
        s(video),
        "-vf",
        "scale=320:-2",
        "-c:v",
        "libvpx",
        "-b:v",
        "300k",
        s(out),
    ]);
}

/// `../shared/corpus/<folder>`, read in place; `None` (and a note) when
/// it is not there.
pub(crate) fn corpus(folder: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(folder);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/corpus/{folder} not found");
        None
    }
}

/// The shared corpus of ordinary photos, in name order.
pub(crate) fn photos() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/photos");
    let mut photos: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (../shared must sit beside the repo)",
                dir.display()
            )
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    photos.sort();
    photos
}

/// The header line of a submissions manifest.
pub(crate) const MANIFEST_HEADER: &str =
    "submission_id,authority,member_state,decided_on,media_kind,path";

/// Writes the manifest `dir/name` with `rows` under the header.
pub(crate) fn manifest(dir: &Path, name: &str, rows: &[String]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{MANIFEST_HEADER}\n{}\n", rows.join("\n"))).unwrap();
    path
}
