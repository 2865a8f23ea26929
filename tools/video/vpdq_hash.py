#!/usr/bin/env python3
"""Hashes video files with Meta's vPDQ (PyPI `vpdq`) and prints Meta's
`frame,quality,hash,timestamp` lines, with a `# path` line before each file
when several are given: the peer side of tools/video/bench.sh and a way to
make reference lists.

Usage: vpdq_hash.py [--seconds-per-hash S] [--threads N] VIDEO...
"""
import argparse
import sys

import vpdq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds-per-hash", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=1, help="vpdq hashing threads (0: auto)")
    parser.add_argument("videos", nargs="+")
    args = parser.parse_args()
    for path in args.videos:
        features = vpdq.computeHash(path, seconds_per_hash=args.seconds_per_hash, thread_count=args.threads)
        if len(args.videos) > 1:
            print(f"# {path}")
        for f in features:
            print(f"{f.frame_number},{f.quality},{f.hex},{f.timestamp:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
