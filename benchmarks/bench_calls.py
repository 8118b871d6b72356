"""Benchmark: the Python calls one step of a sync's plan makes — a measure that does not drift.

    python benchmarks/bench_calls.py plan_touchpoints benchmarks/out/bench-20000.xlsx
    python benchmarks/bench_calls.py validate_book BOOK --top 30

STEP is a function `sheets_sync.core.plan.build_plan` calls by that name (validate_book,
build_facts, classify, plan_touchpoints, insight_tabs, last_interactions, ...). The book is read
and planned as a sync does, on a copy (the file given is never written), with cProfile on only
inside STEP. Prints the calls made inside it, the same on every run for the same code and book
whatever else the machine does (CPU seconds on a shared machine drift by a third; with
PYTHONHASHSEED unset, set orders differ between runs and the count by a few calls), its CPU
seconds under the profiler, and with `--top N` the N functions with the most own time. Make a
book with `bench_sync.py --contacts N --steps sync` (it is kept as benchmarks/out/bench-N.xlsx).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 23)


def count_calls(step: str, workbook: Path, top: int = 0) -> tuple[int, float, str]:
    """(calls inside `step`, its CPU seconds under the profiler, the top-`top` table)."""
    import sheets_sync.core.plan as plan
    from sheets_sync.config import load_config
    from sheets_sync.core.messages import load_templates
    from sheets_sync.holiday_cache import holiday_tables
    from sheets_sync.sync import open_store

    measured = getattr(plan, step, None)
    if not callable(measured):
        raise SystemExit(f"build_plan calls no '{step}' (try plan_touchpoints)")
    profile = cProfile.Profile()
    spent = [0.0]

    def profiled(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        profile.enable()
        try:
            return measured(*args, **kwargs)
        finally:
            profile.disable()
            spent[0] += time.process_time() - started

    config = load_config()
    setattr(plan, step, profiled)
    try:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / workbook.name
            shutil.copy(workbook, copy)
            gc.disable()
            data = open_store(str(copy), config).read()
            with holiday_tables():
                plan.build_plan(data, config, TODAY, templates=load_templates(),
                                release_read_cells=True)
    finally:
        setattr(plan, step, measured)
        gc.enable()
    table = io.StringIO()
    stats = pstats.Stats(profile, stream=table)
    if top:
        stats.sort_stats("tottime").print_stats(top)
    return stats.total_calls, spent[0], table.getvalue()  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step")
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--top", type=int, default=0)
    args = parser.parse_args(argv)
    calls, seconds, table = count_calls(args.step, args.workbook, args.top)
    print(f"{args.step}: {calls:,} calls, {seconds:.2f} s CPU under the profiler")
    if table:
        print(table)


if __name__ == "__main__":
    main()
