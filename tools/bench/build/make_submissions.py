#!/usr/bin/env python3
"""Makes N distinct photo-like JPEG files for the build benchmark.

Each image is a random 400x300 crop of a random photo of ../shared/corpus/photos,
slightly brightened or darkened, saved as JPEG quality 85 (about 25 KB), so
that decoding costs what it costs for ordinary photos and no two files are
byte-identical. Deterministic for a given seed. Files already present are
kept, so N can grow. About 3% of crops are too plain for PDQ quality 50;
run.sh writes the manifest from the files kenmerk accepts.

usage: make_submissions.py OUT_DIR N [SEED]
"""
import os
import random
import sys
from multiprocessing import Pool

from PIL import Image, ImageEnhance

HERE = os.path.dirname(os.path.abspath(__file__))
PHOTOS = os.path.join(HERE, "..", "..", "..", "..", "shared", "corpus", "photos")


def load(path):
    img = Image.open(path).convert("RGB")
    img.thumbnail((800, 800))
    return img


def make(args):
    out_dir, start, count, seed = args
    photos = sorted(p for p in os.listdir(PHOTOS) if p.endswith(".jpg"))
    cache = {}
    for i in range(start, start + count):
        sub = os.path.join(out_dir, f"{i // 1000:03d}")
        path = os.path.join(sub, f"{i:06d}.jpg")
        if os.path.exists(path):
            continue
        rng = random.Random(seed * 1_000_003 + i)
        name = photos[rng.randrange(len(photos))]
        if name not in cache:
            cache[name] = load(os.path.join(PHOTOS, name))
        img = cache[name]
        w, h = min(400, img.width), min(300, img.height)
        x, y = rng.randrange(img.width - w + 1), rng.randrange(img.height - h + 1)
        crop = img.crop((x, y, x + w, y + h))
        crop = ImageEnhance.Brightness(crop).enhance(rng.uniform(0.8, 1.2))
        os.makedirs(sub, exist_ok=True)
        crop.save(path + ".part", "JPEG", quality=85)
        os.replace(path + ".part", path)


def main():
    out_dir, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    os.makedirs(out_dir, exist_ok=True)
    chunk = 1000
    jobs = [(out_dir, s, min(chunk, n - s), seed) for s in range(0, n, chunk)]
    with Pool() as pool:
        pool.map(make, jobs)


if __name__ == "__main__":
    main()
