//! Distance histograms and the rates read from them.
//!
//! Every measurement of a run is a Hamming distance: between a transformed
//! image and its original (a *related* pair, which should match), or between
//! two different corpus images (an *unrelated* pair, which should not). A
//! [`Histogram`] counts pairs per distance; recall and false-positive rate
//! at threshold `t` are the share of pairs at distance `≤ t`, so every
//! threshold is answered from the same counts, with integer arithmetic
//! until the final division.

use crate::stats::{self, EqualError, Proportion};

/// Pairs counted per distance, `0..=bits`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
}

impl Histogram {
    /// An empty histogram for hashes of `bits` bits.
    pub fn new(bits: u32) -> Histogram {
        Histogram {
            counts: vec![0; bits as usize + 1],
        }
    }

    /// Counts one pair at `distance` (clamped to the hash length).
    pub fn add(&mut self, distance: u32) {
        let last = self.counts.len() - 1;
        self.counts[(distance as usize).min(last)] += 1;
    }

    /// Adds another histogram of the same length.
    pub fn merge(&mut self, other: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
    }

    /// Counts per distance.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Largest distance the histogram can hold.
    pub fn bits(&self) -> u32 {
        (self.counts.len() - 1) as u32
    }

    /// Number of pairs.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Pairs at distance `≤ t`.
    pub fn at_most(&self, t: u32) -> u64 {
        let end = (t as usize + 1).min(self.counts.len());
        self.counts[..end].iter().sum()
    }

    /// Share of pairs at distance `≤ t`, with confidence bounds.
    pub fn proportion_at_most(&self, t: u32) -> Proportion {
        Proportion::new(self.at_most(t), self.total())
    }

    /// Share of pairs at distance `≤ t` for every `t` in `0..=bits`.
    pub fn cumulative_rates(&self) -> Vec<f64> {
        let total = self.total();
        let mut seen = 0u64;
        self.counts
            .iter()
            .map(|&c| {
                seen += c;
                if total == 0 {
                    0.0
                } else {
                    seen as f64 / total as f64
                }
            })
            .collect()
    }
}

/// The equal-error threshold between unrelated pairs (false positives) and
/// related pairs (misses).
pub fn equal_error(unrelated: &Histogram, related: &Histogram) -> Option<EqualError> {
    if unrelated.total() == 0 || related.total() == 0 {
        return None;
    }
    let fpr = unrelated.cumulative_rates();
    let fnr: Vec<f64> = related.cumulative_rates().iter().map(|r| 1.0 - r).collect();
    stats::equal_error(&fpr, &fnr)
}

/// A threshold for a hash of `bits` bits equivalent to PDQ threshold `t`
/// (same fraction of the bits, rounded to nearest).
pub fn scale_threshold(t: u32, bits: u32) -> u32 {
    ((u64::from(t) * u64::from(bits) + 128) / 256) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_and_rates() {
        let mut h = Histogram::new(8);
        for d in [0, 1, 1, 3, 8, 20] {
            h.add(d);
        }
        assert_eq!(h.total(), 6);
        assert_eq!(h.at_most(1), 3);
        assert_eq!(h.at_most(100), 6);
        assert_eq!(h.counts()[8], 2);
        let p = h.proportion_at_most(1);
        assert_eq!((p.count, p.n, p.rate), (3, 6, 0.5));
        assert_eq!(scale_threshold(31, 64), 8);
        assert_eq!(scale_threshold(31, 256), 31);
    }

    proptest! {
        #[test]
        fn rates_are_monotone_in_the_threshold(
            distances in proptest::collection::vec(0u32..=64, 0..400),
        ) {
            let mut h = Histogram::new(64);
            for &d in &distances {
                h.add(d);
            }
            let mut last = Proportion::new(0, h.total());
            for t in 0..=64 {
                let p = h.proportion_at_most(t);
                prop_assert!(p.count >= last.count && p.rate >= last.rate);
                prop_assert!(p.lower95 >= last.lower95 - 1e-12);
                prop_assert!(p.upper95 >= last.upper95 - 1e-12);
                prop_assert!(p.lower95 <= p.rate && p.rate <= p.upper95);
                last = p;
            }
            prop_assert_eq!(last.count, distances.len() as u64);
        }

        #[test]
        fn equal_error_balances_the_two_rates(
            unrelated in proptest::collection::vec(20u32..=64, 1..200),
            related in proptest::collection::vec(0u32..=40, 1..200),
        ) {
            let (mut u, mut r) = (Histogram::new(64), Histogram::new(64));
            unrelated.iter().for_each(|&d| u.add(d));
            related.iter().for_each(|&d| r.add(d));
            let e = equal_error(&u, &r).unwrap();
            let gap = (e.false_positive_rate - e.false_negative_rate).abs();
            for t in 0..=64 {
                let fpr = u.at_most(t) as f64 / u.total() as f64;
                let fnr = 1.0 - r.at_most(t) as f64 / r.total() as f64;
                prop_assert!(gap <= (fpr - fnr).abs() + 1e-12);
            }
        }
    }
}
