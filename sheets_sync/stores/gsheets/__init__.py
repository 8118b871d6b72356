"""The Google Sheets store: the same change set as the Excel store, through gspread."""

from sheets_sync.stores.gsheets.location import SheetLocation, is_google_location, parse_location
from sheets_sync.stores.gsheets.store import GoogleSheetStore

__all__ = ["GoogleSheetStore", "SheetLocation", "is_google_location", "parse_location"]
