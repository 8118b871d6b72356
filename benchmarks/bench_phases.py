"""Benchmark: a sync's three phases — read, plan, apply — with CPU seconds and memory after each.

    python benchmarks/bench_phases.py benchmarks/out/bench-20000.xlsx

Syncs a copy of the workbook (the file given is never written) in this process as
`sync._sync_once` does: the cycle collector off, the read's cells let go once the Book is built,
the plan dropped before writing. Prints, per phase, its CPU seconds, the resident memory after
it and the peak so far (`ru_maxrss`). Make the book with `bench_sync.py --contacts N --steps
sync`, which caches it as benchmarks/out/bench-N.xlsx.
"""

from __future__ import annotations

import argparse
import gc
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 23)


def resident_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


def peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    args = parser.parse_args(argv)

    from sheets_sync.config import load_config
    from sheets_sync.core.messages import load_templates
    from sheets_sync.core.plan import build_plan
    from sheets_sync.holiday_cache import holiday_tables
    from sheets_sync.sync import open_store

    config = load_config()
    print(f"{'imports':>8}: {'':>8}   rss {resident_mb():5d} MB   peak {peak_mb():5d} MB")
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / args.workbook.name
        shutil.copy(args.workbook, copy)
        gc.disable()
        store = open_store(str(copy), config)

        def phase(name: str, started: float) -> None:
            print(f"{name:>8}: {time.process_time() - started:6.2f} s   rss {resident_mb():5d} MB"
                  f"   peak {peak_mb():5d} MB", flush=True)

        started = time.process_time()
        data = store.read()
        phase("read", started)
        started = time.process_time()
        with holiday_tables():
            result = build_plan(data, config, TODAY, templates=load_templates(),
                                release_read_cells=True)
        phase("plan", started)
        changes = result.changes
        del result
        started = time.process_time()
        store.apply(changes)
        phase("apply", started)


if __name__ == "__main__":
    main()
