#!/usr/bin/env bash
# Whole-process time of `kenmerk hash` over a folder of PNGs, one thread,
# against python-threatexchange's way (Pillow + numpy + Meta's C++ through
# PyPI pdqhash, tools/bench/pytx_hash.py) over the same files, one process
# each, both pinned to one core.
#
# Usage: tools/bench/cli_vs_python.sh [COUNT]   (default 200 PNGs)
# Env:   KENMERK_SHARED (default ../shared), RUNS (default 3), CPU (default 0)
#
# Writes target/bench-results/cli_vs_python.json (hyperfine's export, or the
# same shape from the fallback timer) and prints the ratio. Needs hyperfine
# (apt-get install -y hyperfine; a plain timer is used without it) and
# pdqhash, numpy and Pillow, which tools/reference/venv.sh installs into a
# venv under target/.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
count=${1:-200}
runs=${RUNS:-3}
cpu=${CPU:-0}
pngs=target/bench-pngs
results=target/bench-results
mkdir -p "$results"

py=$(bash tools/reference/venv.sh)   # pdqhash, Pillow, numpy under target/
"$py" tools/bench/make_pngs.py --count "$count" --out "$pngs"
cargo build --release -q -p kenmerk-cli
kenmerk=target/release/kenmerk

# Both must print the same hashes for the same files, or the race is void.
RAYON_NUM_THREADS=1 "$kenmerk" hash "$pngs" | sort >"$results/cli-kenmerk.csv"
"$py" tools/bench/pytx_hash.py "$pngs" | sort >"$results/cli-python.csv"
if ! cmp -s "$results/cli-kenmerk.csv" "$results/cli-python.csv"; then
    echo "kenmerk and Python disagree on these files:" >&2
    diff "$results/cli-kenmerk.csv" "$results/cli-python.csv" | head >&2
    exit 1
fi
echo "kenmerk and Python+pdqhash print identical hashes for all $(wc -l <"$results/cli-kenmerk.csv") files"

kenmerk_cmd="taskset -c $cpu env RAYON_NUM_THREADS=1 $kenmerk hash $pngs"
python_cmd="taskset -c $cpu $py tools/bench/pytx_hash.py $pngs"
kenmerk2_cmd="env RAYON_NUM_THREADS=$(nproc) $kenmerk hash $pngs"
json="$results/cli_vs_python.json"

if command -v hyperfine >/dev/null; then
    hyperfine --warmup 1 --runs "$runs" --export-json "$json" \
        -n kenmerk-1-thread "$kenmerk_cmd" \
        -n python-pil-pdqhash "$python_cmd" \
        -n "kenmerk-$(nproc)-threads" "$kenmerk2_cmd"
else
    echo "hyperfine not found: timing with a plain loop ($runs runs each)"
    python3 - "$json" "$runs" "kenmerk-1-thread" "$kenmerk_cmd" \
        "python-pil-pdqhash" "$python_cmd" "kenmerk-$(nproc)-threads" "$kenmerk2_cmd" <<'EOF'
import json, statistics, subprocess, sys, time
out, runs, pairs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
results = []
for name, cmd in zip(pairs[::2], pairs[1::2]):
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    results.append({"command": name, "mean": statistics.fmean(times),
                    "median": statistics.median(times), "min": min(times), "times": times})
    print(f"{name}: median {statistics.median(times):.3f} s over {runs} runs")
json.dump({"results": results}, open(out, "w"), indent=2)
EOF
fi

python3 - "$json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
k, p = r["kenmerk-1-thread"]["median"], r["python-pil-pdqhash"]["median"]
print(f"kenmerk hash, 1 thread: median {k:.3f} s; Python+PIL+pdqhash: median {p:.3f} s; "
      f"ratio {k / p:.3f}x (target <= 0.5x: {'met' if k / p <= 0.5 else 'missed'})")
EOF
