"""How the Excel store lays out what a change set says: column widths, the order styles are
added in, where charts sit. Nothing here is a rule of the product; another store lays the same
change set out its own way."""

from __future__ import annotations

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
    "today": {"done": 8, "due": 11, "days_overdue": 9, "priority": 9, "name": 20,
              "touchpoint": 40, "message": 70, "outcome": 24, "notes": 30},
    "calendar": {"month": 16, "theme": 28, "ideas": 50, "holidays": 36, "solar_terms": 24,
                 "birthdays": 40, "anniversaries": 40, "events": 30},
    "themes": {"month": 8, "theme": 32, "ideas": 70},
    "metrics": {"metric": 40, "value": 12, "target": 30, "status": 16, "definition": 70,
                "advice": 50},
    "metrics_history": {"date": 12},
    "referrals": {"referrer_id": 12, "name": 22, "owner": 14, "chain": 40, "reward_tier": 18,
                  "reward_due": 30, "referred": 40},
}
# A new workbook's style sheet grows in this one order (cell styles are found again by exact
# match on later runs, so the order only decides the numbering of the first run's additions).
STYLE_ORDER = (INTEGER, DATE, PERCENT, NUMBER, WRAP, BOOL, MONEY)
CHART_COLS, CHART_ROWS = 8, 16  # size of each chart, in cells
CHART_GAP_ROWS = 2  # between stacked charts


def used_width(tab: OwnedTab) -> int:
    """Columns the rendered sheet spans: its header row or its longest row (at least one)."""
    if not (tab.headers or tab.rows):
        return 1
    return max([len(tab.headers), *(len(r) for r in tab.rows)])


def column_widths(tab: OwnedTab) -> dict[int, float]:
    widths = TAB_WIDTHS.get(tab.key, {})
    return {n: widths[c.key] for n, c in enumerate(tab.columns) if c.key in widths}


def style_order(kind: str) -> int:
    return STYLE_ORDER.index(kind) if kind in STYLE_ORDER else len(STYLE_ORDER)


def chart_anchors(tab: OwnedTab) -> list[tuple[int, int]]:
    """Top-left cell (0-based column, row) of each chart: one blank column right of the data,
    stacked from the second row down."""
    col = used_width(tab) + 1
    return [(col, 1 + n * (CHART_ROWS + CHART_GAP_ROWS)) for n in range(len(tab.charts))]
