"""The Python bindings give the same hashes and matches as the `kenmerk`
command on the same files, and bit-exact hashes against Meta's reference;
bad input raises (or, in a batch, returns) KenmerkError with its kind."""

import csv
import pathlib
import subprocess
import threading

import pytest

import kenmerk
from conftest import ROOT, run_cli

SYNTHETIC = ROOT / "testdata" / "synthetic"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"}


def images(folder: pathlib.Path) -> list[pathlib.Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


@pytest.fixture(scope="session")
def files(threatexchange) -> list[pathlib.Path]:
    return images(SYNTHETIC) + images(threatexchange / "pdq" / "data")


@pytest.fixture(scope="session")
def index_path(cli, threatexchange, tmp_path_factory) -> pathlib.Path:
    """An indicator file of Meta's expected hashes, built by the CLI."""
    table = threatexchange / "pdq" / "expected" / "generated-pdqhash-0.2.8.csv"
    out = tmp_path_factory.mktemp("index")
    with open(table, newline="") as f:
        rows = [f"{r['pdq_pytx']},{r['quality_pytx']}" for r in csv.DictReader(f)]
    # Also the synthetic images' own hashes, so they have matches too.
    rows += [f"{h},{q}" for h, q, _ in run_cli(cli, "hash", str(SYNTHETIC))]
    (out / "known.csv").write_text("\n".join(rows) + "\n")
    subprocess.run(
        [str(cli), "db", "import", "--hashes", str(out / "known.csv"), "--out", str(out / "known.kmk")],
        check=True,
        capture_output=True,
    )
    return out / "known.kmk"


def test_hashes_equal_the_cli(cli, files):
    expected = {row[2]: (row[0], int(row[1])) for row in run_cli(cli, "hash", *map(str, files))}
    assert len(expected) == len(files), "the CLI hashed every file"
    for path in files:
        assert kenmerk.hash_image(str(path)) == expected[str(path)], path
        assert kenmerk.hash_image(path.read_bytes()) == expected[str(path)], path
    batch = kenmerk.hash_images([str(p) for p in files])
    assert batch == [expected[str(p)] for p in files]


def test_dihedral_hashes_equal_the_cli(cli, files):
    rows = run_cli(cli, "hash", "--dihedral", *map(str, files))
    expected = {row[2]: (row[3].split("|"), int(row[1])) for row in rows}
    for path in files:
        assert kenmerk.hash_image_dihedral(path) == expected[str(path)], path
    batch = kenmerk.hash_images([p.read_bytes() for p in files], dihedral=True)
    assert batch == [expected[str(p)] for p in files]


def test_pngs_hash_bit_exact_with_meta(threatexchange):
    quirks = {"pdq/data/misc-images/modes/P.png", "pdq/data/misc-images/modes/1.png",
              "python-threatexchange/tests-hashing-resources/I16.png"}
    table = threatexchange / "pdq" / "expected" / "generated-pdqhash-0.2.8.csv"
    checked = 0
    with open(table, newline="") as f:
        for row in csv.DictReader(f):
            if not row["path"].endswith(".png") or row["path"] in quirks:
                continue
            got = kenmerk.hash_image(threatexchange / row["path"])
            assert got == (row["pdq_pytx"], int(row["quality_pytx"])), row["path"]
            dihedral = row["notes"].rsplit("=", 1)[1].strip().split("|")
            assert kenmerk.hash_image_dihedral(threatexchange / row["path"])[0] == dihedral
            checked += 1
    assert checked == 7


@pytest.mark.parametrize("dihedral", [False, True])
def test_matches_equal_the_cli(cli, files, index_path, dihedral):
    flag = ["--dihedral"] if dihedral else []
    cli_rows = run_cli(cli, "match", "--db", str(index_path), *flag, *map(str, files))
    expected = [(path, int(ind), int(dist), int(q)) for path, ind, dist, q in cli_rows]

    index = kenmerk.Index(index_path)
    got_single, matchable = [], []
    for path in files:
        hashes, quality = (kenmerk.hash_image_dihedral if dihedral else kenmerk.hash_image)(path)
        if quality < kenmerk.QUALITY_THRESHOLD:
            continue
        matchable.append((path, hashes, quality))
        for indicator, distance in index.match(hashes, radius=31, dihedral=dihedral):
            got_single.append((str(path), indicator, distance, quality))
    assert got_single == expected
    assert len(expected) > len(files) // 2, "the data has plenty of matches"

    many = index.match_many([h for _, h, _ in matchable], dihedral=dihedral)
    got_many = [
        (str(path), indicator, distance, quality)
        for (path, _, quality), matches in zip(matchable, many)
        for indicator, distance in matches
    ]
    assert got_many == expected


def test_radius_and_order(index_path, threatexchange):
    index = kenmerk.Index(index_path)
    hex_, _ = kenmerk.hash_image(threatexchange / "pdq/data/bridge-mods/aaa-orig.jpg")
    wide = index.match(hex_, radius=64)
    assert wide == sorted(wide, key=lambda m: (m[1], m[0]))
    assert [m for m in wide if m[1] <= 31] == index.match(hex_)
    assert index.match(hex_, radius=0) == [m for m in wide if m[1] == 0]


def test_bad_input_raises_with_kind_and_path(tmp_path):
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.hash_image(b"definitely not an image")
    assert err.value.kind == "unsupported" and err.value.path is None
    truncated = (SYNTHETIC / "png-rgb-gradient-640x480.png").read_bytes()[:200]
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.hash_image(truncated)
    assert err.value.kind == "decode"
    missing = tmp_path / "missing.png"
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.hash_image(missing)
    assert err.value.kind == "io" and err.value.path == str(missing)
    with pytest.raises(TypeError):
        kenmerk.hash_image(42)


def test_a_batch_keeps_going_past_bad_inputs(tmp_path):
    good = SYNTHETIC / "png-rgb-gradient-640x480.png"
    out = kenmerk.hash_images([good, b"junk", tmp_path / "missing.png", good.read_bytes()])
    assert out[0] == out[3] == kenmerk.hash_image(good)
    assert isinstance(out[1], kenmerk.KenmerkError) and out[1].kind == "unsupported"
    assert isinstance(out[2], kenmerk.KenmerkError) and out[2].kind == "io"
    assert kenmerk.hash_images([]) == []


def test_index_errors(tmp_path, index_path):
    junk = tmp_path / "junk.kmk"
    junk.write_bytes(b"KMK? not really" * 10)
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.Index(junk)
    assert err.value.kind == "corrupt" and err.value.path == str(junk)
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.Index(tmp_path / "none.kmk")
    assert err.value.kind == "io"
    index = kenmerk.Index(index_path)
    index.verify()
    with pytest.raises(ValueError):
        index.match("abc")
    with pytest.raises(TypeError):
        index.match("0" * 64, dihedral=True)
    with pytest.raises(ValueError):
        index.match(["0" * 64] * 7, dihedral=True)
    assert len(index) > 52 and "indicators=" in repr(index)


def test_one_index_shared_by_threads(index_path, files):
    """The same Index searched from several Python threads at once gives the
    same answers as one thread."""
    index = kenmerk.Index(index_path)
    queries = [h for h, q in kenmerk.hash_images(files) if q >= kenmerk.QUALITY_THRESHOLD]
    expected = index.match_many(queries)
    results = [None] * 4

    def work(slot):
        results[slot] = [index.match(q) for q in queries]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_issued_files_check_period_and_key(cli, index_path, tmp_path):
    def kenmerk_cli(*args):
        subprocess.run([str(cli), *args], check=True, capture_output=True)

    kenmerk_cli("keygen", "--out", str(tmp_path / "centre"))
    kenmerk_cli("keygen", "--out", str(tmp_path / "other"))
    periods = {"current": ("2020-01-01", "2999-12-31"), "expired": ("2020-01-01", "2020-12-31"),
               "future": ("2999-01-01", "2999-12-31")}
    for name, (start, end) in periods.items():
        kenmerk_cli("db", "issue", "--db", str(index_path), "--to", "provider", "--valid-from", start,
                    "--valid-until", end, "--key", str(tmp_path / "centre.key"),
                    "--out", str(tmp_path / f"{name}.kmk"))
    centre = tmp_path / "centre.pub"
    index = kenmerk.Index(tmp_path / "current.kmk", pubkey=centre)
    assert len(index) == len(kenmerk.Index(index_path))
    for name, kind in [("expired", "expired"), ("future", "not_yet_valid")]:
        with pytest.raises(kenmerk.KenmerkError) as err:
            kenmerk.Index(tmp_path / f"{name}.kmk", pubkey=centre)
        assert err.value.kind == kind
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.Index(tmp_path / "current.kmk", pubkey=tmp_path / "other.pub")
    assert err.value.kind == "signature"
    with pytest.raises(kenmerk.KenmerkError) as err:
        kenmerk.Index(index_path, pubkey=centre)
    assert err.value.kind == "signature" and "not signed" in str(err.value)
