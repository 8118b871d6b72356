"""Calendar, Metrics, Metrics history and Referrals on a real synced workbook."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.sync import sync_workbook
from tests.conftest import SAMPLE_DAY as TODAY
from tests.libreoffice import roundtrip

# Whole syncs of the sample, several per test: in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def test_metrics_tab_has_values_with_formats_and_charts(synced: Path) -> None:
    ws = openpyxl.load_workbook(synced)["Metrics"]
    assert [c.value for c in ws[1]][:5] == ["Metric", "Value", "Target", "Status", "Definition"]
    rows = {r[0].value: r[1] for r in ws.iter_rows(min_row=2) if r[0].value}
    assert rows["Repeat client rate"].number_format == "0%"
    assert 0 <= rows["Repeat client rate"].value <= 1
    assert -100 <= rows["NPS"].value <= 100
    assert len(ws._charts) >= 4


def test_metrics_history_has_one_row_per_day(synced: Path) -> None:
    sync_workbook(str(synced), load_config(), TODAY)  # same day: replaced, not added
    sync_workbook(str(synced), load_config(), TODAY + timedelta(days=1))
    sync_workbook(str(synced), load_config(), TODAY + timedelta(days=1))
    ws = openpyxl.load_workbook(synced)["Metrics history"]
    days = [r[0].date() for r in ws.iter_rows(min_row=2, values_only=True)]
    assert days == [TODAY, TODAY + timedelta(days=1)]


def test_calendar_has_twelve_months_from_this_month(synced: Path) -> None:
    rows = list(openpyxl.load_workbook(synced)["Calendar"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Month", "Theme", "Content ideas")
    assert len(rows) == 13 and rows[1][0] == "November 2026"
    assert any("Christmas" in (r[3] or "") for r in rows[1:])


def test_themes_tab_is_written_once_and_then_left_to_people(synced: Path) -> None:
    wb = openpyxl.load_workbook(synced)
    november = next(r[0].row for r in wb["Themes"].iter_rows(min_row=2) if r[0].value == 11)
    wb["Themes"].cell(row=november, column=2, value="Our own November theme")
    wb.save(synced)
    sync_workbook(str(synced), load_config(), TODAY)
    wb = openpyxl.load_workbook(synced)
    assert wb["Themes"].cell(row=november, column=2).value == "Our own November theme"
    assert wb["Calendar"]["B2"].value == "Our own November theme"


def test_referrals_tab_ranks_the_top_referrer_first(synced: Path) -> None:
    rows = list(openpyxl.load_workbook(synced)["Referrals"].iter_rows(values_only=True))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=False))
    assert first["Rank"] == 1 and first["Referrals made"] >= 3


def test_report_and_graph_commands(synced: Path, tmp_path: Path) -> None:
    html, png = tmp_path / "report.html", tmp_path / "graph.png"
    assert main(["report", str(synced), "-o", str(html), "--today", TODAY.isoformat()]) == 0
    assert main(["referrals", str(synced), "--graph", str(png), "--today",
                 TODAY.isoformat()]) == 0
    assert "<html" in html.read_text(encoding="utf-8").lower()
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_insight_tabs_open_in_libreoffice(synced: Path, tmp_path: Path) -> None:
    tabs = roundtrip(synced, tmp_path / "lo")
    for name in ("Calendar", "Metrics", "Metrics history", "Referrals", "Themes"):
        assert len(tabs[name]) > 1, name
    assert tabs["Metrics"][0][:2] == ["Metric", "Value"]
