"""What the Excel store reads beside calamine's values: formula cells that show no value, and
how far a sheet's cells reach before its grid is built.

calamine returns "" for a formula with no saved result (openpyxl, pandas and scripts write
formulas without one) and for a formula whose result is "". Such a cell is the person's and
never blank: `mark_formulas` puts `FORMULA_WITHOUT_VALUE` there, so the ID column gets no new
ID over it and the owned columns go right of it.

calamine builds a sheet as a dense rectangle from A1 to its last cell; one stray value at
ALM200001 would make that rectangle 200 million cells. `extent` finds the last cell from the
sheet's XML first, so the store can read such a sheet sparsely instead (`sparse_grid`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sheets_sync.core.cells import col_index
from sheets_sync.core.model import FORMULA_WITHOUT_VALUE

_FORMULA = re.compile(rb"<f[\s>/]")
_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_VALUE = re.compile(rb"<v>([^<]+)</v>")
_CELL_REF = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,3})(\d+)"')


def blank_formulas(xml: bytes) -> Iterator[tuple[int, int]]:
    """(0-based row, 0-based column) of every formula cell with no value or an empty one."""
    end = 0
    for match in _FORMULA.finditer(xml):
        if match.start() < end:
            continue  # a second <f in the same cell
        start = xml.rfind(b"<c", 0, match.start())
        end = xml.find(b"</c>", match.start())
        if start < 0 or end < 0:
            continue
        cell = xml[start:end]
        ref = _REF.search(cell[: cell.find(b">") + 1])
        if ref is None:
            continue
        if not _VALUE.search(cell):
            yield int(ref.group(2)) - 1, col_index(ref.group(1).decode())


def mark_formulas(grid: list[list[Any]], xml: bytes) -> list[list[Any]]:
    """`grid` (rows from A1) with FORMULA_WITHOUT_VALUE at each formula cell showing nothing,
    growing rows where such a cell lies past calamine's range."""
    cells = list(blank_formulas(xml))
    if not cells:
        return grid
    width = max([len(r) for r in grid] + [c + 1 for _, c in cells])
    height = max([len(grid)] + [r + 1 for r, _ in cells])
    while len(grid) < height:
        grid.append([])
    for row, col in cells:
        cells_row = grid[row]
        if col < len(cells_row) and cells_row[col] not in (None, ""):
            continue  # calamine read a value there after all
        if len(cells_row) <= col:
            cells_row.extend([""] * (col + 1 - len(cells_row)))
        cells_row[col] = FORMULA_WITHOUT_VALUE
    for cells_row in grid:
        if cells_row and len(cells_row) < width:
            cells_row.extend([""] * (width - len(cells_row)))
    return grid


def extent(xml: bytes) -> tuple[int, int]:
    """(rows, columns) of the rectangle from A1 to the last referenced cell."""
    rows = cols = 0
    for match in _CELL_REF.finditer(xml):
        rows = max(rows, int(match.group(2)))
        cols = max(cols, col_index(match.group(1).decode()) + 1)
    return rows, cols
