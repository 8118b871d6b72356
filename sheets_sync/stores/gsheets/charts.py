"""A change set's chart as an `addChart` request: series point at the named columns of the owned
tabs, by sheetId and column index, so they follow the data the same batch writes."""

from __future__ import annotations

from typing import Any

from sheets_sync.core.model import Chart, ColumnRef, OwnedTab

KINDS = {"line": "LINE", "column": "COLUMN", "bar": "BAR"}
def add_chart_request(chart: Chart, cell: tuple[int, int],
                      sheet_ids: dict[str, int | None], tabs: list[OwnedTab]) -> dict[str, Any]:
    """`cell`: the chart's top-left (0-based column, row), as the Excel store places it."""
    host = sheet_ids[chart.categories.tab]
    col, row = cell
    anchor = {"sheetId": sheet_ids.get("metrics", host), "rowIndex": row, "columnIndex": col}
    domain = _source(chart.categories, sheet_ids, tabs)
    if chart.kind == "pie":
        spec: dict[str, Any] = {"pieChart": {
            "legendPosition": "RIGHT_LEGEND", "domain": domain,
            "series": _source(chart.series[0][1], sheet_ids, tabs)}}
    else:
        spec = {"basicChart": {
            "chartType": KINDS.get(chart.kind, "COLUMN"),
            "legendPosition": "BOTTOM_LEGEND",
            "axis": [{"position": "BOTTOM_AXIS"}, {"position": "LEFT_AXIS"}],
            "domains": [{"domain": domain}],
            "series": [{"series": _source(ref, sheet_ids, tabs), "targetAxis": "LEFT_AXIS"}
                       for _, ref in chart.series],
            "headerCount": 0}}
    spec["title"] = chart.title
    return {"addChart": {"chart": {"spec": spec, "position": {
        "overlayPosition": {"anchorCell": anchor, "widthPixels": 560, "heightPixels": 320}}}}}


def _source(ref: ColumnRef, sheet_ids: dict[str, int | None], tabs: list[OwnedTab]
            ) -> dict[str, Any]:
    tab = next(t for t in tabs if t.key == ref.tab)
    col = tab.index(ref.column)
    return {"sourceRange": {"sources": [{
        "sheetId": sheet_ids[ref.tab], "startRowIndex": ref.first + 1,
        "endRowIndex": ref.last + 2, "startColumnIndex": col, "endColumnIndex": col + 1}]}}
