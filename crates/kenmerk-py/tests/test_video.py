"""Videos from Python: vPDQ hashes equal `kenmerk hash --video`, matches
equal `kenmerk match --video`, and bad files and arguments raise (or, in
the batch form, are returned as) KenmerkError / ValueError."""

import subprocess

import pytest

import kenmerk
from conftest import SHARED, run_cli

VIDEOS = SHARED / "corpus" / "video"


@pytest.fixture(scope="module")
def videos():
    if not VIDEOS.is_dir():
        pytest.skip(f"{VIDEOS} is absent")
    return VIDEOS


def cli_lines(cli, path):
    done = subprocess.run(
        [str(cli), "hash", "--video", str(path)], capture_output=True, text=True, check=True
    )
    return done.stdout.splitlines()


def as_line(frame):
    number, quality, hex_hash, timestamp = frame
    return f"{number},{quality},{hex_hash},{timestamp:.3f}"


def test_hash_video_equals_the_cli(cli, videos):
    path = videos / "bikes.mp4"
    frames = kenmerk.hash_video(path)
    assert [as_line(f) for f in frames] == cli_lines(cli, path)
    keyframes = kenmerk.hash_video(str(path), keyframes=True)
    assert keyframes and [f[0] for f in keyframes] == sorted({f[0] for f in keyframes})


def test_match_video_equals_the_cli(cli, videos, tmp_path):
    lists = []
    for name in ("bikes.mp4", "carphone_pristine.mp4"):
        listing = tmp_path / f"{name}.vpdq"
        listing.write_text("\n".join(cli_lines(cli, videos / name)) + "\n")
        lists.append(str(listing))
    db = tmp_path / "videos.kmk"
    subprocess.run(
        [str(cli), "db", "import", "--out", str(db), "--vpdq", *lists],
        capture_output=True,
        check=True,
    )
    clips = [videos / n for n in ("bikes.mp4", "carphone_distorted.mp4", "tree.avi")]
    want = run_cli(cli, "match", "--db", str(db), "--video", *map(str, clips))
    index = kenmerk.Index(db)
    got = []
    for clip, frames in zip(clips, kenmerk.hash_videos(clips)):
        for indicator, query_matched, indicator_matched in index.match_video(frames):
            got.append([str(clip), str(indicator), f"{query_matched:.2f}", f"{indicator_matched:.2f}"])
    assert got == want
    assert [row[1] for row in got] == ["0", "1"]
    # Thresholds over 100 % match nothing.
    bikes = kenmerk.hash_video(clips[0])
    assert index.match_video(bikes, query_threshold=100.5) == []
    assert index.match_video([]) == []


def test_bad_files_and_arguments(cli, videos, tmp_path):
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypmp42 not a video at all")
    with pytest.raises(kenmerk.KenmerkError) as caught:
        kenmerk.hash_video(junk)
    assert caught.value.path == str(junk)
    assert caught.value.kind in ("decode", "unsupported")
    results = kenmerk.hash_videos([junk, videos / "carphone_distorted.mp4", tmp_path / "absent.mp4"])
    assert isinstance(results[0], kenmerk.KenmerkError)
    assert isinstance(results[1], list) and results[1]
    assert isinstance(results[2], kenmerk.KenmerkError) and results[2].kind == "io"
    with pytest.raises(ValueError):
        kenmerk.hash_video(junk, seconds_per_hash=-1)
    frames = kenmerk.hash_video(videos / "carphone_distorted.mp4")
    index_path = tmp_path / "empty.kmk"
    hash_list = tmp_path / "empty.txt"
    hash_list.write_text(frames[0][2] + "\n")
    subprocess.run([str(cli), "db", "import", "--hashes", str(hash_list), "--out", str(index_path)], check=True)
    index = kenmerk.Index(index_path)
    assert index.match_video(frames) == [], "image indicators are not video matches"
    with pytest.raises(ValueError):
        index.match_video([(0, 101, frames[0][2], 0.0)])
    with pytest.raises(ValueError):
        index.match_video([(0, 90, "not hex", 0.0)])
    with pytest.raises(ValueError):
        index.match_video(frames, query_threshold=float("nan"))
