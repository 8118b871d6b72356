"""Fixtures shared by the file-level tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sheets_sync.config import load_config
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook
from tests.gsheets_books import api, sheets_server  # noqa: F401  (fixtures for Google books)

# The store contract's tests live outside a test_ module (each store's suite collects them).
pytest.register_assert_rewrite("tests.store_contract")

SAMPLE_DAY = date(2026, 11, 23)


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    """The bundled sample workbook, synced once on SAMPLE_DAY."""
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=SAMPLE_DAY)
    sync_workbook(str(path), load_config(), SAMPLE_DAY)
    return path
