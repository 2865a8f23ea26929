#!/usr/bin/env bash
# The README's first command: the main job on the project's own test data.
# Builds a sample indicator file from the synthetic PNGs in testdata/ (as the
# Centre would from confirmed material), checks it, then hashes every image
# in testdata/synthetic (PNGs and the same pictures as GIF, BMP, TIFF, WebP)
# and matches them against it, as a provider would. Only matches are printed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/video/install-ffmpeg.sh   # FFmpeg's libraries (video support), if missing
cargo build --release --quiet -p kenmerk-cli
kenmerk=target/release/kenmerk
out=target/demo
mkdir -p "$out"

echo "== hashing the known set (testdata/synthetic/png-*)" >&2
"$kenmerk" hash testdata/synthetic/png-* > "$out/known.csv"
echo "== building and verifying the sample indicator file $out/sample.kmk" >&2
"$kenmerk" db import --hashes "$out/known.csv" --out "$out/sample.kmk"
"$kenmerk" db verify "$out/sample.kmk"
echo "== matching every image in testdata/synthetic (radius 31, all 8 rotations/mirrors)" >&2
"$kenmerk" match --db "$out/sample.kmk" --dihedral testdata/synthetic
