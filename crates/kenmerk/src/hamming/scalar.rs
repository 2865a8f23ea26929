//! The portable kernel: XOR and popcount on four 64-bit words per pair.
//! Every other kernel is tested against this one.

use super::Record;

#[inline(always)]
fn words(r: &Record) -> [u64; 4] {
    let mut w = [0u64; 4];
    for (word, bytes) in w.iter_mut().zip(r.chunks_exact(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(bytes);
        *word = u64::from_ne_bytes(b);
    }
    w
}

/// Hamming distance of two records.
#[inline]
pub(super) fn distance(a: &Record, b: &Record) -> u32 {
    let (a, b) = (words(a), words(b));
    (a[0] ^ b[0]).count_ones()
        + (a[1] ^ b[1]).count_ones()
        + (a[2] ^ b[2]).count_ones()
        + (a[3] ^ b[3]).count_ones()
}

/// Calls `emit(index, distance)` for every record within `radius` of `query`.
pub(super) fn scan(
    records: &[Record],
    query: &Record,
    radius: u32,
    emit: &mut impl FnMut(usize, u32),
) {
    let q = words(query);
    for (i, r) in records.iter().enumerate() {
        let w = words(r);
        let d = (w[0] ^ q[0]).count_ones()
            + (w[1] ^ q[1]).count_ones()
            + (w[2] ^ q[2]).count_ones()
            + (w[3] ^ q[3]).count_ones();
        if d <= radius {
            emit(i, d);
        }
    }
}
