"""A starter workbook (built in memory with openpyxl) as one `batchUpdate` for a Google Sheet:
the same tabs, headers, values, date formats, dropdowns, frozen header rows and column widths.

`sheets-sync init` uses it to fill an empty sheet a person shared (or one it created), so a
Google book starts exactly like an .xlsx one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.errors import UserError
from sheets_sync.stores.gsheets.cells import entered_value

FIRST_SHEET_ID = 1000  # new tabs; the empty sheet's own "Sheet1" (id 0) is removed after
CHAR_PIXELS = 7


def starter_requests(workbook: Workbook, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Requests that turn an empty spreadsheet into `workbook`'s tabs. `existing` is the
    spreadsheet's `sheets` as read (properties and data); any value in it is a refusal."""
    for sheet in existing:
        for block in sheet.get("data", []) or []:
            for row in block.get("rowData", []) or []:
                if any(cell.get("effectiveValue") for cell in row.get("values", []) or []):
                    title = sheet["properties"]["title"]
                    raise UserError(f"the Google Sheet is not empty (tab {title} has data)",
                                    "share an empty sheet for `init`, or sync this one")
    requests: list[dict[str, Any]] = []
    for index, sheet in enumerate(workbook.worksheets):
        requests += _sheet_requests(sheet, FIRST_SHEET_ID + index, index)
    for sheet in existing:
        requests.append({"deleteSheet": {"sheetId": sheet["properties"]["sheetId"]}})
    return requests


def _sheet_requests(sheet: Worksheet, sheet_id: int, index: int) -> list[dict[str, Any]]:
    rows = max(sheet.max_row, 2)
    cols = max(sheet.max_column, 1)
    frozen = 0
    if sheet.freeze_panes:
        frozen = int(re.sub(r"[A-Z]+", "", sheet.freeze_panes)) - 1
    requests: list[dict[str, Any]] = [{"addSheet": {"properties": {
        "sheetId": sheet_id, "title": sheet.title, "index": index,
        "gridProperties": {"rowCount": max(rows, 100), "columnCount": max(cols, 26),
                           "frozenRowCount": frozen}}}}]
    row_data = []
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        values = []
        for cell in row:
            data: dict[str, Any] = {}
            entered = entered_value(cell.value)
            if entered is not None:
                data["userEnteredValue"] = entered
            fmt: dict[str, Any] = {}
            if isinstance(cell.value, (date, datetime)):
                fmt["numberFormat"] = {"type": "DATE", "pattern": "yyyy-mm-dd"}
            if cell.font is not None and cell.font.b:
                fmt["textFormat"] = {"bold": True}
            if cell.alignment is not None and cell.alignment.wrap_text:
                fmt["wrapStrategy"] = "WRAP"
            if fmt:
                data["userEnteredFormat"] = fmt
            values.append(data)
        row_data.append({"values": values})
    if row_data:
        requests.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": row_data, "fields": "userEnteredValue,userEnteredFormat"}})
    for letter, dimension in sheet.column_dimensions.items():
        if dimension.width:
            col = range_boundaries(f"{letter}1")[0] - 1
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS",
                          "startIndex": col, "endIndex": col + 1},
                "properties": {"pixelSize": int(dimension.width * CHAR_PIXELS + 10)},
                "fields": "pixelSize"}})
    for validation in sheet.data_validations.dataValidation:
        rule = _rule(validation)
        if rule is None:
            continue
        for bounds in str(validation.sqref).split():
            min_col, min_row, max_col, max_row = range_boundaries(bounds)
            requests.append({"setDataValidation": {
                "range": {"sheetId": sheet_id, "startRowIndex": min_row - 1,
                          "endRowIndex": min(max_row, max(rows, 100)),
                          "startColumnIndex": min_col - 1, "endColumnIndex": max_col},
                "rule": rule}})
    return requests


def _rule(validation: Any) -> dict[str, Any] | None:
    formula = str(validation.formula1 or "")
    if validation.type == "list" and formula.startswith('"'):
        options = [o.strip() for o in formula.strip('"').split(",") if o.strip()]
        if {o.upper() for o in options} == {"TRUE", "FALSE"}:
            return {"condition": {"type": "BOOLEAN"}, "strict": True}
        return {"condition": {"type": "ONE_OF_LIST",
                              "values": [{"userEnteredValue": o} for o in options]},
                "showCustomUi": True, "strict": False}
    if validation.type == "whole" and validation.operator == "between":
        return {"condition": {"type": "NUMBER_BETWEEN", "values": [
            {"userEnteredValue": str(validation.formula1)},
            {"userEnteredValue": str(validation.formula2)}]}, "strict": False}
    return None
