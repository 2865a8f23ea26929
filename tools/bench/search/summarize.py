#!/usr/bin/env python3
"""Tables and target verdicts for the search benchmarks, in Markdown.

Reads what tools/bench/search/compare.sh wrote (target/bench-search/results/)
and what `cargo bench -p kenmerk-benches --bench search` left in
target/criterion/, and prints the tables of BENCHMARKS.md's search section.
Missing inputs are reported as missing, never guessed.

Every time is given as median and best (fastest run or sample): this is a
shared machine, and interference only ever adds time.

Usage: python3 tools/bench/search/summarize.py [--out FILE]
"""

import argparse
import json
import os
import statistics
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RES = os.path.join(ROOT, "target", "bench-search", "results")
CRIT = os.path.join(ROOT, "target", "criterion")

out = []


def emit(line=""):
    out.append(line)


def load_json(name):
    path = os.path.join(RES, name)
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def hyperfine(name):
    data = load_json(name)
    if data is None:
        return {}
    return {r["command"]: r for r in data["results"]}


def criterion(group, bench):
    """(median ns, best ns, elements per iteration or None) of one criterion benchmark."""
    base = os.path.join(CRIT, group, *bench.split("/"), "new")
    try:
        with open(os.path.join(base, "estimates.json")) as f:
            est = json.load(f)
        with open(os.path.join(base, "sample.json")) as f:
            sample = json.load(f)
        with open(os.path.join(base, "benchmark.json")) as f:
            meta = json.load(f)
    except OSError:
        return None
    best = min(t / i for t, i in zip(sample["times"], sample["iters"]))
    throughput = meta.get("throughput") or {}
    elements = throughput.get("Elements")
    return est["median"]["point_estimate"], best, elements


def fmt_s(x):
    return f"{x:.3f}"


def ratio(a, b):
    return a / b if b else float("nan")


def verdict(ok):
    return "**met**" if ok else "**missed**"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    args = ap.parse_args()

    for name in sorted(os.listdir(RES)) if os.path.isdir(RES) else []:
        if name.startswith("machine-"):
            with open(os.path.join(RES, name)) as f:
                emit(f"`{name}`: " + "; ".join(line.strip() for line in f if line.strip()))
                emit()

    targets = []

    # Identical results.
    path = os.path.join(RES, "identical.txt")
    if os.path.exists(path):
        emit("Identical results (byte-for-byte equal CSV, checked by compare.sh):")
        emit()
        with open(path) as f:
            for line in f:
                emit(f"- {line.strip()}")
        emit()

    # 1M whole process.
    whole = hyperfine("whole-1m.json")
    whole.update(hyperfine("whole-1m-faiss-mih.json"))
    if whole:
        emit("### 1M indicators, 2,000 queries, radius 31, one thread, whole process")
        emit()
        emit("| command | median s | min s | mean user+sys s | runs | ÷ FAISS flat (median) | (min) |")
        emit("|---|---:|---:|---:|---:|---:|---:|")
        faiss = whole.get("faiss-flat")
        for name, r in whole.items():
            rel = rel_min = ""
            if faiss:
                rel = f"{ratio(r['median'], faiss['median']):.3f}x"
                rel_min = f"{ratio(r['min'], faiss['min']):.3f}x"
            emit(
                f"| {name} | {fmt_s(r['median'])} | {fmt_s(r['min'])} | "
                f"{fmt_s(r['user'] + r['system'])} | {len(r['times'])} | {rel} | {rel_min} |"
            )
        emit()
        if faiss:
            for name, limit in (("kenmerk-flat", 0.3), ("kenmerk-auto", 0.1)):
                if name in whole:
                    r = whole[name]
                    med, best = ratio(r["median"], faiss["median"]), ratio(r["min"], faiss["min"])
                    targets.append(
                        (
                            f"1M whole process, one thread: `{name}` ≤ {limit}x FAISS IndexBinaryFlat",
                            f"{med:.3f}x; {best:.3f}x",
                            f"{verdict(True)}, {limit / med:.2f}x under the limit"
                            if med <= limit
                            else f"{verdict(False)}, {med / limit:.2f}x over the limit",
                        )
                    )

    # FAISS phases, 1M.
    path = os.path.join(RES, "phases-1m.jsonl")
    if os.path.exists(path):
        rows = {}
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    d = json.loads(line)
                    rows.setdefault(d["index"], []).append(d)
        emit("FAISS's phases in the same script, 1M, one thread (median of 3 in-process runs, seconds):")
        emit()
        emit("| index | import numpy+faiss | load raw + queries | add (build) | range_search | write CSV | total in process |")
        emit("|---|---:|---:|---:|---:|---:|---:|")
        for index, ds in rows.items():
            med = lambda k: statistics.median(d[k] for d in ds)  # noqa: E731
            emit(
                f"| {index} | {med('import'):.3f} | {med('load'):.3f} | {med('add'):.3f} | "
                f"{med('search'):.3f} | {med('output'):.3f} | {med('total_in_process'):.3f} |"
            )
        emit()
        flat = rows.get("flat")
        if flat and "kenmerk-flat" in whole:
            search = statistics.median(d["search"] for d in flat)
            k = whole["kenmerk-flat"]["median"]
            emit(
                f"Stricter: kenmerk's whole process (flat) against FAISS's `range_search` call alone: "
                f"{k:.3f} s / {search:.3f} s = {k / search:.3f}x."
            )
            emit()

    # 10M per query.
    per_query = {}
    for method in ("mih", "auto", "flat"):
        for threads in ("1", "2"):
            c = criterion("search-10m", f"{method}/{threads}-thread")
            if c:
                med, best, n = c
                per_query[("kenmerk", method, threads)] = (med / n / 1e3, best / n / 1e3, n)
    for index in ("flat", "mih"):
        d = load_json(f"faiss-10m-{index}-phases.json")
        if d:
            for threads, runs in d["search_by_threads"].items():
                q = d["queries"]
                per_query[("faiss", index, threads)] = (
                    statistics.median(runs) / q * 1e6,
                    min(runs) / q * 1e6,
                    q,
                )
    if per_query:
        emit("### 10M indicators: search time per query (in process, after open/load/build)")
        emit()
        emit("| contender | threads | queries in batch | median µs/query | best µs/query |")
        emit("|---|---:|---:|---:|---:|")
        for (who, method, threads), (med, best, n) in sorted(per_query.items()):
            name = f"kenmerk {method}" if who == "kenmerk" else f"FAISS IndexBinary{'Flat' if method == 'flat' else 'MultiHash'}"
            emit(f"| {name} | {threads} | {n} | {med:.1f} | {best:.1f} |")
        emit()
        for threads in ("1", "2"):
            mih = per_query.get(("kenmerk", "mih", threads))
            flat = per_query.get(("kenmerk", "flat", threads))
            fmih = per_query.get(("faiss", "mih", threads))
            if mih and flat:
                med, best = flat[0] / mih[0], flat[1] / mih[1]
                targets.append(
                    (
                        f"10M, {threads} thread(s): MIH ≥ 20x faster per query than kenmerk's flat scan",
                        f"{med:.1f}x; {best:.1f}x",
                        f"{verdict(med >= 20)}: " + (f"{med / 20:.2f}x the target" if med >= 20 else f"{20 / med:.2f}x short"),
                    )
                )
            if mih and fmih:
                med, best = fmih[0] / mih[0], fmih[1] / mih[1]
                targets.append(
                    (
                        f"10M, {threads} thread(s): MIH faster per query than FAISS IndexBinaryMultiHash",
                        f"{med:.1f}x; {best:.1f}x",
                        f"{verdict(med > 1)}: {med:.1f}x faster" if med > 1 else f"{verdict(False)}",
                    )
                )

    # 10M whole process.
    whole10 = hyperfine("whole-10m.json")
    whole10.update(hyperfine("whole-10m-faiss-mih.json"))
    if whole10:
        emit("### 10M indicators, 2,000 queries, radius 31, one thread, whole process")
        emit()
        emit("| command | median s | min s | runs |")
        emit("|---|---:|---:|---:|")
        for name, r in whole10.items():
            emit(f"| {name} | {fmt_s(r['median'])} | {fmt_s(r['min'])} | {len(r['times'])} |")
        emit()

    # Open.
    crit_open = criterion("open-10m", "open+view")
    cold = hyperfine("open-10m.json").get("open-cold")
    warm = hyperfine("open-10m-warm.json")
    path = os.path.join(RES, "open-pages.txt")
    if crit_open or cold or os.path.exists(path):
        emit("### Opening the 10M file (1.47 GB)")
        emit()
        if crit_open:
            emit(
                f"- `Index::open` + `view()`, file in the page cache (criterion `open-10m`): "
                f"median {crit_open[0] / 1e3:.1f} µs, best {crit_open[1] / 1e3:.1f} µs."
            )
        if cold:
            emit(
                f"- Whole `kenmerk query` process with an empty query list, the file evicted from the "
                f"page cache before each run: median {cold['median'] * 1e3:.1f} ms, min {cold['min'] * 1e3:.1f} ms."
            )
        for name, r in warm.items():
            emit(f"- `{name}`: median {r['median'] * 1e3:.1f} ms, min {r['min'] * 1e3:.1f} ms.")
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    emit(f"- page cache, {line.strip()}")
        emit()
        if crit_open:
            targets.append(
                (
                    "open the 10M file (`Index::open` + first `view()`) < 10 ms",
                    f"warm {crit_open[0] / 1e3:.1f} µs"
                    + (f"; cold process {cold['median'] * 1e3:.1f} ms" if cold else ""),
                    verdict(crit_open[0] < 1e7 and (not cold or cold["median"] < 0.01)),
                )
            )

    # Kernel and 1M search (criterion).
    rows = []
    for level in ("scalar", "avx2", "avx512"):
        c = criterion("kernel", level)
        if c:
            rows.append((f"kernel/{level}", c))
    for method in ("flat", "mih", "auto"):
        c = criterion("search-1m", method)
        if c:
            rows.append((f"search-1m/{method}", c))
    if rows:
        emit("### Criterion, one thread (`cargo bench -p kenmerk-benches --bench search`)")
        emit()
        emit("| benchmark | median ms | best ms | per element (median) |")
        emit("|---|---:|---:|---:|")
        for name, (med, best, n) in rows:
            unit = "ns/pair" if name.startswith("kernel") else "µs/query"
            per = med / n if unit == "ns/pair" else med / n / 1e3
            emit(f"| {name} | {med / 1e6:.3f} | {best / 1e6:.3f} | {per:.3f} {unit} |")
        emit()

    if targets:
        emit("### Targets")
        emit()
        emit("| target | measured (median; best) | verdict |")
        emit("|---|---|---|")
        for t in targets:
            emit(f"| {t[0]} | {t[1]} | {t[2]} |")
        emit()

    text = "\n".join(out) + "\n"
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
