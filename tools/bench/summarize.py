#!/usr/bin/env python3
"""Collect the figures of one benchmark run into Markdown tables with ratios.

Reads criterion's results (target/criterion/**/new/), Meta's C++ timings
(target/bench-results/meta_cpp.json from meta_cpp.py) and the whole-process
race (target/bench-results/cli_vs_python.json from cli_vs_python.sh), prints
the tables and writes them to target/bench-results/summary.md.

Usage: summarize.py [--since UNIX_SECONDS]
  --since: ignore criterion results older than this (run-all.sh passes its
           start time, so stale results of benches that did not run this time
           are left out).

Every ratio compares figures measured in the same run. "median" is
criterion's median per-call time (Meta: the median call); "best" is the
fastest sample (criterion: the sample with the lowest time per iteration;
Meta: the fastest call), which is less disturbed by other load on the machine.
"""

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TARGETS_X = 5.0  # kenmerk >= 5x faster than each peer on 512x512
CLI_TARGET = 0.5  # kenmerk hash <= 0.5x Python's whole-process time


def load_criterion(root, since):
    """{full_id: {"median": ns, "best": ns, "elements": n}}"""
    out = {}
    for bench in root.glob("**/new/benchmark.json"):
        new = bench.parent
        estimates = new / "estimates.json"
        if not estimates.exists() or estimates.stat().st_mtime < since:
            continue
        meta = json.loads(bench.read_text())
        est = json.loads(estimates.read_text())
        sample = json.loads((new / "sample.json").read_text())
        best = min(t / i for t, i in zip(sample["times"], sample["iters"]))
        elements = (meta.get("throughput") or {}).get("Elements")
        out[meta["full_id"]] = {"median": est["median"]["point_estimate"], "best": best,
                                "elements": elements}
    return out


def ms(ns):
    return f"{ns / 1e6:.3f}"


def ratio(slow, fast):
    return f"{slow / fast:.2f}x"


def verdict(value, target, higher_is_better=True):
    ok = value >= target if higher_is_better else value <= target
    return "**met**" if ok else "**missed**"


ROW_ORDER = ["kenmerk/", "kenmerk-dihedral/", "kenmerk-reference/", "pdqhash-crate/",
             "meta-cpp-via-python/compute", "meta-cpp-via-python/compute_dihedral",
             "image_hasher/"]


def row_order(name):
    """Rows in a fixed order: kenmerk's, then the PDQ peers, then the rest."""
    rank = next((i for i, p in enumerate(ROW_ORDER) if name.startswith(p)), len(ROW_ORDER))
    backend = ["portable", "avx2", "avx512"]
    sub = name.split("/")[-1]
    return (rank, backend.index(sub) if sub in backend else 0, name)


def hash_section(crit, meta, lines):
    sizes = sorted({k.split("/")[0].removeprefix("pdq_hash_") for k in crit
                    if k.startswith("pdq_hash_") and not k.startswith("pdq_hash_reference_")},
                   key=lambda s: int(s.split("x")[0]))
    meta_cases = {(c["size"], c["function"]): c for c in (meta or {}).get("cases", [])}
    verdicts = []
    for size in sizes:
        rows = {k.split("/", 1)[1]: v for k, v in crit.items()
                if k.startswith(f"pdq_hash_{size}/")}
        for k, v in crit.items():
            if k.startswith(f"pdq_hash_reference_{size}/"):
                rows[k.split("/", 1)[1]] = v
        for fn, label in [("compute", "meta-cpp-via-python/compute"),
                          ("compute_dihedral", "meta-cpp-via-python/compute_dihedral")]:
            c = meta_cases.get((size, fn))
            if c:
                rows[label] = {"median": c["median_ms"] * 1e6, "best": c["min_ms"] * 1e6,
                               "elements": None}
        best_backend = next((k.split("/")[1] for k in rows if k.startswith("kenmerk-dihedral/")),
                            "avx512")
        ours = rows.get(f"kenmerk/{best_backend}")
        ours_dih = rows.get(f"kenmerk-dihedral/{best_backend}")
        w, h = map(int, size.split("x"))
        lines += [f"### Hashing a decoded {size} RGB image, one thread", "",
                  f"kenmerk's own figure is `kenmerk/{best_backend}` (what `PdqHasher::new()` "
                  "picks here); dihedral rows are compared with dihedral rows.", "",
                  "| contender | median ms | best ms | Mpixel/s (median) "
                  "| kenmerk faster by (median) | (best) |",
                  "|---|---:|---:|---:|---:|---:|"]
        for name, v in sorted(rows.items(), key=lambda kv: row_order(kv[0])):
            mine = ours_dih if "dihedral" in name else ours
            if mine is None or name.startswith("kenmerk/") or name.startswith("kenmerk-dihedral/"):
                rel = ("", "")
            else:
                rel = (ratio(v["median"], mine["median"]), ratio(v["best"], mine["best"]))
            mpix = w * h / (v["median"] / 1e9) / 1e6
            lines.append(f"| {name} | {ms(v['median'])} | {ms(v['best'])} | {mpix:.1f} "
                         f"| {rel[0]} | {rel[1]} |")
        lines.append("")
        if size == "512x512" and ours:
            for peer, label in [("pdqhash-crate/generate_pdq_full_size", "the `pdqhash` crate"),
                                ("meta-cpp-via-python/compute", "Meta's C++ via Python")]:
                if peer in rows:
                    m = rows[peer]["median"] / ours["median"]
                    b = rows[peer]["best"] / ours["best"]
                    verdicts.append(
                        f"- 512x512 decoded RGB, one thread, >= {TARGETS_X:.0f}x faster than "
                        f"{label}: {m:.2f}x on medians ({verdict(m, TARGETS_X)}"
                        f"{'' if m >= TARGETS_X else f', short by {TARGETS_X / m:.2f}x'}), "
                        f"{b:.2f}x on best samples")
    return verdicts


def file_section(crit, lines):
    rows = {}
    for k, v in crit.items():
        if k.startswith("pdq_file/"):
            _, who, label = k.split("/", 2)
            rows.setdefault(label, {})[who] = v
    if not rows:
        return
    lines += ["### Read + decode + hash a real file, one thread", "",
              "| file | kenmerk median ms | of which decoding | pdqhash crate median ms "
              "| kenmerk faster by (median) | (best) |", "|---|---:|---:|---:|---:|---:|"]
    for label, r in sorted(rows.items(), key=lambda kv: -kv[1].get("kenmerk", {}).get("median", 0)):
        k, p, d = r.get("kenmerk"), r.get("pdqhash-crate"), r.get("kenmerk-decode-only")
        if not k:
            continue
        dec = f"{ms(d['median'])} ({d['median'] / k['median']:.0%})" if d else ""
        if p:
            lines.append(f"| {label} | {ms(k['median'])} | {dec} | {ms(p['median'])} "
                         f"| {ratio(p['median'], k['median'])} | {ratio(p['best'], k['best'])} |")
        else:
            lines.append(f"| {label} | {ms(k['median'])} | {dec} | (not measured) | | |")
    lines.append("")


def cli_section(cli, lines):
    if not cli:
        return []
    r = {x["command"]: x for x in cli["results"]}
    lines += ["### Whole process over a folder of PNGs", "",
              "| command | median s | min s | mean user+sys s | runs |",
              "|---|---:|---:|---:|---:|"]
    for name, x in r.items():
        cpu = (x["user"] + x["system"]) if "user" in x else float("nan")
        lines.append(f"| {name} | {x['median']:.3f} | {x['min']:.3f} | {cpu:.3f} "
                     f"| {len(x['times'])} |")
    lines.append("")
    k, p = r.get("kenmerk-1-thread"), r.get("python-pil-pdqhash")
    if not (k and p):
        return []
    q = k["median"] / p["median"]
    q_min = k["min"] / p["min"]
    cpu = ""
    if "user" in k and "user" in p:
        cpu = (f", {(k['user'] + k['system']) / (p['user'] + p['system']):.3f}x on "
               "user+sys CPU time")
    return [f"- `kenmerk hash` over the PNG folder, one thread, whole process <= "
            f"{CLI_TARGET}x Python+PIL+pdqhash: {q:.3f}x on medians ({verdict(q, CLI_TARGET, False)}), "
            f"{q_min:.3f}x on fastest runs{cpu}"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--since", type=float, default=0.0)
    parser.add_argument("--criterion", type=Path, default=REPO / "target" / "criterion")
    parser.add_argument("--results", type=Path, default=REPO / "target" / "bench-results")
    args = parser.parse_args()

    crit = load_criterion(args.criterion, args.since)
    meta_file = args.results / "meta_cpp.json"
    cli_file = args.results / "cli_vs_python.json"
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else None
    cli = json.loads(cli_file.read_text()) if cli_file.exists() else None
    if meta and meta_file.stat().st_mtime < args.since:
        meta = None
    if cli and cli_file.stat().st_mtime < args.since:
        cli = None

    lines = []
    verdicts = hash_section(crit, meta, lines)
    file_section(crit, lines)
    verdicts += cli_section(cli, lines)
    if verdicts:
        lines += ["### Targets", ""] + verdicts + [""]
    if meta:
        lines.append(f"Meta's side: {meta['implementation']}, pinned to cores {meta['affinity']}; "
                     "its hashes equal kenmerk's on these inputs: "
                     f"{all(c['matches_kenmerk'] for c in meta['cases'])}.")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "summary.md").write_text(text)


if __name__ == "__main__":
    main()
