"""Edits a person makes in the Sheets UI, applied straight to server state (no request logged).

They reuse the grid operations of batchUpdate, so metadata, validations and formats move the
way they would when a person inserts, deletes or sorts rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .a1 import column_index
from .batch import sort_rows
from .model import Sheet, Spreadsheet, delete_mapping
from .valueops import write_cell


class Person:
    def __init__(self, edit: Callable[[Callable[[Spreadsheet], Any]], Any]) -> None:
        self._edit = edit

    def _sheet(self, ss: Spreadsheet, title: str) -> Sheet:
        sheet = ss.sheet_by_title(title)
        if sheet is None:
            raise KeyError(f"no sheet titled {title!r}")
        return sheet

    def insert_rows(self, sheet: str, above_row: int, count: int = 1) -> None:
        """Insert `count` empty rows above 1-based row `above_row` (the grid grows); they take
        the formats and validations of that row, the one the person right-clicked."""

        def edit(ss: Spreadsheet) -> None:
            s = self._sheet(ss, sheet)
            past_end = above_row - 1 >= s.row_count
            ss.insert(s, "ROWS", above_row - 1, count, from_before=past_end)

        self._edit(edit)

    def delete_rows(self, sheet: str, row: int, count: int = 1) -> None:
        def edit(ss: Spreadsheet) -> None:
            s = self._sheet(ss, sheet)
            start = row - 1
            ss.remap(s, "ROWS", delete_mapping(start, start + count), s.row_count - count)

        self._edit(edit)

    def sort(self, sheet: str, a1: str, by_column: str, *, descending: bool = False) -> None:
        """Data > Sort range on `a1` (e.g. 'A2:H' or '2:50') by a column letter."""

        def edit(ss: Spreadsheet) -> None:
            s = self._sheet(ss, sheet)
            box = ss.box(f"{_quoted(s.title)}!{a1}")
            spec = {
                "dimensionIndex": column_index(by_column),
                "sortOrder": "DESCENDING" if descending else "ASCENDING",
            }
            sort_rows(ss, box, [spec])

        self._edit(edit)

    def type(self, sheet: str, cell: str, text: Any) -> None:
        """Type into a cell: parsed as the UI parses (formulas, numbers, dates)."""
        self._write(sheet, cell, text, "USER_ENTERED")

    def tick(self, sheet: str, cell: str, checked: bool = True) -> None:
        """Click a checkbox: the cell's value becomes TRUE or FALSE."""
        self._write(sheet, cell, checked, "RAW")

    def clear(self, sheet: str, cell: str) -> None:
        self._write(sheet, cell, "", "RAW")

    def _write(self, sheet: str, cell: str, value: Any, option: str) -> None:
        def edit(ss: Spreadsheet) -> None:
            s = self._sheet(ss, sheet)
            box = ss.box(f"{_quoted(s.title)}!{cell}")
            write_cell(s, box.start_row, box.start_col, value, option)

        self._edit(edit)


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"
