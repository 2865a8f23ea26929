//! The video functions of the C ABI called as C calls them: hashing a
//! corpus video equals the core library's vPDQ hashes, a video matches its
//! own video indicator and not an unrelated one, the capacity contract
//! holds, and bad arguments and files give result codes with outputs
//! untouched.

#![cfg(feature = "video")]

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::ptr;

use kenmerk::index::{WriteOptions, to_bytes};
use kenmerk::video::{VideoOptions, hash_video_file, matching::video_records};
use kenmerk_ffi::*;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/video");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: ../shared/corpus/video not found");
        None
    }
}

fn c_path(path: &Path) -> CString {
    CString::new(path.to_str().unwrap()).unwrap()
}

/// Hashes `path` through the C ABI and returns the handle.
fn hash(path: &Path, flags: u32) -> *mut kenmerk_video {
    let name = c_path(path);
    let mut video = ptr::null_mut();
    // SAFETY: NUL-terminated path, valid out pointer.
    let r = unsafe { kenmerk_hash_video_file(name.as_ptr(), 1.0, flags, &mut video) };
    assert_eq!(r, kenmerk_result::Ok, "{}", path.display());
    video
}

/// All frames of a handle, through the capacity protocol.
fn frames(video: *const kenmerk_video) -> Vec<kenmerk_video_frame> {
    let mut needed = 0usize;
    // SAFETY: capacity 0 with a NULL array is allowed.
    let r = unsafe { kenmerk_video_frames(video, ptr::null_mut(), 0, &mut needed) };
    let blank = kenmerk_video_frame {
        frame: 0,
        quality: -1,
        timestamp: -1.0,
        hash: [0; 32],
    };
    if needed == 0 {
        assert_eq!(r, kenmerk_result::Ok);
        return Vec::new();
    }
    assert_eq!(r, kenmerk_result::InsufficientCapacity);
    let mut out = vec![blank; needed + 1];
    let mut len = 0usize;
    // One too few: nothing written.
    // SAFETY: `out` holds needed + 1 frames; we state needed - 1.
    let r = unsafe { kenmerk_video_frames(video, out.as_mut_ptr(), needed - 1, &mut len) };
    assert_eq!((r, len), (kenmerk_result::InsufficientCapacity, needed));
    assert!(out.iter().all(|f| *f == blank));
    // SAFETY: as above, with the full capacity.
    let r = unsafe { kenmerk_video_frames(video, out.as_mut_ptr(), out.len(), &mut len) };
    assert_eq!((r, len), (kenmerk_result::Ok, needed));
    assert_eq!(out[needed], blank, "nothing past the frames");
    out.truncate(needed);
    out
}

/// Matches through the C ABI with vPDQ's default rule.
fn matches(
    index: *const kenmerk_index,
    video: *const kenmerk_video,
    query_threshold: f64,
) -> Vec<kenmerk_video_match> {
    let mut out = vec![
        kenmerk_video_match {
            indicator: 0,
            query_matched: 0.0,
            indicator_matched: 0.0
        };
        8
    ];
    let mut len = 0usize;
    // SAFETY: live handles, an array of 8.
    let r = unsafe {
        kenmerk_index_match_video(
            index,
            video,
            KENMERK_DEFAULT_RADIUS,
            query_threshold,
            80.0,
            out.as_mut_ptr(),
            out.len(),
            &mut len,
        )
    };
    assert_eq!(r, kenmerk_result::Ok);
    out.truncate(len);
    out
}

#[test]
fn video_hashes_equal_the_core_library_and_match_their_indicator_only() {
    let Some(dir) = corpus() else { return };
    let bikes = dir.join("bikes.mp4");
    let want = hash_video_file(&bikes, &VideoOptions::default()).unwrap();
    let video = hash(&bikes, 0);
    let got = frames(video);
    assert_eq!(got.len(), want.frames.len());
    for (g, w) in got.iter().zip(&want.frames) {
        assert_eq!(
            (g.frame, g.quality, g.hash, g.timestamp),
            (
                w.frame,
                i32::from(w.quality),
                *w.hash.as_bytes(),
                w.timestamp
            )
        );
    }

    // An index holding bikes (id 7) and tree (id 9) as video indicators.
    let tree = hash_video_file(&dir.join("tree.avi"), &VideoOptions::default()).unwrap();
    let mut entries = video_records(7, &want.frames, 50);
    entries.extend(video_records(9, &tree.frames, 50));
    let bytes = to_bytes(&entries, &WriteOptions::default());
    let mut index = ptr::null_mut();
    // SAFETY: valid slice and out pointer.
    let r = unsafe { kenmerk_index_open_bytes(bytes.as_ptr(), bytes.len(), &mut index) };
    assert_eq!(r, kenmerk_result::Ok);

    let found = matches(index, video, 80.0);
    assert_eq!(found.len(), 1);
    assert_eq!(
        (
            found[0].indicator,
            found[0].query_matched,
            found[0].indicator_matched
        ),
        (7, 100.0, 100.0)
    );
    // The same frames given as data match the same way.
    let mut copy = ptr::null_mut();
    // SAFETY: `got` holds got.len() frames; valid out pointer.
    let r = unsafe { kenmerk_video_from_frames(got.as_ptr(), got.len(), &mut copy) };
    assert_eq!(r, kenmerk_result::Ok);
    assert_eq!(matches(index, copy, 80.0), found);
    // Thresholds over 100 % match nothing; an unrelated video matches nothing.
    assert!(matches(index, video, 100.5).is_empty());
    let other = hash(&dir.join("carphone_pristine.mp4"), 0);
    assert!(matches(index, other, 80.0).is_empty());
    // Key frames only: some frames, in increasing frame order.
    let keyframes = hash(&bikes, KENMERK_VIDEO_KEYFRAMES);
    let key = frames(keyframes);
    assert!(!key.is_empty());
    assert!(key.windows(2).all(|w| w[0].frame < w[1].frame));
    // An empty video matches nothing.
    let mut empty = ptr::null_mut();
    // SAFETY: len 0 with a NULL array is allowed.
    let r = unsafe { kenmerk_video_from_frames(ptr::null(), 0, &mut empty) };
    assert_eq!(r, kenmerk_result::Ok);
    assert!(matches(index, empty, 80.0).is_empty());

    // SAFETY: live handles, each freed once; NULL is a no-op.
    unsafe {
        for v in [video, copy, other, keyframes, empty] {
            kenmerk_video_free(v);
        }
        kenmerk_video_free(ptr::null_mut());
        kenmerk_index_free(index);
    }
}

#[test]
fn bad_arguments_and_files_give_codes_and_leave_outputs_alone() {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ffi_video");
    std::fs::create_dir_all(&work).unwrap();
    let junk = work.join("junk.mp4");
    std::fs::write(&junk, b"\x00\x00\x00\x18ftypmp42 this is not a video").unwrap();
    let mut video = ptr::null_mut::<kenmerk_video>();
    let call = |path: &CString, seconds: f64, flags: u32, out: *mut *mut kenmerk_video| {
        // SAFETY: NUL-terminated path; `out` is NULL or valid.
        unsafe { kenmerk_hash_video_file(path.as_ptr(), seconds, flags, out) }
    };
    let junk_name = c_path(&junk);
    let code = call(&junk_name, 1.0, 0, &mut video);
    assert!(
        matches!(code, kenmerk_result::Decode | kenmerk_result::Unsupported),
        "{code:?}"
    );
    assert_eq!(
        call(&c_path(&work.join("absent.mp4")), 1.0, 0, &mut video),
        kenmerk_result::Io
    );
    assert_eq!(
        call(&junk_name, -1.0, 0, &mut video),
        kenmerk_result::InvalidArgument
    );
    assert_eq!(
        call(&junk_name, f64::NAN, 0, &mut video),
        kenmerk_result::InvalidArgument
    );
    assert_eq!(
        call(&junk_name, 1.0, 2, &mut video),
        kenmerk_result::InvalidArgument
    );
    assert_eq!(
        call(&junk_name, 1.0, 0, ptr::null_mut()),
        kenmerk_result::NullParameter
    );
    // SAFETY: a NULL path is reported, not read.
    let r = unsafe { kenmerk_hash_video_file(ptr::null(), 1.0, 0, &mut video) };
    assert_eq!(r, kenmerk_result::NullParameter);
    assert!(video.is_null(), "no handle written on failure");

    let frame = kenmerk_video_frame {
        frame: 0,
        quality: 101,
        timestamp: 0.0,
        hash: [0; 32],
    };
    // SAFETY: one valid frame.
    let r = unsafe { kenmerk_video_from_frames(&frame, 1, &mut video) };
    assert_eq!(r, kenmerk_result::InvalidArgument);
    let frame = kenmerk_video_frame {
        quality: 60,
        timestamp: f64::INFINITY,
        ..frame
    };
    // SAFETY: one valid frame.
    let r = unsafe { kenmerk_video_from_frames(&frame, 1, &mut video) };
    assert_eq!(r, kenmerk_result::InvalidArgument);
    // SAFETY: NULL frames with a non-zero length are reported.
    let r = unsafe { kenmerk_video_from_frames(ptr::null(), 1, &mut video) };
    assert_eq!(r, kenmerk_result::NullParameter);
    assert!(video.is_null());

    // Matching checks its handles and thresholds.
    let frame = kenmerk_video_frame {
        quality: 60,
        timestamp: 0.0,
        ..frame
    };
    // SAFETY: one valid frame.
    let r = unsafe { kenmerk_video_from_frames(&frame, 1, &mut video) };
    assert_eq!(r, kenmerk_result::Ok);
    let bytes = to_bytes(&[], &WriteOptions::default());
    let mut index = ptr::null_mut();
    // SAFETY: valid slice and out pointer.
    let r = unsafe { kenmerk_index_open_bytes(bytes.as_ptr(), bytes.len(), &mut index) };
    assert_eq!(r, kenmerk_result::Ok);
    let mut len = 77usize;
    // SAFETY: capacity 0 with NULL out; the handles are live or NULL.
    unsafe {
        let r =
            kenmerk_index_match_video(index, video, 31, -1.0, 80.0, ptr::null_mut(), 0, &mut len);
        assert_eq!(r, kenmerk_result::InvalidArgument);
        let r = kenmerk_index_match_video(
            index,
            ptr::null(),
            31,
            80.0,
            80.0,
            ptr::null_mut(),
            0,
            &mut len,
        );
        assert_eq!(r, kenmerk_result::NullParameter);
        let r = kenmerk_index_match_video(
            ptr::null(),
            video,
            31,
            80.0,
            80.0,
            ptr::null_mut(),
            0,
            &mut len,
        );
        assert_eq!(r, kenmerk_result::NullParameter);
        assert_eq!(len, 77, "out_len untouched on failure");
        let r =
            kenmerk_index_match_video(index, video, 31, 80.0, 80.0, ptr::null_mut(), 0, &mut len);
        assert_eq!((r, len), (kenmerk_result::Ok, 0));
        kenmerk_video_free(video);
        kenmerk_index_free(index);
    }
}
