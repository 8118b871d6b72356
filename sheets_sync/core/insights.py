"""The measured side of a sync — metrics, breakdowns, the Metrics history and the referrers —
computed once from the book's facts, for the insight tabs and the HTML report alike, so the
report and the Metrics tab show the same numbers on the same day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheets_sync.core.facts import BookFacts
from sheets_sync.core.metrics import compute_metrics, due_items_from_today, list_written_on
from sheets_sync.core.metrics_breakdowns import Breakdown, compute_breakdowns
from sheets_sync.core.metrics_catalogue import Metric
from sheets_sync.core.metrics_groups import BookRows
from sheets_sync.core.metrics_history import history_value, merge_history
from sheets_sync.core.model import Book, Classification, OwnedTab, Table
from sheets_sync.core.referrals import Referrer, compute_referrals


@dataclass
class Insights:
    metrics: list[Metric]
    breakdowns: list[Breakdown]
    history: OwnedTab  # the Metrics history tab as this sync writes it
    referrers: list[Referrer]


def measure(book: Book, classes: Mapping[int, Classification], facts: BookFacts, today: date,
            config: Mapping[str, Any], *, today_table: Table | None,
            history_table: Table | None, lang: str = "en") -> Insights:
    """Every measure of the book on `today`, from the Today and Metrics history tabs as read.

    On a re-run the same day the Today tab is this day's own output, not evidence of what was
    done on time: Touchpoints on time keeps the value the day's first sync measured (its row in
    the Metrics history), so re-runs change nothing and the report agrees with the tab. The
    day's first sync may be a light one (plan.build_plan measures then too).
    """
    date_order = str(config["general"].get("date_order", "dmy"))
    referrers = compute_referrals(book, classes, today, config, facts)
    written = list_written_on(today_table, date_order)
    # An empty list tells no day; today's Metrics history row then says whether an earlier
    # sync of the day (a light sync replacing yesterday's list) measured it already.
    rerun = written == today or (written is None and history_value(
        history_table, today, "touchpoints_on_time", date_order) is not None)
    due_items = None if rerun else due_items_from_today(today_table, today, date_order)
    rows = BookRows(book, facts, classes, config)  # keyed once for the metrics and the breakdowns
    metrics = compute_metrics(book, classes, today, config, due_items=due_items,
                              referrers=referrers, facts=facts, rows=rows)
    if rerun:
        for metric in metrics:
            if metric.key == "touchpoints_on_time" and not metric.group:
                metric.value = history_value(history_table, today, metric.key, date_order)
    history = merge_history(history_table, today, metrics, lang, date_order)
    breakdowns = compute_breakdowns(book, classes, today, config, facts, rows)
    return Insights(metrics, breakdowns, history, referrers)
