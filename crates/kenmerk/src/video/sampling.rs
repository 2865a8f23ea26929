//! Which frames vPDQ hashes, and their timestamps.
//!
//! Meta's vPDQ counts the frames the decoder returns from 0 and hashes
//! every frame whose number is a multiple of the step
//! `int(seconds_per_hash × fps)` (truncated, computed in double precision),
//! where fps is the stream's average frame rate, or its base rate when the
//! average is unknown. A step of 0 (seconds_per_hash 0, or a rate below
//! one frame per `seconds_per_hash`) becomes 1: every frame. The timestamp
//! is `frame / fps` computed in single precision, which is what Meta's
//! output prints to 3 decimals.

/// The frame-number step for `seconds_per_hash` at `fps` (at least 1).
pub fn frame_step(seconds_per_hash: f64, fps: f64) -> u64 {
    let step = seconds_per_hash * fps;
    // `as` saturates: NaN and negatives give 0, huge values u64::MAX.
    (step as u64).max(1)
}

/// The timestamp vPDQ gives frame `frame` of a video at `fps`.
pub fn timestamp(frame: u32, fps: f64) -> f64 {
    // Meta: static_cast<float>(frameNumber) / framerate with framerate a float.
    f64::from(frame as f32 / fps as f32)
}
