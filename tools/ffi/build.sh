#!/usr/bin/env bash
# Builds kenmerk's C library (libkenmerk_ffi.so and .a) and writes a
# pkg-config file for it, so that a C build finds the header and library:
#
#   bash tools/ffi/build.sh [--release]
#   export PKG_CONFIG_PATH=$PWD/target/<debug|release>/pkgconfig
#   cc $(pkg-config --cflags kenmerk) app.c $(pkg-config --libs kenmerk)
#
# Link statically with `pkg-config --libs --static kenmerk` and the .a file
# named first, or set LD_LIBRARY_PATH (or an rpath) to the printed libdir
# for the shared library. Prints the directory holding kenmerk.pc.
set -euo pipefail
cd "$(dirname "$0")/../.."

profile=debug
cargo_args=()
if [ "${1:-}" = "--release" ]; then
  profile=release
  cargo_args=(--release)
fi
cargo build --quiet -p kenmerk-ffi "${cargo_args[@]}"

root=$(pwd)
libdir="$root/target/$profile"
pcdir="$libdir/pkgconfig"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
mkdir -p "$pcdir"
# The system libraries a Rust static library needs on Linux (as
# `rustc --print native-static-libs` lists them), and FFmpeg's libraries,
# which the default build (cargo feature `video`) links for video hashing.
cat > "$pcdir/kenmerk.pc.tmp" <<PC
prefix=$root
libdir=$libdir
includedir=$root/crates/kenmerk-ffi/include

Name: kenmerk
Description: Meta-compatible PDQ hashing and exact matching against indicator files
Version: $version
Libs: -L\${libdir} -lkenmerk_ffi
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
Requires.private: libavformat libavcodec libswscale libavutil
Cflags: -I\${includedir}
PC
mv "$pcdir/kenmerk.pc.tmp" "$pcdir/kenmerk.pc"
echo "$pcdir"
