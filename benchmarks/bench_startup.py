"""Benchmark: how long the everyday commands take on the bundled sample (start-up included).

    python benchmarks/bench_startup.py              # best of 5 after a warm-up run
    python benchmarks/bench_startup.py --runs 9 --json startup.json

Writes the sample workbook (sheets_sync.starter, `--today` fixed), then times, each in a fresh
`sheets-sync` process: `today` on a synced copy, the first sync of a fresh copy, and the
same-day no-op re-sync. CPU is user + system of the process (as /usr/bin/time gives), wall is
the time to its exit. Caches are warm (one run of each first) and bytecode must be written:
with PYTHONDONTWRITEBYTECODE set and no __pycache__, every run compiles the package again.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2026-12-01"
# The installed command, as a person runs it (else the module, for a checkout without it).
SCRIPT = Path(sys.executable).with_name("sheets-sync")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "sheets_sync.cli"]


def timed(args: list[str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one `sheets-sync *args` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([*COMMAND, *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def measure(folder: Path, runs: int) -> dict[str, dict[str, float]]:
    from sheets_sync.starter import write_starter_workbook

    sample = folder / "sample.xlsx"
    write_starter_workbook(sample, lang="en", sample=True, today=date.fromisoformat(TODAY))
    shutil.copy(sample, folder / "synced.xlsx")
    timed(["sync", "synced.xlsx", "--today", TODAY], folder)  # written: the next one confirms

    def first(n: int) -> list[str]:
        copy = folder / f"fresh-{n}.xlsx"
        shutil.copy(sample, copy)
        return ["sync", copy.name, "--today", TODAY]

    cases = {
        "today": lambda n: ["today", "synced.xlsx", "--today", TODAY],
        "first sync": first,
        "no-op re-sync": lambda n: ["sync", "synced.xlsx", "--today", TODAY],
    }
    results = {}
    for name, command in cases.items():
        timed(command(0), folder)  # warm-up: caches filled, the record written
        times = [timed(command(n), folder) for n in range(1, runs + 1)]
        results[name] = {"cpu": min(t[0] for t in times), "wall": min(t[1] for t in times)}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (best kept)")
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "startup")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set; runs without __pycache__ compile the "
              "package each time", file=sys.stderr)
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    results = measure(args.workdir, args.runs)
    print(f"sample, best of {args.runs} (after a warm-up run):")
    for name, best in results.items():
        print(f"  {name:<14} CPU {best['cpu']:.2f} s   wall {best['wall']:.2f} s")
    if args.json:
        args.json.write_text(json.dumps({"runs": args.runs, "results": results}, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
