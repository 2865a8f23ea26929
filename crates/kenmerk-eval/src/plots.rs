//! Plots of a run, each as SVG and PNG, drawn with `plotters`:
//!
//! - `recall-pdq`: PDQ recall against the threshold, one line per
//!   transformation, in four panels by kind of edit;
//! - `roc`: recall (all transformations pooled) against the false-positive
//!   rate, one curve per algorithm, with the corpus's resolution limit;
//! - `distances`: share of pairs per distance, related against unrelated,
//!   one panel per algorithm, with the customary threshold marked.
//!
//! Text is drawn with the embedded DejaVu Sans through `ab_glyph`, so no
//! system font library is needed and the PNGs are the same on every machine.

use std::error::Error;
use std::sync::Once;

use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::algorithm::Algorithm;
use crate::metrics::{Histogram, scale_threshold};
use crate::report::pooled_related;
use crate::run::{AlgorithmResult, Evaluation};
use crate::transform::Transform;

/// File stems and captions of the plots, in report order.
pub const PLOT_NAMES: [(&str, &str); 3] = [
    (
        "recall-pdq",
        "PDQ recall against the threshold, per transformation",
    ),
    (
        "roc",
        "Recall against false-positive rate, all transformations pooled",
    ),
    ("distances", "Distances of related and unrelated pairs"),
];

const SIZE: (u32, u32) = (1200, 900);
const FONT: &str = "sans-serif";

/// One plot in both formats.
#[derive(Debug, Clone)]
pub struct Plot {
    /// File stem (`recall-pdq`, ...).
    pub name: &'static str,
    /// SVG text.
    pub svg: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

type DrawResult = Result<(), Box<dyn Error>>;

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font always parses; if it did not, text would be
        // missing and drawing would report the error.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Draws every plot of `eval`.
pub fn plots(eval: &Evaluation) -> Result<Vec<Plot>, Box<dyn Error>> {
    register_font();
    let Some(pdq) = eval.result(Algorithm::Pdq) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (name, _) in PLOT_NAMES {
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            draw(&area, eval, pdq, name)?;
            area.present()?;
        }
        let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
        {
            let area = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
            draw(&area, eval, pdq, name)?;
            area.present()?;
        }
        let mut png = Vec::new();
        PngEncoder::new_with_quality(&mut png, CompressionType::Best, PngFilter::Adaptive)
            .write_image(&pixels, SIZE.0, SIZE.1, ExtendedColorType::Rgb8)?;
        out.push(Plot { name, svg, png });
    }
    Ok(out)
}

/// Draws the plot called `name` on any backend.
fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    eval: &Evaluation,
    pdq: &AlgorithmResult,
    name: &str,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    match name {
        "recall-pdq" => recall_plot(area, pdq),
        "roc" => roc_plot(area, eval),
        _ => distance_plot(area, eval),
    }
}

/// Panel of a transformation in the recall plot.
fn group(t: &Transform) -> usize {
    match t {
        Transform::Jpeg(_) | Transform::Resize(_) | Transform::Blur(_) | Transform::Noise => 0,
        Transform::Brightness(_)
        | Transform::Contrast(_)
        | Transform::Gamma(_)
        | Transform::Grayscale => 1,
        Transform::Mirror
        | Transform::Flip
        | Transform::RotateQuarter(_)
        | Transform::RotateSmall(_) => 2,
        _ => 3,
    }
}

const GROUP_TITLES: [&str; 4] = [
    "Compression, scaling, blur, noise",
    "Brightness, contrast, colour",
    "Rotation and mirroring",
    "Cropping, borders, overlays",
];

fn colour(i: usize) -> RGBColor {
    const COLOURS: [RGBColor; 8] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(23, 190, 207),
    ];
    COLOURS[i % COLOURS.len()]
}

fn recall_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    pdq: &AlgorithmResult,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let (title, body) = area.split_vertically(50);
    title.draw_text(
        "PDQ: share of edited copies found, by match threshold (dashed: 31)",
        &(FONT, 26).into_font().style(FontStyle::Bold).color(&BLACK),
        (20, 12),
    )?;
    for (g, panel) in body.split_evenly((2, 2)).iter().enumerate() {
        let mut chart = ChartBuilder::on(panel)
            .caption(GROUP_TITLES[g], (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(55)
            .build_cartesian_2d(0u32..128u32, 0f64..1.02)?;
        chart
            .configure_mesh()
            .x_desc("threshold (bits of 256)")
            .y_desc("recall")
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        chart.draw_series(DashedLineSeries::new(
            [(31, 0.0), (31, 1.02)],
            6,
            4,
            BLACK.mix(0.5).stroke_width(1),
        ))?;
        for (i, t) in pdq
            .transforms
            .iter()
            .filter(|t| group(&t.transform) == g)
            .enumerate()
        {
            let rates = t.related.cumulative_rates();
            let c = colour(i);
            chart
                .draw_series(LineSeries::new(
                    (0..=128u32).map(|x| (x, rates[x as usize])),
                    c.stroke_width(2),
                ))?
                .label(t.transform.name())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], c.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}

fn roc_plot<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, eval: &Evaluation) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let pairs = eval
        .result(Algorithm::Pdq)
        .map_or(1, |r| r.unrelated.total().max(1));
    let floor = 0.1 / pairs as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(
            "Found edited copies against false matches of unrelated images",
            (FONT, 26).into_font().style(FontStyle::Bold),
        )
        .margin(20)
        .x_label_area_size(55)
        .y_label_area_size(70)
        .build_cartesian_2d((floor..1.0f64).log_scale(), 0f64..1.02)?;
    chart
        .configure_mesh()
        .x_desc("false-positive rate per pair of unrelated images (log scale)")
        .y_desc("recall, all transformations pooled")
        .x_label_formatter(&|x| format!("{x:.0e}"))
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .draw()?;
    let limit = 3.0 / pairs as f64;
    chart
        .draw_series(DashedLineSeries::new(
            [(limit, 0.0), (limit, 1.02)],
            6,
            4,
            BLACK.mix(0.5).stroke_width(1),
        ))?
        .label("about 3 / pairs: lowest rate this corpus can show")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK.mix(0.5)));
    for (i, r) in eval.results.iter().enumerate() {
        let fpr = r.unrelated.cumulative_rates();
        let recall = pooled_related(r).cumulative_rates();
        let c = colour(i);
        let points: Vec<(f64, f64)> = fpr
            .iter()
            .zip(&recall)
            .filter(|(f, _)| **f > 0.0)
            .map(|(&f, &r)| (f, r))
            .collect();
        let mark = scale_threshold(31, r.algorithm.bits());
        chart
            .draw_series(LineSeries::new(points, c.stroke_width(3)))?
            .label(format!("{} (dot: threshold {mark})", r.algorithm.label()))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], c.stroke_width(3)));
        let at = (fpr[mark as usize].max(floor), recall[mark as usize]);
        chart.draw_series(std::iter::once(Circle::new(at, 6, c.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font((FONT, 17))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

/// Share of pairs per bin of `width` distances, as (bin start, share).
/// Binning smooths the comb of a median-thresholded hash, whose distances
/// are nearly always even.
fn shares(h: &Histogram, width: usize) -> Vec<(u32, f64)> {
    let total = h.total().max(1) as f64;
    h.counts()
        .chunks(width)
        .enumerate()
        .map(|(i, c)| ((i * width) as u32, c.iter().sum::<u64>() as f64 / total))
        .collect()
}

fn distance_plot<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, eval: &Evaluation) -> DrawResult
where
    DB::ErrorType: 'static,
{
    area.fill(&WHITE)?;
    let (title, body) = area.split_vertically(50);
    title.draw_text(
        "Hamming distances: edited copies (green) and unrelated images (red)",
        &(FONT, 26).into_font().style(FontStyle::Bold).color(&BLACK),
        (20, 12),
    )?;
    let panels = body.split_evenly((2, 2));
    for (r, panel) in eval.results.iter().zip(panels.iter()) {
        let bits = r.algorithm.bits();
        let width = (bits as usize / 64).max(2);
        let related = shares(&pooled_related(r), width);
        let unrelated = shares(&r.unrelated, width);
        let top = related
            .iter()
            .chain(&unrelated)
            .fold(0.0f64, |a, b| a.max(b.1))
            * 1.1;
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{} ({bits} bits)", r.algorithm.label()), (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0u32..bits, 0f64..top.max(1e-3))?;
        chart
            .configure_mesh()
            .x_desc("distance (bits)")
            .y_desc(format!("share of pairs per {width} bits"))
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .draw()?;
        let mark = scale_threshold(31, bits);
        chart.draw_series(DashedLineSeries::new(
            [(mark, 0.0), (mark, top)],
            6,
            4,
            BLACK.mix(0.5).stroke_width(1),
        ))?;
        let green = RGBColor(44, 160, 44);
        let red = RGBColor(214, 39, 40);
        chart
            .draw_series(
                AreaSeries::new(related.iter().copied(), 0.0, green.mix(0.3))
                    .border_style(green.stroke_width(2)),
            )?
            .label("edited copy vs original")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], green.stroke_width(2)));
        chart
            .draw_series(
                AreaSeries::new(unrelated.iter().copied(), 0.0, red.mix(0.3))
                    .border_style(red.stroke_width(2)),
            )?
            .label("unrelated images")
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], red.stroke_width(2)));
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .label_font((FONT, 14))
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .draw()?;
    }
    Ok(())
}
