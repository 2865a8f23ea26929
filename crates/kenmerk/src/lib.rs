//! kenmerk: detection of *known* material by perceptual hash.
//!
//! This crate is the core: PDQ image hashing that is bit-for-bit Meta's
//! reference (so hashes interoperate with industry hash lists), decoding of
//! untrusted files within [`Limits`], the [`Hash256`] type, exact SIMD
//! Hamming kernels ([`hamming`]) and indicator files with exact flat and
//! multi-index search ([`index`]).
//!
//! ```no_run
//! use kenmerk::{DecodeOptions, hash_file};
//!
//! let pdq = hash_file("photo.jpg".as_ref(), &DecodeOptions::default())?;
//! if pdq.is_matchable() {
//!     println!("{},{}", pdq.hash, pdq.quality);
//! }
//! # Ok::<(), kenmerk::Error>(())
//! ```
//!
//! Hashing encoded bytes already in memory, and comparing two hashes:
//!
//! ```
//! # fn png_bytes() -> Vec<u8> {
//! #     let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
//! #     let mut out = std::io::Cursor::new(Vec::new());
//! #     img.write_to(&mut out, image::ImageFormat::Png).unwrap();
//! #     out.into_inner()
//! # }
//! let a = kenmerk::hash_image(&png_bytes())?;
//! let b = kenmerk::hash_image(&png_bytes())?;
//! assert_eq!(a.hash.distance(&b.hash), 0);
//! # Ok::<(), kenmerk::Error>(())
//! ```

#![warn(clippy::unwrap_used, clippy::expect_used)]

pub mod decode;
mod error;
pub mod files;
pub mod hamming;
mod hash;
pub mod index;
mod limits;
pub mod pdq;
mod pixels;
pub mod video;

use std::cell::RefCell;
use std::path::Path;

pub use decode::{DecodeOptions, DecodedImage, Orientation};
pub use error::{Error, ErrorKind, Result};
pub use hash::Hash256;
pub use limits::Limits;
pub use pdq::{PdqDihedral, PdqHash, PdqHasher};
pub use pixels::{PixelBuffer, PixelFormat};

thread_local! {
    static HASHER: RefCell<PdqHasher> = RefCell::new(PdqHasher::new());
}

/// Runs `f` with this thread's reusable hasher.
fn with_hasher<T>(f: impl FnOnce(&mut PdqHasher) -> T) -> T {
    HASHER.with(|h| match h.try_borrow_mut() {
        Ok(mut hasher) => f(&mut hasher),
        // Re-entered from inside `f` (not done by this crate): use a fresh one.
        Err(_) => f(&mut PdqHasher::new()),
    })
}

/// PDQ hash of encoded image bytes, with default limits and stored
/// orientation.
pub fn hash_image(bytes: &[u8]) -> Result<PdqHash> {
    hash_image_with(bytes, &DecodeOptions::default())
}

/// PDQ hash of encoded image bytes.
pub fn hash_image_with(bytes: &[u8], options: &DecodeOptions) -> Result<PdqHash> {
    let image = decode::decode(bytes, options)?;
    Ok(with_hasher(|h| h.hash(&image.pixels())))
}

/// PDQ hashes of the eight dihedral variants of encoded image bytes.
pub fn hash_image_dihedral(bytes: &[u8], options: &DecodeOptions) -> Result<PdqDihedral> {
    let image = decode::decode(bytes, options)?;
    Ok(with_hasher(|h| h.hash_dihedral(&image.pixels())))
}

/// PDQ hash of an image file; errors name the file.
pub fn hash_file(path: &Path, options: &DecodeOptions) -> Result<PdqHash> {
    let bytes = decode::read_file(path, &options.limits)?;
    hash_image_with(&bytes, options).map_err(|e| e.with_path(path))
}

/// PDQ hashes of the eight dihedral variants of an image file; errors name
/// the file.
pub fn hash_file_dihedral(path: &Path, options: &DecodeOptions) -> Result<PdqDihedral> {
    let bytes = decode::read_file(path, &options.limits)?;
    hash_image_dihedral(&bytes, options).map_err(|e| e.with_path(path))
}

/// PDQ hash of a decoded pixel buffer.
pub fn hash_pixels(pixels: &PixelBuffer<'_>) -> PdqHash {
    with_hasher(|h| h.hash(pixels))
}

/// PDQ hashes of the eight dihedral variants of a decoded pixel buffer.
pub fn hash_pixels_dihedral(pixels: &PixelBuffer<'_>) -> PdqDihedral {
    with_hasher(|h| h.hash_dihedral(pixels))
}
