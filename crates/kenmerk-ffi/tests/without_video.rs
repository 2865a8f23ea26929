//! A C library built without the `video` feature (no FFmpeg) keeps the same
//! ABI: `kenmerk_hash_video_file` returns `KENMERK_RESULT_NOT_BUILT_IN`
//! with a message naming the file, and matching vPDQ hashes made elsewhere
//! still works. Run with `cargo test -p kenmerk-ffi --no-default-features`
//! (tools/test.sh does).

#![cfg(not(feature = "video"))]

use std::ffi::{CStr, CString};
use std::ptr;

use kenmerk::Hash256;
use kenmerk::index::{WriteOptions, to_bytes};
use kenmerk::video::{FrameHash, matching::video_records};
use kenmerk_ffi::*;

#[test]
fn video_decoding_reports_not_built_in_and_matching_still_works() {
    let path = CString::new("/nonexistent/upload.mp4").unwrap();
    let mut video = ptr::null_mut();
    // SAFETY: NUL-terminated path, valid out pointer.
    let r = unsafe { kenmerk_hash_video_file(path.as_ptr(), 1.0, 0, &mut video) };
    assert_eq!(r, kenmerk_result::NotBuiltIn);
    assert!(video.is_null());
    let mut detail = [0u8; 256];
    let mut len = 0usize;
    // SAFETY: a buffer of 256 bytes and a valid length pointer.
    let r =
        unsafe { kenmerk_last_error_message(detail.as_mut_ptr().cast(), detail.len(), &mut len) };
    assert_eq!(r, kenmerk_result::Ok);
    let text = CStr::from_bytes_until_nul(&detail)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        text.contains("/nonexistent/upload.mp4") && text.contains("video"),
        "{text}"
    );

    // Frames hashed elsewhere match their video indicator.
    let frames: Vec<FrameHash> = (0..5u8)
        .map(|i| FrameHash {
            frame: u32::from(i) * 25,
            quality: 90,
            hash: Hash256::from_bytes([i.wrapping_mul(37) ^ 0x5a; 32]),
            timestamp: f64::from(i),
        })
        .collect();
    let bytes = to_bytes(&video_records(3, &frames, 50), &WriteOptions::default());
    let mut index = ptr::null_mut();
    // SAFETY: valid slice and out pointer.
    let r = unsafe { kenmerk_index_open_bytes(bytes.as_ptr(), bytes.len(), &mut index) };
    assert_eq!(r, kenmerk_result::Ok);
    let records: Vec<kenmerk_video_frame> = frames
        .iter()
        .map(|f| kenmerk_video_frame {
            frame: f.frame,
            quality: i32::from(f.quality),
            timestamp: f.timestamp,
            hash: *f.hash.as_bytes(),
        })
        .collect();
    // SAFETY: `records` holds records.len() frames; valid out pointer.
    let r = unsafe { kenmerk_video_from_frames(records.as_ptr(), records.len(), &mut video) };
    assert_eq!(r, kenmerk_result::Ok);
    let mut out = [kenmerk_video_match {
        indicator: 0,
        query_matched: 0.0,
        indicator_matched: 0.0,
    }; 2];
    // SAFETY: live handles, an array of 2.
    let r = unsafe {
        kenmerk_index_match_video(index, video, 31, 80.0, 80.0, out.as_mut_ptr(), 2, &mut len)
    };
    assert_eq!((r, len), (kenmerk_result::Ok, 1));
    assert_eq!(
        (
            out[0].indicator,
            out[0].query_matched,
            out[0].indicator_matched
        ),
        (3, 100.0, 100.0)
    );
    // SAFETY: live handles, freed once.
    unsafe {
        kenmerk_video_free(video);
        kenmerk_index_free(index);
    }
}
