#!/usr/bin/env bash
# Seed corpus for the `video_file` fuzz target: tiny clips (64x48, 12
# frames at 6 fps, a moving test pattern) in each container and codec the
# decoder path should see, made with the ffmpeg command. Each seed is
# prefixed with the target's mode byte (0: every frame; 3: one hash per
# second, key frames only).
#
# Usage: tools/video/make_fuzz_corpus.sh [DIR]   (default fuzz/corpus/video_file)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$repo/fuzz/corpus/video_file}
mkdir -p "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=(-f lavfi -i testsrc=size=64x48:rate=6:duration=2)
make() { # name, then ffmpeg output options
    local name=$1; shift
    ffmpeg -nostdin -v error -y "${src[@]}" "$@" "$tmp/$name"
}
make h264.mp4 -c:v libx264 -g 4 -pix_fmt yuv420p
make h264-faststart.mov -c:v libx264 -g 4 -bf 2 -movflags +faststart
make vp8.webm -c:v libvpx -b:v 100k
make vp9.webm -c:v libvpx-vp9 -b:v 100k
make mpeg4.avi -c:v mpeg4 -g 4
make mjpeg.avi -c:v mjpeg
make h264.mkv -c:v libx264 -g 4
make mpeg2.ts -c:v mpeg2video -g 4
make flv1.flv -c:v flv1
make theora.ogv -c:v libtheora
for f in "$tmp"/*; do
    name=$(basename "$f")
    { printf '\x00'; cat "$f"; } > "$dir/every-$name"
    { printf '\x03'; cat "$f"; } > "$dir/keyframes-$name"
done
ls -l "$dir" | awk 'NR>1 {n++; s+=$5} END {print n " seeds, " s " bytes in '"$dir"'"}'
