//! End-to-end tests of `kenmerk eval`: the real binary on a small corpus it
//! writes, checking the report's schema, its byte-identical re-runs and the
//! handling of bad files and bad options.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn kenmerk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kenmerk"))
        .args(args)
        .output()
        .expect("run kenmerk")
}

/// A mosaic of blocks with pseudo-random grey levels over a colour
/// gradient, different per `seed`: enough detail for PDQ's quality.
fn write_scene(dir: &Path, name: &str, seed: u32) {
    let img = image::RgbImage::from_fn(160 + seed * 7, 120, |x, y| {
        let block = (x / 14) * 31 + (y / 14) * 17 + seed * 101;
        let v = (block.wrapping_mul(2_654_435_761) >> 24) as u8;
        image::Rgb([v, v / 2 + (x / 2) as u8, 255 - v / 2 - (y / 2) as u8])
    });
    img.save(dir.join(name)).expect("write png");
}

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..6 {
        write_scene(dir.path(), &format!("scene{i}.png"), i);
    }
    std::fs::write(dir.path().join("broken.jpg"), b"\xff\xd8\xff\xe0 truncated").unwrap();
    dir
}

fn run_eval(corpus: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "eval",
        "--corpus",
        corpus.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--transforms",
        "jpeg50,mirror,rotate90,crop5,noise",
        "--seed",
        "3",
    ];
    args.extend_from_slice(extra);
    kenmerk(&args)
}

fn check_rate_fields(value: &Value, fields: &[&str], context: &str) {
    for f in fields {
        let x = value[f]
            .as_f64()
            .unwrap_or_else(|| panic!("{context}.{f} missing in {value}"));
        assert!(
            (0.0..=1.0).contains(&x) || *f == "count",
            "{context}.{f} = {x}"
        );
    }
}

/// The shape every algorithm section has (top level for PDQ, baselines).
fn check_algorithm_section(section: &Value, name: &str, images: u64) {
    assert_eq!(section["algorithm"], name);
    let pairs = images * (images - 1) / 2;
    assert_eq!(section["unrelated_pairs"], pairs, "{name}");
    let thresholds = section["thresholds"].as_array().unwrap();
    assert!(!thresholds.is_empty());
    for t in thresholds {
        let key = t.as_u64().unwrap().to_string();
        let fp = &section["false_positives"][&key];
        check_rate_fields(
            fp,
            &["count", "rate", "upper95"],
            &format!("{name}.fp.{key}"),
        );
        let upper = fp["upper95"].as_f64().unwrap();
        assert!(upper >= fp["rate"].as_f64().unwrap());
        if fp["count"] == 0 {
            // About 3/N for no false positive among N pairs.
            assert!((upper * pairs as f64 - 3.0).abs() < 0.5, "{upper}");
        }
        for transform in ["jpeg50", "mirror", "rotate90", "crop5", "noise"] {
            for kind in ["recall", "recall_dihedral"] {
                let r = &section["transforms"][transform][kind][&key];
                check_rate_fields(
                    r,
                    &["rate", "lower95", "upper95"],
                    &format!("{name}.{transform}.{kind}.{key}"),
                );
                let (lo, rate, hi) = (
                    r["lower95"].as_f64().unwrap(),
                    r["rate"].as_f64().unwrap(),
                    r["upper95"].as_f64().unwrap(),
                );
                assert!(
                    lo <= rate && rate <= hi,
                    "{name}.{transform}.{kind}.{key}: {r}"
                );
            }
        }
    }
}

#[test]
fn writes_the_report_and_reruns_byte_identically() {
    let corpus = corpus();
    let out = tempfile::tempdir().unwrap();
    let (first, second) = (out.path().join("a"), out.path().join("b"));
    let run = run_eval(corpus.path(), &first, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("broken.jpg"),
        "the bad file is named: {stderr}"
    );

    let text = std::fs::read_to_string(first.join("report.json")).unwrap();
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["schema"], "kenmerk-eval/1");
    assert_eq!(report["corpus"]["images"], 6);
    assert_eq!(report["corpus"]["failures"][0]["file"], "broken.jpg");
    check_algorithm_section(&report, "pdq", 6);
    for baseline in ["phash", "dhash", "ahash"] {
        check_algorithm_section(&report["baselines"][baseline], baseline, 6);
    }
    // Most re-encoded copies are found; mirrored ones mostly only with the
    // dihedral variants.
    let mirror = &report["transforms"]["mirror"];
    let rate = |v: &Value| v["31"]["rate"].as_f64().unwrap();
    assert!(rate(&mirror["recall_dihedral"]) >= 0.5, "{mirror}");
    assert!(
        rate(&mirror["recall_dihedral"]) > rate(&mirror["recall"]),
        "{mirror}"
    );
    // (Synthetic mosaics, not photos: tests/corpus_photos.rs in kenmerk-eval
    // checks the figures on real photos.)
    let jpeg = &report["transforms"]["jpeg50"];
    assert!(rate(&jpeg["recall"]) >= 0.5, "{jpeg}");
    assert!(
        mirror["definition"]
            .as_str()
            .unwrap()
            .contains("left to right")
    );

    for file in [
        "report.md",
        "recall-pdq.svg",
        "recall-pdq.png",
        "roc.svg",
        "roc.png",
        "distances.svg",
        "distances.png",
    ] {
        let bytes = std::fs::read(first.join(file)).unwrap();
        assert!(bytes.len() > 1000, "{file} is {} bytes", bytes.len());
    }
    let md = std::fs::read_to_string(first.join("report.md")).unwrap();
    assert!(md.contains("| mirror |") && md.contains("False positives"));

    // Same corpus and seed, one thread instead of many: the same bytes.
    let run = run_eval(corpus.path(), &second, &["-j", "1"]);
    assert!(run.status.success());
    let again = std::fs::read_to_string(second.join("report.json")).unwrap();
    assert!(again == text, "report.json differs between runs");
    for plot in ["roc.svg", "distances.png"] {
        assert_eq!(
            std::fs::read(first.join(plot)).unwrap(),
            std::fs::read(second.join(plot)).unwrap(),
            "{plot}"
        );
    }
}

#[test]
fn bad_options_are_refused_with_the_valid_choices() {
    let corpus = corpus();
    let out = tempfile::tempdir().unwrap();
    let run = kenmerk(&[
        "eval",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--transforms",
        "jpeg50,sepia",
    ]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("sepia") && stderr.contains("screenshot"),
        "{stderr}"
    );

    let run = kenmerk(&[
        "eval",
        "--corpus",
        corpus.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--algorithms",
        "phash",
    ]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("pdq"));

    let missing = corpus.path().join("nope");
    let run = kenmerk(&[
        "eval",
        "--corpus",
        missing.to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("nope"));
}
