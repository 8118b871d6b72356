"""A Chinese and a Japanese book round-trip: what the tool writes in the book's language it reads
back on the next sync (Today's Done ticks, the Metrics history), and a second sync with no edits
changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from sheets_sync.config import load_config
from sheets_sync.core.vocabulary import TABS, TODAY_COLUMNS, label
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook

DAY = date(2026, 11, 23)


def _rows(path: Path, tab: str) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path)[tab]
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]


def _tick(path: Path, lang: str, rows: int) -> None:
    """Tick Done on the first `rows` rows of Today, as a person would in Excel."""
    book = openpyxl.load_workbook(path)
    sheet = book[label(TABS["today"], lang)]
    done = [c.value for c in sheet[1]].index(label(TODAY_COLUMNS["done"], lang)) + 1
    for row in range(2, rows + 2):
        sheet.cell(row=row, column=done).value = True
    book.save(path)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh", "ja", "zh-Hant"])
def test_a_localised_book_round_trips_through_two_syncs(tmp_path: Path, lang: str) -> None:
    path = tmp_path / f"{lang}.xlsx"
    write_starter_workbook(path, lang=lang, sample=True, today=DAY)
    config = load_config()
    assert sync_workbook(str(path), config, DAY).written
    issues_tab = label(TABS["issues"], lang)
    history_tab = label(TABS["metrics_history"], lang)
    issues = _rows(path, issues_tab)
    assert len(issues) > 1

    again = sync_workbook(str(path), config, DAY)
    assert not again.written, again.changes  # the second sync is a no-op

    _tick(path, lang, 2)
    later = DAY + timedelta(days=7)
    report = sync_workbook(str(path), config, later)
    assert report.done_logged == 2  # Today's localised Done column was read back
    assert _rows(path, issues_tab) == issues  # the same Issues, in the same words
    history = _rows(path, history_tab)
    assert [row[0].date() for row in history[1:]] == [DAY, later]  # earlier rows kept
