#!/usr/bin/env python3
"""Hash image files the way python-threatexchange's PDQ signal does: Pillow
decodes, numpy holds the pixels, Meta's C++ (PyPI `pdqhash`) hashes them at
full resolution. Prints `hash,quality,path` lines like `kenmerk hash`.

Usage: pytx_hash.py PATH...   (folders are walked, files sorted)

The whole-process baseline for `kenmerk hash`. Needs: pip install pdqhash
numpy pillow
"""

import sys
from pathlib import Path

import numpy as np
import pdqhash
from PIL import Image


def pdq_from_file(path):
    with Image.open(path) as im:
        if im.mode != "RGB":
            im = im.convert("RGB")
        array = np.asarray(im)
    vector, quality = pdqhash.compute(array)
    bits = "".join(str(b) for b in vector)
    return "%0*x" % ((len(bits) + 3) // 4, int(bits, 2)), quality


def files(paths):
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file())
        else:
            yield path


def main():
    out = []
    for path in files(sys.argv[1:]):
        digest, quality = pdq_from_file(path)
        out.append(f"{digest},{quality},{path}\n")
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
