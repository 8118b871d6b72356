"""The number of requests a Google sync sends is a small constant, not a function of rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.bench_sync import TODAY, generate
from sheets_sync.sync import sync_workbook
from tests.gsheets_books import fast_config, put_xlsx
from tests.sheets_api.server import SheetsApiServer


def generated_sheet(api: SheetsApiServer, tmp_path: Path, contacts: int) -> str:
    path = tmp_path / "book.xlsx"
    generate(path, contacts=contacts, interactions=contacts * 3)
    return put_xlsx(api, path)


def requests_per_sync(api: SheetsApiServer, location: str) -> tuple[int, int, int]:
    api.log.clear()
    report = sync_workbook(location, fast_config(), TODAY)
    first = api.log.summary()
    assert report.requests == first["requests"]  # what the worker logs is what was sent
    api.log.clear()
    sync_workbook(location, fast_config(), TODAY)
    return first["reads"], first["writes"], api.log.summary()["requests"]


def test_ten_contacts_cost_three_reads_two_writes_and_a_no_op_two_reads(
    api: SheetsApiServer, tmp_path: Path
) -> None:
    assert requests_per_sync(api, generated_sheet(api, tmp_path, 10)) == (3, 2, 2)


@pytest.mark.slow
def test_eight_thousand_contacts_cost_the_same(api: SheetsApiServer, tmp_path: Path) -> None:
    reads, writes, no_op = requests_per_sync(api, generated_sheet(api, tmp_path, 8_000))
    assert reads == 3 and no_op == 2
    assert writes <= 3  # the owned-column values may be split once below the payload limit
