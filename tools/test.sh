#!/usr/bin/env bash
# The test command of the README: installs the Python reference (Meta's C++
# PDQ via PyPI pdqhash) used to decode reference images exactly as Meta's
# pipeline does, generates those reference pixels once, and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

# Meta's reference (pdqhash, Pillow, numpy) lives in a venv under target/,
# never in the user's Python.
refpy=$(bash tools/reference/venv.sh)
if [ -d ../shared/testdata/threatexchange ] && [ ! -f target/reference-pixels/index.csv ]; then
  "$refpy" tools/reference/dump_pixels.py --out target/reference-pixels
fi

# FFmpeg's libraries for the CLI's video support (installed only if missing).
bash tools/video/install-ffmpeg.sh

cargo test --workspace

# The builds without FFmpeg (cargo feature `video` off): the builder refuses
# video rows with a reason, and the C library keeps its ABI.
cargo test -p kenmerk-build -p kenmerk-ffi --no-default-features

# kenmerk's C library as C programs use it (examples/c), also under valgrind.
bash tools/ffi/test-c.sh

# The Python bindings (abi3 wheel, fresh-venv install, pytest against the
# CLI) and the PySpark example in Spark local mode.
bash tools/python/test.sh
