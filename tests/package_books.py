"""Workbooks with odd packages, built in each test: a small xlsxwriter book, then its zip parts
renamed, replaced or added the way other applications (or damage) leave them."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from sheets_sync.config import load_config
from sheets_sync.core.plan import build_plan
from sheets_sync.stores.xlsx import XlsxStore
from tests.workbooks import png_bytes

TODAY = date(2026, 11, 23)
HEADERS = ["ID", "Name", "Phone", "Circle", "Last contact"]
CONTACTS = [
    ["C0001", "Alice Tan", "+60123456789", "Network", datetime(2026, 10, 1)],
    ["C0002", "Bob Lim", "+60123456788", "Advocate", datetime(2026, 9, 1)],
]


def base_book(path: Path, build: Callable[[Any, Any], None] | None = None) -> Path:
    """Contacts and Interactions; `build(workbook, contacts_sheet)` adds what a test needs."""
    wb = xlsxwriter.Workbook(str(path))
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, HEADERS)
    for r, row in enumerate(CONTACTS, start=1):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, dates)
            else:
                ws.write(r, c, value)
    inter = wb.add_worksheet("Interactions")
    inter.write_row(0, 0, ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome"])
    inter.write_datetime(1, 0, datetime(2026, 11, 1), dates)
    inter.write_row(1, 1, ["C0001", "call", "Check-in", "answered"])
    if build:
        build(wb, ws)
    wb.close()
    return path


def image_on(sheet: Any, cell: str = "H2") -> None:
    sheet.insert_image(cell, "logo.png", {"image_data": io.BytesIO(png_bytes())})


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def rewrite(path: Path, edit: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    """Rewrite the zip with `edit(parts)` (insertion order kept)."""
    new = edit(parts(path))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in new.items():
            out.writestr(name, data)
    return path


def corrupt_part(path: Path, name: str) -> Path:
    """Flip bytes in the middle of a part's deflate stream (the zip's directory stays sound)."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + info.compress_size // 3, start + info.compress_size // 3 + 8):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync(path: Path, today: date = TODAY) -> bool:
    """One sync of the workbook through the real rules; True when it wrote."""
    store = XlsxStore(path)
    return store.apply(build_plan(store.read(), load_config(), today).changes)


def sheet_part(path: Path, tab: str) -> str:
    """The zip name of a tab's part."""
    from sheets_sync.stores.ooxml import parse_sheets

    files = parts(path)
    for entry in parse_sheets(files["xl/workbook.xml"], files["xl/_rels/workbook.xml.rels"]):
        if entry.name == tab:
            return entry.part
    raise KeyError(tab)
