"""The morning list in a Google Sheet: Send cells carry the link as the cell's link property
(never a HYPERLINK formula), the Rule column is hidden, Today and Greetings sit right after
Contacts, and the charts sit beside the Metrics table."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from sheets_sync.sync import sync_workbook
from tests.gsheets_books import DAY, fast_config, sample_sheet
from tests.sheets_api.server import SheetsApiServer

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def test_send_cells_are_link_cells_that_open_their_own_draft(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    today = api.spreadsheet(location.split(":", 1)[1]).sheet_by_title("Today")
    headers = [today.cell(0, c).get("userEnteredValue", {}).get("stringValue")
               for c in range(today.col_count)]
    send, message = headers.index("Send"), headers.index("Message")
    checked = 0
    for row in range(1, today.row_count):
        cell = today.cell(row, send)
        shown = (cell.get("userEnteredValue") or {}).get("stringValue")
        if not shown:
            continue
        assert "formulaValue" not in cell["userEnteredValue"]
        url = cell["userEnteredFormat"]["textFormat"]["link"]["uri"]
        if not url.startswith("tel:"):
            query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            text = query.get("text") or query.get("body")
            assert text == today.cell(row, message)["userEnteredValue"]["stringValue"]
        checked += 1
    assert checked > 10


def test_rule_is_hidden_and_today_sits_after_contacts(api: SheetsApiServer) -> None:
    location = sample_sheet(api)
    sync_workbook(location, fast_config(), DAY)
    spreadsheet = api.spreadsheet(location.split(":", 1)[1])
    titles = [s.props["title"] for s in spreadsheet.sheets if not s.props.get("hidden")]
    at = titles.index("Contacts")
    assert titles[at + 1:at + 3] == ["Today", "Greetings"]
    today = spreadsheet.sheet_by_title("Today")
    headers = [today.cell(0, c).get("userEnteredValue", {}).get("stringValue")
               for c in range(today.col_count)]
    assert today.dim_props["COLUMNS"][headers.index("Rule")].get("hiddenByUser") is True
