"""The unattended worker: scheduling in the office time zone across DST, catch-up, retries with
backoff, a scrubbed log, and — with real processes — locks, SIGTERM and kill -9.

In-process tests drive the worker with a fake clock and a fake sync, so nothing sleeps for real.
The process tests run `python -m sheets_sync.worker` with SHEETS_SYNC_TEST_SYNC pointing at the
fake syncs at the bottom of this file (`test_worker:slow_sync`), so they work before the real sync
exists; one test uses the real sync and skips itself while sync_workbook is not implemented.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sheets_sync.config import load_config
from sheets_sync.errors import ConfigError, UserError
from sheets_sync.locks import book_lock_file, read_lock
from sheets_sync.office import (
    LightSync,
    OfficeConfigError,
    RetrySettings,
    check_reachable,
    load_office,
)
from sheets_sync.progress import Progress
from sheets_sync.runlog import StatusFile, close_logging, setup_logging
from sheets_sync.worker import (
    TEST_SYNC_ENV,
    Worker,
    backoff_delays,
    light_slots,
    local_occurrence,
    needs_catch_up,
    next_light,
    next_nightly,
    previous_nightly,
    run_command,
)

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc


@dataclass
class FakeReport:
    """The fields of sheets_sync.sync.SyncReport the worker reads. A stand-in, so these tests do
    not depend on the sync module (still being written) importing cleanly."""

    workbook: str
    today: date
    contacts: int = 0
    issues: int = 0
    touchpoints_due: int = 0
    written: bool = False


# ---------------------------------------------------------------------------------------------
# Helpers.


class FakeClock:
    """now() returns simulated time; sleep() advances it. Reaching `stop_at` asks the worker to
    stop, the way SIGTERM would. `jump` adds extra time on the next sleep (machine suspended)."""

    def __init__(self, start: datetime, stop_at: datetime | None = None) -> None:
        self.t = start.astimezone(UTC)
        self.stop_at = stop_at
        self.on_stop: Callable[[], None] = lambda: None
        self.slept: list[float] = []
        self.jump = timedelta(0)

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += timedelta(seconds=seconds) + self.jump
        self.jump = timedelta(0)
        if self.stop_at is not None and self.t >= self.stop_at:
            self.on_stop()


class RecordingSync:
    """Records (location, instant, today, light); `plan` maps a location to exceptions to raise on
    successive calls (None = succeed)."""

    def __init__(self, clock: FakeClock, plan: dict[str, list[BaseException | None]] | None = None
                 ) -> None:
        self.clock = clock
        self.plan = plan or {}
        self.calls: list[tuple[str, datetime, date, bool]] = []

    def __call__(self, location: str, config: dict[str, Any], today: date, *,
                 light: bool = False, dry_run: bool = False) -> FakeReport:
        self.calls.append((location, self.clock.now(), today, light))
        steps = self.plan.get(Path(location).name, [])
        if steps:
            error = steps.pop(0)
            if error is not None:
                raise error
        return FakeReport(workbook=location, today=today, contacts=42, touchpoints_due=7,
                          issues=3, written=True)

    def local_times(self, zone: ZoneInfo) -> list[str]:
        return [when.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") for _, when, _, _ in
                self.calls]


def write_office(tmp_path: Path, books: tuple[str, ...] = ("a.xlsx",), tz: str = "America/New_York",
                 nightly: str = "02:30", extra: str = "") -> Path:
    """An office config with log and status under tmp_path/state; `extra` adds TOML tables."""
    lines = ["[schedule]", f'timezone = "{tz}"', f'nightly_time = "{nightly}"', "[files]",
             'log_file = "state/worker.log"', 'status_file = "state/status.json"', extra]
    for book in books:
        lines += ["[[workbooks]]", f'location = "{book}"']
    path = tmp_path / "office.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_worker(config: Path, clock: FakeClock, sync: RecordingSync) -> Worker:
    office = load_office(config)
    logger = setup_logging(office.log_file, office.log_max_bytes, office.log_backups,
                           office.timezone)
    worker = Worker(office, clock=clock, sync=sync, logger=logger)
    clock.on_stop = worker.request_stop
    return worker


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _close_log() -> Iterator[None]:
    yield
    close_logging()


@pytest.fixture
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(seconds: float) -> None:
        raise AssertionError(f"real time.sleep({seconds}) in a fake-clock test")

    monkeypatch.setattr(time, "sleep", refuse)


# ---------------------------------------------------------------------------------------------
# Functional core: next runs in the office zone across DST.


@pytest.mark.parametrize(("zone", "day", "at", "expected_utc"), [
    # New York spring forward 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 does not exist.
    (NY, date(2026, 3, 7), dtime(2, 30), datetime(2026, 3, 7, 7, 30, tzinfo=UTC)),
    (NY, date(2026, 3, 8), dtime(2, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),  # 03:30 EDT
    (NY, date(2026, 3, 9), dtime(2, 30), datetime(2026, 3, 9, 6, 30, tzinfo=UTC)),
    # New York fall back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice; first wins.
    (NY, date(2026, 11, 1), dtime(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
    (NY, date(2026, 11, 2), dtime(1, 30), datetime(2026, 11, 2, 6, 30, tzinfo=UTC)),
    # London: 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 02:00 BST -> 01:00 GMT.
    (LONDON, date(2026, 3, 29), dtime(1, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
    (LONDON, date(2026, 3, 30), dtime(1, 30), datetime(2026, 3, 30, 0, 30, tzinfo=UTC)),
    (LONDON, date(2026, 10, 25), dtime(1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    (LONDON, date(2026, 10, 26), dtime(1, 30), datetime(2026, 10, 26, 1, 30, tzinfo=UTC)),
])
def test_local_occurrence_across_dst(zone: ZoneInfo, day: date, at: dtime,
                                     expected_utc: datetime) -> None:
    assert local_occurrence(day, at, zone) == expected_utc


def test_next_nightly_runs_once_on_the_repeated_hour() -> None:
    # Just after the first 01:30 of the fall-back night, the next run is the NEXT night's 01:30,
    # not the second 01:30 an hour later.
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert next_nightly(first, dtime(1, 30), NY) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)
    assert next_nightly(first - timedelta(seconds=1), dtime(1, 30), NY) == first
    assert previous_nightly(first + timedelta(hours=1), dtime(1, 30), NY) == first


def test_next_nightly_follows_local_time_not_utc() -> None:
    now = local(NY, 2026, 3, 7, 12, 0)
    runs = []
    for _ in range(3):
        now = next_nightly(now, dtime(1, 0), NY)
        runs.append(now.astimezone(NY).strftime("%m-%d %H:%M %Z"))
    assert runs == ["03-08 01:00 EST", "03-09 01:00 EDT", "03-10 01:00 EDT"]


def test_needs_catch_up() -> None:
    at = dtime(2, 30)
    now = local(NY, 2026, 3, 6, 10, 0)
    assert needs_catch_up(local(NY, 2026, 3, 5, 2, 30), now, at, NY)  # yesterday's: missed today
    assert not needs_catch_up(local(NY, 2026, 3, 6, 2, 30), now, at, NY)
    assert not needs_catch_up(local(NY, 2026, 3, 6, 2, 45), now, at, NY)
    assert not needs_catch_up(None, now, at, NY)  # never ran: a fresh install waits for tonight
    # Before today's slot, the latest slot is yesterday's.
    early = local(NY, 2026, 3, 6, 1, 0)
    assert not needs_catch_up(local(NY, 2026, 3, 5, 2, 31), early, at, NY)
    assert needs_catch_up(local(NY, 2026, 3, 4, 2, 31), early, at, NY)


def test_light_slots_and_next_light() -> None:
    light = LightSync(True, 15, dtime(9, 0), dtime(10, 0), frozenset(range(5)))
    monday = date(2026, 3, 9)
    assert [s.astimezone(NY).strftime("%H:%M") for s in light_slots(monday, light, NY)] == [
        "09:00", "09:15", "09:30", "09:45", "10:00"]
    assert light_slots(date(2026, 3, 7), light, NY) == []  # Saturday
    friday_evening = local(NY, 2026, 3, 6, 18, 0)
    assert next_light(friday_evening, light, NY) == local(NY, 2026, 3, 9, 9, 0)
    off = LightSync(False, 15, dtime(9, 0), dtime(10, 0), frozenset(range(5)))
    assert next_light(friday_evening, off, NY) is None


def test_backoff_is_bounded() -> None:
    assert backoff_delays(RetrySettings(4, 30, 2.0, 100)) == [30, 60, 100]
    assert backoff_delays(RetrySettings(1, 30, 2.0, 100)) == []


# ---------------------------------------------------------------------------------------------
# The loop, with a fake clock.


@pytest.mark.parametrize(("tz", "nightly", "start", "stop", "expected"), [
    ("America/New_York", "02:30", (2026, 3, 6, 12), (2026, 3, 10, 0),
     ["2026-03-07 02:30 EST", "2026-03-08 03:30 EDT", "2026-03-09 02:30 EDT"]),
    ("America/New_York", "01:30", (2026, 10, 31, 12), (2026, 11, 3, 0),
     ["2026-11-01 01:30 EDT", "2026-11-02 01:30 EST"]),
    ("Europe/London", "01:30", (2026, 3, 28, 12), (2026, 3, 31, 0),
     ["2026-03-29 02:30 BST", "2026-03-30 01:30 BST"]),  # 01:30 skipped that night
    ("Europe/London", "01:30", (2026, 10, 24, 12), (2026, 10, 27, 0),
     ["2026-10-25 01:30 BST", "2026-10-26 01:30 GMT"]),
])
def test_worker_runs_nightly_at_local_time_across_dst(
        tmp_path: Path, no_real_sleep: None, tz: str, nightly: str, start: tuple[int, ...],
        stop: tuple[int, ...], expected: list[str]) -> None:
    zone = ZoneInfo(tz)
    clock = FakeClock(local(zone, *start), stop_at=local(zone, *stop))
    sync = RecordingSync(clock)
    worker = make_worker(write_office(tmp_path, tz=tz, nightly=nightly), clock, sync)
    assert worker.run_forever() == 0
    assert sync.local_times(zone) == expected
    assert all(not light for *_, light in sync.calls)
    # "today" handed to the sync is the office's local date, not the UTC one.
    assert [today for _, _, today, _ in sync.calls] == [
        datetime.strptime(text[:10], "%Y-%m-%d").date() for text in expected]


def test_light_sync_every_n_minutes_in_office_hours(tmp_path: Path, no_real_sleep: None) -> None:
    extra = ('[light_sync]\nenabled = true\nevery_minutes = 20\nstart = "09:00"\n'
             'end = "10:00"\ndays = ["mon"]')
    clock = FakeClock(local(NY, 2026, 3, 9, 8, 50), stop_at=local(NY, 2026, 3, 9, 11, 0))
    sync = RecordingSync(clock)
    worker = make_worker(write_office(tmp_path, extra=extra), clock, sync)
    worker.run_forever()
    assert sync.local_times(NY) == [f"2026-03-09 {t} EDT" for t in
                                    ("09:00", "09:20", "09:40", "10:00")]
    assert all(light for *_, light in sync.calls)


def test_catch_up_after_a_missed_night(tmp_path: Path, no_real_sleep: None) -> None:
    config = write_office(tmp_path, books=("a.xlsx", "b.xlsx"))
    office = load_office(config)
    status = StatusFile(office.status_file)
    a, b = office.workbooks
    # a last ran two nights ago (the machine slept through last night); b ran last night.
    status.update(lambda data: data["workbooks"].update({
        a.key: {"name": a.name, "last_nightly": "2026-03-04T02:30:05-05:00"},
        b.key: {"name": b.name, "last_nightly": "2026-03-06T02:30:05-05:00"}}))
    clock = FakeClock(local(NY, 2026, 3, 6, 9, 0), stop_at=local(NY, 2026, 3, 7, 12, 0))
    sync = RecordingSync(clock)
    make_worker(config, clock, sync).run_forever()
    assert [(Path(loc).name, when.astimezone(NY).strftime("%d %H:%M"))
            for loc, when, _, _ in sync.calls] == [
        ("a.xlsx", "06 09:00"),  # caught up at start
        ("a.xlsx", "07 02:30"), ("b.xlsx", "07 02:30")]
    assert status.last_nightly(a.key) == local(NY, 2026, 3, 7, 2, 30)
    assert "event=catch-up" in office.log_file.read_text(encoding="utf-8")


def test_missed_slots_while_suspended_run_once_on_wake(tmp_path: Path,
                                                       no_real_sleep: None) -> None:
    clock = FakeClock(local(NY, 2026, 3, 6, 20, 0), stop_at=local(NY, 2026, 3, 9, 0, 0))
    clock.jump = timedelta(days=2)  # the first nap lasts two days: 03-07 and 03-08 missed
    sync = RecordingSync(clock)
    make_worker(write_office(tmp_path), clock, sync).run_forever()
    assert len(sync.calls) == 1  # one late run, not one per missed night
    # 60 s nap + 2 days = 03-08 21:01 EDT (the DST change ate an hour): run on wake-up.
    assert sync.calls[0][1] == local(NY, 2026, 3, 8, 21, 1)


def test_failing_book_is_retried_with_backoff_and_does_not_stop_others(
        tmp_path: Path, no_real_sleep: None) -> None:
    extra = "[retry]\nattempts = 3\nfirst_delay_seconds = 30\nfactor = 2.0\nmax_delay_seconds = 45"
    config = write_office(tmp_path, books=("a.xlsx", "b.xlsx", "c.xlsx"), extra=extra)
    clock = FakeClock(local(NY, 2026, 3, 6, 2, 30))
    sync = RecordingSync(clock, {
        "a.xlsx": [UserError("Workbook is open in Excel"), RuntimeError("boom"), None],
        "b.xlsx": [RuntimeError("x")] * 5,  # fails every time
    })
    worker = make_worker(config, clock, sync)
    result = worker.run_round("nightly")
    names = [Path(loc).name for loc, *_ in sync.calls]
    assert names == ["a.xlsx", "b.xlsx", "c.xlsx", "a.xlsx", "b.xlsx", "a.xlsx", "b.xlsx"]
    assert clock.slept == [30, 45]  # 30, then 60 capped at 45: bounded
    office = worker.office
    assert [Path(key).name for key in result.failed] == ["b.xlsx"]
    data = StatusFile(office.status_file).read()["workbooks"]
    by_name = {Path(key).name: book for key, book in data.items()}
    assert by_name["a.xlsx"]["last_success"]["contacts"] == 42
    # By type and place: the text of an unexpected error may quote a cell.
    assert by_name["a.xlsx"]["last_error"]["message"].startswith("RuntimeError (at ")
    assert by_name["a.xlsx"]["consecutive_failures"] == 0
    assert by_name["b.xlsx"]["consecutive_failures"] == 3
    assert "last_error" not in by_name["c.xlsx"]
    log = office.log_file.read_text(encoding="utf-8").splitlines()
    assert sum("result=error" in line for line in log) == 5  # a twice, b three times
    assert sum("result=ok" in line for line in log) == 2


def test_config_errors_are_not_retried_and_light_rounds_do_not_retry(
        tmp_path: Path, no_real_sleep: None) -> None:
    clock = FakeClock(local(NY, 2026, 3, 6, 2, 30))
    sync = RecordingSync(clock, {"a.xlsx": [ConfigError("bad rules", "fix them")] + [
        RuntimeError("x")] * 3})
    worker = make_worker(write_office(tmp_path), clock, sync)
    worker.run_round("nightly")
    assert len(sync.calls) == 1
    worker.run_round("light")
    assert len(sync.calls) == 2 and clock.slept == []


def test_worker_survives_any_exception_and_keeps_its_schedule(tmp_path: Path,
                                                            no_real_sleep: None) -> None:
    clock = FakeClock(local(NY, 2026, 3, 6, 12, 0), stop_at=local(NY, 2026, 3, 8, 12, 0))
    sync = RecordingSync(clock, {"a.xlsx": [KeyError("Tier")] * 3 + [ZeroDivisionError()] * 3})
    worker = make_worker(write_office(tmp_path, extra="[retry]\nattempts = 3"), clock, sync)
    assert worker.run_forever() == 0
    assert len(sync.calls) == 6  # two nights × three attempts
    log = worker.office.log_file.read_text(encoding="utf-8")
    # The type and the place only: an exception's text may quote a cell.
    assert "error=\"KeyError (at test_worker.py:" in log and "Tier" not in log
    assert "ZeroDivisionError" in log


def test_log_line_per_run_and_no_pii(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     no_real_sleep: None) -> None:
    config = write_office(tmp_path, books=("a.xlsx", "b.xlsx", "c.xlsx"),
                          extra="[retry]\nattempts = 1")
    clock = FakeClock(local(NY, 2026, 3, 6, 2, 30))
    sync = RecordingSync(clock, {
        "a.xlsx": [UserError("Row 7: phone +60123456789 of a@b.com is invalid",
                             "fix the Phone column")],
        "b.xlsx": [ValueError("cannot parse '+60 12-345 6789' / A@B.com\nsecond line")],
    })
    assert run_command(config, once=True, check=False, clock=clock, sync=sync) == 1
    office = load_office(config)
    log = office.log_file.read_text(encoding="utf-8")
    status = office.status_file.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for text in (log, status, err):
        for secret in ("60123456789", "345 6789", "a@b.com", "A@B.com"):
            assert secret not in text
    assert "<phone>" in log and "<email>" in log and "<phone>" in err
    lines = log.splitlines()
    runs = [line for line in lines if " run=nightly " in line]
    assert len(runs) == 3  # one line per run per workbook, multi-line errors folded
    ok = next(line for line in runs if "result=ok" in line)
    # Timestamps are the office's local time with its offset (New York in March: -05/-04).
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00 INFO run=nightly ", ok)
    for part in ("workbook=c.xlsx", "duration=", "contacts=42", "touchpoints_due=7",
                 "issues=3", "result=ok"):
        assert part in ok
    assert "Row 7: phone <phone> of <email> is invalid" in log


def test_once_is_silent_on_success_when_not_a_tty(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   no_real_sleep: None) -> None:
    clock = FakeClock(local(NY, 2026, 3, 6, 2, 30))
    assert run_command(write_office(tmp_path), once=True, check=False, clock=clock,
                       sync=RecordingSync(clock)) == 0
    assert capsys.readouterr() == ("", "")


def test_progress_lines_only_on_a_tty() -> None:
    class Stream:
        def __init__(self, tty: bool) -> None:
            self.tty, self.lines = tty, []

        def isatty(self) -> bool:
            return self.tty

        def write(self, text: str) -> None:
            self.lines.append(text)

        def flush(self) -> None:
            pass

    tty, pipe = Stream(True), Stream(False)
    Progress(tty).stage("a.xlsx: failed — call +60123456789")  # type: ignore[arg-type]
    Progress(pipe).stage("a.xlsx: nightly sync")  # type: ignore[arg-type]
    assert "".join(tty.lines) == "a.xlsx: failed — call <phone>\n"
    assert pipe.lines == []


# ---------------------------------------------------------------------------------------------
# Office config: validation and --check.


def test_office_config_errors_are_one_line_each(tmp_path: Path) -> None:
    path = tmp_path / "office.toml"
    path.write_text('[schedule]\ntimezone = "Europe/Londn"\nnightly_time = "25:00"\n'
                    '[light_sync]\nevery_minute = 5\nstart = "18:00"\nend = "09:00"\n'
                    '[[workbooks]]\nlocation = "contacts.csv"\n', encoding="utf-8")
    with pytest.raises(OfficeConfigError) as caught:
        load_office(path)
    problems = caught.value.problems
    assert all("\n" not in problem and problem.startswith("office.toml: ") for problem in problems)
    text = "\n".join(problems)
    assert "did you mean 'light_sync.every_minutes'?" in text
    assert "unknown time zone 'Europe/Londn' in schedule.timezone — did you mean " \
           "'Europe/London'?" in text
    assert "nightly_time = '25:00' is not a time of day" in text
    assert "light_sync.start (18:00) must be before light_sync.end (09:00)" in text
    assert "'contacts.csv' is neither an .xlsx workbook nor a Google Sheet URL" in text
    assert "(and 4 more)" in str(caught.value)


def test_office_config_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    config = write_office(tmp_path, books=("sub/a.xlsx",))
    office = load_office(config)
    assert office.workbooks[0].location == str(tmp_path / "sub" / "a.xlsx")
    assert office.status_file == tmp_path / "state" / "status.json"
    assert office.lock_dir == tmp_path / "state" / "locks"
    assert office.nightly_time == dtime(2, 30)


def test_example_office_config_is_valid() -> None:
    office = load_office(ROOT / "config" / "office.example.toml")
    assert office.timezone.key == "Asia/Kuala_Lumpur"
    assert office.workbooks[0].name == "Main office"


def test_check_reports_every_unreachable_workbook(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    good = tmp_path / "good.xlsx"
    openpyxl.Workbook().save(good)
    (tmp_path / "notzip.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp_path / "rules.toml").write_text("[general]\nid_prefx = 'X'\n", encoding="utf-8")
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdEF/edit"
    config = write_office(tmp_path, books=("good.xlsx", "missing.xlsx", "notzip.xlsx", url))
    config.write_text(config.read_text() + '[[workbooks]]\nlocation = "good2.xlsx"\n'
                      'config = "rules.toml"\n', encoding="utf-8")
    openpyxl.Workbook().save(tmp_path / "good2.xlsx")
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("SHEETS_SYNC_GOOGLE_API", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-token-here"))
    assert run_command(config, once=False, check=True) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4, err
    assert err[0] == f"missing.xlsx: workbook not found: {tmp_path / 'missing.xlsx'}"
    assert "notzip.xlsx" in err[1] and "not a zip file" in err[1]
    assert "no Google credentials" in err[2] and "auth --login" in err[2]
    assert "unknown setting 'general.id_prefx'" in err[3] and "id_prefix" in err[3]

    creds = tmp_path / "sa.json"
    creds.write_text("{}", encoding="utf-8")
    config.write_text(config.read_text().replace(
        "[files]", '[google]\ncredentials_file = "sa.json"\n[files]'), encoding="utf-8")
    problems = check_reachable(load_office(config))
    assert any("is not a service-account key" in p for p in problems), problems


@pytest.mark.slow
def test_check_ok_and_invalid_config_exit_codes(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import openpyxl

    openpyxl.Workbook().save(tmp_path / "a.xlsx")
    assert run_command(write_office(tmp_path), once=False, check=True) == 0
    assert capsys.readouterr().out.startswith("OK: 1 workbook(s) reachable")
    bad = write_office(tmp_path, nightly="7pm")
    assert run_command(bad, once=True, check=False) == 5
    assert "nightly_time = '7pm' is not a time of day" in capsys.readouterr().err
    assert run_command(tmp_path / "nope.toml", once=True, check=False) == 5


# ---------------------------------------------------------------------------------------------
# Real processes.


def _env(test_dir: Path, seconds: float, fake: bool = True) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)]),
           "WORKER_TEST_DIR": str(test_dir), "SLOW_SYNC_SECONDS": str(seconds)}
    env.pop(TEST_SYNC_ENV, None)
    if fake:
        env[TEST_SYNC_ENV] = "test_worker:slow_sync"
    return env


def _spawn(config: Path, *args: str, seconds: float = 0.0, fake: bool = True
           ) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sheets_sync.worker", "--config", str(config), *args],
        cwd=ROOT, env=_env(config.parent, seconds, fake), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _calls(test_dir: Path) -> list[str]:
    path = test_dir / "calls.log"
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


@pytest.mark.slow
def test_two_real_workers_never_sync_the_same_book(tmp_path: Path) -> None:
    config = write_office(tmp_path)
    first = _spawn(config, "--once", seconds=6.0)  # long enough for the second to start under load
    try:
        _wait_for(lambda: any(line.startswith("start") for line in _calls(tmp_path)),
                  "the first worker to start syncing")
        second = _spawn(config, "--once", seconds=2.0)
        assert second.wait(timeout=15) == 0, second.stderr.read() if second.stderr else ""
        assert first.poll() is None, "the second worker should not have waited for the first"
        assert first.wait(timeout=15) == 0
    finally:
        first.kill()
        first.wait()
    assert [line.split()[0] for line in _calls(tmp_path)] == ["start", "end"]
    log = (tmp_path / "state" / "worker.log").read_text(encoding="utf-8")
    busy = [line for line in log.splitlines() if "result=busy" in line]
    assert len(busy) == 1 and f'holder="pid {first.pid} on' in busy[0]
    assert sum("result=ok" in line for line in log.splitlines()) == 1


@pytest.mark.slow
def test_sigterm_finishes_the_current_book_and_exits_0(tmp_path: Path) -> None:
    config = write_office(tmp_path, books=("a.xlsx", "b.xlsx"))
    office = load_office(config)
    status = StatusFile(office.status_file)
    # Both books missed last night, so the worker starts syncing at once (catch-up).
    status.update(lambda data: data["workbooks"].update(
        {book.key: {"name": book.name, "last_nightly": "2020-01-01T02:30:00+00:00"}
         for book in office.workbooks}))
    worker = _spawn(config, seconds=1.5)
    try:
        _wait_for(lambda: any(line.startswith("start") for line in _calls(tmp_path)),
                  "the worker to start syncing")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        worker.kill()
        worker.wait()
    assert _calls(tmp_path) == [f"start {office.workbooks[0].location}",
                                f"end {office.workbooks[0].location}"]
    log = office.log_file.read_text(encoding="utf-8")
    assert re.search(r"run=nightly workbook=a.xlsx attempt=1/3 result=ok ", log)
    assert "event=stopping skipped=1" in log and "event=worker-stop" in log
    assert status.read()["worker"]["state"] == "stopped"
    assert read_lock(book_lock_file(office.workbooks[0].location, office.lock_dir)) is None


@pytest.mark.slow
def test_sigterm_while_idle_exits_promptly(tmp_path: Path) -> None:
    config = write_office(tmp_path)
    office = load_office(config)
    worker = _spawn(config)
    try:
        _wait_for(lambda: StatusFile(office.status_file).read()["worker"].get("state") == "idle",
                  "the worker to go idle")
        began = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
        assert time.monotonic() - began < 3  # the nap is interrupted, not waited out
    finally:
        worker.kill()
        worker.wait()
    assert "worker started" in (worker.stderr.read() if worker.stderr else "")


@pytest.mark.slow
def test_kill_9_mid_run_then_next_run_recovers_the_stale_lock(tmp_path: Path) -> None:
    config = write_office(tmp_path)
    office = load_office(config)
    lock = book_lock_file(office.workbooks[0].location, office.lock_dir)
    victim = _spawn(config, "--once", seconds=30)
    try:
        _wait_for(lambda: bool(_calls(tmp_path)), "the worker to start syncing")
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
    finally:
        victim.kill()
        victim.wait()
    holder = read_lock(lock)
    assert holder is not None and holder.pid == victim.pid  # left behind by the dead process
    again = _spawn(config, "--once", seconds=0)
    assert again.wait(timeout=15) == 0
    log = office.log_file.read_text(encoding="utf-8")
    assert f'event=stale-lock-recovered workbook=a.xlsx previous="pid {victim.pid} on' in log
    assert log.rstrip().splitlines()[-1].endswith("issues=3")  # ... result=ok line
    assert read_lock(lock) is None


def _real_sync_missing() -> bool:
    """True while sync_workbook raises NotImplementedError (or its module cannot be imported yet,
    as while it is being written); any other answer means the real sync exists."""
    try:
        from sheets_sync.sync import sync_workbook

        missing = Path(tempfile.gettempdir()) / "sheets-sync-no-such-dir" / "none.xlsx"
        sync_workbook(str(missing), load_config(), date.today(), dry_run=True)
    except (NotImplementedError, ImportError):
        return True
    except Exception:  # a UserError about the missing file: the real sync is there
        return False
    return False


def _contacts_workbook(path: Path, rows: int) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Contacts"
    ws.append(["ID", "Name", "Owner", "Phone", "Email", "Language", "Country", "Birthday",
               "Circle", "Stage", "Closing date", "Last contact", "Referred by", "NPS",
               "My notes"])
    for n in range(1, rows + 1):
        ws.append([f"C{n:04d}", f"Person {n}", ("Mei", "Ken")[n % 2], f"+6012{n:07d}",
                   f"p{n}@example.com", "en", "MY", date(1980, 1 + n % 12, 1 + n % 28),
                   "Network", ("Prospect", "Closed")[n % 2],
                   date(2024, 1 + n % 12, 1) if n % 2 else None,
                   date(2026, 1 + n % 10, 1), "", n % 11, f"note {n}"])
    wb.create_sheet("Interactions").append(
        ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"])
    wb.create_sheet("Transactions").append(
        ["Contact ID", "Closing date", "Side", "Price", "Commission", "Source", "Referred by"])
    wb.save(path)


@pytest.mark.skipif(_real_sync_missing(), reason="sheets_sync.sync.sync_workbook is not "
                    "implemented yet (raises NotImplementedError or does not import)")
@pytest.mark.slow
def test_kill_9_during_a_real_sync_leaves_the_workbook_intact(tmp_path: Path) -> None:
    import openpyxl

    book = tmp_path / "contacts.xlsx"
    _contacts_workbook(book, rows=1500)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    config = write_office(tmp_path, books=("contacts.xlsx",))
    office = load_office(config)
    lock = book_lock_file(office.workbooks[0].location, office.lock_dir)

    def intact() -> str:
        wb = openpyxl.load_workbook(book)  # must open: never a half-written file
        try:
            if hashlib.sha256(book.read_bytes()).hexdigest() == before:
                return "unchanged"
            headers = [cell.value for cell in wb["Contacts"][1]]
            assert "Tier" in headers and "Today" in wb.sheetnames, "changed but not fully synced"
            assert wb["Contacts"]["B1501"].value == "Person 1500"  # typed data kept
            return "synced"
        finally:
            wb.close()

    # Kill at several points: during start-up/reading, computing, and (the sync takes ~1 s
    # here) writing. Whatever the moment, the workbook must open and be old or fully new.
    seen = set()
    for delay in (0.1, 0.4, 0.7, 1.0):
        victim = _spawn(config, "--once", fake=False)
        try:
            _wait_for(lambda proc=victim: read_lock(lock) is not None or proc.poll() is not None,
                      "the real sync to start", timeout=60)
            time.sleep(delay)
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
        finally:
            victim.kill()
            victim.wait()
        seen.add(intact())
    assert seen <= {"unchanged", "synced"}
    again = _spawn(config, "--once", fake=False)
    assert again.wait(timeout=120) == 0, again.stderr.read() if again.stderr else ""
    assert intact() == "synced"
    assert "event=stale-lock-recovered" in office.log_file.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Fake syncs for the process tests (imported by the worker via SHEETS_SYNC_TEST_SYNC).


def slow_sync(location: str, config: dict[str, Any], today: date, *, light: bool = False,
              dry_run: bool = False) -> FakeReport:
    """Appends "start"/"end" to WORKER_TEST_DIR/calls.log around a SLOW_SYNC_SECONDS sleep."""
    calls = Path(os.environ["WORKER_TEST_DIR"]) / "calls.log"
    with open(calls, "a", encoding="utf-8") as handle:
        handle.write(f"start {location}\n")
    time.sleep(float(os.environ.get("SLOW_SYNC_SECONDS", "0")))
    with open(calls, "a", encoding="utf-8") as handle:
        handle.write(f"end {location}\n")
    return FakeReport(workbook=location, today=today, contacts=10, touchpoints_due=2, issues=3,
                      written=True)
