//! Fast, bit-exact blur and decimation to 64x64.
//!
//! Meta's code runs each 1-D box filter as a running `f32` sum along one row
//! or column at a time: a serial chain of additions, latency-bound, and the
//! column passes stride through memory. Here every pass runs many independent
//! sums side by side ("lanes") with the lanes contiguous in memory, so the
//! lane loops compile to wide SIMD while each lane still performs exactly
//! Meta's sequence of additions, subtractions and divisions (bit-identical).
//!
//! - Column passes are naturally lane-parallel on a row-major plane.
//! - Row passes work on strips of [`STRIP`] image rows transposed into a small
//!   buffer that stays in cache, so no full-image transpose is ever made.
//! - The decimation samples only 64 columns of the second row pass and 64
//!   rows of the second column pass, so the first column pass streams its
//!   output rows through a ring of one strip into the second row pass, which
//!   keeps only the 64 sampled columns; the last pass runs on 64 lanes.
//!
//! Only one full-size `f32` plane is written and read back.

use super::luma::luma_row;
use super::transpose::Transpose;
use super::window_size;
use crate::pixels::PixelBuffer;

/// Image rows per strip in the row passes (lanes of their running sums).
const STRIP: usize = 32;

/// Reusable buffers; grown on demand, never shrunk, so a warmed hasher does
/// not allocate.
#[derive(Default, Debug)]
pub(crate) struct Scratch {
    /// Round-1 row-pass output, row-major.
    plane: Vec<f32>,
    /// One strip, transposed: `[cols][STRIP]`.
    strip_in: Vec<f32>,
    /// A strip's row-pass output, transposed: `[cols][STRIP]`.
    strip_out: Vec<f32>,
    /// Rows emitted by the round-1 column pass, waiting for round 2: `[STRIP][cols]`.
    ring: Vec<f32>,
    /// Round-2 row-pass output at the sampled columns: `[rows][64]`.
    sampled: Vec<f32>,
    sums: Vec<f32>,
    inner_sums: Vec<f32>,
    sample_rows: Vec<usize>,
    sample_cols: Vec<usize>,
}

fn grow(buffer: &mut Vec<f32>, len: usize) {
    if buffer.len() < len {
        buffer.resize(len, 0.0);
    }
}

/// Decimation sample positions: `floor((i + 0.5) * dim / 64)`, as Meta
/// computes them in double precision.
fn sample_positions(dim: usize, out: &mut Vec<usize>) {
    out.clear();
    out.extend((0..64).map(|i| ((i as f64 + 0.5) * dim as f64 / 64.0) as usize));
}

/// Receives each output line of a box pass: the running sums and the number
/// of values in the window.
trait Sink {
    fn emit(&mut self, position: usize, sums: &[f32], count: usize);
}

/// `out = sums / count`. Division by a power of two is done as the exact
/// multiplication by its reciprocal, which rounds identically.
#[inline(always)]
fn divide_into(out: &mut [f32], sums: &[f32], count: usize) {
    if count.is_power_of_two() {
        let reciprocal = 1.0 / count as f32;
        for (o, s) in out.iter_mut().zip(sums) {
            *o = *s * reciprocal;
        }
    } else {
        let divisor = count as f32;
        for (o, s) in out.iter_mut().zip(sums) {
            *o = *s / divisor;
        }
    }
}

/// Stores every output line, or only the lines at sorted sample positions
/// (positions may repeat for images under 64 pixels).
struct Store<'a> {
    output: &'a mut [f32],
    positions: Option<&'a [usize]>,
    next: usize,
}

impl Sink for Store<'_> {
    #[inline(always)]
    fn emit(&mut self, position: usize, sums: &[f32], count: usize) {
        let lanes = sums.len();
        match self.positions {
            None => divide_into(&mut self.output[position * lanes..][..lanes], sums, count),
            Some(positions) => {
                while positions.get(self.next) == Some(&position) {
                    divide_into(&mut self.output[self.next * lanes..][..lanes], sums, count);
                    self.next += 1;
                }
            }
        }
    }
}

#[inline(always)]
fn add_row(sums: &mut [f32], row: &[f32]) {
    for (s, x) in sums.iter_mut().zip(row) {
        *s += *x;
    }
}

#[inline(always)]
fn add_sub_rows(sums: &mut [f32], add: &[f32], sub: &[f32]) {
    for ((s, x), y) in sums.iter_mut().zip(add).zip(sub) {
        *s += *x;
        *s -= *y;
    }
}

#[inline(always)]
fn sub_row(sums: &mut [f32], row: &[f32]) {
    for (s, y) in sums.iter_mut().zip(row) {
        *s -= *y;
    }
}

/// Box filter along the outer axis of `input` (`len` lines of `lanes`
/// contiguous values), every lane an independent running sum in Meta's order
/// (`box1DFloat`: grow the window, slide it, shrink it).
#[inline(always)]
fn box_lanes(
    input: &[f32],
    len: usize,
    lanes: usize,
    window: usize,
    sums: &mut [f32],
    sink: &mut impl Sink,
) {
    let half = (window + 2) / 2;
    let sums = &mut sums[..lanes];
    sums.fill(0.0);
    let input = &input[..len * lanes];
    let line = |i: usize| &input[i * lanes..][..lanes];
    let (mut li, mut ri, mut oi, mut count) = (0, 0, 0, 0);
    for _ in 0..half - 1 {
        add_row(sums, line(ri));
        ri += 1;
        count += 1;
    }
    for _ in 0..window - half + 1 {
        add_row(sums, line(ri));
        ri += 1;
        count += 1;
        sink.emit(oi, sums, count);
        oi += 1;
    }
    for _ in 0..len - window {
        add_sub_rows(sums, line(ri), line(li));
        ri += 1;
        li += 1;
        sink.emit(oi, sums, count);
        oi += 1;
    }
    for _ in 0..half - 1 {
        sub_row(sums, line(li));
        li += 1;
        count -= 1;
        sink.emit(oi, sums, count);
        oi += 1;
    }
}

/// Second-round row pass fed by the first-round column pass: collects its
/// output rows into a ring of one strip and, when full, filters the strip
/// along its rows keeping only the sampled columns.
struct RowPassOnRing<'a, T> {
    transposer: std::marker::PhantomData<T>,
    cols: usize,
    rows: usize,
    window: usize,
    ring: &'a mut [f32],
    strip_in: &'a mut [f32],
    strip_out: &'a mut [f32],
    sums: &'a mut [f32],
    sample_cols: &'a [usize],
    sampled: &'a mut [f32],
}

impl<T: Transpose> Sink for RowPassOnRing<'_, T> {
    #[inline(always)]
    fn emit(&mut self, position: usize, sums: &[f32], count: usize) {
        let cols = self.cols;
        let slot = position % STRIP;
        divide_into(&mut self.ring[slot * cols..][..cols], sums, count);
        if slot + 1 < STRIP && position + 1 < self.rows {
            return;
        }
        let height = slot + 1;
        let first_row = position + 1 - height;
        T::transpose(self.ring, cols, height, cols, self.strip_in, STRIP);
        let mut store = Store {
            output: self.strip_out,
            positions: Some(self.sample_cols),
            next: 0,
        };
        box_lanes(
            self.strip_in,
            cols,
            STRIP,
            self.window,
            self.sums,
            &mut store,
        );
        // strip_out is [64][STRIP]; sampled rows are [64] wide.
        let dst = &mut self.sampled[first_row * 64..];
        T::transpose(self.strip_out, STRIP, 64, height, dst, 64);
    }
}

/// Blurs and decimates the luma of `pixels` (both sides at least 5) to the
/// 64x64 block that Meta's code samples.
#[inline(always)]
pub(crate) fn downsample<T: Transpose>(
    scratch: &mut Scratch,
    pixels: &PixelBuffer<'_>,
    out: &mut [[f32; 64]; 64],
) {
    let (rows, cols) = (pixels.height(), pixels.width());
    let along_rows = window_size(cols);
    let along_cols = window_size(rows);
    let Scratch {
        plane,
        strip_in,
        strip_out,
        ring,
        sampled,
        sums,
        inner_sums,
        sample_rows,
        sample_cols,
    } = scratch;
    grow(plane, rows * cols);
    grow(strip_in, cols * STRIP);
    grow(strip_out, cols.max(64) * STRIP);
    grow(ring, STRIP * cols);
    grow(sampled, rows * 64);
    grow(sums, cols.max(STRIP).max(64));
    grow(inner_sums, STRIP);
    sample_positions(rows, sample_rows);
    sample_positions(cols, sample_cols);

    // Round 1, rows: luma of a strip (in the ring, free until the column
    // pass), transposed, filtered along its lanes, written back row-major.
    for first_row in (0..rows).step_by(STRIP) {
        let height = STRIP.min(rows - first_row);
        for k in 0..height {
            luma_row(pixels, first_row + k, &mut ring[k * cols..][..cols]);
        }
        T::transpose(ring, cols, height, cols, strip_in, STRIP);
        let mut store = Store {
            output: strip_out,
            positions: None,
            next: 0,
        };
        box_lanes(strip_in, cols, STRIP, along_rows, inner_sums, &mut store);
        T::transpose(
            strip_out,
            STRIP,
            cols,
            height,
            &mut plane[first_row * cols..],
            cols,
        );
    }

    // Round 1, columns, streaming into round 2, rows (sampled columns only).
    let mut row_pass = RowPassOnRing::<T> {
        transposer: std::marker::PhantomData,
        cols,
        rows,
        window: along_rows,
        ring,
        strip_in,
        strip_out,
        sums: inner_sums,
        sample_cols,
        sampled,
    };
    box_lanes(plane, rows, cols, along_cols, sums, &mut row_pass);

    // Round 2, columns: 64 lanes, only the sampled rows are stored.
    let mut block = [0.0f32; 64 * 64];
    let mut store = Store {
        output: &mut block,
        positions: Some(sample_rows),
        next: 0,
    };
    box_lanes(sampled, rows, 64, along_cols, sums, &mut store);
    for (dst, src) in out.iter_mut().zip(block.chunks_exact(64)) {
        dst.copy_from_slice(src);
    }
}
