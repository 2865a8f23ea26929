//! Bounds on untrusted input, checked before any pixel is decoded.
//!
//! A few kilobytes of PNG or JPEG can declare a 100 000 x 100 000 image; a
//! decoder that trusts the header allocates tens of gigabytes. [`Limits`]
//! caps the file size before reading, the dimensions and pixel count right
//! after the header, and the decoder's own allocations while it decodes.

use crate::error::{Error, Result};

/// Upper bounds for one input image. The defaults admit every real photo
/// (up to 100 megapixels, 64 MiB files) and stop decompression bombs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted width in pixels.
    pub max_width: u32,
    /// Largest accepted height in pixels.
    pub max_height: u32,
    /// Largest accepted width x height.
    pub max_pixels: u64,
    /// Largest accepted encoded size in bytes.
    pub max_file_bytes: u64,
    /// Most memory the decoder may allocate, in bytes.
    pub max_decoder_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_width: 32_768,
            max_height: 32_768,
            max_pixels: 100_000_000,
            max_file_bytes: 64 << 20,
            max_decoder_alloc: 1 << 30,
        }
    }
}

impl Limits {
    /// No bounds beyond what the address space allows (trusted input only).
    pub const fn unlimited() -> Self {
        Limits {
            max_width: u32::MAX,
            max_height: u32::MAX,
            max_pixels: u64::MAX,
            max_file_bytes: u64::MAX,
            max_decoder_alloc: u64::MAX,
        }
    }

    /// Checks an encoded size.
    pub fn check_file_bytes(&self, bytes: u64) -> Result<()> {
        if bytes > self.max_file_bytes {
            return Err(Error::limits(format!(
                "file is {bytes} bytes, over the limit of {} bytes",
                self.max_file_bytes
            )));
        }
        Ok(())
    }

    /// Checks declared dimensions.
    pub fn check_dimensions(&self, width: u32, height: u32) -> Result<()> {
        if width > self.max_width || height > self.max_height {
            return Err(Error::limits(format!(
                "image is {width}x{height}, over the limit of {}x{}",
                self.max_width, self.max_height
            )));
        }
        let pixels = u64::from(width) * u64::from(height);
        if pixels > self.max_pixels {
            return Err(Error::limits(format!(
                "image is {width}x{height} = {pixels} pixels, over the limit of {}",
                self.max_pixels
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn defaults_admit_large_photos_and_stop_bombs() {
        let limits = Limits::default();
        assert!(limits.check_dimensions(8160, 6120).is_ok());
        let err = limits.check_dimensions(100_000, 100_000).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::Limits);
        let err = limits.check_dimensions(20_000, 20_000).unwrap_err();
        assert!(err.reason().contains("pixels"), "{err}");
        assert!(limits.check_file_bytes(65 << 20).is_err());
    }
}
