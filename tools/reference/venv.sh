#!/usr/bin/env bash
# The project's Python for references and peers: a venv under
# target/reference/venv with Meta's C++ PDQ (PyPI pdqhash 0.2.8), Pillow and
# numpy, plus any packages named on the command line (e.g. faiss-cpu, vpdq).
# Installs only what is missing, never into the user's own Python, and prints
# the venv's python path on stdout:
#
#   py=$(bash tools/reference/venv.sh faiss-cpu)
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/reference/venv
base=(pdqhash==0.2.8 pillow==11.3.0 numpy==2.3.5)
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    echo "venv.sh: installing python3-venv" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  python3 -m venv "$venv"
fi
want=("${base[@]}" "$@")
missing=()
for req in "${want[@]}"; do
  name=${req%%[=<>]*}
  if ! "$venv/bin/python" -m pip show --quiet "$name" >/dev/null 2>&1; then
    missing+=("$req")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "venv.sh: installing ${missing[*]} into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}" >&2
fi
echo "$PWD/$venv/bin/python"
