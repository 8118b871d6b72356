"""The worker's log (scrubbed, rotating, one line per run) and status file (atomic, shared)."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sheets_sync.runlog import (
    RunOutcome,
    StatusFile,
    close_logging,
    format_status,
    run_line,
    scrub,
    setup_logging,
)
from sheets_sync.worker import status_command


@pytest.fixture(autouse=True)
def _close_log() -> object:
    yield
    close_logging()


@pytest.mark.parametrize("secret", [
    "+60123456789", "+60 12-345 6789", "012-3456789", "(03) 1234 5678", "+1 (212) 555-0123",
    "13812345678", "+81 90-1234-5678", "60123456789.0", "０１２-３４５６７８９",
])
def test_scrub_phone_numbers(secret: str) -> None:
    text = scrub(f"Row 7: phone {secret} is invalid")
    assert text == "Row 7: phone <phone> is invalid"


@pytest.mark.parametrize("secret", [
    "a@b.com", "First.Last+tag@sub.example.co.uk", "ahmad@example", "王伟@例子.中国",
])
def test_scrub_emails(secret: str) -> None:
    assert scrub(f"bad e-mail '{secret}' in Email") == "bad e-mail '<email>' in Email"


@pytest.mark.parametrize("kept", [
    "Row 12", "bad date 2026-13-40", "08/03/2026", "took 12.5s", "1520 contacts",
    "version 0.1.0", "at sync.py:123", "50 % of 120000",
])
def test_scrub_keeps_what_is_not_contact_data(kept: str) -> None:
    assert scrub(kept) == kept


def test_log_is_scrubbed_including_tracebacks_and_stamped_in_office_time(tmp_path: Path) -> None:
    log_file = tmp_path / "logs" / "worker.log"
    logger = setup_logging(log_file, 1_000_000, 3, ZoneInfo("Asia/Kuala_Lumpur"))
    logger.info("call %s or mail %s", "+60123456789", "a@b.com")
    try:
        raise ValueError("cell holds 012-3456789 / x@y.org")
    except ValueError:
        logger.exception("failed")
    close_logging()
    text = log_file.read_text(encoding="utf-8")
    assert "3456789" not in text and "@" not in text
    assert "call <phone> or mail <email>" in text
    assert "ValueError: cell holds <phone> / <email>" in text  # traceback scrubbed too
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00 INFO ", text)


def test_log_rotates(tmp_path: Path) -> None:
    log_file = tmp_path / "worker.log"
    logger = setup_logging(log_file, 2_000, 2)
    for n in range(200):
        logger.info(run_line(run="nightly", workbook=f"book {n}", result="ok"))
    close_logging()
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["worker.log", "worker.log.1", "worker.log.2"]
    assert all(path.stat().st_size <= 2_200 for path in tmp_path.iterdir())


def test_log_does_not_leak_to_the_root_logger(tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    logger = setup_logging(tmp_path / "w.log", 10_000, 1)
    with caplog.at_level(logging.INFO):
        logger.info("nightly done")
    assert caplog.records == []


def test_run_line_quotes_only_when_needed() -> None:
    line = run_line(run="nightly", workbook="Main office", attempt=None, result="ok",
                    error='say "hi"', empty="")
    assert line == 'run=nightly workbook="Main office" result=ok error="say \\"hi\\"" empty=""'


def test_status_keeps_last_success_and_last_error_apart(tmp_path: Path) -> None:
    status = StatusFile(tmp_path / "state" / "status.json")
    status.record("/a.xlsx", "A", RunOutcome("nightly", "ok", "2026-03-06T02:30:00-05:00", 1.5,
                                            10, 2, 1))
    status.record("/a.xlsx", "A", RunOutcome("light", "error", "2026-03-06T09:00:00-05:00",
                                            message="phone +60123456789"))
    status.record("/a.xlsx", "A", RunOutcome("light", "error", "2026-03-06T09:10:00-05:00",
                                            message="still broken"))
    book = status.read()["workbooks"]["/a.xlsx"]
    assert book["last_success"]["contacts"] == 10
    assert book["last_error"]["message"] == "still broken"
    assert book["consecutive_failures"] == 2
    assert book["last_nightly"] == "2026-03-06T02:30:00-05:00"  # light runs do not move it
    assert "60123456789" not in status.path.read_text(encoding="utf-8")
    status.record("/a.xlsx", "A", RunOutcome("nightly", "busy", "2026-03-07T02:30:00-05:00"))
    assert status.read()["workbooks"]["/a.xlsx"]["last_nightly"].startswith("2026-03-06")
    assert [p.name for p in status.path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_status_survives_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    path.write_text("{not json", encoding="utf-8")
    status = StatusFile(path)
    assert status.read()["workbooks"] == {}
    status.set_worker(state="idle")
    assert json.loads(path.read_text(encoding="utf-8"))["worker"] == {"state": "idle"}


def test_concurrent_status_updates_are_not_lost(tmp_path: Path) -> None:
    status_path = tmp_path / "status.json"

    def work(n: int) -> None:
        mine = StatusFile(status_path)
        for i in range(5):
            mine.record(f"/book{n}.xlsx", f"book {n}", RunOutcome(
                "nightly", "ok", f"2026-03-06T02:3{i}:00+00:00"))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    # And one more writer in another process at the same time.
    code = ("import sys; from pathlib import Path; from sheets_sync.runlog import StatusFile, "
            "RunOutcome\nfor i in range(5): StatusFile(Path(sys.argv[1])).record('/other.xlsx', "
            "'other', RunOutcome('light', 'ok', '2026-03-06T09:00:00+00:00'))")
    subprocess.run([sys.executable, "-c", code, str(status_path)], check=True,
                   cwd=Path(__file__).resolve().parent.parent,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    for thread in threads:
        thread.join()
    books = StatusFile(status_path).read()["workbooks"]
    assert sorted(books) == sorted([f"/book{n}.xlsx" for n in range(6)] + ["/other.xlsx"])


def _status_with_two_books(path: Path) -> StatusFile:
    status = StatusFile(path)
    status.record("/srv/a.xlsx", "Main office", RunOutcome(
        "nightly", "ok", "2026-03-06T02:30:04+08:00", 3.2, 1520, 34, 5))
    status.record("/srv/b.xlsx", "North branch", RunOutcome(
        "nightly", "error", "2026-03-06T02:30:09+08:00", 0.1,
        message="Workbook is open in Excel — close it"))
    return status


def test_format_status_table() -> None:
    data = {"worker": {"state": "idle", "pid": 4242, "host": "office-pc",
                       "next_nightly": "2026-03-07T02:30:00+08:00"}, "workbooks": {}}
    assert format_status(data).startswith("worker: idle, pid 4242 on office-pc, next nightly "
                                          "2026-03-07 02:30")
    assert "No workbook has been synced yet." in format_status(data)


def test_status_command_prints_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    _status_with_two_books(tmp_path / "state" / "status.json")
    config = tmp_path / "office.toml"
    config.write_text('[schedule]\ntimezone = "Asia/Kuala_Lumpur"\n[files]\n'
                      'status_file = "state/status.json"\n[[workbooks]]\nlocation = "a.xlsx"\n',
                      encoding="utf-8")
    assert status_command(config) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"Status file: {tmp_path / 'state' / 'status.json'}"
    header, first, second = out[1:4]
    assert header.split() == ["Workbook", "Last", "run", "Result", "Last", "success", "Contacts",
                              "Due", "Issues", "Last", "error"]
    assert first.startswith("Main office ") and "1520" in first and "34" in first
    assert first.rstrip().endswith("—")  # no error yet
    assert second.startswith("North branch") and " error " in second
    assert second.rstrip().endswith("2026-03-06 02:30 Workbook is open in Excel — close it")


def test_status_command_without_a_status_file(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert status_command(None) == 1
    err = capsys.readouterr().err
    assert str(tmp_path / "xdg" / "sheets-sync" / "status.json") in err and "--config" in err


def test_status_command_notices_a_dead_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    status = _status_with_two_books(tmp_path / "sheets-sync" / "status.json")
    import socket

    status.set_worker(state="idle", pid=dead.pid, host=socket.gethostname())
    assert status_command(None) == 0
    assert "worker: not running (last state: idle" in capsys.readouterr().out
