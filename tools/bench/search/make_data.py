#!/usr/bin/env python3
"""Synthetic indicator lists and queries for the search benchmarks.

Writes, under OUT (default target/bench-search/):

- raw-1m.bin, raw-10m.bin: N random 256-bit codes, N x 32 bytes, each record
  the 32 bytes a PDQ hex hash spells (what `kenmerk db import --raw` reads and
  what FAISS's binary indexes take as uint8 rows). The 1M list is the first
  million records of the 10M list (one random stream, drawn in chunks).
- queries-1m.txt, queries-10m.txt: 2,000 hex hashes each, one per line. Half
  are planted: a copy of a randomly chosen indicator of that list with 0..31
  distinct random bits flipped (uniformly many), so each has at least one
  match at radius 31. The other half are uniformly random codes, which match
  nothing at radius 31 with overwhelming probability (a random pair is within
  31 bits with probability about 1e-34). Planted and random queries are
  interleaved in a random order.
- queries-*.planted.csv: line,indicator,flipped for every planted query (for
  checking; the search must report at least that pair).

Everything comes from numpy's PCG64 with a fixed seed, so the files are the
same bytes on every machine and every run (`--check` prints their blake2b
digests). Files that exist with the right size are not rewritten unless
--force is given.

Usage: python3 tools/bench/search/make_data.py [--out DIR] [--sizes 1m,10m]
"""

import argparse
import hashlib
import os
import sys

import numpy as np

SEED = 0x6B656E6D65726B  # "kenmerk"
QUERIES = 2000
MAX_FLIPS = 31
SIZES = {"1m": 1_000_000, "10m": 10_000_000}
CHUNK = 1_000_000


def write_codes(path, n, force):
    """N random codes, generated in chunks of a million from one stream."""
    if not force and os.path.exists(path) and os.path.getsize(path) == n * 32:
        return
    rng = np.random.Generator(np.random.PCG64(SEED))
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        for start in range(0, n, CHUNK):
            count = min(CHUNK, n - start)
            f.write(rng.integers(0, 256, size=(count, 32), dtype=np.uint8).tobytes())
    os.replace(tmp, path)


def make_queries(codes, label):
    """2,000 queries: half planted near random indicators, half random."""
    n = codes.shape[0]
    rng = np.random.Generator(np.random.PCG64([SEED, n]))
    planted_count = QUERIES // 2
    sources = rng.integers(0, n, size=planted_count)
    flips = rng.integers(0, MAX_FLIPS + 1, size=planted_count)
    queries = np.empty((QUERIES, 32), dtype=np.uint8)
    planted = []
    for i, (src, k) in enumerate(zip(sources, flips)):
        q = codes[src].copy()
        bits = np.unpackbits(q)
        bits[rng.choice(256, size=int(k), replace=False)] ^= 1
        queries[i] = np.packbits(bits)
        planted.append((int(src), int(k)))
    queries[planted_count:] = rng.integers(0, 256, size=(QUERIES - planted_count, 32), dtype=np.uint8)
    order = rng.permutation(QUERIES)
    queries = queries[order]
    # Where each planted query ended up: line -> (source, flips).
    where = {int(line): planted[int(src_row)] for line, src_row in enumerate(order) if src_row < planted_count}
    return queries, where


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="target/bench-search")
    ap.add_argument("--sizes", default="1m,10m")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--check", action="store_true", help="print digests of what was written")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    labels = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for label in labels:
        if label not in SIZES:
            sys.exit(f"unknown size {label!r}; known: {', '.join(SIZES)}")
    for label in labels:
        n = SIZES[label]
        raw = os.path.join(args.out, f"raw-{label}.bin")
        write_codes(raw, n, args.force)
        codes = np.memmap(raw, dtype=np.uint8, mode="r").reshape(n, 32)
        queries, where = make_queries(codes, label)
        qpath = os.path.join(args.out, f"queries-{label}.txt")
        with open(qpath, "w") as f:
            f.writelines(bytes(q).hex() + "\n" for q in queries)
        with open(os.path.join(args.out, f"queries-{label}.planted.csv"), "w") as f:
            f.write("line,indicator,flipped\n")
            for line in sorted(where):
                src, k = where[line]
                f.write(f"{line},{src},{k}\n")
        print(f"{label}: {raw} ({n} codes), {qpath} ({QUERIES} queries, {len(where)} planted)")
        if args.check:
            for path in (raw, qpath):
                h = hashlib.blake2b(digest_size=16)
                with open(path, "rb") as f:
                    for block in iter(lambda: f.read(1 << 24), b""):
                        h.update(block)
                print(f"  blake2b-128 {h.hexdigest()}  {path}")


if __name__ == "__main__":
    main()
