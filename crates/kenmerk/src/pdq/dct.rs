//! Fast 64x64 to 16x16 DCT, bit-exact with Meta's.
//!
//! `B = D A Dᵀ` with `D` the 16x64 DCT-II matrix for frequencies 1..16. Each
//! output is a dot product that Meta sums in `f32` from `k = 0` to `63`; here
//! the same sums run with the output index innermost, so each sum keeps its
//! order while the loop over outputs vectorizes.

use super::{dct_matrix, dct_matrix_transposed};

/// The 16x16 DCT coefficients of the 64x64 block.
#[inline(always)]
pub(crate) fn dct16(block: &[[f32; 64]; 64], out: &mut [[f32; 16]; 16]) {
    let d = dct_matrix();
    let dt = dct_matrix_transposed();
    let mut t = [[0.0f32; 64]; 16];
    for (t_row, d_row) in t.iter_mut().zip(d) {
        for (&coefficient, a_row) in d_row.iter().zip(block) {
            for (acc, &a) in t_row.iter_mut().zip(a_row) {
                *acc += coefficient * a;
            }
        }
    }
    for (out_row, t_row) in out.iter_mut().zip(&t) {
        *out_row = [0.0; 16];
        for (&tk, dt_row) in t_row.iter().zip(dt) {
            for (acc, &dv) in out_row.iter_mut().zip(dt_row) {
                *acc += tk * dv;
            }
        }
    }
}
