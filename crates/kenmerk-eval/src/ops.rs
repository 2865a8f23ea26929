//! Pixel operations behind the transformations that the `image` crate does
//! not provide: rotation by a small angle on the same canvas, tone curves,
//! borders, a text watermark and a mock screenshot frame.
//!
//! Every operation is a pure function of its input (noise takes its random
//! generator from the caller), so a run is reproducible bit for bit.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use image::{Rgb, RgbImage, imageops};

/// Black, the colour of every added border.
const BLACK: Rgb<u8> = Rgb([0, 0, 0]);

/// Rounds and clamps a channel value to 0..=255.
fn to_u8(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// Applies `f` to every channel value through a 256-entry table.
pub(crate) fn map_channels(img: &RgbImage, f: impl Fn(f32) -> f32) -> RgbImage {
    let table: Vec<u8> = (0..=255u8).map(|v| to_u8(f(f32::from(v)))).collect();
    let mut out = img.clone();
    for v in out.iter_mut() {
        *v = table[usize::from(*v)];
    }
    out
}

/// ITU-R 601 luma in Pillow's fixed-point form (`convert("L")`).
pub(crate) fn luma_601(p: &Rgb<u8>) -> u8 {
    let [r, g, b] = p.0.map(u32::from);
    ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) as u8
}

/// Grey image with equal channels, luma as [`luma_601`].
pub(crate) fn grayscale(img: &RgbImage) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        let l = luma_601(p);
        *p = Rgb([l, l, l]);
    }
    out
}

/// Contrast as Pillow's `ImageEnhance.Contrast`: each channel is pulled
/// towards the image's mean luma by `factor`.
pub(crate) fn contrast(img: &RgbImage, factor: f32) -> RgbImage {
    let n = u64::from(img.width()) * u64::from(img.height());
    let sum: u64 = img.pixels().map(|p| u64::from(luma_601(p))).sum();
    let mean = if n == 0 {
        0.0
    } else {
        (sum as f64 / n as f64).round() as f32
    };
    map_channels(img, |v| mean + factor * (v - mean))
}

/// Rotates by `degrees` counter-clockwise about the centre on a canvas of the
/// same size, sampling bilinearly; pixels that come from outside the image
/// are black.
pub(crate) fn rotate_same_size(img: &RgbImage, degrees: f32) -> RgbImage {
    let (w, h) = img.dimensions();
    let (sin, cos) = (degrees.to_radians() as f64).sin_cos();
    let (cx, cy) = ((f64::from(w) - 1.0) / 2.0, (f64::from(h) - 1.0) / 2.0);
    RgbImage::from_fn(w, h, |x, y| {
        // Inverse mapping: where in the source does output (x, y) come from?
        // With y pointing down, a counter-clockwise turn on screen maps the
        // output back by the clockwise rotation below.
        let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
        let sx = cos * dx - sin * dy + cx;
        let sy = sin * dx + cos * dy + cy;
        bilinear(img, sx, sy)
    })
}

/// Bilinear sample at (`x`, `y`); black outside the image.
fn bilinear(img: &RgbImage, x: f64, y: f64) -> Rgb<u8> {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    if !(x > -1.0 && y > -1.0 && x < w && y < h) {
        return BLACK;
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let texel = |xi: f64, yi: f64| -> [f64; 3] {
        if xi < 0.0 || yi < 0.0 || xi >= w || yi >= h {
            [0.0; 3]
        } else {
            img.get_pixel(xi as u32, yi as u32).0.map(f64::from)
        }
    };
    let (a, b) = (texel(x0, y0), texel(x0 + 1.0, y0));
    let (c, d) = (texel(x0, y0 + 1.0), texel(x0 + 1.0, y0 + 1.0));
    let mut out = [0u8; 3];
    for (k, v) in out.iter_mut().enumerate() {
        let top = a[k] + (b[k] - a[k]) * fx;
        let bottom = c[k] + (d[k] - c[k]) * fx;
        *v = (top + (bottom - top) * fy).round().clamp(0.0, 255.0) as u8;
    }
    Rgb(out)
}

/// Removes `left`/`right` columns and `top`/`bottom` rows (at least one
/// pixel is always kept).
pub(crate) fn crop(img: &RgbImage, left: u32, top: u32, right: u32, bottom: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    let left = left.min(w.saturating_sub(1));
    let top = top.min(h.saturating_sub(1));
    let width = w.saturating_sub(left + right).max(1);
    let height = h.saturating_sub(top + bottom).max(1);
    imageops::crop_imm(img, left, top, width, height).to_image()
}

/// Places `img` at (`left`, `top`) on a `width` x `height` canvas of
/// `background`.
pub(crate) fn place(
    img: &RgbImage,
    width: u32,
    height: u32,
    left: u32,
    top: u32,
    background: Rgb<u8>,
) -> RgbImage {
    let mut canvas = RgbImage::from_pixel(width, height, background);
    imageops::replace(&mut canvas, img, i64::from(left), i64::from(top));
    canvas
}

/// Adds a black border of `left`/`right` columns and `top`/`bottom` rows.
pub(crate) fn pad(img: &RgbImage, left: u32, top: u32, right: u32, bottom: u32) -> RgbImage {
    let (w, h) = img.dimensions();
    place(img, w + left + right, h + top + bottom, left, top, BLACK)
}

/// Centres the image unscaled on the smallest black 16:9 canvas that holds
/// it: bars left and right for images narrower than 16:9, top and bottom
/// for wider ones.
pub(crate) fn letterbox(img: &RgbImage) -> RgbImage {
    let (w, h) = (u64::from(img.width()), u64::from(img.height()));
    let (cw, ch) = if w * 9 < h * 16 {
        ((h * 16).div_ceil(9), h)
    } else {
        (w, (w * 9).div_ceil(16))
    };
    let (cw, ch) = (cw as u32, ch as u32);
    let (left, top) = ((cw - img.width()) / 2, (ch - img.height()) / 2);
    place(img, cw, ch, left, top, BLACK)
}

/// Blends `colour` over pixel (`x`, `y`) with opacity `alpha` (0..=1),
/// ignoring positions outside the image.
fn blend(img: &mut RgbImage, x: i64, y: i64, colour: [f32; 3], alpha: f32) {
    if x < 0 || y < 0 || x >= i64::from(img.width()) || y >= i64::from(img.height()) {
        return;
    }
    let p = img.get_pixel_mut(x as u32, y as u32);
    for (v, c) in p.0.iter_mut().zip(colour) {
        *v = to_u8(f32::from(*v) * (1.0 - alpha) + c * alpha);
    }
}

/// The embedded font (DejaVu Sans Bold) for the watermark.
fn watermark_font() -> FontRef<'static> {
    FontRef::try_from_slice(dejavu::sans::bold())
        .unwrap_or_else(|_| unreachable!("the embedded DejaVu font parses"))
}

/// Draws `text` with its top-left corner at (`x`, `y`) and the given pixel
/// height, blended with `opacity`.
fn draw_text(
    img: &mut RgbImage,
    text: &str,
    x: f32,
    y: f32,
    height: f32,
    colour: [f32; 3],
    opacity: f32,
) {
    let font = watermark_font();
    let scaled = font.as_scaled(PxScale::from(height));
    let mut caret = x;
    let baseline = y + scaled.ascent();
    let mut previous = None;
    for ch in text.chars() {
        let id = scaled.glyph_id(ch);
        if let Some(prev) = previous {
            caret += scaled.kern(prev, id);
        }
        let glyph =
            id.with_scale_and_position(PxScale::from(height), ab_glyph::point(caret, baseline));
        caret += scaled.h_advance(id);
        previous = Some(id);
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                blend(img, px, py, colour, coverage * opacity);
            });
        }
    }
}

/// Width in pixels of `text` at pixel height 1.
fn text_width_per_px(text: &str) -> f32 {
    let font = watermark_font();
    let scaled = font.as_scaled(PxScale::from(1.0));
    text.chars()
        .map(|c| scaled.h_advance(scaled.glyph_id(c)))
        .sum()
}

/// The watermark text.
pub(crate) const WATERMARK_TEXT: &str = "© kenmerk test";

/// A text and logo watermark: [`WATERMARK_TEXT`] in white at 60% opacity,
/// as wide as 40% of the image, 3% of the width from the bottom-right corner;
/// and a square "logo" (a white disc at 50% opacity, a tenth of the short
/// side across) 3% of the width from the top-left corner.
pub(crate) fn overlay(img: &RgbImage) -> RgbImage {
    let mut out = img.clone();
    let (w, h) = (img.width() as f32, img.height() as f32);
    let margin = (0.03 * w).round();
    let height = (0.4 * w / text_width_per_px(WATERMARK_TEXT)).max(1.0);
    let x = w - margin - 0.4 * w;
    let y = h - margin - height;
    draw_text(&mut out, WATERMARK_TEXT, x, y, height, [255.0; 3], 0.6);
    let diameter = (0.1 * w.min(h)).max(1.0);
    let r = diameter / 2.0;
    let (cx, cy) = (margin + r, margin + r);
    for yy in 0..diameter.ceil() as i64 {
        for xx in 0..diameter.ceil() as i64 {
            let (px, py) = (margin as i64 + xx, margin as i64 + yy);
            let (dx, dy) = (px as f32 + 0.5 - cx, py as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= r * r {
                blend(&mut out, px, py, [255.0; 3], 0.5);
            }
        }
    }
    out
}

/// A mock screenshot: the image scaled to 80% of each side (bilinear) inside
/// a window frame: a light-grey title bar 8% of the scaled height tall with
/// three coloured buttons, a dark-grey border 2% of the scaled width thick
/// on the other three sides, and a grey status bar 5% of the scaled height
/// tall at the bottom.
pub(crate) fn screenshot(img: &RgbImage) -> RgbImage {
    let (w, h) = img.dimensions();
    let sw = ((w as f32 * 0.8).round() as u32).max(1);
    let sh = ((h as f32 * 0.8).round() as u32).max(1);
    let scaled = imageops::resize(img, sw, sh, imageops::FilterType::Triangle);
    let border = ((sw as f32 * 0.02).round() as u32).max(1);
    let title = ((sh as f32 * 0.08).round() as u32).max(3);
    let status = ((sh as f32 * 0.05).round() as u32).max(2);
    let (cw, ch) = (sw + 2 * border, sh + title + status + border);
    let mut canvas = place(&scaled, cw, ch, border, title, Rgb([60, 60, 60]));
    for y in 0..title {
        for x in 0..cw {
            canvas.put_pixel(x, y, Rgb([230, 230, 230]));
        }
    }
    for y in title + sh..title + sh + status {
        for x in border..border + sw {
            canvas.put_pixel(x, y, Rgb([200, 200, 200]));
        }
    }
    let r = title as f32 * 0.3;
    let colours = [
        [237.0, 106.0, 94.0],
        [245.0, 191.0, 79.0],
        [98.0, 197.0, 84.0],
    ];
    for (i, colour) in colours.into_iter().enumerate() {
        let cx = title as f32 * (0.6 + 0.9 * i as f32);
        let cy = title as f32 / 2.0;
        for y in 0..title {
            for x in 0..(cx + r).ceil() as u32 {
                let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
                if dx * dx + dy * dy <= r * r {
                    blend(&mut canvas, i64::from(x), i64::from(y), colour, 1.0);
                }
            }
        }
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8])
        })
    }

    #[test]
    fn rotation_by_zero_is_identity_and_keeps_size() {
        let img = ramp(31, 20);
        assert_eq!(rotate_same_size(&img, 0.0), img);
        let turned = rotate_same_size(&img, 4.0);
        assert_eq!(turned.dimensions(), (31, 20));
        // The corners come from outside the picture.
        assert_eq!(*turned.get_pixel(0, 0), BLACK);
    }

    #[test]
    fn rotation_by_ninety_matches_an_exact_turn() {
        // Square with odd side: the centre is a pixel, so 90 degrees is exact.
        let img = ramp(9, 9);
        // Counter-clockwise on screen is the image crate's rotate270.
        assert_eq!(rotate_same_size(&img, 90.0), imageops::rotate270(&img));
    }

    #[test]
    fn borders_and_crops_have_the_stated_sizes() {
        let img = ramp(100, 50);
        assert_eq!(pad(&img, 20, 10, 20, 10).dimensions(), (140, 70));
        assert_eq!(crop(&img, 5, 3, 5, 3).dimensions(), (90, 44));
        assert_eq!(crop(&img, 80, 0, 80, 0).dimensions(), (1, 50));
        let boxed = letterbox(&img);
        assert_eq!(boxed.dimensions(), (100, 57));
        let tall = letterbox(&ramp(30, 40));
        assert_eq!(tall.dimensions(), (72, 40));
        assert_eq!(*tall.get_pixel(0, 20), BLACK);
    }

    #[test]
    fn tone_curves_follow_their_definitions() {
        let img = RgbImage::from_pixel(4, 4, Rgb([100, 200, 250]));
        let bright = map_channels(&img, |v| v * 1.3);
        assert_eq!(bright.get_pixel(0, 0).0, [130, 255, 255]);
        let flat = contrast(&img, 0.0);
        let mean = luma_601(img.get_pixel(0, 0));
        assert_eq!(flat.get_pixel(1, 1).0, [mean; 3]);
        assert_eq!(grayscale(&img).get_pixel(0, 0).0, [mean; 3]);
    }

    #[test]
    fn watermark_and_screenshot_change_the_picture() {
        let img = RgbImage::from_pixel(200, 120, Rgb([0, 0, 0]));
        let marked = overlay(&img);
        assert_eq!(marked.dimensions(), img.dimensions());
        let lit = marked.pixels().filter(|p| p.0[0] > 100).count();
        assert!(lit > 200, "watermark pixels: {lit}");
        let shot = screenshot(&img);
        assert!(shot.width() > 160 && shot.height() > 96);
    }
}
