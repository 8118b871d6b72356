"""No contact detail reaches what the worker leaves behind (its log, its status file, the output of
`run --once` that cron mails), and no cell text drives a terminal or breaks an .ics file.

The first rule is structural (the worker records counts, keys and the tool's own sentences; an
unexpected exception only by type and place); the scrubber is the second net, fed here every form
of phone number and e-mail address people type."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.core.text_safety import terminal_text
from sheets_sync.core.today import format_table, to_ics
from sheets_sync.core.touchpoints import Touchpoint
from sheets_sync.errors import UserError
from sheets_sync.runlog import close_logging, run_line, scrub, setup_logging
from tests.workbooks import CONTACT_HEADERS, contact_rows, excel_like_workbook

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent

PHONES = [
    "+60 12-345 6789",          # ASCII hyphens
    "+60 12–345–6789",          # en dash
    "012‐345‐6789",             # U+2010 hyphen
    "012—345—6789",             # em dash
    "＋６０ １２－３４５ ６７８９",  # full-width plus, digits and hyphen
    "（０３）１２３４－５６７８",     # full-width brackets
    "03\u30001234\u30005678",   # ideographic spaces
    "(555) 123.4567",
]
EMAILS = [
    "mei.tan@example.com",
    '"mei tan"@example.com',    # quoted local part with a space
    '"a@b"@example.org',        # quoted local part holding an @
    "mei＠example.jp",          # full-width at sign
]
NAME = "Tan Mei Ling"
FILE_NAME = "Mei 012–345 6789.xlsx"  # a workbook named after a phone number


@pytest.mark.parametrize("text", PHONES + EMAILS)
def test_the_scrubber_catches_every_form(text: str) -> None:
    scrubbed = scrub(f"bad value {text} in row 7")
    assert scrubbed in ("bad value <phone> in row 7", "bad value <email> in row 7")


def test_the_scrubber_keeps_dates_and_row_numbers() -> None:
    assert scrub("bad date 2026-13-40 in row 12") == "bad date 2026-13-40 in row 12"


def test_a_phone_number_inside_a_file_name_is_scrubbed() -> None:
    assert scrub(f"/office/{FILE_NAME} is open") == "/office/Mei <phone>.xlsx is open"


# -- the worker, as a real process -------------------------------------------------------------


def leaky_sync(location: str, config: dict[str, Any], today: date, *, light: bool = False,
               dry_run: bool = False) -> Any:
    """A sync that fails quoting every contact detail there is (imported by the worker)."""
    details = " ".join(PHONES + EMAILS)
    if location.endswith("a.xlsx"):
        raise UserError(f"cell C7 of {Path(location).name} holds {details}", "fix it")
    raise ValueError(f"could not read {NAME} {details}")


@pytest.mark.slow  # starts the worker
def test_worker_log_status_and_once_output_carry_no_contact_detail(tmp_path: Path) -> None:
    books = [tmp_path / FILE_NAME, tmp_path / "a.xlsx"]
    for book in books:
        book.write_bytes(b"")
    lines = ["[schedule]", 'timezone = "UTC"', 'nightly_time = "02:30"', "[retry]",
             "attempts = 1", "[files]", 'log_file = "state/worker.log"',
             'status_file = "state/status.json"']
    for book in books:
        lines += ["[[workbooks]]", f'location = "{book.name}"']
    config = tmp_path / "office.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(TESTS)]),
           "SHEETS_SYNC_TEST_SYNC": "test_leaks:leaky_sync"}
    result = subprocess.run([sys.executable, "-m", "sheets_sync.cli", "run", "--config",
                             str(config), "--once"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1  # both failed, and said so
    left_behind = {
        "log": (tmp_path / "state" / "worker.log").read_text(encoding="utf-8"),
        "status": (tmp_path / "state" / "status.json").read_text(encoding="utf-8"),
        "once output": result.stdout + result.stderr,
    }
    for where, text in left_behind.items():
        assert "a.xlsx" in text and "Mei <phone>.xlsx" in text, where  # both failures told
        for detail in [*PHONES, *EMAILS, NAME, "012–345 6789", "example"]:
            assert detail not in text, (where, detail)
    assert "ValueError (at test_leaks.py:" in left_behind["log"]


# -- terminal and .ics -------------------------------------------------------------------------

HOSTILE = ("\x1b[2J\x1b[H\x1b[31mMei\x1b[0m "
           "\x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 "
           "\x9b31mTan\x07\x00\u202eevil")


def touchpoint(**fields: Any) -> Touchpoint:
    base: dict[str, Any] = dict(contact_row=2, contact_id="C0001", name=HOSTILE, tier="A",
                                rule="check_in",
                                label="Check-in", due=date(2026, 11, 23), channel="call",
                                phone="+60 12-345 6789", email="", owner="Aisyah",
                                message=f"Hi {HOSTILE}\tsee you", priority=1.0,
                                days_overdue=0)
    base.update(fields)
    return Touchpoint(**base)


def test_terminal_text_drops_escape_sequences_whole() -> None:
    assert terminal_text(HOSTILE) == "Mei click Tanevil"


def test_today_prints_no_escape_or_control_character() -> None:
    table = format_table([touchpoint()])
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", table)
    assert "Mei click" in table


def test_ics_carries_no_control_character_rfc_5545_forbids() -> None:
    text = to_ics([touchpoint()], "team\x1b[2J").decode("utf-8")
    body = text.replace("\r\n ", "").replace("\r\n", "\n")  # unfold, then one line each
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", body)
    assert "Mei click" in body


@pytest.mark.slow  # runs the real command
def test_today_and_ics_of_a_workbook_with_escape_sequences_in_its_cells(tmp_path: Path) -> None:
    rows = contact_rows()
    name = CONTACT_HEADERS.index("Name")
    for row in rows:  # xlsxwriter stores ESC as _x001B_, which readers turn back into ESC
        row[name] = f"\x1b[2J\x1b[31m{row[name]}\x1b]8;;https://evil.example/\x07link\x1b]8;;\x07"
    excel_like_workbook(tmp_path / "book.xlsx", rows)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "sheets_sync.cli"]
    today = subprocess.run([*cli, "today", "book.xlsx", "--today", "2026-11-23"], cwd=tmp_path,
                           env=env, capture_output=True, text=True, timeout=120)
    assert today.returncode == 0 and "Alice Tan" in today.stdout
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]|\[2J|\[31m", today.stdout)
    ics = subprocess.run([*cli, "ics", "book.xlsx", "-o", "t.ics", "--today", "2026-11-23"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert ics.returncode == 0, ics.stderr
    body = (tmp_path / "t.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "Alice Tan" in body
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", body.replace("\r\n", "\n"))


def test_the_log_holds_no_escape_sequence(tmp_path: Path) -> None:
    logger = setup_logging(tmp_path / "worker.log", 100_000, 1)
    try:
        logger.error(run_line(result="error", error="tab \x1b[2J\x1b]8;;https://x/\x07Kalendar"))
    finally:
        close_logging()
    text = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text and "Kalendar" in text
