//! The Centre's workflow through the `kenmerk` binary: build from confirmed
//! submissions, match edited copies, refuse bad manifests whole, remove,
//! deltas, records that reveal any alteration, signed and time-limited
//! issued copies, and writes that a crash or failure cannot half-do.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{kenmerk, manifest, ok, photos, s, stderr};

fn row(id: &str, path: &Path) -> String {
    format!(
        "{id},Politie Nederland,NL,2026-03-01,image,{}",
        path.display()
    )
}

/// Builds version 1 of `photos` in `dir`: returns (db, records).
fn build_v1(dir: &Path, photos: &[PathBuf]) -> (PathBuf, PathBuf) {
    let rows: Vec<String> = photos
        .iter()
        .enumerate()
        .map(|(i, p)| row(&format!("S{i}"), p))
        .collect();
    let m = manifest(dir, "m1.csv", &rows);
    let (db, records) = (dir.join("v1.kmk"), dir.join("RECORDS.jsonl"));
    ok(kenmerk(&[
        "db",
        "build",
        "--submissions",
        s(&m),
        "--out",
        s(&db),
        "--records",
        s(&records),
    ]));
    (db, records)
}

/// `match --format jsonl` results as (file name, indicator) pairs.
fn matches(db: &Path, extra: &[&str], paths: &[&str]) -> Vec<(String, u64)> {
    let mut args = vec!["match", "--db", s(db), "--format", "jsonl"];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    let out = kenmerk(&args);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        stderr(&out)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let name = Path::new(v["path"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, v["indicator"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn edited_copies_match_their_own_submission_and_unrelated_photos_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos();
    let submitted = &all[..10];
    let (db, _) = build_v1(dir.path(), submitted);
    let copies = dir.path().join("copies");
    std::fs::create_dir(&copies).unwrap();
    for (i, path) in submitted.iter().enumerate() {
        let img = image::open(path).unwrap().to_rgb8();
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 50)
            .encode_image(&img)
            .unwrap();
        std::fs::write(copies.join(format!("{i}-jpeg50.jpg")), jpeg).unwrap();
        image::imageops::resize(
            &img,
            img.width() / 2,
            img.height() / 2,
            image::imageops::FilterType::Triangle,
        )
        .save(copies.join(format!("{i}-half.png")))
        .unwrap();
        image::imageops::flip_horizontal(&img)
            .save(copies.join(format!("{i}-mirror.png")))
            .unwrap();
    }
    let found = matches(&db, &["--dihedral"], &[s(&copies)]);
    for i in 0..submitted.len() {
        for kind in ["jpeg50.jpg", "half.png", "mirror.png"] {
            let name = format!("{i}-{kind}");
            let hits: Vec<u64> = found
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, id)| *id)
                .collect();
            assert_eq!(hits, [i as u64], "{name}");
        }
    }
    // Without --dihedral the mirrored copies are not found; the others are.
    let plain = matches(&db, &[], &[s(&copies)]);
    assert!(plain.iter().all(|(n, _)| !n.contains("mirror")));
    assert_eq!(plain.len(), 2 * submitted.len());

    let unrelated: Vec<&str> = all[10..].iter().map(|p| s(p)).collect();
    assert_eq!(matches(&db, &["--dihedral"], &unrelated), []);
}

#[test]
fn one_bad_row_refuses_the_whole_build_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos();
    let junk = dir.path().join("junk.jpg");
    std::fs::write(&junk, b"\xff\xd8\xff\xe0 not really a jpeg").unwrap();
    let flat = dir.path().join("flat.png");
    image::RgbImage::from_pixel(128, 128, image::Rgb([90, 90, 90]))
        .save(&flat)
        .unwrap();
    let p = s(&all[3]);
    let cases = [
        (
            format!("B1,,NL,2026-03-01,image,{p}"),
            "authority is missing",
        ),
        (
            format!("B1,Met Police,UK,2026-03-01,image,{p}"),
            "not an EU-27 member state",
        ),
        (format!("B1,Politie,NL,2026-13-01,image,{p}"), "decided_on"),
        (
            format!("B1,Politie,NL,2999-01-01,image,{p}"),
            "in the future",
        ),
        (format!("B1,Politie,NL,2026-03-01,audio,{p}"), "media_kind"),
        (
            format!(
                "B1,Politie,NL,2026-03-01,image,{}",
                dir.path().join("gone.jpg").display()
            ),
            "gone.jpg",
        ),
        (row("B1", &junk), "junk.jpg"),
        (row("B1", &flat), "quality 0 is below 50"),
        (row("S0", &all[4]), "appears twice"),
    ];
    for (bad, reason) in cases {
        let rows = vec![
            row("S0", &all[0]),
            row("S1", &all[1]),
            bad,
            row("S3", &all[2]),
        ];
        let m = manifest(dir.path(), "m.csv", &rows);
        let (db, records) = (dir.path().join("out.kmk"), dir.path().join("R.jsonl"));
        let out = kenmerk(&[
            "db",
            "build",
            "--submissions",
            s(&m),
            "--out",
            s(&db),
            "--records",
            s(&records),
        ]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("line 4") && err.contains(reason),
            "{reason}: {err}"
        );
        assert!(err.contains("nothing was written"), "{err}");
        assert!(
            !db.exists() && !records.exists(),
            "{reason}: files were written"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .collect();
        assert!(leftovers.is_empty());
    }
    // JSON lines manifests get the same checks.
    let m = dir.path().join("m.jsonl");
    std::fs::write(
        &m,
        format!(
            "{{\"submission_id\":\"J1\",\"authority\":\"KRIPOS\",\"member_state\":\"NO\",\"decided_on\":\"2026-01-01\",\"media_kind\":\"image\",\"path\":\"{p}\"}}\n"
        ),
    )
    .unwrap();
    let out = kenmerk(&[
        "db",
        "build",
        "--submissions",
        s(&m),
        "--out",
        s(&dir.path().join("j.kmk")),
        "--records",
        s(&dir.path().join("J.jsonl")),
    ]);
    assert!(
        stderr(&out).contains("line 1 (submission \"J1\")"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn removal_takes_effect_in_the_new_version_only() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos();
    let (v1, records) = build_v1(dir.path(), &all[..3]);
    let v1_bytes = std::fs::read(&v1).unwrap();
    let v2 = dir.path().join("v2.kmk");
    ok(kenmerk(&[
        "db",
        "remove",
        "--db",
        s(&v1),
        "--indicator",
        "1",
        "--reason",
        "decision withdrawn by the authority",
        "--out",
        s(&v2),
        "--records",
        s(&records),
    ]));
    assert_eq!(
        std::fs::read(&v1).unwrap(),
        v1_bytes,
        "the old version changed"
    );
    assert_eq!(matches(&v1, &[], &[s(&all[1])]).len(), 1);
    assert_eq!(matches(&v2, &[], &[s(&all[1])]), []);
    assert_eq!(matches(&v2, &[], &[s(&all[2])]).len(), 1);
    let text = std::fs::read_to_string(&records).unwrap();
    assert!(text.contains("\"event\":\"remove\",\"indicator\":1,\"reason\":\"decision withdrawn"));
    for db in [&v1, &v2] {
        ok(kenmerk(&[
            "db",
            "records",
            "verify",
            "--records",
            s(&records),
            "--db",
            s(db),
        ]));
    }
    let info: serde_json::Value =
        serde_json::from_slice(&ok(kenmerk(&["db", "info", s(&v2)])).stdout).unwrap();
    assert_eq!(info["db_version"], 2);
    assert_eq!(info["indicators"], 2);
    // Removing what is not there, or without a reason, is refused.
    for (id, reason) in [("1", "again"), ("0", " ")] {
        let out = kenmerk(&[
            "db",
            "remove",
            "--db",
            s(&v2),
            "--indicator",
            id,
            "--reason",
            reason,
            "--out",
            s(&dir.path().join("v3.kmk")),
            "--records",
            s(&records),
        ]);
        assert_eq!(out.status.code(), Some(1));
    }
    // Only the latest version can be changed.
    let out = kenmerk(&[
        "db",
        "remove",
        "--db",
        s(&v1),
        "--indicator",
        "0",
        "--reason",
        "x",
        "--out",
        s(&dir.path().join("v3.kmk")),
        "--records",
        s(&records),
    ]);
    assert!(
        stderr(&out).contains("start from the latest"),
        "{}",
        stderr(&out)
    );

    // A delta brings a provider from v1 to v2, byte for byte, and only from v1.
    let delta = dir.path().join("1-2.kmkd");
    ok(kenmerk(&["db", "diff", s(&v1), s(&v2), "--out", s(&delta)]));
    let rebuilt = dir.path().join("v2-from-delta.kmk");
    ok(kenmerk(&[
        "db",
        "apply",
        "--db",
        s(&v1),
        "--delta",
        s(&delta),
        "--out",
        s(&rebuilt),
    ]));
    assert_eq!(
        std::fs::read(&rebuilt).unwrap(),
        std::fs::read(&v2).unwrap()
    );
    let out = kenmerk(&[
        "db",
        "apply",
        "--db",
        s(&v2),
        "--delta",
        s(&delta),
        "--out",
        s(&rebuilt),
    ]);
    assert!(
        stderr(&out).contains("this delta updates version 1"),
        "{}",
        stderr(&out)
    );
    let mut damaged = std::fs::read(&delta).unwrap();
    damaged[200] ^= 1;
    std::fs::write(&delta, damaged).unwrap();
    let out = kenmerk(&[
        "db",
        "apply",
        "--db",
        s(&v1),
        "--delta",
        s(&delta),
        "--out",
        s(&rebuilt),
    ]);
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
}

#[test]
fn altering_deleting_or_reordering_any_record_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos();
    let (v1, records) = build_v1(dir.path(), &all[..3]);
    let v2 = dir.path().join("v2.kmk");
    ok(kenmerk(&[
        "db",
        "remove",
        "--db",
        s(&v1),
        "--indicator",
        "0",
        "--reason",
        "duplicate of another list",
        "--out",
        s(&v2),
        "--records",
        s(&records),
    ]));
    let good = std::fs::read_to_string(&records).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    assert_eq!(lines.len(), 6); // 3 adds, release, remove, release
    let verify = |text: String| {
        std::fs::write(&records, text).unwrap();
        kenmerk(&[
            "db",
            "records",
            "verify",
            "--records",
            s(&records),
            "--db",
            s(&v2),
        ])
    };
    let join = |ls: &[&str]| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    for (i, line) in lines.iter().enumerate() {
        // Change one character of the time stamp's seconds.
        let at = line.find("Z\"").unwrap() - 1;
        let mut altered: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let digit = if &line[at..=at] == "7" { "8" } else { "7" };
        altered[i].replace_range(at..=at, digit);
        let out = verify(altered.iter().map(|l| format!("{l}\n")).collect());
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!("record on line {}", i + 1)),
            "{i}: {}",
            stderr(&out)
        );
        if i + 1 < lines.len() {
            let mut swapped = lines.clone();
            swapped.swap(i, i + 1);
            assert_eq!(verify(join(&swapped)).status.code(), Some(1));
            let mut deleted = lines.clone();
            deleted.remove(i);
            assert_eq!(verify(join(&deleted)).status.code(), Some(1));
        }
    }
    // Dropping the tail is caught against the file built from it.
    let out = verify(join(&lines[..4]));
    assert!(
        stderr(&out).contains("do not contain the record"),
        "{}",
        stderr(&out)
    );
    ok(verify(good));
}

#[test]
fn issued_copies_refuse_expiry_other_keys_and_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos();
    let (v1, records) = build_v1(dir.path(), &all[..2]);
    let centre = dir.path().join("centre");
    let other = dir.path().join("other");
    ok(kenmerk(&["keygen", "--out", s(&centre)]));
    ok(kenmerk(&["keygen", "--out", s(&other)]));
    let again = kenmerk(&["keygen", "--out", s(&centre)]);
    assert!(stderr(&again).contains("not overwriting"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("centre.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the secret key is readable by others");
    }
    let key = dir.path().join("centre.key");
    let (pubkey, other_pub) = (dir.path().join("centre.pub"), dir.path().join("other.pub"));
    let issue = |name: &str, from: &str, until: &str| {
        let out = dir.path().join(name);
        ok(kenmerk(&[
            "db",
            "issue",
            "--db",
            s(&v1),
            "--to",
            "Example Hosting B.V. / order 2026-17",
            "--valid-from",
            from,
            "--valid-until",
            until,
            "--key",
            s(&key),
            "--out",
            s(&out),
            "--records",
            s(&records),
        ]));
        out
    };
    let current = issue("current.kmk", "2020-01-01", "2999-12-31");
    let expired = issue("expired.kmk", "2020-01-01", "2020-06-30");
    let future = issue("future.kmk", "2999-01-01", "2999-12-31");
    let photo = s(&all[0]);
    assert_eq!(
        matches(&current, &["--pubkey", s(&pubkey)], &[photo]).len(),
        1
    );
    let refused = |db: &Path, key: &Path| {
        let out = kenmerk(&["match", "--db", s(db), "--pubkey", s(key), photo]);
        assert_eq!(out.status.code(), Some(1));
        assert!(out.stdout.is_empty());
        stderr(&out)
    };
    assert!(refused(&expired, &pubkey).contains("has expired"));
    assert!(refused(&future, &pubkey).contains("not yet valid"));
    assert!(refused(&current, &other_pub).contains("signed by another key"));
    // Without a key the period still applies.
    assert!(stderr(&kenmerk(&["match", "--db", s(&expired), photo])).contains("has expired"));

    let good = std::fs::read(&current).unwrap();
    let tampered = dir.path().join("tampered.kmk");
    for (at, reason) in [
        (good.len() - 3, "altered after issuing"),
        (550, "signature"),
    ] {
        let mut bytes = good.clone();
        bytes[at] ^= 1;
        std::fs::write(&tampered, bytes).unwrap();
        let err = refused(&tampered, &pubkey);
        assert!(err.contains(reason), "{at}: {err}");
    }
    // The issue is recorded, and the issued copy still checks out against the records.
    let text = std::fs::read_to_string(&records).unwrap();
    assert_eq!(text.matches("\"event\":\"issue\"").count(), 3);
    ok(kenmerk(&[
        "db",
        "records",
        "verify",
        "--records",
        s(&records),
        "--db",
        s(&current),
    ]));
    ok(kenmerk(&[
        "db",
        "verify",
        s(&current),
        "--pubkey",
        s(&pubkey),
    ]));
}

#[test]
fn a_killed_or_failed_build_leaves_the_previous_version_and_records_intact() {
    let dir = tempfile::tempdir().unwrap();
    let all = photos();
    let (v1, records) = build_v1(dir.path(), &all[..2]);
    let (v1_bytes, records_bytes) = (
        std::fs::read(&v1).unwrap(),
        std::fs::read(&records).unwrap(),
    );

    // Killed while hashing: nothing changes.
    let rows: Vec<String> = (0..2000)
        .map(|i| row(&format!("K{i}"), &all[2 + i % (all.len() - 2)]))
        .collect();
    let m = manifest(dir.path(), "big.csv", &rows);
    let mut child = Command::new(env!("CARGO_BIN_EXE_kenmerk"))
        .args([
            "db",
            "build",
            "--submissions",
            s(&m),
            "--base",
            s(&v1),
            "--out",
            s(&v1),
            "--records",
            s(&records),
            "-j",
            "1",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the build finished before it was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read(&v1).unwrap(), v1_bytes);
    assert_eq!(std::fs::read(&records).unwrap(), records_bytes);

    // Fails when putting the file in place (the target is a folder): the
    // records are restored.
    let blocked = dir.path().join("blocked.kmk");
    std::fs::create_dir(&blocked).unwrap();
    let m = manifest(dir.path(), "small.csv", &[row("N1", &all[5])]);
    let out = kenmerk(&[
        "db",
        "build",
        "--submissions",
        s(&m),
        "--base",
        s(&v1),
        "--out",
        s(&blocked),
        "--records",
        s(&records),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("records were left as they were"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&records).unwrap(), records_bytes);
    assert_eq!(std::fs::read(&v1).unwrap(), v1_bytes);
}
