"""Google Sheets books on the local Sheets API server, for the store's tests.

A book here is the bundled sample (or a generated one) put into a spreadsheet on the server the
way `sheets-sync init` fills a shared sheet, then synced through real gspread over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from sheets_sync.config import load_config
from sheets_sync.sample_data import build_sample
from sheets_sync.starter import build_workbook
from sheets_sync.stores.gsheets.location import SheetLocation
from sheets_sync.stores.gsheets.store import (
    GoogleSheetStore,
    SheetMeta,
    client_for,
    fill_with_workbook,
)
from tests.sheets_api.server import SheetsApiServer

DAY = date(2026, 11, 23)


_shared: list[SheetsApiServer] = []


def shared_server() -> SheetsApiServer:
    """One local server for the whole test run (started on first use, a daemon thread)."""
    if not _shared:
        _shared.append(SheetsApiServer().start())
    return _shared[0]


@pytest.fixture(scope="session")
def sheets_server() -> Iterator[SheetsApiServer]:
    yield shared_server()


@pytest.fixture
def api(sheets_server: SheetsApiServer, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> SheetsApiServer:
    """The server, emptied, with this process pointed at it (no credentials needed)."""
    sheets_server.reset()
    monkeypatch.setenv("SHEETS_SYNC_GOOGLE_API", sheets_server.base_url)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))  # no cached token
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))  # Google books' locks
    return sheets_server


def fast_config(**google: Any) -> dict[str, Any]:
    """The default config with retries that wait milliseconds, not seconds."""
    return load_config(overrides={"google": {"retry_first_wait_seconds": 0.01,
                                             "retry_budget_seconds": 5, **google}})


def upload(api: SheetsApiServer, workbook: Workbook, title: str = "Contacts book") -> str:
    """A new spreadsheet holding `workbook`'s tabs; returns its location (gsheet:<key>)."""
    key = api.create_spreadsheet(title)
    fill_with_workbook(client_for(fast_config()), SheetLocation(key), workbook)
    api.log.clear()
    return f"gsheet:{key}"


def sample_sheet(api: SheetsApiServer, lang: str = "en", day: date = DAY) -> str:
    return upload(api, build_workbook(lang, build_sample(day, lang), sample_day=day))


def tab_grids(location: str) -> dict[str, list[list[Any]]]:
    """Every tab's values as the store reads them (trailing blanks trimmed)."""
    store = GoogleSheetStore(SheetLocation(location.split(":", 1)[1]), fast_config())
    store.read()
    return {title: trim(meta.grid) for title, meta in store._meta.items()}


def metas(location: str) -> dict[str, SheetMeta]:
    store = GoogleSheetStore(SheetLocation(location.split(":", 1)[1]), fast_config())
    store.read()
    return store._meta


def trim(grid: list[list[Any]]) -> list[list[Any]]:
    rows = [list(r) for r in grid]
    for row in rows:
        while row and row[-1] in ("", None):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def put_xlsx(api: SheetsApiServer, path: Path, title: str = "Contacts book") -> str:
    """A spreadsheet holding the values of the workbook at `path`, placed straight into the
    server's state (no request): the quick way to stage a big book for a request-count test."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    grids = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
             for name in book.sheet_names}
    return f"gsheet:{put_grids(api, grids, title)}"


def put_grids(api: SheetsApiServer, tabs: dict[str, list[list[Any]]],
              title: str = "Contacts book") -> str:
    """A spreadsheet holding these grids of values (dates as dates), placed straight into the
    server's state; returns its key."""
    from sheets_sync.stores.gsheets.cells import serial
    from tests.sheets_api.valueops import write_cell

    key = api.create_spreadsheet(title, sheets=[
        {"title": name, "gridProperties": {"rowCount": max(len(grid), 2) + 20,
                                           "columnCount": max([len(r) for r in grid] + [1]) + 5}}
        for name, grid in tabs.items()])

    def fill(spreadsheet: Any) -> None:
        for name, grid in tabs.items():
            sheet = spreadsheet.sheet_by_title(name)
            for r, row in enumerate(grid):
                for c, value in enumerate(row):
                    if isinstance(value, date):
                        write_cell(sheet, r, c, serial(value), "RAW")
                        cell = dict(sheet.cell(r, c))
                        cell["userEnteredFormat"] = {"numberFormat": {"type": "DATE",
                                                                      "pattern": "yyyy-mm-dd"}}
                        sheet.put(r, c, cell)
                    elif value not in ("", None):
                        write_cell(sheet, r, c, value, "RAW")

    api.edit(key, fill)
    return key


def local_store(api: SheetsApiServer, key: str) -> GoogleSheetStore:
    """A store on a spreadsheet of the local server, without touching the environment."""
    from google.auth.credentials import AnonymousCredentials

    from sheets_sync.stores.gsheets.client import SheetsClient
    from sheets_sync.stores.gsheets.credentials import Identity

    client = SheetsClient(Identity(AnonymousCredentials(), "no credentials", None),
                          base=api.base_url, timeout=30, budget_seconds=5, first_wait=0.01)
    return GoogleSheetStore(SheetLocation(key), fast_config(), client=client)
