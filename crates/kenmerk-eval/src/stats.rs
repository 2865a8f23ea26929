//! Statistics of counted outcomes: exact binomial confidence bounds, the
//! equal-error threshold and a model of the unrelated-distance tail.
//!
//! - **Clopper–Pearson** ("exact") interval for `k` successes in `n`
//!   trials: the bounds are quantiles of Beta distributions,
//!   `lower = B(α/2; k, n−k+1)`, `upper = B(1−α/2; k+1, n−k)`, with
//!   `lower = 0` when `k = 0` and `upper = 1` when `k = n`. The interval
//!   never has less than its nominal coverage.
//! - **One-sided upper bound** at 95%: `B(0.95; k+1, n−k)`; for `k = 0` it
//!   is `1 − 0.05^(1/n)`, about `3/n` (the "rule of three").
//! - **Tail models** of the distance between unrelated images. A normal
//!   fit (mean and standard deviation of the observed distances, with a
//!   continuity correction) and Daugman's binomial fit (the fractional
//!   distance treated as a binomial proportion with `p` the mean fraction
//!   and `N = p(1−p)/σ²` effective independent bits). Both extrapolate
//!   `P(d ≤ t)` far below what a corpus can count; they are models, not
//!   measurements.

use statrs::distribution::{Beta, Binomial, ContinuousCDF, DiscreteCDF, Normal};

/// A proportion with its 95% Clopper–Pearson interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    /// Successes.
    pub count: u64,
    /// Trials.
    pub n: u64,
    /// `count / n` (0 when `n` is 0).
    pub rate: f64,
    /// Lower end of the two-sided 95% interval.
    pub lower95: f64,
    /// Upper end of the two-sided 95% interval.
    pub upper95: f64,
    /// One-sided 95% upper bound.
    pub upper95_one_sided: f64,
}

impl Proportion {
    /// `count` successes in `n` trials (`count <= n`).
    pub fn new(count: u64, n: u64) -> Proportion {
        let count = count.min(n);
        let rate = if n == 0 { 0.0 } else { count as f64 / n as f64 };
        let (lower95, upper95) = clopper_pearson(count, n, 0.05);
        Proportion {
            count,
            n,
            rate,
            lower95,
            upper95,
            upper95_one_sided: upper_bound(count, n, 0.05),
        }
    }
}

/// Beta quantile, or `None` if the parameters are out of range.
fn beta_quantile(p: f64, a: f64, b: f64) -> f64 {
    match Beta::new(a, b) {
        Ok(beta) => beta.inverse_cdf(p).clamp(0.0, 1.0),
        Err(_) => f64::NAN,
    }
}

/// Two-sided Clopper–Pearson interval at level `1 − alpha` for `k` of `n`.
/// With `n = 0` nothing is known: `(0, 1)`.
pub fn clopper_pearson(k: u64, n: u64, alpha: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let k = k.min(n);
    let nf = n as f64;
    let lower = match k {
        0 => 0.0,
        _ if k == n => (alpha / 2.0).powf(1.0 / nf),
        _ => beta_quantile(alpha / 2.0, k as f64, (n - k + 1) as f64),
    };
    let upper = match k {
        _ if k == n => 1.0,
        0 => 1.0 - (alpha / 2.0).powf(1.0 / nf),
        _ => beta_quantile(1.0 - alpha / 2.0, (k + 1) as f64, (n - k) as f64),
    };
    let rate = k as f64 / nf;
    // Guard against the quantile's last-bit rounding.
    (lower.min(rate), upper.max(rate))
}

/// One-sided upper bound at level `1 − alpha` for `k` of `n`.
pub fn upper_bound(k: u64, n: u64, alpha: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let k = k.min(n);
    let rate = k as f64 / n as f64;
    let upper = match k {
        _ if k == n => 1.0,
        0 => 1.0 - alpha.powf(1.0 / n as f64),
        _ => beta_quantile(1.0 - alpha, (k + 1) as f64, (n - k) as f64),
    };
    upper.max(rate)
}

/// The threshold where the false-positive rate and the miss rate are
/// closest, both as functions of the threshold (index).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EqualError {
    /// The threshold (largest matching distance).
    pub threshold: u32,
    /// False-positive rate there.
    pub false_positive_rate: f64,
    /// Miss rate (1 − recall) there.
    pub false_negative_rate: f64,
}

/// Finds the equal-error threshold from the false-positive rates and miss
/// rates at thresholds 0, 1, 2, ... (the smallest threshold wins ties).
pub fn equal_error(fpr: &[f64], fnr: &[f64]) -> Option<EqualError> {
    fpr.iter()
        .zip(fnr)
        .enumerate()
        .map(|(t, (&p, &n))| (t, p, n, (p - n).abs()))
        .fold(None, |best: Option<(usize, f64, f64, f64)>, c| match best {
            Some(b) if b.3 <= c.3 => Some(b),
            _ => Some(c),
        })
        .map(|(t, p, n, _)| EqualError {
            threshold: t as u32,
            false_positive_rate: p,
            false_negative_rate: n,
        })
}

/// Moments of a distance histogram (index = distance).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of distances.
    pub count: u64,
    /// Smallest distance.
    pub min: u32,
    /// Median (lower median for even counts).
    pub median: u32,
    /// Largest distance.
    pub max: u32,
    /// Mean.
    pub mean: f64,
    /// Population standard deviation.
    pub sd: f64,
}

/// Summarises a histogram; `None` if it is empty.
pub fn summarize(histogram: &[u64]) -> Option<Summary> {
    let count: u64 = histogram.iter().sum();
    if count == 0 {
        return None;
    }
    let min = histogram.iter().position(|&c| c > 0)? as u32;
    let max = histogram.iter().rposition(|&c| c > 0)? as u32;
    let half = count.div_ceil(2);
    let mut seen = 0;
    let mut median = min;
    for (d, &c) in histogram.iter().enumerate() {
        seen += c;
        if seen >= half {
            median = d as u32;
            break;
        }
    }
    let n = count as f64;
    let mean = histogram
        .iter()
        .enumerate()
        .map(|(d, &c)| d as f64 * c as f64)
        .sum::<f64>()
        / n;
    let var = histogram
        .iter()
        .enumerate()
        .map(|(d, &c)| (d as f64 - mean).powi(2) * c as f64)
        .sum::<f64>()
        / n;
    Some(Summary {
        count,
        min,
        median,
        max,
        mean,
        sd: var.sqrt(),
    })
}

/// A fitted model of `P(d ≤ t)` for unrelated images.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TailModel {
    /// Hash length in bits.
    pub bits: u32,
    /// Mean distance of the fit.
    pub mean: f64,
    /// Standard deviation of the fit.
    pub sd: f64,
    /// Daugman's mean fraction `p = mean / bits`.
    pub p: f64,
    /// Daugman's effective number of independent bits.
    pub degrees_of_freedom: u64,
}

impl TailModel {
    /// Fits both models to a histogram of unrelated distances; `None` if it
    /// has fewer than two values or no spread.
    pub fn fit(histogram: &[u64], bits: u32) -> Option<TailModel> {
        let s = summarize(histogram)?;
        if s.count < 2 || s.sd <= 0.0 {
            return None;
        }
        let p = s.mean / f64::from(bits);
        let frac_sd = s.sd / f64::from(bits);
        let dof = (p * (1.0 - p) / (frac_sd * frac_sd)).round().max(1.0) as u64;
        Some(TailModel {
            bits,
            mean: s.mean,
            sd: s.sd,
            p,
            degrees_of_freedom: dof,
        })
    }

    /// Normal model: `Φ((t + 0.5 − mean) / sd)`.
    pub fn normal(&self, t: u32) -> f64 {
        Normal::new(self.mean, self.sd)
            .map(|n| n.cdf(f64::from(t) + 0.5))
            .unwrap_or(f64::NAN)
    }

    /// Daugman's binomial model: `P(X ≤ ⌊N t / bits⌋)`, `X ~ Bin(N, p)`.
    pub fn binomial(&self, t: u32) -> f64 {
        let k = (self.degrees_of_freedom as f64 * f64::from(t) / f64::from(self.bits)).floor();
        match Binomial::new(self.p.clamp(0.0, 1.0), self.degrees_of_freedom) {
            Ok(b) => b.cdf(k as u64),
            Err(_) => f64::NAN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_clopper_pearson_values() {
        // 0 of 88,410: the one-sided bound is close to 3/n.
        let n = 88_410;
        let u = upper_bound(0, n, 0.05);
        assert!((u - 3.3885e-5).abs() < 1e-8, "{u}");
        assert!((u * n as f64 - 3.0).abs() < 0.01);
        // 5 of 10: the textbook interval (0.1871, 0.8129).
        let (lo, hi) = clopper_pearson(5, 10, 0.05);
        assert!((lo - 0.187_086).abs() < 1e-5, "{lo}");
        assert!((hi - 0.812_914).abs() < 1e-5, "{hi}");
        // 10 of 10: lower = 0.025^(1/10).
        let (lo, hi) = clopper_pearson(10, 10, 0.05);
        assert!((lo - 0.025f64.powf(0.1)).abs() < 1e-12 && hi == 1.0);
        assert_eq!(clopper_pearson(0, 0, 0.05), (0.0, 1.0));
    }

    #[test]
    fn equal_error_picks_the_crossing() {
        let fpr = [0.0, 0.0, 0.01, 0.2, 0.6];
        let fnr = [0.9, 0.3, 0.05, 0.0, 0.0];
        let e = equal_error(&fpr, &fnr).unwrap();
        assert_eq!(e.threshold, 2);
        assert_eq!(equal_error(&[], &[]), None);
    }

    #[test]
    fn summary_and_models_of_a_binomial_histogram() {
        // Exact Bin(256, 0.5) counts scaled up: mean 128, sd 8, dof 256.
        let model = Binomial::new(0.5, 256).unwrap();
        let hist: Vec<u64> = (0..=256u64)
            .map(|d| (statrs::distribution::Discrete::pmf(&model, d) * 1e9).round() as u64)
            .collect();
        let s = summarize(&hist).unwrap();
        assert_eq!(s.median, 128);
        assert!((s.mean - 128.0).abs() < 1e-3 && (s.sd - 8.0).abs() < 1e-2);
        let fit = TailModel::fit(&hist, 256).unwrap();
        assert_eq!(fit.degrees_of_freedom, 256);
        assert!((fit.binomial(100) - model.cdf(100)).abs() < 1e-9);
        assert!(fit.normal(31) < 1e-30 && fit.binomial(31) < 1e-30);
        assert!(fit.binomial(31) > 0.0);
    }

    proptest! {
        #[test]
        fn interval_contains_the_rate(n in 1u64..100_000, k_frac in 0.0f64..=1.0) {
            let k = ((n as f64) * k_frac).round() as u64;
            let p = Proportion::new(k, n);
            prop_assert!(p.lower95 >= 0.0 && p.upper95 <= 1.0);
            prop_assert!(p.lower95 <= p.rate && p.rate <= p.upper95);
            prop_assert!(p.rate <= p.upper95_one_sided);
            prop_assert!(p.upper95_one_sided <= p.upper95 + 1e-12);
        }

        #[test]
        fn bounds_grow_with_the_count(n in 2u64..5_000, k_frac in 0.0f64..1.0) {
            let k = (((n - 1) as f64) * k_frac) as u64;
            let a = Proportion::new(k, n);
            let b = Proportion::new(k + 1, n);
            prop_assert!(a.lower95 <= b.lower95 + 1e-12);
            prop_assert!(a.upper95 <= b.upper95 + 1e-12);
            prop_assert!(a.upper95_one_sided <= b.upper95_one_sided + 1e-12);
        }

        #[test]
        fn models_are_monotone_in_the_threshold(
            counts in proptest::collection::vec(0u64..1000, 65),
        ) {
            if let Some(m) = TailModel::fit(&counts, 64) {
                let mut last = (0.0, 0.0);
                for t in 0..=64 {
                    let (n, b) = (m.normal(t), m.binomial(t));
                    prop_assert!(n >= last.0 && b >= last.1 - 1e-15);
                    prop_assert!((0.0..=1.0).contains(&n) && (0.0..=1.0).contains(&b));
                    last = (n, b);
                }
            }
        }
    }
}
