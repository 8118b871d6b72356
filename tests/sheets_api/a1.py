"""A1 notation: parse range strings into sheet + grid bounds, and write them back."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^\$?([A-Za-z]*)\$?(\d*)$")
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^[A-Za-z]{1,3}\d+$")


class A1Error(ValueError):
    """The text is not a range this server can parse ("Unable to parse range")."""


@dataclass(frozen=True)
class Bounds:
    """Half-open grid bounds; None means open on that side (whole column, open-ended row)."""

    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value - 1


def split_sheet(text: str) -> tuple[str | None, str]:
    """'My sheet'!A1:B2 -> ("My sheet", "A1:B2"); A1 -> (None, "A1"); Sheet1 -> ("Sheet1", "")."""
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(name), ""
                if rest.startswith("!"):
                    return "".join(name), rest[1:]
                raise A1Error(text)
            name.append(ch)
            i += 1
        raise A1Error(text)
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return sheet, cells
    return None, text


def parse_cells(cells: str) -> Bounds:
    """The part after '!': A1, A1:B2, A:C, 2:5, A2:H (open-ended rows are clipped later)."""
    if cells == "":
        return Bounds(None, None, None, None)
    first, sep, second = cells.partition(":")
    c1, r1 = _parse_ref(first)
    if not sep:
        if not c1 or r1 is None:
            raise A1Error(cells)
        col = column_index(c1)
        return Bounds(r1 - 1, r1, col, col + 1)
    c2, r2 = _parse_ref(second)
    if not c1 and c2:  # "2:B5" mixes a row with a cell
        raise A1Error(cells)
    if c1 and r1 is None and not c2:  # "A:5"
        raise A1Error(cells)
    start_col = column_index(c1) if c1 else None
    end_col = column_index(c2) + 1 if c2 else None
    start_row = r1 - 1 if r1 is not None else (0 if r2 is not None and c1 else None)
    end_row = r2
    if start_col is not None and end_col is not None and end_col <= start_col:
        start_col, end_col = end_col - 1, start_col + 1
    if start_row is not None and end_row is not None and end_row <= start_row:
        start_row, end_row = end_row - 1, start_row + 1
    return Bounds(start_row, end_row, start_col, end_col)


def _parse_ref(ref: str) -> tuple[str, int | None]:
    match = _CELL.match(ref)
    if not match or (not match.group(1) and not match.group(2)):
        raise A1Error(ref)
    letters, digits = match.group(1), match.group(2)
    if len(letters) > 3:
        raise A1Error(ref)
    row = int(digits) if digits else None
    if row == 0:
        raise A1Error(ref)
    return letters.upper(), row


def quote_sheet(title: str) -> str:
    """Google quotes every name that is not a plain identifier (spaces, Unicode, 'A1'-like)."""
    if _PLAIN_NAME.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """Bounded half-open indices -> 'Sheet'!A1:B2 (a single cell is written A1)."""
    first = f"{column_letters(start_col)}{start_row + 1}"
    last = f"{column_letters(end_col - 1)}{end_row}"
    cells = first if first == last else f"{first}:{last}"
    return f"{quote_sheet(title)}!{cells}"
