#!/usr/bin/env bash
# Installs what video support needs, only if it is missing (fast when
# present): FFmpeg's development libraries and pkg-config (the `video`
# feature links them), libclang (ffmpeg-sys-next generates its bindings
# with bindgen) and the ffmpeg command (tests make re-encoded copies with
# it). Debian/Ubuntu with apt-get; elsewhere it says what to install.
set -euo pipefail
libs=(libavcodec libavformat libavutil libswscale)
have_libclang() { compgen -G '/usr/lib/llvm-*/lib/libclang*.so*' >/dev/null || compgen -G '/usr/lib/*/libclang*.so*' >/dev/null; }
if command -v pkg-config >/dev/null && pkg-config --exists "${libs[@]}" && have_libclang && command -v ffmpeg >/dev/null; then
    exit 0
fi
packages=(pkg-config libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libclang-dev ffmpeg)
if ! command -v apt-get >/dev/null; then
    echo "install-ffmpeg.sh: please install FFmpeg's development libraries (${libs[*]}), pkg-config, libclang and ffmpeg" >&2
    exit 1
fi
echo "install-ffmpeg.sh: installing ${packages[*]}" >&2
sudo=(); [ "$(id -u)" -ne 0 ] && sudo=(sudo)
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
