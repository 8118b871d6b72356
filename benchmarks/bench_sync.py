"""Benchmark: `sheets-sync sync` against a bare openpyxl load+save of the same workbook.

    python benchmarks/bench_sync.py                  # 100,000 contacts, 300,000 interactions
    python benchmarks/bench_sync.py --contacts 10000 # a quicker run
    python benchmarks/bench_sync.py --steps sync,google --contacts 1000000
    python benchmarks/bench_sync.py --steps openpyxl,sync --repeat 3  # the median of 3 rounds

Steps: openpyxl (bare load+save), sync (the first sync), no-op (a same-day re-sync of what the
first sync wrote), next-day and light (the day after, full and --light: the day's first sync,
which a light one does in full), ticked-full and ticked-light (the same day as the first sync,
after Done is ticked on the first 20 Today rows: a full sync and the worker's daytime --light
one), google (the same book on the local Sheets API server: requests and bytes of a first sync
and a same-day re-sync).

Each measured step runs in its own process (so peak memory is its own), on its own copy of the
generated workbook, side by side in one run. Prints both times, the ratio and peak memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 23)
HEADERS = [
    "ID",
    "Name",
    "Owner",
    "Phone",
    "Email",
    "Language",
    "Country",
    "Birthday",
    "Circle",
    "Stage",
    "Closing date",
    "Last contact",
    "Referred by",
    "NPS",
    "Lost reason",
    "Do not contact",
    "Tier override",
    "Notes",
    "Source",
    "Budget",
]
CIRCLES = [
    "General Public",
    "Target Group",
    "Network",
    "Allied Resource",
    "Advocate",
    "Core Advocate",
]
STAGES = ["Lead", "Prospect", "Under contract", "Closed", "Closed", "Closed", "Lost"]


def generate(path: Path, contacts: int, interactions: int) -> None:
    import xlsxwriter

    rng = random.Random(42)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, HEADERS)
    for i in range(1, contacts + 1):
        stage = rng.choice(STAGES)
        closing = TODAY - timedelta(days=rng.randint(1, 3000)) if stage == "Closed" else None
        row = [
            f"C{i:06d}",
            f"Client {i}",
            f"Agent {i % 12}",
            f"+6012{rng.randint(1000000, 9999999)}",
            f"client{i}@example.com",
            rng.choice(["en", "zh", "ja", "ms"]),
            "MY",
            None,
            rng.choice(CIRCLES),
            stage,
            None,
            None,
            f"C{rng.randint(1, contacts):06d}" if rng.random() < 0.1 else "",
            rng.randint(0, 10) if rng.random() < 0.4 else "",
            "Price" if stage == "Lost" else "",
            "yes" if rng.random() < 0.01 else "",
            "",
            "note " * rng.randint(0, 3),
            rng.choice(["portal", "referral", "sphere"]),
            rng.randint(300, 2000) * 1000,
        ]
        for c, value in enumerate(row):
            if value not in (None, ""):
                ws.write(i, c, value)
        ws.write_datetime(i, 7, TODAY - timedelta(days=rng.randint(8000, 25000)), dates)
        if closing:
            ws.write_datetime(i, 10, closing, dates)
        ws.write_datetime(i, 11, TODAY - timedelta(days=rng.randint(0, 400)), dates)
    inter = wb.add_worksheet("Interactions")
    inter.write_row(
        0, 0, ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"]
    )
    for i in range(1, interactions + 1):
        inter.write_datetime(i, 0, TODAY - timedelta(days=rng.randint(0, 1500)), dates)
        inter.write_row(
            i,
            1,
            [
                f"C{rng.randint(1, contacts):06d}",
                rng.choice(["call", "sms", "email", "visit"]),
                "Check-in",
                rng.choice(["answered", "no answer"]),
                "",
                f"Agent {i % 12}",
            ],
        )
    trans = wb.add_worksheet("Transactions")
    trans.write_row(
        0, 0, ["Contact ID", "Closing date", "Side", "Price", "Commission", "Source", "Referred by"]
    )
    for i in range(1, contacts // 4 + 1):
        trans.write_row(i, 0, [f"C{rng.randint(1, contacts):06d}"])
        trans.write_datetime(i, 1, TODAY - timedelta(days=rng.randint(1, 3000)), dates)
        trans.write_row(
            i,
            2,
            [
                rng.choice(["buy", "sell"]),
                500000,
                12500,
                rng.choice(["referral", "portal", "past client"]),
                "",
            ],
        )
    wb.close()


STEPS = ("openpyxl", "sync", "no-op", "next-day", "light", "ticked-full", "ticked-light",
         "google")
DEFAULT_STEPS = ("openpyxl", "sync", "no-op", "next-day", "light", "ticked-full", "ticked-light")
TICKS = 20  # Today rows ticked Done before the ticked-* steps


def write_bytecode() -> None:
    """Compile the package's modules to __pycache__, as `pip install` does, so every measured
    process loads them as an installed tool does. An editable checkout run with
    PYTHONDONTWRITEBYTECODE set (some shells and CI images set it) keeps no bytecode: each
    process compiled the whole package again, about 0.3 s of CPU, while openpyxl, installed with
    its bytecode, never paid that."""
    import compileall

    import sheets_sync

    compileall.compile_dir(str(Path(sheets_sync.__file__).parent), quiet=1)


def measure(step: str, path: Path) -> None:
    """Run one step in this process and print its CPU and wall time and peak memory as JSON
    (the process starts fresh, so its CPU time and peak are the step's own, imports included)."""
    started = time.perf_counter()
    extra: dict = {}
    if step == "openpyxl":
        import openpyxl

        openpyxl.load_workbook(path).save(path)
    elif step == "google":
        extra = google_syncs(path)
    elif step in ("light", "ticked-full", "ticked-light"):
        from sheets_sync.config import load_config
        from sheets_sync.sync import sync_workbook

        day = TODAY + timedelta(days=1) if step == "light" else TODAY
        report = sync_workbook(str(path), load_config(), day, light=step != "ticked-full")
        extra = {"done_logged": report.done_logged}
    else:
        from sheets_sync.cli import main

        day = TODAY + timedelta(days=1) if step == "next-day" else TODAY
        code = main(["sync", str(path), "--today", day.isoformat()])
        if code:
            raise SystemExit(code)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024, **extra}))


def google_syncs(path: Path) -> dict:
    """The same book as a Google Sheet on the local Sheets API server (a thread of this
    process, so CPU and memory include the server's JSON work): a first sync, then a same-day
    re-sync, each with the HTTP requests and bytes the server counted."""
    import os
    import tempfile

    sys.path.insert(0, str(HERE.parent))
    from sheets_sync.sync import sync_workbook
    from tests.gsheets_books import fast_config, put_xlsx
    from tests.sheets_api.server import SheetsApiServer

    found: dict = {}
    with SheetsApiServer() as server, tempfile.TemporaryDirectory() as folder:
        server.quota.enabled = False
        os.environ["SHEETS_SYNC_GOOGLE_API"] = server.base_url
        os.environ["XDG_STATE_HOME"] = folder
        location = put_xlsx(server, path)
        for label in ("first", "no-op"):
            server.log.clear()
            wall = time.perf_counter()
            sync_workbook(location, fast_config(), TODAY)
            stats = server.log.summary()
            found[label] = {
                "requests": stats["requests"],
                "sent_mb": stats["bytes_in"] / 1e6,
                "received_mb": stats["json_out"] / 1e6,  # the answers' JSON
                "wire_mb": stats["bytes_out"] / 1e6,  # as sent, gzip-compressed
                "wall": time.perf_counter() - wall,
                # Each request as the server logged it: what it was, bytes in, bytes out.
                "calls": [[f"{e.method} {e.path}", e.bytes_in, e.json_out]
                          for e in server.log.entries],
            }
    return {"google": found}


def run_step(step: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--measure", step, str(path)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"step {step} failed (exit {out.returncode}):\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_round(steps: list[str], source: Path, workdir: Path) -> dict[str, dict]:
    """Each step once, in order, each in its own process on its own copy; prints a line each."""
    results: dict[str, dict] = {}
    synced = workdir / "sync.xlsx"
    for step in steps:
        # The re-syncs start from the first sync's output, as a user's next run does.
        if step in ("no-op", "next-day", "light", "ticked-full", "ticked-light") \
                and "sync" in results:
            copy = workdir / f"{step}.xlsx"
            shutil.copy(synced, copy)
            if step.startswith("ticked-"):
                sys.path.insert(0, str(HERE.parent))
                from tests.golden_books import tick_done

                tick_done(copy, TICKS)
        else:
            copy = workdir / f"{step}.xlsx"
            shutil.copy(source, copy)
            shutil.rmtree(workdir / ".sheets-sync-backups", ignore_errors=True)
        if step == "no-op" and "sync" in results:
            copy.unlink()
            copy = synced  # a same-day re-sync of the very file the first sync wrote
        results[step] = run_step(step, copy)
        line = (
            f"{step:>12}: {results[step]['cpu']:7.2f} s CPU"
            f"   {results[step]['seconds']:7.2f} s wall   peak {results[step]['peak_mb']:7.0f} MB"
        )
        if "done_logged" in results[step]:
            line += f"   {results[step]['done_logged']} Done logged"
        print(line, flush=True)
        for label, google in results[step].get("google", {}).items():
            print(
                f"{'':>11}{label}: {google['requests']} requests, sent {google['sent_mb']:.1f} MB,"
                f" received {google['received_mb']:.1f} MB"
                f" ({google.get('wire_mb', 0):.1f} MB gzipped), {google['wall']:.1f} s wall",
                flush=True,
            )
            for call, sent, received in google.get("calls", []):
                print(f"{'':>13}{call[:70]:<70} sent {sent / 1e6:8.3f} MB"
                      f"  received {received / 1e6:8.3f} MB", flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--interactions", type=int)
    parser.add_argument("--workdir", type=Path, default=HERE / "out")
    parser.add_argument(
        "--steps",
        default=",".join(DEFAULT_STEPS),
        help=f"comma-separated, of {', '.join(STEPS)} (default: {','.join(DEFAULT_STEPS)})",
    )
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the steps this many rounds in turn and give the median ratio "
                        "(the machine's speed drifts between minutes; a ratio is read within a "
                        "round)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--measure", nargs=2, metavar=("STEP", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]))
        return
    steps = [step.strip() for step in args.steps.split(",") if step.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}; choose from {', '.join(STEPS)}")
    interactions = args.interactions or args.contacts * 3
    args.workdir.mkdir(parents=True, exist_ok=True)
    source = args.workdir / f"bench-{args.contacts}.xlsx"
    if not source.exists():
        print(
            f"generating {args.contacts:,} contacts × {len(HEADERS)} columns, "
            f"{interactions:,} interactions …",
            flush=True,
        )
        generate(source, args.contacts, interactions)
    print(f"workbook: {source} ({source.stat().st_size / 1e6:.1f} MB)")
    write_bytecode()
    rounds = []
    for number in range(1, args.repeat + 1):
        if args.repeat > 1:
            print(f"round {number} of {args.repeat}", flush=True)
        rounds.append(run_round(steps, source, args.workdir))
    results = rounds[0]
    ratios = [(found["sync"]["cpu"] / found["openpyxl"]["cpu"],
               found["sync"]["peak_mb"] / found["openpyxl"]["peak_mb"])
              for found in rounds if "openpyxl" in found and "sync" in found]
    for number, (ratio, memory) in enumerate(ratios, 1):
        print(f"ratio sync / openpyxl load+save{f' (round {number})' if len(ratios) > 1 else ''}"
              f": {ratio:.2f} in CPU seconds, {memory:.2f} in peak memory")
    if len(ratios) > 1:
        print(f"median of {len(ratios)} rounds: {statistics.median(r for r, _ in ratios):.2f} "
              f"in CPU seconds, {statistics.median(m for _, m in ratios):.2f} in peak memory")
    if args.json:
        args.json.write_text(
            json.dumps({"contacts": args.contacts, "interactions": interactions, **results,
                        **({"rounds": rounds} if len(rounds) > 1 else {})},
                       indent=1),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
