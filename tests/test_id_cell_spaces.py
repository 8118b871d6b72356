"""An ID cell holding only spaces is the person's: the sync gives that row no new ID (it would
overwrite what they typed) and says in Issues how to get one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import python_calamine
import xlsxwriter

from sheets_sync.config import load_config
from sheets_sync.sync import sync_workbook

TODAY = date(2026, 11, 23)


def _book(path: Path, id_cell: str) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, ["ID", "Name"])
    ws.write_string(1, 0, id_cell)
    ws.write_string(1, 1, "Sarah Tan")
    ws.write_row(2, 0, ["", "Ali Hassan"])
    wb.close()


def _sheet(path: Path, name: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def test_an_id_cell_of_spaces_is_kept_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _book(path, "  ")
    sync_workbook(str(path), load_config(), TODAY)
    contacts = _sheet(path, "Contacts")
    assert contacts[1][0] == "  "
    assert contacts[2][0] == "C0001"  # a truly blank ID cell still gets one
    issues = [row for row in _sheet(path, "Issues") if "only spaces" in " ".join(map(str, row))]
    assert len(issues) == 1
