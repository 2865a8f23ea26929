//! End-to-end tests of `kenmerk hash`: the real binary on files it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn kenmerk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenmerk"))
        .args(args)
        .output()
        .expect("run kenmerk")
}

/// Writes a distinct structured PNG (seeded) and returns its path.
fn write_png(dir: &Path, name: &str, seed: u32) -> PathBuf {
    let img = image::RgbImage::from_fn(80 + seed % 7, 60, |x, y| {
        let v = (x * (seed + 3) + y * (2 * seed + 1)) % 256;
        image::Rgb([v as u8, (x * 3 + seed) as u8, (y * 5) as u8])
    });
    let path = dir.join(name);
    img.save(&path).expect("write png");
    path
}

fn stdout_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn prints_metas_csv_in_input_order() {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = (0..40)
        .map(|i| write_png(dir.path(), &format!("img{i:02}.png"), i))
        .collect();
    // Reverse order on the command line: output must follow it, not the disk.
    let args: Vec<String> = std::iter::once("hash".to_string())
        .chain(paths.iter().rev().map(|p| p.display().to_string()))
        .collect();
    let out = kenmerk(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), 40);
    for (line, path) in lines.iter().zip(paths.iter().rev()) {
        let expected = kenmerk::hash_file(path, &Default::default()).unwrap();
        assert_eq!(
            line,
            &format!("{},{},{}", expected.hash, expected.quality, path.display())
        );
    }
}

#[test]
fn a_bad_file_is_reported_and_the_rest_still_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let good1 = write_png(dir.path(), "a.png", 1);
    let bad = dir.path().join("b.png");
    std::fs::write(&bad, b"\x89PNG\r\n\x1a\n truncated").unwrap();
    let good2 = write_png(dir.path(), "c.png", 2);
    let missing = dir.path().join("missing.jpg");
    let out = kenmerk(&[
        "hash",
        good1.to_str().unwrap(),
        bad.to_str().unwrap(),
        missing.to_str().unwrap(),
        good2.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let lines = stdout_lines(&out);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].ends_with("a.png") && lines[1].ends_with("c.png"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let err_lines: Vec<&str> = stderr.lines().collect();
    assert!(
        err_lines[0].contains(bad.to_str().unwrap()) && err_lines[0].contains("PNG"),
        "{stderr}"
    );
    assert!(err_lines[1].contains(missing.to_str().unwrap()), "{stderr}");
    assert!(err_lines[2].contains("2 of 4 files"), "{stderr}");
}

#[test]
fn directories_are_walked_in_name_order_taking_images_only() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    write_png(&sub, "z.png", 5);
    write_png(dir.path(), "b.PNG", 4);
    write_png(dir.path(), "a.png", 3);
    std::fs::write(dir.path().join("notes.txt"), "not an image").unwrap();
    let out = kenmerk(&["hash", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = stdout_lines(&out)
        .iter()
        .map(|l| l.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(names, ["a.png", "b.PNG", "z.png"]);

    // With --all-files the text file is tried too, and fails.
    let out = kenmerk(&["hash", "--all-files", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.txt"));
}

#[test]
fn dihedral_and_jsonl_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_png(dir.path(), "x.png", 9);
    let expected = kenmerk::hash_file_dihedral(&path, &Default::default()).unwrap();

    let out = kenmerk(&["hash", "--dihedral", path.to_str().unwrap()]);
    assert!(out.status.success());
    let line = &stdout_lines(&out)[0];
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(fields.len(), 4);
    let variants: Vec<String> = expected.hashes.iter().map(|h| h.to_string()).collect();
    assert_eq!(fields[3], variants.join("|"));

    let out = kenmerk(&[
        "hash",
        "--dihedral",
        "--format",
        "jsonl",
        path.to_str().unwrap(),
    ]);
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(value["hash"], variants[0]);
    assert_eq!(value["quality"], expected.quality);
    assert_eq!(value["dihedral"]["rot90"], variants[1]);
    assert_eq!(value["dihedral"]["flipminus1"], variants[7]);
}

#[test]
fn limits_are_enforced_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_png(dir.path(), "big.png", 1);
    let out = kenmerk(&["hash", "--max-pixels", "100", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("big.png") && stderr.contains("over the limit"),
        "{stderr}"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(kenmerk(&["hash"]).status.code(), Some(2));
    assert_eq!(
        kenmerk(&["hash", "--format", "xml", "x"]).status.code(),
        Some(2)
    );
}
