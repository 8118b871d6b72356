"""The start-up benchmark runs (its numbers live in the README, never in a test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_startup_benchmark_times_today_a_first_sync_and_a_no_op(tmp_path: Path) -> None:
    results = tmp_path / "startup.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_startup.py"), "--runs", "1",
                    "--workdir", str(tmp_path / "work"), "--json", str(results)],
                   check=True, capture_output=True, text=True, cwd=ROOT, timeout=300)
    found = json.loads(results.read_text(encoding="utf-8"))["results"]
    assert set(found) == {"today", "first sync", "no-op re-sync"}
    assert all(times["cpu"] > 0 and times["wall"] > 0 for times in found.values())
