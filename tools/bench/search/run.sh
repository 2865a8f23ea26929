#!/usr/bin/env bash
# The whole search benchmark: data, the comparison against FAISS
# (compare.sh), the criterion bench, and the tables
# (target/bench-search/summary.md). About 15 minutes on 2 cores, most of it
# FAISS at 10M; needs ~3 GB free under target/ and ~4 GB of memory.
#
# Usage: tools/bench/search/run.sh [1m|10m|all]   (default all)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
tools/bench/search/compare.sh "${1:-all}"
echo "[bench load $(cut -d' ' -f1 /proc/loadavg)] cargo bench --bench search" >&2
cargo bench -q -p kenmerk-benches --bench search -- --noplot 2>&1 | tee target/bench-search/results/criterion.txt |
    grep -E '^(kernel|search|open)|time:|skipped|resident|plans' || true
echo "load after the criterion bench: $(cut -d' ' -f1-3 /proc/loadavg)" >>target/bench-search/results/machine-"${1:-all}".txt
python3 tools/bench/search/summarize.py --out target/bench-search/summary.md
