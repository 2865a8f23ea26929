#!/usr/bin/env bash
# Every benchmark kenmerk reports, in one go, then the figures and ratios.
#
# Usage: tools/bench/run-all.sh            (a few minutes on 2 cores)
# Env:   KENMERK_SHARED  shared reference data (default ../shared)
#        CPU             core to pin single-thread runs to (default 0)
#        RUNS            whole-process runs per command (default 3)
#        SKIP_PYTHON=1   skip Meta's C++ and the Python race
#        SKIP_SETUP=1    do not install hyperfine / the Python packages
#
# Steps: install what is missing (hyperfine from Debian, pdqhash 0.2.8 numpy
# pillow from PyPI); build; write the synthetic inputs
# (target/bench-inputs/); criterion benches pdq_hash and pdq_file pinned to
# one core; Meta's C++ through Python on the same pixels
# (tools/bench/meta_cpp.py); kenmerk hash against Python over a folder of
# PNGs (tools/bench/cli_vs_python.sh); then tools/bench/summarize.py prints
# the tables that BENCHMARKS.md quotes (also in
# target/bench-results/summary.md).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
cpu=${CPU:-0}
results=target/bench-results
mkdir -p "$results"
start=$(date +%s)

if [[ "${SKIP_SETUP:-}" != 1 ]]; then
    if ! command -v hyperfine >/dev/null && command -v apt-get >/dev/null; then
        (apt-get update -qq && apt-get install -y -qq hyperfine) >/dev/null 2>&1 ||
            echo "could not install hyperfine; cli_vs_python.sh falls back to a plain timer"
    fi
fi
# Meta's C++ (pdqhash), Pillow and numpy, in the venv under target/.
py=python3
if [[ "${SKIP_PYTHON:-}" != 1 ]]; then
    py=$(bash tools/reference/venv.sh)
fi

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates || echo ' (crates/ modified)')"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
    echo "rustc: $(rustc --version)"
    echo "python: $("$py" --version 2>&1)"
    echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$results/machine.txt"

echo "== build ($SECONDS s)"
cargo build --release -q -p kenmerk-benches --bin bench-inputs
cargo bench -q -p kenmerk-benches --no-run

echo "== synthetic inputs ($SECONDS s)"
cargo run --release -q -p kenmerk-benches --bin bench-inputs

# --noplot: the HTML plots take longer than the measurements on 2 cores.
echo "== criterion: hash a decoded image (pinned to core $cpu) ($SECONDS s)"
taskset -c "$cpu" cargo bench -q -p kenmerk-benches --bench pdq_hash -- --noplot 2>&1 |
    grep -E '^(pdq_|[0-9]+x[0-9]+:|skipped| +time: +\[[0-9])' || true
echo "== criterion: read + decode + hash real files (pinned to core $cpu) ($SECONDS s)"
taskset -c "$cpu" cargo bench -q -p kenmerk-benches --bench pdq_file -- --noplot 2>&1 |
    grep -E '^(pdq_|[a-z0-9-]+: kenmerk|skipped| +time: +\[[0-9])' || true

if [[ "${SKIP_PYTHON:-}" != 1 ]]; then
    echo "== Meta's C++ via Python on the same pixels (pinned to core $cpu) ($SECONDS s)"
    "$py" tools/bench/meta_cpp.py --cpu "$cpu"
    echo "== kenmerk hash vs Python+PIL+pdqhash, whole process ($SECONDS s)"
    CPU=$cpu tools/bench/cli_vs_python.sh
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$results/machine.txt"
echo "== summary (also in $results/summary.md) ($SECONDS s)"
python3 tools/bench/summarize.py --since "$start"
