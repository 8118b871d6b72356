"""The tool's own tabs read back as typed records: the Today tab (its Done ticks) and the Themes
tab people edit. Every cell goes through the one reader of its kind in parse.py, so a Due date or
a Done tick means the same to the harvest, the metrics and the same-day re-run check."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.model import Table, ThemeRow, TodayRow
from sheets_sync.core.parse import read_date, read_int, read_month, read_text, read_tick
from sheets_sync.core.tables import column_keys

# Extra header spellings accepted when reading a Themes tab back (besides its written headers).
THEME_ALIASES: dict[str, tuple[str, ...]] = {
    "month": ("mth", "月份", "月"),
    "theme": ("topic", "主题", "主題"),
    "ideas": ("ideas", "content", "content idea", "内容", "內容", "アイデア", "idea"),
}


def read_today(table: Table | None, date_order: str = "dmy") -> list[TodayRow]:
    """The rows of a Today tab (headers in any language); [] without the tab or its Done
    column (then it is no list anyone ticked)."""
    if table is None:
        return []
    columns = column_keys("today", table.headers)
    if "done" not in columns:
        return []
    out = []
    for row, values in table.rows:
        def cell(key: str, values: list[Any] = values) -> Any:
            position = columns.get(key)
            return values[position] if position is not None and position < len(values) else None

        out.append(TodayRow(
            row=row,
            done=read_tick(cell("done")),
            due=read_date(cell("due"), date_order),
            days_overdue=read_int(cell("days_overdue")),
            contact_id=read_text(cell("contact_id")),
            touchpoint=_touchpoint(read_text(cell("touchpoint")), read_text(cell("rule"))),
            channel=read_text(cell("channel")),
            outcome=read_text(cell("outcome")),
            notes=read_text(cell("notes")),
            owner=read_text(cell("owner")),
            typed_outcome=_as_typed(cell("outcome")),
            typed_notes=_as_typed(cell("notes")),
        ))
    return out


def _as_typed(value: Any) -> str:
    """A text cell as typed, spaces around the words included; any other cell (a number, a
    date) as `read_text` reads it. A cell of only spaces is blank."""
    if isinstance(value, str):
        return value if value.strip() else ""
    return read_text(value)


def _touchpoint(text: str, rule: str) -> str:
    """The Touchpoint a Done tick logs: "Label [rule_key]". A Today tab since the label stood
    alone keeps the key in its Rule column; an older one has it in the label already."""
    if not rule or not text or text.rstrip().endswith(f"[{rule}]"):
        return text
    return f"{text} [{rule}]"  # the form of touch_render.touchpoint_text


def written_on(rows: Iterable[TodayRow]) -> date | None:
    """The day a Today tab was written: the latest Due + Days overdue of its rows."""
    days = [r.written_on for r in rows if r.written_on is not None]
    return max(days) if days else None


def _theme_index(labels: dict[str, dict[str, str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for key in ("month", "theme", "ideas"):
        for label in [key, *labels[key].values(), *THEME_ALIASES[key]]:
            index.setdefault(vocabulary.normalise(label), key)
    return index


def read_themes(table: Table | None, labels: dict[str, dict[str, str]]) -> list[ThemeRow]:
    """The rows of a Themes tab that name a month (1..12, "March", "3月" …), in sheet order.

    `labels` holds the tab's written headers per column key and language."""
    if table is None:
        return []
    index = _theme_index(labels)
    cols: dict[str, int] = {}
    for position, header in enumerate(table.headers):
        key = index.get(vocabulary.normalise(header)) if header is not None else None
        if key is not None and key not in cols:
            cols[key] = position
    if "month" not in cols:
        return []

    def cell(values: list[Any], key: str) -> Any:
        position = cols.get(key)
        return values[position] if position is not None and position < len(values) else None

    out = []
    for _row, values in table.rows:
        month = read_month(cell(values, "month"))
        if month is not None:
            out.append(ThemeRow(month, read_text(cell(values, "theme")),
                                read_text(cell(values, "ideas"))))
    return out
