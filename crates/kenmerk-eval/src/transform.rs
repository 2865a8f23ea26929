//! The transformations an edited copy of a known image may have undergone.
//!
//! Each [`Transform`] maps a decoded RGB image to a new one, in memory. All
//! are deterministic; only `noise` draws random numbers, from a ChaCha
//! generator seeded by the run's seed and the image's name, so the same seed
//! gives the same pixels on every machine. [`Transform::definition`] states
//! each one exactly; the report repeats those definitions.

use std::fmt;
use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageFormat, RgbImage, imageops};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rand_distr::{Distribution, Normal};

use crate::ops;

/// Standard deviation of the `noise` transformation, in 8-bit levels (10%
/// of the range).
pub const NOISE_SIGMA: f32 = 25.5;

/// One transformation, named as on the command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transform {
    /// JPEG re-encoding at this quality (1..=100).
    Jpeg(u8),
    /// Both sides scaled by this factor.
    Resize(f32),
    /// Gaussian blur with this sigma in pixels.
    Blur(f32),
    /// Additive Gaussian noise ([`NOISE_SIGMA`]).
    Noise,
    /// Every channel multiplied by this factor.
    Brightness(f32),
    /// Channels pulled towards the mean luma by this factor.
    Contrast(f32),
    /// Gamma curve `255 (v/255)^g`.
    Gamma(f32),
    /// Grey levels only.
    Grayscale,
    /// Left-right mirror.
    Mirror,
    /// Top-bottom flip.
    Flip,
    /// Clockwise rotation by 90, 180 or 270 degrees.
    RotateQuarter(u32),
    /// Counter-clockwise rotation by a few degrees on the same canvas.
    RotateSmall(f32),
    /// This percentage of each side removed at each edge.
    Crop(u32),
    /// A black border of this percentage of each side at each edge.
    Pad(u32),
    /// Black bars to a 16:9 frame.
    Letterbox,
    /// Text and logo watermark.
    Overlay,
    /// Scaled down inside a window frame.
    Screenshot,
}

impl Transform {
    /// Every transformation, in the order reports list them.
    pub const ALL: [Transform; 29] = [
        Transform::Jpeg(90),
        Transform::Jpeg(70),
        Transform::Jpeg(50),
        Transform::Jpeg(30),
        Transform::Resize(0.75),
        Transform::Resize(0.5),
        Transform::Resize(0.25),
        Transform::Blur(1.0),
        Transform::Blur(2.0),
        Transform::Noise,
        Transform::Brightness(1.3),
        Transform::Contrast(0.7),
        Transform::Gamma(0.6),
        Transform::Grayscale,
        Transform::Mirror,
        Transform::Flip,
        Transform::RotateQuarter(90),
        Transform::RotateQuarter(180),
        Transform::RotateQuarter(270),
        Transform::RotateSmall(2.0),
        Transform::RotateSmall(4.0),
        Transform::Crop(2),
        Transform::Crop(5),
        Transform::Crop(10),
        Transform::Pad(5),
        Transform::Pad(20),
        Transform::Letterbox,
        Transform::Overlay,
        Transform::Screenshot,
    ];

    /// The command-line name, e.g. `jpeg50`, `resize0.5`, `rotate90`.
    pub fn name(&self) -> String {
        match self {
            Transform::Jpeg(q) => format!("jpeg{q}"),
            Transform::Resize(f) => format!("resize{f}"),
            Transform::Blur(s) => format!("blur{s}"),
            Transform::Noise => "noise".into(),
            Transform::Brightness(f) => format!("brightness{f}"),
            Transform::Contrast(f) => format!("contrast{f}"),
            Transform::Gamma(g) => format!("gamma{g}"),
            Transform::Grayscale => "grayscale".into(),
            Transform::Mirror => "mirror".into(),
            Transform::Flip => "flip".into(),
            Transform::RotateQuarter(d) => format!("rotate{d}"),
            Transform::RotateSmall(d) => format!("rotate{d}"),
            Transform::Crop(p) => format!("crop{p}"),
            Transform::Pad(p) => format!("pad{p}"),
            Transform::Letterbox => "letterbox".into(),
            Transform::Overlay => "overlay".into(),
            Transform::Screenshot => "screenshot".into(),
        }
    }

    /// The exact definition, for the report.
    pub fn definition(&self) -> String {
        match self {
            Transform::Jpeg(q) => format!(
                "encoded as baseline JPEG at quality {q} by the `image` crate's encoder, then decoded"
            ),
            Transform::Resize(f) => format!(
                "each side scaled by {f} (rounded, at least 1 px), triangle (bilinear) filter"
            ),
            Transform::Blur(s) => format!(
                "Gaussian blur, sigma {s} px (`image::imageops::blur`, kernel to about 3 sigma, edges clamped)"
            ),
            Transform::Noise => format!(
                "additive Gaussian noise, sigma {NOISE_SIGMA} levels, independent per pixel and channel, clamped; ChaCha8 seeded from the run's seed and the file name"
            ),
            Transform::Brightness(f) => {
                format!("every channel multiplied by {f}, rounded and clamped")
            }
            Transform::Contrast(f) => format!(
                "each channel v becomes m + {f} (v - m), m the mean ITU-R 601 luma (as Pillow's ImageEnhance.Contrast)"
            ),
            Transform::Gamma(g) => format!("each channel v becomes 255 (v/255)^{g}, rounded"),
            Transform::Grayscale => {
                "all channels set to the ITU-R 601 luma (Pillow's convert(\"L\"))".into()
            }
            Transform::Mirror => "mirrored left to right".into(),
            Transform::Flip => "flipped top to bottom".into(),
            Transform::RotateQuarter(d) => format!("rotated {d} degrees clockwise (exact)"),
            Transform::RotateSmall(d) => format!(
                "rotated {d} degrees counter-clockwise about the centre, same canvas size, bilinear, black corners"
            ),
            Transform::Crop(p) => {
                format!("{p}% of the width removed at left and at right, {p}% of the height at top and at bottom")
            }
            Transform::Pad(p) => format!(
                "black border: {p}% of the width added at left and at right, {p}% of the height at top and at bottom"
            ),
            Transform::Letterbox => {
                "centred unscaled on the smallest black 16:9 canvas that holds it".into()
            }
            Transform::Overlay => format!(
                "watermark: \"{}\" in white at 60% opacity, 40% of the width wide, bottom right; a white disc at 50% opacity, a tenth of the short side across, top left",
                ops::WATERMARK_TEXT
            ),
            Transform::Screenshot => "scaled to 80% (bilinear) inside a mock window: title bar 8% of the height with three buttons, 2% dark border, 5% status bar".into(),
        }
    }

    /// Parses one name.
    pub fn parse(name: &str) -> Result<Transform, UnknownTransform> {
        Transform::ALL
            .into_iter()
            .find(|t| t.name() == name)
            .ok_or_else(|| UnknownTransform(name.to_string()))
    }

    /// Parses a comma-separated list, keeping its order and dropping repeats.
    pub fn parse_list(list: &str) -> Result<Vec<Transform>, UnknownTransform> {
        let mut out: Vec<Transform> = Vec::new();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let t = Transform::parse(name)?;
            if !out.contains(&t) {
                out.push(t);
            }
        }
        if out.is_empty() {
            return Err(UnknownTransform(list.to_string()));
        }
        Ok(out)
    }

    /// Whether a dihedral variant of the original (rotation by a multiple of
    /// 90 degrees or mirror) undoes this transformation.
    pub fn is_dihedral(&self) -> bool {
        matches!(
            self,
            Transform::Mirror | Transform::Flip | Transform::RotateQuarter(_)
        )
    }

    /// Applies the transformation. `noise_seed` seeds the noise generator
    /// (the only random input).
    pub fn apply(&self, img: &RgbImage, noise_seed: [u8; 32]) -> RgbImage {
        let (w, h) = img.dimensions();
        let share = |side: u32, percent: u32| (side * percent + 50) / 100;
        match *self {
            Transform::Jpeg(q) => jpeg_round_trip(img, q),
            Transform::Resize(f) => {
                let nw = ((w as f32 * f).round() as u32).max(1);
                let nh = ((h as f32 * f).round() as u32).max(1);
                imageops::resize(img, nw, nh, imageops::FilterType::Triangle)
            }
            Transform::Blur(s) => imageops::blur(img, s),
            Transform::Noise => add_noise(img, noise_seed),
            Transform::Brightness(f) => ops::map_channels(img, |v| v * f),
            Transform::Contrast(f) => ops::contrast(img, f),
            Transform::Gamma(g) => ops::map_channels(img, |v| 255.0 * (v / 255.0).powf(g)),
            Transform::Grayscale => ops::grayscale(img),
            Transform::Mirror => imageops::flip_horizontal(img),
            Transform::Flip => imageops::flip_vertical(img),
            Transform::RotateQuarter(90) => imageops::rotate90(img),
            Transform::RotateQuarter(180) => imageops::rotate180(img),
            Transform::RotateQuarter(_) => imageops::rotate270(img),
            Transform::RotateSmall(d) => ops::rotate_same_size(img, d),
            Transform::Crop(p) => {
                let (x, y) = (share(w, p), share(h, p));
                ops::crop(img, x, y, x, y)
            }
            Transform::Pad(p) => {
                let (x, y) = (share(w, p), share(h, p));
                ops::pad(img, x, y, x, y)
            }
            Transform::Letterbox => ops::letterbox(img),
            Transform::Overlay => ops::overlay(img),
            Transform::Screenshot => ops::screenshot(img),
        }
    }
}

impl fmt::Display for Transform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// A transformation name that is not one of [`Transform::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTransform(pub String);

impl fmt::Display for UnknownTransform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let valid: Vec<String> = Transform::ALL.iter().map(Transform::name).collect();
        write!(
            f,
            "unknown transformation {:?}; valid: {}",
            self.0,
            valid.join(", ")
        )
    }
}

impl std::error::Error for UnknownTransform {}

/// Encodes as JPEG at `quality` and decodes again.
fn jpeg_round_trip(img: &RgbImage, quality: u8) -> RgbImage {
    let mut bytes = Vec::new();
    let encoded = JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(img);
    let decoded = encoded.ok().and_then(|()| {
        image::load(Cursor::new(&bytes), ImageFormat::Jpeg)
            .ok()
            .map(|d| d.into_rgb8())
    });
    // Encoding an in-memory RGB image and decoding our own output cannot
    // fail short of a bug in the codec; keep the run going if it does.
    decoded.unwrap_or_else(|| img.clone())
}

/// Adds Gaussian noise of [`NOISE_SIGMA`] to every channel value.
fn add_noise(img: &RgbImage, seed: [u8; 32]) -> RgbImage {
    let mut rng = ChaCha8Rng::from_seed(seed);
    let normal =
        Normal::new(0.0f32, NOISE_SIGMA).unwrap_or_else(|_| unreachable!("sigma is positive"));
    let mut out = img.clone();
    for v in out.iter_mut() {
        *v = (f32::from(*v) + normal.sample(&mut rng))
            .round()
            .clamp(0.0, 255.0) as u8;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    fn sample() -> RgbImage {
        RgbImage::from_fn(120, 80, |x, y| {
            Rgb([(x * 2) as u8, (y * 3) as u8, ((x * y) % 256) as u8])
        })
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_valid_ones() {
        for t in Transform::ALL {
            assert_eq!(Transform::parse(&t.name()), Ok(t));
        }
        let names: Vec<String> = Transform::ALL.iter().map(Transform::name).collect();
        for required in [
            "resize0.75",
            "blur1",
            "brightness1.3",
            "contrast0.7",
            "gamma0.6",
            "rotate2",
        ] {
            assert!(names.iter().any(|n| n == required), "{required}");
        }
        let err = Transform::parse_list("jpeg50,sepia").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("\"sepia\""), "{message}");
        assert!(
            message.contains("screenshot") && message.contains("jpeg90"),
            "{message}"
        );
        assert_eq!(
            Transform::parse_list("mirror, jpeg50,mirror").unwrap(),
            vec![Transform::Mirror, Transform::Jpeg(50)]
        );
    }

    #[test]
    fn every_transform_is_deterministic_and_changes_or_keeps_size_as_defined() {
        let img = sample();
        for t in Transform::ALL {
            let a = t.apply(&img, [7; 32]);
            let b = t.apply(&img, [7; 32]);
            assert_eq!(a, b, "{t}");
            let (w, h) = a.dimensions();
            match t {
                Transform::Resize(f) => {
                    assert_eq!((w, h), ((120.0 * f) as u32, (80.0 * f) as u32), "{t}")
                }
                Transform::RotateQuarter(90 | 270) => assert_eq!((w, h), (80, 120)),
                Transform::Crop(10) => assert_eq!((w, h), (96, 64)),
                Transform::Crop(5) => assert_eq!((w, h), (108, 72)),
                Transform::Crop(2) => assert_eq!((w, h), (116, 76)),
                Transform::Pad(20) => assert_eq!((w, h), (168, 112)),
                Transform::Pad(5) => assert_eq!((w, h), (132, 88)),
                Transform::Letterbox => assert_eq!((w, h), (143, 80)),
                Transform::Screenshot => assert!(w > 96 && h > 64),
                _ => assert_eq!((w, h), (120, 80), "{t}"),
            }
            if !matches!(t, Transform::Jpeg(_)) {
                assert_ne!(a, img, "{t} left the image unchanged");
            }
        }
    }

    #[test]
    fn noise_depends_on_the_seed_and_has_the_stated_spread() {
        let img = RgbImage::from_pixel(100, 100, Rgb([128, 128, 128]));
        let a = add_noise(&img, [1; 32]);
        assert_ne!(a, add_noise(&img, [2; 32]));
        let n = a.as_raw().len() as f64;
        let mean: f64 = a.as_raw().iter().map(|&v| f64::from(v)).sum::<f64>() / n;
        let var: f64 = a
            .as_raw()
            .iter()
            .map(|&v| (f64::from(v) - mean).powi(2))
            .sum::<f64>()
            / n;
        assert!((mean - 128.0).abs() < 1.0, "{mean}");
        assert!(
            (var.sqrt() - f64::from(NOISE_SIGMA)).abs() < 1.0,
            "{}",
            var.sqrt()
        );
    }
}
