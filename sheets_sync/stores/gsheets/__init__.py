"""The Google Sheets store: the same change set as the Excel store, through gspread."""

from __future__ import annotations

from typing import Any

from sheets_sync.stores.gsheets.location import SheetLocation, is_google_location, parse_location

__all__ = ["GoogleSheetStore", "SheetLocation", "is_google_location", "parse_location"]


def __getattr__(name: str) -> Any:
    # The store pulls in the Google client libraries; only a command on a Google Sheet needs
    # them, and reading a location (which every sync does) must not pay for them.
    if name == "GoogleSheetStore":
        from sheets_sync.stores.gsheets.store import GoogleSheetStore

        return GoogleSheetStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
