"""Benchmark: `sheets-sync sync` of a Google Sheet against the local Sheets API server.

    python benchmarks/bench_google.py                       # 1,000 and 20,000 contacts
    python benchmarks/bench_google.py --contacts 1000 20000 100000

For each size: the same generated book as bench_sync.py is placed on a local server (in this
process, on a thread), then synced twice (the first sync writes, the second finds nothing new).
Prints per sync the HTTP requests, bytes sent and received as the server counted them (the
answers' JSON, and what crossed the wire gzip-compressed), wall time and the sync's CPU
seconds. The server shares the process, so CPU and peak memory include its JSON work; requests
and bytes are what a real Google endpoint would see (its JSON is compact).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_sync import TODAY, generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, nargs="+", default=[1000, 20_000])
    args = parser.parse_args()

    from sheets_sync.sync import sync_workbook
    from tests.gsheets_books import fast_config, put_xlsx
    from tests.sheets_api.server import SheetsApiServer

    print(f"{'contacts':>9} {'sync':>7} {'requests':>8} {'sent MB':>8} {'received MB':>11} "
          f"{'gzipped MB':>10} {'wall s':>7} {'CPU s':>6}")
    with SheetsApiServer() as server, tempfile.TemporaryDirectory() as folder:
        server.quota.enabled = False
        os.environ["SHEETS_SYNC_GOOGLE_API"] = server.base_url
        os.environ["XDG_STATE_HOME"] = folder
        for contacts in args.contacts:
            path = Path(folder) / f"book{contacts}.xlsx"
            generate(path, contacts=contacts, interactions=contacts * 3)
            location = put_xlsx(server, path)
            for label in ("first", "no-op"):
                server.log.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                sync_workbook(location, fast_config(), TODAY)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                stats = server.log.summary()
                print(f"{contacts:>9} {label:>7} {stats['requests']:>8} "
                      f"{stats['bytes_in'] / 1e6:>8.2f} {stats['json_out'] / 1e6:>11.2f} "
                      f"{stats['bytes_out'] / 1e6:>10.2f} "
                      f"{wall:>7.1f} {cpu:>6.1f}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (sync and server together): {peak:.0f} MB")


if __name__ == "__main__":
    main()
