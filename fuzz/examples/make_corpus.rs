//! Writes the seed corpus for the `decode_hash` fuzz target: tiny valid
//! images in every supported format and in several colour types, so libFuzzer
//! starts from inputs that get past each decoder's header.
//!
//! `cargo run --example make_corpus -- corpus/decode_hash` (from `fuzz/`).

use std::io::Cursor;
use std::path::PathBuf;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageEncoder, ImageFormat, Rgb, RgbImage};

/// A small picture with a gradient and a square, so the seeds have detail.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let inside =
            (width / 4..width * 3 / 4).contains(&x) && (height / 4..height / 2).contains(&y);
        let r = (x * 255 / width.max(1)) as u8;
        let g = (y * 255 / height.max(1)) as u8;
        Rgb(if inside { [250, 30, 60] } else { [r, g, 128] })
    })
}

/// EXIF (TIFF structure, big-endian) holding only Orientation = 6.
fn exif_rotate90() -> Vec<u8> {
    let mut exif = b"MM\0*\0\0\0\x08".to_vec();
    exif.extend_from_slice(&[0, 1]); // one entry
    exif.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]); // no next IFD
    exif
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, format)
        .unwrap_or_else(|e| panic!("encoding {format:?} {:?}: {e}", image.color()));
    out.into_inner()
}

fn main() {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "corpus/decode_hash".into()),
    );
    std::fs::create_dir_all(&dir).expect("create the corpus directory");
    let rgb = DynamicImage::ImageRgb8(picture(24, 16));
    let small = DynamicImage::ImageRgb8(picture(7, 5));
    let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();

    let variants = [
        ("rgb8", rgb.clone()),
        ("rgba8", DynamicImage::ImageRgba8(rgb.to_rgba8())),
        ("l8", DynamicImage::ImageLuma8(rgb.to_luma8())),
        ("la8", DynamicImage::ImageLumaA8(rgb.to_luma_alpha8())),
        ("l16", DynamicImage::ImageLuma16(rgb.to_luma16())),
        ("rgb16", DynamicImage::ImageRgb16(rgb.to_rgb16())),
        ("rgba16", DynamicImage::ImageRgba16(rgb.to_rgba16())),
        ("rgb32f", DynamicImage::ImageRgb32F(rgb.to_rgb32f())),
    ];
    for (name, image) in &variants {
        for (ext, format) in [
            ("png", ImageFormat::Png),
            ("bmp", ImageFormat::Bmp),
            ("tiff", ImageFormat::Tiff),
            ("gif", ImageFormat::Gif),
            ("jpg", ImageFormat::Jpeg),
        ] {
            let mut out = Cursor::new(Vec::new());
            // Not every format encodes every colour type; keep those that do.
            if image.write_to(&mut out, format).is_ok() {
                seeds.push((format!("{name}.{ext}"), out.into_inner()));
            }
        }
    }
    seeds.push(("small.png".into(), encode(&small, ImageFormat::Png)));
    seeds.push(("small.jpg".into(), encode(&small, ImageFormat::Jpeg)));

    let mut webp = Vec::new();
    WebPEncoder::new_lossless(&mut webp)
        .write_image(
            rgb.as_bytes(),
            rgb.width(),
            rgb.height(),
            rgb.color().into(),
        )
        .expect("encode WebP");
    seeds.push(("rgb8.webp".into(), webp));
    let mut webp = Vec::new();
    let rgba = rgb.to_rgba8();
    WebPEncoder::new_lossless(&mut webp)
        .write_image(
            &rgba,
            rgba.width(),
            rgba.height(),
            image::ExtendedColorType::Rgba8,
        )
        .expect("encode WebP");
    seeds.push(("rgba8.webp".into(), webp));

    for (name, quality) in [("q20.jpg", 20), ("q95.jpg", 95)] {
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, quality)
            .write_image(
                rgb.as_bytes(),
                rgb.width(),
                rgb.height(),
                rgb.color().into(),
            )
            .expect("encode JPEG");
        seeds.push((name.into(), jpeg));
    }
    let mut jpeg = Vec::new();
    let mut encoder = JpegEncoder::new(&mut jpeg);
    encoder
        .set_exif_metadata(exif_rotate90())
        .expect("JPEG takes EXIF");
    encoder
        .write_image(
            rgb.as_bytes(),
            rgb.width(),
            rgb.height(),
            rgb.color().into(),
        )
        .expect("encode JPEG");
    seeds.push(("exif6.jpg".into(), jpeg));
    let mut png = Vec::new();
    let mut encoder = PngEncoder::new(&mut png);
    encoder
        .set_exif_metadata(exif_rotate90())
        .expect("PNG takes EXIF");
    encoder
        .write_image(
            rgb.as_bytes(),
            rgb.width(),
            rgb.height(),
            rgb.color().into(),
        )
        .expect("encode PNG");
    seeds.push(("exif6.png".into(), png));

    let mut total = 0;
    for (name, bytes) in &seeds {
        total += bytes.len();
        std::fs::write(dir.join(name), bytes).expect("write a seed");
    }
    println!("{} seeds, {total} bytes, in {}", seeds.len(), dir.display());
}
