"""Cell values between the Sheets API and plain Python, the same way the Excel reader gives them.

Reading: numbers are floats, text is text, a blank is "", TRUE/FALSE are bools, and a number whose
format type is DATE (or DATE_TIME) is a `date` (`datetime`) — the API returns dates as serials
(days since 1899-12-30) and only the format says a number is one.
Writing: text is always `stringValue`, which the API never parses, so text that starts with
=, +, - or @ stays text; dates are a serial plus a DATE format.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sheets_sync.core.model import DATE, INTEGER, MONEY, NUMBER, PERCENT, TEXT, WRAP

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = {"DATE", "DATE_TIME"}
# Google refuses a whole write holding a longer cell ("Your input contains more than the
# maximum of 50000 characters in a single cell."); the Calendar's name lists pass it at
# 100,000 contacts.
MAX_CELL_CHARACTERS = 50_000


def fitted(text: str) -> str:
    """Text the tool writes, cut to what one Google cell holds, the cut shown by an ellipsis."""
    if len(text) <= MAX_CELL_CHARACTERS:
        return text
    return text[: MAX_CELL_CHARACTERS - 1] + "…"


def serial(value: date) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(number: float, kind: str) -> date:
    moment = EPOCH + timedelta(days=number)
    return moment.date() if kind == "DATE" else moment


def read_cell(cell: dict[str, Any]) -> Any:
    """A CellData of a masked spreadsheets.get -> the value a sync reads."""
    value = cell.get("effectiveValue") or {}
    if "numberValue" in value:
        number = float(value["numberValue"])
        kind = _format_type(cell)
        return from_serial(number, kind) if kind in DATE_TYPES else number
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    return ""  # blank, or an error such as #N/A: no value a rule could use


def _format_type(cell: dict[str, Any]) -> str:
    for source in ("effectiveFormat", "userEnteredFormat"):
        kind = (cell.get(source) or {}).get("numberFormat", {}).get("type")
        if kind:
            return str(kind)
    return ""


def number_format(kind: str, money_pattern: str) -> dict[str, str] | None:
    """The API number format of a cell kind (None: the sheet's default)."""
    return {
        DATE: {"type": "DATE", "pattern": "yyyy-mm-dd"},
        INTEGER: {"type": "NUMBER", "pattern": "0"},
        NUMBER: {"type": "NUMBER", "pattern": "#,##0.00"},
        PERCENT: {"type": "PERCENT", "pattern": "0.0%"},
        MONEY: {"type": "CURRENCY", "pattern": money_pattern},
        TEXT: {"type": "TEXT"},
    }.get(kind)


def cell_data(value: Any, kind: str, money_pattern: str, *, bold: bool = False) -> dict[str, Any]:
    """A CellData for updateCells: a typed value and the format of its kind."""
    data: dict[str, Any] = {}
    entered = entered_value(value)
    if entered is not None:
        data["userEnteredValue"] = entered
    fmt: dict[str, Any] = {}
    if isinstance(value, date) and kind != DATE:
        kind = DATE
    number = number_format(kind, money_pattern)
    if number and not isinstance(value, bool):
        fmt["numberFormat"] = number
    if kind == WRAP:
        fmt["wrapStrategy"] = "WRAP"
        fmt["verticalAlignment"] = "TOP"
    if bold:
        fmt["textFormat"] = {"bold": True}
    data["userEnteredFormat"] = fmt
    return data


def entered_value(value: Any) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (date, datetime)):
        return {"numberValue": serial(value)}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    return {"stringValue": fitted(str(value))}


def values_cell(value: Any) -> Any:
    """A value for a RAW values write: text stays text, a date its serial, blank clears."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return serial(value)
    if isinstance(value, str):
        return fitted(value)
    return value


def as_read(value: Any) -> Any:
    """What reading back a written value gives, to compare the plan with the sheet."""
    if value is None:
        return ""
    if isinstance(value, (bool, date)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return fitted(str(value))
