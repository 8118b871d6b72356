"""init, demo --google and auth --check on a Google Sheet (the local Sheets API server)."""

from __future__ import annotations

from typing import Any

import pytest

from sheets_sync.cli import main
from tests.gsheets_books import DAY, tab_grids
from tests.sheets_api.server import SheetsApiServer

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_fills_an_empty_shared_sheet_like_the_xlsx_starter(
    api: SheetsApiServer, capsys: Any
) -> None:
    key = api.create_spreadsheet("Office contacts")
    code, out, _ = run(capsys, "init", f"gsheet:{key}", "--lang", "zh")
    assert code == 0 and f"下一步：sheets-sync sync gsheet:{key}" in out  # in the book's language
    spreadsheet = api.spreadsheet(key)
    titles = [s.title for s in spreadsheet.sheets]
    assert "Sheet1" not in titles and "客户" in titles
    contacts = spreadsheet.sheet_by_title("客户")
    assert contacts.props["gridProperties"]["frozenRowCount"] == 1
    stages = [c for c in contacts.rows.get(1, {}).values() if c.get("dataValidation")]
    assert stages, "dropdowns (Stage, Circle, yes/no) come with the starter"


def test_init_refuses_a_sheet_that_already_has_data(api: SheetsApiServer, capsys: Any) -> None:
    key = api.create_spreadsheet("Someone's sheet")
    api.person(key).type("Sheet1", "A1", "my notes")
    code, _, err = run(capsys, "init", f"gsheet:{key}")
    assert code == 2 and "is not empty" in err
    assert api.spreadsheet(key).sheet_by_title("Sheet1").cell(0, 0)


def test_demo_google_creates_a_sheet_and_syncs_it(api: SheetsApiServer, capsys: Any) -> None:
    code, out, _ = run(capsys, "demo", "--google", "--today", DAY.isoformat())
    assert code == 0
    key = out.split("/spreadsheets/d/", 1)[1].split("/", 1)[0]
    grids = tab_grids(f"gsheet:{key}")
    assert "Today" in grids and len(grids["Contacts"]) == 45


def test_auth_check_says_ok_or_what_to_do(api: SheetsApiServer, capsys: Any) -> None:
    key = api.create_spreadsheet("Office contacts")
    code, out, _ = run(capsys, "auth", "--check", f"gsheet:{key}")
    assert code == 0 and out.startswith("OK:") and "read and write" in out
    api.unshare(key)
    code, _, err = run(capsys, "auth", "--check", f"gsheet:{key}")
    assert code == 2 and "is not shared with" in err and len(err.strip().splitlines()) == 1


def test_the_read_only_commands_take_a_google_sheet(
    api: SheetsApiServer, capsys: Any, tmp_path: Any
) -> None:
    from tests.gsheets_books import sample_sheet

    location = sample_sheet(api)
    day = ["--today", DAY.isoformat()]
    assert run(capsys, "sync", location, *day)[0] == 0
    api.log.clear()
    code, out, _ = run(capsys, "today", location, "--owner", "Mei Ling", *day)
    assert code == 0 and "Mei Ling" in out
    assert run(capsys, "ics", location, "-o", str(tmp_path / "m.ics"), *day)[0] == 0
    assert (tmp_path / "m.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert run(capsys, "report", location, "-o", str(tmp_path / "r.html"), *day)[0] == 0
    assert "Google Sheet" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert run(capsys, "referrals", location, *day)[0] == 0
    assert api.log.count("write") == 0  # they only read
