"""How the Excel store lays out what a change set says: column widths, the order styles are
added in, where charts sit. Nothing here is a rule of the product; another store lays the same
change set out its own way."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

from sheets_sync.core.model import BOOL, DATE, INTEGER, MONEY, NUMBER, PERCENT, WRAP, OwnedTab

DEFAULT_WIDTH = 14.0
# Owned Contacts columns get a width only when they are appended (a person's width stays).
OWNED_WIDTHS = {
    "tier": 7,
    "lifecycle": 13,
    "activity": 11,
    "days_since_contact": 10,
    "next_touch": 30,
    "next_touch_date": 13,
    "completeness": 12,
    "row_issues": 40,
}
# Owned tab -> column key -> width in characters; other columns get DEFAULT_WIDTH.
TAB_WIDTHS: dict[str, dict[str, float]] = {
    "issues": {"tab": 14, "row": 7, "column": 16, "value": 24, "problem": 48, "suggestion": 48},
    "today": {"done": 8, "due": 11, "days_overdue": 9, "priority": 9, "owner": 12,
              "contact_id": 10, "name": 18, "tier": 6, "touchpoint": 30, "channel": 9,
              "phone": 15, "email": 20, "send": 11, "message": 60, "last_interaction": 28,
              "outcome": 20, "notes": 24, "rule": 4},
    "greetings": {"done": 8, "due": 11, "days_overdue": 9, "priority": 9, "owner": 12,
                  "contact_id": 10, "name": 18, "tier": 6, "touchpoint": 30, "channel": 9,
                  "phone": 15, "email": 20, "send": 11, "message": 60, "last_interaction": 28,
                  "outcome": 20, "notes": 24, "rule": 4},
    "calendar": {"month": 16, "theme": 28, "ideas": 50, "holidays": 36, "solar_terms": 24,
                 "birthdays": 40, "anniversaries": 40, "events": 30},
    "themes": {"month": 8, "theme": 32, "ideas": 70},
    "metrics": {"metric": 40, "value": 12, "target": 26, "status": 10, "definition": 50,
                "advice": 40},
    "metrics_history": {"date": 12},
    "referrals": {"referrer_id": 12, "name": 22, "owner": 14, "chain": 40, "reward_tier": 18,
                  "reward_due": 30, "referred": 40},
}
# Columns that grow to fit their longest cell (a cut phone number or address is useless), up to
# FIT_MAX characters; the others keep their width and wrap or cut.
FIT_COLUMNS = {"owner", "contact_id", "name", "phone", "email", "send", "channel", "referrer_id"}
FIT_MAX = 45.0
# Tabs printed as a list: landscape, one page wide, the header row on every page.
PRINT_TABS = ("today", "greetings")
# Columns kept for the tool but not shown (Today's rule key, which the Done loop reads back).
HIDDEN_COLUMNS: dict[str, tuple[str, ...]] = {"today": ("rule",), "greetings": ("rule",)}
LINE_POINTS = 15.0  # one line of 11-point text
MAX_ROW_POINTS = 409.0  # Excel's largest row height
# A new workbook's style sheet grows in this one order (cell styles are found again by exact
# match on later runs, so the order only decides the numbering of the first run's additions).
STYLE_ORDER = (INTEGER, DATE, PERCENT, NUMBER, WRAP, BOOL, MONEY)
CHART_COLS, CHART_ROWS = 5, 16  # size of each chart, in cells
CHARTS_PER_ROW = (2, 3)  # side by side: the fewest that keep clear of the wider rows below
CHART_GAP_ROWS = 2  # between stacked charts


def used_width(tab: OwnedTab) -> int:
    """Columns the rendered sheet spans: its header row or its longest row (at least one)."""
    if not (tab.headers or tab.rows):
        return 1
    return max([len(tab.headers), *(len(r) for r in tab.rows)])


def text_width(value: Any) -> int:
    """Character cells a value takes: a CJK (wide) character counts two."""
    if value is None:
        return 0
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    if text.isascii():  # no ASCII character is wide or combining
        return len(text)
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def column_widths(tab: OwnedTab) -> dict[int, float]:
    """Widths in characters by column position: the tab's set width, and for the columns that
    must not be cut (FIT_COLUMNS) at least their longest cell and header."""
    widths = TAB_WIDTHS.get(tab.key, {})
    out = {n: float(widths[c.key]) for n, c in enumerate(tab.columns) if c.key in widths}
    for n, column in enumerate(tab.columns):
        if column.key not in FIT_COLUMNS:
            continue
        longest = max([text_width(column.header),
                       *(text_width(row[n]) for row in tab.rows if n < len(row))])
        out[n] = max(out.get(n, DEFAULT_WIDTH if column.key not in widths else 0),
                     min(FIT_MAX, longest + 2.0))
    return out


def hidden_columns(tab: OwnedTab) -> set[int]:
    hidden = HIDDEN_COLUMNS.get(tab.key, ())
    return {n for n, c in enumerate(tab.columns) if c.key in hidden}


def row_height(tab: OwnedTab, values: list[Any], widths: dict[int, float]) -> float | None:
    """Points a data row needs so its wrapped cells show every line (LibreOffice does not grow
    a row on opening; Excel keeps a set height), None for one line."""
    lines = 1
    for n, column in enumerate(tab.columns):
        if column.kind != WRAP or n >= len(values) or values[n] in (None, ""):
            continue
        room = max(widths.get(n, DEFAULT_WIDTH) - 1.0, 1.0)
        cell = sum(max(1, math.ceil(text_width(part) * 1.2 / room))
                   for part in str(values[n]).split("\n"))
        lines = max(lines, cell)
    if lines == 1:
        return None
    return min(MAX_ROW_POINTS, lines * LINE_POINTS)


def style_order(kind: str) -> int:
    return STYLE_ORDER.index(kind) if kind in STYLE_ORDER else len(STYLE_ORDER)


def chart_anchors(tab: OwnedTab) -> list[tuple[int, int]]:
    """Top-left cell (0-based column, row) of each chart: beside the top of the table, one blank
    column right of the header row, two or three side by side, so they show when the tab opens
    (the breakdown tables below run wider than the header row; where the charts' rows would
    reach a row wider than the headers, they go right of the widest row instead)."""
    col, across = used_width(tab) + 1, 1
    for side_by_side in CHARTS_PER_ROW:
        deep = -(-len(tab.charts) // side_by_side) * (CHART_ROWS + CHART_GAP_ROWS)
        if tab.headers and all(_filled(row) <= len(tab.headers) for row in tab.rows[:deep]):
            col, across = len(tab.headers) + 1, side_by_side
            break
    return [(col + (n % across) * (CHART_COLS + 1),
             1 + (n // across) * (CHART_ROWS + CHART_GAP_ROWS)) for n in range(len(tab.charts))]


def _filled(row: list[Any]) -> int:
    """Columns a row uses, trailing blanks left out."""
    used = len(row)
    while used and row[used - 1] in (None, ""):
        used -= 1
    return used
