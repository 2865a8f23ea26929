//! Fast, bit-exact blur and decimation to 64x64.
//!
//! Meta's code runs each 1-D box filter as a running sum along one row or
//! column at a time. Each sum is a serial chain of `f32` additions, so a
//! straightforward port is latency-bound, and the column passes stride through
//! memory. Here every pass runs many independent sums side by side ("lanes"):
//! the data is laid out so that the sequential axis is the outer one and the
//! lanes are contiguous, and a transpose between passes swaps the axes. Each
//! lane still sees exactly Meta's sequence of additions, subtractions and
//! divisions, so the result is bit-identical, while the lane loops compile to
//! wide SIMD.
//!
//! Only 64 columns of the second row pass and 64 rows of the second column
//! pass are ever sampled by the decimation, so those passes store just those
//! outputs (the running sums still visit every input, as exactness requires),
//! and the last pass runs over 64 lanes only.

use super::window_size;

/// Reusable buffers; grown on demand, never shrunk, so a warmed hasher does
/// not allocate.
#[derive(Default, Debug)]
pub(crate) struct Scratch {
    a: Vec<f32>,
    b: Vec<f32>,
    sums: Vec<f32>,
    keep_rows: Vec<usize>,
    keep_cols: Vec<usize>,
}

/// Decimation sample positions: `floor((i + 0.5) * dim / 64)`, as Meta
/// computes them in double precision.
fn sample_positions(dim: usize, out: &mut Vec<usize>) {
    out.clear();
    out.extend((0..64).map(|i| ((i as f64 + 0.5) * dim as f64 / 64.0) as usize));
}

/// Which outputs of a box pass to store.
#[derive(Clone, Copy)]
enum Keep<'a> {
    All,
    /// Sorted positions (may repeat for short inputs); output slot `n` holds
    /// position `positions[n]`.
    Only(&'a [usize]),
}

/// Stores the outputs of a box pass that [`Keep`] selects.
struct Emitter<'a> {
    keep: Keep<'a>,
    next_kept: usize,
}

impl Emitter<'_> {
    /// Stores `sums / count` as the output at `position`, if it is kept.
    #[inline(always)]
    fn emit(&mut self, position: usize, sums: &[f32], count: usize, output: &mut [f32]) {
        let lanes = sums.len();
        match self.keep {
            Keep::All => divide_into(&mut output[position * lanes..][..lanes], sums, count),
            Keep::Only(positions) => {
                while positions.get(self.next_kept) == Some(&position) {
                    divide_into(&mut output[self.next_kept * lanes..][..lanes], sums, count);
                    self.next_kept += 1;
                }
            }
        }
    }
}

#[inline(always)]
fn divide_into(out: &mut [f32], sums: &[f32], count: usize) {
    let divisor = count as f32;
    for (o, s) in out.iter_mut().zip(sums) {
        *o = *s / divisor;
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

/// Box filter along the outer axis of `input` (`len` rows of `lanes`
/// contiguous values), every lane an independent running sum in Meta's order
/// (see `box1DFloat`: grow the window, slide it, shrink it).
#[inline(always)]
fn box_lanes(
    input: &[f32],
    len: usize,
    lanes: usize,
    window: usize,
    keep: Keep<'_>,
    sums: &mut [f32],
    output: &mut [f32],
) {
    let half = (window + 2) / 2;
    let sums = &mut sums[..lanes];
    sums.fill(0.0);
    let input = &input[..len * lanes];
    let row = |i: usize| &input[i * lanes..][..lanes];
    let mut emitter = Emitter { keep, next_kept: 0 };
    let (mut li, mut ri, mut oi, mut count) = (0, 0, 0, 0);
    for _ in 0..half - 1 {
        add_row(sums, row(ri));
        ri += 1;
        count += 1;
    }
    for _ in 0..window - half + 1 {
        add_row(sums, row(ri));
        ri += 1;
        count += 1;
        emitter.emit(oi, sums, count, output);
        oi += 1;
    }
    for _ in 0..len - window {
        add_sub_rows(sums, row(ri), row(li));
        ri += 1;
        li += 1;
        emitter.emit(oi, sums, count, output);
        oi += 1;
    }
    for _ in 0..half - 1 {
        sub_row(sums, row(li));
        li += 1;
        count -= 1;
        emitter.emit(oi, sums, count, output);
        oi += 1;
    }
}

/// `dst[c * rows + r] = src[r * cols + c]`, in cache-sized tiles.
#[inline(always)]
fn transpose(src: &[f32], rows: usize, cols: usize, dst: &mut [f32]) {
    const TILE: usize = 16;
    let src = &src[..rows * cols];
    let dst = &mut dst[..rows * cols];
    for r0 in (0..rows).step_by(TILE) {
        let r1 = (r0 + TILE).min(rows);
        for c0 in (0..cols).step_by(TILE) {
            let c1 = (c0 + TILE).min(cols);
            for r in r0..r1 {
                let src_row = &src[r * cols + c0..r * cols + c1];
                for (c, &v) in (c0..c1).zip(src_row) {
                    dst[c * rows + r] = v;
                }
            }
        }
    }
}

/// Blurs and decimates a row-major luma plane (`rows` x `cols`, both at
/// least 5) held in `scratch.a` to the 64x64 block Meta's code samples.
#[inline(always)]
pub(crate) fn downsample(
    scratch: &mut Scratch,
    rows: usize,
    cols: usize,
    out: &mut [[f32; 64]; 64],
) {
    let n = rows * cols;
    let along_rows = window_size(cols);
    let along_cols = window_size(rows);
    let Scratch {
        a,
        b,
        sums,
        keep_rows,
        keep_cols,
    } = scratch;
    // Round 2 stores 64 sampled lines, which can exceed the image when one
    // side is under 64 pixels.
    let needed = n.max(64 * rows.max(cols));
    for buffer in [&mut *a, &mut *b] {
        if buffer.len() < needed {
            buffer.resize(needed, 0.0);
        }
    }
    let lanes = rows.max(cols).max(64);
    if sums.len() < lanes {
        sums.resize(lanes, 0.0);
    }
    sample_positions(rows, keep_rows);
    sample_positions(cols, keep_cols);

    // Round 1, rows: lanes are image rows, so work on the transpose.
    transpose(a, rows, cols, b);
    box_lanes(b, cols, rows, along_rows, Keep::All, sums, a);
    // Round 1, columns: lanes are image columns, row-major again.
    transpose(a, cols, rows, b);
    box_lanes(b, rows, cols, along_cols, Keep::All, sums, a);
    // Round 2, rows: only the 64 sampled columns are stored ([64][rows]).
    transpose(a, rows, cols, b);
    box_lanes(b, cols, rows, along_rows, Keep::Only(keep_cols), sums, a);
    // Round 2, columns: 64 lanes, only the 64 sampled rows are stored.
    transpose(a, 64, rows, b);
    let mut block = [0.0f32; 64 * 64];
    box_lanes(
        b,
        rows,
        64,
        along_cols,
        Keep::Only(keep_rows),
        sums,
        &mut block,
    );
    for (dst, src) in out.iter_mut().zip(block.chunks_exact(64)) {
        dst.copy_from_slice(src);
    }
}

/// The row-major luma buffer that [`downsample`] reads, sized for `n` values.
pub(crate) fn luma_buffer(scratch: &mut Scratch, n: usize) -> &mut [f32] {
    if scratch.a.len() < n {
        scratch.a.resize(n, 0.0);
    }
    &mut scratch.a[..n]
}
