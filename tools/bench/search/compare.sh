#!/usr/bin/env bash
# Search: kenmerk against FAISS on the same indicators and queries.
#
#  1. data: tools/bench/search/make_data.py (1M and 10M random codes, 2,000
#     half-planted queries each), then `kenmerk db import --raw` (with the
#     multi-index tables) into target/bench-search/db-{1m,10m}.kmk;
#  2. identical results: `kenmerk query` (flat, mih, auto) and FAISS
#     (IndexBinaryFlat, IndexBinaryMultiHash) must print byte-identical CSV
#     for 1M and for 10M, or the script stops;
#  3. whole process, 1M, one thread, pinned to one core (hyperfine):
#     `kenmerk query -j 1 --method flat|auto|mih` against
#     tools/bench/search/faiss_query.py (numpy load + build + range_search +
#     the same CSV), plus FAISS's phases from three in-process runs;
#  4. 10M: whole process, one thread (kenmerk auto and flat, FAISS multi-hash)
#     and FAISS's search time per query at 1 and all threads (kenmerk's come
#     from `cargo bench --bench search`, search-10m);
#  5. opening the 10M file cold: page-cache pages before and after a
#     `kenmerk query` with an empty query list (fincore), and that process's
#     time with the file evicted before each run (posix_fadvise DONTNEED on
#     this one file; nothing else is dropped).
#
# Usage: tools/bench/search/compare.sh [1m|10m|all]   (default all)
# Env:   RUNS (default 5, whole-process 1M runs), RUNS_10M (default 3),
#        RUNS_FAISS_10M (default 1), CPU (default 0)
# Writes target/bench-search/results/*.json|*.txt; print the tables with
# python3 tools/bench/search/summarize.py.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
what=${1:-all}
runs=${RUNS:-5}
runs10=${RUNS_10M:-3}
runs_faiss10=${RUNS_FAISS_10M:-1}
cpu=${CPU:-0}
data=target/bench-search
res=$data/results
here=tools/bench/search
mkdir -p "$res"

log() { echo "[$(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg)] $*" >&2; }

if ! command -v hyperfine >/dev/null; then
    log "installing hyperfine (Debian)"
    apt-get install -y -q hyperfine >/dev/null
fi
# FAISS and numpy in the venv under target/ (tools/reference/venv.sh).
py=$(bash tools/reference/venv.sh faiss-cpu)

cargo build --release -q -p kenmerk-cli
kenmerk=target/release/kenmerk
sizes=(1m 10m)
case $what in
1m) sizes=(1m) ;;
10m) sizes=(10m) ;;
esac

{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit: $(git rev-parse --short HEAD) ($(git status --porcelain -- crates | wc -l) changed files under crates/)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
    echo "kernel: $(uname -r)"
    echo "rustc: $(rustc --version)"
    echo "python: $("$py" --version 2>&1), numpy $("$py" -c 'import numpy; print(numpy.__version__)'), faiss-cpu $("$py" -c 'import faiss; print(faiss.__version__)')"
    echo "hyperfine: $(hyperfine --version)"
    echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$res/machine-$what.txt"

"$py" "$here/make_data.py" --out "$data" --sizes "$(IFS=,; echo "${sizes[*]}")"
for s in "${sizes[@]}"; do
    if [ ! -f "$data/db-$s.kmk" ] || [ "$data/raw-$s.bin" -nt "$data/db-$s.kmk" ] \
        || ! "$kenmerk" db info "$data/db-$s.kmk" >/dev/null 2>&1; then
        "$kenmerk" db import --raw "$data/raw-$s.bin" --out "$data/db-$s.kmk"
    fi
done

evict() { "$py" "$here/evict.py" "$1"; }

# --- 2. identical results -------------------------------------------------
check_same() { # reference other label
    if ! cmp -s "$1" "$2"; then
        echo "DIFFERENT: $3 ($1 vs $2)" >&2
        diff "$1" "$2" | head >&2
        exit 1
    fi
    echo "identical: $3 ($(($(wc -l <"$1") - 1)) pairs)" | tee -a "$res/identical.txt"
}

for s in "${sizes[@]}"; do
    db=$data/db-$s.kmk raw=$data/raw-$s.bin q=$data/queries-$s.txt
    log "$s: kenmerk query, each method"
    for m in auto flat mih; do
        "$kenmerk" query --db "$db" --hashes "$q" --method "$m" >"$res/kenmerk-$s-$m.csv"
    done
    check_same "$res/kenmerk-$s-auto.csv" "$res/kenmerk-$s-flat.csv" "$s kenmerk auto = kenmerk flat"
    check_same "$res/kenmerk-$s-auto.csv" "$res/kenmerk-$s-mih.csv" "$s kenmerk auto = kenmerk mih"
    # FAISS: all threads first (output, and the 2-thread search time), then one.
    for index in flat mih; do
        log "$s: FAISS $index (search timed with all threads, then 1)"
        "$py" "$here/faiss_query.py" --raw "$raw" --hashes "$q" --index "$index" \
            --threads "0,1" --out "$res/faiss-$s-$index.csv" 2>"$res/faiss-$s-$index-phases.json"
        check_same "$res/kenmerk-$s-auto.csv" "$res/faiss-$s-$index.csv" "$s kenmerk = FAISS $index"
    done
done

# --- 3. whole process, 1M, one thread --------------------------------------
if [[ " ${sizes[*]} " == *" 1m "* ]]; then
    db=$data/db-1m.kmk raw=$data/raw-1m.bin q=$data/queries-1m.txt
    log "1m: whole process, one thread, hyperfine ($runs runs each)"
    hyperfine --warmup 1 --runs "$runs" --export-json "$res/whole-1m.json" \
        -n kenmerk-flat "taskset -c $cpu $kenmerk query --db $db --hashes $q -j 1 --method flat" \
        -n kenmerk-auto "taskset -c $cpu $kenmerk query --db $db --hashes $q -j 1 --method auto" \
        -n kenmerk-mih "taskset -c $cpu $kenmerk query --db $db --hashes $q -j 1 --method mih" \
        -n faiss-flat "taskset -c $cpu $py $here/faiss_query.py --raw $raw --hashes $q --index flat --threads 1"
    log "1m: FAISS multi-hash whole process (3 runs) and FAISS phases (3 runs each)"
    hyperfine --warmup 0 --runs 3 --export-json "$res/whole-1m-faiss-mih.json" \
        -n faiss-mih "taskset -c $cpu $py $here/faiss_query.py --raw $raw --hashes $q --index mih --threads 1"
    : >"$res/phases-1m.jsonl"
    for index in flat mih; do
        for _ in 1 2 3; do
            taskset -c "$cpu" "$py" "$here/faiss_query.py" --raw "$raw" --hashes "$q" \
                --index "$index" --threads 1 --out none 2>>"$res/phases-1m.jsonl"
        done
    done
fi

# --- 4. 10M -----------------------------------------------------------------
if [[ " ${sizes[*]} " == *" 10m "* ]]; then
    db=$data/db-10m.kmk raw=$data/raw-10m.bin q=$data/queries-10m.txt
    log "10m: whole process, one thread ($runs10 runs kenmerk, $runs_faiss10 FAISS multi-hash)"
    hyperfine --warmup 1 --runs "$runs10" --export-json "$res/whole-10m.json" \
        -n kenmerk-auto "taskset -c $cpu $kenmerk query --db $db --hashes $q -j 1 --method auto" \
        -n kenmerk-flat "taskset -c $cpu $kenmerk query --db $db --hashes $q -j 1 --method flat"
    hyperfine --warmup 0 --runs "$runs_faiss10" --export-json "$res/whole-10m-faiss-mih.json" \
        -n faiss-mih "taskset -c $cpu $py $here/faiss_query.py --raw $raw --hashes $q --index mih --threads 1 --out none"

    # --- 5. cold open ---------------------------------------------------------
    : >"$data/empty.txt"
    {
        evict "$db"
        echo "before: $(fincore --noheadings --output PAGES,SIZE "$db")"
        "$kenmerk" query --db "$db" --hashes "$data/empty.txt" >/dev/null
        echo "after kenmerk query with no queries: $(fincore --noheadings --output PAGES,SIZE "$db") (pages, file size)"
        dev=$(basename "$(df --output=source "$db" | tail -1)")
        [ -d "/sys/block/$dev" ] || dev=$(lsblk -no pkname "/dev/$dev" 2>/dev/null || true)
        echo "read-ahead of the file's disk ($dev): $(cat "/sys/block/$dev/queue/read_ahead_kb" 2>/dev/null || echo unknown) KiB"
    } | tee "$res/open-pages.txt"
    log "10m: open, cold and warm (20 runs each)"
    hyperfine -N --runs 20 --export-json "$res/open-10m.json" \
        --prepare "$py $here/evict.py $db" \
        -n open-cold "$kenmerk query --db $db --hashes $data/empty.txt"
    # The same process on a one-indicator file: what starting up costs.
    head -c 32 "$raw" >"$data/raw-tiny.bin"
    "$kenmerk" db import --raw "$data/raw-tiny.bin" --out "$data/db-tiny.kmk" 2>/dev/null
    hyperfine -N --runs 20 --warmup 3 --export-json "$res/open-10m-warm.json" \
        -n open-warm "$kenmerk query --db $db --hashes $data/empty.txt" \
        -n open-warm-tiny-file "$kenmerk query --db $data/db-tiny.kmk --hashes $data/empty.txt"
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$res/machine-$what.txt"
log "done; python3 $here/summarize.py prints the tables"
