"""A Google Sheet is read as values plus what only grid data can say, and gives the same grid the
Excel reader would: dates as dates, formulas by their value, text that looks like a formula as
text, a formula that shows nothing never blank. Writes split below the payload limit land the
same as one write."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_sync import TODAY, generate
from sheets_sync.core.model import FORMULA_WITHOUT_VALUE
from sheets_sync.stores.gsheets.cells import serial
from sheets_sync.sync import sync_workbook
from tests.gsheets_books import fast_config, local_store, put_grids, put_xlsx, tab_grids
from tests.sheets_api.server import SheetsApiServer
from tests.sheets_api.valueops import write_cell

# Real round trips (the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def formatted(api: SheetsApiServer, key: str, a1_col: int, value: float, kind: str) -> None:
    """Row 2, column `a1_col` (0-based): a serial with a number format of `kind`."""
    def change(spreadsheet: Any) -> None:
        sheet = spreadsheet.sheet_by_title("Contacts")
        write_cell(sheet, 1, a1_col, value, "RAW")
        cell = dict(sheet.cell(1, a1_col))
        cell["userEnteredFormat"] = {"numberFormat": {"type": kind, "pattern": "yyyy-mm-dd"}}
        sheet.put(1, a1_col, cell)

    api.edit(key, change)


def read_row(api: SheetsApiServer, key: str) -> list[Any]:
    store = local_store(api, key)
    store.read()
    return store._meta["Contacts"].grid[1]


def test_a_number_is_a_date_only_by_its_format(api: SheetsApiServer) -> None:
    key = put_grids(api, {"Contacts": [["ID", "Name", "Birthday", "Met", "NPS"],
                                       ["C1", "Alice", None, None, 7]]})
    formatted(api, key, 2, serial(date(1980, 5, 17)), "DATE")
    formatted(api, key, 3, serial(datetime(2026, 11, 2, 18, 0)), "DATE_TIME")
    row = read_row(api, key)
    assert row[2] == date(1980, 5, 17) and type(row[2]) is date
    assert row[3] == datetime(2026, 11, 2, 18, 0)
    assert row[4] == 7.0 and type(row[4]) is float  # JSON's 7 is read as the float grid data gave


def test_a_formula_reads_as_its_value_and_raw_text_starting_with_equals_as_text(
    api: SheetsApiServer,
) -> None:
    key = put_grids(api, {"Contacts": [["ID", "Name", "Note", "Sum"],
                                       ["C1", "Alice", "=SUM(1,2)", None]]})
    api.person(key).type("Contacts", "D2", "=1+2")
    assert read_row(api, key)[2:] == ["=SUM(1,2)", 3.0]


def test_a_formula_showing_an_error_is_never_blank(api: SheetsApiServer) -> None:
    key = put_grids(api, {"Contacts": [["ID", "Name", "Ratio"], ["C1", "Alice", None]]})
    api.person(key).type("Contacts", "C2", "=1/0")
    assert read_row(api, key)[2] is FORMULA_WITHOUT_VALUE


def test_the_read_is_two_requests_and_asks_grid_data_for_no_plain_value(
    api: SheetsApiServer,
) -> None:
    key = put_grids(api, {"Contacts": [["ID", "Name"], ["C1", "Alice"]]})
    api.log.clear()
    read_row(api, key)
    paths = api.log.summary()["paths"]
    assert len(paths) == 2 and paths[1].endswith("/values:batchGet")
    assert api.log.entries[0].bytes_out < 1_000  # properties and flags; the text came as values


def test_values_split_below_a_small_payload_limit_land_as_one_write_does(
    api: SheetsApiServer, tmp_path: Path
) -> None:
    path = tmp_path / "book.xlsx"
    generate(path, contacts=300, interactions=900)  # owned columns of ~30 kB
    whole = put_xlsx(api, path)
    sync_workbook(whole, fast_config(), TODAY)
    expected = tab_grids(whole)
    split = put_xlsx(api, path)
    api.log.clear()
    sync_workbook(split, fast_config(payload_limit_bytes=10_000), TODAY)
    assert api.log.count("write") > 2  # the batch, then the values in several requests
    assert tab_grids(split) == expected


def test_a_text_longer_than_a_google_cell_is_cut_and_a_second_sync_changes_nothing(
    api: SheetsApiServer,
) -> None:
    from tests.store_contract import book, change_set, issues_tab

    key = put_grids(api, book())
    long_name = "Client 1, " * 6_000  # 60,000 characters, as a big book's Calendar cell
    store = local_store(api, key)
    assert store.apply(change_set(store.read(), tabs=[issues_tab([["Contacts", 5, long_name]])]))
    cell = tab_grids(f"gsheet:{key}")["Issues"][1][2]
    assert len(cell) == 50_000 and cell.endswith("…") and long_name.startswith(cell[:-1])
    store = local_store(api, key)
    assert not store.apply(change_set(store.read(),
                                      tabs=[issues_tab([["Contacts", 5, long_name]])]))
