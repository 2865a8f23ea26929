#!/usr/bin/env python3
"""Dump the exact pixels Meta's reference pipeline hashed, with its hashes.

The reference hashes in ../shared were computed by python-threatexchange's
pipeline: Pillow decodes the file (no EXIF transpose), `LA` and `I;16` images
are converted to RGB, 2-D arrays are replicated into three channels, and the
array goes to PyPI `pdqhash` 0.2.8 (Meta's C++ PDQ). JPEG and WebP decoders
differ by a level here and there, so comparing kenmerk's hash of a JPEG with
that reference mixes decoder noise into the comparison. This script removes
the decoder from the question: for every reference image it writes the array
that was hashed as a lossless RGB PNG, together with what `pdqhash` gives on
that same array. kenmerk's conformance test then hashes those PNGs and must
agree on every bit, hash, quality and all eight dihedral hashes.

Output (default `target/reference-pixels/` under the workspace; not committed):

  index.csv   kind,source,png,hash,quality,dihedral
              kind    `pytx`: the array python-threatexchange hashes;
                      `pil-convert-rgb`: Pillow's convert("RGB") of the image
                      (for the PIL-mode quirk files: P, 1, I;16, CMYK);
                      `scaled-16to8`: a 16-bit grey image scaled to 8 bits as
                      round(v * 255 / 65535), i.e. (v + 128) // 257, which is
                      what the `image` crate does.
              source  `threatexchange/<path>` or `corpus/<path>`, relative to
                      the reference set's folder in ../shared
              png     the dumped file, relative to the output folder
              dihedral  8 hashes joined by `|` (Meta's order: orig, rot90,
                      rot180, rot270, flipx, flipy, flipplus1, flipminus1)
  <set>/<path>.<kind>.png

Each `pytx` row is also checked against the hash stored in ../shared; the
script prints how many it reproduced and exits non-zero if any differ (that
would mean this script does not decode as the reference pipeline did).

Usage: python3 tools/reference/dump_pixels.py [--shared DIR] [--out DIR] [--jobs N]
Needs pdqhash==0.2.8, pillow and numpy: run it with the python that
`bash tools/reference/venv.sh` prints (a venv under target/).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

try:
    import numpy as np
    import pdqhash
    from PIL import Image
except ImportError as err:  # pragma: no cover - environment check
    sys.exit(
        f"dump_pixels.py: missing Python dependency ({err}).\n"
        "Install them with: pip install pdqhash==0.2.8 pillow numpy"
    )

REPO = Path(__file__).resolve().parents[2]
TX_CSV = "testdata/threatexchange/pdq/expected/generated-pdqhash-0.2.8.csv"
CORPUS_CSV = "corpus/photos-pdq-reference.csv"
REFERENCE_PDQHASH = "0.2.8"
# Files whose PIL mode makes the reference pipeline hash something other than
# the image's colours; for these the Pillow RGB conversion is dumped too.
QUIRK_FILES = {
    "threatexchange/pdq/data/misc-images/modes/P.png",
    "threatexchange/pdq/data/misc-images/modes/1.png",
    "threatexchange/pdq/data/misc-images/modes/CMYK.jpg",
    "threatexchange/python-threatexchange/tests-hashing-resources/I16.png",
}


def bits_to_hex(vector) -> str:
    """pdqhash returns 256 bits, most significant first, as Meta prints them."""
    return "%064x" % int("".join(str(int(b)) for b in vector), 2)


def pytx_array(image: Image.Image) -> np.ndarray:
    """The array python-threatexchange hands to pdqhash.compute."""
    if image.mode in ("LA", "I;16"):
        image = image.convert("RGB")
    array = np.asarray(image)
    if array.dtype == np.bool_:
        # Mode "1": python-threatexchange itself fails on the bool array; the
        # reference CSV hashed it as 0/1 levels.
        array = array.astype(np.uint8)
    if array.ndim == 2:
        array = np.concatenate([array[..., np.newaxis]] * 3, axis=2)
    return array


def hashes(array: np.ndarray) -> tuple[str, int, list[str]]:
    array = np.ascontiguousarray(array)
    vector, quality = pdqhash.compute(array)
    vectors, quality_dih = pdqhash.compute_dihedral(array)
    dihedral = [bits_to_hex(v) for v in vectors]
    primary = bits_to_hex(vector)
    if primary != dihedral[0] or quality != quality_dih:
        raise RuntimeError("pdqhash.compute and compute_dihedral disagree")
    return primary, int(quality), dihedral


def variants(source: str, path: Path) -> list[tuple[str, np.ndarray]]:
    with Image.open(path) as image:
        image.load()
        out = [("pytx", pytx_array(image))]
        if source in QUIRK_FILES:
            out.append(("pil-convert-rgb", np.asarray(image.convert("RGB"))))
            if image.mode.startswith("I;16"):
                wide = np.asarray(image).astype(np.uint32)
                grey = ((wide + 128) // 257).astype(np.uint8)
                out.append(("scaled-16to8", np.stack([grey] * 3, axis=2)))
    return out


def dump_one(job: tuple[str, str, str]) -> list[dict]:
    source, file, out_dir = job
    rows = []
    for kind, array in variants(source, Path(file)):
        rgb = np.ascontiguousarray(array[:, :, :3], dtype=np.uint8)
        rel = f"{source}.{kind}.png"
        target = Path(out_dir) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".png.tmp")
        Image.fromarray(rgb, "RGB").save(tmp, format="PNG", compress_level=1)
        # The PNG must hold exactly the array that was hashed.
        with Image.open(tmp) as back:
            if back.mode != "RGB" or not np.array_equal(np.asarray(back), rgb):
                raise RuntimeError(f"{rel}: PNG round trip changed the pixels")
        os.replace(tmp, target)
        hash_hex, quality, dihedral = hashes(rgb)
        if array.shape[2] > 3:
            # Alpha and the fourth CMYK plane never reach the hash.
            full = hashes(array)
            if full[0] != hash_hex or full[1] != quality:
                raise RuntimeError(f"{rel}: dropping channels 4+ changed the hash")
        rows.append(
            {
                "kind": kind,
                "source": source,
                "png": rel,
                "hash": hash_hex,
                "quality": quality,
                "dihedral": "|".join(dihedral),
            }
        )
    return rows


def reference_rows(shared: Path) -> list[tuple[str, Path, str, int, list[str]]]:
    """(source, file, expected hash, expected quality, expected dihedral)."""
    refs = []
    tx_root = shared / "testdata/threatexchange"
    with open(shared / TX_CSV, newline="") as f:
        for row in csv.DictReader(f):
            dihedral = row["notes"].rsplit("=", 1)[1].split("|")
            refs.append(
                (
                    "threatexchange/" + row["path"],
                    tx_root / row["path"],
                    row["pdq_pytx"],
                    int(row["quality_pytx"]),
                    dihedral,
                )
            )
    corpus_root = shared / "corpus"
    with open(shared / CORPUS_CSV, newline="") as f:
        for row in csv.reader(f):
            hash_hex, quality, path, dihedral = row
            refs.append(
                (
                    "corpus/" + path,
                    corpus_root / path,
                    hash_hex,
                    int(quality),
                    dihedral.split("|"),
                )
            )
    return refs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=Path(os.environ.get("KENMERK_SHARED", REPO.parent / "shared")),
        help="the shared reference folder (default: $KENMERK_SHARED or ../shared)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(
            os.environ.get("KENMERK_REFERENCE_PIXELS", REPO / "target/reference-pixels")
        ),
        help="output folder (default: $KENMERK_REFERENCE_PIXELS or target/reference-pixels)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()

    if pdqhash.__version__ != REFERENCE_PDQHASH:
        print(
            f"dump_pixels.py: pdqhash {pdqhash.__version__} is installed; the reference "
            f"hashes came from {REFERENCE_PDQHASH} (pip install pdqhash=={REFERENCE_PDQHASH})",
            file=sys.stderr,
        )
        return 2
    if not (args.shared / TX_CSV).is_file() or not (args.shared / CORPUS_CSV).is_file():
        print(f"dump_pixels.py: reference data not found under {args.shared}", file=sys.stderr)
        return 2

    refs = reference_rows(args.shared)
    out_dir = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.csv"
    # A partial dump must never look complete: the index is written last.
    index.unlink(missing_ok=True)

    start = time.monotonic()
    jobs = [(source, str(file), str(out_dir)) for source, file, *_ in refs]
    if args.jobs > 1:
        from multiprocessing import Pool

        with Pool(args.jobs) as pool:
            results = pool.map(dump_one, jobs, chunksize=4)
    else:
        results = [dump_one(job) for job in jobs]
    rows = [row for result in results for row in result]

    mismatches = []
    for (source, _, want_hash, want_quality, want_dihedral), result in zip(refs, results):
        got = result[0]
        if (got["hash"], got["quality"], got["dihedral"].split("|")) != (
            want_hash,
            want_quality,
            want_dihedral,
        ):
            mismatches.append(source)

    tmp = index.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="") as f:
        writer = csv.DictWriter(
            f, fieldnames=["kind", "source", "png", "hash", "quality", "dihedral"]
        )
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, index)

    elapsed = time.monotonic() - start
    print(
        f"dump_pixels.py: {len(rows)} PNGs from {len(refs)} reference images in {out_dir} "
        f"({elapsed:.1f} s); the pytx pipeline reproduced {len(refs) - len(mismatches)}/"
        f"{len(refs)} stored reference hashes (hash, quality, 8 dihedral)"
    )
    for source in mismatches:
        print(f"  differs from the stored reference: {source}", file=sys.stderr)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
