//! NEON kernel: per record, XOR two 128-bit halves with the query, count
//! bits per byte (`vcnt`), add the halves and sum the bytes across the
//! register (`vaddlv`). NEON is part of the aarch64 baseline.

use std::arch::aarch64::*;

use super::super::Record;

/// Calls `emit(index, distance)` for every record within `radius` of `query`.
pub(crate) fn scan(
    records: &[Record],
    query: &Record,
    radius: u32,
    emit: &mut impl FnMut(usize, u32),
) {
    // SAFETY: NEON is mandatory on aarch64; each load reads 16 bytes inside
    // a 32-byte array (offsets 0 and 16).
    unsafe {
        let q0 = vld1q_u8(query.as_ptr());
        let q1 = vld1q_u8(query.as_ptr().add(16));
        for (i, r) in records.iter().enumerate() {
            let x0 = veorq_u8(vld1q_u8(r.as_ptr()), q0);
            let x1 = veorq_u8(vld1q_u8(r.as_ptr().add(16)), q1);
            let d = u32::from(vaddlvq_u8(vaddq_u8(vcntq_u8(x0), vcntq_u8(x1))));
            if d <= radius {
                emit(i, d);
            }
        }
    }
}
