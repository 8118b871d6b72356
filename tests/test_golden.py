"""The xlsx a sync writes is byte-for-byte the recorded one (tests/golden/*.json).

A difference names each part that changed. When a change is intended, refresh the record with
`SHEETS_SYNC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden.py -m ""`
(or `.venv/bin/python -m tests.golden_books`) and commit it with the reason.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import golden_books


def check(name: str, folder: Path) -> None:
    actual = golden_books.CASES[name](folder)
    if os.environ.get(golden_books.UPDATE_ENV):
        golden_books.save(name, actual)
        return
    diff = golden_books.differences(golden_books.load(name), actual)
    assert not diff, (
        f"the synced workbook differs from {golden_books.golden_path(name).name}:\n  "
        + "\n  ".join(diff)
        + f"\nIf intended, refresh with {golden_books.UPDATE_ENV}=1 "
        "(see tests/golden_books.py) and say why in the commit."
    )


def test_the_sample_workbook_syncs_to_the_recorded_bytes(tmp_path: Path) -> None:
    check("sample", tmp_path)


@pytest.mark.slow
def test_the_4000_contact_book_syncs_to_the_recorded_bytes(tmp_path: Path) -> None:
    check("crash_book", tmp_path)


@pytest.mark.slow
def test_a_light_sync_a_chinese_book_and_an_excel_written_book_sync_to_the_recorded_bytes(
    tmp_path: Path,
) -> None:
    check("other_books", tmp_path)


@pytest.mark.slow
def test_the_20000_contact_benchmark_book_syncs_to_the_recorded_bytes(tmp_path: Path) -> None:
    check("bench_book", tmp_path)
