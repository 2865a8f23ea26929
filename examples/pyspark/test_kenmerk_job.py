"""Runs the PySpark job in local mode and checks that its matches equal
`kenmerk match` on the same folder, and that each Python worker opened the
indicator file once however many partitions it ran."""

import pathlib
import subprocess
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "crates" / "kenmerk-py" / "tests"))

from conftest import cli, run_cli, threatexchange  # noqa: E402,F401  (fixtures)

import kenmerk_job  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = kenmerk_job.session(app="kenmerk-job-test", master="local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def folder_and_index(cli, threatexchange, tmp_path_factory):
    """The PDQ sample folder, plus a few junk and low-quality files, and an
    indicator file built by the CLI from the repository's synthetic PNGs and
    half of the folder's own images."""
    folder = tmp_path_factory.mktemp("uploads")
    data = threatexchange / "pdq" / "data"
    for i, src in enumerate(sorted(data.rglob("*.*"))):
        if src.suffix.lower() in (".png", ".jpg", ".jpeg"):
            (folder / f"{i:02d}-{src.name}").write_bytes(src.read_bytes())
    (folder / "junk.png").write_bytes(b"not an image at all")
    (folder / "notes.txt").write_text("not an image and not taken")
    known = [f"{h},{q}" for h, q, _ in run_cli(cli, "hash", str(ROOT / "testdata" / "synthetic"))]
    own = run_cli(cli, "hash", str(folder))
    known += [f"{h},{q}" for h, q, _ in own[::2]]
    (folder.parent / "known.csv").write_text("\n".join(known) + "\n")
    index = folder.parent / "known.kmk"
    subprocess.run(
        [str(cli), "db", "import", "--hashes", str(folder.parent / "known.csv"), "--out", str(index)],
        check=True,
        capture_output=True,
    )
    return folder, index


@pytest.mark.parametrize("dihedral", [False, True])
def test_job_matches_equal_kenmerk_match(spark, cli, folder_and_index, dihedral):
    folder, index = folder_and_index
    flag = ["--dihedral"] if dihedral else []
    expected = sorted(
        (path, int(ind), int(dist), int(q))
        for path, ind, dist, q in run_cli(cli, "match", "--db", str(index), *flag, str(folder))
    )
    rows = kenmerk_job.match_folder(spark, str(folder), str(index), 31, dihedral).collect()
    got = sorted((r.path, r.indicator, r.distance, r.quality) for r in rows if r.error is None)
    errors = [(pathlib.Path(r.path).name, r.error.split(":")[0]) for r in rows if r.error]
    assert len(expected) > 10
    assert got == expected
    assert errors == [("junk.png", "unsupported")]


def test_index_opened_once_per_worker(spark, folder_and_index):
    """Eight partitions on two Python workers: each worker opens the file
    once and reuses it."""
    _, index = folder_and_index
    spark.sparkContext.addFile(str(index))
    name = index.name

    def opens(rows):
        import os

        for _ in range(3):
            kenmerk_job._index(name)
        yield os.getpid(), kenmerk_job._OPENS

    per_partition = spark.sparkContext.parallelize(range(8), 8).mapPartitions(opens).collect()
    assert len(per_partition) == 8
    assert {count for _, count in per_partition} == {1}, per_partition
