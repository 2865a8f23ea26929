//! `report.md`: the result as tables a reader without programming
//! background can follow, with the definitions of every term and
//! transformation, and the plots.

use std::fmt::Write;

use crate::algorithm::Algorithm;
use crate::metrics::{self, scale_threshold};
use crate::plots::PLOT_NAMES;
use crate::report::pooled_related;
use crate::run::{AlgorithmResult, Evaluation};
use crate::stats::{Proportion, TailModel, summarize};

/// PDQ's customary match threshold (Meta's recommendation).
const HEADLINE: u32 = 31;

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A recall with its interval: `98.6% (96.7–99.5%)`.
fn recall_cell(p: &Proportion) -> String {
    format!(
        "{} ({}–{})",
        percent(p.rate),
        percent(p.lower95).trim_end_matches('%'),
        percent(p.upper95)
    )
}

/// A small rate in scientific notation: `3.4e-5`.
fn sci(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else {
        format!("{x:.1e}")
    }
}

/// False positives as "0 of 88,410 (≤ 3.4e-5)" or "12 of 88,410 = 1.4e-4 (≤ 2.3e-4)".
fn false_positive_cell(p: &Proportion) -> String {
    if p.count == 0 {
        format!("0 of {} (≤ {})", thousands(p.n), sci(p.upper95_one_sided))
    } else {
        format!(
            "{} of {} = {} (≤ {})",
            thousands(p.count),
            thousands(p.n),
            sci(p.rate),
            sci(p.upper95_one_sided)
        )
    }
}

/// The report's Markdown text. `command` is the command line that produced
/// it, shown at the top when given.
pub fn report_markdown(eval: &Evaluation, command: Option<&str>) -> String {
    let mut md = String::new();
    let Some(pdq) = eval.result(Algorithm::Pdq) else {
        return md;
    };
    let n_images = eval.images.len();
    let _ = writeln!(md, "# Error rates of perceptual hashing\n");
    let _ = writeln!(
        md,
        "Measured by `kenmerk eval` (kenmerk-eval {}) on {} images. Schema of the \
         machine-readable twin: `report.json` ({}).\n",
        env!("CARGO_PKG_VERSION"),
        n_images,
        crate::report::SCHEMA
    );
    if let Some(command) = command {
        let _ = writeln!(md, "Command:\n\n```sh\n{command}\n```\n");
    }
    summary_section(&mut md, eval, pdq);
    terms_section(&mut md, eval);
    recall_section(&mut md, eval);
    false_positive_section(&mut md, eval);
    equal_error_section(&mut md, eval);
    tail_section(&mut md, pdq);
    pdq_thresholds_section(&mut md, pdq);
    plots_section(&mut md);
    definitions_section(&mut md, eval);
    corpus_section(&mut md, eval);
    md
}

fn summary_section(md: &mut String, eval: &Evaluation, pdq: &AlgorithmResult) {
    let _ = writeln!(md, "## In short\n");
    let fp = pdq.unrelated.proportion_at_most(HEADLINE);
    let _ = writeln!(
        md,
        "- **Corpus:** {} images decoded ({} could not be used), longest side \
         shrunk to at most {} px{}. Every pair of different images is an \
         *unrelated pair*: {}.",
        eval.images.len(),
        eval.failures.len(),
        eval.config.max_side,
        if eval.config.max_side == 0 {
            " (no limit)"
        } else {
            ""
        },
        thousands(pdq.unrelated.total())
    );
    if pdq.same_scene.total() > 0 {
        let _ = writeln!(
            md,
            "  {} more pairs show the same scene photographed separately; they are \
             counted apart, not as unrelated.",
            pdq.same_scene.total()
        );
    }
    let _ = writeln!(
        md,
        "- **False positives of PDQ at distance ≤ {HEADLINE}:** {}. \"≤\" is the \
         95% upper confidence bound: with this many pairs, a true rate above it \
         would very probably have shown more false matches.",
        false_positive_cell(&fp)
    );
    let fp_d = pdq.unrelated_dihedral.proportion_at_most(HEADLINE);
    let _ = writeln!(
        md,
        "- **The same when each image is also matched rotated and mirrored** (8 \
         variants): {}.",
        false_positive_cell(&fp_d)
    );
    let (mut robust, mut fragile) = (Vec::new(), Vec::new());
    for t in &pdq.transforms {
        let r = t.related.proportion_at_most(HEADLINE).rate;
        if r >= 0.95 {
            robust.push(t.transform.name());
        } else if r < 0.05 {
            fragile.push(t.transform.name());
        }
    }
    let _ = writeln!(
        md,
        "- **PDQ finds at least 95% of edited copies** at {HEADLINE} after: {}.",
        if robust.is_empty() {
            "none".into()
        } else {
            robust.join(", ")
        }
    );
    let _ = writeln!(
        md,
        "- **PDQ finds fewer than 5%** after: {}.\n",
        if fragile.is_empty() {
            "none".into()
        } else {
            fragile.join(", ")
        }
    );
}

fn terms_section(md: &mut String, eval: &Evaluation) {
    let _ = writeln!(md, "## How to read this report\n");
    let _ = writeln!(
        md,
        "- A perceptual hash turns an image into a string of bits. Two images \
         *match* when their hashes differ in at most *threshold* bits (the \
         Hamming distance). PDQ has 256 bits; Meta suggests a threshold of 31. \
         The baselines have 64 bits; they are compared at the same share of \
         their bits (PDQ threshold × 64 / 256, rounded), e.g. 8 for 31.\n\
         - **Recall** of a transformation: the share of corpus images whose \
         transformed copy still matches the original. A miss is a *false \
         negative*. The range in brackets is the 95% Clopper–Pearson \
         confidence interval.\n\
         - **With rotations and mirrors** (dihedral): the copy is also matched \
         after each of the 8 rotations by multiples of 90° and mirrors, and \
         the best match counts. This undoes rotations by 90° and mirroring, \
         at the price of more false positives.\n\
         - **False positive**: two unrelated images that match. The rate is per \
         pair of images; for a provider, the expected number of false matches \
         is roughly this rate × uploads × indicators.\n\
         - **95% upper bound**: one-sided Clopper–Pearson. With no false \
         positive among N pairs it is about 3/N: the corpus cannot show a rate \
         lower than that, however good the hash.\n\
         - **Seed** {} fixes the random noise; the same corpus and seed give \
         the same report.\n",
        eval.config.seed
    );
}

fn baseline_header(eval: &Evaluation) -> (String, String) {
    let mut head = format!("| transformation | PDQ (≤ {HEADLINE}) | PDQ with rotations/mirrors |");
    let mut rule = "|---|---|---|".to_string();
    for r in eval
        .results
        .iter()
        .filter(|r| r.algorithm != Algorithm::Pdq)
    {
        let _ = write!(
            head,
            " {} (≤ {}) |",
            r.algorithm.label(),
            scale_threshold(HEADLINE, r.algorithm.bits())
        );
        rule.push_str("---|");
    }
    (head, rule)
}

fn recall_section(md: &mut String, eval: &Evaluation) {
    let Some(pdq) = eval.result(Algorithm::Pdq) else {
        return;
    };
    let _ = writeln!(
        md,
        "## Recall per transformation\n\nShare of the {} images whose edited copy \
         still matches its original, at PDQ threshold {HEADLINE} and the \
         equivalent baseline thresholds, with 95% confidence intervals.\n",
        eval.images.len()
    );
    let (head, rule) = baseline_header(eval);
    let _ = writeln!(md, "{head}\n{rule}");
    for (i, t) in pdq.transforms.iter().enumerate() {
        let mut row = format!(
            "| {} | {} | {} |",
            t.transform.name(),
            recall_cell(&t.related.proportion_at_most(HEADLINE)),
            recall_cell(&t.related_dihedral.proportion_at_most(HEADLINE))
        );
        for r in eval
            .results
            .iter()
            .filter(|r| r.algorithm != Algorithm::Pdq)
        {
            let th = scale_threshold(HEADLINE, r.algorithm.bits());
            let _ = write!(
                row,
                " {} |",
                recall_cell(&r.transforms[i].related.proportion_at_most(th))
            );
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(md);
}

fn false_positive_section(md: &mut String, eval: &Evaluation) {
    let _ = writeln!(
        md,
        "## False positives between unrelated images\n\nEvery pair of different \
         corpus images, at each reported threshold. \"≤\" gives the one-sided 95% \
         upper bound.\n"
    );
    for r in &eval.results {
        let s = summarize(r.unrelated.counts());
        let _ = writeln!(
            md,
            "**{}** ({} bits). Distances between unrelated images: {}.\n",
            r.algorithm.label(),
            r.algorithm.bits(),
            s.map(|s| format!(
                "smallest {}, median {}, mean {:.1}, standard deviation {:.1}",
                s.min, s.median, s.mean, s.sd
            ))
            .unwrap_or_else(|| "none".into())
        );
        let _ = writeln!(
            md,
            "| threshold | false positives | with rotations/mirrors |\n|---|---|---|"
        );
        for &t in &r.thresholds {
            let _ = writeln!(
                md,
                "| {t} | {} | {} |",
                false_positive_cell(&r.unrelated.proportion_at_most(t)),
                false_positive_cell(&r.unrelated_dihedral.proportion_at_most(t))
            );
        }
        let _ = writeln!(md);
    }
}

fn equal_error_section(md: &mut String, eval: &Evaluation) {
    let _ = writeln!(
        md,
        "## Equal-error thresholds\n\nThe threshold at which the false-positive \
         rate and the miss rate (all transformations pooled) are closest. It is \
         a summary of the trade-off, not a recommended setting: detection of \
         known material usually wants far fewer false positives than misses.\n\n\
         | algorithm | threshold | false-positive rate | miss rate |\n|---|---|---|---|"
    );
    for r in &eval.results {
        if let Some(e) = metrics::equal_error(&r.unrelated, &pooled_related(r)) {
            let _ = writeln!(
                md,
                "| {} | {} of {} bits | {} | {} |",
                r.algorithm.label(),
                e.threshold,
                r.algorithm.bits(),
                sci(e.false_positive_rate),
                percent(e.false_negative_rate)
            );
        }
    }
    let _ = writeln!(md);
}

fn tail_section(md: &mut String, pdq: &AlgorithmResult) {
    let Some(model) = TailModel::fit(pdq.unrelated.counts(), 256) else {
        return;
    };
    let _ = writeln!(
        md,
        "## Beyond the corpus: a tail model (a model, not a measurement)\n\n\
         The corpus can only show false-positive rates down to about 3 / {}. \
         To estimate smaller rates, two curves are fitted to the PDQ distances \
         between unrelated images and extrapolated: a **normal** curve (mean \
         {:.1}, standard deviation {:.2}) and Daugman's **binomial** model (the \
         distance behaves like {} independent coin flips with probability \
         {:.3}). Real images can have heavier tails than either (near-duplicates, \
         simple graphics, uniform images), so treat these as optimistic \
         orders of magnitude.\n\n\
         | threshold | measured | normal model | binomial model |\n|---|---|---|---|",
        thousands(pdq.unrelated.total()),
        model.mean,
        model.sd,
        model.degrees_of_freedom,
        model.p
    );
    for &t in &pdq.thresholds {
        let _ = writeln!(
            md,
            "| {t} | {} | {} | {} |",
            false_positive_cell(&pdq.unrelated.proportion_at_most(t)),
            sci(model.normal(t)),
            sci(model.binomial(t))
        );
    }
    let _ = writeln!(md);
}

fn pdq_thresholds_section(md: &mut String, pdq: &AlgorithmResult) {
    let _ = writeln!(
        md,
        "## PDQ recall at every reported threshold\n\nWithout / with rotations \
         and mirrors.\n"
    );
    let mut head = "| transformation |".to_string();
    let mut rule = "|---|".to_string();
    for t in &pdq.thresholds {
        let _ = write!(head, " ≤ {t} |");
        rule.push_str("---|");
    }
    let _ = writeln!(md, "{head}\n{rule}");
    for t in &pdq.transforms {
        let mut row = format!("| {} |", t.transform.name());
        for &x in &pdq.thresholds {
            let _ = write!(
                row,
                " {} / {} |",
                percent(t.related.proportion_at_most(x).rate),
                percent(t.related_dihedral.proportion_at_most(x).rate)
            );
        }
        let _ = writeln!(md, "{row}");
    }
    let _ = writeln!(md);
}

fn plots_section(md: &mut String) {
    let _ = writeln!(md, "## Plots\n");
    for (file, caption) in PLOT_NAMES {
        let _ = writeln!(
            md,
            "**{caption}** ([SVG]({file}.svg))\n\n![{caption}]({file}.png)\n"
        );
    }
}

fn definitions_section(md: &mut String, eval: &Evaluation) {
    let _ = writeln!(
        md,
        "## The transformations\n\nEach corpus image is decoded once{}, then \
         each transformation is applied to it in memory.\n\n| name | definition |\n|---|---|",
        if eval.config.max_side > 0 {
            format!(
                " and shrunk (Lanczos3) so that its longer side is at most {} px",
                eval.config.max_side
            )
        } else {
            String::new()
        }
    );
    for t in &eval.config.transforms {
        let _ = writeln!(md, "| {} | {} |", t.name(), t.definition());
    }
    let _ = writeln!(
        md,
        "\nBaselines as commonly defined (Python `imagehash`): **aHash** grey 8×8, \
         bit = brighter than the mean; **dHash** grey 9×8, bit = right neighbour \
         brighter; **pHash** grey 32×32, DCT, 8×8 lowest frequencies, bit = above \
         their median. Grey is ITU-R 601 luma; resizing is Lanczos3.\n"
    );
}

fn corpus_section(md: &mut String, eval: &Evaluation) {
    let _ = writeln!(md, "## Corpus notes\n");
    let _ = writeln!(
        md,
        "- {} images used; PDQ rates {} of them below quality 50 (too little \
         detail to match by Meta's rule); they are included in every figure.",
        eval.images.len(),
        eval.low_quality_originals.len()
    );
    if eval.failures.is_empty() {
        let _ = writeln!(md, "- Every file in the corpus could be decoded.");
    } else {
        let _ = writeln!(md, "- Files that could not be used:");
        for f in &eval.failures {
            let _ = writeln!(md, "  - `{}`: {}", f.file, f.reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_formats() {
        assert_eq!(thousands(88_410), "88,410");
        assert_eq!(thousands(999), "999");
        assert_eq!(sci(3.3885e-5), "3.4e-5");
        let p = Proportion::new(0, 88_410);
        assert_eq!(false_positive_cell(&p), "0 of 88,410 (≤ 3.4e-5)");
        assert_eq!(
            recall_cell(&Proportion::new(10, 10)),
            "100.0% (69.2–100.0%)"
        );
    }
}
