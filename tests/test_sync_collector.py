"""The cycle collector waits while a sync runs and is back on when it ends, however it ends."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pytest

from sheets_sync.config import load_config
from sheets_sync.errors import UserError
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook

TODAY = date(2026, 11, 23)


def test_the_collector_is_on_again_after_a_sync(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=TODAY)
    assert sync_workbook(str(path), load_config(), TODAY).written
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_sync_that_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(UserError):
        sync_workbook(str(path), load_config(), TODAY)
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_finds_it_still_paused(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=TODAY)
    gc.disable()
    try:
        sync_workbook(str(path), load_config(), TODAY, dry_run=True)
        assert not gc.isenabled()
    finally:
        gc.enable()
