"""A spreadsheet's tabs as grids of plain values, from two requests instead of one heavy one.

1. `spreadsheets.get` with a field mask (`SHEET_FIELDS`): every tab's properties, charts,
   protections and marks, and per cell only what grid data alone can say — the number format's
   type (a number is a date only by its format), whether the cell holds a formula (a RAW text
   "=x" and a formula both render as "=x"), and whether it shows an error. A cell with none of
   these is `{}` in the answer.
2. `values.batchGet` of every tab, UNFORMATTED_VALUE with SERIAL_NUMBER dates: the values,
   compactly (a value and a comma, where grid data spends `{"effectiveValue":{...}}` per cell).

`merge_grid` puts the two together into exactly what the one masked read gave: floats for
numbers, `date`/`datetime` for DATE/DATE_TIME cells, "" for a blank or an error, and
`FORMULA_WITHOUT_VALUE` for a formula that shows nothing or an error.
"""

from __future__ import annotations

from typing import Any

from sheets_sync.core.model import FORMULA_WITHOUT_VALUE
from sheets_sync.stores.gsheets.cells import DATE_TYPES, from_serial

SHEET_FIELDS = (
    "spreadsheetId,properties.title,"
    "sheets(properties(sheetId,title,index,gridProperties),"
    "data.rowData.values(effectiveFormat.numberFormat.type,userEnteredValue.formulaValue,"
    "effectiveValue.errorValue.type),"
    "charts.chartId,protectedRanges(protectedRangeId,description),"
    "developerMetadata(metadataId,metadataKey,metadataValue))"
)
VALUE_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                "majorDimension": "ROWS"}


def merge_grid(sheet: dict[str, Any], values: list[list[Any]]) -> list[list[Any]]:
    """One tab's grid (rows from A1, padded to one width) from its masked `sheet` resource and
    its `values` (JSON numbers already floats)."""
    grid = [row if row.__class__ is list else [] for row in values]
    for r, row in enumerate(_cell_rows(sheet)):
        for c, cell in enumerate(row):
            if cell:  # rare next to the `{}` of a plain cell: a format, a formula or an error
                _place(grid, r, c, cell)
    width = max([len(r) for r in grid] + [0])
    for row in grid:  # pad like calamine does, so both stores give tables the same shape
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return grid


def _cell_rows(sheet: dict[str, Any]) -> list[list[dict[str, Any]]]:
    rows: list[list[dict[str, Any]]] = []
    for block in sheet.get("data", []) or []:
        # Google leaves a zero start out; the whole-tab read starts at A1 anyway.
        start = int(block.get("startRow", 0))
        while len(rows) < start:
            rows.append([])
        rows.extend(row.get("values", []) or [] for row in block.get("rowData", []) or [])
    return rows


def _place(grid: list[list[Any]], r: int, c: int, cell: dict[str, Any]) -> None:
    value = grid[r][c] if r < len(grid) and c < len(grid[r]) else ""
    formula = "formulaValue" in (cell.get("userEnteredValue") or {})
    error = "errorValue" in (cell.get("effectiveValue") or {})
    if formula and (error or value == ""):
        value = FORMULA_WITHOUT_VALUE  # the person's formula, never a blank to write over
    elif error:
        value = ""  # an error typed as a value: nothing a rule could use
    elif value.__class__ is float:
        kind = ((cell.get("effectiveFormat") or {}).get("numberFormat") or {}).get("type", "")
        if kind in DATE_TYPES:
            value = from_serial(value, kind)
        else:
            return
    else:
        return
    while len(grid) <= r:
        grid.append([])
    row = grid[r]
    if len(row) <= c:
        row.extend([""] * (c + 1 - len(row)))
    row[c] = value
