//! Videos through the C ABI: vPDQ hashing of a video file, and matching a
//! video against the video indicators of an indicator file by vPDQ's rule.
//!
//! `kenmerk_hash_video_file` decodes a file with FFmpeg's libraries and
//! hashes one frame every `seconds_per_hash` seconds, as Meta's `vpdq`
//! does; the frames live in an opaque `kenmerk_video` handle that the caller
//! reads with `kenmerk_video_frames` and frees with `kenmerk_video_free`. A
//! caller that already has vPDQ hashes (from Meta's tools, or computed
//! elsewhere) makes a handle from them with `kenmerk_video_from_frames`.
//! `kenmerk_index_match_video` then reports the video indicators whose
//! share of matched frames, and the query's, both reach their thresholds.
//!
//! The functions exist in every build, so the ABI does not depend on how
//! the library was built; a library built without the cargo feature `video`
//! (no FFmpeg) returns `KENMERK_RESULT_NOT_BUILT_IN` from
//! `kenmerk_hash_video_file` and supports everything else here.

use std::ffi::{CStr, c_char, c_int};

use kenmerk::Hash256;
use kenmerk::index::Method;
use kenmerk::video::matching::{self, VideoCatalog};
use kenmerk::video::{FrameHash, MatchParams};

use crate::boundary::{
    Failure, FfiResult, check_array_outputs, check_ptr, deliver_array, guard, input_slice,
    write_out,
};
use crate::hash::KENMERK_HASH_BYTES;
use crate::index::{borrow_handle, kenmerk_index, path_from};
use crate::result::kenmerk_result;

/// Flag for `kenmerk_hash_video_file`: hash only the stream's key frames
/// (much faster to decode; fewer frames, so lower recall on short clips).
pub const KENMERK_VIDEO_KEYFRAMES: u32 = 1;

/// The vPDQ hashes of one video's sampled frames, in frame order. Read-only
/// once made: it may be used from any number of threads at once. Free it
/// with `kenmerk_video_free`.
#[allow(non_camel_case_types)]
pub struct kenmerk_video {
    frames: Vec<FrameHash>,
}

/// One hashed frame, as a line of Meta's vPDQ output.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct kenmerk_video_frame {
    /// Frame number, counted from 0 over every frame the decoder returns.
    pub frame: u32,
    /// PDQ quality, 0 to 100; frames below `KENMERK_QUALITY_THRESHOLD` are
    /// not matched.
    pub quality: c_int,
    /// Seconds from the start of the video.
    pub timestamp: f64,
    /// The frame's PDQ hash: the 32 bytes Meta's hex string spells.
    pub hash: [u8; KENMERK_HASH_BYTES],
}

/// One video indicator that matches a query video by vPDQ's rule.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct kenmerk_video_match {
    /// The video indicator's id.
    pub indicator: u64,
    /// Percentage (0 to 100) of the query's usable frames that match a
    /// frame of the indicator.
    pub query_matched: f64,
    /// Percentage (0 to 100) of the indicator's usable frames that match a
    /// frame of the query.
    pub indicator_matched: f64,
}

const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<kenmerk_video>();
};

impl From<&FrameHash> for kenmerk_video_frame {
    fn from(frame: &FrameHash) -> Self {
        kenmerk_video_frame {
            frame: frame.frame,
            quality: c_int::from(frame.quality),
            timestamp: frame.timestamp,
            hash: *frame.hash.as_bytes(),
        }
    }
}

fn frame_from(record: &kenmerk_video_frame, position: usize) -> FfiResult<FrameHash> {
    let quality = u8::try_from(record.quality)
        .ok()
        .filter(|q| *q <= 100)
        .ok_or_else(|| {
            Failure::invalid(format!(
                "frames[{position}].quality is {}, not 0 to 100",
                record.quality
            ))
        })?;
    if !record.timestamp.is_finite() {
        return Err(Failure::invalid(format!(
            "frames[{position}].timestamp is not a finite number"
        )));
    }
    Ok(FrameHash {
        frame: record.frame,
        quality,
        hash: Hash256::from_bytes(record.hash),
        timestamp: record.timestamp,
    })
}

/// Hands a new video handle to the caller.
///
/// # Safety
/// `out` must be checked and valid for writing one pointer.
unsafe fn give(frames: Vec<FrameHash>, out: *mut *mut kenmerk_video) {
    let handle = Box::into_raw(Box::new(kenmerk_video { frames }));
    // SAFETY: forwarded from this function's contract.
    unsafe { write_out(out, handle) };
}

/// Borrows the video behind a handle after a NULL check.
///
/// # Safety
/// `video`, if non-NULL, must be a live handle.
unsafe fn borrow<'a>(video: *const kenmerk_video) -> FfiResult<&'a kenmerk_video> {
    check_ptr(video, "video")?;
    // SAFETY: non-NULL (checked); the caller guarantees a live handle,
    // which is only ever read.
    Ok(unsafe { &*video })
}

#[cfg(feature = "video")]
fn hash_file(
    path: &std::path::Path,
    seconds_per_hash: f64,
    keyframes: bool,
) -> FfiResult<Vec<FrameHash>> {
    let options = kenmerk::video::VideoOptions {
        seconds_per_hash,
        keyframes_only: keyframes,
        ..Default::default()
    };
    Ok(kenmerk::video::hash_video_file(path, &options)?.frames)
}

#[cfg(not(feature = "video"))]
fn hash_file(
    path: &std::path::Path,
    _seconds_per_hash: f64,
    _keyframes: bool,
) -> FfiResult<Vec<FrameHash>> {
    Err(Failure::new(
        kenmerk_result::NotBuiltIn,
        format!(
            "{}: this build of kenmerk has no video decoding (built without the `video` feature)",
            path.display()
        ),
    ))
}

/// Hashes the video file at `path` (a NUL-terminated file name) with vPDQ:
/// one frame every `seconds_per_hash` seconds (1.0 is Meta's usual choice;
/// 0 hashes every frame), each decoded at full resolution. `flags` is 0 or
/// `KENMERK_VIDEO_KEYFRAMES`.
///
/// On success writes a new handle to `*out`. The duration, frame count and
/// resolution are checked against kenmerk's limits before frames are
/// decoded (`KENMERK_RESULT_LIMITS`); a corrupt or truncated file gives
/// `KENMERK_RESULT_DECODE`, a file in no format FFmpeg reads
/// `KENMERK_RESULT_UNSUPPORTED`, a missing file `KENMERK_RESULT_IO`, and a
/// library built without video support `KENMERK_RESULT_NOT_BUILT_IN`.
/// Decodes on the calling thread; hash several videos from several threads.
///
/// # Safety
/// `path` must be a NUL-terminated string; `out` must be valid for writing
/// a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_hash_video_file(
    path: *const c_char,
    seconds_per_hash: f64,
    flags: u32,
    out: *mut *mut kenmerk_video,
) -> kenmerk_result {
    guard(|| {
        check_ptr(path, "path")?;
        check_ptr(out, "out")?;
        if !(seconds_per_hash.is_finite() && seconds_per_hash >= 0.0) {
            return Err(Failure::invalid(format!(
                "seconds_per_hash must be 0 or more, not {seconds_per_hash}"
            )));
        }
        if flags & !KENMERK_VIDEO_KEYFRAMES != 0 {
            return Err(Failure::invalid(format!("unknown flags {flags:#x}")));
        }
        // SAFETY: non-NULL (checked) and NUL-terminated per the contract.
        let path = path_from(unsafe { CStr::from_ptr(path) })?;
        let frames = hash_file(
            &path,
            seconds_per_hash,
            flags & KENMERK_VIDEO_KEYFRAMES != 0,
        )?;
        // SAFETY: `out` was checked above.
        unsafe { give(frames, out) };
        Ok(())
    })
}

/// Makes a video handle from `len` frame hashes computed elsewhere (for
/// example parsed from Meta's vPDQ output). The frames are copied; the array
/// may be freed once the call returns. Returns
/// `KENMERK_RESULT_INVALID_ARGUMENT` for a quality outside 0 to 100 or a
/// timestamp that is not a finite number. `frames` may be NULL when `len`
/// is 0.
///
/// # Safety
/// `frames` must point to `len` readable `kenmerk_video_frame`; `out` must
/// be valid for writing a pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_video_from_frames(
    frames: *const kenmerk_video_frame,
    len: usize,
    out: *mut *mut kenmerk_video,
) -> kenmerk_result {
    guard(|| {
        let records = if len == 0 {
            &[][..]
        } else {
            // SAFETY: the caller guarantees `len` frames at `frames`.
            unsafe { input_slice(frames, len, "frames") }?
        };
        check_ptr(out, "out")?;
        let frames = records
            .iter()
            .enumerate()
            .map(|(i, r)| frame_from(r, i))
            .collect::<FfiResult<Vec<_>>>()?;
        // SAFETY: `out` was checked above.
        unsafe { give(frames, out) };
        Ok(())
    })
}

/// Copies the video's frames, in frame order, to `out[0..n]` and writes
/// `n` to `*out_len`. If `n > capacity`, returns
/// `KENMERK_RESULT_INSUFFICIENT_CAPACITY`, writes nothing to `out` and
/// writes the `n` needed to `*out_len`; `out` may be NULL when `capacity`
/// is 0 (to learn the count).
///
/// # Safety
/// `video` must be a live handle; `out` (unless `capacity` is 0) must be
/// valid for `capacity` writes of `kenmerk_video_frame`; `out_len` for a
/// `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_video_frames(
    video: *const kenmerk_video,
    out: *mut kenmerk_video_frame,
    capacity: usize,
    out_len: *mut usize,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees a live handle.
        let video = unsafe { borrow(video) }?;
        check_array_outputs(out, capacity, out_len)?;
        let records: Vec<kenmerk_video_frame> = video.frames.iter().map(Into::into).collect();
        // SAFETY: outputs checked above; sizes guaranteed by the caller.
        unsafe { deliver_array(&records, out, capacity, out_len, "frames") }
    })
}

/// Frees a video handle. `NULL` is accepted and does nothing.
///
/// # Safety
/// `video` must be NULL or a live handle from `kenmerk_hash_video_file` or
/// `kenmerk_video_from_frames`, used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_video_free(video: *mut kenmerk_video) {
    let _ = guard(|| {
        if !video.is_null() {
            // SAFETY: the caller passes a live handle made by `give` with
            // `Box::into_raw`, used by no one else; it is freed once.
            drop(unsafe { Box::from_raw(video) });
        }
        Ok(())
    });
}

fn percentage(value: f64, name: &str) -> FfiResult<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(Failure::invalid(format!(
            "{name} must be a percentage of 0 or more, not {value}"
        )))
    }
}

/// The index's video catalogue, read once per handle.
fn catalog(index: &kenmerk_index) -> FfiResult<&VideoCatalog> {
    if let Some(catalog) = index.videos.get() {
        return Ok(catalog);
    }
    let built = VideoCatalog::new(&index.inner.view(), kenmerk::pdq::QUALITY_THRESHOLD)?;
    // Two threads may build it at once; both results are equal and the
    // first one set is kept.
    Ok(index.videos.get_or_init(|| built))
}

/// Matches `video` against every video indicator of `index` by vPDQ's rule:
/// frames of quality `KENMERK_QUALITY_THRESHOLD` or more, repeated hashes
/// counted once, a frame matches when a frame of the other video is within
/// Hamming distance `radius` (31 is vPDQ's default); a video indicator
/// matches when at least `query_threshold` percent of the query's frames
/// and `indicator_threshold` percent of its own frames match (80 and 80 by
/// default in vPDQ). All frames are scanned as one batch.
///
/// On success writes the matching indicators, by increasing id, with both
/// percentages to `out[0..n]` and `n` to `*out_len` (0 when nothing
/// matches, also when the query has no usable frame). The capacity
/// protocol is `kenmerk_index_search`'s. The first call on a handle reads
/// the file's video records once (O(n)); safe to call from many threads.
///
/// # Safety
/// `index` and `video` must be live handles; `out` (unless `capacity` is 0)
/// must be valid for `capacity` writes of `kenmerk_video_match`; `out_len`
/// for a `size_t`.
#[allow(
    clippy::too_many_arguments,
    reason = "the C signature: handles, rule, outputs"
)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_index_match_video(
    index: *const kenmerk_index,
    video: *const kenmerk_video,
    radius: u32,
    query_threshold: f64,
    indicator_threshold: f64,
    out: *mut kenmerk_video_match,
    capacity: usize,
    out_len: *mut usize,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees live handles.
        let (index, video) = unsafe { (borrow_handle(index)?, borrow(video)?) };
        check_array_outputs(out, capacity, out_len)?;
        let params = MatchParams {
            distance: radius,
            query_threshold: percentage(query_threshold, "query_threshold")?,
            indicator_threshold: percentage(indicator_threshold, "indicator_threshold")?,
            ..MatchParams::default()
        };
        let catalog = catalog(index)?;
        let found = matching::search_videos(
            &index.inner.view(),
            catalog,
            &video.frames,
            &params,
            Method::Auto,
        )?;
        let records: Vec<kenmerk_video_match> = found
            .iter()
            .filter(|m| m.shares.is_match)
            .map(|m| kenmerk_video_match {
                indicator: m.indicator,
                query_matched: m.shares.query_matched,
                indicator_matched: m.shares.indicator_matched,
            })
            .collect();
        // SAFETY: outputs checked above; sizes guaranteed by the caller.
        unsafe { deliver_array(&records, out, capacity, out_len, "video matches") }
    })
}
