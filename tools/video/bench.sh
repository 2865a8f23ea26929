#!/usr/bin/env bash
# Whole-process race, one core: `kenmerk hash --video -j 1` against Meta's
# vPDQ (PyPI `vpdq`, through tools/video/vpdq_hash.py with one hashing
# thread), both pinned to one CPU with taskset so that neither decodes on
# a second core. Same files, one hash per second (vPDQ's usual setting),
# then every frame. Also prints how far apart the two outputs are.
#
# Usage: tools/video/bench.sh     (a few minutes; needs hyperfine)
# Env:   KENMERK_SHARED (default ../shared), CPU (default 0), RUNS (default 5)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
shared=${KENMERK_SHARED:-../shared}
cpu=${CPU:-0}
runs=${RUNS:-5}
out=target/video-bench
mkdir -p "$out"
# PyPI vpdq (in the venv under target/) builds against FFmpeg's development
# packages, all of them.
bash tools/video/install-ffmpeg.sh
dpkg -s libavdevice-dev libavfilter-dev >/dev/null 2>&1 ||
    apt-get install -y -qq libavdevice-dev libavfilter-dev >/dev/null
py=$(bash tools/reference/venv.sh vpdq)
command -v hyperfine >/dev/null || apt-get install -y -qq hyperfine >/dev/null
cargo build -q --release -p kenmerk-cli
k=$repo/target/release/kenmerk
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); load: $(uptime | sed 's/.*load average: //'); vpdq $("$py" -c 'import importlib.metadata as m; print(m.version("vpdq"))'); FFmpeg libavcodec $(pkg-config --modversion libavcodec)"
videos=("$shared"/corpus/video/bikes.mp4 "$shared"/corpus/video/bigbuckbunny.mp4
    "$shared"/corpus/video/gradio_world.mp4 "$shared"/corpus/video/Megamind_bugy.avi
    "$shared"/testdata/threatexchange/tmk/sample-videos/chair-orig-22-sd-bar.mp4
    "$shared"/testdata/threatexchange/tmk/sample-videos/pattern-hd-no-bar.mp4)
printf '| file | seconds/hash | frames hashed | kenmerk s | vpdq s | kenmerk/vpdq | distance mean / max |\n|---|---|---|---|---|---|---|\n'
for sph in 1 0; do
    for v in "${videos[@]}"; do
        name=$(basename "$v")
        "$k" hash --video --seconds-per-hash "$sph" "$v" > "$out/$name.$sph.kenmerk"
        "$py" tools/video/vpdq_hash.py --seconds-per-hash "$sph" "$v" > "$out/$name.$sph.vpdq"
        distance=$(python3 - "$out/$name.$sph.kenmerk" "$out/$name.$sph.vpdq" <<'PY'
import sys
a, b = ([l.split(",") for l in open(p) if l.strip()] for p in sys.argv[1:])
assert [x[0] for x in a] == [y[0] for y in b], "frame numbers differ"
d = [bin(int(x[2], 16) ^ int(y[2], 16)).count("1") for x, y in zip(a, b)]
print(f"{sum(d) / len(d):.2f} / {max(d)}")
PY
)
        hyperfine -N -w 1 -r "$runs" --export-json "$out/$name.$sph.json" \
            -n kenmerk "taskset -c $cpu $k hash --video -j 1 --seconds-per-hash $sph $v" \
            -n vpdq "taskset -c $cpu $py tools/video/vpdq_hash.py --threads 1 --seconds-per-hash $sph $v" >/dev/null
        python3 - "$out/$name.$sph.json" "$name" "$sph" "$(grep -vc '^#' "$out/$name.$sph.kenmerk")" "$distance" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
k, v = r["kenmerk"]["median"], r["vpdq"]["median"]
print(f"| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {k:.3f} | {v:.3f} | {k / v:.2f} | {sys.argv[5]} |")
PY
    done
done
