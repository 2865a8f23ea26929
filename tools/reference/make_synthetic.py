#!/usr/bin/env python3
"""Generate kenmerk's synthetic test images and their expected PDQ hashes.

Every image is drawn from a fixed seed (each file from its own sub-seed, so
adding a file leaves the others unchanged), saved losslessly in one of the
formats kenmerk decodes, and hashed with Meta's C++ PDQ (PyPI `pdqhash`
0.2.8) on the RGB array that is the image's meaning, i.e. the pixels a
correct decoder yields:

  RGB, RGBA, RGB 16-bit   the colour channels (alpha ignored, as Meta's
                          pipeline ignores it); 16-bit channels scaled to 8
                          bits as round(v * 255 / 65535) = (v + 128) // 257
  grey L, grey+alpha LA   the grey level replicated into R, G and B
  grey 16-bit             (v + 128) // 257, replicated
  bilevel (1 bit)         0 -> 0, 1 -> 255, replicated
  palette (P, GIF, BMP)   the palette colours (not the indices); for GIF the
                          first frame

That is what the `image` crate hands kenmerk, so kenmerk must reproduce the
expected hashes bit for bit. Before hashing, each written file is read back
with Pillow and checked to hold exactly those pixels (the 16-bit RGB PNG,
which this script writes itself because Pillow cannot, is checked by
decoding its own IDAT).

Output: testdata/synthetic/*.{png,gif,bmp,tiff,webp} and
testdata/pdq-expected.csv with header `path,hash,quality,dihedral` (path
relative to testdata/; hash and quality from `pdqhash.compute`, i.e. Meta's
pdqHash256FromFloatLuma; dihedral = the 8 hashes of `pdqhash.compute_dihedral`,
pdqDihedralHash256esFromFloatLuma, joined by `|` in Meta's order orig, rot90,
rot180, rot270, flipx, flipy, flipplus1, flipminus1). The two agree except on
input of exactly 64x64 pixels, where Meta's single-hash function skips the
blur and its dihedral function does not; the script prints such rows.

Usage: python3 tools/reference/make_synthetic.py [--out DIR]
Needs pdqhash==0.2.8, pillow and numpy: run it with the python that
`bash tools/reference/venv.sh` prints (a venv under target/).
"""

from __future__ import annotations

import argparse
import csv
import struct
import sys
import zlib
from pathlib import Path

try:
    import numpy as np
    import pdqhash
    from PIL import Image
except ImportError as err:  # pragma: no cover - environment check
    sys.exit(
        f"make_synthetic.py: missing Python dependency ({err}).\n"
        "Install them with: pip install pdqhash==0.2.8 pillow numpy"
    )

REPO = Path(__file__).resolve().parents[2]
SEED = 20240917
REFERENCE_PDQHASH = "0.2.8"


# ---------------------------------------------------------------- patterns
# Each returns a float array in [0, 1] of shape (h, w) or (h, w, 3).


def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def gradient(w: int, h: int, rng) -> np.ndarray:
    x = np.linspace(0.0, 1.0, w)[None, :]
    y = np.linspace(0.0, 1.0, h)[:, None]
    t = rng.uniform(0.2, 0.8)
    return np.stack(
        [
            np.broadcast_to(x, (h, w)),
            np.broadcast_to(y, (h, w)),
            (t * x + (1 - t) * (1 - y)),
        ],
        axis=2,
    )


def sines(w: int, h: int, rng) -> np.ndarray:
    """A smooth, photo-like field: a few random plane waves per channel."""
    x = np.arange(w)[None, :] / max(w, h)
    y = np.arange(h)[:, None] / max(w, h)
    out = np.zeros((h, w, 3))
    for c in range(3):
        for _ in range(4):
            fx, fy = rng.uniform(-9, 9, size=2)
            phase = rng.uniform(0, 2 * np.pi)
            out[:, :, c] += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * (fx * x + fy * y) + phase)
    out -= out.min()
    return out / max(out.max(), 1e-9)


def checker(w: int, h: int, rng) -> np.ndarray:
    cell = int(rng.integers(3, 9))
    yy, xx = np.mgrid[0:h, 0:w]
    board = ((xx // cell + yy // cell) % 2).astype(float)
    a, b = rng.uniform(0, 1, size=(2, 3))
    return board[:, :, None] * a + (1 - board[:, :, None]) * b


def noise(w: int, h: int, rng) -> np.ndarray:
    return rng.uniform(0, 1, size=(h, w, 3))


def text(w: int, h: int, rng) -> np.ndarray:
    """Dark glyph-like blocks in lines on a light page."""
    page = np.full((h, w), rng.uniform(0.85, 1.0))
    line = max(int(rng.integers(6, 12)), 3)
    glyph_h = max(line * 2 // 3, 1)
    for top in range(1, h - 1, line):
        x = int(rng.integers(0, 4))
        while x < w - 1:
            gw = int(rng.integers(1, 6))
            if rng.uniform() < 0.8:
                page[top : top + glyph_h, x : x + gw] = rng.uniform(0.0, 0.3)
            x += gw + int(rng.integers(1, 3)) + (4 if rng.uniform() < 0.15 else 0)
    return np.stack([page] * 3, axis=2)


def flat(w: int, h: int, rng) -> np.ndarray:
    return np.broadcast_to(rng.uniform(0, 1, size=3), (h, w, 3)).copy()


PATTERNS = {
    "gradient": gradient,
    "sines": sines,
    "checker": checker,
    "noise": noise,
    "text": text,
    "flat": flat,
}


def to_u8(a: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(a * 255), 0, 255).astype(np.uint8)


def to_grey(rgb01: np.ndarray) -> np.ndarray:
    return rgb01 @ np.array([0.25, 0.5, 0.25])


def grey3(grey_u8: np.ndarray) -> np.ndarray:
    return np.stack([grey_u8] * 3, axis=2)


def palettize(rgb01: np.ndarray, colours: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Index plane and a random palette; indices follow the pattern's grey."""
    grey = to_grey(rgb01)
    index = np.clip((grey * colours).astype(int), 0, colours - 1).astype(np.uint8)
    palette = rng.integers(0, 256, size=(colours, 3), dtype=np.uint8)
    return index, palette


def scale16(v16: np.ndarray) -> np.ndarray:
    return ((v16.astype(np.uint32) + 128) // 257).astype(np.uint8)


# ---------------------------------------------------------------- writers
# Each writes `path` and returns (the RGB uint8 array to hash, a check array
# read back through Pillow that must equal it, or None when Pillow cannot
# read the file as written).


def write_png_rgb16(path: Path, rgb16: np.ndarray) -> None:
    """A minimal 16-bit RGB PNG (Pillow has no 16-bit RGB mode)."""
    h, w, _ = rgb16.shape
    raw = b"".join(b"\x00" + rgb16[y].astype(">u2").tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    # Check: inflate our own IDAT back.
    back = np.frombuffer(zlib.decompress(path.read_bytes()[8 + 25 + 8 : -12 - 4]), dtype=np.uint8)
    back = back.reshape(h, 1 + w * 6)[:, 1:].copy().view(">u2").reshape(h, w, 3)
    assert np.array_equal(back, rgb16), "16-bit PNG round trip"


def read_back(path: Path) -> np.ndarray:
    """What Pillow decodes, normalised the same way the expectation is."""
    with Image.open(path) as im:
        im.seek(0)
        mode = im.mode
        if mode in ("I;16", "I;16B", "I"):
            return grey3(scale16(np.asarray(im)))
        if mode == "1":
            return grey3(np.asarray(im).astype(np.uint8) * 255)
        if mode == "P":
            pal = np.array(im.getpalette("RGB"), dtype=np.uint8).reshape(-1, 3)
            return pal[np.asarray(im)]
        if mode in ("L", "LA"):
            return grey3(np.asarray(im.convert("L")))
        return np.asarray(im.convert("RGB"))


def build(out: Path) -> list[tuple[str, np.ndarray]]:
    """Writes every image; returns (file name, RGB array to hash)."""
    made: list[tuple[str, np.ndarray]] = []

    def emit(name: str, fed: np.ndarray, checked: bool = True) -> None:
        path = out / name
        if checked:
            back = read_back(path)
            if back.shape != fed.shape or not np.array_equal(back, fed):
                raise SystemExit(f"{name}: Pillow reads back other pixels than intended")
        made.append((name, np.ascontiguousarray(fed, dtype=np.uint8)))

    def rgb(kind, pattern, w, h, ext, **save):
        name = f"{kind}-{pattern}-{w}x{h}.{ext}"
        rng = rng_for(name)
        fed = to_u8(PATTERNS[pattern](w, h, rng))
        Image.fromarray(fed, "RGB").save(out / name, **save)
        emit(name, fed)

    def rgba(kind, pattern, w, h, ext, **save):
        name = f"{kind}-{pattern}-{w}x{h}.{ext}"
        rng = rng_for(name)
        fed = to_u8(PATTERNS[pattern](w, h, rng))
        alpha = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
        alpha[rng.uniform(size=(h, w)) < 0.2] = 0  # fully transparent pixels too
        Image.fromarray(np.dstack([fed, alpha]), "RGBA").save(out / name, **save)
        emit(name, fed)

    def grey(kind, pattern, w, h, ext, alpha=False, **save):
        name = f"{kind}-{pattern}-{w}x{h}.{ext}"
        rng = rng_for(name)
        g = to_u8(to_grey(PATTERNS[pattern](w, h, rng)))
        if alpha:
            a = rng.integers(0, 256, size=(h, w), dtype=np.uint8)
            Image.fromarray(np.dstack([g, a]), "LA").save(out / name, **save)
        else:
            Image.fromarray(g, "L").save(out / name, **save)
        emit(name, grey3(g))

    def palette(kind, pattern, w, h, ext, colours, transparency=False, **save):
        name = f"{kind}-{pattern}-{w}x{h}.{ext}"
        rng = rng_for(name)
        index, pal = palettize(PATTERNS[pattern](w, h, rng), colours, rng)
        im = Image.fromarray(index, "P")
        im.putpalette(pal.flatten().tolist())
        if transparency:
            # tRNS: some palette entries partly or fully transparent.
            save["transparency"] = bytes(rng.integers(0, 256, size=colours, dtype=np.uint8))
        im.save(out / name, **save)
        emit(name, pal[index])

    def grey16(pattern, w, h):
        name = f"png-grey16-{pattern}-{w}x{h}.png"
        rng = rng_for(name)
        v = np.clip(
            np.rint(to_grey(PATTERNS[pattern](w, h, rng)) * 65535 + rng.normal(0, 300, (h, w))),
            0,
            65535,
        ).astype(np.uint16)
        Image.fromarray(v).save(out / name)  # uint16 -> mode I;16
        with Image.open(out / name) as im:
            assert np.array_equal(np.asarray(im).astype(np.uint16), v), name
        emit(name, grey3(scale16(v)))

    def rgb16(pattern, w, h):
        name = f"png-rgb16-{pattern}-{w}x{h}.png"
        rng = rng_for(name)
        v = np.clip(
            np.rint(PATTERNS[pattern](w, h, rng) * 65535 + rng.normal(0, 300, (h, w, 3))),
            0,
            65535,
        ).astype(np.uint16)
        write_png_rgb16(out / name, v)
        emit(name, scale16(v), checked=False)

    def bilevel(pattern, w, h):
        name = f"png-bilevel-{pattern}-{w}x{h}.png"
        rng = rng_for(name)
        bits = to_grey(PATTERNS[pattern](w, h, rng)) > 0.5
        Image.fromarray(bits).save(out / name)  # mode "1", a 1-bit PNG
        emit(name, grey3(bits.astype(np.uint8) * 255))

    def gif_two_frames(w, h):
        name = f"gif-2frames-checker-then-noise-{w}x{h}.gif"
        rng = rng_for(name)
        first, pal = palettize(checker(w, h, rng), 4, rng)
        second = rng.integers(0, 4, size=(h, w), dtype=np.uint8)
        frames = []
        for index in (first, second):
            im = Image.fromarray(index, "P")
            im.putpalette(pal.flatten().tolist())
            frames.append(im)
        frames[0].save(
            out / name, save_all=True, append_images=frames[1:], duration=100, loop=0
        )
        with Image.open(out / name) as im:
            assert im.n_frames == 2, name
        emit(name, pal[first])

    lzw = {"compression": "tiff_lzw"}
    lossless = {"lossless": True, "exact": True, "method": 4}

    # PNG, RGB: sizes from the smallest hashable to long thin strips.
    rgb("png-rgb", "gradient", 64, 64, "png")
    rgb("png-rgb", "noise", 63, 65, "png")
    rgb("png-rgb", "text", 127, 129, "png")
    rgb("png-rgb", "sines", 1000, 7, "png")
    rgb("png-rgb", "sines", 7, 1000, "png")
    rgb("png-rgb", "noise", 5, 5, "png")  # smallest hashable size
    rgb("png-rgb", "noise", 5, 6, "png")
    rgb("png-rgb", "noise", 4, 9, "png")  # too small: zero hash, quality 0
    rgb("png-rgb", "noise", 9, 4, "png")  # too small
    rgb("png-rgb", "flat", 64, 64, "png")  # all coefficients tie
    rgb("png-rgb", "checker", 33, 17, "png")
    rgb("png-rgb", "sines", 301, 211, "png")
    rgb("png-rgb", "gradient", 640, 480, "png")
    # PNG, other colour types.
    rgba("png-rgba", "sines", 127, 129, "png")
    grey("png-grey", "text", 200, 150, "png")
    grey("png-grey", "checker", 64, 64, "png")
    grey("png-greyalpha", "gradient", 63, 65, "png", alpha=True)
    palette("png-palette", "sines", 127, 129, "png", colours=64)
    palette("png-palette-trns", "checker", 64, 64, "png", colours=16, transparency=True)
    grey16("sines", 127, 129)
    rgb16("gradient", 65, 63)
    bilevel("text", 100, 61)
    # GIF: palette colours of the first frame.
    palette("gif", "sines", 127, 129, "gif", colours=256)
    palette("gif", "text", 63, 65, "gif", colours=8)
    gif_two_frames(64, 64)
    # BMP.
    rgb("bmp-rgb", "sines", 127, 129, "bmp")
    rgb("bmp-rgb", "noise", 5, 5, "bmp")
    palette("bmp-palette", "checker", 63, 65, "bmp", colours=16)
    # TIFF.
    rgb("tiff-rgb", "sines", 127, 129, "tiff", **lzw)
    grey("tiff-grey", "gradient", 63, 65, "tiff", **lzw)
    rgba("tiff-rgba", "noise", 64, 64, "tiff", **lzw)
    # Lossless WebP.
    rgb("webp-rgb", "sines", 127, 129, "webp", **lossless)
    rgba("webp-rgba", "text", 63, 65, "webp", **lossless)
    rgb("webp-rgb", "noise", 1000, 7, "webp", **lossless)
    return made


def bits_to_hex(vector) -> str:
    return "%064x" % int("".join(str(int(b)) for b in vector), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "testdata")
    args = parser.parse_args()
    if pdqhash.__version__ != REFERENCE_PDQHASH:
        print(
            f"make_synthetic.py: pdqhash {pdqhash.__version__} is installed; expected "
            f"hashes must come from {REFERENCE_PDQHASH} (pip install pdqhash=={REFERENCE_PDQHASH})",
            file=sys.stderr,
        )
        return 2

    images = args.out / "synthetic"
    images.mkdir(parents=True, exist_ok=True)
    for old in images.iterdir():
        old.unlink()
    made = build(images)

    rows = []
    for name, fed in sorted(made):
        vector, quality = pdqhash.compute(fed)
        vectors, quality_dih = pdqhash.compute_dihedral(fed)
        dihedral = [bits_to_hex(v) for v in vectors]
        # One quality column serves both; they agree (checked here).
        assert quality == quality_dih, name
        if fed.shape[:2] != (64, 64):
            assert bits_to_hex(vector) == dihedral[0], name
        else:
            # Meta's pdqHash256FromFloatLuma skips the blur for input of
            # exactly 64x64; pdqDihedralHash256esFromFloatLuma always blurs.
            print(
                f"{name}: 64x64, compute {bits_to_hex(vector)} q{quality} vs "
                f"compute_dihedral {dihedral[0]} q{quality_dih}"
            )
        rows.append([f"synthetic/{name}", bits_to_hex(vector), int(quality), "|".join(dihedral)])
    with open(args.out / "pdq-expected.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["path", "hash", "quality", "dihedral"])
        writer.writerows(rows)

    total = sum((images / name).stat().st_size for name, _ in made)
    print(f"make_synthetic.py: {len(rows)} images, {total} bytes, in {images}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
