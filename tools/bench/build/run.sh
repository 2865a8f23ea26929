#!/usr/bin/env bash
# Build throughput: `kenmerk db build` on 100,000 image submissions, against
# decoding and hashing the same files alone (`kenmerk hash`), whole process,
# on 1 and on 2 threads. Prints wall and CPU time, images/s and peak memory.
#
#   bash tools/bench/build/run.sh [N]      # N submissions, default 100000
#
# The images (photo crops, about 25 KB JPEG each) are made once by
# make_submissions.py in target/bench-build (about 2.6 GB; 105% of N, as
# about 3% of crops are too plain for PDQ quality 50). The manifest lists the
# first N files that kenmerk hashes with quality >= 50.
set -euo pipefail
cd "$(dirname "$0")/../../.."
n=${1:-100000}
data=target/bench-build
kenmerk=target/release/kenmerk
cargo build --release --quiet -p kenmerk-cli
python3 tools/bench/build/make_submissions.py "$data" $((n * 105 / 100))

if [ ! -f "$data/manifest-$n.csv" ]; then
    (cd "$data" && ../release/kenmerk hash .) > "$data/qualities.csv"
    {
        echo "submission_id,authority,member_state,decided_on,media_kind,path"
        awk -F, -v n="$n" '$2 >= 50 && k < n { k++; st = substr("ATBEDEDKESFIFRIEITNLPLPTSE", 1 + 2 * (k % 13), 2);
            printf "BENCH-%06d,Authority %s,%s,2026-05-%02d,image,%s\n", k, st, st, 1 + k % 28, $3 }' \
            "$data/qualities.csv"
    } > "$data/manifest-$n.csv.part"
    mv "$data/manifest-$n.csv.part" "$data/manifest-$n.csv"
fi
rows=$(($(wc -l < "$data/manifest-$n.csv") - 1))
[ "$rows" -eq "$n" ] || { echo "only $rows usable images; raise the generated count" >&2; exit 1; }
cut -d, -f6 "$data/manifest-$n.csv" | tail -n +2 > "$data/paths-$n.txt"

echo "machine: $(nproc) cores, load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for threads in 1 2; do
    rm -f "$data/bench.kmk" "$data/BENCH-RECORDS.jsonl"
    /usr/bin/time -f "db build -j $threads: wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
        "$kenmerk" db build --submissions "$data/manifest-$n.csv" --out "$data/bench.kmk" \
        --records "$data/BENCH-RECORDS.jsonl" -j "$threads" 2>&1 | grep -v '^kenmerk: wrote'
    (cd "$data" && /usr/bin/time -f "hash -j $threads (same files): wall %e s, user %U s, sys %S s, peak RSS %M KiB" \
        xargs -a "paths-$n.txt" ../release/kenmerk hash -j "$threads" > /dev/null)
done
"$kenmerk" db records verify --records "$data/BENCH-RECORDS.jsonl" --db "$data/bench.kmk"
ls -l "$data/bench.kmk" "$data/BENCH-RECORDS.jsonl"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
