"""The unattended worker: nightly sync of every workbook in the office config, an optional light
sync every few minutes in office hours, with per-workbook locks, bounded retries, catch-up of a
missed nightly run, a scrubbed log and a status file.

Layout: a functional core (when is the next run, is a catch-up due, how long to back off) that
takes aware datetimes and nothing else, then `Worker`, which drives that core with an injected
`Clock` and an injected sync function, then the commands the CLI calls.

Why a small own loop instead of the `schedule` package: `schedule` reads the machine's wall
clock itself (it cannot be driven by an injected clock, so tests would have to sleep or patch
datetime), and its time-zone support computes "next run" by wall-clock arithmetic that has had
DST bugs. The loop below is a dozen lines: compute the next instant in the office zone with
zoneinfo, nap until then, run.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import shutil
import signal
import socket
import sys
import threading
import time as _time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from types import FrameType
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sheets_sync.config import load_config
from sheets_sync.core.text_safety import terminal_text
from sheets_sync.errors import ConfigError, UserError
from sheets_sync.locks import BookBusy, hold_book
from sheets_sync.office import (
    LightSync,
    OfficeConfig,
    OfficeConfigError,
    RetrySettings,
    WorkbookEntry,
    check_reachable,
    default_status_file,
    load_office,
)
from sheets_sync.progress import Progress
from sheets_sync.runlog import (
    LOGGER_NAME,
    RunOutcome,
    StatusFile,
    close_logging,
    format_status,
    run_line,
    scrub,
    setup_logging,
)

# Test hook: "module:function" replacing sheets_sync.sync.sync_workbook, so the process tests
# (lock contention, SIGTERM, kill -9) can run a slow fake sync in a real worker process. An
# environment variable rather than an office-config key so it can never end up in a user's file;
# the worker logs a warning whenever it is honoured.
TEST_SYNC_ENV = "SHEETS_SYNC_TEST_SYNC"

# The longest single nap. time.sleep/Event.wait count monotonic time, which stands still while the
# machine is suspended; re-reading the wall clock at least once a minute means a run that fell due
# while the machine slept starts within a minute of waking, and an NTP clock step is noticed.
MAX_NAP_SECONDS = 60.0

UTC = timezone.utc


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock. `sleep` returns early when `interrupt()` is called (SIGTERM while idle)."""

    def __init__(self) -> None:
        self._wake = threading.Event()

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._wake.wait(seconds)

    def interrupt(self) -> None:
        self._wake.set()


class SyncFunction(Protocol):
    def __call__(self, location: str, config: dict[str, Any], today: date, *,
                 light: bool = False) -> Any: ...


# ---------------------------------------------------------------------------------------------
# Functional core.


def local_occurrence(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (UTC) at which the wall clock in `zone` shows `at` on `day`.

    DST: a time skipped by spring-forward (02:30 on 2026-03-08 in New York) is taken with the
    offset in force before the jump (PEP 495 fold=0), i.e. it happens as 03:30 — one run, later by
    the gap. A time repeated by fall-back (01:30 on 2026-11-01) happens at its first occurrence
    only; the second one is never scheduled because the next run is always searched strictly
    after the previous one.
    """
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def next_nightly(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first nightly run strictly after `now`."""
    today = now.astimezone(zone).date()
    for offset in (-1, 0, 1, 2):
        candidate = local_occurrence(today + timedelta(days=offset), at, zone)
        if candidate > now:
            return candidate
    raise AssertionError("unreachable: a day always has a nightly time")


def previous_nightly(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The most recent scheduled nightly run at or before `now`."""
    today = now.astimezone(zone).date()
    for offset in (1, 0, -1, -2):
        candidate = local_occurrence(today + timedelta(days=offset), at, zone)
        if candidate <= now:
            return candidate
    raise AssertionError("unreachable: a day always has a nightly time")


def needs_catch_up(last_nightly: datetime | None, now: datetime, at: time,
                   zone: ZoneInfo) -> bool:
    """A nightly run was missed when the last one recorded predates the latest scheduled time.

    No record at all (a workbook never synced by the worker) is not "missed": a fresh install
    waits for its first scheduled night rather than syncing the moment it starts.
    """
    if last_nightly is None:
        return False
    return last_nightly < previous_nightly(now, at, zone)


def light_slots(day: date, light: LightSync, zone: ZoneInfo) -> list[datetime]:
    """The light-sync instants of one local day: start, start + N min, … up to end (inclusive)."""
    if not light.enabled or day.weekday() not in light.days:
        return []
    step = timedelta(minutes=light.every_minutes)
    wall, end = datetime.combine(day, light.start), datetime.combine(day, light.end)
    slots = []
    while wall <= end:
        # Wall-clock steps, so slots stay on :00/:10/:20 across a DST change.
        slots.append(wall.replace(tzinfo=zone).astimezone(UTC))
        wall += step
    return sorted(set(slots))


def next_light(now: datetime, light: LightSync, zone: ZoneInfo) -> datetime | None:
    """The first light-sync slot strictly after `now`, or None when light sync is off."""
    if not light.enabled or not light.days:
        return None
    today = now.astimezone(zone).date()
    for offset in range(-1, 9):
        for slot in light_slots(today + timedelta(days=offset), light, zone):
            if slot > now:
                return slot
    return None


def backoff_delays(retry: RetrySettings) -> list[float]:
    """Seconds to wait before each retry: first, first×factor, … capped, attempts − 1 of them."""
    return [min(retry.first_delay_seconds * retry.factor ** i, retry.max_delay_seconds)
            for i in range(max(0, retry.attempts - 1))]


# ---------------------------------------------------------------------------------------------
# The worker.


@dataclass
class BookResult:
    result: str  # "ok", "error", "busy", "skipped"
    retryable: bool = False
    message: str = ""


@dataclass
class RoundResult:
    kind: str
    results: dict[str, BookResult] = field(default_factory=dict)  # by WorkbookEntry.key

    @property
    def failed(self) -> list[str]:
        return [key for key, res in self.results.items() if res.result == "error"]


class Worker:
    def __init__(self, office: OfficeConfig, *, clock: Clock | None = None,
                 sync: SyncFunction | None = None, status: StatusFile | None = None,
                 logger: logging.Logger | None = None, progress: Progress | None = None,
                 book_config: Callable[[Path | None], dict[str, Any]] = load_config) -> None:
        self.office = office
        self.zone = office.timezone
        self.clock: Clock = clock or SystemClock()
        self.sync: SyncFunction = sync or _default_sync()
        self.status = status or StatusFile(office.status_file)
        self.log = logger or logging.getLogger(LOGGER_NAME)
        self.progress = progress or Progress(enabled=False)
        self.book_config = book_config
        self._stop = False

    # -- stopping ------------------------------------------------------------------------------

    @property
    def stopping(self) -> bool:
        return self._stop

    def request_stop(self) -> None:
        """Finish the workbook being synced, then stop (safe to call from a signal handler)."""
        self._stop = True
        interrupt = getattr(self.clock, "interrupt", None)
        if interrupt is not None:
            interrupt()

    def _sleep_until(self, target: datetime) -> None:
        while not self._stop:
            remaining = (target - self.clock.now()).total_seconds()
            if remaining <= 0:
                return
            self.clock.sleep(min(remaining, MAX_NAP_SECONDS))

    def _local(self, instant: datetime) -> str:
        return instant.astimezone(self.zone).isoformat(timespec="seconds")

    # -- one workbook --------------------------------------------------------------------------

    def sync_book(self, book: WorkbookEntry, kind: str, attempt: int = 1,
                  attempts: int = 1) -> BookResult:
        """Lock, sync, log one line, record status. Never raises for a failed sync."""
        started = self.clock.now()
        at = self._local(started)
        tries = f"{attempt}/{attempts}" if attempts > 1 else None
        with ExitStack() as held:
            try:
                recovered = held.enter_context(
                    hold_book(book.location, wait=0.0, lock_dir=self.office.lock_dir)
                )
            except BookBusy as busy:
                holder = busy.holder.describe() if busy.holder else "another process"
                self.log.info(run_line(run=kind, workbook=book.name, attempt=tries,
                                       result="busy", holder=holder))
                self.progress.stage(f"{book.name}: busy — {holder} is syncing it; skipped")
                self._record(book, RunOutcome(kind, "busy", at, message=f"locked by {holder}"))
                return BookResult("busy")
            except UserError as exc:  # the lock file cannot be created
                message = str(exc)
                self.log.error(run_line(run=kind, workbook=book.name, attempt=tries,
                                        result="error", error=message))
                self._record(book, RunOutcome(kind, "error", at, message=message))
                return BookResult("error", retryable=False, message=message)
            if recovered is not None:
                self.log.warning(run_line(event="stale-lock-recovered", workbook=book.name,
                                          previous=recovered.describe()))
            return self._run_locked(book, kind, started, at, tries)

    def _run_locked(self, book: WorkbookEntry, kind: str, started: datetime, at: str,
                    tries: str | None) -> BookResult:
        retry = f" (try {tries})" if tries and not tries.startswith("1/") else ""
        self.progress.stage(f"{book.name}: {kind} sync{retry}")
        clock_start = _time.perf_counter()
        try:
            config = self.book_config(book.config)
            if book.is_google and self.office.google_credentials and not config["google"][
                    "credentials_file"]:
                config["google"] = {**config["google"],
                                    "credentials_file": str(self.office.google_credentials)}
            today = started.astimezone(self.zone).date()
            report = self.sync(book.location, config, today, light=(kind == "light"))
        except UserError as exc:
            # A bad per-workbook config will not fix itself between retries; other user errors
            # (file open in Excel, a share not mounted yet) may.
            return self._failed(book, kind, at, tries, clock_start, str(exc),
                                retryable=not isinstance(exc, ConfigError))
        except Exception as exc:  # any failure is one failed run, never a crash
            return self._failed(book, kind, at, tries, clock_start, _describe(exc),
                                retryable=True)
        seconds = round(_time.perf_counter() - clock_start, 2)
        contacts = getattr(report, "contacts", None)
        due = getattr(report, "touchpoints_due", None)
        issues = getattr(report, "issues", None)
        self.log.info(run_line(run=kind, workbook=book.name, attempt=tries, result="ok",
                               duration=f"{seconds:.2f}s", contacts=contacts,
                               touchpoints_due=due, issues=issues,
                               requests=getattr(report, "requests", None)))
        self.progress.stage(f"{book.name}: done in {seconds:.1f}s — {contacts} contacts, "
                            f"{due} touchpoints due, {issues} issues")
        self._record(book, RunOutcome(kind, "ok", at, seconds, contacts, due, issues))
        return BookResult("ok")

    def _failed(self, book: WorkbookEntry, kind: str, at: str, tries: str | None,
                clock_start: float, message: str, retryable: bool) -> BookResult:
        seconds = round(_time.perf_counter() - clock_start, 2)
        message = scrub(" ".join(message.split()))  # one line, no contact details
        self.log.error(run_line(run=kind, workbook=book.name, attempt=tries, result="error",
                                duration=f"{seconds:.2f}s", error=message))
        self.progress.stage(f"{book.name}: failed — {message}")
        self._record(book, RunOutcome(kind, "error", at, seconds, message=message))
        return BookResult("error", retryable=retryable, message=message)

    def _record(self, book: WorkbookEntry, outcome: RunOutcome) -> None:
        try:
            self.status.record(book.key, book.name, outcome)
        except (OSError, UserError) as exc:
            # The status file is a convenience; failing to write it must not stop syncing.
            self.log.error(run_line(event="status-write-failed", error=str(exc)))

    def _set_worker(self, **fields: Any) -> None:
        try:
            self.status.set_worker(updated=self._local(self.clock.now()), **fields)
        except (OSError, UserError) as exc:
            self.log.error(run_line(event="status-write-failed", error=str(exc)))

    # -- rounds --------------------------------------------------------------------------------

    def run_round(self, kind: str, books: Sequence[WorkbookEntry] | None = None) -> RoundResult:
        """Sync each book once; retry the failed ones after a backoff (nightly only).

        Retries come after a full pass, so one failing book never delays the others. Light syncs
        are not retried: the next light slot is minutes away and serves as the retry.
        """
        books = list(self.office.workbooks if books is None else books)
        delays = backoff_delays(self.office.retry) if kind == "nightly" else []
        attempts = len(delays) + 1
        outcome = RoundResult(kind)
        pending = books
        for attempt in range(1, attempts + 1):
            failed = []
            for book in pending:
                if self._stop:
                    break
                result = self.sync_book(book, kind, attempt, attempts)
                outcome.results[book.key] = result
                if result.result == "error" and result.retryable:
                    failed.append(book)
            if not failed or self._stop or attempt == attempts:
                break
            delay = delays[attempt - 1]
            self.log.info(run_line(event="retry-wait", workbooks=len(failed),
                                   seconds=f"{delay:g}"))
            self.progress.stage(f"retrying {len(failed)} workbook(s) in {delay:g}s")
            self._sleep_until(self.clock.now() + timedelta(seconds=delay))
            pending = failed
        skipped = [b for b in books if b.key not in outcome.results]
        if skipped:
            for book in skipped:
                outcome.results[book.key] = BookResult("skipped")
            self.log.info(run_line(event="stopping", skipped=len(skipped)))
        return outcome

    def catch_up(self) -> RoundResult | None:
        """Run the nightly sync now for books whose last nightly run predates the latest slot."""
        now = self.clock.now()
        missed = [book for book in self.office.workbooks
                  if needs_catch_up(self.status.last_nightly(book.key), now,
                                    self.office.nightly_time, self.zone)]
        if not missed:
            return None
        slot = previous_nightly(now, self.office.nightly_time, self.zone)
        self._set_worker(state="running nightly (catch-up)")
        self.log.info(run_line(event="catch-up", missed=self._local(slot), workbooks=len(missed)))
        self.progress.stage(f"catching up the nightly run of {self._local(slot)} "
                            f"for {len(missed)} workbook(s)")
        return self.run_round("nightly", missed)

    def run_once(self) -> int:
        """One nightly round (cron, systemd timers). 0 when no workbook failed, else 1."""
        result = self.run_round("nightly")
        return 1 if result.failed else 0

    def run_forever(self) -> int:
        """Run until request_stop() (SIGTERM/SIGINT); returns 0 after a clean stop."""
        office = self.office
        self._set_worker(state="starting", pid=os.getpid(), host=socket.gethostname(),
                         started=self._local(self.clock.now()))
        light = office.light
        self.log.info(run_line(
            event="worker-start", pid=os.getpid(), workbooks=len(office.workbooks),
            nightly=f"{office.nightly_time:%H:%M}", timezone=str(self.zone),
            light=(f"every {light.every_minutes}min {light.start:%H:%M}-{light.end:%H:%M}"
                   if light.enabled else "off")))
        self.catch_up()
        now = self.clock.now()
        due_nightly = next_nightly(now, office.nightly_time, self.zone)
        due_light = next_light(now, light, self.zone)
        announced: tuple[datetime, datetime | None] | None = None
        while not self._stop:
            now = self.clock.now()
            if now >= due_nightly:
                self._set_worker(state="running nightly")
                self.run_round("nightly")
                now = self.clock.now()
                # Searching strictly after *now* collapses several missed slots into this one run.
                due_nightly = next_nightly(now, office.nightly_time, self.zone)
                due_light = next_light(now, light, self.zone)
                continue
            if due_light is not None and now >= due_light:
                # Late by more than one interval (machine was asleep): skip, the next slot is near.
                if now < due_light + timedelta(minutes=light.every_minutes):
                    self._set_worker(state="running light")
                    self.run_round("light")
                due_light = next_light(self.clock.now(), light, self.zone)
                continue
            if announced != (due_nightly, due_light):
                announced = (due_nightly, due_light)
                self._set_worker(state="idle", next_nightly=self._local(due_nightly),
                                 next_light=self._local(due_light) if due_light else None)
            self._sleep_until(min(due_nightly, due_light or due_nightly))
        self._set_worker(state="stopped", next_nightly=None, next_light=None)
        self.log.info(run_line(event="worker-stop", pid=os.getpid()))
        return 0


def _describe(exc: BaseException) -> str:
    """'KeyError (at store.py:120; run sheets-sync sync on it for details)' — the type and where,
    for unexpected errors. Never their text: it may quote a cell (a name, a phone number), and
    the log, the status file and the --once output cron mails are read by people who must not
    see contact details. The CLI on the workbook shows the full error."""
    where = ""
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})"
    return f"{type(exc).__name__}{where}; sync it with `sheets-sync sync --debug` for details"


def _default_sync() -> SyncFunction:
    spec = os.environ.get(TEST_SYNC_ENV)
    if spec:
        module_name, _, attr = spec.partition(":")
        function: SyncFunction = getattr(importlib.import_module(module_name), attr)
        logging.getLogger(LOGGER_NAME).warning(
            run_line(event="test-sync-function", function=spec))
        return function
    return _real_sync


def _real_sync(location: str, config: dict[str, Any], today: date, *,
               light: bool = False) -> Any:
    # Imported at the first run, inside the run's error handling: the real sync pulls in the
    # spreadsheet libraries (which `--check` and `status` do not need), and a broken install must
    # show up as a failed run in the log, not as a worker that crashes at start.
    from sheets_sync.sync import sync_workbook

    return sync_workbook(location, config, today, light=light)


# ---------------------------------------------------------------------------------------------
# Commands the CLI calls.


@contextmanager
def _stop_on_signals(worker: Worker) -> Iterator[None]:
    """SIGTERM: finish the current workbook, exit 0. Ctrl-C: the same; a second Ctrl-C aborts."""

    def on_term(signum: int, frame: FrameType | None) -> None:
        worker.request_stop()

    def on_int(signum: int, frame: FrameType | None) -> None:
        if worker.stopping:
            raise KeyboardInterrupt
        worker.request_stop()
        worker.progress.stage("stopping after the current workbook (Ctrl-C again to abort)")

    previous: dict[int, Any] = {}
    for signum, handler in ((signal.SIGTERM, on_term), (signal.SIGINT, on_int)):
        try:
            previous[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread (embedded use): no signal handling
            pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_command(config_path: Path, once: bool, check: bool, *, clock: Clock | None = None,
                sync: SyncFunction | None = None) -> int:
    """`sheets-sync run --config FILE [--once] [--check]`. Returns the exit code.

    0: clean (for the long-running worker: stopped by SIGTERM/Ctrl-C); 1: a workbook failed
    (--once) or a problem was found (--check); 5: the office config is invalid.
    """
    try:
        office = load_office(config_path)
    except OfficeConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return exc.exit_code
    except UserError as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    if check:
        problems = check_reachable(office)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            return 1
        print(f"OK: {len(office.workbooks)} workbook(s) reachable; nightly at "
              f"{office.nightly_time:%H:%M} {office.timezone}; status {office.status_file}")
        return 0

    progress = Progress()
    try:
        logger = setup_logging(office.log_file, office.log_max_bytes, office.log_backups,
                                office.timezone)
    except OSError as exc:
        print(f"Cannot open log file {office.log_file}: {exc.strerror or exc} — fix "
              "files.log_file or its folder's permissions", file=sys.stderr)
        return 1
    try:
        worker = Worker(office, clock=clock, sync=sync, logger=logger, progress=progress)
        with _stop_on_signals(worker):
            if once:
                code = worker.run_once()
                if code:
                    for book in office.workbooks:
                        error = worker.status.entry(book.key).get("last_run", {})
                        if error.get("result") == "error":
                            line = f"{book.name}: {error.get('message', 'failed')}"
                            print(scrub(terminal_text(line)), file=sys.stderr)
                return code
            print(f"sheets-sync worker started: {len(office.workbooks)} workbook(s), nightly "
                  f"at {office.nightly_time:%H:%M} {office.timezone}; log {office.log_file}",
                  file=sys.stderr, flush=True)
            return worker.run_forever()
    finally:
        close_logging()


def _pid_alive(pid: int) -> bool | None:
    """True/False on POSIX; None where it cannot be checked cheaply (Windows)."""
    if sys.platform == "win32":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def status_command(config_path: Path | None) -> int:
    """`sheets-sync status [--config FILE]`: print the status file as a table."""
    if config_path is not None:
        try:
            path = load_office(config_path).status_file
        except UserError as exc:
            print(exc, file=sys.stderr)
            return exc.exit_code
    else:
        path = default_status_file()
    if not path.exists():
        hint = "" if config_path else " (pass --config office.toml if it sets files.status_file)"
        print(f"No status yet: {path} does not exist{hint}. It appears after the first run.",
              file=sys.stderr)
        return 1
    data = StatusFile(path).read()
    worker = data.get("worker", {})
    state = str(worker.get("state", ""))
    if (worker.get("pid") and state != "stopped"
            and worker.get("host") == socket.gethostname()
            and _pid_alive(int(worker["pid"])) is False):
        worker["state"] = f"not running (last state: {state or '?'}; it was killed or crashed)"
    print(f"Status file: {path}")
    # Cut the error column to the terminal's width; piped output (grep, mail) gets full lines.
    width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 10_000
    print("\n".join(terminal_text(line) for line in format_status(data, width=width).splitlines()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sheets_sync.worker",
        description="Run the sheets-sync worker (the same as `sheets-sync run`).")
    parser.add_argument("--config", type=Path, help="office config (TOML)")
    parser.add_argument("--once", action="store_true", help="run one nightly round and exit")
    parser.add_argument("--check", action="store_true",
                        help="validate the config and reach every workbook, then exit")
    parser.add_argument("--status", action="store_true", help="print the status table")
    args = parser.parse_args(argv)
    if args.status:
        return status_command(args.config)
    if args.config is None:
        parser.error("--config is required")
    return run_command(args.config, once=args.once, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
