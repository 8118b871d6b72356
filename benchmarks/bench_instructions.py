"""Benchmark: instructions executed by openpyxl's load+save and by sheets-sync, side by side.

    python benchmarks/bench_instructions.py                      # 20,000 contacts
    python benchmarks/bench_instructions.py --steps sync,next-day --contacts 5000

The CPU seconds of `bench_sync.py` move by a tenth from one run to the next on a shared
machine, more than most single changes take off. The instructions a step executes (counted by
valgrind's callgrind, every instruction of the process: Python, calamine, expat, zlib) move by
less than a thousandth, so a change of a few per cent shows here when the timings cannot tell
it. They are not seconds: C code runs more instructions a cycle than the interpreter, so their
ratio is not the ratio of CPU time, and the issue's measure stays `bench_sync.py`'s.

Steps as `bench_sync.py` names them: openpyxl, sync (the first sync), next-day (the day after,
from the first sync's output). Each runs `bench_sync.py --measure STEP` under callgrind in its
own process, on its own copy of the generated workbook (benchmarks/out/bench-N.xlsx, made as
`bench_sync.py` makes it). Needs valgrind (`apt-get install valgrind`); a step runs about fifty
times slower under it, hence the smaller default book.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_sync import generate, write_bytecode  # noqa: E402  (a sibling script, not a package)

STEPS = ("openpyxl", "sync", "next-day")
_TOTAL = re.compile(r"^(?:summary|totals): (\d+)", re.MULTILINE)


def instructions(step: str, book: Path, folder: Path) -> int:
    """Instructions executed by `bench_sync.py --measure STEP BOOK` (its whole process)."""
    out = folder / f"callgrind.{step}"
    run = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "-q",
         sys.executable, str(HERE / "bench_sync.py"), "--measure", step, str(book)],
        capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"step {step} failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
    found = _TOTAL.search(out.read_text(encoding="utf-8", errors="replace"))
    if found is None:
        raise SystemExit(f"callgrind wrote no total for step {step} ({out})")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument("--steps", default="openpyxl,sync",
                        help=f"comma-separated, of {', '.join(STEPS)} (default: openpyxl,sync)")
    args = parser.parse_args(argv)
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind, then run again")
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"bench-{args.contacts}.xlsx"
    if not source.exists():
        print(f"generating {args.contacts:,} contacts …", flush=True)
        generate(source, args.contacts, args.contacts * 3)
    print(f"workbook: {source} ({source.stat().st_size / 1e6:.1f} MB)")
    write_bytecode()
    counted: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        synced = folder / "synced.xlsx"
        for step in steps:
            book = folder / step / "book.xlsx"
            book.parent.mkdir()
            if step == "next-day":
                if not synced.exists():  # the day after needs a first sync's output
                    shutil.copy(source, synced)
                    subprocess.run([sys.executable, str(HERE / "bench_sync.py"), "--measure",
                                    "sync", str(synced)], check=True, capture_output=True)
                shutil.copy(synced, book)
            else:
                shutil.copy(source, book)
            counted[step] = instructions(step, book, folder)
            print(f"{step:>12}: {counted[step] / 1e9:8.2f} billion instructions", flush=True)
            if step == "sync":
                shutil.copy(book, synced)
    if "openpyxl" in counted and "sync" in counted:
        print(f"ratio sync / openpyxl load+save: {counted['sync'] / counted['openpyxl']:.3f} "
              "in instructions executed")


if __name__ == "__main__":
    main()
