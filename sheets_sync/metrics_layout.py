"""The Metrics tab as an owned tab: one row per metric (name, value, target, status, definition,
advice), the breakdown tables below, typed columns and per-cell value kinds, and the charts at
the right naming the columns they read."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .metrics_breakdowns import BREAKDOWN_COLUMNS, BREAKDOWN_FORMATS, Breakdown
from .metrics_catalogue import (
    DAYS,
    METRIC_NAMES,
    MONEY,
    PERCENT,
    TAB_LABELS,
    Metric,
    group_label,
    metric_label,
)
from .model import TEXT, Chart, Column, ColumnRef, OwnedTab
from .referrals import localized


def display_value(metric: Metric) -> float | None:
    """The number written in the Metrics tab's Value column; its cell format (percent, money,
    number) is set per cell, so 25 % is written as 0.25."""
    if metric.value is None or (isinstance(metric.value, float) and math.isnan(metric.value)):
        return None
    if metric.format == PERCENT:
        return round(metric.value, 4)
    if metric.format == DAYS:
        return round(metric.value, 1)
    return round(metric.value, 2)


def _history_count(history_rows: int | OwnedTab | None) -> int:
    if isinstance(history_rows, OwnedTab):
        return len(history_rows.rows)
    return int(history_rows or 0)


def metrics_tab(metrics: list[Metric], breakdowns: list[Breakdown],
                history_rows: int | OwnedTab | None, lang: str,
                config: Mapping[str, Any]) -> OwnedTab:
    """The owned Metrics tab: Metric, Value, Target, Status, Definition, What to do; breakdown
    tables below; charts at the right.

    `history_rows` is the Metrics history tab as written this sync (or its number of data rows):
    the NPS and repeat-rate charts read their series from it.
    """
    del config  # formats come from the store (general.currency_format for money)

    def label(key: str) -> str:
        return localized(TAB_LABELS.get(key) or METRIC_NAMES[key], lang)

    keys = ("metric", "value", "target", "status", "definition", "advice")
    rows: list[list[Any]] = []
    value_formats: dict[tuple[int, str], str] = {}
    first_row: dict[str, int] = {}
    last_row: dict[str, int] = {}
    for metric in metrics:
        sheet_row = len(rows) + 2
        first_row.setdefault(metric.key + ("/g" if metric.group else ""), sheet_row)
        last_row[metric.key + ("/g" if metric.group else "")] = sheet_row
        name = metric_label(metric, lang)
        value_formats[len(rows), "value"] = {PERCENT: "percent", MONEY: "money"}.get(metric.format,
                                                                              "number")
        status = label(metric.status) if metric.status else ""
        rows.append([name, display_value(metric), metric.target, status, metric.definition,
                     metric.advice])

    breakdown_at: dict[str, tuple[int, int]] = {}
    for breakdown in breakdowns:
        rows.append([])
        rows.append([label(f"by_{breakdown.key}")])
        rows.append([label(breakdown.key), *(label(k) for k in BREAKDOWN_COLUMNS)])
        start = len(rows) + 2
        for row in breakdown.rows:
            rows.append([group_label(row[0], lang) if breakdown.key != "source" or not row[0]
                         else row[0], *row[1:]])
        breakdown_at[breakdown.key] = (start, len(rows) + 1)

    # The breakdown tables below run wider than the header row; column n >= 1 holds breakdown
    # column n - 1 there. Columns C-K hold text in the main table and numbers in the breakdowns: a
    # number kind on a text cell changes nothing, so the breakdowns get theirs.
    columns = [Column(keys[0], label(keys[0]), TEXT)]
    for n, kind in enumerate(BREAKDOWN_FORMATS, start=1):
        key = keys[n] if n < len(keys) else BREAKDOWN_COLUMNS[n - 1]
        columns.append(Column(key, label(key) if n < len(keys) else None, kind))
    charts: list[Chart] = []

    def cells(tab: str, column: str, first: int, last: int) -> ColumnRef:
        """Sheet rows as counted above (header on row 1) -> data rows."""
        return ColumnRef(tab, column, first - 2, last - 2)

    count = _history_count(history_rows)
    if count:
        dates = cells("metrics_history", "date", 2, count + 1)
        for key, title in (("nps", "nps_over_time"), ("repeat_client_rate", "repeat_over_time")):
            charts.append(Chart("line", label(title), dates, [
                (localized(METRIC_NAMES[key], lang), cells("metrics_history", key, 2,
                                                            count + 1))],
                                date_categories=True))
    for key, kind in (("tier_distribution", "pie"), ("activity_distribution", "column")):
        if key + "/g" in first_row:
            start, end = first_row[key + "/g"], last_row[key + "/g"]
            charts.append(Chart(kind, localized(METRIC_NAMES[key], lang),
                                cells("metrics", "metric", start, end),
                                [(label("contacts"), cells("metrics", "value", start, end))]))
    if "source" in breakdown_at:
        start, end = breakdown_at["source"]
        if end >= start:
            # Column D holds the Transactions count in a breakdown row.
            charts.append(Chart("bar", label("business_by_source"),
                                cells("metrics", "metric", start, end),
                                [(label("transactions"), cells("metrics", "status", start, end))]))
    return OwnedTab(
        key="metrics",
        columns=columns,
        rows=rows,
        charts=charts,
        cell_kinds=value_formats,
    )
