"""The Metrics history tab: one row per sync day, read back in any supported language and merged
with today's headline values, a person's own columns kept at the right."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.metrics_catalogue import (
    DAYS,
    FORMATS,
    HISTORY_KEYS,
    METRIC_NAMES,
    MONEY,
    PERCENT,
    TAB_LABELS,
    Metric,
)
from sheets_sync.core.model import TEXT, Column, HistoryRow, OwnedTab, Table
from sheets_sync.core.parse import read_date, read_number
from sheets_sync.core.referrals import localized


def history_index() -> dict[str, str]:
    """Normalised header text in any language -> "date" or a metric key."""
    index = {vocabulary.normalise(v): "date" for v in TAB_LABELS["date"].values()}
    for key in HISTORY_KEYS:
        index[vocabulary.normalise(key)] = key
        for name in METRIC_NAMES[key].values():
            index.setdefault(vocabulary.normalise(name), key)
            index.setdefault(vocabulary.normalise(name + " (%)"), key)
    return index


def _history_format(key: str) -> str:
    """A metric's cell kind in the history: days are plain numbers there."""
    fmt = FORMATS[key]
    return {PERCENT: "percent", MONEY: "money", DAYS: "number"}.get(fmt, "number")


def read_history(headers: Sequence[Any], rows: Iterable[Sequence[Any]],
                 date_order: str = "dmy") -> tuple[list[HistoryRow], list[str]]:
    """A Metrics history tab (as read, or as written this sync) as typed rows, and the headers
    of the columns the tool does not know (a person's own), in tab order. Headers may be in any
    supported language; the Date is read by `parse.read_date` (a date cell, ISO text, a serial);
    blank rows are skipped."""
    roles, extra_headers = _column_roles(headers)
    out: list[HistoryRow] = []
    for values in rows:
        row = _history_row(roles, values, date_order)
        if row is not None:
            out.append(row)
    return out, extra_headers


_Role = tuple[str, str]  # per column: ("key"|"extra"|"skip", metric key or header)


def _column_roles(headers: Sequence[Any]) -> tuple[list[_Role], list[str]]:
    """What each column holds: a metric the tool knows (its first column only), a person's own
    column, or nothing (a blank header); and the person's own headers, each once, in tab order."""
    index = history_index()
    extra_headers: list[str] = []
    roles: list[_Role] = []
    for header in headers:
        key = index.get(vocabulary.normalise(header)) if header is not None else None
        if key is not None and all(k != key for kind, k in roles if kind == "key"):
            roles.append(("key", key))
        elif header is None or not str(header).strip():
            roles.append(("skip", ""))
        else:
            name = str(header)
            if name not in extra_headers:
                extra_headers.append(name)
            roles.append(("extra", name))
    return roles, extra_headers


def _history_row(roles: Sequence[_Role], values: Sequence[Any],
                 date_order: str) -> HistoryRow | None:
    """One row by its columns' roles; None for a blank row."""
    known: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for (kind, name), value in zip(roles, values, strict=False):
        if kind == "key":
            known[name] = value
        elif kind == "extra":
            extra[name] = value
    if all(v is None or (isinstance(v, str) and not v.strip())
           for v in [*known.values(), *extra.values()]):
        return None
    raw_day = known.pop("date", None)
    return HistoryRow(read_date(raw_day, date_order), raw_day, known, extra)


def _history_of(table: Table | None, date_order: str = "dmy") -> tuple[list[HistoryRow],
                                                                         list[str]]:
    if table is None:
        return [], []
    return read_history(table.headers, (values for _, values in table.rows), date_order)


def merge_history(previous: Table | None, today: date, metrics: list[Metric],
                  lang: str = "en", date_order: str = "dmy") -> OwnedTab:
    """The Metrics history tab: one row per sync day, oldest first.

    Rows of other days are kept as read (unknown columns too, at the right); a row already dated
    today is replaced by today's values, so a re-run the same day leaves one row. `previous` is the
    tab as read (headers in any supported language; dates as date cells, ISO text or serials).
    Percent metrics are stored as fractions with a percent format.
    """
    keys = list(HISTORY_KEYS)
    history, extra_headers = _history_of(previous, date_order)
    kept: list[tuple[date | None, dict[str, Any], dict[str, Any]]] = [
        (row.day, {"date": row.raw_day, **row.values}, row.extra)
        for row in history if row.day != today]  # today's row is replaced by today's values

    values_today = {m.key: (None if m.value is None else round(m.value, 6))
                    for m in metrics if not m.group and m.key in FORMATS}
    for key in values_today:
        if key not in keys:
            keys.append(key)
    kept.append((today, values_today, {}))
    # Dated rows in date order; rows whose date could not be read stay, after them, as read.
    kept.sort(key=lambda item: (item[0] is None, item[0] or date.min))

    columns = _history_columns(keys, extra_headers, lang)
    rows: list[list[Any]] = []
    for when, known, extra in kept:
        first = when if when is not None else known.get("date")
        rows.append([first, *(known.get(k) for k in keys), *(extra.get(h) for h in extra_headers)])
    return OwnedTab(key="metrics_history", columns=columns, rows=rows)


def _history_columns(keys: Sequence[str], extra_headers: Sequence[str],
                     lang: str) -> list[Column]:
    """Date, the metrics (names in `lang`), then a person's own columns as they headed them."""
    columns = [Column("date", localized(TAB_LABELS["date"], lang), "date")]
    columns += [Column(k, localized(METRIC_NAMES[k], lang) if k in METRIC_NAMES else k,
                       _history_format(k) if k in FORMATS else TEXT) for k in keys]
    columns += [Column(f"extra:{h}", h, TEXT) for h in extra_headers]
    return columns


def history_value(previous: Table | None, day: date, key: str,
                  date_order: str = "dmy") -> float | None:
    """The value of metric `key` in the Metrics history row dated `day`, if there is one."""
    for row in _history_of(previous, date_order)[0]:
        if row.day == day:
            return read_number(row.values.get(key))
    return None
