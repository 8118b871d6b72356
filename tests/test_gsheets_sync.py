"""A Google Sheet syncs like a workbook: the same tabs and columns, in a handful of requests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import python_calamine

from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook
from tests.gsheets_books import DAY, fast_config, metas, sample_sheet, tab_grids, trim
from tests.sheets_api.server import SheetsApiServer

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow

OWNED_TABS = ("Today", "Issues", "Calendar", "Metrics", "Metrics history", "Referrals")


def xlsx_grids(tmp_path: Path) -> dict[str, list[list[Any]]]:
    path = tmp_path / "same.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=DAY)
    sync_workbook(str(path), fast_config(), DAY)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {name: trim(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in book.sheet_names}


def test_a_google_sheet_gets_the_same_tabs_and_columns_as_a_workbook(
    api: SheetsApiServer, tmp_path: Path
) -> None:
    location = sample_sheet(api)
    report = sync_workbook(location, fast_config(), DAY)
    assert report.written and report.contacts == 44
    google, excel = tab_grids(location), xlsx_grids(tmp_path)
    assert list(google) == list(excel)  # same tabs, same order
    for tab in ("Contacts", "Interactions", *OWNED_TABS):
        assert google[tab] == excel[tab], tab


def test_a_sync_costs_five_requests_and_a_second_one_the_same_day_writes_nothing(
    api: SheetsApiServer,
) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    assert api.log.summary()["reads"] == 3 and api.log.summary()["writes"] == 2
    before = tab_grids(location)
    api.log.clear()
    report = sync_workbook(location, fast_config(), DAY)
    assert not report.written
    assert api.log.summary()["requests"] == 2 and api.log.count("write") == 0
    assert tab_grids(location) == before


def test_owned_tabs_carry_the_mark_and_a_warning_only_protection(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    found = metas(location)
    for tab in OWNED_TABS:
        assert found[tab].marked and found[tab].protected, tab
    assert not found["Interactions"].marked  # a person's tab, never marked as the tool's
    spreadsheet = api.spreadsheet(location.split(":", 1)[1])
    today = spreadsheet.sheet_by_title("Today")
    assert all(p.get("warningOnly") for p in today.protected_ranges)


def test_done_is_a_checkbox_and_dates_are_dates(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    today = api.spreadsheet(location.split(":", 1)[1]).sheet_by_title("Today")
    done, due = today.cell(1, 0), today.cell(1, 1)
    assert done["dataValidation"]["condition"]["type"] == "BOOLEAN"
    assert done["userEnteredValue"] == {"boolValue": False}
    assert due["userEnteredFormat"]["numberFormat"]["type"] == "DATE"
    assert "numberValue" in due["userEnteredValue"]


def test_text_that_looks_like_a_formula_is_written_as_text(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    api.person(location.split(":", 1)[1]).type("Contacts", "B3", "'=HYPERLINK(\"x\")")
    sync_workbook(location, fast_config(), DAY)
    grids = tab_grids(location)
    names = [row[6] for row in grids["Today"][1:]]
    assert '=HYPERLINK("x")' in names  # the person's text on Today, as text
    today = api.spreadsheet(location.split(":", 1)[1]).sheet_by_title("Today")
    row = names.index('=HYPERLINK("x")') + 1
    assert today.cell(row, 6)["userEnteredValue"] == {"stringValue": '=HYPERLINK("x")'}


def test_the_cli_takes_a_sheet_url(api: SheetsApiServer, capsys: Any) -> None:
    from sheets_sync.cli import main

    location = sample_sheet(api)
    url = f"https://docs.google.com/spreadsheets/d/{location.split(':', 1)[1]}/edit#gid=0"
    assert main(["sync", url, "--today", DAY.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "44 contacts read" in out and "https:/docs" not in out
    assert main(["sync", url, "--today", DAY.isoformat()]) == 0
    assert "Nothing changed" in capsys.readouterr().out


def test_an_xlsx_workbook_and_its_copy_on_google_stay_in_step_for_a_week(
    api: SheetsApiServer, tmp_path: Path
) -> None:
    location = sample_sheet(api)
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=DAY)
    shutil.copy(path, tmp_path / "start.xlsx")
    for offset in range(0, 8, 2):
        day = DAY.fromordinal(DAY.toordinal() + offset)
        sync_workbook(location, fast_config(), day)
        sync_workbook(str(path), fast_config(), day)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    google = tab_grids(location)
    for tab in ("Contacts", "Today", "Metrics history"):
        assert google[tab] == trim(book.get_sheet_by_name(tab).to_python(skip_empty_area=False))
