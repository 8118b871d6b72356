"""The benchmark runs end to end at a small size (its numbers are read, never asserted:
speed lives in benchmarks/ and the README table, not in test timings)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("openpyxl", "sync", "no-op", "next-day", "light", "ticked-full", "ticked-light",
         "google")


@pytest.mark.slow
def test_the_sync_benchmark_runs_every_step_on_a_2000_contact_book(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    subprocess.run(
        [
            sys.executable, str(ROOT / "benchmarks" / "bench_sync.py"),
            "--contacts", "2000", "--workdir", str(tmp_path),
            "--steps", ",".join(STEPS), "--json", str(results),
        ],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )
    found = json.loads(results.read_text(encoding="utf-8"))
    assert found["contacts"] == 2000
    for step in STEPS:
        assert {"cpu", "seconds", "peak_mb"} <= set(found[step]), step
    assert found["ticked-full"]["done_logged"] == found["ticked-light"]["done_logged"] == 20
    assert set(found["google"]["google"]) == {"first", "no-op"}


@pytest.mark.slow
def test_the_sync_benchmark_repeated_gives_each_rounds_ratio_and_their_median(
        tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_sync.py"), "--contacts", "200",
         "--workdir", str(tmp_path), "--steps", "openpyxl,sync", "--repeat", "2",
         "--json", str(results)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    assert len(json.loads(results.read_text(encoding="utf-8"))["rounds"]) == 2
    assert "(round 2)" in out and out.splitlines()[-1].startswith("median of 2 rounds: ")


@pytest.mark.slow
def test_the_call_count_benchmark_counts_the_calls_of_one_step(tmp_path: Path) -> None:
    book = tmp_path / "sample.xlsx"
    subprocess.run([sys.executable, "-m", "sheets_sync.cli", "init", "--sample", str(book)],
                   check=True, capture_output=True, text=True, cwd=ROOT)
    counted = [
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "bench_calls.py"), "plan_touchpoints",
             str(book)],
            check=True, capture_output=True, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
        ).stdout.split(" calls")[0]
        for _ in range(2)
    ]
    assert counted[0].startswith("plan_touchpoints: ")
    assert counted[0] == counted[1]  # the same calls on every run


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_the_instruction_benchmark_counts_a_first_sync(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_instructions.py"),
         "--contacts", "100", "--workdir", str(tmp_path), "--steps", "sync"],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    assert "billion instructions" in out.splitlines()[-1]
