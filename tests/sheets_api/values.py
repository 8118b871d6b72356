"""Cell values: parsing what is written (RAW / USER_ENTERED) and rendering what is read.

A cell is a plain dict shaped like the API's CellData (userEnteredValue, userEnteredFormat,
dataValidation). Cells are never mutated in place: every change builds a new dict, so a
spreadsheet can be copied cheaply (row dicts only) for atomic batches.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

EPOCH = datetime(1899, 12, 30)
ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
}
DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}
DEFAULT_PATTERNS = {
    "DATE": "M/d/yyyy",
    "TIME": "h:mm:ss am/pm",
    "DATE_TIME": "M/d/yyyy H:mm:ss",
}

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^([+-]?\d+(\.\d+)?)%$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_DATE_TIME = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def serial_of(moment: date | datetime) -> float:
    """Days since 1899-12-30, time of day as the fraction."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400


def moment_of(serial: float) -> datetime:
    return EPOCH + timedelta(days=serial)


def json_number(value: float) -> int | float:
    """Google writes 5, not 5.0."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def raw_value(value: Any) -> dict | None:
    """A JSON value written with RAW: strings stay text, numbers and booleans keep their type."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        return {"numberValue": value}
    text = str(value)
    return {"stringValue": text} if text != "" else None


def user_entered_value(value: Any) -> tuple[dict | None, dict | None]:
    """Parse as if typed into the UI (en_US locale): (userEnteredValue, numberFormat or None)."""
    if not isinstance(value, str):
        return raw_value(value), None
    text = value
    if text == "":
        return None, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    mantissa = re.split("[eE]", stripped)[0]
    if _NUMBER.match(stripped) and any(ch.isdigit() for ch in mantissa):
        number = float(stripped.replace(",", ""))
        if math.isfinite(number):
            return {"numberValue": json_number(number)}, None
    match = _PERCENT.match(stripped)
    if match:
        return {"numberValue": float(match.group(1)) / 100}, {"type": "PERCENT", "pattern": "0%"}
    parsed = _parse_moment(stripped)
    if parsed is not None:
        return parsed
    return {"stringValue": text}, None


def _parse_moment(text: str) -> tuple[dict, dict] | None:
    try:
        match = _ISO_DATE.match(text)
        if match:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            return {"numberValue": json_number(serial_of(day))}, {
                "type": "DATE",
                "pattern": "yyyy-mm-dd",
            }
        match = _ISO_DATE_TIME.match(text)
        if match:
            y, mo, d, h, mi, s = (int(g or 0) for g in match.groups())
            moment = datetime(y, mo, d, h, mi, s)
            return {"numberValue": json_number(serial_of(moment))}, {
                "type": "DATE_TIME",
                "pattern": "yyyy-mm-dd H:mm:ss",
            }
        match = _US_DATE.match(text)
        if match:
            day = date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
            return {"numberValue": json_number(serial_of(day))}, {
                "type": "DATE",
                "pattern": "M/d/yyyy",
            }
        match = _TIME.match(text)
        if match:
            h, mi, s = (int(g or 0) for g in match.groups())
            if h < 24 and mi < 60 and s < 60:
                fraction = (h * 3600 + mi * 60 + s) / 86400
                return {"numberValue": fraction}, {"type": "TIME", "pattern": "h:mm:ss am/pm"}
    except ValueError:
        return None
    return None


def number_format(cell: dict) -> dict | None:
    fmt = cell.get("userEnteredFormat") or {}
    return fmt.get("numberFormat")


def is_date_cell(cell: dict) -> bool:
    fmt = number_format(cell)
    return bool(fmt) and fmt.get("type") in DATE_TYPES


def format_number(number: float, fmt: dict | None) -> str:
    """FORMATTED_VALUE of a number under its numberFormat (a useful subset of Google's)."""
    kind = (fmt or {}).get("type", "")
    pattern = (fmt or {}).get("pattern", "")
    if kind in DATE_TYPES:
        return format_moment(number, pattern or DEFAULT_PATTERNS[kind])
    if kind == "PERCENT":
        decimals = _decimals(pattern or "0%")
        return f"{number * 100:.{decimals}f}%"
    if kind in ("NUMBER", "CURRENCY") and pattern:
        head = pattern.split(";")[0]
        places = _placeholders(head)
        if places:
            decimals = _decimals(head)
            grouped = "," in head[places[0] : places[-1] + 1]
            body = f"{abs(number):,.{decimals}f}" if grouped else f"{abs(number):.{decimals}f}"
            prefix = _literal(head[: places[0]])
            suffix = _literal(head[places[-1] + 1 :])
            return ("-" if number < 0 else "") + prefix + body + suffix
    if kind == "CURRENCY":
        return ("-" if number < 0 else "") + f"${abs(number):,.2f}"
    return general_number(number)


def _placeholders(head: str) -> list[int]:
    """Positions of digit placeholders outside [..] sections and "quoted" text."""
    places, bracket, quoted = [], False, False
    for i, ch in enumerate(head):
        if ch == '"' and not bracket:
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and bracket:
            bracket = False
        elif ch in "0#?" and not bracket and not quoted:
            places.append(i)
    return places


def _literal(part: str) -> str:
    """Pattern text around the digits: [$€-407] is the symbol €, quotes and \\ escape text."""
    part = re.sub(r"\[\$([^\]-]*)(?:-[^\]]*)?\]", r"\1", part)
    part = re.sub(r"\[[^\]]*\]", "", part)
    return part.replace('"', "").replace("\\", "")


def general_number(number: float) -> str:
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    if abs(number) >= 1e15 or (number != 0 and abs(number) < 1e-9):
        mantissa, exp = f"{number:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{int(exp):+03d}"
    text = f"{number:.10f}".rstrip("0").rstrip(".")
    return text


def _decimals(pattern: str) -> int:
    head = pattern.split(";")[0]
    if "." not in head:
        return 0
    return sum(1 for ch in head.split(".", 1)[1] if ch in "0#")


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|.", re.IGNORECASE)


def format_moment(serial: float, pattern: str) -> str:
    """Date/time tokens of Sheets patterns; 'm' after an hour or before seconds is minutes."""
    moment = moment_of(serial)
    moment = moment + timedelta(microseconds=500_000) if moment.microsecond >= 500_000 else moment
    tokens = _TOKEN.findall(pattern)
    twelve = any(t.lower() == "am/pm" for t in tokens)
    out = []
    for i, token in enumerate(tokens):
        low = token.lower()
        prev = next((t.lower() for t in reversed(tokens[:i]) if t.strip(":. ")), "")
        nxt = next((t.lower() for t in tokens[i + 1 :] if t.strip(":. ")), "")
        minute = low in ("m", "mm") and (prev.startswith("h") or nxt.startswith("s"))
        hour = moment.hour % 12 or 12 if twelve else moment.hour
        if low == "yyyy":
            out.append(f"{moment.year:04d}")
        elif low == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif low == "mmmm":
            out.append(_MONTHS[moment.month - 1])
        elif low == "mmm":
            out.append(_MONTHS[moment.month - 1][:3])
        elif low == "mm":
            out.append(f"{moment.minute:02d}" if minute else f"{moment.month:02d}")
        elif low == "m":
            out.append(str(moment.minute) if minute else str(moment.month))
        elif low == "dddd":
            out.append(_DAYS[moment.weekday()])
        elif low == "ddd":
            out.append(_DAYS[moment.weekday()][:3])
        elif low == "dd":
            out.append(f"{moment.day:02d}")
        elif low == "d":
            out.append(str(moment.day))
        elif low == "hh":
            out.append(f"{hour:02d}")
        elif low == "h":
            out.append(str(hour))
        elif low == "ss":
            out.append(f"{moment.second:02d}")
        elif low == "s":
            out.append(str(moment.second))
        elif low == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        else:
            out.append(token)
    return "".join(out)


def formatted_value(effective: dict | None, cell: dict) -> str | None:
    if not effective:
        return None
    if "stringValue" in effective:
        return effective["stringValue"]
    if "boolValue" in effective:
        return "TRUE" if effective["boolValue"] else "FALSE"
    if "numberValue" in effective:
        return format_number(effective["numberValue"], number_format(cell))
    if "errorValue" in effective:
        return ERROR_TEXT.get(effective["errorValue"].get("type", "ERROR"), "#ERROR!")
    return None


def render(cell: dict, effective: dict | None, value_render: str, date_render: str) -> Any:
    """One cell as values.get returns it, or None for an empty cell."""
    if value_render == "FORMULA":
        entered = cell.get("userEnteredValue") or {}
        if "formulaValue" in entered:
            return entered["formulaValue"]
        effective = entered or None
    if value_render == "FORMATTED_VALUE":
        return formatted_value(effective, cell)
    if not effective:
        return None
    if "numberValue" in effective:
        if date_render == "FORMATTED_STRING" and is_date_cell(cell):
            return formatted_value(effective, cell)
        return json_number(effective["numberValue"])
    if "boolValue" in effective:
        return effective["boolValue"]
    if "stringValue" in effective:
        return effective["stringValue"]
    return formatted_value(effective, cell)
