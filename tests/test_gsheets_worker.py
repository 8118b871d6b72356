"""The worker syncs Google Sheets beside workbooks, checks them, and logs requests per sync."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sheets_sync.office import check_reachable, load_office
from sheets_sync.starter import write_starter_workbook
from sheets_sync.worker import run_command
from tests.gsheets_books import DAY, sample_sheet, tab_grids
from tests.sheets_api.server import SheetsApiServer

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def office_with(tmp_path: Path, *locations: str) -> Path:
    lines = ["[schedule]", 'timezone = "Asia/Kuala_Lumpur"', 'nightly_time = "02:30"',
             "[files]", 'log_file = "state/worker.log"', 'status_file = "state/status.json"']
    for location in locations:
        lines += ["[[workbooks]]", f'location = "{location}"']
    path = tmp_path / "office.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_round_syncs_a_google_sheet_and_a_workbook_side_by_side(
    api: SheetsApiServer, tmp_path: Path, capsys: Any
) -> None:
    key = sample_sheet(api).split(":", 1)[1]
    url = f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"
    write_starter_workbook(tmp_path / "book.xlsx", lang="en", sample=True, today=DAY)
    config = office_with(tmp_path, url, "book.xlsx")
    assert run_command(config, once=True, check=False) == 0
    assert "Today" in tab_grids(f"gsheet:{key}")
    log = (tmp_path / "state" / "worker.log").read_text(encoding="utf-8")
    google_line = next(line for line in log.splitlines() if "Google Sheet" in line)
    assert "result=ok" in google_line and "requests=5" in google_line


def test_check_reaches_a_shared_sheet_and_names_an_unshared_one(
    api: SheetsApiServer, tmp_path: Path
) -> None:
    shared = sample_sheet(api).split(":", 1)[1]
    unshared = sample_sheet(api).split(":", 1)[1]
    api.unshare(unshared)
    office = load_office(office_with(
        tmp_path, f"https://docs.google.com/spreadsheets/d/{shared}/edit",
        f"https://docs.google.com/spreadsheets/d/{unshared}/edit"))
    problems = check_reachable(office)
    assert len(problems) == 1 and "is not shared with" in problems[0]
