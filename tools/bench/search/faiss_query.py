#!/usr/bin/env python3
"""FAISS's exact binary range search over the same data as `kenmerk query`.

What a FAISS user writes to answer "which indicators lie within 31 bits of
each query", in one process: load the raw codes with numpy (N x 32 uint8, the
bytes of each hash), build the index, `add`, `range_search`, print the pairs.
The output is `kenmerk query`'s CSV (`query,indicator,distance`, sorted by
query, distance, indicator; ids are record numbers, as `db import --raw`
gives them), so the two outputs can be compared byte for byte.

Radius: FAISS's binary range searches keep a pair when `dis < radius`
(faiss/utils/hamming.cpp `hamming_range_search` for IndexBinaryFlat, the
`RangeSearchResults::add` of faiss/IndexBinaryHash.cpp for the hash indexes),
while kenmerk's radius is inclusive (`distance <= radius`). So this script
passes radius + 1 to FAISS for the same result set.

IndexBinaryMultiHash(256, 16, 16) splits the code into 16 tables of 16 bits,
as kenmerk's multi-index does. Its `nflip` (bits flipped when probing each
table) defaults to 0, which is exact only for radius < 16; by the pigeonhole
principle a pair within r bits agrees to within floor(r / 16) bits in at
least one table, so the script sets nflip = radius // 16 (1 for r = 31),
which makes it exact. Its probes then match kenmerk's: 17 per table.
`--mih-tables M --mih-bits B` builds IndexBinaryMultiHash(256, M, B)
instead (M x B <= 256: FAISS hashes the first M x B bits) with nflip =
radius // M, exact by the same argument: e.g. 11 tables of 23 bits, nflip 2,
close to kenmerk's layout for 10M indicators.

Timings (wall clock, time.perf_counter) of each phase go to stderr as one
JSON line; `--repeat K` times the search K times on the built index (the
first result is printed) and `--threads 1,2` repeats that for each thread
count on the same index, so per-query search time can be read without load
and build.

Usage: faiss_query.py --raw RAW --hashes Q.txt [--radius 31]
                      [--index flat|mih] [--mih-tables 16 --mih-bits 16]
                      [--threads 1[,2..]] [--repeat 1] [--out FILE]
"""

import argparse
import json
import sys
import time

T0 = time.perf_counter()

import numpy as np  # noqa: E402
import faiss  # noqa: E402

T_IMPORT = time.perf_counter()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", required=True)
    ap.add_argument("--hashes", required=True)
    ap.add_argument("--radius", type=int, default=31)
    ap.add_argument("--index", choices=["flat", "mih"], default="flat")
    ap.add_argument(
        "--threads",
        default="1",
        help="OpenMP threads, or a comma-separated list to time the search with each on the "
        "same index (0: FAISS's default); load and add run with the first",
    )
    ap.add_argument("--repeat", type=int, default=1, help="searches per thread count")
    ap.add_argument("--mih-tables", type=int, default=16, help="IndexBinaryMultiHash tables")
    ap.add_argument("--mih-bits", type=int, default=16, help="bits per IndexBinaryMultiHash table")
    ap.add_argument("--out", help="write the CSV here instead of stdout ('-' for stdout, 'none' to skip)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    default_threads = faiss.omp_get_max_threads()

    def set_threads(n):
        faiss.omp_set_num_threads(n if n > 0 else default_threads)

    set_threads(threads[0])

    t = {"import": T_IMPORT - T0}
    start = time.perf_counter()
    codes = np.fromfile(args.raw, dtype=np.uint8)
    if codes.size % 32:
        sys.exit(f"{args.raw}: not a whole number of 32-byte codes")
    codes = codes.reshape(-1, 32)
    with open(args.hashes) as f:
        lines = [line.strip() for line in f]
    # kenmerk numbers queries by line; this list has no header and no blanks.
    queries = np.frombuffer(bytes.fromhex("".join(lines)), dtype=np.uint8).reshape(-1, 32)
    t["load"] = time.perf_counter() - start

    start = time.perf_counter()
    if args.index == "flat":
        index = faiss.IndexBinaryFlat(256)
    else:
        if args.mih_tables * args.mih_bits > 256:
            sys.exit("--mih-tables x --mih-bits exceeds 256")
        index = faiss.IndexBinaryMultiHash(256, args.mih_tables, args.mih_bits)
        index.nflip = args.radius // args.mih_tables
    index.add(codes)
    t["add"] = time.perf_counter() - start

    t["search_by_threads"] = {}
    first = None
    for n in threads:
        set_threads(n)
        runs = []
        for _ in range(max(1, args.repeat)):
            start = time.perf_counter()
            result = index.range_search(queries, args.radius + 1)
            runs.append(time.perf_counter() - start)
            if first is None:
                first = result
        t["search_by_threads"][str(n if n > 0 else default_threads)] = runs
    lims, dist, ids = first
    t["search"] = t["search_by_threads"][str(threads[0] if threads[0] > 0 else default_threads)][0]

    start = time.perf_counter()
    out_lines = ["query,indicator,distance\n"]
    for q in range(queries.shape[0]):
        lo, hi = int(lims[q]), int(lims[q + 1])
        if hi == lo:
            continue
        # Some FAISS builds return the distances as floats; they are whole.
        pairs = sorted(zip(dist[lo:hi].astype(np.int64).tolist(), ids[lo:hi].tolist()))
        out_lines.extend(f"{q},{i},{d}\n" for d, i in pairs)
    text = "".join(out_lines)
    if args.out in (None, "-"):
        sys.stdout.write(text)
    elif args.out != "none":
        with open(args.out, "w") as f:
            f.write(text)
    t["output"] = time.perf_counter() - start
    t["total_in_process"] = time.perf_counter() - T0
    t["pairs"] = int(lims[-1])
    t["queries"] = int(queries.shape[0])
    t["records"] = int(codes.shape[0])
    t["index"] = args.index
    if args.index == "mih":
        t["mih"] = {"tables": args.mih_tables, "bits": args.mih_bits, "nflip": args.radius // args.mih_tables}
    t["threads"] = threads
    t["faiss"] = faiss.__version__
    print(json.dumps(t), file=sys.stderr)


if __name__ == "__main__":
    main()
