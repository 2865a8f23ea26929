//! `report.json`: the machine-readable result, in a versioned schema.
//!
//! The top level describes PDQ; each baseline has the same shape under
//! `baselines.<name>`. Thresholds are object keys written as decimal
//! strings (`"31"`). Rates are rounded to six significant digits. The text
//! depends only on the corpus, the options and the seed: no timestamps, no
//! absolute paths, fixed key order, so the same run gives the same bytes.
//!
//! Main fields (per algorithm):
//! - `unrelated_pairs`; `false_positives.<t>.{count,rate,upper95}` (one-sided
//!   95% Clopper–Pearson upper bound) and the same under
//!   `false_positives_dihedral`;
//! - `transforms.<name>.recall.<t>.{count,rate,lower95,upper95}` (two-sided
//!   95% Clopper–Pearson) and `recall_dihedral`;
//! - `equal_error` (all transformations pooled, and per transformation);
//! - `unrelated_distance` and per transformation `distance`: summaries and
//!   histograms (index = distance);
//! - `tail_model`: fitted extrapolations of the false-positive rate,
//!   labelled as models.

use serde_json::{Map, Value, json};

use crate::algorithm::Algorithm;
use crate::metrics::{self, Histogram};
use crate::run::{AlgorithmResult, Evaluation};
use crate::stats::{Proportion, Summary, TailModel, summarize};

/// The schema identifier written in every report.
pub const SCHEMA: &str = "kenmerk-eval/1";

/// Rounds to six significant digits (deterministically, via decimal text).
fn round6(x: f64) -> Value {
    if !x.is_finite() {
        return Value::Null;
    }
    let text = format!("{x:.5e}");
    json!(text.parse::<f64>().unwrap_or(x))
}

fn false_positive(p: &Proportion) -> Value {
    json!({"count": p.count, "rate": round6(p.rate), "upper95": round6(p.upper95_one_sided)})
}

fn recall(p: &Proportion) -> Value {
    json!({
        "count": p.count,
        "rate": round6(p.rate),
        "lower95": round6(p.lower95),
        "upper95": round6(p.upper95),
    })
}

fn per_threshold(thresholds: &[u32], f: impl Fn(u32) -> Value) -> Value {
    let mut map = Map::new();
    for &t in thresholds {
        map.insert(t.to_string(), f(t));
    }
    Value::Object(map)
}

fn summary(s: Option<Summary>, histogram: &Histogram) -> Value {
    let mut map = Map::new();
    map.insert("pairs".into(), json!(histogram.total()));
    if let Some(s) = s {
        map.insert("min".into(), json!(s.min));
        map.insert("median".into(), json!(s.median));
        map.insert("max".into(), json!(s.max));
        map.insert("mean".into(), round6(s.mean));
        map.insert("sd".into(), round6(s.sd));
    }
    map.insert("histogram".into(), json!(histogram.counts()));
    Value::Object(map)
}

fn equal_error(unrelated: &Histogram, related: &Histogram) -> Value {
    match metrics::equal_error(unrelated, related) {
        Some(e) => json!({
            "threshold": e.threshold,
            "false_positive_rate": round6(e.false_positive_rate),
            "false_negative_rate": round6(e.false_negative_rate),
        }),
        None => Value::Null,
    }
}

/// All related distances of an algorithm, pooled over transformations.
pub(crate) fn pooled_related(result: &AlgorithmResult) -> Histogram {
    let mut pooled = Histogram::new(result.algorithm.bits());
    for t in &result.transforms {
        pooled.merge(&t.related);
    }
    pooled
}

fn tail_model(result: &AlgorithmResult) -> Value {
    let Some(model) = TailModel::fit(result.unrelated.counts(), result.algorithm.bits()) else {
        return Value::Null;
    };
    let th = &result.thresholds;
    json!({
        "note": "MODEL, not a measurement: fitted to the unrelated distances of this corpus and extrapolated; valid only as far as real unrelated images follow the fitted shape",
        "normal": {
            "mean": round6(model.mean),
            "sd": round6(model.sd),
            "false_positive_rate": per_threshold(th, |t| round6(model.normal(t))),
        },
        "binomial": {
            "p": round6(model.p),
            "degrees_of_freedom": model.degrees_of_freedom,
            "false_positive_rate": per_threshold(th, |t| round6(model.binomial(t))),
        },
    })
}

/// The report fields of one algorithm (the same shape at the top level and
/// under `baselines`).
fn algorithm_fields(result: &AlgorithmResult) -> Map<String, Value> {
    let th = &result.thresholds;
    let mut map = Map::new();
    map.insert("algorithm".into(), json!(result.algorithm.name()));
    map.insert("bits".into(), json!(result.algorithm.bits()));
    map.insert("thresholds".into(), json!(th));
    map.insert("unrelated_pairs".into(), json!(result.unrelated.total()));
    map.insert(
        "false_positives".into(),
        per_threshold(th, |t| {
            false_positive(&result.unrelated.proportion_at_most(t))
        }),
    );
    map.insert(
        "false_positives_dihedral".into(),
        per_threshold(th, |t| {
            false_positive(&result.unrelated_dihedral.proportion_at_most(t))
        }),
    );
    map.insert(
        "same_scene_pairs".into(),
        summary(summarize(result.same_scene.counts()), &result.same_scene),
    );
    map.insert(
        "unrelated_distance".into(),
        summary(summarize(result.unrelated.counts()), &result.unrelated),
    );
    map.insert(
        "unrelated_distance_dihedral".into(),
        summary(
            summarize(result.unrelated_dihedral.counts()),
            &result.unrelated_dihedral,
        ),
    );
    map.insert(
        "equal_error".into(),
        equal_error(&result.unrelated, &pooled_related(result)),
    );
    map.insert("tail_model".into(), tail_model(result));
    let mut transforms = Map::new();
    for t in &result.transforms {
        transforms.insert(
            t.transform.name(),
            json!({
                "definition": t.transform.definition(),
                "pairs": t.related.total(),
                "recall": per_threshold(th, |x| recall(&t.related.proportion_at_most(x))),
                "recall_dihedral": per_threshold(th, |x| recall(&t.related_dihedral.proportion_at_most(x))),
                "equal_error": equal_error(&result.unrelated, &t.related),
                "distance": summary(summarize(t.related.counts()), &t.related),
                "distance_dihedral": summary(summarize(t.related_dihedral.counts()), &t.related_dihedral),
            }),
        );
    }
    map.insert("transforms".into(), Value::Object(transforms));
    map
}

/// The whole report as a JSON value.
pub fn report_value(eval: &Evaluation) -> Value {
    let mut top = Map::new();
    top.insert("schema".into(), json!(SCHEMA));
    top.insert(
        "generator".into(),
        json!(format!("kenmerk-eval {}", env!("CARGO_PKG_VERSION"))),
    );
    let c = &eval.config;
    top.insert(
        "options".into(),
        json!({
            "seed": c.seed,
            "max_side": c.max_side,
            "thresholds": c.thresholds,
            "transforms": c.transforms.iter().map(|t| t.name()).collect::<Vec<_>>(),
            "algorithms": c.algorithms.iter().map(|a| a.name()).collect::<Vec<_>>(),
            "scene_groups": c.scene_groups.is_some(),
        }),
    );
    top.insert(
        "corpus".into(),
        json!({
            "images": eval.images.len(),
            "failed": eval.failures.len(),
            "failures": eval.failures.iter().map(|f| json!({"file": f.file, "reason": f.reason})).collect::<Vec<_>>(),
            "pdq_quality_below_50": eval.low_quality_originals,
            "files": eval.images,
        }),
    );
    if let Some(pdq) = eval.result(Algorithm::Pdq) {
        top.extend(algorithm_fields(pdq));
    }
    let mut baselines = Map::new();
    for r in eval
        .results
        .iter()
        .filter(|r| r.algorithm != Algorithm::Pdq)
    {
        baselines.insert(
            r.algorithm.name().into(),
            Value::Object(algorithm_fields(r)),
        );
    }
    top.insert("baselines".into(), Value::Object(baselines));
    Value::Object(top)
}

/// Whether a pretty-printed line is a whole scalar item (not an opening or
/// closing bracket).
fn is_scalar_item(line: &str) -> bool {
    let t = line.trim();
    !(t.ends_with('{') || t.ends_with('[') || t.starts_with('}') || t.starts_with(']'))
}

/// Longest line an object or array of scalars is collapsed into, unless it
/// holds only numbers (histograms stay on one line however long).
const COLLAPSE_WIDTH: usize = 160;

/// `report.json` text: pretty-printed, with objects and arrays that hold
/// only scalars kept on one line, ending in a newline.
pub fn report_json(eval: &Evaluation) -> String {
    let pretty = serde_json::to_string_pretty(&report_value(eval))
        .unwrap_or_else(|_| unreachable!("a JSON value always serialises"));
    let lines: Vec<&str> = pretty.lines().collect();
    let mut out = String::with_capacity(pretty.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // A line ending in `[` or `{` opens a container (a string value
        // would end in `"` or `",`).
        if line.ends_with('[') || line.ends_with('{') {
            let items: Vec<&str> = lines[i + 1..]
                .iter()
                .take_while(|l| is_scalar_item(l))
                .map(|l| l.trim())
                .collect();
            let close = lines.get(i + 1 + items.len()).map(|l| l.trim());
            let closes = close.is_some_and(|c| c.starts_with('}') || c.starts_with(']'));
            let numeric = items
                .iter()
                .all(|t| t.trim_end_matches(',').parse::<f64>().is_ok());
            let width: usize = line.len() + items.iter().map(|t| t.len() + 1).sum::<usize>();
            if closes && !items.is_empty() && (numeric || width <= COLLAPSE_WIDTH) {
                out.push_str(line);
                out.push_str(&items.join(" "));
                out.push_str(close.unwrap_or_default());
                out.push('\n');
                i += items.len() + 2;
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
        i += 1;
    }
    out
}
