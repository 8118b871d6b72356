"""Killing a sync at any moment leaves either the old or the new complete workbook."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from benchmarks.bench_sync import TODAY, generate


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> tuple[Path, bytes, bytes]:
    folder = tmp_path_factory.mktemp("crash")
    original = folder / "original.xlsx"
    generate(original, contacts=4000, interactions=12000)
    synced = folder / "synced" / "book.xlsx"
    synced.parent.mkdir()
    shutil.copy(original, synced)
    run_sync(synced).wait(timeout=300)
    return original, original.read_bytes(), synced.read_bytes()


def run_sync(path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sheets_sync.cli", "sync", str(path), "--today", TODAY.isoformat()],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_the_synced_output_is_deterministic(books, tmp_path: Path) -> None:
    original, _, new = books
    path = tmp_path / "book.xlsx"
    shutil.copy(original, path)
    assert run_sync(path).wait(timeout=300) == 0
    assert path.read_bytes() == new


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5, 3.5, 5.0])
def test_kill_9_at_any_moment_leaves_old_or_new(books, tmp_path: Path, delay: float) -> None:
    original, old, new = books
    path = tmp_path / "book.xlsx"
    shutil.copy(original, path)
    process = run_sync(path)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert path.read_bytes() in (old, new)
    openpyxl.load_workbook(path, read_only=True).close()
    # the next run completes normally over whatever was left behind
    assert run_sync(path).wait(timeout=300) == 0
    assert path.read_bytes() == new
