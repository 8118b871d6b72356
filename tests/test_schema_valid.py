"""Every part a sync writes or edits validates against the ECMA-376 transitional schemas (as the
Open XML SDK states them, through openxml-audit): on the sample and on a workbook written the way
Excel writes one."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from sheets_sync.config import load_config
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook
from tests.schema_check import new_schema_errors
from tests.workbooks import excel_like_workbook

TODAY = date(2026, 11, 23)


def synced_copy(before: Path) -> Path:
    after = before.with_name("after.xlsx")
    shutil.copy(before, after)
    sync_workbook(str(after), load_config(), TODAY)
    return after


@pytest.mark.slow
def test_every_part_the_sample_sync_writes_or_edits_is_schema_valid(tmp_path: Path) -> None:
    before = tmp_path / "sample.xlsx"
    write_starter_workbook(before, lang="en", sample=True, today=TODAY)
    assert not new_schema_errors(before, synced_copy(before))


@pytest.mark.slow
def test_every_part_written_into_an_excel_made_workbook_is_schema_valid(tmp_path: Path) -> None:
    before = excel_like_workbook(tmp_path / "book.xlsx")
    assert not new_schema_errors(before, synced_copy(before))
