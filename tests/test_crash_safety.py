"""Killing a sync at any moment leaves either the old or the new complete workbook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from benchmarks.bench_sync import TODAY, generate
from sheets_sync.failpoints import FAILPOINT_ENV, POINTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> tuple[Path, bytes, bytes]:
    folder = tmp_path_factory.mktemp("crash")
    original = folder / "original.xlsx"
    # A named failpoint stops the sync at its moment whatever the size, so a small book will do.
    generate(original, contacts=1500, interactions=4500)
    synced = folder / "synced" / "book.xlsx"
    synced.parent.mkdir()
    shutil.copy(original, synced)
    run_sync(synced).wait(timeout=300)
    return original, original.read_bytes(), synced.read_bytes()


def run_sync(path: Path, failpoint: str = "") -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != FAILPOINT_ENV}
    if failpoint:
        env[FAILPOINT_ENV] = failpoint
    return subprocess.Popen(
        [sys.executable, "-m", "sheets_sync.cli", "sync", str(path), "--today", TODAY.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )


def test_the_synced_output_is_deterministic(books, tmp_path: Path) -> None:
    original, _, new = books
    path = tmp_path / "book.xlsx"
    shutil.copy(original, path)
    assert run_sync(path).wait(timeout=300) == 0
    assert path.read_bytes() == new


@pytest.mark.parametrize("moment", POINTS)
def test_kill_9_at_any_moment_leaves_old_or_new(books, tmp_path: Path, moment: str) -> None:
    original, old, new = books
    path = tmp_path / "book.xlsx"
    shutil.copy(original, path)
    # The process kills itself at that named moment, so each case proves which moment it hit.
    assert run_sync(path, failpoint=f"{moment}=kill").wait(timeout=300) == -9
    assert path.read_bytes() == (new if moment == "after-rename" else old)
    openpyxl.load_workbook(path, read_only=True).close()
    # the next run completes normally over whatever was left behind
    assert run_sync(path).wait(timeout=300) == 0
    assert path.read_bytes() == new
