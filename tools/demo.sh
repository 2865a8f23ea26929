#!/usr/bin/env bash
# The README's first command: the main job on the project's own test data.
#
# The Centre's side: a submissions manifest names the synthetic PNGs in
# testdata/ as if a member-state authority had confirmed them (only those
# with PDQ quality >= 50, as the builder requires); `db build` turns them
# into target/demo/sample.kmk with hash-chained records; the records and the
# file are verified; a key pair is made and a signed copy is issued to one
# provider for this year. One video submission joins them: a 6-second clip
# of FFmpeg's synthetic test pattern, made with the ffmpeg command.
# The provider's side: every image in testdata/synthetic (the same pictures
# as PNG, GIF, BMP, TIFF, WebP, plus others) is hashed and matched against
# the signed copy, which is checked with the Centre's public key first; then
# edited copies of one submitted image (re-encoded as JPEG at half size, and
# mirrored at 3/4 size) are matched, and a re-encoded copy of the clip at half
# size is matched as a video.
# Only matches are printed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/video/install-ffmpeg.sh   # FFmpeg's libraries (video support), if missing
cargo build --release --quiet -p kenmerk-cli
kenmerk=target/release/kenmerk
out=target/demo
mkdir -p "$out"
rm -f "$out/sample.kmk" "$out/RECORDS.jsonl" "$out/issued.kmk"
ffmpeg=(ffmpeg -nostdin -v error -y)
"${ffmpeg[@]}" -f lavfi -i testsrc2=size=320x240:rate=25:duration=6 -c:v libx264 -pix_fmt yuv420p "$out/clip.mp4"

echo "== the Centre: manifest of confirmed submissions ($out/submissions.csv)" >&2
{
  echo "submission_id,authority,member_state,decided_on,media_kind,path"
  "$kenmerk" hash testdata/synthetic/png-* | awk -F, -v root="$PWD" '$2 >= 50 {
    n++; printf "DEMO-%03d,Demo Authority,NL,2026-01-15,image,%s/%s\n", n, root, $3 }'
  echo "DEMO-VIDEO-001,Demo Authority,NL,2026-01-15,video,clip.mp4"
} > "$out/submissions.csv"
echo "== building $out/sample.kmk and its records" >&2
"$kenmerk" db build --submissions "$out/submissions.csv" --out "$out/sample.kmk" \
  --records "$out/RECORDS.jsonl"
"$kenmerk" db verify "$out/sample.kmk"
"$kenmerk" db records verify --records "$out/RECORDS.jsonl" --db "$out/sample.kmk"
[ -f "$out/centre.key" ] || "$kenmerk" keygen --out "$out/centre"
year=$(date -u +%Y)
"$kenmerk" db issue --db "$out/sample.kmk" --to "Demo Provider" \
  --valid-from "$year-01-01" --valid-until "$year-12-31" --key "$out/centre.key" \
  --out "$out/issued.kmk" --records "$out/RECORDS.jsonl"

echo "== the provider: matching every image in testdata/synthetic (radius 31, all 8 rotations/mirrors)" >&2
"$kenmerk" match --db "$out/issued.kmk" --pubkey "$out/centre.pub" --dihedral testdata/synthetic
echo "== the provider: matching edited copies of a submitted image (JPEG, half size; JPEG, 3/4 size, mirrored)" >&2
mkdir -p "$out/edited"
"${ffmpeg[@]}" -i testdata/synthetic/png-rgb-sines-301x211.png -vf scale=iw/2:-2 -q:v 6 "$out/edited/half-size.jpg"
"${ffmpeg[@]}" -i testdata/synthetic/png-rgb-sines-301x211.png -vf "scale=iw*3/4:-2,hflip" -q:v 4 "$out/edited/mirrored.jpg"
"$kenmerk" match --db "$out/issued.kmk" --pubkey "$out/centre.pub" --dihedral "$out/edited"
echo "== the provider: matching a re-encoded half-size copy of the clip (vPDQ, 80%/80% of frames)" >&2
"${ffmpeg[@]}" -i "$out/clip.mp4" -vf scale=160:-2 -c:v libx264 -crf 30 "$out/clip-small.mp4"
"$kenmerk" match --db "$out/issued.kmk" --pubkey "$out/centre.pub" --video "$out/clip-small.mp4"
