"""A provider-style PySpark job: hash every image under a folder with PDQ and
match it against an indicator file, on as many executors as the cluster has.

    spark-submit --py-files kenmerk_job.py kenmerk_job.py \
        --index order.kmk --images s3a://bucket/uploads/ --out matches/

How it scales out: Spark lists and reads the images (`binaryFile` source),
`mapInPandas` hands each Python worker batches of (path, bytes), and the
worker hashes a whole batch in one `kenmerk.hash_images` call (which releases
the GIL and uses every core of the executor) and matches it in one
`Index.match_many` call. The indicator file is shipped to every executor
with `SparkContext.addFile` and opened once per Python worker process, on
first use, into a module-level cache (`_index`); Spark reuses its Python
workers, so later batches and tasks find it open. Opening maps the file, so
the workers of an executor share its pages through the page cache.

Output rows: `path, indicator, distance, quality` for matches only; files that
match nothing leave no trace (their hashes are not kept). A file that cannot
be hashed gives a row with `error` set, so the job can report it.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Iterator, Optional

import pandas as pd

# Extensions `kenmerk match` takes from a folder (case-insensitive).
IMAGE_EXTENSIONS = ("jpg", "jpeg", "jpe", "jfif", "png", "webp", "gif", "bmp", "dib", "tif", "tiff")

OUTPUT_SCHEMA = "path string, indicator long, distance int, quality int, error string"
OUTPUT_COLUMNS = ["path", "indicator", "distance", "quality", "error"]

# Per Python worker process: the open indicator file and how often one was
# opened (the test checks that it is once per worker).
_INDEX = None
_INDEX_NAME: Optional[str] = None
_OPENS = 0


def _index(name: str):
    """The indicator file shipped as `name`, opened on first use in this
    worker process and kept for every later batch and task."""
    global _INDEX, _INDEX_NAME, _OPENS
    if _INDEX is None or _INDEX_NAME != name:
        import kenmerk
        from pyspark import SparkFiles

        _INDEX = kenmerk.Index(SparkFiles.get(name))
        _INDEX_NAME = name
        _OPENS += 1
    return _INDEX


def _local_path(uri: str) -> str:
    """`file:/a/b.png` -> `/a/b.png`; other schemes are kept as they are."""
    return uri[len("file:"):] if uri.startswith("file:") else uri


def match_batches(index_name: str, radius: int, dihedral: bool):
    """The function mapInPandas runs on each partition."""

    def run(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import kenmerk

        index = _index(index_name)
        for batch in batches:
            paths = [_local_path(p) for p in batch["path"]]
            hashed = kenmerk.hash_images(list(batch["content"]), dihedral=dihedral)
            rows, queries, owners = [], [], []
            for path, result in zip(paths, hashed):
                if isinstance(result, kenmerk.KenmerkError):
                    rows.append((path, None, None, None, f"{result.kind}: {result}"))
                    continue
                hashes, quality = result
                if quality < kenmerk.QUALITY_THRESHOLD:
                    continue  # too little detail to match: PDQ's rule
                queries.append(hashes)
                owners.append((path, quality))
            found = index.match_many(queries, radius=radius, dihedral=dihedral)
            for (path, quality), matches in zip(owners, found):
                for indicator, distance in matches:
                    rows.append((path, indicator, distance, quality, None))
            yield pd.DataFrame(rows, columns=OUTPUT_COLUMNS).astype(
                {"indicator": "Int64", "distance": "Int32", "quality": "Int32"}
            )

    return run


def match_folder(spark, images: str, index_path: str, radius: int = 31, dihedral: bool = False):
    """A DataFrame of the matches (and errors) of every image under `images`."""
    sc = spark.sparkContext
    sc.addFile(os.path.abspath(index_path))
    sc.addPyFile(os.path.abspath(__file__))
    pattern = r"(?i)\.(" + "|".join(IMAGE_EXTENSIONS) + r")$"
    files = (
        spark.read.format("binaryFile")
        .option("recursiveFileLookup", "true")
        .load(images)
        .select("path", "content")
        .where(f"path rlike '{pattern}'")
    )
    name = os.path.basename(index_path)
    return files.mapInPandas(match_batches(name, radius, dihedral), OUTPUT_SCHEMA)


def session(app: str = "kenmerk-match", master: Optional[str] = None):
    """A Spark session set up for this job: small Arrow batches (images are
    large rows) and the same Python on driver and workers."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
    return (
        builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
        .config("spark.python.worker.reuse", "true")
        .getOrCreate()
    )


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="indicator file (.kmk)")
    parser.add_argument("--images", required=True, help="folder of images (any Hadoop path)")
    parser.add_argument("--out", required=True, help="output folder for the matches (CSV)")
    parser.add_argument("--radius", type=int, default=31)
    parser.add_argument("--dihedral", action="store_true", help="also match rotations and mirrors")
    parser.add_argument("--master", help="e.g. local[*]; default: whatever spark-submit sets")
    args = parser.parse_args(argv)

    spark = session(master=args.master)
    result = match_folder(spark, args.images, args.index, args.radius, args.dihedral).cache()
    result.where("error is null").drop("error").write.mode("overwrite").csv(args.out, header=True)
    errors = result.where("error is not null").select("path", "error").collect()
    for row in errors:
        print(f"kenmerk_job: {row.path}: {row.error}", file=sys.stderr)
    spark.stop()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
