"""The Metrics tab as an owned tab: one row per metric (name, value, target, status, definition,
advice), the breakdown tables below, typed columns and per-cell value kinds, and the charts at
the right naming the columns they read."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from sheets_sync.core.metrics_breakdowns import BREAKDOWN_COLUMNS, BREAKDOWN_FORMATS, Breakdown
from sheets_sync.core.metrics_catalogue import (
    DAYS,
    METRIC_NAMES,
    MONEY,
    PERCENT,
    TAB_LABELS,
    Metric,
    group_label,
    metric_label,
    shown_texts,
)
from sheets_sync.core.model import TEXT, Chart, Column, ColumnRef, OwnedTab
from sheets_sync.core.referrals import localized


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
    rows, value_formats, spans = _metric_rows(metrics, lang)
    breakdown_at = _append_breakdowns(rows, breakdowns, lang)
    charts = [*_history_charts(_history_count(history_rows), lang),
              *_distribution_charts(spans, lang), *_source_chart(breakdown_at, lang)]
    return OwnedTab(
        key="metrics",
        columns=_columns(lang),
        rows=rows,
        charts=charts,
        cell_kinds=value_formats,
    )


# Sheet rows below are counted as the tab shows them: the header on row 1, data from row 2.
_Span = tuple[int, int]  # first and last sheet row


_VALUE_KINDS = {PERCENT: "percent", MONEY: "money"}  # any other format is a plain number


def _label(key: str, lang: str) -> str:
    return localized(TAB_LABELS.get(key) or METRIC_NAMES[key], lang)


def _metric_rows(metrics: list[Metric], lang: str
                 ) -> tuple[list[list[Any]], dict[tuple[int, str], str], dict[str, _Span]]:
    """One row per metric, the value kind of each, and the rows each metric key spans (its
    per-group lines under "key/g")."""
    rows: list[list[Any]] = []
    value_formats: dict[tuple[int, str], str] = {}
    spans: dict[str, _Span] = {}
    for metric in metrics:
        sheet_row = len(rows) + 2
        span_key = metric.key + ("/g" if metric.group else "")
        spans[span_key] = (spans.get(span_key, (sheet_row, sheet_row))[0], sheet_row)
        value_formats[len(rows), "value"] = _VALUE_KINDS.get(metric.format, "number")
        status = _label(metric.status, lang) if metric.status else ""
        target, definition, advice = shown_texts(metric, lang)
        rows.append([metric_label(metric, lang), display_value(metric), target, status,
                     definition, advice])
    return rows, value_formats, spans


def _append_breakdowns(rows: list[list[Any]], breakdowns: list[Breakdown],
                       lang: str) -> dict[str, _Span]:
    """Each breakdown below the metrics (a blank row, its title, its header, its rows); returns
    the sheet rows of each breakdown's data."""
    breakdown_at: dict[str, _Span] = {}
    for breakdown in breakdowns:
        rows.append([])
        rows.append([_label(f"by_{breakdown.key}", lang)])
        rows.append([_label(breakdown.key, lang), *(_label(k, lang) for k in BREAKDOWN_COLUMNS)])
        start = len(rows) + 2
        for row in breakdown.rows:
            # A source is shown as written; the other groups (and a blank source) are labels.
            rows.append([group_label(row[0], lang) if breakdown.key != "source" or not row[0]
                         else row[0], *row[1:]])
        breakdown_at[breakdown.key] = (start, len(rows) + 1)
    return breakdown_at


_HEADER_KEYS = ("metric", "value", "target", "status", "definition", "advice")


def _columns(lang: str) -> list[Column]:
    # The breakdown tables below run wider than the header row; column n >= 1 holds breakdown
    # column n - 1 there. Columns C-K hold text in the main table and numbers in the breakdowns: a
    # number kind on a text cell changes nothing, so the breakdowns get theirs.
    keys = _HEADER_KEYS
    columns = [Column(keys[0], _label(keys[0], lang), TEXT)]
    for n, kind in enumerate(BREAKDOWN_FORMATS, start=1):
        key = keys[n] if n < len(keys) else BREAKDOWN_COLUMNS[n - 1]
        columns.append(Column(key, _label(key, lang) if n < len(keys) else None, kind))
    return columns


def metric_headers(lang: str) -> list[str]:
    """The header row of the Metrics tab in `lang`."""
    return [c.header for c in _columns(lang) if c.header is not None]


def _cells(tab: str, column: str, first: int, last: int) -> ColumnRef:
    """Sheet rows as counted above (header on row 1) -> data rows."""
    return ColumnRef(tab, column, first - 2, last - 2)


def _history_charts(count: int, lang: str) -> list[Chart]:
    """NPS and repeat client rate over the `count` rows of the Metrics history tab."""
    if not count:
        return []
    dates = _cells("metrics_history", "date", 2, count + 1)
    charts = []
    for key, title in (("nps", "nps_over_time"), ("repeat_client_rate", "repeat_over_time")):
        series = _cells("metrics_history", key, 2, count + 1)
        charts.append(Chart("line", _label(title, lang), dates,
                            [(localized(METRIC_NAMES[key], lang), series)],
                            date_categories=True))
    return charts


def _distribution_charts(spans: dict[str, _Span], lang: str) -> list[Chart]:
    """Contacts by tier (pie) and by activity (column), from their per-group metric rows."""
    charts = []
    for key, kind in (("tier_distribution", "pie"), ("activity_distribution", "column")):
        if key + "/g" in spans:
            start, end = spans[key + "/g"]
            counts = _cells("metrics", "value", start, end)
            charts.append(Chart(kind, localized(METRIC_NAMES[key], lang),
                                _cells("metrics", "metric", start, end),
                                [(_label("contacts", lang), counts)]))
    return charts


def _source_chart(breakdown_at: dict[str, _Span], lang: str) -> list[Chart]:
    """Transactions by source, from the By source breakdown, when it has rows."""
    if "source" not in breakdown_at:
        return []
    start, end = breakdown_at["source"]
    if end < start:
        return []
    # Column D holds the Transactions count in a breakdown row.
    return [Chart("bar", _label("business_by_source", lang),
                  _cells("metrics", "metric", start, end),
                  [(_label("transactions", lang), _cells("metrics", "status", start, end))])]
