"""A local server implementing the documented Sheets API v4 semantics a sheets store relies on."""

from .server import SheetsApiServer

__all__ = ["SheetsApiServer"]
