#!/usr/bin/env bash
# Runs the SIMD kernel and hashing unit tests for aarch64 under qemu-user,
# so the NEON kernel is tested against the scalar oracle like the x86-64
# ones. Installs the Rust target, the cross linker and qemu-user if missing;
# if they cannot be installed here it says so and skips (exit 0). Failing
# tests fail the script.
set -euo pipefail
cd "$(dirname "$0")/.."
target=aarch64-unknown-linux-gnu

if ! rustup target list --installed | grep -qx "$target"; then
  rustup target add "$target" >/dev/null 2>&1 || { echo "test-aarch64.sh: skipped: cannot install the $target target" >&2; exit 0; }
fi
if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
  if command -v apt-get >/dev/null; then
    { apt-get install -y -qq gcc-aarch64-linux-gnu qemu-user || { apt-get update -qq && apt-get install -y -qq gcc-aarch64-linux-gnu qemu-user; }; } >/dev/null 2>&1 || true
  fi
  if ! command -v aarch64-linux-gnu-gcc >/dev/null || ! command -v qemu-aarch64 >/dev/null; then
    echo "test-aarch64.sh: skipped: gcc-aarch64-linux-gnu and qemu-user are not installable here" >&2
    exit 0
  fi
fi

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"
cargo clippy -p kenmerk --target "$target" --all-targets -- -D warnings
cargo test -p kenmerk --lib --target "$target" -- hamming pdq index
