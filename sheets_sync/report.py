"""A one-page HTML report of the metrics for a team meeting (SPEC §1: the team lead reads Metrics,
Metrics history and Referrals).

`render_report` returns a single self-contained page: inline CSS, charts as inline SVG drawn here,
no script, no external URL (it opens the same offline, from a mail attachment or a shared drive).
Every value is shown with its target, status and definition, as on the Metrics tab.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.catalogue import text
from sheets_sync.core.metrics_breakdowns import BREAKDOWN_COLUMNS, Breakdown
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
from sheets_sync.core.metrics_history import read_history
from sheets_sync.core.model import OwnedTab, Table
from sheets_sync.core.parse import read_number
from sheets_sync.core.referrals import REFERRAL_COLUMNS, YES, Referrer, localized

TOP_REFERRERS = 20  # rows of the referrer table; the Referrals tab has them all

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC",
       "Microsoft YaHei", sans-serif; margin: 24px; color: #1f2d3d; background: #f7f9fb; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 28px 0 10px; border-bottom: 2px solid #dde3ea; padding-bottom: 4px; }
.sub { color: #5d6d7e; margin-bottom: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 12px 14px; }
.card .name { font-size: 13px; color: #5d6d7e; min-height: 32px; }
.card .value { font-size: 26px; font-weight: 600; margin: 4px 0; }
.card .target { font-size: 12px; color: #5d6d7e; }
.badge { display: inline-block; font-size: 11px; padding: 1px 8px; border-radius: 10px;
         font-weight: 600; }
.met { background: #d5f5e3; color: #1e8449; }
.below { background: #fadbd8; color: #a93226; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
.chart { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 8px; }
table { border-collapse: collapse; background: #fff; width: 100%; font-size: 13px; }
th, td { border: 1px solid #dde3ea; padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.num { text-align: right; white-space: nowrap; }
td.def { color: #5d6d7e; font-size: 12px; max-width: 520px; }
.advice { color: #a93226; font-size: 12px; }
.empty { color: #95a5a6; font-style: italic; }
footer { margin-top: 28px; color: #95a5a6; font-size: 12px; }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _svg_start(width: int, height: int, title: str) -> list[str]:
    """The opening of a chart: the svg element and its centred title."""
    return [f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{_e(title)}">',
            f'<text x="{width / 2}" y="18" text-anchor="middle" font-size="14" '
            f'font-weight="600">{_e(title)}</text>']


def format_value(value: float | None, fmt: str, currency: str = "", lang: str = "en") -> str:
    """A metric value as a person reads it: "25.0 %", "RM40,000", "730 days" (730 天), "52"."""
    if value is None:
        return "—"
    if fmt == PERCENT:
        return f"{value * 100:.1f} %"
    if fmt == MONEY:
        return f"{currency}{value:,.0f}"
    if fmt == DAYS:
        return text("report", f"{value:,.0f} days", lang)
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


# ---------------------------------------------------------------------------------------------
# SVG charts.


def svg_line_chart(points: Sequence[tuple[date, float | None]], title: str, fmt: str,
                   width: int = 520, height: int = 240, empty: str = "no data yet") -> str:
    """A line chart of dated values; gaps (None) break the line. One point shows as a dot."""
    left, right, top, bottom = 56, 16, 30, 34
    dated = sorted((d, v) for d, v in points if v is not None)
    parts = _svg_start(width, height, title)
    if not dated:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                     'font-size="12" fill="#95a5a6">' + _e(empty) + '</text></svg>')
        return "".join(parts)
    values = [v for _, v in dated]
    lo, hi = min(values), max(values)
    if lo == hi:
        pad = 0.05 if fmt == PERCENT else max(1.0, abs(lo) * 0.1)
        lo, hi = lo - pad, hi + pad
    first, last = dated[0][0].toordinal(), dated[-1][0].toordinal()
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(day: date) -> float:
        return left + (plot_w / 2 if last == first else (day.toordinal() - first) / (last - first)
                       * plot_w)

    def y_of(value: float) -> float:
        return top + (hi - value) / (hi - lo) * plot_h

    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
                 'stroke="#95a5a6"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
                 'stroke="#95a5a6"/>')
    for value in (lo, hi):
        parts.append(f'<text x="{left - 6}" y="{y_of(value) + 4:.1f}" text-anchor="end" '
                     f'font-size="11">{_e(format_value(value, fmt))}</text>')
    if lo < 0 < hi:
        parts.append(f'<line x1="{left}" y1="{y_of(0):.1f}" x2="{left + plot_w}" '
                     f'y2="{y_of(0):.1f}" stroke="#dde3ea" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{left}" y="{height - 10}" font-size="11">'
                 f'{_e(dated[0][0].isoformat())}</text>')
    if last != first:
        parts.append(f'<text x="{left + plot_w}" y="{height - 10}" text-anchor="end" '
                     f'font-size="11">{_e(dated[-1][0].isoformat())}</text>')
    # Break the line where a day had no value, so a gap is not drawn as a trend.
    segment: list[str] = []
    for day, value in sorted(points, key=lambda p: p[0]):
        if value is None:
            if len(segment) > 1:
                parts.append(f'<polyline fill="none" stroke="#2e86c1" stroke-width="2" '
                             f'points="{" ".join(segment)}"/>')
            segment = []
            continue
        segment.append(f"{x_of(day):.1f},{y_of(value):.1f}")
    if len(segment) > 1:
        parts.append(f'<polyline fill="none" stroke="#2e86c1" stroke-width="2" '
                     f'points="{" ".join(segment)}"/>')
    for day, value in dated:
        parts.append(f'<circle cx="{x_of(day):.1f}" cy="{y_of(value):.1f}" r="3.5" '
                     f'fill="#2e86c1"><title>{_e(day.isoformat())}: '
                     f'{_e(format_value(value, fmt))}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)


def svg_bar_chart(items: Sequence[tuple[str, float]], title: str, width: int = 420,
                  empty: str = "no data yet") -> str:
    """Horizontal bars, one per (label, value), longest = the largest value."""
    bar, gap, top, label_w = 20, 8, 30, 150
    height = top + max(1, len(items)) * (bar + gap) + 10
    parts = _svg_start(width, height, title)
    if not items:
        parts.append(f'<text x="{width / 2}" y="{top + 14}" text-anchor="middle" font-size="12" '
                     f'fill="#95a5a6">{_e(empty)}</text></svg>')
        return "".join(parts)
    biggest = max((v for _, v in items), default=0.0) or 1.0
    room = width - label_w - 60
    for n, (name, value) in enumerate(items):
        y = top + n * (bar + gap)
        length = max(0.0, value) / biggest * room
        parts.append(f'<text x="{label_w - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end" '
                     f'font-size="12">{_e(name[:22])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" '
                     f'fill="#5dade2"><title>{_e(name)}: {_e(f"{value:g}")}</title></rect>')
        parts.append(f'<text x="{label_w + length + 6:.1f}" y="{y + bar * 0.7:.1f}" '
                     f'font-size="12">{_e(f"{value:g}")}</text>')
    parts.append("</svg>")
    return "".join(parts)


# ---------------------------------------------------------------------------------------------


def _history_series(history: OwnedTab | Table | None, key: str) -> list[tuple[date, float | None]]:
    """(day, value) of one metric from the Metrics history tab (as written or as read)."""
    if history is None:
        return []
    rows = ([values for _, values in history.rows] if isinstance(history, Table)
            else history.rows)
    records, _ = read_history(history.headers, rows)
    if records and key not in {k for r in records for k in r.values}:
        return []
    out = []
    for record in records:
        if record.day is not None:
            out.append((record.day, read_number(record.values.get(key))))
    return out


class _Labels:
    """The words of one report language: tab labels, metric names and Referrals columns."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.none = text("report", "no data yet", lang)  # a chart with nothing to draw

    def __call__(self, key: str) -> str:
        return localized(TAB_LABELS.get(key) or METRIC_NAMES[key], self.lang)

    def referral_column(self, key: str) -> str:
        return localized(REFERRAL_COLUMNS[key], self.lang)


def _head(title: str, lang: str) -> list[str]:
    return ["<!DOCTYPE html>", f'<html lang="{_e(lang)}"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            # The mark by which `report -o` knows a page it may replace (outputs.py).
            '<meta name="generator" content="sheets-sync">',
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{_e(title)}</h1>"]


def _as_of(history: OwnedTab | Table | None, label: _Labels) -> list[str]:
    """The date of the latest NPS in the history, under the title (nothing without one)."""
    days = [d for d, _ in _history_series(history, "nps")]
    if not days:
        return []
    return [f'<div class="sub">{_e(label("date"))}: {_e(max(days).isoformat())}</div>']


def _badge(m: Metric, label: _Labels) -> str:
    return f'<span class="badge {m.status}">{_e(label(m.status))}</span>' if m.status else ""


def _headline_cards(metrics: list[Metric], label: _Labels, currency: str) -> list[str]:
    """One card per metric without a group: name, value, target and status."""
    out = ['<div class="cards">']
    for m in metrics:
        if m.group:
            continue
        badge = f" {_badge(m, label)}" if m.status else ""
        target = shown_texts(m, label.lang)[0]
        value = format_value(m.value, m.format, currency, label.lang)
        out.append(f'<div class="card"><div class="name">{_e(metric_label(m, label.lang))}</div>'
                   f'<div class="value">{_e(value)}</div>'
                   f'<div class="target">{_e(target)}{badge}</div></div>')
    out.append("</div>")
    return out


def _trend_charts(history: OwnedTab | Table | None, label: _Labels) -> list[str]:
    """NPS and repeat client rate over time, from the Metrics history."""
    out = [f"<h2>{_e(label('nps_over_time'))} · {_e(label('repeat_over_time'))}</h2>",
           '<div class="charts">']
    for key, chart_title in (("nps", "nps_over_time"), ("repeat_client_rate", "repeat_over_time")):
        fmt = PERCENT if key == "repeat_client_rate" else "number"
        chart = svg_line_chart(_history_series(history, key), label(chart_title), fmt,
                               empty=label.none)
        out.append(f'<div class="chart">{chart}</div>')
    out.append("</div>")
    return out


def _distribution_charts(metrics: list[Metric], breakdowns: list[Breakdown],
                         label: _Labels) -> list[str]:
    """Bars of the tier and activity distributions and of business by source."""
    out = [f"<h2>{_e(label('tier_distribution'))} · {_e(label('activity_distribution'))}"
           f" · {_e(label('business_by_source'))}</h2><div class=\"charts\">"]
    for key in ("tier_distribution", "activity_distribution"):
        items = [(group_label(m.group, label.lang), m.value or 0.0) for m in metrics
                 if m.key == key and m.group]
        out.append(f'<div class="chart">{svg_bar_chart(items, label(key), empty=label.none)}</div>')
    source = next((b for b in breakdowns if b.key == "source"), None)
    items = [(row[0] or group_label("", label.lang), float(row[3] or 0)) for row in
             (source.rows if source else [])]
    chart = svg_bar_chart(items, label("business_by_source"), empty=label.none)
    out.append(f'<div class="chart">{chart}</div>')
    out.append("</div>")
    return out


def _metric_table(metrics: list[Metric], label: _Labels, currency: str) -> list[str]:
    """Every metric with its target, status, definition and what to do when below target."""
    out = [f"<h2>{_e(label('metric'))}</h2><table><tr>"]
    out += [f"<th>{_e(label(k))}</th>" for k in ("metric", "value", "target", "status",
                                                 "definition")]
    out.append("</tr>")
    for m in metrics:
        target, definition, advice_text = shown_texts(m, label.lang)
        advice = f'<div class="advice">{_e(advice_text)}</div>' if advice_text else ""
        out.append(f"<tr><td>{_e(metric_label(m, label.lang))}</td>"
                   f'<td class="num">'
                   f'{_e(format_value(m.value, m.format, currency, label.lang))}</td>'
                   f"<td>{_e(target)}</td><td>{_badge(m, label)}</td>"
                   f'<td class="def">{_e(definition)}{advice}</td></tr>')
    out.append("</table>")
    return out


# The format of each BREAKDOWN_COLUMNS cell, after the group's name.
_BREAKDOWN_FORMATS = ("n", "n", "n", MONEY, PERCENT, PERCENT, "n", PERCENT, PERCENT, PERCENT)


def _breakdown_table(breakdown: Breakdown, label: _Labels, currency: str) -> list[str]:
    """One breakdown (per owner, tier, circle or source) as a table."""
    out = [f"<h2>{_e(label('by_' + breakdown.key))}</h2><table><tr>"
           f"<th>{_e(label(breakdown.key))}</th>"]
    out += [f"<th>{_e(label(k))}</th>" for k in BREAKDOWN_COLUMNS]
    out.append("</tr>")
    for row in breakdown.rows:
        # A source is what people typed; the other groups are the tool's own words.
        name = row[0] if breakdown.key == "source" and row[0] else group_label(row[0], label.lang)
        cells = [f"<td>{_e(name)}</td>"]
        for value, fmt in zip(row[1:], _BREAKDOWN_FORMATS, strict=False):
            shown = "—" if value is None else format_value(
                float(value), fmt if fmt in (MONEY, PERCENT) else "number", currency)
            cells.append(f'<td class="num">{_e(shown)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


_REFERRER_KEYS = ("rank", "name", "owner", "referrals", "closed", "conversion", "commission",
                  "downstream", "influence", "reward_due", "last_thanked", "candidate")
_NUMERIC_REFERRER_CELLS = {0, 3, 4, 5, 6, 7, 8}  # positions in _REFERRER_KEYS


def _referrer_cells(r: Referrer, lang: str, currency: str) -> list[str]:
    return [str(r.rank), r.name, r.owner, str(r.referrals), str(r.closed),
            format_value(r.conversion, PERCENT), format_value(r.commission, MONEY, currency),
            str(r.downstream), f"{r.influence:.1f}",
            localized(r.reward, lang) if r.reward_due else "",
            r.last_thanked.isoformat() if r.last_thanked else "",
            localized(YES, lang) if r.core_candidate else ""]


def _referrer_table(referrals: list[Referrer], label: _Labels, currency: str) -> list[str]:
    """The top TOP_REFERRERS referrers, or a dash when nobody referred anyone."""
    out = [f"<h2>{_e(vocabulary.label(vocabulary.TABS['referrals'], label.lang))}</h2>"]
    if not referrals:
        out.append('<p class="empty">—</p>')
        return out
    out.append("<table><tr>" + "".join(f"<th>{_e(label.referral_column(k))}</th>"
                                       for k in _REFERRER_KEYS) + "</tr>")
    for r in referrals[:TOP_REFERRERS]:
        cells = _referrer_cells(r, label.lang, currency)
        out.append("<tr>" + "".join(
            f'<td class="num">{_e(c)}</td>' if n in _NUMERIC_REFERRER_CELLS else f"<td>{_e(c)}</td>"
            for n, c in enumerate(cells)) + "</tr>")
    out.append("</table>")
    return out


def render_report(metrics: list[Metric], breakdowns: list[Breakdown], referrals: list[Referrer],
                  history: OwnedTab | Table | None, title: str, *, lang: str = "en",
                  currency: str = "") -> str:
    """The whole report as one HTML string (UTF-8, no script, no external resource).

    Sections: headline cards (value, target, status), trends of NPS and repeat client rate from
    the Metrics history, tier / activity / source charts, the full metric table with definitions
    and what to do, the per-owner / tier / circle / source breakdowns, and the top referrers.
    """
    label = _Labels(lang)
    out = _head(title, lang) + _as_of(history, label)
    out += _headline_cards(metrics, label, currency)
    out += _trend_charts(history, label)
    out += _distribution_charts(metrics, breakdowns, label)
    out += _metric_table(metrics, label, currency)
    for breakdown in breakdowns:
        out += _breakdown_table(breakdown, label, currency)
    out += _referrer_table(referrals, label, currency)
    out.append("<footer>sheets-sync</footer>")
    out.append("</body></html>")
    return "\n".join(out)
