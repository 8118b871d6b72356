"""Every store keeps the same promises: tests/store_contract.py, run once per store here.

A store joins by adding a Backend below: the Excel file, the in-memory store, and a Google Sheet
on the local Sheets API server (read back and edited through the API).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from sheets_sync.stores.memory import MemoryStore
from sheets_sync.stores.xlsx import XlsxStore
from tests.store_contract import *  # noqa: F403  (the contract's tests, collected here)
from tests.store_contract import Backend, Grid


def write_xlsx(folder: Path, tabs: dict[str, Grid]) -> Path:
    path = folder / "book.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    dates = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, grid in tabs.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                elif isinstance(value, (date, datetime)):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def read_xlsx(path: Path) -> dict[str, Grid]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }


def edit_xlsx(path: Path, tab: str, row: int, col: int, value: Any) -> None:
    """A person saving the file from a spreadsheet program."""
    workbook = openpyxl.load_workbook(path)
    workbook[tab].cell(row=row, column=col + 1, value=value)
    workbook.save(path)


BACKENDS = [
    Backend(
        name="xlsx",
        create=write_xlsx,
        open=lambda path: XlsxStore(path),
        grids=read_xlsx,
        person_edit=edit_xlsx,
    ),
    Backend(
        name="memory",
        create=lambda _folder, tabs: MemoryStore(tabs),
        open=lambda store: store,  # the store is the workbook; read() starts a new sync
        grids=lambda store: store.tabs,
        person_edit=lambda store, tab, row, col, value: store.edit(tab, row, col, value),
    ),
]


def google_backend() -> Backend:
    """A spreadsheet on the local Sheets API server, through real gspread over HTTP."""
    from tests.gsheets_books import local_store, put_grids, shared_server

    server = shared_server()

    def grids(key: str) -> dict[str, Grid]:
        store = local_store(server, key)
        store.read()
        return {title: meta.grid for title, meta in store._meta.items()}

    def edit(key: str, tab: str, row: int, col: int, value: Any) -> None:
        letters = chr(ord("A") + col)
        server.person(key).type(tab, f"{letters}{row}", value)

    def create(_folder: Path, tabs: dict[str, Grid]) -> str:
        server.quota.reset()  # each test is a new book: its requests count from zero
        return put_grids(server, tabs)

    return Backend(
        name="google",
        create=create,
        open=lambda key: local_store(server, key),
        grids=grids,
        person_edit=edit,
        refuses_edits=False,
    )


BACKENDS.append(google_backend())


@pytest.fixture(params=BACKENDS, ids=[b.name for b in BACKENDS])
def backend(request: pytest.FixtureRequest) -> Backend:
    return request.param


def test_the_sync_reaches_the_excel_store_only_to_construct_it() -> None:
    import ast

    import sheets_sync.sync

    tree = ast.parse(Path(sheets_sync.sync.__file__).read_text(encoding="utf-8"))
    from_xlsx = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("stores.xlsx")
        for alias in node.names
    }
    assert from_xlsx == {"XlsxStore"}


def real_google_backend() -> Backend | None:
    """The same contract against a real Google Sheet, when SHEETS_SYNC_TEST_SHEET names one
    (an empty sheet shared with the credentials' account) and credentials are configured."""
    import os

    location = os.environ.get("SHEETS_SYNC_TEST_SHEET")
    if not location or os.environ.get("SHEETS_SYNC_GOOGLE_API"):
        return None
    from sheets_sync.config import load_config
    from sheets_sync.stores.gsheets import GoogleSheetStore, parse_location
    from sheets_sync.stores.gsheets.store import client_for

    config = load_config()
    sheet = parse_location(location)

    def create(_folder: Path, tabs: dict[str, Grid]) -> str:
        client = client_for(config)
        body = client.http.spreadsheets_get(sheet.key, params={"fields": "sheets.properties"})
        keep = body["sheets"][0]["properties"]["sheetId"]
        requests: list[dict[str, Any]] = [
            {"deleteSheet": {"sheetId": s["properties"]["sheetId"]}}
            for s in body["sheets"][1:]]
        requests.append({"updateCells": {"range": {"sheetId": keep}, "fields": "*"}})
        for n, (title, _grid) in enumerate(tabs.items()):
            requests.append({"addSheet": {"properties": {"sheetId": 9000 + n, "title": title}}})
        requests.append({"deleteSheet": {"sheetId": keep}})
        client.http.batch_update(sheet.key, {"requests": requests})
        client.http.values_batch_update(sheet.key, {"valueInputOption": "RAW", "data": [
            {"range": f"'{title}'!A1", "values": [[_cell(v) for v in row] for row in grid]}
            for title, grid in tabs.items()]})
        return sheet.canonical

    def grids(_key: str) -> dict[str, Grid]:
        store = GoogleSheetStore(sheet, config)
        store.read()
        return {title: meta.grid for title, meta in store._meta.items()}

    def edit(_key: str, tab: str, row: int, col: int, value: Any) -> None:
        client_for(config).http.values_update(
            sheet.key, f"'{tab}'!{chr(ord('A') + col)}{row}",
            params={"valueInputOption": "RAW"}, body={"values": [[value]]})

    return Backend(name="real-google", create=create,
                   open=lambda _key: GoogleSheetStore(sheet, config),
                   grids=grids, person_edit=edit, refuses_edits=False)


def _cell(value: Any) -> Any:
    from sheets_sync.stores.gsheets.cells import serial

    if value is None:
        return ""
    return serial(value) if isinstance(value, (date, datetime)) else value


def test_the_contract_against_a_real_google_sheet() -> None:
    backend = real_google_backend()
    if backend is None:
        pytest.skip("no real Google Sheet: set SHEETS_SYNC_TEST_SHEET to an empty sheet shared "
                    "with the account of GOOGLE_APPLICATION_CREDENTIALS to run the contract there")
    import tempfile

    import tests.store_contract as contract

    for name in sorted(n for n in dir(contract) if n.startswith("test_")):
        with tempfile.TemporaryDirectory() as folder:
            getattr(contract, name)(backend, Path(folder))
