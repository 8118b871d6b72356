"""The functional core of a sync: what was read -> what to write. No I/O, no clock."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .classify import classify
from .model import Book, Classification, Interaction, Issue, OwnedTab, RowWrite, WritePlan
from .stores.base import WorkbookData
from .stores.tables import column_keys
from .today import harvest_done, today_tab
from .touchpoints import Touchpoint, next_touches, today_list
from .validate import validate_book
from .vocabulary import (
    INTERACTION_COLUMNS,
    ISSUE_COLUMNS,
    OWNED_COLUMNS,
    TABS,
    label,
)

OWNED_FORMATS = {
    "days_since_contact": "integer",
    "next_touch_date": "date",
    "completeness": "percent",
    "row_issues": "text",
}


@dataclass
class PlanResult:
    plan: WritePlan
    book: Book
    classes: dict[int, Classification]
    today_items: list[Touchpoint]
    harvested: list[Interaction]
    extra: dict[str, Any] = field(default_factory=dict)


def build_plan(
    data: WorkbookData, config: Mapping[str, Any], today: date, light: bool = False
) -> PlanResult:
    """Everything a sync writes, computed from the tables read and `today`."""
    lang = data.language
    book = validate_book(data.tables, config)
    harvested = (
        harvest_done(data.tables["today"], book.interactions, today)
        if "today" in data.tables
        else []
    )
    book.interactions.extend(harvested)
    classes = classify(book, today, config)
    touches = next_touches(book, classes, today, config)
    items = today_list(book, classes, today, config)
    issues = book.issues + _touchpoint_issues(book, classes, today, config)

    contacts = data.tables["contacts"]
    by_row = issues_by_row(i for i in issues if i.tab == contacts.name)
    row_writes = [
        RowWrite(
            row=c.row,
            contact_id=c.id,
            values=_owned_values(
                classes[c.row],
                touches.get(c.row),
                _row_issue_text(by_row.get(c.row, []), classes[c.row]),
            ),
            assign_id=book.assigned_ids.get(c.row),
        )
        for c in book.contacts
    ]
    tabs = [issues_tab(issues, lang), today_tab(items, lang)]
    tab_names = {tab.key: data.tab_keys.get(tab.key, label(TABS[tab.key], lang)) for tab in tabs}
    appends: dict[str, list[list[Any]]] = {}
    append_formats: dict[str, dict[int, str]] = {}
    if harvested:
        table = data.tables.get("interactions")
        if table is not None:
            rows, formats = interaction_rows(table.headers, harvested)
            appends[table.name] = rows
            append_formats[table.name] = formats
        else:
            tabs.append(interactions_tab(harvested, lang))
            tab_names["interactions"] = label(TABS["interactions"], lang)
    plan = WritePlan(
        contacts_tab=contacts.name,
        header_row=contacts.header_row,
        owned_headers={k: label(v, lang) for k, v in OWNED_COLUMNS.items()},
        owned_formats={k: OWNED_FORMATS.get(k, "text") for k in OWNED_COLUMNS},
        id_column=None,
        row_writes=row_writes,
        tabs=tabs,
        tab_names=tab_names,
        appends=appends,
        append_formats=append_formats,
    )
    book.issues = issues
    return PlanResult(plan, book, classes, items, harvested)


def _owned_values(
    cls: Classification, touch: tuple[str, date] | None, row_issues: str
) -> dict[str, Any]:
    return {
        "tier": cls.tier,
        "lifecycle": cls.lifecycle,
        "activity": cls.activity,
        "days_since_contact": cls.days_since_contact,
        "next_touch": touch[0] if touch else None,
        "next_touch_date": touch[1] if touch else None,
        "completeness": round(cls.completeness, 4),
        "row_issues": row_issues or None,
    }


def _row_issue_text(issues: list[Issue], cls: Classification) -> str:
    return "; ".join([*(f"{i.column}: {i.problem}" for i in issues), *cls.suggestions])


def _touchpoint_issues(
    book: Book, classes: Mapping[int, Classification], today: date, config: Mapping[str, Any]
) -> list[Issue]:
    from .touchpoints import channel_issues

    return channel_issues(book, classes, today, config)


def issues_tab(issues: list[Issue], lang: str) -> OwnedTab:
    headers = [label(v, lang) for v in ISSUE_COLUMNS.values()]
    rows = [
        [i.tab, i.row, i.column, i.value, i.problem, i.suggestion]
        for i in sorted(issues, key=lambda i: (i.tab, i.row or 0, i.column))
    ]
    return OwnedTab(
        key="issues",
        headers=headers,
        rows=rows,
        formats={1: "integer", 4: "wrap"},
        widths={0: 14, 1: 7, 2: 16, 3: 24, 4: 48, 5: 48},
        autofilter=True,
    )


def interaction_rows(
    headers: list[str], items: list[Interaction]
) -> tuple[list[list[Any]], dict[int, str]]:
    """New Interactions rows aligned with the tab's own headers (any language)."""
    columns = column_keys("interactions", headers)
    width = max([len(headers), *(c + 1 for c in columns.values())])
    rows = []
    for item in items:
        row: list[Any] = [None] * width
        for key, col in columns.items():
            row[col] = getattr(item, key)
        rows.append(row)
    formats = {columns["date"]: "date"} if "date" in columns else {}
    return rows, formats


def interactions_tab(items: list[Interaction], lang: str) -> OwnedTab:
    """A new Interactions tab, written only when the workbook has none."""
    keys = list(INTERACTION_COLUMNS)
    return OwnedTab(
        key="interactions",
        headers=[label(INTERACTION_COLUMNS[k], lang) for k in keys],
        rows=[[getattr(i, k) for k in keys] for i in items],
        formats={0: "date"},
        create_only=True,
    )


def tier_counts(classes: Mapping[int, Classification]) -> dict[str, int]:
    counts = Counter(c.tier for c in classes.values())
    return {tier: counts.get(tier, 0) for tier in "ABCD"}


def issues_by_row(issues: Iterable[Issue]) -> dict[int, list[Issue]]:
    grouped: dict[int, list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.row is not None:
            grouped[issue.row].append(issue)
    return grouped
