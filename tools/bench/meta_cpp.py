#!/usr/bin/env python3
"""Time Meta's C++ PDQ through Python (PyPI `pdqhash` 0.2.8) on the same
pixels the criterion benches hash.

The inputs are the raw RGB files that `cargo run --release -p kenmerk-benches
--bin bench-inputs` writes to target/bench-inputs/ (rgb-WxH.raw, with
kenmerk's hashes beside them in rgb-WxH.kenmerk.txt). For each, the array is
loaded into memory once, then `pdqhash.compute(array)` and
`pdqhash.compute_dihedral(array)` are called many times on one core; the
median, minimum and mean wall time per call are printed and written as JSON.

Before timing, Meta's hashes are compared with kenmerk's: equal hashes prove
both sides hashed the same bytes (and that kenmerk is bit-exact on them).

Needs: pip install pdqhash==0.2.8 numpy
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pdqhash

REPO = Path(__file__).resolve().parents[2]


def hex_of(vector):
    """Hash bits as python-threatexchange spells them in hex."""
    bits = "".join(str(int(b)) for b in vector)
    return "%0*x" % ((len(bits) + 3) // 4, int(bits, 2))


def time_calls(fn, seconds, min_iterations):
    """Per-call wall times in ns: at least min_iterations calls and at least
    `seconds` of calls, after a short warm-up."""
    for _ in range(3):
        fn()
    times = []
    deadline = time.perf_counter() + seconds
    while len(times) < min_iterations or time.perf_counter() < deadline:
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    return times


def summary(times):
    return {
        "iterations": len(times),
        "median_ms": statistics.median(times) / 1e6,
        "min_ms": min(times) / 1e6,
        "mean_ms": statistics.fmean(times) / 1e6,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=Path, default=REPO / "target" / "bench-inputs")
    parser.add_argument("--out", type=Path, default=REPO / "target" / "bench-results" / "meta_cpp.json")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per case")
    parser.add_argument("--min-iterations", type=int, default=50)
    parser.add_argument("--cpu", type=int, default=0, help="core to pin to (-1: do not pin)")
    args = parser.parse_args()

    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    raws = sorted(args.inputs.glob("rgb-*x*.raw"), key=lambda p: p.stat().st_size)
    if not raws:
        sys.exit(f"no rgb-WxH.raw in {args.inputs}: run "
                 "`cargo run --release -p kenmerk-benches --bin bench-inputs` first")

    results = {
        "implementation": f"Meta C++ via PyPI pdqhash {pdqhash.__version__}, numpy {np.__version__}",
        "affinity": sorted(os.sched_getaffinity(0)),
        "cases": [],
    }
    mismatches = 0
    for raw in raws:
        width, height = map(int, re.fullmatch(r"rgb-(\d+)x(\d+)\.raw", raw.name).groups())
        array = np.fromfile(raw, dtype=np.uint8).reshape(height, width, 3)
        array = np.ascontiguousarray(array)

        vector, quality = pdqhash.compute(array)
        vectors, _ = pdqhash.compute_dihedral(array)
        meta = [f"{hex_of(vector)},{quality}"] + [hex_of(v) for v in vectors]
        expected_file = raw.with_name(raw.name[: -len(".raw")] + ".kenmerk.txt")
        expected = expected_file.read_text().split() if expected_file.exists() else None
        same = expected == meta
        if expected is not None and not same:
            mismatches += 1
            print(f"MISMATCH {raw.name}: Meta {meta} kenmerk {expected}")

        for name, fn in [
            ("compute", lambda: pdqhash.compute(array)),
            ("compute_dihedral", lambda: pdqhash.compute_dihedral(array)),
        ]:
            stats = summary(time_calls(fn, args.seconds, args.min_iterations))
            case = {"size": f"{width}x{height}", "function": name, **stats,
                    "hash": meta[0], "matches_kenmerk": same if expected is not None else None}
            results["cases"].append(case)
            print(f"meta-cpp {name:<16} {width}x{height}: median {stats['median_ms']:.3f} ms "
                  f"(min {stats['min_ms']:.3f}, mean {stats['mean_ms']:.3f}, "
                  f"n={stats['iterations']}); hash {'==' if same else '!='} kenmerk")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
