//! Hashing through the C ABI: encoded image bytes or decoded pixels, one
//! hash or the eight dihedral hashes (rotations and mirrors).
//!
//! A hash is written as the 32 bytes that Meta's 64-digit hex string spells,
//! in order; the dihedral hashes as 8 such records (256 bytes) in Meta's
//! order: original, rot90, rot180, rot270, flipx, flipy, flipplus1,
//! flipminus1. Encoded bytes are decoded within kenmerk's default limits, so
//! a decompression bomb gives `KENMERK_RESULT_LIMITS`, not an allocation.

use std::ffi::c_int;

use kenmerk::{PdqDihedral, PdqHash, PixelBuffer, PixelFormat};

use crate::boundary::{Failure, FfiResult, check_ptr, guard, input_slice, write_bytes, write_out};
use crate::result::kenmerk_result;

/// Bytes of one PDQ hash.
pub const KENMERK_HASH_BYTES: usize = 32;

/// Bytes of the eight dihedral hashes of one image.
pub const KENMERK_DIHEDRAL_HASH_BYTES: usize = 8 * KENMERK_HASH_BYTES;

/// Hashes with a quality below this have too little detail to match on
/// (PDQ's rule): skip them rather than search.
pub const KENMERK_QUALITY_THRESHOLD: c_int = 50;

/// The usual PDQ match radius (Hamming distance, in bits).
pub const KENMERK_DEFAULT_RADIUS: u32 = 31;

/// Channel layout of decoded pixels, 8 bits per channel. Passed to the
/// pixel functions as a `uint32_t`.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum kenmerk_pixel_format {
    /// Red, green, blue.
    Rgb8 = 1,
    /// Red, green, blue, alpha (alpha is ignored, as Meta's pipeline does).
    Rgba8 = 2,
    /// Blue, green, red.
    Bgr8 = 3,
    /// Blue, green, red, alpha (alpha is ignored).
    Bgra8 = 4,
    /// One grey level per pixel.
    Luma8 = 5,
}

fn pixel_format(value: u32) -> FfiResult<PixelFormat> {
    Ok(match value {
        1 => PixelFormat::Rgb8,
        2 => PixelFormat::Rgba8,
        3 => PixelFormat::Bgr8,
        4 => PixelFormat::Bgra8,
        5 => PixelFormat::Luma8,
        other => return Err(Failure::invalid(format!("unknown pixel format {other}"))),
    })
}

/// Builds a pixel view after checking every argument.
///
/// # Safety
/// As for [`input_slice`]: `pixels`, if non-NULL, points to `len` bytes.
unsafe fn pixel_buffer<'a>(
    pixels: *const u8,
    len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: u32,
) -> FfiResult<PixelBuffer<'a>> {
    // SAFETY: forwarded from this function's contract.
    let data = unsafe { input_slice(pixels, len, "pixels") }?;
    let format = pixel_format(format)?;
    let to_usize = |v: u32| usize::try_from(v).map_err(|_| Failure::invalid("dimension too large"));
    Ok(PixelBuffer::new(
        data,
        to_usize(width)?,
        to_usize(height)?,
        stride,
        format,
    )?)
}

/// Writes one hash and its quality (pointers already checked).
///
/// # Safety
/// `out_hash` valid for 32 bytes, `out_quality` for one `int`.
unsafe fn write_hash(pdq: &PdqHash, out_hash: *mut u8, out_quality: *mut c_int) {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        write_bytes(out_hash, pdq.hash.as_bytes());
        write_out(out_quality, c_int::from(pdq.quality));
    }
}

/// Writes eight hashes and the quality (pointers already checked).
///
/// # Safety
/// `out_hashes` valid for 256 bytes, `out_quality` for one `int`.
unsafe fn write_dihedral(pdq: &PdqDihedral, out_hashes: *mut u8, out_quality: *mut c_int) {
    let mut all = [0u8; KENMERK_DIHEDRAL_HASH_BYTES];
    for (record, hash) in all.chunks_exact_mut(KENMERK_HASH_BYTES).zip(&pdq.hashes) {
        record.copy_from_slice(hash.as_bytes());
    }
    // SAFETY: forwarded from this function's contract.
    unsafe {
        write_bytes(out_hashes, &all);
        write_out(out_quality, c_int::from(pdq.quality));
    }
}

/// Hashes an encoded image (JPEG, PNG, WebP, GIF's first frame, BMP or
/// TIFF; the format is detected from the bytes) with PDQ.
///
/// On success writes the hash to `out_hash` (32 bytes, the bytes Meta's hex
/// string spells, in order) and its quality, 0 to 100, to `*out_quality`.
/// Returns `KENMERK_RESULT_UNSUPPORTED` for bytes in no format kenmerk reads
/// (junk, or an empty buffer), `KENMERK_RESULT_DECODE` for a corrupt or
/// truncated image, `KENMERK_RESULT_LIMITS` for images over the size limits.
///
/// # Safety
/// `bytes` must point to `len` readable bytes, `out_hash` to 32 writable
/// bytes, `out_quality` to a writable `int`. NULL pointers are reported,
/// not dereferenced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_hash_image(
    bytes: *const u8,
    len: usize,
    out_hash: *mut u8,
    out_quality: *mut c_int,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees `len` bytes at `bytes`.
        let input = unsafe { input_slice(bytes, len, "bytes") }?;
        check_ptr(out_hash, "out_hash")?;
        check_ptr(out_quality, "out_quality")?;
        let pdq = kenmerk::hash_image(input)?;
        // SAFETY: both pointers were checked; the caller guarantees their
        // sizes.
        unsafe { write_hash(&pdq, out_hash, out_quality) };
        Ok(())
    })
}

/// Hashes the eight dihedral variants (rotations and mirrors) of an encoded
/// image at the cost of about one hash.
///
/// On success writes 8 hashes of 32 bytes to `out_hashes` (256 bytes, in
/// the order original, rot90, rot180, rot270, flipx, flipy, flipplus1,
/// flipminus1) and the quality to `*out_quality`. Errors as
/// `kenmerk_hash_image`.
///
/// # Safety
/// `bytes` must point to `len` readable bytes, `out_hashes` to 256 writable
/// bytes, `out_quality` to a writable `int`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_hash_image_dihedral(
    bytes: *const u8,
    len: usize,
    out_hashes: *mut u8,
    out_quality: *mut c_int,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees `len` bytes at `bytes`.
        let input = unsafe { input_slice(bytes, len, "bytes") }?;
        check_ptr(out_hashes, "out_hashes")?;
        check_ptr(out_quality, "out_quality")?;
        let pdq = kenmerk::hash_image_dihedral(input, &kenmerk::DecodeOptions::default())?;
        // SAFETY: both pointers were checked; the caller guarantees their
        // sizes.
        unsafe { write_dihedral(&pdq, out_hashes, out_quality) };
        Ok(())
    })
}

/// Hashes decoded pixels: `height` rows of `width` pixels in `format` (a
/// `kenmerk_pixel_format` value), row `y` starting at byte `y * stride`.
///
/// Returns `KENMERK_RESULT_INVALID_ARGUMENT` if `stride` is shorter than a
/// row, `len` is shorter than the image or `format` is unknown. Images under
/// 5 pixels on a side hash to zero with quality 0, as in Meta's code.
///
/// # Safety
/// `pixels` must point to `len` readable bytes, `out_hash` to 32 writable
/// bytes, `out_quality` to a writable `int`.
#[allow(
    clippy::too_many_arguments,
    reason = "the C signature: buffer, geometry, outputs"
)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_hash_pixels(
    pixels: *const u8,
    len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: u32,
    out_hash: *mut u8,
    out_quality: *mut c_int,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees `len` bytes at `pixels`.
        let image = unsafe { pixel_buffer(pixels, len, width, height, stride, format) }?;
        check_ptr(out_hash, "out_hash")?;
        check_ptr(out_quality, "out_quality")?;
        let pdq = kenmerk::hash_pixels(&image);
        // SAFETY: both pointers were checked; the caller guarantees their
        // sizes.
        unsafe { write_hash(&pdq, out_hash, out_quality) };
        Ok(())
    })
}

/// The eight dihedral hashes of decoded pixels; arguments as
/// `kenmerk_hash_pixels`, outputs as `kenmerk_hash_image_dihedral`.
///
/// # Safety
/// `pixels` must point to `len` readable bytes, `out_hashes` to 256 writable
/// bytes, `out_quality` to a writable `int`.
#[allow(
    clippy::too_many_arguments,
    reason = "the C signature: buffer, geometry, outputs"
)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kenmerk_hash_pixels_dihedral(
    pixels: *const u8,
    len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: u32,
    out_hashes: *mut u8,
    out_quality: *mut c_int,
) -> kenmerk_result {
    guard(|| {
        // SAFETY: the caller guarantees `len` bytes at `pixels`.
        let image = unsafe { pixel_buffer(pixels, len, width, height, stride, format) }?;
        check_ptr(out_hashes, "out_hashes")?;
        check_ptr(out_quality, "out_quality")?;
        let pdq = kenmerk::hash_pixels_dihedral(&image);
        // SAFETY: both pointers were checked; the caller guarantees their
        // sizes.
        unsafe { write_dihedral(&pdq, out_hashes, out_quality) };
        Ok(())
    })
}
