#!/usr/bin/env bash
# Tests the Python bindings and the PySpark example, as CI runs them:
#
# 1. a venv under target/python/venv with maturin, pytest, PySpark, pandas
#    and pyarrow (pinned; installed once, then reused);
# 2. builds the abi3 wheel with maturin;
# 3. installs the wheel into a brand-new venv and checks that it imports and
#    hashes an image as the CLI does (the fresh-install test);
# 4. runs pytest on crates/kenmerk-py/tests (hashes and matches equal the
#    CLI's) and examples/pyspark (the job in Spark local mode equals
#    `kenmerk match`). PySpark needs Java 17+, which this script installs
#    from Debian if `java` is missing.
#
# Called by tools/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

py=${PYTHON:-python3}
venv=target/python/venv
requirements=(maturin==1.16.0 pytest==9.2.0 pyspark==4.0.1 pandas==3.1.1 pyarrow==26.0.1)

if ! command -v java >/dev/null; then
  echo "tools/python/test.sh: installing Java 17 for PySpark" >&2
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! "$py" -c "import venv, ensurepip" 2>/dev/null; then
  echo "tools/python/test.sh: installing python3-venv" >&2
  apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x "$venv/bin/python" ]; then
  "$py" -m venv "$venv"
fi
if ! "$venv/bin/python" -m pip freeze 2>/dev/null | grep -qx "pyspark==4.0.1"; then
  echo "tools/python/test.sh: installing ${requirements[*]} into $venv" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
fi

cargo build --quiet -p kenmerk-cli
rm -f target/wheels/kenmerk-*.whl
# The default build links the system's FFmpeg for video hashing, so the
# wheel is tagged for this platform (`linux`) rather than manylinux; see
# crates/kenmerk-py/README.md for portable wheels.
"$venv/bin/maturin" build --quiet -m crates/kenmerk-py/Cargo.toml --profile dev \
  --compatibility linux --out target/wheels -i "$venv/bin/python"
wheel=$(ls target/wheels/kenmerk-*-abi3-*.whl)

# The fresh-install test: a new venv, the wheel and nothing else, run from
# outside the repository.
root=$(pwd)
fresh=target/python/fresh
rm -rf "$fresh"
"$py" -m venv "$fresh"
"$fresh/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
image=testdata/synthetic/png-grey-text-200x150.png
want=$(target/debug/kenmerk hash "$image" | head -1 | cut -d, -f1,2)
got=$(cd /tmp && "$root/$fresh/bin/python" -c \
  "import sys, kenmerk; h, q = kenmerk.hash_image(sys.argv[1]); print(f'{h},{q}')" "$root/$image")
if [ "$got" != "$want" ]; then
  echo "tools/python/test.sh: the fresh install hashes $image as $got, the CLI as $want" >&2
  exit 1
fi
echo "tools/python/test.sh: $(basename "$wheel") installs into a fresh venv and hashes as the CLI" >&2

"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
SPARK_LOCAL_IP=127.0.0.1 KENMERK_CLI=target/debug/kenmerk \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider crates/kenmerk-py/tests examples/pyspark
