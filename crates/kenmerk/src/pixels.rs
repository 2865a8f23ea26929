//! Borrowed views of decoded pixels.
//!
//! Pipelines that already hold decoded frames (from a video decoder, a GPU
//! readback, another image library) hash them without re-encoding through
//! [`PixelBuffer`]: a byte slice, its dimensions, the distance between rows
//! (stride) and the channel layout. The constructor checks that the slice is
//! long enough, so hashing never reads out of bounds.

use crate::error::{Error, Result};

/// Channel layout of a [`PixelBuffer`], 8 bits per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PixelFormat {
    /// Red, green, blue.
    Rgb8,
    /// Red, green, blue, alpha (alpha is ignored, as Meta's pipeline does).
    Rgba8,
    /// Blue, green, red.
    Bgr8,
    /// Blue, green, red, alpha (alpha is ignored).
    Bgra8,
    /// One grey level per pixel.
    Luma8,
}

impl PixelFormat {
    /// Bytes per pixel.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgb8 | PixelFormat::Bgr8 => 3,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => 4,
            PixelFormat::Luma8 => 1,
        }
    }

    /// Byte offsets of red, green and blue within one pixel.
    pub(crate) const fn rgb_offsets(self) -> [usize; 3] {
        match self {
            PixelFormat::Rgb8 | PixelFormat::Rgba8 => [0, 1, 2],
            PixelFormat::Bgr8 | PixelFormat::Bgra8 => [2, 1, 0],
            PixelFormat::Luma8 => [0, 0, 0],
        }
    }
}

/// A validated, borrowed image: `height` rows of `width` pixels, row `y`
/// starting at byte `y * stride`.
#[derive(Debug, Clone, Copy)]
pub struct PixelBuffer<'a> {
    data: &'a [u8],
    width: usize,
    height: usize,
    stride: usize,
    format: PixelFormat,
}

impl<'a> PixelBuffer<'a> {
    /// Wraps `data` as an image with rows `stride` bytes apart.
    ///
    /// Fails with [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
    /// if `stride` is shorter than a row or `data` is shorter than the image.
    pub fn new(
        data: &'a [u8],
        width: usize,
        height: usize,
        stride: usize,
        format: PixelFormat,
    ) -> Result<Self> {
        let row_bytes = width
            .checked_mul(format.bytes_per_pixel())
            .ok_or_else(|| Error::invalid_input("image width overflows"))?;
        if stride < row_bytes {
            return Err(Error::invalid_input(format!(
                "stride {stride} is shorter than a row of {width} {format:?} pixels ({row_bytes} bytes)"
            )));
        }
        let needed = match height {
            0 => 0,
            h => (h - 1)
                .checked_mul(stride)
                .and_then(|n| n.checked_add(row_bytes))
                .ok_or_else(|| Error::invalid_input("image size overflows"))?,
        };
        if data.len() < needed {
            return Err(Error::invalid_input(format!(
                "pixel buffer holds {} bytes, a {width}x{height} {format:?} image with stride {stride} needs {needed}",
                data.len()
            )));
        }
        Ok(PixelBuffer {
            data,
            width,
            height,
            stride,
            format,
        })
    }

    /// Wraps tightly packed rows (stride = width x bytes per pixel).
    pub fn packed(
        data: &'a [u8],
        width: usize,
        height: usize,
        format: PixelFormat,
    ) -> Result<Self> {
        let stride = width
            .checked_mul(format.bytes_per_pixel())
            .ok_or_else(|| Error::invalid_input("image width overflows"))?;
        Self::new(data, width, height, stride, format)
    }

    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Channel layout.
    pub fn format(&self) -> PixelFormat {
        self.format
    }

    /// The bytes of row `y` (exactly `width` pixels).
    pub(crate) fn row(&self, y: usize) -> &'a [u8] {
        let start = y * self.stride;
        &self.data[start..start + self.width * self.format.bytes_per_pixel()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exact_and_padded_buffers() {
        let data = vec![0u8; 2 * 10 + 6];
        let buf = PixelBuffer::new(&data, 2, 3, 10, PixelFormat::Rgb8).unwrap();
        assert_eq!(buf.row(2).len(), 6);
        assert!(PixelBuffer::packed(&[0u8; 12], 2, 2, PixelFormat::Rgb8).is_ok());
        assert!(PixelBuffer::packed(&[], 0, 0, PixelFormat::Rgba8).is_ok());
    }

    #[test]
    fn rejects_short_buffers_and_strides() {
        assert!(PixelBuffer::new(&[0u8; 25], 2, 3, 10, PixelFormat::Rgb8).is_err());
        assert!(PixelBuffer::new(&[0u8; 100], 4, 3, 10, PixelFormat::Rgb8).is_err());
        assert!(
            PixelBuffer::new(&[0u8; 1], usize::MAX, 2, usize::MAX, PixelFormat::Rgba8).is_err()
        );
    }
}
