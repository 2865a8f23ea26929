//! Decoding untrusted image files into pixels, within [`Limits`].
//!
//! The format is sniffed from the bytes (never from a file name), the header
//! is read, the declared dimensions are checked against the limits, and only
//! then are pixels decoded, with the decoder's allocations capped too. A
//! decoder panic on hostile input is caught and reported as a decode error.
//!
//! By default the stored pixels are hashed, ignoring the EXIF orientation
//! tag, as Meta's pipeline does; [`Orientation::ApplyExif`] rotates first.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::error::{Error, ErrorKind, Result};
use crate::limits::Limits;
use crate::pixels::{PixelBuffer, PixelFormat};

/// Whether to honour the EXIF orientation tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Hash the pixels as stored (Meta's behaviour).
    #[default]
    Stored,
    /// Rotate or mirror as the EXIF tag says before hashing.
    ApplyExif,
}

/// How to decode an input image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// Bounds checked before decoding.
    pub limits: Limits,
    /// EXIF orientation handling.
    pub orientation: Orientation,
}

/// A decoded image in a layout the hasher reads directly.
#[derive(Debug, Clone)]
pub struct DecodedImage {
    image: DynamicImage,
    format: ImageFormat,
}

impl DecodedImage {
    /// The pixels, ready to hash.
    pub fn pixels(&self) -> PixelBuffer<'_> {
        let (width, height) = (self.image.width() as usize, self.image.height() as usize);
        let format = match &self.image {
            DynamicImage::ImageLuma8(_) => PixelFormat::Luma8,
            DynamicImage::ImageRgba8(_) => PixelFormat::Rgba8,
            _ => PixelFormat::Rgb8,
        };
        // `decode` keeps only these three tightly packed variants, whose
        // buffers always match their dimensions.
        PixelBuffer::packed(self.image.as_bytes(), width, height, format)
            .unwrap_or_else(|_| unreachable!("image buffers match their dimensions"))
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// The container format that was detected.
    pub fn format_name(&self) -> &'static str {
        self.format
            .extensions_str()
            .first()
            .copied()
            .unwrap_or("unknown")
    }
}

/// Decodes an encoded image (JPEG, PNG, WebP, GIF first frame, BMP, TIFF).
pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Result<DecodedImage> {
    let limits = &options.limits;
    limits.check_file_bytes(bytes.len() as u64)?;
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| Error::decode(format!("cannot read the image: {e}")))?;
    // Reading the header may allocate (a PNG row buffer); the image crate
    // caps that at 512 MiB by default. Keep that cap for the header, raised
    // to our budget if it is larger; the budget proper is applied once the
    // declared dimensions have been checked.
    let mut header_limits = image::Limits::default();
    header_limits.max_alloc = header_limits
        .max_alloc
        .map(|cap| cap.max(limits.max_decoder_alloc));
    reader.limits(header_limits);
    let Some(format) = reader.format() else {
        return Err(Error::new(
            ErrorKind::Unsupported,
            "not an image in a supported format (JPEG, PNG, WebP, GIF, BMP, TIFF)",
        ));
    };
    let decoded = catch_unwind(AssertUnwindSafe(|| decode_checked(reader, format, options)));
    let image = decoded.unwrap_or_else(|_| {
        Err(Error::decode(format!(
            "the {} decoder failed on malformed data",
            format_label(format)
        )))
    })?;
    Ok(DecodedImage {
        image: into_hashable(image),
        format,
    })
}

fn decode_checked(
    reader: ImageReader<Cursor<&[u8]>>,
    format: ImageFormat,
    options: &DecodeOptions,
) -> Result<DynamicImage> {
    let label = format_label(format);
    let wrap = |e: ImageError| from_image_error(e, label);
    let mut decoder = reader.into_decoder().map_err(wrap)?;
    let (width, height) = decoder.dimensions();
    options.limits.check_dimensions(width, height)?;
    // The output buffer is allocated by us, not the decoder: count it too.
    let output = decoder.total_bytes();
    if output > options.limits.max_decoder_alloc {
        return Err(Error::limits(format!(
            "decoding the {width}x{height} image needs {output} bytes, over the limit of {} bytes",
            options.limits.max_decoder_alloc
        )));
    }
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_alloc = Some(options.limits.max_decoder_alloc - output);
    decoder.set_limits(decoder_limits).map_err(wrap)?;
    let orientation = match options.orientation {
        Orientation::Stored => None,
        Orientation::ApplyExif => Some(decoder.orientation().map_err(wrap)?),
    };
    let mut image = DynamicImage::from_decoder(decoder).map_err(wrap)?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(image)
}

/// Keeps 8-bit grey, RGB and RGBA as they are; converts everything else
/// (grey+alpha, 16-bit, float) to 8-bit RGB.
fn into_hashable(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => {
            image
        }
        DynamicImage::ImageLumaA8(_) => DynamicImage::ImageLuma8(image.to_luma8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

fn format_label(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Jpeg => "JPEG",
        ImageFormat::Png => "PNG",
        ImageFormat::WebP => "WebP",
        ImageFormat::Gif => "GIF",
        ImageFormat::Bmp => "BMP",
        ImageFormat::Tiff => "TIFF",
        _ => "image",
    }
}

fn from_image_error(err: ImageError, label: &str) -> Error {
    let kind = match &err {
        ImageError::Limits(_) => ErrorKind::Limits,
        ImageError::Unsupported(_) => ErrorKind::Unsupported,
        _ => ErrorKind::Decode,
    };
    let reason = match &err {
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            format!("{label} data is truncated")
        }
        _ => format!("invalid {label} data: {err}"),
    };
    Error::new(kind, reason).with_source(err)
}

/// Reads a whole image file, refusing it before reading if it is not a
/// regular file or is over `limits.max_file_bytes`.
pub fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    crate::files::read_bounded(path, limits.max_file_bytes, "file")
}
