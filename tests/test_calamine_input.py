"""Issue 12 (speed): calamine reads a copy of the package whose worksheets begin with an empty
mergeCells, so its merged-cell pass stops at once; every value it reads is the same."""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from sheets_sync.stores import calamine_input
from sheets_sync.stores.calamine_input import LEAD, LedWorkbook, calamine_bytes, crc32_combine


def mixed_book(path: Path) -> Path:
    """Two sheets of text, numbers, dates, booleans, a formula, blanks and merged cells."""
    wb = xlsxwriter.Workbook(str(path))
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    first = wb.add_worksheet("Contacts")
    first.write_row(0, 0, ["ID", "Name", "Score", "Since", "Active"])
    for r in range(1, 40):
        first.write_string(r, 0, f"C{r:04d}")
        first.write_string(r, 1, "王小明" if r % 3 else "Siti binti Ahmad")
        first.write_number(r, 2, r * 1.5)
        first.write_datetime(r, 3, datetime(2020, 1 + r % 12, 1 + r % 28), dates)
        first.write_boolean(r, 4, r % 2 == 0)
    first.write_formula(41, 2, "=SUM(C2:C40)", None, 1755.0)
    first.merge_range("G2:H3", "merged")
    second = wb.add_worksheet("Interactions")
    second.write_row(0, 0, ["Contact ID", "Date", "Channel"])
    second.write_row(1, 0, ["C0001", "2026-11-02", "Call"])
    second.merge_range("E5:F5", "also merged")
    wb.close()
    return path


def worksheets(archive: zipfile.ZipFile) -> frozenset[str]:
    return frozenset(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))


def read_all(data: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names}


def led_copy(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return calamine_bytes(data, archive, worksheets(archive))


def rewritten(data: bytes, change: dict[str, bytes], stored: bool = False) -> bytes:
    """The package with the parts in `change` replaced (and every part stored when `stored`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = change.get(info.filename, src.read(info))
            dst.writestr(info.filename, body,
                         zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


@given(st.binary(max_size=300), st.binary(max_size=3000))
def test_crc32_combine_is_the_crc_of_the_two_together(first: bytes, second: bytes) -> None:
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(
        first + second)


def test_calamine_reads_every_value_of_the_led_copy_as_of_the_file(tmp_path: Path) -> None:
    data = mixed_book(tmp_path / "book.xlsx").read_bytes()
    assert led_copy(data) != data
    assert read_all(led_copy(data)) == read_all(data)


def test_each_worksheet_of_the_copy_unpacks_to_the_lead_and_the_part(tmp_path: Path) -> None:
    data = mixed_book(tmp_path / "book.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as original, \
            zipfile.ZipFile(io.BytesIO(led_copy(data))) as copy:
        assert copy.testzip() is None  # every CRC and size as recorded
        assert copy.namelist() == original.namelist()
        for name in original.namelist():
            lead = LEAD if name in worksheets(original) else b""
            assert copy.read(name) == lead + original.read(name)


def test_the_merged_cell_pass_stops_at_the_lead(tmp_path: Path) -> None:
    data = mixed_book(tmp_path / "book.xlsx").read_bytes()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert book.get_sheet_by_name("Contacts").merged_cell_ranges  # the file has them
    led = CalamineWorkbook.from_filelike(io.BytesIO(led_copy(data)))
    assert not led.get_sheet_by_name("Contacts").merged_cell_ranges  # never read by the sync


def test_a_part_that_begins_with_a_byte_order_mark_reads_the_same(tmp_path: Path) -> None:
    data = mixed_book(tmp_path / "book.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = archive.read("xl/worksheets/sheet1.xml")
    marked = rewritten(data, {"xl/worksheets/sheet1.xml": b"\xef\xbb\xbf" + part})
    assert read_all(led_copy(marked)) == read_all(marked) == read_all(data)


def test_a_package_with_an_entry_not_deflated_is_given_as_it_is(tmp_path: Path) -> None:
    stored = rewritten(mixed_book(tmp_path / "book.xlsx").read_bytes(), {}, stored=True)
    assert led_copy(stored) is stored


def test_a_copy_calamine_refuses_to_open_is_read_from_the_file_instead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = mixed_book(tmp_path / "book.xlsx").read_bytes()
    monkeypatch.setattr(calamine_input, "calamine_bytes", lambda *_: b"PK\x03\x04 no zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = LedWorkbook(data, archive, worksheets(archive))
    assert {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in book.sheet_names} == read_all(data)


def test_a_sheet_calamine_refuses_in_the_copy_is_read_from_the_file_instead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = mixed_book(tmp_path / "book.xlsx").read_bytes()
    refused = rewritten(data, {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c"})
    monkeypatch.setattr(calamine_input, "calamine_bytes", lambda *_: refused)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = LedWorkbook(data, archive, worksheets(archive))
    assert book.get_sheet_by_name("Contacts").to_python(skip_empty_area=False) == read_all(
        data)["Contacts"]
