"""A local server implementing the documented Sheets API v4 semantics a sheets store relies on.

Typical use in a test::

    with SheetsApiServer() as server:            # 127.0.0.1, ephemeral port
        book_id = server.create_spreadsheet("Book", [{"title": "Contacts", "sheetId": 0}])
        server.seed(book_id, "Contacts!A1", [["Name"], ["Ann"]])
        gc = server.client()                      # real gspread, real HTTP
        ...                                       # or SHEETS_SYNC_GOOGLE_API=server.base_url
        server.on_request("values:batchUpdate",   # a person edits between read and write
                          lambda s: s.person(book_id).insert_rows("Contacts", above_row=2))
        assert server.log.count("write") <= 5

Standalone (for benchmarks and manual trials): ``python -m tests.sheets_api.server --port N``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SheetsApiServer"]


def __getattr__(name: str) -> Any:
    # imported on first use, so `python -m tests.sheets_api.server` runs the module only once
    if name == "SheetsApiServer":
        from .server import SheetsApiServer

        return SheetsApiServer
    raise AttributeError(name)
