"""Benchmark of the Excel store's write alone: `XlsxStore.apply` of a sync's plan.

    python benchmarks/bench_write.py --contacts 20000            # CPU seconds and peak memory
    python benchmarks/bench_write.py --contacts 20000 --profile  # where the write's time goes
    python benchmarks/bench_write.py --contacts 20000 --next-day # the second day's write

The plan is computed once per book and day and kept beside the book (benchmarks/out/), so a run
measures the read and the write only. Each run writes into its own copy of the book; `--keep`
names where to leave the written copy (to compare two versions of the store byte for byte).
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import resource
import shutil
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_sync import HERE, TODAY, generate  # noqa: E402


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def book(contacts: int, next_day: bool) -> tuple[Path, object]:
    """The book to write into and the plan for it (made and synced once, then kept)."""
    from sheets_sync.config import load_config
    from sheets_sync.core.messages import load_templates
    from sheets_sync.core.plan import build_plan
    from sheets_sync.stores.xlsx import XlsxStore
    from sheets_sync.sync import sync_workbook

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    source = out / f"bench-{contacts}.xlsx"
    if not source.exists():
        generate(source, contacts, contacts * 3)
    day = TODAY
    if next_day:
        synced = out / f"write-{contacts}-synced.xlsx"
        if not synced.exists():
            shutil.copy(source, synced)
            sync_workbook(str(synced), load_config(), TODAY)
        source, day = synced, TODAY + timedelta(days=1)
    cached = source.with_suffix(f".plan-{day.isoformat()}.pickle")
    if not cached.exists():
        store = XlsxStore(source)
        result = build_plan(store.read(), load_config(), day, templates=load_templates())
        pattern = str(result.config["general"]["currency_format"])
        cached.write_bytes(pickle.dumps((result.changes, pattern)))
    return source, pickle.loads(cached.read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--next-day", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    from sheets_sync.stores.xlsx import XlsxStore

    source, (changes, pattern) = book(args.contacts, args.next_day)
    target = args.keep or source.with_name("write-run.xlsx")
    shutil.copy(source, target)
    shutil.rmtree(target.parent / ".sheets-sync-backups", ignore_errors=True)
    store = XlsxStore(target, money_format=pattern)
    store.read()
    before, wall = cpu(), time.perf_counter()
    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    written = store.apply(changes)
    if profile:
        profile.disable()
    spent, wall = cpu() - before, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"apply: {spent:.2f} s CPU  {wall:.2f} s wall  written={written}  "
          f"peak (read+write) {peak:.0f} MB")
    if profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
