"""Shared fixtures: the repository, the reference data in ../shared and the
`kenmerk` command whose output the bindings must reproduce."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
THREATEXCHANGE = SHARED / "testdata" / "threatexchange"


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The kenmerk binary (KENMERK_CLI, else target/debug/kenmerk)."""
    path = pathlib.Path(os.environ.get("KENMERK_CLI", ROOT / "target" / "debug" / "kenmerk"))
    if not path.is_file():
        pytest.fail(f"{path} is missing: build it with `cargo build -p kenmerk-cli`")
    return path


@pytest.fixture(scope="session")
def threatexchange() -> pathlib.Path:
    if not THREATEXCHANGE.is_dir():
        pytest.skip(f"{THREATEXCHANGE} is absent")
    return THREATEXCHANGE


def run_cli(cli: pathlib.Path, *args: str) -> list[list[str]]:
    """Runs the CLI and returns its CSV rows without the header (paths in
    our data hold no commas)."""
    done = subprocess.run([str(cli), *args], capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise AssertionError(f"kenmerk {' '.join(args)} failed: {done.stderr}")
    lines = done.stdout.splitlines()
    if lines and lines[0].startswith(("hash,", "path,")):
        lines = lines[1:]
    return [line.split(",") for line in lines if line]
