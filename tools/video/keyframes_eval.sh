#!/usr/bin/env bash
# Key-frame mode against one hash per second: speed and recall.
#
# Indicators: each video's 1 hash/s vPDQ (`kenmerk hash --video`), imported
# as one video indicator each. Queries: each original and a re-encoded copy
# at half width (x264, CRF 28, ffmpeg's default GOP), hashed at 1 hash/s and
# with --keyframes. For each query the script prints the hashed frame count,
# the whole-process time (one core), and the shares of its own indicator
# (query_matched / indicator_matched), then how many queries match their
# own indicator at the default 80/80 rule per mode.
#
# Usage: tools/video/keyframes_eval.sh   (writes target/video-keyframes/)
# Env:   KENMERK_SHARED (default ../shared), CPU (default 0)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
shared=${KENMERK_SHARED:-../shared}
cpu=${CPU:-0}
out=target/video-keyframes
mkdir -p "$out"
cargo build -q --release -p kenmerk-cli
k=target/release/kenmerk
videos=("$shared"/corpus/video/*.mp4 "$shared"/corpus/video/*.avi
    "$shared"/testdata/threatexchange/tmk/sample-videos/{doorknob-hd-no-bar,pattern-hd-no-bar,chair-orig-22-sd-bar}.mp4)
lists=()
for v in "${videos[@]}"; do
    name=$(basename "$v")
    "$k" hash --video "$v" > "$out/$name.vpdq"
    lists+=("$out/$name.vpdq")
    ffmpeg -nostdin -v error -y -i "$v" -vf 'scale=trunc(iw/4)*2:-2' -c:v libx264 -crf 28 -an "$out/small-${name%.*}.mp4"
done
"$k" db import --vpdq "${lists[@]}" --out "$out/videos.kmk" 2>/dev/null

seconds() { local s e; s=$(date +%s.%N); taskset -c "$cpu" "$@" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }

printf '%-34s %-9s %6s %7s %7s %7s\n' query mode frames time_s query% indic%
declare -A matched=([1s]=0 [keyframes]=0)
total=0
i=0
for v in "${videos[@]}"; do
    name=$(basename "$v")
    for q in "$v" "$out/small-${name%.*}.mp4"; do
        total=$((total + 1))
        for mode in 1s keyframes; do
            flag=(); [[ $mode == keyframes ]] && flag=(--keyframes)
            frames=$("$k" hash --video "${flag[@]}" "$q" | grep -vc '^#' || true)
            t=$(seconds "$k" hash --video -j 1 "${flag[@]}" "$q")
            shares=$("$k" match --db "$out/videos.kmk" --video "${flag[@]}" --query-threshold 0 \
                --indicator-threshold 0 --format jsonl "$q" |
                python3 -c "import json,sys
rows=[json.loads(l) for l in sys.stdin if l.strip()]
r=[x for x in rows if x['indicator']==$i]
print('%.1f %.1f' % ((r[0]['query_matched'], r[0]['indicator_matched']) if r else (0, 0)))")
            read -r qm im <<< "$shares"
            printf '%-34s %-9s %6s %7.2f %7s %7s\n' "$(basename "$q")" "$mode" "$frames" "$t" "$qm" "$im"
            if python3 -c "import sys; sys.exit(0 if $qm >= 80 and $im >= 80 else 1)"; then
                matched[$mode]=$((matched[$mode] + 1))
            fi
        done
    done
    i=$((i + 1))
done
echo "own indicator matched at 80/80: 1s ${matched[1s]}/$total, keyframes ${matched[keyframes]}/$total"
