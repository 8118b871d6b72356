"""Where a Google Sheet is: a sheet URL or `gsheet:<key>`, never a file path.

Locations stay strings end to end; turning one into a `Path` collapses the `//` of a URL
("https:/docs.google.com/…"), which is how a Google location used to be mangled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets_sync.errors import UserError

SHEET_URL = re.compile(
    r"^https://docs\.google\.com/spreadsheets/(?:u/\d+/)?d/(?P<key>[A-Za-z0-9_-]{20,})"
    r"(?:[/?#].*)?$"
)
PREFIX = "gsheet:"
KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True)
class SheetLocation:
    key: str

    @property
    def canonical(self) -> str:
        """One spelling per sheet, for locks, status and logs."""
        return PREFIX + self.key

    @property
    def url(self) -> str:
        return f"https://docs.google.com/spreadsheets/d/{self.key}/edit"


def is_google_location(text: str) -> bool:
    return text.startswith((PREFIX, "https://", "http://"))


def parse_location(text: str) -> SheetLocation:
    """The sheet a URL or `gsheet:<key>` names; UserError (exit 2) with the fix otherwise."""
    text = text.strip()
    if text.startswith(PREFIX):
        key = text[len(PREFIX):]
        if KEY.match(key):
            return SheetLocation(key)
        raise UserError(f"'{text}' is not a Google Sheet key",
                        "copy the long key between /d/ and /edit from the sheet's address")
    match = SHEET_URL.match(text)
    if match:
        return SheetLocation(match.group("key"))
    raise UserError(f"'{text}' is not a Google Sheet address",
                    "use the address from the browser "
                    "(https://docs.google.com/spreadsheets/d/<key>/edit) or gsheet:<key>")


def book_title(location: str) -> str:
    """A short name for a location in titles and file names: a workbook's file stem, or
    "Google Sheet 1AbCdEfG…"."""
    if is_google_location(location):
        return f"Google Sheet {parse_location(location).key[:8]}…"
    return location.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
