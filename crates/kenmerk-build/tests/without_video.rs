//! A kenmerk built without the `video` feature refuses video submissions:
//! the whole build, naming the row and the reason, with nothing written.
//! (The workspace's tests build the feature in through the CLI; run
//! `cargo test -p kenmerk-build` to build this crate without it.)

#![cfg(not(feature = "video"))]

use kenmerk_build::build::{BuildError, BuildOptions, build};

#[test]
fn video_rows_are_refused_with_the_row_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(256, 256, |x, y| {
        image::Rgb([((x * 7) ^ (y * 3)) as u8, (x * y) as u8, (x + 2 * y) as u8])
    })
    .save(&photo)
    .unwrap();
    std::fs::write(dir.path().join("clip.mp4"), b"not decoded").unwrap();
    let manifest = dir.path().join("m.csv");
    std::fs::write(
        &manifest,
        "submission_id,authority,member_state,decided_on,media_kind,path\n\
         S1,Politie,NL,2026-03-01,image,photo.png\n\
         S2,Politie,NL,2026-03-01,video,clip.mp4\n",
    )
    .unwrap();
    let (out, records) = (dir.path().join("v1.kmk"), dir.path().join("R.jsonl"));
    let err = build(
        &manifest,
        None,
        &out,
        &records,
        &BuildOptions::default(),
        &(),
    )
    .unwrap_err();
    let BuildError::Rows(rows) = &err else {
        panic!("{err}")
    };
    assert_eq!(rows.len(), 1, "{err}");
    assert_eq!(rows[0].line, 3);
    assert_eq!(rows[0].submission_id.as_deref(), Some("S2"));
    assert!(rows[0].reason.contains("clip.mp4"), "{err}");
    assert!(rows[0].reason.contains("without video support"), "{err}");
    assert!(!out.exists() && !records.exists());
}
