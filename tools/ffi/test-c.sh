#!/usr/bin/env bash
# Tests kenmerk's C library as a C program sees it: builds the examples in
# examples/c with -Wall -Wextra -Werror against the header and kenmerk.pc,
# runs the conformance check (Meta's expected PNG hashes, an indicator file
# made by `kenmerk db import`, junk bytes, NULLs, threads) natively and under
# valgrind (no error, no leak), and checks that match_files prints exactly
# what `kenmerk match` prints for the same files, also under valgrind.
# Called by tools/test.sh; needs ../shared, gcc, make, pkg-config, valgrind.
set -euo pipefail
cd "$(dirname "$0")/../.."

shared=../shared/testdata/threatexchange
if [ ! -d "$shared" ]; then
  echo "test-c: $shared is absent; the C library tests were skipped" >&2
  exit 0
fi
missing=()
for tool in gcc make pkg-config valgrind; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test-c: installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq gcc make pkg-config valgrind >/dev/null
fi

pcdir=$(bash tools/ffi/build.sh)
cargo build --quiet -p kenmerk-cli
kenmerk=target/debug/kenmerk
out=target/ffi-c
mkdir -p "$out"

export PKG_CONFIG_PATH="$pcdir"
make --quiet -C examples/c OUT="$(pwd)/$out" all
export LD_LIBRARY_PATH="$(pkg-config --variable=libdir kenmerk)"

# C++ pipelines include the same header.
if command -v g++ >/dev/null; then
  printf '#include "kenmerk.h"\nint main() { kenmerk_index *i = nullptr;\n  return kenmerk_index_open("x", &i) == KENMERK_RESULT_OK; }\n' |
    g++ -std=c++17 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags kenmerk) -x c++ -fsyntax-only -
  echo "test-c: kenmerk.h compiles as C++17" >&2
fi

python3 tools/ffi/expected_pngs.py "$shared" "$out"
"$kenmerk" db import --hashes "$out/known.csv" --out "$out/known.kmk" 2>/dev/null

# Rayon's pool threads run until exit; tools/ffi/valgrind.supp says why
# their thread-local storage is not a leak (the only suppression).
valgrind=(valgrind --quiet --error-exitcode=99 --leak-check=full
  --suppressions=tools/ffi/valgrind.supp
  --errors-for-leak-kinds=definite,indirect,possible --show-leak-kinds=definite,indirect,possible)

echo "test-c: conformance check" >&2
"$out/check_conformance" "$out/known.kmk" "$out/expected.csv"
echo "test-c: conformance check under valgrind" >&2
"${valgrind[@]}" "$out/check_conformance" "$out/known.kmk" "$out/expected.csv"

# The same files through match_files and through the CLI.
mapfile -t files < <(cut -d, -f1 "$out/expected.csv")
files+=("$shared/pdq/data/bridge-mods/aaa-orig.jpg" "$shared/pdq/data/misc-images/modes/P.png")
for mode in "" "--dihedral"; do
  "$kenmerk" match --db "$out/known.kmk" $mode "${files[@]}" > "$out/cli$mode.csv" 2>/dev/null
  "${valgrind[@]}" "$out/match_files" $mode "$out/known.kmk" "${files[@]}" \
    > "$out/c$mode.csv" 2>/dev/null
  if ! cmp -s "$out/cli$mode.csv" "$out/c$mode.csv"; then
    echo "test-c: match_files $mode differs from kenmerk match:" >&2
    diff "$out/cli$mode.csv" "$out/c$mode.csv" >&2 || true
    exit 1
  fi
  echo "test-c: match_files $mode = kenmerk match ($(($(wc -l < "$out/c$mode.csv") - 1)) matches)" >&2
done

# Videos: match_videos against an index of vPDQ hashes made by the CLI
# prints exactly what `kenmerk match --video` prints. Valgrind runs on the
# smallest clip only (FFmpeg under valgrind is slow).
videos=../shared/corpus/video
if [ -d "$videos" ]; then
  lists=()
  for name in bikes.mp4 carphone_pristine.mp4; do
    "$kenmerk" hash --video "$videos/$name" > "$out/$name.vpdq"
    lists+=("$out/$name.vpdq")
  done
  "$kenmerk" db import --out "$out/videos.kmk" --vpdq "${lists[@]}" 2>/dev/null
  clips=("$videos/bikes.mp4" "$videos/carphone_distorted.mp4" "$videos/carphone_pristine.mp4"
    "$videos/tree.avi" "$out/known.csv")
  "$kenmerk" match --db "$out/videos.kmk" --video "${clips[@]}" > "$out/cli-video.csv" 2>/dev/null || true
  "$out/match_videos" "$out/videos.kmk" "${clips[@]}" > "$out/c-video.csv" 2>/dev/null || true
  if ! cmp -s "$out/cli-video.csv" "$out/c-video.csv" || [ "$(wc -l < "$out/c-video.csv")" -lt 3 ]; then
    echo "test-c: match_videos differs from kenmerk match --video (or found too little):" >&2
    diff "$out/cli-video.csv" "$out/c-video.csv" >&2 || true
    exit 1
  fi
  "${valgrind[@]}" "$out/match_videos" "$out/videos.kmk" "$videos/carphone_distorted.mp4" "$out/known.csv" \
    > "$out/c-video-valgrind.csv" 2>/dev/null || [ $? -eq 1 ]
  grep -q "carphone_distorted.mp4,1," "$out/c-video-valgrind.csv"
  echo "test-c: match_videos = kenmerk match --video ($(($(wc -l < "$out/c-video.csv") - 1)) matches; valgrind clean)" >&2
fi
echo "test-c: all C library checks passed" >&2
