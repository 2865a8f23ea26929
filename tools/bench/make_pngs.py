#!/usr/bin/env python3
"""Write a folder of PNGs for the whole-process benchmark: the first N
corpus photos (sorted by name, any format Pillow reads), converted to RGB and
saved as PNG at their own size.

Usage: make_pngs.py [--count 200] [--shared ../shared] [--out target/bench-pngs]

Skips the work when the folder already holds the same set (recorded in
target/bench-pngs.manifest). Needs: pip install pillow
"""

import argparse
import os
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--shared", type=Path,
                        default=Path(os.environ.get("KENMERK_SHARED", REPO.parent / "shared")))
    parser.add_argument("--out", type=Path, default=REPO / "target" / "bench-pngs")
    args = parser.parse_args()

    photos_dir = args.shared / "corpus" / "photos"
    photos = sorted(p for p in photos_dir.iterdir()
                    if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"}) \
        if photos_dir.is_dir() else []
    if len(photos) < args.count:
        sys.exit(f"need {args.count} photos in {photos_dir}, found {len(photos)}")
    photos = photos[: args.count]

    manifest = args.out.with_name(args.out.name + ".manifest")
    wanted = "".join(f"{p.name}\n" for p in photos)
    if manifest.exists() and manifest.read_text() == wanted:
        print(f"{args.out}: {args.count} PNGs already there")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.png"):
        old.unlink()
    pixels = 0
    for i, photo in enumerate(photos):
        with Image.open(photo) as im:
            rgb = im.convert("RGB")
            pixels += rgb.width * rgb.height
            rgb.save(args.out / f"{i:03d}-{photo.stem}.png")
    manifest.write_text(wanted)
    size = sum(p.stat().st_size for p in args.out.glob("*.png"))
    print(f"{args.out}: wrote {args.count} PNGs, {pixels / 1e6:.1f} Mpixel, {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
