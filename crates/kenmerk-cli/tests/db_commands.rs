//! End-to-end tests of `kenmerk db import|info|verify`, `query` and `match`.

use std::path::{Path, PathBuf};

use kenmerk::Hash256;

mod common;

use common::{kenmerk, s};

fn random_hashes(n: usize, seed: u64) -> Vec<Hash256> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            Hash256::from_bytes(std::array::from_fn(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            }))
        })
        .collect()
}

fn flip(h: &Hash256, bits: usize) -> Hash256 {
    let mut b = *h.as_bytes();
    for k in 0..bits {
        b[(k * 7) % 32] ^= 1 << (k % 8);
    }
    Hash256::from_bytes(b)
}

/// A database list with a header, and a query list with planted neighbours.
fn lists(dir: &Path) -> (PathBuf, PathBuf, Vec<Hash256>, Vec<Hash256>) {
    let db = random_hashes(500, 1);
    let mut queries = random_hashes(20, 2);
    queries[3] = flip(&db[10], 5);
    queries[7] = flip(&db[20], 31);
    queries[9] = flip(&db[30], 32);
    let db_list = dir.join("db.csv");
    let mut text = String::from("hash,quality\n");
    for h in &db {
        text.push_str(&format!("{h},100\n"));
    }
    std::fs::write(&db_list, text).unwrap();
    let query_list = dir.join("queries.txt");
    std::fs::write(
        &query_list,
        queries.iter().map(|h| format!("{h}\n")).collect::<String>(),
    )
    .unwrap();
    (db_list, query_list, db, queries)
}

#[test]
fn import_info_verify_and_query_agree_with_brute_force() {
    let dir = tempfile::tempdir().unwrap();
    let (db_list, query_list, db, queries) = lists(dir.path());
    let kmk = dir.path().join("db.kmk");
    let out = kenmerk(&["db", "import", "--hashes", s(&db_list), "--out", s(&kmk)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = kenmerk(&["db", "info", s(&kmk)]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["indicators"], 500);
    assert_eq!(info["by_kind"]["image"], 500);
    // 500 indicators get the smallest layout: 16 tables of 16 bits.
    let tables = &info["multi_index_tables"];
    assert_eq!(tables["count"], 16);
    assert_eq!(tables["widths"], serde_json::json!(vec![16; 16]));
    assert_eq!(tables["max_radius"], 79);
    assert!(kenmerk(&["db", "verify", s(&kmk)]).status.success());

    // Ids are line numbers: the header is line 0, so db[i] is indicator i + 1.
    let mut expected = vec!["query,indicator,distance".to_string()];
    let mut rows = Vec::new();
    for (q, query) in queries.iter().enumerate() {
        for (i, h) in db.iter().enumerate() {
            let d = query.distance(h);
            if d <= 31 {
                rows.push((q, d, i + 1));
            }
        }
    }
    rows.sort();
    assert_eq!(rows.len(), 2, "the planted pairs at distance 5 and 31");
    expected.extend(rows.iter().map(|(q, d, i)| format!("{q},{i},{d}")));
    for method in ["flat", "mih", "auto"] {
        let out = kenmerk(&[
            "query",
            "--db",
            s(&kmk),
            "--hashes",
            s(&query_list),
            "--method",
            method,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(lines, expected, "method {method}");
    }
}

#[test]
fn raw_import_equals_text_import() {
    let dir = tempfile::tempdir().unwrap();
    let hashes = random_hashes(50, 4);
    let text = dir.path().join("h.txt");
    std::fs::write(
        &text,
        hashes.iter().map(|h| format!("{h}\n")).collect::<String>(),
    )
    .unwrap();
    let raw = dir.path().join("h.bin");
    std::fs::write(
        &raw,
        hashes
            .iter()
            .flat_map(|h| *h.as_bytes())
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    let (a, b) = (dir.path().join("a.kmk"), dir.path().join("b.kmk"));
    assert!(
        kenmerk(&["db", "import", "--hashes", s(&text), "--out", s(&a)])
            .status
            .success()
    );
    assert!(
        kenmerk(&["db", "import", "--raw", s(&raw), "--out", s(&b)])
            .status
            .success()
    );
    let query = dir.path().join("q.txt");
    std::fs::write(&query, format!("{}\n", hashes[17])).unwrap();
    let qa = kenmerk(&["query", "--db", s(&a), "--hashes", s(&query)]);
    let qb = kenmerk(&["query", "--db", s(&b), "--hashes", s(&query)]);
    assert_eq!(
        String::from_utf8_lossy(&qa.stdout),
        "query,indicator,distance\n0,17,0\n"
    );
    assert_eq!(qa.stdout, qb.stdout);

    std::fs::write(&raw, [0u8; 33]).unwrap();
    let out = kenmerk(&["db", "import", "--raw", s(&raw), "--out", s(&b)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("32-byte"));
}

#[test]
fn verify_names_the_damage_and_query_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (db_list, query_list, _, _) = lists(dir.path());
    let kmk = dir.path().join("db.kmk");
    assert!(
        kenmerk(&[
            "db",
            "import",
            "--hashes",
            s(&db_list),
            "--out",
            s(&kmk),
            "--no-mih"
        ])
        .status
        .success()
    );
    let good = std::fs::read(&kmk).unwrap();
    let mut bad = good.clone();
    bad[1100] ^= 1; // inside the hash section
    std::fs::write(&kmk, &bad).unwrap();
    let out = kenmerk(&["db", "verify", s(&kmk)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("body digest mismatch"));
    assert!(
        kenmerk(&["query", "--db", s(&kmk), "--hashes", s(&query_list)])
            .status
            .code()
            .is_some()
    );

    std::fs::write(&kmk, &good[..good.len() - 1]).unwrap();
    let out = kenmerk(&["db", "verify", s(&kmk)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("truncated"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kenmerk(&["query", "--db", s(&kmk), "--hashes", s(&query_list)]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn hash_then_match_finds_edited_copies_and_prints_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    // Smooth, asymmetric structure, like a photo's low frequencies.
    let img = image::RgbImage::from_fn(160, 120, |x, y| {
        let (fx, fy) = (x as f32 / 160.0, y as f32 / 120.0);
        let v = 128.0
            + 60.0 * (7.0 * fx + 2.0 * fy * fy).sin()
            + 50.0 * (5.0 * fy - 3.0 * fx * fx).cos();
        let w = if (x as i32 - 40).pow(2) + (y as i32 - 70).pow(2) < 400 {
            255
        } else {
            0
        };
        image::Rgb([v as u8, (v * 0.8) as u8, w])
    });
    let known = dir.path().join("known.png");
    img.save(&known).unwrap();
    let mirrored = dir.path().join("mirrored.png");
    // Upside down: with 120 rows the column window is 1 pixel, so the flip is exact
    // in the blur (an even window along a flipped axis shifts the tent by a pixel).
    image::imageops::flip_vertical(&img)
        .save(&mirrored)
        .unwrap();
    let unrelated = dir.path().join("unrelated.png");
    image::RgbImage::from_fn(160, 120, |x, y| {
        image::Rgb([((x ^ y) * 5 % 256) as u8, 40, (x % 256) as u8])
    })
    .save(&unrelated)
    .unwrap();

    let out = kenmerk(&["hash", s(&known)]);
    let list = dir.path().join("known.csv");
    std::fs::write(&list, &out.stdout).unwrap();
    let kmk = dir.path().join("known.kmk");
    assert!(
        kenmerk(&["db", "import", "--hashes", s(&list), "--out", s(&kmk)])
            .status
            .success()
    );

    let out = kenmerk(&[
        "match",
        "--db",
        s(&kmk),
        s(&known),
        s(&mirrored),
        s(&unrelated),
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0], "path,indicator,distance,quality");
    assert!(
        lines[1].starts_with(&format!("{},0,0,", s(&known))),
        "{stdout}"
    );

    // With --dihedral the mirror image matches too; the unrelated one never appears.
    let out = kenmerk(&[
        "match",
        "--db",
        s(&kmk),
        "--dihedral",
        s(&known),
        s(&mirrored),
        s(&unrelated),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.contains("mirrored.png,0,"));
    assert!(!stdout.contains("unrelated"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("unrelated"));

    let out = kenmerk(&[
        "match",
        "--db",
        s(&kmk),
        "--format",
        "jsonl",
        s(&known),
        s(&unrelated),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let record: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(record["path"], s(&known));
    assert_eq!(
        (record["indicator"].as_u64(), record["distance"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(record["quality"].as_u64().is_some());
}

#[test]
fn dihedral_query_needs_dihedral_lists() {
    let dir = tempfile::tempdir().unwrap();
    let (db_list, query_list, _, _) = lists(dir.path());
    let kmk = dir.path().join("db.kmk");
    assert!(
        kenmerk(&["db", "import", "--hashes", s(&db_list), "--out", s(&kmk)])
            .status
            .success()
    );
    let out = kenmerk(&[
        "query",
        "--db",
        s(&kmk),
        "--hashes",
        s(&query_list),
        "--dihedral",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kenmerk hash --dihedral"));
}
